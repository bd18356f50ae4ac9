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
