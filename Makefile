# The two commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
E2E_DIR := tests/e2e

.PHONY: run test test-quick index bench e2e-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the package definition changed.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The index is rebuilt when any corpus file is newer than its manifest (the build itself
# reuses unchanged embeddings, so this is quick after the first time).
index: $(STAMP)
	$(PY) -m index build --if-stale

run: index
	$(PY) -m bot start

e2e-deps:
	@if [ -f $(E2E_DIR)/package.json ]; then \
	  [ $(E2E_DIR)/node_modules/.package-lock.json -nt $(E2E_DIR)/package-lock.json ] || \
	  npm ci --prefix $(E2E_DIR) --no-audit --no-fund --loglevel=error; \
	fi

test: $(STAMP) e2e-deps
	$(PY) -m pytest -q

test-quick: $(STAMP)
	$(PY) -m pytest -q -m "not model and not e2e"

bench: $(STAMP)
	$(PY) -m bench all

clean:
	rm -rf $(VENV) var .pytest_cache
