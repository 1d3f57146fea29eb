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


def render(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    if not rest:
        raise SystemExit(f"{README}: no {START} marker")
    return head + gallery() + tail


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    new = render(current)
    if "--check" in sys.argv[1:]:
        sys.exit(0 if new == current else "README gallery is out of date: run make")
    if new != current:
        README.write_text(new, encoding="utf-8")
