"""The reader of numbers as written: known cases, errors and properties (hypothesis)."""

import re
from dataclasses import replace
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


# -- the article's own written forms (regression) ------------------------------------------------
# Every written pattern in data/claims.csv, with the interval derived by hand from the documented
# conventions (see the module docstring and docs/design.md "Conventions for reading numbers").  If one
# of these changes, a claim's reading has changed.

@pytest.mark.parametrize("raw, unit, interval", [
    # 万元 integer: rounds at its last written digit, the 万 (10^4) place: 6102万 ± 0.5万
    ("6102万元", "yuan", Interval(D(61015000), D(61025000), hi_open=True)),
    # two decimals of 万: step 100 yuan
    ("2640.93万元", "yuan", Interval(D(26409250), D(26409350), hi_open=True)),
    # 亿 with two decimals: step 0.01亿 = 10^6
    ("2.06亿元", "yuan", Interval(D(205500000), D(206500000), hi_open=True)),
    # a count written with 万 is a rounded figure: 36.8万 ± 0.05万
    ("36.8万", "person", Interval(D(367500), D(368500), hi_open=True)),
    # integer counts are exact
    ("26576户", "household", Interval.point(26576)),
    ("89个", "village", Interval.point(89)),
    ("3182人次", "person_time", Interval.point(3182)),
    ("3800", "person", Interval.point(3800)),
    ("5年", "year", Interval.point(5)),
    # 多 over a round thousand: (3000, 4000)
    ("3000多人次", "person_time", Interval(D(3000), D(4000), True, True)),
    # integer percent: half a point either side
    ("9.2%", "percent", Interval(D("9.15"), D("9.25"), hi_open=True)),
])
def test_article_forms_keep_their_readings(raw, unit, interval):
    assert read(raw, unit).interval == interval


# -- paired-digit approximations (两三万) -----------------------------------------------------------
# Convention: two neighbouring digits name the two round figures at that place; the reading is
# the closed interval between them (the digits below the pair are zero, as written).

@pytest.mark.parametrize("raw, unit, lo, hi", [
    ("两三万人", "person", 20000, 30000),
    ("三四万元", "yuan", 30000, 40000),
    ("八九亿元", "yuan", 800000000, 900000000),
    ("五六人", "person", 5, 6),
    ("一两年", "year", 1, 2),
    ("十二三人", "person", 12, 13),
    ("二三十人", "person", 20, 30),
    ("三万四五千元", "yuan", 34000, 35000),
    ("七八百户", "household", 700, 800),
])
def test_paired_digits_read_as_intervals(raw, unit, lo, hi):
    r = read(raw, unit)
    assert r.interval == Interval.closed(lo, hi)
    assert r.form == "paired" and r.value in r.interval


def test_two_three_ten_thousand_is_not_230000():
    r = read("两三万人")
    assert r.interval == Interval.closed(20000, 30000)
    assert r.value == 25000          # the midpoint stands in for "the figure as written"


# -- the families a second article would contain ---------------------------------------------------

@pytest.mark.parametrize("raw, unit, interval", [
    # 约/大约/左右/上下: about N, ±about_band (5%): 200 → [190, 210]
    ("约200人", "person", Interval.closed(190, 210)),
    ("大约200人", "person", Interval.closed(190, 210)),
    ("200人左右", "person", Interval.closed(190, 210)),
    ("200人上下", "person", Interval.closed(190, 210)),
    ("约3.5万元", "yuan", Interval.closed(33250, 36750)),
    # 逾/超: more than, no upper bound (shares capped at 100)
    ("逾200人", "person", Interval(D(200), None, lo_open=True)),
    ("超200人", "person", Interval(D(200), None, lo_open=True)),
    ("超30%", "percent", Interval(D(30), D(100), lo_open=True)),
    # 不到/不足: less than N, from zero
    ("不到200人", "person", Interval(D(0), D(200), hi_open=True)),
    ("不足1%", "percent", Interval(D(0), D(1), hi_open=True)),
    # 将近 = 近: [0.95 N, N)
    ("将近200人", "person", Interval(D(190), D(200), hi_open=True)),
    # 至少: at least, from the low end of the figure's rounding interval
    ("至少200人", "person", Interval(D(200), None)),
    ("至少2.5万元", "yuan", Interval(D(24500), None)),
    # 以下/以内: at most, down to zero
    ("200人以下", "person", Interval.closed(0, 200)),
    # 多达: "as many as": the figure as written
    ("多达200人", "person", Interval.point(200)),
    ("多达2.24亿元", "yuan", Interval(D(223500000), D(224500000), hi_open=True)),
    # 个百分点: percentage points, rounded like percent
    ("3.5个百分点", "percentage_point", Interval(D("3.45"), D("3.55"), hi_open=True)),
    ("2个百分点", "percentage_point", Interval(D("1.5"), D("2.5"), hi_open=True)),
    # 百分之…: percent; a Chinese numeral rounds like its Arabic twin (五十 like 50: the unit)
    ("百分之五十", "percent", Interval(D("49.5"), D("50.5"), hi_open=True)),
    ("百分之百", "percent", Interval(D("99.5"), D("100.5"), hi_open=True)),
    ("百分之三十五点八", "percent", Interval(D("35.75"), D("35.85"), hi_open=True)),
    ("百分之20", "percent", Interval(D("19.5"), D("20.5"), hi_open=True)),
    ("超过百分之五十", "percent", Interval(D(50), D(100), lo_open=True)),
    # fullwidth ％ is %
    ("57.84％", "percent", Interval(D("57.835"), D("57.845"), hi_open=True)),
    # thousands separators
    ("1,400多户", "household", Interval(D(1400), D(1500), True, True)),
    ("1,234,567元", "yuan", Interval(D("1234566.5"), D("1234567.5"), hi_open=True)),
    # 万余/千余: an implied 一 before the lone place: (1万, 2万), (1000, 2000)
    ("万余人", "person", Interval(D(10000), D(20000), True, True)),
    ("千余户", "household", Interval(D(1000), D(2000), True, True)),
    ("百余名", "person", Interval(D(100), D(200), True, True)),
    # 数/几: a digit from 2 to 9 (few_digits), closed like a pair
    ("数十人", "person", Interval.closed(20, 90)),
    ("几十人", "person", Interval.closed(20, 90)),
    ("十几人", "person", Interval.closed(12, 19)),
    ("数百万元", "yuan", Interval.closed(2000000, 9000000)),
    # ranges: the scale written at the end applies to both ends; closed at the figures
    ("3至5万元", "yuan", Interval.closed(30000, 50000)),
    ("3-5万元", "yuan", Interval.closed(30000, 50000)),
    ("3万至5万元", "yuan", Interval.closed(30000, 50000)),
    ("两到三万", None, Interval.closed(20000, 30000)),
    ("3~5%", "percent", Interval.closed(3, 5)),
    ("十到二十万人", "person", Interval.closed(100000, 200000)),
    # numerals with 万 inside: scaled, so rounded at the last written digit (the 千)
    ("一万二千人", "person", Interval(D(11500), D(12500), hi_open=True)),
    ("三万五", None, Interval(D(34500), D(35500), hi_open=True)),
    # 倍: a multiple, rounded at its last digit
    ("3倍", "times", Interval(D("2.5"), D("3.5"), hi_open=True)),
    ("2.5倍", "times", Interval(D("2.45"), D("2.55"), hi_open=True)),
    # 成: tenths, read as percent, rounded at the 成 (10 points)
    ("三成", "percent", Interval(D(25), D(35), hi_open=True)),
    ("七成以上", "percent", Interval(D(65), D(100))),
])
def test_new_forms(raw, unit, interval):
    r = read(raw, unit)
    assert r.interval == interval


def test_percentage_points_are_not_percent():
    with pytest.raises(ReadError, match="percentage_point"):
        read("3个百分点", "percent")
    with pytest.raises(ReadError):
        read("3%", "percentage_point")


def test_new_conventions_can_be_varied():
    assert read("约200人", "person", DEFAULT.with_(about_band=D("0.1"))).interval == Interval.closed(180, 220)
    assert read("数十人", "person", DEFAULT.with_(few_digits=(3, 9))).interval == Interval.closed(30, 90)
    rounded_ends = DEFAULT.with_(range_rounded_ends=True)
    # 3万 → [2.5万, 3.5万), 5万 → [4.5万, 5.5万): the hull
    assert read("3至5万元", "yuan", rounded_ends).interval == Interval(D(25000), D(55000), hi_open=True)
    assert read("不到200人", "person", DEFAULT.with_(under_band=D("0.05"))).interval == \
        Interval(D(190), D(200), hi_open=True)
    last_digit = DEFAULT.with_(cn_round_at_last_digit=True)
    assert read("百分之五十", "percent", last_digit).interval == Interval(D(45), D(55), hi_open=True)
    # with 万 inside, both conventions round at the last written digit (like 1.2万)
    assert read("一万二千元", "yuan", last_digit).interval == read("一万二千元", "yuan").interval


@pytest.mark.parametrize("raw, why", [
    ("百十一", "numeral"),
    ("十一十二", "numeral"),
    ("零十一", "numeral"),
    ("近零", "empty"),
    ("三五人", "neighbour"),
    ("二一", "neighbour"),
    ("二〇二〇", "numeral"),
    ("5至3万元", "backwards"),
    ("两三万多人", "approximate"),
    ("百分之五十%", "twice"),
    ("14,00户", "thousands"),
    ("1，400户", "comma"),
    ("三、四人", "enumeration"),
    ("-5", "negative"),
    ("3-", "range"),
    ("007人", "leading zero"),
    ("超过120%", "percent_cap"),
    ("十两", "两"),
    ("两十", "两"),
    ("2016-2020年", "calendar"),
    ("", "empty"),
    ("近约200人", "qualifier"),
])
def test_malformed_forms_say_why(raw, why):
    with pytest.raises(ReadError, match=why):
        read(raw)


def test_non_strings_are_read_errors():
    with pytest.raises(ReadError):
        read(None)  # type: ignore[arg-type]


# -- no exception but ReadError, for any input -----------------------------------------------------

NUMERALS = list("零〇一二两三四五六七八九十百千万亿几数点") + list("0123456789")
QUALIFIER_WORDS = ["多", "余", "近", "将近", "约", "大约", "以上", "以下", "以内", "超过", "超", "逾",
                   "左右", "上下", "不到", "不足", "至少", "多达", "百分之"]
UNIT_WORDS = ["元", "万元", "亿元", "人", "户", "%", "％", "个", "名", "人次", "批次", "个百分点",
              "百分点", "倍", "成", "年", "月", "日", "级"]
PUNCTUATION = [",", ".", "，", "、", "-", "至", "到", "~", "～", "—", " "]
DIRECTION_WORDS = ["下降", "减少", "降低", "增长", "增加"]
TOKENS = NUMERALS + QUALIFIER_WORDS + DIRECTION_WORDS + UNIT_WORDS + PUNCTUATION


def _closure_contains(iv: Interval, x: Decimal) -> bool:
    return (iv.lo is None or iv.lo <= x) and (iv.hi is None or x <= iv.hi)


def _assert_reads_or_says_why(raw, unit=None):
    try:
        r = read(raw, unit)
    except ReadError as e:
        assert str(e)            # a reason, never an empty message
        return None
    iv = r.interval
    # the value lies in the interval, or at its open edge for one-sided qualifiers
    # (1400多 → (1400, 1500) excludes 1400 by design; 近200 → [190, 200) excludes 200)
    assert _closure_contains(iv, r.value), (raw, r)
    if r.qualifier is None:
        assert r.value in iv, (raw, r)
    return r


@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map("".join),
       st.sampled_from([None, "person", "yuan", "percent", "percentage_point", "date", "times"]))
def test_any_token_string_reads_or_raises_read_error(raw, unit):
    _assert_reads_or_says_why(raw, unit)


@given(st.text(max_size=12))
def test_any_text_reads_or_raises_read_error(raw):
    _assert_reads_or_says_why(raw)


def test_every_short_numeral_string_reads_or_raises_read_error():
    import itertools
    alphabet = "零〇一二两三四五六七八九十百千"
    read_ok = 0
    for n in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=n):
            raw = "".join(chars)
            for unit in (None, "yuan"):
                if _assert_reads_or_says_why(raw, unit) is not None:
                    read_ok += 1
    assert read_ok > 0


@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_numerals_written_by_cn2an_read_back(n):
    import cn2an
    written = cn2an.an2cn(n)         # cn2an's writer, e.g. 35000 → 三万五千
    assert read(written).value == n


@given(st.integers(min_value=1, max_value=8), st.sampled_from(["", "十", "百", "千", "万", "十万", "亿"]))
def test_any_neighbouring_pair_reads_as_its_two_round_figures(d, place):
    import cn2an
    cn = "一二三四五六七八九"
    raw = f"{cn[d - 1]}{cn[d]}{place}"
    factor = int(cn2an.cn2an("一" + place, "strict")) if place else 1
    assert read(raw).interval == Interval.closed(d * factor, (d + 1) * factor)


# -- the table of forms (notebook 01) ------------------------------------------------------------

def test_forms_table_covers_the_issue_families_and_reads_at_least_12():
    from debao_audit.written import ISSUE_FAMILIES, forms_table
    t = forms_table()
    read_ok = t[t["reads as"] != "ReadError"]
    assert set(read_ok["kind"]) == {"in this article", "new form"}
    families_read = set(read_ok["family"]) & set(ISSUE_FAMILIES)
    assert len(families_read) >= 12
    assert families_read == set(ISSUE_FAMILIES)          # all of them, in fact
    rejected = t[t["reads as"] == "ReadError"]
    assert (rejected["kind"] == "rejected").all() and len(rejected) > 0 and rejected["because"].str.len().min() > 10
    assert t["because"].str.len().min() > 0


def test_forms_table_is_computed_from_the_conventions():
    from debao_audit.written import forms_table
    wide = forms_table(DEFAULT.with_(about_band=D("0.1"), few_digits=(3, 9)))
    row = wide.set_index("written").loc
    assert row["约200人", "reads as"] == "[180, 220]"
    assert row["数十人", "reads as"] == "[30, 90]"
    assert "10%" in row["约200人", "because"]


@pytest.mark.parametrize("raw", ["十两三", "十一两", "一两十"])
def test_two_liang_pairs_only_at_the_start(raw):
    with pytest.raises(ReadError, match="两"):
        read(raw)
    assert read("两三十").interval == Interval.closed(20, 30)      # colloquial and common
    assert read("一两百").interval == Interval.closed(100, 200)


def test_cn2an_alone_misreads_what_the_reader_reads_by_hand():
    """Why pairs, 两 and the ellipsis are handled by hand (see the module docstring): if cn2an
    changes, this fails and the by-hand code should be revisited."""
    import cn2an
    assert cn2an.cn2an("五六", "normal") == 56                # digit string, not [5, 6]
    assert read("五六").interval == Interval.closed(5, 6)
    with pytest.raises(ValueError):
        cn2an.cn2an("两千", "strict")                         # strict mode has no 两
    assert read("两千").value == 2000
    with pytest.raises(KeyError):
        cn2an.cn2an("百十一", "normal")                        # a crash, not a reason
    with pytest.raises(ReadError):
        read("百十一")


# -- signed changes: 下降/减少/降低 (a fall) and 增长/增加 (a rise) before a figure ------------------

@pytest.mark.parametrize("word", ["下降", "减少", "降低"])
@pytest.mark.parametrize("figure, unit", [("10.3%", "percent"), ("近10%", "percent"),
                                          ("200余万元", "yuan"), ("3个百分点", "percentage_point")])
def test_a_fall_is_the_negated_reading(word, figure, unit):
    plain, fall = read(figure, unit), read(word + figure, unit)
    assert fall.value == -plain.value
    assert fall.interval == -plain.interval
    assert fall.rule == "signed_change" and fall.raw == word + figure


@pytest.mark.parametrize("word", ["增长", "增加"])
def test_a_rise_written_out_is_the_plain_reading(word):
    assert read(word + "10.3%", "percent").interval == read("10.3%", "percent").interval
    assert read(word + "10.3%", "percent").value == Decimal("10.3")


def test_signed_changes_convention_switches_them_off():
    off = DEFAULT.with_(signed_changes=False)
    with pytest.raises(ReadError, match="signed_changes=False"):
        read("下降10.3%", "percent", off)
    assert read("下降10.3%", "percent").interval.hi < 0


def test_the_minus_sign_hint_names_a_form_that_reads():
    """The refusal of -10.3% suggests writing the fall in words: that form must read."""
    with pytest.raises(ReadError) as e:
        read("-10.3%", "percent")
    suggested = re.search(r"下降\S+%", str(e.value)).group(0)
    assert read(suggested, "percent").interval.hi < 0


@pytest.mark.parametrize("raw", ["下降下降3%", "下降2020年", "下降", "增长-3%"])
def test_malformed_signed_changes_are_read_errors(raw):
    with pytest.raises(ReadError):
        read(raw)


def test_signed_changes_leave_every_claim_unchanged():
    """The article's own figures carry no direction word: every claim's reading (interval, value,
    rule) is the same with signed changes on and off, and no claim reads as a signed change."""
    from debao_audit import case, data
    own = case.default().conventions                 # the reader's, with the article's units
    on = data.load_claims(conventions=own)
    off = data.load_claims(conventions=own.with_(signed_changes=False))
    assert [(c.id, c.reading) for c in on] == [(c.id, c.reading) for c in off]
    assert all(c.reading.rule != "signed_change" for c in on)


def test_a_what_if_can_write_a_fall():
    from debao_audit import checks, whatif
    figs = checks.load_figures()
    r = whatif.read_overrides({"fiscal_aid_growth_2020": "下降10.3%"}, figs)
    assert r["fiscal_aid_growth_2020"].interval == -figs.claims["fiscal_aid_growth_2020"].interval


# -- long inputs: the reader is linear (issue 16 item 7) -----------------------------------------
# 100,000-character inputs of several shapes each end, in well under 0.2 s of CPU, in the
# package's own ReadError (or a value, where the long input is a valid figure), with a message
# that stays one short line.  Before the fix, "1至" + "十"*N + "x" took seconds (quadratic).

LONG = 100_000
LONG_INPUTS = {
    "range, long Chinese right end, garbage after": "1至" + "十" * LONG + "x",
    "range, long run of 万 then 十": "1至" + "万" * LONG + "十x",
    "range, long Chinese right end": "1至" + "十" * LONG,
    "range, long Chinese left end": "十" * LONG + "至1万",
    "range, long digit ends": "1" * LONG + "至" + "2" * LONG + "万元",
    "range, long digits then garbage": "1至" + "2" * LONG + "x",
    "long run of 十": "十" * LONG,
    "long run of 一": "一" * LONG,
    "long run of neighbouring pairs": "一二" * (LONG // 2) + "x",
    "pair then a long run of places": "一二" + "十" * LONG,
    "pair then a long run of places, garbage": "一二" + "万" * LONG + "千x",
    "long digit string": "1" * LONG,
    "long digit string, garbage after": "1" * LONG + "x",
    "long decimal, garbage after": "1." + "1" * LONG + "x",
    "long thousands groups, garbage after": "1" + ",000" * (LONG // 4) + "x",
    "long garbage": "x" * LONG,
    "long CJK garbage": "公" * LONG,
    "long run of qualifiers": "近" * LONG + "1",
    "long run of units": "1" + "元" * LONG,
    "long run of tail qualifiers": "1" + "以上" * (LONG // 2),
    "long run of separators": "1" + "至" * LONG + "2",
    "long run of 百分之": "百分之" * (LONG // 3) + "五",
    "long run of direction words": "下降" * (LONG // 2) + "1%",
    "long traditional run": "萬" * LONG + "x",
    "long date-like": "2020年" + "1" * LONG + "月",
}


def _cpu_seconds(f, *args):
    import time
    t = time.process_time()
    try:
        return f(*args), time.process_time() - t
    except ReadError as e:
        return e, time.process_time() - t


@pytest.mark.parametrize("name", list(LONG_INPUTS))
def test_long_inputs_are_read_in_linear_time(name):
    raw = LONG_INPUTS[name]
    out, seconds = _cpu_seconds(read, raw)
    assert isinstance(out, ReadError), f"{name}: read as {out!r}"
    assert seconds < 0.2, f"{name}: {seconds:.3f} s of CPU for {len(raw)} characters"
    assert len(str(out)) < 600, f"{name}: a {len(str(out))}-character message"


def test_a_long_valid_figure_reads_in_linear_time():
    raw = " " * LONG + "1400多户" + " " * LONG
    r, seconds = _cpu_seconds(read, raw, "household")
    assert r.interval == Interval(D(1400), D(1500), True, True)
    assert seconds < 0.2


def test_reading_time_grows_linearly():
    """Doubling the input at most roughly doubles the time (quadratic would quadruple it)."""
    def worst(n):
        return min(_cpu_seconds(read, "1至" + "十" * n + "x")[1] for _ in range(3))
    small, big = worst(20_000), worst(160_000)
    assert big < 0.2 and big < 16 * small + 0.05, (small, big)      # 8× the input; quadratic: 64×


# -- traditional characters (issue 17 item 5) ---------------------------------------------------
# One table, written.TRADITIONAL, drives both the reader's folding and these tests: every
# traditional character the reader folds, its simplified form, and a real figure that uses it.

from debao_audit.written import COMMON_UNITS, TRADITIONAL, Conventions  # noqa: E402

WITH_COMMON_UNITS = DEFAULT.with_(units=COMMON_UNITS)


def _traditional(s: str, simplified: str, traditional: str) -> str:
    return s.replace(simplified, traditional)


def test_the_traditional_table_is_well_formed():
    trad = [t for t, _, _ in TRADITIONAL]
    assert len(trad) == len(set(trad))
    for t, s, example in TRADITIONAL:
        assert len(t) == len(s) == 1 and t != s, (t, s)
        assert s in example, (t, s, example)
    # the five characters issue 17 names
    assert {"億", "萬", "個", "戶", "過"} <= set(trad)


def test_every_folded_character_belongs_to_the_readers_vocabulary():
    """Only characters the reader understands are folded: numerals, magnitudes, qualifiers,
    direction words, measure words (the default ones and COMMON_UNITS)."""
    from debao_audit import written as w
    vocabulary = "".join([*"零〇一二两三四五六七八九十百千万亿几数点", *w.PRE_QUALIFIERS, *w.POST_QUALIFIERS,
                          *w.TAIL_QUALIFIERS, *w.DIRECTION_WORDS, *w.MEASURE_WORDS, *COMMON_UNITS])
    for t, s, _ in TRADITIONAL:
        assert s in vocabulary, (t, s)
        assert t not in vocabulary, (t, s)


@pytest.mark.parametrize("trad, simp, example", TRADITIONAL, ids=[f"{t}→{s}" for t, s, _ in TRADITIONAL])
def test_a_traditional_character_reads_as_its_simplified_form(trad, simp, example):
    written_trad = _traditional(example, simp, trad)
    assert written_trad != example
    simplified = read(example, None, WITH_COMMON_UNITS)
    traditional = read(written_trad, None, WITH_COMMON_UNITS)
    assert traditional.raw == written_trad                 # the raw string is kept as written
    assert replace(traditional, raw=example) == simplified  # everything else is the same reading


@pytest.mark.parametrize("trad, simp", [
    ("2.24億元", "2.24亿元"), ("832.2萬元", "832.2万元"), ("1400多戶", "1400多户"), ("89個", "89个"),
    ("超過70%", "超过70%"), ("兩三萬人", "两三万人"), ("200餘萬元", "200余万元"), ("約200人", "约200人"),
    ("5.8萬人以上", "5.8万人以上"), ("3.5個百分點", "3.5个百分点"), ("百分之三十五點八", "百分之三十五点八"),
    ("一萬二千人", "一万二千人"), ("兩到三萬", "两到三万"), ("減少200餘萬元", "减少200余万元"),
    ("數十人", "数十人"), ("將近200人", "将近200人"), ("多達2.24億元", "多达2.24亿元"), ("萬餘人", "万余人"),
])
def test_the_articles_forms_in_traditional_characters(trad, simp):
    t, s = read(trad), read(simp)
    def parts(r):
        return r.value, r.interval, r.qualifier, r.rule, r.canonical
    assert parts(t) == parts(s)


def test_traditional_characters_outside_the_table_still_say_why():
    with pytest.raises(ReadError, match="廠"):
        read("5廠")


@st.composite
def written_with_traditional_magnitudes(draw):
    """A figure written with 萬/億 (and, sometimes, 兩/餘/個/戶/點 …), and its simplified twin."""
    style = draw(st.sampled_from(["arabic", "chinese"]))
    if style == "arabic":
        n = D(draw(st.integers(min_value=1, max_value=10**6))).scaleb(-draw(st.integers(0, 3)))
        numeral = f"{n:f}" + draw(st.sampled_from(["万", "亿"]))
    else:
        import cn2an
        numeral = cn2an.an2cn(draw(st.integers(min_value=10**4, max_value=10**12)))
        if draw(st.booleans()):
            numeral = numeral.replace("二", "两", 1) if numeral.startswith("二") else numeral
    post = draw(st.sampled_from(["", "多", "余"])) if style == "arabic" and "." not in numeral else ""
    if post:
        numeral = numeral[:-1] + post + numeral[-1]             # 200余万
    pre = draw(st.sampled_from(["", "约", "近", "超过", "多达", "将近"])) if not post else ""
    unit = draw(st.sampled_from(["元", "人", "户", "个", "人次", "个百分点", ""]))
    tail = draw(st.sampled_from(["", "以上", "以内"])) if not (pre or post) else ""
    simplified = f"{pre}{numeral}{unit}{tail}"
    table = {s: t for t, s, _ in TRADITIONAL}
    assert "万" in simplified or "亿" in simplified
    traditional = "".join(table[c] if c in table and (c in "万亿" or draw(st.booleans())) else c
                          for c in simplified)
    return traditional, simplified


@given(written_with_traditional_magnitudes())
def test_any_figure_with_a_traditional_magnitude_reads_as_its_simplified_form(case):
    traditional, simplified = case
    assert "萬" in traditional or "億" in traditional
    try:
        s = read(simplified)
    except ReadError:
        with pytest.raises(ReadError):      # refused alike
            read(traditional)
        return
    assert replace(read(traditional), raw=simplified) == s


# -- units extensible per case (issue 17 item 5) -------------------------------------------------

def test_the_default_units_are_unchanged():
    from debao_audit import written as w
    assert DEFAULT.units == ()
    assert set(w.MEASURE_WORDS) == {"元", "%", "成", "个百分点", "百分点", "倍", "人次", "人", "名", "户",
                                    "个", "场", "次", "期", "家", "对", "年", "级", ""}
    for raw in ("5公里", "300亩", "2.5平方公里", "12吨", "40套"):
        with pytest.raises(ReadError, match="unknown unit"):
            read(raw)
    with pytest.raises(ReadError):           # one article's batches are its case's unit
        read("20余批次")
    with pytest.raises(ReadError, match="unknown unit 'item'"):
        read("5000个", "item")


@pytest.mark.parametrize("raw, unit, interval", [
    ("5公里", "kilometre", Interval(D("4.5"), D("5.5"), hi_open=True)),          # a measurement rounds
    ("2.5平方公里", "square_kilometre", Interval(D("2.45"), D("2.55"), hi_open=True)),
    ("300亩", "mu", Interval(D("299.5"), D("300.5"), hi_open=True)),
    ("1.2万吨", "tonne", Interval(D(11500), D(12500), hi_open=True)),
    ("近5000吨", "tonne", Interval(D(4750), D(5000), hi_open=True)),
    ("3至5公里", "kilometre", Interval.closed(3, 5)),
    ("40套", "set", Interval.point(40)),                                              # a count is exact
    ("1400多套", "set", Interval(D(1400), D(1500), True, True)),
    ("120辆", "vehicle", Interval.point(120)),
    ("5公頃", "hectare", Interval(D("4.5"), D("5.5"), hi_open=True)),               # folded: 頃 → 顷
    ("300畝以上", "mu", Interval(D("299.5"), None)),
    ("20余批次", "batch", Interval(D(20), D(30), True, True)),
])
def test_a_case_can_add_units(raw, unit, interval):
    r = read(raw, unit, WITH_COMMON_UNITS)
    assert r.interval == interval
    assert read(raw, None, WITH_COMMON_UNITS).interval == interval      # the word alone names the unit


def test_extra_units_are_plain_data_passed_per_call():
    mine = Conventions(units={"吨": "tonne", "套": ("set", "count"), "位": "person"})
    assert read("12吨", "tonne", mine).interval == Interval(D("11.5"), D("12.5"), hi_open=True)
    assert read("12套", "set", mine).interval == Interval.point(12)
    assert read("12位", "person", mine).interval == Interval.point(12)  # a default unit keeps its kind
    with pytest.raises(ReadError, match="unknown unit"):
        read("12吨", "tonne")                                             # nothing leaked into DEFAULT
    with pytest.raises(ReadError, match="does not fit unit"):
        read("12吨", "person", mine)
    assert mine == Conventions(units={"套": ("set", "count"), "位": "person", "吨": "tonne"})
    assert hash(mine) == hash(mine.with_(near_band=D("0.05")))
    assert mine.with_(about_band=D("0.1")).units == mine.units


def test_a_word_can_count_several_kinds_of_thing():
    """One measure word, several units (个 counts villages, items, sub-districts): a list of
    [unit, kind] pairs adds them beside the word's defaults; the row's unit decides."""
    mine = Conventions(units={"个": [["item", "count"], ["subdistrict", "count"]]})
    assert read("5000个", "item", mine).interval == Interval.point(5000)
    assert read("7个", "subdistrict", mine).interval == Interval.point(7)
    assert read("89个", "village", mine).interval == Interval.point(89)   # the defaults stay
    assert mine == Conventions(units={"个": [("subdistrict", "count"), ("item", "count")]})
    with pytest.raises(ValueError, match="both a 'measured' and a 'count'"):
        Conventions(units={"个": [["item", "count"]], "件": [["item", "measured"]]})


def test_the_base_units_of_a_case():
    from debao_audit.written import UNITS, base_units, known_units
    assert base_units() == set(UNITS) and base_units(DEFAULT) == set(UNITS)
    assert base_units(WITH_COMMON_UNITS) == set(UNITS) | {n for n, _ in COMMON_UNITS.values()}
    assert known_units(WITH_COMMON_UNITS)["公里"] == {"kilometre"}
    assert "kilometre" in known_units(WITH_COMMON_UNITS)[""]     # a bare number may be any unit
    assert "公里" not in known_units()


def test_extra_units_leave_the_articles_readings_unchanged():
    from debao_audit import case, data
    own = case.default().conventions                 # the reader's, with the article's units
    plain = data.load_claims(conventions=own)
    wider = data.load_claims(conventions=own.with_(units=own.units + WITH_COMMON_UNITS.units))
    assert [(c.id, c.reading) for c in plain] == [(c.id, c.reading) for c in wider]


@pytest.mark.parametrize("units, why", [
    ({"": "tonne"}, "empty"),
    ({"万吨": "tonne"}, "starts with"),
    ({"5吨": "tonne"}, "starts with"),
    ({"多": "tonne"}, "starts with"),
    ({"以上": "tonne"}, "qualifier"),
    ({"吨": "Tonne!"}, "name"),
    ({"吨": "date"}, "date"),
    ({"吨": ("tonne", "heavy")}, "measured"),
    ({"位": ("person", "measured")}, "count"),
    ({"至吨": "tonne"}, "separator"),
])
def test_malformed_extra_units_are_refused(units, why):
    with pytest.raises(ValueError, match=why):
        Conventions(units=units)


# -- errors say which character, where, and why (issue 17 item 5) --------------------------------

@pytest.mark.parametrize("raw, conventions, char, position, why", [
    ("5公里", DEFAULT, "公", 2, "unknown unit"),
    ("约5公里", DEFAULT, "公", 3, "unknown unit"),
    ("  5公里", DEFAULT, "公", 4, "unknown unit"),
    ("3至5公里", DEFAULT, "公", 4, "unknown unit"),
    ("下降5公里", DEFAULT, "公", 4, "unknown unit"),
    ("5x元", DEFAULT, "x", 2, "not part of a numeral"),
    ("大概200人", DEFAULT, "大", 1, "qualifier"),
    ("5廠", WITH_COMMON_UNITS, "廠", 2, "unknown unit"),
    ("1，400户", DEFAULT, "，", 2, "comma"),
    ("三、四人", DEFAULT, "、", 2, "enumeration"),
    ("-10.3%", DEFAULT, "-", 1, "negative"),
    ("1至" + "十" * 1000 + "x", DEFAULT, "x", 1003, "unknown unit"),
])
def test_a_read_error_names_the_character_its_position_and_why(raw, conventions, char, position, why):
    with pytest.raises(ReadError) as e:
        read(raw, None, conventions)
    err = e.value
    assert (err.char, err.position) == (char, position)
    assert raw[err.index] == char and err.index == position - 1
    assert why in err.why and why in str(err)
    assert f"cannot read {char!r} at position {position} of " in str(err)


def test_an_unknown_unit_error_lists_the_known_units():
    with pytest.raises(ReadError) as e:
        read("5公里")
    assert "known units: 元, %" in str(e.value) and "人次" in str(e.value)
    assert str(e.value).startswith("cannot read '公' at position 2 of '5公里': unknown unit")
    with pytest.raises(ReadError) as e:
        read("5廠", None, WITH_COMMON_UNITS)
    assert "公里" in str(e.value)                  # the extra units are listed too


def test_errors_without_one_culprit_character_have_no_position():
    with pytest.raises(ReadError) as e:
        read("近约200人")
    assert e.value.position is None and e.value.char is None


# -- an ISO date written the Chinese way, and read back ------------------------------------------

import datetime as dt  # noqa: E402


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(["day", "month", "year"]))
def test_zh_date_reads_back_as_the_same_date(d, grain):
    from debao_audit.numbers import zh_date
    iso = {"day": d.isoformat(), "month": d.isoformat()[:7], "year": d.isoformat()[:4]}[grain]
    zh = zh_date(iso)
    assert "-" not in zh and zh.endswith({"day": "日", "month": "月", "year": "年"}[grain])
    assert read_date(zh).iso == iso


def test_zh_date_examples_and_other_text_left_alone():
    from debao_audit.numbers import zh_date, zh_dates
    assert zh_date("2020-05-09") == "2020年5月9日" and zh_date("2016-09") == "2016年9月"
    assert zh_dates("对照2020-05-09，2015–2020年") == "对照2020年5月9日，2015–2020年"
    assert zh_dates("12,364元") == "12,364元" and zh_dates("2015-2020") == "2015-2020"
