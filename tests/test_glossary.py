"""The glossary (notebooks/glossary.md) cannot go stale: every example it names is a check of
data/processed/checks.csv with the verdict, counts_as or power it illustrates, the figures it
quotes are that check's figures, and every Chinese fragment it cites is in the article.  Every
notebook and the README link it."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from debao_audit import checks
from debao_audit.whatif import what_if

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "notebooks" / "glossary.md"
TABLE = pd.read_csv(ROOT / "data" / "processed" / "checks.csv", dtype=str).fillna("")
ROWS = TABLE.set_index("check_id")
#: The table's vocabulary decides how a tension is stored: ``tension`` once checks.csv uses the
#: five verdicts of DESIGN.md, before that ``not_checkable`` with counts_as ``context``.
NEW_VOCABULARY = "tension" in set(TABLE["verdict"])
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _tables() -> dict[str, list[list[str]]]:
    """Each markdown table of the glossary by its first header cell: its body rows."""
    out, current = {}, None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            current = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current is None:
            current = out.setdefault(cells[0], [])
        elif not set(cells[0]) <= set("-: "):
            current.append(cells)
    return out


TABLES = _tables()


def _examples(header: str) -> list[tuple[str, str, str]]:
    """(term, the check id of each example, the example's text) for one table."""
    out = []
    for term, *_, example in TABLES[header]:
        term = term.strip("`")
        for cid in re.findall(r"`([a-z0-9_]+)`", example):
            out.append((term, cid, example))
    return out


def _verdict_holds(cid: str, verdict: str) -> bool:
    row = ROWS.loc[cid]
    if verdict == "tension" and not NEW_VOCABULARY:
        return (row["verdict"] == "not_checkable" and row["counts_as"] == "context"
                and row["explanation"].startswith("Tension"))
    return row["verdict"] == verdict


def test_the_glossary_has_its_tables():
    assert {"verdict", "counts_as", "power", "term"} <= set(TABLES)
    assert [r[0].strip("`") for r in TABLES["verdict"]] == [
        "consistent", "within_rounding", "inconsistent", "tension", "not_checkable"]
    assert [r[0].strip("`") for r in TABLES["counts_as"]] == [
        "evidence", "context", "trivial", "coincidence", "derived"]


@pytest.mark.parametrize("term, cid, text", _examples("verdict"), ids=lambda x: str(x)[:40])
def test_every_verdict_example_has_that_verdict(term, cid, text):
    wif = re.search(r'what_if\("([^"]+)"\)', text)
    if wif:   # an example the article does not contain: the what-if that produces it
        assert term not in set(TABLE["verdict"]), f"{term} exists now: name a real check"
        t = what_if(wif.group(1)).set_index("check_id")
        assert t.loc[cid, "after"] == term
    else:
        assert cid in ROWS.index, f"the glossary names {cid}, not a check"
        assert _verdict_holds(cid, term), (cid, ROWS.loc[cid, "verdict"])


@pytest.mark.parametrize("term, cid, text", _examples("counts_as"), ids=lambda x: str(x)[:40])
def test_every_counts_as_example_counts_as_that(term, cid, text):
    if cid == "medical_experts_within_professionals":   # named as a tension
        assert _verdict_holds(cid, "tension")
    assert ROWS.loc[cid, "counts_as"] == term


@pytest.mark.parametrize("term, cid, text", _examples("power"), ids=lambda x: str(x)[:40])
def test_every_power_example_has_that_power(term, cid, text):
    assert ROWS.loc[cid, "power"] == term


def test_the_other_tensions_named_are_tensions():
    text = GLOSSARY.read_text(encoding="utf-8")
    para = text.split("The other tensions of the article:")[1].split("\n\n")[0]
    named = re.findall(r"`([a-z0-9_]+)`", para)
    assert named and all(_verdict_holds(c, "tension") for c in named)
    tensions = [c for c in ROWS.index if _verdict_holds(c, "tension")]
    assert sorted(tensions) == sorted([*named, "medical_experts_within_professionals"])


def _figures_of(cid: str) -> str:
    """The check's own figures: its row as written, and its claims and external figures."""
    row = ROWS.loc[cid]
    figs = checks.load_figures()
    parts = [row["title"], row["reported"], row["implied"], row["band"]]
    parts += [figs.claims[c].written for c in row["claims"].split(";") if c]
    parts += [figs.external[e].value for e in row["external"].split(";") if e]
    parts += [figs.external[e].reading.raw for e in row["external"].split(";")
              if e and figs.external[e].reading is not None]
    return " ".join(parts).replace(",", "")


@pytest.mark.parametrize("header", ["verdict", "counts_as", "power"])
def test_the_figures_an_example_quotes_are_its_checks(header):
    for term, cid, text in _examples(header):
        if "what_if(" in text or cid not in ROWS.index:
            continue
        # the example's sentence up to the next check id is about this check
        own = text.split(f"`{cid}`", 1)[1].split("`", 1)[0]
        for n in NUMBER.findall(own):
            assert n.replace(",", "") in _figures_of(cid), f"{cid}: {n} is not its figure"


def test_every_chinese_fragment_is_in_the_article():
    article = (ROOT / "data" / "raw" / "article.txt").read_text(encoding="utf-8")
    for term, english, reading, where in TABLES["term"]:
        assert english and reading
        for frag in re.findall(r"「([^」]+)」", where):
            assert frag in article, f"{term}: 「{frag}」 is not in the article"
        if where != "—":
            frags = re.findall(r"「([^」]+)」", where)
            forms = re.split(r"[,，]\s*", term)
            assert frags and any(t in f or f in t for t in forms for f in frags), term


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")),
                         ids=lambda p: p.name)
def test_every_notebook_links_the_glossary(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert "](glossary.md)" in "".join(cells[0]["source"]) + "".join(cells[1]["source"])


def test_the_readme_links_the_glossary():
    assert "](notebooks/glossary.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
