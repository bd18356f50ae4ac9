"""Keeping personal data no longer than needed.

`purge` removes the personal data of internships closed or cancelled more than
`RETENTION_DAYS` ago: what was reported (sick reports and their certificates'
file ids, absences, hours, evaluations, digest items), the internship's free
texts, and, once none of their internships is recent, the client's name and
Telegram account. The audit log keeps ids, actions and dates only. Rows that say
that something happened stay, so counts and ids still add up.

It runs from the command line (`werkervaring-bot privacy purge`) and every night
as the reminder kind `privacy_purge`, which plans its own next run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.clock import local_moment
from bot.store import audit, processed
from bot.store import privacy as store

if TYPE_CHECKING:
    from bot.services import Services
    from bot.store.reminders import Reminder

log = logging.getLogger(__name__)

PURGE_KIND = "privacy_purge"
PURGE_TIME = time(3, 15)
# Telegram keeps an unconfirmed update for a day; two are plenty to skip a second delivery.
UPDATE_MEMORY = timedelta(days=2)


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    internships: int
    clients: int
    audit_entries: int


async def purge(services: Services) -> PurgeReport:
    """Remove the personal data whose retention period is over, in one transaction."""
    db, now = services.db, services.clock.now()
    cutoff = now - timedelta(days=services.settings.retention_days)
    async with db.transaction():
        internship_ids = await store.purgeable_internships(db, cutoff)
        for internship_id in internship_ids:
            await store.purge_internship(db, internship_id, now)
            await audit.record(db, now, None, "privacy.purged", "internship", internship_id)
        client_ids = await store.purgeable_clients(db, cutoff)
        for client_id in client_ids:
            await store.purge_client(db, client_id, now)
            await audit.record(db, now, None, "privacy.purged", "person", client_id)
        cleared = await store.forget_old_details(db, cutoff)
        await processed.forget_before(db, now - UPDATE_MEMORY)
    report = PurgeReport(cutoff, len(internship_ids), len(client_ids), cleared)
    log.info(
        "Privacy purge: %d internships, %d clients, %d audit entries (before %s)",
        report.internships,
        report.clients,
        report.audit_entries,
        cutoff.date().isoformat(),
    )
    return report


def next_run(services: Services, after: datetime) -> datetime:
    """The next night's purge moment after `after`, local time."""
    tz = services.settings.timezone
    day = after.astimezone(tz).date()
    moment = local_moment(day, PURGE_TIME, tz)
    if moment <= after:
        moment = local_moment(day + timedelta(days=1), PURGE_TIME, tz)
    return moment


async def plan_next(services: Services, after: datetime) -> None:
    due = next_run(services, after)
    # It never gets too late to purge: a bot that was down purges as soon as it is back.
    await services.reminders.plan(services, PURGE_KIND, 0, due, due + timedelta(days=3650))


async def ensure_scheduled(services: Services) -> None:
    """Plan the nightly purge unless one is planned (at start: it may have expired)."""
    async with services.db.transaction():
        if not await store.has_pending_reminder(services.db, PURGE_KIND):
            await plan_next(services, services.clock.now())


async def scheduled_purge(services: Services, reminder: Reminder) -> str | None:
    """The reminder handler: purge, then plan the next night's run."""
    await purge(services)
    await plan_next(services, services.clock.now())
    return None
