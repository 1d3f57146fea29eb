"""Relations declared as data (``relations.csv``, :mod:`debao_audit.shapes`): the shapes' new
columns are validated in one line naming the file, the row and its check id, and the column;
growth between two levels is derived or held against a rate, over one year or several
(a property, with Hypothesis); this article's checks of the common shapes are rows, in the
order its case places them."""

from __future__ import annotations

import csv
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from debao_audit import case, checks, data, shapes, validate
from debao_audit.interval import Interval
from debao_audit.numbers import number
from test_cases import copy_case

D = Decimal
COLUMNS = list(shapes.RELATION_COLUMNS) + list(shapes.OPTIONAL_COLUMNS)
WORDS = {"theme": "people", "title": "t", "formula": "f", "assumption": "a", "explanation": "e"}


def with_rows(folder: Path, *rows: dict) -> Path:
    """The practice case copied to ``folder`` with relation rows added (the optional columns
    added to its file)."""
    copy_case(folder)
    rel = folder / "relations.csv"
    with rel.open(encoding="utf-8", newline="") as f:
        old = list(csv.DictReader(f))
    with rel.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, restval="", lineterminator="\n")
        w.writeheader()
        w.writerows(old + [{**WORDS, **r} for r in rows])
    return folder


def results(folder: Path) -> dict[str, checks.Result]:
    figs = checks.load_figures(case=case.load(folder))
    return {r.check.check_id: r for r in checks.run(figs)}


EACH = dict(check_id="subsidy_each", shape="per_unit", left="public_post_subsidy",
            right="public_post_workers")
DATES = dict(check_id="dates_in_order", shape="date_order", left="pairing_start_date",
             right="exit_approval_date", theme="timeline")


# --- the new columns: one line naming file, row, check id and column -------------------------

@pytest.mark.parametrize("row, column, says", [
    (dict(EACH, display_unit="kilometres"), "display_unit", "a display unit"),
    (dict(EACH, display_unit="万"), "display_unit", "a display unit"),
    (dict(EACH, display_unit="date"), "display_unit", "not 'date'"),
    (dict(DATES, display_unit="%"), "display_unit", "'date' or empty"),
    (dict(EACH, display_unit="元", places="1.5"), "places", "a whole number of decimals"),
    (dict(EACH, display_unit="元", places="x"), "places", "a whole number of decimals"),
    (dict(EACH, display_unit="元", places="-1"), "places", "from 0 to 6"),
    (dict(EACH, display_unit="元", places="99"), "places", "from 0 to 6"),
    (dict(EACH, right="public_post_subsidy"), "right", "with itself"),
    (dict(EACH, shape="growth_between", left="rural_income_2020", right="ext_rural_income_2015",
          other="jobs_guangdong"), "other", "a rate in percent"),
    (dict(EACH, shape="growth_between", left="rural_income_2020", right="ext_rural_income_2015",
          years="x"), "years", "a whole number of years"),
    (dict(EACH, shape="sum_total", left="jobs_guangdong;jobs_in_region", right="jobs_total_2020",
          kind="part_whole"), "inclusion", "part-whole"),
    (dict(EACH, kind="ratios"), "kind", "one of"),
])
def test_a_bad_cell_is_one_line_naming_file_row_check_and_column(tmp_path, row, column, says):
    folder = with_rows(tmp_path / "c", row)
    with pytest.raises((case.CaseError, data.DataError)) as e:
        validate.validate_case(folder)
    line = str(e.value)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(str(folder / "relations.csv")), line
    assert "row 20 " in line and f"check '{row['check_id']}'" in line, line
    assert f"column '{column}'" in line and says in line, line


@pytest.mark.parametrize("unit", ["元", "万元", "亿元", "yuan", "%", "-", "×", "persons",
                                  "person-times", "households", "villages"])
def test_every_display_unit_a_figure_can_take_is_accepted(tmp_path, unit):
    folder = with_rows(tmp_path / "c", dict(EACH, display_unit=unit, places="2"))
    assert validate.validate_case(folder)["checks"] == 20


def test_a_date_order_may_say_date_and_places_alone_keep_the_unit(tmp_path):
    folder = with_rows(tmp_path / "c", dict(DATES, display_unit="date"),
                       dict(EACH, places="0"))
    res = results(folder)
    assert res["dates_in_order"].verdict == "consistent"
    assert res["subsidy_each"].row()["implied"].startswith("centre 1万元,")


# --- growth between two levels: derived, held against a rate, over several years -------------

GROWTH = dict(shape="growth_between", left="rural_income_2020", right="ext_rural_income_2015",
              theme="income")


def test_growth_between_is_derived_or_held_against_a_rate_over_its_years(tmp_path):
    folder = with_rows(
        tmp_path / "c",
        dict(GROWTH, check_id="total_from_levels", other="rural_income_growth_total"),
        dict(GROWTH, check_id="annual_from_levels", other="rural_income_growth_annual",
             years="5"),
        dict(GROWTH, check_id="annual_derived", years="5", places="3"),
        dict(GROWTH, check_id="total_derived"))
    res = results(folder)
    figs = checks.load_figures(case=case.load(folder))
    ratio = figs.pt("rural_income_2020") / figs.pt("ext_rural_income_2015")
    # 12580 / 7811 − 1 = 61.05%: the stated total; over five years 10.0% a year, not 8.9%
    assert res["total_from_levels"].verdict == "consistent"
    assert res["annual_from_levels"].verdict == "inconsistent"
    assert res["annual_derived"].verdict == "not_checkable"
    annual = (ratio ** (D(1) / 5) - 1) * 100
    assert res["annual_derived"].row()["implied"].startswith(f"centre {number(annual, 3)}%,")
    total = (ratio - 1) * 100
    assert res["total_derived"].row()["implied"].startswith(f"centre {number(total, 2)}%,")
    assert res["total_derived"].check.kind == "growth"


def _levels(later: Interval, earlier: Interval) -> checks.Figures:
    return checks.Figures([], [], {"later": later, "earlier": earlier})


@settings(max_examples=80, derandomize=True, deadline=None)
@given(later=st.integers(1, 10 ** 7), earlier=st.integers(1, 10 ** 7), years=st.integers(1, 12),
       width=st.integers(0, 3))
def test_growth_between_encloses_the_rate_that_compounds_back(later, earlier, years, width):
    """The derived rate's interval holds every rate its levels' values give (the corners), and
    compounding the rate as written over the years gives back the ratio of the levels."""
    a, b = Interval.closed(later, later + width), Interval.closed(earlier, earlier + width)
    fn = shapes._compute("growth_between", ("later",), ("earlier",), (), years,
                         {"unit": "%", "places": 2})
    o = fn(_levels(a, b))
    assert o.relation == "none"
    power = D(1) / years  # the exponent as the shape writes it (28 digits)
    with localcontext() as ctx:
        ctx.prec = 50
        for x in (a.lo, a.hi):
            for y in (b.lo, b.hi):
                exact = ((x / y) ** power - 1) * 100
                assert o.implied.lo - D("1e-30") <= exact <= o.implied.hi + D("1e-30")
        back = (1 + o.implied_point / 100) ** years
        ratio = a.mid / b.mid
    assert abs(back - ratio) <= ratio * D("1e-20")


def test_growth_between_over_one_year_is_the_plain_rise():
    a, b = Interval.closed(110, 111), Interval.closed(100, 101)
    for years in (1,):
        o = shapes._compute("growth_between", ("later",), ("earlier",), (), years)(_levels(a, b))
        assert o.implied == (a / b - checks.ONE) * checks.HUNDRED


# --- kinds decide what a row needs --------------------------------------------------------

def test_a_derived_difference_of_another_kind_needs_no_inclusion(tmp_path):
    folder = with_rows(tmp_path / "c", dict(
        check_id="jobs_rest", shape="difference", left="jobs_total_2020", right="jobs_guangdong",
        kind="share"))
    res = results(folder)
    assert res["jobs_rest"].verdict == "not_checkable"
    assert res["jobs_rest"].check.inclusion == ""


# --- this article: its checks of the common shapes are rows, in the case's order -------------

def test_at_least_30_of_this_articles_checks_are_rows_of_relations_csv():
    with (data.DATA / "relations.csv").open(encoding="utf-8", newline="") as f:
        rows = [r["check_id"] for r in csv.DictReader(f)]
    assert len(rows) >= 30
    code = __import__("debao_case", fromlist=["CHECKS"]).CHECKS
    assert not set(rows) & set(code)
    assert set(rows) <= set(case.default().registry())


def test_the_docs_count_the_rows_they_describe():
    with (data.DATA / "relations.csv").open(encoding="utf-8", newline="") as f:
        n = sum(1 for _ in csv.DictReader(f))
    total = len(case.default().registry())
    for doc in ("design.md", "data.md"):
        text = (data.ROOT / "docs" / doc).read_text(encoding="utf-8")
        assert f"{n} of this article's {total} checks" in text or f"{n} of its {total}" in text, doc


def test_the_case_places_its_rows_among_its_code_checks():
    """The registry's order (checks.csv's) is the case's: rows it does not place first, in the
    file's order, then its code checks and the rows it places, in the order it declares them."""
    mod = __import__("debao_case.checks", fromlist=["ORDER"])
    reg = case.default().registry()
    with (data.DATA / "relations.csv").open(encoding="utf-8", newline="") as f:
        rows = [r["check_id"] for r in csv.DictReader(f)]
    first = [r for r in rows if r not in mod.ORDER]
    assert list(reg) == first + list(mod.ORDER)
    assert set(mod.ORDER) - set(mod.CHECKS) <= set(rows)


def test_a_place_for_a_row_that_is_not_there_is_one_error_line(monkeypatch):
    mod = __import__("debao_case.checks", fromlist=["ORDER"])
    monkeypatch.setattr(mod, "ORDER", mod.ORDER + ["no_such_row"])
    own = case.default()
    reg = checks.Registry()
    shapes.compile_into(reg, own.relations, own)
    with pytest.raises(ValueError, match=r"relations\.csv has no row 'no_such_row'"):
        mod.register(reg)
