"""A really full disk: ``make`` (tools/build/) and ``make site`` (tools/build_site.py) writing
into a small tmpfs that runs out of space.

test_build_safety.py injects ``OSError(28, ...)``; here nothing is injected.  A tmpfs of a few
MiB is mounted (as root; elsewhere the tests skip, saying why) and the build's outputs are sent
to it (``DEBAO_AUDIT_OUTPUT``, as ``DEBAO_AUDIT_OUTPUT=/x make`` does).  Then the disk runs out
at each place a build writes: a notebook's own figure, the kernel's bookkeeping, the build's
staged files, the commit's new manifest, and the site.  Each time: exit code 2, exactly one line
on stderr naming the full disk and the path being written, every committed output (and
``build-manifest.json``, and the site) byte for byte as before, nothing left behind in
``.build/``; and once space is freed (a bigger mount, or a filler file deleted), the next run
completes.

Slow (real kernels, a real site build): ``make test-build`` runs it, and ``.ci/run``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from scratch_tools import BUILD, copy_runner

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PAGE = 4096
FULL = "the disk is full"


class Disk:
    """A tmpfs mounted at ``path`` (size in bytes), unmounted at the end of the test."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        path.mkdir(parents=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=755",
                            "debao-full-disk-test", str(path)], capture_output=True, text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({' '.join(r.stderr.split())}): the "
                        "full-disk tests need root with CAP_SYS_ADMIN (CI's container has it)")

    def resize(self, size: int) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(self.path)], check=True)

    def used(self) -> int:
        st = os.statvfs(self.path)
        return (st.f_blocks - st.f_bfree) * st.f_frsize

    def available(self) -> int:
        st = os.statvfs(self.path)
        return st.f_bavail * st.f_frsize

    def fill(self, leave: int) -> Path:
        """A filler file taking all but ``leave`` bytes (whole pages)."""
        filler = self.path / "filler"
        size = self.available() - leave
        assert size > 0, f"the disk has only {self.available()} bytes free"
        with open(filler, "wb") as f:
            for _ in range(size // PAGE):
                f.write(b"\0" * PAGE)
        assert self.available() == leave, (self.available(), leave)
        return filler

    def unmount(self) -> None:
        for _ in range(20):
            if subprocess.run(["umount", str(self.path)], capture_output=True).returncode == 0:
                return
            time.sleep(0.5)            # a kernel still closing its files
        subprocess.run(["umount", "-l", str(self.path)], check=True)


@pytest.fixture()
def disk(tmp_path: Path):
    if shutil.which("mount") is None:
        pytest.skip("no mount command: the full-disk tests mount a small tmpfs")
    if os.geteuid() != 0:
        pytest.skip("not root: the full-disk tests mount a small tmpfs (mount -t tmpfs), which "
                    "needs root; run them as root (CI does)")
    d = Disk(tmp_path / "disk", 1 << 20)
    yield d
    d.unmount()


# --------------------------------------------------------------------------------------------
# make (tools/build/): a scratch repository, its outputs on the small disk
# --------------------------------------------------------------------------------------------

CELL = """import os, pathlib
out = pathlib.Path(os.environ["DEBAO_AUDIT_OUTPUT"]) / "figures"
out.mkdir(parents=True, exist_ok=True)
(out / "{name}.csv").write_text("x\\n" * {lines})
print("{name} {lines}")"""

# Another program fills the disk while the notebook runs (FILL names its file): every later
# write, the kernel's and the build's, finds no room.
FILL = """import errno, os
if os.environ.get("FILL"):
    try:
        with open(os.environ["FILL"], "ab") as f:
            while True:
                f.write(b"\\0" * 4096)
                f.flush()
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise"""


def _notebook(path: Path, name: str, lines: int, fill: bool = False) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("**Question.** test"),
                nbformat.v4.new_code_cell(CELL.format(name=name, lines=lines))]
    if fill:
        nb.cells.append(nbformat.v4.new_code_cell(FILL))
    for i, c in enumerate(nb.cells):
        c.id = f"{name}{i:07d}"[:8]
    nbformat.write(nb, path)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    (r / "tools").mkdir(parents=True)
    (r / "notebooks").mkdir()
    (r / "docs").mkdir()
    copy_runner(r)
    for f in ("README.md", "docs/design.md",
              "docs/figures.md", "requirements.lock"):
        shutil.copy(ROOT / f, r / f)
    shutil.copytree(ROOT / "data", r / "data", ignore=shutil.ignore_patterns("processed"))
    _notebook(r / "notebooks" / "00-a.ipynb", "a", 1)
    _notebook(r / "notebooks" / "01-b.ipynb", "b", 1)
    return r


def _env(out: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DEBAO_AUDIT_OUTPUT": str(out), **extra}


def build(repo: Path, out: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, *BUILD], cwd=repo, env=_env(out, **env),
                          capture_output=True, text=True, timeout=150)


def snapshot(root: Path, skip: tuple[str, ...] = (".build", "filler")) -> dict[str, str]:
    """Every file under ``root`` (its hash), but the build's own state and the filler."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] not in skip}


def _one_line(r: subprocess.CompletedProcess) -> str:
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2, r.stdout + r.stderr
    assert len(lines) == 1, f"expected one error line; got {len(r.stderr)} bytes:\n{r.stderr}"
    assert "Traceback" not in r.stdout + r.stderr and len(lines[0]) < 400, r.stderr
    assert FULL in lines[0], lines[0]
    return lines[0]


def _staged_bytes(repo: Path, out: Path, disk: Disk) -> int:
    """What the run about to happen stages on the disk: a run paused once every step is
    staged, before the commit (DEBAO_BUILD_PAUSE_AT), measured, then killed (tested to change
    nothing in test_build.py); its staging directory is removed as the next run would."""
    before = disk.used()
    proc = subprocess.Popen([PY, *BUILD], cwd=repo,
                            env=_env(out, DEBAO_BUILD_PAUSE_AT="staged"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "paused at staged" in line:
            break
    else:
        pytest.fail("the measuring run never reached the commit")
    staged = disk.used() - before
    proc.kill()
    proc.wait(timeout=60)
    proc.stdout.close()
    for p in (out / ".build").glob("stage-*"):
        shutil.rmtree(p)
    assert disk.used() == before
    return staged


# Where the disk runs out, and what the one line must name there (a regex after "writing").
WHERE = ["a notebook's figure", "the kernel's bookkeeping", "a staged file", "the new manifest"]


@pytest.mark.parametrize("where", WHERE)
def test_a_build_that_runs_out_of_disk_changes_nothing_and_the_next_completes(
        repo: Path, disk: Disk, where: str) -> None:
    out = disk.path / "out"
    first = build(repo, out)
    assert first.returncode == 0, first.stdout + first.stderr
    before = snapshot(out)
    manifest = (out / "build-manifest.json").read_bytes()

    env: dict[str, str] = {}
    filler = None
    if where == "a notebook's figure":
        # a figure of 2 MB on a disk of 1 MiB: the kernel's write fails in the cell
        _notebook(repo / "notebooks" / "00-a.ipynb", "a", 1_000_000)
        says = rf"notebooks/00-a\.ipynb: cell 1 failed: {FULL} \(No space left on device\) " \
               rf"writing under {re.escape(str(out))}; no output was changed"
    elif where == "the kernel's bookkeeping":
        # the cell fills the disk: the kernel's record of what it read cannot be written
        _notebook(repo / "notebooks" / "00-a.ipynb", "a", 2, fill=True)
        filler = disk.path / "filler"
        env = {"FILL": str(filler)}
        says = rf"notebooks/00-a\.ipynb: the build's bookkeeping code failed in the kernel: " \
               rf"{FULL} \(No space left on device\) writing " \
               rf"{re.escape(str(out))}/\.build/stage-\d+/00-a\.deps\.json; no output was changed"
    else:
        # the notebook runs; the build's own writes then find too little room: a few pages
        # short of what the run stages (a staged file is cut short), or exactly what it
        # stages (the commit's new manifest has no room)
        _notebook(repo / "notebooks" / "00-a.ipynb", "a", 2)
        staged = _staged_bytes(repo, out, disk)
        filler = disk.fill(staged - 4 * PAGE if where == "a staged file" else staged)
        says = rf"failed: {FULL} writing {re.escape(str(out))}/\.build/stage-\d+/" + (
            r"\S+" if where == "a staged file" else r"build-manifest\.json") + \
            "; no output was changed"
    r = build(repo, out, **env)
    line = _one_line(r)
    assert re.fullmatch(f"build: {says}", line), line
    # Nothing committed changed, half-way or at all; nothing of the run is left behind.
    assert snapshot(out) == before
    assert (out / "build-manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in (out / ".build").iterdir()) == ["lock"]

    # Space is freed: the next run completes (and cleans nothing it should not).
    if filler is not None:
        filler.unlink()
    else:
        disk.resize(16 << 20)
    r = build(repo, out)
    assert r.returncode == 0 and r.stderr == "", r.stdout + r.stderr
    assert "1 of 2 notebooks ran" in r.stdout, r.stdout
    lines = 1_000_000 if where == "a notebook's figure" else 2
    assert (out / "figures" / "a.csv").read_text() == "x\n" * lines
    assert (out / "figures" / "b.csv").read_text() == "x\n"
    assert sorted(p.name for p in (out / ".build").iterdir()) == ["lock"]
    again = build(repo, out)
    assert "0 of 2 notebooks ran" in again.stdout, again.stdout + again.stderr


# --------------------------------------------------------------------------------------------
# make site (tools/build_site.py): DEBAO_AUDIT_OUTPUT on the small disk
# --------------------------------------------------------------------------------------------

def site(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "tools.build_site"], cwd=ROOT,
                          env=_env(out, MPLBACKEND="Agg"), capture_output=True, text=True,
                          timeout=600)


def test_a_site_that_runs_out_of_disk_changes_nothing_and_the_next_completes(
        disk: Disk) -> None:
    """`DEBAO_AUDIT_OUTPUT=/x make site` with /x on a small disk: the committed figures and
    processed data copied there (what `make` would have built), the site built once; then the
    disk is filled but for 1 MiB (the site is about 12 MB) and the site rebuilt."""
    disk.resize(48 << 20)
    out = disk.path / "out"
    shutil.copytree(ROOT / "figures", out / "figures")
    shutil.copytree(ROOT / "data" / "processed", out / "data" / "processed")
    r = site(out)
    assert r.returncode == 0, r.stdout + r.stderr
    before = snapshot(out)
    assert any(k.startswith("site/") for k in before)

    filler = disk.fill(1 << 20)
    r = site(out)
    line = _one_line(r)
    assert re.fullmatch(rf"site: cannot write {re.escape(str(out))}/\S+ \({FULL}\); nothing was "
                        r"changed: .*", line), line
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["data", "figures", "site"], \
        "the half-built site is removed"

    filler.unlink()
    r = site(out)
    assert r.returncode == 0 and "public edition" in r.stdout, r.stdout + r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["data", "figures", "site"]
    after = snapshot(out)
    assert after.keys() == before.keys()
