"""The committed figures are exactly what ``debao_audit.figures.build_all`` draws.

Every figure is rebuilt once per session into a temporary directory and compared with
``figures/``: SVG byte for byte, PNG with matplotlib's image comparison (tolerance 2), the CSV of
the plotted data as text.  After changing data, checks or figure code, rebuild with
``python -c "from debao_audit import figures; figures.build_all()"`` and look at the PNGs.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import pytest  # noqa: E402
from matplotlib.testing.compare import compare_images  # noqa: E402

from debao_audit import checks, figures, style  # noqa: E402
from debao_audit.written import read  # noqa: E402

COMMITTED = Path(__file__).resolve().parents[1] / "figures"
EXTS = ("png", "svg", "csv")
NAMES = list(figures.FIGURES)


@pytest.fixture(scope="module")
def figs() -> checks.Figures:
    return checks.load_figures()


@pytest.fixture(scope="module")
def results(figs: checks.Figures) -> list[checks.Result]:
    return checks.run(figs)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, figs, results) -> tuple[Path, list[dict]]:
    """Every figure, built once for the whole module."""
    outdir = tmp_path_factory.mktemp("figures")
    return outdir, figures.build_all(outdir, figs=figs, results=results)


def test_build_all_names_match_registry_and_files(built) -> None:
    outdir, records = built
    assert [r["name"] for r in records] == NAMES
    for r in records:
        assert set(r["paths"]) == set(EXTS)
        for ext, path in r["paths"].items():
            assert path == outdir / f"{r['name']}.{ext}"
            assert path.is_file()
            assert (COMMITTED / path.name).is_file(), f"{path.name} is not committed in figures/"
        assert r["finding"] and "\n" not in r["finding"]
    built_files = {p.name for p in outdir.iterdir()}
    assert built_files == {f"{n}.{e}" for n in NAMES for e in EXTS}  # no stray temporary files


def test_every_committed_png_has_its_svg_and_csv() -> None:
    pngs = sorted(COMMITTED.glob("*.png"))
    assert pngs, "figures/ holds no PNG"
    for png in pngs:
        for ext in ("svg", "csv"):
            assert png.with_suffix(f".{ext}").is_file(), f"{png.name} has no .{ext}"
    assert {p.stem for p in pngs} >= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_byte_identical(built, name: str) -> None:
    outdir, _ = built
    new = (outdir / f"{name}.svg").read_bytes()
    assert new == (COMMITTED / f"{name}.svg").read_bytes(), (
        f"figures/{name}.svg differs from a fresh build: rebuild and look at it")


@pytest.mark.parametrize("name", NAMES)
def test_png_matches(built, name: str) -> None:
    outdir, _ = built
    diff = compare_images(str(COMMITTED / f"{name}.png"), str(outdir / f"{name}.png"), tol=2)
    assert diff is None, diff


@pytest.mark.parametrize("name", NAMES)
def test_csv_matches(built, name: str) -> None:
    outdir, _ = built
    new = (outdir / f"{name}.csv").read_text(encoding="utf-8")
    assert new == (COMMITTED / f"{name}.csv").read_text(encoding="utf-8")
    assert new.strip().count("\n") >= 1, "the CSV holds no plotted data"


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
