"""Serving the desk with uvicorn in the bot's event loop (started and stopped by `bot.runner`).

uvicorn's `serve()` would take over SIGINT and SIGTERM from the runner, so the server
is started and stopped step by step: the runner keeps deciding when the process stops.
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from telegram import Bot

from bot.desk.app import create_app
from bot.services import Services

log = logging.getLogger(__name__)


class DeskServer:
    def __init__(self, services: Services, bot: Bot) -> None:
        settings = services.settings
        config = uvicorn.Config(
            create_app(services, bot),
            host=settings.desk_host,
            port=settings.desk_port,
            lifespan="off",
            log_config=None,
            access_log=False,
            # Behind the organisation's HTTPS reverse proxy, on the same machine.
            proxy_headers=True,
            server_header=False,
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._server.startup()
        if self._server.should_exit:
            raise OSError("The desk could not listen on DESK_LISTEN (is the port in use?).")
        self._task = asyncio.create_task(self._server.main_loop(), name="desk")
        log.info("The desk listens on %s:%d", self._server.config.host, self._server.config.port)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        await self._server.shutdown()
