"""Exercises that check themselves (issue 14): every exercise of notebooks 00-07 has an answer
cell and a check cell; each check accepts the right answer, rejects a wrong one, says "close"
(with the reason) for a rounding or units slip, and never prints the answer; the expected
answers are computed from data/ (debao_audit.teaching), and the worked solutions pass them."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from debao_audit import teaching
from debao_audit.teaching import EXERCISES, common_slips, expected_answer, judge

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
CHECK = re.compile(r'check\("(\d\d-\d)", answer\)')


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell):
    return "".join(cell["source"])


def _wrong(ex, expected):
    if ex.kind == "number":
        return Decimal(expected) * Decimal("1.5") + 7
    if ex.kind == "numbers":
        return tuple(Decimal(e) * Decimal("1.5") + 7 for e in expected)
    if ex.kind == "text":
        return "not_a_claim_or_anything"
    return {"nothing", "at all"}


def _scaled(expected, f):
    return (Decimal(expected) * f if not isinstance(expected, tuple)
            else tuple(Decimal(e) * f for e in expected))


def _answer_texts(ex, expected):
    """How the expected answer would be printed, to the digits asked (never in a message)."""
    if ex.kind in ("text",):
        return [str(expected)]
    if ex.kind == "ids":
        return sorted(expected)
    values = expected if isinstance(expected, tuple) else (expected,)
    places = max(0, -Decimal(ex.tol or 1).adjusted() - 1) if ex.tol else 0
    return [f"{Decimal(v):.{places}f}" for v in values]


def test_every_exercise_in_the_notebooks_has_a_check_and_every_check_an_exercise():
    seen = []
    for path in NOTEBOOKS:
        cells = _cells(path)
        start = next(i for i, c in enumerate(cells) if _src(c).startswith("## Exercises"))
        body = cells[start + 1:-1]
        assert len(body) % 3 == 0, path.name
        for n, k in enumerate(range(0, len(body), 3), 1):
            text, answer, chk = body[k:k + 3]
            assert text["cell_type"] == "markdown" and _src(text).startswith(f"**{n}. ")
            assert answer["cell_type"] == "code" and _src(answer) == teaching.ANSWER_CELL
            assert "answer" in answer["metadata"]["tags"]
            assert chk["cell_type"] == "code" and "check" in chk["metadata"]["tags"]
            ex = CHECK.search(_src(chk)).group(1)
            assert ex == f"{path.name[:2]}-{n}", (path.name, ex)
            seen.append(ex)
            # stored unanswered: a neutral line, the same on every run
            out = "".join("".join(o.get("text", "")) for o in chk["outputs"])
            assert out == f"{judge(ex, None)}\n" and "not answered yet" in out
    assert seen == list(EXERCISES)


@pytest.mark.parametrize("ex", list(EXERCISES))
def test_the_right_answer_is_right(ex):
    assert judge(ex, expected_answer(ex)).status == "right"


@pytest.mark.parametrize("ex", list(EXERCISES))
def test_a_wrong_answer_is_wrong(ex):
    e = EXERCISES[ex]
    wrong = _wrong(e, expected_answer(ex))
    slips = [s for s, _ in common_slips(ex)]
    if e.kind == "number" and any(abs(Decimal(str(s)) - wrong) < 1 for s in slips):
        wrong = wrong * 3 + 101   # a wrong answer, not one of the slips the check names
    fb = judge(ex, wrong)
    assert fb.status == "wrong", fb
    assert judge(ex, "?" if e.kind != "text" else 42).status == "wrong"


@pytest.mark.parametrize("ex", list(EXERCISES))
def test_a_slip_is_close_with_its_reason(ex):
    e = EXERCISES[ex]
    expected = expected_answer(ex)
    slips = common_slips(ex)
    if slips:
        fb = judge(ex, slips[0][0])
        assert fb.status == "close" and fb.reason == slips[0][1], fb
    if e.kind in ("number", "numbers"):
        fb = judge(ex, _scaled(expected, Decimal(100)))     # percent vs fraction, or 万 vs 百万
        assert fb.status == "close" and "units" in fb.reason, fb
        if e.tol:   # an answer rounded one digit too coarsely: a rounding slip
            off = _scaled(expected, Decimal(1)) if e.kind == "number" else None
            off = (Decimal(expected) + 3 * e.tol if e.kind == "number"
                   else tuple(Decimal(v) + 3 * e.tol for v in expected))
            fb = judge(ex, off)
            assert fb.status == "close" and "rounding" in fb.reason, fb
    if not slips and e.kind not in ("number", "numbers"):
        pytest.fail(f"{ex}: no slip is recognised as close")


@pytest.mark.parametrize("ex", list(EXERCISES))
def test_no_message_gives_the_answer_away(ex):
    e = EXERCISES[ex]
    expected = expected_answer(ex)
    answers = [None, _wrong(e, expected), *(s for s, _ in common_slips(ex))]
    if e.kind in ("number", "numbers"):
        answers.append(_scaled(expected, Decimal(100)))
    for a in answers:
        message = str(judge(ex, a))
        for text in _answer_texts(e, expected):
            assert not re.search(rf"(?<![\w.]){re.escape(text)}(?![\w]|\.\d)", message), (
                ex, a, message)


def test_feedback_reads_as_one_line_each_way():
    assert str(judge("03-3", None)).startswith("03-3: not answered yet. Answer with ")
    assert str(judge("03-3", expected_answer("03-3"))) == "03-3: right."
    assert str(judge("03-3", "1.12")).startswith("03-3: close, but not quite: rounding: ")
    assert str(judge("03-3", 40)).startswith("03-3: not right: ")
    with pytest.raises(KeyError, match="no exercise '99-9'"):
        judge("99-9", 1)


def test_the_three_thresholds_of_05_2_come_from_a_bisection_over_what_if():
    thresholds = teaching.total_thresholds()
    assert len(thresholds) >= 3
    totals = [v for _, v in thresholds]
    assert totals == sorted(totals, reverse=True)
    from debao_audit.whatif import what_if
    for cid, total in thresholds:   # passes at the threshold, not one step below
        t = what_if({"aid_total_cumulative": f"{total:.2f}亿元"}).set_index("check_id")
        assert t.loc[cid, "after"] in ("consistent", "within_rounding")
        t = what_if({"aid_total_cumulative": f"{total - Decimal('0.01'):.2f}亿元"})
        assert t.set_index("check_id").loc[cid, "after"] not in ("consistent", "within_rounding")


def test_03_3_teaches_that_rounded_rates_do_not_subtract():
    # the gap from the unrounded rates and from the rounded ones differ at two decimals
    right = expected_answer("03-3")
    slip = common_slips("03-3")[0][0]
    assert f"{right:.2f}" != f"{Decimal(slip):.2f}"


def test_bisect_finds_the_threshold_and_refuses_a_test_that_never_passes():
    assert teaching.bisect(lambda n: n >= 37, 1, 100) == 37
    with pytest.raises(ValueError):
        teaching.bisect(lambda n: False, 1, 10)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_solution_passes_its_own_check(path):
    cells = _cells(path)
    code = [c for c in cells if c["cell_type"] == "code"]
    checked = [CHECK.search(_src(c)).group(1) for c in code if CHECK.search(_src(c))]
    assert checked == [k for k in EXERCISES if k.startswith(path.name[:2])]
    for c in code:
        m = CHECK.search(_src(c))
        if m:
            out = "".join("".join(o.get("text", "")) for o in c["outputs"])
            assert f"{m.group(1)}: right." in out, (path.name, out)
    # solutions explain: a markdown cell after every solution's code
    heads = [i for i, c in enumerate(cells) if re.match(r"## \d+\.", _src(c))]
    for i in heads:
        nxt = cells[i + 1:i + 4]
        assert any(c["cell_type"] == "markdown" and len(_src(c)) > 150 for c in nxt), path.name


def test_time_in_minutes_at_the_top_as_the_teaching_page_says():
    page = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"\| \d \| `(\d\d)-[a-z-]+` \| (\d+) min \|", page))
    assert len(table) == len(NOTEBOOKS)
    assert f"**{sum(int(t) for t in table.values())} minutes in all**" in page
    for path in NOTEBOOKS:
        first = _src(_cells(path)[0])
        m = re.search(r"\*\*Time:\*\* about (\d+) minutes", first)
        assert m and m.group(1) == table[path.name[:2]], path.name


def test_student_edition(tmp_path):
    out = tmp_path / "student"
    files = teaching.write_student(out)
    names = sorted(p.name for p in (out / "notebooks").iterdir())
    assert names == sorted([p.name for p in NOTEBOOKS] + ["glossary.md"])
    assert not list(out.rglob("*solutions*"))
    for path in NOTEBOOKS:
        nb = json.loads((out / "notebooks" / path.name).read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        answers = [c for c in code if "answer" in c["metadata"].get("tags", [])]
        checks_ = [c for c in code if "check" in c["metadata"].get("tags", [])]
        assert answers and len(answers) == len(checks_)
        assert all(_src(c) == teaching.ANSWER_CELL for c in answers)
        assert all(c["outputs"] == [] for c in answers + checks_)
        assert all(CHECK.search(_src(c)) for c in checks_)
        # the rest reads as executed: the notebook's own outputs are kept
        others = [c for c in code if c not in answers and c not in checks_]
        assert any(c["outputs"] for c in others)
        assert "solutions" not in json.dumps(nb, ensure_ascii=False)
    assert len(files) == len(NOTEBOOKS) + 2


def test_student_edition_empties_a_filled_answer():
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["answer"]}, "source": "answer = 5",
                     "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}],
                     "execution_count": 3},
                    {"cell_type": "markdown", "metadata": {},
                     "source": "## Exercises\nintro\n\nWorked solutions: `x.ipynb` (open it).\n"}]}
    out = teaching.student_notebook(nb)
    assert out["cells"][0]["source"] == teaching.ANSWER_CELL and out["cells"][0]["outputs"] == []
    assert "Worked solutions" not in out["cells"][1]["source"]
    assert nb["cells"][0]["source"] == "answer = 5"      # the input is not changed
