"""Relations declared as data: the common shapes of a check, compiled from a case's
``relations.csv`` into checks.

Columns (``RELATION_COLUMNS``; ids are claim or external ids, several ids ``;``-separated are
summed):

=================  ============================================================================
shape              what is checked
=================  ============================================================================
part_whole         sum(left) ≤ sum(right)  (``inclusion`` required: stated, definition,
                   not_stated, with ``inclusion_reason``)
at_most, at_least  left ≤ right, left ≥ right  (not a part and its whole: an order, a bound)
sum_total          sum(left) = right
difference         sum(left) − sum(right) = other  (poor − lifted = remaining; ``inclusion``
                   as for a part and its whole), derived when ``other`` is empty
share              sum(left) / sum(right) × 100 = other (a percentage), derived when ``other``
                   is empty
compound_growth    (1 + left%)^(1/years) − 1 = right%  (total growth against an annual rate)
base_from_growth   left / (1 + right%)^years, held against ``other`` when given (else derived)
per_unit           left / right, held against ``other`` when given (else derived)
growth_between     (left / right)^(1/years) − 1, × 100 = other  (the later level, the earlier,
                   the rate a year over ``years``, default 1), derived when ``other`` is empty
equals             left = right  (a figure stated twice, or against an external figure)
date_order         left ≤ right  (dates; ``right`` may be the word ``publication``)
=================  ============================================================================

Optional columns: ``kind`` (the grouping, default from the shape; a part_whole kind needs
``inclusion``), ``display_unit`` and ``places``: the unit and decimals (0 to 6) every figure
of the check is shown in, derived ones included (``display_unit=元``, ``places=0``: a per-unit
value as ``2,311元``, not ``0.23万元``; ``-``: a plain number; a unit starting with 万 or 亿
divides by 10,000 or 100,000,000; a count in a figure's unit, ``persons``; ``date`` for
dates), each checked (:data:`DISPLAY_UNITS`).

The other columns are the check's words (``title``, ``formula``, ``assumption``,
``explanation``; ``{claim_id}`` placeholders are filled with the figures as written) and the
inputs of the rules that decide what it weighs (``not_same``, ``inclusion``,
``inclusion_reason``, ``assumes``, ``restates``, ``coincidence``).  A bad row is one
:class:`~debao_audit.data.DataError` naming the file, row and column.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from .checks import (HUNDRED, ONE, STATUSES, Check, Figures, Interval, Outcome, Registry,
                     derived, eq, le, make_check)

RELATION_COLUMNS = ("check_id", "shape", "left", "right", "other", "years", "theme", "title",
                    "formula", "assumption", "explanation", "not_same", "inclusion",
                    "inclusion_reason", "assumes", "restates", "coincidence")
#: Optional columns: ``kind`` (the grouping, default from the shape), ``display_unit`` and
#: ``places`` (how the figures are shown; default from the figures' unit), ``status``
#: (empty or ``confirmed``: the author's; ``suggested``: proposed by ``draft``, counted as
#: context until the author confirms it).
OPTIONAL_COLUMNS = ("kind", "display_unit", "places", "status")
SHAPES = ("part_whole", "sum_total", "difference", "share", "compound_growth", "base_from_growth",
          "per_unit", "growth_between", "equals", "date_order", "at_most", "at_least")
KINDS = ("growth", "base_year", "share", "part_whole", "per_unit", "population",
         "same_quantity", "timeline", "qualitative", "external")
THEMES = ("income", "poverty", "funding", "people", "timeline")
#: The kind of relation each shape is (the figures' and tables' grouping).
KIND = {"part_whole": "part_whole", "sum_total": "part_whole", "difference": "part_whole",
        "share": "share",
        "compound_growth": "growth", "base_from_growth": "base_year", "per_unit": "per_unit",
        "growth_between": "growth", "equals": "same_quantity", "date_order": "timeline",
        "at_most": "qualitative", "at_least": "qualitative"}
D = Decimal
_WAN = D(10000)
#: The scale of a display unit by its first character (万元, 万人, 亿元).
_SCALE = {"万": _WAN, "亿": D(100000000)}


def _ids(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(";") if x.strip())


def _display(f: Figures, key: str) -> dict[str, Any]:
    """How a figure's unit is displayed: yuan in 万元 where the figure is written with 万 or 亿
    (``13860元`` stays in 元; an external figure without its written form: from 10,000 up),
    percent to 2 places, counts whole, dates as dates."""
    unit = f.claims[key].unit if key in f.claims else f.external[key].unit
    if unit == "date":
        return {"unit": "date"}
    if unit == "percent":
        return {"unit": "%", "places": 2}
    if unit == "yuan":
        if key in f.claims:
            written = f.claims[key].written
        else:
            reading = f.external[key].reading
            written = reading.raw if reading is not None else ""
        big = (any(ch in written for ch in "万亿萬億") if written
               else abs(f.pt(key)) >= _WAN)
        return {"unit": "万元" if big else "元", "scale": _WAN if big else D(1), "places": 2 if big else 0}
    return {"unit": count_unit(unit), "places": 0}


def count_unit(unit: str) -> str:
    """How a count is shown: its unit in the plural (``person_time`` → ``person-times``)."""
    return unit.replace("_", "-") + ("s" if not unit.endswith("s") else "")


def _as_written(f: Figures, keys: tuple[str, ...], op: str = " + ") -> str:
    """The figures as written joined by ``op`` (the arithmetic a finding names)."""
    from .findings import _written
    return op.join(_written(f, k) for k in keys)


def _sum(f: Figures, keys: tuple[str, ...]) -> tuple[Interval, Decimal]:
    iv = f.iv(keys[0])
    for k in keys[1:]:
        iv = iv + f.iv(k)
    return iv, sum((f.pt(k) for k in keys), D(0))


def _compute(shape: str, left: tuple[str, ...], right: tuple[str, ...], other: tuple[str, ...],
             years: int, shown: dict[str, Any] | None = None) -> Callable[[Figures], Outcome]:
    def _shown_as(f: Figures, key: str, **default: Any) -> dict[str, Any]:
        """How the check's figures are shown: the row's ``display_unit``/``places`` where it
        gives them, else ``key``'s unit (``default`` overriding it: a derived figure's)."""
        d = _display(f, key) if shown is None or "unit" not in shown else {}
        if shown is None or "unit" not in shown:
            d.update(default)
        d.update(shown or {})
        if shown is not None and "unit" in shown:
            d.setdefault("scale", _SCALE.get(str(d["unit"])[:1], D(1)) if len(str(d["unit"])) > 1
                         else D(1))
        return d

    def _display_of(f: Figures, key: str) -> dict[str, Any]:
        d = _shown_as(f, key)
        if key not in f.claims:
            d["reported_label"] = "independent"
        return d

    def _pct(**default: Any) -> dict[str, Any]:
        """A percentage's display: 2 places unless the row asks for others."""
        return {"unit": "%", "places": int((shown or {}).get("places", default.get("places", 2)))}

    def terms(f: Figures, keys: tuple[str, ...]) -> str:
        return _as_written(f, keys) if len(keys) > 1 else ""

    def fn(f: Figures) -> Outcome:
        if shape == "date_order":
            a = f.iv(left[0])
            if right == ("publication",):
                pub = D(f.published.toordinal())  # type: ignore[union-attr]
                return le(a, a.hi, Interval.point(pub), pub, unit="date")  # type: ignore[arg-type]
            return le(a, f.pt(left[0]), f.iv(right[0]), f.pt(right[0]), unit="date")
        if shape == "part_whole":
            iv, pt = _sum(f, left)
            w, wp = _sum(f, right)
            return le(iv, pt, w, wp, implied_from=terms(f, left), **_display_of(f, right[0]))
        if shape == "sum_total":
            iv, pt = _sum(f, left)
            return eq(iv, pt, f.iv(right[0]), f.pt(right[0]), implied_from=terms(f, left),
                      **_display_of(f, right[0]))
        if shape == "difference":
            a, pa = _sum(f, left)
            b, pb = _sum(f, right)
            from_ = f"{_as_written(f, left)} − {_as_written(f, right, ' − ')}"
            if len(left) > 1:
                from_ = f"({_as_written(f, left)}) − {_as_written(f, right, ' − ')}"
            if other:
                return eq(a - b, pa - pb, f.iv(other[0]), f.pt(other[0]), implied_from=from_,
                          **_display_of(f, other[0]))
            return derived(a - b, pa - pb, implied_from=from_, **_shown_as(f, left[0]))
        if shape in ("at_most", "at_least"):
            rel = le if shape == "at_most" else _ge
            return rel(f.iv(left[0]), f.pt(left[0]), f.iv(right[0]), f.pt(right[0]),
                       **_display_of(f, right[0]))
        if shape == "equals":
            return eq(f.iv(left[0]), f.pt(left[0]), f.iv(right[0]), f.pt(right[0]),
                      **_display_of(f, right[0]))
        if shape == "share":
            num, p_num = _sum(f, left)
            den, p_den = _sum(f, right)
            num_t, den_t = _as_written(f, left), _as_written(f, right)
            from_ = (f"({num_t})" if len(left) > 1 else num_t) + " ÷ " + (
                f"({den_t})" if len(right) > 1 else den_t)
            if other:
                return eq(num / den * HUNDRED, p_num / p_den * HUNDRED, f.iv(other[0]),
                          f.pt(other[0]), implied_from=from_, **_pct())
            return derived(num / den * HUNDRED, p_num / p_den * HUNDRED, implied_from=from_,
                           **_pct(places=1))
        if shape == "compound_growth":
            n = D(years)
            iv = ((ONE + f.iv(left[0]) / HUNDRED) ** (D(1) / n) - ONE) * HUNDRED
            pt = ((1 + f.pt(left[0]) / HUNDRED) ** (D(1) / n) - 1) * HUNDRED
            return eq(iv, pt, f.iv(right[0]), f.pt(right[0]), **_pct())
        if shape == "growth_between":
            ratio, p_ratio = f.iv(left[0]) / f.iv(right[0]), f.pt(left[0]) / f.pt(right[0])
            if years > 1:  # the yearly rate that compounds to the ratio over the years
                ratio, p_ratio = ratio ** (D(1) / years), p_ratio ** (D(1) / years)
            iv, pt = (ratio - ONE) * HUNDRED, (p_ratio - 1) * HUNDRED
            if other:
                return eq(iv, pt, f.iv(other[0]), f.pt(other[0]), **_pct())
            return derived(iv, pt, **_pct())
        if shape == "base_from_growth":
            factor = ONE + f.iv(right[0]) / HUNDRED
            iv = f.iv(left[0]) / factor ** years
            pt = f.pt(left[0]) / (1 + f.pt(right[0]) / HUNDRED) ** years
            if other:  # shown as the figure it is held against, named as independent or not
                return eq(iv, pt, f.iv(other[0]), f.pt(other[0]), **_display_of(f, other[0]))
            return derived(iv, pt, **_shown_as(f, left[0]))
        if shape == "per_unit":
            num, p_num = _sum(f, left)
            den, p_den = _sum(f, right)
            iv, pt = num / den, p_num / p_den
            num_t, den_t = _as_written(f, left), _as_written(f, right)
            from_ = (f"({num_t})" if len(left) > 1 else num_t) + " ÷ " + (
                f"({den_t})" if len(right) > 1 else den_t)
            if other:
                return eq(iv, pt, f.iv(other[0]), f.pt(other[0]), implied_from=from_,
                          **_display_of(f, other[0]))
            unit_of = (lambda k: f.claims[k].unit if k in f.claims else f.external[k].unit)
            if unit_of(left[0]) == unit_of(right[0]):  # a ratio of like figures: a plain number
                return derived(iv, pt, implied_from=from_, **_shown_as(f, left[0], unit="",
                                                                       places=2, scale=D(1)))
            disp = _display(f, left[0])
            return derived(iv, pt, implied_from=from_, **_shown_as(
                f, left[0], places=max(disp.get("places", 0), 1)))
        raise ValueError(shape)
    return fn


def _ge(*a: Any, **kw: Any) -> Outcome:
    from .checks import ge
    return ge(*a, **kw)


#: The most years a growth may compound over (a news article's periods are a few years).
YEARS_MAX = 100
#: The shapes whose figures are rates (percent), by column.
_PERCENT = {"compound_growth": ("left", "right"), "base_from_growth": ("right",),
            "share": ("other",), "growth_between": ("other",)}
#: The shapes that order two figures (dates too).
_ORDERS = ("at_most", "at_least", "date_order")
#: The shapes whose left and right are the same kind of quantity (same unit).
_SAME_UNIT = ("part_whole", "sum_total", "equals", "at_most", "at_least", "growth_between",
              "base_from_growth")


def _dimension(unit: str) -> str:
    """What kind of quantity a unit measures: a rate, money, a date, or a count of things
    (persons, households, villages, facilities ... may be compared with one another)."""
    return {"percent": "a rate", "percentage_point": "a rate", "yuan": "money",
            "date": "a date"}.get(unit, "a count or amount")


def check_meaning(r: dict[str, str], shape: str, cols: dict[str, tuple[str, ...]],
                  units: dict[str, str], claim_ids: set[str], bad: Callable[..., Exception]
                  ) -> None:
    """A row's figures mean what its shape needs: different figures (no relation of a figure
    with itself), dates only in a date order and a date order of dates only, rates where a rate
    goes, like with like where they are compared; ``{placeholders}`` naming claims of the case.
    ``units``: each id's unit; ``bad(column, expected, found)`` makes the error."""
    import string

    seen: dict[str, str] = {}
    for col, ids in cols.items():
        for k in ids:
            if k in seen and k != "publication":
                raise bad(col, f"a figure other than those of the relation's other columns (a "
                          f"relation of a figure with itself checks nothing; '{k}' is already "
                          f"in '{seen[k]}')", k)
            seen[k] = col
    for col, ids in cols.items():
        for k in ids:
            unit = units.get(k)
            if unit is None:
                continue
            if shape in _ORDERS and unit == "date":
                continue  # an order of dates (the like-with-like rule below keeps them paired)
            if shape == "date_order" and unit != "date":
                raise bad(col, "a date (a date_order compares dates)", f"{k} ({unit})")
            if shape != "date_order" and unit == "date":
                raise bad(col, f"a quantity, not a date (a {shape} computes with its figures; "
                          "dates go in a date_order)", f"{k} (a date)")
            if col in _PERCENT.get(shape, ()) and unit != "percent":
                raise bad(col, f"a rate in percent (the {col} of a {shape})", f"{k} ({unit})")
    if shape in _SAME_UNIT:
        left = [_dimension(units[k]) for k in cols["left"] if k in units]
        right = [_dimension(units[k]) for k in cols["right"] if k in units]
        if shape == "base_from_growth":
            right = [_dimension(units[k]) for k in cols.get("other", ()) if k in units]
        mixed = sorted(set(left + right))
        if len(mixed) > 1:
            col = "right" if shape != "base_from_growth" else "other"
            raise bad(col, f"figures of the same kind as the left's ({', '.join(sorted(set(left)))}"
                      f"): a {shape} compares like with like", ", ".join(mixed))
    for col in ("title", "formula", "assumption", "explanation"):
        try:
            fields = [(n, spec, conv) for _, n, spec, conv in string.Formatter().parse(r[col])
                      if n is not None]
        except ValueError as e:
            raise bad(col, "a text whose braces are {claim_id} placeholders (a lone brace is "
                      f"doubled: {{{{ or }}}}): {e}", r[col]) from None
        for name, spec, conv in fields:
            if col == "explanation" and name not in claim_ids:
                continue  # explanations keep braces of their own
            if name not in claim_ids or spec or conv:
                why = ("an external figure's id (placeholders show claims as written)"
                       if name in units else "no claim of the case") if not (spec or conv) \
                    else "a placeholder with a format"
                raise bad(col, "{placeholders} that each name a claim of the case, as "
                          f"{{claim_id}}", f"{{{name}{'!' + conv if conv else ''}"
                          f"{':' + spec if spec else ''}}} ({why})")


def row_problems(r: dict[str, str], known: set[str] | None = None
                 ) -> list[tuple[str, str, object]]:
    """Everything a relation row still lacks or gets wrong, all at once: (column, what is
    expected, what it holds), in the order of the columns.  :func:`compile_rows` reports the
    first; :func:`debao_audit.case.lacks` all of them."""
    out: list[tuple[str, str, object]] = []

    def bad(col: str, expected: str, got: object = None) -> None:
        out.append((col, expected, got))

    r = {k: (v or "") for k, v in r.items()}
    shape = r.get("shape", "")
    if shape not in SHAPES:
        bad("shape", f"one of {', '.join(SHAPES)}", shape)
    if r.get("theme", "") not in THEMES:
        bad("theme", f"one of {', '.join(THEMES)}", r.get("theme", ""))
    left, right, other = _ids(r.get("left", "")), _ids(r.get("right", "")), _ids(r.get("other", ""))
    if not left:
        bad("left", "at least one claim or external id")
    if not right:
        bad("right", "at least one claim or external id")
    years = r.get("years", "").strip()
    if shape == "compound_growth" and not years:
        bad("years", "the number of years the growth compounds over")
    elif years:
        try:
            if int(years) < 1:
                bad("years", "a whole number of years ≥ 1", years)
        except ValueError:
            bad("years", "a whole number of years", years)
    if known is not None:
        for col, ids in (("left", left), ("right", right), ("other", other)):
            for k in ids:
                if k not in known and not (col == "right" and k == "publication"):
                    bad(col, "a claim or external id of the case", k)
    # a part and its whole: the part_whole shape, or a sum or difference of that kind
    whole = shape == "part_whole" or (r.get("kind") or KIND.get(shape)) == "part_whole"
    if whole and r.get("inclusion", "") not in ("stated", "definition", "not_stated"):
        bad("inclusion", "stated, definition or not_stated (a part-whole check says "
            "whether the article states the inclusion)", r.get("inclusion", ""))
    if (whole or r.get("inclusion", "")) and not r.get("inclusion_reason", "").strip():
        bad("inclusion_reason", "a sentence: where the article states the inclusion, or why "
            "it is taken for granted")
    for col in ("title", "formula", "assumption", "explanation"):
        if not r.get(col, "").strip():
            bad(col, "a sentence")
    return out


#: The units a check's figures may be shown in (``display_unit``), besides a count in the unit
#: of one of the case's figures (``persons``, ``villages``: :func:`count_unit`) and ``date``
#: for dates: a plain number, a rate, money, a ratio in times.
DISPLAY_UNITS = ("-", "%", "元", "万元", "亿元", "yuan", "×")
#: The most decimals a check's figures may be shown with (``places``).
PLACES_MAX = 6


def _plural(unit: str) -> str:
    """A count's unit in the plural, as English writes it (``county`` → ``counties``)."""
    u = unit.replace("_", "-")
    if u.endswith("y") and u[-2:-1] not in tuple("aeiou"):
        return u[:-1] + "ies"
    return u + ("es" if u.endswith(("s", "x", "ch", "sh")) else "s")


def _shown(r: dict[str, str], shape: str, ids: tuple[str, ...], units: dict[str, str] | None,
           bad: Callable[..., Exception]) -> dict[str, Any] | None:
    """How a row asks its figures to be shown (``display_unit``, ``places``), each checked:
    a unit a figure of its kind can take, a whole number of decimals; None: as the figures'."""
    unit, places = (r.get("display_unit") or "").strip(), (r.get("places") or "").strip()
    if not unit and not places:
        return None
    shown: dict[str, Any] = {}
    if unit:  # places alone keep the figures' own unit
        dates = shape == "date_order" or (shape in _ORDERS and units is not None
                                          and any(units.get(k) == "date" for k in ids))
        counts = sorted({_plural(u) for u in (units or {}).values()
                         if _dimension(u) == "a count or amount"})
        shown_as = set(counts) | {count_unit(u) for u in (units or {}).values()}
        if dates and unit != "date":
            raise bad("display_unit", f"'date' or empty (a {shape} of dates shows dates)", unit)
        if not dates and unit == "date":
            raise bad("display_unit", f"a unit of a quantity, not 'date' (a {shape} computes "
                      "with its figures; dates go in a date_order)", unit)
        if not dates and unit not in DISPLAY_UNITS and units is not None and unit not in shown_as:
            raise bad("display_unit", f"a display unit: one of {', '.join(DISPLAY_UNITS)}, or "
                      "a count in the unit of a figure of the case ("
                      f"{', '.join(counts[:4]) or 'none'}{', …' if len(counts) > 4 else ''})",
                      unit)
        shown["unit"] = "" if unit == "-" else unit
    if places:
        try:
            shown["places"] = int(places)
        except ValueError:
            shown["places"] = -1
        if not 0 <= shown["places"] <= PLACES_MAX:
            raise bad("places", f"a whole number of decimals from 0 to {PLACES_MAX}", places)
    return shown


def compile_rows(rows: list[dict[str, str]], path: Path, known: set[str] | None = None,
                 lines: list[int] | None = None, units: dict[str, str] | None = None,
                 claim_ids: set[str] | None = None) -> list[Check]:
    """The checks declared by ``rows`` (a relations table), each row validated (with
    ``units``, each id's unit, and ``claim_ids``: also what the figures mean,
    :func:`check_meaning`)."""
    from .data import DataError

    out: list[Check] = []
    for i, r in enumerate(rows, start=1):
        line = lines[i] if lines else None

        cid = (r.get("check_id") or "").strip()

        def bad(col: str, expected: str, got: object = None) -> DataError:
            return DataError(path, i, col, f"{expected}, in check '{cid}'" if cid else expected,
                             got, line=line)

        problems = row_problems(r, known)
        if problems:
            raise bad(*problems[0])
        shape = r["shape"]
        left, right, other = _ids(r["left"]), _ids(r["right"]), _ids(r["other"])
        years = int(r["years"] or 1)
        if years > YEARS_MAX:
            raise bad("years", f"a whole number of years from 1 to {YEARS_MAX}", r["years"])
        if units is not None and claim_ids is not None:
            check_meaning(r, shape, {"left": left, "right": right, "other": other}, units,
                          claim_ids, bad)
        if r["inclusion"] and r["inclusion"] not in ("stated", "definition", "not_stated"):
            raise bad("inclusion", "stated, definition or not_stated (or empty)", r["inclusion"])
        claims = [k for k in dict.fromkeys(left + right + other) if k != "publication"]
        status = (r.get("status") or "").strip()
        if status not in STATUSES:
            raise bad("status", "empty, confirmed or suggested", r.get("status"))
        kind = r.get("kind") or KIND[shape]
        if kind not in KINDS:
            raise bad("kind", f"one of {', '.join(KINDS)}", kind)
        shown = _shown(r, shape, left + right + other, units, bad)
        try:
            out.append(make_check(
                r["check_id"], kind=kind, theme=r["theme"], claims=claims,
                formula=r["formula"], assumption=r["assumption"], explanation=r["explanation"],
                title=r["title"], not_same=r["not_same"],
                inclusion=(r["inclusion"] if shape in ("part_whole", "difference")
                           else (r["inclusion"] or "")),
                inclusion_reason=r["inclusion_reason"], assumes=_ids(r["assumes"]),
                restates=r["restates"], strength="coincidence" if r["coincidence"] else "",
                strength_reason=r["coincidence"],
                compute=_compute(shape, left, right, other, years, shown), status=status))
        except ValueError as e:
            raise bad("check_id", f"a well-formed check ({e})", r["check_id"]) from None
    return out


def compile_into(registry: Registry, path: Path, case: Any = None) -> None:
    """Read a case's ``relations.csv`` and add its checks to ``registry``.  Claim and external
    ids are split by the case's figures: ids in the claims file are the check's claims, the
    others its external rows."""
    from . import data as _data

    rows = _data._read_rows(path, RELATION_COLUMNS, OPTIONAL_COLUMNS)
    known: set[str] | None = None
    claim_ids: set[str] = set()
    units: dict[str, str] | None = None
    if case is not None:
        claim_rows = _data._read_rows(case.claims, ("id", "unit"), None)
        ext_rows = [r for p in case.external for r in _data._read_rows(p, ("id", "unit"), None)]
        claim_ids = {r["id"] for r in claim_rows}
        ext_ids = {r["id"] for r in ext_rows}
        known = claim_ids | ext_ids
        units = {r["id"]: r["unit"] for r in [*ext_rows, *claim_rows]}
    seen: dict[str, int] = {}
    for i, r in enumerate(rows, start=1):
        if r["check_id"] in seen or r["check_id"] in registry:
            raise _data.DataError(path, i, "check_id", "a unique check id", r["check_id"],
                                  line=rows.lines[i])
        seen[r["check_id"]] = i
    for c in compile_rows(list(rows), path, known, rows.lines, units,
                          claim_ids if case is not None else None):
        if case is not None:
            from dataclasses import replace
            ext = tuple(k for k in c.claims if k not in claim_ids)
            c = replace(c, claims=tuple(k for k in c.claims if k in claim_ids), external=ext)
        registry.add(c)
