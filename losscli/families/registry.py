"""The registry: every family's declarations, with names, aliases and lookup (no torch).

Each family package's ``spec`` module exports ``SPECS``; :func:`registry` collects them
once per process. Everything else (command, help, ``list``, JSON) is generated from it.
:func:`find_fast` looks one name up while importing only the family that declares it
(the quick path of a loss call), with the same answer as ``registry().find``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from importlib import import_module
from importlib.util import find_spec
from typing import Any

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
    "metric",
    "preference",
    "image",
)


def family_packages() -> tuple[str, ...]:
    """Every family package: :data:`FAMILY_MODULES`, then any other one in name order."""
    found = sorted(
        entry.name for folder in losscli.families.__path__ for entry in os.scandir(folder)
        if entry.is_dir() and not entry.name.startswith(("_", "."))
        and os.path.isfile(os.path.join(entry.path, "__init__.py"))
    )
    return FAMILY_MODULES + tuple(name for name in found if name not in FAMILY_MODULES)


def _declared(package: str) -> tuple[LossSpec, ...]:
    """One family's ``SPECS`` as its ``spec`` module declares them."""
    return import_module(f"{FAMILIES_PACKAGE}.{package}.spec").SPECS


def _told(spec: LossSpec, package: str) -> LossSpec:
    """``spec`` told its family package (unless it names one itself)."""
    return replace(spec, package=spec.package or package)


def collected(module: str, table: str) -> dict[str, Any]:
    """The union of every family's ``<family>.<module>.<table>`` dict (a family without the
    module adds nothing): plot axes, written-out ``--emit`` functions, random-input
    generators, each keyed by loss name."""
    merged: dict[str, Any] = {}
    for package in family_packages():
        name = f"{FAMILIES_PACKAGE}.{package}.{module}"
        if find_spec(name) is not None:
            merged.update(getattr(import_module(name), table))
    return merged


def _family_specs(package: str) -> tuple[LossSpec, ...]:
    """One family's ``SPECS``, each spec told its family package."""
    return tuple(_told(spec, package) for spec in _declared(package))


def _catalog() -> tuple[LossSpec, ...]:
    """Each family's ``SPECS``, each spec told its family package."""
    return tuple(spec for package in family_packages() for spec in _family_specs(package))


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
        import difflib

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


def _mentions(package: str, key: str) -> bool:
    """Whether the source of a family's ``spec`` module has the string literal ``key``
    (compared as :func:`_normalise` compares names); unreadable source counts as yes."""
    for folder in losscli.families.__path__:
        path = os.path.join(folder, package, "spec.py")
        try:
            with open(path, encoding="utf-8") as file:
                text = _normalise(file.read())
        except (OSError, UnicodeDecodeError):
            continue
        return f'"{key}"' in text or f"'{key}'" in text
    return True


def find_fast(name: str) -> LossSpec | None:
    """``registry().find(name)``, importing only the family whose ``spec`` declares it.

    Each family's ``spec.py`` is read as text (read afresh each time, so nothing can go
    stale); only a family whose source has the name as a string literal is imported, and
    the name is then looked up in its real ``SPECS``. A name declared some other way
    (not a literal) falls back to the whole registry, so the answer is always the same.
    """
    if _REGISTRY is not None:
        return _REGISTRY.find(name)
    key = _normalise(name)
    if not key:
        return None
    for package in family_packages():
        if not _mentions(package, key):
            continue
        for spec in _declared(package):
            if key in {_normalise(alias) for alias in (spec.name, *spec.aliases)}:
                return _told(spec, package)
    return registry().find(name)
