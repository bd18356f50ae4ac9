"""Every shipped catalog is complete and consistent with the code and with Dutch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, REFERENCE_LANGUAGE, shipped_languages

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "plain": None}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z]+>")


def domains() -> dict[str, list[Path]]:
    """Each gettext domain and the source files it is extracted from."""
    desk = ROOT / "bot" / "desk"
    found = {
        "bot": sorted(p for p in (ROOT / "bot").rglob("*.py") if desk not in p.parents),
        # The web desk's own domain (its templates are extracted with them by `make extract`).
        "desk": sorted(desk.rglob("*.py")),
    }
    for module in sorted((ROOT / "conversations").glob("*.py")):
        if module.name != "__init__.py":
            found[module.stem] = [module]
    return found


def code_messages(files: list[Path]) -> set[str]:
    ids: set[str] = set()
    for path in files:
        for _, message, _, _ in extract_from_file("python", str(path), keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def load(language: str, domain: str) -> Catalog:
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"
    assert path.is_file(), f"missing catalog {path.relative_to(ROOT)}"
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


LANGUAGES = [lang.code for lang in shipped_languages()]
DOMAINS = domains()


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language: str, domain: str) -> None:
    catalog = load(language, domain)
    reference = load(REFERENCE_LANGUAGE, domain)
    missing = sorted(
        code_messages(DOMAINS[domain])
        - {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    )
    assert not missing, f"{language}/{domain}.po lacks (run `make update`): {missing}"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {msgid!r}")
            continue
        ref = reference.get(message.id)
        ref_strings = ref.string if ref is not None else ""
        ref_text = str(ref_strings[0] if isinstance(ref_strings, tuple) else ref_strings)
        for text in map(str, strings):
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(ref_text)):
                problems.append(f"placeholders differ from Dutch: {msgid!r} -> {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(ref_text)):
                problems.append(f"HTML tags differ from Dutch: {msgid!r} -> {text!r}")
    assert not problems, f"{language}/{domain}.po:\n" + "\n".join(problems)


def test_every_language_is_shipped_for_every_domain() -> None:
    for language in LANGUAGES:
        folder = LOCALES_DIR / language / "LC_MESSAGES"
        assert {p.stem for p in folder.glob("*.po")} == set(DOMAINS), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_means_the_same_in_every_domain(language: str) -> None:
    """A language's domains are merged into one catalog, so one message id has one text.

    Two domains translating the same id differently would silently show only one of
    them; a text several flows share belongs once, in the `bot` domain (`bot.flows`).
    """
    texts: dict[str, dict[str, str]] = {}
    for domain in sorted(DOMAINS):
        for message in load(language, domain):
            if message.id and not message.fuzzy:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                texts.setdefault(msgid, {})[domain] = str(message.string)
    clashes = [
        f"{msgid!r}: {by_domain}"
        for msgid, by_domain in sorted(texts.items())
        if len(set(by_domain.values())) > 1
    ]
    assert not clashes, f"{language}: translated differently in different domains:\n" + "\n".join(
        clashes
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalog_is_marked_fuzzy(language: str) -> None:
    """`pybabel compile` skips a catalog whose header is fuzzy: its flow would show English."""
    fuzzy = [domain for domain in sorted(DOMAINS) if load(language, domain).fuzzy]
    assert fuzzy == [], f"{language}: remove '#, fuzzy' above the header of {fuzzy}"


def template_messages() -> set[str]:
    """The texts of the desk's Jinja templates (`{{ _("...") }}`)."""
    ids: set[str] = set()
    for path in sorted((ROOT / "bot" / "desk" / "templates").glob("*.html")):
        for _, message, _, _ in extract_from_file("jinja2", str(path)):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_desk_templates_are_translated(language: str) -> None:
    catalog = load(language, "desk")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and not m.fuzzy
    }
    found = template_messages()
    assert "Sign out" in found
    assert sorted(found - translated) == []
