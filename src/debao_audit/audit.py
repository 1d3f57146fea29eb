"""Audit any case end to end: validation, checks, findings, figures and the annotated page.

:func:`audit` is what ``python -m debao_audit audit FOLDER`` and the build's per-case step
(``tools/build.py``, one step per ``cases/<slug>/``) run.  Everything is computed and drawn into
a private temporary directory first; only when all of it succeeded are the files moved into
place (each by an atomic rename), so a failure leaves the output directories as they were.

Written, for a case whose slug is ``SLUG``:

* ``TABLES/checks.csv`` and ``TABLES/findings.csv``: the verdict table and the findings table,
  the same schemas as this repository's ``data/processed/`` (``data/outputs.datapackage.json``);
* ``FIGURES/<name>.{png,svg,csv}``: the engine's figures (findings scorecard, verdicts by power
  and by kind, every check) and the case module's theme figures, if it has any;
* ``FIGURES/annotated_article.html``: the annotated page (edition ``full``, or ``quotes`` for a
  page to publish an article under copyright).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Audit:
    """What an audit found and wrote."""
    slug: str
    claims: int
    counts: dict[str, int]
    table: pd.DataFrame
    found: pd.DataFrame
    written: tuple[Path, ...]

    def summary(self) -> list[str]:
        """The findings in a few lines, as the command line prints them."""
        from . import findings

        n = self.counts
        head = findings.headline_sentence(self.found, self.table)
        lines = [f"{self.slug}: {self.claims} claims, {n['checks']} checks ({n['evidence']} "
                 f"evidence, {n['context']} context, {n['trivial']} trivial, "
                 f"{n['coincidence']} coincidence, {n['derived']} derived)",
                 head[0].upper() + head[1:] + "."]
        lines += [f"  {f.finding_id} [{f.kind}] {f.statement_en}"
                  for f in self.found.itertuples()]
        return lines


def audit(folder: str | Path, tables: str | Path, figures_dir: str | Path | None = None,
          edition: str = "full", draw: bool = True) -> Audit:
    """Validate the case in ``folder``, run its checks, build its findings, and write the
    tables into ``tables`` and the figures and page into ``figures_dir`` (default
    ``tables/figures``: the figures' own ``findings.csv`` must not replace the table's).  Raises :class:`~debao_audit.case.CaseError` or
    :class:`~debao_audit.data.DataError` (one line each) before anything is written."""
    from . import case as _case
    from . import checks, data, findings, page
    from . import figures as _figures
    from .validate import validate_case

    validate_case(folder)
    c = _case.load(folder)
    figs = checks.load_figures(case=c)
    results = checks.run(figs)
    table = checks.results_frame(results)
    found = findings.build(figs, results)
    tables = Path(tables)
    figdir = Path(figures_dir) if figures_dir is not None else tables / "figures"
    if draw and figdir.resolve() == tables.resolve():
        raise ValueError(f"audit: expected the figures in a directory other than the tables' "
                         f"(the findings figure's findings.csv would replace the table); "
                         f"found both in {tables}")
    # Everything is made in a scratch directory beside the first output (same file system, so
    # each final move is one rename), then moved into place.
    tables.mkdir(parents=True, exist_ok=True)
    figdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".audit-", dir=tables))
    try:
        made: list[tuple[Path, Path]] = []
        for name, frame in (("checks.csv", table), ("findings.csv", found)):
            made.append((data.write_csv(frame, scratch / "t" / name), tables / name))
        if draw:
            for rec in _figures.build_all(scratch / "f", figs=figs, results=results, case=c):
                made += [(p, figdir / p.name) for p in rec["paths"].values()]
        p = page.write_page(scratch / "f" / "annotated_article.html", case=c, edition=edition)
        made.append((p, figdir / p.name))
        for src, dst in made:
            os.replace(src, dst)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Audit(c.slug, len(figs.claims), dict(checks.counts(results)), table, found,
                 tuple(dst for _, dst in made))
