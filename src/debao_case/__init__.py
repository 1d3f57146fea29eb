"""This article's case code: what ``data/case.json`` names as its ``module``.

The engine (:mod:`debao_audit`) reads, checks, tables and draws any case; what is particular
to this article and cannot be declared as data lives here, outside the engine:

* :mod:`.checks`: the checks that need code (reconciliations, custom arithmetic), added to the
  case's registry by :func:`register` after those declared in ``data/relations.csv``;
* :mod:`.income`, :mod:`.poverty`, :mod:`.funding`, :mod:`.people`: the theme figures, one
  module per theme, each drawn with the engine's :mod:`debao_audit.style` and
  :mod:`debao_audit.figures.common`; :func:`figures` lists them for the gallery.

Importing :mod:`debao_audit` imports none of this; a case is loaded only when asked for
(:func:`debao_audit.case.default`).
"""

from __future__ import annotations

from typing import Any

from .checks import CHECKS, register

__all__ = ["APPENDIX", "CHECKS", "figures", "register"]

#: Theme figures linked below the gallery, never its lead (funding_increase: a trivial check and
#: a wide band, detail for the curious rather than a finding).
APPENDIX: tuple[str, ...] = ("funding_increase",)


def figures() -> dict[str, tuple[Any, Any]]:
    """The theme figures, name → (figure function, one-line finding), in gallery order; they
    follow the engine's findings figure and precede its overview charts."""
    from . import funding, income, people, poverty
    return {
        "income_growth": (income.fig_income_growth, income.finding_income_growth),
        "poverty_population": (poverty.fig_poverty_population,
                               poverty.finding_poverty_population),
        "people_channels": (people.fig_people_channels, people.finding_people_channels),
        "funding_parts_vs_total": (funding.fig_funding_parts_vs_total,
                                   funding.finding_funding_parts_vs_total),
        "funding_increase": (funding.fig_funding_increase, funding.finding_funding_increase),
        "consumption_assistance": (funding.fig_consumption_assistance,
                                   funding.finding_consumption_assistance),
        "income_benchmarks": (income.fig_income_benchmarks, income.finding_income_benchmarks),
    }
