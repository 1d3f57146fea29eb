"""debao_audit.sandbox: others' work runs in a separate, limited process, and however it ends,
the caller gets one line."""

from __future__ import annotations

import sys
import time

import pytest

from debao_audit import sandbox

FAST = sandbox.Limits(seconds=20, memory_mb=512)


def test_call_returns_a_json_value():
    out = sandbox.call("json:loads", "[1, 2, 3]", limits=FAST)
    assert out.ok and out.value == [1, 2, 3], out.describe()
    assert out.describe() == "finished"


@pytest.mark.parametrize("code, says", [
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ("raise SystemExit(3)", "SystemExit: 3"),
    ("import sys; sys.exit(0)", "SystemExit (sys.exit(0)) before it finished"),
    ("raise ValueError('bad\\n value')", "ValueError: bad value"),
    ("import os; os._exit(0)", "exit status 0) before it finished"),
    ("import os; os._exit(7)", "exited with status 7"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", "ended by signal SIGTERM"),
])
def test_every_way_out_is_one_line(code, says):
    out = sandbox.call("builtins:exec", code, limits=FAST)
    assert not out.ok
    line = out.describe()
    assert says in line and "\n" not in line, line


def test_memory_limit():
    out = sandbox.call("builtins:exec", "x = bytearray(2 * 1024**3)",
                       limits=sandbox.Limits(seconds=20, memory_mb=256))
    assert not out.ok
    assert "MemoryError" in out.describe() or "memory" in out.describe(), out.describe()


def test_time_limit_kills_the_whole_group():
    started = time.monotonic()
    out = sandbox.run([sys.executable, "-c",
                       "import subprocess, sys, time; "
                       "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
                       "time.sleep(60)"], limits=sandbox.Limits(seconds=1.5, memory_mb=512))
    assert out.timed_out and not out.ok
    assert time.monotonic() - started < 15
    assert out.describe() == "stopped after 1.5 s (the time limit)"


def test_file_size_limit():
    out = sandbox.call("builtins:exec", "import os, tempfile\n"
                       "with tempfile.TemporaryFile() as f: f.write(b'x' * (3 * 1024**2)); f.flush()",
                       limits=sandbox.Limits(seconds=20, memory_mb=512, file_mb=1))
    assert not out.ok
    assert "File too large" in out.describe() or "SIGXFSZ" in out.describe(), out.describe()


def test_run_reports_a_failing_command_by_its_last_line():
    out = sandbox.run([sys.executable, "-c", "import sys; print('first'); sys.exit('last words')"],
                      limits=FAST)
    assert not out.ok and out.returncode == 1
    assert out.describe() == "exited with status 1: last words"


def test_the_child_knows_it_is_sandboxed():
    out = sandbox.call("os:getenv", sandbox.ENV_FLAG, limits=FAST)
    assert out.value == "1"


def test_bad_target_and_limits_refused():
    with pytest.raises(ValueError):
        sandbox.call("json.loads", "1")
    with pytest.raises(ValueError):
        sandbox.Limits(seconds=0)
