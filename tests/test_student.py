"""The student edition (issue 26): `make student` writes a folder and a zip a student opens with
nothing else; it holds no solution, answer key, instructor guide or readable answer (its checker
compares salted hashes), the near-miss feedback still works from the hashes, every link and
image resolves, and every notebook runs top to bottom.  Nothing above an exercise in the
project's own notebooks (source or stored output) states its answer either."""

import json
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from debao_audit import teaching

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
COURSE = teaching.course()


def answer_forms(ex: str) -> list[str]:
    """An exercise's answer as it would be written: at the digits asked and one or two more,
    with and without thousands separators (numbers of three or more significant digits; the
    digest of 00-1).  Short counts and ids are left out: they occur everywhere by chance."""
    e = COURSE.exercises[ex]
    if e.kind == "text":
        v = str(COURSE.expected(ex))
        return [v] if re.fullmatch(r"[0-9a-f]{64}", v) else []
    if e.kind not in ("number", "numbers"):
        return []
    v = COURSE.expected(ex)
    values = [Decimal(x) for x in (v if isinstance(v, tuple) else (v,))]
    places = list(e.places) * len(values) if len(e.places) == 1 else list(e.places)
    out = set()
    for x, p in zip(values, places):
        for k in (p, p + 1, p + 2):
            r = x.quantize(Decimal(1).scaleb(-k), rounding="ROUND_HALF_UP")
            s = f"{r:f}"
            if len(s.replace(".", "").replace("-", "").lstrip("0")) >= 3:
                out |= {s, f"{r:,f}"}
    return sorted(out)


FORMS = {ex: answer_forms(ex) for ex in COURSE.exercises}


def found(text: str, form: str) -> bool:
    # the plain substring test first: most forms occur nowhere, and it is many times faster
    return form in text and re.search(rf"(?<![0-9A-Za-z_.]){re.escape(form)}(?![0-9A-Za-z_]|\.\d)", text) is not None


#: A form found where it is another figure, not the answer (checked by hand; strict: a form
#: listed here must still occur, and only in the files named).
COINCIDENCES = {("05-2", "1.16"): ("cases/practice-lanshan/article.txt",
                                   "cases/practice-lanshan/claims.csv")}


def test_the_answer_forms_cover_most_exercises():
    assert sum(bool(f) for f in FORMS.values()) >= 15


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nothing_above_an_exercise_states_its_answer(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for i, c in enumerate(cells):
        m = re.search(r'check\("(\d\d-\d)"', "".join(c["source"]))
        if not m:
            continue
        ex, above = m.group(1), ""
        for a in cells[:i - 1]:              # everything before the exercise's answer cell
            above += "".join(a["source"]) + "\n"
            for o in a.get("outputs", []):
                above += "".join(o.get("text", ""))
                for mime in ("text/plain", "text/html", "text/markdown"):
                    above += "".join(o.get("data", {}).get(mime, ""))
        for form in FORMS[ex]:
            assert not found(above, form), f"{path.name}: {form} (the answer to {ex}) above it"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student"
    teaching.write_student(out, salt="a-test-salt")
    return out


def _files(edition):
    return sorted(p for p in edition.rglob("*") if p.is_file())


def test_the_edition_has_what_a_student_needs(edition):
    names = {str(p.relative_to(edition)) for p in _files(edition)}
    for p in NOTEBOOKS:
        assert f"notebooks/{p.name}" in names
    for need in ("notebooks/glossary.md", "README.md", "pyproject.toml", "requirements.lock",
                 "data/claims.csv", "data/raw/article.txt", "src/debao_audit/teaching.py",
                 "src/debao_audit/course_key.json", "cases/practice-lanshan/case.json",
                 "cases/practice-lanshan/claims.csv", "cases/practice-lanshan/article.txt"):
        assert need in names, need
    # the practice case is a skeleton: no relations to find, no key
    rel = (edition / "cases/practice-lanshan/relations.csv").read_text(encoding="utf-8")
    assert rel.count("\n") == 1


def test_the_edition_holds_no_solution_key_or_guide(edition):
    for p in _files(edition):
        rel = str(p.relative_to(edition))
        assert "solution" not in rel and "instructor" not in rel, rel
        assert p.name not in ("answer_key.csv", "exercises.toml", "course.py"), rel
        assert "__pycache__" not in rel
    assert not (edition / "cases/practice-lanshan/README.md").exists()   # the instructor's notes
    for nb in (edition / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        assert all(c.get("outputs", []) == [] for c in cells if c["cell_type"] == "code")
        assert "solutions" not in nb.read_text(encoding="utf-8")


def test_no_file_of_the_edition_states_an_answer(edition):
    """grep every file (and every member of the zip) for every answer in its common forms."""
    texts = {}
    for p in _files(edition):
        try:
            texts[str(p.relative_to(edition))] = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue                       # images, fonts: no text to read
    with zipfile.ZipFile(edition.with_suffix(".zip")) as z:
        members = {n.split("/", 1)[1] for n in z.namelist()}
        assert members == {str(p.relative_to(edition)) for p in _files(edition)}
    hits = [(name, ex, form) for name, text in texts.items()
            for ex, forms in FORMS.items() for form in forms if found(text, form)]
    allowed = [(n, ex, f) for (ex, f), names in COINCIDENCES.items() for n in names]
    assert sorted(hits) == sorted(allowed), sorted(set(hits) ^ set(allowed))


_PROBE = r"""
import contextlib, inspect, io, json, sys
import debao_audit, debao_audit.teaching as t
assert debao_audit.__file__.startswith(sys.argv[1]), debao_audit.__file__
out = {"file": debao_audit.__file__, "calls": []}
args = [(), ("03-1",), ("03-1", None), ("03-1", 5), ("08-3", []), ("student", "x"),
        ({"salt": None, "exercises": {}},)]
for name, f in inspect.getmembers(t, callable):
    if name.startswith("_") or inspect.isclass(f) or getattr(f, "__module__", "") != t.__name__:
        continue
    if name in ("write_student", "main"):
        continue                            # writes files; tried below on a scratch folder
    for a in args:
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                r = f(*a)
            out["calls"].append([name, repr(a), repr(r)[:20000], buf.getvalue()])
        except Exception as e:
            out["calls"].append([name, repr(a), "raised " + type(e).__name__ + ": " + str(e)[:500], buf.getvalue()])
fb = {k: str(t.judge(k, v)) for k, v in json.loads(sys.argv[2]).items()}
out["feedback"] = fb
print(json.dumps(out))
"""


def _edition_env(edition):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEBAO_AUDIT")}
    env["PYTHONPATH"] = str(edition / "src")
    return env


def test_every_public_function_of_the_checker_keeps_the_answers(edition):
    from decimal import ROUND_DOWN
    right = Decimal(str(COURSE.expected("03-1")))
    probes = {"03-1": str(right.quantize(Decimal("0.01"), rounding=ROUND_DOWN)),   # truncated
              "03-3": str(Decimal(str(COURSE.expected("03-3"))).quantize(Decimal("0.1"))),
              "06-1": str(COURSE.expected("06-1") / 100),                          # a fraction
              "08-2": str(COURSE.expected("08-2"))}
    r = subprocess.run([sys.executable, "-c", _PROBE, str(edition), json.dumps(probes)],
                       cwd=edition, env=_edition_env(edition), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    called = {c[0] for c in out["calls"]}
    assert {"judge", "check", "course_key", "hashed", "load_course"} <= called
    blob = json.dumps(out["calls"], ensure_ascii=False)
    for ex, forms in FORMS.items():
        for form in forms:
            assert not found(blob, form), (ex, form)
    # no course in the edition: the key cannot be computed there
    assert any(c[0] == "course_key" and c[2].startswith("raised") for c in out["calls"])
    # the near-miss feedback still works from the hashes
    fb = out["feedback"]
    assert "close" in fb["03-1"] and "cut off" in fb["03-1"]
    assert "close" in fb["03-3"] and "rounding" in fb["03-3"]
    assert "units" in fb["06-1"] and "factor of 100" in fb["06-1"]
    assert fb["08-2"] == "08-2: right."


def test_every_link_and_image_resolves(edition):
    bad = []
    for p in _files(edition):
        if p.suffix == ".ipynb":
            cells = json.loads(p.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        elif p.suffix == ".md":
            text = p.read_text(encoding="utf-8")
        else:
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text):
            target = target.split("#")[0]
            if not target or re.match(r"[a-z]+:", target):
                continue
            if not (p.parent / target).exists():
                bad.append(f"{p.relative_to(edition)} → {target}")
    assert not bad, bad


@pytest.mark.slow
def test_every_notebook_of_the_edition_runs_top_to_bottom(edition, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    env = _edition_env(edition)
    env["MPLBACKEND"] = "Agg"
    failed = []
    for path in sorted((edition / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        old = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            client.execute()
        except Exception as e:   # noqa: BLE001 - reported per notebook
            failed.append(f"{path.name}: {str(e).splitlines()[-1] if str(e) else e!r}")
        finally:
            os.environ.clear()
            os.environ.update(old)
        texts = ["".join(o.get("text", "")) for c in nb.cells for o in c.get("outputs", [])]
        assert any("not answered yet" in t for t in texts), path.name
    assert not failed, failed
