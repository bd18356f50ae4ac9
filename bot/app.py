"""The one factory that builds the bot, for `werkervaring-bot run` and for the tests alike."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.config import Settings
from bot.context import SERVICES_KEY, BotContext
from bot.db import Database
from bot.handlers import register_handlers, register_reminders
from bot.i18n import I18n
from bot.outbox import Outbox
from bot.persistence import SqlitePersistence
from bot.reminders import Reminders
from bot.services import Services

log = logging.getLogger(__name__)

# How often the reminder heartbeat looks for due reminders.
TICK_SECONDS = 30
_STOP_KEY = "background_stop"

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


class WerkervaringApplication(BotApplication):
    """PTB's Application, writing conversation state to the database after every update."""

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        # Written at once, so a crash right after never loses a step the user saw.
        await self.update_persistence()


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Open the database and build the services (the caller closes `services.db`)."""
    i18n = I18n(settings.default_language, settings.timezone)
    db = await Database.open(settings.database_path)
    clock = clock or Clock()
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        i18n=i18n,
        outbox=Outbox(db, clock, i18n),
        reminders=Reminders(),
    )


def build_application(
    services: Services,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> BotApplication:
    """The bot: token, persistence, time zone, rate limiter, handlers and error handler."""
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .application_class(WerkervaringApplication)
        .token(settings.token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(tzinfo=settings.timezone, parse_mode="HTML"))
        .persistence(SqlitePersistence(services.db))
        .rate_limiter(AIORateLimiter())
        # One update at a time keeps each person's steps in order.
        .concurrent_updates(False)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.api_file_url:
        builder = builder.base_file_url(settings.api_file_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application: BotApplication = builder.build()  # type: ignore[assignment]
    application.bot_data[SERVICES_KEY] = services
    register_reminders(services.reminders)
    register_handlers(application, services.i18n)
    return application


def services_of(application: BotApplication) -> Services:
    services: Services = application.bot_data[SERVICES_KEY]
    return services


async def tick(context: BotContext) -> None:
    """The heartbeat: send the reminders that are due."""
    await context.services.reminders.dispatch_due(context.services)


async def start_background(application: BotApplication) -> None:
    """Start the reminder heartbeat and the outbox worker (needs `application.start()`)."""
    services = services_of(application)
    stop = asyncio.Event()
    application.bot_data[_STOP_KEY] = stop
    if application.job_queue is not None:
        application.job_queue.run_repeating(tick, interval=TICK_SECONDS, first=1, name="tick")
    application.create_task(services.outbox.run(application.bot, stop), name="outbox")


async def stop_background(application: BotApplication) -> None:
    stop: asyncio.Event | None = application.bot_data.get(_STOP_KEY)
    if stop is not None:
        stop.set()
