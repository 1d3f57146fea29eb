"""The checks can fail: hand-made inputs with known verdicts both ways, a hand-labelled gold
standard for this article, and a mutation test over every claim in a checkable relation."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from debao_audit import checks, data
from debao_audit.checks import Outcome, verdict
from debao_audit.interval import Interval
from debao_audit.written import read

D = Decimal
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def figs():
    return checks.load_figures()


@pytest.fixture(scope="module")
def baseline(figs):
    return {r.check.check_id: r.verdict for r in checks.run(figs)}


def run_one(figs, check_id, **overrides):
    f = figs.with_overrides({k: read(*v) if isinstance(v, tuple) else v for k, v in overrides.items()})
    c = checks.REGISTRY[check_id]
    return verdict(c.compute(f))


# -- the verdict rule on hand-made outcomes ---------------------------------------------------

def iv(lo, hi, **kw):
    return Interval(D(lo), D(hi), **kw)


@pytest.mark.parametrize("outcome, expected", [
    (Outcome("eq", iv("9.557", "9.559"), D("9.558"), iv("9.55", "9.65", hi_open=True), D("9.6")), "consistent"),
    (Outcome("eq", iv("9.5", "9.7"), D("9.66"), iv("9.55", "9.65", hi_open=True), D("9.6")), "within_rounding"),
    (Outcome("eq", iv("9.557", "9.559"), D("9.558"), iv("9.15", "9.25", hi_open=True), D("9.2")), "inconsistent"),
    (Outcome("eq", iv("9.25", "9.3"), D("9.27"), iv("9.15", "9.25", hi_open=True), D("9.2")), "inconsistent"),
    (Outcome("le", iv(55, 55), D(55), iv(89, 89), D(89)), "consistent"),
    (Outcome("le", iv(190, 200, hi_open=True), D(200), iv(134, 134), D(134)), "inconsistent"),
    (Outcome("le", iv(130, 140), D(138), iv(134, 134), D(134)), "within_rounding"),
    (Outcome("le", iv(134, 140, lo_open=True), D(138), iv(134, 134), D(134)), "inconsistent"),
    (Outcome("ge", iv(62, 62), D(62), iv(55, 55), D(55)), "consistent"),
    (Outcome("ge", iv(50, 54), D(54), iv(55, 55), D(55)), "inconsistent"),
    (Outcome("none", iv(1, 2), D("1.5")), "not_checkable"),
])
def test_verdict_rule(outcome, expected):
    assert verdict(outcome) == expected


# -- each kind of check on small hand-made inputs, known both ways ----------------------------

@pytest.mark.parametrize("check_id, agree, disagree", [
    # 1.1^5 = 1.61051: +61.05% total is 10% a year
    ("income_annual_vs_total_growth",
     {"rural_income_growth_total": ("61.05%", "percent"), "rural_income_growth_annual": ("10%", "percent")},
     {"rural_income_growth_total": ("61.05%", "percent"), "rural_income_growth_annual": ("12%", "percent")}),
    # 11000 / 1.1 = 10000 exactly
    ("income_2015_implied_by_total_growth",
     {"rural_income_2020": ("11000元", "yuan"), "rural_income_growth_total": ("10%", "percent"),
      "db_rural_income_2015": ("10000元", "yuan")},
     {"rural_income_2020": ("11000元", "yuan"), "rural_income_growth_total": ("10%", "percent"),
      "db_rural_income_2015": ("9000元", "yuan")}),
    # 300 people / 1000 population = 30%
    ("poverty_count_vs_incidence_and_population",
     {"poor_people_exited": ("300", "person"), "population_total": ("1000", "person"),
      "poverty_incidence_2015": ("30%", "percent")},
     {"poor_people_exited": ("300", "person"), "population_total": ("1000", "person"),
      "poverty_incidence_2015": ("20%", "percent")}),
    ("poor_villages_stated_twice",
     {"beneficiary_villages": ("7个", "village"), "poor_villages_exited": ("7个", "village")},
     {"beneficiary_villages": ("8个", "village"), "poor_villages_exited": ("7个", "village")}),
    ("aid_2020_within_cumulative_total",
     {"fiscal_aid_2020": ("1万元", "yuan"), "social_donations_2020": ("1万元", "yuan"),
      "aid_total_cumulative": ("3万元", "yuan")},
     {"fiscal_aid_2020": ("3万元", "yuan"), "social_donations_2020": ("3万元", "yuan"),
      "aid_total_cumulative": ("3万元", "yuan")}),
    ("medical_experts_within_professionals",
     {"medical_experts": ("近100名", "person"), "professionals_sent": ("134人", "person")},
     {"medical_experts": ("近200名", "person"), "professionals_sent": ("134人", "person")}),
    ("pairing_units_match_villages",
     {"nanshan_communities": ("2个", "community"), "nanshan_enterprises": ("1家", "enterprise"),
      "paired_poor_villages": ("3个", "village")},
     {"nanshan_communities": ("2个", "community"), "nanshan_enterprises": ("1家", "enterprise"),
      "paired_poor_villages": ("4个", "village")}),
    ("school_investment_external",
     {"school_investment": ("2600万元", "yuan")},
     {"school_investment": ("2500万元", "yuan")}),
    ("five_years_as_calendar_years",
     {"pairing_start_date": ("2016年9月", "date")},
     {"pairing_start_date": ("2015年9月", "date")}),
    ("exit_approval_date_external",
     {"exit_approval_date": ("2020年5月9日", "date")},
     {"exit_approval_date": ("2020年5月10日", "date")}),
    ("labour_count_starts_after_pairing",
     {"labour_coop_start": ("2017年", "date")},
     {"labour_coop_start": ("2015年", "date")}),
])
def test_check_on_hand_made_inputs(figs, check_id, agree, disagree):
    assert run_one(figs, check_id, **agree) == "consistent"
    assert run_one(figs, check_id, **disagree) == "inconsistent"


def test_within_rounding_is_reachable(figs):
    # 12364 / 1.58 = 7825.3: not 7833 as written, but 1.575..1.585 reaches it
    assert run_one(figs, "income_2015_implied_by_total_growth",
                   rural_income_growth_total=("58%", "percent")) == "within_rounding"


# -- the gold standard --------------------------------------------------------------------------

def gold():
    with (HERE / "gold_verdicts.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_gold_standard_covers_every_check():
    assert [g["check_id"] for g in gold()] == list(checks.REGISTRY)
    assert all(g["reasoning"].strip() for g in gold())


@pytest.mark.parametrize("row", gold(), ids=lambda g: g["check_id"])
def test_gold_standard_verdicts(baseline, row):
    assert baseline[row["check_id"]] == row["verdict"], row["reasoning"]


# -- mutation: moving any claim outside its interval changes some verdict -----------------------

def shifted(c, value: Decimal) -> Interval:
    """A mutated figure: the claim's interval moved so that it is centred on ``value`` as the written figure was:
    same width, same open and closed ends (a figure written with the same precision)."""
    i = c.interval
    delta = value - c.number
    return Interval(None if i.lo is None else i.lo + delta, None if i.hi is None else i.hi + delta,
                    i.lo_open, i.hi_open)


def verdicts_with(figs, claim_id, iv) -> dict[str, str]:
    f = figs.with_overrides({claim_id: iv})
    out = {}
    for cid, c in checks.REGISTRY.items():
        if claim_id in c.claims:
            try:
                out[cid] = verdict(c.compute(f))
            except (ValueError, ZeroDivisionError, ArithmeticError):
                out[cid] = "error"
    return out


def coarse_moves(c) -> list[Decimal]:
    """Gross errors: a slipped digit or scale (×/÷ 10, 100, 1000, 10000), or the opposite sign;
    for dates, three years either way."""
    if c.unit == "date":
        return [c.number + 3 * 365, c.number - 3 * 365]
    v = c.number if c.number != 0 else D(1)
    moves = [v * D(10) ** k for k in (1, 2, 3, 4)] + [v / D(10) ** k for k in (1, 2, 3, 4)]
    return moves + [-v, -v * 10]


def agreement_move(figs, claim_id) -> Decimal | None:
    """For a claim in an equality that fails, the value that would make it hold, found by
    bisection on the sign of (implied − reported) over multipliers in [1/2, 2], else [1/10, 10],
    else [10^-4, 10^4]."""
    c = figs.claims[claim_id]
    for check in (k for k in checks.REGISTRY.values() if claim_id in k.claims):
        def gap(m: Decimal):
            f = figs.with_overrides({claim_id: shifted(c, c.number * m)})
            try:
                o = check.compute(f)
            except (ValueError, ZeroDivisionError, ArithmeticError):
                return None
            if o.relation != "eq":
                return None
            return o.implied_point - o.reported_point
        for lo, hi in ((D("0.5"), D(2)), (D("0.1"), D(10)), (D("0.0001"), D(10000))):
            glo, ghi = gap(lo), gap(hi)
            if glo is not None and ghi is not None and (glo > 0) != (ghi > 0):
                break
        else:
            continue
        for _ in range(80):
            mid = (lo * hi).sqrt()
            gm = gap(mid)
            if (gm > 0) == (glo > 0):
                lo, glo = mid, gm
            else:
                hi = mid
        return c.number * hi
    return None


def test_mutating_any_checkable_claim_changes_a_verdict(figs, baseline):
    survivors = []
    for claim_id in checkable_claims(baseline):
        c = figs.claims[claim_id]
        candidates = coarse_moves(c)
        target = agreement_move(figs, claim_id)
        if target is not None:
            candidates.append(target)
        changed = False
        for value in candidates:
            moved = shifted(c, value)
            if c.number in moved:
                continue  # not a different figure: its interval still holds the written one
            after = verdicts_with(figs, claim_id, moved)
            # a crash is not a detection: only a real change of verdict counts
            if any(after[k] not in (baseline[k], "error") for k in after):
                changed = True
                break
        if not changed:
            survivors.append(claim_id)
    assert survivors == [], ", ".join(survivors)


def checkable_claims(baseline):
    ids = set()
    for cid, c in checks.REGISTRY.items():
        if baseline[cid] != "not_checkable":
            ids.update(c.claims)
    return sorted(ids)


# -- coverage -------------------------------------------------------------------------------------

def test_every_claim_is_checked_or_its_reason_given(figs, baseline):
    checkable = set(checkable_claims(baseline))
    with (data.DATA / "unchecked_claims.csv").open(encoding="utf-8", newline="") as f:
        unchecked = {r["id"]: r["reason"] for r in csv.DictReader(f)}
    assert set(figs.claims) == checkable | set(unchecked)
    assert not checkable & set(unchecked), "a claim listed as unchecked is in a checkable relation"
    assert all(len(reason) > 20 for reason in unchecked.values())


def test_checks_name_real_claims_and_external_rows(figs):
    for c in checks.REGISTRY.values():
        for cid in c.claims:
            assert cid in figs.claims, (c.check_id, cid)
        for eid in c.external:
            assert eid in figs.external, (c.check_id, eid)
        assert c.formula and c.assumption and c.explanation and c.title


def test_every_inconsistent_verdict_says_what_would_reconcile_it(figs):
    for r in checks.run(figs):
        if r.verdict == "inconsistent":
            assert len(r.reconcile) > 40, r.check.check_id


def test_checks_table_follows_the_contract(figs):
    df = checks.results_frame(checks.run(figs))
    for col in ("check_id", "claims", "external", "verdict", "reported", "implied", "assumption",
                "explanation"):
        assert col in df.columns
    assert set(df["verdict"]) <= set(checks.VERDICTS)
    assert df["check_id"].is_unique


def test_committed_checks_csv_is_current(figs):
    path = data.ROOT / "data" / "processed" / "checks.csv"   # the committed copy
    if not path.exists():
        pytest.skip("data/processed/checks.csv not written yet: run make")
    import io
    buf = io.StringIO()
    checks.results_frame(checks.run(figs)).to_csv(buf, index=False, lineterminator="\n")
    assert path.read_text(encoding="utf-8") == buf.getvalue()
