"""A Telegram Bot API double over real HTTP, for running the real bot process against.

`BotApiDouble` listens on 127.0.0.1 (standard library asyncio only) and answers the
Bot API as Telegram does, with the rules of `tests/botapi_model.py` (the in-process
harness uses the same): `getUpdates` long polling where an `offset` confirms every
update below it; sends, edits, deletions and answers to button presses with
Telegram's results and errors ("message is not modified", "message to edit not
found", "query is too old ...", the length limits, HTML that does not parse);
`getFile` and downloads at `/file/bot<token>/<file_path>`. Point the bot at it with
`TELEGRAM_API_BASE_URL=http://127.0.0.1:<port>/bot` (and `TELEGRAM_API_FILE_URL`,
`file_url`, for downloads).

Faults for a while, by real (monotonic) time or the test's `clock`: `flood` (429 with
retry_after, one chat or all), `bad_gateway` (502 with nginx's page),
`drop_connections` (the socket closed unanswered, before the request is applied, so
the dropped call changed nothing, or with `after_applying` after it: the message is
there but the bot never heard so). `undercuts` lists every request that came before
the retry_after Telegram gave had passed (a 429 for every chat binds every chat);
`log` holds every call with its moment and its fate, and `handed_out` the moment each
update was first given to the bot, so a test can measure what it needs.

A test can arm `kill_at`: on the n-th API call the double calls a function (which
typically SIGKILLs the bot), before or after answering that call.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.botapi_model import (
    BAD_GATEWAY_PAGE,
    BOT_ID,
    BOT_USERNAME,
    SEND_METHODS,
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

__all__ = ["BOT_ID", "BOT_USERNAME", "BotApiDouble", "Received"]

_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Received:
    """A message a chat received from the bot (as sent; edits do not change it)."""

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
class Period:
    """A fault until `until` (on the double's clock): "flood", "bad_gateway" or "drop"."""

    kind: str
    until: float
    chat_id: int | None = None
    retry_after: int = 3
    # "drop": the call took effect before the connection was closed.
    after_applying: bool = False


@dataclass(frozen=True)
class Call:
    """One API call as the double saw it: when, what, to which chat, and its fate."""

    at: float
    method: str
    chat_id: int | None
    # The HTTP status answered; None when the connection was dropped unanswered.
    status: int | None
    # Whether it took effect (a message sent or edited, a query answered...).
    applied: bool
    # For a 429: the retry_after given.
    retry_after: int = 0
    # For a refusal: Telegram's description ("Bad Request: message is not modified: ...").
    error: str = ""


@dataclass
class BotApiDouble:
    updates: list[dict[str, Any]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    # The highest offset the bot sent: every update below it is confirmed.
    confirmed_offset: int = 0
    calls_since_arm: int = 0
    kill: KillSwitch | None = None
    periods: list[Period] = field(default_factory=list)
    # Seconds, monotonic: fault periods, retry_after, the 15 s of a callback query. A test
    # may pass its own to move time without waiting.
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        # Message dates are Unix time: now, moving on with `clock`.
        epoch = time.time() - self.clock()
        self.api = BotApiModel(now=lambda: epoch + self.clock())
        self.floods = FloodLedger()
        self._new_update = asyncio.Event()
        self._activity = asyncio.Event()
        self._last_update_id = 0
        self.log: list[Call] = []
        # update id -> the moment (double's clock) a getUpdates answer first carried it.
        self.handed_out: dict[int, float] = {}
        self._user_message_ids = itertools.count(1_000_000)
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

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

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
                if path.startswith("/file/bot"):
                    await _respond(writer, *self._download(path))
                    continue
                method = path.rsplit("/", 1)[-1]
                params, uploads = _parse(body, content_type)
                kill = self._count_call(method)
                if kill is not None and kill.before_answer:
                    self.kill = None
                    kill.action()
                    return
                answer = await self._answer_or_fault(method, params, uploads)
                if answer is None:
                    # A dropped connection: closed without a word.
                    return
                await _respond(writer, *answer)
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

    # Faults

    def flood(self, chat_id: int | None, seconds: float, retry_after: int) -> None:
        """For `seconds`, every request to `chat_id` (None: to any chat) gets 429 "retry
        after `retry_after`". getUpdates, getMe, getFile and answerCallbackQuery, which
        address no chat, are not limited."""
        self.periods.append(Period("flood", self.clock() + seconds, chat_id, retry_after))

    def bad_gateway(self, seconds: float) -> None:
        """For `seconds`, every call gets nginx's 502 page (PTB: NetworkError)."""
        self.periods.append(Period("bad_gateway", self.clock() + seconds))

    def drop_connections(self, seconds: float, after_applying: bool = False) -> None:
        """For `seconds`, every call's connection is closed unanswered: before the call is
        applied, or (`after_applying`) after Telegram did what it asked."""
        self.periods.append(Period("drop", self.clock() + seconds, after_applying=after_applying))

    def calm(self) -> None:
        """End every fault period now."""
        self.periods.clear()

    @property
    def undercuts(self) -> list[Undercut]:
        """Requests that came before the retry_after of a 429 had passed."""
        return self.floods.undercuts

    def _fault(self, chat_id: int | None, now: float) -> Period | None:
        for period in self.periods:
            if now >= period.until:
                continue
            if period.kind != "flood":
                return period
            if chat_id is not None and period.chat_id in (None, chat_id):
                return period
        return None

    # Answers

    async def _answer_or_fault(
        self, method: str, params: dict[str, Any], uploads: dict[str, bytes]
    ) -> tuple[int, bytes, str] | None:
        chat_id = addresses_chat(params)
        now = self.clock()
        if method != "getUpdates":
            self.floods.arrived(method, chat_id, now)
        fault = self._fault(chat_id, now)

        def logged(
            status: int | None, applied: bool, retry_after: int = 0, error: str = ""
        ) -> None:
            self.log.append(Call(now, method, chat_id, status, applied, retry_after, error))

        if fault is not None and fault.kind == "drop" and not fault.after_applying:
            logged(None, False)
            return None
        if fault is not None and fault.kind == "bad_gateway":
            logged(502, False)
            return 502, BAD_GATEWAY_PAGE, "text/html"
        if fault is not None and fault.kind == "flood":
            self.floods.told(method, chat_id, fault.chat_id is None, now, fault.retry_after)
            logged(429, False, fault.retry_after)
            error = flood_error(fault.retry_after)
            return error.code, error.body, "application/json"
        if method == "getUpdates":
            updates = await self._get_updates(params)
            if fault is not None:
                # Handed out, but lost on the way: the bot gets them again.
                logged(None, False)
                return None
            moment = self.clock()
            for update in updates:
                self.handed_out.setdefault(int(update["update_id"]), moment)
            logged(200, True)
            return 200, ok_body(updates), "application/json"
        try:
            result = self.api.call(method, params, uploads)
        except ApiError as error:
            logged(error.code, False, error=error.description)
            return error.code, error.body, "application/json"
        if method in SEND_METHODS and isinstance(result, dict) and chat_id is not None:
            self._received(method, chat_id, int(result["message_id"]))
        if fault is not None:
            # Done, but the bot never hears so: it will likely ask again.
            logged(None, True)
            return None
        logged(200, True)
        return 200, ok_body(result), "application/json"

    def _received(self, method: str, chat_id: int, message_id: int) -> None:
        sent = self.api.messages[(chat_id, message_id)]
        self.received.append(
            Received(chat_id, message_id, method, sent.text, sent.reply_markup, self.clock())
        )

    def _download(self, path: str) -> tuple[int, bytes, str]:
        # /file/bot<token>/<file_path>
        parts = unquote(urlsplit(path).path).split("/", 3)
        content = self.api.download(parts[3]) if len(parts) == 4 else None
        if content is None:
            return 404, error_body(404, "Not Found"), "application/json"
        return 200, content, "application/octet-stream"

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
        self._last_update_id = max(self._last_update_id, int(update["update_id"]))
        self.updates.append(update)
        self._new_update.set()

    def type_text(self, chat_id: int, text: str, first_name: str = "User") -> dict[str, Any]:
        """The person in private chat `chat_id` types `text` (a command when it starts with
        "/"); its update is queued and returned."""
        user = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "nl"}
        message: dict[str, Any] = {
            "message_id": next(self._user_message_ids),
            "date": int(self.api.now()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        update = {"update_id": self._last_update_id + 1, "message": message}
        self.queue(update)
        return update

    # What Telegram issues

    def press(self, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
        """The person in private chat `chat_id` presses a button with `data` under the
        bot's message `message_id` (as the chat shows it now): the callback query is
        registered (one answer within 15 s) and its update queued; returns the update."""
        sent = self.api.messages.get((chat_id, message_id))
        message = (
            sent.raw
            if sent is not None
            else {
                "message_id": message_id,
                "date": int(self.api.now()),
                "chat": {"id": chat_id, "type": "private", "first_name": "User"},
                "from": self.api.bot_user(),
                "text": "…",
            }
        )
        user = {"id": chat_id, "is_bot": False, "first_name": "User", "language_code": "nl"}
        query = self.api.issue_query(user, message, data)
        update = {"update_id": self._last_update_id + 1, "callback_query": query}
        self.queue(update)
        return update

    def add_file(self, content: bytes, size: int | None = None) -> str:
        """A file a person sent: its file id for an update (`size`: the size the update
        states; getFile refuses above 20 MB with "file is too big")."""
        return self.api.add_file(content, size)

    # Reading

    def texts_to(self, chat_id: int) -> list[str]:
        """The text of every message sent to the chat, as sent, in order."""
        return [r.text for r in self.received if r.chat_id == chat_id]

    def shown_in(self, chat_id: int) -> list[SentMessage]:
        """What the chat shows now: the bot's messages with their edits, minus deletions."""
        return self.api.shown_in(chat_id)

    def answers_to(self, chat_id: int) -> list[CallbackAnswer]:
        """The answers to the button presses of the person in private chat `chat_id`."""
        return self.api.answers_to(chat_id)

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


async def _respond(
    writer: asyncio.StreamWriter, status: int, payload: bytes, content_type: str
) -> None:
    writer.write(
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n".encode()
        + f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
        + payload
    )
    await writer.drain()


def _parse(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The parameters (JSON ones still as strings, as sent) and the uploaded files."""
    if not body:
        return {}, {}
    if "application/json" in content_type:
        data = json.loads(body)
        return (data if isinstance(data, dict) else {}), {}
    if "multipart/form-data" in content_type:
        return _multipart(body, content_type)
    return dict(parse_qsl(body.decode(), keep_blank_values=True)), {}


def _multipart(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A file upload (a CSV export): form fields and files by field name."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(content, bytes):
            continue
        if part.get_filename() is not None:
            files[name] = content
        else:
            params[name] = content.decode()
    return params, files
