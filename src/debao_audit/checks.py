"""The checks: every relation between the article's figures, with rounding-aware verdicts.

A case's checks live in its own :class:`Registry` (``case.registry()``); the engine holds
none, and importing it registers nothing (``checks.REGISTRY`` is the default case's registry,
compiled on first use).  A check declares the claims and external rows it uses, its
formula, the assumption it relies on and what could explain a disagreement; its ``compute``
function derives an *implied* interval from the figures' intervals (exact arithmetic, outward
rounding where an operation is inexact) and the *implied point* from the figures as written,
and names the *relation* that should hold with the *reported* interval.

Verdicts (see :func:`verdict`):

* ``consistent``: the figures agree as written (the implied point lies in the reported
  figure's rounding interval, or satisfies the inequality);
* ``within_rounding``: they agree only once each figure is read as its interval;
* ``inconsistent``: no values inside the intervals make them agree, under the assumption;
* ``tension``: the figures disagree, but the check is a *context* check (its figures may not be
  the same quantity, see :data:`RULES`): shown to the reader, never counted as a fail;
* ``not_checkable``: the relation only yields a derived figure, with nothing to hold it against.

``inconsistent`` therefore means: the figures provably describe the same quantity (the article's
own words or an indicator's definition say so) and no values inside their intervals agree.

Power (``power`` column): ``high``/``medium``/``low`` from the band of agreement, or
``trivial`` (the check cannot fail given the article's wording) or ``coincidence`` (an equality
the article never asserts).  Neither counts as evidence.

What a check weighs (``counts_as`` column: evidence, context, trivial, coincidence, derived)
follows the written rules of :data:`RULES`, applied by :func:`classify` to the check's declared
rule inputs (``not_same``, ``inclusion``, ``assumes``, ``strength``, ``restates``), to the
periods of its claims (``data/claims.csv``) and to a computation (can the check fail at all?).
It is decided on the article as published, never on a what-if's figures, so no change of a
figure can move a check from one count to another.  A context check that fails is a *tension*.

Derived figures (relation ``none``) report the centre (computed from the centre of every
figure's interval, so ``1400多户`` counts as 1450) and the range, not an edge.

Like statcheck, a disagreement flags the *set* of figures, not a guess at which one is wrong.
Like GRIM, each check reports its *power*: how wide the band of agreement is relative to the
figure (``low`` means almost anything would pass).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Callable, Iterable, Mapping, Sequence

import pandas as pd

from . import data as _data
from .interval import Interval, plain
from .numbers import bound, group_written, number
from .written import DEFAULT, Conventions, Reading, ordinal_to_date

VERDICTS = ("consistent", "within_rounding", "inconsistent", "tension", "not_checkable")
RELATIONS = ("eq", "le", "ge", "in", "none")
D = Decimal


# --------------------------------------------------------------------------------------------
# Figures: the claims and external rows a check reads, with optional overrides
# --------------------------------------------------------------------------------------------

class Figures:
    """Look-up of claim and external figures by id: ``iv(id)`` the interval, ``pt(id)`` the
    figure as written.  ``overrides`` replaces figures (used to vary readings and by the
    mutation test)."""

    def __init__(self, claims: Sequence[_data.Claim], external: Sequence[_data.External],
                 overrides: Mapping[str, Interval | Reading] | None = None,
                 published: _dt.date | None = None, text: str = "", case: object = None):
        self.case = case  #: the :class:`debao_audit.case.Case` the figures come from
        self.claims = {c.id: c for c in claims}
        self.external = {e.id: e for e in external}
        self.overrides = dict(overrides or {})
        self.published = published
        self.text = text
        #: the figures these were derived from by overrides (the same article as published):
        #: what depends only on the article, such as what each check weighs, is kept there
        self.root: Figures = self
        self._standings: dict[int, tuple[Mapping[str, Check], dict[str, Standing]]] = {}

    def with_overrides(self, overrides: Mapping[str, Interval | Reading]) -> "Figures":
        """The same figures with some replaced: a Reading (from ``written.read``) keeps its
        value as written, a bare Interval is taken at its midpoint."""
        out = Figures(list(self.claims.values()), list(self.external.values()),
                      {**self.overrides, **overrides}, self.published, self.text, self.case)
        out.root = self.root
        return out

    def centred(self) -> "Figures":
        """The same figures with every bounded, non-date figure taken at the centre of its
        interval (``1400多`` → 1450, ``近200`` → 195); figures written at their centre
        (rounded ones) are unchanged.  Used to report derived figures by their centre."""
        ov: dict[str, Interval | Reading] = {}
        for key, unit in ([(k, c.unit) for k, c in self.claims.items()]
                          + [(k, e.unit) for k, e in self.external.items()]):
            if unit == "date":
                continue
            iv = self.iv(key)
            if iv.bounded and self.pt(key) != iv.mid:
                ov[key] = Interval.point(iv.mid)  # type: ignore[arg-type]
        return self.with_overrides(ov)

    def iv(self, key: str) -> Interval:
        if key in self.overrides:
            o = self.overrides[key]
            return o.interval if isinstance(o, Reading) else o
        if key in self.claims:
            return self.claims[key].interval
        if key in self.external:
            return self.external[key].interval
        raise KeyError(f"no claim or external figure with id {key!r}")

    def pt(self, key: str) -> Decimal:
        """The figure as written (for an override: its midpoint or lower bound); for a
        qualified figure whose written number lies outside its reading, the reading's centre."""
        if key in self.overrides:
            iv = self.overrides[key]
            if isinstance(iv, Reading):
                return iv.value
            return iv.mid if iv.bounded else iv.lo  # type: ignore[return-value]
        if key in self.claims:
            value, iv = self.claims[key].number, self.claims[key].interval
        else:
            e = self.external[key]
            value = e.reading.value if e.reading is not None else e.interval.lo  # type: ignore[assignment]
            iv = e.interval
        # A qualified figure (近200, 1400多, 200余万) is judged over its reading, never at its
        # round number, which lies outside it: where one value is needed, the reading's centre.
        if value not in iv and iv.bounded:
            return iv.mid  # type: ignore[return-value]
        return value  # type: ignore[return-value]

    # -- derived figures, each as (interval, point as written) ---------------------------------
    def ratio(self, num: str, den: str, factor: Decimal = Decimal(1)) -> tuple[Interval, Decimal]:
        """num / den × factor (per-unit figures, shares in percent with factor 100)."""
        return self.iv(num) / self.iv(den) * factor, self.pt(num) / self.pt(den) * factor

    def total(self, *keys: str) -> tuple[Interval, Decimal]:
        """The sum of several figures."""
        iv = self.iv(keys[0])
        for k in keys[1:]:
            iv = iv + self.iv(k)
        return iv, sum((self.pt(k) for k in keys), Decimal(0))

    def before_growth(self, level: str, growth: str, years: int = 1) -> tuple[Interval, Decimal]:
        """The base a level grew from: level / (1 + growth%)^years."""
        factor = Interval.point(1) + self.iv(growth) / Decimal(100)
        return (self.iv(level) / factor ** years,
                self.pt(level) / (1 + self.pt(growth) / Decimal(100)) ** years)


# --------------------------------------------------------------------------------------------
# Checks and outcomes
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    relation: str                      #: 'eq', 'le' (implied ≤ reported), 'ge', 'in' (reported in the implied range) or 'none'
    implied: Interval                  #: what the other figures imply, as an interval
    implied_point: Decimal             #: the same computed from the figures as written
    reported: Interval | None = None   #: the figure it is held against (None: nothing)
    reported_point: Decimal | None = None
    unit: str = ""                     #: display unit: '%', '元', '万元', 'persons', 'days', …
    places: int = 2                    #: decimals to display
    scale: Decimal = D(1)              #: display scale (1e4 for 万元)
    note: str = ""                     #: a sentence with the derived numbers
    reported_label: str = ""           #: where the reported figure comes from, if not the article
    implied_centre: Decimal | None = None  #: the implied figure at the centre of every input's
    #: interval, when it differs from the one as written (an input written at an edge: 多, 近)

    reported_written: str = ""         #: the reported figure as written (filled in by :func:`run`)
    #: the arithmetic of the implied side with the figures as written (``13.28万 + 1.75万``),
    #: where it combines several figures: the findings name the inputs as the check uses them
    implied_from: str = ""

    def show(self, iv: Interval | None, point: Decimal | None, written: str = "") -> str:
        """A figure for the table, with the one formatter (:mod:`debao_audit.numbers`): a
        reported figure as written (``written``), a derived one with ``places`` decimals and
        thousands separators; an interval rounded outward with the same decimals."""
        if iv is None:
            return "—"
        if self.unit == "date":
            lo = ordinal_to_date(iv.lo).isoformat()  # type: ignore[arg-type]
            hi = ordinal_to_date(iv.hi).isoformat()  # type: ignore[arg-type]
            return written or lo if lo == hi else (
                f"{written}, interval [{lo}, {hi}]" if written else f"[{lo}, {hi}]")
        unit = {"yuan": "元"}.get(self.unit, self.unit)
        sym = unit in ("%", "元", "万元")       # written onto each number, as the article does
        b = unit if sym else ""                # on each bound
        u = "" if sym or not unit else f" {unit}"  # after the whole figure or range
        if written:
            if iv.is_point:
                return written
            return f"{written}, interval {_range(iv, self.places, self.scale, b, exact=True)}{u}"
        rng = _range(iv, self.places, self.scale, b)
        if point is None:
            return f"range {rng}{u}"
        pt = _fmt(point / self.scale, self.places) + b
        if iv.is_point or pt == rng:
            return f"{rng}{u}"
        if self.relation == "none":
            # an open-ended range has no centre: give the range alone
            return f"centre {pt}{u}, range {rng}{u}" if iv.bounded else f"range {rng}{u}"
        if self.implied_centre is not None and iv is self.implied:
            centre = _fmt(self.implied_centre / self.scale, self.places) + b
            return f"{pt}{u} as written, centre {centre}{u}, interval {rng}{u}"
        return f"{pt}{u}, interval {rng}{u}"


def _fmt(x: Decimal, places: int) -> str:
    return number(x, places)


def _range(iv: Interval, places: int, scale: Decimal, unit: str = "", exact: bool = False) -> str:
    """An interval in display units, its ends rounded outward (a point: rounded half up).
    ``exact``: a reported figure's rounding interval, whose ends are short decimals, shown
    exactly (``[9.15%, 9.25%)``) unless they need more than ``places + 2`` decimals."""
    def end(x: Decimal | None, upper: bool) -> str:
        if x is None:
            return "∞" if upper else "−∞"
        x = x / scale
        if exact:
            t = x.normalize()
            dec = max(0, -t.as_tuple().exponent)  # type: ignore[operator]
            if dec <= places + 2:
                return number(x, dec) + unit
        return bound(x, places, upper) + unit
    if iv.is_point:
        return _fmt(iv.lo / scale, places) + unit  # type: ignore[operator]
    return (f"{'(' if iv.lo_open else '['}{end(iv.lo, False)}, {end(iv.hi, True)}"
            f"{')' if iv.hi_open else ']'}")


@dataclass(frozen=True)
class Check:
    check_id: str
    kind: str          #: growth | base_year | share | part_whole | per_unit | population |
    #                     same_quantity | timeline | qualitative | external
    theme: str         #: income | poverty | funding | people | timeline
    claims: tuple[str, ...]
    external: tuple[str, ...]
    formula: str
    assumption: str
    explanation: str   #: what could explain a disagreement
    compute: Callable[[Figures], Outcome]
    reconcile: Callable[[Figures], str] | None = None
    title: str = ""
    strength: str = ""        #: '' (evidence), 'trivial' or 'coincidence'
    strength_reason: str = ""  #: why the check cannot fail / why the equality is not asserted
    not_same: str = ""        #: why the figures may not be the same quantity: a failure is a tension
    reconciliations: tuple["Reconciliation", ...] = ()
    inclusion: str = ""       #: part-whole checks: 'stated', 'definition' or 'not_stated'
    inclusion_reason: str = ""  #: the words that state it, or why it is not stated
    assumes: tuple[str, ...] = ()  #: checks whose questioned reading this check presupposes
    restates: str = ""        #: why the check only restates one sentence (it cannot fail apart)
    reason_zh: str = ""       #: the reason of its rule (why a tension's figures may differ), in Chinese
    #: what a finding from this check adds (what else is ruled out), as (English, Chinese)
    finding_note: Callable[[Figures], tuple[str, str]] | None = None
    status: str = ""          #: '' or 'confirmed' (the author's), or 'suggested' (by ``draft``)


#: A relation's status (relations.csv ``status``): the author's own (empty or ``confirmed``),
#: or ``suggested`` by ``python -m debao_audit draft`` and not yet confirmed by the author.
STATUSES = ("", "confirmed", "suggested")


@dataclass(frozen=True)
class Reconciliation:
    """One way an inconsistent or tense set of figures could agree, computed: ``outcome``
    recomputes the relation under that reading (tests assert that it then agrees), ``text``
    says it with the numbers."""
    label: str
    outcome: Callable[[Figures], Outcome]
    text: Callable[[Figures], str]
    external: tuple[str, ...] = ()


STRENGTHS = ("", "coincidence")
INCLUSION = ("stated", "definition", "not_stated")
COUNTS_AS = ("evidence", "trivial", "coincidence", "context", "derived")


class Registry(dict):
    """One case's checks, by id, in the order they are added.  ``registry.check(...)``
    decorates a compute function (see :func:`make_check` for the arguments)."""

    def add(self, c: Check) -> Check:
        if c.check_id in self:
            raise ValueError(f"duplicate check id {c.check_id!r}")
        self[c.check_id] = c
        return c

    def check(self, check_id: str, **kw):
        def deco(fn: Callable[[Figures], Outcome]) -> Callable[[Figures], Outcome]:
            self.add(make_check(check_id, compute=fn, **kw))
            return fn
        return deco


def __getattr__(name: str):
    # ``checks.REGISTRY``: the default case's checks, compiled on first use (never at import)
    if name == "REGISTRY":
        from . import case as _case
        return _case.default().registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def registry_of(figures: "Figures | None") -> Mapping[str, Check]:
    """The checks of the case the figures come from (the default case if none is named)."""
    from . import case as _case
    c = getattr(figures, "case", None) or _case.default()
    return c.registry()


def make_check(check_id: str, *, kind: str, theme: str, claims: Iterable[str],
          external: Iterable[str] = (), formula: str, assumption: str, explanation: str,
          title: str = "", reconcile: Callable[[Figures], str] | None = None,
          strength: str = "", strength_reason: str = "", not_same: str = "",
          reconciliations: Iterable[Reconciliation] = (), inclusion: str = "",
          inclusion_reason: str = "", assumes: Iterable[str] = (), restates: str = "",
          reason_zh: str = "",
          finding_note: Callable[[Figures], tuple[str, str]] | None = None,
          compute: Callable[[Figures], Outcome] | None = None, status: str = "") -> Check:
    """A check, its arguments checked.

    The rule inputs (see :data:`RULES`): ``strength='coincidence'`` (with ``strength_reason``)
    for an equality the article never asserts; ``not_same``: why the figures may describe
    different quantities; ``inclusion`` (required for a part-whole check) with
    ``inclusion_reason``; ``assumes``: the checks whose questioned reading this one presupposes;
    ``restates``: why the check only compares a sentence with itself; ``reason_zh``: the
    reason that makes it context, in Chinese (a tension's finding states it); ``finding_note``:
    what a finding from it adds, in English and Chinese.  Triviality is computed,
    never declared.  ``reconciliations``: computed readings under which the figures would agree;
    ``reconcile``: further text (what is ruled out).  ``status='suggested'``: a relation the
    draft proposed and the author has not confirmed (it counts as context, rule ``suggested``)."""
    if status not in STATUSES:
        raise ValueError(f"{check_id}: status must be one of {STATUSES}, not {status!r}")
    if strength not in STRENGTHS:
        raise ValueError(f"{check_id}: strength must be one of {STRENGTHS}, not {strength!r}")
    if bool(strength) != bool(strength_reason):
        raise ValueError(f"{check_id}: a coincidental check needs its reason")
    if inclusion not in ("",) + INCLUSION or bool(inclusion) != bool(inclusion_reason):
        raise ValueError(f"{check_id}: inclusion must be one of {INCLUSION}, with its reason")
    if kind == "part_whole" and not inclusion:
        raise ValueError(f"{check_id}: a part-whole check must say whether the article states "
                         f"the inclusion (inclusion=...)")

    return Check(check_id, kind, theme, tuple(claims), tuple(external), formula, assumption,
                 explanation, compute, reconcile, title,  # type: ignore[arg-type]
                 strength, strength_reason, not_same, tuple(reconciliations),
                 inclusion, inclusion_reason, tuple(assumes), restates, reason_zh,
                 finding_note, status)


def verdict(o: Outcome) -> str:
    """The verdict of an outcome; see the module docstring."""
    if o.relation == "none" or o.reported is None:
        return "not_checkable"
    rep, imp = o.reported, o.implied
    if o.relation == "eq":
        if o.implied_point in rep:
            return "consistent"
        return "within_rounding" if imp.intersects(rep) else "inconsistent"
    if o.relation == "in":  # the reported figure must lie in the implied range
        rp = o.reported_point
        if rp is not None and rp in imp:
            return "consistent"
        return "within_rounding" if imp.intersects(rep) else "inconsistent"
    if o.relation == "ge":  # a ≥ b is −a ≤ −b
        rp = None if o.reported_point is None else -o.reported_point
        return verdict(Outcome("le", -o.implied, -o.implied_point, -rep, rp))
    if o.relation == "le":
        rp = o.reported_point if o.reported_point is not None else rep.hi
        if rp is None or o.implied_point <= rp:
            return "consistent"
        lo, hi = imp.lo, rep.hi
        if lo is None or hi is None or lo < hi or (lo == hi and not imp.lo_open and not rep.hi_open):
            return "within_rounding"
        return "inconsistent"
    raise ValueError(f"unknown relation {o.relation!r}")


def power(o: Outcome) -> tuple[str, str]:
    """How much a check can tell: the band of agreement relative to the reported figure.

    Returns (``high`` | ``medium`` | ``low`` | ``n/a``, the relative band as text).  It is
    computed from the intervals and the distance between the figures, never from the verdict:
    an equality from the width of its band of agreement; an inequality from the distance to its
    bound whichever side it falls (a passing and a failing inequality at the same distance get
    the same label)."""
    if o.relation == "none" or o.reported is None:
        return "n/a", ""
    if o.relation == "in":
        if not o.implied.bounded or o.reported_point in (None, 0):
            return "low", "unbounded"
        rel = (o.implied.width + (o.reported.width or 0)) / abs(o.reported_point)  # type: ignore[operator]
        return ("low" if rel > D("0.2") else "medium"), f"range ±{rel / 2:.0%}"
    if o.relation in ("le", "ge"):
        # an inequality passes for a whole half-line: its power is the margin it leaves
        rp = o.reported_point if o.reported_point is not None else o.reported.mid
        if rp in (None, 0) or o.unit == "date":
            return "low", "one-sided"
        # The label depends on the distance from the bound only, not on its side, so power
        # never follows the verdict: figures within 20% of the bound are ``medium`` (an error
        # of modest size would flip the verdict), farther ones ``low`` either way (only a gross
        # error would flip it).  The band says on which side the figures fall.
        signed = (rp - o.implied_point) if o.relation == "le" else (o.implied_point - rp)
        margin = abs(signed) / abs(rp)  # type: ignore[operator]
        label = "low" if margin > D("0.2") else "medium"
        if signed < 0:
            # violated: like statcheck's gross inconsistency, say by how much.  When every
            # value the implied interval allows violates it, give its centre and range, not
            # an edge a qualifier leaves open (近200 = [190, 200): 46%, range 42–49%, not 49%)
            band = f"violated by {margin:.0%}"
            iv = o.implied
            if iv.bounded:
                ends = [(rp - x) if o.relation == "le" else (x - rp)  # type: ignore[operator]
                        for x in (iv.lo, iv.hi)]
                if all(e <= 0 for e in ends):
                    ip = o.implied_centre if o.implied_centre is not None else o.implied_point
                    centre = abs(rp - ip) / abs(rp)  # type: ignore[operator]
                    # the range's ends rounded outward, as every interval is shown
                    rel = sorted(abs(e) / abs(rp) * HUNDRED for e in ends)  # type: ignore[operator]
                    lo, hi = bound(rel[0], 0, False), bound(rel[1], 0, True)
                    band = f"violated by {number(centre * HUNDRED, 0)}%" + (
                        f" (range {lo}–{hi}%)" if lo != hi else "")
            return label, band
        return label, f"one-sided, margin {margin:.0%}"
    ref = o.reported_point if o.reported_point not in (None, 0) else o.implied_point
    if not (o.reported.bounded and o.implied.bounded):
        return "low", "unbounded"
    # the band of agreement: how far apart the two figures may be and still agree
    slack = o.reported.width + o.implied.width  # type: ignore[operator]
    if o.unit == "date":
        return ("high" if slack <= 7 else "medium" if slack <= 92 else "low"), f"{slack} days"
    if ref == 0:
        return ("high" if slack == 0 else "low"), "±0" if slack == 0 else "unbounded"
    rel = slack / abs(ref)
    label = "high" if rel <= D("0.01") else "medium" if rel <= D("0.1") else "low"
    return label, f"±{rel / 2:.2%}"


# --------------------------------------------------------------------------------------------
# What a check weighs: written rules, applied by code
# --------------------------------------------------------------------------------------------

#: A figure is widened by this share of itself either way (dates by TRIVIAL_DAYS) to ask
#: whether a check could fail at all: one that holds for every such value is trivial.
TRIVIAL_MARGIN = D("0.5")
TRIVIAL_DAYS = D(183)


@dataclass(frozen=True)
class Rule:
    name: str
    counts_as: str
    statement: str


#: The rules, in the order they are applied: the first that matches decides what a check
#: weighs.  docs/design.md and notebook 02 render this table; :func:`classify` applies it.
RULES: tuple[Rule, ...] = (
    Rule("derived", "derived",
         "The relation only yields a figure (an implied base year, a per-unit value): nothing "
         "to hold it against."),
    Rule("cannot_fail", "trivial",
         f"It holds for every value of its figures' readings widened by "
         f"{TRIVIAL_MARGIN:.0%} either way (dates by {TRIVIAL_DAYS} days): only a gross error "
         f"could make it fail, whatever weight it would otherwise have."),
    Rule("restatement", "trivial",
         "It compares a figure with a restatement of itself (what the same sentence lists, the "
         "article's own chronology, or another publication repeating the same source text): it "
         "cannot fail independently."),
    Rule("suggested", "context",
         "A relation the draft suggested from the arithmetic alone (relations.csv status "
         "'suggested'): shown, never counted, until the case's author confirms it."),
    Rule("asserted", "coincidence",
         "An equality the article never asserts: two counts that happen to match."),
    Rule("duplicate", "trivial",
         "It makes the same comparison as an earlier check (the same figures, the same bound, "
         "the same relation): it is counted once, as that check."),
    Rule("same_quantity", "context",
         "The figures are not provably the same quantity (persons against person-times, two "
         "acts with two dates, a flow against a stock)."),
    Rule("inclusion", "context",
         "A part held against a whole that the article never says contains it."),
    Rule("own_reconciliation", "context",
         "The check holds only under the reading another check questions (it assumes its own "
         "reconciliation)."),
    Rule("period", "context",
         "The periods do not line up: a part counted over a period its whole does not cover "
         "(a 'to date' figure against a calendar year), or an equality of different periods."),
    Rule("evidence", "evidence",
         "Otherwise: the same quantity, over aligned periods, in a relation that can fail on "
         "its own."),
)
RULE_NAMES = tuple(r.name for r in RULES)
_RULE = {r.name: r for r in RULES}


@dataclass(frozen=True)
class Standing:
    """What a check weighs, the rule that decided it, and the reason in words."""
    counts_as: str
    rule: str
    reason: str


_QUANTITY_SKIP = ("percent", "date", "year")


def period_span(period: str, published: _dt.date | None) -> tuple[_dt.date | None, _dt.date] | None:
    """A claim's ``period`` as (first day or None, last day); None when unstated.

    ``2020`` → the calendar year; ``2016-09–2020-11`` → from the first to the last day of the
    months; ``2017–publication`` → to the publication date; ``publication`` → cumulative to the
    publication date from an unstated start (None)."""
    if period == "unstated" or not period:
        return None

    def first(x: str) -> _dt.date:
        y, _, m = x.partition("-")
        return _dt.date(int(y), int(m or 1), 1)

    def last(x: str) -> _dt.date:
        y, _, m = x.partition("-")
        if not m:
            return _dt.date(int(y), 12, 31)
        nxt = _dt.date(int(y) + (m == "12"), 1 if m == "12" else int(m) + 1, 1)
        return nxt - _dt.timedelta(days=1)

    pub = published or _dt.date.max
    if period == "publication":
        return None, pub
    a, _, b = period.partition("–")
    return first(a), (pub if b == "publication" else last(b or a))


def _within(a: tuple[_dt.date | None, _dt.date], b: tuple[_dt.date | None, _dt.date]) -> bool:
    """Whether period a lies inside period b (an unstated start is as early as need be for b,
    unknown for a)."""
    if a[1] > b[1]:
        return False
    if b[0] is None:
        return True
    return a[0] is not None and a[0] >= b[0]


def sides(c: Check, f: Figures) -> dict[str, str]:
    """Which side of the relation each figure is on ('implied', 'reported' or 'both'), found
    by moving one figure at a time and seeing which side moves."""
    base = c.compute(f)
    out: dict[str, str] = {}
    for k in c.claims + c.external:
        iv = f.iv(k)
        x = f.pt(k)
        moved = x + 40 if _unit(f, k) == "date" else x * D("1.37") + 1
        try:
            o = c.compute(f.with_overrides({k: Interval.point(moved)}))
        except (ArithmeticError, ValueError, KeyError):
            continue
        imp, rep = o.implied != base.implied, o.reported != base.reported
        if imp or rep:
            out[k] = "both" if imp and rep else "implied" if imp else "reported"
        del iv
    return out


def _unit(f: Figures, key: str) -> str:
    return f.claims[key].unit if key in f.claims else f.external[key].unit


def period_mismatch(c: Check, f: Figures, relation: str) -> str:
    """'' when the periods of the check's claims line up, else the reason (see the rule
    ``period``): in a part-whole relation each part's period lies in its whole's; in an
    equality both periods are the same.  Claims with an unstated period, rates and dates are
    left out."""
    if relation not in ("le", "ge", "eq"):
        return ""
    where = sides(c, f)
    spans = {}
    for k in c.claims:
        cl = f.claims[k]
        sp = period_span(cl.period, f.published)
        if sp is not None and cl.unit not in _QUANTITY_SKIP and where.get(k) in ("implied", "reported"):
            spans[k] = sp
    part_side = "implied" if relation in ("le", "eq") else "reported"
    parts = [k for k in spans if where[k] == part_side]
    wholes = [k for k in spans if where[k] != part_side]
    for p in parts:
        for w in wholes:
            pc, wc = f.claims[p], f.claims[w]
            ok = (spans[p] == spans[w] if relation == "eq" else _within(spans[p], spans[w]))
            if not ok:
                return (f"{pc.written} ({p}) is counted {_over(pc.period)}, "
                        f"{wc.written} ({w}) {_over(wc.period)}")
    return ""


def _sentence(text: str) -> str:
    """``text`` ending as a sentence (a reason written without its full stop gets one)."""
    text = text.strip()
    return text if not text or text[-1] in ".!?。)" else text + "."


def _over(period: str) -> str:
    """A claims.csv period in words: 'over 2020', 'up to publication', 'over 2017 to
    publication'."""
    if period == "publication":
        return "up to publication"
    return "over " + period.replace("–publication", " to publication").replace(
        "-publication", " to publication")


def _corners(iv: Interval, date: bool) -> tuple[Decimal, Decimal]:
    """The two ends of a reading widened by the triviality margin (an open end at ten times
    the other)."""
    lo, hi = iv.lo, iv.hi
    if date:
        return lo - TRIVIAL_DAYS, hi + TRIVIAL_DAYS  # type: ignore[operator]
    if hi is None:
        hi = lo * 10  # type: ignore[operator]
    if lo is None:
        lo = hi / 10
    m = TRIVIAL_MARGIN
    return (lo * (1 - m) if lo >= 0 else lo * (1 + m)), (hi * (1 + m) if hi >= 0 else hi * (1 - m))


def can_fail(c: Check, f: Figures) -> bool:
    """Whether any values of the check's figures, each anywhere in its reading widened by
    :data:`TRIVIAL_MARGIN` (dates by :data:`TRIVIAL_DAYS`), make the relation fail.  The
    relations are monotone in each figure, so the corners of the widened box decide."""
    import itertools
    keys = list(c.claims + c.external)
    ends = [_corners(f.iv(k), _unit(f, k) == "date") for k in keys]
    for combo in itertools.product(*ends):
        try:
            o = c.compute(f.with_overrides({k: Interval.point(v) for k, v in zip(keys, combo)}))
        except (ArithmeticError, ValueError):
            return True  # a figure driven to an impossible value: the check can break
        if verdict(o) == "inconsistent":
            return True
    return False


def comparison(c: Check, f: Figures) -> tuple | None:
    """What a check compares: its relation, the implied and the reported intervals (as
    numbers), and the figures that make its bound (those on the reported side, by
    :func:`sides`).  Two checks with the same
    comparison are one comparison made twice (:func:`standings` counts the later once, as the
    rule ``duplicate``).  None for a derived figure."""
    o = c.compute(f)
    if o.relation == "none" or o.reported is None:
        return None
    bound = tuple(sorted(k for k, side in sides(c, f).items() if side != "implied"))
    return (o.relation, o.implied, o.reported, bound)


def classify(c: Check, f: Figures, duplicate_of: str = "") -> Standing:
    """Apply :data:`RULES` to one check on the figures as published (no overrides).
    ``duplicate_of``: an earlier check that makes the same :func:`comparison`."""
    o = c.compute(f)
    written = {k: cl.written for k, cl in f.claims.items()}

    def st(rule: str, reason: str) -> Standing:
        return Standing(_RULE[rule].counts_as, rule, reason.format_map(written))

    if o.relation == "none":
        return st("derived", "a derived figure")
    if c.status == "suggested":
        return st("suggested", "suggested by the draft from the arithmetic alone; the case's "
                  "author has not confirmed that these figures are related this way")
    # Trivial, whatever weight the check would otherwise have: evidence and context alike
    if not can_fail(c, f):
        return st("cannot_fail", _RULE["cannot_fail"].statement)
    if c.restates:
        return st("restatement", c.restates)
    if c.strength == "coincidence":
        return st("asserted", c.strength_reason)
    if duplicate_of:
        return st("duplicate", f"the same comparison as {duplicate_of}")
    if c.not_same:
        return st("same_quantity", c.not_same)
    if c.inclusion == "not_stated":
        return st("inclusion", c.inclusion_reason)
    if c.assumes:
        return st("own_reconciliation",
                  f"it assumes the reading that {', '.join(c.assumes)} questions")
    mismatch = period_mismatch(c, f, o.relation)
    if mismatch:
        return st("period", mismatch)
    return st("evidence", "")


@dataclass(frozen=True)
class Result:
    check: Check
    outcome: Outcome
    verdict: str
    power: str
    band: str
    reconcile: str
    title: str = ""    #: the check's title with the claims as the article writes them
    formula: str = ""  #: the formula, likewise filled in
    assumption: str = ""  #: the assumption, likewise filled in
    standing: Standing = Standing("evidence", "evidence", "")
    explanation: str = ""  #: the check's explanation, filled in with the claims as written
    discrepancy: str = ""  #: an inconsistent check's discrepancy (D1, D2, …: see :func:`discrepancies`)

    @property
    def counts_as(self) -> str:
        """evidence | context | trivial | coincidence | derived (see :data:`RULES`)."""
        return self.standing.counts_as

    @property
    def tension(self) -> bool:
        """The figures disagree but the check is a context check."""
        return self.verdict == "tension"

    @property
    def not_same(self) -> str:
        """Why a context check's figures may not be the same quantity (its rule's reason)."""
        return self.standing.reason if self.counts_as == "context" else ""

    def row(self) -> dict[str, str]:
        c, o = self.check, self.outcome
        return {
            "check_id": c.check_id, "title": self.title, "kind": c.kind, "theme": c.theme,
            "claims": ";".join(c.claims), "external": ";".join(c.external),
            "verdict": self.verdict,
            "reported": (f"{o.reported_label}: " if o.reported_label and o.reported is not None
                         else "") + o.show(o.reported, o.reported_point, o.reported_written),
            "implied": o.show(o.implied, None if o.relation == "in" else o.implied_point),
            "relation": {"eq": "implied = reported", "le": "implied ≤ reported",
                         "ge": "implied ≥ reported", "in": "reported within implied range",
                         "none": "—"}[o.relation],
            "formula": self.formula, "assumption": self.assumption,
            "explanation": ((f"Tension, not a proven inconsistency: "
                             f"{_sentence(self.not_same)} " if self.tension else "")
                            + (o.note + " " if o.note else "")
                            + (self.explanation or c.explanation)),
            "reconcile": self.reconcile, "power": self.power, "band": self.band,
            "counts_as": self.counts_as, "rule": self.standing.rule,
            "rule_reason": self.standing.reason, "discrepancy": self.discrepancy,
        }


class _Keep(dict):
    """A format mapping that leaves unknown ``{names}`` as they are (explanations may hold
    braces of their own)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def published(figures: Figures) -> Figures:
    """The same claims and external figures without overrides: the article as published."""
    return Figures(list(figures.claims.values()), list(figures.external.values()), {},
                   figures.published, figures.text, figures.case)


def standings(figures: Figures, registry: Mapping[str, Check] | None = None) -> dict[str, Standing]:
    """What every check weighs, decided on the article as published.  Computed once per
    article and registry: figures derived by overrides (a what-if, the centred figures) share
    the answer of the figures they came from, since it never depends on an override."""
    reg = registry if registry is not None else registry_of(figures)
    cache = figures.root._standings
    hit = cache.get(id(reg))
    if hit is not None and hit[0] is reg:
        return dict(hit[1])
    base = published(figures)
    first: dict[tuple, str] = {}
    out = {}
    for cid, c in reg.items():
        # an equality the article never asserts is a coincidence, never the first of a pair
        key = comparison(c, base) if c.strength != "coincidence" else None
        dup = first.setdefault(key, cid) if key is not None else cid
        out[cid] = classify(c, base, "" if dup == cid else dup)
    cache[id(reg)] = (reg, out)
    return dict(out)


def run(figures: Figures, registry: Mapping[str, Check] | None = None, *,
        with_discrepancies: bool = True) -> list[Result]:
    """Run every check.  Titles are templates such as ``{medical_experts} medical experts``,
    filled with the claims as the article writes them (``近200名``), so no figure is typed in.
    What a check weighs is decided on the article as published (:func:`standings`).
    ``with_discrepancies=False``: every result's ``discrepancy`` left empty, for a caller that
    shows only verdicts (the what-if): finding them bisects over the failing checks' figures,
    most of a run's time; nothing else changes."""
    reg = registry if registry is not None else registry_of(figures)
    written = {k: c.written for k, c in figures.claims.items()}
    weighs = standings(figures, reg)
    out = []
    centred = figures.centred()
    for c in reg.values():
        o = c.compute(figures)
        centre = c.compute(centred).implied_point
        if o.relation == "none":  # a derived figure: reported by its centre, not an edge
            o = replace(o, implied_point=centre)
        elif o.implied.bounded and o.relation != "in" and centre != o.implied_point:
            o = replace(o, implied_centre=centre)  # shown beside the figure as written
        if o.reported is not None:
            o = replace(o, reported_written=_written_form(figures, c, o))
        s = weighs[c.check_id]
        v = judge(o, s.counts_as)
        p, band = power(o)
        if s.counts_as in ("trivial", "coincidence") and v != "not_checkable":
            p, band = s.counts_as, s.reason
        elif v == "tension":
            p = "n/a"
        rec = reconcile_text(c, figures) if v in ("inconsistent", "tension") else ""
        out.append(Result(c, o, v, p, band, rec, c.title.format_map(written),
                          c.formula.format_map(written), c.assumption.format_map(written), s,
                          c.explanation.format_map(_Keep(written))))
    if not with_discrepancies:
        return out
    found = discrepancies(out, figures)
    return [replace(r, discrepancy=found.get(r.check.check_id, "")) for r in out]


# --------------------------------------------------------------------------------------------
# Discrepancies: failing checks that say the same thing count once
# --------------------------------------------------------------------------------------------

#: Steps of the bisections that find the values closing a check (each halves the bracket).
_BISECT_STEPS = 60


def closing_range(c: Check, f: Figures, key: str) -> tuple[Decimal, Decimal] | None:
    """The values of figure ``key`` (each other figure keeping its interval) for which check
    ``c`` no longer fails, from a tenth of the figure's reading to ten times it: a
    closed range (lowest, highest), found by bisection (each relation is monotone in each
    figure), or None when no value there closes it, or the figure is a date or is not in the
    check, or the relation is a range (``in``)."""
    if _unit(f, key) == "date" or key not in c.claims + c.external:
        return None

    def outcome(x: Decimal) -> Outcome:
        return c.compute(f.with_overrides({key: Interval.point(x)}))

    def holds(x: Decimal) -> bool:
        try:
            return verdict(outcome(x)) != "inconsistent"
        except (ArithmeticError, ValueError):
            return False

    def diff(x: Decimal) -> Decimal:
        o = outcome(x)
        return o.implied_point - (o.reported_point if o.reported_point is not None
                                  else o.reported.mid)  # type: ignore[union-attr,operator]

    if c.compute(f).relation not in ("eq", "le", "ge"):
        return None
    lo_end, hi_end = _window(f.iv(key))
    try:
        d_lo, d_hi = diff(lo_end), diff(hi_end)
    except (ArithmeticError, ValueError):
        return None
    if (d_lo > 0) == (d_hi > 0) and d_lo != 0 and d_hi != 0:
        return None  # no value in the widened reading brings the two sides together
    a, b = lo_end, hi_end  # bisect for the value where the two sides meet
    for _ in range(_BISECT_STEPS):
        m = (a + b) / 2
        if (diff(m) > 0) == (d_lo > 0):
            a = m
        else:
            b = m
    root = (a + b) / 2
    if not holds(root):
        return None

    def edge(outer: Decimal) -> Decimal:
        if holds(outer):
            return outer
        a, b = outer, root  # a fails, b holds
        for _ in range(_BISECT_STEPS):
            m = (a + b) / 2
            if holds(m):
                b = m
            else:
                a = m
        return b

    return edge(lo_end), edge(hi_end)


#: How far :func:`closing_range` looks for the value that closes a check: from a tenth of the
#: figure's reading to ten times it (a sign-changing figure: that far either side).
CLOSING_FACTOR = D(10)


def _window(iv: Interval) -> tuple[Decimal, Decimal]:
    lo, hi = iv.lo, iv.hi
    if hi is None:
        hi = lo * CLOSING_FACTOR if lo > 0 else lo + abs(lo) * CLOSING_FACTOR + 1  # type: ignore[operator]
    if lo is None:
        lo = hi / CLOSING_FACTOR if hi > 0 else hi - abs(hi) * CLOSING_FACTOR - 1
    lo = lo / CLOSING_FACTOR if lo > 0 else lo - abs(lo) * CLOSING_FACTOR - 1
    hi = hi * CLOSING_FACTOR if hi > 0 else hi + abs(hi) * CLOSING_FACTOR + 1
    return lo, hi


def same_discrepancy(a: Check, b: Check, f: Figures) -> str:
    """The figure by which two failing checks are one discrepancy, or ''.

    They are one when they share a figure whose correction closes both: the values of that
    figure that make ``a`` hold and those that make ``b`` hold (:func:`closing_range`, every
    other figure over its interval) overlap, so whichever check is taken, correcting the
    figure to agree with it makes the other agree too (one implies the other).  Checks that
    need different values of the shared figure, or share none, are two discrepancies."""
    for key in a.claims:
        if key not in b.claims:
            continue
        ra, rb = closing_range(a, f, key), closing_range(b, f, key)
        if ra is not None and rb is not None and max(ra[0], rb[0]) <= min(ra[1], rb[1]):
            return key
    return ""


def discrepancies(results: Sequence[Result], f: Figures) -> dict[str, str]:
    """Every inconsistent check's discrepancy, ``D1``, ``D2``, … in registry order: checks
    joined by :func:`same_discrepancy` (transitively) share one."""
    failing = [r.check for r in results if r.verdict == "inconsistent"]
    parent = {c.check_id: c.check_id for c in failing}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, a in enumerate(failing):
        for b in failing[i + 1:]:
            if root(a.check_id) != root(b.check_id) and same_discrepancy(a, b, f):
                parent[root(b.check_id)] = root(a.check_id)
    names: dict[str, str] = {}
    out = {}
    for c in failing:
        r = root(c.check_id)
        names.setdefault(r, f"D{len(names) + 1}")
        out[c.check_id] = names[r]
    return out


def _written_form(figures: Figures, c: Check, o: Outcome) -> str:
    """The reported figure as written, when it is one of the check's own figures (its interval
    and value): the article's text (an override's own text), or an external row's; else ''
    (a figure the check derived, shown by the formatter)."""
    for key in c.claims + c.external:
        try:
            same = figures.iv(key) == o.reported and figures.pt(key) == o.reported_point
        except KeyError:
            continue
        if not same:
            continue
        if key in figures.overrides:
            ov = figures.overrides[key]
            return group_written(ov.raw) if isinstance(ov, Reading) and not ov.iso else (
                ov.raw if isinstance(ov, Reading) else "")
        if key in figures.claims:
            cl = figures.claims[key]
            return cl.written if cl.reading.iso else group_written(cl.written)
        e = figures.external[key]
        return group_written(e.reading.raw) if e.reading is not None else ""
    return ""


def judge(o: Outcome, counts_as: str) -> str:
    """The verdict of a check's outcome: a context check whose figures disagree is a
    ``tension``, never ``inconsistent``."""
    v = verdict(o)
    return "tension" if v == "inconsistent" and counts_as == "context" else v


def check_verdict(check_id: str, figures: Figures) -> str:
    """The final verdict of one registered check on the given figures."""
    reg = registry_of(figures)
    return judge(reg[check_id].compute(figures), standings(figures, reg)[check_id].counts_as)


def reconcile_text(c: Check, figures: Figures) -> str:
    """What would make a failing check agree: each computed reconciliation, then what the
    check's ``reconcile`` adds (what is ruled out)."""
    parts = [r.text(figures) for r in c.reconciliations]
    if c.reconcile:
        parts.append(c.reconcile(figures))
    return " ".join(parts)


def counts(results: Sequence[Result] | pd.DataFrame) -> dict[str, int]:
    """Counts for headlines: the verdicts of the evidence checks, and the other kinds apart.

    Keys: ``checks`` (all), ``evidence``, ``consistent``, ``within_rounding``, ``inconsistent``
    (evidence only), ``trivial``, ``coincidence``, ``context``, ``derived``; ``tension`` (the
    context checks that fail) and ``context_holding`` (the others); ``not_checkable`` (the
    derived figures); ``suggested`` (relations the draft suggested, not yet confirmed: context
    checks, never a tension in these counts) and ``suggested_failing``."""
    if isinstance(results, pd.DataFrame):
        rules = results["rule"] if "rule" in results else [""] * len(results)
        rows3 = list(zip(results["verdict"], results["counts_as"], rules))
    else:
        rows3 = [(r.verdict, r.counts_as, r.standing.rule) for r in results]
    rows = [(v, k) for v, k, _ in rows3]
    out = {"checks": len(rows)}
    for kind in COUNTS_AS:
        out[kind] = sum(k == kind for _, k in rows)
    for v in ("consistent", "within_rounding", "inconsistent"):
        out[v] = sum(vv == v and k == "evidence" for vv, k in rows)
    # a suggested relation (not confirmed by the author) that fails is shown, never counted
    out["suggested"] = sum(rule == "suggested" for _, _, rule in rows3)
    out["suggested_failing"] = sum(vv == "tension" and rule == "suggested" for vv, _, rule in rows3)
    out["tension"] = sum(vv == "tension" and rule != "suggested" for vv, _, rule in rows3)
    out["context_holding"] = out["context"] - out["tension"] - out["suggested_failing"]
    out["not_checkable"] = sum(vv == "not_checkable" for vv, _ in rows)
    if isinstance(results, pd.DataFrame):
        ids = results["discrepancy"] if "discrepancy" in results else [""] * len(rows)
    else:
        ids = [r.discrepancy for r in results]
    #: the distinct discrepancies the inconsistent checks show (each counted once)
    out["discrepancies"] = len({d for (vv, _), d in zip(rows, ids)
                                if vv == "inconsistent" and isinstance(d, str) and d})
    return out


CHECKS_COLUMNS = ("check_id", "title", "claims", "external", "verdict", "reported", "implied",
                  "assumption", "explanation", "kind", "theme", "relation", "formula",
                  "power", "band", "reconcile", "counts_as", "rule", "rule_reason",
                  "discrepancy")


def results_frame(results: Sequence[Result]) -> pd.DataFrame:
    return pd.DataFrame([r.row() for r in results], columns=list(CHECKS_COLUMNS))


def load_figures(conventions: Conventions | None = None,
                 overrides: Mapping[str, Interval] | None = None, case: object = None) -> Figures:
    """A case's figures (default: this repository's article), validated as they load.
    ``conventions`` default to the case's (the reader's, with the case's own units)."""
    from . import case as _case
    c = case if case is not None else _case.default()
    if conventions is None:
        conventions = c.conventions  # type: ignore[attr-defined]
    elif c.units:  # type: ignore[attr-defined]
        conventions = conventions.with_(units=dict(c.units))  # type: ignore[attr-defined]
    text = _data.load_article(c.article, c.meta)  # type: ignore[attr-defined]
    claims = _data.load_claims(c.claims, article=text, conventions=conventions,  # type: ignore[attr-defined]
                               meta=c.meta, section_names=c.structure.sections)  # type: ignore[attr-defined]
    external = [e for p in c.external  # type: ignore[attr-defined]
                for e in _data.load_external(p, conventions)]
    published = _dt.date.fromisoformat(_data.article_meta(c.meta)["date_published"][:10])  # type: ignore[attr-defined]
    return Figures(claims, external, overrides, published, text, c)


def build(conventions: Conventions | None = None, case: object = None) -> pd.DataFrame:
    """All checks under the given conventions, as the ``data/processed/checks.csv`` table."""
    return results_frame(run(load_figures(conventions, case=case)))


def coverage(claims: Sequence[_data.Claim], results: Sequence[Result]) -> pd.DataFrame:
    """Per claim: the checks it takes part in, and whether any of them is evidence (a checkable
    relation that is neither trivial nor a coincidence nor a tension)."""
    rows = []
    for c in claims:
        used = [r for r in results if c.id in r.check.claims]
        rows.append({"id": c.id, "checks": ";".join(r.check.check_id for r in used),
                     "checkable": any(r.counts_as == "evidence" for r in used),
                     "verdicts": ";".join(sorted({r.verdict for r in used}))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Small building blocks used by the checks
# --------------------------------------------------------------------------------------------

ONE = Interval.point(1)
HUNDRED = D(100)


def pct(iv: Interval) -> Interval:
    """A percentage interval as a growth factor: 57.84% → 1.5784."""
    return ONE + iv / HUNDRED


def eq(implied: Interval, point: Decimal, reported: Interval, reported_point: Decimal, **kw) -> Outcome:
    return Outcome("eq", implied, point, reported, reported_point, **kw)


def le(implied: Interval, point: Decimal, reported: Interval, reported_point: Decimal, **kw) -> Outcome:
    return Outcome("le", implied, point, reported, reported_point, **kw)


def ge(implied: Interval, point: Decimal, reported: Interval, reported_point: Decimal, **kw) -> Outcome:
    return Outcome("ge", implied, point, reported, reported_point, **kw)


def within(implied: Interval, reported: Interval, reported_point: Decimal, **kw) -> Outcome:
    """The reported figure must lie in the implied range (e.g. a total between two bounds)."""
    return Outcome("in", implied, implied.mid if implied.bounded else implied.lo, reported,  # type: ignore[arg-type]
                   reported_point, **kw)


def derived(implied: Interval, point: Decimal, **kw) -> Outcome:
    return Outcome("none", implied, point, **kw)


def _n(x: Decimal, places: int = 2) -> str:
    return _fmt(x, places)

