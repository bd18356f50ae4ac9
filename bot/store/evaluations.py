"""Evaluations of internships: a draft saved at every step, then submitted once."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from bot.clock import from_db, to_db
from bot.db import Database


class Outcome(StrEnum):
    FAVOURABLE = "favourable"
    LESS_FAVOURABLE = "less_favourable"
    # Really negative: a second chance at another workplace.
    NEGATIVE = "negative"


class FormMethod(StrEnum):
    """How the paper form came with the evaluation."""

    PHOTO = "photo"
    DOCUMENT = "document"
    NONE = "none"


@dataclass(frozen=True)
class Score:
    level: str
    remark: str | None = None


@dataclass(frozen=True)
class Evaluation:
    internship_id: int
    id: int | None = None
    status: str = "draft"
    scores: dict[str, Score] = field(default_factory=dict)
    outcome: Outcome | None = None
    bottlenecks: str | None = None
    bottlenecks_voice_file_id: str | None = None
    form_file_id: str | None = None
    form_method: FormMethod | None = None
    submitted_by: int | None = None
    submitted_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Evaluation:
        scores = {
            area: Score(value["level"], value.get("remark"))
            for area, value in json.loads(row["scores"] or "{}").items()
        }
        return cls(
            id=row["id"],
            internship_id=row["internship_id"],
            status=row["status"],
            scores=scores,
            outcome=Outcome(row["outcome"]) if row["outcome"] else None,
            bottlenecks=row["bottlenecks"],
            bottlenecks_voice_file_id=row["bottlenecks_voice_file_id"],
            form_file_id=row["form_file_id"],
            form_method=FormMethod(row["form_method"]) if row["form_method"] else None,
            submitted_by=row["submitted_by"],
            submitted_at=from_db(row["submitted_at"]) if row["submitted_at"] else None,
            updated_at=from_db(row["updated_at"]) if row["updated_at"] else None,
        )

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def is_empty(self) -> bool:
        return not self.scores and self.outcome is None and self.form_method is None

    @property
    def has_bottlenecks(self) -> bool:
        return bool(self.bottlenecks) or bool(self.bottlenecks_voice_file_id)

    def with_score(self, area: str, score: Score) -> Evaluation:
        return replace(self, scores={**self.scores, area: score})


def _scores_json(scores: dict[str, Score]) -> str:
    return json.dumps(
        {area: {"level": s.level, "remark": s.remark} for area, s in scores.items()},
        ensure_ascii=False,
    )


async def get(db: Database, internship_id: int) -> Evaluation | None:
    row = await db.fetchone("SELECT * FROM evaluations WHERE internship_id = ?", (internship_id,))
    return Evaluation.from_row(row) if row else None


async def save_draft(db: Database, evaluation: Evaluation, now: datetime) -> Evaluation:
    """Store the draft as it is now; a submitted evaluation is never changed (returns it)."""
    await db.execute(
        "INSERT INTO evaluations (internship_id, status, scores, outcome, bottlenecks, "
        "bottlenecks_voice_file_id, form_file_id, form_method, updated_at) "
        "VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (internship_id) DO UPDATE SET scores = excluded.scores, "
        "outcome = excluded.outcome, bottlenecks = excluded.bottlenecks, "
        "bottlenecks_voice_file_id = excluded.bottlenecks_voice_file_id, "
        "form_file_id = excluded.form_file_id, form_method = excluded.form_method, "
        "updated_at = excluded.updated_at WHERE evaluations.status = 'draft'",
        (
            evaluation.internship_id,
            _scores_json(evaluation.scores),
            evaluation.outcome.value if evaluation.outcome else None,
            evaluation.bottlenecks,
            evaluation.bottlenecks_voice_file_id,
            evaluation.form_file_id,
            evaluation.form_method.value if evaluation.form_method else None,
            to_db(now),
        ),
    )
    saved = await get(db, evaluation.internship_id)
    assert saved is not None
    return saved


async def submit(db: Database, internship_id: int, submitted_by: int, now: datetime) -> bool:
    """Turn the draft into the submitted evaluation; False when it was submitted already."""
    changed = await db.execute_rowcount(
        "UPDATE evaluations SET status = 'submitted', submitted_by = ?, submitted_at = ?, "
        "updated_at = ? WHERE internship_id = ? AND status = 'draft'",
        (submitted_by, to_db(now), to_db(now), internship_id),
    )
    return changed > 0


async def discard_draft(db: Database, internship_id: int) -> None:
    await db.execute(
        "DELETE FROM evaluations WHERE internship_id = ? AND status = 'draft'", (internship_id,)
    )
