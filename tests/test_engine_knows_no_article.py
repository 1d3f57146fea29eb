"""The engine knows no article: no claim id, check id, heading, dateline or end mark of this
repository's own case (``data/``) appears in the code of ``src/debao_audit/``.  Docstrings and
comments may quote them as examples, and so may help text (a string with "e.g."); everything
else of this article lives in its case: ``data/`` and ``src/debao_case``."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

from debao_audit import case, data
from source_scan import docstrings

ENGINE = Path(case.__file__).resolve().parent


def _names() -> set[str]:
    """This article's ids and headings, read from its case files."""
    own = case.default()
    with open(own.claims, encoding="utf-8", newline="") as f:
        names = {r["id"] for r in csv.DictReader(f)}
    names |= set(own.registry())
    st = json.loads((data.DATA / case.CASE_FILE).read_text(encoding="utf-8"))["structure"]
    names |= set(st["headings"]) | {st["dateline"], st["end_mark"]}
    return names


def mentions(source: str, names: set[str]) -> list[tuple[int, str]]:
    """(line, name) for each of ``names`` that the code of ``source`` spells: in a string that
    is not a docstring or help text, or as an identifier or attribute."""
    tree = ast.parse(source)
    docs = docstrings(tree)
    ascii_ids = {n for n in names if n.isascii() and n.isidentifier()}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if "e.g." in node.value:
                continue
            words = set(node.value.replace("=", " ").replace(".", " ").split())
            found += [(node.lineno, n) for n in names
                      if (n in words if n in ascii_ids else n in node.value)]
        elif isinstance(node, ast.Name) and node.id in ascii_ids:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr in ascii_ids:
            found.append((node.lineno, node.attr))
    return sorted(found)


def test_the_count_sees_what_it_counts():
    names = {"rural_income_growth_annual", "人才支援"}
    src = ('"""rural_income_growth_annual: a docstring may name it"""\n'
           'X = "rural_income_growth_annual"\nY = {"人才支援": 1}\n'
           'Z = "e.g. rural_income_growth_annual=9.56%"\nW = "rural_income"\n')
    assert mentions(src, names) == [(2, "rural_income_growth_annual"), (3, "人才支援")]


def test_the_engine_names_nothing_of_this_article():
    names = _names()
    assert len(names) > 100  # claims, checks, headings: the count has something to find
    hits = {}
    for path in sorted(ENGINE.rglob("*.py")):
        found = mentions(path.read_text(encoding="utf-8"), names)
        if found:
            hits[str(path.relative_to(ENGINE))] = found
    assert hits == {}, f"this article's ids or headings in the engine's code: {hits}"


def _own_case_json() -> dict:
    return json.loads((data.DATA / case.CASE_FILE).read_text(encoding="utf-8"))


def test_the_engine_names_none_of_this_articles_files():
    """The files this article's case reads are named by its case.json (and described by its
    datapackage.json), not by the engine: no path of them (a folder and a file) in its code."""
    spec = _own_case_json()
    paths = {v for k, v in spec.items() if isinstance(v, str) and "/" in v}
    paths |= {v for v in spec.get("external", []) if "/" in v}
    pkg = json.loads((data.DATA / "datapackage.json").read_text(encoding="utf-8"))
    paths |= {r["path"] for r in pkg["resources"] if "/" in r["path"]}
    # and the names of its files that another case does not share (claims.csv is any case's)
    practice = case.load(data.ROOT / "cases" / "practice-lanshan")
    shared = {p.name for p in (practice.article, practice.claims, practice.excluded,
                               *practice.external)}
    paths |= {Path(p).name for p in paths} - shared
    assert {"raw/article.txt", "reference_figures.csv"} <= paths  # something to find
    hits = {str(p.relative_to(ENGINE)): found for p in sorted(ENGINE.rglob("*.py"))
            if (found := mentions(p.read_text(encoding="utf-8"), paths))}
    assert hits == {}, f"this article's file paths in the engine's code: {hits}"


def test_this_articles_own_units_are_its_cases():
    """A unit only this article uses is declared in data/case.json ("units"), not a default of
    the reader: none of them is a base unit or a measure word's unit in written.py."""
    from debao_audit import written

    own = case.default().conventions.units
    assert own, "data/case.json declares the article's own units"
    names = {name for _, name, _ in own}
    assert names.isdisjoint(written.UNITS)
    for word, name, _ in own:
        assert name not in written.MEASURE_WORDS.get(word, frozenset())
    assert set(written.MEASURE_WORDS[""]) <= set(written.UNITS)
