"""Test configuration shared by all test modules.

Hypothesis runs derandomized (the same examples on every machine, so a CI failure can be
reproduced) and without a per-example deadline (CI machines are slower and noisier than a
laptop; the properties, not the timings, are under test)."""

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("project", derandomize=True, deadline=None, max_examples=200,
                          database=None)
settings.load_profile("project")


def chromium_executable() -> str:
    """Debian's chromium (no browser download); skips, saying why, where it is missing."""
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if exe is None:
        pytest.skip("chromium not installed: apt-get install chromium (done by .ci/run)")
    return exe


@pytest.fixture(scope="session")
def playwright():
    """The pinned playwright's sync API, started once per test process."""
    chromium_executable()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (pinned) not installed")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    """One headless Chromium for the whole session (per xdist worker), driven by the pinned
    playwright: the page, axe-core and site tests share it.  Skips, saying why, where chromium
    is missing."""
    b = playwright.chromium.launch(executable_path=chromium_executable(),
                                   args=["--no-sandbox", "--disable-gpu"])
    yield b
    b.close()
