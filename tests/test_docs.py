"""The README stays true to the tree: every conversation has its diagram, every
diagram is linked, and every file the README links to exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINKS = set(re.findall(r"\]\(([^)#:]+)\)", README))


def test_every_conversation_has_its_diagram() -> None:
    modules = {p.stem for p in (ROOT / "conversations").glob("*.py")} - {"__init__"}
    diagrams = {p.stem for p in (ROOT / "conversations").glob("*.mmd")}
    assert sorted(modules - diagrams) == []


def test_every_diagram_is_linked_from_the_readme() -> None:
    diagrams = {
        str(p.relative_to(ROOT))
        for folder in ("conversations", "bot")
        for p in (ROOT / folder).rglob("*.mmd")
    }
    assert sorted(diagrams - LINKS) == []


def test_every_link_of_the_readme_exists() -> None:
    assert sorted(link for link in LINKS if not (ROOT / link).exists()) == []
