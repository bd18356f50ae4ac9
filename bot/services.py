"""The services every handler can reach through `context.services`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.i18n import I18n
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
