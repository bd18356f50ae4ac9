"""My internship: dates, workdays left, evaluation day, hours, premium and caseworker."""

from __future__ import annotations

from datetime import datetime

from bot import menus
from bot.menus import Action
from bot.store import hours
from bot.store.models import Role, WorkplaceKind
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness


def my_internship_button(bot: BotHarness, language: str = "nl") -> str:
    return menus.label(bot.services.i18n.translator(language), Action.MY_INTERNSHIP)


async def report_hours(bot: BotHarness, w: factories.World, minutes: int) -> None:
    """The workplace sends (or corrects) the hours: each time a new version."""
    async with bot.services.db.transaction():
        await hours.add_version(
            bot.services.db, w.internship.id, w.employer.id, bot.clock.now(), minutes, None
        )


async def test_before_the_start_all_days_are_left_and_no_hours_yet(bot: BotHarness) -> None:
    w = await factories.world(bot)
    samir = w.client_chat
    replies = await samir.send(my_internship_button(bot))
    assert [r.text for r in replies] == [
        "📋 <b>Je stage</b>\n"
        "\n"
        "🏢 Werkplek: Kringwinkel Zuid\n"
        "▶️ Eerste dag: maandag 30 november 2026\n"
        "🏁 Laatste dag: donderdag 10 december 2026\n"
        "⏳ Nog 9 werkdagen\n"
        "📝 Evaluatie: donderdag 10 december 2026\n"
        "\n"
        "⏱ Je werkplek heeft je uren nog niet doorgegeven.\n"
        "\n"
        "📞 Het nummer van je werkplek: vraag het aan je deskundige werkervaring An Peeters.\n"
        "👤 Je deskundige werkervaring: An Peeters"
    ]


async def test_the_latest_hours_count_and_make_the_premium(bot: BotHarness) -> None:
    w = await factories.world(bot)
    samir = w.client_chat
    # Thursday 3 December, the fourth internship day.
    await bot.advance_to(datetime(2026, 12, 3, 10, 0, tzinfo=BRUSSELS))
    await report_hours(bot, w, 25 * 60 + 30)
    await report_hours(bot, w, 26 * 60)  # corrected: version 2 counts

    await samir.send(my_internship_button(bot))
    text = samir.last_text
    assert "⏳ Nog 6 werkdagen" in text
    assert "⏱ Uren doorgegeven door je werkplek: 26\n" in text
    assert "💶 Je premie: €\xa026,00" in text


async def test_partial_hours_in_english_with_the_premium_in_cents(bot: BotHarness) -> None:
    w = await factories.world(bot, client_language="en")
    # On the last day only one workday is left, the day itself.
    await bot.advance_to(datetime(2026, 12, 10, 9, 0, tzinfo=BRUSSELS))
    await report_hours(bot, w, 7 * 60 + 35)

    await w.client_chat.send(my_internship_button(bot, "en"))
    text = w.client_chat.last_text
    assert "⏳ 1 workday left" in text
    assert "⏱ Hours sent by your workplace: 7.58" in text
    assert "💶 Your premium: €7.58" in text
    assert "👤 Your caseworker: An Peeters" in text


async def test_in_ukrainian_the_amount_is_formatted_for_ukrainian(bot: BotHarness) -> None:
    w = await factories.world(bot, client_language="uk")
    await report_hours(bot, w, 40 * 60)
    await w.client_chat.send("/internship")
    text = w.client_chat.last_text
    assert "Залишилося 9 робочих днів" in text
    assert "Ваша премія: 40,00\xa0EUR" in text


async def test_a_private_workplace_has_no_internship_hours(bot: BotHarness) -> None:
    w = await factories.world(bot, kind=WorkplaceKind.PRIVATE)
    await w.client_chat.send(my_internship_button(bot))
    text = w.client_chat.last_text
    assert text.startswith("📋 <b>Je werk</b>")
    assert "Je werkt met een contract. Er is geen stage." in text
    assert "premie" not in text
    assert "👤 Je deskundige werkervaring: An Peeters" in text


async def test_without_an_internship(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir")
    await samir.send(my_internship_button(bot))
    assert (
        samir.last_text == "Je hebt nog geen stage. Je deskundige werkervaring laat het je weten."
    )


async def test_only_clients_see_my_internship(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.caseworker_chat.send("/internship")
    assert w.caseworker_chat.last_text == "Dit is niet voor jou."
