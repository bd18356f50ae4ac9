"""`make profile`: where the time of one update goes, for the next person making it faster.

Runs the conversation scenario of `make bench` (on one core, as the bot runs) and
prints the SQL statements per update, grouped by shape, then the functions that
took the most time of their own (cProfile). Statements are counted because each
one is a trip to aiosqlite's thread and back.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import re
from collections import Counter
from typing import Any

from bench import scenarios
from bench.timed import TimedHarness
from bot.clock import FakeClock
from bot.config import Settings
from bot.runner import keep_to_one_core

# Literals and numbers out, so statements group by shape.
LITERALS = re.compile(r"'[^']*'|\b\d+\b")


class ProfiledHarness(TimedHarness):
    """Profiles and counts statements while the timed updates are handled."""

    profiler = cProfile.Profile()
    # The harness the scenario started (the scenario itself returns only figures).
    last: ProfiledHarness | None = None
    statements: list[str]
    per_update: list[int]
    # Statements are counted only while a timed update is handled (not the outbox's).
    counting = False

    def start_timing(self) -> None:
        super().start_timing()
        self.statements = []
        self.per_update = []
        self.profiler.enable()

    async def process(self, data: dict[str, Any]) -> None:
        if not hasattr(self, "timings"):
            await super().process(data)
            return
        before = len(self.statements)
        self.counting = True
        try:
            await super().process(data)
        finally:
            self.counting = False
        self.per_update.append(len(self.statements) - before)

    @classmethod
    async def start(cls, settings: Settings, clock: FakeClock) -> ProfiledHarness:
        harness = await super().start(settings, clock)
        assert isinstance(harness, ProfiledHarness)
        # sqlite3 calls this on aiosqlite's thread with each statement it runs.
        await harness.services.db._conn.set_trace_callback(harness.traced)
        ProfiledHarness.last = harness
        return harness

    def traced(self, statement: str) -> None:
        if self.counting:
            self.statements.append(" ".join(LITERALS.sub("?", statement).split()))


async def profile(clients: int) -> ProfiledHarness:
    figures = await scenarios.conversation(clients, 0, ProfiledHarness)
    ProfiledHarness.profiler.disable()
    print(f"{figures['updates']:.0f} updates, {figures['mean_ms']:.2f} ms each on average")
    assert ProfiledHarness.last is not None
    return ProfiledHarness.last


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--clients", type=int, default=100, help="clients reporting sick")
    parser.add_argument("--top", type=int, default=25, help="functions to show")
    args = parser.parse_args()
    keep_to_one_core()
    h = asyncio.run(profile(args.clients))
    updates = len(h.per_update)
    print(f"\nSQL statements per update: {sum(h.per_update) / updates:.1f}")
    for statement, count in Counter(h.statements).most_common(15):
        print(f"{count / updates:7.2f}  {statement[:110]}")
    print()
    pstats.Stats(ProfiledHarness.profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
