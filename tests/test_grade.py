"""`python -m debao_audit grade SUBMISSIONS/` (issue 26, item 6): each submission runs in a
temporary copy in its own limited process; the CSVs hold the course's own check results; a
broken or hostile submission is a row with its error, and the run exits 0."""

from __future__ import annotations

import csv
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from debao_audit import data, grade, teaching

ROOT = data.ROOT
NB03 = "03-examine-income-growth"


def _nb(*cells: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": s,
                                  "outputs": [], "execution_count": None} for s in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Five submissions: right (the worked solution of 03), wrong (03's answers computed the
    wrong way), empty (a folder with nothing in it), broken JSON, hostile (a loop, os._exit,
    KeyboardInterrupt, writes outside, a huge output; a last notebook that still counts)."""
    base = tmp_path_factory.mktemp("grade")
    subs = base / "submissions"
    outside = base / "outside.txt"
    (subs / "right").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "solutions" / f"{NB03}-solutions.ipynb",
                subs / "right" / f"{NB03}.ipynb")
    (subs / "wrong").mkdir()
    (subs / "wrong" / f"{NB03}.ipynb").write_text(_nb(
        "from debao_audit import checks\nfrom debao_audit.teaching import check\n"
        "figs = checks.load_figures()\n"
        "G, g = figs.pt('rural_income_growth_total'), figs.pt('rural_income_growth_annual')",
        "check('03-1', G / g)",                      # the rates divided: a wrong method
        "check('03-4', figs.pt('rural_income_2020') / (1 + g / 100) * 5)"))
    (subs / "empty").mkdir()
    (subs / "broken.ipynb").write_text(_nb("x = 1")[:40], encoding="utf-8")
    hostile = subs / "hostile"
    hostile.mkdir()
    (hostile / "a-loop.ipynb").write_text(_nb(
        "from debao_audit.teaching import check\ncheck('03-2', None)",
        "while True:\n    pass",
        "print('x' * 50_000_000)",
        f"open({str(outside)!r}, 'w').write('escaped')",
        "import pathlib\npathlib.Path('../../escaped.txt').write_text('x')",
        "raise KeyboardInterrupt"))
    (hostile / "b-exit.ipynb").write_text(_nb("import os\nos._exit(3)"))
    (hostile / "c-after.ipynb").write_text(_nb(
        "from debao_audit.teaching import check\ncheck('03-3', 0.05)"))
    before = _snapshot(subs)
    checkout = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*")}
    out = base / "grades"
    proc = __import__("subprocess").run(
        [os.sys.executable, "-m", "debao_audit", "grade", str(subs), "--out", str(out),
         "--cell-timeout", "3", "--timeout", "120"],
        capture_output=True, text=True, timeout=400)
    return dict(proc=proc, out=out, subs=subs, before=before, outside=outside,
                checkout=checkout)


def test_five_submissions_graded_exit_0(graded):
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr + proc.stdout
    summary = {r["student"]: r for r in _read(graded["out"] / "summary.csv")}
    assert list(summary) == ["broken", "empty", "hostile", "right", "wrong"]
    n = len(teaching.course().exercises)
    assert all(int(r["exercises"]) == n for r in summary.values())
    assert summary["right"]["right"] == "4" and summary["right"]["error"] == ""
    assert summary["right"]["notebooks_run"] == "1"
    assert summary["wrong"]["right"] == "0" and int(summary["wrong"]["wrong"]) >= 1
    assert "no notebook" in summary["empty"]["error"]
    assert summary["broken"]["error"].startswith("broken.ipynb: not a notebook: line 1, column")
    assert summary["empty"]["confined"] == "n/a"
    for r in summary.values():
        assert sum(int(r[k]) for k in ("right", "close", "wrong", "unanswered",
                                       "not_checked")) == n


def test_each_student_has_a_csv_of_the_checks_results(graded):
    out = graded["out"]
    assert sorted(p.name for p in (out / "students").iterdir()) == [
        f"{s}.csv" for s in ("broken", "empty", "hostile", "right", "wrong")]
    right = {r["exercise"]: r for r in _read(out / "students" / "right.csv") if r["exercise"]}
    for ex in ("03-1", "03-2", "03-3", "03-4"):
        assert right[ex]["status"] == "right", right[ex]
        assert right[ex]["notebook"] == f"{NB03}.ipynb"
    assert right["00-1"]["status"] == "not checked"
    assert "no 00-read-the-article.ipynb" in right["00-1"]["feedback"]
    wrong = {r["exercise"]: r for r in _read(out / "students" / "wrong.csv") if r["exercise"]}
    # the feedback is the course checker's own, as judge() gives it
    assert wrong["03-1"]["status"] == teaching.judge("03-1", _divided()).status
    assert wrong["03-1"]["feedback"] == str(teaching.judge("03-1", _divided()))


def _divided():
    from debao_audit import checks
    figs = checks.load_figures()
    return figs.pt("rural_income_growth_total") / figs.pt("rural_income_growth_annual")


def test_a_hostile_submission_is_rows_with_errors_and_the_rest_still_counts(graded):
    rows = _read(graded["out"] / "students" / "hostile.csv")
    nbs = {r["notebook"]: r for r in rows if not r["exercise"]}
    assert nbs["a-loop.ipynb"]["status"] == "timed out"
    detail = nbs["a-loop.ipynb"]["feedback"]
    assert "longer than 3 s" in detail and "KeyboardInterrupt" in detail
    assert nbs["b-exit.ipynb"]["status"] == "failed"
    assert "exit status 3" in nbs["b-exit.ipynb"]["feedback"]
    assert nbs["c-after.ipynb"]["status"] == "ran"      # a new process for what was left
    ex = {r["exercise"]: r for r in rows if r["exercise"]}
    assert ex["03-2"]["status"] == "unanswered" and ex["03-3"]["status"] != "not checked"
    summary = {r["student"]: r for r in _read(graded["out"] / "summary.csv")}
    assert "b-exit.ipynb" in summary["hostile"]["error"]


def test_nothing_written_into_the_submissions_or_the_checkout(graded):
    assert _snapshot(graded["subs"]) == graded["before"]
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*")} == graded["checkout"]
    assert not (graded["subs"].parent / "escaped.txt").exists()
    summary = {r["student"]: r for r in _read(graded["out"] / "summary.csv")}
    if summary["hostile"]["confined"] == "yes":
        assert not graded["outside"].exists()
        rows = _read(graded["out"] / "students" / "hostile.csv")
        assert "Read-only file system" in " ".join(r["feedback"] for r in rows)


def test_the_output_is_replaced_whole_and_only_if_ours(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    out = tmp_path / "grades"
    grade.grade(subs, out, progress=lambda *_: None)
    assert (out / grade.MARKER).is_file() and (out / "summary.csv").is_file()
    grade.grade(subs, out, progress=lambda *_: None)      # a previous grading: replaced
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    for bad, says in ((tmp_path / "mine", "not a previous grading"),
                      (subs / "in", "inside the submissions"),
                      (ROOT / "data" / "g", "into the checkout")):
        with pytest.raises(grade.GradeError, match=says):
            grade.grade(subs, bad, progress=lambda *_: None)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"
    assert grade.default_out(subs) == tmp_path / "subs-grades"


def test_cli_errors_are_one_line(tmp_path, capsys):
    from debao_audit.__main__ import main

    assert main(["grade", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "expected a folder of submissions" in err[0]
    assert main(["grade", str(tmp_path), "--timeout", "0"]) == 2
    assert "expected a positive number" in capsys.readouterr().err


# ------------------------------------------------------------------------------ staging

def test_stage_copies_regular_files_only_within_bounds(tmp_path):
    src = tmp_path / "alice"
    (src / "sub").mkdir(parents=True)
    (src / "a.ipynb").write_text("{}")
    (src / "sub" / "b.txt").write_text("b")
    (src / "link").symlink_to("/etc/passwd")
    (src / "dirlink").symlink_to(tmp_path)
    os.mkfifo(src / "fifo")
    grade.stage(src, tmp_path / "copy", grade.Limits())
    assert sorted(str(p.relative_to(tmp_path / "copy")) for p in (tmp_path / "copy").rglob("*")
                  if p.is_file()) == ["a.ipynb", "sub/b.txt"]
    with pytest.raises(grade.SubmissionError, match="more than 1 files"):
        grade.stage(src, tmp_path / "copy2", grade.Limits(max_files=1))


@pytest.mark.parametrize("member", ["../evil.ipynb", "/abs/evil.ipynb", "a/../../evil.ipynb"])
def test_a_zip_cannot_write_outside(tmp_path, member):
    z = tmp_path / "bob.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("ok.ipynb", "{}")
        f.writestr(member, "{}")
    with pytest.raises(grade.SubmissionError, match="outside the submission"):
        grade.stage(z, tmp_path / "copy", grade.Limits())
    assert not (tmp_path / "evil.ipynb").exists()


def test_a_zip_bomb_and_a_bad_zip_are_refused(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("big.ipynb", b"\0" * 3_000_000)
    with pytest.raises(grade.SubmissionError, match="more than 1 MB"):
        grade.stage(z, tmp_path / "copy", grade.Limits(max_mb=1))
    (tmp_path / "bad.zip").write_bytes(b"PK not a zip")
    with pytest.raises(grade.SubmissionError, match="not a readable zip"):
        grade.stage(tmp_path / "bad.zip", tmp_path / "copy2", grade.Limits())


def test_csv_cells_are_not_formulas():
    assert grade._cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert grade._cell("-1.5") == "-1.5"
    assert grade._cell("a\nb") == "a b"
