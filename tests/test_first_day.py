"""My first workday: the card, the client's reminders, and the workplace's one-tap "ready"."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot import menus
from bot.menus import Action
from bot.store import first_day, internships, workplaces
from bot.store.internships import NewInternship
from bot.store.models import InternshipStatus, Role, WorkplaceKind
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import BotHarness, ChatUser


def first_day_button(bot: BotHarness, language: str = "nl") -> str:
    return menus.label(bot.services.i18n.translator(language), Action.FIRST_DAY)


def brussels(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


async def outbox_kinds(bot: BotHarness, recipient_id: int) -> list[str]:
    rows = await bot.services.db.fetchall(
        "SELECT kind FROM outbox WHERE recipient_id = ? ORDER BY id", (recipient_id,)
    )
    return [row["kind"] for row in rows]


def last_alert(bot: BotHarness) -> str:
    return str(bot.fake.calls_of("answerCallbackQuery")[-1].params.get("text", ""))


# The card


async def test_the_card_says_when_where_whom_to_ask_and_what_happens(bot: BotHarness) -> None:
    w = await factories.world(bot)
    samir = w.client_chat
    replies = await samir.send(first_day_button(bot))
    assert len(replies) == 1
    card = replies[0].text
    assert "<b>Je eerste stagedag</b>" in card
    assert "📅 Dag: maandag 30 november 2026" in card
    assert "🕗 Begin: 08:30" in card
    assert "📍 Adres: Kringwinkel Zuid, Sint-Bernardsesteenweg 1, 2020 Antwerpen" in card
    assert "🚪 Afspraakplaats: Receptie" in card
    assert "🙋 Vraag naar: Mieke" in card
    assert "🎒 Neem mee: Identiteitskaart, veiligheidsschoenen" in card
    for item in ("een welkom", "een rondleiding", "werkkleding", "kastje"):
        assert item in card
    # No coordinates, no Dutch lessons planned: no map pin and no lesson line.
    assert not bot.fake.calls_of("sendLocation")
    assert "Nederlandse les" not in card


async def test_coordinates_give_a_map_pin_and_lessons_are_listed(bot: BotHarness) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await workplaces.create(
        bot.services.db,
        "Zorgcentrum Lichtenberg",
        bot.clock.now(),
        address="Lichtenbergstraat 2, 2060 Antwerpen",
        latitude=51.2257,
        longitude=4.4361,
    )
    client, olena = await factories.person(bot, Role.CLIENT, "Olena Koval", language="uk")
    await internships.create(
        bot.services.db,
        NewInternship(
            client_id=client.id,
            workplace_id=place.id,
            caseworker_id=caseworker.id,
            start_date=date(2026, 12, 1),
            first_day_contact="Els",
            dutch_lessons="dinsdag en donderdag 13:00-15:00, Tuinbouwstraat 8",
        ),
        bot.clock.now(),
    )
    replies = await olena.send("/firstday")
    card, pin = replies
    assert "<b>Ваш перший день стажування</b>" in card.text
    assert "вівторок, 1 грудня 2026" in card.text
    assert "Запитайте: Els" in card.text
    assert "Уроки нідерландської під час стажування: dinsdag en donderdag" in card.text
    assert pin.method == "sendLocation"
    assert pin.raw["location"] == {"latitude": 51.2257, "longitude": 4.4361}


async def test_at_a_private_workplace_the_card_speaks_of_the_contract(bot: BotHarness) -> None:
    w = await factories.world(bot, kind=WorkplaceKind.PRIVATE)
    await w.client_chat.send(first_day_button(bot))
    card = w.client_chat.last_text
    assert "<b>Je eerste werkdag met je contract</b>" in card
    assert "stage" not in card


async def test_the_card_is_escaped_html(bot: BotHarness) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot, name="Bakkerij <De Korenaar> & Zn")
    client, chat = await factories.person(bot, Role.CLIENT, "Samir")
    await factories.internship(bot, client, place, caseworker)
    await chat.send("/firstday")
    assert "Bakkerij &lt;De Korenaar&gt; &amp; Zn" in chat.last_text


async def test_a_client_without_a_workplace_hears_who_will_tell_them(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir")
    await samir.send(first_day_button(bot))
    assert samir.last_text == (
        "Er is nog geen werkplek voor je gepland. Je deskundige werkervaring laat het je weten."
    )


async def test_the_card_is_for_clients_only(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.employer_chat.send("/firstday")
    assert w.employer_chat.last_text == "Dit is niet voor jou."


# The client's reminders


async def received(chat: ChatUser, text: str) -> bool:
    return any(text in message.text for message in chat.inbox)


async def test_the_evening_before_the_card_and_the_first_morning_good_luck(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    samir = w.client_chat

    await bot.advance_to(brussels(2026, 11, 29, 17, 59))
    assert not await received(samir, "Morgen begin je")
    await bot.advance_to(brussels(2026, 11, 29, 18, 0))
    eve = samir.last_text
    assert eve.startswith("⏰ Morgen begin je!")
    assert "📅 Dag: maandag 30 november 2026" in eve
    assert "🙋 Vraag naar: Mieke" in eve

    await bot.advance_to(brussels(2026, 11, 30, 6, 59))
    assert not await received(samir, "Veel succes")
    await bot.advance_to(brussels(2026, 11, 30, 7, 0))
    assert samir.last_text == (
        "🍀 Veel succes vandaag!\n"
        "Je begint om 08:30.\n"
        "📍 Adres: Kringwinkel Zuid, Sint-Bernardsesteenweg 1, 2020 Antwerpen\n"
        "🙋 Vraag naar: Mieke"
    )
    # Each reminder is sent once, with the notification kind of this feature.
    await bot.advance_to(brussels(2026, 11, 30, 12, 0))
    assert len([t for t in samir.texts if "Morgen begin je" in t]) == 1
    assert await outbox_kinds(bot, w.client.id) == ["first_day", "first_day"]


async def test_an_internship_made_on_its_first_day_gets_the_card_without_tomorrow(
    bot: BotHarness,
) -> None:
    bot.clock.set(brussels(2026, 11, 30, 7, 30))  # Monday, the first day, before 08:30
    w = await factories.world(bot)
    await bot.advance_to(brussels(2026, 11, 30, 8, 0))
    texts = w.client_chat.texts
    assert any("📅 Dag: maandag 30 november 2026" in t for t in texts)
    assert not any("Morgen begin je" in t for t in texts)


async def test_no_good_luck_for_a_client_who_reported_sick_for_the_first_day(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    await bot.advance_to(brussels(2026, 11, 30, 6, 30))
    samir = w.client_chat
    await samir.send("🤒 Ik ben ziek")
    await samir.press("Vandaag")
    await samir.press("1 dag")
    await samir.press("🩺 Ik ga nog naar de dokter")
    await samir.press("✅ Ja, versturen")
    await bot.advance_to(brussels(2026, 11, 30, 7, 0))
    await bot.advance_to(brussels(2026, 11, 30, 12, 0))
    assert not await received(samir, "Veel succes")
    # The card came (that morning, as the clock jumped there): only "good luck" is left out.
    assert await received(samir, "📅 Dag: maandag 30 november 2026")


@pytest.mark.parametrize(
    ("start", "first_day_text", "eve_utc", "morning_utc"),
    [
        # Summer time begins on Sunday 26 March 2028: the eve is that very day (UTC+2).
        (
            date(2028, 3, 27),
            "maandag 27 maart 2028",
            datetime(2028, 3, 26, 16, 0, tzinfo=UTC),
            datetime(2028, 3, 27, 5, 0, tzinfo=UTC),
        ),
        # Summer time began on Sunday 28 March 2027, and Monday 29 March is Easter
        # Monday: the first internship day is Tuesday.
        (
            date(2027, 3, 29),
            "dinsdag 30 maart 2027",
            datetime(2027, 3, 29, 16, 0, tzinfo=UTC),
            datetime(2027, 3, 30, 5, 0, tzinfo=UTC),
        ),
        # Winter time is back on Sunday 29 October 2028: the eve is that day (UTC+1).
        (
            date(2028, 10, 30),
            "maandag 30 oktober 2028",
            datetime(2028, 10, 29, 17, 0, tzinfo=UTC),
            datetime(2028, 10, 30, 6, 0, tzinfo=UTC),
        ),
        # Winter time came back on Sunday 31 October 2027; Monday 1 November is All
        # Saints' Day, so the first internship day is Tuesday.
        (
            date(2027, 11, 1),
            "dinsdag 2 november 2027",
            datetime(2027, 11, 1, 17, 0, tzinfo=UTC),
            datetime(2027, 11, 2, 6, 0, tzinfo=UTC),
        ),
    ],
)
async def test_client_reminders_keep_local_time_across_daylight_saving(
    bot: BotHarness, start: date, first_day_text: str, eve_utc: datetime, morning_utc: datetime
) -> None:
    w = await factories.world(bot, start=start)
    samir = w.client_chat

    await bot.advance_to(eve_utc - timedelta(minutes=1))
    assert not await received(samir, "Morgen begin je")
    await bot.advance_to(eve_utc)
    assert samir.last_text.startswith("⏰ Morgen begin je!")
    assert first_day_text in samir.last_text
    assert eve_utc.astimezone(BRUSSELS).hour == 18

    await bot.advance_to(morning_utc - timedelta(minutes=1))
    assert not await received(samir, "Veel succes")
    await bot.advance_to(morning_utc)
    assert samir.last_text.startswith("🍀 Veel succes vandaag!")
    assert morning_utc.astimezone(BRUSSELS).hour == 7


async def test_the_evening_card_comes_with_the_map_pin(bot: BotHarness) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await workplaces.create(
        bot.services.db, "Kringwinkel Noord", bot.clock.now(), latitude=51.23, longitude=4.42
    )
    client, chat = await factories.person(bot, Role.CLIENT, "Samir")
    await factories.internship(bot, client, place, caseworker)
    await bot.advance_to(brussels(2026, 11, 29, 18, 0))
    card, pin = chat.inbox[-2:]
    assert "Morgen begin je" in card.text
    assert pin.raw["location"] == {"latitude": 51.23, "longitude": 4.42}


async def test_a_cancelled_internship_sends_no_reminders(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await internships.set_status(
        bot.services.db, w.internship.id, InternshipStatus.CANCELLED, bot.clock.now()
    )
    await bot.services.reminders.replan_internship(bot.services, w.internship.id)
    await bot.advance_to(brussels(2026, 11, 30, 9, 0))
    assert w.client_chat.inbox == []
    assert w.employer_chat.inbox == []


# The workplace


async def test_the_employer_hears_the_workday_before_and_confirms_ready(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    mieke, an = w.employer_chat, w.caseworker_chat

    await bot.advance_to(brussels(2026, 11, 27, 13, 59))
    assert mieke.inbox == []
    # Friday: the last workday before Monday's start.
    await bot.advance_to(brussels(2026, 11, 27, 14, 0))
    assert mieke.last_text == (
        "🏁 <b>Samir El Amrani</b> begint de stage bij Kringwinkel Zuid op maandag "
        "30 november 2026 om 08:30.\n\n"
        "Voorzie die dag:\n"
        "• een onthaal\n"
        "• een rondleiding op de werkvloer\n"
        "• aangepaste werkkledij\n"
        "• een veilige plaats (kastje) voor persoonlijke spullen"
    )
    assert mieke.last.button_labels == ["✅ Klaar"]
    assert an.inbox == []

    await mieke.press("✅ Klaar")
    assert mieke.last_text.endswith("✅ Klaar. Dank u! De deskundige werkervaring is op de hoogte.")
    assert mieke.last.button_labels == []
    assert an.last_text == (
        "✅ Kringwinkel Zuid is klaar voor de eerste dag van Samir El Amrani op maandag "
        "30 november 2026. Bevestigd door Mieke Janssens."
    )
    assert await outbox_kinds(bot, w.caseworker.id) == ["first_day"]
    assert await first_day.is_confirmed(bot.services.db, w.internship.id, date(2026, 11, 30))

    # A second tap (an old message, a double tap) tells the caseworker nothing new.
    await mieke.press_data(f"fd:ready:{w.internship.id}")
    assert len(an.inbox) == 1


async def test_the_employer_message_in_their_language_for_a_contract_start(
    bot: BotHarness,
) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    place = await factories.workplace(bot, name="Schoonmaak NV", kind=WorkplaceKind.PRIVATE)
    boss, boss_chat = await factories.person(
        bot, Role.EMPLOYER, "Jean Dupont", language="fr", workplace=place
    )
    client, _ = await factories.person(bot, Role.CLIENT, "Samir")
    await factories.internship(bot, client, place, caseworker, boss)
    await bot.advance_to(brussels(2026, 11, 27, 14, 0))
    assert boss_chat.last_text.startswith(
        "🏁 <b>Samir</b> commence à travailler chez Schoonmaak NV le lundi 30 novembre 2026"
    )
    assert boss_chat.last.button_labels == ["✅ Prêt"]


async def test_ready_cannot_be_forged(bot: BotHarness) -> None:
    w = await factories.world(bot)
    other_place = await factories.workplace(bot, name="Andere Werkplek")
    _, stranger_boss = await factories.person(
        bot, Role.EMPLOYER, "Piet Andere", workplace=other_place
    )
    await bot.advance_to(brussels(2026, 11, 27, 14, 0))
    forged = f"fd:ready:{w.internship.id}"

    # The client, an employer of another workplace, and someone unknown try it.
    await w.client_chat.press_data(forged, w.employer_chat.last)
    assert last_alert(bot) == "Dit is niet voor jou."
    await stranger_boss.press_data(forged, w.employer_chat.last)
    assert last_alert(bot) == "Dit is niet voor jou."
    await bot.user("Nobody").press_data(forged, w.employer_chat.last)
    assert last_alert(bot) == "Dit is niet voor jou."
    await w.employer_chat.press_data("fd:ready:999999")
    assert last_alert(bot) == "Dit is niet voor jou."

    assert not await first_day.is_confirmed(bot.services.db, w.internship.id, date(2026, 11, 30))
    assert w.caseworker_chat.inbox == []
    audit = await bot.services.db.fetchall("SELECT action FROM audit_log")
    assert "first_day_ready" not in [row["action"] for row in audit]


async def test_the_ready_button_fits_in_telegram_callback_data(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await bot.advance_to(brussels(2026, 11, 27, 14, 0))
    payload = json.loads(
        await bot.services.db.fetchval(
            "SELECT payload FROM outbox WHERE recipient_id = ?", (w.employer.id,)
        )
    )
    data = payload["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data == f"fd:ready:{w.internship.id}"
    assert len(data.encode()) <= 64
