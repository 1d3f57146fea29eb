"""The `make site` error catalogue: every broken input or unwritable output stops
tools/build_site.py with one line naming the file, the position if any, what was expected and
what was found; exit code 2, no traceback, and the site already there unchanged (nothing
half-written, no temporary directory left beside it).

A scratch copy of the inputs the site reads (two notebooks, one worked solution, the glossary,
the gallery page docs/figures.md, the committed figures and processed data) is made in a
temporary directory, one thing in it is broken, and the site is rebuilt over one already there.  The site
builder runs in this process (imported once), pointed at the copy.  A really full disk is in
test_full_disk.py (slow, needs root).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from debao_audit import data
from debao_audit.style import FONT_FILES

# Each case rebuilds a site (nbconvert over three notebooks): about a minute in all, so they
# run in `make test-build` and on CI (.ci/run), not in `make test`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NB = "03-examine-income-growth.ipynb"
SOLUTION = "solutions/03-examine-income-growth-solutions.ipynb"


@pytest.fixture(scope="module")
def site():
    # jsonschema (through nbformat) otherwise compiles its optional IRI grammars at import
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    mod = importlib.import_module("tools.build_site")
    return mod


def _inputs(base: Path) -> Path:
    """What the site reads, copied under ``base``: a small but complete set."""
    (base / "notebooks" / "solutions").mkdir(parents=True)
    for rel in ("00-read-the-article.ipynb", NB, SOLUTION, "glossary.md"):
        shutil.copy(ROOT / "notebooks" / rel, base / "notebooks" / rel)
    shutil.copytree(ROOT / "figures", base / "figures")
    shutil.copytree(ROOT / "data" / "processed", base / "data" / "processed")
    (base / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "figures.md", base / "docs" / "figures.md")
    (base / "fonts").mkdir()
    for font in FONT_FILES.values():
        shutil.copy(font, base / "fonts" / Path(font).name)
    return base


def _point_at(site, monkeypatch, base: Path) -> None:
    monkeypatch.setattr(site, "NOTEBOOKS", base / "notebooks")
    monkeypatch.setattr(site, "GLOSSARY", base / "notebooks" / "glossary.md")
    monkeypatch.setattr(site, "GALLERY", base / "docs" / "figures.md")
    monkeypatch.setattr(data, "FIGURES", base / "figures")
    monkeypatch.setattr(site, "FONT_FILES", {key: base / "fonts" / Path(font).name
                                             for key, font in FONT_FILES.items()})


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    """The site already there, which each failed build must leave as it was (its contents do
    not matter; building a real one would cost a full build)."""
    site = tmp_path_factory.mktemp("good") / "site"
    (site / "notebooks").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>the previous site</title>\n")
    (site / "site.css").write_text("/* the previous site's style */\n")  # a site of ours
    (site / "notebooks" / f"{Path(NB).stem}.html").write_text("<p>the previous page</p>\n")
    return site


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# -- breaking one thing -----------------------------------------------------------------------

def _nb_json(rel: str, change):
    def edit(base: Path) -> None:
        p = base / "notebooks" / rel
        nb = json.loads(p.read_text(encoding="utf-8"))
        change(nb)
        p.write_text(json.dumps(nb), encoding="utf-8")
    return edit


def _nb_text(rel: str, change):
    def edit(base: Path) -> None:
        p = base / "notebooks" / rel
        p.write_text(change(p.read_text(encoding="utf-8")), encoding="utf-8")
    return edit


def _cell(nb: dict, kind: str, n: int = 0) -> dict:
    return [c for c in nb["cells"] if c["cell_type"] == kind][n]


def _first_png_output(nb: dict) -> None:
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out["data"]["image/png"] = "bm90IGEgcG5n\n"    # b"not a png"
                out["metadata"] = {}
                return
    raise AssertionError("no embedded PNG to break")


def _merge_conflict(text: str) -> str:
    lines = text.splitlines(True)
    lines.insert(40, "<<<<<<< HEAD\n")
    return "".join(lines)


def _write(rel: str, content: bytes):
    def edit(base: Path) -> None:
        (base / rel).write_bytes(content)
    return edit


def _cut(rel: str, keep: int):
    def edit(base: Path) -> None:
        p = base / rel
        p.write_bytes(p.read_bytes()[:keep])
    return edit


def _remove(rel: str):
    def edit(base: Path) -> None:
        (base / rel).unlink()
    return edit


def _dangling(rel: str):
    def edit(base: Path) -> None:
        (base / rel).symlink_to("nowhere.ipynb")
    return edit


def _checks_without_verdicts(base: Path) -> None:
    (base / "data" / "processed" / "findings.csv").unlink()
    (base / "data" / "processed" / "checks.csv").write_text("title,reported,implied\na,1,2\n")


def _page_without_gallery(base: Path) -> None:
    p = base / "docs" / "figures.md"
    text = p.read_text(encoding="utf-8")
    start, end = text.index("<!-- gallery -->"), text.index("<!-- /gallery -->")
    p.write_text(text[:start] + text[end:], encoding="utf-8")


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True)
    path.write_text("someone's file, not a site\n")
    return path


def _out_under_a_file(base: Path) -> str:
    (base / "a-file").write_text("not a directory\n")
    return str(base / "a-file" / "site")


NBP = rf"\S+/notebooks/{re.escape(NB)}"
# case: (what to break, the one line it must end in (a regex after "site: "), the output dir:
# None for the site beside the inputs, or a function making one elsewhere)
CASES = {
    "a notebook cut short (not JSON)": (
        _nb_text(NB, lambda text: text[:5000]),
        NBP + r", line \d+, column \d+: expected a notebook \(JSON: unterminated string "
              r"starting at\); got '.+'"),
    "a merge conflict in a notebook": (
        _nb_text(NB, _merge_conflict),
        NBP + r", line 41, column 1: expected a notebook \(JSON: expecting ',' delimiter\); "
              r"got '<<<<<<< HEAD.*'"),
    "an empty notebook": (
        _write(f"notebooks/{NB}", b""),
        NBP + r", line 1, column 1: expected a notebook \(JSON: expecting value\); got the end "
              r"of the file"),
    "a notebook not in UTF-8": (
        _write(f"notebooks/{NB}", b"\xff\xfe{}"),
        NBP + r", byte 0: expected a notebook \(UTF-8 JSON\); got .*, not UTF-8"),
    "a notebook that is a JSON array": (
        _write(f"notebooks/{NB}", b"[1, 2]"),
        NBP + r", the top level: expected a notebook \(a JSON object\); got an array"),
    "a notebook in nbformat 3": (
        _nb_json(NB, lambda nb: nb.update(nbformat=3)),
        NBP + r", 'nbformat': expected 4 \(nbformat 4, as make writes\); got 3"),
    "a notebook without cells": (
        _nb_json(NB, lambda nb: nb.pop("cells")),
        NBP + r", 'cells': expected an array; got nothing"),
    "a cell of an unknown type": (
        _nb_json(NB, lambda nb: nb["cells"][2].update(cell_type="banana")),
        NBP + r", cells\[2\]: expected a cell of type 'code', 'markdown' or 'raw' \(nbformat 4\); "
              r"got cell_type 'banana'"),
    "a cell whose source is a number": (
        _nb_json(NB, lambda nb: nb["cells"][2].update(source=5)),
        NBP + r", cells\[2\]\.source: expected .*string.*; got .*5"),
    "a cell without metadata": (
        _nb_json(NB, lambda nb: nb["cells"][2].pop("metadata")),
        NBP + r", cells\[2\]: expected a property 'metadata'; got an object without it"),
    "a worked solution cut short": (
        _nb_text(SOLUTION, lambda text: text[:3000]),
        rf"\S+/notebooks/{re.escape(SOLUTION)}, line \d+, column \d+: expected a notebook "
        r"\(JSON: .*\); got .+"),
    "a notebook that is missing (a dangling link)": (
        _dangling("notebooks/09-gone.ipynb"),
        r"cannot read \S+/notebooks/09-gone\.ipynb \(No such file or directory\)"),
    "the glossary missing": (
        _remove("notebooks/glossary.md"),
        r"cannot read \S+/notebooks/glossary\.md \(No such file or directory\)"),
    "a formula mathtext cannot draw": (
        _nb_json(NB, lambda nb: _cell(nb, "markdown", 1).update(
            source=["A formula: $\\frac{1}{2$ and $\\nosuchmacro{x}$.\n"])),
        NBP + r", cell \d+: expected formulas \(\$\.\.\.\$, \$\$\.\.\.\$\$\) matplotlib's "
              r"mathtext can draw; got one it cannot \(.+\)"),
    "an embedded image that is not a PNG": (
        _nb_json(NB, _first_png_output),
        NBP + r", cell \d+, output \d+, image/png: expected a PNG image \(base64\); got cannot "
              r"identify image file .*"),
    "a gallery figure that is not a PNG": (
        _write("figures/income_growth.png", b"not a png"),
        r"\S+/figures/income_growth\.png: expected a PNG image \(as make writes it\); got "
        r"cannot identify image file .*: run make"),
    "a gallery figure cut short": (
        _cut("figures/income_growth.png", 2000),
        r"\S+/figures/income_growth\.png: expected a PNG image \(as make writes it\); got .+: "
        r"run make"),
    "a gallery figure missing": (
        _remove("figures/income_growth.svg"),
        r"\S+/figures/income_growth\.svg: in the gallery \(docs/figures\.md\) but not built: "
        r"run make"),
    "the gallery page without its gallery": (
        _page_without_gallery,
        r"\S+/docs/figures\.md: expected a gallery block \(<!-- gallery --> \.\.\. <!-- /gallery -->\) "
        r"naming figures/NAME\.png; got none: run make"),
    "the gallery page missing": (
        _remove("docs/figures.md"),
        r"cannot read \S+/docs/figures\.md \(No such file or directory\)"),
    "findings not in UTF-8": (
        _write("data/processed/findings.csv", b"statement_en,statement_zh\n\xff\xfe,x\n"),
        r"\S+/data/processed/findings\.csv, byte 26: expected UTF-8 text \(CSV\); got "
        r"b'\\xff\\xfe,x', not UTF-8: run make"),
    "findings without their sentences": (
        _write("data/processed/findings.csv", b"finding_id,kind\nF1,likely_error\n"),
        r"\S+/data/processed/findings\.csv: expected a column 'statement_en'; got columns "
        r"finding_id, kind: run make"),
    "checks without a verdict column (and no findings)": (
        _checks_without_verdicts,
        r"\S+/data/processed/checks\.csv: expected a column 'verdict'; got columns title, "
        r"reported, implied: run make"),
    "an output directory under a file": (
        _out_under_a_file,
        r"cannot write \S+/a-file \((File exists|Not a directory)\); nothing was changed: build "
        r"it elsewhere with --out DIR or DEBAO_AUDIT_OUTPUT=DIR"),
    "the output is a file": (
        lambda base: str(_file(base / "elsewhere" / "site")),
        r"\S+/elsewhere/site: expected the site's directory, or nothing there; got a file: "
        r"remove it, or build elsewhere with --out DIR"),
    "a read-only output directory": (
        lambda base: "/proc/debao/site",      # nothing can be created in /proc, even by root
        r"cannot write /proc/debao\S* \(.+\); nothing was changed: build it elsewhere with "
        r"--out DIR or DEBAO_AUDIT_OUTPUT=DIR"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_site_that_cannot_be_built_fails_in_one_line(site, good_site: Path, tmp_path: Path,
                                                        monkeypatch, capsys, case: str) -> None:
    breaks, says = CASES[case]
    base = _inputs(tmp_path / "repo")
    out = base / "site"
    shutil.copytree(good_site, out)
    before = _snapshot(out)
    target = breaks(base)
    _point_at(site, monkeypatch, base)
    assert site.main(["--out", str(target or out), "--solutions"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and len(err) < 500, err
    assert re.fullmatch(rf"site: {says}(; nothing was changed)?", lines[0]), lines[0]
    # The site already there is unchanged, and nothing is left beside it.
    assert _snapshot(out) == before
    assert sorted(p.name for p in base.iterdir() if p.name.startswith((".site", "site"))) == [
        "site"]


def test_a_killed_builds_scratch_directory_goes_with_the_next_build(site, good_site: Path,
                                                                    tmp_path: Path,
                                                                    monkeypatch) -> None:
    """A make site killed mid-build leaves .site.XXXX beside the target; the next build (which
    holds the lock, so no other build owns it) removes it; a second build at the same time is
    refused in one line."""
    base = _inputs(tmp_path / "repo")
    _point_at(site, monkeypatch, base)
    left = base / ".site.k1ll3d"
    (left / "notebooks").mkdir(parents=True)
    (left / "notebooks" / "half.html").write_text("<html>")
    assert site.main(["--out", str(base / "site")]) == 0
    assert not left.exists() and (base / "site" / "index.html").is_file()
    import fcntl
    import os
    fd = os.open(base, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(site.SiteError, match="another make site is building"):
            site.build(base / "site")
    finally:
        os.close(fd)
