"""An admin's caseworkers in the bot: invite one, see them, a new link, revoke access."""

from __future__ import annotations

from bot.store import invites, people
from bot.store.models import Role
from tests import factories
from tests.harness import BotHarness, ChatUser


async def _admin(bot: BotHarness) -> ChatUser:
    _, ada = await factories.person(bot, Role.ADMIN, "Ada Admin")
    await ada.send("/start")
    return ada


def _token(chat: ChatUser) -> str:
    return chat.last_text.rsplit("?start=", 1)[1].strip()


async def test_an_admin_invites_a_caseworker_who_opens_the_link(bot: BotHarness) -> None:
    ada = await _admin(bot)
    await ada.press("👥 Deskundigen")
    assert "Ada Admin (beheerder): ✅ verbonden" in ada.last_text
    await ada.press("➕ Deskundige uitnodigen")
    assert ada.last_text == "Wat is de volledige naam van de nieuwe deskundige?"
    await ada.send("12")
    assert ada.last_text == (
        "Dat is geen naam: een naam heeft minstens één letter.\n"
        "Wat is de volledige naam van de nieuwe deskundige?"
    )
    await ada.send("Fatima   Benali")
    assert ada.last_text == "Welke taal leest Fatima Benali het best?"
    await ada.send("Frans")
    assert "knoppen" in ada.last_text
    await ada.press("Français")
    assert "✅ Fatima Benali is uitgenodigd als deskundige" in ada.texts[-2]
    # The invite to forward is in the new caseworker's language.
    assert ada.last_text.startswith("Bonjour Fatima Benali ! Voici votre lien personnel")
    fatima = await people.staff_named(bot.services.db, "Fatima Benali")
    assert fatima is not None and fatima.role == Role.CASEWORKER and fatima.language == "fr"
    phone = bot.user("Fatima", "fr")
    await phone.send(f"/start {_token(ada)}")
    linked = await people.get(bot.services.db, fatima.id)
    assert linked is not None and linked.telegram_user_id == phone.id
    assert "📂 Mes dossiers" in phone.keyboard
    await ada.send("/caseworkers")
    assert "Fatima Benali (deskundige): ✅ verbonden" in ada.last_text


async def test_the_same_name_twice_is_refused(bot: BotHarness) -> None:
    ada = await _admin(bot)
    await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await ada.send("/caseworkers")
    await ada.press("➕ Deskundige uitnodigen")
    await ada.send("An Peeters")
    await ada.press("Nederlands")
    assert "Er is al een deskundige met de naam An Peeters" in ada.last_text
    assert len(await people.by_role(bot.services.db, Role.CASEWORKER)) == 1


async def test_a_new_link_for_someone_not_connected_cancels_the_older_one(
    bot: BotHarness,
) -> None:
    ada = await _admin(bot)
    bert, old_token = await factories.invited(bot, Role.CASEWORKER, "Bert Claes")
    await ada.send("/caseworkers")
    assert "Bert Claes (deskundige): ✉️ uitgenodigd, de link werkt tot 7 dec" in ada.last_text
    await ada.press("👤 Bert Claes")
    assert "Taal: Nederlands" in ada.last_text
    assert ada.last.button_labels == ["🔗 Nieuwe uitnodigingslink", "⬅️ Terug naar de lijst"]
    await ada.press("🔗 Nieuwe uitnodigingslink")
    assert "de oudere links werken niet meer" in ada.texts[-2]
    new_token = _token(ada)
    old = await invites.find(bot.services.db, old_token)
    new = await invites.find(bot.services.db, new_token)
    assert old is not None and old.revoked_at is not None
    assert new is not None and new.revoked_at is None and new.person_id == bert.id


async def test_an_admin_revokes_a_caseworkers_access(bot: BotHarness) -> None:
    ada = await _admin(bot)
    an, an_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await ada.send("/caseworkers")
    await ada.press("👤 An Peeters")
    await ada.press("⛔ Toegang intrekken")
    assert "De toegang van An Peeters intrekken?" in ada.last_text
    await ada.press("✖️ Nee, behouden")
    still = await people.get(bot.services.db, an.id)
    assert still is not None and still.telegram_user_id == an_chat.id
    await ada.press("👤 An Peeters")
    await ada.press("⛔ Toegang intrekken")
    await ada.press("⛔ Ja, intrekken")
    assert "⛔ An Peeters is losgekoppeld" in ada.last_text
    gone = await people.get(bot.services.db, an.id)
    assert gone is not None and gone.telegram_user_id is None
    # The old account is a stranger now.
    await an_chat.send("/caseload")
    assert "persoonlijke link" in an_chat.last_text
    await ada.send("/caseworkers")
    assert "An Peeters (deskundige): ⚪ niet verbonden, geen link" in ada.last_text


async def test_nobody_revokes_their_own_access_and_caseworkers_cannot_manage(
    bot: BotHarness,
) -> None:
    ada = await _admin(bot)
    admin = await people.by_telegram_id(bot.services.db, ada.id)
    assert admin is not None
    await ada.send("/caseworkers")
    await ada.press("👤 Ada Admin")
    assert ada.last.button_labels == ["⬅️ Terug naar de lijst"]
    await ada.press_data(f"st:rev!:{admin.id}")
    assert (await people.get(bot.services.db, admin.id)).telegram_user_id == ada.id  # type: ignore[union-attr]
    _, an_chat = await factories.person(bot, Role.CASEWORKER, "An Peeters")
    await an_chat.send("/start")
    assert "👥 Deskundigen" not in an_chat.keyboard
    await an_chat.send("/caseworkers")
    assert an_chat.last_text == "Dit is niet voor jou."
    await an_chat.press_data(f"st:rev!:{admin.id}")
    assert (await people.get(bot.services.db, admin.id)).telegram_user_id == ada.id  # type: ignore[union-attr]
    assert len(await people.by_role(bot.services.db, Role.CASEWORKER)) == 1
