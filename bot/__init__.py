"""werkervaring-bot: Telegram bot for OCMW Antwerpen work-experience internships."""

__version__ = "0.1.0"
