"""My first workday: the client's card, and the workplace's "ready".

- "🏁 My first workday" (or /firstday): a card with the day, the start time, the
  address (and a map pin when the workplace has coordinates), whom to ask for,
  what to bring, what happens that day and the planned Dutch lessons
  (`bot.notices.first_day`, which also sends it the evening before).
- The workday before the first day the employer contact gets the checklist with a
  "✅ Ready" button (`bot.buttons.FirstDayReady`); pressing it tells the caseworker
  (`bot.actions.first_day.confirm_ready`).

No conversation state: one answer each. State diagram: `conversations/first_day.mmd`.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import access, menus, notify
from bot.actions import first_day as actions
from bot.actions.refusals import Refusal
from bot.buttons import FirstDayReady
from bot.context import BotContext
from bot.i18n import I18n
from bot.menus import Action
from bot.notices.first_day import card_text, employer_text
from bot.store import internships, workplaces
from bot.store.models import Role


async def show_card(update: Update, context: BotContext) -> None:
    """🏁 My first workday: the card, and the map pin when the address has coordinates."""
    message = update.effective_message
    person = await access.require(update, context, Role.CLIENT)
    if person is None or message is None:
        return
    services = context.services
    internship = await internships.current_for_client(services.db, person.id)
    place = await workplaces.get(services.db, internship.workplace_id) if internship else None
    if internship is None or place is None:
        await message.reply_text(
            context._("You have no workplace planned yet. Your caseworker will tell you.")
        )
        return
    call = await notify.whom_to_call(services, internship)
    await message.reply_text(card_text(context.translator, internship, place, call))
    if place.latitude is not None and place.longitude is not None:
        await message.reply_location(latitude=place.latitude, longitude=place.longitude)


async def on_ready(update: Update, context: BotContext) -> None:
    """✅ Ready: the employer contact confirms the first day is prepared; the caseworker hears."""
    query = update.callback_query
    press = FirstDayReady.of(update)
    person = await access.require(update, context, Role.EMPLOYER)
    if person is None or query is None or press is None:
        return
    try:
        ready = await actions.confirm_ready(context.services, person, press.internship_id)
    except Refusal:
        await access.deny(update, context)
        return
    t = context.translator
    await query.answer(t.plain("Thank you! The caseworker knows."))
    await query.edit_message_text(
        employer_text(t, ready.internship, ready.workplace, ready.client)
        + "\n\n"
        + t._("✅ Ready. Thank you! The caseworker knows."),
        reply_markup=None,
    )


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        *menus.entry_points(i18n, Action.FIRST_DAY, show_card),
        CallbackQueryHandler(on_ready, pattern=FirstDayReady.matches),
    ]
