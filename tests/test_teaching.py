"""Teaching material: each notebook states its learning goals, ends with 2-4 exercises just
before "What we found", links worked solutions that exist and are stored executed; the theme
notebooks have a "Try it" cell that uses what-if."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = ROOT / "notebooks" / "solutions"


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell):
    return "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_learning_goals_at_the_start(path):
    cells = _cells(path)
    assert any("**Learning goals.**" in _src(c) for c in cells[:2] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_just_before_what_we_found_with_solutions(path):
    cells = _cells(path)
    start = next(i for i, c in enumerate(cells) if _src(c).startswith("## Exercises"))
    intro, body = cells[start], cells[start + 1:-1]
    assert intro["cell_type"] == "markdown"
    # each exercise: its text, an answer cell and a check cell (tests/test_exercises.py)
    texts = [_src(c) for c in body if c["cell_type"] == "markdown"]
    numbered = [re.match(r"\*\*(\d+)\. ", t).group(1) for t in texts]
    assert 2 <= len(numbered) <= 4 and numbered == [str(i) for i in range(1, len(numbered) + 1)]
    assert "open question" in texts[-1].lower()
    link = re.search(r"`notebooks/(solutions/[^`]+\.ipynb)`", _src(intro)).group(1)
    solution = path.parent / link
    assert solution.is_file() and solution.name == f"{path.stem}-solutions.ipynb"
    # one solution section per exercise
    heads = [c for c in _cells(solution) if c["cell_type"] == "markdown"
             and re.match(r"## \d+\.", _src(c))]
    assert len(heads) == len(numbered)


#: The longest code line in a notebook: readable at 1280 px with JupyterLab's file browser open.
MAX_CODE_LINE = 88


@pytest.mark.parametrize("path", NOTEBOOKS + sorted(SOLUTIONS.glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_code_lines_fit(path):
    long = [f"cell {i}: {line}" for i, c in enumerate(_cells(path)) if c["cell_type"] == "code"
            for line in _src(c).splitlines() if len(line) > MAX_CODE_LINE]
    assert not long, f"{path.name}: code lines over {MAX_CODE_LINE} characters:\n" + "\n".join(long)


def test_every_solution_belongs_to_a_notebook():
    stems = {p.stem for p in NOTEBOOKS}
    sols = sorted(SOLUTIONS.glob("*.ipynb"))
    assert sols and {p.stem.removesuffix("-solutions") for p in sols} == stems


@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*.ipynb")), ids=lambda p: p.name)
def test_solutions_are_stored_executed_and_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["execution_count"] is not None for c in code)
    for c in code:
        for o in c.get("outputs", []):
            assert o["output_type"] != "error" and o.get("name") != "stderr"
            assert str(ROOT) not in json.dumps(o)
    assert "What we found" in _src(nb["cells"][-1])


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.name[:2] in ("03", "04", "05", "06")],
                         ids=lambda p: p.name)
def test_theme_notebooks_have_a_try_it_cell(path):
    cells = _cells(path)
    i = next(i for i, c in enumerate(cells) if _src(c).startswith("## Try it"))
    code = cells[i + 1]
    assert code["cell_type"] == "code" and "what_if(" in _src(code)
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in code["outputs"])
    assert "<table" in html   # the verdicts that change, shown as a table


def test_five_or_more_notebooks_show_html_tables():
    with_tables = [p.name for p in NOTEBOOKS
                   if any("<table" in "".join(o.get("data", {}).get("text/html", ""))
                          for c in _cells(p) for o in c.get("outputs", []))]
    assert len(with_tables) >= 5, with_tables


def test_no_dataframe_is_printed_as_text():
    for p in NOTEBOOKS:
        for c in _cells(p):
            if c["cell_type"] == "code":
                assert ".to_string(" not in _src(c), f"{p.name}: a table printed as text"


def test_html_tables_stay_light():
    for p in [*NOTEBOOKS, *sorted(SOLUTIONS.glob("*.ipynb"))]:
        for c in _cells(p):
            for o in c.get("outputs", []):
                html = "".join(o.get("data", {}).get("text/html", ""))
                if "<table" in html:
                    assert len(html.encode()) < 60_000, f"{p.name}: a {len(html.encode())}-byte table"


#: A stored notebook a reader clones, opens and diffs: under about 300 KB each (issue 10), all
#: outputs included (figures, HTML tables and their text twins), not just the images.
MAX_NOTEBOOK_BYTES = 300_000


#: Known over the limit because of one figure, not its tables (figs' part): notebook 02's
#: checks-by-band PNG alone is ~144 KB stored.  Strict: the day it fits, this must be removed.
OVER_BY_FIGURES: frozenset[str] = frozenset()
#: What is not an image (HTML tables, text twins, sources, prints) in one stored notebook.
MAX_NON_IMAGE_BYTES = 150_000

ALL_STORED = NOTEBOOKS + sorted(SOLUTIONS.glob("*.ipynb"))


def _params():
    for p in ALL_STORED:
        marks = [pytest.mark.xfail(strict=True, reason="its figures alone are too heavy "
                                   "(figs' part, issue 10)")] if p.name in OVER_BY_FIGURES else []
        yield pytest.param(p, marks=marks, id=p.name)


@pytest.mark.parametrize("path", list(_params()))
def test_every_stored_notebook_is_small(path):
    size = path.stat().st_size
    assert size < MAX_NOTEBOOK_BYTES, (
        f"{path.relative_to(ROOT)} is {size:,} bytes stored (limit {MAX_NOTEBOOK_BYTES:,}): "
        "lighten its tables or figures")


@pytest.mark.parametrize("path", ALL_STORED, ids=lambda p: p.name)
def test_tables_and_text_of_every_notebook_are_light(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for mime in [m for m in out.get("data", {}) if m.startswith("image/")]:
                del out["data"][mime]
    size = len(json.dumps(nb, ensure_ascii=False, indent=1).encode())
    assert size < MAX_NON_IMAGE_BYTES, (
        f"{path.relative_to(ROOT)}: {size:,} bytes without its images (limit "
        f"{MAX_NON_IMAGE_BYTES:,}): lighten its tables (fewer columns or rows, no text twin)")


# -- the instructor guide (issue 26) ----------------------------------------------------------

GUIDE = ROOT / "notebooks" / "instructor-guide.md"


def _plan():
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Two-week plan"):text.index("## Hand out")]
    return [(w, s, a, int(m)) for w, s, a, m in
            re.findall(r"^\| (\d) \| (\w+) \| (.+?) \| (\d+) \|$", section, re.M)], section


def test_the_plan_adds_up():
    rows, section = _plan()
    sessions = {}
    for week, session, _, minutes in rows:
        sessions.setdefault((week, session), 0)
        sessions[(week, session)] += minutes
    in_class = {k: v for k, v in sessions.items() if k[1] != "homework"}
    assert len(in_class) == 5 and set(in_class.values()) == {90}, in_class
    homework = sum(v for k, v in sessions.items() if k[1] == "homework")
    assert f"({sum(in_class.values())} minutes in class); homework {homework} minutes" in section
    # every notebook once, with the time at its top
    for path in NOTEBOOKS:
        m = re.search(r"\*\*Time:\*\* about (\d+) minutes", _src(_cells(path)[0]))
        planned = [mins for _, _, a, mins in rows if a.startswith(f"notebook {path.name[:2]} ")]
        assert planned == [int(m.group(1))], path.name


def test_the_guide_covers_every_notebook_and_its_exercises():
    from debao_audit import teaching
    text = GUIDE.read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"### {path.name[:2]} · " in text, path.name
    for heading in ("## Module outcomes", "## Two-week plan", "## Hand out, collect, grade",
                    "## IT set-up", "## Rubric for the capstone"):
        assert heading in text
    for word in ("make student", "python -m debao_audit grade SUBMISSIONS/", "make lite",
                 "Binder", "make lab"):
        assert word in text
    start = text.index(teaching.GUIDE_START) + len(teaching.GUIDE_START)
    block = text[start:text.index(teaching.GUIDE_END)].strip()
    assert block == teaching.feedback_markdown(), (
        "run: python -m debao_audit.teaching guide notebooks/instructor-guide.md")
    for ex in teaching.course().exercises:
        assert f"- **{ex}** (" in block
