"""How well ``python -m debao_audit draft`` drafts a case, measured against hand-made cases.

    .venv/bin/python -m tools.draft_eval            # the tables below, printed as Markdown
    .venv/bin/python -m tools.draft_eval --timing   # also draft time against article size

For each article with an answer key (this repository's article and ``data/claims.csv``; the
practice article and its case; the synthetic article of ``tests/draft_samples/``):

* **recall**: the answer key's figures the draft found with the same value, unit and period
  (a drafted claim matches a key figure when their spans in the text overlap);
* **precision**: the drafted claims that are a key figure with the same value, unit and period
  (and, looser, with the same value and unit);
* **relations proposed**: the key's relations between claims (checks of the kinds part/sum,
  share, growth, base year, per unit, timeline, same quantity) for which the draft suggests a
  relation over the same claims (or, for a relation of three or more claims, two or more of
  them and no other);
* **suggestions that hold up**: the suggested relations that are among the key's, and those
  whose verdict, run by the engine, agrees (consistent or within rounding, or a derived value).

The timing joins the three articles' bodies 1, 2 and 4 times over (about 50 to 300 figures)
and drafts each, reporting seconds and the number of candidate pairs the search looks at.
Nothing is written outside a temporary directory.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

from debao_audit import draft as D

from .paths import CHECKOUT

KINDS = {"part_whole", "share", "growth", "base_year", "per_unit", "timeline", "same_quantity"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _key_spans(text: str, rows: list[dict[str, str]]) -> list[tuple[int, int, dict]]:
    """Each key figure's span in the text: its quote's first place, the figure inside it (or,
    for a key with no quote, the figure's first place not taken by another)."""
    out, taken = [], set()
    for r in rows:
        if r.get("quote"):
            q = text.find(r["quote"])
            s = q + r["quote"].find(r["written"])
        else:      # the figure as a whole (not the 0 of 2016年10月), first place not taken
            import re
            s = next((m.start() for m in re.finditer(
                r"(?<![0-9.,])" + re.escape(r["written"]) + (r"(?![0-9.])" if r["written"][-1].isdigit() else ""), text)
                if m.start() not in taken), -1)
        taken.add(s)
        out.append((s, s + len(r["written"]), r))
    return out


def articles() -> list[dict]:
    syn = CHECKOUT / "tests" / "draft_samples" / "synthetic-qingshui"
    return [
        {"name": "this article (中新网广西, 2021-02-07)", "text": CHECKOUT / "data/raw/article.txt",
         "claims": CHECKOUT / "data/claims.csv", "checks": CHECKOUT / "data/processed/checks.csv",
         "published": None,
         "url": "http://www.gx.chinanews.com/gxgd/2021-02-07/detail-ihahmevx4432069.shtml"},
        {"name": "practice article (invented)", "text": CHECKOUT / "cases/practice-lanshan/article.txt",
         "claims": CHECKOUT / "cases/practice-lanshan/claims.csv",
         "checks": CHECKOUT / "data/processed/cases/practice-lanshan/checks.csv",
         "published": None},
        {"name": "synthetic article (traditional, fullwidth)", "text": syn / "article.txt",
         "claims": syn / "claims.csv", "relations": syn / "relations.csv", "published": None},
        {"name": "unseen synthetic article (drafted once, rules frozen)",
         "text": syn.parent / "synthetic-heshan" / "article.txt",
         "claims": syn.parent / "synthetic-heshan" / "claims.csv",
         "relations": syn.parent / "synthetic-heshan" / "relations.csv", "published": None},
    ]


def evaluate(a: dict) -> dict:
    text = a["text"].read_text(encoding="utf-8")
    t0 = time.perf_counter()
    d = D.draft(text, slug="eval", accessed=dt.date(2026, 12, 7), url=a.get("url"),
                invented=a.get("url") is None)
    seconds = time.perf_counter() - t0
    key = _key_spans(text, _rows(a["claims"]))
    to_key: dict[str, str] = {}
    full = loose = 0
    hits = set()
    for c in d.claims:
        k = next((r for s, e, r in key if s < c.end and c.start < e), None)
        if k is None:
            continue
        same = c.value == k["value"] and c.unit == k["unit"]
        loose += same
        if same and c.period == k["period"]:
            full += 1
            hits.add(k["id"])
        to_key[c.id] = k["id"]
    extra = [(c.id, c.written, c.value, c.unit, c.period) for c in d.claims
              if not any(s < c.end and c.start < e for s, e, _ in key)]
    misses = [(r["id"], r["written"], r["period"],
               next(((c.value, c.unit, c.period) for c in d.claims if c.start < e and s < c.end), None))
              for s, e, r in key if r["id"] not in hits]
    # the key's relations
    if "relations" in a:
        gold = [(frozenset(r["claims"].split(";")), r["kind"]) for r in _rows(a["relations"])]
    else:
        gold = [(frozenset(x for x in r["claims"].split(";") if x), r["kind"])
                for r in _rows(a["checks"]) if r["kind"] in KINDS]
        gold = [(g, k) for g, k in gold if len(g) >= 2]
    sugg = [frozenset(to_key.get(x, "?" + x) for x in ";".join((r["left"], r["right"], r["other"])).split(";")
                      if x and x != "publication") for r in d.relations]

    def match(s: frozenset, g: frozenset) -> bool:
        return s == g or (len(g) >= 3 and len(s) >= 2 and s <= g)

    proposed = [any(match(s, g) for s in sugg) for g, _ in gold]
    among = [any(match(s, g) for g, _ in gold) for s in sugg]
    # verdicts of the suggestions, run by the engine on the written draft
    from debao_audit import checks as C
    from debao_audit import case as K
    with tempfile.TemporaryDirectory() as tmp:
        D.write(d, Path(tmp) / "eval")
        case = K.load(Path(tmp) / "eval")
        figs = C.load_figures(case=case)
        results = C.run(figs, case.registry())
        verdicts = [r.verdict for r in results]
    agree = sum(v in ("consistent", "within_rounding", "not_checkable") for v in verdicts)
    by_kind: dict[str, list[bool]] = {}
    for (g, k), p in zip(gold, proposed):
        by_kind.setdefault(k, []).append(p)
    return {"name": a["name"], "key": len(key), "drafted": len(d.claims), "recall": full,
            "precision": full, "loose": loose, "seconds": seconds, "misses": misses,
            "gold_rel": len(gold), "proposed": sum(proposed), "suggested": len(sugg),
            "among": sum(among), "agree": agree, "by_kind": by_kind,
            "excluded": len(d.excluded), "extra": extra}


def pairs(d: D.Draft) -> int:
    """Candidate pairs the search looks at: within each sentence and paragraph window, and the
    nearest wholes of each figure (see draft.WINDOW, draft.NEAREST)."""
    from collections import Counter
    sent = Counter(c.sentence for c in d.claims)
    para = Counter(c.paragraph for c in d.claims)
    w = D.WINDOW
    return (sum(min(n, w) ** 2 for n in sent.values()) + sum(min(n, w) ** 2 for n in para.values())
            + D.NEAREST * len(d.claims))


def timing() -> list[tuple[str, int, int, float]]:
    """Draft time against size: article bodies (dateline to end mark) joined under the first
    article's head, so that every figure is in the body."""
    bodies = []
    for a in articles()[:3]:
        t = a["text"].read_text(encoding="utf-8")
        st = D.structure(t)
        i = t.find(st["dateline"])
        bodies.append(t[i:t.find(st["end_mark"], i)])
    head = articles()[0]["text"].read_text(encoding="utf-8")
    head = head[:head.find(D.structure(head)["dateline"])]
    out = []
    for label, parts in (("practice", [bodies[1]]), ("this article", [bodies[0]]),
                         ("all three", bodies), ("all three ×2", bodies * 2),
                         ("all three ×4", bodies * 4)):
        text = head + "\n\n".join(parts) + "(完)\n"
        best = min(_timed(text) for _ in range(3))
        d = D.draft(text, slug="t", accessed=dt.date(2026, 12, 7), invented=True)
        out.append((label, len(d.claims), pairs(d), best))
    return out


def _timed(text: str) -> float:
    t0 = time.perf_counter()
    D.draft(text, slug="t", accessed=dt.date(2026, 12, 7), invented=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--timing", action="store_true")
    p.add_argument("--misses", action="store_true", help="list the key figures not recovered")
    p.add_argument("--first-audit", action="store_true",
                   help="time `draft` then `audit` (figures and page) on the command line, per article")
    args = p.parse_args(argv)
    out = io.StringIO()
    print("| article | key figures | drafted claims | recall (value, unit, period) | precision "
          "(value, unit, period) | precision (value, unit) | key relations proposed | "
          "suggested relations | among the key's | agree when run | draft s |", file=out)
    print("|---|---|---|---|---|---|---|---|---|---|---|", file=out)
    details = []
    for a in articles():
        r = evaluate(a)
        print(f"| {r['name']} | {r['key']} | {r['drafted']} | {r['recall']}/{r['key']} = "
              f"{r['recall'] / r['key']:.1%} | {r['precision']}/{r['drafted']} = "
              f"{r['precision'] / r['drafted']:.1%} | {r['loose'] / r['drafted']:.1%} | "
              f"{r['proposed']}/{r['gold_rel']} = {r['proposed'] / max(1, r['gold_rel']):.0%} | "
              f"{r['suggested']} | {r['among']} ({r['among'] / max(1, r['suggested']):.0%}) | "
              f"{r['agree']} ({r['agree'] / max(1, r['suggested']):.0%}) | {r['seconds']:.2f} |",
              file=out)
        details.append(r)
    print("", file=out)
    print("Key relations proposed, by kind: " + "; ".join(
        f"{r['name'].split(' (')[0]}: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(r["by_kind"].items()))
        for r in details), file=out)
    if args.misses:
        for r in details:
            for m in r["misses"]:
                print(f"  miss [{r['name'].split(' (')[0]}] {m}", file=out)
            for m in r["extra"]:
                print(f"  not in the key [{r['name'].split(' (')[0]}] {m}", file=out)
    if args.timing:
        print("\n| text | claims | candidate pairs | draft seconds (best of 3) | "
              "seconds per 1000 pairs |\n|---|---|---|---|---|", file=out)
        for k, n, pr, s in timing():
            print(f"| {k} | {n} | {pr} | {s:.2f} | {1000 * s / pr:.2f} |", file=out)
    if args.first_audit:
        print("\n| article | draft (s) | first audit, with figures and page (s) | text to first "
              "audit (s) |\n|---|---|---|---|", file=out)
        for a in articles():
            d, au, failed = first_audit(a["text"], a.get("url"))
            print(f"| {a['name']} | {d:.1f} | " + (f"failed: {failed} | – |" if failed else
                                                   f"{au:.1f} | {d + au:.1f} |"), file=out)
    sys.stdout.write(out.getvalue())
    return 0


def first_audit(article: Path, url: str | None = None) -> tuple[float, float, str]:
    """Wall-clock seconds of ``python -m debao_audit draft`` and of the ``audit`` that follows
    (each a fresh interpreter, as a user runs them, with this checkout's ``src`` first on its
    path), in a temporary directory; and the step's one-line error if one failed ('' if not)."""
    import os
    import subprocess
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(CHECKOUT / "src")] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        times = []
        for argv in (["draft", str(article), str(folder)]
                     + (["--url", url] if url else ["--invented"]),
                     ["audit", str(folder), "--out", str(Path(tmp) / "out")]):
            t0 = time.perf_counter()
            p = subprocess.run([sys.executable, "-m", "debao_audit", *argv], capture_output=True,
                               text=True, cwd=tmp, env=env)
            times.append(time.perf_counter() - t0)
            if p.returncode:
                last = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
                return times[0], times[-1], f"{argv[0]}: {last.replace('|', '/')}"
    return times[0], times[1], ""


if __name__ == "__main__":
    sys.exit(main())
