"""Provenance of the data: the article is the published text, every claim is tied to its exact
words, every number token is accounted for, and bad input fails loudly and precisely."""

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from debao_audit import data
from debao_audit.written import UNITS, read

@pytest.fixture(scope="module")
def article():
    return data.load_article()


@pytest.fixture(scope="module")
def claims(article):
    return data.load_claims(article=article)


def test_article_checksum_matches_metadata():
    meta = data.article_meta()
    assert data.sha256(data.ARTICLE) == meta["sha256"]
    for key in ("producer", "title", "authors", "url", "date_published", "date_accessed",
                "sha256", "license"):
        assert meta[key], key


def test_changed_article_is_a_loud_error(tmp_path):
    changed = tmp_path / "article.txt"
    changed.write_bytes(data.ARTICLE.read_bytes().replace("12364".encode(), "12365".encode()))
    with pytest.raises(data.DataError, match="sha256"):
        data.load_article(changed)


def test_each_quote_is_verbatim_and_holds_its_figure(article, claims):
    for c in claims:
        assert c.quote in article, c.id
        assert c.written in c.quote, c.id


def test_each_value_is_what_its_quote_says(claims):
    from debao_audit import case
    own = case.default().conventions                 # the reader's, with the article's units
    for c in claims:
        r = read(c.written, c.unit, own)
        if c.unit == "date":
            assert c.value.startswith(r.iso[:4]) and r.iso == c.value, c.id
        else:
            assert Decimal(c.value) == r.value, c.id


def test_ids_unique_and_units_from_the_vocabulary(claims):
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids))
    from debao_audit import case
    from debao_audit.written import base_units
    own = case.default().conventions
    assert {c.unit for c in claims} <= base_units(own)
    # the units only this article uses are its case's (data/case.json), not the reader's
    assert {c.unit for c in claims} - set(UNITS) == {u for _, u, _ in own.units}


def test_every_number_token_is_a_claim_or_excluded(article, claims):
    exclusions = data.load_exclusions(article=article)
    assert data.uncovered_tokens(article, claims, exclusions) == []


def test_token_coverage_can_fail(article, claims):
    """Drop one claim whose figure is quoted nowhere else: its tokens become uncovered."""
    exclusions = data.load_exclusions(article=article)
    without = [c for c in claims if c.id != "rural_income_2020"]
    missing = data.uncovered_tokens(article, without, exclusions)
    assert any(tok == "12364" for _, tok, _ in missing)


def test_a_quantity_stated_twice_is_two_rows(claims):
    five_years = [c for c in claims if c.unit == "year"]
    assert len(five_years) >= 4


def test_every_claim_is_in_its_section(article, claims):
    spans = {h: (s, e) for h, s, e in data.sections(article)}
    for c in claims:
        s, e = spans[c.section]
        assert any(s <= a and b <= e for a, b in data.spans_of(article, c.quote)), c.id


# -- bad input ------------------------------------------------------------------------------

def _rows():
    with data.CLAIMS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows, columns=None):
    columns = columns or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _broken(tmp_path, change):
    rows = _rows()
    columns = list(rows[0])
    columns = change(rows, columns) or columns
    p = tmp_path / "claims.csv"
    _write(p, rows, columns)
    return p


def _set(row_index, column, value):
    def change(rows, columns):
        rows[row_index][column] = value
    return change


@pytest.mark.parametrize("change, row, column, expected", [
    (lambda rows, cols: [c for c in cols if c != "unit"], 0, "unit", "a column 'unit'"),
    (_set(6, "id", "poor_households_exited"), 7, "id", "unique id (already used in row 5)"),
    (_set(2, "id", "Not Snake"), 3, "id", "snake_case"),
    (_set(9, "quote", "2020年农村居民人均可支配收入完成12365元"), 10, "quote", "verbatim substring"),
    (_set(9, "written", "12,364元"), 10, "written", "inside the quote"),
    (_set(10, "written", "年增长57.84"), 11, "written", "readable figure"),
    (_set(9, "unit", "rmb"), 10, "unit", "vocabulary"),
    (_set(9, "value", "12365"), 10, "value", "12364"),
    (_set(18, "value", "2.24e8x"), 19, "value", "decimal number"),
    (_set(8, "value", "2020-05-12"), 9, "value", "2020-05-11"),
    (_set(9, "unit", "household"), 10, "written", "does not fit unit"),
    (_set(3, "section", "资金"), 4, "section", "headings"),
])
def test_bad_claims_file_names_file_row_column(tmp_path, change, row, column, expected):
    p = _broken(tmp_path, change)
    with pytest.raises(data.DataError) as e:
        data.load_claims(p)
    err = e.value
    assert (err.row, err.column) == (row, column)
    assert expected in str(err)
    assert "claims.csv" in str(err) and f"row {row}" in str(err) and f"'{column}'" in str(err)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(data.DataError, match="nope.csv"):
        data.load_claims(tmp_path / "nope.csv")


def test_external_rows_are_sourced(tmp_path):
    ext = data.load_external()
    assert len(ext) >= 20
    for e in ext:
        assert e.source and e.source_url.startswith("http") and e.quote
    rows = list(csv.DictReader((data.EXTERNAL / "reference_figures.csv").open(encoding="utf-8")))
    rows[0]["source_url"] = ""
    p = tmp_path / "ext.csv"
    _write(p, rows)
    with pytest.raises(data.DataError, match="row 1.*source_url"):
        data.load_external(p)


def test_write_csv_is_atomic(tmp_path):
    import pandas as pd

    target = tmp_path / "out.csv"
    data.write_csv(pd.DataFrame({"a": [1]}), target)

    class Boom(pd.DataFrame):
        def to_csv(self, *a, **k):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        data.write_csv(Boom({"a": [2]}), target)
    assert target.read_text() == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_external_written_figures_are_verbatim_and_read(tmp_path):
    ext = {e.id: e for e in data.load_external()}
    school = ext["db_nanshan_school_cost_2018"]
    assert str(school.interval) == "[25955000, 25965000)"   # written 2596万元, not 25960000元
    rows = list(csv.DictReader((data.EXTERNAL / "reference_figures.csv").open(encoding="utf-8")))
    for column, value, expected in [("written", "2597万元", "inside the quote"),
                                    ("value", "25970000", "25960000")]:
        broken = [dict(r) for r in rows]
        k = next(i for i, r in enumerate(broken) if r["id"] == "db_nanshan_school_cost_2018")
        broken[k][column] = value
        p = tmp_path / "ext.csv"
        _write(p, broken)
        with pytest.raises(data.DataError, match=expected) as e:
            data.load_external(p)
        assert e.value.row == k + 1 and e.value.column == column
