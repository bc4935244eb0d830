"""``losscli plot``: the curves (against independent formulas), terminal drawing, PNG/SVG."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from losscli.core.errors import UsageError
from losscli.families.registry import family_packages, registry
from losscli.tools.plot.axes import axes_of, axis_for, hand_chosen
from losscli.tools.plot.curves import plot_data

FOCAL_FIGURE = ("plot", "focal", "--x", "p_t", "--gamma", "0,0.5,1,2,5")


def _data(name, params=None, x=None, **kw):
    spec = registry().resolve(name)
    return plot_data(spec, axis_for(spec, x), params or {}, points=41, **kw)


def test_focal_curves_are_the_papers_figure():
    """Lin et al. 2017, figure 1: FL(p_t) = −(1 − p_t)^γ·log p_t (no α), γ = 0 is CE."""
    data = _data("focal", {"gamma": [0.0, 2.0, 5.0]}, grad=True)
    assert data.title == "focal: loss against p_t (alpha=-1)"
    assert [c.label for c in data.curves] == ["gamma=0", "gamma=2", "gamma=5"]
    for curve, gamma in zip(data.curves, (0.0, 2.0, 5.0)):
        want = [-((1 - p) ** gamma) * math.log(p) for p in data.x]
        np.testing.assert_allclose(curve.y, want, rtol=1e-9)
    # d CE / d logit = p − 1 for a positive example
    np.testing.assert_allclose(data.curves[0].grad, data.x - 1, rtol=1e-9, atol=1e-12)


def test_focal_alpha_is_a_factor_on_positives():
    data = _data("focal", {"gamma": [2.0], "alpha": [0.25]})
    want = [-0.25 * (1 - p) ** 2 * math.log(p) for p in data.x]
    np.testing.assert_allclose(data.curves[0].y, want, rtol=1e-9)


@pytest.mark.parametrize("name", ["cross-entropy", "nll", "bce", "bce-with-logits"])
def test_probability_axes_give_minus_log_p(name):
    data = _data(name)
    np.testing.assert_allclose(data.curves[0].y, -np.log(data.x), rtol=1e-9)


def test_smooth_l1_with_l1_and_mse_and_gradients():
    data = _data("smooth-l1", {"beta": [0.5, 1.0]}, others=tuple(
        registry().resolve(n) for n in ("l1", "mse")), grad=True)
    assert [c.label for c in data.curves] == [
        "smooth-l1 beta=0.5", "smooth-l1 beta=1", "l1", "mse"]
    e = data.x
    for curve, beta in zip(data.curves, (0.5, 1.0)):
        want = np.where(np.abs(e) < beta, 0.5 * e**2 / beta, np.abs(e) - 0.5 * beta)
        np.testing.assert_allclose(curve.y, want, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(data.curves[2].y, np.abs(e), atol=1e-15)
    np.testing.assert_allclose(data.curves[3].y, e**2, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(data.curves[3].grad, 2 * e, rtol=1e-9, atol=1e-12)


def test_margin_axis():
    data = _data("multi-margin")
    np.testing.assert_allclose(data.curves[0].y, np.maximum(0, 1 - data.x) / 2, atol=1e-12)


def test_hand_chosen_axes_come_from_the_family_of_their_loss():
    """Each family's ``plot.AXES`` names its own losses, and all of them are collected."""
    import importlib
    import importlib.util

    collected = {}
    for package in family_packages():
        module = f"losscli.families.{package}.plot"
        if importlib.util.find_spec(module) is None:
            continue
        for name, axes in importlib.import_module(module).AXES.items():
            assert registry().specs[name].package == package, name
            assert axes and name not in collected
            collected[name] = axes
    assert collected == hand_chosen()
    assert {"focal", "mse", "iou", "multi-margin"} <= set(collected)


@pytest.mark.parametrize("name", [spec.name for spec in registry()])
def test_every_loss_has_axes_that_plot_or_a_clear_error(cli, name):
    spec = registry().resolve(name)
    if not axes_of(spec):
        out = cli("plot", spec.name)
        assert out.code == 2 and "has no plot axis" in out.stderr
    for axis in axes_of(spec):
        data = plot_data(spec, axis, {}, points=7, grad=spec.differentiable)
        for curve in data.curves:
            assert curve.y.shape == data.x.shape  # one term per x
            assert np.all(np.isfinite(curve.y))
            if spec.differentiable:
                assert curve.grad.shape == data.x.shape


def test_terminal_plot_of_the_focal_figure(cli):
    out = cli(*FOCAL_FIGURE, "--width", "100", "--height", "20")
    assert out.code == 0, out.stderr
    assert "focal: loss against p_t (alpha=-1)" in out.stdout
    for gamma in ("0", "0.5", "1", "2", "5"):
        assert f"gamma={gamma}" in out.stdout
    assert "\x1b[" not in out.stdout  # NO_COLOR and no terminal: plain characters
    assert "┤" in out.stdout and "•" in out.stdout  # axes ticks and the first curve's marker
    assert max(len(line) for line in out.stdout.splitlines()) <= 100


def test_terminal_plot_with_gradient_panel(cli):
    out = cli("plot", "smooth-l1", "--beta", "0.5,1", "--with", "l1,mse", "--grad")
    assert out.code == 0, out.stderr
    assert "∂ℓ/∂x against error" in out.stdout
    assert "smooth-l1 beta=0.5" in out.stdout and "mse" in out.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("focal", "--gama", "1"), "has no option '--gama'"),
        (("focal", "--x", "error"), "its axes: p_t, logit"),
        (("focal", "--gamma", "a,b"), "--gamma: expected a float"),
        (("focal", "--gamma"), "--gamma needs a value"),
        (("focal", "--gamma", "-1"), "--gamma: must be >= 0"),
        (("focal", "--range", "0.1"), "--range: expected 2 comma-separated numbers"),
        (("focal", "--out", "plot.gif"), "use a .png, .svg or .pdf"),
        (("focal", "--gamma", ",".join(map(str, range(13)))), "too many"),
        (("smooth-l1", "--with", "focal"), "focal cannot be plotted against 'error'"),
        (("cross-entropy", "--weight", "[1, 2]"), "plot takes numbers for parameters"),
        (("nosuchloss",), "unknown loss"),
    ],
)
def test_plot_errors(cli, args, message):
    out = cli("plot", *args)
    assert out.code == 2
    assert message in out.stderr
    assert out.stderr.count("\n") == 1  # one line, no traceback


def test_png_and_svg(cli, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "focal.png"
    out = cli(*FOCAL_FIGURE, "--out", str(png))
    assert out.code == 0, out.stderr
    assert out.stdout.strip() == f"wrote {png}"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from matplotlib.image import imread

    height, width, _ = imread(png).shape
    assert width > 500 and height > 400
    svg = tmp_path / "sl1.svg"
    assert cli("plot", "smooth-l1", "--grad", "--out", str(svg)).code == 0
    assert "<svg" in svg.read_text()


def test_missing_matplotlib_is_a_clear_error(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import raises ImportError
    out = cli(*FOCAL_FIGURE, "--out", str(tmp_path / "f.png"))
    assert out.code == 2
    assert "pip install 'losscli[plot]'" in out.stderr
    assert not (tmp_path / "f.png").exists()


def test_unwritable_output(cli, tmp_path):
    pytest.importorskip("matplotlib")
    out = cli(*FOCAL_FIGURE, "--out", str(tmp_path / "missing" / "f.png"))
    assert out.code == 2 and "cannot write" in out.stderr


def test_axis_for_errors_are_usage_errors():
    with pytest.raises(UsageError):
        axis_for(registry().resolve("focal"), "nope")
