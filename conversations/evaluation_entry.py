"""Evaluation, the answers: every area scored, the result, the bottlenecks, the paper
form, a summary, then sent to the caseworker at once.

`conversations.evaluation` has opened the evaluation of one trainee (its scratch data
names the internship, `bot.evaluation_steps`); the answer to the first area of a
fresh one, "▶️ Continue" and "🔁 Start again" start this flow. A remark is required
for "problematic"; a less favourable or negative result needs the bottlenecks (typed
or a voice message); a photo or PDF of the paper form is optional. Every answer is
saved at once as a draft (`bot.actions.evaluations`), so a busy employer can stop and
later continue where they stopped; only the confirmed summary is sent. Who hears what
then: `bot.notices.evaluations` (the client never sees the scores).

State diagram: `conversations/evaluation_entry.mmd`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import evaluation_steps as steps
from bot import files, flows, menus, trainees
from bot.actions import evaluations as actions
from bot.actions.evaluations import Sheet
from bot.actions.refusals import InvalidValue, Refusal
from bot.buttons import EvaluationLevel, EvaluationResume, EvaluationStart, HoursStart
from bot.callbacks import Button
from bot.context import BotContext
from bot.evaluation_form import (
    MAX_BOTTLENECKS,
    MAX_REMARK,
    Step,
    bottlenecks_line,
    load_form,
    next_step,
    score_lines,
)
from bot.flows import back_to_menu, button, close_buttons, end_silently, leaving, say, typed_answer
from bot.i18n import N_, I18n
from bot.menus import Action
from bot.services import Services
from bot.store import people
from bot.store.evaluations import Evaluation, FormMethod, Outcome
from bot.store.models import Person

# Long remarks and bottlenecks are cut in the summary so that seven remarks and the
# bottlenecks stay within Telegram's 4096 characters.
REMARK_IN_SUMMARY = 120
BOTTLENECKS_IN_SUMMARY = 1500

OUTCOME_LABELS = {
    Outcome.FAVOURABLE: N_("✅ Favourable"),
    Outcome.LESS_FAVOURABLE: N_("⚠️ Less favourable"),
    Outcome.NEGATIVE: N_("❌ Negative"),
}

# What the employer reads once the evaluation is sent, by its result.
THANKS = {
    Outcome.FAVOURABLE: N_(
        "✅ Thank you! The evaluation of {name} was sent to the caseworker {caseworker}, "
        "who will plan the contract signing."
    ),
    Outcome.LESS_FAVOURABLE: N_(
        "✅ Thank you! The evaluation of {name}, with the bottlenecks, was sent to the "
        "caseworker {caseworker}, who will contact you soon to look for a solution together."
    ),
    Outcome.NEGATIVE: N_(
        "✅ Thank you! The evaluation of {name} was sent to the caseworker {caseworker}, "
        "who will contact you. {name} will get a second chance at another workplace."
    ),
}


class State(StrEnum):
    AREA = "area"
    REMARK = "remark"
    OUTCOME = "outcome"
    BOTTLENECKS = "bottlenecks"
    FORM = "form"
    SUMMARY = "summary"
    PICK_AREA = "pick_area"


@dataclass(frozen=True)
class Result(Button, prefix="eval:outcome"):
    """The overall result."""

    outcome: Outcome


@dataclass(frozen=True)
class NoForm(Button, prefix="eval:noform"):
    """➡️ No paper form."""


@dataclass(frozen=True)
class Send(Button, prefix="eval:send"):
    """✅ Send to the caseworker."""


@dataclass(frozen=True)
class ChangeScore(Button, prefix="eval:change"):
    """✏️ Change a score."""


@dataclass(frozen=True)
class ChangeResult(Button, prefix="eval:result"):
    """✏️ Change the result."""


@dataclass(frozen=True)
class ChangeForm(Button, prefix="eval:form"):
    """📎 Change the paper form."""


@dataclass(frozen=True)
class PickArea(Button, prefix="eval:area"):
    """The area at `index`, to score it again."""

    index: int


@dataclass(frozen=True)
class Later(Button, prefix="eval:later"):
    """⏸ Continue later."""


# Helpers


Write = Callable[[Services, Person, int], Awaitable[Evaluation]]


async def saved(
    update: Update, context: BotContext, sheet: Sheet, write: Write
) -> Evaluation | None:
    """`write` the answer to the draft: the draft as saved, or None after saying why not
    (sent in the meantime, no longer this person's). A value the action refuses raises."""
    assert context.person is not None
    try:
        return await write(context.services, context.person, sheet.internship.id)
    except InvalidValue:
        raise
    except Refusal:
        await steps.refused(update, context)
        return None


# Entry (from `conversations.evaluation`)


async def resume(update: Update, context: BotContext) -> State | int:
    """Continue where the evaluation was left."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_next(update, context, sheet, sheet.evaluation)


# The questions


async def ask_next(
    update: Update, context: BotContext, sheet: Sheet, evaluation: Evaluation
) -> State:
    """Ask the first question the draft has no answer to yet (the summary when complete)."""
    step, index = next_step(load_form(), evaluation)
    if step is Step.AREA:
        return await ask_area(update, context, sheet, index)
    if step is Step.REMARK:
        return await ask_remark(update, context, evaluation, index)
    if step is Step.OUTCOME:
        return await ask_outcome(update, context, sheet)
    if step is Step.BOTTLENECKS:
        return await ask_bottlenecks(update, context)
    if step is Step.FORM:
        return await ask_form(update, context)
    return await show_summary(update, context, sheet, evaluation)


async def ask_area(update: Update, context: BotContext, sheet: Sheet, index: int) -> State:
    await steps.ask_area(update, context, sheet, index)
    return State.AREA


async def choose_level(update: Update, context: BotContext) -> State | int | None:
    """A level for the area being asked; a remark follows when the level needs one."""
    sheet = await steps.current(update, context)
    if sheet is None or EvaluationLevel.of(update) is None:
        return ConversationHandler.END
    answer = steps.level_answer(update, context)
    if answer is None:
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    area, level = answer
    evaluation = await saved(
        update, context, sheet, partial(actions.set_level, area=area, level=level)
    )
    if evaluation is None:
        return ConversationHandler.END
    return await ask_next(update, context, sheet, evaluation)


async def ask_remark(
    update: Update, context: BotContext, evaluation: Evaluation, index: int
) -> State:
    """Ask the remark a low level needs for this area."""
    form = load_form()
    t = context.translator
    area = form.areas[index]
    score = evaluation.scores[area.key]
    level = form.level(score.level)
    steps.set_area_index(context, index)
    await say(
        update,
        context,
        context._(
            "You chose «{level}» for <b>{area}</b>. A remark is needed here: what goes wrong? "
            "Please type it briefly.",
            level=level.label(t) if level else score.level,
            area=area.label(t),
        ),
    )
    return State.REMARK


async def remark_typed(update: Update, context: BotContext) -> State | int | None:
    """The remark for the area being asked."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    text = await typed_answer(
        update,
        context,
        MAX_REMARK,
        multiline=True,
        too_long=N_(
            "This remark is too long ({typed} characters). Please keep it under {limit} "
            "characters; you can add more in the bottlenecks or on the paper form."
        ),
    )
    if text is None:
        return None
    form = load_form()
    index = steps.area_index(context)
    if not 0 <= index < len(form.areas):
        return await ask_next(update, context, sheet, sheet.evaluation)
    area = form.areas[index].key
    try:
        evaluation = await saved(
            update, context, sheet, partial(actions.set_remark, area=area, remark=text)
        )
    except InvalidValue:
        # Nothing but spaces (or no score to remark on): ask what is missing.
        return await ask_next(update, context, sheet, sheet.evaluation)
    if evaluation is None:
        return ConversationHandler.END
    return await ask_next(update, context, sheet, evaluation)


async def ask_outcome(update: Update, context: BotContext, sheet: Sheet) -> State:
    """Ask the overall result of the internship."""
    t = context.translator
    await say(
        update,
        context,
        context._(
            "What is the overall result of the internship of {name}?", name=sheet.client_name
        ),
        InlineKeyboardMarkup(
            [[button(t.plain(label), Result(o).pack())] for o, label in OUTCOME_LABELS.items()]
        ),
    )
    return State.OUTCOME


async def choose_outcome(update: Update, context: BotContext) -> State | int:
    """The overall result; choosing it again asks the bottlenecks again."""
    press = Result.of(update)
    sheet = await steps.current(update, context)
    if sheet is None or press is None:
        return ConversationHandler.END
    await close_buttons(update)
    evaluation = await saved(
        update, context, sheet, partial(actions.set_outcome, outcome=press.outcome)
    )
    if evaluation is None:
        return ConversationHandler.END
    return await ask_next(update, context, sheet, evaluation)


async def ask_bottlenecks(update: Update, context: BotContext) -> State:
    """Ask the bottlenecks (typed or a voice message)."""
    await say(
        update,
        context,
        context._(
            "What are the bottlenecks? Type them, or send a voice message. The caseworker gets "
            "them at once, so you can look for a solution together."
        ),
    )
    return State.BOTTLENECKS


async def bottlenecks_given(update: Update, context: BotContext) -> State | int | None:
    """The bottlenecks, typed or as a voice message."""
    sheet = await steps.current(update, context)
    message = update.effective_message
    if sheet is None or message is None:
        return ConversationHandler.END
    if message.voice is not None:
        write = partial(actions.set_bottlenecks, voice_file_id=message.voice.file_id)
    else:
        text = await typed_answer(
            update,
            context,
            MAX_BOTTLENECKS,
            multiline=True,
            too_long=N_(
                "This is too long ({typed} characters) for one message. Please keep it "
                "under {limit} characters, or send a voice message."
            ),
        )
        if text is None:
            return None
        write = partial(actions.set_bottlenecks, text=text)
    try:
        evaluation = await saved(update, context, sheet, write)
    except InvalidValue:
        # Nothing but spaces, or the result is favourable after all: ask what is missing.
        return await ask_next(update, context, sheet, sheet.evaluation)
    if evaluation is None:
        return ConversationHandler.END
    return await ask_next(update, context, sheet, evaluation)


async def ask_form(update: Update, context: BotContext) -> State:
    """Ask for a photo or PDF of the paper form, or none."""
    await say(
        update,
        context,
        context._(
            "Did you also fill in the paper evaluation form? Then send a photo or a PDF of it "
            "now. No paper form? Press the button."
        ),
        InlineKeyboardMarkup(
            [[button(context.translator.plain("➡️ No paper form"), NoForm().pack())]]
        ),
    )
    return State.FORM


async def form_sent(update: Update, context: BotContext) -> State | int | None:
    """A photo or PDF of the paper form."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    sent = files.photo_or_pdf(update.effective_message)
    if sent is None:
        # A document that is no image or PDF by its content (a photo always is one).
        await say(update, context, context._(files.NOT_ACCEPTED))
        return None
    file_id, api_method = sent
    method = FormMethod.PHOTO if api_method == "sendPhoto" else FormMethod.DOCUMENT
    evaluation = await saved(
        update, context, sheet, partial(actions.set_paper_form, method=method, file_id=file_id)
    )
    if evaluation is None:
        return ConversationHandler.END
    return await ask_next(update, context, sheet, evaluation)


async def no_form(update: Update, context: BotContext) -> State | int:
    """No paper form."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    evaluation = await saved(
        update, context, sheet, partial(actions.set_paper_form, method=FormMethod.NONE)
    )
    if evaluation is None:
        return ConversationHandler.END
    return await ask_next(update, context, sheet, evaluation)


# Summary


async def show_summary(
    update: Update, context: BotContext, sheet: Sheet, evaluation: Evaluation
) -> State:
    """Show the whole evaluation to check before it is sent."""
    t = context.translator
    outcome = evaluation.outcome
    parts = [
        context._("Evaluation of {name}:", name=sheet.client_name),
        "\n".join(score_lines(t, evaluation, cut=REMARK_IN_SUMMARY)),
        context._(
            "Result: {outcome}", outcome=t.plain(OUTCOME_LABELS[outcome]) if outcome else "?"
        ),
    ]
    line = bottlenecks_line(t, evaluation, cut=BOTTLENECKS_IN_SUMMARY)
    if line:
        parts.append(line)
    parts.append(
        context._("Paper form: 📎 added")
        if evaluation.form_file_id
        else context._("Paper form: not added")
    )
    parts.append(context._("Send this evaluation to the caseworker?"))
    choices = [
        (t.plain("✅ Send to the caseworker"), Send()),
        (t.plain("✏️ Change a score"), ChangeScore()),
        (t.plain("✏️ Change the result"), ChangeResult()),
        (t.plain("📎 Change the paper form"), ChangeForm()),
        (t.plain("⏸ Continue later"), Later()),
    ]
    markup = InlineKeyboardMarkup([[button(label, data.pack())] for label, data in choices])
    await say(update, context, "\n\n".join(parts), markup)
    return State.SUMMARY


async def change_score(update: Update, context: BotContext) -> State | int:
    """Which area to score again."""
    if await steps.current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    t = context.translator
    rows = [
        [button(area.label(t), PickArea(index).pack())]
        for index, area in enumerate(load_form().areas)
    ]
    await say(
        update, context, context._("Which area do you want to change?"), InlineKeyboardMarkup(rows)
    )
    return State.PICK_AREA


async def pick_area(update: Update, context: BotContext) -> State | int | None:
    """The area to score again."""
    press = PickArea.of(update)
    sheet = await steps.current(update, context)
    if sheet is None or press is None:
        return ConversationHandler.END
    if press.index >= len(load_form().areas):
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    return await ask_area(update, context, sheet, press.index)


async def change_result(update: Update, context: BotContext) -> State | int:
    """Choose the overall result again."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_outcome(update, context, sheet)


async def change_form(update: Update, context: BotContext) -> State | int:
    """Add or replace the paper form."""
    if await steps.current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_form(update, context)


async def submit(update: Update, context: BotContext) -> State | int:
    """Send the evaluation: the caseworker and the client hear of it (`actions.submit`)."""
    sheet = await steps.current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    assert context.person is not None
    try:
        sent = await actions.submit(context.services, context.person, sheet.internship.id)
    except InvalidValue:
        return await ask_next(update, context, sheet, sheet.evaluation)
    except Refusal:
        return await steps.refused(update, context)
    context.data.pop(steps.DATA_KEY, None)
    caseworker = await people.get(context.services.db, sheet.internship.caseworker_id)
    values = {"name": sheet.client_name, "caseworker": caseworker.name if caseworker else "?"}
    text = context._(THANKS[sent.evaluation.outcome or Outcome.NEGATIVE], **values)
    if sent.hours_missing:
        text += "\n\n" + context._(
            "Please also give the exact internship hours: press ⏱ Internship hours."
        )
    return await back_to_menu(update, context, text)


# Leaving


async def type_the_remark(update: Update, context: BotContext) -> None:
    """Not a typed remark (a photo, a voice, ...): say what is needed."""
    await say(update, context, context._("Please type the remark."))


async def type_the_bottlenecks(update: Update, context: BotContext) -> None:
    """Neither text nor voice: say what is needed."""
    await say(update, context, context._("Please type the bottlenecks, or send a voice message."))


async def send_the_form(update: Update, context: BotContext) -> None:
    """Text or another file where the paper form is expected."""
    await say(update, context, context._("Please send a photo or a PDF of the paper form."))


async def leave_for_evaluation_of(update: Update, context: BotContext) -> int | None:
    """A trainee's 📝 button: leave, so `conversations.evaluation` opens that trainee's
    evaluation (one that is not this person's is refused there and changes nothing here)."""
    press = EvaluationStart.of(update)
    internship_id = press.internship_id if press else None
    return await trainees.leaving_for(
        context, internship_id, partial(actions.sheet, context.services)
    )


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = flows.typed_text(i18n)
    anything_else = ~leaving(i18n)
    return [
        ConversationHandler(
            entry_points=[
                CallbackQueryHandler(choose_level, pattern=EvaluationLevel.matches),
                CallbackQueryHandler(resume, pattern=EvaluationResume.matches),
            ],
            states={
                State.AREA: [
                    CallbackQueryHandler(choose_level, pattern=EvaluationLevel.matches),
                    MessageHandler(text, steps.use_the_buttons),
                ],
                State.REMARK: [
                    MessageHandler(text, remark_typed),
                    MessageHandler(anything_else, type_the_remark),
                ],
                State.OUTCOME: [
                    CallbackQueryHandler(choose_outcome, pattern=Result.matches),
                    MessageHandler(text, steps.use_the_buttons),
                ],
                State.BOTTLENECKS: [
                    MessageHandler(text | filters.VOICE, bottlenecks_given),
                    MessageHandler(anything_else, type_the_bottlenecks),
                ],
                State.FORM: [
                    MessageHandler(filters.PHOTO | filters.Document.ALL, form_sent),
                    CallbackQueryHandler(no_form, pattern=NoForm.matches),
                    MessageHandler(anything_else, send_the_form),
                ],
                State.SUMMARY: [
                    CallbackQueryHandler(submit, pattern=Send.matches),
                    CallbackQueryHandler(change_score, pattern=ChangeScore.matches),
                    CallbackQueryHandler(change_result, pattern=ChangeResult.matches),
                    CallbackQueryHandler(change_form, pattern=ChangeForm.matches),
                    MessageHandler(text, steps.use_the_buttons),
                ],
                State.PICK_AREA: [
                    CallbackQueryHandler(pick_area, pattern=PickArea.matches),
                    MessageHandler(text, steps.use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, steps.later),
                CallbackQueryHandler(steps.later, pattern=Later.matches),
                # Another trainee's evaluation, from a reminder: `conversations.evaluation`.
                CallbackQueryHandler(leave_for_evaluation_of, pattern=EvaluationStart.matches),
                # The hours opened from a reminder button: leave the evaluation (the draft stays).
                CallbackQueryHandler(end_silently, pattern=HoursStart.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="evaluation_entry",
            persistent=True,
            per_message=False,
            # Its entry buttons only start it: one pressed again later (an old message's)
            # is not an answer to the step now asked, and is refused as expired.
        )
    ]
