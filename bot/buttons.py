"""Button families that more than one module uses: built in one place (a notification,
a reminder), pressed in another (a conversation). Each is a `bot.callbacks.Button`.

Families that only one conversation builds and handles live in that conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.callbacks import Button

# Languages (built by `bot.menus.language_keyboard`, pressed in `conversations.language`).


@dataclass(frozen=True)
class ChooseLanguage(Button, prefix="lang"):
    code: str


# Absences (the "absences" flows: conversations appointment, appointment_decision,
# appointment_proof; notices in bot.notices.absences). The data strings are those of
# the buttons already in people's chats.


@dataclass(frozen=True)
class ApproveRequest(Button, prefix="appt:ok"):
    """✅ Approve, on a request for time off (to the workplace, or the caseworker)."""

    absence_id: int


@dataclass(frozen=True)
class DeclineRequest(Button, prefix="appt:no"):
    """❌ Decline, beside ✅ Approve."""

    absence_id: int


@dataclass(frozen=True)
class SendProof(Button, prefix="appt:proof"):
    """📎 Send proof, on the reminder the morning after an approved appointment."""

    absence_id: int


@dataclass(frozen=True)
class ProofOfferYes(Button, prefix="appt:pyes"):
    """Yes: the file sent outside any flow is the proof of this appointment."""

    absence_id: int


@dataclass(frozen=True)
class ProofOfferNo(Button, prefix="appt:pno"):
    """No: it is not."""

    absence_id: int


@dataclass(frozen=True)
class AppointmentCancel(Button, prefix="appt:cancel"):
    """✖️ on every question of the appointment flows (request, decline reason, proof)."""


# Sick reports (owner: the sick-report flows). The reminders of `bot.notices.sick_reports`
# and the three sick conversations build these; the conversations press them. Data
# strings as before the codecs, so buttons already in people's chats keep working.


@dataclass(frozen=True)
class SickLonger(Button, prefix="sick:longer"):
    """📅 I am sick longer / 🤒 I am still sick: a new expected end for this report."""

    report_id: int


@dataclass(frozen=True)
class SickBetter(Button, prefix="sick:better"):
    """✅ I am better: the day back at work; closes this report."""

    report_id: int


@dataclass(frozen=True)
class SickLength(Button, prefix="sick:len"):
    """How long (or how much longer): days, a week, not known yet, or until a day."""

    choice: Literal["1", "2", "3", "7", "unknown", "other"]


@dataclass(frozen=True)
class SickUntil(Button, prefix="sick:until"):
    """The expected last sick day, from the day buttons."""

    day: date


@dataclass(frozen=True)
class SickSend(Button, prefix="sick:send"):
    """✅ Yes, send it: under every summary of the sick flows."""


@dataclass(frozen=True)
class SickAgain(Button, prefix="sick:again"):
    """✏️ Change: ask again."""


@dataclass(frozen=True)
class SickCancel(Button, prefix="sick:cancel"):
    """The Cancel button under every question of the sick flows."""


@dataclass(frozen=True)
class SickLater(Button, prefix="sick:later"):
    """⏰ Later: the medical certificate comes later."""


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


# The evaluation's opening (`conversations.evaluation`) shows these, and the next flow,
# `conversations.evaluation_entry`, takes them: continue, start again, or the answer to
# the first area of a fresh evaluation (every later area is asked there too).


@dataclass(frozen=True)
class EvaluationResume(Button, prefix="eval:resume"):
    """▶️ Continue the evaluation draft where it was left."""


@dataclass(frozen=True)
class EvaluationRestart(Button, prefix="eval:restart"):
    """🔁 Throw the evaluation draft away and start again."""


@dataclass(frozen=True)
class EvaluationLevel(Button, prefix="eval:level"):
    """The level (its key in the form) of the area at `index`."""

    index: int
    level: str


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
class SendInvite(Button, prefix="cw:inv"):
    """✉️ New invite for a workplace's contact who has not linked yet (on a report the
    workplace could not get): a fresh link to forward (`conversations.caseload_people`)."""

    internship_id: int
    person_id: int


@dataclass(frozen=True)
class AskPhone(Button, prefix="cl:phone"):
    """📞 Phone numbers, in the detail: whose number to change (`conversations.phone_number`)."""

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
