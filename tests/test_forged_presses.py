"""Every button the bot shows, pressed by someone it is not for, or forged: a short refusal.

First a scenario drives the real bot through every flow of every role, so that
it shows every kind of inline button it has; every `callback_data` it produced
(in any message to anyone, edits included) is collected. The collection must
cover every button family in the code (the literal start of each string that
looks like button data, and of each `pattern=`), so a new family the scenario
does not reach fails here.

Then every collected data is pressed, on a message that does not carry it, by
a client of another internship, an employer of another workplace, a caseworker
of another caseload and a stranger; and tampered variants (another id, 20
digits, 0, negative, not a number, a day that does not exist, an unknown
language, cut short or made longer) are pressed by the person the button was
made for, after the scenario and in the middle of each flow, just before the
real button. Each such press must get the short refusal on the button (or at
most one short message), never the generic error and no change to the message
pressed on; nothing is logged as an error; and the database is unchanged.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import access, caseload, flows
from bot.actions import people as people_actions
from bot.callbacks import FAMILIES
from bot.store import people
from bot.store.models import Internship, Person, Role
from tests import factories
from tests.conftest import BRUSSELS
from tests.factories import World
from tests.harness import BOT_ID, BotHarness, ChatUser, SentMessage

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted([*ROOT.glob("conversations/*.py"), *ROOT.glob("bot/*.py")])
LATER_START = date(2027, 2, 1)
# The error handler's message (`bot.errors`): never the answer to a button.
GENERIC_ERROR = (
    "Sorry, something went wrong on our side. What you already sent is safe. "
    "Please try again, or send /cancel to start over."
)
# What a refused press may show: on the button, or as at most one short message.
REFUSALS = (
    access.NOT_FOR_YOU,
    access.EXPIRED,
    access.STRANGER,
    flows.BUTTON_EXPIRED,
    flows.EXPIRED_STEP,
    caseload.NO_LONGER_OPEN,
)
STAFF = (Role.CASEWORKER, Role.ADMIN)
# Buttons about the presser's own things, theirs to press whoever saw them first: the
# roles that may press them, and the tables such a press may change (their own rows).
OWN: dict[str, tuple[tuple[Role, ...], set[str]]] = {
    "info:": (access.ALL_ROLES, set()),
    "lang:": (access.ALL_ROLES, {"people"}),
    "cl:page:": (STAFF, set()),
    "ex:p:": (STAFF, {"conversation_states"}),
    "ns:": (STAFF, {"caseworker_settings", "notification_preferences", "conversation_states"}),
}


# The button families in the code


def _literal_prefix(node: ast.expr) -> str | None:
    """The text of a string literal, or of an f-string up to its first placeholder."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = ""
        for part in node.values:
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                return text + "{"
            text += part.value
        return text
    return None


def _family(literal: str) -> str:
    """`cl:ext:{i}` → `cl:ext:` (any data after it); `acc:now` → `acc:now` (exactly)."""
    if "{" in literal:
        return literal[: literal.index("{")].rsplit(":", 1)[0] + ":"
    return literal


def _pattern_family(pattern: str) -> str | None:
    """The literal start of a `pattern=` regex: `^appt:ok:\\d…` → `appt:ok:`."""
    if not pattern.startswith("^"):
        return None
    literal = re.match(r"[a-z0-9_!:]*", pattern[1:])
    assert literal is not None
    rest = pattern[1 + literal.end() :]
    if rest in ("", "$"):
        return literal.group(0)
    return literal.group(0).rsplit(":", 1)[0] + ":" if ":" in literal.group(0) else None


def code_families() -> set[str]:
    """Every callback data family the code can make or accepts."""
    found: set[str] = set()
    for path in CODE:
        tree = ast.parse(path.read_text())
        # Keys that name a message in the outbox look like data but are not buttons.
        skipped = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for keyword in node.keywords
            if keyword.arg == "dedupe_key"
            for inner in ast.walk(keyword.value)
        }
        # A codec family's prefix (`class X(Button, prefix="cw:open")`) is read from
        # `bot.callbacks.FAMILIES` below, with its fields.
        skipped |= {
            id(keyword.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            for keyword in node.keywords
            if keyword.arg == "prefix"
        }
        # The pieces of an f-string are read with the f-string.
        skipped |= {
            id(part)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for part in node.values
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "pattern":
                        text = _literal_prefix(keyword.value)
                        family = _pattern_family(text) if text else None
                        if family:
                            found.add(family)
            if id(node) in skipped or not isinstance(node, ast.expr):
                continue
            text = _literal_prefix(node)
            if text and re.match(r"^[a-z]{2,6}:(?!//)", text):
                found.add(_family(text))
    for prefix, codec in FAMILIES.items():
        if not prefix.startswith("test:"):
            found.add(prefix + ":" if dataclasses.fields(codec) else prefix)  # type: ignore[arg-type]
    return found


def covers(family: str, data: str) -> bool:
    if family.endswith(":"):
        return data.startswith(family) and len(data) > len(family)
    return data == family


def missing_families(produced: set[str]) -> set[str]:
    return {f for f in code_families() if not any(covers(f, d) for d in produced)}


# What the bot produced


def markup_data(markup: Any) -> set[str]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return set()
    return {
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    }


def produced_data(bot: BotHarness) -> set[str]:
    """Every callback data the bot sent, in new messages and in edits, to anyone."""
    found: set[str] = set()
    for call in bot.fake.calls:
        found |= markup_data(call.params.get("reply_markup"))
    return found


# Pressing and judging


@dataclass
class Press:
    """One press and what the presser saw of it."""

    who: str
    role: Role | None
    data: str
    # The texts of the answers to the button, in order: Telegram shows only the first.
    answers: list[str]
    messages: list[str]
    # Edits of messages in the presser's chat (texts or buttons).
    edits: int
    errors: list[str]
    changed: list[str]


async def dump(bot: BotHarness, presser: ChatUser) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, but the record of handled updates and what was sent to
    the presser's own chat (the bookkeeping of the answer itself)."""
    db = bot.services.db
    tables = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'processed_updates' ORDER BY name"
    )
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table in tables:
        name = table["name"]
        query, params = f"SELECT * FROM {name}", []
        if name == "outbox":
            query, params = query + " WHERE chat_id != ?", [presser.id]
        rows[name] = [tuple(r) for r in await db.fetchall(query + " ORDER BY rowid", params)]
    return rows


def a_message_without(presser: ChatUser, data: str) -> SentMessage:
    """The presser's newest message when it does not carry `data`; else one from the bot."""
    if presser.inbox and data not in markup_data(presser.last.reply_markup):
        return presser.last
    raw = {
        "message_id": 999_999,
        "date": 1_800_000_000,
        "chat": {"id": presser.id, "type": "private", "first_name": presser.first_name},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Werkervaring"},
        "text": "…",
    }
    return SentMessage(presser.id, 999_999, "sendMessage", "…", None, raw)


async def press(
    bot: BotHarness,
    caplog: pytest.LogCaptureFixture,
    presser: ChatUser,
    data: str,
    message: SentMessage | None = None,
) -> Press:
    """Press `data` as `presser` on `message` (one without that button by default)."""
    person = await people.by_telegram_id(bot.services.db, presser.id)
    before, calls, records = await dump(bot, presser), len(bot.fake.calls), len(caplog.records)
    await presser.press_data(data, message or a_message_without(presser, data))
    after = await dump(bot, presser)
    answers, messages, edits = [], [], 0
    for call in bot.fake.calls[calls:]:
        if call.method == "answerCallbackQuery":
            answers.append(str(call.params.get("text") or ""))
        elif str(call.params.get("chat_id")) != str(presser.id):
            continue
        elif call.method.startswith("edit"):
            edits += 1
        elif "text" in call.params or "caption" in call.params:
            messages.append(str(call.params.get("text") or call.params.get("caption")))
    return Press(
        who=presser.first_name,
        role=person.role if person else None,
        data=data,
        answers=answers,
        messages=messages,
        edits=edits,
        errors=[r.getMessage() for r in caplog.records[records:] if r.levelno >= logging.ERROR],
        changed=sorted(t for t in before if before[t] != after.get(t)),
    )


@dataclass(frozen=True)
class Texts:
    """The refusals and the generic error, in every shipped language."""

    refusals: set[str]
    generic: set[str]


def texts(bot: BotHarness) -> Texts:
    i18n = bot.services.i18n
    return Texts(
        refusals={text for m in REFUSALS for text in i18n.all_translations(m)},
        generic=i18n.all_translations(GENERIC_ERROR),
    )


def own_tables(data: str, role: Role | None) -> set[str] | None:
    """The tables a press of `data` by someone with `role` may change, when it is theirs."""
    for prefix, (roles, tables) in OWN.items():
        if data.startswith(prefix) and role in roles:
            return tables
    return None


def problems_of(result: Press, known: Texts) -> list[str]:
    """What is wrong with a press that is not the presser's, or forged: anything but a
    short refusal and an untouched database (for their own buttons: no error, no change
    beyond their own)."""
    where = f"{result.data!r} by {result.who}"
    found = []
    if result.errors:
        found.append(f"{where} logged errors: {result.errors}")
    if any(text in known.generic for text in [*result.answers, *result.messages]):
        found.append(f"{where} got the generic error")
    if not result.answers:
        found.append(f"{where} left the button spinning")
    allowed = own_tables(result.data, result.role)
    if allowed is not None:
        if set(result.changed) - allowed:
            found.append(f"{where} changed {result.changed}")
        return found
    if result.changed:
        found.append(f"{where} changed {result.changed}")
    if result.edits:
        found.append(f"{where} edited the message pressed on")
    shown = [text for text in [*result.answers[:1], *result.messages] if text]
    if not shown:
        found.append(f"{where} was answered without a word")
    unexpected = [text[:120] for text in shown if text not in known.refusals]
    if unexpected:
        found.append(f"{where} saw {unexpected}")
    if len(result.messages) > 1:
        found.append(f"{where} got {len(result.messages)} messages")
    return found


# Tampered data

OTHER_ID = "987654321"
TWENTY_DIGITS = "9" * 20
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def tampered(data: str) -> set[str]:
    """`data` with each number another id, 20 digits, 0, negative or not a number, each
    day one that does not exist; cut short or made longer; for languages one that is not
    shipped."""
    parts = data.split(":")
    found = {":".join(parts[:-1]), ":".join(parts[:2]) + ":", data + ":1"}
    if not data[-1].isdigit():
        # (A number cut short is just another number: see below.)
        found.add(data[:-1])
    for i, part in enumerate(parts):
        if part.isdigit():
            # "¹" passes `str.isdigit` but not `int`.
            choices = [OTHER_ID, TWENTY_DIGITS, "0", f"-{part}", f"x{part}", "¹"]
        elif DAY.match(part):
            choices = ["2026-02-30", "0000-00-00"]
        else:
            continue
        found |= {":".join([*parts[:i], choice, *parts[i + 1 :]]) for choice in choices}
    if data.startswith("lang:"):
        found |= {"lang:xx", "lang:", "lang:nl:x"}
    return {d for d in found if d and d != data and len(d.encode()) <= 64}


def receivers(bot: BotHarness) -> dict[str, set[int]]:
    """For each callback data the bot sent, the chats it was sent to."""
    found: dict[str, set[int]] = {}
    for call in bot.fake.calls:
        for data in markup_data(call.params.get("reply_markup")):
            found.setdefault(data, set()).add(int(call.params["chat_id"]))
    return found


# The scenario


@dataclass
class Driver:
    """Presses the scenario's buttons; when probing, first every tampered variant of each
    button, by the same person on the same message, in the same step of the flow."""

    bot: BotHarness
    caplog: pytest.LogCaptureFixture | None = None
    problems: list[str] = field(default_factory=list)
    probes: int = 0

    async def tap(self, chat: ChatUser, data: str, ending: str = "") -> list[SentMessage]:
        """Press the button `data` (or the first starting with it and ending with `ending`)
        on the newest message in the chat that has it."""
        for message in reversed(chat.inbox):
            shown = markup_data(message.reply_markup)
            chosen = (
                data
                if data in shown
                else next(
                    (d for d in sorted(shown) if d.startswith(data) and d.endswith(ending)), None
                )
            )
            if chosen is not None:
                await self.probe(chat, chosen, message, shown)
                return await chat.press_data(chosen, message)
        raise AssertionError(f"no button {data!r} for {chat.first_name}: {chat.last_text!r}")

    async def taps(self, chat: ChatUser, *data: str) -> None:
        """One `tap` after the other."""
        for each in data:
            await self.tap(chat, each)

    async def probe(self, chat: ChatUser, data: str, message: SentMessage, shown: set[str]) -> None:
        if self.caplog is None:
            return
        known = texts(self.bot)
        for variant in sorted(tampered(data) - shown):
            self.probes += 1
            result = await press(self.bot, self.caplog, chat, variant, message)
            self.problems += [f"{p} (in a flow)" for p in problems_of(result, known)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


@dataclass
class Scene:
    """The people of the scenario: a caseworker, a workplace with its contact, a client in
    an internship, a second trainee there, internships that start later, and an admin."""

    a: World
    second: Internship
    later: list[Internship]
    admin_chat: ChatUser


async def scenario(d: Driver) -> Scene:
    """Every flow of every role, so that every kind of button is shown at least once."""
    bot = d.bot
    a = await factories.world(bot)
    _, admin_chat = await factories.person(bot, Role.ADMIN, "Ada Admin")
    # Someone to reassign an internship to.
    carla, carla_chat = await factories.person(bot, Role.CASEWORKER, "Carla Claes")
    # A second trainee at the workplace (pick buttons), and enough internships for the
    # caseworker to page through the caseload; these start later, out of the way.
    olena, _ = await factories.person(bot, Role.CLIENT, "Olena Kovalenko")
    second = await factories.internship(bot, olena, a.workplace, a.caseworker, a.employer)
    later = []
    for n in range(8):
        client, _ = await factories.person(bot, Role.CLIENT, f"Klant{n} Later")
        later.append(
            await factories.internship(bot, client, a.workplace, a.caseworker, start=LATER_START)
        )
    scene = Scene(a, second, later, admin_chat)
    for chat in (a.client_chat, a.employer_chat, a.caseworker_chat, admin_chat):
        await chat.send("/start")
    await client_settings(d, a.client_chat)
    await new_internship(d, a.caseworker_chat)
    await notification_settings(d, a.caseworker_chat)
    await a.caseworker_chat.send("/caseload")
    await d.taps(a.caseworker_chat, "cl:page:", "cl:page:", f"cw:open:{a.internship.id}")
    # The workday before the start: the employer's first-day checklist.
    await bot.advance_to(at(date(2026, 11, 27), 14))
    await d.tap(a.employer_chat, f"fd:ready:{a.internship.id}")
    await bot.advance_to(at(date(2026, 12, 1), 7, 30))
    await sick_report(d, a.client_chat)
    await a.client_chat.send("/late")
    await d.tap(a.client_chat, "late:15")
    await unlinked_workplace(d, carla, carla_chat)
    await a.client_chat.send("/accident")
    await d.tap(a.client_chat, "acc:now")
    await a.client_chat.send("Gesneden aan een glasscherf")
    await appointments(d, a)
    await hours(d, scene)
    await evaluation(d, a.employer_chat)
    await a.employer_chat.send("/noshow")
    await d.taps(a.employer_chat, "noshow:pick:", "noshow:yes:")
    # The evaluation heads-up, with buttons to the hours and the evaluation.
    await bot.advance_to(at(date(2026, 12, 9), 14))
    await caseload_actions(d, scene)
    await a.caseworker_chat.send("/export")
    await d.taps(a.caseworker_chat, "ex:p:", "ex:lock:")
    await admin_chat.send("/caseload")
    await staff(d, admin_chat)
    return scene


async def unlinked_workplace(d: Driver, caseworker: Person, chat: ChatUser) -> None:
    """A report from a workplace nobody of which uses the bot yet: the caseworker's
    notification offers a new invite for its contact."""
    bot = d.bot
    place = await factories.workplace(bot, "Bakkerij Deurne")
    invitation = await people_actions.invite_person(
        bot.services, people_actions.COMMAND_LINE, Role.EMPLOYER, "Jef Jacobs", None, place.id
    )
    client, client_chat = await factories.person(bot, Role.CLIENT, "Karim Kaddouri")
    await factories.internship(bot, client, place, caseworker, invitation.person)
    await client_chat.send("/late")
    await d.tap(client_chat, "late:15")
    await d.tap(chat, "cw:inv:")


async def client_settings(d: Driver, chat: ChatUser) -> None:
    await chat.send("/language")
    await d.tap(chat, "lang:nl")
    await chat.send("/info")
    await d.taps(chat, "info:", "info:")
    await chat.send("/firstday")
    await chat.send("/internship")


async def staff(d: Driver, chat: ChatUser) -> None:
    """The admin's caseworkers: invite one, a new link for them, revoke someone's access."""
    db = d.bot.services.db
    await chat.send("/caseworkers")
    await d.tap(chat, "st:new")
    await chat.send("Nadia Nieuw")
    await d.tap(chat, "st:lang:nl")
    nadia = await people.staff_named(db, "Nadia Nieuw")
    carla = await people.staff_named(db, "Carla Claes")
    assert nadia is not None and carla is not None
    await chat.send("/caseworkers")
    await d.taps(chat, f"st:who:{nadia.id}", "st:link:")
    await chat.send("/caseworkers")
    await d.taps(chat, f"st:who:{carla.id}", "st:rev:", "st:list")
    await d.taps(chat, f"st:who:{carla.id}", "st:rev:", "st:rev!:")


async def new_internship(d: Driver, chat: ChatUser) -> None:
    await chat.send("/newinternship")
    await chat.send("Youssef Amrani")
    await d.taps(chat, "ni:lang:ar", "ni:wp:new")
    await chat.send("Kringwinkel Noord")
    await chat.send("Noorderlaan 12, 2030 Antwerpen")
    await d.taps(chat, "ni:kind:nonprofit", "ni:ct:new")
    await chat.send("Jan Janssens")
    await d.taps(
        chat,
        "ni:ph:none",
        "ni:day:4",
        "ni:days:ok",
        "ni:hours:",
        "ni:break:",
        "ni:start:",
        "ni:len:",
    )
    await d.taps(chat, "ni:skip", "ni:fdc:contact", "ni:skip", "ni:skip", "ni:create")


async def notification_settings(d: Driver, chat: ChatUser) -> None:
    await chat.send("/settings")
    await d.taps(chat, "ns:k:", "ns:time", "ns:at:", "ns:done")


async def sick_report(d: Driver, chat: ChatUser) -> None:
    await chat.send("/sick")
    await d.taps(chat, "sick:from:other", "sick:day:", "sick:len:other", "sick:until:")
    await d.taps(chat, "sick:doc:", "sick:again", "sick:from:today", "sick:len:3", "sick:doc:")
    await d.taps(chat, "sick:send", "sick:later")
    await chat.send_photo()
    await d.tap(chat, "sick:file:no")
    await chat.send("/sick")
    await d.taps(chat, "sick:longer:", "sick:len:2", "sick:send")
    await chat.send("/sick")
    await d.taps(chat, "sick:better:", "sick:back:other")
    await chat.send("/cancel")
    await chat.send("/sick")
    await d.tap(chat, "sick:cert:")
    await chat.send("/cancel")
    await chat.send("/sick")
    await d.taps(chat, "sick:better:", "sick:back:", "sick:send")


async def appointments(d: Driver, a: World) -> None:
    client, employer = a.client_chat, a.employer_chat
    for decision in ("appt:no:", "appt:ok:"):
        await client.send("/absence")
        await d.taps(client, "appt:kind:", "appt:day:2", "appt:span:", "appt:noremark")
        await d.tap(client, "appt:send")
        await d.tap(employer, decision)
    await d.tap(employer, "appt:noreason")
    # A file after the approved appointment: is it the proof?
    await d.bot.advance_to(at(date(2026, 12, 2), 15))
    await client.send_photo()
    await d.tap(client, "appt:pno:")
    # The next workday, the reminder to send the proof.
    await d.bot.advance_to(at(date(2026, 12, 3), 8))
    await d.tap(client, "appt:proof:")
    await client.send("/cancel")


async def hours(d: Driver, scene: Scene) -> None:
    chat = scene.a.employer_chat
    await chat.send("/hours")
    await d.taps(chat, "hours:start:", "hours:mode:day", "hours:day:", "hours:back")
    for _ in range(9):
        await d.tap(chat, "hours:day:")
    await d.taps(chat, "hours:edit", "hours:pick:", "hours:day:", "hours:confirm")
    await chat.send("/hours")
    await d.taps(chat, "hours:start:", "hours:correct", "hours:mode:day", "hours:day:")
    # Another menu command leaves the hours; what was given so far is kept.
    await chat.send("/noshow")
    await chat.send("/cancel")
    await chat.send("/hours")
    await d.taps(chat, "hours:start:", "hours:resume")
    await chat.send("/noshow")
    await chat.send("/cancel")
    await chat.send("/hours")
    await d.taps(chat, "hours:start:", "hours:restart", "hours:mode:total", "hours:total:")
    await d.tap(chat, "hours:confirm")
    await chat.send("/hours")
    await d.taps(chat, "hours:start:", "hours:keep")
    # The second trainee's hours, to lock them in the export.
    await chat.send("/hours")
    await d.taps(chat, f"hours:start:{scene.second.id}", "hours:mode:total", "hours:total:")
    await d.tap(chat, "hours:confirm")


async def evaluation(d: Driver, chat: ChatUser) -> None:
    good = ":good"
    await chat.send("/evaluation")
    await d.tap(chat, "eval:start:")
    await d.tap(chat, "eval:level:", ending=good)
    await chat.send("/cancel")
    await chat.send("/evaluation")
    await d.taps(chat, "eval:start:", "eval:resume")
    await d.tap(chat, "eval:level:", ending=good)
    await chat.send("/cancel")
    await chat.send("/evaluation")
    await d.taps(chat, "eval:start:", "eval:restart")
    for _ in range(7):
        await d.tap(chat, "eval:level:", ending=good)
    await d.taps(chat, "eval:outcome:favourable", "eval:noform", "eval:change", "eval:area:")
    await d.tap(chat, "eval:level:", ending=good)
    await d.taps(chat, "eval:result", "eval:outcome:favourable", "eval:form", "eval:noform")
    await d.tap(chat, "eval:later")
    await chat.send("/evaluation")
    await d.taps(chat, "eval:start:", "eval:resume", "eval:send")


async def caseload_actions(d: Driver, scene: Scene) -> None:
    """Every action of the detail, on internships that start later (and lock the hours)."""
    chat = scene.a.caseworker_chat
    first, second, third = (f"cw:open:{i.id}" for i in scene.later[:3])
    await d.taps(chat, first, "cl:ext:", "cw:extend:", "cl:no:")
    await d.taps(chat, first, "cl:move:", "cl:mv!:")
    await d.taps(chat, first, "cl:reas:")
    await d.taps(chat, first, "cl:phone:", "cl:tel:", "cl:tel0:")
    await d.taps(chat, first, "cl:link:")
    await d.taps(chat, first, "cw:later:", "cl:snz:")
    await d.taps(chat, first, "cl:cancel:", "cl:cancel!:")
    await d.taps(chat, second, "cl:close:", "cl:out:", "cl:sign:")
    await d.taps(chat, third, "cl:again:", "cl:again!:", "ni:again:")
    await chat.send("/cancel")
    await d.taps(chat, f"cw:open:{scene.a.internship.id}", "cl:lock:")


@dataclass
class Outsiders:
    """Made after the scenario, so no button of it is theirs: a client of another
    internship, an employer of another workplace, a caseworker of another caseload, and
    a stranger."""

    client: ChatUser
    employer: ChatUser
    caseworker: ChatUser
    stranger: ChatUser

    def all(self) -> list[ChatUser]:
        return [self.client, self.employer, self.caseworker, self.stranger]


async def outsiders(bot: BotHarness) -> Outsiders:
    caseworker, caseworker_chat = await factories.person(bot, Role.CASEWORKER, "Bart Baert")
    place = await factories.workplace(bot, "Bakkerij Berchem")
    employer, employer_chat = await factories.person(
        bot, Role.EMPLOYER, "Bea Bosmans", workplace=place
    )
    client, client_chat = await factories.person(bot, Role.CLIENT, "Bilal Bakkali")
    await factories.internship(bot, client, place, caseworker, employer)
    found = Outsiders(client_chat, employer_chat, caseworker_chat, bot.user("Vreemde"))
    for chat in found.all():
        await chat.send("/start")
    return found


# The tests


async def test_the_scenario_shows_every_kind_of_button(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await scenario(Driver(bot))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert len(code_families()) > 100
    assert missing_families(produced_data(bot)) == set()


async def test_every_button_pressed_by_someone_it_is_not_for_is_refused(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await scenario(Driver(bot))
    produced = produced_data(bot)
    others = await outsiders(bot)
    caplog.set_level(logging.ERROR)
    known = texts(bot)
    problems: list[str] = []
    for data in sorted(produced):
        for presser in others.all():
            problems += problems_of(await press(bot, caplog, presser, data), known)
    assert not problems, "\n".join(problems)


async def test_tampered_buttons_are_refused_even_for_the_person_they_were_made_for(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    scene = await scenario(Driver(bot))
    a = scene.a
    chats = {c.id: c for c in (a.client_chat, a.employer_chat, a.caseworker_chat, scene.admin_chat)}
    produced = receivers(bot)
    caplog.set_level(logging.ERROR)
    known = texts(bot)
    presses = {
        (chat_id, variant)
        for data, receiving in produced.items()
        for chat_id in receiving & chats.keys()
        for variant in tampered(data) - produced.keys()
    }
    assert len(presses) > 1000
    problems: list[str] = []
    for chat_id, data in sorted(presses):
        problems += problems_of(await press(bot, caplog, chats[chat_id], data), known)
    assert not problems, "\n".join(problems)


async def test_tampered_buttons_in_the_middle_of_a_flow_are_refused(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    driver = Driver(bot, caplog)
    try:
        await scenario(driver)
    finally:
        # A probe that derails the flow shows here, before the scenario's own failure.
        assert not driver.problems, "\n".join(driver.problems)
    assert driver.probes > 500
