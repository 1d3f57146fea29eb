"""What `make site`, `make student` and `make lite` replace is checked first (issue 22): never
the checkout's own files, never someone's directory, never through a link; a leftover of a
killed run never blocks the next; the site reads one build's outputs, never half a commit."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
from tools import build_site  # noqa: E402

from debao_audit import confine, teaching  # noqa: E402
from inprocess import run_cli  # noqa: E402,F401


def _student(argv):
    import contextlib
    import io
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = teaching.main(["student", str(argv)])
    return rc, err.getvalue()


def test_student_edition_refuses_what_is_not_its_own(tmp_path):
    (tmp_path / "file").write_text("x")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.tex").write_text("mine")
    (tmp_path / "link").symlink_to(theirs, target_is_directory=True)
    for target, says in ((tmp_path / "file", "found a file"),
                         (theirs, "a previous copy of the student edition"),
                         (tmp_path / "link", "not a symbolic link"),
                         (ROOT / "notebooks", "outside the checkout's own files"),
                         (ROOT, "outside the checkout's own files")):
        rc, err = _student(target)
        assert rc == 2 and says in err and len(err.strip().splitlines()) == 1, err
    assert (theirs / "thesis.tex").read_text() == "mine"
    assert [p.name for p in theirs.iterdir()] == ["thesis.tex"]


def test_student_edition_replaces_its_own_and_survives_leftovers(tmp_path):
    out = tmp_path / "student"
    (tmp_path / ".student.old").write_text("a leftover file of a killed run")
    assert _student(out)[0] == 0
    assert _student(out)[0] == 0  # a previous edition is replaced
    assert (out / "notebooks" / "glossary.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["student", "student.zip"]


def test_a_broken_notebook_is_one_line(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns("solutions", "*.ipynb"))
    for name in ("data", "cases", "figures", "fonts", "src"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    (root / "notebooks" / "00-broken.ipynb").write_text("{not json")
    with pytest.raises(teaching.StudentError, match=r"00-broken\.ipynb: expected a notebook"):
        teaching.write_student(tmp_path / "out", root=root)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["repo"]


def test_swap_puts_back_the_previous_copy_on_failure(tmp_path, monkeypatch):
    out, new = tmp_path / "site", tmp_path / ".site.new"
    out.mkdir()
    (out / "index.html").write_text("old")
    new.mkdir()
    real = Path.rename

    def failing(self, target):
        if self == new:
            raise OSError(28, "No space left on device")
        return real(self, target)
    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        confine.swap(new, out)
    assert (out / "index.html").read_text() == "old"


def test_the_site_refuses_a_foreign_target(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    assert build_site.main(["--out", str(theirs)]) == 2
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]
    assert build_site.main(["--out", str(ROOT / "figures")]) == 2


def test_the_site_waits_for_a_build_then_refuses(tmp_path, capsys):
    """A build holds .build/lock for its whole run (commit included): the site waits for it,
    and refuses after its wait; an interrupted commit is refused (make completes it)."""
    (tmp_path / ".build").mkdir()
    lock = tmp_path / ".build" / "lock"
    lock.write_text("")
    with build_site.build_snapshot(tmp_path, wait=0.1):
        pass  # no build running: read at once
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with pytest.raises(build_site.SiteError, match="still running"):
            with build_site.build_snapshot(tmp_path, wait=0.5):
                pass
    finally:
        os.close(fd)
    assert "waiting for it to finish" in capsys.readouterr().err
    (tmp_path / ".build" / "commit.json").write_text(json.dumps({}))
    with pytest.raises(build_site.SiteError, match="interrupted: run make"):
        with build_site.build_snapshot(tmp_path, wait=0.1):
            pass


def test_the_lite_target_is_checked_before_anything(tmp_path):
    import importlib
    lite = importlib.import_module("tools.build_lite")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "x").write_text("mine")
    assert lite.main(["build", "--out", str(theirs)]) == 2
    (tmp_path / "file").write_text("x")
    assert lite.main(["build", "--out", str(tmp_path / "file")]) == 2
    assert (theirs / "x").read_text() == "mine"


def test_hypothesis_keeps_its_files_outside_the_checkout():
    """`make test` once wrote .hypothesis/ (Unicode tables, constants) into the checkout."""
    from hypothesis.configuration import storage_directory
    where = storage_directory()
    where = Path(getattr(where, "path", where))
    assert where == Path(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])
    assert not where.resolve().is_relative_to(ROOT)
