"""Bad input never crashes: every loss and tool command, driven by the registry.

Each case is a malformed variant of a loss's example arguments (or of a tool command's):
the exit status must be 0 or 1 (computed) or 2 with exactly one ``losscli: error:`` line
on stderr naming an option or the loss, and nothing on stdout. Exit 3 (a bug), a
traceback or a hang fails. The regression tests below pin the faults fuzzing found.
"""

from __future__ import annotations

import numpy as np
import pytest

from losscli import streaming
from losscli.registry import registry

SPECS = list(registry())
BACKENDS = ("torch", "numpy")


def example_args(spec, **changes: str | None) -> list[str]:
    """``spec``'s example as CLI arguments, with some values changed (None drops one)."""
    values = {**spec.example, **changes}
    args = [spec.name]
    for name, value in values.items():
        if value is not None:
            args += ["--" + name.replace("_", "-"), value]
    return args


def assert_handled(out, *args: str) -> None:
    """Computed (exit 0/1), or exit 2 with one error line naming the culprit."""
    shown = " ".join(args)
    assert out.code in (0, 1, 2), f"exit {out.code} for: losscli {shown}\n{out.stderr}"
    assert "Traceback" not in out.stderr + out.stdout, shown
    if out.code == 2:
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("losscli: error:"), (shown, out.stderr)
        assert out.stdout == "", shown


# --------------------------------------------------------------------------- regressions


def test_extent_of_an_empty_array_is_empty():
    lo, hi = streaming.extent(np.zeros((0, 3)))
    assert lo == np.inf and hi == -np.inf


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_empty_inputs_are_checked_not_crashed(cli, spec, backend):
    for empty in ("[]", "[[]]"):
        for item in spec.inputs:
            args = [*example_args(spec, **{item.name: empty}), "--backend", backend, "-q"]
            out = cli(*args)
            assert_handled(out, *args)


BOUNDED = [(s, p) for s in SPECS for p in s.params
           if p.type == "float" and (p.minimum is not None or p.maximum is not None)]
INTS = [(s, p) for s in SPECS for p in s.params if p.type == "int"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("spec", "param"), BOUNDED, ids=lambda x: getattr(x, "name", ""))
def test_nan_fails_a_parameter_bound(cli, spec, param, backend):
    out = cli(*example_args(spec, **{param.name: "nan"}), "--backend", backend)
    assert out.code == 2, out.stderr
    assert out.stderr.startswith(f"losscli: error: {param.option}: must be ")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("spec", "param"), INTS, ids=lambda x: getattr(x, "name", ""))
def test_integer_parameters_must_fit_64_bits(cli, spec, param, backend):
    for value in ("99999999999999999999", "-9223372036854775809"):
        out = cli(*example_args(spec, **{param.name: value}), "--backend", backend)
        assert out.code == 2, out.stderr
        assert out.stderr.startswith(f"losscli: error: {param.option}: "), out.stderr


def test_integer_parameters_are_exact_to_64_bits():
    from losscli.validate import prepare

    spec = registry().resolve("nll")
    values = {"pred": [[-0.1, -2.0]], "target": [1], "ignore_index": 2**63 - 1}
    assert prepare(spec, values).params["ignore_index"] == 2**63 - 1
    with pytest.raises(Exception, match="--ignore-index: expected a int"):
        prepare(spec, {**values, "ignore_index": float("inf")})


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("extra", [
    ("--margin", "inf"), ("--expect", "Infinity"), ("--expect", "[NaN, 1, -Infinity]"),
    ("--reduction", "none", "--max-elements", "1", "--expect", "[NaN, 1, -Infinity]"),
])
def test_json_output_of_non_finite_parameters_and_expectations(cli, extra, backend):
    import json

    spec = registry().resolve("margin-ranking")
    out = cli(*example_args(spec), *extra, "--json", "--backend", backend)
    assert out.code in (0, 1), out.stderr
    data = json.loads(out.stdout)  # strict JSON: NaN and ±inf are null
    assert data["params"]["margin"] is None or "--expect" in extra


def test_json_output_of_a_non_finite_tensor_parameter(cli):
    import json

    spec = registry().resolve("cross-entropy")
    out = cli(*example_args(spec, weight="[Infinity, 1, NaN]"), "--json")
    assert out.code == 0, out.stderr
    assert json.loads(out.stdout)["params"]["weight"] == [None, 1.0, None]


@pytest.mark.parametrize(("expect", "code"), [
    ("Infinity", 1), ("-Infinity", 1), ("1.0000001", 0), ("NaN", 1),
])
def test_an_infinite_expectation_matches_only_infinity(cli, expect, code):
    out = cli("l1", "--pred", "[1]", "--target", "[0]", "--expect", expect, "-q")
    assert out.code == code, out.stderr
    out = cli("l1", "--pred", "[Infinity]", "--target", "[0]", "--expect", "Infinity", "-q")
    assert out.code == 0 and "RuntimeWarning" not in out.stderr, out.stderr


@pytest.mark.parametrize(("option", "value"), [
    ("--rtol", "-1"), ("--rtol", "nan"), ("--atol", "-1e-9"), ("--atol", "nan"),
])
def test_negative_or_nan_tolerances_are_input_errors(cli, option, value):
    out = cli("l1", "--pred", "[1]", "--target", "[0]", "--expect", "1", option, value)
    assert out.code == 2
    assert out.stderr.startswith(f"losscli: error: {option}: must be a non-negative number")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_loss_computes_in_half_precision_on_torch(cli, spec, dtype):
    args = [*example_args(spec), "--backend", "torch", "--grad", "-q"]
    reference = cli(*args, "--dtype", "float64")
    out = cli(*args, "--dtype", dtype)
    assert out.code == 0, out.stderr
    assert float(out.stdout) == pytest.approx(float(reference.stdout), rel=2e-2, abs=1e-2)


UNBOUNDED_SIDE = [
    (s, p, "1e39" if p.maximum is None else "-1e39") for s in SPECS for p in s.params
    if p.type in ("float", "float_or_tensor") and (p.maximum is None or p.minimum is None)
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("spec", "param", "value"), UNBOUNDED_SIDE,
                         ids=lambda x: getattr(x, "name", x))
def test_a_parameter_beyond_the_compute_dtype_is_an_input_error(cli, spec, param, value,
                                                                 backend):
    args = example_args(spec, **{param.name: value})
    out = cli(*args, "--backend", backend, "--dtype", "float32")
    assert out.code == 2, out.stderr
    assert out.stderr.startswith(f"losscli: error: {param.option}: {float(value):g} overflows")
    assert cli(*args, "--backend", backend, "--dtype", "float64").code in (0, 1)
    half = value.replace("e39", "e5")
    out = cli(*example_args(spec, **{param.name: half}), "--backend", "torch", "--dtype",
              "float16")
    assert out.code == 2 and "overflows float16" in out.stderr, out.stderr


def test_npy_inputs_on_torch_give_no_pytorch_warning(tmp_path):
    import subprocess
    import sys

    np.save(tmp_path / "pred.npy", np.array([[0.8, 0.1], [0.4, 1.5]], dtype=np.float32))
    np.save(tmp_path / "target.npy", np.array([1, 0]))
    proc = subprocess.run(
        [sys.executable, "-m", "losscli", "cross-entropy", "--pred", "@pred.npy", "--target",
         "@target.npy", "--backend", "torch", "--grad", "-q"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


DOMAIN_INPUTS = [(s, i) for s in SPECS for i in s.inputs
                 if i.domain in ("prob", "sign", "binary", "nonneg", "positive")
                 and i.kind == "float" and i.name in s.example]


def _with_first(spec, name: str, value: float) -> str:
    import json

    array = np.array(json.loads(spec.example[name]), dtype=float)
    array.flat[0] = value
    return json.dumps(array.tolist())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("spec", "item"), DOMAIN_INPUTS, ids=lambda x: x.name)
def test_minus_infinity_is_outside_every_bounded_domain(cli, spec, item, backend):
    args = example_args(spec, **{item.name: _with_first(spec, item.name, -np.inf)})
    out = cli(*args, "--backend", backend)
    assert out.code == 2, out.stderr
    assert out.stderr.startswith(f"losscli: error: {item.option}: value -inf is outside")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("spec", "item"), DOMAIN_INPUTS, ids=lambda x: x.name)
def test_nan_in_a_bounded_domain_is_computed_or_refused(cli, spec, item, backend):
    args = example_args(spec, **{item.name: _with_first(spec, item.name, np.nan)})
    out = cli(*args, "--backend", backend, "-q")
    assert_handled(out, *args)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", ["pred", "target"])
def test_bce_refuses_nan_probabilities(cli, name, backend):
    spec = registry().resolve("bce")
    out = cli(*example_args(spec, **{name: _with_first(spec, name, np.nan)}), "--backend", backend)
    assert out.code == 2
    assert out.stderr.startswith(f"losscli: error: --{name}: NaN is not a probability")


def _python_warnings(cli, *args: str) -> list[str]:
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = cli(*args)
    assert_handled(out, *args)
    return [f"{w.category.__name__}: {w.message}" for w in caught]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("pred", [
    "[[0, 0, 2, 2], [1, 1, 3, 4], [1e-300, 0, 1e300, 1e38]]",  # an area beyond float64
    "[[0, 0, 2, 2], [1, 1, 3, 4], [-Infinity, -Infinity, -Infinity, -Infinity]]",  # inf − inf
])
def test_checks_of_huge_boxes_give_no_numpy_warning(cli, pred, backend):
    target = "[[1, 1, 3, 3], [1, 1, 3, 4], [1, 1, 2, 3]]"
    for loss in ("iou", "diou", "ciou"):
        args = (loss, "--pred", pred, "--target", target, "--backend", backend, "--dtype",
                "float64")
        assert _python_warnings(cli, *args) == []


def test_ctc_check_reads_integer_frames_without_wrapping(cli, tmp_path):
    np.save(tmp_path / "pred.npy", np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=np.uint8))
    args = ("ctc", "--pred", f"@{tmp_path / 'pred.npy'}", "--target", "[1, 2]",
            "--input-lengths", "3", "--target-lengths", "2", "--backend", "torch", "-q")
    assert _python_warnings(cli, *args) == []
    assert "logsumexp 1.862" in cli(*args).stderr


@pytest.mark.parametrize("loss", ["zero-one", "hinge", "log-loss"])
def test_per_sample_weights_are_cut_with_the_rows_in_chunks(loss):
    import losscli

    rng = np.random.default_rng(0)
    pred = rng.random((40, 3))
    pred /= pred.sum(axis=1, keepdims=True)
    values = {"pred": pred, "target": rng.integers(0, 3, 40), "sample_weight": rng.random(40)}
    for reduction in ("mean", "sum", "none"):
        whole = losscli.compute(loss, backend="numpy", reduction=reduction, dtype="float64",
                                **values)
        chunked = losscli.compute(loss, backend="numpy", reduction=reduction, dtype="float64",
                                  chunk_elements=12, **values)
        assert chunked.notes and "chunks" in chunked.notes[0]
        np.testing.assert_allclose(chunked.value, whole.value, rtol=1e-12)


BROKEN_IMPLS = '''
import sys

import torch


def exits(pred, target):
    sys.exit(0)


def complex_value(pred, target):
    return torch.complex(pred, pred).abs().mean().to(torch.complex64)


def meta_value(pred, target):
    return torch.empty((), device="meta")


def sparse_value(pred, target):
    return torch.eye(2).to_sparse()


class _Refuses(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.abs().mean()

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("no backward here")


def broken_backward(pred, target):
    return _Refuses.apply(pred - target)


class ExitsOnInit:
    def __init__(self):
        sys.exit(3)
'''


@pytest.mark.parametrize(("attr", "problem"), [
    ("exits", "raised SystemExit"), ("complex_value", "returned no real tensor"),
    ("meta_value", "returned no real tensor"), ("sparse_value", "returned no real tensor"),
    ("broken_backward", "backward raised RuntimeError"),
])
def test_compare_reports_a_misbehaving_implementation_as_failing(cli, tmp_path, attr, problem):
    path = tmp_path / "impls.py"
    path.write_text(BROKEN_IMPLS)
    out = cli("compare", "l1", "--impl", f"{path}:{attr}", "--trials", "1",
              "--case-out", str(tmp_path / "case.yaml"))
    assert out.code == 1, out.stderr
    assert problem[:20] in " ".join(out.stdout.split())


def test_compare_reports_an_exit_while_loading_as_an_input_error(cli, tmp_path):
    (tmp_path / "impls.py").write_text(BROKEN_IMPLS)
    (tmp_path / "exits.py").write_text("import sys\nsys.exit(0)\n")
    out = cli("compare", "l1", "--impl", f"{tmp_path / 'impls.py'}:ExitsOnInit")
    assert out.code == 2 and "ExitsOnInit(**{}) failed: SystemExit: 3" in out.stderr
    out = cli("compare", "l1", "--impl", f"{tmp_path / 'exits.py'}:f")
    assert out.code == 2 and "failed: SystemExit: 0" in out.stderr


@pytest.mark.parametrize("args", [
    ("--seed", "-1"), ("--rtol", "nan"), ("--rtol", "-1"), ("--atol", "inf"),
])
def test_compare_refuses_bad_seeds_and_tolerances(cli, args):
    impl = "torch.nn.functional:l1_loss"
    out = cli("compare", "l1", "--impl", impl, *args)
    assert_handled(out, *args)
    assert out.code == 2 and args[0] in out.stderr


@pytest.mark.parametrize(("loss", "bad"), [
    ("multi-margin", "nan,1"), ("l1", "-inf,inf"), ("l1", "1,1"), ("l1", "2,1"),
    ("l1", "-1e308,1e308"), ("nll", "0,1"), ("focal", "-0.5,0.5"), ("bce", "0.5,2"),
])
def test_plot_refuses_a_range_it_cannot_draw(cli, loss, bad):
    out = cli("plot", loss, "--range", bad)
    assert out.code == 2, out.stderr
    assert out.stderr.startswith("losscli: error: --range: ") and out.stdout == ""


def test_plot_places_the_legend_beside_infinite_curves(cli):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = cli("plot", "bce", "--weight", "1e308", "--width", "60")
    assert out.code == 0, out.stderr


@pytest.mark.parametrize("args", [("--width", "1000000000"), ("--height", "100000")])
def test_plot_sizes_are_bounded(cli, args):
    out = cli("plot", "l1", *args)
    assert out.code == 2 and args[0] in out.stderr


def test_check_reports_a_broadcast_expectation_at_its_worst_element(cli, tmp_path):
    case = tmp_path / "ce.loss.json"
    case.write_text('{"loss": "cross-entropy", "inputs": {"pred": [[0.8, 0.1, 0.4], '
                    '[0.1, 0.9, 0.2], [0.5, 0.4, 0.6]], "target": [0, 1, 2]}, '
                    '"expect": {"grad": {"pred": [[1]]}}}')
    out = cli("check", str(case))
    assert out.code == 1, out.stderr
    assert "grad.pred[2][2] = -0.21094486 differs from expected 1" in " ".join(out.stdout.split())


@pytest.mark.parametrize("others", ["bogus", "ctc", "l1,cee"])
def test_plot_names_with_for_a_loss_it_cannot_draw(cli, others):
    out = cli("plot", "focal", "--with", others)
    assert out.code == 2 and out.stderr.startswith("losscli: error: --with: "), out.stderr
