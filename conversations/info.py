"""Information: the Job-intro topics as short pages, in the person's language.

"ℹ️ Information" (or /info) shows one button per topic; a button shows that page,
with a button back to the list. The pages are content, not code: the OCMW edits
`locales/<language>/info.toml` (one table per topic, with a `title` and a
`text`); the Dutch file decides which topics exist and their order. Restart the
bot after editing. `tests/test_info.py` fails when a language lacks a page.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import access, menus
from bot.callbacks import Button
from bot.context import BotContext
from bot.i18n import FSI, LOCALES_DIR, PDI, REFERENCE_LANGUAGE, I18n, Translator
from bot.menus import Action
from bot.store.models import Role

INFO_FILE = "info.toml"
LIST = "list"
TOPIC_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
EVERYONE = tuple(Role)


@dataclass(frozen=True)
class ShowPage(Button, prefix="info"):
    """A topic's page (`info:<topic>`), or the list of topics again (`info:list`)."""

    topic: str


@dataclass(frozen=True)
class Page:
    topic: str
    title: str
    text: str


@cache
def load_pages(language: str, locales_dir: Path = LOCALES_DIR) -> dict[str, Page]:
    """The pages of one language, in file order; empty when the language has no file."""
    path = locales_dir / language / INFO_FILE
    if not path.is_file():
        return {}
    with path.open("rb") as fh:
        table = tomllib.load(fh)
    pages = {}
    for topic, entry in table.items():
        if isinstance(entry, dict) and TOPIC_KEY.match(topic):
            pages[topic] = Page(topic, str(entry["title"]).strip(), str(entry["text"]).strip())
    return pages


def topics() -> list[str]:
    """The topics, in the order of the reference (Dutch) file."""
    return list(load_pages(REFERENCE_LANGUAGE))


def page(language: str, topic: str) -> Page | None:
    """A page in the language, or in Dutch when that language lacks it."""
    return load_pages(language).get(topic) or load_pages(REFERENCE_LANGUAGE).get(topic)


def page_text(found: Page) -> str:
    return f"<b>{html.escape(found.title)}</b>\n\n{html.escape(found.text)}"


def topic_label(t: Translator, topic: str, found: Page) -> str:
    """The page's title, and in other languages the Dutch words after it, as on the menu
    ("🧾 قسيمة راتبك · Je loonbrief"): what the workplace and the caseworker call it."""
    dutch = load_pages(REFERENCE_LANGUAGE).get(topic)
    if t.language == REFERENCE_LANGUAGE or dutch is None or dutch.title == found.title:
        return found.title
    words = dutch.title.split(" ", 1)
    # The Dutch title without its icon (the page's own title has one).
    key = words[1] if len(words) == 2 and not words[0][:1].isalnum() else dutch.title
    if t.right_to_left:
        key = FSI + key + PDI
    return f"{found.title} · {key}"


def topic_buttons(t: Translator) -> InlineKeyboardMarkup:
    rows = []
    for topic in topics():
        found = page(t.language, topic)
        if found is not None:
            label = topic_label(t, topic, found)
            rows.append([InlineKeyboardButton(label, callback_data=ShowPage(topic).pack())])
    return InlineKeyboardMarkup(rows)


def back_button(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t.plain("⬅️ All topics"), callback_data=ShowPage(LIST).pack())]]
    )


async def show_topics(update: Update, context: BotContext) -> None:
    """ℹ️ Information: one button per topic."""
    message = update.effective_message
    if message is None or await access.require(update, context, *EVERYONE) is None:
        return
    await message.reply_text(
        context._("ℹ️ What do you want to know? Choose a topic."),
        reply_markup=topic_buttons(context.translator),
    )


async def show_page(update: Update, context: BotContext) -> None:
    """A topic button: that page (or the list again), in place of the message."""
    query = update.callback_query
    press = ShowPage.of(update)
    assert query is not None and press is not None
    if await access.require(update, context, *EVERYONE) is None:
        return
    t = context.translator
    topic = press.topic
    if topic == LIST:
        await query.answer()
        await query.edit_message_text(
            t._("ℹ️ What do you want to know? Choose a topic."),
            reply_markup=topic_buttons(t),
        )
        return
    found = page(t.language, topic)
    if found is None:
        await query.answer(t.plain("This page does not exist (any more)."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(page_text(found), reply_markup=back_button(t))


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return [
        *menus.entry_points(i18n, Action.INFO, show_topics),
        CallbackQueryHandler(show_page, pattern=ShowPage.matches),
    ]
