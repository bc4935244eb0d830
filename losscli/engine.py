"""The compute engine, the only door to torch: tensors, dtype, terms, reduction, autograd.

>>> import losscli
>>> r = losscli.compute("cross-entropy", pred=[[0.8, 0.1, 0.4]], target=[0])
>>> round(r.value, 4)
0.7733
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from losscli.losses._terms import Terms
from losscli.registry import Convention, LossSpec, registry
from losscli.result import Reduction, Result
from losscli.validate import Prepared, prepare

TORCH_DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}


def compute(
    loss: str | LossSpec,
    *,
    reduction: str = "mean",
    dtype: str = "float32",
    grad: bool = False,
    strict: bool = False,
    convention: str | None = None,
    **values: Any,
) -> Result:
    """Compute ``loss`` on the given inputs and parameters.

    ``values`` holds the inputs (``pred=...``, ``target=...``; nested lists, numpy
    arrays or tensors) and the loss's parameters by their PyTorch names
    (``gamma=2.0``, ``weight=[1, 2, 1]``). Raises :class:`losscli.errors.LossCliError`
    on invalid input. With ``grad``, the result holds d(value)/d(input) for every
    floating-point input (of the sum of the terms for ``reduction="none"``).
    ``convention`` names another library's version of the loss (``"keras"``; see
    :mod:`losscli.conventions`).
    """
    spec = registry().resolve(loss) if isinstance(loss, str) else loss
    library = None
    if convention is not None:
        from losscli.conventions import apply

        spec, library, values = apply(spec, convention, values)
    prepared = prepare(spec, values, reduction=reduction, dtype=dtype, strict=strict)
    return run(prepared, grad=grad, convention=library)


def run(prepared: Prepared, *, grad: bool = False, convention: Convention | None = None) -> Result:
    """Compute a validated problem with the torch backend."""
    spec = prepared.spec
    dtype = TORCH_DTYPES[prepared.dtype]
    want_grad = grad and spec.differentiable
    tensors = {
        name: _tensor(spec, name, a, dtype, want_grad) for name, a in prepared.arrays.items()
    }
    kwargs = {**prepared.params, **tensors}
    kwargs = {name: kwargs.get(name) for name in (*_input_names(spec), *_param_names(spec))}
    if convention is not None:
        kwargs.update(convention.constants)
    with torch.enable_grad():
        terms: Terms = spec.load()(**kwargs)
        library_rule = convention.rules.get(prepared.reduction) if convention else None
        value, rule = reduce(terms, prepared.reduction, library_rule)
        grads = _gradients(value, tensors, spec) if want_grad else {}
    notes = []
    if grad and not spec.differentiable:
        notes.append(f"{spec.name} is not differentiable: no gradients are computed")
    if convention is not None:
        notes.append(f"convention {convention.name} ({convention.library}): {convention.reason}")
    return Result(
        loss=spec.name,
        reduction=rule,
        dtype=prepared.dtype,
        params=prepared.params,
        inputs={i.name: prepared.arrays[i.name] for i in spec.inputs if i.name in prepared.arrays},
        shown_inputs=terms.shown_inputs,
        value=_numpy(value).item() if value.dim() == 0 else _numpy(value),
        terms=_numpy(terms.values),
        term_weights=None if terms.weights is None else _numpy(terms.weights),
        ignored=None if terms.ignored is None else terms.ignored.numpy(),
        details={k: _numpy(v) for k, v in terms.details.items()},
        grads=grads,
        warnings=list(prepared.warnings),
        notes=notes,
        convention=None if convention is None else convention.to_dict(),
    )


def reduce(terms: Terms, reduction: str, rule: str | None = None) -> tuple[torch.Tensor, Reduction]:
    """Reduce the terms as the loss's rule says; describe the rule with its numbers.

    ``rule`` names another library's rule instead (losscli.losses.convention_rules.RULES).
    """
    if rule is not None:
        from losscli.losses.convention_rules import RULES

        return RULES[rule](terms)
    values = terms.values
    ignored = 0 if terms.ignored is None else int(terms.ignored.sum())
    info = dict(ignored=ignored, ignore_reason=terms.ignore_reason if ignored else "")
    if reduction == "none":
        return values, Reduction("none", "none: the terms, unreduced", **info)
    total = values.sum()
    if reduction == "sum":
        return total, Reduction("sum", "sum: Σ ℓᵢ", float(total.detach()), **info)
    if reduction == "batchmean":
        batch = values.shape[0] if values.dim() else 1
        rule = "batchmean: Σ ℓᵢ / N (N = batch size)"
        return total / batch, Reduction(
            "batchmean", rule, float(total.detach()), float(batch), **info
        )
    if terms.mean_divisor is not None:
        scaled, count = (values / terms.mean_divisor).sum(), values.numel()
        rule = f"mean: Σ (ℓᵢ / {terms.divisor_symbol}) / N"
        return scaled / count, Reduction("mean", rule, float(scaled.detach()), float(count))
    if terms.weights is None:
        count = values.numel()
        return total / count, Reduction(
            "mean", "mean: Σ ℓᵢ / n", float(total.detach()), float(count)
        )
    denominator = terms.weights.sum()
    w = terms.weight_symbol
    if w == "1":
        rule = "mean over the n non-ignored terms: Σ ℓᵢ / n" if ignored else "mean: Σ ℓᵢ / n"
    else:
        rule = f"weighted mean: Σ {w}·ℓᵢ / Σ {w}"
    value = total / denominator
    return value, Reduction(
        "mean", rule, float(total.detach()), float(denominator.detach()), **info
    )


def _tensor(spec: LossSpec, name: str, array: np.ndarray, dtype, requires_grad: bool):
    is_input = name in _input_names(spec)
    if array.dtype.kind in "iub":
        kind = spec.input(name).kind if is_input else "float"
        if kind in ("index", "float_or_index"):
            return torch.as_tensor(_contiguous(array), dtype=torch.int64)
    tensor = torch.as_tensor(_contiguous(array)).to(dtype)
    if requires_grad and is_input:
        tensor.requires_grad_(True)
    return tensor


def _contiguous(array: np.ndarray) -> np.ndarray:
    """A C-contiguous array of the same shape (np.ascontiguousarray would make 0-d 1-d)."""
    return array if array.flags.c_contiguous else array.copy(order="C")


def _gradients(value: torch.Tensor, tensors: dict, spec: LossSpec) -> dict[str, np.ndarray]:
    leaves = {n: t for n, t in tensors.items() if t.requires_grad}
    if not leaves or not value.requires_grad:
        return {n: np.zeros(t.shape) for n, t in leaves.items()}
    found = torch.autograd.grad(value.sum(), list(leaves.values()), allow_unused=True)
    return {
        name: np.zeros(leaf.shape) if g is None else _numpy(g)
        for (name, leaf), g in zip(leaves.items(), found)
    }


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().to(torch.float64).numpy()


def _input_names(spec: LossSpec) -> tuple[str, ...]:
    return tuple(i.name for i in spec.inputs)


def _param_names(spec: LossSpec) -> tuple[str, ...]:
    return tuple(p.name for p in spec.params)
