"""Translations and locale-aware formatting, through Babel.

Each module has its own gettext domain (`bot` for this package, one per
conversation module), so a flow's texts sit in their own catalog; a language's
domains are merged into one `Translations` at start-up.

Message ids are English; Dutch is the reference translation. Placeholders are
named (`{name}`) and filled by `Translator._`, which HTML-escapes the values
because messages are sent with parse mode HTML.

Right-to-left languages (Arabic, Dari, Pashto, Sorani): every placeholder of a
template is wrapped in Unicode isolates (FSI ... PDI) when the template is
formatted, and so are the Dutch words on a client's buttons. A date, a time, an
amount, a reference or a Dutch name then keeps its own direction and does not pull
the punctuation around it to the wrong side. This is done here, in one place, so the
translations stay plain text and a translator cannot forget it.
"""

from __future__ import annotations

import html
import re
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
# First strong isolate and pop directional isolate (Unicode bidi, UAX #9).
FSI = "\u2068"
PDI = "\u2069"
# A `{placeholder}` of a template (with a conversion or format spec, if any) that is
# not isolated yet.
_PLACEHOLDER = re.compile(r"(?<!\u2068)\{\w*(?:![rsa])?(?::[^{}]*)?\}(?!\u2069)")
_ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def isolated(template: str) -> str:
    """`template` with every placeholder wrapped in FSI ... PDI (for right-to-left text)."""
    return _PLACEHOLDER.sub(lambda match: FSI + match.group(0) + PDI, template)


def without_isolates(text: str) -> str:
    """`text` without bidi isolates: a button's text as sent back, whatever the app kept."""
    return text.translate(_ISOLATES)


@dataclass(frozen=True)
class Language:
    """A line of `locales/languages.toml`."""

    code: str
    # The language's own name, in its own script.
    name: str
    # Whether a native speaker has reviewed the texts.
    reviewed: bool = False
    # Babel format patterns used instead of CLDR's where CLDR's are thin or unclear:
    # `date_full`, `date_medium`, `date_short`, `time`, `datetime_short`...
    formats: tuple[tuple[str, str], ...] = ()


def shipped_languages(locales_dir: Path = LOCALES_DIR) -> list[Language]:
    """The shipped languages, in the order of the file (the order of the language buttons)."""
    with (locales_dir / "languages.toml").open("rb") as fh:
        table = tomllib.load(fh)
    return [
        Language(
            code,
            str(entry["name"]),
            reviewed=bool(entry.get("reviewed", False)),
            formats=tuple((str(k), str(v)) for k, v in entry.get("formats", {}).items()),
        )
        for code, entry in table.items()
    ]


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
        self,
        language: str,
        translations: Translations,
        tz: ZoneInfo,
        dutch: Translator | None,
        formats: dict[str, str] | None = None,
    ) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self.right_to_left = self.locale.character_order == "right-to-left"
        self._translations = translations
        self.tz = tz
        # Clients learning Dutch see the Dutch words beside their own on key buttons.
        self._dutch = dutch
        self._formats = formats or {}
        # Babel's formatting is slow next to everything else an update does, and the
        # same few days and times are formatted over and over.
        self._formatted: dict[tuple[object, str], str] = {}
        # Right-to-left templates with their placeholders isolated, made once each.
        self._isolated: dict[str, str] = {}

    def template(self, message: str) -> str:
        """The translation of `message`, unformatted (placeholders isolated when RTL)."""
        return self._rtl(self._translations.gettext(message))

    def _rtl(self, text: str) -> str:
        if not self.right_to_left or "{" not in text:
            return text
        done = self._isolated.get(text)
        if done is None:
            done = self._isolated[text] = isolated(text)
        return done

    def _(self, message: str, **values: Any) -> str:
        """The translation of `message`, its `{placeholders}` filled with escaped values."""
        text = self.template(message)
        return text.format(**_escaped(values)) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        text = self._rtl(self._translations.ngettext(singular, plural, n))
        return text.format(n=self.number(n), **_escaped(values))

    def plain(self, message: str, **values: Any) -> str:
        """Like `_`, without HTML escaping: for button labels and other non-HTML text."""
        text = self.template(message)
        return text.format(**values) if values else text

    def label(self, icon: str, message: str, with_dutch: bool = False) -> str:
        """A button label: icon, text, and for other languages the Dutch words too."""
        own = self.plain(message)
        if with_dutch and self._dutch is not None and self._dutch is not self:
            dutch = self._dutch.plain(message)
            if dutch != own:
                if self.right_to_left:
                    dutch = FSI + dutch + PDI
                return f"{icon} {own} · {dutch}"
        return f"{icon} {own}"

    def date(self, day: date, fmt: str = "full") -> str:
        pattern = self._formats.get(f"date_{fmt}", fmt)
        if type(day) is not date:
            return format_date(day, format=pattern, locale=self.locale)
        key = (day, fmt)
        text = self._formatted.get(key)
        if text is None:
            text = self._remember(key, format_date(day, format=pattern, locale=self.locale))
        return text

    def time(self, at: time | datetime) -> str:
        if isinstance(at, datetime):
            at = at.astimezone(self.tz).time()
        key = (at, "time")
        text = self._formatted.get(key)
        if text is None:
            pattern = self._formats.get("time", "short")
            text = self._remember(key, format_time(at, format=pattern, locale=self.locale))
        return text

    def _remember(self, key: tuple[object, str], text: str) -> str:
        if len(self._formatted) >= FORMAT_CACHE_SIZE:
            self._formatted.clear()
        self._formatted[key] = text
        return text

    def datetime(self, moment: datetime, fmt: str = "medium") -> str:
        pattern = self._formats.get(f"datetime_{fmt}", fmt)
        return format_datetime(moment, format=pattern, tzinfo=self.tz, locale=self.locale)

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
        formats = {lang.code: dict(lang.formats) for lang in self.languages}
        dutch = Translator(
            REFERENCE_LANGUAGE,
            load_translations(locales_dir, REFERENCE_LANGUAGE),
            tz,
            dutch=None,
            formats=formats.get(REFERENCE_LANGUAGE),
        )
        self._translators = {REFERENCE_LANGUAGE: dutch}
        for code in self.codes:
            if code != REFERENCE_LANGUAGE:
                self._translators[code] = Translator(
                    code, load_translations(locales_dir, code), tz, dutch, formats.get(code)
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

    def name_in(self, language: str, t: Translator) -> str:
        """The language as `t`'s reader calls it, with its own name: "Dari (دری)"."""
        own = self.name_of(language)
        names = t.locale.languages
        theirs = names.get(language) or names.get(language.split("_")[0])
        if not theirs or theirs == own:
            return own
        return f"{theirs} ({own})"

    def pick(self, stored: str | None, telegram_code: str | None) -> str:
        """The stored choice, then Telegram's language when we ship it, then the default."""
        if stored in self._translators:
            return stored
        if telegram_code:
            # "fa-AF" is our "fa_AF"; a plain "fa" picks the shipped variant (Dari).
            full = telegram_code.replace("-", "_")
            base = full.split("_")[0].lower()
            for code in (full, base):
                if code in self._translators:
                    return code
            for code in self.codes:
                if code.split("_")[0] == base:
                    return code
        return self.default_language

    def all_translations(self, message: str) -> set[str]:
        return {t.plain(message) for t in self._translators.values()}

    def all_labels(self, icon: str, message: str) -> set[str]:
        """Every label a button for `message` can carry, in any language, with or without Dutch."""
        labels = set()
        for translator in self._translators.values():
            labels.add(without_isolates(translator.label(icon, message)))
            labels.add(without_isolates(translator.label(icon, message, with_dutch=True)))
        return labels
