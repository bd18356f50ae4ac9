"""The evaluation form of OCMW Antwerpen (article 60 §7), as configured, and how a draft
of it reads.

Every area of the form is scored on one of four levels (a remark is required for
"problematic"), then the overall result; a less favourable or negative result
needs the bottlenecks (typed or a voice message); then optionally a photo or PDF
of the paper form. The areas and levels, with their labels in every shipped
language, are configuration: `locales/evaluation_form.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from bot.i18n import LOCALES_DIR, REFERENCE_LANGUAGE, Translator
from bot.store.evaluations import Evaluation, Outcome

FORM_PATH = LOCALES_DIR / "evaluation_form.toml"
MAX_REMARK = 500
MAX_BOTTLENECKS = 2000


@dataclass(frozen=True)
class FormItem:
    """An area or a level of the form, with its label in every shipped language."""

    key: str
    labels: dict[str, str]
    icon: str = ""
    remark_required: bool = False

    def label(self, t: Translator) -> str:
        return self.labels.get(t.language) or self.labels[REFERENCE_LANGUAGE]

    def button_label(self, t: Translator) -> str:
        return f"{self.icon} {self.label(t)}".strip()


@dataclass(frozen=True)
class EvaluationForm:
    areas: tuple[FormItem, ...]
    levels: tuple[FormItem, ...]

    def area(self, key: str) -> FormItem | None:
        return next((area for area in self.areas if area.key == key), None)

    def level(self, key: str) -> FormItem | None:
        return next((level for level in self.levels if level.key == key), None)


@lru_cache(maxsize=4)
def load_form(path: Path = FORM_PATH) -> EvaluationForm:
    with path.open("rb") as fh:
        table = tomllib.load(fh)

    def items(name: str) -> tuple[FormItem, ...]:
        return tuple(
            FormItem(
                key=str(entry["key"]),
                labels={str(k): str(v) for k, v in entry["label"].items()},
                icon=str(entry.get("icon", "")),
                remark_required=bool(entry.get("remark_required", False)),
            )
            for entry in table[name]
        )

    return EvaluationForm(areas=items("areas"), levels=items("levels"))


class Step(StrEnum):
    """What a draft needs next, in the order of the form."""

    AREA = "area"
    REMARK = "remark"
    OUTCOME = "outcome"
    BOTTLENECKS = "bottlenecks"
    FORM = "form"
    COMPLETE = "complete"


def next_step(form: EvaluationForm, evaluation: Evaluation) -> tuple[Step, int]:
    """The first unanswered question of the draft: the step, and the area's index (or -1)."""
    for index, area in enumerate(form.areas):
        score = evaluation.scores.get(area.key)
        level = form.level(score.level) if score else None
        if score is None or level is None:
            return Step.AREA, index
        if level.remark_required and not score.remark:
            return Step.REMARK, index
    if evaluation.outcome is None:
        return Step.OUTCOME, -1
    if evaluation.outcome is not Outcome.FAVOURABLE and not evaluation.has_bottlenecks:
        return Step.BOTTLENECKS, -1
    if evaluation.form_method is None:
        return Step.FORM, -1
    return Step.COMPLETE, -1


def score_lines(t: Translator, evaluation: Evaluation, cut: int | None = None) -> list[str]:
    """The level of every scored area, each remark below it (cut to `cut` characters)."""
    form = load_form()
    lines = []
    for area in form.areas:
        score = evaluation.scores.get(area.key)
        level = form.level(score.level) if score else None
        if score is None or level is None:
            continue
        lines.append(
            t._("{icon} {area}: {level}", icon=level.icon, area=area.label(t), level=level.label(t))
        )
        if score.remark:
            remark = score.remark
            if cut is not None and len(remark) > cut:
                remark = remark[:cut] + "…"
            lines.append(t._("    “{remark}”", remark=remark))
    return lines


def bottlenecks_line(t: Translator, evaluation: Evaluation, cut: int | None = None) -> str:
    """The bottlenecks (cut to `cut` characters), or that they came as a voice message."""
    if evaluation.bottlenecks_voice_file_id:
        return t._("Bottlenecks: 🎤 voice message")
    if evaluation.bottlenecks:
        text = evaluation.bottlenecks
        if cut is not None and len(text) > cut:
            text = text[:cut] + "…"
        return t._("Bottlenecks: {text}", text=text)
    return ""
