"""The findings: the figures the checks put in doubt, one row each (``data/processed/findings.csv``).

A *finding* is a figure, or a set of figures, that the checks put in doubt:

* ``likely_error``: one or more checks are *inconsistent*, and exactly one of their figures is
  left unconfirmed by an independent source (see :func:`attribute`): that figure is the likely
  error, and all the failing checks it takes part in are one finding (a wrong figure is counted
  once, however many checks it fails);
* ``set``: checks are inconsistent, but the audit cannot tell which figure is off: the set is
  flagged as a whole (like statcheck);
* ``tension``: a context check whose figures disagree, though they may not be the same
  quantity (its rule's reason says why).

Every surface that states the findings (README, the annotated page, the findings figure,
notebook 02, the site's index) renders them from this table, and tests hold each to it.
Statements are written from the table's own columns: no figure is typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

import pandas as pd

from . import checks as _checks
from .checks import HUNDRED, Figures, Result
from .numbers import bound, group_written, number, pct, pp, zh_dates

EN_DASH = "\N{EN DASH}"

FINDINGS_COLUMNS = ("finding_id", "kind", "verdict", "figures", "written", "likely_error",
                    "likely_written", "checks", "n_checks", "checked_against", "against_written",
                    "implied", "gap", "gap_range", "statement_en", "statement_zh",
                    "discrepancies", "n_discrepancies")

#: Why a tension's figures may differ, in Chinese, by the rule that made the check context.
_ZH_REASON = {
    "same_quantity": "二者可能并非同一数量",
    "inclusion": "文章并未说明前者包含在后者之中",
    "own_reconciliation": "此项核验依赖另一项核验所质疑的解读",
    "period": "二者的统计时期不同",
    "suggested": "此关系由草稿按算术推测，尚未经作者确认，不计入结论",
}


#: Rules that demote a check on the case author's word (a ``not_same`` reason, an inclusion the
#: article does not state): the page and the findings say it is the author's judgement.
AUTHOR_RULES = {
    "same_quantity": ("the case's author judges these may not count the same thing",
                      "案例作者判断二者可能并非同一数量"),
    "inclusion": ("the case's author judges that the article does not say the part is within "
                  "the whole", "案例作者判断文章并未说明前者包含在后者之中"),
}


def judgement(r: Result) -> str:
    """Why a context check is not called inconsistent, in a sentence fragment: the rule's
    reason, said to be the case author's judgement where the author's word demoted it."""
    reason = r.standing.reason.rstrip(".")
    said = AUTHOR_RULES.get(r.standing.rule)
    if said is None:
        return reason[:1].lower() + reason[1:]
    return f"{said[0]}: {reason}"


# --------------------------------------------------------------------------------------------
# Which figure of a failing set is the likely error
# --------------------------------------------------------------------------------------------

def confirming_checks(results: Sequence[Result]) -> dict[str, list[Result]]:
    """Per claim id, the checks that *confirm* it against an independent figure.

    A check confirms its claims when it holds them against an external figure (the check lists
    external rows), tests an equality (not a one-sided inequality, which lets almost anything
    pass), has some power (``high`` or ``medium``), counts as evidence and passes
    (``consistent`` or ``within_rounding``)."""
    out: dict[str, list[Result]] = {}
    for r in results:
        if (r.check.external and r.outcome.relation == "eq" and r.power in ("high", "medium")
                and r.counts_as == "evidence"
                and r.verdict in ("consistent", "within_rounding")):
            for cid in r.check.claims:
                out.setdefault(cid, []).append(r)
    return out


@dataclass(frozen=True)
class Attribution:
    """What the audit can say about one failing check's figures.

    ``suspects`` are its claims that no independent figure confirms; ``likely`` is the one
    suspect when there is exactly one (else empty: the audit cannot tell which figure is off);
    ``against`` are its claims confirmed independently, with ``confirmed_by`` the confirming
    checks; ``external`` is set when the check's reported figure is itself an independent one."""

    result: Result
    suspects: tuple[str, ...]
    likely: tuple[str, ...]
    against: tuple[str, ...]
    confirmed_by: Mapping[str, tuple[Result, ...]]
    external: bool

    @property
    def check_id(self) -> str:
        return self.result.check.check_id


def attribute(results: Sequence[Result]) -> dict[str, Attribution]:
    """For every inconsistent check (registry order), which figure is the likely error.

    The rule (statcheck flags the set; this narrows it only where other data allow): a figure
    confirmed by an independent source (:func:`confirming_checks`) is taken as right, so among
    the figures of a failing set, those left unconfirmed are the suspects; one suspect is the
    likely error, and the confirmed figures (or the independent figure the check holds the
    claim against) are what it was checked against.  Several suspects: the set is flagged as a
    whole, as the check alone does."""
    confirmed = confirming_checks(results)
    out: dict[str, Attribution] = {}
    for r in results:
        if r.verdict != "inconsistent":
            continue
        claims = r.check.claims
        against = tuple(c for c in claims if c in confirmed)
        suspects = tuple(c for c in claims if c not in confirmed)
        external = bool(r.check.external and r.outcome.reported_label)
        anchored = bool(against) or external
        likely = suspects if (len(suspects) == 1 and anchored) else ()
        out[r.check.check_id] = Attribution(
            r, suspects, likely, against,
            {c: tuple(confirmed[c]) for c in against}, external)
    return out


# --------------------------------------------------------------------------------------------
# The size of a gap
# --------------------------------------------------------------------------------------------

def centre(o: Any) -> Decimal:
    """The implied figure at the centre of every input's interval (a derived figure is
    reported by its centre and range, never an edge such as 近200's 200)."""
    return o.implied_centre if o.implied_centre is not None else o.implied_point


def gap(o: Any) -> tuple[str, str]:
    """How far the implied figure is from the one it is held against: (centre, range).

    Percentages that should be equal differ in percentage points; other figures by the
    relative difference; dates in days.  The range runs over every value the rounded or
    qualified inputs allow, its ends rounded outward as every interval is ('' when it shows
    as one figure); the centre is rounded half up."""
    rp = o.reported_point if o.reported_point is not None else o.reported.mid
    if o.unit == "date":
        return f"{number(centre(o) - rp, sign=True)} days", ""
    if o.unit == "%" and o.relation == "eq":
        iv = o.implied - o.reported
        mid = pp(centre(o) - rp, 2)
        lo, hi = ((bound(iv.lo, 2, False), bound(iv.hi, 2, True))
                  if iv.bounded and number(iv.lo, 2) != number(iv.hi, 2) else ("", ""))
        return mid, (f"{lo}{EN_DASH}{hi} pp" if lo != hi and iv.bounded else "")
    iv = (o.implied / o.reported - 1) * HUNDRED
    rel = (centre(o) / rp - 1) * HUNDRED
    places = 0 if o.relation in ("le", "ge") else 1
    if iv.bounded and number(iv.lo, places) != number(iv.hi, places):
        lo, hi = sorted((abs(iv.lo), abs(iv.hi))) if o.relation in ("le", "ge") else (iv.lo, iv.hi)
        lo_t, hi_t = bound(lo, places, False), bound(hi, places, True)
        rng = f"{lo_t}{EN_DASH}{hi_t}%" if lo_t != hi_t else ""
    else:
        rng = ""
    if o.relation in ("le", "ge"):
        word = "over" if o.relation == "le" else "under"
        return f"{pct(abs(rel), places)} {word}", rng
    return pct(rel, places, sign=True), rng


def _zh_words(figs: Any = None) -> dict[str, str]:
    """English display units (``villages``, ``person-times``) → the Chinese measure word: the
    first word the reader maps to that base unit (the defaults, the common units and the
    case's own ``units``), so that no English unit is left in a Chinese sentence."""
    from .written import COMMON_UNITS, DEFAULT, MEASURE_WORDS
    words: dict[str, str] = {"person_time": "人次", "person": "人", "day": "天"}
    for w, units in MEASURE_WORDS.items():
        for u in sorted(units) if w else ():
            words.setdefault(u, w)
    own = dict(getattr(getattr(figs, "case", None), "units", None) or {})
    for w, u, _ in DEFAULT.with_(units=own).units + DEFAULT.with_(units=COMMON_UNITS).units:
        words.setdefault(u, w)
    return {u.replace("_", "-") + ("s" if not u.endswith("s") else ""): w
            for u, w in words.items()}


def _zh_units(x: str, figs: Any = None) -> str:
    """A figure as shown, for a Chinese sentence: its English unit replaced by the Chinese
    measure word, an ISO date written the Chinese way (``2020-05-09`` → ``2020年5月9日``)."""
    import re
    words = _zh_words(figs)
    return zh_dates(re.sub(r" ([a-z][a-z-]*)\b",
                           lambda m: words.get(m.group(1), m.group(0)), x))


def _zh_noun(o: Any) -> str:
    """What a Chinese sentence calls the figures compared: 日期 for dates, else 数字
    (日期有出入, 对照日期为…)."""
    return "日期" if o.unit == "date" else "数字"


def _zh_should(figs: Figures, check_id: str) -> str:
    """The subject of 应为 in a likely error's Chinese: the check's short Chinese label where
    the case gives one (``short_labels``: 年均增速应为…), else nothing (应为…)."""
    short = getattr(getattr(figs, "case", None), "short_labels", None) or {}
    label = short.get(check_id)
    return f"{label[0]}应为" if label else "应为"


def unit_slip(o: Any) -> tuple[str, str] | None:
    """When the implied figure and the one it is held against differ by a factor of about
    10,000 (万) or 100,000,000 (亿), the wording of a likely unit slip, as a hypothesis."""
    rp = o.reported_point if o.reported_point is not None else o.reported.mid
    c = centre(o)
    if not rp or not c or o.unit == "date":
        return None
    ratio = abs(rp / c)
    for factor, en, zh in ((Decimal(10000), "万 (10,000)", "万"),
                           (Decimal(100000000), "亿 (100,000,000)", "亿")):
        for r in (ratio, 1 / ratio):
            if abs(r / factor - 1) < Decimal("0.1"):
                return (f"the two differ by a factor of {en}, which could be a unit slip",
                        f"二者相差约一{zh}倍，可能是单位写错")
    return None


def _gap_phrase_zh(g: str) -> str:
    """The gap as a phrase: 相差+0.36个百分点, but 超出46% (not 相差超出46%)."""
    gz = _gap_zh(g)
    return gz if gz.startswith(("超出", "不足")) else "相差" + gz


def _gap_zh(g: str) -> str:
    for en, zh in ((" over", "超出"), (" under", "不足")):
        if g.endswith(en):
            return zh + g[: -len(en)]
    return g.replace(" pp", "个百分点").replace(" days", "天")


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

def _written(figs: Figures, key: str) -> str:
    if key in figs.claims:
        cl = figs.claims[key]
        return cl.written if cl.reading.iso else group_written(cl.written)
    e = figs.external[key]
    return group_written(e.reading.raw) if e.reading is not None else key


def _point(shown: str) -> str:
    """A figure as shown by :meth:`checks.Outcome.show`, without its interval or centre."""
    shown = shown.split(", interval ")[0].split(" as written")[0].split(", range ")[0]
    if shown.startswith("centre "):
        return shown[len("centre "):]
    return shown.split(": ", 1)[1] if shown.startswith("independent: ") else shown


def _implied(r: Result) -> str:
    """What the other figures imply: the centre of the implied interval, formatted."""
    o = r.outcome
    return _point(o.show(o.implied, centre(o)))


def _discrepancy_words(d: int, n: int) -> tuple[str, str]:
    """'1 discrepancy, shown by 2 checks' and its Chinese: a discrepancy is counted once,
    however many checks show it (:func:`debao_audit.checks.discrepancies`)."""
    en = ("1 check fails" if n == 1 else
          f"{d} discrepanc{'y' if d == 1 else 'ies'}, shown by {n} check{'s' if n != 1 else ''}")
    if n == 1:
        zh = "1项核验未通过"
    elif d == 1:
        zh = f"{n}项核验均未通过，反映的是同一处矛盾"
    else:
        zh = f"{n}项核验均未通过，涉及{d}处矛盾"
    return en, zh


def _zh_count(n: int) -> str:
    return {2: "两", 3: "三"}.get(n, str(n))


def _gap_text(g: str, rng: str) -> str:
    return g + (f", range {rng}" if rng else "")


def build(figs: Figures, results: Sequence[Result]) -> pd.DataFrame:
    """The findings table (:data:`FINDINGS_COLUMNS`), likely errors first, then sets whose
    error cannot be placed, then tensions, each in registry order of its first check, then the
    context notes (kind ``context``: a derived figure whose check gives a ``finding_note``;
    never counted as a finding in a headline)."""
    atts = attribute(results)
    rows: list[dict[str, Any]] = []
    groups: dict[tuple[str, ...], list[Attribution]] = {}
    for a in atts.values():
        key = a.likely if a.likely else tuple(a.result.check.claims)
        groups.setdefault(key, []).append(a)
    for key, group in groups.items():
        first = group[0]
        r, o = first.result, first.result.outcome
        likely = bool(first.likely)
        against = sorted({c for a in group for c in a.against}, key=list(figs.claims).index)
        confirming = [x for a in group for c in a.against for x in a.confirmed_by[c]]
        ext = sorted({e for x in confirming for e in x.check.external}
                     | {e for a in group if a.external for e in a.result.check.external})
        figures = sorted({c for a in group for c in a.result.check.claims},
                         key=list(figs.claims).index)
        g, rng = gap(o)
        n = len(group)
        implied = _implied(r)
        lw = _written(figs, key[0]) if likely else ""
        against_w = [_written(figs, c) for c in against]
        ext_w = [_written(figs, e) for e in ext]
        ds = sorted({a.result.discrepancy for a in group if a.result.discrepancy},
                    key=lambda d: int(d[1:]))
        d = len(ds)
        checks_word, checks_zh = _discrepancy_words(d, n)
        # figures confirmed together by one independent figure: it confirms the set, not each
        joint = next((x for x in confirming
                      if len(against) > 1 and set(against) <= set(x.check.claims)), None)
        notes = [c.finding_note(figs) for c in dict.fromkeys(a.result.check for a in group)
                 if c.finding_note is not None]
        noun, should = _zh_noun(o), _zh_should(figs, r.check.check_id)
        if likely:
            cl = figs.claims[key[0]]
            # the independent figure the check holds the article's against (as it is written)
            ext_reported = _point(r.row()["reported"])
            itself = figs.iv(key[0]) == o.implied  # the check holds the figure itself against it
            gloss = cl.en.rsplit(":", 1)[0] if lw in cl.en or cl.written in cl.en else cl.en
            plural = len(against_w) > 1
            if joint is not None:
                agree_en = (f"which together agree with an independent figure ({', '.join(ext_w)}: "
                            f"jointly they imply {_implied(joint)}, which confirms them as a "
                            f"pair, not each alone)")
                agree_zh = (f"{'和'.join(against_w)}合起来推算为{_zh_units(_implied(joint))}，与独立来源的"
                            f"{'、'.join(ext_w)}相符；但这只能证明它们作为一组数字成立，不能分别证实其中"
                            f"任何一个。由这{_zh_count(len(against_w))}个数字推算，{should}"
                            f"{_zh_units(implied, figs)}，而不是{lw}")
            else:
                agree_en = (f"which {'agree' if plural else 'agrees'} with an independent figure "
                            f"({', '.join(ext_w)})")
                agree_zh = (f"与独立来源（{'、'.join(ext_w)}）相符的{'和'.join(against_w)}推算，{should}"
                            f"{_zh_units(implied, figs)}")
            en = (f"{lw} ({gloss[0].lower() + gloss[1:]}) is likely wrong: {checks_word}; "
                  + (f"{' and '.join(against_w)}, {agree_en}, {'imply' if plural else 'implies'} "
                     f"{implied}" if against_w
                     else (f"the independent figure is {ext_reported}" if itself
                           else f"they give {implied} against the independent figure "
                                f"{ext_reported}"))
                  + f" (gap {_gap_text(g, rng)})."
                  + "".join(f" {note[0]}" for note in notes))
            zh = (f"“{lw}”很可能有误：{checks_zh}；"
                  + (agree_zh if against_w
                     else (f"独立来源的{noun}为{_zh_units(ext_reported, figs)}" if itself
                           else f"推算为{_zh_units(implied, figs)}，独立来源的{noun}为"
                                f"{_zh_units(ext_reported, figs)}"))
                  + f"，{_gap_phrase_zh(g)}" + (f"（区间为{_gap_zh(rng)}）" if rng else "") + "。"
                  + "".join(note[1] for note in notes))
        else:
            ws = [_written(figs, c) for c in figures]
            slip = unit_slip(o)
            how = f"{o.implied_from} = {implied}" if o.implied_from else f"{implied} implied"
            how_zh = (f"{o.implied_from} = {_zh_units(implied, figs)}" if o.implied_from
                      else f"推算为{_zh_units(implied, figs)}")
            reported = _point(r.row()['reported'])
            en = (f"{', '.join(ws)} do not agree: {checks_word} ({how} against "
                  f"{reported}, gap {_gap_text(g, rng)}); the audit cannot "
                  f"tell which figure is off" + (f"; {slip[0]}" if slip else "") + "."
                  + "".join(f" {note[0]}" for note in notes))
            zh = (f"{'、'.join(ws)}相互矛盾：{checks_zh}（{how_zh}，对照{noun}为"
                  f"{_zh_units(reported, figs)}，{_gap_phrase_zh(g)}）；无法判断哪一个数字有误"
                  + (f"；{slip[1]}" if slip else "") + "。" + "".join(note[1] for note in notes))
        rows.append({
            "kind": "likely_error" if likely else "set", "verdict": "inconsistent",
            "figures": ";".join(figures), "written": ";".join(_written(figs, c) for c in figures),
            "likely_error": key[0] if likely else "", "likely_written": lw,
            "checks": ";".join(a.check_id for a in group), "n_checks": n,
            "checked_against": ";".join(against + ext),
            "against_written": ";".join(against_w + ext_w),
            "implied": implied, "gap": g, "gap_range": rng,
            "statement_en": en, "statement_zh": zh,
            "discrepancies": ";".join(ds), "n_discrepancies": d})
    for r in results:
        if r.verdict != "tension":
            continue
        o, row = r.outcome, r.row()
        g, rng = gap(o)
        figures = list(r.check.claims)
        against = _point(row["reported"])
        implied = _implied(r)
        ws = [_written(figs, c) for c in figures]
        # the figures on the implied side only: the one held against is never among them
        where = _checks.sides(r.check, figs)
        lhs = [k for k in figures if where.get(k) == "implied"]
        lhs_w = [_written(figs, k) for k in lhs]
        if len(lhs) == 1 and figs.iv(lhs[0]) == o.implied:
            lhs_en = lhs_zh = lhs_w[0]
        elif o.implied_from:  # the arithmetic as the check does it: 13.28万 + 1.75万
            lhs_en = f"{o.implied_from} = {implied}"
            lhs_zh = f"{o.implied_from} = {_zh_units(implied, figs)}"
        elif lhs:
            lhs_en = f"{' and '.join(lhs_w)} imply {implied}"
            lhs_zh = f"由{'和'.join(lhs_w)}推算为{_zh_units(implied, figs)}"
        else:
            lhs_en = f"the figures imply {implied}"
            lhs_zh = f"推算为{_zh_units(implied, figs)}"
        suggested = r.standing.rule == "suggested"
        if suggested:
            en = (f"A suggested relation, not confirmed by the case's author: {lhs_en} against "
                  f"{against} (gap {_gap_text(g, rng)}); it counts for nothing until confirmed.")
            zh = (f"草稿推测的关系：{lhs_zh}，而对照{_zh_noun(o)}为{_zh_units(against, figs)}"
                  f"（{_gap_phrase_zh(g)}）；{_ZH_REASON['suggested']}。")
        else:
            # the Chinese states the same reason as the English: the check's own (reason_zh),
            # said to be the case author's judgement where the English says so
            said = AUTHOR_RULES.get(r.standing.rule)
            written_map = {k: c.written for k, c in figs.claims.items()}
            if r.check.reason_zh:
                own_zh = r.check.reason_zh.format_map(written_map).rstrip("。")
                reason_zh = f"案例作者判断：{own_zh}" if said else own_zh
            else:
                reason_zh = said[1] if said else _ZH_REASON[r.standing.rule]
            en = (f"A tension, not a proven error: {lhs_en} against {against} "
                  f"(gap {_gap_text(g, rng)}), but {judgement(r)}.")
            noun = _zh_noun(o)
            zh = (f"{noun}有出入，但不能证明有误：{_zh_units(lhs_zh, figs)}，对照{noun}为"
                  f"{_zh_units(against, figs)}"
                  f"（{_gap_phrase_zh(g)}" + (f"，区间为{_gap_zh(rng)}" if rng else "")
                  + f"）；{reason_zh}。")
        rows.append({
            "kind": "suggested" if suggested else "tension", "verdict": "tension",
            "figures": ";".join(figures),
            "written": ";".join(ws), "likely_error": "", "likely_written": "",
            "checks": r.check.check_id, "n_checks": 1,
            "checked_against": ";".join(r.check.external),
            "against_written": ";".join(_written(figs, e) for e in r.check.external),
            "implied": implied, "gap": g, "gap_range": rng,
            "statement_en": en, "statement_zh": zh, "discrepancies": "", "n_discrepancies": 0})
    rows = one_finding_per_figure(rows)
    for r in results:  # context notes: derived figures whose check states a finding's note
        if r.outcome.relation != "none" or r.check.finding_note is None:
            continue
        note_en, note_zh = r.check.finding_note(figs)
        figures = list(r.check.claims)
        rows.append({
            "kind": "context", "verdict": r.verdict, "figures": ";".join(figures),
            "written": ";".join(_written(figs, c) for c in figures), "likely_error": "",
            "likely_written": "", "checks": r.check.check_id, "n_checks": 1,
            "checked_against": ";".join(r.check.external),
            "against_written": ";".join(_written(figs, e) for e in r.check.external),
            "implied": _implied(r), "gap": "", "gap_range": "",
            "statement_en": f"Context, not a check: {note_en}",
            "statement_zh": f"背景，并非核验：{note_zh}",
            "discrepancies": "", "n_discrepancies": 0})
    frame = pd.DataFrame(rows, columns=[c for c in FINDINGS_COLUMNS if c != "finding_id"])
    frame.insert(0, "finding_id", [f"F{i + 1}" for i in range(len(frame))])
    return frame


#: The ``;``-separated columns a merged finding takes the union of.
_UNION = ("figures", "written", "checks", "checked_against", "against_written", "discrepancies")


def one_finding_per_figure(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings in table order, each figure in at most one: a finding that shares a figure
    with an earlier one (more serious: likely errors, then sets, then tensions) is merged into
    it: its checks join the earlier finding's, and its statement follows as a second sentence
    (a figure is never shown twice with two gaps)."""
    kept: list[dict[str, Any]] = []
    for row in rows:
        figs = set(str(row["figures"]).split(";"))
        into = next((k for k in kept if figs & set(str(k["figures"]).split(";"))), None)
        if into is None:
            kept.append(dict(row))
            continue
        for col in _UNION:
            both = [x for x in str(into.get(col, "")).split(";") + str(row.get(col, "")).split(";")
                    if x]
            into[col] = ";".join(dict.fromkeys(both))
        into["n_checks"] = int(into["n_checks"]) + int(row["n_checks"])
        into["n_discrepancies"] = len([x for x in str(into.get("discrepancies", "")).split(";") if x])
        into["statement_en"] = f"{into['statement_en']} Also: {row['statement_en']}"
        into["statement_zh"] = f"{into['statement_zh']}另：{row['statement_zh']}"
    return kept


def headline(findings: pd.DataFrame, checks: pd.DataFrame) -> dict[str, Any]:
    """The numbers every surface states, from the two tables: figures likely wrong (and which),
    sets flagged as a whole, failing checks, tensions, and the check counts of
    :func:`debao_audit.checks.counts`."""
    n = _checks.counts(checks)
    likely = findings[findings["kind"] == "likely_error"]
    return {**n,
            "likely_wrong": len(likely),
            "likely_written": list(likely["likely_written"]),
            "sets": int((findings["kind"] == "set").sum()),
            "failing_checks": n["inconsistent"],
            "discrepancies": n["discrepancies"],
            "tensions": int((findings["kind"] == "tension").sum())}


def headline_sentence(findings: pd.DataFrame, checks: pd.DataFrame) -> str:
    """'1 figure is likely wrong (9.2%); 1 discrepancy, shown by 2 of 14 evidence checks;
    4 tensions', from the tables: a discrepancy is counted once, however many checks show it."""
    h = headline(findings, checks)
    parts = []
    k = h["likely_wrong"]
    if k:
        parts.append(f"{k} figure{'s are' if k != 1 else ' is'} likely wrong "
                     f"({', '.join(h['likely_written'])})")
    if h["sets"]:
        parts.append(f"{h['sets']} set{'s' if h['sets'] != 1 else ''} of figures disagree "
                     "with no single figure to blame")
    f, d = h["failing_checks"], h["discrepancies"]
    parts.append(f"{d} discrepanc{'y' if d == 1 else 'ies'}, shown by {f} of {h['evidence']} "
                 f"evidence checks" if f
                 else f"none of the {h['evidence']} evidence checks fails")
    t = h["tensions"]
    if t:
        parts.append(f"{t} tension{'s' if t != 1 else ''} (figures that disagree but may not "
                     "count the same thing)")
    return "; ".join(parts)


def headline_sentence_zh(findings: pd.DataFrame, checks: pd.DataFrame) -> str:
    """The headline in Chinese, from the same numbers as :func:`headline_sentence`."""
    h = headline(findings, checks)
    parts = []
    if h["likely_wrong"]:
        parts.append(f"{h['likely_wrong']}个数字很可能有误（{'、'.join(h['likely_written'])}）")
    if h["sets"]:
        parts.append(f"{h['sets']}组数字相互矛盾，无法判断哪一个有误")
    f, d = h["failing_checks"], h["discrepancies"]
    if not f:
        parts.append(f"{h['evidence']}项可作为证据的核验全部通过")
    else:
        parts.append(f"{h['evidence']}项可作为证据的核验中有{f}项未通过"
                     + ("" if f == 1 else "，反映的是同一处矛盾" if d == 1 else f"，涉及{d}处矛盾"))
    if h["tensions"]:
        parts.append(f"另有{h['tensions']}处有出入（数字不一致，但可能统计的不是同一回事）")
    return "；".join(parts) + "。"


def load(path: Any = None) -> pd.DataFrame:
    """The committed findings table (``data/processed/findings.csv``), as text."""
    from . import data as _data
    return pd.read_csv(path or _data.PROCESSED / "findings.csv", dtype=str,
                       keep_default_na=False)


#: The Data Package describing the derived tables (checks.csv and findings.csv).
OUTPUT_PACKAGE_NAME = "outputs.datapackage.json"


def write_tables(checks_table: pd.DataFrame, findings_table: pd.DataFrame) -> None:
    """Write ``checks.csv`` and ``findings.csv`` into the output's ``data/processed/``, each
    first checked against its schema in ``data/outputs.datapackage.json`` (written to a
    temporary directory and validated there, so a table that breaks its schema is never
    written)."""
    import json
    import tempfile
    from pathlib import Path

    from . import data as _data
    from . import validate as _validate

    desc = json.loads((_data.DATA / OUTPUT_PACKAGE_NAME).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        _data.write_csv(checks_table, base / "processed" / "checks.csv")
        _data.write_csv(findings_table, base / "processed" / "findings.csv")
        _validate.check_tables(desc, base)
    _data.write_csv(checks_table, _data.PROCESSED / "checks.csv")
    _data.write_csv(findings_table, _data.PROCESSED / "findings.csv")


def readme_block(found: pd.DataFrame, checks_table: pd.DataFrame) -> str:
    """The README's "What it finds", rendered from the two tables: the headline, one bullet
    per finding (both languages, from the findings table; its context notes are on the page
    and the site, the README being a front page) and the counts
    of what the checks weigh.  The rules behind those counts are :func:`rules_table`, on the
    design page (``docs/design.md``)."""
    n = _checks.counts(checks_table)
    head = headline_sentence(found, checks_table)
    lines = [f"**{head[0].upper() + head[1:]}.**", ""]
    for f in found.to_dict("records"):
        if f["kind"] == "context":  # on the page and the site; the front page lists findings
            continue
        tag = {"likely_error": "likely error", "set": "inconsistent set",
               "tension": "tension", "suggested": "suggested, not confirmed"}[f["kind"]]
        lines.append(f"- **{f['finding_id']} ({tag})**: {f['statement_en']}  ")
        lines.append(f"  {f['statement_zh']}")
    lines += ["",
              f"The article makes **{{claims}} quantitative statements**; **{n['checks']} "
              f"relations** between them are checked. What each check weighs follows "
              f"[written rules](docs/design.md#what-a-check-weighs-the-rules), applied by code: "
              f"**{n['evidence']} are evidence** ({n['consistent']} "
              f"*consistent*, {n['within_rounding']} *within rounding*, **{n['inconsistent']} "
              f"*inconsistent***"
              + (f", **{n['discrepancies']} discrepanc{'y' if n['discrepancies'] == 1 else 'ies'}**"
                 f" counted once" if n["inconsistent"] else "")
              + f"); {n['context']} *context* checks ({n['tension']} *tensions*, "
              f"{n['context_holding']} agree); {n['trivial']} *trivial*; {n['coincidence']} "
              f"*coincidences*; {n['derived']} *derived* figures (*not checkable*)."]
    return "\n".join(lines)


def rules_table(checks_table: pd.DataFrame) -> str:
    """The written rules of what a check weighs (:data:`debao_audit.checks.RULES`, in the order
    they are tried), each with the number of checks it decides in ``checks_table``."""
    lines = ["| rule | counts as | when | checks |", "|---|---|---|---|"]
    by_rule = checks_table["rule"].value_counts()
    for r in _checks.RULES:
        lines.append(f"| `{r.name}` | {r.counts_as} | {r.statement} | "
                     f"{int(by_rule.get(r.name, 0))} |")
    return "\n".join(lines)
