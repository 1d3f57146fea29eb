"""debao_audit: an audit of the figures in a 2021 China News Service report on Shenzhen
Nanshan's paired poverty-alleviation assistance to Debao County, Guangxi.

Modules, by role:

* :mod:`debao_audit.interval`: exact interval arithmetic on Decimals.
* :mod:`debao_audit.written`: reading numbers as written (``2.24亿元``, ``1400多户``, ``近200名``).
* :mod:`debao_audit.data`: loading and validating the data files; atomic writers.
* :mod:`debao_audit.checks`: the relations between figures and their verdicts.
* :mod:`debao_audit.style`: the figure style (shipped CJK font, palette, deterministic saving).
* :mod:`debao_audit.page`: the annotated article page.
"""

__version__ = "0.1.0"
