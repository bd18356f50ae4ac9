"""The outbox worker: delivers queued messages to other people, exactly once.

Handlers queue a message with `Outbox.message(...)` inside the same transaction
as the fact it reports (so a crash never leaves one without the other). The
worker sends the head of every recipient's queue, oldest first, through the
bot's rate limiter (about 30 messages a second overall) and at most about one
message a second to the same chat. A message is marked sent right after Telegram
accepted it, so a crash can repeat at most the one message in flight.

Telegram failing never loses or reorders anything: a flood limit (429) or an
unreachable Telegram (timeouts, network and server errors) pauses the whole
outbox, each time a little longer, and the message is tried again first; a
message stays queued until it is delivered, however long the outage. A
recipient who blocked the bot is marked, their queue given up, and their
caseworkers told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.db import Database
from bot.store import outbox as store
from bot.store import people
from bot.store.models import Person

if TYPE_CHECKING:
    from telegram import Bot

    from bot.i18n import I18n

log = logging.getLogger(__name__)

# The outbox stores any Bot API call by name and sends it with `do_api_request`, which
# suggests the typed method instead: for stored calls that advice does not apply.
warnings.filterwarnings("ignore", r"Please use 'Bot\.\w+' instead of", PTBUserWarning)

MAX_BACKOFF = timedelta(minutes=5)
BATCH = 100
# Telegram asks bots not to send more than about one message a second to one chat.
PER_CHAT_INTERVAL = 1.0
# After an unexpected failure of the worker itself, it waits this long (seconds).
WORKER_PAUSE = 5.0


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s, ... up to five minutes."""
    return min(timedelta(seconds=2 ** min(attempts + 1, 12)), MAX_BACKOFF)


class Outbox:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        i18n: I18n,
        per_chat_interval: float = PER_CHAT_INTERVAL,
    ) -> None:
        self.db = db
        self.clock = clock
        self.i18n = i18n
        # Real seconds between two messages to the same chat (0 in tests on a fake clock).
        self.per_chat_interval = per_chat_interval
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        # While Telegram is unreachable or asked us to slow down, nothing is sent.
        self.paused_until: datetime | None = None
        self._failures = 0
        self._last_sent: dict[int, float] = {}

    async def message(
        self,
        recipient: Person,
        text: str,
        buttons: InlineKeyboardMarkup | None = None,
        kind: str = "",
        dedupe_key: str | None = None,
    ) -> bool:
        """Queue a text message for a person; False when they cannot be reached by Telegram."""
        payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
        if buttons is not None:
            payload["reply_markup"] = buttons.to_dict()
        return await self.send(recipient, "sendMessage", payload, kind, dedupe_key)

    async def send(
        self,
        recipient: Person,
        method: str,
        payload: dict[str, Any],
        kind: str = "",
        dedupe_key: str | None = None,
    ) -> bool:
        """Queue any Bot API call (sendPhoto, sendDocument, sendVoice, ...) for a person."""
        if recipient.telegram_user_id is None:
            return False
        await store.add(
            self.db,
            chat_id=recipient.telegram_user_id,
            method=method,
            payload={"chat_id": recipient.telegram_user_id, **payload},
            now=self.clock.now(),
            recipient_id=recipient.id,
            kind=kind,
            dedupe_key=dedupe_key,
        )
        self._wake.set()
        return True

    def kick(self) -> None:
        self._wake.set()

    async def drain(self, bot: Bot) -> int:
        """Send everything whose turn has come; returns how many were delivered."""
        delivered = 0
        async with self._lock:
            while True:
                if self.paused_until is not None and self.clock.now() < self.paused_until:
                    return delivered
                batch = await store.next_due(self.db, self.clock.now(), BATCH)
                if not batch:
                    return delivered
                for message in batch:
                    outcome = await self._deliver(bot, message)
                    if outcome == "sent":
                        delivered += 1
                    elif outcome == "pause":
                        return delivered

    async def _deliver(self, bot: Bot, message: store.OutboxMessage) -> str:
        if not await self._still_theirs(message):
            await store.mark_failed(self.db, message.id, "recipient no longer linked")
            log.info("Outbox message %s dropped: its recipient's account changed", message.id)
            return "failed"
        await self._pace(message.chat_id)
        try:
            result = await bot.do_api_request(message.method, api_kwargs=message.payload)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            self._pause(timedelta(seconds=seconds))
            await store.mark_retry(self.db, message.id, self.paused_until_now(), "retry_after")
            log.warning("Telegram flood limit: pausing the outbox for %.0f s", seconds)
            return "pause"
        except Forbidden:
            await self._recipient_unreachable(message)
            return "failed"
        except BadRequest as exc:
            await self._refused(message, exc.message)
            return "failed"
        except TelegramError as exc:
            # Timeouts, network and server errors: Telegram is unreachable for everyone.
            self._failures += 1
            self._pause(backoff(self._failures - 1))
            retry_at = max(self.paused_until_now(), self.clock.now() + backoff(message.attempts))
            await store.mark_retry(self.db, message.id, retry_at, type(exc).__name__)
            log.info(
                "Outbox message %s not delivered yet (%s); pausing", message.id, type(exc).__name__
            )
            return "pause"
        self._failures = 0
        self._last_sent[message.chat_id] = time.monotonic()
        telegram_id = result.get("message_id") if isinstance(result, dict) else None
        await store.mark_sent(self.db, message.id, self.clock.now(), telegram_id)
        return "sent"

    async def _still_theirs(self, message: store.OutboxMessage) -> bool:
        """Whether the chat is still the recipient's: a relinked or purged person's old
        account must not receive what was queued for them."""
        if message.recipient_id is None:
            return True
        person = await people.get(self.db, message.recipient_id)
        return person is not None and person.telegram_user_id == message.chat_id

    def _pause(self, wait: timedelta) -> None:
        self.paused_until = self.clock.now() + wait

    def paused_until_now(self) -> datetime:
        return self.paused_until or self.clock.now()

    async def _pace(self, chat_id: int) -> None:
        """Wait until the last message to this chat is `per_chat_interval` seconds old."""
        last = self._last_sent.get(chat_id)
        if last is None or self.per_chat_interval <= 0:
            return
        wait = last + self.per_chat_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if len(self._last_sent) > 10_000:
            self._last_sent.clear()

    async def _recipient_unreachable(self, message: store.OutboxMessage) -> None:
        now = self.clock.now()
        async with self.db.transaction():
            await store.mark_failed(self.db, message.id, "blocked")
            await store.fail_pending_for_chat(self.db, message.chat_id, "blocked")
            if message.recipient_id is None:
                return
            person = await people.get(self.db, message.recipient_id)
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

    async def _refused(self, message: store.OutboxMessage, reason: str) -> None:
        """Telegram will never take this message: the sender was told it went out, so
        the recipient's caseworkers hear it did not (a caseworker's own is only logged)."""
        log.warning("Outbox message %s refused by Telegram (bad request)", message.id)
        async with self.db.transaction():
            await store.mark_failed(self.db, message.id, f"bad request: {reason[:200]}")
            person = await people.get(self.db, message.recipient_id or 0)
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

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """The background worker: drain, then sleep until woken or a retry is due."""
        while not stop.is_set():
            # Cleared before draining: a message queued meanwhile wakes the next round.
            self._wake.clear()
            try:
                await self.drain(bot)
                timeout = await self._seconds_until_next()
            except Exception:
                log.exception("Outbox worker failed; retrying shortly")
                timeout = WORKER_PAUSE
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(self._wake, stop), timeout=timeout)

    async def _seconds_until_next(self) -> float:
        earliest = await store.earliest_pending(self.db)
        if earliest is None:
            return 30.0
        moment = datetime.fromisoformat(earliest)
        if self.paused_until is not None:
            moment = max(moment, self.paused_until)
        delta = (moment - self.clock.now()).total_seconds()
        return min(max(delta, 0.05), 30.0)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
