"""Signing in to the caseworker's desk (`bot.desk`) without a password.

A linked caseworker or admin asks the bot (`/desk`, "🖥 Desk"); the bot answers with
a one-time sign-in link: 192 random bits, stored only as a hash, valid ten minutes,
used once, bound to that person and to the Telegram account that asked. Using it
opens a session (a cookie with another random secret, also stored hashed) with its
own form token against cross-site requests. A session ends by signing out, after
`DESK_IDLE_MINUTES` without a request, or when the person's Telegram link is revoked
or moved to another account (it is checked on every request).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot import notify, workdays
from bot.actions.internships import followed
from bot.actions.refusals import NobodyReached, NotAllowed, StaleState, require_open, require_role
from bot.notices import evaluations as evaluation_notices
from bot.services import Services
from bot.store import audit, people
from bot.store import desk as store
from bot.store.models import Person, Role

STAFF = (Role.CASEWORKER, Role.ADMIN)
SIGN_IN_VALID = timedelta(minutes=10)
SECRET_BYTES = 24
# A session's last request is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class DeskSession:
    person: Person
    csrf_token: str

    def form_token_ok(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(sent.encode(), self.csrf_token.encode())


def sign_in_url(services: Services, token: str) -> str:
    return f"{services.settings.desk_url}/sign-in/{token}"


async def sign_in_link(services: Services, actor: Person | None) -> str:
    """A new one-time sign-in link for a linked caseworker or admin."""
    person = require_role(actor, STAFF)
    if person.telegram_user_id is None:
        raise NotAllowed
    token = secrets.token_urlsafe(SECRET_BYTES)
    now = services.clock.now()
    async with services.db.transaction():
        await store.add_sign_in(
            services.db, token, person.id, person.telegram_user_id, now, now + SIGN_IN_VALID
        )
        await audit.record(services.db, now, person.id, "desk.link_sent", "person", person.id)
    return sign_in_url(services, token)


async def sign_in(services: Services, token: str) -> str | None:
    """Use a sign-in link: the new session's secret (for the cookie), or None when the
    link is unknown, used, expired, or its person is no longer staff on that account."""
    now = services.clock.now()
    async with services.db.transaction():
        used = await store.use_sign_in(services.db, token, now)
        if used is None:
            return None
        person_id, telegram_user_id = used
        person = await people.get(services.db, person_id)
        if not _still_theirs(person, telegram_user_id):
            return None
        secret = secrets.token_urlsafe(SECRET_BYTES)
        csrf = secrets.token_urlsafe(SECRET_BYTES)
        await store.add_session(services.db, secret, person_id, telegram_user_id, csrf, now)
        await audit.record(services.db, now, person_id, "desk.signed_in", "person", person_id)
    return secret


async def session(services: Services, secret: str | None) -> DeskSession | None:
    """The signed-in person of a session cookie; None when it is unknown, ended, idle too
    long (it is ended then), or the person's Telegram link changed."""
    if not secret:
        return None
    db, now = services.db, services.clock.now()
    found = await store.session(db, secret)
    if found is None:
        return None
    person = await people.get(db, found.person_id)
    idle = timedelta(minutes=services.settings.desk_idle_minutes)
    if not _still_theirs(person, found.telegram_user_id) or now - found.last_seen_at > idle:
        async with db.transaction():
            await store.end_session(db, secret, now)
        return None
    assert person is not None
    if now - found.last_seen_at >= TOUCH_EVERY:
        async with db.transaction():
            await store.touch_session(db, secret, now)
    return DeskSession(person, found.csrf_token)


async def sign_out(services: Services, secret: str) -> None:
    now = services.clock.now()
    async with services.db.transaction():
        found = await store.session(services.db, secret)
        await store.end_session(services.db, secret, now)
        if found is not None:
            await audit.record(
                services.db, now, found.person_id, "desk.signed_out", "person", found.person_id
            )


async def remind_workplace(services: Services, actor: Person | None, internship_id: int) -> None:
    """Remind the workplace's contact(s) now of what they still have to send (the hours,
    the evaluation), with the text and buttons of the evaluation reminders. Everything
    sent already is `StaleState`; no contact on Telegram is `NobodyReached`."""
    db, now = services.db, services.clock.now()
    async with db.transaction():
        internship = require_open(await followed(services, actor, internship_id))
        missing = await evaluation_notices.missing_for(services, internship.id)
        if not missing:
            raise StaleState
        client = await people.get(db, internship.client_id)
        name = client.name if client else ""
        due = workdays.due_day(internship)
        deadline = services.settings.reminder_times.evaluation_deadline
        reached = await notify.about_internship(
            services,
            internship,
            lambda t: evaluation_notices.heads_up_text(t, name, due, deadline, missing),
            kind=evaluation_notices.NOTIFICATION_KIND,
            audience=notify.Audience.EMPLOYER,
            employer_buttons=lambda t: missing.buttons(t, internship.id),
        )
        if not reached:
            raise NobodyReached
        assert actor is not None
        await audit.record(
            db, now, actor.id, "desk.workplace_reminded", "internship", internship.id
        )


def _still_theirs(person: Person | None, telegram_user_id: int) -> bool:
    return (
        person is not None
        and person.role in STAFF
        and person.telegram_user_id is not None
        and person.telegram_user_id == telegram_user_id
    )
