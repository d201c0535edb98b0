# One-command entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo sandbox test bench clean lab app notebooks binder-check

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
	$(BIN)/python benchmarks/bench_fotki.py
	$(BIN)/python benchmarks/bench_media.py

# The worked notebooks and the Voila app (issue 12): what they need only, then the command.
NB_STAMP := $(VENV)/.notebooks

$(NB_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $(NB_STAMP)

lab: $(NB_STAMP)
	$(BIN)/galleryk lab

app: $(NB_STAMP)
	$(BIN)/galleryk app

# Execute every notebook in place (nbclient), then strip what must not be saved.
notebooks: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

# Binder rehearsed: a fresh venv from binder/ alone, binder/start around every notebook and the app (a few minutes).
binder-check: $(STAMP)
	$(BIN)/python tools/binder_check.py

clean:
	rm -rf $(VENV) build *.egg-info
