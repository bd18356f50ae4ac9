"""Privacy: logs without message texts or file ids; personal data purged after retention."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot import privacy
from bot.cli import main
from bot.clock import to_db
from bot.config import Settings
from bot.services import open_services
from bot.store import internships, people, sick_reports, workplaces
from bot.store.models import InternshipStatus, Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import TEST_TOKEN, BotHarness

SICK = "🤒 Ik ben ziek"
SEND = "✅ Ja, versturen"


async def sick_with_certificate(bot: BotHarness, w: World) -> None:
    chat = w.client_chat
    await chat.send(SICK)
    await chat.press("Vandaag")
    await chat.press("2 dagen")
    await chat.press("🩺 Ik ga nog naar de dokter")
    await chat.press(SEND)
    await chat.send_photo()


async def late(w: World, minutes: str) -> None:
    await w.client_chat.send("/late")
    await w.client_chat.send(minutes)


# Logs


async def test_logs_never_contain_message_texts_or_file_ids(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    w = await factories.world(bot)
    stranger = bot.user("Jan")
    typed = [
        "Mijn buurman Karel weet van niks",
        "/start GeenEchteUitnodigingMaarWelLang123",
        "Ik heb rugpijn sinds maandag",
    ]
    await w.client_chat.send(typed[0])
    await stranger.send(typed[1])
    await sick_with_certificate(bot, w)
    await late(w, "45")
    await w.employer_chat.send_document(file_name="loonbrief-karel.pdf")
    await w.client_chat.send(typed[2])
    # A handler failing logs its traceback: still no texts in it.
    await bot.services.db.execute(
        "CREATE TRIGGER refuse_late BEFORE INSERT ON absences "
        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
    )
    await w.client_chat.send("/late")
    await w.client_chat.send("35")

    secrets = [*typed, *bot.fake.files, w.client.name, TEST_TOKEN]
    secrets += [m.text for m in bot.fake.messages.values() if len(m.text) > 15]
    # As written to the log, tracebacks included.
    formatter = logging.Formatter("%(name)s %(message)s")
    logged = [formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO]
    assert any("Traceback" in line for line in logged)
    assert logged, "the flows log something"
    for line in logged:
        for secret in secrets:
            assert secret not in line, f"{secret!r} logged: {line!r}"


# Purge


async def test_after_the_retention_period_personal_data_is_gone(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    w = await factories.world(bot)
    other_client, other_chat = await factories.person(bot, Role.CLIENT, "Olga Open")
    other = await factories.internship(bot, other_client, w.workplace, w.caseworker, w.employer)
    await sick_with_certificate(bot, w)
    await late(w, "30")
    db = bot.services.db
    [report] = await sick_reports.for_internship(db, w.internship.id)
    [certificate] = await sick_reports.certificates(db, report.id)
    await privacy.ensure_scheduled(bot.services)
    closed_at = bot.clock.now()
    await internships.set_status(db, w.internship.id, InternshipStatus.CLOSED, closed_at)

    # Within the retention period the nightly purge keeps everything.
    await bot.advance(timedelta(days=bot.services.settings.retention_days - 1))
    assert await sick_reports.for_internship(db, w.internship.id) != []

    await bot.advance(timedelta(days=2))

    assert await sick_reports.for_internship(db, w.internship.id) == []
    assert (
        await db.fetchval(
            "SELECT COUNT(*) FROM sick_certificates WHERE file_id = ?", (certificate.file_id,)
        )
        == 0
    )
    assert (
        await db.fetchval(
            "SELECT COUNT(*) FROM absences WHERE internship_id = ?", (w.internship.id,)
        )
        == 0
    )
    kept = await internships.get(db, w.internship.id)
    assert kept is not None and kept.status is InternshipStatus.CLOSED
    assert kept.meeting_point == "" and kept.what_to_bring == ""
    client = await people.get(db, w.client.id)
    assert client is not None
    assert client.name != w.client.name and client.telegram_user_id is None
    # The audit log keeps who did what and when, and nothing else.
    entries = await db.fetchall("SELECT * FROM audit_log WHERE actor_id = ?", (w.client.id,))
    assert {e["action"] for e in entries} >= {"absence.late", "sick_report.certificate"}
    assert {e["details"] for e in entries} == {"{}"}
    assert (
        await db.fetchval(
            "SELECT COUNT(*) FROM outbox WHERE created_at < ?",
            (to_db(bot.clock.now() - timedelta(days=bot.services.settings.retention_days)),),
        )
        == 0
    )
    # The open internship, its client and the staff are untouched.
    still = await people.get(db, other_client.id)
    assert (
        still is not None and still.name == "Olga Open" and still.telegram_user_id == other_chat.id
    )
    assert (await internships.get(db, other.id)) is not None
    staff = await people.get(db, w.caseworker.id)
    assert staff is not None and staff.name == w.caseworker.name
    # Nothing is purged twice, and the next night's purge is planned.
    assert (
        await db.fetchval(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.purged' AND subject_id = ?",
            (w.internship.id,),
        )
        == 1
    )
    assert (
        await db.fetchval(
            "SELECT COUNT(*) FROM reminders WHERE kind = ? AND status = 'pending'",
            (privacy.PURGE_KIND,),
        )
        == 1
    )

    # The old account is a stranger now.
    await w.client_chat.send("/start")
    assert "persoonlijke link" in w.client_chat.last_text


def test_privacy_purge_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    asyncio.run(closed_long_ago(Settings(token=TEST_TOKEN, database_path=database)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("RETENTION_DAYS", "365")

    assert main(["privacy", "purge"]) == 0

    out = capsys.readouterr().out
    assert "1 internship(s)" in out and "1 client(s)" in out


async def closed_long_ago(settings: Settings) -> None:
    services = await open_services(settings)
    db, now = services.db, services.clock.now()
    try:
        caseworker = await people.create(db, Role.CASEWORKER, "An", now)
        client = await people.create(db, Role.CLIENT, "Karel", now - timedelta(days=800))
        place = await workplaces.create(db, "Werkplek", now)
        internship = await internships.create(
            db,
            internships.NewInternship(client.id, place.id, caseworker.id, now.date()),
            now,
        )
        await internships.set_status(
            db, internship.id, InternshipStatus.CLOSED, now - timedelta(days=400)
        )
    finally:
        await db.close()
