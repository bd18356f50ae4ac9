"""The chat test harness: a fake Telegram Bot API and users who talk to the bot.

`FakeTelegram` is a `telegram.request.BaseRequest`: the real `Application`, built
by the production factory, talks to it instead of api.telegram.org. It answers
as Telegram does (`tests/botapi_model.py`: the same results, the same errors such as
"message is not modified" or "query is too old", the same limits), records every
call, keeps the files users "uploaded", serves getUpdates for the real polling loop,
and can be told to fail (429, 5xx, 502 from the proxy, timeouts, dropped connections,
403 blocked), for a number of calls or for a while on the test clock.

`ChatUser` acts as a person in a private chat: send text and commands, press
inline or reply-keyboard buttons by label, send photos and documents with real
bytes, and read what the bot answered, so tests read like chat transcripts.
"""

from __future__ import annotations

import asyncio
import itertools
import json
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
from tests.botapi_model import (
    BAD_GATEWAY_PAGE,
    BLOCKED,
    BOT_ID,
    BOT_USERNAME,
    CANT_INITIATE,
    CHAT_NOT_FOUND,
    DEACTIVATED,
    SEND_METHODS,
    SERVER_ERROR,
    TOO_LONG,
    ApiError,
    BotApiModel,
    CallbackAnswer,
    FloodLedger,
    SentMessage,
    Undercut,
    addresses_chat,
    error_body,
    flood_error,
    ok_body,
)

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "TEST_TOKEN",
    "ApiCall",
    "BotHarness",
    "CallbackAnswer",
    "ChatUser",
    "FakeTelegram",
    "Fault",
    "SentMessage",
    "Undercut",
]

TEST_TOKEN = "7000000001:AAtestTokenForTheChatHarnessOnly_0123"

DATA = Path(__file__).parent / "data"
# Real files (see `tests/data/README.md`): what the bot receives from phones and scanners.
PDF = (DATA / "certificate.pdf").read_bytes()
JPEG = (DATA / "certificate.jpg").read_bytes()
PNG = (DATA / "certificate.png").read_bytes()
HEIC = (DATA / "certificate.heic").read_bytes()
# A Windows program, to be sent renamed as a PDF.
PROGRAM = (DATA / "program.exe").read_bytes()

# What httpx raises, through PTB, when the server closes the connection unanswered.
DROPPED = "httpx.RemoteProtocolError: Server disconnected without sending a response."


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


ANY_METHOD = frozenset({"*"})


@dataclass
class Fault:
    """A scripted failure, for the next `times` matching calls and/or until `until`.

    kind: "retry_after" | "server_error" | "bad_gateway" | "timeout" | "network" |
    "blocked" | "deactivated" | "chat_not_found" | "cant_initiate" | "bad_request".
    """

    kind: str
    # The methods it hits: None, every request that addresses a chat (sends, edits, ...);
    # ANY_METHOD, every request (getUpdates too).
    methods: frozenset[str] | None = SEND_METHODS
    # How many more calls it hits (None: any number until `until`).
    times: int | None = 1
    retry_after: int = 3
    # Only requests to this chat fail (None: any chat).
    chat_id: int | None = None
    # The test clock's timestamp when it ends (None: when `times` is used up).
    until: float | None = None
    # "timeout"/"network": Telegram did what was asked, then the answer was lost.
    after_applying: bool = False

    def hits(self, method: str, chat_id: int | None, now: float) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.until is not None and now >= self.until:
            return False
        if self.methods is None:
            if chat_id is None:
                return False
        elif self.methods != ANY_METHOD and method not in self.methods:
            return False
        return self.chat_id is None or chat_id == self.chat_id


_FORBIDDEN = {"blocked": BLOCKED, "deactivated": DEACTIVATED, "cant_initiate": CANT_INITIATE}


class FakeTelegram(BaseRequest):
    """An in-process Bot API double that answers as Telegram does."""

    def __init__(self) -> None:
        # The test clock (BotHarness sets it); Telegram's 15 s and 48 h rules run on it.
        self.now: Callable[[], float] = lambda: datetime.now().timestamp()
        self.api = BotApiModel(now=lambda: self.now())
        self.calls: list[ApiCall] = []
        self.messages = self.api.messages
        self.files = self.api.files
        self.commands = self.api.commands
        self.file_sizes = self.api.file_sizes
        # The file ids the bot downloaded, in order.
        self.downloads: list[str] = []
        self.blocked_chats = self.api.blocked_chats
        self.faults: list[Fault] = []
        self.floods = FloodLedger()
        self.updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._sent = asyncio.Event()
        self._ids = self.api.ids

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
            file_path = url.split("/file/bot", 1)[1].split("/", 1)[1]
            self.downloads.append(file_path.rsplit("/", 1)[-1])
            content = self.api.download(file_path)
            if content is None:
                return 404, error_body(404, "Not Found")
            return 200, content
        api_method = url.rsplit("/", 1)[-1]
        params, files = _request_params(request_data)
        if api_method != "getUpdates":
            self.calls.append(ApiCall(api_method, params, files))
        chat_id = addresses_chat(params)
        self.floods.arrived(api_method, chat_id, self.now())
        fault = self._take_fault(api_method, chat_id)
        if fault is not None and not fault.after_applying:
            return self._fail(fault, api_method, chat_id)
        if api_method == "getUpdates":
            return 200, ok_body(await self._get_updates(params))
        try:
            result = self.api.call(api_method, params, files)
        except ApiError as error:
            return error.code, error.body
        if api_method in SEND_METHODS:
            self._sent.set()
        if fault is not None:
            return self._fail(fault, api_method, chat_id)
        return 200, ok_body(result)

    # Faults

    def fail(
        self,
        kind: str,
        method: str | None = None,
        times: int | None = 1,
        retry_after: int = 3,
        chat_id: int | None = None,
        *,
        seconds: float | None = None,
        after_applying: bool = False,
    ) -> None:
        """The next `times` calls of `method` (or of any send) fail like `kind`; with
        `seconds`, those calls for that long on the test clock (`times=None`: all)."""
        methods = frozenset({method}) if method is not None else SEND_METHODS
        until = self.now() + seconds if seconds is not None else None
        self.faults.append(Fault(kind, methods, times, retry_after, chat_id, until, after_applying))

    def flood(
        self,
        chat_id: int | None = None,
        retry_after: int = 3,
        *,
        times: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """429 "retry after `retry_after`" to every request to `chat_id` (None: to any
        chat), for `times` requests or for `seconds` of test-clock time (default: once)."""
        self._outage("retry_after", None, times, seconds, chat_id, retry_after)

    def bad_gateway(self, *, times: int | None = None, seconds: float | None = None) -> None:
        """Telegram's nginx answers 502 with its HTML page (PTB: NetworkError), to anything."""
        self._outage("bad_gateway", ANY_METHOD, times, seconds)

    def drop_connections(self, *, times: int | None = None, seconds: float | None = None) -> None:
        """Every call gets no answer: the connection is closed (PTB: NetworkError)."""
        self._outage("network", ANY_METHOD, times, seconds)

    def time_out(
        self,
        *,
        times: int | None = None,
        seconds: float | None = None,
        after_applying: bool = False,
    ) -> None:
        """Every call times out (PTB: TimedOut); `after_applying`: Telegram did it anyway."""
        self._outage("timeout", ANY_METHOD, times, seconds, after_applying=after_applying)

    def _outage(
        self,
        kind: str,
        methods: frozenset[str] | None,
        times: int | None,
        seconds: float | None,
        chat_id: int | None = None,
        retry_after: int = 3,
        after_applying: bool = False,
    ) -> None:
        if times is None and seconds is None:
            times = 1
        until = self.now() + seconds if seconds is not None else None
        fault = Fault(kind, methods, times, retry_after, chat_id, until, after_applying)
        self.faults.append(fault)

    def _take_fault(self, api_method: str, chat_id: int | None) -> Fault | None:
        now = self.now()
        for fault in self.faults:
            if fault.hits(api_method, chat_id, now):
                if fault.times is not None:
                    fault.times -= 1
                return fault
        return None

    def _fail(self, fault: Fault, api_method: str, chat_id: int | None) -> tuple[int, bytes]:
        if fault.kind == "timeout":
            raise TimedOut
        if fault.kind == "network":
            raise NetworkError(DROPPED)
        if fault.kind == "retry_after":
            self.floods.told(
                api_method, chat_id, fault.chat_id is None, self.now(), fault.retry_after
            )
            error = flood_error(fault.retry_after)
            return error.code, error.body
        if fault.kind == "server_error":
            return 500, error_body(500, SERVER_ERROR)
        if fault.kind == "bad_gateway":
            return 502, BAD_GATEWAY_PAGE
        if fault.kind in _FORBIDDEN:
            return 403, error_body(403, _FORBIDDEN[fault.kind])
        if fault.kind == "chat_not_found":
            return 400, error_body(400, CHAT_NOT_FOUND)
        if fault.kind == "bad_request":
            return 400, error_body(400, TOO_LONG)
        raise ValueError(f"unknown fault {fault.kind!r}")

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

    # What Telegram issues

    def callback_query(
        self, user: dict[str, Any], message: dict[str, Any], data: str
    ) -> dict[str, Any]:
        """The callback query of a press on `message` by `user`, registered as issued now
        (answerCallbackQuery accepts one answer within 15 s)."""
        return self.api.issue_query(user, message, data)

    def add_file(self, content: bytes, size: int | None = None) -> str:
        """A file a person sent, by its new file id (`size`: the size the update states)."""
        return self.api.add_file(content, size)

    # Reading what happened

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to the chat (with its edits, deleted ones too)."""
        return self.api.sent_to(chat_id)

    def shown_in(self, chat_id: int) -> list[SentMessage]:
        """What the chat shows now: messages with their edits, without the deleted ones."""
        return self.api.shown_in(chat_id)

    @property
    def deletions(self) -> list[tuple[int, int]]:
        """(chat id, message id) of every message the bot deleted, in order."""
        return self.api.deletions

    @property
    def answers(self) -> list[CallbackAnswer]:
        """Every answer to a button press, in order."""
        return self.api.answers

    @property
    def undercuts(self) -> list[Undercut]:
        """Requests that came before the retry_after of a 429 had passed (test clock)."""
        return self.floods.undercuts

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]


def _request_params(request_data: RequestData | None) -> tuple[dict[str, Any], dict[str, bytes]]:
    params = dict(request_data.parameters) if request_data else {}
    files: dict[str, bytes] = {}
    if request_data is not None and request_data.multipart_data:
        for name, value in request_data.multipart_data.items():
            content = value[1] if isinstance(value, tuple) else value
            files[name] = content if isinstance(content, bytes) else content.read()
    return params, files


def _error(
    code: int, description: str, parameters: dict[str, Any] | None = None
) -> tuple[int, bytes]:
    return code, error_body(code, description, parameters)


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
        for message in reversed(self.h.fake.shown_in(self.id)):
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
        """Send callback data, as a (possibly modified) client could, on a message (as the
        chat shows it now). Telegram issues the query: it takes one answer within 15 s."""
        message = message or self.last
        query = self.h.fake.callback_query(self._user_json(), message.raw, data)
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
            # getFile answers with the size the update states ("file is too big" > 20 MB).
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

    @property
    def answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's button presses, oldest first."""
        return [a for a in self.h.fake.answers if a.user_id == self.id]

    @property
    def alerts(self) -> list[str]:
        """The short answers this user saw pop up after a press (a toast, or a dialog with
        show_alert), oldest first; silent answers are left out."""
        return [a.text for a in self.answers if a.text]

    def commands(self) -> list[str]:
        """The commands Telegram shows this user in the menu."""
        scope = json.dumps({"type": "chat", "chat_id": self.id}, sort_keys=True)
        return [c["command"] for c in self.h.fake.commands.get(scope, [])]


def all_texts(messages: list[SentMessage]) -> Iterator[str]:
    return (m.text for m in messages)
