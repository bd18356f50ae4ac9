"""Roles: each person sees only their own menu and commands, and forged buttons do nothing."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot import access
from bot.store import internships, people
from bot.store.models import Person, Role
from tests import factories
from tests.harness import BotHarness, ChatUser

CLIENT_MENU = [
    "🤒 Ik ben ziek",
    "⏰ Ik ben te laat",
    "📅 Afwezig / afspraak",
    "🚑 Ongeval op het werk",
    "🏁 Mijn eerste werkdag",
    "📋 Mijn stage",
    "ℹ️ Informatie",
    "🌐 Taal",
]
CLIENT_COMMANDS = [
    "sick",
    "late",
    "absence",
    "accident",
    "firstday",
    "internship",
    "info",
    "language",
    "help",
    "cancel",
]
EMPLOYER_MENU = ["⏱ Stage-uren", "📝 Evaluatie", "🚫 Stagiair niet gekomen", "🌐 Taal", "❓ Hulp"]
EMPLOYER_COMMANDS = ["hours", "evaluation", "noshow", "language", "help", "cancel"]
STAFF_MENU = [
    "📂 Mijn dossiers",
    "➕ Nieuwe stage",
    "📤 Uren exporteren",
    "🔔 Meldingen",
    "🖥 Bureau",
    "🌐 Taal",
    "❓ Hulp",
]
STAFF_COMMANDS = [
    "caseload",
    "newinternship",
    "export",
    "settings",
    "desk",
    "language",
    "help",
    "cancel",
]
# An admin also invites, sees and revokes caseworkers.
ADMIN_MENU = [*STAFF_MENU[:4], "👥 Deskundigen", *STAFF_MENU[4:]]
ADMIN_COMMANDS = [*STAFF_COMMANDS[:4], "caseworkers", *STAFF_COMMANDS[4:]]


@pytest.mark.parametrize(
    ("role", "menu", "commands"),
    [
        (Role.CLIENT, CLIENT_MENU, CLIENT_COMMANDS),
        (Role.EMPLOYER, EMPLOYER_MENU, EMPLOYER_COMMANDS),
        (Role.CASEWORKER, STAFF_MENU, STAFF_COMMANDS),
        (Role.ADMIN, ADMIN_MENU, ADMIN_COMMANDS),
    ],
)
async def test_each_role_sees_only_its_own_menu_and_commands(
    bot: BotHarness, role: Role, menu: list[str], commands: list[str]
) -> None:
    _, token = await factories.invited(bot, role, "Alex Maes")
    alex = bot.user("Alex")
    await alex.send(f"/start {token}")
    if role == Role.CLIENT:
        await alex.press("Nederlands")
    assert alex.keyboard == menu
    assert alex.commands() == commands
    # The commands are set for this chat only, never for everyone.
    scopes = [call.params["scope"] for call in bot.fake.calls_of("setMyCommands")]
    assert scopes and all(scope == {"type": "chat", "chat_id": alex.id} for scope in scopes)


async def test_the_client_menu_has_few_big_buttons(bot: BotHarness) -> None:
    _, samir = await factories.person(bot, Role.CLIENT, "Samir")
    await samir.send("/start")
    markup = samir.last.reply_markup
    assert markup is not None
    assert markup["is_persistent"] is True and markup["resize_keyboard"] is True
    assert all(len(row) <= 2 for row in markup["keyboard"])


async def test_commands_follow_each_persons_language(bot: BotHarness) -> None:
    _, mieke = await factories.person(bot, Role.EMPLOYER, "Mieke", language="nl")
    _, olena = await factories.person(bot, Role.CLIENT, "Olena", language="uk")
    await mieke.send("/start")
    await olena.send("/start")
    for user, expected in ((mieke, "Stage-uren"), (olena, "Я хворий")):
        scope = f'{{"chat_id": {user.id}, "type": "chat"}}'
        descriptions = [c["description"] for c in bot.fake.commands[scope]]
        assert expected in descriptions


# Forged buttons and other people's internships


class TwoWorkplaces:
    """Workplace A with its client, contact and caseworker, and the same for workplace B."""

    a: factories.World
    b_client: Person
    b_employer: Person
    b_employer_chat: ChatUser
    b_caseworker: Person
    b_internship_id: int


async def two_workplaces(bot: BotHarness) -> TwoWorkplaces:
    two = TwoWorkplaces()
    two.a = await factories.world(bot)
    place_b = await factories.workplace(bot, "Bakkerij Noord")
    two.b_caseworker, _ = await factories.person(bot, Role.CASEWORKER, "Bart Claes")
    two.b_employer, two.b_employer_chat = await factories.person(
        bot, Role.EMPLOYER, "Wim Noord", workplace=place_b
    )
    two.b_client, _ = await factories.person(bot, Role.CLIENT, "Yusuf Kaya")
    internship_b = await factories.internship(
        bot, two.b_client, place_b, two.b_caseworker, two.b_employer
    )
    two.b_internship_id = internship_b.id
    return two


async def snapshot(bot: BotHarness) -> dict[str, Any]:
    """Everything a forged button could change."""
    db = bot.services.db
    internships = await db.fetchall("SELECT * FROM internships ORDER BY id")
    outbox = await db.fetchval("SELECT COUNT(*) FROM outbox")
    reminders = await db.fetchall("SELECT * FROM reminders ORDER BY id")
    return {
        "internships": [dict(row) for row in internships],
        "outbox": outbox,
        "reminders": [dict(row) for row in reminders],
        "sent": len(bot.fake.messages),
    }


async def press_forged(bot: BotHarness, user: ChatUser, data: str) -> str:
    """Press forged callback data; return the short answer shown to the user."""
    answers_before = len(bot.fake.calls_of("answerCallbackQuery"))
    replies = await user.press_data(data)
    assert replies == [], f"{data} sent messages: {[m.text for m in replies]}"
    answers = bot.fake.calls_of("answerCallbackQuery")[answers_before:]
    assert len(answers) == 1, f"{data} was answered {len(answers)} times"
    text = str(answers[0].params.get("text", ""))
    assert text and len(text) < 200
    return text


CASEWORKER_BUTTONS = ["cw:open:{id}", "cw:extend:{id}:3", "cw:later:{id}"]


@pytest.mark.parametrize("data", CASEWORKER_BUTTONS)
async def test_a_client_pressing_a_caseworker_button_gets_a_short_answer(
    bot: BotHarness, data: str
) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/start")
    before = await snapshot(bot)
    await press_forged(bot, w.client_chat, data.format(id=w.internship.id))
    assert await snapshot(bot) == before


@pytest.mark.parametrize("data", CASEWORKER_BUTTONS)
async def test_workplace_a_cannot_act_on_workplace_b(bot: BotHarness, data: str) -> None:
    two = await two_workplaces(bot)
    forged = data.format(id=two.b_internship_id)
    for chat in (two.a.client_chat, two.a.employer_chat, two.a.caseworker_chat):
        await chat.send("/start")
        before = await snapshot(bot)
        await press_forged(bot, chat, forged)
        assert await snapshot(bot) == before


async def test_a_client_of_workplace_a_sees_nothing_of_workplace_b(bot: BotHarness) -> None:
    two = await two_workplaces(bot)
    samir = two.a.client_chat
    await samir.send("/start")
    for label in CLIENT_MENU:
        replies = await samir.press(label)
        await samir.send("/cancel")
        for message in replies:
            assert "Bakkerij Noord" not in message.text
            assert "Yusuf" not in message.text
            assert "Wim Noord" not in message.text
            assert "Bart Claes" not in message.text


@pytest.mark.parametrize("command", ["caseload", "newinternship", "export", "hours", "evaluation"])
async def test_a_client_typing_a_staff_command_gets_nothing_of_it(
    bot: BotHarness, command: str
) -> None:
    two = await two_workplaces(bot)
    samir = two.a.client_chat
    await samir.send("/start")
    before = await snapshot(bot)
    replies = await samir.send(f"/{command}")
    assert len(replies) == 1
    assert "Yusuf" not in replies[0].text and "Samir" not in replies[0].text
    after = await snapshot(bot)
    assert after["internships"] == before["internships"]
    assert after["outbox"] == before["outbox"]
    assert samir.keyboard == CLIENT_MENU
    await samir.send("/cancel")


async def test_who_can_see_which_internship(bot: BotHarness) -> None:
    two = await two_workplaces(bot)
    internship_a = two.a.internship
    internship_b = await internships.get(bot.services.db, two.b_internship_id)
    assert internship_b is not None
    admin, _ = await factories.person(bot, Role.ADMIN, "Admin")
    expected = {
        "client A": (two.a.client, True, False),
        "employer A": (two.a.employer, True, False),
        "caseworker A": (two.a.caseworker, True, False),
        "client B": (two.b_client, False, True),
        "employer B": (two.b_employer, False, True),
        "caseworker B": (two.b_caseworker, False, True),
        "admin": (admin, True, True),
    }
    for who, (person, sees_a, sees_b) in expected.items():
        assert access.can_see_internship(person, internship_a) is sees_a, who
        assert access.can_see_internship(person, internship_b) is sees_b, who


async def test_a_button_on_an_inline_message_changes_nothing(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """Inline messages have no chat: the bot is for private chats, so nothing runs."""
    w = await factories.world(bot)
    caplog.set_level(logging.ERROR)
    query = {
        "id": "inline1",
        "from": {"id": w.caseworker_chat.id, "is_bot": False, "first_name": "An"},
        "chat_instance": "ci",
        "inline_message_id": "AAAinline",
        "data": "lang:en",
    }
    await bot.process({"update_id": bot.next_update_id(), "callback_query": query})
    unchanged = await people.get(bot.services.db, w.caseworker.id)
    assert unchanged is not None and unchanged.language == "nl"
    assert "verlopen" in bot.fake.calls_of("answerCallbackQuery")[-1].params["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_an_unknown_command_inside_a_flow_ends_it_and_is_answered(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("⏰ Ik ben te laat")
    replies = await w.client_chat.send("/unknown")
    assert len(replies) == 1
    assert "begreep ik niet" in replies[0].text
    # The flow ended: its buttons no longer lead anywhere.
    replies = await w.client_chat.send("30")
    assert "begreep ik niet" in replies[-1].text
