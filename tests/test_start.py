"""Starting the bot: unknown people, invite links, and the menus they unlock."""

from __future__ import annotations

from datetime import timedelta

from bot.store import invites, people
from bot.store.models import Role
from tests import factories
from tests.harness import BotHarness


async def test_unknown_user_gets_an_explanation(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    replies = await stranger.send("/start")
    assert len(replies) == 1
    assert "persoonlijke link" in replies[0].text
    assert "deskundige werkervaring" in replies[0].text


async def test_unknown_user_is_answered_in_their_telegram_language(bot: BotHarness) -> None:
    stranger = bot.user("Olena", language_code="uk")
    await stranger.send("/start")
    assert "особисте посилання" in stranger.last_text


async def test_unknown_language_falls_back_to_dutch(bot: BotHarness) -> None:
    stranger = bot.user("Pedro", language_code="pt-BR")
    await stranger.send("/start")
    assert "persoonlijke link" in stranger.last_text


async def test_invite_links_a_caseworker_and_shows_their_menu(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.CASEWORKER, "An Peeters")
    an = bot.user("An")
    await an.send(f"/start {token}")
    assert "Welkom, An Peeters" in an.texts[0]
    assert "📂 Mijn dossiers" in an.keyboard
    assert "🤒 Ik ben ziek" not in an.keyboard
    assert "caseload" in an.commands()
    linked = await people.get(bot.services.db, person.id)
    assert linked is not None and linked.telegram_user_id == an.id


async def test_the_token_is_stored_only_as_a_hash(bot: BotHarness) -> None:
    _, token = await factories.invited(bot, Role.CLIENT, "Samir")
    stored = await bot.services.db.fetchall("SELECT token_hash FROM invites")
    assert [row["token_hash"] for row in stored] == [invites.hash_token(token)]
    assert token not in stored[0]["token_hash"]


async def test_a_used_invite_changes_nothing(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.EMPLOYER, "Mieke")
    first, second = bot.user("Mieke"), bot.user("Other")
    await first.send(f"/start {token}")
    await second.send(f"/start {token}")
    assert "al gebruikt" in second.last_text
    linked = await people.get(bot.services.db, person.id)
    assert linked is not None and linked.telegram_user_id == first.id
    assert await people.by_telegram_id(bot.services.db, second.id) is None


async def test_an_expired_invite_says_what_to_do(bot: BotHarness) -> None:
    person, token = await factories.invited(bot, Role.CLIENT, "Samir")
    bot.clock.advance(timedelta(days=15))
    samir = bot.user("Samir")
    await samir.send(f"/start {token}")
    assert "verlopen" in samir.last_text
    assert "nieuwe link" in samir.last_text
    still = await people.get(bot.services.db, person.id)
    assert still is not None and still.telegram_user_id is None


async def test_unknown_and_malformed_invites(bot: BotHarness) -> None:
    user = bot.user("X")
    await user.send("/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert "werkt niet" in user.last_text
    await user.send("/start <script>")
    assert "werkt niet" in user.last_text


async def test_repeated_failures_are_slowed_down(bot: BotHarness) -> None:
    _, token = await factories.invited(bot, Role.CLIENT, "Samir")
    guesser = bot.user("Guess")
    for attempt in range(5):
        await guesser.send(f"/start wrongwrongwrongwrongwrong{attempt}")
    await guesser.send(f"/start {token}")
    assert "15 minuten" in guesser.last_text
    assert await people.by_telegram_id(bot.services.db, guesser.id) is None
    bot.clock.advance(timedelta(minutes=16))
    await guesser.send(f"/start {token}")
    assert "Welkom" in guesser.texts[-1] or "Welkom" in " ".join(guesser.texts[-2:])


async def test_a_linked_account_is_not_silently_switched(bot: BotHarness) -> None:
    _, employer_chat = await factories.person(bot, Role.EMPLOYER, "Mieke Janssens")
    other, token = await factories.invited(bot, Role.CLIENT, "Samir")
    await employer_chat.send(f"/start {token}")
    assert "al gekoppeld aan Mieke Janssens" in employer_chat.last_text
    unchanged = await people.get(bot.services.db, other.id)
    assert unchanged is not None and unchanged.telegram_user_id is None


async def test_unknown_text_gets_an_answer(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    replies = await stranger.send("hallo?")
    assert len(replies) == 1 and "persoonlijke link" in replies[0].text
    _, chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    replies = await chat.send("blabla")
    assert len(replies) == 1 and "begreep ik niet" in replies[0].text


async def test_forged_button_on_nothing_is_answered_as_expired(bot: BotHarness) -> None:
    _, chat = await factories.person(bot, Role.CLIENT, "Samir")
    await chat.send("/start")
    await chat.press_data("evaluation:approve:999")
    answers = bot.fake.calls_of("answerCallbackQuery")
    assert answers and "verlopen" in answers[-1].params["text"]
