"""Long polling that confirms an update to Telegram only after its effects are committed.

PTB's `Updater` asks for the next batch (which confirms the previous one) as soon as
it has queued a batch, whether the updates were handled or not: a crash in between
loses them. Here the offset passes an update only after `handle_update` committed
it, so after a `kill -9` Telegram sends the unconfirmed updates again and the ones
already committed are skipped (`processed_updates`).

Updates are handled side by side, each chat's in order (`bot.chat_order`), and
Telegram is confirmed up to the oldest update not yet committed. An update whose
handling found Telegram unreachable (a file download) is handled again after a
pause, before any later update of its chat. After an hour of that, it is handled
one last time and a failure is reported like any other error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.warnings import PTBUserWarning

from bot.app import BotApplication, Outcome, WerkervaringApplication

log = logging.getLogger(__name__)

# Seconds Telegram holds a getUpdates request open while there is nothing new.
POLL_TIMEOUT = 25
# How long (seconds) one update is tried again while Telegram fails.
RETRY_FOR = 3600.0
MAX_PAUSE = 60.0
# Seconds to wait for Telegram's answer beyond the long-poll time.
READ_TIMEOUT = 10.0
# With updates still in progress Telegram would send them again at once: ask again
# when one is done, or after this long (seconds).
BUSY_POLL_PAUSE = 1.0
# ... and, while some are still in progress, not sooner than this after the last time.
BUSY_POLL_GAP = 0.02


def pause_after(failures: int, longest: float = MAX_PAUSE) -> float:
    """1 s, 2 s, 4 s, ... up to a minute."""
    return min(2.0 ** max(failures - 1, 0), longest)


class Poller:
    """`await poller.run()` until `poller.stop()`; the application must be started."""

    def __init__(
        self,
        application: BotApplication,
        timeout: int = POLL_TIMEOUT,
        max_pause: float = MAX_PAUSE,
        retry_for: float = RETRY_FOR,
    ) -> None:
        if not isinstance(application, WerkervaringApplication):
            raise TypeError("the poller needs the application built by bot.app")
        self.application: WerkervaringApplication = application
        self.timeout = timeout
        self.max_pause = max_pause
        self.retry_for = retry_for
        self._stop = asyncio.Event()
        self._fetch: asyncio.Future[list[Any]] | None = None
        # The ids being handled (not yet committed), and the highest id seen.
        self._in_progress: set[int] = set()
        self._highest: int | None = None
        self._done = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def offset(self) -> int | None:
        """Telegram may forget every update below this: all of them are committed."""
        if self._in_progress:
            return min(self._in_progress)
        return None if self._highest is None else self._highest + 1

    def stop(self) -> None:
        """Stop after the updates being handled (a pending getUpdates is abandoned)."""
        self._stop.set()
        if self._fetch is not None:
            self._fetch.cancel()

    async def run(self) -> None:
        failures = 0
        try:
            while not self._stop.is_set():
                # Cleared before asking: an update finished meanwhile counts.
                self._done.clear()
                try:
                    updates = await self._get_updates()
                except asyncio.CancelledError:
                    if self._stop.is_set():
                        break
                    raise
                except InvalidToken:
                    raise
                except Conflict:
                    failures += 1
                    log.error(
                        "Telegram says another process is getting this bot's updates (or a "
                        "webhook is set); waiting"
                    )
                    await self._pause(pause_after(failures, self.max_pause))
                    continue
                except TelegramError as exc:
                    failures += 1
                    log.warning(
                        "Cannot get updates from Telegram (%s); waiting", type(exc).__name__
                    )
                    await self._pause(pause_after(failures, self.max_pause))
                    continue
                failures = 0
                asked = time.monotonic()
                started = self._start(updates)
                if self._in_progress:
                    # Telegram sends the unconfirmed updates again at once. Ask again when
                    # one is done (soon after new ones started: more may be waiting); once
                    # none is left in progress at once, so the next update is not kept
                    # waiting; else not sooner than a moment later, or reading the same
                    # batch again is all the bot does.
                    limit = BUSY_POLL_GAP if started else BUSY_POLL_PAUSE
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._done.wait(), limit)
                    if self._in_progress:
                        await self._pause(asked + BUSY_POLL_GAP - time.monotonic())
        finally:
            # An update being handled is finished first; its effects and its
            # confirmation agree.
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._confirm()

    def _start(self, updates: list[dict[str, Any]]) -> int:
        """Hand the new updates to the chat-ordered processor; returns how many.

        Telegram sends the updates still in progress again with every answer; they are
        skipped by their id before anything else is read.
        """
        processor = self.application.update_processor
        started = 0
        for data in updates:
            update_id = data["update_id"]
            if update_id in self._in_progress or (
                self._highest is not None and update_id <= self._highest
            ):
                continue
            self._highest = update_id
            try:
                update = Update.de_json(data, self.application.bot)
            except Exception:
                update = None
            if update is None:
                # One update this version cannot read must not hold up all the others.
                log.error("Update %s cannot be read by this bot; skipped", update_id)
                continue
            self._in_progress.add(update_id)
            task = asyncio.create_task(processor.process_update(update, self._handle(update)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    def _committed(self, update_id: int) -> None:
        self._in_progress.discard(update_id)
        self._done.set()

    async def _get_updates(self) -> list[dict[str, Any]]:
        """The next updates, as Telegram's JSON (each is read on its own, in `_start`)."""
        self._fetch = asyncio.ensure_future(self._fetch_raw())
        try:
            raw = await self._fetch
        finally:
            self._fetch = None
        return [d for d in raw if isinstance(d, dict) and isinstance(d.get("update_id"), int)]

    async def _fetch_raw(self) -> list[Any]:
        # The raw JSON, so that each update is read on its own (see `_get_updates`).
        timeout = 0 if self._in_progress else self.timeout
        parameters: dict[str, Any] = {
            "timeout": timeout,
            "allowed_updates": list(Update.ALL_TYPES),
        }
        if self.offset is not None:
            parameters["offset"] = self.offset
        with warnings.catch_warnings():
            # The raw call on purpose (see above): PTB's advice to use get_updates does not apply.
            warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)
            result = await self.application.bot.do_api_request(
                "getUpdates", api_kwargs=parameters, read_timeout=READ_TIMEOUT + timeout
            )
        return list(result) if isinstance(result, list) else []

    async def _handle(self, update: Update) -> None:
        """Handle one update until its outcome is final (or the poller stops)."""
        attempt = 0
        first = time.monotonic()
        try:
            while not self._stop.is_set() or attempt == 0:
                attempt += 1
                try:
                    outcome = await self.application.handle_update(
                        update,
                        may_retry=time.monotonic() - first < self.retry_for,
                        committed=lambda _: self._committed(update.update_id),
                    )
                except Exception:
                    # The database failed: nothing is committed, so the update is not
                    # confirmed.
                    log.exception("Update %s could not be stored; will retry", update.update_id)
                    outcome = Outcome.RETRY
                if outcome is not Outcome.RETRY:
                    return
                await self._pause(pause_after(attempt, self.max_pause))
        finally:
            if update.update_id in self._in_progress:
                # Stopped before it was committed: Telegram sends it again after a restart.
                self._done.set()

    async def _pause(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _confirm(self) -> None:
        """Tell Telegram which updates are done, so a restart does not fetch them again."""
        offset = self.offset
        if offset is None:
            return
        try:
            await self.application.bot.get_updates(offset=offset, timeout=0, limit=1)
        except TelegramError as exc:
            # Harmless: a restart gets them again and skips them as already handled.
            log.info("Could not confirm the last updates (%s)", type(exc).__name__)
