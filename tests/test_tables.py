"""The notebooks' HTML tables: deterministic, escaped, verdicts coloured and failures first,
styles inline (so JupyterLab shows them in an untrusted notebook), long tables with a text twin."""

import re
from decimal import Decimal

import pandas as pd
import pytest

from debao_audit import style, tables


@pytest.fixture
def frame():
    return pd.DataFrame({
        "check_id": ["a_check", "b_check", "c_check", "d_check", "e_check"],
        "verdict": ["consistent", "not_checkable", "inconsistent", "within_rounding", "inconsistent"],
        "note": ["x < y & z", "plain", "2.24亿元", "近200名", "last"],
        "n": [1, 2, 3, 4, 5],
    })


def test_failures_first_keeps_order_within_a_verdict(frame):
    out = tables.failures_first(frame)
    assert out["check_id"].tolist() == ["c_check", "e_check", "d_check", "a_check", "b_check"]


def test_failures_first_rejects_unknown_verdicts(frame):
    frame.loc[0, "verdict"] = "fine"
    with pytest.raises(ValueError, match="'fine'"):
        tables.failures_first(frame)


def test_html_is_deterministic_and_has_no_random_ids(frame):
    a = tables.show(frame, "t-one").to_html()
    b = tables.show(frame.copy(), "t-one").to_html()
    assert a == b
    ids = re.findall(r'id="([^"]+)"', a)
    assert ids == ["T_t-one"]  # the table's fixed id; cells carry their style, not ids
    assert "0x" not in a
    assert tables.show(frame, "t-two").to_html() != a   # each table its own ids


def test_cells_are_escaped_and_ids_wrap_at_underscores(frame):
    html = tables.show(frame, "esc").to_html()
    assert "x &lt; y &amp; z" in html and "x < y" not in html
    assert "a_<wbr>check" in html
    assert "2.24亿元" in html and "近200名" in html


def test_styles_are_inline_with_no_style_block(frame):
    html = tables.show(frame, "inline", caption="A caption").to_html()
    assert "<style" not in html
    assert re.search(r'<table id="T_inline" style="[^"]*border-collapse', html)
    assert re.search(r'<caption style="[^"]*">A caption</caption>', html)
    # the prose column (note) is left-aligned on every cell; verdicts carry their colour
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1])
    for row in rows:
        cells = re.findall(r"<td[^>]*>", row)
        assert "border-left" in cells[1] and "text-align:left" in cells[2]


def test_widths_sit_once_on_the_columns_not_on_every_cell(frame):
    html = tables.show(frame, "widths", widths={"note": "20em"}).to_html()
    assert "<colgroup><col><col><col style=\"width:20em\"><col></colgroup><thead>" in html
    assert "max-width:20em" not in html and html.count("20em") == 1


def test_tensions_do_not_hide_among_the_rows_that_cannot_be_checked():
    f = pd.DataFrame({
        "check_id": ["derived", "trivial", "evidence_ok", "tension", "failed", "close",
                     "context_ok", "context_fails"],
        "verdict": ["not_checkable", "consistent", "consistent", "tension",
                    "inconsistent", "within_rounding", "consistent", "tension"],
        "counts_as": ["derived", "trivial", "evidence", "context", "evidence", "evidence",
                      "context", "context"]})
    out = tables.show(f, "standing")
    # a context check that fails is a tension: second, beside the other tensions
    assert out.frame["check_id"].tolist() == ["failed", "tension", "context_fails", "close",
                                              "evidence_ok", "context_ok", "trivial", "derived"]
    f.loc[0, "counts_as"] = "maybe"
    with pytest.raises(ValueError, match="'maybe'"):
        tables.failures_first(f)


def test_verdicts_in_the_figures_palette(frame):
    html = tables.show(frame, "colours").to_html()
    cells = re.findall(r'<td [^>]*style="([^"]*)"[^>]*>([a-z_<>]+)</td>', html)
    colours = {v.replace("<wbr>", ""): s for s, v in cells
               if v.replace("<wbr>", "") in style.VERDICT_COLOURS}
    assert set(colours) == set(style.VERDICT_COLOURS) & set(frame["verdict"])
    for v, css in colours.items():
        assert f"border-left:0.35em solid {style.VERDICT_COLOURS[v].lower()}" in css
    assert "font-weight:bold" in colours["inconsistent"]
    assert "font-weight" not in colours["consistent"]
    # the first data row is a failure
    first = re.search(r"<tbody>.*?</tr>", html, re.S).group(0)
    assert "inconsistent" in first and "c_<wbr>check" in first


def test_numbers_right_aligned_and_decimals_exact():
    t = tables.show(pd.DataFrame({"x": ["a"], "n": [12364], "d": [Decimal("0.10")]}), "nums",
                    verdict=None)
    html = t.to_html()
    n_cell = re.findall(r"<td[^>]*>", re.search(r"<tbody>.*?</tr>", html, re.S).group(0))[1]
    assert "text-align:right" in n_cell
    assert ">0.10</td>" in html


def test_text_twin_only_for_long_tables(frame):
    short = tables.show(frame, "short", caption="Five checks")
    assert repr(short) == ("Five checks\n[table short: 5 rows; columns check_id, verdict, note, n]")
    long = tables.show(pd.concat([frame] * 5, ignore_index=True), "long")
    text = repr(long)
    assert len(text.splitlines()) == 1 + 25 and "x < y & z" in text
    # failures first in the twin too
    assert text.splitlines()[1].split()[1] == "inconsistent"


def test_no_verdict_column_means_no_colour_and_no_reordering(frame):
    t = tables.show(frame.drop(columns="verdict"), "plain")
    assert t.frame["check_id"].tolist() == frame["check_id"].tolist()
    assert "border-left" not in t.to_html()


def test_bad_names_and_foreign_css_fail_loudly(frame):
    with pytest.raises(ValueError, match="table name"):
        tables.show(frame, "Bad Name")
    with pytest.raises(ValueError, match="unexpected CSS selector"):
        tables.inline_styles('<style type="text/css">\n#T_x p { color: red; }\n</style>\n<table id="T_x">'
                             "</table>", "x")


def test_jupyter_sees_html_and_text(frame):
    t = tables.show(frame, "bundle")
    assert t._repr_html_() == t.to_html()
    from IPython.core.formatters import DisplayFormatter
    data, _ = DisplayFormatter().format(t)
    assert set(data) >= {"text/html", "text/plain"}
    assert "0x" not in data["text/plain"]


def test_several_verdict_columns_all_coloured_first_sorts():
    f = pd.DataFrame({"id": ["a", "b"], "before": ["consistent", "inconsistent"],
                      "after": ["inconsistent", "consistent"]})
    t = tables.show(f, "two", verdict=("before", "after"))
    assert t.frame["id"].tolist() == ["b", "a"]
    assert t.to_html().count("border-left:0.35em solid") == 4
