"""The desk's routes: signing in and out, the caseload, an internship, its actions.

Reading goes through `bot.caseload` (the same lines, order and icons as the bot) and
every change through `bot.actions`, which check who may do what and tell the people
concerned through the outbox, exactly as when the caseworker acts in the bot.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from telegram import Bot
from telegram.error import TelegramError

from bot import caseload as lines
from bot import workdays
from bot.actions import desk as desk_actions
from bot.actions import internships as actions
from bot.actions import people as people_actions
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    NobodyReached,
    NotAllowed,
    NothingSubmitted,
    StaleState,
    require_role,
)
from bot.caseload import GLANCE_ORDER, GLANCE_TEXT, Glance, Line
from bot.desk import forms
from bot.desk.web import (
    COOKIE,
    HEADERS,
    Desk,
    Missing,
    Visit,
    html_lines,
    ids,
    message_page,
    number,
    page,
    redirect,
    render,
    translator,
)
from bot.files import FileKind, sniff
from bot.i18n import N_
from bot.parsing import Yearless, parse_day
from bot.services import Services
from bot.store import audit, caseload, people
from bot.store import desk as desk_store
from bot.store.models import Role

PAGE_SIZE = 25
STATIC = Path(__file__).parent / "static"
SORTS = ("status", "client", "workplace", "start", "last_day", "due_day", "hours")
MIME = {
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.HEIF: "image/heif",
    FileKind.PDF: "application/pdf",
}
DONE = {
    "extended": N_("The internship was extended; the workplace and the client were told."),
    "moved": N_("The start was moved; the workplace and the client were told."),
    "cancelled": N_("The internship was cancelled."),
    "closed": N_("The internship was closed."),
    "reassigned": N_("The internship was reassigned."),
    "locked": N_("The hours were locked."),
    "revoked": N_("The Telegram link was revoked."),
    "reminded": N_("The workplaces were reminded of what they still have to send."),
}


def create_app(services: Services, bot: Bot) -> Starlette:
    desk = Desk.build(services, bot)
    routes = [
        Route("/", lambda request: redirect("/caseload")),
        Route("/sign-in/{token}", _sign_in_page(desk), methods=["GET"]),
        Route("/sign-in/{token}", _sign_in(desk), methods=["POST"]),
        Route("/sign-out", page(desk, sign_out), methods=["POST"]),
        Route("/caseload", page(desk, caseload_page), methods=["GET"]),
        Route("/caseload/bulk", page(desk, bulk), methods=["POST"]),
        Route("/internships/{id:int}", page(desk, detail), methods=["GET"]),
        Route("/internships/{id:int}/{action:str}", page(desk, act), methods=["POST"]),
        Route(
            "/internships/{id:int}/certificates/{certificate:int}",
            page(desk, certificate),
            methods=["GET"],
        ),
        *forms.routes(desk),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes)


# Signing in and out


def _sign_in_page(desk: Desk) -> forms.Handler:
    async def show(request: Request) -> Response:
        # One press more: link previews and mail scanners open links, they do not press.
        t = translator(desk, None)
        return render(desk, t, "sign_in.html", token=request.path_params["token"])

    return show


def _sign_in(desk: Desk) -> forms.Handler:
    async def sign_in(request: Request) -> Response:
        token = str(request.path_params["token"])
        secret = await desk_actions.sign_in(desk.services, token)
        if secret is None:
            t = translator(desk, None)
            return message_page(
                desk,
                t,
                403,
                t.plain("This link no longer works"),
                t.plain(
                    "A sign-in link works once, for 10 minutes. Send /desk to the bot for a "
                    "new one."
                ),
            )
        response = redirect("/caseload")
        # No lifetime: the browser keeps it until it closes, the server ends the session
        # after DESK_IDLE_MINUTES without a request (however long a busy day lasts).
        response.set_cookie(
            COOKIE,
            secret,
            httponly=True,
            samesite="strict",
            secure=desk.secure,
        )
        return response

    return sign_in


async def sign_out(visit: Visit) -> Response:
    secret = visit.request.cookies.get(COOKIE, "")
    await desk_actions.sign_out(visit.services, secret)
    t = visit.t
    response = message_page(
        visit.desk,
        t,
        200,
        t.plain("Signed out"),
        t.plain("You are signed out. Send /desk to the bot to sign in again."),
    )
    response.delete_cookie(COOKIE, httponly=True, samesite="strict", secure=visit.desk.secure)
    return response


# The caseload


@dataclass(frozen=True)
class Row:
    line: Line
    status: str
    hours: int | None
    sick: bool


async def rows_of(visit: Visit) -> list[Row]:
    services, t = visit.services, visit.t
    found = await lines.caseload_lines(services, visit.person)
    wanted = [line.internship.id for line in found]
    hours = await caseload.latest_hours(services.db, wanted)
    sick = await caseload.open_sick_internships(services.db, wanted)
    return [
        Row(
            line=line,
            status=lines.glance_label(t, line),
            hours=hours[line.internship.id].total_minutes if line.internship.id in hours else None,
            sick=line.internship.id in sick,
        )
        for line in found
    ]


def _sort_key(sort: str, row: Row) -> tuple[object, ...]:
    line = row.line
    keys: dict[str, object] = {
        "status": GLANCE_ORDER.index(line.glance),
        "client": line.client.casefold(),
        "workplace": line.workplace.casefold(),
        "start": line.internship.start_date,
        "last_day": line.last_day,
        "due_day": line.due_day,
        "hours": row.hours if row.hours is not None else -1,
    }
    return (keys[sort], line.due_day, line.internship.id)


async def caseload_page(visit: Visit) -> Response:
    query = visit.request.query_params
    search = query.get("q", "").strip()
    status = query.get("status", "")
    workplace = query.get("workplace", "")
    sort = query.get("sort", "status")
    sort = sort if sort in SORTS else "status"
    descending = query.get("dir") == "desc"
    every = await rows_of(visit)
    workplaces = sorted({row.line.workplace for row in every}, key=str.casefold)
    shown = [
        row
        for row in every
        if (
            not search
            or search.casefold() in row.line.client.casefold()
            or search.casefold() in row.line.workplace.casefold()
        )
        and (not status or row.line.glance.value == status)
        and (not workplace or row.line.workplace == workplace)
    ]
    shown.sort(key=lambda row: _sort_key(sort, row), reverse=descending)
    pages = max(1, (len(shown) + PAGE_SIZE - 1) // PAGE_SIZE)
    current = min(max(1, _int(query.get("page"), 1)), pages)
    t = visit.t
    return visit.render(
        "caseload.html",
        rows=shown[(current - 1) * PAGE_SIZE : current * PAGE_SIZE],
        total=len(shown),
        search=search,
        status=status,
        workplace=workplace,
        workplaces=workplaces,
        statuses=[(g.value, f"{GLANCE_TEXT[g][0]} {t.plain(GLANCE_TEXT[g][1])}") for g in Glance],
        sort=sort,
        descending=descending,
        page=current,
        pages=pages,
        caseworkers=await _caseworkers(visit),
        duration=_duration,
        done=_done(visit),
        query=dict(query),
    )


async def bulk(visit: Visit) -> Response:
    """Lock the hours of, or reassign, the ticked internships; each one the person may
    not act on stops the whole batch before anything changes."""
    chosen = ids(visit.form)
    action = visit.field("action")
    services, person = visit.services, visit.person
    if not chosen:
        return redirect("/caseload")
    for internship_id in chosen:
        # All or nothing for who may: check every row first.
        await actions.followed(services, person, internship_id)
    report: list[str] = []
    t = visit.t
    for internship_id in chosen:
        try:
            if action == "lock":
                await actions.lock_hours(services, person, internship_id)
            elif action == "remind":
                await desk_actions.remind_workplace(services, person, internship_id)
            elif action == "reassign":
                caseworker = number(visit.field("caseworker"), 1, 2**62)
                await actions.reassign(services, person, internship_id, caseworker)
            else:
                raise Missing
        except (AlreadyLocked, NothingSubmitted, StaleState, NobodyReached) as refusal:
            name = await lines.name_of(services, await _client_id(visit, internship_id))
            reason = {
                AlreadyLocked: t.plain("already locked"),
                NothingSubmitted: t.plain("no hours yet"),
                NobodyReached: t.plain("no contact person on Telegram"),
                StaleState: t.plain("nothing missing, or no longer open")
                if action == "remind"
                else t.plain("no longer fits"),
            }[type(refusal)]
            report.append(f"{name}: {reason}")
    if report:
        return message_page(visit.desk, t, 200, t.plain("Partly done"), "; ".join(report))
    return redirect(
        "/caseload", done={"lock": "locked", "remind": "reminded"}.get(action, "reassigned")
    )


async def _client_id(visit: Visit, internship_id: int) -> int:
    internship = await actions.followed(visit.services, visit.person, internship_id)
    return internship.client_id


# One internship


async def detail(visit: Visit) -> Response:
    services, t, person = visit.services, visit.t, visit.person
    internship_id = int(visit.request.path_params["id"])
    internship = await actions.followed(services, person, internship_id)
    text, _buttons = await lines.detail(services, t, person, internship)
    # The desk shows the whole history below, in words, instead of the chat's last lines.
    text = text.split(t._("🗂 History:"), 1)[0].rstrip()
    certificates = (
        await desk_store.certificates_of(services.db, internship.id)
        if internship.caseworker_id == person.id
        else []
    )
    client = await people.get(services.db, internship.client_id)
    contact = (
        await people.get(services.db, internship.employer_contact_id)
        if internship.employer_contact_id is not None
        else None
    )
    return visit.render(
        "detail.html",
        internship=internship,
        summary=html_lines(text),
        certificates=certificates,
        client=client,
        contact=contact,
        caseworkers=await _caseworkers(visit),
        last_day=workdays.last_day(internship),
        can_lock=internship.id not in await caseload.hours_locks(services.db, [internship.id]),
        outcomes=[(o.value, t.plain(lines.OUTCOME_TEXT[o.value])) for o in actions.Outcome],
        done=_done(visit),
        invite=None,
        when=lambda moment: t.datetime(moment, "dd/MM/yyyy HH:mm"),
        history=await _history(visit, internship.id),
    )


async def _history(visit: Visit, internship_id: int) -> list[tuple[str, str, str]]:
    """(when, who, what) for every entry of the internship's audit log, newest first."""
    services, t = visit.services, visit.t
    names: dict[int, str] = {}
    found = []
    for entry in reversed(await audit.for_subject(services.db, "internship", internship_id)):
        if entry.actor_id is not None and entry.actor_id not in names:
            names[entry.actor_id] = await lines.name_of(services, entry.actor_id)
        who = names[entry.actor_id] if entry.actor_id is not None else t.plain("the bot")
        text = lines.history_text(t, entry.action, entry.details)
        found.append((t.datetime(entry.at, "dd/MM/yyyy HH:mm"), who, text))
    return found


async def act(visit: Visit) -> Response:
    services, person = visit.services, visit.person
    internship_id = int(visit.request.path_params["id"])
    action = str(visit.request.path_params["action"])
    internship = await actions.followed(services, person, internship_id)
    here = f"/internships/{internship.id}"
    if action == "extend":
        await actions.extend(
            services,
            person,
            internship.id,
            number(visit.field("workdays"), 1, actions.MAX_WORKDAYS),
            seen=_int(visit.field("seen"), internship.extension_workdays),
        )
        return redirect(here, done="extended")
    if action == "move":
        await actions.move_start(services, person, internship.id, _day(visit, "day"))
        return redirect(here, done="moved")
    if action == "cancel":
        await actions.cancel(services, person, internship.id)
        return redirect(here, done="cancelled")
    if action == "close":
        outcome = visit.field("outcome")
        if outcome not in set(actions.Outcome):
            raise InvalidValue(outcome)
        signed = _day(visit, "signed_on") if visit.field("signed_on") else None
        await actions.close(services, person, internship.id, actions.Outcome(outcome), signed)
        return redirect(here, done="closed")
    if action == "second-chance":
        await actions.second_chance(services, person, internship.id)
        return redirect("/new", previous=str(internship.id))
    if action == "reassign":
        caseworker = number(visit.field("caseworker"), 1, 2**62)
        await actions.reassign(services, person, internship.id, caseworker)
        return redirect("/caseload", done="reassigned")
    if action == "lock":
        await actions.lock_hours(services, person, internship.id)
        return redirect(here, done="locked")
    if action in ("invite", "revoke"):
        whose = _whose(visit.field("whose"))
        if action == "revoke":
            target = (
                internship.client_id
                if whose == people_actions.Whose.CLIENT
                else internship.employer_contact_id
            )
            if target is None:
                raise Missing
            await people_actions.revoke_link(services, person, target)
            return redirect(here, done="revoked")
        invitation = await people_actions.relink(services, person, internship.id, whose)
        username = services.settings.bot_username or visit.desk.bot.username
        link = people_actions.deep_link(username, invitation.token)
        return visit.render(
            "invite.html",
            name=invitation.person.name,
            link=link,
            # The bot's HTML text, as plain text to copy.
            message=html.unescape(people_actions.invite_message(services, invitation.person, link)),
            qr=Markup(segno.make(link, error="m").svg_inline(scale=5, title=link)),
        )
    raise Missing


async def certificate(visit: Visit) -> Response:
    """A medical certificate, fetched from Telegram by the server (getFile) and passed on
    to the internship's own caseworker only; its Telegram address never leaves the server."""
    services, person = visit.services, visit.person
    internship = await actions.followed(services, person, int(visit.request.path_params["id"]))
    if internship.caseworker_id != person.id:
        raise NotAllowed
    found = await desk_store.certificate(services.db, int(visit.request.path_params["certificate"]))
    if found is None or found.internship_id != internship.id:
        raise Missing
    try:
        file = await visit.desk.bot.get_file(found.file_id)
        content = bytes(await file.download_as_bytearray())
    except TelegramError:
        t = visit.t
        return message_page(
            visit.desk,
            t,
            502,
            t.plain("Not available"),
            t.plain("Telegram did not give the file now. Try again in a moment."),
        )
    kind = sniff(content[:64])
    return Response(
        content,
        media_type=MIME[kind] if kind else "application/octet-stream",
        headers={
            **HEADERS,
            # A file of no known kind is never shown in the page, only saved.
            "Content-Disposition": (
                f'{"inline" if kind else "attachment"}; filename="{found.reference}-{found.id}"'
            ),
        },
    )


# Small helpers


def _whose(value: str) -> people_actions.Whose:
    try:
        return people_actions.Whose(value or people_actions.Whose.CLIENT)
    except ValueError:
        raise InvalidValue(value) from None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or "")
    except ValueError:
        return default


def _day(visit: Visit, name: str) -> date:
    today = visit.services.today()
    found = parse_day(visit.field(name), today, Yearless.NEXT)
    if found is None:
        raise InvalidValue(name)
    return found


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    return f"{minutes // 60}:{minutes % 60:02d}"


def _done(visit: Visit) -> str:
    key = visit.request.query_params.get("done", "")
    return visit.t.plain(DONE[key]) if key in DONE else ""


async def _caseworkers(visit: Visit) -> list[tuple[int, str]]:
    require_role(visit.person, (Role.CASEWORKER, Role.ADMIN))
    found = await people.by_role(visit.services.db, Role.CASEWORKER)
    return [(p.id, p.name) for p in found]
