"""How many examples each Hypothesis property tries: all of them in ``make test-browser``
(``DEBAO_FULL_PROPERTIES=1``; ``.ci/run`` runs it right after ``make test``), a quarter in
``make test``.  Every Hypothesis test is marked ``properties`` at collection (conftest.py), so
``make test-browser`` runs each one again with all its examples."""

from __future__ import annotations

import os

FULL_PROPERTIES = os.environ.get("DEBAO_FULL_PROPERTIES") == "1"


def examples(n: int) -> int:
    """``n`` examples at full strength; a quarter of them (at least 5) in ``make test``."""
    return n if FULL_PROPERTIES else max(n // 4, 5)
