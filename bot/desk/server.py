"""Serving the desk with uvicorn in the bot's event loop (started and stopped by `bot.runner`).

uvicorn's `serve()` takes SIGINT and SIGTERM for itself; here the runner keeps them
(it stops the bot and the desk together), so the server leaves them alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn
from telegram import Bot

from bot.config import ConfigError
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
        """Listen; an address that cannot be taken (a port in use) is a `ConfigError`."""
        config = self._server.config
        # Bound here, so a taken port is one sentence (uvicorn would exit the process).
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        # With the protocol named, asyncio turns Nagle off on each connection (TCP_NODELAY):
        # else a kept-alive connection waits 40 ms for the body after the headers.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((config.host, config.port))
            # Connections wait in the backlog from now on, until uvicorn takes them.
            sock.listen(config.backlog)
        except OSError as exc:
            sock.close()
            raise ConfigError(
                f"The desk cannot listen on DESK_LISTEN={config.host}:{config.port} "
                f"({exc.strerror}): choose another address, or set DESK_ENABLED=no."
            ) from exc
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="desk")
        log.info("The desk listens on %s:%d", config.host, config.port)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
