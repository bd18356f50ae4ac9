"""The chat harness with a stopwatch around the application's own work per update, a
clock that runs in real time from a chosen moment, and a fake Bot API that enforces
Telegram's flood limit."""

from __future__ import annotations

import json
import time
from collections import deque
from datetime import datetime, timedelta
from typing import Any, cast

from telegram import Update

from bot.clock import Clock, FakeClock
from bot.config import Settings
from tests.harness import BotHarness, FakeTelegram, _error


class ShiftedClock(Clock):
    """The real clock moved to another moment: time runs, so the outbox keeps to
    Telegram's limits as in production (`bot.limits`; they are off on a `FakeClock`)."""

    def __init__(self, start: datetime) -> None:
        self.set(start)

    def set(self, moment: datetime) -> None:
        self._offset = moment - super().now()

    def now(self) -> datetime:
        return super().now() + self._offset

    def advance(self, delta: timedelta) -> None:
        self._offset += delta


class TimedHarness(BotHarness):
    """Times `process_update` only; the outbox is delivered separately, as in production."""

    timings: list[float]
    # Bot API calls made while handling the timed updates.
    api_calls = 0

    @classmethod
    async def start(cls, settings: Settings, clock: FakeClock) -> TimedHarness:
        harness = await super().start(settings, clock)
        assert isinstance(harness, TimedHarness)
        return harness

    def start_timing(self) -> None:
        self.timings = []
        self.api_calls = 0

    async def process(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.app.bot)
        calls = len(self.fake.calls)
        started = time.perf_counter()
        await self.app.process_update(update)
        if hasattr(self, "timings"):
            self.timings.append(time.perf_counter() - started)
            self.api_calls += len(self.fake.calls) - calls


class RealTimeHarness(TimedHarness):
    """The harness on a `ShiftedClock`: the application is built as in production."""

    @property
    def clock(self) -> FakeClock:
        # The test factories only read `now()`, which a ShiftedClock has too.
        return cast(FakeClock, self.services.clock)


class EnforcingTelegram(FakeTelegram):
    """A fake Bot API that answers 429 when more than `limit` messages go out in any second."""

    def __init__(self, limit: int = 30) -> None:
        super().__init__()
        self.limit = limit
        self.window: deque[float] = deque()
        self.retry_afters = 0
        self.delivered = 0

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if api_method == "sendMessage":
            now = time.monotonic()
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            if len(self.window) >= self.limit:
                self.retry_afters += 1
                return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self.window.append(now)
            self.delivered += 1
        return await super().do_request(url, method, request_data, *args, **kwargs)


def dumps(results: dict[str, float]) -> str:
    return json.dumps(results, indent=2, sort_keys=True)
