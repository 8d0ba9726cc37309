# The two commands a new user needs: `make demo` and `make test`. Everything else is built from them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint check messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Serve the demo (Kabul, August 2021) on http://127.0.0.1:8000 with the embedded SQLite database.
demo: $(STAMP)
	EVAC_DEBUG=1 $(BIN)/evac migrate --noinput
	EVAC_DEBUG=1 $(BIN)/evac demo

# The whole test suite: lint, Django's checks, migrations in step with models, pytest.
test: $(STAMP)
	$(BIN)/ruff check evac benchmarks
	$(BIN)/ruff format --check evac benchmarks
	$(BIN)/evac check --fail-level WARNING
	$(BIN)/evac makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

messages: $(STAMP)
	cd evac && ../$(BIN)/evac makemessages -l fr --no-obsolete --add-location file && ../$(BIN)/evac compilemessages

clean:
	rm -rf $(VENV) var
