"""Every shipped language, end to end: a client links, chooses it, reports sickness in
four taps, and the workplace and the caseworker hear it in Dutch, the language named.

Parametrised over `locales/languages.toml`, so a language added there is tested here.
Right-to-left languages: dates and times on the first-day card sit in isolates.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel import Locale

from bot import flows, menus
from bot.i18n import FSI, PDI, REFERENCE_LANGUAGE, shipped_languages
from bot.menus import Action
from bot.store import people
from bot.store.models import Role
from bot.store.sick_reports import Doctor
from conversations.sick_report import DOCTOR_LABELS, LENGTH_LABELS
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness

CLIENT_LANGUAGES = [lang.code for lang in shipped_languages() if lang.code != REFERENCE_LANGUAGE]
RIGHT_TO_LEFT = [
    code for code in CLIENT_LANGUAGES if Locale.parse(code).character_order == "right-to-left"
]
# How the first-day card writes Monday 30 November 2026, 08:30 (CLDR, or the formats
# of `languages.toml`), for the right-to-left languages the issue names.
CARD_DAY = {
    "ar": ("الاثنين، 30 نوفمبر 2026", "8:30 ص"),
    "fa_AF": ("دوشنبه 30 نومبر 2026", "8:30"),
    "ps": ("دوشنبه 30 نومبر 2026", "8:30"),
    "ckb": ("دووشەممە 30 تشرینی دووەم 2026", "08:30"),
}


@pytest.mark.parametrize("language", CLIENT_LANGUAGES)
async def test_a_client_links_chooses_the_language_and_reports_sickness(
    bot: BotHarness, language: str
) -> None:
    bot.clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    i18n = bot.services.i18n
    t = i18n.translator(language)
    dutch = i18n.translator(REFERENCE_LANGUAGE)
    _, caseworker = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot)
    _, employer = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens", workplace=place)
    client, token = await factories.invited(bot, Role.CLIENT, "Samir El Amrani")
    employer_person = await people.by_telegram_id(bot.services.db, employer.id)
    caseworker_person = await people.by_telegram_id(bot.services.db, caseworker.id)
    assert employer_person is not None and caseworker_person is not None
    await factories.internship(bot, client, place, caseworker_person, employer_person)

    # Links, and chooses the language by its own name on one button.
    samir = bot.user("Samir")
    await samir.send(f"/start {token}")
    assert i18n.name_of(language) in samir.last.button_labels
    await samir.press(i18n.name_of(language))
    welcome = t._("Welcome, {name}! Use the buttons below.", name="Samir El Amrani")
    assert samir.last_text == welcome
    linked = await people.by_telegram_id(bot.services.db, samir.id)
    assert linked is not None and linked.language == language
    sick = menus.label(t, Action.SICK)
    assert sick in samir.keyboard
    # The client's own words with the Dutch ones after them.
    assert sick.endswith(
        dutch.plain(menus.ITEMS[Action.SICK].text) + (PDI if t.right_to_left else "")
    )

    # Sick: the menu button, then four taps.
    await samir.press(sick)
    question = t._("🤒 Since when are you sick?")
    assert samir.last_text == question
    if language != "en":
        assert question != "🤒 Since when are you sick?", "not translated"
    await samir.press(t.plain(flows.TODAY))
    await samir.press(t.plain(LENGTH_LABELS["2"]))
    await samir.press(t.plain(DOCTOR_LABELS[Doctor.WILL_SEE]))
    assert t._("Is this right?") in samir.last_text
    await samir.press(t.plain(flows.YES_SEND_IT))
    receipt = samir.last_text
    assert t._("Reference: <b>{reference}</b>", reference="Z-0001") in receipt

    # The workplace and the caseworker read Dutch, with the client's language named.
    named = f"🌐 Taal van de cliënt: {i18n.name_in(language, dutch)}"
    for chat in (employer, caseworker):
        text = chat.last_text
        assert "🤒 <b>Ziekmelding Z-0001</b>" in text
        assert named in text.splitlines()
        assert FSI not in text
    assert "Samir El Amrani is ziek en komt niet werken." in employer.last_text


def test_the_client_language_is_named_in_the_readers_language(bot: BotHarness) -> None:
    i18n = bot.services.i18n
    dutch = i18n.translator(REFERENCE_LANGUAGE)
    assert i18n.name_in("ar", dutch) == "Arabisch (العربية)"
    assert i18n.name_in("en", i18n.translator("en")) == "English"


@pytest.mark.parametrize("language", [code for code in RIGHT_TO_LEFT if code in CARD_DAY])
async def test_a_right_to_left_first_day_card_isolates_dates_and_times(
    bot: BotHarness, language: str
) -> None:
    w = await factories.world(bot, client_language=language, start=date(2026, 11, 30))
    t = bot.services.i18n.translator(language)
    replies = await w.client_chat.send(menus.label(t, Action.FIRST_DAY))
    card = replies[0].text
    day, start = CARD_DAY[language]
    assert t.date(date(2026, 11, 30)) == day
    # The date, the time, the address and the names each in their own isolate.
    assert f"{FSI}{day}{PDI}" in card
    assert f"{FSI}{start}{PDI}" in card
    assert f"{FSI}Kringwinkel Zuid, Sint-Bernardsesteenweg 1, 2020 Antwerpen{PDI}" in card
    assert f"{FSI}Mieke{PDI}" in card
    assert card.count(FSI) == card.count(PDI)
