"""Evaluation, the opening: whose evaluation, and whether to continue a draft.

The form of OCMW Antwerpen (`bot.evaluation_form`): every area scored on one of
four levels, a remark required for "problematic", then the overall result, the
bottlenecks of a less favourable or negative one, optionally a photo or PDF of the
paper form. An employer contact picks one of their own workplace's trainees (or
comes straight from a reminder's button) and hears when it was already sent; a
draft can be continued or started again, a fresh one starts with the first area.
Answering and sending is the next flow, `conversations.evaluation_entry`, which the
answer to that first area and the "continue" and "start again" buttons start (this
flow ends on them).

Entry: the 📝 menu button, /evaluation, or a trainee's `eval:start:<internship id>`
button (the evaluation reminders carry one). State diagram: `conversations/evaluation.mmd`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import evaluation_steps as steps
from bot import flows, menus, trainees
from bot.actions import evaluations as actions
from bot.actions.evaluations import Sheet
from bot.actions.refusals import Refusal
from bot.buttons import (
    EvaluationLevel,
    EvaluationRestart,
    EvaluationResume,
    EvaluationStart,
    HoursStart,
)
from bot.context import BotContext
from bot.evaluation_form import load_form
from bot.flows import close_buttons, end_silently, leaving, say
from bot.i18n import I18n
from bot.menus import Action


class State(StrEnum):
    CHOOSE_TRAINEE = "choose_trainee"
    RESUME = "resume"
    # The first area of a fresh evaluation is asked; its answer starts the next flow.
    AREA = "area"


# Entry


async def start(update: Update, context: BotContext) -> State | int:
    """📝 Evaluation: pick a trainee of this workplace (or go straight to the only one)."""
    found = await trainees.employer_and_trainees(update, context)
    if found is None:
        return ConversationHandler.END
    person, open_internships = found
    if not open_internships:
        await say(update, context, context._(trainees.NO_TRAINEE))
        return ConversationHandler.END
    if len(open_internships) == 1:
        sheet = await steps.sheet_of(update, context, open_internships[0].id)
        if sheet is None:
            return ConversationHandler.END
        return await open_evaluation(update, context, sheet)
    sent = set()
    for internship in open_internships:
        if (await actions.sheet(context.services, person, internship.id)).submitted:
            sent.add(internship.id)
    rows = await trainees.trainee_rows(
        context.services, open_internships, EvaluationStart, done=frozenset(sent)
    )
    await say(
        update,
        context,
        context._("Which trainee do you want to evaluate?"),
        InlineKeyboardMarkup(rows),
    )
    return State.CHOOSE_TRAINEE


async def pick_trainee(update: Update, context: BotContext) -> State | int | None:
    """A trainee button, or a reminder's `eval:start:<id>`: check, then open.

    A refused one changes nothing: whatever was going on goes on.
    """
    press = EvaluationStart.of(update)
    sheet = await steps.sheet_of(update, context, press.internship_id if press else None)
    if sheet is None:
        return None
    await close_buttons(update)
    return await open_evaluation(update, context, sheet)


async def open_evaluation(update: Update, context: BotContext, sheet: Sheet) -> State | int:
    """Already sent, a draft to resume, or a fresh start."""
    steps.begin(context, sheet)
    evaluation = sheet.evaluation
    if sheet.submitted:
        return await steps.already_submitted(update, context, sheet)
    if not evaluation.is_empty:
        t = context.translator
        await say(
            update,
            context,
            context._(
                "You started the evaluation of {name} earlier (last saved {when}).",
                name=sheet.client_name,
                when=t.datetime(evaluation.updated_at, "short") if evaluation.updated_at else "?",
            ),
            flows.resume_buttons(context, EvaluationResume(), EvaluationRestart()),
        )
        return State.RESUME
    await say(
        update,
        context,
        context._(
            "📝 Evaluation of {name}.\n\nYou give a score for {count} areas, then the overall "
            "result. Every answer is saved at once: you can stop and continue later.",
            name=sheet.client_name,
            count=len(load_form().areas),
        ),
    )
    await steps.ask_area(update, context, sheet, 0)
    return State.AREA


async def restart(update: Update, context: BotContext) -> State | int:
    """🔁 Throw the draft away and start again, with the first area."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    assert context.person is not None
    try:
        await actions.discard(context.services, context.person, sheet.internship.id)
    except Refusal:
        return await steps.refused(update, context)
    await steps.ask_area(update, context, sheet, 0)
    return State.AREA


async def hand_over_level(update: Update, context: BotContext) -> int | None:
    """The answer to the area asked: `conversations.evaluation_entry` takes it, this flow
    ends; an old or forged press changes nothing here (and is refused there)."""
    return ConversationHandler.END if steps.level_answer(update, context) else None


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    buttons_only: BaseHandler[Update, Any, Any] = MessageHandler(
        flows.typed_text(i18n), steps.use_the_buttons
    )
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.EVALUATION, start),
                CallbackQueryHandler(pick_trainee, pattern=EvaluationStart.matches),
            ],
            states={
                State.CHOOSE_TRAINEE: [buttons_only],
                State.RESUME: [
                    CallbackQueryHandler(restart, pattern=EvaluationRestart.matches),
                    buttons_only,
                ],
                State.AREA: [buttons_only],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, steps.later),
                # Continue, or the first area's level: `evaluation_entry` takes it from here.
                CallbackQueryHandler(end_silently, pattern=EvaluationResume.matches),
                CallbackQueryHandler(hand_over_level, pattern=EvaluationLevel.matches),
                # The hours opened from a reminder button: leave the evaluation (the draft stays).
                CallbackQueryHandler(end_silently, pattern=HoursStart.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="evaluation",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
