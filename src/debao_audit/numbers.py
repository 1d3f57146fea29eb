"""The one number formatter, shared by the checks table, the figures and the page.

* :func:`number`: a derived number rounded half up to a fixed number of decimals, with
  thousands separators and a true minus sign, never float noise;
* :func:`bound`: an interval's end, rounded outward (floor for a lower end, ceiling for an upper
  end) so that a displayed interval never understates the set;
* :func:`group_written`: a figure as the article writes it, only its digits grouped.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

D = Decimal
MINUS = "\N{MINUS SIGN}"


def number(x: Any, places: int = 0, *, sign: bool = False, rounding: str = ROUND_HALF_UP) -> str:
    """*x* rounded (half up unless told) to *places* decimals, with thousands separators and a
    true minus.

    ``sign=True`` writes a ``+`` before a positive number.  Floats are taken through their
    shortest repr (plot coordinates); figures themselves are Decimals."""
    if not isinstance(x, (Decimal, int)):
        x = float(x)  # numpy scalars, plot coordinates
        if math.isnan(x) or math.isinf(x):
            raise ValueError(f"cannot format {x!r} as a number")
        x = D(repr(x))
    x = D(x)
    if not x.is_finite():
        raise ValueError(f"cannot format {x!r} as a number")
    with localcontext() as ctx:  # every digit the rounding keeps (any decimal that can be read)
        ctx.prec = max(ctx.prec, x.adjusted() + places + 2)
        ctx.Emax, ctx.Emin = max(ctx.Emax, x.adjusted() + 2), min(ctx.Emin, -places - 2)
        q = x.quantize(D(1).scaleb(-places), rounding=rounding)
    text = f"{abs(q):,.{places}f}"
    if q < 0 and q != 0:
        return MINUS + text
    return ("+" + text) if sign and q > 0 else text


def bound(x: Decimal, places: int, upper: bool) -> str:
    """An interval's end, rounded outward: a lower end down, an upper end up."""
    return number(x, places, rounding=ROUND_CEILING if upper else ROUND_FLOOR)


_NUMERAL = re.compile(r"(?<![\d.])(\d+)(\.\d+)?")


def group_written(raw: str) -> str:
    """A figure as written, with its first numeral's thousands grouped like :func:`number`.

    Only the grouping changes: decimals, qualifiers and measure words stay as written
    (``6102万元`` → ``6,102万元``, ``9.56%`` → ``9.56%``, ``近200名`` → ``近200名``)."""
    m = _NUMERAL.search(raw)
    if not m:
        return raw
    whole = f"{int(m.group(1)):,}" if len(m.group(1)) > 3 else m.group(1)
    return raw[:m.start()] + whole + (m.group(2) or "") + raw[m.end():]


def pct(x: Any, places: int = 2, *, sign: bool = False) -> str:
    """A percentage: ``number(x) + "%"``."""
    return number(x, places, sign=sign) + "%"


def pp(x: Any, places: int = 2) -> str:
    """A difference of percentages, in percentage points."""
    return number(x, places, sign=True) + " pp"


_ISO = re.compile(r"(?<![\d-])(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?![\d-])")


def zh_date(iso: str) -> str:
    """An ISO date, month or year written the Chinese way: ``2020-05-09`` → ``2020年5月9日``,
    ``2016-09`` → ``2016年9月``, ``2020`` → ``2020年`` (what :func:`written.read_date` reads
    back as the same date)."""
    parts = iso.split("-")
    return "".join(f"{int(p) if i else p}{lab}" for i, (p, lab) in enumerate(zip(parts, "年月日")))


def zh_dates(text: str) -> str:
    """Every ISO date (``YYYY-MM-DD``) or month (``YYYY-MM``) in *text* written the Chinese
    way (:func:`zh_date`); a span of years (``2015-2020``) and everything else are left alone."""
    return _ISO.sub(lambda m: zh_date(m.group(0)), text)
