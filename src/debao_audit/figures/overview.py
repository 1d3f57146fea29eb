"""The findings first: the scorecard of failing checks, verdicts by kind and by power (seaborn),
and the appendix chart of every check.

* :func:`fig_findings`: one row per failing (inconsistent) check: what the figure it is held
  against says, what the other figures imply, and by how much they differ; type sized to read
  at the README's 260 px thumbnail.
* :func:`fig_checks_by_kind` and :func:`fig_checks_by_power`: seaborn ``countplot`` of the
  verdicts on the tidy verdict table; trivial and coincidence checks are counted apart from the
  evidence.
* :func:`fig_appendix_all_checks`: every check, failures first (plain matplotlib).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from .. import style
from ..checks import Figures, Result
from . import common as c
from .common import D, HUNDRED


# ============================================================================================
# One row of the scorecard: checked against, the others give, gap (centre and range)
# ============================================================================================

def _short_label(figs: Figures, check_id: str) -> tuple[str, str] | None:
    """The check's short row label (Chinese, English), from its case's ``short_labels``
    (``case.json``), that reads at the README's 260 px thumbnail; the check's full title goes
    below in small type.  A check without one shows its title alone."""
    case = figs.case
    if case is None:
        from ..case import default
        case = default()
    return getattr(case, "short_labels", {}).get(check_id)


def _claim_of(figs: Figures, r: Result) -> str | None:
    """The claim the check holds the others against, if its reported figure is a claim."""
    o = r.outcome
    if o.reported is None or o.reported_label:
        return None
    for cid in r.check.claims:
        try:
            if figs.iv(cid) == o.reported:
                return cid
        except KeyError:
            continue
    return None


def _claim_of_implied(figs: Figures, r: Result) -> str | None:
    """The claim whose figure is the implied one (e.g. 近200名 held against 134人), if any."""
    for cid in r.check.claims:
        if cid in figs.claims and figs.iv(cid) == r.outcome.implied:
            return cid
    return None


def _places(o: Any) -> int:
    """The check's own decimals: the scorecard rounds a figure as checks.csv and the findings
    table do (one rounding rule for a value wherever it is shown)."""
    return o.places


def _show(o: Any, value: Decimal, rounding: str | None = None) -> str:
    """A point of an outcome in its display unit, through the one formatter: rounded half up,
    or (``rounding``: ROUND_FLOOR / ROUND_CEILING) outward, as an interval's end."""
    from decimal import ROUND_HALF_UP
    rnd = rounding or ROUND_HALF_UP
    if o.unit == "date":
        from ..written import ordinal_to_date
        return ordinal_to_date(value).isoformat()
    if o.unit == "%":
        return c.number(value / o.scale, _places(o), rounding=rnd) + "%"
    if o.unit == "万元":
        return c.number(value / c.WAN, _places(o), rounding=rnd) + "万元"
    v = value / o.scale
    unit = {"yuan": "元", "persons": "人"}.get(o.unit, f" {o.unit}" if o.unit else "")
    return c.number(v, 0 if v >= 100 else _places(o), rounding=rnd) + unit


def _show_range(o: Any, iv: Any) -> str:
    """An interval in the outcome's display unit, ``lo–hi`` with the unit once; '' when it
    shows as one figure (or is unbounded, or a date)."""
    if iv is None or not iv.bounded or o.unit == "date":
        return ""
    from decimal import ROUND_CEILING, ROUND_FLOOR
    lo, hi = _show(o, iv.lo, ROUND_FLOOR), _show(o, iv.hi, ROUND_CEILING)  # outward, as checks.csv
    if lo == hi:
        return ""
    unit = re.search(r"[^\d.,]*$", hi).group(0)  # type: ignore[union-attr]
    if unit and lo.endswith(unit):
        lo = lo[:-len(unit)]
    return f"{lo}{c.EN_DASH}{hi}"


# the gap's centre and range: one definition, shared with the findings table
from ..findings import centre, gap  # noqa: E402


def _source_word(o: Any, is_claim: bool) -> str:
    if o.reported_label:
        return o.reported_label
    return "article" if is_claim else "derived"


SCORECARD_COLUMNS = ("check_id", "verdict", "power", "label", "title", "checked_against",
                     "against_source", "others_give", "others_source", "others_range", "gap",
                     "gap_range")


def scorecard_row(figs: Figures, r: Result) -> dict[str, Any]:
    """What the scorecard writes for one check.

    ``checked_against``: the figure the check holds the others against (the article's, or an
    independent source's: ``against_source``); ``others_give``: what the other figures give,
    as written when it is itself a claim, else the derived centre (``others_source``), with its
    range; ``gap`` and ``gap_range``: centre and range of the difference."""
    o = r.outcome
    cid = _claim_of(figs, r)
    if o.unit == "date":
        against = _show(o, o.reported_point)
    elif cid is not None:
        against = c.as_written(figs, cid)
    elif o.reported_point is not None:
        against = _show(o, o.reported_point)
    else:
        against = c.interval(o.reported, _places(o), o.scale)
    icid = _claim_of_implied(figs, r)
    if o.unit == "date":
        others = _show(o, o.implied_point)
    elif icid:
        others = c.as_written(figs, icid)
    else:
        others = _show(o, centre(o))
    g, g_range = gap(o)
    short = _short_label(figs, r.check.check_id)
    return {"check_id": r.check.check_id, "verdict": c.status(r), "power": r.power,
            "label": f"{short[0]} {short[1]}" if short else "",
            "title": c.check_title(figs, r),
            "checked_against": against,
            "against_source": "independent" if o.reported_label else "article",
            "others_give": others,
            "others_source": "article" if icid else "derived",
            "others_range": _show_range(o, o.implied),
            "gap": g, "gap_range": g_range}


def _failing(results: Sequence[Result]) -> list[Result]:
    """The failing checks, then the tensions (they fail, but the figures may not be the same
    quantity)."""
    return ([r for r in results if r.verdict == "inconsistent"]
            + [r for r in results if r.verdict == "tension"])


def _count_text(results: Sequence[Result]) -> str:
    n = c.counts(results)
    d = n.get("discrepancies", n["failing"])
    text = (f"{d} discrepanc{'y' if d == 1 else 'ies'}, shown by {n['failing']} of "
            f"{n['evidence']} evidence checks; {n['holding']} hold" if n["failing"] else
            f"None of the {n['evidence']} evidence checks fails; {n['holding']} hold")
    if n["within_rounding"]:
        text += f" ({n['within_rounding']} only within rounding)"
    if n.get("tension"):
        text += (f"; {n['tension']} tension{'s' if n['tension'] != 1 else ''} (the figures "
                 "disagree but may count different things)")
    if n.get("context_holding"):
        text += f"; {n['context_holding']} context checks agree (not evidence)"
    if n["not_evidence"]:
        text += f"; {n['not_evidence']} trivial or coincidental (not evidence)"
    return text + f"; {n.get('derived', 0)} derived figures"


def _found(figs: Figures, results: Sequence[Result], found: pd.DataFrame | None) -> pd.DataFrame:
    from .. import findings
    return findings.build(figs, results) if found is None else found


def finding_findings(figs: Figures, results: Sequence[Result]) -> str:
    """The findings figure's finding: the headline sentence of the findings table."""
    from .. import checks as _checks, findings
    text = findings.headline_sentence(_found(figs, results, None),
                                      _checks.results_frame(results))
    return text[0].upper() + text[1:]


#: The height of one more line of a row's title (bold, c.VALUE + 2), in row units.
_LINE = 0.23
#: The height of one more line of a labelled row's small title, in row units.
_SUB_LINE = 0.135
#: The characters of small type that fit one column of the findings figure.
_COLUMN_CHARS = 30


def _break_at_clause(text: str, marks: str, width: int) -> str:
    """``text`` on one line, or on two broken after the clause mark nearest its middle when it
    is wider than ``width`` (in CJK characters; a Latin character counts as 0.55 of one)."""
    def size(t: str) -> float:
        return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in t)
    if size(text) <= width:
        return text
    cuts = [i + 1 for i, ch in enumerate(text) if ch in marks]
    if not cuts:
        return text
    best = min(cuts, key=lambda i: abs(size(text[:i]) - size(text[i:])))
    return text[:best].rstrip() + "\n" + text[best:].lstrip()


def fig_findings(figs: Figures, results: list[Result], found: pd.DataFrame | None = None, *,
                 outdir: Path | None = None) -> dict[str, Path]:
    """The scorecard, rendered from the findings table: one row per finding (a wrong figure
    once, however many checks it fails), tagged in words, in large type."""
    from .. import findings
    found = _found(figs, results, found)
    by_id = c.by_id(results)
    n = c.counts(results)
    h = findings.headline(found, pd.DataFrame({"verdict": [r.verdict for r in results],
                                               "counts_as": [r.counts_as for r in results],
                                               "discrepancy": [r.discrepancy for r in results]}))
    rows, tags = [], []
    for f in found.to_dict("records"):
        if f["kind"] == "context":  # a note, not a failing check: the scorecard leaves it out
            continue
        ids = str(f["checks"]).split(";")
        row = scorecard_row(figs, by_id[ids[0]])
        row["finding_id"] = f["finding_id"]
        row["checks_in_finding"] = f["checks"]
        rows.append(row)
        k, d = int(f["n_checks"]), int(f["n_discrepancies"])
        # a discrepancy counts once; the checks that show it are in the subtitle's count
        shown = (f"{d} discrepanc{'y' if d == 1 else 'ies'}" if d
                 else f"{k} check{'s' if k != 1 else ''}")
        if f["kind"] == "likely_error":
            tags.append(f"很可能有误 likely wrong · {shown}")
        elif f["kind"] == "set":
            tags.append(f"不一致 fails · {shown}")
        elif f["kind"] == "suggested":
            tags.append("草稿推测 suggested · not confirmed")
        else:  # dates that disagree are 日期有出入 (the findings' Chinese says the same)
            tags.append(("日期" if by_id[ids[0]].outcome.unit == "date" else "")
                        + "有出入 tension · not proven wrong")
    lw, t = h["likely_wrong"], h["tensions"]
    zh = ((f"{lw}个数字很可能有误（{'、'.join(h['likely_written'])}）" if lw
           else "没有查出很可能有误的数字")
          + (f"，{h['sets']}组数字相互矛盾" if h["sets"] else "")
          + (f"；{t}处有出入" if t else ""))
    en = ((f"{lw} figure{'s' if lw != 1 else ''} likely wrong "
           f"({', '.join(h['likely_written'])})" if lw else
           f"{h['discrepancies']} discrepanc{'y' if h['discrepancies'] == 1 else 'ies'}"
           if h["failing_checks"] else f"All {h['evidence']} evidence checks hold"
           if h["evidence"] else "No figure likely wrong")
          + (f"; {h['sets']} set{'s' if h['sets'] != 1 else ''} disagree"
             if lw and h["sets"] else "")
          + (f"; {t} tension{'s' if t != 1 else ''}" if t else ""))
    # A long headline (several kinds of finding) takes two lines in each language, broken at
    # a clause; a row's title (no short label) as many lines as it needs: the rows below move
    # down by what each takes.
    zh, en = _break_at_clause(zh, "，；", 24), _break_at_clause(en, ";", 28)
    labels = [row["label"] or c.wrap(row["title"], 40) for row in rows]
    # a labelled row's full title in small type below its label, wrapped, never cut short
    subs = [c.wrap(row["title"], 50) if row["label"] else "" for row in rows]
    sub_extra = [_SUB_LINE * sub.count("\n") for sub in subs]
    extra = [_LINE * (lab.count("\n")) + more for lab, more in zip(labels, sub_extra)]
    offsets = [sum(extra[:k]) for k in range(len(rows))]
    row_h = 1.35
    title_lines = zh.count("\n") + en.count("\n")
    height = 2.0 + (max(len(rows), 1) + sum(extra)) * row_h + 0.55 + 0.32 * title_lines
    d = h["discrepancies"]
    rest = ((f"{d} discrepanc{'y' if d == 1 else 'ies'}, shown by {h['failing_checks']} of "
             f"{h['evidence']} evidence checks; {n['holding']} "
             "hold. Each row is one finding: the figure a check "
             "holds the others against, what the other figures give (centre; range in small "
             "type), the gap. A tension: the figures disagree, but may not count the same "
             "thing. " if rows else
             f"No finding: none of the {h['evidence']} evidence checks fails and no context "
             "check is in tension. ")
            + f"Not evidence: {n['not_evidence']} trivial or coincidental checks, "
            f"{n.get('context_holding', 0)} agreeing context checks, {n.get('derived', 0)} "
            "derived figures.")
    fig, ax = style.new_figure(c.title(zh, en), c.wrap(rest, 80),
                               figsize=(6.9, height), title_size=c.TITLE,
                               subtitle_size=c.SMALL)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-max(len(rows), 1) * 1.0 - sum(extra) - 0.05, 0.45)
    xs = (0.0, 0.36, 0.70)
    for x, head in zip(xs, ("核对基准 checked against", "其他数字给出 the others give",
                            "差距 gap") if rows else ()):
        ax.text(x, 0.34, head, fontsize=c.SMALL, color=style.MUTED_COLOUR, va="center")
    for k, (row, tag, label) in enumerate(zip(rows, tags, labels)):
        colour = c.STATUS_COLOURS[row["verdict"]]
        top = -k - offsets[k]
        y = top - extra[k] + sub_extra[k]  # the row's own lines, below its (longer) label
        ax.axhline(top + 0.24, color="#CCCCCC", linewidth=0.8)
        ax.text(0, top + 0.16, label, fontsize=c.VALUE + 2, va="top", fontweight="bold",
                color=style.TEXT_COLOUR, linespacing=1.05)
        ax.text(1.0, y - 0.15, tag, fontsize=c.SMALL, va="center", ha="right",
                color=colour, fontweight="bold")
        yv = y - 0.36 - sub_extra[k]
        ax.text(xs[0], yv, row["checked_against"], fontsize=c.VALUE + 2, va="center",
                color=style.TEXT_COLOUR)
        ax.text(xs[1], yv, row["others_give"], fontsize=c.VALUE + 2, va="center", color=colour,
                fontweight="bold")
        ax.text(xs[2], yv, row["gap"], fontsize=c.VALUE + 2, va="center", color=colour,
                fontweight="bold")
        yd = y - 0.57 - sub_extra[k]
        others = row["others_source"] + (f", range {row['others_range']}"
                                         if row["others_range"] else "")
        if len(others) > _COLUMN_CHARS:  # a long range wraps under its source, never into the gap
            others = row["others_source"] + f",\nrange {row['others_range']}"
        for x, text in zip(xs, (row["against_source"], others,
                                f"range {row['gap_range']}" if row["gap_range"] else "")):
            two = "\n" in text  # two lines: hung from the first line's place
            ax.text(x, yd + (_SUB_LINE / 2 if two else 0), text, fontsize=c.SMALL,
                    va="top" if two else "center", color=style.MUTED_COLOUR, linespacing=1.0)
        if row["label"]:
            ax.text(0, y - 0.07, subs[k], fontsize=c.SMALL - 1.5, va="top",
                    color=style.MUTED_COLOUR, linespacing=1.0)
    if not rows:  # the one row an audit with no finding has: it says so
        ax.axhline(0.24, color="#CCCCCC", linewidth=0.8)
        ax.text(0, 0.16, "没有发现 No finding", fontsize=c.VALUE + 2, va="top",
                fontweight="bold", color=style.TEXT_COLOUR)
        ax.text(0, -0.36, "no check fails; no figures in tension", fontsize=c.SMALL,
                va="center", color=style.MUTED_COLOUR)
    style.add_source(fig, c.source(figs, sorted({e for r in _failing(results)
                                                  for e in r.check.external}), width=95),
                     size=c.SOURCE - 1.5)
    frame = pd.DataFrame(rows, columns=["finding_id", "checks_in_finding"]
                         + list(SCORECARD_COLUMNS))
    return c.save(fig, "findings", frame, outdir)


# ============================================================================================
# Verdicts by kind and by power (seaborn)
# ============================================================================================

KIND_LABELS = {
    "growth": "增长 growth", "base_year": "基期 base year", "share": "占比 share",
    "part_whole": "部分与整体 part–whole", "per_unit": "人均/单位 per unit",
    "population": "人口 population", "same_quantity": "同一数量 same quantity",
    "timeline": "时间 timeline", "qualitative": "定性 qualitative",
    "external": "外部来源 external source",
}


def verdict_frame(results: Sequence[Result]) -> pd.DataFrame:
    """The tidy table the seaborn charts count: one row per check."""
    return pd.DataFrame([{
        "check_id": r.check.check_id, "kind": KIND_LABELS.get(r.check.kind, r.check.kind),
        "verdict": c.STATUS_LABELS[c.status(r)], "verdict_key": c.status(r),
        "power": c.POWER_LABELS.get(r.power, r.power), "power_key": r.power,
        "counts_as": getattr(r, "counts_as", ""),
    } for r in results])


def _verdict_hue(frame: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    keys = [v for v in c.STATUS_ORDER if v in set(frame["verdict_key"])]
    order = [c.STATUS_LABELS[v] for v in keys]
    return order, {c.STATUS_LABELS[v]: c.STATUS_COLOURS[v] for v in keys}


def finding_checks_by_kind(figs: Figures, results: Sequence[Result]) -> str:
    frame = verdict_frame(results)
    fails = frame[frame["verdict_key"] == "inconsistent"]["kind"].value_counts()
    kinds = ", ".join(f"{k.split(' ', 1)[1]} {v}" for k, v in fails.items())
    nc = (frame["verdict_key"] == "not_checkable")
    top = frame[nc]["kind"].value_counts()
    text = f"Failures by kind of relation: {kinds}" if kinds else "No kind of relation fails"
    tens = frame[frame["verdict_key"] == "tension"]["kind"].value_counts()
    if len(tens):
        text += "; tensions: " + ", ".join(f"{k.split(' ', 1)[1]} {v}" for k, v in tens.items())
    if len(top):
        text += (f"; most not-checkable relations are {top.index[0].split(' ', 1)[1]} "
                 f"figures ({top.iloc[0]} of {int(nc.sum())})")
    return text


def titles_checks_by_kind(results: Sequence[Result]) -> tuple[str, str]:
    """(zh, en): where the failures are, every count out of the same total (all checks)."""
    frame = verdict_frame(results)
    total = len(frame)
    fails = frame[frame["verdict_key"] == "inconsistent"]["kind"].value_counts()
    n = int(fails.sum())
    if not n:
        return (f"{total}项核验均无不一致", f"None of {total} checks fails, whatever the kind")
    zh_kinds = "、".join(k.split(" ", 1)[0] for k in fails.index)
    en = [k.split(" ", 1)[1] for k in fails.index]
    en_kinds = en[0] if len(en) == 1 else ", ".join(en[:-1]) + " and " + en[-1]
    return (f"{total}项核验中{n}项不一致，都属{zh_kinds}类",
            f"{n} of {total} checks fail, all on {en_kinds}")


def fig_checks_by_kind(figs: Figures, results: list[Result], *,
                       outdir: Path | None = None) -> dict[str, Path]:
    frame = verdict_frame(results)
    order, palette = _verdict_hue(frame)
    kinds = frame["kind"].value_counts().index.tolist()
    zh, en = titles_checks_by_kind(results)
    fig, ax = style.new_figure(
        c.title(_break_at_clause(zh, "，", 24), _break_at_clause(en, ",", 28)),
        c.wrap(finding_checks_by_kind(figs, results) + ".", 80),
        figsize=(7.2, 6.4), title_size=c.TITLE, subtitle_size=c.SMALL)
    # stacked counts per kind (seaborn's histplot on a categorical axis): failures first
    kinds = sorted(kinds, key=lambda k: (
        -int(((frame["kind"] == k) & (frame["verdict_key"] == "inconsistent")).sum()),
        -int(((frame["kind"] == k) & (frame["verdict_key"] == "tension")).sum()),
        -int((frame["kind"] == k).sum())))
    tidy = frame.assign(kind=pd.Categorical(frame["kind"], categories=kinds, ordered=True),
                        verdict=pd.Categorical(frame["verdict"], categories=order, ordered=True))
    sns.histplot(data=tidy, y="kind", hue="verdict", hue_order=order, palette=palette,
                 multiple="stack", discrete=True, shrink=0.75, alpha=1.0, linewidth=0.8,
                 edgecolor="white", ax=ax, legend=True)
    # two-line kind labels (Chinese, then English) so the longest fits the left margin
    ax.set_yticks(range(len(kinds)), [c.bilingual(k, 18) for k in kinds])
    totals = frame["kind"].value_counts()
    fails = frame[frame["verdict_key"] == "inconsistent"]["kind"].value_counts()
    tens = frame[frame["verdict_key"] == "tension"]["kind"].value_counts()
    for k in kinds:
        y = kinds.index(k)
        notes = ([f"{fails[k]} failing"] if k in fails else []) + \
            ([f"{tens[k]} tension"] if k in tens else [])
        text = f"{totals[k]}" + (f" ({', '.join(notes)})" if notes else "")
        ax.annotate(text, xy=(totals[k], y), xytext=(5, 0), textcoords="offset points",
                    va="center", fontsize=c.SMALL + 1, fontweight="bold",
                    color=c.STATUS_COLOURS["inconsistent"] if k in fails
                    else c.STATUS_COLOURS["tension"] if k in tens else style.TEXT_COLOUR)
    ax.set_xlim(0, totals.max() * 1.45)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("核验数 checks", fontsize=c.SMALL)
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=c.SMALL, length=0)
    c.xgrid(ax)
    sns.move_legend(ax, "lower right", title=None, fontsize=c.SMALL, frameon=False)
    style.add_source(fig, c.source(figs, width=110), size=c.SOURCE - 1.5)
    return c.save(fig, "checks_by_kind", frame.drop(columns=["verdict", "power"]), outdir)


def finding_checks_by_power(figs: Figures, results: Sequence[Result]) -> str:
    n = c.counts(results)
    frame = verdict_frame(results)
    chk = frame[~frame["verdict_key"].isin(["not_checkable", "tension"])]
    strong = int(chk["power_key"].isin(["high", "medium"]).sum())
    fails_strong = int((chk["power_key"].isin(["high", "medium"])
                        & (chk["verdict_key"] == "inconsistent")).sum())
    text = (f"{strong} of {n['checkable']} checkable relations have high or medium power, "
            + ("and no check fails" if not n["failing"] else
               "and the one failure is among them" if n["failing"] == fails_strong == 1 else
               "and both failures are among them" if n["failing"] == fails_strong == 2 else
               f"and all {n['failing']} failures are among them" if fails_strong == n["failing"]
               else f"and {fails_strong} of the {n['failing']} failures are among them"))
    if n["not_evidence"]:
        text += f"; {n['not_evidence']} are trivial or coincidences, not evidence"
    return text


def titles_checks_by_power(results: Sequence[Result]) -> tuple[str, str]:
    """(zh, en): every count out of the checkable relations."""
    n = c.counts(results)
    frame = verdict_frame(results)
    chk = frame[~frame["verdict_key"].isin(["not_checkable", "tension"])]
    strong = chk["power_key"].isin(["high", "medium"])
    n_strong = int(strong.sum())
    n_fail = int((chk["verdict_key"] == "inconsistent").sum())
    fail_strong = int((strong & (chk["verdict_key"] == "inconsistent")).sum())
    total = n["checkable"]
    if n_fail and fail_strong == n_fail:
        return (f"{total}项可核验关系中{n_strong}项检验力较高，{n_fail}项不一致全在其中",
                ("Both failures" if n_fail == 2 else f"All {n_fail} failures")
                + f" are among {n_strong} of {total} strong checks")
    return (f"{total}项可核验关系中{n_strong}项检验力较高，{fail_strong}项不一致",
            f"{fail_strong} failures among {n_strong} of {total} strong checks")


def fig_checks_by_power(figs: Figures, results: list[Result], *,
                        outdir: Path | None = None) -> dict[str, Path]:
    frame = verdict_frame(results)
    chk = frame[~frame["verdict_key"].isin(["not_checkable", "tension"])].copy()
    order, palette = _verdict_hue(chk)
    chk["power"] = [c.bilingual(p, 12) for p in chk["power"]]
    powers = [c.bilingual(c.POWER_LABELS[p], 12) for p in c.POWER_ORDER
              if p in set(chk["power_key"])]
    fig, ax = style.new_figure(
        c.title(*titles_checks_by_power(results)),
        c.wrap(finding_checks_by_power(figs, results) + ". Low power: wide intervals or a "
               "wide margin, so only a gross error would fail.", 80),
        figsize=(7.2, 5.6), title_size=c.TITLE - 1, subtitle_size=c.SMALL)
    sns.countplot(data=chk, x="power", hue="verdict", order=powers, hue_order=order,
                  palette=palette, ax=ax, saturation=1.0)
    for cont in ax.containers:
        ax.bar_label(cont, labels=[str(int(v)) if v else "" for v in cont.datavalues],
                     padding=3, fontsize=c.VALUE - 1, fontweight="bold")
    ax.set_ylabel("核验数 checks", fontsize=c.SMALL)
    ax.set_xlabel("检验力 power (band of agreement)", fontsize=c.SMALL)
    ax.tick_params(axis="x", labelsize=c.SMALL + 1, length=0)
    for tick in ax.get_xticklabels():
        if any(tick.get_text() == c.bilingual(c.POWER_LABELS[p], 12) for p in c.NOT_EVIDENCE):
            tick.set_color(style.MUTED_COLOUR)
    ax.legend(title=None, fontsize=c.SMALL, loc="best")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    style.add_source(fig, c.source(figs, width=110), size=c.SOURCE - 1.5)
    return c.save(fig, "checks_by_power", chk.drop(columns=["verdict", "power"]), outdir)


# ============================================================================================
# Appendix: every check, failures first
# ============================================================================================

def _overview_row(figs: Figures, r: Result) -> dict[str, Any]:
    """Plotting coordinates of one check, relative to its reference value."""
    o = r.outcome
    is_date = o.unit == "date"
    st = c.status(r)
    checkable = st != "not_checkable"
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
    panel = ("dates" if is_date and checkable else
             "failing" if st in ("inconsistent", "tension") else
             "checkable" if checkable else "derived")
    return {
        "panel": panel, "theme": r.check.theme, "check_id": r.check.check_id,
        "title": c.check_title(figs, r), "verdict": st, "relation": o.relation,
        "power": r.power, "x_unit": "days" if is_date else "percent",
        "x_reported_lo": math.nan if rep is None else x(rep.lo, -math.inf),
        "x_reported_hi": math.nan if rep is None else x(rep.hi, math.inf),
        "x_implied_lo": x(o.implied.lo, -math.inf),
        "x_implied_hi": x(o.implied.hi, math.inf),
        "x_implied_point": math.nan if imp_pt is None else x(imp_pt, math.nan),
    }


def _symlog(ax: Any, lim: float, linthresh: float, unit: str) -> None:
    ax.set_xscale("symlog", linthresh=linthresh, linscale=0.6)
    ax.set_xlim(-lim, lim)
    ticks = [0.0]
    t = linthresh
    while t <= lim:
        ticks += [t, -t]
        t *= 10
    ax.xaxis.set_major_locator(FixedLocator(sorted(ticks)))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(
        lambda v, _p: "0" if v == 0 else c.number(v, 0, sign=True) + unit)


def _panel(ax: Any, rows: list[dict[str, Any]], lim: float, linthresh: float, unit: str) -> None:
    _symlog(ax, lim, linthresh, unit)
    c.xgrid(ax)
    labels, ys = [], []
    for k, row in enumerate(rows):
        row["y"] = -k
        labels.append(c.wrap(row["title"], 58))
        ys.append(-k)
    ax.set_ylim(-len(rows) + 0.4, 0.6)
    ax.set_yticks(ys, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    for tick, row in zip(ax.get_yticklabels(), rows):
        tick.set_color(c.STATUS_COLOURS[row["verdict"]] if row["verdict"] in ("inconsistent", "tension")
                       else style.TEXT_COLOUR)
    ax.axvline(0, color=style.MUTED_COLOUR, linewidth=0.8, zorder=1)
    h, big = 0.6, lim * 10
    for row in rows:
        y, colour = row["y"], c.STATUS_COLOURS[row["verdict"]]
        if row["panel"] != "derived":
            lo, hi = row["x_reported_lo"], row["x_reported_hi"]
            if row["relation"] == "le":  # what the inequality allows: a faint band, no arrow
                ax.barh(y, min(hi, big) + big, left=-big, height=h, color="#F2F2F2", zorder=1)
            elif row["relation"] == "ge":
                ax.barh(y, big - max(lo, -big), left=max(lo, -big), height=h, color="#F2F2F2",
                        zorder=1)
            ax.barh(y, max(min(hi, big) - max(lo, -big), 0), left=max(lo, -big), height=h,
                    color="#C4C4C4", zorder=2)
            ax.plot([0, 0], [y - h / 2, y + h / 2], color="#444444", linewidth=1.4, zorder=3)
        left, right = max(row["x_implied_lo"], -lim), min(row["x_implied_hi"], lim)
        if row["relation"] == "in" or row["panel"] == "derived":
            ax.barh(y, right - left, left=left, height=h * 0.4, color=colour, alpha=0.8,
                    zorder=4)
        else:
            ax.plot([left, right], [y, y], color=colour, linewidth=4, solid_capstyle="butt",
                    zorder=4)
        if not math.isnan(row["x_implied_point"]):
            ax.plot([row["x_implied_point"]], [y], marker="o", markersize=7, color=colour,
                    markeredgecolor="white", markeredgewidth=1.0, zorder=6)


def _limit(rows: list[dict[str, Any]], floor: float) -> float:
    vals = [abs(row[k]) for row in rows for k in ("x_reported_lo", "x_reported_hi",
                                                  "x_implied_lo", "x_implied_hi",
                                                  "x_implied_point")
            if not (math.isnan(row[k]) or math.isinf(row[k]))]
    return max(vals + [floor]) * 1.6


def _gap_in_unit(row: dict[str, Any], unit: str) -> str:
    """How far the implied value is from the stated one, in the panel's own unit (one unit per
    panel: relative deviation in %, or days), never a mix of pp, % and days."""
    places = 0 if unit.strip() == "d" else 1
    v = row["x_implied_point"]
    if math.isnan(v):
        lo, hi = row["x_implied_lo"], row["x_implied_hi"]
        return (f"{c.number(lo, places, sign=True)} to "
                f"{c.number(hi, places, sign=True)}{unit}")
    return c.number(v, places, sign=True) + unit


def fig_appendix_all_checks(figs: Figures, results: list[Result], *,
                            outdir: Path | None = None) -> dict[str, Path]:
    """Every check on one chart: failures first, then the passing checks and dates by theme,
    then the derived figures.  An appendix: the scorecard leads."""
    rows = [_overview_row(figs, r) for r in results]
    theme_rank = {t: i for i, t in enumerate(c.THEMES)}
    order = {row["check_id"]: i for i, row in enumerate(rows)}
    rows.sort(key=lambda r: (c.STATUS_ORDER.index(r["verdict"]), theme_rank.get(r["theme"], 99),
                             order[r["check_id"]]))
    spec = [("failing", "不一致与出入 Failing and tensions: implied against stated (deviation, %)"),
            ("dates", "日期 Dates, failures first: implied against stated (days)"),
            ("checkable", "一致 Holding: implied against stated (deviation, %)"),
            ("derived", "无法核验 Not checkable: interval of each derived figure (%)")]
    groups = {p: [r for r in rows if r["panel"] == p] for p, _ in spec}
    spec = [(p, t) for p, t in spec if groups[p]]
    row_in = 0.34
    heights = [len(groups[p]) * row_in + 0.7 for p, _ in spec]
    present = [v for v in c.STATUS_ORDER if any(c.status(r) == v for r in results)]
    fig, axes = style.new_figure(
        c.title("附录:全部核验", "Appendix: every check"),
        c.wrap(_count_text(results) + ". Dot: the value the other figures imply; line: its "
               "interval. Dark tick and grey band: the stated figure and its rounding interval; "
               "faint band: what an inequality (at most, at least) allows. The axis is linear "
               "near 0 and logarithmic beyond.", 130),
        figsize=(11.0, sum(heights) + 2.6), nrows=len(spec) + 1,
        gridspec_kw={"height_ratios": [0.35] + heights})
    axes[0].set_axis_off()
    handles = [Line2D([], [], marker="o", linestyle="-", linewidth=4, markersize=7,
                      color=c.STATUS_COLOURS[v], markeredgecolor="white",
                      label=c.STATUS_LABELS[v]) for v in present]
    handles += [Patch(color="#C4C4C4", label="报告值 stated figure, rounding interval"),
                Patch(color="#F2F2F2", label="不等式允许范围 allowed by an inequality")]
    axes[0].legend(handles=handles, loc="center left", ncol=2, fontsize=9.5, borderaxespad=0)
    failing = {r.check.check_id for r in _failing(results)}
    for ax, (p, head) in zip(axes[1:], spec):
        floor = 10.0 if p == "dates" else 1.0
        unit = " d" if p == "dates" else "%"
        _panel(ax, groups[p], _limit(groups[p], floor * 10), floor, unit)
        ax.set_title(head, fontsize=11)
        for row in groups[p]:
            if row["check_id"] in failing:  # the failures say by how much, in the panel's unit
                ax.annotate(_gap_in_unit(row, unit), xy=(1.01, row["y"]),
                            xycoords=("axes fraction", "data"), va="center", ha="left",
                            fontsize=10, fontweight="bold",
                            color=c.STATUS_COLOURS[row["verdict"]], annotation_clip=False)
    style.add_source(fig, c.source(figs, sorted({e for r in results for e in r.check.external}),
                                   "Checks and verdicts: debao_audit.checks.", width=170))
    frame = pd.DataFrame([{k: v for k, v in row.items() if k != "y"}
                          for p, _ in spec for row in groups[p]])
    return c.save(fig, "appendix_all_checks", c.rounded(frame, 6), outdir)
