"""debao_audit: an audit of the figures in a 2021 China News Service report on Shenzhen
Nanshan's paired poverty-alleviation assistance to Debao County, Guangxi.

Modules, by role:

* :mod:`debao_audit.interval`: exact interval arithmetic on Decimals.
* :mod:`debao_audit.written`: reading numbers as written (``2.24亿元``, ``1400多户``, ``近200名``).
* :mod:`debao_audit.data`: loading and validating the data files; atomic writers.
* :mod:`debao_audit.checks`: the relations between figures and their verdicts.
* :mod:`debao_audit.style`: the figure style (shipped CJK font, palette, deterministic saving).
* :mod:`debao_audit.page`: the annotated article page.
* :mod:`debao_audit.whatif`: :func:`what_if`, the verdicts for figures the article might have written.
* :mod:`debao_audit.tables`: the notebooks' HTML tables (pandas Styler, deterministic ids).
* :mod:`debao_audit.teaching`: exercises that check themselves (``check("03-3", answer)``)
  and the student edition.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    # ``debao_audit.what_if`` without importing pandas and the checks on every package import
    if name == "what_if":
        from .whatif import what_if
        return what_if
    raise AttributeError(f"module 'debao_audit' has no attribute {name!r}")
