"""``python -m debao_audit draft``: a case drafted from an article's text (issue 24, item 1).

The figure finder is the reader's own (``written.find_figures``); the draft of any article of
the genre validates and audits at once; suggested relations count for nothing until the author
confirms them (``status`` in relations.csv); the search is bounded."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from debao_audit import case as _case
from debao_audit import checks, data, draft, findings, shapes, written
from debao_audit.validate import validate_case
from inprocess import run_cli
from strength import examples

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "raw" / "article.txt"
PRACTICE = ROOT / "cases" / "practice-lanshan" / "article.txt"
SAMPLES = ROOT / "tests" / "draft_samples"
DAY = dt.date(2026, 12, 7)
ARTICLE_URL = "http://www.gx.chinanews.com/gxgd/2021-02-07/detail-ihahmevx4432069.shtml"


def _eval_module():
    mod = importlib.import_module("tools.draft_eval")
    return mod


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# -- the finder: the reader grows each number token into its figure ---------------------------

@pytest.mark.parametrize("sentence, figure", [
    ("累计帮助 1400多户贫困户", "1400多户"),
    ("受益建档立卡贫困人口5.8万人以上。", "5.8万人以上"),
    ("派出医疗卫生专家近200名到德保", "近200名"),
    ("石山面积超过70%,总人口", "超过70%"),
    ("共计200余万元。", "200余万元"),
    ("增长百分之三十五点八", "百分之三十五点八"),
    ("投入2.24億元", "2.24億元"),
    ("達到５７.８４％，", "５７.８４％"),
    ("援建乡镇卫生院12个、村级卫生室89个", "12个"),
    ("2020年5月11日,广西", "2020年5月11日"),
])
def test_the_finder_grows_a_token_into_the_figure_as_written(sentence, figure):
    found = written.find_figures(sentence)
    f = found[0]
    assert f.raw == figure and sentence[f.start:f.end] == figure
    assert f.reading is not None and f.reading.value == written.read(figure).value


@st.composite
def embedded_figure(draw):
    n = draw(st.integers(min_value=1, max_value=10**7))
    dec = draw(st.integers(min_value=0, max_value=2))
    num = f"{Decimal(n).scaleb(-dec):f}"
    scale = draw(st.sampled_from(["", "万", "亿"]))
    unit = draw(st.sampled_from(["元", "人", "户", "人次", "个", "%", "名", "期"]))
    pre = draw(st.sampled_from(["", "近", "约", "超过"]))
    tail = draw(st.sampled_from(["", "以上"])) if not pre else ""
    if unit == "%":
        scale, num = "", str(min(n, 99))
    fig = f"{pre}{num}{scale}{unit}{tail}"
    left = draw(st.sampled_from(["共有", "累计投入", "其中", "帮助"]))
    right = draw(st.sampled_from(["，", "。", "用于建设", ""]))
    return left + fig + right, fig


@given(embedded_figure())
def test_any_written_figure_in_a_clause_is_found_whole_and_read_as_the_reader_reads_it(case):
    sentence, fig = case
    found = [f for f in written.find_figures(sentence) if f.reading is not None]
    assert len(found) == 1
    assert found[0].raw == fig
    assert found[0].reading == written.read(fig)


def test_the_finder_reads_traditional_and_fullwidth_text_as_the_reader_does():
    simp = "2020年投入资金6102万元，同比增长10.3%，帮助1400多户。"
    trad = "2020年投入資金6102萬元，同比增長10.3％，幫助1400多戶。"
    a = [(f.start, f.reading.value, f.reading.interval) for f in written.find_figures(simp)]
    b = [(f.start, f.reading.value, f.reading.interval) for f in written.find_figures(trad)]
    assert a == b


def test_the_coverage_rule_counts_the_finders_tokens():
    assert data.NUMBER_TOKEN is written.NUMBER_TOKEN


# -- the draft of this article, measured against data/claims.csv ------------------------------

@pytest.fixture(scope="module")
def evaluation():
    mod = _eval_module()
    return {a["name"]: mod.evaluate(a) for a in mod.articles()}


def test_the_draft_recovers_95_percent_of_this_articles_figures(evaluation):
    r = evaluation[next(k for k in evaluation if k.startswith("this article"))]
    assert r["key"] == len(_rows(ROOT / "data" / "claims.csv"))
    assert r["recall"] / r["key"] >= 0.95, r["misses"]


def test_the_draft_proposes_most_of_this_articles_relations(evaluation):
    r = evaluation[next(k for k in evaluation if k.startswith("this article"))]
    assert r["proposed"] / r["gold_rel"] > 0.5
    for kind in ("growth", "base_year", "share"):
        assert sum(r["by_kind"][kind]) >= len(r["by_kind"][kind]) / 2, kind


def test_the_evaluation_can_fail(evaluation, tmp_path):
    """A key that disagrees with the draft (every period shifted) scores nothing."""
    mod = _eval_module()
    rows = _rows(ROOT / "data" / "claims.csv")
    for r in rows:
        r["period"] = "1999"
    bad = tmp_path / "claims.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    a = dict(mod.articles()[0], claims=bad)
    assert mod.evaluate(a)["recall"] == 0


def test_every_sample_article_drafts_with_high_recall(evaluation):
    for name, r in evaluation.items():
        assert r["recall"] / r["key"] >= 0.85, (name, r["misses"])


# -- a draft validates and audits at once -----------------------------------------------------

@pytest.mark.parametrize("article", [ARTICLE, PRACTICE, SAMPLES / "synthetic-qingshui" / "article.txt",
                                     SAMPLES / "synthetic-heshan" / "article.txt"],
                         ids=["this", "practice", "qingshui", "heshan"])
def test_a_draft_validates_and_audits(article, tmp_path):
    from debao_audit.audit import audit

    text = article.read_text(encoding="utf-8")
    folder = draft.write(draft.draft(text, slug="d", accessed=DAY, invented=article != ARTICLE,
                                     url=ARTICLE_URL if article == ARTICLE else None), tmp_path / "d")
    counts = validate_case(folder)
    assert counts["claims"] > 20 and counts["checks"] > 5
    assert (folder / "article.txt").read_bytes() == article.read_bytes()
    done = audit(folder, tmp_path / "out", draw=False)
    assert done.claims == counts["claims"]
    # suggested relations never count: no evidence, no tension, in the headline
    assert done.counts["evidence"] == 0 and done.counts["tension"] == 0
    assert set(done.found["kind"]) <= {"suggested"}


def test_the_drafts_case_json_marks_its_guesses(tmp_path):
    d = draft.draft(PRACTICE.read_text(encoding="utf-8"), slug="p", accessed=DAY, invented=True)
    c = d.case
    key = json.loads((ROOT / "cases/practice-lanshan/case.json").read_text(encoding="utf-8"))
    assert c["structure"]["headings"] == key["structure"]["headings"]
    assert c["structure"]["end_mark"] == key["structure"]["end_mark"]
    assert key["structure"]["dateline"].startswith(c["structure"]["dateline"])
    assert c["title"] == "广西岚山:“滨岚”携手书写东西部协作新篇章"
    assert c["invented"] is True and c["url"] == ""
    assert c["authors"] == ["虚构"] and c["title_en"].startswith("[draft]")
    assert "license" in d.todo and any(n["file"] == "case.json" and n["column"] == "license"
                                       for n in d.notes)
    assert all(cl.en.startswith("[draft]") for cl in d.claims)
    assert all(e["reason"].startswith("[draft]") for e in d.excluded)
    assert all(r["status"] == "suggested" for r in d.relations)
    notes = {(n["id"], n["column"]) for n in d.notes}
    assert all((cl.id, "period") in notes and (cl.id, "unit") in notes for cl in d.claims)


def test_names_dates_and_ordinals_are_proposed_as_exclusions():
    d = draft.draft(ARTICLE.read_text(encoding="utf-8"), slug="x", accessed=DAY, url=ARTICLE_URL)
    assert d.case["authors"] == ["陈仁宝", "沈永", "龚显宝"]
    by_ctx = {e["context"]: e["reason"] for e in d.excluded}
    assert "“十三五”" in by_ctx and "中新网广西新闻2月6日电" in by_ctx
    assert any("ordinal" in r for r in by_ctx.values())
    assert not any(c.written in ("十三五", "一") for c in d.claims)


@st.composite
def genre_article(draw):
    """An article of the genre, made of sentences an author might write: figures with and
    without units, years and periods, names, idioms, ordinals, traditional characters."""
    clauses = st.sampled_from([
        "{y}年投入帮扶资金{m}万元", "累计帮助{n}户贫困户", "共培训{n}人次", "引进企业{k}家",
        "截至{y}年{mo}月，累计投入{b}亿元", "同比增长{p}%", "“十三五”期间，{k}个贫困村出列",
        "带动贫困人口{w}万人以上", "近{k}名专家到县开展义诊", "打造了一批示范项目",
        "人才是第一资源", "{y}年以来，共有{n}名劳动力就业", "其中{k}个项目已完工",
        "5年来累计完成{b}亿元", "援建學校{k}所", "資金{m}萬元", "人均{n}元", "七星伴月项目",
        "两地共建{k}个基地", "占{p}%",
    ])
    n_par = draw(st.integers(min_value=1, max_value=4))
    paras = []
    for _ in range(n_par):
        cs = draw(st.lists(clauses, min_size=1, max_size=6))
        paras.append("，".join(c.format(
            y=draw(st.integers(2016, 2020)), mo=draw(st.integers(1, 12)),
            m=draw(st.integers(1, 9999)), n=draw(st.integers(2, 99999)),
            k=draw(st.integers(2, 99)), b=f"{draw(st.integers(1, 99)) / 10:.1f}",
            p=f"{draw(st.integers(1, 999)) / 10:.1f}", w=f"{draw(st.integers(11, 99)) / 10:.1f}")
            for c in cs) + "。")
    head = draw(st.sampled_from(["产业合作", "劳务协作", ""]))
    body = ("\n\n  ".join(paras[:1] + ([head] if head else []) + paras[1:]))
    return ("某县：山海协作结硕果\n发表时间:2021-03-01 10:00:00\n\n"
            f"  新华网广西2月28日电(记者 某)2016年9月起，某区对口帮扶某县。{body}(完)\n")


@settings(max_examples=examples(25))
@given(genre_article())
def test_any_article_of_the_genre_drafts_into_a_valid_case(text):
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        folder = draft.write(draft.draft(text, slug="g", accessed=DAY, url="https://example.org/a"),
                             Path(tmp) / "g")
        validate_case(folder)


# -- suggested relations: the status column ---------------------------------------------------

def _practice_copy(tmp_path, edit):
    import shutil
    dst = tmp_path / "practice-lanshan"  # a case folder is named by its slug
    shutil.copytree(ROOT / "cases" / "practice-lanshan", dst)
    rows = _rows(dst / "relations.csv")
    cols = list(rows[0]) + ["status"]
    for r in rows:
        r["status"] = ""
    edit(rows)
    with (dst / "relations.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return dst


def _results(folder):
    c = _case.load(folder)
    figs = checks.load_figures(case=c)
    return figs, checks.run(figs, c.registry())


def test_a_suggested_relation_counts_as_context_until_confirmed(tmp_path):
    def suggest_share(rows):
        for r in rows:
            if r["check_id"] == "jobs_guangdong_share":
                r["status"] = "suggested"
            if r["check_id"] == "dividend_per_capita":
                r["status"] = "confirmed"
    figs, res = _results(_practice_copy(tmp_path, suggest_share))
    by = {r.check.check_id: r for r in res}
    assert by["jobs_guangdong_share"].standing.rule == "suggested"
    assert by["jobs_guangdong_share"].counts_as == "context"
    assert by["dividend_per_capita"].verdict == "inconsistent"   # confirmed: counted as before


def test_a_failing_suggested_relation_is_a_suggested_finding_never_in_the_headline(tmp_path):
    def suggest(rows):
        for r in rows:
            if r["check_id"] == "dividend_per_capita":
                r["status"] = "suggested"
    figs, res = _results(_practice_copy(tmp_path, suggest))
    found = findings.build(figs, res)
    table = checks.results_frame(res)
    mine = found[found["checks"] == "dividend_per_capita"]
    assert list(mine["kind"]) == ["suggested"]
    assert "not confirmed" in mine["statement_en"].iloc[0]
    h = findings.headline(found, table)
    assert h["tensions"] == int((found["kind"] == "tension").sum())
    n = checks.counts(table)
    assert n["suggested"] == 1 and n["suggested_failing"] == 1
    assert n["tension"] == sum(r.verdict == "tension" and r.standing.rule != "suggested" for r in res)


def test_a_bad_status_is_one_line_naming_file_row_and_column(tmp_path):
    def bad(rows):
        rows[2]["status"] = "maybe"
    folder = _practice_copy(tmp_path, bad)
    with pytest.raises(data.DataError) as e:
        _case.load(folder).registry()
    msg = str(e.value)
    assert "relations.csv" in msg and "status" in msg and "row 3" in msg and "\n" not in msg


# -- the command line -------------------------------------------------------------------------

def test_draft_on_the_command_line_then_audit(tmp_path):
    rc, out, err = run_cli("draft", str(PRACTICE), str(tmp_path / "lanshan"), "--invented")
    assert rc == 0, err
    assert "claims" in out and "next: python -m debao_audit audit" in out
    rc, out, err = run_cli("audit", str(tmp_path / "lanshan"), "--out", str(tmp_path / "o"),
                           "--no-figures")
    assert rc == 0, err
    assert "suggested" in out


@pytest.mark.parametrize("setup, expected", [
    (lambda p: (p / "a.txt").write_bytes(b"\xff\xfe bad"), "expected UTF-8 text"),
    (lambda p: None, "expected a readable text file"),
])
def test_draft_refuses_bad_input_in_one_line(tmp_path, setup, expected):
    setup(tmp_path)
    rc, out, err = run_cli("new", str(tmp_path / "a.txt"), str(tmp_path / "case"))
    assert rc == 2 and expected in err and err.count("\n") == 1
    assert not (tmp_path / "case").exists()


def test_a_real_article_needs_its_address(tmp_path):
    rc, out, err = run_cli("draft", str(ARTICLE), str(tmp_path / "case"))
    assert rc == 2 and "--url" in err and err.count("\n") == 1
    assert not (tmp_path / "case").exists()


def test_draft_does_not_overwrite_a_folder(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "notes.txt").write_text("mine", encoding="utf-8")
    rc, out, err = run_cli("draft", str(PRACTICE), str(tmp_path / "case"), "--invented")
    assert rc == 2 and "--force" in err and err.count("\n") == 1
    assert (tmp_path / "case" / "notes.txt").read_text(encoding="utf-8") == "mine"


# -- bounded and fast --------------------------------------------------------------------------

def test_the_search_is_bounded_linear_in_the_claims():
    """Joined copies of the article: the relations suggested and the candidate pairs grow in
    proportion to the copies (the search never pairs figures across paragraphs beyond a fixed
    number), and the draft stays within seconds."""
    mod = _eval_module()
    text = ARTICLE.read_text(encoding="utf-8")
    st_ = draft.structure(text)
    i = text.find(st_["dateline"])
    body = text[i:text.find(st_["end_mark"], i)]
    sizes = []
    for k in (1, 4):
        t = text[:i] + "\n\n".join([body] * k) + "(完)\n"
        t0 = time.perf_counter()
        d = draft.draft(t, slug="t", accessed=DAY, url=ARTICLE_URL)
        sizes.append((len(d.claims), mod.pairs(d), len(d.relations), time.perf_counter() - t0))
    (n1, p1, r1, s1), (n4, p4, r4, s4) = sizes
    assert n4 == 4 * n1 and p4 <= 4 * p1 and r4 <= 4 * r1 + 4 * len(
        [c for c in d.claims if c.unit == "date"]) ** 2
    assert s4 < 10


# -- a figure's period from its paragraph: a year that frames it, never another figure's year --

def _periods(body: str) -> dict[str, str]:
    """The drafted period of each figure (by its text as written) of an article with *body*."""
    text = ("某县：山海协作结硕果\n发表时间:2021-03-01 10:00:00\n\n"
            f"  新华网广西2月28日电(记者 某){body}(完)\n")
    d = draft.draft(text, slug="p", accessed=DAY, invented=True)
    return {c.written: c.period for c in d.claims}


@pytest.mark.parametrize("body, figure, period", [
    # a year that sets the paragraph's time, in a sentence with no figure, frames the figures after it
    ("2020年初疫情来袭，人人自危。在这过程中，个人出资1.10万元购置5000个医用口罩。", "1.10万元", "2020"),
    ("2020年初疫情来袭，人人自危。在这过程中，个人出资1.10万元购置5000个医用口罩。", "5000个", "2020"),
    ("2020年初疫情来袭。截止目前已捐赠物资20余批次。", "20余批次", "2020–publication"),
    # a year in a sentence with figures (其中2020年完成…) is theirs, not the paragraph's
    ("5年来累计完成消费扶贫2.12亿元，其中2020年完成8650万元。截至目前，线上专馆累计卖出农产品9120万元。",
     "9120万元", "publication"),
    ("2018年投入资金500万元。共培训300人次。", "300人次", "unstated"),
    ("2020年，共帮助14280名劳动力就业。此外安排贫困人口860人上岗。", "860人", "unstated"),
    # the sentence's own words still come first
    ("2020年初疫情来袭。2019年投入资金500万元。", "500万元", "2019"),
])
def test_a_figure_takes_the_year_that_frames_its_paragraph(body, figure, period):
    assert _periods(body)[figure] == period


def test_the_article_misses_of_period_are_recovered(evaluation):
    """1.10万元 and 5000个 (2020, the paragraph's 2020年初) and the practice article's 9120万元
    (截至目前, not the 2020 of another figure) carry the key's period."""
    missed = {m[0] for r in evaluation.values() for m in r["misses"]}
    assert not missed & {"mask_purchase_cost", "masks_bought", "online_store_sales_cumulative"}


@settings(max_examples=examples(40))
@given(frame=st.integers(2016, 2020), bound=st.integers(2016, 2020),
       n=st.integers(2, 9999), m=st.integers(2, 9999),
       word=st.sampled_from([("人次", ""), ("个", "项目"), ("万元", ""), ("名", "教师")]))
def test_a_year_bound_to_another_figure_never_sets_a_later_ones_period(frame, bound, n, m, word):
    """Property: a sentence with its own year and figure (其中{bound}年完成{m}万元) inserted
    before a figure's sentence changes nothing of that figure's period; a framing year before
    both sets it."""
    figure = f"{n}{word[0]}"
    later = f"共完成{figure}{word[1]}。"
    alone = _periods(later)[figure]
    assert alone == "unstated"
    with_bound = _periods(f"其中{bound}年完成{m}万元。{later}")
    assert with_bound[figure] == alone
    framed = _periods(f"{frame}年，两地继续协作。其中{bound}年完成{m}万元。{later}")
    assert framed[figure] == str(frame)


def test_draft_eval_first_audit_reports_a_failing_step_in_one_line(tmp_path):
    """``tools/draft_eval.py --first-audit`` times each step and, if one fails, says which and
    why in its table's row (it once stopped on a traceback)."""
    mod = _eval_module()
    d, au, failed = mod.first_audit(tmp_path / "missing.txt")
    assert failed.startswith("draft: ") and "missing.txt" in failed and "\n" not in failed
