# make       set up .venv from the pinned versions, then rebuild every output
# make test  set up the same way, then run the unit tests and nbval (strict) on every notebook
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
# Tests run on both cores; nbval keeps each notebook's cells together with loadscope.
PYTEST_ARGS ?= -n 2 --dist loadscope

.PHONY: all env test lock clean-env site
all: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python tools/run_notebooks.py $(NOTEBOOKS)
	MPLBACKEND=Agg $(BIN)/python tools/write_gallery.py

env: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

test: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-pin after editing requirements.in (needs network); keep environment.yml in step (a test checks).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile requirements.in -o requirements.lock --python-version 3.11 --no-header
	$(BIN)/python tools/write_environment.py

clean-env:
	rm -rf $(VENV)

# A static site to share (site/, not committed): the executed notebooks as HTML, the gallery and
# the annotated article, with an index.  Built from what `make` produced; nothing re-executed.
site: $(STAMP)
	$(BIN)/python tools/build_site.py
