"""The steps and what each may write: step discovery (the notebooks, the case folders, the
gallery) and the declared output set, every path checked before anything is done."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from ..paths import Paths
from .errors import BuildError, rel_out

#: What the gallery step writes: the pages whose blocks tools/write_gallery.py renders.
GALLERY_OUTPUTS = ("README.md", "docs/design.md", "docs/figures.md")
#: Files every step depends on besides what it reads: the pinned environment and this runner
#: (the ``tools.build`` package and the paths it is given).
ALWAYS = ("requirements.lock", "tools/__init__.py", "tools/paths.py",
          *sorted(f"tools/build/{p.name}" for p in Path(__file__).parent.glob("*.py")))
#: Committed output locations (relative to the output root); reading these from a step is an
#: undeclared dependency between notebooks.
OUTPUT_DIRS = ("figures", "data/processed")
#: Where a killed figure save or CSV write may have left a temporary file.
TEMP_GLOBS = ("figures/.*.tmp", "data/processed/.*.tmp", "notebooks/.*.tmp", ".*.tmp")
OUTPUT_MODE = 0o644
#: Inputs of the validation pass.
VALIDATION_INPUTS = ("data", "src/debao_audit", "src/debao_case", "requirements.lock")

#: A step is a notebook (by its path), a case folder other than data/ (``cases/<slug>``: its
#: audit) or the gallery.
STEP_NAME = re.compile(r"notebooks/(?:solutions/)?[0-9][0-9]-[A-Za-z0-9_.-]+\.ipynb")
CASE_STEP = re.compile(r"cases/[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SAFE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")


# --------------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------------

def notebooks(paths: Paths) -> list[Path]:
    """The notebook steps: ``notebooks/NN-*.ipynb``, then the worked solutions."""
    return [*sorted(paths.notebooks.glob("[0-9][0-9]-*.ipynb")),
            *sorted((paths.notebooks / "solutions").glob("[0-9][0-9]-*.ipynb"))]


def case_folders(paths: Paths) -> list[Path]:
    """Every case folder besides this article's (``data/``): ``cases/<slug>/case.json``."""
    return sorted(p.parent for p in paths.cases.glob("*/case.json")) if paths.cases.is_dir() else []


def case_inputs(paths: Paths, folder: Path) -> list[str]:
    """What a case's audit reads: the case folder, the package (engine and case code), the
    fonts, and the build's own inputs."""
    root = paths.root
    files = [*(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
             *(p for p in (root / "src").rglob("*.py") if "__pycache__" not in p.parts),
             *(p for p in (root / "fonts").glob("*.otf"))]
    return sorted({*ALWAYS, *(str(p.relative_to(root)) for p in files)})


def case_committed(paths: Paths, folder: Path) -> bool:
    """Whether ``make`` may trust the case's code: its module file is committed in this
    checkout (tracked by git, unchanged).  Any other case's code runs only with DEBAO_TRUST."""
    try:
        spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    module = spec.get("module") if isinstance(spec, dict) else None
    if not isinstance(module, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", module):
        return False
    rel = str((folder / module).relative_to(paths.root))
    try:
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "--", rel], cwd=paths.root,
                                 capture_output=True, timeout=30).returncode == 0
        clean = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", rel], cwd=paths.root,
                               capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    return tracked and clean


def gone(paths: Paths, name: str) -> bool:
    """Whether the recorded step ``name`` no longer exists (its outputs then go)."""
    if name == "gallery":
        return False
    if CASE_STEP.fullmatch(name):
        return not (paths.root / name / "case.json").is_file()
    return not (paths.root / name).exists()


def stage_of(stage: Path, name: str) -> Path:
    """Each step's own staging directory."""
    if name == "gallery":
        return stage / "gallery"
    if CASE_STEP.fullmatch(name):
        return stage / f"case-{name.split('/', 1)[1]}"
    return stage / Path(name).stem


# --------------------------------------------------------------------------------------------
# The declared output set: the only paths the build ever writes, renames or deletes
# --------------------------------------------------------------------------------------------

def output_problem(paths: Paths, step: str, rel: object) -> str | None:
    """Why ``rel`` is not an output ``step`` may write (None: it may).

    A notebook step writes its own executed notebook and files under ``figures/`` and
    ``data/processed/``; the gallery step writes ``GALLERY_OUTPUTS``.  The path must be relative and
    normal (no ``..``, no ``.``, no empty or hidden parts), and its directory must resolve, symlinks
    followed, to the same place under the output root: never an input, never outside."""
    if not isinstance(rel, str):
        return "a relative path (a string)"
    parts = rel.split("/")
    if not rel or rel.startswith("/") or not all(_SAFE_PART.fullmatch(p) for p in parts):
        return "a normal relative path (no '..', '.', leading '/', hidden or empty parts)"
    if step == "gallery":
        allowed = rel in GALLERY_OUTPUTS
        where = " or ".join(GALLERY_OUTPUTS)
    elif CASE_STEP.fullmatch(step):
        slug = step.split("/", 1)[1]
        allowed = (len(parts) > 4 and parts[:4] == ["data", "processed", "cases", slug]) or (
            len(parts) > 3 and parts[:3] == ["figures", "cases", slug])
        where = f"a file under data/processed/cases/{slug}/ or figures/cases/{slug}/"
    else:
        allowed = rel == step or (len(parts) > 1 and parts[0] == "figures") or (
            len(parts) > 2 and parts[:2] == ["data", "processed"])
        where = f"{step} itself, or a file under {' or '.join(d + '/' for d in OUTPUT_DIRS)}"
    if not allowed:
        return where
    out = paths.out
    target = out / rel
    try:
        inside = target.parent.resolve().is_relative_to(out)
        if inside and rel in GALLERY_OUTPUTS:  # its own directory, not one a symlink names
            inside = target.parent.resolve() == out / Path(rel).parent
        elif inside and rel != step:
            inside = any(target.parent.resolve().is_relative_to(out / d) for d in OUTPUT_DIRS)
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        return f"{where}, whose directory is inside {out} (symlinks followed)"
    return None


def check_outputs(paths: Paths, step: str, rels, what: str) -> None:
    """Refuse (one line, nothing done) when ``step`` names an output outside the declared set."""
    if step != "gallery" and not (isinstance(step, str) and (
            STEP_NAME.fullmatch(step) or CASE_STEP.fullmatch(step))):
        raise BuildError(f"{what}: expected steps named 'gallery', notebooks/NN-name.ipynb or "
                         f"cases/SLUG; got {step!r}; refusing to run")
    for rel in rels:
        problem = output_problem(paths, step, rel)
        if problem is not None:
            raise BuildError(f"{what}, step {step!r}: expected an output path: {problem}; "
                             f"got {rel!r}; refusing to run")


def check_deps(paths: Paths, step: str, deps: object, what: str) -> None:
    """A step's recorded inputs are files of the checkout: normal relative paths whose directory
    resolves inside it (never a device such as /dev/zero, never outside; a FIFO or an oversized
    file is never opened: :func:`tools.build.manifest.file_hash`)."""
    if not isinstance(deps, dict):
        raise BuildError(f"{what}, step {step!r}, 'deps': expected an object of path: sha256; "
                         f"got {type(deps).__name__}; refusing to run")
    root = paths.root.resolve()
    for rel in deps:
        parts = rel.split("/") if isinstance(rel, str) else []
        ok = bool(parts) and not rel.startswith("/") and all(
            _SAFE_PART.fullmatch(p) or p in (".build",) for p in parts)
        if ok:
            try:
                ok = (paths.root / rel).resolve().is_relative_to(root)
            except (OSError, RuntimeError):
                ok = False
        if not ok:
            raise BuildError(f"{what}, step {step!r}: expected an input path: a file of the "
                             f"checkout (a normal relative path, inside it, symlinks followed); "
                             f"got {rel!r}; refusing to run")


def check_paths(paths: Paths) -> None:
    """Every place the build writes, checked before anything is done (no lock, no clean-up, no
    staging yet): ``.build/``, the output directories and every directory and file under them,
    the manifest and the README are no symbolic links; an output directory given by
    DEBAO_AUDIT_OUTPUT is absent, empty, or a previous output of the build (its manifest)."""
    out = paths.out
    if paths.elsewhere:
        given = Path(paths.given or out)
        if given.is_symlink():
            raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected a directory, not a symbolic link; "
                             f"got {str(given)!r} -> {os.readlink(given)}")
        if out.exists():
            if not out.is_dir():
                raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected a directory; got {str(out)!r}, "
                                 "a file")
            entries = sorted(p.name for p in out.iterdir())
            ours = paths.manifest.is_file() and not paths.manifest.is_symlink()
            if entries and not ours:
                raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected an empty directory or a previous "
                                 f"output of the build (with its build-manifest.json); got "
                                 f"{str(out)!r}, holding {len(entries)} other entries, e.g. "
                                 f"{entries[0]!r}")
    for rel in (".build", "build-manifest.json", "README.md", "notebooks",
                "notebooks/solutions", "figures", "data", "data/processed"):
        p = out / rel
        if p.is_symlink():
            raise BuildError(f"{rel_out(out, p)}: expected a {'file' if '.' in rel[1:] else 'directory'}"
                             f" of the checkout's outputs, not a symbolic link (to "
                             f"{os.readlink(p)}); refusing to run")
    for rel in (".build", *OUTPUT_DIRS):
        top = out / rel
        if not top.is_dir():
            continue
        for here, dirs, files in os.walk(top):
            for name in (*dirs, *files):
                p = Path(here) / name
                if p.is_symlink():
                    raise BuildError(f"{rel_out(out, p)}: expected a file or directory of the "
                                     f"outputs, not a symbolic link (to {os.readlink(p)}); "
                                     "refusing to run")
