"""Phone numbers of contacts and caseworkers: typed the Belgian way, refused with an example,
shown as +32 470 12 34 56 wherever a client must call someone."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot import exports, phones
from bot.actions import people as people_actions
from bot.actions.refusals import InvalidValue
from bot.store import people
from bot.store.models import Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BOT_USERNAME, BotHarness
from tests.test_cli import cli

REFUSED = "Dat is geen telefoonnummer. Typ het zo: 0470 12 34 56 of 03 123 45 67 (of met +32)."
MIEKE = "+32470123456"
AN = "+3231234567"
# A row of the import without its contact_phone.
SAMIR = ["Samir El Amrani", "Kringwinkel Noord", "Noorderlaan 12", "Mieke Janssens"]
SAMIR += ["An Peeters", "3/03/2031"]


async def with_phones(
    bot: BotHarness, w: World, contact: str | None, caseworker: str | None
) -> None:
    await people.set_phone(bot.services.db, w.employer.id, contact)
    await people.set_phone(bot.services.db, w.caseworker.id, caseworker)


# Reading and showing


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("03 123 45 67", AN, "+32 3 123 45 67"),
        ("0470 12 34 56", MIEKE, "+32 470 12 34 56"),
        ("+32 470 12 34 56", MIEKE, "+32 470 12 34 56"),
        ("0032 470/12.34.56", MIEKE, "+32 470 12 34 56"),
        ("02 201 23 45", "+3222012345", "+32 2 201 23 45"),
        ("+33 6 12 34 56 78", "+33612345678", "+33 6 12 34 56 78"),
    ],
)
def test_belgian_formats_are_read_and_shown_internationally(
    typed: str, stored: str, shown: str
) -> None:
    assert phones.parse_phone(typed) == stored
    assert phones.shown(stored) == shown


@pytest.mark.parametrize(
    "typed", ["", "12", "0470 12 34", "047 12 34 56", "0470 12 34 567", "Mieke", "1" * 50]
)
def test_what_is_no_phone_number_is_refused(typed: str) -> None:
    assert phones.parse_phone(typed) is None
    assert phones.check_phone(typed) is not None


# Entered: the import and the command line


async def test_the_import_reads_contact_phone_and_refuses_a_wrong_one(bot: BotHarness) -> None:
    await factories.person(bot, Role.CASEWORKER, "An Peeters")
    header = (
        "client_name;workplace;workplace_address;contact_name;contact_phone;caseworker;start_date"
    )
    wrong = "\n".join(
        [
            header,
            ";".join([*SAMIR[:4], "0470 12 34", *SAMIR[4:]]),
            "Olena Kovalenko;Kringwinkel Noord;;;03 123 45 67;An Peeters;3/03/2031",
        ]
    )
    with pytest.raises(exports.ImportFailed) as failed:
        await exports.import_internships(bot.services, wrong)
    problems = [str(p) for p in failed.value.problems]
    assert problems == [
        "line 2: contact_phone '0470 12 34': That is not a phone number. Type it like this: "
        "0470 12 34 56 or 03 123 45 67 (or with +32).",
        "line 3: contact_phone needs a contact_name",
    ]
    assert await people.by_role(bot.services.db, Role.EMPLOYER) == []

    right = "\n".join(
        [
            header,
            ";".join([*SAMIR[:4], "0470 12 34 56", *SAMIR[4:]]),
            "Olena Kovalenko;Kringwinkel Noord;;Mieke Janssens;;An Peeters;10/03/2031",
        ]
    )
    result = await exports.import_internships(bot.services, right)
    assert len(result.internships) == 2
    [mieke] = await people.by_role(bot.services.db, Role.EMPLOYER)
    assert mieke.phone == MIEKE
    assert {i.employer_contact_id for i in result.internships} == {mieke.id}


def test_invite_caseworker_with_a_phone_number(tmp_path: Path) -> None:
    wrong = cli(
        tmp_path,
        "invite",
        "caseworker",
        "--name",
        "An Peeters",
        "--phone",
        "0470 12",
        TELEGRAM_BOT_USERNAME=BOT_USERNAME,
    )
    assert wrong.returncode == 2
    assert "--phone: That is not a phone number" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    right = cli(
        tmp_path,
        "invite",
        "caseworker",
        "--name",
        "An Peeters",
        "--phone",
        "03 123 45 67",
        TELEGRAM_BOT_USERNAME=BOT_USERNAME,
    )
    assert right.returncode == 0, right.stderr
    assert "Phone: +32 3 123 45 67" in right.stdout
    with sqlite3.connect(tmp_path / "data" / "bot.sqlite3") as conn:
        assert conn.execute("SELECT name, phone FROM people").fetchall() == [("An Peeters", AN)]


# Edited by the caseworker


async def test_the_caseworker_changes_and_removes_a_contacts_number(bot: BotHarness) -> None:
    w = await factories.world(bot)
    an = w.caseworker_chat
    await an.send("/start")
    await an.press_data(f"cw:open:{w.internship.id}")
    await an.press("📞 Telefoonnummers")
    assert an.last_text == "Van wie verander je het telefoonnummer?"
    assert an.last.button_labels == [
        "📞 Mieke Janssens: geen nummer",
        "📞 An Peeters: geen nummer",
    ]
    await an.press("📞 Mieke Janssens: geen nummer")
    assert "Typ het telefoonnummer van Mieke Janssens (nu: geen nummer)" in an.last_text
    await an.send("0470 12")
    assert an.last_text == REFUSED
    await an.send("0470 12 34 56")
    assert an.last_text == "Bewaard: het telefoonnummer van Mieke Janssens is +32 470 12 34 56."
    contact = await people.get(bot.services.db, w.employer.id)
    assert contact is not None and contact.phone == MIEKE

    # Her own number, the Antwerp way.
    await an.press_data(f"cw:open:{w.internship.id}")
    await an.press("📞 Telefoonnummers")
    await an.press("📞 An Peeters: geen nummer")
    await an.send("03/123.45.67")
    assert an.last_text == "Bewaard: het telefoonnummer van An Peeters is +32 3 123 45 67."

    await an.press_data(f"cw:open:{w.internship.id}")
    assert "Mieke Janssens (+32 470 12 34 56)" in an.last_text
    await an.press("📞 Telefoonnummers")
    await an.press("📞 Mieke Janssens: +32 470 12 34 56")
    await an.press("🗑 Geen nummer")
    assert an.last_text == "Bewaard: Mieke Janssens heeft nu geen telefoonnummer."
    contact = await people.get(bot.services.db, w.employer.id)
    assert contact is not None and contact.phone is None


async def test_another_caseworker_cannot_change_the_number(bot: BotHarness) -> None:
    w = await factories.world(bot)
    _, bert = await factories.person(bot, Role.CASEWORKER, "Bert Baert")
    await bert.send("/start")
    await bert.press_data(f"cl:tel:{w.internship.id}:{w.employer.id}")
    await bert.send("0470 12 34 56")
    await bert.press_data(f"cl:tel0:{w.internship.id}:{w.employer.id}")
    contact = await people.get(bot.services.db, w.employer.id)
    assert contact is not None and contact.phone is None
    assert not any("Bewaard" in text for text in bert.texts)


# Shown to the client


async def test_the_first_day_card_shows_whom_to_call(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/firstday")
    card = w.client_chat.last_text
    assert (
        "📞 Het nummer van je werkplek: vraag het aan je deskundige werkervaring An Peeters."
        in (card)
    )
    await with_phones(bot, w, MIEKE, AN)
    await w.client_chat.send("/firstday")
    card = w.client_chat.last_text
    assert "📞 Je werkplek: Mieke Janssens, +32 470 12 34 56" in card
    assert "👤 Je deskundige werkervaring: An Peeters, +32 3 123 45 67" in card


async def test_the_card_the_evening_before_has_the_numbers_in_arabic(bot: BotHarness) -> None:
    w = await factories.world(bot, client_language="ar")
    await with_phones(bot, w, MIEKE, None)
    await bot.advance_to(datetime(2026, 11, 29, 18, 0, tzinfo=BRUSSELS))
    card = w.client_chat.last_text
    # Names and numbers are isolated (FSI ... PDI) in a right-to-left text.
    assert "📞 مكان عملك: \u2068Mieke Janssens\u2069، \u2068+32 470 12 34 56\u2069" in card
    assert "👤 المرشد الاجتماعي: \u2068An Peeters\u2069" in card


async def test_my_internship_shows_the_numbers(bot: BotHarness) -> None:
    w = await factories.world(bot, client_language="en")
    await with_phones(bot, w, MIEKE, AN)
    await w.client_chat.send("/internship")
    text = w.client_chat.last_text
    assert text.endswith(
        "\n\n📞 Your workplace: Mieke Janssens, +32 470 12 34 56\n"
        "👤 Your caseworker: An Peeters, +32 3 123 45 67"
    )


async def test_a_late_sick_report_says_whom_to_call_with_the_number(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=BRUSSELS))
    w = await factories.world(bot)
    await with_phones(bot, w, MIEKE, None)
    samir = w.client_chat
    await samir.send("🤒 Ik ben ziek")
    for label in ("Vandaag", "2 dagen", "🩺 Ik ga nog naar de dokter", "✅ Ja, versturen"):
        await samir.press(label)
    receipt = next(t for t in reversed(samir.texts) if "Referentie" in t)
    assert (
        "Je werkdag is al begonnen. Bel nu naar je werkplek: Mieke Janssens, +32 470 12 34 56."
        in receipt
    )


async def test_a_no_show_asks_the_client_to_call_the_number(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS))
    w = await factories.world(bot)
    await with_phones(bot, w, MIEKE, None)
    await w.employer_chat.send("/noshow")
    await w.employer_chat.press("✅ Ja, melden")
    told = w.client_chat.last_text
    assert "Bel nu naar je werkplek: Mieke Janssens, +32 470 12 34 56." in told


async def test_without_any_number_the_client_is_told_whom_to_ask(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=BRUSSELS))
    w = await factories.world(bot, client_language="fr")
    await w.employer_chat.send("/noshow")
    await w.employer_chat.press("✅ Ja, melden")
    assert (
        "Appelez maintenant votre lieu de travail. Demandez le numéro à votre assistant social "
        "An Peeters." in w.client_chat.last_text
    )


async def test_an_accident_too_long_ago_says_to_call_the_caseworker(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 12, 9, 10, 0, tzinfo=BRUSSELS))
    w = await factories.world(bot)
    await with_phones(bot, w, None, AN)
    await w.client_chat.send("/accident")
    await w.client_chat.press_data("acc:other")
    # More than 60 days ago.
    await w.client_chat.send("1/9/2026")
    assert w.client_chat.last_text == (
        "Dat is te lang geleden. Bel je deskundige werkervaring An Peeters: +32 3 123 45 67."
    )


async def test_a_client_gets_no_phone_number(bot: BotHarness) -> None:
    """Numbers are for contacts and staff: clients are told whom to call, never asked."""
    with pytest.raises(InvalidValue):
        await people_actions.invite_person(
            bot.services, people_actions.COMMAND_LINE, Role.CLIENT, "Samir", phone="0470123456"
        )
    assert await people.by_role(bot.services.db, Role.CLIENT) == []
