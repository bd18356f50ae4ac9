"""The desk's actions over HTTP: what they store and who hears it in Telegram."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

import pytest

from bot.actions import hours as hours_actions
from bot.config import ConfigError, Settings
from bot.desk.server import DeskServer
from bot.store import internships, people
from bot.store.models import Role
from tests import factories
from tests.desk_client import client, csrf_of, link_from_bot, signed_in
from tests.harness import BotHarness


async def test_bulk_remind_tells_the_workplace_what_is_missing(bot: BotHarness) -> None:
    w = await factories.world(bot)
    web = await signed_in(bot, w.caseworker_chat)
    csrf = csrf_of((await web.get("/caseload")).text)
    answer = await web.post(
        "/caseload/bulk", data={"csrf": csrf, "ids": [str(w.internship.id)], "action": "remind"}
    )
    assert answer.status_code == 303
    await bot.deliver()
    reminder = w.employer_chat.last_text
    assert "Herinnering: de evaluatie van de stage van Samir El Amrani" in reminder
    assert "• de exacte stage-uren" in reminder
    assert "• de evaluatie (resultaat en formulier)" in reminder
    # With the hours in, only the evaluation is named.
    await hours_actions.submit(bot.services, w.employer, w.internship.id, total_minutes=60)
    await bot.deliver()
    await web.post(
        "/caseload/bulk", data={"csrf": csrf, "ids": [str(w.internship.id)], "action": "remind"}
    )
    await bot.deliver()
    again = w.employer_chat.last_text
    assert "• de evaluatie (resultaat en formulier)" in again
    assert "stage-uren" not in again
    await web.aclose()


async def test_remind_with_no_contact_on_telegram_says_so(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await people.unlink_telegram(bot.services.db, w.employer.id)
    web = await signed_in(bot, w.caseworker_chat)
    csrf = csrf_of((await web.get("/caseload")).text)
    told = len(w.employer_chat.texts)
    answer = await web.post(
        "/caseload/bulk", data={"csrf": csrf, "ids": [str(w.internship.id)], "action": "remind"}
    )
    assert answer.status_code == 200
    assert "Samir El Amrani: geen contactpersoon op Telegram" in answer.text
    await bot.deliver()
    assert len(w.employer_chat.texts) == told
    await web.aclose()


async def test_reassign_from_the_detail_tells_the_new_caseworker(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other, other_chat = await factories.person(bot, Role.CASEWORKER, "Bart Claes")
    web = await signed_in(bot, w.caseworker_chat)
    page = await web.get(f"/internships/{w.internship.id}")
    assert page.status_code == 200
    answer = await web.post(
        f"/internships/{w.internship.id}/reassign",
        data={"csrf": csrf_of(page.text), "caseworker": str(other.id)},
    )
    assert answer.status_code == 303
    await bot.deliver()
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored is not None
    assert stored.caseworker_id == other.id
    assert "An Peeters heeft de stage van Samir El Amrani aan jou overgedragen" in (
        other_chat.last_text
    )
    # No longer theirs: the former caseworker is refused.
    assert (await web.get(f"/internships/{w.internship.id}")).status_code == 403
    await web.aclose()


async def test_move_the_start_and_a_refused_value(bot: BotHarness) -> None:
    w = await factories.world(bot)
    web = await signed_in(bot, w.caseworker_chat)
    csrf = csrf_of((await web.get(f"/internships/{w.internship.id}")).text)
    url = f"/internships/{w.internship.id}/move"
    refused = await web.post(url, data={"csrf": csrf, "day": "31/11/2026"})
    assert refused.status_code == 400
    moved = await web.post(url, data={"csrf": csrf, "day": "7/12/2026"})
    assert moved.status_code == 303
    stored = await internships.get(bot.services.db, w.internship.id)
    assert stored is not None
    assert stored.start_date == date(2026, 12, 7)
    await bot.deliver()
    assert any("andere dag" in text for text in w.client_chat.texts)
    await web.aclose()


async def test_a_new_invite_link_is_shown_as_text(bot: BotHarness) -> None:
    w = await factories.world(bot)
    web = await signed_in(bot, w.caseworker_chat)
    csrf = csrf_of((await web.get(f"/internships/{w.internship.id}")).text)
    answer = await web.post(
        f"/internships/{w.internship.id}/invite", data={"csrf": csrf, "whose": "client"}
    )
    assert answer.status_code == 200
    assert "https://t.me/werkervaring_test_bot?start=" in answer.text
    assert '<svg width="' in answer.text  # the QR code
    detail = (await web.get(f"/internships/{w.internship.id}")).text
    assert "nieuwe uitnodigingslink" in detail  # the history, in words
    client = await bot.services.db.fetchval(
        "SELECT telegram_user_id FROM people WHERE id = ?", (w.client.id,)
    )
    assert client is None
    await web.aclose()


async def test_a_taken_port_is_one_sentence(bot: BotHarness) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        services = replace(bot.services, settings=replace(bot.services.settings, desk_port=port))
        with pytest.raises(ConfigError, match=f"127.0.0.1:{port} .*DESK_LISTEN"):
            await DeskServer(services, bot.app.bot).start()


def test_desk_settings_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DESK_LISTEN", "0.0.0.0:9090")
    monkeypatch.setenv("DESK_PUBLIC_URL", "https://desk.example.org/")
    monkeypatch.setenv("DESK_IDLE_MINUTES", "60")
    settings = Settings.from_env(env_file=None, require_token=False)
    assert (settings.desk_host, settings.desk_port) == ("0.0.0.0", 9090)
    assert settings.desk_url == "https://desk.example.org"
    assert settings.desk_idle_minutes == 60
    monkeypatch.setenv("DESK_LISTEN", "8080")
    with pytest.raises(ConfigError, match="DESK_LISTEN"):
        Settings.from_env(env_file=None, require_token=False)
    monkeypatch.setenv("DESK_LISTEN", "127.0.0.1:8080")
    monkeypatch.setenv("DESK_PUBLIC_URL", "desk.example.org")
    with pytest.raises(ConfigError, match="DESK_PUBLIC_URL"):
        Settings.from_env(env_file=None, require_token=False)


async def test_behind_https_the_cookie_is_secure(bot: BotHarness) -> None:
    w = await factories.world(bot)
    bot.services.settings = replace(
        bot.services.settings, desk_public_url="https://desk.example.org"
    )
    web = client(bot)
    link = await link_from_bot(w.caseworker_chat)
    assert link.startswith("https://desk.example.org/sign-in/")
    answer = await web.post(urlsplit(link).path)
    assert "Secure" in answer.headers["set-cookie"]
    await web.aclose()


async def test_the_new_internship_form_says_what_is_wrong_and_stores_nothing(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    other_place = await factories.workplace(bot, "Sociaal Restaurant De Kade")
    web = await signed_in(bot, w.caseworker_chat)
    csrf = csrf_of((await web.get("/new")).text)
    form = {
        "csrf": csrf,
        "client_name": "Yusuf Demir",
        "client_language": "tr",
        "workplace_id": str(other_place.id),
        "contact_id": str(w.employer.id),
        "days": ["0", "1", "2", "3", "4"],
        "day_start": "08:30",
        "day_end": "16:30",
        "start": "1/12/2026",
        "length": "9",
    }
    count = await bot.services.db.fetchval("SELECT COUNT(*) FROM internships")
    wrong_contact = await web.post("/new", data=form)
    assert wrong_contact.status_code == 400
    assert "De contactpersoon moet op de gekozen werkplek werken." in wrong_contact.text
    # What was typed stays in the form.
    assert 'value="Yusuf Demir"' in wrong_contact.text
    saturday = await web.post("/new", data={**form, "contact_id": "", "start": "5/12/2026"})
    assert saturday.status_code == 400
    assert "De eerste dag moet een werkdag van het uurrooster zijn" in saturday.text
    no_name = await web.post("/new", data={**form, "contact_id": "", "client_name": "1"})
    assert no_name.status_code == 400
    assert "Een naam heeft 2 tot 100 tekens" in no_name.text
    assert await bot.services.db.fetchval("SELECT COUNT(*) FROM internships") == count
    # Right, it is made with the usual break, as in the bot: 7u30 worked of 08:30-16:30.
    made = await web.post("/new", data={**form, "contact_id": ""})
    assert made.status_code in (200, 303)
    newest = await bot.services.db.fetchval("SELECT MAX(id) FROM internships")
    created = await internships.get(bot.services.db, newest)
    assert created is not None and created.schedule.break_minutes == 30
    assert created.schedule.worked_minutes == 450
    await web.aclose()
