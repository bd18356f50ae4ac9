"""Bulk history for the benchmarks, written straight into a fresh database; and the
database the real process starts from in `make bench` (`python -m bench.seed`).

The bot's own store functions create one row per call; seeding 100,000 past
internships that way would take longer than the benchmark itself, so this
module inserts in bulk with the schema's own column names. The world of the real
process (`world`) is made with the store functions and the bot's own reminder
planners instead, a few thousand rows at most per transaction.

Each past internship leaves what a real one leaves behind: a client who once
linked their Telegram account, a workplace contact (one workplace per 20
internships), a caseworker (one per 250), a closed sick report, a late arrival,
the hours, a submitted evaluation, the outbox messages that told people, the
reminders that were sent, and audit lines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date, time, timedelta
from typing import Any

from bot.clock import to_db
from bot.config import Settings
from bot.db import Database
from bot.handlers import register_reminders
from bot.runner import keep_to_one_core
from bot.services import Services, open_services
from bot.store import internships, people, workplaces
from bot.store.internships import NewInternship
from bot.store.models import Person, Role, Schedule

BATCH = 5_000
PER_WORKPLACE = 20
PER_CASEWORKER = 250
# Far away from the chat harness's user ids (100001 and up).
PAST_TELEGRAM_IDS = 900_000_000

# The real process's world: Telegram ids of each kind of person, from these on.
CLIENT_IDS = 100_000
CONTACT_IDS = 200_000
CASEWORKER_IDS = 300_000
# The workplace contacts who get the fan-out (`bench.botapi_server --fanout-from`).
FANOUT_IDS = 5_000_000
CLIENTS_PER_WORKPLACE = 10
CLIENTS_PER_CASEWORKER = 30
# Every day a workday: "today" is inside the internship whatever day the benchmark runs.
EVERY_DAY = Schedule(frozenset(range(7)), time(8, 30), time(16, 30))
CHUNK = 500


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


async def world(services: Services, clients: int, fanout: int) -> dict[str, Any]:
    """The people of the real process, from today (the bot runs on the real clock).

    `clients` clients in running internships (a workplace and its contact for every 10,
    a caseworker for every 30), each named "Klant B<number>" (`bench.botapi_server`
    finds the name in the notifications), none with a report yet; and `fanout`
    one-day internships starting today, each at its own workplace with its own contact,
    whose evaluation is due today at EVALUATION_DUE_TIME: the evaluation reminders the
    bot sends when it starts. All the other reminders the bot's planners want are
    marked sent, so nothing else goes out on its own.
    """
    people_ = await _reporting_clients(services, clients)
    due = await _due_evaluations(services, fanout)
    register_reminders(services.reminders)
    await services.reminders.replan_all(services)
    return {"clients": people_, "due": await _only_fanout_due(services, due)}


async def _reporting_clients(services: Services, count: int) -> list[dict[str, Any]]:
    today = _today(services)
    clients = []
    caseworker = contact = None
    for start in range(0, count, CHUNK):
        async with services.db.transaction():
            for n in range(start, min(start + CHUNK, count)):
                if n % CLIENTS_PER_CASEWORKER == 0:
                    caseworker = await _linked(
                        services, Role.CASEWORKER, f"Deskundige {n}", CASEWORKER_IDS + n
                    )
                if n % CLIENTS_PER_WORKPLACE == 0:
                    contact = await _contact(services, f"B{n}", CONTACT_IDS + n)
                assert caseworker is not None and contact is not None
                name = f"Klant B{n + 1:04d}"
                client = await _linked(services, Role.CLIENT, name, CLIENT_IDS + n)
                await _internship(services, client, contact, caseworker, today - timedelta(2), 9)
                clients.append({"id": CLIENT_IDS + n, "name": name})
    return clients


async def _due_evaluations(services: Services, count: int) -> list[int]:
    """One-day internships starting today (due today: no Thursday in them); their ids."""
    today = _today(services)
    ids = []
    caseworker = None
    for start in range(0, count, CHUNK):
        async with services.db.transaction():
            for n in range(start, min(start + CHUNK, count)):
                if n % PER_CASEWORKER == 0:
                    caseworker = await _linked(
                        services, Role.CASEWORKER, f"Deskundige F{n}", FANOUT_IDS - 1 - n
                    )
                assert caseworker is not None
                contact = await _contact(services, f"F{n}", FANOUT_IDS + n)
                trainee = await people.create(
                    services.db, Role.CLIENT, f"Stagiair F{n}", services.clock.now(), "nl"
                )
                ids.append(await _internship(services, trainee, contact, caseworker, today, 1))
    return ids


def _today(services: Services) -> date:
    return services.clock.now().astimezone(services.settings.timezone).date()


async def _linked(
    services: Services, role: Role, name: str, telegram_id: int, workplace_id: int | None = None
) -> Person:
    person = await people.create(
        services.db, role, name, services.clock.now(), "nl", workplace_id=workplace_id
    )
    await people.link_telegram(services.db, person.id, telegram_id)
    return person


async def _contact(services: Services, name: str, telegram_id: int) -> Person:
    """A new workplace and its contact person, linked to Telegram."""
    place = await workplaces.create(services.db, f"Werkplaats {name}", services.clock.now())
    return await _linked(services, Role.EMPLOYER, f"Mentor {name}", telegram_id, place.id)


async def _internship(
    services: Services,
    client: Person,
    contact: Person,
    caseworker: Person,
    start: date,
    workdays: int,
) -> int:
    assert contact.workplace_id is not None
    internship = await internships.create(
        services.db,
        NewInternship(
            client_id=client.id,
            workplace_id=contact.workplace_id,
            caseworker_id=caseworker.id,
            employer_contact_id=contact.id,
            start_date=start,
            schedule=EVERY_DAY,
            length_workdays=workdays,
        ),
        services.clock.now(),
    )
    return internship.id


async def _only_fanout_due(services: Services, fanout: list[int]) -> int:
    """Mark every pending reminder sent but the fan-out's; how many of those are due now."""
    db = services.db
    now = to_db(services.clock.now())
    await db.execute("CREATE TEMP TABLE fanout (id INTEGER PRIMARY KEY)")
    await db.executemany("INSERT INTO fanout (id) VALUES (?)", [(i,) for i in fanout])
    await db.execute(
        "UPDATE reminders SET status = 'sent', done_at = ? WHERE status = 'pending' "
        "AND NOT (kind = 'evaluation_due' AND subject_id IN (SELECT id FROM fanout))",
        (now,),
    )
    due: int = await db.fetchval(
        "SELECT COUNT(*) FROM reminders WHERE status = 'pending' AND due_at <= ?", (now,)
    )
    return due


async def make_world(clients: int, fanout: int) -> dict[str, Any]:
    # The bot's own settings (DATABASE_PATH, TIMEZONE, the reminder times) from the
    # environment the benchmark starts the bot with.
    settings = Settings.from_env(env_file=None, require_token=False)
    services = await open_services(settings)
    try:
        return await world(services, clients, fanout)
    finally:
        await services.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.seed")
    parser.add_argument("--clients", type=int, required=True, help="clients who can report sick")
    parser.add_argument("--fanout", type=int, default=0, help="evaluation reminders due now")
    args = parser.parse_args()
    keep_to_one_core()
    print(json.dumps(asyncio.run(make_world(args.clients, args.fanout))))


if __name__ == "__main__":
    main()
