"""The annotated article page: the article's text with every audited figure highlighted.

Typical use::

    from debao_audit import page
    page.write_page()          # -> figures/annotated_article.html

:func:`build_page` returns one self-contained HTML5 document: inline CSS, its own font (a WOFF2
subset of the shipped Noto Sans CJK SC, only the glyphs the page uses, as ``data:`` URLs), the
verdict symbols as inline SVG, and a few lines of inline script that only let Esc close a
popover.  Nothing is fetched, and nothing from the reader's system is needed to render it.

* A **summary** at the top lists the failing checks, each with links to its figures in the text
  and, where the audit can tell, which figure is the *likely error* and which figures it was
  *checked against* (see :func:`attribute`: computed from the checks' results, never typed in).
* Each claim's written figure is **marked** inside its quote's occurrence in the body; the mark
  carries the verdict as a symbol (and a hidden word for screen readers) as well as a colour, the
  palette of :mod:`debao_audit.style`.  A figure that a failing check was only *checked against*
  (it is confirmed independently) takes the verdict of its other checks.
* A mark opens a **popover** with the claim's reading and its checks on click or keyboard focus,
  or as the target of a link (CSS alone).  The popover opens *in the flow* of the text, below the
  mark's line, pushing the following text down rather than covering it; Esc closes it.
* Below the article, a **table** of all checks, failures first, and a footer with the source,
  its copyright notice and the font's licence.

Output is deterministic: no timestamps, the same inputs give the same bytes.

This source file is kept ASCII (non-ASCII symbols are written as escapes) so that it adds no
characters to the shipped figure font's subset (``tools/subset_font.py`` scans ``src/``).
"""

from __future__ import annotations

import base64
import functools
import io
import os
import tempfile
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Iterable, Mapping, Sequence

from . import __version__
from . import checks as _checks
from . import data as _data
from . import findings as _findings
from .findings import Attribution, attribute, confirming_checks  # noqa: F401  (re-exported)
if TYPE_CHECKING:
    import jinja2
    import pandas as pd

from .style import FONT_FILES, font_subset, VERDICT_COLOURS, VERDICT_LABELS

__all__ = ["DEFAULT_PATH", "ICONS", "PAGE_FONT", "SEVERITY", "Attribution", "Mark", "attribute",
           "body_bounds", "build_page", "claim_verdicts", "confirming_checks", "font_css",
           "counts_sentence", "locate_marks", "mark_verdict", "subset_woff2", "table_order",
           "worst", "write_page"]

DEFAULT_PATH = _data.FIGURES / "annotated_article.html"

#: Verdicts from most to least serious: a claim's mark takes the first that applies.
SEVERITY = ("inconsistent", "tension", "within_rounding", "consistent", "not_checkable")
#: A mark's state beside the verdicts: a figure an independent source confirms, in a check that
#: fails because of another figure (never shown as consistent, never as the error).
CONFIRMED = "confirmed"
#: The marks' states from most to least serious (the verdicts, with CONFIRMED after tension).
MARK_SEVERITY = ("inconsistent", "tension", CONFIRMED, "within_rounding", "consistent",
                 "not_checkable")
#: The verdict shown without colour: an SVG path (16 x 16 box, stroked) per verdict.
ICONS: dict[str, str] = {
    "consistent": "M3 8.6 6.4 12 13 4.4",                                    # a tick
    "within_rounding": "M2.5 6.2c2-2 3.5-2 5.5 0s3.5 2 5.5 0M2.5 11.2c2-2 3.5-2 5.5 0s3.5 2 5.5 0",
    "inconsistent": "M3.8 3.8 12.2 12.2M12.2 3.8 3.8 12.2",                 # a cross
    "tension": "M8 2.6 14 13.4H2zM8 6.6v3.4M8 11.8v.2",                      # a warning triangle
    "not_checkable": "M5.2 5.8a2.8 2.8 0 1 1 3.9 2.6c-.8.3-1.1.9-1.1 1.6v.6M8 13v.2",  # ?
    "none": "M8 3.6a4.4 4.4 0 1 0 .01 0z",                                  # a ring
    CONFIRMED: "M2.5 8.4 5.4 11.3 10.6 5M9 11.3h4.5M11.25 9v4.6",            # a tick and a plus
}
#: Icons of the page's controls (not verdicts).
CONTROL_ICONS: dict[str, str] = {"close": "M4 4 12 12M12 4 4 12"}
NONE_LABEL = "\N{CJK UNIFIED IDEOGRAPH-672A}\N{CJK UNIFIED IDEOGRAPH-6838}\N{CJK UNIFIED IDEOGRAPH-9A8C} not in any check"  # "not checked"
NONE_COLOUR = "#666666"
#: The confirmed state's label and colour (Okabe-Ito reddish purple: neither the blues of a
#: verdict that holds nor the vermillion of one that fails).
CONFIRMED_LABEL = ("\N{CJK UNIFIED IDEOGRAPH-72EC}\N{CJK UNIFIED IDEOGRAPH-7ACB}"
                   "\N{CJK UNIFIED IDEOGRAPH-5370}\N{CJK UNIFIED IDEOGRAPH-8BC1} confirmed "
                   "independently, in a failing check")  # 独立印证
CONFIRMED_COLOUR = "#A8508A"
#: The family name of the page's embedded font (a subset of the shipped figure font).
PAGE_FONT = "DebaoAudit Page Sans"

_RELATION_WORDS = {"eq": "implied = reported", "le": "implied \N{LESS-THAN OR EQUAL TO} reported",
                   "ge": "implied \N{GREATER-THAN OR EQUAL TO} reported",
                   "in": "reported within the implied range", "none": "derived figure only"}


# --------------------------------------------------------------------------------------------
# Where the figures are
# --------------------------------------------------------------------------------------------

@dataclass
class Mark:
    """One highlighted span of the article: ``text[start:end]``, standing for one or more
    claims (several when their written figures are the same span of text)."""

    start: int
    end: int
    claims: list[str] = field(default_factory=list)


def body_bounds(text: str, structure: object = None) -> tuple[int, int]:
    """Character offsets of the article body: from the dateline to the end of the closing mark
    (``structure``: a case's, default the repository's own case's)."""
    secs = _data.sections(text, structure)
    return secs[0][1], secs[-1][2]


def _is_digitish(ch: str) -> bool:
    return ch.isdigit() or ch == "." or bool(_data.NUMBER_TOKEN.fullmatch(ch))


def _figure_span(text: str, claim: _data.Claim, lo: int, hi: int) -> tuple[int, int]:
    """The written figure's span inside the first occurrence of the claim's quote in the body
    ``text[lo:hi]``.  Among several occurrences of the figure in the quote, the first one that is
    a whole number token (not the ``0`` inside ``2015``) wins."""
    quotes = [(a, b) for a, b in _data.spans_of(text, claim.quote) if lo <= a and b <= hi]
    if not quotes:
        raise ValueError(f"claim {claim.id!r}: its quote {claim.quote!r} is not in the article "
                         "body (between the dateline and the closing mark)")
    qa, _ = quotes[0]
    found = [(qa + a, qa + b) for a, b in _data.spans_of(claim.quote, claim.written)]
    if not found:
        raise ValueError(f"claim {claim.id!r}: written figure {claim.written!r} not in its quote")

    def whole(span: tuple[int, int]) -> bool:
        a, b = span
        before = text[a - 1] if a > 0 else ""
        after = text[b] if b < len(text) else ""
        return not ((before and _is_digitish(claim.written[0]) and _is_digitish(before))
                    or (after and _is_digitish(claim.written[-1]) and _is_digitish(after)))

    return next((s for s in found if whole(s)), found[0])


def locate_marks(text: str, claims: Sequence[_data.Claim],
                 structure: object = None) -> list[Mark]:
    """The marks, in text order.  Claims whose figures are the same span share one mark;
    figures that overlap partially are merged into one mark over their union."""
    lo, hi = body_bounds(text, structure)
    spans = sorted(((*_figure_span(text, c, lo, hi), i, c.id) for i, c in enumerate(claims)))
    marks: list[Mark] = []
    for a, b, _, cid in spans:
        if marks and a < marks[-1].end:
            marks[-1].end = max(marks[-1].end, b)
            marks[-1].claims.append(cid)
        else:
            marks.append(Mark(a, b, [cid]))
    return marks


def claim_verdicts(claims: Sequence[_data.Claim],
                   results: Sequence[_checks.Result]) -> dict[str, list[_checks.Result]]:
    """Per claim id, the results of the checks it takes part in (registry order)."""
    out: dict[str, list[_checks.Result]] = {c.id: [] for c in claims}
    for r in results:
        for cid in r.check.claims:
            if cid in out and r not in out[cid]:
                out[cid].append(r)
    return out


def worst(verdicts: Sequence[str]) -> str:
    """The most serious of some verdicts (or marks' states), ``"none"`` for none at all."""
    for v in MARK_SEVERITY:
        if v in verdicts:
            return v
    return "none"


# --------------------------------------------------------------------------------------------
# Which figure of a failing set is the likely error
# --------------------------------------------------------------------------------------------

def mark_verdict(claim_id: str, used: Sequence[_checks.Result],
                 attributions: Mapping[str, Attribution]) -> str:
    """The state a claim's mark shows: the most serious verdict among its checks, except in
    the failing checks in which it is a figure checked against (it agrees with an independent
    source, so the error lies with the set's other figures): there it is :data:`CONFIRMED`,
    never consistent, and never the failure."""
    against = [r for r in used if r.check.check_id in attributions
               and claim_id in attributions[r.check.check_id].against]
    v = worst([r.verdict for r in used if r not in against])
    if against and v not in ("inconsistent", "tension"):
        return CONFIRMED
    return v


def confirmed_note(claim_id: str, used: Sequence[_checks.Result],
                   attributions: Mapping[str, Attribution], claims: Mapping[str, _data.Claim]) -> str:
    """What a :data:`CONFIRMED` mark is, in words: the independent figures it agrees with and
    the likely error of the failing checks it is in."""
    atts = [attributions[r.check.check_id] for r in used if r.check.check_id in attributions
            and claim_id in attributions[r.check.check_id].against]
    if not atts:
        return ""
    ext = sorted({e for a in atts for x in a.confirmed_by[claim_id] for e in x.check.external})
    likely = [claims[c].written for a in atts for c in a.likely if c in claims]
    fails = f"{len(atts)} failing check{'s' if len(atts) != 1 else ''}"
    return (f"it agrees with an independent source ({', '.join(ext)}), and it is in {fails} "
            + (f"whose likely error is {', '.join(dict.fromkeys(likely))}" if likely
               else "whose error the audit cannot place"))


# --------------------------------------------------------------------------------------------
# The page's font: a WOFF2 subset of the shipped figure font, embedded as a data: URL
# --------------------------------------------------------------------------------------------

def _subset_woff2(font: str, chars: str) -> bytes:
    return font_subset(font, chars, "woff2")   # the one subsetter (style.font_subset)


def subset_woff2(font: Path, chars: Iterable[str]) -> bytes:
    """A WOFF2 subset of ``font`` holding only the glyphs of ``chars`` (and what OpenType
    layout reaches from them).  Deterministic; cached per font and character set."""
    text = "".join(sorted({c for c in chars if c.isprintable() or c == "\u3000"}))
    return _subset_woff2(str(font), text)


def font_css(regular_chars: Iterable[str], bold_chars: Iterable[str]) -> str:
    """Two ``@font-face`` rules (regular and bold) with the subsets as ``data:`` URLs."""
    rules = []
    for weight, key, chars in ((400, "regular", regular_chars), (700, "bold", bold_chars)):
        data = base64.b64encode(subset_woff2(FONT_FILES[key], chars)).decode("ascii")
        rules.append(f'@font-face{{font-family:"{PAGE_FONT}";font-style:normal;font-weight:{weight};'
                     f'font-display:block;src:url(data:font/woff2;base64,{data}) format("woff2")}}')
    return "\n".join(rules) + "\n"


#: Elements set in bold (the CSS gives weight 700 to these only): their text decides the bold
#: subset.  Tags, and classes of <span>/<p>.
BOLD_TAGS = ("h1", "h2", "h3", "th", "strong", "b")
BOLD_CLASSES = ("pfig", "pt", "ft")


#: Elements that have no end tag (they hold no text, so they never open a bold run).
VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "param", "source", "track", "wbr"))


class _TextChars(HTMLParser):
    """The characters of an HTML text, and those inside bold elements: the standard library's
    tokenizer with a stack of open elements (the page's own markup closes every element it
    opens).  Several times faster than building an html5lib tree, with the same result on
    the page (a test compares the two)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.every: set[str] = set()
        self.bold: set[str] = set()
        self._open: list[tuple[str, bool]] = []   # (tag, bold)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        classes = (dict(attrs).get("class") or "").split()
        bold = tag in BOLD_TAGS or any(c in BOLD_CLASSES for c in classes)
        self._open.append((tag, bold or bool(self._open and self._open[-1][1])))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                return

    def handle_data(self, data: str) -> None:
        self.every.update(data)
        if self._open and self._open[-1][1]:
            self.bold.update(data)


def _text_chars(body_html: str) -> tuple[set[str], set[str]]:
    """All characters of the page's text, and those inside bold elements."""
    parser = _TextChars()
    parser.feed(body_html)
    parser.close()
    # the fallback glyph set of every page: printable ASCII (ids, numbers, CSS-generated text)
    ascii_ = {chr(i) for i in range(0x20, 0x7F)}
    return parser.every | ascii_, parser.bold | ascii_


# --------------------------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------------------------

def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _tint(hex_colour: str, amount: float) -> str:
    """``hex_colour`` mixed with white: ``amount`` of the colour, the rest white."""
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02X}" for c in _rgb(hex_colour))


def _luminance(hex_colour: str) -> float:
    def lin(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _on(hex_colour: str) -> str:
    """Black or white, whichever contrasts more with ``hex_colour``."""
    return "#000000" if contrast(hex_colour, "#000000") >= contrast(hex_colour, "#FFFFFF") else "#FFFFFF"


#: How much of the verdict colour the mark's background takes (the rest white).
TINT = 0.22
TEXT = "#222222"
MUTED = "#555555"
LINK = "#0A4F86"


def palette(colours: Mapping[str, str] = VERDICT_COLOURS) -> dict[str, dict[str, str]]:
    """Per verdict (and ``none``): the colour ``c``, the mark's background ``tint`` and ``on``,
    the colour of a symbol drawn on ``c``."""
    out = {v: {"c": c, "tint": _tint(c, TINT), "on": _on(c)} for v, c in colours.items()}
    out["none"] = {"c": NONE_COLOUR, "tint": "#FFFFFF", "on": "#FFFFFF"}
    out[CONFIRMED] = {"c": CONFIRMED_COLOUR, "tint": _tint(CONFIRMED_COLOUR, TINT),
                      "on": _on(CONFIRMED_COLOUR)}
    return out


def _css(colours: Mapping[str, str]) -> str:
    rules = []
    for v, p in palette(colours).items():
        tint = "transparent" if v == "none" else p["tint"]
        rules.append(f".v-{v}{{--c:{p['c']};--tint:{tint};--on:{p['on']}}}")
    return "\n".join(rules) + "\n" + _template("page.css").render(font=PAGE_FONT)


@functools.lru_cache(maxsize=None)
def _template(name: str) -> "jinja2.Template":
    """One of the page's templates, files shipped in the package (``templates/``): the document
    (``page.html.j2``), its style sheet (``page.css``), its script (``page.js``: Esc closes
    an open popover, WCAG 2.1 SC 1.4.13, the mark keeping focus; everything else works without
    script), a marked figure (``mark.html.j2``) and the footer (``footer.html.j2``).  Fragments
    come escaped from :func:`_e`; plain values are escaped in the template with its ``h`` filter
    (the same :func:`_e`), so nothing is escaped twice."""
    import jinja2
    env = jinja2.Environment(loader=jinja2.PackageLoader("debao_audit", "templates"),
                             autoescape=False, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["h"] = _e
    return env.get_template(name)





# --------------------------------------------------------------------------------------------
# HTML pieces
# --------------------------------------------------------------------------------------------

def _e(s: object) -> str:
    return escape(str(s), quote=True)


def _id(s: str) -> str:
    """An id in <code>, with line-break opportunities after its underscores."""
    return "<code>" + "_<wbr>".join(_e(p) for p in s.split("_")) + "</code>"


def _ico(verdict: str) -> str:
    return (f'<svg class="ico" aria-hidden="true" focusable="false">'
            f'<use href="#i-{verdict}"></use></svg>')


def _sprite() -> str:
    symbols = "".join(f'<symbol id="i-{v}" viewBox="0 0 16 16"><path d="{d}"></path></symbol>'
                      for v, d in {**ICONS, **CONTROL_ICONS}.items())
    return (f'<svg aria-hidden="true" focusable="false" width="0" height="0" '
            f'style="position:absolute">{symbols}</svg>')


def _badge(verdict: str) -> str:
    return f'<span class="badge v-{verdict}" aria-hidden="true">{_ico(verdict)}</span>'


def _label(verdict: str) -> str:
    if verdict == CONFIRMED:
        return CONFIRMED_LABEL
    return VERDICT_LABELS.get(verdict, NONE_LABEL)


def _role(claim_id: str, att: Attribution | None) -> str:
    if att is None:
        return ""
    if claim_id in att.likely:
        return "likely error"
    if claim_id in att.against:
        return "checked against (confirmed independently)"
    return "one of the set that does not agree"


def _claim_popover(claim: _data.Claim, used: Sequence[_checks.Result],
                   attributions: Mapping[str, Attribution],
                   claims: Mapping[str, _data.Claim] | None = None) -> str:
    v = mark_verdict(claim.id, used, attributions)
    unit = "" if claim.unit == "date" else " " + claim.unit
    note = confirmed_note(claim.id, used, attributions, claims or {claim.id: claim})
    plain = (f"{claim.en.rstrip('.')}. As written, the figure stands for "
             f"{_data.interval_text(claim)}{unit}; "
             + ((f"{note}." if v == CONFIRMED else
                 f"its most serious verdict: {_label(v)}" + (f"; {note}." if note else "."))
                if used else "no check tests it."))
    tech_id = f"tech-{claim.id}"
    parts = [
        f'<span class="pclaim v-{v}">',
        f'<span class="ph"><span class="pfig" lang="zh-Hans">{_e(claim.written)}</span>'
        f'{_badge(v)} {_e(_label(v))}</span>',
        f'<span class="plain">{_e(plain)}</span>',
        f'<button type="button" class="more" aria-expanded="false" aria-controls="{_e(tech_id)}">'
        f'How it was checked ({len(used)} check{"s" if len(used) != 1 else ""})</button>',
        f'<span class="tech" id="{_e(tech_id)}">',
        f'<span><span class="k">claim</span> <code>{_e(claim.id)}</code></span>',
        f'<span><span class="k">value</span> {_e(claim.value)} {_e(claim.unit)}</span>',
        f'<span><span class="k">stands for</span> {_e(_data.interval_text(claim))}'
        f'{" " + _e(claim.unit) if claim.unit != "date" else ""}</span>',
    ]
    if claim.period:
        parts.append(f'<span><span class="k">period</span> {_e(claim.period)} ({_e(claim.measure)})</span>')
    parts.append(f'<span class="pen">{_e(claim.en)}</span>')
    if not used:
        parts.append('<span class="nocheck">Not in any check: the audit reads this figure '
                     'but no relation tests it.</span>')
    else:
        parts.append(f'<span class="pcs"><span class="k">in {len(used)} '
                     f'check{"s" if len(used) != 1 else ""}</span></span>')
        for r in used:
            row = r.row()
            role = _role(claim.id, attributions.get(r.check.check_id))
            parts.append(
                f'<span class="pc v-{r.verdict}">'
                f'<span class="pt">{_badge(r.verdict)} <a href="#check-{_e(r.check.check_id)}">'
                f'{_id(r.check.check_id)}</a> {_e(r.title)}</span>'
                f'<span><span class="k">verdict</span> {_e(_label(r.verdict))}</span>'
                + (f'<span><span class="k">this figure</span> {_e(role)}</span>' if role else "")
                + f'<span><span class="k">reported</span> {_e(row["reported"])}</span>'
                f'<span><span class="k">implied</span> {_e(row["implied"])} '
                f'({_e(_RELATION_WORDS[r.outcome.relation])})</span>'
                f'<span class="small"><span class="k">assumption</span> {_e(row["assumption"])}</span>'
                f'<span class="small"><span class="k">explanation</span> {_e(row["explanation"])}</span>'
                + (f'<span class="small rec"><span class="k">reconcile</span> {_e(row["reconcile"])}</span>'
                   if r.verdict == "inconsistent" and row["reconcile"] else "")
                + "</span>")
    parts.append("</span></span>")
    return "".join(parts)


def _mark_html(text: str, mark: Mark, claims: Mapping[str, _data.Claim],
               used: Mapping[str, Sequence[_checks.Result]],
               attributions: Mapping[str, Attribution]) -> str:
    v = worst([mark_verdict(cid, used[cid], attributions) for cid in mark.claims
               if used[cid]])
    first, rest = mark.claims[0], mark.claims[1:]
    pop_id = f"pop-{first}"
    anchors = "".join(f'<span id="claim-{_e(c)}"></span>' for c in rest)
    body = "".join(_claim_popover(claims[c], used[c], attributions, claims) for c in mark.claims)
    return _template("mark.html.j2").render(
        v=v, first=first, claims=mark.claims, anchors=anchors, pop_id=pop_id,
        written=text[mark.start:mark.end], icon=_ico(v), label=_label(v), close=_ico("close"),
        body=body)


def _marked(text: str, a: int, b: int, inside: Sequence[Mark],
            claims: Mapping[str, _data.Claim], used: Mapping[str, Sequence[_checks.Result]],
            attributions: Mapping[str, Attribution]) -> str:
    """The text from ``a`` to ``b``, escaped, with the marks lying inside it (text order)."""
    html, cur = [], a
    for m in inside:
        html.append(_e(text[cur:m.start]))
        html.append(_mark_html(text, m, claims, used, attributions))
        cur = m.end
    html.append(_e(text[cur:b]))
    return "".join(html)


def _article_html(text: str, marks: Sequence[Mark], claims: Mapping[str, _data.Claim],
                  used: Mapping[str, Sequence[_checks.Result]],
                  attributions: Mapping[str, Attribution], structure: object = None) -> str:
    lo, hi = body_bounds(text, structure)
    headings = set(h for h, _s, _e in _data.sections(text, structure)[1:])
    out: list[str] = []
    placed = 0
    pos = lo
    for line in text[lo:hi].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        stripped = line.strip()
        if not stripped:
            continue
        a += len(line) - len(line.lstrip())
        b -= len(line) - len(line.rstrip())
        inside = [m for m in marks if a <= m.start and m.end <= b]
        if stripped in headings and not inside:
            out.append(f"<h2>{_e(stripped)}</h2>")
            continue
        placed += len(inside)
        out.append("<p>" + _marked(text, a, b, inside, claims, used, attributions) + "</p>")
    if placed != len(marks):
        raise ValueError("a highlighted figure spans a line break; cannot place it in a paragraph")
    return "\n".join(out)


def _legend_html(claims: Sequence[_data.Claim], results: Sequence[_checks.Result],
                 used: Mapping[str, Sequence[_checks.Result]],
                 attributions: Mapping[str, Attribution]) -> str:
    by_claim = {c.id: mark_verdict(c.id, used[c.id], attributions) for c in claims}
    items = []
    states = [*_checks.VERDICTS, "none"]
    states.insert(states.index("inconsistent") + 1, CONFIRMED)
    for v in states:
        n_checks = sum(r.verdict == v for r in results)
        n_claims = sum(w == v for w in by_claim.values())
        if v == CONFIRMED and not n_claims:
            continue
        count = (f"{n_checks} check{'s' if n_checks != 1 else ''}, "
                 if v not in ("none", CONFIRMED) else "")
        count += f"{n_claims} figure{'s' if n_claims != 1 else ''}"
        items.append(f'<li class="v-{v}"><span class="swatch" aria-hidden="true"></span>'
                     f'{_badge(v)} <span>{_e(_label(v))}</span> <span class="n">({count})</span></li>')
    return '<ul class="legend" aria-label="Legend">' + "".join(items) + "</ul>"


def _fig_link(cid: str, claims: Mapping[str, _data.Claim]) -> str:
    c = claims.get(cid)
    label = c.written if c is not None else cid
    return f'<a href="#claim-{_e(cid)}" lang="zh-Hans">{_e(label)}</a>'


def _point(shown: str) -> str:
    """A figure as shown by :meth:`checks.Outcome.show`, without its interval."""
    return shown.split(", interval ")[0]


def counts_sentence(n: Mapping[str, int]) -> str:
    """The page's headline count, from :func:`checks.counts` (the same counting as the README
    and the findings figure), accounting for every check: the discrepancies the failing
    evidence checks show (each counted once) and the evidence checks that hold, then tensions,
    the context checks that agree, the checks that could hardly fail (trivial or coincidence)
    and those yielding derived figures; their sum is the number of checks."""
    fail, ev = n["inconsistent"], n["evidence"]
    d = n.get("discrepancies", fail)
    hold = n["consistent"] + n["within_rounding"]
    head = (f"{d} discrepanc{'y' if d == 1 else 'ies'}, shown by {fail} of {ev} evidence "
            f"checks; {hold} hold" if fail
            else f"None of the {ev} evidence checks fails")
    parts = [head]
    if n["tension"]:
        parts.append(f"{n['tension']} more {'are tensions' if n['tension'] != 1 else 'is a tension'}"
                     " (the figures disagree but may count different things)")
    agree = n.get("context_holding", n["context"] - n["tension"]) if "context" in n else 0
    if agree:
        parts.append(f"{agree} context check{'s agree' if agree != 1 else ' agrees'} but "
                     f"{'are' if agree != 1 else 'is'} not evidence (the figures may not be the "
                     "same quantity, or the check assumes its own reading)")
    weak = n["trivial"] + n["coincidence"]
    if weak:
        parts.append(f"{weak} could hardly fail ({n['trivial']} trivial, {n['coincidence']} "
                     "coincidence) and are not counted as evidence")
    if n["derived"]:
        parts.append(f"{n['derived']} only yield derived figures")
    if n.get("suggested"):
        parts.append(f"{n['suggested']} {'are relations' if n['suggested'] != 1 else 'is a relation'}"
                     " the draft suggested, not yet confirmed by the author, and not counted")
    return "; ".join(parts) + f" ({n['checks']} checks in all)"


def _tension_item(r: _checks.Result, claims: Mapping[str, _data.Claim]) -> str:
    row, cid = r.row(), r.check.check_id
    return (f'<li id="tension-{_e(cid)}"><p class="ft">{_badge(r.verdict)} '
            f'<a href="#check-{_e(cid)}">{_e(r.title)}</a></p>'
            f'<p>reported: {_e(row["reported"])}; implied: {_e(row["implied"])}</p>'
            f'<p><span class="role set">the figures</span> '
            + ", ".join(_fig_link(c, claims) for c in r.check.claims)
            + f"</p><p>Why it is not called inconsistent: {_e(_judgement(r))}.</p></li>")


def _summary_html(results: Sequence[_checks.Result], claims: Mapping[str, _data.Claim],
                  attributions: Mapping[str, Attribution], found: "pd.DataFrame") -> str:
    """The summary, rendered from the findings table: the counts (the headline sentence is the
    one-sentence summary above it), then one item per finding (its statement in English and
    Chinese), each failing check's roles inside it."""
    by_id = {r.check.check_id: r for r in results}
    n = _checks.counts(results)
    items = []
    tension_items = []
    context_items = []
    for f in found.to_dict("records"):
        ids = str(f["checks"]).split(";")
        statement = (f'<p class="st">{_e(f["statement_en"])}</p>'
                     f'<p class="st" lang="zh-Hans">{_e(f["statement_zh"])}</p>')
        if f["kind"] == "context":
            context_items.append(
                f'<li id="finding-{_e(f["finding_id"])}">{statement}<p>'
                + ", ".join(f'<a href="#check-{_e(c)}">{_e(by_id[c].title)}</a>' for c in ids)
                + "</p></li>")
            continue
        if f["kind"] in ("tension", "suggested"):
            tension_items.append(
                f'<li id="finding-{_e(f["finding_id"])}">{statement}'
                '<details><summary>The check and its figures</summary><ol>'
                + "".join(_tension_item(by_id[c], claims) for c in ids)
                + "</ol></details></li>")
            continue
        inner = "".join(_failure_item(attributions[c], claims) for c in ids)
        items.append(f'<li id="finding-{_e(f["finding_id"])}">{statement}'
                     f'<details><summary>The failing checks and their figures</summary>'
                     f'<ol>{inner}</ol></details></li>')
    return (
        '<section class="summary" aria-labelledby="summary-h" lang="en">\n'
        '<h2 id="summary-h">What the audit found</h2>\n'
        f'<p class="count">{_e(counts_sentence(n))}. '
        "Each link below jumps to the figure in the text and opens its details.</p>\n"
        + (f'<h3 id="failures-h">Likely errors and failing sets ({len(items)})</h3>\n'
           '<ol aria-labelledby="failures-h">' + "".join(items) + "</ol>\n" if items else "")
        + (f'<h3 id="tensions-h">Tensions ({len(tension_items)}): not proven inconsistent</h3>\n'
           '<ol aria-labelledby="tensions-h">' + "".join(tension_items) + "</ol>\n"
           if tension_items else "")
        + (f'<h3 id="context-h">Context ({len(context_items)}): derived figures, not checks</h3>\n'
           '<ol aria-labelledby="context-h">' + "".join(context_items) + "</ol>\n"
           if context_items else "")
        + ('<p class="rule">How the likely error is picked: a figure that agrees with an '
           "independent source (a passing check of equality against it) is taken as right; when "
           "exactly one figure of a failing set is left unconfirmed, it is the likely error. "
           "Otherwise the set is flagged as a whole.</p>\n" if items else "")
        + '<p><a href="#all-checks">All checks, failures and tensions first</a></p>\n'
        "</section>\n")


def _failure_item(a: Attribution, claims: Mapping[str, _data.Claim]) -> str:
    """One failing check inside its finding: the figures' roles."""
    r, row = a.result, a.result.row()
    cid = a.check_id
    if a.likely:
        roles = [f'<span class="role likely">likely error</span> '
                 + ", ".join(_fig_link(c, claims) for c in a.likely)]
        refs = []
        own = _point(row["reported"])
        if a.external:
            refs.append(f"the independent figure ({_e(own)})")
        for c in a.against:
            by = "; ".join(
                f'<a href="#check-{_e(x.check.check_id)}">{_e(x.title)}</a> ('
                + ("the same independent figure" if a.external and _point(x.row()["reported"]) == own
                   else _e(_point(x.row()["reported"]))) + ")"
                for x in a.confirmed_by[c])
            refs.append(f"{_fig_link(c, claims)}, confirmed by {by}")
        roles.append('<span class="role against">checked against</span> ' + "; and ".join(refs))
    else:
        roles = [f'<span class="role set">the set</span> '
                 + ", ".join(_fig_link(c, claims) for c in r.check.claims)
                 + (": the audit cannot tell which of "
                    + ", ".join(_fig_link(c, claims) for c in a.suspects) + " is off"
                    if len(a.suspects) > 1 else "")]
        if a.against:
            roles.append('<span class="role against">confirmed independently</span> '
                         + ", ".join(_fig_link(c, claims) for c in a.against))
    return (f'<li id="failing-{_e(cid)}"><p class="ft">{_badge(r.verdict)} '
            f'<a href="#check-{_e(cid)}">{_e(r.title)}</a></p>'
            f'<p>reported: {_e(row["reported"])}; implied: {_e(row["implied"])}</p>'
            + "".join(f"<p>{x}</p>" for x in roles) + "</li>")


def table_order(results: Sequence[_checks.Result]) -> list[_checks.Result]:
    """The checks table's order: failures, then tensions, then the rest by :data:`SEVERITY`
    (registry order within each)."""
    def key(r: _checks.Result) -> int:
        if r.verdict == "inconsistent":
            return 0
        if r.verdict == "tension":
            return 1
        return 2 + SEVERITY.index(r.verdict)
    return sorted(results, key=key)


def credit(meta: Mapping[str, object]) -> str:
    """The outlet, and the one that republished it where the case names one."""
    via = meta.get("republished_by")
    return str(meta.get("producer", "")) + (f", republished by {via}" if via else "")


def _note_key(r: _checks.Result) -> str:
    if r.counts_as == "context" and r.standing.rule in _findings.AUTHOR_RULES:
        return "author_tension" if r.verdict == "tension" else "author_context"
    return "tension" if r.verdict == "tension" else r.counts_as


def _judgement(r: _checks.Result) -> str:
    j = _findings.judgement(r)
    return j[:1].upper() + j[1:]


_COUNTS_AS_NOTE = {"tension": "tension: the figures disagree but may count different things",
                   "author_tension": "tension, by the case author's judgement: the figures "
                                     "disagree but may count different things",
                   "author_context": "context, by the case author's judgement: not counted as "
                                     "evidence",
                   "trivial": "trivial: could hardly fail; not evidence",
                   "coincidence": "coincidence: an equality the article never asserts; not evidence"}


def _table_html(results: Sequence[_checks.Result]) -> str:
    ordered = table_order(results)
    rows = []
    for r in ordered:
        row = r.row()
        cid = r.check.check_id
        links = " ".join(f'<a href="#claim-{_e(c)}">{_id(c)}</a>' for c in r.check.claims)
        ext = (f'<br><span class="n">external: {", ".join(_id(x) for x in r.check.external)}</span>'
               if r.check.external else "")
        rows.append(
            f'<tr id="check-{_e(cid)}" class="v-{r.verdict}" data-counts-as="{_e(r.counts_as)}">'
            f'<td data-label="check">{_id(cid)}</td><td data-label="title">{_e(r.title)}</td>'
            f'<td class="v" data-label="verdict">{_badge(r.verdict)} {_e(_label(r.verdict))}'
            + (f'<br><span class="n">{_e(_COUNTS_AS_NOTE[_note_key(r)])}</span>'
               if _note_key(r) in _COUNTS_AS_NOTE else "") + "</td>"
            f'<td data-label="reported">{_e(row["reported"])}</td>'
            f'<td data-label="implied">{_e(row["implied"])}<br><span class="n">{_e(_RELATION_WORDS[r.outcome.relation])}</span></td>'
            f'<td class="claims" data-label="claims">{links}{ext}</td></tr>')
    return ('<div class="scroll"><table class="all"><caption>Every check: failures first, then '
            'tensions, then within rounding, consistent and not checkable (registry order '
            'within each). A claim link jumps to the figure in the article and opens its details.</caption>\n'
            '<colgroup><col style="width:17%"><col style="width:20%"><col style="width:14%">'
            '<col style="width:14%"><col style="width:15%"><col style="width:20%"></colgroup>\n'
            '<thead><tr><th scope="col">check</th><th scope="col">title</th>'
            '<th scope="col">verdict</th><th scope="col">reported</th>'
            '<th scope="col">implied</th><th scope="col">claims</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody></table></div>")


#: The page's editions: ``full`` (the repository's page: the whole text), ``private`` (the whole
#: text for a class's private use, with the rights notice shown at the top) and ``quotes`` (the
#: public edition: only each figure's quote in context, with a link to the original).
EDITIONS = ("full", "private", "quotes")


def _rights_html(lic: Mapping[str, object]) -> str:
    return ('<p class="rights" lang="en" role="note"><strong>For private class use only.</strong> '
            f'{_e(lic.get("notice", ""))} Do not publish this page; the public edition of the site '
            "quotes only the figures in context.</p>\n")


def _quote_link(url: str, quote: str) -> str:
    """A link to the original page that highlights ``quote`` in browsers that support text
    fragments (``#:~:text=``)."""
    from urllib.parse import quote as _q

    return f"{url}#:~:text={_q(quote, safe='')}"


def _quotes_html(text: str, marks: Sequence[Mark], claims: Mapping[str, _data.Claim],
                 used: Mapping[str, Sequence[_checks.Result]],
                 attributions: Mapping[str, Attribution], url: str,
                 structure: object = None) -> str:
    """The public edition's body: the article's text replaced by its quoted figures in context.
    Each mark sits inside the quote of its claim (overlapping quotes merged into one excerpt),
    under the section heading it falls in, with a link to the original page."""
    lo, hi = body_bounds(text, structure)
    spans: list[list[int]] = []
    for m in marks:
        a, b = m.start, m.end
        for cid in m.claims:
            for qa, qb in _data.spans_of(text, claims[cid].quote):
                if lo <= qa and qb <= hi and qa <= m.start and m.end <= qb:
                    a, b = min(a, qa), max(b, qb)
                    break
        spans.append([a, b])
    spans.sort()
    excerpts: list[list[int]] = []
    for a, b in spans:
        if excerpts and a <= excerpts[-1][1]:
            excerpts[-1][1] = max(excerpts[-1][1], b)
        else:
            excerpts.append([a, b])
    secs = _data.sections(text, structure)
    out = ['<p class="edition" lang="en">The public edition: the article is not reproduced. Each '
           "figure the audit reads is shown in the sentence it comes from (a quotation, "
           f"{len(excerpts)} in all), linked to the original page.</p>"]
    heading = None
    items: list[str] = []
    for a, b in excerpts:
        sec = next((name for name, s0, s1 in secs if s0 <= a < s1), None)
        if sec != heading:
            if items:
                out.append('<ol class="quotes">' + "".join(items) + "</ol>")
                items = []
            if sec and sec != "intro":
                out.append(f"<h2>{_e(sec)}</h2>")
            heading = sec
        inside = [m for m in marks if a <= m.start and m.end <= b]
        items.append('<li><blockquote><p>\u2026'
                     + _marked(text, a, b, inside, claims, used, attributions)
                     + "\u2026</p></blockquote>"
                     f'<a class="orig" href="{_e(_quote_link(url, text[a:b]))}" lang="en">'
                     "in the original</a></li>")
    if items:
        out.append('<ol class="quotes">' + "".join(items) + "</ol>")
    placed = sum(1 for m in marks for a, b in excerpts if a <= m.start and m.end <= b)
    if placed != len(marks):
        raise ValueError("a highlighted figure is outside every quotation")
    return "\n".join(out)


def headline(results: Sequence[_checks.Result], found: "pd.DataFrame") -> tuple[str, str]:
    """The page's one-sentence summary, in Chinese and English, from the findings table (a
    wrong figure counted once)."""
    table = _checks.results_frame(results)
    en = _findings.headline_sentence(found, table)
    return _findings.headline_sentence_zh(found, table), en[0].upper() + en[1:] + "."


def _tldr_html(results: Sequence[_checks.Result], found: "pd.DataFrame") -> str:
    zh, en = headline(results, found)
    return ('<section class="tldr" aria-labelledby="tldr-h">\n'
            '<h2 id="tldr-h"><span lang="zh-Hans">\u6838\u67e5\u7ed3\u8bba</span> '
            '<span lang="en">The audit in one sentence</span></h2>\n'
            f'<p lang="zh-Hans">{_e(zh)}</p>\n<p lang="en">{_e(en)}</p>\n</section>\n')


def build_page(text: str, claims: Sequence[_data.Claim], results: Sequence[_checks.Result],
               meta: Mapping[str, object] | None = None, *, embed_font: bool = True,
               found: "pd.DataFrame | None" = None,
               figures: "_checks.Figures | None" = None, edition: str = "full") -> str:
    """The annotated article as one self-contained HTML5 document (a str ending in a newline).

    ``edition`` is one of :data:`EDITIONS`: ``"quotes"`` replaces the article's text by its
    quoted figures in context (the public site), ``"private"`` shows the rights notice at the
    top (the full text for a class).

    ``text`` is the raw article, ``claims`` from :func:`data.load_claims`, ``results`` from
    :func:`checks.run`; ``meta`` defaults to ``data/raw/article.meta.json``.  ``embed_font=False``
    leaves the font out (for tests that show what the font changes).  ``found`` is the
    findings table (:func:`debao_audit.findings.build` of ``figures`` and ``results`` by
    default): the summary renders from it."""
    if edition not in EDITIONS:
        raise ValueError(f"edition {edition!r}: expected one of {EDITIONS}")
    if figures is None:
        figures = _checks.load_figures()
    case = figures.case
    structure = case.structure if case is not None else None
    if meta is None:
        meta = _data.article_meta(case.meta) if case is not None else _data.article_meta()
    meta = dict(meta)
    if found is None:
        found = _findings.build(figures, results)
    by_id = {c.id: c for c in claims}
    used = claim_verdicts(claims, results)
    attributions = attribute(results)
    marks = locate_marks(text, claims, structure)
    lic = meta.get("license") or {}
    assert isinstance(lic, dict)
    authors = ", ".join(str(a) for a in meta.get("authors", []))  # type: ignore[union-attr]
    published = str(meta.get("date_published", ""))
    url = str(meta.get("url", ""))
    title = str(meta.get("title", ""))
    n_checks = len(results)
    dot = " \N{MIDDLE DOT} "
    skip = (f'<a class="skip" href="#figures" lang="en">Skip to the {len(marks)} highlighted '
            "figures</a>\n"
            f'<a class="skip" href="#all-checks" lang="en">Skip the {len(marks)} highlighted '
            "figures: go to all checks</a>\n")
    head = (
        skip + _sprite() + "\n"
        '<header class="wrap">\n'
        '<p class="kicker" lang="en">Annotated article: every figure checked</p>\n'
        f"<h1>{_e(title)}</h1>\n"
        # the English title where the case gives one; else the title in its language alone
        + (f'<p class="title-en" lang="en">{_e(meta["title_en"])}</p>\n'
           if meta.get("title_en") else "") +
        f'<p class="meta">{_e(credit(meta))}{dot}<span lang="en">published</span> '
        f'<time datetime="{_e(published)}">{_e(published[:16].replace("T", " "))}</time>'
        f'{dot}{_e(authors)}{dot}<a href="{_e(url)}">{_e(url)}</a></p>\n'
        + _tldr_html(results, found)
        + (_rights_html(lic) if edition == "private" else "")
        + _summary_html(results, by_id, attributions, found)
        + f'<p class="hint" lang="en">{len(claims)} figures of the article are highlighted and '
        f"{n_checks} checks relate them. Click or tap a figure, or move to it with the Tab key "
        "and press Enter, to see what it stands for and every check it takes part in; Esc or "
        "the close button closes the details. "
        "Symbol and colour give the most serious verdict among its checks; a figure that agrees "
        "with an independent source but is in a failing check is marked as confirmed, neither "
        "consistent nor the error.</p>\n"
        + _legend_html(claims, results, used, attributions) + "\n</header>\n")
    if edition == "quotes":
        article = ('<main class="wrap">\n<article id="figures" tabindex="-1" lang="zh-Hans" '
                   'aria-label="The article\'s figures, quoted in context">\n'
                   + _quotes_html(text, marks, by_id, used, attributions, url, structure)
                   + "\n</article>\n</main>\n")
    else:
        article = ('<main class="wrap">\n<article id="figures" tabindex="-1" lang="zh-Hans" '
                   'aria-label="The article">\n'
                   + _article_html(text, marks, by_id, used, attributions, structure)
                   + "\n</article>\n</main>\n")
    table = ('<section class="wrap wide checks" lang="en" aria-labelledby="all-checks">\n'
             '<h2 id="all-checks" tabindex="-1">All checks</h2>\n' + _table_html(results)
             + "\n</section>\n")
    foot = _template("footer.html.j2").render(
        url=url, credit=credit(meta), published=published[:10], licence=lic.get("name", ""),
        notice=lic.get("notice", ""), font=PAGE_FONT, version=__version__)
    doc_title = f"{title} \N{EM DASH} annotated (debao_audit)"
    body = head + article + table + foot
    if embed_font:
        regular, bold = _text_chars("<title>" + _e(doc_title) + "</title>" + body)
        fonts = font_css(regular, bold)
    else:
        fonts = ""
    return _template("page.html.j2").render(
        private=edition == "private", title=_e(doc_title), style=fonts + _css(VERDICT_COLOURS),
        body=body, script=_template("page.js").render())


def write_page(path: Path | None = None, case: object = None, edition: str = "full") -> Path:
    """Build the page from the project's data and write it atomically (default
    ``figures/annotated_article.html``; ``edition``: see :data:`EDITIONS`).  Returns the path
    written."""
    path = DEFAULT_PATH if path is None else Path(path)
    figs = _checks.load_figures(case=case)
    text = figs.text
    claims = list(figs.claims.values())
    html = build_page(text, claims, _checks.run(figs), figures=figs, edition=edition)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
