#!/usr/bin/env bash
# `make test` on a checkout the tests cannot write.  Run as root after `make env` (e.g. by
# .ci/run).  Two ways, the first that works here:
#   1. as the unprivileged user `nobody`, when nobody can read the checkout and run its .venv
#      (the checkout is root's; only a fresh HOME is writable);
#   2. as root, in a private mount namespace where the checkout is bind-mounted read-only (the
#      usual CI case: a root clone under /root, mode 700, that nobody cannot even read).
# It never skips: if neither way works it fails, saying why.  Before the suite, a canary pytest
# test that writes into the checkout (its root, figures/, data/processed/) is run the same way and
# must FAIL: so a test that writes the checkout really fails this run.  Then the whole suite must
# pass, and must have run tests (pytest exits non-zero when it collects none).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
home=$(mktemp -d)
chmod 755 "$home"
trap 'rm -rf "$home"' EXIT
cat >"$home/test_canary.py" <<'EOF'
import os
from pathlib import Path

def test_writes_the_checkout():
    root = Path(os.environ["READONLY_CHECKOUT"])
    for d in (root, root / "figures", root / "data" / "processed"):
        (d / ".readonly-canary").write_text("a test wrote the checkout")
EOF
# Run from the checkout: $1 = how (nobody|rootns); the rest, the command.
check_and_test() {
  # The canary must fail (nothing written); then the real suite.
  if .venv/bin/python -m pytest -q -p no:cacheprovider -p no:xdist -p no:nbval -c /dev/null \
       --rootdir "$HOME" "$HOME/test_canary.py" >"$HOME/canary.log" 2>&1; then
    echo "readonly_test: FAILED: a test could write the checkout ($1): not a read-only test" >&2
    exit 1
  fi
  grep -q "1 failed" "$HOME/canary.log" || { cat "$HOME/canary.log" >&2; echo "readonly_test: FAILED: the canary test did not run" >&2; exit 1; }
  echo "readonly_test: ok, a test writing the checkout fails here ($1)"
  # `make` with nothing to do succeeds without writing; `make site` fails in one line, naming
  # the path it cannot write (issue 16: no traceback on a read-only checkout).
  make --no-print-directory >"$HOME/make.log" 2>&1 || { cat "$HOME/make.log" >&2; echo "readonly_test: FAILED: make with nothing to do failed on a read-only checkout" >&2; exit 1; }
  grep -q " 0 of .* notebooks ran" "$HOME/make.log" || { cat "$HOME/make.log" >&2; echo "readonly_test: FAILED: make had something to do: commit the outputs first" >&2; exit 1; }
  if make --no-print-directory site >"$HOME/site.log" 2>&1; then
    echo "readonly_test: FAILED: make site wrote a read-only checkout" >&2; exit 1
  fi
  if grep -q Traceback "$HOME/site.log" || ! grep -q "^site: cannot write" "$HOME/site.log"; then
    cat "$HOME/site.log" >&2; echo "readonly_test: FAILED: make site did not fail in one line" >&2; exit 1
  fi
  echo "readonly_test: ok, make (nothing to do) and make site (one line) on a read-only checkout; now make test"
  make --no-print-directory test test-browser
}
export -f check_and_test
export READONLY_CHECKOUT="$here"

if command -v setpriv >/dev/null && as_nobody sh -c '.venv/bin/python -c ""' 2>/dev/null; then
  chown 65534:65534 "$home"
  echo "readonly_test: make test as user nobody"
  exec setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME="$home" MPLCONFIGDIR="$home/.mpl" bash -c 'check_and_test nobody'
fi
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
  echo "readonly_test: FAILED: cannot run the read-only test here: user nobody cannot run" \
       "$here/.venv, and a read-only bind mount needs root and unshare" >&2
  exit 1
fi
echo "readonly_test: make test on a read-only bind mount of $here"
exec unshare --mount bash -c '
  set -e
  mount --make-rprivate / 2>/dev/null || true
  if ! { mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"; }; then
    echo "readonly_test: FAILED: cannot bind-mount the checkout read-only (no CAP_SYS_ADMIN?)" >&2
    exit 1
  fi
  cd "$1"
  HOME="$2" MPLCONFIGDIR="$2/.mpl" check_and_test "read-only bind mount, as root"
' readonly "$here" "$home"
