"""The committed build manifest vouches for the committed outputs: `make` on a fresh clone runs
nothing.  Fails when outputs, notebooks or their inputs were committed without running `make`."""

from __future__ import annotations

from pathlib import Path

from tools.build import manifest as b
from tools.build.steps import VALIDATION_INPUTS, notebooks
from tools.paths import Paths

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_manifest_matches_the_checkout() -> None:
    paths = Paths.for_build()
    state = b.load_state(paths)
    stale = []
    for nb in notebooks(paths):
        name = str(nb.relative_to(ROOT))
        if not b.up_to_date(paths, state["steps"].get(name), b.notebook_source_hash(nb)):
            stale.append(name)
    gallery = b.file_hash(ROOT / "tools" / "write_gallery.py") or ""
    if not b.up_to_date(paths, state["steps"].get("gallery"), gallery):
        stale.append("gallery")
    assert not stale, f"build-manifest.json does not vouch for {stale}: run `make` and commit"
    assert state.get("validated") == b.tree_hash(paths, VALIDATION_INPUTS), "run `make` and commit"
