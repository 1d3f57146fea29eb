"""Execute notebooks in place, top to bottom, with clean, deterministic metadata.

Each notebook runs in its own directory with a fresh kernel of the current environment.  The
stored notebook keeps only what a reader needs: outputs, execution counts, the kernelspec
``python3`` and the language name; no timings, no versions, no widget state.  A notebook whose
content did not change is not rewritten, so ``make`` twice leaves ``git status`` clean.
A failing cell stops the build with the notebook's name and the error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata = nbformat.NotebookNode(
        kernelspec=nbformat.NotebookNode(KERNELSPEC),
        language_info=nbformat.NotebookNode(name="python"),
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    return nb


def run(path: Path, timeout: int = 600) -> bool:
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as e:
        raise SystemExit(f"{path}: a cell failed\n{e}") from None
    after = nbformat.writes(clean(nb)).rstrip("\n") + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: run_notebooks.py NOTEBOOK.ipynb ...")
    for p in map(Path, argv):
        changed = run(p)
        print(f"{p}: {'updated' if changed else 'unchanged'}")


if __name__ == "__main__":
    main(sys.argv[1:])
