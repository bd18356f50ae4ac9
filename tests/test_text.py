"""Typed text is cleaned before it is stored; limits and the name rule refuse, never cut."""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import I18n
from bot.text import (
    NAME_TOO_SHORT,
    NAME_WITHOUT_LETTER,
    TOO_LONG,
    Refusal,
    check_length,
    check_name,
    clean,
)

ZWNJ, ZWJ = "\u200c", "\u200d"
# Any code point (lone surrogates too: JSON can carry them), and often the ones that
# matter here: controls, format characters, white space, line breaks, accents.
TRICKY = (
    "\x00\x1b\x7f\x85\t\n\r\v\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u2066\u2028"
    " \u00a0\u3000\u0301\u0308e"
)
ANY_TEXT = st.text(
    st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(TRICKY)),
    max_size=60,
)


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("Sa\x00mir\x1b El Amrani", "Samir El Amrani"),
        ("\ufeffSamir", "Samir"),
        ("Sa\u200bmir\u2060 El\u00ad Amrani", "Samir El Amrani"),
        # Bidi embeddings, overrides and isolates.
        ("\u202eSamir\u202c \u2066El\u2069 \u200fAmrani\u200e", "Samir El Amrani"),
        ("  Samir \t\t El\u00a0\u3000Amrani  ", "Samir El Amrani"),
        ("Samir\nEl\r\nAmrani", "Samir El Amrani"),
        # Composed to NFC, also when a removed character kept the accent apart.
        ("Rene\u0301", "René"),
        ("Rene\u200b\u0301", "René"),
        # Persian and Arabic need the zero-width non-joiner; emoji the joiner and tags.
        (f"مهر{ZWNJ}نوش", f"مهر{ZWNJ}نوش"),
        (f"👩{ZWJ}💻", f"👩{ZWJ}💻"),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"),
        ("\U000e0001 tag", "tag"),
        ("\ud800x", "x"),
        ("\u200b \x00 ", ""),
    ],
)
def test_clean_removes_what_nobody_meant_to_type(typed: str, cleaned: str) -> None:
    assert clean(typed) == cleaned


def test_multiline_keeps_single_line_breaks_and_at_most_one_empty_line() -> None:
    typed = "\n\n  Eerste\tregel  \r\n\r\n\r\n\n tweede\u2028derde \x00\n\n"
    assert clean(typed, multiline=True) == "Eerste regel\n\ntweede\nderde"
    assert clean(typed) == "Eerste regel tweede derde"


REMOVED = {"Cc", "Cf", "Cs"}


def removed(char: str, multiline: bool) -> bool:
    if multiline and char == "\n":
        return False
    if char in (ZWNJ, ZWJ) or 0xE0020 <= ord(char) <= 0xE007F:
        return False
    return unicodedata.category(char) in REMOVED


@given(ANY_TEXT, st.booleans())
def test_cleaning_is_idempotent_never_longer_and_leaves_nothing_removed(
    typed: str, multiline: bool
) -> None:
    cleaned = clean(typed, multiline)
    assert clean(cleaned, multiline) == cleaned
    assert len(cleaned) <= len(typed)
    assert not any(removed(char, multiline) for char in cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()
    lines = cleaned.split("\n")
    assert all(line == " ".join(line.split()) for line in lines)
    assert "\n\n\n" not in cleaned
    if not multiline:
        assert len(lines) == 1


@given(st.text(st.characters(codec="utf-8"), max_size=30).filter(lambda t: t == clean(t)))
def test_clean_text_is_kept_as_it_is(typed: str) -> None:
    assert clean(typed) == typed


def test_a_limit_is_refused_with_the_limit_and_the_length() -> None:
    assert check_length("x" * 300, 300) is None
    refusal = check_length("x" * 4096, 300)
    assert refusal == Refusal(TOO_LONG, {"limit": 300, "typed": 4096})
    assert str(refusal) == "That is too long: at most 300 characters, you typed 4,096."
    i18n = I18n("nl", ZoneInfo("Europe/Brussels"))
    assert refusal.text(i18n.translator("nl")) == (
        "Dat is te lang: maximaal 300 tekens, dit zijn er 4.096."
    )
    assert refusal.text(i18n.translator("en")) == str(refusal)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Samir El Amrani", None),
        ("Al", None),
        (f"مهر{ZWNJ}نوش", None),
        ("Олена Коваленко", None),
        ("x" * 100, None),
        ("A", NAME_TOO_SHORT),
        ("", NAME_TOO_SHORT),
        ("12", NAME_WITHOUT_LETTER),
        ("👩‍💻 !", NAME_WITHOUT_LETTER),
        ("x" * 101, TOO_LONG),
        ("1" * 4096, TOO_LONG),
    ],
)
def test_the_name_rule(name: str, message: str | None) -> None:
    refusal = check_name(name)
    assert (refusal.message if refusal else None) == message


def test_name_refusals_say_why() -> None:
    assert str(check_name("A")) == "That name is too short: a name has at least 2 characters."
    assert str(check_name("007")) == "That is not a name: a name has at least one letter."
