"""My caseload: a caseworker's internships, what needs action first, and one in detail.

- The menu button lists the open internships (admins: everyone's), each with its
  status at a glance, sorted by what needs action first: evaluation late, sick now,
  evaluation due, evaluated (to close), starts soon, running; eight a page, with
  ⬅️ Previous and Next ➡️ (`cl:page:<n>`).
- 📂 Open (`cw:open:<id>`, a list button or the button of any notification) shows the
  detail (`bot.caseload.detail`): dates, reports, hours, evaluation, reminders and the
  history, with the actions. Extending, moving the start, closing, cancelling, a second
  chance, reassigning and new links are flows of their own (`caseload_*`); here are
  the one-tap ones: 🔒 lock the hours (`cl:lock:<id>`), ⏰ later (`cw:later:<id>`, then
  `cl:snz:<id>:<2h|tm>`), and ✖️ No under any confirmation (`cl:no:<id>`).

Nothing here waits for typed text, so these are plain handlers, not a conversation.
Every button is checked again by the action (`bot.actions.internships`): the person
must be a caseworker who follows the internship, or an admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import menus
from bot.actions import internships as actions
from bot.actions.internships import Later
from bot.actions.refusals import Refusal
from bot.buttons import Dismiss, LockHours, OpenInternship, RemindLater
from bot.callbacks import Button
from bot.caseload import (
    Glance,
    Line,
    answer,
    caseload_lines,
    glance_icon,
    glance_label,
    internship_for,
    refused,
    show_detail,
    take_buttons_off,
)
from bot.context import BotContext
from bot.flows import button, say, staff
from bot.i18n import I18n
from bot.menus import Action
from bot.store.models import Person, Role

PAGE_SIZE = 8


@dataclass(frozen=True)
class Page(Button, prefix="cl:page"):
    """⬅️ / ➡️: another page of the caseload (the first is 0)."""

    page: int


@dataclass(frozen=True)
class Snooze(Button, prefix="cl:snz"):
    internship_id: int
    when: Later


# The list


async def show_caseload(update: Update, context: BotContext) -> None:
    """Menu "My caseload": the first page of the list."""
    person = await staff(update, context)
    if person is not None:
        await send_list(update, context, person, 0)


async def page_pressed(update: Update, context: BotContext) -> None:
    """`cl:page:<n>`: another page."""
    press = Page.of(update)
    person = await staff(update, context)
    if person is None or press is None:
        return
    await answer(update)
    await send_list(update, context, person, press.page)


async def send_list(update: Update, context: BotContext, person: Person, page: int) -> None:
    """Send one page of the caseload, with a button per internship."""
    t = context.translator
    lines = await caseload_lines(context.services, person)
    if not lines:
        await say(update, context, context._("You have no open internships. ➕ New internship?"))
        return
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = lines[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    header = context.ngettext(
        "<b>Your caseload:</b> {n} open internship",
        "<b>Your caseload:</b> {n} open internships",
        len(lines),
    )
    rows = []
    text_lines = [header, ""]
    for line in shown:
        text_lines.append(_list_line(context, line, person.role == Role.ADMIN))
        icon = glance_icon(line)
        label = f"{icon} {line.client} · {line.workplace}"[:60]
        rows.append([button(label, OpenInternship(line.internship.id).pack())])
    nav = []
    if page > 0:
        nav.append(button(t.plain("⬅️ Previous"), Page(page - 1).pack()))
    if page < pages - 1:
        nav.append(button(t.plain("Next ➡️"), Page(page + 1).pack()))
    if nav:
        rows.append(nav)
    await say(update, context, "\n".join(text_lines), InlineKeyboardMarkup(rows))


def _list_line(context: BotContext, line: Line, with_caseworker: bool) -> str:
    t = context.translator
    if line.glance == Glance.STARTS_SOON:
        when = context._("starts {day}", day=t.date(line.internship.start_date, "EEE d MMM"))
    elif line.glance in (Glance.EVALUATION_DUE, Glance.EVALUATION_LATE):
        when = context._("due {day}", day=t.date(line.due_day, "EEE d MMM"))
    else:
        when = context._("until {day}", day=t.date(line.last_day, "EEE d MMM"))
    text = context._(
        "{status} · <b>{client}</b> · {workplace} · {when}",
        status=glance_label(t, line),
        client=line.client,
        workplace=line.workplace,
        when=when,
    )
    if with_caseworker:
        text += context._(" · {caseworker}", caseworker=line.caseworker)
    return text


# The detail


async def open_internship(update: Update, context: BotContext) -> None:
    """`cw:open:<id>`: everything about one internship, with the actions."""
    press = OpenInternship.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id)
    if internship is None:
        return
    await answer(update)
    await show_detail(update, context, internship)


# One tap


async def lock_pressed(update: Update, context: BotContext) -> None:
    """`cl:lock:<id>`: the caseworker checked the hours; the workplace can no longer
    change them."""
    press = LockHours.of(update)
    assert press is not None
    try:
        await actions.lock_hours(context.services, context.person, press.internship_id)
    except Refusal as refusal:
        await refused(update, context, refusal)
        return
    await answer(update, context.translator.plain("🔒 Hours locked."))


async def ask_later(update: Update, context: BotContext) -> None:
    """`cw:later:<id>`: when to come back to it."""
    press = RemindLater.of(update)
    assert press is not None
    internship = await internship_for(update, context, press.internship_id, open_only=True)
    if internship is None:
        return
    await answer(update)
    t = context.translator
    await say(
        update,
        context,
        context._("When shall I remind you?"),
        InlineKeyboardMarkup(
            [
                [
                    button(t.plain("In 2 hours"), Snooze(internship.id, Later.IN_TWO_HOURS).pack()),
                    button(
                        t.plain("Tomorrow 9:00"),
                        Snooze(internship.id, Later.TOMORROW_MORNING).pack(),
                    ),
                ]
            ]
        ),
    )


async def snooze(update: Update, context: BotContext) -> None:
    """`cl:snz:<id>:<2h|tm>`: plan the reminder."""
    press = Snooze.of(update)
    assert press is not None
    try:
        due = await actions.remind_later(
            context.services, context.person, press.internship_id, press.when
        )
    except Refusal as refusal:
        await refused(update, context, refusal)
        return
    await answer(update)
    await take_buttons_off(update)
    await say(
        update,
        context,
        context._(
            "OK, I will remind you on {when}.",
            when=context.translator.datetime(due, "EEEE d MMMM HH:mm"),
        ),
    )


async def dismiss(update: Update, context: BotContext) -> None:
    """`cl:no:<id>`: nothing happens."""
    press = Dismiss.of(update)
    assert press is not None
    if await internship_for(update, context, press.internship_id) is None:
        return
    await answer(update, context.translator.plain("Nothing was changed."))
    await take_buttons_off(update)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        *menus.entry_points(i18n, Action.CASELOAD, show_caseload),
        CallbackQueryHandler(page_pressed, pattern=Page.matches),
        CallbackQueryHandler(open_internship, pattern=OpenInternship.matches),
        CallbackQueryHandler(lock_pressed, pattern=LockHours.matches),
        CallbackQueryHandler(ask_later, pattern=RemindLater.matches),
        CallbackQueryHandler(snooze, pattern=Snooze.matches),
        CallbackQueryHandler(dismiss, pattern=Dismiss.matches),
    ]
