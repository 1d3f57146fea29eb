"""Tables for people: the notebooks display DataFrames as HTML (a pandas ``Styler``), not as
printed text.

:func:`show` returns a :class:`Table`, which Jupyter displays as HTML:

* verdicts coloured in the figures' palette (:data:`debao_audit.style.VERDICT_COLOURS`), as a
  tinted cell with a coloured edge and the verdict in words (colour is never the only cue),
  failures first (inconsistent, within rounding, consistent, not checkable; with a
  ``counts_as`` column: inconsistent, tension, consistent evidence, trivial or coincidence,
  derived);
* long text wraps inside its column, so a table fits a 1280 px JupyterLab without sideways
  scrolling; column widths sit once on the table's ``<col>`` elements, not on every cell, so a
  stored notebook stays small;
* every cell escaped, and the HTML deterministic: the Styler's uuid is fixed from the table's
  name (:meth:`pandas.io.formats.style.Styler.set_uuid`), so a fresh run stores exactly the same
  output and nbval stays strict;
* styles written inline on each element (:func:`inline_styles`), not in a ``<style>`` block:
  JupyterLab strips ``<style>`` from the outputs of a notebook that is not trusted (every
  freshly cloned notebook), but keeps inline styles, so the colours show without trusting.

Its plain-text form (``text/plain``) is a one-line summary, or, for a long table, the whole
table as text (its twin for readers without HTML).
"""

from __future__ import annotations

import html as _html
import re
from decimal import Decimal
from typing import Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from .style import VERDICT_COLOURS

#: Verdicts in the order a reader should see them: failures first.
VERDICT_ORDER = ("inconsistent", "tension", "within_rounding", "consistent", "not_checkable")
#: With a ``counts_as`` column (checks.csv): what a row counts as, in the order a reader should
#: see it (after the inconsistent rows, which come first whatever they count as).
STANDING_ORDER = ("tension", "evidence", "context", "trivial", "coincidence", "derived")
#: A table with more rows than this also gets a plain-text twin.
LONG = 20
#: Columns whose text is long prose: given more room, still wrapped.
PROSE = ("quote", "en", "title", "formula", "assumption", "explanation", "reconcile", "reason",
         "context", "note", "reported", "implied")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _cell(x: object) -> str:
    if isinstance(x, Decimal):
        return format(x, "f")
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return "" if x is None or (isinstance(x, float) and x != x) else str(x)


def _html_cell(x: object) -> str:
    """A cell's text, escaped, with a line-break opportunity after each ``_`` so that long
    snake_case ids wrap at their words (``<wbr>`` is invisible and is not copied)."""
    return _html.escape(_cell(x), quote=False).replace("_", "_<wbr>")


def verdict_css(verdict: object) -> str:
    """CSS for a verdict cell: a light tint and a solid edge in the verdict's colour."""
    colour = VERDICT_COLOURS.get(str(verdict))
    if colour is None:
        return ""
    weight = "font-weight: bold; " if verdict == "inconsistent" else ""
    colour = colour.lower()  # JupyterLab's style sanitizer accepts lower-case hex only
    # no nowrap needed: verdict cells get no <wbr>, so a verdict never breaks
    return f"{weight}background: {colour}26; border-left: 0.35em solid {colour};"


def failures_first(frame: pd.DataFrame, column: str = "verdict",
                   standing: str | None = "counts_as") -> pd.DataFrame:
    """Rows ordered by verdict, failures first, keeping the order within each verdict.

    If the frame has a ``standing`` column (``counts_as`` of checks.csv), that comes first
    after the inconsistent rows: inconsistent, then tensions (context checks that fail), then
    the evidence by verdict, then context checks that agree, then trivial and coincidental
    agreements, then derived figures
    (:data:`STANDING_ORDER`) — so no tension hides among the rows that cannot be checked."""
    unknown = set(frame[column]) - set(VERDICT_ORDER)
    if unknown:
        raise ValueError(f"column {column!r} holds values that are not verdicts: {sorted(unknown)}")
    rank = frame[column].map(VERDICT_ORDER.index)
    if standing and standing in frame.columns:
        odd = set(frame[standing]) - set(STANDING_ORDER)
        if odd:
            raise ValueError(f"column {standing!r} holds values that are not standings: "
                             f"{sorted(map(str, odd))}; expected one of {', '.join(STANDING_ORDER)}")
        failed = frame[column] == "inconsistent"
        # a context check whose figures disagree (verdict tension) sorts with the tensions
        effective = frame[standing].where(frame[column] != "tension", "tension")
        rank = (~failed) * (1 + effective.map(STANDING_ORDER.index)) * len(VERDICT_ORDER) + rank
    return frame.iloc[rank.argsort(kind="stable")]


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_TAG = re.compile(r"<(table|caption|th|td)\b([^>]*)>")
_ATTR = re.compile(r'\s(id|class)="([^"]*)"')


def inline_styles(html: str, uuid: str) -> str:
    """Move the CSS of a Styler's ``<style>`` block onto its elements' ``style`` attributes.

    Understands exactly the selectors :func:`show` produces (the table, ``caption``, ``th``,
    ``td``, ``td.colN``/``th.colN`` and the per-cell ids); anything else is an error rather
    than a silently unstyled table.  Order of precedence: element, then column class, then the
    cell's own style (the cell's verdict colour wins)."""
    m = re.match(r"\s*<style type=\"text/css\">(.*?)</style>\s*", html, re.S)
    if not m:
        raise ValueError("expected the Styler's HTML to start with its <style> block")
    css, body = m.group(1), html[m.end():]
    by_tag: dict[str, list[str]] = {}
    by_class: dict[tuple[str, str], list[str]] = {}
    by_id: dict[str, list[str]] = {}
    t = re.escape(f"T_{uuid}")
    for selectors, props in _RULE.findall(css):
        decl = [d.strip() for d in props.split(";") if d.strip()]
        for sel in (x.strip() for x in selectors.split(",")):
            if re.fullmatch(f"#{t}", sel):
                by_tag.setdefault("table", []).extend(decl)
            elif mm := re.fullmatch(f"#{t}\\s+(caption|th|td)", sel):
                by_tag.setdefault(mm.group(1), []).extend(decl)
            elif mm := re.fullmatch(f"#{t}\\s+(th|td)\\.(col\\d+)", sel):
                by_class.setdefault((mm.group(1), mm.group(2)), []).extend(decl)
            elif re.fullmatch(f"#{t}_row\\d+_col\\d+", sel):
                by_id.setdefault(sel[1:], []).extend(decl)
            else:
                raise ValueError(f"unexpected CSS selector {sel!r} in a table's style")

    def style(match: re.Match) -> str:
        tag, attrs = match.group(1), match.group(2)
        found = dict(_ATTR.findall(attrs))
        decl = list(by_tag.get(tag, []))
        for cls in found.get("class", "").split():
            decl += by_class.get((tag, cls), [])
        decl += by_id.get(found.get("id", ""), [])
        if not decl:
            return f"<{tag}>" if tag in ("th", "td") else match.group(0)
        merged: dict[str, str] = {}
        for d in decl:  # later declarations win, as in CSS
            prop, _, value = d.partition(":")
            merged.pop(prop.strip(), None)
            merged[prop.strip()] = value.strip()
        text = ";".join(f"{k}:{v}" for k, v in merged.items())
        keep = f' id="{found["id"]}"' if tag == "table" and "id" in found else ""
        return f'<{tag}{keep} style="{_html.escape(text)}">'

    return _TAG.sub(style, body)


class Table:
    """A DataFrame as Jupyter shows it: HTML from a Styler, text as a summary or a twin."""

    def __init__(self, frame: pd.DataFrame, styler: Styler, name: str, caption: str | None,
                 text_twin: bool, col_widths: Sequence[str | None] = ()):
        self.frame, self.styler, self.name, self.caption = frame, styler, name, caption
        self.text_twin, self.col_widths = text_twin, list(col_widths)

    def to_html(self) -> str:
        html = inline_styles(self.styler.to_html(), self.name)
        if any(self.col_widths):
            # one width per column, on its <col> (JupyterLab keeps inline styles there too)
            cols = "".join(f'<col style="width:{w}">' if w else "<col>" for w in self.col_widths)
            at = html.index("<thead>")
            html = f"{html[:at]}<colgroup>{cols}</colgroup>{html[at:]}"
        # one line per row: stored notebooks stay small (nbformat stores a string per line)
        return re.sub(r">\s+<", "><", html).replace("</tr>", "</tr>\n").rstrip("\n") + "\n"

    def to_text(self) -> str:
        head = f"{self.caption}\n" if self.caption else ""
        if self.text_twin:
            body = self.frame.map(_cell).to_string(index=False)
            return head + body
        cols = ", ".join(map(str, self.frame.columns))
        return f"{head}[table {self.name}: {len(self.frame)} rows; columns {cols}]"

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's text/plain
        p.text(self.to_text())


def show(frame: pd.DataFrame, name: str, *, caption: str | None = None,
         verdict: str | Sequence[str] | None = "verdict", sort: bool = True,
         widths: Mapping[str, str] | None = None, nowrap: Sequence[str] = (),
         text_twin: bool | None = None) -> Table:
    """Display ``frame`` as a styled HTML table.

    ``name`` (lower-case letters, digits, ``-``/``_``) fixes the Styler's uuid: give each table
    in a notebook its own.  ``verdict`` names the column to colour (and, with ``sort``, to order
    failures first), or several (``("before", "after")``: all coloured, the first sorts);
    ``None`` or missing columns: no colouring.  ``widths`` maps columns to a
    CSS max-width (prose columns default to 26em, others to 14em); ``nowrap`` keeps short
    columns on one line.  ``text_twin``: also give the whole table as plain text (default: when
    it has more than :data:`LONG` rows)."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"table name {name!r}: expected lower-case letters, digits, '-' or '_'")
    names = [verdict] if isinstance(verdict, str) else list(verdict or ())
    coloured = [c for c in names if c in frame.columns]
    colour = coloured[0] if coloured else None
    shown = failures_first(frame, colour) if (colour and sort) else frame
    shown = shown.reset_index(drop=True)
    widths = dict(widths or {})
    # Only what JupyterLab's own table style lacks, kept short: it is inline on every cell.
    styles = [
        {"selector": "", "props": "border-collapse: collapse; max-width: 100%;"},
        {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold;"},
        {"selector": "th", "props": "text-align: left; vertical-align: bottom;"},
    ]
    col_widths: list[str | None] = []
    for i, col in enumerate(shown.columns):
        numeric = (pd.api.types.is_numeric_dtype(shown[col])
                   and not pd.api.types.is_bool_dtype(shown[col]))
        # prose wraps at a readable width (set once, on the column's <col>); short columns
        # (and ids, which wrap at their underscores) take what they need
        width = None if col in nowrap else widths.get(col, "26em" if col in PROSE else None)
        col_widths.append(width)
        if numeric:
            styles.append({"selector": f"td.col{i}, th.col{i}", "props": "text-align: right;"})
        elif col in coloured:
            pass  # a verdict cell carries its own style; one word needs no alignment
        elif col in nowrap:
            styles.append({"selector": f"td.col{i}", "props": "text-align: left; white-space: nowrap;"})
        elif width:
            # text that wraps reads left-aligned (JupyterLab right-aligns cells); a short
            # one-line column keeps the notebook's own alignment, saving a style on every cell
            styles.append({"selector": f"td.col{i}", "props": "text-align: left;"})
    plain = [c for c in shown.columns if c not in coloured]
    styler = (shown.style.set_uuid(name).hide(axis="index")
              .format(_html_cell, subset=plain)
              .format(lambda x: _html.escape(_cell(x), quote=False), subset=coloured)
              .format_index(escape="html", axis=1)
              .set_table_styles(styles, overwrite=True))
    if caption:
        styler = styler.set_caption(caption)
    if coloured:
        styler = styler.map(verdict_css, subset=coloured)
    twin = len(shown) > LONG if text_twin is None else text_twin
    return Table(shown, styler, name, caption, twin, col_widths)
