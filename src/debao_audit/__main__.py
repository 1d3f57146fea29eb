"""The command line: ``python -m debao_audit SUBCOMMAND ...``.

``what-if ID=WRITTEN [ID=WRITTEN ...] [--csv]``
    Re-run every check with figures replaced as the article would write them and show the
    verdicts that change (see :func:`debao_audit.what_if`).  Reads the data, writes nothing.
    Any input ends in the verdicts or in one line on stderr naming the id, the value and why
    it is refused (exit status 2).  ``what-if --list`` prints every id with its quote.

``audit FOLDER [--out DIR] [--tables DIR] [--figures DIR] [--edition full|quotes] [--no-figures]``
    Audit any article laid out as a case folder (see :mod:`debao_audit.case`): validation,
    checks, findings, figures, annotated page (:func:`debao_audit.audit.audit`, all or
    nothing); prints the findings.  The page quotes the figures in context (edition
    ``quotes``) unless the case is invented (``"invented": true`` in case.json) or ``--edition
    full`` is given: an article under copyright is not printed whole by default.

``draft ARTICLE.txt FOLDER [--url URL | --invented] [--published DATE] [--force]`` (or ``new``)
    Draft a case folder from an article's text (:mod:`debao_audit.draft`): it validates and
    audits at once; every guess is marked for the author.

``grade SUBMISSIONS [--out DIR] [--timeout S] [--cell-timeout S] [--memory MB] [--jobs N]``
    Run every student's notebooks (and capstone case folder) in isolation, each submission in
    its own limited process in a temporary copy, and write one CSV of exercise results per
    student and a summary (:mod:`debao_audit.grade`).  A broken submission is a row with its
    error; exit status 0.

**Trusting a folder.**  A case folder may bring Python code (``"module": "checks.py"`` in its
case.json).  It runs only with ``--trust`` (or ``DEBAO_TRUST=1``): trusting a folder means letting
its code do anything you can do (read, change, send your files); trust only folders whose code
you have read or whose author you trust.  Even then it runs in a separate process with time and
memory limits (:mod:`debao_audit.sandbox`).  Without ``--trust`` such a case is refused, saying
so, before any of its code runs; a case without a module is data only and never runs code.

Each subcommand is one ``add_*`` function registering its parser and its handler, so that
another subcommand can be added beside it without touching the others.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


#: The help of every ``--trust`` option, and the epilog of every command that has one
#: (``python -m debao_audit.validate`` too).
TRUST_HELP = ("run the case folder's own Python code (its case.json's \"module\"), in a separate "
              "process with time and memory limits. Trusting a folder means letting its code "
              "do anything you can: read, change or send your files. Without it (or "
              "DEBAO_TRUST=1) a case with code is refused before any of it runs; a case without "
              "code is data only")
EPILOG = ("Trust: a case folder's Python (\"module\" in its case.json) runs only with --trust "
          "or DEBAO_TRUST=1, and then in a separate process with time and memory limits; "
          "trusting a folder lets its code do anything you can do. A case without code is data "
          "only.")


def command(sub: argparse._SubParsersAction, name: str, handler: Handler, *, help: str,
            description: str, trust: bool = False) -> argparse.ArgumentParser:
    """Register the subcommand ``name`` (its parser, its handler and, for a command that may
    run a case's code, ``--trust``); the caller adds its own arguments to the parser returned."""
    p = sub.add_parser(name, help=help, description=description)
    p.set_defaults(handler=handler)
    if trust:
        p.add_argument("--trust", action="store_true", help=TRUST_HELP)
    return p


def _case_of(args: argparse.Namespace):
    """The case ``--case FOLDER`` names (None: this repository's)."""
    if not getattr(args, "case", None):
        return None
    from . import case as _case
    if getattr(args, "trust", False):
        _case.trust(args.case)
    return _case.load(args.case)


def _sandboxed(folder: str | None, trust: bool) -> bool:
    """Whether this command must run again in the sandbox: a case whose code is trusted to run,
    and this process is not already the sandbox's."""
    from . import case as _case
    from . import sandbox

    if not folder or sandbox.inside():
        return False
    try:
        c = _case.load(folder)
    except (_case.CaseError, OSError, ValueError):
        return False  # the command reports it, in one line
    if trust:
        _case.trust(folder)
    return c.module is not None and not _case.is_own(c) and _case.is_trusted(c)


def _list(args: argparse.Namespace) -> int:
    """Every figure what-if can replace: its id, the figure as written and its quote."""
    from . import checks

    c = _case_of(args)
    figs = checks.load_figures(case=c)
    where = "data/claims.csv" if c is None else str(c.claims)
    print(f"Claims ({where}): id, as written, quote")
    for k, c in figs.claims.items():
        print(f"  {k}  {c.written}  「{c.quote}」")
    print("External figures (data/external/): id, as written, quote")
    for k, e in figs.external.items():
        written = e.reading.raw if e.reading is not None else e.value
        quote = " ".join(e.quote.split())
        print(f"  {k}  {written}  「{quote}」")
    return 0


def _what_if(args: argparse.Namespace) -> int:
    from .whatif import WhatIfError, as_mapping, what_if

    from .case import CaseError

    if _sandboxed(args.case, args.trust):
        from . import sandbox
        return sandbox.rerun("debao_audit", args.argv, f"what-if: {args.case}")
    try:
        if args.list:
            return _list(args)
        _case_of(args)
    except CaseError as e:
        print(f"what-if: {e}", file=sys.stderr)
        return 2
    if not args.overrides:
        print("what-if: give at least one ID=WRITTEN (e.g. rural_income_growth_annual=9.56%), "
              "or --list to see the ids", file=sys.stderr)
        return 2
    from .data import DataError
    try:
        overrides = as_mapping(args.overrides)
        table = what_if(overrides, case=_case_of(args))
    except (WhatIfError, CaseError, DataError) as e:
        print(f"what-if: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a case's own code failing while its checks run: still one line
        print(one_line("what-if", e).replace("; nothing was written", ""), file=sys.stderr)
        return 2
    for note in table.attrs.get("notes", []):
        print(f"what-if: note: {note}", file=sys.stderr)
    changed = table[table["changed"]]
    if args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["check_id", "before", "after"])
        w.writerows(changed[["check_id", "before", "after"]].itertuples(index=False))
        return 0
    given = ", ".join(f"{k} = {v}" for k, v in overrides.items())
    print(f"With {given}: {len(changed)} of {len(table)} verdicts change.")
    for r in changed.itertuples(index=False):
        print(f"  {r.check_id}: {r.before} -> {r.after}")
        print(f"      {r.title}")
        print(f"      reported {r.reported} | implied {r.implied}")
    return 0


def add_what_if(sub: argparse._SubParsersAction) -> None:
    p = command(
        sub, "what-if", _what_if, trust=True, help="verdicts before and after replacing figures (nothing is written)",
        description="Re-run every check with some of the article's figures replaced, written "
                    "as the article would write them (9.56%, 近180名, 5.8万人以上), and show the "
                    "verdicts that change. Reads data/, writes nothing. A figure that cannot be "
                    "read or cannot stand for its id is refused in one line.")
    # kept as typed: debao_audit.whatif.as_mapping splits them, so a malformed one is refused
    # in one line like any other bad input (not with argparse's usage text)
    p.add_argument("overrides", nargs="*", metavar="ID=WRITTEN",
                   help="a claim id (data/claims.csv) or external id and the figure as written")
    p.add_argument("--list", action="store_true",
                   help="list the ids that can be replaced, each with its quote, and exit")
    p.add_argument("--csv", action="store_true",
                   help="print check_id,before,after for the verdicts that change, as CSV")
    p.add_argument("--case", metavar="FOLDER",
                   help="another case folder (e.g. cases/practice-lanshan); default: data/")


def _audit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import case as _case
    from . import data
    from .audit import audit

    slug = Path(args.folder).resolve().name
    out = Path(args.out) if args.out else Path("build") / "cases" / slug
    if _sandboxed(args.folder, args.trust):
        from . import sandbox
        from .audit import recover
        status = sandbox.rerun("debao_audit", args.argv, f"audit: {args.folder}")
        if status != 0:   # ended mid-way (os._exit, a limit): its half-made moves undone
            recover(Path(args.tables) if args.tables else out)
        return status
    if args.trust:
        _case.trust(args.folder)
    try:
        edition = args.edition or ("full" if _case.load(args.folder).invented else "quotes")
        done = audit(args.folder, Path(args.tables) if args.tables else out,
                     Path(args.figures) if args.figures else out / "figures",
                     edition=edition, draw=not args.no_figures)
    except (_case.CaseError, data.DataError, ValueError) as e:
        print(f"audit: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        what = "the disk is full" if e.errno == 28 else (e.strerror or str(e))
        print(f"audit: {e.filename or 'an output'}: {what}; nothing was written",
              file=sys.stderr)
        return 2
    except Exception as e:  # a case's own code failing while its checks run: still one line
        import traceback
        where = [f for f in traceback.extract_tb(e.__traceback__)
                 if "debao_audit" not in f.filename.replace("\\", "/").split("/")]
        at = f" ({where[-1].filename}, line {where[-1].lineno})" if where else ""
        print(f"audit: {args.folder}: failed{at}: {type(e).__name__}: "
              f"{' '.join(str(e).split())[:200]}; nothing was written", file=sys.stderr)
        return 2
    for line in done.summary():
        print(line)
    shown = [p for p in done.written if p.suffix != ".svg" and p.suffix != ".png"
             or p.stem == "findings"]
    print(f"written: {len(done.written)} files, e.g. {', '.join(str(p) for p in shown[:4])}")
    return 0


def add_audit(sub: argparse._SubParsersAction) -> None:
    p = command(
        sub, "audit", _audit, trust=True, help="validate a case folder, run its checks, write its findings and page",
        description="Audit any article laid out as a case folder (case.json, article, claims, "
                    "excluded tokens, external figures, relations.csv): validation, checks, "
                    "findings, annotated page. Prints the findings.")
    p.add_argument("folder", help="the case folder, e.g. cases/practice-lanshan")
    p.add_argument("--out", help="where to write checks.csv, findings.csv and the page, and "
                                 "the figures in OUT/figures (default build/cases/FOLDER-NAME)")
    p.add_argument("--tables", help="where to write checks.csv and findings.csv (default OUT)")
    p.add_argument("--figures", help="where to write the figures and the page "
                                     "(default OUT/figures)")
    p.add_argument("--edition", choices=("full", "quotes"), default=None,
                   help="the page's edition: the whole annotated text (full), or only the "
                        "quoted figures in context (quotes). Default: full for an invented "
                        "case (\"invented\": true in case.json), quotes for any other (an "
                        "article under copyright is not printed whole unless asked)")
    p.add_argument("--no-figures", action="store_true",
                   help="skip the figures (tables and page only: faster)")


def _draft(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from . import case as _case
    from . import data
    from .draft import draft, write

    name = args.command
    try:
        raw = Path(args.article).read_bytes()
    except OSError as e:
        print(f"{name}: {args.article}: expected a readable text file; got "
              f"{e.strerror or e}", file=sys.stderr)
        return 2
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"{name}: {args.article}: expected UTF-8 text; found byte {raw[e.start]:#x} at "
              f"offset {e.start}", file=sys.stderr)
        return 2
    try:
        published_at = dt.datetime.fromisoformat(args.published) if args.published else None
        if published_at is not None and published_at.tzinfo is None:
            published_at = published_at.replace(tzinfo=dt.timezone(dt.timedelta(hours=8)))
    except ValueError:
        print(f"{name}: --published: expected an ISO date or date and time (2021-02-07 or "
              f"2021-02-07T00:54:07+08:00); found {args.published!r}", file=sys.stderr)
        return 2
    slug = Path(args.folder).resolve().name
    try:
        d = draft(text, slug=slug, url=args.url, invented=args.invented,
                  published_at=published_at)
        folder = write(d, args.folder, force=args.force)
    except (FileExistsError, _case.CaseError, data.DataError, ValueError) as e:
        print(f"{name}: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{name}: {e.filename or args.folder}: {e.strerror or e}; nothing was written",
              file=sys.stderr)
        return 2
    print(f"drafted {folder}: {len(d.claims)} claims, {len(d.excluded)} excluded tokens, "
          f"{len(d.relations)} suggested relations (status 'suggested' in relations.csv)")
    print(f"guessed: {', '.join(d.guessed)}")
    print(f"to do: {'; '.join(d.todo)}; claims.csv: en and topic; relations.csv: confirm, edit "
          "or delete each suggested row (draft_notes.csv lists every guess)")
    print(f"next: python -m debao_audit audit {args.folder}")
    return 0


def add_draft(sub: argparse._SubParsersAction) -> None:
    for name in ("draft", "new"):
        p = command(
            sub, name, _draft, help="draft a case folder from an article's text (" + (
                "the same as draft" if name == "new" else "claims, exclusions, suggested "
                "relations") + ")",
            description="Draft a case folder from an article's text, for the author to refine: "
                        "case.json (title, checksum, dateline, headings, end mark: guessed and "
                        "marked), claims.csv (one row per figure of the body), "
                        "excluded_tokens.csv (dates, ordinals, names, with reasons), "
                        "relations.csv (relations suggested by the arithmetic, status "
                        "'suggested' until confirmed) and draft_notes.csv (every guess). The "
                        "folder validates and audits at once.")
        p.add_argument("article", help="the article's text (UTF-8), e.g. article.txt")
        p.add_argument("folder", help="the case folder to create, e.g. cases/my-article")
        p.add_argument("--url", help="the article's address (else the first one written in "
                                     "the text; a real article needs one)")
        p.add_argument("--invented", action="store_true",
                       help="a made-up article (for practice or tests): it has no address")
        p.add_argument("--published", help="publication date (ISO); else the page's timestamp "
                                           "or the dateline")
        p.add_argument("--force", action="store_true",
                       help="replace the folder's files if it is not empty")


def add_grade(sub: argparse._SubParsersAction) -> None:
    from .grade import add_grade as add
    add(sub)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [add_what_if, add_audit,
                                                                    add_draft, add_grade]


def parser() -> argparse.ArgumentParser:
    import os
    # the console script (``debao-audit``, installed with the wheel) or ``python -m debao_audit``
    prog = ("debao-audit" if os.path.basename(sys.argv[0] or "") == "debao-audit"
            else "python -m debao_audit")
    p = argparse.ArgumentParser(prog=prog,
                                description="debao-audit: the article's figures, checked.",
                                epilog=EPILOG)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return p


def one_line(prog: str, e: BaseException) -> str:
    """An exception that escaped a command (a case's own code raising KeyboardInterrupt or
    SystemExit, say) as one line naming where it was raised outside the engine."""
    import traceback
    where = [f for f in traceback.extract_tb(e.__traceback__)
             if "debao_audit" not in f.filename.replace("\\", "/").split("/")]
    at = f" ({where[-1].filename}, line {where[-1].lineno})" if where else ""
    msg = " ".join(str(e).split())[:200]
    return f"{prog}: stopped{at}: {type(e).__name__}{': ' + msg if msg else ''}; nothing was written"


def main(argv: Sequence[str] | None = None) -> int:
    from . import sandbox

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    args.argv = argv
    handler: Handler = args.handler
    try:
        return sandbox.finished(handler(args))
    except BrokenPipeError:      # the reader stopped reading (`... --list | head`): not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return sandbox.finished(0)
    except (KeyboardInterrupt, SystemExit) as e:  # a case's code raising them: one line
        if isinstance(e, KeyboardInterrupt) and not sandbox.inside():
            print(f"{args.command}: interrupted; nothing was written", file=sys.stderr)
            return 130
        print(one_line(args.command, e), file=sys.stderr)
        return sandbox.finished(2)


if __name__ == "__main__":
    sys.exit(main())
