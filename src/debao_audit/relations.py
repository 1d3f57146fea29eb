"""Every relation between the article's figures (and the external figures), registered as checks.

Each function below is one check: it reads figures through ``f.iv`` (intervals) and ``f.pt``
(as written), computes what they imply, and says which relation should hold.  The decorator
records the claims and external rows used, the formula, the assumption and what could explain a
disagreement.  ``reconcile`` functions compute what would have to be true for an inconsistent
set of figures to agree.
"""

from __future__ import annotations

from decimal import Decimal

from .checks import (HUNDRED, ONE, Figures, Interval, derived, eq, ge, le, pct, check, within, _n)

D = Decimal
FIVE = D(5)
WAN = D(10000)
YEAR_DAYS = D("365.25")


def _root(x: Decimal, n: Decimal) -> Decimal:
    return x ** (ONE.lo / n)  # type: ignore[operator]


# ============================================================================================
# Income
# ============================================================================================

def _annual_from_total(f: Figures) -> tuple[Interval, Decimal]:
    g = pct(f.iv("rural_income_growth_total"))
    iv = (g ** (D(1) / FIVE) - ONE) * HUNDRED
    pt = ((1 + f.pt("rural_income_growth_total") / HUNDRED) ** (D(1) / FIVE) - 1) * HUNDRED
    return iv, pt


def _w(f: Figures, key: str) -> str:
    """A claim as the article writes it (for explanations)."""
    return f.claims[key].written


def _reconcile_annual(f: Figures) -> str:
    total = 1 + f.pt("rural_income_growth_total") / HUNDRED
    annual = 1 + f.pt("rural_income_growth_annual") / HUNDRED
    years = total.ln() / annual.ln()
    total_at_annual = (annual ** 5 - 1) * HUNDRED
    base_at_annual = f.pt("rural_income_2020") / annual ** 5
    cpi = D(1)
    for y in range(2016, 2021):
        cpi *= 1 + f.pt(f"cn_cpi_{y}") / HUNDRED
    real_annual = ((total / cpi) ** (D(1) / 5) - 1) * HUNDRED
    g, t = _w(f, "rural_income_growth_annual"), _w(f, "rural_income_growth_total")
    return (f"{g} a year would need {_n(years)} years to compound to +{t} (not 5); over 5 years "
            f"it gives +{_n(total_at_annual)}% and a 2015 income of {_n(base_at_annual, 0)} yuan, "
            f"but the independent 2015 figure is {f.pt('db_rural_income_2015')} yuan, which matches "
            f"+{t}. Deflated by the national CPI (2016–2020 prices ×{_n(cpi, 4)}), +{t} is "
            f"{_n(real_annual)}% a year in real terms, so {g} is not the real rate either. Most "
            f"plausible: the {g} was computed on another base or period (or copied from a plan "
            f"target), while {t} and {_w(f, 'rural_income_2020')} agree with the independent 2015 "
            f"figure.")


@check("income_annual_vs_total_growth", kind="growth", theme="income",
       claims=("rural_income_growth_total", "rural_income_growth_annual"),
       external=("db_rural_income_2015", "cn_cpi_2016", "cn_cpi_2017", "cn_cpi_2018",
                 "cn_cpi_2019", "cn_cpi_2020"),
       formula="annual = (1 + total)^(1/5) − 1",
       assumption="both rates are nominal and cover the same five years, 2015→2020, compounded",
       explanation="Total growth over n years compounds: it is not n times the annual rate. A "
                   "disagreement can come from another horizon, another base year, a real "
                   "(price-adjusted) rate, or an arithmetic mean of yearly rates.",
       title="Average annual growth implied by +{rural_income_growth_total} over 2015–2020",
       reconcile=_reconcile_annual)
def _income_annual(f: Figures):
    iv, pt = _annual_from_total(f)
    return eq(iv, pt, f.iv("rural_income_growth_annual"), f.pt("rural_income_growth_annual"),
              unit="%", places=3)


@check("income_2015_implied_by_total_growth", kind="base_year", theme="income",
       claims=("rural_income_2020", "rural_income_growth_total"),
       external=("db_rural_income_2015",),
       formula="income_2015 = income_2020 / (1 + total growth)",
       assumption="the growth is 2015→2020 of the same income series the independent source reports",
       explanation="The implied 2015 income is held against Debao's 2015 figure as reported "
                   "independently (China Ethnic News); another series or definition would differ.",
       title="2015 income implied by {rural_income_2020} and +{rural_income_growth_total}")
def _income_2015_total(f: Figures):
    iv, pt = f.before_growth("rural_income_2020", "rural_income_growth_total")
    return eq(iv, pt, f.iv("db_rural_income_2015"), f.pt("db_rural_income_2015"), reported_label="independent", unit="yuan", places=1)


def _reconcile_2015_annual(f: Figures) -> str:
    needed = ((f.pt("rural_income_2020") / f.pt("db_rural_income_2015")) ** (D(1) / 5) - 1) * HUNDRED
    return (f"For the independent 2015 income of {f.pt('db_rural_income_2015')} yuan to grow to "
            f"{f.pt('rural_income_2020')} yuan in 5 years takes {_n(needed)}% a year, not "
            f"{_w(f, 'rural_income_growth_annual')}.")


@check("income_2015_implied_by_annual_growth", kind="base_year", theme="income",
       claims=("rural_income_2020", "rural_income_growth_annual"),
       external=("db_rural_income_2015",),
       formula="income_2015 = income_2020 / (1 + annual)^5",
       assumption="{rural_income_growth_annual} a year compounded over the five years 2015→2020",
       explanation="If the annual rate were right, the 2015 income would be this; the "
                   "independent 2015 figure tests it.",
       title="2015 income implied by {rural_income_2020} and {rural_income_growth_annual} a year",
       reconcile=_reconcile_2015_annual)
def _income_2015_annual(f: Figures):
    iv, pt = f.before_growth("rural_income_2020", "rural_income_growth_annual", years=5)
    return eq(iv, pt, f.iv("db_rural_income_2015"), f.pt("db_rural_income_2015"), reported_label="independent", unit="yuan", places=1)


@check("income_growth_2019_2020_implied", kind="growth", theme="income",
       claims=("rural_income_2020",), external=("db_rural_income_2019",),
       formula="growth_2020 = income_2020 / income_2019 − 1",
       assumption="the independent 2019 figure and the article's 2020 figure are the same series",
       explanation="A derived figure: the article gives no 2020 growth rate to hold it against.",
       title="2020 income growth implied by the independent 2019 figure")
def _income_2020_growth(f: Figures):
    iv = (f.iv("rural_income_2020") / f.iv("db_rural_income_2019") - ONE) * HUNDRED
    pt = (f.pt("rural_income_2020") / f.pt("db_rural_income_2019") - 1) * HUNDRED
    return derived(iv, pt, unit="%", places=2)


@check("income_trend_2015_2019_external", kind="external", theme="income",
       claims=(), external=("db_rural_income_2015", "db_rural_income_2019"),
       formula="annual_2015–2019 = (income_2019 / income_2015)^(1/4) − 1",
       assumption="the independent figures are the same series as the article's",
       explanation="A derived figure for context: the article gives no 2015–2019 rate, so it is "
                   "not held against the 2015–2020 average (growth need not be steady).",
       title="The independent 2015→2019 income trend")
def _income_trend(f: Figures):
    iv = ((f.iv("db_rural_income_2019") / f.iv("db_rural_income_2015")) ** (D(1) / 4) - ONE) * HUNDRED
    pt = ((f.pt("db_rural_income_2019") / f.pt("db_rural_income_2015")) ** (D(1) / 4) - 1) * HUNDRED
    return derived(iv, pt, unit="%", places=3)


# ============================================================================================
# Poverty and population
# ============================================================================================

def _reconcile_incidence(f: Figures) -> str:
    pop_needed = f.pt("poor_people_exited") / (f.pt("poverty_incidence_2015") / HUNDRED)
    poor_2015 = f.pt("population_total") * f.pt("poverty_incidence_2015") / HUNDRED
    people, inc = _w(f, "poor_people_exited"), _w(f, "poverty_incidence_2015")
    return (f"For {people} poor people to be {inc} of a population, it would have to be "
            f"{_n(pop_needed, 0)} people, more than the county's {f.pt('population_total')}. "
            f"Read the other way, {inc} of {f.pt('population_total')} is {_n(poor_2015, 0)} "
            f"people. Most plausible: {people} is a cumulative count of everyone registered and "
            f"lifted out since registration began in 2014 (including people added in later "
            f"reviews), not the 2015 stock; and the incidence is measured on the rural registered "
            f"population, which is smaller than the total, making the gap wider, not narrower.")


@check("poverty_count_vs_incidence_and_population", kind="population", theme="poverty",
       claims=("poor_people_exited", "population_total", "poverty_incidence_2015"),
       formula="incidence implied = poor people / total population",
       assumption="the {poor_people_exited} poor people lifted out are the 2015 stock of the poor, and the "
                  "incidence is measured on the total population",
       explanation="Counts and rates must fit the population they belong to. A count of "
                   "everyone lifted out over several years (a flow) is not the stock at the "
                   "start, and the official incidence uses the rural registered population.",
       title="Can {poor_people_exited} poor people be the 2015 stock at {poverty_incidence_2015} of a county of {population_total}?",
       reconcile=_reconcile_incidence)
def _incidence(f: Figures):
    iv, pt = f.ratio("poor_people_exited", "population_total", HUNDRED)
    return eq(iv, pt, f.iv("poverty_incidence_2015"), f.pt("poverty_incidence_2015"), unit="%", places=2)


@check("poverty_incidence_2015_external", kind="external", theme="poverty",
       claims=("poverty_incidence_2015",), external=("db_poverty_incidence_2015",),
       formula="article {poverty_incidence_2015} = independent figure for 2015",
       assumption="both are Debao's 2015 incidence, the independent one rounded to a whole percent",
       explanation="An independent report gives the same figure, rounded to a whole percent.",
       title="2015 incidence against an independent report")
def _incidence_ext(f: Figures):
    return eq(f.iv("poverty_incidence_2015"), f.pt("poverty_incidence_2015"),
              f.iv("db_poverty_incidence_2015"), f.pt("db_poverty_incidence_2015"), reported_label="independent", unit="%", places=2)


@check("poverty_incidence_fell_to_zero", kind="external", theme="poverty",
       claims=("poverty_incidence_2020",), external=("db_poverty_incidence_2019",),
       formula="incidence_2020 ≤ incidence_2019",
       assumption="the incidence kept falling after the end of 2019",
       explanation="An independent report puts the end-2019 incidence at 1.22%; the article's 0 "
                   "for 2020 must not exceed it.",
       title="Incidence {poverty_incidence_2020} in 2020 against the independent end-2019 figure")
def _incidence_zero(f: Figures):
    return le(f.iv("poverty_incidence_2020"), f.pt("poverty_incidence_2020"),
              f.iv("db_poverty_incidence_2019"), f.pt("db_poverty_incidence_2019"), reported_label="independent", unit="%", places=2)


@check("poor_household_size", kind="per_unit", theme="poverty",
       claims=("poor_people_exited", "poor_households_exited"),
       formula="persons per household = poor people / poor households",
       assumption="both counts cover the same households",
       explanation="A derived figure; no independent household size for Debao's poor is at hand.",
       title="Persons per poor household in the county")
def _hh_size(f: Figures):
    iv, pt = f.ratio("poor_people_exited", "poor_households_exited")
    return derived(iv, pt, unit="persons", places=3)


@check("industry_household_size", kind="per_unit", theme="poverty",
       claims=("industry_people_lifted", "industry_households_lifted"),
       formula="persons per household helped by the bases = people / households",
       assumption="both counts cover the same households",
       explanation="A derived figure. It is smaller than the county's poor households on "
                   "average, but nothing says the two groups should be alike (the last poor "
                   "households are often small, elderly ones), so it is not held against it.",
       title="Persons per household helped by the industrial bases")
def _hh_industry(f: Figures):
    iv, pt = f.ratio("industry_people_lifted", "industry_households_lifted")
    county = f.pt("poor_people_exited") / f.pt("poor_households_exited")
    return derived(iv, pt, unit="persons", places=3,
                   note=f"The county's poor households average {_n(county)} persons.")


@check("poor_villages_stated_twice", kind="same_quantity", theme="poverty",
       claims=("poor_villages_exited", "beneficiary_villages"),
       formula="{poor_villages_exited} poor villages (intro) = {beneficiary_villages} poor villages covered (产业合作)",
       assumption="'全县{beneficiary_villages}贫困村' is the same set as the {poor_villages_exited} villages lifted out",
       explanation="The same quantity stated in two places must agree.",
       title="The county's poor villages, stated twice")
def _villages_twice(f: Figures):
    return eq(f.iv("beneficiary_villages"), f.pt("beneficiary_villages"),
              f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), unit="villages", places=0)


@check("village_clinics_per_poor_village", kind="per_unit", theme="people",
       claims=("village_clinics", "poor_villages_exited"),
       formula="village clinics built = poor villages",
       assumption="one village clinic was built or equipped in each poor village (the national "
                  "exit standard requires a clinic in every poor village)",
       explanation="If clinics went to non-poor villages too, or some poor villages already had "
                   "one, the counts could differ.",
       title="One village clinic per poor village?")
def _clinics(f: Figures):
    return eq(f.iv("village_clinics"), f.pt("village_clinics"),
              f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), unit="", places=0)


@check("paired_villages_within_poor_villages", kind="part_whole", theme="people",
       claims=("paired_poor_villages", "poor_villages_exited"),
       formula="paired poor villages ≤ all poor villages",
       assumption="the {paired_poor_villages} paired villages are among the county's {poor_villages_exited} poor villages",
       explanation="A part cannot exceed its whole.",
       title="Paired villages are a part of the poor villages")
def _paired_villages(f: Figures):
    return le(f.iv("paired_poor_villages"), f.pt("paired_poor_villages"),
              f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), unit="villages", places=0)


@check("beneficiaries_within_poor_people", kind="part_whole", theme="poverty",
       claims=("beneficiaries_registered_poor", "poor_people_exited"),
       formula="registered poor benefiting ({beneficiaries_registered_poor}) ≤ registered poor lifted out ({poor_people_exited})",
       assumption="the beneficiaries are registered poor people of the county",
       explanation="A part cannot exceed its whole; the check is weak because 以上 has no upper bound.",
       title="Project beneficiaries are a part of the registered poor")
def _beneficiaries(f: Figures):
    return le(f.iv("beneficiaries_registered_poor"), f.pt("beneficiaries_registered_poor"),
              f.iv("poor_people_exited"), f.pt("poor_people_exited"), unit="persons", places=0)


@check("industry_lifted_within_county", kind="part_whole", theme="poverty",
       claims=("industry_households_lifted", "poor_households_exited"),
       formula="households lifted by the bases / all poor households lifted ≤ 100%",
       assumption="the households helped by the bases are among those the county lifted out",
       explanation="A part cannot exceed its whole; the share (5–6%) is small, so the check is weak.",
       title="Households lifted by the industrial bases are a part of all")
def _industry_within(f: Figures):
    iv, pt = f.ratio("industry_households_lifted", "poor_households_exited", HUNDRED)
    return le(iv, pt, Interval.point(HUNDRED), HUNDRED, unit="%", places=2,
              note=f"The bases' households are {_n(pt)}% of the county's.")


# ============================================================================================
# Funding
# ============================================================================================

@check("fiscal_aid_2019_implied", kind="base_year", theme="funding",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020"),
       formula="fiscal_2019 = fiscal_2020 / (1 + growth)",
       assumption="the growth rate is 2019→2020 of the same fiscal-assistance series",
       explanation="A derived figure: no 2019 fiscal-assistance figure is at hand to hold it against.",
       title="2019 fiscal assistance implied by {fiscal_aid_2020} and +{fiscal_aid_growth_2020}")
def _fiscal_2019(f: Figures):
    iv, pt = f.before_growth("fiscal_aid_2020", "fiscal_aid_growth_2020")
    return derived(iv, pt, unit="万元", scale=WAN, places=1)


@check("social_donations_2019_implied", kind="base_year", theme="funding",
       claims=("social_donations_2020", "social_donations_growth_2020"),
       formula="donations_2019 = donations_2020 / (1 + growth)",
       assumption="the growth rate is 2019→2020 of the same donations series",
       explanation="A derived figure; note how wide it is: 53% is rounded to a whole percent.",
       title="2019 donations implied by {social_donations_2020} and +{social_donations_growth_2020}")
def _donations_2019(f: Figures):
    iv, pt = f.before_growth("social_donations_2020", "social_donations_growth_2020")
    return derived(iv, pt, unit="万元", scale=WAN, places=1)


@check("aid_2020_within_cumulative_total", kind="part_whole", theme="funding",
       claims=("fiscal_aid_2020", "social_donations_2020", "aid_total_cumulative"),
       formula="fiscal_2020 + donations_2020 ≤ cumulative total",
       assumption="both 2020 flows are part of 'all kinds of assistance funds' Nanshan put in",
       explanation="A year's flows must fit in the cumulative total. The total is cut at November "
                   "2020 while the 2020 figures may be full-year, which could only make a "
                   "violation look worse than it is.",
       title="2020 funding as a share of the cumulative {aid_total_cumulative}")
def _aid_2020_share(f: Figures):
    iv, pt = f.total("fiscal_aid_2020", "social_donations_2020")
    share = pt / f.pt("aid_total_cumulative") * HUNDRED
    return le(iv, pt, f.iv("aid_total_cumulative"), f.pt("aid_total_cumulative"), unit="万元",
              scale=WAN, places=1, note=f"2020 alone is {_n(share, 1)}% of the cumulative total.")


def _years_2019_2020(f: Figures) -> tuple[Interval, Interval, Decimal, Decimal]:
    """Fiscal funds + donations: 2019 (implied by the growth rates) and 2020 (reported)."""
    y2020, p2020 = f.total("fiscal_aid_2020", "social_donations_2020")
    fiscal, p_fiscal = f.before_growth("fiscal_aid_2020", "fiscal_aid_growth_2020")
    donations, p_donations = f.before_growth("social_donations_2020", "social_donations_growth_2020")
    return fiscal + donations, y2020, p_fiscal + p_donations, p2020


@check("funding_never_decreased", kind="qualitative", theme="funding",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020", "social_donations_2020",
               "social_donations_growth_2020"),
       formula="fiscal_2019 + donations_2019 (implied by the growth rates) ≤ fiscal_2020 + donations_2020",
       assumption="'只增不减' (funding only ever increased) covers fiscal funds plus donations",
       explanation="'Only ever increased' needs positive growth into 2020; a decline in either "
                   "series large enough to outweigh the other would contradict it.",
       title="'Funding only ever increased': 2019 against 2020")
def _never_decreased(f: Figures):
    y2019, y2020, p2019, p2020 = _years_2019_2020(f)
    return le(y2019, p2019, y2020, p2020, unit="万元", scale=WAN, places=1)


@check("funding_total_fits_increasing_path", kind="qualitative", theme="funding",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020", "social_donations_2020",
               "social_donations_growth_2020", "aid_total_cumulative"),
       formula="2019 + 2020 ≤ cumulative total ≤ 4 × 2019 + 2020",
       assumption="funding never fell, so each of 2016 (from September), 2017 and 2018 was at most "
                  "the 2019 level; the total holds fiscal funds and donations",
       explanation="A non-decreasing path bounds the total from both sides: at least the last two "
                   "years, at most four years at the 2019 level plus 2020. The total is cut at "
                   "November 2020, which can only lower it.",
       title="Does the {aid_total_cumulative} total fit a path that only ever increased?")
def _fits_path(f: Figures):
    y2019, y2020, p2019, p2020 = _years_2019_2020(f)
    lower = y2019 + y2020
    upper = y2019 * 4 + y2020
    rng = Interval(lower.lo, upper.hi, lower.lo_open, upper.hi_open)
    rest = f.pt("aid_total_cumulative") - p2019 - p2020
    return within(rng, f.iv("aid_total_cumulative"), f.pt("aid_total_cumulative"), unit="万元",
                  scale=WAN, places=1,
                  note=f"2019 (implied) {_n(p2019 / WAN, 1)}万元 and 2020 {_n(p2020 / WAN, 1)}万元 "
                       f"leave {_n(rest / WAN, 1)}万元 for 2016–2018.")


@check("named_investments_within_total", kind="part_whole", theme="funding",
       claims=("industry_sericulture_citrus_investment", "industry_camellia_investment",
               "disability_base_investment", "school_investment", "medical_equipment_value",
               "aid_total_cumulative"),
       formula="silkworm/citrus + camellia + disability base + school + medical equipment ≤ total",
       assumption="the named investments were paid from the cumulative assistance funds "
                  "(medical equipment includes donated equipment, so this is generous)",
       explanation="Parts the article names must fit inside the total they belong to.",
       title="Named investments against the cumulative {aid_total_cumulative}")
def _named(f: Figures):
    parts = ("industry_sericulture_citrus_investment", "industry_camellia_investment",
             "disability_base_investment", "school_investment", "medical_equipment_value")
    iv, pt = f.total(*parts)
    share = pt / f.pt("aid_total_cumulative") * HUNDRED
    return le(iv, pt, f.iv("aid_total_cumulative"), f.pt("aid_total_cumulative"), unit="万元",
              scale=WAN, places=2, note=f"The named parts add up to {_n(share, 1)}% of the total.")


@check("consumption_2020_within_five_years", kind="share", theme="funding",
       claims=("consumption_aid_2020", "consumption_aid_cumulative"),
       formula="consumption_2020 ≤ five-year total; 2016–2019 = total − 2020",
       assumption="the five-year total includes 2020",
       explanation="A year cannot exceed the total that contains it. 2020 is nearly half of five "
                   "years, which fits the national push for consumption assistance in 2020.",
       title="Consumption assistance: 2020 against the five-year total")
def _consumption(f: Figures):
    share = f.pt("consumption_aid_2020") / f.pt("consumption_aid_cumulative") * HUNDRED
    rest = f.pt("consumption_aid_cumulative") - f.pt("consumption_aid_2020")
    return le(f.iv("consumption_aid_2020"), f.pt("consumption_aid_2020"),
              f.iv("consumption_aid_cumulative"), f.pt("consumption_aid_cumulative"), unit="万元",
              scale=WAN, places=0,
              note=f"2020 is {_n(share, 1)}% of the five-year total; 2016–2019 together "
                   f"{_n(rest / WAN, 0)}万元, {_n(rest / 4 / WAN, 0)}万元 a year on average.")


@check("consumption_2016_2019_implied", kind="share", theme="funding",
       claims=("consumption_aid_2020", "consumption_aid_cumulative"),
       formula="2016–2019 = five-year total − 2020",
       assumption="the five-year total covers 2016–2020",
       explanation="A derived figure; no yearly consumption-assistance series is at hand.",
       title="Consumption assistance before 2020, implied")
def _consumption_rest(f: Figures):
    iv = f.iv("consumption_aid_cumulative") - f.iv("consumption_aid_2020")
    pt = f.pt("consumption_aid_cumulative") - f.pt("consumption_aid_2020")
    return derived(iv, pt, unit="万元", scale=WAN, places=0)


@check("school_investment_external", kind="external", theme="funding",
       claims=("school_investment",), external=("db_nanshan_school_cost_2018",),
       formula="cumulative outlay by 2021 ≥ project investment reported in 2018",
       assumption="the article's cumulative outlay ('先后累计出资') includes the project investment "
                  "a 2018 report gave for the same school",
       explanation="A later cumulative outlay may exceed an earlier project figure (additions, "
                   "later phases), but should not fall short of it.",
       title="Nanshan Primary School: cumulative outlay vs a 2018 report")
def _school(f: Figures):
    diff = f.pt("school_investment") - f.pt("db_nanshan_school_cost_2018")
    return ge(f.iv("school_investment"), f.pt("school_investment"),
              f.iv("db_nanshan_school_cost_2018"), f.pt("db_nanshan_school_cost_2018"),
              unit="万元", scale=WAN, places=2, reported_label="independent",
              note=f"The article's figure is {_n(diff / WAN, 2)}万元 "
                   f"({_n(diff / f.pt('db_nanshan_school_cost_2018') * HUNDRED, 1)}%) higher.")


@check("dividends_per_household", kind="per_unit", theme="funding",
       claims=("industry_dividends_cumulative", "industry_households_lifted"),
       formula="dividend per household = {industry_dividends_cumulative} / {industry_households_lifted}",
       assumption="the dividends went to the households the bases helped",
       explanation="A derived figure: no benchmark for enclave-base dividends is at hand.",
       title="Dividends per household helped")
def _dividends(f: Figures):
    iv, pt = f.ratio("industry_dividends_cumulative", "industry_households_lifted")
    return derived(iv, pt, unit="yuan", places=0)


@check("mask_unit_price", kind="per_unit", theme="people",
       claims=("mask_purchase_cost", "masks_bought"),
       formula="price per mask = {mask_purchase_cost} / {masks_bought}",
       assumption="the {mask_purchase_cost} bought exactly the {masks_bought} masks",
       explanation="A derived figure; no mask-price series for early 2020 is at hand.",
       title="Price per medical mask")
def _masks(f: Figures):
    iv, pt = f.ratio("mask_purchase_cost", "masks_bought")
    return derived(iv, pt, unit="yuan", places=3)


@check("covid_value_per_batch", kind="per_unit", theme="people",
       claims=("covid_donation_value", "covid_donation_batches"),
       formula="value per batch = {covid_donation_value} / {covid_donation_batches}",
       assumption="the value covers the same batches",
       explanation="A derived figure; with two open-ended figures the band is very wide.",
       title="Value per batch of epidemic supplies")
def _per_batch(f: Figures):
    iv, pt = f.ratio("covid_donation_value", "covid_donation_batches")
    return derived(iv, pt, unit="万元", scale=WAN, places=2)


@check("workshop_investment_per_job", kind="per_unit", theme="people",
       claims=("workshop_investment", "workshop_jobs"),
       formula="investment per job = {workshop_investment} / {workshop_jobs}",
       assumption="the whole workshop investment is counted against the poor workers it employs",
       explanation="A derived figure; the workshop also employs people who are not registered poor.",
       title="Workshop investment per registered-poor job")
def _workshop(f: Figures):
    iv, pt = f.ratio("workshop_investment", "workshop_jobs")
    return derived(iv, pt, unit="万元", scale=WAN, places=2)


@check("disability_investment_per_job", kind="per_unit", theme="people",
       claims=("disability_base_investment", "disability_jobs"),
       formula="investment per job = {disability_base_investment} / {disability_jobs}",
       assumption="the base's investment is counted against the disabled people it employs",
       explanation="A derived figure with nothing to compare it with.",
       title="Disability employment base: investment per job")
def _disability(f: Figures):
    iv, pt = f.ratio("disability_base_investment", "disability_jobs")
    return derived(iv, pt, unit="yuan", places=0)


@check("beneficiaries_per_project", kind="per_unit", theme="poverty",
       claims=("beneficiaries_registered_poor", "projects_total"),
       formula="beneficiaries per project = {beneficiaries_registered_poor} / {projects_total}",
       assumption="beneficiaries are counted once per project",
       explanation="A derived lower bound; people benefiting from several projects are counted once.",
       title="Registered poor beneficiaries per project")
def _per_project(f: Figures):
    iv, pt = f.ratio("beneficiaries_registered_poor", "projects_total")
    return derived(iv, pt, unit="persons", places=0)


# ============================================================================================
# People: labour, talent, education, health, pairing
# ============================================================================================

@check("public_welfare_posts_filled", kind="part_whole", theme="people",
       claims=("public_welfare_employed", "public_welfare_posts"),
       formula="people employed in the posts ≤ posts created",
       assumption="one person per post",
       explanation="More people than posts would need job-sharing or turnover counted as people.",
       title="Public-welfare posts: people employed vs posts created")
def _posts(f: Figures):
    fill = f.pt("public_welfare_employed") / f.pt("public_welfare_posts") * HUNDRED
    return le(f.iv("public_welfare_employed"), f.pt("public_welfare_employed"),
              f.iv("public_welfare_posts"), f.pt("public_welfare_posts"), unit="", places=0,
              note=f"{_n(fill, 1)}% of the posts are filled.")


def _reconcile_experts(f: Figures) -> str:
    lo = f.iv("medical_experts").lo
    gap = lo - f.pt("professionals_sent")  # type: ignore[operator]
    experts, pros = _w(f, "medical_experts"), _w(f, "professionals_sent")
    return (f"Even the low end of {experts} ({_n(lo, 0)}) exceeds the {pros} professionals by "
            f"{_n(gap, 0)}. Most plausible: {pros} counts professionals seconded for a term (选派), "
            f"while {experts} counts every medical expert who came, including short visits for "
            f"free clinics and tours (派出 … 义诊、巡回医疗), possibly counting repeat visits.")


@check("medical_experts_within_professionals", kind="part_whole", theme="people",
       claims=("medical_experts", "professionals_sent"),
       formula="medical experts sent ≤ education, medical and other professionals sent",
       assumption="the medical experts are among the {professionals_sent} professional and technical staff "
                  "Nanshan sent in the five years",
       explanation="A part cannot exceed its whole; two different ways of counting people sent "
                   "(seconded staff vs. visiting experts, persons vs. visits) would explain it.",
       title="{medical_experts} medical experts, but {professionals_sent} professionals in all?",
       reconcile=_reconcile_experts)
def _experts(f: Figures):
    return le(f.iv("medical_experts"), f.pt("medical_experts"), f.iv("professionals_sent"),
              f.pt("professionals_sent"), unit="persons", places=0)


@check("teacher_activities_within_beneficiaries", kind="part_whole", theme="people",
       claims=("teacher_training_exchange", "teaching_support", "teachers_benefited"),
       formula="training & exchange + teaching support ≤ teachers directly benefiting",
       assumption="every person-time of training, exchange and teaching support reached a teacher "
                  "and is included in the 3182 person-times",
       explanation="Parts in person-times must fit in the total in person-times.",
       title="Teacher training and support within the teachers who benefited")
def _teachers(f: Figures):
    iv, pt = f.total("teacher_training_exchange", "teaching_support")
    return le(iv, pt, f.iv("teachers_benefited"), f.pt("teachers_benefited"), unit="person-times", places=0)


@check("trainees_per_session", kind="per_unit", theme="people",
       claims=("trainees_poor", "training_sessions"),
       formula="trainees per session = {trainees_poor} / {training_sessions}",
       assumption="the trainees were trained in those {training_sessions}",
       explanation="A derived figure; about 50 per class is plausible for skills training.",
       title="Poor trainees per training session")
def _per_session(f: Figures):
    iv, pt = f.ratio("trainees_poor", "training_sessions")
    return derived(iv, pt, unit="person-times", places=1)


@check("pairing_units_within_pairs", kind="part_whole", theme="people",
       claims=("nanshan_subdistricts", "nanshan_communities", "nanshan_enterprises", "pairs_total"),
       formula="sub-districts + communities + enterprises paired with villages ≤ all pairings",
       assumption="each Nanshan unit pairing with a poor village is one of the {pairs_total} pairings",
       explanation="The village pairings are one kind of the pairings the article totals "
                   "(schools, hospitals, villages, firms, towns).",
       title="Village pairings within all {pairs_total}")
def _pairs(f: Figures):
    parts = ("nanshan_subdistricts", "nanshan_communities", "nanshan_enterprises")
    iv, pt = f.total(*parts)
    return le(iv, pt, f.iv("pairs_total"), f.pt("pairs_total"), unit="pairs", places=0)


@check("pairing_units_match_villages", kind="same_quantity", theme="people",
       claims=("nanshan_communities", "nanshan_enterprises", "paired_poor_villages"),
       formula="communities + enterprises = paired poor villages",
       assumption="each of Nanshan's communities and enterprises paired with one poor village "
                  "(the sub-districts pair with towns, the '街镇' pairings)",
       explanation="A one-to-one pairing makes the counts equal; sub-districts pairing with "
                   "villages too, or a unit with two villages, would break it.",
       title="One Nanshan community or enterprise per paired village?")
def _partners(f: Figures):
    iv, pt = f.total("nanshan_communities", "nanshan_enterprises")
    return eq(iv, pt, f.iv("paired_poor_villages"), f.pt("paired_poor_villages"), unit="", places=0)


@check("pairing_levels_named", kind="qualitative", theme="people",
       claims=("pairing_levels",),
       formula="三级 = number of levels the sentence names (贫困县、贫困乡镇、贫困村)",
       assumption="the three levels are those listed before '结对帮扶的三级覆盖'",
       explanation="The count of levels must match the levels named.",
       title="Three levels of pairing, as named")
def _levels(f: Figures):
    text = f.text
    i = text.index("结对帮扶的三级覆盖")
    listed = text[text.rindex("实现", 0, i) + 2:i].split("、")
    n = D(len(listed))
    return eq(Interval.point(n), n, f.iv("pairing_levels"), f.pt("pairing_levels"), unit="", places=0,
              note=f"Named: {'、'.join(listed)}.")


@check("labour_employed_vs_public_posts", kind="part_whole", theme="people",
       claims=("public_welfare_employed", "workshop_jobs", "disability_jobs", "labour_coop_employed"),
       formula="local jobs ({public_welfare_employed} + {workshop_jobs} + {disability_jobs}) vs workers employed through cross-regional labour "
               "cooperation (7264)",
       assumption="none: the local jobs and the labour-cooperation count are different channels",
       explanation="A derived comparison of channels, shown in the people notebook; nothing says "
                   "how they should relate.",
       title="Employment channels compared")
def _channels(f: Figures):
    parts = ("public_welfare_employed", "workshop_jobs", "disability_jobs")
    iv, pt = f.total(*parts)
    return derived(iv, pt, unit="persons", places=0,
                   note=f"Local jobs: {_n(pt, 0)} persons; through labour cooperation: "
                        f"{_n(f.pt('labour_coop_employed'), 0)}.")


@check("covid_donations_within_2020_donations", kind="part_whole", theme="funding",
       claims=("covid_donation_value", "social_donations_2020"),
       formula="epidemic supplies donated ({covid_donation_value}) ≤ all donations in cash and kind in 2020",
       assumption="the epidemic supplies were donated in 2020 and are counted in the 2020 "
                  "donations (捐款捐物折款)",
       explanation="A part cannot exceed its whole.",
       title="Epidemic donations within 2020's donations")
def _covid_within(f: Figures):
    return le(f.iv("covid_donation_value"), f.pt("covid_donation_value"),
              f.iv("social_donations_2020"), f.pt("social_donations_2020"), unit="万元", scale=WAN,
              places=0)


@check("mask_purchase_within_covid_donations", kind="part_whole", theme="people",
       claims=("mask_purchase_cost", "covid_donation_value"),
       formula="one cadre's mask purchase ({mask_purchase_cost}) ≤ value of all epidemic supplies donated",
       assumption="the cadre's donated masks are among the epidemic supplies the article totals",
       explanation="A part cannot exceed its whole.",
       title="One cadre's masks within all epidemic donations")
def _mask_within(f: Figures):
    return le(f.iv("mask_purchase_cost"), f.pt("mask_purchase_cost"), f.iv("covid_donation_value"),
              f.pt("covid_donation_value"), unit="万元", scale=WAN, places=2)


@check("employed_within_registered_poor", kind="part_whole", theme="people",
       claims=("labour_coop_employed", "public_welfare_employed", "workshop_jobs", "disability_jobs",
               "poor_people_exited"),
       formula="people employed through the four channels ≤ registered poor people",
       assumption="each employed person is a registered poor person counted in one channel only",
       explanation="A part cannot exceed its whole. People counted in two channels make the sum "
                   "an overcount, so a pass is not weakened by them; a failure could be.",
       title="Employed poor people within all registered poor")
def _employed(f: Figures):
    parts = ("labour_coop_employed", "public_welfare_employed", "workshop_jobs", "disability_jobs")
    iv, pt = f.total(*parts)
    return le(iv, pt, f.iv("poor_people_exited"), f.pt("poor_people_exited"), unit="persons", places=0)


# ============================================================================================
# Timeline
# ============================================================================================

FIVE_YEAR_CLAIMS = ("years_projects", "years_consumption", "years_talent", "years_medical")


@check("five_years_as_calendar_years", kind="timeline", theme="timeline",
       claims=FIVE_YEAR_CLAIMS + ("pairing_start_date", "aid_total_cutoff_date"),
       formula="calendar years from the pairing start to the funding cut-off, counted inclusively "
               "(2016 … 2020) = 5年, in each of the four places it is said",
       assumption="'5年来 / 五年来' counts the calendar years 2016–2020 (the 13th Five-Year Plan)",
       explanation="Official writing counts plan years inclusively; all four statements must agree.",
       title="'In the five years', read as calendar years")
def _five_calendar(f: Figures):
    from .written import ordinal_to_date
    start = ordinal_to_date(f.iv("pairing_start_date").lo).year  # type: ignore[arg-type]
    end = ordinal_to_date(f.iv("aid_total_cutoff_date").hi).year  # type: ignore[arg-type]
    n = D(end - start + 1)
    stated = [f.iv(c) for c in FIVE_YEAR_CLAIMS]
    common = stated[0]
    for s in stated[1:]:
        common = common.intersection(s) or Interval.point(D(-1))  # disagreeing statements
    return eq(Interval.point(n), n, common, common.lo, unit="years", places=0,  # type: ignore[arg-type]
              note=f"{start}–{end} inclusive is {n} calendar years.")


@check("elapsed_time_since_pairing", kind="timeline", theme="timeline",
       claims=("pairing_start_date",),
       formula="years elapsed = (publication date − start of the pairing month) / 365.25",
       assumption="assistance began no earlier than Shenzhen's pairing with Baise (September "
                  "2016); Nanshan's own pairing with Debao was arranged after it ('经细化安排')",
       explanation="A derived figure: '5年来' counts the calendar years 2016–2020, not elapsed time, "
                   "so it is not held against this.",
       title="Time elapsed since the pairing began")
def _five_elapsed(f: Figures):
    pub = Interval.point(D(f.published.toordinal()))  # type: ignore[union-attr]
    iv = (pub - f.iv("pairing_start_date")) / YEAR_DAYS
    pt = (pub.lo - f.iv("pairing_start_date").lo) / YEAR_DAYS  # type: ignore[operator]
    return derived(iv, pt, unit="years", places=2)


def _reconcile_exit(f: Figures) -> str:
    from .written import ordinal_to_date
    ext = ordinal_to_date(f.iv("db_poverty_exit_approved").lo)  # type: ignore[arg-type]
    art = ordinal_to_date(f.iv("exit_approval_date").lo)  # type: ignore[arg-type]
    return (f"Xinhua reported that the autonomous region approved the exit of 21 counties on "
            f"{ext.isoformat()}; the article's {art.isoformat()} is {(art - ext).days} days later. Most plausible: the article dates the "
            "formal notice or its publication, not the approval; the two sources then describe "
            "the same decision.")


@check("exit_approval_date_external", kind="external", theme="timeline",
       claims=("exit_approval_date",), external=("db_poverty_exit_approved",),
       formula="article's approval date = date reported by Xinhua",
       assumption="both give the day the Guangxi government approved Debao's exit (the Xinhua "
                  "quote names 21 counties approved that day, not Debao itself)",
       explanation="A decision, its announcement and its publication can fall on different days.",
       title="Date Debao's exit from the poverty-county list was approved",
       reconcile=_reconcile_exit)
def _exit(f: Figures):
    return eq(f.iv("exit_approval_date"), f.pt("exit_approval_date"),
              f.iv("db_poverty_exit_approved"), f.pt("db_poverty_exit_approved"), unit="date",
              reported_label="independent")


@check("labour_count_starts_after_pairing", kind="timeline", theme="timeline",
       claims=("labour_coop_start", "pairing_start_date"),
       formula="start of the labour count ({labour_coop_start}) ≥ start of the pairing ({pairing_start_date})",
       assumption="the labour-cooperation count starts with or after the pairing",
       explanation="A count cannot start before the programme it counts.",
       title="The labour count starts after the pairing began")
def _labour_start(f: Figures):
    return ge(f.iv("labour_coop_start"), f.pt("labour_coop_start"), f.iv("pairing_start_date"),
              f.pt("pairing_start_date"), unit="date")


@check("cutoff_before_publication", kind="timeline", theme="timeline",
       claims=("aid_total_cutoff_date", "exit_approval_date"),
       formula="funding cut-off ({aid_total_cutoff_date}) and exit approval ({exit_approval_date}) ≤ publication date",
       assumption="the article reports only what had happened by its publication",
       explanation="A cut-off after the publication date would be impossible.",
       title="Cut-off dates precede publication")
def _cutoff(f: Figures):
    pub = Interval.point(D(f.published.toordinal()))  # type: ignore[union-attr]
    latest = f.iv("aid_total_cutoff_date").hull(f.iv("exit_approval_date"))
    return le(latest, latest.hi, pub, pub.lo, unit="date")  # type: ignore[arg-type]


@check("exit_after_pairing_start", kind="timeline", theme="timeline",
       claims=("exit_approval_date", "pairing_start_date"),
       formula="exit approval ≥ pairing start",
       assumption="the exit the article credits to the pairing came after it began",
       explanation="The credited outcome must follow the programme.",
       title="Exit approved after the pairing began")
def _exit_after(f: Figures):
    return ge(f.iv("exit_approval_date"), f.pt("exit_approval_date"), f.iv("pairing_start_date"),
              f.pt("pairing_start_date"), unit="date")
