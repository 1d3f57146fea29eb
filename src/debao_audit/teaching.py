"""The checker of the course's exercises, and the student edition.

Every exercise of notebooks 00-08 has an answer cell (``answer = None``) and a check cell::

    from debao_audit.teaching import check
    check("03-3", answer)

:func:`check` prints one line: *not answered yet* (``None``), *right*, *close* with the reason
(a rounding or precision slip of the right method) or *not right*, naming the mistake when it is
a known one (another method, another quantity, other units) and otherwise giving a hint; never
the expected answer.

The exercises are the course's, not the engine's: ``notebooks/exercises/exercises.toml`` says
what each asks, its precision and unit, and its expected answer and known mistakes as
computations over ``notebooks/exercises/course.py``.  This module only judges.  It compares the
*forms* of an answer (rounded half up at the precision asked, one digit coarser, scaled by a
power of ten) with a **key**: the forms of the right answer and of each known mistake, computed
from the course (:func:`course_key`).  The student edition carries the same key with every form
replaced by a salted hash (:func:`hashed`), made by ``make student``: the same judgement, and no
readable answer anywhere.

Answers are taken as students write them: ``int``, ``float``, ``Decimal``, ``Fraction``, numpy
scalars and 0-d arrays of any numeric dtype, pandas scalars, strings such as ``"12.5%"``,
``"1,234元"`` or ``"3.25 years"`` (a unit the exercise allows, converted), tuples, lists,
arrays and Series for several numbers, sets (or lists) of strings for ids.

``python -m debao_audit.teaching student build/student`` (``make student``) writes the student
edition (:func:`write_student`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Sequence

from . import data

D = Decimal

#: The template of an answer cell: what the student edition puts back.
ANSWER_CELL = "answer = None"
#: Where the course's exercises live (``exercises.toml`` and ``course.py``).
COURSE = data.ROOT / "notebooks" / "exercises"
#: The student edition's key (salted hashes), beside this module; absent in the project.
KEY_FILE = Path(__file__).with_name("course_key.json")
#: Set to a file path, :func:`check` appends each judgement to it as a JSON line (grading).
LOG_ENV = "DEBAO_CHECK_LOG"

KINDS = ("number", "numbers", "text", "ids", "findings")
#: The units an answer written as a string may carry, per the exercise's ``unit``, each with
#: the factor that converts it to the unit asked.
UNITS: dict[str, dict[str, Decimal]] = {
    "percent": {"%": D(1), "％": D(1), "percent": D(1), "pct": D(1)},
    "points": {"pp": D(1), "p.p.": D(1), "个百分点": D(1), "百分点": D(1), "points": D(1),
               "percentage points": D(1), "percentage point": D(1)},
    "yuan": {"元": D(1), "yuan": D(1), "万元": D(10) ** 4, "万": D(10) ** 4, "亿元": D(10) ** 8,
             "亿": D(10) ** 8},
    "wan_yuan": {"万元": D(1), "万": D(1), "元": D(10) ** -4, "yuan": D(10) ** -4,
                 "亿元": D(10) ** 4, "亿": D(10) ** 4},
    "yi_yuan": {"亿元": D(1), "亿": D(1), "万元": D(10) ** -4, "万": D(10) ** -4,
                "元": D(10) ** -8, "yuan": D(10) ** -8},
    "persons": {"人": D(1), "名": D(1), "persons": D(1), "people": D(1), "万人": D(10) ** 4,
                "万": D(10) ** 4},
    "wan_persons": {"万人": D(1), "万": D(1), "人": D(10) ** -4, "名": D(10) ** -4,
                    "persons": D(10) ** -4, "people": D(10) ** -4},
    "years": {"years": D(1), "year": D(1), "yr": D(1), "yrs": D(1), "年": D(1)},
}
UNIT_NAMES = {"percent": "percent", "points": "percentage points", "yuan": "yuan",
              "wan_yuan": "万元", "yi_yuan": "亿元", "persons": "persons",
              "wan_persons": "万 persons", "years": "years"}
#: Powers of ten a slip of units explains, and how to say it.
UNIT_SLIPS = {2: "a factor of 100 (percent vs a fraction?)", 4: "a factor of 10,000 (万?)",
              8: "a factor of 10^8 (亿?)", 3: "a factor of 1,000", 6: "a factor of 10^6"}
#: How a right answer given one digit too coarsely is told.
NEAR = "rounding: you are near"
#: What a check of findings counts as a flag.
FLAGS = ("inconsistent", "tension")


class CourseError(ValueError):
    """A course file that cannot be read: one line naming the file, exercise and field."""


# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Feedback:
    """What :func:`check` says: ``status`` is ``unanswered``, ``right``, ``close`` or ``wrong``."""

    exercise: str
    status: str
    reason: str = ""

    def __str__(self) -> str:
        if self.status == "unanswered":
            return (f"{self.exercise}: not answered yet. Answer with {self.reason}: set `answer` "
                    "above, then run this cell again.")
        head = {"right": "right", "close": "close, but not quite", "wrong": "not right"}[
            self.status]
        return f"{self.exercise}: {head}" + (f": {self.reason}" if self.reason else ".")

    def row(self) -> dict[str, str]:
        """As a row of a results table (grading)."""
        return {"exercise": self.exercise, "status": self.status, "feedback": str(self)}


# --------------------------------------------------------------------------------------------
# The course: exercises as data
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exercise:
    """One exercise as the course declares it (``exercises.toml``)."""

    id: str
    asks: str
    kind: str
    expected: str = ""                     #: an expression over the course module
    places: tuple[int, ...] = ()           #: the decimals asked, per number
    unit: str = ""
    near: bool = True
    hint: str = ""
    right_note: str = ""
    slips: tuple[dict, ...] = ()
    case: str = ""                         #: findings: the case folder and its answer key
    key: str = ""


@dataclass
class Course:
    folder: Path
    exercises: dict[str, Exercise]
    module: ModuleType

    def compute(self, expr: str) -> Any:
        """The value of an expression of the course (over its module's names)."""
        return eval(expr, vars(self.module))  # noqa: S307 - the course's own data

    def expected(self, exercise: str) -> Any:
        return self.compute(self.exercises[exercise].expected)

    def slips(self, exercise: str) -> list[tuple[Any, str, str]]:
        """The known mistakes: (answer as a student would compute it, reason, status)."""
        out = []
        for s in self.exercises[exercise].slips:
            answers = [self.compute(s["answer"])] if "answer" in s else list(
                self.compute(s["each"]))
            out += [(a, s["reason"], s.get("status", "wrong")) for a in answers]
        return out


_FIELDS = {"id": str, "asks": str, "kind": str, "expected": str, "places": (int, list),
           "unit": str, "near": bool, "hint": str, "right_note": str, "slip": list,
           "case": str, "key": str}


def load_course(folder: Path | str = COURSE) -> Course:
    """The course in ``folder``: its ``exercises.toml`` read and checked, its ``course.py``
    imported (the names the expressions use)."""
    folder = Path(folder)
    path = folder / "exercises.toml"
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise CourseError(f"{path}: cannot be read as TOML: {e}") from None
    exercises: dict[str, Exercise] = {}
    for i, row in enumerate(spec.get("exercise", []), 1):
        where = f"{path}: exercise {row.get('id', i)!s}"
        for k, v in row.items():
            if k not in _FIELDS:
                raise CourseError(f"{where}: unknown field {k!r}")
            if not isinstance(v, _FIELDS[k]):
                raise CourseError(f"{where}: field {k!r} has the wrong type")
        for k in ("id", "asks", "kind"):
            if k not in row:
                raise CourseError(f"{where}: field {k!r} is missing")
        if not re.fullmatch(r"\d\d-\d", row["id"]) or row["id"] in exercises:
            raise CourseError(f"{where}: id should be a new NN-N")
        if row["kind"] not in KINDS:
            raise CourseError(f"{where}: kind should be one of {', '.join(KINDS)}")
        if row["kind"] != "findings" and "expected" not in row:
            raise CourseError(f"{where}: field 'expected' is missing")
        if row.get("unit") and row["unit"] not in UNITS:
            raise CourseError(f"{where}: unit should be one of {', '.join(UNITS)}")
        for s in row.get("slip", []):
            if not ({"answer", "each"} & set(s)) or "reason" not in s or s.get(
                    "status", "wrong") not in ("close", "wrong"):
                raise CourseError(f"{where}: a slip needs answer (or each), reason and a "
                                  "status close or wrong")
        places = row.get("places", 0)
        numeric = row["kind"] in ("number", "numbers")
        exercises[row["id"]] = Exercise(
            id=row["id"], asks=row["asks"], kind=row["kind"], expected=row.get("expected", ""),
            places=tuple(places) if isinstance(places, list) else (places,),
            unit=row.get("unit", ""), near=row.get("near", numeric), hint=row.get("hint", ""),
            right_note=row.get("right_note", ""), slips=tuple(row.get("slip", ())),
            case=row.get("case", ""), key=row.get("key", ""))
    module_path = folder / "course.py"
    mod_spec = importlib.util.spec_from_file_location("debao_course", module_path)
    if mod_spec is None or mod_spec.loader is None or not module_path.is_file():
        raise CourseError(f"{module_path}: the course's computations are missing")
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)
    return Course(folder, exercises, module)


@functools.lru_cache(maxsize=None)
def course() -> Course:
    """The project's course (``notebooks/exercises/``)."""
    return load_course(COURSE)


# --------------------------------------------------------------------------------------------
# What a student writes, read as a number, numbers, text or ids
# --------------------------------------------------------------------------------------------

class _Unreadable(Exception):
    """An answer that is not of the shape asked; the message says why."""


def _unwrap(x: Any) -> Any:
    """A plain Python value from a numpy or pandas scalar or a 0-d array."""
    for _ in range(3):
        mod = type(x).__module__.split(".")[0]
        if mod not in ("numpy", "pandas"):
            return x
        try:
            import pandas as pd
            if x is pd.NA or x is pd.NaT:
                return None
        except ImportError:  # pragma: no cover - pandas is a dependency
            pass
        if getattr(x, "ndim", 0) == 0 and hasattr(x, "item"):
            y = x.item()
            if type(y).__module__.split(".")[0] == "numpy":   # e.g. longdouble
                return D(str(y))
            x = y
        else:
            return x
    return x


_NUMBER = re.compile(r"\s*([+\-−]?(?:\d[\d,，_]*(?:\.\d*)?|\.\d+)(?:[eE][+\-]?\d+)?)\s*(.*?)\s*$")


def _decimal(x: Any, unit: str = "") -> Decimal:
    """A number from what a student wrote (see the module's docstring)."""
    x = _unwrap(x)
    if x is None or isinstance(x, bool):
        raise _Unreadable("not a number")
    if isinstance(x, complex):
        if x.imag:
            raise _Unreadable("a complex number")
        x = x.real
    if isinstance(x, Decimal):
        v = x
    elif isinstance(x, int):
        v = D(x)
    elif isinstance(x, float):
        v = D(repr(x))
    elif isinstance(x, Fraction):
        with localcontext() as ctx:
            ctx.prec = 60
            v = D(x.numerator) / D(x.denominator)
    elif isinstance(x, str):
        m = _NUMBER.fullmatch(x)
        if not m:
            raise _Unreadable("not a number")
        num = m.group(1).replace("−", "-")
        try:
            v = D(re.sub(r"[,，_]", "", num))
        except InvalidOperation:
            raise _Unreadable("not a number") from None
        written = m.group(2)
        if written:
            allowed = UNITS.get(unit, {})
            factor = allowed.get(written) or allowed.get(written.lower())
            if factor is None:
                asked = UNIT_NAMES.get(unit)
                raise _Unreadable(f"the unit {written!r} is not one this answer takes"
                                  + (f" (give {asked})" if asked else " (give a plain number)"))
            v = v * factor
    else:
        try:
            v = D(str(float(x)))      # any other real number type
        except (TypeError, ValueError):
            raise _Unreadable("not a number") from None
    if not v.is_finite():
        raise _Unreadable("not a finite number")
    return v


def _numbers(x: Any, unit: str) -> list[Decimal]:
    """Several numbers: a tuple, list, 1-d array, Series, Interval; one number alone is a
    list of one."""
    x = _unwrap(x)
    if hasattr(x, "lo") and hasattr(x, "hi"):          # an Interval
        x = (x.lo, x.hi)
    elif hasattr(x, "tolist") and getattr(x, "ndim", 1) == 1:
        x = x.tolist()
    if isinstance(x, (tuple, list)):
        return [_decimal(v, unit) for v in x]
    return [_decimal(x, unit)]


def _strings(x: Any) -> set[str]:
    x = _unwrap(x)
    if isinstance(x, str):
        return {x.strip()}
    if hasattr(x, "tolist"):
        x = x.tolist()
    if isinstance(x, (set, frozenset, tuple, list)):
        out = set()
        for v in x:
            v = _unwrap(v)
            if not isinstance(v, str):
                raise _Unreadable("not strings")
            out.add(v.strip())
        return out
    raise _Unreadable("not a set of strings")


def _round(v: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> str:
    with localcontext() as ctx:
        ctx.prec = 80
        q = v.quantize(D(1).scaleb(-places), rounding=rounding)
    if q == 0:
        q = q.copy_abs()
    return format(q, "f")


def _places(ex: Exercise, n: int) -> list[int]:
    p = list(ex.places) or [0]
    return p * n if len(p) == 1 else p


def _form(ex: Exercise, values: Sequence[Decimal], coarser: int = 0,
          rounding: str = ROUND_HALF_UP) -> str:
    return ";".join(_round(v, p - coarser, rounding)
                    for v, p in zip(values, _places(ex, len(values))))


def _text(x: Any) -> str:
    x = _unwrap(x)
    if not isinstance(x, str):
        raise _Unreadable("not a string")
    return x.strip().casefold()


# --------------------------------------------------------------------------------------------
# The key: the forms of the right answer and of the known mistakes
# --------------------------------------------------------------------------------------------

def _meta(ex: Exercise, n: int) -> dict:
    return {"asks": ex.asks, "kind": ex.kind, "places": list(ex.places), "unit": ex.unit,
            "near": ex.near, "hint": ex.hint, "right_note": ex.right_note, "n": n}


def _as_values(ex: Exercise, x: Any, n: int) -> list[Decimal]:
    vals = _numbers(x, "") if ex.kind == "numbers" else [_decimal(x)]
    return vals * n if len(vals) == 1 and n > 1 else vals


def _boundary_forms(ex: Exercise, values: list[Decimal], coarser: int = 0) -> set[str]:
    """The forms of ``values`` and, where one lies within a hair of a rounding boundary, of
    its neighbours too (a float computed another way may round either side)."""
    out = {_form(ex, values, coarser)}
    eps = [max(abs(v), D(1)) * D("1e-9") for v in values]
    out.add(_form(ex, [v + e for v, e in zip(values, eps)], coarser))
    out.add(_form(ex, [v - e for v, e in zip(values, eps)], coarser))
    return out


def exercise_key(c: Course, exercise: str) -> dict:
    """One exercise's key, in plain forms: ``entries`` maps a form to (status, reason)."""
    ex = c.exercises[exercise]
    if ex.kind == "findings":
        return _findings_key(c, ex)
    expected = c.expected(exercise)
    entries: dict[str, list[str]] = {}

    named: set[str] = set()        # the forms of known mistakes

    def put(form: str, status: str, reason: str, slip: bool = False) -> None:
        had = entries.setdefault(form, [status, reason])
        if had == [status, reason]:
            if slip:
                named.add(form)
        elif slip and form in named and reason not in had[1]:
            # two known mistakes that give the same answer here: name both
            entries[form] = ["wrong" if "wrong" in (had[0], status) else status,
                             f"{had[1]}; or {reason}"]

    if ex.kind in ("number", "numbers"):
        values = _as_values(ex, expected, 1)
        n = len(values)
        for f in _boundary_forms(ex, values):
            put("=" + f, "right", ex.right_note)
        truncated = _form(ex, values, rounding=ROUND_DOWN)
        if ("=" + truncated) not in entries:
            put("=" + truncated, "close", "rounding: the digits were cut off, not rounded; "
                f"round half up at the last digit asked ({ex.asks})")
        for answer, reason, status in c.slips(exercise):
            put("=" + _form(ex, _as_values(ex, answer, n)), status, reason, slip=True)
        if ex.near:
            for f in _boundary_forms(ex, values, coarser=1):
                put("~" + f, "close", f"{NEAR}; round only at the end, to the digits asked "
                    f"({ex.asks})")
            for answer, reason, status in c.slips(exercise):
                put("~" + _form(ex, _as_values(ex, answer, n), coarser=1), status, reason,
                    slip=True)
        if n > 1:
            for v, p in zip(values, _places(ex, n)):
                for k in (0, 1) if ex.near else (0,):
                    put(f"#{k}:" + _round(v, p - k), "part", "")
    else:
        n = 1
        canon = _text if ex.kind == "text" else (lambda x: "|".join(sorted(_strings(x))))
        put("=" + canon(expected), "right", ex.right_note)
        for answer, reason, status in c.slips(exercise):
            put("=" + canon(answer), status, reason, slip=True)
    return {**_meta(ex, n), "entries": entries}


def _claims_form(claims: Iterable[str], verdict: str) -> str:
    return "planted:" + ";".join(sorted(set(claims))) + "|" + verdict


def _findings_key(c: Course, ex: Exercise) -> dict:
    """The planted problems of a practice case: each as the set of its check's claims and the
    verdict the key expects (answer_key.csv's rows with a ``planted`` mark)."""
    import csv

    from . import case as _case
    from . import checks

    folder = data.ROOT / ex.case
    figs = checks.load_figures(case=_case.load(folder))
    by_id = {r.check.check_id: r for r in checks.run(figs)}
    with (data.ROOT / ex.key).open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["planted"]]
    entries = {_claims_form(by_id[r["check_id"]].check.claims, r["expected_verdict"]):
               ["planted", ""] for r in rows}
    return {**_meta(ex, len(rows)), "entries": entries}


def course_key(c: Course | None = None) -> dict:
    """The key of every exercise of the course, in plain forms (the project's checker)."""
    c = c or course()
    return {"salt": None, "exercises": {k: exercise_key(c, k) for k in c.exercises}}


def _encode(salt: str | None, exercise: str, form: str) -> str:
    if salt is None:
        return form
    return hashlib.sha256(f"{salt}\x00{exercise}\x00{form}".encode()).hexdigest()[:40]


def hashed(key: dict, salt: str | None = None) -> dict:
    """The key with every form replaced by its salted SHA-256: what the student edition
    ships (the forms, and so the answers, cannot be read back; the judgement is the same)."""
    salt = salt or secrets.token_hex(16)
    out = {"salt": salt, "exercises": {}}
    for k, e in key["exercises"].items():
        out["exercises"][k] = {**e, "entries": {_encode(salt, k, f): v
                                                for f, v in e["entries"].items()}}
    return out


@functools.lru_cache(maxsize=1)
def _edition_key() -> dict | None:
    """The student edition's key (salted hashes), if this is the student edition."""
    if KEY_FILE.is_file():
        return json.loads(KEY_FILE.read_text(encoding="utf-8"))
    return None


@functools.lru_cache(maxsize=None)
def _project_key(exercise: str) -> dict:
    c = course()
    if exercise not in c.exercises:
        raise KeyError(f"no exercise {exercise!r}; exercises: {', '.join(c.exercises)}")
    return {"salt": None, "exercises": {exercise: exercise_key(c, exercise)}}


def _key_for(exercise: str, answer: Any) -> dict:
    """The key that judges ``exercise``: the edition's, else the project's, computed only when
    an answer needs it (an unanswered check needs only what the exercise asks)."""
    key = _edition_key()
    if key is not None:
        return key
    if answer is None:
        c = course()
        if exercise not in c.exercises:
            raise KeyError(f"no exercise {exercise!r}; exercises: {', '.join(c.exercises)}")
        return {"salt": None, "exercises": {exercise: _meta(c.exercises[exercise], 0)}}
    return _project_key(exercise)


# --------------------------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------------------------

def judge(exercise: str, answer: Any, key: dict | None = None) -> Feedback:
    """Right, close (with the reason) or not right (naming a known mistake, or a hint);
    ``None`` is not answered yet.  ``key``: the project's (computed) by default, or the
    student edition's (hashed)."""
    key = key or _key_for(exercise, answer)
    e = key["exercises"].get(exercise)
    if e is None:
        raise KeyError(f"no exercise {exercise!r}; exercises: {', '.join(key['exercises'])}")
    if answer is None:
        return Feedback(exercise, "unanswered", e["asks"])
    entries, salt = e["entries"], key["salt"]

    def look(form: str) -> list[str] | None:
        return entries.get(_encode(salt, exercise, form))

    if e["kind"] == "findings":
        return _judge_findings(exercise, answer, e, look)
    ex = Exercise(exercise, e["asks"], e["kind"], places=tuple(e["places"]), unit=e["unit"],
                  near=e["near"])
    hint = e["hint"] or f"the answer is {e['asks']}"
    try:
        if e["kind"] in ("text", "ids"):
            form = _text(answer) if e["kind"] == "text" else "|".join(sorted(_strings(answer)))
            hit = look("=" + form)
            return Feedback(exercise, hit[0], hit[1]) if hit else Feedback(exercise, "wrong",
                                                                          hint)
        values = (_numbers(answer, e["unit"]) if e["kind"] == "numbers"
                  else [_decimal(answer, e["unit"])])
    except _Unreadable as why:
        return Feedback(exercise, "wrong", f"{why}: the answer should be {e['asks']}")
    n = e["n"]
    if len(values) == 1 and n > 1:
        values = values * n                     # one number where a range is asked
    if len(values) == n:
        hit = look("=" + _form(ex, values))
        if hit:
            return Feedback(exercise, hit[0], hit[1])
        if n > 1 and (look("=" + _form(ex, values[::-1])) or [""])[0] == "right":
            return Feedback(exercise, "close", "the right numbers in the wrong order")
        if e["near"]:
            hit = look("~" + _form(ex, values, coarser=1))
            if hit:
                return Feedback(exercise, hit[0], hit[1])
        for power, why in UNIT_SLIPS.items():
            for f in (D(10) ** power, D(10) ** -power):
                scaled = [v * f for v in values]
                forms = ["=" + _form(ex, scaled)] + (
                    ["~" + _form(ex, scaled, coarser=1)] if e["near"] else [])
                if any(_is_right(look(x)) for x in forms):
                    return Feedback(exercise, "wrong", f"units: your answer is off by {why}. "
                                    f"Give {e['asks']}.")
    elif n > 1:
        places = _places(ex, n)
        hits = sum(1 for v in values if any(
            look(f"#{k}:" + _round(v, p - k)) for p in set(places)
            for k in ((0, 1) if e["near"] else (0,))))
        if hits:
            return Feedback(exercise, "wrong", f"{hits} of your {len(values)} numbers are right "
                            f"or nearly, but {n} are asked: {e['asks']}")
        return Feedback(exercise, "wrong", f"{n} numbers are asked: {e['asks']}")
    return Feedback(exercise, "wrong", hint)


def _results_of(answer: Any) -> list[tuple[tuple[str, ...], str]]:
    """(claims, verdict) of each check of an audit: a list of results, a results table, or a
    case folder (audited here)."""
    if isinstance(answer, (str, Path)):
        from . import case as _case
        from . import checks
        answer = checks.run(checks.load_figures(case=_case.load(answer)))
    if hasattr(answer, "columns"):
        if not {"claims", "verdict"} <= set(answer.columns):
            raise _Unreadable("a results table needs the columns claims and verdict")
        return [(tuple(str(c).split(";")), str(v))
                for c, v in zip(answer["claims"], answer["verdict"])]
    try:
        return [(tuple(r.check.claims), str(r.verdict)) for r in answer]
    except (AttributeError, TypeError):
        raise _Unreadable("not an audit's results") from None


def _is_right(hit: list[str] | None) -> bool:
    """A form of the right answer: exactly, or one digit coarser."""
    return bool(hit) and (hit[0] == "right" or hit[1].startswith(NEAR))  # type: ignore[index]


def _judge_findings(exercise: str, answer: Any, e: dict, look: Any) -> Feedback:
    try:
        rows = _results_of(answer)
    except _Unreadable as why:
        return Feedback(exercise, "wrong", f"{why}: the answer should be {e['asks']}")
    except (ValueError, OSError) as why:            # a case folder that does not load
        return Feedback(exercise, "wrong", f"your case does not load: {why}")
    planted = e["n"]
    found = {_claims_form(c, v) for c, v in rows if look(_claims_form(c, v))}
    stray = sum(1 for c, v in rows if v in FLAGS and not look(_claims_form(c, v)))
    flags = ("nothing else flagged" if not stray else "1 flag is not a planted problem"
             if stray == 1 else f"{stray} flags are not planted problems")
    if len(found) == planted and not stray:
        return Feedback(exercise, "right", f"all {planted} planted problems found, each with "
                        "its verdict, and nothing else flagged")
    return Feedback(exercise, "wrong", f"{len(found)} of {planted} planted problems found; "
                    f"{flags}")


def check(exercise: str, answer: Any) -> None:
    """Print whether ``answer`` to ``exercise`` (e.g. ``"03-3"``) is right, close (and why)
    or not right, without giving the answer away."""
    fb = judge(exercise, answer)
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(fb.row(), ensure_ascii=False) + "\n")
    print(fb)


# --------------------------------------------------------------------------------------------
# The student edition
# --------------------------------------------------------------------------------------------

ROOT = data.ROOT


def _is(cell: dict, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def student_notebook(nb: dict) -> dict:
    """A notebook for students: answer cells (tag ``answer``) back to ``answer = None``, every
    output cleared (the student runs the notebook), links to worked solutions dropped."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if _is(cell, "answer"):
                cell["source"] = ANSWER_CELL
        elif cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            src = re.sub(r"\n*Worked solutions:[^\n]*(\n[^\n]+)*", "", src)
            cell["source"] = src
    return nb


#: The files of the project a student's edition carries besides its notebooks.
STUDENT_FILES = ("data", "src/debao_audit", "src/debao_case", "fonts", "pyproject.toml",
                 "requirements.lock", "requirements.in", "environment.yml", "LICENSE",
                 "CITATION.cff")
#: What never goes in: compiled files, keys, the instructor's notes.
STUDENT_SKIP = ("__pycache__", "*.pyc", "answer_key.csv", "course_key.json")


def _linked(notebook: dict) -> set[str]:
    """The relative targets of a notebook's markdown links and images."""
    out = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for t in re.findall(r"\]\(([^)#\s]+)", "".join(cell["source"])):
                if not re.match(r"[a-z]+:", t):
                    out.add(t)
    return out


def write_student(out: Path, root: Path = ROOT, salt: str | None = None) -> list[Path]:
    """The student edition under ``out`` and ``out``.zip: the notebooks (answer cells empty,
    outputs cleared, no solutions), the glossary, the data, the figures the notebooks link, the
    practice case as a skeleton (no answer key, no relations to find), the package with the
    course's key as salted hashes; no solution, answer key, instructor guide or course file."""
    from . import case as _case
    from .confine import check_target, discard, swap

    # checked first: never the checkout's files, a link, a file or someone's directory; built
    # beside the target and swapped into place, so a failure changes nothing
    final = check_target(Path(out), "the student edition",
                         lambda d: (d / "notebooks" / "glossary.md").is_file())
    notebooks = _student_notebooks(root)   # a broken notebook refused before any work
    c = _course_of(root)
    key = hashed(course_key(c), salt)
    final.parent.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        _write_student(out, root, c, key, notebooks)
        swap(out, final)
    except BaseException:
        discard(out)
        raise
    out = final
    zip_path = out.with_suffix(".zip")
    part = zip_path.with_name(f".{zip_path.name}.part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(out.rglob("*")):
            if p.is_file():
                z.write(p, Path(out.name) / p.relative_to(out))
    os.replace(part, zip_path)
    return sorted(p for p in out.rglob("*") if p.is_file())


class StudentError(ValueError):
    """The student edition cannot be made (one line)."""


def _course_of(root: Path) -> Course:
    """The course of the project at ``root``: this project's is loaded once per process (its
    searches over the what-if, cached in its module, then run once)."""
    folder = root / "notebooks" / "exercises"
    try:
        if folder.resolve() == COURSE.resolve():
            return course()
    except OSError:
        pass
    return load_course(folder)


def _student_notebooks(root: Path) -> list[tuple[Path, dict]]:
    """Each notebook of the course as a student gets it; a file that is not a notebook is one
    line naming it."""
    out = []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        try:
            out.append((path, student_notebook(json.loads(path.read_text(encoding="utf-8")))))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise StudentError(f"{path}: expected a notebook (nbformat 4 JSON); found "
                               f"{type(e).__name__}: {' '.join(str(e).split())[:150]}") from None
    return out


def _write_student(out: Path, root: Path, c, key, notebooks: list[tuple[Path, dict]]) -> None:
    from . import case as _case

    (out / "notebooks").mkdir(parents=True)
    ignore = shutil.ignore_patterns(*STUDENT_SKIP)
    for name in STUDENT_FILES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, out / name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, out / name)
    processed = out / "data" / "processed"
    if processed.exists():
        shutil.rmtree(processed)           # what the notebooks compute, not given
    (out / "src" / "debao_audit" / KEY_FILE.name).write_text(
        json.dumps(key, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    links: set[Path] = set()
    for path, nb in notebooks:
        (out / "notebooks" / path.name).write_text(
            json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        links |= {(path.parent / t).resolve() for t in _linked(nb)}
    shutil.copy2(root / "notebooks" / "glossary.md", out / "notebooks" / "glossary.md")
    for target in sorted(links):
        rel = target.relative_to(root.resolve())
        if rel.parts[0] == "figures" and target.is_file():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, out / rel)
    for ex in c.exercises.values():
        if ex.kind == "findings":
            _case.skeleton(root / ex.case, out / ex.case)
    # the course's own words: its README for students (beside its exercises)
    shutil.copyfile(root / "notebooks" / "exercises" / "student-README.md", out / "README.md")


GUIDE_START = "<!-- feedback: written by `python -m debao_audit.teaching guide`; do not edit -->"
GUIDE_END = "<!-- feedback: end -->"


def feedback_markdown(c: Course | None = None) -> str:
    """Per exercise, the mistakes the check knows and what it says on each (for the
    instructor guide): the course's named slips and the checker's own (truncated, one digit
    too coarse, a power of ten, the wrong shape).  Never the answers."""
    c = c or course()
    lines = []
    for ex in c.exercises.values():
        lines.append(f"- **{ex.id}** ({ex.asks}).")
        for s in ex.slips:
            say = "close" if s.get("status") == "close" else "not right"
            lines.append(f"  - {say}: {s['reason']}")
        if ex.kind in ("number", "numbers"):
            close = [w for w, on in (("digits cut off instead of rounded", max(ex.places) > 0),
                                     ("one digit too coarse", ex.near)) if on]
            lines.append("  - " + (f"close: {'; '.join(close)}; " if close else "")
                         + "not right: off by a power of ten (the units named)")
        if ex.kind == "findings":
            lines.append("  - not right: \"k of n planted problems found; m flags are not planted "
                         "problems\" (which ones is never said); right when all are found and "
                         "nothing else is flagged")
        lines.append(f"  - otherwise not right, with the hint: {ex.hint}")
    return "\n".join(lines)


def write_guide(path: Path, c: Course | None = None) -> bool:
    """Rewrite the generated block of the instructor guide; True if it changed."""
    text = path.read_text(encoding="utf-8")
    a, b = text.index(GUIDE_START) + len(GUIDE_START), text.index(GUIDE_END)
    new = text[:a] + "\n" + feedback_markdown(c) + "\n" + text[b:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 2 and args[0] == "guide":
        changed = write_guide(Path(args[1]))
        print(f"{args[1]}: feedback block {'rewritten' if changed else 'unchanged'}")
        return 0
    if len(args) != 2 or args[0] != "student":
        print("usage: python -m debao_audit.teaching student OUTDIR | guide GUIDE.md",
              file=sys.stderr)
        return 2
    try:
        files = write_student(Path(args[1]))
    except (CourseError, data.DataError, StudentError, ValueError) as e:
        print(f"student edition: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"student edition: {e.filename or args[1]}: {e.strerror or e}; nothing was "
              "changed", file=sys.stderr)
        return 2
    notebooks = [f for f in files if f.suffix == ".ipynb"]
    print(f"student edition: {len(notebooks)} notebooks, data, figures, the practice case and "
          f"the package in {args[1]}/ and {Path(args[1]).with_suffix('.zip')} (answer cells "
          "empty, no solutions, the key as salted hashes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
