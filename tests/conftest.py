"""Test configuration shared by all test modules.

Hypothesis runs derandomized (the same examples on every machine, so a CI failure can be
reproduced) and without a per-example deadline (CI machines are slower and noisier than a
laptop; the properties, not the timings, are under test)."""

from hypothesis import settings

settings.register_profile("project", derandomize=True, deadline=None, max_examples=200,
                          database=None)
settings.load_profile("project")
