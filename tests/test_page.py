"""Tests for debao_audit.page: the annotated article (built into tmp_path, never the repo)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest

from debao_audit import checks, data, page
from debao_audit.style import VERDICT_COLOURS

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: Chromium writes every page console message to stderr as "...:INFO:CONSOLE:1] "msg", source: ..."
#: (older builds: "INFO:CONSOLE(1)"), at INFO whatever the message's level: console.error,
#: console.log and uncaught exceptions look alike.  The page has no script, so any console
#: line at all is a failure.
CONSOLE_LINE = re.compile(r":CONSOLE[:(]\d+")


# --------------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def inputs():
    figs = checks.load_figures()
    claims = list(figs.claims.values())
    return figs.text, claims, checks.run(figs)


@pytest.fixture(scope="module")
def html(inputs) -> str:
    return page.build_page(*inputs)


@pytest.fixture(scope="module")
def tree(html):
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    return page.write_page(tmp_path_factory.mktemp("page") / "annotated_article.html")


def _marks(tree) -> dict[str, object]:
    return {m.get("id")[len("claim-"):]: m for m in tree.iter("mark")}


def _mark_text(mark) -> str:
    """The mark's own text: the article's characters, without symbol, hidden label or popover."""
    parts = [mark.text or ""]
    for child in mark:
        if child.tag == "span" and not child.get("class"):  # an anchor for a merged claim
            parts.append(child.tail or "")
        elif "sym" in (child.get("class") or ""):
            break
    return "".join(parts)


# ------------------------------------------------------------------------------- structure

def test_every_claim_has_exactly_one_anchor_and_a_mark(html, tree, inputs):
    _, claims, _ = inputs
    listed = {cid for m in tree.iter("mark") for cid in m.get("data-claims").split()}
    for c in claims:
        assert html.count(f'id="claim-{c.id}"') == 1, c.id
        assert c.id in listed, c.id
    assert len(listed) == len(claims)


def test_every_check_appears_in_the_table(html, inputs):
    _, _, results = inputs
    for r in results:
        assert f'id="check-{r.check.check_id}"' in html, r.check.check_id
        assert f'href="#check-{r.check.check_id}"' in html or not r.check.claims


def test_table_links_every_claim_of_every_check(tree, inputs):
    _, _, results = inputs
    rows = {tr.get("id"): tr for tr in tree.iter("tr") if tr.get("id")}
    for r in results:
        hrefs = {a.get("href") for a in rows[f"check-{r.check.check_id}"].iter("a")}
        assert hrefs == {f"#claim-{c}" for c in r.check.claims}


def test_marks_sit_on_the_written_figure_inside_the_quote(tree, inputs):
    text, claims, _ = inputs
    marks = _marks(tree)
    for c in claims:
        mark = next(m for cid, m in marks.items() if c.id in m.get("data-claims").split())
        assert c.written in _mark_text(mark), (c.id, _mark_text(mark))
    lo, hi = page.body_bounds(text)
    for m in page.locate_marks(text, claims):
        assert lo <= m.start < m.end <= hi
        for cid in m.claims:
            c = next(x for x in claims if x.id == cid)
            q = text.index(c.quote)
            assert q <= m.start and m.end <= q + len(c.quote)


def test_a_figure_is_found_as_a_whole_token_not_inside_another_number(inputs):
    """'0' in '21.11%\u964d\u81f30' is the final 0, not the 0 of 2015 before it."""
    text, claims, _ = inputs
    zero = next(c for c in claims if c.written == "0")
    m = next(m for m in page.locate_marks(text, claims) if zero.id in m.claims)
    assert text[m.start:m.end] == "0"
    assert not text[m.start - 1].isdigit() and not text[m.end].isdigit()


def test_mark_attributes_colour_and_symbol(tree, inputs):
    _, claims, results = inputs
    used = page.claim_verdicts(claims, results)
    for cid, m in _marks(tree).items():
        ids = m.get("data-claims").split()
        worst = page.worst([r.verdict for i in ids for r in used[i]])
        assert m.get("tabindex") == "0"
        assert f"v-{worst}" in m.get("class").split()
        sym = next(s for s in m.iter("span") if s.get("class") == "sym")
        assert sym.text == page.SYMBOLS[worst]
        pop = next(s for s in m.iter("span") if s.get("class") == "pop")
        assert m.get("aria-describedby") == pop.get("id")


def test_severity_order():
    assert page.worst(["consistent", "inconsistent", "not_checkable"]) == "inconsistent"
    assert page.worst(["not_checkable", "within_rounding", "consistent"]) == "within_rounding"
    assert page.worst(["not_checkable", "consistent"]) == "consistent"
    assert page.worst(["not_checkable"]) == "not_checkable"
    assert page.worst([]) == "none"


def test_popover_holds_reading_and_every_check(tree, inputs):
    _, claims, results = inputs
    used = page.claim_verdicts(claims, results)
    marks = _marks(tree)
    for c in claims:
        mark = next(m for m in marks.values() if c.id in m.get("data-claims").split())
        pop = "".join(next(s for s in mark.iter("span") if s.get("class") == "pop").itertext())
        for piece in (c.written, c.en, data.interval_text(c), f"{c.value} {c.unit}"):
            assert piece in pop, (c.id, piece)
        if not used[c.id]:
            assert "Not in any check" in pop
            assert "v-none" in mark.get("class")
        for r in used[c.id]:
            row = r.row()
            for piece in (r.check.check_id, r.title, row["reported"], row["implied"],
                          r.assumption, row["explanation"]):
                assert piece in pop, (c.id, r.check.check_id, piece)
            if r.verdict == "inconsistent" and row["reconcile"]:
                assert row["reconcile"] in pop


def test_popover_is_css_only(html):
    """No script; the popover opens on hover, on keyboard focus and as a link target."""
    assert "<script" not in html.lower()
    css = html[html.index("<style>"):html.index("</style>")]
    for state in (":hover .pop", ":focus .pop", ":focus-within .pop", ":target .pop"):
        assert state in css
    assert re.search(r"\.pop\{display:none", css)


def test_legend_counts(tree, inputs):
    _, claims, results = inputs
    legend = next(u for u in tree.iter("ul") if u.get("class") == "legend")
    items = {li.get("class"): "".join(li.itertext()) for li in legend}
    for v in checks.VERDICTS:
        n = sum(r.verdict == v for r in results)
        assert f"({n} check" in items[f"v-{v}"]
    unchecked = sum(1 for ids in page.claim_verdicts(claims, results).values() if not ids)
    assert f"({unchecked} figure" in items["v-none"]


def test_page_reuses_the_figure_palette(html):
    for v, colour in VERDICT_COLOURS.items():
        assert f".v-{v}{{--c:{colour};" in html


def test_header_and_footer(html):
    meta = data.article_meta()
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-Hans\">")
    assert '<meta charset="utf-8">' in html
    assert f'<a href="{meta["url"]}">' in html
    assert meta["license"]["name"] in html
    assert "verification only" in html
    assert "Generated by debao_audit" in html
    assert "(\u5b8c)" in html  # the body runs to its closing mark


def test_body_only_between_dateline_and_end(html, inputs):
    text, _, _ = inputs
    assert "\u641c \u7d22" not in html  # page furniture before the title ("search")
    assert text.splitlines()[-1].strip()[:6] not in html  # licence lines after the body


# ------------------------------------------------------------------------- HTML validity

def test_parses_as_strict_html5(html):
    html5lib.HTMLParser(strict=True).parse(html)


def test_no_external_resources(tree, html):
    """Plain <a href> links only: no script, style sheet, image, frame or font fetched."""
    assert not list(tree.iter("script")) and not list(tree.iter("link"))
    for tag in ("img", "iframe", "object", "embed", "video", "audio", "source"):
        assert not list(tree.iter(tag)), tag
    for el in tree.iter():
        for attr, value in el.attrib.items():
            if attr in ("src", "srcset", "data", "poster", "action", "formaction", "href",
                        "style"):
                if el.tag == "a" and attr == "href":
                    continue
                assert "http" not in value and "url(" not in value, (el.tag, attr, value)
    css = "".join("".join(s.itertext()) for s in tree.iter("style"))
    assert "url(" not in css and "@import" not in css and "http" not in css


def test_text_is_escaped(inputs):
    text, claims, results = inputs
    nasty = '<b onclick="x">A & "B"</b>'
    first = dataclasses.replace(claims[0], en=nasty)
    out = page.build_page(text, [first, *claims[1:]], results)
    assert nasty not in out
    assert "&lt;b onclick=&quot;x&quot;&gt;A &amp; &quot;B&quot;&lt;/b&gt;" in out
    html5lib.HTMLParser(strict=True).parse(out)


def test_claims_on_the_same_span_share_one_mark(inputs):
    text, claims, results = inputs
    twin = dataclasses.replace(claims[1], id=claims[1].id + "_twin")
    out = page.build_page(text, [*claims, twin], results)
    html5lib.HTMLParser(strict=True).parse(out)
    tree = html5lib.parse(out, treebuilder="etree", namespaceHTMLElements=False)
    shared = [m for m in tree.iter("mark") if twin.id in m.get("data-claims").split()]
    assert len(shared) == 1
    assert shared[0].get("data-claims") == f"{claims[1].id} {twin.id}"
    assert shared[0].get("id") == f"claim-{claims[1].id}"
    assert out.count(f'id="claim-{twin.id}"') == 1
    assert len(list(tree.iter("mark"))) == len(claims)


def test_a_quote_outside_the_body_is_an_error(inputs):
    text, claims, results = inputs
    title_only = dataclasses.replace(claims[0], quote="\u4e2d\u65b0\u7f51\u5e7f\u897f\u65b0\u95fb\u6b63\u6587",
                                     written="\u4e2d")
    with pytest.raises(ValueError, match="not in the article body"):
        page.build_page(text, [title_only], results)


# ---------------------------------------------------------------------------- determinism

def test_build_is_deterministic(html, inputs):
    assert page.build_page(*inputs) == html


def test_write_page_is_deterministic_and_atomic(page_file, tmp_path, html):
    again = page.write_page(tmp_path / "again.html")
    assert again.read_bytes() == page_file.read_bytes()
    assert page_file.read_text(encoding="utf-8") == html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.html"]  # no temp file left


def test_default_path():
    assert page.DEFAULT_PATH == data.FIGURES / "annotated_article.html"


def test_committed_page_is_current(html):
    committed = data.ROOT / "figures" / "annotated_article.html"
    if not committed.exists():
        pytest.skip(f"{committed.relative_to(data.ROOT)} not written yet: run `make`")
    assert committed.read_text(encoding="utf-8") == html, (
        f"{committed.relative_to(data.ROOT)} is out of date: rebuild it with `make` "
        "(or python -c 'from debao_audit import page; page.write_page()')")


# -------------------------------------------------------------------------------- browser

def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("chromium not installed: apt-get install chromium (done by .ci/run)")
    return found


def _render(html_file: Path, workdir: Path) -> tuple[subprocess.CompletedProcess, Path]:
    png = workdir / "page.png"
    cmd = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={workdir / 'profile'}",
           f"--screenshot={png}", "--window-size=1280,2000", "--enable-logging=stderr", "--v=0",
           html_file.resolve().as_uri()]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL, errors="replace")
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"chromium did not finish in 60 s: {e}")
    return proc, png


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE_LINE.search(line)]


def test_chromium_renders_the_page(page_file, tmp_path):
    from PIL import Image

    proc, png = _render(page_file, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert png.is_file() and png.stat().st_size > 0, proc.stderr[-3000:]
    assert console_lines(proc.stderr) == []
    with Image.open(png) as im:
        rgb = im.convert("RGB")
    assert rgb.size == (1280, 2000)
    colours = rgb.getcolors(maxcolors=1 << 24)
    assert len(colours) > 200, "blank or nearly blank render"
    white = sum(n for n, c in colours if c == (255, 255, 255))
    assert white < 0.97 * rgb.size[0] * rgb.size[1], "almost all white"
    counts = {c: n for n, c in colours}
    # the marks' underlines and badges are drawn in the verdict colours themselves
    for v in ("consistent", "inconsistent"):
        hexc = VERDICT_COLOURS[v].lstrip("#")
        rgbc = tuple(int(hexc[i:i + 2], 16) for i in (0, 2, 4))
        assert counts.get(rgbc, 0) > 500, f"too few {v} pixels ({VERDICT_COLOURS[v]})"


def test_console_detection_catches_a_deliberate_error(tmp_path):
    """Proves the check above can fail: a page logging an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title>'
                   '</head><body><p>x</p><script>console.error("deliberate-x")</script>'
                   "</body></html>", encoding="utf-8")
    proc, _ = _render(bad, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = console_lines(proc.stderr)
    assert len(lines) == 1 and '"deliberate-x"' in lines[0], proc.stderr[-3000:]
