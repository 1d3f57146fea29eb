"""Exercises that check themselves, and the student edition.

Every exercise of notebooks 00-08 has an answer cell (``answer = None``) and a check cell::

    from debao_audit.teaching import check
    check("03-3", answer)

:func:`check` prints one line: *not answered yet* (``None``), *right*, *close* with the reason
(rounding, units, percent vs percentage points, a step left out) or *not right* with a hint,
and never the expected answer.  The expected answers are not typed anywhere: each exercise
computes its own from ``data/`` through the package (:data:`EXERCISES`), and the slips that
count as close are computed the same way, from the same figures.

``python -m debao_audit.teaching student build/student`` (``make student``) writes the student
edition: the notebooks with every answer cell back to ``answer = None``, the checks kept, no
solutions, and the glossary.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import re
import shutil
import sys
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from . import checks, data
from .interval import Interval
from .written import DEFAULT, read

D = Decimal
HUNDRED = D(100)
WAN = D(10_000)
YI = D(100_000_000)

#: The template of an answer cell: what the student edition puts back.
ANSWER_CELL = "answer = None"


# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Feedback:
    """What :func:`check` says: ``status`` is ``unanswered``, ``right``, ``close`` or ``wrong``."""

    exercise: str
    status: str
    reason: str = ""

    def __str__(self) -> str:
        if self.status == "unanswered":
            return (f"{self.exercise}: not answered yet. Answer with {self.reason}: set `answer` "
                    "above, then run this cell again.")
        head = {"unanswered": "not answered yet", "right": "right",
                "close": "close, but not quite", "wrong": "not right"}[self.status]
        return f"{self.exercise}: {head}" + (f": {self.reason}" if self.reason else ".")


@dataclass(frozen=True)
class Exercise:
    """One exercise: what the answer is (``asks``), how to compute it (``expected``), the
    common slips that count as close (``slips``: ``(answer, reason)`` pairs, computed) and a
    hint for a wrong answer.  ``kind`` says how answers compare: ``number``, ``numbers`` (a
    tuple, in order), ``text``, ``ids`` (a set of strings)."""

    id: str
    asks: str
    kind: str
    expected: Callable[[], Any]
    slips: Callable[[], list[tuple[Any, str]]] = lambda: []
    hint: str = ""
    tol: Decimal = D(0)         #: the absolute tolerance of a number (half its last asked digit)
    right_note: str = ""        #: said with "right" (may explain, never needed to get it)


def _num(x: Any) -> Decimal | None:
    """A number from what a student typed: int, float, Decimal, or a string such as '9.6%'."""
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, Decimal)):
        return D(x)
    if isinstance(x, float):
        return D(repr(x)) if math.isfinite(x) else None
    if isinstance(x, str):
        t = x.strip().replace(",", "").replace("%", "").replace("％", "")
        try:
            v = D(t)
        except ArithmeticError:
            return None
        return v if v.is_finite() else None
    return None


def _near(a: Decimal, e: Decimal, tol: Decimal) -> bool:
    return abs(a - e) <= tol


def _as_numbers(x: Any, n: int) -> list[Decimal] | None:
    if isinstance(x, Interval):
        x = (x.lo, x.hi)
    if not isinstance(x, (tuple, list)) or len(x) != n:
        return None
    out = [_num(v) for v in x]
    return None if any(v is None for v in out) else out  # type: ignore[return-value]


def _same(ex: Exercise, answer: Any, target: Any) -> bool:
    """Does ``answer`` match ``target`` by the exercise's kind (numbers within its tolerance)?"""
    if ex.kind == "number":
        a = _num(answer)
        return a is not None and _near(a, D(target), ex.tol)
    if ex.kind == "numbers":
        a = _as_numbers(answer, len(target))
        return a is not None and all(_near(x, D(t), ex.tol) for x, t in zip(a, target))
    if ex.kind == "text":
        return isinstance(answer, str) and answer.strip().lower() == str(target).lower()
    if ex.kind == "ids":
        if isinstance(answer, str):
            answer = [answer]
        try:
            return {str(a).strip() for a in answer} == set(target)
        except TypeError:
            return False
    raise ValueError(ex.kind)


_SHAPE = {"number": "a number", "numbers": "a tuple of numbers, e.g. (1.5, 2.5)",
          "text": "a string", "ids": "a set of strings, e.g. {{'a', 'b'}}"}


def judge(exercise: str, answer: Any) -> Feedback:
    """Right, close (with the reason) or wrong; ``None`` is not answered yet.  A computed slip
    (:func:`common_slips`) is recognised within ten times the exercise's tolerance, so a slip
    rounded a little differently is still named."""
    ex = EXERCISES.get(exercise)
    if ex is None:
        raise KeyError(f"no exercise {exercise!r}; exercises: {', '.join(EXERCISES)}")
    if answer is None:
        return Feedback(exercise, "unanswered", ex.asks)
    expected = expected_answer(exercise)
    if _same(ex, answer, expected):
        return Feedback(exercise, "right", ex.right_note)
    wide = replace(ex, tol=ex.tol * 10 if ex.tol else D("0.5"))
    if ex.kind == "numbers" and _num(answer) is not None:
        answer = (answer,) * len(expected)     # one number where a range is asked
    for slip, reason in common_slips(exercise):
        if _same(ex if ex.kind not in ("number", "numbers") else wide, answer, slip):
            return Feedback(exercise, "close", reason)
    if ex.kind == "numbers" and isinstance(answer, (tuple, list)):
        found = [_num(a) for a in answer]
        if len(answer) != len(expected) and all(f is not None for f in found):
            hits = sum(any(_near(f, D(e), wide.tol) for e in expected) for f in found)
            if hits:
                return Feedback(exercise, "close", f"{hits} of your {len(answer)} numbers are "
                                "right or nearly, but there are more (or fewer) to find")
        elif _same(ex, tuple(reversed(answer)), expected):
            return Feedback(exercise, "close", "the right numbers in the wrong order")
    if ex.kind in ("number", "numbers"):
        shape = _SHAPE[ex.kind].format(n=len(expected) if ex.kind == "numbers" else 1)
        ok = (_num(answer) is not None if ex.kind == "number"
              else _as_numbers(answer, len(expected)) is not None)
        if not ok:
            return Feedback(exercise, "wrong", f"the answer should be {shape}: {ex.asks}")
        near = _rounding_slip(ex, answer, expected)
        if near:
            return Feedback(exercise, "close", near)
        units = _unit_slip(ex, answer, expected)
        if units:
            return Feedback(exercise, "close", units)
    return Feedback(exercise, "wrong", ex.hint or f"the answer is {ex.asks}")


@functools.lru_cache(maxsize=None)
def expected_answer(exercise: str) -> Any:
    """The expected answer, computed from data/ (for the tests and the solutions; the check
    itself never prints it)."""
    return EXERCISES[exercise].expected()


@functools.lru_cache(maxsize=None)
def common_slips(exercise: str) -> tuple[tuple[Any, str], ...]:
    """The computed slips that count as close, each with its reason (none that is right)."""
    ex = EXERCISES[exercise]
    return tuple((a, why) for a, why in ex.slips() if not _same(ex, a, expected_answer(exercise)))


def _rounding_slip(ex: Exercise, answer: Any, expected: Any) -> str:
    """Within ten times the tolerance (half a unit for whole numbers), and not right: a
    rounding matter."""
    wide = replace(ex, tol=ex.tol * 10 if ex.tol else D("0.5"))
    if _same(wide, answer, expected):
        return ("rounding: you are near; round only at the end, to the digits asked "
                f"({ex.asks})")
    return ""


#: Powers of ten a slip of units explains, and how to say it.
UNIT_SLIPS = {2: "a factor of 100 (percent vs a fraction?).", 4: "a factor of 10,000 (万?).",
              8: "a factor of 10^8 (亿?).", 3: "a factor of 1,000.", 6: "a factor of 10^6."}


def _unit_slip(ex: Exercise, answer: Any, expected: Any) -> str:
    """Right up to a power of ten the units explain: 100 (percent vs fraction), 10^4 (万),
    10^8 (亿), …"""
    for power, why in UNIT_SLIPS.items():
        for f in (D(10) ** power, D(10) ** -power):
            target = (D(expected) * f if ex.kind == "number"
                      else tuple(D(e) * f for e in expected))
            if _same(replace(ex, tol=ex.tol * max(f, D(1))), answer, target):
                return f"units: your answer is off by {why} Give {ex.asks}."
    return ""


def check(exercise: str, answer: Any) -> None:
    """Print whether ``answer`` to ``exercise`` (e.g. ``"03-3"``) is right, close (and why)
    or wrong, without giving the answer away.  The feedback is also given to every
    :func:`recording` open (the grader's: ``python -m debao_audit grade``)."""
    feedback = judge(exercise, answer)
    for record in tuple(_RECORDERS):
        record(feedback)
    print(feedback)


#: The listeners :func:`recording` has opened: each is called with every check's Feedback.
_RECORDERS: list[Callable[[Feedback], None]] = []


@contextlib.contextmanager
def recording(listener: Callable[[Feedback], None] | None = None) -> Iterator[list[Feedback]]:
    """The checks recorded while a notebook runs: inside ``with recording() as got:``, every
    :func:`check` appends its :class:`Feedback` to ``got`` (and calls ``listener`` with it, if
    given, as it happens).  The one interface the grader (:mod:`debao_audit.grade`) uses."""
    got: list[Feedback] = []

    def record(feedback: Feedback) -> None:
        got.append(feedback)
        if listener is not None:
            listener(feedback)

    _RECORDERS.append(record)
    try:
        yield got
    finally:
        _RECORDERS.remove(record)


# --------------------------------------------------------------------------------------------
# The exercises: every expected answer computed from data/ through the package
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _figs() -> checks.Figures:
    return checks.load_figures()


@functools.lru_cache(maxsize=None)
def _results() -> dict[str, checks.Result]:
    return {r.check.check_id: r for r in checks.run(_figs())}


def _pt(key: str) -> Decimal:
    return _figs().pt(key)


def _iv(key: str) -> Interval:
    return _figs().iv(key)


def _passes(verdict: str) -> bool:
    return verdict in ("consistent", "within_rounding")


def _after(overrides: dict[str, str], check_id: str) -> str:
    from .whatif import what_if

    t = what_if(overrides, figures=_figs()).set_index("check_id")
    return str(t.loc[check_id, "after"])


def bisect(passes: Callable[[int], bool], lo: int, hi: int) -> int:
    """The smallest integer n in [lo, hi] with ``passes(n)``, given that ``passes`` is
    monotone (false below a threshold, true from it on) and ``passes(hi)``."""
    if not passes(hi):
        raise ValueError(f"bisect: no passing value up to {hi}")
    while lo < hi:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


# -- 00 ---------------------------------------------------------------------------------------

def _sha() -> str:
    return hashlib.sha256(data.ARTICLE.read_bytes()).hexdigest()


def _sha_slips() -> list[tuple[Any, str]]:
    raw = data.ARTICLE.read_bytes()
    text = raw.decode("utf-8")
    return [(hashlib.sha256(text.strip().encode("utf-8")).hexdigest(),
             "you hashed the text with its ends stripped: hash the file's bytes as they are"),
            (hashlib.sha256(text.encode("utf-16")).hexdigest(),
             "you hashed the text re-encoded in another encoding: hash the bytes, read with 'rb'"),
            (hashlib.sha1(raw).hexdigest(), "that is SHA-1: use hashlib.sha256"),
            (hashlib.md5(raw).hexdigest(), "that is MD5: use hashlib.sha256")]


def _section_tokens(heading: str) -> tuple[int, int]:
    text = data.load_article()
    claims = data.load_claims(article=text)
    tokens = data.number_tokens(text)
    (start, end), = [(s, e) for h, s, e in data.sections(text) if h == heading]
    spans = [sp for c in claims for sp in data.spans_of(text, c.quote)]
    inside = [(s, e) for s, e, _ in tokens if start <= s < end]
    quoted = [1 for s, e in inside if any(a <= s and e <= b for a, b in spans)]
    return len(inside), len(quoted)


SECTION_02 = "人才支援"


def _claims_in(heading: str) -> int:
    return sum(1 for c in data.load_claims() if c.section == heading)


def _unquoted_tokens() -> list[str]:
    """The number tokens of the file outside every claim's quote (each one excluded)."""
    text = data.load_article()
    claims = data.load_claims(article=text)
    spans = [sp for c in claims for sp in data.spans_of(text, c.quote)]
    return [t for s, e, t in data.number_tokens(text)
            if not any(a <= s and e <= b for a, b in spans)]


def _chinese_numerals() -> int:
    return sum(1 for t in _unquoted_tokens() if not re.search(r"[0-9]", t))


# -- 01 ---------------------------------------------------------------------------------------

def _plain_rounded() -> list[data.Claim]:
    return [c for c in data.load_claims() if c.unit != "date" and c.interval.bounded
            and c.number != 0 and c.reading.qualifier is None and not c.reading.exact]


def _widest(claims: Iterable[data.Claim]) -> str:
    ranked = sorted(((c.interval.width / c.number, c.id) for c in claims), reverse=True)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        raise AssertionError(f"01-2 has no single answer any more: {ranked[:2]}")
    return ranked[0][1]


def _widest_qualified() -> list[tuple[Any, str]]:
    out = []
    for c in data.load_claims():
        if (c.unit != "date" and c.interval.bounded and c.number != 0
                and c.reading.qualifier is not None):
            out.append((c.id, f"{c.written} carries a qualifier ({c.reading.qualifier}): the "
                              "question asks for plain rounded figures"))
    return out


def _near_band_needed() -> int:
    """The smallest 近 band, in whole percent, with which 近200名 experts fit the professionals."""
    def fits(pct: int) -> bool:
        figs = checks.load_figures(DEFAULT.with_(near_band=D(pct) / HUNDRED))
        r = checks.run(figs, {"medical_experts_within_professionals":
                              checks.REGISTRY["medical_experts_within_professionals"]})
        return _passes(r[0].verdict)
    return bisect(fits, 1, 99)


# -- 02 ---------------------------------------------------------------------------------------

def _annual(total_pct: Decimal) -> Decimal:
    return ((1 + total_pct / HUNDRED) ** (D(1) / 5) - 1) * HUNDRED


def _annual_interval() -> tuple[Decimal, Decimal]:
    iv = _iv("rural_income_growth_total")
    return _annual(iv.lo), _annual(iv.hi)  # type: ignore[arg-type]


def _low_evidence(counts_as: Sequence[str]) -> int:
    return sum(1 for r in _results().values()
               if r.counts_as in counts_as and r.power == "low")


def _largest_poor_count() -> Decimal:
    """The largest count, written like 7.7万人 (one decimal of 万), with which the 102207 poor
    people would agree with 21.11% of 36.8万."""
    cid = "poverty_count_vs_incidence_and_population"
    start = int(_pt("poor_people_exited") / (WAN / 10)) + 1
    for n in range(start, 0, -1):   # down from the article's count: the first that agrees
        if _passes(_after({"poor_people_exited": f"{D(n) / 10:.1f}万人"}, cid)):
            return D(n) / 10
    raise AssertionError("02-3: no count agrees")


# -- 03 ---------------------------------------------------------------------------------------

def _growth() -> tuple[Decimal, Decimal]:
    return _pt("rural_income_growth_total") / HUNDRED, _pt("rural_income_growth_annual") / HUNDRED


def _smallest_rate() -> Decimal:
    cid = "income_annual_vs_total_growth"
    written = _figs().claims["rural_income_growth_annual"].written
    # a rate passes only in a window around the rate the total implies: scan up from the
    # article's rate to the first that passes (a bisection needs a monotone test)
    tenths = int(_pt("rural_income_growth_annual") * 10)
    for t in range(tenths, tenths + 100):
        if _passes(_after({"rural_income_growth_annual": f"{D(t) / 10:.1f}%"}, cid)):
            return D(t) / 10
    raise AssertionError(f"03-2: no one-decimal rate above {written} passes")


def _national_annual() -> Decimal:
    a, b = _pt("cn_rural_income_2015"), _pt("cn_rural_income_2020")
    return ((b / a) ** (D(1) / 5) - 1) * HUNDRED


def _points_gap() -> Decimal:
    return _annual(_pt("rural_income_growth_total")) - _national_annual()


def _rounded(x: Decimal, places: int = 2) -> Decimal:
    from .numbers import number  # the project's one formatter (half up)
    return D(number(x, places).replace(",", ""))


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
    start = int(_pt("aid_total_cumulative") / YI * 100)
    out = []
    for cid in TOTAL_CHECKS:
        def passes(n: int, cid: str = cid) -> bool:
            return _passes(_after({"aid_total_cumulative": f"{D(n) / 100:.2f}亿元"}, cid))
        if not passes(start) or passes(1):
            continue  # not moved by the total (or never fails): not one of the thresholds
        out.append((cid, D(bisect(passes, 1, start)) / 100))
    return tuple(sorted(out, key=lambda x: -x[1]))


def _thresholds() -> tuple[Decimal, ...]:
    return tuple(v for _, v in total_thresholds())


def _not_itemised() -> Decimal:
    return (_pt("aid_total_cumulative") - sum(_pt(k) for k in FUNDING_PARTS)) / WAN


# -- 06, 07 -----------------------------------------------------------------------------------

def _implied(check_id: str) -> Decimal:
    return checks.REGISTRY[check_id].compute(_figs()).implied_point


def _failing() -> list[checks.Result]:
    return [r for r in _results().values() if r.verdict == "inconsistent"]


def _in_every_failing() -> str:
    sets = [set(r.check.claims) for r in _failing()]
    common = set.intersection(*sets) if sets else set()
    if len(common) != 1:
        raise AssertionError(f"07-3 has no single answer any more: {sorted(common)}")
    return common.pop()


def _in_some_failing() -> list[tuple[Any, str]]:
    every = _in_every_failing()
    others = {c for r in _failing() for c in r.check.claims} - {every}
    out: list[tuple[Any, str]] = [(_figs().claims[every].written,
                                   "that is the figure as written: give its id")]
    out += [(c, "that figure is in one failing check, not in every one") for c in sorted(others)]
    return out


def _ex(*args: Any, **kw: Any) -> Exercise:
    return Exercise(*args, **kw)


def _exercises() -> dict[str, Exercise]:
    E = [
        # 00 ---------------------------------------------------------------------------------
        _ex("00-1", "the SHA-256 of data/raw/article.txt, as a string of 64 hex digits", "text",
            _sha, _sha_slips, hint="hash the file's bytes: hashlib.sha256(path.read_bytes())"),
        _ex("00-2", "a tuple (number tokens in 人才支援, how many of them lie inside a claim's "
                    "quote)", "numbers", lambda: _section_tokens(SECTION_02),
            lambda: [((_section_tokens(SECTION_02)[0], _claims_in(SECTION_02)),
                      "the second number counts claims; count tokens (one quote can hold "
                      "several)"),
                     ((_section_tokens(SECTION_02)[0],) * 2,
                      "not every token of the section is inside a quote: test each token's "
                      "span against the quotes' spans")],
            hint="count tokens whose start lies in the section (data.sections gives its "
                 "start and end), then those inside one of data.spans_of(text, quote)"),
        _ex("00-3", "a whole number of tokens", "number", _chinese_numerals,
            lambda: [(len(_unquoted_tokens()), "that counts every token outside the quotes; "
                      "count only those written in Chinese numerals (no digit 0-9)"),
                     (len(data.load_exclusions()), "that counts the exclusion rules (rows); "
                      "count tokens")],
            hint="tokens outside every claim's quote, then those without a digit 0-9"),
        # 01 ---------------------------------------------------------------------------------
        _ex("01-1", "a tuple (lower end, upper end) in yuan", "numbers",
            lambda: (read("2.06亿元", "yuan").interval.lo, read("2.06亿元", "yuan").interval.hi),
            lambda: [
                ((read("2.06亿元", "yuan").interval.lo / YI,
                  read("2.06亿元", "yuan").interval.hi / YI), "units: that is in 亿; give yuan"),
                ((read("2.06亿元", "yuan").interval.lo / WAN,
                  read("2.06亿元", "yuan").interval.hi / WAN), "units: that is in 万; give yuan"),
                ((read("2.06亿元", "yuan").value, read("2.06亿元", "yuan").value
                  + read("2.06亿元", "yuan").step), "rounding: that is cutting off (truncating); "
                 "half up puts the figure in the middle of its interval"),
                ((read("2.06亿元", "yuan").value - read("2.06亿元", "yuan").step,
                  read("2.06亿元", "yuan").value + read("2.06亿元", "yuan").step),
                 "rounding: half up reaches half a step of the last digit each way, not a "
                 "whole step")],
            hint="the last written digit is the 0.01亿 place; half up reaches half of it each "
                 "way", tol=D(0)),
        _ex("01-2", "the claim's id, e.g. 'population_total'", "text",
            lambda: _widest(_plain_rounded()), _widest_qualified,
            hint="for each plain rounded claim (no qualifier, not exact): interval width / "
                 "value; take the largest"),
        _ex("01-3", "the smallest band in whole percent, e.g. 5 for the default 5%", "number",
            _near_band_needed, hint="近200 with band b reads [200 × (1 − b), 200): it must "
                                     "reach down to the professionals sent",
            tol=D(0)),
        # 02 ---------------------------------------------------------------------------------
        _ex("02-1", "a tuple (lower, upper) in percent a year, three decimals", "numbers",
            _annual_interval,
            lambda: [(tuple(_iv("rural_income_growth_total").lo / 5 if i == 0 else
                            _iv("rural_income_growth_total").hi / 5 for i in range(2)),
                      "growth compounds: (1 + G)^(1/5) − 1, not G / 5")],
            hint="apply (1 + G)^(1/5) − 1 to each end of the interval of G", tol=D("0.0006")),
        _ex("02-2", "a whole number of checks", "number",
            lambda: _low_evidence(("evidence",)),
            lambda: [(_low_evidence(("evidence", "context", "trivial", "coincidence")),
                      "you counted every check that can be computed; count only those that "
                      "count as evidence (counts_as)"),
                     (_low_evidence(("evidence", "context")),
                      "context checks are not evidence: count only counts_as == 'evidence'")],
            hint="filter the checks on counts_as == 'evidence' and power == 'low'"),
        _ex("02-3", "the count in 万 with one decimal, e.g. 9.9 for 9.9万人", "number",
            _largest_poor_count,
            lambda: [(_largest_poor_count() * WAN,
                      "units: that is in persons; give the figure in 万, e.g. 9.9"),
                     (_largest_poor_count() - D("0.1"), "rounding: a larger figure still "
                      "agrees; remember 7.x万人 stands for an interval"),
                     (_largest_poor_count() + D("0.1"), "rounding: that figure's interval "
                      "reaches past what the incidence allows")],
            hint="try counts written like 9.0万人 with what_if on poor_people_exited and "
                 "watch poverty_count_vs_incidence_and_population", tol=D("0.01")),
        # 03 ---------------------------------------------------------------------------------
        _ex("03-1", "a number of years, two decimals", "number",
            lambda: (1 + _growth()[0]).ln() / (1 + _growth()[1]).ln(),
            lambda: [(_growth()[0] / _growth()[1], "that divides the growth rates, which "
                      "ignores compounding: use logarithms")],
            hint="n = ln(1 + G) / ln(1 + g), with G and g as fractions", tol=D("0.006")),
        _ex("03-2", "a rate in percent with one decimal, e.g. 9.3", "number", _smallest_rate,
            lambda: [(_rounded(_annual(_pt("rural_income_growth_total"))),
                      "rounding: that has two decimals; the article writes one, so find the "
                      "smallest one-decimal rate that passes"),
                     (_smallest_rate() - D("0.1"), "rounding: that rate's interval misses the "
                      "rate +57.84% implies; try the next one up")],
            hint="try 9.3%, 9.4%, … with what_if and watch income_annual_vs_total_growth",
            tol=D("0.001")),
        _ex("03-3", "the difference in percentage points, two decimals", "number",
            lambda: _points_gap(),
            lambda: [(_rounded(_annual(_pt("rural_income_growth_total")))
                      - _rounded(_national_annual()),
                      "rounding: you subtracted rates already rounded to two decimals; "
                      "subtract the unrounded rates, and round only the result"),
                     (_points_gap() / _national_annual() * HUNDRED,
                      "that is the difference in percent (relative); the question asks "
                      "percentage points, a difference of two rates")],
            hint="compute both annual rates unrounded, then subtract", tol=D("0.005")),
        _ex("03-4", "yuan, a whole number", "number",
            lambda: _implied("income_2015_implied_by_annual_growth"),
            lambda: [(_pt("rural_income_2020") / (1 + 5 * _growth()[1]),
                      "growth compounds: divide by (1 + g)^5, not by 1 + 5g"),
                     (_pt("rural_income_2020") * (1 - _growth()[1]) ** 5,
                      "going back a year divides by (1 + g); it does not multiply by (1 − g)")],
            hint="2015 income = 2020 income / (1 + g)^5", tol=D("0.5")),
        # 04 ---------------------------------------------------------------------------------
        _ex("04-1", "a tuple (lower, upper) in persons, whole numbers", "numbers",
            lambda: ((_iv("poverty_incidence_2015") / HUNDRED * _iv("population_total")).lo,
                     (_iv("poverty_incidence_2015") / HUNDRED * _iv("population_total")).hi),
            lambda: [((_iv("poverty_incidence_2015").lo / HUNDRED * _pt("population_total"),
                       _iv("poverty_incidence_2015").hi / HUNDRED * _pt("population_total")),
                      "rounding: 36.8万 is rounded too; multiply its interval as well")],
            hint="the product of the two intervals: lower × lower, upper × upper",
            tol=D("0.5")),
        _ex("04-2", "a tuple (fall in percentage points, fall in percent), two and one "
                    "decimals", "numbers",
            lambda: (_pt("poverty_incidence_2015") - _pt("db_poverty_incidence_2019"),
                     (_pt("poverty_incidence_2015") - _pt("db_poverty_incidence_2019"))
                     / _pt("poverty_incidence_2015") * HUNDRED),
            lambda: [((_pt("poverty_incidence_2015") - _pt("db_poverty_incidence_2019"),
                       (_pt("poverty_incidence_2015") - _pt("db_poverty_incidence_2019"))
                       / _pt("db_poverty_incidence_2019") * HUNDRED),
                      "percent of what? a fall is measured against where it started, 21.11%")],
            hint="points: the difference of the two rates; percent: that difference over the "
                 "starting rate", tol=D("0.05")),
        _ex("04-3", "a whole number of persons", "number",
            lambda: _pt("poor_people_exited") - _pt("poverty_incidence_2015") / HUNDRED
            * _pt("population_total"),
            lambda: [(_pt("poor_people_exited") - _pt("poverty_incidence_2015")
                      * _pt("population_total"),
                      "units: 21.11% is 0.2111 of the population, not 21.11 times it")],
            hint="102207 minus 21.11% of 36.8万, the figures as written", tol=D("0.5")),
        # 05 ---------------------------------------------------------------------------------
        _ex("05-1", "a tuple (lower, upper) in 万元, one decimal", "numbers",
            lambda: ((_iv("social_donations_2020") / (Interval.point(1) + _iv(
                "social_donations_growth_2020") / HUNDRED)).lo / WAN,
                     (_iv("social_donations_2020") / (Interval.point(1) + _iv(
                         "social_donations_growth_2020") / HUNDRED)).hi / WAN),
            lambda: [((_pt("social_donations_2020") * (1 - _pt("social_donations_growth_2020")
                                                       / HUNDRED) / WAN,) * 2,
                      "a rise of 53% is on the 2019 base: divide by 1.53; taking 53% off 2020 "
                      "is another quantity")],
            hint="2020 / (1 + growth), with each figure's interval: the smallest 2019 uses the "
                 "smallest 2020 and the largest growth", tol=D("0.06")),
        _ex("05-2", "a tuple of totals in 亿元 with two decimals, largest first", "numbers",
            _thresholds,
            lambda: [(tuple(v * YI / WAN for v in _thresholds()),
                      "units: those are in 万元; give 亿元 with two decimals"),
                     (tuple(v - D("0.01") for v in _thresholds()),
                      "rounding: each is one step too small; a total written x.xx亿元 stands "
                      "for [x.xx5 below, x.xx5 above): check the smallest that still passes"),
                     (tuple(v + D("0.01") for v in _thresholds()),
                      "rounding: each still passes one step lower; find the smallest")],
            hint="bisect: for each check that changes, halve the range of totals (in "
                 "hundredths of 亿) between one that fails and one that passes",
            tol=D("0.001")),
        _ex("05-3", "an amount in 万元, a whole number", "number", _not_itemised,
            lambda: [(_not_itemised() * WAN, "units: that is in yuan; give 万元"),
                     (_not_itemised() + (_pt("fiscal_aid_2020") + _pt("social_donations_2020"))
                      / WAN, "that leaves out 2020's fiscal funds and donations, which the "
                      "waterfall counts among the parts")],
            hint="the total as written minus the seven named parts as written", tol=D("0.5")),
        # 06 ---------------------------------------------------------------------------------
        _ex("06-1", "a share in percent, one decimal", "number",
            lambda: _pt("teacher_training_exchange") / _pt("teachers_benefited") * HUNDRED,
            lambda: [((_pt("teacher_training_exchange") + _pt("teaching_support"))
                      / _pt("teachers_benefited") * HUNDRED,
                      "送教帮扶 (teaching support) counts the teachers Nanshan sent, not "
                      "Debao's teachers who benefited: leave it out")],
            hint="person-times over person-times: training and exchange over the teachers "
                 "who benefited", tol=D("0.05")),
        _ex("06-2", "a share in percent, one decimal", "number",
            lambda: _implied("employed_within_registered_poor") / _pt("poor_people_exited")
            * HUNDRED,
            lambda: [(_implied("employed_within_registered_poor")
                      / _pt("beneficiaries_registered_poor") * HUNDRED,
                      "that divides by the project beneficiaries (5.8万人以上), a lower bound; "
                      "the question asks the registered poor lifted out (102207)")],
            hint="add the three channels' employed poor, then divide by the 102207",
            tol=D("0.05")),
        _ex("06-3", "a tuple (lower, upper) in person-times per expert, one decimal", "numbers",
            lambda: ((_iv("medical_beneficiaries") / _iv("medical_experts")).lo,
                     (_iv("medical_beneficiaries") / _iv("medical_experts")).hi),
            lambda: [((_pt("medical_beneficiaries") / _pt("medical_experts"),) * 2,
                      "近200名 is an interval, not 200: divide by each of its ends")],
            hint="7200 divided by each end of the interval 近200名 stands for",
            tol=D("0.05")),
        # 07 ---------------------------------------------------------------------------------
        _ex("07-1", "a whole number of claims", "number", lambda: _marks().count("none"),
            lambda: [(_marks().count("none") + _marks().count("not_checkable"),
                      "figures that only yield derived figures are marked too (not "
                      "checkable); count only the figures with no mark at all")],
            hint="page.mark_verdict for every claim, as in the notebook: count 'none'"),
        _ex("07-2", "a set of the figures as the article writes them, "
                    "e.g. {'近200名', '36.8万'}", "ids",
            lambda: {_figs().claims[c].written for r in _failing() for c in r.check.claims},
            lambda: [({c for r in _failing() for c in r.check.claims},
                      "those are ids; give the figures as the article writes them (written)")],
            hint="for each inconsistent check, its claims' written figures"),
        _ex("07-3", "the claim's id", "text", _in_every_failing, _in_some_failing,
            hint="intersect the sets of claims of the inconsistent checks"),
        # 08: the practice case ------------------------------------------------------------
        _ex("08-1", "yuan per person, a whole number", "number",
            lambda: _ppt("industry_dividends_cumulative") / _ppt("industry_dividend_people"),
            lambda: [(_ppt("industry_dividend_per_capita"),
                      "that is the figure as the article writes it (万元 read as yuan); "
                      "divide the dividends by the people"),
                     (_ppt("industry_dividends_cumulative") / _ppt("industry_dividend_people")
                      / WAN, "units: that is in 万元; give yuan")],
            hint="the dividends (in yuan) over the people they cover", tol=D("0.5")),
        _ex("08-2", "a share in percent, one decimal", "number",
            lambda: _ppt("jobs_in_region") / _ppt("jobs_total_2020") * HUNDRED,
            lambda: [(_ppt("jobs_guangdong") / _ppt("jobs_total_2020") * HUNDRED,
                      "that is the share found in Guangdong; the question asks within the "
                      "region (区内)")],
            hint="jobs within the region over all jobs found in 2020", tol=D("0.05")),
        _ex("08-3", "a whole number of checks", "number",
            lambda: sum(r.counts_as == "context" for r in _practice()[1]),
            lambda: [(sum(r.verdict == "tension" for r in _practice()[1]),
                      "that counts only the context checks whose figures disagree "
                      "(tensions); count every context check, agreeing or not")],
            hint="counts_as == 'context' among the practice article's checks"),
    ]
    return {e.id: e for e in E}


@functools.lru_cache(maxsize=1)
def _practice() -> tuple[checks.Figures, list[checks.Result]]:
    """The practice case (notebook 08): its figures and results."""
    from . import case as _case

    figs = checks.load_figures(case=_case.load(data.ROOT / "cases" / "practice-lanshan"))
    return figs, checks.run(figs)


def _ppt(key: str) -> Decimal:
    return _practice()[0].pt(key)


def _marks() -> list[str]:
    """The mark the annotated page gives each claim (notebook 07)."""
    from . import page

    figs, results = _figs(), list(_results().values())
    used = page.claim_verdicts(list(figs.claims.values()), results)
    attributions = page.attribute(results)
    return [page.mark_verdict(cid, used[cid], attributions) for cid in figs.claims]


EXERCISES: dict[str, Exercise] = _exercises()


# --------------------------------------------------------------------------------------------
# The student edition
# --------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _is(cell: dict, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def student_notebook(nb: dict) -> dict:
    """A notebook for students: answer cells (tag ``answer``) back to ``answer = None`` with no
    output, the checks (tag ``check``) kept without output, links to worked solutions dropped;
    every other output kept, so the notebook reads as executed before it is run."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and (_is(cell, "answer") or _is(cell, "check")):
            cell["outputs"], cell["execution_count"] = [], None
            if _is(cell, "answer"):
                cell["source"] = ANSWER_CELL
        elif cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            src = re.sub(r"\n*Worked solutions:[^\n]*(\n[^\n]+)*", "", src)
            cell["source"] = src
    return nb


def write_student(out: Path, root: Path = ROOT) -> list[Path]:
    """The student edition under ``out``: the notebooks, the glossary; no solutions."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "notebooks").mkdir(parents=True)
    written = []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = student_notebook(json.loads(path.read_text(encoding="utf-8")))
        target = out / "notebooks" / path.name
        target.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
    shutil.copy2(root / "notebooks" / "glossary.md", out / "notebooks" / "glossary.md")
    written.append(out / "notebooks" / "glossary.md")
    (out / "README.md").write_text(
        "# debao-audit: student edition\n\nOpen the notebooks in `notebooks/` in order, from a "
        "checkout of the project\n(they read `data/` through the `debao_audit` package). Each "
        "exercise has an answer\ncell (`answer = None`): put your answer there and run the check "
        "cell below it.\nThe words are explained in `notebooks/glossary.md`.\n", encoding="utf-8")
    written.append(out / "README.md")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] != "student":
        print("usage: python -m debao_audit.teaching student OUTDIR", file=sys.stderr)
        return 2
    files = write_student(Path(args[1]))
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    print(f"student edition: {len(notebooks)} notebooks and the glossary in {args[1]}/ "
          "(answer cells empty, no solutions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
