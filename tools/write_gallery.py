"""Write the rendered blocks of the README and the docs pages from the data: the README's
findings (between the findings markers), the rules table of docs/design.md (between the rules
markers) and the gallery of docs/figures.md (between the gallery markers).

The gallery lists ``debao_audit.figures.GALLERY`` in order (the findings scorecard first); the
appendix figures are linked below it.  Each figure's one-line finding is computed by
``debao_audit.figures.finding`` from the data, so no page repeats a number by hand.  The
findings and the rules are rendered by ``debao_audit.findings`` from the same tables notebook 02
writes.  ``--check`` exits 1 if any page is out of date (tests/test_readme.py does the same).
Only the text between the markers is written; the rest of each page is prose.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from debao_audit import checks, figures

from .paths import CHECKOUT

README = CHECKOUT / "README.md"
START, END = "<!-- gallery -->", "<!-- /gallery -->"
FSTART, FEND = "<!-- findings -->", "<!-- /findings -->"
RSTART, REND = "<!-- rules -->", "<!-- /rules -->"


@cache
def _results():
    figs = checks.load_figures()
    return figs, checks.run(figs)


def findings_block() -> str:
    """README "What it finds", rendered by findings.readme_block from the same tables
    notebook 02 writes (computed here; tests hold them equal to data/processed/)."""
    from debao_audit import data, findings

    figs, results = _results()
    block = findings.readme_block(findings.build(figs, results), checks.results_frame(results))
    return "\n".join([FSTART, "", block.replace("{claims}", str(len(data.load_claims()))),
                      "", FEND])


def rules_block() -> str:
    """docs/design.md's table of the rules of what a check weighs, with their counts."""
    from debao_audit import findings

    _, results = _results()
    return "\n".join([RSTART, "", findings.rules_table(checks.results_frame(results)), "", REND])


#: Width in px of the gallery's thumbnails, and of its lead figure (the findings scorecard, a
#: page of rows whose small type is unreadable at 260 px: at 520 px, half its rendered width,
#: every text of it reads; tests/test_readme.py measures it).
THUMB_WIDTH, LEAD_WIDTH = 260, 520


def _img(name: str, text: str, width: int) -> str:
    return (f"[<img src=\"../figures/{name}.png\" width=\"{width}\" "
            f"alt=\"{name}: {text.replace(chr(34), '&quot;')}\">](../figures/{name}.png)")


def gallery() -> str:
    """docs/figures.md's gallery: links relative to docs/.  The lead figure (the findings
    scorecard) comes first, on its own line at :data:`LEAD_WIDTH`; the others in a table of
    thumbnails at :data:`THUMB_WIDTH`."""
    figs, results = _results()
    lead, *rest = figures.GALLERY
    text = figures.finding(lead, figs, results)
    lines = [START, "", f"{_img(lead, text, LEAD_WIDTH)}<br>**{lead}**: {text}. "
             f"[SVG](../figures/{lead}.svg), [data](../figures/{lead}.csv)", "",
             "| figure | finding |", "|---|---|"]
    for name in rest:
        text = figures.finding(name, figs, results).replace("|", "\\|")
        lines.append(f"| {_img(name, text, THUMB_WIDTH)} | **{name}**: {text}. "
                     f"[SVG](../figures/{name}.svg), [data](../figures/{name}.csv) |")
    lines.append("")
    what = {"appendix_all_checks": "every check on one chart",
            "funding_increase": "fiscal funds 2019 to 2020 and the never-falling path"}
    for name in figures.APPENDIX:
        lines.append(f"Appendix, {what.get(name, name.replace('_', ' '))}: "
                     f"[`figures/{name}.png`](../figures/{name}.png) "
                     f"([SVG](../figures/{name}.svg), [data](../figures/{name}.csv)).")
    lines += ["", "The annotated article: [`figures/annotated_article.html`](../figures/annotated_article.html) "
              "(open it in a browser; click or Tab to a figure, Esc closes its note).", "", END]
    return "\n".join(lines)


#: Each page the gallery step writes (relative to the checkout) and its blocks.
PAGES: dict[str, tuple[tuple[str, str, Callable[[], str]], ...]] = {
    "README.md": ((FSTART, FEND, findings_block),),
    "docs/design.md": ((RSTART, REND, rules_block),),
    "docs/figures.md": ((START, END, gallery),),
}


def _between(text: str, start: str, end: str, block: str, page: str) -> str:
    head, _, rest = text.partition(start)
    _, found, tail = rest.partition(end)
    if not rest or not found:
        raise SystemExit(f"{page}: expected the markers {start} ... {end}; got none")
    return head + block + tail


def render_page(page: str, text: str) -> str:
    """``text`` (the page ``page``) with each of its blocks rewritten."""
    for start, end, block in PAGES[page]:
        text = _between(text, start, end, block(), page)
    return text


def render(readme: str) -> str:
    """The README with its findings block rewritten."""
    return render_page("README.md", readme)


def _read(page: str) -> str:
    try:
        return (CHECKOUT / page).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SystemExit(f"{CHECKOUT / page}: expected a UTF-8 page with its rendered blocks; "
                         f"got {e.__class__.__name__}: {e}") from None


if __name__ == "__main__":
    stale = []
    for page in PAGES:
        current = _read(page)
        new = render_page(page, current)
        if new != current:
            stale.append(page)
            if "--check" not in sys.argv[1:]:
                (CHECKOUT / page).write_text(new, encoding="utf-8")
    if "--check" in sys.argv[1:] and stale:
        sys.exit(f"{', '.join(stale)} out of date: run make")
