"""New internship, part two: the schedule, the dates and the first day.

Starts on the answer to part one's last question (`conversations.new_internship`:
on which weekdays does the client work?) and fills the same draft
(`bot.internship_draft`): the weekdays and hours, the first day, the length (9
workdays by default), the first-day details and the Dutch-lesson moments. Buttons
wherever an answer can be chosen; typed answers are checked and kept.

At the end the summary to confirm; ✅ Create is part three
(`conversations.new_internship_create`), ✖️ Cancel stores nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import internship_draft, menus, workdays
from bot.absence_texts import minutes_label
from bot.actions.internships import MAX_FIRST_DAY_TEXT, MAX_WORKDAYS
from bot.buttons import CreateInternship, NewInternshipFor, Weekday, WeekdaysDone, is_weekday
from bot.callbacks import Button
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    button,
    close_buttons,
    folded_text,
    leaving,
    parse_number,
    refuse,
    say,
    staff,
    typed_answer,
    typed_text,
    use_the_buttons,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.parsing import Yearless, parse_day, parse_time_span
from bot.store.models import Schedule

log = logging.getLogger(__name__)

KEY = internship_draft.KEY
HOUR_CHOICES = ["08:30-16:30", "08:00-16:00", "09:00-17:00", "09:00-16:00"]
DEFAULT_LENGTH = 9
SHOWN_START_DAYS = 5


class State(StrEnum):
    DAYS = "days"
    HOURS = "hours"
    BREAK = "break"
    START = "start"
    LENGTH = "length"
    MEETING_POINT = "meeting_point"
    FIRST_DAY_CONTACT = "first_day_contact"
    WHAT_TO_BRING = "what_to_bring"
    DUTCH_LESSONS = "dutch_lessons"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class Hours(Button, prefix="ni:hours"):
    """`ni:hours:08:30-16:30`: the times keep their colons (as the data always had), so
    the span reads as three parts: "08", "30-16" and "30"."""

    start_hour: str
    start_minute_end_hour: str
    end_minute: str

    @classmethod
    def of_span(cls, span: str) -> Hours:
        first, middle, last = span.split(":")
        return cls(first, middle, last)

    @property
    def span(self) -> str:
        return f"{self.start_hour}:{self.start_minute_end_hour}:{self.end_minute}"


@dataclass(frozen=True)
class BreakLength(Button, prefix="ni:break"):
    minutes: int


# The breaks offered as buttons, in minutes.
BREAK_CHOICES = (0, 15, 30, 45, 60)


@dataclass(frozen=True)
class StartDay(Button, prefix="ni:start"):
    day: date


@dataclass(frozen=True)
class Length(Button, prefix="ni:len"):
    workdays: int


@dataclass(frozen=True)
class Skip(Button, prefix="ni:skip"):
    pass


@dataclass(frozen=True)
class FirstDayContact(Button, prefix="ni:fdc"):
    """The contact person is whom to ask for on the first day."""

    who: Literal["contact"]


@dataclass(frozen=True)
class Cancel(Button, prefix="ni:cancel"):
    pass


_data = internship_draft.of


def _schedule(context: BotContext) -> Schedule:
    return internship_draft.schedule_of(_data(context), context.services.settings.break_minutes)


def _rows(buttons: list[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def _skip(t: Translator) -> InlineKeyboardMarkup:
    return _rows([button(t.plain("⏭ Skip"), Skip().pack())])


# The schedule


async def _draft(update: Update, context: BotContext) -> bool:
    """Whether this is a caseworker with part one's draft; else the press is refused."""
    if await staff(update, context) is None:
        return False
    if not internship_draft.has_client_and_workplace(internship_draft.peek(context)):
        # A weekday button of a draft that was created or stopped since.
        await refuse(update, context)
        return False
    return True


async def day_toggled(update: Update, context: BotContext) -> State | int | None:
    """Button: switch one weekday on or off."""
    press = Weekday.of(update)
    query = update.callback_query
    assert press is not None and query is not None
    if not await _draft(update, context):
        return None
    data = _data(context)
    days = data.get("days", internship_draft.DEFAULT_DAYS)
    data["days"] = sorted(set(days) ^ {press.weekday})
    await query.answer()
    await query.edit_message_reply_markup(
        internship_draft.weekdays_keyboard(context.translator, data["days"])
    )
    return State.DAYS


async def days_done(update: Update, context: BotContext) -> State | int | None:
    """Button: the weekdays are right."""
    query = update.callback_query
    assert query is not None
    if not await _draft(update, context):
        return None
    if not _data(context).get("days"):
        await query.answer(
            context.translator.plain("Choose at least one weekday."), show_alert=True
        )
        return State.DAYS
    await close_buttons(update)
    buttons = [
        button(choice.replace("-", " – "), Hours.of_span(choice).pack()) for choice in HOUR_CHOICES
    ]
    await say(
        update,
        context,
        context._("What are the working hours? Pick them, or type them like this: 8:30-16:30"),
        _rows(buttons, 2),
    )
    return State.HOURS


async def hours_given(update: Update, context: BotContext) -> State | int | None:
    """Typed or button: the working hours."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    press = Hours.of(update)
    if press is not None:
        if press.span not in HOUR_CHOICES:
            await refuse(update, context)
            return None
        text = press.span
        await close_buttons(update)
    else:
        text = folded_text(update)
    hours = parse_time_span(text)
    if hours is None:
        await say(
            update,
            context,
            context._("I do not understand these hours. Please type them like this: 8:30-16:30"),
        )
        return State.HOURS
    data = _data(context)
    data["hours"] = f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"
    # A new answer for the hours asks the break again.
    data.pop("break_minutes", None)
    return await ask_break(update, context)


async def ask_break(update: Update, context: BotContext, text: str | None = None) -> State:
    """The unpaid break of each day, the usual one first (`text` says what was wrong)."""
    t = context.translator
    usual = _schedule(context).break_minutes
    choices = [usual, *(m for m in BREAK_CHOICES if m != usual)]
    buttons = [
        button(
            t.plain("✅ {length} (usual)", length=_break_label(t, m))
            if m == usual
            else _break_label(t, m),
            BreakLength(m).pack(),
        )
        for m in choices
    ]
    question = context._(
        "How long is the unpaid break each day? The hours to fill in and the premium count "
        "without it. Pick it, or type the minutes (for example 40)."
    )
    await say(update, context, f"{text}\n\n{question}" if text else question, _rows(buttons, 2))
    return State.BREAK


def _break_label(t: Translator, minutes: int) -> str:
    return t.plain("No break") if minutes == 0 else minutes_label(t, minutes)


async def break_given(update: Update, context: BotContext) -> State | int | None:
    """Typed or button: the break of each day."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    press = BreakLength.of(update)
    if press is not None:
        if press.minutes not in BREAK_CHOICES and press.minutes != _schedule(context).break_minutes:
            await refuse(update, context)
            return None
        minutes: int | None = press.minutes
        await close_buttons(update)
    else:
        text = folded_text(update)
        minutes = int(text) if text.isdigit() else None
    longest = workdays.longest_break(_schedule(context))
    if minutes is None or not 0 <= minutes <= longest:
        return await ask_break(
            update,
            context,
            context._("The break is a number of minutes from 0 to {most}.", most=longest),
        )
    _data(context)["break_minutes"] = minutes
    return await ask_start(update, context)


# The dates


async def ask_start(update: Update, context: BotContext, text: str | None = None) -> State:
    """Ask the first internship day (`text` says what was wrong before)."""
    schedule = _schedule(context)
    t = context.translator
    today = context.services.today()
    first = workdays.workdays_from(today + timedelta(days=1), schedule, SHOWN_START_DAYS)
    buttons = [button(t.date(day, "EEEE d MMMM"), StartDay(day).pack()) for day in first]
    await say(
        update,
        context,
        text
        or context._("When is the first internship day? Pick it, or type the date (30/11/2026)."),
        _rows(buttons),
    )
    return State.START


async def start_date(update: Update, context: BotContext) -> State | int:
    """Typed or button: the first internship day."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    today = context.services.today()
    press = StartDay.of(update)
    if press is not None:
        day: date | None = press.day
        await close_buttons(update)
    else:
        day = parse_day(folded_text(update), today, Yearless.NEXT)
    t = context.translator
    if day is None:
        return await ask_start(
            update,
            context,
            context._("I do not understand this date. Please type it like this: 30/11/2026"),
        )
    if day < today or day > today + timedelta(days=366):
        return await ask_start(
            update,
            context,
            context._("Please choose a day from today until one year from now."),
        )
    if not workdays.is_workday(day, _schedule(context)):
        return await ask_start(
            update,
            context,
            context._(
                "{day} is not a workday of this schedule (or a public holiday). "
                "Please choose another day.",
                day=t.date(day, "EEEE d MMMM yyyy"),
            ),
        )
    _data(context)["start"] = day.isoformat()
    await say(
        update,
        context,
        context._(
            "How many workdays does the internship last? Usually 9. Pick it or type a number."
        ),
        _rows([button(t.plain("9 workdays"), Length(DEFAULT_LENGTH).pack())]),
    )
    return State.LENGTH


async def length(update: Update, context: BotContext) -> State | int | None:
    """Typed or button: the number of workdays."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    press = Length.of(update)
    if press is not None:
        if not 1 <= press.workdays <= MAX_WORKDAYS:
            await refuse(update, context)
            return None
        days: int | None = press.workdays
        await close_buttons(update)
    else:
        days = parse_number(folded_text(update), 1, MAX_WORKDAYS)
    if days is None:
        await say(
            update,
            context,
            context._("Please type a number of workdays from 1 to {most}.", most=MAX_WORKDAYS),
        )
        return State.LENGTH
    _data(context)["length"] = days
    await say(
        update,
        context,
        context._(
            "Where does the client go on the first day (meeting point)? "
            "For example: the reception at the main entrance."
        ),
        _skip(context.translator),
    )
    return State.MEETING_POINT


# The first day and the Dutch lessons


async def meeting_point(update: Update, context: BotContext) -> State | int:
    """Typed or skipped: the meeting point."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    answer = await _answer_or_skip(update, context)
    if answer is None:
        return State.MEETING_POINT
    data = _data(context)
    data["meeting_point"] = answer
    buttons = [
        button(name, FirstDayContact("contact").pack())
        for name in [data.get("contact_name")]
        if name
    ]
    buttons.append(button(context.translator.plain("⏭ Skip"), Skip().pack()))
    await say(
        update,
        context,
        context._("Whom does the client ask for on the first day? Type the name, or pick."),
        _rows(buttons),
    )
    return State.FIRST_DAY_CONTACT


async def first_day_contact(update: Update, context: BotContext) -> State | int:
    """Typed, the contact's name, or skipped: whom to ask for on the first day."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    data = _data(context)
    if FirstDayContact.of(update) is not None:
        await close_buttons(update)
        data["first_day_contact"] = data.get("contact_name", "")
    else:
        answer = await _answer_or_skip(update, context)
        if answer is None:
            return State.FIRST_DAY_CONTACT
        data["first_day_contact"] = answer
    await say(
        update,
        context,
        context._(
            "What does the client bring on the first day? "
            "For example: identity card, safety shoes, lunch."
        ),
        _skip(context.translator),
    )
    return State.WHAT_TO_BRING


async def what_to_bring(update: Update, context: BotContext) -> State | int:
    """Typed or skipped: what to bring."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    answer = await _answer_or_skip(update, context)
    if answer is None:
        return State.WHAT_TO_BRING
    _data(context)["what_to_bring"] = answer
    await say(
        update,
        context,
        context._(
            "When are the Dutch lessons during the internship? "
            "For example: Tuesday 13:00-15:30. Or press “No lessons”."
        ),
        _rows([button(context.translator.plain("No lessons"), Skip().pack())]),
    )
    return State.DUTCH_LESSONS


async def dutch_lessons(update: Update, context: BotContext) -> State | int:
    """Typed or none: the Dutch-lesson moments; then the summary to confirm."""
    if await staff(update, context) is None:
        return ConversationHandler.END
    answer = await _answer_or_skip(update, context)
    if answer is None:
        return State.DUTCH_LESSONS
    _data(context)["dutch_lessons"] = answer
    t = context.translator
    await say(
        update,
        context,
        internship_draft.summary(context.services, t, _data(context))
        + "\n\n"
        + context._("Shall I create this internship?"),
        _rows(
            [
                button(t.plain("✅ Create"), CreateInternship().pack()),
                button(t.plain("✖️ Cancel"), Cancel().pack()),
            ],
            2,
        ),
    )
    return State.CONFIRM


async def _answer_or_skip(update: Update, context: BotContext) -> str | None:
    """The typed text, or "" for the skip button; None (after saying why) when too long."""
    if update.callback_query is not None:
        await close_buttons(update)
        return ""
    return await typed_answer(update, context, MAX_FIRST_DAY_TEXT)


# Leaving the flow


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel, the Cancel button or "✖️ Cancel" at the end: nothing is stored."""
    if update.callback_query is not None:
        await close_buttons(update)
    context.data.pop(KEY, None)
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._("Stopped. No internship was created."))


async def handed_over(update: Update, context: BotContext) -> int:
    """✅ Create: part three takes the draft from here."""
    return ConversationHandler.END


async def leave(update: Update, context: BotContext) -> int:
    """Another menu button or command, or part one starting again: end this part quietly."""
    context.data.pop(KEY, None)
    return ConversationHandler.END


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    typed = typed_text(i18n)
    buttons_only = MessageHandler(typed, use_the_buttons)
    weekday_buttons: list[BaseHandler[Update, Any, Any]] = [
        CallbackQueryHandler(day_toggled, pattern=is_weekday),
        CallbackQueryHandler(days_done, pattern=WeekdaysDone.matches),
    ]
    states: dict[object, list[BaseHandler[Update, Any, Any]]] = {
        State.DAYS: [*weekday_buttons, buttons_only],
        State.HOURS: [
            CallbackQueryHandler(hours_given, pattern=Hours.matches),
            MessageHandler(typed, hours_given),
        ],
        State.BREAK: [
            CallbackQueryHandler(break_given, pattern=BreakLength.matches),
            MessageHandler(typed, break_given),
        ],
        State.START: [
            CallbackQueryHandler(start_date, pattern=StartDay.matches),
            MessageHandler(typed, start_date),
        ],
        State.LENGTH: [
            CallbackQueryHandler(length, pattern=Length.matches),
            MessageHandler(typed, length),
        ],
        State.MEETING_POINT: [
            CallbackQueryHandler(meeting_point, pattern=Skip.matches),
            MessageHandler(typed, meeting_point),
        ],
        State.FIRST_DAY_CONTACT: [
            CallbackQueryHandler(first_day_contact, pattern=Skip.matches),
            CallbackQueryHandler(first_day_contact, pattern=FirstDayContact.matches),
            MessageHandler(typed, first_day_contact),
        ],
        State.WHAT_TO_BRING: [
            CallbackQueryHandler(what_to_bring, pattern=Skip.matches),
            MessageHandler(typed, what_to_bring),
        ],
        State.DUTCH_LESSONS: [
            CallbackQueryHandler(dutch_lessons, pattern=Skip.matches),
            MessageHandler(typed, dutch_lessons),
        ],
        State.CONFIRM: [
            # Part three creates it; this part ends without a word.
            CallbackQueryHandler(handed_over, pattern=CreateInternship.matches),
            buttons_only,
        ],
    }
    conversation: ConversationHandler[Any] = ConversationHandler(
        name="new_internship_plan",
        persistent=True,
        per_message=False,
        # The answer to part one's last question.
        entry_points=weekday_buttons,
        states=states,
        allow_reentry=True,
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            CallbackQueryHandler(cancel, pattern=Cancel.matches),
            MessageHandler(leaving(i18n), leave),
            # Part one begins again (a second chance): this draft is over.
            CallbackQueryHandler(leave, pattern=NewInternshipFor.matches),
        ],
    )
    return [conversation]
