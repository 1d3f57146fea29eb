"""The figure registry matches the committed figures; figure texts follow the data and the
verdicts (what-if overrides both ways); one number formatter; the period grammar.

Each figure is drawn once per test run, by the notebook that shows it (under nbval, into a
temporary directory); the notebook's ``::outputs`` item compares every PNG, SVG and CSV it wrote
with ``figures/`` byte for byte.  Here figures are drawn for their texts only (no file
rendered: :func:`texts_of`), each once on the article's own figures (``drawn``) and once per
override whose texts are tested.  After changing data, checks or figure code, rebuild with
``make`` and look at the PNGs (full size and at the README's 260 px).
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from debao_audit import checks, figures, style  # noqa: E402
from debao_audit.figures import common  # noqa: E402
from debao_audit.written import read  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "figures"
EXTS = ("png", "svg", "csv")
NAMES = list(figures.FIGURES)


@pytest.fixture(scope="module")
def figs() -> checks.Figures:
    return checks.load_figures()


@pytest.fixture(scope="module")
def results(figs: checks.Figures) -> list[checks.Result]:
    return checks.run(figs)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, figs, results):
    """``drawn(name)``: :func:`texts_of` figure *name* on the article's own figures, drawn once
    for the whole module (several tests read the same figure's texts)."""
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            with pytest.MonkeyPatch.context() as mp:
                cache[name] = texts_of(mp, name, figs, results, tmp_path_factory.mktemp(name))
        return cache[name]
    return get


@pytest.fixture(scope="module")
def passing_income(figs):
    """The figures with the annual income growth the total implies (9.56%), and their checks."""
    changed = _override(figs, "9.56%")
    return changed, checks.run(changed)


def texts_of(monkeypatch: pytest.MonkeyPatch, name: str, figs, results, tmp_path: Path) -> dict:
    """Build figure *name* and return its title and every text drawn on it.

    The figure goes through ``common.save``'s own pass (every text checked against the shipped
    font, the layout solved and fixed) but no file is rendered: the texts are what is under
    test here, and every figure's PNG, SVG and CSV are written, and compared byte for byte with
    the committed ones, by the notebook that draws it (rendering was 90% of the time)."""
    seen: dict = {}
    real = common.save

    def no_files(fig, stem, frame, outdir=None):
        plt.close(fig)
        return {}

    def capture(fig, stem, frame, outdir):
        seen["title"] = fig._suptitle.get_text() if fig._suptitle else ""
        seen["texts"] = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
        seen["frame"] = frame
        seen["legends"] = [[t.get_text() for t in ax.get_legend().get_texts()]
                           for ax in fig.axes if ax.get_legend() is not None] + \
            [[t.get_text() for t in lg.get_texts()] for lg in fig.legends]
        return real(fig, stem, frame, outdir)

    monkeypatch.setattr(common, "save", capture)
    monkeypatch.setattr(style, "save", no_files)
    figures.FIGURES[name][0](figs, list(results), outdir=tmp_path)
    seen["all"] = "\n".join(seen["texts"])
    return seen


# ---------------------------------------------------------------------------- committed files

def test_registry_names_match_committed_files(figs, results) -> None:
    """Every registered figure is committed as PNG, SVG and CSV, and every committed figure is
    registered (no stale file of a removed stem, no stray), each with a one-line finding."""
    committed = {p.name for p in COMMITTED.iterdir() if p.suffix[1:] in EXTS}
    assert committed == {f"{n}.{e}" for n in NAMES for e in EXTS}, \
        sorted(committed ^ {f"{n}.{e}" for n in NAMES for e in EXTS})
    assert not [p.name for p in COMMITTED.iterdir() if p.name.startswith(".")], "stray temporary files"
    for name in NAMES:
        text = figures.finding(name, figs, results)
        assert text and "\n" not in text
        assert "{" not in text, "an unfilled template in a finding"


def test_every_registered_figure_is_drawn_by_a_notebook() -> None:
    """So that the notebooks' output comparison covers every committed figure."""
    code = ""
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code += "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for name, (fn, _) in figures.FIGURES.items():
        assert f".{fn.__name__}(" in code, f"no notebook draws {name} ({fn.__name__})"


def test_every_committed_csv_holds_data() -> None:
    for name in NAMES:
        csv = COMMITTED / f"{name}.csv"
        assert csv.read_text(encoding="utf-8").strip().count("\n") >= 1, f"{csv.name} is empty"


# ---------------------------------------------------------------------------- gallery shape

def test_gallery_leads_with_findings_and_appendix_is_apart() -> None:
    assert figures.GALLERY[0] == "findings"
    assert figures.APPENDIX and "appendix_all_checks" in figures.APPENDIX
    assert "funding_increase" in figures.APPENDIX  # a trivial check: detail, not a finding
    assert not set(figures.GALLERY) & set(figures.APPENDIX)


@pytest.mark.parametrize("name", figures.GALLERY)
def test_gallery_figure_not_too_tall(name: str) -> None:
    from PIL import Image

    with Image.open(COMMITTED / f"{name}.png") as im:
        assert im.height <= 1.5 * im.width, f"{name}: {im.size}"


@pytest.mark.parametrize("name", figures.GALLERY)
def test_titles_are_short(drawn, name: str) -> None:
    """Titles: about 60 characters a language, details in the subtitle."""
    title = drawn(name)["title"]
    lines = title.split("\n")
    assert 1 <= len(lines) <= 2, title
    for line in lines:
        assert len(line) <= 64, f"{name}: title line of {len(line)} characters: {line!r}"


def test_at_least_four_seaborn_charts() -> None:
    import inspect

    uses = [n for n, (fn, _) in figures.FIGURES.items() if "sns." in inspect.getsource(fn)]
    assert len(uses) >= 4, uses


# ---------------------------------------------------------------------------- the findings

def test_scorecard_has_one_row_per_finding(results) -> None:
    import pandas as pd

    from debao_audit import findings

    frame = pd.read_csv(COMMITTED / "findings.csv")
    found = findings.load(Path(__file__).resolve().parents[1] / "data" / "processed" / "findings.csv")
    found = found[found["kind"] != "context"]  # notes on derived figures: not on the scorecard
    # one row per finding (a wrong figure once, however many checks it fails), its first check
    assert list(frame["finding_id"]) == list(found["finding_id"])
    assert list(frame["check_id"]) == [c.split(";")[0] for c in found["checks"]]
    assert list(frame["verdict"]) == list(found["verdict"])
    assert frame[["label", "checked_against", "others_give", "gap"]].notna().all().all()


def test_scorecard_columns_true_for_every_row(figs, results) -> None:
    """A figure marked 'article' is in the article's text; one marked 'independent' or
    'derived' is not quoted from it; every date is ISO; every row has a short label."""
    import re

    from debao_audit import data
    from debao_audit.figures import overview

    article = (data.RAW / "article.txt").read_text(encoding="utf-8")
    flat = article.replace(",", "")
    rows = [overview.scorecard_row(figs, r) for r in overview._failing(results)]
    assert rows
    for row in rows:
        assert row["label"] and len(row["label"]) <= 32, row
        for value, where in ((row["checked_against"], row["against_source"]),
                             (row["others_give"], row["others_source"])):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                continue  # dates: one ISO format in every row
            assert not re.search(r"\d{4}年\d", value), value
            if where == "article":
                assert value.replace(",", "") in flat, (value, row["check_id"])


def test_scorecard_gap_is_centre_and_range_not_an_edge(figs, results) -> None:
    """近200名 is [190, 200): against 134人 the gap is about +46% (range 41.8–49.3%, shown
    41–50%: an interval's ends are rounded outward, as everywhere), never the 49% of the open
    upper edge."""
    from debao_audit.figures import overview

    row = overview.scorecard_row(figs, common.by_id(results)["medical_experts_within_professionals"])
    assert row["gap"] == "46% over" and row["gap_range"] == "41–50%"
    experts = common.by_id(results)["medical_experts_within_professionals"].outcome
    assert checks.power(experts)[1] == "violated by 46% (range 41–50%)"
    row = overview.scorecard_row(figs, common.by_id(results)["income_annual_vs_total_growth"])
    assert row["gap"] == "+0.36 pp" and row["gap_range"] == "0.30–0.41 pp"


def test_appendix_puts_failures_first_and_only_present_verdicts(results) -> None:
    import pandas as pd

    frame = pd.read_csv(COMMITTED / "appendix_all_checks.csv")
    verdicts = list(frame["verdict"])
    bad = ("inconsistent", "tension")
    non_date = [v for v, u in zip(verdicts, frame["x_unit"]) if u != "days"]
    n_bad = sum(v in bad for v in non_date)
    assert all(v in bad for v in non_date[:n_bad]), "failures and tensions come first"
    dates = [v for v, u in zip(verdicts, frame["x_unit"]) if u == "days"]
    n_bad_dates = sum(v in bad for v in dates)
    assert all(v in bad for v in dates[:n_bad_dates])
    assert verdicts.count("inconsistent") == sum(r.verdict == "inconsistent" for r in results)


def test_trivial_and_coincidence_counted_apart(tmp_path, results, figs) -> None:
    """Checks of power trivial/coincidence are not evidence: counted apart, drawn apart."""
    n0 = common.counts(results)
    evidence = [i for i, r in enumerate(results)
                if r.verdict == "consistent" and r.counts_as == "evidence"]
    changed = list(results)
    for i, kind in zip(evidence[:2], ("trivial", "coincidence")):
        r = changed[i]
        changed[i] = dataclasses.replace(
            r, power=kind, standing=checks.Standing(
                kind, "cannot_fail" if kind == "trivial" else "asserted", "t"))
    n = common.counts(changed)
    assert n["not_evidence"] == n0["not_evidence"] + 2
    assert n["evidence"] == n0["evidence"] - 2 and n["checkable"] == n0["checkable"]
    assert f"{n['not_evidence']} are trivial or coincidences" in \
        figures.finding("checks_by_power", figs, changed)
    paths = figures.fig_checks_by_power(figs, changed, outdir=tmp_path)
    assert {"trivial", "coincidence"} <= _powers(paths["csv"])


def _powers(csv: Path) -> set[str]:
    import pandas as pd

    return set(pd.read_csv(csv)["power_key"])


# ------------------------------------------------------------------ texts under overrides

def _override(figs, written: str):
    return figs.with_overrides({"rural_income_growth_annual": read(written, "percent")})


def test_findings_follow_the_data(figs, results) -> None:
    """A title's numbers come from the data: change a claim and the finding changes with it."""
    before = figures.finding("income_growth", figs, results)
    assert "9.2%" in before and "55.28%" in before
    changed = _override(figs, "9.3%")
    after = figures.finding("income_growth", changed, checks.run(changed))
    assert "9.3%" in after and "9.2%" not in after and "55.28%" not in after


def test_income_texts_fail_wording_as_written(drawn) -> None:
    seen = drawn("income_growth")
    assert "does not compound" in seen["title"] and "不符" in seen["title"]
    assert "9.2%" in seen["all"] and "the 9.2% is the odd one out" in seen["all"]


def test_income_texts_under_a_passing_override(monkeypatch, tmp_path, passing_income) -> None:
    """9.56% stays 9.56% everywhere, and no verdict word says it fails."""
    changed, res = passing_income
    assert {r.check.check_id: r.verdict for r in res}["income_annual_vs_total_growth"] == "consistent"
    seen = texts_of(monkeypatch, "income_growth", changed, res, tmp_path)
    finding = figures.finding("income_growth", changed, res)
    for text in (seen["all"], finding):
        assert "9.56%" in text
        assert "9.6%" not in text, "an overridden figure must be shown as written"
        assert "does not" not in text and "不符" not in text and "gives only" not in text
        assert "odd one out" not in text
    assert "does compound" in seen["title"] and "相符" in seen["title"]
    for entries in seen["legends"]:
        assert len(entries) == len(set(entries)), f"a legend repeats an entry: {entries}"
    assert any("9.56% a year" in entries for entries in seen["legends"])


def test_income_texts_under_a_failing_override(monkeypatch, tmp_path, figs) -> None:
    changed = _override(figs, "9.20%")
    res = checks.run(changed)
    seen = texts_of(monkeypatch, "income_growth", changed, res, tmp_path)
    assert "9.20%" in seen["title"] and "does not compound" in seen["title"]


def test_scorecard_under_overrides(monkeypatch, tmp_path, drawn, passing_income) -> None:
    row_ids = list(drawn("findings")["frame"]["check_id"])
    assert "income_annual_vs_total_growth" in row_ids
    changed, res = passing_income
    seen = texts_of(monkeypatch, "findings", changed, res, tmp_path)
    assert "income_annual_vs_total_growth" not in list(seen["frame"]["check_id"])
    assert "9.6%" not in seen["all"]
    n_fail = sum(r.verdict == "inconsistent" for r in res)
    assert seen["title"].split("\n")[1].startswith(f"{n_fail} of " if n_fail else "All ")


def test_people_texts_follow_the_verdict(monkeypatch, tmp_path, figs, results, drawn) -> None:
    seen = drawn("people_channels")
    status = common.status(common.by_id(results)["medical_experts_within_professionals"])
    # the title is no stronger than the verdict: a tension says so
    assert ("Tension: 近200名" in seen["title"]) == (status == "tension")
    assert ("but only 134人" in seen["title"]) == (status == "inconsistent")
    finding = figures.finding("people_channels", figs, results)
    assert ("a tension" in finding) == (status == "tension")
    assert ("cannot be among" in finding) == (status == "inconsistent")
    changed = figs.with_overrides({"medical_experts": read("近100名", "person")})
    res = checks.run(changed)
    assert {r.check.check_id: r.verdict for r in res}["medical_experts_within_professionals"] \
        == "consistent"
    seen = texts_of(monkeypatch, "people_channels", changed, res, tmp_path)
    assert "近100名" in seen["all"] and "近200名" not in seen["all"]
    assert "fit within" in seen["title"] and "Tension" not in seen["title"]
    assert "cannot" not in figures.finding("people_channels", changed, res)


def test_poverty_texts_follow_the_verdict(monkeypatch, tmp_path, figs, results, drawn) -> None:
    seen = drawn("poverty_population")
    from debao_case import poverty

    status = common.status(common.by_id(results)[poverty.CHECK])
    # no stronger than the verdict: a tension is called one, only a failure "cannot be"
    assert ("Tension" in seen["title"]) == (status == "tension")
    assert ("cannot be" in seen["title"]) == (status == "inconsistent")
    changed = figs.with_overrides({"poor_people_exited": read("77685", "person")})
    res = checks.run(changed)
    seen = texts_of(monkeypatch, "poverty_population", changed, res, tmp_path)
    assert "77,685" in seen["title"] and "cannot" not in seen["title"]
    assert "fit the" in seen["title"]


def test_poverty_title_takes_one_measure_word(monkeypatch, tmp_path, figs, drawn) -> None:
    """The Chinese title adds 名 to a bare count, never to one written with its own measure
    word (7.77万人 → '7.77万人贫困人口', not '7.77万人名')."""
    changed = figs.with_overrides({"poor_people_exited": read("7.77万人", "person")})
    seen = texts_of(monkeypatch, "poverty_population", changed, checks.run(changed), tmp_path)
    zh = seen["title"].split("\n")[0]
    assert zh.startswith("7.77万人") and "万人名" not in zh
    assert drawn("poverty_population")["title"].startswith("102,207名")


# ---------------------------------------------------------------- one number formatter

@pytest.mark.parametrize("value, places, sign, expected", [
    (Decimal("5532.2"), 0, False, "5,532"),
    (Decimal("2.5"), 0, False, "3"),          # half up, not half even
    (Decimal("-1234.5"), 0, False, "\N{MINUS SIGN}1,235"),
    (Decimal("0.355"), 2, True, "+0.36"),
    (Decimal("0"), 1, True, "0.0"),
    (7833.0, 0, False, "7,833"),
])
def test_number(value, places, sign, expected) -> None:
    assert common.number(value, places, sign=sign) == expected


@pytest.mark.parametrize("raw, expected", [
    ("6102万元", "6,102万元"), ("9.56%", "9.56%"), ("近200名", "近200名"),
    ("2640.93万元", "2,640.93万元"), ("102207", "102,207"), ("5.8万人以上", "5.8万人以上"),
    ("200余万元", "200余万元"), ("1.10万元", "1.10万元"),
])
def test_written_figures_grouped_like_the_formatter(raw, expected) -> None:
    assert common.group_written(raw) == expected


def test_as_written_shows_an_override_as_the_user_wrote_it(figs) -> None:
    changed = _override(figs, "9.560%")
    assert common.as_written(changed, "rural_income_growth_annual") == "9.560%"
    assert common.as_written(figs, "rural_income_growth_annual") == "9.2%"
    assert common.as_written(figs, "exit_approval_date") == "2020年5月11日"


def test_no_mixed_number_styles_in_findings(figs, results) -> None:
    """Four-digit amounts are grouped everywhere (no '5,532万元 → 6102万元' mixes)."""
    import re

    for name in NAMES:
        text = figures.finding(name, figs, results)
        assert not re.search(r"(?<![\d.,])\d{4,}(?![\d年])", re.sub(r"\b(19|20)\d\d\b", "", text)), \
            (name, text)


# ---------------------------------------------------------------------------- periods

@pytest.mark.parametrize("period, expected", [
    ("2015", (2015, 2015)), ("2015–2020", (2015, 2020)), ("2016-09–2020-11", (2016, 2020)),
    ("publication", (2021, 2021)), ("2017–publication", (2017, 2021)),
])
def test_years_of_every_period_form(period, expected) -> None:
    import datetime

    assert common.years(period, datetime.date(2021, 2, 7)) == expected


@pytest.mark.parametrize("period", ["unstated", "2020–2015", "2015-2020", "since 2017", ""])
def test_years_refuse_what_has_no_years(period) -> None:
    with pytest.raises(ValueError):
        common.years(period, "2021-02-07")


def test_claim_years_names_the_claim(figs) -> None:
    with pytest.raises(ValueError, match="exit_approval_date"):
        common.claim_years(figs, "exit_approval_date")


# ---------------------------------------------------------------- glyphs and notebooks

def test_missing_glyph_in_a_figure_raises(tmp_path: Path, figs, results) -> None:
    """A character the shipped font lacks, reaching a figure through the data, is an error."""
    rare = "\N{CJK UNIFIED IDEOGRAPH-9F98}"  # 龘, not in the subset
    assert style.missing_glyphs(rare)
    claims = [dataclasses.replace(c, written=c.written + rare) if c.id == "consumption_aid_2020"
              else c for c in figs.claims.values()]
    bad = checks.Figures(claims, list(figs.external.values()), published=figs.published,
                         text=figs.text)
    with pytest.raises(style.MissingGlyphError, match="consumption_assistance"):
        figures.FIGURES["consumption_assistance"][0](bad, results, outdir=tmp_path)
    assert not list(tmp_path.iterdir()), "a failed save must leave no files"


def test_screen_png_is_small_and_deterministic() -> None:
    a = common.screen_png(COMMITTED / "findings.png")
    b = common.screen_png(COMMITTED / "findings.png")
    assert a == b and a.startswith(b"\x89PNG")
    assert len(a) < (COMMITTED / "findings.png").stat().st_size


@pytest.mark.parametrize("nb", sorted((ROOT / "notebooks").glob("0[2-6]-*.ipynb")),
                         ids=lambda p: p.name)
def test_notebooks_embed_screen_resolution_images(nb: Path) -> None:
    """Stored notebooks embed figures at screen resolution, not the print PNG: each image at most
    SCREEN_WIDTH wide, and all of a notebook's images together under 250 KB (base64).  (The
    notebook's total size also depends on its tables, which this test does not judge.)"""
    from PIL import Image
    import base64
    import io

    payload = 0
    for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                payload += len(png)
                with Image.open(io.BytesIO(base64.b64decode(png))) as im:
                    assert im.width <= common.SCREEN_WIDTH
    assert payload < 250_000, f"{nb.name}: {payload} bytes of embedded images"


def test_income_benchmarks_plot_every_row_of_a_series_whatever_its_id(figs) -> None:
    """A series is chosen by geography and indicator, not by id prefix: the key counties'
    2016 and 2019 rows (ids cn_key_county_…) join 2020 (cn_poor_county_…); every label
    carries its unit; markers of one year never sit on top of each other."""
    from debao_case import income

    frame = income.benchmarks_frame(figs)
    for geography, label in income.BENCHMARKS:
        want = {eid for eid, e in figs.external.items()
                if e.geography == geography and e.indicator == income.INDICATOR
                and str(e.period).isdigit()}
        assert set(frame[frame["series"] == label]["id"]) == want, label
    key = frame[frame["series"] == income.BENCHMARKS[-1][1]]
    assert len({i.rsplit("_", 1)[0] for i in key["id"]}) > 1, "the case this test is for"
    assert all("元" in lab for lab in frame["label"])
    span = frame["yuan"].max() - frame["yuan"].min()
    pts = list(zip(frame["x"], frame["yuan"]))
    for i, (x1, y1) in enumerate(pts):
        for x2, y2 in pts[i + 1:]:
            assert abs(x1 - x2) > 0.1 or abs(y1 - y2) / span >= income.DODGE_NEAR


@pytest.mark.parametrize("name", NAMES)
def test_nothing_is_cut_at_the_figure_sides(name) -> None:
    """The committed PNG's outer columns are background: no glyph runs into a side (the
    checks_by_kind label '外部来源 external source' once lost its first stroke)."""
    import matplotlib.image as mpimg

    img = mpimg.imread(COMMITTED / f"{name}.png")[..., :3]
    bg = img[0, 0]
    for col in (0, 1, img.shape[1] - 2, img.shape[1] - 1):
        assert (abs(img[:, col] - bg) < 0.02).all(), f"{name}: something drawn at column {col}"


def test_funding_increase_every_value_axis_has_its_unit(monkeypatch, tmp_path, figs, results) -> None:
    seen: dict = {}
    real = common.save

    def capture(fig, stem, frame, outdir):
        seen["ylabels"] = [ax.get_ylabel() for ax in fig.axes if ax.get_yticks().size]
        return real(fig, stem, frame, outdir)

    monkeypatch.setattr(common, "save", capture)
    figures.FIGURES["funding_increase"][0](figs, list(results), outdir=tmp_path)
    assert len(seen["ylabels"]) == 2 and all("万元" in y for y in seen["ylabels"]), seen


@pytest.mark.parametrize("name", NAMES)
def test_notebook_images_keep_the_palette_exactly(name) -> None:
    """The screen-size copy a notebook embeds keeps every palette, verdict and text colour the
    print PNG uses, exactly (a 32-colour median cut once merged vermillion and amber), and
    carries the figure's title for the alt text."""
    import io

    from PIL import Image

    with Image.open(COMMITTED / f"{name}.png") as im:
        src = im.convert("RGB")
        src = src.resize((common.SCREEN_WIDTH, round(src.height * common.SCREEN_WIDTH / src.width)),
                         Image.LANCZOS)
    used = {c for _, c in src.getcolors(1 << 22)}
    fixed = [c for c in common.fixed_colours() if c in used]
    assert len(fixed) >= 3
    with Image.open(io.BytesIO(common.screen_png(COMMITTED / f"{name}.png"))) as im:
        assert im.mode == "P" and im.width <= common.SCREEN_WIDTH
        title = im.text.get("Title", "")
        out = {c for _, c in im.convert("RGB").getcolors(1 << 22)}
    assert [c for c in fixed if c not in out] == []
    assert title and title == style.read_titles(COMMITTED / f"{name}.png")[0]


def test_figures_carry_their_title_in_png_and_svg() -> None:
    for name in NAMES:
        title, desc = style.read_titles(COMMITTED / f"{name}.png")
        assert title, name
        svg = (COMMITTED / f"{name}.svg").read_text(encoding="utf-8")
        head = svg[:svg.index("<g ")] if "<g " in svg else svg[:5000]
        assert "<title" in head and 'role="img"' in head, name
        from html import escape
        assert escape(title) in head and (not desc or escape(desc) in head), name


def test_scorecard_tags_a_date_tension_as_dates(drawn, results) -> None:
    """Dates that disagree are 日期有出入, as the findings' Chinese says; other tensions 有出入."""
    texts = drawn("findings")["texts"]
    tags = [t for t in texts if "tension · not proven wrong" in t]
    dated = sum(r.verdict == "tension" and r.outcome.unit == "date" for r in results)
    assert dated and sum(t.startswith("日期有出入") for t in tags) == dated
    assert sum(t.startswith("有出入") for t in tags) == len(tags) - dated


def test_an_audit_with_no_finding_draws_its_findings_figure(monkeypatch, tmp_path) -> None:
    """A case none of whose checks fails or is in tension (a fresh draft of the unseen synthetic
    article: every suggestion agrees) still gets its scorecard, saying so (the audit, and
    ``tools/draft_eval.py --first-audit``, once failed on it: its texts overlapped)."""
    import datetime as dt
    from debao_audit import case as _case
    from debao_audit import draft
    text = (ROOT / "tests" / "draft_samples" / "synthetic-heshan" / "article.txt").read_text(
        encoding="utf-8")
    folder = draft.write(draft.draft(text, slug="h", accessed=dt.date(2026, 12, 7), invented=True),
                         tmp_path / "h")
    case = _case.load(folder)
    figs = checks.load_figures(case=case)
    res = checks.run(figs, case.registry())
    assert not any(r.verdict in ("inconsistent", "tension") for r in res)
    seen = texts_of(monkeypatch, "findings", figs, res, tmp_path / "out")
    assert "没有发现 No finding" in seen["texts"] and seen["frame"].empty
    assert "All 0" not in seen["title"]


def test_the_gallery_shows_the_findings_figure_where_its_smallest_text_reads(monkeypatch, tmp_path,
                                                                           figs, results) -> None:
    """The scorecard's small type (the source, a row's full title) is unreadable at the
    gallery's 260 px thumbnails: the gallery shows it first, at a width where every text of it
    is at least 8 px (its font size in points, scaled from the figure's inches to that width)."""
    import re

    from tools import write_gallery as wg
    sizes: dict = {}
    real = common.save

    def capture(fig, stem, frame, outdir):
        sizes["pt"] = min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip())
        sizes["inches"] = fig.get_size_inches()[0]
        return real(fig, stem, frame, outdir)

    monkeypatch.setattr(common, "save", capture)
    monkeypatch.setattr(style, "save", lambda fig, stem, frame, outdir=None: plt.close(fig) or {})
    figures.FIGURES["findings"][0](figs, list(results), outdir=tmp_path)

    def px(width: int) -> float:
        return sizes["pt"] / 72 * width / sizes["inches"]
    assert px(wg.THUMB_WIDTH) < 8 <= px(wg.LEAD_WIDTH), (px(wg.THUMB_WIDTH), px(wg.LEAD_WIDTH))
    page = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    block = page.partition(wg.START)[2].partition(wg.END)[0]
    first = re.search(r'<img src="\.\./figures/([\w.-]+)\.png" width="(\d+)"', block)
    assert first and first.groups() == (figures.GALLERY[0], str(wg.LEAD_WIDTH))
