"""One scheduling design for every reminder of the bot.

Reminders are rows in the database, planned from the state of internships and
reports. The JobQueue only provides the heartbeat (`tick`): each tick sends the
reminders that are due by the injected clock, so a test can move time and a
restart simply carries on. A reminder is sent at most once: its handler queues
outbox messages and the reminder is marked done in the same transaction. One
that is due but past its `expires_at` (the bot was down too long for it to be
useful) is skipped and logged.

Features register two things in `bot.handlers.register_reminders`:
- a handler per reminder kind, `async (services, reminder) -> str | None`,
  returning None when it sent something or a reason when it had nothing to do;
- optionally an internship planner, `async (services, internship) -> list[Plan]`,
  called by `replan_internship` whenever an internship changes.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.store import internships as internship_store
from bot.store import reminders as store
from bot.store.models import Internship

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    kind: str
    due_at: datetime
    expires_at: datetime


ReminderHandler = Callable[["Services", store.Reminder], Awaitable[str | None]]
InternshipPlanner = Callable[["Services", Internship], Awaitable[list[Plan]]]


class Reminders:
    def __init__(self) -> None:
        self._handlers: dict[str, ReminderHandler] = {}
        self._planners: list[tuple[list[str], InternshipPlanner]] = []

    def register(self, kind: str, handler: ReminderHandler) -> None:
        if kind in self._handlers:
            raise ValueError(f"reminder kind {kind!r} registered twice")
        self._handlers[kind] = handler

    def register_planner(self, kinds: list[str], planner: InternshipPlanner) -> None:
        """`planner` decides the reminders of these kinds for an internship."""
        self._planners.append((kinds, planner))

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)

    @property
    def internship_kinds(self) -> list[str]:
        return [kind for kinds, _ in self._planners for kind in kinds]

    async def plan(
        self, services: Services, kind: str, subject_id: int, due_at: datetime, expires: datetime
    ) -> None:
        if kind not in self._handlers:
            raise ValueError(f"unknown reminder kind {kind!r}")
        await store.plan(services.db, kind, subject_id, due_at, expires)

    async def cancel(self, services: Services, kinds: list[str], subject_id: int) -> None:
        await store.cancel_pending(services.db, kinds, subject_id, services.clock.now())

    async def replan_internship(self, services: Services, internship_id: int) -> None:
        """Recompute an internship's reminders after it was created or changed."""
        async with services.db.transaction():
            internship = await internship_store.get(services.db, internship_id)
            if internship is None:
                return
            for kinds, planner in self._planners:
                await store.cancel_pending(services.db, kinds, internship.id, services.clock.now())
                if not internship.is_open:
                    continue
                for plan in await planner(services, internship):
                    await self.plan(
                        services, plan.kind, internship.id, plan.due_at, plan.expires_at
                    )

    async def dispatch_due(self, services: Services, limit: int = 500) -> int:
        """Send every reminder that is due now; returns how many were sent."""
        sent = 0
        while True:
            now = services.clock.now()
            due = await store.due(services.db, now, limit)
            if not due:
                break
            for reminder in due:
                if await self._dispatch_one(services, reminder, now):
                    sent += 1
            if len(due) < limit:
                break
        if sent:
            services.outbox.kick()
        return sent

    async def _dispatch_one(
        self, services: Services, reminder: store.Reminder, now: datetime
    ) -> bool:
        if reminder.expires_at <= now:
            await store.finish(services.db, reminder.id, "skipped", now, "expired")
            log.info(
                "Skipped reminder %s (%s, subject %s): no longer useful",
                reminder.id,
                reminder.kind,
                reminder.subject_id,
            )
            return False
        handler = self._handlers.get(reminder.kind)
        if handler is None:
            await store.finish(services.db, reminder.id, "skipped", now, "unknown kind")
            log.warning("Skipped reminder %s: unknown kind %s", reminder.id, reminder.kind)
            return False
        try:
            async with services.db.transaction():
                reason = await handler(services, reminder)
                status = "sent" if reason is None else "skipped"
                if not await store.finish(services.db, reminder.id, status, now, reason or ""):
                    # Finished elsewhere meanwhile: roll our messages back.
                    raise _AlreadyDone
        except _AlreadyDone:
            return False
        return reason is None


class _AlreadyDone(Exception):
    pass
