"""What every figure shares: the one number formatter, figures as written (overrides included),
years of a period, verdict words, sources, bars with intervals, saving, screen-size images.

The formatter
-------------
:func:`number` is the only place a number becomes text in a figure, a title, a finding or a
figure's table: rounded half up (四舍五入) from a ``Decimal``, thousands separated by ``,``, a
true minus sign.  :func:`pct`, :func:`wan` and :func:`interval` are thin wrappers around it, and
:func:`as_written` shows a figure of the article the way it is written (or the way a what-if
override writes it: ``9.56%`` stays ``9.56%``) with the same digit grouping (``6102万元`` is shown
``6,102万元``, so it sits beside a computed ``5,532万元`` without a mix of styles).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from .. import data, style
from ..checks import Figures, Result
from ..interval import Interval
from ..numbers import group_written, number, pct, pp  # noqa: F401  (the one formatter, re-exported)
from ..written import Reading

D = Decimal
HUNDRED = D(100)
WAN = D(10000)
ONE = Interval.point(1)
MINUS = "\N{MINUS SIGN}"
EN_DASH = "\N{EN DASH}"

#: Sizes (points) of gallery figures: drawn about 6.5-7.5 inches wide, so that at the README's
#: 260 px thumbnail one point is about half a pixel and these still read.
TITLE = 19.0
SUBTITLE = 12.5
LABEL = 13.0
VALUE = 15.0
SMALL = 11.0
SOURCE = 9.5
#: Screen width (px) of the images the notebooks embed; the print PNG stays in figures/.
SCREEN_WIDTH = 640

VERDICT_ORDER = ("inconsistent", "within_rounding", "consistent", "not_checkable")
#: Checks whose power says they are not evidence either way (issue 8): counted apart.
NOT_EVIDENCE = ("trivial", "coincidence")
POWER_ORDER = ("high", "medium", "low", "trivial", "coincidence", "n/a")
POWER_LABELS = {
    "high": "高 high", "medium": "中 medium", "low": "低 low",
    "trivial": "几乎不会失败 trivial", "coincidence": "巧合 coincidence",
    "n/a": "无法核验 not checkable",
}
THEMES: dict[str, str] = {
    "income": "收入 income",
    "poverty": "贫困与人口 poverty and population",
    "funding": "资金 funding",
    "people": "人员 people",
    "timeline": "时间 timeline",
}


# ============================================================================================
# The one number formatter
# ============================================================================================

def wan(x_yuan: Decimal, places: int = 0) -> str:
    """An amount in yuan written in 万元 (ten thousand yuan), the article's unit."""
    return number(x_yuan / WAN, places) + "万元"


def interval(iv: Interval, places: int = 0, scale: Decimal = D(1)) -> str:
    """An interval as ``lo–hi`` (an open upper end as ``∞``)."""
    lo = "−∞" if iv.lo is None else number(iv.lo / scale, places)
    hi = "∞" if iv.hi is None else number(iv.hi / scale, places)
    return f"{lo}{EN_DASH}{hi}"


def as_written(figs: Figures, cid: str) -> str:
    """The figure *cid* as the article writes it, or as an override writes it.

    An override given as a :class:`~debao_audit.written.Reading` (what ``what_if`` passes)
    shows its own text; a bare interval shows its midpoint with the claim's decimals."""
    if cid in figs.overrides:
        o = figs.overrides[cid]
        if isinstance(o, Reading):
            return o.raw if o.iso else group_written(o.raw)
        places = figs.claims[cid].reading.decimals if cid in figs.claims else 2
        mid = o.mid if o.bounded else o.lo
        unit = figs.claims[cid].reading.unit_word if cid in figs.claims else ""
        return number(mid, places) + unit  # type: ignore[arg-type]
    if cid in figs.claims:
        c = figs.claims[cid]
        return c.written if c.reading.iso else group_written(c.written)
    e = figs.external[cid]
    if e.reading is not None:
        return group_written(e.reading.raw)
    return number(figs.pt(cid))


def with_measure(figs: Figures, cid: str, word: str) -> str:
    """The figure *cid* as written, followed by the measure word *word* unless it already
    carries one (``102207`` → ``102,207名``; an override ``7.77万人`` stays ``7.77万人``, never
    ``7.77万人名``)."""
    text = as_written(figs, cid)
    o = figs.overrides.get(cid)
    if isinstance(o, Reading):
        has = bool(o.unit_word)
    elif cid in figs.claims:
        has = bool(figs.claims[cid].reading.unit_word)
    else:
        has = False
    return text if has else text + word


class WrittenMap(Mapping[str, str]):
    """Claim id → the figure as written (overrides included), to fill check templates."""

    def __init__(self, figs: Figures):
        self.figs = figs

    def __getitem__(self, key: str) -> str:
        if key not in self.figs.claims:
            raise KeyError(key)
        return as_written(self.figs, key)

    def __iter__(self):
        return iter(self.figs.claims)

    def __len__(self) -> int:
        return len(self.figs.claims)


def check_title(figs: Figures, r: Result) -> str:
    """The check's title filled with the figures as written, overrides included."""
    return (r.check.title or r.check.check_id).format_map(WrittenMap(figs))


# ============================================================================================
# Periods
# ============================================================================================

_YEAR = r"(\d{4})"


def years(period: str, published: Any = None) -> tuple[int, int]:
    """First and last year of a claim period in the project's grammar.

    ``YYYY`` | ``YYYY–YYYY`` | ``YYYY-MM–YYYY-MM`` | ``publication`` | ``YYYY–publication``
    (publication: the year of *published*, the article's date).  ``unstated`` has no years and
    raises ValueError, as does anything outside the grammar."""
    p = period.strip()
    pub = None if published is None else int(str(published)[:4])

    def need_pub() -> int:
        if pub is None:
            raise ValueError(f"period {period!r} needs the publication date")
        return pub

    if p == "unstated":
        raise ValueError("period 'unstated': the text gives no period, so it has no years")
    if p == "publication":
        y = need_pub()
        return y, y
    m = re.fullmatch(_YEAR, p)
    if m:
        return int(m.group(1)), int(m.group(1))
    m = re.fullmatch(_YEAR + r"(?:-\d{2})?" + EN_DASH + r"(\d{4}|publication)(?:-\d{2})?", p)
    if m:
        start = int(m.group(1))
        end = need_pub() if m.group(2) == "publication" else int(m.group(2))
        if end < start:
            raise ValueError(f"period {period!r}: end before start")
        return start, end
    raise ValueError(f"period {period!r} is not in the grammar YYYY, YYYY–YYYY, "
                     "YYYY-MM–YYYY-MM, publication, YYYY–publication or unstated")


def claim_years(figs: Figures, cid: str) -> tuple[int, int]:
    """Years of claim *cid*'s period; an error naming the claim if it has none."""
    try:
        return years(figs.claims[cid].period, figs.published)
    except ValueError as err:
        raise ValueError(f"claim {cid!r}: {err}") from None


def year_span(figs: Figures, cid: str) -> str:
    a, b = claim_years(figs, cid)
    return str(a) if a == b else f"{a}{EN_DASH}{b}"


# ============================================================================================
# Verdicts in words
# ============================================================================================

def holds(verdict: str) -> bool:
    return verdict in ("consistent", "within_rounding")


def by_id(results: Sequence[Result]) -> dict[str, Result]:
    return {r.check.check_id: r for r in results}


def status(r: Result) -> str:
    """The verdict (one of :data:`debao_audit.checks.VERDICTS`)."""
    return r.verdict


#: Colours by verdict (orange for a tension).
STATUS_COLOURS: dict[str, str] = dict(style.VERDICT_COLOURS)
STATUS_LABELS: dict[str, str] = dict(style.VERDICT_LABELS)
STATUS_ORDER = ("inconsistent", "tension", "within_rounding", "consistent", "not_checkable")


def counts(results: Sequence[Result]) -> dict[str, int]:
    """Counts for titles, from :func:`debao_audit.checks.counts` when the checks provide it:
    ``evidence`` checks by verdict (``inconsistent``, ``consistent``, ``within_rounding``),
    ``trivial`` and ``coincidence`` apart (``not_evidence``), ``context`` (figures that may not be
    the same quantity: ``tension`` when they disagree, ``context_holding`` when not), ``derived``;
    plus ``failing`` (= inconsistent), ``holding`` and ``checkable`` (evidence + not evidence +
    context checks that hold)."""
    from .. import checks as _checks

    if hasattr(_checks, "counts") and all(hasattr(r, "counts_as") for r in results):
        n = dict(_checks.counts(results))
    else:  # results without counts_as: every checkable one is evidence
        checkable = [r for r in results if r.verdict != "not_checkable"]
        n = {v: sum(r.verdict == v for r in checkable) for v in VERDICT_ORDER[:3]}
        n.update(evidence=len(checkable), trivial=0, coincidence=0, tension=0,
                 derived=len(results) - len(checkable), checks=len(results))
    n["not_evidence"] = n.get("trivial", 0) + n.get("coincidence", 0)
    # context checks that hold are checkable relations too (drawn with their verdict), though
    # never evidence; the failing ones are tensions
    n["checkable"] = n["evidence"] + n["not_evidence"] + n.get("context_holding", 0)
    n["failing"] = n["inconsistent"]
    n["holding"] = n["consistent"] + n["within_rounding"]
    return n


# ============================================================================================
# Text helpers and sources
# ============================================================================================

def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def bilingual(label: str, width: int) -> str:
    """'中文 English words' as the Chinese term on one line and the gloss wrapped below."""
    zh, _, en = label.partition(" ")
    return zh + ("\n" + wrap(en, width) if en else "")


#: ASCII punctuation and its full-width form, for Chinese text (a comma or colon between digits,
#: as in 12,364 or 10:30, stays ASCII).
FULL_WIDTH = {",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "(": "\uff08", ")": "\uff09",
              "?": "\uff1f", "!": "\uff01"}
_HALF = re.compile(r"(?<!\d)[,:]|[,:](?!\d)|[;()?!]")


def full_width(zh: str) -> str:
    """Chinese text with full-width punctuation (，：；（）？！), numbers left as they are."""
    return _HALF.sub(lambda m: FULL_WIDTH[m.group(0)], zh)


def title(zh: str, en: str) -> str:
    """A two-line title: Chinese (full-width punctuation), then English (each about 60
    characters at most)."""
    return f"{full_width(zh)}\n{en}"


def article_source(figs: Figures | None = None) -> str:
    """The article the figures come from, as the footnote names it (the figures' case; the
    default case's when none is given)."""
    case = getattr(figs, "case", None)
    meta = data.article_meta(case.meta) if case is not None else data.article_meta()
    if case is not None and case.invented:   # never passed off as a real outlet's report
        return f"练习用虚构报道 an invented practice article, {meta['date_published'][:10]}"
    producer = meta["producer"].split(" (")[0]
    via = meta.get("republished_by")  # the original outlet first, then who republished it
    return f"{producer}{f', republished by {via}' if via else ''} {meta['date_published'][:10]}"


def source(figs: Figures, external: Iterable[str] = (), note: str = "", width: int = 110) -> str:
    """The footnote: the article, the external sources by name, and an optional note."""
    names: list[str] = []
    for eid in external:
        name = figs.external[eid].source
        if name not in names:
            names.append(name)
    text = f"Source: {article_source(figs)} (the article)"
    if names:
        text += "; " + "; ".join(names)
    text += ". Analysis: debao-audit."
    if note:
        text += " " + note
    return wrap(text, width)


def spread(targets: Sequence[float], gap: float) -> list[float]:
    """Label positions near *targets*, at least *gap* apart, each cluster centred on its targets."""
    order = sorted(range(len(targets)), key=lambda i: targets[i])
    clusters: list[list[int]] = []

    def start(c: list[int]) -> float:
        return sum(targets[i] for i in c) / len(c) - gap * (len(c) - 1) / 2

    for i in order:
        clusters.append([i])
        while len(clusters) > 1:
            a, b = clusters[-2], clusters[-1]
            if start(b) - (start(a) + gap * (len(a) - 1)) >= gap:
                break
            clusters[-2:] = [a + b]
    out = [0.0] * len(targets)
    for c in clusters:
        s = start(c)
        for k, i in enumerate(c):
            out[i] = s + k * gap
    return out


# ============================================================================================
# Drawing helpers
# ============================================================================================

def f(x: Decimal | None, default: float = math.nan) -> float:
    """A Decimal as a float plotting coordinate (None becomes *default*)."""
    return default if x is None else float(x)


def xgrid(ax: Axes) -> None:
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.grid(axis="y", visible=False)


def hbar_interval(ax: Axes, y: float, value: Decimal, iv: Interval | None, *,
                  scale: Decimal = D(1), left: Decimal = D(0), height: float = 0.62,
                  **bar: Any) -> float:
    """A horizontal bar from *left* to *left + value*, with whiskers for *iv* (the interval the
    value stands for) when it is not a point.  Returns the x where a label can start."""
    x0, x1 = f(left / scale), f((left + value) / scale)
    ax.barh(y, x1 - x0, left=x0, height=height, **bar)
    end = x1
    if iv is not None and not iv.is_point and iv.lo is not None and iv.hi is not None:
        lo, hi = f((left + iv.lo) / scale), f((left + iv.hi) / scale)
        ax.errorbar(x1, y, xerr=[[max(x1 - lo, 0)], [max(hi - x1, 0)]], fmt="none",
                    ecolor=style.TEXT_COLOUR, elinewidth=1.3, capsize=4)
        end = max(end, hi)
    return end


def label_at(ax: Axes, x: float, y: float, text: str, *, size: float = VALUE,
             bold: bool = True, colour: str = style.TEXT_COLOUR, dx: float = 6,
             ha: str = "left", **kw: Any) -> Any:
    """A value label just right (or left) of a point, in the figure's value size."""
    return ax.annotate(text, xy=(x, y), xytext=(dx, 0), textcoords="offset points", va="center",
                       ha=ha, fontsize=size, fontweight="bold" if bold else "normal",
                       color=colour, **kw)


def legend(ax: Axes, **kw: Any) -> Any:
    """``ax.legend`` with one entry per distinct (label, colour): two series that say the
    same (an override that makes the stated rate equal the implied one) show once."""
    import matplotlib.colors as mcolors

    handles, labels = ax.get_legend_handles_labels()
    seen: set[tuple[str, str]] = set()
    keep_h, keep_l = [], []
    for h, lab in zip(handles, labels):
        colour = h.get_color() if hasattr(h, "get_color") else h.get_facecolor()
        key = (lab, mcolors.to_hex(colour if isinstance(colour, str) or len(colour) != 1
                                   else colour[0]))
        if key in seen:
            continue
        seen.add(key)
        keep_h.append(h)
        keep_l.append(lab)
    return ax.legend(keep_h, keep_l, **kw)


def rounded(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Round the float columns of a plotted-data table so its CSV carries no float noise."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out


# ============================================================================================
# Saving, and images for the notebooks
# ============================================================================================

def save(fig: Figure, name: str, frame: pd.DataFrame, outdir: Path | None) -> dict[str, Path]:
    """Fix the layout, then :func:`style.save` (PNG, SVG and the CSV of the plotted data).

    Constrained layout solves for the axes positions anew at every save, with last-bit
    floating-point noise that varies between processes; the SVG backend names clip paths by
    hashing those positions.  So the layout is solved once, the positions are rounded and fixed,
    and the layout engine switched off: PNG and SVG are drawn from the same positions."""
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


#: Colours a notebook image keeps exactly: the figure palette, the verdict colours and the text
#: greys.  The rest of its palette is chosen from the image (anti-aliased edges, tints).
def fixed_colours() -> list[tuple[int, int, int]]:
    hexes = [*style.PALETTE.values(), *style.VERDICT_COLOURS.values(), style.TEXT_COLOUR,
             style.MUTED_COLOUR, style.SOURCE_COLOUR, "#FFFFFF", "#DDDDDD"]
    out: list[tuple[int, int, int]] = []
    for h in hexes:
        rgb = tuple(int(h.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
        if rgb not in out:
            out.append(rgb)
    return out


#: The size of a notebook image's palette (fixed colours included).
SCREEN_COLOURS = 40


def screen_png(path: Path | str, width: int = SCREEN_WIDTH) -> bytes:
    """The print PNG at *path* scaled to *width* pixels, as a palette PNG that keeps every
    colour of :func:`fixed_colours` exactly (vermillion stays vermillion, amber amber): the
    palette is those colours plus the image's own most common others, each pixel mapped to the
    nearest.  What a notebook embeds (deterministic bytes; the print PNG and SVG stay in
    figures/)."""
    from PIL import Image  # matplotlib's own dependency

    from PIL import PngImagePlugin

    with Image.open(path) as im:
        info = PngImagePlugin.PngInfo()
        for key in ("Title", "Description"):
            if (getattr(im, "text", {}) or {}).get(key):
                info.add_itxt(key, im.text[key])
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        fixed = fixed_colours()
        adaptive = im.quantize(colors=SCREEN_COLOURS, method=Image.Quantize.MEDIANCUT,
                               dither=Image.Dither.NONE).getpalette()[:3 * SCREEN_COLOURS]
        colours = list(fixed)
        for i in range(0, len(adaptive), 3):
            rgb = tuple(adaptive[i:i + 3])
            if len(colours) >= SCREEN_COLOURS:
                break
            if rgb not in colours:
                colours.append(rgb)
        # nearest palette colour, exactly (Pillow's own palette mapping rounds: white -> 252)
        import numpy as np

        rgb = np.asarray(im, dtype=np.int32).reshape(-1, 3)
        key = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
        uniq, inverse = np.unique(key, return_inverse=True)
        px = np.stack([uniq >> 16, (uniq >> 8) & 255, uniq & 255], axis=1).reshape(-1, 1, 3)
        ref = np.asarray(colours, dtype=np.int32).reshape(1, -1, 3)
        nearest = ((px - ref) ** 2).sum(axis=2).argmin(axis=1).astype(np.uint8)
        index = nearest[inverse.reshape(-1)]
        im = Image.fromarray(index.reshape(im.height, im.width), mode="P")
        im.putpalette([v for rgb in colours for v in rgb])
        buf = io.BytesIO()
        im.save(buf, format="PNG", optimize=True, pnginfo=info)
    return buf.getvalue()


def show(paths: Mapping[str, Path] | Path | str, width: int = SCREEN_WIDTH) -> Any:
    """An ``IPython.display.Image`` of a saved figure at screen resolution, for a notebook."""
    from IPython.display import Image

    png = paths["png"] if isinstance(paths, Mapping) else paths
    return Image(data=screen_png(png, width), format="png", alt=alt_text(png) or None)


def alt_text(png: Path | str) -> str:
    """A saved figure's alt text: its title and subtitle as :func:`style.save` stored them
    (the title states the finding)."""
    title, desc = style.read_titles(png)
    return f"{title}. {desc}" if title and desc else title
