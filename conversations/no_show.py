"""Trainee did not come: the employer contact reports an absence without notice.

Menu "🚫 Trainee did not come" (`/noshow`, employer contacts): which trainee (when
the workplace has several who have started) → "did not come today and did not
warn you?" → stored; the caseworker is told, and the client gets a message
asking them to contact the workplace (`bot.actions.absences.report_no_show`). What
the client reported for today themselves (late, an appointment, sick) is shown first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, flows, menus, trainees
from bot.absence_texts import absence_span, minutes_label
from bot.actions import absences
from bot.actions.refusals import NotAllowed, NotFound, Refusal
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    button,
    cancel_button,
    close_buttons,
    end_silently,
    leaving,
    say,
    typed_text,
    use_the_buttons,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.store.absences import Absence, AbsenceKind
from bot.store.models import Role

NAME = "no_show"


class State(StrEnum):
    PICK = "pick"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class Pick(Button, prefix="noshow:pick"):
    """One of the workplace's trainees."""

    internship_id: int


@dataclass(frozen=True)
class Report(Button, prefix="noshow:yes"):
    """✅ Yes, report it."""

    internship_id: int


@dataclass(frozen=True)
class Cancel(Button, prefix="noshow:cancel"):
    pass


async def start(update: Update, context: BotContext) -> State | int | None:
    """Menu "Trainee did not come": which trainee?"""
    found = await trainees.employer_and_trainees(update, context)
    if found is None:
        return ConversationHandler.END
    person, open_internships = found
    if person.workplace_id is None:
        await access.deny(update, context)
        return ConversationHandler.END
    today = context.services.today()
    started = [i for i in open_internships if i.start_date <= today]
    if not started:
        return await back_to_menu(
            update, context, context._("No trainee has started at your workplace yet.")
        )
    if len(started) == 1:
        return await ask_confirm(update, context, started[0].id)
    rows = [
        [button(await trainees.client_name(context.services, i), Pick(i.id).pack())]
        for i in started
    ]
    rows.append([cancel_button(context, Cancel().pack())])
    await say(update, context, context._("🚫 Who did not come today?"), InlineKeyboardMarkup(rows))
    return State.PICK


async def pick(update: Update, context: BotContext) -> State | int | None:
    """A trainee was chosen."""
    press = Pick.of(update)
    assert press is not None
    return await ask_confirm(update, context, press.internship_id)


async def ask_confirm(update: Update, context: BotContext, internship_id: int) -> State | None:
    """Did the trainee not come today and not warn you? (What they reported comes first.)"""
    person = await access.require(update, context, Role.EMPLOYER)
    if person is None:
        return None
    try:
        today = await absences.reported_today(context.services, person, internship_id)
    except Refusal as refusal:
        await say_refusal(update, context, refusal)
        return None
    await close_buttons(update)
    t = context.translator
    name = today.client_name
    lines = [known_line(t, absence, name) for absence in today.absences]
    for report in today.sick_reports:
        # They did warn: the employer must see that before reporting a no-show.
        lines.append(
            context._(
                "🤒 {name} reported sick for today (sick report {reference}).",
                name=name,
                reference=report.reference,
            )
        )
    if lines:
        lines.append("")
    lines.append(context._("🚫 Did {name} not come today, without warning you?", name=name))
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.plain("✅ Yes, report it"), callback_data=Report(internship_id).pack()
                )
            ],
            [cancel_button(context, Cancel().pack())],
        ]
    )
    await say(update, context, "\n".join(lines), keyboard)
    return State.CONFIRM


def known_line(t: Translator, absence: Absence, name: str) -> str:
    """What the client reported for today themselves."""
    if absence.kind == AbsenceKind.LATE and absence.minutes_late:
        return t._(
            "ℹ️ {name} told us today they would be about {duration} late.",
            name=name,
            duration=minutes_label(t, absence.minutes_late),
        )
    return t._(
        "ℹ️ {name} asked for time off today for an appointment ({time}).",
        name=name,
        time=absence_span(t, absence),
    )


async def report(update: Update, context: BotContext) -> int | None:
    """«Yes, report it»: stored; the caseworker is told, the client asked to contact you."""
    press = Report.of(update)
    assert press is not None
    person = await access.require(update, context, Role.EMPLOYER)
    if person is None:
        return None
    try:
        reported = await absences.report_no_show(context.services, person, press.internship_id)
    except Refusal as refusal:
        await say_refusal(update, context, refusal)
        return None
    await close_buttons(update)
    if reported.already:
        return await back_to_menu(
            update, context, context._("You already reported this today. Thank you.")
        )
    return await back_to_menu(
        update,
        context,
        context._(
            "✅ Thank you. We told the caseworker and asked {name} to contact you.",
            name=reported.client_name,
        ),
    )


async def say_refusal(update: Update, context: BotContext, refusal: Refusal) -> None:
    """Not this employer's trainee (a forged button): not for you; no longer in an
    internship that has begun: the button expired. The flow stays where it was."""
    if isinstance(refusal, NotAllowed | NotFound):
        await access.deny(update, context)
    else:
        await flows.refuse(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button: nothing is sent."""
    await close_buttons(update)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._(flows.NOTHING_SENT))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=menus.entry_points(i18n, Action.NO_SHOW, start),
            states={
                State.PICK: [
                    CallbackQueryHandler(pick, pattern=Pick.matches),
                    MessageHandler(text, use_the_buttons),
                ],
                State.CONFIRM: [
                    CallbackQueryHandler(report, pattern=Report.matches),
                    MessageHandler(text, use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=Cancel.matches),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name=NAME,
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
