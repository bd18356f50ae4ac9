"""Bulk history for the benchmarks, written straight into a fresh database.

The bot's own store functions create one row per call; seeding 100,000 past
internships that way would take longer than the benchmark itself, so this
module inserts in bulk with the schema's own column names.

Each past internship leaves what a real one leaves behind: a client who once
linked their Telegram account, a workplace contact (one workplace per 20
internships), a caseworker (one per 250), a closed sick report, a late arrival,
the hours, a submitted evaluation, the outbox messages that told people, the
reminders that were sent, and audit lines.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.db import Database

BATCH = 5_000
PER_WORKPLACE = 20
PER_CASEWORKER = 250
# Far away from the chat harness's user ids (100001 and up).
PAST_TELEGRAM_IDS = 900_000_000


async def past_internships(db: Database, count: int, now_iso: str) -> None:
    """`count` closed internships with everything they left behind."""
    caseworkers = []
    for n in range(max(1, count // PER_CASEWORKER)):
        caseworkers.append(
            await db.execute(
                "INSERT INTO people (role, name, language, created_at) "
                "VALUES ('caseworker', ?, 'nl', ?)",
                (f"Archief-deskundige {n}", now_iso),
            )
        )
    places: list[tuple[int, int]] = []
    for n in range(max(1, count // PER_WORKPLACE)):
        place = await db.execute(
            "INSERT INTO workplaces (name, address, kind, created_at) "
            "VALUES (?, 'Straat 1', 'nonprofit', ?)",
            (f"Archiefwerkplaats {n}", now_iso),
        )
        contact = await db.execute(
            "INSERT INTO people (role, name, language, workplace_id, created_at) "
            "VALUES ('employer', ?, 'nl', ?, ?)",
            (f"Oud-mentor {n}", place, now_iso),
        )
        places.append((place, contact))
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        async with db.transaction():
            for i in range(start, start + size):
                client = await db.execute(
                    "INSERT INTO people (role, name, language, telegram_user_id, created_at) "
                    "VALUES ('client', ?, 'nl', ?, ?)",
                    (f"Oud-klant {i}", PAST_TELEGRAM_IDS + i, now_iso),
                )
                place, contact = places[i % len(places)]
                started = date(2020, 1, 6) + timedelta(days=i % 1500)
                await db.execute(
                    "INSERT INTO internships (client_id, workplace_id, employer_contact_id, "
                    "caseworker_id, start_date, status, outcome, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 'closed', 'favourable', ?, ?)",
                    (
                        client,
                        place,
                        contact,
                        caseworkers[i % len(caseworkers)],
                        started.isoformat(),
                        now_iso,
                        now_iso,
                    ),
                )
    await _history(db, now_iso)


async def _history(db: Database, now_iso: str) -> None:
    """What each closed internship left behind, in a few set-based statements."""
    closed = "FROM internships i WHERE i.status = 'closed'"
    async with db.transaction():
        await db.execute(
            "INSERT INTO sick_reports (internship_id, client_id, reference, reported_at, "
            "first_day, expected_last_day, doctor, late, status, recovered_on, updated_at) "
            "SELECT i.id, i.client_id, NULL, ?, i.start_date, i.start_date, 'seen', 0, "
            f"'closed', i.start_date, ? {closed}",
            (now_iso, now_iso),
        )
        await db.execute(
            "UPDATE sick_reports SET reference = 'Z-' || printf('%04d', id) WHERE reference IS NULL"
        )
        await db.execute(
            "INSERT INTO absences (internship_id, client_id, kind, day, minutes_late, "
            f"status, reported_by, created_at) SELECT i.id, i.client_id, 'late', i.start_date, "
            f"20, 'reported', i.client_id, ? {closed}",
            (now_iso,),
        )
        await db.execute(
            "INSERT INTO hours_submissions (internship_id, version, submitted_by, "
            "submitted_at, total_minutes) "
            f"SELECT i.id, 1, i.employer_contact_id, ?, 9 * 8 * 60 {closed}",
            (now_iso,),
        )
        await db.execute(
            "INSERT INTO evaluations (internship_id, status, outcome, submitted_by, "
            f"submitted_at, updated_at) SELECT i.id, 'submitted', 'favourable', "
            f"i.employer_contact_id, ?, ? {closed}",
            (now_iso, now_iso),
        )
        # The sick report told the contact and the caseworker; the hours told the caseworker.
        for recipient, kind in (
            ("i.employer_contact_id", "sick"),
            ("i.caseworker_id", "sick"),
            ("i.caseworker_id", "hours"),
        ):
            await db.execute(
                "INSERT INTO outbox (recipient_id, chat_id, method, payload, kind, "
                "created_at, not_before, attempts, status, sent_at) "
                f"SELECT {recipient}, {recipient} + ?, 'sendMessage', "
                "'{\"text\": \"archief\"}', ?, ?, ?, 1, 'sent', ? "
                f"{closed}",
                (PAST_TELEGRAM_IDS * 2, kind, now_iso, now_iso, now_iso),
            )
        for kind in ("first_day_client", "first_day_employer", "evaluation_due", "hours_due"):
            await db.execute(
                "INSERT INTO reminders (kind, subject_id, due_at, expires_at, status, done_at) "
                f"SELECT ?, i.id, i.start_date || 'T07:00:00+00:00', "
                f"i.start_date || 'T20:00:00+00:00', 'sent', ? {closed}",
                (kind, now_iso),
            )
        for action in ("sick_report", "hours_submitted", "evaluation_submitted"):
            await db.execute(
                "INSERT INTO audit_log (at, actor_id, action, subject_type, subject_id) "
                f"SELECT ?, i.client_id, ?, 'internship', i.id {closed}",
                (now_iso, action),
            )
