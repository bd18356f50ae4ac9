"""The menu of each role: reply-keyboard buttons, their commands, and how to match them.

A menu button is matched in every shipped language (and with the Dutch words
added), so a client whose keyboard was built before a language change still
gets the right flow.

Clients learning Dutch: in any other language a client's button shows their own
words and the Dutch ones (`🤒 Hastayım · Ik ben ziek`), one button per row so the
longer labels stay readable on a phone. Employers and caseworkers get the plain
label in their language, several per row.

The language buttons (`lang:<code>`) show each language's own name, so a person
can find theirs whatever language the question is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.buttons import ChooseLanguage
from bot.i18n import N_, I18n, Translator, without_isolates
from bot.store.models import Role


class Action(StrEnum):
    SICK = "sick"
    LATE = "late"
    ABSENCE = "absence"
    ACCIDENT = "accident"
    FIRST_DAY = "firstday"
    MY_INTERNSHIP = "internship"
    INFO = "info"
    LANGUAGE = "language"
    HOURS = "hours"
    EVALUATION = "evaluation"
    NO_SHOW = "noshow"
    NEW_INTERNSHIP = "newinternship"
    CASELOAD = "caseload"
    EXPORT = "export"
    SETTINGS = "settings"
    STAFF = "caseworkers"
    DESK = "desk"
    HELP = "help"
    CANCEL = "cancel"


@dataclass(frozen=True)
class MenuItem:
    action: Action
    icon: str
    text: str

    @property
    def command(self) -> str:
        return self.action.value


ITEMS = {
    item.action: item
    for item in (
        MenuItem(Action.SICK, "🤒", N_("I am sick")),
        MenuItem(Action.LATE, "⏰", N_("I will be late")),
        MenuItem(Action.ABSENCE, "📅", N_("Absent / appointment")),
        MenuItem(Action.ACCIDENT, "🚑", N_("Accident at work")),
        MenuItem(Action.FIRST_DAY, "🏁", N_("My first workday")),
        MenuItem(Action.MY_INTERNSHIP, "📋", N_("My internship")),
        MenuItem(Action.INFO, "ℹ️", N_("Information")),
        MenuItem(Action.LANGUAGE, "🌐", N_("Language")),
        MenuItem(Action.HOURS, "⏱", N_("Internship hours")),
        MenuItem(Action.EVALUATION, "📝", N_("Evaluation")),
        MenuItem(Action.NO_SHOW, "🚫", N_("Trainee did not come")),
        MenuItem(Action.NEW_INTERNSHIP, "➕", N_("New internship")),
        MenuItem(Action.CASELOAD, "📂", N_("My caseload")),
        MenuItem(Action.EXPORT, "📤", N_("Export hours")),
        MenuItem(Action.SETTINGS, "🔔", N_("Notifications")),
        MenuItem(Action.STAFF, "👥", N_("Caseworkers")),
        MenuItem(Action.DESK, "🖥", N_("Desk")),
        MenuItem(Action.HELP, "❓", N_("Help")),
        MenuItem(Action.CANCEL, "✖️", N_("Cancel")),
    )
}

# The keyboard of each role, row by row. Clients get few, big buttons.
LAYOUTS: dict[Role, list[list[Action]]] = {
    Role.CLIENT: [
        [Action.SICK],
        [Action.LATE, Action.ABSENCE],
        [Action.ACCIDENT],
        [Action.FIRST_DAY, Action.MY_INTERNSHIP],
        [Action.INFO, Action.LANGUAGE],
    ],
    Role.EMPLOYER: [
        [Action.HOURS, Action.EVALUATION],
        [Action.NO_SHOW],
        [Action.LANGUAGE, Action.HELP],
    ],
    Role.CASEWORKER: [
        [Action.CASELOAD, Action.NEW_INTERNSHIP],
        [Action.EXPORT, Action.SETTINGS],
        [Action.DESK, Action.LANGUAGE, Action.HELP],
    ],
    Role.ADMIN: [
        [Action.CASELOAD, Action.NEW_INTERNSHIP],
        [Action.EXPORT, Action.SETTINGS],
        [Action.STAFF, Action.DESK],
        [Action.LANGUAGE, Action.HELP],
    ],
}

COMMAND_DESCRIPTIONS: dict[Action, str] = {
    Action.CANCEL: N_("Stop what you are doing"),
    Action.HELP: N_("What can I do here?"),
}


def label(translator: Translator, action: Action, role: Role = Role.CLIENT) -> str:
    item = ITEMS[action]
    return translator.label(item.icon, item.text, with_dutch=role == Role.CLIENT)


def keyboard(role: Role, translator: Translator) -> ReplyKeyboardMarkup:
    """The persistent menu keyboard of a role, in the person's language."""
    rows = LAYOUTS[role]
    if role == Role.CLIENT and translator.language != "nl":
        # With the Dutch words added, labels need a row of their own to stay readable.
        rows = [[action] for row in rows for action in row]
    return ReplyKeyboardMarkup(
        [[label(translator, action, role) for action in row] for row in rows],
        resize_keyboard=True,
        is_persistent=True,
    )


def commands(role: Role, translator: Translator) -> list[BotCommand]:
    """The Telegram command menu of a role, in the person's language."""
    actions = [action for row in LAYOUTS[role] for action in row]
    if Action.HELP not in actions:
        actions.append(Action.HELP)
    actions.append(Action.CANCEL)
    return [
        BotCommand(
            action.value,
            translator.plain(COMMAND_DESCRIPTIONS.get(action, ITEMS[action].text)),
        )
        for action in actions
    ]


class MenuButton(filters.MessageFilter):
    """Matches the text of a menu button in any shipped language."""

    def __init__(self, i18n: I18n, action: Action) -> None:
        item = ITEMS[action]
        self.labels = frozenset(i18n.all_labels(item.icon, item.text))
        super().__init__(name=f"MenuButton({action.value})")

    def filter(self, message: Message) -> bool:
        # Right-to-left labels carry bidi isolates (`bot.i18n`); compared without them.
        return without_isolates(message.text or "") in self.labels


class AnyMenuButton(filters.MessageFilter):
    """Matches the text of any menu button, in any shipped language.

    For a flow's typed-text states (`filters.TEXT & ~AnyMenuButton(i18n)`) and its
    fallback that ends the flow when another menu button is pressed.
    """

    def __init__(self, i18n: I18n) -> None:
        self.labels = frozenset(
            label for item in ITEMS.values() for label in i18n.all_labels(item.icon, item.text)
        )
        super().__init__(name="AnyMenuButton")

    def filter(self, message: Message) -> bool:
        # Right-to-left labels carry bidi isolates (`bot.i18n`); compared without them.
        return without_isolates(message.text or "") in self.labels


class Leaving(filters.MessageFilter):
    """A command or a menu button: the person leaves the flow they are in for another.

    A flow's fallback with this filter only ends the flow; the gatekeeper does not
    count it as a flow taking the update, so an unknown command still gets an answer.
    """

    def __init__(self, i18n: I18n) -> None:
        self._menu = AnyMenuButton(i18n)
        super().__init__(name="Leaving")

    def filter(self, message: Message) -> bool:
        return bool(filters.COMMAND.filter(message)) or self._menu.filter(message)


def entry_points(i18n: I18n, action: Action, callback: Any) -> list[BaseHandler[Any, Any, Any]]:
    """The command and the menu button that start a flow."""
    return [
        CommandHandler(action.value, callback),
        MessageHandler(MenuButton(i18n, action), callback),
    ]


async def send_menu(bot: Bot, chat_id: int, role: Role, translator: Translator, text: str) -> None:
    """Send `text` with the person's menu keyboard, and show only their commands."""
    await bot.send_message(chat_id, text, reply_markup=keyboard(role, translator))
    await bot.set_my_commands(commands(role, translator), scope=BotCommandScopeChat(chat_id))


async def remove_menu(bot: Bot, chat_id: int, text: str) -> None:
    """Send `text` and take away any menu keyboard and commands (for people not linked)."""
    await bot.send_message(chat_id, text, reply_markup=ReplyKeyboardRemove())
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))


LANGUAGE_QUESTION = N_("🌐 Which language do you want?")


def language_keyboard(i18n: I18n) -> InlineKeyboardMarkup:
    """One button per shipped language, each with the language's own name, two per row."""
    buttons = [
        InlineKeyboardButton(language.name, callback_data=ChooseLanguage(language.code).pack())
        for language in i18n.languages
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def ask_language(bot: Bot, chat_id: int, i18n: I18n, text: str) -> None:
    """Send `text` (a question) with the language buttons."""
    await bot.send_message(chat_id, text, reply_markup=language_keyboard(i18n))
