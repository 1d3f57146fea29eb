#!/usr/bin/env bash
# `make test` on a checkout the tests cannot write: run as the unprivileged user `nobody`, with
# only a fresh HOME of its own writable.  Run as root after `make env` (and `make`), e.g. by
# .ci/run.  Fails if the checkout is writable by that user, or if any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if ! as_nobody test -r Makefile; then
  echo "readonly_test: user nobody cannot read $(pwd) (a parent directory is private); skipped" >&2
  exit 0
fi
if as_nobody test -w . || as_nobody test -w figures || as_nobody test -w data/processed; then
  echo "readonly_test: the checkout is writable by nobody: not a read-only test" >&2
  exit 1
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
chown 65534:65534 "$home"
as_nobody env HOME="$home" MPLCONFIGDIR="$home/.mpl" make --no-print-directory test
