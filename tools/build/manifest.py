"""Dependency recording: content hashes of the inputs and outputs, and the committed manifest
(``build-manifest.json``) that vouches for each step, so a fresh clone whose outputs are
current runs nothing."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

from ..paths import Paths
from .errors import BuildError
from .steps import check_deps, check_outputs

_hashes: dict[Path, str | None] = {}

#: The largest file the build hashes (an input or an output); a larger one counts as changed.
HASH_MAX = 512 * 1024 * 1024


def file_hash(path: Path) -> str | None:
    """The sha256 of a regular file of at most HASH_MAX bytes (None: absent, not a regular
    file, e.g. a FIFO or a device, or too large: never opened)."""
    if path not in _hashes:
        try:
            st = path.stat()
            if not stat.S_ISREG(st.st_mode) or st.st_size > HASH_MAX:
                _hashes[path] = None
            else:
                _hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
            _hashes[path] = None
    return _hashes[path]


def forget(path: Path) -> None:
    """``path`` was just replaced: hash it again when next asked."""
    _hashes.pop(path, None)


def notebook_source_hash(path: Path) -> str:
    """The notebook's inputs: cell types, ids and sources (not outputs or counts)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [(c["cell_type"], c.get("id"), "".join(c["source"])) for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def tree_hash(paths: Paths, rels: tuple[str, ...]) -> str:
    root = paths.root
    h = hashlib.sha256()
    for rel in rels:
        p = root / rel
        files = sorted(q for q in p.rglob("*") if q.is_file() and "__pycache__" not in q.parts
                       and "processed" not in q.relative_to(root).parts) if p.is_dir() else [p]
        for q in files:
            h.update(f"{q.relative_to(root)}\0{file_hash(q)}\n".encode())
    return h.hexdigest()


def case_source_hash(paths: Paths, folder: Path) -> str:
    return tree_hash(paths, (str(folder.relative_to(paths.root)),))


def _record_check(record: dict) -> str:
    body = {k: v for k, v in record.items() if k != "check"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def load_state(paths: Paths) -> dict:
    """The manifest; a record whose checksum does not match (hand-edited, mixed by a merge) is
    dropped, and an unreadable manifest (e.g. merge conflict markers) counts as empty."""
    mname = paths.manifest.name
    try:
        state = json.loads(paths.manifest.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(state, dict):
        return {}
    steps = state.get("steps")
    # Every record, trusted or not, names only outputs of the declared set (a crafted or
    # corrupted manifest is refused, not half-obeyed: its checksum is easy to recompute).
    for name, r in (steps.items() if isinstance(steps, dict) else ()):
        outputs = r.get("outputs", {}) if isinstance(r, dict) else {}
        if not isinstance(outputs, dict):
            raise BuildError(f"{mname}, step {name!r}, 'outputs': expected an object of "
                             f"path: sha256; got {type(outputs).__mname_}; refusing to run")
        check_outputs(paths, name, outputs, mname)
        check_deps(paths, name, r.get("deps", {}) if isinstance(r, dict) else {}, mname)
    state["steps"] = {name: r for name, r in steps.items()
                      if isinstance(r, dict) and r.get("check") == _record_check(r)
                      } if isinstance(steps, dict) else {}
    return state


def manifest_text(state: dict) -> str:
    """The manifest, deterministically: sorted, one hash a line, each record with its checksum."""
    for record in state.get("steps", {}).values():
        record["check"] = _record_check(record)
    return json.dumps(state, indent=1, sort_keys=True) + "\n"


def up_to_date(paths: Paths, record: dict | None, source_hash: str) -> bool:
    if not record or record.get("source") != source_hash:
        return False
    for rel, digest in record["deps"].items():
        if file_hash(paths.root / rel) != digest:
            return False
    for rel, digest in record["outputs"].items():
        if file_hash(paths.out / rel) != digest:
            return False
    return True
