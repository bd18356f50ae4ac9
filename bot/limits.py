"""Telegram's flood limits as lanes: who may send now, and when the others may.

Telegram asks bots to stay under about 30 messages a second overall (for bulk
notifications), about one message a second in one chat (short bursts are fine)
and 20 a minute in a group; answers to callback queries are not messages. A
single bucket for everything (PTB's `AIORateLimiter`) makes a person who is
tapping wait behind a Thursday fan-out of 10,000 reminders, so sends are sorted
into lanes:

- `Lane.REPLY`: replies and edits to a person acting right now. Limited only per
  chat (a burst, then about one a second); they count towards the overall rate
  but never wait for it.
- `Lane.URGENT`: notifications that cannot wait (an accident, a sick report, a
  negative evaluation): before bulk whenever both wait for the overall rate.
- `Lane.BULK`: reminders, digests, other notifications: what is left of the
  overall rate.

A 429 with `retry_after` pauses exactly what Telegram asked to pause: the chat
(`pause_chat`), or every send (`pause_all`) when the bot as a whole is limited.

This module only decides; it never sleeps or sends (`bot.outbox` does), so every
rule is tested on a fake clock: times are seconds on any monotonic clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Lane(IntEnum):
    """The order in which waiting sends go: the lower, the sooner."""

    REPLY = 0
    URGENT = 1
    BULK = 2


@dataclass(frozen=True)
class LimitSettings:
    # Overall: a bucket of `overall_burst` refilled at `overall_rate` a second, so no
    # sliding second holds more than burst + rate (1.2 + 28.8 = 30). The small bucket
    # absorbs the event loop's lateness; with none, sends every 1/29 s reached 27.7/s.
    overall_rate: float = 28.8
    overall_burst: float = 1.2
    # How far replies may run the overall bucket into debt (one second's worth):
    # bulk resumes at most this long after a rush of replies ends.
    overall_debt: float = 28.8
    # One chat: a burst of a few, then about one a second.
    chat_rate: float = 1.0
    chat_burst: float = 4.0
    # Groups (negative chat ids): 20 a minute.
    group_rate: float = 20 / 60
    group_burst: float = 3.0


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

    def take(self, now: float, floor: float = 0.0) -> None:
        self.tokens = max(self.level(now) - 1.0, floor)
        self.stamp = max(now, self.stamp)

    def full(self, now: float) -> bool:
        return self.level(now) >= self.burst


class Limits:
    """The limits of one bot; `enabled=False` (tests on a fake clock) lets everything go."""

    def __init__(self, settings: LimitSettings | None = None, enabled: bool = True) -> None:
        self.settings = settings or LimitSettings()
        self.enabled = enabled
        self._overall: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._chat_paused: dict[int, float] = {}
        self._all_paused = 0.0

    def ready_at(self, chat_id: int | None, lane: Lane, now: float) -> float:
        """The earliest moment (>= now) a send to `chat_id` in `lane` may go."""
        if not self.enabled:
            return now
        moment = max(now, self._all_paused)
        if chat_id is not None:
            moment = max(moment, self._chat_paused.get(chat_id, 0.0))
            moment = max(moment, self._chat(chat_id, now).ready_at(moment))
        if lane is not Lane.REPLY:
            moment = max(moment, self._overall_bucket(now).ready_at(moment))
        return moment

    def take(self, chat_id: int | None, lane: Lane, now: float) -> None:
        """Count a send that goes now (call only when `ready_at` said now)."""
        if not self.enabled:
            return
        if chat_id is not None:
            self._chat(chat_id, now).take(now)
        # Replies count towards the overall rate, running it into debt if they must.
        floor = -self.settings.overall_debt if lane is Lane.REPLY else 0.0
        self._overall_bucket(now).take(now, floor)

    def pause_chat(self, chat_id: int, until: float) -> None:
        """Nothing goes to this chat before `until` (Telegram's retry_after for it)."""
        self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), until)

    def pause_all(self, until: float) -> None:
        """Nothing goes to anyone before `until`."""
        self._all_paused = max(self._all_paused, until)

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

    def _overall_bucket(self, now: float) -> _Bucket:
        if self._overall is None:
            s = self.settings
            self._overall = _Bucket(s.overall_rate, s.overall_burst, now)
        return self._overall
