"""Telegram's flood limits as lanes: who may send now, and when the others may.

Telegram asks bots to stay under about 30 messages a second overall (for bulk
notifications), about one message a second in one chat (short bursts are fine)
and 20 a minute in a group; answers to callback queries are not messages. A
single bucket for everything (PTB's `AIORateLimiter`) makes a person who is
tapping wait behind a Thursday fan-out of 10,000 reminders, so sends are sorted
into lanes:

- `Lane.REPLY`: replies and edits to a person acting right now. Limited only per
  chat (a burst the size of a whole flow, then about one a second); they count
  towards the overall rate but never wait for it.
- `Lane.URGENT`: notifications that cannot wait (an accident, a sick report, a
  negative evaluation): before bulk whenever both wait for the overall rate.
- `Lane.BULK`: reminders, digests, other notifications: what is left of the
  overall rate, counted as Telegram counts it: sends in any sliding second.

Urgent and bulk sends are also evenly paced (one every 1/29 s, on a fixed grid so
that a late wake-up does not cost rate): 29 sent in one burst and 29 more a second
later reach Telegram with its own delays, and a burst that arrives a little
spread out next to one that arrives bunched counts 30 in some second there. One
every 35 ms leaves that much room for the delays.

A 429 with `retry_after` pauses exactly what Telegram asked to pause: the chat
(`pause_chat`), or, when the bot as a whole is limited, the notifications
(`pause_notifications`, when they were refused) or every send (`pause_all`).

This module only decides; it never sleeps or sends (`bot.outbox` does), so every
rule is tested on a fake clock: times are seconds on any monotonic clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import IntEnum


class Lane(IntEnum):
    """The order in which waiting sends go: the lower, the sooner."""

    REPLY = 0
    URGENT = 1
    BULK = 2


@dataclass(frozen=True)
class LimitSettings:
    # Overall: at most this many sends in any sliding second, counted as Telegram does
    # (29, not 30: a send leaves here a moment before Telegram counts it).
    overall_per_second: int = 29
    # One chat: a burst of a whole flow (a person tapping through a sick report needs
    # about a dozen replies and edits), then about one a second.
    chat_rate: float = 1.0
    chat_burst: float = 12.0
    # Groups (negative chat ids): 20 a minute.
    group_rate: float = 20 / 60
    group_burst: float = 3.0
    # How early a paced send may go before its moment on the grid: absorbs the event
    # loop's lateness without letting sends bunch up.
    pace_tolerance: float = 0.5 / 29


class _Pace:
    """One send every `interval` seconds, on a grid (GCRA's theoretical arrival time)."""

    __slots__ = ("due", "interval", "tolerance")

    def __init__(self, per_second: float, tolerance: float) -> None:
        self.interval = 1.0 / per_second
        self.tolerance = tolerance
        self.due = float("-inf")

    def ready_at(self, now: float) -> float:
        return max(now, self.due - self.tolerance)

    def take(self, now: float) -> None:
        self.due = max(self.due, now) + self.interval


class _Window:
    """The moments of the sends of the last second, oldest first."""

    __slots__ = ("limit", "moments")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.moments: deque[float] = deque()

    def ready_at(self, now: float) -> float:
        while self.moments and self.moments[0] <= now - 1.0:
            self.moments.popleft()
        if len(self.moments) < self.limit:
            return now
        # When the oldest of the last `limit` sends has left the window.
        return self.moments[len(self.moments) - self.limit] + 1.0 + 1e-3

    def add(self, now: float) -> None:
        self.moments.append(now)


class _Bucket:
    """A token bucket: a send needs one token; tokens come back at `rate` a second."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now

    def level(self, now: float) -> float:
        return min(self.burst, self.tokens + max(now - self.stamp, 0.0) * self.rate)

    def ready_at(self, now: float) -> float:
        level = self.level(now)
        return now if level >= 1.0 else now + (1.0 - level) / self.rate

    def take(self, now: float) -> None:
        self.tokens = self.level(now) - 1.0
        self.stamp = max(now, self.stamp)

    def full(self, now: float) -> bool:
        return self.level(now) >= self.burst


class Limits:
    """The limits of one bot; `enabled=False` (tests on a fake clock) lets everything go."""

    def __init__(self, settings: LimitSettings | None = None, enabled: bool = True) -> None:
        self.settings = settings or LimitSettings()
        self.enabled = enabled
        self._overall = _Window(self.settings.overall_per_second)
        self._pace = _Pace(self.settings.overall_per_second, self.settings.pace_tolerance)
        self._chats: dict[int, _Bucket] = {}
        self._chat_paused: dict[int, float] = {}
        self._all_paused = 0.0
        self._notifications_paused = 0.0

    def ready_at(self, chat_id: int | None, lane: Lane, now: float) -> float:
        """The earliest moment (>= now) a send to `chat_id` in `lane` may go."""
        if not self.enabled:
            return now
        moment = max(now, self._all_paused)
        if chat_id is not None:
            moment = max(moment, self._chat_paused.get(chat_id, 0.0))
            moment = max(moment, self._chat(chat_id, now).ready_at(moment))
        if lane is not Lane.REPLY:
            moment = max(moment, self._notifications_paused)
            moment = max(moment, self._pace.ready_at(moment))
            moment = max(moment, self._overall.ready_at(moment))
        return moment

    def take(self, chat_id: int | None, lane: Lane, now: float) -> None:
        """Count a send that goes now (call only when `ready_at` said now)."""
        if not self.enabled:
            return
        if chat_id is not None:
            self._chat(chat_id, now).take(now)
        if lane is not Lane.REPLY:
            self._pace.take(now)
        # Replies count towards the overall rate too, though they never wait for it.
        self._overall.add(now)

    def pause_chat(self, chat_id: int, until: float) -> None:
        """Nothing goes to this chat before `until` (Telegram's retry_after for it)."""
        self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)

    def pause_all(self, until: float) -> None:
        """Nothing goes to anyone before `until`."""
        self._all_paused = max(self._all_paused, until)

    def pause_notifications(self, until: float) -> None:
        """No urgent or bulk send goes before `until`; replies still do."""
        self._notifications_paused = max(self._notifications_paused, until)

    def paused_until(self, chat_id: int | None = None) -> float:
        """When the pause on this chat (or on everything) ends; 0 when there is none."""
        until = self._all_paused
        if chat_id is not None:
            until = max(until, self._chat_paused.get(chat_id, 0.0))
        return until

    def forget_idle(self, now: float) -> None:
        """Drop what is known about chats that are back at full allowance (memory)."""
        self._chats = {c: b for c, b in self._chats.items() if not b.full(now)}
        self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}

    def _chat(self, chat_id: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            s = self.settings
            group = chat_id < 0
            rate = s.group_rate if group else s.chat_rate
            burst = s.group_burst if group else s.chat_burst
            bucket = self._chats[chat_id] = _Bucket(rate, burst, now)
        return bucket
