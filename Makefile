# The two commands of the README are `make serve` and `make test`; both set up what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml package.json 2>/dev/null | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: setup serve servir test test-fast bench strip kiosk kiosque clean

setup: $(STAMP)

$(STAMP): pyproject.toml package.json
	@bash scripts/setup.sh "$(VENV)"
	@rm -f $(VENV)/.installed-* && touch $@

serve: setup
	@bash scripts/system-deps.sh serve
	$(VENV)/bin/civicai servir $(ARGS)

# French names for what people type (the English ones stay for developers' habits).
servir: serve
kiosque: kiosk

kiosk: setup
	$(VENV)/bin/civicai kiosque $(ARGS)

test: setup
	@bash scripts/system-deps.sh test
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The fast lane: every test that starts no process, no hub and no browser (unit tests, contract tests).
test-fast: setup
	$(VENV)/bin/python -m pytest -m "not slow and not browser and not hub" $(PYTEST_ARGS)

bench: setup
	@bash scripts/system-deps.sh test
	@# the Python proxy port, for bench_proxy only: in a venv of its own, so that the project's
	@# venv (and what `make test` finds on its PATH) stays as `make setup` made it
	@test -x .venv-bench/bin/configurable-http-proxy || { python3 -m venv .venv-bench && \
		.venv-bench/bin/pip install -q "configurable-http-proxy==0.4.0"; }
	$(PY) benchmarks/run.py $(ARGS)

strip: setup
	$(VENV)/bin/python -m civicai.notebooks strip modules exercises

clean:
	rm -rf $(VENV) .venv-bench node_modules var
