"""The README is a front page and docs/ holds the detail: every relative link and image in
README.md and docs/*.md resolves (file, and heading anchor where one is named), every docs page
is reached from the README, and the README stays short."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
#: A front page a newcomer reads in five minutes.
README_MAX_LINES = 120

_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SRC = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def targets(text: str) -> list[str]:
    """Every link and image target in a markdown text, outside code blocks and code spans."""
    text = _FENCE.sub("", text)
    text = re.sub(r"`[^`\n]*`", "", text)
    return [m.group(1) for m in _LINK.finditer(text)] + [m.group(1) for m in _SRC.finditer(text)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped, spaces to '-'."""
    h = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())
    h = h.replace("`", "").lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    out = set()
    for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        s = slug(m.group(1))
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else f"{s}-{n}")
    return out


def broken(path: Path, root: Path = ROOT) -> list[str]:
    """The relative targets in ``path`` that do not resolve inside ``root`` (with the reason)."""
    bad = []
    for t in targets(path.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", t, re.I):  # http:, https:, mailto: ...
            continue
        file, _, anchor = t.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.is_relative_to(root) or not dest.exists():
            bad.append(f"{t}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{t}: no heading with anchor #{anchor} in {dest.relative_to(root)}")
    return bad


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_resolves(path):
    assert broken(path) == []


def test_the_link_check_can_fail(tmp_path):
    (tmp_path / "outside.md").write_text("# Out\n", encoding="utf-8")
    tmp_path = tmp_path / "repo"
    tmp_path.mkdir()
    (tmp_path / "there.md").write_text("# A heading, with `code`\n\n## Run it: `make lite`\n",
                                       encoding="utf-8")
    (tmp_path / "pic.png").write_bytes(b"")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](there.md) [ok](there.md#a-heading-with-code) [ok](there.md#run-it-make-lite) "
        "![ok](pic.png) <img src=\"pic.png\"> [web](https://example.org/x) [self](#top)\n"
        "# Top\n"
        "[gone](missing.md) ![gone](nope.png) <img src=\"nope2.png\"> [bad](there.md#nowhere) "
        "[out](../outside.md)\n"
        "```\n[not a link](in-a-fence.md)\n```\n`[not a link](in-a-span.md)`\n",
        encoding="utf-8")
    assert sorted(b.split(":")[0] for b in broken(page, tmp_path)) == sorted(
        ["missing.md", "nope.png", "nope2.png", "there.md#nowhere", "../outside.md"])


def test_every_docs_page_is_reached_from_the_readme():
    linked = {(README.parent / t.partition("#")[0]).resolve()
              for t in targets(README.read_text(encoding="utf-8"))}
    assert [p.name for p in DOCS if p.resolve() not in linked] == []


def test_the_readme_is_a_front_page():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move detail to docs/"
    heads = [ln[3:] for ln in lines if ln.startswith("## ")]
    for section in ("What it finds", "Two commands", "Open the notebooks", "Teach with it",
                    "Share it", "Audit another article", "Cite"):
        assert any(h.startswith(section) for h in heads), section
