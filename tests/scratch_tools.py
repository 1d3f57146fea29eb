"""The build's tests on a scratch checkout: the runner (the ``tools`` package's build and the
files it imports) copied in, run there (``python -m tools.build``, cwd the scratch checkout) or
loaded in this process under a name of its own, so its paths are the scratch directory's."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
#: What a scratch checkout needs of tools/ to run the build.
RUNNER_FILES = ("tools/__init__.py", "tools/paths.py", "tools/write_gallery.py")
#: The command line of ``make`` there; -B: no __pycache__ in the scratch checkout (its snapshots
#: hold it to the build's own outputs).
BUILD = ["-B", "-m", "tools.build"]
_count = itertools.count()


def copy_runner(repo: Path) -> None:
    """The build's own files, into the scratch checkout ``repo``."""
    (repo / "tools").mkdir(parents=True, exist_ok=True)
    for f in RUNNER_FILES:
        shutil.copy(ROOT / f, repo / f)
    shutil.copytree(ROOT / "tools" / "build", repo / "tools" / "build",
                    ignore=shutil.ignore_patterns("__pycache__"))


def load_runner(repo: Path) -> SimpleNamespace:
    """The scratch checkout's build, imported here: ``.main`` (the command line and the run),
    ``.commit``, ``.runner``, ``.manifest``, ``.steps``, ``.errors`` and its ``.paths`` (a
    :class:`tools.paths.Paths` rooted at ``repo``)."""
    name = f"_scratch_tools_{next(_count)}"
    cached, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    spec = importlib.util.spec_from_file_location(
        name, repo / "tools" / "__init__.py", submodule_search_locations=[str(repo / "tools")])
    pkg = importlib.util.module_from_spec(spec)
    sys.modules[name] = pkg
    spec.loader.exec_module(pkg)  # type: ignore[union-attr]
    mods = {m: importlib.import_module(f"{name}.build.{m}")
            for m in ("__main__", "commit", "runner", "manifest", "steps", "errors")}
    paths_mod = importlib.import_module(f"{name}.paths")
    sys.dont_write_bytecode = cached
    return SimpleNamespace(main=mods["__main__"], commit=mods["commit"], runner=mods["runner"],
                           manifest=mods["manifest"], steps=mods["steps"], errors=mods["errors"],
                           paths=paths_mod.Paths.for_build(None))
