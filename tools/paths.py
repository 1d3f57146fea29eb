"""Where everything is: one :class:`Paths` object, made once by each tool and passed on.

The checkout (``root``) holds the inputs and is only read when the outputs go elsewhere; every
output (``figures/``, ``data/processed/``, the executed notebooks, the build's manifest and
``.build/``) goes under ``out``, laid out like the checkout.  ``out`` is ``DEBAO_AUDIT_OUTPUT``
when set, else the checkout.  The build (``tools.build``) reads the checkout the tools sit in;
the site reads the one the engine reads (``debao_audit.data.ROOT``: ``DEBAO_AUDIT_ROOT`` for an
installed wheel): :meth:`Paths.for_build` and :meth:`Paths.from_env`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The checkout these tools belong to.
CHECKOUT = Path(__file__).resolve().parents[1]
OUTPUT_ENV = "DEBAO_AUDIT_OUTPUT"
ROOT_ENV = "DEBAO_AUDIT_ROOT"


class PathsError(ValueError):
    """An output directory the build must refuse (the message is one line)."""


@dataclass(frozen=True)
class Paths:
    #: The checkout: the inputs (data/, notebooks/, src/, cases/, fonts/, the pages).
    root: Path
    #: Where every output goes (resolved): the checkout itself or DEBAO_AUDIT_OUTPUT.
    out: Path
    #: DEBAO_AUDIT_OUTPUT as given (unresolved: a symbolic link is refused, not followed).
    given: str | None = None

    @classmethod
    def for_build(cls, output: str | None = None, root: Path = CHECKOUT) -> Paths:
        """The build's paths: outputs under ``output`` (DEBAO_AUDIT_OUTPUT) instead of the
        checkout, laid out like it.  A directory inside the checkout other than the checkout
        itself is refused (its outputs would mix with inputs)."""
        out = Path(output).resolve() if output else root
        if out != root.resolve() and out.is_relative_to(root.resolve()):
            raise PathsError(f"{OUTPUT_ENV}: expected the checkout itself or a directory "
                             f"outside it; got {output!r}, inside {root}")
        return cls(root=root, out=out, given=output or None)

    @classmethod
    def from_env(cls) -> Paths:
        """The engine's paths, as ``debao_audit.data`` reads them: DEBAO_AUDIT_ROOT (else this
        checkout) and DEBAO_AUDIT_OUTPUT (else the root)."""
        root = Path(os.environ.get(ROOT_ENV) or CHECKOUT).resolve()
        given = os.environ.get(OUTPUT_ENV) or None
        return cls(root=root, out=Path(given or root).resolve(), given=given)

    # The inputs (in the checkout)
    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def cases(self) -> Path:
        return self.root / "cases"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    # The outputs (under out)
    @property
    def processed(self) -> Path:
        return self.out / "data" / "processed"

    @property
    def figures(self) -> Path:
        return self.out / "figures"

    @property
    def build(self) -> Path:
        """The build's own state (staging, journal, lock, font cache), beside the outputs
        (so its renames stay on one file system, atomic)."""
        return self.out / ".build"

    @property
    def manifest(self) -> Path:
        """The committed manifest: per step, the hashes of its inputs and outputs."""
        return self.out / "build-manifest.json"

    @property
    def journal(self) -> Path:
        return self.build / "commit.json"

    @property
    def lock(self) -> Path:
        return self.build / "lock"

    @property
    def elsewhere(self) -> bool:
        """Whether the outputs go outside the checkout (DEBAO_AUDIT_OUTPUT)."""
        return self.out != self.root.resolve()
