"""Reading numbers as the article writes them.

``read("2.24亿元")`` gives the raw text, the exact value in base units (224000000 yuan), the
decimals written, the qualifier and the *interval* the written figure stands for.  The reading
conventions live in one place, :class:`Conventions`, so a notebook can vary them (how wide is
"近"? are round integer counts exact?) and see which verdicts move.  :func:`forms_table` lists
every form the reader knows, with its reading and the convention that decides it, and the forms
it rejects with the reason.

The grammar (each part optional except the numeral)::

    [direction] [qualifier] [百分之] numeral [多|余] [万|亿] [measure word] [以上|以下|以内|左右|上下]

* direction (a signed change, ``Conventions.signed_changes``): 下降 减少 降低 (a fall: the figure
  is negated, 下降10.3% → −10.3%) or 增长 增加 (a rise, written explicitly: +10.3%)

* qualifier before: 约 大约 近 将近 超过 超 逾 不到 不足 至少 多达
* numeral: Arabic (``2.24``, ``1,400``), Chinese (``五``, ``一万二千``, ``三点五``), a pair of
  neighbouring digits (``两三万``, ``十二三``), a vague digit (``几十``, ``数百``, ``十几``), or a
  range of two plain figures (``3至5万``, ``3-5万``, ``两到三万``; no qualifier on a range);
* measure word: 元 % ％ 人 名 户 个 人次 场 次 期 家 对 年 级 倍 成 (个)百分点, and the words a
  case adds as data (``Conventions(units={"公里": "kilometre", "套": ("set", "count"),
  "个": [("item", "count")]})``: a new word, or more units for a word the reader knows;
  :data:`COMMON_UNITS` offers 公里 平方公里 亩 吨 套 批次 …; none by default).

Traditional characters of that vocabulary (萬 億 兩 個 戶 過 餘 約 點 …, the table
:data:`TRADITIONAL`) are read as their simplified forms, one character for one.  A figure that
cannot be read raises :class:`ReadError`; when one character is at fault it names the character,
its position and why (``cannot read '公' at position 2 of '5公里': unknown unit; known units: …``).
Reading takes time linear in the length of the text (no regular expression backtracks over it
twice): a 100,000-character input is refused in milliseconds.

What cn2an (0.5.24, pinned) does and does not do, and what is written here by hand
-----------------------------------------------------------------------------------
We checked every form of issue 8 against cn2an:

* ``cn2an.cn2an(x, "strict")`` is right for well-formed standard numerals (``一万二千`` → 12000,
  ``一千零五`` → 1005) and rejects malformed ones with ``ValueError`` (``百十一``, ``十一十二``,
  ``零十一``, ``一百十``).  **We use it, in strict mode, for the value of every Chinese integer.**
* Its ``normal``/``smart`` modes are wrong for us: they read side-by-side digits as a digit string
  (``两三`` → 23, ``五六`` → 56, ``一两`` → 12) and raise ``KeyError`` on ``百十一``/``十一十二``/
  ``零十一``.  ``transform`` turns ``两到三万`` into ``两到30000``.
* Strict mode rejects ``两`` and ``〇``, the colloquial ellipsis ``三万五`` (= 三万五千), ``二百五``,
  ``一千二``, and a lone place (``万余``, ``千余``): so we map 两 → 二 (only where 两 is used: alone or
  before 百/千/万/亿), 〇 → 零, complete the ellipsis (a digit after 百/千/万/亿 gets the next lower
  place) and supply the implied 一 (``万`` → 一万) **by hand**, then hand the result to strict mode.
* cn2an has no notion of approximation: paired digits (``两三万``), vague digits (``几十``,
  ``数百``), ranges (``3至5万``), qualifiers (多 余 近 约 左右 以上 超过 逾 不到 至少 多达 …),
  ``%``/``％``/``百分之``/``个百分点``/``倍``/``成`` as measure words, thousands separators, and the
  rounding interval of a written figure are all **by hand**, below.  It returns a ``float`` for
  Chinese decimals (``三点五``), so the digits after 点 are read by hand, exactly, with
  :mod:`decimal`; and for Arabic figures with 万/亿 it returns an ``int``/``float``
  (``cn2an("1.10万")`` → ``11000``), dropping the written decimals, which are information
  (``1.10万`` is rounded to the 100-yuan place, ``1.1万`` to the 1000).  Arabic figures are read by
  hand on :mod:`decimal`.
* jionlp (``parse_money``) reads money with 多/余 as a range (``200余万元`` → [200万, 300万], the same
  reading as ours), but only money: it refuses ``1400多户`` or ``5.8万人以上``, rounds to two
  decimals, and installs ~70 MB of dictionaries we do not need.

Every input either reads to a :class:`Reading` or raises :class:`ReadError` saying why; nothing
else escapes (tested with hypothesis over random strings of numerals, qualifiers, units and
punctuation, and exhaustively over all 1–3 character strings of 零〇一二两三四五六七八九十百千).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
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

#: The reader's own base units, with an English description: those of the genre (money, rates,
#: people, households, the administrative units, projects, posts, facilities...).  A unit only
#: one article needs (the items of a donation, its batches) is declared in its case's
#: ``units`` (:class:`Conventions`), not here.
UNITS: dict[str, str] = {
    "yuan": "renminbi yuan (元), nominal",
    "percent": "percent (%, ％, 百分之…, 成 = 10%), or percentage of a whole",
    "percentage_point": "percentage points (个百分点): a difference of two percentages",
    "times": "multiples (倍): a ratio",
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
    "community": "urban residential communities (社区)",
    "enterprise": "enterprises (家企业)",
    "pair": "pairings (对)",
    "year": "years (年)",
    "level": "administrative levels (级)",
    "date": "a calendar date or month, stored as ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)",
}

#: Which base units a measure word written after the number admits.
MEASURE_WORDS: dict[str, frozenset[str]] = {
    "元": frozenset({"yuan"}),
    "%": frozenset({"percent"}),
    "成": frozenset({"percent"}),
    "个百分点": frozenset({"percentage_point"}),
    "百分点": frozenset({"percentage_point"}),
    "倍": frozenset({"times"}),
    "人次": frozenset({"person_time"}),
    "人": frozenset({"person"}),
    "名": frozenset({"person"}),
    "户": frozenset({"household"}),
    "个": frozenset({"county", "township", "village", "project", "post", "facility", "community"}),
    "场": frozenset({"event"}),
    "次": frozenset({"event"}),
    "期": frozenset({"session"}),
    "家": frozenset({"enterprise"}),
    "对": frozenset({"pair"}),
    "年": frozenset({"year"}),
    "级": frozenset({"level"}),
    "": frozenset(UNITS) - {"date"},  # a bare number (e.g. "3800贫困人口"): the row decides
}

#: Measure words a case may add to the defaults, as data (``Conventions(units=COMMON_UNITS)``,
#: or any subset or mapping of its own): measure word → (base unit, kind).  A *measured* unit
#: rounds at its last written digit like money (``5公里`` → [4.5, 5.5) km); a *count* is exact like
#: persons (``40套`` → 40).  None of them is read by default: this article needs none.
COMMON_UNITS: dict[str, tuple[str, str]] = {
    "公里": ("kilometre", "measured"),
    "平方公里": ("square_kilometre", "measured"),
    "米": ("metre", "measured"),
    "平方米": ("square_metre", "measured"),
    "立方米": ("cubic_metre", "measured"),
    "亩": ("mu", "measured"),
    "公顷": ("hectare", "measured"),
    "吨": ("tonne", "measured"),
    "公斤": ("kilogram", "measured"),
    "斤": ("jin", "measured"),
    "套": ("set", "count"),
    "批次": ("batch", "count"),
    "辆": ("vehicle", "count"),
    "台": ("machine", "count"),
    "座": ("structure", "count"),
    "所": ("institution", "count"),
    "间": ("room", "count"),
    "头": ("head_of_livestock", "count"),
    "只": ("animal", "count"),
}

#: Traditional characters read as their simplified forms: (traditional, simplified, a figure
#: written with the simplified one).  Only characters of the reader's own vocabulary are folded:
#: numerals and magnitudes, qualifiers, direction words, measure words (the defaults and
#: COMMON_UNITS).  The folding is one character for one, so positions in errors stay those of
#: the text as written; the Reading keeps ``raw`` as written and everything else simplified.
TRADITIONAL: tuple[tuple[str, str, str], ...] = (
    # numerals and magnitudes
    ("萬", "万", "832.2万元"),
    ("億", "亿", "2.24亿元"),
    ("兩", "两", "两三万人"),
    ("數", "数", "数十人"),
    ("幾", "几", "几十人"),
    ("點", "点", "百分之三十五点八"),
    # qualifiers
    ("餘", "余", "200余万元"),
    ("約", "约", "大约3.5万元"),
    ("將", "将", "将近200人"),
    ("過", "过", "超过70%"),
    ("達", "达", "多达200人"),
    ("內", "内", "200人以内"),
    # direction words
    ("減", "减", "减少200余万元"),
    ("長", "长", "增长9.2%"),
    # measure words
    ("個", "个", "3.5个百分点"),
    ("戶", "户", "1400多户"),
    ("場", "场", "20余场"),
    ("對", "对", "12对"),
    ("級", "级", "三级"),
    # measure words of COMMON_UNITS
    ("裡", "里", "5公里"),
    ("裏", "里", "5公里"),
    ("畝", "亩", "300亩"),
    ("頃", "顷", "5公顷"),
    ("噸", "吨", "1.2万吨"),
    ("輛", "辆", "120辆"),
    ("臺", "台", "30台"),
    ("間", "间", "40间"),
    ("頭", "头", "500头"),
    ("隻", "只", "500只"),
)

# Fullwidth digits and signs are read as their ASCII forms (the fullwidth comma ， is not: in
# Chinese text it separates clauses, not thousands), and traditional characters as their
# simplified forms: one character for one.
_FOLD = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       "％": "%", "～": "~", "－": "-", "．": ".",
                       **{t: simp for t, simp, _ in TRADITIONAL}})
#: Characters that belong to a numeral (Arabic or Chinese, with 万/亿 and 多/余).
_NUMERAL_CHARS = frozenset("0123456789.,零〇一二两三四五六七八九十百千万亿几数点多余")

#: A measure word that multiplies: 三成 = 30%.
UNIT_FACTORS: dict[str, int] = {"成": 10}

#: Units whose integers are measurements rounded to the last digit (money, percentages,
#: multiples) rather than exact counts.
MEASURED_UNITS = frozenset({"yuan", "percent", "percentage_point", "times"})

#: Qualifier words before the numeral, and what they mean.
PRE_QUALIFIERS: dict[str, str] = {
    "约": "about", "大约": "about",
    "近": "nearly", "将近": "nearly",
    "超过": "more_than", "超": "more_than", "逾": "more_than",
    "不到": "below", "不足": "below",
    "至少": "at_least",
    "多达": "as_many_as",
}
#: Qualifier words right after the numeral (before 万/亿 or the measure word).
POST_QUALIFIERS: dict[str, str] = {"多": "more_than_below_next_step", "余": "more_than_below_next_step"}
#: Qualifier words at the very end.
TAIL_QUALIFIERS: dict[str, str] = {
    "以上": "at_least", "以下": "at_most", "以内": "at_most", "左右": "about", "上下": "about",
}
#: Every qualifier word and its meaning.
QUALIFIERS: dict[str, str] = {**PRE_QUALIFIERS, **POST_QUALIFIERS, **TAIL_QUALIFIERS}

#: Words before a figure that make it a signed change: -1 a fall, +1 a rise.
DIRECTION_WORDS: dict[str, int] = {"下降": -1, "减少": -1, "降低": -1, "增长": 1, "增加": 1}

#: Range separators: 3至5万, 3到5万, 3-5万, 3~5万 (fullwidth ～ and － are read as ~ and -).
RANGE_SEPARATORS = "至到-~—–"


@dataclass(frozen=True)
class Conventions:
    """How a written figure is turned into an interval.  Change these to test a reading.

    * ``near_band``: ``近N``/``将近N`` is read as [N·(1 − near_band), N), a little under N.
    * ``about_band``: ``约N``/``大约N``/``N左右``/``N上下`` is read as [N·(1 − about_band),
      N·(1 + about_band)], and never narrower than the figure's own rounding interval.
    * ``under_band``: ``不到N``/``不足N`` is [0, N) when None (only "less than" is said); a number
      reads it like 近, [N·(1 − under_band), N).
    * ``exact_integer_counts``: an integer count written without a scale (``102207户``,
      ``7200人次``) is exact.  Set False to read round counts as rounded at their last
      non-zero digit (``7200`` → [7150, 7250)).
    * ``percent_cap``: the upper bound given to a share with no upper bound (``超过70%``).
    * ``few_digits``: the digits 几/数 may stand for (``几十`` → [20, 90] with (2, 9)).
    * ``range_rounded_ends``: False reads ``3至5万`` as [3万, 5万]; True as the hull of the two
      ends' rounding intervals ([2.5万, 5.5万)).
    * ``cn_round_at_last_digit``: False (the default) rounds a *measured* Chinese numeral (money,
      percent, 倍) like its Arabic twin: ``三万五千`` like ``3.5万``, at its last written digit (the
      千); ``百分之五十`` like ``50%``, at the unit ([49.5, 50.5)).  True rounds every Chinese numeral
      at its last written digit, the way 多/余 count (``百分之五十`` → [45, 55)).
    * ``units``: measure words added to the defaults (:data:`MEASURE_WORDS`), as plain data: a
      mapping measure word → base unit name, or → (base unit name, ``"measured"`` | ``"count"``),
      e.g. ``Conventions(units={"公里": "kilometre", "套": ("set", "count")})`` or
      ``Conventions(units=COMMON_UNITS)``.  A bare name is *measured* (rounds at its last digit,
      the safe reading: an integer count lies in its own rounding interval), unless it names a
      default unit, whose kind it keeps (``{"位": "person"}`` counts persons).  Stored as a sorted
      tuple of (word, unit, kind), so conventions stay hashable and comparable; the default adds
      none.  A case (an article folder) passes its own.
    * ``signed_changes``: True (the default) reads a direction word before a figure as a signed
      change: 下降/减少/降低 N is a fall, the negated reading of N (``下降10.3%`` → (−10.35, −10.25]),
      增长/增加 N a rise, N's reading unchanged (``增长10.3%`` = ``10.3%``).  The article writes
      every change as a magnitude with its direction in the surrounding words (同比增长10.3%), so
      its own claims are unaffected; this lets a what-if write a fall.  False rejects the words.
    """

    near_band: Decimal = Decimal("0.05")
    about_band: Decimal = Decimal("0.05")
    under_band: Decimal | None = None
    exact_integer_counts: bool = True
    percent_cap: Decimal | None = Decimal(100)
    few_digits: tuple[int, int] = (2, 9)
    range_rounded_ends: bool = False
    cn_round_at_last_digit: bool = False
    signed_changes: bool = True
    units: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _normalise_units(self.units))
        for name in ("near_band", "about_band", "under_band"):
            v = getattr(self, name)
            if v is not None and not (isinstance(v, Decimal) and 0 <= v < 1):
                raise ValueError(f"Conventions.{name} must be a Decimal in [0, 1), got {v!r}")
        lo, hi = self.few_digits
        if not (1 <= lo <= hi <= 9):
            raise ValueError(f"Conventions.few_digits must be digits 1 ≤ lo ≤ hi ≤ 9, got {self.few_digits}")

    def with_(self, **kw: object) -> "Conventions":
        return replace(self, **kw)  # type: ignore[arg-type]


_UNIT_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _normalise_units(units: object) -> tuple[tuple[str, str, str], ...]:
    """``Conventions.units`` as a sorted tuple of (measure word, base unit, kind); ValueError
    for a word the reader could not tell from the figure, or a name or kind it does not know.
    A word maps to a base unit name, to a (name, kind) pair, or to a list of (name, kind) pairs
    (one word for several kinds of thing: 个 counts villages, items, sub-districts...)."""
    if isinstance(units, tuple) and all(isinstance(u, tuple) and len(u) == 3 for u in units):
        items = [(w, (n, k)) for w, n, k in units]
    elif hasattr(units, "items"):
        items = [(w, one) for w, spec in units.items()  # type: ignore[attr-defined]
                 for one in (spec if _is_unit_list(spec) else [spec])]
    else:
        raise ValueError(f"Conventions.units must be a mapping measure word → base unit, got {units!r}")
    out = {}
    for word, spec in items:
        name, kind = (spec, None) if isinstance(spec, str) else (tuple(spec) + (None, None))[:2]
        if not isinstance(word, str) or not word.strip():
            raise ValueError(f"Conventions.units: an empty measure word ({word!r})")
        word = word.translate(_FOLD)
        if word[0] in _NUMERAL_CHARS or word[0] in "-~—–":
            raise ValueError(f"Conventions.units: {word!r} starts with {word[0]!r}, which the reader "
                             "reads as part of the figure (a digit, 万/亿, 多/余)")
        if word in QUALIFIERS or word in DIRECTION_WORDS or word in ("百分之", "月", "日"):
            raise ValueError(f"Conventions.units: {word!r} is a qualifier or a word the reader already reads")
        if any(c in RANGE_SEPARATORS for c in word):
            raise ValueError(f"Conventions.units: {word!r} contains a range separator")
        if not isinstance(name, str) or not _UNIT_NAME_RE.match(name):
            raise ValueError(f"Conventions.units: the base unit name for {word!r} must be snake_case "
                             f"ASCII (e.g. 'kilometre'), got {name!r}")
        if name == "date":
            raise ValueError(f"Conventions.units: {word!r} cannot name the unit 'date' (dates are read apart)")
        default_kind = (None if name not in UNITS else "measured" if name in MEASURED_UNITS else "count")
        if kind is None:
            kind = default_kind or "measured"
        if kind not in ("measured", "count"):
            raise ValueError(f"Conventions.units: the kind of {word!r} is 'measured' or 'count', got {kind!r}")
        if default_kind and kind != default_kind:
            raise ValueError(f"Conventions.units: {name!r} is a default unit, a {default_kind}; "
                             f"{word!r} cannot make it a {kind}")
        out[word, name] = (word, name, kind)
    kinds: dict[str, str] = {}
    for word, name, kind in out.values():
        if kinds.setdefault(name, kind) != kind:
            raise ValueError(f"Conventions.units: {name!r} is both a 'measured' and a 'count' unit")
    return tuple(sorted(out.values()))


def _is_unit_list(spec: object) -> bool:
    """A list of (name, kind) pairs, as opposed to one name or one (name, kind) pair."""
    return (isinstance(spec, (list, tuple)) and bool(spec)
            and all(isinstance(x, (list, tuple)) for x in spec))


@dataclass(frozen=True)
class _Vocab:
    """The measure words and units in force: the defaults plus ``Conventions.units``."""

    measure_words: dict[str, frozenset[str]]
    unit_words: tuple[str, ...]       # longest first, for matching at the end of a figure
    units: frozenset[str]             # base unit names a claim may carry
    measured: frozenset[str]


@functools.lru_cache(maxsize=32)
def _vocab(extra: tuple[tuple[str, str, str], ...]) -> _Vocab:
    words = {w: set(u) for w, u in MEASURE_WORDS.items()}
    units, measured = set(UNITS), set(MEASURED_UNITS)
    for word, name, kind in extra:
        words.setdefault(word, set()).add(name)
        words[""].add(name)
        units.add(name)
        if kind == "measured":
            measured.add(name)
    return _Vocab(measure_words={w: frozenset(u) for w, u in words.items()},
                  unit_words=tuple(sorted((w for w in words if w), key=len, reverse=True)),
                  units=frozenset(units), measured=frozenset(measured))


def known_units(conventions: "Conventions | None" = None) -> dict[str, frozenset[str]]:
    """Measure word → the base units it admits, under ``conventions`` (defaults plus its units)."""
    return dict(_vocab((conventions or DEFAULT).units).measure_words)


def base_units(conventions: "Conventions | None" = None) -> frozenset[str]:
    """The base unit names a figure may carry under ``conventions``: :data:`UNITS` plus the
    units it adds (what a claims table's ``unit`` column may hold for that case)."""
    return _vocab((conventions or DEFAULT).units).units


DEFAULT = Conventions()


class ReadError(ValueError):
    """A written figure the reader cannot read.

    When one character is at fault, the error names it: ``char``, its ``position`` in the text
    as written (counted from 1, as a reader counts: ``'公'`` is at position 2 of ``'5公里'``),
    ``index`` (the same, from 0: ``text[index] == char``), ``text`` and ``why``.  Otherwise those
    are None and the message says what is wrong with the figure as a whole."""

    def __init__(self, message: str, *, text: str | None = None, index: int | None = None,
                 why: str | None = None) -> None:
        super().__init__(message)
        self.text, self.index, self.why = text, index, why

    @classmethod
    def at(cls, text: str, index: int, why: str) -> "ReadError":
        """``cannot read '公' at position 2 of '5公里': unknown unit; …``"""
        return cls(f"cannot read {text[index]!r} at position {index + 1} of {_q(text, index)}: {why}",
                   text=text, index=index, why=why)

    @property
    def char(self) -> str | None:
        return None if self.text is None or self.index is None else self.text[self.index]

    @property
    def position(self) -> int | None:
        return None if self.index is None else self.index + 1


def _q(text: str, index: int | None = None) -> str:
    """A figure quoted in an error: as written when short; a window around ``index`` (or its
    two ends) and its length when long, so that every message stays one short line."""
    if len(text) <= 60:
        return repr(text)
    if index is None or index < 40:
        shown = text[:40] + "…" + text[-12:]
    else:
        lo = index - 20
        shown = "…" + text[lo:index + 12] + ("…" if index + 12 < len(text) else "")
    return f"{shown!r} ({len(text)} characters)"


@dataclass(frozen=True)
class Reading:
    """What a written figure says."""

    raw: str                 #: the figure as written, e.g. "200余万元"
    digits: str              #: the numeral as written, e.g. "200", "2.24", "五", "两三", "3至5"
    value: Decimal           #: the written number in base units (ranges: their midpoint; dates: an ordinal day)
    unit_word: str           #: the measure word written after it ("元", "%", "人次", ""; ％ and 百分之 give "%")
    decimals: int            #: decimals written in the numeral (trailing zeros count)
    scale: int               #: 1, 10**4 (万) or 10**8 (亿)
    qualifier: str | None    #: a value of QUALIFIERS, or None
    exact: bool              #: an exact count (no rounding implied)
    interval: Interval       #: every value that would be written this way
    iso: str | None = None   #: for dates: the ISO form
    notes: tuple[str, ...] = field(default=())
    form: str = "number"     #: number | paired | few | range | date
    rule: str = ""           #: the convention that decided the interval (a key of RULES)
    place: Decimal | None = None  #: place value of the last written digit, in base units
    canonical: str = ""      #: the figure rebuilt from its parts, qualifiers spelled one way

    @property
    def step(self) -> Decimal:
        """Place value of the last written digit, in base units."""
        if self.place is not None:
            return self.place
        return Decimal(1).scaleb(-self.decimals) * self.scale


#: What each rule says, with the conventions' current values filled in by :func:`describe_rule`.
RULES: dict[str, str] = {
    "exact_count": "an integer count is exact (exact_integer_counts={exact_integer_counts})",
    "zero": "zero is exact",
    "rounding": "rounds at its last written digit, half up (四舍五入): [N − step/2, N + step/2)",
    "cn_rounding": "a Chinese numeral {cn_how}, half up (四舍五入) (cn_round_at_last_digit)",
    "tenths": "成 is ten percent (三成 = 30%), rounded at its last written digit: 三成 → [25%, 35%)",
    "count_rounding": "a round count rounds at its last non-zero digit (exact_integer_counts=False)",
    "more_than_below_next_step": "多/余: above N, below N + one step of its last significant digit",
    "nearly": "近/将近: a little under N, [N·(1 − {near_band}), N) (near_band)",
    "about": "约/大约/左右/上下: N ± {about_pct}% (about_band), never narrower than its rounding",
    "more_than": "超过/超/逾: more than N, no upper bound (shares capped at percent_cap={percent_cap})",
    "at_least": "以上/至少: from the low end of N's rounding, no upper bound (shares capped at {percent_cap})",
    "below": "不到/不足: less than N, from {under_from} (under_band)",
    "at_most": "以下/以内: up to the high end of N's rounding, from 0",
    "as_many_as": "多达: 'as many as' stresses size; the figure as written (a count stays exact)",
    "paired": "two neighbouring digits (两三, 十二三, 二三十): the closed interval between the two round figures",
    "few": "几/数: a digit from {few_lo} to {few_hi} (few_digits), closed like a pair",
    "range": "a至b, a-b, a到b: the scale written at the end applies to both ends; {range_how}",
    "date": "a date stands for every day it names",
    "signed_change": ("下降/减少/降低 N: a fall, the negated reading of N; 增长/增加 N: a rise, N's "
                      "reading (signed_changes={signed_changes}); N: {inner}"),
}


def describe_rule(rule: str, conventions: Conventions = DEFAULT, inner: str = "") -> str:
    """The sentence for a rule key, with the conventions' values filled in (``inner``: for a
    signed change, the rule key of the figure's own reading)."""
    c = conventions
    return RULES[rule].format(
        signed_changes=c.signed_changes,
        inner=describe_rule(inner, c) if inner else "read as written",
        exact_integer_counts=c.exact_integer_counts, near_band=c.near_band,
        about_pct=_plain(c.about_band * 100), percent_cap=c.percent_cap,
        under_from="0" if c.under_band is None else f"N·(1 − {c.under_band})",
        few_lo=c.few_digits[0], few_hi=c.few_digits[1],
        cn_how=("rounds at its last written digit (五十: the tens; 一万二千: the thousands)"
                if c.cn_round_at_last_digit else
                "rounds like its Arabic twin: 五十 like 50 (the unit), 一万二千 like 1.2万 (the thousands)"),
        range_how=("the hull of the two ends' rounding intervals" if c.range_rounded_ends
                   else "closed at the two figures [a, b]"))


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CN_WRITE = "零一二三四五六七八九"
_PLACES = "十百千万亿"
_NEXT_LOWER = {"百": "十", "千": "百", "万": "千", "亿": "千万"}
_MAX_DIGITS = 30   # far beyond any written figure; keeps every product exact in _CTX
_CTX = decimal.Context(prec=80, traps=[decimal.InvalidOperation, decimal.Overflow,
                                       decimal.DivisionByZero])

_ARABIC_RE = re.compile(
    r"^(?P<num>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)"
    r"(?P<s1>[万亿])?(?P<post>[多余])?(?P<s2>[万亿])?$")
_CHINESE_RE = re.compile(
    r"^(?P<int>[零〇一二两三四五六七八九十百千万亿几数]+)(?:点(?P<frac>[零〇一二三四五六七八九]+))?"
    r"(?P<s1>[万亿])?(?P<post>[多余])?(?P<s2>[万亿])?$")
_PAIR_RE = re.compile(r"^(?P<prefix>(?:.*[十百千万亿零〇])?)(?P<a>[一二两三四五六七八九])"
                      r"(?P<b>[一二两三四五六七八九])(?P<place>[十百千万亿]*)$")
_DATE_RE = re.compile(r"^(?P<y>[0-9]{4})年(?:(?P<m>[0-9]{1,2})月(?:(?P<d>[0-9]{1,2})日)?)?$")


@dataclass(frozen=True)
class _Num:
    """A numeral without qualifiers: its value (or pair of values) before the measure word."""

    digits: str
    lo: Decimal              # value, or the low figure of a pair / vague digit
    hi: Decimal              # = lo for a plain number
    decimals: int
    scale: int               # 万/亿 written (or inside a Chinese numeral)
    step: Decimal            # place of the last written digit
    sig_step: Decimal        # place of the last significant digit (for 多/余)
    count_step: Decimal      # place of the last non-zero digit, for round counts
    scaled: bool             # written with 万/亿: a rounded figure even for counts
    form: str                # number | paired | few
    post: str | None         # 多/余
    script: str = "arabic"   # arabic | chinese


def read(raw: str, unit: str | None = None, conventions: Conventions = DEFAULT) -> Reading:
    """Read one written figure.  ``unit`` (a key of :data:`UNITS`) decides the rounding of
    bare integers (money and percentages are rounded measurements, counts are exact) and must
    agree with the measure word.  Raises :class:`ReadError` with the reason, and nothing else."""
    if not isinstance(raw, str):
        raise ReadError(f"a written figure is a string, got {type(raw).__name__}")
    text = raw.strip().translate(_FOLD)           # one character for one: positions are kept
    lead = len(raw) - len(raw.lstrip())           # where ``text`` starts in ``raw``
    vocab = _vocab(conventions.units)
    if unit is not None and unit not in vocab.units:
        raise ReadError(f"unknown unit {unit!r}; expected one of {sorted(vocab.units)}")
    if unit == "date" or (unit is None and _DATE_RE.match(text)):
        return read_date(text)
    if not text:
        raise ReadError("an empty string: no figure is written")
    direction = next((w for w in DIRECTION_WORDS if text.startswith(w)), None)
    if direction:
        return _signed(raw, text, lead, direction, unit, conventions)
    if text[0] in "-—–~" or text.startswith("负"):
        raise ReadError.at(raw, lead, "a negative figure (or a range with no start); "
                           + ("write a fall in words, 下降3% (Conventions.signed_changes)"
                              if conventions.signed_changes else
                              "signed changes are off (Conventions.signed_changes=False)"))
    for ch, why in (("，", "a fullwidth comma ， separates clauses, not thousands (1,400 uses ',')"),
                    ("、", "the enumeration comma 、 lists several figures: read each one")):
        if ch in text:
            raise ReadError.at(raw, lead + text.index(ch), why)

    # -- peel the qualifiers and the measure word off both ends -----------------------------
    rest = text
    pre = next((w for w in sorted(PRE_QUALIFIERS, key=len, reverse=True) if rest.startswith(w)), None)
    if pre:
        rest = rest[len(pre):]
    tail = next((w for w in TAIL_QUALIFIERS if rest.endswith(w)), None)
    if tail:
        rest = rest[:-len(tail)]
    if (any(rest.startswith(w) for w in PRE_QUALIFIERS) or any(rest.endswith(w) for w in TAIL_QUALIFIERS)
            or (pre and tail)):
        raise ReadError(f"{_q(raw)} has more than one qualifier; only one is read")
    percent_words = rest.startswith("百分之")
    if percent_words:
        rest = rest[3:]
    at = lead + len(pre or "") + 3 * percent_words    # where ``rest`` starts in ``raw``
    word = next((w for w in vocab.unit_words if rest.endswith(w)), "")
    if word:
        rest = rest[:-len(word)]
    if percent_words:
        if word:
            raise ReadError(f"{_q(raw)} writes the unit twice (百分之 and {word!r})")
        word = "%"
    if not rest:
        raise ReadError(f"cannot read {_q(raw)}: no numeral is written")
    if unit is not None and unit not in vocab.measure_words[word]:
        raise ReadError(f"{_q(raw)} is written with {word or 'no measure word'!r}, "
                        f"which does not fit unit {unit!r} (fits {sorted(vocab.measure_words[word])})")
    effective_unit = unit or _unit_guess(word, vocab)
    factor = UNIT_FACTORS.get(word, 1)
    qualifier = QUALIFIERS[pre] if pre else QUALIFIERS[tail] if tail else None

    # -- a range: two figures and a separator -------------------------------------------------
    seps = [c for c in rest if c in RANGE_SEPARATORS]
    if seps:
        return _read_range(raw, rest, at, seps, word, effective_unit, factor, qualifier, conventions)

    num = _numeral(raw, rest, conventions, at, word)
    if num.post and qualifier:
        raise ReadError(f"{_q(raw)} has more than one qualifier; only one is read")
    if num.form != "number":
        if num.post or qualifier:
            raise ReadError(f"{_q(raw)}: {num.digits!r} is already an approximate figure "
                            f"({num.form} digits); a qualifier on top of it is not read")
        lo, hi = _tidy(_mul(num.lo, num.scale * factor)), _tidy(_mul(num.hi, num.scale * factor))
        return Reading(raw=raw, digits=num.digits, value=_tidy((lo + hi) / 2), unit_word=word,
                       decimals=num.decimals, scale=num.scale, qualifier=None, exact=False,
                       interval=Interval(lo, hi), form=num.form, rule=num.form,
                       place=_mul(num.step, num.scale * factor),
                       canonical=f"{rest}{word}")
    if num.post:
        if num.lo == 0:
            raise ReadError(f"{_q(raw)}: {num.post} after zero says nothing (0多 is not a figure)")
        qualifier = POST_QUALIFIERS[num.post]

    value = _tidy(_mul(num.lo, num.scale * factor))
    step = _mul(num.step, num.scale * factor)
    sig_step = _mul(num.sig_step, num.scale * factor)
    measured = effective_unit in vocab.measured or num.scaled or num.decimals > 0
    exact = not measured and conventions.exact_integer_counts
    if value == 0:
        exact = True  # "降至0": none at all; a rounding interval would reach below zero
    if exact:
        rounded, rule = Interval(value, value), ("zero" if value == 0 else "exact_count")
    elif not measured:
        rounded = _half_step(value, _mul(num.count_step, num.scale * factor))
        rule = "count_rounding"
    else:
        rounded = _half_step(value, step)
        rule = ("tenths" if word == "成" else "cn_rounding" if num.script == "chinese"
                else "rounding")

    cap = _cap(effective_unit, conventions)
    what = f"{_q(raw)} read as {qualifier}"
    if qualifier == "more_than_below_next_step":
        # 1400多 → (1400, 1500); 200余万 → (200万, 300万); 20余 → (20, 30)
        interval = _interval(what, value, value + sig_step, True, True)
    elif qualifier == "nearly":
        interval = _interval(what, _mul(value, 1 - conventions.near_band), value, False, True)
    elif qualifier == "about":
        band = _interval(what, _mul(value, 1 - conventions.about_band),
                         _mul(value, 1 + conventions.about_band), False, False)
        interval = band.hull(rounded)
    elif qualifier == "at_least":
        interval = _capped(what, rounded.lo, rounded.lo_open, cap)
    elif qualifier == "more_than":
        interval = _capped(what, value, True, cap)
    elif qualifier == "below":
        floor = Decimal(0) if conventions.under_band is None else _mul(value, 1 - conventions.under_band)
        interval = _interval(what, floor, value, False, True)
    elif qualifier == "at_most":
        interval = _interval(what, Decimal(0), rounded.hi, False, rounded.hi_open)
    else:  # None or as_many_as: the figure as written
        interval = rounded
    if qualifier:
        rule = qualifier
    canonical = (f"{_CANONICAL_PRE.get(qualifier or '', '')}{rest}{word}"
                 f"{_CANONICAL_TAIL.get(qualifier or '', '')}")
    return Reading(raw=raw, digits=num.digits, value=value, unit_word=word, decimals=num.decimals,
                   scale=num.scale, qualifier=qualifier, exact=exact and qualifier is None,
                   interval=interval, form="number", rule=rule, place=step, canonical=canonical)


def _negate(d: Decimal | None) -> Decimal | None:
    return None if d is None else (-d if d else Decimal(0))


def _signed(raw: str, text: str, lead: int, word: str, unit: str | None,
            conventions: Conventions) -> Reading:
    """``下降10.3%``: the reading of ``10.3%``, negated for a fall (see Conventions.signed_changes)."""
    if not conventions.signed_changes:
        raise ReadError(f"cannot read {_q(raw)}: {word} makes it a signed change, and signed changes "
                        "are off (Conventions.signed_changes=False); write the magnitude alone")
    rest = text[len(word):]
    if any(rest.startswith(w) for w in DIRECTION_WORDS):
        raise ReadError(f"{_q(raw)} has more than one direction word; only one is read")
    if unit == "date" or _DATE_RE.match(rest):
        raise ReadError(f"{_q(raw)}: a date cannot rise or fall")
    try:
        r = read(rest, unit, conventions)
    except ReadError as e:
        if e.index is not None and e.why is not None:   # the same character, in the whole figure
            raise ReadError.at(raw, lead + len(word) + e.index, e.why) from None
        raise ReadError(f"cannot read {_q(raw)} as {word} and a figure: {e}") from None
    sign = DIRECTION_WORDS[word]
    iv = r.interval
    if sign < 0:
        iv = Interval(_negate(iv.hi), _negate(iv.lo), iv.hi_open, iv.lo_open)
    return replace(r, raw=raw, value=r.value if sign > 0 else _negate(r.value),
                   interval=iv, rule="signed_change", notes=(*r.notes, f"inner_rule:{r.rule}"),
                   canonical=f"{word}{r.canonical}")


_CANONICAL_PRE = {"nearly": "近", "more_than": "超过", "about": "约", "below": "不到",
                  "as_many_as": "多达"}
_CANONICAL_TAIL = {"at_least": "以上", "at_most": "以下"}


def _read_range(raw: str, rest: str, at: int, seps: list[str], word: str, effective_unit: str | None,
                factor: int, qualifier: str | None, conventions: Conventions) -> Reading:
    if len(seps) > 1:
        first = next(i for i, c in enumerate(rest) if c in RANGE_SEPARATORS)
        second = next(i for i, c in enumerate(rest) if c in RANGE_SEPARATORS and i > first)
        raise ReadError.at(raw, at + second, f"a second range separator (after {seps[0]!r}); "
                           "a range is two figures and one separator")
    if qualifier:
        raise ReadError(f"{_q(raw)}: a range already says how approximate the figure is; "
                        "a qualifier on top of it is not read")
    left, right = rest.split(seps[0])
    if not left or not right:
        raise ReadError(f"{_q(raw)}: a range needs a figure on each side of {seps[0]!r}")
    starts = (at, at + len(left) + 1)
    left = _inherit_scale(left, right)
    ends = []
    for side, start in zip((left, right), starts):
        n = _numeral(raw, side, conventions, start, word)
        if n.form != "number" or n.post:
            raise ReadError(f"{_q(raw)}: a range's ends are plain figures, not {side!r}")
        ends.append(n)
    a, b = ends
    lo, hi = _tidy(_mul(a.lo, a.scale * factor)), _tidy(_mul(b.lo, b.scale * factor))
    if not lo < hi:
        raise ReadError(f"{_q(raw)}: the range runs backwards or is empty ({_plain(lo)} to {_plain(hi)})")
    if word == "年" and lo >= 1000:
        raise ReadError(f"{_q(raw)} looks like a span of calendar years (a period), not a number of years")
    if conventions.range_rounded_ends:
        def rounded(n: _Num) -> Interval:
            v = _mul(n.lo, n.scale * factor)
            measured = effective_unit in _vocab(conventions.units).measured or n.scaled or n.decimals > 0
            if not measured and conventions.exact_integer_counts:
                return Interval(v, v)
            return _half_step(v, _mul(n.step if measured else n.count_step, n.scale * factor))
        interval = rounded(a).hull(rounded(b))
    else:
        interval = Interval(lo, hi)
    return Reading(raw=raw, digits=rest, value=_tidy((lo + hi) / 2), unit_word=word,
                   decimals=b.decimals, scale=b.scale, qualifier=None, exact=False,
                   interval=interval, form="range", rule="range",
                   place=_mul(b.step, b.scale * factor), canonical=f"{rest}{word}")


def _inherit_scale(left: str, right: str) -> str:
    """In ``3至5万`` the 万 written after the second figure applies to the first too."""
    # (string scans, not regular expressions anchored at the end: ``re.search("[…]*$")`` retries
    # from every position and was quadratic on long inputs, issue 16)
    suffix = right[len(right.rstrip(_PLACES)):]
    if not suffix or left[-1] in "万亿多余":
        return left
    if left[-1].isdigit():                      # Arabic 3 → 3万 (only 万/亿 follow Arabic digits)
        big = suffix[len(suffix.rstrip("万亿")):]
        return left + big
    if left[-1] in _CN_DIGIT or left[-1] in "几数":  # 两 → 两万, 三 → 三千
        return left + suffix
    first_big = min((i for i in (suffix.find("万"), suffix.find("亿")) if i >= 0), default=-1)
    if first_big >= 0 and "万" not in left and "亿" not in left:   # 十 → 十万
        return left + suffix[first_big:]
    return left


def _numeral(raw: str, text: str, conventions: Conventions, at: int = 0, word: str = "") -> _Num:
    """The numeral ``text``, which starts at ``at`` in ``raw`` and is followed by the measure word
    ``word`` (if any)."""
    m = _ARABIC_RE.match(text)
    if m:
        return _arabic(raw, m)
    culprit = next((i for i, c in enumerate(text) if c not in _NUMERAL_CHARS), None)
    if culprit is not None:
        raise ReadError.at(raw, at + culprit, _why_not_numeral(text, culprit, word, conventions))
    if "," in text and re.match(r"^[0-9,]", text):
        raise ReadError(f"cannot read {_q(raw)}: misplaced thousands separator "
                        "(groups of three digits: 1,400 or 1,234,567)")
    m = _CHINESE_RE.match(text)
    if m:
        return _chinese(raw, m, conventions)
    raise ReadError(f"cannot read {_q(raw)} as a number as written (expected e.g. '2.24亿元', "
                    "'1400多户', '近200名', '5.8万人以上', '五年', '两三万人', '3至5万元')")


def _why_not_numeral(text: str, i: int, word: str, conventions: Conventions) -> str:
    """Why ``text[i]``, the first character of ``text`` outside any numeral, cannot be read there."""
    vocab = _vocab(conventions.units)
    after = text[i:]
    if i == 0:
        return ("a figure starts with a numeral (2.24, 五) or a qualifier; known qualifiers: "
                + ", ".join(PRE_QUALIFIERS))
    if word or any(c in _NUMERAL_CHARS for c in after):
        return ("not part of a numeral (a figure is written [qualifier] numeral [多/余] [万/亿] "
                "[measure word] [以上/左右 …])")
    placed = next((w for w in vocab.unit_words if after.startswith(w)), None)
    if placed:
        return f"the measure word {placed!r} is followed by {after[len(placed):]!r}, which is not read"
    return ("unknown unit; known units: " + ", ".join(w for w in vocab.measure_words if w)
            + " (a case adds its own with Conventions(units={…}))")


def _arabic(raw: str, m: re.Match[str]) -> _Num:
    num = m["num"]
    plain = num.replace(",", "")
    int_part = plain.split(".")[0]
    if len(int_part) > 1 and int_part[0] == "0":
        raise ReadError(f"cannot read {_q(raw)}: a leading zero ({num!r}) is not how a figure is written")
    if sum(c.isdigit() for c in plain) > _MAX_DIGITS:
        raise ReadError(f"{_q(raw)} has more than {_MAX_DIGITS} digits: not a written figure")
    if m["s1"] and m["s2"]:
        raise ReadError(f"{_q(raw)} has two scales")
    number = D(plain)
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    scale = SCALES.get(m["s1"] or m["s2"] or "", 1)
    place = Decimal(1).scaleb(-decimals)
    return _Num(digits=num, lo=number, hi=number, decimals=decimals, scale=scale, step=place,
                sig_step=_significant_step(number, decimals),
                count_step=_significant_step(number, 0) if decimals == 0 else place,
                scaled=scale > 1, form="number", post=m["post"])


def _chinese(raw: str, m: re.Match[str], conventions: Conventions) -> _Num:
    digits_int, frac = m["int"], m["frac"]
    if m["s1"] and m["s2"]:
        raise ReadError(f"{_q(raw)} has two scales")
    if len(digits_int) + len(frac or "") > _MAX_DIGITS:
        raise ReadError(f"{_q(raw)} is too long to be a written figure")
    lo, hi, form = _cn_integer(raw, digits_int, conventions)
    decimals = 0
    if frac is not None:
        if form != "number":
            raise ReadError(f"{_q(raw)}: an approximate numeral has no decimals")
        if re.search(r"[万亿]", digits_int):
            raise ReadError(f"{_q(raw)}: decimals after a numeral with 万/亿 inside are not read")
        decimals = len(frac)
        f = D("0." + "".join(str(_CN_DIGIT[c]) for c in frac))
        lo = hi = D(lo) + f
    scale = SCALES.get(m["s1"] or m["s2"] or "", 1)
    scaled = scale > 1 or bool(re.search(r"[万亿]", digits_int))
    lo_d, hi_d = D(lo), D(hi)
    last = Decimal(1).scaleb(-decimals) if decimals else _significant_step(lo_d, 0)
    # 三万五千 is written like 3.5万: it rounds at its last written digit; 五十 like 50, at the unit
    inner_scale = bool(re.search(r"[万亿]", digits_int))
    step = last if (inner_scale or decimals or conventions.cn_round_at_last_digit) else Decimal(1)
    if form != "number":   # the place of the pair / vague digit
        step = _significant_step(hi_d - lo_d, 0) if hi_d != lo_d else last
    digits = digits_int + (f"点{frac}" if frac is not None else "")
    return _Num(digits=digits, lo=lo_d, hi=hi_d, decimals=decimals, scale=scale, step=step,
                sig_step=last, count_step=last, scaled=scaled, form=form, post=m["post"],
                script="chinese")


def _cn_integer(raw: str, s: str, conventions: Conventions) -> tuple[int, int, str]:
    """A Chinese integer numeral: (value, value, "number"), or the two ends of a paired or
    vague one: 两三万 → (20000, 30000, "paired"); 几十 → (20, 90, "few")."""
    vague = [c for c in s if c in "几数"]
    if vague:
        if len(vague) > 1:
            raise ReadError(f"{_q(raw)}: more than one vague digit (几/数) in {s!r}")
        a, b = conventions.few_digits
        lo = _cn_plain(raw, s.replace(vague[0], _CN_WRITE[a]))
        hi = _cn_plain(raw, s.replace(vague[0], _CN_WRITE[b]))
        return lo, hi, "few"
    if re.search(r"[一二两三四五六七八九]{2}", s):
        pm = _PAIR_RE.match(s)
        if not pm:
            raise ReadError(f"{_q(raw)}: digits side by side in {s!r} are not a numeral; only one "
                            "pair of neighbours (两三, 十二三, 三四万) at the last written place is read")
        a, b = _CN_DIGIT[pm["a"]], _CN_DIGIT[pm["b"]]
        if "两" in pm["a"] + pm["b"] and (pm["prefix"] or (pm["b"] == "两" and pm["place"][:1] == "十")):
            raise ReadError(f"{_q(raw)}: {s!r} is not a well-formed paired numeral (两 pairs only at the "
                            "start: 一两, 两三, 一两百, 两三十; after 十 the digit is 二: 十二三, 十一二)")
        if b != a + 1:
            raise ReadError(f"{_q(raw)}: the digits {pm['a']}{pm['b']} side by side are not neighbours "
                            "(一两, 两三 … 八九), so they are neither a paired approximation nor a numeral")
        lo = _cn_plain(raw, pm["prefix"] + _CN_WRITE[a] + pm["place"])
        hi = _cn_plain(raw, pm["prefix"] + _CN_WRITE[b] + pm["place"])
        return lo, hi, "paired"
    v = _cn_plain(raw, s)
    return v, v, "number"


def _cn_plain(raw: str, s: str) -> int:
    """A standard Chinese numeral's value, through cn2an's strict mode after the by-hand steps
    it lacks (两, 〇, the implied 一 of 万余, the ellipsis of 三万五)."""
    bad = f"{_q(raw)}: {s!r} is not a well-formed Chinese numeral"
    for i, c in enumerate(s):
        if c == "两" and not (s == "两" or (i + 1 < len(s) and s[i + 1] in "百千万亿")):
            raise ReadError(f"{bad} (两 is written alone or before 百/千/万/亿: 二十 and 十二, not 两十 or 十两)")
    t = s.replace("两", "二").replace("〇", "零")
    if t[0] in "百千万亿":
        if all(c in _PLACES for c in t):
            t = "一" + t                                      # 万余 → 一万余, 百万 → 一百万
        else:
            raise ReadError(f"{bad} ({t[0]} needs a digit before it: 一{t[0]}…)")
    if len(t) >= 2 and t[-1] in _CN_WRITE[1:] and t[-2] in _NEXT_LOWER:
        t += _NEXT_LOWER[t[-2]]                               # 三万五 → 三万五千
    try:
        v = cn2an.cn2an(t, "strict")
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise ReadError(f"{bad} (cn2an, strict: {e})") from None
    if not isinstance(v, int) or v < 0:
        raise ReadError(f"{bad} (cn2an, strict, gave {v!r})")
    return v


def read_date(raw: str) -> Reading:
    """``2016年9月`` → the interval of its days, as proleptic ordinals (``date.toordinal()``)."""
    if not isinstance(raw, str):
        raise ReadError(f"a written date is a string, got {type(raw).__name__}")
    m = _DATE_RE.match(raw.strip().translate(_FOLD))
    if not m:
        raise ReadError(f"cannot read {_q(raw)} as a date (expected 'YYYY年', 'YYYY年M月' or 'YYYY年M月D日')")
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
    except (ValueError, OverflowError) as e:
        raise ReadError(f"{_q(raw)} is not a calendar date: {e}") from None
    return Reading(raw=raw, digits=raw, value=D(first.toordinal()), unit_word="", decimals=0,
                   scale=1, qualifier=None, exact=first == last,
                   interval=Interval(D(first.toordinal()), D(last.toordinal())), iso=iso,
                   form="date", rule="date", place=Decimal(1), canonical=raw)


def iso_to_interval(iso: str) -> Interval:
    """The day interval of an ISO date, month or year (as in the claims' ``value`` column)."""
    parts = iso.split("-")
    labels = ["年", "月", "日"]
    return read_date("".join(f"{int(p)}{lab}" if i else f"{p}{lab}"
                             for i, (p, lab) in enumerate(zip(parts, labels)))).interval


def ordinal_to_date(x: Decimal) -> _dt.date:
    return _dt.date.fromordinal(int(x))


def _mul(x: Decimal, k: object) -> Decimal:
    """An exact product (the working precision is far above any written figure's digits)."""
    with decimal.localcontext(_CTX):
        return x * (k if isinstance(k, Decimal) else Decimal(k))  # type: ignore[arg-type]


def _interval(what: str, lo: Decimal | None, hi: Decimal | None, lo_open: bool, hi_open: bool) -> Interval:
    if lo is not None and hi is not None and (lo > hi or (lo == hi and (lo_open or hi_open))):
        raise ReadError(f"{what} would be an empty interval ({_plain(lo)} to {_plain(hi)}): "
                        "no value is written that way")
    return Interval(lo, hi, lo_open, hi_open)


def _capped(what: str, lo: Decimal | None, lo_open: bool, cap: Decimal | None) -> Interval:
    if cap is not None and lo is not None and (lo > cap or (lo == cap and lo_open)):
        raise ReadError(f"{what} lies above the share cap (percent_cap={_plain(cap)}); for a growth "
                        "rate read it with Conventions(percent_cap=None)")
    return Interval(lo, cap, lo_open=lo_open)


def _tidy(x: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form: 224000000.00 → 224000000."""
    if x == x.to_integral_value():
        return x.quantize(Decimal(1), context=_CTX)
    return x.normalize(_CTX)


def _half_step(value: Decimal, step: Decimal) -> Interval:
    """Half-up rounding (四舍五入) at ``step``: [v − step/2, v + step/2).

    The upper end is open: a value exactly at v + step/2 rounds up to the next figure."""
    half = step / 2
    with decimal.localcontext(_CTX):
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


def _unit_guess(word: str, vocab: _Vocab | None = None) -> str | None:
    units = (vocab or _vocab(())).measure_words.get(word, frozenset())
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


def _plain(x: Decimal) -> str:
    return format(x.normalize(), "f")


# --------------------------------------------------------------------------------------------
# The reader's scope: every form it reads, every form it rejects
# --------------------------------------------------------------------------------------------

#: The families of written forms issue 8 lists as "forms a second article would contain".
ISSUE_FAMILIES: tuple[str, ...] = (
    "约/大约", "左右/上下", "逾", "超", "不到/不足", "将近", "至少", "多达", "个百分点", "百分之…",
    "fullwidth ％", "thousands separator", "万余/千余/数十/几十", "range", "万 inside a numeral",
    "倍", "成",
)

#: The families of forms the article itself uses.
ARTICLE_FAMILIES: tuple[str, ...] = (
    "decimal", "integer money", "integer count", "zero", "多/余", "近", "以上", "超过",
    "Chinese numeral", "date",
)

#: One or more examples of every form the reader reads: (family, as written, unit).
FORM_EXAMPLES: tuple[tuple[str, str, str | None], ...] = (
    # the article's own forms
    ("decimal", "57.84%", "percent"),
    ("decimal", "2.24亿元", "yuan"),
    ("decimal", "1.10万元", "yuan"),
    ("integer money", "12364元", "yuan"),
    ("integer count", "102207", "person"),
    ("zero", "0", "percent"),
    ("多/余", "1400多户", "household"),
    ("多/余", "200余万元", "yuan"),
    ("近", "近200名", "person"),
    ("以上", "5.8万人以上", "person"),
    ("超过", "超过70%", "percent"),
    ("Chinese numeral", "五年", "year"),
    ("date", "2016年9月", "date"),
    # paired digits
    ("paired digits", "两三万人", "person"),
    ("paired digits", "八九亿元", "yuan"),
    ("paired digits", "五六人", "person"),
    ("paired digits", "一两年", "year"),
    ("paired digits", "十二三人", "person"),
    ("paired digits", "二三十人", "person"),
    # issue 8's families
    ("约/大约", "约200人", "person"),
    ("约/大约", "大约3.5万元", "yuan"),
    ("左右/上下", "200人左右", "person"),
    ("左右/上下", "9%上下", "percent"),
    ("逾", "逾200人", "person"),
    ("超", "超30%", "percent"),
    ("不到/不足", "不到200人", "person"),
    ("不到/不足", "不足1%", "percent"),
    ("将近", "将近200人", "person"),
    ("至少", "至少2.5万元", "yuan"),
    ("多达", "多达200人", "person"),
    ("个百分点", "3.5个百分点", "percentage_point"),
    ("百分之…", "百分之五十", "percent"),
    ("百分之…", "百分之三十五点八", "percent"),
    ("fullwidth ％", "57.84％", "percent"),
    ("thousands separator", "1,400多户", "household"),
    ("万余/千余/数十/几十", "万余人", "person"),
    ("万余/千余/数十/几十", "千余户", "household"),
    ("万余/千余/数十/几十", "数十人", "person"),
    ("万余/千余/数十/几十", "几十人", "person"),
    ("万余/千余/数十/几十", "十几人", "person"),
    ("range", "3至5万元", "yuan"),
    ("range", "3-5万元", "yuan"),
    ("range", "两到三万", None),
    ("万 inside a numeral", "一万二千人", "person"),
    ("万 inside a numeral", "三万五", None),
    ("倍", "3倍", "times"),
    ("倍", "2.5倍", "times"),
    ("成", "三成", "percent"),
    ("成", "七成以上", "percent"),
    ("以下/以内", "200人以下", "person"),
    ("signed change", "下降10.3%", "percent"),
    ("signed change", "减少200余万元", "yuan"),
    ("signed change", "增长9.2%", "percent"),
    ("traditional characters", "2.24億元", "yuan"),
    ("traditional characters", "1400多戶", "household"),
    ("traditional characters", "兩三萬人", "person"),
    ("traditional characters", "超過70%", "percent"),
)

#: Examples of measure words a case adds (read with :data:`COMMON_UNITS` added to the
#: conventions' own units): (family, as written, unit).
CASE_UNIT_EXAMPLES: tuple[tuple[str, str, str | None], ...] = (
    ("units a case adds", "5公里", "kilometre"),
    ("units a case adds", "1.2万吨", "tonne"),
    ("units a case adds", "300多亩", "mu"),
    ("units a case adds", "40套", "set"),
)

#: Examples of what the reader refuses, each with the reason it gives: (family, as written, unit).
REJECTED_EXAMPLES: tuple[tuple[str, str, str | None], ...] = (
    ("malformed numeral", "百十一", None),
    ("malformed numeral", "十一十二", None),
    ("malformed numeral", "零十一", None),
    ("malformed numeral", "十两", None),
    ("digit string", "二〇二〇", None),
    ("not neighbours", "三五人", None),
    ("empty reading", "近零", None),
    ("empty reading", "5至3万元", None),
    ("approximate twice", "两三万多人", None),
    ("two qualifiers", "近约200人", None),
    ("share above 100", "超过120%", "percent"),
    ("wrong unit", "3个百分点", "percent"),
    ("thousands separator", "14,00户", None),
    ("fullwidth comma", "1，400户", None),
    ("enumeration", "三、四人", None),
    ("leading zero", "007人", None),
    ("calendar years", "2016-2020年", None),
    ("minus sign", "-10.3%", "percent"),
    ("unit not declared", "5公里", None),
)


def forms_table(conventions: Conventions = DEFAULT) -> "pd.DataFrame":  # noqa: F821
    """Every form the reader knows, read now: the example as written, its interval (or
    ``ReadError``), and the convention that decides it (or the reason it is rejected).

    Nothing in the table is typed in: each row is :func:`read` run on the example."""
    import pandas as pd

    rows = []
    with_case_units = conventions.with_(units={**COMMON_UNITS, **{w: (n, k) for w, n, k in conventions.units}})
    for (family, raw, unit), conv in ([(x, conventions) for x in FORM_EXAMPLES]
                                      + [(x, with_case_units) for x in CASE_UNIT_EXAMPLES]):
        r = read(raw, unit, conv)
        reading = (_date_text(r.interval) if r.form == "date" else str(r.interval))
        because = describe_rule(r.rule, conventions, _inner_rule(r))
        if conv is with_case_units:
            word, name, kind = next(u for u in conv.units if u[0] == r.unit_word)
            because += f"; {word} → {name} ({kind}), a unit the case adds (Conventions(units=…))"
        rows.append({"family": family, "written": raw, "unit": unit or "(from the word)",
                     "reads as": reading, "because": because,
                     "kind": "in this article" if family in ARTICLE_FAMILIES else "new form"})
    for family, raw, unit in REJECTED_EXAMPLES:
        try:
            read(raw, unit, conventions)
        except ReadError as e:
            reason = str(e)
        else:
            raise AssertionError(f"{_q(raw)} was expected to be rejected and reads")  # pragma: no cover
        rows.append({"family": family, "written": raw, "unit": unit or "(from the word)",
                     "reads as": "ReadError", "because": reason, "kind": "rejected"})
    return pd.DataFrame.from_records(rows)


def _inner_rule(r: Reading) -> str:
    return next((n.split(":", 1)[1] for n in r.notes if n.startswith("inner_rule:")), "")


def _date_text(iv: Interval) -> str:
    lo, hi = ordinal_to_date(iv.lo), ordinal_to_date(iv.hi)  # type: ignore[arg-type]
    return lo.isoformat() if lo == hi else f"[{lo.isoformat()}, {hi.isoformat()}]"


# --------------------------------------------------------------------------------------------
# Finding the figures in a text: every number token grown into the figure written around it
# --------------------------------------------------------------------------------------------

#: A number token: a run of Arabic digits (with a decimal part), or of Chinese numeral
#: characters.  The coverage rule (every token of a body is in a claim's quote or an exclusion)
#: counts these; :func:`find_figures` grows each into the figure written around it.
NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+")

#: The longest a figure grows past its token (numeral tail, 万/亿, 多/余, measure word, 以上…).
_GROW = 10
_MONTH_DAY_RE = re.compile(r"^[0-9]{1,2}月[0-9]{1,2}日")


@dataclass(frozen=True)
class Found:
    """A number token of a text, grown into the figure written around it.

    ``start``/``end``: the figure's offsets in the text as written (traditional characters and
    fullwidth forms are read as the reader reads them, one character for one, so offsets are
    those of the original); ``raw``: the figure as written there; ``reading``: what
    :func:`read` makes of it (None when no reading is possible, e.g. ``2月6日`` without a year);
    ``direction``: a direction word written right before it (增长, 下降 …), kept apart as the
    article's claims keep it (the figure is the magnitude)."""

    start: int
    end: int
    raw: str
    reading: Reading | None
    direction: str = ""
    kind: str = "figure"     #: figure | date | month_day | ordinal


def find_figures(text: str, conventions: Conventions = DEFAULT,
                 start: int = 0, end: int | None = None) -> list[Found]:
    """Every figure written in ``text[start:end]``, in order: each number token grown, by the
    reader itself, to the longest figure that reads (a qualifier before it, 万/亿, 多/余, the
    measure word, 以上/左右 after it).  A token that no figure around it reads is returned with
    ``reading=None``.  Linear in the text: each token tries a bounded number of candidates."""
    end = len(text) if end is None else end
    folded = text.translate(_FOLD)
    pres = sorted(list(PRE_QUALIFIERS) + ["百分之"] + [q + "百分之" for q in PRE_QUALIFIERS],
                  key=len, reverse=True)
    out: list[Found] = []
    pos = start
    for m in NUMBER_TOKEN.finditer(folded, start, end):
        s, e = m.start(), m.end()
        if s < pos:
            continue                       # inside the figure found before
        if folded[s:e].isdigit() and _MONTH_DAY_RE.match(folded[s:end]):
            md = _MONTH_DAY_RE.match(folded[s:end])
            stop = s + md.end()
            before = folded[max(start, s - 5):s]
            if re.search(r"[0-9]{4}年$", before):   # the year was read already: 2020年5月11日
                pass
            else:
                out.append(Found(s, stop, text[s:stop], None, kind="month_day"))
                pos = stop
                continue
        starts = [s] + [s - len(w) for w in pres if folded[max(start, s - len(w)):s] == w]
        best: Found | None = None
        for a in starts:
            for b in range(min(end, e + _GROW), e - 1, -1):
                cand = folded[a:b]
                if not cand or cand[-1] in "，,、。；;：:!！?？ \n":
                    continue
                try:
                    r = read(text[a:b], None, conventions)
                except ReadError:
                    continue
                if best is None or (b - a) > (best.end - best.start):
                    best = Found(a, b, text[a:b], r, kind="date" if r.form == "date" else "figure")
                break
        if best is None:
            out.append(Found(s, e, text[s:e], None))
            pos = e
            continue
        direction = next((w for w in DIRECTION_WORDS if folded[max(start, best.start - len(w)):best.start] == w), "")
        if best.start > start and folded[best.start - 1] == "第":
            best = replace(best, kind="ordinal")
        out.append(replace(best, direction=direction))
        pos = best.end
    return out
