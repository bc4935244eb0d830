"""``losscli compare``: check your own loss implementation against losscli's reference.

The implementation (``MODULE_OR_FILE:ATTR``: a function, or an ``nn.Module`` class
built with ``--impl-kwargs``) is called with the loss's inputs as positional tensors
in the declared order (``pred, target``), float64 (class indices int64). The reference
is :func:`losscli.compute` in float64 with the same reduction. Values are compared,
then the gradients of the sum of the output with respect to every floating-point
input except ``target``, all with ``|got − want| <= atol + rtol·|want|``.

Trials: the user's inputs (if given), then random valid inputs from
:mod:`losscli.tools.random_inputs` (growing shapes, edge values, a fixed seed). On a
mismatch the smallest failing input (a failing trial cut down to one sample where
possible) is shown, and with ``--case-out FILE`` written as a case file whose ``impl``
field names the implementation: ``losscli check FILE`` runs it again
(:func:`implementation_result`), so the case fails while the implementation is wrong
and passes once it agrees with the reference pinned under ``expect``.

Importing the implementation runs its code, with the user's permissions.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import json
import math
import os
import pathlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.core.atomic import write_atomic
from losscli.core.errors import LossCliError, UsageError
from losscli.core.spec import LossSpec
from losscli.families._shared.checks import shape_str
from losscli.tools.random_inputs import problems, valid


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-5
    atol: float = 1e-6

    def errors(self, got: np.ndarray, want: np.ndarray) -> tuple[float, float, bool]:
        """(max abs error, max rel error, within tolerance); NaN equals NaN."""
        got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
        ok = bool(np.all(np.isclose(got, want, rtol=self.rtol, atol=self.atol, equal_nan=True)))
        with np.errstate(invalid="ignore", divide="ignore"):
            both_nan = np.isnan(got) & np.isnan(want)
            diff = np.where(both_nan, 0.0, np.abs(got - want))
            diff = np.where(np.isnan(diff), np.inf, diff)
            rel = np.where(want != 0, diff / np.abs(want), np.where(diff == 0, 0.0, np.inf))
        return (float(diff.max()) if diff.size else 0.0, float(rel.max()) if rel.size else 0.0, ok)


@dataclass
class Trial:
    label: str
    values: dict[str, np.ndarray]
    reference: Any = None
    got: Any = None
    abs_error: float = 0.0
    rel_error: float = 0.0
    grad_abs_error: float | None = None
    ok: bool = True
    problem: str = ""

    @property
    def size(self) -> int:
        return sum(int(v.size) for v in self.values.values())


@dataclass
class Report:
    loss: str
    impl: str
    reduction: str
    tolerance: Tolerance
    params: dict[str, Any]
    trials: list[Trial] = field(default_factory=list)
    grads_compared: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    smallest: Trial | None = None
    impl_kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.trials)


# --------------------------------------------------------------------------- loading


def load_impl(target: str, kwargs: dict[str, Any] | None = None) -> Callable:
    """The callable named by ``MODULE_OR_FILE:ATTR`` (a class is instantiated with kwargs)."""
    where, sep, attr = target.rpartition(":")
    if not sep or not where or not attr:
        raise UsageError(
            f"--impl: expected MODULE_OR_FILE:ATTR, e.g. my_losses.py:FocalLoss or "
            f"mypkg.losses:focal_loss, got {target!r}"
        )
    module = _import(where)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise UsageError(f"--impl: {where} has no attribute {attr!r}")
        obj = getattr(obj, part)
    kwargs = kwargs or {}
    if inspect.isclass(obj):
        try:
            return obj(**kwargs)  # type: ignore[return-value]  # an instance with __call__
        except (Exception, SystemExit) as error:  # noqa: BLE001 - user code
            raise UsageError(f"--impl: {attr}(**{kwargs}) failed: {_oneline(error)}") from None
    if not callable(obj):
        raise UsageError(f"--impl: {attr} is a {type(obj).__name__}, not a function or class")
    return functools.partial(obj, **kwargs) if kwargs else obj


def _import(where: str):
    path = pathlib.Path(where).expanduser()
    try:
        if where.endswith(".py") or path.is_file():
            if not path.is_file():
                raise UsageError(f"--impl: no file {where!r}")
            name = f"losscli_impl_{abs(hash(str(path.resolve())))}"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise UsageError(f"--impl: cannot import {where!r}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            return module
        if "" not in sys.path and str(pathlib.Path.cwd()) not in sys.path:
            sys.path.insert(0, str(pathlib.Path.cwd()))
        return importlib.import_module(where)
    except LossCliError:
        raise
    except (Exception, SystemExit) as error:  # noqa: BLE001 - importing user code can raise anything
        raise UsageError(f"--impl: importing {where} failed: {_oneline(error)}") from None


def _oneline(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"[:300]


# --------------------------------------------------------------------------- trials


def _grad_inputs(spec: LossSpec, values: dict[str, np.ndarray]) -> list[str]:
    """Inputs whose gradients are compared: floating point, differentiable, not the target."""
    if not spec.differentiable:
        return []
    return [
        i.name
        for i in spec.inputs
        if i.name in values and i.name != "target" and i.kind != "index"
        and values[i.name].dtype.kind == "f"
    ]


def run_trial(spec: LossSpec, impl: Callable, label: str, values: dict[str, np.ndarray],
              params: dict[str, Any], reduction: str, tol: Tolerance, grad: bool) -> Trial:
    """Run the reference and the implementation on one input; compare value and gradients."""
    import torch

    import losscli

    trial = Trial(label, values)
    wrt = _grad_inputs(spec, values) if grad else []
    reference = losscli.compute(
        spec.name, reduction=reduction, dtype="float64", grad=bool(wrt), **values, **params
    )
    trial.reference = reference.value
    tensors = {}
    for i in spec.inputs:
        if i.name in values:
            array = values[i.name]
            dtype = torch.int64 if array.dtype.kind in "iu" else torch.float64
            tensors[i.name] = torch.tensor(array, dtype=dtype, requires_grad=i.name in wrt)
    try:
        out = impl(*tensors.values())
    except (Exception, SystemExit) as error:  # noqa: BLE001 - user code
        return _fail(trial, f"raised {_oneline(error)}")
    try:
        got = out if isinstance(out, torch.Tensor) else torch.as_tensor(out)
        if got.is_complex():
            raise TypeError(f"complex values ({got.dtype})")
        trial.got = got.detach().to(torch.float64).cpu().numpy()
    except Exception as error:  # noqa: BLE001 - whatever the user's object does
        return _fail(trial, f"returned no real tensor ({_oneline(error)})")
    want = np.asarray(reference.value, dtype=np.float64)
    if trial.got.shape != want.shape:
        if trial.got.size != want.size:
            return _fail(trial, f"returned shape {shape_str(trial.got.shape)}, the reference "
                                f"{shape_str(want.shape)} (reduction {reduction}; see --reduction)")
        trial.got = trial.got.reshape(want.shape)
    trial.abs_error, trial.rel_error, ok = tol.errors(trial.got, want)
    if not ok:
        _fail(trial, "value")
    if wrt and got.requires_grad:
        try:  # runs the implementation's backward
            found = torch.autograd.grad(got.sum(), [tensors[n] for n in wrt], allow_unused=True)
        except (Exception, SystemExit) as error:  # noqa: BLE001 - user code
            return _fail(trial, f"backward raised {_oneline(error)}")
        worst, bad = 0.0, []
        for name, g in zip(wrt, found):
            mine = np.zeros(values[name].shape) if g is None else g.detach().numpy()
            abs_error, _, same = tol.errors(mine, reference.grads[name])
            worst = max(worst, abs_error)
            if not same:
                bad.append(name)
        trial.grad_abs_error = worst
        if bad:
            _fail(trial, "∂" + ", ∂".join(bad))
    return trial


def _fail(trial: Trial, problem: str) -> Trial:
    trial.ok = False
    trial.problem = f"{trial.problem}, {problem}" if trial.problem else problem
    return trial


def shrink(spec: LossSpec, impl: Callable, trial: Trial, params: dict[str, Any],
           reduction: str, tol: Tolerance, grad: bool) -> Trial:
    """A one-sample slice of a failing trial that still fails, or the trial itself."""
    values = trial.values
    leading = {v.shape[0] if v.ndim else None for v in values.values()}
    count = leading.pop() if len(leading) == 1 else None
    if count is None or count == 1:
        return trial
    for k in range(count):
        sample = {name: v[k:k + 1] for name, v in values.items()}
        if not valid(spec, sample, params):
            continue
        smaller = run_trial(spec, impl, f"{trial.label} → sample {k}", sample, params,
                            reduction, tol, grad)
        if not smaller.ok:
            return smaller
    return trial


def compare(
    spec: LossSpec,
    impl: Callable,
    *,
    impl_name: str,
    params: dict[str, Any],
    user_values: dict[str, np.ndarray] | None = None,
    seed: int = 0,
    trials: int = 8,
    reduction: str = "mean",
    tol: Tolerance = Tolerance(),
    grad: bool = True,
    impl_kwargs: dict[str, Any] | None = None,
) -> Report:
    """Compare ``impl`` with the reference on the user's inputs and ``trials`` random ones.

    ``impl_kwargs``: the keyword arguments ``impl`` was built with (for the case file)."""
    report = Report(spec.name, impl_name, reduction, tol, dict(params),
                    impl_kwargs=dict(impl_kwargs or {}))
    cases = []
    if user_values:
        cases.append(("your inputs", user_values))
    for problem in problems(spec, seed=seed, count=trials, params=params):
        cases.append((problem.label, problem.values))
    if len(cases) < trials + bool(user_values):
        report.notes.append(
            f"only {len(cases) - bool(user_values)} of {trials} random inputs passed "
            f"{spec.name}'s checks; pass your own inputs to test more"
        )
    for label, values in cases:
        report.trials.append(run_trial(spec, impl, label, values, params, reduction, tol, grad))
    if report.trials:
        report.grads_compared = _grad_inputs(spec, report.trials[0].values) if grad else []
    failing = sorted((t for t in report.trials if not t.ok), key=lambda t: t.size)
    if failing:
        report.smallest = shrink(spec, impl, failing[0], params, reduction, tol, grad)
    return report


# --------------------------------------------------------------------------- case file


def _yaml_number(value: float | int) -> str:
    """A YAML 1.1 number: floats always carry a '.' before any exponent (1.0e-05)."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + (e + exponent if e else "")


def _yaml_value(value: Any) -> str:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value)
    return _yaml_number(value)


def case_text(report: Report, trial: Trial, effective_params: dict[str, Any],
              grads: dict[str, np.ndarray], impl: str) -> str:
    """The failing trial as a case file (the format of ``examples/*.loss.yaml``) that runs
    the implementation ``impl`` (written relative to the case file) again."""
    lines = [
        f"# losscli compare: {report.impl} differs from the reference {report.loss} on these",
        f"# inputs ({trial.problem}). The reference (float64) is under expect; the",
        f"# implementation gave {_yaml_value(trial.got)}. 'losscli check THIS_FILE' runs the",
        "# implementation again: it fails until the implementation agrees.",
        f"name: {json.dumps(f'{report.loss} compare mismatch')}",
        f"loss: {report.loss}",
        f"impl: {json.dumps(impl)}",
    ]
    if report.impl_kwargs:
        lines.append(f"impl_kwargs: {json.dumps(report.impl_kwargs)}")
    lines += ["inputs:", *[f"  {name}: {_yaml_value(array)}"
                           for name, array in trial.values.items()]]
    params = {k: v for k, v in effective_params.items() if v is not None}
    if params:
        lines.append("params:")
        lines += [f"  {name}: {_yaml_value(v)}" for name, v in params.items()]
    lines += [f"reduction: {report.reduction}", "dtype: float64"]
    if grads:
        lines += ["grad: true", "expect:", f"  value: {_yaml_value(trial.reference)}",
                  "  grad:", *[f"    {name}: {_yaml_value(g)}" for name, g in grads.items()]]
    else:
        lines.append(f"expect: {_yaml_value(trial.reference)}")
    lines += [f"rtol: {_yaml_number(report.tolerance.rtol)}",
              f"atol: {_yaml_number(report.tolerance.atol)}"]
    return "\n".join(lines) + "\n"


def write_case(report: Report, path: pathlib.Path) -> pathlib.Path:
    """Write the smallest failing trial of ``report`` to ``path`` (``--case-out``)."""
    import losscli

    trial = report.smallest
    assert trial is not None, "only a failing comparison writes a case"
    wrt = [n for n in report.grads_compared if n in trial.values]
    reference = losscli.compute(report.loss, reduction=report.reduction, dtype="float64",
                                grad=bool(wrt), **trial.values, **report.params)
    grads = {n: reference.grads[n] for n in wrt if n in reference.grads}
    impl = _impl_for(report.impl, path)
    text = case_text(report, trial, reference.params, grads, impl)
    write_atomic(path, text.encode("utf-8"), argument="--case-out")
    return path


def _impl_for(target: str, case_path: pathlib.Path) -> str:
    """``target`` as a case file at ``case_path`` names it: a file relative to the case."""
    where, _, attr = target.rpartition(":")
    file = pathlib.Path(where).expanduser()
    if not (where.endswith(".py") or file.is_file()):
        return target  # a module name, imported from the working directory
    folder = case_path.resolve().parent
    try:
        return f"{os.path.relpath(file.resolve(), folder)}:{attr}"
    except ValueError:  # another drive
        return f"{file.resolve()}:{attr}"


def implementation_result(case, reference):
    """``reference`` (the case computed by losscli) with the value and gradients of the
    case's implementation under test, called as ``compare`` calls it (the inputs as
    positional float64 tensors, class indices int64). Its faults are input errors."""
    import dataclasses

    import torch

    where, _, attr = case.impl.rpartition(":")
    file = pathlib.Path(where).expanduser()
    if not file.is_absolute() and (where.endswith(".py") or (case.path.parent / file).is_file()):
        where = str(case.path.parent / file)
    impl = load_impl(f"{where}:{attr}", case.impl_kwargs)
    inputs = {i.name: np.asarray(case.values[i.name]) for i in case.spec.inputs
              if i.name in case.values}
    wrt = _grad_inputs(case.spec, inputs) if case.grad else []
    tensors = {name: torch.tensor(a, dtype=torch.int64 if a.dtype.kind in "iub" else
                                  torch.float64, requires_grad=name in wrt)
               for name, a in inputs.items()}
    try:
        out = impl(*tensors.values())
        got = out if isinstance(out, torch.Tensor) else torch.as_tensor(out)
        grads = {}
        if wrt:
            found = (torch.autograd.grad(got.sum(), [tensors[n] for n in wrt], allow_unused=True)
                     if got.requires_grad else [None] * len(wrt))
            grads = {n: np.zeros(inputs[n].shape) if g is None else g.detach().numpy()
                     for n, g in zip(wrt, found)}
        value = got.detach().to(torch.float64).cpu().numpy()
    except (Exception, SystemExit) as error:  # noqa: BLE001 - user code
        raise UsageError(f"{case.impl} raised {_oneline(error)}", argument="--impl") from None
    want = np.shape(reference.value)
    if value.shape != want and value.size == int(np.prod(want)):
        value = value.reshape(want)
    return dataclasses.replace(
        reference, value=float(value) if value.ndim == 0 else value, grads=grads,
        notes=[*reference.notes, f"the value{' and gradients' if grads else ''} of "
               f"{case.impl}; the terms are losscli's"])


def reproduce_command(report: Report, trial: Trial, spec: LossSpec) -> str:
    """The ``losscli LOSS ...`` command that prints the reference value on the trial."""
    args = [f"{spec.input(k).option} '{_yaml_value(v)}'" for k, v in trial.values.items()]
    for name, value in report.params.items():
        if value is not None:
            args.append(f"{spec.param(name).option} '{_yaml_value(value)}'")
    return f"losscli {spec.name} " + " ".join(args) + f" -r {report.reduction} --dtype float64"


# --------------------------------------------------------------------------- output


def _short(value: Any) -> str:
    if value is None:
        return "—"
    array = np.asarray(value, dtype=np.float64)
    if array.ndim == 0:
        return f"{float(array):.6g}"
    return f"{array.size} values"


def render_report(report: Report, spec: LossSpec, *, case_path: pathlib.Path | None,
                  console=None) -> None:
    """The table of trials, then the verdict (and where the failing case was written).

    Laid out as every table of losscli (:func:`losscli.render.table.print_fitted`): for the
    output's width, no number cut, one-line messages never wrapped."""
    from rich.text import Text

    from losscli.render.layout import output_width
    from losscli.render.table import Column, Rows, make_console, print_fitted

    width = output_width() if console is None else console.width
    console = console or make_console(width)
    grads = ", ".join(report.grads_compared) or "none"
    names = ", ".join(report.trials[0].values) if report.trials else "inputs"
    title = (f"{report.impl} against losscli {report.loss} · reduction {report.reduction} · "
             f"float64 · rtol {report.tolerance.rtol:g} · atol {report.tolerance.atol:g}")
    trials = report.trials

    def trial(idx):
        return trials[idx[0]]

    columns = [
        Column("#", lambda i: str(i[0]), justify="left"),
        Column("shapes", lambda i: trial(i).label, justify="left"),
        Column("reference", lambda i: _short(trial(i).reference)),
        Column("yours", lambda i: _short(trial(i).got)),
        Column("abs err", lambda i: f"{trial(i).abs_error:.2g}"),
        Column("rel err", lambda i: f"{trial(i).rel_error:.2g}"),
        Column("∂ err", lambda i: "—" if trial(i).grad_abs_error is None
               else f"{trial(i).grad_abs_error:.2g}"),
        Column("result", lambda i: "✓" if trial(i).ok else "✗ " + trial(i).problem,
               justify="left", cell_style=lambda i: "green" if trial(i).ok else "bold red"),
    ]
    print_fitted(console, title, columns, Rows((n,) for n in range(len(trials))), width)

    def say(text: str, style: str = "") -> None:  # user text verbatim: Text, never markup
        console.print(Text(text, style=style), soft_wrap=True)

    say(f"shapes: of {names} (edge: with edge values); ∂ err: the largest gradient error, "
        f"w.r.t. {grads}", "dim")
    params = ", ".join(f"{k}={_yaml_value(v)}" for k, v in report.params.items())
    say(f"reference parameters: {params or 'the defaults'}", "dim")
    for note in report.notes:
        say(f"note: {note}", "yellow")
    failed = [t for t in trials if not t.ok]
    if not failed:
        say(f"✓ all {len(trials)} trials agree (values, and gradients w.r.t. {grads})",
            "bold green")
        return
    say(f"✗ {len(failed)} of {len(trials)} trials differ", "bold red")
    smallest = report.smallest
    assert smallest is not None, "a failing comparison has a smallest failing trial"
    say(f"smallest failing input: {smallest.label} ({smallest.problem}); "
        f"reference {_short(smallest.reference)}, yours {_short(smallest.got)}")
    if case_path is not None:
        say(f"written to {case_path}; replay it on your implementation with: "
            f"losscli check {case_path}")
    else:
        say("--case-out FILE writes it as a case that 'losscli check FILE' replays on your "
            "implementation", "dim")
    say("the reference on it: " + reproduce_command(report, smallest, spec))
