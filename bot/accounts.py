"""Invites and linking a Telegram account to a person."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.i18n import REFERENCE_LANGUAGE
from bot.services import Services
from bot.store import audit, invites, outbox, people
from bot.store.models import Person, Role

log = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 192 random bits
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# More failed attempts than this in the window and the account waits.
MAX_FAILED_ATTEMPTS = 5
FAILED_WINDOW = timedelta(minutes=15)
# Employer contacts, caseworkers and admins work in Dutch unless they choose otherwise;
# clients choose their language when they link.
STAFF_LANGUAGE = REFERENCE_LANGUAGE


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


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


async def create_person_with_invite(
    services: Services, role: Role, name: str, created_by: int | None = None
) -> tuple[Person, str]:
    async with services.db.transaction():
        person = await people.create(
            services.db, role, name, services.clock.now(), created_by=created_by
        )
        token = await create_invite(services, person, created_by)
    return person, token


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


async def unlink(services: Services, person: Person, actor_id: int | None) -> None:
    """Revoke a person's Telegram link (a lost phone); they can be invited again."""
    now = services.clock.now()
    async with services.db.transaction():
        await people.unlink_telegram(services.db, person.id)
        # Whatever waits in the outbox was meant for that account, which may now be in
        # someone else's hands (a lost phone): certificates and reports must not follow.
        await outbox.fail_pending_for_recipient(services.db, person.id, "unlinked")
        await invites.revoke_open(services.db, person.id, now)
        await audit.record(services.db, now, actor_id, "account.unlinked", "person", person.id)


async def choose_language(services: Services, person: Person, language: str) -> Person:
    """Store the person's language (a shipped code) and return them as stored."""
    if not services.i18n.is_shipped(language):
        raise ValueError(f"language {language!r} is not shipped")
    await people.set_language(services.db, person.id, language)
    changed = await people.get(services.db, person.id)
    assert changed is not None
    return changed
