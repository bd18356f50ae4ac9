"""werkervaring-bot: Telegram bot for OCMW Antwerpen work-experience internships."""

__version__ = "0.1.0"

import os

# python-telegram-bot 22 warns that durations (a 429's `retry_after`, a voice message's
# length) become `timedelta`s in its next major version; we opt in now, and the code
# reads them as such (`bot.telegram_errors.retry_after_seconds`).
os.environ.setdefault("PTB_TIMEDELTA", "true")
