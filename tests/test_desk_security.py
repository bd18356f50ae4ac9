"""The desk refuses what is not the person's: links, cookies, form tokens, certificates.

Plain HTTP against the real ASGI application, signed in from the link the bot sent;
every refusal is 403 or 404 and leaves the database exactly as it was.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from urllib.parse import urlsplit

import httpx

from bot.actions import people as people_actions
from bot.store import sick_reports
from bot.store.models import Role
from tests import factories
from tests.desk_client import client, csrf_of, link_from_bot, signed_in
from tests.harness import JPEG, BotHarness


async def snapshot(bot: BotHarness) -> str:
    """A digest of every table."""
    db = bot.services.db
    tables = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    digest = hashlib.sha256()
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table} ORDER BY rowid"):
            digest.update(repr((table, tuple(row))).encode())
    return digest.hexdigest()


async def certificate_of(bot: BotHarness, world: factories.World) -> int:
    report = await sick_reports.create(
        bot.services.db,
        world.client.id,
        world.internship.id,
        date(2026, 11, 30),
        None,
        sick_reports.Doctor.SEEN,
        False,
        bot.clock.now(),
    )
    file_id = bot.new_file(JPEG)
    return await sick_reports.add_certificate(
        bot.services.db,
        report.id,
        file_id,
        "u" + file_id,
        sick_reports.CertificateMethod.PHOTO,
        bot.clock.now(),
    )


async def test_a_used_expired_or_forged_link_opens_nothing(bot: BotHarness) -> None:
    w = await factories.world(bot)
    web = client(bot)
    link = urlsplit(await link_from_bot(w.caseworker_chat)).path
    assert (await web.post(link)).status_code == 303
    before = await snapshot(bot)
    used = await web.post(link)
    assert used.status_code == 403
    assert "Deze link werkt niet meer" in used.text
    forged = await client(bot).post("/sign-in/" + "A" * 32)
    assert forged.status_code == 403
    expired = urlsplit(await link_from_bot(w.caseworker_chat)).path
    after_link = await snapshot(bot)
    bot.clock.advance(timedelta(minutes=10, seconds=1))
    fresh = client(bot)
    answer = await fresh.post(expired)
    assert answer.status_code == 403
    assert "desk_session" not in answer.cookies
    assert (await fresh.get("/caseload")).status_code == 403
    assert await snapshot(bot) == after_link
    assert before != after_link  # the second link was stored (hashed)
    await web.aclose()
    await fresh.aclose()


async def test_links_are_stored_hashed_and_cookies_are_strict(bot: BotHarness) -> None:
    w = await factories.world(bot)
    link = await link_from_bot(w.caseworker_chat)
    token = link.rsplit("/", 1)[1]
    # At least 128 random bits (192 here, in URL-safe base64).
    assert len(token) >= 22
    rows = await bot.services.db.fetchall("SELECT token_hash FROM desk_sign_ins")
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    web = client(bot)
    answer = await web.post(urlsplit(link).path)
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Max-Age" not in cookie  # the server ends it when idle
    await web.aclose()


async def test_another_caseloads_internship_is_refused_on_every_route(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other, other_chat = await factories.person(bot, Role.CASEWORKER, "Bart Claes")
    theirs = await factories.internship(
        bot,
        (await factories.person(bot, Role.CLIENT, "Olena Kovalenko"))[0],
        w.workplace,
        other,
    )
    certificate = await certificate_of(bot, w)
    web = await signed_in(bot, other_chat)
    csrf = csrf_of((await web.get("/caseload")).text)
    before = await snapshot(bot)
    base = f"/internships/{w.internship.id}"
    assert (await web.get(base)).status_code == 403
    assert (await web.get(f"{base}/certificates/{certificate}")).status_code == 403
    for action in (
        "extend",
        "move",
        "cancel",
        "close",
        "second-chance",
        "reassign",
        "lock",
        "invite",
        "revoke",
    ):
        answer = await web.post(
            f"{base}/{action}",
            data={
                "csrf": csrf,
                "workdays": "2",
                "day": "7/12/2026",
                "outcome": "favourable",
                "caseworker": str(other.id),
                "whose": "client",
            },
        )
        assert answer.status_code == 403, action
    for action in ("lock", "reassign"):
        answer = await web.post(
            "/caseload/bulk",
            data={"csrf": csrf, "ids": [str(theirs.id), str(w.internship.id)], "action": action},
        )
        assert answer.status_code == 403
    # Their own caseload does not show it either.
    page = (await web.get("/caseload", params={"q": "El Amrani"})).text
    assert "Geen stages gevonden." in page
    assert f"/internships/{w.internship.id}" not in page
    # A second chance starts from the new-internship form: not from theirs either.
    assert (await web.get("/new", params={"previous": str(w.internship.id)})).status_code == 403
    answer = await web.post(
        "/new",
        data={"csrf": csrf, "previous": str(w.internship.id), "start": "7/12/2026"},
    )
    assert answer.status_code == 403
    hours = (await web.get("/hours", params={"month": "2026-11"})).text
    assert "Olena Kovalenko" in hours
    assert "Samir" not in hours
    csv = (await web.get("/hours.csv", params={"month": "2026-11"})).text
    assert "Olena Kovalenko" in csv
    assert "Samir" not in csv
    assert (await web.get("/internships/999999")).status_code == 404
    assert await snapshot(bot) == before
    await web.aclose()


async def test_a_form_without_or_with_a_wrong_token_changes_nothing(bot: BotHarness) -> None:
    w = await factories.world(bot)
    web = await signed_in(bot, w.caseworker_chat)
    before = await snapshot(bot)
    url = f"/internships/{w.internship.id}/extend"
    assert (await web.post(url, data={"workdays": "2"})).status_code == 403
    assert (await web.post(url, data={"workdays": "2", "csrf": "wrong"})).status_code == 403
    assert (await web.post("/sign-out", data={})).status_code == 403
    assert await snapshot(bot) == before
    await bot.deliver()
    assert not any("verlengd" in text for text in w.client_chat.texts)
    await web.aclose()


async def test_another_caseloads_certificate_is_not_served(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mine = await certificate_of(bot, w)
    _, other_chat = await factories.person(bot, Role.CASEWORKER, "Bart Claes")
    _admin, admin_chat = await factories.person(bot, Role.ADMIN, "Ilse Admin")
    theirs = await signed_in(bot, other_chat)
    downloads = list(bot.fake.downloads)
    answer = await theirs.get(f"/internships/{w.internship.id}/certificates/{mine}")
    assert answer.status_code == 403
    # An admin sees the internship, but a certificate goes to its caseworker only.
    boss = await signed_in(bot, admin_chat)
    assert (await boss.get(f"/internships/{w.internship.id}")).status_code == 200
    assert (
        await boss.get(f"/internships/{w.internship.id}/certificates/{mine}")
    ).status_code == 403
    assert bot.fake.downloads == downloads
    own = await signed_in(bot, w.caseworker_chat)
    served = await own.get(f"/internships/{w.internship.id}/certificates/{mine}")
    assert served.status_code == 200
    assert served.content == JPEG
    assert served.headers["content-type"] == "image/jpeg"
    assert "api.telegram.org" not in served.text[:0] + str(served.headers)
    # A certificate of another internship under this internship's address: not found.
    assert (
        await own.get(f"/internships/{w.internship.id}/certificates/{mine + 1}")
    ).status_code == 404
    for web in (theirs, boss, own):
        await web.aclose()


async def test_revoking_the_telegram_link_ends_the_sessions(bot: BotHarness) -> None:
    w = await factories.world(bot)
    admin, _ = await factories.person(bot, Role.ADMIN, "Ilse Admin")
    web = await signed_in(bot, w.caseworker_chat)
    assert (await web.get("/caseload")).status_code == 200
    await people_actions.revoke_link(bot.services, admin, w.caseworker.id)
    assert (await web.get("/caseload")).status_code == 403
    await web.aclose()


async def test_a_session_ends_after_eight_idle_hours_and_on_sign_out(bot: BotHarness) -> None:
    w = await factories.world(bot)
    web = await signed_in(bot, w.caseworker_chat)
    bot.clock.advance(timedelta(hours=7, minutes=59))
    page = await web.get("/caseload")
    assert page.status_code == 200
    bot.clock.advance(timedelta(hours=7, minutes=59))
    assert (await web.get("/caseload")).status_code == 200
    bot.clock.advance(timedelta(hours=8, minutes=1))
    assert (await web.get("/caseload")).status_code == 403
    again = await signed_in(bot, w.caseworker_chat)
    csrf = csrf_of((await again.get("/caseload")).text)
    out = await again.post("/sign-out", data={"csrf": csrf})
    assert out.status_code == 200
    assert "Afgemeld" in out.text
    assert (await again.get("/caseload")).status_code == 403
    for client_ in (web, again):
        await client_.aclose()


async def test_people_who_are_not_staff_get_no_link(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/desk")
    assert "/sign-in/" not in w.client_chat.last_text
    assert await bot.services.db.fetchval("SELECT COUNT(*) FROM desk_sign_ins") == 0
    stranger = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client(bot)._transport.app),  # type: ignore[attr-defined]
        base_url="http://127.0.0.1:8080",
    )
    assert (await stranger.get("/caseload")).status_code == 403
    await stranger.aclose()
