"""What the two evaluation conversations share: the draft's scratch data, the sheet
re-checked on every step, the question of an area, "already sent", and stopping.

`conversations.evaluation` opens the evaluation of one trainee and asks the first
area of a fresh one; `conversations.evaluation_entry` takes every answer from there
on (the first one included), and the "continue" and "start again" buttons.
"""

from __future__ import annotations

from functools import partial

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import access, trainees
from bot.actions import evaluations as actions
from bot.actions.evaluations import Sheet
from bot.buttons import EvaluationLevel
from bot.context import BotContext
from bot.evaluation_form import load_form
from bot.flows import back_to_menu, button, close_buttons, say
from bot.store import people

# The scratch data of both flows: {"internship_id": N, "area": index asked, or -1}.
DATA_KEY = "evaluation"


async def sheet_of(update: Update, context: BotContext, internship_id: int | None) -> Sheet | None:
    """The evaluation of one of the person's trainees; anything else is refused (None)."""
    return await trainees.as_employer(
        update, context, internship_id, partial(actions.sheet, context.services)
    )


async def current(update: Update, context: BotContext) -> Sheet | None:
    """Re-check on every step that this is still the person's trainee and a draft."""
    raw = context.data.get(DATA_KEY)
    internship_id = raw.get("internship_id") if isinstance(raw, dict) else None
    sheet = await sheet_of(
        update, context, internship_id if isinstance(internship_id, int) else None
    )
    if sheet is not None and sheet.submitted:
        await close_buttons(update)
        await already_submitted(update, context, sheet)
        return None
    return sheet


def begin(context: BotContext, sheet: Sheet) -> None:
    """A fresh scratch draft for the evaluation of `sheet`, no area asked yet."""
    context.data[DATA_KEY] = {"internship_id": sheet.internship.id, "area": -1}


def area_index(context: BotContext) -> int:
    raw = context.data.get(DATA_KEY)
    return int(raw.get("area", -1)) if isinstance(raw, dict) else -1


def set_area_index(context: BotContext, index: int) -> None:
    context.data.setdefault(DATA_KEY, {})["area"] = index


def level_answer(update: Update, context: BotContext) -> tuple[str, str] | None:
    """The (area, level) keys of an `EvaluationLevel` press for the area being asked;
    None for any other press (an old question's, a forged one)."""
    press = EvaluationLevel.of(update)
    form = load_form()
    if press is None or press.index != area_index(context) or press.index >= len(form.areas):
        return None
    level = form.level(press.level)
    return (form.areas[press.index].key, level.key) if level else None


async def refused(update: Update, context: BotContext) -> int:
    """The draft can no longer change: say why (sent in the meantime, or not theirs)."""
    if await current(update, context) is not None:
        await access.deny(update, context)
    return ConversationHandler.END


async def already_submitted(update: Update, context: BotContext, sheet: Sheet) -> int:
    """Say the evaluation was already sent, and whom to contact."""
    caseworker = await people.get(context.services.db, sheet.internship.caseworker_id)
    sent_at = sheet.evaluation.submitted_at
    await say(
        update,
        context,
        context._(
            "The evaluation of {name} was already sent on {when}. If something must change, "
            "please contact the caseworker {caseworker}.",
            name=sheet.client_name,
            when=context.translator.datetime(sent_at, "short") if sent_at else "?",
            caseworker=caseworker.name if caseworker else "?",
        ),
    )
    return ConversationHandler.END


async def ask_area(update: Update, context: BotContext, sheet: Sheet, index: int) -> None:
    """Ask the level of one area of the form (`EvaluationLevel` buttons)."""
    form = load_form()
    t = context.translator
    set_area_index(context, index)
    levels = [
        button(level.button_label(t), EvaluationLevel(index, level.key).pack())
        for level in form.levels
    ]
    await say(
        update,
        context,
        context._(
            "Area {number} of {count}: <b>{area}</b>\nHow does {name} do here?",
            number=index + 1,
            count=len(form.areas),
            area=form.areas[index].label(t),
            name=sheet.client_name,
        ),
        InlineKeyboardMarkup([levels[i : i + 2] for i in range(0, len(levels), 2)]),
    )


async def use_the_buttons(update: Update, context: BotContext) -> None:
    """Something the step does not take: say what it needs, change nothing."""
    await say(update, context, context._("Please answer with the buttons above."))


async def later(update: Update, context: BotContext) -> int:
    """Stop for now (⏸ Continue later, /cancel, the Cancel button); the draft stays."""
    await close_buttons(update)
    context.data.pop(DATA_KEY, None)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(
        update,
        context,
        context._(
            "Stopped. Your answers are saved as a draft: press 📝 Evaluation to continue "
            "where you stopped."
        ),
    )
