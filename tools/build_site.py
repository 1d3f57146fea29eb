#!/usr/bin/env python3
"""Build the static site to share: ``site/`` (not committed), opened at ``site/index.html``.

What goes in, all of it already built by ``make`` (nothing is re-executed here):

* every executed notebook (and worked solution, ``notebooks/solutions/``), converted to HTML by nbconvert (the pinned version, JupyterLab's
  look) without its CDN scripts (require.js, MathJax, mermaid: the notebooks use none of them,
  and the site must work offline), each with a bar linking back to the index and to its
  neighbours -> ``site/notebooks/NN-name.html``;
* the gallery: the figures' PNGs, in the README gallery's order, with each figure's finding as
  the README states it -> ``site/figures/*.png``;
* the annotated article page (self-contained) -> ``site/figures/annotated_article.html``, where
  notebook 07's frame expects it;
* ``site/index.html`` linking every notebook, the page and the gallery.

The CJK text of the index and the notebooks is set in a WOFF2 subset of the shipped figure font
(``site/fonts/cjk.woff2``, only the characters the site uses), so the site needs no Chinese font
on the reader's machine either.

The site is built in a temporary directory beside the target and swapped in only when complete.
Usage: ``python tools/build_site.py [--out DIR]`` (default: ``site/`` in the repository).
"""

from __future__ import annotations

import argparse
import html
import json
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
from debao_audit.style import FONT_FILES

ROOT = data.ROOT
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
DEFAULT_OUT = data.FIGURES.parent / "site"
SITE_FONT = "DebaoAudit Site CJK"

#: The notebook template: JupyterLab's, minus the scripts fetched from CDNs, plus a site bar.
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<link rel="stylesheet" href="{{ resources.site_css }}">
{%- endblock extra_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<nav class="site-bar" aria-label="Site">{{ resources.site_nav }}</nav>
<main>
{%- endblock body_header -%}
"""

SITE_CSS = """@font-face{font-family:"SITEFONT";font-weight:400;src:url(fonts/cjk.woff2) format("woff2")}
@font-face{font-family:"SITEFONT";font-weight:700;src:url(fonts/cjk-bold.woff2) format("woff2")}
/* on body, not :root: JupyterLab's theme, loaded after this file, sets its variables on :root */
body{--site-font:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",
 "DejaVu Sans","SITEFONT",sans-serif;--jp-ui-font-family:var(--site-font);--jp-content-font-family:var(--site-font);
 --jp-code-font-family:Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono","SITEFONT",monospace;
 font-family:var(--site-font)}
.site-bar{position:sticky;top:0;z-index:10;display:flex;gap:1.2rem;flex-wrap:wrap;align-items:center;
 padding:.5rem 1.2rem;background:#f6f6f6;border-bottom:1px solid #d0d0d0;font-size:.95rem}
.site-bar a{color:#0a4f86}
.site-bar .here{font-weight:700;color:#222}
img.math{vertical-align:middle;max-width:100%}
img.math.display{display:block;margin:.6rem auto}
"""

INDEX_CSS = """
*{box-sizing:border-box}
body{margin:0;color:#222;background:#fff;line-height:1.55}
.wrap{max-width:70rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:1.7rem;margin:.3rem 0}
h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d0d0;padding-bottom:.2rem}
a{color:#0a4f86}
.lede{font-size:1.05rem;max-width:48rem}
ol.nbs{padding-left:0;list-style:none;display:grid;gap:.8rem;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr))}
ol.nbs li{border:1px solid #d0d0d0;border-radius:6px;padding:.7rem .9rem}
ol.nbs .t{font-weight:700;font-size:1.02rem}
ol.nbs p{margin:.3rem 0 0;font-size:.92rem;color:#444}
.feature{border:2px solid #D55E00;border-radius:6px;padding:.7rem 1rem;max-width:48rem}
.gallery{display:grid;gap:1.2rem;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));list-style:none;padding:0}
.gallery figure{margin:0;border:1px solid #d0d0d0;border-radius:6px;padding:.6rem;height:100%}
.gallery img{width:100%;height:auto;display:block;background:#fff}
.gallery figcaption{font-size:.9rem;margin-top:.5rem;color:#333}
footer{margin-top:3rem;font-size:.85rem;color:#555;border-top:1px solid #d0d0d0;padding-top:.6rem}
"""


# ------------------------------------------------------------------------------ the inputs

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
    """(figure name, finding) in the README gallery's order; the README's gallery block is
    written from the figures' computed findings by tools/write_gallery.py."""
    text = README.read_text(encoding="utf-8")
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
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = render_math(cell.source)
    body, _ = exporter.from_notebook_node(nb, resources={"site_nav": nav, "site_css": css})
    return link_pages(body)


def link_pages(body: str) -> str:
    """Links between notebooks (``x.ipynb``) point at their pages on the site (``x.html``)."""
    return LOCAL_IPYNB.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)


def convert_notebooks(paths: list[Path], out: Path, solutions: list[Path] = ()) -> list[dict]:
    """Each notebook to ``notebooks/NAME.html`` and each worked solution to
    ``notebooks/solutions/NAME.html`` (the repository's layout, so relative links keep working)."""
    exporter = HTMLExporter(template_name="lab",
                            extra_loaders=[jinja2.DictLoader({"site.html.j2": TEMPLATE})],
                            template_file="site.html.j2")
    (out / "notebooks").mkdir(parents=True)
    info = []
    for p in paths:
        nb = json.loads(p.read_text(encoding="utf-8"))
        heading, question = notebook_title(nb, p)
        info.append({"path": p, "href": f"notebooks/{p.stem}.html", "title": heading,
                     "question": question, "solution": False})
    for i, item in enumerate(info):
        nav = [("../index.html", "\u2190 Index")]
        if i > 0:
            nav.append((f"{info[i - 1]['path'].stem}.html", f"\u2039 {info[i - 1]['path'].stem[:2]}"))
        nav.append((f"{item['path'].stem}.html", item["title"]))
        if i + 1 < len(info):
            nav.append((f"{info[i + 1]['path'].stem}.html", f"{info[i + 1]['path'].stem[:2]} \u203a"))
        body = _export(exporter, item["path"], _nav(nav, f"{item['path'].stem}.html"), "../site.css")
        (out / item["href"]).write_text(body, encoding="utf-8")
    if solutions:
        (out / "notebooks" / "solutions").mkdir()
    stems = {p.stem for p in paths}
    for p in solutions:
        nb = json.loads(p.read_text(encoding="utf-8"))
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


def write_index(out: Path, info: list[dict], figures: list[tuple[str, str]]) -> None:
    meta = data.article_meta()
    nbs = "".join(
        f'<li><a class="t" href="{html.escape(n["href"])}">{html.escape(n["title"])}</a>'
        f'<p>{html.escape(n["question"])}</p></li>' for n in info if not n["solution"])
    sols = "".join(f'<li><a href="{html.escape(n["href"])}">{html.escape(n["title"])}</a></li>'
                   for n in info if n["solution"])
    sols = (f'<h2 id="solutions">Worked solutions to the exercises</h2>\n<ul>{sols}</ul>\n'
            if sols else "")
    gal = "".join(
        f'<li><figure><a href="figures/{html.escape(name)}.png"><img src="figures/{html.escape(name)}.png" '
        f'alt="Figure {html.escape(name)}: {html.escape(finding)}"></a>'
        f'<figcaption><strong>{html.escape(name)}</strong>: {html.escape(finding)}</figcaption></figure></li>'
        for name, finding in figures)
    doc = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>debao_audit: auditing the statistics of one news article</title>
<link rel="stylesheet" href="site.css">
<style>{INDEX_CSS}</style>
</head>
<body>
<main class="wrap">
<p><a href="#notebooks">Notebooks</a> \u00b7 <a href="figures/annotated_article.html">Annotated article</a>
 \u00b7 <a href="#gallery">Figures</a></p>
<h1>debao_audit: auditing the statistics of one news article</h1>
<p class="lede">Every number in <span lang="zh-Hans">{html.escape(meta["title"])}</span>
({html.escape(meta["producer"])}, {html.escape(meta["date_published"][:10])}) is read as the
article writes it and checked against the article's other figures and independent sources. These
pages are the project's executed notebooks, its figures and the annotated article, as built by
<code>make site</code>; nothing needs installing to read them.</p>
<div class="feature"><p><strong><a href="figures/annotated_article.html">The annotated article</a></strong>:
the article's text with every audited figure marked by its verdict, a summary of the failing
checks and which figure is the likely error, and a table of every check.</p></div>
<h2 id="notebooks">Notebooks, in order</h2>
<ol class="nbs">{nbs}</ol>
{sols}<h2 id="gallery">Figures</h2>
<ul class="gallery">{gal}</ul>
<footer><p>Article text \u00a9 its publisher, quoted for verification only. Figures and
notebooks: the project's licence (see the repository). CJK type: a subset of Noto Sans CJK SC,
SIL Open Font License 1.1.</p></footer>
</main>
</body>
</html>
"""
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


def build(out: Path, figures_dir: Path | None = None) -> Path:
    """Build the site into ``out`` from the notebooks and from the figures in ``figures_dir``
    (default: the output setting's ``figures/``)."""
    figures_dir = data.FIGURES if figures_dir is None else Path(figures_dir)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        info = convert_notebooks(notebooks(), tmp, sorted((NOTEBOOKS / "solutions").glob("*.ipynb")))
        figs = gallery()
        (tmp / "figures").mkdir()
        for name, _ in figs:
            src = figures_dir / f"{name}.png"
            if not src.is_file():
                raise SystemExit(f"{src}: in the README gallery but not built: run make")
            shutil.copyfile(src, tmp / "figures" / src.name)
        page_src = figures_dir / page.DEFAULT_PATH.name
        if not page_src.is_file():
            raise SystemExit(f"{page_src}: not built: run make")
        shutil.copyfile(page_src, tmp / "figures" / page_src.name)
        write_index(tmp, info, figs)
        write_fonts(tmp)
        for f in tmp.rglob("*"):
            f.chmod(0o755 if f.is_dir() else 0o644)
        tmp.chmod(0o755)
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        out = build(args.out)
    except OSError as e:
        # e.g. a read-only checkout: one line naming the path, no traceback
        what = "the disk is full" if e.errno == 28 else e.strerror or str(e)
        print(f"site: cannot write {e.filename or args.out} ({what}); nothing was changed: "
              "build it elsewhere with --out DIR or DEBAO_AUDIT_OUTPUT=DIR", file=sys.stderr)
        return 2
    except SystemExit as e:
        if isinstance(e.code, str):
            print(f"site: {e.code}", file=sys.stderr)
            return 2
        raise
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    n = sum(1 for _ in out.rglob("*.html"))
    try:
        shown = out.relative_to(Path.cwd())
    except ValueError:
        shown = out
    print(f"{shown}/index.html: {n} pages, {size / 1e6:.1f} MB, "
          f"built in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
