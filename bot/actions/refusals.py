"""Why an action may not happen. Raised before anything is written; the caller says it.

Each refusal is a small exception class, so a caller can tell them apart
(`except AlreadyLocked:`) and a test can expect one (`pytest.raises(NotAllowed)`).
Raised inside the action's transaction, a refusal also undoes whatever the action
had begun.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.store.models import Internship, Person, Role


class Refusal(Exception):
    """The action may not happen (a subclass says why)."""


class NotAllowed(Refusal):
    """Not for this person: another role, another workplace, another caseload."""


class NotFound(Refusal):
    """What the action is about does not exist (any more)."""


class StaleState(Refusal):
    """It no longer fits: the internship was cancelled or closed, the report closed, the
    request already decided, the step already taken."""


class AlreadyLocked(Refusal):
    """The hours are locked by the caseworker; they can no longer change."""


class OutsideInternship(Refusal):
    """The day asked for is not one of the internship's days."""


class InvalidValue(Refusal):
    """A value outside what the action accepts (a day too far, a length of 0, ...)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class SameName(Refusal):
    """Someone on the staff already has this name: staff are told apart by their name (in
    the import's caseworker column, in the bot's lists), so a second one is refused."""

    def __init__(self, person: Person) -> None:
        super().__init__(person.name)
        self.person = person


def can_see_internship(person: Person, internship: Internship) -> bool:
    """Admins see every internship, a caseworker their caseload, an employer contact
    their workplace's, a client their own."""
    if person.role == Role.ADMIN:
        return True
    if person.role == Role.CASEWORKER:
        return internship.caseworker_id == person.id
    if person.role == Role.EMPLOYER:
        return person.workplace_id is not None and internship.workplace_id == person.workplace_id
    return internship.client_id == person.id


def require_role(actor: Person | None, roles: Iterable[Role]) -> Person:
    """The actor, when they have one of `roles`; else `NotAllowed`."""
    if actor is None or actor.role not in tuple(roles):
        raise NotAllowed
    return actor


def require_internship(actor: Person, internship: Internship | None) -> Internship:
    """The internship, when it exists and the actor may see it; else a refusal."""
    if internship is None:
        raise NotFound
    if not can_see_internship(actor, internship):
        raise NotAllowed
    return internship


def require_open(internship: Internship) -> Internship:
    """The internship, when it is still open (not cancelled or closed)."""
    if not internship.is_open:
        raise StaleState
    return internship


class NothingSubmitted(Refusal):
    """What the action works on was not submitted yet (no hours to lock, say)."""


class NobodyReached(Refusal):
    """There is nobody to tell (no contact person linked to Telegram)."""
