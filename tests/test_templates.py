"""Templates are files (issue 25): no HTML, CSS or JavaScript in a Python string longer than a
few lines anywhere in src/ or tools/; the page's and the site's templates live in
src/debao_audit/templates/ and tools/templates/, one copy each, and travel in the wheel."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from source_scan import docstrings

ROOT = Path(__file__).resolve().parents[1]
#: The longest a string holding markup, a style sheet or a script may be, in source lines.
MAX_LINES = 8
#: What marks a string as HTML, CSS or JavaScript.
MARKUP = re.compile(
    r"<(?:!DOCTYPE|html|head|body|div|span|p|a|script|style|section|ul|ol|li|table|tr|td|th|"
    r"meta|link|h[1-6]|nav|img|figure|main|header|footer|button|svg|mark|blockquote)\b"
    r"|\{%|^\s*[.#@]?[\w-]+\s*\{[^}]*:[^}]*\}?"            # a CSS rule
    r"|function\s*\(|=>|document\.|addEventListener", re.I | re.M)


def long_markup_strings(source: str, name: str = "<source>") -> list[str]:
    """Every string literal (implicit concatenations and f-strings whole; docstrings aside)
    longer than MAX_LINES lines whose text looks like HTML, CSS or JavaScript."""
    tree = ast.parse(source)
    source_lines = source.splitlines()
    skip = docstrings(tree)
    inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for v in ast.walk(node) if v is not node}
    found = []
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in inner:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "\n".join(source_lines[node.lineno - 1:node.end_lineno])
        else:
            continue
        lines = node.end_lineno - node.lineno + 1
        if lines > MAX_LINES and MARKUP.search(text):
            found.append(f"{name}:{node.lineno}: {lines} lines")
    return found


def test_no_template_in_a_python_string() -> None:
    found = []
    for top in ("src", "tools"):
        for path in sorted((ROOT / top).rglob("*.py")):
            found += long_markup_strings(path.read_text(encoding="utf-8"),
                                         str(path.relative_to(ROOT)))
    assert not found, f"HTML/CSS/JS longer than {MAX_LINES} lines in Python strings: {found}"


def test_the_detector_finds_markup_strings_and_only_those() -> None:
    html = "\n".join(["<section>", *(f"<p>{i}</p>" for i in range(MAX_LINES - 1)), "</section>"])
    css = "\n".join(f".c{i}{{color:#000}}" for i in range(MAX_LINES + 1))
    script = "\n".join(["document.querySelectorAll('x')", *(["x();"] * MAX_LINES)])
    for text in (html, css, script):
        assert long_markup_strings(f"X = {text!r}\n") == []              # one source line
        triple = f'X = """{text}"""\n'
        assert long_markup_strings(triple) == ["<source>:1: " f"{MAX_LINES + 1} lines"]
        assert long_markup_strings(f'def f(x):\n    return f"""{text}{{x}}"""\n') != []
        assert long_markup_strings(f'"""{text}"""\n') == []               # a docstring
    short = "\n".join(html.splitlines()[:MAX_LINES])
    assert long_markup_strings(f'X = """{short}"""\n') == []
    prose = "\n".join(["Plain words, no markup."] * (MAX_LINES + 2))
    assert long_markup_strings(f'X = """{prose}"""\n') == []


def test_each_template_has_one_copy_and_the_engine_ships_its_own() -> None:
    engine = sorted(p.name for p in (ROOT / "src" / "debao_audit" / "templates").iterdir())
    tools = sorted(p.name for p in (ROOT / "tools" / "templates").iterdir())
    assert {"page.html.j2", "page.css", "page.js", "mark.html.j2", "footer.html.j2"} <= set(engine)
    assert {"index.html.j2", "case.html.j2", "notebook.html.j2", "site.css", "index.css",
            "lite_index.html.j2", "kernel_check.html.j2"} <= set(tools)
    assert not set(engine) & set(tools), "a template in both places"
    texts = [p.read_bytes() for d in ("src/debao_audit/templates", "tools/templates")
             for p in sorted((ROOT / d).iterdir()) if p.suffix != ".json"]
    assert len(set(texts)) == len(texts), "two templates with the same content"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"templates/*"' in pyproject and '"jinja2"' in pyproject
