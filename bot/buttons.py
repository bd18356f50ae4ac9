"""Button families that more than one module uses: built in one place (a notification,
a reminder), pressed in another (a conversation). Each is a `bot.callbacks.Button`.

Families that only one conversation builds and handles live in that conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks import Button

# Languages (built by `bot.menus.language_keyboard`, pressed in `conversations.language`).


@dataclass(frozen=True)
class ChooseLanguage(Button, prefix="lang"):
    code: str
