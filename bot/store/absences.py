"""Absences: late arrival, appointments, work accidents and absences without notice.

An appointment is a request: `pending` until the workplace (or, after escalation,
the caseworker) approves or declines it; an approved one may get a proof. The
other kinds are facts and stay `reported`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.clock import from_db, to_db
from bot.db import Database


class AbsenceKind(StrEnum):
    LATE = "late"
    APPOINTMENT = "appointment"
    ACCIDENT = "accident"
    NO_SHOW = "no_show"


class AbsenceStatus(StrEnum):
    REPORTED = "reported"
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Category(StrEnum):
    DOCTOR = "doctor"
    OCMW = "ocmw"
    DUTCH_LESSON = "dutch_lesson"
    COURT_POLICE = "court_police"
    CHILDCARE_SCHOOL = "childcare_school"
    OTHER = "other"


@dataclass(frozen=True)
class Absence:
    id: int
    internship_id: int | None
    client_id: int
    kind: AbsenceKind
    day: date
    start_time: time | None
    end_time: time | None
    minutes_late: int | None
    category: Category | None
    remark: str | None
    remark_voice_file_id: str | None
    status: AbsenceStatus
    decided_by: int | None
    decided_at: datetime | None
    decline_reason: str | None
    proof_file_id: str | None
    proof_method: str | None
    proof_at: datetime | None
    accident_time: time | None
    reported_by: int | None
    escalated_at: datetime | None
    created_at: datetime

    @classmethod
    def from_row(cls, r: sqlite3.Row) -> Absence:
        return cls(
            id=r["id"],
            internship_id=r["internship_id"],
            client_id=r["client_id"],
            kind=AbsenceKind(r["kind"]),
            day=date.fromisoformat(r["day"]),
            start_time=_time(r["start_time"]),
            end_time=_time(r["end_time"]),
            minutes_late=r["minutes_late"],
            category=Category(r["category"]) if r["category"] else None,
            remark=r["remark"],
            remark_voice_file_id=r["remark_voice_file_id"],
            status=AbsenceStatus(r["status"]),
            decided_by=r["decided_by"],
            decided_at=_moment(r["decided_at"]),
            decline_reason=r["decline_reason"],
            proof_file_id=r["proof_file_id"],
            proof_method=r["proof_method"],
            proof_at=_moment(r["proof_at"]),
            accident_time=_time(r["accident_time"]),
            reported_by=r["reported_by"],
            escalated_at=_moment(r["escalated_at"]),
            created_at=from_db(r["created_at"]),
        )


@dataclass(frozen=True)
class NewAbsence:
    internship_id: int | None
    client_id: int
    kind: AbsenceKind
    day: date
    reported_by: int
    status: AbsenceStatus = AbsenceStatus.REPORTED
    start_time: time | None = None
    end_time: time | None = None
    minutes_late: int | None = None
    category: Category | None = None
    remark: str | None = None
    remark_voice_file_id: str | None = None
    accident_time: time | None = None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


async def add(db: Database, new: NewAbsence, now: datetime) -> Absence:
    absence_id = await db.execute(
        "INSERT INTO absences (internship_id, client_id, kind, day, start_time, end_time, "
        "minutes_late, category, remark, remark_voice_file_id, status, accident_time, "
        "reported_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.internship_id,
            new.client_id,
            new.kind.value,
            new.day.isoformat(),
            _hhmm(new.start_time),
            _hhmm(new.end_time),
            new.minutes_late,
            new.category.value if new.category else None,
            new.remark,
            new.remark_voice_file_id,
            new.status.value,
            _hhmm(new.accident_time),
            new.reported_by,
            to_db(now),
        ),
    )
    absence = await get(db, absence_id)
    assert absence is not None
    return absence


async def get(db: Database, absence_id: int) -> Absence | None:
    row = await db.fetchone("SELECT * FROM absences WHERE id = ?", (absence_id,))
    return Absence.from_row(row) if row else None


async def decide(
    db: Database,
    absence_id: int,
    status: AbsenceStatus,
    person_id: int,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Approve or decline a pending request; False when it was decided already."""
    changed = await db.execute_rowcount(
        "UPDATE absences SET status = ?, decided_by = ?, decided_at = ?, decline_reason = ? "
        "WHERE id = ? AND status = 'pending'",
        (status.value, person_id, to_db(now), reason, absence_id),
    )
    return changed > 0


async def mark_escalated(db: Database, absence_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE absences SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL",
        (to_db(now), absence_id),
    )


async def set_proof(
    db: Database, absence_id: int, file_id: str, method: str, now: datetime
) -> bool:
    """Attach the proof to an approved appointment; False when it already has one."""
    changed = await db.execute_rowcount(
        "UPDATE absences SET proof_file_id = ?, proof_method = ?, proof_at = ? "
        "WHERE id = ? AND status = 'approved' AND proof_file_id IS NULL",
        (file_id, method, to_db(now), absence_id),
    )
    return changed > 0


async def awaiting_proof(db: Database, client_id: int, since: date, until: date) -> list[Absence]:
    """Approved appointments of a client between two days without a proof, latest first."""
    rows = await db.fetchall(
        "SELECT * FROM absences WHERE client_id = ? AND kind = 'appointment' "
        "AND status = 'approved' AND proof_file_id IS NULL AND day BETWEEN ? AND ? "
        "ORDER BY day DESC, id DESC",
        (client_id, since.isoformat(), until.isoformat()),
    )
    return [Absence.from_row(r) for r in rows]


async def on_day(db: Database, internship_id: int, day: date) -> list[Absence]:
    """What was reported about an internship for one day, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM absences WHERE internship_id = ? AND day = ? ORDER BY id",
        (internship_id, day.isoformat()),
    )
    return [Absence.from_row(r) for r in rows]


async def for_internship(db: Database, internship_id: int) -> list[Absence]:
    """Everything reported about an internship, by day."""
    rows = await db.fetchall(
        "SELECT * FROM absences WHERE internship_id = ? ORDER BY day, id", (internship_id,)
    )
    return [Absence.from_row(r) for r in rows]
