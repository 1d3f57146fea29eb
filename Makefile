# make          set up .venv from the pinned versions, validate the inputs, then bring every output
#               up to date: only the notebooks whose inputs changed, in parallel, all or nothing
#               (tools/build.py)
# make test     set up the same way, then the unit tests and nbval (strict) on every notebook; the
#               tests write only to a temporary directory (DEBAO_AUDIT_OUTPUT)
# make validate the one validation pass over every input file
# make rebuild  re-run every notebook even if nothing changed
# make test-build  the end-to-end tests of the build: kills, interrupts, failures (slow)
# make bench    time a no-change make, a full rebuild and make test against a floor, as ratios
# make lab      set up the same way, then open JupyterLab on notebooks/ (LAB_ARGS: extra options)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Tests run on both cores; nbval keeps each notebook's cells together with loadscope.
# The end-to-end build tests (marked slow) run in `make test-build` and on CI.
PYTEST_ARGS ?= -n 2 --dist loadscope -m "not slow"

.PHONY: all env test test-build lab lock clean-env validate rebuild bench site
all: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python tools/build.py

rebuild: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python tools/build.py --force

validate: $(STAMP)
	@$(BIN)/python -m debao_audit.validate

bench: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python tools/bench.py

env: $(STAMP)

# The lock is installed by uv (pinned: UV_VERSION), several times faster than pip; where uv cannot
# be installed or fails, by pip, as before.  Either way exactly the versions in requirements.lock.
UV_VERSION := 0.13.8
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	@if $(PIP) install uv==$(UV_VERSION) && $(BIN)/uv --version >/dev/null \
	    && $(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock \
	    && $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .; \
	then echo "set-up: requirements.lock installed with uv $(UV_VERSION)"; \
	else echo "set-up: uv $(UV_VERSION) unavailable or failed; installing requirements.lock with pip"; \
	  $(PIP) install -r requirements.lock && $(PIP) install --no-deps --no-build-isolation -e .; \
	fi
	touch $(STAMP)

test: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python -m pytest $(PYTEST_ARGS)

test-build: $(STAMP)
	@$(BIN)/python -m pytest -p no:xdist -m slow tests/test_build.py

# The server's root is the repository (notebook 07 links to figures/); the browser opens notebooks/.
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Re-pin after editing requirements.in (needs network); keep environment.yml in step (a test checks).
lock: $(STAMP)
	$(PIP) install uv==$(UV_VERSION)
	$(BIN)/uv pip compile requirements.in -o requirements.lock --python-version 3.11 --no-header
	$(BIN)/python tools/write_environment.py

clean-env:
	rm -rf $(VENV)

# A static site to share (site/, not committed): the executed notebooks as HTML, the gallery and
# the annotated article, with an index.  Built from what `make` produced; nothing re-executed.
site: $(STAMP)
	@$(BIN)/python tools/build_site.py
