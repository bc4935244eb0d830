"""``--emit python``: a self-contained PyTorch snippet that reproduces a computation.

The snippet holds the inputs as ``torch.tensor`` literals in the computed dtype, the
parameters, and one call: the ``torch.nn`` loss class when the loss has one (its class
name is an alias), else the ``torch.nn.functional`` function, else written-out code
for losses PyTorch lacks (focal losses, as torchvision and Lin et al. define them),
else ``torchvision.ops``. It prints the value as ``--format plain`` does, so the two
outputs can be compared line by line.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from losscli.core.errors import UsageError
from losscli.core.spec import LossSpec

#: torchvision.ops loss functions, called as name(*inputs, **params, reduction=...).
TORCHVISION_OPS = (
    "generalized_box_iou_loss",
    "distance_box_iou_loss",
    "complete_box_iou_loss",
)

_SIGMOID_FOCAL = '''
def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py)."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss
'''

_SOFTMAX_FOCAL = '''
def softmax_focal_loss(logits, target, alpha=None, gamma=2.0, ignore_index=-100,
                       reduction="mean"):
    """Multi-class focal loss (Lin et al., 2017): -alpha_t * (1 - p_t)**gamma * log(p_t)."""
    dim = 0 if logits.dim() == 1 else 1
    ignored = target == ignore_index
    safe = target.masked_fill(ignored, 0)
    log_pt = F.log_softmax(logits, dim=dim).gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    loss = -((1 - log_pt.exp()) ** gamma) * log_pt
    if alpha is not None:
        alpha_t = alpha[safe] if isinstance(alpha, torch.Tensor) else alpha
        loss = alpha_t * loss
    loss = loss.masked_fill(ignored, 0.0)
    if reduction == "mean":
        return loss.sum() / (~ignored).sum()
    if reduction == "sum":
        return loss.sum()
    return loss
'''

_PRINT = 'print("\\n".join(repr(v) for v in loss.detach().flatten().tolist()))'


def _literal(array: np.ndarray, dtype: str) -> str:
    return f"torch.tensor({np.asarray(array).tolist()!r}, dtype=torch.{dtype})"


def _input_dtype(spec: LossSpec, name: str, array: np.ndarray, float_dtype: str) -> str:
    kind = spec.input(name).kind
    if kind == "index" or (kind == "float_or_index" and array.dtype.kind in "iu"):
        return "long"
    return float_dtype


def _arguments(spec: LossSpec, result, float_dtype: str) -> tuple[list[str], dict[str, str]]:
    """Assignments of the inputs and tensor parameters; the keyword text of every parameter
    (a parameter at its declared default is left out where the called function lacks it)."""
    lines = [f"{name} = {_literal(a, _input_dtype(spec, name, a, float_dtype))}"
             for name, a in result.inputs.items()]
    keywords = {}
    for param in spec.params:
        value = result.params.get(param.name)
        if isinstance(value, list):
            lines.append(f"{param.name} = {_literal(np.asarray(value), float_dtype)}")
            keywords[param.name] = param.name
        else:
            keywords[param.name] = repr(value)
    return lines, keywords


def _at_default(spec: LossSpec, result) -> set[str]:
    return {p.name for p in spec.params if result.params.get(p.name) == p.default}


def _taken(keywords: dict[str, str], accepted, at_default: set[str]) -> dict[str, str] | None:
    """The keywords a function taking ``accepted`` gets, or None if it lacks a set one."""
    if any(k not in accepted and k not in at_default for k in keywords):
        return None
    return {k: v for k, v in keywords.items() if k in accepted}


def _call(name: str, inputs: list[str], keywords: dict[str, str]) -> str:
    return f"{name}({', '.join(inputs + [f'{k}={v}' for k, v in keywords.items()])})"


def _torch_call(spec: LossSpec, inputs: list[str], keywords: dict[str, str],
                reduction: str, at_default: set[str]) -> tuple[str, list[str]] | None:
    """``loss = ...`` through a torch.nn class or functional named by an alias, if any fits."""
    import torch
    import torch.nn.functional as F

    for alias in spec.aliases:
        cls = getattr(torch.nn, alias, None)
        if inspect.isclass(cls) and alias.endswith("Loss"):
            taken = _taken(keywords, _parameters(cls), at_default)
            if taken is not None and _accepts(cls, taken):
                args = {**taken, "reduction": repr(reduction)}
                return f"loss = {_call(f'torch.nn.{alias}', [], args)}({', '.join(inputs)})", []
    for alias in spec.aliases:
        function = getattr(F, alias, None)
        if callable(function):
            taken = _taken(keywords, _parameters(function), at_default)
            if taken is not None and _accepts(function, taken, len(inputs)):
                args = {**taken, "reduction": repr(reduction)}
                return f"loss = {_call(f'F.{alias}', inputs, args)}", []
    return None


def _parameters(function: Callable) -> set[str]:
    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()


def _accepts(function: Callable, keywords: dict[str, str], positional: int = 0) -> bool:
    """Whether ``function`` takes ``keywords`` and ``reduction``, and needs nothing else."""
    try:
        accepted = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    required = [
        name for name, p in accepted.items()
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and name not in keywords
    ]
    return ("reduction" in accepted and all(k in accepted for k in keywords)
            and len(required) <= positional)


def _written_out(spec: LossSpec, inputs: list[str], keywords: dict[str, str],
                 reduction: str, at_default: set[str]) -> tuple[str, list[str]] | None:
    """Code for losses PyTorch lacks: the function's source, then its call."""
    sources = {"focal": ("sigmoid_focal_loss", _SIGMOID_FOCAL, {"alpha", "gamma"}),
               "softmax-focal": ("softmax_focal_loss", _SOFTMAX_FOCAL,
                                 {"alpha", "gamma", "ignore_index"})}
    taken = _taken(keywords, sources[spec.name][2], at_default) if spec.name in sources else None
    if spec.name in sources and taken is not None:
        name, source, _ = sources[spec.name]
        call = _call(name, inputs, {**taken, "reduction": repr(reduction)})
        extra = []
        if spec.name == "focal":
            extra = [f"# with torchvision installed, torchvision.ops.{call} gives the same"]
        return f"loss = {call}", [source.strip("\n"), "", "", *extra]
    for alias in spec.aliases:
        if alias in TORCHVISION_OPS:
            args = {k: v for k, v in keywords.items() if k == "eps"}
            call = _call(alias, inputs, {**args, "reduction": repr(reduction)})
            box_format = keywords.get("box_format", "'xyxy'").strip("'")
            preamble = [f"from torchvision.ops import box_convert, {alias}  # needs torchvision"]
            convert = [f"{name} = box_convert({name}, in_fmt={box_format!r}, out_fmt='xyxy')"
                       for name in inputs] if box_format != "xyxy" else []
            return "\n".join([*convert, f"loss = {call}"]), preamble
    return None


def emit(spec: LossSpec, result, language: str = "python") -> str:
    """The snippet reproducing ``result`` (computed for ``spec``)."""
    if language != "python":
        raise UsageError(f"--emit: unknown language {language!r} (only python)")
    float_dtype = result.dtype
    assignments, keywords = _arguments(spec, result, float_dtype)
    inputs = [i.name for i in spec.inputs if i.required and i.name in result.inputs]
    optional = {i.name: i.name for i in spec.inputs if not i.required and i.name in result.inputs}
    keywords = {**optional, **keywords}
    reduction = result.reduction.name
    at_default = _at_default(spec, result)
    found = _written_out(spec, inputs, keywords, reduction, at_default) or _torch_call(
        spec, inputs, keywords, reduction, at_default
    )
    header = [f"# losscli {spec.name}, reproduced with PyTorch ({reduction}, {float_dtype})"]
    if found is None:
        header.append(f"# PyTorch has no {spec.name}: this uses losscli's own implementation")
        args = ", ".join([repr(spec.name)] + [f"{k}={k}" for k in inputs] +
                         [f"{k}={v}" for k, v in keywords.items()])
        call = f"loss = losscli.compute({args}, reduction={reduction!r}, dtype={float_dtype!r})"
        body = ["import losscli", "import torch", "", *assignments, "",
                call, "loss = torch.as_tensor(loss.value)"]
    else:
        call, preamble = found
        gap = [""] if preamble and preamble[0].startswith("def ") else []
        body = ["import torch", "import torch.nn.functional as F", "", *gap, *preamble,
                *assignments, "", call]
    value = np.asarray(result.value, dtype=np.float64).reshape(-1)
    shown = ", ".join(repr(float(v)) for v in value[:6]) + (", ..." if value.size > 6 else "")
    return "\n".join([*header, *body, _PRINT, f"# losscli computed: {shown}"])
