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
# The demo's story is set in August 2021: its rules count ages and waiting from 14 August 2021 (EVAC_TODAY).
# Two-factor sign-in is off in the demo, so that anyone can look around without an authenticator app;
# EVAC_REQUIRE_2FA=1 make demo shows it. Production refuses to start with it off.
DEMO_ENV := EVAC_DEBUG=1 EVAC_REQUIRE_2FA=$${EVAC_REQUIRE_2FA:-0} EVAC_TODAY=$${EVAC_TODAY:-2021-08-14}

demo: $(STAMP)
	$(DEMO_ENV) $(BIN)/evac migrate --noinput
	$(DEMO_ENV) $(BIN)/evac demo

lint: $(STAMP)
	$(BIN)/ruff check evac benchmarks
	$(BIN)/ruff format --check evac benchmarks

# The whole test suite: lint, Django's checks, migrations in step with models, pytest.
test: lint
	$(BIN)/evac check --fail-level WARNING
	$(BIN)/evac makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

messages: $(STAMP)
	cd evac && ../$(BIN)/evac makemessages -l fr --no-obsolete --add-location file && ../$(BIN)/evac compilemessages

clean:
	rm -rf $(VENV) var
