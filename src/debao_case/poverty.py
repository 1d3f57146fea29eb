"""Poverty and population: can the poor people lifted out be the 2015 stock? (matplotlib bars
with rounding intervals)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from debao_audit import style
from debao_audit.checks import Figures, Result
from debao_audit.figures import common as c
from debao_audit.figures.common import HUNDRED

CHECK = "poverty_count_vs_incidence_and_population"
POOR, POP, INC, HH = ("poor_people_exited", "population_total", "poverty_incidence_2015",
                      "poor_households_exited")


def model(figs: Figures, results: Sequence[Result]) -> dict[str, Any]:
    res = c.by_id(results)
    pop, pop_iv = figs.pt(POP), figs.iv(POP)
    poor, poor_iv = figs.pt(POOR), figs.iv(POOR)
    inc, inc_iv = figs.pt(INC), figs.iv(INC)
    return {
        "pop": pop, "pop_iv": pop_iv, "poor": poor, "poor_iv": poor_iv, "inc": inc,
        "inc_iv": inc_iv, "poor_at_inc": pop * inc / HUNDRED,
        "poor_at_inc_iv": pop_iv * inc_iv / HUNDRED,
        "implied": res[CHECK].outcome, "verdict": c.status(res[CHECK]),
        "hh_size": res["poor_household_size"].outcome.implied_point,
        "year": c.claim_years(figs, INC)[0],
        "pop_period": figs.claims[POP].period,
        "w_poor": c.as_written(figs, POOR),
        "w_poor_zh": c.with_measure(figs, POOR, "名"), "w_pop": c.as_written(figs, POP),
        "w_inc": c.as_written(figs, INC), "w_hh": c.as_written(figs, HH),
    }


def titles(figs: Figures, results: Sequence[Result]) -> tuple[str, str]:
    m = model(figs, results)
    if c.holds(m["verdict"]):
        return (f"{m['w_poor_zh']}贫困人口与{m['year']}年贫困发生率{m['w_inc']}相符",
                f"{m['w_poor']} poor people fit the {m['year']} incidence of {m['w_inc']}")
    if m["verdict"] == "tension":  # no stronger than the verdict: they may count different things
        return (f"{m['w_poor_zh']}脱贫人口多于{m['year']}年贫困发生率{m['w_inc']}所示：有出入",
                f"Tension: {m['w_poor']} lifted out exceed {m['year']}'s poor at {m['w_inc']}")
    return (f"{m['w_poor_zh']}脱贫人口不是{m['year']}年的贫困存量",
            f"{m['w_poor']} people cannot be {m['year']}'s poor at {m['w_inc']}")


def finding_poverty_population(figs: Figures, results: Sequence[Result]) -> str:
    m = model(figs, results)
    share = f"{m['w_poor']} poor people lifted out are {c.pct(m['implied'].implied_point)} of {m['w_pop']}"
    if c.holds(m["verdict"]):
        return f"{share}, in line with the {m['year']} incidence of {m['w_inc']}"
    return (f"{share}, not the {m['year']} incidence of {m['w_inc']} (which implies "
            f"{c.number(m['poor_at_inc'])} poor): a cumulative count, not the {m['year']} stock")


def fig_poverty_population(figs: Figures, results: list[Result], *,
                           outdir: Path | None = None) -> dict[str, Path]:
    """Top: the incidence the counts imply against the stated one and independent figures.
    Bottom: the poor people counted against those the incidence implies."""
    m = model(figs, results)
    zh, en = titles(figs, results)
    fig, (ax2, ax) = style.new_figure(
        c.title(zh, en),
        c.wrap(finding_poverty_population(figs, results) + ". Whiskers: every value the "
               "figures as written allow.", 84),
        figsize=(7.6, 7.4), nrows=2, gridspec_kw={"height_ratios": [1.0, 1.0]},
        title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    verm, blue, grey = style.PALETTE["vermillion"], style.PALETTE["blue"], style.PALETTE["grey"]
    implied_colour = c.STATUS_COLOURS[m["verdict"]]
    hatched = {"facecolor": "white", "hatch": "///", "linewidth": 1.4}
    records: list[dict[str, Any]] = []
    inc_bars = [
        ("implied", f"{m['w_poor']} ÷ {m['w_pop']}", m["implied"].implied_point,
         m["implied"].implied, {**hatched, "edgecolor": implied_colour}, implied_colour),
        (INC, f"文章 article, {m['year']}", m["inc"], m["inc_iv"], {"color": blue},
         style.TEXT_COLOUR),
        ("db_poverty_incidence_2015", "德保 Debao, independent", figs.pt("db_poverty_incidence_2015"),
         figs.iv("db_poverty_incidence_2015"), {"color": grey}, style.TEXT_COLOUR),
        ("bs_poverty_incidence_2015", "百色 Baise (benchmark)", figs.pt("bs_poverty_incidence_2015"),
         figs.iv("bs_poverty_incidence_2015"), {"facecolor": "white", "edgecolor": grey,
                                                "linewidth": 1.4}, style.TEXT_COLOUR),
    ]
    for k, (key, label, value, iv, kw, colour) in enumerate(inc_bars):
        end = c.hbar_interval(ax2, -k, value, iv, height=0.64, **kw)
        c.label_at(ax2, end, -k, c.pct(value), colour=colour)
        records.append({"panel": "incidence", "bar": key, "label": label,
                        "value": float(value), "lo": float(iv.lo), "hi": float(iv.hi),
                        "unit": "percent"})
    ax2.set_yticks([-k for k in range(len(inc_bars))], [b[1] for b in inc_bars],
                   fontsize=c.SMALL + 1)
    ax2.set_xlim(0, c.f(m["implied"].implied.hi) * 1.3)
    ax2.set_title("贫困发生率 Poverty incidence (%)", fontsize=c.LABEL)
    bars = [
        (POOR, f"脱贫人口 lifted out ({m['w_hh']})", m["poor"], m["poor_iv"], {"color": blue},
         m["w_poor"]),
        ("poor_at_incidence", f"{m['w_inc']} × {m['w_pop']}", m["poor_at_inc"],
         m["poor_at_inc_iv"], {**hatched, "edgecolor": blue}, c.number(m["poor_at_inc"])),
        (POP, "总人口 population", m["pop"], m["pop_iv"], {"color": "#D9D9D9"}, m["w_pop"]),
    ]
    for k, (key, label, value, iv, kw, text) in enumerate(bars):
        end = c.hbar_interval(ax, -k, value, iv, height=0.64, **kw)
        c.label_at(ax, end, -k, text)
        records.append({"panel": "persons", "bar": key, "label": label, "value": float(value),
                        "lo": float(iv.lo), "hi": float(iv.hi), "unit": "persons"})
    ax.set_yticks([-k for k in range(len(bars))], [b[1] for b in bars], fontsize=c.SMALL + 1)
    ax.set_xlim(0, c.f(m["pop_iv"].hi) * 1.32)
    ax.set_title("人数 People", fontsize=c.LABEL)
    for a in (ax, ax2):
        a.tick_params(axis="y", length=0)
        a.tick_params(axis="x", labelsize=c.SMALL)
        a.xaxis.set_major_formatter(lambda v, _p: c.number(v))
        c.xgrid(a)
    style.add_source(fig, c.source(figs, ["db_poverty_incidence_2015", "bs_poverty_incidence_2015"],
                                   width=120), size=c.SOURCE - 1.5)
    return c.save(fig, "poverty_population", c.rounded(pd.DataFrame(records)), outdir)
