"""What each command of `werkervaring-bot` does (the parser is in `bot.cli`).

At the top with `bot.app`: the commands open the database and the services like the
running bot does, and register the same reminder kinds, so `reminders list` and an
import plan what the bot would.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError

from bot.actions import people as people_actions
from bot.actions.people import COMMAND_LINE, deep_link
from bot.actions.refusals import NotFound, Refusal, SameName, StaleState
from bot.backup import backup
from bot.clock import Clock
from bot.config import ConfigError, Settings, check_token
from bot.db import Database
from bot.exports import ImportFailed, hours_csv, hours_csv_bytes, hours_rows, import_internships
from bot.handlers import register_reminders
from bot.parsing import Yearless, parse_day
from bot.phones import check_phone, shown
from bot.privacy import purge
from bot.services import Services, open_services
from bot.store import reminders as store
from bot.store.models import Role
from bot.text import check_name, clean

EXIT_CONFIG = 2
EXIT_FAILURE = 1


async def cmd_invite(
    settings: Settings, role: Role, name: str, again: bool = False, phone: str | None = None
) -> int:
    """`werkervaring-bot invite caseworker|admin --name NAME [--again] [--phone PHONE]`."""
    name = clean(name)
    bad_name = check_name(name)
    if bad_name is not None:
        print(f"--name: {bad_name}", file=sys.stderr)
        return EXIT_CONFIG
    if phone is not None and check_phone(phone) is not None:
        print(f"--phone: {check_phone(phone)}", file=sys.stderr)
        return EXIT_CONFIG
    username = settings.bot_username or await ask_username(settings)
    services = await open_services(settings)
    try:
        if again:
            invitation = await people_actions.invite_again(services, COMMAND_LINE, role, name)
            if phone is not None:
                changed = await people_actions.set_phone(
                    services, COMMAND_LINE, invitation.person.id, phone
                )
                invitation = people_actions.Invitation(changed, invitation.token)
        else:
            invitation = await people_actions.invite_person(
                services, COMMAND_LINE, role, name, phone=phone
            )
    except Refusal as refusal:
        print(_invite_refused(refusal, role, name), file=sys.stderr)
        return (
            EXIT_FAILURE if isinstance(refusal, SameName | StaleState | NotFound) else EXIT_CONFIG
        )
    finally:
        await services.db.close()
    person = invitation.person
    link = (
        "a new one-time link (their older ones no longer work)" if again else "this one-time link"
    )
    print(f"{role.value.capitalize()} {person.name} (id {person.id}): send them {link}")
    if person.phone:
        print(f"Phone: {shown(person.phone)}")
    print(deep_link(username, invitation.token))
    print(f"The link works once and expires in {settings.invite_days} days.")
    return 0


def _invite_refused(refusal: Refusal, role: Role, name: str) -> str:
    """Why `invite` did nothing, in one sentence with what to do instead."""
    if isinstance(refusal, SameName) and refusal.person.role != role:
        return f"{name} is already a {refusal.person.role.value} (id {refusal.person.id})."
    if isinstance(refusal, SameName):
        return (
            f"There is already a {role.value} called {name} (id {refusal.person.id}); "
            "add --again for a new link for them, or tell the two apart by their names."
        )
    if isinstance(refusal, NotFound):
        return f"There is no caseworker or admin called {name}; leave out --again."
    if isinstance(refusal, StaleState):
        return (
            f"{name} is already linked to a Telegram account; an admin can revoke it in the "
            "bot (👥 Caseworkers) before a new link is made."
        )
    return f"--name: {refusal}"


async def ask_username(settings: Settings) -> str:
    check_token(settings.token)
    try:
        async with Bot(
            settings.token, base_url=settings.api_base_url or "https://api.telegram.org/bot"
        ) as bot:
            return bot.username
    except TelegramError as exc:
        raise ConfigError(
            "Could not ask Telegram for the bot's username; set TELEGRAM_BOT_USERNAME "
            f"({type(exc).__name__})."
        ) from exc


async def cmd_db_migrate(settings: Settings) -> int:
    db = await Database.open(settings.database_path, migrate=False)
    try:
        applied = await db.migrate()
        version = await db.schema_version()
    finally:
        await db.close()
    if applied:
        print(f"Applied migrations {', '.join(str(v) for v in applied)}; schema version {version}.")
    else:
        print(f"The database is up to date (schema version {version}).")
    return 0


async def cmd_db_check(settings: Settings) -> int:
    """`werkervaring-bot db check`: needs no token, and creates no database."""
    if not settings.database_path.exists():
        print(
            f"There is no database at {settings.database_path} yet: the bot's first start "
            "(or `werkervaring-bot db migrate`) creates it.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    db = await Database.open(settings.database_path, migrate=False)
    try:
        current, latest = await db.check_version()
        integrity = await db.integrity_check()
    finally:
        await db.close()
    print(f"Schema version {current} (this bot knows up to {latest}); integrity: {integrity}.")
    if current < latest:
        print("Run `werkervaring-bot db migrate` to apply the missing migrations.")
    return 0 if integrity == "ok" and current == latest else EXIT_FAILURE


async def cmd_db_backup(settings: Settings, target: Path) -> int:
    """`werkervaring-bot db backup FILE`: a consistent copy, also while the bot runs."""
    made = await asyncio.to_thread(backup, settings.database_path, target)
    print(
        f"Backed up {settings.database_path} to {made.path} ({made.size:,} bytes, schema "
        f"version {made.schema_version}, integrity: {made.integrity})."
    )
    return 0


async def cmd_purge(settings: Settings) -> int:
    """`werkervaring-bot privacy purge`."""
    services = await open_services(settings)
    try:
        report = await purge(services)
    finally:
        await services.db.close()
    print(
        f"Removed the personal data of {report.internships} internship(s) and "
        f"{report.clients} client(s) closed before {report.cutoff.date().isoformat()} "
        f"(RETENTION_DAYS={settings.retention_days}); {report.audit_entries} audit log "
        "entries now keep only ids, actions and dates."
    )
    return 0


def _cli_day(text: str, today: date) -> date:
    day = parse_day(text, today - timedelta(days=366 * 5), Yearless.NEXT)
    if day is None:
        raise ValueError(f"{text!r} is not a date (write it as 2026-11-30 or 30/11/2026)")
    return day


async def cmd_import(settings: Settings, path: Path) -> int:
    """`werkervaring-bot internships import FILE.csv`: all rows or none."""
    try:
        text = await asyncio.to_thread(path.read_text, "utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Cannot read {path}: {exc}.", file=sys.stderr)
        return 1
    username = settings.bot_username or await ask_username(settings)
    services = await open_services(settings)
    try:
        register_reminders(services.reminders)
        result = await import_internships(services, text)
    except ImportFailed as failed:
        print(f"Nothing was imported from {path}:", file=sys.stderr)
        for problem in failed.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    finally:
        await services.db.close()
    count = len(result.internships)
    print(f"Imported {count} internship{'' if count == 1 else 's'} from {path}.")
    print("Send each person their one-time link:")
    for invitation in result.invitations:
        role = "client" if invitation.person.role == Role.CLIENT else "contact person"
        print(f"  {invitation.person.name} ({role}): {deep_link(username, invitation.token)}")
    print(f"The links work once and expire in {settings.invite_days} days.")
    return 0


async def cmd_export_hours(settings: Settings, first: str, last: str, output: Path | None) -> int:
    """`werkervaring-bot export hours --from DATE --to DATE [--output FILE]`."""
    services = await open_services(settings)
    try:
        today = services.today()
        try:
            period = _cli_day(first, today), _cli_day(last, today)
        except ValueError as exc:
            print(f"{exc}.", file=sys.stderr)
            return 2
        if period[1] < period[0]:
            print("--to must not be before --from.", file=sys.stderr)
            return 2
        rows = await hours_rows(services, *period)
    finally:
        await services.db.close()
    if output is None:
        sys.stdout.write(hours_csv(rows))
        return 0
    await asyncio.to_thread(output.write_bytes, hours_csv_bytes(rows))
    print(f"Wrote {len(rows)} internship{'' if len(rows) == 1 else 's'} to {output}.")
    return 0


async def upcoming(services: Services, days: int) -> list[store.Reminder]:
    """Pending reminders due within `days` days from now, overdue ones included."""
    return await store.upcoming(services.db, services.clock.now() + timedelta(days=days))


def describe(reminder: store.Reminder, settings: Settings, now: datetime, internship: bool) -> str:
    """One line of `reminders list`: local due time, kind, subject."""
    local = reminder.due_at.astimezone(settings.timezone)
    subject = f"internship {reminder.subject_id}" if internship else f"#{reminder.subject_id}"
    late = "  (overdue: is the bot running?)" if reminder.due_at <= now else ""
    return f"{local:%a %Y-%m-%d %H:%M %Z}  {reminder.kind:<22} {subject}{late}"


async def cmd_list(settings: Settings, days: int, clock: Clock | None = None) -> int:
    """Print the pending reminders of the next `days` days; for `werkervaring-bot`."""
    services = await open_services(settings, clock)
    try:
        register_reminders(services.reminders)
        internship_kinds = set(services.reminders.internship_kinds)
        now = services.clock.now()
        pending = await upcoming(services, days)
    finally:
        await services.db.close()
    until = now + timedelta(days=days)
    print(
        f"Pending reminders due before {until.astimezone(settings.timezone):%a %Y-%m-%d %H:%M %Z} "
        f"({settings.timezone.key} time):"
    )
    for reminder in pending:
        print(describe(reminder, settings, now, reminder.kind in internship_kinds))
    count = len(pending)
    print(f"{count} reminder{'' if count == 1 else 's'}.")
    return 0
