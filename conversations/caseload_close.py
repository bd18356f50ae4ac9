"""The end of an internship: close it with its outcome, cancel it, or a second chance.

- 🏁 Close with outcome (`cl:close:<id>`) shows the workplace's evaluation, if any,
  and the outcomes (`cl:out:<id>:<f|l|n>`). Favourable asks the day the contract is
  (or was) signed: a button (`cl:sign:<id>:<date>`) or typed (state `contract_date`);
  the others close at once, offering a second chance.
- ✖️ Cancel the internship (`cl:cancel:<id>`, confirmed with `cl:cancel!:<id>`): the
  reminders stop; the workplace and the client are told.
- 🔁 Second chance (`cl:again:<id>`, confirmed with `cl:again!:<id>`): an open
  internship is closed, a closed one marked; then ➕ New internship for the client
  (`ni:again:<id>`, in `conversations.new_internship`).

The rules and the messages to others are `bot.actions.internships`' `close`, `cancel`
and `second_chance`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import workdays
from bot.actions import internships as actions
from bot.actions.internships import Outcome
from bot.actions.refusals import Refusal
from bot.buttons import AskCancel, AskOutcome, AskSecondChance, NewInternshipFor
from bot.callbacks import Button
from bot.caseload import (
    OUTCOME_TEXT,
    answer,
    confirm,
    conversation,
    internship_for,
    name_of,
    refused,
    take_buttons_off,
)
from bot.context import BotContext
from bot.flows import (
    button,
    folded_text,
    say,
    typed_text,
)
from bot.i18n import I18n
from bot.parsing import Yearless, parse_day
from bot.store import caseload

KEY = "caseload_close"
# How far back a typed contract date may lie.
SIGNED_BEFORE_DAYS = 60

OutcomeCode = Literal["f", "l", "n"]
OUTCOMES: dict[OutcomeCode, tuple[Outcome, str]] = {
    "f": (Outcome.FAVOURABLE, "👍"),
    "l": (Outcome.LESS_FAVOURABLE, "🟡"),
    "n": (Outcome.NEGATIVE, "👎"),
}


class State(StrEnum):
    CONTRACT_DATE = "contract_date"


@dataclass(frozen=True)
class ChooseOutcome(Button, prefix="cl:out"):
    internship_id: int
    code: OutcomeCode


@dataclass(frozen=True)
class SignedOn(Button, prefix="cl:sign"):
    internship_id: int
    day: date


@dataclass(frozen=True)
class ConfirmCancel(Button, prefix="cl:cancel!"):
    internship_id: int


@dataclass(frozen=True)
class ConfirmSecondChance(Button, prefix="cl:again!"):
    internship_id: int


# Closing with the outcome


async def ask_outcome(update: Update, context: BotContext) -> int | None:
    """`cl:close:<id>`: which outcome?"""
    press = AskOutcome.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id, open_only=True)
    if internship is None:
        return None
    await answer(update)
    t = context.translator
    evaluation = (await caseload.evaluations(context.services.db, [internship.id])).get(
        internship.id
    )
    text = context._("What is the outcome of the internship?")
    if evaluation is not None and evaluation.status == "submitted" and evaluation.outcome:
        text += "\n" + context._(
            "The workplace's evaluation: {outcome}.",
            outcome=t.plain(OUTCOME_TEXT.get(evaluation.outcome, "?")),
        )
    buttons = [
        [
            button(
                f"{icon} {t.plain(OUTCOME_TEXT[outcome])}",
                ChooseOutcome(internship.id, code).pack(),
            )
        ]
        for code, (outcome, icon) in OUTCOMES.items()
    ]
    await say(update, context, text, InlineKeyboardMarkup(buttons))
    return ConversationHandler.END


async def outcome_chosen(update: Update, context: BotContext) -> State | int | None:
    """`cl:out:<id>:<f|l|n>`: favourable asks the signing date; the others close at once."""
    press = ChooseOutcome.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id, open_only=True)
    if internship is None:
        return None
    outcome = OUTCOMES[press.code][0]
    await answer(update)
    await take_buttons_off(update)
    if outcome != Outcome.FAVOURABLE:
        return await _close(update, context, internship.id, outcome, None)
    context.data[KEY] = {"internship_id": internship.id}
    t = context.translator
    today = context.services.today()
    days = [today, *workdays.workdays_from(today + timedelta(days=1), workdays.OFFICE_WEEK, 3)]
    await say(
        update,
        context,
        context._(
            "On which day is (or was) the contract signed? Pick it, or type the date (30/11/2026)."
        ),
        InlineKeyboardMarkup(
            [
                [button(t.date(day, "EEEE d MMMM"), SignedOn(internship.id, day).pack())]
                for day in days
            ]
        ),
    )
    return State.CONTRACT_DATE


async def contract_date_typed(update: Update, context: BotContext) -> State | int | None:
    """Typed: the contract-signing day."""
    internship_id = context.data.get(KEY, {}).get("internship_id")
    if internship_id is None:
        return ConversationHandler.END
    earliest = context.services.today() - timedelta(days=SIGNED_BEFORE_DAYS)
    day = parse_day(folded_text(update), earliest, Yearless.NEXT)
    if day is None:
        await say(
            update,
            context,
            context._("I do not understand this date. Please type it like this: 30/11/2026"),
        )
        return State.CONTRACT_DATE
    return await _close(update, context, int(internship_id), Outcome.FAVOURABLE, day)


async def signed_on_pressed(update: Update, context: BotContext) -> int | None:
    """`cl:sign:<id>:<date>`: one of the days offered."""
    press = SignedOn.of(update)
    assert press is not None
    return await _close(update, context, press.internship_id, Outcome.FAVOURABLE, press.day)


async def _close(
    update: Update,
    context: BotContext,
    internship_id: int,
    outcome: Outcome,
    signed_on: date | None,
) -> int | None:
    """Close the internship with its outcome; the reminders stop."""
    try:
        closed = await actions.close(
            context.services, context.person, internship_id, outcome, signed_on
        )
    except Refusal as refusal:
        return await refused(update, context, refusal)
    await answer(update)
    context.data.pop(KEY, None)
    t = context.translator
    text = context._(
        "The internship of {client} is closed: {outcome}.",
        client=await name_of(context.services, closed.client_id),
        outcome=t.plain(OUTCOME_TEXT[outcome]),
    )
    buttons = None
    if signed_on is not None:
        text += "\n" + context._(
            "Contract signed on {day}; the client starts the next workday.",
            day=t.date(signed_on, "EEEE d MMMM"),
        )
    if outcome != Outcome.FAVOURABLE:
        buttons = InlineKeyboardMarkup(
            [[button(t.plain("🔁 Second chance"), AskSecondChance(closed.id).pack())]]
        )
    await say(update, context, text, buttons)
    return ConversationHandler.END


# Cancelling


async def ask_cancel(update: Update, context: BotContext) -> int | None:
    """`cl:cancel:<id>`: are you sure?"""
    press = AskCancel.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id, open_only=True)
    if internship is None:
        return None
    await answer(update)
    t = context.translator
    await say(
        update,
        context,
        context._(
            "Cancel the internship of {client}? The reminders stop and the workplace and the "
            "client are told.",
            client=await name_of(context.services, internship.client_id),
        ),
        confirm(
            t, t.plain("✅ Yes, cancel it"), ConfirmCancel(internship.id).pack(), internship.id
        ),
    )
    return ConversationHandler.END


async def cancel_internship(update: Update, context: BotContext) -> int | None:
    """`cl:cancel!:<id>`: cancel, stop the reminders, tell the others."""
    press = ConfirmCancel.of(update)
    assert press is not None
    try:
        cancelled = await actions.cancel(context.services, context.person, press.internship_id)
    except Refusal as refusal:
        return await refused(update, context, refusal)
    await answer(update)
    await take_buttons_off(update)
    client = await name_of(context.services, cancelled.client_id)
    await say(update, context, context._("The internship of {client} is cancelled.", client=client))
    return ConversationHandler.END


# Second chance


async def ask_second_chance(update: Update, context: BotContext) -> int | None:
    """`cl:again:<id>`: go on with a second chance?"""
    press = AskSecondChance.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return None
    await answer(update)
    t = context.translator
    await say(
        update,
        context,
        context._(
            "Second chance for {client}: this internship is closed (if it is still open) and "
            "you enter a new internship at another workplace. Go on?",
            client=await name_of(context.services, internship.client_id),
        ),
        confirm(t, t.plain("✅ Yes"), ConfirmSecondChance(internship.id).pack(), internship.id),
    )
    return ConversationHandler.END


async def second_chance(update: Update, context: BotContext) -> int | None:
    """`cl:again!:<id>`: record it (closing when open), offer the new internship."""
    press = ConfirmSecondChance.of(update)
    assert press is not None
    services = context.services
    try:
        before = await actions.followed(services, context.person, press.internship_id)
        marked = await actions.second_chance(services, context.person, press.internship_id)
    except Refusal as refusal:
        return await refused(update, context, refusal)
    await answer(update)
    await take_buttons_off(update)
    t = context.translator
    client = await name_of(services, marked.client_id)
    if before.is_open:
        text = context._(
            "The internship of {client} is closed: {outcome}.",
            client=client,
            outcome=t.plain(OUTCOME_TEXT[marked.outcome or Outcome.NEGATIVE]),
        )
    else:
        text = context._("Second chance recorded for {client}.", client=client)
    new = t.plain("➕ New internship for {client}", client=client)[:60]
    await say(
        update,
        context,
        text,
        InlineKeyboardMarkup([[button(new, NewInternshipFor(marked.id).pack())]]),
    )
    return ConversationHandler.END


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons: list[BaseHandler[Any, Any, Any]] = [
        CallbackQueryHandler(ask_outcome, pattern=AskOutcome.matches),
        CallbackQueryHandler(outcome_chosen, pattern=ChooseOutcome.matches),
        CallbackQueryHandler(signed_on_pressed, pattern=SignedOn.matches),
        CallbackQueryHandler(ask_cancel, pattern=AskCancel.matches),
        CallbackQueryHandler(cancel_internship, pattern=ConfirmCancel.matches),
        CallbackQueryHandler(ask_second_chance, pattern=AskSecondChance.matches),
        CallbackQueryHandler(second_chance, pattern=ConfirmSecondChance.matches),
    ]
    states: dict[object, list[BaseHandler[Any, Any, Any]]] = {
        State.CONTRACT_DATE: [MessageHandler(typed_text(i18n), contract_date_typed)]
    }
    return [conversation(i18n, KEY, buttons, states)]
