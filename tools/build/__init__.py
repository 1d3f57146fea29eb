"""The build behind ``make``: validate the inputs, then bring every output up to date, all or
nothing.

The graph
    Each notebook is a build step.  Its inputs are its own cells' sources plus the files it
    really read when it last ran (recorded in the kernel by an audit hook: the package modules it
    imported, the data files, the fonts), plus ``requirements.lock`` and this package.  Its outputs
    are the files it wrote (figures, ``data/processed/``) and the executed notebook itself.  A
    step re-runs when an input's content changed (sha256, never mtimes) or when one of its
    committed outputs no longer has the bytes it wrote.  Every other case folder
    (``cases/<slug>/``, see ``debao_audit.case``) is a step too: its audit
    (``python -m debao_audit audit``) writes its tables under ``data/processed/cases/<slug>/``
    and its figures and page under ``figures/cases/<slug>/``; its inputs are the case folder,
    the package and the fonts.  The gallery (``tools/write_gallery.py``: the rendered blocks of
    the README and the docs pages, ``GALLERY_OUTPUTS``) is one more step, after the notebooks.
    No notebook reads another's outputs (checked on every run: reading a committed output is
    an error), so all steps that need to run run in parallel, one per core.

All or nothing
    Every step writes into its own directory under ``.build/stage-<pid>/`` (through the one output
    setting, ``DEBAO_AUDIT_OUTPUT``).  Only when every step succeeded are the changed files moved
    into place: each output to be replaced or deleted gets a backup (a hard link) in the staging
    directory, a journal of the moves is written (atomically), each file is renamed over its
    target (same file system, so each rename is atomic), the new manifest last, then the journal
    is removed.  A run that fails, is interrupted or killed before the journal exists changes
    nothing; one killed while moving is completed by the next run before it does anything else
    (SIGINT and SIGTERM are held off while moving).  A move that fails (an unwritable or
    immutable target) is rolled back from the backups: nothing changed; if even that fails, the
    journal and the staging directory are kept, the message names exactly the outputs that
    changed and those that did not, and the next run completes the commit (or says, in one line,
    why it still cannot).  Stale staging directories and temporary files left by killed runs
    are removed at the start of every run, once no journal needs them.

Confined to the outputs
    The build writes, renames and deletes only the declared output set: a notebook step its own
    executed notebook and files under ``figures/`` and ``data/processed/``, a case step files
    under its own ``data/processed/cases/<slug>/`` and ``figures/cases/<slug>/``, the gallery
    step ``README.md``, ``docs/design.md`` and ``docs/figures.md``, and the build's own
    ``build-manifest.json`` and ``.build/``.  Every path is checked (relative, normal, its
    directory resolved with symlinks followed) before anything is done: a manifest or journal
    naming anything else, or a notebook writing anything else, is refused with one line and
    nothing changes.

The manifest (committed)
    What each step last read and wrote, as content hashes, is kept in ``build-manifest.json``
    at the repository root, which is committed with the outputs: a fresh clone whose outputs are
    current runs nothing.  The runner trusts a step's record only when every hash in it matches
    the checkout (and the record's own checksum matches, so a line-wise merge that mixed two
    records is not trusted); otherwise the step runs.  It is written only when it changes, and
    only after a successful commit (a failed or killed run leaves it as it was, so the next run
    simply re-runs what it cannot vouch for).

The parts
    ``steps`` (step discovery and the declared output set), ``manifest`` (content hashes, the
    committed manifest), ``commit`` (staging, the commit journal, rollback), ``runner`` (the
    kernels and case audits), ``errors`` (one-line failures), ``__main__`` (the command line
    and the run); every path comes from one :class:`tools.paths.Paths`.

Usage: ``python -m tools.build [--force] [--jobs N]`` (``make``, ``make rebuild``).  Output: one
line per notebook and a summary.
"""
