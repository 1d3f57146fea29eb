"""The site's page for every other case (cases/<slug>/): rendered from what make built for it,
its findings as the findings table states them, its figures, and an annotated article that is
whole only where the article may be republished (an invented one)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
from tools import build_site  # noqa: E402

from debao_audit import case, figures, findings  # noqa: E402

PRACTICE = ROOT / "cases" / "practice-lanshan"
BUILT = ROOT / "figures" / "cases" / "practice-lanshan"
TABLES = ROOT / "data" / "processed" / "cases" / "practice-lanshan"


def test_make_built_every_case_and_the_site_renders_it(tmp_path: Path) -> None:
    entries = build_site.write_cases(tmp_path, ROOT / "figures", ROOT / "data" / "processed")
    assert [e["slug"] for e in entries] == sorted(p.parent.name for p in
                                                  (ROOT / "cases").glob("*/case.json"))
    here = tmp_path / "cases" / "practice-lanshan"
    doc = (here / "index.html").read_text(encoding="utf-8")
    found = pd.read_csv(TABLES / "findings.csv", dtype=str, keep_default_na=False)
    table = pd.read_csv(TABLES / "checks.csv", dtype=str, keep_default_na=False)
    head = findings.headline_sentence(found, table)
    assert head[0].upper() + head[1:] in doc
    for r in found.itertuples():      # every finding, in both languages, as the table says
        assert build_site.html.escape(r.statement_en) in doc
        assert build_site.html.escape(r.statement_zh) in doc
    for name in figures.catalogue(case.load(PRACTICE)).figures:
        assert (here / "figures" / f"{name}.png").read_bytes() == (BUILT / f"{name}.png").read_bytes()
        assert f'figures/{name}.svg' in doc
    # invented, so free to publish: the whole annotated text, exactly as make built it
    assert (here / "annotated_article.html").read_bytes() == \
        (BUILT / "annotated_article.html").read_bytes()
    assert "An invented article" in doc


def test_a_real_articles_case_is_published_as_quotes_only(tmp_path: Path) -> None:
    """The same case, not marked invented: its page on the site carries its quotes, not the
    whole text (the public edition), unless the full-text class edition is asked for."""
    cases = tmp_path / "cases"
    shutil.copytree(PRACTICE, cases / "practice-lanshan")
    spec_path = cases / "practice-lanshan" / "case.json"
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    spec.update(invented=False, url="https://example.org/lanshan.shtml")
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    text = (PRACTICE / "article.txt").read_text(encoding="utf-8")
    # a sentence of the body with no figure in it: in the whole text, never in the quotes
    body = text.split(spec["structure"]["dateline"], 1)[1]
    plain = next(s for s in body.replace("\n", "。").split("。")
                 if len(s) > 12 and not any(ch.isdigit() for ch in s)
                 and not any(ch in s for ch in "一二三四五六七八九十百千万亿两"))
    site = tmp_path / "site"
    build_site.write_cases(site, ROOT / "figures", ROOT / "data" / "processed",
                           cases_dir=cases)
    page = (site / "cases" / "practice-lanshan" / "annotated_article.html").read_text("utf-8")
    assert plain not in page and "An invented article" not in (
        site / "cases" / "practice-lanshan" / "index.html").read_text("utf-8")
    shutil.rmtree(site)
    build_site.write_cases(site, ROOT / "figures", ROOT / "data" / "processed",
                           full_text=True, cases_dir=cases)
    page = (site / "cases" / "practice-lanshan" / "annotated_article.html").read_text("utf-8")
    assert plain in page


def test_a_case_not_built_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="not built: run make"):
        build_site.write_cases(tmp_path / "site", tmp_path / "figures", tmp_path / "processed")


def test_the_glossary_page_is_the_same_bytes_on_every_build(tmp_path: Path) -> None:
    """The one page made from a notebook built here (not by make): no random cell id."""
    for run in ("a", "b"):
        build_site.convert_glossary(tmp_path / run)
    page = "notebooks/glossary.html"
    assert (tmp_path / "a" / page).read_bytes() == (tmp_path / "b" / page).read_bytes()
