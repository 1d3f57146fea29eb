"""Tests for debao_audit.page: the annotated article (built into tmp_path, never the repo)."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

import html5lib
import pytest

from debao_audit import findings, checks, data, page
from debao_audit.style import VERDICT_COLOURS

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


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


@pytest.fixture(scope="module")
def edition_file(tmp_path_factory, page_file):
    """``edition_file(edition)``: the page of that edition written once (the full one is
    ``page_file``)."""
    written = {"full": page_file}

    def get(edition: str) -> Path:
        if edition not in written:
            written[edition] = page.write_page(tmp_path_factory.mktemp("pg") / "p.html",
                                               edition=edition)
        return written[edition]
    return get


def _marks(tree) -> dict[str, object]:
    return {m.get("id")[len("claim-"):]: m for m in tree.iter("mark")}


def _svg(el, tag: str) -> list:
    """SVG descendants by local name (html5lib puts them in the SVG namespace)."""
    return [x for x in el.iter() if isinstance(x.tag, str) and x.tag.endswith("}" + tag)]


def _mark_text(mark) -> str:
    """The mark's own text: the article's characters, without symbol, hidden label or popover."""
    button = next(b for b in mark if b.tag == "button")
    return button.text or ""


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
    """Each mark shows its verdict three ways: colour class, symbol (an SVG icon, one shape per
    verdict) and a word for screen readers."""
    _, claims, results = inputs
    used = page.claim_verdicts(claims, results)
    atts = page.attribute(results)
    for cid, m in _marks(tree).items():
        ids = m.get("data-claims").split()
        worst = page.worst([page.mark_verdict(i, used[i], atts) for i in ids if used[i]])
        assert f"v-{worst}" in m.get("class").split()
        sym = next(s for s in m.iter("span") if s.get("class") == "sym")
        assert sym.get("aria-hidden") == "true" and sym.get("data-verdict") == worst
        assert [u.get("href") for u in _svg(sym, "use")] == [f"#i-{worst}"]
        hidden = next(s for s in m.iter("span") if s.get("class") == "vh")
        assert page._label(worst) in hidden.text
        pop = next(s for s in m.iter("span") if s.get("class") == "pop")
        button = next(b for b in m if b.tag == "button")  # the mark's one control: a button
        assert button.get("class") == "figbtn" and button.get("type") == "button"
        assert button.get("aria-expanded") == "false"
        assert button.get("aria-controls") == pop.get("id")
        close = next(b for b in pop.iter("button") if b.get("class") == "pclose")
        assert "Close" in close.get("aria-label")


def test_each_verdict_has_its_own_icon(tree):
    assert len(set(page.ICONS.values())) == len(page.ICONS)
    symbols = {s.get("id"): s for s in _svg(tree, "symbol")}
    for v, d in page.ICONS.items():
        assert [x.get("d") for x in _svg(symbols[f"i-{v}"], "path")] == [d]


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
        assert "Esc" in pop
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


def test_popover_is_a_disclosure_capped_in_height(html, tree):
    """The popover opens in the flow of the text (not absolutely positioned over it) when its
    mark's button is pressed (class ``open``; the link target opens it without script too), is
    at most 60% of the viewport tall and scrolls inside; its technical rows start collapsed."""
    css = html[html.index("<style>"):html.index("</style>")]
    assert "mark.fig.open .pop" in css and "html:not(.js) mark.fig:target .pop" in css
    assert ":hover .pop{display" not in css  # would shift the text under the pointer
    rule = re.search(r"(?m)^\.pop\{([^}]*)\}", css).group(1)
    assert "display:none" in rule and "position" not in rule
    assert "max-height:60vh" in rule and "overflow-y:auto" in rule
    scripts = list(tree.iter("script"))
    assert len(scripts) == 1 and not scripts[0].get("src")
    assert "Escape" in scripts[0].text and "aria-expanded" in scripts[0].text
    for more in (b for b in tree.iter("button") if b.get("class") == "more"):
        assert more.get("aria-expanded") == "false" and more.get("aria-controls").startswith("tech-")


def test_legend_counts(tree, inputs):
    _, claims, results = inputs
    legend = next(u for u in tree.iter("ul") if u.get("class") == "legend")
    items = {li.get("class"): "".join(li.itertext()) for li in legend}
    used = page.claim_verdicts(claims, results)
    atts = page.attribute(results)
    for v in checks.VERDICTS:
        n = sum(r.verdict == v for r in results)
        assert f"({n} check" in items[f"v-{v}"]
        figs = sum(page.mark_verdict(c.id, used[c.id], atts) == v for c in claims)
        assert f"{figs} figure" in items[f"v-{v}"]
    unchecked = sum(1 for ids in page.claim_verdicts(claims, results).values() if not ids)
    assert f"({unchecked} figure" in items["v-none"]
    confirmed = sum(page.mark_verdict(c.id, used[c.id], atts) == page.CONFIRMED for c in claims)
    assert confirmed and f"({confirmed} figure" in items[f"v-{page.CONFIRMED}"]


def test_page_reuses_the_figure_palette(html):
    for v, colour in VERDICT_COLOURS.items():
        assert f".v-{v}{{--c:{colour};" in html


def test_contrast_meets_wcag_aa():
    """WCAG 2.1 AA: 4.5:1 for text (the symbols on their badges count as text: they carry the
    verdict), 3:1 is not enough anywhere here.  The article's text on each mark's tint, muted
    text and links on white, the role labels."""
    for v, p in page.palette().items():
        if v != "none":
            assert page.contrast(p["on"], p["c"]) >= 4.5, (v, p)
            assert page.contrast(page.TEXT, p["tint"]) >= 4.5, (v, p)
            # the text is drawn in `on` over the full colour when hovered
            assert page.contrast(p["on"], p["c"]) >= 4.5
    assert page.contrast(page.NONE_COLOUR, "#FFFFFF") >= 4.5  # the 'none' ring on white
    for fg in (page.MUTED, page.LINK, "#A33F00", "#005A8C", "#444444"):
        for bg in ("#FFFFFF", "#F4F4F4", "#F2F2F2", "#F6F6F6", "#FFF6D5"):
            assert page.contrast(fg, bg) >= 4.5, (fg, bg)


def test_contrast_function_can_fail():
    assert page.contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert page.contrast("#D55E00", "#F6D9C2") < 3  # the old vermillion-on-peach symbol


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
    """Plain <a href> links only: no script file, style sheet, image, frame or font fetched;
    the only url() is the embedded font's data: URL."""
    assert not [s for s in tree.iter("script") if s.get("src")] and not list(tree.iter("link"))
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
    urls = re.findall(r"url\(([^)]*)\)", css)
    assert len(urls) == 2 and all(u.startswith("data:font/woff2;base64,") for u in urls)
    bare = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", css)  # base64 may spell "http" by chance
    assert "@import" not in bare and "http" not in bare
    for use in _svg(tree, "use"):
        assert use.get("href").startswith("#")


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


def _render(browser, html_file: Path, height: int = 2600) -> tuple[list[str], "object"]:
    """The page in the session's Chromium at 1280 x ``height``: its console messages and
    uncaught errors (the page has no script, so any at all is a failure), and a screenshot."""
    import io

    from PIL import Image

    pg = browser.new_page(viewport={"width": 1280, "height": height})
    console: list[str] = []
    pg.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
    pg.goto(html_file.resolve().as_uri(), wait_until="load")
    pg.evaluate("document.fonts.ready.then(() => true)")
    png = pg.screenshot()
    pg.close()
    with Image.open(io.BytesIO(png)) as im:
        return console, im.convert("RGB")


def test_chromium_renders_the_page(browser, page_file):
    # tall enough to reach the article's first marks below the findings box (its figures in
    # failing checks are no longer marked consistent, so the box alone has none)
    console, rgb = _render(browser, page_file, height=4000)
    assert console == []
    assert rgb.size == (1280, 4000)
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


def test_console_detection_catches_a_deliberate_error(browser, tmp_path):
    """Proves the check above can fail: a page logging an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title>'
                   '</head><body><p>x</p><script>console.error("deliberate-x")</script>'
                   "</body></html>", encoding="utf-8")
    console, _ = _render(browser, bad)
    assert console == ["error: deliberate-x"], console


# ------------------------------------------------------------------ summary and attribution

def _summary(tree):
    return next(s for s in tree.iter("section") if s.get("class") == "summary")


def test_summary_lists_every_failing_check_with_links_to_its_figures(tree, inputs):
    _, _, results = inputs
    failing = [r for r in results if r.verdict == "inconsistent"]
    items = {li.get("id"): li for li in _summary(tree).iter("li")
             if (li.get("id") or "").startswith("failing-")}
    assert set(items) == {f"failing-{r.check.check_id}" for r in failing}
    found = findings.build(checks.load_figures(), results)
    assert {li.get("id") for li in _summary(tree).iter("li")
            if (li.get("id") or "").startswith("finding-")} == {
        f"finding-{f}" for f in found["finding_id"]}
    for r in failing:
        hrefs = {a.get("href") for a in items[f"failing-{r.check.check_id}"].iter("a")}
        assert f"#check-{r.check.check_id}" in hrefs
        assert {f"#claim-{c}" for c in r.check.claims} <= hrefs
    assert page.counts_sentence(checks.counts(results)) in "".join(_summary(tree).itertext())


def test_summary_counts_are_the_audits_counts(tree, inputs):
    """The page counts checks exactly as the README and the figures do (checks.counts): the
    numbers in its headline are the evidence failures, evidence checks, tensions, ...; not the
    total number of checks as the count of failures' denominator."""
    _, _, results = inputs
    n = checks.counts(results)
    count = next(p for p in _summary(tree).iter("p") if p.get("class") == "count")
    text = "".join(count.itertext())
    d = n["discrepancies"]
    assert text.startswith(f"{d} discrepanc{'y' if d == 1 else 'ies'}, shown by "
                           f"{n['inconsistent']} of {n['evidence']} evidence checks"
                           if n["inconsistent"] else f"None of the {n['evidence']} evidence")
    if n["tension"]:
        assert f"{n['tension']} more " in text
    assert f"({n['checks']} checks in all)" in text
    numbers = [int(x) for x in re.findall(r"\d+", text)]
    assert numbers == [d, n["inconsistent"], n["evidence"], n["consistent"] + n["within_rounding"],
                       n["tension"], n["context_holding"], n["trivial"] + n["coincidence"],
                       n["trivial"], n["coincidence"], n["derived"], n["checks"]]
    # the summary accounts for every check
    assert (n["evidence"] + n["tension"] + n["context_holding"] + n["trivial"]
            + n["coincidence"] + n["derived"]) == n["checks"]


def test_counts_sentence_can_differ():
    base = dict(checks=10, evidence=6, consistent=4, within_rounding=0, inconsistent=2,
                trivial=1, coincidence=0, tension=1, derived=2, not_checkable=3, context=1,
                context_holding=0, discrepancies=1)
    assert page.counts_sentence(base).startswith("1 discrepancy, shown by 2 of 6 evidence "
                                                 "checks; 4 hold; 1 more is a tension")
    assert page.counts_sentence({**base, "discrepancies": 2}).startswith("2 discrepancies")
    assert page.counts_sentence({**base, "inconsistent": 0, "consistent": 6}).startswith(
        "None of the 6 evidence checks fails")


def test_summary_lists_tensions_apart_with_links_to_their_figures(tree, inputs):
    _, _, results = inputs
    tensions = [r for r in results if r.verdict == "tension"]
    assert tensions
    items = {li.get("id"): li for li in _summary(tree).iter("li")}
    assert {i for i in items if i.startswith("tension-")} == {
        f"tension-{r.check.check_id}" for r in tensions}
    for r in tensions:
        assert r.verdict != "inconsistent"
        hrefs = {a.get("href") for a in items[f"tension-{r.check.check_id}"].iter("a")}
        assert {f"#check-{r.check.check_id}"} | {f"#claim-{c}" for c in r.check.claims} <= hrefs


def test_attribution_follows_the_independent_figures(inputs):
    """On the audit's own results: a failing set with exactly one figure that no independent
    source confirms names it as the likely error; the confirmed figures are what it was checked
    against; a set with several unconfirmed figures is flagged as a whole."""
    _, _, results = inputs
    confirmed = page.confirming_checks(results)
    for cid, a in page.attribute(results).items():
        assert set(a.suspects) | set(a.against) == set(a.result.check.claims)
        assert all(c in confirmed for c in a.against)
        assert all(c not in confirmed for c in a.suspects)
        if len(a.suspects) == 1 and (a.against or a.external):
            assert a.likely == a.suspects
        else:
            assert a.likely == ()
    for r in results:
        for c in confirmed.keys() & set(r.check.claims):
            assert any(x.verdict in ("consistent", "within_rounding") and x.check.external
                       for x in confirmed[c])


def test_attribution_changes_when_the_confirming_check_fails(inputs):
    """Hand-made: the same results with every confirming check turned inconsistent leave no
    figure confirmed, so no failing check names a likely error unless it is held directly
    against an independent figure; and marks of once-confirmed figures turn to inconsistent."""
    text, claims, results = inputs
    confirming = {id(r) for rs in page.confirming_checks(results).values() for r in rs}
    assert confirming, "the audit confirms some figures independently"
    flipped = [dataclasses.replace(r, verdict="inconsistent") if id(r) in confirming else r
               for r in results]
    assert page.confirming_checks(flipped) == {}
    for a in page.attribute(flipped).values():
        assert a.against == ()
        assert bool(a.likely) == (a.external and len(a.suspects) == 1)
    before, after = page.attribute(results), page.attribute(flipped)
    used_b, used_a = page.claim_verdicts(claims, results), page.claim_verdicts(claims, flipped)
    for a in before.values():
        for c in a.against:
            assert page.mark_verdict(c, used_b[c], before) != "inconsistent"
            assert page.mark_verdict(c, used_a[c], after) == "inconsistent"


def test_a_confirmed_figure_is_not_marked_as_failing(tree, inputs):
    """The issue's example, found from the data: a figure confirmed by an independent source
    (e.g. +57.84% through the 2015 income) keeps its own verdict, while the likely error is
    marked inconsistent and the summary says which is which."""
    _, claims, results = inputs
    atts = page.attribute(results)
    used = page.claim_verdicts(claims, results)
    marks = _marks(tree)
    claim_map = {c.id: c for c in claims}
    for a in atts.values():
        for c in a.against:
            # never shown as consistent either: it is what the legend calls confirmed
            assert page.mark_verdict(c, used[c], atts) == page.CONFIRMED, c
            note = page.confirmed_note(c, used[c], atts, claim_map)
            assert "agrees with an independent source" in note
            assert all(claim_map[x].written in note for x in a.likely), note
            mark = next(m for m in marks.values() if c in m.get("data-claims").split())
            if mark.get("data-claims").split() == [c]:
                classes = mark.get("class").split()
                assert "v-inconsistent" not in classes and "v-consistent" not in classes, c
                assert f"v-{page.CONFIRMED}" in classes
                assert note in "".join(mark.itertext())
        for c in a.likely:
            mark = next(m for m in marks.values() if c in m.get("data-claims").split())
            assert "v-inconsistent" in mark.get("class").split()
    summary = "".join(_summary(tree).itertext())
    if any(a.likely for a in atts.values()):
        assert "likely error" in summary and "checked against" in summary


def test_table_lists_failures_first(tree, inputs):
    _, _, results = inputs
    table = next(t for t in tree.iter("table") if t.get("class") == "all")
    rows = [tr for tr in table.iter("tr") if tr.get("id")]
    order = [tr.get("class")[2:] for tr in rows]
    assert len(order) == len(results)
    kinds = ["failure" if v == "inconsistent" else
             "tension" if tr.get("data-counts-as") == "tension" else "rest"
             for v, tr in zip(order, rows)]
    assert kinds == sorted(kinds, key=["failure", "tension", "rest"].index)
    assert kinds.count("tension") == sum(r.counts_as == "tension" for r in results)
    rest = [v for v, k in zip(order, kinds) if k == "rest"]
    assert rest == sorted(rest, key=page.SEVERITY.index)
    by_id = {r.check.check_id: r for r in results}
    assert [tr.get("id")[len("check-"):] for tr in rows] == [
        r.check.check_id for r in page.table_order(results)]
    assert all(tr.get("data-counts-as") == by_id[tr.get("id")[len("check-"):]].counts_as
               for tr in rows)


def test_skip_links_come_first_and_target_the_figures_and_the_table(tree):
    links = [a for a in tree.iter("a")]
    assert [(a.get("class"), a.get("href")) for a in links[:2]] == [
        ("skip", "#figures"), ("skip", "#all-checks")]
    assert any(h.get("id") == "all-checks" for h in tree.iter("h2"))
    assert any(a.get("id") == "figures" for a in tree.iter("article"))


# ------------------------------------------------------------------------------- the font

def _embedded_fonts(html: str):
    from fontTools.ttLib import TTFont
    import base64
    import io

    faces = re.findall(r"font-weight:(\d+);[^}]*base64,([A-Za-z0-9+/=]+)", html)
    return {int(w): TTFont(io.BytesIO(base64.b64decode(b))) for w, b in faces}


def test_embedded_font_is_woff2_and_covers_every_character(html, tree):
    fonts = _embedded_fonts(html)
    assert set(fonts) == {400, 700}
    for f in fonts.values():
        assert f.flavor == "woff2"
        assert f["name"].getDebugName(13), "the OFL licence record is kept"
    body = next(tree.iter("body"))
    text = set("".join(body.itertext())) | set(next(tree.iter("title")).text)
    text -= set("\n\t\r")
    missing = {c for c in text if ord(c) not in fonts[400].getBestCmap()}
    assert not missing, f"characters without a glyph in the embedded font: {sorted(missing)}"


def _html5lib_chars(tree) -> tuple[set[str], set[str]]:
    """What an html5lib tree says the page's characters are, and its bold ones (the reference
    for page._text_chars, which uses the faster standard-library tokenizer)."""
    every = set("".join(tree.iter().__next__().itertext()))
    bold: set[str] = set()
    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in page.BOLD_TAGS or set((el.get("class") or "").split()) & set(page.BOLD_CLASSES):
            bold.update("".join(el.itertext()))
    ascii_ = {chr(i) for i in range(0x20, 0x7F)}
    return every | ascii_, bold | ascii_


@pytest.mark.parametrize("fragment", [
    '<p>平 <b>粗 &amp; <span>仍粗</span></b> 后<br>x</p>',
    '<h2>標題 <span class="pfig">57.84%</span></h2><p class="pt">一<img alt="a">二</p>',
    '<div><span class="ft x">近<em>8</em>万</span><span class="other">细</span></div>',
    '<table><tr><th>表头</th><td>单元 &lt;b&gt;</td></tr></table><strong>重</strong>',
])
def test_text_chars_agree_with_an_html5_parser(fragment):
    tree = html5lib.parse(fragment, treebuilder="etree", namespaceHTMLElements=False)
    assert page._text_chars(fragment) == _html5lib_chars(tree)


def test_text_chars_of_the_page_agree_with_an_html5_parser(html, tree):
    """The whole page (its style sheet and script included): the same characters, and the same
    bold ones, as html5lib finds."""
    assert page._text_chars(html) == _html5lib_chars(tree)


def test_embedded_font_holds_only_what_the_page_uses(html, tree):
    cmap = _embedded_fonts(html)[400].getBestCmap()
    body = next(tree.iter("body"))
    used = {ord(c) for c in "".join(body.itertext())} | set(range(0x20, 0x7F))
    used |= {ord(c) for c in next(tree.iter("title")).text}
    assert set(cmap) <= used
    assert len(cmap) < 1000, len(cmap)  # the shipped figure font has ~7,900


# ------------------------------------------------------------------ browser (playwright)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# the headless Chromium fixture `browser` is shared: tests/conftest.py


@pytest.fixture()
def tab(browser, page_file):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(page_file.resolve().as_uri())
    pg.errors = errors
    yield pg
    ctx.close()


def _axe(pg, context: str = "document") -> dict:
    import axe_playwright_python

    src = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    pg.evaluate(src)
    # resultTypes: every rule still runs on every element, but passing and inapplicable rules
    # report one node each instead of all of them (half the time on this page).
    return pg.evaluate(f"tags => axe.run({context}, {{runOnly: {{type: 'tag', values: tags}}, "
                       "resultTypes: ['violations']})", AXE_TAGS)


def _violations(res: dict) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} -- "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5]) for v in res["violations"]]


def test_axe_core_finds_no_wcag21_aa_violation(tab):
    """axe-core 4.12 (the copy shipped in the pinned axe-playwright-python), WCAG 2.0/2.1 A and
    AA rules, in headless Chromium: on the page as loaded and with every popover open (their
    contents are hidden until opened, and axe skips hidden content)."""
    import axe_playwright_python  # noqa: F401  (skips above if missing)

    # One axe run covers both states: every popover is shown (in the flow, covering no text:
    # test_an_open_popover_covers_no_text), so the article, the table and every popover's
    # contents are all visible to it at once.
    n_pops = tab.eval_on_selector_all(".pop", "ps => ps.length")
    tab.add_style_tag(content=".pop,.pclaim>span.tech{display:block!important}")
    assert tab.eval_on_selector_all(".pop", "ps => ps.filter(p => p.offsetHeight > 0).length") == n_pops > 0
    res = _axe(tab)
    assert res["testEngine"]["version"].startswith("4.12")
    assert _violations(res) == []
    ran = {r["id"] for k in ("passes", "violations", "incomplete", "inapplicable") for r in res[k]}
    assert {"color-contrast", "link-name", "html-has-lang", "valid-lang", "aria-allowed-attr",
            "nested-interactive", "scrollable-region-focusable"} <= ran
    assert any(r["id"] == "color-contrast" for r in res["passes"])
    assert tab.errors == []


def test_axe_check_can_fail(browser, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                   '<p style="color:#aaa;background:#fff">low contrast</p><img src="x.png">'
                   '<a href="#"></a></body></html>', encoding="utf-8")
    pg = browser.new_page()
    pg.goto(bad.resolve().as_uri())
    ids = {v["id"] for v in _axe(pg)["violations"]}
    pg.close()
    assert {"color-contrast", "image-alt", "html-has-lang", "link-name"} <= ids


def _pop_visible(pg, claim: str) -> bool:
    return pg.locator(f"#pop-{claim}").is_visible()


def _first_failing_mark(pg) -> str:
    return pg.eval_on_selector("mark.fig.v-inconsistent", "m => m.id.slice(6)")


def _button(cid: str) -> str:
    return f"#claim-{cid} > .figbtn"


def _expanded(pg, cid: str) -> str:
    return pg.get_attribute(_button(cid), "aria-expanded")


def test_keyboard_enter_space_toggle_esc_closes_and_returns_focus(tab):
    cid = _first_failing_mark(tab)
    assert not _pop_visible(tab, cid) and _expanded(tab, cid) == "false"
    tab.focus(_button(cid))
    assert not _pop_visible(tab, cid)  # focus alone opens nothing
    tab.keyboard.press("Enter")
    assert _pop_visible(tab, cid) and _expanded(tab, cid) == "true"
    tab.keyboard.press("Enter")
    assert not _pop_visible(tab, cid) and _expanded(tab, cid) == "false"
    tab.keyboard.press(" ")
    assert _pop_visible(tab, cid)
    tab.keyboard.press("Tab")  # into the popover: its close button
    assert tab.evaluate("document.activeElement.className") == "pclose"
    tab.keyboard.press("Escape")
    assert not _pop_visible(tab, cid) and _expanded(tab, cid) == "false"
    assert tab.evaluate("document.activeElement.className") == "figbtn"
    assert tab.evaluate("document.activeElement.closest('mark').id") == f"claim-{cid}"
    tab.keyboard.press("Enter")  # reopens after Esc
    assert _pop_visible(tab, cid)
    tab.click(f"#pop-{cid} .pclose")  # the close button closes it and returns focus
    assert not _pop_visible(tab, cid)
    assert tab.evaluate("document.activeElement.closest('mark') && "
                        "document.activeElement.closest('mark').id") == f"claim-{cid}"
    tab.click(_button(cid))  # a click opens it again
    assert _pop_visible(tab, cid)
    # the technical rows are collapsed behind their own button
    more = f"#pop-{cid} .more"
    tech = tab.get_attribute(more, "aria-controls")
    assert not tab.locator(f"#{tech}").is_visible()
    tab.click(more)
    assert tab.locator(f"#{tech}").is_visible() and tab.get_attribute(more, "aria-expanded") == "true"
    # a link target opens it too, and Esc closes that as well
    tab.click("h1")
    tab.goto(tab.url.split("#")[0] + f"#claim-{cid}")
    assert _pop_visible(tab, cid)
    tab.keyboard.press("Escape")
    assert not _pop_visible(tab, cid)
    assert tab.errors == []


def test_opening_one_popover_closes_the_other(tab):
    ids = tab.eval_on_selector_all("mark.fig", "ms => ms.slice(0, 2).map(m => m.id.slice(6))")
    tab.click(_button(ids[0]))
    tab.click(_button(ids[1]))
    assert not _pop_visible(tab, ids[0]) and _pop_visible(tab, ids[1])


_COVERED_TEXT = """cid => {
  const pop = document.getElementById('pop-' + cid).getBoundingClientRect();
  const article = document.querySelector('article');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const hidden = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('.pop') || !n.textContent.trim()) continue;
    const r = document.createRange(); r.selectNodeContents(n);
    for (const b of r.getClientRects()) {
      if (b.width && b.height && b.left < pop.right && pop.left < b.right
          && b.top < pop.bottom && pop.top < b.bottom) hidden.push(n.textContent.slice(0, 20));
    }
  }
  return hidden;
}"""


def test_an_open_popover_covers_no_text(tab):
    """Every mark in turn: its open popover overlaps no line of the article's text (it opens in
    the flow, pushing the following text down)."""
    got = tab.evaluate("""cover => {
      const f = eval(cover), out = {};
      for (const m of document.querySelectorAll('mark.fig')) {
        m.querySelector('.figbtn').click();
        const cid = m.id.slice(6), hidden = f(cid);
        if (!m.classList.contains('open') || hidden.length) out[cid] = hidden;
      }
      return out;
    }""", _COVERED_TEXT)
    assert got == {}


def test_covered_text_detection_can_fail(tab):
    cid = _first_failing_mark(tab)
    tab.add_style_tag(content="article p{position:relative}"
                      ".pop{position:absolute!important;left:0;right:0}")
    tab.click(_button(cid))
    assert tab.evaluate(_COVERED_TEXT, cid) != []


def test_skip_to_figures_is_the_first_tab_stop(tab):
    """Tab, Enter, Tab: the first figure (the issue counted 11 presses before)."""
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#figures"
    assert tab.locator("a.skip >> nth=0").is_visible()
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.className") == "figbtn"
    first = tab.eval_on_selector("mark.fig", "m => m.id")
    assert tab.evaluate("document.activeElement.closest('mark').id") == first


def test_skip_link_to_the_table_skips_the_marks(tab):
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == "#all-checks"
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    active = tab.evaluate("document.activeElement.closest('section') && "
                          "document.activeElement.closest('section').className")
    assert active == "wrap wide checks"


# ------------------------------------------------------------- a phone and a desktop screen

VIEWPORTS = [(390, 844), (1280, 900)]

_GEOMETRY = """cid => {
  const r = document.getElementById('pop-' + cid).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height,
          vw: document.documentElement.clientWidth, vh: window.innerHeight,
          sw: document.documentElement.scrollWidth};
}"""


_EVERY_POPOVER = """() => {
  const bad = [];
  const vw = document.documentElement.clientWidth, vh = window.innerHeight;
  for (const m of document.querySelectorAll('mark.fig')) {
    m.querySelector('.figbtn').click();
    for (const more of m.querySelectorAll('.more')) more.click();
    const pop = m.querySelector('.pop');
    const r = pop.getBoundingClientRect();
    const sw = document.documentElement.scrollWidth;
    if (!(m.classList.contains('open') && r.height > 0 && r.top >= -0.5 && r.bottom <= vh + 0.5
          && r.left >= -0.5 && r.right <= vw + 0.5 && r.height <= 0.6 * vh + 0.5 && sw <= vw))
      bad.push([m.id, Math.round(r.top), Math.round(r.bottom), Math.round(r.left),
                Math.round(r.right), Math.round(r.height), sw]);
  }
  return {bad, n: document.querySelectorAll('mark.fig').length};
}"""


@pytest.mark.parametrize("edition", ["full", "quotes"])
@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_popover_fits_the_screen_and_nothing_scrolls_sideways(browser, edition_file,
                                                                    size, edition):
    """At 390 x 844 (a phone) and 1280 x 900: the page never scrolls sideways, with every
    popover open in turn and its technical rows expanded; each popover lies inside the viewport
    (scrolled into view on opening), at most 60% of its height."""
    path = edition_file(edition)
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]})
    pg = ctx.new_page()
    pg.goto(path.resolve().as_uri())
    assert pg.evaluate("document.documentElement.scrollWidth") <= size[0]
    got = pg.evaluate(_EVERY_POPOVER)
    ctx.close()
    assert got["n"] > 50 and got["bad"] == []


LONG_URL = ("https://www.example.org/news/2021/0203/a-very-long-path-that-a-news-site-gives-"
            "its-articles/detail-" + "x" * 80 + ".shtml?from=timeline&isappinstalled=0")


@pytest.mark.parametrize("edition", ["full", "quotes"])
def test_a_case_with_a_long_url_fits_a_phone(browser, tmp_path, edition):
    """Another article's page (the practice case with a long URL, as news sites give them): at
    390 px nothing scrolls sideways (the URL in the header and the footer wraps)."""
    import json

    from debao_audit import case as _case

    folder = shutil.copytree(data.ROOT / "cases" / "practice-lanshan", tmp_path / "c")
    spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    spec.update(url=LONG_URL, invented=False, slug=folder.name)
    (folder / "case.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    path = page.write_page(tmp_path / "p.html", case=_case.load(folder), edition=edition)
    assert LONG_URL.replace("&", "&amp;") in path.read_text(encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    pg = ctx.new_page()
    pg.goto(path.resolve().as_uri())
    width = pg.evaluate("document.documentElement.scrollWidth")
    ctx.close()
    assert width <= 390


def test_popover_fit_check_can_fail(tab):
    tab.add_style_tag(content=".pop{max-height:none!important;width:200vw}")
    assert tab.evaluate(_EVERY_POPOVER)["bad"] != []


def test_checks_table_becomes_cards_on_a_phone(browser, page_file):
    widths = {}
    for w, h in VIEWPORTS:
        ctx = browser.new_context(viewport={"width": w, "height": h})
        pg = ctx.new_page()
        pg.goto(page_file.resolve().as_uri())
        widths[w] = pg.evaluate("""() => ({
          display: getComputedStyle(document.querySelector('table.all tbody tr')).display,
          head: getComputedStyle(document.querySelector('table.all thead')).display,
          label: getComputedStyle(document.querySelector('table.all td'), '::before').content,
          table: document.querySelector('table.all').getBoundingClientRect().right,
          vw: document.documentElement.clientWidth})""")
        ctx.close()
    assert widths[390]["display"] == "block" and widths[390]["head"] == "none"
    assert widths[390]["label"] == '"check"' and widths[390]["table"] <= widths[390]["vw"]
    assert widths[1280]["display"] == "table-row"


def test_bold_text_has_glyphs_in_the_bold_face(tab, html):
    """What the browser sets in bold (computed weight >= 600) is covered by the bold subset."""
    cmap = _embedded_fonts(html)[700].getBestCmap()
    texts = tab.evaluate("""() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const p = n.parentElement;
        if (p.closest('script,style')) continue;
        if (parseInt(getComputedStyle(p).fontWeight) >= 600) out.push(n.textContent);
      }
      return out;
    }""")
    assert texts, "no bold text found"
    missing = {c for t in texts for c in t if c.strip() and ord(c) not in cmap}
    assert not missing, sorted(missing)


# ------------------------------------------------ renders the same with or without CJK fonts

def _system_fonts() -> list[Path]:
    from fontTools.ttLib import TTCollection, TTFont

    out = []
    for d in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"):
        for f in sorted(d.rglob("*")) if d.is_dir() else []:
            if f.suffix.lower() not in (".ttf", ".otf", ".ttc", ".otc"):
                continue
            try:
                faces = (TTCollection(str(f), lazy=True).fonts if f.suffix.lower() in (".ttc", ".otc")
                         else [TTFont(str(f), lazy=True)])
                cjk = any(0x5FB7 in (face.getBestCmap() or {}) for face in faces)  # U+5FB7
            except Exception:
                continue
            if not cjk:
                out.append(f)
    return out


def _fontconfig(tmp: Path, name: str, dirs: list[Path]) -> Path:
    conf = tmp / f"{name}.conf"
    dirs_xml = "".join(f"<dir>{d}</dir>" for d in dirs)
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig>{dirs_xml}<cachedir>{tmp / ('cache-' + name)}</cachedir>"
                    "</fontconfig>\n", encoding="utf-8")
    return conf


def _shots(playwright, conf: Path, files: list[Path]) -> list:
    """Screenshots (1280x2400) of ``files`` in one Chromium started with ``conf`` as its
    fontconfig: one launch per font configuration, every page in it."""
    import io

    from PIL import Image

    b = playwright.chromium.launch(executable_path=_chromium(),
                                   args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"],
                                   env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    out = []
    try:
        for f in files:
            pg = b.new_page(viewport={"width": 1280, "height": 2400})
            pg.goto(f.resolve().as_uri(), wait_until="load")
            pg.evaluate("document.fonts.ready.then(() => true)")
            with Image.open(io.BytesIO(pg.screenshot())) as im:
                out.append(im.convert("RGB"))
            pg.close()
    finally:
        b.close()
    return out


def test_page_renders_the_same_with_and_without_a_system_cjk_font(playwright, page_file, inputs,
                                                                  tmp_path):
    """Two font configurations: the system's fonts that have no CJK glyph only, and the same
    plus a CJK font (the project's figure font, installed as a system font).  The page must
    render pixel-identically under both; a build without the embedded font must not (it falls
    back to the system: boxes or nothing without CJK, real glyphs with it)."""
    from PIL import ImageChops

    _chromium()
    plain = tmp_path / "plain"
    plain.mkdir()
    for i, f in enumerate(_system_fonts()):
        (plain / f"{i:03d}-{f.name}").symlink_to(f)
    without = _fontconfig(tmp_path, "without", [plain])
    with_cjk = _fontconfig(tmp_path, "with", [plain, data.ROOT / "fonts"])

    bare = tmp_path / "bare.html"
    bare.write_text(page.build_page(*inputs, embed_font=False), encoding="utf-8")
    a, c = _shots(playwright, without, [page_file, bare])
    b, d = _shots(playwright, with_cjk, [page_file, bare])
    assert ImageChops.difference(a, b).getbbox() is None, "renders differently without CJK fonts"
    assert ImageChops.difference(c, d).getbbox() is not None, "control: the test cannot fail"
    assert ImageChops.difference(a, d).getbbox() is not None


# ------------------------------------------------------------------------------- editions

def _body_text(text: str) -> str:
    lo, hi = page.body_bounds(text)
    return text[lo:hi]


def test_quotes_edition_carries_the_quotes_not_the_article(inputs, html):
    """The public edition: every claim's mark, each inside its quote, a link to the original
    per quotation; no run of the article's text outside the quotes (12 characters or more)."""
    text, claims, results = inputs
    out = page.build_page(text, claims, results, edition="quotes")
    tree = html5lib.parse(out, treebuilder="etree", namespaceHTMLElements=False)
    ids = {m.get("id") for m in tree.iter("mark")} | {
        s.get("id") for m in tree.iter("mark") for s in m.iter("span") if s.get("id")}
    assert {f"claim-{c.id}" for c in claims} <= ids
    url = data.article_meta()["url"]
    quotes = [li for ol in tree.iter("ol") if ol.get("class") == "quotes" for li in ol]
    assert quotes and all(any(a.get("href", "").startswith(url + "#:~:text=") for a in li.iter("a"))
                          for li in quotes)
    article = next(a for a in tree.iter("article"))
    body = _body_text(text)
    covered = [False] * len(body)
    for c in claims:
        for a, b in data.spans_of(body, c.quote):
            covered[a:b] = [True] * (b - a)
    runs = re.findall(r"[^\n]{12,}", "".join(ch if not cov else "\n" for ch, cov in zip(body, covered)))
    runs = [r.strip() for r in runs if len(r.strip()) >= 12]
    assert runs, "the test needs text outside the quotes"
    leaked = [r for r in runs if r in "".join(article.itertext())]
    assert leaked == []
    # the full edition (the html fixture: build_page's default), by contrast, has them (the
    # check can fail)
    assert all(r in html for r in runs)


def test_private_edition_shows_the_rights_notice(inputs, html):
    text, claims, results = inputs
    out = page.build_page(text, claims, results, edition="private")
    notice = data.article_meta()["license"]["notice"]
    head = out[:out.index("<article")]
    assert 'class="rights"' in head and page._e(notice) in head
    assert '<meta name="robots" content="noindex, nofollow">' in out
    assert 'class="rights"' not in html  # the full edition (build_page's default)
    with pytest.raises(ValueError):
        page.build_page(text, claims, results, edition="nope")


def test_headline_in_chinese_and_english_above_the_article(tree, inputs):
    _, _, results = inputs
    zh, en = page.headline(results, findings.build(checks.load_figures(), results))
    n = checks.counts(results)
    for s in (zh, en):
        assert str(n["inconsistent"]) in s and str(n["evidence"]) in s
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)
    tldr = next(s for s in tree.iter("section") if s.get("class") == "tldr")
    langs = {p.get("lang"): "".join(p.itertext()) for p in tldr.iter("p")}
    assert langs == {"zh-Hans": zh, "en": en}
