"""Signing in to the desk as a person does: `/desk` in the chat, then the link it sent."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from bot.desk.app import create_app
from tests.harness import BotHarness, ChatUser

LINK = re.compile(r"https?://\S+/sign-in/[A-Za-z0-9_-]+")


async def link_from_bot(chat: ChatUser) -> str:
    """The sign-in link the bot answers to /desk."""
    await chat.send("/desk")
    found = LINK.search(chat.last_text)
    assert found is not None, chat.last_text
    return found.group(0)


def client(h: BotHarness) -> httpx.AsyncClient:
    """An HTTP client on the desk's ASGI application (the real app, in this process)."""
    app = create_app(h.services, h.app.bot)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=h.services.settings.desk_url
    )


async def signed_in(h: BotHarness, chat: ChatUser) -> httpx.AsyncClient:
    web = client(h)
    link = await link_from_bot(chat)
    answer = await web.post(urlsplit(link).path)
    assert answer.status_code == 303, answer.text
    return web


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)
