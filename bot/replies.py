"""The Bot API calls an update's handlers make, held back until the update is committed.

Handlers reply as in any PTB bot (`message.reply_text`, `query.edit_message_text`,
`context.bot.send_message`, `query.answer`). While an update is being handled,
`ReplyBot` does not send those calls: it records them on the update's `Replies`
and answers at once with a stand-in result. `bot.app` then stores them as outbox
rows in the update's own transaction and sends them right after the commit, ahead
of other traffic (`bot.outbox`, lane `REPLY`).

So a person is never told "done" for something that was not stored: a handler
that fails, or a commit that fails, takes its replies with it. A crash between
the commit and the sending repeats nothing and loses nothing: the stored replies
go out after the restart. And no update holds the database while it waits for
Telegram, so one chat held up by a flood limit never holds up the others.

Handlers must not use what a call returns (the stand-in has message id 0).
"""

from __future__ import annotations

import base64
import contextvars
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import InputFile
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.ext import ExtBot
from telegram.request._requestparameter import RequestParameter

# The calls that act in a chat: held back. Everything else (getMe, getFile,
# getUpdates, webhooks) goes out at once, as it has no effect a person sees.
HELD_BACK = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendChatAction",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "setMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "answerCallbackQuery",
        "leaveChat",
    }
)
# Calls that return the message they sent (a stand-in is built for them).
_RETURN_MESSAGE = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendLocation",
        "sendVenue",
        "sendContact",
    }
)
# An uploaded file in a stored payload: {"__upload__": base64, "filename": ..., "mimetype": ...}.
UPLOAD = "__upload__"


@dataclass(frozen=True)
class Call:
    """One held-back Bot API call, as JSON that can be stored and sent later."""

    method: str
    payload: dict[str, Any]

    @property
    def chat_id(self) -> int | None:
        """The chat the call acts in (None for a callback query's answer)."""
        chat = self.payload.get("chat_id")
        if chat is None:
            scope = self.payload.get("scope")
            chat = scope.get("chat_id") if isinstance(scope, dict) else None
        try:
            return int(chat) if chat is not None else None
        except (TypeError, ValueError):
            return None


@dataclass
class Replies:
    """What one update's handlers asked Telegram to do, in order."""

    calls: list[Call] = field(default_factory=list)

    def discard(self) -> None:
        """Forget every call so far (the step that made them is undone)."""
        self.calls.clear()

    @property
    def answers(self) -> list[Call]:
        """The callback-query answers: sent first, never stored (they expire in seconds)."""
        return [c for c in self.calls if c.chat_id is None]

    @property
    def to_chats(self) -> list[Call]:
        return [c for c in self.calls if c.chat_id is not None]


_current: contextvars.ContextVar[Replies | None] = contextvars.ContextVar("replies", default=None)


def hold(replies: Replies) -> contextvars.Token[Replies | None]:
    """Hold back the current task's calls in `replies` (until `release(token)`)."""
    return _current.set(replies)


def release(token: contextvars.Token[Replies | None]) -> None:
    _current.reset(token)


def to_payload(data: JSONDict) -> dict[str, Any]:
    """A call's parameters as JSON (what PTB would send), uploads included."""
    payload: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, InputFile):
            payload[key] = {
                UPLOAD: base64.b64encode(_content(value)).decode("ascii"),
                "filename": value.filename,
                "mimetype": value.mimetype,
            }
            continue
        payload[key] = RequestParameter.from_input(key, value).value
    return payload


def from_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The parameters to send a stored payload with (`Bot.do_api_request`)."""
    parameters: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, dict) and UPLOAD in value:
            parameters[key] = InputFile(
                base64.b64decode(value[UPLOAD]), filename=value.get("filename"), attach=False
            )
        else:
            parameters[key] = value
    return parameters


def _content(upload: InputFile) -> bytes:
    content = upload.input_file_content
    return content if isinstance(content, bytes) else content.read()


def stand_in(call: Call) -> bool | JSONDict:
    """What the held-back call returns to the handler."""
    if call.method not in _RETURN_MESSAGE:
        return True
    message: JSONDict = {
        "message_id": 0,
        "date": int(time.time()),
        "chat": {"id": call.chat_id or 0, "type": "private"},
    }
    if call.method == "sendMessage":
        message["text"] = call.payload.get("text", "")
    return message


class ReplyBot(ExtBot[None]):
    """PTB's bot, holding back the calls of an update being handled (see module doc)."""

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        replies = _current.get()
        if replies is None or endpoint not in HELD_BACK:
            return await super()._do_post(
                endpoint,
                data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        call = Call(endpoint, to_payload(data))
        replies.calls.append(call)
        return stand_in(call)
