"""A Telegram Bot API double over real HTTP, for running the real bot process against.

`BotApiDouble` listens on 127.0.0.1 (standard library asyncio only) and answers the
Bot API methods the bot uses as Telegram would: `getUpdates` long polling where
an `offset` confirms every update below it, `sendMessage` and friends that record
what each chat received, and `True` for the rest. Point the bot at it with
`TELEGRAM_API_BASE_URL=http://127.0.0.1:<port>/bot`.

A test can arm `kill_at`: on the n-th API call the double calls a function (which
typically SIGKILLs the bot), before or after answering that call.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 7000000001
BOT_USERNAME = "werkervaring_test_bot"
SEND_METHODS = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendVoice",
    "sendLocation",
    "sendVenue",
    "copyMessage",
}


@dataclass
class Received:
    """A message a chat received from the bot."""

    chat_id: int
    message_id: int
    method: str
    text: str
    reply_markup: Any
    at: float


@dataclass
class KillSwitch:
    at_call: int
    before_answer: bool
    action: Callable[[], None]


@dataclass
class BotApiDouble:
    updates: list[dict[str, Any]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    # The highest offset the bot sent: every update below it is confirmed.
    confirmed_offset: int = 0
    calls_since_arm: int = 0
    kill: KillSwitch | None = None

    def __post_init__(self) -> None:
        self._new_update = asyncio.Event()
        self._activity = asyncio.Event()
        self._ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._closing = False
        self.port = 0

    # Serving

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is None:
            return
        # Long polls waiting for updates return at once; their connections are closed.
        self._closing = True
        self._new_update.set()
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # HTTP/1.1 keep-alive: the bot's HTTP client reuses its connections.
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                path, body, content_type = request
                method = path.rsplit("/", 1)[-1]
                params = _parse(body, content_type)
                kill = self._count_call(method)
                if kill is not None and kill.before_answer:
                    self.kill = None
                    kill.action()
                    return
                result = await self._answer(method, params)
                payload = json.dumps({"ok": True, "result": result}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(payload)}\r\n\r\n".encode()
                    + payload
                )
                await writer.drain()
                if kill is not None:
                    self.kill = None
                    kill.action()
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._handlers.discard(task)
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _count_call(self, method: str) -> KillSwitch | None:
        self.calls.append(method)
        self.calls_since_arm += 1
        self._activity.set()
        kill = self.kill
        if kill is not None and self.calls_since_arm >= kill.at_call:
            return kill
        return None

    def arm(self, at_call: int, before_answer: bool, action: Callable[[], None]) -> None:
        """Call `action` on the `at_call`-th API call from now."""
        self.calls_since_arm = 0
        self.kill = KillSwitch(at_call, before_answer, action)

    # Answers

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Werkervaring",
            "username": BOT_USERNAME,
        }

    async def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                **self._bot_user(),
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in SEND_METHODS:
            return self._send(method, params)
        if method in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            return True
        return True

    def _send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = next(self._ids)
        text = str(params.get("text") or params.get("caption") or "")
        markup = params.get("reply_markup")
        self.received.append(Received(chat_id, message_id, method, text, markup, time.monotonic()))
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "User"},
            "from": self._bot_user(),
        }
        if text:
            message["text"] = text
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self.updates and timeout and not self._closing:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    def queue(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        self._new_update.set()

    # Reading

    def texts_to(self, chat_id: int) -> list[str]:
        return [r.text for r in self.received if r.chat_id == chat_id]

    async def until(self, condition: Callable[[], bool], limit: float = 30) -> None:
        """Wait (at most `limit` seconds) until `condition()` holds.

        It is checked after every API call, and every 50 ms for what the bot does
        without calling Telegram (such as writing to its database).
        """

        async def wait() -> None:
            while not condition():
                self._activity.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._activity.wait(), 0.05)

        await asyncio.wait_for(wait(), limit)


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, bytes, str] | None:
    line = await reader.readline()
    if not line:
        return None
    parts = line.decode("latin-1").split()
    if len(parts) < 2:
        return None
    headers: dict[str, str] = {}
    while True:
        header = (await reader.readline()).decode("latin-1")
        if header in ("\r\n", "\n", ""):
            break
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return parts[1], body, headers.get("content-type", "")


def _parse(body: bytes, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "application/json" in content_type:
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    if "multipart/form-data" in content_type:
        # The bot sends files by file id, so multipart bodies are not expected here.
        return {}
    return dict(parse_qsl(body.decode(), keep_blank_values=True))
