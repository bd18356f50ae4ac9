"""Serving an ASGI application (the desk, the webhook) with uvicorn in the bot's event loop.

uvicorn's `serve()` takes SIGINT and SIGTERM for itself; here `bot.runner` keeps them
(it stops the bot and its servers together), so the server leaves them alone. The
socket is bound before uvicorn takes it, so an address that is taken is one sentence
(a `ConfigError`), not an exit from inside uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp

from bot.config import ConfigError


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None]:
        yield


class AsgiServer:
    """`port = await server.start()`, then `await server.stop()` (requests in progress
    are finished first)."""

    def __init__(self, app: ASGIApp, host: str, port: int, setting: str) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            log_config=None,
            # Request URLs can hold secrets (sign-in links): never logged.
            access_log=False,
            # Behind the organisation's HTTPS reverse proxy, on the same machine.
            proxy_headers=True,
            server_header=False,
        )
        self._server = _Server(config)
        self._setting = setting
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> int:
        """Listen; returns the port (the one the system chose for port 0)."""
        config = self._server.config
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
                f"Cannot listen on {config.host}:{config.port} ({exc.strerror}): choose "
                f"another address ({self._setting})."
            ) from exc
        port = int(sock.getsockname()[1])
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name=self._setting)
        return port

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
            self._task = None
