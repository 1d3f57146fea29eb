"""A case: one article with its figures, as a folder of data (and, only where data cannot
declare a check, a module of code).

The engine (reading, intervals, checks, findings, page, figures' common parts) takes a case and
imports none.  A case is a folder holding ``case.json``::

    {"slug": "debao-nanshan-2021",
     "article": "raw/article.txt",          # the text, byte for byte
     "meta": "raw/article.meta.json",       # source, checksum, licence (default: case.json)
     "claims": "claims.csv", "excluded": "excluded_tokens.csv",
     "unchecked": "unchecked_claims.csv",   # optional
     "external": ["external/reference_figures.csv"],
     "relations": "relations.csv",          # relations declared as data (optional)
     "module": "debao_case",                # code: checks, theme figures (optional)
     "structure": {"dateline": "...", "headings": ["..."], "end_mark": "(完)"},
     "units": {"公里": "kilometre",         # units beyond the reader's own (optional)
               "个": [["item", "count"]]},  # ... or more units for a word it knows
     "short_labels": {"check_id": ["中文", "English"]}}  # scorecard row labels (optional)

Paths are relative to the folder.  ``module`` is a plain Python file in the case folder
(``"module": "checks.py"``: letters, digits and ``_``, no path, no dots, not a link), so that a
new case needs no change to any package; only this repository's own case (``data/``) names an
installed package instead (``debao_case``).  The module offers ``register(registry)`` (its
checks that need code) and, optionally, ``figures()`` (its theme figures: name → (function,
finding)) and ``APPENDIX`` (those of them kept out of the gallery's lead).

**Trust.**  A case's module is code: it runs only when the folder is trusted (``--trust`` on the
command line, ``DEBAO_TRUST=1`` or ``DEBAO_TRUST=FOLDER[:FOLDER...]``; :func:`is_trusted`);
otherwise :class:`UntrustedError` says so and nothing of it runs.  A case without a module is
data only and never runs code.  The command line runs a trusted case's code in a separate,
limited process (:mod:`debao_audit.sandbox`).
``structure`` may leave out the dateline or the end mark
(``null``): the body then starts at the first line after the title or ends at the text's end.
Nothing is loaded when the package is imported: :func:`default` loads this repository's own
case (``data/``) on first use, and :meth:`Case.registry` compiles a case's checks when asked.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Mapping

from .written import DEFAULT, Conventions

if TYPE_CHECKING:
    from .checks import Check

CASE_FILE = "case.json"


class CaseError(ValueError):
    """A case folder does not meet its contract (one line: file, key, expected, found)."""


@dataclass(frozen=True)
class Structure:
    """Where an article's body runs and how it is divided."""
    dateline: str | None = None
    headings: tuple[str, ...] = ()
    end_mark: str | None = None

    @property
    def sections(self) -> tuple[str, ...]:
        """The section names a claim may carry: ``intro`` (before the first heading), then the
        headings in order."""
        return ("intro",) + self.headings


@dataclass(frozen=True, eq=False)
class Case:
    root: Path
    slug: str
    article: Path
    meta: Path
    claims: Path
    excluded: Path
    unchecked: Path | None
    external: tuple[Path, ...]
    relations: Path | None
    module: str | None
    structure: Structure
    units: Mapping[str, Any] = field(default_factory=dict)
    invented: bool = False
    #: short row labels (Chinese, English) for checks, by check id, that read at a thumbnail's
    #: size (the overview's scorecard); a check without one shows its title alone
    short_labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: this repository's own case (``data/``, or a copy of it being validated): its code is
    #: the installed package its ``module`` names, trusted as the engine is
    own: bool = False

    @property
    def conventions(self) -> Conventions:
        """The reader's conventions with this case's own units."""
        return DEFAULT.with_(units=dict(self.units)) if self.units else DEFAULT

    def registry(self) -> dict[str, "Check"]:
        """This case's checks, in order: those declared as data (``relations``), then those of
        its module (``register(registry)``, which may place rows among its own checks).
        Compiled on each call (cheap); nothing global."""
        return _registry(self)

    def code(self) -> ModuleType | None:
        """The case's module (imported on first use), or None where the case has none.
        Raises :class:`UntrustedError` (nothing run) unless the folder is trusted
        (:func:`is_trusted`)."""
        return _code(self)

    def meta_dict(self) -> dict:
        from . import data as _data
        return _data.article_meta(self.meta)


#: The setting that trusts case folders' code: ``1`` (every folder) or folders separated by
#: ``os.pathsep``.  The command line's ``--trust`` is the same for the folder it names.
TRUST_ENV = "DEBAO_TRUST"
#: What every refusal to run a case's code says (the rule, in a phrase).
TRUST_HINT = ("pass --trust (or set DEBAO_TRUST=1) only if you trust this folder: its Python "
              "runs with your permissions and can read, change or send any of your files")
_TRUSTED: set[Path] = set()
#: A case's own module: one plain Python file in its folder (no path, no package, no dots).
MODULE_FILE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")


class UntrustedError(CaseError):
    """A case's code was not run because nobody said the folder is trusted."""


def trust(folder: str | Path) -> None:
    """Trust the code of the case in ``folder`` for the rest of this process (``--trust``)."""
    _TRUSTED.add(Path(folder).resolve())


def is_own(case: "Case") -> bool:
    """This repository's own case (``data/``), whose code is the installed package
    ``debao_case``: trusted as the engine is."""
    return case.own


def is_trusted(case: "Case") -> bool:
    """Whether the case's code may run: this repository's own case, a folder trusted with
    :func:`trust` (``--trust``), or one named by ``DEBAO_TRUST`` (``1``: any folder)."""
    if is_own(case) or case.root in _TRUSTED:
        return True
    setting = os.environ.get(TRUST_ENV, "").strip()
    if setting.lower() in ("1", "yes", "true", "all"):
        return True
    return any(p and Path(p).resolve() == case.root for p in setting.split(os.pathsep))


def module_path(case: "Case") -> Path | None:
    """The file of the case's module (checked: a plain ``NAME.py`` file in the case folder,
    not a link), or None for a module name (only this repository's own case has one)."""
    return _module_path(case.root, case.module, case.own) if case.module else None


def _module_path(root: Path, module: str, own: bool = False) -> Path | None:
    where = root / CASE_FILE
    if not module.endswith(".py") and own:
        return None  # the repository's own case: the installed package debao_case
    if not MODULE_FILE.fullmatch(module):
        raise CaseError(f"{where}: key 'module': expected the name of a Python file in the "
                        f"case folder, like \"checks.py\" (letters, digits, _; no path, no "
                        f"dots, no module name); found {module!r}")
    path = root / module
    if path.is_symlink():
        raise CaseError(f"{where}: key 'module': expected a file in the case folder; found "
                        f"{module!r}, a symbolic link (to {os.readlink(path)})")
    if not path.exists():
        raise CaseError(f"{where}: key 'module': expected the file {path}; found none")
    if not path.is_file():
        raise CaseError(f"{where}: key 'module': expected a regular file; found {path}, "
                        "not a regular file")
    if path.stat().st_size > MODULE_MAX:
        raise CaseError(f"{where}: key 'module': expected a file of at most {MODULE_MAX:,} "
                        f"bytes; found {path.stat().st_size:,} bytes")
    return path


#: The largest case module accepted.
MODULE_MAX = 1_000_000


def _code(case: Case) -> ModuleType | None:
    if not case.module:
        return None
    path = module_path(case)
    if path is not None and not is_trusted(case):
        raise UntrustedError(f"{case.root / CASE_FILE}: key 'module': the case's code "
                             f"({case.module}) was not run, because the folder is not trusted; "
                             f"{TRUST_HINT}")
    return _import(case, path)


@functools.lru_cache(maxsize=16)
def _import(case: Case, path: Path | None) -> ModuleType | None:
    where = case.root / CASE_FILE
    if path is not None:
        name = "debao_audit_case_" + re.sub(r"\W", "_", case.slug)
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[name] = mod
        try:
            spec.loader.exec_module(mod)  # type: ignore[union-attr]
        except BaseException as e:  # SystemExit, KeyboardInterrupt from the module: one line
            sys.modules.pop(name, None)
            raise CaseError(f"{_at(e, path)}: expected a module that imports cleanly; found "
                            f"{_what(e)}") from None
        return mod
    try:
        return importlib.import_module(case.module)  # type: ignore[arg-type]
    except ModuleNotFoundError as e:
        if e.name and case.module.split(".")[0] == e.name.split(".")[0]:  # type: ignore[union-attr]
            raise CaseError(f"{where}: key 'module': expected an importable module or a .py "
                            f"file in the case folder; found {case.module!r} (no such module)"
                            ) from None
        raise


def _at(e: BaseException, path: Path) -> str:
    line = _line_in(e, path)
    return f"{path}{f', line {line}' if line else ''}"


def _what(e: BaseException) -> str:
    """An exception in a few words: its type and message, on one line."""
    msg = " ".join(str(e).split())[:200]
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__


def _line_in(e: BaseException, path: Path) -> int | None:
    """The last line of ``path`` in the traceback of ``e`` (where the case's own code failed)."""
    import traceback

    lines = [f.lineno for f in traceback.extract_tb(e.__traceback__)
             if Path(f.filename) == path]
    if isinstance(e, SyntaxError) and e.filename and Path(e.filename) == path:
        lines.append(e.lineno)
    return lines[-1] if lines else None


@functools.lru_cache(maxsize=16)
def _registry(case: Case) -> dict[str, "Check"]:
    from . import shapes
    from .checks import Registry

    reg = Registry()
    if case.relations is not None:
        shapes.compile_into(reg, case.relations, case)
    mod = case.code()
    if mod is not None:
        register = getattr(mod, "register", None)
        if register is None:
            raise CaseError(f"{case.root / CASE_FILE}: module {case.module!r} has no "
                            "register(registry) function")
        try:
            register(reg)
        except CaseError:
            raise
        except BaseException as e:  # the case's own code: one line, whatever it raised
            path = module_path(case)
            where = _at(e, path) if path is not None else str(case.root / CASE_FILE)
            raise CaseError(f"{where}: register(registry) failed: {_what(e)}") from None
    return dict(reg)


def _path(root: Path, spec: dict, key: str, required: bool = True,
          limit: int | None = None) -> Path | None:
    value = spec.get(key)
    if value is None:
        if required:
            raise CaseError(f"{root / CASE_FILE}: expected a key {key!r} (a path relative to "
                            f"the case folder); found none")
        return None
    if not isinstance(value, str) or not value:
        raise CaseError(f"{root / CASE_FILE}: key {key!r}: expected a relative path; "
                        f"found {value!r}")
    p = (root / value).resolve()
    if root.resolve() not in p.parents and p != root.resolve():
        raise CaseError(f"{root / CASE_FILE}: key {key!r}: expected a path inside the case "
                        f"folder; found {value!r}")
    step = root
    for part in Path(value).parts:
        step = step / part
        if step.is_symlink():
            raise CaseError(f"{root / CASE_FILE}: key {key!r}: expected a file in the case "
                            f"folder, not a symbolic link; found {value!r} (a link to "
                            f"{os.readlink(step)})")
    if p.exists() and not p.is_file():
        raise CaseError(f"{root / CASE_FILE}: key {key!r}: expected a regular file; found "
                        f"{value!r}, {'a directory' if p.is_dir() else 'not a regular file'}")
    if limit is not None and p.is_file() and p.stat().st_size > limit:
        raise CaseError(f"{root / CASE_FILE}: key {key!r}: expected a file of at most "
                        f"{limit:,} bytes; found {value!r}, {p.stat().st_size:,} bytes")
    return p


#: The largest data file of a case from elsewhere (the real ones are a few kilobytes).
FILE_MAX = 10_000_000


SCHEMA = Path(__file__).with_name("case.schema.json")
#: The largest case.json read (a real one is a few kilobytes).
CASE_FILE_MAX = 1_000_000


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON Schema of case.json (``case.schema.json``, package data)."""
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _check_schema(file: Path, spec: dict) -> None:
    """case.json against :func:`schema`: the first problem as one line naming the key."""
    from .validate import _fast_jsonschema
    _fast_jsonschema()
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(spec),
                    key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    e = errors[0]
    # within a oneOf, the alternative that fits the value's type says most
    if e.validator == "oneOf" and e.context:
        e = sorted(e.context, key=lambda c: (c.validator == "type", len(c.absolute_path)))[0]
    where = ".".join(str(p) for p in e.absolute_path)
    if e.validator == "required":
        missing = e.message.split("'")[1] if "'" in e.message else e.message
        key = f"{where}.{missing}" if where else missing
        desc = schema()["properties"].get(missing, {}).get("description", "")
        raise CaseError(f"{file}: expected a key {key!r}{f' ({desc})' if desc else ''}; "
                        "found none")
    if e.validator == "additionalProperties":
        known = sorted(e.schema.get("properties", {}))
        extra = sorted(set(e.instance) - set(known))
        key = f"{where}.{extra[0]}" if where else extra[0]
        raise CaseError(f"{file}: key {key!r}: expected only the keys {', '.join(known)}; "
                        f"found an unknown key")
    desc = e.schema.get("description") or _described(e) or e.message
    found = e.instance
    shown = (json.dumps(found, ensure_ascii=False)[:120] if not isinstance(found, (dict, list))
             else f"a JSON {'object' if isinstance(found, dict) else 'array'} "
                  f"({json.dumps(found, ensure_ascii=False)[:80]})")
    raise CaseError(f"{file}: key {where or '(top level)'!r}: expected {desc}; found {shown}")


def _described(e) -> str | None:
    """The description of the schema a failing keyword sits in (a $ref's target, the parent)."""
    for s in (e.schema, *(p for p in reversed(list(getattr(e, "parent", None) and
                                                    [e.parent.schema] or [])))):
        if isinstance(s, dict) and s.get("description"):
            return s["description"]
    return None


#: A case's slug: one safe name (the folder's own).
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def load(folder: str | Path, own: bool = False) -> Case:
    """The case in ``folder`` (a directory holding ``case.json``).  ``own``: the folder is
    this repository's own case or a copy of it (``data/``, always so): its slug need not be
    its folder's name, and its ``module`` is an installed package (see :func:`is_own`)."""
    root = Path(folder).resolve()
    file = root / CASE_FILE
    if not file.is_file():
        raise CaseError(f"{file}: expected a case file (case.json) in the folder; found none")
    if file.is_symlink():
        raise CaseError(f"{file}: expected a regular file in the case folder; found a "
                        "symbolic link")
    if file.stat().st_size > CASE_FILE_MAX:
        raise CaseError(f"{file}: expected a case file of at most {CASE_FILE_MAX:,} bytes; "
                        f"found {file.stat().st_size:,} bytes")
    from . import data as _data
    own = own or root == _data.DATA.resolve()
    try:
        spec = _data.read_json(file)  # UTF-8, bounded depth, no key twice
    except _data.DataError as e:
        raise CaseError(str(e)) from None
    if not isinstance(spec, dict):
        raise CaseError(f"{file}: expected a JSON object; found {type(spec).__name__}")
    _check_schema(file, spec)
    from .validate import check_json_text
    try:
        check_json_text(file, spec)  # no control character in any key or text
    except _data.DataError as e:
        raise CaseError(str(e)) from None
    slug = spec["slug"]
    if not own and slug != root.name:
        raise CaseError(f"{file}: key 'slug': expected the case folder's own name "
                        f"({root.name!r}), so that its outputs and its page are found under "
                        f"that name; found {slug!r}")
    if not own and not SLUG.fullmatch(root.name):
        raise CaseError(f"{root}: expected a case folder named like a slug (letters, digits, "
                        f"'-', '_', '.'; no spaces; at most 64 characters); found "
                        f"{root.name!r}")
    st = spec.get("structure") or {}
    if not isinstance(st, dict):
        raise CaseError(f"{file}: key 'structure': expected an object; found {st!r}")
    headings = st.get("headings") or []
    if not isinstance(headings, list) or not all(isinstance(h, str) and h for h in headings):
        raise CaseError(f"{file}: key 'structure.headings': expected a list of heading lines; "
                        f"found {headings!r}")
    external = spec.get("external") or []
    if isinstance(external, str):
        external = [external]
    units = spec.get("units") or {}
    if not isinstance(units, dict):
        raise CaseError(f"{file}: key 'units': expected an object of word: unit; found {units!r}")
    try:
        DEFAULT.with_(units=units)
    except ValueError as e:
        raise CaseError(f"{file}: key 'units': expected measure words and units the reader can "
                        f"use; found: {str(e).removeprefix('Conventions.units: ')}") from None
    short = spec.get("short_labels") or {}
    if not isinstance(short, dict) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) and x for x in v)
            for v in short.values()):
        raise CaseError(f"{file}: key 'short_labels': expected an object of check id: "
                        f"[Chinese, English]; found {short!r}")
    module = spec.get("module")
    if module is not None and not isinstance(module, str):
        raise CaseError(f"{file}: key 'module': expected the name of a Python file in the case "
                        f"folder, like \"checks.py\"; found {module!r}")
    if module is not None:
        _module_path(root, module, own)  # checked now, before anything runs: a file, not a name
    limit = None if own else FILE_MAX  # this repository's own data: its fields are bounded
    return Case(
        root=root, slug=slug,
        article=_path(root, spec, "article", limit=limit),  # type: ignore[arg-type]
        meta=_path(root, spec, "meta", required=False, limit=limit) or file,
        claims=_path(root, spec, "claims", limit=limit),  # type: ignore[arg-type]
        excluded=_path(root, spec, "excluded", limit=limit),  # type: ignore[arg-type]
        unchecked=_path(root, spec, "unchecked", required=False, limit=limit),
        external=tuple(_path(root, {"x": e}, "x", limit=limit)  # type: ignore[misc]
                       for e in external),
        relations=_path(root, spec, "relations", required=False, limit=limit),
        module=module,
        structure=Structure(st.get("dateline"), tuple(headings), st.get("end_mark")),
        units=units, invented=bool(spec.get("invented", False)),
        short_labels={k: (v[0], v[1]) for k, v in short.items()}, own=own)


@functools.lru_cache(maxsize=1)
def default() -> Case:
    """This repository's own case: the article in ``data/``."""
    from . import data as _data
    return load(_data.DATA)


#: What a skeleton of a case leaves out: the answers (the key, the instructor's notes).
SKELETON_SKIP = ("answer_key.csv", "README.md")


def skeleton(folder: str | Path, dest: str | Path) -> Path:
    """A copy of the case in ``folder`` at ``dest`` to audit from scratch: its article, claims,
    exclusions and external figures, ``relations.csv`` with its header only, no answer key and
    no notes.  Refuses to write over an existing ``dest``."""
    from . import data as _data

    case = load(folder)
    dest = Path(dest)
    if dest.exists():
        raise CaseError(f"{dest}: expected a new folder; it exists (audit it, or remove it "
                        "first)")
    if not SLUG.fullmatch(dest.name):
        raise CaseError(f"{dest}: expected a folder named like a slug (letters, digits, '-', "
                        "'_', '.'; no spaces): the copy's slug is its folder's name")
    dest.mkdir(parents=True)
    for p in sorted(case.root.iterdir()):
        if p.is_file() and p.name not in SKELETON_SKIP and not p.name.endswith(".pyc"):
            if p.name == CASE_FILE:  # the copy's slug is its own folder's name
                spec = json.loads(p.read_text(encoding="utf-8"))
                spec["slug"] = dest.name
                (dest / p.name).write_text(json.dumps(spec, ensure_ascii=False, indent=2)
                                           + "\n", encoding="utf-8")
            elif case.relations is not None and p == case.relations:
                header = _data.read_text(p).splitlines()[0]
                (dest / p.name).write_text(header + "\n", encoding="utf-8")
            else:
                (dest / p.name).write_bytes(p.read_bytes())
    return dest


def lacks(folder: str | Path) -> dict[str, list[str]]:
    """Everything each row of a case's ``relations.csv`` still lacks, all at once: row name
    (its check_id, or ``row N``) → one line per missing or wrong column.  Rows that are
    complete are left out; an empty result means every row compiles."""
    from . import data as _data
    from .shapes import OPTIONAL_COLUMNS, RELATION_COLUMNS, row_problems

    case = load(folder)
    if case.relations is None:
        return {}
    rows = _data._read_rows(case.relations, RELATION_COLUMNS, OPTIONAL_COLUMNS)
    known = {r["id"] for r in _data._read_rows(case.claims, ("id",), None)}
    known |= {r["id"] for p in case.external for r in _data._read_rows(p, ("id",), None)}
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, r in enumerate(rows, start=1):
        name = r["check_id"].strip() or f"row {i}"
        problems = [f"{col}: expected {what}" + (f" (has {got!r})" if got not in (None, "")
                                                 else "")
                    for col, what, got in row_problems(r, known)]
        if not r["check_id"].strip():
            problems.append("check_id: expected a name for the check (snake_case)")
        elif r["check_id"] in seen:
            problems.append("check_id: expected a name no other row has")
        seen.add(r["check_id"])
        if not problems:      # what only compiling the row tells (the check's own rules)
            from .shapes import compile_rows
            try:
                compile_rows([r], case.relations, known)
            except _data.DataError as e:
                problems.append(str(e).split(": ", 1)[-1])
        if problems:
            out[name] = problems
    return out


def put_relation(folder: str | Path, row: Mapping[str, str]) -> Path:
    """Add ``row`` to the case's ``relations.csv``, or replace the row with the same
    ``check_id``; columns left out are empty.  The file is rewritten whole (UTF-8, ``\\n``).
    Check what a row still lacks with :func:`lacks`."""
    import csv
    import io

    from . import data as _data
    from .shapes import RELATION_COLUMNS

    case = load(folder)
    path = case.relations or case.root / "relations.csv"
    rows: list[dict[str, str]] = []
    header = list(RELATION_COLUMNS)
    if path.is_file():
        reader = csv.DictReader(io.StringIO(_data.read_text(path), newline=""))
        header = list(reader.fieldnames or header)
        rows = list(reader)
    unknown = [k for k in row if k not in header]
    if unknown:
        raise CaseError(f"{path}: column {unknown[0]!r}: expected one of {', '.join(header)}")
    new = {k: str(row.get(k, "") or "") for k in header}
    at = [i for i, r in enumerate(rows) if r.get("check_id") == new["check_id"]]
    if at:
        rows[at[0]] = new
    else:
        rows.append(new)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path
