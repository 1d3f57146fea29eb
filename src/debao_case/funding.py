"""Funding: "only ever increased" against the growth rates, the cumulative total against its
named parts (a waterfall), and consumption assistance.  Plain matplotlib (bars with rounding
intervals); every amount in 万元 through the one formatter."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.patches import Patch

from debao_audit import style
from debao_audit.checks import Figures, Result
from debao_audit.interval import Interval
from debao_audit.figures import common as c
from debao_audit.figures.common import D, HUNDRED, WAN

# ============================================================================================
# "Funding only ever increased"
# ============================================================================================

FISCAL, GROWTH, TOTAL_ID = "fiscal_aid_2020", "fiscal_aid_growth_2020", "aid_total_cumulative"
NEVER_DECREASED = "funding_never_decreased"
FITS_PATH = "funding_total_fits_increasing_path"


def _increase_model(figs: Figures, results: Sequence[Result]) -> dict[str, Any]:
    res = c.by_id(results)
    y0, y1 = c.claim_years(figs, GROWTH)
    never = res[NEVER_DECREASED]
    return {"y0": y0, "y1": y1, "never": never, "path": res[FITS_PATH],
            "trivial": getattr(never, "counts_as", "") == "trivial"}


def titles_funding_increase(figs: Figures, results: Sequence[Result]) -> tuple[str, str]:
    m = _increase_model(figs, results)
    total = c.as_written(figs, TOTAL_ID)
    if c.holds(m["path"].verdict):
        return (f"累计{total}符合“只增不减”的财政资金路径",
                f"The {total} total fits fiscal funds that never fell")
    return (f"累计{total}不符合“只增不减”的财政资金路径",
            f"The {total} total does not fit fiscal funds that never fell")


def finding_funding_increase(figs: Figures, results: Sequence[Result]) -> str:
    m = _increase_model(figs, results)
    never, path = m["never"].outcome, m["path"].outcome
    verb = "rose" if c.holds(m["never"].verdict) else "did not rise"
    note = " (a trivial check: a positive rate implies it)" if m["trivial"] else ""
    inside = "inside" if c.holds(m["path"].verdict) else "outside"
    return (f"At +{c.as_written(figs, GROWTH)}, fiscal funds {verb} from "
            f"{c.wan(never.implied_point)} in {m['y0']} to {c.as_written(figs, FISCAL)} in "
            f"{m['y1']}{note}; the cumulative {c.as_written(figs, TOTAL_ID)} is {inside} the "
            f"{c.wan(path.implied.lo)}–{c.wan(path.implied.hi)} a never-falling fiscal path allows")


def fig_funding_increase(figs: Figures, results: list[Result], *,
                         outdir: Path | None = None) -> dict[str, Path]:
    """Left: fiscal funds in 2019 (implied by the growth rate) and 2020.  Right: the cumulative
    total against the range a fiscal path that never fell allows."""
    m = _increase_model(figs, results)
    zh, en = titles_funding_increase(figs, results)
    fig, (ax, bx) = style.new_figure(
        c.title(zh, en), c.wrap(finding_funding_increase(figs, results) + ".", 86),
        figsize=(7.6, 5.8), ncols=2, gridspec_kw={"width_ratios": [1.0, 0.9]},
        title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    blue = style.PALETTE["blue"]
    never = m["never"].outcome
    records: list[dict[str, Any]] = []
    bars = [(m["y0"], "推算 implied", never.implied_point, never.implied,
             {"facecolor": "white", "edgecolor": blue, "hatch": "///", "linewidth": 1.4},
             c.wan(never.implied_point)),
            (m["y1"], "报告 stated", figs.pt(FISCAL), figs.iv(FISCAL), {"color": blue},
             c.as_written(figs, FISCAL))]
    for x, (year, kind, value, iv, kw, text) in enumerate(bars):
        ax.bar(x, c.f(value / WAN), width=0.62, **kw)
        ax.annotate(text, xy=(x, c.f(value / WAN)), xytext=(0, 5), textcoords="offset points",
                    ha="center", va="bottom", fontsize=c.VALUE, fontweight="bold")
        records.append({"panel": "fiscal funds per year", "year": year, "kind": kind,
                        "bottom_wan_yuan": 0.0, "value_wan_yuan": float(value / WAN),
                        "lo_wan_yuan": float(iv.lo / WAN), "hi_wan_yuan": float(iv.hi / WAN)})
    ax.annotate(f"+{c.as_written(figs, GROWTH)}", xy=(0.5, c.f(figs.pt(FISCAL) / WAN) * 1.18),
                ha="center", va="bottom", fontsize=c.VALUE - 1, fontweight="bold",
                color=style.MUTED_COLOUR)
    ax.set_xticks([0, 1], [f"{b[0]}\n{b[1]}" for b in bars], fontsize=c.SMALL)
    ax.set_xlim(-0.55, 1.55)
    ax.set_ylim(0, c.f(figs.iv(FISCAL).hi / WAN) * 1.4)
    ax.set_ylabel("万元 (10,000 yuan)", fontsize=c.SMALL)
    ax.yaxis.set_major_formatter(lambda v, _p: c.number(v))
    ax.set_title("财政帮扶资金 Fiscal funds", fontsize=c.LABEL)
    # right: the total against the never-falling range
    path = m["path"].outcome
    lo, hi = c.f(path.implied.lo / WAN), c.f(path.implied.hi / WAN)
    bx.bar(0, hi - lo, bottom=lo, width=0.5, color="#E6E6E6")
    total = c.f(path.reported_point / WAN)
    colour = c.STATUS_COLOURS[c.status(m["path"])]
    bx.plot([-0.3, 0.3], [total, total], color=colour, linewidth=3.5)
    bx.annotate(f"{c.as_written(figs, TOTAL_ID)}\n= {c.wan(path.reported_point)}",
                xy=(0.3, total), xytext=(6, 0), textcoords="offset points", va="center",
                fontsize=c.VALUE - 1, fontweight="bold", color=colour)
    for v, exact in ((lo, path.implied.lo), (hi, path.implied.hi)):
        bx.annotate(c.wan(exact), xy=(-0.25, v), xytext=(0, 3 if v == hi else -3),
                    textcoords="offset points", va="bottom" if v == hi else "top", ha="left",
                    fontsize=c.SMALL, color=style.MUTED_COLOUR)
    bx.set_xlim(-0.4, 1.5)
    bx.set_ylim(0, max(hi, total) * 1.15)
    bx.set_xticks([0], ["只增不减的范围\nnever-falling range"], fontsize=c.SMALL)
    bx.yaxis.set_major_formatter(lambda v, _p: c.number(v))
    bx.set_title("累计 Total vs range", fontsize=c.LABEL)
    bx.set_ylabel("万元 (10,000 yuan), cumulative", fontsize=c.SMALL)
    records.append({"panel": "cumulative", "year": m["y1"], "kind": "range a never-falling path allows",
                    "bottom_wan_yuan": lo, "value_wan_yuan": hi - lo, "lo_wan_yuan": lo,
                    "hi_wan_yuan": hi})
    records.append({"panel": "cumulative", "year": m["y1"], "kind": "stated total",
                    "bottom_wan_yuan": 0.0, "value_wan_yuan": total,
                    "lo_wan_yuan": c.f(path.reported.lo / WAN), "hi_wan_yuan": c.f(path.reported.hi / WAN)})
    style.add_source(fig, c.source(figs, width=120), size=c.SOURCE - 1.5)
    return c.save(fig, "funding_increase", c.rounded(pd.DataFrame(records)), outdir)


# ============================================================================================
# The cumulative total against its named parts (waterfall)
# ============================================================================================

PARTS = (
    ("industry_sericulture_citrus_investment", "桑蚕柑橘基地 silkworm, citrus"),
    ("industry_camellia_investment", "油茶基地 oil-tea camellia"),
    ("disability_base_investment", "残疾人就业基地 disability base"),
    ("school_investment", "南山小学 Nanshan school"),
    ("medical_equipment_value", "医疗设备 medical equipment"),
    ("fiscal_aid_2020", "财政资金 fiscal funds"),
    ("social_donations_2020", "社会捐款 donations"),
)
TOTAL = "aid_total_cumulative"


def _parts_model(figs: Figures) -> dict[str, Any]:
    total_iv, total = figs.iv(TOTAL), figs.pt(TOTAL)
    parts_iv, parts = Interval.point(0), D(0)
    for cid, _ in PARTS:
        parts_iv = parts_iv + figs.iv(cid)
        parts += figs.pt(cid)
    return {"total": total, "total_iv": total_iv, "parts": parts, "parts_iv": parts_iv,
            "rest": total - parts, "rest_iv": total_iv - parts_iv}


def finding_funding_parts_vs_total(figs: Figures, results: Sequence[Result]) -> str:
    m = _parts_model(figs)
    return (f"The named investments plus {c.claim_years(figs, 'fiscal_aid_2020')[0]}'s funds and "
            f"donations add up to at most {c.wan(m['parts'])} "
            f"({c.pct(m['parts'] / m['total'] * HUNDRED, 0)}) of the cumulative "
            f"{c.as_written(figs, TOTAL)}; {c.wan(m['rest'])} "
            f"({c.pct(m['rest'] / m['total'] * HUNDRED, 0)}) or more is not itemised")


def fig_funding_parts_vs_total(figs: Figures, results: list[Result], *,
                               outdir: Path | None = None) -> dict[str, Path]:
    """A waterfall of the named parts up to the cumulative total, with the remainder."""
    m = _parts_model(figs)
    share = c.pct(m["rest"] / m["total"] * HUNDRED, 0)
    fig, ax = style.new_figure(
        c.title(f"累计{c.as_written(figs, TOTAL)}中至少{share}未列明用途",
                f"At least {share} of the {c.as_written(figs, TOTAL)} total is not itemised"),
        c.wrap(finding_funding_parts_vs_total(figs, results) + ". If projects were paid from "
               "the yearly funds the parts overlap and the remainder is larger.", 86),
        figsize=(7.6, 7.0), title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    records, labels = [], []
    cum = D(0)
    blue, light = style.PALETTE["blue"], style.PALETTE["bluish_green"]
    y = 0.0
    total = m["total"]
    for cid, label in PARTS:
        value = figs.pt(cid)
        period = figs.claims[cid].period
        one_year = period != "unstated" and len(set(c.claim_years(figs, cid))) == 1
        ax.barh(y, c.f(value / WAN), left=c.f(cum / WAN), height=0.66,
                color=light if one_year else blue)
        c.label_at(ax, c.f((cum + value) / WAN), y, c.as_written(figs, cid), size=c.SMALL,
                   bold=False)
        labels.append(label)
        records.append({"bar": label,
                        "period": "unstated" if period == "unstated" else c.year_span(figs, cid),
                        "start_wan_yuan": float(cum / WAN), "value_wan_yuan": float(value / WAN),
                        "lo_wan_yuan": float(figs.iv(cid).lo / WAN),
                        "hi_wan_yuan": float(figs.iv(cid).hi / WAN), "source": cid})
        cum += value
        y -= 1
    y -= 0.3
    rows = [
        ("named", "所列合计 named parts", D(0), m["parts"], m["parts_iv"],
         {"color": style.PALETTE["grey"]}),
        ("rest", "未列明 not itemised", m["parts"], m["rest"], m["rest_iv"],
         {"facecolor": "white", "edgecolor": style.PALETTE["vermillion"], "hatch": "///",
          "linewidth": 1.4}),
        ("total", "累计总额 total", D(0), total, m["total_iv"], {"color": style.PALETTE["black"]}),
    ]
    ys = list(range(0, -len(PARTS), -1))
    for key, label, left, value, iv, kw in rows:
        end = c.hbar_interval(ax, y, value, iv, scale=WAN, left=left, **kw)
        text = (f"{c.wan(value)} ({c.pct(value / total * HUNDRED, 0)})" if key != "total"
                else c.as_written(figs, TOTAL))
        c.label_at(ax, end, y, text, size=c.VALUE - 1,
                   colour=style.PALETTE["vermillion"] if key == "rest" else style.TEXT_COLOUR)
        labels.append(label)
        ys.append(y)
        records.append({"bar": label, "period": "", "start_wan_yuan": float(left / WAN),
                        "value_wan_yuan": float(value / WAN), "lo_wan_yuan": float(iv.lo / WAN),
                        "hi_wan_yuan": float(iv.hi / WAN),
                        "source": TOTAL if key == "total" else "computed"})
        y -= 1
    ax.set_yticks(ys, [c.bilingual(lab, 24) for lab in labels], fontsize=c.SMALL - 0.5)
    ax.axhline(-len(PARTS) + 0.35, color="#BBBBBB", linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=c.SMALL)
    ax.set_ylim(y + 0.5, 0.6)
    ax.set_xlim(0, c.f(total / WAN) * 1.42)
    c.xgrid(ax)
    ax.set_xlabel("万元 (10,000 yuan), cumulative", fontsize=c.SMALL)
    ax.xaxis.set_major_formatter(lambda v, _p: c.number(v))
    one_year = c.claim_years(figs, "fiscal_aid_2020")[0]
    ax.legend(handles=[Patch(color=blue, label="多年或未说明 several years or unstated"),
                       Patch(color=light, label=f"单年 one year ({one_year})")],
              loc="upper right", fontsize=c.SMALL - 1)
    style.add_source(fig, c.source(figs, width=120), size=c.SOURCE - 1.5)
    return c.save(fig, "funding_parts_vs_total", c.rounded(pd.DataFrame(records)), outdir)


# ============================================================================================
# Consumption assistance
# ============================================================================================

LAST, CUMULATIVE = "consumption_aid_2020", "consumption_aid_cumulative"


def _consumption_model(figs: Figures) -> dict[str, Any]:
    y0, y1 = c.claim_years(figs, CUMULATIVE)
    y_last = c.claim_years(figs, LAST)[1]
    earlier = list(range(y0, y_last))
    total, total_iv = figs.pt(CUMULATIVE), figs.iv(CUMULATIVE)
    last, last_iv = figs.pt(LAST), figs.iv(LAST)
    rest, rest_iv = total - last, total_iv - last_iv
    n = D(len(earlier))
    return {"y0": y0, "y1": y1, "y_last": y_last, "earlier": earlier, "total": total,
            "total_iv": total_iv, "last": last, "last_iv": last_iv, "rest": rest,
            "rest_iv": rest_iv, "avg": rest / n, "avg_iv": rest_iv / n,
            "share": last / total * HUNDRED}


def finding_consumption_assistance(figs: Figures, results: Sequence[Result]) -> str:
    m = _consumption_model(figs)
    return (f"{m['y_last']} alone, {c.as_written(figs, LAST)}, is {c.pct(m['share'], 0)} of "
            f"the five-year {c.as_written(figs, CUMULATIVE)} of consumption assistance; "
            f"{m['earlier'][0]}–{m['earlier'][-1]} averaged {c.wan(m['avg'])} a year")


def fig_consumption_assistance(figs: Figures, results: list[Result], *,
                               outdir: Path | None = None) -> dict[str, Path]:
    """Consumption assistance: the last year against the average of the years before."""
    m = _consumption_model(figs)
    span = f"{m['earlier'][0]}–{m['earlier'][-1]}"
    ratio = m["last"] / m["avg"]
    fig, ax = style.new_figure(
        c.title(f"{m['y_last']}年一年占五年消费扶贫的{c.pct(m['share'], 0)}",
                f"{m['y_last']} alone is {c.pct(m['share'], 0)} of five years' consumption aid"),
        c.wrap(finding_consumption_assistance(figs, results) + f" ({c.number(ratio, 1)} times "
               f"as much). The article gives {m['y_last']} and the total only; the earlier years "
               "are the remainder, shown as their average.", 84),
        figsize=(7.4, 5.8), title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    light, blue = style.PALETTE["grey"], style.PALETTE["blue"]
    bars = [
        (f"{span}\n平均每年 average", m["avg"], m["avg_iv"],
         {"facecolor": "white", "edgecolor": light, "hatch": "///", "linewidth": 1.4},
         f"{c.wan(m['avg'])}\n({c.wan(m['rest'])} ÷ {len(m['earlier'])})", "implied average"),
        (f"{m['y_last']}\n报告 stated", m["last"], m["last_iv"], {"color": blue},
         c.as_written(figs, LAST), "stated"),
    ]
    records = []
    for x, (label, value, iv, kw, text, kind) in enumerate(bars):
        ax.bar(x, c.f(value / WAN), width=0.6, **kw)
        ax.annotate(text, xy=(x, c.f(value / WAN)), xytext=(0, 6), textcoords="offset points",
                    ha="center", va="bottom", fontsize=c.VALUE - (2 if x == 0 else 0),
                    fontweight="bold")
        records.append({"bar": label.replace("\n", " "), "kind": kind,
                        "value_wan_yuan": float(value / WAN), "lo_wan_yuan": float(iv.lo / WAN),
                        "hi_wan_yuan": float(iv.hi / WAN)})
    records.append({"bar": f"{m['y0']}–{m['y1']}", "kind": "stated total",
                    "value_wan_yuan": float(m["total"] / WAN),
                    "lo_wan_yuan": float(m["total_iv"].lo / WAN),
                    "hi_wan_yuan": float(m["total_iv"].hi / WAN)})
    ax.set_xticks([0, 1], [b[0] for b in bars], fontsize=c.SMALL + 1)
    ax.set_xlim(-0.6, 1.6)
    ax.set_ylim(0, c.f(m["last"] / WAN) * 1.25)
    ax.set_ylabel("万元 (10,000 yuan) a year", fontsize=c.SMALL)
    ax.yaxis.set_major_formatter(lambda v, _p: c.number(v))
    ax.tick_params(axis="x", length=0)
    style.add_source(fig, c.source(figs, width=120), size=c.SOURCE - 1.5)
    return c.save(fig, "consumption_assistance", c.rounded(pd.DataFrame(records)), outdir)
