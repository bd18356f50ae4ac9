"""Webhook mode: a small HTTP server that answers Telegram only after the commit.

PTB's own webhook server answers Telegram's request before the update is handled,
so a crash in between loses it. Here the answer waits for `handle_update`: 200 once
the update's effects are committed (or it was handled before), 503 when Telegram
was unreachable while handling it (Telegram sends it again later), 403 without
the secret token.

It speaks plain HTTP/1.1, one request per connection: put it behind the HTTPS
reverse proxy that Telegram's webhooks need. Telegram sends the next update of a
chat only after the previous one was answered, and updates of different chats at
the same time (up to `MAX_CONNECTIONS`); `bot.chat_order` keeps each chat in
order here too.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from telegram import Update

from bot.app import BotApplication, Outcome, WerkervaringApplication
from bot.polling import RETRY_FOR

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
MAX_BODY = 1 << 20
READ_TIMEOUT = 30.0
# How many requests Telegram may have open at once (`setWebhook max_connections`).
MAX_CONNECTIONS = 40


class BadRequestError(Exception):
    """The HTTP request cannot be understood."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


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
        self._server: asyncio.Server | None = None
        self._handling: set[asyncio.Task[Any]] = set()
        # When each update still being retried by Telegram first came in.
        self._first_seen: dict[int, float] = {}

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        # With port 0 the system picks one; tests read it here.
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("Webhook server listening on %s:%s%s", self.host, self.port, self.path)

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        # An update being handled finishes (or is undone) before we return.
        if self._handling:
            await asyncio.wait(self._handling)
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                request = await asyncio.wait_for(read_request(reader), READ_TIMEOUT)
            except (BadRequestError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                status = HTTPStatus.BAD_REQUEST
            else:
                status = await self.respond(request)
            await write_response(writer, status)
        except ConnectionError:
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def respond(self, request: Request) -> HTTPStatus:
        """The status for one request; handles the update it carries first."""
        if request.path.split("?", 1)[0] != self.path:
            return HTTPStatus.NOT_FOUND
        if request.method != "POST":
            return HTTPStatus.METHOD_NOT_ALLOWED
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
            log.warning("Webhook request without the right secret token refused")
            return HTTPStatus.FORBIDDEN
        try:
            data = json.loads(request.body)
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


async def read_request(reader: asyncio.StreamReader) -> Request:
    line = (await reader.readline()).decode("latin-1").strip()
    parts = line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequestError
    headers: dict[str, str] = {}
    while True:
        header = (await reader.readline()).decode("latin-1")
        if header in ("\r\n", "\n", ""):
            break
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
        if len(headers) > 100:
            raise BadRequestError
    length = int(headers.get("content-length", "0"))
    if not 0 <= length <= MAX_BODY:
        raise BadRequestError
    body = await reader.readexactly(length) if length else b""
    return Request(parts[0].upper(), parts[1], headers, body)


async def write_response(writer: asyncio.StreamWriter, status: HTTPStatus) -> None:
    body = status.phrase.encode()
    writer.write(
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()
