"""The first workday: the workplace confirms that the trainee's first day is prepared.

The workday before, the employer contact gets who starts when and the checklist
(a welcome, a tour, work clothes, a locker) with a "✅ Ready" button
(`bot.notices.first_day`); `confirm_ready` records it and tells the caseworker,
once: a second tap changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import notify
from bot.actions.hours import employer_internship
from bot.notices import first_day as notices
from bot.reminders import Reminders
from bot.services import Services
from bot.store import audit, people, workplaces
from bot.store import first_day as store
from bot.store.models import Internship, Person, Workplace


@dataclass(frozen=True)
class Ready:
    """The first day confirmed, and whether this was the first confirmation."""

    internship: Internship
    workplace: Workplace
    client: Person
    first_day: date
    new: bool
    caseworker_told: bool


async def confirm_ready(services: Services, actor: Person, internship_id: int) -> Ready:
    """The actor (an employer contact of the workplace) confirms the first day is prepared;
    the caseworker hears of the first confirmation."""
    db = services.db
    async with db.transaction():
        internship = await employer_internship(services, actor, internship_id)
        place = await workplaces.get(db, internship.workplace_id)
        client = await people.get(db, internship.client_id)
        assert place is not None and client is not None
        day = notices.first_workday(internship)
        now = services.clock.now()
        new = await store.confirm_ready(db, internship.id, day, actor.id, now)
        told = False
        if new:
            await audit.record(db, now, actor.id, "first_day_ready", "internship", internship.id)
            told = bool(
                await notify.about_internship(
                    services,
                    internship,
                    lambda t: notices.ready_text(t, internship, place, client, actor),
                    kind=notices.KIND,
                    audience=notify.Audience.CASEWORKER,
                )
            )
    return Ready(internship, place, client, day, new, told)


def register_reminders(reminders: Reminders) -> None:
    """The first-day reminders to the client and the workplace (`bot.notices.first_day`)."""
    for kind, handler in notices.REMINDERS.items():
        reminders.register(kind, handler, label=notices.LABELS[kind])
    reminders.register_planner(list(notices.REMINDERS), notices.plan)
