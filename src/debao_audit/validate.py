"""One validation pass over every input, before anything is built.

``python -m debao_audit.validate`` (and ``make validate``; ``make`` and the test session run it
first) checks, in this order, and stops at the first problem with one :class:`DataError` that
names the file, the line/row, the column, what was expected and what was found:

1. **Encoding and syntax** of every file listed in ``data/datapackage.json``: UTF-8 (the
   position of the first bad byte as line and column), JSON that parses, CSV headers without
   duplicated names.
2. **Structure**, declared once in ``data/datapackage.json`` (a Frictionless Data Package that
   travels with the data): the exact columns (none missing, none extra, in order), required
   fields, types, allowed values, formats (periods, dates, http/https URLs), uniqueness and the
   reference from ``unchecked_claims.csv`` to ``claims.csv``; ``frictionless`` checks the
   tables, ``jsonschema`` (frictionless' own dependency) the article's metadata against the
   ``jsonSchema`` of its resource.
3. **Domain rules**, in the project's code (:mod:`debao_audit.data`): the article's checksum,
   every quote verbatim in the article, every value what its quote says, periods that agree
   with the ids, dates in order, and every claim or external id a check names exists.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from . import data
from .data import DataError

PACKAGE = data.DATA / "datapackage.json"
#: Frictionless error types about the header row, and the rest (about a data row).
_HEADER_ERRORS = {"extra-label", "missing-label", "incorrect-label", "blank-label",
                  "duplicate-label", "blank-header"}


def _fast_jsonschema() -> None:
    """jsonschema imports its optional IRI-format support when installed, which compiles ~40
    grammars at import time (seconds); the schemas here use no IRI format."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# 1. Encoding and syntax
# --------------------------------------------------------------------------------------------

read_utf8 = data.read_text
read_json = data.read_json


def row_lines(text: str) -> list[int]:
    """The line on which each CSV record starts (index 0: the header), quoted newlines counted."""
    reader = csv.reader(io.StringIO(text, newline=""))
    starts, prev = [], 0
    for _ in reader:
        starts.append(prev + 1)
        prev = reader.line_num
    return starts


def check_header(path: Path, text: str) -> list[str]:
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    if not header:
        raise DataError(path, 0, None, "a header row naming the columns", "an empty file")
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name in seen:
            raise DataError(path, 0, name, f"each column named once (column {seen[name]} and "
                            f"column {i} are both '{name}')", ",".join(header))
        seen[name] = i
    return header


# --------------------------------------------------------------------------------------------
# 2. Structure: the data package
# --------------------------------------------------------------------------------------------

def load_package(path: Path = PACKAGE) -> dict:
    desc = read_json(path)
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise DataError(path, None, "resources", "a Data Package with a list of resources")
    return desc


def _table_error(path: Path, resource: dict, lines: list[int], header: list[str], e) -> DataError:
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    names = list(fields)
    if e.type in _HEADER_ERRORS:
        label = getattr(e, "label", None) or None
        if e.type == "extra-label":
            expected = f"only the columns {', '.join(names)} (no extra column)"
        elif e.type == "missing-label":
            label = names[e.field_number - 1] if e.field_number <= len(names) else label
            expected = f"a column '{label}' (columns: {', '.join(names)})"
        else:
            expected = f"the columns {', '.join(names)}, in this order"
        return DataError(path, 0, label, expected, ",".join(header), line=lines[0] if lines else 1)
    row = e.row_number - 1 if getattr(e, "row_number", None) else None
    line = lines[row] if row is not None and row < len(lines) else None
    name = getattr(e, "field_name", None) or None
    cell = getattr(e, "cell", None)
    if e.type == "unique-error":
        import re

        first = re.search(r"position (\d+)", e.note or "")
        expected = (f"a unique value (already in row {int(first.group(1)) - 1})" if first
                    else f"a unique value ({e.note})")
    elif e.type in ("missing-cell", "extra-cell"):
        n = len(getattr(e, "cells", None) or [])
        expected, name = f"{len(names)} fields, as in the header", None
        cell = f"{n} fields" if n else cell
    elif e.type == "blank-row":
        expected, name = "a row with values (not a blank row)", None
    elif e.type == "foreign-key":
        expected = f"an id of a row in {resource.get('foreign_note', 'the referenced table')}"
    elif name in fields:
        expected = fields[name].get("description") or e.note
        if e.type == "constraint-error" and "required" in e.note:
            expected = f"a value (required): {expected}"
    else:
        expected = e.note or e.type
    return DataError(path, row, name, expected, cell if cell not in (None, "") else
                     ("an empty cell" if e.type != "blank-row" else None), line=line)


def _check_columns(path: Path, header: list[str], names: list[str]) -> None:
    """The header names exactly the schema's fields, in order: a missing, an extra or a
    misplaced column is named."""
    for name in names:
        if name not in header:
            raise DataError(path, 0, name, f"a column '{name}' (columns: {', '.join(names)})",
                            ",".join(header))
    for name in header:
        if name not in names:
            raise DataError(path, 0, name, f"only the columns {', '.join(names)}; no extra "
                            "column", ",".join(header))
    if header != names:
        wrong = next(h for h, n in zip(header, names) if h != n)
        raise DataError(path, 0, wrong, f"the columns in the order {', '.join(names)}",
                        ",".join(header))


def check_tables(desc: dict, base: Path) -> None:
    """Every tabular resource against its schema (frictionless), first error raised."""
    _fast_jsonschema()
    from frictionless import Resource, Schema, system

    tables = [r for r in desc["resources"] if "schema" in r]
    texts = {}
    for r in tables:
        path = base / r["path"]
        texts[r["name"]] = text = read_utf8(path)
        check_header(path, text)
    with system.use_context(trusted=True):
        for r in tables:
            path = base / r["path"]
            text = texts[r["name"]]
            lines = row_lines(text)
            header = check_header(path, text)
            _check_columns(path, header, [f["name"] for f in r["schema"]["fields"]])
            for i, fields in enumerate(csv.reader(io.StringIO(text, newline="")), start=0):
                if i and len(fields) != len(header):
                    raise DataError(path, i, None, f"{len(header)} fields, as in the header",
                                    f"{len(fields)} fields", line=lines[i])
            schema = {k: v for k, v in r["schema"].items() if k != "foreignKeys"}
            res = Resource(path=str(path), schema=Schema.from_descriptor(schema),
                           format="csv", encoding="utf-8")
            report = res.validate()
            if not report.valid:
                raise _table_error(path, r, lines, header, report.tasks[0].errors[0])
        # References between tables, checked here by hand so the message names the row.
        for r in tables:
            for fk in r["schema"].get("foreignKeys", []):
                ref = next(t for t in tables if t["name"] == fk["reference"]["resource"])
                key, ref_key = fk["fields"], fk["reference"]["fields"]
                known = {row[ref_key] for row in csv.DictReader(io.StringIO(texts[ref["name"]], newline=""))}
                lines = row_lines(texts[r["name"]])
                for i, row in enumerate(csv.DictReader(io.StringIO(texts[r["name"]], newline="")), start=1):
                    if row[key] not in known:
                        raise DataError(base / r["path"], i, key, f"the id of a row of "
                                        f"{ref['path']} (column '{ref_key}')", row[key],
                                        line=lines[i])


def check_json_resources(desc: dict, base: Path) -> None:
    """JSON resources against the ``jsonSchema`` given in their descriptor."""
    _fast_jsonschema()
    import jsonschema

    for r in desc["resources"]:
        if r.get("format") != "json":
            continue
        path = base / r["path"]
        doc = read_json(path)
        schema = r.get("jsonSchema")
        if schema is None:
            continue
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                        key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            where = "/".join(str(p) for p in e.absolute_path) or None
            line = _json_line(path, e.absolute_path)
            if e.validator == "required":
                missing = e.message.split("'")[1] if "'" in e.message else e.message
                raise DataError(path, None, missing, f"a key '{missing}' ({e.message})",
                                "no such key", line=line)
            if e.validator == "additionalProperties":
                extra = sorted(set(e.instance) - set(e.schema["properties"]))
                prefix = f"{where}/" if where else ""
                raise DataError(path, None, prefix + extra[0], "only the keys "
                                f"{', '.join(e.schema['properties'])}", "an extra key",
                                line=_json_line(path, [extra[0]]))
            expected = e.schema.get("description") or e.message
            if e.validator in ("minLength", "minItems"):
                expected = f"{expected} (not empty)"
            raise DataError(path, None, where, expected, e.instance, line=line)


def _json_line(path: Path, keys) -> int | None:
    """The line of the first key on the path (good enough to find it in a small file)."""
    keys = [k for k in keys if isinstance(k, str)]
    if not keys:
        return None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if f'"{keys[-1]}"' in line:
            return n
    return None


# --------------------------------------------------------------------------------------------
# 3. Domain rules and cross-references
# --------------------------------------------------------------------------------------------

def check_references(claims, external, base: Path = data.DATA) -> None:
    """Every claim and external id a registered check names exists."""
    from . import checks, relations  # noqa: F401  (relations registers the checks)

    claim_ids, ext_ids = {c.id for c in claims}, {e.id for e in external}
    src = Path(relations.__file__)
    for chk in checks.REGISTRY.values():
        for cid in chk.claims:
            if cid not in claim_ids:
                raise DataError(base / "claims.csv", None, "id", f"a claim '{cid}' (check "
                                f"'{chk.check_id}' in {data._rel(src)} uses it)", "no such row")
        for eid in chk.external:
            if eid not in ext_ids:
                raise DataError(base / "external" / "reference_figures.csv", None, "id",
                                f"an external figure '{eid}' (check '{chk.check_id}' in "
                                f"{data._rel(src)} uses it)", "no such row")


def validate_all(package: Path = PACKAGE) -> dict[str, int]:
    """The whole pass over the data package at ``package`` (default: ``data/``); returns row
    counts.  Raises the first :class:`DataError`.  Writes nothing."""
    desc = load_package(package)
    base = package.parent
    for r in desc["resources"]:
        read_utf8(base / r["path"])
    check_json_resources(desc, base)
    check_tables(desc, base)
    meta, article = base / "raw" / "article.meta.json", base / "raw" / "article.txt"
    text = data.load_article(article, meta)
    data.check_article_meta(meta, article)
    claims = data.load_claims(base / "claims.csv", article=text, meta=meta)
    exclusions = data.load_exclusions(base / "excluded_tokens.csv", article=text)
    external = data.load_external(base / "external" / "reference_figures.csv")
    unchecked = data.load_unchecked(base / "unchecked_claims.csv", claims=claims)
    check_references(claims, external, base)
    return {"claims": len(claims), "exclusions": len(exclusions), "external": len(external),
            "unchecked": len(unchecked)}


def main() -> int:
    try:
        counts = validate_all()
    except DataError as e:
        print(f"invalid input: {e}", file=sys.stderr)
        return 2
    print("inputs valid: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
