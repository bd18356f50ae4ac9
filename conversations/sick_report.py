"""Sick report: a client reports sickness, and the workplace and caseworker know at once.

- "🤒 I am sick" (or /sick): from when (today / tomorrow / another day), how long
  (1, 2, 3 days, a week, not known yet, or until a date), whether they saw or
  will see a doctor; a summary to confirm. Four taps reach the summary. The bot
  never asks for a diagnosis.
- On "send", the report, the notifications to the workplace contact(s) and the
  caseworker (outbox) and the reminders are stored in one transaction; then the
  client gets a receipt with a reference (Z-0042) and can send the medical
  certificate at once or later (`conversations.certificate`).
- The report is "late" when it came in after the client's workday start time on
  the first sick workday, Europe/Brussels time; the caseworker sees the flag.
- With an open report, the same button offers: sick longer (new expected end),
  better (the day back at work; closes the report), send my certificate.
- The day after the expected end (or three days after the first day when the end
  is not known), a report without news asks the client; hours later the
  caseworker is told. These messages and reminders live in
  `conversations.sick_notices`.
- No internship, or sick days outside it: the caseworker still hears (the client's
  last known caseworker when there is no internship), the workplace does not,
  and the client is told so.

The diagram: `conversations/sick_report.mmd`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, flows, menus, notify
from bot.clock import local_moment
from bot.context import BotContext
from bot.flows import (
    callback_arg,
    callback_id,
    close_buttons,
    leaving,
    local_today,
    refuse,
    say,
    typed_text,
)
from bot.handlers_util import flows_will_take
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.notify import Told
from bot.parsing import Yearless, parse_day, parse_iso_day
from bot.store import audit, internships
from bot.store import sick_reports as store
from bot.store.models import Internship, Person, Role
from bot.store.sick_reports import Doctor, SickReport
from bot.workdays import workdays_from
from conversations import certificate
from conversations.certificate import day_text
from conversations.sick_notices import (
    END_KINDS,
    I_AM_BETTER,
    plan_end_check,
    tell_new_report,
    tell_prolonged,
    tell_recovered,
)

log = logging.getLogger(__name__)

END = ConversationHandler.END
(
    FROM,
    FROM_DATE,
    LENGTH,
    LENGTH_DATE,
    DOCTOR,
    CONFIRM,
    CERTIFICATE,
    OPEN_REPORT,
    PROLONG_CONFIRM,
    BACK,
    BACK_DATE,
    BACK_CONFIRM,
) = range(12)

DRAFT = "sick_report"
DATE_PATTERN = r"\d{4}-\d{2}-\d{2}"

# How far back and ahead a day can be chosen.
PAST_DAYS = 14
FUTURE_DAYS = 60
LONGEST_SICKNESS = timedelta(days=365)

LENGTHS = {"1": 1, "2": 2, "3": 3, "7": 7}
LENGTH_LABELS = {
    "1": N_("1 day"),
    "2": N_("2 days"),
    "3": N_("3 days"),
    "7": N_("1 week"),
}
MORE_LABELS = {
    "1": N_("1 more day"),
    "2": N_("2 more days"),
    "3": N_("3 more days"),
    "7": N_("1 more week"),
}
DOCTOR_LABELS = {
    Doctor.SEEN: N_("✅ I have seen a doctor"),
    Doctor.WILL_SEE: N_("🩺 I will see a doctor"),
    Doctor.NO: flows.NO,
}
DOCTOR_SUMMARY = {
    Doctor.SEEN: N_("🩺 Doctor: you have seen a doctor"),
    Doctor.WILL_SEE: N_("🩺 Doctor: you will see a doctor"),
    Doctor.NO: N_("🩺 Doctor: not yet"),
}

# Days


def today(context: BotContext) -> date:
    """Today in the bot's time zone."""
    return local_today(context.services)


def is_late(
    reported_at: datetime, first_day: date, internship: Internship | None, tz: ZoneInfo
) -> bool:
    """Reported after the workday start on the first sick workday (local time)?"""
    if internship is None:
        return False
    schedule = internship.schedule
    first_workday = workdays_from(first_day, schedule, 1)[0]
    return reported_at > local_moment(first_workday, schedule.start, tz)


# Keyboards


def button(t: Translator, label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.plain(label), callback_data=data)


def cancel_row(t: Translator) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(menus.label(t, Action.CANCEL), callback_data="sick:cancel")]


def day_rows(t: Translator, days: list[date], prefix: str) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(t.date(day, "EEE d MMM"), callback_data=f"{prefix}{day.isoformat()}")
        for day in days
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def days_from(first: date, count: int = 12) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


async def ask(
    update: Update, context: BotContext, text: str, rows: list[list[InlineKeyboardButton]]
) -> None:
    """Send one question with its answer buttons and a Cancel button."""
    chat = update.effective_chat
    assert chat is not None
    markup = InlineKeyboardMarkup([*rows, cancel_row(context.translator)])
    await context.bot.send_message(chat.id, text, reply_markup=markup)


async def pressed(update: Update, context: BotContext) -> tuple[Person, str] | None:
    """A client's button: acknowledged, its buttons taken off (no double taps), its data.

    None (and the button is refused) when the person is not a client.
    """
    query = update.callback_query
    assert query is not None and query.data is not None
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return None
    await close_buttons(update)
    return client, query.data


async def expired(update: Update, context: BotContext) -> int:
    """A button or step that no longer fits: say so, end the flow."""
    return await finish(update, context, context._("This step has expired. Please start again."))


async def finish(update: Update, context: BotContext, text: str) -> int:
    """End the flow with `text` and the menu."""
    chat = update.effective_chat
    assert chat is not None
    context.data.pop(DRAFT, None)
    await menus.send_menu(context.bot, chat.id, Role.CLIENT, context.translator, text)
    return END


def draft(context: BotContext, mode: str) -> dict[str, Any] | None:
    value = context.data.get(DRAFT)
    if isinstance(value, dict) and value.get("mode") == mode:
        return value
    return None


async def own_report(
    context: BotContext, client: Person, report_id: int | None
) -> SickReport | None:
    report = await store.get(context.services.db, report_id) if report_id else None
    if report is None or report.client_id != client.id:
        return None
    return report


# A new report


async def start(update: Update, context: BotContext) -> int:
    """🤒 I am sick: a new report, or what to do with the open one."""
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return END
    context.data.pop(DRAFT, None)
    reports = await store.open_for_client(context.services.db, client.id)
    if reports:
        return await show_open_report(update, context, reports[0])
    context.data[DRAFT] = {"mode": "new"}
    return await ask_from(update, context)


async def ask_from(update: Update, context: BotContext) -> int:
    """Ask since when the client is sick."""
    t = context.translator
    await ask(
        update,
        context,
        t._("🤒 Since when are you sick?"),
        [
            [
                button(t, flows.TODAY, "sick:from:today"),
                button(t, flows.TOMORROW, "sick:from:tomorrow"),
            ],
            [button(t, flows.ANOTHER_DAY, "sick:from:other")],
        ],
    )
    return FROM


async def from_choice(update: Update, context: BotContext) -> int:
    """Today, tomorrow, or another day."""
    button_press = await pressed(update, context)
    if button_press is None:
        return END
    if draft(context, "new") is None:
        return await expired(update, context)
    choice = button_press[1].removeprefix("sick:from:")
    now = today(context)
    if choice == "other":
        t = context.translator
        await ask(
            update,
            context,
            t._("Which day did your sickness start? Choose a day, or type it (like 3/12)."),
            day_rows(t, days_from(now - timedelta(days=3)), "sick:day:"),
        )
        return FROM_DATE
    first = now if choice == "today" else now + timedelta(days=1)
    return await set_first_day(update, context, first)


async def from_day(update: Update, context: BotContext) -> int | None:
    """A first day from the day buttons."""
    first = parse_iso_day(callback_arg(update))
    if first is None:
        await refuse(update, context)
        return None
    if await pressed(update, context) is None:
        return END
    if draft(context, "new") is None:
        return await expired(update, context)
    return await set_first_day(update, context, first)


async def from_typed(update: Update, context: BotContext) -> int:
    """A typed first day."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    if draft(context, "new") is None:
        return await expired(update, context)
    first = await typed_day(update, context)
    if first is None:
        return FROM_DATE
    return await set_first_day(update, context, first)


async def typed_day(update: Update, context: BotContext) -> date | None:
    """The day a client typed, or None after saying it was not understood."""
    message = update.effective_message
    assert message is not None and message.text is not None
    day = parse_day(message.text, today(context), Yearless.NEAREST)
    if day is None:
        await message.reply_text(
            context._("I did not understand this day. Please type it like 3/12.")
        )
    return day


async def set_first_day(update: Update, context: BotContext, first: date) -> int:
    """Keep the first sick day when it is within reach; ask how long."""
    t = context.translator
    now = today(context)
    earliest, latest = now - timedelta(days=PAST_DAYS), now + timedelta(days=FUTURE_DAYS)
    if not earliest <= first <= latest:
        await say(
            update,
            context,
            t._(
                "Please choose a day between {first} and {last}.",
                first=day_text(t, earliest),
                last=day_text(t, latest),
            ),
        )
        return FROM_DATE
    context.data[DRAFT] = {"mode": "new", "first_day": first.isoformat()}
    return await ask_length(update, context)


async def ask_length(update: Update, context: BotContext) -> int:
    """Ask how long (or how much longer) the client expects to be sick."""
    t = context.translator
    prolonging = draft(context, "prolong") is not None
    labels = MORE_LABELS if prolonging else LENGTH_LABELS
    question = (
        t._("How much longer do you think you will be sick?")
        if prolonging
        else t._("How long do you think you will be sick?")
    )
    await ask(
        update,
        context,
        question,
        [
            [button(t, labels[key], f"sick:len:{key}") for key in ("1", "2", "3")],
            [
                button(t, labels["7"], "sick:len:7"),
                button(t, N_("I don't know yet"), "sick:len:unknown"),
            ],
            [button(t, N_("📅 Until a day"), "sick:len:other")],
        ],
    )
    return LENGTH


def prolong_base(report: SickReport, now: date) -> date:
    """The day the extra days count from: the expected end, not before yesterday."""
    yesterday = now - timedelta(days=1)
    return max(report.expected_last_day or yesterday, yesterday)


def earliest_last_day(context: BotContext, current: dict[str, Any]) -> date:
    first = date.fromisoformat(current["first_day"])
    if current["mode"] == "prolong":
        return max(first, today(context))
    return first


def length_draft(context: BotContext) -> dict[str, Any] | None:
    current = draft(context, "new") or draft(context, "prolong")
    return current if current is not None and "first_day" in current else None


async def length_choice(update: Update, context: BotContext) -> int:
    """1, 2, 3 days, a week, not known yet, or until a day."""
    button_press = await pressed(update, context)
    if button_press is None:
        return END
    client, data = button_press
    current = length_draft(context)
    if current is None:
        return await expired(update, context)
    choice = data.removeprefix("sick:len:")
    if choice == "other":
        t = context.translator
        await ask(
            update,
            context,
            t._("Until which day do you think you will be sick? Choose a day, or type it."),
            day_rows(t, days_from(earliest_last_day(context, current)), "sick:until:"),
        )
        return LENGTH_DATE
    if choice == "unknown":
        return await set_last_day(update, context, None)
    days = LENGTHS[choice]
    if current["mode"] == "prolong":
        report = await own_report(context, client, current["report_id"])
        if report is None:
            return await expired(update, context)
        base = prolong_base(report, today(context))
        return await set_last_day(update, context, base + timedelta(days=days))
    first = date.fromisoformat(current["first_day"])
    return await set_last_day(update, context, first + timedelta(days=days - 1))


async def until_day(update: Update, context: BotContext) -> int | None:
    """The expected last day from the day buttons."""
    last = parse_iso_day(callback_arg(update))
    if last is None:
        await refuse(update, context)
        return None
    if await pressed(update, context) is None:
        return END
    return await set_last_day(update, context, last)


async def until_typed(update: Update, context: BotContext) -> int:
    """A typed expected last day."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    last = await typed_day(update, context)
    if last is None:
        return LENGTH_DATE
    return await set_last_day(update, context, last)


async def set_last_day(update: Update, context: BotContext, last: date | None) -> int:
    """Keep the expected last day; ask about the doctor, or confirm a prolongation."""
    current = length_draft(context)
    if current is None:
        return await expired(update, context)
    t = context.translator
    if last is not None:
        earliest = earliest_last_day(context, current)
        first = date.fromisoformat(current["first_day"])
        if not earliest <= last <= first + LONGEST_SICKNESS:
            await say(
                update,
                context,
                t._("Please choose a day from {day} on.", day=day_text(t, earliest)),
            )
            return LENGTH_DATE
    current["last_day"] = last.isoformat() if last else None
    if current["mode"] == "prolong":
        return await ask_prolong_confirm(update, context, current)
    await ask(
        update,
        context,
        t._("Have you seen a doctor?"),
        [[button(t, DOCTOR_LABELS[doctor], f"sick:doc:{doctor.value}")] for doctor in Doctor],
    )
    return DOCTOR


async def doctor_choice(update: Update, context: BotContext) -> int:
    """Seen, will see, or no doctor; then the summary."""
    button_press = await pressed(update, context)
    if button_press is None:
        return END
    current = draft(context, "new")
    if current is None or "last_day" not in current:
        return await expired(update, context)
    doctor = Doctor(button_press[1].removeprefix("sick:doc:"))
    current["doctor"] = doctor.value
    t = context.translator
    first = date.fromisoformat(current["first_day"])
    lines = [
        t._("Please check your sick report:"),
        t._("🤒 Sick from: {day}", day=day_text(t, first)),
        until_line(t, current["last_day"]),
        t._(DOCTOR_SUMMARY[doctor]),
        "",
        t._("Is this right?"),
    ]
    await ask(update, context, "\n".join(lines), confirm_rows(t))
    return CONFIRM


def confirm_rows(t: Translator) -> list[list[InlineKeyboardButton]]:
    return [
        [button(t, flows.YES_SEND_IT, "sick:send")],
        [button(t, N_("✏️ Change"), "sick:again")],
    ]


def until_line(t: Translator, last_day: str | None) -> str:
    if last_day is None:
        return t._("📅 Until: you do not know yet")
    return t._("📅 Until: {day}", day=day_text(t, date.fromisoformat(last_day)))


async def start_again(update: Update, context: BotContext) -> int:
    """Change: ask everything again."""
    if await pressed(update, context) is None:
        return END
    context.data[DRAFT] = {"mode": "new"}
    return await ask_from(update, context)


async def send_report(update: Update, context: BotContext) -> int:
    """Confirmed: store the report, its notifications and reminders; then the receipt."""
    button_press = await pressed(update, context)
    if button_press is None:
        return END
    client = button_press[0]
    current = draft(context, "new")
    if current is None or "doctor" not in current:
        return await expired(update, context)
    services = context.services
    db = services.db
    now = services.clock.now()
    first = date.fromisoformat(current["first_day"])
    last = parse_iso_day(current["last_day"])
    internship = await internships.current_for_client(db, client.id)
    late = is_late(now, first, internship, services.settings.timezone)
    async with db.transaction():
        report = await store.create(
            db,
            client.id,
            internship.id if internship else None,
            first,
            last,
            Doctor(current["doctor"]),
            late,
            now,
        )
        told = await tell_new_report(services, report, client, internship)
        await certificate.plan_reminders(services, report, internship)
        await plan_end_check(services, report)
        await audit.record(
            db,
            now,
            client.id,
            "sick_report.created",
            "sick_report",
            report.id,
            internship_id=report.internship_id,
            first_day=first,
            late=late,
        )
    await send_receipt(update, context, report, internship, told)
    context.data[DRAFT] = {"mode": "certificate", "report_id": report.id}
    return await ask_certificate(update, context)


async def send_receipt(
    update: Update,
    context: BotContext,
    report: SickReport,
    internship: Internship | None,
    told: Told,
) -> None:
    """The receipt: reference, who knows it now, and what to do next."""
    t = context.translator
    lines = [
        t._("✅ Thank you. Your sick report is saved."),
        t._("Reference: <b>{reference}</b>", reference=report.reference),
        notify.told_text(t, told),
    ]
    if internship is None:
        lines.append(t._("You have no internship at the moment."))
    elif not told.workplace:
        lines.append(t._("This is not during your internship, so your workplace was not told."))
    elif report.late:
        lines.append(t._("Your workday has already started. Please also call your workplace now."))
    lines += ["", t._("What now?")]
    if report.doctor is not Doctor.SEEN:
        lines.append(t._("• Go to a doctor."))
    lines.append(t._("• Send a photo of your medical certificate here."))
    lines.append(
        t._("• When you are better, press «{button}» again.", button=menus.label(t, Action.SICK))
    )
    await say(update, context, "\n".join(lines))


async def ask_certificate(update: Update, context: BotContext) -> int:
    """Ask for a photo of the medical certificate now (or later)."""
    chat = update.effective_chat
    assert chat is not None
    t = context.translator
    await context.bot.send_message(
        chat.id,
        t._("📄 Do you have your medical certificate? Take a photo of it and send it here now."),
        reply_markup=InlineKeyboardMarkup([[button(t, flows.LATER, "sick:later")]]),
    )
    return CERTIFICATE


# Certificate inside the flow


async def certificate_in_flow(update: Update, context: BotContext) -> int | None:
    """A photo or document while the flow waits for the certificate."""
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return END
    current = context.data.get(DRAFT)
    report_id = current.get("report_id") if isinstance(current, dict) else None
    report = await own_report(context, client, report_id) if report_id else None
    if report is None:
        return await expired(update, context)
    if await certificate.receive(update, context, report):
        context.data.pop(DRAFT, None)
        return END
    return None


async def wrong_file(update: Update, context: BotContext) -> None:
    """Voice, video, stickers and the like while waiting for the certificate."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        certificate.problem_text(context.translator, certificate.FileProblem.WRONG_TYPE)
    )


async def photo_please(update: Update, context: BotContext) -> None:
    """Text while waiting for the certificate."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        context._(
            "Please send a photo of your medical certificate, or press «{button}».",
            button=context.translator.plain(flows.LATER),
        )
    )


async def later(update: Update, context: BotContext) -> int:
    """The certificate comes later."""
    if await pressed(update, context) is None:
        return END
    return await finish(
        update, context, context._("OK. When you have it, just send the photo here.")
    )


async def certificate_wanted(update: Update, context: BotContext) -> int | None:
    """Send my certificate (for the open report)."""
    report = await pressed_report(update, context)
    if report is None:
        return None
    context.data[DRAFT] = {"mode": "certificate", "report_id": report.id}
    return await ask_certificate(update, context)


# The open report: longer, better, certificate


async def show_open_report(update: Update, context: BotContext, report: SickReport) -> int:
    """The open report: sick longer, better, or send the certificate."""
    t = context.translator
    context.data[DRAFT] = {"mode": "open", "report_id": report.id}
    lines = [
        t._(
            "You are sick since {day} (sick report {reference}).",
            day=day_text(t, report.first_day),
            reference=report.reference,
        ),
        until_line(t, iso(report.expected_last_day)),
        "",
        t._("What do you want to do?"),
    ]
    await ask(
        update,
        context,
        "\n".join(lines),
        [
            [button(t, N_("📅 I am sick longer"), f"sick:longer:{report.id}")],
            [button(t, I_AM_BETTER, f"sick:better:{report.id}")],
            [button(t, N_("📄 Send my certificate"), f"sick:cert:{report.id}")],
        ],
    )
    return OPEN_REPORT


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def pressed_report(update: Update, context: BotContext) -> SickReport | None:
    """The client's own report named by a button (of this flow or of a reminder),
    acknowledged; anyone else's, or none, is refused and nothing happens."""
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return None
    report = await own_report(context, client, callback_id(update))
    if report is None:
        await access.deny(update, context)
        return None
    await close_buttons(update)
    return report


async def longer(update: Update, context: BotContext) -> int | None:
    """Sick longer: ask the new expected end."""
    report = await pressed_report(update, context)
    if report is None:
        return None
    if not report.is_open:
        return await already_closed(update, context, report)
    context.data[DRAFT] = {
        "mode": "prolong",
        "report_id": report.id,
        "first_day": report.first_day.isoformat(),
    }
    return await ask_length(update, context)


async def ask_prolong_confirm(update: Update, context: BotContext, current: dict[str, Any]) -> int:
    """Show the new expected end to confirm."""
    t = context.translator
    text = "\n".join([until_line(t, current["last_day"]), "", t._("Is this right?")])
    await ask(update, context, text, confirm_rows(t))
    return PROLONG_CONFIRM


async def prolong_again(update: Update, context: BotContext) -> int:
    """Change the new expected end."""
    if await pressed(update, context) is None:
        return END
    if draft(context, "prolong") is None:
        return await expired(update, context)
    return await ask_length(update, context)


async def send_prolong(update: Update, context: BotContext) -> int:
    """Confirmed: store the new expected end, tell both, plan the new end check."""
    button_press = await pressed(update, context)
    if button_press is None:
        return END
    client = button_press[0]
    current = draft(context, "prolong")
    report = await own_report(context, client, current["report_id"]) if current else None
    if current is None or report is None or "last_day" not in current:
        return await expired(update, context)
    services = context.services
    now = services.clock.now()
    last = parse_iso_day(current["last_day"])
    async with services.db.transaction():
        if not await store.set_expected_last_day(services.db, report.id, last, now):
            return await already_closed(update, context, report)
        report = await store.get(services.db, report.id)
        assert report is not None
        told = await tell_prolonged(services, report, client)
        await plan_end_check(services, report)
        await audit.record(
            services.db,
            now,
            client.id,
            "sick_report.prolonged",
            "sick_report",
            report.id,
            expected_last_day=last,
        )
    text = [
        context._("✅ Thank you. Get well soon!"),
        notify.told_text(context.translator, told),
    ]
    return await finish(update, context, "\n".join(text))


async def already_closed(update: Update, context: BotContext, report: SickReport) -> int:
    """Say the report is already closed; end the flow."""
    return await finish(
        update,
        context,
        context._("Sick report {reference} is already closed.", reference=report.reference),
    )


async def better(update: Update, context: BotContext) -> int | None:
    """I am better: ask the day back at work."""
    report = await pressed_report(update, context)
    if report is None:
        return None
    if not report.is_open:
        return await already_closed(update, context, report)
    context.data[DRAFT] = {
        "mode": "back",
        "report_id": report.id,
        "first_day": report.first_day.isoformat(),
    }
    return await ask_back(update, context, report.first_day)


async def ask_back(update: Update, context: BotContext, first: date) -> int:
    """Ask on which day the client goes back to work."""
    t = context.translator
    now = today(context)
    choices = [(now, flows.TODAY), (now + timedelta(days=1), flows.TOMORROW)]
    row = [
        InlineKeyboardButton(t.plain(label), callback_data=f"sick:back:{day.isoformat()}")
        for day, label in choices
        if day >= first
    ]
    rows = [row] if row else day_rows(t, days_from(first, 6), "sick:back:")
    rows.append([button(t, flows.ANOTHER_DAY, "sick:back:other")])
    await ask(update, context, t._("Good to hear! On which day do you go back to work?"), rows)
    return BACK


async def back_choice(update: Update, context: BotContext) -> int | None:
    """The day back at work, or another day."""
    choice = callback_arg(update)
    day = parse_iso_day(choice)
    if choice != "other" and day is None:
        await refuse(update, context)
        return None
    if await pressed(update, context) is None:
        return END
    current = draft(context, "back")
    if current is None:
        return await expired(update, context)
    if day is None:
        t = context.translator
        first = date.fromisoformat(current["first_day"])
        start_day = max(first, today(context) - timedelta(days=3))
        await ask(
            update,
            context,
            t._("On which day do you go back to work? Choose a day, or type it."),
            day_rows(t, days_from(start_day), "sick:back:"),
        )
        return BACK_DATE
    return await set_back_day(update, context, day)


async def back_typed(update: Update, context: BotContext) -> int:
    """A typed day back at work."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    day = await typed_day(update, context)
    if day is None:
        return BACK_DATE
    return await set_back_day(update, context, day)


async def set_back_day(update: Update, context: BotContext, day: date) -> int:
    """Keep the day back at work when it is within reach; confirm it."""
    current = draft(context, "back")
    if current is None:
        return await expired(update, context)
    t = context.translator
    first = date.fromisoformat(current["first_day"])
    now = today(context)
    earliest = max(first, now - timedelta(days=PAST_DAYS))
    if not earliest <= day <= now + timedelta(days=FUTURE_DAYS):
        await say(
            update, context, t._("Please choose a day from {day} on.", day=day_text(t, earliest))
        )
        return BACK_DATE
    current["back_on"] = day.isoformat()
    text = [t._("You go back to work on {day}.", day=day_text(t, day)), "", t._("Is this right?")]
    await ask(update, context, "\n".join(text), confirm_rows(t))
    return BACK_CONFIRM


async def back_again(update: Update, context: BotContext) -> int:
    """Change the day back at work."""
    if await pressed(update, context) is None:
        return END
    current = draft(context, "back")
    if current is None:
        return await expired(update, context)
    return await ask_back(update, context, date.fromisoformat(current["first_day"]))


async def send_back(update: Update, context: BotContext) -> int:
    """Confirmed: close the report, tell both; then ask for a missing certificate."""
    button_press = await pressed(update, context)
    if button_press is None:
        return END
    client = button_press[0]
    current = draft(context, "back")
    report = await own_report(context, client, current["report_id"]) if current else None
    if current is None or report is None or "back_on" not in current:
        return await expired(update, context)
    services = context.services
    now = services.clock.now()
    back_on = date.fromisoformat(current["back_on"])
    async with services.db.transaction():
        if not await store.close(services.db, report.id, back_on, now):
            return await already_closed(update, context, report)
        report = await store.get(services.db, report.id)
        assert report is not None
        told = await tell_recovered(services, report, client)
        await services.reminders.cancel(services, END_KINDS, report.id)
        await audit.record(
            services.db,
            now,
            client.id,
            "sick_report.closed",
            "sick_report",
            report.id,
            recovered_on=back_on,
        )
    t = context.translator
    text = "\n".join([t._("✅ Thank you. Welcome back!"), notify.told_text(t, told)])
    missed_a_day = back_on > report.first_day
    if missed_a_day and not await store.has_certificate(services.db, report.id):
        await say(update, context, text)
        context.data[DRAFT] = {"mode": "certificate", "report_id": report.id}
        return await ask_certificate(update, context)
    return await finish(update, context, text)


# Cancel and leaving


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel, the Cancel button: stop; nothing (more) is sent."""
    if update.callback_query is not None and await pressed(update, context) is None:
        return END
    current = context.data.get(DRAFT)
    if isinstance(current, dict) and current.get("mode") == "certificate":
        return await finish(
            update, context, context._("OK. When you have it, just send the photo here.")
        )
    return await finish(update, context, context._(flows.NOTHING_SENT))


async def leave(update: Update, context: BotContext) -> int:
    """Another menu button or command: end quietly so that flow can start."""
    context.data.pop(DRAFT, None)
    # The catch-all answers when no other flow takes it (an unknown command).
    context.taken = flows_will_take(context.application, update, skip=certificate.loose_file)
    return END


async def use_buttons(update: Update, context: BotContext) -> None:
    """Text where a button is expected."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(context._("Please choose one of the buttons above."))


async def file_too_early(update: Update, context: BotContext) -> None:
    """A file before the report is complete."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(
        context._("Please first answer the question above. Then you can send the certificate.")
    )


# Handlers


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    """The conversation, then the loose-file handlers of `conversations.certificate`.

    One group for both: a file the conversation waits for never reaches the
    loose-file handler.
    """
    typed = typed_text(i18n)
    files = filters.PHOTO | filters.Document.ALL
    other_media = (
        filters.VOICE
        | filters.VIDEO
        | filters.VIDEO_NOTE
        | filters.AUDIO
        | filters.Sticker.ALL
        | filters.ANIMATION
    )
    conversation = ConversationHandler(
        entry_points=[
            *menus.entry_points(i18n, Action.SICK, start),
            CallbackQueryHandler(longer, pattern=r"^sick:longer:\d{1,18}$"),
            CallbackQueryHandler(better, pattern=r"^sick:better:\d{1,18}$"),
            CallbackQueryHandler(certificate_wanted, pattern=r"^sick:cert:\d{1,18}$"),
        ],
        states={
            FROM: [
                CallbackQueryHandler(from_choice, pattern=r"^sick:from:(today|tomorrow|other)$")
            ],
            FROM_DATE: [
                CallbackQueryHandler(from_day, pattern=rf"^sick:day:{DATE_PATTERN}$"),
                MessageHandler(typed, from_typed),
            ],
            LENGTH: [
                CallbackQueryHandler(length_choice, pattern=r"^sick:len:(1|2|3|7|unknown|other)$")
            ],
            LENGTH_DATE: [
                CallbackQueryHandler(until_day, pattern=rf"^sick:until:{DATE_PATTERN}$"),
                MessageHandler(typed, until_typed),
            ],
            DOCTOR: [CallbackQueryHandler(doctor_choice, pattern=r"^sick:doc:(seen|will_see|no)$")],
            CONFIRM: [
                CallbackQueryHandler(send_report, pattern=r"^sick:send$"),
                CallbackQueryHandler(start_again, pattern=r"^sick:again$"),
            ],
            CERTIFICATE: [
                MessageHandler(files, certificate_in_flow),
                MessageHandler(other_media, wrong_file),
                CallbackQueryHandler(later, pattern=r"^sick:later$"),
                MessageHandler(typed, photo_please),
            ],
            OPEN_REPORT: [MessageHandler(files, certificate_in_flow)],
            PROLONG_CONFIRM: [
                CallbackQueryHandler(send_prolong, pattern=r"^sick:send$"),
                CallbackQueryHandler(prolong_again, pattern=r"^sick:again$"),
            ],
            BACK: [
                CallbackQueryHandler(back_choice, pattern=rf"^sick:back:({DATE_PATTERN}|other)$")
            ],
            BACK_DATE: [
                CallbackQueryHandler(back_choice, pattern=rf"^sick:back:{DATE_PATTERN}$"),
                MessageHandler(typed, back_typed),
            ],
            BACK_CONFIRM: [
                CallbackQueryHandler(send_back, pattern=r"^sick:send$"),
                CallbackQueryHandler(back_again, pattern=r"^sick:again$"),
            ],
        },
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            CallbackQueryHandler(cancel, pattern=r"^sick:cancel$"),
            MessageHandler(leaving(i18n), leave),
            MessageHandler(files, file_too_early),
            MessageHandler(filters.TEXT, use_buttons),
        ],
        name="sick_report",
        persistent=True,
        allow_reentry=True,
        per_message=False,
    )
    return [conversation, *certificate.handlers(i18n)]
