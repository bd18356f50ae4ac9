"""Sick reports and their medical certificates (stored as Telegram file ids only)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.clock import from_db, to_db
from bot.db import Database
from bot.store.models import Person


class Doctor(StrEnum):
    SEEN = "seen"
    WILL_SEE = "will_see"
    NO = "no"


class CertificateMethod(StrEnum):
    """The Bot API method that sends the file on, by its file id."""

    PHOTO = "sendPhoto"
    DOCUMENT = "sendDocument"


@dataclass(frozen=True)
class SickReport:
    id: int
    internship_id: int | None
    client_id: int
    reference: str
    reported_at: datetime
    first_day: date
    expected_last_day: date | None
    doctor: Doctor
    late: bool
    status: str
    recovered_on: date | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def covers(self, day: date) -> bool:
        """Whether `day` is one of the reported sick days (open-ended when not known)."""
        return self.first_day <= day <= (self.expected_last_day or date.max)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SickReport:
        return cls(
            id=row["id"],
            internship_id=row["internship_id"],
            client_id=row["client_id"],
            reference=row["reference"],
            reported_at=from_db(row["reported_at"]),
            first_day=date.fromisoformat(row["first_day"]),
            expected_last_day=_day(row["expected_last_day"]),
            doctor=Doctor(row["doctor"]),
            late=bool(row["late"]),
            status=row["status"],
            recovered_on=_day(row["recovered_on"]),
        )


@dataclass(frozen=True)
class Certificate:
    id: int
    sick_report_id: int
    file_id: str
    file_unique_id: str
    method: CertificateMethod
    received_at: datetime


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def reference_for(report_id: int) -> str:
    """'Z-0042': Z for ziekmelding, short enough to say on the phone."""
    return f"Z-{report_id:04d}"


async def create(
    db: Database,
    client_id: int,
    internship_id: int | None,
    first_day: date,
    expected_last_day: date | None,
    doctor: Doctor,
    late: bool,
    now: datetime,
) -> SickReport:
    report_id = await db.execute(
        "INSERT INTO sick_reports (internship_id, client_id, reported_at, first_day, "
        "expected_last_day, doctor, late, status, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
        (
            internship_id,
            client_id,
            to_db(now),
            first_day.isoformat(),
            expected_last_day.isoformat() if expected_last_day else None,
            doctor.value,
            int(late),
            to_db(now),
        ),
    )
    await db.execute(
        "UPDATE sick_reports SET reference = ? WHERE id = ?", (reference_for(report_id), report_id)
    )
    report = await get(db, report_id)
    assert report is not None
    return report


async def get(db: Database, report_id: int) -> SickReport | None:
    row = await db.fetchone("SELECT * FROM sick_reports WHERE id = ?", (report_id,))
    return SickReport.from_row(row) if row else None


async def open_for_client(db: Database, client_id: int) -> list[SickReport]:
    """The client's open sick reports, newest first."""
    rows = await db.fetchall(
        "SELECT * FROM sick_reports WHERE client_id = ? AND status = 'open' "
        "ORDER BY first_day DESC, id DESC",
        (client_id,),
    )
    return [SickReport.from_row(r) for r in rows]


async def for_internship(db: Database, internship_id: int) -> list[SickReport]:
    rows = await db.fetchall(
        "SELECT * FROM sick_reports WHERE internship_id = ? ORDER BY first_day, id",
        (internship_id,),
    )
    return [SickReport.from_row(r) for r in rows]


async def set_expected_last_day(
    db: Database, report_id: int, expected_last_day: date | None, now: datetime
) -> bool:
    """Prolong (or shorten) an open report; False when it is no longer open."""
    changed = await db.execute_rowcount(
        "UPDATE sick_reports SET expected_last_day = ?, updated_at = ? "
        "WHERE id = ? AND status = 'open'",
        (expected_last_day.isoformat() if expected_last_day else None, to_db(now), report_id),
    )
    return changed > 0


async def close(db: Database, report_id: int, recovered_on: date, now: datetime) -> bool:
    """The client is back at work on `recovered_on`; False when it was already closed."""
    changed = await db.execute_rowcount(
        "UPDATE sick_reports SET status = 'closed', recovered_on = ?, updated_at = ? "
        "WHERE id = ? AND status = 'open'",
        (recovered_on.isoformat(), to_db(now), report_id),
    )
    return changed > 0


async def add_certificate(
    db: Database,
    report_id: int,
    file_id: str,
    file_unique_id: str,
    method: CertificateMethod,
    now: datetime,
) -> int:
    """Attach a certificate; returns its id, or 0 when this file was already attached."""
    # The row count, not lastrowid: SQLite leaves lastrowid unchanged when nothing is inserted.
    inserted = await db.execute_rowcount(
        "INSERT INTO sick_certificates (sick_report_id, file_id, file_unique_id, method, "
        "received_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (sick_report_id, file_unique_id) DO NOTHING",
        (report_id, file_id, file_unique_id, method.value, to_db(now)),
    )
    if not inserted:
        return 0
    certificate_id: int = await db.fetchval(
        "SELECT id FROM sick_certificates WHERE sick_report_id = ? AND file_unique_id = ?",
        (report_id, file_unique_id),
    )
    return certificate_id


async def certificates(db: Database, report_id: int) -> list[Certificate]:
    rows = await db.fetchall(
        "SELECT * FROM sick_certificates WHERE sick_report_id = ? ORDER BY id", (report_id,)
    )
    return [
        Certificate(
            id=r["id"],
            sick_report_id=r["sick_report_id"],
            file_id=r["file_id"],
            file_unique_id=r["file_unique_id"],
            method=CertificateMethod(r["method"]),
            received_at=from_db(r["received_at"]),
        )
        for r in rows
    ]


async def has_certificate(db: Database, report_id: int) -> bool:
    value = await db.fetchval(
        "SELECT 1 FROM sick_certificates WHERE sick_report_id = ? LIMIT 1", (report_id,)
    )
    return value is not None


async def last_known_caseworker(db: Database, client: Person) -> Person | None:
    """For a client without an open internship: the caseworker of their latest internship,
    else the staff member who created them."""
    row = await db.fetchone(
        "SELECT p.* FROM people p JOIN internships i ON i.caseworker_id = p.id "
        "WHERE i.client_id = ? ORDER BY i.start_date DESC, i.id DESC LIMIT 1",
        (client.id,),
    )
    if row is None:
        row = await db.fetchone(
            "SELECT p.* FROM people p JOIN people c ON c.created_by = p.id "
            "WHERE c.id = ? AND p.role IN ('caseworker', 'admin')",
            (client.id,),
        )
    return Person.from_row(row) if row else None
