# make          set up .venv from the pinned versions, validate the inputs, then bring every output
#               up to date: only the notebooks whose inputs changed, in parallel, all or nothing
#               (tools/build.py)
# make test     set up the same way, then the unit tests and nbval (strict) on every notebook; the
#               tests write only to a temporary directory (DEBAO_AUDIT_OUTPUT).  Not in it: the
#               tests marked browser (make test-browser), slow (make test-build), share (make
#               test-share); .ci/run runs all four
# make test-browser  the tests that drive a real headless Chromium (the annotated page: render,
#               axe-core, keyboard, popovers, screens, CJK fonts; every page of the built site)
#               and a real Jupyter server (a notebook run over its websocket, open/save of every
#               notebook, the JupyterLab page config), and every test of the built site (built
#               once): pytest marker browser.  Also every Hypothesis property (marker
#               properties) with all its examples and the what-if edge values for every id;
#               make test runs a quarter of the examples and the edge values for every third id
# make validate the one validation pass over every input file (CASE=cases/SLUG: a case folder's;
#               TRUST=1: run that folder's own Python code too, see docs/trust.md)
# make rebuild  re-run every notebook even if nothing changed
# make test-build  the end-to-end tests of the build and the site: kills, interrupts, failures, a
#               really full disk, the `make site` error catalogue (slow)
# make bench    time a no-change make, a full rebuild and make test against a floor, as ratios
# make lab      set up the same way, then open JupyterLab on notebooks/ (LAB_ARGS: extra options)
# make what-if ARGS="rural_income_growth_annual=9.56%"   the what-if, no activated environment
#               needed (ARGS="--list": the ids and their quotes)
# make student  the student edition in build/student/ and build/student.zip: stands alone, no
#               solutions, answer key or guide; its checks compare salted hashes (docs/teaching.md)
# make grade DIR=submissions/  run each student's notebooks in isolation; CSVs of the results
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Tests run on both cores; nbval keeps each notebook's cells together with loadscope.
# The end-to-end build tests (marked slow) run in `make test-build`, the real-browser and
# real-server tests (marked browser) in `make test-browser`; CI (.ci/run) runs both.
PYTEST_ARGS ?= -n 2 --dist loadscope -m "not slow and not share and not browser"
BROWSER_PYTEST_ARGS ?= -n 2 --dist loadscope -m "(browser or properties) and not slow and not share"

.PHONY: all env test test-browser test-build lab lock clean-env validate rebuild bench site share-env lite test-share what-if student grade
all: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python tools/build.py

rebuild: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python tools/build.py --force

# CASE, TRUST and ARGS reach Python as data (the environment), never through the shell or make's
# own expansion: $(value X) is the text as given (src/debao_audit/makeargs.py splits ARGS).
CASE ?=
TRUST ?=
unexport CASE TRUST ARGS
export DEBAO_MAKE_CASE := $(value CASE)
export DEBAO_MAKE_TRUST := $(value TRUST)
validate: $(STAMP)
	@$(BIN)/python -m debao_audit.makeargs validate

bench: $(STAMP)
	@MPLBACKEND=Agg $(BIN)/python tools/bench.py

env: $(STAMP)

# The lock is installed by uv (pinned: UV_VERSION), several times faster than pip; where uv cannot
# be installed or fails, by pip, as before.  Either way exactly the versions in requirements.lock,
# compiled to bytecode at install as pip does (uv alone would leave every process to compile them).
UV_VERSION := 0.13.8
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	@if $(PIP) install uv==$(UV_VERSION) && $(BIN)/uv --version >/dev/null \
	    && $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock \
	    && $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .; \
	then echo "set-up: requirements.lock installed with uv $(UV_VERSION)"; \
	else echo "set-up: uv $(UV_VERSION) unavailable or failed; installing requirements.lock with pip"; \
	  $(PIP) install -r requirements.lock && $(PIP) install --no-deps --no-build-isolation -e .; \
	fi
	touch $(STAMP)

# PYTHONDONTWRITEBYTECODE cleared: pytest keeps its rewritten test modules and Python the
# package's compiled modules in __pycache__ (git-ignored; skipped where the checkout is
# read-only) instead of compiling them again in every worker and kernel on every run.
NO_RECOMPILE := PYTHONDONTWRITEBYTECODE=
test: $(STAMP)
	@$(NO_RECOMPILE) MPLBACKEND=Agg $(BIN)/python -m pytest $(PYTEST_ARGS)

# Only tests/ is collected: the browser tests are all there (nbval's notebooks run in make test).
# DEBAO_FULL_PROPERTIES=1: every property test with all its examples (tests/strength.py).
test-browser: $(STAMP)
	@$(NO_RECOMPILE) MPLBACKEND=Agg DEBAO_FULL_PROPERTIES=1 $(BIN)/python -m pytest $(BROWSER_PYTEST_ARGS) tests

test-build: $(STAMP)
	@$(BIN)/python -m pytest -p no:xdist -m slow tests/test_build.py tests/test_full_disk.py tests/test_wheel.py \
	  tests/test_site_errors.py

# The server's root is the repository (notebook 07 links to figures/); the browser opens notebooks/.
# No announcements: the "official Jupyter news?" pop-up comes from a plugin that news_url=None
# does not silence (JupyterLab 4.6.6), so the plugin is disabled in .venv's own page config;
# news and update checks are off too (nothing fetched from the internet).
LAB_ARGS ?=
LAB_QUIET := --LabApp.news_url=None \
  --LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate
LAB_NO_POPUP := @jupyterlab/apputils-extension:announcements
lab: $(STAMP)
	@$(BIN)/jupyter labextension disable --level=sys_prefix $(LAB_NO_POPUP) >/dev/null 2>&1
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks \
	  $(LAB_QUIET) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The what-if from the project's environment: make what-if ARGS="medical_experts=近130名 --csv"
# A refusal is one line and `make what-if` then exits 0 (no "Error 2" from make after it).
ARGS ?= --help
export DEBAO_MAKE_ARGS := $(value ARGS)
what-if: $(STAMP)
	@$(BIN)/python -m debao_audit.makeargs what-if

# The student edition (build/student/ and build/student.zip, git-ignored): notebooks with answer
# cells emptied and outputs cleared, data, linked figures, the practice case as a skeleton, the
# package with the course's key as salted hashes; no solutions, answer key or instructor guide.
student: $(STAMP)
	@$(BIN)/python -m debao_audit.teaching student build/student

# Grading for the teacher: make grade DIR=submissions/ (one folder, .ipynb or .zip per student):
# each submission runs in its own limited process in a temporary copy; writes DIR-grades/
# (summary.csv, students/STUDENT.csv).  GRADE_ARGS: more options (--timeout, --cell-timeout,
# --memory, --jobs, --out).
export DIR ?=
GRADE_ARGS ?=
grade: $(STAMP)
	@test -n "$$DIR" || { echo "make grade: give the folder of submissions: make grade DIR=submissions/" >&2; exit 2; }
	@$(BIN)/python -m debao_audit grade "$$DIR" $(GRADE_ARGS)

# Re-pin after editing requirements.in (needs network); keep environment.yml in step (a test checks).
lock: $(STAMP)
	$(PIP) install uv==$(UV_VERSION)
	$(BIN)/uv pip compile requirements.in -o requirements.lock --python-version 3.11 --no-header
	$(BIN)/python tools/write_environment.py

clean-env:
	rm -rf $(VENV)

# A static site to share (site/, not committed): the executed notebooks as HTML, the gallery and
# the annotated article, with an index.  Built from what `make` produced; nothing re-executed.
# The default is the public edition (the article's figures quoted in context, never its whole
# text); FULL_TEXT=1 builds the whole annotated text, for a class's private use only.
FULL_TEXT ?=
# The worked solutions are left out unless asked: SOLUTIONS=1 (a site for the teacher).
SOLUTIONS ?= 0
site: $(STAMP)
	@$(BIN)/python tools/build_site.py$(if $(filter 1 yes true,$(FULL_TEXT)), --full-text)$(if $(filter 1 yes true,$(SOLUTIONS)), --solutions)

# The share tools (JupyterLite, repo2docker): an optional lock on top of requirements.lock, used
# only by `make lite` and `make test-share`, so `make` and `make test` never install them.  The
# fetch step (the npm pyodide package's lock file, the bundled pure-Python wheels) is the only
# one that needs the network; the lite build itself is offline.
SHARE_STAMP := $(VENV)/.installed-share
share-env: $(SHARE_STAMP)
$(SHARE_STAMP): requirements-share.lock $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -r requirements-share.lock
	$(BIN)/python tools/build_lite.py fetch
	touch $(SHARE_STAMP)

# lite/ (not committed): the notebooks in the browser (JupyterLite + Pyodide); serve it over http.
# The student edition (no solutions, instructor guide or answer key) unless SOLUTIONS=1;
# PYODIDE=DIR self-hosts Pyodide from DIR (nothing fetched from its CDN; docs/site.md).
export PYODIDE ?=
lite: $(SHARE_STAMP)
	$(BIN)/python tools/build_lite.py build$(if $(filter 1 yes true,$(SOLUTIONS)), --solutions)$(if $(PYODIDE), --pyodide "$$PYODIDE")

# The share tests (JupyterLite build and check, Chromium on the lite site, the Binder dry run).
test-share: $(SHARE_STAMP)
	@$(BIN)/python -m pytest -p no:xdist -m share tests/test_share.py
