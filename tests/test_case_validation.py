"""Validation of a case folder is total (issue 22): every key of case.json typed (a JSON Schema,
package data, checked with jsonschema), every file a regular file inside the folder, every
column with its type, range and meaning.  Each bad input is refused in one line naming the file
at fault, the key or row and the column; nothing is a traceback."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os

import pytest

from debao_audit import case, data, validate
from test_cases import PRACTICE, copy_case


def refused(folder, *, file: str, where: str) -> str:
    """validate_case refuses ``folder`` in one line that names ``file`` and ``where``."""
    with pytest.raises((case.CaseError, data.DataError)) as e:
        validate.validate_case(folder)
    line = str(e.value)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(str(folder / file)), line
    assert where in line, line
    return line


def set_cell(folder, file, row, column, value):
    p = folder / file
    rows = list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    p.write_text(out.getvalue(), encoding="utf-8")


def add_relation(folder, **cols):
    p = folder / "relations.csv"
    rows = list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline="")))
    row = dict(zip(rows[0], rows[1]))
    row.update(check_id="extra_check", other="", years="", inclusion="", inclusion_reason="")
    row.update(cols)
    rows.append([row[h] for h in rows[0]])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    p.write_text(out.getvalue(), encoding="utf-8")


# --- case.json: every key typed (the tracebacks and wrong blames first) -------------

@pytest.mark.parametrize("key, value", [
    ("structure.dateline", 12), ("structure.end_mark", ["(完)"]), ("external", 3),
    ("units", {"公里": 5}), ("module", ".checks"), ("invented", "no"), ("slug", 7),
    ("authors", "x"), ("license", "CC"), ("sha256", 5), ("claims", ["claims.csv"]),
    ("date_published", 2021), ("units", ["公里"]), ("structure", []), ("unknown_key", 1),
    ("title", "标题\u0007"), ("units", {"公里": ["kilometre", "weighed"]}),
    ("structure.headings", ["资金支持", ""]), ("url", "javascript:alert(1)"),
])
def test_every_key_of_case_json_is_typed(tmp_path, key, value):
    def edit(spec):
        if "." in key:
            a, b = key.split(".")
            spec[a][b] = value
        else:
            spec[key] = value
    folder = copy_case(tmp_path / "c", edit)
    line = refused(folder, file="case.json", where=f"'{key.split('.')[0]}")
    assert "expected" in line and "found" in line or "got" in line


def test_the_schema_is_package_data_and_a_valid_schema():
    import jsonschema
    schema = case.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    spec = json.loads((PRACTICE / "case.json").read_text(encoding="utf-8"))
    assert set(spec) <= set(schema["properties"])
    assert all("description" in v for v in schema["properties"].values())


def test_deep_or_huge_case_json_is_one_line(tmp_path):
    folder = copy_case(tmp_path / "deep")
    (folder / "case.json").write_text("[" * 100_000 + "]" * 100_000)
    refused(folder, file="case.json", where="nested at most")
    folder = copy_case(tmp_path / "huge", title_en="x" * 2_000_000)
    refused(folder, file="case.json", where="at most 1,000,000 bytes")


# --- the slug and the folder -----------------------------------------------------------------

@pytest.mark.parametrize("slug, where", [
    ("../../escape", "'slug'"), ("other-name", "the case folder's own name"),
    ("a b", "'slug'"), (".hidden", "'slug'"),
])
def test_a_slug_is_one_safe_name_equal_to_its_folder(tmp_path, slug, where):
    folder = copy_case(tmp_path / "folder", slug=slug)
    refused(folder, file="case.json", where=where)


def test_a_folder_name_with_a_space_is_refused_naming_the_rule(tmp_path):
    folder = copy_case(tmp_path / "with space")
    with pytest.raises(case.CaseError, match="letters, digits"):
        case.load(folder)


# --- files: regular, inside, bounded ---------------------------------------------------------

def test_a_linked_article_is_blamed_on_the_key_that_names_it(tmp_path):
    folder = copy_case(tmp_path / "link")
    (folder / "article.txt").rename(folder / "real.txt")
    (folder / "article.txt").symlink_to(folder / "real.txt")
    refused(folder, file="case.json", where="'article'")
    (folder / "article.txt").unlink()
    (folder / "article.txt").symlink_to("/dev/zero")
    refused(folder, file="case.json", where="'article'")


def test_a_fifo_or_a_directory_is_not_read(tmp_path):
    folder = copy_case(tmp_path / "fifo")
    (folder / "claims.csv").unlink()
    os.mkfifo(folder / "claims.csv")
    refused(folder, file="case.json", where="'claims': expected a regular file")
    folder = copy_case(tmp_path / "dir")
    (folder / "claims.csv").unlink()
    (folder / "claims.csv").mkdir()
    refused(folder, file="case.json", where="'claims': expected a regular file")


def test_control_characters_in_any_text_file(tmp_path):
    folder = copy_case(tmp_path / "nul")
    text = (folder / "article.txt").read_bytes().replace("总人口".encode(), "总人口\0".encode(), 1)
    (folder / "article.txt").write_bytes(text)
    spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    spec["sha256"] = hashlib.sha256(text).hexdigest()
    (folder / "case.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    refused(folder, file="article.txt", where="control character")
    for file, column in (("claims.csv", "en"), ("relations.csv", "title"),
                         ("external.csv", "note"), ("excluded_tokens.csv", "reason")):
        folder = copy_case(tmp_path / file.split(".")[0])
        set_cell(folder, file, 1, column, "a\x1bb")
        refused(folder, file=file, where=f"column '{column}'")


# --- columns: type, range, meaning -----------------------------------------------------------

GROWTH = dict(shape="compound_growth", left="rural_income_growth_total",
              right="rural_income_growth_annual")


@pytest.mark.parametrize("cols, column, says", [
    (dict(GROWTH, left="pairing_start_date", years="5"), "left", "not a date"),
    (dict(GROWTH, left="population_total", years="5"), "left", "a rate in percent"),
    (dict(shape="equals", left="population_total", right="population_total"), "right",
     "with itself"),
    (dict(shape="part_whole", left="poor_villages_exited;poor_villages_exited",
          right="population_total", inclusion="stated", inclusion_reason="x"), "left",
     "with itself"),
    (dict(GROWTH, years="100000000000000000000"), "years", "from 1 to 100"),
    (dict(GROWTH, years="0"), "years", "≥ 1"),
    (dict(GROWTH, years="2.5"), "years", "whole number"),
    (dict(shape="equals", left="population_total", right="rural_income_2020"), "right",
     "like with like"),
    (dict(shape="date_order", left="population_total", right="publication"), "left", "a date"),
    (dict(shape="equals", left="population_total", right="ext_population_2020",
          title="{nope} total"), "title", "{nope} (no claim"),
    (dict(shape="equals", left="population_total", right="ext_population_2020",
          title="{ext_population_2020} total"), "title", "external figure"),
    (dict(shape="equals", left="population_total", right="ext_population_2020",
          title="{population_total:>99999999} total"), "title", "with a format"),
    (dict(shape="equals", left="population_total", right="ext_population_2020",
          formula="a { b"), "formula", "braces"),
    (dict(shape="sum_total", left="poor_villages_exited", right="population_total"),
     "inclusion", "part-whole"),
    (dict(shape="equals", left="population_total", right="ext_population_2020",
          inclusion="stated"), "inclusion_reason", "a sentence"),
])
def test_every_relation_column_has_its_meaning(tmp_path, cols, column, says):
    folder = copy_case(tmp_path / "r")
    add_relation(folder, **cols)
    line = refused(folder, file="relations.csv", where=f"column '{column}'")
    assert says in line, line


def test_unchecked_claims_name_known_claims(tmp_path):
    folder = copy_case(tmp_path / "u", unchecked="unchecked_claims.csv")
    (folder / "unchecked_claims.csv").write_text("id,reason\nno_such_claim,because\n",
                                                 encoding="utf-8")
    line = refused(folder, file="unchecked_claims.csv", where="column 'id'")
    assert str(folder / "claims.csv") in line or "claims.csv" in line


def test_an_undeclared_unit_points_to_case_json_units(tmp_path):
    folder = copy_case(tmp_path / "unit")
    set_cell(folder, "claims.csv", 2, "unit", "kilometre")
    line = refused(folder, file="claims.csv", where="column 'unit'")
    assert "case.json's \"units\"" in line


def test_the_repository_s_own_relations_mean_what_they_say():
    """The meaning rules hold for this article's and the practice case's relations."""
    assert validate.validate_case(PRACTICE)["checks"] == 19
    assert case.default().registry()
