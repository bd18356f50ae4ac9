"""Every update handled once, its effects exactly once; conversations survive restarts.

The "I will be late" flow stands in for every flow: `/late`, then how late, then
the report is stored and the workplace and the caseworker are told.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import Outcome, WerkervaringApplication
from bot.cli import main
from bot.config import Settings
from bot.store import processed
from bot.webhook import MAX_BODY, WebhookServer
from tests import factories
from tests.harness import TEST_TOKEN, BotHarness, ChatUser


async def late_reports(bot: BotHarness) -> int:
    return int(
        await bot.services.db.fetchval("SELECT COUNT(*) FROM absences WHERE kind = 'late'") or 0
    )


async def late_notices(bot: BotHarness) -> int:
    return int(await bot.services.db.fetchval("SELECT COUNT(*) FROM outbox WHERE kind = 'late'"))


def application(bot: BotHarness) -> WerkervaringApplication:
    assert isinstance(bot.app, WerkervaringApplication)
    return bot.app


async def restart(bot: BotHarness, settings: Settings) -> BotHarness:
    """Stop the bot and start a new one on the same database, as after a crash."""
    await bot.stop()
    again = await BotHarness.start(settings, bot.clock)
    # Telegram numbers updates on; the new fake must not reuse the old ids.
    again._update_ids = itertools.count(10_000)
    return again


def same_user(bot: BotHarness, user: ChatUser) -> ChatUser:
    return ChatUser(bot, user.id, user.first_name, user.language_code)


# Exactly once


async def test_an_update_delivered_twice_is_handled_once(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send("/late")
    update = client.update_json({"text": "30"})
    await bot.process(update)
    assert "Bedankt" in client.last_text
    seen = len(client.inbox)

    # Telegram did not get our confirmation and sends it again.
    await bot.process(update)

    assert len(client.inbox) == seen
    assert await late_reports(bot) == 1
    assert await late_notices(bot) == 2
    assert await processed.is_processed(bot.services.db, update["update_id"])


async def test_handle_update_says_duplicate_for_a_second_delivery(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    data = stranger.update_json({"text": "hallo"})
    first = Update.de_json(data, bot.app.bot)
    assert first is not None
    assert await application(bot).handle_update(first) is Outcome.COMMITTED
    assert await application(bot).handle_update(first) is Outcome.DUPLICATE
    assert len(stranger.inbox) == 1


async def test_a_failing_handler_leaves_nothing_half_done(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send("/late")
    # The report is written, then queueing its notifications fails: the handler fails.
    await bot.services.db.execute(
        "CREATE TRIGGER refuse_late BEFORE INSERT ON outbox WHEN NEW.kind = 'late' "
        "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
    )
    await client.send("30")

    assert await late_reports(bot) == 0
    assert await late_notices(bot) == 0
    # Told what happened, never told it was sent.
    assert "er ging bij ons iets mis" in client.last_text
    assert not [t for t in client.texts if "Bedankt" in t]
    # Still at the same step: typing it again works, once.
    await bot.services.db.execute("DROP TRIGGER refuse_late")
    await client.send("30")
    assert "Bedankt" in client.last_text
    assert await late_reports(bot) == 1
    assert await late_notices(bot) == 2


async def test_telegram_timing_out_on_the_reply_stores_the_report_once(bot: BotHarness) -> None:
    w = await factories.world(bot)
    client = w.client_chat
    await client.send("/late")
    bot.fake.fail("timeout", method="sendMessage", chat_id=client.id, times=1)
    await client.send("30")

    # Stored and notified at once; the receipt waits for Telegram, then comes once.
    assert await late_reports(bot) == 1
    assert await late_notices(bot) == 2
    assert [m.text for m in w.employer_chat.inbox if "te laat" in m.text] != []
    assert not [t for t in client.texts if "Bedankt" in t]
    await bot.advance(timedelta(seconds=2))
    assert len([t for t in client.texts if "Bedankt" in t]) == 1
    await bot.advance(timedelta(minutes=5))
    assert len([t for t in client.texts if "Bedankt" in t]) == 1
    assert await late_reports(bot) == 1


async def test_the_step_is_stored_with_the_update(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/late")
    rows = await bot.services.db.fetchall(
        "SELECT key, state FROM conversation_states WHERE name = 'late'"
    )
    # The step by its name (`conversations.late.State`), stable across releases.
    assert [(json.loads(r["key"]), json.loads(r["state"])) for r in rows] == [
        ([w.client_chat.id, w.client_chat.id], "how_late")
    ]


# Restarts


async def test_after_a_restart_the_client_continues_where_they_were(
    bot: BotHarness, settings: Settings
) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/late")
    assert "Hoeveel te laat" in w.client_chat.last_text

    bot = await restart(bot, settings)
    client = same_user(bot, w.client_chat)
    await client.send("30")

    assert "Bedankt" in client.last_text
    assert await late_reports(bot) == 1
    await bot.stop()


async def test_a_step_undone_after_its_rows_were_written_is_written_again(
    bot: BotHarness, settings: Settings
) -> None:
    """The persistence skips rows that hold what it wrote last; after a rollback it must
    not trust that, or the step the person saw would be lost at the next restart."""
    w = await factories.world(bot)
    client = w.client_chat
    await client.send("🤒 Ik ben ziek")
    question = client.last
    today = next(b["callback_data"] for b in question.inline_buttons if b["text"] == "Vandaag")
    db = bot.services.db
    before = await db.fetchall("SELECT * FROM user_data")
    # The scratch data is written, then the conversation's row is refused: all undone.
    await db.execute(
        "CREATE TEMP TRIGGER refuse BEFORE INSERT ON conversation_states "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    await client.press_data(today, question)
    await db.execute("DROP TRIGGER refuse")
    assert [tuple(r) for r in await db.fetchall("SELECT * FROM user_data")] == [
        tuple(r) for r in before
    ]

    await client.press_data(today, question)
    length = client.last
    assert length.text == "Hoe lang denk je ziek te zijn?"
    one_day = next(b["callback_data"] for b in length.inline_buttons if b["text"] == "1 dag")

    bot = await restart(bot, settings)
    client = same_user(bot, w.client_chat)
    await client.press_data(one_day, length)
    assert client.last_text == "Ben je bij een dokter geweest?"
    await bot.stop()


async def test_a_button_from_before_the_restart_still_works(
    bot: BotHarness, settings: Settings
) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/late")
    question = w.client_chat.last
    button = next(b for b in question.inline_buttons if b["callback_data"] == "late:30")

    bot = await restart(bot, settings)
    client = same_user(bot, w.client_chat)
    await client.press_data(button["callback_data"], question)

    assert "Bedankt" in client.last_text
    assert await late_reports(bot) == 1
    await bot.stop()


async def test_cancel_and_start_get_out_of_a_flow_after_a_restart(
    bot: BotHarness, settings: Settings
) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/late")
    bot = await restart(bot, settings)
    client = same_user(bot, w.client_chat)

    await client.send("/cancel")
    assert client.keyboard, "the menu is back"
    await client.send("30")
    assert await late_reports(bot) == 0, "30 after /cancel is not a report"

    await client.send("/late")
    await client.send("/start")
    assert client.keyboard
    await client.send("30")
    assert await late_reports(bot) == 0
    await bot.stop()


async def test_an_old_button_of_a_finished_flow_says_it_expired(
    bot: BotHarness, settings: Settings
) -> None:
    w = await factories.world(bot)
    await w.client_chat.send("/late")
    question = w.client_chat.last
    await w.client_chat.send("30")

    bot = await restart(bot, settings)
    client = same_user(bot, w.client_chat)
    await client.press_data("late:30", question)

    answers = [c.params.get("text", "") for c in bot.fake.calls_of("answerCallbackQuery")]
    answers += client.texts
    assert any("verlopen" in a for a in answers), answers
    assert await late_reports(bot) == 1
    await bot.stop()


# Webhook


async def post(
    server: WebhookServer,
    body: bytes,
    secret: str | None = "s3cret",
    path: str = "/hook",
    method: str = "POST",
) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    headers = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
    if secret is not None:
        headers += f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
    writer.write(headers.encode() + b"\r\n" + body)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


async def webhook(bot: BotHarness) -> WebhookServer:
    server = WebhookServer(bot.app, "/hook", "s3cret", "127.0.0.1", 0)
    await server.start()
    return server


def as_body(update: dict[str, Any]) -> bytes:
    return json.dumps(update).encode()


async def test_the_webhook_answers_only_after_the_commit(bot: BotHarness) -> None:
    w = await factories.world(bot)
    server = await webhook(bot)
    client = w.client_chat
    try:
        first = client.update_json(
            {"text": "/late", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}
        )
        assert await post(server, as_body(first)) == HTTPStatus.OK
        # The 200 came after the commit: the step and the update id are in the database.
        assert await processed.is_processed(bot.services.db, first["update_id"])
        assert "Hoeveel te laat" in client.last_text

        second = client.update_json({"text": "30"})
        assert await post(server, as_body(second)) == HTTPStatus.OK
        assert await late_reports(bot) == 1
        # Telegram sending it again changes nothing.
        assert await post(server, as_body(second)) == HTTPStatus.OK
        assert await late_reports(bot) == 1
        assert len([t for t in client.texts if "Bedankt" in t]) == 1
    finally:
        await server.stop()


async def test_the_webhook_answers_once_committed_though_telegram_fails_on_the_reply(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    server = await webhook(bot)
    client = w.client_chat
    try:
        await client.send("/late")
        update = client.update_json({"text": "30"})
        bot.fake.fail("network", method="sendMessage", chat_id=client.id, times=1)
        assert await post(server, as_body(update)) == HTTPStatus.OK
        assert await late_reports(bot) == 1
        assert await processed.is_processed(bot.services.db, update["update_id"])
        # Telegram sends it again by mistake: skipped.
        assert await post(server, as_body(update)) == HTTPStatus.OK
        assert await late_reports(bot) == 1
        # The receipt goes out when Telegram answers again.
        await bot.advance(timedelta(seconds=2))
        assert len([t for t in client.texts if "Bedankt" in t]) == 1
    finally:
        await server.stop()


async def test_the_webhook_says_503_while_a_file_cannot_be_fetched_from_telegram(
    bot: BotHarness,
) -> None:
    w = await factories.world(bot)
    server = await webhook(bot)
    client = w.client_chat
    try:
        # A document is checked by its content before the update is handled: while
        # Telegram cannot give it, the update waits (Telegram sends it again later).
        update = client.update_json(
            {
                "document": {
                    "file_id": bot.new_file(b"%PDF-1.4 attest"),
                    "file_unique_id": "uattest",
                    "file_name": "attest.pdf",
                    "mime_type": "application/pdf",
                    "file_size": 15,
                }
            }
        )
        bot.fake.fail("network", method="getFile", times=1)
        assert await post(server, as_body(update)) == HTTPStatus.SERVICE_UNAVAILABLE
        assert not await processed.is_processed(bot.services.db, update["update_id"])
        assert client.inbox == []
        assert await post(server, as_body(update)) == HTTPStatus.OK
        assert await processed.is_processed(bot.services.db, update["update_id"])
        assert client.inbox != []
    finally:
        await server.stop()


async def test_the_webhook_refuses_what_is_not_telegram(bot: BotHarness) -> None:
    stranger = bot.user("Jan")
    server = await webhook(bot)
    update = stranger.update_json({"text": "hallo"})
    try:
        assert await post(server, as_body(update), secret=None) == HTTPStatus.FORBIDDEN
        assert await post(server, as_body(update), secret="guess") == HTTPStatus.FORBIDDEN
        assert await post(server, as_body(update), path="/other") == HTTPStatus.NOT_FOUND
        assert await post(server, b"", method="GET") == HTTPStatus.METHOD_NOT_ALLOWED
        assert await post(server, b"{not json") == HTTPStatus.BAD_REQUEST
        assert await post(server, b" " * (MAX_BODY + 1)) == HTTPStatus.BAD_REQUEST
        assert stranger.inbox == []
        assert await processed.count(bot.services.db) == 0
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--webhook", "https://bot.example.org/hook"], "--secret-token"),
        (["--webhook", "bot.example.org", "--secret-token", "s3cret"], "is not a URL"),
        (["--webhook", "https://bot.example.org/hook", "--secret-token", "met spatie"], "1 to 256"),
        (
            ["--webhook", "https://x.org/h", "--secret-token", "s", "--port", "70000"],
            "port",
        ),
    ],
)
def test_webhook_options_are_checked_before_anything_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    complaint: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    assert main(["run", *arguments]) == 2
    assert complaint in capsys.readouterr().err
    assert not (tmp_path / "bot.sqlite3").exists()
