"""Files are judged by their content: only JPEG, PNG, HEIC/HEIF and PDF go on.

A Windows program renamed `attest.pdf`, sent with type `application/pdf`, is
refused wherever the bot accepts a file, and reaches nobody.
"""

from __future__ import annotations

import struct
from datetime import datetime

import pytest

from bot.files import FileKind, sniff
from bot.store import evaluations, sick_reports
from tests import factories
from tests.conftest import BRUSSELS
from tests.harness import HEIC, JPEG, PDF, PNG, PROGRAM, BotHarness
from tests.test_appointment import APPROVE
from tests.test_appointment import ask as ask_appointment
from tests.test_evaluation import all_good_and
from tests.test_sick_report import at, report

REFUSED = (
    "Dit soort bestand kan ik niet gebruiken. Stuur een foto van je medisch attest, of een pdf."
)
NOT_ACCEPTED = "Stuur een foto of een pdf. Andere bestanden worden niet aanvaard."
THANKS = "📄 Bedankt! Je attest werd naar je werkplek en je deskundige werkervaring gestuurd."


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\0\0\0\0" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + b"\0\0\0\x08mdat"


# Sniffing


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (JPEG, FileKind.JPEG),
        (PNG, FileKind.PNG),
        (HEIC, FileKind.HEIF),
        (PDF, FileKind.PDF),
        *[
            (ftyp(brand, b"mif1", b"heic"), FileKind.HEIF)
            for brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
        ],
        (ftyp(b"mif1"), FileKind.HEIF),
        # Other ISO media files: AVIF, MP4 video, QuickTime.
        (ftyp(b"avif", b"mif1", b"miaf"), None),
        (ftyp(b"isom", b"mp41"), None),
        (ftyp(b"qt  "), None),
        (PROGRAM, None),
        (b"PK\x03\x04 a Word file", None),
        (b"GIF89a", None),
        (b"RIFF\0\0\0\0WEBPVP8 ", None),
        (b"  %PDF-1.4", None),
        (b"%PDF", None),
        (b"\xff\xd8", None),
        (b"", None),
    ],
)
def test_sniff_knows_the_accepted_files_by_their_first_bytes(
    content: bytes, kind: FileKind | None
) -> None:
    assert sniff(content[:16]) is kind


def test_the_program_is_a_windows_program() -> None:
    assert PROGRAM.startswith(b"MZ") and b"This program cannot be run in DOS mode" in PROGRAM


# The sick certificate


async def test_a_renamed_program_is_refused_and_goes_nowhere(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    before = {chat.id: len(chat.inbox) for chat in (w.employer_chat, w.caseworker_chat)}
    replies = await w.client_chat.send_document(
        PROGRAM, file_name="attest.pdf", mime_type="application/pdf"
    )
    assert [m.text for m in replies] == [REFUSED]
    # Outside the flow, with the report open: refused too, not even offered.
    await w.client_chat.press("⏰ Later")
    replies = await w.client_chat.send_document(PROGRAM, file_name="attest.pdf")
    assert [m.text for m in replies] == [REFUSED]

    assert {chat.id: len(chat.inbox) for chat in (w.employer_chat, w.caseworker_chat)} == before
    assert bot.fake.calls_of("sendDocument") == []
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    assert await sick_reports.certificates(bot.services.db, stored.id) == []
    row = await bot.services.db.fetchone("SELECT COUNT(*) AS n FROM sick_certificates")
    assert row is not None and row["n"] == 0
    assert await bot.services.db.fetchall("SELECT * FROM outbox WHERE kind = 'certificate'") == []


@pytest.mark.parametrize(
    ("content", "file_name", "mime_type"),
    [
        (PDF, "attest.pdf", "application/pdf"),
        (JPEG, "IMG_0042.jpg", "image/jpeg"),
        (PNG, "scan.png", "image/png"),
        (HEIC, "IMG_0043.HEIC", "image/heic"),
        # Judged by content, not by name or claimed type.
        (PDF, "attest", "application/octet-stream"),
    ],
)
async def test_real_files_are_accepted_and_forwarded(
    bot: BotHarness, content: bytes, file_name: str, mime_type: str
) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    replies = await w.client_chat.send_document(content, file_name, mime_type)
    assert [m.text for m in replies] == [THANKS]
    [stored] = await sick_reports.open_for_client(bot.services.db, w.client.id)
    [certificate] = await sick_reports.certificates(bot.services.db, stored.id)
    for chat in (w.employer_chat, w.caseworker_chat):
        assert chat.last.method == "sendDocument"
        assert chat.last.raw["document"]["file_id"] == certificate.file_id
        assert "Medisch attest</b> van Samir El Amrani" in chat.last.text
    assert bot.fake.downloads == [certificate.file_id]


async def test_a_photo_needs_no_download(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    assert [m.text for m in await w.client_chat.send_photo()] == [THANKS]
    assert bot.fake.calls_of("getFile") == [] and bot.fake.downloads == []


async def test_an_unreachable_telegram_is_tried_again_not_refused(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    bot.fake.fail("network", method="getFile")
    replies = await w.client_chat.send_document()
    assert [m.text for m in replies] == [THANKS]
    assert len(bot.fake.calls_of("getFile")) == 2


async def test_a_file_telegram_cannot_give_is_not_accepted(bot: BotHarness) -> None:
    at(bot, 2026, 12, 1, 7, 30)
    w = await factories.world(bot)
    await report(w.client_chat)
    file_id = bot.new_file(PDF)
    del bot.fake.files[file_id]
    replies = await w.client_chat.send_raw(
        {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": "attest.pdf",
                "mime_type": "application/pdf",
                "file_size": len(PDF),
            }
        }
    )
    assert [m.text for m in replies] == [REFUSED]
    assert bot.fake.calls_of("sendDocument") == []


# The appointment proof and the paper evaluation form


async def test_a_renamed_program_is_no_proof(bot: BotHarness) -> None:
    w = await factories.world(bot)
    await ask_appointment(w.client_chat)
    await w.employer_chat.press(APPROVE)
    await bot.advance_to(datetime(2026, 12, 2, 8, 0, tzinfo=BRUSSELS))
    client = w.client_chat
    before = {chat.id: len(chat.inbox) for chat in (w.employer_chat, w.caseworker_chat)}
    # Outside the proof step, then in it.
    assert [m.text for m in await client.send_document(PROGRAM)] == [NOT_ACCEPTED]
    await client.press("📎 Bewijs sturen")
    assert [m.text for m in await client.send_document(PROGRAM)] == [NOT_ACCEPTED]
    assert {chat.id: len(chat.inbox) for chat in (w.employer_chat, w.caseworker_chat)} == before
    row = await bot.services.db.fetchone("SELECT proof_file_id FROM absences")
    assert row is not None and row["proof_file_id"] is None
    # A real PDF then is the proof.
    await client.send_document()
    assert "We stuurden je bewijs" in client.last_text
    assert w.employer_chat.last.method == "sendDocument"


async def test_a_renamed_program_is_no_paper_form(bot: BotHarness) -> None:
    w = await factories.world(bot)
    mieke = w.employer_chat
    await all_good_and(mieke, "✅ Gunstig")
    assert [m.text for m in await mieke.send_document(PROGRAM, "evaluatie.pdf")] == [NOT_ACCEPTED]
    draft = await evaluations.get(bot.services.db, w.internship.id)
    assert draft is not None and draft.form_file_id is None
    await mieke.send_document(HEIC, "formulier.heic", "image/heic")
    assert "Papieren formulier: 📎 toegevoegd" in mieke.last_text
