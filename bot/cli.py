"""The command line: `werkervaring-bot --help` lists everything.

Configuration problems exit with code 2 and one sentence; database problems
with code 1 and one sentence; never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Sequence
from pathlib import Path

from bot import commands
from bot.commands import EXIT_CONFIG, EXIT_FAILURE
from bot.config import ConfigError, Settings
from bot.db import DatabaseError
from bot.store.models import Role

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="werkervaring-bot",
        description="Telegram bot for OCMW Antwerpen work-experience internships. "
        "Configuration comes from environment variables or a .env file (see the README).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run the bot: long polling (the default), or a webhook with --webhook"
    )
    run.add_argument("--webhook", metavar="URL", help="receive updates by webhook at this URL")
    run.add_argument("--port", type=int, default=8443, help="the webhook server's port (8443)")
    run.add_argument("--secret-token", help="the webhook's secret token (letters, digits, _ -)")
    run.add_argument(
        "--listen", default="127.0.0.1", help="the webhook server's address (127.0.0.1)"
    )

    invite = commands.add_parser(
        "invite", help="create a caseworker or admin and print their one-time invite link"
    )
    invite.add_argument("role", choices=["caseworker", "admin"])
    invite.add_argument("--name", required=True, help="the person's full name")
    invite.add_argument(
        "--phone", help="their phone number, shown to clients (e.g. 03 123 45 67, +32 470 12 34 56)"
    )

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("migrate", help="apply the missing schema migrations")
    db_commands.add_parser("check", help="check the schema version and the file's integrity")

    privacy = commands.add_parser("privacy", help="personal data: purge after the retention")
    privacy_commands = privacy.add_subparsers(
        dest="privacy_command", metavar="ACTION", required=True
    )
    privacy_commands.add_parser(
        "purge", help="remove personal data of internships closed longer than RETENTION_DAYS ago"
    )

    reminders = commands.add_parser("reminders", help="planned reminders")
    reminder_commands = reminders.add_subparsers(
        dest="reminders_command", metavar="ACTION", required=True
    )
    listing = reminder_commands.add_parser(
        "list", help="show the pending reminders due in the next days, in local time"
    )
    listing.add_argument("--days", type=_positive_int, default=7, help="how many days (7)")

    internships = commands.add_parser("internships", help="internships in bulk")
    internship_commands = internships.add_subparsers(
        dest="internships_command", metavar="ACTION", required=True
    )
    importing = internship_commands.add_parser(
        "import", help="create internships from a CSV file (all rows or none; see the README)"
    )
    importing.add_argument("file", type=Path, help="the CSV file")

    export = commands.add_parser("export", help="export data as CSV")
    export_commands = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    hours = export_commands.add_parser(
        "hours", help="hours and premiums of the internships overlapping a period"
    )
    hours.add_argument("--from", dest="first", required=True, help="first day, e.g. 2026-11-01")
    hours.add_argument("--to", dest="last", required=True, help="last day, e.g. 2026-11-30")
    hours.add_argument("--output", type=Path, help="write to this file instead of the screen")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = Settings.from_env(require_token=command == "run")
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # httpx logs every request URL at INFO, and those URLs contain the bot token.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        if command == "run":
            from bot.runner import run, webhook_options

            asyncio.run(run(settings, webhook_options(args)))
        elif command == "invite":
            return _run(commands.cmd_invite(settings, Role(args.role), args.name, args.phone))
        elif command == "privacy":
            return _run(commands.cmd_purge(settings))
        elif command == "internships":
            return _run(commands.cmd_import(settings, args.file))
        elif command == "export":
            return _run(commands.cmd_export_hours(settings, args.first, args.last, args.output))
        elif command == "db":
            action = (
                commands.cmd_db_migrate if args.db_command == "migrate" else commands.cmd_db_check
            )
            return _run(action(settings))
        elif command == "reminders":
            return _run(commands.cmd_list(settings, args.days))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    except DatabaseError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 0
    return 0


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number greater than zero")
    return int(value)


def _run(coroutine: Awaitable[int]) -> int:
    async def wrapper() -> int:
        return await coroutine

    return asyncio.run(wrapper())


if __name__ == "__main__":
    sys.exit(main())
