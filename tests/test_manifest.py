"""The committed build manifest vouches for the committed outputs: `make` on a fresh clone runs
nothing.  Fails when outputs, notebooks or their inputs were committed without running `make`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build_module():
    spec = importlib.util.spec_from_file_location("_build_runner", ROOT / "tools" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_the_committed_manifest_matches_the_checkout() -> None:
    b = _build_module()
    state = b.load_state()
    stale = []
    for nb in [*sorted(b.NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")),
               *sorted((b.NOTEBOOK_DIR / "solutions").glob("[0-9][0-9]-*.ipynb"))]:
        name = str(nb.relative_to(ROOT))
        if not b.up_to_date(state["steps"].get(name), b.notebook_source_hash(nb)):
            stale.append(name)
    gallery = b.file_hash(ROOT / "tools" / "write_gallery.py") or ""
    if not b.up_to_date(state["steps"].get("gallery"), gallery):
        stale.append("gallery")
    assert not stale, f"build-manifest.json does not vouch for {stale}: run `make` and commit"
    assert state.get("validated") == b.tree_hash(b.VALIDATION_INPUTS), "run `make` and commit"
