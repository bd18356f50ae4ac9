"""Our `CallbackContext`: the person behind the update, their translator, the services."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Translator
from bot.services import Services
from bot.store.models import Person

SERVICES_KEY = "services"


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Handlers write `context._("…")` for the person's language and use `context.person`.

    Both are set by the gatekeeper (`conversations.gatekeeper`), which runs first for
    every update.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.person: Person | None = None
        # Whether a flow will handle this update; the catch-all answers only when not.
        self.taken = False
        services: Services = application.bot_data[SERVICES_KEY]
        self.translator: Translator = services.i18n.translator(None)

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES_KEY]
        return services

    def _(self, message: str, **values: Any) -> str:
        return self.translator._(message, **values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        return self.translator.ngettext(singular, plural, n, **values)

    @property
    def data(self) -> dict[Any, Any]:
        """The user's scratch data for the flow in progress (persisted)."""
        data = self.user_data
        if data is None:
            raise RuntimeError("no user data for this update")
        return data
