"""The build's errors, and how a failure is worded: one line, naming the file."""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path


class BuildError(Exception):
    pass


class Stopped(BuildError):
    """A step that stopped because another failed (never the cause to report)."""


class CommitError(BuildError):
    """A commit failed part-way; the message says exactly which outputs changed."""


def os_error(e: OSError) -> str:
    return f"{e.strerror or type(e).__name__}" if e.strerror else str(e) or type(e).__name__


def named_in(error: str) -> str | None:
    """The path an OSError's text names (``[Errno 28] No space left on device: '/x/y'``)."""
    m = re.search(r"No space left on device: '([^']+)'", error)
    return m.group(1) if m else None


def disk_full(out: Path, path: object = None) -> str:
    """A full disk, in words, with the file being written, or else the output directory ``out``
    when its disk is (nearly) full: one phrase for every place the build can run out of space."""
    if path is None:
        with contextlib.suppress(OSError):
            st = os.statvfs(out)
            if st.f_bavail * st.f_frsize < 1 << 20:
                return f"the disk is full (No space left on device) writing under {out}"
        return "the disk is full (No space left on device)"
    return f"the disk is full (No space left on device) writing {path}"


@contextlib.contextmanager
def writing(path: Path):
    """An OSError while writing ``path`` names it (a failed write(), unlike open(), does not)."""
    try:
        yield
    except OSError as e:
        if e.filename is None:
            e.filename = str(path)
        raise


def rel_out(out: Path, p: Path) -> str:
    try:
        return str(p.relative_to(out))
    except ValueError:
        return str(p)


def pause(phase: str) -> None:
    """Fault injection for tests/test_build.py: with DEBAO_BUILD_PAUSE_AT=<phase>, stop there
    (a test then kills the build)."""
    if os.environ.get("DEBAO_BUILD_PAUSE_AT") == phase:
        print(f"build: paused at {phase}", flush=True)
        time.sleep(600)
