"""Dependencies go one way: conversations -> bot's actions -> store -> db.

Read from the code itself (grimp builds the import graph; imports only made for
type checking do not count):

- no import cycle between any two modules of the project;
- no conversation imports another conversation (what two flows share lives in `bot/`);
- nothing in `bot/` imports a conversation, but `bot.handlers`, which registers them;
- only the top of the application (`bot.cli`, `bot.commands`, `bot.runner`,
  `bot.polling`, `bot.webhook`) imports `bot.app`; only `bot.app` and `bot.commands`
  import `bot.handlers`; only `bot.cli` imports `bot.commands` and `bot.runner`;
- the store (`bot.store`) imports only the database and the clock;
- the actions (`bot.actions`) know nothing of Telegram, so the command line and the
  desk call them as the bot does; the notices (`bot.notices`) build messages and
  buttons but use none of Telegram's handlers.
"""

from __future__ import annotations

import grimp

GRAPH = grimp.build_graph("bot", "conversations", exclude_type_checking_imports=True)
WITH_TELEGRAM = grimp.build_graph(
    "bot", "conversations", "telegram", exclude_type_checking_imports=True
)

# Who may import the modules at the top of the application.
ALLOWED_IMPORTERS = {
    "bot.app": {"bot.cli", "bot.commands", "bot.runner", "bot.polling", "bot.webhook"},
    "bot.handlers": {"bot.app", "bot.commands"},
    "bot.commands": {"bot.cli"},
    "bot.cli": set(),
    "bot.runner": {"bot.cli"},
}


def direct_imports() -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for importer in GRAPH.modules
        for imported in GRAPH.find_modules_directly_imported_by(importer)
    }


def broken_rules() -> set[tuple[str, str]]:
    return {(a, b) for a, b in direct_imports() if not allowed(a, b)}


def allowed(importer: str, imported: str) -> bool:
    top, bottom = importer.split(".")[0], imported.split(".")[0]
    if bottom == "conversations":
        return importer == imported or (top == "bot" and importer == "bot.handlers")
    return importer in ALLOWED_IMPORTERS.get(imported, {importer})


def test_no_module_imports_what_it_may_not() -> None:
    assert sorted(broken_rules()) == []


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every module that can reach itself, with one such cycle each."""
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain is not None:
                found.append([module, *chain])
                break
    return found


def test_no_import_cycles() -> None:
    assert cycles(GRAPH) == []


def imports_of(graph: grimp.ImportGraph, package: str) -> set[str]:
    """What the modules of `package` import from outside it."""
    inside = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    return {
        imported
        for module in inside
        for imported in graph.find_modules_directly_imported_by(module)
        if imported not in inside
    }


def test_the_store_imports_only_the_database_and_the_clock() -> None:
    assert imports_of(GRAPH, "bot.store") <= {"bot.db", "bot.clock"}


def test_the_actions_know_nothing_of_telegram() -> None:
    imported = imports_of(WITH_TELEGRAM, "bot.actions")
    assert sorted(m for m in imported if m.split(".")[0] in {"telegram", "conversations"}) == []


def test_the_notices_use_no_handlers_of_telegram() -> None:
    imported = imports_of(WITH_TELEGRAM, "bot.notices")
    assert sorted(m for m in imported if m.startswith(("telegram.ext", "conversations"))) == []
