# The habits of this project, one command each. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PY := .venv/bin/python
SP := .venv/bin/safepassage
PG_URL ?= postgres://postgres@127.0.0.1:5432/safepassage
PYTEST_WORKERS ?= 2

.PHONY: install system-packages run serve test test-sqlite test-postgres lint format bench messages

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet "uv==0.13.8"
	uv sync --frozen
	@touch $@

system-packages:
	bash scripts/install-system-packages

run: install system-packages
	@mkdir -p var
	$(SP) migrate --noinput
	$(SP) createcachetable
	$(SP) compilemessages --ignore=.venv -v0
	$(SP) demo-data --households 5000 --if-empty
	$(SP) demo-reregistrations --households 5000 --if-none
	$(SP) link --if-never-run
	$(SP) demo-circumstances --if-empty
	$(SP) rescore
	$(SP) airlift-demo --if-empty
	$(SP) demo-engagements --evacuate-if-none
	$(SP) demo-users
	$(SP) demo-resettlement --if-empty
	$(SP) demo-inbound
	@echo "Open http://127.0.0.1:8000 and sign in with a user above (code: safepassage totp USER)."
	bash scripts/serve-demo

test: install system-packages
	bash scripts/ensure-postgres
	$(SP) compilemessages --ignore=.venv -v0
	$(MAKE) test-sqlite test-postgres

test-sqlite:
	@echo "== tests on SQLite (embedded default) =="
	DATABASE_URL= $(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

# The Spark path of record linkage touches no database: it runs once, in the SQLite pass.
test-postgres:
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not spark"

lint: install
	.venv/bin/ruff check src tests bench
	.venv/bin/lint-imports
	.venv/bin/mypy

format: install
	.venv/bin/ruff check --fix src tests bench
	.venv/bin/ruff format src tests bench

messages: install
	cd src/safepassage && ../../$(SP) makemessages -l fr -l fa_AF -l ps --no-obsolete
	$(SP) compilemessages --ignore=.venv

bench: install
	bash scripts/ensure-postgres
	PYTHONPATH=src:. $(PY) -m bench.run_all $(AREAS)
