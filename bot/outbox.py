"""The outbox: every message the bot sends, stored first, sent after the commit, exactly once.

Three kinds of rows, one table, one sender:

- replies to the person acting now (`bot.replies`): stored in the update's own
  transaction and sent right after its commit by the update's task itself
  (`flush_chat`), ahead of everything else;
- notifications to other people (`Outbox.message`, `Outbox.send`), queued in the
  transaction of the fact they report; urgent ones before bulk;
- reminders and digests: bulk.

Why the outbox sends itself instead of going through PTB's `BaseRateLimiter`: a
rate limiter sees one call at a time and can only make it wait, so a reply ends
up waiting behind the fan-out queued before it. The sender sees every queue and
picks, each time a send may go, the most urgent message whose chat and lane the
limits allow (`bot.limits`): replies first, limited only per chat; then urgent,
then bulk, within about 30 a second overall.

Telegram failing never loses or reorders anything. A 429 pauses exactly what it
concerns for exactly `retry_after`: the chat, or everything when several chats
get one at once. Timeouts, network and server errors pause every send a little
longer each time (the sends in flight when Telegram went away count as one failure),
and the message is tried again first; once Telegram answers again, what waited out an
outage that hit several sends goes at once. A message that fails alone while others
go through backs off on its own (a 429 does not count: it is waited out exactly). A
message is marked sent as soon as Telegram accepted it (a crash in between repeats at most that
one); if the database cannot record it, it is remembered here and recorded
later, never sent again. "Message is not modified", "message to edit not found"
and "query is too old" mean the call's work is done (a second delivery of an
update repeats its edits). A recipient who blocked the bot is marked, their
queue given up, and their caseworkers told.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
import warnings
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup
from telegram.error import RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.clock import Clock, FakeClock
from bot.db import Database
from bot.limits import Lane, Limits
from bot.replies import Call, Replies, from_payload
from bot.store import outbox as store
from bot.store import people
from bot.store.models import Person
from bot.telegram_errors import Verdict, retry_after_seconds, verdict

if TYPE_CHECKING:
    from telegram import Bot

    from bot.i18n import I18n

log = logging.getLogger(__name__)


OutboxMessage = store.OutboxMessage

MAX_BACKOFF = timedelta(minutes=5)
# The longest pause while Telegram is unreachable for everyone (seconds).
MAX_OUTAGE_PAUSE = 30.0
# How many sends may wait for Telegram's answer at once (each to another chat).
MAX_IN_FLIGHT = 64
# How often rows written by another process (the command line) are picked up.
RESYNC_SECONDS = 10.0
# 429s for this many chats within a second: Telegram limits the bot as a whole. When
# they were notifications, only notifications wait: they are what went over the
# overall rate, and the people acting right now keep their answers.
FLOODED_CHATS_FOR_ALL = 3
# The stored reason of a retry Telegram asked for with a 429.
RETRY_AFTER = "retry_after"


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s, ... up to five minutes."""
    return min(timedelta(seconds=2 ** min(attempts + 1, 12)), MAX_BACKOFF)


@dataclass
class _Chat:
    """One chat's queued messages, a queue per lane, each oldest first."""

    lanes: tuple[deque[OutboxMessage], ...] = field(
        default_factory=lambda: tuple(deque() for _ in Lane)
    )
    busy: bool = False

    def head(self) -> OutboxMessage | None:
        for queue in self.lanes:
            if queue:
                return queue[0]
        return None

    def __bool__(self) -> bool:
        return any(self.lanes)


class Outbox:
    def __init__(self, db: Database, clock: Clock, i18n: I18n, limits: Limits) -> None:
        self.db = db
        self.clock = clock
        self.i18n = i18n
        self.limits = limits
        self._chats: dict[int, _Chat] = {}
        # (lane, message id, chat): chats whose head may be ready; stale entries are skipped.
        self._ready: list[tuple[int, int, int]] = []
        # (moment, chat): chats whose head waits for a retry or for its chat's limit.
        self._later: list[tuple[float, int]] = []
        self._known: set[int] = set()
        self._max_id = 0
        # Sent, but the database could not record it yet: never sent again.
        self._unrecorded: list[OutboxMessage] = []
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._running = False
        self._loaded = False
        self._outage_failures = 0
        # The outage pause ends then: failures before it are sends that were in flight.
        self._outage_until = float("-inf")
        # The messages that failed in the current outage pause.
        self._episode: list[OutboxMessage] = []
        # Waiting for Telegram to be reachable again (by id): they go once it is.
        self._postponed: dict[int, OutboxMessage] = {}
        # 429s per message id: not failures of the message.
        self._flood_counts: dict[int, int] = {}
        # (moment, chat) of recent 429s: replies, and notifications, apart.
        self._floods: tuple[deque[tuple[float, int]], deque[tuple[float, int]]] = (
            deque(),
            deque(),
        )

    # Queueing (inside the transaction of what the message reports)

    async def message(
        self,
        recipient: Person,
        text: str,
        buttons: InlineKeyboardMarkup | None = None,
        kind: str = "",
        dedupe_key: str | None = None,
        urgent: bool = False,
    ) -> bool:
        """Queue a text message for a person; False when they cannot be reached by Telegram."""
        payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
        if buttons is not None:
            payload["reply_markup"] = buttons.to_dict()
        lane = Lane.URGENT if urgent else Lane.BULK
        return await self.send(recipient, "sendMessage", payload, kind, dedupe_key, lane)

    async def send(
        self,
        recipient: Person,
        method: str,
        payload: dict[str, Any],
        kind: str = "",
        dedupe_key: str | None = None,
        lane: Lane = Lane.BULK,
    ) -> bool:
        """Queue any Bot API call (sendPhoto, sendDocument, sendVoice, ...) for a person."""
        if recipient.telegram_user_id is None:
            return False
        message = await store.add(
            self.db,
            chat_id=recipient.telegram_user_id,
            method=method,
            payload={"chat_id": recipient.telegram_user_id, **payload},
            now=self.clock.now(),
            recipient_id=recipient.id,
            kind=kind,
            dedupe_key=dedupe_key,
            lane=lane,
        )
        if message is not None:
            self.db.after_commit(lambda: self._admit([message]))
        return True

    async def queue_replies(self, replies: Replies) -> list[int]:
        """Store an update's replies in its transaction; returns the chats they go to."""
        chats: list[int] = []
        now = self.clock.now()
        admitted: list[OutboxMessage] = []
        for call in replies.to_chats:
            chat = call.chat_id
            assert chat is not None
            message = await store.add(
                self.db, chat, call.method, call.payload, now, kind="reply", lane=Lane.REPLY
            )
            assert message is not None
            admitted.append(message)
            if chat not in chats:
                chats.append(chat)
        if admitted:
            self.db.after_commit(lambda: self._admit(admitted))
        return chats

    def kick(self) -> None:
        self._wake.set()

    # Sending

    async def answer_now(self, bot: Bot, answers: Iterable[Call]) -> None:
        """Answer callback queries (not messages: no limit, never stored, expire in seconds)."""
        for answer in answers:
            try:
                await call(bot, answer.method, from_payload(answer.payload))
            except TelegramError as exc:
                # Too old, or Telegram unreachable: the spinner stops by itself.
                log.debug("Callback query not answered: %s", exc)

    async def send_now(self, bot: Bot, chat_id: int, method: str, payload: dict[str, Any]) -> None:
        """Send one call at once, without storing it (when the database cannot be written)."""
        now = self._now()
        if self.limits.ready_at(chat_id, Lane.REPLY, now) > now:
            log.info("Not sent to chat %s now: its limit is reached", chat_id)
            return
        self.limits.take(chat_id, Lane.REPLY, now)
        try:
            await call(bot, method, {"chat_id": chat_id, **payload})
        except TelegramError as exc:
            log.warning("Could not send to chat %s (%s)", chat_id, type(exc).__name__)

    async def flush_chat(self, bot: Bot, chat_id: int) -> int:
        """Send now, in this task, what waits for this chat and may go now; returns how many.

        The update that just queued its replies calls this, so a reply goes out without
        waiting for the background sender. What may not go yet is left to it.
        """
        chat = self._chats.get(chat_id)
        if chat is None or chat.busy:
            return 0
        sent = 0
        while True:
            head = chat.head()
            now = self._now()
            if head is None or self._blocked_until(chat_id, head, now) > now:
                break
            self.limits.take(chat_id, Lane(head.lane), now)
            chat.busy = True
            try:
                if await self._send(bot, head):
                    sent += 1
            finally:
                chat.busy = False
        self._schedule(chat_id)
        self._wake.set()
        return sent

    async def drain(self, bot: Bot) -> int:
        """Send, one after the other, everything whose turn has come; returns how many were
        delivered (tests and benchmarks; the running bot uses `run`)."""
        await self._load()
        delivered = 0
        while True:
            picked = self._pick(self._now())
            if picked is None:
                await self._record_unrecorded()
                return delivered
            chat = self._chats[picked]
            head = chat.head()
            assert head is not None
            chat.busy = True
            try:
                if await self._send(bot, head):
                    delivered += 1
            finally:
                chat.busy = False
                self._schedule(picked)

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """The background sender: picks and sends until `stop` is set."""
        self._running = True
        last_resync = 0.0
        try:
            while not stop.is_set():
                # Cleared before picking: a message queued meanwhile wakes the next round.
                self._wake.clear()
                try:
                    if time.monotonic() - last_resync > RESYNC_SECONDS or not self._loaded:
                        await self._load()
                        await self._record_unrecorded()
                        last_resync = time.monotonic()
                    timeout = self._start_sends(bot)
                except Exception:
                    log.exception("The outbox failed; retrying shortly")
                    timeout = 5.0
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(self._wake, stop), timeout=timeout)
        finally:
            self._running = False
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=10)

    def _start_sends(self, bot: Bot) -> float:
        """Start every send that may go now; returns seconds until the next may."""
        while len(self._tasks) < MAX_IN_FLIGHT:
            picked = self._pick(self._now())
            if picked is None:
                break
            chat = self._chats[picked]
            chat.busy = True
            task = asyncio.create_task(self._send_and_release(bot, picked))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if len(self._tasks) >= MAX_IN_FLIGHT:
            return RESYNC_SECONDS
        return min(max(self._next_moment() - self._now(), 0.001), RESYNC_SECONDS)

    async def _send_and_release(self, bot: Bot, chat_id: int) -> None:
        chat = self._chats.get(chat_id)
        try:
            head = chat.head() if chat else None
            if head is not None:
                await self._send(bot, head)
        except Exception:
            log.exception("Sending to chat %s failed", chat_id)
        finally:
            if chat is not None:
                chat.busy = False
            self._schedule(chat_id)
            self._wake.set()

    # Choosing what goes next

    def _now(self) -> float:
        """Seconds on the clock the limits count on (the fake clock in tests)."""
        if isinstance(self.clock, FakeClock):
            return self.clock.now().timestamp()
        return time.monotonic()

    def _moment(self, when: datetime) -> float:
        return self._now() + (when - self.clock.now()).total_seconds()

    def _blocked_until(self, chat_id: int, head: OutboxMessage, now: float) -> float:
        moment = max(now, self._moment(head.not_before))
        return self.limits.ready_at(chat_id, Lane(head.lane), moment)

    def _pick(self, now: float) -> int | None:
        """The chat whose head goes next: the lowest lane, then the oldest message."""
        while self._later and self._later[0][0] <= now:
            _, chat_id = heapq.heappop(self._later)
            self._schedule(chat_id)
        while self._ready:
            lane, message_id, chat_id = self._ready[0]
            chat = self._chats.get(chat_id)
            head = chat.head() if chat else None
            if chat is None or chat.busy or head is None or head.id != message_id:
                heapq.heappop(self._ready)
                continue
            if lane != Lane.REPLY and self.limits.ready_at(None, Lane(lane), now) > now:
                # Every later entry is urgent or bulk too: all wait for the overall rate.
                return None
            heapq.heappop(self._ready)
            moment = self._blocked_until(chat_id, head, now)
            if moment > now:
                heapq.heappush(self._later, (moment, chat_id))
                continue
            # Counted now, at the pick: several sends start in the same instant.
            self.limits.take(chat_id, Lane(head.lane), now)
            return chat_id
        return None

    def seconds_until_next(self) -> float | None:
        """How long until the next queued message may go (0: now); None when none waits."""
        if not self._chats:
            return None
        return max(self._next_moment() - self._now(), 0.0)

    def _next_moment(self) -> float:
        moments = [RESYNC_SECONDS + self._now()]
        if self._later:
            moments.append(self._later[0][0])
        if self._ready:
            lane = self._ready[0][0]
            moments.append(self.limits.ready_at(None, Lane(lane), self._now()))
        return min(moments)

    def _schedule(self, chat_id: int) -> None:
        """Offer the chat's head for picking (again)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return
        head = chat.head()
        if head is None:
            if not chat.busy:
                del self._chats[chat_id]
            return
        heapq.heappush(self._ready, (head.lane, head.id, chat_id))

    def _admit(self, messages: Iterable[OutboxMessage]) -> None:
        """Take committed rows into the queues (each once)."""
        for message in messages:
            if message.id in self._known:
                continue
            self._known.add(message.id)
            self._max_id = max(self._max_id, message.id)
            chat = self._chats.setdefault(message.chat_id, _Chat())
            was_head = chat.head()
            chat.lanes[message.lane].append(message)
            if chat.head() is not was_head and not chat.busy:
                self._schedule(message.chat_id)
        self._wake.set()

    def _forget(self, message: OutboxMessage) -> None:
        self._postponed.pop(message.id, None)
        self._flood_counts.pop(message.id, None)
        chat = self._chats.get(message.chat_id)
        if chat is not None:
            queue = chat.lanes[message.lane]
            with contextlib.suppress(ValueError):
                queue.remove(message)
        self._known.discard(message.id)

    async def _load(self) -> None:
        """Pick up rows this process did not queue itself (after a restart, the CLI)."""
        rows = await store.pending(self.db, 0 if not self._loaded else self._max_id)
        self._loaded = True
        self._admit(rows)
        # Put off by an outage before a restart: they go as soon as Telegram answers.
        self._postponed.update(
            (m.id, m) for m in rows if m.last_error not in (None, RETRY_AFTER) and m.attempts
        )
        # A 429 before a restart still holds its whole chat, whatever comes for it now
        # (a reply would otherwise go ahead of a held notification).
        for m in rows:
            if m.last_error == RETRY_AFTER:
                self.limits.pause_chat(m.chat_id, self._moment(m.not_before))

    # One send

    async def _send(self, bot: Bot, message: OutboxMessage) -> bool:
        """Try the message once; True when Telegram has it (or its work is done)."""
        if message.recipient_id is not None and not await self._still_theirs(message):
            return False
        try:
            result = await call(bot, message.method, from_payload(message.payload))
        except TelegramError as exc:
            return await self._failed(message, exc)
        self._reachable_again()
        telegram_id = result.get("message_id") if isinstance(result, dict) else None
        await self._delivered(message, telegram_id)
        return True

    async def _still_theirs(self, message: OutboxMessage) -> bool:
        """Still to be sent, and still the recipient's chat: a relinked or purged person's
        old account must not receive what was queued for them."""
        state = await store.still_deliverable(self.db, message.id)
        if state is not None and state[0] and state[1] == message.chat_id:
            return True
        self._forget(message)
        if state is not None and state[0]:
            await store.mark_failed(self.db, message.id, "recipient no longer linked")
            log.info("Outbox message %s dropped: its recipient's account changed", message.id)
        return False

    def _reachable_again(self) -> None:
        """Telegram answers: what waited out the outage goes now, in each chat's order.

        Without this a reply caught by three short outages in a row would wait out its own
        backoff (16 s, 32 s, ...) long after Telegram was back.
        """
        self._outage_failures = 0
        self._outage_until = float("-inf")
        if not self._postponed:
            return
        now = self.clock.now()
        waiting, self._postponed = self._postponed, {}
        for message in waiting.values():
            message.not_before = min(message.not_before, now)
            self._schedule(message.chat_id)
        self._wake.set()

    async def _delivered(self, message: OutboxMessage, telegram_id: int | None) -> None:
        self._forget(message)
        try:
            await self._record(message, telegram_id)
        except Exception:
            # Kept in memory, so it is not sent again; recorded when the database can.
            log.warning("Outbox message %s sent but not recorded yet", message.id)
            self._unrecorded.append(message)

    async def _record(self, message: OutboxMessage, telegram_id: int | None) -> None:
        if message.lane == Lane.REPLY:
            await store.delete(self.db, [message.id])
        else:
            await store.mark_sent(self.db, message.id, self.clock.now(), telegram_id)

    async def _record_unrecorded(self) -> None:
        while self._unrecorded:
            message = self._unrecorded[0]
            try:
                await self._record(message, None)
            except Exception:
                return
            self._unrecorded.pop(0)

    async def _failed(self, message: OutboxMessage, exc: TelegramError) -> bool:
        kind = verdict(exc)
        if kind in (Verdict.DONE, Verdict.MOOT):
            # A repeated edit or answer: what it asked for is there, or nothing is left.
            log.debug("Outbox message %s: %s", message.id, exc.message)
            await self._delivered(message, None)
            return True
        now = self.clock.now()
        self._postponed.pop(message.id, None)
        if kind is Verdict.FLOOD:
            assert isinstance(exc, RetryAfter)
            seconds = retry_after_seconds(exc)
            self._flood_counts[message.id] = self._flood_counts.get(message.id, 0) + 1
            self._flooded(message, seconds)
            await self._retry_later(message, now + timedelta(seconds=seconds), RETRY_AFTER)
            return False
        if kind is Verdict.TRANSIENT:
            # Telegram is unreachable for everyone: every send waits, a little longer each
            # time. A failure within the pause is a send that was already under way when
            # Telegram went away: the same failure, not a longer outage.
            moment = self._now()
            if moment >= self._outage_until:
                self._outage_failures += 1
                seconds = min(2.0 ** (self._outage_failures - 1), MAX_OUTAGE_PAUSE)
                self._outage_until = moment + seconds
                self.limits.pause_all(self._outage_until)
                self._episode = []
            pause = timedelta(seconds=max(self._outage_until - moment, 0.0))
            # A message that keeps failing while others go through backs off on its own.
            failures = message.attempts - self._flood_counts.get(message.id, 0)
            wait = max(pause, backoff(failures)) if failures >= 3 else pause
            await self._retry_later(message, now + wait, type(exc).__name__)
            self._episode.append(message)
            if len({m.id for m in self._episode}) > 1:
                # Several sends failed at once: Telegram was away, not these messages' fault.
                self._postponed.update((m.id, m) for m in self._episode)
            log.info(
                "Outbox message %s not delivered yet (%s); pausing %.0f s",
                message.id,
                type(exc).__name__,
                pause.total_seconds(),
            )
            return False
        self._forget(message)
        if kind is Verdict.UNREACHABLE:
            await self._recipient_unreachable(message)
        else:
            await self._refused(message, exc.message)
        return False

    def _flooded(self, message: OutboxMessage, seconds: float) -> None:
        """Pause what Telegram's 429 concerns for exactly `retry_after`."""
        now = self._now()
        until = now + seconds
        self.limits.pause_chat(message.chat_id, until)
        reply = message.lane == Lane.REPLY
        floods = self._floods[0 if reply else 1]
        floods.append((now, message.chat_id))
        while floods and floods[0][0] < now - 1.0:
            floods.popleft()
        if len({chat for _, chat in floods}) < FLOODED_CHATS_FOR_ALL:
            log.warning("Telegram flood limit: chat %s paused %.0f s", message.chat_id, seconds)
        elif reply:
            self.limits.pause_all(until)
            log.warning("Telegram flood limit for the bot: pausing every send %.0f s", seconds)
        else:
            self.limits.pause_notifications(until)
            log.warning("Telegram flood limit for the bot: pausing notifications %.0f s", seconds)

    async def _retry_later(self, message: OutboxMessage, when: datetime, error: str) -> None:
        message.attempts += 1
        message.not_before = when
        with contextlib.suppress(Exception):
            # Only timing: if the database cannot be written, memory still holds it.
            await store.mark_retry(self.db, message.id, when, error)

    async def _recipient_unreachable(self, message: OutboxMessage) -> None:
        now = self.clock.now()
        for queued in self._drop_chat(message.chat_id):
            self._known.discard(queued.id)
        async with self.db.transaction():
            await store.mark_failed(self.db, message.id, "blocked")
            await store.fail_pending_for_chat(self.db, message.chat_id, "blocked")
            person = (
                await people.get(self.db, message.recipient_id)
                if message.recipient_id is not None
                else await people.by_telegram_id(self.db, message.chat_id)
            )
            if person is None or not await people.mark_blocked(self.db, person.id, now):
                return
            log.warning("Person %s blocked the bot; telling their caseworkers", person.id)
            for caseworker in await people.caseworkers_of(self.db, person):
                if caseworker.id == person.id:
                    continue
                t = self.i18n.translator(caseworker.language)
                await self.message(
                    caseworker,
                    t._(
                        "⚠️ {name} has blocked the bot. Messages to them cannot be delivered. "
                        "Please contact them another way.",
                        name=person.name,
                    ),
                    kind="blocked",
                    dedupe_key=f"blocked:{person.id}:{now.isoformat()}",
                )

    def _drop_chat(self, chat_id: int) -> list[OutboxMessage]:
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        dropped = [m for queue in chat.lanes for m in queue]
        for queue in chat.lanes:
            queue.clear()
        return dropped

    async def _refused(self, message: OutboxMessage, reason: str) -> None:
        """Telegram will never take this message: the sender was told it went out, so
        the recipient's caseworkers hear it did not (a caseworker's own is only logged)."""
        log.warning("Outbox message %s refused by Telegram (bad request)", message.id)
        async with self.db.transaction():
            await store.mark_failed(self.db, message.id, f"bad request: {reason[:200]}")
            if message.recipient_id is None:
                return
            person = await people.get(self.db, message.recipient_id)
            if person is None or person.is_staff:
                return
            for caseworker in await people.caseworkers_of(self.db, person):
                t = self.i18n.translator(caseworker.language)
                await self.message(
                    caseworker,
                    t._(
                        "⚠️ A message for {name} could not be delivered: Telegram refused it. "
                        "Please contact them another way.",
                        name=person.name,
                    ),
                    kind="blocked",
                    dedupe_key=f"refused:{message.id}:{caseworker.id}",
                )


async def call(bot: Bot, method: str, parameters: dict[str, Any]) -> Any:
    """A Bot API call by name, as stored. `do_api_request` suggests the typed method
    instead: for stored calls that advice does not apply."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Please use 'Bot\.\w+' instead of", PTBUserWarning)
        return await bot.do_api_request(method, api_kwargs=parameters)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
