"""Run untrusted work in a separate process, with time and memory limits.

Whatever runs others' code (a case's ``checks.py``, a student's notebook or answer) runs it
through this module, never in the calling process: a crash, an ``os._exit``, a
``KeyboardInterrupt``, an endless loop or a runaway allocation then ends *that* process and is
reported in one line, and the caller goes on.

Two entry points, one :class:`Limits` and one :class:`Outcome`:

``run(argv, limits=Limits(), cwd=None, env=None, input=None) -> Outcome``
    Any command, in its own session (so that the whole process group is killed on timeout),
    with ``RLIMIT_AS`` (memory), ``RLIMIT_CPU``, ``RLIMIT_FSIZE`` (largest file it may write),
    ``RLIMIT_NPROC``-free, ``RLIMIT_CORE = 0``, and a wall-clock ``timeout``; stdout and stderr
    captured (each cut at ``limits.output_bytes``).

``call("package.module:function", *args, limits=Limits(), **kwargs) -> Outcome``
    A Python function, by its import path, in a fresh interpreter (``sys.executable``).  The
    arguments and the return value travel as JSON (never pickle: the child's answer is data,
    not code), the return value in ``Outcome.value``.  An exception in the child, *any*
    ``BaseException`` (``SystemExit``, ``KeyboardInterrupt``) included, comes back as
    ``Outcome.error`` (one line: type, message, and the last line of the child's traceback
    outside this package); a child that ends without an answer (``os._exit``, a signal, the
    memory limit, the timeout) is named as such by :meth:`Outcome.describe`.

Example (what ``grade`` does with a student's work)::

    from debao_audit import sandbox
    out = sandbox.call("debao_audit.teaching:grade_one", str(path),
                       limits=sandbox.Limits(seconds=60, memory_mb=1024))
    if not out.ok:
        print(f"grade: {path}: {out.describe()}", file=sys.stderr)

The limits are POSIX ``resource`` limits; on a platform without them (Windows) only the
timeout applies.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

__all__ = ["Limits", "Outcome", "run", "call", "SandboxError"]

#: Set in the child's environment: code may check it (a command run under the sandbox does not
#: sandbox itself again).
ENV_FLAG = "DEBAO_SANDBOXED"


class SandboxError(RuntimeError):
    """The sandbox itself could not start the work (not: the work failed)."""


@dataclass(frozen=True)
class Limits:
    """What the child may use.  ``seconds``: wall clock (the whole process group is killed
    after it); ``cpu_seconds``: CPU time (default: ``seconds`` + 1); ``memory_mb``: address
    space (``RLIMIT_AS``; Python with pandas and matplotlib needs ~600 MB of it);
    ``file_mb``: the largest file it may write; ``output_bytes``: stdout/stderr kept."""
    seconds: float = 120.0
    memory_mb: int = 2048
    cpu_seconds: int | None = None
    file_mb: int = 256
    output_bytes: int = 1_000_000

    def __post_init__(self) -> None:
        if not self.seconds > 0 or self.memory_mb <= 0 or self.file_mb <= 0:
            raise ValueError(f"sandbox limits must be positive; got {self}")


@dataclass
class Outcome:
    """How the child ended."""
    argv: tuple[str, ...]
    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    limits: Limits = field(default_factory=Limits)
    #: :func:`call` only: whether the function returned, its value (JSON), or its error.
    called: bool = False
    returned: bool = False
    value: Any = None
    error: str | None = None

    @property
    def signal(self) -> int | None:
        """The signal that ended the child (None: it exited, or was never started)."""
        rc = self.returncode
        return -rc if rc is not None and rc < 0 else None

    @property
    def ok(self) -> bool:
        """The work finished: :func:`run`: exit status 0 in time; :func:`call`: the function
        returned a value."""
        if self.timed_out or self.returncode != 0:
            return False
        return self.returned if self.called else True

    def describe(self) -> str:
        """One line: why the work did not finish (or 'finished')."""
        lim = self.limits
        if self.timed_out:
            return f"stopped after {lim.seconds:g} s (the time limit)"
        if self.error:
            return self.error
        sig = self.signal
        if sig is not None:
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else sig
            why = {signal.SIGXCPU: f" (the CPU limit, {self._cpu()} s)",
                   signal.SIGXFSZ: f" (a file larger than {lim.file_mb} MB)",
                   signal.SIGKILL: " (killed: out of memory or by the system)",
                   signal.SIGSEGV: " (a crash; often the memory limit, "
                                   f"{lim.memory_mb} MB)"}.get(sig, "")
            return f"ended by signal {name}{why}"
        tail = _last_line(self.stderr)
        if "MemoryError" in tail:
            return f"ran out of memory (the limit is {lim.memory_mb} MB)"
        if self.returncode != 0:
            return (f"exited with status {self.returncode}"
                    + (f": {tail}" if tail else ""))
        if not self.ok:
            return ("ended the process (exit status 0) before it finished: os._exit or "
                    "a similar hard exit")
        return "finished"

    def _cpu(self) -> int:
        return self.limits.cpu_seconds or int(self.limits.seconds) + 1


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return " ".join(lines[-1].split())[:300] if lines else ""


def _preexec(limits: Limits):
    # imported here, in the parent: nothing may be imported between fork and exec
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    prctl = None
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            prctl = ctypes.CDLL(None).prctl
        except (OSError, AttributeError):
            prctl = None

    def apply() -> None:  # runs in the child between fork and exec
        mb = 1024 * 1024

        def cap(which: int, soft: int) -> None:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(which, (soft, hard if hard != resource.RLIM_INFINITY
                                       and hard < soft else soft))

        cap(resource.RLIMIT_AS, limits.memory_mb * mb)
        cpu = limits.cpu_seconds or int(limits.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
        cap(resource.RLIMIT_FSIZE, limits.file_mb * mb)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if prctl is not None:  # the child dies with its parent (a killed build, say)
            prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    return apply


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()


def run(argv: Sequence[str], limits: Limits = Limits(), cwd: str | os.PathLike | None = None,
        env: Mapping[str, str] | None = None, input: str | None = None) -> Outcome:
    """Run ``argv`` under ``limits`` and wait for it (see the module's docstring).  Raises
    :class:`SandboxError` only when the command cannot be started at all."""
    argv = tuple(str(a) for a in argv)
    child_env = dict(os.environ if env is None else env)
    child_env[ENV_FLAG] = "1"
    # one thread per math library: their per-thread arenas count against RLIMIT_AS
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        child_env.setdefault(var, "1")
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=child_env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, preexec_fn=_preexec(limits))
    except OSError as e:
        raise SandboxError(f"{argv[0]}: could not start: {e.strerror or e}") from None
    timed_out = False
    try:
        out, err = proc.communicate(input.encode() if input is not None else None,
                                    timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        out, err = proc.communicate()
    except BaseException:  # our own interrupt: the child must not outlive us
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        if proc.returncode is None:
            _kill_group(proc)
            proc.wait()
    _kill_group(proc)  # anything it left running in its session
    cut = limits.output_bytes
    return Outcome(argv, proc.returncode, out[:cut].decode("utf-8", "replace"),
                   err[:cut].decode("utf-8", "replace"), timed_out, limits)


#: The child's side of :func:`call`: import the target, run it, write the JSON answer to the
#: file named by argv[1].  BaseException is caught: SystemExit and KeyboardInterrupt raised by
#: the work are its errors, not the child's way out.
_CHILD = r"""
import importlib, json, sys, traceback
answer, target = sys.argv[1], sys.argv[2]
def _where(e):
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename != '<string>']
    return f" ({frames[-1].filename}, line {frames[-1].lineno})" if frames else ""
def _line(e):
    msg = ' '.join(str(e).split())[:300]
    return f"{type(e).__name__}{': ' + msg if msg else ''}{_where(e)}"
try:
    args = json.loads(sys.stdin.read() or '[[], {}]')
    module, _, name = target.partition(':')
    fn = importlib.import_module(module)
    for part in name.split('.'):
        fn = getattr(fn, part)
    value = fn(*args[0], **args[1])
    result = {'value': value}
except BaseException as e:
    if isinstance(e, SystemExit) and e.code in (None, 0):
        result = {'error': f"SystemExit (sys.exit({e.code!r})) before it finished{_where(e)}"}
    else:
        result = {'error': _line(e)}
try:
    text = json.dumps(result, ensure_ascii=False, default=str)
except (TypeError, ValueError) as e:
    text = json.dumps({'error': f'a result that is not JSON: {e}'})
with open(answer, 'w', encoding='utf-8') as f:
    f.write(text)
"""


def call(target: str, *args: Any, limits: Limits = Limits(),
         cwd: str | os.PathLike | None = None, env: Mapping[str, str] | None = None,
         **kwargs: Any) -> Outcome:
    """Call the function ``target`` (``"package.module:function"``) with JSON-able
    ``args``/``kwargs`` in a fresh, limited interpreter; its return value (JSON-able) in
    ``Outcome.value``.  See the module's docstring."""
    if ":" not in target:
        raise ValueError(f"sandbox.call: expected 'package.module:function'; got {target!r}")
    payload = json.dumps([list(args), kwargs], ensure_ascii=False)
    fd, answer = tempfile.mkstemp(prefix="debao-sandbox-", suffix=".json")
    os.close(fd)
    try:
        out = run([sys.executable, "-c", _CHILD, answer, target], limits, cwd=cwd, env=env,
                  input=payload)
        try:
            with open(answer, encoding="utf-8") as f:
                text = f.read(limits.output_bytes + 1)
        except OSError:
            text = ""
    finally:
        try:
            os.unlink(answer)
        except OSError:
            pass
    out.argv = (sys.executable, "-c", "<debao_audit.sandbox child>", target)
    out.called = True
    if text:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {"error": "an unreadable answer (cut or overwritten)"}
        if isinstance(doc, dict) and "value" in doc:
            out.returned, out.value = True, doc["value"]
        elif isinstance(doc, dict) and isinstance(doc.get("error"), str):
            out.error = doc["error"]
    return out


# --------------------------------------------------------------------------------------------
# A whole command line, again, in the sandbox
# --------------------------------------------------------------------------------------------

#: Set by :func:`rerun` in the child's environment: the file where the child's command writes
#: its exit status when it finishes (:func:`finished`).  No status: it never finished.
DONE_ENV = "DEBAO_SANDBOX_DONE"
#: The limits of a case's code run from the command line (``audit``, ``validate``, ``what-if``).
CASE_LIMITS = Limits(seconds=600, memory_mb=4096, file_mb=512)


def inside() -> bool:
    """Whether this process runs under the sandbox."""
    return bool(os.environ.get(ENV_FLAG))


def finished(status: int) -> int:
    """Called by a command run under :func:`rerun` when it ends normally: records ``status``
    (returned unchanged)."""
    path = os.environ.get(DONE_ENV)
    if path:
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(str(int(status)))
        except OSError:
            pass
    return status


def rerun(module: str, argv: Sequence[str], what: str, limits: Limits | None = None) -> int:
    """Run ``python -m module *argv`` under ``limits`` (its stdout and stderr passed on), and
    return its exit status; a child that did not finish (time or memory limit, a signal,
    ``os._exit``) is reported in one line on stderr, ``"{what}: {why}; nothing was written"``,
    with status 2.  The command must call :func:`finished` when it ends."""
    limits = limits or CASE_LIMITS
    fd, done = tempfile.mkstemp(prefix="debao-sandbox-done-")
    os.close(fd)
    env = dict(os.environ, **{DONE_ENV: done})
    try:
        try:
            out = run([sys.executable, "-m", module, *argv], limits, env=env)
        except KeyboardInterrupt:
            print(f"{what}: interrupted; the case's process was stopped", file=sys.stderr)
            return 130
        with open(done, encoding="utf-8") as f:
            status = f.read().strip()
    finally:
        os.unlink(done)
    sys.stdout.write(out.stdout)
    sys.stdout.flush()
    sys.stderr.write(out.stderr)
    if status.lstrip("-").isdigit() and not out.timed_out:
        return int(status)
    why = out.describe()
    if why == "finished":  # exit status 0 without the command's own status: a hard exit
        why = "ended the process (exit status 0) before it finished: os._exit or a similar hard exit"
    print(f"{what}: the case's code {why}; nothing was written", file=sys.stderr)
    return 2
