"""The evaluation: an employer contact fills in the form of one of their trainees.

Every answer is saved at once as a draft (`set_level`, `set_remark`, `set_outcome`,
`set_bottlenecks`, `set_paper_form`), so a busy employer can stop and continue
later; `discard` throws the draft away. `submit` sends the complete draft, once:
the internship becomes 'evaluated' with its outcome, the caseworker and the client
hear of it (`bot.notices.evaluations`). A submitted evaluation no longer changes
(`StaleState`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.actions.hours import employer_internship
from bot.actions.refusals import InvalidValue, StaleState
from bot.evaluation_form import MAX_BOTTLENECKS, MAX_REMARK, Step, load_form, next_step
from bot.notices import evaluations as notices
from bot.reminders import Reminders
from bot.services import Services
from bot.store import audit, internships, people
from bot.store import evaluations as store
from bot.store import hours as hours_store
from bot.store.evaluations import Evaluation, FormMethod, Outcome, Score
from bot.store.models import Internship, InternshipStatus, Person


@dataclass(frozen=True)
class Sheet:
    """What an employer contact fills in the evaluation of a trainee from."""

    internship: Internship
    client_name: str
    # The draft (empty when nothing was answered yet), or the evaluation as sent.
    evaluation: Evaluation

    @property
    def submitted(self) -> bool:
        return self.evaluation.is_submitted


async def sheet(services: Services, actor: Person, internship_id: int) -> Sheet:
    """The evaluation of one of the actor's trainees (an open internship of their workplace)."""
    internship = await employer_internship(services, actor, internship_id)
    client = await people.get(services.db, internship.client_id)
    evaluation = await store.get(services.db, internship.id)
    return Sheet(
        internship, client.name if client else "?", evaluation or Evaluation(internship.id)
    )


async def _draft(services: Services, actor: Person, internship_id: int) -> Evaluation:
    """The draft to change (an empty one when none yet); a submitted one is refused."""
    internship = await employer_internship(services, actor, internship_id)
    evaluation = await store.get(services.db, internship.id)
    if evaluation is not None and evaluation.is_submitted:
        raise StaleState
    return evaluation or Evaluation(internship.id)


async def _save(services: Services, evaluation: Evaluation) -> Evaluation:
    return await store.save_draft(services.db, evaluation, services.clock.now())


async def set_level(
    services: Services, actor: Person, internship_id: int, area: str, level: str
) -> Evaluation:
    """The level of one area; its remark stays when the level is the same as before."""
    form = load_form()
    if form.area(area) is None or form.level(level) is None:
        raise InvalidValue("no such area or level")
    async with services.db.transaction():
        evaluation = await _draft(services, actor, internship_id)
        previous = evaluation.scores.get(area)
        remark = previous.remark if previous and previous.level == level else None
        return await _save(services, evaluation.with_score(area, Score(level, remark)))


async def set_remark(
    services: Services, actor: Person, internship_id: int, area: str, remark: str
) -> Evaluation:
    """The remark of an area that was scored."""
    if not remark.strip() or len(remark) > MAX_REMARK:
        raise InvalidValue(f"a remark has 1 to {MAX_REMARK} characters")
    async with services.db.transaction():
        evaluation = await _draft(services, actor, internship_id)
        score = evaluation.scores.get(area)
        if score is None:
            raise StaleState
        return await _save(services, evaluation.with_score(area, replace(score, remark=remark)))


async def set_outcome(
    services: Services, actor: Person, internship_id: int, outcome: Outcome
) -> Evaluation:
    """The overall result; the bottlenecks are asked again (they belong to a result)."""
    async with services.db.transaction():
        evaluation = await _draft(services, actor, internship_id)
        return await _save(
            services,
            replace(evaluation, outcome=outcome, bottlenecks=None, bottlenecks_voice_file_id=None),
        )


async def set_bottlenecks(
    services: Services,
    actor: Person,
    internship_id: int,
    text: str | None = None,
    voice_file_id: str | None = None,
) -> Evaluation:
    """The bottlenecks of a less favourable or negative result: typed, or a voice message."""
    if (text is None) == (voice_file_id is None):
        raise InvalidValue("the bottlenecks are a text or a voice message")
    if text is not None and not 0 < len(text.strip()) <= MAX_BOTTLENECKS:
        raise InvalidValue(f"the bottlenecks have 1 to {MAX_BOTTLENECKS} characters")
    async with services.db.transaction():
        evaluation = await _draft(services, actor, internship_id)
        if evaluation.outcome in (None, Outcome.FAVOURABLE):
            raise StaleState
        return await _save(
            services, replace(evaluation, bottlenecks=text, bottlenecks_voice_file_id=voice_file_id)
        )


async def set_paper_form(
    services: Services,
    actor: Person,
    internship_id: int,
    method: FormMethod,
    file_id: str | None = None,
) -> Evaluation:
    """A photo or PDF of the paper form (by its Telegram file id), or none."""
    if (method is FormMethod.NONE) != (file_id is None):
        raise InvalidValue("a photo or a document has a file; none has none")
    async with services.db.transaction():
        evaluation = await _draft(services, actor, internship_id)
        return await _save(services, replace(evaluation, form_file_id=file_id, form_method=method))


async def discard(services: Services, actor: Person, internship_id: int) -> None:
    """Throw the draft away, to start again."""
    async with services.db.transaction():
        await _draft(services, actor, internship_id)
        await store.discard_draft(services.db, internship_id)


@dataclass(frozen=True)
class Submitted:
    """The evaluation as sent, who heard of it, and whether the hours are still missing."""

    evaluation: Evaluation
    caseworker_told: bool
    client_told: bool
    hours_missing: bool


async def submit(services: Services, actor: Person, internship_id: int) -> Submitted:
    """Send the complete draft: the internship 'evaluated' with its outcome, the caseworker
    and the client told, all in one transaction. An incomplete draft is `InvalidValue`."""
    db = services.db
    async with db.transaction():
        internship = await employer_internship(services, actor, internship_id)
        evaluation = await _draft(services, actor, internship.id)
        step, _ = next_step(load_form(), evaluation)
        if step is not Step.COMPLETE or evaluation.outcome is None:
            raise InvalidValue(f"not complete: {step.value} is missing")
        now = services.clock.now()
        if not await store.submit(db, internship.id, actor.id, now):
            raise StaleState
        outcome = evaluation.outcome.value
        await internships.set_status(
            db, internship.id, InternshipStatus.EVALUATED, now, outcome=outcome
        )
        await audit.record(
            db, now, actor.id, "evaluation.submitted", "internship", internship.id, outcome=outcome
        )
        caseworker_told = await notices.tell_caseworker(services, internship, actor, evaluation)
        client_told = await notices.tell_client(services, internship)
        hours_missing = await hours_store.latest(db, internship.id) is None
        sent = await store.get(db, internship.id)
    assert sent is not None
    return Submitted(sent, caseworker_told, client_told, hours_missing)


def register_reminders(reminders: Reminders) -> None:
    """The evaluation reminders to the workplace and the caseworker (`bot.notices`)."""
    for kind, handler in notices.REMINDERS.items():
        reminders.register(kind, handler, notices.LABELS[kind])
    reminders.register_planner(notices.KINDS, notices.plan)
