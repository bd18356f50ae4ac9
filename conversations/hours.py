"""Internship hours: the workplace reports the exact hours, the caseworker gets them at once.

The client earns an encouragement premium per internship hour, so the hours must
be exact. An employer contact picks one of their own workplace's trainees, then
either walks the internship's workdays (each pre-filled with the scheduled hours,
or with 0 on a reported sick or no-show day, so a normal day is one tap) or types
one total. Hours are typed the way Belgians write them: 7,5 / 7.5 / 7u30 / 7:30 /
7h30. A summary with the total and the premium is confirmed before anything is
stored; every confirmed correction is a new version, until the caseworker locks
the hours.

Entry: the ⏱ menu button, /hours, or a `hours:start:<internship id>` button (the
evaluation reminders carry one). State diagram: `conversations/hours.mmd`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import flows, menus, notify, trainees
from bot.context import BotContext
from bot.exports import premium_cents
from bot.flows import (
    back_to_menu,
    button,
    close_buttons,
    end_silently,
    leaving,
    resume_buttons,
    say,
    typed_text,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.notify import Audience
from bot.parsing import HoursInput, HoursInputError, parse_hours_worked
from bot.store import audit, people
from bot.store import hours as store
from bot.store.hours import Absence, HoursSubmission
from bot.store.models import Internship, Person
from bot.trainees import client_name, employer_internship
from bot.workdays import internship_days

# Conversation states.
CHOOSE_TRAINEE, CORRECT, RESUME, CHOOSE_MODE, DAY, TOTAL, SUMMARY, PICK_DAY = range(8)

MAX_MINUTES_PER_DAY = 12 * 60
DATA_KEY = "hours"
# How much of a refused input the answer quotes back.
QUOTE_LIMIT = 40
# Days of these kinds are pre-filled with 0: the trainee was not there.
AWAY_ALL_DAY = (Absence.SICK, Absence.NO_SHOW)


def duration(t: Translator, minutes: int) -> str:
    """7u30 in Dutch, 7h30 in English and French, ..."""
    return t.plain("{hours}h{minutes}", hours=minutes // 60, minutes=f"{minutes % 60:02d}")


@dataclass
class Draft:
    """The hours being entered, kept in the person's persisted scratch data."""

    internship_id: int
    mode: str = ""
    days: dict[str, int] | None = None
    index: int = 0
    total: int | None = None
    editing: bool = False

    @classmethod
    def load(cls, context: BotContext) -> Draft | None:
        raw = context.data.get(DATA_KEY)
        if not isinstance(raw, dict) or "internship_id" not in raw:
            return None
        return cls(**raw)

    def save(self, context: BotContext) -> None:
        context.data[DATA_KEY] = {
            "internship_id": self.internship_id,
            "mode": self.mode,
            "days": self.days,
            "index": self.index,
            "total": self.total,
            "editing": self.editing,
        }

    @property
    def has_progress(self) -> bool:
        return bool(self.days) or self.total is not None

    def total_minutes(self) -> int:
        if self.mode == "total":
            return self.total or 0
        return sum((self.days or {}).values())


def clear(context: BotContext) -> None:
    context.data.pop(DATA_KEY, None)


# Helpers


async def current(update: Update, context: BotContext) -> tuple[Person, Internship, Draft] | None:
    """Re-check, on every step, that the hours being entered are still this person's to enter."""
    draft = Draft.load(context)
    allowed = await employer_internship(update, context, draft.internship_id if draft else None)
    if allowed is None or draft is None:
        return None
    return allowed[0], allowed[1], draft


def absence_note(t: Translator, absence: Absence | None) -> str:
    if absence is Absence.SICK:
        return t.plain("🤒 Reported sick on this day.")
    if absence is Absence.NO_SHOW:
        return t.plain("🚫 Reported as not come on this day.")
    if absence is Absence.APPOINTMENT:
        return t.plain("📅 Approved appointment on this day: count only the hours worked.")
    return ""


def absence_mark(t: Translator, absence: Absence | None) -> str:
    if absence is Absence.SICK:
        return t.plain("🤒 sick")
    if absence is Absence.NO_SHOW:
        return t.plain("🚫 did not come")
    if absence is Absence.APPOINTMENT:
        return t.plain("📅 appointment")
    return ""


async def absences(context: BotContext, internship: Internship) -> dict[date, Absence]:
    return await store.absences_by_day(
        context.services.db, internship.id, internship_days(internship)[-1]
    )


def scheduled_minutes(internship: Internship) -> int:
    return round(internship.schedule.hours_per_day * 60)


# Entry


async def start(update: Update, context: BotContext) -> int:
    """⏱ Internship hours: pick a trainee of this workplace (or go straight to the only one)."""
    found = await trainees.employer_and_trainees(update, context)
    if found is None:
        return ConversationHandler.END
    open_internships = found[1]
    if not open_internships:
        await say(update, context, context._(trainees.NO_TRAINEE))
        return ConversationHandler.END
    if len(open_internships) == 1:
        return await open_internship(update, context, open_internships[0])
    rows = await trainees.trainee_rows(context.services, open_internships, "hours:start:")
    await say(
        update,
        context,
        context._("For which trainee do you want to give the hours?"),
        InlineKeyboardMarkup(rows),
    )
    return CHOOSE_TRAINEE


async def pick_trainee(update: Update, context: BotContext) -> int | None:
    """A trainee button, or a `hours:start:<id>` button from a reminder: check, then open."""
    internship = await trainees.picked(update, context)
    if internship is None:
        return None
    return await open_internship(update, context, internship)


async def open_internship(update: Update, context: BotContext, internship: Internship) -> int:
    """Locked, already given (correct?), a draft to resume, or a fresh start."""
    db = context.services.db
    name = await client_name(context.services, internship)
    lock = await store.lock_of(db, internship.id)
    if lock is not None:
        caseworker = await people.get(db, internship.caseworker_id)
        await say(
            update,
            context,
            context._(
                "The caseworker {caseworker} has locked the hours of {name}, so they can no "
                "longer be changed here. If something is wrong, please contact {caseworker}.",
                caseworker=caseworker.name if caseworker else "?",
                name=name,
            ),
        )
        return ConversationHandler.END
    draft = Draft.load(context)
    if draft is not None and draft.internship_id == internship.id and draft.has_progress:
        await say(
            update,
            context,
            context._("You started giving the hours of {name} earlier.", name=name),
            resume_buttons(context, "hours"),
        )
        return RESUME
    Draft(internship.id).save(context)
    latest = await store.latest(db, internship.id)
    if latest is not None:
        return await offer_correction(update, context, internship, latest)
    return await ask_mode(update, context, internship)


async def offer_correction(
    update: Update, context: BotContext, internship: Internship, latest: HoursSubmission
) -> int:
    """The hours were given before: show them and ask whether to correct them."""
    t = context.translator
    submitter = await people.get(context.services.db, latest.submitted_by or 0)
    await say(
        update,
        context,
        context._(
            "The hours of {name} were given on {when} by {who}: <b>{total}</b> (version "
            "{version}). Do you want to correct them?",
            name=await client_name(context.services, internship),
            when=t.datetime(latest.submitted_at, "short") if latest.submitted_at else "?",
            who=submitter.name if submitter else "?",
            total=duration(t, latest.total_minutes),
            version=latest.version,
        ),
        InlineKeyboardMarkup(
            [
                [button(t.plain("✏️ Correct the hours"), "hours:correct")],
                [button(t.plain("✅ Keep them"), "hours:keep")],
            ]
        ),
    )
    return CORRECT


async def correct(update: Update, context: BotContext) -> int:
    """Correct hours given before."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    return await ask_mode(update, context, found[1])


async def keep(update: Update, context: BotContext) -> int:
    """Keep the hours given before."""
    if await current(update, context) is None:
        return ConversationHandler.END
    await close_buttons(update)
    clear(context)
    return await back_to_menu(update, context, context._("Fine, nothing was changed."))


async def resume(update: Update, context: BotContext) -> int:
    """Continue the hours where the person stopped."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    _, internship, draft = found
    if draft.mode == "total":
        return await ask_total(update, context, internship)
    if draft.mode == "day" and draft.days is not None:
        if draft.editing or draft.index >= len(internship_days(internship)):
            return await show_summary(update, context, internship, draft)
        return await ask_day(update, context, internship, draft)
    return await ask_mode(update, context, internship)


async def restart(update: Update, context: BotContext) -> int:
    """Throw the unfinished hours away and start again."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    Draft(found[1].id).save(context)
    return await ask_mode(update, context, found[1])


# Per day or in total


async def ask_mode(update: Update, context: BotContext, internship: Internship) -> int:
    """Ask whether to give the hours per day or in total."""
    t = context.translator
    await say(
        update,
        context,
        context._(
            "How do you want to give the hours of {name}?\n\n"
            "📅 <b>Per day</b>: I show each workday with the scheduled hours. A normal day "
            "is one tap.\n"
            "🧮 <b>In total</b>: one number for the whole internship.",
            name=await client_name(context.services, internship),
        ),
        InlineKeyboardMarkup(
            [
                [button(t.plain("📅 Per day"), "hours:mode:day")],
                [button(t.plain("🧮 In total"), "hours:mode:total")],
            ]
        ),
    )
    return CHOOSE_MODE


async def choose_mode(update: Update, context: BotContext) -> int:
    """Per day or in total."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    await close_buttons(update)
    _, internship, draft = found
    if query.data.endswith(":total"):
        draft.mode, draft.days, draft.total = "total", None, None
        draft.save(context)
        return await ask_total(update, context, internship)
    draft.mode, draft.days, draft.index, draft.total = "day", {}, 0, None
    draft.save(context)
    return await ask_day(update, context, internship, draft)


async def use_the_buttons(update: Update, context: BotContext) -> None:
    """Text where a button is expected: say so (nothing typed is taken silently)."""
    await say(
        update,
        context,
        context._("Please choose with the buttons above. Nothing was changed."),
    )


# Per day


async def prefill(
    context: BotContext, internship: Internship, draft: Draft, day: date, away: Absence | None
) -> int:
    """What the day's one-tap button offers: entered before, else scheduled (0 when away)."""
    if draft.days and day.isoformat() in draft.days:
        return draft.days[day.isoformat()]
    latest = await store.latest(context.services.db, internship.id)
    if latest is not None and latest.per_day is not None and day in latest.per_day:
        return latest.per_day[day]
    if away in AWAY_ALL_DAY:
        return 0
    return scheduled_minutes(internship)


async def ask_day(update: Update, context: BotContext, internship: Internship, draft: Draft) -> int:
    """Ask the hours of the day at `draft.index`, the likely answer one tap away."""
    t = context.translator
    days = internship_days(internship)
    day = days[draft.index]
    away = (await absences(context, internship)).get(day)
    scheduled = scheduled_minutes(internship)
    offered = await prefill(context, internship, draft, day, away)
    text = context._(
        "Day {number} of {count}: <b>{day}</b>\nScheduled: {start}–{end} ({scheduled}).",
        number=draft.index + 1,
        count=len(days),
        day=t.date(day, "full"),
        start=t.time(internship.schedule.start),
        end=t.time(internship.schedule.end),
        scheduled=duration(t, scheduled),
    )
    note = absence_note(t, away)
    if note:
        text += "\n" + note
    text += "\n\n" + context._(
        "How many hours did {name} work? Tap the button, or type the hours (for example "
        "7,5 or 7u30).",
        name=await client_name(context.services, internship),
    )
    rows = [
        [
            button(
                t.plain("✅ {hours}", hours=duration(t, offered)),
                f"hours:day:{draft.index}:{offered}",
            )
        ]
    ]
    if offered != scheduled:
        rows.append(
            [
                button(
                    t.plain("🕗 {hours} (as scheduled)", hours=duration(t, scheduled)),
                    f"hours:day:{draft.index}:{scheduled}",
                )
            ]
        )
    if offered != 0:
        rows.append([button(t.plain("0 (did not work)"), f"hours:day:{draft.index}:0")])
    if draft.index > 0 and not draft.editing:
        rows.append([button(t.plain("⬅️ Previous day"), "hours:back")])
    await say(update, context, text, InlineKeyboardMarkup(rows))
    return DAY


async def day_button(update: Update, context: BotContext) -> int:
    """A one-tap answer for the day being asked."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    _, internship, draft = found
    _prefix, _kind, index, minutes = query.data.split(":")
    if draft.mode != "day" or int(index) != draft.index or int(minutes) > MAX_MINUTES_PER_DAY:
        await query.answer(context.translator.plain(flows.BUTTON_EXPIRED), show_alert=True)
        return DAY
    await close_buttons(update)
    return await set_day(update, context, internship, draft, int(minutes))


async def day_typed(update: Update, context: BotContext) -> int:
    """Typed hours for the day being asked."""
    found = await current(update, context)
    message = update.effective_message
    if found is None or message is None or message.text is None:
        return ConversationHandler.END
    _, internship, draft = found
    minutes = await read_hours(update, context, message.text, MAX_MINUTES_PER_DAY, day=True)
    if minutes is None:
        return DAY
    return await set_day(update, context, internship, draft, minutes)


async def set_day(
    update: Update, context: BotContext, internship: Internship, draft: Draft, minutes: int
) -> int:
    """Keep a day's minutes; ask the next day, or show the summary after the last."""
    days = internship_days(internship)
    draft.days = {**(draft.days or {}), days[draft.index].isoformat(): minutes}
    if draft.editing or draft.index + 1 >= len(days):
        draft.editing = False
        draft.index = len(days)
        draft.save(context)
        return await show_summary(update, context, internship, draft)
    draft.index += 1
    draft.save(context)
    return await ask_day(update, context, internship, draft)


async def previous_day(update: Update, context: BotContext) -> int:
    """Go back one day."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    _, internship, draft = found
    draft.index = max(draft.index - 1, 0)
    draft.save(context)
    return await ask_day(update, context, internship, draft)


async def read_hours(
    update: Update, context: BotContext, text: str, maximum: int, day: bool
) -> int | None:
    """The typed minutes, or None after saying what is allowed (quoting what was typed)."""
    # Quote enough to recognise, never so much that the answer outgrows a message.
    quoted = text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT] + "…"
    try:
        minutes = parse_hours_worked(text, context.translator.locale)
    except HoursInputError as exc:
        problems = {
            HoursInput.UNREADABLE: context._(
                "I cannot read «{typed}» as a number of hours. Type for example 7,5 or 7u30 "
                "or 7:30.",
                typed=quoted,
            ),
            HoursInput.NEGATIVE: context._(
                "«{typed}»: hours cannot be negative. Type 0 for a day that was not worked.",
                typed=quoted,
            ),
            HoursInput.BAD_MINUTES: context._(
                "«{typed}»: the minutes must be from 0 to 59, for example 7u30.", typed=quoted
            ),
        }
        await say(update, context, problems[exc.problem])
        return None
    if minutes <= maximum:
        return minutes
    t = context.translator
    if day:
        text_out = context._(
            "«{typed}» is more than {maximum} in one day. Type a number from 0 to {maximum}, "
            "for example 7,5 or 7u30.",
            typed=quoted,
            maximum=duration(t, maximum),
        )
    else:
        text_out = context._(
            "«{typed}» is more than this internship can hold: at most {maximum} ({days} "
            "workdays of at most {per_day}). Please type the total again.",
            typed=quoted,
            maximum=duration(t, maximum),
            days=maximum // MAX_MINUTES_PER_DAY,
            per_day=duration(t, MAX_MINUTES_PER_DAY),
        )
    await say(update, context, text_out)
    return None


# In total


async def ask_total(update: Update, context: BotContext, internship: Internship) -> int:
    """Ask the total, offering the scheduled hours without the absence days."""
    t = context.translator
    days = internship_days(internship)
    away = await absences(context, internship)
    expected = await expected_total(context, internship)
    text = context._(
        "How many hours did {name} work in total during the internship? It has {days} "
        "workdays, {scheduled} scheduled in all. Type the total (for example 68 or 67,5).",
        name=await client_name(context.services, internship),
        days=len(days),
        scheduled=duration(t, scheduled_minutes(internship) * len(days)),
    )
    away_lines = [
        context._("{day}: {absence}", day=t.date(d, "EEE d MMM"), absence=absence_mark(t, a))
        for d, a in sorted(away.items())
        if d in days
    ]
    if away_lines:
        text += "\n\n" + context._("Reported absences:") + "\n" + "\n".join(away_lines)
    buttons = InlineKeyboardMarkup(
        [
            [
                button(
                    t.plain("✅ {hours} (as scheduled)", hours=duration(t, expected)),
                    f"hours:total:{expected}",
                )
            ]
        ]
    )
    await say(update, context, text, buttons)
    return TOTAL


async def expected_total(context: BotContext, internship: Internship) -> int:
    """The scheduled minutes of the internship without its reported absence days."""
    away = await absences(context, internship)
    return scheduled_minutes(internship) * sum(
        1 for d in internship_days(internship) if away.get(d) not in AWAY_ALL_DAY
    )


async def total_button(update: Update, context: BotContext) -> int:
    """The one-tap total: the scheduled hours, without the reported absence days."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    _, internship, draft = found
    minutes = int(query.data.rsplit(":", 1)[1])
    # The button stands for the total it showed; any other number is typed.
    if draft.mode != "total" or minutes != await expected_total(context, internship):
        await query.answer(context.translator.plain(flows.BUTTON_EXPIRED), show_alert=True)
        return TOTAL
    await close_buttons(update)
    return await set_total(update, context, internship, draft, minutes)


async def total_typed(update: Update, context: BotContext) -> int:
    """The typed total."""
    found = await current(update, context)
    message = update.effective_message
    if found is None or message is None or message.text is None:
        return ConversationHandler.END
    _, internship, draft = found
    minutes = await read_hours(update, context, message.text, max_total(internship), day=False)
    if minutes is None:
        return TOTAL
    return await set_total(update, context, internship, draft, minutes)


def max_total(internship: Internship) -> int:
    return len(internship_days(internship)) * MAX_MINUTES_PER_DAY


async def set_total(
    update: Update, context: BotContext, internship: Internship, draft: Draft, minutes: int
) -> int:
    """Keep the total; show the summary."""
    draft.total = minutes
    draft.save(context)
    return await show_summary(update, context, internship, draft)


# Summary and confirmation


def summary_lines(
    t: Translator, per_day: dict[date, int] | None, away: dict[date, Absence]
) -> list[str]:
    lines = []
    for day, minutes in sorted((per_day or {}).items()):
        mark = absence_mark(t, away.get(day))
        line = t._("{day}: {hours}", day=t.date(day, "EEE d MMM"), hours=duration(t, minutes))
        lines.append(f"{line}  {mark}" if mark else line)
    return lines


def draft_per_day(draft: Draft) -> dict[date, int] | None:
    if draft.mode != "day" or draft.days is None:
        return None
    return {date.fromisoformat(d): m for d, m in draft.days.items()}


async def show_summary(
    update: Update, context: BotContext, internship: Internship, draft: Draft
) -> int:
    """Show the hours, the total and the premium to confirm."""
    t = context.translator
    minutes = draft.total_minutes()
    settings = context.services.settings
    lines = summary_lines(t, draft_per_day(draft), await absences(context, internship))
    text = context._("Hours of {name}:", name=await client_name(context.services, internship))
    if lines:
        text += "\n\n" + "\n".join(lines)
    text += "\n\n" + context._(
        "<b>Total: {total}</b>\nPremium for {name}: {premium} ({rate} per hour).\n\n"
        "Is this right? Then I send it to the caseworker.",
        total=duration(t, minutes),
        name=await client_name(context.services, internship),
        premium=t.money(premium_cents(minutes, settings.premium_per_hour_cents)),
        rate=t.money(settings.premium_per_hour_cents),
    )
    change = (
        button(t.plain("✏️ Change a day"), "hours:edit")
        if draft.mode == "day"
        else button(t.plain("✏️ Change the total"), "hours:edit")
    )
    await say(
        update,
        context,
        text,
        InlineKeyboardMarkup(
            [
                [button(t.plain("✅ Confirm and send"), "hours:confirm")],
                [change],
                [button(t.plain("✖️ Stop"), "hours:cancel")],
            ]
        ),
    )
    return SUMMARY


async def edit(update: Update, context: BotContext) -> int:
    """Change one day (pick it first) or the total."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    await close_buttons(update)
    _, internship, draft = found
    if draft.mode == "total":
        return await ask_total(update, context, internship)
    t = context.translator
    rows = []
    for index, day in enumerate(internship_days(internship)):
        minutes = (draft.days or {}).get(day.isoformat(), 0)
        label = t.plain("{day}: {hours}", day=t.date(day, "EEE d MMM"), hours=duration(t, minutes))
        rows.append([button(label, f"hours:pick:{index}")])
    await say(
        update, context, context._("Which day do you want to change?"), InlineKeyboardMarkup(rows)
    )
    return PICK_DAY


async def pick_day(update: Update, context: BotContext) -> int:
    """The day to change."""
    found = await current(update, context)
    query = update.callback_query
    if found is None or query is None or query.data is None:
        return ConversationHandler.END
    _, internship, draft = found
    index = int(query.data.rsplit(":", 1)[1])
    if index >= len(internship_days(internship)):
        await query.answer(context.translator.plain(flows.BUTTON_EXPIRED), show_alert=True)
        return PICK_DAY
    await close_buttons(update)
    draft.index, draft.editing = index, True
    draft.save(context)
    return await ask_day(update, context, internship, draft)


async def summary_typed(update: Update, context: BotContext) -> int:
    """Text on the summary: nothing changes silently; say how to change a day."""
    await say(
        update,
        context,
        context._(
            "Nothing was changed. To change the hours, press ✏️ first; to send them, "
            "press ✅ Confirm and send."
        ),
    )
    return SUMMARY


async def confirm(update: Update, context: BotContext) -> int:
    """Store the hours as a new version and tell the caseworker, in one transaction."""
    found = await current(update, context)
    if found is None:
        return ConversationHandler.END
    person, internship, draft = found
    services = context.services
    now = services.clock.now()
    per_day = draft_per_day(draft)
    complete = (draft.mode == "total" and draft.total is not None) or (
        per_day is not None and len(per_day) == len(internship_days(internship))
    )
    if not complete:
        await close_buttons(update)
        return await ask_mode(update, context, internship)
    await close_buttons(update)
    async with services.db.transaction():
        if await store.lock_of(services.db, internship.id) is not None:
            submitted = None
        else:
            previous = await store.latest(services.db, internship.id)
            submitted = await store.add_version(
                services.db, internship.id, person.id, now, draft.total_minutes(), per_day
            )
            await audit.record(
                services.db,
                now,
                person.id,
                "hours.submitted",
                "internship",
                internship.id,
                version=submitted.version,
                total_minutes=submitted.total_minutes,
            )
            await tell_caseworker(context, internship, person, submitted, previous)
    clear(context)
    if submitted is None:
        return await open_internship(update, context, internship)
    t = context.translator
    return await back_to_menu(
        update,
        context,
        context._(
            "✅ Thank you! The hours of {name} ({total}) were sent to the caseworker. You can "
            "still correct them until the caseworker locks them.",
            name=await client_name(context.services, internship),
            total=duration(t, submitted.total_minutes),
        ),
    )


async def tell_caseworker(
    context: BotContext,
    internship: Internship,
    employer: Person,
    submitted: HoursSubmission,
    previous: HoursSubmission | None,
) -> None:
    services = context.services
    client = await client_name(context.services, internship)
    away = await absences(context, internship)
    workplace_name = await trainees.workplace_name(services, internship)

    def text_for(t: Translator) -> str:
        text = t._(
            "⏱ Internship hours of {name} at {workplace}: <b>{total}</b>, premium {premium}.\n"
            "Given by {employer}, version {version}.",
            name=client,
            workplace=workplace_name,
            total=duration(t, submitted.total_minutes),
            premium=t.money(
                premium_cents(submitted.total_minutes, services.settings.premium_per_hour_cents)
            ),
            employer=employer.name,
            version=submitted.version,
        )
        if previous is not None:
            text += "\n" + t._(
                "This is a correction: version {version} said {total}.",
                version=previous.version,
                total=duration(t, previous.total_minutes),
            )
        lines = summary_lines(t, submitted.per_day, away)
        if lines:
            text += "\n\n" + "\n".join(lines)
        return text

    await notify.about_internship(
        services,
        internship,
        text_for,
        kind="hours",
        audience=Audience.CASEWORKER,
        dedupe_key=f"hours:{internship.id}:v{submitted.version}",
    )


# Leaving


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel, the Cancel button or ✖️ Stop: nothing is stored."""
    return await flows.stop(update, context, DATA_KEY, context._("Stopped. No hours were sent."))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    text = typed_text(i18n)
    return [
        ConversationHandler(
            entry_points=[
                *menus.entry_points(i18n, Action.HOURS, start),
                CallbackQueryHandler(pick_trainee, pattern=r"^hours:start:\d{1,18}$"),
            ],
            states={
                CHOOSE_TRAINEE: [MessageHandler(text, use_the_buttons)],
                CORRECT: [
                    CallbackQueryHandler(correct, pattern=r"^hours:correct$"),
                    CallbackQueryHandler(keep, pattern=r"^hours:keep$"),
                    MessageHandler(text, use_the_buttons),
                ],
                RESUME: [
                    CallbackQueryHandler(resume, pattern=r"^hours:resume$"),
                    CallbackQueryHandler(restart, pattern=r"^hours:restart$"),
                    MessageHandler(text, use_the_buttons),
                ],
                CHOOSE_MODE: [
                    CallbackQueryHandler(choose_mode, pattern=r"^hours:mode:(day|total)$"),
                    MessageHandler(text, use_the_buttons),
                ],
                DAY: [
                    CallbackQueryHandler(day_button, pattern=r"^hours:day:\d{1,18}:\d{1,18}$"),
                    CallbackQueryHandler(previous_day, pattern=r"^hours:back$"),
                    MessageHandler(text, day_typed),
                ],
                TOTAL: [
                    CallbackQueryHandler(total_button, pattern=r"^hours:total:\d{1,18}$"),
                    MessageHandler(text, total_typed),
                ],
                SUMMARY: [
                    CallbackQueryHandler(confirm, pattern=r"^hours:confirm$"),
                    CallbackQueryHandler(edit, pattern=r"^hours:edit$"),
                    MessageHandler(text, summary_typed),
                ],
                PICK_DAY: [
                    CallbackQueryHandler(pick_day, pattern=r"^hours:pick:\d{1,18}$"),
                    MessageHandler(text, use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=r"^hours:cancel$"),
                # The evaluation opened from a reminder button: leave the hours.
                CallbackQueryHandler(end_silently, pattern=r"^eval:start:\d{1,18}$"),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="hours",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
