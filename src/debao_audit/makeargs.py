"""make's arguments, read as data: ``make what-if ARGS="..."`` and ``make validate CASE=...
TRUST=1`` pass them in the environment (``DEBAO_MAKE_ARGS``, ``DEBAO_MAKE_CASE``,
``DEBAO_MAKE_TRUST``, exported by the Makefile unexpanded), never through a shell command line;
ARGS is split here like a shell's words (:func:`shlex.split`: quotes, no substitution, no
``;``), so ``ARGS='x=1;touch /tmp/y'`` is one odd argument, refused in one line.

``make what-if`` refuses in one line and exits 0, so that make adds no "Error 2" line of its own
to the refusal; scripts that need the status call ``python -m debao_audit what-if``.
"""

from __future__ import annotations

import os
import shlex
import sys


def main(argv: list[str] | None = None) -> int:
    command = (sys.argv[1:] if argv is None else argv)[:1]
    if command == ["what-if"]:
        from .__main__ import main as cli
        try:
            words = shlex.split(os.environ.get("DEBAO_MAKE_ARGS", ""))
        except ValueError as e:
            print(f"what-if: ARGS: expected words as a shell would split them; found {e} "
                  f"in {os.environ.get('DEBAO_MAKE_ARGS', '')!r}", file=sys.stderr)
            return 0
        try:
            rc = cli(["what-if", *(words or ["--help"])])
        except SystemExit as e:  # argparse's own refusals (an unknown option) and --help
            rc = e.code if isinstance(e.code, int) else 2
        return 0 if rc == 2 else rc
    if command == ["validate"]:
        from .validate import main as validate
        case = os.environ.get("DEBAO_MAKE_CASE", "")
        trust = os.environ.get("DEBAO_MAKE_TRUST", "").strip().lower() in ("1", "yes", "true")
        return validate(([case] if case else []) + (["--trust"] if trust else []))
    print(f"makeargs: expected what-if or validate; found {command}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
