"""Languages: the first choice, changing it any time, and everything that follows it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import menus
from bot.i18n import FSI, PDI, I18n, shipped_languages
from bot.store import people
from bot.store.models import Role
from tests import factories
from tests.harness import BotHarness, ChatUser

# The language buttons, in the order clients know: the first six as they always were,
# the newer ones after them (`locales/languages.toml`; a branch may ship fewer).
ORDER = [
    "nl",
    "en",
    "fr",
    "ar",
    "tr",
    "uk",
    "fa_AF",
    "ps",
    "ti",
    "so",
    "ckb",
    "ru",
    "bg",
    "ro",
    "pl",
]
OWN_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "tr": "Türkçe",
    "uk": "Українська",
    "fa_AF": "دری",
    "ps": "پښتو",
    "ti": "ትግርኛ",
    "so": "Soomaali",
    "ckb": "کوردی",
    "ru": "Русский",
    "bg": "Български",
    "ro": "Română",
    "pl": "Polski",
}
ORDER = list(OWN_NAMES)
SHIPPED = [language.code for language in shipped_languages()]
LANGUAGE_NAMES = [OWN_NAMES[code] for code in SHIPPED]


async def language_of(bot: BotHarness, user: ChatUser) -> str | None:
    person = await people.by_telegram_id(bot.services.db, user.id)
    assert person is not None
    return person.language


def command_descriptions(bot: BotHarness, user: ChatUser) -> dict[str, str]:
    scope = f'{{"chat_id": {user.id}, "type": "chat"}}'
    return {c["command"]: c["description"] for c in bot.fake.commands[scope]}


async def test_a_client_changes_the_language_with_the_menu_button(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir", language="nl")
    await samir.send("/start")
    replies = await samir.press("🌐 Taal")
    assert len(replies) == 1
    assert replies[0].text == "🌐 Welke taal wil je?"
    assert replies[0].button_labels == LANGUAGE_NAMES

    await samir.press("English")
    assert samir.last_text == "✅ Done. Your language: English"
    assert await language_of(bot, samir) == "en"
    # The keyboard and the Telegram commands follow, with the Dutch words beside.
    assert "🤒 I am sick · Ik ben ziek" in samir.keyboard
    assert "🌐 Language · Taal" in samir.keyboard
    assert command_descriptions(bot, samir)["sick"] == "I am sick"

    # The button in the new language works too.
    await samir.press("🌐 Language · Taal")
    await samir.press("العربية")
    assert samir.last_text == f"✅ تم. لغتك: {FSI}العربية{PDI}"
    assert f"🤒 أنا مريض · {FSI}Ik ben ziek{PDI}" in samir.keyboard
    assert command_descriptions(bot, samir)["sick"] == "أنا مريض"
    # Each button on its own row, so the longer labels stay readable on a phone.
    keyboard_rows = samir.inbox[-1].reply_markup["keyboard"]  # type: ignore[index]
    assert all(len(row) == 1 for row in keyboard_rows)


async def test_an_employer_changes_the_language_with_the_command(bot: BotHarness) -> None:
    _, mieke = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens")
    await mieke.send("/language")
    await mieke.press("Français")
    assert mieke.last_text == "✅ C'est fait. Votre langue : Français"
    assert await language_of(bot, mieke) == "fr"
    # Staff get their own language only, no Dutch words added.
    assert "⏱ Heures de stage" in mieke.keyboard
    assert command_descriptions(bot, mieke)["hours"] == "Heures de stage"
    # What the bot says afterwards is in French too.
    await mieke.send("blabla")
    assert "Désolé" in mieke.last_text


async def test_a_caseworker_can_change_back_to_dutch(bot: BotHarness) -> None:
    _, an = await factories.person(bot, Role.CASEWORKER, "An Peeters", language="tr")
    await an.send("/language")
    await an.press("Nederlands")
    assert an.last_text == "✅ Klaar. Je taal: Nederlands"
    assert "📂 Mijn dossiers" in an.keyboard
    assert command_descriptions(bot, an)["caseload"] == "Mijn dossiers"


async def test_choosing_again_from_an_old_question_still_works(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir")
    await samir.send("/language")
    question = samir.last
    await samir.press("Türkçe")
    # The old question has no buttons now; a (modified) client can still send its data.
    await samir.press_data("lang:uk", question)
    assert await language_of(bot, samir) == "uk"
    assert "Готово" in samir.last_text


async def test_a_linked_person_without_a_language_is_asked_first(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir", language=None)
    samir.language_code = "fr"
    replies = await samir.send("bonjour")
    # Asked in Telegram's language, before anything else.
    assert len(replies) == 1
    assert replies[0].text == "🌐 Quelle langue voulez-vous ?"
    assert replies[0].button_labels == LANGUAGE_NAMES
    await samir.send("/start")
    assert samir.last.button_labels == LANGUAGE_NAMES
    await samir.press("Türkçe")
    assert "Hoş geldiniz, Samir" in samir.last_text
    assert "🤒 Hastayım · Ik ben ziek" in samir.keyboard


async def test_the_stored_choice_wins_over_telegrams_language(bot: BotHarness) -> None:
    _, olena = await factories.person(bot, Role.CLIENT, "Olena", language="uk")
    olena.language_code = "fr"
    await olena.send("/start")
    assert "Вітаємо, Olena" in olena.last_text


async def test_a_forged_language_button_from_a_stranger_changes_nothing(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    await stranger.send("/start")
    before = len(stranger.inbox)
    await stranger.press_data("lang:en")
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert answers and answers[-1].params["text"] == "Dit is niet voor jou."
    assert len(stranger.inbox) == before
    assert await people.by_telegram_id(bot.services.db, stranger.id) is None


@pytest.mark.parametrize("data", ["lang:xx", "lang:", "lang:nl-evil", "lang:" + "x" * 59])
async def test_a_forged_unknown_language_changes_nothing(bot: BotHarness, data: str) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir", language="tr")
    await samir.send("/language")
    before = len(samir.inbox)
    await samir.press_data(data)
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert answers and "süresi doldu" in answers[-1].params["text"]
    assert len(samir.inbox) == before
    assert await language_of(bot, samir) == "tr"


def test_dates_times_and_money_follow_the_language(bot: BotHarness) -> None:
    i18n: I18n = bot.services.i18n
    thursday = date(2026, 11, 26)
    assert i18n.translator("nl").date(thursday) == "donderdag 26 november 2026"
    assert i18n.translator("fr").date(thursday) == "jeudi 26 novembre 2026"
    assert i18n.translator("tr").date(thursday) == "26 Kasım 2026 Perşembe"
    # Times are shown in the configured time zone, whatever the stored offset.
    moment = datetime(2026, 11, 26, 6, 30, tzinfo=UTC)
    assert i18n.translator("nl").time(moment) == "07:30"
    assert i18n.translator("nl").money(4550) == "€\xa045,50"
    assert i18n.translator("en").money(4550) == "€45.50"


def test_language_names_come_from_the_configuration(bot: BotHarness) -> None:
    i18n: I18n = bot.services.i18n
    assert [language.name for language in i18n.languages] == LANGUAGE_NAMES
    assert [code for code in ORDER if code in SHIPPED] == SHIPPED, "the buttons' order"
    assert SHIPPED[:6] == ORDER[:6]
    assert i18n.name_of("ar") == "العربية"
    assert i18n.pick(None, "uk-UA") == "uk"
    assert i18n.pick(None, "pt") == "nl"
    assert i18n.pick("tr", "fr") == "tr"
    if "fa_AF" in SHIPPED:
        # Telegram in Persian or in Dari: Dari.
        assert i18n.pick(None, "fa") == "fa_AF"
        assert i18n.pick(None, "fa-AF") == "fa_AF"


def test_the_language_buttons_are_two_a_row_in_their_own_names(bot: BotHarness) -> None:
    markup = menus.language_keyboard(bot.services.i18n)
    rows = [[button.text for button in row] for row in markup.inline_keyboard]
    assert all(1 <= len(row) <= 2 for row in rows)
    assert [label for row in rows for label in row] == LANGUAGE_NAMES
