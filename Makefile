# The two commands of the README's first screen: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOWEST := .venv-lowest
# pytest on every core (pytest-xdist); worksteal evens out the few long tests.
PYTEST_ARGS ?= -n auto --dist worksteal --durations=10
# setuptools warns on every editable install that folders named like the packages
# (cli/, plugins/ …) may shadow them; in this checkout they are those packages.
QUIET_INSTALL := PYTHONWARNINGS="ignore:Editable installation"

.PHONY: test lint typecheck pytest docs test-lowest demo bench catalogues clean mutate mutate-guard

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(QUIET_INSTALL) $(BIN)/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	touch $@

test: $(VENV)/.installed lint typecheck docs pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

# The API reference (docs/api, Sphinx autodoc of the docstrings) into build/docs/index.html,
# read afresh each time (-E) so that every warning shows, and fails on any (-W); ≈ 15 s.
# The test extra installs Sphinx; `pip install -e '.[docs]'` installs it alone.
docs: $(VENV)/.installed
	$(BIN)/sphinx-build -E -a -W --keep-going -q -b html docs/api build/docs

# The suite against the lowest versions setup.cfg allows for each direct dependency
# (uv's lowest-direct resolution), in a venv of its own: a minimum that the code
# outgrew fails here. Lint and type checks run on the newest tools only (`make test`).
$(LOWEST)/.installed: setup.cfg pyproject.toml
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet uv
	$(QUIET_INSTALL) $(LOWEST)/bin/uv pip install --quiet --python $(LOWEST)/bin/python \
		--resolution lowest-direct -e '.[test]'
	touch $@

test-lowest: $(LOWEST)/.installed
	$(LOWEST)/bin/pytest $(PYTEST_ARGS)

# Mutation testing (docs/testing.md) of the modules setup.cfg's [mutmut] section names:
# the rules, lifecycles, scoring, quotas, timeline, cascade, money, change log, import,
# export and the SQL where-builders. Niced, on MUTATE_CHILDREN processes; MUTANTS narrows
# the run (MUTANTS='exchange.scoring*'); mutants/ keeps results between runs. Prints the
# score per module and every survivor not in tests/mutation/equivalents.txt; fails below
# MUTATE_TARGET percent. `make mutate-guard` is the time-boxed sample CI runs.
MUTATE_CHILDREN ?= 2
MUTATE_TARGET ?= 90
MUTMUT := nice -n 19 $(BIN)/mutmut

$(VENV)/.mutate: $(VENV)/.installed setup.cfg
	$(QUIET_INSTALL) $(BIN)/python -m pip install --quiet -e '.[test,mutate]'
	touch $@

mutate: $(VENV)/.mutate
	HYPOTHESIS_PROFILE=mutate $(MUTMUT) run --max-children $(MUTATE_CHILDREN) $(MUTANTS)
	$(BIN)/python tests/mutation/score.py --at-least $(MUTATE_TARGET)

mutate-guard: $(VENV)/.mutate
	MUTMUT="$(MUTMUT)" MUTATE_CHILDREN=$(MUTATE_CHILDREN) MUTATE_TARGET=$(MUTATE_TARGET) \
		$(BIN)/python tests/mutation/guard.py

demo: $(VENV)/.installed
	$(BIN)/exchange demo

bench: $(VENV)/.installed
	$(BIN)/python bench/bulk_insert.py

# Compile the translation catalogues after editing exchange/locale/*/LC_MESSAGES/*.po:
# exchange.po (reports, vocabulary, messages), click.po (click's own messages, see
# cli/i18n.py) and help.po (the help of our commands and options). tests/test_i18n.py
# fails while a compiled catalogue is out of date or a message in the code is missing
# from exchange.po, tests/test_cli_help_zh.py while a help text is missing from help.po;
# `make catalogues` lists the messages the code has (build/messages.pot) and its help
# texts (build/help.pot, with where each is shown) to copy new ones from. The .po
# headers fix POT-Creation-Date, so compiling gives the same bytes at any time.
# The example plugin's own catalogue (docs/plugins.md, "Translating a plugin") is compiled too.
ACME := docs/examples/acme-exchange
catalogues: $(VENV)/.installed
	mkdir -p build && $(BIN)/pybabel --quiet extract -F babel.cfg --no-default-keywords --omit-header \
		-k message -k _ -k pmessage:1c,2 --sort-by-file -o build/messages.pot .
	$(BIN)/python -m cli.helptexts -o build/help.pot
	$(BIN)/pybabel compile --statistics -d exchange/locale -D "exchange click help"
	$(BIN)/pybabel compile --statistics -d $(ACME)/acme_exchange/locale -D acme_exchange

clean:
	rm -rf $(VENV) $(LOWEST) build mutants *.egg-info .hypothesis .mypy_cache .ruff_cache .pytest_cache
