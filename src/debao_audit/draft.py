"""Drafting a case from an article's text: ``python -m debao_audit draft ARTICLE.txt FOLDER``.

The draft is a case folder (see :mod:`debao_audit.case`) that validates and audits at once, for
the author to refine.  Everything the text tells is filled in; everything guessed says so:

* ``case.json``: title, checksum, dateline, headings and end mark found in the text; the
  publication date from the page's timestamp (or ``--published``); the authors from the
  byline; what only the author can supply (English title, licence) starts with ``[draft]``;
  ``draft_notes.csv`` lists what was guessed and what is still to do.
* ``claims.csv``: one row per figure of the body, found by the reader itself
  (:func:`debao_audit.written.find_figures`: every number token of the coverage rule grown into
  the figure written around it): the quote is the smallest clause that carries it, then the
  figure as written, its value and unit (from the measure word, else from the noun after it),
  the period (from the years and phrases of its clause, sentence and paragraph: 以来, 起, N年来,
  截至, 目前, 十三五, 同比, 年均) and a measure guessed from both.  ``en`` starts with
  ``[draft]``; ``draft_notes.csv`` lists every guessed field, row by row.
* ``excluded_tokens.csv``: the body's other number tokens (dates without a year, ordinals, list
  numbers, names such as “十三五”, 一 as an article), each with its reason.
* ``relations.csv``: relations found by a bounded search over the claims (see
  :func:`suggest`), each with ``status`` ``suggested`` and its arithmetic in ``formula``.  A
  suggested relation is shown on the page and in the findings as suggested and counts as
  context (rule ``suggested``) until the author sets ``status`` to ``confirmed``.

The search is bounded: each claim is paired only with claims of its own sentence or
paragraph (at most :data:`WINDOW` of them) and with at most :data:`NEAREST` others of its unit
across the article, so its cost grows with the number of claims, not their square
(``tools/draft_eval.py`` measures it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .interval import Interval
from .written import (COMMON_UNITS, DEFAULT, MEASURE_WORDS, UNITS, Conventions, Found,
                      find_figures)

#: At most this many claims of a sentence or paragraph take part in a search from one claim.
WINDOW = 10
#: At most this many larger figures of the same unit are proposed as a part's whole.
NEAREST = 2
#: A compound or linear growth is proposed when the rates agree within this share.
GROWTH_TOLERANCE = Decimal("0.05")

_CLAUSE_END = "，。；;！？!?：:、)）\n"
_SENTENCE_END = "。！？!?\n"

#: Nouns after (or before) a bare figure or one counted with 个, and the unit they give.
NOUNS: tuple[tuple[str, str], ...] = (
    ("人次", "person_time"), ("贫困村", "village"), ("行政村", "village"), ("村", "village"),
    ("县", "county"), ("乡镇", "township"), ("乡", "township"), ("镇", "township"),
    ("项目", "project"), ("岗位", "post"), ("卫生院", "facility"), ("卫生室", "facility"),
    ("医院", "facility"), ("街道", "subdistrict"), ("社区", "community"), ("企业", "enterprise"),
    ("口罩", "item"), ("人口", "person"), ("劳动力", "person"), ("群众", "person"),
    ("学生", "person"), ("教师", "person"), ("人", "person"), ("户", "household"),
)

#: The units a draft may declare in its case.json (those it uses): the common measure words,
#: and 个 for the things the nouns above name that the reader does not count by default.
DRAFT_UNITS: dict[str, object] = {
    **COMMON_UNITS,
    "个": sorted({(u, "count") for _, u in NOUNS if u not in UNITS} | {("item", "count")}),
}

#: Words before a figure that make it a total with its parts next (其中).
_PARTS_WORD = "其中"
_PER_WORDS = ("人均", "户均", "每人", "每户", "平均", "均")
_CUMULATIVE = ("累计", "先后", "共计", "共", "总计", "以来", "年来", "截至", "截止", "至今", "已")

#: Traditional characters of the words the draft looks for (nouns, period and growth phrases,
#: the dateline), read as their simplified forms, one character for one, like the reader's own
#: :data:`~debao_audit.written.TRADITIONAL` (which this extends, for matching only: quotes and
#: figures are always taken from the text as written).
DRAFT_TRADITIONAL = dict(zip(
    # the traditional forms of the simplified characters below, written as
    # escapes: the source stays within the shipped font's characters (tools/subset_font.py)
    "\u4f86\u9805\u5d17\u885b\u91ab\u9109\u93ae\u7e23\u8ca7\u52de\u52d5\u5b78\u5e2b\u696d\u5340\u8a08\u7e3d\u96fb\u767c"
    "\u70ba\u52d9\u5e79\u969b\u5011\u6703\u7d50\u5c0d\u5e6b\u8cc7\u7522\u6a19\u52f5\u6b72\u570b\u7bc4\u570d\u6771\u8cbb"
    "\u8a18\u8a0a\u54e1",
    "来项岗卫医乡镇县贫劳动学师业区计总电发为务干际们会结对帮资产标励岁国范围东费记讯员"))
_T2S = str.maketrans(DRAFT_TRADITIONAL)

THEME_OF_UNIT = {"yuan": "funding", "percent": "income", "percentage_point": "poverty",
                 "date": "timeline", "year": "timeline"}


@dataclass
class DraftClaim:
    id: str
    section: str
    quote: str
    written: str
    value: str
    unit: str
    period: str
    measure: str
    topic: str
    en: str
    start: int
    end: int
    found: Found
    notes: list[str] = field(default_factory=list)
    sentence: tuple[int, int] = (0, 0)
    paragraph: tuple[int, int] = (0, 0)
    clause: tuple[int, int] = (0, 0)

    def row(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ("id", "section", "quote", "written", "value",
                                               "unit", "period", "measure", "topic", "en")}

    @property
    def interval(self) -> Interval:
        return self.found.reading.interval  # type: ignore[union-attr]

    @property
    def number(self) -> Decimal:
        return self.found.reading.value  # type: ignore[union-attr]


@dataclass
class Draft:
    """A drafted case: what :func:`write` puts in the folder."""
    text: str
    case: dict
    claims: list[DraftClaim]
    excluded: list[dict[str, str]]
    relations: list[dict[str, str]]
    notes: list[dict[str, str]]
    guessed: list[str] = field(default_factory=list)   #: case.json keys found in the text
    todo: list[str] = field(default_factory=list)      #: case.json keys only the author can fill


# --------------------------------------------------------------------------------------------
# Structure: title, dateline, headings, end mark, publication date
# --------------------------------------------------------------------------------------------

_DATELINE_RE = re.compile(r"^[ \t\u3000]*(\S{0,40}?[0-9０-９]{1,2}月[0-9０-９]{1,2}日电)", re.M)
_STAMP_RE = re.compile(r"(20[0-9]{2})-([01]?[0-9])-([0-3]?[0-9])[ T]([0-2]?[0-9]):([0-5][0-9])(?::([0-5][0-9]))?")
_CN_DATE_RE = re.compile(r"(20[0-9]{2})年([01]?[0-9])月([0-3]?[0-9])日")
#: the end marks of Chinese wire copy (a convention of the genre, kept with the templates as data)
_END_MARKS = tuple(json.loads((Path(__file__).parent / "templates" / "genre.json")
                              .read_text(encoding="utf-8"))["end_marks"])
_URL_RE = re.compile(r"https?://[^\s\"'<>）)]+")


def structure(text: str) -> dict:
    """The dateline, headings and end mark the text shows, and its title (guesses)."""
    m = _DATELINE_RE.search(text)
    dateline = None
    if m:
        dateline = m.group(1).strip()
    body_start = text.find(dateline) if dateline else 0
    end_mark = next((e for e in _END_MARKS if text.find(e, body_start) >= 0), None)
    body_end = text.find(end_mark, body_start) if end_mark else len(text)
    headings = []
    for m in re.finditer(r"\n([^\n]*)(?=\n)", text[body_start:body_end]):   # whole lines only
        h = m.group(1).strip()
        if (2 <= len(h) <= 12 and not re.search(r"[，,。.；;：:！？!?、“”\"()（）0-9]", h)
                and h not in headings):
            headings.append(h)
    before = [ln.strip() for ln in text[:body_start].splitlines() if ln.strip()]
    title = next((ln for ln in reversed(before)
                  if 6 <= len(ln) <= 60 and not ln.endswith("。")
                  and not re.match(r"^(发表时间|发布时间|来源|摘要|作者|编辑|【|\[|您的位置|字号)", ln)
                  and not _STAMP_RE.search(ln)), None)
    if title is None:
        title = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:60]
    return {"title": title, "dateline": dateline, "headings": headings, "end_mark": end_mark}


def published(text: str, dateline: str | None = None) -> tuple[dt.datetime | None, str]:
    """The publication time and how it was found: the page's timestamp (发表时间 2021-02-07
    00:54:07) or a date written before the body (2021年2月7日), Beijing time; else the
    dateline's day (2月6日电) in the latest year the text names (the year after, if the text
    dates something later that year); else None."""
    tz = dt.timezone(dt.timedelta(hours=8))
    body = text.find(dateline) if dateline else -1
    head = text[:body] if body >= 0 else text[:200]
    m = _STAMP_RE.search(head) or _STAMP_RE.search(text)
    if m:
        y, mo, d, h, mi, s = (int(x or 0) for x in m.groups())
        try:
            return dt.datetime(y, mo, d, h, mi, s, tzinfo=tz), "the page's timestamp"
        except ValueError:
            pass
    m = _CN_DATE_RE.search(head)
    if m:
        try:
            return dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=tz), "the date before the body"
        except ValueError:
            pass
    md = re.search(r"([0-9]{1,2})月([0-9]{1,2})日电", dateline or "")
    years = [int(y) for y in re.findall(r"((?:19|20)[0-9]{2})年", text)]
    if md and years:
        y = max(years)
        dated = [(int(a), int(b or 12)) for a, b in re.findall(r"((?:19|20)[0-9]{2})年(?:([0-9]{1,2})月)?", text)]
        try:
            day = dt.datetime(y, int(md[1]), int(md[2]), tzinfo=tz)
            if any(a == y and b > int(md[1]) for a, b in dated) or "十三五" in text and y == 2020:
                day = day.replace(year=y + 1)
            return day, "the dateline's day in the latest year the text names"
        except ValueError:
            pass
    return None, ""


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------

def _bounds(text: str, i: int, j: int, stops: str, lo: int, hi: int) -> tuple[int, int]:
    """The span around text[i:j] up to the nearest stop characters (a ',' between two digits is
    a thousands separator, not a stop)."""
    def stop(k: int) -> bool:
        c = text[k]
        if c == "," and 0 < k < len(text) - 1 and text[k - 1].isdigit() and text[k + 1].isdigit():
            return False
        return c in stops or (c == "," and "，" in stops)
    a = i
    while a > lo and not stop(a - 1):
        a -= 1
    b = j
    while b < hi and not stop(b):
        b += 1
    while a < i and text[a] in " \t\u3000":
        a += 1
    while b > j and text[b - 1] in " \t\u3000":
        b -= 1
    return a, b


def _unit(f: Found, text: str, conventions: Conventions, measure_words: dict) -> str | None:
    r = f.reading
    if r is None:
        return None
    if r.form == "date":
        return "date"
    units = measure_words.get(r.unit_word, frozenset())
    if r.unit_word and len(units) == 1:
        return next(iter(units))
    if r.unit_word not in ("", "个"):
        return None
    if r.unit_word == "" and r.digits and not r.digits[0].isdigit():
        return None            # a bare Chinese numeral (百色, 七星): a name or a phrase
    stop = f.end
    while stop < len(text) and stop < f.end + 7 and text[stop] not in _CLAUSE_END + ",":
        stop += 1
    after = text[f.end:stop]
    before = text[max(0, f.start - 6):f.start]
    if r.unit_word == "":
        for word, unit in NOUNS:      # 总人口36.8万: the noun right before the figure
            if before.endswith(word) and unit != "household":
                return unit
    best = None
    for word, unit in NOUNS:
        k = after.find(word)
        if k >= 0 and (unit in units or not units) and (best is None or k < best[0]):
            best = (k, unit)
    if best is not None:
        return best[1]
    if r.unit_word == "个":       # 乡镇卫生院12个: the noun that ends nearest the figure
        near = [(before.rfind(w) + len(w), len(w), u) for w, u in NOUNS if w in before and u in units]
        return max(near)[2] if near else "item"
    return None


def _quoted(text: str, i: int, j: int) -> tuple[int, int] | None:
    """The span of a short quoted name “…” around text[i:j], if any."""
    a = text.rfind("“", max(0, i - 10), i + 1)
    if a < 0:
        return None
    b = text.find("”", j, j + 10)
    if b < 0 or "”" in text[a + 1:i]:
        return None
    return a, b + 1


def _years(s: str) -> list[tuple[int, int]]:
    """(position, year) of each YYYY年 in s."""
    return [(m.start(), int(m[1])) for m in re.finditer(r"((?:19|20)[0-9]{2})年", s)]


_CN_SMALL = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9, "十": 10}


def _framing_years(text: str, c: DraftClaim, figures_at: list[int]) -> list[tuple[int, int]]:
    """(position, year) of each YYYY年 in the sentences of the claim's paragraph before its
    own that *frames* the paragraph: a year in a sentence that carries no figure of its own,
    one that sets the scene (2020年初来势汹汹的新冠肺炎疫情令人人自危).  A year in a sentence
    with figures (其中2020年完成8650万元; 2020年,岚山县共帮助14280名…) is those figures'
    period, never a later sentence's; *figures_at* are the positions of the claims before it."""
    lo, hi = c.paragraph
    out = []
    for pos, y in _years(text[lo:c.sentence[0]]):
        a, b = _bounds(text, lo + pos, lo + pos + 5, _SENTENCE_END, lo, hi)
        if not any(a <= k < b for k in figures_at):
            out.append((lo + pos, y))
    return out


def _period(text: str, c: DraftClaim, pub: dt.date, start_month: str | None,
            figures_at: list[int] | None = None) -> tuple[str, str]:
    """The claim's period in the claims grammar, and the words that decided it: from its
    clause, else its sentence, else a year that frames its paragraph (:func:`_framing_years`;
    *figures_at*: the positions of the claims before it, which bind the years of their own
    sentences)."""
    py = pub.year
    framing = _framing_years(text, c, figures_at or [])
    f = c.found
    if c.unit == "date":
        return "unstated", "a date"
    if c.unit == "year":
        n = int(c.number)
        if 1 <= n <= 30:
            return f"{py - n}–{py - 1}", f"{c.written}来: the {n} years before publication"
        return "unstated", "a number of years"
    cl = text[c.clause[0]:f.start]
    se = text[c.sentence[0]:f.start]
    whole_sentence = text[c.sentence[0]:c.sentence[1]]

    def ranged(s: str) -> tuple[str, str] | None:
        m = None
        for m in re.finditer(r"(?:([0-9]+)|([一两二三四五六七八九十]))年来", s):
            pass
        if m:
            n = int(m[1]) if m[1] else _CN_SMALL[m[2]]
            return f"{py - n}–{py - 1}", f"{m.group()}"
        m = None
        for m in re.finditer(r"((?:19|20)[0-9]{2})年(?:[0-9]{1,2}月)?(?:以来|起|至今)", s):
            pass
        if m:
            return f"{m[1]}–publication", m.group()
        m = None
        for m in re.finditer(r"(?:截至|截止|至)((?:19|20)[0-9]{2})年(?:([0-9]{1,2})月)?(?:底|末)?", s):
            pass
        if m:
            y, mo = int(m[1]), int(m[2] or 12)
            if start_month and start_month < f"{y:04d}-{mo:02d}":
                return f"{start_month}–{y:04d}-{mo:02d}", m.group() + " (from the start the article gives)"
            return f"{y}", m.group()
        if re.search(r"(截至|截止)目前", s):
            ys = _years(text[c.sentence[0]:f.start]) or framing
            if ys and ys[-1][1] < py:
                return f"{ys[-1][1]}–publication", "截至目前, from the year that frames the paragraph"
            return "publication", "截至目前"
        if re.search(r"目前|至今|迄今", s):
            return "publication", "目前"
        if "十三五" in s:
            return "2016–2020", "十三五"
        return None

    # growth rates: 同比2015年增长 (to the sentence's later year), 同比增长 (a year on year), 年均
    if c.unit == "percent" and f.direction:
        m = re.search(r"同比((?:19|20)[0-9]{2})年$", text[c.clause[0]:f.start - len(f.direction)])
        if m:
            y0 = int(m[1])
            later = [y for _, y in _years(whole_sentence) if y > y0]
            return f"{y0}–{max(later) if later else py - 1}", m.group()
        if "年均" in text[max(c.clause[0], f.start - 6):f.start]:
            m = None
            for m in re.finditer(r"同比((?:19|20)[0-9]{2})年", se):
                pass
            if m:
                y0 = int(m[1])
                later = [y for _, y in _years(whole_sentence) if y > y0]
                return f"{y0}–{max(later) if later else py - 1}", "年均, after " + m.group()
            r = ranged(se)
            if r and "–" in r[0] and "publication" not in r[0]:
                return r
        if "同比" in text[max(c.clause[0], f.start - 8):f.start]:
            ys = _years(se)
            if ys:
                return f"{ys[-1][1] - 1}–{ys[-1][1]}", "同比: a year on the sentence's year"
    # a change in points or a signed change from a year: from that year to the period's end
    if c.unit == "percentage_point" or (f.direction and c.unit != "percent"):
        m = re.search(r"[从由]((?:19|20)[0-9]{2})年", whole_sentence)
        if m:
            y0 = int(m[1])
            later = [y for _, y in _years(whole_sentence) if y > y0]
            y1 = 2020 if "十三五" in whole_sentence else (max(later) if later else py - 1)
            if y1 > y0:
                return f"{y0}–{y1}", m.group() + " to the end of the sentence's period"
    # a level the figure fell or rose to: the end of the sentence's period
    if re.search(r"(降至|降为|降到|升至|增至|提高到|提高至)$", text[max(c.sentence[0], f.start - 3):f.start]):
        if "十三五" in text[c.sentence[0]:c.sentence[1]]:
            return "2020", "降至, the end of 十三五"
        ys = [y for _, y in _years(whole_sentence)]
        if ys and max(ys) > min(ys):
            return f"{max(ys)}", "降至, the sentence's later year"
    ys = _years(cl)
    r = ranged(cl)
    if r:
        return r
    if ys:
        return f"{ys[-1][1]}", f"{ys[-1][1]}年 in the clause"
    r = ranged(se)
    if r:
        return r
    ys = _years(se)
    if ys:
        return f"{ys[-1][1]}", f"{ys[-1][1]}年 in the sentence"
    if framing:
        return f"{framing[-1][1]}", f"{framing[-1][1]}年, which frames the paragraph"
    return "unstated", "no year or period phrase before it in its sentence or framing its paragraph"


def _measure(c: DraftClaim, text: str) -> str:
    if c.unit == "date":
        return "date"
    if c.unit == "year":
        return "duration"
    if c.unit == "percentage_point" or (c.unit in ("percent", "times") and c.found.direction):
        return "change"
    if c.unit in ("percent", "times"):
        return "rate"
    before = text[c.sentence[0]:c.found.start]
    if "–" in c.period or c.period == "publication" or any(w in before for w in _CUMULATIVE):
        return "cumulative"
    if re.fullmatch(r"[0-9]{4}", c.period):
        return "flow"
    return "stock"


def _topic(c: DraftClaim) -> str:
    return {"yuan": "funding", "percent": "rate", "percentage_point": "rate", "date": "timeline",
            "year": "timeline", "person": "people", "person_time": "people",
            "household": "people"}.get(c.unit, "count")


def _value(c_found: Found) -> str:
    r = c_found.reading
    if r.form == "date":  # type: ignore[union-attr]
        return r.iso  # type: ignore[union-attr]
    return format(r.value.normalize(), "f") if r.value != r.value.to_integral_value() else \
        format(r.value.quantize(Decimal(1)), "f")  # type: ignore[union-attr]


def _context(text: str, i: int, j: int, lo: int, hi: int, used: set[str]) -> str:
    """A short window of the text around text[i:j], unique among ``used``, within one line."""
    a, b = max(lo, i - 2), min(hi, j + 2)
    while "\n" in text[a:i]:
        a += 1
    while "\n" in text[j:b]:
        b -= 1
    ctx = text[a:b].strip()
    while ctx in used and (a > lo or b < hi):
        a, b = max(lo, a - 1), min(hi, b + 1)
        ctx = text[a:b].strip()
    return ctx


class DraftError(ValueError):
    """What the draft needs and cannot find in the text (one line)."""


def draft(text: str, *, slug: str = "draft", url: str | None = None, invented: bool = False,
          published_at: dt.datetime | None = None, accessed: dt.date | None = None,
          conventions: Conventions | None = None) -> Draft:
    """Draft a case from ``text`` (see the module docstring).  Pure: writes nothing.

    ``url``: the article's address (else one written in the text; a real article without one
    is refused with :class:`DraftError`); ``invented``: a made-up article, which has none."""
    from . import data as _data
    from .case import Structure

    from .written import _FOLD
    original = text
    text = text.translate(_FOLD).translate(_T2S)   # for matching; offsets are the original's
    fst = structure(text)
    st = dict(fst)

    def as_written(x: str | None) -> str | None:
        i = text.find(x) if x else -1
        return original[i:i + len(x)] if x and i >= 0 else x

    for key in ("dateline", "title", "end_mark"):
        st[key] = as_written(fst[key])
    st["headings"] = [as_written(h) for h in fst["headings"]]
    found_pub, how = published(text, fst["dateline"])
    pub = published_at or found_pub
    guessed = ["title", "structure.dateline", "structure.headings", "structure.end_mark"]
    todo = []
    if pub is None:
        pub = dt.datetime.combine(accessed or dt.date.today(), dt.time(0, 0),
                                  dt.timezone(dt.timedelta(hours=8)))
        todo.append("date_published (none found in the text: the draft's date stands in)")
    elif published_at is None:
        (guessed if how == "the page's timestamp" else todo).append(f"date_published (from {how})")
    accessed = accessed or max(dt.date.today(), pub.date())
    if url is None and not invented:
        m = _URL_RE.search(text)
        if m is None:
            raise DraftError("the article's address: give it with --url (none is written in the "
                             "text), or --invented for a made-up article")
        url = m.group()
        guessed.append("url (the first address written in the text)")
    url = url or ""
    authors: list[str] = []
    if st["dateline"]:
        i = original.find(st["dateline"]) + len(st["dateline"])
        m = re.match(r"[(（]([^()（）\n]{1,40})[)）]", original[i:])
        if m:
            folded = m.group(1).strip().translate(_T2S)
            lead = re.match(r"^(记者|通讯员)?\s*", folded).end()
            names = m.group(1).strip()[lead:]
            for n in (n for n in re.split(r"[\s、,，]+", names) if n):
                if len(n) == 1 and authors and len(authors[-1]) == 1:
                    authors[-1] += n               # 沈 永: a two-character name spaced out
                else:
                    authors.append(n)
    structure_obj = Structure(st["dateline"], tuple(st["headings"]), st["end_mark"])
    spans = _data.sections(original, structure_obj)
    lo, hi = spans[0][1], spans[-1][2]

    # the units a case may add: the common ones, declared in case.json when used
    conv = conventions or DEFAULT.with_(units=DRAFT_UNITS)
    from .written import known_units
    measure_words = known_units(conv)
    added = {(w, n): k for w, n, k in conv.units}

    found = find_figures(original, conv, lo, hi)
    claims: list[DraftClaim] = []
    excluded: list[dict[str, str]] = []
    used_ctx: set[str] = set()
    rejected: list[tuple[Found, str]] = []
    start_month = None
    for f in found:
        if f.kind == "date" and re.search(r"^\s*(起|以来)", text[f.end:f.end + 3]) and f.reading.iso:
            iso = f.reading.iso
            start_month = iso[:7] if len(iso) >= 7 else f"{iso[:4]}-01"
            break
    units_used: dict[str, set[tuple[str, str]]] = {}
    for f in found:
        r = f.reading
        why = ""
        q = _quoted(text, f.start, f.end)
        unit = _unit(f, text, conv, measure_words) if r is not None else None
        if (unit is None and r is not None and r.unit_word == "" and claims
                and re.search(r"(降至|降为|降到|升至|增至|提高到|提高至)$", text[max(0, f.start - 3):f.start])
                and claims[-1].clause == _bounds(text, f.start, f.end, _CLAUSE_END, lo, hi)):
            unit = claims[-1].unit    # 由21.11%降至0: the unit of the figure it falls from
        if f.kind == "month_day":
            why = "a date without a year (a dateline or a day of the month), not a statistic"
        elif f.kind == "ordinal":
            why = "an ordinal (第…), a rank, not a quantity"
        elif r is None:
            why = "not a figure the reader can read (a code, an identifier or a name)"
        elif q is not None and r.digits and not r.digits[0].isdigit():
            why = "part of a quoted name (e.g. “十三五”, the plan period), not a reported figure"
        elif re.match(r"^\s*[、.．)）]", text[f.end:f.end + 2]) and (
                f.start == 0 or text[f.start - 1] in "\n(（ \t\u3000"):
            why = "a list number, not a quantity"
        elif r.form == "date" and len(r.iso or "") == 4 and not re.match(r"^\s*(以来|起|至今)", text[f.end:f.end + 3]):
            why = "a year: it sets the period of the figures near it, not a figure itself"
        elif r.value == 1 and r.digits in ("一", "壹"):
            why = "一 with a measure word reads as 'a' or 'one' (一幅, 一场, 一批), not a figure"
        elif unit is None:
            why = ("a numeral with no unit the draft can tell (in a name, an idiom or a phrase): "
                   "if it is a figure, write its claim")
        elif unit == "level" and r.value < 2:
            why = "a level of one, not a figure"
        if why:
            rejected.append((f, why))
            continue
        cl = _bounds(text, f.start, f.end, _CLAUSE_END, lo, hi)
        se = _bounds(text, f.start, f.end, _SENTENCE_END, lo, hi)
        pa = _bounds(text, f.start, f.end, "\n", lo, hi)
        section = next(h for h, s, e in spans if s <= f.start < e)
        written = r.raw.strip()
        quote = original[cl[0]:cl[1]]
        if written not in quote:
            quote = original[min(cl[0], f.start):max(cl[1], f.end)]
        c = DraftClaim(id="", section=section, quote=quote, written=written, value=_value(f),
                       unit=unit, period="", measure="", topic="", en="", start=f.start,
                       end=f.end, found=f, sentence=se, paragraph=pa, clause=cl)
        # the claims before it: a year in a sentence of theirs is bound to them (_framing_years)
        c.period, because = _period(text, c, pub.date(), start_month, [x.start for x in claims])
        try:
            b = _data.period_bounds(c.period, pub.date())
            if b is not None and (b[1] > (pub.year, pub.month) or ("–" in c.period and not b[0] < b[1])):
                raise ValueError
        except ValueError:
            c.period, because = "unstated", f"{because}, which does not end by publication"
        c.measure = _measure(c, text)
        c.topic = _topic(c)
        c.id = f"c{len(claims) + 1:03d}_{unit}"
        c.en = f"[draft] {written} ({unit.replace('_', ' ')}, {c.period}): describe in English"
        c.notes = [f"unit {unit} from '{r.unit_word or text[f.end:f.end + 4]}'",
                   f"period {c.period} from {because}", f"measure {c.measure} guessed",
                   "en and topic to write"]
        if (r.unit_word, unit) in added:
            units_used.setdefault(r.unit_word, set()).add((unit, added[r.unit_word, unit]))
        claims.append(c)

    # reach[i]: the furthest end of a claim's quote that starts at or before i (a token is
    # covered when one quote holds all of it: the coverage rule of data.uncovered_tokens)
    reach = [0] * (len(original) + 1)
    for c in claims:
        for a in _data_spans(original, c.quote):
            reach[a] = max(reach[a], a + len(c.quote))
    for i in range(1, len(reach)):
        reach[i] = max(reach[i], reach[i - 1])
    covered: list[tuple[int, int]] = []     # the exclusions' contexts, as they are added
    for f, why in rejected:
        if reach[f.start] >= f.end or any(a <= f.start and f.end <= b for a, b in covered):
            continue
        q = _quoted(text, f.start, f.end)
        if q is not None and "name" in why:
            ctx = original[q[0]:q[1]]
        elif f.kind == "month_day" and st["dateline"] and f.start < lo + len(st["dateline"]):
            ctx = st["dateline"]
            why = "dateline: the day the report was filed, not a statistic"
        else:
            ctx = _context(original, f.start, f.end, lo, hi, used_ctx)
        if ctx in used_ctx:
            continue
        used_ctx.add(ctx)
        covered += [(a, a + len(ctx)) for a in _data_spans(original, ctx)]
        excluded.append({"context": ctx, "reason": f"[draft] {why}"})

    pub_iso = pub.isoformat()
    case = {
        "slug": slug,
        "article": "article.txt",
        "claims": "claims.csv",
        "excluded": "excluded_tokens.csv",
        "external": [],
        "relations": "relations.csv",
        "producer": (re.sub(r"[0-9]{1,2}月[0-9]{1,2}日.$", "", st["dateline"] or "").strip()
                     or "[draft] the outlet's name"),
        "title": st["title"],
        "title_en": "[draft] the title in English",
        "authors": authors or ["[draft] the authors' names"],
        "invented": invented,
        "url": url,
        "date_published": pub_iso,
        "date_accessed": accessed.isoformat(),
        "sha256": hashlib.sha256(original.encode("utf-8")).hexdigest(),
        "license": {"name": "[draft] the licence or the rights holder",
                    "notice": "Drafted by debao_audit draft. The text is its publisher's; "
                              "publish the quotes edition unless its licence allows more."},
        "structure": {"dateline": st["dateline"], "headings": st["headings"],
                      "end_mark": st["end_mark"]},
        "units": {w: list(next(iter(v))) if len(v) == 1 else sorted(map(list, v))
                  for w, v in sorted(units_used.items())},
    }
    todo += ["title_en", "license"] + ([] if authors else ["authors"])
    guessed += ["producer (from the dateline)"] + (["authors (from the byline)"] if authors else [])
    notes = ([{"file": "case.json", "id": "", "column": g.split(" ")[0], "note": "guessed: " + g}
              for g in guessed]
             + [{"file": "case.json", "id": "", "column": t.split(" ")[0], "note": "to do: " + t}
                for t in todo]
             + [{"file": "claims.csv", "id": c.id, "column": col.split(" ")[0], "note": col}
                for c in claims for col in c.notes])
    relations = suggest(claims, text, pub.date())
    return Draft(original, case, claims, excluded, relations, notes, guessed, todo)


def _data_spans(text: str, needle: str) -> list[int]:
    out, i = [], text.find(needle)
    while i >= 0 and needle:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


# --------------------------------------------------------------------------------------------
# Suggested relations: a bounded search
# --------------------------------------------------------------------------------------------

RELATION_FIELDS = ("check_id", "shape", "left", "right", "other", "years", "theme", "title",
                   "formula", "assumption", "explanation", "not_same", "inclusion",
                   "inclusion_reason", "assumes", "restates", "coincidence", "kind",
                   "display_unit", "places", "status")


def _fmt(x: Decimal | None) -> str:
    if x is None:
        return "∞"
    q = x.quantize(Decimal("0.01")) if abs(x) < 1000 else x.quantize(Decimal(1))
    s = format(q.normalize(), "f") if q == q.to_integral_value() or abs(x) < 1000 else format(q, "f")
    return s


def _iv(iv: Interval) -> str:
    return f"[{_fmt(iv.lo)}, {_fmt(iv.hi)}]"


def _theme(c: DraftClaim) -> str:
    return THEME_OF_UNIT.get(c.unit, "people")


def _rel(shape: str, left: list[DraftClaim], right: list[DraftClaim] | str,
         other: list[DraftClaim] | None = None, *, years: int | str = "", title: str,
         formula: str, assumption: str, explanation: str, inclusion: str = "",
         inclusion_reason: str = "", theme: str | None = None) -> dict[str, str]:
    rid = right if isinstance(right, str) else ";".join(c.id for c in right)
    ids = [c.id for c in left] + ([] if isinstance(right, str) else [c.id for c in right]) \
        + [c.id for c in (other or [])]
    row = {k: "" for k in RELATION_FIELDS}
    row.update(check_id=f"suggested_{shape}_" + "_".join(i.split("_")[0] for i in ids),
               shape=shape, left=";".join(c.id for c in left), right=rid,
               other=";".join(c.id for c in (other or [])), years=str(years),
               theme=theme or _theme(left[0]), title=title, formula=formula,
               assumption=assumption, explanation=explanation, inclusion=inclusion,
               inclusion_reason=inclusion_reason, status="suggested")
    return row


def _sum(cs: list[DraftClaim]) -> Interval:
    iv = cs[0].interval
    for c in cs[1:]:
        iv = iv + c.interval
    return iv


def _near(c: DraftClaim, pool: list[DraftClaim], k: int = WINDOW) -> list[DraftClaim]:
    return sorted((x for x in pool if x is not c), key=lambda x: abs(x.start - c.start))[:k]


def suggest(claims: list[DraftClaim], text: str, pub: dt.date) -> list[dict[str, str]]:
    """Relations among ``claims`` that the arithmetic (and a few words) suggest, each with its
    arithmetic: parts that sum to a total within rounding, parts named with 其中 against their
    total, shares, growth that compounds (or adds up), bases implied by a growth, per-unit
    values, a figure stated twice, a smaller figure of the same unit and noun inside a larger
    one, and the order of dates.  Bounded: see :data:`WINDOW` and :data:`NEAREST`."""
    out: list[dict[str, str]] = []
    seen: set[tuple] = set()
    ids: set[str] = set()

    def add(row: dict[str, str]) -> None:
        key = (row["shape"], row["left"], row["right"], row["other"])
        if key in seen:
            return
        seen.add(key)
        base, k = row["check_id"], 1
        while row["check_id"] in ids:      # the same figures in another arrangement
            k += 1
            row["check_id"] = f"{base}_{k}"
        ids.add(row["check_id"])
        out.append(row)

    by_sentence: dict[tuple[int, int], list[DraftClaim]] = {}
    by_paragraph: dict[tuple[int, int], list[DraftClaim]] = {}
    for c in claims:
        by_sentence.setdefault(c.sentence, []).append(c)
        by_paragraph.setdefault(c.paragraph, []).append(c)
    countable = [c for c in claims if c.unit not in ("date", "year", "percent", "percentage_point", "times")]
    is_count = {id(c) for c in countable}

    for t in countable:
        sent = by_sentence[t.sentence]
        after = text[t.end:t.sentence[1]]
        # parts named with 其中 after a total
        if after.lstrip(" ,，").startswith(_PARTS_WORD) or _PARTS_WORD in text[t.end:t.end + 4]:
            parts = [c for c in sent if c.start > t.end and c.unit == t.unit][:WINDOW]
            if parts:
                s = _sum(parts)
                holds = s.intersects(t.interval)
                shape = "sum_total" if (len(parts) > 1 and holds) else "part_whole"
                names = " + ".join(c.written for c in parts)
                add(_rel(shape, parts, [t],
                         title=f"{names} against {{{t.id}}}",
                         formula=(f"{'sum' if len(parts) > 1 else 'part'} {names} = {_iv(s)} "
                                  f"{'=' if shape == 'sum_total' else '≤'} {t.written} {_iv(t.interval)}"),
                         assumption="The article names the parts with 其中 right after the total.",
                         explanation="Parts named with 其中 make up (or lie within) their total; a "
                                     "part or the total may be mis-stated.",
                         inclusion="stated" if shape == "part_whole" else "",
                         inclusion_reason="The article writes 其中 right after the total."
                         if shape == "part_whole" else ""))
                continue
        # parts that sum to a total within rounding (2 or 3 of the paragraph's figures)
        pool = [c for c in _near(t, by_paragraph[t.paragraph], 8)
                if c.unit == t.unit and c.number < t.number and c.number > 0]
        for k in (2, 3):
            hit = None
            for combo in itertools.combinations(sorted(pool, key=lambda c: c.start), k):
                if _sum(list(combo)).intersects(t.interval) and all(c.interval.lo is not None and c.interval.hi is not None for c in combo):
                    hit = list(combo)
                    break
            if hit:
                s = _sum(hit)
                add(_rel("sum_total", hit, [t],
                         title=" + ".join(c.written for c in hit) + f" = {{{t.id}}}?",
                         formula=f"{' + '.join(c.written for c in hit)} = {_iv(s)} against {t.written} {_iv(t.interval)}",
                         assumption="The figures of the same unit in the paragraph are parts of the total.",
                         explanation="Found only because the sum agrees within rounding: it may be a coincidence."))
                break

    # flows over a period inside a cumulative figure over a longer one (same paragraph, unit);
    # a cumulative to date (截至目前: period 'publication', its start unstated) may start as
    # early as need be
    for w in countable:
        if "–" not in w.period and w.period != "publication":
            continue
        from .checks import period_span
        wb = period_span(w.period, pub)
        parts = [c for c in _near(w, by_paragraph[w.paragraph]) if c.unit == w.unit
                 and c.number < w.number and c.period != w.period and "–" not in c.period
                 and c.period != "publication"
                 and (cb := _period_days(c.period, pub)) is not None and wb is not None
                 and (wb[0] is None or wb[0] <= cb[0]) and cb[1].year <= wb[1].year]
        if parts:
            parts.sort(key=lambda c: c.start)
            s = _sum(parts)
            names = " + ".join(c.written for c in parts)
            add(_rel("part_whole", parts, [w], title=f"{names} ({parts[0].period}) within {{{w.id}}} ({w.period})",
                     formula=f"{names} = {_iv(s)} ≤ {w.written} {_iv(w.interval)}",
                     assumption=f"Figures over {parts[0].period} are part of the total over {w.period}.",
                     explanation="A flow inside the period of a cumulative total cannot exceed it.",
                     inclusion="not_stated",
                     inclusion_reason="Suggested from the periods alone; the article does not say "
                                      "the total includes them."))

    # within a sentence: people placed in the posts it creates; persons or person-times reached
    # (受益, 惠及, 覆盖, 带动) that include the sentence's other figures of the same unit
    for s_, cs in by_sentence.items():
        cs = cs[:WINDOW]
        for post in (c for c in cs if c.unit == "post"):
            for person in (c for c in cs if c.unit == "person" and c.start > post.start):
                add(_rel("part_whole", [person], [post], title=f"{{{person.id}}} placed in {{{post.id}}}",
                         formula=f"{person.written} ≤ {post.written}",
                         assumption="Each person placed fills one of the posts.",
                         explanation="More people placed than posts points to a wrong figure.",
                         inclusion="not_stated",
                         inclusion_reason="Suggested: the sentence creates the posts and places the people."))
                break
        for whole in cs:
            if not re.search(r"(受益|惠及|覆盖|带动)\S{0,6}$", text[whole.clause[0]:whole.start]):
                continue
            for part in cs:
                if part is not whole and part.unit == whole.unit and part.number < whole.number \
                        and part.unit in ("person", "person_time", "household"):
                    add(_rel("part_whole", [part], [whole], title=f"{{{part.id}}} within {{{whole.id}}}",
                             formula=f"{part.written} ≤ {whole.written}",
                             assumption="The people reached include those counted before them.",
                             explanation="A part cannot exceed the whole it is counted in.",
                             inclusion="not_stated",
                             inclusion_reason="Suggested: the same sentence counts both; the "
                                              "article does not say one contains the other."))

    # difference in percentage points: a rate, the fall, the earlier rate
    for d in (c for c in claims if c.unit == "percentage_point"):
        rates = [c for c in _near(d, by_paragraph[d.paragraph]) if c.unit == "percent" and not c.found.direction]
        for a, b in itertools.permutations(rates, 2):
            if (a.interval + d.interval).intersects(b.interval) and a.number < b.number:
                add(_rel("sum_total", [a, d], [b], theme="poverty",
                         title=f"{{{a.id}}} plus a change of {{{d.id}}} against {{{b.id}}}",
                         formula=f"{a.written} + {d.written} = {_iv(a.interval + d.interval)} against {b.written}",
                         assumption="The change in points is the difference of the two rates.",
                         explanation="A change in a rate is measured in percentage points."))
                break

    # shares: part / whole × 100 against a percent
    for p in (c for c in claims if c.unit == "percent" and not c.found.direction):
        pool = [c for c in _near(p, by_paragraph[p.paragraph]) if id(c) in is_count and c.number > 0]
        for a, b in itertools.permutations(pool, 2):
            if a.unit != b.unit or not a.number < b.number or b.interval.lo in (None, Decimal(0)):
                continue
            sh = a.interval / b.interval * Interval.point(Decimal(100))
            if sh.intersects(p.interval):
                add(_rel("share", [a], [b], [p], title=f"Share of {{{a.id}}} in {{{b.id}}}",
                         formula=f"{a.written} / {b.written} × 100 = {_iv(sh)}% against {p.written}",
                         assumption="The share is of the whole the paragraph states.",
                         explanation="A share should be the part over the whole, rounded as written."))
                break

    # growth: a total rate and an average annual rate; a level and its growth
    for s, cs in by_sentence.items():
        rates = [c for c in cs if c.unit == "percent" and c.found.direction]
        for tot, ann in itertools.permutations(rates, 2):
            if "年均" not in text[max(ann.clause[0], ann.start - 6):ann.start] or "年均" in text[max(tot.clause[0], tot.start - 6):tot.start]:
                continue
            n = _span_years(tot.period)
            if not n or n < 2:
                continue
            comp = ((Decimal(1) + tot.number / 100) ** (Decimal(1) / n) - 1) * 100
            lin = tot.number / n
            close = abs(comp - ann.number) <= GROWTH_TOLERANCE * abs(ann.number) + Decimal("0.05")
            add(_rel("compound_growth", [tot], [ann], years=n, theme="income",
                     title=f"Average annual growth implied by +{{{tot.id}}} over {tot.period}",
                     formula=(f"(1 + {tot.written})^(1/{n}) − 1 = {comp:.2f}% (compounded); "
                              f"{tot.written} / {n} = {lin:.2f}% (not compounded); "
                              f"against {ann.written}" + ("" if close else ": neither is close")),
                     assumption=f"Both rates cover the same {n} years, {tot.period}.",
                     explanation="Total growth over n years compounds; it is not n times the annual rate."))
        levels = [c for c in cs if id(c) in is_count and c.number > 0]
        for g in rates:
            lvl = [c for c in levels if c.start < g.start]
            if not lvl:
                continue
            lv = max(lvl, key=lambda c: c.start)
            annual = "年均" in text[max(g.clause[0], g.start - 6):g.start]
            n = _span_years(g.period) if annual else 1
            if not n:
                continue
            add(_rel("base_from_growth", [lv], [g], years=n,
                     title=f"Base implied by {{{lv.id}}} and +{{{g.id}}}",
                     formula=f"{lv.written} / (1 + {g.written})" + (f"^{n}" if n > 1 else "")
                             + f" = {_fmt(lv.number / (1 + g.number / 100) ** n)}",
                     assumption=f"The growth {g.written} is of the level {lv.written} ({g.period}).",
                     explanation="A derived base: nothing to hold it against until the author adds one."))

    # per-unit values: an amount over the nearest count of another unit in the sentence
    for s, cs in by_sentence.items():
        amounts = [c for c in cs if c.unit in ("yuan", "person", "person_time", "household") and c.number > 0]
        counts = [c for c in cs if id(c) in is_count and c.number > 0]
        for a in amounts:
            others = [c for c in counts if c.unit != a.unit and c.number < a.number
                      and not (a.unit == "person" and c.unit == "person_time")]
            cand = []     # the nearest count of each unit on either side
            for u in dict.fromkeys(c.unit for c in others):
                cand += [max((c for c in others if c.start < a.start and c.unit == u), key=lambda c: c.start, default=None),
                         min((c for c in others if c.start > a.start and c.unit == u), key=lambda c: c.start, default=None)]
            for b in (c for c in cand if c is not None):
                quotient = a.number / b.number
                held = next((c for c in cs if c is not a and c is not b and c.unit == a.unit
                             and any(w in text[max(c.clause[0], c.start - 4):c.start] for w in _PER_WORDS)), None)
                add(_rel("per_unit", [a], [b], [held] if held else None,
                         title=f"{{{a.id}}} per {{{b.id}}}",
                         formula=f"{a.written} / {b.written} = {_fmt(quotient)}"
                                 + (f" against {held.written}" if held else ""),
                         assumption="The amount is spread over the count the same sentence gives.",
                         explanation="A per-unit value: a figure far from a plausible size points to "
                                     "a wrong figure or unit."))

    # a figure stated twice; a smaller figure of the same unit and noun inside a larger one
    by_unit: dict[str, list[DraftClaim]] = {}
    for c in countable:
        by_unit.setdefault(c.unit, []).append(c)
    for u, cs in by_unit.items():
        cs_sorted = sorted(cs, key=lambda c: c.start)
        groups: dict[Decimal, list[DraftClaim]] = {}
        for c in cs_sorted:
            groups.setdefault(c.number, []).append(c)
        for v, g in groups.items():
            for a, b in zip(g, g[1:]):
                if _noun(a, text) and _noun(a, text) == _noun(b, text):
                    add(_rel("equals", [a], [b], title=f"{{{a.id}}} and {{{b.id}}}, stated twice",
                             formula=f"{a.written} = {b.written}",
                             assumption="Both figures count the same thing.",
                             explanation="A figure stated twice should be the same both times."))
        by_value = sorted(cs, key=lambda c: c.number)
        for i, a in enumerate(by_value):
            na = _noun(a, text)
            if not na:
                continue
            wholes = []
            for b in by_value[i + 1:i + 1 + 4 * WINDOW]:   # a bounded look among the larger
                if b.number > a.number and _noun(b, text) == na and b.interval.lo is not None:
                    wholes.append(b)
                    if len(wholes) == NEAREST:
                        break
            for b in wholes:
                add(_rel("part_whole", [a], [b], title=f"{{{a.id}}} within {{{b.id}}}",
                         formula=f"{a.written} ≤ {b.written}",
                         assumption=f"Both count {na}; the smaller is a part of the larger.",
                         explanation="A part cannot exceed its whole.",
                         inclusion="not_stated",
                         inclusion_reason=f"Suggested because both figures count {na}; the "
                                          "article does not say that one contains the other."))

    # dates: a start before every later date, every date before publication
    dates = sorted((c for c in claims if c.unit == "date"), key=lambda c: c.start)
    starts = [c for c in dates if re.match(r"^\s*(起|以来)", text[c.end:c.end + 3])]
    for s in starts:
        for d in dates:
            if d is not s and d.interval.lo >= s.interval.lo:
                add(_rel("date_order", [s], [d], theme="timeline",
                         title=f"{{{s.id}}} before {{{d.id}}}", formula=f"{s.written} ≤ {d.written}",
                         assumption="What began first is dated first.",
                         explanation="Dates out of order point to a wrong year."))
    for d in dates:
        add(_rel("date_order", [d], "publication", theme="timeline",
                 title=f"{{{d.id}}} before publication", formula=f"{d.written} ≤ publication",
                 assumption="The article reports the event as done.",
                 explanation="A reported event cannot be dated after the article."))
    return out


def _period_days(period: str, pub: dt.date) -> tuple[dt.date, dt.date] | None:
    from .checks import period_span
    sp = period_span(period, pub)
    if sp is None or sp[0] is None:
        return None
    return sp[0], sp[1]


def _span_years(period: str) -> int | None:
    m = re.fullmatch(r"([0-9]{4})–([0-9]{4})", period)
    return int(m[2]) - int(m[1]) if m else None


_NOUN_RE = re.compile(r"(贫困村|贫困户|贫困人口|贫困劳动力|行政村|人口|劳动力|教师|学生|岗位|项目|企业|社区|街道|卫生院|卫生室|村|户)")


def _noun(c: DraftClaim, text: str) -> str:
    """The noun a count counts: the first of a few known nouns right after it, else before it
    in its clause; households and villages count households and villages whatever follows."""
    if c.unit in ("household", "village"):
        return c.unit
    m = _NOUN_RE.search(text, c.end, min(c.end + 6, c.clause[1]))
    if m:
        return m.group()
    m = None
    for m in _NOUN_RE.finditer(text, c.clause[0], c.start):
        pass
    return m.group() if m else ""


# --------------------------------------------------------------------------------------------
# Writing the folder
# --------------------------------------------------------------------------------------------

def write(d: Draft, folder: str | Path, force: bool = False) -> Path:
    """Write the draft into ``folder`` (created; an existing non-empty folder is refused unless
    ``force``), then validate it; a suggested relation whose arithmetic the engine cannot run
    on these figures is dropped.  Written to a temporary folder first: all or nothing."""
    import csv
    import os
    import shutil
    import tempfile

    from . import case as _case
    from . import checks as _checks
    from . import data as _data
    from .validate import validate_case

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not force:
        raise FileExistsError(f"{folder}: expected a new or empty folder for the draft; found files "
                              "(give --force to replace them)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".draft-", dir=folder.parent))
    tmp = scratch / folder.name          # the case folder's own name: its slug
    tmp.mkdir()
    try:
        (tmp / "article.txt").write_bytes(d.text.encode("utf-8"))
        (tmp / "case.json").write_text(json.dumps(d.case, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")

        def table(name: str, cols: tuple[str, ...], rows: list[dict[str, str]]) -> None:
            with (tmp / name).open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)

        table("claims.csv", _data.CLAIM_COLUMNS, [c.row() for c in d.claims])
        table("excluded_tokens.csv", ("context", "reason"), d.excluded)
        table("draft_notes.csv", ("file", "id", "column", "note"), d.notes)
        # keep only the suggested relations the engine can run on these figures
        table("relations.csv", RELATION_FIELDS, d.relations)
        c = _case.load(tmp)
        figs = _checks.load_figures(case=c)
        from . import shapes
        keep = []
        for row in d.relations:
            try:
                (chk,) = shapes.compile_rows([row], c.relations)
                from dataclasses import replace
                chk = replace(chk, claims=tuple(k for k in chk.claims if k in figs.claims))
                _checks.classify(chk, figs)
                chk.compute(figs)
            except Exception:  # noqa: BLE001 - a suggestion the engine cannot run is dropped
                continue
            keep.append(row)
        # what validation refuses in a suggestion (a rule the engine adds later) drops that
        # suggestion, never the draft: at most one pass per suggestion
        for _ in range(len(keep) + 1):
            table("relations.csv", RELATION_FIELDS, keep)
            try:
                validate_case(tmp)
                break
            except _data.DataError as e:
                if Path(e.file).name != "relations.csv" or not e.row or e.row > len(keep):
                    raise
                del keep[e.row - 1]
        d.relations[:] = keep
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder
