"""Configuration from environment variables, with an optional `.env` file.

Every problem is reported as a `ConfigError` whose message is one sentence a
person running the bot can act on; the CLI prints it and exits with code 2.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

# Telegram tokens look like "123456789:AA...". Checking the shape catches
# copy-paste accidents before we ever talk to Telegram.
TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
USERNAME_PATTERN = re.compile(r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class ReminderTimes:
    """Local times at which reminders go out (all configurable)."""

    evaluation_heads_up: time = time(14, 0)
    evaluation_due: time = time(8, 0)
    evaluation_deadline: time = time(12, 0)
    first_day_eve: time = time(18, 0)
    first_day_morning: time = time(7, 0)
    # The workday before: after lunch, time enough to find work clothes and a locker.
    first_day_employer: time = time(14, 0)
    certificate_morning: time = time(9, 0)


@dataclass(frozen=True)
class Settings:
    """The bot's configuration; build it with `Settings.from_env()`."""

    token: str = ""
    database_path: Path = Path("data/werkervaring.sqlite3")
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Brussels"))
    default_language: str = "nl"
    api_base_url: str | None = None
    api_file_url: str | None = None
    log_level: str = "INFO"
    bot_username: str | None = None
    invite_days: int = 14
    premium_per_hour_cents: int = 100
    # The usual unpaid break of a workday over six hours, in minutes (new internships).
    break_minutes: int = 30
    retention_days: int = 365 * 2
    # Keep the process on one processor core (see `bot.runner.keep_to_one_core`).
    one_core: bool = True
    reminder_times: ReminderTimes = field(default_factory=ReminderTimes)
    # The caseworker's desk (bot.desk), served beside the bot by `run`.
    desk_enabled: bool = True
    desk_host: str = "127.0.0.1"
    desk_port: int = 8080
    # The address people open (the HTTPS reverse proxy's); None: http://host:port.
    desk_public_url: str | None = None
    desk_idle_minutes: int = 8 * 60

    @property
    def desk_url(self) -> str:
        return (self.desk_public_url or f"http://{self.desk_host}:{self.desk_port}").rstrip("/")

    @classmethod
    def from_env(cls, env_file: Path | None = Path(".env"), require_token: bool = True) -> Settings:
        """Read the settings; `require_token=False` for CLI commands that never talk to Telegram."""
        if env_file is not None and env_file.is_file():
            load_dotenv(env_file, override=False)
        env = os.environ
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if require_token:
            check_token(token)
        desk_host, desk_port = parse_listen(env.get("DESK_LISTEN", "") or "127.0.0.1:8080")
        return cls(
            token=token,
            database_path=Path(env.get("DATABASE_PATH", "") or "data/werkervaring.sqlite3"),
            timezone=parse_timezone(env.get("TIMEZONE", "") or "Europe/Brussels"),
            default_language=parse_language(env.get("DEFAULT_LANGUAGE", "") or "nl"),
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
            api_file_url=env.get("TELEGRAM_API_FILE_URL") or None,
            log_level=parse_log_level(env.get("LOG_LEVEL", "") or "INFO"),
            bot_username=parse_username(env.get("TELEGRAM_BOT_USERNAME", "")),
            invite_days=parse_positive_int("INVITE_VALID_DAYS", env.get("INVITE_VALID_DAYS"), 14),
            premium_per_hour_cents=parse_positive_int(
                "PREMIUM_CENTS_PER_HOUR", env.get("PREMIUM_CENTS_PER_HOUR"), 100
            ),
            break_minutes=parse_positive_int(
                "BREAK_MINUTES", env.get("BREAK_MINUTES"), 30, minimum=0
            ),
            retention_days=parse_positive_int("RETENTION_DAYS", env.get("RETENTION_DAYS"), 365 * 2),
            one_core=parse_switch("ONE_CORE", env.get("ONE_CORE"), True),
            desk_enabled=parse_switch("DESK_ENABLED", env.get("DESK_ENABLED"), True),
            desk_host=desk_host,
            desk_port=desk_port,
            desk_public_url=parse_public_url(env.get("DESK_PUBLIC_URL", "")),
            desk_idle_minutes=parse_positive_int(
                "DESK_IDLE_MINUTES", env.get("DESK_IDLE_MINUTES"), 8 * 60
            ),
            reminder_times=ReminderTimes(
                evaluation_heads_up=parse_time(
                    "EVALUATION_HEADS_UP_TIME", env.get("EVALUATION_HEADS_UP_TIME"), time(14, 0)
                ),
                evaluation_due=parse_time(
                    "EVALUATION_DUE_TIME", env.get("EVALUATION_DUE_TIME"), time(8, 0)
                ),
                evaluation_deadline=parse_time(
                    "EVALUATION_DEADLINE_TIME", env.get("EVALUATION_DEADLINE_TIME"), time(12, 0)
                ),
                first_day_eve=parse_time(
                    "FIRST_DAY_EVE_TIME", env.get("FIRST_DAY_EVE_TIME"), time(18, 0)
                ),
                first_day_morning=parse_time(
                    "FIRST_DAY_MORNING_TIME", env.get("FIRST_DAY_MORNING_TIME"), time(7, 0)
                ),
                first_day_employer=parse_time(
                    "FIRST_DAY_EMPLOYER_TIME", env.get("FIRST_DAY_EMPLOYER_TIME"), time(14, 0)
                ),
                certificate_morning=parse_time(
                    "CERTIFICATE_REMINDER_TIME", env.get("CERTIFICATE_REMINDER_TIME"), time(9, 0)
                ),
            ),
        )


def check_token(token: str) -> None:
    """Refuse a missing or malformed bot token with one clear sentence."""
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in the "
            "environment or in a .env file (TELEGRAM_BOT_TOKEN=123456:ABC...)."
        )
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected digits, a colon and "
            "about 35 letters, as @BotFather gives it): check for spaces or a missing part."
        )


def parse_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"TIMEZONE={name!r} is not a known time zone name; use an IANA name such as "
            "Europe/Brussels."
        ) from exc


def parse_language(code: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise ConfigError(
            f"DEFAULT_LANGUAGE={code!r} is not a language code; use a two-letter code such as nl."
        )
    return code


def parse_log_level(level: str) -> str:
    upper = level.upper()
    if upper not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={level!r} is not one of {', '.join(LOG_LEVELS)}.")
    return upper


def parse_username(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not USERNAME_PATTERN.match(value):
        raise ConfigError(
            f"TELEGRAM_BOT_USERNAME={value!r} is not a Telegram bot username (letters, digits, "
            "underscores)."
        )
    return value.lstrip("@")


def parse_positive_int(name: str, value: str | None, default: int, minimum: int = 1) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        least = "greater than zero" if minimum == 1 else f"of at least {minimum}"
        raise ConfigError(f"{name}={value!r} must be a whole number {least}.")
    return number


SWITCH_WORDS = {"yes": True, "true": True, "on": True, "1": True}
SWITCH_WORDS |= {"no": False, "false": False, "off": False, "0": False}


def parse_switch(name: str, value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    try:
        return SWITCH_WORDS[value.strip().lower()]
    except KeyError:
        raise ConfigError(f"{name}={value!r} must be yes or no.") from None


def parse_time(name: str, value: str | None, default: time) -> time:
    if value is None or not value.strip():
        return default
    try:
        return time.fromisoformat(value.strip())
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} must be a time of day such as 08:00.") from exc


def parse_listen(value: str) -> tuple[str, int]:
    """DESK_LISTEN: host:port, such as 127.0.0.1:8080."""
    host, _, port = value.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"DESK_LISTEN={value!r} must be a host and port such as 127.0.0.1:8080.")
    return host.strip("[]"), int(port)


def parse_public_url(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise ConfigError(
            f"DESK_PUBLIC_URL={value!r} must be an address such as https://desk.example.org."
        )
    return value.rstrip("/")
