"""The desk in a real headless Chromium (Debian's `chromium`, driven by Playwright).

The real bot on the chat harness and the real desk served by uvicorn in the same event
loop, as `werkervaring-bot run` does. A caseworker signs in from the link the bot sent,
searches and filters, opens an internship and its certificate, extends it (the client
hears it in Telegram), locks hours in bulk, creates an internship by form, imports a
bad CSV and then a good one, and signs out. Each page is saved as a screenshot in
`artefacts/desk/`.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.actions import hours as hours_actions
from bot.clock import FakeClock
from bot.config import Settings
from bot.desk.server import DeskServer
from bot.exports import hours_csv_bytes, hours_rows
from bot.store import caseload
from bot.store.models import Role
from tests import factories
from tests.conftest import ARTEFACTS_WRITTEN
from tests.desk_client import link_from_bot
from tests.harness import BotHarness, ChatUser
from tests.test_desk_security import certificate_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts" / "desk"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium; missing, the tests fail (they are never skipped)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"The desk's browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get install -y chromium (no browser is downloaded)."
        )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return CHROMIUM


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser(request: pytest.FixtureRequest, chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()
    request.config.stash[ARTEFACTS_WRITTEN] = ARTEFACTS


@pytest_asyncio.fixture(loop_scope="module")
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[BotHarness]:
    harness = await BotHarness.start(replace(settings, desk_port=free_port()), clock)
    desk = DeskServer(harness.services, harness.app.bot)
    await desk.start()
    try:
        yield harness
    finally:
        await desk.stop()
        await harness.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="nl-BE")
    opened = await context.new_page()
    try:
        yield opened
    finally:
        await context.close()


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


async def sign_in(bot: BotHarness, page: Page, chat: ChatUser) -> None:
    await page.goto(await link_from_bot(chat))
    await shot(page, "01-sign-in")
    await page.get_by_role("button", name="Aanmelden").click()
    await expect(page.get_by_role("heading", name="Dossiers")).to_be_visible()


async def test_sign_in_search_detail_certificate_extend_lock_sign_out(
    bot: BotHarness, page: Page
) -> None:
    w = await factories.world(bot)
    kade = await factories.workplace(bot, "Sociaal Restaurant De Kade")
    chef, _ = await factories.person(bot, Role.EMPLOYER, "Karel Chef", workplace=kade)
    olena, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    second = await factories.internship(bot, olena, kade, w.caseworker, chef)
    await hours_actions.submit(bot.services, w.employer, w.internship.id, total_minutes=9 * 450)
    await hours_actions.submit(bot.services, chef, second.id, total_minutes=8 * 450)
    certificate = await certificate_of(bot, w)
    await bot.deliver()

    await sign_in(bot, page, w.caseworker_chat)
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(2)
    await shot(page, "02-caseload")

    await page.get_by_label("Zoek cliënt of werkplek").fill("samir")
    await page.get_by_role("button", name="Tonen").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Samir El Amrani")
    await page.get_by_label("Zoek cliënt of werkplek").fill("")
    await page.get_by_label("Werkplek", exact=True).select_option("Sociaal Restaurant De Kade")
    await page.get_by_role("button", name="Tonen").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Olena Kovalenko")
    await expect(rows.first).to_contain_text("30/11/2026")
    await shot(page, "03-caseload-filtered")

    await page.goto(f"{bot.services.settings.desk_url}/caseload")
    await page.get_by_role("link", name="Samir El Amrani").click()
    await expect(page.get_by_role("heading", name="Samir El Amrani")).to_be_visible()
    await expect(page.locator(".summary")).to_contain_text("Kringwinkel Zuid")
    await shot(page, "04-detail")
    detail_url = page.url

    link = page.get_by_role("link", name="Attest bij")
    href = await link.get_attribute("href")
    assert href == f"/internships/{w.internship.id}/certificates/{certificate}"
    shown = await page.goto(f"{bot.services.settings.desk_url}{href}")
    assert shown is not None
    assert shown.status == 200
    assert shown.headers["content-type"] == "image/jpeg"
    await shot(page, "05-certificate")

    await page.goto(detail_url)
    await page.get_by_label("Verlengen met werkdagen").fill("2")
    await page.get_by_role("button", name="Verlengen").click()
    await expect(page.get_by_role("status")).to_contain_text("De stage is verlengd")
    await expect(page.locator("tbody")).to_contain_text("verlengd met 2 werkdagen")
    await shot(page, "06-extended")
    await bot.deliver()
    assert any("Je stage duurt langer" in text for text in w.client_chat.texts)
    assert any("is verlengd" in text for text in w.employer_chat.texts)

    await page.get_by_role("link", name="Dossiers", exact=True).click()
    await page.get_by_label("Selecteer Samir El Amrani").check()
    await page.get_by_label("Selecteer Olena Kovalenko").check()
    await page.get_by_label("Actie").select_option("lock")
    await page.get_by_role("button", name="Uitvoeren").click()
    await expect(page.get_by_role("status")).to_contain_text("De uren zijn vergrendeld.")
    await shot(page, "07-locked")
    locks = await caseload.hours_locks(bot.services.db, [w.internship.id, second.id])
    assert set(locks) == {w.internship.id, second.id}

    await page.get_by_role("link", name="Uren", exact=True).click()
    await expect(page.get_by_role("heading", name="Uren van")).to_be_visible()
    await expect(page.locator("tbody")).to_contain_text("versie 1 van 23/11/2026 07:00")
    await shot(page, "08-hours")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Downloaden als CSV").click()
    download = await download_info.value
    saved = ARTEFACTS / "hours.csv"
    await download.save_as(saved)
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    expected = hours_csv_bytes(await hours_rows(bot.services, first, last, w.caseworker.id))
    assert saved.read_bytes() == expected

    await page.get_by_role("button", name="Afmelden").click()
    await expect(page.get_by_role("heading", name="Afgemeld")).to_be_visible()
    await shot(page, "09-signed-out")
    again = await page.goto(f"{bot.services.settings.desk_url}/caseload")
    assert again is not None
    assert again.status == 403


async def count_internships(bot: BotHarness) -> int:
    return int(await bot.services.db.fetchval("SELECT COUNT(*) FROM internships"))


async def test_create_by_form_and_import_all_or_nothing(
    bot: BotHarness, page: Page, tmp_path: Path
) -> None:
    w = await factories.world(bot)
    await sign_in(bot, page, w.caseworker_chat)

    await page.get_by_role("link", name="Nieuwe stage").click()
    await page.get_by_label("Volledige naam").fill("Yusuf Demir")
    await page.get_by_label("Taal").select_option("tr")
    await page.get_by_label("Bestaande werkplek").select_option(label="Kringwinkel Zuid")
    await page.get_by_label("Eerste dag (dd/mm/jjjj)").fill("1/12/2026")
    await page.get_by_label("Waar naartoe").fill("Receptie")
    await shot(page, "10-new-internship")
    await page.get_by_role("button", name="Stage aanmaken").click()
    await expect(page.get_by_role("heading", name="Stage aangemaakt")).to_be_visible()
    await expect(page.locator("textarea")).to_contain_text("t.me/")
    await shot(page, "11-created")
    assert await count_internships(bot) == 2

    header = "client_name;workplace;caseworker;start_date;workplace_kind;workplace_address"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"{header}\nJan Peeters;De Kade;An Peeters;14/12/2026;;Kaai 5, 2000 Antwerpen\n"
        "Lies Maes;Garage Privé;An Peeters;15/12/2026;private;Kaai 9\n",
        "utf-8",
    )
    await page.get_by_role("link", name="Importeren").click()
    await page.get_by_label("CSV-bestand").set_input_files(str(bad))
    await page.get_by_role("button", name="Bestand nakijken").click()
    problems = page.get_by_role("alert")
    await expect(problems).to_contain_text("Er is niets geïmporteerd")
    await expect(problems).to_contain_text("regel 3:")
    await shot(page, "12-import-refused")
    assert await count_internships(bot) == 2

    good = tmp_path / "good.csv"
    good.write_text(
        f"{header}\nJan Peeters;De Kade;An Peeters;14/12/2026;;Kaai 5, 2000 Antwerpen\n"
        "Lies Maes;De Kade;An Peeters;15/12/2026;;\n",
        "utf-8",
    )
    await page.get_by_label("CSV-bestand").set_input_files(str(good))
    await page.get_by_role("button", name="Bestand nakijken").click()
    await expect(page.get_by_role("heading", name="Voorbeeld: 2 stages")).to_be_visible()
    await shot(page, "13-import-preview")
    assert await count_internships(bot) == 2
    await page.get_by_role("button", name="Alles importeren").click()
    await expect(page.get_by_role("status")).to_contain_text("Er zijn 2 stages aangemaakt.")
    await shot(page, "14-imported")
    assert await count_internships(bot) == 4

    # At 200% zoom (half the width), the page reflows; only the table scrolls on its own.
    await page.set_viewport_size({"width": 640, "height": 900})
    await page.get_by_role("link", name="Dossiers", exact=True).click()
    await expect(page.locator("tbody tr")).to_have_count(4)
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused == "Naar de inhoud"
    await shot(page, "15-caseload-at-200-percent")
