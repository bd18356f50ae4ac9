"""What the workplace and the caseworker hear about a sick report, and the end check.

- `tell_new_report`, `tell_prolonged`, `tell_recovered`: the messages of the
  sick-report flow (`conversations.sick_report`) to the workplace contact(s) and
  the caseworker, each in their own language; who hears what is decided by
  `conversations.certificate.tell`. The caseworker sees the "late" flag and the
  internship workdays missed; nobody sees a diagnosis (the bot never asks one).
- The end check (`plan_end_check`): the morning after the expected end (or a few
  days in, when the end is not known) a report without news asks the client
  "are you better?" (`sick_end_client`); hours later the caseworker is told
  (`sick_end_caseworker`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import notify
from bot.clock import local_moment
from bot.i18n import N_, Translator
from bot.notify import Told
from bot.services import Services
from bot.store import internships, people
from bot.store import reminders as reminder_store
from bot.store import sick_reports as store
from bot.store.models import Internship, Person
from bot.store.sick_reports import Doctor, SickReport
from conversations import certificate
from conversations.certificate import day_text, local_day

# Without an expected end, the client is asked this long after the first day.
UNKNOWN_END_CHECK = timedelta(days=3)
# The caseworker hears about a report without news this long after the client was asked.
CASEWORKER_AFTER = timedelta(hours=5)

END_CLIENT_REMINDER = "sick_end_client"
END_CASEWORKER_REMINDER = "sick_end_caseworker"
END_KINDS = [END_CLIENT_REMINDER, END_CASEWORKER_REMINDER]

DOCTOR_FOR_STAFF = {
    Doctor.SEEN: N_("Doctor: seen"),
    Doctor.WILL_SEE: N_("Doctor: will see one"),
    Doctor.NO: N_("Doctor: no (not yet)"),
}
I_AM_BETTER = N_("✅ I am better")


def button(t: Translator, label: str, data: str) -> InlineKeyboardButton:
    """A button whose label is translated for the recipient."""
    return InlineKeyboardButton(t.plain(label), callback_data=data)


# Notifications


def reported_line(t: Translator, report: SickReport, internship: Internship, staff: bool) -> str:
    start = t.time(internship.schedule.start)
    when = t._(
        "Reported on {day} at {time}.",
        day=day_text(t, local_in(t, report.reported_at)),
        time=t.time(report.reported_at),
    )
    if not report.late:
        return when + " " + t._("Before the start of the workday ({start}).", start=start)
    if staff:
        return (
            when
            + " "
            + t._("⚠️ <b>LATE</b>: after the start of the workday ({start}).", start=start)
        )
    return when + " " + t._("After the start of the workday ({start}).", start=start)


def local_in(t: Translator, moment: datetime) -> date:
    return moment.astimezone(t.tz).date()


def period_lines(t: Translator, report: SickReport) -> list[str]:
    lines = [t._("From: {day}", day=day_text(t, report.first_day))]
    if report.expected_last_day is None:
        lines.append(t._("Until: not known yet"))
    else:
        lines.append(t._("Until: {day} (expected)", day=day_text(t, report.expected_last_day)))
    return lines


async def tell_new_report(
    services: Services, report: SickReport, client: Person, internship: Internship | None
) -> Told:
    def for_employer(t: Translator) -> str:
        assert internship is not None
        return "\n".join(
            [
                t._("🤒 <b>Sick report {reference}</b>", reference=report.reference),
                t._("{client} is sick and will not come to work.", client=client.name),
                *period_lines(t, report),
                reported_line(t, report, internship, staff=False),
                t._("The medical certificate will follow through this bot."),
            ]
        )

    def for_caseworker(t: Translator) -> str:
        lines = [
            t._("🤒 <b>Sick report {reference}</b>", reference=report.reference),
            t._("{client} is sick.", client=client.name),
            *period_lines(t, report),
            t.plain(DOCTOR_FOR_STAFF[report.doctor]),
        ]
        if internship is None:
            lines.append(t._("⚠️ {client} has no open internship.", client=client.name))
        else:
            lines.append(reported_line(t, report, internship, staff=True))
            if not certificate.during_internship(report, internship):
                lines.append(t._("Not during the internship: the workplace was not told."))
        return "\n".join(lines)

    extend_by = None
    if internship is not None and report.expected_last_day is not None:
        extend_by = certificate.missed_workdays(
            internship, report.first_day, report.expected_last_day
        )
    return await certificate.tell(
        services,
        report,
        client,
        for_employer,
        for_caseworker,
        kind="sick",
        extend_by=extend_by or None,
        dedupe_key=f"sick:{report.id}",
    )


async def tell_prolonged(services: Services, report: SickReport, client: Person) -> Told:
    def text(t: Translator) -> str:
        return "\n".join(
            [
                t._(
                    "📅 <b>Sick report {reference}</b>: {client} is sick longer.",
                    reference=report.reference,
                    client=client.name,
                ),
                *period_lines(t, report),
            ]
        )

    extend_by = None
    internship = (
        await internships.get(services.db, report.internship_id) if report.internship_id else None
    )
    if internship is not None and report.expected_last_day is not None:
        extend_by = certificate.missed_workdays(
            internship, report.first_day, report.expected_last_day
        )
    return await certificate.tell(
        services, report, client, text, text, kind="sick", extend_by=extend_by or None
    )


async def tell_recovered(services: Services, report: SickReport, client: Person) -> Told:
    assert report.recovered_on is not None
    back_on = report.recovered_on
    internship = (
        await internships.get(services.db, report.internship_id) if report.internship_id else None
    )
    missed = 0
    if internship is not None:
        missed = certificate.missed_workdays(
            internship, report.first_day, back_on - timedelta(days=1)
        )

    def for_employer(t: Translator) -> str:
        return "\n".join(
            [
                t._(
                    "✅ <b>Sick report {reference}</b>: {client} is better.",
                    reference=report.reference,
                    client=client.name,
                ),
                t._("Back at work on {day}.", day=day_text(t, back_on)),
            ]
        )

    def for_caseworker(t: Translator) -> str:
        lines = [for_employer(t)]
        if internship is not None:
            lines.append(t._("Internship workdays missed: {count}", count=t.number(missed)))
        return "\n".join(lines)

    return await certificate.tell(
        services,
        report,
        client,
        for_employer,
        for_caseworker,
        kind="sick",
        extend_by=missed or None,
        dedupe_key=f"sick:{report.id}:closed",
    )


# End check: a report past its expected end without news


async def plan_end_check(services: Services, report: SickReport) -> None:
    """Ask the client the morning after the expected end (or a few days in, when unknown)."""
    await services.reminders.cancel(services, END_KINDS, report.id)
    if not report.is_open:
        return
    tz = services.settings.timezone
    now = local_day(services.clock.now(), services)
    if report.expected_last_day is not None:
        check_day = report.expected_last_day + timedelta(days=1)
    else:
        check_day = max(report.first_day, now) + UNKNOWN_END_CHECK
    due = local_moment(check_day, services.settings.reminder_times.certificate_morning, tz)
    await services.reminders.plan(
        services, END_CLIENT_REMINDER, report.id, due, due + timedelta(days=1)
    )
    later = due + CASEWORKER_AFTER
    await services.reminders.plan(
        services, END_CASEWORKER_REMINDER, report.id, later, later + timedelta(days=3)
    )


async def _open_report(
    services: Services, reminder: reminder_store.Reminder
) -> tuple[SickReport, Person] | str:
    report = await store.get(services.db, reminder.subject_id)
    if report is None:
        return "report gone"
    if not report.is_open:
        return "report closed"
    client = await people.get(services.db, report.client_id)
    if client is None:
        return "client gone"
    return report, client


async def ask_client_after_end(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """The expected end has passed: are you better?"""
    found = await _open_report(services, reminder)
    if isinstance(found, str):
        return found
    report, client = found

    def text(t: Translator) -> str:
        if report.expected_last_day is None:
            return t._(
                "You are sick since {day} (sick report {reference}). Are you better?",
                day=day_text(t, report.first_day),
                reference=report.reference,
            )
        return t._(
            "Your sick report {reference} said you would be sick until {day}. Are you better?",
            day=day_text(t, report.expected_last_day),
            reference=report.reference,
        )

    def buttons(t: Translator) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [button(t, I_AM_BETTER, f"sick:better:{report.id}")],
                [button(t, N_("🤒 I am still sick"), f"sick:longer:{report.id}")],
            ]
        )

    sent = await notify.to_person(
        services,
        client,
        text,
        kind="reminder",
        buttons=buttons,
        dedupe_key=f"sick_end_client:{reminder.id}",
    )
    return None if sent else "client not reachable"


async def tell_caseworker_no_news(
    services: Services, reminder: reminder_store.Reminder
) -> str | None:
    """Still no news after the client was asked: tell the caseworker."""
    found = await _open_report(services, reminder)
    if isinstance(found, str):
        return found
    report, client = found

    def text(t: Translator) -> str:
        if report.expected_last_day is None:
            return t._(
                "❓ <b>Sick report {reference}</b>: {client} is sick since {day}, without an "
                "expected end, and has given no news. Please contact them.",
                reference=report.reference,
                client=client.name,
                day=day_text(t, report.first_day),
            )
        return t._(
            "❓ <b>Sick report {reference}</b>: {client} was expected back at work on {day}, "
            "but has given no news. Please contact them.",
            reference=report.reference,
            client=client.name,
            day=day_text(t, report.expected_last_day + timedelta(days=1)),
        )

    told = await certificate.tell(
        services, report, client, None, text, kind="sick", dedupe_key=f"sick_end_cw:{reminder.id}"
    )
    return None if told.caseworker else "no caseworker reachable"
