"""One word for one thing in Dutch: the workplace is always "werkplek" (never "werkplaats"),
as in the source texts of OCMW Antwerpen."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

DUTCH = Path(__file__).resolve().parent.parent / "locales" / "nl"


def test_the_workplace_is_always_werkplek() -> None:
    found = []
    for path in sorted((DUTCH / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh, locale="nl"):
                raw = message.string
                strings = [str(s) for s in raw] if isinstance(raw, tuple | list) else [str(raw)]
                if message.id and any("werkplaats" in s.lower() for s in strings):
                    found.append(f"{path.stem}: {strings[0]}")
    for path in sorted(DUTCH.glob("*.toml")):
        if "werkplaats" in path.read_text(encoding="utf-8").lower():
            found.append(path.name)
    assert found == []
