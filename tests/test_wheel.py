"""The engine installs like any tool: a wheel built from the repository, installed in a fresh
virtual environment outside the checkout, audits a case folder anywhere.

The wheel is built from a copy of the sources (tools/build_lite.py's :func:`build_wheel`: an
in-place build would write ``build/`` into the checkout), installed with the locked versions
of its dependencies into a temporary venv, and its console script ``debao-audit`` audits a copy
of the practice case in a temporary directory, with no ``DEBAO_AUDIT_ROOT`` and no path into
the checkout.  The tables it writes must be the ones the checkout's build committed.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Builds a wheel and a venv (about 20 s with a warm uv cache): `make test-build`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PRACTICE = ROOT / "cases" / "practice-lanshan"
COMMITTED = ROOT / "data" / "processed" / "cases" / "practice-lanshan"


def _build_lite():
    mod = importlib.import_module("tools.build_lite")
    return mod


def _clean_env() -> dict[str, str]:
    """The environment of a user's shell: nothing pointing into the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBAO_AUDIT_ROOT", "DEBAO_AUDIT_OUTPUT", "PYTHONPATH", "VIRTUAL_ENV",
                        "DEBAO_FONT_CACHE")}
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with the repository's wheel installed: its bin/."""
    base = tmp_path_factory.mktemp("wheel")
    wheel = _build_lite().build_wheel(base)
    names = zipfile.ZipFile(wheel).namelist()
    for font in ("NotoSansCJKsc-Regular-subset.otf", "NotoSansCJKsc-Bold-subset.otf", "OFL.txt"):
        assert f"debao_audit/fonts/{font}" in names, f"{font} is not package data of the wheel"
    venv = base / "venv"
    uv = Path(sys.executable).parent / "uv"
    lock = ROOT / "requirements.lock"
    if uv.exists():
        subprocess.run([str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)],
                       check=True, cwd=base)
        subprocess.run([str(uv), "pip", "install", "--quiet", "--python",
                        str(venv / "bin" / "python"), str(wheel), "-c", str(lock)],
                       check=True, cwd=base)
    else:  # make env's pip route
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, cwd=base)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--disable-pip-version-check", str(wheel), "-c", str(lock)],
                       check=True, cwd=base)
    return venv / "bin"


def test_the_installed_engine_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = subprocess.run([str(installed / "python"), "-c",
                            "import debao_audit, debao_audit.style as s; "
                            "print(debao_audit.__file__); print(s.FONT_DIR)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path,
                           env=_clean_env()).stdout.split()
    for path in where:
        assert not Path(path).resolve().is_relative_to(ROOT), path
        assert Path(path).resolve().is_relative_to(installed.parent), path


def test_the_console_script_audits_the_practice_case_anywhere(installed, tmp_path):
    folder = shutil.copytree(PRACTICE, tmp_path / "somewhere" / "practice-lanshan")
    out = tmp_path / "out"
    run = subprocess.run([str(installed / "debao-audit"), "audit", str(folder), "--out",
                          str(out)], capture_output=True, text=True, cwd=tmp_path,
                         env=_clean_env(), timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr
    assert run.stdout.startswith("practice-lanshan: "), run.stdout  # case.json's slug
    for name in ("checks.csv", "findings.csv"):
        assert (out / name).read_bytes() == (COMMITTED / name).read_bytes(), name
    for name in ("findings.png", "annotated_article.html"):
        assert (out / "figures" / name).stat().st_size > 0, name
    page = (out / "figures" / "annotated_article.html").read_text(encoding="utf-8")
    assert "@font-face" in page and "url(data:font/woff2" in page
    assert not list(tmp_path.glob("**/build")), "the audit wrote outside --out"


def test_the_console_script_drafts_a_case_anywhere_and_audits_it(installed, tmp_path):
    """From an article's text alone, outside the checkout: ``draft`` writes a case folder that
    the installed engine audits at once (issue 24: the wheel drafts and audits)."""
    article = tmp_path / "text" / "article.txt"
    article.parent.mkdir()
    shutil.copyfile(PRACTICE / "article.txt", article)
    folder = tmp_path / "somewhere" / "my-draft"
    env = _clean_env()
    run = subprocess.run([str(installed / "debao-audit"), "draft", str(article), str(folder),
                          "--invented"], capture_output=True, text=True, cwd=tmp_path,
                         env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    for name in ("case.json", "claims.csv", "excluded_tokens.csv", "relations.csv"):
        assert (folder / name).is_file(), name
    out = tmp_path / "out"
    run = subprocess.run([str(installed / "debao-audit"), "audit", str(folder), "--out",
                          str(out)], capture_output=True, text=True, cwd=tmp_path,
                         env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("my-draft: "), run.stdout
    checks = (out / "checks.csv").read_text(encoding="utf-8").splitlines()
    assert len(checks) > 1, "the draft's suggested relations were not audited"
    assert not list(tmp_path.glob("**/build")), "the audit wrote outside --out"
