"""What a failed Bot API call means for the call we made, in one place.

Telegram answers a failed call with an HTTP status and a description; PTB turns
them into exceptions (`BadRequest` for 400, with the "Bad Request: " prefix removed
and the rest passed through `str.capitalize`, so "query ID" arrives as "query id";
`Forbidden` for 403; `RetryAfter` for 429 with `retry_after`; `NetworkError` for the
rest: 5xx, a proxy's HTML page, a dropped connection; `TimedOut` when no answer
came), so the texts are matched case-insensitively on their stable part.

The texts are Telegram's own, from the Bot API server (tdlib/telegram-bot-api
`Client.cpp`, which lowercases the first letter of tdlib's messages) and tdlib
(`MessagesManager.cpp`, `MessageContent.cpp`); `tests/botapi_model.py` answers with
them, and `tests/test_telegram_errors.py` runs each through PTB.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)


class Verdict(StrEnum):
    # The effect is already there: an edit to what the message already shows.
    DONE = "done"
    # Nothing is left to do: the message or the query is gone or too old.
    MOOT = "moot"
    # The person cannot be reached: blocked the bot, deleted the account, no such chat.
    UNREACHABLE = "unreachable"
    # 429: wait exactly `retry_after`, then try again.
    FLOOD = "flood"
    # Telegram (or the way to it) is unavailable for a while: try again later.
    TRANSIENT = "transient"
    # Telegram will never accept this call as it is.
    REFUSED = "refused"


# "Bad Request: message is not modified: specified new message content and reply markup
# are exactly the same as a current content and reply markup of the message"
NOT_MODIFIED = "message is not modified"
# "Bad Request: message to edit not found", "... to delete not found",
# "Bad Request: message can't be edited", "... can't be deleted (for everyone)",
# "Bad Request: query is too old and response timeout expired or query ID is invalid",
# "Bad Request: MESSAGE_ID_INVALID" (the Telegram server's own code, passed on as it is)
GONE = (
    "message to edit not found",
    "message to delete not found",
    "message can't be edited",
    "message can't be deleted",
    "message_id_invalid",
    "query is too old",
    "query id is invalid",
)
# "Bad Request: chat not found", "Forbidden: bot was blocked by the user",
# "Forbidden: user is deactivated", "Forbidden: bot can't initiate conversation with a user"
UNREACHABLE_TEXTS = ("chat not found", "user not found", "peer_id_invalid")
# PTB's text when an answer is not JSON (a captive portal, a proxy's page with 200):
# Telegram itself was not reached.
INVALID_RESPONSE = "invalid server response"


def verdict(error: TelegramError) -> Verdict:
    """The meaning of `error` for the call that raised it."""
    if isinstance(error, RetryAfter):
        return Verdict.FLOOD
    text = error.message.lower()
    if isinstance(error, Forbidden):
        return Verdict.UNREACHABLE
    if isinstance(error, BadRequest):
        if NOT_MODIFIED in text:
            return Verdict.DONE
        if any(gone in text for gone in GONE):
            return Verdict.MOOT
        if any(unreachable in text for unreachable in UNREACHABLE_TEXTS):
            return Verdict.UNREACHABLE
        return Verdict.REFUSED
    if isinstance(error, TimedOut | NetworkError | Conflict):
        # Conflict: another getUpdates or a webhook in the way, for a while.
        return Verdict.TRANSIENT
    if INVALID_RESPONSE in text:
        return Verdict.TRANSIENT
    # InvalidToken, ChatMigrated, EndPointNotFound: no retry will help.
    return Verdict.REFUSED


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives an int or a timedelta."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def is_idempotent_success(error: TelegramError) -> bool:
    """A repeated call found its effect already there, or nothing left to do."""
    return verdict(error) in (Verdict.DONE, Verdict.MOOT)
