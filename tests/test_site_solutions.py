"""The site and the worked solutions (issue 14): each notebook's page links its own solution
page; `make site` leaves the solutions out unless asked (`SOLUTIONS=1`): a site is handed to
students by default."""

import importlib
import subprocess
from pathlib import Path

from debao_audit import data

ROOT = data.ROOT
NB = ROOT / "notebooks" / "03-examine-income-growth.ipynb"
SOL = ROOT / "notebooks" / "solutions" / "03-examine-income-growth-solutions.ipynb"


def _tool():
    mod = importlib.import_module("tools.build_site")
    return mod


def test_a_notebook_page_links_its_solution_page_and_none_without(tmp_path):
    tool = _tool()
    with_sol = tool.convert_notebooks([NB], tmp_path / "a", [SOL])
    page = (tmp_path / "a" / "notebooks" / f"{NB.stem}.html").read_text(encoding="utf-8")
    assert f'href="solutions/{SOL.stem}.html"' in page
    assert (tmp_path / "a" / "notebooks" / "solutions" / f"{SOL.stem}.html").is_file()
    assert any(i["solution"] for i in with_sol)
    without = tool.convert_notebooks([NB], tmp_path / "b", [])
    page = (tmp_path / "b" / "notebooks" / f"{NB.stem}.html").read_text(encoding="utf-8")
    assert "-solutions.html" not in page
    assert not (tmp_path / "b" / "notebooks" / "solutions").exists()
    assert not any(i["solution"] for i in without)


def test_make_site_leaves_solutions_out_unless_asked():
    def dry(*args):
        return subprocess.run(["make", "-n", "site", *args], cwd=ROOT, capture_output=True,
                              text=True).stdout
    assert "tools.build_site --solutions" in dry("SOLUTIONS=1")
    for default in ((), ("SOLUTIONS=0",)):
        assert "--solutions" not in dry(*default)
    assert _tool().build.__kwdefaults__["solutions"] is False  # the tool's own default too
