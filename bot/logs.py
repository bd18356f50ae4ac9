"""Logging helpers."""

from __future__ import annotations

import logging
import time
from typing import Any


class ThrottledLog:
    """At most one line every `seconds` for a failure that repeats with every update.

    The lines left out are counted and the count is given with the next line, so a
    full disk fills the log with one line a minute, not one per message.
    """

    def __init__(self, logger: logging.Logger, seconds: float) -> None:
        self.logger = logger
        self.seconds = seconds
        self._last = float("-inf")
        self._left_out = 0

    def error(self, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._last < self.seconds:
            self._left_out += 1
            return
        if self._left_out:
            message += " (%d more like this since the last line)"
            args = (*args, self._left_out)
        self._last = now
        self._left_out = 0
        self.logger.error(message, *args)
