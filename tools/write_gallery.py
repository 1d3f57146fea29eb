"""Write the README's gallery (between the gallery markers) from the figures' own findings.

The gallery lists ``debao_audit.figures.GALLERY`` in order (the findings scorecard first); the
appendix figures are linked below it.  Each figure's one-line finding is computed by
``debao_audit.figures.finding`` from the data, so the README never repeats a number by hand.
``--check`` exits 1 if the README is out of date (tests/test_readme.py does the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

from debao_audit import checks, figures

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START, END = "<!-- gallery -->", "<!-- /gallery -->"
FSTART, FEND = "<!-- findings -->", "<!-- /findings -->"


def findings_block() -> str:
    """README "What the notebooks find", rendered by findings.readme_block from the same
    tables notebook 02 writes (computed here; tests hold them equal to data/processed/)."""
    from debao_audit import data, findings

    figs = checks.load_figures()
    results = checks.run(figs)
    block = findings.readme_block(findings.build(figs, results), checks.results_frame(results))
    return "\n".join([FSTART, "", block.replace("{claims}", str(len(data.load_claims()))),
                       "", FEND])


def gallery() -> str:
    figs = checks.load_figures()
    results = checks.run(figs)
    lines = [START, "", "| figure | finding |", "|---|---|"]
    for name in figures.GALLERY:
        text = figures.finding(name, figs, results).replace("|", "\\|")
        lines.append(f"| [<img src=\"figures/{name}.png\" width=\"260\" alt=\"{name}: {text.replace(chr(34), '&quot;')}\">]"
                     f"(figures/{name}.png) | **{name}**: {text}. [SVG](figures/{name}.svg), "
                     f"[data](figures/{name}.csv) |")
    lines.append("")
    what = {"appendix_all_checks": "every check on one chart",
            "funding_increase": "fiscal funds 2019 to 2020 and the never-falling path"}
    for name in figures.APPENDIX:
        lines.append(f"Appendix, {what.get(name, name.replace('_', ' '))}: "
                     f"[`figures/{name}.png`](figures/{name}.png) "
                     f"([SVG](figures/{name}.svg), [data](figures/{name}.csv)).")
    lines += ["", "The annotated article: [`figures/annotated_article.html`](figures/annotated_article.html) "
              "(open it in a browser; click or Tab to a figure, Esc closes its note).", "", END]
    return "\n".join(lines)


def _between(readme: str, start: str, end: str, block: str) -> str:
    head, _, rest = readme.partition(start)
    _, _, tail = rest.partition(end)
    if not rest:
        raise SystemExit(f"{README}: no {start} marker")
    return head + block + tail


def render(readme: str) -> str:
    return _between(_between(readme, START, END, gallery()), FSTART, FEND, findings_block())


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    new = render(current)
    if "--check" in sys.argv[1:]:
        sys.exit(0 if new == current else "README gallery is out of date: run make")
    if new != current:
        README.write_text(new, encoding="utf-8")
