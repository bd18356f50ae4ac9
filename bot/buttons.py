"""Button families that more than one module uses: built in one place (a notification,
a reminder), pressed in another (a conversation). Each is a `bot.callbacks.Button`.

Families that only one conversation builds and handles live in that conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.callbacks import Button

# Employer (hours, evaluation, first day; the "employer" part of issue 18). The
# evaluation reminders carry the first two, the first-day checklist the third; the
# hours flow's mode and resume buttons are shown by `conversations.hours` and pressed
# in `conversations.hours_entry`.


@dataclass(frozen=True)
class HoursStart(Button, prefix="hours:start"):
    """Open the hours of this trainee (a trainee button, or a reminder's)."""

    internship_id: int


@dataclass(frozen=True)
class EvaluationStart(Button, prefix="eval:start"):
    """Open the evaluation of this trainee (a trainee button, or a reminder's)."""

    internship_id: int


@dataclass(frozen=True)
class FirstDayReady(Button, prefix="fd:ready"):
    """✅ Ready: the workplace has prepared the trainee's first day."""

    internship_id: int


@dataclass(frozen=True)
class HoursMode(Button, prefix="hours:mode"):
    """Give the hours per workday, or as one total."""

    mode: Literal["day", "total"]


@dataclass(frozen=True)
class HoursResume(Button, prefix="hours:resume"):
    """▶️ Continue the hours where they were left."""
