"""People: the one count that does not fit, 近200 medical experts against the 134 professionals
sent in all, drawn as the chart (the other counts, persons against person-times channel by
channel, are in :func:`people_frame` and the subtitle)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from debao_audit import style
from debao_audit.checks import Figures, Result
from debao_audit.figures import common as c

CHANNELS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("就业 Employment", (
        ("labour_coop_employed", "劳务协作 labour cooperation"),
        ("public_welfare_employed", "公益性岗位 public-welfare posts"),
        ("workshop_jobs", "扶贫车间 workshop"),
        ("disability_jobs", "残疾人基地 disability base"),
    )),
    ("培训义诊 Training", (
        ("medical_beneficiaries", "义诊 free clinics"),
        ("cadre_exchange_training", "干部人才培训 cadre training"),
        ("trainees_poor", "培训贫困人口 poor trainees"),
        ("debao_staff_shadowing", "跟岗学习 shadowing"),
    )),
    ("教育 Education", (
        ("teachers_benefited", "受益教师 teachers"),
        ("teacher_training_exchange", "培训交流 training"),
        ("teaching_support", "送教 teaching visits"),
        ("students_supported", "贫困学子 students"),
    )),
    ("南山派出 Sent by Nanshan", (
        ("medical_experts", "医疗专家 medical experts"),
        ("professionals_sent", "专业技术人员 all professionals"),
        ("cadres_seconded", "挂职干部 cadres"),
    )),
)
KINDS = {"person": "人、名 persons", "person_time": "人次 person-times"}
OTHER = "其他 other counts"
CHECK = "medical_experts_within_professionals"


def _centre(figs: Figures, cid: str):
    """Where a count is drawn: the centre of its interval when a qualifier bounds it on both
    sides (近200名: 190–200, centre 195), the figure as written when one side is open
    (多, 以上: no centre), the figure itself when it is exact."""
    iv = figs.iv(cid)
    return iv.mid if iv.bounded and not iv.is_point else figs.pt(cid)


def people_frame(figs: Figures) -> pd.DataFrame:
    """The tidy frame the chart plots: one row per count."""
    rows = []
    for channel, items in CHANNELS:
        for cid, label in items:
            claim, iv = figs.claims[cid], figs.iv(cid)
            rows.append({"channel": channel, "item": c.bilingual(label, 15), "claim": cid,
                         "kind": KINDS.get(claim.unit, OTHER), "written": c.as_written(figs, cid),
                         "value": float(_centre(figs, cid)), "lo": float(iv.lo),
                         "hi": float(iv.hi) if iv.hi is not None else float("nan")})
    return pd.DataFrame(rows)


def _verdict(results: Sequence[Result]) -> str:
    """The status of the experts-within-professionals check: a verdict, or ``tension``."""
    return c.status(c.by_id(results)[CHECK])


def titles(figs: Figures, results: Sequence[Result]) -> tuple[str, str]:
    e, p = c.as_written(figs, "medical_experts"), c.as_written(figs, "professionals_sent")
    if c.holds(_verdict(results)):
        return (f"{e}医疗专家可在{p}专业技术人员之内", f"{e} medical experts fit within {p} professionals")
    if _verdict(results) == "tension":  # no stronger than the verdict
        return (f"{e}医疗专家多于{p}专业技术人员总数：有出入",
                f"Tension: {e} medical experts, {p} professionals in all")
    return (f"{e}医疗专家多于{p}专业技术人员总数", f"{e} medical experts, but only {p} professionals")


def _head(figs: Figures, results: Sequence[Result]) -> str:
    e, p = c.as_written(figs, "medical_experts"), c.as_written(figs, "professionals_sent")
    st = _verdict(results)
    if c.holds(st):
        return f"{e} medical experts sent fit among {p} professionals in all"
    if st == "tension":
        return (f"{e} medical experts sent outnumber the {p} professionals in all: a tension, "
                "unless the two count different people")
    return f"{e} medical experts sent cannot be among {p} professionals in all"


def finding_people_channels(figs: Figures, results: Sequence[Result]) -> str:
    shown = {cid for _, items in CHANNELS for cid, _ in items}
    others = [r for r in results if r.check.check_id != CHECK and r.verdict != "not_checkable"
              and set(r.check.claims) & shown]
    failed = sum(r.verdict == "inconsistent" for r in others)
    head = _head(figs, results)
    rest = (f"the other {len(others)} checks of these counts hold" if not failed else
            f"{failed} of the other {len(others)} checks of these counts fail")
    return f"{head}; {rest}; 人次 person-times count a person once per occasion"


#: The chart: the one count that does not fit (medical experts) against the total it should fit
#: in (all professionals sent), with the cadres sent beside them for scale.
TENSION_ROWS: tuple[tuple[str, str], ...] = (
    ("professionals_sent", "专业技术人员 professionals, all"),
    ("medical_experts", "医疗专家 medical experts"),
    ("cadres_seconded", "挂职干部 cadres"),
)


def tension_frame(figs: Figures) -> pd.DataFrame:
    """The plotted data: one row per count of the chart, with the interval it stands for."""
    rows = []
    for cid, label in TENSION_ROWS:
        iv = figs.iv(cid)
        rows.append({"claim": cid, "item": label, "written": c.as_written(figs, cid),
                     "value": float(_centre(figs, cid)), "lo": float(iv.lo),
                     "hi": float(iv.hi) if iv.hi is not None else float("nan")})
    return pd.DataFrame(rows)


def fig_people_channels(figs: Figures, results: list[Result], *,
                        outdir: Path | None = None) -> dict[str, Path]:
    """近200 medical experts against the 134 professionals sent in all: the chart is the
    tension (or, should the figures change, the agreement), the rest in the subtitle."""
    frame = tension_frame(figs)
    verdict = _verdict(results)
    fail_colour = c.STATUS_COLOURS[verdict] if not c.holds(verdict) else style.PALETTE["blue"]
    zh, en = titles(figs, results)
    fig, ax = style.new_figure(
        c.title(zh, en),
        c.wrap(finding_people_channels(figs, results) + ". Whisker: the range 近 (nearly) "
               "allows; the bar stands at its centre.", 84),
        figsize=(7.6, 4.6), title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    ys = list(range(len(frame)))
    total = frame.loc[frame["claim"] == "professionals_sent", "value"].iloc[0]
    colours = {row["item"]: (fail_colour if row["claim"] == "medical_experts" else
                             style.PALETTE["blue"] if row["claim"] == "professionals_sent"
                             else style.PALETTE["grey"]) for _, row in frame.iterrows()}
    sns.barplot(data=frame, x="value", y="item", hue="item", palette=colours, orient="h",
                width=0.6, saturation=1.0, legend=False, ax=ax, errorbar=None)
    for y, (_, row) in zip(ys, frame.iterrows()):
        is_exp = row["claim"] == "medical_experts"
        end = row["value"]
        if row["lo"] != row["hi"] and row["hi"] == row["hi"]:
            ax.errorbar(row["value"], y, xerr=[[row["value"] - row["lo"]], [row["hi"] - row["value"]]],
                        fmt="none", ecolor=style.TEXT_COLOUR, elinewidth=1.4, capsize=5)
            end = max(end, row["hi"])
        c.label_at(ax, end, y, row["written"], size=c.VALUE,
                   colour=fail_colour if is_exp and not c.holds(verdict) else style.TEXT_COLOUR)
    # the total the experts would have to fit in, drawn across every bar
    ax.axvline(total, color=style.PALETTE["blue"], linestyle="--", linewidth=1.3)
    exp = frame[frame["claim"] == "medical_experts"].iloc[0]
    if not c.holds(verdict):
        lo, hi = exp["lo"] - total, exp["hi"] - total
        ax.annotate(f"多出{c.number(lo)}–{c.number(hi)}人：{c.number(lo)}–{c.number(hi)} more\n"
                    "than all professionals sent",
                    xy=(total, ys[1] + 0.36), xytext=(6, 0), textcoords="offset points",
                    fontsize=c.SMALL, color=style.TEXT_COLOUR, va="top", ha="left")
    ax.set_yticks(ys, [c.bilingual(t, 18) for t in frame["item"]])
    ax.set_xlim(0, max(frame["hi"].max(), frame["value"].max()) * 1.3)
    ax.set_ylim(len(frame) - 0.45, -0.6)
    ax.set_ylabel("")
    ax.set_xlabel("人 persons", fontsize=c.SMALL)
    ax.tick_params(axis="y", labelsize=c.SMALL + 1, length=0)
    ax.xaxis.set_major_formatter(lambda v, _p: c.number(v))
    c.xgrid(ax)
    style.add_source(fig, c.source(figs, width=110), size=c.SOURCE - 1.5)
    return c.save(fig, "people_channels", c.rounded(frame), outdir)
