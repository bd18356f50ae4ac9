"""Information: the Job-intro pages, complete in every shipped language, reached by buttons."""

from __future__ import annotations

import html

import pytest

from bot import menus
from bot.i18n import FSI, PDI, REFERENCE_LANGUAGE, shipped_languages
from bot.menus import Action
from bot.store.models import Role
from conversations import info
from tests import factories
from tests.harness import BotHarness

LANGUAGES = [language.code for language in shipped_languages()]
# The Job-intro topics the issue asks for (seed 003), and the facts from seed 000.
REQUIRED_TOPICS = [
    "trajectory",
    "payslip",
    "holidays",
    "sickness",
    "accident",
    "first_day",
    "contract",
    "premium",
    "dutch_lessons",
    "opening_hours",
    "course_address",
]


def info_button(bot: BotHarness, language: str) -> str:
    return menus.label(bot.services.i18n.translator(language), Action.INFO)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_exists_in_every_shipped_language(language: str) -> None:
    pages = info.load_pages(language)
    assert pages, f"locales/{language}/{info.INFO_FILE} is missing"
    missing = [topic for topic in REQUIRED_TOPICS if topic not in pages]
    assert not missing, f"locales/{language}/{info.INFO_FILE} lacks {missing}"
    assert list(pages) == info.topics(), f"{language}: other topics or order than Dutch"
    for page in pages.values():
        assert page.title and page.text, f"{language}/{page.topic} is empty"
        assert len(info.page_text(page)) < 4096, f"{language}/{page.topic} is too long"
        assert len(f"info:{page.topic}".encode()) <= 64


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_facts_of_the_seeds_are_on_the_pages(language: str) -> None:
    course = info.load_pages(language)["course_address"].text
    for line in ("ACSI", "dienst Opleidingen", "Tuinbouwstraat 8", "2018 Antwerpen"):
        assert line in course
    hours = info.load_pages(language)["opening_hours"].text
    assert "12" in hours and "30" in hours and "15" in hours


def test_the_dutch_opening_hours_are_those_of_the_seed() -> None:
    assert info.load_pages(REFERENCE_LANGUAGE)["opening_hours"].text == (
        "Maandag: 9.00 tot 12.30 uur\n"
        "Dinsdag tot en met vrijdag: 9.00 tot 12.30 uur en 13.00 tot 15.30 uur"
    )


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_client_reads_every_page_by_buttons(bot: BotHarness, language: str) -> None:
    _, client = await factories.person(bot, Role.CLIENT, "Samir", language=language)
    pages = info.load_pages(language)

    await client.send(info_button(bot, language))
    t = bot.services.i18n.translator(language)
    dutch = info.load_pages(REFERENCE_LANGUAGE)
    labels = client.last.button_labels
    # Each topic's own title, with the Dutch words after it in other languages.
    assert [label.split(" · ")[0] for label in labels] == [p.title for p in pages.values()]
    if language != REFERENCE_LANGUAGE:
        for label, key in zip(labels, dutch, strict=True):
            words = dutch[key].title.split(" ", 1)[1]
            assert label.endswith(f" · {FSI}{words}{PDI}" if t.right_to_left else f" · {words}")
    back = labels
    for page, label in zip(pages.values(), labels, strict=True):
        await client.press(label)
        shown = client.last_text
        assert shown.startswith(f"<b>{html.escape(page.title)}</b>\n\n")
        assert html.escape(page.text) in shown
        assert len(client.last.button_labels) == 1
        await client.press(client.last.button_labels[0])
        assert client.last.button_labels == back


async def test_the_sickness_page_in_dutch(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir")
    await samir.send(info_button(bot, "nl"))
    assert samir.last_text == "ℹ️ Wat wil je weten? Kies een onderwerp."
    await samir.press("🤒 Ziek")
    assert "Verwittig je werkplek voor je werkdag begint." in samir.last_text
    assert "Je hoeft niet te zeggen welke ziekte je hebt." in samir.last_text
    assert samir.last.button_labels == ["⬅️ Alle onderwerpen"]


async def test_unknown_or_forged_pages_change_nothing(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir")
    await samir.send("/info")
    topics_message = samir.last
    await samir.press_data("info:../../etc/passwd", topics_message)
    await samir.press_data("info:nonsense", topics_message)
    alerts = [c.params.get("text") for c in bot.fake.calls_of("answerCallbackQuery")]
    assert alerts[-1] == "Deze pagina bestaat niet (meer)."
    assert samir.last.text == topics_message.text

    stranger = bot.user("Nobody")
    await stranger.press_data("info:premium", topics_message)
    assert bot.fake.calls_of("answerCallbackQuery")[-1].params.get("text") == (
        "Dit is niet voor jou."
    )
    assert not bot.fake.calls_of("editMessageText")
