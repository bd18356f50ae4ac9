"""The one factory that builds the bot, for `werkervaring-bot run` and for the tests alike."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import files, privacy
from bot.chat_order import PerChatProcessor
from bot.context import SERVICES_KEY, BotContext
from bot.db import BUSY, storage_problem
from bot.handlers import register_handlers, register_reminders
from bot.i18n import N_
from bot.logs import ThrottledLog
from bot.persistence import SqlitePersistence
from bot.replies import Call, Replies, ReplyBot, hold, release
from bot.services import Services
from bot.store import people, processed

log = logging.getLogger(__name__)
# A full disk fails every update: the cause is logged once a minute, not each time.
_storage_log = ThrottledLog(log, seconds=60)

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

    # Its effects, its conversation step, its replies and its id are committed together.
    COMMITTED = "committed"
    # A handler failed: its effects were undone, the person was told, the id is recorded.
    FAILED = "failed"
    # Its id was already recorded: a second delivery, nothing done.
    DUPLICATE = "duplicate"
    # Telegram could not be reached while handling it (a file download), or another
    # process held the database: nothing committed, try again later.
    RETRY = "retry"
    # The database could not be written (disk full, read-only): nothing committed, the
    # person was told so and can try again in a few minutes.
    NOT_STORED = "not stored"


def is_transient(error: BaseException) -> bool:
    """Whether an error says Telegram (or the way to it) is unavailable for a while."""
    if isinstance(error, RetryAfter | TimedOut):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


@dataclass
class _Run:
    """The update being handled in this task, and what went wrong while handling it."""

    may_retry: bool
    replies: Replies
    errors: list[Exception] = field(default_factory=list)
    transient: Exception | None = None
    storage: Exception | None = None


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


NOT_STORED_TEXT = N_(
    "Sorry, your message could not be saved just now. Please try again in a few minutes."
)


class WerkervaringApplication(BotApplication):
    """PTB's Application, handling every update exactly once, and telling only what is stored.

    Each update runs inside ONE database transaction together with its conversation
    step (the persistence write), its replies (outbox rows, see `bot.replies`) and the
    record of its id in `processed_updates`: a crash before the commit leaves nothing,
    a crash after it leaves everything, and an update delivered a second time is
    skipped. The handlers' Bot API calls are held back and sent after the commit, so
    nobody is told "done" for what was not stored, and no update holds the database
    while it waits for Telegram. The polling loop (`bot.polling`) and the webhook
    (`bot.webhook`) confirm an update to Telegram only after its commit, and hand
    updates to `bot.chat_order`, which keeps each chat's updates in order.

    A handler that fails has its whole transaction rolled back (its in-memory
    conversation state and its replies too) and its id recorded in a transaction of
    its own with the error message, so the person can simply try again. When the
    database cannot be written, the person is told so at once, without storing.
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

    async def handle_update(
        self,
        update: Update,
        may_retry: bool = True,
        committed: Callable[[Outcome], None] | None = None,
    ) -> Outcome:
        """Handle an update exactly once; see `Outcome` for what the caller should do next.

        `committed` is called as soon as the outcome is final (before the replies are
        sent), so the caller can confirm the update to Telegram. Raises when the
        database fails in an unexpected way (nothing is committed then).
        """
        services = services_of(self)
        run = _Run(may_retry=may_retry, replies=Replies())
        outcome = await self._handle(update, run)
        if committed is not None and outcome is not Outcome.RETRY:
            committed(outcome)
        if update.callback_query is not None and not run.replies.answers:
            # Every press is answered, or the person's button keeps spinning: a flow that
            # let the press go (it ended for another flow's button that nobody took), or a
            # duplicate whose first answer was lost in a crash. A second answer is harmless.
            run.replies.calls.append(
                Call("answerCallbackQuery", {"callback_query_id": update.callback_query.id})
            )
        if outcome is not Outcome.RETRY:
            await self._deliver(services, run.replies)
        return outcome

    async def _handle(self, update: Update, run: _Run) -> Outcome:
        services = services_of(self)
        db = services.db
        try:
            await self._inspect_files(update)
        except TelegramError as error:
            log.warning(
                "Update %s not handled: its file could not be downloaded (%s); will retry",
                update.update_id,
                type(error).__name__,
            )
            return Outcome.RETRY
        snapshot: _Snapshot | None = None
        token = _current_run.set(run)
        held = hold(run.replies)
        try:
            try:
                async with db.transaction():
                    # Taken inside the transaction: no other update runs its handlers now.
                    snapshot = self._snapshot(update)
                    # Claimed first: a second delivery costs one statement. The common path
                    # has no savepoint; a failing update rolls the whole transaction back.
                    if not await processed.claim(db, update.update_id, services.clock.now()):
                        log.info("Update %s was handled before; skipped", update.update_id)
                        return Outcome.DUPLICATE
                    await super().process_update(update)
                    if run.storage is not None or run.transient is not None or run.errors:
                        raise _Undo
                    # In the same transaction: the step the person sees is never lost.
                    await self.update_persistence()
                    if run.errors:
                        raise _Undo
                    await services.outbox.queue_replies(run.replies)
                return Outcome.COMMITTED
            except _Undo:
                if snapshot is not None:
                    self._restore(snapshot)
            except Exception as exc:
                if snapshot is not None:
                    self._restore(snapshot)
                if storage_problem(exc) is not None:
                    run.storage = exc
                else:
                    # A failure of our own after the handlers (storing the step or its
                    # replies): reported like a handler's, with the error handler's words.
                    run.errors.append(exc)
                    run.replies.discard()
                    await super().process_error(update, exc)
            except BaseException:
                # Cancelled (shutdown): nothing was committed.
                if snapshot is not None:
                    self._restore(snapshot)
                raise
        finally:
            release(held)
            _current_run.reset(token)
        if run.storage is not None:
            if storage_problem(run.storage) == BUSY:
                return Outcome.RETRY
            await self._not_stored(update, run)
            return Outcome.NOT_STORED
        if run.transient is not None:
            log.warning(
                "Update %s not handled: Telegram unreachable (%s); will retry",
                update.update_id,
                type(run.transient).__name__,
            )
            return Outcome.RETRY
        # The person is told (the error handler's replies); recorded on its own, so the
        # failure is not repeated.
        async with db.transaction():
            await processed.claim(db, update.update_id, services.clock.now())
            await services.outbox.queue_replies(run.replies)
        return Outcome.FAILED

    async def _inspect_files(self, update: Update) -> None:
        """What the update's documents really are, downloaded and checked before the
        transaction opens (handlers make no network calls of their own). Only for a
        linked person's new update: nobody else's file is ever downloaded."""
        services = services_of(self)
        message = update.message
        user = update.effective_user
        if message is None or message.document is None or user is None:
            files.forget_inspection()
            return
        person = await people.by_telegram_id(services.db, user.id)
        if person is None or await processed.is_processed(services.db, update.update_id):
            files.forget_inspection()
            return
        await files.inspect(self.bot, update)

    async def _deliver(self, services: Services, replies: Replies) -> None:
        """Send an update's committed replies now, callback answers alongside."""
        chats = list(dict.fromkeys(c.chat_id for c in replies.to_chats if c.chat_id is not None))

        async def flush() -> None:
            for chat in chats:
                try:
                    await services.outbox.flush_chat(self.bot, chat)
                except Exception:
                    # Stored: the background sender tries again.
                    log.exception("Replies to chat %s not sent yet", chat)

        await asyncio.gather(services.outbox.answer_now(self.bot, replies.answers), flush())

    async def _not_stored(self, update: Update, run: _Run) -> None:
        """Tell the person, once, that their message could not be saved (nothing stored)."""
        services = services_of(self)
        assert run.storage is not None
        _storage_log.error(
            "The database cannot be written (%s): updates are answered but not stored",
            run.storage,
        )
        chat = update.effective_chat
        user = update.effective_user
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        language = None
        with contextlib.suppress(Exception):
            person = await people.by_telegram_id(services.db, user.id) if user else None
            language = person.language if person else None
        t = services.i18n.translator(
            services.i18n.pick(language, user.language_code if user else None)
        )
        if update.callback_query is not None:
            await services.outbox.answer_now(
                self.bot,
                [Call("answerCallbackQuery", {"callback_query_id": update.callback_query.id})],
            )
        await services.outbox.send_now(
            self.bot, chat.id, "sendMessage", {"text": t.plain(NOT_STORED_TEXT)}
        )

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
        if storage_problem(error) is not None:
            # Nobody is told "something went wrong": the person hears it was not saved.
            run.storage = error
            return True
        if run.may_retry and is_transient(error):
            # Nobody is told: the whole update is undone and handled again later.
            run.transient = error
            return True
        run.errors.append(error)
        # What the failed step said goes with it; the error handler says what happened.
        run.replies.discard()
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


def build_application(
    services: Services,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> BotApplication:
    """The bot: token, persistence, time zone, handlers and error handler.

    No PTB rate limiter: every call that acts in a chat is held back and sent by the
    outbox, which knows Telegram's limits per lane (`bot.limits`).
    """
    settings = services.settings
    bot = ReplyBot(
        token=settings.token,
        base_url=settings.api_base_url or "https://api.telegram.org/bot",
        base_file_url=settings.api_file_url or "https://api.telegram.org/file/bot",
        request=request or HTTPXRequest(),
        get_updates_request=get_updates_request or HTTPXRequest(connection_pool_size=2),
        defaults=Defaults(tzinfo=settings.timezone, parse_mode="HTML"),
    )
    builder: Any = (
        ApplicationBuilder()
        .application_class(WerkervaringApplication)
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .persistence(SqlitePersistence(services.db))
        # Different chats side by side, each chat's updates in order.
        .concurrent_updates(PerChatProcessor())
    )
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
