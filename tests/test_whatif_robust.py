"""What-if never crashes (issue 14): any input, for any id, ends in the verdicts or in one
line naming the id, the value and why it is refused (a :class:`WhatIfError`, exit status 2
on the command line).  Named cases first, then a property test over every id."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debao_audit import checks
from debao_audit.__main__ import parser
from debao_audit.whatif import RefusedFigure, UnknownFigure, WhatIfError, what_if
from inprocess import run_cli
from strength import FULL_PROPERTIES, examples

FIGS = checks.load_figures()
IDS = sorted({*FIGS.claims, *FIGS.external})


@pytest.mark.parametrize("key, written, reason", [
    ("population_total", "0万人", "divide by zero"),
    ("poverty_incidence_2015", "0%", "divide by zero"),
    ("rural_income_growth_total", "下降100%", "a fall of 100% or more"),
    ("rural_income_growth_total", "下降200%", "a fall of 100% or more"),
    ("population_total", "1" + "0" * 29, "beyond the what-if's range"),
    ("poverty_incidence_2015", "下降5%", "between 0% and 100%"),
    ("poverty_incidence_2015", "150%", "between 0% and 100%"),
    ("db_poverty_incidence_2019", "101%", "between 0% and 100%"),
])
def test_impossible_figures_are_refused_in_one_line(key, written, reason):
    with pytest.raises(RefusedFigure) as e:
        what_if({key: written}, figures=FIGS)
    assert str(e.value).startswith(f"{key}={written}: refused: ") and reason in str(e.value)
    rc, out, err = run_cli("what-if", f"{key}={written}")
    assert rc == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"what-if: {key}={written}: refused:")


@pytest.mark.parametrize("key, written", [
    ("rural_income_growth_total", "下降99%"),     # a fall, but not of everything
    ("rural_income_growth_annual", "下降99.96%"),
    ("poverty_incidence_2020", "0"),              # the article's own zero
    ("poverty_incidence_2015", "100%"),
    ("rural_income_2020", "0元"),                 # no division by it: the checks just fail
    ("cn_cpi_2020", "下降0.5%"),                  # deflation is a change, not a rate
])
def test_possible_extremes_give_verdicts(key, written):
    t = what_if({key: written}, figures=FIGS)
    assert len(t) == len(checks.REGISTRY)


def test_the_command_line_form_works_in_python():
    a = what_if("medical_experts=近130名", figures=FIGS)
    b = what_if(["medical_experts=近130名"], figures=FIGS)
    c = what_if({"medical_experts": "近130名"}, figures=FIGS)
    assert a.equals(b) and b.equals(c)
    assert "medical_experts_within_professionals" in set(a[a["changed"]]["check_id"])
    for bad in ("medical_experts", "=近130名", "medical_experts=", []):
        with pytest.raises(WhatIfError):
            what_if(bad, figures=FIGS)


def test_list_prints_every_id_with_its_quote():
    rc, out, err = run_cli("what-if", "--list")
    assert rc == 0 and err == ""
    for k, c in FIGS.claims.items():
        assert f"  {k}  {c.written}  「{c.quote}」" in out
    for k in FIGS.external:
        assert f"  {k}  " in out


def test_help_shows_percent_signs_once():
    text = parser()._subparsers._group_actions[0].choices["what-if"].format_help()
    assert "9.56%" in text and "%%" not in text


def test_no_override_is_a_one_line_error():
    rc, out, err = run_cli("what-if")
    assert rc == 2 and out == "" and err.count("\n") == 1 and "--list" in err


NUMBER = st.one_of(
    st.integers(min_value=-10**40, max_value=10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3,
                min_value=-10**6, max_value=10**6).map(str),
    st.sampled_from(["0", "0.0", "00", "1e5", "3至5", "5至3", "两三", "百", "数百", "1,000",
                     "０", "9.5.6", "-0", "1" + "0" * 31]),
)
PREFIX = st.sampled_from(["", "", "近", "约", "下降", "增长", "超过", "不到", "-"])
SUFFIX = st.sampled_from(["", "", "%", "万", "亿", "万元", "亿元", "元", "人", "名", "人次", "户",
                          "个", "多", "余", "以上", "多万元", "余名", "个百分点", "%%", "年"])
WRITTEN = st.one_of(st.tuples(PREFIX, NUMBER, SUFFIX).map("".join),
                    st.text(max_size=12))


#: The two what-if property tests run the whole engine per example.  ``make test`` runs them
#: with a quarter of their examples (100 and 37); ``make test-browser`` (run by .ci/run right
#: after ``make test``) runs them again with all of them (400 and 150), DEBAO_FULL_PROPERTIES=1
#: (strength.py, as for every property of the suite).


@pytest.mark.properties
@settings(max_examples=examples(400), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(IDS), written=WRITTEN)
def test_property_any_figure_for_any_id_gives_verdicts_or_a_what_if_error(key, written):
    try:
        t = what_if({key: written}, figures=FIGS)
    except WhatIfError as e:
        message = str(e)
        assert "\n" not in message and message
        if not isinstance(e, UnknownFigure):
            assert key in message
    else:
        assert len(t) == len(checks.REGISTRY)
        assert set(t["after"]) <= {"consistent", "within_rounding", "inconsistent",
                                   "tension", "not_checkable"}


#: Values that once crashed what-if, or sit at a domain's edge, tried for every id.
EDGES = ("0", "0%", "0万人", "下降100%", "下降200%", "下降5%", "150%", "1" + "0" * 29, "9" * 16,
         "0.0001", "近0名", "1e5", "-1", "", "abc", "2020年13月")


#: Every id in make test-browser (CI, DEBAO_FULL_PROPERTIES=1); every third, a fixed sample
#: that spans claims and external figures alike, in make test.
EDGE_IDS = IDS if FULL_PROPERTIES else IDS[::3]


@pytest.mark.properties
@pytest.mark.parametrize("key", EDGE_IDS)
def test_every_id_survives_the_edge_values(key):
    for written in EDGES:
        try:
            t = what_if({key: written}, figures=FIGS)
        except WhatIfError as e:
            assert "\n" not in str(e) and key in str(e)
        else:
            assert len(t) == len(checks.REGISTRY)


@pytest.mark.properties
@settings(max_examples=examples(150), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(key=st.sampled_from(IDS), written=WRITTEN, as_csv=st.booleans())
def test_property_the_command_line_never_crashes(key, written, as_csv):
    rc, out, err = run_cli("what-if", f"{key}={written}", *(["--csv"] if as_csv else []))
    if rc == 0:
        assert err == "" and out
    else:
        assert rc == 2 and out == ""
        assert err.startswith("what-if: ") and err.count("\n") == 1, err


def test_make_what_if_needs_no_activated_environment():
    import os
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in p)
    p = subprocess.run(["make", "-s", "-q", "env"], cwd=root, env=env)
    if p.returncode != 0:
        pytest.skip("the environment is not set up (make env)")
    p = subprocess.run(["make", "-s", "what-if", "ARGS=medical_experts=近130名 --csv"],
                       cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "medical_experts_within_professionals," in p.stdout
