"""The accident flow starts with 112; the description's language is named for readers of
another language."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.i18n import I18n, shipped_languages
from bot.store import people
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness

TUESDAY_MORNING = datetime(2026, 12, 1, 10, 40, tzinfo=BRUSSELS)
EMERGENCY = {
    "nl": "🆘 In een noodgeval: bel 112.",
    "en": "🆘 In an emergency call 112.",
    "fr": "🆘 En cas d’urgence, appelez le 112.",
    "ar": "🆘 في حالة الطوارئ اتصل بـ 112.",
    "tr": "🆘 Acil durumda 112'yi arayın.",
    "uk": "🆘 У разі небезпеки телефонуйте 112.",
}


LANGUAGES = sorted(language.code for language in shipped_languages())


def test_every_shipped_language_says_112() -> None:
    i18n = I18n("nl", BRUSSELS)
    for code in LANGUAGES:
        text = i18n.translator(code)._("🆘 In an emergency call 112.")
        assert "112" in text, code
        assert code == "en" or text != "🆘 In an emergency call 112.", f"{code}: not translated"
    # The languages read by the team, word for word.
    for code, expected in EMERGENCY.items():
        assert i18n.translator(code)._("🆘 In an emergency call 112.") == expected


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_first_message_starts_with_112(bot: BotHarness, language: str) -> None:
    w = await factories.world(bot, client_language=language)
    await bot.advance_to(TUESDAY_MORNING)
    replies = await w.client_chat.send("/accident")
    first = replies[0].text
    emergency = bot.services.i18n.translator(language)._("🆘 In an emergency call 112.")
    assert first.startswith(emergency + "\n\n")
    # The number in plain text, not inside a tag: Telegram makes it a number to tap.
    assert "<b>112" not in first and "<code>112" not in first


async def test_a_description_in_arabic_is_named_for_dutch_and_french_readers(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot, client_language="ar")
    await people.set_language(bot.services.db, w.employer.id, "fr")
    await bot.advance_to(TUESDAY_MORNING)
    await w.client_chat.send("/accident")
    await w.client_chat.press_data("acc:now")
    await w.client_chat.send("جرحت يدي بالزجاج")
    employer, caseworker = w.employer_chat.last_text, w.caseworker_chat.last_text
    assert "جرحت يدي بالزجاج" in employer and "جرحت يدي بالزجاج" in caseworker
    assert "(Écrit par Samir El Amrani en arabe.)" in employer
    assert "(Geschreven door Samir El Amrani in het Arabisch.)" in caseworker


async def test_no_language_note_when_the_reader_shares_the_language(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(TUESDAY_MORNING)
    await w.client_chat.send("/accident")
    await w.client_chat.press_data("acc:now")
    await w.client_chat.send("Gesneden aan een glasscherf")
    for chat in (w.employer_chat, w.caseworker_chat):
        assert "Gesneden aan een glasscherf" in chat.last_text
        assert "Geschreven door" not in chat.last_text
