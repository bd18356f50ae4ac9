"""The outbox worker: delivers queued messages to other people, exactly once.

Handlers queue a message with `Outbox.message(...)` inside the same transaction
as the fact it reports (so a crash never leaves one without the other). The
worker sends the head of every recipient's queue, oldest first, through the
bot's rate limiter; Telegram errors are retried with backoff and never reorder
a recipient's messages. A recipient who blocked the bot is marked, their queue
given up, and their caseworkers told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.db import Database
from bot.store import outbox as store
from bot.store import people
from bot.store.models import Person

if TYPE_CHECKING:
    from telegram import Bot

    from bot.i18n import I18n

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)
BATCH = 100


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s, ... up to ten minutes."""
    return min(timedelta(seconds=2 ** min(attempts + 1, 12)), MAX_BACKOFF)


class Outbox:
    def __init__(self, db: Database, clock: Clock, i18n: I18n) -> None:
        self.db = db
        self.clock = clock
        self.i18n = i18n
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

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
        try:
            result = await bot.do_api_request(message.method, api_kwargs=message.payload)
        except RetryAfter as exc:
            # A flood limit applies to the whole bot: pause everything, retry this one first.
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            await store.mark_retry(
                self.db, message.id, self.clock.now() + timedelta(seconds=seconds), "retry_after"
            )
            log.warning("Telegram flood limit: pausing the outbox for %.0f s", seconds)
            return "pause"
        except Forbidden:
            await self._recipient_unreachable(message)
            return "failed"
        except BadRequest as exc:
            await store.mark_failed(self.db, message.id, f"bad request: {exc.message[:200]}")
            log.warning("Outbox message %s refused by Telegram (bad request)", message.id)
            return "failed"
        except (TimedOut, NetworkError) as exc:
            retry_at = self.clock.now() + backoff(message.attempts)
            await store.mark_retry(self.db, message.id, retry_at, type(exc).__name__)
            log.info("Outbox message %s not delivered yet (%s)", message.id, type(exc).__name__)
            return "retry"
        telegram_id = result.get("message_id") if isinstance(result, dict) else None
        await store.mark_sent(self.db, message.id, self.clock.now(), telegram_id)
        return "sent"

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

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """The background worker: drain, then sleep until woken or a retry is due."""
        while not stop.is_set():
            try:
                await self.drain(bot)
            except Exception:
                log.exception("Outbox worker failed; retrying shortly")
            self._wake.clear()
            timeout = await self._seconds_until_next()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(self._wake, stop), timeout=timeout)

    async def _seconds_until_next(self) -> float:
        earliest = await store.earliest_pending(self.db)
        if earliest is None:
            return 30.0
        delta = (datetime.fromisoformat(earliest) - self.clock.now()).total_seconds()
        return min(max(delta, 0.05), 30.0)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
