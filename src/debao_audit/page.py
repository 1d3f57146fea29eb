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
    import pandas as pd

from .style import FONT_FILES, font_subset, VERDICT_COLOURS, VERDICT_LABELS

__all__ = ["DEFAULT_PATH", "ICONS", "PAGE_FONT", "SEVERITY", "Attribution", "Mark", "attribute",
           "body_bounds", "build_page", "claim_verdicts", "confirming_checks", "font_css",
           "counts_sentence", "locate_marks", "mark_verdict", "subset_woff2", "table_order",
           "worst", "write_page"]

DEFAULT_PATH = _data.FIGURES / "annotated_article.html"

#: Verdicts from most to least serious: a claim's mark takes the first that applies.
SEVERITY = ("inconsistent", "tension", "within_rounding", "consistent", "not_checkable")
#: The verdict shown without colour: an SVG path (16 x 16 box, stroked) per verdict.
ICONS: dict[str, str] = {
    "consistent": "M3 8.6 6.4 12 13 4.4",                                    # a tick
    "within_rounding": "M2.5 6.2c2-2 3.5-2 5.5 0s3.5 2 5.5 0M2.5 11.2c2-2 3.5-2 5.5 0s3.5 2 5.5 0",
    "inconsistent": "M3.8 3.8 12.2 12.2M12.2 3.8 3.8 12.2",                 # a cross
    "tension": "M8 2.6 14 13.4H2zM8 6.6v3.4M8 11.8v.2",                      # a warning triangle
    "not_checkable": "M5.2 5.8a2.8 2.8 0 1 1 3.9 2.6c-.8.3-1.1.9-1.1 1.6v.6M8 13v.2",  # ?
    "none": "M8 3.6a4.4 4.4 0 1 0 .01 0z",                                  # a ring
}
#: Icons of the page's controls (not verdicts).
CONTROL_ICONS: dict[str, str] = {"close": "M4 4 12 12M12 4 4 12"}
NONE_LABEL = "\N{CJK UNIFIED IDEOGRAPH-672A}\N{CJK UNIFIED IDEOGRAPH-6838}\N{CJK UNIFIED IDEOGRAPH-9A8C} not in any check"  # "not checked"
NONE_COLOUR = "#666666"
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
    (``structure``: a case's, default this article's)."""
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
    """The most serious of some verdicts, ``"none"`` for none at all."""
    for v in SEVERITY:
        if v in verdicts:
            return v
    return "none"


# --------------------------------------------------------------------------------------------
# Which figure of a failing set is the likely error
# --------------------------------------------------------------------------------------------

def mark_verdict(claim_id: str, used: Sequence[_checks.Result],
                 attributions: Mapping[str, Attribution]) -> str:
    """The verdict a claim's mark shows: the most serious among its checks, leaving out the
    failing checks in which it is a figure checked against: it is confirmed independently, so
    the error lies with the set's other figures."""
    vs = [r.verdict for r in used
          if not (r.check.check_id in attributions
                  and claim_id in attributions[r.check.check_id].against)]
    if not vs and used:
        return "consistent"
    return worst(vs)


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
    return out


def _css(colours: Mapping[str, str]) -> str:
    rules = []
    for v, p in palette(colours).items():
        tint = "transparent" if v == "none" else p["tint"]
        rules.append(f".v-{v}{{--c:{p['c']};--tint:{tint};--on:{p['on']}}}")
    return "\n".join(rules) + "\n" + _CSS.replace("FONT", PAGE_FONT)


_CSS = """
:root{color-scheme:light;--text:#222;--muted:#555;--rule:#d0d0d0}
*{box-sizing:border-box}
html{font-size:106.25%;-webkit-text-size-adjust:100%}
body{margin:0;color:var(--text);background:#fff;line-height:1.6;font-family:"FONT",sans-serif;
 font-weight:400;font-synthesis:none}
h1,h2,h3,th,strong,b,.pfig,.pt,.ft{font-weight:700}
.wrap{max-width:46rem;margin:0 auto;padding:1.5rem 1.25rem 2rem}
.wide{max-width:72rem}
.skip{position:absolute;left:.5rem;top:-10rem;background:#fff;color:#0a4f86;padding:.5rem .8rem;
 border:2px solid #0a4f86;z-index:100}
.skip:focus{top:.5rem}
.meta a,footer a{overflow-wrap:anywhere}
.tldr{margin:.8rem 0 0;padding:.5rem .9rem;background:#f6f6f6;border-radius:6px}
.tldr h2{font-size:1.05rem;margin:.2rem 0}
.tldr p{margin:.25rem 0}
header h1{font-size:1.6rem;line-height:1.35;margin:.2rem 0 .3rem}
.kicker{font-size:.85rem;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);margin:0}
.title-en{font-size:1.05rem;color:var(--muted);margin:0 0 .6rem}
.meta{font-size:.9rem;color:var(--muted);margin:.2rem 0}
.hint{font-size:.95rem;background:#f4f4f4;border-left:4px solid #888;padding:.6rem .8rem;margin:1rem 0}
a{color:#0a4f86}
a:focus-visible{outline:3px solid #000;outline-offset:2px}
code{font-family:inherit;font-size:.9em;background:#f2f2f2;padding:0 .2em;border-radius:2px;overflow-wrap:anywhere}
.ico{width:1em;height:1em;vertical-align:-.15em;fill:none;stroke:currentColor;stroke-width:2.3;
 stroke-linecap:round;stroke-linejoin:round}
.legend{list-style:none;padding:0;margin:.8rem 0 0;display:flex;flex-wrap:wrap;gap:.5rem .9rem;font-size:.92rem}
.legend li{display:flex;align-items:center;gap:.4rem}
.n{color:var(--muted)}
.badge{display:inline-block;min-width:1.4em;padding:.05em .2em;border-radius:.3em;text-align:center;
 line-height:1.2;background:var(--c);color:var(--on)}
.v-none.badge,.v-none .badge{background:#fff;color:var(--c);box-shadow:inset 0 0 0 1.5px var(--c)}
.swatch{display:inline-block;width:2.4em;height:1.1em;background:var(--tint);border-bottom:3px solid var(--c);border-radius:2px}
.v-within_rounding .swatch,mark.fig.v-within_rounding{border-bottom-style:dashed}
.v-not_checkable .swatch,mark.fig.v-not_checkable{border-bottom-style:dotted}
.v-none .swatch{border:0;outline:1.5px dotted var(--c);outline-offset:-2px}
.summary{border:2px solid #D55E00;border-radius:6px;padding:.4rem 1rem .6rem;margin:1.2rem 0 0;background:#fff}
.summary h2{font-size:1.25rem;margin:.4rem 0 .2rem}
.summary>p{margin:.3rem 0}
.summary h3{font-size:1.05rem;margin:.7rem 0 .1rem}
.summary ol{padding-left:1.4rem;margin:.4rem 0}
.summary li{margin:.55rem 0}
.summary li p{margin:.1rem 0}
.ft a{color:inherit}
.role{display:inline-block;font-size:.82rem;padding:0 .35em;border-radius:3px;border:1px solid currentColor;
 margin-right:.25em;text-transform:uppercase;letter-spacing:.03em}
.role.likely{color:#A33F00}
.role.against{color:#005A8C}
.role.set{color:#444}
.rule{font-size:.88rem;color:var(--muted)}
article{font-size:1.06rem;line-height:2}
article h2{font-size:1.2rem;margin:1.8rem 0 .4rem;padding-bottom:.2rem;border-bottom:1px solid var(--rule)}
article p{margin:0 0 1rem;text-indent:2em}
mark.fig{background:var(--tint);color:inherit;border-bottom:3px solid var(--c);
 border-radius:2px;padding:0 .1em;text-indent:0;white-space:nowrap}
.figbtn{font:inherit;color:inherit;background:none;border:0;margin:0;padding:0;line-height:inherit;
 cursor:pointer;text-indent:0;white-space:nowrap;-webkit-appearance:none;appearance:none}
.figbtn:focus-visible{outline:3px solid #000;outline-offset:2px}
mark.fig.v-none{border-bottom:0;outline:1.5px dotted var(--c);outline-offset:1px}
mark.fig:hover{background:var(--c);color:var(--on)}
mark.fig.v-none:hover{background:#eee;color:inherit}
mark.fig:hover .pop{color:var(--text)}
mark.fig:target{outline:3px solid #000;outline-offset:2px}
mark.fig .sym{display:inline-block;font-size:.72em;line-height:1;vertical-align:.5em;margin-left:.15em;
 padding:.12em;border-radius:.25em;background:var(--c);color:var(--on)}
mark.fig .sym .ico{display:block;vertical-align:0;stroke-width:2.6}
mark.fig.v-none .sym{background:#fff;color:var(--c)}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.pop{display:none;margin:.4rem 0 .6rem;background:#fff;color:var(--text);border:1px solid #777;
 border-top:5px solid var(--c);border-radius:4px;box-shadow:0 3px 12px rgba(0,0,0,.18);
 padding:.6rem .85rem .7rem;font-size:.86rem;line-height:1.5;text-indent:0;text-align:left;
 cursor:auto;white-space:normal;max-height:60vh;overflow-y:auto;overscroll-behavior:contain}
mark.fig.open .pop,html:not(.js) mark.fig:target .pop{display:block}
.pclose{float:right;margin:-.3rem -.45rem .2rem .5rem;width:2.75rem;height:2.75rem;padding:.7rem;
 border:1px solid #777;border-radius:4px;background:#fff;color:var(--text);cursor:pointer;line-height:1}
.pclose .ico{width:1.2rem;height:1.2rem;vertical-align:0;display:block}
.pclose:focus-visible,.more:focus-visible{outline:3px solid #000;outline-offset:2px}
.plain{font-size:1rem;line-height:1.55;margin:.2rem 0 .4rem}
.more{font:inherit;font-size:.92em;color:#0a4f86;background:#fff;border:1px solid #0a4f86;border-radius:4px;
 padding:.35rem .6rem;min-height:2.75rem;cursor:pointer;text-align:left}
.more::before{content:"\\25B8  "}
.more[aria-expanded="true"]::before{content:"\\25BE  "}
.pclaim>span.tech{display:none;margin-top:.4rem}
.tech>span{display:block}
.pclaim>.more[aria-expanded="true"]+span.tech,html:not(.js) .pclaim>span.tech{display:block}
.pop>span,.pc>span,.pclaim>span{display:block}
.pclaim+.pclaim{margin-top:.6rem;padding-top:.6rem;border-top:1px solid var(--rule)}
.ph{font-size:1rem;margin-bottom:.2rem}
.ph .pfig{font-size:1.2rem;margin-right:.5rem}
.k{color:var(--muted);display:inline-block;min-width:5.8rem;margin-right:.2rem}
.pen{font-style:italic;margin:.15rem 0 .3rem}
.pcs{margin-top:.35rem}
.pc{border-left:4px solid var(--c);padding:.2rem 0 .25rem .55rem;margin-top:.45rem}
.pc .small{font-size:.95em;color:#333}
.pc .rec{background:#fdf0e6;padding:.15rem .35rem;border-radius:3px}
.nocheck{color:var(--muted);margin-top:.3rem}
.close{color:var(--muted);font-size:.9em;margin-top:.4rem}
section.checks h2{font-size:1.3rem;margin:2rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;line-height:1.45}
caption{text-align:left;color:var(--muted);padding-bottom:.4rem}
th,td{border-bottom:1px solid var(--rule);padding:.4rem .45rem;vertical-align:top;text-align:left}
thead th{border-bottom:2px solid #888;background:#f6f6f6;position:sticky;top:0}
.scroll{overflow-x:auto}
table.all{table-layout:fixed;min-width:44rem}
table.all code{overflow-wrap:normal}
@media (max-width:600px){
 .wrap{padding-left:.9rem;padding-right:.9rem}
 article p{text-indent:0}
 .scroll{overflow-x:visible}
 table.all,table.all tbody,table.all tr,table.all td,table.all caption{display:block;width:auto;min-width:0}
 table.all colgroup,table.all thead{display:none}
 table.all tr{border:1px solid var(--rule);border-left:5px solid var(--c);border-radius:6px;margin:0 0 .8rem;padding:.3rem .6rem}
 table.all td{border:0;padding:.2rem 0}
 table.all td::before{content:attr(data-label);display:block;font-size:.8rem;color:var(--muted);
  text-transform:uppercase;letter-spacing:.03em}
 table.all code{overflow-wrap:anywhere}
 table.all tr.v-inconsistent td:first-child{box-shadow:none}
}
tr.v-inconsistent td:first-child{box-shadow:inset 4px 0 0 var(--c)}
td.claims a{display:inline-block;margin-right:.4em}
tr:target{background:#fff6d5}
footer{border-top:1px solid var(--rule);margin-top:2rem;font-size:.85rem;color:var(--muted)}
footer p{margin:.4rem 0}
blockquote{margin:.4rem 0;padding-left:.8rem;border-left:3px solid var(--rule)}
.rights{border:2px solid #A33F00;border-radius:6px;padding:.5rem .8rem;margin:.8rem 0 0;background:#fdf0e6}
.edition{font-size:.95rem;color:var(--muted)}
ol.quotes{list-style:none;padding:0;margin:0 0 1rem}
ol.quotes li{margin:0 0 .9rem}
ol.quotes blockquote{margin:0;padding-left:.8rem;border-left:3px solid var(--rule)}
ol.quotes blockquote p{text-indent:0;margin:0}
.orig{font-size:.85rem}
@media print{
 html{font-size:11pt}
 .wrap{max-width:none;padding:0}
 .scroll{overflow:visible}
 table.all{min-width:0}
 .pop,.hint,.skip{display:none!important}
 mark.fig,.badge,.swatch,.sym{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 mark.fig:hover{background:var(--tint);color:inherit}
 a{color:inherit}
 thead th{position:static}
 tr,h2{break-inside:avoid}
 h2{break-after:avoid}
}
""".lstrip()

#: Esc closes an open popover (WCAG 2.1 SC 1.4.13): the mark keeps focus, its popover hides
#: until the mark is left.  Everything else works without script.
_SCRIPT = """
document.documentElement.classList.add("js");
function markOf(el){return el&&el.closest?el.closest("mark.fig"):null}
function setOpen(m,open){
 m.classList.toggle("open",open);
 m.querySelector(".figbtn").setAttribute("aria-expanded",open?"true":"false");
 if(open){var p=m.querySelector(".pop");if(p.scrollIntoView)p.scrollIntoView({block:"nearest"});}
}
function closeOthers(keep){document.querySelectorAll("mark.fig.open").forEach(function(m){if(m!==keep)setOpen(m,false)})}
function closeAndReturn(m){setOpen(m,false);m.querySelector(".figbtn").focus()}
document.addEventListener("click",function(e){
 var t=e.target,m=markOf(t);
 if(!m)return;
 if(t.closest(".figbtn")){var o=!m.classList.contains("open");closeOthers(m);setOpen(m,o);}
 else if(t.closest(".pclose")){closeAndReturn(m);}
 else if(t.closest(".more")){var b=t.closest(".more");
  b.setAttribute("aria-expanded",b.getAttribute("aria-expanded")==="true"?"false":"true");
  var p=m.querySelector(".pop");if(p.scrollIntoView)p.scrollIntoView({block:"nearest"});}
});
document.addEventListener("keydown",function(e){
 if(e.key!=="Escape"&&e.key!=="Esc")return;
 var m=markOf(document.activeElement);
 if(!(m&&m.classList.contains("open")))m=document.querySelector("mark.fig.open");
 if(m){e.preventDefault();closeAndReturn(m);}
});
function openTarget(){
 var id=decodeURIComponent(location.hash.slice(1)),el=id&&document.getElementById(id),m=markOf(el);
 if(!m)return;
 closeOthers(m);setOpen(m,true);m.querySelector(".figbtn").focus({preventScroll:true});
}
window.addEventListener("hashchange",openTarget);
openTarget();
""".lstrip()


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
                   attributions: Mapping[str, Attribution]) -> str:
    v = mark_verdict(claim.id, used, attributions)
    unit = "" if claim.unit == "date" else " " + claim.unit
    plain = (f"{claim.en.rstrip('.')}. As written, the figure stands for "
             f"{_data.interval_text(claim)}{unit}; "
             + (f"its most serious verdict: {_label(v)}." if used else "no check tests it."))
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
    body = "".join(_claim_popover(claims[c], used[c], attributions) for c in mark.claims)
    written = text[mark.start:mark.end]
    return (f'<mark class="fig v-{v}" id="claim-{_e(first)}" data-claims="{_e(" ".join(mark.claims))}">'
            f'{anchors}<button type="button" class="figbtn" aria-expanded="false" '
            f'aria-controls="{_e(pop_id)}">{_e(written)}'
            f'<span class="sym" data-verdict="{v}" aria-hidden="true">{_ico(v)}</span>'
            f'<span class="vh"> ({_e(_label(v))})</span></button>'
            f'<span class="pop" id="{_e(pop_id)}" role="group" lang="en" '
            f'aria-label="Details of {_e(written)}">'
            f'<button type="button" class="pclose" aria-label="Close the details of {_e(written)}">'
            f'{_ico("close")}</button>{body}'
            '<span class="close">Esc closes these details and returns to the figure.</span>'
            '</span></mark>')


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
    headings = set(structure.headings if structure is not None  # type: ignore[attr-defined]
                   else _data.SECTIONS[1:])
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
    for v in (*_checks.VERDICTS, "none"):
        n_checks = sum(r.verdict == v for r in results)
        n_claims = sum(w == v for w in by_claim.values())
        count = (f"{n_checks} check{'s' if n_checks != 1 else ''}, " if v != "none" else "")
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
    and the findings figure): failures among the evidence checks, then tensions, then the
    checks that are not evidence (trivial or coincidence) and those yielding derived figures."""
    fail, ev = n["inconsistent"], n["evidence"]
    hold = n["consistent"] + n["within_rounding"]
    head = (f"{fail} of {ev} evidence checks fail and {hold} hold" if fail
            else f"None of the {ev} evidence checks fails")
    parts = [head]
    if n["tension"]:
        parts.append(f"{n['tension']} more {'are tensions' if n['tension'] != 1 else 'is a tension'}"
                     " (the figures disagree but may count different things)")
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
    for f in found.to_dict("records"):
        ids = str(f["checks"]).split(";")
        statement = (f'<p class="st">{_e(f["statement_en"])}</p>'
                     f'<p class="st" lang="zh-Hans">{_e(f["statement_zh"])}</p>')
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
        "Symbol and colour give the most serious verdict among its checks.</p>\n"
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
    foot = (
        '<footer class="wrap wide" lang="en">\n'
        f'<p>Source: <a href="{_e(url)}">{_e(url)}</a>, {_e(credit(meta))}, '
        f"published {_e(published[:10])}.</p>\n"
        f'<p>{_e(lic.get("name", ""))} The article text is quoted here for verification only.</p>\n'
        f'<blockquote>{_e(lic.get("notice", ""))}</blockquote>\n'
        f"<p>Type: {PAGE_FONT}, a subset of Noto Sans CJK SC (\N{COPYRIGHT SIGN} 2014-2021 Adobe), "
        "embedded in this page under the SIL Open Font License 1.1 "
        "(the licence text is in the font's name table and in the project's fonts/OFL.txt).</p>\n"
        f"<p>Generated by debao_audit {_e(__version__)} (debao_audit.page).</p>\n"
        "</footer>\n")
    doc_title = f"{title} \N{EM DASH} annotated (debao_audit)"
    body = head + article + table + foot
    if embed_font:
        regular, bold = _text_chars("<title>" + _e(doc_title) + "</title>" + body)
        fonts = font_css(regular, bold)
    else:
        fonts = ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        + ('<meta name="robots" content="noindex, nofollow">\n' if edition == "private" else "")
        + f"<title>{_e(doc_title)}</title>\n"
        f"<style>\n{fonts}{_css(VERDICT_COLOURS)}</style>\n</head>\n<body>\n"
        + body + f"<script>\n{_SCRIPT}</script>\n</body>\n</html>\n")


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
