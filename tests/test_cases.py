"""Cases: one engine, any article.  The practice article's answer key; a new folder audited
with no change to the package; relations declared as data; nothing registered at import."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from debao_audit import case, checks, data, findings, shapes
from inprocess import run_cli

ROOT = Path(__file__).resolve().parents[1]
PRACTICE = ROOT / "cases" / "practice-lanshan"


@pytest.fixture(scope="module")
def practice():
    c = case.load(PRACTICE)
    figs = checks.load_figures(case=c)
    return c, figs, checks.run(figs)


def copy_case(folder: Path, edit=None, code: str | None = None, **spec_updates) -> Path:
    """A copy of the practice case in ``folder``, its case.json updated (``edit(spec)`` and/or
    keys), with a module file ``checks.py`` when ``code`` is given."""
    shutil.copytree(PRACTICE, folder)
    if code is not None:
        (folder / "checks.py").write_text(code, encoding="utf-8")
    spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    spec["slug"] = folder.name  # a case's slug is its folder's name
    if edit is not None:
        edit(spec)
    spec.update(spec_updates)
    (folder / "case.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return folder


def answer_key():
    with (PRACTICE / "answer_key.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_importing_the_package_registers_no_checks():
    code = ("import sys, debao_audit, debao_audit.checks, debao_audit.page, debao_audit.findings,"
            " debao_audit.figures, debao_audit.validate, debao_audit.whatif;"
            "print(sorted(m for m in sys.modules if m.endswith('relations')"
            " or m.startswith(('debao_case', 'debao_audit_case_'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_practice_article_is_marked_invented(practice):
    c, figs, _ = practice
    assert c.invented and figs.text.startswith("【练习用虚构报道")
    assert json.loads((PRACTICE / "case.json").read_text(encoding="utf-8"))["license"]["name"]


def shared_runs(text: str, source: str, n: int = 12) -> list[str]:
    """The longest runs of ``n`` or more consecutive characters of ``text`` found in
    ``source``, left to right (overlapping runs merged into the longest at each start)."""
    grams = {source[i:i + n] for i in range(len(source) - n + 1)}
    runs, i = [], 0
    while i <= len(text) - n:
        if text[i:i + n] in grams:
            j = i + n
            while j < len(text) and text[i:j + 1] in source:
                j += 1
            runs.append(text[i:j])
            i = j - n + 1
        else:
            i += 1
    return runs


def test_the_practice_article_is_written_in_its_own_words(practice):
    """Invented and free to republish: it shares no run of 12 or more consecutive characters
    with the real, copyrighted report (data/raw/article.txt).  Only the section-heading lines
    are set aside (a heading with its line breaks and indent is a layout, not wording)."""
    c, figs, _ = practice
    headings = set(c.structure.headings)
    masked = "\n".join("\0" if line.strip() in headings else line
                       for line in figs.text.split("\n"))
    source = (ROOT / "data" / "raw" / "article.txt").read_text(encoding="utf-8")
    assert shared_runs(masked, source) == []


def test_answer_key_covers_every_check(practice):
    _, _, results = practice
    assert [r["check_id"] for r in answer_key()] == [r.check.check_id for r in results]


@pytest.mark.parametrize("row", answer_key(), ids=lambda r: r["check_id"])
def test_answer_key(practice, row):
    """The engine finds every planted problem, with the verdict the key gives."""
    _, _, results = practice
    got = {r.check.check_id: r.verdict for r in results}
    assert got[row["check_id"]] == row["expected_verdict"], row["explanation"]


def test_nothing_unplanted_is_flagged(practice):
    _, _, results = practice
    planted = {r["check_id"] for r in answer_key() if r["planted"]}
    flagged = {r.check.check_id for r in results if r.verdict in ("inconsistent", "tension")}
    assert flagged <= planted
    kinds = {r["planted"] for r in answer_key() if r["planted"]}
    assert kinds >= {"P1", "P2", "P3", "P4", "P5"}


def test_practice_findings_name_the_unit_slip(practice):
    _, figs, results = practice
    found = findings.build(figs, results)
    assert any("factor of 万" in s for s in found["statement_en"])
    # the rounding-only case is not a finding
    assert not any("funds_fiscal_plus_social" in c for c in found["checks"])


def test_overview_figures_credit_the_cases_own_article(practice):
    from debao_audit.figures import common
    _, figs, _ = practice
    # an invented article is never credited to a real outlet, and says it is invented
    assert common.article_source(figs) == "练习用虚构报道 an invented practice article, 2021-12-01"
    assert common.article_source().startswith("中新网广西")


def test_audit_works_on_a_new_folder(tmp_path):
    """A copy of the practice case under another name: audited with no package change."""
    folder = tmp_path / "my-article"
    copy_case(folder, slug="my-article")
    # The real command (the figures are left out here: drawing them is what `make` does for
    # every case folder, and tests/test_site_cases.py holds those built figures to the case's
    # catalogue; tests/test_build.py runs the whole audit as a build step, on CI).
    r = subprocess.run([sys.executable, "-m", "debao_audit", "audit", str(folder),
                        "--out", str(tmp_path / "out"), "--no-figures"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("my-article: 39 claims")
    assert "likely wrong (8.9%)" in r.stdout
    for name in ("checks.csv", "findings.csv", "figures/annotated_article.html"):
        assert (tmp_path / "out" / name).is_file()
    assert not (tmp_path / "out" / "figures" / "findings.png").exists()
    html = (tmp_path / "out" / "figures" / "annotated_article.html").read_text(encoding="utf-8")
    assert "滨岚" in html and "中新网广西新闻2月6日电" not in html


@pytest.mark.parametrize("edit, message", [
    (lambda spec: spec["structure"].update(dateline="没有这一行"), "the dateline '没有这一行'"),
    (lambda spec: spec.pop("claims"), "expected a key 'claims'"),
    (lambda spec: spec.update(claims="../../outside.csv"), "a path inside the case folder"),
])
def test_a_broken_case_is_one_error_line(tmp_path, edit, message):
    folder = tmp_path / "broken"
    copy_case(folder, edit)
    # In process (the command's own entry point): the `python -m debao_audit audit` path itself
    # is run once, by test_audit_works_on_a_new_folder.
    rc, out, err = run_cli("audit", str(folder), "--out", str(tmp_path / "out"))
    assert rc == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_a_bad_relation_row_names_file_row_and_column(tmp_path):
    rows = list(csv.DictReader((PRACTICE / "relations.csv").open(encoding="utf-8")))
    rows[2]["shape"] = "ratio_of_ratios"
    path = tmp_path / "relations.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with pytest.raises(data.DataError, match=r"row 3 .*column 'shape'.*one of part_whole"):
        shapes.compile_into(checks.Registry(), path)


def test_this_articles_checks_declared_as_data_keep_their_verdicts():
    """Checks moved from code to data/relations.csv give the rows the gold table fixes."""
    moved = [r["check_id"] for r in csv.DictReader((data.DATA / "relations.csv").open(encoding="utf-8"))]
    assert len(moved) >= 10
    code_checks = __import__("debao_case", fromlist=["CHECKS"]).CHECKS
    assert not set(moved) & set(code_checks)
    assert set(moved) <= set(checks.REGISTRY)


def test_the_default_case_states_the_articles_structure():
    c = case.default()
    assert c.structure.dateline == data.DATELINE and c.structure.end_mark == data.END_MARK
    assert c.structure.sections == data.SECTIONS


def test_validate_takes_a_case(tmp_path):
    from debao_audit import validate
    counts = validate.validate_case(PRACTICE)
    assert counts["claims"] == 39 and counts["checks"] == len(answer_key())
    folder = copy_case(tmp_path / "loose")
    rows = (folder / "excluded_tokens.csv").read_text(encoding="utf-8").splitlines()
    (folder / "excluded_tokens.csv").write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match="every number token of the body"):
        validate.validate_case(folder)
    r = subprocess.run([sys.executable, "-m", "debao_audit.validate", str(folder)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


CASE_MODULE = '''
"""A new case's own code: one check that needs code, one theme figure."""
import pandas as pd
from debao_audit import style
from debao_audit.checks import Registry, le
from debao_audit.figures import common as c

CHECKS = Registry()


@CHECKS.check("public_posts_within_jobs_near_home", kind="part_whole", theme="people",
              inclusion="not_stated",
              inclusion_reason="the article does not say the public posts are near-home jobs",
              claims=("public_post_workers", "jobs_in_region"),
              formula="public-post workers ≤ jobs near home",
              assumption="the public posts are jobs near home",
              explanation="A part cannot exceed its whole.",
              title="Public-post workers among the jobs near home")
def _posts(f):
    return le(f.iv("public_post_workers"), f.pt("public_post_workers"),
              f.iv("jobs_in_region"), f.pt("jobs_in_region"), unit="人", places=0)


def register(registry):
    for chk in CHECKS.values():
        registry.add(chk)


def fig_jobs(figs, results, outdir=None):
    frame = pd.DataFrame({"where": ["Guangdong", "near home"],
                          "jobs": [figs.pt("jobs_guangdong"), figs.pt("jobs_in_region")]})
    fig, ax = style.new_figure(c.title("务工去向", "Where the jobs are"), "From the claims.")
    ax.bar(frame["where"], [float(v) for v in frame["jobs"]])
    style.add_source(fig, c.source(figs))
    return c.save(fig, "jobs", frame, outdir)


def figures():
    return {"jobs": (fig_jobs, lambda figs, results: "Where the jobs are")}
'''


def test_a_case_brings_its_own_code_as_a_file_in_its_folder(tmp_path):
    """``"module": "checks.py"``: a new case's checks that need code and its theme figures,
    from its own folder, with no change to the package; the engine's figures come first."""
    from debao_audit import figures
    from debao_audit.audit import audit

    folder = tmp_path / "with-code"
    copy_case(folder, code=CASE_MODULE, slug="with-code", module="checks.py")
    c = case.load(folder)
    with pytest.raises(case.UntrustedError, match="--trust"):
        c.registry()  # nothing runs until the folder is trusted
    case.trust(folder)
    reg = c.registry()
    assert list(reg)[-1] == "public_posts_within_jobs_near_home"
    assert len(reg) == len(case.load(PRACTICE).registry()) + 1
    cat = figures.catalogue(c)
    assert list(cat.figures) == ["findings", "jobs", "checks_by_power", "checks_by_kind",
                                 "appendix_all_checks"]
    assert cat.gallery[:2] == ("findings", "jobs") and cat.appendix == ("appendix_all_checks",)
    done = audit(folder, tmp_path / "out", draw=False)
    by_id = done.table.set_index("check_id")
    assert by_id.loc["public_posts_within_jobs_near_home", "verdict"] == "consistent"
    # the case's own figure, drawn by the engine's build_all for that case
    figs = checks.load_figures(case=c)
    [rec] = figures.build_all(tmp_path / "figs", names=["jobs"], figs=figs, case=c)
    assert rec["finding"] == "Where the jobs are" and rec["paths"]["png"].is_file()
    # The practice case (no module) has the engine's figures only.
    assert list(figures.catalogue(case.load(PRACTICE)).figures) == [
        "findings", "checks_by_power", "checks_by_kind", "appendix_all_checks"]


def test_a_missing_case_module_is_one_error_line(tmp_path):
    folder = copy_case(tmp_path / "no-code", module="nowhere.py")
    with pytest.raises(case.CaseError, match="expected the file .*nowhere.py; found none"):
        case.load(folder).registry()
    folder = copy_case(tmp_path / "no-module", module="no_such_module_anywhere")
    with pytest.raises(case.CaseError, match="expected the name of a Python file"):
        case.load(folder)


def test_audit_writes_nothing_when_a_figure_fails(tmp_path, monkeypatch):
    """All or nothing: a failure while drawing leaves the output directories empty."""
    from debao_audit import figures
    from debao_audit.audit import audit

    def boom(*a, **k):
        raise RuntimeError("drawing failed")
    monkeypatch.setitem(figures.LEAD, "findings", (boom, figures.LEAD["findings"][1]))
    with pytest.raises(RuntimeError):
        audit(PRACTICE, tmp_path / "out")
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_what_if_and_validate_take_any_case(capsys):
    """The what-if runs on another case (--case); `make validate` covers every case folder."""
    from debao_audit.__main__ import main
    from debao_audit.validate import main as validate_main

    assert main(["what-if", "--case", str(PRACTICE), "rural_income_growth_annual=10%"]) == 0
    out = capsys.readouterr().out
    assert "1 of 19 verdicts change" in out and "inconsistent -> consistent" in out
    assert main(["what-if", "--case", str(PRACTICE / "nowhere"), "x=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "expected a case file (case.json)" in err[0]
    assert validate_main([]) == 0
    assert capsys.readouterr().out.rstrip().endswith(
        f"{len(list((ROOT / 'cases').glob('*/case.json')))} cases")


@pytest.mark.parametrize("code, message", [
    ("import nowhere_at_all\n", r"checks\.py, line 1: expected a module that imports cleanly; "
                                r"found ModuleNotFoundError"),
    ("def register(registry):\n    registry.add(\n", r"checks\.py, line 2: expected a module "
                                                       r"that imports cleanly; found SyntaxError"),
])
def test_a_case_module_that_fails_is_one_error_line(tmp_path, capsys, code, message):
    """A case's own code that cannot be imported: one line naming its file and line."""
    from debao_audit.__main__ import main

    folder = tmp_path / "bad-code"
    copy_case(folder, code=code, slug="bad-code", module="checks.py")
    assert main(["audit", str(folder), "--trust", "--out", str(tmp_path / "out"),
                 "--no-figures"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(message, err[0]), err
    assert not (tmp_path / "out").exists()


def test_a_case_check_that_raises_is_one_error_line(tmp_path, capsys):
    from debao_audit.__main__ import main

    folder = tmp_path / "raising"
    copy_case(folder, code=CASE_MODULE.replace(
        "def _posts(f):\n", "def _posts(f):\n    raise ZeroDivisionError('a slip in the case')\n"),
        slug="raising", module="checks.py")
    assert main(["audit", str(folder), "--trust", "--out", str(tmp_path / "out"),
                 "--no-figures"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "checks.py, line" in err[0] and "ZeroDivisionError: a slip" in err[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("invented, args, edition", [
    (True, (), "full"), (False, (), "quotes"), (False, ("--edition", "full"), "full"),
    (True, ("--edition", "quotes"), "quotes")])
def test_the_command_line_prints_a_whole_article_only_if_invented_or_asked(
        tmp_path, invented, args, edition):
    """A real article is under copyright: its page quotes the figures unless --edition full."""
    folder = copy_case(tmp_path / "case", invented=invented,
                       **({} if invented else {"url": "https://example.org/news/1.html"}))
    rc, out, err = run_cli("audit", str(folder), "--out", str(tmp_path / "out"), "--no-figures",
                           *args)
    assert rc == 0, err
    html = (tmp_path / "out" / "figures" / "annotated_article.html").read_text(encoding="utf-8")
    whole = "就业是最直接的增收渠道" in html  # a sentence with no figure in it
    public = "The public edition: the article is not reproduced" in html
    assert (whole, public) == ((True, False) if edition == "full" else (False, True))


def _with_relations(folder: Path, *rows: dict) -> dict[str, "checks.Result"]:
    """The practice case copied to ``folder`` with relation rows added (each a dict of the
    columns it fills; the optional columns kind, display_unit and places added to the file):
    its results by check id."""
    copy_case(folder)
    rel = folder / "relations.csv"
    with rel.open(encoding="utf-8", newline="") as f:
        old = list(csv.DictReader(f))
    cols = list(shapes.RELATION_COLUMNS) + list(shapes.OPTIONAL_COLUMNS)
    words = {"theme": "people", "title": "t", "formula": "f", "assumption": "a",
             "explanation": "e"}
    with rel.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols, restval="", lineterminator="\n")
        w.writeheader()
        w.writerows(old + [{**words, **r} for r in rows])
    figs = checks.load_figures(case=case.load(folder))
    return {r.check.check_id: r for r in checks.run(figs)}


def test_difference_holds_and_fails_and_names_its_terms(tmp_path):
    diff = {"shape": "difference", "left": "jobs_total_2020", "right": "jobs_guangdong",
            "inclusion": "stated", "inclusion_reason": "其中"}
    res = _with_relations(
        tmp_path / "c",
        {**diff, "check_id": "near_home", "other": "jobs_in_region"},
        {**diff, "check_id": "wrong_rest", "other": "public_post_workers"},
        {**diff, "check_id": "rest_derived", "right": "jobs_in_region"})
    assert res["near_home"].verdict == "consistent"
    assert res["wrong_rest"].verdict == "inconsistent"
    assert res["wrong_rest"].outcome.implied_from == "14,280名 − 6,120人"
    assert res["rest_derived"].verdict == "not_checkable"
    assert res["rest_derived"].row()["implied"] == "6,120 persons"


def test_a_share_is_derived_or_held_against_a_figure(tmp_path):
    share = {"shape": "share", "left": "jobs_guangdong", "right": "jobs_total_2020"}
    res = _with_relations(
        tmp_path / "c",
        {**share, "check_id": "gd_share"},
        {**share, "check_id": "gd_share_2", "places": "2"},
        {**share, "check_id": "gd_share_held", "left": "jobs_in_region",
         "other": "jobs_guangdong_share"})
    assert res["gd_share"].verdict == "not_checkable"
    # exact counts: the share is one value; its shown range is that value rounded outward
    assert res["gd_share"].row()["implied"].startswith("centre 42.9%,")     # one place
    assert res["gd_share_2"].row()["implied"].startswith("centre 42.86%,")  # the row's places
    assert res["gd_share_held"].verdict == "inconsistent"     # 57.1% is not 42.9%
    assert res["gd_share_held"].outcome.implied_from == "8,160人 ÷ 14,280名"


def test_a_derived_value_is_shown_in_the_rows_unit_and_places(tmp_path):
    each = {"shape": "per_unit", "left": "public_post_subsidy", "right": "public_post_workers",
            "theme": "income"}
    res = _with_relations(
        tmp_path / "c",
        {**each, "check_id": "subsidy_each", "display_unit": "元", "places": "0"},
        {**each, "check_id": "subsidy_each_default"})
    # 1032万元 is rounded: the derived value has a range, shown in the unit the row asks
    assert res["subsidy_each"].row()["implied"] == "centre 12,000元, range [11,994元, 12,006元)"
    assert res["subsidy_each_default"].row()["implied"].startswith("centre 1.20万元,")


@pytest.mark.parametrize("title_en", ["Lanshan: a new chapter", None])
def test_another_articles_page_credits_its_outlets_and_carries_no_wording_of_this_one(
        tmp_path, title_en):
    """The page of another article: the outlet and its republisher credited (page and
    figures), the English title only where the case gives one (no empty line), no words
    of this repository's article; the likely-error rule only where something failed."""
    from debao_audit import page
    from debao_audit.figures import common

    def edit(spec):
        spec.update(invented=False, url="https://example.org/a.html",
                    producer="河池日报", republished_by="广西新闻网")
        if title_en is None:
            spec.pop("title_en")
        else:
            spec["title_en"] = title_en
    folder = copy_case(tmp_path / "c", edit)
    c = case.load(folder)
    html = page.write_page(tmp_path / "p.html", case=c, edition="quotes").read_text(
        encoding="utf-8")
    assert html.count("河池日报, republished by 广西新闻网") == 2  # header and footer
    assert common.article_source(checks.load_figures(case=c)).startswith(
        "河池日报, republished by 广西新闻网 2021-12-01")
    assert ('<p class="title-en" lang="en">Lanshan: a new chapter</p>' in html) == bool(title_en)
    assert '<p class="title-en" lang="en"></p>' not in html
    for leftover in ("debao_audit \N{EM DASH} annotated article", "the same engine as the main",
                     "德保", "南山"):
        assert leftover not in html
    assert "How the likely error is picked" in html  # the practice case has failures


def test_no_likely_error_rule_where_nothing_failed(tmp_path):
    from debao_audit import page

    folder = copy_case(tmp_path / "c")
    rel = folder / "relations.csv"
    with rel.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    keep = [r for r in rows if r["shape"] in ("date_order", "equals")
            and r["check_id"] != "poor_villages_stated_twice"]
    with rel.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(keep)
    c = case.load(folder)
    results = checks.run(checks.load_figures(case=c))
    assert not any(r.verdict == "inconsistent" for r in results)
    html = page.write_page(tmp_path / "p.html", case=c).read_text(encoding="utf-8")
    assert "How the likely error is picked" not in html


@pytest.mark.parametrize("demote, says", [
    ({"not_same": "Guangdong counts placements, the region counts people."},
     "the case's author judges these may not count the same thing: Guangdong counts"),
    ({"shape": "part_whole", "inclusion": "not_stated",
      "inclusion_reason": "the article never says the one is within the other"},
     "the case's author judges that the article does not say the part is within the whole: "
     "the article never says"),
    ({}, None)])
def test_a_check_demoted_by_the_author_says_so_in_its_finding_and_on_the_page(
        tmp_path, demote, says):
    from debao_audit import page

    res = _with_relations(tmp_path / "c", {
        "check_id": "regions_same", "shape": "equals", "left": "jobs_in_region",
        "right": "jobs_guangdong", **demote})
    r = res["regions_same"]
    c = case.load(tmp_path / "c")
    figs = checks.load_figures(case=c)
    found = findings.build(figs, list(res.values()))
    mine = found[found["checks"].str.contains("regions_same")]
    html = page.write_page(tmp_path / "p.html", case=c).read_text(encoding="utf-8")
    if says is None:
        assert r.verdict == "inconsistent"
        assert "the case&#x27;s author judges" not in html and "author judges" not in html
        return
    assert r.verdict == "tension"
    assert says in mine["statement_en"].iloc[0]
    assert "案例作者判断" in mine["statement_zh"].iloc[0]
    assert says[:1].upper() + says[1:] in html.replace("&#x27;", "'")
    assert "by the case author&#x27;s judgement" in html or "by the case author's judgement" in html
