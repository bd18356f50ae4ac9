"""Evaluation: the workplace fills in the evaluation form, the caseworker gets it at once.

The form of OCMW Antwerpen (`bot.evaluation_form`): every area scored on one of
four levels, a remark required for "problematic", then the overall result. A less
favourable or negative result needs the bottlenecks (typed or a voice message).
Optionally a photo or PDF of the paper form. Every answer is saved at once as a
draft (`bot.actions.evaluations`), so a busy employer can stop and later "continue
where you stopped"; only the confirmed summary is sent. Who hears what then:
`bot.notices.evaluations` (the client never sees the scores).

Entry: the 📝 menu button, /evaluation, or a trainee's `eval:start:<internship id>`
button (the evaluation reminders carry one). State diagram: `conversations/evaluation.mmd`.
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

from bot import access, files, flows, menus, trainees
from bot.actions import evaluations as actions
from bot.actions.evaluations import Sheet
from bot.actions.refusals import InvalidValue, Refusal
from bot.buttons import EvaluationStart, HoursStart
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

DATA_KEY = "evaluation"
# Long remarks and bottlenecks are cut in the summary so that seven remarks and the
# bottlenecks stay within Telegram's 4096 characters.
REMARK_IN_SUMMARY = 120
BOTTLENECKS_IN_SUMMARY = 1500

OUTCOME_LABELS = {
    Outcome.FAVOURABLE: N_("✅ Favourable"),
    Outcome.LESS_FAVOURABLE: N_("⚠️ Less favourable"),
    Outcome.NEGATIVE: N_("❌ Negative"),
}


class State(StrEnum):
    CHOOSE_TRAINEE = "choose_trainee"
    RESUME = "resume"
    AREA = "area"
    REMARK = "remark"
    OUTCOME = "outcome"
    BOTTLENECKS = "bottlenecks"
    FORM = "form"
    SUMMARY = "summary"
    PICK_AREA = "pick_area"


@dataclass(frozen=True)
class Resume(Button, prefix="eval:resume"):
    """▶️ Continue the draft where it was left."""


@dataclass(frozen=True)
class Restart(Button, prefix="eval:restart"):
    """🔁 Throw the draft away and start again."""


@dataclass(frozen=True)
class Level(Button, prefix="eval:level"):
    """The level (its key in the form) of the area at `index`."""

    index: int
    level: str


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


def area_index(context: BotContext) -> int:
    raw = context.data.get(DATA_KEY)
    return int(raw.get("area", -1)) if isinstance(raw, dict) else -1


def set_area_index(context: BotContext, index: int) -> None:
    context.data.setdefault(DATA_KEY, {})["area"] = index


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
        if await current(update, context) is not None:
            await access.deny(update, context)
        return None


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
        sheet = await sheet_of(update, context, open_internships[0].id)
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
    sheet = await sheet_of(update, context, press.internship_id if press else None)
    if sheet is None:
        return None
    await close_buttons(update)
    return await open_evaluation(update, context, sheet)


async def open_evaluation(update: Update, context: BotContext, sheet: Sheet) -> State | int:
    """Already sent, a draft to resume, or a fresh start."""
    context.data[DATA_KEY] = {"internship_id": sheet.internship.id, "area": -1}
    evaluation = sheet.evaluation
    if sheet.submitted:
        return await already_submitted(update, context, sheet)
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
            flows.resume_buttons(context, Resume(), Restart()),
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
    return await ask_next(update, context, sheet, evaluation)


async def resume(update: Update, context: BotContext) -> State | int:
    """Continue where the evaluation was left."""
    sheet = await current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_next(update, context, sheet, sheet.evaluation)


async def restart(update: Update, context: BotContext) -> State | int:
    """Throw the draft away and start again."""
    sheet = await current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    assert context.person is not None
    try:
        await actions.discard(context.services, context.person, sheet.internship.id)
    except Refusal:
        return await refused(update, context)
    return await ask_next(update, context, sheet, Evaluation(sheet.internship.id))


async def refused(update: Update, context: BotContext) -> int:
    """The draft can no longer change: say why (sent in the meantime, or not theirs)."""
    if await current(update, context) is not None:
        await access.deny(update, context)
    return ConversationHandler.END


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
    """Ask the level of one area of the form."""
    form = load_form()
    t = context.translator
    set_area_index(context, index)
    levels = [
        button(level.button_label(t), Level(index, level.key).pack()) for level in form.levels
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
    return State.AREA


async def choose_level(update: Update, context: BotContext) -> State | int | None:
    """A level for the area being asked; a remark follows when the level needs one."""
    press = Level.of(update)
    sheet = await current(update, context)
    if sheet is None or press is None:
        return ConversationHandler.END
    form = load_form()
    level = form.level(press.level)
    if press.index != area_index(context) or not 0 <= press.index < len(form.areas) or not level:
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    area = form.areas[press.index].key
    evaluation = await saved(
        update, context, sheet, partial(actions.set_level, area=area, level=level.key)
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
    set_area_index(context, index)
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
    sheet = await current(update, context)
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
    index = area_index(context)
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
    sheet = await current(update, context)
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
    sheet = await current(update, context)
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
    sheet = await current(update, context)
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
    sheet = await current(update, context)
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
    if await current(update, context) is None:
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
    sheet = await current(update, context)
    if sheet is None or press is None:
        return ConversationHandler.END
    if press.index >= len(load_form().areas):
        await flows.button_expired(update, context)
        return None
    await close_buttons(update)
    return await ask_area(update, context, sheet, press.index)


async def change_result(update: Update, context: BotContext) -> State | int:
    """Choose the overall result again."""
    sheet = await current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_outcome(update, context, sheet)


async def change_form(update: Update, context: BotContext) -> State | int:
    """Add or replace the paper form."""
    if await current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_form(update, context)


async def submit(update: Update, context: BotContext) -> State | int:
    """Send the evaluation: the caseworker and the client hear of it (`actions.submit`)."""
    sheet = await current(update, context)
    if sheet is None:
        return ConversationHandler.END
    await close_buttons(update)
    assert context.person is not None
    try:
        sent = await actions.submit(context.services, context.person, sheet.internship.id)
    except InvalidValue:
        return await ask_next(update, context, sheet, sheet.evaluation)
    except Refusal:
        return await refused(update, context)
    context.data.pop(DATA_KEY, None)
    caseworker = await people.get(context.services.db, sheet.internship.caseworker_id)
    values = {"name": sheet.client_name, "caseworker": caseworker.name if caseworker else "?"}
    outcome = sent.evaluation.outcome
    if outcome is Outcome.FAVOURABLE:
        text = context._(
            "✅ Thank you! The evaluation of {name} was sent to the caseworker {caseworker}, "
            "who will plan the contract signing.",
            **values,
        )
    elif outcome is Outcome.LESS_FAVOURABLE:
        text = context._(
            "✅ Thank you! The evaluation of {name}, with the bottlenecks, was sent to the "
            "caseworker {caseworker}, who will contact you soon to look for a solution together.",
            **values,
        )
    else:
        text = context._(
            "✅ Thank you! The evaluation of {name} was sent to the caseworker {caseworker}, "
            "who will contact you. {name} will get a second chance at another workplace.",
            **values,
        )
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


async def use_the_buttons(update: Update, context: BotContext) -> None:
    """Something the step does not take: say what it needs, change nothing."""
    await say(update, context, context._("Please answer with the buttons above."))


async def later(update: Update, context: BotContext) -> int:
    """Stop for now; the draft stays."""
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


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = flows.typed_text(i18n)
    anything_else = ~leaving(i18n)
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.EVALUATION, start),
                CallbackQueryHandler(pick_trainee, pattern=EvaluationStart.matches),
            ],
            states={
                State.CHOOSE_TRAINEE: [MessageHandler(text, use_the_buttons)],
                State.RESUME: [
                    CallbackQueryHandler(resume, pattern=Resume.matches),
                    CallbackQueryHandler(restart, pattern=Restart.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.AREA: [
                    CallbackQueryHandler(choose_level, pattern=Level.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.REMARK: [
                    MessageHandler(text, remark_typed),
                    MessageHandler(anything_else, type_the_remark),
                ],
                State.OUTCOME: [
                    CallbackQueryHandler(choose_outcome, pattern=Result.matches),
                    MessageHandler(text, use_the_buttons),
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
                    MessageHandler(text, use_the_buttons),
                ],
                State.PICK_AREA: [
                    CallbackQueryHandler(pick_area, pattern=PickArea.matches),
                    MessageHandler(text, use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, later),
                CallbackQueryHandler(later, pattern=Later.matches),
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
