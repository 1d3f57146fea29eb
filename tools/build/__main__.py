"""The build behind ``make``: validate the inputs, then bring every output up to date, all or
nothing (``python -m tools.build [--force] [--jobs N]``; see ``tools/build/__init__.py``).

This module is the command line and the run: lock, complete an interrupted commit, clean up,
validate, decide what is stale, run the steps in parallel, gather and check their outputs,
commit them with the new manifest.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
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

from ..paths import Paths, PathsError
from . import runner
from .commit import apply_journal, clean_stale, commit
from .errors import BuildError, CommitError, disk_full, os_error, pause, rel_out
from .manifest import (case_source_hash, file_hash, load_state, manifest_text,
                       notebook_source_hash, tree_hash, up_to_date)
from .steps import (VALIDATION_INPUTS, case_folders, check_outputs, check_paths, gone,
                    notebooks, stage_of)


def validate(paths: Paths, state: dict) -> None:
    """The one validation pass (``debao_audit.validate``), skipped when its inputs are unchanged
    since it last passed."""
    key = tree_hash(paths, VALIDATION_INPUTS)
    if state.get("validated") == key:
        return
    from debao_audit import data, validate as v

    try:
        v.validate_all(paths.data / "datapackage.json")
    except data.DataError as e:
        raise BuildError(f"invalid input, nothing was built: {e}") from None
    state["validated"] = key


def main(argv: list[str], paths: Paths | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="re-run every step")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        if paths is None:
            paths = Paths.for_build(os.environ.get("DEBAO_AUDIT_OUTPUT"))
        check_paths(paths)
    except (BuildError, PathsError) as e:
        print(f"build: {e}; no output was changed", file=sys.stderr)
        return 2
    stage = paths.build / f"stage-{os.getpid()}"
    start = time.perf_counter()
    keep_stage, lock = False, None
    try:
        try:
            paths.out.mkdir(parents=True, exist_ok=True)
            paths.build.mkdir(exist_ok=True)
            lock = open(paths.lock, "w")
        except OSError as e:
            # A checkout the build cannot write: fine while there is nothing to do.
            readonly = f"{rel_out(paths.out, paths.build)} cannot be created or written ({os_error(e)})"
        else:
            readonly = None
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print("build: another build (or a make site reading the outputs) is running in this "
                      "checkout", file=sys.stderr)
                return 1
            if paths.journal.exists():
                keep_stage = True
                n = len(apply_journal(paths))
                print(f"build: completed an interrupted commit ({n} files)", flush=True)
            keep_stage = False
            runner.clean_ipc_dirs()
            clean_stale(paths)
        state = load_state(paths)
        validate(paths, state)
        pause("validated")
        return _build(paths, args, state, stage, start, readonly)
    except CommitError as e:
        keep_stage = paths.journal.exists()
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
        what = ((f"the disk is full{where}" if e.filename else disk_full(paths.out))
                if e.errno == errno.ENOSPC else f"{e.filename or 'a file'}: {os_error(e)}")
        print(f"build: failed: {what}; no output was changed", file=sys.stderr)
        return 2
    except Exception as e:  # an unexpected failure: still one message, still nothing changed
        msg = " ".join(str(e).split())[:300]
        print(f"build: failed: {type(e).__name__}: {msg}; no output was changed", file=sys.stderr)
        return 2
    finally:
        if not keep_stage:
            shutil.rmtree(stage, ignore_errors=True)
        runner.remove_ipc_dir()
        if lock is not None:
            lock.close()


def _build(paths: Paths, args, state: dict, stage: Path, start: float,
           readonly: str | None) -> int:
    root = paths.root
    records = state.setdefault("steps", {})
    nbs = notebooks(paths)
    sources: dict[str, str] = {}

    def stale(steps: list[Path], source_hash) -> list[Path]:
        """The steps among ``steps`` that must run (each one's source hash kept)."""
        out = []
        for p in steps:
            name = str(p.relative_to(root))
            sources[name] = source_hash(p)
            if args.force or not up_to_date(paths, records.get(name), sources[name]):
                out.append(p)
            else:
                print(f"{name}: up to date", flush=True)
        return out

    todo = stale(nbs, notebook_source_hash)
    cases = case_folders(paths)
    case_todo = stale(cases, lambda folder: case_source_hash(paths, folder))
    gallery_source = file_hash(root / "tools" / "write_gallery.py") or ""
    gallery_needed = bool(todo) or args.force or not up_to_date(
        paths, records.get("gallery"), gallery_source)
    removed = [name for name in records if gone(paths, name)]
    if readonly is not None:
        if todo or case_todo or gallery_needed or removed:
            work = [str(p.relative_to(root)) for p in [*todo, *case_todo]] or ["the gallery"]
            raise BuildError(f"{readonly}, and {', '.join(work)} need to run")
        ran_cases = f", 0 of {len(cases)} cases ran" if cases else ""
        print(f"build: 0 of {len(nbs)} notebooks ran{ran_cases}, 0 files changed "
              f"(read-only checkout; {time.perf_counter() - start:.1f} s)", flush=True)
        return 0

    results: dict[str, dict] = {}
    if todo or case_todo:
        # Not a `with` block: on a failure or an interrupt the other kernels are killed and the
        # run ends without waiting for their threads (the process exits with os._exit).
        pool = ThreadPoolExecutor(max_workers=max(1, min(args.jobs, len(todo) + len(case_todo))))
        futures = {pool.submit(runner._timed, runner.run_notebook, paths, nb, stage / nb.stem): nb
                   for nb in todo}
        futures |= {pool.submit(runner._timed, runner.run_case, paths, folder,
                                stage_of(stage, str(folder.relative_to(root)))): folder
                    for folder in case_todo}
        try:
            # A step that fails says so at once (runner._failed), so the run stops even when the
            # failed kernel's clean-up never returns (its thread is abandoned: see os._exit).
            while True:
                done, pending = wait(futures, timeout=0.2, return_when=FIRST_EXCEPTION)
                # The first failure reported is the cause: a step that then stops because of
                # it ("stopped, another step failed") may end first.
                if runner.failure() is not None:
                    raise runner.failure()
                failed = [f for f in done if f.exception() is not None]
                if failed:   # (every failure passes through runner._failed first: see _timed)
                    raise runner.failure() or failed[0].exception()  # type: ignore[misc]
                if not pending:
                    break
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            runner._kill_kernels()
            # A case step ends as soon as its audit is killed, and a step between two writes
            # within milliseconds (each checks the failures first).  A notebook step mid-cell does
            # not: nbclient waits for its killed kernel's next message with no timeout.  So a
            # short bounded wait, then the staging directory is removed and the process exits
            # (os._exit), abandoning those threads.
            wait(futures, timeout=3)
            raise
        pool.shutdown()
        for f, nb in futures.items():
            result, secs = f.result()
            results[str(nb.relative_to(root))] = result
            print(f"{nb.relative_to(root)}: ran in {secs:.1f} s", flush=True)
    if gallery_needed:
        results["gallery"] = runner.run_gallery(paths, stage_of(stage, "gallery"))

    # Gather the staged outputs: each path from exactly one step, and only paths of the
    # declared output set (a notebook that wrote anything else stops the build here).
    staged: dict[str, Path] = {}
    for name, res in results.items():
        check_outputs(paths, name, res["outputs"], f"what {name} wrote")
        step_stage = stage_of(stage, name)
        for rel in res["outputs"]:
            if rel in staged:
                raise BuildError(f"{rel} is written by two steps ({name} and another)")
            staged[rel] = step_stage / rel
    # Outputs a re-run step no longer writes, and those of a notebook that was removed, go;
    # unless another step still writes them.  (Every one was checked to be in the output set
    # when the manifest was read.)
    delete = sorted({rel for name in [*results, *removed]
                     for rel in records.get(name, {}).get("outputs", {})}
                    - set(staged) - {rel for name, r in records.items()
                                     if name not in results and name not in removed
                                     for rel in r.get("outputs", {})})
    for name, res in results.items():
        records[name] = {
            "source": gallery_source if name == "gallery" else sources[name],
            "deps": {rel: file_hash(root / rel) for rel in res["deps"]},
            "outputs": {rel: file_hash(staged[rel]) for rel in res["outputs"]},
        }
    for name in removed:
        del records[name]
    pause("staged")
    changed = commit(paths, staged, delete, stage, manifest_text(state))
    ran_cases = f", {len(case_todo)} of {len(cases)} cases ran" if cases else ""
    print(f"build: {len(todo)} of {len(nbs)} notebooks ran{ran_cases}, {len(changed)} files "
          f"changed ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # No waiting for worker threads still blocked on a killed kernel (after a failure or an
    # interrupt); everything the run owns is already cleaned up.
    os._exit(code)
