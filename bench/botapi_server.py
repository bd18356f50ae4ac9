"""A small, fast Telegram Bot API server for the benchmarks, and the people who use the bot.

`python -m bench.botapi_server` listens on 127.0.0.1 (it prints its port as the first line
of stdout) and answers over HTTP/1.1 keep-alive what the bots call, as Telegram does:
`getMe`; `getUpdates` long polling, where an `offset` confirms every update below it;
`sendMessage` and the other sends, answered with real message JSON and ids (a chat's
messages and the people's share one counter, as in a private chat); `editMessageText`,
`editMessageReplyMarkup` and `editMessageCaption`, with Telegram's "message is not
modified" and "message to edit not found"; `answerCallbackQuery` (a query answered twice
or unknown is "query is too old"); `deleteWebhook`, `setMyCommands` and anything else: True.

Telegram's flood limits (issue 17), answered with 429 and `retry_after` as Telegram does:

- One chat: a burst of up to `CHAT_BURST` messages (sends and edits: editing one message
  often draws a 429 too), then 1 a second sustained. Telegram publishes no burst size;
  20 leaves room for one person's whole sick report at benchmark speed (10 messages).
- Overall: about 30 messages a second "for bulk notifications to many users". Every send
  counts in a sliding second; a send to a chat that is not acting (no update from it in
  the last `ACTING_SECONDS`) is refused when that second already holds `OVERALL_LIMIT`.
  So replies to people who are acting are limited only per chat, and bulk (reminders,
  notifications) gets what replies leave of the 30, which is what issue 17 asks of the
  bot. Answers to callback queries are not messages. Groups are not modelled: the bot
  talks in private chats only.

The people are played here too, beside Telegram, so no round trip to another process
stands between an answer and the next step. The driver (`bench.over_http`) sends one
JSON command a line on stdin and reads one JSON answer a line on stdout: `ready` (wait
for the bot's first getUpdates), `run` (play people through a script: see `Run`) and
`quit`. A person takes the next step when the previous update was answered:

- a text was answered when a new message with inline buttons (the next question) reached
  the chat;
- a button press, when also its callback query was answered and the pressed message was
  edited (its buttons taken off or replaced).

For each update it offered the server records the moment of the bot's last answer for
it (the last call in that chat, or the query's answer, before the person moved on); its
latency runs from the moment it was offered, so it includes the wait for getUpdates.
It counts every call by method, and the chat-bound ones (with a `chat_id`: everything
Telegram's flood limits count; `answerCallbackQuery` has none).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from bench.stats import percentile

SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "copyMessage",
        "forwardMessage",
    }
)
EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
OVERALL_LIMIT = 30
CHAT_BURST = 20.0
CHAT_RATE = 1.0
ACTING_SECONDS = 60.0
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a content and reply markup of the current message"
)
NOT_FOUND = "Bad Request: message to edit not found"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
# Client names carry a number (bench.seed), so a notification can be matched to its report.
CLIENT_NAME = re.compile(r"Klant B(\d+)")


@dataclass
class Offered:
    """One update offered to the bot, and what the bot answered to it."""

    update_id: int
    chat_id: int
    offered_at: float
    # A button press: its query id and the message it was pressed on.
    query_id: str | None = None
    pressed: int | None = None
    answered: bool = False
    edited: bool = False
    asked: bool = False
    last_at: float = 0.0
    # Chat-bound calls in its chat while it was the chat's latest update.
    calls: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def check(self) -> None:
        if self.asked and (self.query_id is None or (self.answered and self.edited)):
            self.done.set()


@dataclass
class Chat:
    id: int
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    last_message_id: int = 0
    tokens: float = CHAT_BURST
    tokens_at: float = 0.0
    acting_until: float = 0.0
    current: Offered | None = None

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


class Refused(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


class BotApiServer:
    def __init__(self, fanout_from: int | None = None) -> None:
        self.chats: dict[int, Chat] = {}
        self.pending: deque[tuple[int, dict[str, Any]]] = deque()
        self._new_update = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self.queries: dict[str, Offered] = {}
        self.window: deque[float] = deque()
        self.ready = asyncio.Event()
        # Counted from the start of a run (see `Run`).
        self.calls: Counter[str] = Counter()
        self.chat_bound = 0
        # (moment, "chat" | "overall") of every 429, and the moments of deliveries to
        # the chats `fanout_from` and up, since the server started.
        self.refusals: list[tuple[float, str]] = []
        self.fanout_from = fanout_from
        self.fanout_delivered: list[float] = []
        self._fanout_progress = asyncio.Event()
        # (moment, client number) of each notification that names a client.
        self.notifications: list[tuple[float, int]] = []
        self._notified = asyncio.Event()
        self.closing = False
        self.writers: set[asyncio.StreamWriter] = set()
        self.connections: set[asyncio.Task[None]] = set()
        self.bot_id = 7000000001
        self.bot_username = "werkervaring_test_bot"

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id, tokens_at=time.monotonic())
        return chat

    # HTTP

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        try:
            while not self.closing:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, _, headers = head.partition(b"\r\n")
                path = request_line.split(b" ", 2)[1].decode()
                lowered = headers.lower()
                length = 0
                start = lowered.find(b"content-length:")
                if start >= 0:
                    length = int(lowered[start + 15 : lowered.index(b"\r\n", start)])
                body = await reader.readexactly(length) if length else b""
                status, payload = await self.call(
                    path.rsplit("/", 1)[-1], parse(body, b"application/json" in lowered)
                )
                writer.write(
                    b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s"
                    % (status, b"OK" if status == 200 else b"Error", len(payload), payload)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            self.connections.discard(task)
            self.writers.discard(writer)
            writer.close()

    async def close(self) -> None:
        """Long polls return at once, every connection is closed."""
        self.closing = True
        self._new_update.set()
        for writer in list(self.writers):
            writer.close()
        if self.connections:
            await asyncio.wait(list(self.connections), timeout=5)

    async def call(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        self.calls[method] += 1
        if "chat_id" in params:
            self.chat_bound += 1
        try:
            result = await self.answer(method, params)
        except Refused as refused:
            error: dict[str, Any] = {
                "ok": False,
                "error_code": refused.status,
                "description": refused.description,
            }
            if refused.retry_after is not None:
                error["parameters"] = {"retry_after": refused.retry_after}
            return refused.status, json.dumps(error).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # The Bot API

    async def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return await self.get_updates(params)
        if method == "answerCallbackQuery":
            return self.answer_query(str(params.get("callback_query_id", "")))
        if method == "getMe":
            return {**self.bot_user(), "can_join_groups": False, "supports_inline_queries": False}
        if method in SEND_METHODS or method in EDIT_METHODS:
            chat_id = as_int(params.get("chat_id"))
            if not chat_id:
                raise Refused(400, "Bad Request: chat not found")
            now = time.monotonic()
            chat = self.chat(chat_id)
            self.limit(method, chat, now)
            if method in SEND_METHODS:
                return self.send(method, chat, params, now)
            return self.edit(method, chat, params, now)
        if method == "deleteMessage":
            chat = self.chat(as_int(params.get("chat_id")))
            message_id = as_int(params.get("message_id"))
            if chat.messages.pop(message_id, None) is None:
                raise Refused(400, "Bad Request: message to delete not found")
            self.attribute(chat, time.monotonic(), edited=message_id)
            return True
        if method == "getMyCommands":
            return []
        return True

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Werkervaring",
            "username": self.bot_username,
        }

    def limit(self, method: str, chat: Chat, now: float) -> None:
        """Telegram's flood limits (see the module's docstring); raises the 429."""
        tokens = min(CHAT_BURST, chat.tokens + (now - chat.tokens_at) * CHAT_RATE)
        if tokens < 1:
            self.refusals.append((now, "chat"))
            retry = max(1, math.ceil((1 - tokens) / CHAT_RATE))
            raise Refused(429, f"Too Many Requests: retry after {retry}", retry)
        if method in SEND_METHODS:
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            if len(self.window) >= OVERALL_LIMIT and now >= chat.acting_until:
                self.refusals.append((now, "overall"))
                retry = max(1, math.ceil(self.window[0] + 1.0 - now))
                raise Refused(429, f"Too Many Requests: retry after {retry}", retry)
            self.window.append(now)
        chat.tokens = tokens - 1
        chat.tokens_at = now

    def send(self, method: str, chat: Chat, params: dict[str, Any], now: float) -> Any:
        message_id = chat.next_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat.id, "type": "private", "first_name": "Bench"},
            "from": self.bot_user(),
        }
        text = params.get("text") or params.get("caption")
        if text:
            message["text" if "text" in params else "caption"] = text
        markup = inline_markup(params.get("reply_markup"))
        if markup is not None:
            message["reply_markup"] = markup
        chat.messages[message_id] = message
        self.attribute(chat, now, asked=markup is not None)
        if self.fanout_from is not None and chat.id >= self.fanout_from:
            self.fanout_delivered.append(now)
            self._fanout_progress.set()
        elif not chat.acting_until and text:
            # A chat that never wrote to the bot: a notification to a workplace or caseworker.
            number = CLIENT_NAME.search(str(text))
            if number:
                self.notifications.append((now, int(number.group(1))))
                self._notified.set()
        if method == "copyMessage":
            return {"message_id": message_id}
        return message

    def edit(self, method: str, chat: Chat, params: dict[str, Any], now: float) -> Any:
        message_id = as_int(params.get("message_id"))
        message = chat.messages.get(message_id)
        if message is None:
            raise Refused(400, NOT_FOUND)
        markup = inline_markup(params.get("reply_markup"))
        changed = message.get("reply_markup") != markup
        if method != "editMessageReplyMarkup":
            # Editing the text (or caption) without a keyboard takes the keyboard off.
            key = "text" if method == "editMessageText" else "caption"
            changed = changed or message.get(key) != params.get(key)
            message[key] = params.get(key, "")
        if not changed:
            raise Refused(400, NOT_MODIFIED)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        self.attribute(chat, now, edited=message_id)
        return message

    def answer_query(self, query_id: str) -> bool:
        offered = self.queries.pop(query_id, None)
        if offered is None:
            raise Refused(400, QUERY_TOO_OLD)
        offered.answered = True
        offered.last_at = time.monotonic()
        offered.check()
        return True

    def attribute(
        self, chat: Chat, now: float, asked: bool = False, edited: int | None = None
    ) -> None:
        """A chat-bound call belongs to the chat's latest update, until the next one."""
        offered = chat.current
        if offered is None:
            return
        offered.calls += 1
        offered.last_at = now
        offered.asked = offered.asked or asked
        offered.edited = offered.edited or (edited is not None and edited == offered.pressed)
        offered.check()

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.ready.set()
        offset = int(params.get("offset") or 0)
        while self.pending and self.pending[0][0] < offset:
            self.pending.popleft()
        timeout = float(params.get("timeout") or 0)
        if not self.pending and timeout > 0 and not self.closing:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        limit = int(params.get("limit") or 100)
        return [data for _, data in itertools.islice(self.pending, limit)]

    # The people

    def offer(self, chat: Chat, name: str, step: tuple[str, str]) -> Offered | None:
        """Offer the update of one step; None when the button to press is not there."""
        now = time.monotonic()
        update_id = next(self._update_ids)
        user = {"id": chat.id, "is_bot": False, "first_name": name, "language_code": "nl"}
        kind, text = step
        offered = Offered(update_id, chat.id, now)
        if kind == "text":
            message: dict[str, Any] = {
                "message_id": chat.next_message_id(),
                "date": int(time.time()),
                "chat": {"id": chat.id, "type": "private", "first_name": name},
                "from": user,
                "text": text,
            }
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
            update: dict[str, Any] = {"update_id": update_id, "message": message}
        else:
            found = find_button(chat, text)
            if found is None:
                return None
            pressed, data = found
            query_id = str(next(self._query_ids))
            offered.query_id, offered.pressed = query_id, pressed["message_id"]
            self.queries[query_id] = offered
            update = {
                "update_id": update_id,
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "chat_instance": str(chat.id),
                    "data": data,
                    "message": dict(pressed),
                },
            }
        chat.current = offered
        chat.acting_until = now + ACTING_SECONDS
        self.pending.append((update_id, update))
        self._new_update.set()
        return offered

    async def until_fanout(self, count: int, limit: float) -> None:
        deadline = time.monotonic() + limit
        while len(self.fanout_delivered) < count and time.monotonic() < deadline:
            self._fanout_progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._fanout_progress.wait(), deadline - time.monotonic())

    async def until_notified(self, count: int, clients: set[int], limit: float) -> None:
        """Until `count` notifications named one of `clients` (or `limit` seconds)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if sum(1 for _, number in self.notifications if number in clients) >= count:
                return
            self._notified.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._notified.wait(), deadline - time.monotonic())


def find_button(chat: Chat, label: str) -> tuple[dict[str, Any], str] | None:
    """The latest message with a button labelled `label`, and the button's callback data."""
    for message_id in sorted(chat.messages, reverse=True):
        message = chat.messages[message_id]
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text") == label and "callback_data" in button:
                    return message, str(button["callback_data"])
    return None


def inline_markup(value: Any) -> dict[str, Any] | None:
    """The inline keyboard of a `reply_markup` parameter (Telegram keeps only those)."""
    if isinstance(value, str):
        value = json.loads(value) if value else None
    if isinstance(value, dict) and value.get("inline_keyboard"):
        return value
    return None


def parse(body: bytes, is_json: bool) -> dict[str, Any]:
    if not body:
        return {}
    if is_json:
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    # Uploads (multipart) are not part of the benchmarks.
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def as_int(value: Any) -> int:
    """A numeric parameter; 0 for one that is missing or not a number (a channel name)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process so far, all its threads (/proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields 14 and 15 (utime, stime); the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Run:
    """One `run` command: people going through `steps`, `concurrency` of them at a time.

    Its keys: `clients` ([{"id", "name"}], in the order they start), `steps` ([kind, text]:
    "text" and the text, or "press" and a button's label), `concurrency`, `bot_pid`,
    `step_timeout` (seconds before a person gives up), `notifications` (messages expected
    per completed script, naming the client, to other chats), `settle` (seconds to wait for
    them after the last person was answered), and `fanout` ({"expected", "start_after",
    "timeout"}: the deliveries to the chats from `--fanout-from` on are reminders; the people
    start after `start_after` of them, and the run waits for all `expected`).
    """

    def __init__(self, server: BotApiServer, command: dict[str, Any]) -> None:
        self.server = server
        self.command = command
        self.steps = [(str(kind), str(text)) for kind, text in command["steps"]]
        self.offered: list[Offered] = []
        self.presses: list[Offered] = []
        self.timeouts = 0
        self.missing_buttons = 0
        self.completed_scripts = 0
        self.reported_at: dict[int, float] = {}

    async def person(self, clients: deque[dict[str, Any]]) -> None:
        while clients:
            client = clients.popleft()
            chat = self.server.chat(int(client["id"]))
            name = str(client["name"])
            for number, step in enumerate(self.steps):
                offered = self.server.offer(chat, name, step)
                if offered is None:
                    self.missing_buttons += 1
                    break
                self.offered.append(offered)
                if offered.query_id is not None:
                    self.presses.append(offered)
                try:
                    await asyncio.wait_for(offered.done.wait(), self.command["step_timeout"])
                except TimeoutError:
                    self.timeouts += 1
                    break
                if number == len(self.steps) - 1:
                    self.completed_scripts += 1
                    match = CLIENT_NAME.search(name)
                    if match:
                        self.reported_at[int(match.group(1))] = offered.offered_at
            chat.current = None

    async def run(self) -> dict[str, Any]:
        server = self.server
        command = self.command
        fanout = command.get("fanout")
        if fanout:
            await server.until_fanout(int(fanout["start_after"]), float(fanout["timeout"]))
        pid = int(command["bot_pid"])
        server.calls.clear()
        server.chat_bound = 0
        notified_before = len(server.notifications)
        cpu_before, own_before = cpu_seconds(pid), time.process_time()
        started = time.monotonic()
        clients = deque(command["clients"])
        await asyncio.gather(*(self.person(clients) for _ in range(command["concurrency"])))
        ended = time.monotonic()
        cpu, own = cpu_seconds(pid) - cpu_before, time.process_time() - own_before
        calls = Counter(server.calls)
        chat_bound = server.chat_bound
        figures = self.figures(started, ended, calls, chat_bound, cpu, own)
        if fanout:
            await server.until_fanout(int(fanout["expected"]), float(fanout["timeout"]))
            figures["fanout"] = self.fanout(started, ended)
        expected = int(command.get("notifications", 0)) * self.completed_scripts
        if expected:
            # Only this run's people: a warm-up's notifications may still be on their way.
            await server.until_notified(expected, set(self.reported_at), float(command["settle"]))
        figures["notifications"] = self.notified(notified_before, expected)
        return figures

    def figures(
        self,
        started: float,
        ended: float,
        calls: Counter[str],
        chat_bound: int,
        cpu: float,
        own: float,
    ) -> dict[str, Any]:
        done = [o for o in self.offered if o.done.is_set()]
        latencies = [(o.last_at - o.offered_at) * 1e3 for o in done]
        wall = (max(o.last_at for o in done) - started) if done else ended - started
        updates = max(len(done), 1)
        presses = [o for o in self.presses if o.done.is_set()]
        refusals = Counter(kind for at, kind in self.server.refusals if started <= at <= ended)
        return {
            "updates": len(done),
            "timeouts": self.timeouts,
            "missing_buttons": self.missing_buttons,
            "wall_s": wall,
            "updates_per_s": len(done) / wall if wall > 0 else 0.0,
            "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies, default=0.0),
            "calls": dict(calls),
            "api_calls_per_update": (sum(calls.values()) - calls["getUpdates"]) / updates,
            "get_updates_per_update": calls["getUpdates"] / updates,
            "chat_bound_per_update": chat_bound / updates,
            "chat_bound_per_press": sum(o.calls for o in presses) / max(len(presses), 1),
            "retry_after_chat": refusals["chat"],
            "retry_after_overall": refusals["overall"],
            "cpu_ms_per_update": cpu / updates * 1e3,
            "bot_busy": cpu / (ended - started),
            "server_busy": own / (ended - started),
        }

    def notified(self, since: int, expected: int) -> dict[str, Any]:
        delays = [
            (at - self.reported_at[number]) * 1e3
            for at, number in self.server.notifications[since:]
            if number in self.reported_at
        ]
        return {
            "expected": expected,
            "delivered": len(delays),
            "p50_ms": percentile(delays, 0.5),
            "p99_ms": percentile(delays, 0.99),
        }

    def fanout(self, started: float, ended: float) -> dict[str, Any]:
        delivered = self.server.fanout_delivered
        if not delivered:
            return {"delivered": 0}
        first, last = delivered[0], delivered[-1]
        refusals = Counter(kind for _, kind in self.server.refusals)
        return {
            "delivered": len(delivered),
            "span_s": last - first,
            "rate_per_s": rate(delivered, first, last),
            # Before the people start (the bot also works out the reminders then), while
            # they act, and after the last was answered (nobody acts: the steady state).
            "rate_before_people_per_s": rate(delivered, first, started),
            "rate_while_acting_per_s": rate(delivered, max(first, started), min(last, ended)),
            "rate_after_people_per_s": rate(delivered, ended, last),
            # The share of the people's time that the reminders were still going out.
            "overlap": max(0.0, min(ended, last) - max(started, first)) / (ended - started),
            "retry_after_chat": refusals["chat"],
            "retry_after_overall": refusals["overall"],
        }


def rate(moments: list[float], start: float, end: float) -> float:
    """Deliveries a second from `start` to `end` (0 for less than a second)."""
    if end - start < 1.0:
        return 0.0
    return sum(1 for at in moments if start < at <= end) / (end - start)


def keep_to_core() -> None:
    """The lowest core: the bots keep to the highest one (`ONE_CORE`), so both have their own."""
    if hasattr(os, "sched_setaffinity"):
        cores = os.sched_getaffinity(0)
        if len(cores) > 1:
            os.sched_setaffinity(0, {min(cores)})


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.botapi_server")
    parser.add_argument(
        "--fanout-from", type=int, help="chats from this id on receive the fan-out (reminders)"
    )
    args = parser.parse_args()
    keep_to_core()
    server = BotApiServer(args.fanout_from)
    listener = await asyncio.start_server(server.serve, "127.0.0.1", 0, backlog=512)
    port = listener.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    while line := await commands.readline():
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        if command["cmd"] == "ready":
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.ready.wait(), command.get("timeout", 60))
            answer: dict[str, Any] = {"ready": server.ready.is_set()}
        elif command["cmd"] == "run":
            answer = await Run(server, command).run()
        else:
            answer = {"error": f"unknown command {command['cmd']!r}"}
        print(json.dumps(answer), flush=True)
    listener.close()
    await server.close()


if __name__ == "__main__":
    asyncio.run(main())
