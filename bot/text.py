"""Typed text, cleaned before it is stored, and the limits it must keep.

People type on cheap phones, paste from other apps and use keyboards for many
scripts; what arrives may carry control characters (NUL, ESC), invisible format
characters (zero-width spaces, byte-order marks, bidi overrides) and odd runs of
white space. `clean` removes them, so what is stored, searched and shown to others
is what the person meant. A too-long text is refused with its limit (`check_length`),
never cut; a name follows the name rule (`check_name`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.i18n import Translator

NAME_SHORTEST = 2
NAME_LONGEST = 100

TOO_LONG = N_("That is too long: at most {limit} characters, you typed {typed}.")
NAME_TOO_SHORT = N_("That name is too short: a name has at least {least} characters.")
NAME_WITHOUT_LETTER = N_("That is not a name: a name has at least one letter.")

# Format characters (Unicode category Cf) a script or an emoji needs: Persian and Arabic
# words change their letters' shapes with the zero-width non-joiner, and emoji
# sequences (👩‍💻) are joined with the zero-width joiner.
KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
# The tag characters of subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿 (Scotland).
EMOJI_TAGS = range(0xE0020, 0xE0080)
# The characters `str.splitlines` breaks lines at.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _kept(char: str, multiline: bool) -> str:
    """What one character becomes: itself, a space, a line break, or nothing."""
    if char in LINE_BREAKS:
        return "\n" if multiline else " "
    category = unicodedata.category(char)
    if category == "Cc":
        # A tab (or another control that means white space) separates words.
        return " " if char.isspace() else ""
    if category == "Cf":
        return char if char in KEPT_FORMAT or ord(char) in EMOJI_TAGS else ""
    if category == "Cs":
        # A lone surrogate (possible in JSON) is no character and cannot be stored.
        return ""
    return char


def clean(text: str, multiline: bool = False) -> str:
    """The text without control and invisible format characters, in Unicode NFC, with
    each run of white space one space and no space at either end.

    With `multiline`, line breaks are kept, with at most one empty line in a row.
    """
    # Normalised after the removal: a removed character may have kept a letter and
    # its accent apart.
    text = text.replace("\r\n", "\n")
    text = unicodedata.normalize("NFC", "".join(_kept(char, multiline) for char in text))
    if not multiline:
        return " ".join(text.split())
    lines: list[str] = []
    for line in text.split("\n"):
        folded = " ".join(line.split())
        if folded or (lines and lines[-1]):
            lines.append(folded)
    return "\n".join(lines).strip("\n")


@dataclass(frozen=True)
class Refusal:
    """Why a typed text is refused: a message id and its numbers."""

    message: str
    numbers: Mapping[str, int] = field(default_factory=dict)

    def text(self, t: Translator) -> str:
        """The reason in the person's language, the numbers written their way (4.096)."""
        return t._(self.message, **{key: t.number(n) for key, n in self.numbers.items()})

    def __str__(self) -> str:
        """The reason in English, for the command line and the CSV import."""
        return self.message.format(
            **{key: format_decimal(n, locale="en") for key, n in self.numbers.items()}
        )


def check_length(text: str, limit: int, message: str = TOO_LONG) -> Refusal | None:
    """None when `text` has at most `limit` characters; else the refusal `message`
    (placeholders `{limit}` and `{typed}`)."""
    if len(text) <= limit:
        return None
    return Refusal(message, {"limit": limit, "typed": len(text)})


def check_name(text: str, limit: int = NAME_LONGEST) -> Refusal | None:
    """None when `text` (cleaned) is a name: 2 to `limit` characters, at least one letter."""
    too_long = check_length(text, limit)
    if too_long is not None:
        return too_long
    if len(text) < NAME_SHORTEST:
        return Refusal(NAME_TOO_SHORT, {"least": NAME_SHORTEST})
    if not any(unicodedata.category(char).startswith("L") for char in text):
        return Refusal(NAME_WITHOUT_LETTER)
    return None
