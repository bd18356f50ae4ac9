"""Translations and locale-aware formatting, through Babel.

Each module has its own gettext domain (`bot` for this package, one per
conversation module), so a flow's texts sit in their own catalog; a language's
domains are merged into one `Translations` at start-up.

Message ids are English; Dutch is the reference translation. Placeholders are
named (`{name}`) and filled by `Translator._`, which HTML-escapes the values
because messages are sent with parse mode HTML.
"""

from __future__ import annotations

import html
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
REFERENCE_LANGUAGE = "nl"
# Formatted dates and times kept per language (a few years of days and every minute).
FORMAT_CACHE_SIZE = 4096


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


@dataclass(frozen=True)
class Language:
    code: str
    name: str


def shipped_languages(locales_dir: Path = LOCALES_DIR) -> list[Language]:
    with (locales_dir / "languages.toml").open("rb") as fh:
        table = tomllib.load(fh)
    return [Language(code, str(entry["name"])) for code, entry in table.items()]


def load_translations(locales_dir: Path, language: str) -> Translations:
    """All compiled domains of one language merged into one catalog."""
    merged: Translations | None = None
    folder = locales_dir / language / "LC_MESSAGES"
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as fh:
            catalog = Translations(fh, domain=mo.stem)
        # The first catalog is the base so its plural rule (Arabic has six forms) is kept.
        if merged is None:
            merged = catalog
        else:
            merged.merge(catalog)
    return merged if merged is not None else Translations()


class Translator:
    """Texts and formats for one language."""

    def __init__(
        self, language: str, translations: Translations, tz: ZoneInfo, dutch: Translator | None
    ) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = translations
        self.tz = tz
        # Clients learning Dutch see the Dutch words beside their own on key buttons.
        self._dutch = dutch
        # Babel's formatting is slow next to everything else an update does, and the
        # same few days and times are formatted over and over.
        self._formatted: dict[tuple[object, str], str] = {}

    def _(self, message: str, **values: Any) -> str:
        """The translation of `message`, its `{placeholders}` filled with escaped values."""
        text = self._translations.gettext(message)
        return text.format(**_escaped(values)) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **_escaped(values))

    def plain(self, message: str, **values: Any) -> str:
        """Like `_`, without HTML escaping: for button labels and other non-HTML text."""
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def label(self, icon: str, message: str, with_dutch: bool = False) -> str:
        """A button label: icon, text, and for other languages the Dutch words too."""
        own = self.plain(message)
        if with_dutch and self._dutch is not None and self._dutch is not self:
            dutch = self._dutch.plain(message)
            if dutch != own:
                return f"{icon} {own} · {dutch}"
        return f"{icon} {own}"

    def date(self, day: date, fmt: str = "full") -> str:
        if type(day) is not date:
            return format_date(day, format=fmt, locale=self.locale)
        key = (day, fmt)
        text = self._formatted.get(key)
        if text is None:
            text = self._remember(key, format_date(day, format=fmt, locale=self.locale))
        return text

    def time(self, at: time | datetime) -> str:
        if isinstance(at, datetime):
            at = at.astimezone(self.tz).time()
        key = (at, "time")
        text = self._formatted.get(key)
        if text is None:
            text = self._remember(key, format_time(at, format="short", locale=self.locale))
        return text

    def _remember(self, key: tuple[object, str], text: str) -> str:
        if len(self._formatted) >= FORMAT_CACHE_SIZE:
            self._formatted.clear()
        self._formatted[key] = text
        return text

    def datetime(self, moment: datetime, fmt: str = "medium") -> str:
        return format_datetime(moment, format=fmt, tzinfo=self.tz, locale=self.locale)

    def number(self, value: float | int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def money(self, cents: int) -> str:
        return format_currency(Decimal(cents) / 100, "EUR", locale=self.locale)


def _escaped(values: dict[str, Any]) -> dict[str, Any]:
    return {k: html.escape(v) if isinstance(v, str) else v for k, v in values.items()}


class I18n:
    """Every shipped language's translator, and the rules for picking one."""

    def __init__(self, default_language: str, tz: ZoneInfo, locales_dir: Path = LOCALES_DIR):
        self.languages = shipped_languages(locales_dir)
        self.codes = [lang.code for lang in self.languages]
        if default_language not in self.codes:
            raise ValueError(
                f"DEFAULT_LANGUAGE={default_language!r} is not shipped; choose one of "
                f"{', '.join(self.codes)}."
            )
        self.default_language = default_language
        dutch = Translator(
            REFERENCE_LANGUAGE,
            load_translations(locales_dir, REFERENCE_LANGUAGE),
            tz,
            dutch=None,
        )
        self._translators = {REFERENCE_LANGUAGE: dutch}
        for code in self.codes:
            if code != REFERENCE_LANGUAGE:
                self._translators[code] = Translator(
                    code, load_translations(locales_dir, code), tz, dutch
                )

    def translator(self, language: str | None) -> Translator:
        return self._translators.get(language or "", self._translators[self.default_language])

    def is_shipped(self, language: str | None) -> bool:
        return language in self._translators

    def name_of(self, language: str) -> str:
        """The language's own name ("Türkçe"), as listed in `languages.toml`."""
        for lang in self.languages:
            if lang.code == language:
                return lang.name
        raise KeyError(language)

    def pick(self, stored: str | None, telegram_code: str | None) -> str:
        """The stored choice, then Telegram's language when we ship it, then the default."""
        if stored in self._translators:
            return stored
        if telegram_code:
            base = telegram_code.split("-")[0].lower()
            if base in self._translators:
                return base
        return self.default_language

    def all_translations(self, message: str) -> set[str]:
        return {t.plain(message) for t in self._translators.values()}

    def all_labels(self, icon: str, message: str) -> set[str]:
        """Every label a button for `message` can carry, in any language, with or without Dutch."""
        labels = set()
        for translator in self._translators.values():
            labels.add(translator.label(icon, message))
            labels.add(translator.label(icon, message, with_dutch=True))
        return labels
