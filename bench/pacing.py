"""A rate limiter that spaces requests evenly, for Telegram's "30 messages a second".

PTB's `AIORateLimiter` is a leaky bucket: by default it lets a burst of 30 go at
once and then 30 a second, so a limit counted over any sliding second (as the
enforcing fake does, and as Telegram may) answers 429 right after the burst. Its
no-burst setting (`overall_max_rate=1, overall_time_period=1/29`) stays under the
limit but waits a whole interval from the moment a request arrives too early,
so the time the outbox spends between two sends is added to every interval
(about 26 a second here instead of 29).

`SpacedRateLimiter` books time slots instead: each request gets the slot one
interval after the previous one (or now, when the line is idle), and waits only
for what is left of it. Slots never come closer than one interval, so no
sliding second holds more than `per_second` + 1 of them, and a saturated outbox
sends at `per_second`. Only requests that send a message are paced (Telegram's
limit counts messages): answering a button, editing a message or setting the
command menu is never held up behind a fan-out. Proposed for `bot/app.py`;
measured by `make bench`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import BaseRateLimiter

# Bot API methods that put a new message in a chat.
SENDING = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages"})


def sends_message(endpoint: str) -> bool:
    return endpoint.startswith("send") or endpoint in SENDING


class SpacedRateLimiter(BaseRateLimiter[None]):
    """At most one message every 1/`per_second` seconds, without bursts."""

    def __init__(self, per_second: float = 29.0) -> None:
        self.interval = 1.0 / per_second
        self._next_slot = 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        if not sends_message(endpoint):
            return await callback(*args, **kwargs)
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next_slot)
        # Booked before waiting, so concurrent callers line up one interval apart.
        self._next_slot = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
        return await callback(*args, **kwargs)
