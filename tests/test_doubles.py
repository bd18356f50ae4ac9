"""Both Bot API doubles answer as Telegram does, seen through a real PTB `Bot`.

The in-process `FakeTelegram` (tests/harness.py) and the HTTP `BotApiDouble`
(tests/botapi_double.py) get the same calls from an `ExtBot` with the application's
defaults (HTML); each answer is what Telegram gives, and
`bot.telegram_errors.verdict` reads each failure as production will.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Defaults, ExtBot
from telegram.request import HTTPXRequest

from bot.access import EXPIRED
from bot.telegram_errors import Verdict, verdict
from tests.botapi_double import BotApiDouble
from tests.botapi_model import CallbackAnswer, SentMessage, Undercut
from tests.harness import TEST_TOKEN, BotHarness, FakeTelegram

CHAT = 500001
OTHER = 500002
PERSON = {"id": CHAT, "is_bot": False, "first_name": "Fatima"}
# As the application sends: HTML unless a call says otherwise.
HTML = Defaults(parse_mode="HTML")


class Clock:
    """Seconds that move only when the test says so."""

    def __init__(self, start: float) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t


@dataclass
class Telegram:
    """One double behind a real `Bot`, with what a test needs to script and read it."""

    name: str
    bot: Bot
    clock: Clock
    press: Callable[[int, str], str]
    shown_in: Callable[[int], list[SentMessage]]
    answers: Callable[[], list[CallbackAnswer]]
    undercuts: Callable[[], list[Undercut]]
    add_file: Callable[[bytes, int | None], str]
    flood: Callable[[int | None, float, int], None]
    bad_gateway: Callable[[float], None]
    drop_connections: Callable[[float], None]

    def advance(self, seconds: float) -> None:
        self.clock.t += seconds


def in_process() -> tuple[Telegram, FakeTelegram]:
    fake = FakeTelegram()
    clock = Clock(1_800_000_000.0)
    fake.now = clock
    bot = ExtBot(TEST_TOKEN, defaults=HTML, request=fake, get_updates_request=fake)

    def press(message_id: int, data: str) -> str:
        message = fake.messages[(CHAT, message_id)]
        return str(fake.callback_query(PERSON, message.raw, data)["id"])

    telegram = Telegram(
        "in-process",
        bot,
        clock,
        press,
        fake.shown_in,
        lambda: fake.answers,
        lambda: fake.undercuts,
        fake.add_file,
        lambda chat, seconds, retry_after: fake.flood(chat, retry_after, seconds=seconds),
        lambda seconds: fake.bad_gateway(seconds=seconds),
        lambda seconds: fake.drop_connections(seconds=seconds),
    )
    return telegram, fake


def over_http(double: BotApiDouble, clock: Clock) -> Telegram:
    request = HTTPXRequest(httpx_kwargs={"trust_env": False})
    bot = ExtBot(
        TEST_TOKEN,
        defaults=HTML,
        base_url=double.base_url,
        base_file_url=double.file_url,
        request=request,
        get_updates_request=HTTPXRequest(httpx_kwargs={"trust_env": False}),
    )

    def press(message_id: int, data: str) -> str:
        return str(double.press(CHAT, message_id, data)["callback_query"]["id"])

    return Telegram(
        "http",
        bot,
        clock,
        press,
        double.shown_in,
        lambda: double.api.answers,
        lambda: double.undercuts,
        double.add_file,
        double.flood,
        double.bad_gateway,
        double.drop_connections,
    )


@pytest.fixture(params=["in-process", "http"])
async def telegram(request: pytest.FixtureRequest) -> AsyncIterator[Telegram]:
    if request.param == "in-process":
        side, _ = in_process()
        async with side.bot:
            yield side
        return
    clock = Clock(1000.0)
    double = BotApiDouble(clock=clock)
    await double.start()
    try:
        side = over_http(double, clock)
        async with side.bot:
            yield side
    finally:
        await double.stop()


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


async def refusal(call: object) -> TelegramError:
    with pytest.raises(TelegramError) as caught:
        await call  # type: ignore[misc]
    return caught.value


# Edits


async def test_a_repeated_edit_is_not_modified(telegram: Telegram) -> None:
    bot = telegram.bot
    question = await bot.send_message(CHAT, "<b>Sinds wanneer?</b>", reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(CHAT, question.message_id, reply_markup=None)
    error = await refusal(
        bot.edit_message_reply_markup(CHAT, question.message_id, reply_markup=None)
    )
    assert isinstance(error, BadRequest)
    assert error.message == (
        "Message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )
    assert verdict(error) == Verdict.DONE
    [shown] = telegram.shown_in(CHAT)
    assert (shown.shown, shown.inline_buttons, shown.edits) == ("Sinds wanneer?", [], 1)


async def test_the_same_text_as_shown_with_the_same_buttons_is_not_modified(
    telegram: Telegram,
) -> None:
    bot = telegram.bot
    sent = await bot.send_message(CHAT, "<b>Klaar</b> &amp; bewaard", reply_markup=keyboard("a"))
    same = bot.edit_message_text(
        "<strong>Klaar</strong> &amp; bewaard", CHAT, sent.message_id, reply_markup=keyboard("a")
    )
    assert verdict(await refusal(same)) == Verdict.DONE
    # Other buttons, or other formatting of the same letters, are a change.
    await bot.edit_message_text("<b>Klaar</b> & bewaard", CHAT, sent.message_id)
    await bot.edit_message_text("Klaar & bewaard", CHAT, sent.message_id)
    [shown] = telegram.shown_in(CHAT)
    assert (shown.text, shown.shown, shown.inline_markup, shown.edits) == (
        "Klaar & bewaard",
        "Klaar & bewaard",
        None,
        2,
    )


async def test_a_message_that_is_not_there_is_not_found(telegram: Telegram) -> None:
    bot = telegram.bot
    edit = await refusal(bot.edit_message_text("Nieuw", CHAT, 424242))
    assert edit.message == "Message to edit not found"
    delete = await refusal(bot.delete_message(CHAT, 424242))
    assert delete.message == "Message to delete not found"
    assert verdict(edit) == verdict(delete) == Verdict.MOOT

    sent = await bot.send_message(CHAT, "Even geduld")
    assert await bot.delete_message(CHAT, sent.message_id) is True
    assert telegram.shown_in(CHAT) == []
    again = await refusal(bot.delete_message(CHAT, sent.message_id))
    assert again.message == "Message to delete not found"
    gone = await refusal(bot.edit_message_reply_markup(CHAT, sent.message_id))
    assert gone.message == "Message to edit not found"


async def test_a_caption_is_not_a_text(telegram: Telegram) -> None:
    bot = telegram.bot
    photo = await bot.send_photo(CHAT, telegram.add_file(b"\xff\xd8\xff", None), caption="Attest")
    error = await refusal(bot.edit_message_text("Ander", CHAT, photo.message_id))
    assert error.message == "There is no text in the message to edit"
    await bot.edit_message_caption(CHAT, photo.message_id, caption="Attest (ontvangen)")
    assert telegram.shown_in(CHAT)[0].shown == "Attest (ontvangen)"


# Button presses


async def test_a_press_takes_one_answer_within_15_seconds(telegram: Telegram) -> None:
    bot = telegram.bot
    sent = await bot.send_message(CHAT, "Kies", reply_markup=keyboard("a", "b"))
    first = telegram.press(sent.message_id, "a")
    assert await bot.answer_callback_query(first, "Opgeslagen") is True
    twice = await refusal(bot.answer_callback_query(first))
    never_issued = await refusal(bot.answer_callback_query("123456789"))
    late = telegram.press(sent.message_id, "b")
    telegram.advance(15.5)
    too_late = await refusal(bot.answer_callback_query(late, "Te laat", show_alert=True))
    for error in (twice, never_issued, too_late):
        assert error.message == (
            "Query is too old and response timeout expired or query id is invalid"
        )
        assert verdict(error) == Verdict.MOOT
    assert [(a.text, a.show_alert, a.user_id) for a in telegram.answers()] == [
        ("Opgeslagen", False, CHAT)
    ]


# Limits and HTML


async def test_limits_count_the_text_as_shown(telegram: Telegram) -> None:
    bot = telegram.bot
    await bot.send_message(CHAT, "<b>" + "x" * 4095 + "</b>&amp;")
    long = await refusal(bot.send_message(CHAT, "x" * 4097))
    assert long.message == "Message is too long"
    file_id = telegram.add_file(b"\xff\xd8\xff", None)
    await bot.send_photo(CHAT, file_id, caption="<i>" + "é" * 1024 + "</i>")
    caption = await refusal(bot.send_photo(CHAT, file_id, caption="é" * 1025))
    assert caption.message == "Message caption is too long"
    empty = await refusal(bot.send_message(CHAT, "<b> </b>"))
    assert empty.message == "Message text is empty"
    assert {verdict(e) for e in (long, caption, empty)} == {Verdict.REFUSED}
    assert [len(m.shown) for m in telegram.shown_in(CHAT)] == [4096, 1024]


async def test_callback_data_is_at_most_64_bytes(telegram: Telegram) -> None:
    bot = telegram.bot
    await bot.send_message(CHAT, "Kies", reply_markup=keyboard("é" * 32))
    error = await refusal(bot.send_message(CHAT, "Kies", reply_markup=keyboard("é" * 32 + "x")))
    assert error.message == "Button_data_invalid"
    assert verdict(error) == Verdict.REFUSED


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<foo>Hallo</foo>", 'unsupported start tag "foo" at byte offset 0'),
        ("<b>Hallo", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>Hallo</i>", 'unmatched end tag at byte offset 8, expected "</b>", found "</i>"'),
        ("Hallo</b>", "unexpected end tag at byte offset 5"),
        ("5 < 6", 'unsupported start tag "" at byte offset 2'),
        ("Uur: 9u<10u", "unclosed start tag at byte offset 7"),
        ("<span>geheim</span>", 'tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_html_telegram_cannot_parse_is_refused(
    telegram: Telegram, html: str, reason: str
) -> None:
    error = await refusal(telegram.bot.send_message(CHAT, html))
    # PTB capitalises Telegram's "can't parse entities: ..." and lowercases the rest.
    assert error.message == "Can't parse entities: " + reason
    assert verdict(error) == Verdict.REFUSED
    assert telegram.shown_in(CHAT) == []


async def test_html_telegram_accepts_is_shown_parsed(telegram: Telegram) -> None:
    bot = telegram.bot
    for html in ("Jan & Piet", "<b>Z-0042</b> &lt;ok&gt;", '<a href="https://ocmw.be">hier</a>'):
        await bot.send_message(CHAT, html)
    await bot.send_message(CHAT, "<b>niet</b> vet", parse_mode=None)
    shown = [(m.shown, [e.type for e in m.entities]) for m in telegram.shown_in(CHAT)]
    assert shown == [
        ("Jan & Piet", []),
        ("Z-0042 <ok>", ["bold"]),
        ("hier", ["text_link"]),
        ("<b>niet</b> vet", []),
    ]


# Outages


async def test_a_flood_binds_its_chat_and_the_double_sees_who_came_back_too_soon(
    telegram: Telegram,
) -> None:
    bot = telegram.bot
    telegram.flood(CHAT, 10, 3)
    error = await refusal(bot.send_message(CHAT, "Eén"))
    assert isinstance(error, RetryAfter) and verdict(error) == Verdict.FLOOD
    await bot.send_message(OTHER, "Een ander gaat door")
    assert telegram.undercuts() == []

    await refusal(bot.send_message(CHAT, "Te vroeg"))
    [undercut] = telegram.undercuts()
    assert (undercut.method, undercut.chat_id) == ("sendMessage", CHAT)
    assert undercut.allowed_at - undercut.at == 3

    telegram.advance(3)
    still = await refusal(bot.send_message(CHAT, "Nog in de 10 s"))
    assert isinstance(still, RetryAfter)
    telegram.advance(7)
    await bot.send_message(CHAT, "Eindelijk")
    assert len(telegram.undercuts()) == 1
    assert [m.shown for m in telegram.shown_in(CHAT)] == ["Eindelijk"]


async def test_a_flood_of_every_chat_leaves_button_answers_alone(telegram: Telegram) -> None:
    bot = telegram.bot
    sent = await bot.send_message(CHAT, "Kies", reply_markup=keyboard("a"))
    query = telegram.press(sent.message_id, "a")
    telegram.flood(None, 5, 2)
    for chat in (CHAT, OTHER):
        assert isinstance(await refusal(bot.send_message(chat, "x")), RetryAfter)
    assert await bot.answer_callback_query(query) is True
    # The second chat came while the first one's retry_after ran: for every chat, too soon.
    assert [u.chat_id for u in telegram.undercuts()] == [OTHER]


async def test_a_bad_gateway_is_a_passing_outage_and_changes_nothing(telegram: Telegram) -> None:
    bot = telegram.bot
    telegram.bad_gateway(5)
    error = await refusal(bot.send_message(CHAT, "Hallo"))
    assert type(error) is NetworkError and "Bad Gateway (502)" in error.message
    assert verdict(error) == Verdict.TRANSIENT
    telegram.advance(5)
    await bot.send_message(CHAT, "Hallo")
    assert [m.shown for m in telegram.shown_in(CHAT)] == ["Hallo"]


async def test_a_dropped_connection_changes_nothing(telegram: Telegram) -> None:
    bot = telegram.bot
    telegram.drop_connections(5)
    error = await refusal(bot.send_message(CHAT, "Hallo"))
    assert isinstance(error, NetworkError) and not isinstance(error, BadRequest)
    assert verdict(error) == Verdict.TRANSIENT
    assert telegram.shown_in(CHAT) == []
    telegram.advance(5)
    await bot.send_message(CHAT, "Hallo")
    assert [m.shown for m in telegram.shown_in(CHAT)] == ["Hallo"]


# Files


async def test_files_up_to_20_mb_can_be_downloaded(telegram: Telegram) -> None:
    bot = telegram.bot
    content = b"%PDF-1.7\n" + bytes(range(256)) * 4
    file = await bot.get_file(telegram.add_file(content, None))
    assert file.file_size == len(content)
    assert bytes(await file.download_as_bytearray()) == content
    big = await refusal(bot.get_file(telegram.add_file(b"%PDF", 25 * 1024 * 1024)))
    assert big.message == "File is too big"
    unknown = await refusal(bot.get_file("AgADnonexistent"))
    assert unknown.message == "Invalid file_id"
    assert verdict(big) == verdict(unknown) == Verdict.REFUSED


async def test_an_uploaded_file_reaches_the_chat(telegram: Telegram) -> None:
    bot = telegram.bot
    sent = await bot.send_document(
        CHAT, b"naam;uren\nJan;38\n", filename="uren.csv", caption="<b>Uren</b> november"
    )
    [shown] = telegram.shown_in(CHAT)
    assert (shown.method, shown.shown) == ("sendDocument", "Uren november")
    assert sent.document is not None
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"naam;uren\nJan;38\n"


# What only one double does


async def test_the_http_double_delivers_a_press_as_telegram_does() -> None:
    clock = Clock(1000.0)
    double = BotApiDouble(clock=clock)
    await double.start()
    try:
        telegram = over_http(double, clock)
        async with telegram.bot as bot:
            sent = await bot.send_message(CHAT, "Kies", reply_markup=keyboard("ja", "nee"))
            double.press(CHAT, sent.message_id, "ja")
            [update] = await bot.get_updates(timeout=0)
            query = update.callback_query
            assert query is not None and isinstance(query.message, Message)
            assert (query.data, query.from_user.id, query.message.message_id) == (
                "ja",
                CHAT,
                sent.message_id,
            )
            assert query.message.reply_markup == keyboard("ja", "nee")
            assert await query.answer("Bewaard") is True
            assert verdict(await refusal(query.answer())) == Verdict.MOOT
            # Confirming it (offset) removes it, as getUpdates does.
            assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
            assert double.confirmed_offset == update.update_id + 1
    finally:
        await double.stop()


async def test_a_timeout_after_applying_shows_the_message_but_the_bot_hears_nothing() -> None:
    telegram, fake = in_process()
    async with telegram.bot as bot:
        fake.time_out(after_applying=True)
        error = await refusal(bot.send_message(CHAT, "Bedankt"))
        assert isinstance(error, TimedOut) and verdict(error) == Verdict.TRANSIENT
        assert [m.shown for m in fake.shown_in(CHAT)] == ["Bedankt"]
        fake.time_out(times=2)
        for _ in range(2):
            assert isinstance(await refusal(bot.send_message(CHAT, "Nog eens")), TimedOut)
        await bot.send_message(CHAT, "Nog eens")
        assert [m.shown for m in fake.shown_in(CHAT)] == ["Bedankt", "Nog eens"]


async def test_the_short_answer_a_person_saw_after_a_press(bot: BotHarness) -> None:
    stranger = bot.user("Vreemde")
    await stranger.send("/start")
    await stranger.press_data("sick:send")
    expired = bot.services.i18n.translator("nl").plain(EXPIRED)
    assert stranger.alerts == [expired]
    [answer] = stranger.answers
    assert answer.show_alert


async def test_an_answer_dropped_after_applying_leaves_the_message_and_the_call_logged() -> None:
    clock = Clock(1000.0)
    double = BotApiDouble(clock=clock)
    await double.start()
    try:
        telegram = over_http(double, clock)
        async with telegram.bot as bot:
            double.drop_connections(5, after_applying=True)
            error = await refusal(bot.send_message(CHAT, "Bedankt"))
            assert isinstance(error, NetworkError) and verdict(error) == Verdict.TRANSIENT
            # The person sees it; the bot never heard so.
            assert double.texts_to(CHAT) == ["Bedankt"]
            clock.t += 5
            double.type_text(CHAT, "Hallo")
            [update] = await bot.get_updates(timeout=0)
            calls = [(c.at, c.method, c.chat_id, c.status, c.applied) for c in double.log]
            assert calls == [
                (1000.0, "getMe", None, 200, True),
                (1000.0, "sendMessage", CHAT, None, True),
                (1005.0, "getUpdates", None, 200, True),
            ]
            assert double.handed_out == {update.update_id: 1005.0}
    finally:
        await double.stop()
