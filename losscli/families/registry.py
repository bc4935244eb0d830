"""The registry: every family's declarations, with names, aliases and lookup (no torch).

Each family package's ``spec`` module exports ``SPECS``; :func:`registry` collects them
once per process. Everything else (command, help, ``list``, JSON) is generated from it.
"""

from __future__ import annotations

import difflib
import pkgutil
from collections.abc import Iterator
from dataclasses import replace
from importlib import import_module

import losscli.families
from losscli.core.errors import UsageError
from losscli.core.spec import FAMILIES_PACKAGE, LossSpec

#: The family packages in the order of ``losscli list`` and the docs; a package added
#: under losscli/families/ without being listed here comes after them.
FAMILY_MODULES = (
    "regression",
    "classification",
    "margin",
    "embedding",
    "probabilistic",
    "sequence",
    "detection",
    "segmentation",
    "classical",
)


def family_packages() -> tuple[str, ...]:
    """Every family package: :data:`FAMILY_MODULES`, then any other one in name order."""
    found = sorted(
        info.name for info in pkgutil.iter_modules(losscli.families.__path__)
        if info.ispkg and not info.name.startswith("_")
    )
    return FAMILY_MODULES + tuple(name for name in found if name not in FAMILY_MODULES)


def _catalog() -> tuple[LossSpec, ...]:
    """Each family's ``SPECS``, each spec told its family package."""
    return tuple(
        replace(spec, package=spec.package or package)
        for package in family_packages()
        for spec in import_module(f"{FAMILIES_PACKAGE}.{package}.spec").SPECS
    )


def _normalise(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


class Registry:
    """Canonical names, alias resolution and lookup over the declared losses."""

    def __init__(self, specs: tuple[LossSpec, ...]) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self._aliases: dict[str, str] = {}
        for spec in specs:
            for alias in (spec.name, *spec.aliases):
                key = _normalise(alias)
                owner = self._aliases.setdefault(key, spec.name)
                if owner != spec.name:
                    raise ValueError(f"alias {alias!r} of {spec.name} already names {owner}")

    def __iter__(self) -> Iterator[LossSpec]:
        return iter(self.specs.values())

    def __len__(self) -> int:
        return len(self.specs)

    def find(self, name: str) -> LossSpec | None:
        """The spec a canonical name or alias (any case, - or _) resolves to."""
        canonical = self._aliases.get(_normalise(name))
        return self.specs[canonical] if canonical else None

    def resolve(self, name: str) -> LossSpec:
        """Like :meth:`find`, but an unknown name is a usage error with suggestions."""
        spec = self.find(name)
        if spec is None:
            raise UsageError(f"unknown loss {name!r}{self.suggest(name)}")
        return spec

    def suggest(self, name: str) -> str:
        """'; did you mean ...?' for the closest canonical names and aliases, or ''."""
        names = [s.name for s in self] + [a for s in self for a in s.aliases]
        lowered = {n.lower(): n for n in names}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.6)
        hits = list(dict.fromkeys(self.resolve(lowered[c]).name for c in close))
        if not hits:
            return " (run 'losscli list' to see every loss)"
        return "; did you mean " + " or ".join(hits) + "?"


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The process-wide registry, built on first use."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry(_catalog())
    return _REGISTRY
