"""The tool commands ``explain``, ``plot`` and ``compare``; :func:`register` adds them to the app.

``plot`` and ``compare`` take the loss's own options after the loss name
(``--gamma 0,1,2`` for plot, ``--pred TENSOR --gamma 2`` for compare); they are read
by :func:`loss_options` against the loss's declaration. Nothing here imports torch
until a command runs a computation.
"""

from __future__ import annotations

import pathlib
from typing import Any

import typer

from losscli.core.errors import ExitStatus, InputError, UsageError
from losscli.core.options import scalar
from losscli.core.spec import LossSpec
from losscli.families.registry import registry

PANEL = "Tools"
_EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}


# --------------------------------------------------------------------------- loss options


def loss_options(spec: LossSpec, args: list[str], *, inputs: bool, lists: bool
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, params) from ``--name value`` pairs; ``lists`` reads params as ``v1,v2,...``."""
    from losscli.inputs import load_tensor

    known: dict[str, tuple[str, Any]] = {}
    if inputs:
        for i in spec.inputs:
            for flag in i.option_names:
                known[flag] = ("input", i)
    for p in spec.params:
        known[p.option] = ("param", p)
        if p.type == "bool":
            known["--no-" + p.option[2:]] = ("param", p)
    values: dict[str, Any] = {}
    params: dict[str, Any] = {}
    rest = list(args)
    while rest:
        token = rest.pop(0)
        flag, eq, inline = token.partition("=")
        if flag not in known:
            options = ", ".join(sorted({k for k in known if k.startswith("--")})) or "none"
            raise UsageError(f"{spec.name} has no option {token!r} here (its options: {options})")
        role, item = known[flag]
        if role == "param" and item.type == "bool" and not eq and (
            not rest or rest[0].startswith("-")
        ):  # a switch: --full or --no-full
            value = not flag.startswith("--no-")
            params[item.name] = [value] if lists else value
            continue
        if not eq and not rest:
            raise UsageError(f"{flag} needs a value")
        text = inline if eq else rest.pop(0)
        if role == "input":
            values[item.name] = load_tensor(text, argument=item.option)
        elif item.type in ("tensor", "float_or_tensor") and not _is_number(text):
            if lists:
                raise UsageError(f"{flag}: plot takes numbers for parameters, not tensors")
            params[item.name] = load_tensor(text, argument=item.option)
        elif lists:
            params[item.name] = [scalar(item, part.strip()) for part in text.split(",")]
        else:
            params[item.name] = scalar(item, text)
    return values, params


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _floats(text: str, option: str, count: int) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) != count:
        raise InputError(f"expected {count} comma-separated numbers, got {text!r}", argument=option)
    return values


# --------------------------------------------------------------------------- explain


def explain_command(
    loss: str = typer.Argument(..., metavar="LOSS",
                               help="a loss name or alias (see 'losscli list')"),
    json_: bool = typer.Option(False, "--json", help="print the explanation as JSON"),
) -> None:
    """Explain a loss: formula, inputs, parameters, reductions, pitfalls, references, example.

    Add --explain to a loss computation for a worked derivation with your own numbers.
    """
    from losscli.tools.explain.static import explanation_dict, render_explanation

    spec = registry().resolve(loss)
    if json_:
        from losscli.render.json import dumps

        print(dumps(explanation_dict(spec)))
    else:
        render_explanation(spec)


# --------------------------------------------------------------------------- plot


def plot_command(
    ctx: typer.Context,
    loss: str = typer.Argument(..., metavar="LOSS", help="a loss name or alias"),
    x: str | None = typer.Option(None, "--x", help="the quantity on the x axis (default: the "
                                 "loss's first axis, e.g. p_t for focal, error for mse)"),
    with_: str | None = typer.Option(None, "--with", metavar="LOSS,...",
                                     help="other losses drawn on the same axes, e.g. l1,mse"),
    grad: bool = typer.Option(False, "--grad", help="also draw the derivative of each term"),
    out: str | None = typer.Option(None, "--out", metavar="FILE",
                                   help="write a .png, .svg or .pdf file instead (needs "
                                   "matplotlib: pip install 'losscli[plot]')"),
    points: int = typer.Option(200, "--points", min=2, max=10000, help="points per curve"),
    range_: str | None = typer.Option(None, "--range", metavar="LO,HI",
                                      help="range of the x axis (default: the axis's own)"),
    width: int | None = typer.Option(None, "--width", min=20, max=500, help="terminal plot width"),
    height: int | None = typer.Option(None, "--height", min=5, max=200,
                                      help="terminal plot height (per panel)"),
) -> None:
    """Plot a loss against one varying quantity, one curve per parameter value.

    The loss's parameters follow as --NAME V1,V2,... (one curve per value):

      losscli plot focal --x p_t --gamma 0,0.5,1,2,5

      losscli plot smooth-l1 --x error --beta 0.5,1 --with l1,mse

      losscli plot bce --x p --grad

    Values are computed by losscli's backend (PyTorch), one term per x.
    """
    from losscli.tools.plot.axes import axis_for
    from losscli.tools.plot.curves import plot_data

    spec = registry().resolve(loss)
    axis = axis_for(spec, x)
    _, params = loss_options(spec, ctx.args, inputs=False, lists=True)
    others = tuple(_companion(n.strip(), axis.name) for n in (with_ or "").split(",")
                   if n.strip())
    lo: float | None = None
    hi: float | None = None
    if range_:
        lo, hi = _floats(range_, "--range", 2)
        axis.check_range(lo, hi)
    if out:
        from losscli.tools.plot.image import check_path

        check_path(out)
    data = plot_data(spec, axis, params, others=others, points=points, lo=lo, hi=hi, grad=grad)
    if out:
        from losscli.tools.plot.image import save

        print(f"wrote {save(data, out)}")
        return
    from losscli.tools.plot.terminal import draw

    print(draw(data, width=width, height=height))


def _companion(name: str, axis: str) -> LossSpec:
    """A loss of ``--with``, which must plot against the same axis."""
    from losscli.tools.plot.axes import axis_for

    spec = registry().find(name)
    if spec is None:
        raise UsageError(f"unknown loss {name!r}{registry().suggest(name)}", argument="--with")
    try:
        axis_for(spec, axis)
    except UsageError as error:
        raise UsageError(error.message, argument="--with") from None
    return spec


# --------------------------------------------------------------------------- compare


def compare_command(
    ctx: typer.Context,
    loss: str = typer.Argument(..., metavar="LOSS", help="the reference loss (a name or alias)"),
    impl: str = typer.Option(..., "--impl", metavar="MODULE_OR_FILE:ATTR",
                             help="your implementation: a function or an nn.Module class, e.g. "
                             "my_losses.py:FocalLoss or mypkg.losses:focal. This IMPORTS AND "
                             "RUNS YOUR CODE."),
    impl_kwargs: str | None = typer.Option(None, "--impl-kwargs", metavar="JSON",
                                           help="keyword arguments for the class (or the "
                                           "function), e.g. '{\"gamma\": 2}'"),
    seed: int = typer.Option(0, "--seed", min=0, help="seed of the random inputs"),
    trials: int = typer.Option(8, "--trials", min=0, max=200, help="random inputs to try"),
    reduction: str = typer.Option("mean", "--reduction", "-r",
                                  help="the reduction your implementation applies"),
    rtol: float = typer.Option(1e-5, "--rtol", help="relative tolerance"),
    atol: float = typer.Option(1e-6, "--atol", help="absolute tolerance"),
    no_grad: bool = typer.Option(False, "--no-grad", help="compare values only"),
    case_out: str | None = typer.Option(None, "--case-out", metavar="FILE",
                                        help="write the smallest failing input to FILE, a "
                                        "case that 'losscli check' replays on your "
                                        "implementation (no file without it)"),
) -> None:
    """Check your own loss implementation against losscli's reference.

    Loads MODULE_OR_FILE:ATTR and runs it (this executes your code) on your inputs, if
    given after the loss name (--pred TENSOR --target TENSOR), and on random valid inputs
    of several shapes with edge values. The reference's parameters follow the loss name
    too (--gamma 2). Values and gradients are compared; exit 0 when every trial agrees,
    1 when one does not (the smallest failing input is shown; --case-out FILE writes it as
    a case that 'losscli check FILE' replays on your implementation).

      losscli compare softmax-focal --impl my_focal.py:FocalLoss --impl-kwargs '{"gamma": 2}'
    """
    import json
    import math

    from losscli.tools.compare import Tolerance, compare, load_impl, render_report, write_case

    spec = registry().resolve(loss)
    if reduction not in spec.reductions:
        raise InputError(f"{reduction!r} is not one of {', '.join(spec.reductions)}",
                         argument="--reduction")
    for option, tolerance in (("--rtol", rtol), ("--atol", atol)):
        if not 0 <= tolerance < math.inf:
            raise InputError(f"must be a finite non-negative number, got {tolerance:g}",
                             argument=option)
    values, params = loss_options(spec, ctx.args, inputs=True, lists=False)
    kwargs = {}
    if impl_kwargs:
        try:
            kwargs = json.loads(impl_kwargs)
        except json.JSONDecodeError as error:
            raise InputError(f"not valid JSON ({error.msg})", argument="--impl-kwargs") from None
        if not isinstance(kwargs, dict):
            raise InputError("expected a JSON object, e.g. '{\"gamma\": 2}'",
                             argument="--impl-kwargs")
    function = load_impl(impl, kwargs)
    report = compare(spec, function, impl_name=impl, params=params, user_values=values or None,
                     seed=seed, trials=trials, reduction=reduction,
                     tol=Tolerance(rtol, atol), grad=not no_grad, impl_kwargs=kwargs)
    if not report.trials:
        raise UsageError(f"nothing to compare: no random input passed {spec.name}'s checks and "
                         "no inputs were given; pass --pred/--target (or raise --trials)")
    path = None
    if report.smallest is not None and case_out is not None:
        path = write_case(report, pathlib.Path(case_out))
    render_report(report, spec, case_path=path)
    if not report.ok:
        raise typer.Exit(int(ExitStatus.MISMATCH))


def register(app: typer.Typer) -> None:
    """Add ``explain``, ``plot`` and ``compare`` to the app."""
    app.command("explain", rich_help_panel=PANEL)(explain_command)
    app.command("plot", rich_help_panel=PANEL, context_settings=_EXTRA_ARGS)(plot_command)
    app.command("compare", rich_help_panel=PANEL, context_settings=_EXTRA_ARGS)(compare_command)

