"""Staging and the commit: the changed files moved into place under a journal, atomically
each, with a backup of every output replaced (a failed move is rolled back; a killed commit is
completed by the next run), and the clean-up of what killed runs left behind."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
from pathlib import Path

from ..paths import Paths
from .errors import BuildError, CommitError, os_error, pause, writing
from .manifest import file_hash, forget
from .steps import GALLERY_OUTPUTS, OUTPUT_MODE, STEP_NAME, TEMP_GLOBS, output_problem


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


def _journal_target_problem(paths: Paths, dst: object) -> str | None:
    if dst == paths.manifest.name:
        return None
    if not isinstance(dst, str):
        return "a relative path (a string)"
    step = dst if STEP_NAME.fullmatch(dst) else "gallery" if dst in GALLERY_OUTPUTS else "notebooks/00-x.ipynb"
    return output_problem(paths, step, dst)


def _read_journal(paths: Paths) -> list[list]:
    """The journal's moves [source or None, output, backup or None], each checked: sources and
    backups inside .build/, targets in the declared output set (or the manifest)."""
    journal = paths.journal.relative_to(paths.out)
    try:
        moves = json.loads(paths.journal.read_text(encoding="utf-8"))["moves"]
        assert isinstance(moves, list) and all(isinstance(m, list) and len(m) == 3 for m in moves)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise BuildError(f"{journal}: expected a commit journal; got an unreadable "
                         "file (remove it, then run make: the outputs are checked against "
                         "build-manifest.json and re-run where they differ)") from None
    state_r = paths.build.resolve()
    for src, dst, backup in moves:
        problem = _journal_target_problem(paths, dst)
        for p in (src, backup):
            if p is not None and not (isinstance(p, str)
                                      and Path(p).resolve().is_relative_to(state_r)):
                problem = problem or f"a staged file inside {paths.build}"
                dst = p
        if problem is not None:
            raise BuildError(f"{journal}: expected {problem}; got {dst!r}; refusing to run")
    return moves


def _move(paths: Paths, src: str | None, dst: str, backup: str | None) -> bool:
    """One step of a commit: the staged file over its output, or the output to its backup (a
    deletion).  False when it was already done (a completed journal re-applied)."""
    target = paths.out / dst
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


def _undo(paths: Paths, src: str | None, dst: str, backup: str | None) -> None:
    """Put back what one move replaced or deleted, keeping the new file in the staging
    directory (so the journal can still be completed later) and the backup."""
    target = paths.out / dst
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


def apply_journal(paths: Paths, rollback: bool = False) -> list[str]:
    """Carry out the journal's moves (the normal path, and after a kill); returns the outputs
    it changed.  If a move fails: with ``rollback``, the moves done are undone and the journal
    removed (CommitError: nothing changed); without, or if undoing fails too, the journal and
    its staged files are kept, so the next run can still complete it (CommitError naming what
    changed and what did not)."""
    moves = _read_journal(paths)
    done: list[list] = []
    for move in moves:
        try:
            if _move(paths, *move):
                done.append(move)
                pause("commit")
        except OSError as e:
            failed = f"could not {'remove' if move[0] is None else 'replace'} {move[1]} ({os_error(e)})"
            undone: list[list] = []
            if rollback:
                try:
                    for m in reversed(done):
                        _undo(paths, *m)
                        undone.append(m)
                except OSError as e2:
                    failed += f", nor put back {m[1]} ({os_error(e2)})"
                else:
                    paths.journal.unlink()
                    _fsync_dir(paths.build)
                    raise CommitError(f"{failed}; the {len(done)} outputs already replaced were "
                                      "put back: no output was changed") from None
            changed = [m[1] for m in done if m not in undone]
            pending = [m[1] for m in moves if m[1] not in changed]
            raise CommitError(f"{failed}; changed: {', '.join(changed) or 'none'}; not changed: "
                              f"{', '.join(pending)}; {paths.journal.relative_to(paths.out)} is "
                              "kept: fix the cause and run make again to complete it") from None
    paths.journal.unlink()
    _fsync_dir(paths.build)
    for m in moves:
        forget(paths.out / m[1])
    return [m[1] for m in done]


def _backup(target: Path, backup: Path) -> str:
    backup.parent.mkdir(parents=True, exist_ok=True)
    _keep(target, backup)
    return str(backup)


def commit(paths: Paths, staged: dict[str, Path], delete: list[str], stage: Path,
           manifest: str) -> list[str]:
    """Move the staged files that differ from their outputs into place, atomically each, with
    a journal so that a kill part-way is completed by the next run, and a backup of every
    output replaced or deleted (a hard link, in the staging directory) so that a failed move
    is rolled back.  The new manifest is the last move.  Returns the outputs changed."""
    moves: list[list] = []
    stage.mkdir(parents=True, exist_ok=True)
    backups = stage / ".backup"
    state = paths.manifest
    for rel, src in sorted(staged.items()):
        target = paths.out / rel
        if file_hash(src) == file_hash(target) and target.stat().st_mode & 0o777 == OUTPUT_MODE:
            continue
        with open(src, "rb") as f:
            os.fsync(f.fileno())
        backup = _backup(target, backups / rel) if target.exists() else None
        moves.append([str(src), rel, None if backup is None else str(backup)])
    for rel in delete:
        if (paths.out / rel).exists():
            moves.append([None, rel, str(backups / rel)])
    with contextlib.suppress(FileNotFoundError):
        if state.read_text(encoding="utf-8") == manifest:
            manifest = ""
    if not moves and not manifest:
        return []
    if manifest:
        staged_manifest = stage / state.name
        with writing(staged_manifest):
            staged_manifest.write_text(manifest, encoding="utf-8")
        moves.append([str(staged_manifest), state.name,
                      _backup(state, backups / state.name) if state.exists() else None])
    with signals_held():
        tmp = paths.journal.with_suffix(".tmp")
        with writing(tmp), open(tmp, "w", encoding="utf-8") as f:
            json.dump({"moves": moves}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, paths.journal)
        _fsync_dir(paths.build)
        changed = apply_journal(paths, rollback=True)
    return [rel for rel in changed if rel != state.name]


def clean_stale(paths: Paths) -> None:
    """Staging directories and temporary files left by killed runs (once no journal needs
    them)."""
    for p in paths.build.glob("stage-*"):
        shutil.rmtree(p, ignore_errors=True)
    paths.build.joinpath("commit.tmp").unlink(missing_ok=True)
    for pattern in TEMP_GLOBS:
        for p in paths.out.glob(pattern):
            if p.is_file():
                p.unlink()
