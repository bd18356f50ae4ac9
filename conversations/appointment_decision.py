"""The workplace decides on a request for time off (or the caseworker, after a workday).

On the request (`bot.notices.absences`): ✅ Approve decides with one tap; ❌ Decline
first asks for an optional reason (typed, or «No reason»). The client hears the
decision, and so does the other side (`bot.actions.absences.approve`, `decline`).
Who may press: a contact of the request's workplace, its caseworker, an admin. A
request decided already says who decided it, and its buttons go.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, flows, menus
from bot.actions import absences
from bot.actions.refusals import NotAllowed, NotFound, Refusal
from bot.buttons import AppointmentCancel, ApproveRequest, DeclineRequest
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    cancel_button,
    close_buttons,
    leaving,
    remove_buttons,
    say,
    typed_answer,
    typed_text,
)
from bot.i18n import I18n
from bot.menus import Action
from bot.store.absences import AbsenceStatus
from bot.store.models import Person, Role

NAME = "appointment_decision"
# Scratch data: the id of the request waiting for a reason to decline it.
DECLINING = "appointment_declining"


class State(StrEnum):
    REASON = "reason"


@dataclass(frozen=True)
class NoReason(Button, prefix="appt:noreason"):
    pass


async def approve(update: Update, context: BotContext) -> int | None:
    """✅ Approve on a request: one tap."""
    press = ApproveRequest.of(update)
    assert press is not None
    person = await decider(update, context)
    if person is None:
        return None
    try:
        decided = await absences.approve(context.services, person, press.absence_id)
    except Refusal as refusal:
        await refused(update, context, refusal, press.absence_id)
        return None
    await answered(update, context, person, decided)
    return ConversationHandler.END


async def ask_decline_reason(update: Update, context: BotContext) -> State | None:
    """❌ Decline: an optional reason first."""
    press = DeclineRequest.of(update)
    assert press is not None
    person = await decider(update, context)
    if person is None:
        return None
    try:
        await absences.pending_request(context.services, person, press.absence_id)
    except Refusal as refusal:
        await refused(update, context, refusal, press.absence_id)
        return None
    # The request keeps its buttons until it is decided.
    await close_buttons(update, keep=True)
    context.data[DECLINING] = press.absence_id
    t = context.translator
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.plain("➡️ No reason"), callback_data=NoReason().pack())],
            [cancel_button(context, AppointmentCancel().pack())],
        ]
    )
    await say(
        update,
        context,
        context._("Why do you decline? Type a short reason, or press “No reason”."),
        keyboard,
    )
    return State.REASON


async def decline_without_reason(update: Update, context: BotContext) -> int | None:
    """«No reason»."""
    await close_buttons(update)
    return await decline(update, context, None)


async def decline_with_reason(update: Update, context: BotContext) -> State | int | None:
    """A typed reason."""
    reason = await typed_answer(update, context, absences.MAX_REASON, multiline=True)
    if reason is None:
        return State.REASON
    return await decline(update, context, reason or None)


async def decline(update: Update, context: BotContext, reason: str | None) -> int | None:
    """Decline the request waiting for a reason, with `reason` (or none)."""
    absence_id = context.data.pop(DECLINING, None)
    if not isinstance(absence_id, int):
        return await flows.expired(update, context)
    person = await decider(update, context)
    if person is None:
        return ConversationHandler.END
    try:
        decided = await absences.decline(context.services, person, absence_id, reason)
    except Refusal as refusal:
        await refused(update, context, refusal, absence_id)
        return ConversationHandler.END
    await answered(update, context, person, decided)
    return ConversationHandler.END


async def decider(update: Update, context: BotContext) -> Person | None:
    """The workplace contact, caseworker or admin behind the update; anyone else refused."""
    return await access.require(update, context, *absences.DECIDERS)


async def answered(
    update: Update, context: BotContext, person: Person, decided: absences.Decided
) -> None:
    """Take the buttons off the request; say who was told."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await remove_buttons(query.message)
    name = decided.client_name
    approved = decided.absence.status == AbsenceStatus.APPROVED
    if person.role == Role.EMPLOYER and approved:
        text = context._("✅ Approved. We told {client} and the caseworker.", client=name)
    elif person.role == Role.EMPLOYER:
        text = context._("❌ Declined. We told {client} and the caseworker.", client=name)
    elif approved:
        text = context._("✅ Approved. We told {client} and the workplace.", client=name)
    else:
        text = context._("❌ Declined. We told {client} and the workplace.", client=name)
    await back_to_menu(update, context, text)


async def refused(update: Update, context: BotContext, refusal: Refusal, absence_id: int) -> None:
    """Not theirs to decide: not for you. Decided already: by whom (its buttons go).
    Otherwise (the internship ended meanwhile): the button expired."""
    if isinstance(refusal, NotAllowed | NotFound):
        await access.deny(update, context)
        return
    standing = await absences.standing(context.services, absence_id)
    t = context.translator
    name = (standing.decided_by if standing else None) or "?"
    if standing is None or standing.status == AbsenceStatus.PENDING:
        await flows.refuse(update, context)
        return
    if standing.status == AbsenceStatus.APPROVED:
        text = t.plain("This request was already approved by {name}.", name=name)
    else:
        text = t.plain("This request was already declined by {name}.", name=name)
    query = update.callback_query
    if query is not None:
        await query.answer(text, show_alert=True)
        await remove_buttons(query.message)
    else:
        await say(update, context, text)


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: the request stays open."""
    return await flows.stop(
        update, context, DECLINING, context._("Stopped. The request is still open.")
    )


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    return flows.leave(context, DECLINING)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        ConversationHandler(
            entry_points=[
                CallbackQueryHandler(approve, pattern=ApproveRequest.matches),
                CallbackQueryHandler(ask_decline_reason, pattern=DeclineRequest.matches),
            ],
            states={
                State.REASON: [
                    CallbackQueryHandler(decline_without_reason, pattern=NoReason.matches),
                    MessageHandler(typed_text(i18n), decline_with_reason),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=AppointmentCancel.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name=NAME,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
