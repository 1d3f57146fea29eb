"""Tests for debao_audit.style: shipped font, strict glyphs, deterministic output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from debao_audit import style  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "data" / "raw" / "article.txt"
#: Characters that must not be in the subset: a rare hanzi and an emoji.
NOT_IN_SUBSET = ["\N{CJK UNIFIED IDEOGRAPH-9F98}", "\N{GRINNING FACE}"]  # 龘, 😀


@pytest.fixture(autouse=True)
def _isolated_rcparams() -> Iterator[None]:
    """Undo any rcParams change and close all figures after each test."""
    with mpl.rc_context():
        yield
    plt.close("all")


def _demo_figure() -> tuple[plt.Figure, pd.DataFrame]:
    """Build a small bilingual bar chart and return it with its data."""
    data = pd.DataFrame({
        "verdict": list(style.VERDICT_COLOURS),
        # the Chinese and the English on two lines: side by side the long ones would overlap
        "label": [v.replace(" ", "\n", 1) for v in style.VERDICT_LABELS.values()],
        "n": [12, 5, -3, 2, 4],
    })
    fig, ax = style.new_figure("多数数字经得起核验 Most figures check out",
                               "按结论统计 Claims by verdict")
    bars = ax.bar(data["label"], data["n"], color=[style.VERDICT_COLOURS[v] for v in data["verdict"]])
    style.label_bars(ax, bars)
    ax.set_ylabel("声明数 claims")
    style.add_source(fig, "Source: 中新网广西, 2021-02-07; debao-audit")
    return fig, data


def test_font_files_exist_and_are_loaded_by_path() -> None:
    for path in style.FONT_FILES.values():
        assert path.is_file()
        assert path.parent == REPO / "fonts"
        assert font_manager.get_font(path).family_name == style.FONT_FAMILY
    with style.use_style():
        family = mpl.rcParams["font.family"]
        assert family == [style.FONT_FAMILY]
        for weight, key in (("normal", "regular"), ("bold", "bold")):
            props = font_manager.FontProperties(family=family, weight=weight)
            found = font_manager.findfont(props, fallback_to_default=False)
            assert Path(found).samefile(style.FONT_FILES[key])


def test_use_style_restores_previous_rcparams() -> None:
    mpl.rcParams["font.size"] = 7.0
    with style.use_style():
        assert mpl.rcParams["font.size"] == style.BASE_SIZE
        assert mpl.rcParams["svg.fonttype"] == "path"
        assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["font.size"] == 7.0


def test_unicode_minus_matches_font() -> None:
    has_minus = not style.missing_glyphs("\N{MINUS SIGN}")
    with style.use_style():
        assert mpl.rcParams["axes.unicode_minus"] is has_minus


@pytest.mark.parametrize("char", NOT_IN_SUBSET)
@pytest.mark.parametrize("where", ["title", "xlabel"])
def test_missing_glyph_raises_from_save(tmp_path: Path, char: str, where: str) -> None:
    assert style.missing_glyphs(char) == [char], "test character unexpectedly in the subset"
    fig, ax = style.new_figure(f"title {char}" if where == "title" else "title")
    if where == "xlabel":
        ax.set_xlabel(f"label {char}")
    with pytest.raises(style.MissingGlyphError, match=r"figure 'broken'.*missing from font"):
        style.save(fig, "broken", pd.DataFrame({"x": [1]}), outdir=tmp_path)
    assert list(tmp_path.iterdir()) == [], "nothing may be written, not even temp files"
    assert not plt.fignum_exists(fig.number), "save must close the figure"


@pytest.mark.parametrize("dy, overlaps", [(0.0, True), (0.01, True), (0.3, False)])
def test_texts_that_overlap_as_drawn_are_refused(tmp_path: Path, dy: float, overlaps: bool) -> None:
    """Every saved figure is measured: two texts whose drawn boxes overlap are an error naming
    both (nothing written); texts apart are saved."""
    fig, ax = style.new_figure("title")
    ax.text(0.1, 0.5, "150,400人 range 140–160", transform=ax.transAxes)
    ax.text(0.2, 0.5 + dy, "range 3–5%", transform=ax.transAxes)
    ax.set_xticks([0, 1], ["0", "1"])
    ax.set_xlim(0, 0.5)  # the tick at 1 lies outside the view: never drawn, never measured
    if overlaps:
        with pytest.raises(style.TextOverlapError,
                           match=r"figure 'clash': the texts '150,400人 range 140–160' and "
                                 r"'range 3–5%' overlap"):
            style.save(fig, "clash", pd.DataFrame({"x": [1]}), outdir=tmp_path)
        assert list(tmp_path.iterdir()) == []
    else:
        style.save(fig, "clash", pd.DataFrame({"x": [1]}), outdir=tmp_path)
        assert (tmp_path / "clash.png").is_file()
    assert not plt.fignum_exists(fig.number)


def test_save_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        fig, data = _demo_figure()
        outputs.append(style.save(fig, "demo", data, outdir=tmp_path / run))
    first, second = outputs
    for ext in ("png", "svg", "csv"):
        assert first[ext].read_bytes() == second[ext].read_bytes(), ext
    svg = first["svg"].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib" not in svg
    # text stays text, set in the shipped font embedded in the SVG (WOFF subsets as data URLs)
    assert "<text" in svg and svg.count("src:url(data:font/woff;base64,") == 2
    assert f"font-family: '{style.FONT_FAMILY}'" in svg or f"font-family:'{style.FONT_FAMILY}'" in svg
    png = first["png"].read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png


def test_csv_written_beside_figure(tmp_path: Path) -> None:
    fig, data = _demo_figure()
    paths = style.save(fig, "demo", data, outdir=tmp_path)
    assert set(paths) == {"png", "svg", "csv"}
    assert {p.parent for p in paths.values()} == {tmp_path}
    assert {p.name for p in tmp_path.iterdir()} == {"demo.png", "demo.svg", "demo.csv"}
    raw = paths["csv"].read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert raw.decode("utf-8").splitlines()[0] == "verdict,label,n"
    pd.testing.assert_frame_equal(pd.read_csv(paths["csv"], encoding="utf-8"), data)


def test_save_rejects_unsafe_name(tmp_path: Path) -> None:
    fig, data = _demo_figure()
    with pytest.raises(ValueError):
        style.save(fig, "../escape", data, outdir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_default_outdir_is_the_one_output_setting(tmp_path: Path, monkeypatch) -> None:
    """Without *outdir*, save writes to ``debao_audit.data.FIGURES`` (read at call time)."""
    from debao_audit import data

    monkeypatch.setattr(data, "FIGURES", tmp_path / "out")
    fig, frame = _demo_figure()
    paths = style.save(fig, "demo", frame)
    assert {p.parent for p in paths.values()} == {tmp_path / "out"}


def test_default_outdir_follows_the_output_setting() -> None:
    """Figures go where the one output setting says (under the tests: a temporary directory)."""
    from debao_audit import data

    assert style.FIGURES_DIR == data.FIGURES == data.OUTPUT / "figures"
    assert not style.FIGURES_DIR.is_relative_to(REPO), "the tests must not write the checkout"


def test_seaborn_theme_then_shipped_font_and_palette() -> None:
    """use_style applies seaborn's theme, then the shipped font and the palette over it."""
    import seaborn as sns

    with style.use_style():
        theme = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook")}
        ours = style.rc_params()
        for key, value in theme.items():
            if key not in ours and key in mpl.rcParams:
                assert mpl.rcParams[key] == value, key
        assert mpl.rcParams["font.family"] == [style.FONT_FAMILY]
        assert [to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]] == \
            [to_hex(c) for c in style.CYCLE]


def test_seaborn_chart_uses_shipped_font(tmp_path: Path) -> None:
    import seaborn as sns

    frame = pd.DataFrame({"verdict": ["一致 consistent", "不一致 inconsistent"], "n": [3, 1]})
    fig, ax = style.new_figure("海生 seaborn")
    sns.barplot(data=frame, x="verdict", y="n", hue="verdict", ax=ax, legend=False)
    fig.canvas.draw()
    for label in ax.get_xticklabels():
        found = font_manager.findfont(label.get_fontproperties(), fallback_to_default=False)
        assert Path(found).samefile(style.FONT_FILES["regular"])
    style.save(fig, "sns", frame, outdir=tmp_path)


def test_titles_on_a_seaborn_grid(tmp_path: Path) -> None:
    import seaborn as sns

    style.use_style()
    frame = pd.DataFrame({"panel": ["a", "a", "b"], "item": ["x", "y", "x"], "n": [1, 2, 3]})
    g = sns.catplot(data=frame, kind="bar", x="n", y="item", col="panel", errorbar=None)
    style.add_titles(g.figure, "标题 Title", "副标题 subtitle")
    assert g.figure._suptitle.get_text() == "标题 Title"
    style.save(g.figure, "grid", frame, outdir=tmp_path)


def test_verdict_colours_distinct_and_complete() -> None:
    keys = {"consistent", "within_rounding", "inconsistent", "tension", "not_checkable"}
    assert set(style.VERDICT_COLOURS) == keys
    assert set(style.VERDICT_LABELS) == keys
    colours = {to_hex(c) for c in style.VERDICT_COLOURS.values()}
    assert len(colours) == len(keys)
    assert colours <= {to_hex(c) for c in style.PALETTE.values()}
    assert not style.missing_glyphs("".join(style.VERDICT_LABELS.values()))


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_every_article_character_renders(tmp_path: Path, weight: str) -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    assert style.missing_glyphs(text, weight) == []
    fig, _ = style.new_figure("全文 article", figsize=(9, 40))
    fig.text(0.01, 0.98, text, va="top", fontsize=6, wrap=False, parse_math=False,
             fontweight="bold" if weight == "bold" else "normal")
    paths = style.save(fig, f"article-{weight}", pd.DataFrame({"text": [text]}), outdir=tmp_path)
    assert paths["png"].stat().st_size > 0


@pytest.mark.parametrize("text", ["US$5 and US$6", r"a $\frac{$ b", r"$\undefined$"])
def test_text_from_data_is_never_maths(text: str) -> None:
    """Sources, quotes and glosses reach matplotlib as written: a pair of "$" is not maths
    ("US$5 and US$6" would be italic "US5andUS6"), and invalid TeX cannot fail a figure."""
    with style.use_style():
        fig, _ = plt.subplots()
        note = style.add_source(fig, text)
        fig.canvas.draw()                      # invalid TeX would raise here
        assert note._preprocess_math(note.get_text()) == (text, False)
        assert note.get_window_extent().width > 0


def test_the_shipped_font_covers_every_case_and_repository_text() -> None:
    """Every character tools/subset_font.py scans (every case's article, claims and relations,
    the package's text, the notebooks' strings, data/) is in both shipped subsets, so a figure
    or page of any case in the repository never meets a missing glyph.  Fails when a case or a
    notebook gains a character and the font was not re-subset (tools/subset_font.py)."""
    from tools import subset_font

    text = "".join(t for _, t in subset_font.repository_texts())
    # Characters the source font itself lacks are drawn by no font (superscript digits): the
    # subsetter warns about them; nothing in a case's text may need them.
    lacking = {"\u2075", "\u2078"}
    for weight in ("regular", "bold"):
        assert sorted(set(style.missing_glyphs(text, weight)) - lacking) == []
    cases = Path(__file__).resolve().parents[1] / "cases"
    case_text = "".join(p.read_text(encoding="utf-8") for p in cases.rglob("*")
                        if p.is_file() and p.suffix in (".txt", ".csv", ".json"))
    assert case_text and style.missing_glyphs(case_text) == []


# ------------------------------------------------------------------ the font-subset cache

@pytest.fixture()
def font_cache(tmp_path: Path, monkeypatch) -> Path:
    """A private, empty font-subset cache, and the in-process memo cleared around the test."""
    where = tmp_path / "font-cache"
    monkeypatch.setenv(style.FONT_CACHE_ENV, str(where))
    style.font_subset.cache_clear()
    yield where
    style.font_subset.cache_clear()


REGULAR = str(style.FONT_FILES["regular"])


def test_a_cached_subset_is_the_subset_made_afresh(font_cache: Path, monkeypatch) -> None:
    first = style.font_subset(REGULAR, "德保县收入", "woff")
    (entry,) = font_cache.iterdir()
    assert entry.suffix == ".woff" and entry.read_bytes() == first
    style.font_subset.cache_clear()
    assert style.font_subset(REGULAR, "德保县收入", "woff") == first        # read back
    monkeypatch.setenv(style.FONT_CACHE_ENV, "")                          # no cache at all
    style.font_subset.cache_clear()
    assert style.font_subset(REGULAR, "德保县收入", "woff") == first


def test_the_cache_key_follows_characters_flavour_and_font_bytes(font_cache: Path,
                                                                 tmp_path: Path) -> None:
    key = style._font_cache_key
    base = key(REGULAR, "德保", "woff")
    assert base == key(REGULAR, "德保", "woff")
    assert len({base, key(REGULAR, "德保县", "woff"), key(REGULAR, "德保", "woff2")}) == 3
    copy = tmp_path / "font.otf"
    blob = bytearray(Path(REGULAR).read_bytes())
    copy.write_bytes(blob)
    same = key(str(copy), "德保", "woff")
    assert same == base                                   # the same bytes, another path
    blob[-1] ^= 1
    copy.write_bytes(blob)
    os.utime(copy, ns=(1, 1))                             # a new stat: the bytes are read again
    assert key(str(copy), "德保", "woff") != base


@pytest.mark.parametrize("damage", ["not a font", "truncated"])
def test_a_broken_entry_is_made_again(font_cache: Path, damage: str) -> None:
    good = style.font_subset(REGULAR, "扶贫", "woff2")
    (entry,) = font_cache.iterdir()
    entry.write_bytes(b"not a font" if damage == "not a font" else good[:len(good) // 2])
    style.font_subset.cache_clear()
    assert style.font_subset(REGULAR, "扶贫", "woff2") == good
    assert entry.read_bytes() == good


def test_a_killed_writers_temporary_file_goes_later(font_cache: Path) -> None:
    font_cache.mkdir()
    old, fresh = font_cache / ".old.tmp", font_cache / ".fresh.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    os.utime(old, (1, 1))
    style.font_subset(REGULAR, "帮扶", "woff")
    assert not old.exists() and fresh.exists()


def test_an_unwritable_cache_is_no_cache(font_cache: Path, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(style.FONT_CACHE_ENV, str(blocker / "font-cache"))   # cannot be made
    assert style.font_subset(REGULAR, "协作", "woff").startswith(b"wOFF")
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_the_cache_keeps_its_newest_entries(font_cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(style, "FONT_CACHE_ENTRIES", 2)
    for i, chars in enumerate(("一", "二", "三"), start=1):
        style.font_subset(REGULAR, chars, "woff")
        # the new entry dated i seconds after the epoch: one apart, whatever the clock's grain
        entry = font_cache / f"{style._font_cache_key(REGULAR, chars, 'woff')}.woff"
        os.utime(entry, ns=(10**9 * i, 10**9 * i))
    names = {p.name for p in font_cache.iterdir()}
    assert len(names) == 2
    assert f"{style._font_cache_key(REGULAR, '一', 'woff')}.woff" not in names


def test_the_default_cache_is_under_the_output_setting(monkeypatch) -> None:
    monkeypatch.delenv(style.FONT_CACHE_ENV, raising=False)
    assert style.font_cache_dirs() == [style._data.OUTPUT / ".build" / "font-cache"]
    monkeypatch.setenv(style.FONT_CACHE_ENV, "")
    assert style.font_cache_dirs() == []


def test_new_subsets_go_to_the_first_cache_and_all_are_read(font_cache: Path, tmp_path: Path,
                                                           monkeypatch) -> None:
    """As under the tests: their own cache first (written), make's second (only read)."""
    own, shared = tmp_path / "own", tmp_path / "shared"
    monkeypatch.setenv(style.FONT_CACHE_ENV, f"{own}{os.pathsep}{shared}")
    made = style.font_subset(REGULAR, "南山", "woff")
    name = f"{style._font_cache_key(REGULAR, '南山', 'woff')}.woff"
    assert [p.name for p in own.iterdir()] == [name] and not shared.exists()
    shared.mkdir()
    (own / name).rename(shared / name)
    style.font_subset.cache_clear()
    assert style.font_subset(REGULAR, "南山", "woff") == made        # found in the second
    assert list(own.iterdir()) == []                                # and not copied
