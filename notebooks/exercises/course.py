"""The computations behind the course's exercises (``exercises.toml`` beside this file).

Each exercise's expected answer and known slips are expressions in ``exercises.toml``; they
are evaluated in this module's namespace, so every name they use is defined here: the figures
of the article (:func:`pt`, :func:`iv`), of the practice case (:func:`ppt`), and the few
computations that take more than an expression (a bisection over the what-if, the tokens of a
section).  Nothing here is typed from the article: every number comes from ``data/`` or the
practice case through the package.  The engine (``debao_audit.teaching``) judges answers
against what this computes; the student edition carries only salted hashes of it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence

from debao_audit import checks, data
from debao_audit.interval import Interval
from debao_audit.written import DEFAULT, read

D = Decimal
HUNDRED = D(100)
WAN = D(10_000)
YI = D(100_000_000)

#: The section of the article exercise 00-2 counts in.
SECTION_02 = "人才支援"
#: The practice case of notebook 08, relative to the project's root.
PRACTICE = "cases/practice-lanshan"


@functools.lru_cache(maxsize=None)
def figs() -> checks.Figures:
    return checks.load_figures()


@functools.lru_cache(maxsize=None)
def results() -> dict[str, checks.Result]:
    return {r.check.check_id: r for r in checks.run(figs())}


def pt(key: str) -> Decimal:
    """The point value of a figure of the article."""
    return figs().pt(key)


def iv(key: str) -> Interval:
    """The interval a figure of the article stands for."""
    return figs().iv(key)


def ln(x: Decimal) -> Decimal:
    return D(x).ln()


def passes(verdict: str) -> bool:
    return verdict in ("consistent", "within_rounding")


def after(overrides: dict[str, str], check_id: str) -> str:
    """A check's verdict once the figures are written as ``overrides`` (the what-if)."""
    from debao_audit.whatif import what_if

    t = what_if(overrides, figures=figs()).set_index("check_id")
    return str(t.loc[check_id, "after"])


def bisect(test: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest integer n in [lo, hi] with ``test(n)``, given that ``test`` is monotone
    (false below a threshold, true from it on) and ``test(hi)``."""
    if not test(hi):
        raise ValueError(f"bisect: no passing value up to {hi}")
    while lo < hi:
        mid = (lo + hi) // 2
        if test(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def rounded(x: Decimal, places: int = 2) -> Decimal:
    """``x`` rounded half up, as the project writes it."""
    from debao_audit.numbers import number
    return D(number(x, places).replace(",", ""))


def interval(written: str, unit: str) -> tuple[Decimal, Decimal]:
    """The ends of the interval a figure written like ``2.06亿元`` stands for."""
    r = read(written, unit).interval
    return r.lo, r.hi


def reading(written: str, unit: str):
    return read(written, unit)


def pair(x: Interval) -> tuple[Decimal, Decimal]:
    return x.lo, x.hi  # type: ignore[return-value]


# -- 00 ---------------------------------------------------------------------------------------

def sha(algorithm: str = "sha256", transform: str = "bytes") -> str:
    """The hash of the article's file: of its bytes as stored, with Windows line endings
    (``crlf``), or (a slip) that text re-encoded in UTF-16."""
    raw = data.ARTICLE.read_bytes()
    crlf = raw.replace(b"\n", b"\r\n")
    body = {"bytes": raw, "crlf": crlf,
            "crlf-utf-16": crlf.decode("utf-8").encode("utf-16")}[transform]
    return hashlib.new(algorithm, body).hexdigest()


def section_tokens(heading: str = SECTION_02) -> tuple[int, int]:
    """(number tokens in the section, how many of them lie inside a claim's quote)."""
    text = data.load_article()
    claims = data.load_claims(article=text)
    tokens = data.number_tokens(text)
    (start, end), = [(s, e) for h, s, e in data.sections(text) if h == heading]
    spans = [sp for c in claims for sp in data.spans_of(text, c.quote)]
    inside = [(s, e) for s, e, _ in tokens if start <= s < end]
    quoted = [1 for s, e in inside if any(a <= s and e <= b for a, b in spans)]
    return len(inside), len(quoted)


def claims_in(heading: str = SECTION_02) -> int:
    return sum(1 for c in data.load_claims() if c.section == heading)


def unquoted_tokens() -> list[str]:
    """The number tokens of the file outside every claim's quote (each one excluded)."""
    text = data.load_article()
    claims = data.load_claims(article=text)
    spans = [sp for c in claims for sp in data.spans_of(text, c.quote)]
    return [t for s, e, t in data.number_tokens(text)
            if not any(a <= s and e <= b for a, b in spans)]


def chinese_numerals() -> int:
    return sum(1 for t in unquoted_tokens() if not re.search(r"[0-9]", t))


def exclusion_rows() -> int:
    return len(data.load_exclusions())


# -- 01 ---------------------------------------------------------------------------------------

def plain_rounded() -> list[data.Claim]:
    return [c for c in data.load_claims() if c.unit != "date" and c.interval.bounded
            and c.number != 0 and c.reading.qualifier is None and not c.reading.exact]


def widest(claims: Iterable[data.Claim] | None = None) -> str:
    """The id of the claim whose interval is widest relative to its value."""
    claims = plain_rounded() if claims is None else claims
    ranked = sorted(((c.interval.width / c.number, c.id) for c in claims), reverse=True)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        raise AssertionError(f"01-2 has no single answer any more: {ranked[:2]}")
    return ranked[0][1]


def widest_qualified() -> list[str]:
    """The claims with a qualifier (近, 多, 以上 …): the slip of 01-2."""
    return [c.id for c in data.load_claims() if c.unit != "date" and c.interval.bounded
            and c.number != 0 and c.reading.qualifier is not None]


@functools.lru_cache(maxsize=None)   # a search over many what-ifs: once
def near_band_needed() -> int:
    """The smallest 近 band, in whole percent, with which 近200名 experts fit the professionals."""
    def fits(pct: int) -> bool:
        f = checks.load_figures(DEFAULT.with_(near_band=D(pct) / HUNDRED))
        r = checks.run(f, {"medical_experts_within_professionals":
                           checks.REGISTRY["medical_experts_within_professionals"]})
        return passes(r[0].verdict)
    return bisect(fits, 1, 99)


# -- 02 ---------------------------------------------------------------------------------------

def annual(total_pct: Decimal, years: int = 5) -> Decimal:
    """The annual rate, in percent, that compounds to ``total_pct`` over ``years``."""
    return ((1 + D(total_pct) / HUNDRED) ** (D(1) / years) - 1) * HUNDRED


def low_evidence(*counts_as: str) -> int:
    return sum(1 for r in results().values() if r.counts_as in counts_as and r.power == "low")


@functools.lru_cache(maxsize=None)   # a search over many what-ifs: once
def largest_poor_count() -> Decimal:
    """The largest count, written like 7.7万人 (one decimal of 万), with which the 102207 poor
    people would agree with 21.11% of 36.8万."""
    cid = "poverty_count_vs_incidence_and_population"
    start = int(pt("poor_people_exited") / (WAN / 10)) + 1
    for n in range(start, 0, -1):   # down from the article's count: the first that agrees
        if passes(after({"poor_people_exited": f"{D(n) / 10:.1f}万人"}, cid)):
            return D(n) / 10
    raise AssertionError("02-3: no count agrees")


# -- 03 ---------------------------------------------------------------------------------------

def G() -> Decimal:
    """The total growth of rural income, 2015-2020, as a fraction."""
    return pt("rural_income_growth_total") / HUNDRED


def g() -> Decimal:
    """The annual growth of rural income as the article writes it, as a fraction."""
    return pt("rural_income_growth_annual") / HUNDRED


@functools.lru_cache(maxsize=None)   # a search over many what-ifs: once
def smallest_rate() -> Decimal:
    """The smallest one-decimal annual rate that passes against the total growth."""
    cid = "income_annual_vs_total_growth"
    # a rate passes only in a window around the rate the total implies: scan up from the
    # article's rate to the first that passes (a bisection needs a monotone test)
    tenths = int(pt("rural_income_growth_annual") * 10)
    for t in range(tenths, tenths + 100):
        if passes(after({"rural_income_growth_annual": f"{D(t) / 10:.1f}%"}, cid)):
            return D(t) / 10
    raise AssertionError("03-2: no one-decimal rate passes")


def national_annual() -> Decimal:
    a, b = pt("cn_rural_income_2015"), pt("cn_rural_income_2020")
    return ((b / a) ** (D(1) / 5) - 1) * HUNDRED


def points_gap() -> Decimal:
    return annual(pt("rural_income_growth_total")) - national_annual()


# -- 05 ---------------------------------------------------------------------------------------

FUNDING_PARTS = ("industry_sericulture_citrus_investment", "industry_camellia_investment",
                 "disability_base_investment", "school_investment", "medical_equipment_value",
                 "fiscal_aid_2020", "social_donations_2020")
TOTAL_CHECKS = ("named_investments_within_total", "fiscal_path_with_shenzhen_2016_2017",
                "funding_total_fits_increasing_path", "aid_2020_within_cumulative_total")


@functools.lru_cache(maxsize=None)
def total_thresholds() -> tuple[tuple[str, Decimal], ...]:
    """For each check whose verdict changes as the cumulative total (2.24亿元) is written
    smaller, the smallest total written with two decimals in 亿元 at which it still passes,
    found by bisection over :func:`debao_audit.what_if`; largest first."""
    start = int(pt("aid_total_cumulative") / YI * 100)
    out = []
    for cid in TOTAL_CHECKS:
        def test(n: int, cid: str = cid) -> bool:
            return passes(after({"aid_total_cumulative": f"{D(n) / 100:.2f}亿元"}, cid))
        if not test(start) or test(1):
            continue  # not moved by the total (or never fails): not one of the thresholds
        out.append((cid, D(bisect(test, 1, start)) / 100))
    return tuple(sorted(out, key=lambda x: -x[1]))


def thresholds(step: Decimal = D(0), scale: Decimal = D(1)) -> tuple[Decimal, ...]:
    return tuple((v + step) * scale for _, v in total_thresholds())


def not_itemised() -> Decimal:
    return (pt("aid_total_cumulative") - sum(pt(k) for k in FUNDING_PARTS)) / WAN


def donations_2019(rise: str = "", *, naive: bool = False) -> tuple[Decimal, Decimal]:
    """The 2019 donations, in 万元, from 2020's and the rise (as an interval): the rise as the
    article writes it, or as ``rise`` (e.g. "35%"); ``naive``: the rise taken off 2020 (a
    slip)."""
    growth = read(rise, "percent").interval if rise else iv("social_donations_growth_2020")
    value = read(rise, "percent").value if rise else pt("social_donations_growth_2020")
    if naive:
        v = pt("social_donations_2020") * (1 - value / HUNDRED) / WAN
        return v, v
    x = iv("social_donations_2020") / (Interval.point(1) + growth / HUNDRED)
    return x.lo / WAN, x.hi / WAN  # type: ignore[operator]


# -- 06, 07 -----------------------------------------------------------------------------------

def implied(check_id: str) -> Decimal:
    return checks.REGISTRY[check_id].compute(figs()).implied_point


def failing() -> list[checks.Result]:
    return [r for r in results().values() if r.verdict == "inconsistent"]


def failing_written() -> set[str]:
    return {figs().claims[c].written for r in failing() for c in r.check.claims}


def failing_ids() -> set[str]:
    return {c for r in failing() for c in r.check.claims}


def in_every_failing() -> str:
    sets = [set(r.check.claims) for r in failing()]
    common = set.intersection(*sets) if sets else set()
    if len(common) != 1:
        raise AssertionError(f"07-3 has no single answer any more: {sorted(common)}")
    return common.pop()


def in_some_failing() -> list[str]:
    return sorted(failing_ids() - {in_every_failing()})


def written(key: str) -> str:
    return figs().claims[key].written


def marks() -> list[str]:
    """The mark the annotated page gives each claim (notebook 07)."""
    from debao_audit import page

    rs = list(results().values())
    used = page.claim_verdicts(list(figs().claims.values()), rs)
    attributions = page.attribute(rs)
    return [page.mark_verdict(cid, used[cid], attributions) for cid in figs().claims]


# -- 08: the practice case --------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def practice() -> tuple[checks.Figures, list[checks.Result]]:
    """The practice case (notebook 08): its figures and results."""
    from debao_audit import case as _case

    f = checks.load_figures(case=_case.load(data.ROOT / PRACTICE))
    return f, checks.run(f)


def ppt(key: str) -> Decimal:
    """The point value of a figure of the practice article."""
    return practice()[0].pt(key)
