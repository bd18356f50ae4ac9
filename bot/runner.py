"""Running the bot: long polling until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Update

from bot.app import build_application, open_services, start_background, stop_background
from bot.config import Settings

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> None:
    services = await open_services(settings)
    application = build_application(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        async with application:
            await application.start()
            await start_background(application)
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            log.info("werkervaring-bot is running as @%s", application.bot.username)
            await stop.wait()
            log.info("Stopping")
            await application.updater.stop()
            await stop_background(application)
            await application.stop()
    finally:
        await services.db.close()
