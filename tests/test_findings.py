"""What a check weighs follows written rules applied by code; the findings table is one truth
that every surface states."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from debao_audit import checks, data, findings, page
from debao_audit.interval import Interval

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "data" / "processed"


@pytest.fixture(scope="module")
def figs():
    return checks.load_figures()


@pytest.fixture(scope="module")
def results(figs):
    return checks.run(figs)


@pytest.fixture(scope="module")
def found(figs, results):
    return findings.build(figs, results)


def by_id(results):
    return {r.check.check_id: r for r in results}


# -- the rules -----------------------------------------------------------------------------------

def test_every_check_is_classified_by_a_written_rule(results):
    for r in results:
        assert r.standing.rule in checks.RULE_NAMES, r.check.check_id
        rule = next(x for x in checks.RULES if x.name == r.standing.rule)
        assert r.counts_as == rule.counts_as


@pytest.mark.parametrize("pair, rule", [
    (("medical_experts_within_professionals", "people_sent_within_exchange_person_times"),
     "inclusion"),
    (("exit_approval_date_external", "exit_reply_after_meeting"), None),
])
def test_mirror_checks_are_treated_alike(figs, results, pair, rule):
    """Checks of the same shape weigh the same: the two checks whose inclusion the article
    never states (context, unless it cannot fail at all: trivial, whatever else it is); the two
    exit-date checks (one questions the reading the other assumes)."""
    r = by_id(results)
    a, b = r[pair[0]], r[pair[1]]
    if rule:
        assert a.check.inclusion == b.check.inclusion == "not_stated"
        for x in (a, b):
            fails = checks.can_fail(x.check, figs)
            assert (x.counts_as, x.standing.rule) == (
                ("context", rule) if fails else ("trivial", "cannot_fail")), x.check.check_id
    else:
        assert a.counts_as == b.counts_as == "context"


def test_a_check_assuming_what_another_questions_is_context(results):
    r = by_id(results)["exit_reply_after_meeting"]
    assert r.standing.rule == "own_reconciliation"
    assert "exit_approval_date_external" in r.standing.reason


def test_triviality_is_computed_both_ways(figs):
    reg = checks.REGISTRY
    assert not checks.can_fail(reg["funding_never_decreased"], figs)   # a positive rate
    assert not checks.can_fail(reg["poverty_incidence_fell_to_zero"], figs)  # 降至0
    assert checks.can_fail(reg["income_annual_vs_total_growth"], figs)
    assert checks.can_fail(reg["poor_villages_stated_twice"], figs)
    # a date check: the cut-off is months before publication, the pairing start years before
    # the exit, so no half-year shift can fail them
    assert not checks.can_fail(reg["cutoff_before_publication"], figs)
    assert checks.can_fail(reg["labour_count_starts_after_pairing"], figs)


def test_period_spans_and_nesting():
    pub = dt.date(2021, 2, 7)
    assert checks.period_span("2020", pub) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert checks.period_span("2016-09–2020-11", pub) == (dt.date(2016, 9, 1), dt.date(2020, 11, 30))
    assert checks.period_span("2020–publication", pub) == (dt.date(2020, 1, 1), pub)
    assert checks.period_span("publication", pub) == (None, pub)
    assert checks.period_span("unstated", pub) is None
    year = checks.period_span("2020", pub)
    to_date = checks.period_span("2020–publication", pub)
    assert checks._within(year, to_date) and not checks._within(to_date, year)


def test_a_to_date_part_against_a_calendar_year_is_context(results):
    """200余万元 donated up to publication cannot be proven inside 2020's donations."""
    r = by_id(results)
    assert r["aid_2020_within_cumulative_total"].standing.rule == "period"
    # the periods of these do not nest either, but they cannot fail at all: trivial first
    e = r["employed_within_registered_poor"]
    assert checks.period_mismatch(e.check, checks.load_figures(), e.outcome.relation)
    assert e.standing.rule == "cannot_fail"
    assert r["covid_donations_within_2020_donations"].counts_as == "trivial"


def test_what_a_check_weighs_never_moves_with_a_what_if(figs, results):
    from debao_audit.written import read
    moved = checks.run(figs.with_overrides({"rural_income_growth_annual": read("9.56%", "percent"),
                                            "medical_experts": read("近100名", "person")}))
    assert [r.counts_as for r in moved] == [r.counts_as for r in results]
    assert by_id(moved)["income_annual_vs_total_growth"].verdict == "consistent"
    assert by_id(moved)["medical_experts_within_professionals"].verdict == "consistent"


def test_a_qualified_figure_is_judged_inside_its_reading(figs):
    """近10万, 1400多, 200余万: a single value, where one is needed, lies in the reading."""
    for key in list(figs.claims) + list(figs.external):
        iv = figs.iv(key)
        assert figs.pt(key) in iv, key


def test_no_evidence_check_passes_only_outside_a_reading(figs, results):
    """An evidence check that is consistent stays at least within rounding when every figure
    is taken at the centre of its reading."""
    centred = {r.check.check_id: r.verdict for r in checks.run(figs.centred())}
    for r in results:
        if r.counts_as == "evidence" and r.verdict == "consistent":
            assert centred[r.check.check_id] in ("consistent", "within_rounding"), r.check.check_id


def test_short_visits_text_stays_inside_near_200(results):
    text = by_id(results)["medical_experts_within_professionals"].reconcile
    assert "at least 56 of them (if there were 190)" in text and "fewer than 66" in text


# -- the findings table ------------------------------------------------------------------------

def test_a_wrong_figure_is_one_finding(found):
    likely = found[found["kind"] == "likely_error"]
    assert list(likely["likely_error"]) == ["rural_income_growth_annual"]
    assert int(likely["n_checks"].iloc[0]) == 2
    assert set(likely["checks"].iloc[0].split(";")) == {
        "income_annual_vs_total_growth", "income_2015_implied_by_annual_growth"}
    assert "db_rural_income_2015" in likely["checked_against"].iloc[0]


def test_every_failing_or_tense_check_is_in_one_finding(results, found):
    listed = [c for k, cs in zip(found["kind"], found["checks"]) if k != "context"
              for c in cs.split(";")]
    assert len(listed) == len(set(listed))
    assert set(listed) == {r.check.check_id for r in results
                           if r.verdict in ("inconsistent", "tension")}


def test_findings_statements_are_bilingual_and_name_their_figures(found):
    for f in found.to_dict("records"):
        assert f["statement_en"].endswith(".") and f["statement_zh"].endswith("。")
        if f["kind"] == "context":  # a note on derived figures, not a finding about them
            continue
        for w in f["written"].split(";"):
            assert w in f["statement_en"] and w in f["statement_zh"], (f["finding_id"], w)


def test_committed_findings_csv_is_current(found):
    committed = findings.load(COMMITTED / "findings.csv")
    assert list(committed.columns) == list(findings.FINDINGS_COLUMNS)
    assert committed.equals(found.astype(str))


def test_findings_schema_rejects_a_bad_table(tmp_path, found, results):
    bad = found.copy()
    bad.loc[0, "kind"] = "maybe"
    (tmp_path / "processed").mkdir()
    checks.results_frame(results).to_csv(tmp_path / "processed" / "checks.csv", index=False)
    bad.to_csv(tmp_path / "processed" / "findings.csv", index=False)
    import json
    from debao_audit import validate
    desc = json.loads((data.DATA / findings.OUTPUT_PACKAGE_NAME).read_text(encoding="utf-8"))
    with pytest.raises(data.DataError, match="kind"):
        validate.check_tables(desc, tmp_path)


# -- every surface states the same -------------------------------------------------------------

def test_readme_renders_the_committed_tables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = pd.read_csv(COMMITTED / "checks.csv", dtype=str, keep_default_na=False)
    committed = findings.load(COMMITTED / "findings.csv")
    block = findings.readme_block(committed, table).replace(
        "{claims}", str(len(data.load_claims())))
    assert block in readme
    # the rules behind the counts, with how many checks each decides, on the design page
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    rules = findings.rules_table(table)
    assert rules in design and "](docs/design.md#what-a-check-weighs-the-rules)" in block
    for rule in checks.RULES:
        n = int((table["rule"] == rule.name).sum())
        assert f"| `{rule.name}` | {rule.counts_as} | {rule.statement} | {n} |" in rules
    sentence = findings.headline_sentence(committed, table)
    assert sentence.startswith("1 figure is likely wrong (9.2%); 1 discrepancy, shown by 2 of ")
    # every context note the README states comes from the findings table
    for line in readme.splitlines():
        if line.startswith("- **") and "(context)" in line:
            fid = line[4:].split(" ", 1)[0]
            assert (committed.set_index("finding_id").loc[fid, "kind"]) == "context"


def test_page_summary_and_marks_follow_the_findings(figs, results, found):
    html = page.build_page(figs.text, list(figs.claims.values()), results, figures=figs,
                           embed_font=False)
    text = unescape(html)
    assert findings.headline_sentence(found, checks.results_frame(results))[1:] in text
    for f in found.to_dict("records"):
        assert f["statement_en"] in text and f["statement_zh"] in text
        assert f'id="finding-{f["finding_id"]}"' in html
    # every figure of a tension check carries a tension mark (or a more serious one)
    marks = dict(re.findall(r'id="claim-([a-z0-9_]+)"[^>]*class="fig v-([a-z_]+)', html)
                 + re.findall(r'class="fig v-([a-z_]+)"[^>]*id="claim-([a-z0-9_]+)"', html)[::-1])
    for r in results:
        if r.verdict == "tension":
            for cid in r.check.claims:
                used = [x.verdict for x in results if cid in x.check.claims]
                assert page.worst(used) in ("inconsistent", "tension"), (r.check.check_id, cid)


def test_findings_figure_counts_a_wrong_figure_once(figs, results, found, tmp_path):
    from debao_audit import figures
    paths = figures.fig_findings(figs, results, found, outdir=tmp_path)
    frame = pd.read_csv(paths["csv"])
    assert list(frame["finding_id"]) == list(found[found["kind"] != "context"]["finding_id"])
    title = figures.overview.finding_findings(figs, results)
    assert title.lower().startswith(findings.headline_sentence(found, checks.results_frame(results)).lower())


# -- issue 23: a discrepancy is counted once; evidence can fail on its own ------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from debao_audit.written import read  # noqa: E402
from strength import examples  # noqa: E402

INCOME = ("income_annual_vs_total_growth", "income_2015_implied_by_annual_growth")


def test_the_two_income_checks_are_one_discrepancy_by_their_arithmetic(figs, results):
    """Computed, not listed: the values of 9.2% that close each check overlap, so one
    correction closes both (one implies the other); the headline counts them once."""
    r = by_id(results)
    a, b = (r[c] for c in INCOME)
    assert a.verdict == b.verdict == "inconsistent"
    assert a.discrepancy == b.discrepancy != ""
    key = checks.same_discrepancy(a.check, b.check, figs)
    assert key == "rural_income_growth_annual"
    ra, rb = (checks.closing_range(x.check, figs, key) for x in (a, b))
    lo, hi = max(ra[0], rb[0]), min(ra[1], rb[1])
    assert lo <= hi
    fixed = figs.with_overrides({key: Interval.point((lo + hi) / 2)})
    assert checks.verdict(a.check.compute(fixed)) != "inconsistent"
    assert checks.verdict(b.check.compute(fixed)) != "inconsistent"
    # and outside the overlap one of them fails again
    off = figs.with_overrides({key: Interval.point(max(ra[1], rb[1]) * 2 - lo)})
    assert "inconsistent" in {checks.verdict(x.check.compute(off)) for x in (a, b)}
    n = checks.counts(results)
    assert (n["inconsistent"], n["discrepancies"]) == (2, 1)
    assert checks.counts(checks.results_frame(results))["discrepancies"] == 1


def test_checks_that_need_different_corrections_are_different_discrepancies(figs):
    """Hand-made: with a 2020 income of 13000元 the annual rate would have to be about 9.56%
    for one check and 10.66% for the other, and the confirming check fails too: three
    failing checks, three discrepancies."""
    rs = checks.run(figs.with_overrides({"rural_income_2020": read("13000元", "yuan")}))
    failing = {r.check.check_id: r.discrepancy for r in rs if r.verdict == "inconsistent"}
    assert set(INCOME) <= set(failing)
    assert len(set(failing.values())) == len(failing) == checks.counts(rs)["discrepancies"]
    assert not checks.same_discrepancy(*(checks.REGISTRY[c] for c in INCOME),
                                       figs.with_overrides({"rural_income_2020": read("13000元", "yuan")}))


@settings(max_examples=examples(15), deadline=None)
@given(st.integers(20, 300).filter(lambda n: n not in (95, 96)))
def test_the_income_discrepancy_is_one_whatever_the_annual_rate(n):
    """Whatever the annual rate is written as (away from 9.558%), the two checks fail
    together and are one discrepancy: the same arithmetic, not a coincidence of 9.2%."""
    figs = checks.load_figures()
    reg = {c: checks.REGISTRY[c] for c in INCOME}
    rs = checks.run(figs.with_overrides({"rural_income_growth_annual": read(f"{n / 10}%", "percent")}),
                    reg)
    assert [r.verdict for r in rs] == ["inconsistent", "inconsistent"]
    assert rs[0].discrepancy == rs[1].discrepancy


def test_no_evidence_check_is_a_restatement_a_duplicate_or_unable_to_fail(figs, results):
    seen: dict = {}
    for r in results:
        if r.counts_as in ("evidence", "context"):
            # cannot_fail and restatement are applied to every weight, context too
            assert checks.can_fail(r.check, figs), r.check.check_id
            assert not r.check.restates, r.check.check_id
        if r.counts_as == "evidence":
            key = checks.comparison(r.check, figs)
            assert key not in seen, (r.check.check_id, seen.get(key))
            seen[key] = r.check.check_id


def test_a_duplicate_comparison_is_counted_once(figs, results):
    r = by_id(results)
    dup = r["village_clinics_within_admin_villages"]
    assert (dup.counts_as, dup.standing.rule) == ("trivial", "duplicate")
    assert "poor_villages_within_admin_villages" in dup.standing.reason
    a, b = (checks.REGISTRY[c] for c in ("poor_villages_within_admin_villages",
                                         "village_clinics_within_admin_villages"))
    assert checks.comparison(a, figs) == checks.comparison(b, figs)
    other = figs.with_overrides({"village_clinics": read("88个", "facility")})
    assert checks.comparison(a, other) != checks.comparison(b, other)
    # an equality the article never asserts stays a coincidence, never a duplicate's original
    assert r["village_clinics_per_poor_village"].standing.rule == "asserted"
    assert r["poor_villages_stated_twice"].counts_as == "evidence"


@pytest.mark.parametrize("pair, counts_as", [
    # the two 'by 2019 within all' checks: one sentence, one caveat (may count from 2014)
    (("villages_exited_by_2019_within_all", "people_lifted_by_2019_within_all"), "context"),
    # the two 'after pairing' checks: the article's own chronology
    (("labour_count_starts_after_pairing", "exit_after_pairing_start"), "trivial"),
    # the two Baise benchmarks: a county against its prefecture's average
    (("incidence_2015_against_baise", "income_2015_against_baise"), "context"),
])
def test_like_pairs_weigh_alike(results, pair, counts_as):
    r = by_id(results)
    assert r[pair[0]].counts_as == r[pair[1]].counts_as == counts_as, pair


def test_new_relations_and_their_weights(results):
    r = by_id(results)
    assert r["incidence_2015_against_baise"].verdict == "consistent"
    assert r["income_2015_against_baise"].verdict == "consistent"
    for cid in ("visits_per_medical_expert", "investment_per_medical_facility"):
        assert (r[cid].verdict, r[cid].counts_as) == ("not_checkable", "derived")


def test_f1_states_the_mean_bound_and_the_joint_confirmation(found):
    f1 = found[found["kind"] == "likely_error"].iloc[0]
    en, zh = f1["statement_en"], f1["statement_zh"]
    assert "1 discrepancy, shown by 2 checks" in en and "同一处矛盾" in zh
    assert "plain average of five yearly rates" in en and f"at least {f1['implied']}" in en
    assert "算术平均" in zh and f"至少为{f1['implied']}" in zh
    assert "jointly" in en and "not each alone" in en
    assert "不能分别证实" in zh


def test_tensions_say_their_own_reason_in_chinese_and_never_hold_a_figure_against_itself(
        results, found):
    r = by_id(results)
    written = {k: c.written for k, c in checks.load_figures().claims.items()}
    for f in found[found["kind"] == "tension"].to_dict("records"):
        c = r[f["checks"]].check
        assert c.reason_zh, c.check_id
        assert c.reason_zh.format_map(written).rstrip("。") in f["statement_zh"]
        assert "二者可能并非同一数量" not in f["statement_zh"]
        lhs_en = f["statement_en"].split(": ", 1)[1].split(" against ", 1)[0]
        against = f["statement_en"].split(" against ", 1)[1].split(" (gap", 1)[0]
        assert against not in lhs_en, f["finding_id"]
        assert "(of " not in lhs_en and "涉及" not in f["statement_zh"]


def test_context_notes_live_in_the_findings_table_in_both_languages(found):
    ctx = found[found["kind"] == "context"]
    assert list(ctx["checks"]) == ["income_growth_vs_key_counties"]
    for f in ctx.to_dict("records"):
        assert f["statement_en"].startswith("Context, not a check: ")
        assert f["statement_zh"].startswith("背景，并非核验：")
    # never counted as a finding
    h = findings.headline(found, checks.results_frame(checks.run(checks.load_figures())))
    assert h["tensions"] == int((found["kind"] == "tension").sum())


def test_one_rounding_rule_for_a_value_wherever_it_is_shown(figs, results, found):
    """The findings figure rounds as checks.csv and findings.csv do: a derived figure at its
    check's decimals, half up; an interval's ends outward (9.558%, [9.557%, 9.559%) and
    9.557–9.559%, not 9.56% and 9.56–9.56%)."""
    from debao_audit.figures import overview
    r = by_id(results)
    for f in found[found["kind"] != "context"].to_dict("records"):
        res = r[f["checks"].split(";")[0]]
        row = overview.scorecard_row(figs, res)
        implied = res.row()["implied"]
        if row["others_source"] == "derived":
            assert row["others_give"] == f["implied"], f["finding_id"]
            assert implied.startswith(f["implied"]), f["finding_id"]
        if row["others_range"] and row["others_source"] == "derived":
            lo, hi = row["others_range"].split("\N{EN DASH}")
            for end in (lo, hi):
                number = re.match(r"[\d.,]+", end).group(0)
                assert number in implied, (f["finding_id"], number, implied)

def test_a_figure_is_in_at_most_one_finding():
    """A finding sharing a figure with an earlier one is merged into it: checks joined, its
    statement second; findings that share nothing stay apart."""
    def row(fid, kind, figs, checks, en):
        return {"kind": kind, "figures": figs, "written": figs.upper(), "checks": checks,
                "n_checks": 1, "checked_against": "", "against_written": "",
                "statement_en": en, "statement_zh": en + "。"}
    rows = [row(1, "likely_error", "a", "c1", "A is wrong."),
            row(2, "set", "a;b", "c2", "A and B disagree."),
            row(3, "tension", "c", "c3", "C is a tension."),
            row(4, "tension", "b;d", "c4", "B and D.")]
    out = findings.one_finding_per_figure(rows)
    assert [r["checks"] for r in out] == ["c1;c2;c4", "c3"]
    assert out[0]["figures"] == "a;b;d" and out[0]["n_checks"] == 3
    assert out[0]["statement_en"] == "A is wrong. Also: A and B disagree. Also: B and D."
    assert out[0]["statement_zh"].startswith("A is wrong.。另：A and B disagree.。")
    seen = [f for r in out for f in r["figures"].split(";")]
    assert len(seen) == len(set(seen))


# -- the Chinese after a second reviewer's reading -----------------------------------------------

_ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{2}(?:-\d{2})?(?!\d)")


def test_chinese_findings_write_dates_the_chinese_way_and_say_checks_did_not_pass(
        results, found):
    by = by_id(results)
    for f in found.to_dict("records"):
        zh = f["statement_zh"]
        assert not _ISO_DATE.search(zh), (f["finding_id"], zh)  # 2020年5月9日, not 2020-05-09
        assert "核验不成立" not in zh and "项不成立" not in zh, f["finding_id"]
        if f["kind"] == "context":
            continue
        first = by[f["checks"].split(";")[0]]
        if f["kind"] in ("likely_error", "set"):
            n = int(f["n_checks"])
            assert (f"{n}项核验均未通过" if n > 1 else "1项核验未通过") in zh, f["finding_id"]
        if f["kind"] == "tension":
            word = "日期" if first.outcome.unit == "date" else "数字"
            assert zh.startswith(f"{word}有出入，但不能证明有误："), f["finding_id"]
            assert f"对照{word}为" in zh, f["finding_id"]
    # this article's date tension: the independent report's date in the Chinese form
    f4 = found[found["checks"] == "exit_approval_date_external"].iloc[0]
    assert f4["statement_zh"].startswith("日期有出入")
    assert "对照日期为2020年5月9日" in f4["statement_zh"]
    table = checks.results_frame(results)
    assert "项未通过" in findings.headline_sentence_zh(found, table)


def test_a_likely_error_names_what_should_be_in_chinese(figs, found):
    """The subject of 应为 is the check's short Chinese label where the case gives one
    (年均增速应为9.558%), so the sentence says what the figure would have to be."""
    for f in found[found["kind"] == "likely_error"].to_dict("records"):
        label = figs.case.short_labels.get(f["checks"].split(";")[0])
        if label:
            assert f"{label[0]}应为{f['implied']}" in f["statement_zh"], f["finding_id"]
    f1 = found[found["kind"] == "likely_error"].iloc[0]
    assert "年均增速应为9.558%，而不是9.2%" in f1["statement_zh"]
