# One-command entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.installed-demo

.PHONY: setup demo sandbox test test-loaded lint bench clean test-real-coppermine real-coppermine-packages lab app notebooks binder-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The demo (and the sandbox) need galleryk and its own dependencies only: no test tools, no browser driver.
# pip's own output goes to $(VENV)/setup.log (shown only when it fails), so the demo is all there is to read.
$(DEMO_STAMP): pyproject.toml
	@echo "== Setting up $(VENV): a virtual environment with galleryk and what it needs"
	@echo "   (pandas, Pillow, lxml, requests, tqdm, werkzeug, ipywidgets: a minute or two the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --upgrade pip && $(BIN)/python -m pip install -e .; } > $(VENV)/setup.log 2>&1 \
		|| { tail -n 25 $(VENV)/setup.log; echo "== Setting up failed: the whole story is in $(VENV)/setup.log"; exit 1; }
	@touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	@echo "== Running the demo: galleryk demo, against a sandbox on 127.0.0.1 that is gone when it ends"
	@$(BIN)/galleryk demo
	@echo ""
	@echo "== Next, in this folder"
	@printf '  %-30s %s\n' ". $(VENV)/bin/activate" "puts the galleryk command on your PATH (or run $(BIN)/galleryk)"
	@printf '  %-30s %s\n' "make sandbox" "a seeded sandbox until Ctrl-C, for the galleryk commands above"
	@printf '  %-30s %s\n' "make lab" "JupyterLab on the worked notebooks (notebooks/00-05), with a seeded sandbox"
	@printf '  %-30s %s\n' "make app" "the galleryk app in your browser (Voila), for people who do not code"
	@printf '  %-30s %s\n' "make test" "the test suite, as CI runs it"

sandbox: $(DEMO_STAMP)
	$(BIN)/galleryk sandbox --seed

test: $(STAMP)
	$(BIN)/ruff check galleryk tests benchmarks tools
	$(BIN)/ruff format --check galleryk tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider tests notebooks --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

# ruff (lint and format) and mypy over the whole package, as `make test` runs them first.
lint: $(STAMP)
	$(BIN)/ruff check galleryk tests benchmarks tools
	$(BIN)/ruff format --check galleryk tests benchmarks tools
	$(BIN)/mypy

# The suite while another process keeps every core busy: a test that races a timer fails here first.
test-loaded: $(STAMP)
	$(BIN)/python tools/cpu_hog.py -- $(MAKE) test

# -- the real Coppermine 1.6.26 gallery in the loop (tests/support/real_coppermine.py) --------------
CPG_PACKAGES := php-cli php-mysql php-gd php-mbstring php-xml mariadb-server

real-coppermine-packages:
	@if command -v php >/dev/null 2>&1 && command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(CPG_PACKAGES) >/dev/null; \
	else echo "install the Debian packages $(CPG_PACKAGES) (as root), then run make test-real-coppermine again"; exit 1; fi

# The Coppermine client's, pushes' and plans' suites against the sandbox and the real 1.4.27, 1.5.21, 1.6.26 and 1.7.02.
test-real-coppermine: $(STAMP) real-coppermine-packages
	GALLERYK_REQUIRE_REAL_COPPERMINE=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/coppermine tests/sandbox/coppermine tests/push/test_push_coppermine_servers.py tests/push/test_plan_coppermine_servers.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_listing.py
	$(BIN)/python benchmarks/bench_sandbox.py
	$(BIN)/python benchmarks/bench_fotki.py
	$(BIN)/python benchmarks/bench_media.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_push.py
	$(BIN)/python benchmarks/bench_push_ratelimit.py
	$(BIN)/python benchmarks/bench_plan.py
	$(BIN)/python benchmarks/bench_cpg_scale.py

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
