"""Income: the growth arithmetic with the 2015 back-cast, and Debao against benchmarks.

* :func:`fig_income_growth` (plain matplotlib: an annotated zoom and an interval plot): does the
  annual rate compound to the total growth, and which of the two does the independent 2015
  income side with?
* :func:`fig_income_benchmarks` (seaborn ``lineplot`` with ``hue``): Debao's rural income
  against national, Guangxi and Baise figures, nominal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import seaborn as sns

from debao_audit import style
from debao_audit.checks import Figures, Result
from debao_audit.figures import common as c
from debao_audit.figures.common import D, HUNDRED, ONE

ANNUAL, TOTAL, LEVEL = "rural_income_growth_annual", "rural_income_growth_total", "rural_income_2020"
CHECK_RATE = "income_annual_vs_total_growth"
CHECK_BY_TOTAL = "income_2015_implied_by_total_growth"
CHECK_BY_ANNUAL = "income_2015_implied_by_annual_growth"


def _independent_start(figs: Figures, start: int) -> str:
    """The id of the independent Debao rural income of the start year."""
    eid = f"db_rural_income_{start}"
    if eid not in figs.external:
        raise KeyError(f"no independent figure {eid!r} in data/external/")
    return eid


def model(figs: Figures, results: Sequence[Result]) -> dict[str, Any]:
    """Every number the income-growth figure draws or writes, from the figures and checks."""
    res = c.by_id(results)
    start, end = c.claim_years(figs, TOTAL)
    n = end - start
    annual, annual_iv = figs.pt(ANNUAL), figs.iv(ANNUAL)
    total, total_iv = figs.pt(TOTAL), figs.iv(TOTAL)
    g = 1 + annual / HUNDRED
    rate = res[CHECK_RATE]
    eid = _independent_start(figs, start)
    return {
        "start": start, "end": end, "n": n,
        "annual": annual, "annual_iv": annual_iv, "total": total, "total_iv": total_iv,
        "at_n": (g ** n - 1) * HUNDRED,
        "at_n_iv": ((ONE + annual_iv / HUNDRED) ** n - ONE) * HUNDRED,
        "implied": rate.outcome.implied_point, "implied_iv": rate.outcome.implied,
        "rate_verdict": rate.verdict,
        "by_total": res[CHECK_BY_TOTAL], "by_annual": res[CHECK_BY_ANNUAL],
        "independent_id": eid, "independent": figs.pt(eid), "independent_iv": figs.iv(eid),
        "w_annual": c.as_written(figs, ANNUAL), "w_total": c.as_written(figs, TOTAL),
        "w_level": c.as_written(figs, LEVEL),
    }


def _sides(m: dict[str, Any]) -> str:
    """Which growth figure the independent start-year income sides with, from the verdicts."""
    tot, ann = c.holds(m["by_total"].verdict), c.holds(m["by_annual"].verdict)
    ind = f"the independent {m['start']} income ({c.number(m['independent'])} yuan)"
    if tot and not ann:
        return f"{ind} agrees with +{m['w_total']}, so the {m['w_annual']} is the odd one out"
    if ann and not tot:
        return f"{ind} agrees with {m['w_annual']} a year, not with +{m['w_total']}"
    if tot and ann:
        return f"{ind} agrees with both"
    return f"{ind} agrees with neither"


def titles(figs: Figures, results: Sequence[Result]) -> tuple[str, str]:
    """(zh, en) title: the verdict of the rate check in words computed from it."""
    m = model(figs, results)
    if c.holds(m["rate_verdict"]):
        return (f"年均增长{m['w_annual']}与五年累计增长{m['w_total']}相符",
                f"{m['w_annual']} a year does compound to +{m['w_total']} in {m['n']} years")
    return (f"年均增长{m['w_annual']}与五年累计增长{m['w_total']}不符",
            f"{m['w_annual']} a year does not compound to +{m['w_total']} in {m['n']} years")


def finding_income_growth(figs: Figures, results: Sequence[Result]) -> str:
    m = model(figs, results)
    verb = "gives" if c.holds(m["rate_verdict"]) else "gives only"
    return (f"Compounded over {m['n']} years, {m['w_annual']} a year {verb} "
            f"+{c.pct(m['at_n'])}; +{m['w_total']} needs {c.pct(m['implied'])} a year; "
            + _sides(m))


def fig_income_growth(figs: Figures, results: list[Result], *,
                      outdir: Path | None = None) -> dict[str, Path]:
    """Left: total growth against years, zoomed at year n, for the stated and the implied
    annual rate.  Right: the start-year income each growth figure implies, against the
    independent figure."""
    m = model(figs, results)
    n, start = m["n"], m["start"]
    zh, en = titles(figs, results)
    fig, (zx, bx) = style.new_figure(
        c.title(zh, en),
        c.wrap(f"Left: total growth after t years = (1 + annual rate)^t − 1, around year {n}; "
               f"bands: every rate that rounds to the figure. Right: "
               + _sides(m) + ".", 92),
        figsize=(7.6, 5.4), ncols=2, gridspec_kw={"width_ratios": [1.0, 1.0]},
        title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    blue, verm, grey = style.PALETTE["blue"], style.PALETTE["vermillion"], style.PALETTE["grey"]
    rate_colour = blue if c.holds(m["rate_verdict"]) else verm
    records: list[dict[str, Any]] = []
    # ---- zoom: the two compounding curves near year n
    t_lo, t_hi = D(n) - D("0.5"), D(n) + D("0.5")
    steps = 40
    ts = [t_lo + (t_hi - t_lo) * k / steps for k in range(steps + 1)]
    tf = [float(t) for t in ts]

    def curve(rate: Decimal) -> list[Decimal]:
        g = 1 + rate / HUNDRED
        return [(g ** t - 1) * HUNDRED for t in ts]

    for key, rate, iv, colour, label in (
            ("stated", m["annual"], m["annual_iv"], rate_colour, f"{m['w_annual']} a year"),
            ("implied", m["implied"], m["implied_iv"], blue,
             f"{c.pct(m['implied'])} a year")):
        mid, lo, hi = curve(rate), curve(iv.lo), curve(iv.hi)
        zx.fill_between(tf, [c.f(v) for v in lo], [c.f(v) for v in hi], color=colour,
                        alpha=0.2, linewidth=0)
        zx.plot(tf, [c.f(v) for v in mid], color=colour, linewidth=2.4, label=label)
        for t, v, a, b in zip(ts, mid, lo, hi):
            records.append({"panel": "growth", "series": key, "rate_percent": float(rate),
                            "x": float(t), "y": float(v), "lo": float(a), "hi": float(b)})
    zx.axhline(c.f(m["total"]), color=grey, linewidth=0.9, linestyle=":")
    zx.axvline(n, color=grey, linewidth=0.9, linestyle=":")
    zx.plot([n], [c.f(m["total"])], "o", color=blue, markersize=9, zorder=5)
    zx.plot([n], [c.f(m["at_n"])], "o", color=rate_colour, markersize=9, zorder=5)
    zx.annotate(f"+{m['w_total']}\nreported", xy=(n, c.f(m["total"])), xytext=(-10, 8),
                textcoords="offset points", ha="right", va="bottom", fontsize=c.VALUE - 1,
                color=blue, fontweight="bold")
    zx.annotate(f"+{c.pct(m['at_n'])}\nat {m['w_annual']}", xy=(n, c.f(m["at_n"])),
                xytext=(10, -4), textcoords="offset points", ha="left", va="top",
                fontsize=c.VALUE - 1, color=rate_colour, fontweight="bold")
    records.append({"panel": "growth", "series": "reported_total", "rate_percent": float("nan"),
                    "x": float(n), "y": float(m["total"]), "lo": float(m["total_iv"].lo),
                    "hi": float(m["total_iv"].hi)})
    lo_y = min(c.f(m["at_n_iv"].lo), c.f(m["total"])) - 3
    hi_y = max(c.f(m["at_n_iv"].hi), c.f(m["total"])) + 3
    zx.set_ylim(lo_y, hi_y)
    zx.set_xlim(float(t_lo), float(t_hi))
    zx.set_xticks([n - 0.5, n, n + 0.5], [c.number(D(n) - D("0.5"), 1), str(n),
                                          c.number(D(n) + D("0.5"), 1)])
    zx.set_xlabel(f"年数 years after {start}", fontsize=c.SMALL)
    zx.set_ylabel(f"累计增长 growth since {start} (%)", fontsize=c.SMALL)
    zx.grid(axis="x", color="#EEEEEE")
    zx.set_title(f"复利 Compounding, year {n}", fontsize=c.LABEL)
    c.legend(zx, loc="lower right", fontsize=c.SMALL, handlelength=1.4, borderaxespad=0.3)
    # ---- back-cast: start-year income implied by each growth figure, against the independent
    rows = [
        (f"{m['w_level']} ÷ (1+{m['w_total']})", m["by_total"]),
        (f"{m['w_level']} ÷ (1+{m['w_annual']})^{n}", m["by_annual"]),
    ]
    ind_lo, ind_hi = c.f(m["independent_iv"].lo), c.f(m["independent_iv"].hi)
    bx.axvspan(ind_lo - 2, ind_hi + 2, color="#E6E6E6", zorder=0)
    bx.axvline(c.f(m["independent"]), color=style.TEXT_COLOUR, linewidth=1.6, zorder=1)
    bx.annotate(f"independent\n{c.number(m['independent'])}", xy=(c.f(m["independent"]), 0.02),
                xycoords=("data", "axes fraction"), xytext=(6, 0), textcoords="offset points",
                ha="left", va="bottom", fontsize=c.SMALL + 1, fontweight="bold")
    xs = [c.f(m["independent"])]
    for k, (label, r) in enumerate(rows):
        o = r.outcome
        colour = style.VERDICT_COLOURS[r.verdict]
        y = -k
        bx.plot([c.f(o.implied.lo), c.f(o.implied.hi)], [y, y], color=colour, linewidth=6,
                solid_capstyle="butt", alpha=0.5)
        bx.plot([c.f(o.implied_point)], [y], "o", color=colour, markersize=11,
                markeredgecolor="white", zorder=4)
        bx.annotate(c.number(o.implied_point), xy=(c.f(o.implied_point), y), xytext=(0, -12),
                    textcoords="offset points", ha="center", va="top", fontsize=c.VALUE,
                    fontweight="bold", color=colour)
        bx.annotate(label, xy=(c.f(o.implied_point), y), xytext=(0, 11),
                    textcoords="offset points", ha="center", va="bottom", fontsize=c.SMALL,
                    color=style.TEXT_COLOUR)
        xs += [c.f(o.implied.lo), c.f(o.implied.hi)]
        records.append({"panel": "backcast", "series": r.check.check_id,
                        "rate_percent": float("nan"), "x": float(o.implied_point), "y": float(y),
                        "lo": float(o.implied.lo), "hi": float(o.implied.hi)})
    records.append({"panel": "backcast", "series": m["independent_id"],
                    "rate_percent": float("nan"), "x": float(m["independent"]),
                    "y": float("nan"), "lo": ind_lo, "hi": ind_hi})
    pad = (max(xs) - min(xs)) * 0.35 + 10
    bx.set_xlim(min(xs) - pad, max(xs) + pad)
    bx.set_ylim(-len(rows) - 0.1, 0.6)
    bx.set_yticks([])
    bx.spines["left"].set_visible(False)
    c.xgrid(bx)
    bx.xaxis.set_major_formatter(lambda v, _p: c.number(v))
    bx.set_xlabel(f"{start}年收入 {start} income (元 yuan)", fontsize=c.SMALL)
    bx.set_title(f"{start}年收入回推 Back-cast to {start}", fontsize=c.LABEL)
    style.add_source(fig, c.source(figs, [m["independent_id"]], width=120), size=c.SOURCE - 1.5)
    return c.save(fig, "income_growth", c.rounded(pd.DataFrame(records), 6), outdir)


# ============================================================================================
# Benchmarks (seaborn)
# ============================================================================================

#: The benchmark series, chosen by the external rows' ``geography`` field (with the indicator
#: below), never by their ids: one series may have rows filed under different id prefixes.
BENCHMARKS: tuple[tuple[str, str], ...] = (
    ("Debao", "德保 Debao (independent)"),
    ("China", "全国农村 national rural"),
    ("Guangxi", "广西农村 Guangxi rural"),
    ("Baise", "百色农村 Baise rural"),
    ("China (national key poverty-alleviation counties)", "重点县 key poverty counties"),
)
KEY_COUNTIES = BENCHMARKS[-1][0]
INDICATOR = "rural per-capita disposable income"
DEBAO_ARTICLE = "德保 Debao (article)"


def _series(figs: Figures, geography: str) -> list[tuple[int, str]]:
    """(year, external id) of every yearly figure of :data:`INDICATOR` for *geography*."""
    out: dict[int, str] = {}
    for eid, e in figs.external.items():
        if e.geography != geography or e.indicator != INDICATOR:
            continue
        if not re.fullmatch(r"\d{4}", str(e.period)):
            continue
        year = int(e.period)
        if year in out:
            raise ValueError(f"data/external: two rows give {INDICATOR} for {geography} in "
                             f"{year}: {out[year]} and {eid}; keep one")
        out[year] = eid
    return sorted(out.items())


def yuan(x: Decimal) -> str:
    return c.number(x) + "元"


def benchmarks_frame(figs: Figures) -> pd.DataFrame:
    """The tidy frame the benchmark chart plots: one row per (series, year); ``label`` (the
    hue) names the series with its last value."""
    rows = []
    for geography, label in BENCHMARKS:
        pts = _series(figs, geography)
        if not pts:
            continue
        last_y, last_id = pts[-1]
        hue = f"{label}: {yuan(figs.pt(last_id))} ({last_y})"
        for y, eid in pts:
            rows.append({"series": label, "label": hue, "year": y, "yuan": float(figs.pt(eid)),
                         "id": eid})
    y_end = c.claim_years(figs, LEVEL)[1]
    rows.append({"series": DEBAO_ARTICLE,
                 "label": f"{DEBAO_ARTICLE}: {c.as_written(figs, LEVEL)} ({y_end})",
                 "year": y_end, "yuan": float(figs.pt(LEVEL)), "id": LEVEL})
    frame = pd.DataFrame(rows)
    return frame.assign(x=frame["year"] + _dodge(frame))


#: How close two markers of one year may be (share of the plotted y-span) before they are
#: moved apart sideways, and by how much (years).
DODGE_NEAR, DODGE_STEP = 0.06, 0.14


def _dodge(frame: pd.DataFrame) -> pd.Series:
    """Sideways offsets that separate markers of the same year drawn on top of each other
    (Debao 11,291元 and the key counties' 11,524元 in 2019); 0 for every other point."""
    out = pd.Series(0.0, index=frame.index)
    span = float(frame["yuan"].max() - frame["yuan"].min()) or 1.0
    for _year, sub in frame.groupby("year"):
        sub = sub.sort_values("yuan")
        cluster: list[Any] = []
        last = None
        for idx, y in zip(sub.index, sub["yuan"]):
            if last is not None and (y - last) / span >= DODGE_NEAR:
                _spread(out, cluster)
                cluster = []
            cluster.append(idx)
            last = y
        _spread(out, cluster)
    return out


def _spread(out: pd.Series, cluster: list[Any]) -> None:
    n = len(cluster)
    for k, idx in enumerate(sorted(cluster)):
        out[idx] = round((k - (n - 1) / 2) * DODGE_STEP, 4)


def _county_ratio(figs: Figures) -> Decimal | None:
    y_end = c.claim_years(figs, LEVEL)[1]
    for y, eid in _series(figs, KEY_COUNTIES):
        if y == y_end:
            return figs.pt(LEVEL) / figs.pt(eid) * HUNDRED
    return None


def titles_income_benchmarks(figs: Figures) -> tuple[str, str]:
    ratio = _county_ratio(figs)
    if ratio is None:
        return ("德保农村居民收入与全国、广西、百色比较", "Debao's rural income against benchmarks")
    if ratio >= 95:
        return ("德保农村收入接近全国重点县水平",
                f"Debao's rural income reached {c.pct(ratio, 0)} of the key counties'")
    return (f"德保农村收入为全国重点县的{c.pct(ratio, 0)}",
            f"Debao's rural income was {c.pct(ratio, 0)} of the key counties'")


def finding_income_benchmarks(figs: Figures, results: Sequence[Result]) -> str:
    y_end = c.claim_years(figs, LEVEL)[1]
    last = {geo: eid for geo, _ in BENCHMARKS for y, eid in _series(figs, geo) if y == y_end}
    text = f"Debao's {y_end} rural income, {c.as_written(figs, LEVEL)}"
    parts = []
    for geo, what in ((KEY_COUNTIES, "the key poverty counties'"),
                      ("China", "the national rural")):
        if geo in last:
            other = figs.pt(last[geo])
            parts.append(f"{c.pct(figs.pt(LEVEL) / other * HUNDRED, 0)} of {what} "
                         f"{yuan(other)}")
    return text + (" is " + " and ".join(parts) if parts else "")


#: The base year of the growth index (second panel): the first year of the article's growth.
INDEX_BASE = 2015


def index_frame(figs: Figures) -> pd.DataFrame:
    """Growth indexed to :data:`INDEX_BASE` = 100 for every series with a figure that year; the
    article's 2020 level is indexed on the independent Debao 2015 figure (the same series)."""
    frame = benchmarks_frame(figs)
    base = {s: float(sub.loc[sub["year"] == INDEX_BASE, "yuan"].iloc[0])
            for s, sub in frame.groupby("series") if (sub["year"] == INDEX_BASE).any()}
    debao = BENCHMARKS[0][1]
    if debao in base:
        base[DEBAO_ARTICLE] = base[debao]
    out = frame[frame["series"].isin(base)].copy()
    out["index"] = [round(y / base[s] * 100, 2) for s, y in zip(out["series"], out["yuan"])]
    return out


def _lines_with_gaps(ax, sub: pd.DataFrame, ycol: str, colour: str) -> None:
    """A series as line segments between consecutive years only: no line through a year
    without data."""
    years = sub["year"].tolist()
    xs, ys = sub["x"].tolist(), sub[ycol].tolist()
    for i in range(1, len(years)):
        if years[i] - years[i - 1] == 1:
            ax.plot(xs[i - 1:i + 1], ys[i - 1:i + 1], color=colour, linewidth=2.4, zorder=2,
                    solid_capstyle="round")


def _direct_labels(ax, ends: list[tuple[float, float, str, str]], gap: float) -> None:
    """Each series named at its last point (no legend), labels spread to stay apart."""
    pos = c.spread([y for _, y, _, _ in ends], gap)
    for (x, y, text, colour), ly in zip(ends, pos):
        ax.annotate(text, xy=(x, y), xytext=(x + 0.28, ly), textcoords="data", va="center",
                    ha="left", fontsize=c.SMALL - 0.5, color=colour, fontweight="bold",
                    arrowprops=dict(arrowstyle="-", color=colour, linewidth=0.8,
                                    shrinkA=0, shrinkB=4) if abs(ly - y) > gap * 0.3 else None)


def fig_income_benchmarks(figs: Figures, results: list[Result], *,
                          outdir: Path | None = None) -> dict[str, Path]:
    """Rural income paths by place: levels (top) and growth indexed 2015 = 100 (bottom); seaborn
    draws the markers on the tidy frame, each series' lines join consecutive years only, and
    every series is named at its last point."""
    frame = benchmarks_frame(figs)
    idx = index_frame(figs)
    zh, en = titles_income_benchmarks(figs)
    fig, (ax, bx) = style.new_figure(
        c.title(zh, en),
        c.wrap(finding_income_benchmarks(figs, results) + f". Top: nominal yuan per person; "
               f"bottom: growth since {INDEX_BASE} (= 100), for the series with a {INDEX_BASE} "
               "figure. Lines join consecutive years only.", 88),
        figsize=(7.4, 9.4), nrows=2, gridspec_kw={"height_ratios": [1.15, 1.0]},
        title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    colour_of = dict(zip([label for _, label in BENCHMARKS], [style.PALETTE[k] for k in (
        "blue", "black", "bluish_green", "orange", "reddish_purple")]))
    colour_of[DEBAO_ARTICLE] = colour_of[BENCHMARKS[0][1]]
    shapes = dict(zip([label for _, label in BENCHMARKS], ("o", "X", "s", "P", "D")))
    shapes[DEBAO_ARTICLE] = "*"
    first, last = int(frame["year"].min()), int(frame["year"].max())
    for axis, data, ycol, fmt in ((ax, frame, "yuan", yuan), (bx, idx, "index", None)):
        series = list(dict.fromkeys(data["series"]))
        sns.scatterplot(data=data, x="x", y=ycol, hue="series", hue_order=series,
                        palette={s: colour_of[s] for s in series}, style="series",
                        style_order=series, markers={s: shapes[s] for s in series},
                        s=[420 if s == DEBAO_ARTICLE else 90 for s in data["series"]],
                        edgecolor="white", linewidth=0.8, zorder=5, legend=False, ax=axis)
        ends = []
        for s in series:
            sub = data[data["series"] == s].sort_values("year")
            if s != DEBAO_ARTICLE:
                _lines_with_gaps(axis, sub, ycol, colour_of[s])
            end = sub.iloc[-1]
            value = (fmt(Decimal(str(end[ycol]))) if fmt else c.number(Decimal(str(end[ycol])), 1))
            if s == DEBAO_ARTICLE:
                value = c.as_written(figs, LEVEL) if fmt else value
            name = s if s == DEBAO_ARTICLE else s.split(" (")[0]
            name = name.replace("key poverty counties", "key counties")
            year = "" if int(end["year"]) == last else f" ({int(end['year'])})"
            ends.append((float(end["x"]), float(end[ycol]), f"{name} {value}{year}", colour_of[s]))
        span = float(data[ycol].max() - data[ycol].min()) or 1.0
        _direct_labels(axis, ends, span * 0.075)
        axis.set_xlim(first - 0.3, last + 3.3)
        axis.set_xticks(range(first, last + 1))
        axis.set_xlabel("")
        axis.tick_params(labelsize=c.SMALL)
        axis.spines["bottom"].set_bounds(first - 0.3, last + 0.3)
    ax.set_ylim(frame["yuan"].min() * 0.9, frame["yuan"].max() * 1.08)
    ax.yaxis.set_major_formatter(lambda v, _p: c.number(v))
    ax.set_ylabel("农村居民人均可支配收入 (元 yuan)", fontsize=c.SMALL)
    ax.set_title("收入水平 Income level", fontsize=c.LABEL, loc="left")
    bx.axhline(100, color=style.MUTED_COLOUR, linewidth=0.8)
    bx.set_ylabel(f"指数 index, {INDEX_BASE} = 100", fontsize=c.SMALL)
    bx.set_title(f"增长 Growth since {INDEX_BASE}", fontsize=c.LABEL, loc="left")
    bx.set_xlabel("年 year", fontsize=c.SMALL)
    style.add_source(fig, c.source(figs, list(frame["id"][frame["id"] != LEVEL]), width=120),
                     size=c.SOURCE - 1.5)
    return c.save(fig, "income_benchmarks", frame.merge(
        idx[["series", "year", "index"]], on=["series", "year"], how="left"), outdir)
