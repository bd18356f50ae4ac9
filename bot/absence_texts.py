"""How absences read, in anyone's language: the flows and the notifications share these.

The client's own flows (late, appointment), the employer's "trainee did not come"
and every notification about an absence (to the workplace, the caseworker or the
client) say a kind of appointment, a day, a time span or a number of minutes the
same way.
"""

from __future__ import annotations

from datetime import date, time

from bot.i18n import N_, Translator
from bot.notify import Told, told_text
from bot.store.absences import Absence, Category

CATEGORIES: dict[Category, tuple[str, str]] = {
    Category.DOCTOR: ("🩺", N_("Doctor or hospital")),
    Category.OCMW: ("🏛", N_("OCMW or social centre")),
    Category.DUTCH_LESSON: ("📚", N_("Dutch lesson")),
    Category.COURT_POLICE: ("⚖️", N_("Court or police")),
    Category.CHILDCARE_SCHOOL: ("🧒", N_("Child care or school")),
    Category.OTHER: ("📌", N_("Something else")),
}


def category_label(t: Translator, category: Category | None) -> str:
    """The kind of appointment with its icon ("🩺 Doctor or hospital")."""
    icon, text = CATEGORIES[category or Category.OTHER]
    return f"{icon} {t.plain(text)}"


def day_text(t: Translator, day: date) -> str:
    """The full date ("maandag 30 november 2026") in the person's language."""
    return t.date(day)


def span_text(t: Translator, start: time, end: time) -> str:
    """A time span in the person's language ("9:00–11:30")."""
    return f"{t.time(start)}–{t.time(end)}"


def absence_span(t: Translator, absence: Absence) -> str:
    """The appointment's time span, or "" when it has none."""
    if absence.start_time and absence.end_time:
        return span_text(t, absence.start_time, absence.end_time)
    return ""


def minutes_label(t: Translator, minutes: int) -> str:
    """How late: whole hours as hours ("1 hour"), anything else in minutes ("45 minutes")."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return t.ngettext("{n} hour", "{n} hours", hours)
    return t.ngettext("{n} minute", "{n} minutes", minutes)


def proof_thanks(t: Translator, told: Told) -> str:
    """The client's receipt for a proof: who got it (never "sent" when nobody could)."""
    if told.workplace and told.caseworker:
        return t._("✅ Thank you! We sent your proof to your workplace and your caseworker.")
    return t._("✅ Thank you! We saved your proof.") + "\n" + told_text(t, told)


# A proof came already (the reminder's button, or the offer, pressed again).
PROOF_ALREADY_SENT = N_("We already have your proof. Thank you!")
