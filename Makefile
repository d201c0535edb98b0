# One-command entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo sandbox test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/galleryk demo

sandbox: $(STAMP)
	$(BIN)/galleryk sandbox --seed

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests notebooks --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_listing.py
	$(BIN)/python benchmarks/bench_sandbox.py
	$(BIN)/python benchmarks/bench_fotki.py
	$(BIN)/python benchmarks/bench_media.py
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) build *.egg-info
