"""No unfilled template reaches a reader: no ``{name}`` placeholder in any stored notebook
output, in the CSVs of data/processed/ and figures/, or in the annotated page; and the
metadata speaks of the repository alone."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
CSVS = sorted((ROOT / "data" / "processed").glob("*.csv")) + sorted((ROOT / "figures").glob("*.csv"))
PAGE = ROOT / "figures" / "annotated_article.html"


def placeholders(text: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)))


def _outputs(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            texts = ["".join(out.get("text", ""))]
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("json") or mime == "image/svg+xml":
                    texts.append(value if isinstance(value, str) else "".join(value)
                                 if isinstance(value, list) else json.dumps(value))
            yield i, "\n".join(texts)


def test_the_detector_finds_a_template_and_passes_filled_text():
    assert placeholders("■ {medical_experts} medical experts, but {professionals_sent}") == [
        "{medical_experts}", "{professionals_sent}"]
    assert placeholders("■ 近200名 medical experts; a set {1, 2}; css{color:red}; {}") == []


def test_there_is_something_to_scan():
    assert NOTEBOOKS and CSVS and PAGE.exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_no_placeholder_in_notebook_outputs(path):
    found = [(i, placeholders(t)) for i, t in _outputs(path) if placeholders(t)]
    assert not found, f"{path.name}: cells with unfilled templates: {found}"


@pytest.mark.parametrize("path", CSVS + [PAGE], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_placeholder_in_written_files(path):
    found = placeholders(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: unfilled templates {found}"


def test_article_metadata_points_only_inside_the_repository():
    meta = json.loads((ROOT / "data" / "raw" / "article.meta.json").read_text(encoding="utf-8"))
    text = json.dumps(meta, ensure_ascii=False)
    assert (ROOT / "data" / "raw" / meta["file"]).is_file()
    assert not re.search(r"(?<![:/\w])(\.\./|/(work|home|tmp|Users)/|[A-Za-z]:\\\\)", text), text
    assert "shared/" not in text and "seed" not in text
