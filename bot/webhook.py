"""Webhook mode: Telegram's POSTs, answered only after the commit.

PTB's own webhook server answers Telegram's request before the update is handled,
so a crash in between loses it. Here the answer waits for `handle_update`: 200 once
the update's effects are committed (or it was handled before), 503 when Telegram
was unreachable while handling it (Telegram sends it again later), 403 without
the secret token.

A Starlette route served by uvicorn in the bot's event loop (`bot.serving`, as the
desk), plain HTTP, one request per connection: put it behind the HTTPS reverse proxy
that Telegram's webhooks need. Telegram sends the next update of a chat only after
the previous one was answered, and updates of different chats at the same time (up
to `MAX_CONNECTIONS`); `bot.chat_order` keeps each chat in order here too.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from telegram import Update

from bot.app import BotApplication, Outcome, WerkervaringApplication
from bot.polling import RETRY_FOR
from bot.serving import AsgiServer

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_BODY = 1 << 20
# How many requests Telegram may have open at once (`setWebhook max_connections`).
MAX_CONNECTIONS = 40


class WebhookServer:
    """`await server.start()`, then `await server.stop()`; the application must be started."""

    def __init__(
        self,
        application: BotApplication,
        path: str,
        secret_token: str,
        host: str = "127.0.0.1",
        port: int = 8443,
    ) -> None:
        if not isinstance(application, WerkervaringApplication):
            raise TypeError("the webhook needs the application built by bot.app")
        if not SECRET_PATTERN.match(secret_token):
            raise ValueError("the secret token must be 1-256 letters, digits, _ or -")
        self.application: WerkervaringApplication = application
        self.path = "/" + path.strip("/")
        self.secret_token = secret_token
        self.host = host
        self.port = port
        app = Starlette(
            routes=[Route(self.path, self._receive, methods=["POST"])],
            # Another path (404) or method (405) closes the connection too.
            exception_handlers={404: _refused, 405: _refused},
        )
        self._server = AsgiServer(app, host, port, "--listen and --port")
        self._handling: set[asyncio.Task[Any]] = set()
        # When each update still being retried by Telegram first came in.
        self._first_seen: dict[int, float] = {}

    async def start(self) -> None:
        # With port 0 the system picks one; tests read it here.
        self.port = await self._server.start()
        log.info("Webhook server listening on %s:%s%s", self.host, self.port, self.path)

    async def stop(self) -> None:
        # uvicorn finishes the requests in progress: an update being handled finishes
        # (or is undone) before we return.
        await self._server.stop()
        if self._handling:
            await asyncio.wait(self._handling)

    async def _receive(self, request: Request) -> PlainTextResponse:
        body = await _body(request)
        status = HTTPStatus.BAD_REQUEST if body is None else await self.respond(request, body)
        return _answer(status)

    async def respond(self, request: Request, body: bytes) -> HTTPStatus:
        """The status for one POST to the path; handles the update it carries first."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
            log.warning("Webhook request without the right secret token refused")
            return HTTPStatus.FORBIDDEN
        try:
            data = json.loads(body)
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError):
            return HTTPStatus.BAD_REQUEST
        if update is None:
            return HTTPStatus.BAD_REQUEST
        return await self._handle(update)

    async def _handle(self, update: Update) -> HTTPStatus:
        task = asyncio.current_task()
        assert task is not None
        self._handling.add(task)
        try:
            outcome: list[Outcome] = []
            await self.application.update_processor.process_update(
                update, self._outcome(update, outcome)
            )
        finally:
            self._handling.discard(task)
        if not outcome or outcome[0] is Outcome.RETRY:
            return HTTPStatus.SERVICE_UNAVAILABLE
        self._first_seen.pop(update.update_id, None)
        return HTTPStatus.OK

    async def _outcome(self, update: Update, outcome: list[Outcome]) -> None:
        first = self._first_seen.setdefault(update.update_id, time.monotonic())
        try:
            result = await self.application.handle_update(
                update, may_retry=time.monotonic() - first < RETRY_FOR
            )
        except Exception:
            log.exception("Update %s not stored; Telegram will send it again", update.update_id)
            result = Outcome.RETRY
        outcome.append(result)


def _answer(status: HTTPStatus) -> PlainTextResponse:
    # One request per connection, as Telegram makes them.
    return PlainTextResponse(status.phrase, status.value, headers={"Connection": "close"})


async def _refused(request: Request, exc: Exception) -> PlainTextResponse:
    assert isinstance(exc, HTTPException)
    return _answer(HTTPStatus(exc.status_code))


async def _body(request: Request) -> bytes | None:
    """The body, or None when it is larger than an update can be."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)
