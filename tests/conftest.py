"""Test configuration shared by all test modules.

Hypothesis runs derandomized (the same examples on every machine, so a CI failure can be
reproduced) and without a per-example deadline (CI machines are slower and noisier than a
laptop; the properties, not the timings, are under test).

**Where the browser tests run.**  Every test that uses the shared Chromium (the fixtures
``playwright``, ``browser`` and anything built on them, such as test_page's ``tab``) is marked
``browser`` here, at collection, as are the real Jupyter server tests (test_jupyter_server.py,
marked in the module) and the tests that read the built site (test_site.py, marked there: the
site is built once, for them and the Chromium test that opens every page).  ``make test``
leaves them out; ``make test-browser`` runs them (and the what-if property tests, marker
``properties``, with all their examples), and ``.ci/run`` runs it right after ``make test``."""

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from strength import examples

# 200 examples for a property that does not set its own number, a quarter of them in make test
# (strength.py)
settings.register_profile("project", derandomize=True, deadline=None,
                          max_examples=examples(200), database=None)
settings.load_profile("project")


def chromium_executable() -> str:
    """Debian's chromium (no browser download); skips, saying why, where it is missing."""
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if exe is None:
        pytest.skip("chromium not installed: apt-get install chromium (done by .ci/run)")
    return exe


BROWSER_FIXTURES = {"playwright", "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that drives Chromium (directly or through a fixture built on it) is a browser
    test, whatever its module: ``make test-browser`` runs it, ``make test`` does not."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            # a quarter of its examples in make test, all of them in make test-browser
            item.add_marker(pytest.mark.properties)


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
