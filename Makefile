# The two commands a new machine needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint check bench schemas clean

# What running needs: prodsec and its runtime dependencies, not the test tools; the PDF
# export (WeasyPrint) needs Pango and a font from Debian, installed here when missing and
# run as root (docs/decisions/0015).
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
$(RUN_STAMP): pyproject.toml
	@if command -v dpkg >/dev/null && ! dpkg -s $(PDF_DEBS) >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y $(PDF_DEBS); \
		else echo "the PDF export needs: apt-get install $(PDF_DEBS)"; fi; fi
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

# What testing and linting need besides: the dev extra.
$(DEV_STAMP): $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

## run: the web app with the demo data at http://127.0.0.1:8000 (SQLite by default)
run: $(RUN_STAMP)
	$(BIN)/prodsec serve

## lint: ruff (lint and format) and mypy strict
lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## test: lint, types, then the whole suite (on SQLite and on Debian's PostgreSQL, which
## scripts/test-postgres.sh installs and starts when missing), the browser tests on
## Debian's Chromium (scripts/test-chromium.sh installs it when missing), CSAF advisories
## through the reference validator from npm (scripts/test-csaf-validator.sh); fails when line
## coverage of src/prodsec falls below COVERAGE percent (compared to two decimals:
## pytest-cov would otherwise round 96.6 up to 97 and pass). The tests are spread over
## TEST_JOBS worker processes (pytest-xdist; `auto`: one per core; `TEST_JOBS=0` runs in
## one process). The 20 slowest tests are listed at the end, to keep the suite fast.
COVERAGE := 97
TEST_JOBS ?= auto
test: lint
	pg=$$(sh scripts/test-postgres.sh) && browser=$$(sh scripts/test-chromium.sh) && \
	csaf=$$(sh scripts/test-csaf-validator.sh) && PRODSEC_TEST_CSAF_VALIDATOR=$$csaf \
	PRODSEC_TEST_POSTGRES_URL=$$pg PRODSEC_TEST_CHROMIUM=$$browser $(BIN)/python -m pytest \
		-n $(TEST_JOBS) --cov=prodsec --cov-report=term-missing:skip-covered --cov-fail-under=$(COVERAGE) --cov-precision=2 --durations=20

## bench: every benchmark in its own process, each printing JSON (its figures beside their
## floors from the same run, and the load); one summary in benchmarks/summary.json
bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.summary

## schemas: regenerate the JSON Schemas under src/prodsec/data/schemas
schemas: $(RUN_STAMP)
	$(BIN)/prodsec catalog schemas src/prodsec/data/schemas

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
