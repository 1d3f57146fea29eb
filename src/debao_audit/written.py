"""Reading numbers as the article writes them.

``read("2.24亿元")`` gives the raw text, the exact value in base units (224000000 yuan), the
decimals written, the qualifier and the *interval* the written figure stands for.  The reading
conventions live in one place, :class:`Conventions`, so a notebook can vary them (how wide is
"近"? are round integer counts exact?) and see which verdicts move.

Why not a library for all of it?  We looked at the two Chinese number parsers on PyPI:

* **cn2an** converts Chinese numerals (``五`` → 5, ``三`` → 3) well and is small and pure Python,
  so it reads the Chinese-numeral quantities here.  But for Arabic figures with 万/亿 it returns
  an ``int``/``float`` (``cn2an("1.10万")`` → ``11000``), dropping the written decimals, which are
  information (``1.10万`` is rounded to the 100-yuan place, ``1.1万`` to the 1000); and it rejects
  the qualifiers ``多 余 近 以上 超过`` and ``%``.
* **jionlp** (``parse_money``) reads money with 多/余 as a range (``200余万元`` → [200万, 300万],
  the same reading as ours), but only money: it refuses ``1400多户`` or ``5.8万人以上``, rounds
  to two decimals, and installs ~70 MB with dictionaries we do not need.

So the Arabic-figure reader below is written by hand on :mod:`decimal`, and cn2an is used for
Chinese numerals.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

import cn2an

from .interval import D, Interval

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------

#: Scale characters and their factors.
SCALES: dict[str, int] = {"万": 10**4, "亿": 10**8}

#: Base units used in data/claims.csv and data/external/, with an English description.
UNITS: dict[str, str] = {
    "yuan": "renminbi yuan (元), nominal",
    "percent": "percent (%), or percentage of a whole",
    "person": "persons (人, 名)",
    "person_time": "person-times (人次): one person counted once per occasion",
    "household": "households (户)",
    "village": "administrative villages (村)",
    "county": "counties (县)",
    "township": "townships (乡、镇)",
    "project": "projects (个项目)",
    "event": "events such as job fairs or exchanges (场, 次)",
    "session": "training sessions (期)",
    "post": "jobs or posts (个岗位)",
    "facility": "facilities such as clinics (个卫生院/卫生室)",
    "subdistrict": "urban sub-districts (街道)",
    "community": "urban residential communities (社区)",
    "enterprise": "enterprises (家企业)",
    "pair": "pairings (对)",
    "batch": "batches of donations (批次)",
    "item": "individual items, e.g. masks (个口罩)",
    "year": "years (年)",
    "level": "administrative levels (级)",
    "date": "a calendar date or month, stored as ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)",
}

#: Which base units a measure word written after the number admits.
MEASURE_WORDS: dict[str, frozenset[str]] = {
    "元": frozenset({"yuan"}),
    "%": frozenset({"percent"}),
    "人次": frozenset({"person_time"}),
    "人": frozenset({"person"}),
    "名": frozenset({"person"}),
    "户": frozenset({"household"}),
    "个": frozenset({"county", "township", "village", "project", "post", "facility", "subdistrict", "community", "item"}),
    "场": frozenset({"event"}),
    "次": frozenset({"event"}),
    "期": frozenset({"session"}),
    "家": frozenset({"enterprise"}),
    "对": frozenset({"pair"}),
    "批次": frozenset({"batch"}),
    "年": frozenset({"year"}),
    "级": frozenset({"level"}),
    "": frozenset(UNITS) - {"date"},  # a bare number (e.g. "3800贫困人口"): the row decides
}

#: Units whose integers are measurements rounded to the last digit (money, percentages) rather
#: than exact counts.
MEASURED_UNITS = frozenset({"yuan", "percent"})

QUALIFIERS = {
    "多": "more_than_below_next_step",
    "余": "more_than_below_next_step",
    "近": "nearly",
    "以上": "at_least",
    "超过": "more_than",
}


@dataclass(frozen=True)
class Conventions:
    """How a written figure is turned into an interval.  Change these to test a reading.

    * ``near_band``: ``近N`` is read as [N·(1 − near_band), N), a little under N.
    * ``exact_integer_counts``: an integer count written without a scale (``102207户``,
      ``7200人次``) is exact.  Set False to read round counts as rounded at their last
      non-zero digit (``7200`` → [7150, 7250)).
    * ``percent_cap``: the upper bound given to a share with no upper bound (``超过70%``).
    """

    near_band: Decimal = Decimal("0.05")
    exact_integer_counts: bool = True
    percent_cap: Decimal | None = Decimal(100)

    def with_(self, **kw: object) -> "Conventions":
        return replace(self, **kw)  # type: ignore[arg-type]


DEFAULT = Conventions()


class ReadError(ValueError):
    """A written figure the reader cannot read."""


@dataclass(frozen=True)
class Reading:
    """What a written figure says."""

    raw: str                 #: the figure as written, e.g. "200余万元"
    digits: str              #: the numeral as written, e.g. "200", "2.24", "五"
    value: Decimal           #: the written number in base units (for dates: an ordinal day)
    unit_word: str           #: the measure word written after it ("元", "%", "人次", "")
    decimals: int            #: decimals written in the numeral (trailing zeros count)
    scale: int               #: 1, 10**4 (万) or 10**8 (亿)
    qualifier: str | None    #: a key of QUALIFIERS' values, or None
    exact: bool              #: an exact count (no rounding implied)
    interval: Interval       #: every value that would be written this way
    iso: str | None = None   #: for dates: the ISO form
    notes: tuple[str, ...] = field(default=())

    @property
    def canonical(self) -> str:
        """The figure rebuilt from its parts (numeral, scale, qualifier, measure word)."""
        scale = {v: k for k, v in SCALES.items()}.get(self.scale, "")
        pre = {"nearly": "近", "more_than": "超过"}.get(self.qualifier or "", "")
        post = "多" if self.qualifier == "more_than_below_next_step" else ""
        tail = "以上" if self.qualifier == "at_least" else ""
        return f"{pre}{self.digits}{scale}{post}{self.unit_word}{tail}"

    @property
    def step(self) -> Decimal:
        """Place value of the last written digit, in base units."""
        return Decimal(1).scaleb(-self.decimals) * self.scale


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUMBER_RE = re.compile(
    r"^(?P<pre>近|超过)?"
    r"(?P<num>\d+(?:\.\d+)?|[" + _CN_DIGITS + r"]+)"
    r"(?P<scale1>万|亿)?"
    r"(?P<post>多|余)?"
    r"(?P<scale2>万|亿)?"
    r"(?P<unit>人次|批次|元|%|人|名|户|个|场|次|期|家|对|年|级)?"
    r"(?P<tail>以上)?$"
)
_DATE_RE = re.compile(r"^(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?$")


def read(raw: str, unit: str | None = None, conventions: Conventions = DEFAULT) -> Reading:
    """Read one written figure.  ``unit`` (a key of :data:`UNITS`) decides the rounding of
    bare integers (money and percentages are rounded measurements, counts are exact) and must
    agree with the measure word.  Raises :class:`ReadError` with the reason."""
    text = raw.strip()
    if unit == "date" or (unit is None and _DATE_RE.match(text)):
        return read_date(text)
    m = _NUMBER_RE.match(text)
    if not m:
        raise ReadError(f"cannot read {raw!r} as a number as written "
                        "(expected e.g. '2.24亿元', '1400多户', '近200名', '5.8万人以上', '五年')")
    if m["scale1"] and m["scale2"]:
        raise ReadError(f"{raw!r} has two scales")
    word = m["unit"] or ""
    if unit is not None:
        if unit not in UNITS:
            raise ReadError(f"unknown unit {unit!r}; expected one of {sorted(UNITS)}")
        if unit not in MEASURE_WORDS[word]:
            raise ReadError(f"{raw!r} is written with {word or 'no measure word'!r}, "
                            f"which does not fit unit {unit!r} (fits {sorted(MEASURE_WORDS[word])})")
    num = m["num"]
    if num[0].isdigit():
        number = D(num)
        decimals = len(num.split(".")[1]) if "." in num else 0
    else:
        try:
            number = D(int(cn2an.cn2an(num, "normal")))
        except ValueError as e:
            raise ReadError(f"cannot read the Chinese numeral {num!r} in {raw!r}: {e}") from None
        decimals = 0
    scale = SCALES.get(m["scale1"] or m["scale2"] or "", 1)
    value = _tidy(number * scale)
    step = Decimal(1).scaleb(-decimals) * scale
    effective_unit = unit or _unit_guess(word)
    measured = effective_unit in MEASURED_UNITS or scale > 1 or decimals > 0
    exact = not measured and conventions.exact_integer_counts
    if number == 0:
        exact = True  # "降至0": none at all; a rounding interval would reach below zero

    pre, post, tail = m["pre"], m["post"], m["tail"]
    qualifier = QUALIFIERS.get(pre or post or tail or "")
    if sum(bool(x) for x in (pre, post, tail)) > 1:
        raise ReadError(f"{raw!r} has more than one qualifier")

    if exact:
        rounded = Interval(value, value)
    elif not measured:
        # a round count read as rounded at its last non-zero digit
        rounded = _half_step(value, _significant_step(number, 0) * scale)
    else:
        rounded = _half_step(value, step)

    if qualifier == "more_than_below_next_step":
        # 1400多 → (1400, 1500); 200余万 → (200万, 300万); 20余 → (20, 30)
        s = _significant_step(number, decimals) * scale
        interval = Interval(value, value + s, lo_open=True, hi_open=True)
    elif qualifier == "nearly":
        interval = Interval(value * (1 - conventions.near_band), value, hi_open=True)
    elif qualifier == "at_least":
        interval = Interval(rounded.lo, _cap(effective_unit, conventions), lo_open=rounded.lo_open)
    elif qualifier == "more_than":
        interval = Interval(value, _cap(effective_unit, conventions), lo_open=True)
    else:
        interval = rounded
    return Reading(raw=raw, digits=num, value=value, unit_word=word, decimals=decimals,
                   scale=scale, qualifier=qualifier, exact=exact and qualifier is None,
                   interval=interval)


def read_date(raw: str) -> Reading:
    """``2016年9月`` → the interval of its days, as proleptic ordinals (``date.toordinal()``)."""
    m = _DATE_RE.match(raw.strip())
    if not m:
        raise ReadError(f"cannot read {raw!r} as a date (expected 'YYYY年', 'YYYY年M月' or 'YYYY年M月D日')")
    y = int(m["y"])
    try:
        if m["d"]:
            first = last = _dt.date(y, int(m["m"]), int(m["d"]))
            iso = first.isoformat()
        elif m["m"]:
            mo = int(m["m"])
            first = _dt.date(y, mo, 1)
            last = (_dt.date(y + (mo == 12), mo % 12 + 1, 1) - _dt.timedelta(days=1))
            iso = f"{y:04d}-{mo:02d}"
        else:
            first, last = _dt.date(y, 1, 1), _dt.date(y, 12, 31)
            iso = f"{y:04d}"
    except ValueError as e:
        raise ReadError(f"{raw!r} is not a calendar date: {e}") from None
    return Reading(raw=raw, digits=raw, value=D(first.toordinal()), unit_word="", decimals=0,
                   scale=1, qualifier=None, exact=first == last,
                   interval=Interval(D(first.toordinal()), D(last.toordinal())), iso=iso)


def iso_to_interval(iso: str) -> Interval:
    """The day interval of an ISO date, month or year (as in the claims' ``value`` column)."""
    parts = iso.split("-")
    labels = ["年", "月", "日"]
    return read_date("".join(f"{int(p)}{lab}" if i else f"{p}{lab}"
                             for i, (p, lab) in enumerate(zip(parts, labels)))).interval


def ordinal_to_date(x: Decimal) -> _dt.date:
    return _dt.date.fromordinal(int(x))


def _tidy(x: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form: 224000000.00 → 224000000."""
    if x == x.to_integral_value():
        return x.quantize(Decimal(1))
    return x.normalize()


def _half_step(value: Decimal, step: Decimal) -> Interval:
    """Half-up rounding (四舍五入) at ``step``: [v − step/2, v + step/2).

    The upper end is open: a value exactly at v + step/2 rounds up to the next figure."""
    half = step / 2
    return Interval(value - half, value + half, hi_open=True)


def _significant_step(number: Decimal, decimals: int) -> Decimal:
    """The place value of the last significant digit: 1400 → 100, 20 → 10, 5.8 → 0.1, 7 → 1."""
    if decimals > 0:
        return Decimal(1).scaleb(-decimals)
    n = int(number)
    if n == 0:
        return Decimal(1)
    k = 0
    while n % 10 == 0:
        n //= 10
        k += 1
    return Decimal(10) ** k


def _cap(unit: str | None, conventions: Conventions) -> Decimal | None:
    return conventions.percent_cap if unit == "percent" else None


def _unit_guess(word: str) -> str | None:
    units = MEASURE_WORDS.get(word, frozenset())
    return next(iter(units)) if len(units) == 1 else None


def format_value(value: Decimal, unit: str) -> str:
    """A base-unit value in the article's style: 224000000 yuan → '2.24亿元'."""
    if unit == "yuan":
        for ch, f in (("亿", SCALES["亿"]), ("万", SCALES["万"])):
            if abs(value) >= f:
                return f"{_strip(value / f)}{ch}元"
        return f"{_strip(value)}元"
    if unit == "percent":
        return f"{_strip(value)}%"
    return _strip(value)


def _strip(x: Decimal) -> str:
    s = format(x.normalize(), "f")
    return s
