"""The sick-report actions, called directly (no Telegram): allowed, refused, and what is stored.

Each action (`bot.actions.sick_reports`) is tried by the client it is for, by a client
of another internship, by an employer and a caseworker (`NotAllowed`), on a report that
no longer fits (`StaleState`), and with a day out of reach (`InvalidValue`); a refusal
leaves the database as it was.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest

from bot.actions import sick_reports as actions
from bot.actions.refusals import InvalidValue, NotAllowed, NotFound, StaleState
from bot.notices import sick_reports as notices
from bot.notify import Told
from bot.store import sick_reports
from bot.store.models import Person, Role
from bot.store.sick_reports import CertificateMethod, Doctor, SickReport
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BotHarness

TUESDAY = date(2026, 12, 1)


async def setting(bot: BotHarness) -> tuple[World, Person]:
    """Tuesday 1 December, 07:30, the second day of the internship; and another client,
    in an internship of their own elsewhere."""
    bot.clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    w = await factories.world(bot)
    other, _ = await factories.person(bot, Role.CLIENT, "Eve Elsewhere")
    place = await factories.workplace(bot, "Bakkerij Berchem")
    await factories.internship(bot, other, place, w.caseworker)
    return w, other


async def digest(bot: BotHarness) -> str:
    """Every row of every table (but the record of handled updates)."""
    db = bot.services.db
    h = hashlib.sha256()
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'processed_updates' ORDER BY name"
    )
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table['name']} ORDER BY rowid"):
            h.update(repr((table["name"], tuple(row))).encode())
    return h.hexdigest()


async def outbox(bot: BotHarness) -> list[tuple[int, str, str]]:
    rows = await bot.services.db.fetchall(
        "SELECT recipient_id, method, kind FROM outbox ORDER BY id"
    )
    return [(r["recipient_id"], r["method"], r["kind"]) for r in rows]


async def pending(bot: BotHarness, report_id: int) -> dict[str, str]:
    """The report's reminders still to come: kind → local due moment."""
    rows = await bot.services.db.fetchall(
        "SELECT kind, due_at FROM reminders WHERE subject_id = ? AND status = 'pending' "
        "AND kind LIKE 'sick_%' ORDER BY kind",
        (report_id,),
    )
    return {
        r["kind"]: datetime.fromisoformat(r["due_at"]).astimezone(BRUSSELS).strftime("%d %H:%M")
        for r in rows
    }


async def audit_actions(bot: BotHarness) -> list[str]:
    rows = await bot.services.db.fetchall("SELECT action FROM audit_log ORDER BY id")
    return [r["action"] for r in rows]


async def reported(bot: BotHarness, client: Person, days: int = 2) -> SickReport:
    result = await actions.report(
        bot.services, client, TUESDAY, TUESDAY + timedelta(days=days - 1), Doctor.WILL_SEE
    )
    return result.report


# Report


async def test_a_report_is_stored_told_and_planned(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    result = await actions.report(
        bot.services, w.client, TUESDAY, date(2026, 12, 2), Doctor.WILL_SEE
    )
    assert result.told == Told(workplace=True, caseworker=True)
    assert result.internship is not None and result.internship.id == w.internship.id
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert stored == result.report
    assert (stored.reference, stored.first_day, stored.expected_last_day) == (
        "Z-0001",
        TUESDAY,
        date(2026, 12, 2),
    )
    assert stored.late is False and stored.doctor is Doctor.WILL_SEE
    assert await outbox(bot) == [
        (w.employer.id, "sendMessage", "sick"),
        (w.caseworker.id, "sendMessage", "sick"),
    ]
    assert await pending(bot, stored.id) == {
        notices.CERTIFICATE_CASEWORKER: "03 09:00",
        notices.CERTIFICATE_CLIENT: "02 09:00",
        notices.END_CASEWORKER: "03 14:00",
        notices.END_CLIENT: "03 09:00",
    }
    assert await audit_actions(bot) == ["sick_report.created"]


async def test_a_report_after_the_workday_start_is_late(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    bot.clock.set(datetime(2026, 12, 1, 8, 31, tzinfo=BRUSSELS))
    result = await actions.report(bot.services, w.client, TUESDAY, None, Doctor.NO)
    assert result.report.late is True and result.report.expected_last_day is None


@pytest.mark.parametrize("who", ["employer", "caseworker"])
async def test_only_a_client_reports_sickness(bot: BotHarness, who: str) -> None:
    w, _ = await setting(bot)
    actor = w.employer if who == "employer" else w.caseworker
    before = await digest(bot)
    with pytest.raises(NotAllowed):
        await actions.report(bot.services, actor, TUESDAY, None, Doctor.NO)
    assert await digest(bot) == before


async def test_a_second_open_report_is_refused(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    await reported(bot, w.client)
    before = await digest(bot)
    with pytest.raises(StaleState):
        await actions.report(bot.services, w.client, TUESDAY, None, Doctor.NO)
    assert await digest(bot) == before


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (TUESDAY - timedelta(days=15), None),
        (TUESDAY + timedelta(days=61), None),
        (TUESDAY, TUESDAY - timedelta(days=1)),
        (TUESDAY, TUESDAY + timedelta(days=366)),
    ],
    ids=["too long ago", "too far ahead", "ends before it starts", "longer than a year"],
)
async def test_days_out_of_reach_are_refused(
    bot: BotHarness, first: date, last: date | None
) -> None:
    w, _ = await setting(bot)
    before = await digest(bot)
    with pytest.raises(InvalidValue):
        await actions.report(bot.services, w.client, first, last, Doctor.NO)
    assert await digest(bot) == before


# Prolong


async def test_prolong_moves_the_end_tells_both_and_moves_the_end_check(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    report = await reported(bot, w.client)
    result = await actions.prolong(bot.services, w.client, report.id, date(2026, 12, 4))
    assert result.told == Told(workplace=True, caseworker=True)
    stored = await sick_reports.get(bot.services.db, report.id)
    assert stored is not None and stored.expected_last_day == date(2026, 12, 4)
    assert [kind for _, _, kind in await outbox(bot)] == ["sick"] * 4
    due = await pending(bot, report.id)
    assert (due[notices.END_CLIENT], due[notices.END_CASEWORKER]) == ("05 09:00", "05 14:00")
    assert (await audit_actions(bot))[-1] == "sick_report.prolonged"


async def test_prolong_without_a_known_end(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    report = await reported(bot, w.client)
    result = await actions.prolong(bot.services, w.client, report.id, None)
    assert result.report.expected_last_day is None
    # Asked three days from today (the first day) when the end is not known.
    assert (await pending(bot, report.id))[notices.END_CLIENT] == "04 09:00"


async def test_prolong_refusals(bot: BotHarness) -> None:
    w, other = await setting(bot)
    report = await reported(bot, w.client)
    before = await digest(bot)
    for actor in (other, w.employer, w.caseworker):
        with pytest.raises(NotAllowed):
            await actions.prolong(bot.services, actor, report.id, date(2026, 12, 4))
    with pytest.raises(NotFound):
        await actions.prolong(bot.services, w.client, 999, date(2026, 12, 4))
    with pytest.raises(InvalidValue):
        # Prolonging to a day already past.
        await actions.prolong(bot.services, w.client, report.id, date(2026, 11, 30))
    assert await digest(bot) == before
    await actions.recover(bot.services, w.client, report.id, date(2026, 12, 2))
    closed = await digest(bot)
    with pytest.raises(StaleState):
        await actions.prolong(bot.services, w.client, report.id, date(2026, 12, 4))
    assert await digest(bot) == closed


# Recover


async def test_recover_closes_tells_both_and_wants_the_certificate(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    report = await reported(bot, w.client, days=7)
    bot.clock.set(datetime(2026, 12, 3, 18, 0, tzinfo=BRUSSELS))
    result = await actions.recover(bot.services, w.client, report.id, date(2026, 12, 4))
    assert result.certificate_wanted is True
    assert result.told == Told(workplace=True, caseworker=True)
    stored = await sick_reports.get(bot.services.db, report.id)
    assert stored is not None and not stored.is_open
    assert stored.recovered_on == date(2026, 12, 4)
    assert await sick_reports.open_for_client(bot.services.db, w.client.id) == []
    # No "are you better?" any more; the certificate is still asked for.
    assert set(await pending(bot, report.id)) == set(notices.CERTIFICATE_KINDS)
    assert (await audit_actions(bot))[-1] == "sick_report.closed"


async def test_recover_on_the_first_day_wants_no_certificate(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    report = await reported(bot, w.client)
    result = await actions.recover(bot.services, w.client, report.id, TUESDAY)
    assert result.certificate_wanted is False


async def test_recover_refusals(bot: BotHarness) -> None:
    w, other = await setting(bot)
    report = await reported(bot, w.client)
    before = await digest(bot)
    for actor in (other, w.employer, w.caseworker):
        with pytest.raises(NotAllowed):
            await actions.recover(bot.services, actor, report.id, date(2026, 12, 2))
    with pytest.raises(InvalidValue):
        # Back at work before the first sick day.
        await actions.recover(bot.services, w.client, report.id, date(2026, 11, 30))
    assert await digest(bot) == before
    await actions.recover(bot.services, w.client, report.id, date(2026, 12, 2))
    closed = await digest(bot)
    with pytest.raises(StaleState):
        await actions.recover(bot.services, w.client, report.id, date(2026, 12, 3))
    assert await digest(bot) == closed


# The certificate


async def attach(bot: BotHarness, client: Person, report_id: int, unique: str = "u1") -> None:
    await actions.attach_certificate(
        bot.services, client, report_id, f"file-{unique}", unique, CertificateMethod.PHOTO
    )


async def test_a_certificate_is_stored_sent_on_and_stops_its_reminders(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    report = await reported(bot, w.client)
    result = await actions.attach_certificate(
        bot.services, w.client, report.id, "file-1", "u1", CertificateMethod.PHOTO
    )
    assert (result.duplicate, result.told) == (False, Told(workplace=True, caseworker=True))
    [certificate] = await sick_reports.certificates(bot.services.db, report.id)
    assert (certificate.file_id, certificate.method) == ("file-1", CertificateMethod.PHOTO)
    assert (await outbox(bot))[-2:] == [
        (w.employer.id, "sendPhoto", "certificate"),
        (w.caseworker.id, "sendPhoto", "certificate"),
    ]
    assert set(await pending(bot, report.id)) == set(notices.END_KINDS)
    assert (await audit_actions(bot))[-1] == "sick_report.certificate"

    before = await digest(bot)
    again = await actions.attach_certificate(
        bot.services, w.client, report.id, "file-1", "u1", CertificateMethod.PHOTO
    )
    assert again.duplicate is True
    assert await digest(bot) == before


async def test_a_certificate_after_the_report_is_closed(bot: BotHarness) -> None:
    w, _ = await setting(bot)
    report = await reported(bot, w.client)
    await actions.recover(bot.services, w.client, report.id, date(2026, 12, 3))
    await attach(bot, w.client, report.id)
    assert len(await sick_reports.certificates(bot.services.db, report.id)) == 1


async def test_certificate_refusals(bot: BotHarness) -> None:
    w, other = await setting(bot)
    report = await reported(bot, w.client)
    before = await digest(bot)
    for actor in (other, w.employer, w.caseworker):
        with pytest.raises(NotAllowed):
            await attach(bot, actor, report.id)
    with pytest.raises(NotFound):
        await attach(bot, w.client, 999)
    assert await digest(bot) == before
    # Back at work on the first sick day: no day missed, nothing to certify.
    await actions.recover(bot.services, w.client, report.id, TUESDAY)
    closed = await digest(bot)
    with pytest.raises(StaleState):
        await attach(bot, w.client, report.id)
    assert await digest(bot) == closed


# Reading


async def test_own_report_and_open_report(bot: BotHarness) -> None:
    w, other = await setting(bot)
    assert await actions.open_report(bot.services, w.client) is None
    report = await reported(bot, w.client)
    assert await actions.open_report(bot.services, w.client) == report
    assert await actions.own_report(bot.services, w.client, report.id) == report
    with pytest.raises(NotAllowed):
        await actions.own_report(bot.services, other, report.id)
