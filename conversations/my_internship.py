"""My internship: the client's overview, in one message.

"📋 My internship" (or /internship) shows the start and last day, the workdays
left, the evaluation day, the hours the workplace reported so far and the
encouragement premium they make (1 euro per hour by default,
`PREMIUM_CENTS_PER_HOUR`), and whom to call: the workplace's contact and the
caseworker, with their phone numbers (`bot.phones`), or whom to ask for one. A client at a private
workplace has no internship: they see their workplace, start day and caseworker.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot import access, menus, notify, phones
from bot.context import BotContext
from bot.exports import premium_cents
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.store import first_day as store
from bot.store import internships, workplaces
from bot.store.models import Internship, Person, Role, Workplace, WorkplaceKind
from bot.workdays import due_day, internship_days


def hours(t: Translator, minutes: int) -> str:
    """Minutes as hours with up to two decimals, in the person's locale (7,5)."""
    return t.number((Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def overview_text(
    t: Translator,
    internship: Internship,
    place: Workplace,
    caseworker: Person | None,
    today: date,
    minutes: int | None,
    cents_per_hour: int,
    contact: Person | None = None,
) -> str:
    days = internship_days(internship)
    left = sum(1 for day in days if day >= today)
    lines = [
        t._("📋 <b>Your internship</b>"),
        "",
        t._("🏢 Workplace: {place}", place=place.name),
        t._("▶️ First day: {day}", day=t.date(days[0])),
        t._("🏁 Last day: {day}", day=t.date(days[-1])),
        t.ngettext("⏳ {n} workday left", "⏳ {n} workdays left", left),
        t._("📝 Evaluation: {day}", day=t.date(due_day(internship))),
        "",
    ]
    if minutes is None:
        lines.append(t._("⏱ Your workplace has not sent your hours yet."))
    else:
        lines += [
            t._("⏱ Hours sent by your workplace: {hours}", hours=hours(t, minutes)),
            t._(
                "💶 Your premium: {amount}",
                amount=t.money(premium_cents(minutes, cents_per_hour)),
            ),
        ]
    return "\n".join([*lines, *whom_to_call(t, contact, caseworker)])


def whom_to_call(t: Translator, contact: Person | None, caseworker: Person | None) -> list[str]:
    """The workplace's and the caseworker's numbers (or whom to ask), under a blank line."""
    lines = [phones.workplace_line(t, contact, caseworker)]
    if caseworker is not None:
        lines.append(phones.caseworker_line(t, caseworker))
    shown = [line for line in lines if line]
    return ["", *shown] if shown else []


def contract_text(
    t: Translator,
    internship: Internship,
    place: Workplace,
    caseworker: Person | None,
    contact: Person | None = None,
) -> str:
    """A private workplace: no internship, so no hours or premium."""
    lines = [
        t._("📋 <b>Your work</b>"),
        "",
        t._("🏢 Workplace: {place}", place=place.name),
        t._("▶️ First day: {day}", day=t.date(internship_days(internship)[0])),
        t._("You work with a contract. There is no internship."),
    ]
    return "\n".join([*lines, *whom_to_call(t, contact, caseworker)])


async def show_overview(update: Update, context: BotContext) -> None:
    """📋 My internship: dates, workdays left, evaluation day, hours, premium, caseworker."""
    message = update.effective_message
    person = await access.require(update, context, Role.CLIENT)
    if person is None or message is None:
        return
    services = context.services
    internship = await internships.current_for_client(services.db, person.id)
    place = await workplaces.get(services.db, internship.workplace_id) if internship else None
    if internship is None or place is None:
        await message.reply_text(
            context._("You have no internship yet. Your caseworker will tell you.")
        )
        return
    call = await notify.whom_to_call(services, internship)
    caseworker, contact = call.caseworker, call.contact
    t = context.translator
    if place.kind == WorkplaceKind.PRIVATE:
        await message.reply_text(contract_text(t, internship, place, caseworker, contact))
        return
    today = services.today()
    minutes = await store.reported_minutes(services.db, internship.id)
    await message.reply_text(
        overview_text(
            t,
            internship,
            place,
            caseworker,
            today,
            minutes,
            services.settings.premium_per_hour_cents,
            contact,
        )
    )


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return menus.entry_points(i18n, Action.MY_INTERNSHIP, show_overview)
