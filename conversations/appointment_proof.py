"""The proof of an approved appointment: the client sends a photo or a PDF.

The workday after an approved appointment, 08:00, the client is asked for a proof
(`bot.notices.absences.remind_proof`); its 📎 Send proof button starts this flow:
send a photo or a PDF now. It is kept with the appointment and goes, as the same
file, to the workplace contact(s) and the caseworker
(`bot.actions.absences.attach_proof`). Anything else is refused and goes nowhere.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, files, flows, menus
from bot.absence_texts import PROOF_ALREADY_SENT, proof_thanks
from bot.actions import absences
from bot.actions.refusals import NotAllowed, NotFound, Refusal
from bot.buttons import AppointmentCancel, SendProof
from bot.context import BotContext
from bot.files import photo_or_pdf
from bot.flows import back_to_menu, cancel_button, close_buttons, leaving, say, typed_text
from bot.i18n import I18n
from bot.menus import Action
from bot.store.models import Role

NAME = "appointment_proof"
# Scratch data: the id of the appointment whose proof is awaited.
PROOF_FOR = "appointment_proof_for"


class State(StrEnum):
    PROOF = "proof"


async def ask_proof(update: Update, context: BotContext) -> State | None:
    """«Send proof» (the reminder's button): send a photo or a PDF now."""
    press = SendProof.of(update)
    assert press is not None
    person = await access.require(update, context, Role.CLIENT)
    if person is None:
        return None
    try:
        await absences.proof_awaited(context.services, person, press.absence_id)
    except Refusal as refusal:
        await refused(update, context, refusal, press.absence_id)
        return None
    await close_buttons(update, keep=True)
    context.data[PROOF_FOR] = press.absence_id
    await say(
        update,
        context,
        context._("📎 Send a photo or a PDF of your proof now."),
        InlineKeyboardMarkup([[cancel_button(context, AppointmentCancel().pack())]]),
    )
    return State.PROOF


async def receive_proof(update: Update, context: BotContext) -> State | int:
    """A photo or document (or text) in the proof step."""
    message = update.effective_message
    proof = photo_or_pdf(message)
    if proof is None:
        if message is not None and message.document is not None:
            await say(update, context, context._(files.NOT_ACCEPTED))
        else:
            await say(update, context, context._("Please send a photo or a PDF."))
        return State.PROOF
    absence_id = context.data.pop(PROOF_FOR, None)
    person = context.person
    if not isinstance(absence_id, int) or person is None:
        return await flows.expired(update, context)
    try:
        told = await absences.attach_proof(context.services, person, absence_id, *proof)
    except Refusal as refusal:
        await refused(update, context, refusal, absence_id)
        return ConversationHandler.END
    return await back_to_menu(update, context, proof_thanks(context.translator, told))


async def refused(update: Update, context: BotContext, refusal: Refusal, absence_id: int) -> None:
    """Not their appointment: not for you. The proof came already: thank you. Otherwise
    (no longer approved): the step expired."""
    if isinstance(refusal, NotAllowed | NotFound):
        await access.deny(update, context)
        return
    await close_buttons(update, keep=True)
    standing = await absences.standing(context.services, absence_id)
    if standing is not None and standing.has_proof:
        await back_to_menu(update, context, context._(PROOF_ALREADY_SENT))
    else:
        await flows.expired(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is sent."""
    return await flows.stop(update, context, PROOF_FOR, context._(flows.NOTHING_SENT))


async def end_silently(update: Update, context: BotContext) -> int:
    """Another menu button or command: leave this flow so the next one can start."""
    return flows.leave(context, PROOF_FOR)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        ConversationHandler(
            entry_points=[CallbackQueryHandler(ask_proof, pattern=SendProof.matches)],
            states={
                State.PROOF: [
                    MessageHandler(filters.PHOTO | filters.Document.ALL, receive_proof),
                    MessageHandler(typed_text(i18n), receive_proof),
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
