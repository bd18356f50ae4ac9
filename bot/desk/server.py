"""Serving the desk with uvicorn in the bot's event loop (started and stopped by `bot.runner`).

uvicorn's `serve()` takes SIGINT and SIGTERM for itself; here the runner keeps them
(it stops the bot and the desk together), so the server leaves them alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator

import uvicorn
from telegram import Bot

from bot.desk.app import create_app
from bot.services import Services

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None]:
        yield


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
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listen; an address that cannot be taken (a port in use) is an `OSError`."""
        self._task = asyncio.create_task(self._server.serve(), name="desk")
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise OSError("The desk could not listen on DESK_LISTEN (is the port in use?).")
            await asyncio.sleep(0)
        config = self._server.config
        log.info("The desk listens on %s:%d", config.host, config.port)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
