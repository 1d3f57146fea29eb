"""One validation pass over a case folder, before anything is built: :func:`validate_case`.

This repository's own article (``data/``) is a case like any other, validated by the same pass
(``python -m debao_audit.validate`` validates it and every folder under ``cases/``; ``make``
and the test session run it first).  It checks, in this order, and stops at the first problem
with one :class:`DataError` (or :class:`debao_audit.case.CaseError`) that names the file, the
line/row, the column, what was expected and what was found:

1. **The case file** (``case.json``, :func:`debao_audit.case.load`) and, where the folder has
   one, its **data package** (``datapackage.json``, a Frictionless Data Package that travels
   with the data): it must describe every data file case.json names, at its path.
2. **Encoding and syntax** of every file: UTF-8 (the position of the first bad byte as line and
   column), JSON that parses, CSV records the csv module reads, no control characters.
3. **Structure**, declared in the data package: the exact columns (none missing, none extra, in
   order), each row's number of fields, required fields, types, allowed values, formats
   (periods, dates, http/https URLs), uniqueness and references between tables (Frictionless
   checks the package, :func:`check_tables` translates its first error); ``jsonschema``
   (Frictionless' own dependency) checks JSON files against their resource's ``jsonSchema``.
4. **Domain rules**, in the project's code (:mod:`debao_audit.data`, :mod:`debao_audit.shapes`):
   the article's checksum and structure, every quote verbatim in the article and in its
   section, every value what its quote says, periods that agree with the ids, dates in order,
   every claim or external id a check names exists, every number token of the body accounted
   for.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from . import data
from .data import DataError

PACKAGE_FILE = "datapackage.json"
PACKAGE = data.DATA / PACKAGE_FILE


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


#: The longest CSV field accepted (the longest real one is a few hundred characters; the csv
#: module's own limit, which frictionless lifts, is 131,072).
FIELD_MAX = 100_000


def csv_records(path: Path, text: str) -> list[list[str]]:
    """Every record of a CSV file; a DataError (with the line) for what the csv module cannot
    read (an oversized field, an unclosed quote) or a field holding a control character."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, header = [], None
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return records
        except csv.Error as e:
            row = len(records)
            raise DataError(path, row, None, f"a CSV record the csv module reads (fields of at "
                            f"most {csv.field_size_limit():,} characters, quotes closed)",
                            str(e), line=start) from None
        header = header or fields
        for k, value in enumerate(fields):
            bad = (f"a field of {len(value):,} characters" if len(value) > FIELD_MAX
                   else data.control_character(value))
            if bad:
                row = len(records)
                column = header[k] if row and k < len(header) else None
                raise DataError(path, row, column, f"text of at most {FIELD_MAX:,} characters "
                                "without control characters", bad, line=start)
        records.append(fields)


def check_text(path: Path, text: str) -> None:
    """A text file (the article): no control characters."""
    for n, line in enumerate(text.split("\n"), start=1):
        bad = data.control_character(line)
        if bad:
            raise DataError(path, None, None, "text without control characters", bad, line=n)


def check_json_text(path: Path, doc: object, where: str = "") -> None:
    """Every key and string of a JSON document: no control characters."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            check_json_text(path, k, where)
            check_json_text(path, v, f"{where}/{k}" if where else str(k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            check_json_text(path, v, f"{where}/{i}" if where else str(i))
    elif isinstance(doc, str):
        bad = data.control_character(doc)
        if bad:
            raise DataError(path, None, where or None, "text without control characters", bad,
                            line=_json_line(path, where.split("/")) if where else None)


# --------------------------------------------------------------------------------------------
# 2. Structure: the data package
# --------------------------------------------------------------------------------------------

def resources(case) -> dict[str, Path]:
    """The data files a case reads, each by the case.json key that names it (``external/0``
    for the first of a list), that its data package must describe: all but ``relations``,
    whose rows the shapes compiler checks (:mod:`debao_audit.shapes`)."""
    out = {"article": case.article, "meta": case.meta, "claims": case.claims,
           "excluded": case.excluded, "unchecked": case.unchecked}
    out.update({f"external/{k}": p for k, p in enumerate(case.external)})
    return {k: p for k, p in out.items() if p is not None}


def load_package(path: Path, case) -> dict:
    """The case's data package, itself checked: a resource for every data file the case reads
    (:func:`resources`), each with its path, valid Table Schemas and JSON Schemas, and foreign
    keys that name a table and its column."""
    desc = read_json(path)
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise DataError(path, None, "resources", "a Data Package with a list of resources",
                        line=_json_line(path, ["resources"]))
    check_package(desc, path, resources(case))
    return desc


def _resource_line(path: Path, name: str) -> int | None:
    needle = f'"name": {json.dumps(name, ensure_ascii=False)}'
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    return None


def check_package(desc: dict, path: Path, wanted: dict[str, Path]) -> None:
    """The descriptor's own rules, so that no edit of it ends in a traceback; ``wanted``: the
    files it must describe (case.json key → file)."""
    _fast_jsonschema()
    import jsonschema
    from frictionless import FrictionlessException, Schema

    base = path.parent

    def rel(p: Path) -> str:
        return p.resolve().relative_to(base.resolve()).as_posix()

    described = {(base / r["path"]).resolve() for r in desc["resources"]
                 if isinstance(r, dict) and isinstance(r.get("path"), str)}
    # the file a resource without a usable path was most likely meant for
    undescribed = [p for p in wanted.values() if p.resolve() not in described]
    want = rel(undescribed[0]) if undescribed else None
    named: dict[str, dict] = {}
    for k, r in enumerate(desc["resources"]):
        if not isinstance(r, dict) or not isinstance(r.get("name"), str) or r["name"] in named:
            raise DataError(path, None, f"resources/{k}", "a resource object with a unique "
                            "'name'", r.get("name") if isinstance(r, dict) else r,
                            line=_json_line(path, ["resources"]))
        name, line = r["name"], _resource_line(path, r["name"])
        named[name] = r
        rpath = r.get("path")
        if not isinstance(rpath, str) or not (base / rpath).resolve().is_relative_to(
                base.resolve()):
            raise DataError(path, None, f"resources/{name}/path", f"a 'path': {want!r}" if want
                            else "a 'path' (a file in the case folder)", rpath
                            if rpath is not None else "no path", line=line)
        if "schema" in r:
            schema = r["schema"]
            try:
                if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
                    raise TypeError("no list of 'fields'")
                Schema.from_descriptor({k: v for k, v in schema.items() if k != "foreignKeys"})
            except (FrictionlessException, TypeError, ValueError, KeyError) as e:
                note = str(e).removeprefix("[schema-error] ")
                raise DataError(path, None, f"resources/{name}/schema", "a valid Table Schema",
                                " ".join(note.split())[:200], line=line) from None
        if "jsonSchema" in r:
            try:
                jsonschema.Draft202012Validator.check_schema(r["jsonSchema"])
            except jsonschema.SchemaError as e:
                where = "/".join(str(p) for p in e.absolute_path)
                raise DataError(path, None, f"resources/{name}/jsonSchema" + (f"/{where}" if where
                                else ""), "a valid JSON Schema (draft 2020-12)",
                                " ".join(e.message.split())[:200], line=line) from None
    for key, file in wanted.items():
        if file.resolve() not in described:
            raise DataError(path, None, "resources", f"a resource describing {rel(file)} "
                            f"(case.json's '{key}'): the case reads it", "no such resource",
                            line=_json_line(path, ["resources"]))
    for name, r in named.items():
        fields = [f.get("name") for f in r.get("schema", {}).get("fields", [])]
        for fk in r.get("schema", {}).get("foreignKeys", []):
            ref = fk.get("reference") if isinstance(fk, dict) else None
            target = named.get(ref.get("resource")) if isinstance(ref, dict) else None
            target_fields = [f.get("name") for f in (target or {}).get("schema", {}).get("fields", [])]
            if (target is None or fk.get("fields") not in fields
                    or ref.get("fields") not in target_fields):
                raise DataError(path, None, f"resources/{name}/schema/foreignKeys", "a foreign "
                                "key from a column of this table to a column of another table "
                                f"(tables: {', '.join(n for n in named if 'schema' in named[n])})",
                                fk, line=line if (line := _resource_line(path, name)) else None)


#: Frictionless error types by what they are about, in the order they are reported: the header
#: row, a row's shape (its number of fields), a cell, and a reference to another table.
_HEADER_ERRORS = {"extra-label", "missing-label", "incorrect-label", "blank-label",
                  "duplicate-label", "blank-header"}
_SHAPE_ERRORS = {"missing-cell", "extra-cell"}


def _rank(e) -> int:
    if e.type in _HEADER_ERRORS:
        return 0
    if e.type in _SHAPE_ERRORS or (e.type == "blank-row" and not e.cells):
        return 1  # an empty line is a row of no fields
    return 3 if e.type == "foreign-key" else 2


def _table_error(path: Path, resource: dict, lines: list[int], e,
                 named: dict[str, dict]) -> DataError:
    """A Frictionless error as our one line: the file, the row (and line), the column, what was
    expected (the field's description where it has one) and what was found."""
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    names = list(fields)
    line = lines[0] if lines else 1
    if e.type in _HEADER_ERRORS:
        header = list(e.labels)
        got = ",".join(header)
        missing = [n for n in names if n not in header]
        dup = next((h for k, h in enumerate(header) if h in header[:k]), None)
        if dup is not None:
            first, second = header.index(dup) + 1, header.index(dup, header.index(dup) + 1) + 1
            return DataError(path, 0, dup, f"each column named once (column {first} and column "
                             f"{second} are both '{dup}')", got, line=line)
        if missing:
            return DataError(path, 0, missing[0], f"a column '{missing[0]}' (columns: "
                             f"{', '.join(names)})", got, line=line)
        extra = next((h for h in header if h not in names), None)
        if extra is not None:
            return DataError(path, 0, extra, f"only the columns {', '.join(names)}; no extra "
                             "column", got, line=line)
        wrong = next(h for h, n in zip(header, names) if h != n)
        return DataError(path, 0, wrong, f"the columns in the order {', '.join(names)}", got,
                         line=line)
    row = e.row_number - 1 if getattr(e, "row_number", None) else None
    line = lines[row] if row is not None and row < len(lines) else None
    name = getattr(e, "field_name", None) or None
    cell = getattr(e, "cell", None)
    if _rank(e) == 1:
        return DataError(path, row, None, f"{len(names)} fields, as in the header",
                         f"{len(e.cells)} fields", line=line)
    if e.type == "foreign-key":
        fk = next(fk for fk in resource["schema"]["foreignKeys"]
                  if f'"{fk["fields"]}"' in e.note)
        ref = named[fk["reference"]["resource"]]
        key = fk["fields"]
        return DataError(path, row, key, f"the id of a row of {ref['path']} (column "
                         f"'{fk['reference']['fields']}')", e.cells[names.index(key)], line=line)
    if e.type == "unique-error":
        import re

        first = re.search(r"position (\d+)", e.note or "")
        expected = (f"a unique value (already in row {int(first.group(1)) - 1})" if first
                    else f"a unique value ({e.note})")
    elif e.type == "blank-row":
        expected, name = "a row with values (not a blank row)", None
    elif name in fields:
        expected = fields[name].get("description") or e.note
        if e.type == "constraint-error" and "required" in e.note:
            expected = f"a value (required): {expected}"
    else:
        expected = e.note or e.type
    return DataError(path, row, name, expected, cell if cell not in (None, "") else
                     ("an empty cell" if e.type != "blank-row" else None), line=line)


def check_tables(desc: dict, base: Path) -> None:
    """Every tabular resource against its schema, and the references between them: Frictionless
    validates the package (columns exactly as declared, in order; each row's number of fields;
    types, constraints, uniqueness; foreign keys); the first problem is raised as one
    :class:`DataError` (a header before a row's shape, before a cell, before a reference)."""
    _fast_jsonschema()
    from frictionless import Package, system

    tables = [r for r in desc["resources"] if "schema" in r]
    lines = {}
    for r in tables:
        path = base / r["path"]
        text = read_utf8(path)
        if not next(csv.reader(io.StringIO(text, newline="")), []):
            raise DataError(path, 0, None, "a header row naming the columns", "an empty file")
        lines[r["name"]] = row_lines(text)
    with system.use_context(trusted=True):
        report = Package({"resources": tables}, basepath=str(base)).validate()
    named = {r["name"]: r for r in tables}
    # table by table (its header, its rows' shapes, its cells), then the references
    errors = [(_rank(e) == 3, k, _rank(e), n, e) for k, task in enumerate(report.tasks)
              for n, e in enumerate(task.errors)]
    if errors:
        _, k, _, _, e = min(errors, key=lambda x: x[:4])
        r = named[report.tasks[k].name]
        raise _table_error(base / r["path"], r, lines[r["name"]], e, named)


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

def check_references(case, claims, external) -> dict:
    """Every claim and external id a registered check of ``case`` names exists; returns the
    case's checks."""
    claim_ids, ext_ids = {c.id for c in claims}, {e.id for e in external}
    registry = case.registry()
    mod = case.code()
    src = Path(mod.__file__) if mod is not None and mod.__file__ else case.relations or case.root
    ext_file = case.external[0] if len(case.external) == 1 else case.root / "case.json"
    for chk in registry.values():
        for cid in chk.claims:
            if cid not in claim_ids:
                raise DataError(case.claims, None, "id", f"a claim '{cid}' (check "
                                f"'{chk.check_id}' in {data._rel(src)} uses it)", "no such row")
        for eid in chk.external:
            if eid not in ext_ids:
                raise DataError(ext_file, None, "id",
                                f"an external figure '{eid}' (check '{chk.check_id}' in "
                                f"{data._rel(src)} uses it)", "no such row")
    return registry


def check_claim_sections(path: Path, claims, text: str, spans) -> None:
    """Every claim's quote lies in the article's body, in the section its row names."""
    lines = row_lines(read_utf8(path))
    bounds = {h: (s, e) for h, s, e in spans}
    body = (spans[0][1], spans[-1][2])
    for i, c in enumerate(claims, start=1):
        where = data.spans_of(text, c.quote)
        if not any(body[0] <= a and b <= body[1] for a, b in where):
            raise DataError(path, i, "quote", "a quote from the article's body (from the "
                            "dateline to the end mark), not the page around it", c.quote,
                            line=lines[i])
        s, e = bounds[c.section]
        if not any(s <= a and b <= e for a, b in where):
            found = next(h for h, hs, he in spans for a, b in where if hs <= a and b <= he) \
                if any(hs <= a and b <= he for h, hs, he in spans for a, b in where) else "none"
            raise DataError(path, i, "section", f"the section the quote is in ('{found}')",
                            c.section, line=lines[i])


def check_encoding(paths) -> None:
    """Every file: UTF-8, and no control character anywhere (CSV records the csv module reads,
    JSON that parses, plain text)."""
    for path in paths:
        text = read_utf8(path)
        if path.suffix == ".csv":
            csv_records(path, text)
        elif path.suffix == ".json":
            check_json_text(path, read_json(path))
        else:
            check_text(path, text)


def validate_case(folder: Path | str, trust: bool = False, own: bool = False) -> dict[str, int]:
    """The validation pass over a case folder (see :mod:`debao_audit.case`; this module's
    docstring gives the order): its data package where it has one, its article against its
    checksum and structure, its claims (sections, units, quotes, values), its exclusions (every
    number token of the body accounted for), its external figures, the claims no check covers,
    and its checks (relations declared as data, and its module's when trusted).  ``own``: the
    folder is this repository's own case or a copy of it (:func:`debao_audit.case.load`).
    Returns row counts; raises the first error (:class:`DataError` or
    :class:`debao_audit.case.CaseError`).  Writes nothing."""
    from . import case as _case
    from . import checks as _checks

    c = _case.load(folder, own=own)
    if trust:
        _case.trust(folder)
    package = c.root / PACKAGE_FILE
    desc = load_package(package, c) if package.is_file() else None
    files = list(resources(c).values()) + ([c.relations] if c.relations else [])
    if desc is not None:
        files += [p for r in desc["resources"] if (p := c.root / r["path"]) not in files]
    check_encoding(files)
    if desc is not None:
        check_json_resources(desc, c.root)
        check_tables(desc, c.root)
    figs = _checks.load_figures(case=c)
    claims = list(figs.claims.values())
    spans = data.sections(figs.text, c.structure, path=c.article)
    check_claim_sections(c.claims, claims, figs.text, spans)
    exclusions = data.load_exclusions(c.excluded, article=figs.text)
    counts = {"claims": len(claims), "exclusions": len(exclusions),
              "external": len(figs.external)}
    if c.unchecked is not None:
        counts["unchecked"] = len(data.load_unchecked(c.unchecked, claims=claims,
                                                      claims_path=c.claims))
    counts["checks"] = len(check_references(c, claims, list(figs.external.values())))
    body = (spans[0][1], spans[-1][2])
    loose = data.uncovered_tokens(figs.text[body[0]:body[1]], claims, exclusions)
    if loose:
        _, tok, ctx = loose[0]
        raise DataError(c.excluded, None, "context", "every number token of the body in a "
                        f"claim's quote or an exclusion ({len(loose)} are not)",
                        f"{tok} in '{ctx}'")
    return counts


def validate_all(package: Path = PACKAGE) -> dict[str, int]:
    """This repository's own case: the folder of ``package`` (default: ``data/``), validated
    as a case (:func:`validate_case`, ``own``)."""
    return validate_case(package.parent, own=True)


def parser():
    import argparse

    from .__main__ import EPILOG
    p = argparse.ArgumentParser(
        prog="python -m debao_audit.validate",
        description="The one validation pass over every input file: this repository's data "
                    "package and every case folder under cases/, or one case folder's.",
        epilog=EPILOG + " With make: make validate CASE=... TRUST=1.")
    p.add_argument("case", nargs="?", metavar="CASE_FOLDER",
                   help="one case folder (e.g. cases/practice-lanshan)")
    p.add_argument("--trust", action="store_true",
                   help="run the case folder's own code to validate its checks (see Trust)")
    return p


def main(argv: list[str] | None = None) -> int:
    """``python -m debao_audit.validate [--trust] [CASE_FOLDER]``: this repository's inputs (its
own data package and every case folder under ``cases/``), or one case's."""
    from . import sandbox
    from .case import CaseError

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    from .__main__ import _sandboxed, one_line
    if _sandboxed(args.case, args.trust):
        return sandbox.rerun("debao_audit.validate", argv, f"invalid input: {args.case}")
    try:
        if args.case:
            counts = validate_case(args.case, trust=args.trust)
        else:
            counts = validate_all()
            folders = sorted(p.parent for p in (data.ROOT / "cases").glob("*/case.json"))
            for folder in folders:
                validate_case(folder)
            if folders:
                counts["cases"] = len(folders)
    except CaseError as e:
        print(f"invalid input: {e}", file=sys.stderr)
        return sandbox.finished(2)
    except DataError as e:
        print(f"invalid input: {e}", file=sys.stderr)
        return sandbox.finished(2)
    except OSError as e:
        print(f"invalid input: {e.filename or 'a file'}: expected a readable file; got "
              f"{e.strerror or e}", file=sys.stderr)
        return sandbox.finished(2)
    except BaseException as e:  # a case's own code (its checks), whatever it raised: one line
        if isinstance(e, KeyboardInterrupt) and not sandbox.inside():
            print("validate: interrupted", file=sys.stderr)
            return 130
        print(one_line("invalid input", e).replace("; nothing was written", ""),
              file=sys.stderr)
        return sandbox.finished(2)
    print("inputs valid: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return sandbox.finished(0)


if __name__ == "__main__":
    sys.exit(main())
