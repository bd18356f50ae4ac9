"""What every page of the desk shares: the session, the form token, rendering, refusals.

`page` wraps an endpoint: it finds the signed-in person (no session: 403 with how to
sign in), checks the form token of every POST (missing or wrong: 403, nothing done),
turns a refusal of `bot.actions` into 403 (not yours), 404 (not there), 400 (a value
not accepted) or 409 (it no longer fits), each a page that says so, and sets the
headers every answer carries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from telegram import Bot

from bot.actions import desk as desk_actions
from bot.actions.desk import DeskSession
from bot.actions.refusals import (
    AlreadyLocked,
    InvalidValue,
    NotAllowed,
    NotFound,
    NothingSubmitted,
    Refusal,
    StaleState,
)
from bot.i18n import N_, Translator
from bot.services import Services
from bot.store.models import Person

COOKIE = "desk_session"
TEMPLATES = Path(__file__).parent / "templates"
# Every answer: no caching of personal data, no framing, nothing from elsewhere, and no
# Referer header that could carry a sign-in link's token to another site.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
REFUSED = {
    StaleState: N_("That no longer fits: the internship changed or is no longer open."),
    AlreadyLocked: N_("These hours were already locked."),
    NothingSubmitted: N_("No hours were submitted yet."),
}
INVALID = N_("That value is not accepted. Check it and try again.")


class Forbidden(Exception):
    """Answered with 403 and nothing done (no session, a wrong form token, not yours)."""


class Missing(Exception):
    """Answered with 404."""


@dataclass
class Desk:
    """The services and the bot (for certificates through getFile), shared by the pages."""

    services: Services
    bot: Bot
    templates: Environment

    @classmethod
    def build(cls, services: Services, bot: Bot) -> Desk:
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
        )
        return cls(services, bot, env)

    @property
    def secure(self) -> bool:
        return self.services.settings.desk_url.startswith("https://")


@dataclass
class Visit:
    """One request of a signed-in person."""

    desk: Desk
    request: Request
    session: DeskSession
    t: Translator
    form: FormData | None = None

    @property
    def person(self) -> Person:
        return self.session.person

    @property
    def services(self) -> Services:
        return self.desk.services

    def field(self, name: str) -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    def render(self, template: str, code: int = 200, **values: Any) -> HTMLResponse:
        return render(self.desk, self.t, template, code, session=self.session, **values)


def translator(desk: Desk, language: str | None) -> Translator:
    return desk.services.i18n.translator(language)


def render(
    desk: Desk, t: Translator, template: str, code: int = 200, **values: Any
) -> HTMLResponse:
    body = desk.templates.get_template(template).render(
        _=t.plain,
        lang=t.language.replace("_", "-"),
        rtl=t.right_to_left,
        day=lambda d: short_date(t, d),
        **values,
    )
    return HTMLResponse(body, status_code=code, headers=HEADERS)


def short_date(t: Translator, day: date | None) -> str:
    """Belgian style: 30/11/2026."""
    return t.date(day, "dd/MM/yyyy") if day is not None else ""


def html_lines(text: str) -> Markup:
    """The bot's Telegram HTML (its values escaped by `Translator._`), line by line."""
    return Markup("<br>\n".join(text.split("\n")))


def redirect(path: str, **query: str) -> RedirectResponse:
    target = f"{path}?{urlencode(query)}" if query else path
    return RedirectResponse(target, status_code=303, headers=HEADERS)


def message_page(desk: Desk, t: Translator, status: int, title: str, text: str) -> HTMLResponse:
    return render(desk, t, "message.html", status, title=title, text=text)


Endpoint = Callable[[Visit], Awaitable[Response]]


def page(desk: Desk, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        services = desk.services
        session = await desk_actions.session(services, request.cookies.get(COOKIE))
        t = translator(desk, session.person.language if session else None)
        if session is None:
            return message_page(
                desk,
                t,
                403,
                t.plain("Please sign in"),
                t.plain("Send /desk to the bot in Telegram and open the link it answers."),
            )
        visit = Visit(desk, request, session, t)
        try:
            if request.method == "POST":
                visit.form = await request.form()
                sent = visit.form.get("csrf")
                if not session.form_token_ok(sent if isinstance(sent, str) else None):
                    raise Forbidden
            return await endpoint(visit)
        except (Forbidden, NotAllowed):
            return message_page(
                desk, t, 403, t.plain("Not allowed"), t.plain("This is not in your caseload.")
            )
        except (Missing, NotFound):
            return message_page(desk, t, 404, t.plain("Not found"), t.plain("This does not exist."))
        except InvalidValue:
            return message_page(desk, t, 400, t.plain("Not accepted"), t.plain(INVALID))
        except Refusal as refusal:
            text = REFUSED.get(type(refusal), REFUSED[StaleState])
            return message_page(desk, t, 409, t.plain("Not done"), t.plain(text))

    return handle


def number(value: str, low: int, high: int) -> int:
    """A whole number from a form field within [low, high]; else `InvalidValue`."""
    try:
        result = int(value)
    except ValueError:
        raise InvalidValue(value) from None
    if not low <= result <= high:
        raise InvalidValue(value)
    return result


def ids(values: FormData | None) -> list[int]:
    """The internships ticked in a table (`ids` checkboxes)."""
    if values is None:
        return []
    found = []
    for value in values.getlist("ids"):
        if isinstance(value, str) and value.isdigit():
            found.append(int(value))
    return found
