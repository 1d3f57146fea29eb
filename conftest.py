"""Test session set-up for the unit tests and the notebooks (pytest loads it before collecting).

1. **Tests never write the checkout.**  The one output setting, ``DEBAO_AUDIT_OUTPUT``, points
   at a temporary directory before anything imports ``debao_audit``; each notebook's kernel gets
   a directory of its own beneath it (the variable is set just before nbval starts the kernel).
2. **Every output is compared with the committed one.**  After a notebook's last cell, one more
   test item (``<notebook>::outputs``, in the same xdist scope, so it always runs after that
   notebook's cells whatever the order of the rest) compares every file the notebook wrote with
   the committed file byte for byte.  nbval compares the notebook's own outputs.
   Font subsets (``debao_audit.style.font_subset``) are looked up in ``make``'s cache,
   ``.build/font-cache/``, and new ones kept in a temporary directory (``DEBAO_FONT_CACHE``):
   a subset is a pure function of the font, the characters and the options, and the notebooks'
   figures and page, compared byte for byte with the committed ones, would show a wrong entry.
3. **Bad input stops the session once.**  The inputs are validated before the notebooks are
   collected; a ``DataError`` ends the run with that one message instead of a failure per cell.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
_OWN_TMP = None
if not os.environ.get("DEBAO_AUDIT_OUTPUT"):
    # Set here, at import, so that xdist's workers (started later) inherit the same directory.
    _OWN_TMP = tempfile.mkdtemp(prefix="debao-audit-test-")
    os.environ["DEBAO_AUDIT_OUTPUT"] = _OWN_TMP
OUTPUT = Path(os.environ["DEBAO_AUDIT_OUTPUT"]).resolve()
# Font subsets: new ones kept in a temporary directory of their own (not among the outputs the
# tests compare), make's read; the workers and kernels inherit the setting.
_FONT_TMP = None
if "DEBAO_FONT_CACHE" not in os.environ:
    _FONT_TMP = tempfile.mkdtemp(prefix="debao-audit-fonts-")
    os.environ["DEBAO_FONT_CACHE"] = os.pathsep.join(
        [_FONT_TMP, str(ROOT / ".build" / "font-cache")])
NOTEBOOK_OUTPUT = OUTPUT / "notebooks-run"
# Hypothesis keeps its own files (its example database, its Unicode tables) in a directory of
# its own, by default ./.hypothesis in the checkout: here, beside the other temporary outputs.
# Set before hypothesis is imported (it reads the variable once).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(OUTPUT / ".hypothesis"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: end-to-end build tests (make test-build)")
    config.addinivalue_line("markers", "share: JupyterLite and Binder tests (make test-share; "
                            "need requirements-share.lock)")
    config.addinivalue_line("markers", "browser: real headless Chromium and real Jupyter "
                            "server tests, and the tests of the built site (make test-browser, "
                            "run by .ci/run after make test)")
    config.addinivalue_line("markers", "properties: what-if robustness tests run in make test "
                            "with a quarter of their examples (and every third id), and in "
                            "make test-browser with all (DEBAO_FULL_PROPERTIES=1)")


@pytest.hookimpl(wrapper=True)
def pytest_sessionstart(session: pytest.Session):
    # After xdist has started its workers: they start and collect while the inputs are checked.
    result = yield
    if hasattr(session.config, "workerinput"):
        return result  # validated once, by the controller
    _BEFORE.update(_checkout_state())
    from debao_audit import data, validate

    try:
        validate.validate_all()
    except data.DataError as e:
        pytest.exit(f"invalid input, no test was run:\n{e}", returncode=3)
    return result


_SKIP_DIRS = {".git", ".venv", ".build", "__pycache__", ".hypothesis", ".pytest_cache", "node_modules"}


def _checkout_state() -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file of the checkout (not the environment or caches)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
        for name in filenames:
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            out[os.path.relpath(p, ROOT)] = (st.st_mtime_ns, st.st_size)
    return out


_BEFORE: dict[str, tuple[int, int]] = {}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The tests leave the checkout as they found it: no file added, removed or touched."""
    if hasattr(session.config, "workerinput") or not _BEFORE:
        return
    after = _checkout_state()
    changed = sorted(k for k in set(_BEFORE) | set(after) if _BEFORE.get(k) != after.get(k))
    if changed:
        session.config.get_terminal_writer().line(
            f"error: the tests wrote the checkout: {', '.join(changed[:10])}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        for tmp in (_OWN_TMP, _FONT_TMP):
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)


def _notebook_of(item: pytest.Item) -> Path | None:
    path = Path(str(item.path))
    return path if path.suffix == ".ipynb" and path.parent.name == "notebooks" else None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    path = Path(str(item.path))
    if path.suffix == ".ipynb":
        # a notebook's reader's work (notebook 08's copy of a case; solutions too) goes to a
        # directory outside the checkout and the outputs (each cell is an item: kept)
        work = OUTPUT / "notebooks-work" / path.parent.name / path.stem
        work.mkdir(parents=True, exist_ok=True)
        os.environ["DEBAO_AUDIT_WORK"] = str(work)
    nb = _notebook_of(item)
    if nb is not None:
        # Before nbval starts this notebook's kernel (in its collector's setup): its outputs go
        # to a directory of its own.
        os.environ["DEBAO_AUDIT_OUTPUT"] = str(NOTEBOOK_OUTPUT / nb.stem)
    else:
        os.environ["DEBAO_AUDIT_OUTPUT"] = str(OUTPUT)


class NotebookOutputs(pytest.Item):
    """Every file a notebook wrote is byte-identical to the committed one."""

    def runtest(self) -> None:
        nb = Path(str(self.path))
        written = NOTEBOOK_OUTPUT / nb.stem
        files = sorted(p for p in written.rglob("*") if p.is_file()) if written.exists() else []
        stray = [p.relative_to(written) for p in files if p.name.startswith(".")]
        assert not stray, f"{nb.name} left temporary files: {stray}"
        differ, missing = [], []
        for p in files:
            rel = p.relative_to(written)
            committed = ROOT / rel
            if not committed.is_file():
                missing.append(str(rel))
            elif committed.read_bytes() != p.read_bytes():
                differ.append(str(rel))
        assert not missing, f"{nb.name} writes {missing}, which is not committed: run `make`"
        assert not differ, (f"{nb.name} writes {differ}, different from the committed files: "
                            "run `make` and look at them")

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::outputs"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """After each fully selected notebook's last cell, its outputs check."""
    by_nb: dict[Path, list[int]] = {}
    for i, item in enumerate(items):
        nb = _notebook_of(item)
        if nb is not None and type(item).__name__ == "IPyNbCell":
            by_nb.setdefault(nb, []).append(i)
    for nb, idx in sorted(by_nb.items(), key=lambda kv: -kv[1][-1]):
        parent = items[idx[-1]].parent
        n_cells = sum(1 for c in parent.nb.cells if c.cell_type == "code")
        if len(idx) == n_cells:
            items.insert(idx[-1] + 1, NotebookOutputs.from_parent(parent, name="outputs"))
