"""What the sick-report conversations share: their questions, buttons, files and ends.

Three flows (`conversations.sick_report`, with `conversations.sick_longer` and
`conversations.sick_better` nested in it) ask the same way: one question with its
answer buttons and a Cancel button, day buttons, a summary with "Yes, send it" and
"Change", and they end with the client's menu. `conversations.loose_files` shares
the certificate's files and thanks.

Only one of the three has a state at a time (`begin`): they share the Send, Change
and Cancel buttons (their data strings are older than the split), so a flow the client
left by starting another must not take them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, files, flows, menus
from bot.actions import sick_reports as actions
from bot.actions.refusals import NotAllowed, NotFound, Refusal, StaleState
from bot.actions.sick_reports import Attached
from bot.buttons import SickAgain, SickCancel, SickLater, SickLength, SickSend
from bot.callbacks import Button
from bot.context import BotContext
from bot.i18n import N_, I18n, Translator
from bot.menus import Action
from bot.notices.sick_reports import day_text as day_text
from bot.parsing import Yearless, parse_day
from bot.store.models import Person, Role
from bot.store.sick_reports import CertificateMethod, SickReport

END = ConversationHandler.END
# The scratch data of the sick flows (one at a time, see `begin`).
DRAFT = "sick_report"
# The names of their conversations: the new report, and its nested sub-flows.
NEW_REPORT = "sick_report"
LONGER = "sick_longer"
BETTER = "sick_better"

CHANGE = N_("✏️ Change")
# The files the certificate steps do not take, with an answer of their own.
OTHER_MEDIA = (
    filters.VOICE
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.AUDIO
    | filters.Sticker.ALL
    | filters.ANIMATION
)
FILES = filters.PHOTO | filters.Document.ALL
# The lengths offered as buttons, in days.
Days = Literal["1", "2", "3", "7"]
SHORT: tuple[Days, ...] = ("1", "2", "3")


# Questions and buttons


def button(t: Translator, label: str, data: str) -> InlineKeyboardButton:
    """A button whose label is translated for the client."""
    return InlineKeyboardButton(t.plain(label), callback_data=data)


def day_rows(
    t: Translator, days: list[date], data: Callable[[date], Button]
) -> list[list[InlineKeyboardButton]]:
    """Day buttons, three a row; `data(day)` is the button family of the question."""
    buttons = [
        InlineKeyboardButton(t.date(day, "EEE d MMM"), callback_data=data(day).pack())
        for day in days
    ]
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def days_from(first: date, count: int = 12) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def length_rows(t: Translator, labels: dict[Days, str]) -> list[list[InlineKeyboardButton]]:
    """How long: 1, 2, 3 days, a week (`labels`), not known yet, or until a day."""
    return [
        [button(t, labels[key], SickLength(key).pack()) for key in SHORT],
        [
            button(t, labels["7"], SickLength("7").pack()),
            button(t, N_("I don't know yet"), SickLength("unknown").pack()),
        ],
        [button(t, N_("📅 Until a day"), SickLength("other").pack())],
    ]


def confirm_rows(t: Translator) -> list[list[InlineKeyboardButton]]:
    return [
        [button(t, flows.YES_SEND_IT, SickSend().pack())],
        [button(t, CHANGE, SickAgain().pack())],
    ]


def until_line(t: Translator, last_day: date | None) -> str:
    if last_day is None:
        return t._("📅 Until: you do not know yet")
    return t._("📅 Until: {day}", day=day_text(t, last_day))


async def ask(
    update: Update, context: BotContext, text: str, rows: list[list[InlineKeyboardButton]]
) -> None:
    """Send one question with its answer buttons and a Cancel button."""
    cancel = [flows.cancel_button(context, SickCancel().pack())]
    await flows.say(update, context, text, InlineKeyboardMarkup([*rows, cancel]))


async def pressed(update: Update, context: BotContext) -> Person | None:
    """The client behind a button: the press answered and its buttons taken off (no double
    taps). None (and the press is refused) when the person is not a client."""
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return None
    await flows.close_buttons(update)
    return client


async def pressed_report(update: Update, context: BotContext, report_id: int) -> SickReport | None:
    """The client's own report named by a button (of a sick flow or a reminder), the press
    answered and its buttons taken off; anyone else's, or none, is refused and nothing
    happens."""
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return None
    try:
        report = await actions.own_report(context.services, client, report_id)
    except Refusal:
        await access.deny(update, context)
        return None
    await flows.close_buttons(update)
    return report


async def typed_day(update: Update, context: BotContext) -> date | None:
    """The day a client typed, or None after saying it was not understood."""
    day = parse_day(flows.text_of(update), today(context), Yearless.NEAREST)
    if day is None:
        await flows.say(update, context, context._(flows.DATE_NOT_UNDERSTOOD, example="3/12"))
    return day


async def day_from(update: Update, context: BotContext, earliest: date) -> None:
    """A day out of reach: say from when."""
    t = context.translator
    await flows.say(
        update, context, t._("Please choose a day from {day} on.", day=day_text(t, earliest))
    )


# One flow at a time


def draft(context: BotContext) -> dict[str, Any] | None:
    value = context.data.get(DRAFT)
    return value if isinstance(value, dict) else None


def begin(update: Update, context: BotContext, flow: str, **values: Any) -> None:
    """Start `flow` with a fresh draft of `values`; the other sick flows end."""
    end_other_flows(update, context, keep=flow)
    context.data[DRAFT] = dict(values)


def begin_change(update: Update, context: BotContext, flow: str, report: SickReport) -> None:
    """Start `flow`, a change to the open `report` (sick longer, I am better)."""
    begin(update, context, flow, report_id=report.id, first_day=report.first_day.isoformat())


@dataclass(frozen=True)
class ReportDraft:
    """The draft of a change to a report: its values, the report and its first day."""

    values: dict[str, Any]
    report_id: int
    first_day: date


def report_draft(context: BotContext) -> ReportDraft | None:
    current = draft(context)
    if current is None:
        return None
    report_id, first = current.get("report_id"), current.get("first_day")
    if not isinstance(report_id, int) or not isinstance(first, str):
        return None
    return ReportDraft(current, report_id, date.fromisoformat(first))


def today(context: BotContext) -> date:
    return context.services.today()


def sick_conversations(
    application: Application[Any, Any, Any, Any, Any, Any],
) -> list[ConversationHandler[Any]]:
    """The new report's conversation and the sub-flows nested in it."""
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler) and handler.name == NEW_REPORT:
                nested = [h for h in handler.entry_points if isinstance(h, ConversationHandler)]
                return [handler, *nested]
    return []


def end_other_flows(update: Update, context: BotContext, keep: str) -> None:
    """End every sick flow but `keep` for this person.

    PTB ends a conversation only when one of its own handlers returns END: a sub-flow
    keeps its state when the client goes back to the sick report, and the sick report
    keeps its own when a sub-flow starts from its entry points. So the state is dropped
    here as PTB drops it for END (`_update_state`, `_get_key` are PTB's own, pinned by
    `<23`; `test_a_flow_left_for_another_does_not_take_its_buttons` fails if they
    change). The persistence writes it with the update, and a rollback restores it.
    """
    for handler in sick_conversations(context.application):
        if handler.name != keep:
            handler._update_state(END, handler._get_key(update))


async def finish(update: Update, context: BotContext, text: str) -> int:
    """End the flow with `text` and the menu."""
    context.data.pop(DRAFT, None)
    return await flows.back_to_menu(update, context, text)


async def expired(update: Update, context: BotContext) -> int:
    """A button or step that no longer fits: say so, end the flow."""
    return await finish(update, context, context._(flows.EXPIRED_STEP))


async def already_closed(update: Update, context: BotContext, report: SickReport) -> int:
    """Say the report is already closed; end the flow."""
    return await finish(
        update,
        context,
        context._("Sick report {reference} is already closed.", reference=report.reference),
    )


async def refused(
    update: Update, context: BotContext, refusal: Refusal, report_id: int | None = None
) -> int | None:
    """A refusal in the person's words: not theirs (the flow stays where it was), or no
    longer fitting (the flow ends; with `report_id`, saying when the report is closed)."""
    if isinstance(refusal, NotAllowed | NotFound):
        await access.deny(update, context)
        return None
    client = context.person
    if isinstance(refusal, StaleState) and report_id is not None and client is not None:
        try:
            report = await actions.own_report(context.services, client, report_id)
        except Refusal:
            return await expired(update, context)
        if not report.is_open:
            return await already_closed(update, context, report)
    return await expired(update, context)


# The medical certificate


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


CERTIFICATE_QUESTION = N_(
    "📄 Do you have your medical certificate? Take a photo of it and send it here now."
)


def certificate_buttons(t: Translator) -> InlineKeyboardMarkup:
    """The certificate question's one answer besides a photo: later."""
    return InlineKeyboardMarkup([[button(t, flows.LATER, SickLater().pack())]])


async def ask_certificate(update: Update, context: BotContext) -> None:
    """Ask for a photo of the medical certificate now (or later)."""
    t = context.translator
    await flows.say(update, context, t._(CERTIFICATE_QUESTION), certificate_buttons(t))


async def thank_for_certificate(update: Update, context: BotContext, attached: Attached) -> None:
    """Thank the client for the certificate and say who got it; show the menu."""
    t = context.translator
    told = attached.told
    if attached.duplicate:
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
    await flows.back_to_menu(update, context, text)


# The ends every sick flow shares


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel, the Cancel button: stop; nothing (more) is sent."""
    if update.callback_query is not None and await pressed(update, context) is None:
        return END
    return await finish(update, context, context._(flows.NOTHING_SENT))


async def leave(update: Update, context: BotContext) -> int:
    """Another menu button or command: end quietly so that flow can start."""
    return flows.leave(context, DRAFT)


async def use_buttons(update: Update, context: BotContext) -> None:
    """Text where a button is expected."""
    await flows.say(update, context, context._("Please choose one of the buttons above."))


async def file_too_early(update: Update, context: BotContext) -> None:
    """A file before the question is answered."""
    await flows.say(
        update,
        context,
        context._("Please first answer the question above. Then you can send the certificate."),
    )


def fallbacks(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    """Cancel, leave for another flow, and the answers to what no step expects."""
    return [
        *menus.entry_points(i18n, Action.CANCEL, cancel),
        CallbackQueryHandler(cancel, pattern=SickCancel.matches),
        MessageHandler(flows.leaving(i18n), leave),
        MessageHandler(FILES, file_too_early),
        MessageHandler(filters.TEXT, use_buttons),
    ]
