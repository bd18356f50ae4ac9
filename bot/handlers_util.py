"""Small helpers about the handler groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, ConversationHandler, MessageHandler

from bot.menus import Leaving

FIRST_FLOW_GROUP = 1
FALLBACK_GROUP = 1000


def flows_will_take(
    application: Application[Any, Any, Any, Any, Any, Any],
    update: Update,
    skip: Callable[..., Any] | None = None,
) -> bool:
    """Whether a flow's handler will take this update (other than the group of `skip`).

    Asked before any flow runs (by the gatekeeper): afterwards, a conversation that
    just ended would no longer claim the update it handled.
    """
    for group, group_handlers in application.handlers.items():
        if not FIRST_FLOW_GROUP <= group < FALLBACK_GROUP:
            continue
        if skip is not None and any(
            getattr(handler, "callback", None) is skip for handler in group_handlers
        ):
            continue
        for handler in group_handlers:
            check = handler.check_update(update)
            if check is None or check is False:
                continue
            if _only_leaves(handler, check):
                continue
            return True
    return False


def _only_leaves(handler: BaseHandler[Any, Any, Any], check: object) -> bool:
    """Whether a conversation would take the update only to end itself (`menus.Leaving`)."""
    if not isinstance(handler, ConversationHandler) or not isinstance(check, tuple):
        return False
    inner = check[2] if len(check) == 4 else None
    if isinstance(inner, ConversationHandler):
        # A nested conversation (`map_to_parent`): whether it only leaves.
        return _only_leaves(inner, check[3])
    return isinstance(inner, MessageHandler) and isinstance(inner.filters, Leaving)
