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

import difflib
import re
from typing import Iterable, Mapping, Union

import pandas as pd

from . import checks
from .written import DEFAULT, Conventions, Reading, ReadError, read

#: Columns of the table :func:`what_if` returns.
COLUMNS = ("check_id", "title", "before", "after", "changed", "reported", "implied")


class UnknownFigure(KeyError):
    """An override names no claim and no external figure."""

    def __init__(self, key: str, known: list[str]):
        self.key = key
        self.closest = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
        hint = (f"; closest: {', '.join(self.closest)}" if self.closest
                else "; see the id column of data/claims.csv and data/external/")
        super().__init__(f"no claim or external figure with id {key!r}{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class DuplicateFigure(ValueError):
    """The same id given twice: which of the two figures was meant is not ours to guess."""

    def __init__(self, key: str, values: list[str]):
        self.key = key
        super().__init__(f"{key} is given more than once ({', '.join(f'{key}={v}' for v in values)});"
                         " give each figure once")


#: Overrides: a mapping, or ``(id, written)`` pairs (as typed on the command line), in which an
#: id given twice is an error rather than silently the last one.
Overrides = Union[Mapping[str, str], Iterable[tuple[str, str]]]


def as_mapping(overrides: Overrides) -> dict[str, str]:
    """The overrides as a dict; :class:`DuplicateFigure` if an id is given twice."""
    pairs = list(overrides.items()) if isinstance(overrides, Mapping) else list(overrides)
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateFigure(key, [v for k, v in pairs if k == key])
        out[key] = value
    return out


class UnreadableFigure(ValueError):
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
            raise UnreadableFigure(f"{key}={written}: {e}") from None
    return out


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


def what_if(overrides: Overrides, conventions: Conventions = DEFAULT,
            figures: checks.Figures | None = None, case: object = None) -> pd.DataFrame:
    """Every check's verdict before and after replacing figures, changed verdicts first.

    ``overrides`` maps a claim id (or an external figure's id) to the figure as the article
    would write it, e.g. ``{"rural_income_growth_annual": "9.56%"}``.  Returns a DataFrame with
    columns ``check_id, title, before, after, changed, reported, implied`` (the last two: the
    check's figures after the change), one row per check, changed rows first, each group in the
    registry's order.  ``overrides`` may also be ``(id, written)`` pairs; an id given twice
    raises :class:`DuplicateFigure`.  Raises :class:`UnknownFigure` (with the closest ids) or
    :class:`UnreadableFigure` (with the reader's reason).  ``case``: another article's case
    folder (:func:`debao_audit.case.load`); default this repository's.  Reads the data; writes
    nothing."""
    overrides = as_mapping(overrides)
    base = figures if figures is not None else checks.load_figures(conventions, case=case)
    readings = read_overrides(overrides, base, conventions)
    before = checks.run(base)
    after = checks.run(base.with_overrides(readings))
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
    return table.iloc[order].reset_index(drop=True)
