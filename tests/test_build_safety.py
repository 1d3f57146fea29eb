"""The build (tools/build/) touches nothing but its outputs, and a failed commit says what it
changed and can be completed.

Fast: every case here is refused or decided before a kernel starts, or calls the commit
directly on a scratch repository (a copy of the runner, so its ROOT is the scratch directory).
The end-to-end cases (kills, interrupts, failing notebooks) are in test_build.py (slow).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scratch_tools import BUILD, copy_runner, load_runner

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(outputs: dict[str, str]) -> dict:
    record = {"source": "0" * 64, "deps": {}, "outputs": outputs}
    record["check"] = _digest(json.dumps(record, sort_keys=True).encode())
    return record


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A scratch checkout: the runner, the data (inputs that must survive), one notebook, one
    committed figure, and a file beside the checkout."""
    r = tmp_path / "repo"
    (r / "tools").mkdir(parents=True)
    (r / "notebooks").mkdir()
    (r / "figures").mkdir()
    (r / "docs").mkdir()
    copy_runner(r)
    for f in ("README.md", "docs/design.md",
              "docs/figures.md", "requirements.lock"):
        shutil.copy(ROOT / f, r / f)
    shutil.copytree(ROOT / "data", r / "data", ignore=shutil.ignore_patterns("processed"))
    shutil.copy(ROOT / "notebooks" / "00-read-the-article.ipynb", r / "notebooks" / "00-a.ipynb")
    (r / "figures" / "kept.csv").write_text("x\n1\n")
    (r / "docs" / "cases.md").write_text("# written by hand, not by the build\n")
    (tmp_path / "outside.txt").write_text("not the build's")
    return r


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _digest(p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and ".build" not in p.parts}


def _build(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DEBAO_AUDIT_OUTPUT"}
    return subprocess.run([PY, *BUILD, *args], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=120)


# A manifest naming anything but an output is refused, whole, before anything is done: each of
# these would otherwise have been deleted (a record of a removed notebook has its outputs
# removed) or, for the last ones, the step itself is not a step.
CRAFTED = {
    "an input": ("notebooks/99-gone.ipynb", "data/claims.csv"),
    "outside the checkout": ("notebooks/99-gone.ipynb", "../outside.txt"),
    "absolute": ("notebooks/99-gone.ipynb", "/etc/hostname"),
    "dot-dot inside figures": ("notebooks/99-gone.ipynb", "figures/../data/claims.csv"),
    "another notebook": ("notebooks/99-gone.ipynb", "notebooks/00-a.ipynb"),
    "the README from a notebook": ("notebooks/99-gone.ipynb", "README.md"),
    "the runner": ("notebooks/99-gone.ipynb", "tools/build/commit.py"),
    "the manifest": ("notebooks/99-gone.ipynb", "build-manifest.json"),
    "a figure from the gallery": ("gallery", "figures/kept.csv"),
    "a docs page the gallery does not render": ("gallery", "docs/cases.md"),
    "a rendered docs page from a notebook": ("notebooks/99-gone.ipynb", "docs/design.md"),
    "a step that is a data file": ("data/claims.csv", "data/claims.csv"),
    "a step outside": ("../outside.txt", "figures/kept.csv"),
    # a case step (cases/<slug>) writes only under its own two output directories
    "an input from a case": ("cases/gone", "data/claims.csv"),
    "a case's own folder": ("cases/gone", "cases/gone/claims.csv"),
    "another case's outputs": ("cases/gone", "figures/cases/other/findings.png"),
    "another case's tables": ("cases/gone", "data/processed/cases/other/checks.csv"),
    "a figure outside the case's": ("cases/gone", "figures/kept.csv"),
    "a case step with dot-dot": ("cases/../data", "figures/kept.csv"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_a_crafted_manifest_is_refused_and_nothing_is_touched(repo: Path, case: str) -> None:
    step, output = CRAFTED[case]
    (repo / "build-manifest.json").write_text(json.dumps(
        {"steps": {step: _record({output: "0" * 64})}}))
    before = _snapshot(repo)
    r = _build(repo)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "build-manifest.json" in lines[0] and repr(
        step if "step" in case else output) in lines[0] and "refusing" in lines[0], r.stderr
    assert "Traceback" not in r.stdout + r.stderr and "ran" not in r.stdout
    assert _snapshot(repo) == before
    assert (repo.parent / "outside.txt").read_text() == "not the build's"
    assert not list((repo / ".build").glob("stage-*"))


def test_a_symlinked_output_directory_is_not_followed_out(repo: Path) -> None:
    """``figures`` pointing at ``data``: a path under figures/ that resolves to an input."""
    shutil.rmtree(repo / "figures")
    (repo / "figures").symlink_to("data", target_is_directory=True)
    (repo / "build-manifest.json").write_text(json.dumps(
        {"steps": {"notebooks/99-gone.ipynb": _record({"figures/claims.csv": "0" * 64})}}))
    before = _snapshot(repo)
    r = _build(repo)
    assert r.returncode == 2 and "not a symbolic link" in r.stderr, r.stderr
    assert _snapshot(repo) == before


def test_a_symlinked_docs_directory_is_not_followed_out(repo: Path) -> None:
    """``docs`` pointing at ``data``: the gallery's docs/design.md would land on an input."""
    shutil.rmtree(repo / "docs")
    (repo / "docs").symlink_to("data", target_is_directory=True)
    (repo / "build-manifest.json").write_text(json.dumps(
        {"steps": {"gallery": _record({"docs/design.md": "0" * 64})}}))
    before = _snapshot(repo)
    r = _build(repo)
    assert r.returncode == 2 and "symlinks followed" in r.stderr, r.stderr
    assert _snapshot(repo) == before


def test_a_crafted_journal_is_refused(repo: Path) -> None:
    (repo / ".build").mkdir()
    (repo / ".build" / "commit.json").write_text(json.dumps(
        {"moves": [[None, "data/claims.csv", str(repo / ".build" / "x")]]}))
    before = _snapshot(repo)
    r = _build(repo)
    assert r.returncode == 2 and "commit.json" in r.stderr and "data/claims.csv" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert _snapshot(repo) == before


# --------------------------------------------------------------------------------------------
# The commit, called directly: a move that fails part-way
# --------------------------------------------------------------------------------------------

def _runner(repo: Path):
    return load_runner(repo)


@pytest.fixture()
def staged(repo: Path):
    """Three committed figures, a newer version of each staged, and the manifest."""
    b = _runner(repo)
    b.paths.build.mkdir()
    stage = b.paths.build / "stage-1"
    files = {}
    for name in ("a", "b", "c"):
        rel = f"figures/{name}.csv"
        (repo / rel).write_text(f"old {name}\n")
        os.chmod(repo / rel, 0o644)
        src = stage / "step" / rel
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(f"new {name}\n")
        files[rel] = src
    (repo / "build-manifest.json").write_text("old manifest\n")
    return b, stage, files


def _failing_replace(monkeypatch, fail) -> list:
    real = os.replace
    calls = []

    def replace(src, dst, *a, **k):
        calls.append(str(dst))
        if fail(str(src), str(dst), len(calls)):
            raise PermissionError(1, "Operation not permitted", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_a_commit_that_fails_part_way_is_rolled_back(repo: Path, staged, monkeypatch) -> None:
    b, stage, files = staged
    _failing_replace(monkeypatch, lambda s, d, n: d.endswith("figures/c.csv") and "stage" in s)
    with pytest.raises(b.errors.CommitError) as e:
        b.commit.commit(b.paths, files, [], stage, "new manifest\n")
    msg = str(e.value)
    assert "could not replace figures/c.csv (Operation not permitted)" in msg, msg
    assert "no output was changed" in msg and "\n" not in msg
    assert [(repo / f"figures/{n}.csv").read_text() for n in "abc"] == ["old a\n", "old b\n",
                                                                        "old c\n"]
    assert (repo / "build-manifest.json").read_text() == "old manifest\n"
    assert not b.paths.journal.exists()


def test_a_commit_that_cannot_be_rolled_back_says_what_changed_and_is_completed_later(
        repo: Path, staged, monkeypatch) -> None:
    b, stage, files = staged
    # c.csv cannot be replaced, and putting back a.csv fails as well (its backup is read-only).
    _failing_replace(monkeypatch, lambda s, d, n: d.endswith("figures/c.csv")
                     or (d.endswith("figures/a.csv") and ".backup" in s))
    with pytest.raises(b.errors.CommitError) as e:
        b.commit.commit(b.paths, files, [], stage, "new manifest\n")
    msg = str(e.value)
    assert "could not replace figures/c.csv" in msg and "nor put back figures/a.csv" in msg, msg
    assert "; changed: figures/a.csv;" in msg, msg       # b.csv was put back, a.csv not
    assert "not changed: figures/b.csv, figures/c.csv, build-manifest.json" in msg, msg
    assert "commit.json is kept" in msg
    # The state on disk is exactly what the message says, and the journal can still finish.
    assert [(repo / f"figures/{n}.csv").read_text() for n in "abc"] == ["new a\n", "old b\n",
                                                                        "old c\n"]
    assert (repo / "build-manifest.json").read_text() == "old manifest\n"
    assert b.paths.journal.exists() and (stage / "step" / "figures" / "c.csv").exists()
    monkeypatch.undo()
    b.commit.apply_journal(b.paths)
    assert [(repo / f"figures/{n}.csv").read_text() for n in "abc"] == ["new a\n", "new b\n",
                                                                        "new c\n"]
    assert (repo / "build-manifest.json").read_text() == "new manifest\n"
    assert not b.paths.journal.exists()


def test_the_next_make_completes_a_kept_journal_or_says_why_not(repo: Path, staged,
                                                                monkeypatch) -> None:
    """The command-line path: a journal left by a failed commit is completed first; while a
    target still cannot be written, make says so in one line and keeps the journal."""
    b, stage, files = staged
    _failing_replace(monkeypatch, lambda s, d, n: d.endswith("figures/c.csv")
                     or (d.endswith("figures/a.csv") and ".backup" in s))
    with pytest.raises(b.errors.CommitError):
        b.commit.commit(b.paths, files, [], stage, "new manifest\n")
    monkeypatch.undo()
    (repo / "notebooks" / "00-a.ipynb").unlink()     # nothing to run after the commit
    (repo / "figures" / "c.csv").unlink()
    (repo / "figures" / "c.csv").mkdir()            # a target that cannot be replaced by a file
    (repo / "figures" / "c.csv" / "x").write_text("")
    r = _build(repo)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "could not replace figures/c.csv" in r.stderr and "commit.json is kept" in r.stderr
    assert b.paths.journal.exists()
    shutil.rmtree(repo / "figures" / "c.csv")
    # The journal is completed before anything else; what the run does next (validation, the
    # gallery) is the usual build, tested elsewhere: stop it there.
    env = {k: v for k, v in os.environ.items() if k != "DEBAO_AUDIT_OUTPUT"}
    proc = subprocess.Popen([PY, *BUILD], cwd=repo, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    first = proc.stdout.readline()
    proc.kill()
    proc.wait(timeout=60)
    proc.stdout.close()
    assert "completed an interrupted commit (3 files)" in first, first
    assert [(repo / f"figures/{n}.csv").read_text() for n in "abc"] == ["new a\n", "new b\n",
                                                                        "new c\n"]
    assert (repo / "build-manifest.json").read_text() == "new manifest\n"
    assert not b.paths.journal.exists()


# --------------------------------------------------------------------------------------------
# Every failure is one line: the output setting, a full disk, an unexpected error
# --------------------------------------------------------------------------------------------

def test_an_output_directory_inside_the_checkout_is_refused(repo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DEBAO_AUDIT_OUTPUT"}
    r = subprocess.run([PY, *BUILD], cwd=repo, capture_output=True, text=True,
                       env={**env, "DEBAO_AUDIT_OUTPUT": str(repo / "data")}, timeout=60)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "DEBAO_AUDIT_OUTPUT: expected the checkout itself or a directory outside it" in r.stderr
    assert not (repo / "data" / ".build").exists()


@pytest.mark.parametrize("error, says", [
    (OSError(28, "No space left on device", "/x/.build/stage-1/figures/a.png"),
     "build: failed: the disk is full writing /x/.build/stage-1/figures/a.png; no output was "
     "changed"),
    (RuntimeError("Kernel died before replying\n" + "  File x, line 1\n" * 200),
     "build: failed: RuntimeError: Kernel died before replying File x, line 1"),
])
def test_a_failure_while_building_is_one_line(repo: Path, monkeypatch, capsys, error,
                                               says) -> None:
    monkeypatch.delenv("DEBAO_AUDIT_OUTPUT", raising=False)
    b = _runner(repo)

    def fail(*a, **k):
        raise error

    monkeypatch.setattr(b.main, "_build", fail)
    monkeypatch.setattr(b.main, "validate", lambda paths, state: None)
    assert b.main.main([]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and err.startswith(says), err
    assert len(err) < 400 and "Traceback" not in err


def test_a_site_that_cannot_be_written_is_one_line(capsys) -> None:
    """`make site` where the site cannot go (as on a read-only checkout): one line naming the
    path, no traceback (/proc stands in: nothing can be created there, even by root;
    tools/readonly_test.sh runs `make site` on a really read-only checkout)."""
    site = importlib.import_module("tools.build_site")
    assert site.main(["--out", "/proc/debao/site"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("site: cannot write /proc/debao"), err


# --------------------------------------------------------------------------------------------
# After a failure: the other kernels are stopped by signal, never through their zmq objects
# --------------------------------------------------------------------------------------------

class _Manager:
    """Stands in for a step's KernelManager: a real child process, and zmq clean-up that must
    not be called from the main thread (it belongs to the step's thread)."""

    def __init__(self, tmp: Path) -> None:
        from types import SimpleNamespace

        self.provisioner = SimpleNamespace(process=subprocess.Popen(
            [PY, "-c", "import time; time.sleep(60)"]))
        self.connection = tmp / "kernel.json"
        self.connection.write_text("{}")
        self.zmq_touched = False

    def cleanup_connection_file(self) -> None:
        self.connection.unlink(missing_ok=True)

    def cleanup_ipc_files(self) -> None:
        pass

    def cleanup_resources(self, restart: bool = False) -> None:
        self.zmq_touched = True      # destroys the zmq context: blocks if a socket is in use

    def request_shutdown(self, restart: bool = False) -> None:
        self.zmq_touched = True


def test_killing_the_kernels_uses_signals_and_files_only(repo: Path, tmp_path: Path,
                                                        monkeypatch) -> None:
    """The rare hang of a failing build (issue 16): the main thread released a running step's
    zmq context (KernelManager.cleanup_resources), whose Context.term waited for ever on the
    sockets the step's thread still held, or libzmq aborted (``pfd.revents & POLLIN``)."""
    b = _runner(repo)
    km = _Manager(tmp_path)
    audit = subprocess.Popen([PY, "-c", "import time; time.sleep(60)"])   # a case step's
    monkeypatch.setattr(b.runner, "_KERNELS", [km])
    monkeypatch.setattr(b.runner, "_PROCESSES", [audit])
    try:
        b.runner._kill_kernels()
        assert km.provisioner.process.poll() is not None, "the kernel process was killed"
        assert audit.poll() is not None, "the case audit was killed"
        assert not km.connection.exists(), "its connection file removed"
        assert not km.zmq_touched, "its zmq objects are left to its own thread"
    finally:
        for proc in (km.provisioner.process, audit):
            proc.kill()
            proc.wait()


def test_the_first_failure_is_the_one_named(repo: Path, monkeypatch) -> None:
    """Every step's failure is reported as it happens (a case's too, not only a notebook
    cell's); a step stopped because of another's failure never is."""
    b = _runner(repo)
    monkeypatch.setattr(b.runner, "_FAILURES", [])

    def raising(e: BaseException):
        def step():
            raise e
        return step

    cause = b.errors.BuildError("cases/x: the audit failed: boom")
    later = b.errors.BuildError("notebooks/01-b.ipynb: cell 2 failed: RuntimeError: x")
    for e in (cause, b.errors.Stopped("notebooks/00-a.ipynb: stopped, another step failed"), later):
        with pytest.raises(type(e)):
            b.runner._timed(raising(e))
    assert b.runner._FAILURES == [cause, later]


# --------------------------------------------------------------------------------------------
# Every path checked before anything happens (issue 22)
# --------------------------------------------------------------------------------------------

def _dep_record(deps: dict[str, str]) -> dict:
    record = {"source": "0" * 64, "deps": deps, "outputs": {}}
    record["check"] = _digest(json.dumps(record, sort_keys=True).encode())
    return record


@pytest.mark.parametrize("dep", ["/dev/zero", "../outside.txt", "data/../../outside.txt",
                                 "link/zero"])
def test_a_manifest_dep_outside_the_checkout_is_refused(repo: Path, dep: str) -> None:
    """deps["/dev/zero"] with a recomputed check once drove the build to 18.5 GB."""
    (repo / "link").symlink_to("/dev", target_is_directory=True)
    (repo / "build-manifest.json").write_text(json.dumps(
        {"steps": {"notebooks/00-a.ipynb": _dep_record({dep: "0" * 64})}}))
    before = _snapshot(repo)
    r = _build(repo)
    assert r.returncode == 2, r.stdout + r.stderr
    line = r.stderr.strip()
    assert "\n" not in line and repr(dep) in line and "refusing to run" in line, r.stderr
    assert _snapshot(repo) == before


def test_a_fifo_dep_is_never_opened(repo: Path) -> None:
    """A FIFO among the inputs counts as changed; it is not read (that would hang)."""
    b = load_runner(repo).manifest
    os.mkfifo(repo / "data" / "pipe")
    assert b.file_hash(repo / "data" / "pipe") is None
    assert b.file_hash(Path("/dev/zero")) is None


@pytest.mark.parametrize("link", [".build", "data/processed", "figures"])
def test_a_symlinked_build_or_output_directory_is_refused_first(repo: Path, tmp_path: Path,
                                                                link: str) -> None:
    """Nothing is deleted or written through the link: not the foreign directory's files, not
    a lock, not a staging directory."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / ".kept.tmp").write_text("someone's")
    (foreign / "stage-1").mkdir()
    target = repo / link
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(foreign, target_is_directory=True)
    r = _build(repo)
    assert r.returncode == 2 and "symbolic link" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in foreign.iterdir()) == [".kept.tmp", "stage-1"]


def test_an_output_directory_that_is_not_ours_is_refused(repo: Path, tmp_path: Path) -> None:
    """DEBAO_AUDIT_OUTPUT at someone's directory: its README.md and .session.tmp survive."""
    env = {k: v for k, v in os.environ.items() if k != "DEBAO_AUDIT_OUTPUT"}
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "README.md").write_text("mine")
    (theirs / ".session.tmp").write_text("mine")
    r = subprocess.run([PY, *BUILD], cwd=repo, capture_output=True, text=True,
                       env={**env, "DEBAO_AUDIT_OUTPUT": str(theirs)}, timeout=60)
    assert r.returncode == 2 and "a previous output of the build" in r.stderr, r.stderr
    assert sorted(p.name for p in theirs.iterdir()) == [".session.tmp", "README.md"]
    assert (theirs / "README.md").read_text() == "mine"
