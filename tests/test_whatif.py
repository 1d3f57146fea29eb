"""What-if: figures replaced as the article would write them, verdicts before and after, from
Python and from the shell; bad input fails naming the problem; nothing on disk changes."""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import debao_audit
from debao_audit import checks
from debao_audit.whatif import DuplicateFigure, UnknownFigure, UnreadableFigure, what_if, worded_title

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", "__pycache__", ".hypothesis", ".pytest_cache", ".ipynb_checkpoints"}


@pytest.fixture(scope="module")
def figs():
    return checks.load_figures()


def test_exported_from_the_package():
    assert debao_audit.what_if is what_if


def test_the_annual_rate_the_total_implies_makes_the_income_check_pass(figs):
    t = what_if({"rural_income_growth_annual": "9.56%"}, figures=figs)
    row = t.set_index("check_id").loc["income_annual_vs_total_growth"]
    assert (row["before"], row["after"], bool(row["changed"])) == ("inconsistent", "consistent", True)
    # the figure is shown as the user wrote it, in the title and the reported figure
    assert "9.56" in row["reported"]
    assert len(t) == len(checks.REGISTRY)


def test_changed_verdicts_come_first_then_registry_order(figs):
    t = what_if({"rural_income_growth_annual": "9.56%", "medical_experts": "近130名"}, figures=figs)
    changed = t["changed"].tolist()
    assert changed == sorted(changed, reverse=True) and any(changed) and not all(changed)
    order = list(checks.REGISTRY)
    for part in (t[t["changed"]], t[~t["changed"]]):
        ids = part["check_id"].tolist()
        assert ids == sorted(ids, key=order.index)


def test_the_what_if_skips_only_the_discrepancies(figs):
    """The what-if runs the checks without finding discrepancies (it shows none; finding them
    was most of its time): every other field of every result is the full run's."""
    from dataclasses import replace

    from debao_audit.written import read
    f = figs.with_overrides({"poor_people_exited": read("7.8万人",
                                                        figs.claims["poor_people_exited"].unit)})
    full, quick = checks.run(f), checks.run(f, with_discrepancies=False)
    assert any(r.discrepancy for r in full) and not any(r.discrepancy for r in quick)
    assert [replace(r, discrepancy="") for r in full] == quick
    t = what_if({"poor_people_exited": "7.8万人"}, figures=figs)
    assert dict(zip(t["check_id"], t["after"])) == {r.check.check_id: r.verdict for r in full}


def test_the_same_figures_change_nothing(figs):
    same = {k: figs.claims[k].written for k in ("rural_income_growth_annual", "medical_experts",
                                                "beneficiaries_registered_poor", "aid_total_cumulative")}
    t = what_if(same, figures=figs)
    assert not t["changed"].any()
    assert (t["before"] == t["after"]).all()


def test_qualified_figures_are_read_like_the_article(figs):
    # 近180名 is [171, 180): still more than the 134 professionals, so the verdict stays what the
    # article's 近200名 gives (a tension: experts and professionals need not be the same people)
    t = what_if({"medical_experts": "近180名"}, figures=figs).set_index("check_id")
    row = t.loc["medical_experts_within_professionals"]
    assert row["after"] == row["before"] != "consistent"
    assert "近180名" in t.loc["medical_experts_within_professionals", "title"]
    # 近130名 is [123.5, 130): now fits inside 134
    t = what_if({"medical_experts": "近130名"}, figures=figs).set_index("check_id")
    assert t.loc["medical_experts_within_professionals", "after"] == "consistent"
    # a cumulative count small enough to be the 2015 stock reconciles the poverty check
    t = what_if({"poor_people_exited": "7.77万人"}, figures=figs).set_index("check_id")
    assert t.loc["poverty_count_vs_incidence_and_population", "after"] != "inconsistent"


def test_an_unknown_id_names_the_closest(figs):
    with pytest.raises(UnknownFigure) as e:
        what_if({"rural_income_growth": "9.56%"}, figures=figs)
    assert "'rural_income_growth'" in str(e.value)
    assert "rural_income_growth_annual" in e.value.closest


@pytest.mark.parametrize("written", ["abc", "9.56元", "9.5.6%", "9.56%%"])
def test_an_unreadable_figure_gives_the_readers_error(figs, written):
    with pytest.raises(UnreadableFigure, match=re.escape(f"rural_income_growth_annual={written}: ")):
        what_if({"rural_income_growth_annual": written}, figures=figs)


def _snapshot() -> dict[str, tuple[int, str]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for name in filenames:
            p = Path(dirpath, name)
            out[str(p.relative_to(ROOT))] = (p.stat().st_mtime_ns,
                                             hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def _cli(*args, env_extra=None):
    """The real command, ``python -m debao_audit what-if ARGS``, in a new interpreter."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "debao_audit", "what-if", *args],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)


def _main(*args) -> subprocess.CompletedProcess:
    """The same command through its entry point in this process (``__main__.main``), as a
    CompletedProcess: the ``python -m`` path itself is run by the subprocess test above it."""
    import contextlib
    import io

    from debao_audit.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(["what-if", *args])
        except SystemExit as e:  # argparse: only for --help and unknown options
            rc = e.code
    return subprocess.CompletedProcess(["what-if", *args], rc, out.getvalue(), err.getvalue())


def test_cli_csv_lists_changed_verdicts_and_writes_nothing(tmp_path):
    before = _snapshot()
    out_dir = tmp_path / "outputs"
    out_dir.mkdir()
    p = _cli("rural_income_growth_annual=9.56%", "--csv",
             env_extra={"DEBAO_AUDIT_OUTPUT": str(out_dir)})
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "check_id,before,after"
    assert "income_annual_vs_total_growth,inconsistent,consistent" in lines[1:]
    assert all(b != a for _, b, a in (line.split(",") for line in lines[1:]))
    assert p.stderr == ""
    assert _snapshot() == before
    assert list(out_dir.iterdir()) == []


def test_cli_text_output_names_the_figure_as_written():
    p = _main("medical_experts=近130名")
    assert p.returncode == 0, p.stderr
    assert "medical_experts = 近130名" in p.stdout
    before = {r.check.check_id: r.verdict for r in checks.run(checks.load_figures())}
    assert before["medical_experts_within_professionals"] != "consistent"
    assert (f"medical_experts_within_professionals: {before['medical_experts_within_professionals']}"
            " -> consistent") in p.stdout


@pytest.mark.parametrize("args, message", [
    (["rural_income_growth=9.56%"], "'rural_income_growth'; closest: rural_income_growth_total"),
    (["population_total=9.56%"], "population_total=9.56%: '9.56%' is written with '%'"),
    (["rural_income_growth_annual"], "expected ID=WRITTEN"),
    (["rural_income_growth_annual=9.56%", "rural_income_growth_annual=9.2%"],
     "rural_income_growth_annual is given more than once (rural_income_growth_annual=9.56%, "
     "rural_income_growth_annual=9.2%)"),
])
def test_cli_bad_input_fails_naming_it(args, message):
    before = _snapshot()
    p = _main(*args, "--csv")
    assert p.returncode != 0
    assert message in p.stderr
    assert p.stdout == ""
    assert _snapshot() == before


def test_an_id_given_twice_is_refused_not_merged(figs):
    with pytest.raises(DuplicateFigure, match="rural_income_growth_annual is given more than once"):
        what_if([("rural_income_growth_annual", "9.56%"), ("rural_income_growth_annual", "9.2%")],
                figures=figs)
    # pairs without a repeat are fine
    t = what_if([("rural_income_growth_annual", "9.56%")], figures=figs)
    assert "income_annual_vs_total_growth" in set(t[t["changed"]]["check_id"])


def _title(table, check_id):
    return table.set_index("check_id").loc[check_id, "title"]


def test_titles_are_worded_from_the_verdict_both_ways(figs):
    cid = "medical_experts_within_professionals"
    template = next(r.check.title for r in checks.run(figs) if r.check.check_id == cid)
    assert ", but " in template and template.endswith("?")  # the check's own doubt
    # the figures agree: no doubt voiced, the figures as the user wrote them
    agree = what_if({"medical_experts": "近130名"}, figures=figs)
    row = agree.set_index("check_id").loc[cid]
    assert row["after"] == "consistent"
    assert row["title"] == "近130名 medical experts; 134人 professionals in all"
    # still in tension: the doubt stays
    doubt = what_if({"medical_experts": "近190名"}, figures=figs)
    row = doubt.set_index("check_id").loc[cid]
    assert row["after"] != "consistent"
    assert row["title"] == "近190名 medical experts, but 134人 professionals in all?"
    w = {"a": "1", "b": "2"}
    assert worded_title("{a} x, but {b} y?", w, "inconsistent", False) == "1 x, but 2 y?"
    assert worded_title("{a} x, but {b} y?", w, "consistent", True) == "1 x, but 2 y?"
    assert worded_title("{a} x, but {b} y?", w, "consistent", False) == "1 x; 2 y"
    assert worded_title("{a} within {b}", w, "consistent", False) == "1 within 2"


# -- issue 26: 0% growth is a scenario; a figure off by 万 or 100 is flagged -------------------

def test_zero_growth_is_a_scenario_and_a_check_that_cannot_compute_says_so():
    t = what_if({"rural_income_growth_annual": "0%"}).set_index("check_id")
    assert len(t) == len(checks.REGISTRY)
    stuck = t[t["implied"].str.startswith("cannot be computed at this value")]
    assert len(stuck) >= 1 and set(stuck["after"]) == {"not_checkable"}
    assert (t.drop(stuck.index)["after"] != "not_checkable").any()


@pytest.mark.parametrize("written, slip", [("36.8", "万"), ("3680", "100"), ("36.8万", None),
                                           ("40万", None)])
def test_a_figure_off_by_wan_or_100_is_flagged_as_a_likely_unit_slip(written, slip):
    t = what_if({"population_total": written})
    notes = t.attrs["notes"]
    if slip is None:
        assert notes == []
    else:
        assert len(notes) == 1 and slip in notes[0] and "unit slip" in notes[0]
        assert notes[0].startswith(f"population_total={written} ")


def test_the_command_line_prints_the_unit_slip_note():
    from inprocess import run_cli
    rc, out, err = run_cli("what-if", "population_total=36.8")
    assert rc == 0 and out.startswith("With population_total = 36.8")
    assert err.startswith("what-if: note: population_total=36.8 ") and err.count("\n") == 1
