"""Files people send (a certificate, a proof, a paper form, a voice message): what they
really are, and passing them on.

A document is judged by its content, never by its name or the type the sender's app
claims: a program renamed `attest.pdf` is still a program. Before an update is
handled, `inspect` downloads the document (Telegram lets bots download up to 20 MB)
and `sniff`s its first bytes; handlers, which make no network calls of their own,
then ask `checked_kind` or `photo_or_pdf`. A photo sent as a photo needs no download:
Telegram re-encodes every such photo as JPEG.

Accepted files go on by their Telegram file id, through the outbox, each with a
caption in the recipient's language.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from telegram import Bot, Document, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.i18n import N_
from bot.notify import TextFor
from bot.services import Services
from bot.store.models import Person

log = logging.getLogger(__name__)

# Telegram's Bot API download limit; a larger document cannot be checked, so it is
# never accepted (and gets an answer of its own).
MAX_FILE_BYTES = 20 * 1024 * 1024

NOT_ACCEPTED = N_("Please send a photo or a PDF. Other files are not accepted.")

# The Bot API method that sends each kind of file, and its field for the file id.
FIELDS = {"sendPhoto": "photo", "sendDocument": "document", "sendVoice": "voice"}


class FileKind(StrEnum):
    """The kinds of file accepted as a certificate, a proof or a paper form."""

    JPEG = "jpeg"
    PNG = "png"
    HEIF = "heif"
    PDF = "pdf"


# The signatures are checked here rather than with the `filetype` package: its HEIC
# check (1.2.0, the latest release) knows only the major brand `heic` (or `mif1`/`msf1`
# listing `heic`), so photos from phones marked `heix`, `hevc`, `heim`, `mif1`, ... were
# refused; and four signatures are a few lines.
JPEG_START = b"\xff\xd8\xff"
PNG_START = b"\x89PNG\r\n\x1a\n"
# A PDF starts with its header; readers also accept one later in the first kilobyte,
# but that leaves room for other files carrying the bytes, so we do not.
PDF_START = b"%PDF-"
# HEIF (ISO/IEC 23008-12) is an ISO base media file: a first box `ftyp` whose major
# brand says which kind. HEIC is HEIF with HEVC images; `mif1` and `msf1` are HEIF's
# own brands for an image and an image sequence.
HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)


def sniff(head: bytes) -> FileKind | None:
    """The kind of file that starts with `head` (its first bytes), or None when it is
    none that we accept."""
    if head.startswith(JPEG_START):
        return FileKind.JPEG
    if head.startswith(PNG_START):
        return FileKind.PNG
    if head.startswith(PDF_START):
        return FileKind.PDF
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        box_size = int.from_bytes(head[:4], "big")
        # The box holds at least its size, its type, the major brand and a version.
        if box_size >= 16:
            return FileKind.HEIF
    return None


@dataclass(frozen=True)
class Inspection:
    """What the documents of one update really are, by their `file_unique_id`
    (None: not accepted, or not readable)."""

    kinds: Mapping[str, FileKind | None] = field(default_factory=dict)


# The inspection of the update being handled in this context (None: not inspected).
_inspection: contextvars.ContextVar[Inspection | None] = contextvars.ContextVar(
    "file_inspection", default=None
)


def _is_transient(error: TelegramError) -> bool:
    """Telegram or the way to it is unavailable for a while (the update is tried again)."""
    if isinstance(error, RetryAfter | TimedOut):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def inspect(bot: Bot, update: Update) -> Inspection:
    """Download the document of a private message and sniff it, before the update is
    handled; the result holds for the rest of the update (in this context).

    Raises the PTB error when Telegram cannot be reached (the update is tried again
    later); a file Telegram cannot give us is not accepted.
    """
    inspection = Inspection()
    message = update.message
    document = message.document if message is not None else None
    if (
        message is not None
        and document is not None
        and message.chat.type == ChatType.PRIVATE
        and (document.file_size or 0) <= MAX_FILE_BYTES
    ):
        inspection = Inspection({document.file_unique_id: await _download_kind(bot, document)})
    _inspection.set(inspection)
    return inspection


async def _download_kind(bot: Bot, document: Document) -> FileKind | None:
    try:
        file = await bot.get_file(document.file_id)
        content = await file.download_as_bytearray()
    except TelegramError as error:
        if _is_transient(error):
            raise
        # An expired or unknown file id, a file too big after all: nothing to check.
        log.info("A document could not be downloaded to check it: %s", type(error).__name__)
        return None
    kind = sniff(bytes(content[:16]))
    if kind is None:
        log.info("A document was not accepted: not a photo or a PDF by its content")
    return kind


def forget_inspection() -> None:
    """This update's documents are not inspected: none of them is accepted."""
    _inspection.set(Inspection())


def checked_kind(document: Document) -> FileKind | None:
    """What `document` of this update is by its content; None when it is none we accept
    (or it was not inspected: then it is not accepted either)."""
    inspection = _inspection.get()
    return inspection.kinds.get(document.file_unique_id) if inspection is not None else None


def photo_or_pdf(message: Message | None) -> tuple[str, str] | None:
    """(file id, Bot API method) of a photo, or of a document that is an image or a PDF
    by its content; else None."""
    if message is None:
        return None
    if message.photo:
        return message.photo[-1].file_id, "sendPhoto"
    document = message.document
    if document is not None and checked_kind(document) is not None:
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
