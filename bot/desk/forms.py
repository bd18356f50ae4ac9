"""The desk's forms that make things: a new internship, the CSV import, the hours.

The new internship is `bot.actions.internships.create` with the same checks as the
bot's flow; the import is the command line's (`bot.exports`: every row checked
first, then all or nothing); the hours page and its CSV are `export hours`.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from babel.dates import get_day_names
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot import workdays
from bot.actions import internships as actions
from bot.actions import people as people_actions
from bot.actions.people import Invitation
from bot.actions.refusals import InvalidValue, Refusal, require_role
from bot.desk.web import HEADERS, Desk, Visit, page
from bot.exports import (
    HoursRow,
    ImportFailed,
    check_import,
    hours_csv_bytes,
    hours_rows,
    import_internships,
)
from bot.i18n import N_
from bot.parsing import Yearless, parse_clock, parse_day
from bot.store import caseload, people, workplaces
from bot.store.models import Role, Schedule, WorkplaceKind

Handler = Callable[[Request], Awaitable[Response]]
STAFF = (Role.CASEWORKER, Role.ADMIN)
MAX_UPLOAD = 1024 * 1024
WHY = {
    "length": N_("The length must be 1 to 60 workdays."),
    "schedule": N_("Pick at least one weekday, and an end after the start."),
    "start": N_("The first day must be a workday of the schedule, today or later."),
    "language": N_("Pick one of the languages."),
    "workplace": N_("Pick a workplace, or add a new one with its address (not both)."),
    "address": N_("The address is too long (at most 200 characters)."),
    "text": N_("A first-day text is too long (at most 300 characters)."),
    "private": N_("A private employer has no internship: the contract starts at once."),
    "contact": N_("The contact person must work at the chosen workplace."),
}
NAME_RULE = N_("A name needs 2 to 100 characters, with at least one letter.")


def routes(desk: Desk) -> list[Route]:
    return [
        Route("/new", page(desk, new_form), methods=["GET"]),
        Route("/new", page(desk, new_create), methods=["POST"]),
        Route("/import", page(desk, import_form), methods=["GET"]),
        Route("/import", page(desk, import_post), methods=["POST"]),
        Route("/hours", page(desk, hours_page), methods=["GET"]),
        Route("/hours.csv", page(desk, hours_file), methods=["GET"]),
    ]


# A new internship


async def _choices(visit: Visit) -> dict[str, Any]:
    db = visit.services.db
    places = [w for w in await workplaces.all_workplaces(db) if w.kind == WorkplaceKind.NONPROFIT]
    contacts = []
    for place in places:
        for contact in await people.employer_contacts(db, place.id):
            contacts.append((contact.id, f"{contact.name} ({place.name})"))
    return {
        "places": [(w.id, w.name) for w in places],
        "contacts": contacts,
        "languages": [(lang.code, lang.name) for lang in visit.services.i18n.languages],
        "weekdays": list(enumerate(_weekday_names(visit))),
    }


def _weekday_names(visit: Visit) -> list[str]:
    names = get_day_names("abbreviated", locale=visit.t.locale)
    return [names[i] for i in range(7)]


async def new_form(visit: Visit) -> Response:
    require_role(visit.person, STAFF)
    previous = visit.request.query_params.get("previous", "")
    if previous:
        await actions.followed(visit.services, visit.person, _whole(previous))
    values = {"previous": previous, "length": "9", "day_start": "08:30", "day_end": "16:30"}
    return visit.render("new.html", values=values, days={0, 1, 2, 3, 4}, **await _choices(visit))


async def new_create(visit: Visit) -> Response:
    require_role(visit.person, STAFF)
    names = [
        "client_name",
        "client_language",
        "workplace_id",
        "new_workplace",
        "new_address",
        "contact_id",
        "contact_name",
        "start",
        "length",
        "day_start",
        "day_end",
        "meeting_point",
        "first_day_contact",
        "what_to_bring",
        "dutch_lessons",
        "previous",
    ]
    values = {name: visit.field(name) for name in names}
    if values["previous"]:
        # A second chance: the previous internship must be one the person follows.
        await actions.followed(visit.services, visit.person, _whole(values["previous"]))
    days = {int(d) for d in _list(visit, "days") if d.isdigit() and int(d) < 7}
    try:
        draft = _draft(visit, values, days)
        created = await actions.create(visit.services, visit.person, draft)
    except InvalidValue as refusal:
        problem = visit.t.plain(WHY.get(refusal.reason, NAME_RULE))
        return visit.render(
            "new.html", 400, values=values, days=days, problem=problem, **await _choices(visit)
        )
    return visit.render(
        "created.html",
        internship=created.internship,
        invitations=_invites(visit, created.invitations),
    )


def _draft(visit: Visit, values: dict[str, str], days: set[int]) -> actions.Draft:
    today = visit.services.today()
    start = parse_day(values["start"], today, Yearless.NEXT)
    begin, end = parse_clock(values["day_start"]), parse_clock(values["day_end"])
    if start is None:
        raise InvalidValue("start")
    if begin is None or end is None:
        raise InvalidValue("schedule")
    new_place = values["new_workplace"]
    return actions.Draft(
        start=start,
        # The usual break (BREAK_MINUTES on a day over six hours), as the bot's flow and
        # the import give when none is chosen: hours and premium count without it.
        schedule=Schedule(
            frozenset(days),
            begin,
            end,
            workdays.usual_break(begin, end, visit.services.settings.break_minutes),
        ),
        length=_whole(values["length"] or "0", "length"),
        client_name=values["client_name"],
        client_language=values["client_language"] or None,
        previous_id=_whole(values["previous"]) if values["previous"] else None,
        workplace_id=_whole(values["workplace_id"]) if values["workplace_id"] else None,
        new_workplace=(
            actions.NewWorkplace(new_place, values["new_address"]) if new_place else None
        ),
        contact_id=_whole(values["contact_id"]) if values["contact_id"] else None,
        contact_name=values["contact_name"] if not values["contact_id"] else "",
        meeting_point=values["meeting_point"],
        first_day_contact=values["first_day_contact"],
        what_to_bring=values["what_to_bring"],
        dutch_lessons=values["dutch_lessons"],
    )


def _invites(visit: Visit, invitations: list[Invitation]) -> list[tuple[str, str]]:
    username = visit.services.settings.bot_username or visit.desk.bot.username
    return [
        (
            invitation.person.name,
            html.unescape(
                people_actions.invite_message(
                    visit.services,
                    invitation.person,
                    people_actions.deep_link(username, invitation.token),
                )
            ),
        )
        for invitation in invitations
    ]


# The CSV import


async def import_form(visit: Visit) -> Response:
    require_role(visit.person, STAFF)
    return visit.render("import.html")


async def import_post(visit: Visit) -> Response:
    """Upload: the preview (every row, or every problem with its line); confirm: import
    the same text, all or nothing."""
    require_role(visit.person, STAFF)
    text = visit.field("content")
    upload = visit.form.get("file") if visit.form is not None else None
    if isinstance(upload, UploadFile):
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise InvalidValue("size")
        text = raw.decode("utf-8", errors="replace")
    try:
        if visit.field("confirm"):
            result = await import_internships(visit.services, text, visit.person)
            return visit.render(
                "imported.html",
                count=len(result.internships),
                invitations=_invites(visit, result.invitations),
            )
        rows = await check_import(visit.services, text)
    except ImportFailed as failed:
        return visit.render("import.html", 400, problems=failed.problems)
    except Refusal:
        return visit.render("import.html", 403, problems=[])
    return visit.render("import.html", rows=rows, content=text)


# Hours per workplace and month


def _month(visit: Visit) -> tuple[date, date]:
    today = visit.services.today()
    text = visit.request.query_params.get("month", "")
    try:
        first = date.fromisoformat(f"{text}-01") if text else today.replace(day=1)
    except ValueError:
        first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


async def _hours(visit: Visit) -> tuple[date, list[HoursRow], list[str], str]:
    person = require_role(visit.person, STAFF)
    first, last = _month(visit)
    rows = await hours_rows(
        visit.services, first, last, None if person.role == Role.ADMIN else person.id
    )
    places = sorted({row.workplace for row in rows}, key=str.casefold)
    chosen = visit.request.query_params.get("workplace", "")
    shown = [row for row in rows if not chosen or row.workplace == chosen]
    return first, shown, places, chosen


async def hours_page(visit: Visit) -> Response:
    first, rows, places, chosen = await _hours(visit)
    t = visit.t
    latest = await caseload.latest_hours(visit.services.db, [row.internship_id for row in rows])
    return visit.render(
        "hours.html",
        rows=rows,
        versions={
            key: (value.version, t.datetime(value.submitted_at, "dd/MM/yyyy HH:mm"))
            for key, value in latest.items()
        },
        places=places,
        chosen=chosen,
        month=first.strftime("%Y-%m"),
        month_name=t.date(first, "LLLL yyyy"),
        money=t.money,
    )


async def hours_file(visit: Visit) -> Response:
    first, rows, _places, _chosen = await _hours(visit)
    return Response(
        hours_csv_bytes(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            **HEADERS,
            "Content-Disposition": f'attachment; filename="hours-{first:%Y-%m}.csv"',
        },
    )


def _whole(text: str, reason: str = "workplace") -> int:
    if not text.isdigit():
        raise InvalidValue(reason)
    return int(text)


def _list(visit: Visit, name: str) -> list[str]:
    if visit.form is None:
        return []
    return [v for v in visit.form.getlist(name) if isinstance(v, str)]
