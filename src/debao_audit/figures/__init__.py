"""The engine's figures, drawn in :mod:`debao_audit.style`, for any case.

* :mod:`.overview`: the findings scorecard (the gallery's lead), verdicts by kind and by power
  (seaborn), the appendix chart of every check;
* :mod:`.common`: the one number formatter, figures as written (what-if overrides included),
  periods, verdict words, bars with intervals, saving, screen-size images for the notebooks.

A case's own theme figures live in its module (this article's: :mod:`debao_case`, one module
per theme), which lists them with ``figures()``; :func:`catalogue` puts a case's figures in
gallery order: the findings first, then the case's themes, then the overview charts.

Every number a figure draws or writes comes from the case's data through the package: the
claims and external rows (:class:`~debao_audit.checks.Figures`, overrides included) and the
check results.  Each ``fig_<name>(figs, results, outdir=None)`` writes ``<name>.{png,svg,csv}``
(the CSV holds exactly the plotted data) and returns the paths::

    from debao_audit import figures
    for f in figures.build_all():          # this repository's case; case=... for another
        print(f["name"], f["finding"])

``FIGURES``, ``GALLERY`` and ``APPENDIX`` are the default case's catalogue (computed on first
use).  In a notebook, ``figures.show(paths)`` embeds a saved figure at screen resolution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt

from .. import checks
from ..checks import Figures, Result
from . import common, overview
from .common import as_written, number, show
from .overview import (fig_appendix_all_checks, fig_checks_by_kind, fig_checks_by_power,
                       fig_findings)

if TYPE_CHECKING:
    from ..case import Case

__all__ = [
    "APPENDIX", "FIGURES", "GALLERY", "Catalogue", "as_written", "build_all", "catalogue",
    "common", "finding", "number", "overview", "show",
    "fig_appendix_all_checks", "fig_checks_by_kind", "fig_checks_by_power", "fig_findings",
]

FigureFunction = Callable[..., dict[str, Path]]
Finding = Callable[[Figures, Sequence[Result]], str]

#: The engine's figures, for every case: the lead, and the overview charts that follow the
#: case's own theme figures.
LEAD: dict[str, tuple[FigureFunction, Finding]] = {
    "findings": (fig_findings, overview.finding_findings),
}
TAIL: dict[str, tuple[FigureFunction, Finding]] = {
    "checks_by_power": (fig_checks_by_power, overview.finding_checks_by_power),
    "checks_by_kind": (fig_checks_by_kind, overview.finding_checks_by_kind),
    "appendix_all_checks": (fig_appendix_all_checks, overview.finding_findings),
}
#: The engine's appendix figure: linked below the gallery, never its lead.
TAIL_APPENDIX: tuple[str, ...] = ("appendix_all_checks",)


@dataclass(frozen=True)
class Catalogue:
    """A case's figures: ``figures`` name → (function, one-line finding) in gallery order;
    ``appendix`` those linked below the gallery; ``gallery`` the rest, the findings first."""
    figures: dict[str, tuple[FigureFunction, Finding]]
    appendix: tuple[str, ...]

    @property
    def gallery(self) -> tuple[str, ...]:
        return tuple(n for n in self.figures if n not in self.appendix)


def catalogue(case: "Case | None" = None) -> Catalogue:
    """The figures of ``case`` (default: this repository's): the engine's lead, the case
    module's theme figures (its ``figures()``, if any), then the engine's overview charts."""
    from .. import case as _case
    c = _case.default() if case is None else case
    mod = c.code()
    themes = dict(mod.figures()) if mod is not None and hasattr(mod, "figures") else {}
    clash = sorted(set(themes) & (set(LEAD) | set(TAIL)))
    if clash:
        raise _case.CaseError(f"{c.root / _case.CASE_FILE}: module {c.module!r}: expected "
                              f"theme figure names other than the engine's; found {clash}")
    appendix = tuple(getattr(mod, "APPENDIX", ())) if themes else ()
    return Catalogue({**LEAD, **themes, **TAIL}, appendix + TAIL_APPENDIX)


def __getattr__(name: str) -> Any:
    """``FIGURES``, ``GALLERY`` and ``APPENDIX``: the default case's catalogue."""
    if name in ("FIGURES", "GALLERY", "APPENDIX"):
        cat = catalogue()
        return {"FIGURES": cat.figures, "GALLERY": cat.gallery, "APPENDIX": cat.appendix}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def finding(name: str, figs: Figures, results: Sequence[Result],
            case: "Case | None" = None) -> str:
    """The one-line finding of figure *name*, computed from the figures and verdicts."""
    return catalogue(case).figures[name][1](figs, results)


def build_all(outdir: Path | str | None = None, names: Iterable[str] | None = None,
              figs: Figures | None = None,
              results: Sequence[Result] | None = None,
              case: "Case | None" = None) -> list[dict[str, Any]]:
    """Build every figure of ``case`` (or those in *names*) into *outdir* (default
    ``data.FIGURES``).

    Returns one record per figure: ``name``, ``finding`` and ``paths`` (png, svg, csv)."""
    figs = checks.load_figures(case=case) if figs is None else figs
    results = checks.run(figs) if results is None else list(results)
    cat = catalogue(case)
    target = None if outdir is None else Path(outdir)
    out = []
    for name in (names or cat.figures):
        fn, find = cat.figures[name]
        paths = fn(figs, list(results), outdir=target)
        out.append({"name": name, "finding": find(figs, results), "paths": paths})
    plt.close("all")
    return out
