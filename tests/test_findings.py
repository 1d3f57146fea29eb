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
def test_mirror_checks_are_treated_alike(results, pair, rule):
    """Checks of the same shape weigh the same: the two checks whose inclusion the article
    never states; the two exit-date checks (one questions the reading the other assumes)."""
    r = by_id(results)
    a, b = r[pair[0]], r[pair[1]]
    assert a.counts_as == b.counts_as == "context"
    if rule:
        assert a.standing.rule == b.standing.rule == rule


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
    assert r["employed_within_registered_poor"].standing.rule == "period"
    assert r["covid_donations_within_2020_donations"].counts_as == "context"


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
    listed = [c for cs in found["checks"] for c in cs.split(";")]
    assert len(listed) == len(set(listed))
    assert set(listed) == {r.check.check_id for r in results
                           if r.verdict in ("inconsistent", "tension")}


def test_findings_statements_are_bilingual_and_name_their_figures(found):
    for f in found.to_dict("records"):
        assert f["statement_en"].endswith(".") and f["statement_zh"].endswith("。")
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
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    import write_gallery
    block = findings.readme_block(committed, table, context=write_gallery.README_CONTEXT).replace(
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
    assert sentence.startswith("1 figure is likely wrong (9.2%); 2 of ")


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
    assert list(frame["finding_id"]) == list(found["finding_id"])
    title = figures.overview.finding_findings(figs, results)
    assert title.lower().startswith(findings.headline_sentence(found, checks.results_frame(results)).lower())


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
