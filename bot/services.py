"""The services every handler can reach through `context.services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import Clock, FakeClock
from bot.config import Settings
from bot.db import Database
from bot.i18n import I18n
from bot.limits import Limits
from bot.outbox import Outbox
from bot.reminders import Reminders


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    i18n: I18n
    outbox: Outbox
    reminders: Reminders

    def now_local(self) -> datetime:
        """Now, in the bot's time zone (Europe/Brussels unless configured)."""
        return self.clock.now().astimezone(self.settings.timezone)

    def today(self) -> date:
        """Today, in the bot's time zone: the day every rule about days counts from."""
        return self.now_local().date()


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Open the database and build the services (the caller closes `services.db`)."""
    i18n = I18n(settings.default_language, settings.timezone)
    db = await Database.open(settings.database_path)
    clock = clock or Clock()
    # On a fake clock (tests, in-process benchmarks) nobody waits in real time for a limit.
    limits = Limits(enabled=not isinstance(clock, FakeClock))
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        i18n=i18n,
        outbox=Outbox(db, clock, i18n, limits),
        reminders=Reminders(),
    )
