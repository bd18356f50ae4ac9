"""Keeping the translation catalogs in step with the code (`make update`).

    python -m bot.catalogs update        merge the templates into every catalog
    python -m bot.catalogs missing       list what each language still lacks
    python -m bot.catalogs fill FILE     set translations from a JSON file

`update` is pybabel's update with one thing more: a text that moved from one
module to another (so from one gettext domain to another) keeps its translations.
Before merging it reads every translation of every domain; after merging, an
empty entry is filled with the same message's translation from another domain.
The catalogs of a module that is gone are removed.

`fill` reads `{"<message id>": {"<language>": "<text>", ...}, ...}` (a list of
texts for a plural), for translators who work outside the .po files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES_DIR, shipped_languages

TEMPLATES = LOCALES_DIR / "templates"

Key = str
Strings = str | tuple[str, ...]


def _key(message: Message) -> Key:
    return message.id if isinstance(message.id, str) else message.id[0]


def _path(language: str, domain: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, ignore_obsolete=True)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


def known_translations(language: str) -> dict[Key, Strings]:
    """Every translated message of every domain of `language`."""
    known: dict[Key, Strings] = {}
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        for message in _read(path, language):
            if _translated(message):
                string = message.string
                if isinstance(string, list | tuple):
                    known.setdefault(_key(message), tuple(string))
                else:
                    known.setdefault(_key(message), str(string))
    return known


def update() -> None:
    """Merge every template into every shipped language, carrying moved translations."""
    templates = sorted(TEMPLATES.glob("*.pot"))
    if not templates:
        sys.exit("No templates: run `make extract` first.")
    for language in (lang.code for lang in shipped_languages()):
        known = known_translations(language)
        for template_path in templates:
            domain = template_path.stem
            with template_path.open("rb") as fh:
                template = read_po(fh)
            path = _path(language, domain)
            if path.is_file():
                catalog = _read(path, language)
            else:
                catalog = Catalog(
                    locale=language, domain=domain, project="werkervaring-bot", fuzzy=False
                )
            catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
            catalog.obsolete.clear()
            # A header marked fuzzy (as `pybabel init` leaves it) keeps the whole catalog
            # from being compiled.
            catalog.fuzzy = False
            for message in catalog:
                if message.id and not _translated(message) and _key(message) in known:
                    message.string = known[_key(message)]
                    message.flags.discard("fuzzy")
            _write(path, catalog)
        # A module that is gone takes its catalog with it (its texts were carried over).
        domains = {template.stem for template in templates}
        for path in (LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"):
            if path.stem not in domains:
                path.unlink()
                path.with_suffix(".mo").unlink(missing_ok=True)


def missing() -> int:
    """Print every message a shipped language lacks; returns how many."""
    count = 0
    for language in (lang.code for lang in shipped_languages()):
        for path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
            for message in _read(path, language):
                if message.id and not _translated(message):
                    count += 1
                    print(f"{language}/{path.stem}: {_key(message)!r}")
    return count


def fill(source: Path) -> None:
    """Set the translations given in a JSON file, in whichever domain has the message."""
    wanted: dict[str, dict[str, str | list[str]]] = json.loads(source.read_text("utf-8"))
    languages = {language for texts in wanted.values() for language in texts}
    for language in sorted(languages):
        left = {key for key, texts in wanted.items() if language in texts}
        for path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po")):
            catalog = _read(path, language)
            changed = False
            for message in catalog:
                key = _key(message) if message.id else ""
                if key in wanted and language in wanted[key]:
                    text = wanted[key][language]
                    message.string = tuple(text) if isinstance(text, list) else text
                    message.flags.discard("fuzzy")
                    left.discard(key)
                    changed = True
            if changed:
                _write(path, catalog)
        if left:
            sys.exit(f"{language}: no catalog has {sorted(left)} (run `make update` first)")


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["missing"]:
        return 1 if missing() else 0
    if argv[:1] == ["fill"] and len(argv) == 2:
        fill(Path(argv[1]))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
