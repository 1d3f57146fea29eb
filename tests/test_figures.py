"""The figure registry matches the committed figures, and figure texts follow the data.

Each figure is drawn once per test run, by the notebook that shows it (under nbval, into a
temporary directory); the notebook's ``::outputs`` item (see ``conftest.py``) compares every
PNG, SVG and CSV it wrote with ``figures/`` byte for byte.  Nothing here draws them a second
time.  After changing data, checks or figure code, rebuild with ``make`` and look at the PNGs.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import pytest  # noqa: E402

from debao_audit import checks, figures, style  # noqa: E402
from debao_audit.written import read  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "figures"
EXTS = ("png", "svg", "csv")
NAMES = list(figures.FIGURES)


@pytest.fixture(scope="module")
def figs() -> checks.Figures:
    return checks.load_figures()


@pytest.fixture(scope="module")
def results(figs: checks.Figures) -> list[checks.Result]:
    return checks.run(figs)


def test_registry_names_match_committed_files(figs, results) -> None:
    """Every registered figure is committed as PNG, SVG and CSV, and every committed figure is
    registered (no stale or stray figure), each with a one-line finding."""
    committed = {p.name for p in COMMITTED.iterdir() if p.suffix[1:] in EXTS}
    assert committed == {f"{n}.{e}" for n in NAMES for e in EXTS}
    assert not [p.name for p in COMMITTED.iterdir() if p.name.startswith(".")], "stray temporary files"
    for name in NAMES:
        text = figures.finding(name, figs, results)
        assert text and "\n" not in text


def test_every_registered_figure_is_drawn_by_a_notebook() -> None:
    """So that the notebooks' output comparison covers every committed figure."""
    code = ""
    for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code += "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for name, (fn, _) in figures.FIGURES.items():
        assert f"figures.{fn.__name__}(" in code, f"no notebook draws {name} ({fn.__name__})"


def test_every_committed_png_has_its_svg_and_csv() -> None:
    pngs = sorted(COMMITTED.glob("*.png"))
    assert pngs, "figures/ holds no PNG"
    for png in pngs:
        for ext in ("svg", "csv"):
            assert png.with_suffix(f".{ext}").is_file(), f"{png.name} has no .{ext}"
        assert png.with_suffix(".csv").read_text(encoding="utf-8").strip().count("\n") >= 1, (
            f"{png.with_suffix('.csv').name} holds no plotted data")


def test_findings_follow_the_data(figs, results) -> None:
    """A title's numbers come from the data: change a claim and the finding changes with it."""
    before = figures.finding("income_growth_arithmetic", figs, results)
    assert "9.2%" in before and "55.28%" in before
    changed = figs.with_overrides({"rural_income_growth_annual": read("9.3%", "percent")})
    after = figures.finding("income_growth_arithmetic", changed, checks.run(changed))
    assert "9.3%" in after and "9.2%" not in after and "55.28%" not in after


def test_missing_glyph_in_a_figure_raises(tmp_path: Path, figs, results) -> None:
    """A character the shipped font lacks, reaching a figure through the data, is an error."""
    rare = "\N{CJK UNIFIED IDEOGRAPH-9F98}"  # 龘, not in the subset
    assert style.missing_glyphs(rare)
    claims = [dataclasses.replace(c, written=c.written + rare) if c.id == "consumption_aid_2020"
              else c for c in figs.claims.values()]
    bad = checks.Figures(claims, list(figs.external.values()), published=figs.published,
                         text=figs.text)
    with pytest.raises(style.MissingGlyphError, match="consumption_assistance"):
        figures.fig_consumption_assistance(bad, results, outdir=tmp_path)
    assert not list(tmp_path.iterdir()), "a failed save must leave no files"
