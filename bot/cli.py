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
from importlib import metadata
from pathlib import Path

import bot
from bot import commands
from bot.commands import EXIT_CONFIG, EXIT_FAILURE
from bot.config import ConfigError, Settings
from bot.db import DatabaseError
from bot.exports import IMPORT_COLUMNS, REQUIRED_COLUMNS
from bot.i18n import shipped_languages
from bot.store.models import Role

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="werkervaring-bot",
        description="Telegram bot for OCMW Antwerpen work-experience internships. "
        "Configuration comes from environment variables or a .env file (see the README). "
        "Only `run` (and `invite` or `internships import` without TELEGRAM_BOT_USERNAME) "
        "needs the bot token.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the bot: long polling (the default), or a webhook with --webhook",
        description="Run the bot until Ctrl+C: it keeps the terminal, so run the other "
        "commands in a second one. Without --webhook it asks Telegram for updates (long "
        "polling), which needs no open port.",
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="receive updates by webhook at this public HTTPS URL instead of polling",
    )
    run.add_argument(
        "--port", type=int, default=8443, help="the webhook server's port (default 8443)"
    )
    run.add_argument(
        "--secret-token",
        help="the webhook's secret token, letters, digits, _ and - (required with --webhook)",
    )
    run.add_argument(
        "--listen",
        default="127.0.0.1",
        help="the webhook server's address (default 127.0.0.1, behind a reverse proxy)",
    )

    invite = commands.add_parser(
        "invite",
        help="create a caseworker or admin and print their one-time invite link",
        description="Create a caseworker or an admin and print their one-time invite link, "
        "to send them. A second person with the same name is refused: with --again the "
        "existing one gets a new link (their older unused links stop working).",
    )
    invite.add_argument(
        "role",
        choices=["caseworker", "admin"],
        help="caseworker: follows internships; admin: also sees everyone's and invites staff",
    )
    invite.add_argument("--name", required=True, help="the person's full name, as staff know it")
    invite.add_argument(
        "--again",
        action="store_true",
        help="a new link for the person of that name who has not linked yet",
    )
    invite.add_argument(
        "--phone", help="their phone number, shown to clients (e.g. 03 123 45 67, +32 470 12 34 56)"
    )

    db = commands.add_parser("db", help="database maintenance: migrate, check, backup")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser(
        "migrate",
        help="apply the missing schema migrations",
        description="Apply the missing schema migrations (the bot also does at start).",
    )
    db_commands.add_parser(
        "check",
        help="check the schema version and the file's integrity",
        description="Show the schema version and run SQLite's integrity check; exit code 1 "
        "when the file is damaged or migrations are missing. Needs no token.",
    )
    backup = db_commands.add_parser(
        "backup",
        help="copy the database consistently to FILE, also while the bot runs",
        description="Copy the database to FILE with SQLite's online backup API: a "
        "consistent copy even while the bot runs and writes. FILE is replaced when it "
        "exists; the copy is checked before this command says it is done.",
    )
    backup.add_argument("file", type=Path, metavar="FILE", help="where to write the copy")

    privacy = commands.add_parser("privacy", help="personal data: purge after the retention")
    privacy_commands = privacy.add_subparsers(
        dest="privacy_command", metavar="ACTION", required=True
    )
    privacy_commands.add_parser(
        "purge",
        help="remove personal data of internships closed longer than RETENTION_DAYS ago",
        description="Remove the personal data of internships closed or cancelled more than "
        "RETENTION_DAYS ago; the bot also does this every night.",
    )

    reminders = commands.add_parser("reminders", help="planned reminders")
    reminder_commands = reminders.add_subparsers(
        dest="reminders_command", metavar="ACTION", required=True
    )
    listing = reminder_commands.add_parser(
        "list",
        help="show the pending reminders due in the next days, in local time",
        description="Show the pending reminders due in the next days, in TIMEZONE time: "
        "kind and internship; those overdue are flagged (is the bot running?).",
    )
    listing.add_argument(
        "--days", type=_positive_int, default=7, help="how many days ahead (default 7)"
    )

    internships = commands.add_parser("internships", help="internships in bulk")
    internship_commands = internships.add_subparsers(
        dest="internships_command", metavar="ACTION", required=True
    )
    importing = internship_commands.add_parser(
        "import",
        help="create internships from a CSV file (all rows or none; see the README)",
        description="Create the internships in FILE, with their clients, new workplaces "
        "and contacts, and print each new person's one-time link. Every row is checked "
        "first; one bad row (named with its line number) and nothing is imported.",
        epilog=import_columns_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument(
        "file", type=Path, metavar="FILE", help="the CSV file (UTF-8, ; or , between cells)"
    )

    export = commands.add_parser("export", help="export data as CSV")
    export_commands = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    hours = export_commands.add_parser(
        "hours",
        help="hours and premiums of the internships overlapping a period",
        description="Hours and premiums, one row per internship overlapping the period, as "
        "CSV (semicolons, decimal commas) for a spreadsheet. Dates as 2026-11-30 or "
        "30/11/2026.",
    )
    hours.add_argument("--from", dest="first", required=True, help="first day, e.g. 2026-11-01")
    hours.add_argument("--to", dest="last", required=True, help="last day, e.g. 2026-11-30")
    hours.add_argument("--output", type=Path, help="write to this file instead of the screen")
    return parser


def version() -> str:
    """The installed package's version (the one in pyproject.toml)."""
    try:
        return metadata.version("werkervaring-bot")
    except metadata.PackageNotFoundError:
        return bot.__version__


# What goes in a column of the import (the README's "Importing and exporting" has more).
COLUMN_HINTS = {
    "client_name": "full name",
    "client_language": " ".join(language.code for language in shipped_languages())
    + " (default DEFAULT_LANGUAGE)",
    "workplace": "an existing workplace's name, or a new one",
    "workplace_address": "required the first time a new workplace appears",
    "workplace_kind": "nonprofit (default); private is refused",
    "contact_name": "the workplace's contact person; a new one gets a link",
    "contact_phone": "their phone number, e.g. 0470 12 34 56 or +32 470 12 34 56",
    "caseworker": "an existing caseworker's name or id",
    "start_date": "30/11/2026 or 2026-11-30, not in the past",
    "weekdays": "ma-vr (default), ma,di,wo,do, mon-fri",
    "day_start": "08:30 (default)",
    "day_end": "16:30 (default)",
    "break_minutes": "unpaid break a day, 0-180 (default BREAK_MINUTES over 6 hours)",
    "workdays": "1-60, default 9",
    **{
        column: "free text, at most 300 characters"
        for column in ("meeting_point", "first_day_contact", "what_to_bring", "dutch_lessons")
    },
}


def import_columns_help() -> str:
    """The columns of the import file, required ones marked, for `import --help`."""
    required = set(REQUIRED_COLUMNS)
    lines = ["The file's first line names the columns, in any order (* required):"]
    width = max(len(column) for column in IMPORT_COLUMNS) + 2
    for column in IMPORT_COLUMNS:
        name = f"{column}{' *' if column in required else ''}"
        hint = COLUMN_HINTS.get(column, "")
        lines.append(f"  {name:<{width}}  {hint}".rstrip())
    lines.append("Example: tests/data/internships_example.csv in the repository.")
    return "\n".join(lines)


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
        # APScheduler logs every run of the reminder heartbeat (`bot.app.tick`) at INFO,
        # two lines every 30 seconds that drown what matters; a job that fails or is
        # missed still logs, at WARNING and above.
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        if command == "run":
            from bot.runner import run, webhook_options

            asyncio.run(run(settings, webhook_options(args)))
        elif command == "invite":
            return _run(
                commands.cmd_invite(settings, Role(args.role), args.name, args.again, args.phone)
            )
        elif command == "privacy":
            return _run(commands.cmd_purge(settings))
        elif command == "internships":
            return _run(commands.cmd_import(settings, args.file))
        elif command == "export":
            return _run(commands.cmd_export_hours(settings, args.first, args.last, args.output))
        elif command == "db" and args.db_command == "backup":
            return _run(commands.cmd_db_backup(settings, args.file))
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
