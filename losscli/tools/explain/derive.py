"""``--explain``: the worked derivation of the first terms of a result, then its reduction.

:func:`derive` picks the loss's derivation from
:data:`~losscli.families._shared.explain.DERIVATIONS` (filled by each family's ``explain``
module, imported when needed) or, for a loss without one, the generic derivation that
lists the inputs behind the term and its intermediate quantities (``details``).
Each term's block ends with the term's value; the last line is the reduced value.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from dataclasses import dataclass

import numpy as np

from losscli.core.spec import FAMILIES_PACKAGE
from losscli.families._shared.explain import (
    DERIVATIONS,
    MissingDetail,
    TermView,
    joined,
    location,
    num,
    par,
    vector,
)
from losscli.families.registry import registry

#: How many terms ``--explain`` works out by default.
DEFAULT_TERMS = 3


@dataclass
class Block:
    """The derivation of one term: a heading and the steps, the last one ending in the term."""

    index: tuple[int, ...]
    heading: str
    steps: list[str]
    term: float


@dataclass
class Derivation:
    loss: str
    formula: str
    blocks: list[Block]
    total_terms: int
    reduction: list[str]

    def lines(self) -> list[str]:
        shown = len(self.blocks)
        counted = f"the first {shown} of {self.total_terms} terms" if shown < self.total_terms \
            else ("the term" if shown == 1 else f"all {shown} terms")
        out = [f"Worked derivation of {self.loss}: {counted}, with your numbers"]
        out += [f"formula: {self.formula}", ""] if self.formula else [""]
        for block in self.blocks:
            out.append(block.heading)
            out += [f"  {step}" for step in block.steps]
            out.append("")
        if shown < self.total_terms:
            out += [f"… {self.total_terms - shown} more terms, the same steps (see the table)", ""]
        out += self.reduction
        return out


def _load_derivations(package: str) -> None:
    """Import the family's ``explain`` module, if it has one (it registers its derivations)."""
    name = f"{FAMILIES_PACKAGE}.{package}.explain"
    if package and importlib.util.find_spec(name) is not None:
        importlib.import_module(name)


def derive(result, *, limit: int = DEFAULT_TERMS) -> Derivation:
    """The derivation of ``result``'s first ``limit`` terms and of its reduction."""
    spec = registry().find(result.loss)
    if spec is not None:
        _load_derivations(spec.package)
    function = DERIVATIONS.get(result.loss, generic)
    terms = np.asarray(result.terms)
    indices = [tuple(int(i) for i in np.unravel_index(k, terms.shape)) for k in range(terms.size)]
    blocks = []
    for index in indices[:limit]:
        view = TermView(result, index)
        try:
            steps = ignored(view) if view.ignored else function(view)
        except MissingDetail:  # the loss reports other intermediates: list those
            steps = generic(view)
        blocks.append(Block(index, heading(view), steps, view.term))
    formula = spec.formula if spec else ""
    return Derivation(result.loss, formula, blocks, terms.size, reduction_lines(result))


def heading(view: TermView) -> str:
    """``ℓ[0, 1]: pred = 0.9, target = 1`` (rows of classes print as vectors)."""
    parts = []
    shown = view.result.shown_inputs
    for name in view.result.inputs:
        if shown is not None and name not in shown:
            continue  # the loss says its terms do not come from slices of this input
        value = view.input(name)
        parts.append(f"{name} = {num(value) if value.ndim == 0 else vector(value)}")
    return f"{location(view.index)}: " + ", ".join(parts) if parts else location(view.index)


def ignored(view: TermView) -> list[str]:
    """A masked-out term (e.g. target = ignore_index): it adds nothing and is not counted."""
    reason = view.result.reduction.ignore_reason or "masked out"
    return [f"{reason}: no term, and the mean does not count it", f"ℓ = {num(view.term)}"]


def generic(view: TermView) -> list[str]:
    """Any loss: its intermediate quantities (``details``) for this term, then the term."""
    lines = [f"{name} = {_value(view.detail(name))}" for name in view.result.details]
    weight = view.weight
    if weight is not None and weight != 1:
        lines.append(f"weight in the mean: {num(weight)}")
    lines.append(f"ℓ = {num(view.term)}")
    return lines


def _value(array: np.ndarray) -> str:
    return num(array) if np.ndim(array) == 0 else vector(array)


def reduction_lines(result) -> list[str]:
    """The reduction with its numbers: the terms summed, the denominator, the value."""
    red = result.reduction
    terms = np.asarray(result.terms).reshape(-1)
    ignored = None if result.ignored is None else np.asarray(result.ignored).reshape(-1)
    counted = terms if ignored is None else terms[~ignored]
    total = joined([par(t) for t in counted]) if counted.size else "0"
    if red.name == "none":
        return [f"reduction none: the value is the {terms.size} terms themselves"]
    skipped = f"   ({red.ignored} ignored terms left out)" if red.ignored else ""
    if red.name == "sum":
        return [f"reduction sum: Σ ℓᵢ = {total} = {num(result.value)}{skipped}"]
    weights = result.term_weights
    if red.name == "mean" and weights is not None and red.rule.startswith("weighted"):
        w = np.asarray(weights).reshape(-1)
        w = w if ignored is None else w[~ignored]
        expanded = f"({total}) / ({joined([num(v) for v in w])})"
    else:
        expanded = f"({total}) / {num(red.denominator)}"
    lines = [f"reduction {red.rule}"]
    # the terms add up to the numerator unless the rule divides each term first (CTC)
    plain_sum = red.numerator is not None and math.isclose(
        float(counted.sum()), red.numerator, rel_tol=1e-5, abs_tol=1e-9
    )
    if counted.size > 1 and plain_sum:
        lines.append(f"  = {expanded}")
    lines.append(
        f"  = {num(red.numerator)} / {num(red.denominator)} = {num(result.value)}{skipped}"
    )
    return lines


def print_derivation(result, *, limit: int = DEFAULT_TERMS, stream=None) -> None:
    """Print the derivation of ``result`` (to stdout, or ``stream``)."""
    print("\n".join(["", *derive(result, limit=limit).lines()]), file=stream)
