"""The torch backend, the reference: tensors on a device, terms, reduction, autograd.

Runs a loss's ``impl`` (:mod:`losscli.families`) on validated inputs; with ``grad``, the
gradients of the value with respect to every floating-point input come from autograd.
The only module of the engine that imports torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from losscli.core.errors import InputError, UsageError
from losscli.core.result import Result
from losscli.core.spec import LossSpec
from losscli.core.terms import Terms, reduce
from losscli.engine.validate import Prepared

if TYPE_CHECKING:
    from losscli.core.spec import Convention

TORCH_DTYPES = {
    "float32": torch.float32,
    "float64": torch.float64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}


def run(
    prepared: Prepared,
    *,
    grad: bool = False,
    device: str | None = None,
    convention: Convention | None = None,
) -> Result:
    """Compute a validated problem with torch on ``device`` (None: the CPU)."""
    spec = prepared.spec
    where = resolve_device(device, prepared.dtype)
    dtype = TORCH_DTYPES[prepared.dtype]
    want_grad = grad and spec.differentiable
    tensors = {
        name: _tensor(spec, name, a, dtype, where, want_grad)
        for name, a in prepared.arrays.items()
    }
    kwargs = {**prepared.params, **tensors}
    names = (*_input_names(spec), *_param_names(spec, convention))
    kwargs = {name: kwargs.get(name) for name in names}
    if convention is not None:
        kwargs.update(convention.constants)
    with torch.enable_grad():
        terms: Terms = spec.load()(**kwargs)
        library_rule = _library_rule(prepared, convention)
        if library_rule is not None:
            from losscli.engine.convention_rules import RULES

            value, rule = RULES[library_rule](terms)
        else:
            value, rule = reduce(terms, prepared.reduction)
        grads = _gradients(value, tensors) if want_grad else {}
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
        ignored=None if terms.ignored is None else terms.ignored.cpu().numpy(),
        details={k: _numpy(v) for k, v in terms.details.items()},
        grads=grads,
        warnings=list(prepared.warnings),
        notes=notes,
        convention=None if convention is None else convention.to_dict(),
        backend="torch",
        device=str(where),
    )


def resolve_device(name: str | None, dtype: str = "float32") -> torch.device:
    """The torch device for ``--device`` (cpu, cuda, mps, auto; None is the CPU).

    A device this machine lacks, or a dtype it cannot compute, is an input error.
    """
    if name in (None, "cpu"):
        return torch.device("cpu")
    cuda = torch.cuda.is_available()
    mps = _mps_available()
    if name == "auto":
        name = "cuda" if cuda else "mps" if mps else "cpu"
    elif name == "cuda" and not cuda:
        build = "this PyTorch build has no CUDA support" if torch.version.cuda is None else (
            "no CUDA GPU is visible")
        raise InputError(f"cuda is not available ({build}); use --device cpu or auto",
                         argument="--device")
    elif name == "mps" and not mps:
        raise InputError("mps (Apple GPU) is not available on this machine; use --device cpu "
                         "or auto", argument="--device")
    elif name not in ("cuda", "mps", "cpu"):
        raise InputError(f"{name!r} is not one of cpu, cuda, mps, auto", argument="--device")
    if name == "mps" and dtype == "float64":
        raise InputError("mps does not compute float64; use --dtype float32 or --device cpu",
                         argument="--device")
    return torch.device(name)


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def _tensor(spec: LossSpec, name: str, array: np.ndarray, dtype, device, requires_grad: bool):
    is_input = name in _input_names(spec)
    if array.dtype.kind in "iub":
        kind = spec.input(name).kind if is_input else "float"
        if kind in ("index", "float_or_index"):
            return torch.as_tensor(_contiguous(array), dtype=torch.int64, device=device)
    tensor = torch.as_tensor(_contiguous(array)).to(device=device, dtype=dtype)
    if requires_grad and is_input:
        tensor.requires_grad_(True)
    return tensor


def _contiguous(array: np.ndarray) -> np.ndarray:
    """A C-contiguous, writable array of the same shape (np.ascontiguousarray would make 0-d
    1-d); read-only data (memory-mapped .npy files) is copied, which torch requires."""
    if array.flags.c_contiguous and array.flags.writeable:
        return array
    return array.copy(order="C")


def _gradients(value: torch.Tensor, tensors: dict) -> dict[str, np.ndarray]:
    leaves = {n: t for n, t in tensors.items() if t.requires_grad}
    if not leaves or not value.requires_grad:
        return {n: np.zeros(t.shape) for n, t in leaves.items()}
    found = torch.autograd.grad(value.sum(), list(leaves.values()), allow_unused=True)
    return {
        name: np.zeros(leaf.shape) if g is None else _numpy(g)
        for (name, leaf), g in zip(leaves.items(), found)
    }


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().to(torch.float64).numpy()


def _input_names(spec: LossSpec) -> tuple[str, ...]:
    return tuple(i.name for i in spec.inputs)


def _param_names(spec: LossSpec, convention: Convention | None = None) -> tuple[str, ...]:
    """The parameters the function takes: those only some conventions take, under those;
    never a choice of reduction rule (:attr:`ParamSpec.rule_for`)."""
    return tuple(p.name for p in spec.params if p.rule_for is None and (
        not p.conventions or (convention and convention.name in p.conventions)))


def _library_rule(prepared: Prepared, convention: Convention | None) -> str | None:
    """The convention's rule for the reduction, or the one a ``rule_for`` parameter chose; a
    rule chosen away from its default for another reduction is a usage error."""
    if convention is None:
        return None
    rule = convention.rules.get(prepared.reduction)
    for param in prepared.spec.params:
        chosen = prepared.params.get(param.name, param.default)
        if param.rule_for is None or chosen == param.default:
            continue
        if param.rule_for != prepared.reduction:
            raise UsageError(f"{param.option} {chosen} applies to --reduction "
                             f"{param.rule_for}, not {prepared.reduction}",
                             argument=param.option)
        rule = chosen
    return rule
