"""I am better: a client with an open sick report says on which day they go back to work.

Nested in the sick report (`conversations.sick_report`): started by "✅ I am better"
on the open report or under the "are you better?" reminder. Today, tomorrow or
another day (not before the first sick day), then that day to confirm. On "send",
`bot.actions.sick_reports.recover` closes the report and tells the workplace and the
caseworker (with the internship workdays missed). When a workday was missed and no
certificate is in yet, the sick report's certificate step follows (`map_to_parent`).

The diagram: `conversations/sick_better.mmd`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, flows, notify
from bot import sick_steps as steps
from bot.actions import sick_reports as actions
from bot.actions.refusals import Refusal
from bot.buttons import SickAgain, SickBetter, SickSend
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import typed_text
from bot.i18n import I18n
from bot.sick_steps import END, ask, day_text, pressed
from bot.store.models import Role

# Handed to the sick report: its certificate step follows.
TO_CERTIFICATE = "to_certificate"


class State(StrEnum):
    BACK = "back"
    BACK_DATE = "back_date"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class BackOn(Button, prefix="sick:back"):
    day: date


@dataclass(frozen=True)
class BackAnotherDay(Button, prefix="sick:back:other"):
    pass


async def better(update: Update, context: BotContext) -> State | int | None:
    """I am better: ask the day back at work."""
    press = SickBetter.of(update)
    assert press is not None
    report = await steps.pressed_report(update, context, press.report_id)
    if report is None:
        return None
    if not report.is_open:
        return await steps.already_closed(update, context, report)
    steps.begin_change(update, context, steps.BETTER, report)
    return await ask_back(update, context, report.first_day)


async def ask_back(update: Update, context: BotContext, first: date) -> State:
    """Ask on which day the client goes back to work."""
    t = context.translator
    now = steps.today(context)
    choices = [(now, flows.TODAY), (now + timedelta(days=1), flows.TOMORROW)]
    row = [steps.button(t, label, BackOn(day).pack()) for day, label in choices if day >= first]
    rows = [row] if row else steps.day_rows(t, steps.days_from(first, 6), BackOn)
    rows.append([steps.button(t, flows.ANOTHER_DAY, BackAnotherDay().pack())])
    await ask(update, context, t._("Good to hear! On which day do you go back to work?"), rows)
    return State.BACK


async def back_day(update: Update, context: BotContext) -> State | int:
    """The day back at work from the day buttons."""
    press = BackOn.of(update)
    assert press is not None
    if await pressed(update, context) is None:
        return END
    return await set_back_day(update, context, press.day)


async def another_day(update: Update, context: BotContext) -> State | int:
    """Another day: the day buttons, or type it."""
    if await pressed(update, context) is None:
        return END
    found = steps.report_draft(context)
    if found is None:
        return await steps.expired(update, context)
    t = context.translator
    start_day = max(found.first_day, steps.today(context) - timedelta(days=3))
    await ask(
        update,
        context,
        t._("On which day do you go back to work? Choose a day, or type it."),
        steps.day_rows(t, steps.days_from(start_day), BackOn),
    )
    return State.BACK_DATE


async def back_typed(update: Update, context: BotContext) -> State | int:
    """A typed day back at work."""
    if await access.require(update, context, Role.CLIENT) is None:
        return END
    day = await steps.typed_day(update, context)
    if day is None:
        return State.BACK_DATE
    return await set_back_day(update, context, day)


async def set_back_day(update: Update, context: BotContext, day: date) -> State | int:
    """Keep the day back at work when it is within reach; confirm it."""
    found = steps.report_draft(context)
    if found is None:
        return await steps.expired(update, context)
    window = actions.back_window(found.first_day, steps.today(context))
    if day not in window:
        await steps.day_from(update, context, window.earliest)
        return State.BACK_DATE
    found.values["back_on"] = day.isoformat()
    t = context.translator
    text = [t._("You go back to work on {day}.", day=day_text(t, day)), "", t._("Is this right?")]
    await ask(update, context, "\n".join(text), steps.confirm_rows(t))
    return State.CONFIRM


async def again(update: Update, context: BotContext) -> State | int:
    """Change the day back at work."""
    if await pressed(update, context) is None:
        return END
    found = steps.report_draft(context)
    if found is None:
        return await steps.expired(update, context)
    return await ask_back(update, context, found.first_day)


async def send(update: Update, context: BotContext) -> str | int | None:
    """Confirmed: close the report, tell both; then ask for a missing certificate."""
    client = await pressed(update, context)
    if client is None:
        return END
    found = steps.report_draft(context)
    if found is None or not isinstance(found.values.get("back_on"), str):
        return await steps.expired(update, context)
    report_id = found.report_id
    back_on = date.fromisoformat(found.values["back_on"])
    try:
        recovered = await actions.recover(context.services, client, report_id, back_on)
    except Refusal as refusal:
        return await steps.refused(update, context, refusal, report_id)
    t = context.translator
    text = "\n".join([t._("✅ Thank you. Welcome back!"), notify.told_text(t, recovered.told)])
    if not recovered.certificate_wanted:
        return await steps.finish(update, context, text)
    await flows.say(update, context, text)
    context.data[steps.DRAFT] = {"report_id": report_id}
    await steps.ask_certificate(update, context)
    return TO_CERTIFICATE


def conversation(i18n: I18n, certificate_step: object) -> ConversationHandler[Any]:
    """The sub-flow, for `conversations.sick_report` to nest: done, the sick report ends,
    or goes on at `certificate_step` (its step that waits for the certificate)."""
    typed = typed_text(i18n)
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(better, pattern=SickBetter.matches)],
        states={
            State.BACK: [
                CallbackQueryHandler(back_day, pattern=BackOn.matches),
                CallbackQueryHandler(another_day, pattern=BackAnotherDay.matches),
            ],
            State.BACK_DATE: [
                CallbackQueryHandler(back_day, pattern=BackOn.matches),
                MessageHandler(typed, back_typed),
            ],
            State.CONFIRM: [
                CallbackQueryHandler(send, pattern=SickSend.matches),
                CallbackQueryHandler(again, pattern=SickAgain.matches),
            ],
        },
        fallbacks=steps.fallbacks(i18n),
        map_to_parent={END: END, TO_CERTIFICATE: certificate_step},
        name=steps.BETTER,
        persistent=True,
        allow_reentry=True,
        per_message=False,
    )
