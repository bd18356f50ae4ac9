"""Every handler and every reminder kind of the bot, registered in one place, in order.

Groups: the gatekeeper runs first (-100) for every update. Each conversation has
a group of its own, so pressing a menu button inside one flow can end that flow
(its fallbacks) and start the next one (an entry point in a later group). The
catch-all answers last, and only when nothing else took the update.
"""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, TypeHandler
from telegram.warnings import PTBUserWarning

from bot import errors, fallback, gatekeeper, notify, privacy
from bot.actions import absences, internships, sick_reports
from bot.actions import evaluations as evaluation_actions
from bot.actions import first_day as first_day_actions
from bot.handlers_util import FALLBACK_GROUP, FIRST_FLOW_GROUP
from bot.i18n import I18n
from bot.reminders import Reminders
from conversations import (
    accident,
    appointment,
    appointment_decision,
    appointment_proof,
    caseload,
    caseload_close,
    caseload_extend,
    caseload_move,
    caseload_people,
    desk_sign_in,
    evaluation,
    evaluation_entry,
    export,
    first_day,
    hours,
    hours_entry,
    info,
    language,
    late,
    loose_files,
    my_internship,
    new_internship,
    new_internship_create,
    new_internship_plan,
    no_show,
    notification_settings,
    phone_number,
    sick_better,
    sick_longer,
    sick_report,
    staff,
    start,
)

GATEKEEPER_GROUP = -100


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any], i18n: I18n) -> None:
    application.add_handler(TypeHandler(Update, gatekeeper.identify), group=GATEKEEPER_GROUP)

    # One group per flow, in this order.
    with warnings.catch_warnings():
        # Each flow mixes typed answers and buttons, so it must follow the person
        # (per_message=False); PTB warns that buttons are then not tracked per message,
        # which is what we want (`bot.flows` closes a question's buttons once answered).
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        flows = _flows(i18n)
    for group, handlers in enumerate(flows, start=FIRST_FLOW_GROUP):
        application.add_handlers(handlers, group=group)

    application.add_handlers(fallback.handlers(i18n), group=FALLBACK_GROUP)
    application.add_error_handler(errors.on_error)


def _flows(i18n: I18n) -> list[list[BaseHandler[Any, Any, Any]]]:
    return [
        start.handlers(i18n),
        # Before every flow: it asks them whether one waits for the file, before they run.
        loose_files.handlers(i18n),
        _sick_report(i18n),
        language.handlers(i18n),
        first_day.handlers(i18n),
        my_internship.handlers(i18n),
        info.handlers(i18n),
        # Part two before part one: when part one starts again, part two first drops the
        # draft it shares, then part one begins a new one.
        new_internship_plan.handlers(i18n),
        new_internship.handlers(i18n),
        new_internship_create.handlers(i18n),
        caseload.handlers(i18n),
        caseload_extend.handlers(i18n),
        caseload_move.handlers(i18n),
        caseload_close.handlers(i18n),
        caseload_people.handlers(i18n),
        staff.handlers(i18n),
        phone_number.handlers(i18n),
        notification_settings.handlers(i18n),
        export.handlers(i18n),
        desk_sign_in.handlers(i18n),
        hours.handlers(i18n),
        hours_entry.handlers(i18n),
        evaluation.handlers(i18n),
        evaluation_entry.handlers(i18n),
        late.handlers(i18n),
        appointment.handlers(i18n),
        appointment_decision.handlers(i18n),
        appointment_proof.handlers(i18n),
        accident.handlers(i18n),
        no_show.handlers(i18n),
    ]


def _sick_report(i18n: I18n) -> list[BaseHandler[Any, Any, Any]]:
    """The sick report with the open report's sub-flows nested in it."""
    sub_flows = [
        sick_longer.conversation(i18n),
        sick_better.conversation(i18n, certificate_step=sick_report.State.CERTIFICATE),
    ]
    return sick_report.handlers(i18n, sub_flows)


def register_reminders(reminders: Reminders) -> None:
    """Every reminder kind and the internship planners (see `bot.reminders`)."""
    reminders.register(privacy.PURGE_KIND, privacy.scheduled_purge)
    evaluation_actions.register_reminders(reminders)
    first_day_actions.register_reminders(reminders)
    internships.register_reminders(reminders)
    notify.register_reminders(reminders)
    absences.register_reminders(reminders)
    sick_reports.register_reminders(reminders)
