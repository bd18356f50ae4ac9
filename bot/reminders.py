"""One scheduling design for every reminder of the bot.

Reminders are rows in the database (`bot.store.reminders`), planned from the
state of internships and reports. The JobQueue only provides the heartbeat
(`bot.app.tick`, every 30 s): each tick sends the reminders that are due by the
injected clock, so a test can move time and a restart simply carries on.

- Sent once: a reminder's handler queues its outbox messages and the reminder is
  marked done in the same transaction, so a crash leaves either both or neither,
  and a second tick (or a second process) finds nothing left to do.
- Late, or not at all: a reminder that became due while the bot was down is sent
  at the first tick while it is still useful, i.e. before its `expires_at`; after
  that it is skipped and logged.
- Derived from the database: internship reminders come from planners. After an
  internship changes (created, extended, new start date, cancelled, closed) its
  caller runs `replan_internship`; the first tick after a start replans every open
  internship, so changed reminder times or planner rules take effect at once;
  and an internship reminder is only sent while its planner still wants it.

Features register in `bot.handlers.register_reminders`:
- a handler per reminder kind, `async (services, reminder) -> str | None`,
  returning None when it sent something or a reason when it had nothing to do;
  optionally with a `label` (an `N_()` text of the feature's own catalog) that
  names the kind for people, e.g. in the caseworker's reminder history;
- optionally an internship planner, `async (services, internship) -> list[Plan]`.
  A planner may leave out reminders that have expired, but must otherwise return
  the same plans whenever it is asked: the dispatcher asks it again before
  sending. At most one reminder per kind and local day (a kind sent today is not
  planned again today). Its reminders have the internship id as their subject.

Other reminders (a certificate reminder after a sick report, a digest) are planned
and cancelled directly with `plan` and `cancel`, with a subject of their own kind.
"""

from __future__ import annotations

import asyncio
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

# Notes of reminders the dispatcher did not send.
EXPIRED = "expired"
NOT_PLANNED = "no longer planned"


class Reminders:
    def __init__(self) -> None:
        self._handlers: dict[str, ReminderHandler] = {}
        self._labels: dict[str, str] = {}
        self._planners: list[tuple[list[str], InternshipPlanner]] = []
        self._planner_of: dict[str, InternshipPlanner] = {}
        self._dispatching = asyncio.Lock()
        self._replanned_all = False

    def register(self, kind: str, handler: ReminderHandler, label: str = "") -> None:
        """`handler` sends reminders of `kind`; `label` names the kind (an `N_()` message id)."""
        if kind in self._handlers:
            raise ValueError(f"reminder kind {kind!r} registered twice")
        self._handlers[kind] = handler
        if label:
            self._labels[kind] = label

    def register_planner(self, kinds: list[str], planner: InternshipPlanner) -> None:
        """`planner` decides the reminders of these kinds for an internship."""
        for kind in kinds:
            if kind in self._planner_of:
                raise ValueError(f"reminder kind {kind!r} has two planners")
            self._planner_of[kind] = planner
        self._planners.append((kinds, planner))

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)

    @property
    def internship_kinds(self) -> list[str]:
        return [kind for kinds, _ in self._planners for kind in kinds]

    def label(self, kind: str) -> str:
        """The message id naming `kind` (translate it with `Translator.plain`), else the kind."""
        return self._labels.get(kind, kind)

    async def plan(
        self, services: Services, kind: str, subject_id: int, due_at: datetime, expires: datetime
    ) -> None:
        if kind not in self._handlers:
            raise ValueError(f"unknown reminder kind {kind!r}")
        await store.plan(services.db, kind, subject_id, due_at, expires)

    async def cancel(self, services: Services, kinds: list[str], subject_id: int) -> None:
        await store.cancel_pending(services.db, kinds, subject_id, services.clock.now())

    # Internship reminders

    async def replan_internship(self, services: Services, internship_id: int) -> None:
        """Recompute an internship's reminders after it was created or changed.

        Pending reminders that are still wanted stay as they are, the others are
        cancelled, new ones are planned. A reminder already sent is not planned again
        on the same local day (say, after the reminder times were changed).
        """
        async with services.db.transaction():
            internship = await internship_store.get(services.db, internship_id)
            existing = await store.for_subject(services.db, internship_id, self.internship_kinds)
            changes = await self._changes(services, internship, existing)
            await self._apply(services, internship_id, changes)

    async def replan_all(self, services: Services) -> None:
        """Recompute the reminders of every open internship (at start-up).

        Reads everything in two queries and writes only what changed, so a start with
        thousands of open internships stays quick.
        """
        existing: dict[int, list[store.Reminder]] = {}
        for reminder in await store.of_open_internships(services.db, self.internship_kinds):
            existing.setdefault(reminder.subject_id, []).append(reminder)
        for internship in await internship_store.all_open(services.db):
            try:
                changes = await self._changes(services, internship, existing.get(internship.id, []))
                if changes.cancel or changes.plan:
                    async with services.db.transaction():
                        await self._apply(services, internship.id, changes)
            except Exception:
                log.exception("Could not plan the reminders of internship %s", internship.id)

    async def _changes(
        self, services: Services, internship: Internship | None, existing: list[store.Reminder]
    ) -> _Changes:
        """What to cancel and what to plan so an internship's rows match its planners."""
        now = services.clock.now()
        tz = services.settings.timezone
        wanted: list[Plan] = []
        if internship is not None and internship.is_open:
            for _, planner in self._planners:
                wanted.extend(await planner(services, internship))
        sent_on = {(r.kind, r.due_at.astimezone(tz).date()) for r in existing if r.status == "sent"}
        wanted = [
            p
            for p in wanted
            if p.expires_at > now and (p.kind, p.due_at.astimezone(tz).date()) not in sent_on
        ]
        keep = {(p.kind, p.due_at) for p in wanted}
        pending = {(r.kind, r.due_at, r.expires_at) for r in existing if r.status == "pending"}
        return _Changes(
            # One that expired while the bot was down is left to the dispatcher to log.
            cancel=[
                r
                for r in existing
                if r.status == "pending" and r.expires_at > now and (r.kind, r.due_at) not in keep
            ],
            plan=[p for p in wanted if (p.kind, p.due_at, p.expires_at) not in pending],
        )

    async def _apply(self, services: Services, internship_id: int, changes: _Changes) -> None:
        now = services.clock.now()
        for reminder in changes.cancel:
            await store.cancel(services.db, reminder.id, now, NOT_PLANNED)
        for plan in changes.plan:
            await self.plan(services, plan.kind, internship_id, plan.due_at, plan.expires_at)

    async def history(self, services: Services, internship_id: int) -> list[store.Reminder]:
        """An internship's reminders, sent, skipped and still to come (not the cancelled)."""
        reminders = await store.for_subject(services.db, internship_id, self.internship_kinds)
        return [r for r in reminders if r.status != "cancelled"]

    async def _still_planned(self, services: Services, reminder: store.Reminder) -> bool:
        planner = self._planner_of.get(reminder.kind)
        if planner is None:
            return True
        internship = await internship_store.get(services.db, reminder.subject_id)
        if internship is None or not internship.is_open:
            return False
        plans = await planner(services, internship)
        return any(p.kind == reminder.kind and p.due_at == reminder.due_at for p in plans)

    # Sending

    async def dispatch_due(self, services: Services, limit: int = 500) -> int:
        """Send every reminder that is due now; returns how many were sent."""
        async with self._dispatching:
            if not self._replanned_all:
                # Set first: a planner that fails must not stop every later tick.
                self._replanned_all = True
                await self.replan_all(services)
            sent = 0
            after: store.Reminder | None = None
            while True:
                now = services.clock.now()
                due = await store.due(services.db, now, limit, after)
                for reminder in due:
                    try:
                        if await self._dispatch_one(services, reminder, now):
                            sent += 1
                    except Exception:
                        # Left pending: retried at the next tick until it expires.
                        log.exception(
                            "Reminder %s (%s, subject %s) failed; retrying at the next tick",
                            reminder.id,
                            reminder.kind,
                            reminder.subject_id,
                        )
                if len(due) < limit:
                    break
                after = due[-1]
        if sent:
            services.outbox.kick()
        return sent

    async def _dispatch_one(
        self, services: Services, reminder: store.Reminder, now: datetime
    ) -> bool:
        if reminder.expires_at <= now:
            if await store.finish(services.db, reminder.id, "skipped", now, EXPIRED):
                log.warning(
                    "Skipped reminder %s (%s, subject %s, due %s): the bot was not running "
                    "while it was useful",
                    reminder.id,
                    reminder.kind,
                    reminder.subject_id,
                    reminder.due_at.isoformat(),
                )
            return False
        handler = self._handlers.get(reminder.kind)
        if handler is None:
            await store.finish(services.db, reminder.id, "skipped", now, "unknown kind")
            log.warning("Skipped reminder %s: unknown kind %s", reminder.id, reminder.kind)
            return False
        if not await self._still_planned(services, reminder):
            # The internship changed without a replan: catch up now.
            await self.replan_internship(services, reminder.subject_id)
            await store.cancel(services.db, reminder.id, now, NOT_PLANNED)
            log.info("Cancelled reminder %s (%s): no longer planned", reminder.id, reminder.kind)
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
        if reason is not None:
            log.info("Reminder %s (%s) had nothing to send: %s", reminder.id, reminder.kind, reason)
        return reason is None


@dataclass(frozen=True)
class _Changes:
    cancel: list[store.Reminder]
    plan: list[Plan]


class _AlreadyDone(Exception):
    pass
