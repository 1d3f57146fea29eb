"""This article's checks that need code: every relation between its figures (and the external
figures) that the shapes of ``data/relations.csv`` cannot declare, registered as checks.

Each function below is one check: it reads figures through ``f.iv`` (intervals) and ``f.pt``
(as written), computes what they imply, and says which relation should hold.  The decorator
records the claims and external rows used, the formula, the assumption and what could explain a
disagreement.  ``reconcile`` functions compute what would have to be true for an inconsistent
set of figures to agree.
"""

from __future__ import annotations

from decimal import Decimal

from debao_audit.checks import (HUNDRED, ONE, Figures, Interval, Reconciliation, Registry,
                                derived, eq, ge, le, pct, within, _n)
from debao_audit.written import read

#: This article's checks that need code (the case's module; ``data/case.json`` names it).
CHECKS = Registry()
#: Every check id in the order of this article's tables (``checks.csv``, the notebooks): the
#: code checks below as they are declared, and the rows of ``data/relations.csv`` that
#: :func:`rows` places among them.
ORDER: list[str] = []


def check(check_id: str, **kw):
    """Declare a code check (``Registry.check``), in its place in :data:`ORDER`."""
    ORDER.append(check_id)
    return CHECKS.check(check_id, **kw)


def rows(*check_ids: str) -> None:
    """Place checks declared as rows of ``data/relations.csv`` here in :data:`ORDER`."""
    ORDER.extend(check_ids)


def register(registry: Registry) -> None:
    """Add this article's code checks to a case registry that holds its rows, and put them all
    in :data:`ORDER`: the rows placed nowhere first (in the file's order), then the rest."""
    declared = dict(registry)
    missing = [k for k in ORDER if k not in CHECKS and k not in declared]
    if missing:
        raise ValueError(f"relations.csv has no row '{missing[0]}' (src/debao_case/checks.py "
                         "places it among the code checks)")
    registry.clear()
    for k, c in declared.items():
        if k not in ORDER:
            registry.add(c)
    for k in ORDER:
        registry.add(CHECKS[k] if k in CHECKS else declared[k])


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


CPI_YEARS = tuple(f"cn_cpi_{y}" for y in range(2016, 2021))


def _reconcile_annual(f: Figures) -> str:
    """What is ruled out (the offered readings are the Reconciliations below)."""
    total = 1 + f.pt("rural_income_growth_total") / HUNDRED
    annual = 1 + f.pt("rural_income_growth_annual") / HUNDRED
    years = total.ln() / annual.ln()
    cpi = D(1)
    for k in CPI_YEARS:
        cpi *= 1 + f.pt(k) / HUNDRED
    real_annual = ((total / cpi) ** (D(1) / 5) - 1) * HUNDRED
    g, t = _w(f, "rural_income_growth_annual"), _w(f, "rural_income_growth_total")
    return (f"Ruled out: a plain average of five yearly rates (rates that compound to +{t} "
            f"average at least {_n(_mean_bound(f), 3)}%, an arithmetic mean being never below "
            f"the geometric); "
            f"another whole number of years ({g} needs {_n(years)} years to compound "
            f"to +{t}); a real rate (deflated by the national CPI, 2016–2020 prices "
            f"×{_n(cpi, 4)}, +{t} is {_n(real_annual)}% a year, not {g}). {t} and "
            f"{_w(f, 'rural_income_2020')} agree with the independent 2015 figure, so the {g} "
            f"is the odd one out; it could be an average from another base year (2016, above) "
            f"or a plan target.")


def _mean_bound(f: Figures) -> Decimal:
    """The least plain (arithmetic) average of five yearly rates that compound to the total
    growth: their geometric mean, since an arithmetic mean is never below it (AM–GM)."""
    return _annual_from_total(f)[1]


def _mean_bound_note(f: Figures) -> tuple[str, str]:
    """What the finding adds: the plain-average reading is ruled out too."""
    g, t = _w(f, "rural_income_growth_annual"), _w(f, "rural_income_growth_total")
    b = _n(_mean_bound(f), 3)
    return (f"Nor can {g} be a plain average of five yearly rates: rates that compound to "
            f"+{t} average at least {b}% (an arithmetic mean is never below the geometric "
            f"mean), so that reading is ruled out too.",
            f"“{g}”也不可能是五个年度增长率的简单算术平均：五年累计增长{t}，各年增长率的算术平均"
            f"至少为{b}%（算术平均数不小于几何平均数），这种解释同样不成立。")


def _annual_with_total_rate(f: Figures):
    """Reading 1: the total is right and the annual rate is what it compounds to, written to
    two decimals."""
    _, pt = _annual_from_total(f)
    g = f.with_overrides({"rural_income_growth_annual": read(f"{_n(pt)}%", "percent")})
    return _income_annual(g)


def _annual_with_other_base(f: Figures):
    """Reading 2: the annual rate is right but was computed from another 2015 base: the base
    it implies, written to the yuan, in place of the total growth."""
    base = f.pt("rural_income_2020") / (1 + f.pt("rural_income_growth_annual") / HUNDRED) ** 5
    total = (f.pt("rural_income_2020") / base.quantize(D(1)) - 1) * HUNDRED
    g = f.with_overrides({"rural_income_growth_total": read(f"{_n(total)}%", "percent")})
    return _income_annual(g)


def _base_2016(f: Figures) -> Decimal:
    """The 2016 income that 9.2% a year over the four rises 2016→2020 needs."""
    return f.pt("rural_income_2020") / (1 + f.pt("rural_income_growth_annual") / HUNDRED) ** 4


def _annual_over_four_years(f: Figures):
    """Reading 3: the annual rate is an average over the four yearly rises from 2016, from
    the 2016 income it needs (no independent 2016 figure exists to hold it against)."""
    base = Interval.point(_base_2016(f))
    iv = ((f.iv("rural_income_2020") / base) ** (D(1) / 4) - ONE) * HUNDRED
    pt = ((f.pt("rural_income_2020") / base.lo) ** (D(1) / 4) - 1) * HUNDRED  # type: ignore[operator]
    return eq(iv, pt, f.iv("rural_income_growth_annual"), f.pt("rural_income_growth_annual"),
              unit="%", places=3)


def _four_years_text(f: Figures) -> str:
    base = _base_2016(f)
    rise = (base / f.pt("db_rural_income_2015") - 1) * HUNDRED
    baise = f.pt("bs_rural_income_growth_2016")
    y2019 = f.pt("rural_income_2020") / (1 + f.pt("rural_income_growth_annual") / HUNDRED)
    gap2019 = (y2019 / f.pt("db_rural_income_2019") - 1) * HUNDRED
    return (f"If {_w(f, 'rural_income_growth_annual')} is an average over the four rises "
            f"2016→2020, the 2016 income must have been {_n(base, 0)} yuan: a rise of "
            f"{_n(rise, 1)}% on the independent {f.pt('db_rural_income_2015')} yuan of 2015, "
            f"against {f.external['bs_rural_income_growth_2016'].reading.raw} "  # type: ignore[union-attr]
            f"for Baise's rural income that year; and 2019 would be {_n(y2019, 0)} yuan, "
            f"{_n(gap2019, 1)}% from the independent {f.pt('db_rural_income_2019')}. No Debao "
            f"2016 figure was found to settle it; the rise it needs is "
            + (f"{_n(rise - baise, 1)} points above Baise's, so the independent figures do "
               f"not rule this reading out." if abs(rise - baise) < 2 else
               f"{_n(abs(rise - baise), 1)} points {'above' if rise > baise else 'below'} "
               f"Baise's, which makes this reading unlikely."))


INCOME_RECONCILIATIONS = (
    Reconciliation(
        "annual rate mis-stated", _annual_with_total_rate,
        lambda f: (f"If {_w(f, 'rural_income_growth_total')} is right, the annual rate is "
                   f"{_n(_annual_from_total(f)[1])}% (this agrees, and the independent 2015 "
                   f"figure supports it).")),
    Reconciliation(
        "another base", _annual_with_other_base,
        lambda f: (f"If {_w(f, 'rural_income_growth_annual')} is right, it was computed from a "
                   f"2015 income of "
                   f"{_n(f.pt('rural_income_2020') / (1 + f.pt('rural_income_growth_annual') / HUNDRED) ** 5, 0)} "
                   f"yuan (+{_n(((1 + f.pt('rural_income_growth_annual') / HUNDRED) ** 5 - 1) * HUNDRED)}% "
                   f"in total), not the independent {f.pt('db_rural_income_2015')} yuan."),
        external=("db_rural_income_2015",)),
    Reconciliation(
        "a 2016 base", _annual_over_four_years, _four_years_text,
        external=("db_rural_income_2015", "db_rural_income_2019", "bs_rural_income_growth_2016")),
)


@check("income_annual_vs_total_growth", kind="growth", theme="income",
       claims=("rural_income_growth_total", "rural_income_growth_annual"),
       external=("db_rural_income_2015", "db_rural_income_2019", "bs_rural_income_growth_2016")
       + CPI_YEARS,  # read by the reconciliation texts
       formula="annual = (1 + total)^(1/5) − 1",
       assumption="both rates are nominal and cover the same five years, 2015→2020, compounded "
                  "(the article states both in one sentence: 同比2015年增长…,年均增长…)",
       explanation="Total growth over n years compounds: it is not n times the annual rate. One "
                   "of the two rates is mis-stated or computed on another base; a different "
                   "horizon or a real rate cannot close the gap (see the reconciliation).",
       title="Average annual growth implied by +{rural_income_growth_total} over 2015–2020",
       reconcile=_reconcile_annual, reconciliations=INCOME_RECONCILIATIONS,
       finding_note=lambda f: _mean_bound_note(f))
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


def _needed_annual(f: Figures) -> Decimal:
    return ((f.pt("rural_income_2020") / f.pt("db_rural_income_2015")) ** (D(1) / 5) - 1) * HUNDRED


def _reconcile_2015_annual(f: Figures) -> str:
    return (f"For the independent 2015 income of {f.pt('db_rural_income_2015')} yuan to grow to "
            f"{f.pt('rural_income_2020')} yuan in 5 years takes {_n(_needed_annual(f))}% a year, "
            f"not {_w(f, 'rural_income_growth_annual')}.")


def _base_with_needed_rate(f: Figures):
    g = f.with_overrides({"rural_income_growth_annual": read(f"{_n(_needed_annual(f))}%", "percent")})
    return _income_2015_annual(g)


@check("income_2015_implied_by_annual_growth", kind="base_year", theme="income",
       claims=("rural_income_2020", "rural_income_growth_annual"),
       external=("db_rural_income_2015",),
       formula="income_2015 = income_2020 / (1 + annual)^5",
       assumption="{rural_income_growth_annual} a year compounded over the five years 2015→2020",
       explanation="If the annual rate were right, the 2015 income would be this; the "
                   "independent 2015 figure tests it.",
       title="2015 income implied by {rural_income_2020} and {rural_income_growth_annual} a year",
       reconciliations=(Reconciliation("annual rate mis-stated", _base_with_needed_rate,
                                       _reconcile_2015_annual),))
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
    people = _w(f, "poor_people_exited")
    return (f"For {people} poor people to be the 2015 stock at {_w(f, 'poverty_incidence_2015')}, "
            f"the population would have to be {_n(pop_needed, 0)}, more than the county's "
            f"{f.pt('population_total')}; measuring the incidence on the (smaller) rural "
            f"registered population only widens the gap, so it is ruled out as an explanation.")


def _stock_2015(f: Figures) -> tuple[Interval, Decimal]:
    """An upper bound on the 2015 stock of poor people: the incidence times the total
    population (the official incidence uses the smaller rural registered population)."""
    return (f.iv("population_total") * f.iv("poverty_incidence_2015") / HUNDRED,
            f.pt("population_total") * f.pt("poverty_incidence_2015") / HUNDRED)


def _cumulative_covers_stock(f: Figures):
    iv, pt = _stock_2015(f)
    return ge(f.iv("poor_people_exited"), f.pt("poor_people_exited"), iv, pt, unit="persons", places=0,
              note=f"{_w(f, 'poverty_incidence_2015')} of {f.pt('population_total')} is at most "
                   f"{_n(pt, 0)} poor people in 2015.")


CUMULATIVE_READING = Reconciliation(
    "a cumulative count", _cumulative_covers_stock,
    lambda f: (f"Read as the article words it (完成…减贫目标 over the 十三五, a cumulative count of "
               f"everyone lifted out, including people added in later reviews), "
               f"{_w(f, 'poor_people_exited')} must be at least the 2015 stock, at most "
               f"{_n(_stock_2015(f)[1], 0)}: it is "
               f"({_n(f.pt('poor_people_exited') - _stock_2015(f)[1], 0)} more)."))


@check("poverty_count_vs_incidence_and_population", kind="population", theme="poverty",
       claims=("poor_people_exited", "population_total", "poverty_incidence_2015"),
       formula="incidence implied = poor people / total population",
       assumption="the {poor_people_exited} poor people lifted out are the 2015 stock of the poor, and the "
                  "incidence is measured on the total population",
       explanation="Counts and rates must fit the population they belong to. A count of "
                   "everyone lifted out over several years (a flow) is not the stock at the start.",
       title="Can {poor_people_exited} poor people be the 2015 stock at {poverty_incidence_2015} of a county of {population_total}?",
       not_same="the article gives {poor_people_exited} as the poverty-reduction target met over the "
                "十三五 (完成…减贫目标), a cumulative count, never as the 2015 stock; the check "
                "holds it to a reading the article does not make.",
       reason_zh="文章说{poor_people_exited}人是“十三五”期间完成的减贫目标，是历年累计的脱贫"
                 "人数（累计流量），从未说它是2015年底的贫困人口存量；此项核验是按文章并未采用的"
                 "解读来检验这个数字",
       reconcile=_reconcile_incidence, reconciliations=(CUMULATIVE_READING,))
def _incidence(f: Figures):
    iv, pt = f.ratio("poor_people_exited", "population_total", HUNDRED)
    return eq(iv, pt, f.iv("poverty_incidence_2015"), f.pt("poverty_incidence_2015"), unit="%", places=2)


rows("poor_household_size")


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


rows("village_clinics_per_poor_village")


@check("industry_lifted_within_county", kind="part_whole", theme="poverty",
       inclusion="stated", inclusion_reason="{poor_households_exited} are the whole county's (全县) poor households lifted out",
       claims=("industry_households_lifted", "poor_households_exited"),
       formula="households lifted by the bases / all poor households lifted ≤ 100%",
       assumption="the households helped by the bases are among those the county lifted out",
       explanation="A part cannot exceed its whole; the share is small, so the check is weak.",
       title="Households lifted by the industrial bases are a part of all")
def _industry_within(f: Figures):
    iv, pt = f.ratio("industry_households_lifted", "poor_households_exited", HUNDRED)
    centre = f.centred().ratio("industry_households_lifted", "poor_households_exited", HUNDRED)[1]
    return le(iv, pt, Interval.point(HUNDRED), HUNDRED, unit="%", places=2,
              note=f"The bases' households are about {_n(centre)}% of the county's (range "
                   f"{iv.format(2)}%).")


# ============================================================================================
# Funding
# ============================================================================================

rows("fiscal_aid_2019_implied", "social_donations_2019_implied")


@check("aid_2020_within_cumulative_total", kind="part_whole", theme="funding",
       inclusion="stated", inclusion_reason="'各类帮扶资金' (all kinds of assistance funds) covers the fiscal funds and the donations the paragraph lists",
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


@check("funding_never_decreased", kind="qualitative", theme="funding",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020"),
       formula="fiscal_2019 (implied by the growth rate) ≤ fiscal_2020",
       assumption="'只增不减' is said of Nanshan's funds, of which (其中) the fiscal funds are "
                  "given; social donations are brought in separately (同时积极引导社会帮扶资金)",
       explanation="'Only ever increased' needs growth into 2020 to be positive.",
       title="'Funding only ever increased': 2019 against 2020",)
def _never_decreased(f: Figures):
    y2019, p2019 = f.before_growth("fiscal_aid_2020", "fiscal_aid_growth_2020")
    return le(y2019, p2019, f.iv("fiscal_aid_2020"), f.pt("fiscal_aid_2020"), unit="万元",
              scale=WAN, places=1)


@check("funding_total_fits_increasing_path", kind="qualitative", theme="funding",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020", "aid_total_cumulative"),
       formula="fiscal 2019 + 2020 ≤ cumulative total ≤ 4 × fiscal 2019 + fiscal 2020",
       assumption="Nanshan's fiscal funds never fell (只增不减), so each of 2016 (from September), "
                  "2017 and 2018 was at most the 2019 level",
       explanation="A non-decreasing path bounds the fiscal part of the total from both sides: at "
                   "least the last two years, at most four years at the 2019 level plus 2020. The "
                   "total is cut at November 2020, which can only lower it.",
       not_same="'各类帮扶资金' (all kinds of funds) includes donations and other funds that no "
                "只增不减 bounds, while the path is fiscal funds only, so a total above it would "
                "not contradict the article; and the lower end takes zero fiscal funds in "
                "2016–2018 and all of 2020 inside a total cut at November 2020, so a total below "
                "it would not either. Not a fair test either way: context, not evidence.",
       title="Does the {aid_total_cumulative} total fit a fiscal path that only ever increased?")
def _fits_path(f: Figures):
    y2019, p2019 = f.before_growth("fiscal_aid_2020", "fiscal_aid_growth_2020")
    y2020, p2020 = f.iv("fiscal_aid_2020"), f.pt("fiscal_aid_2020")
    lower = y2019 + y2020
    upper = y2019 * 4 + y2020
    rng = Interval(lower.lo, upper.hi, lower.lo_open, upper.hi_open)
    rest = f.pt("aid_total_cumulative") - p2019 - p2020
    return within(rng, f.iv("aid_total_cumulative"), f.pt("aid_total_cumulative"), unit="万元",
                  scale=WAN, places=1,
                  note=f"Fiscal 2019 (implied) {_n(p2019 / WAN, 1)}万元 and 2020 "
                       f"{_n(p2020 / WAN, 1)}万元 leave {_n(rest / WAN, 1)}万元 for 2016–2018 "
                       f"and any other funds.")


@check("named_investments_within_total", kind="part_whole", theme="funding",
       inclusion="stated", inclusion_reason="the {aid_total_cumulative} is said to have funded education, health and industry projects (重点实施了教育、医疗卫生、产业…等扶贫项目), and the equipment was bought with fiscal and social assistance funds (通过财政帮扶资金、社会帮扶资金)",
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
       inclusion="stated", inclusion_reason="5年来累计 (cumulative over the five years) includes 2020",
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


rows("dividends_per_household",
     "mask_unit_price",
     "covid_value_per_batch",
     "workshop_investment_per_job",
     "disability_investment_per_job",
     "beneficiaries_per_project")


# ============================================================================================
# People: labour, talent, education, health, pairing
# ============================================================================================

@check("public_welfare_posts_filled", kind="part_whole", theme="people",
       inclusion="stated", inclusion_reason="the {public_welfare_employed} are employed in the posts just named (开发1000个临时公益性岗位，帮助…974人…就业)",
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


def _visits_needed(f: Figures) -> Decimal:
    """The fewest experts who must have come on short visits (outside the seconded
    professionals) for the rest to fit: the top of the experts' range minus the professionals."""
    hi = f.iv("medical_experts").hi
    return max(D(0), hi - f.pt("professionals_sent"))  # type: ignore[operator]


def _experts_with_visits(f: Figures):
    v = _visits_needed(f)
    return le(f.iv("medical_experts") - Interval.point(v), f.pt("medical_experts") - v,
              f.iv("professionals_sent"), f.pt("professionals_sent"), unit="persons", places=0)


VISITS_READING = Reconciliation(
    "short visits counted apart", _experts_with_visits,
    lambda f: (f"Even the low end of {_w(f, 'medical_experts')} ({_n(f.iv('medical_experts').lo, 0)}) "  # type: ignore[arg-type]
               f"exceeds the {_w(f, 'professionals_sent')} professionals. It could be that some "
               f"experts came on short visits for free clinics and tours (派出…义诊、巡回医疗) "
               f"rather than as seconded staff (选派): at least "
               f"{_n(f.iv('medical_experts').lo - f.pt('professionals_sent'), 0)} of them "  # type: ignore[operator]
               f"(if there were {_n(f.iv('medical_experts').lo, 0)}), fewer than "  # type: ignore[arg-type]
               f"{_n(_visits_needed(f), 0)} for any count under "
               f"{_n(f.iv('medical_experts').hi, 0)}, and the rest would fit within the "  # type: ignore[arg-type]
               f"{_w(f, 'professionals_sent')}."))


@check("medical_experts_within_professionals", kind="part_whole", theme="people",
       claims=("medical_experts", "professionals_sent"),
       formula="medical experts sent ≤ education, medical and other professionals sent",
       assumption="the medical experts are among the {professionals_sent} professional and technical staff "
                  "Nanshan sent in the five years",
       explanation="A part cannot exceed its whole, if it is a part.",
       title="{medical_experts} medical experts, but {professionals_sent} professionals in all?",
       inclusion="not_stated", inclusion_reason="the article never says the experts are among the professionals: 选派…专业技术人员 "
                "are staff selected and seconded, while 派出医疗卫生专家…开展义诊、坐诊、巡回医疗 "
                "are experts sent for clinics and tours, which may be short visits counted apart.",
       reason_zh="文章从未说这些专家包含在专业技术人员之中：“选派…专业技术人员”指选派到德保工作"
                 "的人员，而“派出医疗卫生专家…开展义诊、坐诊、巡回医疗”指赴德保义诊、坐诊、巡诊的"
                 "专家，可能属于短期派出、另行统计",
       reconciliations=(VISITS_READING,))
def _experts(f: Figures):
    return le(f.iv("medical_experts"), f.pt("medical_experts"), f.iv("professionals_sent"),
              f.pt("professionals_sent"), unit="persons", places=0)


rows("teachers_reached_per_teacher_sent",
     "trainees_per_session",
     "pairing_units_within_pairs",
     "pairing_units_match_villages")


@check("pairing_levels_named", kind="qualitative", theme="people",
       restates="三级 and the three levels it counts (贫困县、贫困乡镇、贫困村) are in one sentence",
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
       inclusion="not_stated", inclusion_reason="different channels",
       claims=("public_welfare_employed", "workshop_jobs", "disability_jobs", "labour_coop_employed"),
       formula="local jobs ({public_welfare_employed} + {workshop_jobs} + {disability_jobs}) vs workers employed through cross-regional labour "
               "cooperation (7264)",
       assumption="none: the local jobs and the labour-cooperation count are different channels "
                  "(and the {disability_jobs} disabled workers are not said to be registered poor)",
       explanation="A derived comparison of channels, shown in the people notebook; nothing says "
                   "how they should relate, so they are not added to a total of poor people.",
       title="Employment channels compared")
def _channels(f: Figures):
    parts = ("public_welfare_employed", "workshop_jobs", "disability_jobs")
    iv, pt = f.total(*parts)
    return derived(iv, pt, unit="persons", places=0,
                   note=f"Local jobs: {_n(pt, 0)} persons; through labour cooperation: "
                        f"{_n(f.pt('labour_coop_employed'), 0)}.")


rows("covid_donations_within_2020_donations",
     "mask_purchase_within_covid_donations",
     "employed_within_registered_poor")


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
       assumes=("elapsed_time_since_pairing",),
       title="'In the five years', read as calendar years")
def _five_calendar(f: Figures):
    from debao_audit.written import ordinal_to_date
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


def _exit_reply_after_meeting(f: Figures):
    return ge(f.iv("exit_approval_date"), f.pt("exit_approval_date"),
              f.iv("db_poverty_exit_meeting"), f.pt("db_poverty_exit_meeting"), unit="date",
              reported_label="independent")


def _exit_gap_days(f: Figures) -> int:
    from debao_audit.written import ordinal_to_date
    ext = ordinal_to_date(f.iv("db_poverty_exit_meeting").lo)  # type: ignore[arg-type]
    art = ordinal_to_date(f.iv("exit_approval_date").lo)  # type: ignore[arg-type]
    return (art - ext).days


TWO_ACTS = Reconciliation(
    "two acts", _exit_reply_after_meeting,
    lambda f: (f"China Ethnic News dates the executive meeting's approval (常务会议批准) "
               f"{_exit_gap_days(f)} days before the article's formal written reply (正式批复, "
               f"{_w(f, 'exit_approval_date')}); Xinhua's report of the same day lists 德保县 among "
               f"21 counties. A written reply issued after the meeting that decided it agrees with "
               f"both."),
    external=("db_poverty_exit_meeting",))


@check("exit_approval_date_external", kind="external", theme="timeline",
       claims=("exit_approval_date",), external=("db_poverty_exit_meeting", "db_poverty_exit_approved"),
       formula="article's date of the formal reply = date of the approval reported independently",
       assumption="the article's 正式批复 (formal written reply) and the executive meeting's approval "
                  "(China Ethnic News: 自治区政府常务会议批准; Xinhua lists 德保县 among the 21 "
                  "counties approved that day) are the same act",
       explanation="A decision, its written reply and its publication can fall on different days.",
       not_same="the article dates the formal written reply (正式批复); the independent reports "
                "date the executive meeting's approval (常务会议批准). Two acts can carry two dates.",
       reason_zh="文章记的是自治区人民政府正式批复的日期，独立报道记的是自治区政府常务会议批准的"
                 "日期；先开会批准、后下发批复，两件事可以各有各的日期",
       title="Date Debao's exit from the poverty-county list was approved",
       reconciliations=(TWO_ACTS,))
def _exit(f: Figures):
    return eq(f.iv("exit_approval_date"), f.pt("exit_approval_date"),
              f.iv("db_poverty_exit_meeting"), f.pt("db_poverty_exit_meeting"), unit="date",
              reported_label="independent")


rows("exit_reply_after_meeting")


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


# ============================================================================================
# Relations found reading the article paragraph by paragraph (a close reading, paragraph by paragraph)
# ============================================================================================

@check("poor_villages_within_admin_villages", kind="part_whole", theme="poverty",
       inclusion="definition", inclusion_reason="a poor village is an administrative village",
       claims=("poor_villages_exited",), external=("db_admin_villages",),
       formula="poor villages ({poor_villages_exited}) ≤ administrative villages and communities in Debao",
       assumption="the poor villages are among the county's administrative villages",
       explanation="A part cannot exceed its whole.",
       title="{poor_villages_exited} poor villages among Debao's administrative villages")
def _poor_in_admin(f: Figures):
    iv, pt = f.ratio("poor_villages_exited", "db_admin_villages", HUNDRED)
    return le(f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), f.iv("db_admin_villages"),
              f.pt("db_admin_villages"), unit="villages", places=0, reported_label="independent",
              note=f"Poor villages are {_n(pt, 1)}% of the county's villages and communities.")


rows("village_clinics_within_admin_villages")


@check("villages_exited_by_2019_within_all", kind="part_whole", theme="poverty",
       inclusion="definition", inclusion_reason="villages that exited by the end of 2019 are among those that exited over the 十三五",
       claims=("poor_villages_exited",), external=("db_poor_villages_exited_2019",),
       formula="poor villages exited by the end of 2019 ≤ poor villages exited over the 十三五 ({poor_villages_exited})",
       assumption="the end-2019 count (China Ethnic News) is part of the 十三五 total",
       explanation="A count by the end of 2019 cannot exceed the count by the end of 2020.",
       not_same="截至2019年底…贫困村退出64个 may count from the first exits before the 十三五 (the "
                "same sentence's 近10万人口脱贫 may count from registration in 2014), the "
                "article's figure over the 十三五; a larger end-2019 count would not prove either "
                "wrong.",
       title="Villages exited by the end of 2019 within the {poor_villages_exited}")
def _villages_2019(f: Figures):
    rest = f.pt("poor_villages_exited") - f.pt("db_poor_villages_exited_2019")
    return le(f.iv("db_poor_villages_exited_2019"), f.pt("db_poor_villages_exited_2019"),
              f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), unit="villages", places=0,
              note=f"That leaves {_n(rest, 0)} villages to exit in 2020.")


rows("people_lifted_by_2019_within_all")


def _remaining_2019(f: Figures) -> tuple[Interval, Decimal]:
    """Poor people left at the end of 2019: the 十三五 count minus those lifted by then."""
    return (f.iv("poor_people_exited") - f.iv("db_people_lifted_2019"),
            f.pt("poor_people_exited") - f.pt("db_people_lifted_2019"))


@check("remaining_poor_end_2019_vs_incidence", kind="population", theme="poverty",
       claims=("poor_people_exited", "population_total"),
       external=("db_people_lifted_2019", "db_poverty_incidence_2019"),
       formula="{poor_people_exited} − people lifted out by the end of 2019 (independent) ≤ end-2019 incidence (independent) × {population_total}",
       assumption="the people still poor at the end of 2019 are those the 十三五 count lifts out "
                  "in 2020; the 1.22% incidence is measured on the rural registered population, "
                  "at most the total population",
       explanation="What is left after the end-2019 count must fit the end-2019 incidence; the "
                   "article's incidence of 0 in 2020 then means they were all lifted in 2020.",
       not_same="the end-2019 count may start earlier than the 十三五 count, and people were "
                "added and removed in reviews, so the difference need not be the end-2019 stock.",
       title="The poor left at the end of 2019 against the end-2019 incidence")
def _remaining(f: Figures):
    iv, pt = _remaining_2019(f)
    stock = f.iv("population_total") * f.iv("db_poverty_incidence_2019") / HUNDRED
    stock_pt = f.pt("population_total") * f.pt("db_poverty_incidence_2019") / HUNDRED
    centre = _remaining_2019(f.centred())[1]
    # the end-2019 count that would make the remainder equal the incidence bound
    needed = f.pt("poor_people_exited") - stock.hi  # type: ignore[operator]
    return le(iv, pt, stock, stock_pt, unit="persons", places=0,
              note=f"The remainder is {iv.format(0)} persons (centre {_n(centre, 0)}); "
                   f"{f.external['db_poverty_incidence_2019'].reading.raw} of the total population "  # type: ignore[union-attr]
                   f"is at most {_n(stock.hi, 0)}, so the two agree only if the end-2019 count "  # type: ignore[arg-type]
                   f"({f.external['db_people_lifted_2019'].reading.raw}) was at least "  # type: ignore[union-attr]
                   f"{_n(needed, 0)}.")


@check("covid_donations_vs_donations_rise", kind="share", theme="funding",
       claims=("covid_donation_value", "social_donations_2020", "social_donations_growth_2020"),
       formula="epidemic donations ({covid_donation_value}) / rise in donations 2019→2020 ({social_donations_2020} − {social_donations_2020} / (1 + {social_donations_growth_2020}))",
       assumption="the epidemic donations are counted in the 2020 donations; nothing says the "
                  "other donations stayed level, so the share is a comparison, not a test",
       explanation="A derived figure: how much of the 2019→2020 rise in donations the epidemic "
                   "supplies could account for.",
       title="Epidemic donations against the rise in donations")
def _covid_rise(f: Figures):
    before, p_before = f.before_growth("social_donations_2020", "social_donations_growth_2020")
    rise = f.iv("social_donations_2020") - before
    p_rise = f.pt("social_donations_2020") - p_before
    iv = f.iv("covid_donation_value") / rise * HUNDRED
    pt = f.pt("covid_donation_value") / p_rise * HUNDRED
    return derived(iv, pt, unit="%", places=1,
                   note=f"The rise is about {_n(p_rise / WAN, 0)}万元 (range {rise.format(0, WAN)}万元); "
                        f"the epidemic donations are {_w(f, 'covid_donation_value')}.")


@check("trainees_persons_or_person_times", kind="qualitative", theme="people",
       claims=("trainees_poor",),
       formula="培训贫困人口数 (a number of persons) … 人次 (person-times)",
       assumption="none: the phrase names a count of persons (人口数) and writes it in person-times (人次)",
       explanation="Not checkable: read as persons, the figure could be compared with counts of "
                   "poor people; read as person-times, one person trained twice counts twice. The "
                   "article does not say which, so the figure is compared with nothing.",
       title="{trainees_poor}: persons or person-times?")
def _mixed_units(f: Figures):
    quote = f.claims["trainees_poor"].quote
    mixed = "人口数" in quote and "人次" in quote
    return derived(f.iv("trainees_poor"), f.pt("trainees_poor"), unit="", places=0,
                   note=("The quote names persons (人口数) and counts person-times (人次)."
                         if mixed else "The quote uses one unit."))


@check("consumption_aid_outside_funding_total", kind="part_whole", theme="funding",
       inclusion="not_stated", inclusion_reason="consumption assistance is purchases, not assistance funds",
       claims=("consumption_aid_cumulative", "industry_sericulture_citrus_investment",
               "industry_camellia_investment", "disability_base_investment", "school_investment",
               "aid_total_cumulative"),
       formula="consumption assistance ({consumption_aid_cumulative}) + Nanshan's named investments vs the funding total ({aid_total_cumulative})",
       assumption="none: consumption assistance counts purchases of Debao produce (以买代帮), not "
                  "funds Nanshan put in",
       explanation="A channel that must not be added: were consumption assistance part of the "
                   "funding total, it and the investments the article names would exceed it, so "
                   "the two totals are separate channels.",
       title="Consumption assistance is not part of the {aid_total_cumulative}")
def _consumption_outside(f: Figures):
    iv, pt = f.total("consumption_aid_cumulative", "industry_sericulture_citrus_investment",
                     "industry_camellia_investment", "disability_base_investment",
                     "school_investment")
    excess = pt - f.pt("aid_total_cumulative")
    return derived(iv, pt, unit="万元", scale=WAN, places=2,
                   note=f"Together {_n(pt / WAN, 2)}万元, {_n(excess / WAN, 2)}万元 more than the "
                        f"total.")


rows("people_sent_within_exchange_person_times")


@check("poor_people_cover_2015_stock", kind="population", theme="poverty",
       claims=("poor_people_exited", "population_total", "poverty_incidence_2015"),
       formula="poor people lifted out over the 十三五 ({poor_people_exited}) ≥ 2015 stock ≤ {poverty_incidence_2015} × {population_total}",
       assumption="the incidence fell to 0, so everyone poor in 2015 was lifted out by 2020; the "
                  "2015 stock is at most the incidence times the total population",
       explanation="A cumulative count of people lifted out must cover the stock it started from.",
       not_same="only an upper bound on the 2015 stock is known (the incidence is measured on the "
                "smaller rural registered population), so a shortfall would not be proven.",
       title="{poor_people_exited} lifted out covers the 2015 stock")
def _covers_stock(f: Figures):
    return _cumulative_covers_stock(f)


@check("fiscal_aid_2017_within_2019", kind="qualitative", theme="funding",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020"),
       external=("sz_fiscal_per_poor_county_2017",),
       formula="Shenzhen's 2017 funds per poor county ≤ fiscal funds in 2019 (implied by {fiscal_aid_2020} and +{fiscal_aid_growth_2020})",
       assumption="the 1000万元 a year Shenzhen allocated to each Baise poor county in 2016 and "
                  "2017 are Debao's fiscal assistance those years, and 只增不减 holds from them",
       explanation="'Only ever increased' from 2017 to 2019: the later level must not be lower.",
       not_same="the 1000万元 are Shenzhen municipal funds; the article's fiscal funds are "
                "Nanshan's, and it never says the city's allocation is counted in them.",
       title="'Only ever increased': Shenzhen's 2017 allocation against the 2019 fiscal funds")
def _from_2017(f: Figures):
    y2019, p2019 = f.before_growth("fiscal_aid_2020", "fiscal_aid_growth_2020")
    return le(f.iv("sz_fiscal_per_poor_county_2017"), f.pt("sz_fiscal_per_poor_county_2017"),
              y2019, p2019, unit="万元", scale=WAN, places=1)


@check("fiscal_path_with_shenzhen_2016_2017", kind="part_whole", theme="funding",
       inclusion="not_stated", inclusion_reason="the 1000万元 are Shenzhen municipal funds",
       claims=("fiscal_aid_2020", "fiscal_aid_growth_2020", "aid_total_cumulative"),
       external=("sz_fiscal_per_poor_county_2016", "sz_fiscal_per_poor_county_2017"),
       formula="2016 + 2017 (independent) + 2018 (≥ 2017) + 2019 (implied) + 2020 fiscal funds ≤ {aid_total_cumulative}",
       assumption="the independent 1000万元 in each of 2016 and 2017 are Debao's fiscal funds in the "
                  "total, and 2018 was at least the 2017 level (只增不减)",
       explanation="The smallest fiscal path the figures allow must fit in the cumulative total.",
       not_same="the 1000万元 are Shenzhen municipal funds, which Nanshan's total need not include.",
       title="The smallest fiscal path from 2016 within the {aid_total_cumulative}")
def _sz_path(f: Figures):
    y2019, p2019 = f.before_growth("fiscal_aid_2020", "fiscal_aid_growth_2020")
    early = f.iv("sz_fiscal_per_poor_county_2016") + f.iv("sz_fiscal_per_poor_county_2017") * 2
    p_early = f.pt("sz_fiscal_per_poor_county_2016") + f.pt("sz_fiscal_per_poor_county_2017") * 2
    iv = early + y2019 + f.iv("fiscal_aid_2020")
    pt = p_early + p2019 + f.pt("fiscal_aid_2020")
    share = pt / f.pt("aid_total_cumulative") * HUNDRED
    return le(iv, pt, f.iv("aid_total_cumulative"), f.pt("aid_total_cumulative"), unit="万元",
              scale=WAN, places=1, note=f"The smallest fiscal path is {_n(share, 1)}% of the total.")


@check("income_against_key_counties", kind="external", theme="income",
       claims=("rural_income_2020",),
       external=("db_rural_income_2019", "cn_key_county_rural_income_2019",
                 "cn_poor_county_rural_income_2020"),
       formula="Debao's rural income / national key poverty counties' average, 2019 (independent) and 2020 (article)",
       assumption="the same income definition (NBS rural per-capita disposable income)",
       explanation="A derived comparison: nothing says Debao should be above or below the average "
                   "of the counties of its class.",
       title="Debao's rural income against the national key poverty counties")
def _vs_key(f: Figures):
    iv, pt = f.ratio("rural_income_2020", "cn_poor_county_rural_income_2020", HUNDRED)
    r2019 = f.pt("db_rural_income_2019") / f.pt("cn_key_county_rural_income_2019") * HUNDRED
    return derived(iv, pt, unit="%", places=1,
                   note=f"2019 (independent figures): {_n(r2019, 1)}%.")


@check("key_county_income_growth_2016_2019", kind="external", theme="income",
       claims=("rural_income_growth_annual",),
       external=("cn_key_county_rural_income_2016", "cn_key_county_rural_income_2019"),
       formula="key counties' annual growth 2016→2019 = (income_2019 / income_2016)^(1/3) − 1",
       assumption="a benchmark, not a relation: Debao's growth need not match its class",
       explanation="A derived figure for context, shown next to the article's annual rate.",
       title="National key poverty counties' income growth, 2016→2019")
def _key_growth(f: Figures):
    r = f.iv("cn_key_county_rural_income_2019") / f.iv("cn_key_county_rural_income_2016")
    iv = (r ** (D(1) / 3) - ONE) * HUNDRED
    pt = ((f.pt("cn_key_county_rural_income_2019") / f.pt("cn_key_county_rural_income_2016"))
          ** (D(1) / 3) - 1) * HUNDRED
    return derived(iv, pt, unit="%", places=2,
                   note=f"The article's annual rate for Debao is {_w(f, 'rural_income_growth_annual')}.")


rows("dividends_against_base_investment")


# ============================================================================================
# More relations: the pairing's coverage, Shenzhen-wide totals, per-person and per-year figures
# ============================================================================================

def _each_level_reached(f: Figures):
    return le(f.iv("paired_poor_villages"), f.pt("paired_poor_villages"),
              f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), unit="villages", places=0)


EACH_LEVEL = Reconciliation(
    "each level reached", _each_level_reached,
    lambda f: (f"If 三级覆盖 means that the pairing reaches each level (poor counties, townships "
               f"and villages), the {_w(f, 'paired_poor_villages')} paired villages, part of the "
               f"{_w(f, 'poor_villages_exited')}, fulfil it; the other "
               f"{_n(f.pt('poor_villages_exited') - f.pt('paired_poor_villages'), 0)} could be "
               f"paired through the 村村 and 村企 pairings among the {_w(f, 'pairs_total')}, which "
               f"the article does not break down."))


@check("village_pairing_three_level_coverage", kind="qualitative", theme="people",
       claims=("paired_poor_villages", "poor_villages_exited", "pairing_levels"),
       formula="poor villages paired ({paired_poor_villages}) = all poor villages ({poor_villages_exited}), if 三级覆盖 covers every poor village",
       assumption="'三级覆盖' (coverage at three levels) means every poor county, township and "
                  "village is paired",
       explanation="Full coverage at village level would pair every poor village; the article "
                   "names {paired_poor_villages} pairs with villages, and other pairings (村村、村企) "
                   "may cover the rest.",
       not_same="三级覆盖 may mean that pairing reaches each of the three levels, not that every "
                "poor village has a partner; the {paired_poor_villages} are the villages paired "
                "with Nanshan's sub-districts, communities and enterprises, not every pairing.",
       reason_zh="“三级覆盖”可能是指结对帮扶覆盖贫困县、贫困乡镇、贫困村三个层级，而不是每个"
                 "贫困村都有结对对象；{paired_poor_villages}是与南山区街道、社区和企业结对的贫困村，"
                 "并不是全部结对",
       title="Three-level coverage, but {paired_poor_villages} of {poor_villages_exited} poor villages paired?",
       reconciliations=(EACH_LEVEL,))
def _coverage(f: Figures):
    return eq(f.iv("paired_poor_villages"), f.pt("paired_poor_villages"),
              f.iv("poor_villages_exited"), f.pt("poor_villages_exited"), unit="villages",
              places=0, note=f"{_n(f.pt('paired_poor_villages') / f.pt('poor_villages_exited') * HUNDRED, 0)}% "
                             "of the poor villages are named as paired.")


@check("aid_total_share_of_shenzhen", kind="share", theme="funding",
       claims=("aid_total_cumulative",),
       external=("sz_ea_funds_total_2020", "sz_ea_counties_2020"),
       formula="{aid_total_cumulative} / Shenzhen's total for its assisted counties (independent)",
       assumption="the two totals cover the same years (from 2016 to November 2020) and the "
                  "same kinds of funds (fiscal and social)",
       explanation="A derived share: nothing says Debao should receive an even share of the "
                   "counties' total (Nanshan also assisted Tianyang).",
       title="Debao's share of Shenzhen's assistance to its counties in Guangxi")
def _sz_share(f: Figures):
    iv, pt = f.ratio("aid_total_cumulative", "sz_ea_funds_total_2020", HUNDRED)
    even = HUNDRED / f.pt("sz_ea_counties_2020")
    return derived(iv, pt, unit="%", places=1,
                   note=f"An even share of {f.pt('sz_ea_counties_2020')} counties would be "
                        f"{_n(even, 1)}%.")


@check("cadres_within_shenzhen_cadres", kind="part_whole", theme="people",
       claims=("cadres_seconded",), external=("sz_ea_cadres_total_2020",),
       inclusion="definition", inclusion_reason="Debao is one of the counties whose seconded cadres Shenzhen counts (选派干部)",
       formula="cadres seconded to Debao ({cadres_seconded}) ≤ cadres Shenzhen seconded to its assisted counties (independent)",
       assumption="both count persons seconded from 2016 to late 2020",
       explanation="A part cannot exceed its whole.",
       title="{cadres_seconded} cadres in Debao within Shenzhen's total")
def _sz_cadres(f: Figures):
    share = f.pt("cadres_seconded") / f.pt("sz_ea_cadres_total_2020") * HUNDRED
    return le(f.iv("cadres_seconded"), f.pt("cadres_seconded"), f.iv("sz_ea_cadres_total_2020"),
              f.pt("sz_ea_cadres_total_2020"), unit="persons", places=0, reported_label="independent",
              note=f"Debao has {_n(share, 1)}% of them.")


@check("dividends_per_person_lifted", kind="per_unit", theme="funding",
       claims=("industry_dividends_cumulative", "industry_people_lifted", "pairing_start_date"),
       formula="dividends paid ({industry_dividends_cumulative}) / people lifted out ({industry_people_lifted}), and per year since the pairing began",
       assumption="the dividends went to the {industry_people_lifted} people, paid from the start of the "
                  "pairing to publication (the article gives no start for the dividends)",
       explanation="A derived figure: no benchmark for enclave-base dividends is at hand.",
       title="Dividends per person lifted out, and per year")
def _dividends_person(f: Figures):
    iv, pt = f.ratio("industry_dividends_cumulative", "industry_people_lifted")
    pub = D(f.published.toordinal())  # type: ignore[union-attr]
    years = (pub - f.pt("pairing_start_date")) / YEAR_DAYS
    return derived(iv, pt, unit="yuan", places=0,
                   note=f"Over the {_n(years, 1)} years from the pairing's start to publication, "
                        f"{_n(pt / years, 0)} yuan per person a year.")


@check("consumption_2020_against_funds_2020", kind="share", theme="funding",
       claims=("consumption_aid_2020", "fiscal_aid_2020", "social_donations_2020"),
       formula="consumption assistance in 2020 ({consumption_aid_2020}) / fiscal funds + donations in 2020 ({fiscal_aid_2020} + {social_donations_2020})",
       assumption="consumption assistance (purchases of Debao's products) is a separate channel, "
                  "not part of the funds",
       explanation="A derived ratio: purchases are not assistance funds, so nothing says how "
                   "they should compare.",
       title="2020's consumption assistance against 2020's funds")
def _consumption_vs_funds(f: Figures):
    funds, p_funds = f.total("fiscal_aid_2020", "social_donations_2020")
    iv = f.iv("consumption_aid_2020") / funds
    pt = f.pt("consumption_aid_2020") / p_funds
    return derived(iv, pt, unit="×", places=2,
                   note=f"Funds in 2020: {_n(p_funds / WAN, 0)}万元.")


@check("population_total_external", kind="external", theme="poverty",
       claims=("population_total",), external=("db_population_total_2019",),
       formula="article's total population ({population_total}) = the figure another publication gives",
       assumption="both are Debao's total population (总人口), basis not stated",
       explanation="The only other figures found repeat the county's own description word for "
                   "word; no census figure for Debao was found in text.",
       restates="the other publication repeats the county's own description (德保县地处桂西南…"
                "总人口36.8万), the same text the article draws on: it restates, it cannot check",
       title="Total population {population_total} against another publication")
def _population_ext(f: Figures):
    return eq(f.iv("population_total"), f.pt("population_total"),
              f.iv("db_population_total_2019"), f.pt("db_population_total_2019"),
              unit="persons", places=0, reported_label="other publication")


@check("income_2016_needed_for_four_year_average", kind="base_year", theme="income",
       claims=("rural_income_2020", "rural_income_growth_annual"),
       external=("db_rural_income_2015", "bs_rural_income_growth_2016"),
       formula="income_2016 = income_2020 / (1 + annual)^4, then its rise on the independent 2015 income",
       assumption="{rural_income_growth_annual} is an average over the four yearly rises 2016→2020, not the five from 2015",
       explanation="A derived figure: no Debao 2016 income was found to hold it against; Baise's "
                   "rural income rose 10.6% in 2016.",
       title="The 2016 income {rural_income_growth_annual} a year from 2016 would need")
def _needed_2016(f: Figures):
    factor = Interval.point(1) + f.iv("rural_income_growth_annual") / HUNDRED
    iv = f.iv("rural_income_2020") / factor ** 4
    pt = _base_2016(f)
    rise = (pt / f.pt("db_rural_income_2015") - 1) * HUNDRED
    return derived(iv, pt, unit="yuan", places=0,
                   note=f"A rise of {_n(rise, 1)}% on the independent 2015 income "
                        f"({f.pt('db_rural_income_2015')} yuan), against "
                        f"{f.external['bs_rural_income_growth_2016'].reading.raw} for Baise.")  # type: ignore[union-attr]


@check("income_growth_vs_key_counties", kind="external", theme="income",
       claims=("rural_income_2020",),
       external=("db_rural_income_2015", "db_rural_income_2019", "cn_key_county_rural_income_2016",
                 "cn_key_county_rural_income_2019", "cn_poor_county_rural_income_2020"),
       formula="Debao's annual growth 2015→2019 and 2019→2020 against the national key poverty counties' 2016→2019 and 2019→2020",
       assumption="the same income definition; no Debao 2016 figure was found, so the first "
                  "comparison starts a year apart",
       explanation="A derived comparison for context: nothing says Debao should grow like its class.",
       title="Debao's rural income growth against the national key poverty counties'",
       finding_note=lambda f: _key_county_note(f))
def _growth_vs_key(f: Figures):
    r = f.iv("rural_income_2020") / f.iv("db_rural_income_2019")
    iv = (r - ONE) * HUNDRED
    return derived(iv, _key_county_numbers(f)[2], unit="%", places=2,
                   note=_key_county_note(f)[0])


def _key_county_numbers(f: Figures) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """Debao's yearly growth 2015→2019, the key counties' 2016→2019, each one's in 2020, and
    Debao's 2020 level as a percentage of theirs."""
    db = ((f.pt("db_rural_income_2019") / f.pt("db_rural_income_2015")) ** (D(1) / 4) - 1) * HUNDRED
    key = ((f.pt("cn_key_county_rural_income_2019") / f.pt("cn_key_county_rural_income_2016"))
           ** (D(1) / 3) - 1) * HUNDRED
    db20 = (f.pt("rural_income_2020") / f.pt("db_rural_income_2019") - 1) * HUNDRED
    key20 = (f.pt("cn_poor_county_rural_income_2020") / f.pt("cn_key_county_rural_income_2019") - 1) * HUNDRED
    level = f.pt("rural_income_2020") / f.pt("cn_poor_county_rural_income_2020") * HUNDRED
    return db, key, db20, key20, level


def _key_county_note(f: Figures) -> tuple[str, str]:
    """The context note, in English and Chinese (the findings table's context row)."""
    db, key, db20, key20, level = _key_county_numbers(f)
    slower = db < key
    return (f"Up to 2019 Debao's rural income grew {'more slowly' if slower else 'faster'} than "
            f"the key poverty counties' ({_n(db)}% a year 2015→2019 against {_n(key)}% a year "
            f"2016→2019); in 2020 it grew {_n(db20)}% against their {_n(key20)}%, ending at "
            f"{_n(level, 0)}% of their level.",
            f"截至2019年，德保农村居民人均可支配收入增速{'低于' if slower else '高于'}国家扶贫开发"
            f"工作重点县（德保2015—2019年年均增长{_n(db)}%，重点县2016—2019年年均增长{_n(key)}%）；"
            f"2020年德保增长{_n(db20)}%，{'高于' if db20 > key20 else '低于'}重点县的{_n(key20)}%，"
            f"收入水平达到重点县平均水平的{_n(level, 0)}%。")


# ============================================================================================
# Benchmarks and per-unit figures added for issue 23: Baise, the medical figures
# ============================================================================================

BAISE_NOT_SAME = ("Baise's figure is the prefecture's average over all its counties, not "
                  "Debao's: a deep-poverty county is expected, not required, to be poorer than "
                  "its prefecture's average, so a figure on the other side would not prove "
                  "either wrong.")
BAISE_NOT_SAME_ZH = ("百色的数字是全市各县的平均，不是德保的数字；深度贫困县一般比全市平均更穷，"
                     "但并非必然如此，所以即使数字落在另一侧，也不能证明哪一个有误")


@check("incidence_2015_against_baise", kind="external", theme="poverty",
       claims=("poverty_incidence_2015",), external=("bs_poverty_incidence_2015",),
       formula="Debao's 2015 incidence ({poverty_incidence_2015}) ≥ Baise's 2015 incidence (independent)",
       assumption="Debao, one of Guangxi's deep-poverty counties, was at least as poor as the "
                  "average of its prefecture, Baise, in 2015",
       explanation="A benchmark: Baise's incidence averages its counties and districts, Debao "
                   "among them.",
       not_same=BAISE_NOT_SAME, reason_zh=BAISE_NOT_SAME_ZH,
       title="{poverty_incidence_2015} in 2015 against Baise's incidence")
def _incidence_baise(f: Figures):
    gap = f.pt("poverty_incidence_2015") - f.pt("bs_poverty_incidence_2015")
    return ge(f.iv("poverty_incidence_2015"), f.pt("poverty_incidence_2015"),
              f.iv("bs_poverty_incidence_2015"), f.pt("bs_poverty_incidence_2015"), unit="%",
              places=2, reported_label="independent",
              note=f"Debao's incidence is {_n(gap)} points above Baise's.")


def _baise_income_2015(f: Figures) -> tuple[Interval, Decimal]:
    """Baise's 2015 rural income: its 2016 figure before that year's growth."""
    return f.before_growth("bs_rural_income_2016", "bs_rural_income_growth_2016")


@check("income_2015_against_baise", kind="external", theme="income",
       claims=(), external=("db_rural_income_2015", "bs_rural_income_2016",
                            "bs_rural_income_growth_2016"),
       formula="Debao's 2015 rural income (independent) ≤ Baise's 2015 rural income "
               "(its 2016 income / (1 + its 2016 growth))",
       assumption="Debao, a deep-poverty county, had a rural income no higher than its "
                  "prefecture's average in 2015; both are the NBS survey's rural per-capita "
                  "disposable income",
       explanation="A benchmark for the 2015 income that confirms {rural_income_2020} and "
                   "+{rural_income_growth_total} (the article gives no 2015 level of its own).",
       not_same=BAISE_NOT_SAME, reason_zh=BAISE_NOT_SAME_ZH,
       title="Debao's independent 2015 rural income against Baise's")
def _income_baise(f: Figures):
    iv, pt = _baise_income_2015(f)
    share = f.pt("db_rural_income_2015") / pt * HUNDRED
    return le(f.iv("db_rural_income_2015"), f.pt("db_rural_income_2015"), iv, pt, unit="yuan",
              places=0, reported_label="independent",
              note=f"Baise's 2015 level is {_n(pt, 0)} yuan "
                   f"({f.external['bs_rural_income_2016'].reading.raw} before "  # type: ignore[union-attr]
                   f"+{f.external['bs_rural_income_growth_2016'].reading.raw}); Debao's "  # type: ignore[union-attr]
                   f"{f.pt('db_rural_income_2015')} yuan is {_n(share, 1)}% of it.")


@check("visits_per_medical_expert", kind="per_unit", theme="people",
       claims=("medical_beneficiaries", "medical_experts"),
       formula="person-times reached per expert = {medical_beneficiaries} / {medical_experts}",
       assumption="the {medical_beneficiaries} were reached by the experts' clinics and tours "
                  "over the five years",
       explanation="A derived figure: no benchmark for visits per visiting expert was found, and "
                   "person-times over five years have no natural bound.",
       title="People reached per medical expert")
def _visits_per_expert(f: Figures):
    iv, pt = f.ratio("medical_beneficiaries", "medical_experts")
    return derived(iv, pt, unit="person-times", places=1,
                   note=f"About {_n(pt, 0)} person-times per expert over five years, "
                        f"{_n(pt / 5, 1)} a year.")


@check("investment_per_medical_facility", kind="per_unit", theme="people",
       claims=("medical_equipment_value", "township_clinics", "village_clinics"),
       formula="equipment and software per facility = {medical_equipment_value} / "
               "({township_clinics} + {village_clinics})",
       assumption="the equipment went to the facilities built or equipped; it also equipped "
                  "hospital departments, a dialysis room and a remote-medicine system, so the "
                  "figure per clinic is an upper bound",
       explanation="A derived figure: no list of what each facility received was found.",
       title="Medical equipment and software per health facility")
def _per_facility(f: Figures):
    facilities, p_fac = f.total("township_clinics", "village_clinics")
    iv = f.iv("medical_equipment_value") / facilities
    pt = f.pt("medical_equipment_value") / p_fac
    return derived(iv, pt, unit="万元", places=1, scale=WAN,
                   note=f"{_n(pt / WAN, 1)}万元 per facility across the "
                        f"{_n(p_fac, 0)} township and village facilities, at most.")
