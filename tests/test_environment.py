"""The two install routes (venv + requirements.lock, conda + environment.yml) stay in step."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
from tools import write_environment  # noqa: E402


def test_environment_yml_pins_exactly_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == write_environment.pins()
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == write_environment.render()


def test_every_lock_line_is_an_exact_pin():
    for pin in write_environment.pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+!]+", pin), pin


def test_every_direct_requirement_is_pinned():
    direct = [l.strip() for l in (ROOT / "requirements.in").read_text().splitlines()
              if l.strip() and not l.startswith("#")]
    pinned = {p.split("==")[0].lower().replace("_", "-") for p in write_environment.pins()}
    for name in direct:
        assert name.lower().replace("_", "-") in pinned, name
