"""Every action tried by every wrong role, workplace and caseworker: nothing happens.

Two worlds side by side: A (caseworker, workplace with contact, client in an
internship) and B, the same. Each has a sick report and an appointment request
waiting for the workplace, so every kind of id exists in both: A's objects have
id 1 in their table, B's id 2.

- Every button the bot can make that carries an id (learned from the handlers'
  patterns and from the code's callback data) is pressed with B's id by A's people,
  by a client without an internship and by a stranger: nothing in the database
  changes and they get an answer.
- Every menu command and button of a role is sent by every other role: the flow
  does not start and nothing changes.
- Certificates reach only the contact and the caseworker of that internship.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import typing
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot import menus
from bot.callbacks import FAMILIES
from bot.store import absences, people, sick_reports
from bot.store.absences import AbsenceKind, AbsenceStatus, Category, NewAbsence
from bot.store.models import Role
from bot.store.sick_reports import Doctor
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BotHarness, ChatUser

ROOT = Path(__file__).resolve().parent.parent
B_ID = "2"
# Buttons about the person's own settings, not about anyone's internship.
OWN_ONLY = {"ns", "lang"}


# What the bot's buttons look like


def all_handlers(handlers: Any) -> list[BaseHandler[Any, Any, Any]]:
    found: list[BaseHandler[Any, Any, Any]] = []
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            found += all_handlers(handler.entry_points)
            for state_handlers in handler.states.values():
                found += all_handlers(state_handlers)
            found += all_handlers(handler.fallbacks)
        else:
            found.append(handler)
    return found


def fill(pattern: str, number: str) -> list[str]:
    """Callback data matching a handler's pattern, with `number` for every id."""
    body = pattern.removeprefix("^").removesuffix("$")
    body = re.sub(r"\\d\{(\d+)\}", lambda m: number.zfill(int(m.group(1))), body)
    body = re.sub(r"\\d[+*]?|\[\\d-\]\+", number, body)
    body = body.replace(r"\w+", "x")
    results = [body]
    while any("(" in r for r in results):
        expanded = []
        for text in results:
            group = re.search(r"\(([^()]*)\)", text)
            if group is None:
                expanded.append(text)
                continue
            for choice in group.group(1).split("|"):
                expanded.append(text[: group.start()] + choice + text[group.end() :])
        results = expanded
    return [r for r in results if not re.search(r"[\\\[\]^$*+?{}()|]", r)]


def from_code(number: str) -> set[str]:
    """Callback data written as f-strings in the code, with `number` for every value."""
    found = set()
    for path in [*ROOT.glob("conversations/*.py"), *ROOT.glob("bot/*.py")]:
        for template in re.findall(
            r'f"([a-z]{1,10}:[^"{}]*(?:\{[^"}]*\}[^"{}]*)+)"', path.read_text()
        ):
            found.add(re.sub(r"\{[^}]*\}", number, template))
    return found


def from_codecs(number: str) -> set[str]:
    """The data of every button family (`bot.callbacks.FAMILIES`), `number` for every id."""
    found = set()
    for prefix, family in FAMILIES.items():
        if prefix.startswith("test:"):
            continue
        hints = typing.get_type_hints(family)
        parts = [prefix]
        for field in dataclasses.fields(family):  # type: ignore[arg-type]
            kinds = [k for k in (hints[field.name], *get_args(hints[field.name])) if k is not None]
            if int in kinds:
                parts.append(number)
            elif date in kinds:
                parts.append("2026-12-01")
            elif get_origin(kinds[0]) is Literal:
                parts.append(str(get_args(kinds[0])[0]))
            elif isinstance(kinds[0], type) and issubclass(kinds[0], StrEnum):
                parts.append(next(iter(kinds[0])).value)
            else:
                parts.append("x")
        found.add(":".join(parts))
    return found


def id_buttons(bot: BotHarness, number: str) -> list[str]:
    """Every callback data the bot could make that names an object by `number`."""
    data = from_code(number) | from_codecs(number)
    for group in bot.app.handlers.values():
        for handler in all_handlers(group):
            if isinstance(handler, CallbackQueryHandler) and isinstance(
                handler.pattern, re.Pattern
            ):
                data.update(fill(handler.pattern.pattern, number))
    standalone = re.compile(rf"(^|:){number}(:|$)")
    return sorted(
        d
        for d in data
        if standalone.search(d) and len(d.encode()) <= 64 and d.split(":")[0] not in OWN_ONLY
    )


# The two worlds


async def objects(bot: BotHarness, w: World) -> None:
    """A sick report and an appointment request waiting for the workplace."""
    db, now = bot.services.db, bot.clock.now()
    await sick_reports.create(
        db, w.client.id, w.internship.id, date(2026, 12, 1), None, Doctor.WILL_SEE, False, now
    )
    await absences.add(
        db,
        NewAbsence(
            internship_id=w.internship.id,
            client_id=w.client.id,
            kind=AbsenceKind.APPOINTMENT,
            day=date(2026, 12, 2),
            reported_by=w.client.id,
            status=AbsenceStatus.PENDING,
            start_time=time(10, 0),
            end_time=time(11, 0),
            category=Category.DOCTOR,
        ),
        now,
    )


async def two_worlds(bot: BotHarness) -> tuple[World, World]:
    bot.clock.set(datetime(2026, 12, 1, 7, 30, tzinfo=BRUSSELS))
    a = await factories.world(bot)
    b = await two(bot)
    await objects(bot, a)
    await objects(bot, b)
    return a, b


async def two(bot: BotHarness) -> World:
    b = World()
    b.caseworker, b.caseworker_chat = await factories.person(bot, Role.CASEWORKER, "Bart Baert")
    b.workplace = await factories.workplace(bot, "Bakkerij Berchem")
    b.employer, b.employer_chat = await factories.person(
        bot, Role.EMPLOYER, "Bea Bosmans", workplace=b.workplace
    )
    b.client, b.client_chat = await factories.person(bot, Role.CLIENT, "Bilal Bakkali")
    b.internship = await factories.internship(bot, b.client, b.workplace, b.caseworker, b.employer)
    return b


async def digest(bot: BotHarness) -> str:
    """Everything in the database except the record of handled updates."""
    db = bot.services.db
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'processed_updates' ORDER BY name"
    )
    h = hashlib.sha256()
    for row in rows:
        for record in await db.fetchall(f"SELECT * FROM {row['name']} ORDER BY rowid"):
            h.update(repr((row["name"], tuple(record))).encode())
    return h.hexdigest()


def answered(bot: BotHarness, user: ChatUser, calls_before: int) -> bool:
    return any(
        c.method == "answerCallbackQuery" or str(c.params.get("chat_id")) == str(user.id)
        for c in bot.fake.calls[calls_before:]
    )


async def press_changes_nothing(bot: BotHarness, user: ChatUser, data: str) -> list[str]:
    """Press `data` as `user`; the problems found (empty when all is well)."""
    before, calls = await digest(bot), len(bot.fake.calls)
    if user.inbox:
        await user.press_data(data)
    else:
        await user.press_data(data, message=a_bot_message(bot, user))
    problems = []
    if await digest(bot) != before:
        problems.append(f"{data!r} by {user.first_name} changed the database")
    if not answered(bot, user, calls):
        problems.append(f"{data!r} by {user.first_name} got no answer")
    return problems


def a_bot_message(bot: BotHarness, user: ChatUser) -> Any:
    from tests.harness import BOT_ID, SentMessage

    raw = {
        "message_id": 999_999,
        "date": int(bot.clock.now().timestamp()),
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Werkervaring"},
        "text": "…",
    }
    return SentMessage(user.id, 999_999, "sendMessage", "…", None, raw)


# Buttons with another workplace's, caseworker's or client's ids


async def test_buttons_about_another_internship_change_nothing(bot: BotHarness) -> None:
    a, b = await two_worlds(bot)
    _, idle_chat = await factories.person(bot, Role.CLIENT, "Ilse Zonderstage")
    stranger = bot.user("Vreemde")
    buttons = id_buttons(bot, B_ID)
    families = {d.split(":")[0] for d in buttons}
    assert {"cw", "cl", "appt", "sick", "hours", "eval", "noshow"} <= families, families

    problems = []
    for data in buttons:
        for user in (a.client_chat, a.employer_chat, a.caseworker_chat, idle_chat, stranger):
            problems += await press_changes_nothing(bot, user, data)
    assert problems == []

    # The same buttons are real: B's own workplace contact can approve B's request.
    await b.employer_chat.press_data(f"appt:ok:{B_ID}", message=a_bot_message(bot, b.employer_chat))
    request = await absences.get(bot.services.db, int(B_ID))
    assert request is not None and request.status is AbsenceStatus.APPROVED


# Menu actions of other roles


def menu_actions(role: Role) -> set[menus.Action]:
    return {action for row in menus.LAYOUTS[role] for action in row}


@pytest.mark.parametrize("role", list(Role))
async def test_the_menu_of_another_role_does_not_open(bot: BotHarness, role: Role) -> None:
    a, _ = await two_worlds(bot)
    _, admin_chat = await factories.person(bot, Role.ADMIN, "Ada Admin")
    user = {
        Role.CLIENT: a.client_chat,
        Role.EMPLOYER: a.employer_chat,
        Role.CASEWORKER: a.caseworker_chat,
        Role.ADMIN: admin_chat,
    }[role]
    theirs = menu_actions(role) | {menus.Action.HELP, menus.Action.CANCEL}
    others = sorted(set(menus.ITEMS) - theirs)
    t = bot.services.i18n.translator("nl")
    problems = []
    for action in others:
        for text in (f"/{action.value}", menus.label(t, action, Role.CLIENT)):
            before, seen = await digest(bot), len(user.inbox)
            await user.send(text)
            if await digest(bot) != before:
                problems.append(f"{text!r} by a {role} changed the database (or opened a flow)")
            if len(user.inbox) == seen:
                problems.append(f"{text!r} by a {role} got no answer")
            await user.send("/cancel")
    assert problems == []


# People whose situation changed


async def test_a_client_who_became_an_employer_cannot_use_client_buttons(
    bot: BotHarness,
) -> None:
    a, _ = await two_worlds(bot)
    await bot.services.db.execute(
        "UPDATE people SET role = 'employer', workplace_id = ? WHERE id = ?",
        (a.workplace.id, a.client.id),
    )
    for data in ("sick:cert:1", "sick:better:1", "sick:longer:1", "appt:proof:1"):
        assert await press_changes_nothing(bot, a.client_chat, data) == []


async def test_an_unlinked_account_is_a_stranger_with_old_buttons(bot: BotHarness) -> None:
    a, _ = await two_worlds(bot)
    await people.unlink_telegram(bot.services.db, a.employer.id)
    for data in ("appt:ok:1", "hours:start:1", "eval:start:1", "noshow:yes:1"):
        assert await press_changes_nothing(bot, a.employer_chat, data) == []
    await a.employer_chat.send("/hours")
    assert "persoonlijke link" in a.employer_chat.last_text


async def test_a_second_invite_for_a_linked_account_changes_nothing(bot: BotHarness) -> None:
    a, _ = await two_worlds(bot)
    _, token = await factories.invited(bot, Role.CLIENT, "Nieuwe Klant")
    before = await digest(bot)
    await a.client_chat.send(f"/start {token}")
    assert (
        "Er werd niets veranderd" in a.client_chat.last_text or "niets" in a.client_chat.last_text
    )
    assert await digest(bot) == before


# Certificates


async def test_a_certificate_reaches_only_that_internships_contact_and_caseworker(
    bot: BotHarness,
) -> None:
    a, b = await two_worlds(bot)
    _, admin_chat = await factories.person(bot, Role.ADMIN, "Ada Admin")
    chat = a.client_chat
    # A's open sick report: send its certificate.
    await chat.send("🤒 Ik ben ziek")
    await chat.press("📄 Mijn attest sturen")
    await chat.send_photo()

    sent = bot.fake.calls_of("sendPhoto") + bot.fake.calls_of("sendDocument")
    assert {int(c.params["chat_id"]) for c in sent} == {a.employer_chat.id, a.caseworker_chat.id}
    stored = await bot.services.db.fetchall("SELECT file_id FROM sick_certificates")
    assert [r["file_id"] for r in stored] == [c.params["photo"] for c in sent][:1]
    for outsider in (b.employer_chat, b.caseworker_chat, admin_chat, b.client_chat):
        assert all(m.method == "sendMessage" for m in outsider.inbox)
