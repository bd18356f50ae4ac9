"""Absences: a client is late, asks for time off for an appointment (the workplace
decides, a proof follows), or had an accident at work; an employer reports a trainee
who did not come.

Each action checks who acts and on what (`bot.actions.refusals`), stores the absence,
plans its reminders and queues the notifications to the other people concerned
(`bot.notices.absences`), in one transaction, and says who was told. A request the
workplace leaves unanswered goes to the caseworker after a workday
(`UNANSWERED`); the workday after an approved appointment, 08:00, the client is asked
for a proof (`PROOF_DUE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import notify, workdays
from bot.actions.refusals import (
    InvalidValue,
    NotAllowed,
    NotFound,
    OutsideInternship,
    StaleState,
    require_internship,
    require_open,
    require_role,
)
from bot.clock import local_moment
from bot.notices import absences as notices
from bot.reminders import Reminders
from bot.services import Services
from bot.store import absences, audit, internships, people, sick_reports
from bot.store.absences import Absence, AbsenceKind, AbsenceStatus, Category, NewAbsence
from bot.store.models import Internship, Person, Role
from bot.store.sick_reports import SickReport

# Reminder kinds (subject: the absence id).
UNANSWERED = "appointment_unanswered"
PROOF_DUE = "appointment_proof"
# "The next workday morning": when the proof reminder goes out, local time.
PROOF_REMINDER_TIME = time(8, 0)
# A reminder not sent within this long (the bot was down) is not sent any more.
REMINDER_EXPIRES_AFTER = timedelta(days=3)
# An appointment may be asked for this far ahead at most.
MAX_DAYS_AHEAD = 180
# An approved appointment up to this many days ago still takes a proof.
PROOF_WINDOW_DAYS = 30
# An accident reported later than this is still reported, but not through the bot.
MAX_ACCIDENT_DAYS_AGO = 60
MAX_MINUTES_LATE = 8 * 60
MAX_REMARK = 200
MAX_REASON = 300
MAX_DESCRIPTION = 500

DECIDERS = (Role.EMPLOYER, Role.CASEWORKER, Role.ADMIN)


@dataclass(frozen=True)
class Reported:
    """An absence stored, and who heard about it."""

    absence: Absence
    told: notify.Told


@dataclass(frozen=True)
class Decided:
    """A request approved or declined (`absence.status`), for the decider's answer."""

    absence: Absence
    client_name: str


@dataclass(frozen=True)
class Standing:
    """Where a request stands, for saying why a step no longer fits."""

    status: AbsenceStatus
    decided_by: str | None
    has_proof: bool


@dataclass(frozen=True)
class NoShow:
    """An absence without notice reported (or reported already today: `already`)."""

    absence: Absence
    client_name: str
    already: bool


@dataclass(frozen=True)
class Today:
    """What the client reported themselves about today, before an employer reports a
    no-show: being late or an appointment (not declined), a sick report covering today."""

    client_name: str
    absences: list[Absence]
    sick_reports: list[SickReport]


def register_reminders(reminders: Reminders) -> None:
    reminders.register(UNANSWERED, notices.remind_unanswered)
    reminders.register(PROOF_DUE, notices.remind_proof)


# Late


async def report_late(
    services: Services, client: Person, internship_id: int, minutes: int
) -> Reported:
    """The client will be `minutes` late today: the workplace and the caseworker hear it
    at once."""
    require_role(client, [Role.CLIENT])
    if not 0 < minutes <= MAX_MINUTES_LATE:
        raise InvalidValue("minutes")
    async with services.db.transaction():
        internship = await own_open_internship(services, client, internship_id)
        absence = await store(
            services,
            NewAbsence(
                internship_id=internship.id,
                client_id=client.id,
                kind=AbsenceKind.LATE,
                day=services.now_local().date(),
                reported_by=client.id,
                minutes_late=minutes,
            ),
            "absence.late",
        )
        reached = await notices.late(services, internship, client, minutes)
        told = await notify.told_about(services, internship, reached)
    return Reported(absence, told)


# An appointment: the request


async def request_appointment(
    services: Services,
    client: Person,
    internship_id: int,
    category: Category,
    day: date,
    start: time,
    end: time,
    remark: str | None = None,
    voice_file_id: str | None = None,
) -> Reported:
    """Ask the workplace for time off on `day` from `start` to `end`.

    The workplace contact(s) get it with ✅ / ❌, the caseworker for information; when
    nobody at the workplace can answer in the bot, the caseworker decides at once.
    Otherwise, unanswered by the same time on the client's next workday, it goes to the
    caseworker (`UNANSWERED`).
    """
    require_role(client, [Role.CLIENT])
    today = services.now_local().date()
    if not today <= day <= today + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidValue("day")
    if not start < end:
        raise InvalidValue("time")
    if remark is not None and len(remark) > MAX_REMARK:
        raise InvalidValue("remark")
    async with services.db.transaction():
        internship = await own_open_internship(services, client, internship_id)
        absence = await store(
            services,
            NewAbsence(
                internship_id=internship.id,
                client_id=client.id,
                kind=AbsenceKind.APPOINTMENT,
                day=day,
                reported_by=client.id,
                status=AbsenceStatus.PENDING,
                start_time=start,
                end_time=end,
                category=category,
                remark=remark or None,
                remark_voice_file_id=voice_file_id,
            ),
            "absence.requested",
        )
        reached = await notices.request_to_workplace(services, absence, internship, client)
        workplace_decides = bool(reached)
        if workplace_decides:
            due = escalation_due(services, internship)
            await services.reminders.plan(
                services, UNANSWERED, absence.id, due, due + REMINDER_EXPIRES_AFTER
            )
        reached += await notices.request_to_caseworker(
            services, absence, internship, client, workplace_decides
        )
        await notices.voice_remark(services, absence, client, reached)
        told = await notify.told_about(services, internship, reached)
    return Reported(absence, told)


def escalation_due(services: Services, internship: Internship) -> datetime:
    """The same time on the client's next workday."""
    now = services.now_local()
    day = workdays.next_workday(now.date(), internship.schedule)
    return local_moment(
        day, now.time().replace(second=0, microsecond=0), services.settings.timezone
    )


# An appointment: the decision


async def pending_request(services: Services, actor: Person, absence_id: int) -> Absence:
    """The request, when it waits for a decision that `actor` may take (a contact of its
    workplace, its caseworker, an admin); else a refusal. Changes nothing."""
    absence, _ = await _request_to_decide(services, actor, absence_id)
    return absence


async def approve(services: Services, actor: Person, absence_id: int) -> Decided:
    """Say yes: the client and the other side hear it; the proof reminder is planned."""
    return await _decide(services, actor, absence_id, AbsenceStatus.APPROVED, None)


async def decline(
    services: Services, actor: Person, absence_id: int, reason: str | None = None
) -> Decided:
    """Say no (with an optional reason): the client and the other side hear it."""
    return await _decide(services, actor, absence_id, AbsenceStatus.DECLINED, reason or None)


async def _decide(
    services: Services,
    actor: Person,
    absence_id: int,
    status: AbsenceStatus,
    reason: str | None,
) -> Decided:
    async with services.db.transaction():
        absence, internship = await _request_to_decide(services, actor, absence_id)
        if reason is not None and len(reason) > MAX_REASON:
            raise InvalidValue("reason")
        now = services.clock.now()
        if not await absences.decide(services.db, absence.id, status, actor.id, now, reason):
            # Someone else decided in the meantime.
            raise StaleState
        decided = await absences.get(services.db, absence.id)
        assert decided is not None
        await services.reminders.cancel(services, [UNANSWERED], absence.id)
        if status == AbsenceStatus.APPROVED:
            due = local_moment(
                workdays.next_workday(absence.day, internship.schedule),
                PROOF_REMINDER_TIME,
                services.settings.timezone,
            )
            await services.reminders.plan(
                services, PROOF_DUE, absence.id, due, due + REMINDER_EXPIRES_AFTER
            )
        await audit.record(
            services.db, now, actor.id, f"absence.{status.value}", "absence", absence.id
        )
        client = await people.get(services.db, absence.client_id)
        if client is not None:
            await notices.decision(services, decided, internship, client, actor, reason)
    return Decided(decided, client.name if client else "?")


async def _request_to_decide(
    services: Services, actor: Person, absence_id: int
) -> tuple[Absence, Internship]:
    require_role(actor, DECIDERS)
    absence = await absences.get(services.db, absence_id)
    if absence is None or absence.kind != AbsenceKind.APPOINTMENT:
        raise NotFound
    internship = (
        await internships.get(services.db, absence.internship_id)
        if absence.internship_id is not None
        else None
    )
    require_open(require_internship(actor, internship))
    if absence.status != AbsenceStatus.PENDING:
        raise StaleState
    assert internship is not None
    return absence, internship


async def standing(services: Services, absence_id: int) -> Standing | None:
    """Where the request stands now: decided by whom, whether its proof came."""
    absence = await absences.get(services.db, absence_id)
    if absence is None:
        return None
    decider = await people.get(services.db, absence.decided_by) if absence.decided_by else None
    return Standing(
        status=absence.status,
        decided_by=decider.name if decider else None,
        has_proof=absence.proof_file_id is not None,
    )


# An appointment: the proof


async def proof_wanted(services: Services, client: Person) -> int | None:
    """The id of the client's approved appointment waiting for a proof (the latest one
    that has already begun, up to `PROOF_WINDOW_DAYS` ago), or None."""
    require_role(client, [Role.CLIENT])
    today = services.now_local().date()
    waiting = await absences.awaiting_proof(
        services.db, client.id, today - timedelta(days=PROOF_WINDOW_DAYS), today
    )
    return waiting[0].id if waiting else None


async def proof_awaited(services: Services, client: Person, absence_id: int) -> Absence:
    """The client's own approved appointment that still waits for its proof; else a
    refusal (`StaleState` once the proof came or when it was not approved). Changes
    nothing."""
    require_role(client, [Role.CLIENT])
    absence = await absences.get(services.db, absence_id)
    if absence is None or absence.kind != AbsenceKind.APPOINTMENT:
        raise NotFound
    if absence.client_id != client.id:
        raise NotAllowed
    if absence.status != AbsenceStatus.APPROVED or absence.proof_file_id is not None:
        raise StaleState
    return absence


async def attach_proof(
    services: Services, client: Person, absence_id: int, file_id: str, method: str
) -> notify.Told:
    """Keep the proof (a photo or a PDF, by its Telegram file id and the Bot API method
    that sends it) of the client's approved appointment and send it on to the workplace
    contact(s) and the caseworker."""
    async with services.db.transaction():
        absence = await proof_awaited(services, client, absence_id)
        if method not in ("sendPhoto", "sendDocument"):
            raise InvalidValue("method")
        now = services.clock.now()
        if not await absences.set_proof(services.db, absence.id, file_id, method, now):
            raise StaleState
        await services.reminders.cancel(services, [PROOF_DUE], absence.id)
        await audit.record(services.db, now, client.id, "absence.proof", "absence", absence.id)
        internship = (
            await internships.get(services.db, absence.internship_id)
            if absence.internship_id
            else None
        )
        reached = await notices.proof(services, absence, internship, client, file_id, method)
    return notify.Told.of(reached)


# An accident at work


async def report_accident(
    services: Services,
    client: Person,
    internship_id: int,
    day: date,
    at: time,
    description: str | None = None,
    voice_file_id: str | None = None,
) -> Reported:
    """An accident on `day` at `at`, in a few words or a voice message: urgent, to the
    workplace and the caseworker at once."""
    require_role(client, [Role.CLIENT])
    local = services.now_local()
    if not local.date() - timedelta(days=MAX_ACCIDENT_DAYS_AGO) <= day <= local.date():
        raise InvalidValue("day")
    if day == local.date() and at > local.time():
        raise InvalidValue("time")
    if not description and not voice_file_id:
        raise InvalidValue("description")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidValue("description")
    async with services.db.transaction():
        internship = await own_open_internship(services, client, internship_id)
        absence = await store(
            services,
            NewAbsence(
                internship_id=internship.id,
                client_id=client.id,
                kind=AbsenceKind.ACCIDENT,
                day=day,
                reported_by=client.id,
                remark=description or None,
                remark_voice_file_id=voice_file_id,
                accident_time=at,
            ),
            "absence.accident",
        )
        reached = await notices.accident(
            services, internship, client, day, at, description or None, voice_file_id
        )
        told = await notify.told_about(services, internship, reached)
    return Reported(absence, told)


# A trainee who did not come


async def reported_today(services: Services, employer: Person, internship_id: int) -> Today:
    """What the trainee reported for today themselves, for the employer to see first."""
    internship = await _started_internship(services, employer, internship_id)
    client = await people.get(services.db, internship.client_id)
    today = services.now_local().date()
    own = [
        absence
        for absence in await absences.on_day(services.db, internship.id, today)
        if absence.kind in (AbsenceKind.LATE, AbsenceKind.APPOINTMENT)
        and absence.status != AbsenceStatus.DECLINED
    ]
    sick = [
        report
        for report in await sick_reports.open_for_client(services.db, internship.client_id)
        if report.first_day <= today <= (report.expected_last_day or today)
    ]
    return Today(client.name if client else "?", own, sick)


async def report_no_show(services: Services, employer: Person, internship_id: int) -> NoShow:
    """The trainee did not come today and did not warn: the caseworker hears it, and the
    client is asked to call the workplace. Once a day: a second report changes nothing."""
    async with services.db.transaction():
        internship = await _started_internship(services, employer, internship_id)
        client = await people.get(services.db, internship.client_id)
        if client is None:
            raise NotFound
        today = services.now_local().date()
        for earlier in await absences.on_day(services.db, internship.id, today):
            if earlier.kind == AbsenceKind.NO_SHOW:
                return NoShow(earlier, client.name, already=True)
        absence = await store(
            services,
            NewAbsence(
                internship_id=internship.id,
                client_id=client.id,
                kind=AbsenceKind.NO_SHOW,
                day=today,
                reported_by=employer.id,
            ),
            "absence.no_show",
        )
        await notices.no_show(services, internship, client, employer, today)
    return NoShow(absence, client.name, already=False)


async def _started_internship(
    services: Services, employer: Person, internship_id: int
) -> Internship:
    """An open internship of the employer contact's own workplace that has begun."""
    require_role(employer, [Role.EMPLOYER])
    internship = await internships.get(services.db, internship_id)
    require_open(require_internship(employer, internship))
    assert internship is not None
    if internship.start_date > services.now_local().date():
        raise OutsideInternship
    return internship


# Whose internship, and keeping it


async def own_open_internship(services: Services, client: Person, internship_id: int) -> Internship:
    """The client's own internship, while it is open."""
    internship = await internships.get(services.db, internship_id)
    return require_open(require_internship(client, internship))


async def store(services: Services, new: NewAbsence, action: str) -> Absence:
    """Keep the absence, and who reported it in the audit log (`action`)."""
    now = services.clock.now()
    absence = await absences.add(services.db, new, now)
    await audit.record(services.db, now, new.reported_by, action, "absence", absence.id)
    return absence
