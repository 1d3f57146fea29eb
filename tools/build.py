"""The build behind ``make``: validate the inputs, then bring every output up to date, all or
nothing.

The graph
    Each notebook is a build step.  Its inputs are its own cells' sources plus the files it
    really read when it last ran (recorded in the kernel by an audit hook: the package modules it
    imported, the data files, the fonts), plus ``requirements.lock`` and this file.  Its outputs
    are the files it wrote (figures, ``data/processed/``) and the executed notebook itself.  A
    step re-runs when an input's content changed (sha256, never mtimes) or when one of its
    committed outputs no longer has the bytes it wrote.  Every other case folder
    (``cases/<slug>/``, see ``debao_audit.case``) is a step too: its audit
    (``python -m debao_audit audit``) writes its tables under ``data/processed/cases/<slug>/``
    and its figures and page under ``figures/cases/<slug>/``; its inputs are the case folder,
    the package and the fonts.  The gallery (``tools/write_gallery.py``: the rendered blocks of
    the README and the docs pages, ``GALLERY_OUTPUTS``) is one more step, after the notebooks.
    No notebook reads another's outputs (checked on every run: reading a committed output is
    an error), so all steps that need to run run in parallel, one per core.

All or nothing
    Every step writes into its own directory under ``.build/stage-<pid>/`` (through the one output
    setting, ``DEBAO_AUDIT_OUTPUT``).  Only when every step succeeded are the changed files moved
    into place: each output to be replaced or deleted gets a backup (a hard link) in the staging
    directory, a journal of the moves is written (atomically), each file is renamed over its
    target (same file system, so each rename is atomic), the new manifest last, then the journal
    is removed.  A run that fails, is interrupted or killed before the journal exists changes
    nothing; one killed while moving is completed by the next run before it does anything else
    (SIGINT and SIGTERM are held off while moving).  A move that fails (an unwritable or
    immutable target) is rolled back from the backups: nothing changed; if even that fails, the
    journal and the staging directory are kept, the message names exactly the outputs that
    changed and those that did not, and the next run completes the commit (or says, in one line,
    why it still cannot).  Stale staging directories and temporary files left by killed runs
    are removed at the start of every run, once no journal needs them.

Confined to the outputs
    The build writes, renames and deletes only the declared output set: a notebook step its own
    executed notebook and files under ``figures/`` and ``data/processed/``, a case step files
    under its own ``data/processed/cases/<slug>/`` and ``figures/cases/<slug>/``, the gallery
    step ``README.md``, ``docs/design.md`` and ``docs/figures.md``, and the build's own
    ``build-manifest.json`` and ``.build/``.  Every path is checked (relative, normal, its
    directory resolved with symlinks followed) before anything is done: a manifest or journal
    naming anything else, or a notebook writing anything else, is refused with one line and
    nothing changes.

The manifest (committed)
    What each step last read and wrote, as content hashes, is kept in ``build-manifest.json``
    at the repository root, which is committed with the outputs: a fresh clone whose outputs are
    current runs nothing.  The runner trusts a step's record only when every hash in it matches
    the checkout (and the record's own checksum matches, so a line-wise merge that mixed two
    records is not trusted); otherwise the step runs.  It is written only when it changes, and
    only after a successful commit (a failed or killed run leaves it as it was, so the next run
    simply re-runs what it cannot vouch for).

Usage: ``tools/build.py [--force] [--jobs N]``.  Output: one line per notebook and a summary.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

# jsonschema (imported by nbformat) loads its optional IRI-format support when installed, which
# compiles ~40 grammars at import (seconds); nothing here validates IRIs.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

ROOT = Path(__file__).resolve().parents[1]
#: Where the outputs go: the checkout itself, or ``DEBAO_AUDIT_OUTPUT`` (see :func:`set_output`).
OUT = ROOT
OUT_R = OUT.resolve()
#: The build's own state (staging, journal, lock), beside the outputs (renames stay atomic).
STATE_DIR = OUT / ".build"
#: The committed manifest: per step, the hashes of its inputs and outputs (see the docstring).
STATE = OUT / "build-manifest.json"
JOURNAL = STATE_DIR / "commit.json"
LOCK = STATE_DIR / "lock"


def set_output(path: str | None) -> None:
    """Send every output (and the manifest and ``.build/``) under ``path`` instead of the
    checkout, laid out like it; the checkout is then only read.  A directory inside the
    checkout other than the checkout itself is refused (its outputs would mix with inputs)."""
    global OUT, OUT_R, STATE_DIR, STATE, JOURNAL, LOCK
    out = Path(path).resolve() if path else ROOT
    if out != ROOT.resolve() and out.is_relative_to(ROOT.resolve()):
        raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected the checkout itself or a directory "
                         f"outside it; got {path!r}, inside {ROOT}")
    OUT, OUT_R = out, out
    STATE_DIR, STATE = OUT / ".build", OUT / "build-manifest.json"
    JOURNAL, LOCK = STATE_DIR / "commit.json", STATE_DIR / "lock"
NOTEBOOK_DIR = ROOT / "notebooks"
README = ROOT / "README.md"
#: What the gallery step writes: the pages whose blocks tools/write_gallery.py renders.
GALLERY_OUTPUTS = ("README.md", "docs/design.md", "docs/figures.md")
#: Files every step depends on besides what it reads: the pinned environment and this runner.
ALWAYS = ("requirements.lock", "tools/build.py")
#: Committed output locations (relative to the output root); reading these from a step is an
#: undeclared dependency between notebooks.
OUTPUT_DIRS = ("figures", "data/processed")
#: Where a killed figure save or CSV write may have left a temporary file.
TEMP_GLOBS = ("figures/.*.tmp", "data/processed/.*.tmp", "notebooks/.*.tmp", ".*.tmp")
OUTPUT_MODE = 0o644
#: Inputs of the validation pass.
VALIDATION_INPUTS = ("data", "src/debao_audit", "src/debao_case", "requirements.lock")


class BuildError(Exception):
    pass


class Stopped(BuildError):
    """A step that stopped because another failed (never the cause to report)."""


# --------------------------------------------------------------------------------------------
# The declared output set: the only paths the build ever writes, renames or deletes
# --------------------------------------------------------------------------------------------

#: A step is a notebook (by its path), a case folder other than data/ (``cases/<slug>``: its
#: audit) or the gallery.
_STEP_NAME = re.compile(r"notebooks/(?:solutions/)?[0-9][0-9]-[A-Za-z0-9_.-]+\.ipynb")
_CASE_STEP = re.compile(r"cases/[A-Za-z0-9_][A-Za-z0-9_.-]*")
CASE_DIR = ROOT / "cases"
_SAFE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")


def output_problem(step: str, rel: object) -> str | None:
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
    elif _CASE_STEP.fullmatch(step):
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
    target = OUT / rel
    try:
        inside = target.parent.resolve().is_relative_to(OUT_R)
        if inside and rel in GALLERY_OUTPUTS:  # its own directory, not one a symlink names
            inside = target.parent.resolve() == OUT_R / Path(rel).parent
        elif inside and rel != step:
            inside = any(target.parent.resolve().is_relative_to(OUT_R / d) for d in OUTPUT_DIRS)
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        return f"{where}, whose directory is inside {OUT} (symlinks followed)"
    return None


def check_outputs(step: str, rels, what: str) -> None:
    """Refuse (one line, nothing done) when ``step`` names an output outside the declared set."""
    if step != "gallery" and not (isinstance(step, str) and (
            _STEP_NAME.fullmatch(step) or _CASE_STEP.fullmatch(step))):
        raise BuildError(f"{what}: expected steps named 'gallery', notebooks/NN-name.ipynb or "
                         f"cases/SLUG; got {step!r}; refusing to run")
    for rel in rels:
        problem = output_problem(step, rel)
        if problem is not None:
            raise BuildError(f"{what}, step {step!r}: expected an output path: {problem}; "
                             f"got {rel!r}; refusing to run")


def check_deps(step: str, deps: object, what: str) -> None:
    """A step's recorded inputs are files of the checkout: normal relative paths whose directory
    resolves inside it (never a device such as /dev/zero, never outside; a FIFO or an oversized
    file is never opened: :func:`file_hash`)."""
    if not isinstance(deps, dict):
        raise BuildError(f"{what}, step {step!r}, 'deps': expected an object of path: sha256; "
                         f"got {type(deps).__name__}; refusing to run")
    root = ROOT.resolve()
    for rel in deps:
        parts = rel.split("/") if isinstance(rel, str) else []
        ok = bool(parts) and not rel.startswith("/") and all(
            _SAFE_PART.fullmatch(p) or p in (".build",) for p in parts)
        if ok:
            try:
                ok = (ROOT / rel).resolve().is_relative_to(root)
            except (OSError, RuntimeError):
                ok = False
        if not ok:
            raise BuildError(f"{what}, step {step!r}: expected an input path: a file of the "
                             f"checkout (a normal relative path, inside it, symlinks followed); "
                             f"got {rel!r}; refusing to run")


def check_paths() -> None:
    """Every place the build writes, checked before anything is done (no lock, no clean-up, no
    staging yet): ``.build/``, the output directories and every directory and file under them,
    the manifest and the README are no symbolic links; an output directory given by
    DEBAO_AUDIT_OUTPUT is absent, empty, or a previous output of the build (its manifest)."""
    if OUT_R != ROOT.resolve():
        given = Path(os.environ.get("DEBAO_AUDIT_OUTPUT") or OUT)
        if given.is_symlink():
            raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected a directory, not a symbolic link; "
                             f"got {str(given)!r} -> {os.readlink(given)}")
        if OUT.exists():
            if not OUT.is_dir():
                raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected a directory; got {str(OUT)!r}, "
                                 "a file")
            entries = sorted(p.name for p in OUT.iterdir())
            ours = (OUT / "build-manifest.json").is_file() and not (
                OUT / "build-manifest.json").is_symlink()
            if entries and not ours:
                raise BuildError(f"DEBAO_AUDIT_OUTPUT: expected an empty directory or a previous "
                                 f"output of the build (with its build-manifest.json); got "
                                 f"{str(OUT)!r}, holding {len(entries)} other entries, e.g. "
                                 f"{entries[0]!r}")
    for rel in (".build", "build-manifest.json", "README.md", "notebooks",
                "notebooks/solutions", "figures", "data", "data/processed"):
        p = OUT / rel
        if p.is_symlink():
            raise BuildError(f"{_rel_out(p)}: expected a {'file' if '.' in rel[1:] else 'directory'}"
                             f" of the checkout's outputs, not a symbolic link (to "
                             f"{os.readlink(p)}); refusing to run")
    for rel in (".build", *OUTPUT_DIRS):
        top = OUT / rel
        if not top.is_dir():
            continue
        for here, dirs, files in os.walk(top):
            for name in (*dirs, *files):
                p = Path(here) / name
                if p.is_symlink():
                    raise BuildError(f"{_rel_out(p)}: expected a file or directory of the "
                                     f"outputs, not a symbolic link (to {os.readlink(p)}); "
                                     "refusing to run")


def _pause(phase: str) -> None:
    """Fault injection for tests/test_build.py: with DEBAO_BUILD_PAUSE_AT=<phase>, stop there
    (a test then kills the build)."""
    if os.environ.get("DEBAO_BUILD_PAUSE_AT") == phase:
        print(f"build: paused at {phase}", flush=True)
        time.sleep(600)


# --------------------------------------------------------------------------------------------
# Content hashes
# --------------------------------------------------------------------------------------------

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


def notebook_source_hash(path: Path) -> str:
    """The notebook's inputs: cell types, ids and sources (not outputs or counts)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [(c["cell_type"], c.get("id"), "".join(c["source"])) for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def tree_hash(rels: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for rel in rels:
        p = ROOT / rel
        files = sorted(q for q in p.rglob("*") if q.is_file() and "__pycache__" not in q.parts
                       and "processed" not in q.relative_to(ROOT).parts) if p.is_dir() else [p]
        for q in files:
            h.update(f"{q.relative_to(ROOT)}\0{file_hash(q)}\n".encode())
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# The manifest (committed: build-manifest.json)
# --------------------------------------------------------------------------------------------

def _record_check(record: dict) -> str:
    body = {k: v for k, v in record.items() if k != "check"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def load_state() -> dict:
    """The manifest; a record whose checksum does not match (hand-edited, mixed by a merge) is
    dropped, and an unreadable manifest (e.g. merge conflict markers) counts as empty."""
    try:
        state = json.loads(STATE.read_text(encoding="utf-8"))
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
            raise BuildError(f"{STATE.name}, step {name!r}, 'outputs': expected an object of "
                             f"path: sha256; got {type(outputs).__name__}; refusing to run")
        check_outputs(name, outputs, STATE.name)
        check_deps(name, r.get("deps", {}) if isinstance(r, dict) else {}, STATE.name)
    state["steps"] = {name: r for name, r in steps.items()
                      if isinstance(r, dict) and r.get("check") == _record_check(r)
                      } if isinstance(steps, dict) else {}
    return state


def manifest_text(state: dict) -> str:
    """The manifest, deterministically: sorted, one hash a line, each record with its checksum."""
    for record in state.get("steps", {}).values():
        record["check"] = _record_check(record)
    return json.dumps(state, indent=1, sort_keys=True) + "\n"


def up_to_date(record: dict | None, source_hash: str) -> bool:
    if not record or record.get("source") != source_hash:
        return False
    for rel, digest in record["deps"].items():
        if file_hash(ROOT / rel) != digest:
            return False
    for rel, digest in record["outputs"].items():
        if file_hash(OUT / rel) != digest:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Running one notebook into its staging directory
# --------------------------------------------------------------------------------------------

# Runs silently in the kernel before the first cell: records every file the notebook opens.
_RECORD = """
def _debao_record():
    import os, sys
    seen = set()
    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            seen.add(os.path.abspath(os.fsdecode(args[0])))
    sys.addaudithook(hook)
    return seen
_debao_seen = _debao_record()
del _debao_record
"""

# Runs silently after the last cell: writes the recorded paths (and imported modules) as JSON.
_DUMP = """
def _debao_dump(target):
    import json, sys
    files = set(_debao_seen)
    files.update(getattr(m, "__file__", None) or "" for m in list(sys.modules.values()))
    with open(target, "w", encoding="utf-8") as f:
        json.dump(sorted(p for p in files if p), f)
_debao_dump({target!r})
"""


def _font_cache_env() -> dict[str, str]:
    """The steps keep their font subsets in this build's own ``.build/font-cache/``, not in
    their stage (whose files are outputs) nor in a cache named by the caller (a build touches
    nothing outside its checkout and outputs); an empty DEBAO_FONT_CACHE (no cache) is kept."""
    if os.environ.get("DEBAO_FONT_CACHE") == "":
        return {}
    return {"DEBAO_FONT_CACHE": str(STATE_DIR / "font-cache")}


_IPC: Path | None = None
#: The kernels' socket directories: /tmp/dba<pid>-<random>/ (short whatever the checkout's path).
_IPC_PREFIX = "dba"


def _ipc_base() -> Path:
    return Path("/tmp") if os.access("/tmp", os.W_OK) else Path(tempfile.gettempdir())


def ipc_dir() -> Path:
    """This run's private directory for the kernels' Unix sockets (created on first use)."""
    global _IPC
    if _IPC is None:
        _IPC = Path(tempfile.mkdtemp(prefix=f"{_IPC_PREFIX}{os.getpid()}-", dir=_ipc_base()))
    return _IPC


def _clean_ipc_dirs() -> None:
    """Socket directories of this user's builds that are no longer running (killed ones)."""
    for p in _ipc_base().glob(f"{_IPC_PREFIX}*-*"):
        m = re.fullmatch(rf"{_IPC_PREFIX}(\d+)-\w+", p.name)
        with contextlib.suppress(OSError):
            if m and p.is_dir() and p.stat().st_uid == os.getuid() and not _alive(int(m.group(1))):
                shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _source_of(path: str) -> str:
    """A cached module's .pyc stands for its source file."""
    p = Path(path)
    if p.suffix == ".pyc" and p.parent.name == "__pycache__":
        return str(p.parent.parent / (p.name.split(".")[0] + ".py"))
    return path


def _clean(nb):
    import nbformat

    # language_info as the kernel reported it (run_notebook stores it): JupyterLab writes the
    # same on opening, so a stored minimal one made every notebook open as changed (issue 14)
    info = nb.metadata.get("language_info") or nbformat.NotebookNode(name="python")
    nb.metadata = nbformat.NotebookNode(
        kernelspec=nbformat.NotebookNode(name="python3", display_name="Python 3 (ipykernel)",
                                         language="python"),
        language_info=info,
    )
    for cell in nb.cells:
        for key in ("execution", "ExecuteTime", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            # How a cell's printing is cut into stream messages depends on timing (the kernel
            # flushes on a timer): join neighbouring chunks of one stream so the stored output
            # is the same on a busy machine.
            merged = []
            for out in cell.outputs:
                prev = merged[-1] if merged else None
                if (out.output_type == "stream" and prev is not None
                        and prev.output_type == "stream" and prev.name == out.name):
                    prev.text += out.text
                else:
                    merged.append(out)
            cell.outputs = merged
    return nb


_KERNELS: list = []
#: The first failure of any step, reported by its thread as it happens (before clean-up).
_FAILURES: list[BaseException] = []


def _failed(e: BaseException) -> None:
    if not isinstance(e, Stopped) and not any(f is e for f in _FAILURES):
        _FAILURES.append(e)


#: The case steps' audit processes (killed with the kernels after a failure).
_PROCESSES: list[subprocess.Popen] = []


def _kill_kernels() -> None:
    """Stop every kernel and case audit still running (after a failure or an interrupt),
    without waiting for its step.  Only signals and files: a kernel's zmq sockets and context belong to its step's
    thread, and closing them from here can block for ever (zmq's Context.term waits for the
    sockets that thread still holds; seen as the rare hang of a failing build) or abort the
    process (libzmq's ``pfd.revents & POLLIN`` assertion).  The step's thread, or the process
    exit, closes them."""
    procs = [getattr(km.provisioner, "process", None) for km in list(_KERNELS)]
    for proc in [*procs, *list(_PROCESSES)]:
        with contextlib.suppress(Exception):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(5)
    for km in list(_KERNELS):
        with contextlib.suppress(Exception):
            km.cleanup_connection_file()
        with contextlib.suppress(Exception):
            km.cleanup_ipc_files()


def _shutdown(km, client) -> None:
    """A polite shutdown request, no interrupt first (nbclient's cleanup interrupts the kernel,
    which then logs a KeyboardInterrupt to the terminal).  In the step's own thread: the client's
    channels are stopped before the manager's resources (its zmq context) are released."""
    with contextlib.suppress(Exception):
        if km.has_kernel:
            km.request_shutdown()
            km.finish_shutdown(waittime=10)
    with contextlib.suppress(Exception):
        if client.kc is not None:
            client.kc.stop_channels()
    with contextlib.suppress(Exception):
        km.cleanup_resources()


def _silent(client, code: str, path: Path, writing: Path | None = None) -> None:
    """Run the build's own code in the kernel; a failure is one line (never the reply itself:
    kilobytes of coloured traceback), a full disk named as such, with the file being written."""
    reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
    if reply is not None and reply["content"]["status"] == "ok":
        return
    content = reply["content"] if reply is not None else {}
    error = f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}".rstrip(": ")
    if "No space left on device" in error:
        error = _disk_full(writing or _named_in(error))
    raise BuildError(f"{path.relative_to(ROOT)}: the build's bookkeeping code failed in the "
                     f"kernel: {' '.join(error.split())[:300]}")


def _named_in(error: str) -> str | None:
    """The path an OSError's text names (``[Errno 28] No space left on device: '/x/y'``)."""
    m = re.search(r"No space left on device: '([^']+)'", error)
    return m.group(1) if m else None


def _disk_full(path: object = None) -> str:
    """A full disk, in words, with the file being written, or else the output directory when
    its disk is (nearly) full: one phrase for every place the build can run out of space."""
    if path is None:
        with contextlib.suppress(OSError):
            st = os.statvfs(OUT)
            if st.f_bavail * st.f_frsize < 1 << 20:
                return f"the disk is full (No space left on device) writing under {OUT}"
        return "the disk is full (No space left on device)"
    return f"the disk is full (No space left on device) writing {path}"


@contextlib.contextmanager
def _writing(path: Path):
    """An OSError while writing ``path`` names it (a failed write(), unlike open(), does not)."""
    try:
        yield
    except OSError as e:
        if e.filename is None:
            e.filename = str(path)
        raise


def run_notebook(path: Path, stage: Path, timeout: int = 600) -> dict:
    """Execute ``path`` with outputs going to ``stage``; returns its deps and outputs."""
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    stage.mkdir(parents=True)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # IPC transport: the kernel talks over Unix sockets, private to this user; it does not warn
    # ("Kernel is running over TCP without encryption") as TCP does.  The socket paths are
    # unique per step, in a short private directory (mode 700) outside the checkout: a socket
    # path may not exceed 107 bytes, and a checkout's path can be longer than that.
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(
        ipc_dir() / f"{path.stem[:2]}{'s' if path.parent.name == 'solutions' else ''}"))
    _KERNELS.append(km)
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            record_timing=False)
    deps_file = stage.parent / f"{path.stem}.deps.json"
    work = stage.parent / f"{path.stem}.work"      # a reader's own work (notebook 08's case)
    work.mkdir(exist_ok=True)
    env = dict(os.environ, DEBAO_AUDIT_OUTPUT=str(stage), DEBAO_AUDIT_WORK=str(work),
               MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1", **_font_cache_env())
    try:
        # The kernel's own stdout and stderr (not the cells' output, which comes as messages)
        # are not the build's: a kernel stopped after another step failed may print libzmq's
        # "Assertion failed: pfd.revents & POLLIN" as it goes, and the build says one line.
        with client.setup_kernel(env=env, cwd=str(path.parent), cleanup_kc=False,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            try:
                info = client.wait_for_reply(client.kc.kernel_info())
                nb.metadata["language_info"] = info["content"]["language_info"]
                _silent(client, _RECORD, path)
                try:
                    for index, cell in enumerate(nb.cells):
                        client.execute_cell(cell, index,
                                            execution_count=client.code_cells_executed + 1)
                except CellExecutionError as e:
                    raise BuildError(_cell_error(path, nb, e)) from None
                _silent(client, _DUMP.format(target=str(deps_file)), path, deps_file)
            except BaseException as e:
                _failed(e)     # reported now, before the kernel's clean-up, which may hang
                raise
    finally:
        _shutdown(km, client)
    if _FAILURES:            # another step failed meanwhile: nothing more is written
        raise Stopped(f"{path.relative_to(ROOT)}: stopped, another step failed")
    out = stage / path.relative_to(ROOT)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _writing(out):
        out.write_text(nbformat.writes(_clean(nb)).rstrip("\n") + "\n", encoding="utf-8")

    deps, stage_r = set(), stage.resolve()
    for p in json.loads(deps_file.read_text(encoding="utf-8")):
        p = Path(_source_of(p))
        if OUT_R != ROOT and any(p.resolve().is_relative_to(OUT_R / d) for d in OUTPUT_DIRS):
            raise BuildError(f"{path.relative_to(ROOT)} read {p}, an output: read outputs "
                             "through debao_audit.data.FIGURES/PROCESSED, never the built copy")
        try:
            rel = p.resolve().relative_to(ROOT)
        except ValueError:
            continue                                   # the environment: see requirements.lock
        if p.resolve().is_relative_to(stage_r) or rel.parts[0] in (".venv", ".build", ".git"):
            continue
        if not p.is_file():
            continue
        if any(rel.is_relative_to(d) for d in OUTPUT_DIRS):
            raise BuildError(f"{path.relative_to(ROOT)} read {rel}, an output: read outputs "
                             "through debao_audit.data.FIGURES/PROCESSED, never the committed copy")
        deps.add(str(rel))
    deps.discard(str(path.relative_to(ROOT)))
    deps.update(ALWAYS)
    outputs = sorted(str(q.relative_to(stage)) for q in stage.rglob("*") if q.is_file())
    return {"deps": sorted(deps), "outputs": outputs}


def _cell_error(path: Path, nb, e) -> str:
    """One paragraph: the notebook, the failing cell, the error (no colour codes, short)."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(e))
    last = [ln for ln in text.strip().splitlines() if ln.strip()]
    tail = last[-1] if last else "error"
    cell = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                 and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    where = f"cell {cell}" if cell is not None else "a cell"
    if "No space left on device" in text:
        tail = _disk_full(_named_in(tail))
    return f"{path.relative_to(ROOT)}: {where} failed: {tail}"


def run_gallery(stage: Path) -> dict:
    """The README and the docs pages with their rendered blocks rewritten, into ``stage``."""
    sys.path.insert(0, str(ROOT / "tools"))
    import write_gallery

    pages = {}
    for rel in GALLERY_OUTPUTS:
        try:
            text = (ROOT / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise BuildError(f"{rel}: expected a UTF-8 page with its rendered blocks; got "
                             f"{e.__class__.__name__}: {e}") from None
        try:
            pages[rel] = write_gallery.render_page(rel, text)
        except SystemExit as e:
            raise BuildError(str(e)) from None
    stage.mkdir(parents=True)
    for rel, new in pages.items():
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        with _writing(stage / rel):
            (stage / rel).write_text(new, encoding="utf-8")
    deps = sorted({*ALWAYS, "tools/write_gallery.py",
                   *(str(p.relative_to(ROOT)) for pkg in ("debao_audit", "debao_case")
                     for p in (ROOT / "src" / pkg).rglob("*.py")),
                   *(str(p.relative_to(ROOT)) for p in (ROOT / "data").rglob("*")
                     if p.is_file() and "processed" not in p.parts)})
    return {"deps": deps, "outputs": list(GALLERY_OUTPUTS)}


# --------------------------------------------------------------------------------------------
# Commit: journal, then renames
# --------------------------------------------------------------------------------------------


def case_folders() -> list[Path]:
    """Every case folder besides this article's (``data/``): ``cases/<slug>/case.json``."""
    return sorted(p.parent for p in CASE_DIR.glob("*/case.json")) if CASE_DIR.is_dir() else []


def case_inputs(folder: Path) -> list[str]:
    """What a case's audit reads: the case folder, the package (engine and case code), the
    fonts, and the build's own inputs."""
    files = [*(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
             *(p for p in (ROOT / "src").rglob("*.py") if "__pycache__" not in p.parts),
             *(p for p in (ROOT / "fonts").glob("*.otf"))]
    return sorted({*ALWAYS, *(str(p.relative_to(ROOT)) for p in files)})


def case_source_hash(folder: Path) -> str:
    return tree_hash((str(folder.relative_to(ROOT)),))


def case_committed(folder: Path) -> bool:
    """Whether ``make`` may trust the case's code: its module file is committed in this
    checkout (tracked by git, unchanged).  Any other case's code runs only with DEBAO_TRUST."""
    try:
        spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    module = spec.get("module") if isinstance(spec, dict) else None
    if not isinstance(module, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", module):
        return False
    rel = str((folder / module).relative_to(ROOT))
    try:
        tracked = subprocess.run(["git", "ls-files", "--error-unmatch", "--", rel], cwd=ROOT,
                                 capture_output=True, timeout=30).returncode == 0
        clean = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", rel], cwd=ROOT,
                               capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    return tracked and clean


def run_case(folder: Path, stage: Path, timeout: int = 600) -> dict:
    """Audit the case in ``folder`` (``python -m debao_audit audit``) into ``stage``: its tables
    under ``data/processed/cases/<slug>/``, its figures and page under ``figures/cases/<slug>/``.
    """
    slug = folder.name
    stage.mkdir(parents=True)
    tables = stage / "data" / "processed" / "cases" / slug
    figs = stage / "figures" / "cases" / slug
    env = dict(os.environ, DEBAO_AUDIT_OUTPUT=str(stage), MPLBACKEND="Agg", **_font_cache_env())
    trust = ["--trust"] if case_committed(folder) else []
    proc = subprocess.Popen([sys.executable, "-m", "debao_audit", "audit", str(folder),
                             "--tables", str(tables), "--figures", str(figs), *trust],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    _PROCESSES.append(proc)     # killed, like the kernels, when another step fails
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise BuildError(f"{folder.relative_to(ROOT)}: the audit took more than {timeout} s")
    if _FAILURES:
        raise Stopped(f"{folder.relative_to(ROOT)}: stopped, another step failed")
    if proc.returncode != 0:
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        raise BuildError(f"{folder.relative_to(ROOT)}: the audit failed: "
                         f"{lines[-1] if lines else f'exit status {proc.returncode}'}")
    for marker in stage.rglob(".debao-audit.json"):  # the audit's own note, not an output
        marker.unlink()
    outputs = sorted(str(q.relative_to(stage)) for q in stage.rglob("*") if q.is_file())
    return {"deps": case_inputs(folder), "outputs": outputs}


def _stage_of(stage: Path, name: str) -> Path:
    """Each step's own staging directory."""
    if name == "gallery":
        return stage / "gallery"
    if _CASE_STEP.fullmatch(name):
        return stage / f"case-{name.split('/', 1)[1]}"
    return stage / Path(name).stem


@contextlib.contextmanager
def signals_held():
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CommitError(BuildError):
    """A commit failed part-way; the message says exactly which outputs changed."""


def _journal_target_problem(dst: object) -> str | None:
    if dst == STATE.name:
        return None
    if not isinstance(dst, str):
        return "a relative path (a string)"
    step = dst if _STEP_NAME.fullmatch(dst) else "gallery" if dst in GALLERY_OUTPUTS else "notebooks/00-x.ipynb"
    return output_problem(step, dst)


def _read_journal() -> list[list]:
    """The journal's moves [source or None, output, backup or None], each checked: sources and
    backups inside .build/, targets in the declared output set (or the manifest)."""
    try:
        moves = json.loads(JOURNAL.read_text(encoding="utf-8"))["moves"]
        assert isinstance(moves, list) and all(isinstance(m, list) and len(m) == 3 for m in moves)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise BuildError(f"{JOURNAL.relative_to(OUT)}: expected a commit journal; got an unreadable "
                         "file (remove it, then run make: the outputs are checked against "
                         "build-manifest.json and re-run where they differ)") from None
    state_r = STATE_DIR.resolve()
    for src, dst, backup in moves:
        problem = _journal_target_problem(dst)
        for p in (src, backup):
            if p is not None and not (isinstance(p, str)
                                      and Path(p).resolve().is_relative_to(state_r)):
                problem = problem or f"a staged file inside {STATE_DIR}"
                dst = p
        if problem is not None:
            raise BuildError(f"{JOURNAL.relative_to(OUT)}: expected {problem}; got {dst!r}; "
                             "refusing to run")
    return moves


def _move(src: str | None, dst: str, backup: str | None) -> bool:
    """One step of a commit: the staged file over its output, or the output to its backup (a
    deletion).  False when it was already done (a completed journal re-applied)."""
    target = OUT / dst
    if src is None:
        if not target.exists():
            return False
        Path(backup).parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, backup)
        return True
    if not os.path.exists(src):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(src, OUTPUT_MODE)
    os.replace(src, target)
    return True


def _undo(src: str | None, dst: str, backup: str | None) -> None:
    """Put back what one move replaced or deleted, keeping the new file in the staging
    directory (so the journal can still be completed later) and the backup."""
    target = OUT / dst
    if src is None:
        os.replace(backup, target)
        return
    if backup is None:
        os.replace(target, src)
        return
    _keep(target, Path(src))
    tmp = Path(backup + ".undo")
    tmp.unlink(missing_ok=True)
    _keep(Path(backup), tmp)
    os.replace(tmp, target)


def _keep(a: Path, b: Path) -> None:
    """A second name for ``a`` (a hard link; a copy where links are not possible)."""
    try:
        os.link(a, b)
    except OSError:
        shutil.copy2(a, b)


def apply_journal(rollback: bool = False) -> list[str]:
    """Carry out the journal's moves (the normal path, and after a kill); returns the outputs
    it changed.  If a move fails: with ``rollback``, the moves done are undone and the journal
    removed (CommitError: nothing changed); without, or if undoing fails too, the journal and
    its staged files are kept, so the next run can still complete it (CommitError naming what
    changed and what did not)."""
    moves = _read_journal()
    done: list[list] = []
    for move in moves:
        try:
            if _move(*move):
                done.append(move)
                _pause("commit")
        except OSError as e:
            failed = f"could not {'remove' if move[0] is None else 'replace'} {move[1]} ({_os_error(e)})"
            undone: list[list] = []
            if rollback:
                try:
                    for m in reversed(done):
                        _undo(*m)
                        undone.append(m)
                except OSError as e2:
                    failed += f", nor put back {m[1]} ({_os_error(e2)})"
                else:
                    JOURNAL.unlink()
                    _fsync_dir(STATE_DIR)
                    raise CommitError(f"{failed}; the {len(done)} outputs already replaced were "
                                      "put back: no output was changed") from None
            changed = [m[1] for m in done if m not in undone]
            pending = [m[1] for m in moves if m[1] not in changed]
            raise CommitError(f"{failed}; changed: {', '.join(changed) or 'none'}; not changed: "
                              f"{', '.join(pending)}; {JOURNAL.relative_to(OUT)} is kept: fix "
                              "the cause and run make again to complete it") from None
    JOURNAL.unlink()
    _fsync_dir(STATE_DIR)
    for m in moves:
        _hashes.pop(OUT / m[1], None)
    return [m[1] for m in done]


def _os_error(e: OSError) -> str:
    return f"{e.strerror or type(e).__name__}" if e.strerror else str(e) or type(e).__name__


def _backup(target: Path, backup: Path) -> str:
    backup.parent.mkdir(parents=True, exist_ok=True)
    _keep(target, backup)
    return str(backup)


def commit(staged: dict[str, Path], delete: list[str], stage: Path, manifest: str) -> list[str]:
    """Move the staged files that differ from their outputs into place, atomically each, with
    a journal so that a kill part-way is completed by the next run, and a backup of every
    output replaced or deleted (a hard link, in the staging directory) so that a failed move
    is rolled back.  The new manifest is the last move.  Returns the outputs changed."""
    moves: list[list] = []
    stage.mkdir(parents=True, exist_ok=True)
    backups = stage / ".backup"
    for rel, src in sorted(staged.items()):
        target = OUT / rel
        if file_hash(src) == file_hash(target) and target.stat().st_mode & 0o777 == OUTPUT_MODE:
            continue
        with open(src, "rb") as f:
            os.fsync(f.fileno())
        backup = _backup(target, backups / rel) if target.exists() else None
        moves.append([str(src), rel, None if backup is None else str(backup)])
    for rel in delete:
        if (OUT / rel).exists():
            moves.append([None, rel, str(backups / rel)])
    with contextlib.suppress(FileNotFoundError):
        if STATE.read_text(encoding="utf-8") == manifest:
            manifest = ""
    if not moves and not manifest:
        return []
    if manifest:
        staged_manifest = stage / STATE.name
        with _writing(staged_manifest):
            staged_manifest.write_text(manifest, encoding="utf-8")
        moves.append([str(staged_manifest), STATE.name,
                      _backup(STATE, backups / STATE.name) if STATE.exists() else None])
    with signals_held():
        tmp = JOURNAL.with_suffix(".tmp")
        with _writing(tmp), open(tmp, "w", encoding="utf-8") as f:
            json.dump({"moves": moves}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, JOURNAL)
        _fsync_dir(STATE_DIR)
        changed = apply_journal(rollback=True)
    return [rel for rel in changed if rel != STATE.name]


def clean_stale() -> None:
    _clean_ipc_dirs()
    for p in STATE_DIR.glob("stage-*"):
        shutil.rmtree(p, ignore_errors=True)
    STATE_DIR.joinpath("commit.tmp").unlink(missing_ok=True)
    for pattern in TEMP_GLOBS:
        for p in OUT.glob(pattern):
            if p.is_file():
                p.unlink()


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------

def validate(state: dict) -> None:
    """The one validation pass (``debao_audit.validate``), skipped when its inputs are unchanged
    since it last passed."""
    key = tree_hash(VALIDATION_INPUTS)
    if state.get("validated") == key:
        return
    from debao_audit import data, validate as v

    try:
        v.validate_all(ROOT / "data" / "datapackage.json")
    except data.DataError as e:
        raise BuildError(f"invalid input, nothing was built: {e}") from None
    state["validated"] = key


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="re-run every step")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        set_output(os.environ.get("DEBAO_AUDIT_OUTPUT"))
        check_paths()
    except BuildError as e:
        print(f"build: {e}; no output was changed", file=sys.stderr)
        return 2
    stage = STATE_DIR / f"stage-{os.getpid()}"
    start = time.perf_counter()
    keep_stage, lock = False, None
    try:
        try:
            OUT.mkdir(parents=True, exist_ok=True)
            STATE_DIR.mkdir(exist_ok=True)
            lock = open(LOCK, "w")
        except OSError as e:
            # A checkout the build cannot write: fine while there is nothing to do.
            readonly = f"{_rel_out(STATE_DIR)} cannot be created or written ({_os_error(e)})"
        else:
            readonly = None
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print("build: another build (or a make site reading the outputs) is running in this "
                      "checkout", file=sys.stderr)
                return 1
            if JOURNAL.exists():
                keep_stage = True
                n = len(apply_journal())
                print(f"build: completed an interrupted commit ({n} files)", flush=True)
            keep_stage = False
            clean_stale()
        state = load_state()
        validate(state)
        _pause("validated")
        return _build(args, state, stage, start, readonly)
    except CommitError as e:
        keep_stage = JOURNAL.exists()
        print(f"build: commit failed: {e}", file=sys.stderr)
        return 2
    except BuildError as e:
        print(f"build: {e}; no output was changed", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("build: interrupted; no output was changed", file=sys.stderr)
        return 130
    except OSError as e:
        where = f" writing {e.filename}" if e.filename else ""
        what = ((f"the disk is full{where}" if e.filename else _disk_full())
                if e.errno == errno.ENOSPC else f"{e.filename or 'a file'}: {_os_error(e)}")
        print(f"build: failed: {what}; no output was changed", file=sys.stderr)
        return 2
    except Exception as e:  # an unexpected failure: still one message, still nothing changed
        msg = " ".join(str(e).split())[:300]
        print(f"build: failed: {type(e).__name__}: {msg}; no output was changed", file=sys.stderr)
        return 2
    finally:
        if not keep_stage:
            shutil.rmtree(stage, ignore_errors=True)
        if _IPC is not None:
            shutil.rmtree(_IPC, ignore_errors=True)
        if lock is not None:
            lock.close()


def _rel_out(p: Path) -> str:
    try:
        return str(p.relative_to(OUT))
    except ValueError:
        return str(p)


def _build(args, state: dict, stage: Path, start: float, readonly: str | None) -> int:
    records = state.setdefault("steps", {})
    notebooks = [*sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")),
                 *sorted((NOTEBOOK_DIR / "solutions").glob("[0-9][0-9]-*.ipynb"))]
    sources: dict[str, str] = {}

    def stale(paths: list[Path], source_hash) -> list[Path]:
        """The steps among ``paths`` that must run (each one's source hash kept)."""
        out = []
        for p in paths:
            name = str(p.relative_to(ROOT))
            sources[name] = source_hash(p)
            if args.force or not up_to_date(records.get(name), sources[name]):
                out.append(p)
            else:
                print(f"{name}: up to date", flush=True)
        return out

    todo = stale(notebooks, notebook_source_hash)
    cases = case_folders()
    case_todo = stale(cases, case_source_hash)
    gallery_source = file_hash(ROOT / "tools" / "write_gallery.py") or ""
    gallery_needed = bool(todo) or args.force or not up_to_date(records.get("gallery"), gallery_source)
    gone = [name for name in records if name != "gallery" and not (
        (ROOT / name / "case.json").is_file() if _CASE_STEP.fullmatch(name)
        else (ROOT / name).exists())]
    if readonly is not None:
        if todo or case_todo or gallery_needed or gone:
            work = [str(p.relative_to(ROOT)) for p in [*todo, *case_todo]] or ["the gallery"]
            raise BuildError(f"{readonly}, and {', '.join(work)} need to run")
        ran_cases = f", 0 of {len(cases)} cases ran" if cases else ""
        print(f"build: 0 of {len(notebooks)} notebooks ran{ran_cases}, 0 files changed "
              f"(read-only checkout; {time.perf_counter() - start:.1f} s)", flush=True)
        return 0

    results: dict[str, dict] = {}
    if todo or case_todo:
        # Not a `with` block: on a failure or an interrupt the other kernels are killed and the
        # run ends without waiting for their threads (the process exits with os._exit).
        pool = ThreadPoolExecutor(max_workers=max(1, min(args.jobs, len(todo) + len(case_todo))))
        futures = {pool.submit(_timed, run_notebook, nb, stage / nb.stem): nb for nb in todo}
        futures |= {pool.submit(_timed, run_case, folder,
                                _stage_of(stage, str(folder.relative_to(ROOT)))): folder
                    for folder in case_todo}
        try:
            # A step that fails says so at once (_failed), so the run stops even when the
            # failed kernel's clean-up never returns (its thread is abandoned: see os._exit).
            while True:
                done, pending = wait(futures, timeout=0.2, return_when=FIRST_EXCEPTION)
                # The first failure reported is the cause: a step that then stops because of
                # it ("stopped, another step failed") may end first.
                if _FAILURES:
                    raise _FAILURES[0]
                failed = [f for f in done if f.exception() is not None]
                if failed:   # (every failure passes through _failed first: see _timed)
                    raise _FAILURES[0] if _FAILURES else failed[0].exception()  # type: ignore[misc]
                if not pending:
                    break
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            _kill_kernels()
            # A case step ends as soon as its audit is killed, and a step between two writes
            # within milliseconds (each checks _FAILURES first).  A notebook step mid-cell does
            # not: nbclient waits for its killed kernel's next message with no timeout.  So a
            # short bounded wait, then the staging directory is removed and the process exits
            # (os._exit), abandoning those threads.
            wait(futures, timeout=3)
            raise
        pool.shutdown()
        for f, nb in futures.items():
            result, secs = f.result()
            results[str(nb.relative_to(ROOT))] = result
            print(f"{nb.relative_to(ROOT)}: ran in {secs:.1f} s", flush=True)
    if gallery_needed:
        results["gallery"] = run_gallery(_stage_of(stage, "gallery"))

    # Gather the staged outputs: each path from exactly one step, and only paths of the
    # declared output set (a notebook that wrote anything else stops the build here).
    staged: dict[str, Path] = {}
    for name, res in results.items():
        check_outputs(name, res["outputs"], f"what {name} wrote")
        step_stage = _stage_of(stage, name)
        for rel in res["outputs"]:
            if rel in staged:
                raise BuildError(f"{rel} is written by two steps ({name} and another)")
            staged[rel] = step_stage / rel
    # Outputs a re-run step no longer writes, and those of a notebook that was removed, go;
    # unless another step still writes them.  (Every one was checked to be in the output set
    # when the manifest was read.)
    delete = sorted({rel for name in [*results, *gone]
                     for rel in records.get(name, {}).get("outputs", {})}
                    - set(staged) - {rel for name, r in records.items()
                                     if name not in results and name not in gone
                                     for rel in r.get("outputs", {})})
    for name, res in results.items():
        records[name] = {
            "source": gallery_source if name == "gallery" else sources[name],
            "deps": {rel: file_hash(ROOT / rel) for rel in res["deps"]},
            "outputs": {rel: file_hash(staged[rel]) for rel in res["outputs"]},
        }
    for name in gone:
        del records[name]
    _pause("staged")
    changed = commit(staged, delete, stage, manifest_text(state))
    ran_cases = f", {len(case_todo)} of {len(cases)} cases ran" if cases else ""
    print(f"build: {len(todo)} of {len(notebooks)} notebooks ran{ran_cases}, {len(changed)} files "
          f"changed ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


def _timed(fn, *args):
    """Run a step, timed; whatever makes it fail is reported at once (:func:`_failed`), so the
    first failure is the one named."""
    t = time.perf_counter()
    try:
        return fn(*args), time.perf_counter() - t
    except BaseException as e:
        _failed(e)
        raise


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # No waiting for worker threads still blocked on a killed kernel (after a failure or an
    # interrupt); everything the run owns is already cleaned up.
    os._exit(code)
