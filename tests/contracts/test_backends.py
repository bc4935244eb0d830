"""The numpy backend against the torch reference, and how the backend is chosen.

Differential: every loss with a numpy implementation runs on random valid inputs
(generated from its declared input domains and shapes, with parameter variants) through
both backends; values, terms, intermediate quantities, weights and the reduction rule
must agree: to 1e-6 relative in float64, and in float32 within float32 rounding of the
inputs' magnitude (a few dozen ulps of max(1, max|input|) plus the value).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

import losscli
from losscli.core.errors import LossCliError, UsageError
from losscli.core.spec import CHUNKS
from losscli.engine.pipeline import choose_backend, compute, run
from losscli.engine.validate import prepare
from losscli.families.registry import registry
from losscli.tools.random_inputs import problems, valid

SEED_CE = ("--pred", "[[0.8,0.1,0.4],[0.1,0.9,0.2],[0.5,0.4,0.6]]", "--target", "[0,1,2]")
NUMPY_LOSSES = [spec.name for spec in registry() if spec.numpy_impl]
F32_ULPS = 64


# --------------------------------------------------------------------------- differential


def _tensor_candidates(values: dict[str, np.ndarray], rng: np.random.Generator):
    """Positive tensor parameters of the shapes losses take: per class, per element, per row."""
    first = next(iter(values.values()))
    if first.ndim == 0:
        return
    classes = first.shape[1] if first.ndim > 1 else first.shape[0]
    for shape in dict.fromkeys([(classes,), first.shape[-1:], first.shape, (first.shape[0],)]):
        yield rng.uniform(0.2, 2.0, shape)


def _variants(spec, values, rng) -> list[dict]:
    """The defaults, then one parameter changed at a time to values the loss accepts."""
    out = [{}]
    for p in spec.params:
        options: list = []
        if p.type == "choice":
            options = [c for c in p.choices if c != p.default]
        elif p.type == "bool":
            options = [not p.default]
        elif p.type in ("float", "int", "float_or_tensor"):
            for x in (0.5, 2.0, 0.0, 1.0, 3.0, -1.0):
                x = int(x) if p.type == "int" else x
                try:
                    if x != p.default and p.check(x) is not None:
                        options.append(x)
                except LossCliError:
                    pass
            options = options[:2]
        if p.type in ("tensor", "float_or_tensor"):
            options += [t for t in _tensor_candidates(values, rng)
                        if valid(spec, values, {p.name: t})][:1]
        if p.name == "ignore_index" and any(v.dtype.kind == "f" for k, v in values.items()
                                            if k == "target"):
            continue  # torch refuses ignore_index with probability targets
        out += [{p.name: x} for x in options if valid(spec, values, {p.name: x})]
    return out


def _scale(prepared) -> float:
    finite = [np.abs(a[np.isfinite(a)]).max() for a in prepared.arrays.values()
              if a.dtype.kind == "f" and np.isfinite(a).any()]
    return max([1.0, *finite])


def _assert_close(got, want, dtype: str, scale: float, what: str) -> None:
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, what
    assert np.array_equal(np.isnan(got), np.isnan(want)), what
    assert np.array_equal(np.isposinf(got), np.isposinf(want)), what
    assert np.array_equal(np.isneginf(got), np.isneginf(want)), what
    finite = np.isfinite(want)
    if dtype == "float64":
        tolerance = 1e-6 * np.abs(want) + 1e-12 * scale
    else:
        tolerance = F32_ULPS * np.finfo(np.float32).eps * (np.abs(want) + scale)
    with np.errstate(invalid="ignore"):  # inf − inf where both are infinite: checked above
        excess = np.abs(got - want) - tolerance
    assert not np.any(excess[finite] > 0), f"{what}: {got.ravel()[:6]} vs {want.ravel()[:6]}"


def _agree(spec, values: dict, dtype: str) -> int:
    """Compare both backends on one problem in every reduction; return the cases compared."""
    compared = 0
    for reduction in spec.reductions:
        try:
            prepared = prepare(spec, dict(values), reduction=reduction, dtype=dtype)
        except LossCliError:
            continue
        fast, reference = run(prepared, backend="numpy"), run(prepared, backend="torch")
        assert (fast.backend, reference.backend) == ("numpy", "torch")
        label = f"{spec.name} {dtype} {reduction} {sorted(values)}"
        scale = _scale(prepared)
        _assert_close(fast.value, reference.value, dtype, scale, f"value of {label}")
        _assert_close(fast.terms, reference.terms, dtype, scale, f"terms of {label}")
        assert list(fast.details) == list(reference.details), label
        for name in fast.details:
            _assert_close(fast.details[name], reference.details[name], dtype, scale,
                          f"{name} of {label}")
        assert (fast.term_weights is None) == (reference.term_weights is None), label
        if fast.term_weights is not None:
            _assert_close(fast.term_weights, reference.term_weights, dtype, scale, label)
        assert (fast.ignored is None) == (reference.ignored is None), label
        if fast.ignored is not None:
            assert np.array_equal(fast.ignored, reference.ignored), label
        assert fast.shown_inputs == reference.shown_inputs, label
        assert fast.reduction.rule == reference.reduction.rule, label
        assert fast.reduction.ignored == reference.reduction.ignored, label
        for part in ("numerator", "denominator"):
            a, b = getattr(fast.reduction, part), getattr(reference.reduction, part)
            assert (a is None) == (b is None), label
            if a is not None:
                _assert_close(a, b, dtype, scale * max(1, fast.terms.size), f"{part} {label}")
        compared += 1
    return compared


@pytest.mark.parametrize("name", NUMPY_LOSSES)
def test_numpy_backend_agrees_with_torch(name):
    spec = registry().resolve(name)
    rng = np.random.default_rng(7)
    compared = 0
    for problem in problems(spec, seed=11, count=10):
        for params in _variants(spec, problem.values, rng):
            for dtype in ("float64", "float32"):
                compared += _agree(spec, {**problem.values, **params}, dtype)
    assert compared >= 2 * 10 * len(spec.reductions) * 0.8, compared


def test_every_loss_has_a_numpy_implementation_that_loads():
    for spec in registry():
        assert spec.numpy_impl
        assert spec.target("numpy_impl").startswith(f"losscli.families.{spec.package}.numpy_terms:")
        assert callable(spec.load("numpy_impl"))
        assert spec.chunks in (None, *CHUNKS)


# --------------------------------------------------------------------------- no torch


PROBE = """
import sys
from losscli.__main__ import main
status = main({args!r})
import losscli
r = losscli.compute("ctc", pred=[[-0.7, -0.7], [-0.7, -0.7]], target=[1], input_lengths=2,
                    target_lengths=1)
assert r.backend == "numpy", r.backend
print("STATUS", status, "TORCH", "torch" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize("args", [
    ["cross-entropy", *SEED_CE, "-q"],
    ["mse", "-p", "[[1, 2], [3, 4]]", "-t", "[[1, 1], [1, 1]]", "--json"],
    ["dice", "-p", "[[[0.7, 0.2], [0.3, 0.8]]]", "-t", "[[0, 1]]", "--reduction", "none"],
    ["focal", "-p", "[0.3, -1.2]", "-t", "[1, 0]"],
])
def test_numpy_path_never_imports_torch(args):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, timeout=120)
    assert "STATUS 0 TORCH False" in proc.stderr, proc.stderr


def test_npy_inputs_take_the_numpy_path_without_torch(tmp_path):
    np.save(tmp_path / "p.npy", np.linspace(-2, 2, 12).reshape(4, 3))
    np.save(tmp_path / "t.npy", np.array([0, 2, 1, 1]))
    args = ["ce", "-p", f"@{tmp_path}/p.npy", "-t", f"@{tmp_path}/t.npy", "--json"]
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, timeout=120)
    assert "STATUS 0 TORCH False" in proc.stderr, proc.stderr
    assert json.loads(proc.stdout)["backend"] == "numpy"


# --------------------------------------------------------------------------- choosing


def test_auto_picks_numpy_unless_torch_is_needed(cli):
    out = json.loads(cli("cross-entropy", *SEED_CE, "--json").stdout)
    assert out["backend"] == "numpy" and "device" not in out
    out = json.loads(cli("cross-entropy", *SEED_CE, "--json", "--grad").stdout)
    assert out["backend"] == "torch" and out["device"] == "cpu" and "grad" in out
    for extra in (["--dtype", "float16"], ["--dtype", "bfloat16"], ["--backend", "torch"],
                  ["--device", "cpu"]):
        assert json.loads(cli("ce", *SEED_CE, "--json", *extra).stdout)["backend"] == "torch"
    assert json.loads(cli("ce", *SEED_CE, "--json", "--dtype", "float64").stdout)[
        "backend"] == "numpy"


def test_torch_files_pick_torch_under_auto_and_load_under_numpy(cli, tmp_path):
    torch = pytest.importorskip("torch")
    torch.save(torch.tensor([[0.8, 0.1, 0.4], [0.1, 0.9, 0.2]]), tmp_path / "p.pt")
    args = ("ce", "-p", f"@{tmp_path}/p.pt", "-t", "[0, 1]", "--json")
    assert json.loads(cli(*args).stdout)["backend"] == "torch"
    fast = json.loads(cli(*args, "--backend", "numpy").stdout)
    assert fast["backend"] == "numpy"
    assert fast["value"] == pytest.approx(json.loads(cli(*args).stdout)["value"], rel=1e-6)


@pytest.mark.parametrize("extra, needs", [
    (["--grad"], "--grad"),
    (["--dtype", "float16"], "--dtype float16"),
    (["--device", "cpu"], "--device"),
])
def test_asking_numpy_for_what_it_cannot_do_is_exit_2(cli, extra, needs):
    out = cli("cross-entropy", *SEED_CE, "--backend", "numpy", *extra)
    assert out.code == 2 and out.stdout == ""
    line = out.stderr.strip()
    assert "\n" not in line and line.startswith("losscli: error: --backend:")
    assert needs in line and "numpy" in line


def test_a_loss_without_a_numpy_implementation():
    spec = dataclasses.replace(registry().resolve("mse"), numpy_impl=None)
    assert spec.backends == ("torch",)
    assert compute(spec, pred=[1.0, 2.0], target=[0.0, 0.0]).backend == "torch"
    with pytest.raises(UsageError, match="mse .*no numpy implementation"):
        compute(spec, pred=[1.0], target=[0.0], backend="numpy")


def test_torch_only_options_fall_back_to_torch():
    spec = registry().resolve("focal")
    assert choose_backend(spec, "auto", torch_only=("--convention",)) == "torch"
    assert choose_backend(spec, "auto", torch_inputs=True) == "torch"
    assert choose_backend(spec, "auto") == "numpy"
    with pytest.raises(UsageError, match="--convention"):
        choose_backend(spec, "numpy", torch_only=("--convention",))
    if spec.conventions:
        name = spec.conventions[-1].name
        result = losscli.compute("focal", pred=[0.3, -1.2], target=[1.0, 0.0], convention=name)
        assert result.backend == "torch"


def test_api_rejects_unknown_backend_and_device():
    with pytest.raises(LossCliError, match="--backend"):
        losscli.compute("mse", pred=[1.0], target=[0.0], backend="jax")
    with pytest.raises(LossCliError, match="--device"):
        losscli.compute("mse", pred=[1.0], target=[0.0], device="tpu")


def test_list_shows_the_backends(cli):
    listing = json.loads(cli("list", "--json").stdout)["losses"]
    assert all(entry["backends"] == ["torch", "numpy"] for entry in listing)
    assert {entry["chunks"] for entry in listing} == {None, *CHUNKS}
    table = cli("list").stdout
    assert "backends: torch, numpy" in table


# --------------------------------------------------------------------------- non-finite values

BOTH = ("torch", "numpy")


def _json(cli, *args: str):
    out = cli(*args, "--json")
    assert out.code == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("backend", BOTH)
def test_an_overflow_of_the_compute_dtype_is_explained(cli, backend):
    data = _json(cli, "mse", "-p", "[1e30, 1e30]", "-t", "[0, 0]", "--backend", backend)
    assert data["value"] is None  # inf: (1e30)² = 1e60 is beyond float32
    assert data["warnings"] == ["term [0] is inf: the computation overflowed float32 "
                                "(largest 3.40282e+38); --dtype float64 holds it"]
    wide = _json(cli, "mse", "-p", "[1e30, 1e30]", "-t", "[0, 0]", "--backend", backend,
                 "--dtype", "float64")
    assert wide["value"] == pytest.approx(1e60, rel=1e-12) and wide["warnings"] == []
    out = cli("mse", "-p", "[1e30, 1e30]", "-t", "[0, 0]", "--backend", backend, "--strict")
    assert out.code == 2 and "term [0] is inf" in out.stderr and out.stdout == ""


@pytest.mark.parametrize("backend", BOTH)
def test_an_overflowing_sum_of_finite_terms_is_explained(cli, backend):
    # Each term (1.5e19)² = 2.25e38 fits float32; their sum 6.75e38 does not.
    data = _json(cli, "mse", "-p", "[1.5e19, 1.5e19, 1.5e19]", "-t", "[0, 0, 0]",
                 "-r", "sum", "--backend", backend)
    assert all(t is not None for t in data["terms"]["values"]) and data["value"] is None
    assert data["warnings"] == ["the value is inf: the sum of the terms overflowed float32 "
                                "(largest 3.40282e+38); --dtype float64 holds it"]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_an_input_that_does_not_fit_the_dtype_is_said_before_computing(cli, dtype):
    big = {"float16": "70000", "bfloat16": "1e39"}[dtype]
    out = cli("mse", "-p", f"[{big}, 1]", "-t", "[0, 0]", "--dtype", dtype, "-q")
    assert out.code == 0 and out.stdout.strip() == "inf"
    lines = out.stderr.splitlines()
    assert lines[0].startswith(f"losscli: warning: --pred: {float(big):g} does not fit {dtype}")
    assert lines[1] == (f"losscli: warning: term [0] is inf: --pred overflowed {dtype} when "
                        "cast (see the warning above); use a wider --dtype")
    out = cli("mse", "-p", f"[{big}, 1]", "-t", "[0, 0]", "--dtype", dtype, "--strict")
    assert out.code == 2 and out.stderr.startswith("losscli: error: --pred: ")
    # 65519 rounds to 65504, the largest float16: it fits, only its square overflows.
    out = cli("mse", "-p", "[65519, 1]", "-t", "[0, 0]", "--dtype", "float16", "-q")
    assert out.stderr == ("losscli: warning: term [0] is inf: the computation overflowed "
                          "float16 (largest 65504); --dtype float64 holds it\n")


@pytest.mark.parametrize("backend", BOTH)
def test_the_mean_of_empty_inputs_is_nan_and_says_why(cli, backend):
    out = cli("mse", "-p", "[]", "-t", "[]", "--backend", backend, "-q")
    assert out.code == 0 and out.stdout.strip() == "nan"
    assert "the value is NaN: the inputs are empty" in out.stderr
    out = cli("mse", "-p", "[]", "-t", "[]", "--backend", backend, "-q", "-r", "sum")
    assert (out.code, out.stdout.strip(), out.stderr) == (0, "0.0", "")
    out = cli("mse", "-p", "[]", "-t", "[]", "--backend", backend, "--strict")
    assert out.code == 2 and "inputs are empty" in out.stderr


@pytest.mark.parametrize("backend", BOTH)
def test_every_target_ignored_or_weights_of_zero_are_explained_once(cli, backend):
    out = cli("cross-entropy", "-p", "[[1, 2]]", "-t", "[0]", "--ignore-index", "0",
              "--backend", backend, "-q")
    assert out.stdout.strip() == "nan" and len(out.stderr.splitlines()) == 1
    assert "ignore_index" in out.stderr
    out = cli("cross-entropy", "-p", "[[1, 2]]", "-t", "[0]", "--weight", "[0, 1]",
              "--backend", backend, "-q")
    assert out.stdout.strip() == "nan"
    assert out.stderr == ("losscli: warning: the value is NaN: the weights of the mean sum "
                          "to 0, so it divides by 0; check --weight or use --reduction sum\n")


def test_a_non_finite_input_is_explained_by_its_own_warning_only(cli):
    out = cli("mse", "-p", "[1, NaN]", "-t", "[0, 0]", "-q")
    assert out.stderr == ("losscli: warning: --pred: contains 1 NaN and 0 infinite value(s); "
                          "the loss will not be finite\n")


# --------------------------------------------------------------------------- --expect shapes


@pytest.mark.parametrize(("expect", "shape"), [("[]", "[0]"), ("[[0.5, 0.5]]", "[1, 2]"),
                                               ("[0.5]", "[1]")])
def test_expect_must_have_the_shape_of_a_scalar_value(cli, expect, shape):
    out = cli("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--expect", expect)
    assert out.code == 2 and out.stdout == ""
    assert out.stderr == (f"losscli: error: --expect: has shape {shape} but the value has "
                          "shape []; give a number\n")
    assert cli("mse", "-p", "[1, 2]", "-t", "[1, 3]", "--expect", "0.5").code == 0


def test_expect_must_have_the_shape_of_the_terms(cli):
    args = ("mse", "-p", "[1, 2]", "-t", "[1, 3]", "-r", "none", "--expect")
    assert cli(*args, "[0, 1]").code == 0
    assert cli(*args, "[0, 2]").code == 1
    for wrong in ("0", "[[0, 1]]", "[0]"):
        out = cli(*args, wrong)
        assert out.code == 2 and "--expect: has shape" in out.stderr
        assert "give a TENSOR of shape [2]" in out.stderr


@pytest.mark.parametrize("backend", BOTH)
def test_soft_margin_is_stable_where_torch_overflows(cli, backend):
    import math

    data = _json(cli, "soft-margin", "-p", "[10000, -10000, 3]", "-t", "[-1, 1, 1]",
                 "-r", "none", "--backend", backend, "--dtype", "float64")
    # log(1 + exp(m)) = m + log1p(exp(−m)) for the margin m = −y·x, exact in float64.
    want = [m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
            for m in (10000.0, 10000.0, -3.0)]
    assert data["terms"]["values"] == pytest.approx(want, rel=1e-15)
    assert data["warnings"] == []
    notes = registry().resolve("soft-margin").notes
    assert any("F.soft_margin_loss overflows" in note for note in notes)
