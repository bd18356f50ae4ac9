"""Every shipped catalog is complete and consistent with the code and with Dutch."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from bot.evaluation_form import load_form
from bot.i18n import FSI, LOCALES_DIR, PDI, REFERENCE_LANGUAGE, I18n, shipped_languages
from conversations import info

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
RIGHT_TO_LEFT = [
    code for code in LANGUAGES if Locale.parse(code).character_order == "right-to-left"
]
DOMAINS = domains()
# Bidi controls a translation must not carry itself: embeddings and overrides leak into
# the rest of the line, and the isolates are added by the code (`bot.i18n`).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


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


def test_the_languages_file_is_complete() -> None:
    with (LOCALES_DIR / "languages.toml").open("rb") as fh:
        table = tomllib.load(fh)
    assert next(iter(table)) == REFERENCE_LANGUAGE
    for code, entry in table.items():
        Locale.parse(code)  # Babel (CLDR) knows it
        assert set(entry) <= {"name", "reviewed", "formats"}, code
        assert isinstance(entry["name"], str) and entry["name"].strip(), code
        assert isinstance(entry["reviewed"], bool), f"{code}: say whether it is reviewed"
        assert set(entry.get("formats", {})) <= {
            "date_full",
            "date_long",
            "date_medium",
            "date_short",
            "time",
            "datetime_short",
            "datetime_medium",
        }, code


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_information_page_and_form_label_is_there(language: str) -> None:
    pages = info.load_pages(language)
    assert list(pages) == list(info.load_pages(REFERENCE_LANGUAGE)), (
        f"locales/{language}/info.toml: other topics than Dutch"
    )
    assert all(page.title.strip() and page.text.strip() for page in pages.values()), language
    form = load_form()
    lacking = [item.key for item in (*form.areas, *form.levels) if not item.labels.get(language)]
    assert not lacking, f"locales/evaluation_form.toml: no label.{language} for {lacking}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_carry_no_bidi_controls_of_their_own(language: str) -> None:
    found = []
    for domain in sorted(DOMAINS):
        for message in load(language, domain):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found += [text for text in map(str, strings) if BIDI_CONTROLS.search(text)]
    assert not found, f"{language}: {found}"


def placeholder_values(template: str) -> dict[str, str]:
    return {name: f"<{name}>" for name in PLACEHOLDER.findall(template) if name != "n"}


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
def test_right_to_left_placeholders_are_isolated(language: str) -> None:
    """Every placeholder of every template, once formatted, sits between FSI and PDI."""
    t = I18n(REFERENCE_LANGUAGE, ZoneInfo("Europe/Brussels")).translator(language)
    assert t.language == language and t.right_to_left
    checked = 0
    for domain in sorted(DOMAINS):
        for message in load(language, domain):
            if not message.id:
                continue
            if isinstance(message.id, str):
                values = placeholder_values(str(message.string))
                if not values:
                    continue
                texts = [t._(message.id, **values), t.plain(message.id, **values)]
            else:
                singular, plural = message.id[0], message.id[1]
                values = placeholder_values(" ".join(map(str, message.string or ())))
                texts = [t.ngettext(singular, plural, n, **values) for n in (0, 1, 2, 3, 11, 100)]
                values["n"] = ""
            for text in texts:
                for name, value in values.items():
                    if name == "n":
                        assert re.search(f"{FSI}[^{PDI}]+{PDI}", text), (message.id, text)
                    else:
                        escaped = value.replace("<", "&lt;").replace(">", "&gt;")
                        assert f"{FSI}{value}{PDI}" in text or f"{FSI}{escaped}{PDI}" in text, (
                            f"{language}: {name} not isolated in {text!r}"
                        )
                checked += 1
    assert checked > 100


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
