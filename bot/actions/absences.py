"""Absences: for now only the appointment proof that a client sends outside any flow.

A stand-in until the absences actions land (issue 18, "absences"): the loose-file
routing (`conversations.loose_files`) calls `proof_wanted` and `attach_proof` with
exactly these signatures; the absences module replaces this file at the merge.
Today's appointment flow (`conversations.appointment`) does the same for a proof
sent in its own proof step.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import notify
from bot.actions.refusals import NotAllowed, NotFound, StaleState, require_role
from bot.files import forward_file
from bot.i18n import Translator
from bot.notify import Told
from bot.services import Services
from bot.store import absences, audit, internships
from bot.store.absences import AbsenceKind, AbsenceStatus
from bot.store.models import Person, Role

# The reminder asking for the proof (`conversations.appointment.PROOF_DUE`).
PROOF_DUE = "appointment_proof"
# An approved appointment up to this many days ago still takes a proof.
PROOF_WINDOW_DAYS = 30


def _today(services: Services) -> date:
    return services.clock.now().astimezone(services.settings.timezone).date()


def day_text(t: Translator, day: date) -> str:
    """The full date ("maandag 30 november 2026") in the person's language."""
    return t.date(day)


async def proof_wanted(services: Services, client: Person) -> int | None:
    """The id of the client's approved appointment (on or before today) that waits for a
    proof, the latest first; None when none does."""
    if client.role != Role.CLIENT:
        return None
    today = _today(services)
    waiting = await absences.awaiting_proof(
        services.db, client.id, today - timedelta(days=PROOF_WINDOW_DAYS), today
    )
    return waiting[0].id if waiting else None


async def attach_proof(
    services: Services, client: Person, absence_id: int, file_id: str, method: str
) -> Told:
    """Store the proof of the client's approved appointment and send it on to the
    workplace contact(s) and the caseworker."""
    db = services.db
    now = services.clock.now()
    async with db.transaction():
        require_role(client, [Role.CLIENT])
        absence = await absences.get(db, absence_id)
        if absence is None or absence.kind != AbsenceKind.APPOINTMENT:
            raise NotFound
        if absence.client_id != client.id:
            raise NotAllowed
        if absence.status != AbsenceStatus.APPROVED:
            raise StaleState
        if not await absences.set_proof(db, absence.id, file_id, method, now):
            raise StaleState
        await services.reminders.cancel(services, [PROOF_DUE], absence.id)
        await audit.record(db, now, client.id, "absence.proof", "absence", absence.id)
        internship = (
            await internships.get(db, absence.internship_id) if absence.internship_id else None
        )
        if internship is None:
            return Told(False, False)
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

        await forward_file(services, recipients, method, file_id, caption, "appointment")
    # The outbox skips people without Telegram.
    return Told.of([p for p in recipients if p.telegram_user_id is not None])
