"""The chat test harness: a fake Telegram Bot API and users who talk to the bot.

`FakeTelegram` is a `telegram.request.BaseRequest`: the real `Application`, built
by the production factory, talks to it instead of api.telegram.org. It answers
the Bot API methods the bot uses with realistic JSON, records every call, keeps
the files users "uploaded", serves getUpdates for the real polling loop, and can
be told to fail (429, 500, timeouts, 403 blocked).

`ChatUser` acts as a person in a private chat: send text and commands, press
inline or reply-keyboard buttons by label, send photos and documents with real
bytes, and read what the bot answered, so tests read like chat transcripts.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.app import BotApplication, build_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.services import Services, open_services

DATA = Path(__file__).parent / "data"
# Real files (see `tests/data/README.md`): what the bot receives from phones and scanners.
PDF = (DATA / "certificate.pdf").read_bytes()
JPEG = (DATA / "certificate.jpg").read_bytes()
PNG = (DATA / "certificate.png").read_bytes()
HEIC = (DATA / "certificate.heic").read_bytes()
# A Windows program, to be sent renamed as a PDF.
PROGRAM = (DATA / "program.exe").read_bytes()
# Telegram's bots may download files up to this size.
DOWNLOAD_LIMIT = 20 * 1024 * 1024

BOT_ID = 7000000001
BOT_USERNAME = "werkervaring_test_bot"
TEST_TOKEN = "7000000001:AAtestTokenForTheChatHarnessOnly_0123"


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Fault:
    """A scripted failure: the next `times` calls of `method` (or any send) fail like this."""

    kind: str  # "retry_after" | "server_error" | "timeout" | "network" | "blocked" | "bad_request"
    method: str | None = None
    times: int = 1
    retry_after: int = 3
    # Only sends to this chat fail (None: any chat).
    chat_id: int | None = None


@dataclass
class SentMessage:
    """A message the bot sent (and may have edited since), as the user sees it."""

    chat_id: int
    message_id: int
    method: str
    text: str
    reply_markup: dict[str, Any] | None
    raw: dict[str, Any]

    @property
    def inline_buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [button for row in self.reply_markup["inline_keyboard"] for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [b["text"] for b in self.inline_buttons]

    @property
    def keyboard_labels(self) -> list[str]:
        if not self.reply_markup or "keyboard" not in self.reply_markup:
            return []
        return [
            b["text"] if isinstance(b, dict) else str(b)
            for row in self.reply_markup["keyboard"]
            for b in row
        ]


SEND_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendVoice",
    "sendLocation",
    "sendVenue",
    "copyMessage",
    "forwardMessage",
}


class FakeTelegram(BaseRequest):
    """An in-process Bot API double."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self._by_chat: dict[int, list[SentMessage]] = {}
        self.files: dict[str, bytes] = {}
        # The size Telegram reports for a file, when not its content's (a "huge" file).
        self.file_sizes: dict[str, int] = {}
        # The file ids the bot downloaded, in order.
        self.downloads: list[str] = []
        self.faults: list[Fault] = []
        self.blocked_chats: set[int] = set()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._sent = asyncio.Event()
        self._ids = itertools.count(1)
        self.now: Callable[[], float] = lambda: datetime.now().timestamp()

    # BaseRequest interface

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:
            file_id = url.split("/file/bot", 1)[1].split("/", 1)[1].split("/")[-1]
            self.downloads.append(file_id)
            if file_id not in self.files:
                return _error(404, "Not Found")
            return 200, self.files[file_id]
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data is not None and request_data.multipart_data:
            for name, value in request_data.multipart_data.items():
                content = value[1] if isinstance(value, tuple) else value
                files[name] = content if isinstance(content, bytes) else content.read()
        if api_method != "getUpdates":
            self.calls.append(ApiCall(api_method, params, files))
        fault = self._take_fault(api_method, params)
        if fault is not None:
            return fault
        too_long = _too_long(api_method, params)
        if too_long is not None:
            return too_long
        result = await self._answer(api_method, params, files)
        if isinstance(result, tuple):
            # An error answer, as Telegram gives it.
            return result
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # Faults

    def fail(
        self,
        kind: str,
        method: str | None = None,
        times: int = 1,
        retry_after: int = 3,
        chat_id: int | None = None,
    ) -> None:
        self.faults.append(Fault(kind, method, times, retry_after, chat_id))

    def _take_fault(self, api_method: str, params: dict[str, Any]) -> tuple[int, bytes] | None:
        is_send = api_method in SEND_METHODS
        chat_id = params.get("chat_id")
        if is_send and chat_id is not None and int(chat_id) in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        for fault in self.faults:
            if fault.times <= 0:
                continue
            if fault.method is not None and fault.method != api_method:
                continue
            if fault.method is None and not is_send:
                continue
            if fault.chat_id is not None and (chat_id is None or int(chat_id) != fault.chat_id):
                continue
            fault.times -= 1
            if fault.kind == "timeout":
                raise TimedOut("fake timeout")
            if fault.kind == "network":
                raise NetworkError("fake network error")
            if fault.kind == "retry_after":
                return _error(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            if fault.kind == "server_error":
                return _error(500, "Internal Server Error")
            if fault.kind == "blocked":
                return _error(403, "Forbidden: bot was blocked by the user")
            if fault.kind == "bad_request":
                return _error(400, "Bad Request: message is too long")
        return None

    # Answers

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Werkervaring",
            "username": BOT_USERNAME,
        }

    def _message(self, chat_id: int, extra: dict[str, Any]) -> dict[str, Any]:
        message_id = next(self._ids)
        data = {
            "message_id": message_id,
            "date": int(self.now()),
            # Negative ids are groups, as in Telegram (the bot answers there once, then leaves).
            "chat": (
                {"id": chat_id, "type": "private", "first_name": "User"}
                if chat_id > 0
                else {"id": chat_id, "type": "supergroup", "title": "Group"}
            ),
            "from": self._bot_user(),
            **extra,
        }
        return data

    def _record(self, method: str, chat_id: int, data: dict[str, Any], markup: Any) -> None:
        text = data.get("text") or data.get("caption") or ""
        sent = SentMessage(chat_id, data["message_id"], method, text, markup, data)
        self.messages[(chat_id, data["message_id"])] = sent
        self._by_chat.setdefault(chat_id, []).append(sent)
        self._sent.set()

    async def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return {
                **self._bot_user(),
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in ("sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendLocation"):
            return self._send(method, params, files)
        if method in ("copyMessage",):
            chat_id = int(params["chat_id"])
            data = self._message(chat_id, {"text": params.get("caption", "")})
            self._record(method, chat_id, data, params.get("reply_markup"))
            return {"message_id": data["message_id"]}
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            return self._edit(method, params)
        if method == "getFile":
            return self._get_file(str(params["file_id"]))
        if method == "setMyCommands":
            scope = json.dumps(params.get("scope"), sort_keys=True)
            self.commands[scope] = list(params["commands"])
            return True
        if method == "deleteMyCommands":
            self.commands.pop(json.dumps(params.get("scope"), sort_keys=True), None)
            return True
        return True

    def _get_file(self, file_id: str) -> dict[str, Any] | tuple[int, bytes]:
        """A file to download, or Telegram's error for an unknown or too big one."""
        content = self.files.get(file_id)
        if content is None:
            return _error(400, "Bad Request: wrong file_id or the file is temporarily unavailable")
        size = self.file_sizes.get(file_id, len(content))
        if size > DOWNLOAD_LIMIT:
            return _error(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_path": f"documents/{file_id}",
        }

    def _send(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        extra: dict[str, Any] = {}
        if method == "sendMessage":
            extra["text"] = params["text"]
        else:
            if "caption" in params:
                extra["caption"] = params["caption"]
            if method == "sendPhoto":
                extra["photo"] = [_file_json(self._file_id("photo", params, files))]
            elif method == "sendDocument":
                extra["document"] = _file_json(self._file_id("document", params, files))
            elif method == "sendVoice":
                extra["voice"] = {
                    **_file_json(self._file_id("voice", params, files)),
                    "duration": 3,
                }
            elif method == "sendLocation":
                extra["location"] = {
                    "latitude": params["latitude"],
                    "longitude": params["longitude"],
                }
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if markup and "inline_keyboard" in markup:
            extra["reply_markup"] = markup
        data = self._message(chat_id, extra)
        self._record(method, chat_id, data, markup)
        return data

    def _file_id(self, name: str, params: dict[str, Any], files: dict[str, bytes]) -> str:
        """The file id of a sent file: the one given, or a new one for uploaded bytes."""
        reference = params.get(name)
        if isinstance(reference, str) and not reference.startswith("attach://"):
            return reference
        key = reference[len("attach://") :] if isinstance(reference, str) else name
        file_id = f"upload{next(self._ids)}"
        self.files[file_id] = files.get(key, b"")
        return file_id

    def _edit(self, method: str, params: dict[str, Any]) -> Any:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        sent = self.messages.get((chat_id, message_id))
        if sent is None:
            return True
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if method == "editMessageText":
            sent.text = params["text"]
            sent.raw["text"] = params["text"]
        sent.reply_markup = markup
        if markup:
            sent.raw["reply_markup"] = markup
        else:
            sent.raw.pop("reply_markup", None)
        return sent.raw

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._new_update.clear()
            try:
                await asyncio.wait_for(
                    self._new_update.wait(), timeout=float(params.get("timeout") or 0) or 0.01
                )
            except TimeoutError:
                return []
        limit = int(params.get("limit") or 100)
        return [u for u in self.updates if u["update_id"] >= offset][:limit]

    def queue_update(self, update: dict[str, Any]) -> None:
        """Offer an update to the polling loop (getUpdates)."""
        self.updates.append(update)
        self._new_update.set()

    async def wait_for_message(self, chat_id: int, count: int = 1, limit: float = 10) -> None:
        """Wait until `count` messages went to `chat_id` (for the real polling loop)."""

        async def until() -> None:
            while len(self.sent_to(chat_id)) < count:
                self._sent.clear()
                await self._sent.wait()

        await asyncio.wait_for(until(), limit)

    # Reading what happened

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        return list(self._by_chat.get(chat_id, []))

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]


def _error(
    code: int, description: str, parameters: dict[str, Any] | None = None
) -> tuple[int, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, json.dumps(body).encode()


def _too_long(method: str, params: dict[str, Any]) -> tuple[int, bytes] | None:
    """Telegram's limits, counted on the text as shown (after HTML parsing)."""
    limits = {"sendMessage": ("text", 4096), "editMessageText": ("text", 4096)}
    for sender in ("sendPhoto", "sendDocument", "sendVoice", "copyMessage"):
        limits[sender] = ("caption", 1024)
    if method not in limits:
        return None
    field_name, limit = limits[method]
    shown = html.unescape(re.sub(r"<[^>]+>", "", str(params.get(field_name) or "")))
    if len(shown) > limit:
        return _error(400, f"Bad Request: {field_name} is too long")
    return None


def _file_json(file_id: str) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 1000}


class BotHarness:
    """The real application, on the fake transport, with a controllable clock."""

    def __init__(self, services: Services, app: BotApplication, fake: FakeTelegram) -> None:
        self.services = services
        self.app = app
        self.fake = fake
        self._update_ids = itertools.count(1)
        self._user_ids = itertools.count(100001)
        self._file_ids = itertools.count(1)

    @classmethod
    async def start(cls, settings: Settings, clock: FakeClock) -> BotHarness:
        services = await open_services(settings, clock)
        fake = FakeTelegram()
        fake.now = lambda: clock.now().timestamp()
        app = build_application(services, request=fake, get_updates_request=fake)
        await app.initialize()
        return cls(services, app, fake)

    async def stop(self) -> None:
        await self.app.shutdown()
        await self.services.db.close()

    @property
    def clock(self) -> FakeClock:
        assert isinstance(self.services.clock, FakeClock)
        return self.services.clock

    def user(self, first_name: str = "Test", language_code: str | None = "nl") -> ChatUser:
        return ChatUser(self, next(self._user_ids), first_name, language_code)

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def new_file(self, content: bytes) -> str:
        file_id = f"file{next(self._file_ids)}"
        self.fake.files[file_id] = content
        return file_id

    async def process(self, data: dict[str, Any]) -> None:
        """Handle one update like the polling loop would, then deliver the outbox."""
        update = Update.de_json(data, self.app.bot)
        await self.app.process_update(update)
        await self.deliver()

    async def deliver(self) -> int:
        return await self.services.outbox.drain(self.app.bot)

    async def advance(self, delta: timedelta) -> None:
        """Move time forward, send what became due, and deliver it."""
        self.clock.advance(delta)
        await self.tick()

    async def advance_to(self, moment: datetime) -> None:
        self.clock.set(moment)
        await self.tick()

    async def tick(self) -> None:
        await self.services.reminders.dispatch_due(self.services)
        await self.deliver()


class ChatUser:
    """A Telegram user in a private chat with the bot."""

    def __init__(
        self, harness: BotHarness, user_id: int, first_name: str, language_code: str | None
    ) -> None:
        self.h = harness
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code

    def _user_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def _message_json(self, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": next(self.h.fake._ids),
            "date": int(self.h.clock.now().timestamp()),
            "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
            "from": self._user_json(),
            **extra,
        }

    def update_json(self, message_extra: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": self.h.next_update_id(), "message": self._message_json(message_extra)}

    async def _send_update(self, data: dict[str, Any]) -> list[SentMessage]:
        before = {m.message_id for m in self.inbox}
        await self.h.process(data)
        return [m for m in self.inbox if m.message_id not in before]

    async def send(self, text: str) -> list[SentMessage]:
        """Type a message (or a command such as "/start abc") and send it."""
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self._send_update(self.update_json(extra))

    async def press(self, label: str) -> list[SentMessage]:
        """Press a button: an inline button of the newest message that has it, else a
        button of the reply keyboard."""
        for message in reversed(self.inbox):
            for button in message.inline_buttons:
                if button["text"] == label or button.get("callback_data") == label:
                    return await self.press_data(button["callback_data"], message)
        for message in reversed(self.inbox):
            if message.keyboard_labels:
                if label in message.keyboard_labels:
                    return await self.send(label)
                break
        raise AssertionError(
            f"no button {label!r}; last message: {self.last_text!r}, "
            f"buttons: {self.last.button_labels if self.inbox else []}"
        )

    async def press_data(self, data: str, message: SentMessage | None = None) -> list[SentMessage]:
        """Send callback data, as a (possibly modified) client could, on a message."""
        message = message or self.last
        query = {
            "id": str(self.h.next_update_id()),
            "from": self._user_json(),
            "chat_instance": f"ci{self.id}",
            "data": data,
            "message": message.raw,
        }
        return await self._send_update(
            {"update_id": self.h.next_update_id(), "callback_query": query}
        )

    async def send_photo(
        self, content: bytes = JPEG, caption: str | None = None
    ) -> list[SentMessage]:
        file_id = self.h.new_file(content)
        extra: dict[str, Any] = {
            "photo": [
                {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "width": 800,
                    "height": 1000,
                    "file_size": len(content),
                }
            ]
        }
        if caption:
            extra["caption"] = caption
        return await self._send_update(self.update_json(extra))

    async def send_document(
        self,
        content: bytes = PDF,
        file_name: str = "attest.pdf",
        mime_type: str = "application/pdf",
        file_size: int | None = None,
    ) -> list[SentMessage]:
        file_id = self.h.new_file(content)
        if file_size is not None:
            self.h.fake.file_sizes[file_id] = file_size
        extra = {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": file_size if file_size is not None else len(content),
            }
        }
        return await self._send_update(self.update_json(extra))

    async def send_voice(self, duration: int = 4) -> list[SentMessage]:
        file_id = self.h.new_file(b"OggS fake voice")
        extra = {
            "voice": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "duration": duration,
                "mime_type": "audio/ogg",
                "file_size": 15,
            }
        }
        return await self._send_update(self.update_json(extra))

    async def send_raw(self, extra: dict[str, Any]) -> list[SentMessage]:
        """Send any message content (sticker, location, contact, ...)."""
        return await self._send_update(self.update_json(extra))

    @property
    def inbox(self) -> list[SentMessage]:
        """Everything the bot sent to this user, oldest first."""
        return self.h.fake.sent_to(self.id)

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.inbox]

    @property
    def last(self) -> SentMessage:
        assert self.inbox, "the bot sent nothing to this user"
        return self.inbox[-1]

    @property
    def last_text(self) -> str:
        return self.last.text if self.inbox else ""

    @property
    def keyboard(self) -> list[str]:
        """The labels of the reply keyboard the user sees now."""
        for message in reversed(self.inbox):
            if message.reply_markup and (
                "keyboard" in message.reply_markup or "remove_keyboard" in message.reply_markup
            ):
                return message.keyboard_labels
        return []

    def commands(self) -> list[str]:
        """The commands Telegram shows this user in the menu."""
        scope = json.dumps({"type": "chat", "chat_id": self.id}, sort_keys=True)
        return [c["command"] for c in self.h.fake.commands.get(scope, [])]


def all_texts(messages: list[SentMessage]) -> Iterator[str]:
    return (m.text for m in messages)
