"""The evaluation and first-day actions, called directly (no Telegram): who may, when,
and what is stored."""

from __future__ import annotations

from datetime import date

import pytest

from bot.actions import evaluations as actions
from bot.actions import first_day
from bot.actions import hours as hours_actions
from bot.actions.refusals import InvalidValue, NotAllowed, NotFound, StaleState
from bot.evaluation_form import Step, load_form, next_step
from bot.store import evaluations, internships
from bot.store import first_day as first_day_store
from bot.store.evaluations import FormMethod, Outcome, Score
from bot.store.models import InternshipStatus, Person, Role
from tests import factories
from tests.factories import World
from tests.harness import BotHarness

AREAS = [area.key for area in load_form().areas]


@pytest.fixture
async def w(bot: BotHarness) -> World:
    return await factories.world(bot)


async def all_good(bot: BotHarness, w: World, outcome: Outcome = Outcome.FAVOURABLE) -> None:
    for area in AREAS:
        await actions.set_level(bot.services, w.employer, w.internship.id, area, "good")
    await actions.set_outcome(bot.services, w.employer, w.internship.id, outcome)


async def outsiders(bot: BotHarness, w: World) -> list[Person]:
    """An employer of another workplace, the client, the caseworker and an admin."""
    place = await factories.workplace(bot, "Sociaal Restaurant Noord")
    other, _ = await factories.person(bot, Role.EMPLOYER, "Els Maes", workplace=place)
    admin, _ = await factories.person(bot, Role.ADMIN, "Ada Admin")
    return [other, w.client, w.caseworker, admin]


async def audit_actions(bot: BotHarness) -> list[str]:
    rows = await bot.services.db.fetchall("SELECT action FROM audit_log ORDER BY id")
    return [row["action"] for row in rows]


# The draft


async def test_every_answer_is_saved_as_a_draft(bot: BotHarness, w: World) -> None:
    services, employer, iid = bot.services, w.employer, w.internship.id
    await actions.set_level(services, employer, iid, "quality", "problematic")
    await actions.set_remark(services, employer, iid, "quality", "Werkt te slordig")
    # The same level again keeps the remark; another level drops it.
    await actions.set_level(services, employer, iid, "quality", "problematic")
    draft = await actions.set_level(services, employer, iid, "communication", "basic")
    assert draft.scores["quality"] == Score("problematic", "Werkt te slordig")
    assert draft.scores["communication"] == Score("basic")

    await actions.set_outcome(services, employer, iid, Outcome.NEGATIVE)
    await actions.set_bottlenecks(services, employer, iid, text="Komt te laat")
    draft = await actions.set_paper_form(services, employer, iid, FormMethod.PHOTO, "photo-1")

    stored = await evaluations.get(services.db, iid)
    assert stored == draft
    assert stored.status == "draft" and stored.outcome is Outcome.NEGATIVE
    assert (stored.bottlenecks, stored.form_file_id, stored.form_method) == (
        "Komt te laat",
        "photo-1",
        FormMethod.PHOTO,
    )
    # A new result asks the bottlenecks again.
    again = await actions.set_outcome(services, employer, iid, Outcome.LESS_FAVOURABLE)
    assert again.bottlenecks is None and again.bottlenecks_voice_file_id is None
    voice = await actions.set_bottlenecks(services, employer, iid, voice_file_id="voice-1")
    assert voice.bottlenecks_voice_file_id == "voice-1"

    await actions.discard(services, employer, iid)
    assert await evaluations.get(services.db, iid) is None


async def test_answers_the_form_does_not_know_are_refused(bot: BotHarness, w: World) -> None:
    services, employer, iid = bot.services, w.employer, w.internship.id
    with pytest.raises(InvalidValue):
        await actions.set_level(services, employer, iid, "quality", "excellent")
    with pytest.raises(InvalidValue):
        await actions.set_level(services, employer, iid, "cooking", "good")
    with pytest.raises(InvalidValue):
        await actions.set_remark(services, employer, iid, "quality", "   ")
    with pytest.raises(InvalidValue):
        await actions.set_bottlenecks(services, employer, iid)
    with pytest.raises(InvalidValue):
        await actions.set_paper_form(services, employer, iid, FormMethod.NONE, "photo-1")
    with pytest.raises(InvalidValue):
        await actions.set_paper_form(services, employer, iid, FormMethod.DOCUMENT)
    # A remark for an area not scored, bottlenecks for a favourable result: not now.
    with pytest.raises(StaleState):
        await actions.set_remark(services, employer, iid, "quality", "Te traag")
    await actions.set_outcome(services, employer, iid, Outcome.FAVOURABLE)
    with pytest.raises(StaleState):
        await actions.set_bottlenecks(services, employer, iid, text="Te traag")
    stored = await evaluations.get(services.db, iid)
    assert stored is not None and stored.scores == {} and stored.bottlenecks is None


async def test_another_workplace_or_role_cannot_touch_the_evaluation(
    bot: BotHarness, w: World
) -> None:
    await all_good(bot, w)
    before = await evaluations.get(bot.services.db, w.internship.id)
    services, iid = bot.services, w.internship.id
    for person in await outsiders(bot, w):
        with pytest.raises(NotAllowed):
            await actions.sheet(services, person, iid)
        with pytest.raises(NotAllowed):
            await actions.set_level(services, person, iid, "quality", "problematic")
        with pytest.raises(NotAllowed):
            await actions.set_outcome(services, person, iid, Outcome.NEGATIVE)
        with pytest.raises(NotAllowed):
            await actions.discard(services, person, iid)
        with pytest.raises(NotAllowed):
            await actions.submit(services, person, iid)
    with pytest.raises(NotFound):
        await actions.set_level(services, w.employer, 999, "quality", "good")
    assert await evaluations.get(bot.services.db, iid) == before


# Sending


async def test_an_incomplete_draft_is_not_sent(bot: BotHarness, w: World) -> None:
    with pytest.raises(InvalidValue):
        await actions.submit(bot.services, w.employer, w.internship.id)
    await all_good(bot, w, Outcome.LESS_FAVOURABLE)
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None and next_step(load_form(), draft) == (Step.BOTTLENECKS, -1)
    with pytest.raises(InvalidValue):
        await actions.submit(bot.services, w.employer, w.internship.id)
    stored = await evaluations.get(bot.services.db, w.internship.id)
    assert stored is not None and stored.status == "draft"
    assert "evaluation.submitted" not in await audit_actions(bot)


async def test_sending_evaluates_the_internship_and_tells_caseworker_and_client(
    bot: BotHarness, w: World
) -> None:
    await all_good(bot, w, Outcome.NEGATIVE)
    await actions.set_bottlenecks(bot.services, w.employer, w.internship.id, text="Te traag")
    await actions.set_paper_form(bot.services, w.employer, w.internship.id, FormMethod.NONE)

    sent = await actions.submit(bot.services, w.employer, w.internship.id)

    assert sent.caseworker_told and sent.client_told and sent.hours_missing
    assert sent.evaluation.is_submitted and sent.evaluation.submitted_by == w.employer.id
    assert sent.evaluation.submitted_at == bot.clock.now()
    internship = await internships.get(bot.services.db, w.internship.id)
    assert internship is not None
    assert (internship.status, internship.outcome) == (InternshipStatus.EVALUATED, "negative")
    assert await audit_actions(bot) == ["evaluation.submitted"]
    await bot.deliver()
    assert "🚨 <b>Dringend</b>: de evaluatie van Samir El Amrani" in w.caseworker_chat.last_text
    assert "Knelpunten: Te traag" in w.caseworker_chat.last_text
    assert "Je werkplek heeft de evaluatie van je stage doorgegeven." in w.client_chat.last_text


async def test_the_hours_given_before_are_not_asked_again(bot: BotHarness, w: World) -> None:
    await hours_actions.submit(bot.services, w.employer, w.internship.id, 72 * 60)
    await all_good(bot, w)
    await actions.set_paper_form(bot.services, w.employer, w.internship.id, FormMethod.NONE)
    sent = await actions.submit(bot.services, w.employer, w.internship.id)
    assert not sent.hours_missing


async def test_a_sent_evaluation_no_longer_changes(bot: BotHarness, w: World) -> None:
    services, employer, iid = bot.services, w.employer, w.internship.id
    await all_good(bot, w)
    await actions.set_paper_form(services, employer, iid, FormMethod.NONE)
    await actions.submit(services, employer, iid)
    sent = await evaluations.get(services.db, iid)

    with pytest.raises(StaleState):
        await actions.submit(services, employer, iid)
    with pytest.raises(StaleState):
        await actions.set_level(services, employer, iid, "quality", "problematic")
    with pytest.raises(StaleState):
        await actions.set_outcome(services, employer, iid, Outcome.NEGATIVE)
    with pytest.raises(StaleState):
        await actions.discard(services, employer, iid)
    assert await evaluations.get(services.db, iid) == sent
    assert (await actions.sheet(services, employer, iid)).submitted
    assert await audit_actions(bot) == ["evaluation.submitted"]


async def test_a_cancelled_internship_is_not_evaluated(bot: BotHarness, w: World) -> None:
    await all_good(bot, w)
    await internships.cancel(bot.services.db, w.internship.id, bot.clock.now())
    with pytest.raises(StaleState):
        await actions.set_level(bot.services, w.employer, w.internship.id, "quality", "basic")
    with pytest.raises(StaleState):
        await actions.submit(bot.services, w.employer, w.internship.id)
    stored = await evaluations.get(bot.services.db, w.internship.id)
    assert stored is not None and stored.status == "draft"
    assert stored.scores["quality"] == Score("good")


# The first day


async def test_the_workplace_confirms_the_first_day_once(bot: BotHarness, w: World) -> None:
    ready = await first_day.confirm_ready(bot.services, w.employer, w.internship.id)

    assert ready.new and ready.caseworker_told and ready.first_day == date(2026, 11, 30)
    assert await first_day_store.is_confirmed(bot.services.db, w.internship.id, ready.first_day)
    again = await first_day.confirm_ready(bot.services, w.employer, w.internship.id)
    assert not again.new and not again.caseworker_told
    assert await audit_actions(bot) == ["first_day_ready"]
    await bot.deliver()
    assert len(w.caseworker_chat.inbox) == 1
    assert w.caseworker_chat.last_text.startswith(
        "✅ Kringwinkel Zuid is klaar voor de eerste dag van Samir El Amrani"
    )


async def test_only_the_workplace_confirms_an_open_internship(bot: BotHarness, w: World) -> None:
    for person in await outsiders(bot, w):
        with pytest.raises(NotAllowed):
            await first_day.confirm_ready(bot.services, person, w.internship.id)
    with pytest.raises(NotFound):
        await first_day.confirm_ready(bot.services, w.employer, 999)
    await internships.cancel(bot.services.db, w.internship.id, bot.clock.now())
    with pytest.raises(StaleState):
        await first_day.confirm_ready(bot.services, w.employer, w.internship.id)
    assert not await first_day_store.is_confirmed(
        bot.services.db, w.internship.id, date(2026, 11, 30)
    )
    assert await audit_actions(bot) == []
    await bot.deliver()
    assert w.caseworker_chat.inbox == []
