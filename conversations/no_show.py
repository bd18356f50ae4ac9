"""Trainee did not come: the employer contact reports an absence without notice.

Menu "🚫 Trainee did not come" (`/noshow`, employer contacts): which trainee (when
the workplace has several who have started) → "did not come today and did not
warn you?" → stored; the caseworker is told, and the client gets a message
asking them to contact the workplace (notification kind "no_show"). What the
client reported for today themselves (late, an appointment) is shown first.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot import access, flows, menus, notify, trainees
from bot.context import BotContext
from bot.flows import (
    back_to_menu,
    callback_id,
    cancel_button,
    close_buttons,
    end_silently,
    leaving,
    local_today,
    say,
    typed_text,
    use_the_buttons,
)
from bot.i18n import I18n, Translator
from bot.menus import Action
from bot.notify import Audience
from bot.services import Services
from bot.store import absences, audit, people, sick_reports
from bot.store.absences import Absence, AbsenceKind, AbsenceStatus, NewAbsence
from bot.store.models import Internship, Person, Role
from conversations.appointment import absence_span
from conversations.late import minutes_label

PICK, CONFIRM = range(2)


async def start(update: Update, context: BotContext) -> int:
    """Menu "Trainee did not come": which trainee?"""
    found = await trainees.employer_and_trainees(update, context)
    if found is None:
        return ConversationHandler.END
    person, open_internships = found
    if person.workplace_id is None:
        await access.deny(update, context)
        return ConversationHandler.END
    today = local_today(context.services)
    started = [i for i in open_internships if i.start_date <= today]
    if not started:
        return await back_to_menu(
            update, context, context._("No trainee has started at your workplace yet.")
        )
    if len(started) == 1:
        return await ask_confirm(update, context, started[0])
    rows = await trainees.trainee_rows(context.services, started, "noshow:pick:")
    rows.append([cancel_button(context, "noshow:cancel")])
    await say(update, context, context._("🚫 Who did not come today?"), InlineKeyboardMarkup(rows))
    return PICK


async def pick(update: Update, context: BotContext) -> int | None:
    """A trainee was chosen."""
    internship = await trainees.picked(update, context)
    if internship is None:
        return None
    return await ask_confirm(update, context, internship)


async def ask_confirm(update: Update, context: BotContext, internship: Internship) -> int:
    """Did the trainee not come today and not warn you?"""
    services = context.services
    client = await people.get(services.db, internship.client_id)
    name = client.name if client else "?"
    today = local_today(services)
    t = context.translator
    lines = [
        known_line(t, absence, name)
        for absence in await absences.on_day(services.db, internship.id, today)
        if absence.kind in (AbsenceKind.LATE, AbsenceKind.APPOINTMENT)
        and absence.status != AbsenceStatus.DECLINED
    ]
    for report in await sick_reports.open_for_client(services.db, internship.client_id):
        if report.first_day <= today <= (report.expected_last_day or today):
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
                    t.plain("✅ Yes, report it"), callback_data=f"noshow:yes:{internship.id}"
                )
            ],
            [cancel_button(context, "noshow:cancel")],
        ]
    )
    await say(update, context, "\n".join(lines), keyboard)
    return CONFIRM


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
    """«Yes, report it»: store it, tell the caseworker, ask the client to contact the workplace."""
    internship = await own_internship(update, context)
    person = context.person
    if internship is None or person is None:
        return None
    await close_buttons(update)
    services = context.services
    today = local_today(services)
    client = await people.get(services.db, internship.client_id)
    if client is None:
        return ConversationHandler.END
    already = [
        a
        for a in await absences.on_day(services.db, internship.id, today)
        if a.kind == AbsenceKind.NO_SHOW
    ]
    if already:
        return await back_to_menu(
            update, context, context._("You already reported this today. Thank you.")
        )
    now = services.clock.now()
    async with services.db.transaction():
        absence = await absences.add(
            services.db,
            NewAbsence(
                internship_id=internship.id,
                client_id=client.id,
                kind=AbsenceKind.NO_SHOW,
                day=today,
                reported_by=person.id,
            ),
            now,
        )
        await audit.record(services.db, now, person.id, "absence.no_show", "absence", absence.id)
        await tell(services, internship, client, person)
    return await back_to_menu(
        update,
        context,
        context._(
            "✅ Thank you. We told the caseworker and asked {name} to contact you.",
            name=client.name,
        ),
    )


async def tell(
    services: Services, internship: Internship, client: Person, reporter: Person
) -> None:
    workplace = await trainees.workplace_name(services, internship)
    today = local_today(services)

    def for_caseworker(t: Translator) -> str:
        return "\n".join(
            [
                t._("🚫 <b>{client} did not come today</b> and did not warn.", client=client.name),
                t._(
                    "{workplace}, {day}. Reported by {name}.",
                    workplace=workplace,
                    day=t.date(today),
                    name=reporter.name,
                ),
            ]
        )

    await notify.about_internship(
        services, internship, for_caseworker, kind="no_show", audience=Audience.CASEWORKER
    )

    def for_client(t: Translator) -> str:
        return "\n".join(
            [
                t._("🚫 Your workplace says you did not come today, and you did not warn them."),
                t._("Please call your workplace now."),
                t._(
                    "Are you sick? Then press “{sick}”.",
                    sick=menus.label(t, Action.SICK, Role.CLIENT),
                ),
            ]
        )

    await notify.to_person(services, client, for_client, kind="no_show")


async def own_internship(update: Update, context: BotContext) -> Internship | None:
    """The open internship behind the button, when it is at this employer's workplace."""
    found = await trainees.employer_internship(update, context, callback_id(update))
    return found[1] if found else None


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
                PICK: [
                    CallbackQueryHandler(pick, pattern=r"^noshow:pick:\d{1,18}$"),
                    MessageHandler(text, use_the_buttons),
                ],
                CONFIRM: [
                    CallbackQueryHandler(report, pattern=r"^noshow:yes:\d{1,18}$"),
                    MessageHandler(text, use_the_buttons),
                ],
            },
            fallbacks=[
                *menus.entry_points(i18n, Action.CANCEL, cancel),
                CallbackQueryHandler(cancel, pattern=r"^noshow:cancel$"),
                MessageHandler(leaving(i18n), end_silently),
            ],
            name="no_show",
            persistent=True,
            per_message=False,
            allow_reentry=True,
        )
    ]
