"""Export hours: a CSV of the internship hours and premiums, and locking checked hours.

The caseworker picks a period (last month, this month, or types two dates), gets
a CSV document with one row per internship overlapping it (their own; an admin's:
everyone's), and then a button per internship whose hours are in but not locked:
a tap locks them after checking, so the workplace can no longer change them.
The same CSV comes from `werkervaring-bot export hours --from DATE --to DATE`.

The month buttons carry `ex:p:<first day>:<last day>`, the lock buttons
`ex:lock:<internship id>`; locking is `bot.actions.internships.lock_hours`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import menus
from bot.actions import internships as actions
from bot.actions.refusals import AlreadyLocked, Refusal
from bot.callbacks import Button
from bot.caseload import refused
from bot.context import BotContext
from bot.exports import HoursRow, hours_csv_bytes, hours_rows
from bot.flows import back_to_menu, end_silently, leaving, staff, typed_text
from bot.i18n import I18n
from bot.menus import Action
from bot.parsing import Yearless, parse_day
from bot.store.models import Role


class State(StrEnum):
    PERIOD = "period"


@dataclass(frozen=True)
class Period(Button, prefix="ex:p"):
    first: date
    last: date


@dataclass(frozen=True)
class LockExported(Button, prefix="ex:lock"):
    internship_id: int


MAX_LOCK_BUTTONS = 20
MAX_PERIOD_DAYS = 400


async def ask_period(update: Update, context: BotContext) -> State | int:
    """Menu "Export hours": which period?"""
    if await staff(update, context) is None:
        return ConversationHandler.END
    t = context.translator
    today = context.services.today()
    this_month = today.replace(day=1)
    last_month_end = this_month - timedelta(days=1)
    last_month = last_month_end.replace(day=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    choices = [
        (last_month, last_month_end),
        (this_month, next_month - timedelta(days=1)),
    ]
    buttons = [
        [
            InlineKeyboardButton(
                t.date(first, "LLLL yyyy").capitalize(),
                callback_data=Period(first, last).pack(),
            )
        ]
        for first, last in choices
    ]
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(
        chat.id,
        context._(
            "Which period? Pick a month, or type two dates like this: 1/11/2026 - 30/11/2026"
        ),
        reply_markup=InlineKeyboardMarkup(buttons),
    )
    return State.PERIOD


async def period_chosen(update: Update, context: BotContext) -> State | int:
    """A month button or two typed dates: send the CSV and the lock buttons."""
    person = await staff(update, context)
    if person is None:
        return ConversationHandler.END
    chat = update.effective_chat
    assert chat is not None
    press = Period.of(update)
    if update.callback_query is not None:
        await update.callback_query.answer()
        if press is None:
            return ConversationHandler.END
        first, last = press.first, press.last
    else:
        message = update.effective_message
        period = _parse_period(message.text or "" if message else "", context.services.today())
        if period is None:
            await context.bot.send_message(
                chat.id,
                context._(
                    "I do not understand this period. Please type two dates like this: "
                    "1/11/2026 - 30/11/2026"
                ),
            )
            return State.PERIOD
        first, last = period
    rows = await hours_rows(
        context.services, first, last, None if person.role == Role.ADMIN else person.id
    )
    t = context.translator
    caption = context.ngettext(
        "Hours and premiums from {first} to {last}: {n} internship.",
        "Hours and premiums from {first} to {last}: {n} internships.",
        len(rows),
        first=t.date(first, "d MMM yyyy"),
        last=t.date(last, "d MMM yyyy"),
    )
    await context.bot.send_document(
        chat.id,
        InputFile(hours_csv_bytes(rows), filename=f"hours_{first}_{last}.csv", attach=True),
        caption=caption,
    )
    await _offer_locks(update, context, rows)
    return ConversationHandler.END


def _parse_period(text: str, today: date) -> tuple[date, date] | None:
    parts = re.split(r"\s+(?:-|–|tot|to|à)\s+|\s*–\s*|\s+", text.strip())
    parts = [p for p in parts if p and p != "-"]
    if len(parts) != 2:
        return None
    first = parse_day(parts[0], today - timedelta(days=MAX_PERIOD_DAYS), Yearless.NEXT)
    last = parse_day(parts[1], first or today, Yearless.NEXT)
    if first is None or last is None or last < first or (last - first).days > MAX_PERIOD_DAYS:
        return None
    return first, last


async def _offer_locks(update: Update, context: BotContext, rows: list[HoursRow]) -> None:
    """Offer a lock button per internship whose hours are in but not locked."""
    open_rows = [r for r in rows if r.minutes is not None and not r.locked]
    chat = update.effective_chat
    assert chat is not None
    if not open_rows:
        await context.bot.send_message(chat.id, context._("All submitted hours are locked."))
        return
    buttons = [
        [
            InlineKeyboardButton(
                f"🔒 {row.client} · {(row.minutes or 0) // 60}:{(row.minutes or 0) % 60:02d}"[:60],
                callback_data=LockExported(row.internship_id).pack(),
            )
        ]
        for row in open_rows[:MAX_LOCK_BUTTONS]
    ]
    await context.bot.send_message(
        chat.id,
        context._(
            "These hours are not locked yet. Check them, then tap to lock them: the "
            "workplace can then no longer change them."
        ),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def lock_pressed(update: Update, context: BotContext) -> None:
    """`ex:lock:<id>`: lock the hours of one internship (if it is theirs)."""
    press = LockExported.of(update)
    query = update.callback_query
    assert press is not None and query is not None
    try:
        await actions.lock_hours(context.services, context.person, press.internship_id)
    except AlreadyLocked as refusal:
        # Locked meanwhile (in the caseload, say): the button goes all the same.
        await refused(update, context, refusal)
    except Refusal as refusal:
        await refused(update, context, refusal)
        return
    else:
        await query.answer(context.translator.plain("🔒 Hours locked."))
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    remaining = [
        row for row in markup.inline_keyboard if not any(b.callback_data == query.data for b in row)
    ]
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(
            InlineKeyboardMarkup(remaining) if remaining else None
        )


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel button."""
    if context.person is None:
        return ConversationHandler.END
    return await back_to_menu(update, context, context._("Stopped. Nothing was exported."))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    period_button: BaseHandler[Update, Any, Any] = CallbackQueryHandler(
        period_chosen, pattern=Period.matches
    )
    conversation: ConversationHandler[Any] = ConversationHandler(
        name="export",
        persistent=True,
        per_message=False,
        entry_points=[*menus.entry_points(i18n, Action.EXPORT, ask_period), period_button],
        states={
            State.PERIOD: [
                period_button,
                MessageHandler(typed_text(i18n), period_chosen),
            ]
        },
        allow_reentry=True,
        fallbacks=[
            *menus.entry_points(i18n, Action.CANCEL, cancel),
            MessageHandler(leaving(i18n), end_silently),
        ],
    )
    return [conversation, CallbackQueryHandler(lock_pressed, pattern=LockExported.matches)]
