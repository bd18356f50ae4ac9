"""Running the bot until SIGINT or SIGTERM: long polling, or a webhook.

Both confirm an update to Telegram only after its effects are committed (see
`bot.polling` and `bot.webhook`), so stopping, or being killed, at any moment loses
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot.app import (
    BotApplication,
    build_application,
    start_background,
    stop_background,
)
from bot.config import ConfigError, Settings
from bot.desk.server import DeskServer
from bot.polling import Poller, pause_after
from bot.services import open_services
from bot.webhook import MAX_CONNECTIONS, SECRET_PATTERN, WebhookServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookOptions:
    url: str
    port: int
    secret_token: str
    listen: str = "127.0.0.1"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


def webhook_options(args: argparse.Namespace) -> WebhookOptions | None:
    """The webhook options of `werkervaring-bot run`, checked; None for long polling."""
    url = getattr(args, "webhook", None)
    if not url:
        return None
    if urlsplit(url).scheme not in ("https", "http") or not urlsplit(url).netloc:
        raise ConfigError(f"--webhook {url!r} is not a URL such as https://bot.example.org/hook.")
    token = args.secret_token or ""
    if not SECRET_PATTERN.match(token):
        raise ConfigError(
            "--webhook needs --secret-token: 1 to 256 letters, digits, underscores or dashes, "
            "that only you and Telegram know."
        )
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port {args.port} is not a port number (1-65535).")
    return WebhookOptions(url=url, port=args.port, secret_token=token, listen=args.listen)


async def run(settings: Settings, webhook: WebhookOptions | None = None) -> None:
    """Run until a signal asks to stop."""
    try:
        await _run(settings, webhook)
    except InvalidToken as exc:
        raise ConfigError(
            "Telegram does not accept TELEGRAM_BOT_TOKEN: check it with @BotFather (/token)."
        ) from exc


def keep_to_one_core() -> int | None:
    """Keep this process, and the threads it starts from now on, on one processor core;
    returns the core, or None where the system does not allow it.

    The bot is one Python process: its event loop and aiosqlite's database thread take
    turns, so a second core adds little, while every statement handed between the two
    threads on different cores waits for one core to wake the other. On the virtual
    machines measured that wake-up is most of a statement's cost (about 150 µs a trip,
    against 25 µs on one core); `make bench` measures the bot this way.
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = max(os.sched_getaffinity(0))
    try:
        os.sched_setaffinity(0, {core})
    except OSError:
        return None
    return core


async def _run(settings: Settings, webhook: WebhookOptions | None) -> None:
    if settings.one_core:
        # Before open_services: aiosqlite's thread takes the core of the thread starting it.
        core = keep_to_one_core()
        if core is not None:
            log.info("Running on processor core %d (ONE_CORE=no lets the system choose)", core)
    services = await open_services(settings)
    application = build_application(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        if not await _initialize(application, stop):
            return
        try:
            # Before the bot starts: a desk address that is taken stops here, in one sentence.
            desk = DeskServer(services, application.bot) if settings.desk_enabled else None
            if desk is not None:
                await desk.start()
            try:
                await application.start()
                await start_background(application)
                if webhook is None:
                    await _poll(application, stop)
                else:
                    await _serve_webhook(application, webhook, stop)
            finally:
                if desk is not None:
                    await desk.stop()
            log.info("Stopping")
            await stop_background(application)
            await application.stop()
        finally:
            await application.shutdown()
    finally:
        await services.db.close()


async def run_polling(settings: Settings) -> None:
    await run(settings)


async def _initialize(application: BotApplication, stop: asyncio.Event) -> bool:
    """Initialize (which asks Telegram who we are), waiting while Telegram is unreachable."""
    failures = 0
    while not stop.is_set():
        try:
            await application.initialize()
            return True
        except InvalidToken:
            raise
        except TelegramError as exc:
            failures += 1
            log.warning("Cannot reach Telegram (%s); trying again", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause_after(failures))
    return False


async def _poll(application: BotApplication, stop: asyncio.Event) -> None:
    await _telegram_call(stop, lambda: application.bot.delete_webhook())
    poller = Poller(application)
    task = asyncio.create_task(poller.run(), name="polling")
    log.info("werkervaring-bot is running as @%s (long polling)", application.bot.username)
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    poller.stop()
    waiter.cancel()
    # An update being handled is finished first; its effects and its confirmation agree.
    await task


async def _serve_webhook(
    application: BotApplication, options: WebhookOptions, stop: asyncio.Event
) -> None:
    server = WebhookServer(
        application, options.path, options.secret_token, options.listen, options.port
    )
    await server.start()
    try:
        await _telegram_call(
            stop,
            lambda: application.bot.set_webhook(
                options.url,
                secret_token=options.secret_token,
                allowed_updates=Update.ALL_TYPES,
                # Telegram keeps each chat's updates in order across connections.
                max_connections=MAX_CONNECTIONS,
            ),
        )
        log.info("werkervaring-bot is running as @%s (webhook)", application.bot.username)
        await stop.wait()
    finally:
        await server.stop()


async def _telegram_call(stop: asyncio.Event, call: Callable[[], Awaitable[object]]) -> None:
    """Call Telegram until it answers (or we are asked to stop)."""
    failures = 0
    while not stop.is_set():
        try:
            await call()
            return
        except InvalidToken:
            raise
        except TelegramError as exc:
            failures += 1
            log.warning("Telegram did not answer (%s); trying again", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause_after(failures))
