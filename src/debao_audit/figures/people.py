"""People: persons against person-times, channel by channel (a seaborn ``catplot`` faceted by
channel on a tidy frame), with the one failing count (medical experts among professionals)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from .. import style
from ..checks import Figures, Result
from . import common as c

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


def fig_people_channels(figs: Figures, results: list[Result], *,
                        outdir: Path | None = None) -> dict[str, Path]:
    frame = people_frame(figs)
    verdict = _verdict(results)
    palette = {KINDS["person"]: style.PALETTE["blue"], KINDS["person_time"]: style.PALETTE["reddish_purple"],
               OTHER: style.PALETTE["grey"]}
    style.use_style()
    g = sns.catplot(data=frame, kind="bar", x="value", y="item", hue="kind", col="channel",
                    col_wrap=2, col_order=[ch for ch, _ in CHANNELS], sharex=False, sharey=False,
                    hue_order=list(palette), palette=palette, dodge=False, errorbar=None,
                    legend=False, height=3.0, aspect=1.25, saturation=1.0, width=0.7)
    fig = g.figure
    fig.set_size_inches(7.6, 8.2)
    zh, en = titles(figs, results)
    style.add_titles(fig, c.title(zh, en),
                     c.wrap(finding_people_channels(figs, results) + ". Whiskers: the range "
                            "多 (more than) or 近 (nearly) allows; a bar with whiskers both sides stands at its "
                            "centre.", 84),
                     title_size=c.TITLE - 2, subtitle_size=c.SMALL)
    fail_colour = c.STATUS_COLOURS[verdict] if not c.holds(verdict) else style.TEXT_COLOUR
    for ax, (channel, _items) in zip(g.axes.flat, CHANNELS):
        sub = frame[frame["channel"] == channel].reset_index(drop=True)
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        xmax = 0.0
        for _, row in sub.iterrows():
            y = ticks.index(row["item"])
            end = row["value"]
            if row["lo"] != row["hi"] and row["hi"] == row["hi"]:
                ax.errorbar(row["value"], y, xerr=[[row["value"] - row["lo"]],
                                                   [row["hi"] - row["value"]]],
                            fmt="none", ecolor=style.TEXT_COLOUR, elinewidth=1.3, capsize=4)
                end = max(end, row["hi"])
            bad = row["claim"] == "medical_experts" and not c.holds(verdict)
            c.label_at(ax, end, y, row["written"], size=c.SMALL + 1,
                       colour=fail_colour if bad else style.TEXT_COLOUR)
            xmax = max(xmax, end)
        ax.set_xlim(0, xmax * 1.5)
        ax.set_title(channel, fontsize=c.LABEL, loc="left", fontweight="bold")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="y", labelsize=c.SMALL, length=0)
        ax.tick_params(axis="x", labelsize=c.SMALL - 2)
        ax.xaxis.set_major_formatter(lambda v, _p: c.number(v))
        c.xgrid(ax)
        if channel == CHANNELS[-1][0] and not c.holds(verdict):
            for tick in ax.get_yticklabels():
                if tick.get_text() == c.bilingual(dict(CHANNELS[-1][1])["medical_experts"], 15):
                    tick.set_color(fail_colour)
    fig.legend(handles=[Patch(color=col, label=lab) for lab, col in palette.items()
                        if lab in set(frame["kind"])],
               loc="lower right", ncol=3, fontsize=c.SMALL, frameon=False,
               bbox_to_anchor=(0.99, 0.005))
    style.add_source(fig, c.source(figs, width=70), size=c.SOURCE - 1.5)
    return c.save(fig, "people_channels", c.rounded(frame), outdir)
