"""The project's figures, one module per theme, all drawn in :mod:`debao_audit.style`.

* :mod:`.overview`: the findings scorecard (the gallery's lead), verdicts by kind and by power
  (seaborn), the appendix chart of every check;
* :mod:`.income`, :mod:`.poverty`, :mod:`.funding`, :mod:`.people`: one module per theme;
* :mod:`.common`: the one number formatter, figures as written (what-if overrides included),
  periods, verdict words, bars with intervals, saving, screen-size images for the notebooks.

Every number a figure draws or writes comes from ``data/`` through the package: the claims and
external rows (:class:`~debao_audit.checks.Figures`, overrides included) and the check results.
Each ``fig_<name>(figs, results, outdir=None)`` writes ``<name>.{png,svg,csv}`` (the CSV holds
exactly the plotted data) and returns the paths; :data:`FIGURES` maps each name to its function
and to the function that states its finding in one line::

    from debao_audit import figures
    for f in figures.build_all():
        print(f["name"], f["finding"])

In a notebook, ``figures.show(paths)`` embeds a saved figure at screen resolution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt

from .. import checks
from ..checks import Figures, Result
from . import common, funding, income, overview, people, poverty
from .common import as_written, number, show
from .funding import fig_consumption_assistance, fig_funding_increase, fig_funding_parts_vs_total
from .income import fig_income_benchmarks, fig_income_growth
from .overview import (fig_appendix_all_checks, fig_checks_by_kind, fig_checks_by_power,
                       fig_findings)
from .people import fig_people_channels
from .poverty import fig_poverty_population

__all__ = [
    "APPENDIX", "FIGURES", "GALLERY", "as_written", "build_all", "common", "finding", "funding",
    "income", "number", "overview", "people", "poverty", "show",
    "fig_appendix_all_checks", "fig_checks_by_kind", "fig_checks_by_power",
    "fig_consumption_assistance", "fig_findings", "fig_funding_increase",
    "fig_funding_parts_vs_total", "fig_income_benchmarks", "fig_income_growth",
    "fig_people_channels", "fig_poverty_population",
]

FigureFunction = Callable[..., dict[str, Path]]
Finding = Callable[[Figures, Sequence[Result]], str]

#: name → (figure function, one-line finding), in gallery order: the findings lead.
FIGURES: dict[str, tuple[FigureFunction, Finding]] = {
    "findings": (fig_findings, overview.finding_findings),
    "income_growth": (fig_income_growth, income.finding_income_growth),
    "poverty_population": (fig_poverty_population, poverty.finding_poverty_population),
    "people_channels": (fig_people_channels, people.finding_people_channels),
    "funding_parts_vs_total": (fig_funding_parts_vs_total, funding.finding_funding_parts_vs_total),
    "funding_increase": (fig_funding_increase, funding.finding_funding_increase),
    "consumption_assistance": (fig_consumption_assistance, funding.finding_consumption_assistance),
    "income_benchmarks": (fig_income_benchmarks, income.finding_income_benchmarks),
    "checks_by_power": (fig_checks_by_power, overview.finding_checks_by_power),
    "checks_by_kind": (fig_checks_by_kind, overview.finding_checks_by_kind),
    "appendix_all_checks": (fig_appendix_all_checks, overview.finding_findings),
}
#: Appendix figures: linked below the gallery, never its lead (funding_increase: a trivial
#: check and a wide band, detail for the curious rather than a finding).
APPENDIX: tuple[str, ...] = ("funding_increase", "appendix_all_checks")
#: Figures of the README gallery (each at most 1.5 times as tall as wide), in order.
GALLERY: tuple[str, ...] = tuple(n for n in FIGURES if n not in APPENDIX)


def finding(name: str, figs: Figures, results: Sequence[Result]) -> str:
    """The one-line finding of figure *name*, computed from the figures and verdicts."""
    return FIGURES[name][1](figs, results)


def build_all(outdir: Path | str | None = None, names: Iterable[str] | None = None,
              figs: Figures | None = None,
              results: Sequence[Result] | None = None) -> list[dict[str, Any]]:
    """Build every figure (or those in *names*) into *outdir* (default ``data.FIGURES``).

    Returns one record per figure: ``name``, ``finding`` and ``paths`` (png, svg, csv)."""
    figs = checks.load_figures() if figs is None else figs
    results = checks.run(figs) if results is None else list(results)
    target = None if outdir is None else Path(outdir)
    out = []
    for name in (names or FIGURES):
        fn, _ = FIGURES[name]
        paths = fn(figs, list(results), outdir=target)
        out.append({"name": name, "finding": finding(name, figs, results), "paths": paths})
    plt.close("all")
    return out
