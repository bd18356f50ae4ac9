"""What others hear about an evaluation: the caseworker and the client when it is sent,
and the workplace (then the caseworker) when it is due.

Sent: the caseworker gets it at once in their language (favourable: plan the
contract signing; less favourable: urgent, with the bottlenecks; negative: urgent,
second chance at another workplace), with the voice message and the paper form
forwarded; the client is told kindly that it was received, never the scores.

Due: the evaluation is due on the due day of the internship (`bot.workdays.due_day`:
the last Thursday on or before the last day, or the workday before when that
Thursday is a public holiday), before 12:00. The workplace's contact(s) get, at the
local times of `settings.reminder_times`:

- the office workday before the due day, 14:00: a heads-up (sent late until the
  due morning);
- the due day, 08:00: "due this morning" (sent late until 12:00);
- the due day, 12:00, for whatever is still missing: a second reminder, and a
  message to the caseworker with their action buttons (sent late until midnight).

Each names only what is still missing (the exact hours, the evaluation) and has a
button that opens that flow directly (`bot.buttons.HoursStart`, `EvaluationStart`).
Nothing is sent once both are in. The reminders are rows planned by `plan` (see
`bot.reminders`), so they follow an extension, a new start date or a cancellation,
and survive a restart. State diagram: `bot/notices/evaluation_reminders.mmd`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import files, notify, workdays
from bot.buttons import EvaluationStart, HoursStart
from bot.clock import local_moment
from bot.evaluation_form import bottlenecks_line, score_lines
from bot.i18n import N_, Translator
from bot.reminders import Plan
from bot.store import internships, people, workplaces
from bot.store import reminders as store
from bot.store.evaluations import Evaluation, FormMethod, Outcome
from bot.store.models import Internship, Person

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# The notification kind of what is sent about a submitted evaluation.
KIND = "evaluation"

# Sent

# Long remarks are cut in the caseworker's message so that seven remarks and the
# bottlenecks stay within Telegram's 4096 characters.
REMARK_IN_NOTIFICATION = 120


async def tell_caseworker(
    services: Services, internship: Internship, employer: Person, evaluation: Evaluation
) -> bool:
    """The evaluation at once, in the caseworker's language; voice and form forwarded.

    Whether the caseworker was reached."""
    client = await people.get(services.db, internship.client_id)
    workplace = await workplaces.get(services.db, internship.workplace_id)
    name = client.name if client else "?"
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

    reached = await notify.about_internship(
        services,
        internship,
        text_for,
        kind=KIND,
        audience=notify.Audience.CASEWORKER,
        dedupe_key=f"evaluation:{internship.id}",
        # Bottlenecks cannot wait for a daily digest.
        urgent=outcome is not Outcome.FAVOURABLE,
    )
    caseworker = await notify.caseworker_of(services, internship)
    if caseworker is None:
        return bool(reached)
    if evaluation.bottlenecks_voice_file_id:
        await files.forward_file(
            services,
            [caseworker],
            "sendVoice",
            evaluation.bottlenecks_voice_file_id,
            lambda t: t._("🎤 Bottlenecks of {name} (evaluation)", name=name),
            kind=KIND,
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
            kind=KIND,
            dedupe_key=f"evaluation:{internship.id}:form",
        )
    return bool(reached)


async def tell_client(services: Services, internship: Internship) -> bool:
    """Kind words for the client: received, the caseworker will talk it through. No scores."""
    client = await people.get(services.db, internship.client_id)
    caseworker = await people.get(services.db, internship.caseworker_id)
    if client is None:
        return False
    return await notify.to_person(
        services,
        client,
        lambda t: t._(
            "Hello {name}! Your workplace has sent the evaluation of your internship. "
            "Your caseworker {caseworker} will talk about it with you soon. "
            "Thank you for your work!",
            name=client.name.split()[0],
            caseworker=caseworker.name if caseworker else "",
        ),
        kind=KIND,
        dedupe_key=f"evaluation:{internship.id}:client",
    )


# Due


HEADS_UP = "evaluation_heads_up"
DUE = "evaluation_due"
DEADLINE = "evaluation_deadline"
KINDS = [HEADS_UP, DUE, DEADLINE]
# The notification kind of every message sent here.
NOTIFICATION_KIND = "reminder"

LABELS = {
    HEADS_UP: N_("Evaluation: heads-up the workday before"),
    DUE: N_("Evaluation: due this morning"),
    DEADLINE: N_("Evaluation: still missing at the deadline"),
}
HOURS_ITEM = N_("• the exact internship hours")
EVALUATION_ITEM = N_("• the evaluation (result and form)")

# Reasons a reminder sent nothing (kept in the reminder's note).
ALREADY_SUBMITTED = "already submitted"
INTERNSHIP_CLOSED = "internship closed"
NOBODY_REACHED = "nobody reachable on Telegram"


async def plan(services: Services, internship: Internship) -> list[Plan]:
    """The three evaluation reminders of an internship, at local wall-clock times."""
    tz = services.settings.timezone
    times = services.settings.reminder_times
    due = workdays.due_day(internship)
    heads_up = local_moment(workdays.office_day_before(due), times.evaluation_heads_up, tz)
    morning = local_moment(due, times.evaluation_due, tz)
    deadline = local_moment(due, times.evaluation_deadline, tz)
    midnight = local_moment(due + timedelta(days=1), time(0), tz)
    return [
        Plan(HEADS_UP, heads_up, max(morning, heads_up + timedelta(hours=1))),
        Plan(DUE, morning, max(deadline, morning + timedelta(hours=1))),
        Plan(DEADLINE, deadline, max(midnight, deadline + timedelta(hours=1))),
    ]


@dataclass(frozen=True)
class Missing:
    """What the workplace still has to send for an internship."""

    hours: bool
    evaluation: bool

    def __bool__(self) -> bool:
        return self.hours or self.evaluation

    def items(self, t: Translator) -> str:
        lines = []
        if self.hours:
            lines.append(t.plain(HOURS_ITEM))
        if self.evaluation:
            lines.append(t.plain(EVALUATION_ITEM))
        return "\n".join(lines)

    def buttons(self, t: Translator, internship_id: int) -> InlineKeyboardMarkup | None:
        """One button per missing part, opening its flow directly."""
        rows = []
        if self.hours:
            label = t.plain("⏱ Send the hours")
            rows.append(
                [InlineKeyboardButton(label, callback_data=HoursStart(internship_id).pack())]
            )
        if self.evaluation:
            label = t.plain("📝 Fill in the evaluation")
            data = EvaluationStart(internship_id).pack()
            rows.append([InlineKeyboardButton(label, callback_data=data)])
        return InlineKeyboardMarkup(rows) if rows else None


async def missing_for(services: Services, internship_id: int) -> Missing:
    hours, evaluation = await store.submissions(services.db, internship_id)
    return Missing(hours=not hours, evaluation=not evaluation)


def heads_up_text(t: Translator, client: str, due: date, deadline: time, missing: Missing) -> str:
    return t._(
        "⏰ Reminder: the evaluation of the internship of {client} is due on {day}, "
        "before {time}.\n\nStill to send:\n{missing}",
        client=client,
        day=t.date(due),
        time=t.time(deadline),
        missing=missing.items(t),
    )


def due_text(t: Translator, client: str, deadline: time, missing: Missing) -> str:
    return t._(
        "📝 Today, before {time}: the evaluation of the internship of {client}."
        "\n\nStill to send:\n{missing}",
        client=client,
        time=t.time(deadline),
        missing=missing.items(t),
    )


def deadline_text(t: Translator, client: str, deadline: time, missing: Missing) -> str:
    return t._(
        "⚠️ The evaluation of the internship of {client} was due today before {time}. "
        "We have not received everything yet.\n\nStill to send:\n{missing}\n\n"
        "Please send it today. The caseworker has been told.",
        client=client,
        time=t.time(deadline),
        missing=missing.items(t),
    )


def caseworker_text(
    t: Translator, client: str, workplace: str, deadline: time, missing: Missing
) -> str:
    return t._(
        "⚠️ {workplace} has not sent everything for the internship of {client}. "
        "It was due today before {time}.\n\nMissing:\n{missing}",
        client=client,
        workplace=workplace,
        time=t.time(deadline),
        missing=missing.items(t),
    )


async def _remind_employer(
    services: Services,
    reminder: store.Reminder,
    text: Callable[[Translator, str, date, Missing], str],
) -> str | None:
    """Remind the workplace's contact(s) of what is still missing."""
    internship = await internships.get(services.db, reminder.subject_id)
    if internship is None or not internship.is_open:
        return INTERNSHIP_CLOSED
    missing = await missing_for(services, internship.id)
    if not missing:
        return ALREADY_SUBMITTED
    client = await people.get(services.db, internship.client_id)
    name = client.name if client else ""
    due = workdays.due_day(internship)
    reached = await notify.about_internship(
        services,
        internship,
        lambda t: text(t, name, due, missing),
        kind=NOTIFICATION_KIND,
        audience=notify.Audience.EMPLOYER,
        employer_buttons=lambda t: missing.buttons(t, internship.id),
        dedupe_key=f"reminder:{reminder.id}",
    )
    return None if reached else NOBODY_REACHED


async def remind_heads_up(services: Services, reminder: store.Reminder) -> str | None:
    """The workday before the due day: what is due when."""
    deadline = services.settings.reminder_times.evaluation_deadline
    return await _remind_employer(
        services,
        reminder,
        lambda t, client, due, missing: heads_up_text(t, client, due, deadline, missing),
    )


async def remind_due(services: Services, reminder: store.Reminder) -> str | None:
    """The due morning: due today before noon."""
    deadline = services.settings.reminder_times.evaluation_deadline
    return await _remind_employer(
        services,
        reminder,
        lambda t, client, due, missing: due_text(t, client, deadline, missing),
    )


async def remind_deadline(services: Services, reminder: store.Reminder) -> str | None:
    """The deadline has passed: remind the workplace again and tell the caseworker."""
    deadline = services.settings.reminder_times.evaluation_deadline
    sent = await _remind_employer(
        services,
        reminder,
        lambda t, client, due, missing: deadline_text(t, client, deadline, missing),
    )
    if sent in (INTERNSHIP_CLOSED, ALREADY_SUBMITTED):
        return sent
    internship = await internships.get(services.db, reminder.subject_id)
    assert internship is not None
    missing = await missing_for(services, internship.id)
    client = await people.get(services.db, internship.client_id)
    place = await workplaces.get(services.db, internship.workplace_id)
    client_name = client.name if client else ""
    place_name = place.name if place else ""
    reached = await notify.about_internship(
        services,
        internship,
        lambda t: caseworker_text(t, client_name, place_name, deadline, missing),
        kind=NOTIFICATION_KIND,
        audience=notify.Audience.CASEWORKER,
        dedupe_key=f"reminder:{reminder.id}",
    )
    return None if reached or sent is None else NOBODY_REACHED


# The reminder kinds and what sends them (registered by `bot.actions.evaluations`).
REMINDERS = {HEADS_UP: remind_heads_up, DUE: remind_due, DEADLINE: remind_deadline}
