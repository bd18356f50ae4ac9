"""Medical certificates of sick reports, and who hears about a sick report.

- In the sick-report flow the client can send the certificate at once (a photo,
  or a PDF or image as a document: JPEG, PNG, HEIC or PDF by its content, see
  `bot.files`); `receive` attaches it and sends it on. Anything else is refused and
  goes nowhere.
- Later, a photo or document sent outside any flow by a client with an open sick
  report gets "Is this your medical certificate?" (Yes / No); Yes attaches it.
  Without an open report the file may be an appointment proof
  (`conversations.appointment.offer_proof`); otherwise the bot says it does not
  know what the file is for. Files of employers and caseworkers are not ours:
  the catch-all answers them.
- A certificate goes, as the same photo or document (by Telegram file id; downloaded
  only to check what it is), only to the workplace contact(s) and the caseworker of the
  report's internship, through the outbox.
- Reminders: no certificate by the morning after the first sick day → the client;
  none after two workdays → the caseworker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import access, files, flows, menus, notify
from bot.clock import local_moment
from bot.context import BotContext
from bot.flows import callback_id, refuse, remove_buttons
from bot.handlers_util import flows_will_take
from bot.i18n import I18n, Translator
from bot.notify import Audience, TextFor
from bot.services import Services
from bot.store import audit, internships, people
from bot.store import reminders as reminder_store
from bot.store import sick_reports as store
from bot.store.internships import DEFAULT_SCHEDULE
from bot.store.models import Internship, Person, Role, Schedule
from bot.store.sick_reports import CertificateMethod, SickReport
from bot.workdays import internship_days, workdays_from
from conversations import appointment

log = logging.getLogger(__name__)

CLIENT_REMINDER = "sick_certificate_client"
CASEWORKER_REMINDER = "sick_certificate_caseworker"
REMINDER_KINDS = [CLIENT_REMINDER, CASEWORKER_REMINDER]
CASEWORKER_AFTER_WORKDAYS = 2

# Scratch data: the loose file waiting for "Is this your certificate?".
PENDING_FILE = "sick_pending_file"
FILE_YES = "sick:file:yes:"
FILE_NO = "sick:file:no"


def local_day(moment: datetime, services: Services) -> date:
    return moment.astimezone(services.settings.timezone).date()


def day_text(t: Translator, day: date) -> str:
    """A day the way people say it: "maandag 30 november"."""
    return t.date(day, "EEEE d MMMM")


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
    last = report.expected_last_day or date.max
    return any(report.first_day <= day <= last for day in internship_days(internship))


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
    kind: str,
    extend_by: int | None = None,
    dedupe_key: str | None = None,
) -> notify.Told:
    """Queue a message about a report for the workplace (when concerned) and the caseworker."""
    who = await concerned(services, report, client)
    if who.internship is None:
        if who.caseworker is None:
            return notify.Told(False, False)
        key = f"{dedupe_key}:{who.caseworker.id}" if dedupe_key else None
        reached = await notify.to_person(
            services, who.caseworker, caseworker_text, kind, dedupe_key=key
        )
        return notify.Told(False, reached)
    workplace = False
    if employer_text is not None and who.workplace:
        workplace = bool(
            await notify.about_internship(
                services,
                who.internship,
                employer_text,
                kind,
                Audience.EMPLOYER,
                dedupe_key=dedupe_key,
            )
        )
    caseworker = bool(
        await notify.about_internship(
            services,
            who.internship,
            caseworker_text,
            kind,
            Audience.CASEWORKER,
            extend_by=extend_by,
            dedupe_key=dedupe_key,
        )
    )
    return notify.Told(workplace, caseworker)


# Files


class FileProblem(StrEnum):
    WRONG_TYPE = "wrong_type"
    TOO_BIG = "too_big"


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    file_unique_id: str
    method: CertificateMethod


def incoming_file(message: Message) -> IncomingFile | FileProblem:
    """The certificate in a message, or why it cannot be one."""
    if message.photo:
        photo = message.photo[-1]
        if (photo.file_size or 0) > files.MAX_FILE_BYTES:
            return FileProblem.TOO_BIG
        return IncomingFile(photo.file_id, photo.file_unique_id, CertificateMethod.PHOTO)
    document = message.document
    if document is None:
        return FileProblem.WRONG_TYPE
    if (document.file_size or 0) > files.MAX_FILE_BYTES:
        return FileProblem.TOO_BIG
    # By its content, never its name or claimed type (`bot.files.inspect` looked).
    if files.checked_kind(document) is None:
        return FileProblem.WRONG_TYPE
    return IncomingFile(document.file_id, document.file_unique_id, CertificateMethod.DOCUMENT)


def problem_text(t: Translator, problem: FileProblem) -> str:
    if problem is FileProblem.TOO_BIG:
        return t._(
            "This file is too big (more than 20 MB). "
            "Please take a photo of your medical certificate and send the photo."
        )
    return t._(
        "I cannot use this kind of file. Please send a photo of your medical certificate, or a PDF."
    )


def caption_text(t: Translator, client: Person, report: SickReport) -> str:
    return t._(
        "📄 <b>Medical certificate</b> of {client}\nSick report {reference}, sick since {day}.",
        client=client.name,
        reference=report.reference,
        day=day_text(t, report.first_day),
    )


async def forward(
    services: Services, report: SickReport, client: Person, certificate_id: int, file: IncomingFile
) -> notify.Told:
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
    field = "photo" if file.method is CertificateMethod.PHOTO else "document"
    workplace = caseworker_reached = False
    for person, is_caseworker in recipients:
        t = services.i18n.translator(person.language)
        payload: dict[str, Any] = {
            field: file.file_id,
            "caption": caption_text(t, client, report),
            "parse_mode": "HTML",
        }
        if is_caseworker and who.internship is not None:
            payload["reply_markup"] = notify.caseworker_buttons(t, who.internship.id).to_dict()
        sent = await services.outbox.send(
            person,
            file.method.value,
            payload,
            kind="certificate",
            dedupe_key=f"certificate:{certificate_id}:{person.id}",
        )
        if is_caseworker:
            caseworker_reached = caseworker_reached or sent
        else:
            workplace = workplace or sent
    return notify.Told(workplace, caseworker_reached)


async def attach(
    services: Services, report: SickReport, client: Person, file: IncomingFile
) -> notify.Told | None:
    """Store the certificate and queue it for the others; None when it was already attached."""
    now = services.clock.now()
    async with services.db.transaction():
        certificate_id = await store.add_certificate(
            services.db, report.id, file.file_id, file.file_unique_id, file.method, now
        )
        if not certificate_id:
            return None
        told = await forward(services, report, client, certificate_id, file)
        await services.reminders.cancel(services, REMINDER_KINDS, report.id)
        await audit.record(
            services.db,
            now,
            client.id,
            "sick_report.certificate",
            "sick_report",
            report.id,
            method=file.method.value,
        )
    return told


async def receive(update: Update, context: BotContext, report: SickReport) -> bool:
    """A certificate sent inside the sick-report flow: attach it, or say what is wrong."""
    message = update.effective_message
    client = context.person
    assert message is not None and client is not None
    file = incoming_file(message)
    if isinstance(file, FileProblem):
        await message.reply_text(problem_text(context.translator, file))
        return False
    told = await attach(context.services, report, client, file)
    await thank(update, context, told)
    return True


async def thank(update: Update, context: BotContext, told: notify.Told | None) -> None:
    """Thank the client for the certificate and say who got it; show the menu."""
    chat = update.effective_chat
    assert chat is not None
    t = context.translator
    if told is None:
        text = t._("You already sent this file. Thank you!")
    elif told.workplace and told.caseworker:
        text = t._("📄 Thank you! Your certificate was sent to your workplace and your caseworker.")
    elif told.caseworker:
        text = t._("📄 Thank you! Your certificate was sent to your caseworker.")
    else:
        text = t._(
            "📄 Thank you! We saved your certificate, but could not send it on. "
            "Please give it to your caseworker."
        )
    await menus.send_menu(context.bot, chat.id, Role.CLIENT, t, text)


# Files sent outside any flow


async def loose_file(update: Update, context: BotContext) -> None:
    """A photo or document outside any flow: a certificate, an appointment proof, or unknown."""
    message = update.effective_message
    # Asked here, not only by the gatekeeper: whether a later flow (an appointment proof,
    # the paper evaluation form) waits for this file. Reliable for the groups after this
    # one, so this module's group comes early in `bot.handlers`.
    if message is None or flows_will_take(context.application, update, skip=loose_file):
        return
    client = context.person
    if client is None or client.role != Role.CLIENT:
        # Not a client's file: the catch-all answers it.
        context.taken = False
        return
    t = context.translator
    reports = await store.open_for_client(context.services.db, client.id)
    if not reports:
        if await offer_appointment_proof(update, context):
            return
        await menus.send_menu(
            context.bot,
            message.chat_id,
            Role.CLIENT,
            t,
            t._(
                "I do not know what this file is for, so I did not send it to anyone. "
                "Are you sick? Then first press «{button}».",
                button=menus.label(t, menus.Action.SICK),
            ),
        )
        return
    file = incoming_file(message)
    if isinstance(file, FileProblem):
        await message.reply_text(problem_text(t, file))
        return
    report = reports[0]
    context.data[PENDING_FILE] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "method": file.method.value,
        "report_id": report.id,
    }
    await message.reply_text(
        t._(
            "Is this your medical certificate for your sick report {reference} (sick since {day})?",
            reference=report.reference,
            day=day_text(t, report.first_day),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t.plain(flows.YES_SEND_IT), callback_data=f"{FILE_YES}{report.id}"
                    ),
                    InlineKeyboardButton(t.plain(flows.NO), callback_data=FILE_NO),
                ]
            ]
        ),
    )


async def offer_appointment_proof(update: Update, context: BotContext) -> bool:
    """Let the appointment flow take the file as a proof, when one is awaited."""
    return await appointment.offer_proof(update, context)


async def file_is_certificate(update: Update, context: BotContext) -> None:
    """Yes: attach the waiting file to the client's report and send it on."""
    query = update.callback_query
    assert query is not None and query.data is not None
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return
    pending = context.data.get(PENDING_FILE)
    report_id = callback_id(update)
    report = await store.get(context.services.db, report_id) if report_id else None
    if (
        not isinstance(pending, dict)
        or pending.get("report_id") != report_id
        or report is None
        or report.client_id != client.id
    ):
        await query.answer(context.translator.plain(access.EXPIRED), show_alert=True)
        return
    await query.answer()
    del context.data[PENDING_FILE]
    file = IncomingFile(
        pending["file_id"], pending["file_unique_id"], CertificateMethod(pending["method"])
    )
    told = await attach(context.services, report, client, file)
    await remove_buttons(query.message)
    await thank(update, context, told)


async def file_is_not_certificate(update: Update, context: BotContext) -> None:
    """No: forget the file."""
    query = update.callback_query
    assert query is not None
    if await access.require(update, context, Role.CLIENT) is None:
        return
    if PENDING_FILE not in context.data:
        await refuse(update, context)
        return
    await query.answer()
    context.data.pop(PENDING_FILE, None)
    await remove_buttons(query.message)
    chat = update.effective_chat
    assert chat is not None
    await menus.send_menu(
        context.bot,
        chat.id,
        Role.CLIENT,
        context.translator,
        context._("OK. I did not send the file to anyone."),
    )


# Reminders


def schedule_of(internship: Internship | None) -> Schedule:
    return internship.schedule if internship is not None else DEFAULT_SCHEDULE


async def plan_reminders(
    services: Services, report: SickReport, internship: Internship | None
) -> None:
    """Client: the morning after the first sick day; caseworker: two workdays later."""
    tz = services.settings.timezone
    at = services.settings.reminder_times.certificate_morning
    base = max(local_day(report.reported_at, services), report.first_day)
    client_due = local_moment(base + timedelta(days=1), at, tz)
    await services.reminders.plan(
        services, CLIENT_REMINDER, report.id, client_due, client_due + timedelta(hours=12)
    )
    later = workdays_from(
        base + timedelta(days=1), schedule_of(internship), CASEWORKER_AFTER_WORKDAYS
    )
    caseworker_due = local_moment(later[-1], at, tz)
    await services.reminders.plan(
        services,
        CASEWORKER_REMINDER,
        report.id,
        caseworker_due,
        caseworker_due + timedelta(days=3),
    )


async def _report_and_client(
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


async def remind_client(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """No certificate by the next morning: ask the client once."""
    found = await _report_and_client(services, reminder)
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


async def remind_caseworker(services: Services, reminder: reminder_store.Reminder) -> str | None:
    """No certificate after two workdays: tell the caseworker."""
    found = await _report_and_client(services, reminder)
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
        kind="sick",
        dedupe_key=f"sick_certificate_caseworker:{report.id}",
    )
    return None if told.caseworker else "no caseworker reachable"


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    """Loose files and the Yes/No answer; in the sick-report flow's group, after it."""
    return [
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.PHOTO | filters.Document.ALL), loose_file
        ),
        CallbackQueryHandler(file_is_certificate, pattern=rf"^{FILE_YES}\d{{1,18}}$"),
        CallbackQueryHandler(file_is_not_certificate, pattern=rf"^{FILE_NO}$"),
    ]
