"""Starting the bot: unknown people, invite links (good and bad), and unlinking."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta

import pytest

from bot.actions import people as accounts
from bot.i18n import shipped_languages
from bot.store import audit, invites, people
from bot.store.models import Person, Role
from tests import factories
from tests.harness import BotHarness, ChatUser

ASK_FOR_A_NEW_LINK = "nieuwe link aan je deskundige werkervaring"


async def stored(bot: BotHarness, person: Person) -> Person:
    fresh = await people.get(bot.services.db, person.id)
    assert fresh is not None
    return fresh


async def linked_accounts(bot: BotHarness) -> int:
    value = await bot.services.db.fetchval(
        "SELECT COUNT(*) FROM people WHERE telegram_user_id IS NOT NULL"
    )
    return int(value or 0)


def has_no_menu(user: ChatUser) -> bool:
    """The user sees no menu keyboard and the bot took away the chat's commands."""
    scope = {"type": "chat", "chat_id": user.id}
    deleted = [c for c in user.h.fake.calls_of("deleteMyCommands") if c.params["scope"] == scope]
    return user.keyboard == [] and bool(deleted)


# Strangers


async def test_unknown_user_gets_an_explanation(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    replies = await stranger.send("/start")
    assert len(replies) == 1
    assert "persoonlijke link" in replies[0].text
    assert "deskundige werkervaring" in replies[0].text
    assert has_no_menu(stranger)


async def test_unknown_user_is_answered_in_their_telegram_language(bot: BotHarness) -> None:
    stranger = bot.user("Olena", language_code="uk")
    await stranger.send("/start")
    assert "особисте посилання" in stranger.last_text


async def test_unknown_language_falls_back_to_dutch(bot: BotHarness) -> None:
    stranger = bot.user("Pedro", language_code="pt-BR")
    await stranger.send("/start")
    assert "persoonlijke link" in stranger.last_text


async def test_unknown_text_gets_an_answer(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    replies = await stranger.send("hallo?")
    assert len(replies) == 1 and "persoonlijke link" in replies[0].text
    _, chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    replies = await chat.send("blabla")
    assert len(replies) == 1 and "begreep ik niet" in replies[0].text


# Linking each role


@pytest.mark.parametrize(
    ("role", "menu_button"),
    [
        (Role.EMPLOYER, "⏱ Stage-uren"),
        (Role.CASEWORKER, "📂 Mijn dossiers"),
        (Role.ADMIN, "📂 Mijn dossiers"),
    ],
)
async def test_invite_links_staff_in_dutch_and_shows_their_menu(
    bot: BotHarness, role: Role, menu_button: str
) -> None:
    person, token = await factories.invited(bot, role, "Mieke Janssens")
    # Their Telegram is in English, but employers and caseworkers start in Dutch.
    mieke = bot.user("Mieke", language_code="en")
    replies = await mieke.send(f"/start {token}")
    assert len(replies) == 1
    assert "Welkom, Mieke Janssens" in replies[0].text
    assert menu_button in mieke.keyboard
    assert "🤒 Ik ben ziek" not in mieke.keyboard
    assert "🌐 Taal" in mieke.keyboard
    linked = await stored(bot, person)
    assert linked.telegram_user_id == mieke.id
    assert linked.role == role
    assert linked.language == "nl"
    entries = await audit.for_subject(bot.services.db, "person", person.id)
    assert "account.linked" in [entry.action for entry in entries]


async def test_invite_links_a_client_who_chooses_the_language_first(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.CLIENT, "Samir El Amrani")
    samir = bot.user("Samir", language_code="ar")
    replies = await samir.send(f"/start {token}")
    # Greeted by name, in Telegram's language, with one question: which language.
    assert len(replies) == 1
    assert "Samir El Amrani" in replies[0].text
    assert "أي لغة" in replies[0].text
    assert replies[0].button_labels == [language.name for language in shipped_languages()]
    assert samir.keyboard == []
    linked = await stored(bot, person)
    assert linked.telegram_user_id == samir.id and linked.language is None

    replies = await samir.press("Türkçe")
    assert "Hoş geldiniz, Samir El Amrani" in samir.last_text
    assert "🤒 Hastayım · Ik ben ziek" in samir.keyboard
    assert (await stored(bot, person)).language == "tr"
    # The question lost its buttons: the choice is made.
    assert samir.inbox[0].button_labels == []


async def test_the_token_is_random_enough_and_stored_only_as_a_hash(bot: BotHarness) -> None:
    _, token = await factories.invited(bot, Role.CLIENT, "Samir")
    # At least 128 random bits: 22 or more URL-safe base64 characters.
    assert len(token) >= 22
    assert accounts.TOKEN_BYTES * 8 >= 128
    stored_hashes = await bot.services.db.fetchall("SELECT token_hash FROM invites")
    assert [row["token_hash"] for row in stored_hashes] == [invites.hash_token(token)]
    assert token not in stored_hashes[0]["token_hash"]


async def test_a_new_invite_replaces_the_old_one(bot: BotHarness) -> None:
    person, old_token = await factories.invited(bot, Role.CLIENT, "Samir")
    new_token = await accounts.create_invite(bot.services, person, created_by=None)
    samir = bot.user("Samir")
    await samir.send(f"/start {old_token}")
    assert "al gebruikt" in samir.last_text
    assert (await stored(bot, person)).telegram_user_id is None
    await samir.send(f"/start {new_token}")
    assert (await stored(bot, person)).telegram_user_id == samir.id


# Bad invites: a clear answer, and nothing changes


async def test_a_used_invite_changes_nothing(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.EMPLOYER, "Mieke")
    first, second = bot.user("Mieke"), bot.user("Other")
    await first.send(f"/start {token}")
    replies = await second.send(f"/start {token}")
    assert len(replies) == 1
    assert "al gebruikt" in second.last_text
    assert ASK_FOR_A_NEW_LINK in second.last_text
    assert has_no_menu(second)
    assert (await stored(bot, person)).telegram_user_id == first.id
    assert await people.by_telegram_id(bot.services.db, second.id) is None


async def test_an_expired_invite_says_what_to_do(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.CLIENT, "Samir")
    bot.clock.advance(timedelta(days=15))
    samir = bot.user("Samir")
    replies = await samir.send(f"/start {token}")
    assert len(replies) == 1
    assert "verlopen" in samir.last_text
    assert ASK_FOR_A_NEW_LINK in samir.last_text
    assert has_no_menu(samir)
    assert (await stored(bot, person)).telegram_user_id is None


async def test_the_invite_lifetime_is_configurable(bot: BotHarness) -> None:
    bot.services.settings = dataclasses.replace(bot.services.settings, invite_days=2)
    person, token = await factories.invited(bot, Role.CLIENT, "Samir")
    bot.clock.advance(timedelta(days=2, minutes=1))
    samir = bot.user("Samir")
    await samir.send(f"/start {token}")
    assert "verlopen" in samir.last_text
    assert (await stored(bot, person)).telegram_user_id is None


@pytest.mark.parametrize(
    "token",
    [
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # well-formed, but no such invite
        "<script>",
        "short",
        "x" * 65,
        "with spaces in it and more than twenty",
    ],
)
async def test_unknown_and_malformed_invites(bot: BotHarness, token: str) -> None:
    _, real_token = await factories.invited(bot, Role.CLIENT, "Samir")
    user = bot.user("X")
    replies = await user.send(f"/start {token}")
    assert len(replies) == 1
    assert "werkt niet" in user.last_text
    assert ASK_FOR_A_NEW_LINK in user.last_text
    assert await linked_accounts(bot) == 0
    invite = await invites.find(bot.services.db, real_token)
    assert invite is not None and invite.used_at is None


async def test_a_link_for_someone_already_connected_changes_nothing(bot: BotHarness) -> None:
    # Samir is linked; a new invite for him opened on another phone must not move him.
    samir, samir_chat = await factories.person(bot, Role.CLIENT, "Samir")
    token = await accounts.create_invite(bot.services, samir, created_by=None)
    other = bot.user("Other")
    await other.send(f"/start {token}")
    assert "al met een ander Telegram-account gekoppeld" in other.last_text
    assert ASK_FOR_A_NEW_LINK in other.last_text
    assert (await stored(bot, samir)).telegram_user_id == samir_chat.id
    assert await people.by_telegram_id(bot.services.db, other.id) is None


async def test_a_linked_account_is_not_silently_switched(bot: BotHarness) -> None:
    employer, employer_chat = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens")
    other, token = await factories.invited(bot, Role.CLIENT, "Samir")
    replies = await employer_chat.send(f"/start {token}")
    assert len(replies) == 1
    assert "al gekoppeld aan Mieke Janssens" in employer_chat.last_text
    assert "Er is niets veranderd" in employer_chat.last_text
    assert (await stored(bot, other)).telegram_user_id is None
    assert (await stored(bot, employer)).telegram_user_id == employer_chat.id
    # The invite still works for the right person.
    samir = bot.user("Samir")
    await samir.send(f"/start {token}")
    assert (await stored(bot, other)).telegram_user_id == samir.id


async def test_repeated_failures_are_slowed_down_and_logged(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    person, token = await factories.invited(bot, Role.CLIENT, "Samir")
    guesser = bot.user("Guess")
    caplog.set_level(logging.INFO, logger="bot.actions.people")
    for attempt in range(accounts.MAX_FAILED_ATTEMPTS):
        await guesser.send(f"/start wrongwrongwrongwrongwrong{attempt}")
        assert "werkt niet" in guesser.last_text
    # Even the right link waits now.
    await guesser.send(f"/start {token}")
    assert "15 minuten" in guesser.last_text
    assert (await stored(bot, person)).telegram_user_id is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all(str(guesser.id) in r.getMessage() for r in warnings)
    # The token itself never reaches the log.
    assert not any(token in r.getMessage() for r in caplog.records)

    bot.clock.advance(timedelta(minutes=16))
    await guesser.send(f"/start {token}")
    assert "Samir" in guesser.last_text
    assert (await stored(bot, person)).telegram_user_id == guesser.id


async def test_failures_of_one_account_do_not_slow_down_another(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.CLIENT, "Samir")
    guesser = bot.user("Guess")
    for attempt in range(accounts.MAX_FAILED_ATTEMPTS + 1):
        await guesser.send(f"/start wrongwrongwrongwrongwrong{attempt}")
    samir = bot.user("Samir")
    await samir.send(f"/start {token}")
    assert (await stored(bot, person)).telegram_user_id == samir.id


# Unlinking


async def test_after_unlinking_the_old_account_is_unknown_and_a_new_one_can_link(
    bot: BotHarness,
) -> None:
    caseworker, _ = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    person, token = await factories.invited(bot, Role.CLIENT, "Samir")
    old_phone = bot.user("Samir")
    await old_phone.send(f"/start {token}")
    await old_phone.press("Nederlands")
    assert "🤒 Ik ben ziek" in old_phone.keyboard

    # The phone is lost: the caseworker revokes the link and makes a new invite.
    await accounts.unlink(bot.services, person, actor_id=caseworker.id)
    new_token = await accounts.create_invite(bot.services, person, created_by=caseworker.id)

    replies = await old_phone.send("/start")
    assert len(replies) == 1 and "persoonlijke link" in replies[0].text
    assert has_no_menu(old_phone)
    # The old invite link does not bring the old phone back either.
    await old_phone.send(f"/start {token}")
    assert (await stored(bot, person)).telegram_user_id is None

    new_phone = bot.user("Samir")
    await new_phone.send(f"/start {new_token}")
    assert "Samir" in new_phone.last_text
    linked = await stored(bot, person)
    assert linked.telegram_user_id == new_phone.id
    # The language Samir chose before is kept; the question comes again to confirm it.
    assert linked.language == "nl"
    await new_phone.press("Nederlands")
    assert "🤒 Ik ben ziek" in new_phone.keyboard
    entries = [e.action for e in await audit.for_subject(bot.services.db, "person", person.id)]
    assert "account.unlinked" in entries


async def test_an_unlinked_account_pressing_an_old_menu_button_is_told_what_to_do(
    bot: BotHarness,
) -> None:
    person, chat = await factories.person(bot, Role.CLIENT, "Samir")
    await chat.send("/start")
    await accounts.unlink(bot.services, person, actor_id=None)
    replies = await chat.press("🌐 Taal")
    assert len(replies) == 1 and "persoonlijke link" in replies[0].text
    assert has_no_menu(chat)


# Help


async def test_help_shows_the_menu_again(bot: BotHarness) -> None:
    _, chat = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens")
    await chat.send("/help")
    assert "knoppen" in chat.last_text
    assert "⏱ Stage-uren" in chat.keyboard
