"""The README's findings, the rules table of docs/design.md and the gallery of docs/figures.md
are current; the README lists every notebook and docs/data.md describes every data file."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gallery_is_current():
    r = subprocess.run([sys.executable, "-m", "tools.write_gallery", "--check"], cwd=ROOT,
                       capture_output=True, text=True, env={"MPLBACKEND": "Agg", "PATH": ""})
    assert r.returncode == 0, r.stderr


def test_every_notebook_and_data_file_is_described():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"notebooks/{nb.name}" in readme, nb.name
    data_page = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert "](docs/data.md)" in readme
    for f in ["data/raw/article.txt", "data/raw/article.meta.json", "data/claims.csv",
              "data/excluded_tokens.csv", "data/unchecked_claims.csv",
              "data/external/reference_figures.csv", "data/processed/checks.csv",
              "data/processed/findings.csv", "data/case.json", "data/relations.csv",
              "data/datapackage.json"]:
        assert f"| `{f}` |" in data_page, f
    assert "make test" in readme and "\nmake " in readme


def test_headline_counts_are_current():
    """The README's opening numbers are the ones the data and checks give today."""
    from debao_audit import checks, data

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    claims = data.load_claims()
    table = checks.build()
    n = checks.counts(table)
    assert f"**{len(claims)} quantitative statements**" in readme
    assert f"**{n['checks']} relations**" in readme
    assert f"**{n['evidence']} are evidence**" in readme
    assert f"{n['consistent']} *consistent*" in readme
    assert f"**{n['inconsistent']} *inconsistent***" in readme
    assert f"{n['trivial']} *trivial*" in readme
    assert f"{n['coincidence']} *coincidences*" in readme
    assert f"{n['tension']} *tensions*" in readme
    assert f"{n['context']} *context* checks" in readme
    assert f"{n['context_holding']} agree)" in readme
    assert f"{n['derived']} *derived*" in readme
    assert n["derived"] == n["not_checkable"]
    assert n["within_rounding"] == 0 or "within rounding" in readme
