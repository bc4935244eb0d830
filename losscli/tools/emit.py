"""``--emit python``: a self-contained PyTorch snippet that reproduces a computation.

The snippet holds the inputs as ``torch.tensor`` literals in the computed dtype, the
parameters, and one call: the ``torch.nn`` loss class when the loss has one (its class
name is an alias), else the ``torch.nn.functional`` function, else written-out code
for losses PyTorch lacks (focal losses, as torchvision and Lin et al. define them),
else ``torchvision.ops``. It prints the value as ``--format plain`` does, so the two
outputs can be compared line by line. Its last line, ``# losscli computed: ...``, is what
the snippet prints: losscli makes the snippet's own call on the same tensors (written-out
functions live in their family's ``emit`` module, as ``WRITTEN_OUT``); a ``losscli.compute``
snippet runs on torch.
"""

from __future__ import annotations

import inspect
import warnings
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
    for param in _own_params(spec):
        value = result.params.get(param.name)
        if isinstance(value, list):
            lines.append(f"{param.name} = {_literal(np.asarray(value), float_dtype)}")
            keywords[param.name] = param.name
        else:
            keywords[param.name] = repr(value)
    return lines, keywords


def _at_default(spec: LossSpec, result) -> set[str]:
    return {p.name for p in _own_params(spec) if result.params.get(p.name) == p.default}


def _taken(keywords: dict[str, str], accepted, at_default: set[str]) -> dict[str, str] | None:
    """The keywords a function taking ``accepted`` gets, or None if it lacks a set one."""
    if any(k not in accepted and k not in at_default for k in keywords):
        return None
    return {k: v for k, v in keywords.items() if k in accepted}


def _own_params(spec: LossSpec) -> list:
    """The loss's own parameters: not those only a library convention takes."""
    return [param for param in spec.params if not param.conventions]


def _call(name: str, inputs: list[str], keywords: dict[str, str]) -> str:
    return f"{name}({', '.join(inputs + [f'{k}={v}' for k, v in keywords.items()])})"


def _torch_call(spec: LossSpec, inputs: list[str], keywords: dict[str, str],
                reduction: str, at_default: set[str]) -> tuple[str, list[str], Callable] | None:
    """``loss = ...`` through a torch.nn class or functional named by an alias, if any fits;
    with the preamble and the same call as a function of the snippet's objects. A parameter
    at its declared default that the function lacks is left out."""
    import torch
    import torch.nn.functional as F

    for alias in spec.aliases:
        cls = getattr(torch.nn, alias, None)
        if inspect.isclass(cls) and alias.endswith("Loss"):
            taken = _taken(keywords, _parameters(cls), at_default)
            if taken is not None and _accepts(cls, taken):
                args = {**taken, "reduction": repr(reduction)}

                def run(o, cls=cls, taken=taken):
                    return cls(**{k: o[k] for k in taken}, reduction=reduction)(
                        *(o[i] for i in inputs))

                return (f"loss = {_call(f'torch.nn.{alias}', [], args)}({', '.join(inputs)})",
                        [], run)
    for alias in spec.aliases:
        function = getattr(F, alias, None)
        if callable(function):
            taken = _taken(keywords, _parameters(function), at_default)
            if taken is not None and _accepts(function, taken, len(inputs)):
                args = {**taken, "reduction": repr(reduction)}
                return f"loss = {_call(f'F.{alias}', inputs, args)}", [], _caller(
                    function, inputs, taken, reduction)
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


def _caller(function: Callable, inputs: list[str], keywords, reduction: str) -> Callable:
    """``function(*inputs, **keywords, reduction=...)`` on the snippet's objects."""
    return lambda o: function(*(o[i] for i in inputs), **{k: o[k] for k in keywords},
                              reduction=reduction)


def written_out() -> dict[str, Callable]:
    """Every family's ``emit.WRITTEN_OUT`` (the families without an ``emit`` module have none)."""
    from losscli.families.registry import collected

    return collected("emit", "WRITTEN_OUT")


def _written_out(spec: LossSpec, inputs: list[str], keywords: dict[str, str],
                 reduction: str, at_default: set[str]
                 ) -> tuple[str, list[str], Callable | None] | None:
    """Code for losses PyTorch lacks: the function's source, then its call (and the call
    as a function of the snippet's objects; None where torchvision is missing). None when
    a parameter set away from its default is one the written-out function lacks."""
    sources = written_out()
    taken = (_taken(keywords, _parameters(sources[spec.name]), at_default)
             if spec.name in sources else None)
    if spec.name in sources and taken is not None:
        name, source = sources[spec.name].__name__, inspect.getsource(sources[spec.name])
        call = _call(name, inputs, {**taken, "reduction": repr(reduction)})
        extra = []
        if spec.name == "focal":
            extra = [f"# with torchvision installed, torchvision.ops.{call} gives the same"]
        return (f"loss = {call}", [source.strip("\n"), "", "", *extra],
                _caller(sources[spec.name], inputs, taken, reduction))
    for alias in spec.aliases:
        if alias in TORCHVISION_OPS:
            args = {k: v for k, v in keywords.items() if k == "eps"}
            call = _call(alias, inputs, {**args, "reduction": repr(reduction)})
            box_format = keywords.get("box_format", "'xyxy'").strip("'")
            preamble = [f"from torchvision.ops import box_convert, {alias}  # needs torchvision"]
            convert = [f"{name} = box_convert({name}, in_fmt={box_format!r}, out_fmt='xyxy')"
                       for name in inputs] if box_format != "xyxy" else []
            return "\n".join([*convert, f"loss = {call}"]), preamble, _torchvision(
                alias, inputs, args, box_format, reduction)
    return None


def _torchvision(alias: str, inputs: list[str], keywords, box_format: str, reduction: str
                 ) -> Callable | None:
    """The snippet's torchvision call on its objects, or None without torchvision."""
    try:
        from torchvision import ops
    except ImportError:
        return None

    def run(o):
        boxes = [o[i] if box_format == "xyxy" else ops.box_convert(o[i], box_format, "xyxy")
                 for i in inputs]
        return getattr(ops, alias)(*boxes, **{k: o[k] for k in keywords}, reduction=reduction)

    return run


def _snippet_value(spec: LossSpec, result, run: Callable | None, float_dtype: str):
    """What the snippet prints: its call on the same objects, or (for losscli.compute, or
    torchvision missing here) the value of losscli's torch backend."""
    import torch

    if run is None:
        if result.backend == "torch":
            return result.value
        from losscli.engine.pipeline import compute

        return compute(spec, reduction=result.reduction.name, dtype=result.dtype,
                       backend="torch", **result.inputs, **result.params).value
    objects = {name: torch.tensor(np.asarray(a).tolist(), dtype=getattr(
        torch, _input_dtype(spec, name, a, float_dtype))) for name, a in result.inputs.items()}
    for param in _own_params(spec):
        value = result.params.get(param.name)
        objects[param.name] = (torch.tensor(value, dtype=getattr(torch, float_dtype))
                               if isinstance(value, list) else value)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own notes (KLDivLoss 'mean') are the snippet's
        return run(objects).detach().double().numpy()


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
    run = None
    if found is None:
        header.append(f"# PyTorch has no {spec.name}: this uses losscli's own implementation")
        args = ", ".join([repr(spec.name)] + [f"{k}={k}" for k in inputs] +
                         [f"{k}={v}" for k, v in keywords.items()])
        call = (f"loss = losscli.compute({args}, reduction={reduction!r}, "
                f"dtype={float_dtype!r}, backend='torch')")
        body = ["import losscli", "import torch", "", *assignments, "",
                call, "loss = torch.as_tensor(loss.value)"]
    else:
        call, preamble, run = found
        gap = [""] if preamble and preamble[0].startswith("def ") else []
        body = ["import torch", "import torch.nn.functional as F", "", *gap, *preamble,
                *assignments, "", call]
    value = np.asarray(_snippet_value(spec, result, run, float_dtype), dtype=np.float64)
    value = value.reshape(-1)
    shown = ", ".join(repr(float(v)) for v in value[:6]) + (", ..." if value.size > 6 else "")
    return "\n".join([*header, *body, _PRINT, f"# losscli computed: {shown}"])
