"""The desk's sign-in link: `/desk` or "🖥 Desk" (caseworkers and admins).

One step, no state: the bot answers with a one-time link to the web desk
(`bot.actions.desk`), valid ten minutes. The link's preview is turned off, so
Telegram does not open it; the desk also asks for one press before it signs in.
"""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.ext import BaseHandler

from bot import menus
from bot.actions import desk
from bot.context import BotContext
from bot.flows import staff
from bot.i18n import I18n
from bot.menus import Action


async def send_link(update: Update, context: BotContext) -> None:
    person = await staff(update, context)
    chat = update.effective_chat
    if person is None or chat is None:
        return
    link = await desk.sign_in_link(context.services, person)
    text = context.translator._(
        "🖥 Open the desk on your computer with this link. It works once, for 10 minutes, "
        "and only for you: do not forward it.\n\n{link}",
        link=link,
    )
    await context.bot.send_message(
        chat.id, text, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    return menus.entry_points(i18n, Action.DESK, send_link)
