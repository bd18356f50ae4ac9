"""People and their links, called directly (no Telegram): inviting, a new link, revoking
and replacing one, and a person's own settings. Each allowed; refused for another role or
another caseload (`NotAllowed`); refused when it no longer fits (`StaleState`); and what
the database holds after."""

from __future__ import annotations

from datetime import time

import pytest

from bot import notify
from bot.actions import people as actions
from bot.actions.people import COMMAND_LINE, Delivery, LinkResult, Whose
from bot.actions.refusals import InvalidValue, NotAllowed, NotFound, StaleState
from bot.store import audit, caseload, invites, outbox, people
from bot.store.models import Person, Role
from tests import factories
from tests.factories import World
from tests.harness import BotHarness


@pytest.fixture
async def w(bot: BotHarness) -> World:
    return await factories.world(bot)


async def stored(bot: BotHarness, person: Person) -> Person:
    found = await people.get(bot.services.db, person.id)
    assert found is not None
    return found


async def linked_with(bot: BotHarness, token: str, telegram_user_id: int) -> LinkResult:
    return (await actions.redeem(bot.services, token, telegram_user_id)).result


# Inviting


async def test_the_command_line_and_admins_invite_staff(bot: BotHarness) -> None:
    invitation = await actions.invite_person(bot.services, COMMAND_LINE, Role.ADMIN, "Ilse Admin")
    admin = invitation.person
    assert admin.role == Role.ADMIN and admin.telegram_user_id is None
    assert await invites.find(bot.services.db, invitation.token) is not None
    caseworker = await actions.invite_person(bot.services, admin, Role.CASEWORKER, " An  Peeters ")
    assert caseworker.person.name == "An Peeters"
    assert await linked_with(bot, caseworker.token, 555) == LinkResult.LINKED
    assert (await stored(bot, caseworker.person)).telegram_user_id == 555


async def test_invite_refused(bot: BotHarness, w: World) -> None:
    before = len(await people.by_role(bot.services.db, Role.CASEWORKER))
    # A caseworker invites clients and contacts, not other staff.
    for role in (Role.CASEWORKER, Role.ADMIN):
        with pytest.raises(NotAllowed):
            await actions.invite_person(bot.services, w.caseworker, role, "Bert Claes")
    for outsider in (w.employer, w.client, None):
        with pytest.raises(NotAllowed):
            await actions.invite_person(bot.services, outsider, Role.CLIENT, "Olena Kovalenko")
    for name in ("X", "1234"):
        with pytest.raises(InvalidValue):
            await actions.invite_person(bot.services, COMMAND_LINE, Role.CASEWORKER, name)
    with pytest.raises(InvalidValue):
        await actions.invite_person(
            bot.services, w.caseworker, Role.CLIENT, "Olena Kovalenko", workplace_id=1
        )
    assert len(await people.by_role(bot.services.db, Role.CASEWORKER)) == before
    client = await actions.invite_person(
        bot.services, w.caseworker, Role.CLIENT, "Olena Kovalenko", language="uk"
    )
    assert client.person.language == "uk"


# A new link for someone not linked yet


async def test_new_invite(bot: BotHarness, w: World) -> None:
    # A contact of An's workplace, invited before and not linked yet.
    first = await actions.invite_person(
        bot.services, w.caseworker, Role.EMPLOYER, "Jan Janssens", workplace_id=w.workplace.id
    )
    contact = first.person
    invitation = await actions.new_invite(bot.services, w.caseworker, contact.id)
    # The older link stops working, the new one works.
    assert await linked_with(bot, first.token, 600) == LinkResult.USED
    assert await linked_with(bot, invitation.token, 601) == LinkResult.LINKED
    entries = await audit.for_subject(bot.services.db, "person", contact.id)
    assert [e.action for e in entries].count("invite.created") == 2


async def test_new_invite_refused(bot: BotHarness, w: World) -> None:
    bert, _ = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    stranger, _ = await factories.invited(bot, Role.CLIENT, "Olena Kovalenko")
    # Not in Bert's caseload; not in anyone's; not for the workplace or the client.
    for actor, person_id in (
        (bert, w.client.id),
        (w.caseworker, stranger.id),
        (w.employer, w.client.id),
        (w.client, w.client.id),
        (None, w.client.id),
    ):
        with pytest.raises(NotAllowed):
            await actions.new_invite(bot.services, actor, person_id)
    with pytest.raises(NotFound):
        await actions.new_invite(bot.services, w.caseworker, 987654321)
    # Samir is linked: a new link first needs the old one revoked.
    with pytest.raises(StaleState):
        await actions.new_invite(bot.services, w.caseworker, w.client.id)
    entries = await audit.for_subject(bot.services.db, "person", w.client.id)
    assert "invite.created" not in [e.action for e in entries]


# Revoking a link


async def test_revoke_link(bot: BotHarness, w: World) -> None:
    bert, _ = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    with pytest.raises(NotAllowed):
        await actions.revoke_link(bot.services, bert, w.client.id)
    async with bot.services.db.transaction():
        await notify.to_person(bot.services, w.client, lambda t: "Waiting for Samir", "reminder")
    unlinked = await actions.revoke_link(bot.services, w.caseworker, w.client.id)
    assert unlinked.telegram_user_id is None
    # What waited for the old account does not follow it.
    assert [m for m in await outbox.pending(bot.services.db) if m.recipient_id == w.client.id] == []
    with pytest.raises(StaleState):
        await actions.revoke_link(bot.services, w.caseworker, w.client.id)
    # Now a new link can be made, and it works.
    invitation = await actions.new_invite(bot.services, w.caseworker, w.client.id)
    assert await linked_with(bot, invitation.token, 700) == LinkResult.LINKED


# Replacing the link of an internship's client or contact


async def test_relink(bot: BotHarness, w: World) -> None:
    invitation = await actions.relink(bot.services, w.caseworker, w.internship.id, Whose.CONTACT)
    assert invitation.person.id == w.employer.id
    assert (await stored(bot, w.employer)).telegram_user_id is None
    assert await linked_with(bot, invitation.token, 800) == LinkResult.LINKED
    entries = await audit.for_subject(bot.services.db, "internship", w.internship.id)
    assert entries[-1].action == "invite.renewed" and entries[-1].details == {
        "person": w.employer.id
    }


async def test_relink_refused(bot: BotHarness, w: World) -> None:
    bert, _ = await factories.person(bot, Role.CASEWORKER, "Bert Claes")
    for outsider in (bert, w.employer, w.client, None):
        with pytest.raises(NotAllowed):
            await actions.relink(bot.services, outsider, w.internship.id, Whose.CLIENT)
    assert (await stored(bot, w.client)).telegram_user_id is not None
    olena, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    without_contact = await factories.internship(bot, olena, w.workplace, w.caseworker)
    with pytest.raises(NotFound):
        await actions.relink(bot.services, w.caseworker, without_contact.id, Whose.CONTACT)
    with pytest.raises(NotFound):
        await actions.relink(bot.services, w.caseworker, 987654321, Whose.CLIENT)


# A person's own settings


async def test_choose_language(bot: BotHarness, w: World) -> None:
    changed = await actions.choose_language(bot.services, w.client, "ar")
    assert changed.language == "ar" and (await stored(bot, w.client)).language == "ar"
    with pytest.raises(InvalidValue):
        await actions.choose_language(bot.services, w.client, "xx")
    assert (await stored(bot, w.client)).language == "ar"


async def test_choose_delivery_and_digest_time(bot: BotHarness, w: World) -> None:
    await actions.choose_delivery(bot.services, w.caseworker, "late", Delivery.DIGEST)
    await actions.choose_digest_time(bot.services, w.caseworker, time(17, 30))
    db = bot.services.db
    assert await caseload.preferences(db, w.caseworker.id) == {"late": "digest"}
    assert await caseload.digest_time(db, w.caseworker.id) == time(17, 30)
    with pytest.raises(InvalidValue):
        await actions.choose_delivery(bot.services, w.caseworker, "diagnosis", Delivery.DIGEST)
    for outsider in (w.employer, w.client, None):
        with pytest.raises(NotAllowed):
            await actions.choose_delivery(bot.services, outsider, "late", Delivery.NOW)
        with pytest.raises(NotAllowed):
            await actions.choose_digest_time(bot.services, outsider, time(8, 0))
    assert await caseload.preferences(db, w.caseworker.id) == {"late": "digest"}
