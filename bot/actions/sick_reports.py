"""What a client can do about being sick: report it, prolong it, say they are better, and
attach the medical certificate. The bot's sick flows call these; so can anything else.

Each action checks that the person is a client and the report is theirs (and still
fits), writes the store, plans or cancels the reminders and queues what the workplace
and the caseworker hear (`bot.notices.sick_reports`), in one transaction, and returns
what happened, with who was told (`Told`) for the client's receipt.

- A report is "late" when it came in after the client's workday start on the first
  sick workday (`TIMEZONE` time); the caseworker sees the flag.
- No internship, or sick days outside it: the caseworker still hears (the client's
  last known caseworker when there is no internship), the workplace does not.
- Reminders: no certificate by the morning after the first sick day → the client; none
  after two workdays → the caseworker. The morning after the expected end (three days
  in, when the end is not known) a report without news asks the client; five hours
  later the caseworker hears.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.actions.refusals import InvalidValue, NotAllowed, NotFound, StaleState, require_role
from bot.clock import local_moment
from bot.notices import sick_reports as notices
from bot.notify import Told
from bot.reminders import Reminders
from bot.services import Services
from bot.store import audit, internships
from bot.store import sick_reports as store
from bot.store.internships import DEFAULT_SCHEDULE
from bot.store.models import Internship, Person, Role
from bot.store.sick_reports import CertificateMethod, Doctor, SickReport
from bot.workdays import internship_days, workdays_from

# How far back and ahead a sick day can be.
PAST_DAYS = 14
FUTURE_DAYS = 60
LONGEST_SICKNESS = timedelta(days=365)
# The caseworker hears about a missing certificate this many workdays after the first day.
CASEWORKER_AFTER_WORKDAYS = 2
# Without an expected end, the client is asked this long after the first day.
UNKNOWN_END_CHECK = timedelta(days=3)
# The caseworker hears about a report without news this long after the client was asked.
CASEWORKER_AFTER = timedelta(hours=5)


@dataclass(frozen=True)
class Reported:
    report: SickReport
    internship: Internship | None
    told: Told


@dataclass(frozen=True)
class Prolonged:
    report: SickReport
    told: Told


@dataclass(frozen=True)
class Recovered:
    report: SickReport
    told: Told
    # A workday was missed and no certificate is in yet: ask for it.
    certificate_wanted: bool


@dataclass(frozen=True)
class Attached:
    report: SickReport
    told: Told
    # The same file was attached before: nothing was stored or sent again.
    duplicate: bool


@dataclass(frozen=True)
class Window:
    """The days an answer may be, both included."""

    earliest: date
    latest: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.earliest <= day <= self.latest


def first_day_window(now: date) -> Window:
    """The first sick day of a new report."""
    return Window(now - timedelta(days=PAST_DAYS), now + timedelta(days=FUTURE_DAYS))


def last_day_window(first_day: date, now: date, prolonging: bool) -> Window:
    """The expected last sick day: from the first day (from today when prolonging)."""
    earliest = max(first_day, now) if prolonging else first_day
    return Window(earliest, first_day + LONGEST_SICKNESS)


def back_window(first_day: date, now: date) -> Window:
    """The day back at work (not before the first sick day)."""
    return Window(
        max(first_day, now - timedelta(days=PAST_DAYS)), now + timedelta(days=FUTURE_DAYS)
    )


def prolong_base(report: SickReport, now: date) -> date:
    """The day extra sick days count from: the expected end, not before yesterday."""
    yesterday = now - timedelta(days=1)
    return max(report.expected_last_day or yesterday, yesterday)


async def last_sick_day(
    services: Services, client: Person, start: date, workdays: int | None, after: bool = False
) -> date:
    """The last of `workdays` sick workdays from `start` (after it, when prolonging).

    Counted on the client's schedule with public holidays left out, as a person means
    "two days": sick on Friday for two days is Friday and Monday. `None` is a week:
    as many workdays as the schedule has in one. Without an internship, Monday to
    Friday.
    """
    internship = await internships.current_for_client(services.db, client.id)
    schedule = internship.schedule if internship else DEFAULT_SCHEDULE
    count = len(schedule.days) if workdays is None else workdays
    first = start + timedelta(days=1) if after else start
    return workdays_from(first, schedule, count)[-1]


def is_late(
    reported_at: datetime, first_day: date, internship: Internship | None, services: Services
) -> bool:
    """Reported after the workday start on the first sick workday (local time)? Only a day
    of the internship can be missed late: sickness before it starts is never late."""
    if internship is None:
        return False
    schedule = internship.schedule
    first_workday = workdays_from(first_day, schedule, 1)[0]
    if first_workday not in internship_days(internship):
        return False
    return reported_at > local_moment(first_workday, schedule.start, services.settings.timezone)


# Reading


async def open_report(services: Services, client: Person) -> SickReport | None:
    """The client's open report (the newest, should there be more)."""
    reports = await store.open_for_client(services.db, client.id)
    return reports[0] if reports else None


async def own_report(services: Services, actor: Person, report_id: int) -> SickReport:
    """The actor's own report; `NotAllowed` for anyone else's, `NotFound` when there is none."""
    require_role(actor, [Role.CLIENT])
    report = await store.get(services.db, report_id)
    if report is None:
        raise NotFound
    if report.client_id != actor.id:
        raise NotAllowed
    return report


# The actions


async def report(
    services: Services,
    client: Person,
    first_day: date,
    expected_last_day: date | None,
    doctor: Doctor,
) -> Reported:
    """A new sick report: stored with its reference, both told, reminders planned."""
    db = services.db
    now = services.clock.now()
    async with db.transaction():
        require_role(client, [Role.CLIENT])
        if first_day not in first_day_window(services.today()):
            raise InvalidValue("first_day")
        if expected_last_day is not None and expected_last_day not in last_day_window(
            first_day, services.today(), prolonging=False
        ):
            raise InvalidValue("expected_last_day")
        if await open_report(services, client) is not None:
            # One open report at a time: the client changes that one.
            raise StaleState
        internship = await internships.current_for_client(db, client.id)
        late = is_late(now, first_day, internship, services)
        created = await store.create(
            db,
            client.id,
            internship.id if internship else None,
            first_day,
            expected_last_day,
            doctor,
            late,
            now,
        )
        told = await notices.tell_new_report(services, created, client, internship)
        await plan_certificate_reminders(services, created, internship)
        await plan_end_check(services, created)
        await audit.record(
            db,
            now,
            client.id,
            "sick_report.created",
            "sick_report",
            created.id,
            internship_id=created.internship_id,
            first_day=first_day,
            late=late,
        )
    return Reported(created, internship, told)


async def prolong(
    services: Services, client: Person, report_id: int, expected_last_day: date | None
) -> Prolonged:
    """Sick longer: a new expected end (None: not known), both told, the end check moved."""
    db = services.db
    now = services.clock.now()
    async with db.transaction():
        current = await own_report(services, client, report_id)
        if not current.is_open:
            raise StaleState
        window = last_day_window(current.first_day, services.today(), prolonging=True)
        if expected_last_day is not None and expected_last_day not in window:
            raise InvalidValue("expected_last_day")
        if not await store.set_expected_last_day(db, current.id, expected_last_day, now):
            raise StaleState
        changed = await store.get(db, current.id)
        assert changed is not None
        told = await notices.tell_prolonged(services, changed, client)
        await plan_end_check(services, changed)
        await audit.record(
            db,
            now,
            client.id,
            "sick_report.prolonged",
            "sick_report",
            changed.id,
            expected_last_day=expected_last_day,
        )
    return Prolonged(changed, told)


async def recover(services: Services, client: Person, report_id: int, back_on: date) -> Recovered:
    """I am better: back at work on `back_on`; the report is closed, both told."""
    db = services.db
    now = services.clock.now()
    async with db.transaction():
        current = await own_report(services, client, report_id)
        if not current.is_open:
            raise StaleState
        if back_on not in back_window(current.first_day, services.today()):
            raise InvalidValue("back_on")
        if not await store.close(db, current.id, back_on, now):
            raise StaleState
        closed = await store.get(db, current.id)
        assert closed is not None
        told = await notices.tell_recovered(services, closed, client)
        await services.reminders.cancel(services, notices.END_KINDS, closed.id)
        await audit.record(
            db,
            now,
            client.id,
            "sick_report.closed",
            "sick_report",
            closed.id,
            recovered_on=back_on,
        )
        wanted = back_on > closed.first_day and not await store.has_certificate(db, closed.id)
    return Recovered(closed, told, certificate_wanted=wanted)


async def attach_certificate(
    services: Services,
    client: Person,
    report_id: int,
    file_id: str,
    file_unique_id: str,
    method: CertificateMethod,
) -> Attached:
    """The medical certificate (a photo, or a checked image or PDF): stored, sent on to the
    workplace contact(s) and the caseworker, the certificate reminders cancelled.

    Also after the report is closed, but not for one closed on its first day: nobody
    missed a day, so nothing needs a certificate.
    """
    db = services.db
    now = services.clock.now()
    async with db.transaction():
        current = await own_report(services, client, report_id)
        if current.recovered_on is not None and current.recovered_on <= current.first_day:
            raise StaleState
        certificate_id = await store.add_certificate(
            db, current.id, file_id, file_unique_id, method, now
        )
        if not certificate_id:
            return Attached(current, Told(False, False), duplicate=True)
        told = await notices.forward_certificate(
            services, current, client, certificate_id, file_id, method
        )
        await services.reminders.cancel(services, notices.CERTIFICATE_KINDS, current.id)
        await audit.record(
            db,
            now,
            client.id,
            "sick_report.certificate",
            "sick_report",
            current.id,
            method=method.value,
        )
    return Attached(current, told, duplicate=False)


# Reminders


def local_day(moment: datetime, services: Services) -> date:
    return moment.astimezone(services.settings.timezone).date()


async def plan_certificate_reminders(
    services: Services, report: SickReport, internship: Internship | None
) -> None:
    """Client: the morning after the first sick day; caseworker: two workdays later."""
    tz = services.settings.timezone
    at = services.settings.reminder_times.certificate_morning
    base = max(local_day(report.reported_at, services), report.first_day)
    client_due = local_moment(base + timedelta(days=1), at, tz)
    await services.reminders.plan(
        services,
        notices.CERTIFICATE_CLIENT,
        report.id,
        client_due,
        client_due + timedelta(hours=12),
    )
    schedule = internship.schedule if internship is not None else DEFAULT_SCHEDULE
    later = workdays_from(base + timedelta(days=1), schedule, CASEWORKER_AFTER_WORKDAYS)
    caseworker_due = local_moment(later[-1], at, tz)
    await services.reminders.plan(
        services,
        notices.CERTIFICATE_CASEWORKER,
        report.id,
        caseworker_due,
        caseworker_due + timedelta(days=3),
    )


async def plan_end_check(services: Services, report: SickReport) -> None:
    """Ask the client the morning after the expected end (or a few days in, when unknown)."""
    await services.reminders.cancel(services, notices.END_KINDS, report.id)
    if not report.is_open:
        return
    tz = services.settings.timezone
    if report.expected_last_day is not None:
        check_day = report.expected_last_day + timedelta(days=1)
    else:
        check_day = max(report.first_day, services.today()) + UNKNOWN_END_CHECK
    due = local_moment(check_day, services.settings.reminder_times.certificate_morning, tz)
    await services.reminders.plan(
        services, notices.END_CLIENT, report.id, due, due + timedelta(days=1)
    )
    later = due + CASEWORKER_AFTER
    await services.reminders.plan(
        services, notices.END_CASEWORKER, report.id, later, later + timedelta(days=3)
    )


def register_reminders(reminders: Reminders) -> None:
    """The sick reports' reminder kinds (from `bot.handlers.register_reminders`)."""
    reminders.register(notices.CERTIFICATE_CLIENT, notices.remind_certificate_client)
    reminders.register(notices.CERTIFICATE_CASEWORKER, notices.remind_certificate_caseworker)
    reminders.register(notices.END_CLIENT, notices.ask_client_after_end)
    reminders.register(notices.END_CASEWORKER, notices.tell_caseworker_no_news)
