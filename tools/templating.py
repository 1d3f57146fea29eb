"""The tools' templates (``tools/templates/``): HTML, CSS and JavaScript as files, rendered by
Jinja2 (no autoescaping: values are escaped where they are placed, with the ``h`` filter, the
same ``html.escape`` as the rest of the site)."""

from __future__ import annotations

import functools
import html
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    env.filters["h"] = html.escape
    return env


def render(name: str, **values) -> str:
    """``templates/NAME`` rendered with ``values``."""
    return environment().get_template(name).render(**values)


def text(name: str) -> str:
    """``templates/NAME`` as it is (a stylesheet, a template another engine renders)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")
