"""People and their Telegram links: invites, linking, a new link, revoking one, settings.

The actions (each checks who may, writes the store and audits, in one transaction):

- `invite_person`: a new person with a one-time invite link (the command line's
  `invite caseworker`, an admin, or a caseworker inviting a client or a contact); a
  second caseworker or admin with the same name is refused (`SameName`);
- `new_invite`: a fresh link for someone who has not linked yet (older ones stop);
- `invite_again`: the same for the staff member of a name (`invite --again`);
- `staff_list`: every caseworker and admin, for an admin;
- `revoke_link`: a linked account is disconnected (a lost phone);
- `relink`: both at once, for the client or the contact of an internship;
- `set_phone`: a contact's or a caseworker's phone number (`bot.phones`), or none;
- `choose_language`, `choose_delivery`, `choose_digest_time`: a person's own settings.

`redeem` binds a Telegram account to the person of an invite (`conversations.start`);
a workplace's contact then gets what is still open for their trainees
(`bot.notices.catch_up`).
`create_invite` and `unlink` are the steps the actions are made of, for callers that
already decided who may (the new-internship action, the tests).

A caseworker may act for the clients and the employer contacts of their open
internships; an admin for everyone; the command line (`COMMAND_LINE`) for everyone.
An actor of None is nobody (an update from someone not linked): always `NotAllowed`.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from bot import notify, phones
from bot.actions.refusals import (
    InvalidValue,
    NotAllowed,
    NotFound,
    SameName,
    StaleState,
    require_internship,
    require_role,
)
from bot.i18n import REFERENCE_LANGUAGE
from bot.notices import catch_up
from bot.services import Services
from bot.store import audit, caseload, desk, internships, invites, outbox, people
from bot.store.models import Person, Role
from bot.text import check_name, clean

log = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 192 random bits
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# More failed attempts than this in the window and the account waits.
MAX_FAILED_ATTEMPTS = 5
FAILED_WINDOW = timedelta(minutes=15)
# Employer contacts, caseworkers and admins work in Dutch unless they choose otherwise;
# clients choose their language when they link.
STAFF_LANGUAGE = REFERENCE_LANGUAGE
STAFF = (Role.CASEWORKER, Role.ADMIN)


@dataclass(frozen=True)
class CommandLine:
    """Whoever runs `werkervaring-bot` on the server: trusted with everything, and
    audited without a person."""


COMMAND_LINE = CommandLine()
# Who acts where the command line may act too.
Actor = Person | CommandLine


@dataclass(frozen=True)
class Invitation:
    """A person and their one-time token (the link is `deep_link(username, token)`)."""

    person: Person
    token: str


class Whose(StrEnum):
    """Whose link of an internship: its client's or its employer contact's."""

    CLIENT = "client"
    CONTACT = "contact"


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def invite_message(services: Services, person: Person, link: str) -> str:
    """The invite, in the invited person's language, ready to forward."""
    t = services.i18n.translator(person.language)
    return t._(
        "Hello {name}! This is your personal link to the work-experience bot of OCMW "
        "Antwerpen. Tap it to start. The link works once, for {days} days.\n\n{link}",
        name=person.name,
        days=services.settings.invite_days,
        link=link,
    )


# The steps


async def create_invite(services: Services, person: Person, created_by: int | None) -> str:
    """A new one-time token for `person` (older unused ones stop working)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = services.clock.now()
    async with services.db.transaction():
        await invites.revoke_open(services.db, person.id, now)
        await invites.create(
            services.db,
            person.id,
            token,
            now,
            now + timedelta(days=services.settings.invite_days),
            created_by,
        )
        await audit.record(
            services.db, now, created_by, "invite.created", "person", person.id, role=person.role
        )
    return token


async def unlink(services: Services, person: Person, actor_id: int | None) -> None:
    """Revoke a person's Telegram link (a lost phone); they can be invited again."""
    now = services.clock.now()
    async with services.db.transaction():
        await people.unlink_telegram(services.db, person.id)
        # Whatever waits in the outbox was meant for that account, which may now be in
        # someone else's hands (a lost phone): certificates and reports must not follow.
        await outbox.fail_pending_for_recipient(services.db, person.id, "unlinked")
        await invites.revoke_open(services.db, person.id, now)
        await desk.end_sessions_of(services.db, person.id, now)
        await audit.record(services.db, now, actor_id, "account.unlinked", "person", person.id)


# Who may act for whom


def actor_id(actor: Actor) -> int | None:
    """The actor's id for the audit log and `created_by` (None: the command line)."""
    return actor.id if isinstance(actor, Person) else None


def require_staff(actor: Actor | None) -> Actor:
    """A caseworker, an admin or the command line; anyone else is `NotAllowed`."""
    if isinstance(actor, CommandLine):
        return actor
    return require_role(actor, STAFF)


async def _require_manager(services: Services, actor: Actor | None, person_id: int) -> Person:
    """The person, when the actor may manage their link; else a refusal."""
    actor = require_staff(actor)
    person = await people.get(services.db, person_id)
    if person is None:
        raise NotFound
    if isinstance(actor, CommandLine) or actor.role == Role.ADMIN:
        return person
    if person.role not in (Role.CLIENT, Role.EMPLOYER):
        raise NotAllowed
    for internship in await internships.open_for_caseworker(services.db, actor.id):
        if person.id in (internship.client_id, internship.employer_contact_id) or (
            person.role == Role.EMPLOYER and person.workplace_id == internship.workplace_id
        ):
            return person
    raise NotAllowed


# The actions


async def invite_person(
    services: Services,
    actor: Actor | None,
    role: Role,
    name: str,
    language: str | None = None,
    workplace_id: int | None = None,
    phone: str | None = None,
) -> Invitation:
    """A new person with a one-time link. Staff (caseworkers, admins) only by an admin or
    the command line; only an employer contact has a workplace; a phone number as typed
    (`bot.phones`), not for a client."""
    actor = require_staff(actor)
    if role in STAFF and isinstance(actor, Person) and actor.role != Role.ADMIN:
        raise NotAllowed
    name = clean(name)
    refusal = check_name(name)
    if refusal is not None:
        raise InvalidValue(str(refusal))
    if language is not None and not services.i18n.is_shipped(language):
        raise InvalidValue("language")
    if workplace_id is not None and role != Role.EMPLOYER:
        raise InvalidValue("workplace")
    number = _phone_number(role, phone)
    async with services.db.transaction():
        if role in STAFF:
            same = await people.staff_named(services.db, name)
            if same is not None:
                raise SameName(same)
        person = await people.create(
            services.db,
            role,
            name,
            services.clock.now(),
            language=language,
            workplace_id=workplace_id,
            created_by=actor_id(actor),
            phone=number,
        )
        token = await create_invite(services, person, actor_id(actor))
    return Invitation(person, token)


def _phone_number(role: Role, typed: str | None) -> str | None:
    """The number in E.164, None for none; `InvalidValue` (with the reason in English, for
    the command line and the import) when it is no phone number or the person a client."""
    if typed is None or not clean(typed):
        return None
    if role == Role.CLIENT:
        raise InvalidValue("phone")
    number = phones.parse_phone(typed)
    if number is None:
        raise InvalidValue(phones.NOT_A_NUMBER)
    return number


async def set_phone(
    services: Services, actor: Actor | None, person_id: int, typed: str | None
) -> Person:
    """Change (or with None, remove) the phone number of an employer contact the actor
    manages, or of a caseworker: their own, or anyone's for an admin."""
    actor = require_staff(actor)
    async with services.db.transaction():
        if isinstance(actor, Person) and actor.id == person_id:
            person: Person = actor
        else:
            person = await _require_manager(services, actor, person_id)
        number = _phone_number(person.role, typed)
        await people.set_phone(services.db, person.id, number)
        await audit.record(
            services.db, services.clock.now(), actor_id(actor), "phone.changed", "person", person.id
        )
        changed = await people.get(services.db, person.id)
    assert changed is not None
    return changed


async def new_invite(services: Services, actor: Actor | None, person_id: int) -> Invitation:
    """A fresh link for someone who has not linked yet; their older links stop working.
    A linked account is `StaleState` (revoke it first, or `relink`)."""
    actor = require_staff(actor)
    async with services.db.transaction():
        person = await _require_manager(services, actor, person_id)
        if person.telegram_user_id is not None:
            raise StaleState
        token = await create_invite(services, person, actor_id(actor))
    return Invitation(person, token)


async def invite_again(
    services: Services, actor: Actor | None, role: Role, name: str
) -> Invitation:
    """A new link for the caseworker or admin called `name` (exactly), who has not linked
    yet; their older unused links stop working. `NotFound` when nobody has that name,
    `SameName` when they have another role, `StaleState` when they are linked already."""
    actor = require_staff(actor)
    async with services.db.transaction():
        person = await people.staff_named(services.db, clean(name))
        if person is None:
            raise NotFound
        if person.role != role:
            raise SameName(person)
        return await new_invite(services, actor, person.id)


@dataclass(frozen=True)
class StaffMember:
    """A caseworker or admin, and until when their unused invite link works (if any)."""

    person: Person
    link_until: datetime | None


async def staff_list(services: Services, actor: Person | None) -> list[StaffMember]:
    """Every caseworker and admin, by name; for admins only."""
    require_role(actor, [Role.ADMIN])
    found = [
        *await people.by_role(services.db, Role.ADMIN),
        *await people.by_role(services.db, Role.CASEWORKER),
    ]
    found.sort(key=lambda p: (p.name.casefold(), p.id))
    now = services.clock.now()
    return [StaffMember(p, await invites.open_until(services.db, p.id, now)) for p in found]


async def staff_member(services: Services, actor: Person | None, person_id: int) -> StaffMember:
    """One caseworker or admin, for an admin; `NotFound` for anyone else."""
    require_role(actor, [Role.ADMIN])
    person = await people.get(services.db, person_id)
    if person is None or not person.is_staff:
        raise NotFound
    until = await invites.open_until(services.db, person.id, services.clock.now())
    return StaffMember(person, until)


async def revoke_link(services: Services, actor: Actor | None, person_id: int) -> Person:
    """Disconnect a person's Telegram account (a lost phone); `StaleState` when none."""
    actor = require_staff(actor)
    if isinstance(actor, Person) and actor.id == person_id:
        # Nobody locks themselves out; another admin (or the command line) can.
        raise NotAllowed
    async with services.db.transaction():
        person = await _require_manager(services, actor, person_id)
        if person.telegram_user_id is None:
            raise StaleState
        await unlink(services, person, actor_id(actor))
        changed = await people.get(services.db, person.id)
    assert changed is not None
    return changed


async def relink(
    services: Services, actor: Person | None, internship_id: int, whose: Whose
) -> Invitation:
    """Replace the link of an internship's client or contact: the current connection
    stops (if any) and a new invite is made for the caseworker to forward."""
    async with services.db.transaction():
        actor = require_role(actor, STAFF)
        internship = require_internship(actor, await internships.get(services.db, internship_id))
        target_id = (
            internship.client_id if whose == Whose.CLIENT else internship.employer_contact_id
        )
        target = await people.get(services.db, target_id) if target_id is not None else None
        if target is None:
            raise NotFound
        await unlink(services, target, actor.id)
        token = await create_invite(services, target, actor.id)
        await audit.record(
            services.db,
            services.clock.now(),
            actor.id,
            "invite.renewed",
            "internship",
            internship.id,
            person=target.id,
        )
    return Invitation(target, token)


async def choose_language(services: Services, actor: Person, language: str) -> Person:
    """Store the person's own language (a shipped code) and return them as stored."""
    if not services.i18n.is_shipped(language):
        raise InvalidValue("language")
    async with services.db.transaction():
        await people.set_language(services.db, actor.id, language)
        changed = await people.get(services.db, actor.id)
    assert changed is not None
    return changed


class Delivery(StrEnum):
    """How a kind of notification reaches a caseworker."""

    NOW = "now"
    DIGEST = "digest"


async def choose_delivery(
    services: Services, actor: Person | None, kind: str, delivery: Delivery
) -> None:
    """A kind of notification (`bot.notify.KINDS`) at once or in the daily digest."""
    actor = require_role(actor, STAFF)
    if kind not in notify.KINDS:
        raise InvalidValue("kind")
    async with services.db.transaction():
        await caseload.set_preference(services.db, actor.id, kind, delivery.value)


async def choose_digest_time(services: Services, actor: Person | None, at: time) -> None:
    """The local time of the caseworker's daily digest; the next one is planned again."""
    actor = require_role(actor, STAFF)
    async with services.db.transaction():
        await caseload.set_digest_time(services.db, actor.id, at)
        await notify.plan_digest(services, actor.id)


# Linking an account


class LinkResult(StrEnum):
    LINKED = "linked"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ALREADY_LINKED = "already_linked"
    PERSON_TAKEN = "person_taken"
    TOO_MANY = "too_many"


@dataclass(frozen=True)
class Linking:
    result: LinkResult
    person: Person | None = None


async def redeem(services: Services, token: str, telegram_user_id: int) -> Linking:
    """Bind the Telegram account to the invite's person, or say why not (changing nothing)."""
    db, now = services.db, services.clock.now()
    async with db.transaction():
        current = await people.by_telegram_id(db, telegram_user_id)
        if current is not None:
            return Linking(LinkResult.ALREADY_LINKED, current)
        recent = await invites.failed_attempts_since(db, telegram_user_id, now - FAILED_WINDOW)
        if recent >= MAX_FAILED_ATTEMPTS:
            log.warning("Too many failed invite attempts from Telegram user %s", telegram_user_id)
            return Linking(LinkResult.TOO_MANY)
        result, person = await _check(services, token)
        if result is not LinkResult.LINKED or person is None:
            await invites.record_failed_attempt(db, telegram_user_id, now)
            log.info("Failed invite attempt (%s) from Telegram user %s", result, telegram_user_id)
            if recent + 1 == MAX_FAILED_ATTEMPTS:
                log.warning(
                    "Telegram user %s made %d failed invite attempts; slowing them down",
                    telegram_user_id,
                    MAX_FAILED_ATTEMPTS,
                )
            return Linking(result)
        await people.link_telegram(db, person.id, telegram_user_id)
        if person.role != Role.CLIENT and person.language is None:
            await people.set_language(db, person.id, STAFF_LANGUAGE)
        await audit.record(
            db, now, person.id, "account.linked", "person", person.id, role=person.role
        )
        linked = await people.get(db, person.id)
        assert linked is not None
        # A workplace's contact gets what reached only the caseworker while nobody there
        # used the bot: open sick reports, requests to decide, the evaluation due.
        await catch_up.for_new_contact(services, linked)
    return Linking(LinkResult.LINKED, linked)


async def _check(services: Services, token: str) -> tuple[LinkResult, Person | None]:
    if not TOKEN_PATTERN.match(token):
        return LinkResult.MALFORMED, None
    invite = await invites.find(services.db, token)
    if invite is None:
        return LinkResult.UNKNOWN, None
    if invite.used_at is not None or invite.revoked_at is not None:
        return LinkResult.USED, None
    if invite.expires_at <= services.clock.now():
        return LinkResult.EXPIRED, None
    person = await people.get(services.db, invite.person_id)
    if person is None:
        return LinkResult.UNKNOWN, None
    if person.telegram_user_id is not None:
        return LinkResult.PERSON_TAKEN, None
    if not await invites.mark_used(services.db, invite.id, services.clock.now()):
        return LinkResult.USED, None
    return LinkResult.LINKED, person
