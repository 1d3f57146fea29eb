"""The project's tools, run from the checkout as ``python -m tools.<name>`` (the Makefile does):

* ``tools.paths``: the one :class:`~tools.paths.Paths` object (checkout, inputs, outputs, ``.build/``);
* ``tools.build``: ``make`` itself, in parts named by role (steps, manifest, commit, runner);
* ``tools.write_gallery``: the rendered blocks of the README and the docs pages (a build step);
* ``tools.build_site`` / ``tools.build_lite``: ``make site`` / ``make lite``;
* ``tools.bench``, ``tools.subset_font``, ``tools.write_environment``, ``tools.draft_eval``:
  ``make bench``, the font subsets, ``environment.yml``, the drafter's evaluation.

HTML, CSS and JavaScript live as files in ``tools/templates/`` (Jinja2), never in strings.
"""
