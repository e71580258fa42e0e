PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run demo-reset test install bench bench-http lint

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run: make PYTHON=python3 ..."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --host $(HOST) --port $(PORT)
	DEBUG=true $(VENV)/bin/daphne -b $(HOST) -p $(PORT) --websocket_timeout -1 galdash.asgi:application

demo-reset: install
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --reset --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/graphics.py

# One graphic, the list and the lock cycle at 1, 8 and 32 connections (BENCH_ARGS=--profile).
bench-http: install
	$(PY) bench/http_api.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
