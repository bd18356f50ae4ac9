"""The desk on its own address (`DESK_LISTEN`), in the bot's event loop (see `bot.serving`)."""

from __future__ import annotations

import logging

from telegram import Bot

from bot.desk.app import create_app
from bot.services import Services
from bot.serving import AsgiServer

log = logging.getLogger(__name__)


class DeskServer:
    def __init__(self, services: Services, bot: Bot) -> None:
        settings = services.settings
        self._host = settings.desk_host
        self._server = AsgiServer(
            create_app(services, bot),
            settings.desk_host,
            settings.desk_port,
            "DESK_LISTEN, or DESK_ENABLED=no",
        )

    async def start(self) -> None:
        """Listen; an address that is taken is a `ConfigError`."""
        port = await self._server.start()
        log.info("The desk listens on %s:%d", self._host, port)

    async def stop(self) -> None:
        await self._server.stop()
