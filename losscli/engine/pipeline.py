"""The compute engine: validation, the choice of backend, and the computation.

Two backends compute a loss's terms. torch (:mod:`losscli.engine.torch_backend`) is the
reference: it computes gradients, runs on a device and serves every loss. numpy
(:mod:`losscli.engine.numpy_backend`) computes the forward value and terms of the losses that
declare a ``numpy_impl`` without importing torch, and in chunks for inputs of any size.
``backend="auto"`` takes numpy whenever it can serve the request; this module imports
neither backend until it computes.

>>> import losscli
>>> r = losscli.compute("cross-entropy", pred=[[0.8, 0.1, 0.4]], target=[0])
>>> round(r.value, 4), r.backend
(0.7733, 'numpy')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from losscli.core.errors import InputError, UsageError
from losscli.core.options import BACKENDS, DEFAULT_TOP, DEVICES, NUMPY_DTYPES
from losscli.core.result import Result
from losscli.core.spec import LossSpec
from losscli.engine.validate import Prepared, prepare
from losscli.families.registry import registry


def compute(
    loss: str | LossSpec,
    *,
    reduction: str = "mean",
    dtype: str = "float32",
    grad: bool = False,
    strict: bool = False,
    convention: str | None = None,
    backend: str = "auto",
    device: str | None = None,
    torch_inputs: bool = False,
    chunk_elements: int | None = None,
    top: int | None = None,
    **values: Any,
) -> Result:
    """Compute ``loss`` on the given inputs and parameters.

    ``values`` holds the inputs (``pred=...``, ``target=...``; nested lists, numpy
    arrays or tensors) and the loss's parameters by their PyTorch names
    (``gamma=2.0``, ``weight=[1, 2, 1]``). Raises :class:`losscli.core.errors.LossCliError`
    on invalid input. With ``grad``, the result holds d(value)/d(input) for every
    floating-point input (of the sum of the terms for ``reduction="none"``).
    ``convention`` names another library's version of the loss (``"keras"``; see
    :mod:`losscli.engine.conventions`); conventions compute on torch.

    ``backend``: ``auto`` (numpy where it can serve, else torch), ``torch`` or ``numpy``;
    ``device``: the torch device, ``cpu``, ``cuda``, ``mps`` or ``auto`` (torch only);
    ``torch_inputs``: the inputs came from .pt files (auto then picks torch, which is
    loaded already). ``chunk_elements`` and ``top`` (None: DEFAULT_TOP): see
    :func:`losscli.engine.numpy_backend.run`.
    """
    spec = registry().resolve(loss) if isinstance(loss, str) else loss
    if any(p.conventions for p in spec.params):
        from losscli.engine.conventions import accepted

        kept = accepted(spec, convention, values)
        dropped = {p.name for p in spec.params} - {p.name for p in kept.params}
        spec, values = kept, {k: v for k, v in values.items() if k not in dropped}
    library = None
    if convention is not None:
        from losscli.engine.conventions import apply

        spec, library, values = apply(spec, convention, values)
    chosen = choose_backend(
        spec, backend, grad=grad, device=device, dtype=dtype, torch_inputs=torch_inputs,
        torch_only=("--convention",) if convention is not None else (),
    )
    prepared = prepare(spec, values, reduction=reduction, dtype=dtype, strict=strict)
    return run(prepared, backend=chosen, grad=grad, device=device, convention=library,
               chunk_elements=chunk_elements, top=DEFAULT_TOP if top is None else top)


def run(prepared: Prepared, *, backend: str = "torch", grad: bool = False,
        device: str | None = None, convention=None, chunk_elements: int | None = None,
        top: int = DEFAULT_TOP) -> Result:
    """Compute a validated problem with ``backend`` ("torch" or "numpy"); a non-finite
    value or term comes with a warning that says why (:mod:`losscli.engine.nonfinite`)."""
    from losscli.engine.nonfinite import check
    from losscli.engine.perplexity import perplexity

    if backend == "numpy":
        from losscli.engine.numpy_backend import run as run_numpy

        result = run_numpy(prepared, chunk_elements=chunk_elements, top=top)
    else:
        from losscli.engine.torch_backend import run as run_torch

        result = run_torch(prepared, grad=grad, device=device, convention=convention)
    check(prepared, result)  # a NaN or ±inf is explained (an error under --strict)
    result.perplexity = perplexity(prepared.spec, prepared.reduction, prepared.params,
                                   result)
    return result


def choose_backend(
    spec: LossSpec,
    backend: str = "auto",
    *,
    grad: bool = False,
    device: str | None = None,
    dtype: str = "float32",
    torch_inputs: bool = False,
    torch_only: Sequence[str] = (),
) -> str:
    """"torch" or "numpy" for this request; asking numpy for what it cannot do is an error.

    numpy serves the forward value of a loss with a ``numpy_impl`` in float32 or float64;
    gradients, devices, half precision and ``torch_only`` options (e.g. ``--convention``)
    need torch. ``auto`` also picks torch for inputs read from .pt files.
    """
    if backend not in BACKENDS:
        raise InputError(f"{backend!r} is not one of {', '.join(BACKENDS)}", argument="--backend")
    if device is not None and device not in DEVICES:
        raise InputError(f"{device!r} is not one of {', '.join(DEVICES)}", argument="--device")
    needs = [*torch_only]
    if grad:
        needs.append("--grad (gradients come from autograd)")
    if device is not None:
        needs.append("--device (a torch device)")
    if dtype not in NUMPY_DTYPES:
        needs.append(f"--dtype {dtype} (numpy computes float32 and float64)")
    if spec.numpy_impl is None:
        needs.append(f"{spec.name} (it has no numpy implementation)")
    if backend == "numpy" and needs:
        raise UsageError(f"the numpy backend cannot serve {needs[0]}; use --backend torch or "
                         "auto", argument="--backend")
    if backend == "auto":
        return "torch" if needs or torch_inputs else "numpy"
    return backend


def evaluate(spec: LossSpec, values: dict[str, Any], *, reduction: str, dtype: str,
             grad: bool, strict: bool, **backend: Any):
    """Compute ``spec`` on ``values``: the path shared by loss commands and case files.

    ``backend``: the engine's backend options (backend, device, torch_inputs, top).
    """
    return compute(spec, reduction=reduction, dtype=dtype, grad=grad, strict=strict,
                   **backend, **values)
