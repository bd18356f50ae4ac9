"""Sick report: a client reports sickness, and the workplace and caseworker know at once.

- "🤒 I am sick" (or /sick): from when (today / tomorrow / another day), how long
  (1, 2, 3 days, a week, not known yet, or until a day), whether they saw or will
  see a doctor; a summary to confirm. Four taps reach the summary. The bot never
  asks for a diagnosis.
- On "send", `bot.actions.sick_reports.report` stores the report, what the workplace
  contact(s) and the caseworker hear, and the reminders, in one transaction; then the
  client gets a receipt with a reference (Z-0042) and is asked for the medical
  certificate (a photo or PDF, now or later).
- With an open report the same button shows it: sick longer, I am better, send my
  certificate. The first two are nested conversations of this one
  (`conversations.sick_longer`, `conversations.sick_better`, given by `bot.handlers`),
  also started by the "are you better?" reminder's buttons; "I am better" hands back
  to this flow's certificate step when a workday was missed.
- No internship, or sick days outside it: the caseworker still hears, the workplace
  does not, and the client is told so.

The diagram: `conversations/sick_report.mmd`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, flows, menus, notify, phones
from bot import sick_steps as steps
from bot.actions import sick_reports as actions
from bot.actions.refusals import Refusal
from bot.buttons import (
    SickAgain,
    SickBetter,
    SickCancel,
    SickLater,
    SickLength,
    SickLonger,
    SickSend,
    SickUntil,
)
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import typed_text
from bot.i18n import N_, I18n
from bot.menus import Action
from bot.notices.sick_reports import I_AM_BETTER
from bot.sick_steps import END, FILES, OTHER_MEDIA, ask, day_text, pressed, until_line
from bot.store.models import Role
from bot.store.sick_reports import Doctor, SickReport


class State(StrEnum):
    FROM = "from"
    FROM_DATE = "from_date"
    LENGTH = "length"
    LENGTH_DATE = "length_date"
    DOCTOR = "doctor"
    CONFIRM = "confirm"
    CERTIFICATE = "certificate"
    OPEN_REPORT = "open_report"


@dataclass(frozen=True)
class From(Button, prefix="sick:from"):
    choice: Literal["today", "tomorrow", "other"]


@dataclass(frozen=True)
class FirstDay(Button, prefix="sick:day"):
    day: date


@dataclass(frozen=True)
class SawDoctor(Button, prefix="sick:doc"):
    doctor: Doctor


@dataclass(frozen=True)
class SendCertificate(Button, prefix="sick:cert"):
    report_id: int


LENGTH_LABELS: dict[steps.Days, str] = {
    "1": N_("1 day"),
    "2": N_("2 days"),
    "3": N_("3 days"),
    "7": N_("1 week"),
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
CERTIFICATE_LATER = N_("OK. When you have it, just send the photo here.")


def first_of(current: dict[str, Any]) -> date | None:
    value = current.get("first_day")
    return date.fromisoformat(value) if isinstance(value, str) else None


# The start


async def start(update: Update, context: BotContext) -> State | int:
    """🤒 I am sick: a new report, or what to do with the open one."""
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return END
    report = await actions.open_report(context.services, client)
    if report is not None:
        return await show_open_report(update, context, report)
    steps.begin(update, context, steps.NEW_REPORT)
    return await ask_from(update, context)


async def ask_from(update: Update, context: BotContext) -> State:
    """Ask since when the client is sick."""
    t = context.translator
    rows = [
        [
            steps.button(t, flows.TODAY, From("today").pack()),
            steps.button(t, flows.TOMORROW, From("tomorrow").pack()),
        ],
        [steps.button(t, flows.ANOTHER_DAY, From("other").pack())],
    ]
    await ask(update, context, t._("🤒 Since when are you sick?"), rows)
    return State.FROM


async def from_choice(update: Update, context: BotContext) -> State | int:
    """Today, tomorrow, or another day."""
    press = From.of(update)
    assert press is not None
    if await pressed(update, context) is None:
        return END
    if steps.draft(context) is None:
        return await steps.expired(update, context)
    now = steps.today(context)
    if press.choice == "other":
        t = context.translator
        await ask(
            update,
            context,
            t._("Which day did your sickness start? Choose a day, or type it (like 3/12)."),
            steps.day_rows(t, steps.days_from(now - timedelta(days=3)), FirstDay),
        )
        return State.FROM_DATE
    return await set_first_day(
        update, context, now if press.choice == "today" else now + timedelta(days=1)
    )


async def from_day(update: Update, context: BotContext) -> State | int:
    """A first day from the day buttons."""
    press = FirstDay.of(update)
    assert press is not None
    if await pressed(update, context) is None:
        return END
    if steps.draft(context) is None:
        return await steps.expired(update, context)
    return await set_first_day(update, context, press.day)


async def from_typed(update: Update, context: BotContext) -> State | int:
    """A typed first day."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    if steps.draft(context) is None:
        return await steps.expired(update, context)
    first = await steps.typed_day(update, context)
    if first is None:
        return State.FROM_DATE
    return await set_first_day(update, context, first)


async def set_first_day(update: Update, context: BotContext, first: date) -> State:
    """Keep the first sick day when it is within reach; ask how long."""
    t = context.translator
    window = actions.first_day_window(steps.today(context))
    if first not in window:
        text = t._(
            "Please choose a day between {first} and {last}.",
            first=day_text(t, window.earliest),
            last=day_text(t, window.latest),
        )
        await flows.say(update, context, text)
        return State.FROM_DATE
    context.data[steps.DRAFT] = {"first_day": first.isoformat()}
    rows = steps.length_rows(t, LENGTH_LABELS)
    await ask(update, context, t._("How long do you think you will be sick?"), rows)
    return State.LENGTH


# How long


async def length_choice(update: Update, context: BotContext) -> State | int:
    """1, 2, 3 days, a week, not known yet, or until a day."""
    press = SickLength.of(update)
    assert press is not None
    client = await pressed(update, context)
    if client is None:
        return END
    current = steps.draft(context)
    first = first_of(current) if current is not None else None
    if first is None:
        return await steps.expired(update, context)
    if press.choice == "other":
        t = context.translator
        await ask(
            update,
            context,
            t._("Until which day do you think you will be sick? Choose a day, or type it."),
            steps.day_rows(t, steps.days_from(first), SickUntil),
        )
        return State.LENGTH_DATE
    if press.choice == "unknown":
        return await set_last_day(update, context, None)
    workdays = None if press.choice == "7" else int(press.choice)
    last = await actions.last_sick_day(context.services, client, first, workdays)
    return await set_last_day(update, context, last)


async def until_day(update: Update, context: BotContext) -> State | int:
    """The expected last day from the day buttons."""
    press = SickUntil.of(update)
    assert press is not None
    if await pressed(update, context) is None:
        return END
    return await set_last_day(update, context, press.day)


async def until_typed(update: Update, context: BotContext) -> State | int:
    """A typed expected last day."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    last = await steps.typed_day(update, context)
    if last is None:
        return State.LENGTH_DATE
    return await set_last_day(update, context, last)


async def set_last_day(update: Update, context: BotContext, last: date | None) -> State | int:
    """Keep the expected last day; ask about the doctor."""
    current = steps.draft(context)
    first = first_of(current) if current is not None else None
    if current is None or first is None:
        return await steps.expired(update, context)
    t = context.translator
    window = actions.last_day_window(first, steps.today(context), prolonging=False)
    if last is not None and last not in window:
        await steps.day_from(update, context, window.earliest)
        return State.LENGTH_DATE
    current["last_day"] = last.isoformat() if last else None
    rows = [[steps.button(t, DOCTOR_LABELS[doctor], SawDoctor(doctor).pack())] for doctor in Doctor]
    await ask(update, context, t._("Have you seen a doctor?"), rows)
    return State.DOCTOR


async def doctor_choice(update: Update, context: BotContext) -> State | int:
    """Seen, will see, or no doctor; then the summary."""
    press = SawDoctor.of(update)
    assert press is not None
    if await pressed(update, context) is None:
        return END
    current = steps.draft(context)
    first = first_of(current) if current is not None else None
    if current is None or first is None or "last_day" not in current:
        return await steps.expired(update, context)
    current["doctor"] = press.doctor.value
    t = context.translator
    last = current["last_day"]
    lines = [
        t._("Please check your sick report:"),
        t._("🤒 Sick from: {day}", day=day_text(t, first)),
        until_line(t, date.fromisoformat(last) if last else None),
        t._(DOCTOR_SUMMARY[press.doctor]),
        "",
        t._("Is this right?"),
    ]
    await ask(update, context, "\n".join(lines), steps.confirm_rows(t))
    return State.CONFIRM


async def start_again(update: Update, context: BotContext) -> State | int:
    """Change: ask everything again."""
    if await pressed(update, context) is None:
        return END
    context.data[steps.DRAFT] = {}
    return await ask_from(update, context)


# Send


async def send_report(update: Update, context: BotContext) -> State | int | None:
    """Confirmed: store the report, its notifications and reminders; then the receipt."""
    client = await pressed(update, context)
    if client is None:
        return END
    current = steps.draft(context)
    first = first_of(current) if current is not None else None
    if current is None or first is None or "doctor" not in current:
        return await steps.expired(update, context)
    last = current["last_day"]
    try:
        reported = await actions.report(
            context.services,
            client,
            first,
            date.fromisoformat(last) if last else None,
            Doctor(current["doctor"]),
        )
    except Refusal as refusal:
        return await steps.refused(update, context, refusal)
    context.data[steps.DRAFT] = {"report_id": reported.report.id}
    await send_receipt(update, context, reported)
    return State.CERTIFICATE


async def send_receipt(update: Update, context: BotContext, reported: actions.Reported) -> None:
    """The receipt: reference, who knows it now, what to do next, and the certificate question.

    One message carries both, so a confirmation costs one message, not two.
    """
    t = context.translator
    report, told = reported.report, reported.told
    lines = [
        t._("✅ Thank you. Your sick report is saved."),
        t._("Reference: <b>{reference}</b>", reference=report.reference),
        notify.told_text(t, told),
    ]
    if reported.internship is None:
        lines.append(t._("You have no internship at the moment."))
    elif not told.workplace and not told.workplace_waiting:
        # (Waiting: `told_text` said the workplace does not use the bot yet, and whom to call.)
        lines.append(t._("This is not during your internship, so your workplace was not told."))
    elif report.late and told.workplace:
        call = phones.call_workplace(t, told.call.contact, told.call.caseworker)
        lines.append(t._("Your workday has already started.") + " " + call)
    lines += ["", t._("What now?")]
    if report.doctor is not Doctor.SEEN:
        lines.append(t._("• Go to a doctor."))
    lines.append(
        t._("• When you are better, press «{button}» again.", button=menus.label(t, Action.SICK))
    )
    lines += ["", t._(steps.CERTIFICATE_QUESTION)]
    await flows.say(update, context, "\n".join(lines), steps.certificate_buttons(t))


# The certificate


async def certificate_in_flow(update: Update, context: BotContext) -> int | None:
    """A photo or document while the flow waits for the certificate."""
    client = await access.require(update, context, Role.CLIENT)
    message = update.effective_message
    if client is None or message is None:
        return END
    current = steps.draft(context)
    report_id = current.get("report_id") if current is not None else None
    if not isinstance(report_id, int):
        return await steps.expired(update, context)
    file = steps.incoming_file(message)
    if isinstance(file, steps.FileProblem):
        await flows.say(update, context, steps.problem_text(context.translator, file))
        return None
    try:
        attached = await actions.attach_certificate(
            context.services, client, report_id, file.file_id, file.file_unique_id, file.method
        )
    except Refusal as refusal:
        return await steps.refused(update, context, refusal)
    context.data.pop(steps.DRAFT, None)
    await steps.thank_for_certificate(update, context, attached)
    return END


async def wrong_file(update: Update, context: BotContext) -> None:
    """Voice, video, stickers and the like while waiting for the certificate."""
    problem = steps.FileProblem.WRONG_TYPE
    await flows.say(update, context, steps.problem_text(context.translator, problem))


async def photo_please(update: Update, context: BotContext) -> None:
    """Text while waiting for the certificate."""
    text = context._(
        "Please send a photo of your medical certificate, or press «{button}».",
        button=context.translator.plain(flows.LATER),
    )
    await flows.say(update, context, text)


async def later(update: Update, context: BotContext) -> int:
    """The certificate comes later (Later, Cancel or /cancel in the certificate step)."""
    if update.callback_query is not None and await pressed(update, context) is None:
        return END
    return await steps.finish(update, context, context._(CERTIFICATE_LATER))


async def certificate_wanted(update: Update, context: BotContext) -> State | None:
    """Send my certificate (for the open report)."""
    press = SendCertificate.of(update)
    assert press is not None
    report = await steps.pressed_report(update, context, press.report_id)
    if report is None:
        return None
    steps.begin(update, context, steps.NEW_REPORT, report_id=report.id)
    await steps.ask_certificate(update, context)
    return State.CERTIFICATE


# The open report


async def show_open_report(update: Update, context: BotContext, report: SickReport) -> State:
    """The open report: sick longer, better, or send the certificate."""
    t = context.translator
    steps.begin(update, context, steps.NEW_REPORT, report_id=report.id)
    lines = [
        t._(
            "You are sick since {day} (sick report {reference}).",
            day=day_text(t, report.first_day),
            reference=report.reference,
        ),
        until_line(t, report.expected_last_day),
        "",
        t._("What do you want to do?"),
    ]
    rows = [
        [steps.button(t, N_("📅 I am sick longer"), SickLonger(report.id).pack())],
        [steps.button(t, I_AM_BETTER, SickBetter(report.id).pack())],
        [steps.button(t, N_("📄 Send my certificate"), SendCertificate(report.id).pack())],
    ]
    await ask(update, context, "\n".join(lines), rows)
    return State.OPEN_REPORT


# Handlers


def handlers(
    i18n: I18n, sub_flows: Sequence[ConversationHandler[Any]]
) -> list[BaseHandler[Any, Any, Any]]:
    """The new report, with the open report's sub-flows nested in it.

    The sub-flows are entry points, not only steps of the open report: their buttons
    also come in the "are you better?" reminder, when no flow is running.
    """
    typed = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.SICK, start),
                CallbackQueryHandler(certificate_wanted, pattern=SendCertificate.matches),
                *sub_flows,
            ],
            states={
                State.FROM: [CallbackQueryHandler(from_choice, pattern=From.matches)],
                State.FROM_DATE: [
                    CallbackQueryHandler(from_day, pattern=FirstDay.matches),
                    MessageHandler(typed, from_typed),
                ],
                State.LENGTH: [CallbackQueryHandler(length_choice, pattern=SickLength.matches)],
                State.LENGTH_DATE: [
                    CallbackQueryHandler(until_day, pattern=SickUntil.matches),
                    MessageHandler(typed, until_typed),
                ],
                State.DOCTOR: [CallbackQueryHandler(doctor_choice, pattern=SawDoctor.matches)],
                State.CONFIRM: [
                    CallbackQueryHandler(send_report, pattern=SickSend.matches),
                    CallbackQueryHandler(start_again, pattern=SickAgain.matches),
                ],
                State.CERTIFICATE: [
                    MessageHandler(FILES, certificate_in_flow),
                    MessageHandler(OTHER_MEDIA, wrong_file),
                    CallbackQueryHandler(later, pattern=SickLater.matches),
                    *menus.entry_points(i18n, Action.CANCEL, later),
                    CallbackQueryHandler(later, pattern=SickCancel.matches),
                    MessageHandler(typed, photo_please),
                ],
                State.OPEN_REPORT: [MessageHandler(FILES, certificate_in_flow)],
            },
            fallbacks=steps.fallbacks(i18n),
            name=steps.NEW_REPORT,
            persistent=True,
            allow_reentry=True,
            per_message=False,
        )
    ]
