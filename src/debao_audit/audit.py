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

import json
import os
import shutil
import tempfile
import time
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

    tables = Path(tables)
    figdir = Path(figures_dir) if figures_dir is not None else tables / "figures"
    if draw and figdir.resolve() == tables.resolve():
        raise ValueError(f"audit: expected the figures in a directory other than the tables' "
                         f"(the findings figure's findings.csv would replace the table); "
                         f"found both in {tables}")
    check_output(tables)
    check_output(figdir, inside=tables)  # before anything runs or is written
    recover(tables)    # a killed audit's half-done moves undone first
    validate_case(folder)
    c = _case.load(folder)
    figs = checks.load_figures(case=c)
    results = checks.run(figs)
    table = checks.results_frame(results)
    found = findings.build(figs, results)
    # Everything is made in a scratch directory beside the first output (same file system, so
    # each final move is one rename), then moved into place; a failure puts back what was there.
    created = [q for out in (tables, figdir) for q in (*reversed(out.parents), out)
               if not q.exists()]
    tables.mkdir(parents=True, exist_ok=True)
    figdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".audit-", dir=tables))
    (scratch / "pid").write_text(str(os.getpid()), encoding="ascii")   # whose (recover)
    moved: list[tuple[Path, Path | None]] = []
    try:
        made: list[tuple[Path, Path]] = []
        for name, frame in (("checks.csv", table), ("findings.csv", found)):
            made.append((data.write_csv(frame, scratch / "t" / name), tables / name))
        if draw:
            for rec in _figures.build_all(scratch / "f", figs=figs, results=results, case=c):
                made += [(p, figdir / p.name) for p in rec["paths"].values()]
        p = page.write_page(scratch / "f" / "annotated_article.html", case=c, edition=edition)
        made.append((p, figdir / p.name))
        for k, (d, files) in enumerate(((tables, [m for m in made if m[1].parent == tables]),
                                        (figdir, [m for m in made if m[1].parent == figdir]))):
            marker = scratch / f"marker-{k}"
            marker.write_text(json.dumps({"slug": c.slug, "files": sorted(
                {q.name for _, q in files} | _previous(d))}, ensure_ascii=False),
                encoding="utf-8")
            made.append((marker, d / MARKER))
        old = scratch / "old"
        old.mkdir()
        # the journal of the moves, written before the first: a process ended mid-way (killed,
        # or a case's code calling os._exit from a thread) leaves what recover() undoes
        _write_journal(scratch, made, created)
        for n, (src, dst) in enumerate(made):
            keep = None
            if dst.exists() or dst.is_symlink():
                keep = old / f"{n}"
                os.replace(dst, keep)
            moved.append((dst, keep))
            os.replace(src, dst)
    except BaseException:
        for dst, keep in reversed(moved):  # put back what was there, remove what was new
            try:
                if keep is not None:
                    os.replace(keep, dst)
                else:
                    dst.unlink(missing_ok=True)
            except OSError:
                pass
        shutil.rmtree(scratch, ignore_errors=True)
        for d in sorted(set(created), key=lambda q: len(q.parts), reverse=True):
            try:
                d.rmdir()
            except OSError:
                pass
        raise
    os.replace(scratch / JOURNAL, scratch / DONE)   # every move made: nothing to undo
    shutil.rmtree(scratch, ignore_errors=True)
    return Audit(c.slug, len(figs.claims), dict(checks.counts(results)), table, found,
                 tuple(dst for _, dst in made if dst.name != MARKER))


#: An audit's journal in its scratch directory (``.audit-*`` in the tables' directory): the moves
#: it is about to make, for :func:`recover`; renamed to :data:`DONE` once all are made.
JOURNAL, DONE = "journal.json", "journal.done"


def _write_journal(scratch: Path, made: list[tuple[Path, Path]], created: list[Path]) -> None:
    doc = {"moves": [[str(s), str(d)] for s, d in made],
           "created": [str(q) for q in created]}
    part = scratch / (JOURNAL + ".part")
    part.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    os.replace(part, scratch / JOURNAL)


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def recover(tables: str | Path) -> list[Path]:
    """Undo what an audit that ended mid-way (killed, ``os._exit``) left in ``tables``: each
    scratch directory (``.audit-*``) of a process no longer running puts back the files its
    moves replaced, removes those it added and the directories it created, and goes; a
    finished audit's leftover scratch directory just goes.  Returns the directories
    restored.  Called before every audit into ``tables``, and by ``audit`` when the case's
    process it ran in the sandbox ends without finishing."""
    tables = Path(tables)
    restored: list[Path] = []
    try:
        scratches = sorted(q for q in tables.iterdir()
                           if q.name.startswith(".audit-") and q.is_dir() and not q.is_symlink())
    except OSError:
        return restored
    for scratch in scratches:
        try:
            doc = json.loads((scratch / JOURNAL).read_text(encoding="utf-8"))
        except FileNotFoundError:
            doc = None                    # nothing moved yet, or everything (DONE)
        except (OSError, ValueError):
            continue                      # not ours to judge: left as it is
        try:
            pid = int((scratch / "pid").read_text(encoding="ascii"))
        except (OSError, ValueError):
            pid = None
        if pid is not None and _alive(pid):
            continue                      # an audit still running
        if pid is None:
            try:   # an older scratch directory, or one whose process died at once
                if time.time() - scratch.stat().st_mtime < STALE_SCRATCH_SECONDS:
                    continue
            except OSError:
                continue
        created: list[Path] = []
        if doc is not None:
            moves = [(Path(s), Path(d)) for s, d in doc.get("moves", [])]
            old = scratch / "old"
            for n in reversed(range(len(moves))):
                src, dst = moves[n]
                if src.parent.parent != scratch and src.parent != scratch:
                    continue              # never outside its own scratch directory
                keep = old / f"{n}"
                try:
                    if keep.exists() or keep.is_symlink():
                        os.replace(keep, dst)          # what was there, back
                    elif not (src.exists() or src.is_symlink()):
                        dst.unlink(missing_ok=True)    # new: moved in, taken out
                except OSError:
                    pass
            created = [Path(q) for q in doc.get("created", [])]
            restored.append(tables)
        shutil.rmtree(scratch, ignore_errors=True)
        for d in sorted(created, key=lambda q: len(q.parts), reverse=True):
            try:
                d.rmdir()                 # only if empty: the directories it made
            except OSError:
                pass
    return restored


#: A scratch directory without a journal older than this was left by a killed audit.
STALE_SCRATCH_SECONDS = 3600


#: The file an audit leaves in each directory it writes, naming the files it wrote there: the
#: next audit may replace them, and nothing else.
MARKER = ".debao-audit.json"


def _previous(d: Path) -> set[str]:
    """The files a previous audit wrote in ``d`` (its marker's list)."""
    try:
        doc = json.loads((d / MARKER).read_text(encoding="utf-8"))
        return {f for f in doc.get("files", []) if isinstance(f, str) and "/" not in f}
    except (OSError, ValueError, AttributeError):
        return set()


def check_output(d: Path, inside: Path | None = None) -> None:
    """An audit's output directory is confined: never in the checkout's own inputs or outputs
    (only under its ``build/`` and the build's ``.build/``), not itself a symbolic link, and
    either absent, empty, or holding only a previous audit's files (its marker's list;
    ``inside``: the tables directory, which may hold the figures directory)."""
    from . import data

    d = Path(d)
    shown = str(d)
    real = d.resolve()
    root = data.ROOT.resolve()
    if real == root or (root in real.parents and not any(
            (root / ok) == real or (root / ok) in real.parents for ok in ("build", ".build"))):
        raise ValueError(f"{shown}: expected an output directory outside the checkout's own "
                         f"files (or under its build/); found a directory of the checkout "
                         f"({real.relative_to(root) if real != root else '.'}): an audit never "
                         f"writes over the article's inputs and outputs")
    if d.is_symlink():
        raise ValueError(f"{shown}: expected an output directory, not a symbolic link; found "
                         f"a link to {os.readlink(d)}")
    if not d.exists():
        return
    if not d.is_dir():
        raise ValueError(f"{shown}: expected a directory for the audit's files; found a file")
    allowed = _previous(d) | {MARKER}
    if inside is None and (d / "figures").is_dir():
        allowed.add("figures")
    try:
        foreign = sorted(q.name for q in d.iterdir()
                         if q.name not in allowed and not q.name.startswith(".audit-")
                         and not (inside is not None and q.resolve() == Path(inside).resolve()))
    except OSError as e:
        raise ValueError(f"{shown}: expected a readable directory; found {e.strerror}") from None
    if foreign:
        raise ValueError(f"{shown}: expected an empty directory or a previous audit's output; "
                         f"found {len(foreign)} other file(s), e.g. {foreign[0]!r} (nothing was "
                         f"written; choose another --out)")
