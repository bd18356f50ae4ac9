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


# The caseworker's buttons (i18-caseworker). Built by the notifications (`bot.notify`),
# the digest, the caseload's detail (`bot.caseload`) and the caseworker flows; pressed in
# `conversations.caseload` (open, later, lock, no), `caseload_extend`, `caseload_move`,
# `caseload_close`, `caseload_people` and `new_internship`.


@dataclass(frozen=True)
class OpenInternship(Button, prefix="cw:open"):
    """📂 Open: the detail of the internship."""

    internship_id: int


@dataclass(frozen=True)
class ExtendBy(Button, prefix="cw:extend"):
    """➕ Extend by n workdays (asks to confirm, with the new dates)."""

    internship_id: int
    workdays: int


@dataclass(frozen=True)
class RemindLater(Button, prefix="cw:later"):
    """⏰ Later: when to be reminded of the internship."""

    internship_id: int


@dataclass(frozen=True)
class AskExtension(Button, prefix="cl:ext"):
    internship_id: int


@dataclass(frozen=True)
class AskNewStart(Button, prefix="cl:move"):
    internship_id: int


@dataclass(frozen=True)
class AskOutcome(Button, prefix="cl:close"):
    internship_id: int


@dataclass(frozen=True)
class AskSecondChance(Button, prefix="cl:again"):
    internship_id: int


@dataclass(frozen=True)
class AskReassign(Button, prefix="cl:reas"):
    internship_id: int


@dataclass(frozen=True)
class AskRelink(Button, prefix="cl:link"):
    internship_id: int


@dataclass(frozen=True)
class LockHours(Button, prefix="cl:lock"):
    internship_id: int


@dataclass(frozen=True)
class AskCancel(Button, prefix="cl:cancel"):
    internship_id: int


@dataclass(frozen=True)
class Dismiss(Button, prefix="cl:no"):
    """✖️ No, under a confirmation question: nothing happens."""

    internship_id: int


@dataclass(frozen=True)
class NewInternshipFor(Button, prefix="ni:again"):
    """➕ New internship for the client of this (closed) internship: a second chance."""

    previous_id: int


# The weekdays of a new internship: asked at the end of `conversations.new_internship`,
# answered in `conversations.new_internship_plan` (which the press starts). And ✅ Create,
# shown by `new_internship_plan`, pressed in `conversations.new_internship_create`.


@dataclass(frozen=True)
class Weekday(Button, prefix="ni:day"):
    """Switch one weekday (Monday 0) of the schedule on or off."""

    weekday: int


@dataclass(frozen=True)
class WeekdaysDone(Button, prefix="ni:days:ok"):
    """Done ✔️: the weekdays are right."""


def is_weekday(data: object) -> bool:
    """For `pattern=`: a weekday button (Monday 0 to Sunday 6)."""
    press = Weekday.parse(data)
    return press is not None and 0 <= press.weekday <= 6


def is_weekday_answer(data: object) -> bool:
    """For `pattern=`: any press of the weekday question."""
    return is_weekday(data) or WeekdaysDone.matches(data)


@dataclass(frozen=True)
class CreateInternship(Button, prefix="ni:create"):
    """✅ Create, under the summary of the new internship."""
