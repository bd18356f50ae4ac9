"""A bare python-telegram-bot bot answering the sick report as werkervaring-bot does.

What a plain PTB bot costs for the same conversation: PTB's own
`Application.run_polling` with default settings and no rate limiter, making the
same Bot API calls for the same updates as werkervaring-bot (`make bench` runs
both against `bench.botapi_server`): the menu text "🤒 Ik ben ziek" gets the first
question; every press is answered (`answerCallbackQuery`), its question shows the chosen
answer in place of its buttons (`editMessageText`) and the next question follows, with the same
texts, buttons and callback data; "send" gets the receipt with the certificate
question in one message. It keeps no state and stores nothing, and it does not tell the workplace
and the caseworker: werkervaring-bot's outbox does that after the update, and the
person's answer does not wait for it.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot \\
        python -m bench.bare_bot
"""

from __future__ import annotations

import html
import itertools
import logging
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

Rows = list[list[tuple[str, str]]]
CANCEL = [("✖️ Stoppen", "sick:cancel")]
SINCE_WHEN = (
    "🤒 Sinds wanneer ben je ziek?",
    [
        [("Vandaag", "sick:from:today"), ("Morgen", "sick:from:tomorrow")],
        [("📅 Een andere dag", "sick:from:other")],
        CANCEL,
    ],
)
# The question after each press.
NEXT: dict[str, tuple[str, Rows]] = {
    "sick:from:today": (
        "Hoe lang denk je ziek te zijn?",
        [
            [("1 dag", "sick:len:1"), ("2 dagen", "sick:len:2"), ("3 dagen", "sick:len:3")],
            [("1 week", "sick:len:7"), ("Ik weet het nog niet", "sick:len:unknown")],
            [("📅 Tot een dag", "sick:len:other")],
            CANCEL,
        ],
    ),
    "sick:len:1": (
        "Ben je bij een dokter geweest?",
        [
            [("✅ Ik ben bij de dokter geweest", "sick:doc:seen")],
            [("🩺 Ik ga nog naar de dokter", "sick:doc:will_see")],
            [("❌ Nee", "sick:doc:no")],
            CANCEL,
        ],
    ),
    "sick:doc:seen": (
        "Controleer je ziekmelding:\n🤒 Ziek vanaf: maandag 30 november\n"
        "📅 Tot: maandag 30 november\n🩺 Dokter: je bent al bij de dokter geweest\n\nKlopt dit?",
        [[("✅ Ja, versturen", "sick:send")], [("✏️ Aanpassen", "sick:again")], CANCEL],
    ),
}
RECEIPT = (
    "✅ Bedankt. Je ziekmelding is bewaard.\nReferentie: <b>Z-{number:04d}</b>\n"
    "Je werkplek en je deskundige werkervaring weten het nu.\n\nWat nu?\n"
    "• Als je beter bent, druk dan opnieuw op «🤒 Ik ben ziek».\n\n"
    "📄 Heb je je medisch attest? Neem er een foto van en stuur die nu hier."
)
CERTIFICATE_BUTTONS: Rows = [[("⏰ Later", "sick:later")]]
_references = itertools.count(1)


def keyboard(rows: Rows) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


async def sick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu button: the first question."""
    assert update.effective_chat is not None
    text, rows = SINCE_WHEN
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard(rows))


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press: answer it, take the buttons off its question, ask the next one."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat_id = update.effective_chat.id
    await query.answer()
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        keys = message.reply_markup.inline_keyboard
        label = next((b.text for row in keys for b in row if b.callback_data == query.data), "")
        question = message.text_html
    else:
        label, question = "", ""
    await query.edit_message_text(f"{question}\n<b>→ {html.escape(label)}</b>", parse_mode="HTML")
    if query.data == "sick:send":
        text, rows = RECEIPT.format(number=next(_references)), CERTIFICATE_BUTTONS
    elif query.data in NEXT:
        text, rows = NEXT[query.data]
    else:
        return
    await context.bot.send_message(chat_id, text, reply_markup=keyboard(rows), parse_mode="HTML")


def keep_to_one_core() -> None:
    """The highest core, as werkervaring-bot keeps itself with ONE_CORE (the benchmark's
    Bot API server takes the lowest), so both bots run alike."""
    if hasattr(os, "sched_setaffinity") and os.environ.get("ONE_CORE", "yes") != "no":
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    keep_to_one_core()
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .build()
    )
    application.add_handler(MessageHandler(filters.Regex("Ik ben ziek"), sick))
    application.add_handler(CallbackQueryHandler(pressed))
    application.run_polling()


if __name__ == "__main__":
    main()
