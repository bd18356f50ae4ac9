"""Phone numbers of employer contacts and caseworkers: read as people type them, shown
so that Telegram makes them tappable.

Typed the Belgian way (`03 123 45 67`, `0470 12 34 56`, `+32 470 12 34 56`, dots,
slashes or dashes between the digits) or with any country code; stored in E.164
(`+32470123456`); shown in international format (`+32 470 12 34 56`), which Telegram
turns into a number to tap on every phone. The rules are Google's, through the
`phonenumbers` library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import phonenumbers

from bot.i18n import N_
from bot.text import Refusal, clean

if TYPE_CHECKING:
    from bot.i18n import Translator
    from bot.store.models import Person

REGION = "BE"
# The example in the refusal is in the message id itself: the same in every language.
NOT_A_NUMBER = N_(
    "That is not a phone number. Type it like this: 0470 12 34 56 or 03 123 45 67 (or with +32)."
)
# More is no phone number (and would be stored as typed in a refusal's log).
LONGEST_TYPED = 40
# A Belgian landline has 8 digits after the 0, a mobile 9 starting with 4. The library's
# table of allocated ranges lags behind: `03 123 45 67` is a real Antwerp number to
# people, so a landline of the right length is taken even when the table does not
# know its range yet.
LANDLINE_DIGITS = 8


def parse_phone(text: str) -> str | None:
    """The number in E.164 (`+32470123456`), or None when `text` is no phone number."""
    typed = clean(text)
    if not typed or len(typed) > LONGEST_TYPED:
        return None
    try:
        number = phonenumbers.parse(typed, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or _belgian_landline(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _belgian_landline(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return (
        number.country_code == 32
        and len(national) == LANDLINE_DIGITS
        and not national.startswith("4")
        and phonenumbers.is_possible_number(number)
    )


def check_phone(text: str) -> Refusal | None:
    """None when `text` is a phone number; else why not, with an example."""
    return None if parse_phone(text) is not None else Refusal(NOT_A_NUMBER)


def shown(phone: str) -> str:
    """A stored number as people read it and Telegram makes it tappable: +32 470 12 34 56."""
    try:
        number = phonenumbers.parse(phone, REGION)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def refusal_text(t: Translator) -> str:
    """The refusal in the person's language."""
    return Refusal(NOT_A_NUMBER).text(t)


# What a client reads: whom to call, with the number, or whom to ask for it.


def call_workplace(t: Translator, contact: Person | None, caseworker: Person | None) -> str:
    """ "Please call your workplace now", with the contact's number, or whom to ask for it."""
    if contact is not None and contact.phone:
        return t._(
            "Please call your workplace now: {name}, {phone}.",
            name=contact.name,
            phone=shown(contact.phone),
        )
    if caseworker is not None and caseworker.phone:
        return t._(
            "Please call your workplace now. Ask your caseworker {name} for the number: {phone}.",
            name=caseworker.name,
            phone=shown(caseworker.phone),
        )
    if caseworker is not None:
        return t._(
            "Please call your workplace now. Ask your caseworker {name} for the number.",
            name=caseworker.name,
        )
    return t._("Please call your workplace now.")


def call_caseworker(t: Translator, caseworker: Person | None) -> str:
    """ "Please call your caseworker", with their number, or whom to ask for it."""
    if caseworker is not None and caseworker.phone:
        return t._(
            "Please call your caseworker {name}: {phone}.",
            name=caseworker.name,
            phone=shown(caseworker.phone),
        )
    if caseworker is not None:
        return t._(
            "Please call your caseworker {name}. Your social centre has the number.",
            name=caseworker.name,
        )
    return t._("Please call your caseworker. Your social centre has the number.")


def workplace_line(t: Translator, contact: Person | None, caseworker: Person | None) -> str:
    """On the first-day card and in "My internship": the workplace's number."""
    if contact is not None and contact.phone:
        return t._(
            "📞 Your workplace: {name}, {phone}", name=contact.name, phone=shown(contact.phone)
        )
    if caseworker is not None:
        return t._(
            "📞 The number of your workplace: ask your caseworker {name}.", name=caseworker.name
        )
    return ""


def caseworker_line(t: Translator, caseworker: Person) -> str:
    """On the first-day card and in "My internship": the caseworker, with their number."""
    if caseworker.phone:
        return t._(
            "👤 Your caseworker: {name}, {phone}",
            name=caseworker.name,
            phone=shown(caseworker.phone),
        )
    return t._("👤 Your caseworker: {name}", name=caseworker.name)
