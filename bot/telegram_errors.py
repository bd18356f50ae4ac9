"""What a failed Bot API call means for the step that made it.

Telegram answers a failed call with a status and a description, for example
`{"ok":false,"error_code":400,"description":"Bad Request: message is not modified: ..."}`.
python-telegram-bot turns that into an exception: `BadRequest` for 400 (with the
"Bad Request: " prefix removed and the rest passed through `str.capitalize`, so
"query ID" arrives as "query id"), `Forbidden` for 403 (its text untouched),
`RetryAfter` for 429 with `retry_after`, and `NetworkError` for the rest (5xx, an
HTML page from a proxy, a dropped connection), `TimedOut` when no answer came.

The texts below are Telegram's own, from the Bot API server's sources
(tdlib/telegram-bot-api `Client.cpp`, which lowercases the first letter of tdlib's
messages) and tdlib (`td/telegram/MessagesManager.cpp`, `MessageContent.cpp`,
`MessageEntity.cpp`); aiogram 2's `utils/exceptions.py` matches the same stable
parts. Each is matched case-insensitively on the part that does not change.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from enum import StrEnum

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning


class Verdict(StrEnum):
    """What became of the effect a call asked for."""

    # The effect is already there: the step is done.
    DONE = "done"
    # Nothing is left to do (the message or the button press is gone): the step is done.
    MOOT = "moot"
    # This person (chat) cannot be reached: blocked, deactivated, unknown.
    UNREACHABLE = "unreachable"
    # Flood limit: wait exactly `retry_after`, then try again.
    FLOOD = "flood"
    # Telegram or the way to it is down for a while: try again later.
    TRANSIENT = "transient"
    # Telegram refuses this request as it is: it will never succeed.
    REFUSED = "refused"


# editMessageText/ReplyMarkup/Caption with the content and buttons the message already
# has. Full text (Client.cpp, for tdlib's MESSAGE_NOT_MODIFIED): "Bad Request: message is
# not modified: specified new message content and reply markup are exactly the same as a
# current content and reply markup of the message".
MESSAGE_NOT_MODIFIED = "message is not modified"

# Client.cpp names the message it looked for: "Bad Request: message to edit not found",
# "Bad Request: message to delete not found".
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
# tdlib MessagesManager.cpp: "Bad Request: message can't be edited"; "Bad Request: message
# can't be deleted" (also Client.cpp for MESSAGE_DELETE_FORBIDDEN) and "... can't be
# deleted for everyone".
MESSAGE_CANT_BE_EDITED = "message can't be edited"
MESSAGE_CANT_BE_DELETED = "message can't be deleted"
# The Telegram server's MESSAGE_ID_INVALID, passed on as "Bad Request: MESSAGE_ID_INVALID".
MESSAGE_ID_INVALID = "message_id_invalid"
# answerCallbackQuery too late, a second time, or with an id Telegram never issued
# (Client.cpp, for QUERY_ID_INVALID): "Bad Request: query is too old and response timeout
# expired or query ID is invalid".
QUERY_TOO_OLD = "query is too old and response timeout expired or query id is invalid"

# 403 "Forbidden: bot was blocked by the user" (Client.cpp, USER_IS_BLOCKED).
BOT_BLOCKED = "bot was blocked by the user"
# 403 "Forbidden: user is deactivated" (Client.cpp, INPUT_USER_DEACTIVATED).
USER_DEACTIVATED = "user is deactivated"
# 403 "Forbidden: bot can't initiate conversation with a user" (MessagesManager.cpp, a
# user who never started the bot).
CANT_INITIATE = "bot can't initiate conversation with a user"
# 400 "Bad Request: chat not found" (Client.cpp).
CHAT_NOT_FOUND = "chat not found"
# 400 "Bad Request: user not found" (Client.cpp), for methods that name a user.
USER_NOT_FOUND = "user not found"
# 400 "Bad Request: PEER_ID_INVALID": the Telegram server does not know the chat.
PEER_ID_INVALID = "peer_id_invalid"

# Refusals, listed for the doubles and the tests; every other BadRequest is refused too.
# MessageContent.cpp: "Bad Request: message is too long" (text over 4096 characters),
# "Bad Request: message caption is too long" (caption over 1024).
MESSAGE_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
# Client.cpp: "Bad Request: message text is empty".
MESSAGE_TEXT_EMPTY = "message text is empty"
# The Telegram server: "Bad Request: BUTTON_DATA_INVALID" (callback_data over 64 bytes).
BUTTON_DATA_INVALID = "button_data_invalid"
# tdlib SynchronousRequests.cpp + MessageEntity.cpp parse_html: "Bad Request: can't parse
# entities: Unsupported start tag "x" at byte offset 0", "...: Can't find end tag
# corresponding to start tag "b"", ...
CANT_PARSE_ENTITIES = "can't parse entities"
# MessagesManager.cpp (MEDIA_EMPTY): "Bad Request: wrong file identifier/HTTP URL specified".
WRONG_FILE_IDENTIFIER = "wrong file identifier/http url specified"
# Client.cpp, getFile of an unknown id: "Bad Request: invalid file_id".
INVALID_FILE_ID = "invalid file_id"
# Client.cpp, getFile above 20 MB: "Bad Request: file is too big".
FILE_TOO_BIG = "file is too big"

_DONE = (MESSAGE_NOT_MODIFIED,)
_MOOT = (
    MESSAGE_TO_EDIT_NOT_FOUND,
    MESSAGE_TO_DELETE_NOT_FOUND,
    MESSAGE_CANT_BE_EDITED,
    MESSAGE_CANT_BE_DELETED,
    MESSAGE_ID_INVALID,
    QUERY_TOO_OLD,
)
_UNREACHABLE = (CHAT_NOT_FOUND, USER_NOT_FOUND, PEER_ID_INVALID)
# PTB's text when a 2xx answer is not JSON (a proxy's page): Telegram was not really reached.
_INVALID_SERVER_RESPONSE = "invalid server response"


def _mentions(error: TelegramError, texts: tuple[str, ...]) -> bool:
    message = error.message.lower()
    return any(text in message for text in texts)


def verdict(error: TelegramError) -> Verdict:
    """What `error`, raised by a Bot API call, means for the effect the call asked for."""
    if isinstance(error, RetryAfter):
        return Verdict.FLOOD
    if isinstance(error, BadRequest):
        if _mentions(error, _DONE):
            return Verdict.DONE
        if _mentions(error, _MOOT):
            return Verdict.MOOT
        if _mentions(error, _UNREACHABLE):
            return Verdict.UNREACHABLE
        return Verdict.REFUSED
    if isinstance(error, Forbidden):
        # Every 403 is about the recipient: blocked, deactivated, never started the bot,
        # kicked from the group. Trying again will not reach them.
        return Verdict.UNREACHABLE
    if isinstance(error, TimedOut | NetworkError | Conflict):
        # TimedOut, 5xx, 502 from the proxy, a dropped connection, a 429 without
        # retry_after; Conflict is another getUpdates or a webhook in the way, for a while.
        return Verdict.TRANSIENT
    if isinstance(error, ChatMigrated):
        # A group became a supergroup: this chat id will never work again.
        return Verdict.REFUSED
    if _mentions(error, (_INVALID_SERVER_RESPONSE,)):
        return Verdict.TRANSIENT
    # InvalidToken, EndPointNotFound, PassportDecryptionError: no retry will help.
    return Verdict.REFUSED


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds (PTB gives an int or a timedelta)."""
    with warnings.catch_warnings():
        # PTB 22 warns that `retry_after` will become a timedelta: both are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    if isinstance(wait, timedelta):
        return wait.total_seconds()
    return float(wait)


def is_idempotent_success(error: TelegramError) -> bool:
    """Whether the call's effect counts as done although Telegram answered with an error."""
    return verdict(error) in (Verdict.DONE, Verdict.MOOT)
