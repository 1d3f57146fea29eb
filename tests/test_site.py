"""`make site`: tools/build_site.py builds the shareable site into a temporary directory, and
headless Chromium opens every page of it: no console error, no failed request, no broken local
link or anchor, every image loaded."""

from __future__ import annotations

import importlib
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from debao_audit import data, page

ROOT = data.ROOT
#: The committed outputs (the tests' own output directory is a temporary one).
FIGURES = ROOT / "figures"


def _load_tool():
    mod = importlib.import_module("tools.build_site")
    return mod


build_site = _load_tool()


# The site is built once per run, by this fixture; every test that reads it is marked browser
# (`make test-browser`, run by .ci/run after `make test`), beside the one that opens every page
# in Chromium, so the build is not repeated in `make test`.  The tests of the tool's parts that
# need no built site run in `make test`.
@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if not (FIGURES / "annotated_article.html").is_file():
        pytest.skip("outputs not built: run make")
    out = tmp_path_factory.mktemp("site") / "site"
    t0 = time.perf_counter()
    build_site.build(out, FIGURES, solutions=True)  # the teacher's site: every page
    elapsed = time.perf_counter() - t0
    assert elapsed < 120, f"the site took {elapsed:.0f} s to build"
    return out


# ------------------------------------------------------------------------------- structure

@pytest.mark.browser  # the built site: make test-browser
def test_index_links_every_notebook_the_page_and_the_gallery(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        assert f'href="notebooks/{nb.stem}.html"' in index, nb.name
        assert (site / "notebooks" / f"{nb.stem}.html").is_file()
    for nb in sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb")):
        assert f'href="notebooks/solutions/{nb.stem}.html"' in index, nb.name
    assert 'href="figures/annotated_article.html"' in index
    names = [n for n, _ in build_site.gallery()]
    assert names, "no gallery figures found in the README"
    for n in names:
        assert f'src="figures/thumbs/{n}.png"' in index and f'href="figures/{n}.png"' in index
        for ext in ("png", "svg", "csv"):  # full size and downloads, as committed
            assert f'href="figures/{n}.{ext}" download' in index
            assert (site / "figures" / f"{n}.{ext}").read_bytes() == (FIGURES / f"{n}.{ext}").read_bytes()


# ------------------------------------------------------------------------ the public edition

def _outside_quotes() -> list[str]:
    """Runs of the article's body (12 characters or more) that no claim quotes."""
    from debao_audit import page

    text = data.load_article()
    lo, hi = page.body_bounds(text)
    body = text[lo:hi]
    covered = [False] * len(body)
    for c in data.load_claims(article=text):
        for a, b in data.spans_of(body, c.quote):
            covered[a:b] = [True] * (b - a)
    runs = "".join("\n" if cov else ch for ch, cov in zip(body, covered)).split("\n")
    return [r.strip() for r in runs if len(r.strip()) >= 12]


@pytest.mark.browser  # the built site: make test-browser
def test_the_default_site_is_the_public_edition(site):
    """The page carries the article's figures quoted in context, not its text: no run of the
    article's body outside the quotes is on any page; the index says which edition it is."""
    runs = _outside_quotes()
    assert len(runs) > 10
    built = (site / "figures" / "annotated_article.html").read_text(encoding="utf-8")
    assert 'class="quotes"' in built and 'class="rights"' not in built
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Public edition" in index and "noindex" not in index
    for f in site.rglob("*.html"):
        body = f.read_text(encoding="utf-8")
        assert [r for r in runs if r in body] == [], f.name


def test_full_text_edition_shows_the_rights_notice(tmp_path, monkeypatch):
    # the annotated article and the index are under test; the notebooks' pages, the other
    # cases' pages and the fonts are built (and tested) with the whole site in test-browser
    monkeypatch.setattr(build_site, "convert_notebooks", lambda *a, **k: [])
    monkeypatch.setattr(build_site, "write_cases", lambda *a, **k: [])
    monkeypatch.setattr(build_site, "write_fonts", lambda out: None)
    monkeypatch.setattr(build_site, "_thumb", lambda src, out: (640, 480))
    monkeypatch.setattr(build_site, "share_image", lambda src, out: None)
    out = build_site.build(tmp_path / "site", FIGURES, full_text=True)
    built = (out / "figures" / "annotated_article.html").read_text(encoding="utf-8")
    runs = _outside_quotes()
    assert all(r in built for r in runs)  # the whole text (the public check above can fail)
    assert 'class="rights"' in built and "noindex" in built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "private class use" in index and "noindex" in index


def test_make_site_passes_full_text_through():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--full-text" in make and "FULL_TEXT" in make
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make site FULL_TEXT=1" in readme and "](docs/site.md)" in readme
    page = (ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    assert "make site FULL_TEXT=1" in page and "public edition" in page


# --------------------------------------------------------------------------------- the index

@pytest.mark.browser  # the built site: make test-browser
def test_page_weights_are_within_budget(site):
    """The index with everything it loads at most 800 KB; any page at most 1.5 MB (HTML, images
    (lazy ones counted too), stylesheets and their fonts, each file once)."""
    weights = {str(p.relative_to(site)): build_site.page_weight(p) for p in site.rglob("*.html")}
    assert weights["index.html"] <= build_site.INDEX_BUDGET, weights["index.html"]
    over = {k: v for k, v in weights.items() if v > build_site.PAGE_BUDGET}
    assert over == {}


def test_page_weight_can_fail(tmp_path):
    (tmp_path / "big.png").write_bytes(b"x" * 2000)
    (tmp_path / "f.woff2").write_bytes(b"x" * 500)
    (tmp_path / "s.css").write_text('@font-face{src:url(f.woff2)}', encoding="utf-8")
    page = tmp_path / "p.html"
    page.write_text('<link rel="stylesheet" href="s.css"><img src="big.png"><img src="big.png">'
                    '<img src="data:image/png;base64,AAAA">', encoding="utf-8")
    assert build_site.page_weight(page) == page.stat().st_size + 2000 + 500 + 28


@pytest.mark.browser  # the built site: make test-browser
def test_index_leads_with_the_finding_and_the_lead_figure(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    lead = index[index.index('id="finding"'):index.index('id="notebooks"')]
    first = build_site.gallery()[0][0]
    assert f'src="figures/thumbs/{first}.png"' in lead
    for en, _ in build_site.lead_statements(ROOT / "data" / "processed"):
        assert build_site.html.escape(en) in lead
    assert index.index('id="finding"') < index.index('id="notebooks"')


def test_lead_comes_from_findings_csv_when_there_is_one(tmp_path):
    import shutil

    shutil.copy(ROOT / "data" / "processed" / "checks.csv", tmp_path / "checks.csv")
    from_checks = build_site.lead_statements(tmp_path)
    assert from_checks and all(zh == "" for _, zh in from_checks)
    (tmp_path / "findings.csv").write_text(
        "finding_id,statement_en,statement_zh\nf1,The 9.2% is the odd one out.,9.2%不对。\n",
        encoding="utf-8")
    assert build_site.lead_statements(tmp_path) == [("The 9.2% is the odd one out.", "9.2%不对。")]


@pytest.mark.browser  # the built site: make test-browser
def test_cards_thumbnails_and_alt_texts(site):
    """Cards are titled in words (the figure's own title, never its file name); thumbnails are
    at most 640 px wide, lazy below the lead, linked to the full-size PNG; every image on every
    page has alt text, none nbconvert's placeholder; each card's alt text is the figure's own
    title and subtitle."""
    from PIL import Image

    from debao_audit.style import read_titles

    index = (site / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<figure><a href="figures/([\w.-]+)\.png"><img ([^>]*)></a>'
                       r'<figcaption><h3>([^<]*)</h3>', index)
    assert len(cards) == len(build_site.gallery())
    for i, (name, attrs, title) in enumerate(cards):
        t, desc = read_titles(FIGURES / f"{name}.png")
        assert t and build_site.html.unescape(title) == t and title != name
        alt = build_site.html.unescape(re.search(r'alt="([^"]*)"', attrs).group(1))
        assert alt.startswith(t.rstrip(".")) and (not desc or desc in alt)
        assert ('loading="lazy"' in attrs) == (i > 0)
        with Image.open(site / "figures" / "thumbs" / f"{name}.png") as im:
            assert im.width <= 640
            assert f'width="{im.width}" height="{im.height}"' in attrs
    for f in site.rglob("*.html"):
        body = f.read_text(encoding="utf-8")
        assert build_site.NO_ALT not in body, f.name
        imgs = re.findall(r"<img\b[^>]*>", body)
        assert all(re.search(r'\balt="[^"]+"', i) for i in imgs), f.name


@pytest.mark.browser  # the built site: make test-browser
def test_open_graph_and_share_image(site):
    from PIL import Image

    index = (site / "index.html").read_text(encoding="utf-8")
    for prop in ("og:title", "og:description", "og:image", "og:type", "og:image:alt"):
        assert re.search(rf'<meta property="{prop}" content="[^"]+">', index), prop
    with Image.open(site / "share.png") as im:
        assert im.size == build_site.SHARE_SIZE


@pytest.mark.browser  # the built site: make test-browser
def test_no_page_fetches_anything_from_the_network(site):
    """Links to other sites are fine; scripts, styles, images and frames come from the site."""
    for f in sorted(site.rglob("*.html")):
        text = f.read_text(encoding="utf-8")
        fetched = re.findall(r'<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)="(https?:[^"]*)"', text)
        assert fetched == [], (f.name, fetched)


def test_links_between_notebooks_point_at_their_pages():
    body = '<a href="solutions/01-x-solutions.ipynb">s</a><a href="02-y.ipynb#sec">n</a><a href="https://e.org/z.ipynb">e</a>'
    out = build_site.link_pages(body)
    assert out == ('<a href="solutions/01-x-solutions.html">s</a><a href="02-y.html#sec">n</a>'
                   '<a href="https://e.org/z.ipynb">e</a>')


@pytest.mark.browser  # the built site: make test-browser
def test_math_is_rendered_not_left_as_tex(site):
    assert build_site.render_math("a $x^2$ b") != "a $x^2$ b"
    assert build_site.render_math("costs $5 and $6") == "costs $5 and $6"
    for f in sorted((site / "notebooks").rglob("*.html")):
        text = re.sub(r"<pre.*?</pre>|<code.*?</code>|<img[^>]*>", "", f.read_text(encoding="utf-8"), flags=re.S)
        assert "$$" not in text, f.name


@pytest.mark.browser  # the built site: make test-browser
def test_build_replaces_the_site_only_when_complete(site, tmp_path, monkeypatch):
    out = tmp_path / "site"
    out.mkdir()
    # a previous copy of the site (a foreign folder is refused before anything: test_targets)
    for name in ("index.html", "site.css", "old.txt"):
        (out / name).write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("deliberate")

    monkeypatch.setattr(build_site, "convert_notebooks", boom)
    with pytest.raises(RuntimeError):
        build_site.build(out, FIGURES)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary directory left
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "old.txt", "site.css"]
    assert all(p.read_text(encoding="utf-8") == "old" for p in out.iterdir())


# --------------------------------------------------------------------------------- browser

# the headless Chromium fixture `browser` is shared: tests/conftest.py


_COLLECT = """() => ({
  links: [...document.querySelectorAll('a[href], link[href]')].map(a => a.getAttribute('href')),
  sources: [...document.querySelectorAll('img[src], iframe[src], script[src]')].map(e => e.getAttribute('src')),
  images: [...document.querySelectorAll('img')].map(i => ({src: (i.getAttribute('src') || '').slice(0, 60),
                                                            ok: i.complete && i.naturalWidth > 0})),
  ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.getAttribute('name')),
})"""


_CJK_FONT_USED = """async () => {
  await document.fonts.ready;
  const text = document.body.innerText;
  const cjk = /[\\u3400-\\u9fff]/.test(text);
  const loaded = [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, ''));
  return {cjk, loaded};
}"""


def _ids_of(path: Path, cache: dict) -> set[str]:
    if path not in cache:
        text = path.read_text(encoding="utf-8")
        cache[path] = set(re.findall(r'\bid="([^"]+)"', text)) | set(re.findall(r'\bname="([^"]+)"', text))
    return cache[path]


def check_page(browser, path: Path, root: Path, cache: dict) -> list[str]:
    """Problems found opening one page: console errors and warnings, uncaught exceptions,
    failed requests, local links to missing files or anchors, images that did not load, and
    (except the annotated article under figures/, which embeds its own) Chinese text not set in
    the site's CJK subset (fonts/cjk.woff2: the reader needs no Chinese font)."""
    problems: list[str] = []
    pg = browser.new_page(viewport={"width": 1280, "height": 900})
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
          if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    pg.on("requestfailed", lambda r: problems.append(f"request failed: {r.url[:80]} {r.failure}"))
    pg.goto(path.resolve().as_uri(), wait_until="load")
    # lazy images below the fold: load them too, then look
    pg.evaluate("""() => Promise.all([...document.querySelectorAll('img[loading=lazy]')].map(i => {
      i.loading = 'eager';
      return i.complete ? null : new Promise(r => { i.onload = i.onerror = r; });
    }))""")
    found = pg.evaluate(_COLLECT)
    fonts = pg.evaluate(_CJK_FONT_USED)
    pg.close()
    # an annotated article (the main one under figures/, a case's under cases/<slug>/) is
    # self-contained: it embeds its own subset of the font instead of the site's
    own = path.name == "annotated_article.html"
    expected = page.PAGE_FONT if own else build_site.SITE_FONT
    if fonts["cjk"] and expected not in fonts["loaded"]:
        problems.append(f"Chinese text without the {'page' if own else 'site'}'s font: "
                        f"loaded {fonts['loaded']}")
    for img in found["images"]:
        if not img["ok"]:
            problems.append(f"image not loaded: {img['src']}")
    for ref in found["links"] + found["sources"]:
        parts = urlsplit(ref)
        if parts.scheme in ("http", "https", "mailto", "data"):
            continue
        target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
        if not target.is_file():
            problems.append(f"broken link: {ref}")
        elif not target.is_relative_to(root.resolve()):
            problems.append(f"link leaves the site: {ref}")
        elif parts.fragment and target.suffix == ".html" and parts.fragment not in (
                set(found["ids"]) if target == path else _ids_of(target, cache)):
            problems.append(f"broken anchor: {ref}")
    return problems


def test_every_page_opens_cleanly(browser, site):
    """Each page opened once: everything check_page looks for, the site's CJK font included."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 10  # index, 8 notebooks (and their solutions), the annotated article
    cache: dict = {}
    problems = {str(p.relative_to(site)): check_page(browser, p, site, cache) for p in pages}
    assert {k: v for k, v in problems.items() if v} == {}


def test_page_check_can_fail(browser, tmp_path):
    root = tmp_path / "bad"
    root.mkdir()
    bad = root / "index.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
                   '<a href="missing.html">a</a><a href="#nowhere">b</a><a href="index.html#top">c</a>'
                   '<img src="missing.png" alt="x"><p id="top">t 德保</p>'
                   '<script>console.error("deliberate")</script></body></html>', encoding="utf-8")
    problems = check_page(browser, bad, root, {})
    text = "\n".join(problems)
    assert "broken link: missing.html" in text
    assert "broken anchor: #nowhere" in text
    assert "index.html#top" not in text
    assert "image not loaded" in text
    assert "deliberate" in text
    assert "Chinese text without the site's font" in text
