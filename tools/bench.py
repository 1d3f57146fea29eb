"""``make bench``: time the build and the tests against a floor, in one run, as ratios.

The floor (issue 9) is what any notebook collection of this size pays: eight notebooks that only
import pandas and matplotlib, run under ``pytest --nbval-lax -n 2``.  Against it we time

- a no-change ``make`` (everything up to date),
- a full rebuild (``make rebuild``: every notebook re-executed and every output re-staged),
- a warm ``make test``.

Each is run once, in this order, on this machine; the ratios are what to compare between
machines.  ``BENCH_NOCHANGE``, ``BENCH_REBUILD`` and ``BENCH_TEST`` override the commands (used
to measure an older Makefile that has no ``rebuild`` target).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
FLOOR_NOTEBOOKS = 8


def _floor_notebooks(where: Path) -> None:
    """Eight executed notebooks that import pandas and matplotlib and print one line."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    for i in range(FLOOR_NOTEBOOKS):
        nb = nbformat.v4.new_notebook()
        # one cell each: plain ``-n 2`` may send a notebook's cells to different workers
        nb.cells = [nbformat.v4.new_code_cell("import pandas as pd\nimport matplotlib.pyplot as plt\n"
                                              f"print(pd.DataFrame({{'x': [{i}]}}).shape)")]
        nb.cells[0].id = f"{i:08x}"
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(where / f"k{i}"))
        NotebookClient(nb, km=km, kernel_name="python3").execute(cleanup_kc=True)
        nbformat.write(nb, where / f"floor_{i}.ipynb")
    (where / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")


def _time(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-3000:])
        raise SystemExit(f"bench: `{shlex.join(cmd)}` failed (exit {proc.returncode})")
    return elapsed


def main() -> None:
    env = dict(os.environ, MPLBACKEND="Agg")
    make = os.environ.get("MAKE", "make")
    steps = [
        ("no-change make", os.environ.get("BENCH_NOCHANGE", f"{make} --no-print-directory")),
        ("full rebuild", os.environ.get("BENCH_REBUILD", f"{make} --no-print-directory rebuild")),
        ("make test", os.environ.get("BENCH_TEST", f"{make} --no-print-directory test")),
    ]
    # Bring everything up to date first, so that the no-change run is what it says.
    _time(shlex.split(steps[0][1]), ROOT, env)
    with tempfile.TemporaryDirectory(prefix="debao-bench-") as tmp:
        _floor_notebooks(Path(tmp))
        floor = _time([PYTHON, "-m", "pytest", "-q", "--nbval-lax", "-n", "2", "."], Path(tmp), env)
    rows = [("floor (8 pandas+matplotlib notebooks, nbval-lax -n 2)", floor)]
    for name, cmd in steps:
        rows.append((f"{name} ({cmd})", _time(shlex.split(cmd), ROOT, env)))
    width = max(len(n) for n, _ in rows)
    print(f"{'step':<{width}}  {'seconds':>8}  {'x floor':>8}")
    for name, secs in rows:
        print(f"{name:<{width}}  {secs:8.2f}  {secs / floor:8.2f}")
    print(f"({os.cpu_count()} cores; one run each; load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
