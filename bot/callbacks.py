"""Inline-button data: each family of buttons is one class that packs and parses itself.

A button and the handler of its press cannot drift apart when both use the same
class (as aiogram's `CallbackData`):

    @dataclass(frozen=True)
    class Extend(Button, prefix="cw:extend"):
        internship_id: int
        workdays: int

    InlineKeyboardButton("➕", callback_data=Extend(12, 3).pack())   # "cw:extend:12:3"
    CallbackQueryHandler(extend, pattern=Extend.matches)              # PTB accepts a callable
    press = Extend.of(update)                                         # Extend(12, 3), or None

Fields are `int` (0 up to 2**53, so an id fits), `str` (without ":"), `datetime.date`
(ISO), a `StrEnum`, a `Literal[...]` of strings, or `X | None` of those ("-" in the
data). Data that does not parse, has the wrong number of parts or an unknown
value is no press of that family: `of` and `parse` give None, so forged or old
data gets the short "expired" answer and never reaches code that could raise.
Telegram allows 64 bytes; `pack` refuses more.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self, get_args, get_origin

from telegram import Update

MAX_BYTES = 64
SEPARATOR = ":"
NONE = "-"
MAX_INT = 2**53
_INT = re.compile(r"^(0|[1-9][0-9]{0,15})$")

# Every family, by prefix (for the tests: round trips, lengths, no clashes).
FAMILIES: dict[str, type[Button]] = {}


class Button:
    """The base of every family; subclasses are frozen dataclasses with a `prefix`."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[tuple[str, Any], ...]]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix:
            raise TypeError(f"{cls.__name__} needs a prefix")
        if prefix in FAMILIES:
            raise TypeError(f"two button families with the prefix {prefix!r}")
        cls.prefix = prefix
        FAMILIES[prefix] = cls

    @classmethod
    def _field_types(cls) -> tuple[tuple[str, Any], ...]:
        known = cls.__dict__.get("_fields")
        if known is None:
            hints = typing.get_type_hints(cls)
            known = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))  # type: ignore[arg-type]
            cls._fields = known
        return known

    def pack(self) -> str:
        parts = [self.prefix]
        for name, kind in self._field_types():
            parts.append(_pack_value(getattr(self, name), kind))
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"button data {data!r} is longer than Telegram's {MAX_BYTES} bytes")
        return data

    @classmethod
    def parse(cls, data: object) -> Self | None:
        if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
            return None
        head = cls.prefix + SEPARATOR
        fields = cls._field_types()
        if not fields:
            return cls() if data == cls.prefix else None
        if not data.startswith(head):
            return None
        parts = data[len(head) :].split(SEPARATOR)
        if len(parts) != len(fields):
            return None
        values = []
        for part, (_, kind) in zip(parts, fields, strict=True):
            value = _parse_value(part, kind)
            if value is _INVALID:
                return None
            values.append(value)
        return cls(*values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For `CallbackQueryHandler(pattern=...)`: whether `data` is a press of this family."""
        return cls.parse(data) is not None

    @classmethod
    def of(cls, update: Update) -> Self | None:
        """The press of this family the update carries, or None."""
        query = update.callback_query
        return cls.parse(query.data) if query is not None else None


_INVALID = object()


def _optional(kind: Any) -> tuple[Any, bool]:
    if get_origin(kind) in (typing.Union, types.UnionType):
        args = [a for a in get_args(kind) if a is not type(None)]
        if len(args) == 1 and len(get_args(kind)) == 2:
            return args[0], True
    return kind, False


def _pack_value(value: Any, kind: Any) -> str:
    kind, optional = _optional(kind)
    if value is None:
        if not optional:
            raise ValueError("a button field that is not optional is None")
        return NONE
    if kind is date:
        return str(value.isoformat())
    if kind is int:
        if not 0 <= value <= MAX_INT:
            raise ValueError(f"{value} is out of range for button data")
        return str(value)
    text = str(value.value if isinstance(value, StrEnum) else value)
    if SEPARATOR in text or text == NONE or not text:
        raise ValueError(f"{text!r} cannot be button data")
    return text


def _parse_value(part: str, kind: Any) -> Any:
    kind, optional = _optional(kind)
    if part == NONE:
        return None if optional else _INVALID
    if kind is int:
        if not _INT.match(part) or int(part) > MAX_INT:
            return _INVALID
        return int(part)
    if kind is date:
        try:
            return date.fromisoformat(part) if len(part) == 10 else _INVALID
        except ValueError:
            return _INVALID
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        try:
            return kind(part)
        except ValueError:
            return _INVALID
    if get_origin(kind) is Literal:
        return part if part in get_args(kind) else _INVALID
    if kind is str:
        return part if part else _INVALID
    raise TypeError(f"button field type {kind!r} is not supported")
