# Everything a fresh machine needs: `make run` and `make test` create the virtual
# environment, install the project and compile the translations first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# One gettext domain per module: `bot` for the application, one per conversation.
CONVERSATIONS := $(filter-out __init__,$(basename $(notdir $(wildcard conversations/*.py))))
# `desk` for the web desk (bot/desk: its Python and its Jinja templates).
DOMAINS := bot desk $(CONVERSATIONS)
KEYWORDS := -k N_ -k _ -k plain -k ngettext:1,2
EXTRACT := $(BIN)/pybabel -q extract --project=werkervaring-bot --no-location --sort-output \
	$(KEYWORDS)
# The shipped languages, read from the one place they are configured.
LANGUAGES := $(shell sed -n 's/^\([a-z][a-z]*\) *=.*/\1/p' locales/languages.toml)

.PHONY: help install compile run test lint typecheck pytest extract update missing init-language bench bench-desk profile clean

help:
	@echo "make run    - set up and run the bot (needs TELEGRAM_BOT_TOKEN)"
	@echo "make test   - set up, lint, type-check and run the whole test suite"
	@echo "make bench  - run the benchmarks and write bench/results.json"
	@echo "make profile - statements and profile of one update (where the time goes)"
	@echo "make extract update - refresh the translation catalogs from the code"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

compile: $(STAMP)
	@$(BIN)/pybabel compile --domain "$(DOMAINS)" --directory locales 2>&1 \
		| grep -v "^compiling catalog" || true

run: compile
	@$(BIN)/werkervaring-bot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: compile
	$(BIN)/pytest

test: lint typecheck pytest

# Refresh the templates from the code, then merge them into every language's catalog.
extract: $(STAMP)
	@rm -rf locales/templates && mkdir -p locales/templates
	@$(EXTRACT) --ignore-dirs='desk .* ._' --output-file locales/templates/bot.pot bot
	@$(EXTRACT) --mapping-file babel.cfg --output-file locales/templates/desk.pot bot/desk
	@for d in $(CONVERSATIONS); do \
		$(EXTRACT) --output-file locales/templates/$$d.pot conversations/$$d.py || exit 1; \
	done

# Merge the templates into every language's catalog; a text that moved to another module
# (another domain) keeps its translations (`bot/catalogs.py`).
update: extract
	@$(BIN)/python -m bot.catalogs update

# What each language still lacks.
missing: compile
	@$(BIN)/python -m bot.catalogs missing

# make init-language LANG=xx: add a catalog set for a new language (then add it to
# locales/languages.toml).
init-language: extract
	@for d in $(DOMAINS); do \
		$(BIN)/pybabel init --input-file locales/templates/$$d.pot --output-dir locales \
			--domain $$d --locale $(LANG) || exit 1; \
	done

bench: compile
	$(BIN)/python -m bench

# The desk's pages (60 internships, a long timeline) while the bot handles 30 updates a second.
bench-desk: compile
	$(BIN)/python -m bench.desk

profile: compile
	$(BIN)/python -m bench.profile

clean:
	rm -rf $(VENV) locales/templates
	find locales -name '*.mo' -delete
