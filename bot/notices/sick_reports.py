"""What the workplace and the caseworker hear about a sick report, and its reminders.

- Who hears: the workplace contact(s) of the report's internship only when the sick
  days touch the internship (and it is open), its caseworker always; without an
  internship, the client's caseworker or the last one they had (`concerned`). When
  the workplace should hear but nobody there uses the bot yet, the caseworker's text
  says so first (`bot.notify.Unreached`) and the contact gets it on linking
  (`bot.notices.catch_up`).
- `tell_new_report`, `tell_prolonged`, `tell_recovered`: each recipient in their own
  language. The caseworker sees the "late" flag and the internship workdays missed
  (with a button to extend by them); nobody sees a diagnosis (the bot never asks one).
- `forward_certificate`: the medical certificate itself, as the same photo or document
  (by Telegram file id), only to those people, through the outbox.
- The reminders (planned by `bot.actions.sick_reports`): no certificate by the
  morning after the first sick day → the client (`remind_certificate_client`); none
  after two workdays → the caseworker (`remind_certificate_caseworker`). The morning
  after the expected end (or a few days in, when it is not known) a report without
  news asks the client "are you better?" (`ask_client_after_end`); hours later the
  caseworker is told (`tell_caseworker_no_news`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import notify
from bot.buttons import SickBetter, SickLonger
from bot.i18n import N_, REFERENCE_LANGUAGE, Translator
from bot.notify import Audience, TextFor, Told
from bot.services import Services
from bot.store import internships, people
from bot.store import reminders as reminder_store
from bot.store import sick_reports as store
from bot.store.models import Internship, Person
from bot.store.sick_reports import CertificateMethod, Doctor, SickReport
from bot.workdays import internship_days

# Reminder kinds (their handlers are below; `bot.actions.sick_reports` plans them).
CERTIFICATE_CLIENT = "sick_certificate_client"
CERTIFICATE_CASEWORKER = "sick_certificate_caseworker"
CERTIFICATE_KINDS = [CERTIFICATE_CLIENT, CERTIFICATE_CASEWORKER]
END_CLIENT = "sick_end_client"
END_CASEWORKER = "sick_end_caseworker"
END_KINDS = [END_CLIENT, END_CASEWORKER]

DOCTOR_FOR_STAFF = {
    Doctor.SEEN: N_("Doctor: seen"),
    Doctor.WILL_SEE: N_("Doctor: will see one"),
    Doctor.NO: N_("Doctor: no (not yet)"),
}
I_AM_BETTER = N_("✅ I am better")
STILL_SICK = N_("🤒 I am still sick")


def day_text(t: Translator, day: date) -> str:
    """A day the way people say it: "maandag 30 november"."""
    return t.date(day, "EEEE d MMMM")


def local_in(t: Translator, moment: datetime) -> date:
    return moment.astimezone(t.tz).date()


# Who hears about a sick report


@dataclass(frozen=True)
class Concerned:
    """Who hears about a report: its internship's people, or a caseworker without one."""

    internship: Internship | None
    # The workplace hears only about sickness on days of its internship.
    workplace: bool
    # Only when there is no internship: the client's last known caseworker.
    caseworker: Person | None


def during_internship(report: SickReport, internship: Internship) -> bool:
    """Whether the reported sick days (open-ended when not known) touch the internship.

    The expected end, not the day back: a workplace told of a sickness also hears
    that it is over.
    """
    return any(report.covers(day) for day in internship_days(internship))


def missed_workdays(internship: Internship, first: date, last: date) -> int:
    """Internship workdays from `first` to `last`: the extension the caseworker may give."""
    return sum(1 for day in internship_days(internship) if first <= day <= last)


async def concerned(services: Services, report: SickReport, client: Person) -> Concerned:
    if report.internship_id is not None:
        internship = await internships.get(services.db, report.internship_id)
        if internship is not None:
            workplace = internship.is_open and during_internship(report, internship)
            return Concerned(internship, workplace, None)
    caseworkers = await people.caseworkers_of(services.db, client)
    caseworker = caseworkers[0] if caseworkers else None
    if caseworker is None:
        caseworker = await store.last_known_caseworker(services.db, client)
    return Concerned(None, False, caseworker)


async def tell(
    services: Services,
    report: SickReport,
    client: Person,
    employer_text: TextFor | None,
    caseworker_text: TextFor,
    extend_by: int | None = None,
    dedupe_key: str | None = None,
) -> Told:
    """Queue a message about a report for the workplace (when concerned) and the caseworker."""
    who = await concerned(services, report, client)
    if who.internship is None:
        if who.caseworker is None:
            return Told(False, False)
        key = f"{dedupe_key}:{who.caseworker.id}" if dedupe_key else None
        reached = await notify.to_person(
            services, who.caseworker, caseworker_text, "sick", dedupe_key=key
        )
        return Told(False, reached, call=notify.WhomToCall(caseworker=who.caseworker))
    workplace = False
    waiting = None
    if employer_text is not None and who.workplace:
        workplace = bool(
            await notify.about_internship(
                services,
                who.internship,
                employer_text,
                "sick",
                Audience.EMPLOYER,
                dedupe_key=dedupe_key,
            )
        )
        if not workplace:
            # Nobody there uses the bot yet: they get it when a contact links
            # (`bot.notices.catch_up`); until then the caseworker must know.
            waiting = await notify.unreached(services, who.internship)
    caseworker = bool(
        await notify.about_internship(
            services,
            who.internship,
            caseworker_text,
            "sick",
            Audience.CASEWORKER,
            extend_by=extend_by,
            dedupe_key=dedupe_key,
            workplace_unreached=waiting,
        )
    )
    return Told(
        workplace,
        caseworker,
        workplace_waiting=waiting is not None,
        call=await notify.whom_to_call(services, who.internship),
    )


# What they hear


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


def period_lines(t: Translator, report: SickReport) -> list[str]:
    lines = [t._("From: {day}", day=day_text(t, report.first_day))]
    if report.expected_last_day is None:
        lines.append(t._("Until: not known yet"))
    else:
        lines.append(t._("Until: {day} (expected)", day=day_text(t, report.expected_last_day)))
    return lines


def expected_missed(report: SickReport, internship: Internship | None) -> int | None:
    """The workdays to extend by, when the expected end is known."""
    if internship is None or report.expected_last_day is None:
        return None
    return missed_workdays(internship, report.first_day, report.expected_last_day) or None


def language_lines(services: Services, t: Translator, client: Person) -> list[str]:
    """The client's language when it is not Dutch, so staff know how to reach them."""
    if client.language is None or client.language == REFERENCE_LANGUAGE:
        return []
    if not services.i18n.is_shipped(client.language):
        return []
    name = services.i18n.name_in(client.language, t)
    return [t._("🌐 Language of the client: {language}", language=name)]


def employer_report_text(
    services: Services, t: Translator, report: SickReport, client: Person, internship: Internship
) -> str:
    """The sick report as the workplace reads it."""
    return "\n".join(
        [
            t._("🤒 <b>Sick report {reference}</b>", reference=report.reference),
            t._("{client} is sick and will not come to work.", client=client.name),
            *language_lines(services, t, client),
            *period_lines(t, report),
            reported_line(t, report, internship, staff=False),
            t._("The medical certificate will follow through this bot."),
        ]
    )


async def tell_new_report(
    services: Services, report: SickReport, client: Person, internship: Internship | None
) -> Told:
    def for_employer(t: Translator) -> str:
        assert internship is not None
        return employer_report_text(services, t, report, client, internship)

    def for_caseworker(t: Translator) -> str:
        lines = [
            t._("🤒 <b>Sick report {reference}</b>", reference=report.reference),
            t._("{client} is sick.", client=client.name),
            *language_lines(services, t, client),
            *period_lines(t, report),
            t.plain(DOCTOR_FOR_STAFF[report.doctor]),
        ]
        if internship is None:
            lines.append(t._("⚠️ {client} has no open internship.", client=client.name))
        else:
            lines.append(reported_line(t, report, internship, staff=True))
            if not during_internship(report, internship):
                lines.append(t._("Not during the internship: the workplace was not told."))
        return "\n".join(lines)

    return await tell(
        services,
        report,
        client,
        for_employer,
        for_caseworker,
        extend_by=expected_missed(report, internship),
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

    internship = (
        await internships.get(services.db, report.internship_id) if report.internship_id else None
    )
    return await tell(
        services, report, client, text, text, extend_by=expected_missed(report, internship)
    )


async def tell_recovered(services: Services, report: SickReport, client: Person) -> Told:
    assert report.recovered_on is not None
    back_on = report.recovered_on
    internship = (
        await internships.get(services.db, report.internship_id) if report.internship_id else None
    )
    missed = 0
    if internship is not None:
        missed = missed_workdays(internship, report.first_day, back_on - timedelta(days=1))

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

    return await tell(
        services,
        report,
        client,
        for_employer,
        for_caseworker,
        extend_by=missed or None,
        dedupe_key=f"sick:{report.id}:closed",
    )


# The certificate itself


def caption_text(t: Translator, client: Person, report: SickReport) -> str:
    return t._(
        "📄 <b>Medical certificate</b> of {client}\nSick report {reference}, sick since {day}.",
        client=client.name,
        reference=report.reference,
        day=day_text(t, report.first_day),
    )


async def forward_certificate(
    services: Services,
    report: SickReport,
    client: Person,
    certificate_id: int,
    file_id: str,
    method: CertificateMethod,
) -> Told:
    """Queue the certificate itself for the concerned workplace contact(s) and caseworker."""
    who = await concerned(services, report, client)
    recipients: list[tuple[Person, bool]] = []
    if who.internship is not None:
        if who.workplace:
            for contact in await notify.employer_contacts(services, who.internship):
                recipients.append((contact, False))
        caseworker = await notify.caseworker_of(services, who.internship)
        if caseworker is not None:
            recipients.append((caseworker, True))
    elif who.caseworker is not None:
        recipients.append((who.caseworker, True))
    field = "photo" if method is CertificateMethod.PHOTO else "document"
    workplace = caseworker_reached = False
    for person, is_caseworker in recipients:
        t = services.i18n.translator(person.language)
        payload: dict[str, Any] = {
            field: file_id,
            "caption": caption_text(t, client, report),
            "parse_mode": "HTML",
        }
        if is_caseworker and who.internship is not None:
            payload["reply_markup"] = notify.caseworker_buttons(t, who.internship.id).to_dict()
        sent = await services.outbox.send(
            person,
            method.value,
            payload,
            kind="certificate",
            dedupe_key=f"certificate:{certificate_id}:{person.id}",
        )
        if is_caseworker:
            caseworker_reached = caseworker_reached or sent
        else:
            workplace = workplace or sent
    return Told(workplace, caseworker_reached)


# Reminders: the certificate


async def _without_certificate(
    services: Services, reminder: reminder_store.Reminder
) -> tuple[SickReport, Person] | str:
    report = await store.get(services.db, reminder.subject_id)
    if report is None:
        return "report gone"
    client = await people.get(services.db, report.client_id)
    if client is None:
        return "client gone"
    if await store.has_certificate(services.db, report.id):
        return "certificate received"
    if report.recovered_on is not None and report.recovered_on <= report.first_day:
        return "no day missed"
    return report, client


async def remind_certificate_client(
    services: Services, reminder: reminder_store.Reminder
) -> str | None:
    """No certificate by the next morning: ask the client once."""
    found = await _without_certificate(services, reminder)
    if isinstance(found, str):
        return found
    report, client = found
    if not report.is_open:
        return "report closed"
    sent = await notify.to_person(
        services,
        client,
        lambda t: t._(
            "📄 Please send your medical certificate for sick report {reference}. "
            "Take a photo of it and send the photo here.",
            reference=report.reference,
        ),
        kind="reminder",
        dedupe_key=f"sick_certificate_client:{report.id}",
    )
    return None if sent else "client not reachable"


async def remind_certificate_caseworker(
    services: Services, reminder: reminder_store.Reminder
) -> str | None:
    """No certificate after two workdays: tell the caseworker."""
    found = await _without_certificate(services, reminder)
    if isinstance(found, str):
        return found
    report, client = found
    told = await tell(
        services,
        report,
        client,
        None,
        lambda t: t._(
            "📄 <b>Sick report {reference}</b>: no medical certificate from {client} yet "
            "(sick since {day}).",
            reference=report.reference,
            client=client.name,
            day=day_text(t, report.first_day),
        ),
        dedupe_key=f"sick_certificate_caseworker:{report.id}",
    )
    return None if told.caseworker else "no caseworker reachable"


# Reminders: past the expected end without news


async def _still_open(
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


def end_question_buttons(t: Translator, report_id: int) -> InlineKeyboardMarkup:
    """Under "are you better?": better, or still sick (for the client, in their language)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.plain(I_AM_BETTER), callback_data=SickBetter(report_id).pack()
                )
            ],
            [InlineKeyboardButton(t.plain(STILL_SICK), callback_data=SickLonger(report_id).pack())],
        ]
    )


async def ask_client_after_end(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """The expected end has passed: are you better?"""
    found = await _still_open(services, reminder)
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

    sent = await notify.to_person(
        services,
        client,
        text,
        kind="reminder",
        buttons=lambda t: end_question_buttons(t, report.id),
        dedupe_key=f"sick_end_client:{reminder.id}",
    )
    return None if sent else "client not reachable"


async def tell_caseworker_no_news(
    services: Services, reminder: reminder_store.Reminder
) -> str | None:
    """Still no news after the client was asked: tell the caseworker."""
    found = await _still_open(services, reminder)
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

    told = await tell(services, report, client, None, text, dedupe_key=f"sick_end_cw:{reminder.id}")
    return None if told.caseworker else "no caseworker reachable"
