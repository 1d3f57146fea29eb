"""``make bench``: time the build, the tests and the set-up against floors, in one run, as ratios.

Two floors, each what any project of this kind pays on this machine at this moment:

- **the test floor**: as many trivial notebooks as ``make test`` executes (every notebook and
  worked solution: 16), each importing pandas, matplotlib and seaborn and drawing one small
  chart, run by pytest with the suite's own nbval options (``--nbval --nbval-current-env -n 2
  --dist loadscope``, strict).  Against it: a no-change ``make``, a full rebuild (``make
  rebuild``) and a warm ``make test``.  Target (issue 16): ``make test`` at most 2x.
- **the set-up floor**: a plain ``pip install jupyterlab pandas seaborn nbval`` (the design
  card's packages) into a new virtual environment.  Against it: ``make env`` into a new virtual
  environment (``VENV=<temporary>``: the lock installed exactly as a fresh clone would).  Both
  with every download cache off (``PIP_NO_CACHE_DIR``, ``UV_NO_CACHE``), as on a fresh machine.
  Target: at most 1.5x.

Each is run once, in this order; the ratios are what to compare between machines (the load
average is printed: other work on the machine slows both sides).  ``BENCH_ONLY=tests`` or
``BENCH_ONLY=setup`` runs one half.  ``BENCH_MAKEFILE`` times another Makefile's set-up;
``BENCH_NOCHANGE``, ``BENCH_REBUILD`` and ``BENCH_TEST``
override the commands (to measure an older Makefile).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from .paths import CHECKOUT

PYTHON = sys.executable
#: Each step's output, for a look afterwards (e.g. PYTEST_ADDOPTS=--durations=30 make bench).
LOGS = Path(tempfile.gettempdir()) / "debao-bench-logs"
#: The suite's nbval options (pyproject's addopts and the Makefile's PYTEST_ARGS).
NBVAL_OPTIONS = ["--nbval", "--nbval-current-env", "-n", "2", "--dist", "loadscope"]
#: The design card's packages: the set-up floor installs these with plain pip.
CARD_PACKAGES = ["jupyterlab", "pandas", "seaborn", "nbval"]

FLOOR_CELLS = [
    "import pandas as pd\nimport matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    "import seaborn as sns",
    "frame = pd.DataFrame({{'x': ['a', 'b'], 'n': [{i}, {i} + 1]}})\n"
    "fig, ax = plt.subplots()\nsns.barplot(frame, x='x', y='n', ax=ax)\nplt.close(fig)\n"
    "print(frame.shape)",
]


def suite_notebooks() -> list[Path]:
    """The notebooks ``make test`` executes (nbval collects every .ipynb under notebooks/)."""
    return sorted(p for p in (CHECKOUT / "notebooks").rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def _floor_notebooks(where: Path, n: int) -> None:
    """``n`` executed trivial notebooks (pandas, matplotlib, seaborn), stored with their outputs
    so that strict nbval compares them as it compares the suite's."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    sock = Path(tempfile.mkdtemp(prefix="dbb-", dir="/tmp" if os.access("/tmp", os.W_OK) else None))
    try:
        for i in range(n):
            nb = nbformat.v4.new_notebook()
            nb.cells = [nbformat.v4.new_code_cell(c.format(i=i)) for c in FLOOR_CELLS]
            for k, c in enumerate(nb.cells):
                c.id = f"{i:04x}{k:04x}"
            km = KernelManager(kernel_name="python3", transport="ipc", ip=str(sock / f"k{i}"))
            NotebookClient(nb, km=km, kernel_name="python3").execute(cleanup_kc=True)
            for c in nb.cells:
                c.pop("execution", None)
                c.metadata.pop("execution", None)
            nbformat.write(nb, where / f"floor_{i:02d}.ipynb")
    finally:
        shutil.rmtree(sock, ignore_errors=True)
    (where / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")


def _time(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    elapsed = time.perf_counter() - start
    LOGS.mkdir(exist_ok=True)
    (LOGS / (cmd[-1].replace("/", "_")[:40] + ".log")).write_text(proc.stdout, encoding="utf-8")
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-3000:])
        raise SystemExit(f"bench: `{shlex.join(cmd)}` failed (exit {proc.returncode})")
    return elapsed


def _table(title: str, floor_name: str, floor: float, rows: list[tuple[str, float]]) -> None:
    rows = [(floor_name, floor), *rows]
    width = max(len(n) for n, _ in rows)
    print(f"{title}\n{'step':<{width}}  {'seconds':>8}  {'x floor':>8}")
    for name, secs in rows:
        print(f"{name:<{width}}  {secs:8.2f}  {secs / floor:8.2f}")
    print(flush=True)


def bench_tests(env: dict[str, str]) -> None:
    make = os.environ.get("MAKE", "make")
    steps = [
        ("no-change make", os.environ.get("BENCH_NOCHANGE", f"{make} --no-print-directory")),
        ("full rebuild", os.environ.get("BENCH_REBUILD", f"{make} --no-print-directory rebuild")),
        ("make test", os.environ.get("BENCH_TEST", f"{make} --no-print-directory test")),
    ]
    # Bring everything up to date first, so that the no-change run is what it says.
    _time(shlex.split(steps[0][1]), CHECKOUT, env)
    n = len(suite_notebooks())
    with tempfile.TemporaryDirectory(prefix="debao-bench-") as tmp:
        _floor_notebooks(Path(tmp), n)
        floor_cmd = [PYTHON, "-m", "pytest", "-q", *NBVAL_OPTIONS, "."]
        # The floor is timed before and after the steps, and their mean is the floor: on a
        # shared machine the load changes within a run.
        before = _time(floor_cmd, Path(tmp), env)
        rows = [(f"{name} ({cmd})", _time(shlex.split(cmd), CHECKOUT, env)) for name, cmd in steps]
        after = _time(floor_cmd, Path(tmp), env)
    floor = (before + after) / 2
    _table("Build and tests", f"floor ({n} pandas+matplotlib+seaborn notebooks, "
           f"pytest {' '.join(NBVAL_OPTIONS)}; mean of {before:.1f} s before and {after:.1f} s "
           "after)", floor, rows)


def bench_setup(env: dict[str, str]) -> None:
    make = os.environ.get("MAKE", "make")
    cold = dict(env, PIP_NO_CACHE_DIR="1", UV_NO_CACHE="1")
    python = shutil.which("python3") or PYTHON
    with tempfile.TemporaryDirectory(prefix="debao-bench-env-") as tmp:
        plain, project = Path(tmp) / "plain", Path(tmp) / "project"
        floor = _time(["sh", "-c", f"{shlex.quote(python)} -m venv {plain} && {plain}/bin/python "
                       f"-m pip install --quiet {' '.join(CARD_PACKAGES)}"], CHECKOUT, cold)
        old = os.environ.get("BENCH_MAKEFILE")       # another Makefile's set-up, to compare
        cmd = [make, "--no-print-directory", *(["-f", old] if old else []), "env",
               f"VENV={project}"]
        setup = _time(cmd, CHECKOUT, cold)
    _table("Set-up (no download cache)",
           f"floor (venv + pip install {' '.join(CARD_PACKAGES)})", floor,
           [(f"fresh set-up ({shlex.join(cmd[:-1])} VENV=<new>)", setup)])


def main() -> None:
    # Like for like: the floor runs with the bytecode setting make test uses (the Makefile's
    # NO_RECOMPILE), so neither side recompiles its modules on every run.
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="")
    only = os.environ.get("BENCH_ONLY", "")
    if only in ("", "tests"):
        bench_tests(env)
    if only in ("", "setup"):
        bench_setup(env)
    print(f"({os.cpu_count()} cores; one run each; load average {os.getloadavg()[0]:.2f} "
          f"{os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f})")


if __name__ == "__main__":
    main()
