"""Evaluation: the workplace fills in the evaluation form, the caseworker gets it at once.

The form of OCMW Antwerpen (article 60 §7): every area scored on one of four
levels, a remark required for "problematic", then the overall result. A less
favourable or negative result needs the bottlenecks (typed or a voice message).
Optionally a photo or PDF of the paper form. Every answer is saved at once as a
draft, so a busy employer can stop and later "continue where you stopped"; only
the confirmed summary is submitted.

On submission: the internship becomes 'evaluated' with its outcome, the caseworker
gets the evaluation in their language (favourable: plan the contract signing; less
favourable: urgent, with the bottlenecks; negative: urgent, second chance at
another workplace), and the client is told kindly that it was received; the
client never sees the scores.

The areas and levels are configuration: `locales/evaluation_form.toml`.
Entry: the 📝 menu button, /evaluation, or a `eval:start:<internship id>` button.
State diagram: `conversations/evaluation.mmd`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import files, flows, menus, notify, trainees
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    button,
    close_buttons,
    end_silently,
    leaving,
    resume_buttons,
    say,
    typed_answer,
    typed_text,
)
from bot.i18n import LOCALES_DIR, N_, REFERENCE_LANGUAGE, I18n, Translator
from bot.menus import Action
from bot.notify import Audience
from bot.store import audit, internships, people, workplaces
from bot.store import evaluations as store
from bot.store import hours as hours_store
from bot.store.evaluations import Evaluation, FormMethod, Outcome, Score
from bot.store.models import Internship, InternshipStatus, Person
from bot.trainees import client_name, employer_internship

# Conversation states.
CHOOSE_TRAINEE, RESUME, AREA, REMARK, OUTCOME, BOTTLENECKS, FORM, SUMMARY, PICK_AREA = range(9)

DATA_KEY = "evaluation"
FORM_PATH = LOCALES_DIR / "evaluation_form.toml"
MAX_REMARK = 500
MAX_BOTTLENECKS = 2000
# Long remarks and bottlenecks are cut in the summary and the caseworker's message so
# that seven remarks and the bottlenecks stay within Telegram's 4096 characters.
REMARK_IN_NOTIFICATION = 120
BOTTLENECKS_IN_SUMMARY = 1500

OUTCOME_LABELS = {
    Outcome.FAVOURABLE: N_("✅ Favourable"),
    Outcome.LESS_FAVOURABLE: N_("⚠️ Less favourable"),
    Outcome.NEGATIVE: N_("❌ Negative"),
}


# The form (configuration)


@dataclass(frozen=True)
class FormItem:
    """An area or a level of the form, with its label in every shipped language."""

    key: str
    labels: dict[str, str]
    icon: str = ""
    remark_required: bool = False

    def label(self, t: Translator) -> str:
        return self.labels.get(t.language) or self.labels[REFERENCE_LANGUAGE]

    def button_label(self, t: Translator) -> str:
        return f"{self.icon} {self.label(t)}".strip()


@dataclass(frozen=True)
class EvaluationForm:
    areas: tuple[FormItem, ...]
    levels: tuple[FormItem, ...]

    def level(self, key: str) -> FormItem | None:
        return next((level for level in self.levels if level.key == key), None)


@lru_cache(maxsize=4)
def load_form(path: Path = FORM_PATH) -> EvaluationForm:
    with path.open("rb") as fh:
        table = tomllib.load(fh)

    def items(name: str) -> tuple[FormItem, ...]:
        return tuple(
            FormItem(
                key=str(entry["key"]),
                labels={str(k): str(v) for k, v in entry["label"].items()},
                icon=str(entry.get("icon", "")),
                remark_required=bool(entry.get("remark_required", False)),
            )
            for entry in table[name]
        )

    return EvaluationForm(areas=items("areas"), levels=items("levels"))


def next_step(form: EvaluationForm, evaluation: Evaluation) -> tuple[int, int]:
    """The first unanswered question of the draft: (state, area index or -1)."""
    for index, area in enumerate(form.areas):
        score = evaluation.scores.get(area.key)
        level = form.level(score.level) if score else None
        if score is None or level is None:
            return AREA, index
        if level.remark_required and not score.remark:
            return REMARK, index
    if evaluation.outcome is None:
        return OUTCOME, -1
    if evaluation.outcome is not Outcome.FAVOURABLE and not evaluation.has_bottlenecks:
        return BOTTLENECKS, -1
    if evaluation.form_method is None:
        return FORM, -1
    return SUMMARY, -1


# Helpers


async def current(
    update: Update, context: BotContext
) -> tuple[Person, Internship, Evaluation] | None:
    """Re-check on every step that this is still the person's trainee and a draft."""
    raw = context.data.get(DATA_KEY)
    internship_id = raw.get("internship_id") if isinstance(raw, dict) else None
    allowed = await employer_internship(update, context, internship_id)
    if allowed is None:
        return None
    person, internship = allowed
    evaluation = await store.get(context.services.db, internship.id)
    if evaluation is not None and evaluation.is_submitted:
        await close_buttons(update)
        await already_submitted(update, context, internship, evaluation)
        return None
    return person, internship, evaluation or Evaluation(internship.id)


def area_index(context: BotContext) -> int:
    raw = context.data.get(DATA_KEY)
    return int(raw.get("area", -1)) if isinstance(raw, dict) else -1


def set_area_index(context: BotContext, index: int) -> None:
    context.data.setdefault(DATA_KEY, {})["area"] = index


async def save(context: BotContext, evaluation: Evaluation) -> Evaluation:
    services = context.services
    return await store.save_draft(services.db, evaluation, services.clock.now())


async def already_submitted(
    update: Update, context: BotContext, internship: Internship, evaluation: Evaluation
) -> int:
    """Say the evaluation was already sent, and whom to contact."""
    caseworker = await people.get(context.services.db, internship.caseworker_id)
    await say(
        update,
        context,
        context._(
            "The evaluation of {name} was already sent on {when}. If something must change, "
            "please contact the caseworker {caseworker}.",
            name=await client_name(context.services, internship),
            when=(
                context.translator.datetime(evaluation.submitted_at, "short")
                if evaluation.submitted_at
                else "?"
            ),
            caseworker=caseworker.name if caseworker else "?",
        ),
    )
    return ConversationHandler.END


# Entry


async def start(update: Update, context: BotContext) -> int:
    """📝 Evaluation: pick a trainee of this workplace (or go straight to the only one)."""
    found = await trainees.employer_and_trainees(update, context)
    if found is None:
        return ConversationHandler.END
    open_internships = found[1]
    if not open_internships:
        await say(update, context, context._(trainees.NO_TRAINEE))
        return ConversationHandler.END
    if len(open_internships) == 1:
        return await open_evaluation(update, context, open_internships[0])
    submitted = set()
    for internship in open_internships:
        evaluation = await store.get(context.services.db, internship.id)
        if evaluation is not None and evaluation.is_submitted:
            submitted.add(internship.id)
    rows = await trainees.trainee_rows(
        context.services, open_internships, "eval:start:", done=frozenset(submitted)
    )
    await say(
        update,
        context,
        context._("Which trainee do you want to evaluate?"),
        InlineKeyboardMarkup(rows),
    )
    return CHOOSE_TRAINEE


async def pick_trainee(update: Update, context: BotContext) -> int | None:
    """A trainee button, or a `eval:start:<id>` button from a reminder: check, then open."""
    internship = await trainees.picked(update, context)
    if internship is None:
        return None
    return await open_evaluation(update, context, internship)


async def open_evaluation(update: Update, context: BotContext, internship: Internship) -> int:
    """Already sent, a draft to resume, or a fresh start."""
    context.data[DATA_KEY] = {"internship_id": internship.id, "area": -1}
    evaluation = await store.get(context.services.db, internship.id)
    name = await client_name(context.services, internship)
    if evaluation is not None and evaluation.is_submitted:
        return await already_submitted(update, context, internship, evaluation)
    if evaluation is not None and not evaluation.is_empty:
        t = context.translator
        await say(
            update,
            context,
            context._(
                "You started the evaluation of {name} earlier (last saved {when}).",
                name=name,
                when=t.datetime(evaluation.updated_at, "short") if evaluation.updated_at else "?",
            ),
            resume_buttons(context, "eval"),
        )
        return RESUME
    form = load_form()
    await say(
        update,
        context,
        context._(
            "📝 Evaluation of {name}.\n\nYou give a score for {count} areas, then the overall "
            "result. Every answer is saved at once: you can stop and continue later.",
            name=name,
            count=len(form.areas),
        ),
    )
    return await ask_next(update, context, internship, evaluation or Evaluation(internship.id))


async def resume(update: Update, context: BotContext) -> int:
    """Continue where the evaluation was left."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_next(update, context, found[1], found[2])


async def restart(update: Update, context: BotContext) -> int:
    """Throw the draft away and start again."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    await store.discard_draft(context.services.db, found[1].id)
    return await ask_next(update, context, found[1], Evaluation(found[1].id))


# The questions


async def ask_next(
    update: Update, context: BotContext, internship: Internship, evaluation: Evaluation
) -> int:
    """Ask the first question the draft has no answer to yet (the summary when complete)."""
    state, index = next_step(load_form(), evaluation)
    if state == AREA:
        return await ask_area(update, context, internship, index)
    if state == REMARK:
        return await ask_remark(update, context, internship, evaluation, index)
    if state == OUTCOME:
        return await ask_outcome(update, context, internship)
    if state == BOTTLENECKS:
        return await ask_bottlenecks(update, context)
    if state == FORM:
        return await ask_form(update, context)
    return await show_summary(update, context, internship, evaluation)


async def ask_area(update: Update, context: BotContext, internship: Internship, index: int) -> int:
    """Ask the level of one area of the form."""
    form = load_form()
    t = context.translator
    set_area_index(context, index)
    levels = [
        button(level.button_label(t), f"eval:level:{index}:{level.key}") for level in form.levels
    ]
    await say(
        update,
        context,
        context._(
            "Area {number} of {count}: <b>{area}</b>\nHow does {name} do here?",
            number=index + 1,
            count=len(form.areas),
            area=form.areas[index].label(t),
            name=await client_name(context.services, internship),
        ),
        InlineKeyboardMarkup([levels[i : i + 2] for i in range(0, len(levels), 2)]),
    )
    return AREA


async def choose_level(update: Update, context: BotContext) -> int:
    """A level for the area being asked; a remark follows when the level needs one."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    _, internship, evaluation = found
    form = load_form()
    _prefix, _kind, index_text, level_key = query.data.split(":")
    index, level = int(index_text), form.level(level_key)
    if index != area_index(context) or not 0 <= index < len(form.areas) or level is None:
        await query.answer(context.translator.plain(flows.BUTTON_EXPIRED), show_alert=True)
        return AREA
    await close_buttons(update)
    area = form.areas[index]
    previous = evaluation.scores.get(area.key)
    remark = previous.remark if previous and previous.level == level.key else None
    evaluation = await save(context, evaluation.with_score(area.key, Score(level.key, remark)))
    if level.remark_required and not remark:
        return await ask_remark(update, context, internship, evaluation, index)
    return await ask_next(update, context, internship, evaluation)


async def ask_remark(
    update: Update,
    context: BotContext,
    internship: Internship,
    evaluation: Evaluation,
    index: int,
) -> int:
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
    return REMARK


async def remark_typed(update: Update, context: BotContext) -> int:
    """The remark for the area being asked."""
    found = await current(update, context)
    message = update.effective_message
    if found is None or message is None or message.text is None:
        return ConversationHandler.END
    _, internship, evaluation = found
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
        return REMARK
    form = load_form()
    index = area_index(context)
    if not 0 <= index < len(form.areas):
        return await ask_next(update, context, internship, evaluation)
    area = form.areas[index]
    score = evaluation.scores.get(area.key)
    if score is None:
        return await ask_next(update, context, internship, evaluation)
    evaluation = await save(context, evaluation.with_score(area.key, replace(score, remark=text)))
    return await ask_next(update, context, internship, evaluation)


async def ask_outcome(update: Update, context: BotContext, internship: Internship) -> int:
    """Ask the overall result of the internship."""
    t = context.translator
    await say(
        update,
        context,
        context._(
            "What is the overall result of the internship of {name}?",
            name=await client_name(context.services, internship),
        ),
        InlineKeyboardMarkup(
            [
                [button(t.plain(label), f"eval:outcome:{o.value}")]
                for o, label in OUTCOME_LABELS.items()
            ]
        ),
    )
    return OUTCOME


async def choose_outcome(update: Update, context: BotContext) -> int:
    """The overall result; choosing it again asks the bottlenecks again."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    _, internship, evaluation = found
    await close_buttons(update)
    outcome = Outcome(query.data.rsplit(":", 1)[1])
    evaluation = await save(
        context,
        replace(evaluation, outcome=outcome, bottlenecks=None, bottlenecks_voice_file_id=None),
    )
    return await ask_next(update, context, internship, evaluation)


async def ask_bottlenecks(update: Update, context: BotContext) -> int:
    """Ask the bottlenecks (typed or a voice message)."""
    await say(
        update,
        context,
        context._(
            "What are the bottlenecks? Type them, or send a voice message. The caseworker gets "
            "them at once, so you can look for a solution together."
        ),
    )
    return BOTTLENECKS


async def bottlenecks_given(update: Update, context: BotContext) -> int:
    """The bottlenecks, typed or as a voice message."""
    found = await current(update, context)
    message = update.effective_message
    if found is None or message is None:
        return ConversationHandler.END
    _, internship, evaluation = found
    if message.voice is not None:
        evaluation = replace(
            evaluation, bottlenecks=None, bottlenecks_voice_file_id=message.voice.file_id
        )
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
            return BOTTLENECKS
        if not text:
            return await ask_bottlenecks(update, context)
        evaluation = replace(evaluation, bottlenecks=text, bottlenecks_voice_file_id=None)
    evaluation = await save(context, evaluation)
    return await ask_next(update, context, internship, evaluation)


async def ask_form(update: Update, context: BotContext) -> int:
    """Ask for a photo or PDF of the paper form, or none."""
    await say(
        update,
        context,
        context._(
            "Did you also fill in the paper evaluation form? Then send a photo or a PDF of it "
            "now. No paper form? Press the button."
        ),
        InlineKeyboardMarkup(
            [[button(context.translator.plain("➡️ No paper form"), "eval:noform")]]
        ),
    )
    return FORM


async def form_sent(update: Update, context: BotContext) -> int:
    """A photo or PDF of the paper form."""
    found = await current(update, context)
    message = update.effective_message
    if found is None or message is None:
        return ConversationHandler.END
    _, internship, evaluation = found
    sent = files.photo_or_pdf(message)
    if sent is None:
        # A document that is no image or PDF by its content (a photo always is one).
        await say(update, context, context._(files.NOT_ACCEPTED))
        return FORM
    file_id, api_method = sent
    method = FormMethod.PHOTO if api_method == "sendPhoto" else FormMethod.DOCUMENT
    evaluation = await save(context, replace(evaluation, form_file_id=file_id, form_method=method))
    return await ask_next(update, context, internship, evaluation)


async def no_form(update: Update, context: BotContext) -> int:
    """No paper form."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    _, internship, evaluation = found
    evaluation = await save(
        context, replace(evaluation, form_file_id=None, form_method=FormMethod.NONE)
    )
    return await ask_next(update, context, internship, evaluation)


# Summary


def score_lines(t: Translator, evaluation: Evaluation, cut: int | None = None) -> list[str]:
    form = load_form()
    lines = []
    for area in form.areas:
        score = evaluation.scores.get(area.key)
        level = form.level(score.level) if score else None
        if score is None or level is None:
            continue
        lines.append(
            t._("{icon} {area}: {level}", icon=level.icon, area=area.label(t), level=level.label(t))
        )
        if score.remark:
            remark = score.remark
            if cut is not None and len(remark) > cut:
                remark = remark[:cut] + "…"
            lines.append(t._("    “{remark}”", remark=remark))
    return lines


def bottlenecks_line(t: Translator, evaluation: Evaluation, cut: int | None = None) -> str:
    if evaluation.bottlenecks_voice_file_id:
        return t._("Bottlenecks: 🎤 voice message")
    if evaluation.bottlenecks:
        text = evaluation.bottlenecks
        if cut is not None and len(text) > cut:
            text = text[:cut] + "…"
        return t._("Bottlenecks: {text}", text=text)
    return ""


async def show_summary(
    update: Update, context: BotContext, internship: Internship, evaluation: Evaluation
) -> int:
    """Show the whole evaluation to check before it is sent."""
    t = context.translator
    name = await client_name(context.services, internship)
    parts = [
        context._("Evaluation of {name}:", name=name),
        "\n".join(score_lines(t, evaluation, cut=REMARK_IN_NOTIFICATION)),
        context._(
            "Result: {outcome}",
            outcome=t.plain(OUTCOME_LABELS[evaluation.outcome]) if evaluation.outcome else "?",
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
    await say(
        update,
        context,
        "\n\n".join(parts),
        InlineKeyboardMarkup(
            [
                [button(t.plain("✅ Send to the caseworker"), "eval:send")],
                [button(t.plain("✏️ Change a score"), "eval:change")],
                [button(t.plain("✏️ Change the result"), "eval:result")],
                [button(t.plain("📎 Change the paper form"), "eval:form")],
                [button(t.plain("⏸ Continue later"), "eval:later")],
            ]
        ),
    )
    return SUMMARY


async def change_score(update: Update, context: BotContext) -> int:
    """Which area to score again."""
    if await current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    t = context.translator
    rows = [
        [button(area.label(t), f"eval:area:{index}")]
        for index, area in enumerate(load_form().areas)
    ]
    await say(
        update, context, context._("Which area do you want to change?"), InlineKeyboardMarkup(rows)
    )
    return PICK_AREA


async def pick_area(update: Update, context: BotContext) -> int:
    """The area to score again."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    index = int(query.data.rsplit(":", 1)[1])
    if index >= len(load_form().areas):
        await query.answer(context.translator.plain(flows.BUTTON_EXPIRED), show_alert=True)
        return PICK_AREA
    await close_buttons(update)
    return await ask_area(update, context, found[1], index)


async def change_result(update: Update, context: BotContext) -> int:
    """Choose the overall result again."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_outcome(update, context, found[1])


async def change_form(update: Update, context: BotContext) -> int:
    """Add or replace the paper form."""
    if await current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_form(update, context)


async def submit(update: Update, context: BotContext) -> int:
    """Submit the evaluation and tell the caseworker and the client, in one transaction."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    person, internship, evaluation = found
    await close_buttons(update)
    if next_step(load_form(), evaluation)[0] != SUMMARY or evaluation.outcome is None:
        return await ask_next(update, context, internship, evaluation)
    services = context.services
    now = services.clock.now()
    async with services.db.transaction():
        if not await store.submit(services.db, internship.id, person.id, now):
            submitted = False
        else:
            submitted = True
            await internships.set_status(
                services.db,
                internship.id,
                InternshipStatus.EVALUATED,
                now,
                outcome=evaluation.outcome.value,
            )
            await audit.record(
                services.db,
                now,
                person.id,
                "evaluation.submitted",
                "internship",
                internship.id,
                outcome=evaluation.outcome.value,
            )
            await tell_caseworker(context, internship, person, evaluation)
            await tell_client(context, internship)
    if not submitted:
        latest = await store.get(services.db, internship.id)
        assert latest is not None
        return await already_submitted(update, context, internship, latest)
    context.data.pop(DATA_KEY, None)
    return await thank_employer(update, context, internship, evaluation.outcome)


async def thank_employer(
    update: Update, context: BotContext, internship: Internship, outcome: Outcome
) -> int:
    """Thank the employer, say what happens next; remind of missing hours."""
    db = context.services.db
    name = await client_name(context.services, internship)
    caseworker = await people.get(db, internship.caseworker_id)
    values = {"name": name, "caseworker": caseworker.name if caseworker else "?"}
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
    if await hours_store.latest(db, internship.id) is None:
        text += "\n\n" + context._(
            "Please also give the exact internship hours: press ⏱ Internship hours."
        )
    return await back_to_menu(update, context, text)


async def tell_caseworker(
    context: BotContext, internship: Internship, employer: Person, evaluation: Evaluation
) -> None:
    """The evaluation at once, in the caseworker's language; voice and form forwarded."""
    services = context.services
    name = await client_name(context.services, internship)
    workplace = await workplaces.get(services.db, internship.workplace_id)
    place = workplace.name if workplace else "?"
    outcome = evaluation.outcome

    def text_for(t: Translator) -> str:
        values = {"name": name, "workplace": place}
        if outcome is Outcome.FAVOURABLE:
            head = t._(
                "✅ Evaluation of {name} ({workplace}): <b>favourable</b>.\n"
                "Please plan the contract signing.",
                **values,
            )
        elif outcome is Outcome.LESS_FAVOURABLE:
            head = t._(
                "⚠️ <b>Urgent</b>: the evaluation of {name} ({workplace}) is <b>less "
                "favourable</b>. Please look for a solution together with the workplace.",
                **values,
            )
        else:
            head = t._(
                "🚨 <b>Urgent</b>: the evaluation of {name} ({workplace}) is <b>negative</b>. "
                "The internship is marked for a second chance at another workplace.",
                **values,
            )
        parts = [head]
        line = bottlenecks_line(t, evaluation)
        if line:
            parts.append(line)
        parts.append("\n".join(score_lines(t, evaluation, cut=REMARK_IN_NOTIFICATION)))
        parts.append(t._("Given by {employer}.", employer=employer.name))
        return "\n\n".join(parts)

    await notify.about_internship(
        services,
        internship,
        text_for,
        kind="evaluation",
        audience=Audience.CASEWORKER,
        dedupe_key=f"evaluation:{internship.id}",
        # Bottlenecks cannot wait for a daily digest.
        urgent=outcome is not Outcome.FAVOURABLE,
    )
    caseworker = await notify.caseworker_of(services, internship)
    if caseworker is None:
        return
    if evaluation.bottlenecks_voice_file_id:
        await files.forward_file(
            services,
            [caseworker],
            "sendVoice",
            evaluation.bottlenecks_voice_file_id,
            lambda t: t._("🎤 Bottlenecks of {name} (evaluation)", name=name),
            kind="evaluation",
            dedupe_key=f"evaluation:{internship.id}:voice",
        )
    if evaluation.form_file_id and evaluation.form_method in (
        FormMethod.PHOTO,
        FormMethod.DOCUMENT,
    ):
        await files.forward_file(
            services,
            [caseworker],
            "sendPhoto" if evaluation.form_method is FormMethod.PHOTO else "sendDocument",
            evaluation.form_file_id,
            lambda t: t._("📎 Evaluation form of {name}", name=name),
            kind="evaluation",
            dedupe_key=f"evaluation:{internship.id}:form",
        )


async def tell_client(context: BotContext, internship: Internship) -> None:
    """Kind words for the client: received, the caseworker will talk it through. No scores."""
    services = context.services
    client = await people.get(services.db, internship.client_id)
    caseworker = await people.get(services.db, internship.caseworker_id)
    if client is None:
        return
    await notify.to_person(
        services,
        client,
        lambda t: t._(
            "Hello {name}! Your workplace has sent the evaluation of your internship. "
            "Your caseworker {caseworker} will talk about it with you soon. "
            "Thank you for your work!",
            name=client.name.split()[0],
            caseworker=caseworker.name if caseworker else "",
        ),
        kind="evaluation",
        dedupe_key=f"evaluation:{internship.id}:client",
    )


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
    text = typed_text(i18n)
    anything_else = ~leaving(i18n)
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.EVALUATION, start),
                CallbackQueryHandler(pick_trainee, pattern=r"^eval:start:\d{1,18}$"),
            ],
            states={
                CHOOSE_TRAINEE: [MessageHandler(text, use_the_buttons)],
                RESUME: [
                    CallbackQueryHandler(resume, pattern=r"^eval:resume$"),
                    CallbackQueryHandler(restart, pattern=r"^eval:restart$"),
                    MessageHandler(text, use_the_buttons),
                ],
                AREA: [
                    CallbackQueryHandler(choose_level, pattern=r"^eval:level:\d{1,18}:\w+$"),
                    MessageHandler(text, use_the_buttons),
                ],
                REMARK: [
                    MessageHandler(text, remark_typed),
                    MessageHandler(anything_else, type_the_remark),
                ],
                OUTCOME: [
                    CallbackQueryHandler(
                        choose_outcome,
                        pattern=r"^eval:outcome:(favourable|less_favourable|negative)$",
                    ),
                    MessageHandler(text, use_the_buttons),
                ],
                BOTTLENECKS: [
                    MessageHandler(text | filters.VOICE, bottlenecks_given),
                    MessageHandler(anything_else, type_the_bottlenecks),
                ],
                FORM: [
                    MessageHandler(filters.PHOTO | filters.Document.ALL, form_sent),
                    CallbackQueryHandler(no_form, pattern=r"^eval:noform$"),
                    MessageHandler(anything_else, send_the_form),
                ],
                SUMMARY: [
                    CallbackQueryHandler(submit, pattern=r"^eval:send$"),
                    CallbackQueryHandler(change_score, pattern=r"^eval:change$"),
                    CallbackQueryHandler(change_result, pattern=r"^eval:result$"),
                    CallbackQueryHandler(change_form, pattern=r"^eval:form$"),
                    MessageHandler(text, use_the_buttons),
                ],
                PICK_AREA: [
                    CallbackQueryHandler(pick_area, pattern=r"^eval:area:\d{1,18}$"),
                    MessageHandler(text, use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, later),
                CallbackQueryHandler(later, pattern=r"^eval:later$"),
                # The hours opened from a reminder button: leave the evaluation (the draft stays).
                CallbackQueryHandler(end_silently, pattern=r"^hours:start:\d{1,18}$"),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="evaluation",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
