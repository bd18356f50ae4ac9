"""Importing internships from CSV (all or nothing) and exporting hours and premiums."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot import exports
from bot.store import hours, people, reminders, workplaces
from bot.store.models import Role, WorkplaceKind
from tests import factories
from tests.harness import BOT_USERNAME, BotHarness

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path(__file__).resolve().parent / "data" / "internships_example.csv"
HEADER = EXAMPLE.read_text("utf-8").splitlines()[0]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


async def test_the_example_file_imports_with_invites_and_reminders(bot: BotHarness) -> None:
    an, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    result = await exports.import_internships(bot.services, EXAMPLE.read_text("utf-8"))
    assert len(result.internships) == 3
    db = bot.services.db
    names = sorted(i.person.name for i in result.invitations)
    # Three clients and one new contact person, each with a link.
    assert names == ["Jan Peeters", "Mieke Janssens", "Olena Kovalenko", "Samir El Amrani"]
    first, second, third = result.internships
    assert first.start_date == date(2031, 3, 3) and first.caseworker_id == an.id
    assert second.schedule.days == frozenset({0, 1, 2, 3})
    assert second.workplace_id == first.workplace_id
    assert second.employer_contact_id == first.employer_contact_id is not None
    assert third.employer_contact_id is None and third.length_workdays == 9
    olena = await people.get(db, second.client_id)
    assert olena is not None and olena.language == "uk"
    assert len(await workplaces.all_workplaces(db)) == 2
    planned = await reminders.for_subject(db, first.id, bot.services.reminders.internship_kinds)
    assert planned


async def test_a_bad_row_imports_nothing_and_says_where(bot: BotHarness) -> None:
    await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await factories.workplace(bot, "Bakkerij Peeters", kind=WorkplaceKind.PRIVATE)
    text = "\n".join(
        [
            HEADER,
            "Samir El Amrani;ar;Kringwinkel Noord;Noorderlaan 12;;;An Peeters;3/03/2031;;;;;;;;",
            "Olena Kovalenko;xx;Kringwinkel Noord;;;;An Peeters;10/03/2031;;;;;;;;",
            "Jan Peeters;nl;Kringwinkel Noord;;;;Nobody;10/03/2031;;;;;;;;",
            "Eva Janssens;nl;Kringwinkel Noord;;;;An Peeters;31/02/2031;;;;;;;;",
            "Piet Pieters;nl;Bakkerij Peeters;;;;An Peeters;10/03/2031;;;;;;;;",
            "Samir El Amrani;nl;Kringwinkel Noord;;;;An Peeters;10/03/2031;;;;;;;;",
        ]
    )
    with pytest.raises(exports.ImportFailed) as failed:
        await exports.import_internships(bot.services, text)
    problems = {p.line: p.reason for p in failed.value.problems}
    assert sorted(problems) == [3, 4, 5, 6, 7]
    assert "client_language" in problems[3]
    assert "caseworker 'Nobody'" in problems[4]
    assert "start_date" in problems[5]
    assert "private" in problems[6]
    assert "also on line 2" in problems[7]
    db = bot.services.db
    assert await people.by_role(db, Role.CLIENT) == []
    assert [w.name for w in await workplaces.all_workplaces(db)] == ["Bakkerij Peeters"]


async def test_the_break_of_each_day_is_read_or_the_usual_one(bot: BotHarness) -> None:
    await factories.person(bot, Role.CASEWORKER, "An Peeters")
    header = (
        "client_name;workplace;workplace_address;caseworker;start_date;day_start;day_end;"
        "break_minutes"
    )
    rows = [
        "Samir El Amrani;Kringwinkel Noord;Noorderlaan 12;An Peeters;3/03/2031;08:30;16:30;45",
        "Olena Kovalenko;Kringwinkel Noord;;An Peeters;3/03/2031;08:30;16:30;",
        "Jan Peeters;Kringwinkel Noord;;An Peeters;3/03/2031;09:00;13:00;",
    ]
    result = await exports.import_internships(bot.services, "\n".join([header, *rows]))
    # Given; the usual half hour on a day over six hours; none on a short day.
    assert [i.schedule.break_minutes for i in result.internships] == [45, 30, 0]

    bad = "Eva Janssens;Kringwinkel Noord;;An Peeters;3/03/2031;09:00;13:00;200"
    with pytest.raises(exports.ImportFailed) as failed:
        await exports.import_internships(bot.services, "\n".join([header, bad]))
    [problem] = failed.value.problems
    assert problem.line == 2 and "break_minutes must be a number of minutes from 0 to 180" in (
        problem.reason
    )


async def test_missing_columns_are_refused(bot: BotHarness) -> None:
    with pytest.raises(exports.ImportFailed) as failed:
        await exports.import_internships(bot.services, "client_name;workplace\nSamir;X\n")
    assert "missing column(s) caseworker, start_date" in str(failed.value)


async def test_the_export_has_one_row_per_internship_with_hours_and_premium(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    other_client, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    later = await factories.internship(
        bot, other_client, w.workplace, w.caseworker, start=date(2027, 2, 1)
    )
    db, now = bot.services.db, bot.clock.now()
    await hours.add_version(db, w.internship.id, w.employer.id, now, 60 * 60, None)
    await hours.add_version(db, w.internship.id, w.employer.id, now, 70 * 60 + 15, None)
    rows = await exports.hours_rows(bot.services, date(2026, 12, 1), date(2026, 12, 31))
    assert [r.internship_id for r in rows] == [w.internship.id]
    [row] = _rows(exports.hours_csv(rows))
    assert row == {
        "internship_id": str(w.internship.id),
        "client": "Samir El Amrani",
        "workplace": "Kringwinkel Zuid",
        "caseworker": "An Peeters",
        "start_date": "2026-11-30",
        "last_day": "2026-12-10",
        "status": "planned",
        "outcome": "",
        "hours": "70,25",
        "minutes": "4215",
        "premium_eur": "70,25",
        "premium_cents": "7025",
        "hours_locked": "no",
    }
    all_rows = await exports.hours_rows(bot.services, date(2026, 11, 1), date(2027, 3, 1))
    assert [r.internship_id for r in all_rows] == [w.internship.id, later.id]
    assert all_rows[1].minutes is None


async def test_export_in_the_bot_sends_a_csv_and_locks_hours(bot: BotHarness) -> None:
    w = await factories.world(bot)
    _, bert = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    await hours.add_version(
        bot.services.db, w.internship.id, w.employer.id, bot.clock.now(), 72 * 60, None
    )
    an = w.caseworker_chat
    await an.send("/start")
    await an.press("📤 Uren exporteren")
    assert "Welke periode" in an.last_text
    await an.send("1/11/2026 - 31/12/2026")
    document = bot.fake.calls_of("sendDocument")[-1]
    content = next(iter(document.files.values())).decode("utf-8-sig")
    [row] = _rows(content)
    assert row["client"] == "Samir El Amrani" and row["premium_cents"] == "7200"
    assert "1 stage" in document.params["caption"]
    assert "🔒 Samir El Amrani · 72:00" in an.last.button_labels
    # Another caseworker's export does not contain An's internship, nor can he lock it.
    await bert.send("/export")
    await bert.send("1/11/2026 - 31/12/2026")
    bert_csv = next(iter(bot.fake.calls_of("sendDocument")[-1].files.values())).decode("utf-8-sig")
    assert _rows(bert_csv) == []
    await bert.press_data(f"ex:lock:{w.internship.id}", an.last)
    assert await hours.lock_of(bot.services.db, w.internship.id) is None
    await an.press("🔒 Samir El Amrani · 72:00")
    lock = await hours.lock_of(bot.services.db, w.internship.id)
    assert lock is not None and lock.locked_by == w.caseworker.id
    assert an.last.button_labels == []


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "TIMEZONE", "DEFAULT_LANGUAGE"))
    }
    environment.update(
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"), TELEGRAM_BOT_USERNAME=BOT_USERNAME
    )
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line_imports_all_or_nothing_and_exports(tmp_path: Path) -> None:
    assert _cli(tmp_path, "invite", "caseworker", "--name", "An Peeters").returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        EXAMPLE.read_text("utf-8").replace("An Peeters;10/03/2031", "An Peeters;10/13/2031"),
        "utf-8",
    )
    refused = _cli(tmp_path, "internships", "import", str(bad))
    assert refused.returncode == 1
    assert "Nothing was imported" in refused.stderr
    assert "line 3: start_date '10/13/2031' is not a date" in refused.stderr
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM internships").fetchone()[0] == 0

    imported = _cli(tmp_path, "internships", "import", str(EXAMPLE))
    assert imported.returncode == 0, imported.stderr
    assert "Imported 3 internships" in imported.stdout
    assert imported.stdout.count(f"https://t.me/{BOT_USERNAME}?start=") == 4

    exported = _cli(tmp_path, "export", "hours", "--from", "2031-03-01", "--to", "31/03/2031")
    assert exported.returncode == 0, exported.stderr
    rows = _rows(exported.stdout)
    assert [r["client"] for r in rows] == ["Samir El Amrani", "Olena Kovalenko", "Jan Peeters"]
    assert rows[0]["hours_locked"] == "no" and rows[0]["hours"] == ""
    wrong = _cli(tmp_path, "export", "hours", "--from", "morgen", "--to", "2031-03-31")
    assert wrong.returncode == 2 and "is not a date" in wrong.stderr


FORMULA = '=HYPERLINK("http://x","y")'


async def test_the_bot_export_shows_a_formula_as_text(bot: BotHarness) -> None:
    """A name a spreadsheet would run as a formula comes out with a leading `'`."""
    w = await factories.world(bot)
    client, _ = await factories.person(bot, Role.CLIENT, FORMULA)
    place = await factories.workplace(bot, "@Werkplek")
    await factories.internship(bot, client, place, w.caseworker)
    an = w.caseworker_chat
    await an.send("/export")
    await an.send("1/11/2026 - 31/12/2026")
    document = bot.fake.calls_of("sendDocument")[-1]
    rows = _rows(next(iter(document.files.values())).decode("utf-8-sig"))
    assert [r["client"] for r in rows] == ["Samir El Amrani", "'" + FORMULA]
    assert rows[1]["workplace"] == "'@Werkplek"
    assert rows[1]["start_date"] == "2026-11-30"


def test_the_command_line_export_shows_a_formula_as_text(tmp_path: Path) -> None:
    assert _cli(tmp_path, "invite", "caseworker", "--name", "An Peeters").returncode == 0
    source = tmp_path / "formula.csv"
    # The csv module quotes the name's own quotes, as a spreadsheet would write them.
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER.split(";"))
    writer.writerow(
        [
            FORMULA,
            "nl",
            "+32 Kringwinkel",
            "Kaai 5, 2000 Antwerpen",
            "",
            "",
            "An Peeters",
            "2031-03-17",
        ]
    )
    source.write_text(out.getvalue(), "utf-8")
    imported = _cli(tmp_path, "internships", "import", str(source))
    assert imported.returncode == 0, imported.stderr
    exported = _cli(tmp_path, "export", "hours", "--from", "2031-03-01", "--to", "2031-03-31")
    assert exported.returncode == 0, exported.stderr
    [row] = _rows(exported.stdout)
    assert row["client"] == "'" + FORMULA
    assert row["workplace"] == "'+32 Kringwinkel"
