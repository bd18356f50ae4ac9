"""Notification settings: some kinds at once, others in a daily digest at the caseworker's time."""

from __future__ import annotations

from datetime import datetime

from bot import notify
from bot.i18n import Translator
from bot.store import caseload
from bot.store.models import Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness


async def _report(bot: BotHarness, w: factories.World, kind: str, text: str) -> None:
    """What another flow does: tell the workplace and the caseworker about the internship."""

    def text_for(t: Translator) -> str:
        return f"{kind}: {text}"

    async with bot.services.db.transaction():
        await notify.about_internship(bot.services, w.internship, text_for, kind)
    await bot.deliver()


async def test_digest_kinds_wait_for_the_chosen_time(bot: BotHarness) -> None:
    w = await factories.world(bot)
    an = w.caseworker_chat
    await an.send("/start")
    await an.press("🔔 Meldingen")
    assert "🔔 = meteen" in an.last_text and "16:00" in an.last_text
    assert "🔔 Te laat" in an.last.button_labels
    await an.press("🔔 Te laat")
    assert "🗞 Te laat" in an.last.button_labels
    await an.press("🔔 Stage-uren")
    await an.press("🕓 Uur van het overzicht: 16:00")
    await an.send("17u")
    assert "om 17:00" in an.last_text
    await an.press("Klaar ✔️")
    prefs = await caseload.preferences(bot.services.db, w.caseworker.id)
    assert prefs == {"late": "digest", "hours": "digest"}

    before = len(an.inbox)
    await _report(bot, w, "late", "Samir is 20 minutes late")
    await _report(bot, w, "hours", "Hours submitted")
    # The workplace hears at once; the caseworker waits for the digest.
    assert "Samir is 20 minutes late" in w.employer_chat.texts[-2]
    assert len(an.inbox) == before
    # Urgent kinds still come at once.
    await _report(bot, w, "sick", "Samir is sick")
    assert "Samir is sick" in an.last_text

    await bot.advance_to(datetime(2026, 11, 23, 16, 59, tzinfo=BRUSSELS))
    assert "Je dagoverzicht" not in an.last_text
    await bot.advance_to(datetime(2026, 11, 23, 17, 0, tzinfo=BRUSSELS))
    digest = an.last
    assert "Je dagoverzicht</b>: 2 meldingen" in digest.text or "2 meldingen" in digest.text
    assert "Samir is 20 minutes late" in digest.text and "Hours submitted" in digest.text
    assert digest.button_labels == ["📂 Samir El Amrani"]
    await an.press("📂 Samir El Amrani")
    assert "Samir El Amrani" in an.last_text and "Kringwinkel Zuid" in an.last_text
    assert await caseload.pending_digest(bot.services.db, w.caseworker.id) == []

    # Nothing waiting: no digest the next day.
    count = len(an.inbox)
    await bot.advance_to(datetime(2026, 11, 24, 17, 1, tzinfo=BRUSSELS))
    assert len(an.inbox) == count


async def test_switching_back_and_other_roles(bot: BotHarness) -> None:
    w = await factories.world(bot)
    an = w.caseworker_chat
    await an.send("/settings")
    await an.press("🔔 Ziekmeldingen")
    await an.press("🗞 Ziekmeldingen")
    assert (await caseload.preferences(bot.services.db, w.caseworker.id))["sick"] == "now"
    await an.press_data("ns:k:diagnosis")
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert "verlopen" in answers[-1].params["text"]
    await an.press("🕓 Uur van het overzicht: 16:00")
    await an.send("25:00")
    assert "begrijp dit uur niet" in an.last_text
    await an.send("/cancel")
    assert "bewaard" in an.last_text
    await w.client_chat.send("/settings")
    assert "niet voor jou" in w.client_chat.last_text
    _, admin = await factories.person(bot, Role.ADMIN, "Ilse Admin")
    await admin.send("/settings")
    assert "Meldingen" in admin.last_text


async def test_an_accident_comes_at_once_even_when_accidents_are_in_the_digest(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    await caseload.set_preference(bot.services.db, w.caseworker.id, "accident", "digest")
    await bot.advance_to(datetime(2026, 12, 1, 10, 40, tzinfo=BRUSSELS))
    await w.client_chat.send("🚑 Ongeval op het werk")
    await w.client_chat.press("Net nu")
    await w.client_chat.send("Gevallen van de trap")
    assert "DRINGEND: ongeval op het werk" in w.caseworker_chat.last_text
    assert await caseload.pending_digest(bot.services.db, w.caseworker.id) == []
