"""What the workplace, the caseworker and the client hear about an absence.

Each text is made in the recipient's own language and queued through the outbox
(`bot.notify`), inside the transaction of the action that stored the absence
(`bot.actions.absences`). The buttons on them are for the recipients: ✅ Approve /
❌ Decline on a request (`bot.buttons.ApproveRequest`, `DeclineRequest`), 📎 Send proof
on the proof reminder (`SendProof`), and the caseworker's 📂 / ⏰ (`bot.notify`).

When nobody at the workplace uses the bot yet, the caseworker's notification of a
request, a late arrival or an accident says so first (`bot.notify.Unreached`), with a
✉️ New invite button per contact.

The reminder handlers are here too: a request nobody at the workplace answered goes
to the caseworker (`remind_unanswered`), and the morning after an approved
appointment the client is asked for a proof (`remind_proof`).
"""

from __future__ import annotations

from datetime import date, time

from babel import Locale, UnknownLocaleError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import menus, notify, phones, trainees
from bot.absence_texts import absence_span, category_label, day_text, minutes_label, span_text
from bot.buttons import ApproveRequest, DeclineRequest, SendProof
from bot.files import forward_file
from bot.i18n import Translator
from bot.menus import Action
from bot.notify import Audience
from bot.services import Services
from bot.store import absences, internships, people
from bot.store.absences import Absence, AbsenceStatus
from bot.store.models import Internship, Person, Role
from bot.store.reminders import Reminder

KIND = "appointment"


# A request for time off


def request_lines(t: Translator, absence: Absence) -> list[str]:
    """What was asked: the kind, the day, the time, the client's message."""
    lines = [
        category_label(t, absence.category),
        "🗓 " + day_text(t, absence.day),
    ]
    if absence.start_time and absence.end_time:
        lines.append("🕘 " + span_text(t, absence.start_time, absence.end_time))
    if absence.remark:
        lines.append(t._("💬 {remark}", remark=absence.remark))
    if absence.remark_voice_file_id:
        lines.append(t._("🎤 Voice message (below)"))
    return lines


def decision_row(t: Translator, absence_id: int) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            t.plain("✅ Approve"), callback_data=ApproveRequest(absence_id).pack()
        ),
        InlineKeyboardButton(
            t.plain("❌ Decline"), callback_data=DeclineRequest(absence_id).pack()
        ),
    ]


def decision_buttons(t: Translator, absence_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([decision_row(t, absence_id)])


def caseworker_decision_buttons(
    t: Translator, absence: Absence, internship_id: int
) -> InlineKeyboardMarkup:
    """✅ / ❌ above the caseworker's usual buttons (📂 Open, ⏰ Later)."""
    usual = list(notify.caseworker_buttons(t, internship_id).inline_keyboard[0])
    return InlineKeyboardMarkup([decision_row(t, absence.id), usual])


def request_key(absence: Absence) -> str:
    """The request's dedupe key (per contact): sent once, also when a contact links later."""
    return f"appointment:request:{absence.id}"


def request_text(t: Translator, absence: Absence, client: Person) -> str:
    """The request as the workplace reads it."""
    return "\n".join(
        [
            t._("📅 <b>Request from {client}</b>", client=client.name),
            *request_lines(t, absence),
            "",
            t._("Do you agree?"),
        ]
    )


async def request_to_workplace(
    services: Services, absence: Absence, internship: Internship, client: Person
) -> list[Person]:
    """The request to the workplace contact(s), with ✅ / ❌; those reached."""

    return await notify.about_internship(
        services,
        internship,
        lambda t: request_text(t, absence, client),
        kind=KIND,
        audience=Audience.EMPLOYER,
        employer_buttons=lambda t: decision_buttons(t, absence.id),
        dedupe_key=request_key(absence),
    )


async def request_to_caseworker(
    services: Services,
    absence: Absence,
    internship: Internship,
    client: Person,
    workplace_decides: bool,
) -> list[Person]:
    """The request to the caseworker: for their information, or (when nobody at the
    workplace can answer in the bot) to decide at once, with ✅ / ❌."""
    workplace = await trainees.workplace_name(services, internship)

    def for_caseworker(t: Translator) -> str:
        lines = [
            t._(
                "📅 <b>{client}</b> asks {workplace} for time off.",
                client=client.name,
                workplace=workplace,
            ),
            *request_lines(t, absence),
            "",
        ]
        if workplace_decides:
            lines.append(t._("The workplace decides. You will hear their answer."))
        else:
            lines.append(t._("Nobody at the workplace can answer in the bot. Please decide."))
        return "\n".join(lines)

    if workplace_decides:
        return await notify.about_internship(
            services, internship, for_caseworker, kind=KIND, audience=Audience.CASEWORKER
        )
    waiting = await notify.unreached(services, internship)

    def buttons(t: Translator) -> InlineKeyboardMarkup:
        usual = caseworker_decision_buttons(t, absence, internship.id).inline_keyboard
        invites = notify.invite_rows(t, internship.id, waiting) if waiting else []
        return InlineKeyboardMarkup([*usual[:1], *invites, *usual[1:]])

    caseworker = await notify.caseworker_of(services, internship)
    if caseworker is not None and await notify.to_person(
        services,
        caseworker,
        notify.with_unreached(for_caseworker, waiting),
        kind=KIND,
        buttons=buttons,
    ):
        return [caseworker]
    return []


async def voice_remark(
    services: Services, absence: Absence, client: Person, reached: list[Person]
) -> None:
    """The client's voice message, as it is, to everyone who got the request."""
    if not absence.remark_voice_file_id:
        return
    await forward_file(
        services,
        reached,
        "sendVoice",
        absence.remark_voice_file_id,
        lambda t: t._("🎤 Voice message from {client}", client=client.name),
        kind=KIND,
    )


async def decision(
    services: Services,
    absence: Absence,
    internship: Internship,
    client: Person,
    decider: Person,
    reason: str | None,
) -> None:
    """The decision to the client, and to the side that did not decide (the caseworker
    when the workplace decided, else the workplace)."""
    approved = absence.status == AbsenceStatus.APPROVED

    def for_client(t: Translator) -> str:
        when = f"{day_text(t, absence.day)}, {absence_span(t, absence)}"
        if approved:
            return "\n".join(
                [
                    t._("✅ Your workplace says yes to your appointment."),
                    "🗓 " + when,
                    t._("Please send a proof after the appointment (a photo or a PDF)."),
                ]
            )
        lines = [t._("❌ Your workplace says no to your appointment."), "🗓 " + when]
        if reason:
            lines.append(t._("Reason: {reason}", reason=reason))
        lines.append(t._("Please go to work as usual, or talk to your workplace."))
        return "\n".join(lines)

    await notify.to_person(services, client, for_client, kind=KIND)

    def for_others(t: Translator) -> str:
        head = (
            t._(
                "✅ {name} approved the request of {client}.", name=decider.name, client=client.name
            )
            if approved
            else t._(
                "❌ {name} declined the request of {client}.", name=decider.name, client=client.name
            )
        )
        lines = [head, *request_lines(t, absence)]
        if reason:
            lines.append(t._("Reason: {reason}", reason=reason))
        return "\n".join(lines)

    audience = Audience.CASEWORKER if decider.role == Role.EMPLOYER else Audience.EMPLOYER
    await notify.about_internship(services, internship, for_others, KIND, audience)


async def remind_unanswered(services: Services, reminder: Reminder) -> str | None:
    """A request the workplace did not answer within a workday goes to the caseworker."""
    absence = await absences.get(services.db, reminder.subject_id)
    if absence is None or absence.status != AbsenceStatus.PENDING:
        return "decided"
    internship = (
        await internships.get(services.db, absence.internship_id) if absence.internship_id else None
    )
    if internship is not None and not internship.is_open:
        return "internship closed"
    client = await people.get(services.db, absence.client_id)
    caseworker = await notify.caseworker_of(services, internship) if internship else None
    if internship is None or client is None or caseworker is None:
        return "nobody to tell"
    workplace = await trainees.workplace_name(services, internship)

    def text_for(t: Translator) -> str:
        return "\n".join(
            [
                t._(
                    "⏳ <b>{workplace} did not answer yet</b> to the request of {client}:",
                    workplace=workplace,
                    client=client.name,
                ),
                *request_lines(t, absence),
                "",
                t._("Please contact the workplace, or decide here."),
            ]
        )

    await absences.mark_escalated(services.db, absence.id, services.clock.now())
    sent = await notify.to_person(
        services,
        caseworker,
        text_for,
        kind=KIND,
        buttons=lambda t: caseworker_decision_buttons(t, absence, internship.id),
        dedupe_key=f"appointment:unanswered:{absence.id}",
    )
    return None if sent else "caseworker not on Telegram"


# The proof


async def remind_proof(services: Services, reminder: Reminder) -> str | None:
    """The next workday morning after an approved appointment: ask the client for a proof."""
    absence = await absences.get(services.db, reminder.subject_id)
    if absence is None or absence.status != AbsenceStatus.APPROVED:
        return "not approved"
    if absence.proof_file_id is not None:
        return "proof already sent"
    client = await people.get(services.db, absence.client_id)
    if client is None:
        return "no client"

    def text_for(t: Translator) -> str:
        return "\n".join(
            [
                t._("📎 You had an appointment on {day}.", day=day_text(t, absence.day)),
                t._("Please send a proof: a photo or a PDF."),
            ]
        )

    def buttons(t: Translator) -> InlineKeyboardMarkup:
        send = InlineKeyboardButton(
            t.plain("📎 Send proof"), callback_data=SendProof(absence.id).pack()
        )
        return InlineKeyboardMarkup([[send]])

    sent = await notify.to_person(
        services,
        client,
        text_for,
        kind=KIND,
        buttons=buttons,
        dedupe_key=f"appointment:proof:{absence.id}",
    )
    return None if sent else "client not on Telegram"


async def proof(
    services: Services,
    absence: Absence,
    internship: Internship | None,
    client: Person,
    file_id: str,
    method: str,
) -> list[Person]:
    """The proof, as the same photo or document, to the workplace contact(s) and the
    caseworker of the appointment's internship; those who can get it."""
    if internship is None:
        return []
    recipients = await notify.employer_contacts(services, internship)
    caseworker = await notify.caseworker_of(services, internship)
    if caseworker is not None:
        recipients.append(caseworker)

    def caption(t: Translator) -> str:
        return t._(
            "📎 Proof of the appointment of {client} on {day}.",
            client=client.name,
            day=day_text(t, absence.day),
        )

    await forward_file(services, recipients, method, file_id, caption, KIND)
    return [p for p in recipients if p.telegram_user_id is not None]


# Late, an accident, no show


def language_name(t: Translator, code: str) -> str:
    """A language's name in the reader's language ("Arabisch" for a Dutch reader)."""
    try:
        return Locale.parse(code).get_display_name(t.locale) or code
    except (ValueError, UnknownLocaleError):
        return code


async def late(
    services: Services, internship: Internship, client: Person, minutes: int
) -> list[Person]:
    """At once to the workplace contact(s) and the caseworker; those reached."""

    def text_for(t: Translator) -> str:
        return "\n".join(
            [
                t._("⏰ <b>{client} will be late today.</b>", client=client.name),
                t._("About {duration} late.", duration=minutes_label(t, minutes)),
            ]
        )

    return await notify.about_internship(
        services,
        internship,
        text_for,
        kind="late",
        workplace_unreached=await notify.unreached(services, internship),
    )


async def accident(
    services: Services,
    internship: Internship,
    client: Person,
    day: date,
    at: time,
    description: str | None,
    voice_file_id: str | None,
) -> list[Person]:
    """Urgent, to the workplace contact(s) and the caseworker, a voice message as it is;
    those reached."""

    def text_for(t: Translator) -> str:
        lines = [
            t._("🚨 <b>URGENT: accident at work</b>"),
            t._(
                "{client} had an accident at work on {day} at {time}.",
                client=client.name,
                day=t.date(day),
                time=t.time(at),
            ),
        ]
        if description:
            lines.append(t._("What happened: {description}", description=description))
            written_in = client.language or services.i18n.default_language
            if written_in != t.language:
                lines.append(
                    t._(
                        "(Written by {client} in {language}.)",
                        client=client.name,
                        language=language_name(t, written_in),
                    )
                )
        else:
            lines.append(t._("What happened: see the voice message below."))
        lines += [
            "",
            t._("Please make sure {client} gets help. Keep all papers.", client=client.name),
        ]
        return "\n".join(lines)

    reached = await notify.about_internship(
        services,
        internship,
        text_for,
        kind="accident",
        urgent=True,
        workplace_unreached=await notify.unreached(services, internship),
    )
    if voice_file_id:
        await forward_file(
            services,
            reached,
            "sendVoice",
            voice_file_id,
            lambda t: t._("🚨 Voice message from {client} about the accident", client=client.name),
            kind="accident",
        )
    return reached


async def no_show(
    services: Services, internship: Internship, client: Person, reporter: Person, day: date
) -> None:
    """To the caseworker; and the client is asked to call the workplace."""
    workplace = await trainees.workplace_name(services, internship)

    def for_caseworker(t: Translator) -> str:
        return "\n".join(
            [
                t._("🚫 <b>{client} did not come today</b> and did not warn.", client=client.name),
                t._(
                    "{workplace}, {day}. Reported by {name}.",
                    workplace=workplace,
                    day=t.date(day),
                    name=reporter.name,
                ),
            ]
        )

    await notify.about_internship(
        services, internship, for_caseworker, kind="no_show", audience=Audience.CASEWORKER
    )

    call = await notify.whom_to_call(services, internship)

    def for_client(t: Translator) -> str:
        return "\n".join(
            [
                t._("🚫 Your workplace says you did not come today, and you did not warn them."),
                phones.call_workplace(t, call.contact, call.caseworker),
                t._(
                    "Are you sick? Then press “{sick}”.",
                    sick=menus.label(t, Action.SICK, Role.CLIENT),
                ),
            ]
        )

    await notify.to_person(services, client, for_client, kind="no_show")
