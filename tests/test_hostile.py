"""Hostile and unexpected input: thousands of random updates through the real application.

Hypothesis builds sequences of updates of every kind (texts of any length,
commands, menu buttons in every language, stickers, voice, video, locations,
contacts, files, polls, edited messages, group and channel messages, membership
changes, and button presses with data made from every pattern the bot knows or
none at all) from linked people of every role and from strangers. After each
update:

- no error reached the error handler;
- a private message or button press from a person got an answer;
- when the sender is not linked (or it came from a group or channel), nothing in
  the database changed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import itertools
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import menus
from bot.callbacks import Button
from bot.clock import FakeClock
from bot.config import Settings
from bot.context import BotContext
from bot.store.models import Role
from tests import factories
from tests.harness import BOT_ID, BotHarness

EXAMPLES = 150
# Tables that may change for anyone by design: the record of handled updates, and
# failed invite attempts (which slow down guessing of invite links).
IGNORED_TABLES = {"processed_updates", "link_attempts"}
STRANGERS = (990001, 990002, 990003)
GROUP_CHAT = -1001234567
CHANNEL_CHAT = -1009876543


@dataclass(frozen=True)
class Actor:
    user_id: int
    linked: bool
    role: Role | None


@dataclass
class Setting:
    """The bot, the people in it, and what the bot knows how to react to."""

    bot: BotHarness
    actors: list[Actor]
    errors: list[BaseException]
    callback_patterns: list[str]
    commands: list[str]
    labels: list[str]


# Handlers of the application, to learn its commands and button patterns.


def all_handlers(handlers: Any) -> Iterator[BaseHandler[Any, Any, Any]]:
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from all_handlers(handler.entry_points)
            for state_handlers in handler.states.values():
                yield from all_handlers(state_handlers)
            yield from all_handlers(handler.fallbacks)
        else:
            yield handler


def learn(bot: BotHarness) -> tuple[list[str], list[str]]:
    """The button families the handlers take (as regexes of their data) and the commands."""
    patterns: set[str] = set()
    commands: set[str] = set()
    for group in bot.app.handlers.values():
        for handler in all_handlers(group):
            if isinstance(handler, CallbackQueryHandler):
                if isinstance(handler.pattern, re.Pattern):
                    patterns.add(handler.pattern.pattern)
                family = getattr(handler.pattern, "__self__", None)
                if isinstance(family, type) and issubclass(family, Button):
                    patterns.add(family_regex(family))
            if isinstance(handler, CommandHandler):
                commands.update(handler.commands)
    return sorted(patterns), sorted(commands)


def family_regex(family: type[Button]) -> str:
    """A regex of a codec family's data (`bot.callbacks`): its prefix, then its fields."""
    hints = typing.get_type_hints(family)
    parts = [re.escape(family.prefix)]
    for field in dataclasses.fields(family):  # type: ignore[arg-type]
        kind = hints[field.name]
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        optional = type(None) in typing.get_args(kind)
        inner = args[0] if optional else kind
        if inner is int:
            part = r"\d+"
        elif inner is date:
            part = r"\d{4}-\d{2}-\d{2}"
        elif isinstance(inner, type) and issubclass(inner, StrEnum):
            part = "(" + "|".join(re.escape(m.value) for m in inner) + ")"
        elif typing.get_origin(inner) is Literal:
            part = "(" + "|".join(re.escape(str(v)) for v in typing.get_args(inner)) + ")"
        else:
            part = "[a-z0-9_]{1,8}"
        parts.append(f"({part}|-)" if optional else part)
    return "^" + ":".join(parts) + "$"


async def set_up(settings_: Settings, clock: FakeClock) -> Setting:
    bot = await BotHarness.start(settings_, clock)
    w = await factories.world(bot)
    _, admin_chat = await factories.person(bot, Role.ADMIN, "Ada Admin")
    other_place = await factories.workplace(bot, "Andere Werkplek")
    _, other_employer_chat = await factories.person(
        bot, Role.EMPLOYER, "Els Elders", workplace=other_place
    )
    _, idle_client_chat = await factories.person(bot, Role.CLIENT, "Ilse Zonderstage", "ar")
    actors = [
        Actor(w.client_chat.id, True, Role.CLIENT),
        Actor(w.employer_chat.id, True, Role.EMPLOYER),
        Actor(w.caseworker_chat.id, True, Role.CASEWORKER),
        Actor(admin_chat.id, True, Role.ADMIN),
        Actor(other_employer_chat.id, True, Role.EMPLOYER),
        Actor(idle_client_chat.id, True, Role.CLIENT),
        *(Actor(user_id, False, None) for user_id in STRANGERS),
    ]
    errors: list[BaseException] = []

    async def record(update: object, context: BotContext) -> None:
        assert context.error is not None
        errors.append(context.error)

    bot.app.add_error_handler(record)
    patterns, commands = learn(bot)
    i18n = bot.services.i18n
    labels = sorted(
        {
            menus.label(i18n.translator(language), action, role)
            for language in ("nl", "en", "ar")
            for role in Role
            for action in menus.ITEMS
        }
    )
    return Setting(bot, actors, errors, patterns, commands, labels)


# Strategies


def file_fields(draw: st.DrawFn) -> dict[str, Any]:
    file_id = draw(st.text("abcdefXYZ0123456789_-", min_size=5, max_size=40))
    return {"file_id": file_id, "file_unique_id": "u" + file_id[:20]}


@st.composite
def message_content(draw: st.DrawFn, setting: Setting) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(
            [
                "text",
                "text",
                "long",
                "command",
                "command",
                "label",
                "label",
                "sticker",
                "voice",
                "video",
                "video_note",
                "location",
                "contact",
                "photo",
                "document",
                "animation",
                "audio",
                "dice",
                "poll",
                "venue",
            ]
        )
    )
    if kind == "text":
        return {"text": draw(st.text(min_size=1, max_size=60))}
    if kind == "long":
        return {"text": draw(st.text(min_size=1000, max_size=4096))}
    if kind == "command":
        command = draw(st.sampled_from([*setting.commands, "unknown", "start", "sick"]))
        argument = draw(st.one_of(st.just(""), st.text(min_size=1, max_size=70)))
        text = f"/{command}" + (f" {argument}" if argument.strip() else "")
        return {
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command) + 1}],
        }
    if kind == "label":
        return {"text": draw(st.sampled_from(setting.labels))}
    media: dict[str, Any] = file_fields(draw)
    if kind == "sticker":
        return {
            "sticker": {
                **media,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        }
    if kind == "voice":
        return {"voice": {**media, "duration": draw(st.integers(0, 3600))}}
    if kind == "video":
        return {"video": {**media, "width": 640, "height": 480, "duration": 5}}
    if kind == "video_note":
        return {"video_note": {**media, "length": 240, "duration": 5}}
    if kind == "audio":
        return {"audio": {**media, "duration": 5}}
    if kind == "animation":
        animation = {**media, "width": 1, "height": 1, "duration": 1}
        return {"animation": animation, "document": media}
    location = {
        "latitude": draw(st.floats(-90, 90, allow_nan=False)),
        "longitude": draw(st.floats(-180, 180, allow_nan=False)),
    }
    if kind == "location":
        return {"location": location}
    if kind == "venue":
        venue = {"location": location, "title": draw(st.text(max_size=30)), "address": "x"}
        return {"venue": venue, "location": location}
    if kind == "contact":
        contact: dict[str, Any] = {
            "phone_number": draw(st.text("+0123456789 ", min_size=1, max_size=20)),
            "first_name": draw(st.text(min_size=1, max_size=30)),
        }
        if draw(st.booleans()):
            contact["user_id"] = draw(st.sampled_from([a.user_id for a in setting.actors]))
        return {"contact": contact}
    if kind == "photo":
        photo: dict[str, Any] = {"photo": [{**media, "width": 800, "height": 600}]}
        if draw(st.booleans()):
            photo["caption"] = draw(st.text(max_size=200))
        return photo
    if kind == "document":
        return {
            "document": {
                **media,
                "file_name": draw(st.text(min_size=1, max_size=40)),
                "mime_type": draw(st.sampled_from(["application/pdf", "image/jpeg", "text/x"])),
                "file_size": draw(st.integers(0, 60_000_000)),
            }
        }
    if kind == "dice":
        return {"dice": {"emoji": "🎲", "value": draw(st.integers(1, 6))}}
    return {
        "poll": {
            "id": "1",
            "question": "?",
            "options": [
                {"text": "a", "voter_count": 0, "persistent_id": "a"},
                {"text": "b", "voter_count": 0, "persistent_id": "b"},
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    }


def short_enough(data: str) -> bool:
    return 0 < len(data.encode()) <= 64


@st.composite
def callback_data(draw: st.DrawFn, setting: Setting) -> str:
    """Data the bot would make (by its own patterns, with any ids) or anything at all."""
    made = st.sampled_from(setting.callback_patterns).flatmap(
        lambda pattern: st.from_regex(pattern, fullmatch=True)
    )
    small_ids = st.sampled_from(setting.callback_patterns).map(
        lambda pattern: re.sub(r"\\d[+*]?|\(\\d\+\|[^)]*\)", "1", pattern.strip("^$"))
    )
    data = draw(st.one_of(made, made, small_ids, st.text(min_size=1, max_size=64)))
    return data if short_enough(data) else "x"


@dataclass(frozen=True)
class Planned:
    """One update to send, and who sends it from where."""

    actor: Actor
    where: str  # "private" | "group" | "channel"
    kind: str  # "message" | "edited" | "callback" | "member"
    content: dict[str, Any]
    data: str


@st.composite
def planned_update(draw: st.DrawFn, setting: Setting) -> Planned:
    actor = draw(st.sampled_from(setting.actors))
    where = draw(st.sampled_from(["private"] * 8 + ["group", "channel"]))
    kind = draw(st.sampled_from(["message"] * 6 + ["callback"] * 3 + ["edited", "member"]))
    content = draw(message_content(setting))
    data = draw(callback_data(setting)) if kind == "callback" else ""
    return Planned(actor, where, kind, content, data)


# Building and sending


class Sender:
    def __init__(self, setting: Setting) -> None:
        self.s = setting
        self.bot = setting.bot
        self.ids = itertools.count(1)

    def chat(self, planned: Planned) -> dict[str, Any]:
        if planned.where == "group":
            return {"id": GROUP_CHAT, "type": "supergroup", "title": "Groep"}
        if planned.where == "channel":
            return {"id": CHANNEL_CHAT, "type": "channel", "title": "Kanaal"}
        return {"id": planned.actor.user_id, "type": "private", "first_name": "Iemand"}

    def user(self, planned: Planned) -> dict[str, Any]:
        return {
            "id": planned.actor.user_id,
            "is_bot": False,
            "first_name": "Iemand",
            "language_code": "nl",
        }

    def message(self, planned: Planned) -> dict[str, Any]:
        message = {
            "message_id": next(self.ids),
            "date": int(self.bot.clock.now().timestamp()),
            "chat": self.chat(planned),
            **planned.content,
        }
        if planned.where == "channel":
            message["sender_chat"] = message["chat"]
        else:
            message["from"] = self.user(planned)
        return message

    def update(self, planned: Planned) -> dict[str, Any]:
        update_id = self.bot.next_update_id()
        if planned.kind == "edited" or (planned.kind == "message" and planned.where == "channel"):
            key = "channel_post" if planned.where == "channel" else "message"
            if planned.kind == "edited":
                key = "edited_channel_post" if planned.where == "channel" else "edited_message"
            message = self.message(planned)
            if planned.kind == "edited":
                message["edit_date"] = message["date"] + 5
            return {"update_id": update_id, key: message}
        if planned.kind == "callback" and planned.where != "channel":
            return {"update_id": update_id, "callback_query": self.callback(planned)}
        if planned.kind == "member" and planned.where == "private":
            return {"update_id": update_id, "my_chat_member": self.member_change(planned)}
        return {"update_id": update_id, "message": self.message(planned)}

    def callback(self, planned: Planned) -> dict[str, Any]:
        chat_id = planned.actor.user_id if planned.where == "private" else GROUP_CHAT
        earlier = self.bot.fake.sent_to(chat_id)
        if earlier:
            message = earlier[-1].raw
        else:
            message = {
                "message_id": next(self.ids),
                "date": int(self.bot.clock.now().timestamp()),
                "chat": self.chat(planned),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Werkervaring"},
                "text": "…",
            }
        return {
            "id": str(next(self.ids)),
            "from": self.user(planned),
            "chat_instance": "ci",
            "data": planned.data,
            "message": message,
        }

    def member_change(self, planned: Planned) -> dict[str, Any]:
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Werkervaring"}
        return {
            "chat": self.chat(planned),
            "from": self.user(planned),
            "date": int(self.bot.clock.now().timestamp()),
            "old_chat_member": {"status": "member", "user": bot_user},
            "new_chat_member": {
                "status": "kicked",
                "user": bot_user,
                "until_date": 0,
            },
        }

    async def send(self, planned: Planned) -> None:
        data = self.update(planned)
        changes_nothing = not planned.actor.linked or planned.where != "private"
        before = await snapshot(self.bot) if changes_nothing else ""
        calls = len(self.bot.fake.calls)
        await self.bot.process(data)

        assert not self.s.errors, f"{data}\n{self.s.errors!r}"
        if changes_nothing:
            assert await snapshot(self.bot) == before, f"the database changed after {data}"
        if planned.where == "private" and ("message" in data or "callback_query" in data):
            answers = [
                c
                for c in self.bot.fake.calls[calls:]
                if c.method == "answerCallbackQuery"
                or (str(c.params.get("chat_id")) == str(planned.actor.user_id))
            ]
            assert answers, f"no answer to {data}"


async def snapshot(bot: BotHarness) -> str:
    """A digest of every table a stranger must not change."""
    db = bot.services.db
    tables = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        if r["name"] not in IGNORED_TABLES
    ]
    digest = hashlib.sha256()
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table} ORDER BY rowid"):
            digest.update(repr((table, tuple(row))).encode())
    return digest.hexdigest()


def test_random_updates_of_every_kind_never_crash_and_strangers_change_nothing(
    settings: Settings, clock: FakeClock
) -> None:
    with asyncio.Runner() as runner:
        setting = runner.run(set_up(settings, clock))
        sender = Sender(setting)
        counted = [0]

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        )
        @given(st.data())
        def check(data: st.DataObject) -> None:
            plans = data.draw(st.lists(planned_update(setting), min_size=10, max_size=30))
            for plan in plans:
                counted[0] += 1
                runner.run(sender.send(plan))

        try:
            check()
        finally:
            runner.run(setting.bot.stop())
        assert counted[0] >= 10 * EXAMPLES, f"thousands of updates, not {counted[0]}"
