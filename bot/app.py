"""The one factory that builds the bot, for `werkervaring-bot run` and for the tests alike."""

from __future__ import annotations

import asyncio
import contextvars
import copy
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import BaseRequest

from bot import files, privacy
from bot.clock import Clock, FakeClock
from bot.config import Settings
from bot.context import SERVICES_KEY, BotContext
from bot.db import Database
from bot.handlers import register_handlers, register_reminders
from bot.i18n import I18n
from bot.outbox import PER_CHAT_INTERVAL, Outbox
from bot.persistence import SqlitePersistence
from bot.reminders import Reminders
from bot.services import Services
from bot.store import processed

log = logging.getLogger(__name__)

# How often the reminder heartbeat looks for due reminders.
TICK_SECONDS = 30
_STOP_KEY = "background_stop"
# `process_update` (tests, PTB) tries an update this often before reporting its error.
IMMEDIATE_ATTEMPTS = 3

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


class Outcome(StrEnum):
    """What became of one update handed to `WerkervaringApplication.handle_update`."""

    # Its effects, its conversation step and its id are committed together.
    COMMITTED = "committed"
    # A handler failed: its effects were undone, the person was told, the id is recorded.
    FAILED = "failed"
    # Its id was already recorded: a second delivery, nothing done.
    DUPLICATE = "duplicate"
    # Telegram could not be reached while handling it: nothing committed, try again later.
    RETRY = "retry"


def is_transient(error: BaseException) -> bool:
    """Whether an error says Telegram (or the way to it) is unavailable for a while."""
    if isinstance(error, RetryAfter | TimedOut):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


@dataclass
class _Run:
    """The update being handled in this task, and the errors its handlers raised."""

    may_retry: bool
    errors: list[Exception] = field(default_factory=list)
    transient: Exception | None = None


_current_run: contextvars.ContextVar[_Run | None] = contextvars.ContextVar(
    "current_run", default=None
)


# In a snapshot: the update's key had no state in that conversation.
_NO_STATE = object()


@dataclass
class _Snapshot:
    # Every flow is per chat and user, so an update can only change its own key.
    key: tuple[int, int] | None
    conversations: dict[str, object]
    user_id: int | None
    user_data: dict[Any, Any] | None


class _Undo(Exception):
    """Raised inside the update's transaction to undo what its handlers wrote."""


class WerkervaringApplication(BotApplication):
    """PTB's Application, handling every update exactly once.

    Each update runs inside ONE database transaction together with its conversation
    step (the persistence write) and the record of its id in `processed_updates`: a
    crash before the commit leaves nothing, a crash after it leaves everything, and an
    update delivered a second time is skipped. The polling loop (`bot.polling`) and
    the webhook (`bot.webhook`) confirm an update to Telegram only after the commit.

    A handler that fails has its whole transaction rolled back (its in-memory
    conversation state too) and its id recorded in a transaction of its own, so the
    person can simply try again. When the failure only means Telegram was
    unreachable, the update is not recorded either and is handled again later.

    Replies are sent while the transaction is open, so a crash between a reply and
    the commit repeats that reply once: the one message in flight. Meanwhile the
    outbox worker and the reminder heartbeat wait for the database; an update takes
    a few milliseconds plus its replies' round trips.
    """

    async def process_update(self, update: object) -> None:
        """Handle one update now (used by tests and by PTB itself); no waiting, no raising."""
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        for attempt in range(1, IMMEDIATE_ATTEMPTS + 1):
            outcome = await self.handle_update(update, may_retry=attempt < IMMEDIATE_ATTEMPTS)
            if outcome is not Outcome.RETRY:
                return

    async def handle_update(self, update: Update, may_retry: bool = True) -> Outcome:
        """Handle an update exactly once; see `Outcome` for what the caller should do next.

        Raises when the database itself fails (nothing is committed then).
        """
        services = services_of(self)
        db = services.db
        # --- p1-input (issue 16, files are what they claim): the lead moves this. ---
        # What the update's documents really are, downloaded and checked before the
        # transaction opens: handlers make no network calls of their own.
        try:
            await files.inspect(self.bot, update)
        except TelegramError as error:
            log.warning(
                "Update %s not handled: its file could not be downloaded (%s); will retry",
                update.update_id,
                type(error).__name__,
            )
            return Outcome.RETRY
        # --- end p1-input ---
        snapshot = self._snapshot(update)
        run = _Run(may_retry=may_retry)
        token = _current_run.set(run)
        try:
            try:
                async with db.transaction():
                    # Claimed first: a second delivery costs one statement. The common path
                    # has no savepoint; a failing update rolls the whole transaction back.
                    if not await processed.claim(db, update.update_id, services.clock.now()):
                        log.info("Update %s was handled before; skipped", update.update_id)
                        return Outcome.DUPLICATE
                    await super().process_update(update)
                    if run.transient is not None or run.errors:
                        raise _Undo
                    # In the same transaction: the step the person sees is never lost.
                    await self.update_persistence()
                    if run.errors:
                        raise _Undo
                return Outcome.COMMITTED
            except _Undo:
                self._restore(snapshot)
            if run.transient is not None:
                log.warning(
                    "Update %s not handled: Telegram unreachable (%s); will retry",
                    update.update_id,
                    type(run.transient).__name__,
                )
                return Outcome.RETRY
            # The person was told; recorded on its own, so the failure is not repeated.
            async with db.transaction():
                await processed.claim(db, update.update_id, services.clock.now())
            return Outcome.FAILED
        except BaseException:
            # Cancelled (shutdown) or the database failed: nothing was committed.
            self._restore(snapshot)
            raise
        finally:
            _current_run.reset(token)

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Any = None,
        coroutine: Any = None,
    ) -> bool:
        run = _current_run.get()
        if run is None:
            return await super().process_error(update, error, job, coroutine)
        if run.may_retry and is_transient(error):
            # Nobody is told: the whole update is undone and handled again later.
            run.transient = error
            return True
        run.errors.append(error)
        await super().process_error(update, error, job, coroutine)
        # The update is undone, so no later handler should act on it.
        return True

    def _snapshot(self, update: Update) -> _Snapshot:
        user_id = update.effective_user.id if update.effective_user else None
        user_data = None
        if user_id is not None and user_id in self._user_data:
            user_data = copy.deepcopy(self._user_data[user_id])
        chat = update.effective_chat
        key = (chat.id, user_id) if chat is not None and user_id is not None else None
        conversations: dict[str, object] = {}
        if key is not None:
            for name, states in self._conversation_handler_conversations.items():
                conversations[name] = states.get(key, _NO_STATE)
        return _Snapshot(key=key, conversations=conversations, user_id=user_id, user_data=user_data)

    def _restore(self, snapshot: _Snapshot) -> None:
        """Put the in-memory conversation states and user data back as they were."""
        if isinstance(self.persistence, SqlitePersistence):
            # The rolled-back rows no longer hold what the persistence last wrote.
            self.persistence.forget_written()
        key = snapshot.key
        if key is not None:
            for name, states in self._conversation_handler_conversations.items():
                saved = snapshot.conversations.get(name, _NO_STATE)
                if saved is _NO_STATE:
                    if key in states:
                        del states[key]
                elif states.get(key, _NO_STATE) != saved:
                    states[key] = saved
        if snapshot.user_id is None:
            return
        if snapshot.user_data is None:
            self._user_data.pop(snapshot.user_id, None)
        else:
            self._user_data[snapshot.user_id] = snapshot.user_data
        self.mark_data_for_update_persistence(user_ids=snapshot.user_id)


async def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Open the database and build the services (the caller closes `services.db`)."""
    i18n = I18n(settings.default_language, settings.timezone)
    db = await Database.open(settings.database_path)
    clock = clock or Clock()
    # On a fake clock (tests, benchmarks) nobody waits in real time between two messages.
    per_chat_interval = 0.0 if isinstance(clock, FakeClock) else PER_CHAT_INTERVAL
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        i18n=i18n,
        outbox=Outbox(db, clock, i18n, per_chat_interval),
        reminders=Reminders(),
    )


def build_application(
    services: Services,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> BotApplication:
    """The bot: token, persistence, time zone, rate limiter, handlers and error handler."""
    settings = services.settings
    builder: Any = (
        ApplicationBuilder()
        .application_class(WerkervaringApplication)
        .token(settings.token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(tzinfo=settings.timezone, parse_mode="HTML"))
        .persistence(SqlitePersistence(services.db))
        # One update at a time keeps each person's steps in order.
        .concurrent_updates(False)
    )
    if not isinstance(services.clock, FakeClock):
        # About 30 messages a second overall (Telegram's flood limit). On a fake clock
        # (tests, benchmarks) nobody waits in real time, like the outbox's per-chat pacing.
        builder = builder.rate_limiter(
            # A bucket of 1.2 messages leaking 28.8 a second: no sliding second holds more
            # than 30 (1.2 + 28.8), and the bucket absorbs the event loop's lateness (with
            # none, one message every 1/29 s reached only 27.7 a second). PTB's default
            # (a burst of 30, then 30 a second) draws 429s from a limit counted that way.
            AIORateLimiter(overall_max_rate=1.2, overall_time_period=1.2 / 28.8)
        )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.api_file_url:
        builder = builder.base_file_url(settings.api_file_url)
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application: BotApplication = builder.build()
    application.bot_data[SERVICES_KEY] = services
    register_reminders(services.reminders)
    register_handlers(application, services.i18n)
    return application


def services_of(application: BotApplication) -> Services:
    services: Services = application.bot_data[SERVICES_KEY]
    return services


async def tick(context: BotContext) -> None:
    """The heartbeat: send the reminders that are due."""
    await context.services.reminders.dispatch_due(context.services)


async def start_background(application: BotApplication) -> None:
    """Start the reminder heartbeat and the outbox worker (needs `application.start()`)."""
    services = services_of(application)
    await privacy.ensure_scheduled(services)
    stop = asyncio.Event()
    application.bot_data[_STOP_KEY] = stop
    if application.job_queue is not None:
        application.job_queue.run_repeating(tick, interval=TICK_SECONDS, first=1, name="tick")
    application.create_task(services.outbox.run(application.bot, stop), name="outbox")


async def stop_background(application: BotApplication) -> None:
    stop: asyncio.Event | None = application.bot_data.get(_STOP_KEY)
    if stop is not None:
        stop.set()
