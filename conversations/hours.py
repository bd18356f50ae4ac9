"""Internship hours, the opening: whose hours, and whether to correct or continue them.

The client earns an encouragement premium per internship hour, so the workplace
reports the exact hours. An employer contact picks one of their own workplace's
trainees (or comes straight from a reminder's button), and hears when the
caseworker has locked the hours. Hours given before are shown (version, who, when)
with the choice to correct them; unfinished hours can be continued or started
again. Then: per workday or one total. Entering and sending them is the next flow,
`conversations.hours_entry`, which the "per day", "in total" and "continue" buttons
start (this flow ends on them).

Entry: the ⏱ menu button, /hours, or a trainee's `hours:start:<internship id>`
button (the evaluation reminders carry one). State diagram: `conversations/hours.mmd`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import flows, menus, trainees
from bot.actions import hours as actions
from bot.actions.hours import Draft, Sheet, duration
from bot.buttons import EvaluationStart, HoursMode, HoursResume, HoursStart
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import back_to_menu, button, close_buttons, end_silently, leaving, say, typed_text
from bot.i18n import I18n
from bot.menus import Action
from bot.store import people


class State(StrEnum):
    CHOOSE_TRAINEE = "choose_trainee"
    CORRECT = "correct"
    RESUME = "resume"
    CHOOSE_MODE = "choose_mode"


@dataclass(frozen=True)
class Correct(Button, prefix="hours:correct"):
    """✏️ Correct the hours given before."""


@dataclass(frozen=True)
class Keep(Button, prefix="hours:keep"):
    """✅ Keep the hours given before."""


@dataclass(frozen=True)
class Restart(Button, prefix="hours:restart"):
    """🔁 Throw the unfinished hours away and start again."""


# Helpers


async def sheet_of(update: Update, context: BotContext, internship_id: int | None) -> Sheet | None:
    """The hours sheet of one of the person's trainees; anything else is refused (None)."""
    return await trainees.as_employer(
        update, context, internship_id, partial(actions.sheet, context.services)
    )


async def current(update: Update, context: BotContext) -> Sheet | None:
    """Re-check, on every step, that the hours being opened are still this person's."""
    draft = Draft.load(context.data)
    return await sheet_of(update, context, draft.internship_id if draft else None)


# Entry


async def start(update: Update, context: BotContext) -> State | int:
    """⏱ Internship hours: pick a trainee of this workplace (or go straight to the only one)."""
    found = await trainees.employer_and_trainees(update, context)
    if found is None:
        return ConversationHandler.END
    open_internships = found[1]
    if not open_internships:
        await say(update, context, context._(trainees.NO_TRAINEE))
        return ConversationHandler.END
    if len(open_internships) == 1:
        sheet = await sheet_of(update, context, open_internships[0].id)
        return (
            ConversationHandler.END if sheet is None else await open_hours(update, context, sheet)
        )
    rows = await trainees.trainee_rows(context.services, open_internships, HoursStart)
    await say(
        update,
        context,
        context._("For which trainee do you want to give the hours?"),
        InlineKeyboardMarkup(rows),
    )
    return State.CHOOSE_TRAINEE


async def pick_trainee(update: Update, context: BotContext) -> State | int | None:
    """A trainee button, or a reminder's `hours:start:<id>`: check, then open.

    A refused one changes nothing: whatever was going on goes on.
    """
    press = HoursStart.of(update)
    sheet = await sheet_of(update, context, press.internship_id if press else None)
    if sheet is None:
        return None
    await close_buttons(update)
    return await open_hours(update, context, sheet)


async def open_hours(update: Update, context: BotContext, sheet: Sheet) -> State | int:
    """Locked, unfinished hours to continue, given before (correct them?), or a fresh start."""
    if sheet.locked_by is not None:
        await say(
            update,
            context,
            context._(
                "The caseworker {caseworker} has locked the hours of {name}, so they can no "
                "longer be changed here. If something is wrong, please contact {caseworker}.",
                caseworker=sheet.locked_by,
                name=sheet.client_name,
            ),
        )
        return ConversationHandler.END
    draft = Draft.load(context.data)
    if draft is not None and draft.internship_id == sheet.internship.id and draft.has_progress:
        await say(
            update,
            context,
            context._("You started giving the hours of {name} earlier.", name=sheet.client_name),
            flows.resume_buttons(context, HoursResume(), Restart()),
        )
        return State.RESUME
    Draft(sheet.internship.id).save(context.data)
    if sheet.latest is not None:
        return await offer_correction(update, context, sheet)
    return await ask_mode(update, context, sheet)


async def offer_correction(update: Update, context: BotContext, sheet: Sheet) -> State:
    """The hours were given before: show them and ask whether to correct them."""
    t = context.translator
    latest = sheet.latest
    assert latest is not None
    submitter = await people.get(context.services.db, latest.submitted_by or 0)
    await say(
        update,
        context,
        context._(
            "The hours of {name} were given on {when} by {who}: <b>{total}</b> (version "
            "{version}). Do you want to correct them?",
            name=sheet.client_name,
            when=t.datetime(latest.submitted_at, "short") if latest.submitted_at else "?",
            who=submitter.name if submitter else "?",
            total=duration(t, latest.total_minutes),
            version=latest.version,
        ),
        InlineKeyboardMarkup(
            [
                [button(t.plain("✏️ Correct the hours"), Correct().pack())],
                [button(t.plain("✅ Keep them"), Keep().pack())],
            ]
        ),
    )
    return State.CORRECT


async def correct(update: Update, context: BotContext) -> State | int:
    """Correct hours given before."""
    sheet = await current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_mode(update, context, sheet)


async def keep(update: Update, context: BotContext) -> int:
    """Keep the hours given before."""
    if await current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    context.data.pop(Draft.KEY, None)
    return await back_to_menu(update, context, context._("Fine, nothing was changed."))


async def restart(update: Update, context: BotContext) -> State | int:
    """Throw the unfinished hours away and start again."""
    sheet = await current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    Draft(sheet.internship.id).save(context.data)
    return await ask_mode(update, context, sheet)


async def ask_mode(update: Update, context: BotContext, sheet: Sheet) -> State:
    """Ask whether to give the hours per day or in total (`hours_entry` takes the answer)."""
    t = context.translator
    await say(
        update,
        context,
        context._(
            "How do you want to give the hours of {name}?\n\n"
            "📅 <b>Per day</b>: I show each workday with the scheduled hours. A normal day "
            "is one tap.\n"
            "🧮 <b>In total</b>: one number for the whole internship.",
            name=sheet.client_name,
        ),
        InlineKeyboardMarkup(
            [
                [button(t.plain("📅 Per day"), HoursMode("day").pack())],
                [button(t.plain("🧮 In total"), HoursMode("total").pack())],
            ]
        ),
    )
    return State.CHOOSE_MODE


async def use_the_buttons(update: Update, context: BotContext) -> None:
    """Text where a button is expected: say so (nothing typed is taken silently)."""
    await say(
        update,
        context,
        context._("Please choose with the buttons above. Nothing was changed."),
    )


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is stored."""
    return await flows.stop(update, context, Draft.KEY, context._(flows.NOTHING_SENT))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.HOURS, start),
                CallbackQueryHandler(pick_trainee, pattern=HoursStart.matches),
            ],
            states={
                State.CHOOSE_TRAINEE: [MessageHandler(text, use_the_buttons)],
                State.CORRECT: [
                    CallbackQueryHandler(correct, pattern=Correct.matches),
                    CallbackQueryHandler(keep, pattern=Keep.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.RESUME: [
                    CallbackQueryHandler(restart, pattern=Restart.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.CHOOSE_MODE: [MessageHandler(text, use_the_buttons)],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                # Per day, in total, continue: `hours_entry` takes it from here.
                CallbackQueryHandler(end_silently, pattern=HoursMode.matches),
                CallbackQueryHandler(end_silently, pattern=HoursResume.matches),
                # The evaluation opened from a reminder button: leave the hours.
                CallbackQueryHandler(end_silently, pattern=EvaluationStart.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="hours",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
