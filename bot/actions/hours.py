"""Internship hours: what an employer contact sees and submits, and what the caseworker hears.

The client earns the encouragement premium per internship hour, so the hours are
exact: one number of minutes per workday of the internship, or one total. Every
submission is a new version (who, when) until the caseworker locks the hours; a
locked internship refuses every new version (`AlreadyLocked`).

- `sheet`: what the employer contact works from (the workdays, the absences reported
  on them, the last version, the lock).
- `submit`: a new version; the caseworker is told at once.
- `Draft`: the hours being entered before they are submitted, kept by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from bot import notify
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    OutsideInternship,
    require_internship,
    require_open,
    require_role,
)
from bot.exports import premium_cents
from bot.i18n import Translator
from bot.services import Services
from bot.store import audit, internships, people, workplaces
from bot.store import hours as store
from bot.store.hours import Absence, HoursSubmission
from bot.store.models import Internship, Person, Role
from bot.workdays import internship_days

MAX_MINUTES_PER_DAY = 12 * 60
# Days of these kinds are pre-filled with 0: the trainee was not there.
AWAY_ALL_DAY = (Absence.SICK, Absence.NO_SHOW)
# The notification kind (the caseworker's settings: at once or in the digest).
KIND = "hours"


def duration(t: Translator, minutes: int) -> str:
    """7u30 in Dutch, 7h30 in English and French, ..."""
    hours, rest = divmod(minutes, 60)
    padded = str(rest).zfill(2)
    return t.plain("{hours}h{minutes}", hours=hours, minutes=padded)


def absence_mark(t: Translator, absence: Absence | None) -> str:
    """A day's absence as a short mark behind its hours ("" for none)."""
    if absence is Absence.SICK:
        return t.plain("🤒 sick")
    if absence is Absence.NO_SHOW:
        return t.plain("🚫 did not come")
    if absence is Absence.APPOINTMENT:
        return t.plain("📅 appointment")
    return ""


def absence_note(t: Translator, absence: Absence | None) -> str:
    """A day's absence as a line under the day asked ("" for none)."""
    if absence is Absence.SICK:
        return t.plain("🤒 Reported sick on this day.")
    if absence is Absence.NO_SHOW:
        return t.plain("🚫 Reported as not come on this day.")
    if absence is Absence.APPOINTMENT:
        return t.plain("📅 Approved appointment on this day: count only the hours worked.")
    return ""


def day_hours(t: Translator, day: date, minutes: int) -> str:
    """A day and its hours, `ma 30 nov: 8u00`."""
    return t.plain("{day}: {hours}", day=t.date(day, "EEE d MMM"), hours=duration(t, minutes))


def day_lines(
    t: Translator, per_day: Mapping[date, int] | None, away: Mapping[date, Absence]
) -> list[str]:
    """One line per day, `ma 30 nov: 8u00`, with the day's absence mark."""
    lines = []
    for day, minutes in sorted((per_day or {}).items()):
        mark = absence_mark(t, away.get(day))
        line = day_hours(t, day, minutes)
        lines.append(f"{line}  {mark}" if mark else line)
    return lines


@dataclass(frozen=True)
class Sheet:
    """What an employer contact gives the hours from."""

    internship: Internship
    client_name: str
    days: tuple[date, ...]
    away: dict[date, Absence]
    latest: HoursSubmission | None
    # The caseworker's name when they locked the hours; None while they can change.
    locked_by: str | None

    @property
    def scheduled(self) -> int:
        """The scheduled minutes of one workday, without the break."""
        return self.internship.schedule.worked_minutes

    @property
    def max_total(self) -> int:
        return len(self.days) * MAX_MINUTES_PER_DAY

    def expected_total(self) -> int:
        """The scheduled minutes of the internship without its reported absence days."""
        return self.scheduled * sum(1 for d in self.days if self.away.get(d) not in AWAY_ALL_DAY)

    def prefill(self, day: date, entered: Mapping[date, int] | None = None) -> int:
        """What a day's one-tap answer offers: what was entered (now, else in the last
        version), else the scheduled minutes (0 on a day the trainee was away)."""
        if entered and day in entered:
            return entered[day]
        last = self.latest.per_day if self.latest else None
        if last is not None and day in last:
            return last[day]
        return 0 if self.away.get(day) in AWAY_ALL_DAY else self.scheduled


@dataclass
class Draft:
    """The hours being entered, not submitted yet: per workday (`days`, the minutes of
    the days entered so far, and `index`, the day being asked) or as one `total`.

    The bot keeps it in the person's scratch data under `KEY`, so a flow can be left
    and continued where it stopped.
    """

    KEY: ClassVar[str] = "hours"

    internship_id: int
    # ISO day -> minutes; None when the hours are given as one total.
    days: dict[str, int] | None = None
    index: int = 0
    total: int | None = None

    @classmethod
    def load(cls, scratch: Mapping[Any, Any]) -> Draft | None:
        raw = scratch.get(cls.KEY)
        if not isinstance(raw, dict) or not isinstance(raw.get("internship_id"), int):
            return None
        # Drafts stored before the states had names also kept "mode" and "editing":
        # the days (or their absence) say the same.
        days = raw.get("days")
        total = raw.get("total")
        return cls(
            internship_id=raw["internship_id"],
            days=dict(days) if isinstance(days, dict) else None,
            index=int(raw.get("index") or 0),
            total=total if isinstance(total, int) else None,
        )

    def save(self, scratch: dict[Any, Any]) -> None:
        scratch[self.KEY] = {
            "internship_id": self.internship_id,
            "days": self.days,
            "index": self.index,
            "total": self.total,
        }

    @property
    def per_day(self) -> bool:
        return self.days is not None

    @property
    def has_progress(self) -> bool:
        return bool(self.days) or self.total is not None

    def entered(self) -> dict[date, int]:
        """The minutes of the days entered so far."""
        return {date.fromisoformat(d): m for d, m in (self.days or {}).items()}

    def total_minutes(self) -> int:
        return sum((self.days or {}).values()) if self.per_day else self.total or 0


async def employer_internship(services: Services, actor: Person, internship_id: int) -> Internship:
    """The internship, when it is an open one of the actor's workplace (an employer contact)."""
    require_role(actor, [Role.EMPLOYER])
    internship = require_internship(actor, await internships.get(services.db, internship_id))
    return require_open(internship)


async def sheet(services: Services, actor: Person, internship_id: int) -> Sheet:
    """The hours sheet of one of the actor's trainees (an open internship of their workplace)."""
    db = services.db
    internship = await employer_internship(services, actor, internship_id)
    days = tuple(internship_days(internship))
    client = await people.get(db, internship.client_id)
    locked_by = None
    if await store.lock_of(db, internship.id) is not None:
        caseworker = await people.get(db, internship.caseworker_id)
        locked_by = caseworker.name if caseworker else "?"
    return Sheet(
        internship=internship,
        client_name=client.name if client else "?",
        days=days,
        away=await store.absences_by_day(db, internship.id, days[-1]),
        latest=await store.latest(db, internship.id),
        locked_by=locked_by,
    )


@dataclass(frozen=True)
class Submitted:
    """A new version of the hours, the one it corrects, and whether the caseworker heard."""

    submission: HoursSubmission
    previous: HoursSubmission | None
    caseworker_told: bool


def _checked_minutes(
    days: tuple[date, ...], total_minutes: int | None, per_day: Mapping[date, int] | None
) -> tuple[int, dict[date, int] | None]:
    """The total and the days of a submission, when they fit the internship."""
    if (total_minutes is None) == (per_day is None):
        raise InvalidValue("give either the total or the minutes of every workday")
    if per_day is None:
        assert total_minutes is not None
        if not 0 <= total_minutes <= len(days) * MAX_MINUTES_PER_DAY:
            raise InvalidValue("more than the internship can hold")
        return total_minutes, None
    if any(day not in days for day in per_day):
        raise OutsideInternship
    if len(per_day) != len(days):
        raise InvalidValue("every workday needs its minutes")
    if any(not 0 <= minutes <= MAX_MINUTES_PER_DAY for minutes in per_day.values()):
        raise InvalidValue(f"from 0 to {MAX_MINUTES_PER_DAY} minutes a day")
    return sum(per_day.values()), dict(per_day)


async def submit(
    services: Services,
    actor: Person,
    internship_id: int,
    total_minutes: int | None = None,
    per_day: Mapping[date, int] | None = None,
) -> Submitted:
    """Store the hours as the next version and tell the caseworker, in one transaction.

    Either `total_minutes` or `per_day` (the minutes of every workday of the internship).
    """
    db = services.db
    async with db.transaction():
        internship = await employer_internship(services, actor, internship_id)
        if await store.lock_of(db, internship.id) is not None:
            raise AlreadyLocked
        days = tuple(internship_days(internship))
        total, days_given = _checked_minutes(days, total_minutes, per_day)
        previous = await store.latest(db, internship.id)
        now = services.clock.now()
        submission = await store.add_version(db, internship.id, actor.id, now, total, days_given)
        await audit.record(
            db,
            now,
            actor.id,
            "hours.submitted",
            "internship",
            internship.id,
            version=submission.version,
            total_minutes=submission.total_minutes,
        )
        told = await _tell_caseworker(services, internship, actor, submission, previous)
    return Submitted(submission, previous, caseworker_told=told)


async def _tell_caseworker(
    services: Services,
    internship: Internship,
    employer: Person,
    submitted: HoursSubmission,
    previous: HoursSubmission | None,
) -> bool:
    db = services.db
    client = await people.get(db, internship.client_id)
    place = await workplaces.get(db, internship.workplace_id)
    away = await store.absences_by_day(db, internship.id, internship_days(internship)[-1])
    cents_per_hour = services.settings.premium_per_hour_cents

    def text_for(t: Translator) -> str:
        text = t._(
            "⏱ Internship hours of {name} at {workplace}: <b>{total}</b>, premium {premium}.\n"
            "Given by {employer}, version {version}.",
            name=client.name if client else "?",
            workplace=place.name if place else "?",
            total=duration(t, submitted.total_minutes),
            premium=t.money(premium_cents(submitted.total_minutes, cents_per_hour)),
            employer=employer.name,
            version=submitted.version,
        )
        if previous is not None:
            text += "\n" + t._(
                "This is a correction: version {version} said {total}.",
                version=previous.version,
                total=duration(t, previous.total_minutes),
            )
        lines = day_lines(t, submitted.per_day, away)
        if lines:
            text += "\n\n" + "\n".join(lines)
        return text

    reached = await notify.about_internship(
        services,
        internship,
        text_for,
        kind=KIND,
        audience=notify.Audience.CASEWORKER,
        dedupe_key=f"hours:{internship.id}:v{submitted.version}",
    )
    return bool(reached)
