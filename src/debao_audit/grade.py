"""Grading for the teacher: ``python -m debao_audit grade SUBMISSIONS/`` (``make grade DIR=...``).

SUBMISSIONS holds one entry per student: a folder (its notebooks anywhere inside, and the
capstone's case folder if any: a folder with a ``case.json``), a single ``.ipynb`` or a ``.zip``
of either.  Each submission is graded in isolation, as nbgrader and otter-grader do it:

* a **temporary copy** (regular files only, bounded in number and size; a zip is unpacked with
  the same bounds and no path outside it) beside a temporary copy of the course's ``data/``,
  ``fonts/``, ``cases/`` and ``figures/`` (``DEBAO_AUDIT_ROOT``); every output goes there
  (``DEBAO_AUDIT_OUTPUT``, ``HOME``, ``TMPDIR``).  The submission and the checkout are only read;
* a **separate process** per submission (a new one for what is left if a notebook ends it,
  e.g. with ``os._exit``), with a memory limit (address space), a limit on the size of any
  file it writes, a time limit per cell (a looping cell is stopped and the notebook goes on)
  and a time limit for the whole submission (the process group is killed).  Where Linux user
  namespaces allow it (``unshare``), the process also runs with every file system read-only
  but its temporary copy, and with no network; the summary says whether it did (``confined``);
* each notebook's cells run in order in a fresh IPython namespace, errors and all (nbgrader's
  ``allow_errors``); the exercise results are the course's own checks, as
  :func:`debao_audit.teaching.check` logs them when the check cells run (to the file
  ``DEBAO_CHECK_LOG`` names, one per notebook, read even if the notebook ended the process;
  the last check of an exercise counts).  The capstone's case folder is audited
  (:func:`debao_audit.audit.audit`) in the same process.

Written into OUT (default: ``SUBMISSIONS-grades`` beside SUBMISSIONS; replaced whole, only if it
is a previous grading's): ``summary.csv`` (one row per student: counts by status, notebooks
run and failed, the capstone, seconds, and the submission's error if any) and
``students/STUDENT.csv`` (one row per exercise, then one per notebook and case folder).  A
broken or hostile submission (not JSON, a loop, ``os._exit``, ``KeyboardInterrupt``, writes
outside, huge output) is a row with its error; the run goes on and exits 0.

What it does not defend against: a student who edits the check cells or the checker in their
notebook to fake a result (the notebook's source shows it); without ``unshare``, a notebook
can write wherever the grading user can (run it as an unprivileged user, or in a container).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

#: The statuses of an exercise in the CSVs, the course's own (Feedback.status) then ours.
STATUSES = ("right", "close", "wrong", "unanswered", "not checked")
STUDENT_COLUMNS = ("student", "notebook", "exercise", "status", "feedback")
SUMMARY_COLUMNS = ("student", "exercises", "right", "close", "wrong", "unanswered",
                   "not_checked", "notebooks_run", "notebooks_failed", "capstone", "seconds",
                   "confined", "error")
#: A notebook's or case folder's statuses that count as run (errors in cells included).
RAN = ("ran", "ran with errors", "audited")
#: What marks a folder as a grading's output (only such a folder is replaced).
MARKER = ".debao-grades"
#: The course's folders a notebook reads, copied for each submission.
COURSE_DIRS = ("data", "fonts", "cases", "figures")  # and the course (notebooks/exercises/)


@dataclass(frozen=True)
class Limits:
    """The bounds of one submission's run."""

    timeout: float = 900.0          #: seconds for the whole submission
    cell_timeout: float = 120.0     #: seconds for one cell (or one case folder's audit)
    memory_mb: int = 4096           #: address space of the process
    file_mb: int = 64               #: the largest file it may write
    max_files: int = 2000           #: files in a submission (or its zip)
    max_mb: int = 200               #: bytes of a submission (or its zip, unpacked)


class SubmissionError(Exception):
    """A submission that cannot be staged (one line)."""


class GradeError(Exception):
    """The grading itself cannot run (bad SUBMISSIONS or OUT): one line, exit status 2."""


# --------------------------------------------------------------------------------------------
# Finding and staging the submissions
# --------------------------------------------------------------------------------------------

def submissions(folder: Path) -> list[tuple[str, Path]]:
    """``(student, path)`` for every entry of ``folder``: folders, ``.ipynb`` and ``.zip``
    files (hidden entries and anything else are skipped), by name."""
    out = []
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        if p.name.startswith((".", "_")) or p.is_symlink():
            continue
        if p.is_dir() or p.suffix.lower() in (".ipynb", ".zip"):
            out.append((p.stem if p.is_file() else p.name, p))
    return out


def _safe_name(student: str) -> str:
    name = re.sub(r"[^\w.-]+", "_", student, flags=re.UNICODE).strip("._") or "student"
    return name[:80]


def stage(src: Path, dest: Path, limits: Limits) -> None:
    """Copy a submission into ``dest``: regular files only (symlinks, devices and FIFOs are
    skipped), at most ``max_files`` files and ``max_mb`` MB; a zip unpacked under the same
    bounds, refusing any member that would land outside ``dest``."""
    dest.mkdir(parents=True)
    budget = [limits.max_files, limits.max_mb * 1_000_000]

    def take(size: int, what: str) -> None:
        budget[0] -= 1
        budget[1] -= size
        if budget[0] < 0:
            raise SubmissionError(f"{what}: more than {limits.max_files} files")
        if budget[1] < 0:
            raise SubmissionError(f"{what}: more than {limits.max_mb} MB")

    if src.is_file() and src.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(src) as z:
                for info in z.infolist():
                    name = info.filename.replace("\\", "/")
                    parts = [p for p in name.split("/") if p not in ("", ".")]
                    if info.is_dir() or not parts:
                        continue
                    if name.startswith("/") or ".." in parts or ":" in parts[0]:
                        raise SubmissionError(f"{src.name}: {info.filename!r} would be written "
                                              "outside the submission")
                    if (info.external_attr >> 16) & 0o170000 == 0o120000:
                        continue            # a symlink: skipped like on disk
                    take(info.file_size, src.name)
                    target = dest.joinpath(*parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as r, open(target, "wb") as w:
                        left = info.file_size + 1
                        while chunk := r.read(1 << 20):
                            left -= len(chunk)
                            if left < 0:
                                raise SubmissionError(f"{src.name}: {info.filename!r} is larger "
                                                      "than its zip entry says")
                            w.write(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
                ValueError) as e:
            raise SubmissionError(f"{src.name}: not a readable zip file ({e})") from None
        return
    if src.is_file():
        take(src.stat().st_size, src.name)
        shutil.copyfile(src, dest / src.name)
        return
    for dirpath, dirnames, filenames in os.walk(src):  # never follows symlinked folders
        dirnames[:] = sorted(d for d in dirnames if d not in (".ipynb_checkpoints", "__pycache__")
                             and not os.path.islink(os.path.join(dirpath, d)))
        rel = Path(dirpath).relative_to(src)
        for f in sorted(filenames):
            p = Path(dirpath) / f
            st = p.lstat()
            if not (st.st_mode & 0o170000 == 0o100000):   # regular files only
                continue
            take(st.st_size, src.name)
            (dest / rel).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest / rel / f)


def _course_copy(dest: Path) -> None:
    """The course's inputs a notebook reads, as DEBAO_AUDIT_ROOT, in the temporary copy."""
    from . import data

    for name in COURSE_DIRS:
        src = data.ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=False,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    (dest / "notebooks").mkdir(exist_ok=True)
    from . import teaching
    course = Path(teaching.COURSE)             # the exercises the checks judge by
    if course.is_dir() and course.resolve().is_relative_to(data.ROOT):
        shutil.copytree(course, dest / course.resolve().relative_to(data.ROOT),
                        ignore=shutil.ignore_patterns("__pycache__"))


def _notebooks(root: Path) -> list[Path]:
    return sorted((p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
                   and "solutions" not in p.parts), key=lambda p: str(p.relative_to(root)))


def _case_folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob("case.json"))


# --------------------------------------------------------------------------------------------
# The process: limits, confinement
# --------------------------------------------------------------------------------------------

_CONFINE = r"""
w="$1"; shift
mount --bind "$w" "$w" || exit 96
awk '{print $5}' /proc/self/mountinfo | while read -r m; do
  m=$(printf '%b' "$(printf '%s' "$m" | sed 's/\\\([0-7][0-7][0-7]\)/\\0\1/g')")
  case "$m" in "$w"|"$w"/*|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue;; esac
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
exec "$@"
"""


def _can_confine() -> bool:
    """Whether ``unshare`` can give a process its own user, mount and network namespaces."""
    exe = shutil.which("unshare")
    if exe is None:
        return False
    try:
        return subprocess.run([exe, "--user", "--map-root-user", "--mount", "--net", "--fork",
                               "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


# --------------------------------------------------------------------------------------------
# The results
# --------------------------------------------------------------------------------------------

@dataclass
class Result:
    """One submission's results."""

    student: str
    checks: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id: notebook, status, reason
    notebooks: list[tuple[str, str, str]] = field(default_factory=list)    # notebook, status, detail
    cases: list[tuple[str, str, str]] = field(default_factory=list)        # folder, status, detail
    error: str = ""
    seconds: float = 0.0
    confined: bool | None = None   #: None: no process ran

    def counts(self, exercises: Sequence[str]) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for ex in exercises:
            out[self.checks[ex][1] if ex in self.checks else "not checked"] += 1
        return out

    def rows(self, exercises: Sequence[str]) -> list[tuple[str, ...]]:
        rows = []
        course = _course_notebooks()
        for ex in exercises:
            if ex in self.checks:
                nb, status, reason = self.checks[ex]
                rows.append((self.student, nb, ex, status, reason))
            else:
                nb = course.get(ex.split("-")[0], "")
                why = self._why_not_checked(nb)
                rows.append((self.student, "", ex, "not checked", why))
        rows += [(self.student, nb, "", status, detail) for nb, status, detail in self.notebooks]
        rows += [(self.student, folder, "capstone", status, detail)
                 for folder, status, detail in self.cases]
        if self.error:
            rows.append((self.student, "", "", "error", self.error))
        return rows

    def _why_not_checked(self, course_nb: str) -> str:
        if self.error:
            return f"the submission was not graded: {self.error}"
        for nb, status, detail in self.notebooks:
            if Path(nb).name == course_nb and status not in RAN:
                return f"{nb}: {status}: {detail}"
        if any(Path(nb).name == course_nb for nb, _, _ in self.notebooks):
            return "its check cell did not run (removed or edited?)"
        return f"no {course_nb or 'notebook'} in the submission" if course_nb else \
            "no notebook in the submission checked it"

    def summary_row(self, exercises: Sequence[str]) -> tuple[Any, ...]:
        n = self.counts(exercises)
        failed = [(nb, s, d) for nb, s, d in self.notebooks + self.cases if s not in RAN]
        nbs = sum(1 for _, s, _ in self.notebooks if s in RAN)
        capstone = "; ".join(f"{Path(f).name}: {s}" for f, s, _ in self.cases) or "none"
        error = self.error or "; ".join(f"{nb}: {s}: {d}" for nb, s, d in failed[:2])
        return (self.student, len(exercises), n["right"], n["close"], n["wrong"],
                n["unanswered"], n["not checked"], nbs,
                sum(1 for _, s, _ in self.notebooks if s not in RAN),
                capstone, f"{self.seconds:.1f}",
                {True: "yes", False: "no", None: "n/a"}[self.confined], error)


def _course_notebooks() -> dict[str, str]:
    from . import data

    return {p.name[:2]: p.name for p in sorted((data.ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))}


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: one line, bounded, no leading formula sign."""
    text = " ".join(str(value).split())
    if len(text) > 500:
        text = text[:497] + "..."
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------
# Grading one submission (the parent's side)
# --------------------------------------------------------------------------------------------

def grade_one(student: str, path: Path, limits: Limits, confine: bool | None = None) -> Result:
    """Stage ``path``, run it in limited processes, and collect its results.  Never raises
    for anything the submission holds."""
    t0 = time.monotonic()
    result = Result(student)
    if confine is None:
        confine = _can_confine()
    with tempfile.TemporaryDirectory(prefix="debao-grade-") as tmp:
        work = Path(tmp).resolve()
        try:
            stage(path, work / "submission", limits)
        except SubmissionError as e:
            result.error = str(e)
        except OSError as e:
            result.error = f"{path.name}: cannot be read ({e.strerror or e})"
        if result.error:
            result.seconds = time.monotonic() - t0
            return result
        _course_copy(work / "course")
        for d in ("home", "tmp", "out"):
            (work / d).mkdir()
        sub = work / "submission"
        todo = [str(p.relative_to(sub)) for p in _notebooks(sub)]
        cases = [str(p.relative_to(sub)) for p in _case_folders(sub)]
        if not todo and not cases:
            result.error = "no notebook (.ipynb) and no case folder (case.json) in the submission"
        deadline = t0 + limits.timeout
        while todo or cases:
            left = deadline - time.monotonic()
            if left <= 0:
                for nb in todo:
                    result.notebooks.append((nb, "not run", "the submission's time limit "
                                             f"({limits.timeout:g} s) was reached"))
                for c in cases:
                    result.cases.append((c, "not run", "the submission's time limit was reached"))
                break
            done_nbs, done_cases = _run_worker(work, todo, cases, limits, left, confine, result)
            if not done_nbs and not done_cases:     # no progress: never loop on it
                result.error = result.error or "the grader's process made no progress"
                break
            todo = [nb for nb in todo if nb not in done_nbs]
            cases = [c for c in cases if c not in done_cases]
    result.seconds = time.monotonic() - t0
    return result


def _run_worker(work: Path, todo: list[str], cases: list[str], limits: Limits, left: float,
                confine: bool, result: Result) -> tuple[set[str], set[str]]:
    """One limited process (:func:`debao_audit.sandbox.run`) over what is left; returns the
    notebooks and case folders it finished (or that ended it).  Its events arrive on its
    stdout, one JSON object a line (the cells' own output goes elsewhere)."""
    from . import sandbox

    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH",
                                                         "VIRTUAL_ENV")}
    env.update(DEBAO_AUDIT_ROOT=str(work / "course"), DEBAO_AUDIT_OUTPUT=str(work / "out"),
               HOME=str(work / "home"), TMPDIR=str(work / "tmp"), MPLBACKEND="Agg",
               MPLCONFIGDIR=str(work / "home" / "mpl"), XDG_CACHE_HOME=str(work / "home"),
               PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0",
               IPYTHONDIR=str(work / "home" / "ipython"),
               # the process is the sandbox: a case's code runs in it, as the grader's
               DEBAO_TRUST="1")
    err = work / "tmp" / f"worker-{time.monotonic_ns()}.err"
    cmd = [sys.executable, "-m", "debao_audit.grade", "--worker", str(err),
           "--cell-timeout", str(limits.cell_timeout), "--submission", str(work / "submission"),
           *[a for nb in todo for a in ("--notebook", nb)],
           *[a for c in cases for a in ("--case", c)]]
    if confine:
        cmd = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--fork", "--",
               "sh", "-c", _CONFINE, "sh", str(work), *cmd]
    box = sandbox.Limits(seconds=left, memory_mb=limits.memory_mb, file_mb=limits.file_mb,
                         output_bytes=8_000_000)
    outcome = sandbox.run(cmd, box, cwd=work, env=env)
    current: list[str] = []              # the notebook or case in progress
    done_nbs: set[str] = set()
    done_cases: set[str] = set()
    for line in outcome.stdout.splitlines():
        _event(line, current, done_nbs, done_cases, result)
    for nb in current:                   # what check() logged, notebook by notebook
        if not nb.startswith("case:"):
            _read_log(work, nb, result)
    tail = _tail(err) or " ".join(outcome.stderr.split())[-300:]
    if outcome.timed_out:
        why = f"the submission's time limit ({limits.timeout:g} s) was reached"
    elif outcome.returncode == 0:
        why = ""
    elif outcome.signal is None:
        why = f"it ended the grader's process (exit status {outcome.returncode}; os._exit?)"
    else:
        why = "the process " + outcome.describe()
    finished = done_nbs | {"case:" + c for c in done_cases}
    if current and current[-1] not in finished:
        what = current[-1]
        detail = (why or "it ended the grader's process (exit status 0; os._exit?)") + (
            f"; last error output: {tail}" if tail else "")
        if what.startswith("case:"):
            result.cases.append((what[5:], "failed", detail))
            done_cases.add(what[5:])
        else:
            result.notebooks.append((what, "failed", detail))
            done_nbs.add(what)
    elif why and not (done_nbs or done_cases):
        result.error = why + (f": {tail}" if tail else "")
        return set(todo), set(cases)
    return done_nbs, done_cases


def _log_of(work: Path, notebook: str) -> Path:
    """Where the worker has check() log a notebook's judgements (inside its writable copy)."""
    import hashlib
    return work / "tmp" / "checks" / (hashlib.sha256(notebook.encode()).hexdigest()[:16] + ".jsonl")


def _read_log(work: Path, notebook: str, result: Result) -> None:
    path = _log_of(work, notebook)
    try:
        with open(path, "rb") as f:
            text = f.read(8_000_000).decode("utf-8", "replace")
    except OSError:
        return
    for line in text.splitlines():
        try:
            row = json.loads(line)
            ex, status = str(row["exercise"]), str(row["status"])
        except (ValueError, KeyError, TypeError):
            continue
        if status in STATUSES:
            result.checks[ex] = (notebook, status, str(row.get("feedback", "")))


def _tail(path: Path) -> str:
    """The last line of a worker's error output (a crash's reason, say)."""
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, 2) - 2000))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


def _event(line: str, current: list[str], done_nbs: set[str], done_cases: set[str],
           result: Result) -> None:
    try:
        e = json.loads(line)
        kind = e["e"]
    except (ValueError, KeyError, TypeError):
        return
    if kind == "confined":
        result.confined = bool(e.get("value"))
    elif kind == "start":
        current.append(str(e.get("path", "")))
    elif kind == "notebook":
        path = str(e.get("path", ""))
        if path not in done_nbs:
            result.notebooks.append((path, str(e.get("status", "")), str(e.get("detail", ""))))
            done_nbs.add(path)
    elif kind == "case":
        path = str(e.get("path", ""))
        if path not in done_cases:
            result.cases.append((path, str(e.get("status", "")), str(e.get("detail", ""))))
            done_cases.add(path)


# --------------------------------------------------------------------------------------------
# The worker (inside the limited process)
# --------------------------------------------------------------------------------------------

class CellTimeout(BaseException):
    """Raised in a cell that runs past the cell time limit."""


def _emit(fd: int, **event: Any) -> None:
    data = (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:240]}" if text else type(e).__name__


def _read_notebook(path: Path) -> list[str]:
    """The code cells' sources, or SubmissionError naming what is wrong."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SubmissionError("not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise SubmissionError(f"line {e.lineno}, column {e.colno}: expected JSON ({e.msg})") from None
    except RecursionError:
        raise SubmissionError("JSON nested too deep") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise SubmissionError("expected a JSON object with a list 'cells' (nbformat 4)")
    out = []
    for i, c in enumerate(nb["cells"]):
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        src = c.get("source", "")
        if isinstance(src, list) and all(isinstance(s, str) for s in src):
            src = "".join(src)
        if not isinstance(src, str):
            raise SubmissionError(f"cells[{i}].source: expected a string or a list of strings")
        out.append(src)
    return out


def worker(err: Path, submission: Path, notebooks: list[str], cases: list[str],
           cell_timeout: float) -> int:
    """Run the notebooks and audit the case folders, reporting on stdout as it goes (on a
    private copy of it: the cells' own output, fd 1 included, goes to /dev/null, their errors
    to ``err``, a file bounded by the file-size limit)."""
    fd = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), 2)
    from . import data
    probes = [Path(__file__).resolve().parent, Path(sys.prefix), Path("/")]
    _emit(fd, e="confined", value=not any(os.access(p, os.W_OK) for p in probes))
    import matplotlib
    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    from . import teaching

    def alarm(signum, frame):
        raise CellTimeout(f"the cell ran longer than {cell_timeout:g} s")

    signal.signal(signal.SIGALRM, alarm)
    shell = InteractiveShell.instance()
    for rel in notebooks:
        path = submission / rel
        _emit(fd, e="start", path=rel)
        try:
            cells = _read_notebook(path)
        except (SubmissionError, OSError) as e:
            _emit(fd, e="notebook", path=rel, status="not a notebook", detail=str(e))
            continue
        shell.reset(new_session=True)
        os.chdir(path.parent)
        errors: list[str] = []
        timeouts = 0
        log = _log_of(submission.parent, rel)
        log.parent.mkdir(parents=True, exist_ok=True)
        os.environ[teaching.LOG_ENV] = str(log)       # check() logs each judgement there
        for i, src in enumerate(cells):
            signal.setitimer(signal.ITIMER_REAL, cell_timeout)
            try:
                res = shell.run_cell(src, store_history=False, silent=False)
                err = res.error_in_exec or res.error_before_exec
            except BaseException as e:   # noqa: BLE001 (a cell's own exception, any)
                err = e
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if err is not None:
                if isinstance(err, CellTimeout):
                    timeouts += 1
                errors.append(f"code cell {i + 1}: {_one_line(err)}")
            try:
                import matplotlib.pyplot as plt
                plt.close("all")
            except Exception:  # noqa: BLE001
                pass
        if timeouts:
            status = "timed out"
        else:
            status = "ran with errors" if errors else "ran"
        detail = (f"{len(cells)} code cells; {len(errors)} raised: " + "; ".join(errors[:5])
                  if errors else f"{len(cells)} code cells")
        _emit(fd, e="notebook", path=rel, status=status, detail=detail)
    from .audit import audit
    for rel in cases:
        _emit(fd, e="start", path="case:" + rel)
        signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        try:
            done = audit(submission / rel, data.OUTPUT / "cases" / re.sub(r"\W+", "_", rel),
                         draw=False)
            lines = done.summary()
            _emit(fd, e="case", path=rel, status="audited", detail=" ".join(lines[:2]))
        except BaseException as e:   # noqa: BLE001 (the case's own code may raise anything)
            _emit(fd, e="case", path=rel, status="failed", detail=_one_line(e))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return 0


# --------------------------------------------------------------------------------------------
# Grading a folder, writing the CSVs
# --------------------------------------------------------------------------------------------

def _exercise_ids() -> list[str]:
    from . import teaching

    return list(teaching.course().exercises)


def default_out(folder: Path) -> Path:
    return folder.resolve().parent / f"{folder.resolve().name}-grades"


def _check_out(out: Path, folder: Path) -> None:
    from . import data

    o, f = out.resolve(), folder.resolve()
    if o == f or o.is_relative_to(f) or f.is_relative_to(o):
        raise GradeError(f"{out}: the grades cannot go inside the submissions (or around them): "
                         "give --out DIR elsewhere")
    if o.is_relative_to(data.ROOT) and not o.is_relative_to(data.ROOT / "build"):
        raise GradeError(f"{out}: the grades cannot go into the checkout (only under build/): "
                         "give --out DIR elsewhere")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise GradeError(f"{out}: expected a folder of grades or nothing there; got a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise GradeError(f"{out}: not empty and not a previous grading's output: give --out "
                         "DIR elsewhere, or remove it")


def write(out: Path, results: list[Result], exercises: Sequence[str]) -> list[Path]:
    """summary.csv and students/*.csv into ``out``, replacing a previous grading whole."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (tmp / MARKER).write_text("debao_audit grade output\n", encoding="utf-8")
        (tmp / "students").mkdir()
        names: set[str] = set()
        written = []
        for r in results:
            name = _safe_name(r.student)
            base, k = name, 2
            while name.lower() in names:
                name, k = f"{base}-{k}", k + 1
            names.add(name.lower())
            p = tmp / "students" / f"{name}.csv"
            with open(p, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(STUDENT_COLUMNS)
                w.writerows([_cell(v) for v in row] for row in r.rows(exercises))
            written.append(out / "students" / p.name)
        with open(tmp / "summary.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(SUMMARY_COLUMNS)
            w.writerows([_cell(v) for v in r.summary_row(exercises)] for r in results)
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [out / "summary.csv", *written]


def grade(folder: Path, out: Path | None = None, limits: Limits = Limits(),
          jobs: int = 1, progress=print) -> list[Result]:
    """Grade every submission in ``folder`` and write the CSVs into ``out``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GradeError(f"{folder}: expected a folder of submissions (one folder, .ipynb or "
                         ".zip per student)")
    out = Path(out) if out is not None else default_out(folder)
    _check_out(out, folder)
    exercises = _exercise_ids()
    subs = submissions(folder)
    confine = _can_confine()
    results: list[Result | None] = [None] * len(subs)

    def one(i: int) -> None:
        student, path = subs[i]
        try:
            r = grade_one(student, path, limits, confine)
        except Exception as e:  # noqa: BLE001 (the grader's own failure on one: still one row)
            r = Result(student, error=f"the grader failed on it: {_one_line(e)}")
        results[i] = r
        n = r.counts(exercises)
        progress(f"{student}: {n['right']} right, {n['close']} close, {n['wrong']} wrong, "
                 f"{n['unanswered']} unanswered, {n['not checked']} not checked of "
                 f"{len(exercises)} ({r.seconds:.0f} s)" + (f"; error: {r.error}" if r.error else ""))

    if jobs > 1:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, range(len(subs))))
    else:
        for i in range(len(subs)):
            one(i)
    done = [r for r in results if r is not None]
    write(out, done, exercises)
    progress(f"{len(done)} submissions graded: {out / 'summary.csv'} and {out / 'students'}/ "
             f"({'confined: read-only files, no network' if confine else 'not confined: unshare unavailable'})")
    return done


def add_grade(sub: argparse._SubParsersAction) -> None:
    from .__main__ import command
    p = command(
        sub, "grade", _grade_cli,
        help="run every student's notebooks in isolation and write CSVs of results",
        description="Grade a folder of submissions (one folder, .ipynb or .zip per student): "
                    "each runs in a temporary copy, in its own process with time and memory "
                    "limits; the exercise results are the course's own checks. Writes "
                    "summary.csv and students/STUDENT.csv. A broken submission is a row with "
                    "its error; the run goes on.")
    p.add_argument("folder", help="the folder of submissions")
    p.add_argument("--out", help="where to write the CSVs (default: FOLDER-grades beside it)")
    d = Limits()
    p.add_argument("--timeout", type=float, default=d.timeout,
                   help=f"seconds for one submission (default {d.timeout:g})")
    p.add_argument("--cell-timeout", type=float, default=d.cell_timeout,
                   help=f"seconds for one cell (default {d.cell_timeout:g})")
    p.add_argument("--memory", type=int, default=d.memory_mb, metavar="MB",
                   help=f"memory (address space) of one submission's process (default {d.memory_mb})")
    p.add_argument("--jobs", type=int, default=1, help="submissions graded at once (default 1)")


def _grade_cli(args: argparse.Namespace) -> int:
    for name in ("timeout", "cell_timeout", "memory", "jobs"):
        if getattr(args, name) <= 0:
            print(f"grade: --{name.replace('_', '-')}: expected a positive number; got "
                  f"{getattr(args, name)}", file=sys.stderr)
            return 2
    limits = Limits(timeout=args.timeout, cell_timeout=args.cell_timeout, memory_mb=args.memory)
    try:
        grade(Path(args.folder), Path(args.out) if args.out else None, limits, args.jobs)
    except GradeError as e:
        print(f"grade: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"grade: {e.filename or 'the output'}: {e.strerror or e}", file=sys.stderr)
        return 2
    return 0


def _worker_main(argv: Sequence[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=Path, required=True)
    ap.add_argument("--cell-timeout", type=float, required=True)
    ap.add_argument("--submission", type=Path, required=True)
    ap.add_argument("--notebook", action="append", default=[])
    ap.add_argument("--case", action="append", default=[])
    a = ap.parse_args(argv)
    return worker(a.worker, a.submission, a.notebook, a.case, a.cell_timeout)


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
