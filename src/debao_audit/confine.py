"""Where a command may write a directory it replaces whole (``make site``, ``make student``,
``make lite``): checked before anything is written, then swapped into place atomically.

:func:`check_target` refuses, in one line, a target that is a symbolic link or a file, one that
is the checkout or inside its own files (only ``site/``, ``lite/``, ``build/`` and hidden
work directories are the commands' own), and an existing directory that is not a previous
output of the same command (``looks_ours``) unless it is empty.  :func:`swap` puts a finished
directory in place of the target (the previous one kept until the new one is in, a leftover
``.NAME.old`` of any kind removed).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

#: The checkout's directories a command may replace (its own outputs, all git-ignored).
OWN = ("site", "lite", "build")


class TargetError(ValueError):
    """A target directory a command must not replace (one line)."""


def check_target(out: Path, what: str, looks_ours: Callable[[Path], bool]) -> Path:
    """``out``, absolute, if ``what`` (e.g. "the site") may be written there; else
    :class:`TargetError`."""
    from . import data

    out = Path(out)
    if out.is_symlink():
        raise TargetError(f"{out}: expected a directory for {what}, not a symbolic link (to "
                          f"{os.readlink(out)}); nothing was changed")
    real = out.resolve()
    root = data.ROOT.resolve()
    if real == root or real in root.parents or (root in real.parents and not any(
            real == root / own or (root / own) in real.parents for own in OWN)):
        raise TargetError(f"{out}: expected a directory for {what} outside the checkout's own "
                          f"files (or its {', '.join(o + '/' for o in OWN)}); nothing was "
                          "changed")
    if out.exists():
        if not out.is_dir():
            raise TargetError(f"{out}: expected a directory for {what}, or nothing there; found "
                              "a file: remove it, or choose another place; nothing was changed")
        if any(out.iterdir()) and not looks_ours(out):
            raise TargetError(f"{out}: expected an empty directory or a previous copy of {what}"
                              f"; found other files there (e.g. {sorted(p.name for p in out.iterdir())[0]!r}"
                              "): choose another place; nothing was changed")
    return real


def discard(path: Path) -> None:
    """Remove ``path`` whatever it is (a directory, a file, a link: never followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def swap(new: Path, out: Path) -> None:
    """Put the directory ``new`` (beside ``out``) in place of ``out``: the previous ``out``
    becomes ``.NAME.old`` until ``new`` is in, then goes; a failure puts it back."""
    old = out.with_name(f".{out.name}.old")
    discard(old)        # left by a run killed while swapping: a directory, a file or a link
    moved = out.exists() or out.is_symlink()
    if moved:
        out.rename(old)
    try:
        new.rename(out)
    except BaseException:
        if moved:
            old.rename(out)
        raise
    try:
        discard(old)
    except OSError:
        pass            # the new copy is in place; a leftover goes next time
