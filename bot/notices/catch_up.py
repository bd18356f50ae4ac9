"""What a workplace's contact gets when they link: what is still open for their trainees.

A report about an internship whose workplace had nobody on the bot reached only the
caseworker (`bot.notify.Unreached`). When a contact of that workplace opens their invite
(`bot.actions.people.redeem`), they get, in their language, for each open internship
they are a contact of:

- the open sick reports whose days touch the internship, with the medical certificate(s)
  when the client sent one;
- the appointment requests still waiting for a decision, with ✅ / ❌ (and the client's
  voice message);
- the evaluation reminder that is due (the latest one of the heads-up, the due morning
  and the deadline whose time has passed), when hours or the evaluation are missing.

Each once per contact (by the outbox's dedupe keys, the same the first sending used),
so a second contact of the same workplace who links later gets their own copy and the
first gets nothing twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot import notify, workdays
from bot.files import forward_file
from bot.i18n import Translator
from bot.notices import absences as absence_notices
from bot.notices import evaluations as evaluation_notices
from bot.notices import sick_reports as sick_notices
from bot.store import absences, internships, people
from bot.store import sick_reports as sick_store
from bot.store.absences import AbsenceKind, AbsenceStatus
from bot.store.models import Internship, Person, Role

if TYPE_CHECKING:
    from bot.services import Services


async def for_new_contact(services: Services, contact: Person) -> int:
    """Queue what is still relevant for a contact who just linked; how many items."""
    if contact.role != Role.EMPLOYER or contact.workplace_id is None:
        return 0
    sent = 0
    for internship in await internships.open_for_workplace(services.db, contact.workplace_id):
        concerned = await notify.employer_contacts(services, internship)
        if contact.id not in [c.id for c in concerned]:
            continue
        client = await people.get(services.db, internship.client_id)
        if client is None:
            continue
        if sent == 0 and await _anything_for(services, internship):
            await notify.to_person(
                services,
                contact,
                lambda t: t._(
                    "📬 While you were not using the bot yet, this came in for your trainees:"
                ),
                kind="catch_up",
                dedupe_key=f"catch_up:{contact.id}",
            )
        sent += await _sick_reports(services, contact, internship, client)
        sent += await _requests(services, contact, internship, client)
        sent += await _evaluation(services, contact, internship, client)
    return sent


async def _anything_for(services: Services, internship: Internship) -> bool:
    return bool(
        await _open_reports(services, internship)
        or await _pending_requests(services, internship)
        or await _due_evaluation(services, internship)
    )


async def _open_reports(services: Services, internship: Internship) -> list[sick_store.SickReport]:
    return [
        report
        for report in await sick_store.for_internship(services.db, internship.id)
        if report.is_open and sick_notices.during_internship(report, internship)
    ]


async def _sick_reports(
    services: Services, contact: Person, internship: Internship, client: Person
) -> int:
    sent = 0
    for report in await _open_reports(services, internship):
        t = services.i18n.translator(contact.language)
        if await services.outbox.message(
            contact,
            sick_notices.employer_report_text(services, t, report, client, internship),
            kind="sick",
            dedupe_key=f"sick:{report.id}:{contact.id}",
        ):
            sent += 1
        for certificate in await sick_store.certificates(services.db, report.id):
            field = (
                "photo" if certificate.method is sick_store.CertificateMethod.PHOTO else "document"
            )
            payload: dict[str, Any] = {
                field: certificate.file_id,
                "caption": sick_notices.caption_text(t, client, report),
                "parse_mode": "HTML",
            }
            await services.outbox.send(
                contact,
                certificate.method.value,
                payload,
                kind="certificate",
                dedupe_key=f"certificate:{certificate.id}:{contact.id}",
            )
    return sent


async def _pending_requests(services: Services, internship: Internship) -> list[absences.Absence]:
    today = services.today()
    return [
        absence
        for absence in await absences.for_internship(services.db, internship.id)
        if absence.kind == AbsenceKind.APPOINTMENT
        and absence.status == AbsenceStatus.PENDING
        and absence.day >= today
    ]


async def _requests(
    services: Services, contact: Person, internship: Internship, client: Person
) -> int:
    sent = 0
    t = services.i18n.translator(contact.language)
    for absence in await _pending_requests(services, internship):
        if not await services.outbox.message(
            contact,
            absence_notices.request_text(t, absence, client),
            absence_notices.decision_buttons(t, absence.id),
            kind=absence_notices.KIND,
            dedupe_key=f"{absence_notices.request_key(absence)}:{contact.id}",
        ):
            continue
        sent += 1
        if absence.remark_voice_file_id:
            await forward_file(
                services,
                [contact],
                "sendVoice",
                absence.remark_voice_file_id,
                lambda t: t._("🎤 Voice message from {client}", client=client.name),
                kind=absence_notices.KIND,
            )
    return sent


async def _due_evaluation(services: Services, internship: Internship) -> str | None:
    """The kind of the latest evaluation reminder already due, when something is missing."""
    now = services.clock.now()
    due = [p for p in await evaluation_notices.plan(services, internship) if p.due_at <= now]
    if not due or not await evaluation_notices.missing_for(services, internship.id):
        return None
    return due[-1].kind


async def _evaluation(
    services: Services, contact: Person, internship: Internship, client: Person
) -> int:
    kind = await _due_evaluation(services, internship)
    if kind is None:
        return 0
    missing = await evaluation_notices.missing_for(services, internship.id)
    deadline = services.settings.reminder_times.evaluation_deadline
    due_day = workdays.due_day(internship)

    def text(t: Translator) -> str:
        if kind == evaluation_notices.HEADS_UP:
            return evaluation_notices.heads_up_text(t, client.name, due_day, deadline, missing)
        if kind == evaluation_notices.DUE:
            return evaluation_notices.due_text(t, client.name, deadline, missing)
        return evaluation_notices.deadline_text(t, client.name, deadline, missing)

    sent = await notify.to_person(
        services,
        contact,
        text,
        kind=evaluation_notices.NOTIFICATION_KIND,
        buttons=lambda t: missing.buttons(t, internship.id),
        dedupe_key=f"catch_up:evaluation:{internship.id}:{contact.id}",
    )
    return 1 if sent else 0
