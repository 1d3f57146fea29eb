#!/usr/bin/env python3
"""Subset Noto Sans CJK SC into the project's shipped figure font.

Takes the Simplified Chinese face out of the Noto Sans CJK ``.ttc`` collections
(Debian package ``fonts-noto-cjk``), keeps only the characters the project
needs, renames the family (see ``fonts/README.md`` for why) and writes
``fonts/NotoSansCJKsc-{Regular,Bold}-subset.otf``.

The character set is the union of

* ASCII, Latin-1, General Punctuation, CJK Symbols and Punctuation,
  Halfwidth and Fullwidth Forms, and U+2212 MINUS SIGN;
* the 3755 GB2312 level-1 hanzi (bytes 0xB0A1..0xD7F9 decoded as ``gb2312``);
* every character in ``data/raw/article.txt``, in any text file under
  ``src/``, in the strings of ``notebooks/*.ipynb``, in ``data/**/*.csv`` and in
  every case folder's text files (``cases/**``).

Re-run it whenever those files gain characters (``debao_audit.style.save``
raises on any glyph missing from the subset).  Output is deterministic: the
same sources and repository text give byte-identical fonts (``head.modified``
is kept at the source font's value, never "now").

Usage::

    python -m tools.subset_font [--source-dir DIR] [--keep-name] [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

REPO = Path(__file__).resolve().parents[1]
FONT_DIR = REPO / "fonts"
DEFAULT_SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")

SOURCE_FAMILY = "Noto Sans CJK SC"
#: Family name inside the shipped subset (see fonts/README.md).
SUBSET_FAMILY = "DebaoAudit Sans CJK SC"
SUBSET_PS_PREFIX = "DebaoAuditSansCJKsc"

#: Unicode blocks always kept (inclusive ranges).
BASE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x2212, 0x2212),  # MINUS SIGN (axes.unicode_minus)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
)


@dataclass(frozen=True)
class Face:
    """One weight to extract: source collection and output file names."""

    style: str  # "Regular" or "Bold"
    ttc_name: str
    out_name: str


FACES: tuple[Face, ...] = (
    Face("Regular", "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular-subset.otf"),
    Face("Bold", "NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold-subset.otf"),
)


def gb2312_level1() -> set[str]:
    """Return the 3755 GB2312 level-1 hanzi (rows 0xB0..0xD7)."""
    chars: set[str] = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            if row == 0xD7 and cell > 0xF9:  # D7FA..D7FE are unassigned
                break
            chars.add(bytes((row, cell)).decode("gb2312"))
    return chars


def _json_strings(node: object) -> Iterator[str]:
    """Yield every string (keys and values) in a parsed JSON document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _json_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _json_strings(item)


def _read_text(path: Path) -> str | None:
    """Return the UTF-8 text of *path*, or None if it is not UTF-8 text."""
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def repository_texts(repo: Path = REPO) -> Iterator[tuple[Path, str]]:
    """Yield (path, text) for every repository file whose characters are kept."""
    article = repo / "data" / "raw" / "article.txt"
    yield article, article.read_text(encoding="utf-8")
    for path in sorted((repo / "src").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            text = _read_text(path)
            if text is not None:
                yield path, text
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        yield path, "\n".join(_json_strings(notebook))
    for path in sorted((repo / "data").rglob("*.csv")):
        text = _read_text(path)
        if text is not None:
            yield path, text
    # Every other case (cases/<slug>/: its article, claims, relations, case.json): its pages
    # and figures are drawn in the same font.
    for path in sorted((repo / "cases").rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".csv", ".json", ".md", ".py"):
            text = _read_text(path)
            if text is not None:
                yield path, text


def wanted_codepoints(texts: Iterable[str]) -> set[int]:
    """Return the code points to keep: base blocks, GB2312-1 and *texts*."""
    chars: set[str] = set(gb2312_level1())
    for text in texts:
        chars.update(text)
    points = {ord(c) for c in chars if unicodedata.category(c) not in {"Cc", "Cs"}}
    for first, last in BASE_RANGES:
        points.update(range(first, last + 1))
    return points


def _find_face(ttc: Path, family: str, style: str) -> int:
    """Return the index of the face *family*/*style* inside collection *ttc*."""
    collection = TTCollection(str(ttc), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            name = font["name"]
            if name.getDebugName(1) == family and name.getDebugName(2) == style:
                return index
    finally:
        collection.close()
    raise SystemExit(f"{ttc}: no face {family!r} {style!r}")


def _rename(font: TTFont, style: str, family: str, ps_prefix: str) -> None:
    """Set the user-visible names (name table and CFF) to *family*."""
    ps_name = f"{ps_prefix}-{style}"
    full_name = family if style == "Regular" else f"{family} {style}"
    version = font["name"].getDebugName(5) or ""
    new = {
        1: family,
        3: f"{font['head'].fontRevision:.3f};DEBAO;{ps_name};subset",
        4: full_name,
        5: f"{version}; subset by debao-audit tools/subset_font.py",
        6: ps_name,
    }
    name_table = font["name"]
    for record in name_table.names:
        if record.nameID in new:
            record.string = new[record.nameID]
    # The TTC shares one CFF table between its faces, so its internal names
    # read "NotoSansCJKjp-…"; align them with the name table.
    cff = font["CFF "].cff
    old_ps = cff.fontNames[0]
    cff.fontNames[0] = ps_name
    top = cff.topDictIndex[0]
    top.FamilyName = family
    top.FullName = full_name
    if hasattr(top, "FDArray"):
        for fd in top.FDArray:
            if getattr(fd, "FontName", "").startswith(old_ps):
                fd.FontName = ps_name + fd.FontName[len(old_ps):]


def subset_face(ttc: Path, face: Face, codepoints: set[int], keep_name: bool) -> bytes:
    """Extract *face* from *ttc*, subset it to *codepoints*, return the OTF bytes."""
    options = subset.Options()
    options.font_number = _find_face(ttc, SOURCE_FAMILY, face.style)
    options.name_IDs = ["*"]  # keep copyright, trademark, licence, designers
    options.name_languages = [0x0409]
    options.hinting = False  # matplotlib auto-hints; CFF hints only cost bytes
    options.notdef_outline = True
    options.recalc_timestamp = False
    options.ignore_missing_unicodes = True

    font = subset.load_font(str(ttc), options, lazy=False)
    source_modified = font["head"].modified
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    if keep_name:
        _rename(font, face.style, SOURCE_FAMILY, "NotoSansCJKsc")
    else:
        _rename(font, face.style, SUBSET_FAMILY, SUBSET_PS_PREFIX)
    font["head"].modified = source_modified  # deterministic, not "now"

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / face.out_name
        subset.save_font(font, str(out), options)
        font.close()
        return out.read_bytes()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source-dir", type=Path, default=DEFAULT_SOURCE_DIR,
        help="directory holding NotoSansCJK-{Regular,Bold}.ttc "
             f"(default: {DEFAULT_SOURCE_DIR})",
    )
    parser.add_argument("--out-dir", type=Path, default=FONT_DIR)
    parser.add_argument(
        "--keep-name", action="store_true",
        help=f"keep the family name {SOURCE_FAMILY!r} instead of {SUBSET_FAMILY!r}",
    )
    parser.add_argument(
        "--check", action="store_true",
        help="do not write; exit 1 if the shipped files differ from a fresh build",
    )
    args = parser.parse_args(argv)

    texts = list(repository_texts())
    codepoints = wanted_codepoints(text for _, text in texts)
    print(f"{len(texts)} files scanned, {len(codepoints)} code points requested")

    status = 0
    for face in FACES:
        ttc = args.source_dir / face.ttc_name
        data = subset_face(ttc, face, codepoints, args.keep_name)
        target = args.out_dir / face.out_name
        if args.check:
            same = target.exists() and target.read_bytes() == data
            print(f"{target}: {'up to date' if same else 'OUT OF DATE'}")
            status |= not same
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".otf.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        print(f"{target}: {len(data):,} bytes")

    if not args.check:  # report repository characters the source font lacks
        with TTFont(str(args.out_dir / FACES[0].out_name)) as regular:
            cmap = regular.getBestCmap()
        used = {ord(c) for _, text in texts for c in text} & codepoints
        absent = " ".join(f"U+{cp:04X}" for cp in sorted(used - cmap.keys()))
        if absent:
            print(f"warning: used but not in the source font: {absent}", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
