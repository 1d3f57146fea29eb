"""Loading and validating the project's data files.

Every loader checks its file completely and raises one :class:`DataError` naming the file, the
row, the column and what was expected.  Nothing here writes; the writers (:func:`write_csv`)
write to a temporary file and rename it, so a failure never leaves a half-written output.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from .interval import Interval
from . import written as _written
from .written import (DEFAULT, UNITS, Conventions, ReadError, Reading, base_units,
                      iso_to_interval, read)

#: The project's root (``data/``, ``fonts/``): the source tree this module sits in, or, for an
#: installed wheel (JupyterLite, a kernel elsewhere), the directory named by ``DEBAO_AUDIT_ROOT``.
ROOT_ENV = "DEBAO_AUDIT_ROOT"
ROOT = Path(os.environ.get(ROOT_ENV) or Path(__file__).resolve().parents[2]).resolve()
DATA = ROOT / "data"
#: This repository's own case's files, as its ``data/case.json`` names them (the engine knows
#: no file of it): ``data.CLAIMS`` is ``case.default().claims``, and so on.
_OWN_FILES = {"ARTICLE": "article", "ARTICLE_META": "meta", "CLAIMS": "claims",
              "EXCLUSIONS": "excluded", "UNCHECKED": "unchecked"}


def __getattr__(name: str) -> Path:
    from .case import default
    if name in _OWN_FILES:
        return getattr(default(), _OWN_FILES[name])
    if name == "RAW":            # the folder of the article
        return default().article.parent
    if name == "EXTERNAL":       # the folder of the (first) external figures table
        return default().external[0].parent
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _own(name: str, given: Path | None) -> Path:
    """``given``, or this repository's own case's file (:data:`_OWN_FILES`)."""
    return given if given is not None else __getattr__(name)
#: The one output setting: every output goes under this directory, laid out like the repository
#: (``figures/``, ``data/processed/``).  The environment variable ``DEBAO_AUDIT_OUTPUT``, read
#: once when the package is imported, redirects all of them (the build stages into it, the tests
#: point it at a temporary directory); the default is the repository itself.
OUTPUT_ENV = "DEBAO_AUDIT_OUTPUT"
OUTPUT = Path(os.environ.get(OUTPUT_ENV) or ROOT).resolve()
PROCESSED = OUTPUT / "data" / "processed"
FIGURES = OUTPUT / "figures"
#: Where a notebook keeps a reader's own work (notebook 08's copy of a case): the directory
#: named by ``DEBAO_AUDIT_WORK`` (the build and the tests give each notebook a temporary one),
#: else the current directory (the notebook's own folder in JupyterLab).
WORK_ENV = "DEBAO_AUDIT_WORK"


def work_dir() -> Path:
    """The directory for a reader's own work (see :data:`WORK_ENV`)."""
    return Path(os.environ.get(WORK_ENV) or ".")


#: Outputs are readable by everyone, whatever the umask or the temporary file's mode.
OUTPUT_MODE = 0o644

CLAIM_COLUMNS = ("id", "section", "quote", "written", "value", "unit", "period", "measure",
                 "topic", "en")
MEASURES = ("stock", "flow", "cumulative", "rate", "change", "duration", "date")
EXTERNAL_COLUMNS = ("id", "source", "source_url", "quote")
EXTERNAL_OPTIONAL = ("geography", "indicator", "written", "note")
CONFIDENCE = ("high", "medium-high", "medium", "medium-low", "low")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: A value in base units as stored: what the schema's pattern allows, checked again here.
DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class DataError(ValueError):
    """A data file does not meet its contract.

    ``row`` counts data rows from 1 (0 is the header row); ``line`` is the line in the file
    (by default ``row + 1``; a CSV field with a newline makes them differ); ``col`` a character
    position in that line, where there is one (encoding and JSON errors)."""

    def __init__(self, file: Path | str, row: int | None, column: str | None, expected: str,
                 got: object = None, *, line: int | None = None, col: int | None = None):
        self.file, self.row, self.column, self.expected, self.got = file, row, column, expected, got
        self.line = line if line is not None or row is None else row + 1
        self.col = col
        where = f"{_rel(file)}"
        if row is not None:
            where += f", row {row} (line {self.line})"
        elif line is not None:
            where += f", line {line}"
        if col is not None:
            where += f", character {col}"
        if column is not None:
            where += f", column '{column}'"
        msg = f"{where}: expected {expected}"
        if got is not None:
            msg += f"; got {got!r}"
        super().__init__(msg)


def _rel(p: Path | str) -> str:
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


# --------------------------------------------------------------------------------------------
# The article
# --------------------------------------------------------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_text(path: Path) -> str:
    """A UTF-8 text file; a DataError (with line and character) at the first byte that is not
    UTF-8, or for a byte-order mark."""
    if not path.is_file():
        raise DataError(path, None, None, "the file to exist")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise DataError(path, None, None, "UTF-8 text", f"byte(s) {raw[e.start:e.end]!r} "
                        f"at byte offset {e.start}", line=line, col=col) from None
    if text.startswith("\ufeff"):
        raise DataError(path, None, None, "UTF-8 without a byte-order mark", "a BOM",
                        line=1, col=1)
    return text


#: How deeply a JSON input may nest (the metadata and the data package need about 8 levels).
JSON_MAX_DEPTH = 64


def _json_position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_json_depth(path: Path, text: str) -> None:
    """Refuse nesting deeper than :data:`JSON_MAX_DEPTH` before parsing (Python's parser would
    recurse past its limit on a deep enough file)."""
    depth, in_string, escape = 0, False, False
    for k, ch in enumerate(text):
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > JSON_MAX_DEPTH:
                line, col = _json_position(text, k)
                raise DataError(path, None, None, f"JSON nested at most {JSON_MAX_DEPTH} levels "
                                "deep", f"more than {JSON_MAX_DEPTH} levels", line=line, col=col)
        elif ch in "]}":
            depth -= 1


def read_json(path: Path) -> object:
    """A JSON file: UTF-8, nested at most :data:`JSON_MAX_DEPTH` deep, no key twice in one
    object (JSON parsers disagree on which one wins); DataError with line and character."""
    text = read_text(path)
    _check_json_depth(path, text)

    def pairs(items: list) -> dict:
        seen: dict = {}
        for key, value in items:
            if key in seen:
                raise _DuplicateKey(key)
            seen[key] = value
        return seen

    try:
        return json.loads(text, object_pairs_hook=pairs)
    except _DuplicateKey as e:
        key = e.args[0]
        needle = json.dumps(key, ensure_ascii=False)
        first = text.find(needle)
        second = text.find(needle, first + 1) if first >= 0 else -1
        line, col = _json_position(text, second) if second >= 0 else (None, None)
        raise DataError(path, None, key, "each key once in an object", f"the key {key!r} twice",
                        line=line, col=col) from None
    except (json.JSONDecodeError, RecursionError) as e:
        if isinstance(e, RecursionError):
            raise DataError(path, None, None, "JSON the parser can read", "nesting too deep",
                            line=1) from None
        lines = text.splitlines()
        near = lines[e.lineno - 1][max(0, e.colno - 20):e.colno + 20] if lines else "an empty file"
        raise DataError(path, None, None, f"valid JSON ({e.msg})", near,
                        line=e.lineno, col=e.colno) from None


class _DuplicateKey(Exception):
    pass


#: Control characters no text field may hold (C0 but tab, newline and carriage return; DEL; C1).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """A description of the first control character in ``text`` (None if there is none)."""
    m = _CONTROL.search(text)
    return None if m is None else f"U+{ord(m.group()):04X} (a control character) at character {m.start() + 1}"


def article_meta(path: Path | None = None) -> dict:
    path = _own("ARTICLE_META", path)
    meta = read_json(path)
    if not isinstance(meta, dict):
        raise DataError(path, None, None, "a JSON object", type(meta).__name__, line=1)
    return meta


_HTTP = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def check_url(path: Path, row: int | None, column: str, url: str) -> None:
    """An absolute http or https URL (nothing else may end up in a page's href)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url) if _HTTP.match(url) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise DataError(path, row, column, "an http:// or https:// URL", url)


def check_article_meta(path: Path | None = None, article: Path | None = None) -> dict:
    """The metadata's domain rules: the checksum is the article's, dates parse and are in order,
    URLs are http/https."""
    import datetime as dt

    path = _own("ARTICLE_META", path)
    meta = article_meta(path)
    for key in ("sha256", "date_published", "date_accessed", "url"):
        if key == "url" and meta.get("invented") is True and meta.get("url") == "":
            continue
        if not isinstance(meta.get(key), str) or not meta[key]:
            raise DataError(path, None, key, f"a key '{key}' with a string value", meta.get(key))
    try:
        published = dt.datetime.fromisoformat(meta["date_published"])
    except ValueError:
        raise DataError(path, None, "date_published", "an ISO date and time "
                        "(YYYY-MM-DDTHH:MM:SS+08:00)", meta["date_published"]) from None
    try:
        accessed = dt.date.fromisoformat(meta["date_accessed"])
    except ValueError:
        raise DataError(path, None, "date_accessed", "an ISO date (YYYY-MM-DD)",
                        meta["date_accessed"]) from None
    if accessed < published.date():
        raise DataError(path, None, "date_accessed", f"a date on or after date_published "
                        f"({published.date()})", meta["date_accessed"])
    if not (meta.get("invented") is True and meta["url"] == ""):
        check_url(path, None, "url", meta["url"])  # an invented article has no address
    lic = meta.get("license")
    if isinstance(lic, dict) and "url" in lic:
        check_url(path, None, "license.url", str(lic["url"]))
    return meta


def published_date(meta: Path | None = None):
    """The article's publication date (the meaning of the period 'publication')."""
    import datetime as dt

    return dt.datetime.fromisoformat(check_article_meta(_own("ARTICLE_META", meta))
                                     ["date_published"]).date()


def load_article(path: Path | None = None, meta: Path | None = None) -> str:
    """The article text, after checking it against the checksum in its metadata file."""
    path, meta = _own("ARTICLE", path), _own("ARTICLE_META", meta)
    info = article_meta(meta)
    expected = info.get("sha256")
    if not isinstance(expected, str) or not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise DataError(meta, None, "sha256", "the article's sha256 (64 hex digits)", expected)
    text = read_text(path)
    got = sha256(path)
    if got != expected:
        raise DataError(path, None, None, f"sha256 {expected} (from {_rel(meta)}): the raw "
                        "article must stay byte-identical to the published capture", got)
    return text


def sections(text: str, structure: object = None,
             path: Path | None = None) -> list[tuple[str, int, int]]:
    """The article's sections as (heading, start, end) character offsets into ``text``.

    ``structure`` (a :class:`debao_audit.case.Structure`; default: the repository's own case's,
    read from ``data/case.json``) gives the
    dateline, the heading lines and the end mark.  The body runs from the dateline (or the
    text's start when there is none) to the end mark (or the text's end); headings are lines
    that are exactly one of the headings, in that order, inside the body.  A DataError names
    what is missing."""
    if structure is None:
        from .case import default
        structure, path = default().structure, _own("ARTICLE", path)
    path = path if path is not None else "the article"
    dateline = structure.dateline  # type: ignore[attr-defined]
    headings, end_mark = structure.headings, structure.end_mark  # type: ignore[attr-defined]
    start = text.find(dateline) if dateline else 0
    if start < 0:
        raise DataError(path, None, None, f"the dateline '{dateline}' where the body starts",
                        "no such text", line=1)
    if end_mark:
        end = text.find(end_mark, start)
        if end < 0:
            raise DataError(path, None, None, f"'{end_mark}' after the dateline, where the body "
                            "ends", "no such text" if text.find(end_mark) < 0
                            else "it before the dateline", line=1)
        end += len(end_mark)
    else:
        end = len(text)
    bounds = [("intro", start)]
    for heading in headings:
        m = re.search(r"^\s*" + re.escape(heading) + r"\s*$", text[bounds[-1][1]:end], flags=re.M)
        if not m:
            raise DataError(path, None, None, f"a section heading line '{heading}' after "
                            f"'{bounds[-1][0]}', inside the body (headings: {', '.join(headings)})",
                            "no such line", line=text.count("\n", 0, bounds[-1][1]) + 1)
        bounds.append((heading, bounds[-1][1] + m.end()))
    out = []
    for i, (h, s) in enumerate(bounds):
        e = bounds[i + 1][1] - len(bounds[i + 1][0]) if i + 1 < len(bounds) else end
        out.append((h, s, e))
    return out


#: A number token: a run of Arabic digits (with a decimal part), or of Chinese numeral characters
#: (defined beside the reader, whose :func:`~debao_audit.written.find_figures` grows each token
#: into the figure written around it).
NUMBER_TOKEN = _written.NUMBER_TOKEN


def number_tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in NUMBER_TOKEN.finditer(text)]


def spans_of(text: str, needle: str) -> list[tuple[int, int]]:
    out, i = [], text.find(needle)
    while i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1)
    return out


# --------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    id: str
    section: str
    quote: str
    written: str
    value: str          #: as stored: a decimal in base units, or an ISO date for unit "date"
    unit: str
    period: str
    measure: str
    topic: str
    en: str
    reading: Reading

    @property
    def interval(self) -> Interval:
        return self.reading.interval

    @property
    def number(self) -> Decimal:
        """The value as written, in base units (dates: an ordinal day)."""
        return self.reading.value


class _Rows(list):
    """CSV rows as dicts, with the line each row starts on (``lines[i]`` for row i; 0: header)."""
    lines: list[int]


def _read_rows(path: Path, required: Sequence[str],
               optional: Sequence[str] | None = ()) -> _Rows:
    """The rows of a UTF-8 CSV file with a header of unique names: the ``required`` columns,
    and besides them only the ``optional`` ones (``optional=None``: any)."""
    import io

    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise DataError(path, 0, None, "a header row naming the columns", "an empty file")
    seen: dict[str, int] = {}
    for k, name in enumerate(header, start=1):
        if name in seen:
            raise DataError(path, 0, name, f"each column named once (columns {seen[name]} and "
                            f"{k} are both '{name}')", ",".join(header))
        seen[name] = k
    for col in required:
        if col not in header:
            raise DataError(path, 0, col, f"a column '{col}' in the header "
                            f"(required: {', '.join(required)})", ",".join(header))
    if optional is not None:
        allowed = set(required) | set(optional)
        for col in header:
            if col not in allowed:
                raise DataError(path, 0, col, f"only the columns {', '.join(required)}"
                                + (f" (and optionally {', '.join(optional)})" if optional else "")
                                + "; no extra column", ",".join(header))
    rows, lines, prev = _Rows(), [1], reader.line_num
    for i, fields in enumerate(reader, start=1):
        lines.append(prev + 1)
        prev = reader.line_num
        if len(fields) != len(header):
            raise DataError(path, i, None, f"{len(header)} fields as in the header",
                            f"{len(fields)} fields", line=lines[i])
        rows.append(dict(zip(header, fields)))
    rows.lines = lines
    return rows


#: The claim period grammar (see docs/design.md): unstated | YYYY | YYYY–YYYY | YYYY-MM–YYYY-MM |
#: publication | YYYY–publication, with an en dash.
PERIOD_RE = re.compile(r"^(?:(?P<unstated>unstated)|(?P<publication>publication)|(?P<year>\d{4})"
                       r"|(?P<y0>\d{4})–(?P<y1>\d{4})|(?P<m0>\d{4}-\d{2})–(?P<m1>\d{4}-\d{2})"
                       r"|(?P<since>\d{4})–publication)$")
PERIOD_GRAMMAR = ("a period: unstated | YYYY | YYYY–YYYY | YYYY-MM–YYYY-MM | publication | "
                  "YYYY–publication (en dash '–', start before end, not after publication)")
_ID_YEAR = re.compile(r"_((?:19|20)\d{2})$")


def period_bounds(period: str, published: "date") -> tuple[tuple[int, int], tuple[int, int]] | None:
    """A period as ((first year, month), (last year, month)); None for 'unstated'.  'publication'
    is the month of ``published``.  Raises ValueError if the text is not in the grammar."""
    m = PERIOD_RE.match(period)
    if not m:
        raise ValueError(period)
    pub = (published.year, published.month)
    g = m.groupdict()
    if g["unstated"]:
        return None
    if g["publication"]:
        return pub, pub
    if g["year"]:
        return (int(g["year"]), 1), (int(g["year"]), 12)
    if g["y0"]:
        return (int(g["y0"]), 1), (int(g["y1"]), 12)
    if g["since"]:
        return (int(g["since"]), 1), pub
    a, b = ([int(x) for x in g[k].split("-")] for k in ("m0", "m1"))
    if not (1 <= a[1] <= 12 and 1 <= b[1] <= 12):
        raise ValueError(period)
    return (a[0], a[1]), (b[0], b[1])


def _check_claim_period(path: Path, i: int, r: dict[str, str], published, line: int) -> None:
    try:
        bounds = period_bounds(r["period"], published)
    except ValueError:
        raise DataError(path, i, "period", PERIOD_GRAMMAR, r["period"], line=line) from None
    if bounds is None:
        return
    (a, b) = bounds
    m = PERIOD_RE.match(r["period"])
    if (m.group("y0") or m.group("m0") or m.group("since")) and not a < b:
        raise DataError(path, i, "period", "a start before the end", r["period"], line=line)
    if b > (published.year, published.month):
        raise DataError(path, i, "period", f"a period that ends by the article's publication "
                        f"({published.isoformat()})", r["period"], line=line)
    year = _ID_YEAR.search(r["id"])
    if year:
        # poverty_incidence_2015: 2015; a change such as fiscal_aid_growth_2020 may also span
        # the years it compares (2019–2020)
        y = int(year.group(1))
        if not (m.group("year") == year.group(1) or (r["measure"] == "change" and b[0] == y)):
            raise DataError(path, i, "period", f"the year the id names ({y}, from '{r['id']}'"
                            "; a change may end in it)", r["period"], line=line)


def load_claims(path: Path | None = None, article: str | None = None,
                conventions: Conventions | None = None, meta: Path | None = None,
                section_names: Sequence[str] | None = None) -> list[Claim]:
    """Load and validate ``data/claims.csv``: columns, unique snake_case ids, known sections,
    units and measures, a quote that is a verbatim substring of the article, a written figure
    inside its quote, readable, and a ``value`` equal to what the reader gets from it.
    ``section_names`` and ``conventions`` (its units) default to the repository's own case's
    (``data/case.json``)."""
    if section_names is None:
        from .case import default
        section_names = default().structure.sections
    if conventions is None:
        from .case import default
        conventions = default().conventions
    path = _own("CLAIMS", path)
    text = load_article() if article is None else article
    rows = _read_rows(path, CLAIM_COLUMNS)
    published = published_date(meta)
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        cid = r["id"]
        if not _ID_RE.match(cid):
            raise DataError(path, i, "id", "a snake_case id (a-z, 0-9, _)", cid)
        if cid in seen:
            raise DataError(path, i, "id", f"a unique id (already used in row {seen[cid]})", cid)
        seen[cid] = i
        if r["section"] not in section_names:
            raise DataError(path, i, "section", f"one of the article's headings "
                            f"{tuple(section_names)}", r["section"])
        if not r["quote"] or r["quote"] not in text:
            raise DataError(path, i, "quote", "a verbatim substring of the article", r["quote"])
        if not r["written"] or r["written"] not in r["quote"]:
            raise DataError(path, i, "written", "the figure as written, inside the quote",
                            r["written"])
        units = base_units(conventions)
        if r["unit"] not in units:
            raise DataError(path, i, "unit", f"a unit from the vocabulary {sorted(units)} (a "
                            "case declares more in its case.json's \"units\")", r["unit"])
        if r["measure"] not in MEASURES:
            raise DataError(path, i, "measure", f"one of {MEASURES}", r["measure"])
        try:
            reading = read(r["written"], r["unit"], conventions)
        except ReadError as e:
            raise DataError(path, i, "written", f"a readable figure ({e})", r["written"]) from None
        _check_value(path, i, r, reading)
        _check_claim_period(path, i, r, published, rows.lines[i])
        if not re.fullmatch(r"[a-z][a-z_]*", r["topic"]):
            raise DataError(path, i, "topic", "a snake_case topic word", r["topic"])
        if not r["en"].strip():
            raise DataError(path, i, "en", "a short English gloss")
        claims.append(Claim(**{k: r[k] for k in CLAIM_COLUMNS}, reading=reading))
    return claims


def _check_value(path: Path, i: int, r: dict[str, str], reading: Reading) -> None:
    if r["unit"] == "date":
        try:
            stored = iso_to_interval(r["value"])
        except (ReadError, ValueError):
            raise DataError(path, i, "value", "an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
                            r["value"]) from None
        if stored != reading.interval:
            raise DataError(path, i, "value", f"the date the quote says ({reading.iso})",
                            r["value"])
        return
    try:
        if not DECIMAL.fullmatch(r["value"]):
            raise InvalidOperation
        stored_value = Decimal(r["value"])
    except InvalidOperation:
        raise DataError(path, i, "value", "a decimal number in base units (digits, one '.', "
                        "an optional '-': no exponent, '_', ',' or spaces)", r["value"]) from None
    if not stored_value.is_finite() or stored_value != reading.value:
        raise DataError(path, i, "value", f"{reading.value} {r['unit']}, what "
                        f"'{r['written']}' says in base units", r["value"])


def claims_frame(claims: Iterable[Claim]) -> pd.DataFrame:
    """The claims as a table, with the reading spelled out (value as written, interval)."""
    recs = []
    for c in claims:
        rd = c.reading
        recs.append({
            "id": c.id, "section": c.section, "written": c.written, "value": c.value,
            "unit": c.unit, "qualifier": rd.qualifier or "", "decimals": rd.decimals,
            "exact": rd.exact, "interval": interval_text(c), "period": c.period,
            "measure": c.measure, "topic": c.topic, "en": c.en,
        })
    return pd.DataFrame.from_records(recs)


def interval_text(c: Claim) -> str:
    """The interval a claim stands for, in base units (dates as ISO days)."""
    iv = c.interval
    if c.unit == "date":
        from .written import ordinal_to_date
        lo, hi = ordinal_to_date(iv.lo), ordinal_to_date(iv.hi)  # type: ignore[arg-type]
        return lo.isoformat() if lo == hi else f"[{lo.isoformat()}, {hi.isoformat()}]"
    return str(iv)


def load_exclusions(path: Path | None = None, article: str | None = None) -> list[dict[str, str]]:
    path = _own("EXCLUSIONS", path)
    text = load_article() if article is None else article
    rows = _read_rows(path, ("context", "reason"))
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        if r["context"] in seen:
            raise DataError(path, i, "context", f"a unique context (already in row "
                            f"{seen[r['context']]})", r["context"])
        seen[r["context"]] = i
        if not r["context"] or r["context"] not in text:
            raise DataError(path, i, "context", "a verbatim substring of the article", r["context"])
        if not r["reason"].strip():
            raise DataError(path, i, "reason", "a reason why the token is not a claim")
    return rows


UNCHECKED_COLUMNS = ("id", "reason")


def load_unchecked(path: Path | None = None, claims: Sequence[Claim] | None = None,
                   claims_path: Path | None = None) -> list[dict[str, str]]:
    """``data/unchecked_claims.csv``: claims no check covers, each listed once with a reason,
    each an id of ``data/claims.csv``."""
    known = {c.id for c in (load_claims() if claims is None else claims)}
    path = _own("UNCHECKED", path)
    rows = _read_rows(path, UNCHECKED_COLUMNS)
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        if r["id"] in seen:
            raise DataError(path, i, "id", f"a unique id (already in row {seen[r['id']]})", r["id"])
        seen[r["id"]] = i
        if r["id"] not in known:
            raise DataError(path, i, "id", f"the id of a claim in "
                            f"{_rel(_own('CLAIMS', claims_path))}", r["id"])
        if not r["reason"].strip():
            raise DataError(path, i, "reason", "a reason why no check covers the claim")
    return rows


def uncovered_tokens(text: str, claims: Sequence[Claim],
                     exclusions: Sequence[dict[str, str]]) -> list[tuple[int, str, str]]:
    """Number tokens of the article that lie in no claim's quote and no exclusion's context,
    as (offset, token, surrounding text)."""
    spans: list[tuple[int, int]] = []
    for c in claims:
        spans += spans_of(text, c.quote)
    for e in exclusions:
        spans += spans_of(text, e["context"])
    out = []
    for s, e, tok in number_tokens(text):
        if not any(a <= s and e <= b for a, b in spans):
            out.append((s, tok, text[max(0, s - 10):e + 10].replace("\n", " ")))
    return out


# --------------------------------------------------------------------------------------------
# External figures
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class External:
    id: str
    geography: str
    indicator: str
    period: str
    value: str
    unit: str
    source: str
    source_url: str
    quote: str
    confidence: str
    note: str
    reading: Reading | None     #: None for a date row

    @property
    def interval(self) -> Interval:
        if self.reading is not None:
            return self.reading.interval
        return iso_to_interval(self.period)


def _external_reading(path: Path, i: int, r: dict[str, str],
                      conventions: Conventions = DEFAULT) -> Reading:
    """An external figure read like a claim: from ``written`` (the figure as the source writes
    it, a substring of its quote) where given, else from ``value`` with its written decimals
    (for quotes that write the figure differently, e.g. "11,567 yuan")."""
    written = (r.get("written") or "").strip()
    if written:
        if written not in r["quote"]:
            raise DataError(path, i, "written", "the figure as written, inside the quote", written)
        try:
            reading = read(written, r["unit"], conventions)
        except ReadError as e:
            raise DataError(path, i, "written", f"a readable figure ({e})", written) from None
        try:
            if not DECIMAL.fullmatch(r["value"]):
                raise InvalidOperation
            stored = Decimal(r["value"])
        except InvalidOperation:
            raise DataError(path, i, "value", "a decimal number in base units (digits, one '.', "
                            "an optional '-': no exponent, '_', ',' or spaces)", r["value"]) from None
        if stored != reading.value:
            raise DataError(path, i, "value", f"{reading.value} {r['unit']}, what '{written}' says",
                            r["value"])
        return reading
    suffix = {"percent": "%", "yuan": "元"}.get(r["unit"], "")
    try:
        reading = read(r["value"] + suffix, r["unit"], conventions)
    except ReadError as e:
        raise DataError(path, i, "value", f"a number ({e})", r["value"]) from None
    # Without 'written', the value must still be what the quote says: one of the quote's
    # numbers (thousands separators allowed), with the same digits.
    in_quote = {Decimal(m.replace(",", "")) for m in
                re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", r["quote"])}
    if reading.value not in in_quote:
        raise DataError(path, i, "value", "a number the quote states (no 'written' column "
                        "given, so the value must appear in the quote)", r["value"])
    return reading


def load_external(path: Path | None = None,
                  conventions: Conventions | None = None) -> list[External]:
    """Third-party figures, each sourced (``source``, ``source_url``, verbatim ``quote``) and read
    like the article's figures, so that ``2596万元`` stands for [2595.5万, 2596.5万) and ``2.0%``
    for [1.95, 2.05); a date row keeps its date in ``period``.  ``conventions`` (its units)
    default to the repository's own case's."""
    if conventions is None or path is None:
        from .case import default
        conventions = conventions or default().conventions
        path = path or default().external[0]
    rows = _read_rows(path, EXTERNAL_COLUMNS + ("value", "unit", "period", "confidence"),
                      EXTERNAL_OPTIONAL)
    out, seen = [], set()
    for i, r in enumerate(rows, start=1):
        if not _ID_RE.match(r["id"]) or r["id"] in seen:
            raise DataError(path, i, "id", "a unique snake_case id", r["id"])
        seen.add(r["id"])
        for col in ("source", "source_url", "quote"):
            if not r[col].strip():
                raise DataError(path, i, col, "a non-empty value (every figure is sourced)")
        check_url(path, i, "source_url", r["source_url"])
        if r["confidence"] not in CONFIDENCE:
            raise DataError(path, i, "confidence", f"one of {', '.join(CONFIDENCE)}",
                            r["confidence"])
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", r["period"]):
            raise DataError(path, i, "period", "a year or an ISO date (YYYY, YYYY-MM or "
                            "YYYY-MM-DD)", r["period"])
        try:
            iso_to_interval(r["period"])
        except (ReadError, ValueError):
            raise DataError(path, i, "period", "a real calendar date", r["period"]) from None
        year = _ID_YEAR.search(r["id"])
        if year and r["period"][:4] != year.group(1):
            raise DataError(path, i, "period", f"a period in the year the id names "
                            f"({year.group(1)}, from '{r['id']}')", r["period"])
        if r["unit"] == "date":
            try:
                iso_to_interval(r["period"])
            except (ReadError, ValueError):
                raise DataError(path, i, "period", "an ISO date for a date row", r["period"]) from None
            reading = None
        else:
            units = base_units(conventions)
            if r["unit"] not in units:
                raise DataError(path, i, "unit", f"a unit from {sorted(units)}", r["unit"])
            reading = _external_reading(path, i, r, conventions)
        out.append(External(id=r["id"], geography=r.get("geography", ""),
                            indicator=r.get("indicator", ""), period=r["period"],
                            value=r["value"], unit=r["unit"], source=r["source"],
                            source_url=r["source_url"], quote=r["quote"],
                            confidence=r["confidence"], note=r.get("note", ""), reading=reading))
    return out


# --------------------------------------------------------------------------------------------
# Writing outputs
# --------------------------------------------------------------------------------------------

def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table atomically (:func:`write_atomic`), UTF-8, '\\n' line ends."""
    return write_atomic(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def write_atomic(path: Path, blob: bytes) -> Path:
    """Write ``blob`` to ``path`` whole or not at all: a temporary file beside it (``.NAME.*.tmp``),
    readable by everyone, renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.chmod(tmp, OUTPUT_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
