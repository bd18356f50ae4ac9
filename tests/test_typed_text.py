"""What people type is stored clean, and a too-long answer is refused with its limit.

In the chat (names, the first-day texts, remarks), in the CSV import and on the
command line; the database rows show what was kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import exports
from bot.store import evaluations, internships, people
from bot.store.models import Person, Role
from tests import factories
from tests.harness import BOT_USERNAME, BotHarness, ChatUser
from tests.test_appointment import DOCTOR, MORNING, TUESDAY
from tests.test_cli import cli
from tests.test_evaluation import all_good_and

ZWNJ = "\u200c"
# What a phone, a copy from another app or a hostile client can put in a message.
DIRT = "\x00\x1b\u200b\ufeff\u2060\u202e"
SHOWN_NAME_REFUSAL = "Typ de volledige naam van de klant."


async def start_internship(bot: BotHarness) -> tuple[Person, ChatUser]:
    """A caseworker starts a new internship: the bot asks the client's name."""
    caseworker, an = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await factories.workplace(bot, "Kringwinkel Zuid")
    await an.send("/newinternship")
    return caseworker, an


async def after_the_name(an: ChatUser) -> None:
    """From the language question to the meeting-point question."""
    await an.press("Nederlands")
    await an.press("🏢 Kringwinkel Zuid")
    await an.press("Nog niemand")
    await an.press("Klaar ✔️")
    await an.press("08:30 – 16:30")
    await an.press("✅ 30 minuten (gebruikelijk)")
    await an.press(an.last.button_labels[0])
    await an.press("9 werkdagen")
    assert "(afspreekplaats)" in an.last_text


async def finish(an: ChatUser) -> None:
    """From the first-day contact question to the stored internship."""
    await an.press("⏭ Overslaan")
    await an.press("⏭ Overslaan")
    await an.press("Geen lessen")
    await an.press("✅ Aanmaken")
    assert any("Stage aangemaakt" in text for text in an.texts[-4:])


async def test_control_and_invisible_characters_are_not_stored(bot: BotHarness) -> None:
    caseworker, an = await start_internship(bot)
    await an.send(f"{DIRT}Sa\x00mir\x1b  El\u200b Amrani\ufeff")
    assert an.last_text == "Welke taal leest Samir El Amrani het best?"
    await after_the_name(an)
    await an.send("\ufeffReceptie\x00 aan de\u00ad hoofd\u200bingang\x1b")
    await finish(an)
    db = bot.services.db
    row = await db.fetchone("SELECT name FROM people WHERE role = 'client'")
    assert row is not None and row["name"] == "Samir El Amrani"
    [internship] = await internships.open_for_caseworker(db, caseworker.id)
    row = await db.fetchone("SELECT meeting_point FROM internships WHERE id = ?", (internship.id,))
    assert row is not None and row["meeting_point"] == "Receptie aan de hoofdingang"


async def test_a_remark_is_stored_clean(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send("📅 Afwezig / afspraak")
    await client.press(DOCTOR)
    await client.press(TUESDAY)
    await client.press(MORNING)
    await client.send(f"Ik\x00 ga\u200b naar\ufeff de\x1b dokter.\n\n\n\nTot\tmorgen{DIRT}")
    assert "💬 Ik ga naar de dokter.\n\nTot morgen" in client.last_text
    await client.press("✅ Versturen")
    row = await bot.services.db.fetchone("SELECT remark FROM absences")
    assert row is not None and row["remark"] == "Ik ga naar de dokter.\n\nTot morgen"
    assert "Ik ga naar de dokter." in w.employer_chat.last_text


async def test_a_client_name_of_4096_characters_is_refused_with_the_limit(
    bot: BotHarness,
) -> None:
    _, an = await start_internship(bot)
    replies = await an.send("Samir" * 819 + "S")
    assert [m.text for m in replies] == [
        f"Dat is te lang: maximaal 100 tekens, dit zijn er 4.096.\n{SHOWN_NAME_REFUSAL}"
    ]
    await an.send("Samir El Amrani")
    assert an.last_text == "Welke taal leest Samir El Amrani het best?"


async def test_a_meeting_point_of_4096_characters_is_refused_not_cut(bot: BotHarness) -> None:
    caseworker, an = await start_internship(bot)
    await an.send("Samir El Amrani")
    await after_the_name(an)
    question = an.last_text
    replies = await an.send("R" * 4096)
    assert [m.text for m in replies] == ["Dat is te lang: maximaal 300 tekens, dit zijn er 4.096."]
    # Still the same question: the next answer is the meeting point.
    await an.send("R" * 300)
    assert an.last_text != question and "Naar wie vraagt" in an.last_text
    await finish(an)
    [internship] = await internships.open_for_caseworker(bot.services.db, caseworker.id)
    assert internship.meeting_point == "R" * 300


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("S", "Die naam is te kort: een naam heeft minstens 2 tekens."),
        (f"{DIRT}S\u200b ", "Die naam is te kort: een naam heeft minstens 2 tekens."),
        ("0476 12 34 56", "Dat is geen naam: een naam heeft minstens één letter."),
    ],
)
async def test_a_name_that_breaks_the_name_rule_gets_the_reason(
    bot: BotHarness, typed: str, reason: str
) -> None:
    _, an = await start_internship(bot)
    replies = await an.send(typed)
    assert [m.text for m in replies] == [f"{reason}\n{SHOWN_NAME_REFUSAL}"]
    assert await people.by_role(bot.services.db, Role.CLIENT) == []


async def test_the_other_names_follow_the_rule_too(bot: BotHarness) -> None:
    _, an = await start_internship(bot)
    await an.send("Samir El Amrani")
    await an.press("Nederlands")
    await an.press("➕ Nieuwe werkplek")
    await an.send("K")
    assert an.last_text == (
        "Die naam is te kort: een naam heeft minstens 2 tekens.\nTyp de naam van de werkplek."
    )
    await an.send("Kringwinkel Noord")
    await an.send("Kaai 5" * 40)
    assert an.last_text == "Dat is te lang: maximaal 200 tekens, dit zijn er 240."
    await an.send("Kaai 5, 2000 Antwerpen")
    await an.press("Sociaal (non-profit)")
    await an.press("➕ Nieuwe contactpersoon")
    await an.send("M" * 101)
    assert an.last_text == (
        "Dat is te lang: maximaal 100 tekens, dit zijn er 101.\n"
        "Typ de volledige naam van de contactpersoon."
    )


async def test_an_arabic_name_keeps_its_zero_width_non_joiner(bot: BotHarness) -> None:
    _, an = await start_internship(bot)
    # Persian in Arabic script: the non-joiner keeps مهر and نوش apart within one word.
    name = f"مهر{ZWNJ}نوش رضایی"
    await an.send(name)
    await after_the_name(an)
    await an.press("⏭ Overslaan")
    await finish(an)
    row = await bot.services.db.fetchone("SELECT name FROM people WHERE role = 'client'")
    assert row is not None and row["name"] == name
    assert ZWNJ in row["name"]


# The CSV import

HEADER = "client_name;workplace;workplace_address;caseworker;start_date;meeting_point"


async def test_the_import_refuses_a_too_long_cell_with_its_line(bot: BotHarness) -> None:
    await factories.person(bot, Role.CASEWORKER, "An Peeters")
    text = "\n".join(
        [
            HEADER,
            "Samir El Amrani;Kringwinkel Noord;Noorderlaan 12, 2030 Antwerpen;An Peeters;"
            "3/03/2031;Receptie",
            f"Olena Kovalenko;Kringwinkel Noord;;An Peeters;10/03/2031;{'R' * 4096}",
            f"{'O' * 101};Kringwinkel Noord;;An Peeters;10/03/2031;",
            "X;Kringwinkel Noord;;An Peeters;10/03/2031;",
        ]
    )
    with pytest.raises(exports.ImportFailed) as failed:
        await exports.import_internships(bot.services, text)
    assert [str(p) for p in failed.value.problems] == [
        "line 3: meeting_point: That is too long: at most 300 characters, you typed 4,096.",
        "line 4: client_name: That is too long: at most 100 characters, you typed 101.",
        "line 5: client_name: That name is too short: a name has at least 2 characters.",
    ]
    assert await people.by_role(bot.services.db, Role.CLIENT) == []


async def test_the_import_stores_clean_cells(bot: BotHarness) -> None:
    await factories.person(bot, Role.CASEWORKER, "An Peeters")
    text = (
        f"{HEADER}\n"
        f"Sa\x00mir{DIRT} El  Amrani;Kringwinkel\u200b Noord;Noorderlaan 12;An Peeters\ufeff;"
        "3/03/2031;\x1bReceptie\n"
    )
    result = await exports.import_internships(bot.services, text)
    [internship] = result.internships
    assert internship.meeting_point == "Receptie"
    rows = await bot.services.db.fetchall("SELECT name FROM people WHERE role = 'client'")
    assert [r["name"] for r in rows] == ["Samir El Amrani"]
    row = await bot.services.db.fetchone("SELECT name FROM workplaces")
    assert row is not None and row["name"] == "Kringwinkel Noord"


# The command line


def test_invite_stores_a_clean_name_and_refuses_one_letter(tmp_path: Path) -> None:
    refused = cli(tmp_path, "invite", "caseworker", "--name", " A\u200b ")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "--name: That name is too short: a name has at least 2 characters."
    )
    result = cli(
        tmp_path,
        "invite",
        "caseworker",
        "--name",
        "\ufeffAn\u200b  Peeters\u202e",
        TELEGRAM_BOT_USERNAME=BOT_USERNAME,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Caseworker An Peeters (id 1)")


async def test_too_long_bottlenecks_keep_their_own_advice_with_babel_numbers(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "⚠️ Minder gunstig")
    await mieke.send("K" * 2001)
    assert mieke.last_text == (
        "Dit is te lang (2.001 tekens) voor één bericht. Houd het onder 2.000 tekens, "
        "of stuur een spraakbericht."
    )
    await mieke.send(f"Komt\x00 vaak\u200b te laat.\n\n\n\nWeinig\tinzet.{DIRT}")
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None and draft.bottlenecks == "Komt vaak te laat.\n\nWeinig inzet."
