"""Every handler and every reminder kind of the bot, registered in one place, in order.

Groups: the gatekeeper runs first (-100) for every update. Each conversation has
a group of its own, so pressing a menu button inside one flow can end that flow
(its fallbacks) and start the next one (an entry point in a later group). The
catch-all answers last, and only when nothing else took the update.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot import errors, fallback, gatekeeper
from bot.handlers_util import FALLBACK_GROUP, FIRST_FLOW_GROUP
from bot.i18n import I18n
from bot.reminders import Reminders
from conversations import start

GATEKEEPER_GROUP = -100


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any], i18n: I18n) -> None:
    application.add_handler(TypeHandler(Update, gatekeeper.identify), group=GATEKEEPER_GROUP)

    # One group per flow, in this order.
    flows = [
        start.handlers(i18n),
    ]
    for group, handlers in enumerate(flows, start=FIRST_FLOW_GROUP):
        application.add_handlers(handlers, group=group)

    application.add_handlers(fallback.handlers(i18n), group=FALLBACK_GROUP)
    application.add_error_handler(errors.on_error)


def register_reminders(reminders: Reminders) -> None:
    """Every reminder kind and the internship planners (see `bot.reminders`)."""
