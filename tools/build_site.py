#!/usr/bin/env python3
"""Build the static site to share: ``site/`` (not committed), opened at ``site/index.html``.

What goes in, all of it already built by ``make`` (nothing is re-executed here):

* every executed notebook (and worked solution, ``notebooks/solutions/``), converted to HTML by nbconvert (the pinned version, JupyterLab's
  look) without its CDN scripts (require.js, MathJax, mermaid: the notebooks use none of them,
  and the site must work offline), each with a bar linking back to the index and to its
  neighbours -> ``site/notebooks/NN-name.html``;
* the gallery: the figures' PNGs, in the order of the gallery in ``docs/figures.md``, with each
  figure's finding as that page states it -> ``site/figures/*.png``;
* the annotated article page (self-contained) -> ``site/figures/annotated_article.html``, where
  notebook 07's frame expects it.  Two editions: the **public** one (the default) replaces the
  article's text by its quoted figures in context, each quote with its marks and a link to the
  original page, so the site may be published; ``--full-text`` (``make site FULL_TEXT=1``)
  builds the whole annotated text, for a class's private use, with the rights notice shown;
* one page per other case folder (``cases/<slug>/``, e.g. the invented practice article):
  its findings, figures and annotated article -> ``site/cases/<slug>/`` (an invented article
  whole; any other as quotes in context, like the main one);
* ``site/index.html``: the finding and the lead figure first, then every notebook, the page
  and the gallery (cards titled in words, thumbnails at most 640 px wide and lazy-loaded, the
  full-size PNG on click, PNG/SVG/CSV downloads, alt text from each figure's own title and
  subtitle), with Open Graph tags and a share image.

The CJK text of the index and the notebooks is set in a WOFF2 subset of the shipped figure font
(``site/fonts/cjk.woff2``, only the characters the site uses), so the site needs no Chinese font
on the reader's machine either.

The site is built in a temporary directory beside the target and swapped in only when complete.
Usage: ``python -m tools.build_site [--out DIR]`` (default: ``site/`` in the repository).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter

from debao_audit import data, page
from debao_audit.figures import common as figcommon
from debao_audit.style import FONT_FILES, read_titles

from . import templating
from .paths import Paths

#: The checkout the engine reads (DEBAO_AUDIT_ROOT) and the outputs (DEBAO_AUDIT_OUTPUT).
PATHS = Paths.from_env()
NOTEBOOKS = PATHS.notebooks
#: The gallery page: its gallery block (written by tools/write_gallery.py) gives the figures'
#: order and findings.
GALLERY = PATHS.docs / "figures.md"
DEFAULT_OUT = PATHS.out / "site"
SITE_FONT = "DebaoAudit Site CJK"
#: Size budgets (bytes): the index with everything it loads, and any page with everything it loads.
INDEX_BUDGET = 800_000
PAGE_BUDGET = 1_500_000
#: The share image (Open Graph): the lead figure on a 1200 x 630 canvas.
SHARE_SIZE = (1200, 630)
#: The alt text nbconvert writes for an image without one; no page of the site may keep it.
NO_ALT = "No description has been provided for this image"

#: The notebook template (``templates/notebook.html.j2``): JupyterLab's, minus the scripts
#: fetched from CDNs, plus a site bar.  Rendered by nbconvert's own Jinja environment.
TEMPLATE = templating.text("notebook.html.j2")
#: The notebooks' stylesheet (``templates/site.css``; SITEFONT: the site's CJK font).
SITE_CSS = templating.text("site.css")
#: The index's and the case pages' stylesheet (``templates/index.css``).
INDEX_CSS = templating.text("index.css")


# ------------------------------------------------------------------------------ the inputs

class SiteError(Exception):
    """A problem with an input or the output, in one line: the file, the position if any, what
    was expected and what was found.  ``main`` prints it; nothing is changed in the site."""


def _short(value: object, n: int = 60) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def _json_type(value: object) -> str:
    for kind, name in ((dict, "an object"), (list, "an array"), (str, "a string"),
                       (bool, "a boolean"), ((int, float), "a number")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else "a value"


def _schema_problem(e) -> tuple[str, str, str]:
    """(where, expected, found) of an nbformat validation error, in words."""
    from jsonschema.exceptions import best_match

    path = list(e.absolute_path)
    if e.validator in ("oneOf", "anyOf") and getattr(e, "context", None):
        inner = best_match(e.context)
        if isinstance(e.instance, dict) and "cell_type" in e.instance and e.instance[
                "cell_type"] not in ("code", "markdown", "raw"):
            inner = None
        if inner is not None and inner.validator not in ("oneOf", "anyOf", "$ref"):
            e, path = inner, path + list(inner.relative_path)
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    where = where.lstrip(".") or "the top level"
    inst = e.instance
    if e.validator == "required":
        missing = next((k for k in e.validator_value if not (isinstance(inst, dict) and k in inst)),
                       "?")
        return where, f"a property {missing!r}", f"{_json_type(inst)} without it"
    if e.validator == "type":
        return where, f"{e.validator_value}", f"{_json_type(inst)}: {_short(inst)}"
    if e.validator in ("enum", "const"):
        return where, f"one of {e.validator_value}", _short(inst)
    if isinstance(inst, dict) and "cell_type" in inst:
        return (where, "a cell of type 'code', 'markdown' or 'raw' (nbformat 4)",
                f"cell_type {_short(inst['cell_type'])}" if inst["cell_type"] not in (
                    "code", "markdown", "raw") else " ".join(e.message.split())[:120])
    return where, f"nbformat 4 ({' '.join(e.message.split())[:120]})", _short(inst)


def read_notebook(path: Path):
    """A notebook (nbformat 4, validated), or SiteError naming the file, the line and column
    or the place in the notebook, what was expected and what was found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise SiteError(f"{path}, byte {e.start}: expected a notebook (UTF-8 JSON); got "
                        f"{_short(e.object[e.start:e.start + 4])}, not UTF-8") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        found = _short(text[e.pos:e.pos + 30]) if e.pos < len(text) else "the end of the file"
        raise SiteError(f"{path}, line {e.lineno}, column {e.colno}: expected a notebook (JSON: "
                        f"{e.msg[0].lower() + e.msg[1:]}); got {found}") from None
    if not isinstance(raw, dict):
        raise SiteError(f"{path}, the top level: expected a notebook (a JSON object); got "
                        f"{_json_type(raw)}")
    if raw.get("nbformat") != 4:
        raise SiteError(f"{path}, 'nbformat': expected 4 (nbformat 4, as make writes); got "
                        f"{_short(raw.get('nbformat', 'nothing'))}")
    for key, kind in (("cells", list), ("metadata", dict)):
        if not isinstance(raw.get(key), kind):
            raise SiteError(f"{path}, {key!r}: expected {_json_type(kind())}; got "
                            + (_json_type(raw[key]) if key in raw else "nothing"))
    try:
        nbformat.validate(nbformat.from_dict(raw))
    except nbformat.ValidationError as e:
        where, expected, found = _schema_problem(e)
        raise SiteError(f"{path}, {where}: expected {expected}; got {found}") from None
    return nbformat.v4.to_notebook_json(raw)     # as nbformat.read: sources joined


def notebooks() -> list[Path]:
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    if not found:
        raise SystemExit(f"{NOTEBOOKS}: no notebooks")
    return found


def _first_markdown(nb: dict) -> str:
    cell = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    return "".join(cell["source"]) if cell else ""


def notebook_title(nb: dict, path: Path) -> tuple[str, str]:
    """The first heading and the **Question.** paragraph of a notebook (plain text)."""
    md = _first_markdown(nb)
    heading = next((line.lstrip("# ").strip() for line in md.splitlines() if line.startswith("#")),
                   path.stem)
    q = re.search(r"\*\*Question\.\*\*\s*(.+?)(?:\n\s*\n|$)", md, re.S)
    question = " ".join(q.group(1).split()) if q else ""
    question = re.sub(r"[*`]", "", question)
    return heading, question


def gallery() -> list[tuple[str, str]]:
    """(figure name, finding) in the gallery's order; the gallery block of docs/figures.md is
    written from the figures' computed findings by tools/write_gallery.py."""
    text = GALLERY.read_text(encoding="utf-8")
    block = text.partition("<!-- gallery -->")[2].partition("<!-- /gallery -->")[0]
    out: list[tuple[str, str]] = []
    for line in block.splitlines():
        m = re.search(r"figures/([\w.-]+)\.png", line)
        if not m or any(n == m.group(1) for n, _ in out):
            continue
        finding = re.search(r"\*\*[\w.-]+\*\*:\s*(.*?)(?:\s*\[SVG\]|\s*\|\s*$)", line)
        if finding:
            text = finding.group(1).strip()
        else:  # a line of prose naming the figure, e.g. the appendix: its words before the link
            text = line.split("[", 1)[0].strip(" :|")
        out.append((m.group(1), text))
    return out


# ------------------------------------------------------------------------------------ math

DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)([^$\n]+?)(?<=\S)\$(?![\w$])")


def math_image(tex: str, display: bool) -> str:
    """TeX rendered by matplotlib's mathtext as an SVG <img> (data: URL), the source as its
    alt text.  The notebooks' formulas are simple; this avoids fetching MathJax from a CDN."""
    import base64
    import io

    import matplotlib
    from matplotlib import mathtext

    tex = " ".join(tex.split())
    with matplotlib.rc_context({"svg.hashsalt": "debao-audit", "svg.fonttype": "path",
                                "mathtext.fontset": "dejavusans"}):
        buf = io.BytesIO()
        mathtext.math_to_image(f"${tex}$", buf, prop=matplotlib.font_manager.FontProperties(
            size=15 if display else 12), format="svg")
    svg = re.sub(rb"<metadata>.*?</metadata>", b"", buf.getvalue(), flags=re.S)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    cls = "math display" if display else "math"
    return f'<img class="{cls}" src="{uri}" alt="{html.escape(tex)}" role="math">'


def render_math(source: str) -> str:
    """A markdown cell's source with its $$display$$ and $inline$ TeX replaced by images."""
    out = DISPLAY_MATH.sub(lambda m: "\n\n" + math_image(m.group(1), True) + "\n\n", source)
    return INLINE_MATH.sub(lambda m: math_image(m.group(1), False), out)


# ------------------------------------------------------------------------------- building

def _nav(items: list[tuple[str, str]], here: str | None) -> str:
    return "".join(f'<span class="here" aria-current="page">{html.escape(label)}</span>'
                   if href == here else f'<a href="{html.escape(href)}">{html.escape(label)}</a>'
                   for href, label in items)


LOCAL_IPYNB = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#)([^"]+?)\.ipynb(#[^"]*)?"')


def _export(exporter: HTMLExporter, path: Path, nav: str, css: str) -> str:
    nb = read_notebook(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            try:
                cell.source = render_math(cell.source)
            except (ValueError, RuntimeError) as e:
                raise SiteError(f"{path}, cell {i}: expected formulas ($...$, $$...$$) "
                                "matplotlib's mathtext can draw; got one it cannot ("
                                f"{' '.join(str(e).split())[:160]})") from None
    try:
        set_alt_texts(nb)
    except _ImageProblem as e:
        raise SiteError(f"{path}, {e.args[0]}: expected a PNG image (base64); got "
                        f"{e.args[1]}") from None
    body, _ = exporter.from_notebook_node(nb, resources={"site_nav": nav, "site_css": css})
    return link_pages(body)


FIGURE_IMG = re.compile(r'<img\b[^>]*?\bsrc="((?:\.\./)+figures/)([\w.-]+)\.png"[^>]*>')


def _thumb_img(m: re.Match) -> str:
    tag = m.group(0).replace(f'src="{m.group(1)}{m.group(2)}.png"',
                             f'loading="lazy" src="{m.group(1)}thumbs/{m.group(2)}.png"')
    return f'<a href="{m.group(1)}{m.group(2)}.png">{tag}</a>'


def link_pages(body: str) -> str:
    """Links between notebooks (``x.ipynb``) point at their pages on the site (``x.html``); a
    figure a notebook shows by path is shown as its thumbnail (lazy-loaded), linked to the
    full-size PNG; the notebooks' link to the glossary (``glossary.md``) points at its page."""
    body = LOCAL_IPYNB.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
    body = body.replace('href="glossary.md', 'href="glossary.html')
    return FIGURE_IMG.sub(_thumb_img, body)


#: The glossary every notebook links (issue 14): a page of its own on the site.
GLOSSARY = NOTEBOOKS / "glossary.md"


def convert_glossary(out: Path) -> None:
    """``notebooks/glossary.md`` to ``notebooks/glossary.html``, styled like the notebooks."""
    exporter = HTMLExporter(template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"site.html.j2": TEMPLATE})],
                            template_file="site.html.j2")
    # a fixed cell id: the page is the same bytes on every build (nbformat draws a random one)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        GLOSSARY.read_text(encoding="utf-8"), id="glossary")])
    nav = _nav([("../index.html", "\u2190 Index"), ("glossary.html", "Glossary")],
               "glossary.html")
    body, _ = exporter.from_notebook_node(nb, resources={"site_nav": nav,
                                                         "site_css": "../site.css"})
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    (out / "notebooks" / "glossary.html").write_text(link_pages(body), encoding="utf-8")


def convert_notebooks(paths: list[Path], out: Path, solutions: list[Path] = ()) -> list[dict]:
    """Each notebook to ``notebooks/NAME.html`` and each worked solution to
    ``notebooks/solutions/NAME.html`` (the repository's layout, so relative links keep working)."""
    exporter = HTMLExporter(template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"site.html.j2": TEMPLATE})],
                            template_file="site.html.j2")
    (out / "notebooks").mkdir(parents=True)
    info = []
    for p in paths:
        nb = read_notebook(p)
        heading, question = notebook_title(nb, p)
        info.append({"path": p, "href": f"notebooks/{p.stem}.html", "title": heading,
                     "question": question, "solution": False})
    solved_by = {p.stem.removesuffix("-solutions"): p for p in solutions}
    for i, item in enumerate(info):
        nav = [("../index.html", "\u2190 Index")]
        if i > 0:
            nav.append((f"{info[i - 1]['path'].stem}.html", f"\u2039 {info[i - 1]['path'].stem[:2]}"))
        nav.append((f"{item['path'].stem}.html", item["title"]))
        if i + 1 < len(info):
            nav.append((f"{info[i + 1]['path'].stem}.html", f"{info[i + 1]['path'].stem[:2]} \u203a"))
        if item["path"].stem in solved_by:   # each notebook links its own solution page
            nav.append((f"solutions/{solved_by[item['path'].stem].stem}.html", "Solutions"))
        body = _export(exporter, item["path"], _nav(nav, f"{item['path'].stem}.html"), "../site.css")
        (out / item["href"]).write_text(body, encoding="utf-8")
    if solutions:
        (out / "notebooks" / "solutions").mkdir()
    stems = {p.stem for p in paths}
    for p in solutions:
        nb = read_notebook(p)
        heading, _ = notebook_title(nb, p)
        item = {"path": p, "href": f"notebooks/solutions/{p.stem}.html", "title": heading,
                "question": "", "solution": True}
        nav = [("../../index.html", "\u2190 Index")]
        solved = p.stem.removesuffix("-solutions")
        if solved in stems:
            nav.append((f"../{solved}.html", f"Notebook {solved[:2]}"))
        nav.append((f"{p.stem}.html", heading))
        body = _export(exporter, p, _nav(nav, f"{p.stem}.html"), "../../site.css")
        (out / item["href"]).write_text(body, encoding="utf-8")
        info.append(item)
    return info


def lead_statements(processed: Path | None = None) -> list[tuple[str, str]]:
    """The index's lead: one (English, Chinese) sentence per finding.

    From ``data/processed/findings.csv`` (columns ``statement_en`` and ``statement_zh``, one
    row per finding) when it exists; else from ``data/processed/checks.csv``: each failing
    check's title with what was reported and what is implied (English only).  The one place
    that decides what the index leads with."""
    import csv

    processed = data.PROCESSED if processed is None else Path(processed)
    findings = processed / "findings.csv"
    source = findings if findings.is_file() else processed / "checks.csv"
    try:
        with source.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        if source == findings:
            # a findings table without its sentences would give an index with no lead
            return [(r["statement_en"].strip(), r["statement_zh"].strip())
                    for r in rows if r["statement_en"].strip()]
        return [(f"{r['title']}: reported {r['reported']}; implied {r['implied']}.", "")
                for r in rows if r["verdict"] == "inconsistent"]
    except UnicodeDecodeError as e:
        raise SiteError(f"{source}, byte {e.start}: expected UTF-8 text (CSV); got "
                        f"{_short(e.object[e.start:e.start + 4])}, not UTF-8: run make") from None
    except (KeyError, csv.Error) as e:
        found = f"columns {', '.join(rows[0]) if rows else 'none'}" if isinstance(
            e, KeyError) else " ".join(str(e).split())
        expected = f"a column {e.args[0]!r}" if isinstance(e, KeyError) else "a CSV table"
        raise SiteError(f"{source}: expected {expected}; got {found}: run make") from None


def figure_text(png: Path, fallback: str) -> tuple[str, str]:
    """(title, alt text) of a figure from its own title and subtitle (stored in the PNG by
    ``style.save``); ``fallback`` (its one-line finding) where the PNG carries none."""
    title, desc = read_titles(png)
    if not title:
        return fallback, fallback
    return title, f"{title.rstrip('.')}. {desc}" if desc else title


def _thumb(src: Path, out: Path) -> tuple[int, int]:
    """A thumbnail at most 640 px wide (the notebooks' screen image: the figure palette kept
    exactly); returns its size."""
    from PIL import Image
    import io

    png = figcommon.screen_png(src, figcommon.SCREEN_WIDTH)
    out.write_bytes(png)
    with Image.open(io.BytesIO(png)) as im:
        return im.size


def share_image(src: Path, out: Path) -> None:
    """The Open Graph image: the lead figure fitted on a white 1200 x 630 canvas."""
    from PIL import Image

    with Image.open(src) as im:
        im = im.convert("RGB")
        w, h = SHARE_SIZE
        scale = min(w / im.width, h / im.height)
        im = im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS)
        canvas = Image.new("RGB", SHARE_SIZE, "white")
        canvas.paste(im, ((w - im.width) // 2, (h - im.height) // 2))
        canvas = canvas.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        canvas.save(out, format="PNG", optimize=True)


def _card(name: str, title: str, alt: str, size: tuple[int, int], lazy: bool = True) -> str:
    e = html.escape
    loading = ' loading="lazy"' if lazy else ""
    return (f'<figure><a href="figures/{e(name)}.png"><img src="figures/thumbs/{e(name)}.png" '
            f'width="{size[0]}" height="{size[1]}"{loading} '
            f'decoding="async" alt="{e(alt)}"></a>'
            f'<figcaption><h3>{e(title)}</h3>'
            f'<p class="dl">Download: <a href="figures/{e(name)}.png" download>PNG</a> \u00b7 '
            f'<a href="figures/{e(name)}.svg" download>SVG</a> \u00b7 '
            f'<a href="figures/{e(name)}.csv" download>CSV (the plotted data)</a></p>'
            '</figcaption></figure>')


def write_index(out: Path, info: list[dict], figures: list[dict], full_text: bool = False,
                processed: Path | None = None, cases: list[dict] = ()) -> None:
    """The site's front page (``templates/index.html.j2``): the finding, the notebooks in order,
    their solutions, the other cases and the figures' gallery."""
    statements = lead_statements(processed)
    lead_fig = figures[0]
    doc = templating.render(
        "index.html.j2", title="Do the numbers in one poverty-alleviation news story add up?",
        description=statements[0][0] if statements else lead_fig["alt"],
        share_size=SHARE_SIZE, index_css=INDEX_CSS, meta=data.article_meta(),
        full_text=full_text, statements=statements, lead=lead_fig, gallery=figures[1:],
        notebooks=info, solutions=[n for n in info if n["solution"]], cases=list(cases),
        card=lambda f, lazy=True: _card(f["name"], f["title"], f["alt"], f["size"], lazy=lazy))
    (out / "index.html").write_text(doc, encoding="utf-8")


def write_fonts(out: Path) -> None:
    """The site's CJK font: the characters of every page except the self-contained one."""
    chars: set[str] = set()
    for f in out.rglob("*.html"):
        if f.name != "annotated_article.html":
            chars |= set(re.sub(r"<[^>]*>", "", f.read_text(encoding="utf-8")))
    chars = {c for c in chars if ord(c) > 0x7F}  # Latin text uses the reader's system font
    (out / "fonts").mkdir()
    (out / "fonts" / "cjk.woff2").write_bytes(page.subset_woff2(FONT_FILES["regular"], chars))
    (out / "fonts" / "cjk-bold.woff2").write_bytes(page.subset_woff2(FONT_FILES["bold"], chars))
    (out / "site.css").write_text(SITE_CSS.replace("SITEFONT", SITE_FONT), encoding="utf-8")


class _ImageProblem(Exception):
    """(where in the notebook, what was found): an embedded image/png that is not a PNG."""


def _image_error(e: BaseException) -> str:
    return " ".join(str(e).split())[:160] or type(e).__name__


def set_alt_texts(nb) -> int:
    """Give every embedded PNG without alt text the figure's own title and subtitle, read from
    the PNG's text chunks (``figures.show`` keeps them); returns how many were set."""
    import base64
    import io

    from PIL import Image

    n = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if not png:
                continue
            md = output.setdefault("metadata", {})
            if md.get("alt") or md.get("image/png", {}).get("alt"):
                continue
            try:
                with Image.open(io.BytesIO(base64.b64decode(png))) as im:
                    text = getattr(im, "text", {}) or {}
            except (OSError, ValueError, SyntaxError) as e:
                raise _ImageProblem(f"cell {nb.cells.index(cell)}, output "
                                    f"{cell.outputs.index(output)}, image/png",
                                    _image_error(e)) from None
            title, desc = text.get("Title", ""), text.get("Description", "")
            if title:
                md.setdefault("image/png", {})["alt"] = (f"{title.rstrip('.')}. {desc}" if desc
                                                         else title)
                n += 1
    return n


def write_cases(out: Path, figures_dir: Path, processed: Path, full_text: bool = False,
                cases_dir: Path | None = None) -> list[dict]:
    """One page per case folder (``cases/<slug>/``), from what ``make`` built for it
    (``figures/cases/<slug>/``, ``data/processed/cases/<slug>/``): its findings, its figures
    and its annotated article -> ``site/cases/<slug>/``.  An invented article (the practice
    case) is published whole; any other article only as quotes in context, unless
    ``full_text``.  Returns one entry per case for the index."""
    import pandas as pd

    from debao_audit import case as _case, findings as _findings
    from debao_audit import figures as _figures

    entries = []
    cases_dir = PATHS.cases if cases_dir is None else Path(cases_dir)
    for folder in sorted(p.parent for p in cases_dir.glob("*/case.json")):
        c = _case.load(folder)
        built, tables = figures_dir / "cases" / c.slug, processed / "cases" / c.slug
        need = [tables / "findings.csv", tables / "checks.csv", built / "annotated_article.html"]
        missing = [str(p) for p in need if not p.is_file()]
        if missing:
            raise SystemExit(f"{missing[0]}: case {c.slug} not built: run make")
        found = pd.read_csv(tables / "findings.csv", dtype=str, keep_default_na=False)
        table = pd.read_csv(tables / "checks.csv", dtype=str, keep_default_na=False)
        here = out / "cases" / c.slug
        (here / "figures" / "thumbs").mkdir(parents=True)
        cards = []
        for name in _figures.catalogue(c).figures:
            for ext in ("png", "svg", "csv"):
                shutil.copyfile(built / f"{name}.{ext}", here / "figures" / f"{name}.{ext}")
            title, alt = figure_text(built / f"{name}.png", name)
            size = _thumb(built / f"{name}.png", here / "figures" / "thumbs" / f"{name}.png")
            cards.append(_card(name, title, alt, size))
        if c.invented or full_text:
            edition = "full" if c.invented else "private"
        else:
            edition = "quotes"
        if edition == "full":
            shutil.copyfile(built / "annotated_article.html", here / "annotated_article.html")
        else:
            page.write_page(here / "annotated_article.html", case=c, edition=edition)
        meta = c.meta_dict()
        head = _findings.headline_sentence(found, table)
        head = head[0].upper() + head[1:] + "."
        doc = templating.render(
            "case.html.j2", slug=c.slug, index_css=INDEX_CSS, title=meta.get("title", c.slug),
            credit=page.credit(meta), date=str(meta.get("date_published", ""))[:10],
            invented=c.invented, headline=head, findings=list(found.itertuples()), cards=cards)
        (here / "index.html").write_text(doc, encoding="utf-8")
        entries.append({"slug": c.slug, "href": f"cases/{c.slug}/index.html",
                        "title": meta.get("title", c.slug), "headline": head,
                        "invented": c.invented})
    return entries


def build(out: Path, figures_dir: Path | None = None, *, full_text: bool = False,
          solutions: bool = False) -> Path:
    """Build the site into ``out`` from the notebooks and from the figures in ``figures_dir``
    (default: the output setting's ``figures/``).  ``full_text``: the annotated article with the
    whole text (private class use) instead of the public edition's quotations;
    the worked solutions are left out unless ``solutions`` (``make site SOLUTIONS=1``): a
    site handed to a class gives no answers away by default."""
    from debao_audit.confine import TargetError, check_target

    figures_dir = data.FIGURES if figures_dir is None else Path(figures_dir)
    if out.exists() and not out.is_dir() and not out.is_symlink():
        raise SiteError(f"{out.resolve()}: expected the site's directory, or nothing there; got "
                        "a file: remove it, or build elsewhere with --out DIR")
    try:
        out = check_target(out, "the site", lambda d: (d / "index.html").is_file()
                           and (d / "site.css").is_file())
    except TargetError as e:
        raise SiteError(str(e).removesuffix("; nothing was changed")) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    # One build at a time in the target's directory (a lock on the directory itself: no lock
    # file left beside the site), held for the whole build, so any other ``.site.XXXX``
    # scratch directory there was left by a killed build and goes.
    lock = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        raise SiteError(f"{out}: another make site is building in {out.parent}; wait for it "
                        "to finish") from None
    try:
        for stale in out.parent.glob(f".{out.name}.*"):
            if stale.is_dir() and not stale.is_symlink() and stale.name != f".{out.name}.old":
                shutil.rmtree(stale, ignore_errors=True)
        with build_snapshot(figures_dir.parent):
            return _build_locked(out, figures_dir, full_text, solutions)
    finally:
        os.close(lock)


#: How long ``make site`` waits for a build in progress before it refuses.
SNAPSHOT_WAIT = 600.0


@contextlib.contextmanager
def build_snapshot(outputs: Path, wait: float | None = None):
    """Hold the build's lock (``.build/lock`` beside the outputs), shared, while the site reads
    them: the outputs are then one build's, never half of a commit.  A build in progress is
    waited for (up to SNAPSHOT_WAIT seconds, then refused); an interrupted commit (its journal
    kept) is refused: ``make`` completes it."""
    wait = SNAPSHOT_WAIT if wait is None else wait
    state = outputs / ".build"
    lock_path = state / "lock"
    if not lock_path.is_file() or lock_path.is_symlink():
        if (state / "commit.json").exists():
            raise SiteError(f"{state / 'commit.json'}: a build's commit was interrupted: run "
                            "make to complete it")
        yield
        return
    fd = os.open(lock_path, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise SiteError(f"{outputs}: a build (make) is still running after "
                                    f"{wait:g} s; run make site when it has finished") from None
                if not said:
                    print("site: a build (make) is running; waiting for it to finish",
                          file=sys.stderr, flush=True)
                    said = True
                time.sleep(0.2)
        if (state / "commit.json").exists():
            raise SiteError(f"{state / 'commit.json'}: a build's commit was interrupted: run "
                            "make to complete it")
        yield
    finally:
        os.close(fd)


def _build_locked(out: Path, figures_dir: Path, full_text: bool, solutions: bool) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        sols = sorted((NOTEBOOKS / "solutions").glob("*.ipynb")) if solutions else []
        info = convert_notebooks(notebooks(), tmp, sols)
        convert_glossary(tmp)
        (tmp / "figures" / "thumbs").mkdir(parents=True)
        figs = []
        listed = gallery()
        if not listed:
            raise SiteError(f"{GALLERY}: expected a gallery block (<!-- gallery --> ... "
                            "<!-- /gallery -->) naming figures/NAME.png; got none: run make")
        for name, finding in listed:
            for ext in ("png", "svg", "csv"):
                src = figures_dir / f"{name}.{ext}"
                if not src.is_file():
                    raise SystemExit(f"{src}: in the gallery (docs/figures.md) but not built: run make")
                shutil.copyfile(src, tmp / "figures" / src.name)
            png = figures_dir / f"{name}.png"
            try:
                title, alt = figure_text(png, finding)
                size = _thumb(png, tmp / "figures" / "thumbs" / f"{name}.png")
                if not figs:
                    share_image(png, tmp / "share.png")
            except (ValueError, SyntaxError) as e:
                raise SiteError(f"{png}: expected a PNG image (as make writes it); got "
                                f"{_image_error(e)}: run make") from None
            except OSError as e:
                if e.filename is not None or e.errno is not None:
                    raise        # reading or writing the file itself: main says which
                raise SiteError(f"{png}: expected a PNG image (as make writes it); got "
                                f"{_image_error(e)}: run make") from None
            figs.append({"name": name, "title": title, "alt": alt, "size": size})
        page.write_page(tmp / "figures" / page.DEFAULT_PATH.name,
                        edition="private" if full_text else "quotes")
        # the processed data beside the figures (the same output setting)
        processed = figures_dir.parent / "data" / "processed"
        cases = write_cases(tmp, figures_dir, processed, full_text=full_text)
        write_index(tmp, info, figs, full_text=full_text, processed=processed, cases=cases)
        write_fonts(tmp)
        for f in tmp.rglob("*"):
            f.chmod(0o755 if f.is_dir() else 0o644)
        tmp.chmod(0o755)
        from debao_audit.confine import swap
        swap(tmp, out)       # the previous site stays as it was until the new one is in
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _discard(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


_LOADS = re.compile(r'<(?:img|script|iframe|source)\b[^>]*?\bsrc="([^"#?]+)"|'
                    r'<link\b[^>]*?\brel="stylesheet"[^>]*?\bhref="([^"#?]+)"')
_CSS_URL = re.compile(r'url\((?!data:)["\']?([^"\')]+)')


def page_weight(path: Path) -> int:
    """Bytes a browser loads to show a page in full: the HTML, every image, script, frame and
    stylesheet it names (lazy images included: the worst case) and the fonts the stylesheets
    name, each file counted once.  ``data:`` URLs are inside the HTML already."""
    seen: set[Path] = set()

    def add(p: Path) -> None:
        p = p.resolve()
        if p in seen or not p.is_file():
            return
        seen.add(p)
        if p.suffix == ".html" and p != path.resolve():
            return  # a frame's own resources are counted on its own page
        if p.suffix in (".html", ".css"):
            text = p.read_text(encoding="utf-8")
            refs = ([a or b for a, b in _LOADS.findall(text)] if p.suffix == ".html" else [])
            refs += _CSS_URL.findall(text) if p.suffix == ".css" else []
            if p.suffix == ".html":
                for style in re.findall(r"<style>(.*?)</style>", text, re.S):
                    refs += _CSS_URL.findall(style)
            for r in refs:
                if not re.match(r"[a-z][a-z0-9+.-]*:", r):
                    add(p.parent / r)

    add(path)
    return sum(p.stat().st_size for p in seen)


def _writing(path: Path, out: Path) -> bool:
    """Whether ``path`` is the site's (the target, its temporary or old copy beside it, or a
    directory above them), not an input the build reads."""
    out, path = Path(out).absolute(), Path(path).absolute()
    if out.is_relative_to(path) or path.is_relative_to(out):
        return True
    return path.is_relative_to(out.parent) and path.relative_to(out.parent).parts[0].startswith(
        f".{out.name}.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--full-text", action="store_true",
                    help="the annotated article's whole text, for private class use (not to publish)")
    ap.add_argument("--solutions", action="store_true",
                    help="include the worked solutions (make site SOLUTIONS=1); left out by "
                         "default, so the site can be handed to students")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        out = build(args.out, full_text=args.full_text, solutions=args.solutions)
    except OSError as e:
        # e.g. a read-only checkout or a full disk: one line naming the path, no traceback
        what = "the disk is full" if e.errno == 28 else e.strerror or " ".join(str(e).split())
        if e.filename is not None and not _writing(Path(e.filename), args.out):
            print(f"site: cannot read {e.filename} ({what}); nothing was changed",
                  file=sys.stderr)
            return 2
        print(f"site: cannot write {e.filename or args.out} ({what}); nothing was changed: "
              + ("free some space, or build it elsewhere" if e.errno == 28 else
                 "build it elsewhere") + " with --out DIR or DEBAO_AUDIT_OUTPUT=DIR",
              file=sys.stderr)
        return 2
    except (SiteError, data.DataError) as e:
        print(f"site: {' '.join(str(e).split())}; nothing was changed", file=sys.stderr)
        return 2
    except SystemExit as e:
        if isinstance(e.code, str):
            print(f"site: {e.code}", file=sys.stderr)
            return 2
        raise
    except Exception as e:  # unforeseen: still one line, and the site as it was
        msg = " ".join(str(e).split())[:300]
        print(f"site: failed: {type(e).__name__}: {msg}; nothing was changed", file=sys.stderr)
        return 2
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    n = sum(1 for _ in out.rglob("*.html"))
    try:
        shown = out.relative_to(Path.cwd())
    except ValueError:
        shown = out
    heaviest = max(out.rglob("*.html"), key=page_weight)
    print(f"{shown}/index.html: {'FULL-TEXT edition, for private class use only: do not publish' if args.full_text else 'public edition'}; "
          f"{n} pages, {size / 1e6:.1f} MB; index {page_weight(out / 'index.html') / 1e3:.0f} KB "
          f"with what it loads, heaviest page {heaviest.relative_to(out)} "
          f"{page_weight(heaviest) / 1e3:.0f} KB; built in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
