"""The bad-input catalogue: every kind of broken input is stopped by the one validation pass
(``debao_audit.validate``) with one error naming the file, the row or line, the column, what was
expected and what was found, and nothing is written.

Each case copies ``data/`` (with its ``datapackage.json``) to a temporary directory, breaks one
thing, validates the copy, and checks the error and that no file changed anywhere (the copy, the
output directory).  ``make`` runs the same pass before it stages anything (see
``tests/test_build.py`` for the end-to-end check)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from debao_audit import data, validate

CLAIMS, EXT, EXCL, UNCH = ("claims.csv", "external/reference_figures.csv", "excluded_tokens.csv",
                           "unchecked_claims.csv")
META, ARTICLE, PACKAGE = "raw/article.meta.json", "raw/article.txt", "datapackage.json"


# -- editing helpers --------------------------------------------------------------------------

def _table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def _write(path: Path, header: list[str], rows: list[dict[str, str]] | list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    path.write_text(buf.getvalue(), encoding="utf-8")


def row_of(file: str, key: str, column: str = "id") -> int:
    """The data row (from 1) whose ``column`` is ``key``, in the committed file."""
    _, rows = _table(data.DATA / file)
    return next(i for i, r in enumerate(rows, start=1) if r[column] == key)


def set_cell(file: str, key: str, column: str, value: str, key_column: str = "id"):
    def edit(base: Path) -> None:
        header, rows = _table(base / file)
        for r in rows:
            if r[key_column] == key:
                r[column] = value
        _write(base / file, header, rows)
    return edit


def drop_row(file: str, key: str, key_column: str = "id"):
    def edit(base: Path) -> None:
        header, rows = _table(base / file)
        _write(base / file, header, [r for r in rows if r[key_column] != key])
    return edit


def append_row(file: str, copy_of: str, key_column: str = "id", **changes):
    def edit(base: Path) -> None:
        header, rows = _table(base / file)
        new = dict(next(r for r in rows if r[key_column] == copy_of), **changes)
        _write(base / file, header, rows + [new])
    return edit


def header_edit(file: str, change):
    def edit(base: Path) -> None:
        header, rows = _table(base / file)
        new_header = change(list(header))
        _write(base / file, new_header, [[r.get(h, "x") for h in header] + ["x"] *
                                         (len(new_header) - len(header)) for r in rows])
    return edit


def raw_edit(file: str, change):
    def edit(base: Path) -> None:
        p = base / file
        p.write_bytes(change(p.read_bytes()))
    return edit


def meta_edit(change):
    def edit(base: Path) -> None:
        p = base / META
        meta = json.loads(p.read_text(encoding="utf-8"))
        change(meta)
        p.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return edit


def _short_row(base: Path) -> None:
    p = base / CLAIMS
    lines = p.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].rsplit(",", 2)[0]
    p.write_text("\n".join(lines), encoding="utf-8")


def _latin1_in_claims(base: Path) -> None:
    """The words 总人口 saved as GB18030 (as a Windows editor might) in one line."""
    p = base / CLAIMS
    p.write_bytes(p.read_bytes().replace("总人口".encode(), "总人口".encode("gb18030"), 1))


def article_edit(change):
    """Edit the article and record its new checksum, as a new capture would: only the
    structure checks can object."""
    def edit(base: Path) -> None:
        p = base / ARTICLE
        p.write_text(change(p.read_text(encoding="utf-8")), encoding="utf-8")
        m = base / META
        meta = json.loads(m.read_text(encoding="utf-8"))
        meta["sha256"] = hashlib.sha256(p.read_bytes()).hexdigest()
        m.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return edit


def package_edit(change):
    def edit(base: Path) -> None:
        p = base / PACKAGE
        pkg = json.loads(p.read_text(encoding="utf-8"))
        change(pkg, {r["name"]: r for r in pkg["resources"]})
        p.write_text(json.dumps(pkg, ensure_ascii=False, indent=2), encoding="utf-8")
    return edit


def _bad_foreign_key(pkg, res) -> None:
    res["unchecked_claims"]["schema"]["foreignKeys"][0]["reference"]["resource"] = "claim"


def _constraint_on_wrong_type(pkg, res) -> None:
    res["claims"]["schema"]["fields"][0]["constraints"]["minimum"] = 3


def _big_field(base: Path) -> None:
    lines = (base / CLAIMS).read_text(encoding="utf-8").split("\n")
    lines[2] += "x" * 20_000_000            # the last column, 'en', of row 2: 20 MB
    (base / CLAIMS).write_text("\n".join(lines), encoding="utf-8")


def _move_quote_out_of_the_body(text: str) -> str:
    """The karst quote only in the page's footer (after "(完)"), not in the body."""
    return text.replace("石山面积超过70%", "石山面积超七成", 1) + "\n石山面积超过70%\n"


# -- the catalogue -----------------------------------------------------------------------------
# (case id, edit, file, row (None: none), column (None: none), text the message must hold)

R = row_of
CASES = [
    # claims.csv: structure (the schema in datapackage.json)
    ("claim-period-banana", set_cell(CLAIMS, "rural_income_2020", "period", "banana"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "period", "YYYY–YYYY"),
    ("claim-period-hyphen", set_cell(CLAIMS, "poor_people_exited", "period", "2016-2020"),
     CLAIMS, R(CLAIMS, "poor_people_exited"), "period", "en dash"),
    ("claim-period-empty", set_cell(CLAIMS, "population_total", "period", ""),
     CLAIMS, R(CLAIMS, "population_total"), "period", "required"),
    ("claim-topic-empty", set_cell(CLAIMS, "rural_income_2020", "topic", ""),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "topic", "required"),
    ("claim-en-empty", set_cell(CLAIMS, "rural_income_2020", "en", ""),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "en", "English gloss"),
    ("claim-section-unknown", set_cell(CLAIMS, "rural_income_2020", "section", "资金"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "section", "section headings"),
    ("claim-unit-unknown", set_cell(CLAIMS, "rural_income_2020", "unit", "rmb"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "unit", "vocabulary"),
    ("claim-measure-unknown", set_cell(CLAIMS, "rural_income_2020", "measure", "level"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "measure", "cumulative"),
    ("claim-id-not-snake", set_cell(CLAIMS, "rural_income_2020", "id", "Rural Income"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "id", "snake_case"),
    ("claim-id-duplicate", set_cell(CLAIMS, "rural_income_2020", "id", "population_total"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "id", "unique"),
    ("claim-value-not-a-number", set_cell(CLAIMS, "rural_income_2020", "value", "12,364"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "value", "decimal number"),
    ("claim-extra-column", header_edit(CLAIMS, lambda h: h + ["comment"]),
     CLAIMS, 0, "comment", "no extra column"),
    ("claim-duplicated-header", header_edit(CLAIMS, lambda h: h + ["unit"]),
     CLAIMS, 0, "unit", "each column named once"),
    ("claim-missing-column", header_edit(CLAIMS, lambda h: [c for c in h if c != "topic"]),
     CLAIMS, 0, "topic", "column"),
    ("claim-short-row", _short_row, CLAIMS, 3, None, "fields"),
    ("claim-columns-swapped", header_edit(CLAIMS, lambda h: h[:-2] + h[:-3:-1]),
     CLAIMS, 0, "en", "the columns in the order id, section"),
    ("claim-long-row", raw_edit(CLAIMS, lambda b: b.replace(b"\n", b",x\n", 3).replace(
        b",x\n", b"\n", 2)), CLAIMS, 2, None, "10 fields, as in the header; got '11 fields'"),
    ("claim-empty-line", raw_edit(CLAIMS, lambda b: b.replace(b"\n", b"\n\n", 3).replace(
        b"\n\n", b"\n", 2)), CLAIMS, 3, None, "10 fields, as in the header; got '0 fields'"),
    ("claim-blank-row", raw_edit(CLAIMS, lambda b: b.replace(b"\n", b"\n,,,,,,,,,\n", 3).replace(
        b"\n,,,,,,,,,\n", b"\n", 2)), CLAIMS, 3, None, "a row with values"),
    ("claim-not-utf8", _latin1_in_claims, CLAIMS, None, None, "UTF-8"),
    # claims.csv: domain rules (data.py)
    ("claim-period-backwards", set_cell(CLAIMS, "poor_people_exited", "period", "2020–2016"),
     CLAIMS, R(CLAIMS, "poor_people_exited"), "period", "start before the end"),
    ("claim-period-after-publication", set_cell(CLAIMS, "population_total", "period", "2051"),
     CLAIMS, R(CLAIMS, "population_total"), "period", "publication"),
    ("claim-period-disagrees-with-id", set_cell(CLAIMS, "poverty_incidence_2015", "period", "2016"),
     CLAIMS, R(CLAIMS, "poverty_incidence_2015"), "period", "2015"),
    ("claim-period-month-13", set_cell(CLAIMS, "aid_total_cumulative", "period", "2016-09–2020-13"),
     CLAIMS, R(CLAIMS, "aid_total_cumulative"), "period", "YYYY-MM–YYYY-MM"),
    ("claim-quote-not-in-article", set_cell(CLAIMS, "rural_income_2020", "quote",
                                            "2020年农村居民人均可支配收入完成12365元"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "quote", "verbatim substring"),
    ("claim-written-not-in-quote", set_cell(CLAIMS, "rural_income_2020", "written", "12,364元"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "written", "inside the quote"),
    ("claim-value-not-what-quote-says", set_cell(CLAIMS, "rural_income_2020", "value", "12365"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "value", "12364"),
    # external figures
    ("external-period-2051", set_cell(EXT, "cn_rural_income_2015", "period", "2051"),
     EXT, R(EXT, "cn_rural_income_2015"), "period", "2015"),
    ("external-period-not-a-date", set_cell(EXT, "cn_rural_income_2015", "period", "2015-13"),
     EXT, R(EXT, "cn_rural_income_2015"), "period", "ISO date"),
    ("external-confidence-banana", set_cell(EXT, "cn_rural_income_2015", "confidence", "banana"),
     EXT, R(EXT, "cn_rural_income_2015"), "confidence", "medium-high"),
    ("external-url-javascript", set_cell(EXT, "cn_rural_income_2015", "source_url",
                                         "javascript:alert(1)"),
     EXT, R(EXT, "cn_rural_income_2015"), "source_url", "https://"),
    ("external-url-ftp", set_cell(EXT, "cn_rural_income_2015", "source_url", "ftp://example.org/x"),
     EXT, R(EXT, "cn_rural_income_2015"), "source_url", "http://"),
    ("external-value-not-in-quote", set_cell(EXT, "cn_poverty_area_rural_income_2019", "value",
                                             "99999"),
     EXT, R(EXT, "cn_poverty_area_rural_income_2019"), "value", "quote"),
    ("external-written-value-mismatch", set_cell(EXT, "cn_rural_income_2016", "value", "12364"),
     EXT, R(EXT, "cn_rural_income_2016"), "value", "12363"),
    ("external-id-duplicate", append_row(EXT, "cn_cpi_2016"),
     EXT, len(_table(data.DATA / EXT)[1]) + 1, "id", "unique"),
    ("external-unit-unknown", set_cell(EXT, "cn_cpi_2016", "unit", "percentage"),
     EXT, R(EXT, "cn_cpi_2016"), "unit", "vocabulary"),
    ("external-extra-column", header_edit(EXT, lambda h: h + ["extra"]),
     EXT, 0, "extra", "no extra column"),
    ("external-source-empty", set_cell(EXT, "cn_cpi_2016", "source", ""),
     EXT, R(EXT, "cn_cpi_2016"), "source", "required"),
    # exclusions and the unchecked list
    ("exclusion-context-not-in-article", set_cell(EXCL, "绘就一幅", "context", "绘就两幅",
                                                  key_column="context"),
     EXCL, R(EXCL, "绘就一幅", "context"), "context", "verbatim substring"),
    ("exclusion-duplicate", append_row(EXCL, "绘就一幅", key_column="context"),
     EXCL, len(_table(data.DATA / EXCL)[1]) + 1, "context", "unique"),
    ("exclusion-reason-empty", set_cell(EXCL, "绘就一幅", "reason", "", key_column="context"),
     EXCL, R(EXCL, "绘就一幅", "context"), "reason", "required"),
    ("unchecked-unknown-id", set_cell(UNCH, "projects_total", "id", "no_such_claim"),
     UNCH, R(UNCH, "projects_total"), "id", "the id of a row of claims.csv \\(column 'id'\\); "
     "got 'no_such_claim'?"),
    ("unchecked-duplicate", append_row(UNCH, "projects_total"),
     UNCH, len(_table(data.DATA / UNCH)[1]) + 1, "id", "unique"),
    # cross-references from the checks
    ("check-needs-missing-claim", drop_row(CLAIMS, "rural_income_2020"),
     CLAIMS, None, "id", "a claim 'rural_income_2020'"),
    ("check-needs-missing-external", drop_row(EXT, "db_rural_income_2015"),
     EXT, None, "id", "an external figure 'db_rural_income_2015'"),
    # the article and its metadata
    ("article-not-utf8", raw_edit(ARTICLE, lambda b: b.replace("德保".encode(), b"\xb5\xc2", 1)),
     ARTICLE, None, None, "UTF-8"),
    ("article-changed", raw_edit(ARTICLE, lambda b: b.replace(b"12364", b"12365")),
     ARTICLE, None, None, "sha256"),
    ("meta-invalid-json", raw_edit(META, lambda b: b.replace(b'"file"', b'"file",', 1)),
     META, None, None, "valid JSON"),
    ("meta-missing-sha256", meta_edit(lambda m: m.pop("sha256")),
     META, None, "sha256", "a key 'sha256'"),
    ("meta-bad-date", meta_edit(lambda m: m.update(date_published="2021-02-30T00:54:07+08:00")),
     META, None, "date_published", "ISO date"),
    ("meta-javascript-url", meta_edit(lambda m: m.update(url="javascript:alert(1)")),
     META, None, "url", "an http:// or https:// URL"),
    ("meta-extra-key", meta_edit(lambda m: m.update(comment="x")),
     META, None, "comment", "only the keys"),
    ("meta-accessed-before-published", meta_edit(lambda m: m.update(date_accessed="2020-01-01")),
     META, None, "date_accessed", "on or after"),
    ("package-invalid-json", raw_edit(PACKAGE, lambda b: b[:-3]), PACKAGE, None, None, "valid JSON"),
    # issue 16: values the mis-anchored pattern let through, control characters, oversized or
    # over-deep input, duplicate keys, edits of the data package, the article's structure
    ("claim-value-exponent", set_cell(CLAIMS, "population_total", "value", "3.68E+5"),
     CLAIMS, R(CLAIMS, "population_total"), "value", "decimal number"),
    ("claim-value-underscore", set_cell(CLAIMS, "population_total", "value", "368_000"),
     CLAIMS, R(CLAIMS, "population_total"), "value", "decimal number"),
    ("claim-value-trailing-space", set_cell(CLAIMS, "population_total", "value", "368000 "),
     CLAIMS, R(CLAIMS, "population_total"), "value", "decimal number"),
    ("external-value-exponent", set_cell(EXT, "cn_rural_income_2016", "value", "1.2363E+4"),
     EXT, R(EXT, "cn_rural_income_2016"), "value", "decimal number"),
    ("claim-nul-in-gloss", set_cell(CLAIMS, "rural_income_2020", "en", "rural\x00income"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "en", "U+0000 (a control character) at character 6"),
    ("external-escape-in-source", set_cell(EXT, "cn_cpi_2016", "source", "NBS\x1b[31m"),
     EXT, R(EXT, "cn_cpi_2016"), "source", "U+001B"),
    ("meta-nul-in-producer", meta_edit(lambda m: m.update(producer="中新网\x00")),
     META, None, "producer", "control characters"),
    ("claim-20mb-field", _big_field, CLAIMS, 2, "en", "at most 100,000 characters"),
    ("meta-100000-deep", raw_edit(META, lambda b: b"[" * 100_000 + b"]" * 100_000),
     META, None, None, "nested at most 64 levels"),
    ("meta-duplicate-key", raw_edit(META, lambda b: b.replace(b"{", b'{"producer": "x",', 1)),
     META, None, "producer", "each key once"),
    ("package-duplicate-key", raw_edit(PACKAGE, lambda b: b.replace(b"{", b'{"name": "x",', 1)),
     PACKAGE, None, "name", "each key once"),
    ("package-resource-without-path", package_edit(lambda p, r: r["claims"].pop("path")),
     PACKAGE, None, "resources/claims/path", "a 'path': 'claims.csv'"),
    ("package-resource-elsewhere", package_edit(lambda p, r: r["claims"].update(path="../x.csv")),
     PACKAGE, None, "resources/claims/path", "a 'path': 'claims.csv'"),
    ("package-resource-removed", package_edit(lambda p, r: p["resources"].remove(r["claims"])),
     PACKAGE, None, "resources", "a resource describing claims.csv \\(case.json's 'claims'\\)?"),
    ("package-bad-foreign-key", package_edit(_bad_foreign_key),
     PACKAGE, None, "resources/unchecked_claims/schema/foreignKeys", "foreign key"),
    ("package-constraint-on-wrong-type", package_edit(_constraint_on_wrong_type),
     PACKAGE, None, "resources/claims/schema", "constraint \"minimum\" is not supported by type \"string\""),
    ("package-invalid-json-schema", package_edit(
        lambda p, r: r["article_meta"]["jsonSchema"].update(type="banana")),
     PACKAGE, None, "resources/article_meta/jsonSchema/type", "valid JSON Schema"),
    ("article-no-dateline", article_edit(lambda t: t.replace("新闻2月6日电", "新闻2月6日", 1)),
     ARTICLE, None, None, "the dateline"),
    ("article-no-end-mark", article_edit(lambda t: t.replace("(完)", "", 1)),
     ARTICLE, None, None, "after the dateline"),
    ("article-heading-missing", article_edit(lambda t: t.replace("  产业合作\n", "  产业合作等\n", 1)),
     ARTICLE, None, None, "a section heading line '产业合作'"),
    ("claim-section-wrong", set_cell(CLAIMS, "rural_income_2020", "section", "协作抗疫"),
     CLAIMS, R(CLAIMS, "rural_income_2020"), "section", "the section the quote is in"),
    ("claim-quote-outside-the-body", article_edit(_move_quote_out_of_the_body),
     CLAIMS, R(CLAIMS, "karst_area_share"), "quote", "the article's body"),
]


def _snapshot(*dirs: Path) -> dict[str, str]:
    out = {}
    for d in dirs:
        if d.exists():
            for p in sorted(d.rglob("*")):
                if p.is_file():
                    out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    base = tmp_path / "data"
    shutil.copytree(data.DATA, base, ignore=shutil.ignore_patterns("processed"))
    return base


def test_the_catalogue_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)


def test_the_committed_inputs_are_valid():
    counts = validate.validate_all()
    assert counts["claims"] > 0 and counts["external"] > 0


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_precise_error_and_nothing_is_written(copy: Path, case) -> None:
    _, edit, file, row, column, expected = case
    edit(copy)
    before = _snapshot(copy, data.OUTPUT)
    with pytest.raises(data.DataError) as e:
        validate.validate_all(copy / PACKAGE)
    err, msg = e.value, str(e.value)
    assert Path(err.file).resolve() == (copy / file).resolve(), msg
    assert msg.startswith(str((copy / file)) if not str(err.file).startswith(str(data.ROOT))
                          else file), msg
    assert err.row == row, msg
    if row is not None:
        assert f"row {row} (line " in msg, msg
    assert err.column == column, msg
    if column is not None:
        assert f"column '{column}'" in msg, msg
    assert re.search(re.escape(expected) if "?" not in expected else expected, msg), msg
    assert "expected" in msg
    if err.row is None and err.column is None:  # whole-file errors still say where
        assert err.line is not None or "sha256" in msg, msg
    assert _snapshot(copy, data.OUTPUT) == before, "validation wrote something"


def test_encoding_errors_give_line_and_character(copy: Path) -> None:
    _latin1_in_claims(copy)
    with pytest.raises(data.DataError) as e:
        validate.validate_all(copy / PACKAGE)
    lines = (copy / CLAIMS).read_bytes().split(b"\n")
    n = next(i for i, ln in enumerate(lines) if "总人口".encode("gb18030") in ln)
    assert e.value.line == n + 1
    assert e.value.col == lines[n].index("总人口".encode("gb18030")) + 1
    assert f"line {n + 1}, character {e.value.col}" in str(e.value)
    assert "byte" in str(e.value)


def test_line_numbers_count_quoted_newlines(copy: Path) -> None:
    """A quoted field with a newline makes a row span two lines: the error gives the real line."""
    header, rows = _table(copy / CLAIMS)
    rows[0]["en"] = rows[0]["en"] + "\nsecond line"
    rows[2]["period"] = "banana"
    _write(copy / CLAIMS, header, rows)
    with pytest.raises(data.DataError) as e:
        validate.validate_all(copy / PACKAGE)
    assert (e.value.row, e.value.line, e.value.column) == (3, 5, "period")


def test_schema_vocabularies_match_the_code() -> None:
    """The schema is the one declaration of the columns; the code's vocabularies agree with it."""
    from debao_audit import case
    from debao_audit.written import base_units

    units = sorted(base_units(case.default().conventions))  # the reader's and the case's own
    pkg = json.loads((data.DATA / PACKAGE).read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    fields = {f["name"]: f for f in res["claims"]["schema"]["fields"]}
    assert tuple(fields) == data.CLAIM_COLUMNS
    assert fields["unit"]["constraints"]["enum"] == units, (
        "the reader's units or data/case.json's changed: update the unit enums in "
        "data/datapackage.json")
    assert tuple(fields["section"]["constraints"]["enum"]) == case.default().structure.sections
    assert tuple(fields["measure"]["constraints"]["enum"]) == data.MEASURES
    ext = {f["name"]: f for f in res["reference_figures"]["schema"]["fields"]}
    assert ext["unit"]["constraints"]["enum"] == units
    assert tuple(ext["confidence"]["constraints"]["enum"]) == data.CONFIDENCE
    assert set(ext) == set(data.EXTERNAL_COLUMNS) | {"value", "unit", "period", "confidence"} | set(
        data.EXTERNAL_OPTIONAL)


@pytest.mark.parametrize("period, bounds", [
    ("unstated", None), ("2015", ((2015, 1), (2015, 12))), ("2016–2020", ((2016, 1), (2020, 12))),
    ("2016-09–2020-11", ((2016, 9), (2020, 11))), ("publication", ((2021, 2), (2021, 2))),
    ("2017–publication", ((2017, 1), (2021, 2))),
])
def test_every_period_form_has_bounds(period, bounds) -> None:
    import datetime as dt

    assert data.period_bounds(period, dt.date(2021, 2, 7)) == bounds


@pytest.mark.parametrize("period", ["banana", "2016-2020", "2016—2020", "20150", "2016–", "2016-13–2017-01"])
def test_periods_outside_the_grammar_are_refused(period) -> None:
    import datetime as dt

    with pytest.raises(ValueError):
        data.period_bounds(period, dt.date(2021, 2, 7))
