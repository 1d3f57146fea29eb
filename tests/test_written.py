"""The reader of numbers as written: known cases, errors and properties (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from debao_audit.interval import Interval
from debao_audit.written import DEFAULT, ReadError, read, read_date, format_value

D = Decimal


@pytest.mark.parametrize("raw, unit, value, interval", [
    ("2.24亿元", "yuan", "224000000", Interval(D("223500000"), D("224500000"), hi_open=True)),
    ("832.2万元", "yuan", "8322000", Interval(D("8321500"), D("8322500"), hi_open=True)),
    ("1.10万元", "yuan", "11000", Interval(D("10950"), D("11050"), hi_open=True)),
    ("57.84%", "percent", "57.84", Interval(D("57.835"), D("57.845"), hi_open=True)),
    ("53%", "percent", "53", Interval(D("52.5"), D("53.5"), hi_open=True)),
    ("12364元", "yuan", "12364", Interval(D("12363.5"), D("12364.5"), hi_open=True)),
    ("102207", "person", "102207", Interval.point(102207)),
    ("1400多户", "household", "1400", Interval(D(1400), D(1500), True, True)),
    ("20余批次", "batch", "20", Interval(D(20), D(30), True, True)),
    ("200余万元", "yuan", "2000000", Interval(D(2000000), D(3000000), True, True)),
    ("700多人次", "person_time", "700", Interval(D(700), D(800), True, True)),
    ("近200名", "person", "200", Interval(D(190), D(200), hi_open=True)),
    ("5.8万人以上", "person", "58000", Interval(D(57500), None)),
    ("超过70%", "percent", "70", Interval(D(70), D(100), lo_open=True)),
    ("五年", "year", "5", Interval.point(5)),
    ("三级", "level", "3", Interval.point(3)),
    ("0", "percent", "0", Interval.point(0)),
    ("两千多", "person", "2000", Interval(D(2000), D(3000), True, True)),
])
def test_known_readings(raw, unit, value, interval):
    r = read(raw, unit)
    assert r.value == D(value)
    assert r.interval == interval
    assert r.raw == raw


def test_decimals_and_qualifiers_are_kept():
    assert read("1.10万元", "yuan").decimals == 2
    assert read("1.1万元", "yuan").decimals == 1
    assert read("1400多户", "household").qualifier == "more_than_below_next_step"
    assert read("近200名", "person").qualifier == "nearly"
    assert read("5.8万人以上", "person").qualifier == "at_least"
    assert read("超过70%", "percent").qualifier == "more_than"
    assert read("102207", "person").exact and not read("12364元", "yuan").exact


def test_trailing_zeros_are_information():
    assert read("1.10万元", "yuan").interval.width < read("1.1万元", "yuan").interval.width


def test_conventions_can_be_varied():
    wide = DEFAULT.with_(near_band=D("0.1"))
    assert read("近200名", "person", wide).interval.lo == 180
    rounded_counts = DEFAULT.with_(exact_integer_counts=False)
    assert read("7200人次", "person_time", rounded_counts).interval == Interval(D(7150), D(7250), hi_open=True)
    assert read("7264名", "person", rounded_counts).interval == Interval(D("7263.5"), D("7264.5"), hi_open=True)


def test_dates():
    r = read_date("2016年9月")
    assert r.iso == "2016-09" and r.interval.width == 29
    assert read_date("2020年5月11日").interval.is_point
    assert read_date("2017年").interval.width == 364
    with pytest.raises(ReadError):
        read_date("2020年2月30日")


@pytest.mark.parametrize("raw, unit", [
("abc", "person"), ("1.2.3万元", "yuan"), ("12万亿元", "yuan"),
    ("12户", "yuan"), ("12元", "furlong"), ("近1400多户", "household"),
])
def test_unreadable_or_mismatched(raw, unit):
    with pytest.raises(ReadError):
        read(raw, unit)


def test_format_value():
    assert format_value(D("224000000"), "yuan") == "2.24亿元"
    assert format_value(D("61020000"), "yuan") == "6102万元"
    assert format_value(D("57.84"), "percent") == "57.84%"


# -- properties ------------------------------------------------------------------------------

decimals_st = st.integers(min_value=0, max_value=4)
scales = st.sampled_from(["", "万", "亿"])


@st.composite
def written_money(draw):
    places = draw(decimals_st)
    n = draw(st.integers(min_value=1, max_value=10**7))
    num = D(n).scaleb(-places)
    return f"{num:f}{draw(scales)}元", num, places


@given(written_money())
def test_written_value_lies_in_its_interval(case):
    raw, _, _ = case
    r = read(raw, "yuan")
    assert r.value in r.interval
    assert r.interval.width == r.step


@given(written_money())
def test_reading_is_stable_under_formatting_round_trip(case):
    raw, _, _ = case
    r = read(raw, "yuan")
    again = read(r.canonical, "yuan")
    assert (again.value, again.interval, again.decimals) == (r.value, r.interval, r.decimals)
    # the article's style of writing the value keeps the value (it may drop trailing zeros,
    # which can only widen the interval around the same value)
    restyled = read(format_value(r.value, "yuan"), "yuan")
    assert restyled.value == r.value and r.value in restyled.interval


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["多", "近", "超过", "以上", ""]),
       st.sampled_from(["人", "名", "人次"]))
def test_qualified_counts_round_trip(n, q, word):
    raw = {"近": f"近{n}{word}", "超过": f"超过{n}{word}", "以上": f"{n}{word}以上"}.get(q, f"{n}{q}{word}")
    unit = "person_time" if word == "人次" else "person"
    r = read(raw, unit)
    assert r.canonical == raw
    assert read(r.canonical, unit) == r


@given(st.integers(min_value=1, max_value=10**6), decimals_st, decimals_st)
def test_more_precise_figures_have_narrower_intervals(n, p, q):
    lo, hi = sorted((p, q))
    coarse = read(f"{D(n).scaleb(-lo):f}%", "percent")
    fine = read(f"{D(n).scaleb(-hi):f}%", "percent")
    assert fine.interval.width <= coarse.interval.width
    if hi > lo:
        assert fine.interval.width < coarse.interval.width


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["多", "余"]))
def test_more_than_reading_lies_above_the_figure(n, q):
    r = read(f"{n}{q}人", "person")
    assert r.value not in r.interval          # strictly above
    assert r.value + r.interval.width in r.interval.hull(Interval.point(r.value + r.interval.width))
    assert r.interval.lo == r.value
