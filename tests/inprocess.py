"""``python -m debao_audit ARGV`` run in the test's own process (the CLI tests each keep one
real ``python -m`` run per command; the rest call the entry point here, without a new
interpreter)."""

from __future__ import annotations

import contextlib
import io


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``python -m debao_audit ARGV`` in this process: exit status, stdout, stderr."""
    from debao_audit.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(list(argv))
        except SystemExit as e:  # argparse: only for --help and unknown options
            rc = e.code
    return rc, out.getvalue(), err.getvalue()
