"""The project's one figure style: shipped CJK font, palette, layout, saving.

Typical use in a notebook::

    from debao_audit import style

    fig, ax = style.new_figure("Most claims check out", "Verdicts for 42 claims")
    ax.bar(df["verdict"], df["n"], color=[style.VERDICT_COLOURS[v] for v in df["verdict"]])
    style.add_source(fig, "Source: China News Service, 2021-02-07; debao-audit")
    style.save(fig, "verdicts", df)

:func:`use_style` applies, in this order and only here, seaborn's theme
(``sns.set_theme``), then the shipped font and the Okabe-Ito palette on top
(``sns.set_theme`` resets ``font.family``, so the order matters).  Seaborn charts
drawn afterwards use the shipped font and the palette like any other.

Text is set in a subset of Noto Sans CJK SC shipped in ``fonts/`` and loaded by
path (never a system font).  :func:`save` turns any glyph missing from that
subset into :class:`MissingGlyphError`; add new characters by re-running
``tools/subset_font.py``.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import cycler, font_manager
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text

from . import data as _data

__all__ = [
    "FIGURES_DIR",
    "FONT_FAMILY",
    "FONT_FILES",
    "MissingGlyphError",
    "PALETTE",
    "VERDICT_COLOURS",
    "VERDICT_LABELS",
    "StyleContext",
    "add_source",
    "add_titles",
    "figure_titles",
    "read_titles",
    "label_bars",
    "missing_glyphs",
    "new_figure",
    "register_font",
    "rc_params",
    "save",
    "strict_glyphs",
    "use_style",
]

REPO_ROOT = _data.ROOT  # the source tree, or DEBAO_AUDIT_ROOT for an installed wheel
# Outputs follow the one output setting (DEBAO_AUDIT_OUTPUT, read by debao_audit.data).
FIGURES_DIR = _data.FIGURES
#: The font subsets: package data (``debao_audit/fonts``, in the source tree a link to the
#: repository's ``fonts/``), so an installed wheel finds them wherever it runs; the root's
#: ``fonts/`` where the package has none (an older wheel under ``DEBAO_AUDIT_ROOT``).
_PACKAGE_FONTS = (Path(__file__).resolve().parent / "fonts").resolve()
FONT_DIR = _PACKAGE_FONTS if (_PACKAGE_FONTS / "OFL.txt").is_file() else REPO_ROOT / "fonts"

#: Family name inside the shipped subset (renamed from Noto Sans CJK SC).
FONT_FAMILY = "DebaoAudit Sans CJK SC"
FONT_FILES: dict[str, Path] = {
    "regular": FONT_DIR / "NotoSansCJKsc-Regular-subset.otf",
    "bold": FONT_DIR / "NotoSansCJKsc-Bold-subset.otf",
}

#: Okabe & Ito (2008) colour-blind-safe palette, plus a neutral grey.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: The colour cycle (seaborn's default palette too): Okabe-Ito without grey.
CYCLE: list[str] = [PALETTE[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                         "reddish_purple", "sky_blue", "yellow", "black")]

#: One fixed colour per audit verdict: blues = holds up, vermillion = does not.
VERDICT_COLOURS: dict[str, str] = {
    "consistent": PALETTE["blue"],
    "within_rounding": PALETTE["sky_blue"],
    "inconsistent": PALETTE["vermillion"],
    "tension": PALETTE["orange"],
    "not_checkable": PALETTE["grey"],
}

#: Bilingual legend/axis labels for the verdicts.
VERDICT_LABELS: dict[str, str] = {
    "consistent": "一致 consistent",
    "within_rounding": "舍入范围内一致 within rounding",
    "inconsistent": "不一致 inconsistent",
    "tension": "有出入 tension",
    "not_checkable": "无法核验 not checkable",
}

TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#555555"
SOURCE_COLOUR = "#6E6E6E"

BASE_SIZE = 11.0
TITLE_SIZE = 13.0
SOURCE_SIZE = 8.5
_LINE_SPACING = 1.3  # line height as a multiple of the font size
_EDGE_IN = 0.12  # figure-edge margin for title and source note, inches
_GAP_IN = 0.10  # gap between header/footer and the plotting area, inches

#: Matches matplotlib's warning "Glyph 40856 (\N{...}) missing from font(s) X."
#: (matplotlib/_text_helpers.py, warn_on_missing_glyph).
GLYPH_WARNING_PATTERN = r"Glyph \d+ \(.*\) missing from font\(s\)"

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class MissingGlyphError(RuntimeError):
    """A figure contains a character that the shipped font subset lacks."""


# --------------------------------------------------------------------- font


@lru_cache(maxsize=1)
def register_font() -> str:
    """Add the shipped font files to matplotlib by path; return the family name.

    Raises FileNotFoundError if a font file is missing and RuntimeError if the
    family name would resolve to any file other than the shipped one.
    """
    for path in FONT_FILES.values():
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found; run tools/subset_font.py")
        if not any(_same_file(entry.fname, path) for entry in font_manager.fontManager.ttflist):
            font_manager.fontManager.addfont(path)
    for weight, key in (("normal", "regular"), ("bold", "bold")):
        props = font_manager.FontProperties(family=FONT_FAMILY, weight=weight)
        found = font_manager.findfont(props, fallback_to_default=False)
        if not _same_file(found, FONT_FILES[key]):
            raise RuntimeError(
                f"font family {FONT_FAMILY!r} ({weight}) resolves to {found}, "
                f"not the shipped {FONT_FILES[key]}"
            )
    return FONT_FAMILY


def _same_file(a: str | os.PathLike[str], b: Path) -> bool:
    """Return True if *a* and *b* name the same existing file."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def missing_glyphs(text: str, weight: Literal["regular", "bold"] = "regular") -> list[str]:
    """Return the distinct characters of *text* the shipped font cannot draw.

    Line breaks and tabs are ignored (matplotlib does not draw them).
    """
    register_font()
    font = font_manager.get_font(FONT_FILES[weight])
    seen = dict.fromkeys(c for c in text if c not in "\n\r\t")
    return [c for c in seen if font.get_char_index(ord(c)) == 0]


# -------------------------------------------------------------------- style


def rc_params() -> dict[str, Any]:
    """Return the project's rcParams (applied on top of matplotlib's defaults)."""
    family = register_font()
    return {
        # Font: one shipped family for CJK and Latin, no fallback to others.
        "font.family": [family],
        "font.size": BASE_SIZE,
        "axes.unicode_minus": not missing_glyphs("\N{MINUS SIGN}"),
        "figure.titlesize": TITLE_SIZE,
        "figure.titleweight": "bold",
        "axes.titlesize": 12.0,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": BASE_SIZE,
        "xtick.labelsize": 10.0,
        "ytick.labelsize": 10.0,
        "legend.fontsize": 10.0,
        "legend.frameon": False,
        # Colours.
        "text.color": TEXT_COLOUR,
        "axes.labelcolor": TEXT_COLOUR,
        "axes.edgecolor": MUTED_COLOUR,
        "xtick.color": MUTED_COLOUR,
        "ytick.color": MUTED_COLOUR,
        "axes.prop_cycle": cycler(color=CYCLE),
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        # Axes furniture.
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.8,
        # Size and output.
        "figure.figsize": (9.0, 5.5),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": None,
        "savefig.transparent": False,
        "svg.fonttype": "path",  # SVG needs no font
        "svg.hashsalt": "debao-audit",  # stable element ids
        "svg.image_inline": True,
        "path.simplify": True,
        "path.simplify_threshold": 1 / 9,
        # Text comes from data (sources, quotes, glosses): never maths.  "US$5 and US$6" is
        # drawn as written, not as italic maths, and a stray "$" or "\\" cannot fail a build.
        "text.parse_math": False,
        "text.hinting": "force_autohint",
        "text.antialiased": True,
    }


def _apply_style() -> None:
    """Reset rcParams to matplotlib's defaults, apply seaborn's theme, then :func:`rc_params`.

    The one place where the style is set: ``sns.set_theme`` resets ``font.family`` and the
    colour cycle, so the shipped font and the palette are applied after it."""
    mpl.style.use("default")
    sns.set_theme(context="notebook", style="whitegrid", palette=CYCLE)
    mpl.rcParams.update(rc_params())


@contextmanager
def _quiet_deprecations() -> Iterator[None]:
    """Silence warnings about deprecated rcParams while copying all of them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mpl.MatplotlibDeprecationWarning)
        yield


class StyleContext(AbstractContextManager["StyleContext"]):
    """Handle returned by :func:`use_style`; the style is already applied.

    Leaving a ``with`` block (or calling :meth:`restore`) puts back the
    rcParams that were in force before :func:`use_style` was called.
    """

    def __init__(self) -> None:
        with _quiet_deprecations():
            self._saved: dict[str, Any] | None = {
                key: mpl.rcParams[key] for key in mpl.rcParams if key != "backend"
            }
        _apply_style()

    def restore(self) -> None:
        """Restore the previous rcParams (only the first call has an effect)."""
        if self._saved is not None:
            with _quiet_deprecations():
                mpl.rcParams.update(self._saved)
            self._saved = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.restore()


def use_style() -> StyleContext:
    """Apply the project style now; usable as a function or a context manager.

    ``style.use_style()`` applies it for the rest of the session;
    ``with style.use_style(): ...`` restores the previous settings afterwards.
    """
    return StyleContext()


# ------------------------------------------------------------------ figures


def _line_height(size_pt: float, lines: int) -> float:
    """Height in inches of *lines* lines of text at *size_pt* points."""
    return lines * size_pt * _LINE_SPACING / 72.0


def _set_layout_band(fig: Figure, *, top: float | None = None, bottom: float | None = None) -> None:
    """Restrict constrained layout to the band between *bottom* and *top*."""
    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine):
        return
    left, old_bottom, width, height = engine.get()["rect"]
    old_top = old_bottom + height
    new_top = old_top if top is None else top
    new_bottom = old_bottom if bottom is None else bottom
    engine.set(rect=(left, new_bottom, width, new_top - new_bottom))


def new_figure(
    title: str,
    subtitle: str | None = None,
    figsize: tuple[float, float] | None = None,
    nrows: int = 1,
    ncols: int = 1,
    title_size: float = TITLE_SIZE,
    subtitle_size: float = BASE_SIZE,
    **kw: Any,
) -> tuple[Figure, Any]:
    """Create a styled figure whose title states the finding.

    Applies :func:`use_style` globally, then calls :func:`matplotlib.pyplot.subplots`
    (extra keyword arguments go there) with constrained layout.  The title
    and optional grey subtitle sit left-aligned above the plotting area; use
    explicit ``\\n`` for multi-line titles.  Returns ``(fig, ax)`` or
    ``(fig, axes)`` exactly as ``plt.subplots`` does.
    """
    _apply_style()
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kw)
    add_titles(fig, title, subtitle, title_size=title_size, subtitle_size=subtitle_size)
    return fig, axes


def add_titles(fig: Figure, title: str, subtitle: str | None = None, *,
               title_size: float = TITLE_SIZE, subtitle_size: float = BASE_SIZE) -> None:
    """Write the bold title and the grey subtitle at the top left of *fig* (any figure with
    constrained layout, e.g. a seaborn grid's) and keep the plotting area below them."""
    if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        fig.set_layout_engine("constrained")
    width, height = fig.get_size_inches()
    x = _EDGE_IN / width
    y = 1.0 - _EDGE_IN / height
    fig.suptitle(title, x=x, y=y, ha="left", va="top", in_layout=False, fontsize=title_size)
    fig._debao_subtitle = subtitle  # read back by figure_titles (saved as the files' description)
    y -= _line_height(title_size, title.count("\n") + 1) / height
    if subtitle:
        y -= 0.03 / height
        fig.text(x, y, subtitle, ha="left", va="top", fontsize=subtitle_size,
                 color=MUTED_COLOUR, in_layout=False)
        y -= _line_height(subtitle_size, subtitle.count("\n") + 1) / height
    _set_layout_band(fig, top=y - _GAP_IN / height)


def add_source(fig: Figure, text: str, size: float = SOURCE_SIZE) -> Text:
    """Write *text* (e.g. ``"Source: …"``) as a small grey note at the bottom left.

    The caller supplies the whole text; the plotting area shrinks to make room.
    """
    width, height = fig.get_size_inches()
    note = fig.text(_EDGE_IN / width, _EDGE_IN / height, text, ha="left", va="bottom",
                    fontsize=size, color=SOURCE_COLOUR, in_layout=False)
    band = _EDGE_IN + _line_height(size, text.count("\n") + 1) + _GAP_IN
    _set_layout_band(fig, bottom=band / height)
    return note


def label_bars(ax: Axes, bars: BarContainer, fmt: str = "{:,.0f}", **kw: Any) -> list[Text]:
    """Label each bar of *bars* with its value formatted by *fmt*.

    A thin wrapper around :meth:`Axes.bar_label` with the project's size and colour.
    """
    options: dict[str, Any] = {"padding": 2, "fontsize": 9.5, "color": TEXT_COLOUR}
    options.update(kw)
    return ax.bar_label(bars, fmt=fmt, **options)


# ------------------------------------------------------------------- saving


def figure_titles(fig: Figure) -> tuple[str, str]:
    """The figure's title and subtitle (set by :func:`add_titles`) as one-line plain text:
    what :func:`save` writes as the PNG's ``Title``/``Description`` and the SVG's
    ``<title>``/``<desc>`` (the site's cards and alt texts read them back)."""
    sup = fig._suptitle.get_text() if fig._suptitle is not None else ""
    sub = getattr(fig, "_debao_subtitle", None) or ""
    return " ".join(sup.split()), " ".join(sub.split())


def read_titles(png: Path | str) -> tuple[str, str]:
    """``(title, description)`` stored in a PNG written by :func:`save` (empty if absent)."""
    from PIL import Image  # matplotlib's own dependency

    with Image.open(png) as im:
        text = getattr(im, "text", {}) or {}
        return text.get("Title", ""), text.get("Description", "")


#: Where font subsets are kept between runs: ``DEBAO_FONT_CACHE`` (empty: no cache), else
#: ``.build/font-cache/`` under the output setting (git-ignored; the build passes its own to
#: the notebooks it stages).  ``DEBAO_FONT_CACHE`` may name several directories, separated by
#: ``os.pathsep``: new subsets are written to the first, and looked up in all (the tests write
#: to their temporary directory and read what ``make`` made).  A subset is a pure function of
#: the font's bytes, the characters, the flavour, the options and fontTools' version; the file
#: name is the SHA-256 of all of them, so a stale entry cannot be found.  Not writable (a
#: read-only checkout, a full disk): nothing is kept, and the subset is made as before.
FONT_CACHE_ENV = "DEBAO_FONT_CACHE"
#: Entries kept (the oldest go first); a figure's pair of subsets is ~100-200 KB.
FONT_CACHE_ENTRIES = 256
_FONT_MAGIC = {"woff": b"wOFF", "woff2": b"wOF2"}


def font_cache_dirs() -> list[Path]:
    """The font-subset cache directories (see :data:`FONT_CACHE_ENV`): the first is written,
    all are read; empty when the cache is off."""
    env = os.environ.get(FONT_CACHE_ENV)
    if env is not None:
        return [Path(d) for d in env.split(os.pathsep) if d]
    return [_data.OUTPUT / ".build" / "font-cache"]


@lru_cache(maxsize=8)
def _font_digest(font: str, size: int, mtime_ns: int) -> str:
    import hashlib

    return hashlib.sha256(Path(font).read_bytes()).hexdigest()


def _font_subset_options(flavor: str):
    from fontTools import subset  # matplotlib's own dependency

    options = subset.Options()
    options.flavor = flavor
    options.name_IDs = ["*"]            # keep copyright, licence and trademark records (OFL)
    options.name_languages = [0x0409]
    options.hinting = False
    options.notdef_outline = True
    options.recalc_timestamp = False    # deterministic
    options.ignore_missing_unicodes = True
    # no 'locl' or 'vert': the text is Simplified Chinese set horizontally, and those features
    # alone bring ~500 Japanese, Korean and Traditional forms (+65% in size)
    options.layout_features = ["ccmp", "kern", "liga", "calt"]
    return options


def _make_font_subset(font: str, chars: str, flavor: str) -> bytes:
    import io

    from fontTools import subset

    options = _font_subset_options(flavor)
    with subset.load_font(font, options) as f:
        sub = subset.Subsetter(options)
        sub.populate(text=chars)
        sub.subset(f)
        buf = io.BytesIO()
        subset.save_font(f, buf, options)
    return buf.getvalue()


@lru_cache(maxsize=1)
def _compressors() -> str:
    """The versions that decide a subset's bytes besides fontTools: zlib (WOFF), brotli
    (WOFF2) and Python."""
    import sys
    import zlib
    from importlib import metadata

    try:
        brotli = metadata.version("brotli")
    except metadata.PackageNotFoundError:
        brotli = "none"
    return f"zlib {zlib.ZLIB_RUNTIME_VERSION}; brotli {brotli}; python {sys.version_info[:2]}"


def _font_cache_key(font: str, chars: str, flavor: str) -> str:
    import hashlib

    import fontTools

    st = os.stat(font)
    options = _font_subset_options(flavor)
    parts = [_font_digest(font, st.st_size, st.st_mtime_ns), fontTools.version, _compressors(),
             flavor, repr(sorted((k, repr(v)) for k, v in vars(options).items())), chars]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


#: A cache entry's name: the key (64 hex digits) and the flavour.
_ENTRY = re.compile(r"[0-9a-f]{64}\.woff2?")
#: A writer's temporary file older than this was left by a killed process.
_STALE_TMP_SECONDS = 3600


def _font_entry_ok(blob: bytes, flavor: str) -> bool:
    """The entry is a whole font of the flavour: its signature, and the total length its header
    records (bytes 8-12 in WOFF and WOFF2 alike) is the file's."""
    return (blob.startswith(_FONT_MAGIC[flavor]) and len(blob) >= 12
            and int.from_bytes(blob[8:12], "big") == len(blob))


def _font_cache_store(where: Path, name: str, blob: bytes) -> None:
    """Write one entry atomically (:func:`debao_audit.data.write_atomic`), drop the oldest
    beyond :data:`FONT_CACHE_ENTRIES` and the temporary files of killed writers; any OSError
    leaves the cache as it was."""
    import time

    try:
        _data.write_atomic(where / name, blob)
    except OSError:
        return
    entries, now = [], time.time()
    for p in where.iterdir():
        try:                 # another process may remove an entry meanwhile
            st = p.stat()
            if _ENTRY.fullmatch(p.name):
                entries.append((st.st_mtime_ns, p.name, p))
            elif p.name.endswith(".tmp") and now - st.st_mtime > _STALE_TMP_SECONDS:
                p.unlink(missing_ok=True)
        except OSError:
            continue
    for *_, old in sorted(entries)[:-FONT_CACHE_ENTRIES]:
        try:
            old.unlink(missing_ok=True)
        except OSError:
            continue


@lru_cache(maxsize=64)
def font_subset(font: str, chars: str, flavor: str = "woff") -> bytes:
    """A subset of *font* with the glyphs of *chars* (and what OpenType layout reaches from
    them), as ``flavor`` (``woff``: zlib; ``woff2``: needs brotli), deterministic (no
    timestamp), name records kept (the OFL).  The one subsetter of the SVGs and the page.
    Kept on disk between runs (:func:`font_cache_dirs`): making one takes 0.3-1 s.  The cache
    stays ours because no well-kept library in reach gives plain files named by a content hash,
    read from several directories and written to one (the tests read what ``make`` made),
    checked whole before use and silently off when not writable (diskcache is a SQLite store
    unreleased since 2023, joblib.Memory and cachier pickle calls, platformdirs and filelock
    only name or lock a directory); its atomic write is :func:`debao_audit.data.write_atomic`."""
    dirs = font_cache_dirs()
    if not dirs:
        return _make_font_subset(font, chars, flavor)
    name = f"{_font_cache_key(font, chars, flavor)}.{flavor}"
    for where in dirs:
        try:
            blob = (where / name).read_bytes()
        except OSError:
            continue
        if _font_entry_ok(blob, flavor):
            return blob
    blob = _make_font_subset(font, chars, flavor)
    _font_cache_store(dirs[0], name, blob)
    return blob


def _woff_subset(font: str, chars: str) -> bytes:
    """A WOFF subset for the SVGs (see :func:`font_subset`)."""
    return font_subset(font, chars, "woff")


def _svg_embed_font(svg: bytes) -> bytes:
    """The SVG's text set in the shipped font wherever it is opened: a WOFF subset of the
    characters its ``<text>`` elements use, regular and bold, as ``@font-face`` data URLs in
    its style sheet."""
    import base64
    from html import unescape

    text = svg.decode("utf-8")
    chars = "".join(sorted({ch for t in re.findall(r"<text\b[^>]*>(.*?)</text>", text, re.S)
                            for ch in unescape(re.sub(r"<[^>]+>", "", t)) if ch.isprintable()}))
    if not chars:
        return svg
    faces = "".join(
        f"@font-face{{font-family:'{FONT_FAMILY}';font-weight:{w};src:url(data:font/woff;base64,"
        + base64.b64encode(_woff_subset(str(FONT_FILES[key]), chars)).decode("ascii")
        + ") format('woff')}"
        for w, key in ((400, "regular"), (700, "bold")))
    new, n = re.subn(r'(<style type="text/css">)', lambda m: m.group(1) + faces, text, count=1)
    if not n:
        new = re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + f'<style type="text/css">{faces}</style>',
                     text, count=1)
    return new.encode("utf-8")


def _svg_title_desc(svg: bytes, title: str, desc: str) -> bytes:
    """The SVG with ``<title>`` and ``<desc>`` as the first children of its root element (what
    screen readers and file browsers announce), and ``role="img"`` with ``aria-labelledby``."""
    from html import escape

    import re as _re

    m = _re.search(rb"<svg\b[^>]*>", svg)
    if m is None or not title:
        return svg
    tag = m.group(0)
    ids = "fig-title fig-desc" if desc else "fig-title"
    new_tag = tag[:-1] + f' role="img" aria-labelledby="{ids}">'.encode()
    inner = f'\n <title id="fig-title">{escape(title)}</title>'.encode("utf-8")
    if desc:
        inner += f'\n <desc id="fig-desc">{escape(desc)}</desc>'.encode("utf-8")
    return svg[:m.start()] + new_tag + inner + svg[m.end():]


@contextmanager
def strict_glyphs(figure_name: str = "figure") -> Iterator[None]:
    """Turn matplotlib's missing-glyph warning into :class:`MissingGlyphError`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=GLYPH_WARNING_PATTERN, category=UserWarning)
        try:
            yield
        except UserWarning as warning:
            if not re.match(GLYPH_WARNING_PATTERN, str(warning)):
                raise
            raise MissingGlyphError(
                f"figure {figure_name!r}: {warning} The shipped font subset lacks this "
                "character: change the text, or add the character to a scanned file "
                "and re-run tools/subset_font.py."
            ) from warning


class TextOverlapError(ValueError):
    """Two texts of a figure overlap (measured on the drawn figure): one line naming both."""


#: How far two drawn texts may overlap, in pixels at the saved resolution, before it is an error
#: (glyph boxes of neighbouring lines touch by a pixel or so).
OVERLAP_TOLERANCE_PX = 1.5


@contextmanager
def drawn_text_boxes() -> Iterator[list[tuple[str, Any]]]:
    """Collect (text, window extent) of every text matplotlib actually draws inside the block
    (tick labels outside the view are never drawn, so never measured)."""
    from matplotlib.text import Text

    boxes: list[tuple[str, Any]] = []
    last: dict[int, tuple[str, Any]] = {}  # a text drawn twice (a tight bounding box): its last
    draw = Text.draw

    def measured(self, renderer, *a, **k):  # type: ignore[no-untyped-def]
        out = draw(self, renderer, *a, **k)
        if self.get_visible() and self.get_text().strip():
            last[id(self)] = (self.get_text(), self.get_window_extent(renderer))
        return out

    Text.draw = measured  # type: ignore[method-assign]
    try:
        yield boxes
    finally:
        Text.draw = draw  # type: ignore[method-assign]
        boxes.extend(last.values())


def text_overlaps(boxes: "list[tuple[str, Any]]",
                  tolerance: float = OVERLAP_TOLERANCE_PX) -> list[tuple[str, str]]:
    """The pairs of drawn texts whose boxes overlap by more than ``tolerance`` pixels both
    ways."""
    out = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > tolerance and h > tolerance:
                out.append((ta, tb))
    return out


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 60 else one[:57] + "..."


def save(
    fig: Figure,
    name: str,
    data: pd.DataFrame,
    outdir: Path | None = None,
) -> dict[str, Path]:
    """Write ``<name>.png``, ``<name>.svg`` and ``<name>.csv`` (the plotted data).

    Output goes to *outdir* (default: ``debao_audit.data.FIGURES``, the one output setting) and is
    deterministic: no timestamps or software versions, fixed SVG ids.  All
    three files are written to temporary files first and renamed only when all
    succeeded.  A character missing from the shipped font raises
    :class:`MissingGlyphError`; two texts that overlap as drawn raise
    :class:`TextOverlapError`.  The figure is closed in every case.
    Returns ``{"png": path, "svg": path, "csv": path}``.
    """
    temps: dict[str, Path] = {}
    try:
        if not _SAFE_NAME.fullmatch(name):
            raise ValueError(f"figure name {name!r}: use letters, digits, '_', '-', '.'")
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"figure {name!r}: data must be a pandas DataFrame")
        target_dir = Path(_data.FIGURES) if outdir is None else Path(outdir)
        target_dir.mkdir(parents=True, exist_ok=True)
        for ext in ("png", "svg", "csv"):
            temps[ext] = target_dir / f".{name}.{ext}.{os.getpid()}.tmp"

        title, desc = figure_titles(fig)
        png_meta: dict[str, Any] = {"Software": None}
        if title:
            png_meta["Title"] = title
        if desc:
            png_meta["Description"] = desc
        with mpl.rc_context(), strict_glyphs(name):
            _apply_style()  # save-time settings (dpi, svg.*) regardless of global state
            with drawn_text_boxes() as boxes:
                fig.savefig(temps["png"], format="png", metadata=png_meta)
            clash = text_overlaps(boxes)
            if clash:
                a, b = clash[0]
                raise TextOverlapError(
                    f"figure {name!r}: the texts {_short(a)!r} and {_short(b)!r} overlap "
                    f"(and {len(clash) - 1} more pair(s)); move or wrap one of them")
            mpl.rcParams["svg.fonttype"] = "none"  # text stays text: searchable, selectable
            fig.savefig(temps["svg"], format="svg",
                        metadata={"Date": None, "Creator": None, "Title": title or None})
        temps["svg"].write_bytes(_svg_embed_font(
            _svg_title_desc(temps["svg"].read_bytes(), title, desc)))
        data.to_csv(temps["csv"], index=False, encoding="utf-8", lineterminator="\n")

        paths = {ext: target_dir / f"{name}.{ext}" for ext in temps}
        for ext, tmp in temps.items():
            tmp.replace(paths[ext])
        temps.clear()
        return paths
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        plt.close(fig)
