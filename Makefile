# Everything a fresh machine needs: `make run` and `make test` create the virtual
# environment, install the project and compile the translations first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The exact versions of every package the tests passed with, each with its hashes
# (`make lock` makes it from pyproject.toml).
LOCK := requirements.lock
PIP_TOOLS := pip-tools==7.7.0
# `make lock LOCK_FLAGS=--upgrade` moves every package to its newest fitting version;
# without it, the versions already locked stay and only what changed is resolved.
LOCK_FLAGS :=

# One gettext domain per module: `bot` for the application, one per conversation.
CONVERSATIONS := $(filter-out __init__,$(basename $(notdir $(wildcard conversations/*.py))))
# `desk` for the web desk (bot/desk: its Python and its Jinja templates).
DOMAINS := bot desk $(CONVERSATIONS)
KEYWORDS := -k N_ -k _ -k plain -k ngettext:1,2
EXTRACT := $(BIN)/pybabel -q extract --project=werkervaring-bot --no-location --sort-output \
	$(KEYWORDS)
# The shipped languages, read from the one place they are configured.
LANGUAGES := $(shell sed -n 's/^\([a-z][a-zA-Z_]*\) *=.*/\1/p' locales/languages.toml)

.PHONY: help install lock compile run test lint typecheck pytest extract update missing init-language bench bench-desk profile clean

help:
	@echo "make run    - set up and run the bot (needs TELEGRAM_BOT_TOKEN)"
	@echo "make test   - set up, lint, type-check and run the whole test suite"
	@echo "make bench  - run the benchmarks and write bench/results.json"
	@echo "make profile - statements and profile of one update (where the time goes)"
	@echo "make extract update - refresh the translation catalogs from the code"
	@echo "make lock   - regenerate $(LOCK) after a change of the dependencies"

# The locked versions, each checked against its hash, then the project itself without
# resolving anything again.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing a dependency in pyproject.toml: resolve it (with the dev extra) into
# $(LOCK), then `make test` installs exactly that.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet '$(PIP_TOOLS)'
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
		--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra dev $(LOCK_FLAGS) --output-file $(LOCK) pyproject.toml

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
