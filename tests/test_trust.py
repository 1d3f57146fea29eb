"""A case's code runs only when the user trusts its folder, only from a plain file in it, and
then in a separate, limited process: however it ends, one line (issue 22)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import pytest

from debao_audit import case, sandbox
from inprocess import run_cli
from test_cases import PRACTICE, copy_case

ROOT = PRACTICE.parents[1]
TRUST_WORDS = ("--trust", "DEBAO_TRUST")

REGISTER = "def register(registry):\n    pass\n"


@pytest.fixture(autouse=True)
def _no_trust(monkeypatch):
    monkeypatch.delenv(case.TRUST_ENV, raising=False)
    monkeypatch.setattr(case, "_TRUSTED", set())


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_an_untrusted_case_runs_none_of_its_code(tmp_path):
    """audit, validate and what-if: the case's checks.py is refused, naming --trust and
    DEBAO_TRUST; the file it would have written does not exist."""
    from debao_audit.validate import main as validate_main

    marker = tmp_path / "ran"
    folder = copy_case(tmp_path / "evil", code=f"open({str(marker)!r}, 'w').write('x')\n"
                       + REGISTER, slug="evil", module="checks.py")
    rc, out, err = run_cli("audit", str(folder), "--out", str(tmp_path / "out"), "--no-figures")
    line = _one_line(err)
    assert rc == 2 and all(w in line for w in TRUST_WORDS) and "not trusted" in line
    rc, out, err = run_cli("what-if", "--case", str(folder), "population_total=1")
    assert rc == 2 and all(w in _one_line(err) for w in TRUST_WORDS)
    rc, out, err = run_cli("what-if", "--case", str(folder), "--list")
    assert rc == 0 or all(w in _one_line(err) for w in TRUST_WORDS)
    assert validate_main([str(folder)]) == 2
    assert not marker.exists() and not (tmp_path / "out").exists()
    # trusted, it runs (in the sandbox's process: the marker is written there)
    rc, out, err = run_cli("audit", str(folder), "--trust", "--out", str(tmp_path / "out"),
                           "--no-figures")
    assert rc == 0, err
    assert marker.exists()


def test_a_data_only_case_needs_no_trust():
    rc, out, err = run_cli("what-if", "--case", str(PRACTICE), "rural_income_growth_annual=10%")
    assert rc == 0 and "verdicts change" in out, err


@pytest.mark.parametrize("module, why", [
    ("tmp.t.evil", "expected the name of a Python file"),
    ("this", "expected the name of a Python file"),
    ("os", "expected the name of a Python file"),
    (".checks", "expected the name of a Python file"),
    ("../checks.py", "expected the name of a Python file"),
    ("sub/checks.py", "expected the name of a Python file"),
    ("a.b.py", "expected the name of a Python file"),
    ("link.py", "a symbolic link"),
    ("dir.py", "not a regular file"),
    (7, "expected the name of a Python file"),
])
def test_a_module_is_a_plain_file_in_the_folder(tmp_path, module, why):
    outside = tmp_path / "outside.py"
    outside.write_text(REGISTER, encoding="utf-8")
    folder = copy_case(tmp_path / "m", slug="m", module=module)
    (folder / "link.py").symlink_to(outside)
    (folder / "dir.py").mkdir()
    with pytest.raises(case.CaseError, match=why):
        case.load(folder)
    rc, out, err = run_cli("audit", str(folder), "--trust", "--out", str(tmp_path / "o"),
                           "--no-figures")
    assert rc == 2 and why.split()[0] in _one_line(err)


def test_trust_by_setting(tmp_path, monkeypatch):
    folder = copy_case(tmp_path / "t", code=REGISTER, slug="t", module="checks.py")
    c = case.load(folder)
    assert not case.is_trusted(c)
    monkeypatch.setenv(case.TRUST_ENV, str(tmp_path / "elsewhere"))
    assert not case.is_trusted(c)
    monkeypatch.setenv(case.TRUST_ENV, os.pathsep.join(["/nowhere", str(folder)]))
    assert case.is_trusted(c)
    monkeypatch.setenv(case.TRUST_ENV, "1")
    assert case.is_trusted(c)
    assert case.is_trusted(case.default())  # the repository's own case (its installed package)


@pytest.mark.parametrize("code, says, command", [
    ("import os\nos._exit(0)\n", "ended the process (exit status 0) before it finished", "audit"),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt", "validate"),
    ("raise SystemExit(0)\n", "SystemExit", "what-if"),
    (REGISTER.replace("pass", "raise KeyboardInterrupt('in register')"), "KeyboardInterrupt",
     "audit"),
    ("import os\ndef register(registry):\n    os._exit(3)\n", "exited with status 3", "validate"),
    ("import os\ndef register(registry):\n    os._exit(0)\n", "before it finished", "what-if"),
])
def test_a_module_that_exits_or_interrupts_is_one_line(tmp_path, code, says, command):
    """The case's code runs in its own limited child in every case; the command itself runs
    as a real command line for the first case and in this process for the others (the same
    entry point: one interpreter fewer each)."""
    folder = copy_case(tmp_path / "x", code=code, slug="x", module="checks.py")
    argv = {"audit": ["-m", "debao_audit", "audit", str(folder), "--out", str(tmp_path / "o"),
                      "--no-figures", "--trust"],
            "validate": ["-m", "debao_audit.validate", "--trust", str(folder)],
            "what-if": ["-m", "debao_audit", "what-if", "--trust", "--case", str(folder),
                        "population_total=1"]}[command]
    if code.startswith("import os\nos._exit(0)"):
        r = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=120)
        rc, err = r.returncode, r.stderr
    elif command == "validate":
        from debao_audit import validate
        with contextlib.redirect_stderr(io.StringIO()) as buf, \
                contextlib.redirect_stdout(io.StringIO()):
            rc = validate.main(argv[2:])
        err = buf.getvalue()
    else:
        rc, _, err = run_cli(*argv[2:])
    assert rc == 2, (rc, err)
    line = _one_line(err)
    assert says in line, line
    assert not (tmp_path / "o").exists()


def test_a_trusted_module_stopped_by_the_time_limit(tmp_path, monkeypatch):
    folder = copy_case(tmp_path / "slow", code="import time\ntime.sleep(60)\n" + REGISTER,
                       slug="slow", module="checks.py")
    monkeypatch.setattr(sandbox, "CASE_LIMITS", sandbox.Limits(seconds=2, memory_mb=4096))
    rc, out, err = run_cli("audit", str(folder), "--trust", "--out", str(tmp_path / "o"))
    assert rc == 2 and "time limit" in _one_line(err)


@pytest.mark.parametrize("argv", [["--help"], ["audit", "--help"], ["what-if", "--help"]])
def test_every_help_says_what_trusting_means(argv):
    rc, out, err = run_cli(*argv)
    text = " ".join(out.split())
    assert rc == 0 and "--trust" in text or "DEBAO_TRUST" in text
    assert "anything you can" in text


def test_validate_help_says_what_trusting_means():
    r = subprocess.run([sys.executable, "-m", "debao_audit.validate", "--help"],
                       capture_output=True, text=True, timeout=60)
    assert "anything you can do" in " ".join(r.stdout.split())


#: A case module that ends its process in the middle of the audit's final moves: it wraps
#: os.replace and calls os._exit(0) after the third move into the output.
EXIT_MID_WRITE = REGISTER + '''
import os
_real, _moves = os.replace, []
def _replace(src, dst):
    _real(src, dst)
    if ".audit-" in str(src) and ".audit-" not in str(dst):
        _moves.append(dst)
        if len(_moves) == 3:
            os._exit(0)
os.replace = _replace
'''


def _tree(d):
    """Each file's bytes and inode: a file put back is the very file that was there."""
    return {str(p.relative_to(d)): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(d.rglob("*")) if p.is_file()}


def test_a_module_ending_the_process_mid_write_leaves_the_output_as_it_was(tmp_path):
    """os._exit in the middle of the final moves: the previous output is put back whole (and a
    new output directory is not left behind), in one line, with nothing half-written."""
    folder = copy_case(tmp_path / "x", code=REGISTER, slug="x", module="checks.py")
    out = tmp_path / "o"
    from debao_audit.audit import audit
    case.trust(folder)          # the previous output, made in this process (a harmless module)
    audit(folder, out, draw=False)
    before = _tree(out)
    (folder / "checks.py").write_text(EXIT_MID_WRITE, encoding="utf-8")
    for target in (out, tmp_path / "fresh"):   # the other edition: another page
        rc, _, err = run_cli("audit", str(folder), "--out", str(target), "--no-figures",
                             "--trust", "--edition", "quotes")
        assert rc == 2 and "before it finished" in _one_line(err), err
    assert _tree(out) == before
    assert not any(p.name.startswith(".audit-") for p in out.rglob("*"))
    assert not (tmp_path / "fresh").exists()
