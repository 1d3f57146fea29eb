"""What if the article had written another figure?  Re-run every check with some figures
replaced, *as the article would write them*, and compare the verdicts.  Nothing is written.

    >>> from debao_audit import what_if
    >>> what_if({"rural_income_growth_annual": "9.56%"}).head(1)   # doctest: +SKIP

A replacement is read by the same reader as the article's figures
(:func:`debao_audit.written.read`, with the claim's own unit), so ``近180名``, ``5.8万人以上``
or ``2.3亿元`` mean here exactly what they would mean in ``data/claims.csv``.  The data files
are only read: the overrides live in a :class:`~debao_audit.checks.Figures` object
(:meth:`~debao_audit.checks.Figures.with_overrides`).
"""

from __future__ import annotations

import decimal
import difflib
import re
import weakref
from decimal import Decimal
from typing import Iterable, Mapping, Union

import pandas as pd

from . import checks
from .written import DEFAULT, Conventions, Reading, ReadError, read

#: Columns of the table :func:`what_if` returns.
COLUMNS = ("check_id", "title", "before", "after", "changed", "reported", "implied")


class WhatIfError(Exception):
    """Why a what-if is refused: one line naming the id, the value and the reason.  Every
    input to :func:`what_if` ends in its table or in one of these (never another exception)."""

    def __str__(self) -> str:  # a KeyError subclass would quote the message
        text = str(self.args[0]) if self.args else ""
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)  # one line


def shown(written: object) -> str:
    """A value as typed, quoted when it has spaces or unprintable characters at its ends."""
    text = str(written)
    return text if text.isprintable() and text == text.strip() and text else repr(text)


class UnknownFigure(WhatIfError, KeyError):
    """An override names no claim and no external figure."""

    def __init__(self, key: str, known: list[str]):
        self.key = key
        self.closest = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
        hint = (f"; closest: {', '.join(self.closest)}" if self.closest
                else "; see the id column of data/claims.csv and data/external/")
        super().__init__(f"no claim or external figure with id {key!r}{hint}")


class DuplicateFigure(WhatIfError, ValueError):
    """The same id given twice: which of the two figures was meant is not ours to guess."""

    def __init__(self, key: str, values: list[str]):
        self.key = key
        super().__init__(f"{key} is given more than once ({', '.join(f'{key}={v}' for v in values)});"
                         " give each figure once")


class RefusedFigure(WhatIfError, ValueError):
    """A figure the reader can read but the checks cannot take: a zero population, a fall of
    100% or more, an incidence outside 0-100%, a number beyond the what-if's range."""

    def __init__(self, key: str, written: str, reason: str):
        self.key, self.written, self.reason = key, written, reason
        given = f"{key}={shown(written)}" if written else key   # "" : key names the pairs
        super().__init__(f"{given}: refused: {reason}")


#: Overrides: a mapping, ``(id, written)`` pairs, or ``"id=written"`` strings (as typed on the
#: command line; one string alone is one override), in which an id given twice is an error
#: rather than silently the last one.
Overrides = Union[Mapping[str, str], str, Iterable[Union[str, tuple[str, str]]]]


def _pair(item: object) -> tuple[str, str]:
    if isinstance(item, str):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UnreadableFigure(
                f"{item!r}: expected ID=WRITTEN, e.g. rural_income_growth_annual=9.56%")
        return key.strip(), value.strip()
    if isinstance(item, tuple) and len(item) == 2:
        return str(item[0]), str(item[1])
    raise UnreadableFigure(f"{item!r}: expected ID=WRITTEN or an (id, written) pair")


def as_mapping(overrides: Overrides) -> dict[str, str]:
    """The overrides as a dict; :class:`DuplicateFigure` if an id is given twice."""
    if isinstance(overrides, Mapping):
        pairs = [(str(k), str(v)) for k, v in overrides.items()]
    elif isinstance(overrides, str):
        pairs = [_pair(overrides)]
    else:
        pairs = [_pair(item) for item in overrides]
    if not pairs:
        raise UnreadableFigure("no figure given: expected ID=WRITTEN, "
                               "e.g. rural_income_growth_annual=9.56%")
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateFigure(key, [v for k, v in pairs if k == key])
        out[key] = value
    return out


class UnreadableFigure(WhatIfError, ValueError):
    """An override the reader cannot read (the reader's own reason is kept)."""


def read_overrides(overrides: Overrides, figures: checks.Figures,
                   conventions: Conventions = DEFAULT) -> dict[str, Reading]:
    """Each override read as its figure would be: with that figure's unit."""
    overrides = as_mapping(overrides)
    known = sorted({*figures.claims, *figures.external})
    out = {}
    for key, written in overrides.items():
        if key in figures.claims:
            unit = figures.claims[key].unit
        elif key in figures.external:
            unit = figures.external[key].unit
        else:
            raise UnknownFigure(key, known)
        try:
            out[key] = read(str(written), unit, conventions)
        except ReadError as e:
            raise UnreadableFigure(f"{key}={shown(written)}: {e}") from None
        except ArithmeticError:  # a numeral the reader's arithmetic cannot hold
            raise RefusedFigure(key, written, _BEYOND) from None
        reason = refusal(key, out[key], figures)
        if reason:
            raise RefusedFigure(key, written, reason)
    return out


#: The largest magnitude (in base units) a replacement may have: far above any figure here
#: (the largest, a national income total, is below 10^12) and well inside the precision of
#: the checks' decimal arithmetic and of the formatter.
LIMIT = Decimal(10) ** 15
_BEYOND = "a number beyond the what-if's range (figures must stay below 10^15 in base units)"


def kind(key: str, figures: checks.Figures) -> str:
    """What a figure measures, as the domain rules need it: ``change`` (a growth rate),
    ``rate`` (an incidence or a share, 0-100%), ``date``, or ``amount`` (counts and money)."""
    if key in figures.claims:
        unit, measure = figures.claims[key].unit, figures.claims[key].measure
    else:
        e = figures.external[key]
        unit = e.unit
        measure = "change" if "change" in e.indicator else "rate"
    if unit == "date":
        return "date"
    if unit == "percent":
        return "change" if measure == "change" else "rate"
    return "amount"


def refusal(key: str, reading: Reading, figures: checks.Figures) -> str:
    """Why a readable figure cannot stand for ``key`` ("" if it can)."""
    k = kind(key, figures)
    if k == "date":
        return ""
    iv = reading.interval
    ends = [x for x in (reading.value, iv.lo, iv.hi) if x is not None]
    if any(abs(x) >= LIMIT for x in ends):
        return _BEYOND
    if k == "change" and (iv.lo is None or iv.lo <= -100):
        return ("a fall of 100% or more leaves nothing (or less than nothing) to grow from; "
                "a growth rate must stay above -100%")
    if k == "rate" and (reading.value < 0 or reading.value > 100):
        return "an incidence or a share is a part of a whole: between 0% and 100%"
    return ""


def _reason(e: Exception) -> str:
    if isinstance(e, (ZeroDivisionError, decimal.DivisionByZero, decimal.DivisionUndefined)):
        return "it would divide by zero"
    if isinstance(e, ArithmeticError):
        return "its arithmetic has no finite result"
    return str(e) or type(e).__name__


def _run_guarded(base: checks.Figures, readings: Mapping[str, Reading],
                 overrides: Mapping[str, str]) -> list[checks.Result]:
    """Run the checks on ``base`` with ``readings``; a check that cannot be computed with the
    replaced figures becomes a :class:`RefusedFigure` naming the figure (tried one by one when
    several were given)."""
    figures = base.with_overrides(readings)
    try:
        return checks.run(figures, with_discrepancies=False)   # the table shows none
    except (ArithmeticError, ValueError) as e:
        failed = _failing_check(figures)
        # one figure alone is the culprit of the run that just failed (no need to run it again)
        culprit = (next(iter(overrides)) if len(overrides) == 1 else
                   next((k for k in overrides if _fails(base, {k: readings[k]})), None))
        what = (f"check {failed} cannot be computed with it" if failed
                else "the checks cannot be computed with it")
        if all(kind(k, base) == "change" for k in overrides):
            # a growth rate of 0% (or any change) is a scenario: every check that can be
            # computed gets its verdict; one that cannot says so
            return _one_by_one(figures)
        if culprit:
            raise RefusedFigure(culprit, overrides[culprit], f"{what}: {_reason(e)}") from None
        # no figure alone: the combination is refused, every figure named
        pairs = ", ".join(f"{k}={shown(v)}" for k, v in overrides.items())
        raise RefusedFigure(pairs, "", f"together, {what}: {_reason(e)}") from None


class NotComputed:
    """A check that cannot be computed with the replaced figures (e.g. a ratio of two growth
    rates when one is 0%): its verdict is ``not_checkable`` and it says why."""

    def __init__(self, check: checks.Check, reason: str):
        self.check, self.reason, self.verdict = check, reason, "not_checkable"

    def row(self) -> dict[str, str]:
        return {"reported": "", "implied": f"cannot be computed at this value: {self.reason}"}


def _one_by_one(figures: checks.Figures) -> list:
    """Every check run on its own: its result, or :class:`NotComputed` with the reason."""
    out: list = []
    for cid, c in checks.REGISTRY.items():
        try:
            out += checks.run(figures, {cid: c}, with_discrepancies=False)
        except (ArithmeticError, ValueError) as e:
            out.append(NotComputed(c, _reason(e)))
    return out


#: How far (a power of ten) from the article's figure a replacement reads as a unit slip, and
#: what it would be.
UNIT_SLIPS = {4: "万 (10,000)", 2: "100 (percent vs a fraction)", 8: "亿 (10^8)"}


def unit_slips(overrides: Mapping[str, str], readings: Mapping[str, Reading],
               figures: checks.Figures) -> list[str]:
    """A note for each replacement within a few percent of the article's figure times or
    divided by 10^4, 10^2 or 10^8: likely a unit slip (``36.8`` for ``36.8万``), read as
    written all the same."""
    notes = []
    for key, r in readings.items():
        was = figures.claims[key] if key in figures.claims else None
        if was is None or r.value is None or was.number in (None, 0) or r.value == 0:
            continue
        if kind(key, figures) == "date":
            continue
        ratio = abs(Decimal(r.value) / Decimal(was.number))
        for power, what in UNIT_SLIPS.items():
            for f, word in ((Decimal(10) ** -power, "smaller"), (Decimal(10) ** power, "larger")):
                if abs(ratio / f - 1) <= Decimal("0.05"):
                    notes.append(f"{key}={shown(overrides[key])} is about {what} times {word} "
                                 f"than the article's {was.written}: a unit slip? It is read as "
                                 "written.")
    return notes


def _failing_check(figures: checks.Figures) -> str:
    for cid, c in checks.REGISTRY.items():
        try:
            checks.run(figures, {cid: c})
        except (ArithmeticError, ValueError):
            return cid
    return ""


def _fails(base: checks.Figures, reading: Mapping[str, Reading]) -> bool:
    try:
        checks.run(base.with_overrides(reading), with_discrepancies=False)
    except (ArithmeticError, ValueError):
        return True
    return False


#: A rhetorical title: a statement, then ", but …?" doubting it (``{a} experts, but {b} in all?``).
_DOUBT = re.compile(r"^(?P<first>.+?),\s*but\s+(?P<second>.+?)\?$")


def worded_title(template: str, written: Mapping[str, str], verdict: str, tension: bool) -> str:
    """A check's title filled with the figures as written, worded for its verdict.

    A check has one title template; a rhetorical one (``"…, but …?"``) voices the doubt the
    check exists to test, which is right while the check fails or is in tension, and false once
    the figures agree.  Then the doubt is dropped and the two statements are put side by side
    (``"近130名 medical experts; 134人 professionals in all"``).  Other titles are neutral already."""
    title = template.format_map(written)
    m = _DOUBT.match(title)
    if m and verdict != "inconsistent" and not tension:
        return f"{m['first']}; {m['second']}"
    return title


def _titles(results: list[checks.Result], written: Mapping[str, str]) -> list[str]:
    return [worded_title(r.check.title, written, r.verdict, bool(getattr(r, "tension", False)))
            if r.check.title else r.check.check_id for r in results]


#: The verdicts before any override, per :class:`~debao_audit.checks.Figures` object: they
#: depend on those figures alone, so a session asking many what-ifs of the same figures (a
#: notebook's "Try it" cell, a bisection, the tests) runs them once.  Weak keys: the entry goes
#: with its figures.  A new ``load_figures`` (``figures=None``) is a new key, so edited data are
#: always read afresh.
_BEFORE: "weakref.WeakKeyDictionary[checks.Figures, list[checks.Result]]" = weakref.WeakKeyDictionary()


def _before(base: checks.Figures) -> list[checks.Result]:
    """``checks.run(base)``, once per figures object."""
    try:
        return _BEFORE[base]
    except KeyError:
        _BEFORE[base] = results = checks.run(base, with_discrepancies=False)
        return results


def what_if(overrides: Overrides, conventions: Conventions = DEFAULT,
            figures: checks.Figures | None = None, case: object = None) -> pd.DataFrame:
    """Every check's verdict before and after replacing figures, changed verdicts first.

    ``overrides`` maps a claim id (or an external figure's id) to the figure as the article
    would write it, e.g. ``{"rural_income_growth_annual": "9.56%"}``.  Returns a DataFrame with
    columns ``check_id, title, before, after, changed, reported, implied`` (the last two: the
    check's figures after the change), one row per check, changed rows first, each group in the
    registry's order.  ``overrides`` may also be ``(id, written)`` pairs or ``"id=written"``
    strings (``what_if("medical_experts=近130名")``); an id given twice raises
    :class:`DuplicateFigure`.  Every refusal is a :class:`WhatIfError`: :class:`UnknownFigure`
    (with the closest ids), :class:`UnreadableFigure` (with the reader's reason) or
    :class:`RefusedFigure` (readable, but impossible for this figure: a zero population, a
    fall of 100% or more, an incidence outside 0-100%, a number beyond the range).  A growth
    rate that leaves a check uncomputable (0%) is a scenario, not a refusal: that check's
    ``after`` is ``not_checkable`` and its ``implied`` says why.  ``table.attrs["notes"]``:
    a line for each figure about 10^4, 100 or 10^8 times the article's (a likely unit slip,
    read as written).  Reads
    the data; writes nothing.  ``case``: another article's case folder
    (:func:`debao_audit.case.load`); default this repository's."""
    overrides = as_mapping(overrides)
    base = figures if figures is not None else checks.load_figures(conventions, case=case)
    readings = read_overrides(overrides, base, conventions)
    before = _before(base)
    after = _run_guarded(base, readings, overrides)
    written = {k: c.written for k, c in base.claims.items()}
    written.update({k: r.raw for k, r in readings.items()})
    rows = []
    for b, a, title in zip(before, after, _titles(after, written)):
        row = a.row()
        rows.append({"check_id": b.check.check_id, "title": title, "before": b.verdict,
                     "after": a.verdict, "changed": b.verdict != a.verdict,
                     "reported": row["reported"], "implied": row["implied"]})
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    order = (~table["changed"]).astype(int).argsort(kind="stable")
    table = table.iloc[order].reset_index(drop=True)
    table.attrs["notes"] = unit_slips(overrides, readings, base)
    return table
