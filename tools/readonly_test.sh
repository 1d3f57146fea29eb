#!/usr/bin/env bash
# `make test` on a checkout the tests cannot write.  Run as root after `make env` (e.g. by
# .ci/run).  Two ways, the first that works here:
#   1. as the unprivileged user `nobody` (the checkout is root's; only a fresh HOME is writable);
#   2. as root, in a private mount namespace where the checkout is bind-mounted read-only
#      (when `nobody` cannot run the environment's Python, e.g. a pyenv interpreter under /root).
# Fails if the checkout turns out to be writable, or if any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
if command -v setpriv >/dev/null && as_nobody sh -c '.venv/bin/python -c ""' 2>/dev/null; then
  if as_nobody test -w . || as_nobody test -w figures || as_nobody test -w data/processed; then
    echo "readonly_test: the checkout is writable by nobody: not a read-only test" >&2
    exit 1
  fi
  chown 65534:65534 "$home"
  echo "readonly_test: make test as user nobody"
  exec setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME="$home" MPLCONFIGDIR="$home/.mpl" make --no-print-directory test
fi
echo "readonly_test: make test on a read-only bind mount of $(pwd)"
exec unshare --mount sh -c '
  set -e
  mount --make-rprivate / 2>/dev/null || true
  mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"
  cd "$1"
  if touch .readonly-probe 2>/dev/null; then rm -f .readonly-probe; echo "not read-only" >&2; exit 1; fi
  HOME="$2" MPLCONFIGDIR="$2/.mpl" make --no-print-directory test
' readonly "$(pwd)" "$home"
