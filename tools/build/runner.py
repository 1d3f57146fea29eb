"""Running the steps: each notebook in its own kernel (its reads recorded by an audit hook),
each case's audit in its own process, the gallery in this one, all into their staging
directories; on a failure every other kernel and audit is stopped by signal."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..paths import Paths
from .errors import BuildError, Stopped, disk_full, named_in, writing
from .steps import ALWAYS, GALLERY_OUTPUTS, OUTPUT_DIRS, case_committed, case_inputs

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


def _font_cache_env(paths: Paths) -> dict[str, str]:
    """The steps keep their font subsets in this build's own ``.build/font-cache/``, not in
    their stage (whose files are outputs) nor in a cache named by the caller (a build touches
    nothing outside its checkout and outputs); an empty DEBAO_FONT_CACHE (no cache) is kept."""
    if os.environ.get("DEBAO_FONT_CACHE") == "":
        return {}
    return {"DEBAO_FONT_CACHE": str(paths.build / "font-cache")}


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


def remove_ipc_dir() -> None:
    """This run's socket directory, at its end."""
    if _IPC is not None:
        shutil.rmtree(_IPC, ignore_errors=True)


def clean_ipc_dirs() -> None:
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


def failure() -> BaseException | None:
    """The first failure of any step so far (None: none)."""
    return _FAILURES[0] if _FAILURES else None


def _timed(fn, *args):
    """Run a step, timed; whatever makes it fail is reported at once (:func:`_failed`), so the
    first failure is the one named."""
    t = time.perf_counter()
    try:
        return fn(*args), time.perf_counter() - t
    except BaseException as e:
        _failed(e)
        raise


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


def _silent(paths: Paths, client, code: str, path: Path, writing_: Path | None = None) -> None:
    """Run the build's own code in the kernel; a failure is one line (never the reply itself:
    kilobytes of coloured traceback), a full disk named as such, with the file being written."""
    reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
    if reply is not None and reply["content"]["status"] == "ok":
        return
    content = reply["content"] if reply is not None else {}
    error = f"{content.get('ename', 'no reply')}: {content.get('evalue', '')}".rstrip(": ")
    if "No space left on device" in error:
        error = disk_full(paths.out, writing_ or named_in(error))
    raise BuildError(f"{path.relative_to(paths.root)}: the build's bookkeeping code failed in "
                     f"the kernel: {' '.join(error.split())[:300]}")


def run_notebook(paths: Paths, path: Path, stage: Path, timeout: int = 600) -> dict:
    """Execute ``path`` with outputs going to ``stage``; returns its deps and outputs."""
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    root, out_r = paths.root, paths.out
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
               MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1", **_font_cache_env(paths))
    try:
        # The kernel's own stdout and stderr (not the cells' output, which comes as messages)
        # are not the build's: a kernel stopped after another step failed may print libzmq's
        # "Assertion failed: pfd.revents & POLLIN" as it goes, and the build says one line.
        with client.setup_kernel(env=env, cwd=str(path.parent), cleanup_kc=False,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            try:
                info = client.wait_for_reply(client.kc.kernel_info())
                nb.metadata["language_info"] = info["content"]["language_info"]
                _silent(paths, client, _RECORD, path)
                try:
                    for index, cell in enumerate(nb.cells):
                        client.execute_cell(cell, index,
                                            execution_count=client.code_cells_executed + 1)
                except CellExecutionError as e:
                    raise BuildError(_cell_error(paths, path, nb, e)) from None
                _silent(paths, client, _DUMP.format(target=str(deps_file)), path, deps_file)
            except BaseException as e:
                _failed(e)     # reported now, before the kernel's clean-up, which may hang
                raise
    finally:
        _shutdown(km, client)
    if _FAILURES:            # another step failed meanwhile: nothing more is written
        raise Stopped(f"{path.relative_to(root)}: stopped, another step failed")
    out = stage / path.relative_to(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with writing(out):
        out.write_text(nbformat.writes(_clean(nb)).rstrip("\n") + "\n", encoding="utf-8")

    deps, stage_r = set(), stage.resolve()
    for p in json.loads(deps_file.read_text(encoding="utf-8")):
        p = Path(_source_of(p))
        if out_r != root and any(p.resolve().is_relative_to(out_r / d) for d in OUTPUT_DIRS):
            raise BuildError(f"{path.relative_to(root)} read {p}, an output: read outputs "
                             "through debao_audit.data.FIGURES/PROCESSED, never the built copy")
        try:
            rel = p.resolve().relative_to(root)
        except ValueError:
            continue                                   # the environment: see requirements.lock
        if p.resolve().is_relative_to(stage_r) or rel.parts[0] in (".venv", ".build", ".git"):
            continue
        if not p.is_file():
            continue
        if any(rel.is_relative_to(d) for d in OUTPUT_DIRS):
            raise BuildError(f"{path.relative_to(root)} read {rel}, an output: read outputs "
                             "through debao_audit.data.FIGURES/PROCESSED, never the committed copy")
        deps.add(str(rel))
    deps.discard(str(path.relative_to(root)))
    deps.update(ALWAYS)
    outputs = sorted(str(q.relative_to(stage)) for q in stage.rglob("*") if q.is_file())
    return {"deps": sorted(deps), "outputs": outputs}


def _cell_error(paths: Paths, path: Path, nb, e) -> str:
    """One paragraph: the notebook, the failing cell, the error (no colour codes, short)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(e))
    last = [ln for ln in text.strip().splitlines() if ln.strip()]
    tail = last[-1] if last else "error"
    cell = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                 and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
    where = f"cell {cell}" if cell is not None else "a cell"
    if "No space left on device" in text:
        tail = disk_full(paths.out, named_in(tail))
    return f"{path.relative_to(paths.root)}: {where} failed: {tail}"


def run_gallery(paths: Paths, stage: Path) -> dict:
    """The README and the docs pages with their rendered blocks rewritten, into ``stage``."""
    from .. import write_gallery

    root = paths.root
    pages = {}
    for rel in GALLERY_OUTPUTS:
        try:
            text = (root / rel).read_text(encoding="utf-8")
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
        with writing(stage / rel):
            (stage / rel).write_text(new, encoding="utf-8")
    deps = sorted({*ALWAYS, "tools/write_gallery.py",
                   *(str(p.relative_to(root)) for pkg in ("debao_audit", "debao_case")
                     for p in (root / "src" / pkg).rglob("*.py")),
                   *(str(p.relative_to(root)) for p in (root / "data").rglob("*")
                     if p.is_file() and "processed" not in p.parts)})
    return {"deps": deps, "outputs": list(GALLERY_OUTPUTS)}


def run_case(paths: Paths, folder: Path, stage: Path, timeout: int = 600) -> dict:
    """Audit the case in ``folder`` (``python -m debao_audit audit``) into ``stage``: its tables
    under ``data/processed/cases/<slug>/``, its figures and page under ``figures/cases/<slug>/``.
    """
    root = paths.root
    slug = folder.name
    stage.mkdir(parents=True)
    tables = stage / "data" / "processed" / "cases" / slug
    figs = stage / "figures" / "cases" / slug
    env = dict(os.environ, DEBAO_AUDIT_OUTPUT=str(stage), MPLBACKEND="Agg",
               **_font_cache_env(paths))
    trust = ["--trust"] if case_committed(paths, folder) else []
    proc = subprocess.Popen([sys.executable, "-m", "debao_audit", "audit", str(folder),
                             "--tables", str(tables), "--figures", str(figs), *trust],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    _PROCESSES.append(proc)     # killed, like the kernels, when another step fails
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise BuildError(f"{folder.relative_to(root)}: the audit took more than {timeout} s")
    if _FAILURES:
        raise Stopped(f"{folder.relative_to(root)}: stopped, another step failed")
    if proc.returncode != 0:
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        raise BuildError(f"{folder.relative_to(root)}: the audit failed: "
                         f"{lines[-1] if lines else f'exit status {proc.returncode}'}")
    for marker in stage.rglob(".debao-audit.json"):  # the audit's own note, not an output
        marker.unlink()
    outputs = sorted(str(q.relative_to(stage)) for q in stage.rglob("*") if q.is_file())
    return {"deps": case_inputs(paths, folder), "outputs": outputs}
