"""A photo or PDF a client sends outside any flow: a medical certificate, an appointment
proof, or neither.

- With an open sick report: "Is this your medical certificate?" (Yes / No); Yes
  attaches it to the report and sends it on (`bot.actions.sick_reports`).
- Else, with an approved appointment waiting for its proof: "Is this the proof of
  your appointment?" (Yes / No); Yes attaches it (`bot.actions.absences`).
- Else the client hears that the bot does not know what the file is for, and nothing
  is sent. A file that is no photo, image or PDF by its content is refused at once.
- Files of employers and caseworkers are not ours: the catch-all answers them. A file
  a flow waits for (the certificate step, the proof step, the paper evaluation form)
  is that flow's: this module's group comes before every flow, so it can ask them.

The waiting file is kept in the client's scratch data until they answer (the keys
`sick_pending_file` and `appointment_offered`, as before this module had its own).

The diagram: `conversations/loose_files.mmd`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import access, files, flows, menus
from bot import sick_steps as steps
from bot.actions import absences as absence_actions
from bot.actions import sick_reports as actions
from bot.actions.refusals import NotAllowed, NotFound, Refusal
from bot.buttons import ProofOfferNo, ProofOfferYes
from bot.callbacks import Button
from bot.context import BotContext
from bot.handlers_util import flows_will_take
from bot.i18n import N_, I18n
from bot.sick_steps import day_text
from bot.store import absences
from bot.store.models import Person, Role
from bot.store.sick_reports import CertificateMethod

PENDING_FILE = "sick_pending_file"
OFFERED_PROOF = "appointment_offered"
ALREADY_HAVE_PROOF = N_("We already have your proof. Thank you!")
# The proof's No (the certificate's is `flows.NO`), as it was in the appointment flow.
NO = N_("No")


@dataclass(frozen=True)
class CertificateYes(Button, prefix="sick:file:yes"):
    report_id: int


@dataclass(frozen=True)
class CertificateNo(Button, prefix="sick:file:no"):
    pass


def yes_no(context: BotContext, yes: str, no: str, no_label: str) -> InlineKeyboardMarkup:
    t = context.translator
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t.plain(flows.YES_SEND_IT), callback_data=yes),
                InlineKeyboardButton(t.plain(no_label), callback_data=no),
            ]
        ]
    )


async def loose_file(update: Update, context: BotContext) -> None:
    """A photo or document outside any flow: a certificate, an appointment proof, or unknown."""
    message = update.effective_message
    # Asked before any flow has run (this group comes first in `bot.handlers`), so a flow
    # that waits for this file still says so.
    if message is None or flows_will_take(context.application, update, skip=loose_file):
        return
    client = context.person
    if client is None or client.role != Role.CLIENT:
        # Not a client's file: the catch-all answers it.
        context.taken = False
        return
    t = context.translator
    report = await actions.open_report(context.services, client)
    if report is None:
        if await offer_proof(update, context, client):
            return
        text = t._(
            "I do not know what this file is for, so I did not send it to anyone. "
            "Are you sick? Then first press «{button}».",
            button=menus.label(t, menus.Action.SICK),
        )
        await flows.back_to_menu(update, context, text)
        return
    file = steps.incoming_file(message)
    if isinstance(file, steps.FileProblem):
        await flows.say(update, context, steps.problem_text(t, file))
        return
    context.data[PENDING_FILE] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "method": file.method.value,
        "report_id": report.id,
    }
    question = t._(
        "Is this your medical certificate for your sick report {reference} (sick since {day})?",
        reference=report.reference,
        day=day_text(t, report.first_day),
    )
    buttons = yes_no(context, CertificateYes(report.id).pack(), CertificateNo().pack(), flows.NO)
    await flows.say(update, context, question, buttons)


async def offer_proof(update: Update, context: BotContext, client: Person) -> bool:
    """Is it the proof of an approved appointment? False (without a word) when none waits."""
    absence_id = await absence_actions.proof_wanted(context.services, client)
    absence = await absences.get(context.services.db, absence_id) if absence_id else None
    if absence is None:
        return False
    proof = files.photo_or_pdf(update.effective_message)
    if proof is None:
        # A proof is awaited, but this file is none we accept: it goes nowhere.
        await flows.say(update, context, context._(files.NOT_ACCEPTED))
        return True
    file_id, method = proof
    context.data[OFFERED_PROOF] = {"absence": absence.id, "file": file_id, "method": method}
    t = context.translator
    question = t._("Is this the proof of your appointment on {day}?", day=t.date(absence.day))
    buttons = yes_no(context, ProofOfferYes(absence.id).pack(), ProofOfferNo(absence.id).pack(), NO)
    await flows.say(update, context, question, buttons)
    return True


# The certificate: yes or no


async def file_is_certificate(update: Update, context: BotContext) -> None:
    """Yes: attach the waiting file to the client's report and send it on."""
    press = CertificateYes.of(update)
    assert press is not None
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return
    pending = context.data.get(PENDING_FILE)
    if not isinstance(pending, dict) or pending.get("report_id") != press.report_id:
        await flows.refuse(update, context)
        return
    try:
        attached = await actions.attach_certificate(
            context.services,
            client,
            press.report_id,
            pending["file_id"],
            pending["file_unique_id"],
            CertificateMethod(pending["method"]),
        )
    except Refusal as refusal:
        await refuse_press(update, context, refusal)
        return
    del context.data[PENDING_FILE]
    await flows.close_buttons(update)
    await steps.thank_for_certificate(update, context, attached)


async def file_is_not_certificate(update: Update, context: BotContext) -> None:
    """No: forget the file."""
    if await access.require(update, context, Role.CLIENT) is None:
        return
    if PENDING_FILE not in context.data:
        await flows.refuse(update, context)
        return
    context.data.pop(PENDING_FILE, None)
    await flows.close_buttons(update)
    await flows.back_to_menu(update, context, context._("OK. I did not send the file to anyone."))


# The proof: yes or no


def offered_for(context: BotContext, absence_id: int) -> dict[str, Any] | None:
    offered = context.data.get(OFFERED_PROOF)
    if isinstance(offered, dict) and offered.get("absence") == absence_id:
        return offered
    return None


async def proof_confirmed(update: Update, context: BotContext) -> None:
    """«Yes, send it» on an offered proof."""
    press = ProofOfferYes.of(update)
    assert press is not None
    client = await access.require(update, context, Role.CLIENT)
    if client is None:
        return
    offered = offered_for(context, press.absence_id)
    if offered is None:
        await flows.refuse(update, context)
        return
    services = context.services
    try:
        told = await absence_actions.attach_proof(
            services, client, press.absence_id, offered["file"], offered["method"]
        )
    except (NotAllowed, NotFound) as refusal:
        await refuse_press(update, context, refusal)
        return
    except Refusal:
        # Decided otherwise, or a proof came in meanwhile: the offer is over.
        context.data.pop(OFFERED_PROOF, None)
        await flows.close_buttons(update)
        absence = await absences.get(services.db, press.absence_id)
        if absence is not None and absence.proof_file_id is not None:
            await flows.back_to_menu(update, context, context._(ALREADY_HAVE_PROOF))
        else:
            await flows.expired(update, context)
        return
    context.data.pop(OFFERED_PROOF, None)
    await flows.close_buttons(update)
    if told.workplace and told.caseworker:
        text = context._("✅ Thank you! We sent your proof to your workplace and your caseworker.")
    elif told.caseworker:
        text = context._("✅ Thank you! We sent your proof to your caseworker.")
    elif told.workplace:
        text = context._("✅ Thank you! We sent your proof to your workplace.")
    else:
        text = context._(
            "✅ Thank you! We saved your proof, but could not send it on. "
            "Please give it to your caseworker."
        )
    await flows.back_to_menu(update, context, text)


async def proof_refused(update: Update, context: BotContext) -> None:
    """«No» on an offered proof: nothing is sent."""
    press = ProofOfferNo.of(update)
    assert press is not None
    if await access.require(update, context, Role.CLIENT) is None:
        return
    if offered_for(context, press.absence_id) is None:
        await flows.refuse(update, context)
        return
    context.data.pop(OFFERED_PROOF, None)
    await flows.close_buttons(update)
    await flows.back_to_menu(update, context, context._("OK. I did not send it."))


async def refuse_press(update: Update, context: BotContext, refusal: Refusal) -> None:
    """Not theirs: not for you; anything else: the button has expired. Nothing changes."""
    if isinstance(refusal, NotAllowed | NotFound):
        await access.deny(update, context)
    else:
        await flows.refuse(update, context)


def handlers(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    """Loose files and the answers to their questions; in a group before every flow."""
    return [
        MessageHandler(filters.ChatType.PRIVATE & steps.FILES, loose_file),
        CallbackQueryHandler(file_is_certificate, pattern=CertificateYes.matches),
        CallbackQueryHandler(file_is_not_certificate, pattern=CertificateNo.matches),
        CallbackQueryHandler(proof_confirmed, pattern=ProofOfferYes.matches),
        CallbackQueryHandler(proof_refused, pattern=ProofOfferNo.matches),
    ]
