"""Files people send (a proof, a paper form, a voice message) and passing them on.

Files are never downloaded: they go on by their Telegram file id, through the
outbox, each with a caption in the recipient's language.
"""

from __future__ import annotations

from telegram import Message

from bot.notify import TextFor
from bot.services import Services
from bot.store.models import Person

# The Bot API method that sends each kind of file, and its field for the file id.
FIELDS = {"sendPhoto": "photo", "sendDocument": "document", "sendVoice": "voice"}


def photo_or_pdf(message: Message | None) -> tuple[str, str] | None:
    """(file id, Bot API method) of a photo, a PDF or an image sent as a document; else None."""
    if message is None:
        return None
    if message.photo:
        return message.photo[-1].file_id, "sendPhoto"
    document = message.document
    if document is not None:
        mime = document.mime_type or ""
        if mime == "application/pdf" or mime.startswith("image/"):
            return document.file_id, "sendDocument"
    return None


async def forward_file(
    services: Services,
    recipients: list[Person],
    method: str,
    file_id: str,
    caption_for: TextFor,
    kind: str,
    dedupe_key: str | None = None,
) -> None:
    """Send a photo, document or voice message on by its file id, to each recipient.

    With `dedupe_key`, each recipient's copy is queued once (`<dedupe_key>:<person id>`).
    """
    for person in recipients:
        t = services.i18n.translator(person.language)
        await services.outbox.send(
            person,
            method,
            {FIELDS[method]: file_id, "caption": caption_for(t), "parse_mode": "HTML"},
            kind=kind,
            dedupe_key=f"{dedupe_key}:{person.id}" if dedupe_key else None,
        )
