"""Exact interval arithmetic on :class:`~decimal.Decimal` numbers.

A figure reported as ``57.84%`` stands for every value that would be written that way, the
interval [57.835, 57.845].  Every relation between reported figures is therefore computed on
intervals.  Addition, subtraction and multiplication of decimals are exact (the context below has
far more digits than any figure in the article needs); division and fractional powers are not,
so their bounds are rounded *outward* (the lower bound down, the upper bound up), which keeps the
result a guaranteed enclosure of every true value.

Ends may be open or closed: ``1400多户`` is the open interval (1400, 1500), ``5.8万人以上`` has no
upper bound (``hi is None``).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

#: Working precision: far beyond what any figure here needs, so + - * are exact.
PRECISION = 60
#: Digits kept after an inexact operation (division, roots), rounded outward.
KEPT_DIGITS = 40

CONTEXT = decimal.Context(prec=PRECISION, rounding=decimal.ROUND_HALF_EVEN, traps=[
    decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])


def _ctx(rounding: str) -> decimal.Context:
    return decimal.Context(prec=KEPT_DIGITS, rounding=rounding, traps=CONTEXT.traps)


def _down(x: Decimal) -> Decimal:
    """Round an inexact result down to KEPT_DIGITS, one unit lower to cover the error."""
    y = _ctx(decimal.ROUND_FLOOR).plus(x)
    return y - _ulp(y)


def _up(x: Decimal) -> Decimal:
    y = _ctx(decimal.ROUND_CEILING).plus(x)
    return y + _ulp(y)


def _ulp(y: Decimal) -> Decimal:
    if y == 0:
        return Decimal(1).scaleb(-KEPT_DIGITS)
    return Decimal(1).scaleb(y.adjusted() - KEPT_DIGITS + 1)


def D(x: object) -> Decimal:
    """A Decimal from an int, str or Decimal (never from a float: floats carry binary noise)."""
    if isinstance(x, float):
        raise TypeError(f"refusing float {x!r}: pass a str or Decimal to keep decimals exact")
    return Decimal(x)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Interval:
    """A set of real numbers between ``lo`` and ``hi``; ``None`` means unbounded."""

    lo: Decimal | None
    hi: Decimal | None
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self) -> None:
        if self.lo is not None and self.hi is not None:
            if self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open)):
                raise ValueError(f"empty interval {self.lo}..{self.hi}")
        if self.lo is None and not self.lo_open:
            object.__setattr__(self, "lo_open", True)
        if self.hi is None and not self.hi_open:
            object.__setattr__(self, "hi_open", True)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def point(cls, x: object) -> "Interval":
        d = D(x)
        return cls(d, d)

    @classmethod
    def closed(cls, lo: object, hi: object) -> "Interval":
        return cls(D(lo), D(hi))

    # -- predicates ---------------------------------------------------------------------------
    @property
    def is_point(self) -> bool:
        return self.lo is not None and self.lo == self.hi

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def __contains__(self, x: object) -> bool:
        d = D(x)
        if self.lo is not None and (d < self.lo or (d == self.lo and self.lo_open)):
            return False
        if self.hi is not None and (d > self.hi or (d == self.hi and self.hi_open)):
            return False
        return True

    def intersects(self, other: "Interval") -> bool:
        return self.intersection(other) is not None

    def intersection(self, other: "Interval") -> "Interval | None":
        lo, lo_open = _max_lo((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_open = _min_hi((self.hi, self.hi_open), (other.hi, other.hi_open))
        if lo is not None and hi is not None:
            if lo > hi or (lo == hi and (lo_open or hi_open)):
                return None
        return Interval(lo, hi, lo_open, hi_open)

    def hull(self, other: "Interval") -> "Interval":
        """The smallest interval containing both."""
        if self.lo is None or other.lo is None:
            lo, lo_open = None, True
        elif self.lo != other.lo:
            lo, lo_open = (self.lo, self.lo_open) if self.lo < other.lo else (other.lo, other.lo_open)
        else:
            lo, lo_open = self.lo, self.lo_open and other.lo_open
        if self.hi is None or other.hi is None:
            hi, hi_open = None, True
        elif self.hi != other.hi:
            hi, hi_open = (self.hi, self.hi_open) if self.hi > other.hi else (other.hi, other.hi_open)
        else:
            hi, hi_open = self.hi, self.hi_open and other.hi_open
        return Interval(lo, hi, lo_open, hi_open)

    def is_subset(self, other: "Interval") -> bool:
        return self.intersection(other) == self

    @property
    def width(self) -> Decimal | None:
        if not self.bounded:
            return None
        return self.hi - self.lo  # type: ignore[operator]

    @property
    def mid(self) -> Decimal | None:
        if not self.bounded:
            return None
        return (self.lo + self.hi) / 2  # type: ignore[operator]

    # -- arithmetic ---------------------------------------------------------------------------
    def __add__(self, other: "Interval | object") -> "Interval":
        o = _as_interval(other)
        with decimal.localcontext(CONTEXT):
            lo = None if self.lo is None or o.lo is None else self.lo + o.lo
            hi = None if self.hi is None or o.hi is None else self.hi + o.hi
        return Interval(lo, hi, self.lo_open or o.lo_open, self.hi_open or o.hi_open)

    __radd__ = __add__

    def __neg__(self) -> "Interval":
        return Interval(None if self.hi is None else -self.hi, None if self.lo is None else -self.lo,
                        self.hi_open, self.lo_open)

    def __sub__(self, other: "Interval | object") -> "Interval":
        return self + (-_as_interval(other))

    def __rsub__(self, other: object) -> "Interval":
        return _as_interval(other) - self

    def __mul__(self, other: "Interval | object") -> "Interval":
        o = _as_interval(other)
        if not (self.bounded and o.bounded):
            return self._mul_unbounded(o)
        cands = []
        with decimal.localcontext(CONTEXT):
            for a, ao in ((self.lo, self.lo_open), (self.hi, self.hi_open)):
                for b, bo in ((o.lo, o.lo_open), (o.hi, o.hi_open)):
                    cands.append((a * b, ao or bo))  # type: ignore[operator]
        return _from_candidates(cands, exact=True)

    __rmul__ = __mul__

    def _mul_unbounded(self, o: "Interval") -> "Interval":
        # Only the case the checks need: both non-negative.
        if not (self.nonnegative and o.nonnegative):
            raise ValueError("product of unbounded intervals is only defined for non-negative ones")
        with decimal.localcontext(CONTEXT):
            lo = self.lo * o.lo  # type: ignore[operator]
            hi = None if self.hi is None or o.hi is None else self.hi * o.hi
        return Interval(lo, hi, self.lo_open or o.lo_open, self.hi_open or o.hi_open)

    @property
    def nonnegative(self) -> bool:
        return self.lo is not None and self.lo >= 0

    def __truediv__(self, other: "Interval | object") -> "Interval":
        o = _as_interval(other)
        if o.lo is None or o.lo <= 0:
            if o.hi is not None and o.hi < 0:
                return -(self / -o)
            raise ZeroDivisionError(f"divisor interval {o} contains or touches zero")
        # o strictly positive: 1/o = [1/hi, 1/lo]
        with decimal.localcontext(CONTEXT):
            inv_lo = Decimal(0) if o.hi is None else _down(Decimal(1) / o.hi)
            inv_hi = _up(Decimal(1) / o.lo)
        inv = Interval(inv_lo, inv_hi, o.hi_open, o.lo_open)
        if self.bounded:
            return self * inv
        return self._mul_unbounded(inv)

    def __rtruediv__(self, other: object) -> "Interval":
        return _as_interval(other) / self

    def __pow__(self, exponent: object) -> "Interval":
        """Power with a non-negative rational exponent of a positive interval (monotone)."""
        e = D(exponent) if not isinstance(exponent, Decimal) else exponent
        if e < 0:
            return Interval.point(1) / (self ** -e)
        if self.lo is None or self.lo <= 0:
            raise ValueError(f"power needs a positive base, got {self}")
        with decimal.localcontext(CONTEXT):
            if e == e.to_integral_value():
                lo = self.lo ** int(e)
                hi = None if self.hi is None else self.hi ** int(e)
                return Interval(lo, hi, self.lo_open, self.hi_open)
            lo = _down(self.lo ** e)
            hi = None if self.hi is None else _up(self.hi ** e)
        return Interval(lo, hi, self.lo_open, self.hi_open)

    def ln(self) -> "Interval":
        if self.lo is None or self.lo <= 0:
            raise ValueError(f"log needs a positive interval, got {self}")
        with decimal.localcontext(CONTEXT):
            lo = _down(self.lo.ln())
            hi = None if self.hi is None else _up(self.hi.ln())
        return Interval(lo, hi, self.lo_open, self.hi_open)

    # -- display ------------------------------------------------------------------------------
    def format(self, places: int = 2, scale: Decimal | int = 1, suffix: str = "") -> str:
        """Human-readable form, e.g. ``[57.835, 57.845]``, ``(1400, 1500)``, ``[57500, ∞)``.

        Bounds are divided by ``scale`` and shown with ``places`` decimals, the lower bound
        rounded down and the upper bound rounded up, so the display never understates the set.
        """
        sc = D(scale)

        def show(x: Decimal | None, rounding: str, inf: str) -> str:
            if x is None:
                return inf
            q = Decimal(1).scaleb(-places)
            v = (x / sc).quantize(q, rounding=rounding)
            return f"{v}{suffix}"

        if self.is_point:
            return show(self.lo, decimal.ROUND_HALF_UP, "")
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        return (f"{left}{show(self.lo, decimal.ROUND_FLOOR, '-∞')}, "
                f"{show(self.hi, decimal.ROUND_CEILING, '∞')}{right}")

    def __str__(self) -> str:
        """Exact bounds, without trailing zeros or exponents."""
        if self.is_point:
            return plain(self.lo)
        lo = "-∞" if self.lo is None else plain(self.lo)
        hi = "∞" if self.hi is None else plain(self.hi)
        return f"{'(' if self.lo_open else '['}{lo}, {hi}{')' if self.hi_open else ']'}"


def plain(x: Decimal) -> str:
    """A Decimal in plain positional notation without trailing zeros: 2.2350E+8 -> '223500000'."""
    s = format(x.normalize(), "f")
    return s


def _as_interval(x: object) -> Interval:
    return x if isinstance(x, Interval) else Interval.point(x)


def _from_candidates(cands: Iterable[tuple[Decimal, bool]], exact: bool) -> Interval:
    cs = list(cands)
    lo = min(v for v, _ in cs)
    hi = max(v for v, _ in cs)
    lo_open = all(o for v, o in cs if v == lo)
    hi_open = all(o for v, o in cs if v == hi)
    return Interval(lo, hi, lo_open, hi_open)


def _max_lo(a: tuple[Decimal | None, bool], b: tuple[Decimal | None, bool]) -> tuple[Decimal | None, bool]:
    if a[0] is None:
        return b
    if b[0] is None:
        return a
    if a[0] != b[0]:
        return a if a[0] > b[0] else b
    return a[0], a[1] or b[1]


def _min_hi(a: tuple[Decimal | None, bool], b: tuple[Decimal | None, bool]) -> tuple[Decimal | None, bool]:
    if a[0] is None:
        return b
    if b[0] is None:
        return a
    if a[0] != b[0]:
        return a if a[0] < b[0] else b
    return a[0], a[1] or b[1]
