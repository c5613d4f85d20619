# The two set-up commands of README.md. Everything the project needs is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_APP := $(VENV)/.installed-app
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_APP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_APP)

run: $(STAMP_APP)
	$(BIN)/evidencetracker

test: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

screenshots: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_rating_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_io_screenshots.py
	$(BIN)/python docs/make_brief_examples.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_guide_screenshots.py
	EVIDENCETRACKER_SCREENSHOTS=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q \
		tests/reliability/test_safety_dialogs.py

clean:
	rm -rf $(VENV) build dist
