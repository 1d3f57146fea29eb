"""The build behind ``make``: validate the inputs, then bring every output up to date, all or
nothing.

The graph
    Each notebook is a build step.  Its inputs are its own cells' sources plus the files it
    really read when it last ran (recorded in the kernel by an audit hook: the package modules it
    imported, the data files, the fonts), plus ``requirements.lock`` and this file.  Its outputs
    are the files it wrote (figures, ``data/processed/``) and the executed notebook itself.  A
    step re-runs when an input's content changed (sha256, never mtimes) or when one of its
    committed outputs no longer has the bytes it wrote.  The README gallery
    (``tools/write_gallery.py``) is one more step, after the notebooks.  No notebook reads
    another's outputs (checked on every run: reading a committed output is an error), so all
    steps that need to run run in parallel, one per core.

All or nothing
    Every step writes into its own directory under ``.build/stage-<pid>/`` (through the one output
    setting, ``DEBAO_AUDIT_OUTPUT``).  Only when every step succeeded are the changed files moved
    into place: first a journal of the moves is written (atomically), then each file is renamed
    over its target (same file system, so each rename is atomic), then the journal is removed.
    A run that fails, is interrupted or killed before the journal exists changes nothing; one
    killed while moving is completed by the next run before it does anything else (SIGINT and
    SIGTERM are held off while moving).  Stale staging directories and temporary files left by
    killed runs are removed at the start of every run.

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
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

# jsonschema (imported by nbformat) loads its optional IRI-format support when installed, which
# compiles ~40 grammars at import (seconds); nothing here validates IRIs.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".build"
#: The committed manifest: per step, the hashes of its inputs and outputs (see the docstring).
STATE = ROOT / "build-manifest.json"
JOURNAL = STATE_DIR / "commit.json"
LOCK = STATE_DIR / "lock"
NOTEBOOK_DIR = ROOT / "notebooks"
README = ROOT / "README.md"
#: Files every step depends on besides what it reads: the pinned environment and this runner.
ALWAYS = ("requirements.lock", "tools/build.py")
#: Committed output locations (relative to the output root); reading these from a step is an
#: undeclared dependency between notebooks.
OUTPUT_DIRS = ("figures", "data/processed")
#: Where a killed figure save or CSV write may have left a temporary file.
TEMP_GLOBS = ("figures/.*.tmp", "data/processed/.*.tmp", "notebooks/.*.tmp", ".*.tmp")
OUTPUT_MODE = 0o644
#: Inputs of the validation pass.
VALIDATION_INPUTS = ("data", "src/debao_audit", "requirements.lock")


class BuildError(Exception):
    pass


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


def file_hash(path: Path) -> str | None:
    if path not in _hashes:
        try:
            _hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
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
    state["steps"] = {name: r for name, r in steps.items()
                      if isinstance(r, dict) and r.get("check") == _record_check(r)
                      } if isinstance(steps, dict) else {}
    return state


def save_state(state: dict) -> None:
    """Write the manifest (deterministically: sorted, one hash a line) only if it changed."""
    for record in state.get("steps", {}).values():
        record["check"] = _record_check(record)
    text = json.dumps(state, indent=1, sort_keys=True) + "\n"
    with contextlib.suppress(FileNotFoundError):
        if STATE.read_text(encoding="utf-8") == text:
            return
    tmp = STATE.with_name(f".{STATE.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, OUTPUT_MODE)
    os.replace(tmp, STATE)


def up_to_date(record: dict | None, source_hash: str) -> bool:
    if not record or record.get("source") != source_hash:
        return False
    for rel, digest in {**record["deps"], **record["outputs"]}.items():
        if file_hash(ROOT / rel) != digest:
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


def _kill_kernels() -> None:
    """Stop every kernel still running (after a failure or an interrupt), without waiting."""
    for km in _KERNELS:
        with contextlib.suppress(Exception):
            proc = getattr(km.provisioner, "process", None)
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(5)
        with contextlib.suppress(Exception):
            km.cleanup_resources()


def _shutdown(km, client) -> None:
    """A polite shutdown request, no interrupt first (nbclient's cleanup interrupts the kernel,
    which then logs a KeyboardInterrupt to the terminal)."""
    with contextlib.suppress(Exception):
        if km.has_kernel:
            km.request_shutdown()
            km.finish_shutdown(waittime=10)
    with contextlib.suppress(Exception):
        km.cleanup_resources()
    with contextlib.suppress(Exception):
        if client.kc is not None:
            client.kc.stop_channels()


def _silent(client, code: str) -> None:
    reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
    if reply is None or reply["content"]["status"] != "ok":
        raise BuildError(f"the build's bookkeeping code failed in the kernel: {reply}")


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
    # ("Kernel is running over TCP without encryption") as TCP does.
    # The socket paths are absolute and unique per step (Unix sockets live in the staging area).
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(stage.parent / f"{path.stem[:2]}{'s' if path.parent.name == 'solutions' else ''}-ipc"))
    _KERNELS.append(km)
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            record_timing=False)
    env = dict(os.environ, DEBAO_AUDIT_OUTPUT=str(stage), MPLBACKEND="Agg",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    deps_file = stage.parent / f"{path.stem}.deps.json"
    try:
        with client.setup_kernel(env=env, cwd=str(path.parent), cleanup_kc=False):
            info = client.wait_for_reply(client.kc.kernel_info())
            nb.metadata["language_info"] = info["content"]["language_info"]
            _silent(client, _RECORD)
            try:
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index,
                                        execution_count=client.code_cells_executed + 1)
            except CellExecutionError as e:
                raise BuildError(_cell_error(path, nb, e)) from None
            _silent(client, _DUMP.format(target=str(deps_file)))
    finally:
        _shutdown(km, client)
    out = stage / path.relative_to(ROOT)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(nbformat.writes(_clean(nb)).rstrip("\n") + "\n", encoding="utf-8")

    deps, stage_r = set(), stage.resolve()
    for p in json.loads(deps_file.read_text(encoding="utf-8")):
        p = Path(_source_of(p))
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
    return f"{path.relative_to(ROOT)}: {where} failed: {tail}"


def run_gallery(stage: Path) -> dict:
    """The README with its gallery block rewritten, into ``stage``."""
    sys.path.insert(0, str(ROOT / "tools"))
    import write_gallery

    new = write_gallery.render(README.read_text(encoding="utf-8"))
    stage.mkdir(parents=True)
    (stage / "README.md").write_text(new, encoding="utf-8")
    deps = sorted({*ALWAYS, "tools/write_gallery.py",
                   *(str(p.relative_to(ROOT)) for p in (ROOT / "src" / "debao_audit").glob("*.py")),
                   *(str(p.relative_to(ROOT)) for p in (ROOT / "data").rglob("*")
                     if p.is_file() and "processed" not in p.parts)})
    return {"deps": deps, "outputs": ["README.md"]}


# --------------------------------------------------------------------------------------------
# Commit: journal, then renames
# --------------------------------------------------------------------------------------------

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


def apply_journal() -> int:
    """Complete a commit whose journal exists (the normal path, and after a kill)."""
    moves = json.loads(JOURNAL.read_text(encoding="utf-8"))
    done = 0
    for src, dst in moves["replace"]:
        s, d = Path(src), ROOT / dst
        if s.exists():
            d.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(s, OUTPUT_MODE)
            os.replace(s, d)
            done += 1
            _pause("commit")
    for rel in moves["delete"]:
        (ROOT / rel).unlink(missing_ok=True)
    JOURNAL.unlink()
    _fsync_dir(STATE_DIR)
    return done


def commit(staged: dict[str, Path], delete: list[str]) -> int:
    """Move the staged files that differ from their targets into place, atomically each, with
    a journal so that a kill part-way is completed by the next run."""
    replace = [(str(src), rel) for rel, src in sorted(staged.items())
               if file_hash(src) != file_hash(ROOT / rel)
               or (ROOT / rel).stat().st_mode & 0o777 != OUTPUT_MODE]
    delete = [rel for rel in delete if (ROOT / rel).exists()]
    if not replace and not delete:
        return 0
    for src, _ in replace:
        with open(src, "rb") as f:
            os.fsync(f.fileno())
    with signals_held():
        tmp = JOURNAL.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"replace": replace, "delete": delete}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, JOURNAL)
        _fsync_dir(STATE_DIR)
        n = apply_journal()
    for rel in [r for _, r in replace] + delete:
        _hashes.pop(ROOT / rel, None)
    return n + len(delete)


def clean_stale() -> None:
    for p in STATE_DIR.glob("stage-*"):
        shutil.rmtree(p, ignore_errors=True)
    STATE_DIR.joinpath("commit.tmp").unlink(missing_ok=True)
    for pattern in TEMP_GLOBS:
        for p in ROOT.glob(pattern):
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

    STATE_DIR.mkdir(exist_ok=True)
    signal.signal(signal.SIGTERM, _terminate)
    lock = open(LOCK, "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("build: another build is running in this checkout", file=sys.stderr)
        return 1
    if JOURNAL.exists():
        print(f"build: completing an interrupted commit ({apply_journal()} files)")
    clean_stale()
    state = load_state()
    stage = STATE_DIR / f"stage-{os.getpid()}"
    start = time.perf_counter()
    try:
        validate(state)
        _pause("validated")
        return _build(args, state, stage, start)
    except BuildError as e:
        print(f"build: {e}", file=sys.stderr)
        print("build: failed; no output was changed", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("build: interrupted; no output was changed", file=sys.stderr)
        return 130
    except Exception as e:  # an unexpected failure: still one message, still nothing changed
        print(f"build: {type(e).__name__}: {e}", file=sys.stderr)
        print("build: failed; no output was changed", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _build(args, state: dict, stage: Path, start: float) -> int:
    records = state.setdefault("steps", {})
    notebooks = [*sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")),
                 *sorted((NOTEBOOK_DIR / "solutions").glob("[0-9][0-9]-*.ipynb"))]
    todo, sources = [], {}
    for nb in notebooks:
        name = str(nb.relative_to(ROOT))
        sources[name] = notebook_source_hash(nb)
        if args.force or not up_to_date(records.get(name), sources[name]):
            todo.append(nb)
        else:
            print(f"{name}: up to date", flush=True)
    gallery_source = file_hash(ROOT / "tools" / "write_gallery.py") or ""

    results: dict[str, dict] = {}
    if todo:
        # Not a `with` block: on a failure or an interrupt the other kernels are killed and the
        # run ends without waiting for their threads (the process exits with os._exit).
        pool = ThreadPoolExecutor(max_workers=max(1, min(args.jobs, len(todo))))
        futures = {pool.submit(_timed, run_notebook, nb, stage / nb.stem): nb for nb in todo}
        try:
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                raise failed[0].exception()  # type: ignore[misc]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            _kill_kernels()
            raise
        pool.shutdown()
        for f, nb in futures.items():
            result, secs = f.result()
            results[str(nb.relative_to(ROOT))] = result
            print(f"{nb.relative_to(ROOT)}: ran in {secs:.1f} s", flush=True)
    gallery_needed = bool(todo) or args.force or not up_to_date(records.get("gallery"), gallery_source)
    if gallery_needed:
        results["gallery"] = run_gallery(stage / "gallery")

    # Gather the staged outputs: each path from exactly one step.
    staged: dict[str, Path] = {}
    for name, res in results.items():
        step_stage = stage / ("gallery" if name == "gallery" else Path(name).stem)
        for rel in res["outputs"]:
            if rel in staged:
                raise BuildError(f"{rel} is written by two steps ({name} and another)")
            staged[rel] = step_stage / rel
    # Outputs a re-run step no longer writes, and those of a notebook that was removed, go;
    # unless another step still writes them.
    gone = [name for name in records if name != "gallery" and not (ROOT / name).exists()]
    delete = sorted({rel for name in [*results, *gone]
                     for rel in records.get(name, {}).get("outputs", {})}
                    - set(staged) - {rel for name, r in records.items()
                                     if name not in results and name not in gone
                                     for rel in r.get("outputs", {})})
    _pause("staged")
    changed = commit(staged, delete)
    for name, res in results.items():
        records[name] = {
            "source": gallery_source if name == "gallery" else sources[name],
            "deps": {rel: file_hash(ROOT / rel) for rel in res["deps"]},
            "outputs": {rel: file_hash(ROOT / rel) for rel in res["outputs"]},
        }
    for name in list(records):
        if name != "gallery" and not (ROOT / name).exists():
            del records[name]
    save_state(state)
    print(f"build: {len(todo)} of {len(notebooks)} notebooks ran, {changed} files changed "
          f"({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


def _timed(fn, *args):
    t = time.perf_counter()
    return fn(*args), time.perf_counter() - t


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # No waiting for worker threads still blocked on a killed kernel (after a failure or an
    # interrupt); everything the run owns is already cleaned up.
    os._exit(code)
