"""The project's figures, one function per figure, all drawn in :mod:`debao_audit.style`.

Every number a figure draws or writes comes from ``data/`` through the package: the article's
claims and the external rows (:class:`~debao_audit.checks.Figures`), and the check results
(:func:`debao_audit.checks.run`).  Nothing numeric is typed in here except layout (sizes,
offsets, axis ticks).  Decimals become floats only as plotting coordinates.

Each ``fig_<name>(figs, results)`` draws one figure, writes ``figures/<name>.{png,svg,csv}``
through :func:`debao_audit.style.save` (the CSV holds exactly the plotted data) and returns the
paths.  :data:`FIGURES` maps each name to its function and to the function that states its
finding in one line; :func:`build_all` builds them all::

    from debao_audit import figures
    for f in figures.build_all():
        print(f["name"], f["finding"])
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from . import checks, data, style
from .checks import Figures, Result
from .interval import Interval

__all__ = [
    "FIGURES",
    "build_all",
    "fig_checks_overview",
    "fig_consumption_assistance",
    "fig_funding_2020_vs_2019",
    "fig_funding_parts_vs_total",
    "fig_income_growth_arithmetic",
    "fig_income_paths",
    "fig_people_channels",
    "fig_poverty_population",
]

D = Decimal
HUNDRED = D(100)
WAN = D(10000)
ONE = Interval.point(1)
MINUS = "\N{MINUS SIGN}"

#: Themes of the checks, in display order, with bilingual names.
THEMES: dict[str, str] = {
    "income": "收入 income",
    "poverty": "贫困与人口 poverty and population",
    "funding": "资金 funding",
    "people": "人员 people",
    "timeline": "时间 timeline",
}
VERDICT_ORDER = ("inconsistent", "within_rounding", "consistent", "not_checkable")

#: Bar styles that tell persons (人/名), person-times (人次) and other counts apart.
UNIT_STYLE_LABELS = {
    "person": "人、名 persons (solid)",
    "person_time": "人次 person-times: a person counted once per occasion (hatched)",
    "other": "其他计数 other counts: posts, events, facilities, units (outline)",
}


# ============================================================================================
# Small helpers: numbers, look-ups, sources
# ============================================================================================

def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _num(x: Decimal, places: int = 0, sign: bool = False, sep: bool = True) -> str:
    """A Decimal for display: rounded half up, thousands separators, a true minus sign."""
    q = _q(x, places)
    text = f"{abs(q):,.{places}f}" if sep else f"{abs(q):.{places}f}"
    if q < 0:
        return MINUS + text
    return ("+" + text) if sign and q > 0 else text


def _pct(x: Decimal, places: int = 2, sign: bool = False) -> str:
    return _num(x, places, sign) + "%"


def _wan(x: Decimal) -> Decimal:
    return x / WAN


def _wan_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The plotted bars in 万元, rounded to 4 decimals so that the CSV carries no float noise."""
    frame = pd.DataFrame(records)
    for col in ("start_wan_yuan", "value_wan_yuan", "lo_wan_yuan", "hi_wan_yuan"):
        frame[col] = frame[col].round(4)
    return frame


def _f(x: Decimal | None, default: float = math.nan) -> float:
    """A Decimal as a float plotting coordinate (None becomes *default*)."""
    return default if x is None else float(x)


def _years(period: str) -> tuple[int, int]:
    """First and last year of a period such as ``2015–2020``, ``2016-09–2020-11``,
    ``publication`` or ``2017–publication`` (publication: the article's date in
    data/raw/article.meta.json).  ``unstated`` has no years: ValueError."""
    if period == "unstated":
        raise ValueError("the period is 'unstated': the article gives no years")
    found = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", period)]
    if period.endswith("publication"):
        found.append(int(data.article_meta()["date_published"][:4]))
    if not found:
        raise ValueError(f"no year in period {period!r}")
    return found[0], found[-1]


def _by_id(results: Sequence[Result]) -> dict[str, Result]:
    return {r.check.check_id: r for r in results}


def _written(figs: Figures, cid: str) -> str:
    return figs.claims[cid].written


def _iv_text(iv: Interval, scale: Decimal = D(1), places: int = 0) -> str:
    """An interval as 'lo–hi' for labels (an open upper end as ∞)."""
    lo = "" if iv.lo is None else _num(iv.lo / scale, places)
    hi = "∞" if iv.hi is None else _num(iv.hi / scale, places)
    return f"{lo}–{hi}"


def _article_source() -> str:
    meta = data.article_meta()
    producer = meta["producer"].split(" (")[0]
    return f"{producer} {meta['date_published'][:10]}"


def _source(figs: Figures, external: Iterable[str] = (), note: str = "") -> str:
    """The footnote: the article, the external sources by name, and an optional note."""
    names: list[str] = []
    for eid in external:
        name = figs.external[eid].source
        if name not in names:
            names.append(name)
    text = f"Source: {_article_source()} (the article)"
    if names:
        text += "; " + "; ".join(names)
    text += ". Analysis: debao-audit."
    if note:
        text += " " + note
    return "\n".join(textwrap.wrap(text, 150))


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _bilingual(label: str, width: int) -> str:
    """'中文 English words' as the Chinese term on one line and the gloss wrapped below."""
    zh, _, en = label.partition(" ")
    return zh + ("\n" + _wrap(en, width) if en else "")


def _spread(targets: Sequence[float], gap: float) -> list[float]:
    """Label positions near *targets*, at least *gap* apart, each cluster centred on its targets."""
    order = sorted(range(len(targets)), key=lambda i: targets[i])
    clusters: list[list[int]] = []
    for i in order:
        clusters.append([i])
        while len(clusters) > 1:
            a, b = clusters[-2], clusters[-1]
            a_top = _cluster_start(a, targets, gap) + gap * (len(a) - 1)
            if _cluster_start(b, targets, gap) - a_top >= gap:
                break
            clusters[-2:] = [a + b]
    out = [0.0] * len(targets)
    for c in clusters:
        start = _cluster_start(c, targets, gap)
        for k, i in enumerate(c):
            out[i] = start + k * gap
    return out


def _cluster_start(c: list[int], targets: Sequence[float], gap: float) -> float:
    mean = sum(targets[i] for i in c) / len(c)
    return mean - gap * (len(c) - 1) / 2


def _save(fig: Figure, name: str, frame: pd.DataFrame, outdir: Path | None) -> dict[str, Path]:
    """Fix the layout, then :func:`style.save`.

    Constrained layout solves for the axes positions anew at every save, and its solver's
    last-bit floating-point noise varies from one process to the next; the SVG backend names
    clip paths by hashing those positions, so the SVG would differ byte-wise between runs.  Here
    the layout is solved once, the positions are rounded and fixed, and the layout engine is
    switched off, so the PNG and SVG are drawn from the same, reproducible positions."""
    try:
        with style.strict_glyphs(name):
            fig.draw_without_rendering()
        for ax in fig.axes:
            x0, y0, x1, y1 = (round(v, 6) for v in ax.get_position().extents)
            ax.set_position(Bbox.from_extents(x0, y0, x1, y1))
        fig.set_layout_engine("none")
    except BaseException:
        plt.close(fig)
        raise
    return style.save(fig, name, frame, outdir)


def _legend_axes(fig: Figure, axes: Any) -> Axes:
    """Turn a row of axes (the first row of *axes*) into one empty axes holding a legend."""
    row = list(axes[0]) if hasattr(axes[0], "__len__") else [axes[0]]
    gs = row[0].get_subplotspec().get_gridspec()
    for ax in row:
        ax.remove()
    lax = fig.add_subplot(gs[0, :])
    lax.set_axis_off()
    return lax


def _xgrid(ax: Axes) -> None:
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.grid(axis="y", visible=False)


def _unit_style(unit: str, colour: str) -> dict[str, Any]:
    """Bar keyword arguments: solid for persons, hatched for person-times, outline otherwise."""
    if unit == "person":
        return {"facecolor": colour, "edgecolor": colour, "linewidth": 1.0}
    if unit == "person_time":
        return {"facecolor": "white", "edgecolor": colour, "hatch": "///", "linewidth": 1.2}
    return {"facecolor": "white", "edgecolor": colour, "linewidth": 1.6}


# ============================================================================================
# 1. Every check at a glance
# ============================================================================================

def _finding_checks_overview(figs: Figures, results: Sequence[Result]) -> str:
    n = {v: sum(r.verdict == v for r in results) for v in VERDICT_ORDER}
    checkable = len(results) - n["not_checkable"]
    held = n["consistent"]
    text = (f"{n['inconsistent']} of the {checkable} checkable relations (among the article's figures "
            f"or against independent sources) fail; {held} hold as written")
    if n["within_rounding"]:
        text += f", {n['within_rounding']} only within rounding"
    text += f"; {n['not_checkable']} more only yield derived figures"
    return text


def _overview_row(r: Result) -> dict[str, Any]:
    """Plotting coordinates of one check, relative to its reference value."""
    o = r.outcome
    is_date = o.unit == "date"
    checkable = r.verdict != "not_checkable"
    if checkable and o.reported is not None:
        ref = o.reported_point
        if ref is None:
            ref = o.reported.mid if o.reported.bounded else (o.reported.lo or o.reported.hi)
    else:
        ref = o.implied_point if o.implied_point is not None else o.implied.mid
    ref = D(0) if ref is None else ref

    def x(v: Decimal | None, inf: float) -> float:
        if v is None:
            return inf
        if is_date:
            return float(v - ref)
        if ref == 0:
            return float(v)
        return float((v / ref - 1) * HUNDRED)

    rep = o.reported if checkable else None
    imp_pt = o.implied_point if o.relation != "in" else None
    return {
        "panel": "dates" if is_date and checkable else "checkable" if checkable else "derived",
        "theme": r.check.theme,
        "check_id": r.check.check_id,
        "title": r.title or r.check.check_id,
        "verdict": r.verdict,
        "relation": o.relation,
        "x_unit": "days" if is_date else "percent",
        "x_reported_lo": math.nan if rep is None else x(rep.lo, -math.inf),
        "x_reported_hi": math.nan if rep is None else x(rep.hi, math.inf),
        "x_implied_lo": x(o.implied.lo, -math.inf),
        "x_implied_hi": x(o.implied.hi, math.inf),
        "x_implied_point": math.nan if imp_pt is None else x(imp_pt, math.nan),
        "reported": r.row()["reported"] if checkable else "",
        "implied": _implied_text(r),
    }


def _implied_text(r: Result) -> str:
    """The implied figure as the checks display it; a range (relation 'in') as its bounds."""
    o = r.outcome
    if o.relation == "in" and o.unit != "date":
        unit = f" {o.unit}" if o.unit else ""
        return f"range {o.implied.format(o.places, o.scale)}{unit}"
    return r.row()["implied"]


def _symlog_axis(ax: Axes, lim: float, linthresh: float, unit: str) -> None:
    ax.set_xscale("symlog", linthresh=linthresh, linscale=0.6)
    ax.set_xlim(-lim, lim)
    ticks = [0.0]
    t = linthresh
    while t <= lim:
        ticks += [t, -t]
        t *= 10
    ax.xaxis.set_major_locator(FixedLocator(sorted(ticks)))
    ax.xaxis.set_minor_locator(NullLocator())

    def fmt(v: float, _pos: int) -> str:
        if v == 0:
            return "0"
        body = f"{abs(v):g}{unit}"
        return ("+" if v > 0 else MINUS) + body
    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


def _overview_panel(ax: Axes, rows: list[dict[str, Any]], lim: float, linthresh: float,
                    unit: str) -> None:
    _symlog_axis(ax, lim, linthresh, unit)
    _xgrid(ax)
    labels, ys, colours = [], [], []
    y = 0.0
    theme = None
    header_ys = []
    for row in rows:
        if row["theme"] != theme:
            theme = row["theme"]
            labels.append(THEMES.get(theme, theme))
            ys.append(y)
            colours.append(style.TEXT_COLOUR)
            header_ys.append(y)
            y -= 1.0
        row["y"] = y
        labels.append(_wrap(row["title"], 50))
        ys.append(y)
        colours.append(style.VERDICT_COLOURS["inconsistent"] if row["verdict"] == "inconsistent"
                       else style.MUTED_COLOUR)
        y -= 1.0
    ax.set_ylim(y + 0.4, 0.6)
    ax.set_yticks(ys, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    for tick, yy, colour in zip(ax.get_yticklabels(), ys, colours):
        tick.set_color(colour)
        if yy in header_ys:
            tick.set_fontweight("bold")
            tick.set_fontsize(10)
    for yy in header_ys[1:]:
        ax.axhline(yy + 0.5, color="#BBBBBB", linewidth=0.8)
    ax.axvline(0, color=style.MUTED_COLOUR, linewidth=0.8, zorder=1)

    h = 0.62
    big = lim * 10
    for row in rows:
        yy, colour = row["y"], style.VERDICT_COLOURS[row["verdict"]]
        if row["panel"] != "derived":
            lo, hi = row["x_reported_lo"], row["x_reported_hi"]
            if row["relation"] == "le":
                ax.barh(yy, min(hi, big) + big, left=-big, height=h, color="#EEEEEE", zorder=1)
            elif row["relation"] == "ge":
                ax.barh(yy, big - lo, left=lo, height=h, color="#EEEEEE", zorder=1)
            ax.barh(yy, max(min(hi, big) - max(lo, -big), 0), left=max(lo, -big), height=h,
                    color="#C4C4C4", zorder=2)
            ax.plot([0, 0], [yy - h / 2, yy + h / 2], color="#444444", linewidth=1.4, zorder=3)
        ilo, ihi = row["x_implied_lo"], row["x_implied_hi"]
        right = min(ihi, lim)
        left = max(ilo, -lim)
        if row["relation"] == "in":
            ax.barh(yy, right - left, left=left, height=h * 0.45, color=colour, alpha=0.85,
                    zorder=4)
        else:
            ax.plot([left, right], [yy, yy], color=colour, linewidth=4.5,
                    solid_capstyle="butt", zorder=4)
        if math.isinf(ihi):
            ax.plot([lim], [yy], marker=">", color=colour, markersize=8, clip_on=False, zorder=5)
        if not math.isnan(row["x_implied_point"]):
            ax.plot([row["x_implied_point"]], [yy], marker="o", markersize=8, color=colour,
                    markeredgecolor="white", markeredgewidth=1.0, zorder=6)
        if row["panel"] == "derived":
            text = f"implied {row['implied']}"
        else:
            text = f"reported {row['reported']}\nimplied {row['implied']}"
        ax.annotate(text, xy=(1.015, yy), xycoords=("axes fraction", "data"), va="center",
                    ha="left", fontsize=8.5, color=style.TEXT_COLOUR, linespacing=1.15,
                    annotation_clip=False)


def _panel_limit(rows: list[dict[str, Any]], floor: float) -> float:
    vals = [abs(v) for row in rows for k in ("x_reported_lo", "x_reported_hi", "x_implied_lo",
                                             "x_implied_hi", "x_implied_point")
            for v in [row[k]] if not (math.isnan(v) or math.isinf(v))]
    top = max(vals + [floor])
    return top * 1.6


def fig_checks_overview(figs: Figures, results: list[Result], *,
                        outdir: Path | None = None) -> dict[str, Path]:
    """Every check, one row each: the implied value against the reported one, by verdict."""
    rows = [_overview_row(r) for r in results]
    theme_rank = {t: i for i, t in enumerate(THEMES)}
    verdict_rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    order = {row["check_id"]: i for i, row in enumerate(rows)}
    rows.sort(key=lambda r: (theme_rank.get(r["theme"], len(theme_rank)),
                             verdict_rank[r["verdict"]], order[r["check_id"]]))
    panels = [("checkable", "A. 可核验 Checkable relations: implied value against the reported "
                            "figure (deviation from the figure as written, %)"),
              ("dates", "B. 日期 Dates: implied against reported (difference in days 天)"),
              ("derived", "C. 无法核验 Not checkable: derived figures, spread of their interval "
                          "around the value as written (%)")]
    groups = {p: [r for r in rows if r["panel"] == p] for p, _ in panels}
    panels = [(p, t) for p, t in panels if groups[p]]
    heights = [len(groups[p]) + len({r["theme"] for r in groups[p]}) for p, _ in panels]
    row_in = 0.36
    fig_h = sum(heights) * row_in + 1.25 * len(panels) + 2.6
    fig, axes = style.new_figure(
        _wrap(_finding_checks_overview(figs, results), 110),
        _wrap("Each row is one check. Dot: the value the other figures imply, line: its rounding "
              "interval. Dark tick and grey band: the reported figure and its rounding interval; "
              "light band: what an inequality (at most, at least) allows. The axis is linear "
              "near 0 and logarithmic beyond.", 150),
        figsize=(13.0, fig_h), nrows=len(panels) + 1, ncols=1,
        gridspec_kw={"height_ratios": [0.5] + [h * row_in + 0.2 for h in heights]},
    )
    lax = _legend_axes(fig, [[axes[0]]])
    handles = [Line2D([], [], marker="o", linestyle="-", linewidth=4, markersize=7,
                      color=style.VERDICT_COLOURS[v], markeredgecolor="white",
                      label=style.VERDICT_LABELS[v]) for v in VERDICT_ORDER]
    handles += [Patch(color="#C4C4C4", label="报告值 reported figure, rounding interval"),
                Patch(color="#EEEEEE", label="不等式允许范围 allowed by an inequality")]
    lax.legend(handles=handles, loc="center left", ncol=3, fontsize=9.5, handlelength=2.2,
               borderaxespad=0)
    for ax, (p, title) in zip(axes[1:], panels):
        floor = 10.0 if p == "dates" else 1.0
        lim = _panel_limit(groups[p], floor * 10)
        _overview_panel(ax, groups[p], lim, floor, " d" if p == "dates" else "%")
        ax.set_title(title, fontsize=11)
        ax.set_xlabel("推算日期 − 报告日期 implied − reported (天 days)" if p == "dates" else
                      "推算值 / 报告值 − 1 implied / reported − 1 (%)" if p == "checkable" else
                      "区间 / 推算值 − 1 interval / implied value − 1 (%)", fontsize=10)
    style.add_source(fig, _source(figs, sorted({e for r in results for e in r.check.external}),
                                  "Checks and verdicts: debao_audit.checks."))
    frame = pd.DataFrame(rows).drop(columns=["y"])
    for col in ("x_reported_lo", "x_reported_hi", "x_implied_lo", "x_implied_hi",
                "x_implied_point"):
        frame[col] = frame[col].round(6)
    return _save(fig, "checks_overview", frame, outdir)


# ============================================================================================
# 2. Income paths
# ============================================================================================

INCOME_SERIES: tuple[tuple[str, str, str, str], ...] = (
    # id prefix, label, colour, marker
    ("cn_rural_income", "全国农村 national rural", "black", "s"),
    ("cn_poverty_area_rural_income", "全国贫困地区农村 poverty areas, national", "orange", "D"),
    ("cn_poor_county_rural_income", "国家扶贫开发工作重点县 national key poverty counties",
     "reddish_purple", "v"),
    ("gx_rural_income", "广西农村 Guangxi rural", "bluish_green", "^"),
    ("bs_rural_income", "百色农村 Baise rural", "sky_blue", "P"),
)


def _external_series(figs: Figures, prefix: str) -> list[tuple[int, str]]:
    """(year, id) of the external rows ``<prefix>_<year>``, in year order."""
    out = []
    for eid in figs.external:
        m = re.fullmatch(re.escape(prefix) + r"_(\d{4})", eid)
        if m:
            out.append((int(m.group(1)), eid))
    return sorted(out)


def _income_model(figs: Figures, results: Sequence[Result]) -> dict[str, Any]:
    res = _by_id(results)
    start, end = _years(figs.claims["rural_income_growth_total"].period)
    y_end = figs.pt("rural_income_2020")
    annual = figs.pt("rural_income_growth_annual")
    total = figs.pt("rural_income_growth_total")
    implied_annual = res["income_annual_vs_total_growth"].outcome.implied_point
    by_total = res["income_2015_implied_by_total_growth"].outcome
    by_annual = res["income_2015_implied_by_annual_growth"].outcome
    cpi = {start: D(1)}
    cpi_ids = []
    for y in range(start + 1, end + 1):
        cpi[y] = cpi[y - 1] * (1 + figs.pt(f"cn_cpi_{y}") / HUNDRED)
        cpi_ids.append(f"cn_cpi_{y}")
    g_total = 1 + implied_annual / HUNDRED
    g_annual = 1 + annual / HUNDRED
    years = list(range(start, end + 1))
    return {
        "start": start, "end": end, "years": years, "y_end": y_end, "annual": annual,
        "total": total, "implied_annual": implied_annual, "by_total": by_total,
        "by_annual": by_annual, "cpi": cpi, "cpi_ids": cpi_ids,
        "path_total": {y: y_end / g_total ** (end - y) for y in years},
        "path_annual": {y: y_end / g_annual ** (end - y) for y in years},
        "db": _external_series(figs, "db_rural_income"),
    }


def _finding_income_paths(figs: Figures, results: Sequence[Result]) -> str:
    m = _income_model(figs, results)
    db_start = dict(m["db"])[m["start"]]
    return (f"Debao's rural income: +{_pct(m['total'])} to {_num(m['y_end'])} yuan matches the "
            f"independent {m['start']} figure of {_num(figs.pt(db_start))} yuan; "
            f"{_pct(m['annual'], 1)} a year would need {_num(m['by_annual'].implied_point)} "
            f"yuan in {m['start']}")


def fig_income_paths(figs: Figures, results: list[Result], *,
                     outdir: Path | None = None) -> dict[str, Path]:
    """Debao's rural income under each growth figure, with benchmarks, nominal and real."""
    m = _income_model(figs, results)
    start, end, years, cpi = m["start"], m["end"], m["years"], m["cpi"]
    fig, axes = style.new_figure(
        _wrap(_finding_income_paths(figs, results), 105),
        _wrap(f"Back-cast from the article's {end} income with each of its growth figures, "
              f"against independent figures for Debao and benchmarks. Real values are in {start} "
              f"prices, deflated with the national consumer price index (全国居民消费价格指数).",
              150),
        figsize=(13.0, 7.6), nrows=2, ncols=2, sharey="row",
        gridspec_kw={"height_ratios": [1.0, 0.26]},
    )
    gs = axes[0, 0].get_subplotspec().get_gridspec()
    for ax in axes[1]:
        ax.remove()
    lax = fig.add_subplot(gs[1, :])
    lax.set_axis_off()
    records: list[dict[str, Any]] = []
    blue, verm = style.PALETTE["blue"], style.PALETTE["vermillion"]

    def add(series: str, label: str, panel: str, year: int, value: Decimal,
            iv: Interval | None = None, source: str = "") -> None:
        div = cpi[year] if panel == "real" else D(1)
        records.append({
            "panel": panel, "series": series, "label": label, "year": year,
            "value": round(float(value / div), 3),
            "lo": math.nan if iv is None or iv.lo is None else round(float(iv.lo / div), 3),
            "hi": math.nan if iv is None or iv.hi is None else round(float(iv.hi / div), 3),
            "source": source,
        })

    total_lbl = (f"德保 Debao, article: {_num(m['y_end'])} yuan in {end} back-cast with "
                 f"+{_pct(m['total'])} in total ({_pct(m['implied_annual'], 3)} a year)")
    annual_lbl = (f"德保 Debao, article: {_num(m['y_end'])} yuan in {end} back-cast with "
                  f"{_pct(m['annual'], 1)} a year")
    db_lbl = "德保 Debao, independent report 独立报道: " + ", ".join(
        f"{_num(figs.pt(eid))} ({y})" for y, eid in m["db"])
    legend_handles: list[Any] = []
    for panel, ax in (("nominal", axes[0, 0]), ("real", axes[0, 1])):
        div = {y: (cpi[y] if panel == "real" else D(1)) for y in years}
        # benchmarks
        for prefix, label, colour, marker in INCOME_SERIES:
            pts = [(y, eid) for y, eid in _external_series(figs, prefix) if y in div]
            if not pts:
                continue
            xs = [y for y, _ in pts]
            vals = [figs.pt(eid) / div[y] for y, eid in pts]
            line, = ax.plot(xs, [_f(v) for v in vals], marker=marker, color=style.PALETTE[colour],
                            linewidth=1.4, markersize=6, alpha=0.9, zorder=3)
            for (y, eid) in pts:
                add(prefix, label, panel, y, figs.pt(eid), None, figs.external[eid].source)
            if panel == "nominal":
                ends = [pts[0], pts[-1]] if len(pts) > 1 else pts
                line.set_label(f"{label}: " + " → ".join(f"{_num(figs.pt(eid))} ({y})"
                                                           for y, eid in ends))
                legend_handles.append(line)
        # the article's two back-casts
        for key, colour, style_, lbl in (("path_total", blue, "-", total_lbl),
                                          ("path_annual", verm, "--", annual_lbl)):
            path = m[key]
            line, = ax.plot(years, [_f(path[y] / div[y]) for y in years], style_, color=colour,
                            linewidth=2.4, zorder=4, label=lbl)
            for y in years:
                src_out = m["by_total"] if key == "path_total" else m["by_annual"]
                add(key, lbl, panel, y, path[y],
                    src_out.implied if y == start else None, "article; debao_audit.checks")
            if panel == "nominal":
                legend_handles.append(line)
        # 2015 whiskers of the implied intervals
        for out, colour in ((m["by_total"], blue), (m["by_annual"], verm)):
            lo, hi = out.implied.lo / div[start], out.implied.hi / div[start]
            ax.plot([start, start], [_f(lo), _f(hi)], color=colour, linewidth=3, zorder=5,
                    solid_capstyle="butt")
        # independent Debao points
        xs = [y for y, _ in m["db"]]
        pts = ax.scatter(xs, [_f(figs.pt(eid) / div[y]) for y, eid in m["db"]], s=90,
                         facecolor="white", edgecolor=style.PALETTE["black"], linewidth=1.8,
                         zorder=6, label=db_lbl)
        for y, eid in m["db"]:
            add("db_rural_income", db_lbl, panel, y, figs.pt(eid), None,
                figs.external[eid].source)
        if panel == "nominal":
            legend_handles.append(pts)
        ax.scatter([end], [_f(m["y_end"] / div[end])], s=60, color=blue, zorder=7)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(start - (2.1 if panel == "nominal" else 0.4), end + 1.0)
        ax.set_xlabel("年 year")
    values = [r["value"] for r in records] + [r["lo"] for r in records if r["lo"] == r["lo"]]
    axes[0, 0].set_ylim(min(values) * 0.9, max(values) * 1.04)
    for panel, ax in (("nominal", axes[0, 0]), ("real", axes[0, 1])):
        _income_labels(ax, figs, m, panel,
                       {y: (cpi[y] if panel == "real" else D(1)) for y in years})
    axes[0, 0].set_title("名义 Nominal (元 yuan, current prices)", fontsize=11)
    axes[0, 1].set_title(f"实际 Real ({start}年价格 {start} prices)", fontsize=11)
    axes[0, 0].set_ylabel("农村居民人均可支配收入\nrural per-capita disposable income (元 yuan)")
    axes[0, 0].yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    lax.legend(handles=legend_handles, loc="center", ncol=2, fontsize=9.5, borderaxespad=0)
    ext = [eid for p, *_ in INCOME_SERIES for _, eid in _external_series(figs, p)]
    ext += [eid for _, eid in m["db"]] + m["cpi_ids"]
    style.add_source(fig, _source(figs, ext))
    return _save(fig, "income_paths", pd.DataFrame(records), outdir)


def _income_labels(ax: Axes, figs: Figures, m: dict[str, Any], panel: str,
                   div: dict[int, Decimal]) -> None:
    """Write the end values (right of the last year) and the Debao start values (left)."""
    start, end = m["start"], m["end"]
    lo, hi = ax.get_ylim()
    gap = (hi - lo) * 0.045
    right: list[tuple[float, str, str]] = []
    for prefix, _label, colour, _marker in INCOME_SERIES:
        pts = dict(_external_series(figs, prefix))
        if end in pts:
            right.append((_f(figs.pt(pts[end]) / div[end]), _num(figs.pt(pts[end]) / div[end]),
                          style.PALETTE[colour]))
    right.append((_f(m["y_end"] / div[end]), _num(m["y_end"] / div[end]), style.PALETTE["blue"]))
    for (y, text, colour), ly in zip(right, _spread([r[0] for r in right], gap)):
        ax.annotate(text, xy=(end, y), xytext=(end + 0.22, ly), va="center", ha="left",
                    fontsize=9.5, color=colour, fontweight="bold",
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.7,
                                "shrinkA": 0, "shrinkB": 4})
    db = dict(m["db"])
    left: list[tuple[float, str, str]] = [
        (_f(m["by_total"].implied_point / div[start]),
         f"{_num(m['by_total'].implied_point / div[start], 1)} (+{_pct(m['total'])})",
         style.PALETTE["blue"]),
        (_f(m["by_annual"].implied_point / div[start]),
         f"{_num(m['by_annual'].implied_point / div[start], 1)} ({_pct(m['annual'], 1)}/yr)",
         style.PALETTE["vermillion"]),
    ]
    if start in db:
        v = figs.pt(db[start]) / div[start]
        left.append((_f(v), f"{_num(v)} independent", style.PALETTE["black"]))
    if panel != "nominal":
        left = []  # in start-year prices the start values are the nominal ones
    for (y, text, colour), ly in zip(left, _spread([r[0] for r in left], gap)):
        ax.annotate(text, xy=(start, y), xytext=(start - 0.2, ly), va="center", ha="right",
                    fontsize=9, color=colour, fontweight="bold",
                    arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 0.7,
                                "shrinkA": 0, "shrinkB": 5})
    for y, eid in m["db"]:
        if y not in (start,):
            v = figs.pt(eid) / div[y]
            ax.annotate(_num(v), xy=(y, _f(v)), xytext=(6, -10), textcoords="offset points",
                        ha="left", va="top", fontsize=9, fontweight="bold",
                        color=style.PALETTE["black"])


# ============================================================================================
# 3. Funding: 2020 against the 2019 implied by the growth rates
# ============================================================================================

FUNDING_ITEMS = (
    # claim of 2020, growth claim, check of the implied 2019, label
    ("fiscal_aid_2020", "fiscal_aid_growth_2020", "fiscal_aid_2019_implied",
     "财政帮扶资金\nfiscal assistance funds"),
    ("social_donations_2020", "social_donations_growth_2020", "social_donations_2019_implied",
     "社会捐款捐物折款\ndonations in cash and kind"),
)


def _funding_years(figs: Figures) -> tuple[int, int]:
    """The base year and the year of the growth rates (2019–2020 in the article)."""
    return _years(figs.claims[FUNDING_ITEMS[0][1]].period)


def _finding_funding_2020_vs_2019(figs: Figures, results: Sequence[Result]) -> str:
    res = _by_id(results)
    parts = []
    for c2020, growth, chk, label in FUNDING_ITEMS:
        name = label.split("\n")[1]
        p2019 = res[chk].outcome.implied_point
        parts.append(f"{name} {_num(_wan(p2019))}万元 → {_written(figs, c2020)} "
                     f"(+{_written(figs, growth)})")
    return (f"The growth rates imply {_funding_years(figs)[0]} levels of "
            + " and ".join(parts))


def fig_funding_2020_vs_2019(figs: Figures, results: list[Result], *,
                             outdir: Path | None = None) -> dict[str, Path]:
    """Fiscal aid and donations in 2020 against the 2019 values their growth rates imply."""
    res = _by_id(results)
    fig, ax = style.new_figure(
        _wrap(_finding_funding_2020_vs_2019(figs, results), 100),
        "{0} = {1} / (1 + growth). Whiskers: every value consistent with the figures as rounded "
        "(a whole-percent rate leaves a wider band).".format(*_funding_years(figs)),
        figsize=(10.0, 6.4))
    records = []
    width = 0.36
    colours = (style.PALETTE["sky_blue"], style.PALETTE["blue"])  # implied, reported
    ymax = 0.0
    arrows: list[tuple[int, float, str]] = []
    for i, (c2020, growth, chk, label) in enumerate(FUNDING_ITEMS):
        out = res[chk].outcome
        y_end = _years(figs.claims[c2020].period)[1]
        y_start = _years(figs.claims[growth].period)[0]
        bars = [
            (str(y_start), out.implied_point, out.implied, "implied by growth 增长率推算",
             res[chk].check.check_id),
            (str(y_end), figs.pt(c2020), figs.iv(c2020), "reported 文章报告", c2020),
        ]
        for k, (year, value, iv, kind, src) in enumerate(bars):
            x = i + (k - 0.5) * width
            v = _f(_wan(value))
            ax.bar(x, v, width=width * 0.92, color=colours[k],
                   hatch="//" if k == 0 else None, edgecolor="white" if k else colours[1],
                   linewidth=0.8)
            ax.errorbar(x, v, yerr=[[v - _f(_wan(iv.lo))], [_f(_wan(iv.hi)) - v]], fmt="none",
                        ecolor=style.TEXT_COLOUR, elinewidth=1.4, capsize=5, capthick=1.4)
            if k == 0:
                txt = f"{_num(_wan(value), 1)}万元\n({_iv_text(iv, WAN, 1)})"
            else:
                txt = _written(figs, c2020)
            ax.annotate(txt, xy=(x, _f(_wan(iv.hi))), xytext=(0, 5), textcoords="offset points",
                        ha="center", va="bottom", fontsize=9.5)
            ax.annotate(f"{year}\n{kind}", xy=(x, 0), xytext=(0, -6), textcoords="offset points",
                        ha="center", va="top", fontsize=9, color=style.MUTED_COLOUR)
            ymax = max(ymax, _f(_wan(iv.hi)))
            records.append({"item": label.replace("\n", " "), "year": int(year), "kind": kind,
                            "value_wan_yuan": round(float(_wan(value)), 4),
                            "lo_wan_yuan": round(float(_wan(iv.lo)), 4),
                            "hi_wan_yuan": round(float(_wan(iv.hi)), 4), "source": src})
        arrows.append((i, _f(_wan(max(out.implied.hi, figs.iv(c2020).hi))),
                       f"+{_written(figs, growth)}"))
    ax.set_xticks(range(len(FUNDING_ITEMS)), [lbl for *_, lbl in FUNDING_ITEMS])
    ax.tick_params(axis="x", length=0, pad=38)
    ax.set_xlim(-0.6, len(FUNDING_ITEMS) - 0.4)
    ax.set_ylim(0, ymax * 1.32)
    for i, top, text in arrows:
        y = top + ymax * 0.14
        ax.annotate("", xy=(i + width / 2, y), xytext=(i - width / 2, y),
                    arrowprops={"arrowstyle": "->", "color": style.TEXT_COLOUR, "linewidth": 1.4})
        ax.annotate(f"{text} 同比增长", xy=(i, y), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=11, fontweight="bold")
    ax.set_ylabel("万元 (ten thousand yuan)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    style.add_source(fig, _source(figs))
    return _save(fig, "funding_2020_vs_2019", pd.DataFrame(records), outdir)


# ============================================================================================
# 4. The cumulative total against its named parts
# ============================================================================================

FUNDING_PARTS = (
    ("industry_sericulture_citrus_investment", "桑蚕、柑橘示范基地 silkworm and citrus bases"),
    ("industry_camellia_investment", "生态油茶基地 oil-tea camellia base"),
    ("disability_base_investment", "残疾人就业基地 disability employment base"),
    ("school_investment", "南山小学 Nanshan Primary School"),
    ("medical_equipment_value", "医疗设备及软件 medical equipment and software"),
    ("fiscal_aid_2020", "财政帮扶资金 fiscal assistance funds"),
    ("social_donations_2020", "社会捐款捐物 donations in cash and kind"),
)


def _parts_model(figs: Figures) -> dict[str, Any]:
    total_iv, total = figs.iv("aid_total_cumulative"), figs.pt("aid_total_cumulative")
    parts_iv = Interval.point(0)
    parts = D(0)
    for cid, _ in FUNDING_PARTS:
        parts_iv = parts_iv + figs.iv(cid)
        parts += figs.pt(cid)
    return {"total": total, "total_iv": total_iv, "parts": parts, "parts_iv": parts_iv,
            "rest": total - parts, "rest_iv": total_iv - parts_iv}


def _finding_funding_parts_vs_total(figs: Figures, results: Sequence[Result]) -> str:
    m = _parts_model(figs)
    return (f"The named investments plus 2020's funds and donations add up to at most "
            f"{_num(_wan(m['parts']), 2)}万元 "
            f"({_pct(m['parts'] / m['total'] * HUNDRED, 1)}) of the cumulative "
            f"{_written(figs, 'aid_total_cumulative')}; {_num(_wan(m['rest']), 2)}万元 "
            f"({_pct(m['rest'] / m['total'] * HUNDRED, 1)}) or more is not itemised")


def fig_funding_parts_vs_total(figs: Figures, results: list[Result], *,
                               outdir: Path | None = None) -> dict[str, Path]:
    """A waterfall of the named parts up to the cumulative total, with the remainder."""
    m = _parts_model(figs)
    fig, ax = style.new_figure(
        _wrap(_finding_funding_parts_vs_total(figs, results), 100),
        _wrap("Each bar starts where the previous one ends. If the projects were paid from the "
              f"yearly funds (e.g. from {_years(figs.claims['fiscal_aid_2020'].period)[0]}'s "
              "fiscal aid) the parts overlap and the remainder is larger; this is the smallest "
              "it can be.", 130),
        figsize=(11.5, 7.0))
    records = []
    labels = []
    y = 0
    cum = D(0)
    blue = style.PALETTE["blue"]
    total = m["total"]
    for cid, label in FUNDING_PARTS:
        value = figs.pt(cid)
        if figs.claims[cid].period == "unstated":  # no years in the text: say so
            year, period = (0, 1), "period unstated"
        else:
            year = _years(figs.claims[cid].period)
            period = str(year[0]) if year[0] == year[1] else f"{year[0]}–{year[1]}"
        ax.barh(y, _f(_wan(value)), left=_f(_wan(cum)), height=0.62,
                color=blue if year[0] != year[1] else style.PALETTE["sky_blue"])
        ax.annotate(f"{_written(figs, cid)} ({_pct(value / total * HUNDRED, 1)})",
                    xy=(_f(_wan(cum + value)), y), xytext=(5, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=9.5)
        labels.append(f"{label} ({period})")
        records.append({"bar": label, "period": period, "start_wan_yuan": float(_wan(cum)),
                        "value_wan_yuan": float(_wan(value)),
                        "lo_wan_yuan": float(_wan(figs.iv(cid).lo)),
                        "hi_wan_yuan": float(_wan(figs.iv(cid).hi)), "source": cid})
        cum += value
        y -= 1
    # sum of the parts, remainder, total
    grey = style.PALETTE["grey"]
    rows = [
        ("named", "所列各项合计 sum of the named parts", D(0), m["parts"], m["parts_iv"],
         {"color": style.PALETTE["bluish_green"]}),
        ("rest", "未说明部分 not itemised (remainder)", m["parts"], m["rest"], m["rest_iv"],
         {"facecolor": "white", "edgecolor": style.PALETTE["orange"], "hatch": "///",
          "linewidth": 1.4}),
        ("total", f"累计投入各类帮扶资金 all assistance funds, to "
                  f"{figs.claims['aid_total_cutoff_date'].value}",
         D(0), total, m["total_iv"], {"color": style.PALETTE["black"]}),
    ]
    y -= 0.4
    for key, label, left, value, iv, kw in rows:
        ax.barh(y, _f(_wan(value)), left=_f(_wan(left)), height=0.62, **kw)
        xe = _f(_wan(left + value))
        ax.errorbar(xe, y, xerr=[[xe - _f(_wan(left + iv.lo))], [_f(_wan(left + iv.hi)) - xe]],
                    fmt="none", ecolor=style.TEXT_COLOUR, elinewidth=1.2, capsize=4)
        txt = f"{_num(_wan(value), 2)}万元 ({_pct(value / total * HUNDRED, 1)})"
        if key == "total":
            txt = f"{_written(figs, 'aid_total_cumulative')} = {_num(_wan(value), 0)}万元"
        ax.annotate(txt, xy=(_f(_wan(left + iv.hi)), y), xytext=(6, 0),
                    textcoords="offset points", va="center", ha="left", fontsize=10,
                    fontweight="bold")
        labels.append(label)
        records.append({"bar": label, "period": "", "start_wan_yuan": float(_wan(left)),
                        "value_wan_yuan": float(_wan(value)),
                        "lo_wan_yuan": float(_wan(iv.lo)), "hi_wan_yuan": float(_wan(iv.hi)),
                        "source": "aid_total_cumulative" if key == "total" else "computed"})
        y -= 1
    ys = list(range(0, -len(FUNDING_PARTS), -1)) + [-len(FUNDING_PARTS) - 0.4 - k
                                                    for k in range(len(rows))]
    ax.set_yticks(ys, [_bilingual(lab, 34) for lab in labels], fontsize=10)
    ax.axhline(-len(FUNDING_PARTS) + 0.3, color="#BBBBBB", linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y + 0.5, 0.6)
    ax.set_xlim(0, _f(_wan(total)) * 1.3)
    _xgrid(ax)
    ax.set_xlabel("万元 (ten thousand yuan) (累计 cumulative)")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    one_year = _years(figs.claims["fiscal_aid_2020"].period)[0]
    ax.legend(handles=[Patch(color=style.PALETTE["blue"], label="多年累计 cumulative, several years"),
                       Patch(color=style.PALETTE["sky_blue"], label=f"单年 one year ({one_year})")],
              loc="upper right", fontsize=9.5)
    style.add_source(fig, _source(figs))
    frame = _wan_frame(records)
    return _save(fig, "funding_parts_vs_total", frame, outdir)


# ============================================================================================
# 5. Poverty and population
# ============================================================================================

def _poverty_model(figs: Figures, results: Sequence[Result]) -> dict[str, Any]:
    res = _by_id(results)
    pop, pop_iv = figs.pt("population_total"), figs.iv("population_total")
    poor, poor_iv = figs.pt("poor_people_exited"), figs.iv("poor_people_exited")
    inc, inc_iv = figs.pt("poverty_incidence_2015"), figs.iv("poverty_incidence_2015")
    return {
        "pop": pop, "pop_iv": pop_iv, "poor": poor, "poor_iv": poor_iv, "inc": inc,
        "inc_iv": inc_iv,
        "poor_at_inc": pop * inc / HUNDRED, "poor_at_inc_iv": pop_iv * inc_iv / HUNDRED,
        "pop_needed": poor / (inc / HUNDRED), "pop_needed_iv": poor_iv / (inc_iv / HUNDRED),
        "implied_inc": res["poverty_count_vs_incidence_and_population"].outcome,
        "hh": figs.pt("poor_households_exited"),
        "hh_size": res["poor_household_size"].outcome.implied_point,
        "verdict": res["poverty_count_vs_incidence_and_population"].verdict,
    }


def _finding_poverty_population(figs: Figures, results: Sequence[Result]) -> str:
    m = _poverty_model(figs, results)
    return (f"{_num(m['poor'])} poor people lifted out are {_pct(m['implied_inc'].implied_point)} of "
            f"{_num(m['pop'])}, not the 2015 incidence {_pct(m['inc'])} (which implies "
            f"{_num(m['poor_at_inc'])} poor): a cumulative count, not the 2015 stock")


def fig_poverty_population(figs: Figures, results: list[Result], *,
                           outdir: Path | None = None) -> dict[str, Path]:
    """Poor people, population and the 2015 incidence: the three do not fit together."""
    m = _poverty_model(figs, results)
    fig, (ax, ax2) = style.new_figure(
        _wrap(_finding_poverty_population(figs, results), 100),
        _wrap(f"The article: {_written(figs, 'poor_households_exited')}"
              f"{_written(figs, 'poor_people_exited')}贫困人口 lifted out, 贫困发生率 poverty "
              f"incidence {_written(figs, 'poverty_incidence_2015')} in "
              f"{figs.claims['poverty_incidence_2015'].period}, 总人口 total population "
              f"{_written(figs, 'population_total')}.", 140),
        figsize=(13.0, 6.2), ncols=2, gridspec_kw={"width_ratios": [1.9, 1.0]})
    verm, blue, grey = style.PALETTE["vermillion"], style.PALETTE["blue"], style.PALETTE["grey"]
    inc_txt = _written(figs, "poverty_incidence_2015")
    bars = [
        ("population_total", "总人口 total population (article)", m["pop"], m["pop_iv"],
         {"color": grey}),
        ("population_needed", f"所需人口 population needed for {_num(m['poor'])} to be {inc_txt}",
         m["pop_needed"], m["pop_needed_iv"],
         {"facecolor": "white", "edgecolor": verm, "hatch": "///", "linewidth": 1.4}),
        ("poor_people_exited", "脱贫人口 poor people lifted out (article)", m["poor"],
         m["poor_iv"], {"color": blue}),
        ("poor_at_incidence", f"{inc_txt} × {_written(figs, 'population_total')}: poor people "
                              f"the incidence implies", m["poor_at_inc"], m["poor_at_inc_iv"],
         {"facecolor": "white", "edgecolor": blue, "hatch": "///", "linewidth": 1.4}),
    ]
    records = []
    for k, (key, label, value, iv, kw) in enumerate(bars):
        ax.barh(-k, _f(value), height=0.6, **kw)
        if iv.width:
            ax.errorbar(_f(value), -k, xerr=[[_f(value - iv.lo)], [_f(iv.hi - value)]],
                        fmt="none", ecolor=style.TEXT_COLOUR, elinewidth=1.2, capsize=4)
        txt = _num(value)
        if iv.width and not iv.is_point:
            txt += f"  ({_iv_text(iv)})"
        if key == "poor_people_exited":
            txt += (f" in {_written(figs, 'poor_households_exited')} households, "
                    f"{_num(m['hh_size'], 2)} persons each")
        ax.annotate(txt, xy=(_f(iv.hi), -k), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=10, fontweight="bold")
        records.append({"panel": "persons", "bar": key, "label": label,
                        "value": round(float(value), 3), "lo": round(float(iv.lo), 3),
                        "hi": round(float(iv.hi), 3), "unit": "persons"})
    ax.set_yticks([-k for k in range(len(bars))], [_bilingual(b[1], 30) for b in bars], fontsize=10)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, _f(m["pop_needed_iv"].hi) * 1.32)
    ax.set_xlabel("人 persons")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    _xgrid(ax)
    ax.set_title("人数 People", fontsize=11)
    # incidence panel
    inc_bars = [
        ("poverty_incidence_2015", f"文章 article, {figs.claims['poverty_incidence_2015'].period}",
         m["inc"], m["inc_iv"], {"color": blue}, "article"),
        ("db_poverty_incidence_2015", "德保 Debao, independent report",
         figs.pt("db_poverty_incidence_2015"), figs.iv("db_poverty_incidence_2015"),
         {"color": style.PALETTE["sky_blue"]}, figs.external["db_poverty_incidence_2015"].source),
        ("implied", f"{_num(m['poor'])} ÷ {_num(m['pop'])}", m["implied_inc"].implied_point,
         m["implied_inc"].implied, {"facecolor": "white", "edgecolor":
                                    style.VERDICT_COLOURS[m["verdict"]], "hatch": "///",
                                    "linewidth": 1.4}, "computed"),
        ("bs_poverty_incidence_2015", "百色 Baise, same year (benchmark)",
         figs.pt("bs_poverty_incidence_2015"), figs.iv("bs_poverty_incidence_2015"),
         {"color": grey}, figs.external["bs_poverty_incidence_2015"].source),
    ]
    for k, (key, label, value, iv, kw, src) in enumerate(inc_bars):
        ax2.barh(-k, _f(value), height=0.6, **kw)
        ax2.errorbar(_f(value), -k, xerr=[[_f(value - iv.lo)], [_f(iv.hi - value)]],
                     fmt="none", ecolor=style.TEXT_COLOUR, elinewidth=1.2, capsize=4)
        ax2.annotate(_pct(value, 2), xy=(_f(iv.hi), -k), xytext=(6, 0),
                     textcoords="offset points", va="center", fontsize=10, fontweight="bold")
        records.append({"panel": "incidence", "bar": key, "label": label,
                        "value": round(float(value), 4), "lo": round(float(iv.lo), 4),
                        "hi": round(float(iv.hi), 4), "unit": "percent"})
    ax2.set_yticks([-k for k in range(len(inc_bars))], [_wrap(b[1], 24) for b in inc_bars],
                   fontsize=10)
    ax2.tick_params(axis="y", length=0)
    ax2.set_xlim(0, _f(m["implied_inc"].implied.hi) * 1.35)
    ax2.set_xlabel("贫困发生率 poverty incidence (%)")
    _xgrid(ax2)
    ax2.set_title("贫困发生率 Poverty incidence", fontsize=11)
    style.add_source(fig, _source(figs, ["db_poverty_incidence_2015",
                                         "bs_poverty_incidence_2015"]))
    return _save(fig, "poverty_population", pd.DataFrame(records), outdir)


# ============================================================================================
# 6. People: employment, training, education, talent, health, pairing
# ============================================================================================

PEOPLE_PANELS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("就业 Employment", "人 persons", (
        ("labour_coop_employed", "东西部劳务协作就业 employed via labour cooperation"),
        ("public_welfare_employed", "公益性岗位就业 employed in public-welfare posts"),
        ("workshop_jobs", "扶贫车间就业 employed in the workshop"),
        ("disability_jobs", "残疾人就业基地 disability employment base"),
    )),
    ("培训与义诊 Training and free clinics", "人次 person-times", (
        ("medical_beneficiaries", "义诊、巡回医疗惠及群众 reached by free clinics"),
        ("cadre_exchange_training", "干部交流和专业人才支援及培训 cadre exchange and training"),
        ("trainees_poor", "培训贫困人口 poor people trained"),
        ("debao_staff_shadowing", "德保跟岗学习 Debao staff shadowing in Nanshan"),
    )),
    ("教育 Education", "人次 person-times, 名 persons, 次 exchanges", (
        ("teachers_benefited", "直接受益教师 teachers directly benefiting"),
        ("teacher_training_exchange", "培训交流 training and exchange"),
        ("teaching_support", "送教帮扶 teaching support visits"),
        ("students_supported", "大中专贫困学子 poor college students supported"),
        ("school_exchanges", "校校交流 school-to-school exchanges"),
    )),
    ("南山派出人员 People Nanshan sent", "人 persons", (
        ("medical_experts", "医疗卫生专家 medical experts sent"),
        ("professionals_sent", "专业技术人员 professionals sent (all fields)"),
        ("cadres_seconded", "党政挂职干部 cadres seconded"),
    )),
    ("卫生设施 Clinics", "个 facilities, villages", (
        ("village_clinics", "村级卫生室 village clinics"),
        ("poor_villages_exited", "贫困村 poor villages (for comparison)"),
        ("township_clinics", "乡镇卫生院 township health centres"),
    )),
    ("结对帮扶 Pairing", "units, villages, pairs", (
        ("pairs_total", "结对帮扶 all pairings"),
        ("nanshan_partners", "南山结对单位 Nanshan partners: 街道 + 社区 + 企业"),
        ("paired_poor_villages", "结对贫困村 paired poor villages"),
    )),
)
PARTNER_PARTS = (("nanshan_subdistricts", "街道", "blue"),
                 ("nanshan_communities", "社区", "sky_blue"),
                 ("nanshan_enterprises", "企业", "bluish_green"))


def _finding_people_channels(figs: Figures, results: Sequence[Result]) -> str:
    key = "medical_experts_within_professionals"
    res = _by_id(results)[key]
    shown = {cid for _, _, items in PEOPLE_PANELS for cid, _ in items} | {
        pid for pid, _, _ in PARTNER_PARTS} | {"public_welfare_posts"}
    others = [r for r in results if r.check.check_id != key and r.verdict != "not_checkable"
              and set(r.check.claims) <= shown | {"poor_people_exited"}]
    failed = sum(r.verdict == "inconsistent" for r in others)
    rest = (f"the other {len(others)} checks of these counts hold" if not failed else
            f"{failed} of the other {len(others)} checks of these counts fail")
    return (f"{_written(figs, 'medical_experts')} medical experts sent, but "
            f"{_written(figs, 'professionals_sent')} professionals in all "
            f"({style.VERDICT_LABELS[res.verdict].split(' ', 1)[1]}); {rest}; "
            f"人次 person-times are not persons")


def fig_people_channels(figs: Figures, results: list[Result], *,
                        outdir: Path | None = None) -> dict[str, Path]:
    """Employment, training, education, talent, clinics and pairing, persons vs person-times."""
    res = _by_id(results)
    fig, axes = style.new_figure(
        _wrap(_finding_people_channels(figs, results), 110),
        "Solid bars: persons (人、名); hatched: person-times (人次), where one person counts once "
        "per occasion; outline: other counts. Whiskers: the range 多 (more than) or 近 (nearly) "
        "allows.",
        figsize=(13.5, 11.5), nrows=4, ncols=2,
        gridspec_kw={"height_ratios": [0.28, 1.0, 1.0, 0.85]})
    lax = _legend_axes(fig, axes)
    blue = style.PALETTE["blue"]
    lax.legend(handles=[Patch(label=UNIT_STYLE_LABELS[k], **_unit_style(k, blue))
                        for k in ("person", "person_time", "other")],
               loc="center", ncol=3, fontsize=9.5, borderaxespad=0, handlelength=2.4,
               handleheight=1.4)
    records = []
    expert_verdict = res["medical_experts_within_professionals"].verdict
    flat = [axes[r][c] for r in range(1, 4) for c in range(2)]
    for ax, (title, xlabel, items) in zip(flat, PEOPLE_PANELS):
        xmax = 0.0
        labels = []
        for k, (cid, label) in enumerate(items):
            y = -k
            if cid == "nanshan_partners":
                left = D(0)
                for pid, short, colour in PARTNER_PARTS:
                    v = figs.pt(pid)
                    ax.barh(y, _f(v), left=_f(left), height=0.6,
                            **_unit_style(figs.claims[pid].unit, style.PALETTE[colour]))
                    ax.annotate(f"{_written(figs, pid)}{short}" if v >= 20 else
                                _written(figs, pid), xy=(_f(left + v / 2), y), ha="center",
                                va="center", fontsize=8.5)
                    records.append({"panel": title, "bar": label, "claim": pid,
                                    "unit": figs.claims[pid].unit, "written": _written(figs, pid),
                                    "start": float(left), "value": float(v),
                                    "lo": float(figs.iv(pid).lo), "hi": float(figs.iv(pid).hi)})
                    left += v
                ax.annotate(f"= {_num(left)}", xy=(_f(left), y), xytext=(6, 0),
                            textcoords="offset points", va="center", fontsize=10,
                            fontweight="bold")
                xmax = max(xmax, _f(left))
                labels.append(label)
                continue
            claim = figs.claims[cid]
            v, iv = figs.pt(cid), figs.iv(cid)
            colour = blue
            if cid == "medical_experts":
                colour = style.VERDICT_COLOURS[expert_verdict]
            if cid == "public_welfare_employed":
                posts = figs.pt("public_welfare_posts")
                ax.barh(y, _f(posts), height=0.6, **_unit_style("post", style.PALETTE["grey"]))
                ax.annotate(f"{_written(figs, 'public_welfare_posts')}公益性岗位 posts",
                            xy=(_f(posts), y), xytext=(6, 7), textcoords="offset points",
                            va="center", fontsize=8.5, color=style.MUTED_COLOUR)
                records.append({"panel": title, "bar": "公益性岗位 public-welfare posts",
                                 "claim": "public_welfare_posts", "unit": "post",
                                 "written": _written(figs, "public_welfare_posts"),
                                 "start": 0.0, "value": float(posts),
                                 "lo": float(figs.iv("public_welfare_posts").lo),
                                 "hi": float(figs.iv("public_welfare_posts").hi)})
            ax.barh(y, _f(v), height=0.6, **_unit_style(claim.unit, colour))
            end = v
            txt = claim.written
            if not iv.is_point:
                ax.errorbar(_f(v), y, xerr=[[_f(v - iv.lo)], [_f(iv.hi - v)]], fmt="none",
                            ecolor=style.TEXT_COLOUR, elinewidth=1.2, capsize=4)
                end = max(v, iv.hi)
                txt += f" ({_iv_text(iv)})"
            if cid == "labour_coop_employed":
                txt += f", since {_written(figs, 'labour_coop_start')}"
            if cid == "trainees_poor":
                per = res["trainees_per_session"].outcome.implied
                txt += (f" in {_written(figs, 'training_sessions')}, "
                        f"{_iv_text(per, D(1), 0)} per session")
            dy = -7 if cid == "public_welfare_employed" else 0
            ax.annotate(txt, xy=(_f(end), y), xytext=(6, dy), textcoords="offset points",
                        va="center", fontsize=9.5, fontweight="bold",
                        color=colour if colour != blue else style.TEXT_COLOUR)
            xmax = max(xmax, _f(end))
            labels.append(label)
            records.append({"panel": title, "bar": label, "claim": cid, "unit": claim.unit,
                            "written": claim.written, "start": 0.0, "value": float(v),
                            "lo": float(iv.lo), "hi": float(iv.hi)})
        ax.set_yticks([-k for k in range(len(items))],
                      [_bilingual(lbl, 34) for lbl in labels], fontsize=9)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-len(items) + 0.4, 0.6)
        ax.set_xlim(0, xmax * 1.55)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(xlabel, fontsize=10)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
        _xgrid(ax)
        if title.startswith("南山派出人员"):
            experts = figs.iv("medical_experts")
            relation = ">" if expert_verdict == "inconsistent" else "vs"
            ax.annotate(f"{_written(figs, 'medical_experts')} {relation} "
                        f"{_written(figs, 'professionals_sent')}:\n"
                        f"{style.VERDICT_LABELS[expert_verdict]}",
                        xy=(_f(experts.lo), -0.32), xytext=(xmax * 1.5, -1.6),
                        fontsize=9.5, color=style.VERDICT_COLOURS[expert_verdict],
                        ha="right", va="center", fontweight="bold",
                        arrowprops={"arrowstyle": "->", "linewidth": 0.9,
                                    "color": style.VERDICT_COLOURS[expert_verdict]})
    ext_records = pd.DataFrame(records)
    for col in ("start", "value", "lo", "hi"):
        ext_records[col] = ext_records[col].round(4)
    style.add_source(fig, _source(figs))
    return _save(fig, "people_channels", ext_records, outdir)


# ============================================================================================
# 7. Consumption assistance
# ============================================================================================

def _consumption_model(figs: Figures) -> dict[str, Any]:
    y0, y1 = _years(figs.claims["consumption_aid_cumulative"].period)
    y_last = _years(figs.claims["consumption_aid_2020"].period)[1]
    earlier = list(range(y0, y_last))
    total, total_iv = figs.pt("consumption_aid_cumulative"), figs.iv("consumption_aid_cumulative")
    last, last_iv = figs.pt("consumption_aid_2020"), figs.iv("consumption_aid_2020")
    rest, rest_iv = total - last, total_iv - last_iv
    n = D(len(earlier))
    return {"y0": y0, "y1": y1, "y_last": y_last, "earlier": earlier, "total": total,
            "total_iv": total_iv, "last": last, "last_iv": last_iv, "rest": rest,
            "rest_iv": rest_iv, "avg": rest / n, "avg_iv": rest_iv / n,
            "share": last / total * HUNDRED}


def _finding_consumption_assistance(figs: Figures, results: Sequence[Result]) -> str:
    m = _consumption_model(figs)
    return (f"{m['y_last']} alone, {_written(figs, 'consumption_aid_2020')}, is "
            f"{_pct(m['share'], 1)} of the five-year "
            f"{_written(figs, 'consumption_aid_cumulative')} of consumption assistance; {m['earlier'][0]}–{m['earlier'][-1]} averaged "
            f"{_num(_wan(m['avg']))}万元 a year")


def fig_consumption_assistance(figs: Figures, results: list[Result], *,
                               outdir: Path | None = None) -> dict[str, Path]:
    """Consumption assistance: 2020 against the five-year total and the years before."""
    m = _consumption_model(figs)
    fig, (ax, ax2) = style.new_figure(
        _wrap(_finding_consumption_assistance(figs, results), 100),
        f"消费扶贫 consumption assistance: purchases of Debao produce. The article gives "
        f"{m['y_last']} and the five-year total only; the earlier years are the remainder.",
        figsize=(11.5, 6.0), ncols=2, gridspec_kw={"width_ratios": [1.5, 1.0]})
    records = []
    light = style.PALETTE["sky_blue"]
    blue = style.PALETTE["blue"]
    # one bar for the earlier years' average: the article gives no yearly split (and 2016
    # covers only the months after the pairing began), so no yearly series is drawn
    span = f"{m['earlier'][0]}–{m['earlier'][-1]}"
    ax.bar(0, _f(_wan(m["avg"])), width=0.6, facecolor="white", edgecolor=light, hatch="///",
           linewidth=1.2)
    records.append({"panel": "per year", "bar": f"{span} average", "kind": "implied average",
                    "start_wan_yuan": 0.0, "value_wan_yuan": float(_wan(m["avg"])),
                    "lo_wan_yuan": float(_wan(m["avg_iv"].lo)),
                    "hi_wan_yuan": float(_wan(m["avg_iv"].hi))})
    ax.annotate(f"{_num(_wan(m['avg']))}万元 a year\n"
                f"({_num(_wan(m['rest']))}万元 ÷ {len(m['earlier'])})",
                xy=(0, _f(_wan(m["avg"]))), xytext=(0, 8),
                textcoords="offset points", ha="center", va="bottom", fontsize=10)
    bars = ax.bar(1, _f(_wan(m["last"])), width=0.6, color=blue)
    style.label_bars(ax, bars, labels=[_written(figs, "consumption_aid_2020")], fontsize=10,
                     fontweight="bold")
    records.append({"panel": "per year", "bar": str(m["y_last"]), "kind": "reported",
                    "start_wan_yuan": 0.0, "value_wan_yuan": float(_wan(m["last"])),
                    "lo_wan_yuan": float(_wan(m["last_iv"].lo)),
                    "hi_wan_yuan": float(_wan(m["last_iv"].hi))})
    ax.set_xticks([0, 1], [f"{span}\n平均每年 average per year (implied)",
                           f"{m['y_last']}\n文章报告 reported"])
    ax.set_xlim(-0.7, 1.7)
    ax.set_ylabel("万元 (ten thousand yuan)")
    ax.set_title("每年 Per year", fontsize=11)
    ax.set_ylim(0, _f(_wan(m["last"])) * 1.15)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    # stacked total
    rest_lbl = f"{m['earlier'][0]}–{m['earlier'][-1]}"
    ax2.bar(0, _f(_wan(m["rest"])), width=0.55, facecolor="white", edgecolor=light, hatch="///",
            linewidth=1.2)
    ax2.bar(0, _f(_wan(m["last"])), bottom=_f(_wan(m["rest"])), width=0.55, color=blue)
    top = _f(_wan(m["total"]))
    ax2.errorbar(0, top, yerr=[[top - _f(_wan(m["total_iv"].lo))],
                               [_f(_wan(m["total_iv"].hi)) - top]], fmt="none",
                 ecolor=style.TEXT_COLOUR, capsize=5, elinewidth=1.2)
    ax2.annotate(f"{rest_lbl}: {_num(_wan(m['rest']))}万元\n"
                 f"({_pct(m['rest'] / m['total'] * HUNDRED, 1)})",
                 xy=(0.3, _f(_wan(m["rest"])) / 2), ha="left", va="center", fontsize=10)
    ax2.annotate(f"{m['y_last']}: {_written(figs, 'consumption_aid_2020')}\n"
                 f"({_pct(m['share'], 1)})",
                 xy=(0.3, _f(_wan(m["rest"] + m["last"] / 2))), ha="left", va="center",
                 fontsize=10, fontweight="bold")
    ax2.annotate(f"五年累计 five-year total {_written(figs, 'consumption_aid_cumulative')}"
                 f" = {_num(_wan(m['total']))}万元",
                 xy=(0, top), xytext=(0, 10), textcoords="offset points", ha="center",
                 va="bottom", fontsize=10, fontweight="bold")
    ax2.set_xlim(-0.5, 1.4)
    ax2.set_xticks([0], [f"{m['y0']}–{m['y1']}"])
    ax2.set_ylim(0, top * 1.15)
    ax2.set_title("五年累计 Five-year total", fontsize=11)
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax2.set_ylabel("万元 (ten thousand yuan)")
    for key, start, value, iv in (("implied remainder", D(0), m["rest"], m["rest_iv"]),
                                  ("reported", m["rest"], m["last"], m["last_iv"])):
        records.append({"panel": "five-year total",
                        "bar": rest_lbl if key != "reported" else str(m["y_last"]), "kind": key,
                        "start_wan_yuan": float(_wan(start)), "value_wan_yuan": float(_wan(value)),
                        "lo_wan_yuan": float(_wan(iv.lo)), "hi_wan_yuan": float(_wan(iv.hi))})
    records.append({"panel": "five-year total", "bar": f"{m['y0']}–{m['y1']}",
                    "kind": "reported total", "start_wan_yuan": 0.0,
                    "value_wan_yuan": float(_wan(m["total"])),
                    "lo_wan_yuan": float(_wan(m["total_iv"].lo)),
                    "hi_wan_yuan": float(_wan(m["total_iv"].hi))})
    style.add_source(fig, _source(figs))
    frame = _wan_frame(records)
    return _save(fig, "consumption_assistance", frame, outdir)


# ============================================================================================
# 8. Teaching: total against annual growth
# ============================================================================================

def _growth_model(figs: Figures, results: Sequence[Result]) -> dict[str, Any]:
    res = _by_id(results)
    start, end = _years(figs.claims["rural_income_growth_total"].period)
    n = end - start
    total, total_iv = figs.pt("rural_income_growth_total"), figs.iv("rural_income_growth_total")
    annual, annual_iv = figs.pt("rural_income_growth_annual"), figs.iv("rural_income_growth_annual")
    implied = res["income_annual_vs_total_growth"].outcome
    g = 1 + annual / HUNDRED
    g_tot = 1 + total / HUNDRED
    at_n = (g ** n - 1) * HUNDRED
    at_n_iv = ((ONE + annual_iv / HUNDRED) ** n - ONE) * HUNDRED
    years_needed = g_tot.ln() / g.ln()
    years_iv = (ONE + total_iv / HUNDRED).ln() / (ONE + annual_iv / HUNDRED).ln()
    return {"start": start, "end": end, "n": n, "total": total, "annual": annual,
            "annual_iv": annual_iv, "implied": implied.implied_point,
            "implied_iv": implied.implied, "at_n": at_n, "at_n_iv": at_n_iv,
            "years_needed": years_needed, "years_iv": years_iv,
            "simple": annual * n, "verdict": res["income_annual_vs_total_growth"].verdict}


def _finding_income_growth_arithmetic(figs: Figures, results: Sequence[Result]) -> str:
    m = _growth_model(figs, results)
    return (f"Compounded over {m['n']} years, {_pct(m['annual'], 1)} a year gives "
            f"+{_pct(m['at_n'])}, not +{_pct(m['total'])}: that needs {_pct(m['implied'], 3)} a "
            f"year, or {_num(m['years_needed'], 2)} years at {_pct(m['annual'], 1)}")


def fig_income_growth_arithmetic(figs: Figures, results: list[Result], *,
                                 outdir: Path | None = None) -> dict[str, Path]:
    """Teaching figure: how annual growth compounds into total growth."""
    m = _growth_model(figs, results)
    n = m["n"]
    fig, (ax, zx) = style.new_figure(
        _wrap(_finding_income_growth_arithmetic(figs, results), 100),
        _wrap("Total growth after t years = (1 + annual rate)^t − 1. Bands: every rate that "
              "rounds to the figure as written. Grey dashes: the annual rate added up without "
              "compounding. Right: the same curves around year " + str(n) + ".", 140),
        figsize=(12.5, 6.4), ncols=2, gridspec_kw={"width_ratios": [1.25, 1.0]})
    steps = 120
    t_max = n + 1
    ts = [D(k) * t_max / steps for k in range(steps + 1)]
    blue, verm, grey = style.PALETTE["blue"], style.PALETTE["vermillion"], style.PALETTE["grey"]
    records = []

    def curve(rate: Decimal, times: Sequence[Decimal]) -> list[Decimal]:
        g = 1 + rate / HUNDRED
        return [(g ** t - 1) * HUNDRED for t in times]

    series = [
        ("annual", f"{_pct(m['annual'], 1)} a year (article 年均增长)", m["annual"],
         m["annual_iv"], verm),
        ("implied", f"{_pct(m['implied'], 3)} a year (implied by +{_pct(m['total'])})",
         m["implied"], m["implied_iv"], blue),
    ]
    tf = [float(t) for t in ts]
    for key, label, rate, iv, colour in series:
        c, c_lo, c_hi = curve(rate, ts), curve(iv.lo, ts), curve(iv.hi, ts)
        for a in (ax, zx):
            a.fill_between(tf, [_f(v) for v in c_lo], [_f(v) for v in c_hi], color=colour,
                           alpha=0.2, linewidth=0)
            a.plot(tf, [_f(v) for v in c], color=colour, linewidth=2.2, label=label)
        for t, v, lo, hi in zip(ts, c, c_lo, c_hi):
            records.append({"series": key, "rate_percent": float(rate), "t_years": float(t),
                            "total_growth_percent": round(float(v), 6),
                            "lo": round(float(lo), 6), "hi": round(float(hi), 6)})
    simple = [m["annual"] * t for t in ts]
    ax.plot(tf, [_f(v) for v in simple], "--", color=grey, linewidth=1.3,
            label=f"{_pct(m['annual'], 1)} × t, not compounded (不复利)")
    for t, v in zip(ts, simple):
        records.append({"series": "simple_sum", "rate_percent": float(m["annual"]),
                        "t_years": float(t), "total_growth_percent": round(float(v), 6),
                        "lo": math.nan, "hi": math.nan})
    # overview panel
    ax.annotate(f"+{_pct(m['simple'], 1)} = {n} × {_pct(m['annual'], 1)}",
                xy=(n, _f(m["simple"])), xytext=(6, -6), textcoords="offset points", ha="left",
                va="top", fontsize=9.5, color=style.MUTED_COLOUR)
    ax.plot([n], [_f(m["simple"])], "o", color=grey, markersize=5)
    ax.set_xlim(0, t_max)
    ax.set_ylim(0, _f(curve(m["implied"], [D(t_max)])[0]) * 1.05)
    ax.set_xticks(range(0, t_max + 1), [f"{k}\n{m['start'] + k}" for k in range(t_max + 1)])
    ax.set_xlabel(f"年数 years after {m['start']}")
    ax.set_ylabel(f"较{m['start']}年累计增长 total growth since {m['start']} (%)")
    ax.legend(loc="upper left", fontsize=10)
    ax.grid(axis="x", color="#EEEEEE")
    ax.set_title("复利 Compounding", fontsize=11)
    # zoom panel
    y_lo = _f(m["at_n_iv"].lo) - 2.5
    y_hi = _f(m["total"]) + 3.5
    x_lo, x_hi = n - 0.45, _f(m["years_iv"].hi) + 0.3
    zx.set_xlim(x_lo, x_hi)
    zx.set_ylim(y_lo, y_hi)
    zx.axhline(_f(m["total"]), color=blue, linewidth=0.9, linestyle=":")
    zx.axvline(n, color=style.MUTED_COLOUR, linewidth=0.9, linestyle=":")
    zx.plot([n], [_f(m["total"])], "o", color=blue, markersize=8, zorder=5)
    zx.plot([n], [_f(m["at_n"])], "o", color=verm, markersize=8, zorder=5)
    zx.plot([_f(m["years_needed"])], [_f(m["total"])], "o", markerfacecolor="white",
            markeredgecolor=verm, markeredgewidth=2, markersize=8, zorder=5)
    zx.annotate(f"+{_pct(m['total'])} reported\n(同比{m['start']}年增长)",
                xy=(n, _f(m["total"])), xytext=(-22, 26), textcoords="offset points",
                ha="right", va="bottom", fontsize=10, color=blue, fontweight="bold",
                arrowprops={"arrowstyle": "-", "color": blue, "linewidth": 0.8})
    zx.annotate(f"+{_pct(m['at_n'])} after {n} years at {_pct(m['annual'], 1)}\n"
                f"(rounding band {_iv_text(m['at_n_iv'], D(1), 2)}%)",
                xy=(n, _f(m["at_n"])), xytext=(14, -26), textcoords="offset points",
                ha="left", va="top", fontsize=10, color=verm, fontweight="bold",
                arrowprops={"arrowstyle": "-", "color": verm, "linewidth": 0.8})
    zx.annotate(f"{_num(m['years_needed'], 2)} years at {_pct(m['annual'], 1)}\n"
                f"({_iv_text(m['years_iv'], D(1), 2)} within rounding)",
                xy=(_f(m["years_needed"]), _f(m["total"])), xytext=(-4, -48),
                textcoords="offset points", ha="left", va="top", fontsize=10, color=verm,
                fontweight="bold", arrowprops={"arrowstyle": "-", "color": verm,
                                               "linewidth": 0.8})
    zx.set_xlabel(f"年数 years after {m['start']}")
    zx.set_ylabel("total growth (%)")
    zx.grid(axis="x", color="#EEEEEE")
    zx.set_title(f"放大 Zoom: around year {n} ({m['end']})", fontsize=11)
    records.append({"series": "years_needed", "rate_percent": float(m["annual"]),
                    "t_years": float(m["years_needed"]), "total_growth_percent": float(m["total"]),
                    "lo": round(float(m["years_iv"].lo), 6),
                    "hi": round(float(m["years_iv"].hi), 6)})
    records.append({"series": "growth_after_n_years", "rate_percent": float(m["annual"]),
                    "t_years": float(n), "total_growth_percent": float(m["at_n"]),
                    "lo": round(float(m["at_n_iv"].lo), 6), "hi": round(float(m["at_n_iv"].hi), 6)})
    style.add_source(fig, _source(figs))
    frame = pd.DataFrame(records)
    for col in ("rate_percent", "t_years", "total_growth_percent"):
        frame[col] = frame[col].round(6)
    return _save(fig, "income_growth_arithmetic", frame, outdir)


# ============================================================================================
# Registry and build
# ============================================================================================

FigureFunction = Callable[..., dict[str, Path]]
Finding = Callable[[Figures, Sequence[Result]], str] | str

#: name → (figure function, one-line finding: a function of (figs, results) or a text).
FIGURES: dict[str, tuple[FigureFunction, Finding]] = {
    "checks_overview": (fig_checks_overview, _finding_checks_overview),
    "income_paths": (fig_income_paths, _finding_income_paths),
    "funding_2020_vs_2019": (fig_funding_2020_vs_2019, _finding_funding_2020_vs_2019),
    "funding_parts_vs_total": (fig_funding_parts_vs_total, _finding_funding_parts_vs_total),
    "poverty_population": (fig_poverty_population, _finding_poverty_population),
    "people_channels": (fig_people_channels, _finding_people_channels),
    "consumption_assistance": (fig_consumption_assistance, _finding_consumption_assistance),
    "income_growth_arithmetic": (fig_income_growth_arithmetic, _finding_income_growth_arithmetic),
}


def finding(name: str, figs: Figures, results: Sequence[Result]) -> str:
    """The one-line finding of figure *name*."""
    f = FIGURES[name][1]
    return f if isinstance(f, str) else f(figs, results)


def build_all(outdir: Path | str | None = None, names: Iterable[str] | None = None,
              figs: Figures | None = None,
              results: Sequence[Result] | None = None) -> list[dict[str, Any]]:
    """Build every figure (or those in *names*) into *outdir* (default ``figures/``).

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
