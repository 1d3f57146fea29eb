"""The annotated article page: the article's text with every audited figure highlighted.

Typical use::

    from debao_audit import page
    page.write_page()          # -> figures/annotated_article.html

:func:`build_page` returns one self-contained HTML5 document (inline CSS, no script, no
external font, image or style sheet).  Each claim's written figure is marked *inside its
quote's occurrence* in the article body; the mark is coloured by the most serious verdict of
the checks the claim takes part in (the palette of :mod:`debao_audit.style`, so the page and
the figures agree), carries a verdict symbol as well as a colour, and opens a popover with the
claim's reading and its checks on hover or keyboard focus, in CSS alone:

* the popover is a ``<span class="pop">`` *inside* the ``<mark>``, ``display: none`` until
  ``mark:hover``, ``mark:focus``/``:focus-within`` (the mark has ``tabindex="0"``) or
  ``mark:target`` (a link from the checks table) shows it;
* it is positioned against the paragraph, not the mark (``p { position: relative }``,
  ``.pop { position: absolute; left: 0; right: 0 }`` with ``top: auto``), so it opens below
  the mark's line across the whole text column and is never pushed off the right edge.

Below the article come a table of all checks and a footer with the source and its copyright
notice.  Output is deterministic: no timestamps, claims and checks in registry/file order.

This source file is kept ASCII (non-ASCII symbols are written as escapes) so that it adds no
characters to the shipped figure font's subset (``tools/subset_font.py`` scans ``src/``).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Mapping, Sequence

from . import __version__
from . import checks as _checks
from . import data as _data
from .style import VERDICT_COLOURS, VERDICT_LABELS

__all__ = ["DEFAULT_PATH", "SEVERITY", "SYMBOLS", "Mark", "body_bounds", "build_page", "claim_verdicts",
           "locate_marks", "worst", "write_page"]

DEFAULT_PATH = _data.FIGURES / "annotated_article.html"

#: Verdicts from most to least serious: a claim's mark takes the first that applies.
SEVERITY = ("inconsistent", "within_rounding", "consistent", "not_checkable")
#: The verdict shown without colour, after each figure and in the legend and table.
SYMBOLS: dict[str, str] = {
    "consistent": "\N{CHECK MARK}",
    "within_rounding": "\N{ALMOST EQUAL TO}",
    "inconsistent": "\N{BALLOT X}",
    "not_checkable": "?",
    "none": "\N{WHITE CIRCLE}",
}
NONE_LABEL = "\N{CJK UNIFIED IDEOGRAPH-672A}\N{CJK UNIFIED IDEOGRAPH-6838}\N{CJK UNIFIED IDEOGRAPH-9A8C} not in any check"  # "not checked"
NONE_COLOUR = "#666666"

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


def body_bounds(text: str) -> tuple[int, int]:
    """Character offsets of the article body: from the dateline to the end of the closing mark."""
    secs = _data.sections(text)
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


def locate_marks(text: str, claims: Sequence[_data.Claim]) -> list[Mark]:
    """The marks, in text order.  Claims whose figures are the same span share one mark;
    figures that overlap partially are merged into one mark over their union."""
    lo, hi = body_bounds(text)
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


def _on(hex_colour: str) -> str:
    """Black or white, whichever contrasts more with ``hex_colour``."""
    lum = _luminance(hex_colour)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def _css(colours: Mapping[str, str]) -> str:
    rules = []
    for v, c in colours.items():
        rules.append(f".v-{v}{{--c:{c};--tint:{_tint(c, 0.22)};--on:{_on(c)}}}")
    rules.append(f".v-none{{--c:{NONE_COLOUR};--tint:transparent;--on:#FFFFFF}}")
    return "\n".join(rules) + "\n" + _CSS


_CSS = """
:root{color-scheme:light;--text:#222;--muted:#555;--rule:#d0d0d0}
*{box-sizing:border-box}
html{font-size:106.25%;-webkit-text-size-adjust:100%}
body{margin:0;color:var(--text);background:#fff;line-height:1.6;
 font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",
 "Microsoft YaHei","WenQuanYi Micro Hei",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.wrap{max-width:46rem;margin:0 auto;padding:1.5rem 1.25rem 2rem}
.wide{max-width:72rem}
header h1{font-size:1.6rem;line-height:1.35;margin:.2rem 0 .3rem}
.kicker{font-size:.85rem;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);margin:0}
.title-en{font-size:1.05rem;color:var(--muted);margin:0 0 .6rem}
.meta{font-size:.9rem;color:var(--muted);margin:.2rem 0}
.hint{font-size:.95rem;background:#f4f4f4;border-left:4px solid #888;padding:.6rem .8rem;margin:1rem 0}
a{color:#0a4f86}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em;overflow-wrap:anywhere}
.legend{list-style:none;padding:0;margin:.8rem 0 0;display:flex;flex-wrap:wrap;gap:.5rem .9rem;font-size:.92rem}
.legend li{display:flex;align-items:center;gap:.4rem}
.n{color:var(--muted)}
.badge{display:inline-block;min-width:1.35em;padding:0 .3em;border-radius:.3em;text-align:center;
 font-weight:700;line-height:1.35;background:var(--c);color:var(--on);font-family:"DejaVu Sans",sans-serif}
.v-none.badge,.v-none .badge{background:#fff;color:var(--c);outline:1.5px dotted var(--c)}
.swatch{display:inline-block;width:2.4em;height:1.1em;background:var(--tint);border-bottom:3px solid var(--c);border-radius:2px}
.v-within_rounding .swatch,mark.fig.v-within_rounding{border-bottom-style:dashed}
.v-not_checkable .swatch,mark.fig.v-not_checkable{border-bottom-style:dotted}
.v-none .swatch{border:0;outline:1.5px dotted var(--c);outline-offset:-2px}
article{font-size:1.06rem;line-height:2}
article h2{font-size:1.2rem;margin:1.8rem 0 .4rem;padding-bottom:.2rem;border-bottom:1px solid var(--rule)}
article p{position:relative;margin:0 0 1rem;text-indent:2em}
mark.fig{position:static;background:var(--tint);color:inherit;border-bottom:3px solid var(--c);
 border-radius:2px;padding:0 .1em;cursor:help;text-indent:0;white-space:nowrap}
mark.fig.v-none{border-bottom:0;outline:1.5px dotted var(--c);outline-offset:1px}
mark.fig:hover{background:var(--c);color:var(--on)}
mark.fig.v-none:hover{background:#eee;color:inherit}
mark.fig:focus{outline:3px solid #000;outline-offset:2px}
mark.fig:target{outline:3px solid #000;outline-offset:2px}
mark.fig .sym{font-size:.7em;vertical-align:.45em;margin-left:.12em;font-weight:700;
 font-family:"DejaVu Sans",sans-serif;color:var(--c)}
mark.fig:hover .sym{color:var(--on)}
mark.fig.v-within_rounding .sym,mark.fig.v-not_checkable .sym{color:#000}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.pop{display:none;position:absolute;left:-.5rem;right:-.5rem;top:auto;z-index:10;margin-top:.35rem;
 background:#fff;color:var(--text);border:1px solid #777;border-top:5px solid var(--c);border-radius:4px;
 box-shadow:0 6px 24px rgba(0,0,0,.25);padding:.6rem .85rem .7rem;font-size:.86rem;line-height:1.5;
 text-indent:0;font-weight:400;text-align:left;cursor:auto;white-space:normal}
.pop::before{content:"";position:absolute;left:0;right:0;top:-.9rem;height:.9rem}
mark.fig:hover .pop,mark.fig:focus .pop,mark.fig:focus-within .pop,mark.fig:target .pop{display:block}
mark.fig:target .pop{z-index:11}
mark.fig:focus .pop,mark.fig:focus-within .pop{z-index:12}
mark.fig:hover .pop{z-index:13}
.pop>span,.pc>span,.pclaim>span{display:block}
.pclaim+.pclaim{margin-top:.6rem;padding-top:.6rem;border-top:1px solid var(--rule)}
.ph{font-size:1rem;margin-bottom:.2rem}
.ph .pfig{font-size:1.2rem;font-weight:700;margin-right:.5rem}
.k{color:var(--muted);display:inline-block;min-width:5.8rem;margin-right:.2rem}
.pen{font-style:italic;margin:.15rem 0 .3rem}
.pcs{margin-top:.35rem}
.pc{border-left:4px solid var(--c);padding:.2rem 0 .25rem .55rem;margin-top:.45rem}
.pc .pt{font-weight:700}
.pc .small{font-size:.95em;color:#333}
.pc .rec{background:#fdf0e6;padding:.15rem .35rem;border-radius:3px}
.nocheck{color:var(--muted);margin-top:.3rem}
section.checks h2{font-size:1.3rem;margin:2rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;line-height:1.45}
caption{text-align:left;color:var(--muted);padding-bottom:.4rem}
th,td{border-bottom:1px solid var(--rule);padding:.4rem .45rem;vertical-align:top;text-align:left}
thead th{border-bottom:2px solid #888;background:#f6f6f6;position:sticky;top:0}
.scroll{overflow-x:auto}
table.all{table-layout:fixed;min-width:44rem}
table.all code{overflow-wrap:normal}
td.claims a{display:inline-block;margin-right:.4em}
tr:target{background:#fff6d5}
footer{border-top:1px solid var(--rule);margin-top:2rem;font-size:.85rem;color:var(--muted)}
footer p{margin:.4rem 0}
blockquote{margin:.4rem 0;padding-left:.8rem;border-left:3px solid var(--rule)}
@media print{
 html{font-size:11pt}
 .wrap{max-width:none;padding:0}
 .scroll{overflow:visible}
 table.all{min-width:0}
 .pop,.hint{display:none!important}
 mark.fig,.badge,.swatch{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 mark.fig:hover{background:var(--tint);color:inherit}
 a{color:inherit}
 thead th{position:static}
 tr,h2{break-inside:avoid}
 h2{break-after:avoid}
}
""".lstrip()


# --------------------------------------------------------------------------------------------
# HTML pieces
# --------------------------------------------------------------------------------------------

def _e(s: object) -> str:
    return escape(str(s), quote=True)


def _id(s: str) -> str:
    """An id in <code>, with line-break opportunities after its underscores."""
    return "<code>" + "_<wbr>".join(_e(p) for p in s.split("_")) + "</code>"


def _badge(verdict: str) -> str:
    return f'<span class="badge v-{verdict}" aria-hidden="true">{_e(SYMBOLS[verdict])}</span>'


def _label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, NONE_LABEL)


def _claim_popover(claim: _data.Claim, used: Sequence[_checks.Result]) -> str:
    v = worst([r.verdict for r in used])
    parts = [
        f'<span class="pclaim v-{v}">',
        f'<span class="ph"><span class="pfig" lang="zh-Hans">{_e(claim.written)}</span>'
        f'{_badge(v)} {_e(_label(v))}</span>',
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
            parts.append(
                f'<span class="pc v-{r.verdict}">'
                f'<span class="pt">{_badge(r.verdict)} <a href="#check-{_e(r.check.check_id)}">'
                f'{_id(r.check.check_id)}</a> {_e(r.title)}</span>'
                f'<span><span class="k">verdict</span> {_e(_label(r.verdict))}</span>'
                f'<span><span class="k">reported</span> {_e(row["reported"])}</span>'
                f'<span><span class="k">implied</span> {_e(row["implied"])} '
                f'({_e(_RELATION_WORDS[r.outcome.relation])})</span>'
                f'<span class="small"><span class="k">assumption</span> {_e(row["assumption"])}</span>'
                f'<span class="small"><span class="k">explanation</span> {_e(row["explanation"])}</span>'
                + (f'<span class="small rec"><span class="k">reconcile</span> {_e(row["reconcile"])}</span>'
                   if r.verdict == "inconsistent" and row["reconcile"] else "")
                + "</span>")
    parts.append("</span>")
    return "".join(parts)


def _mark_html(text: str, mark: Mark, claims: Mapping[str, _data.Claim],
               used: Mapping[str, Sequence[_checks.Result]]) -> str:
    verdicts = [r.verdict for cid in mark.claims for r in used[cid]]
    v = worst(verdicts)
    first, rest = mark.claims[0], mark.claims[1:]
    pop_id = f"pop-{first}"
    anchors = "".join(f'<span id="claim-{_e(c)}"></span>' for c in rest)
    body = "".join(_claim_popover(claims[c], used[c]) for c in mark.claims)
    return (f'<mark class="fig v-{v}" id="claim-{_e(first)}" data-claims="{_e(" ".join(mark.claims))}" '
            f'tabindex="0" aria-describedby="{_e(pop_id)}">{anchors}'
            f'{_e(text[mark.start:mark.end])}'
            f'<span class="sym" aria-hidden="true">{_e(SYMBOLS[v])}</span>'
            f'<span class="vh"> ({_e(_label(v))})</span>'
            f'<span class="pop" id="{_e(pop_id)}" role="tooltip" lang="en">{body}</span></mark>')


def _article_html(text: str, marks: Sequence[Mark], claims: Mapping[str, _data.Claim],
                  used: Mapping[str, Sequence[_checks.Result]]) -> str:
    lo, hi = body_bounds(text)
    headings = set(_data.SECTIONS[1:])
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
        html, cur = [], a
        for m in inside:
            html.append(_e(text[cur:m.start]))
            html.append(_mark_html(text, m, claims, used))
            cur = m.end
        html.append(_e(text[cur:b]))
        placed += len(inside)
        out.append("<p>" + "".join(html) + "</p>")
    if placed != len(marks):
        raise ValueError("a highlighted figure spans a line break; cannot place it in a paragraph")
    return "\n".join(out)


def _legend_html(claims: Sequence[_data.Claim], results: Sequence[_checks.Result],
                 used: Mapping[str, Sequence[_checks.Result]]) -> str:
    by_claim = {c.id: worst([r.verdict for r in used[c.id]]) for c in claims}
    items = []
    for v in (*_checks.VERDICTS, "none"):
        n_checks = sum(r.verdict == v for r in results)
        n_claims = sum(w == v for w in by_claim.values())
        count = (f"{n_checks} check{'s' if n_checks != 1 else ''}, " if v != "none" else "")
        count += f"{n_claims} figure{'s' if n_claims != 1 else ''}"
        items.append(f'<li class="v-{v}"><span class="swatch" aria-hidden="true"></span>'
                     f'{_badge(v)} <span>{_e(_label(v))}</span> <span class="n">({count})</span></li>')
    return '<ul class="legend" aria-label="Legend">' + "".join(items) + "</ul>"


def _table_html(results: Sequence[_checks.Result]) -> str:
    rows = []
    for r in results:
        row = r.row()
        cid = r.check.check_id
        links = " ".join(f'<a href="#claim-{_e(c)}">{_id(c)}</a>' for c in r.check.claims)
        ext = (f'<br><span class="n">external: {", ".join(_id(x) for x in r.check.external)}</span>'
               if r.check.external else "")
        rows.append(
            f'<tr id="check-{_e(cid)}" class="v-{r.verdict}"><td>{_id(cid)}</td>'
            f'<td>{_e(r.title)}</td>'
            f'<td class="v">{_badge(r.verdict)} {_e(_label(r.verdict))}</td>'
            f'<td>{_e(row["reported"])}</td>'
            f'<td>{_e(row["implied"])}<br><span class="n">{_e(_RELATION_WORDS[r.outcome.relation])}</span></td>'
            f'<td class="claims">{links}{ext}</td></tr>')
    return ('<div class="scroll"><table class="all"><caption>Every check in the registry, in order. A claim link jumps to the '
            'figure in the article and opens its details.</caption>\n'
            '<colgroup><col style="width:17%"><col style="width:20%"><col style="width:14%">'
            '<col style="width:14%"><col style="width:15%"><col style="width:20%"></colgroup>\n'
            '<thead><tr><th scope="col">check</th><th scope="col">title</th>'
            '<th scope="col">verdict</th><th scope="col">reported</th>'
            '<th scope="col">implied</th><th scope="col">claims</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody></table></div>")


def build_page(text: str, claims: Sequence[_data.Claim], results: Sequence[_checks.Result],
               meta: Mapping[str, object] | None = None) -> str:
    """The annotated article as one self-contained HTML5 document (a str ending in a newline).

    ``text`` is the raw article, ``claims`` from :func:`data.load_claims`, ``results`` from
    :func:`checks.run`; ``meta`` defaults to ``data/raw/article.meta.json``."""
    meta = dict(_data.article_meta() if meta is None else meta)
    by_id = {c.id: c for c in claims}
    used = claim_verdicts(claims, results)
    marks = locate_marks(text, claims)
    lic = meta.get("license") or {}
    assert isinstance(lic, dict)
    authors = ", ".join(str(a) for a in meta.get("authors", []))  # type: ignore[union-attr]
    published = str(meta.get("date_published", ""))
    url = str(meta.get("url", ""))
    title = str(meta.get("title", ""))
    n_checks = len(results)
    dot = " \N{MIDDLE DOT} "
    head = (
        '<header class="wrap">\n'
        '<p class="kicker" lang="en">debao_audit \N{EM DASH} annotated article</p>\n'
        f"<h1>{_e(title)}</h1>\n"
        f'<p class="title-en" lang="en">{_e(meta.get("title_en", ""))}</p>\n'
        f'<p class="meta">{_e(meta.get("producer", ""))}{dot}<span lang="en">published</span> '
        f'<time datetime="{_e(published)}">{_e(published[:16].replace("T", " "))}</time>'
        f'{dot}{_e(authors)}{dot}<a href="{_e(url)}">{_e(url)}</a></p>\n'
        f'<p class="hint" lang="en">{len(claims)} figures of the article are highlighted and '
        f"{n_checks} checks relate them. Hover over a figure, or move to it with the Tab key, "
        "to see what it stands for and every check it takes part in. Colour and symbol give "
        "the most serious verdict among its checks.</p>\n"
        + _legend_html(claims, results, used) + "\n</header>\n")
    article = ('<main class="wrap">\n<article lang="zh-Hans">\n'
               + _article_html(text, marks, by_id, used) + "\n</article>\n</main>\n")
    table = ('<section class="wrap wide checks" lang="en" aria-labelledby="all-checks">\n'
             '<h2 id="all-checks">All checks</h2>\n' + _table_html(results) + "\n</section>\n")
    foot = (
        '<footer class="wrap wide" lang="en">\n'
        f'<p>Source: <a href="{_e(url)}">{_e(url)}</a>, {_e(meta.get("producer", ""))}, '
        f"published {_e(published[:10])}.</p>\n"
        f'<p>{_e(lic.get("name", ""))} The article text is quoted here for verification only.</p>\n'
        f'<blockquote>{_e(lic.get("notice", ""))}</blockquote>\n'
        f"<p>Generated by debao_audit {_e(__version__)} (debao_audit.page).</p>\n"
        "</footer>\n")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} \N{EM DASH} annotated (debao_audit)</title>\n"
        f"<style>\n{_css(VERDICT_COLOURS)}</style>\n</head>\n<body>\n"
        + head + article + table + foot + "</body>\n</html>\n")


def write_page(path: Path | None = None) -> Path:
    """Build the page from the project's data and write it atomically (default
    ``figures/annotated_article.html``).  Returns the path written."""
    path = DEFAULT_PATH if path is None else Path(path)
    figs = _checks.load_figures()
    text = figs.text
    claims = list(figs.claims.values())
    html = build_page(text, claims, _checks.run(figs))
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
