"""Bad input never crashes: every loss and tool command, driven by the registry.

Each case is a malformed variant of a loss's example arguments (or of a tool command's):
the exit status must be 0 or 1 (computed) or 2 with exactly one ``losscli: error:`` line
on stderr naming an option or the loss, and nothing on stdout. Exit 3 (a bug), a
traceback or a hang fails. The regression tests below pin the faults fuzzing found.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import warnings

import numpy as np
import pytest

from losscli.families.registry import registry
from losscli.inputs import streaming

SPECS = list(registry())
BACKENDS = ("torch", "numpy")
#: Variants per loss; LOSSCLI_FUZZ_EXAMPLES=2000 searches far more broadly, and
#: LOSSCLI_FUZZ_SEED elsewhere.
EXAMPLES = int(os.environ.get("LOSSCLI_FUZZ_EXAMPLES", "40"))
SEED = os.environ.get("LOSSCLI_FUZZ_SEED", "0")
#: Seconds one call may take before it counts as a hang.
HANG_SECONDS = 30


def example_args(spec, **changes: str | None) -> list[str]:
    """``spec``'s example as CLI arguments, with some values changed (None drops one)."""
    return loss_args(spec, {**spec.example, **changes})


def loss_args(spec, values: dict[str, str | None]) -> list[str]:
    args = [spec.name]
    for name, value in values.items():
        if value is not None:
            args += ["--" + name.replace("_", "-"), value]
    return args


def assert_handled(out, *args: str) -> None:
    """Computed (exit 0/1), or exit 2 with one error line naming the culprit: an option,
    the loss or the command's argument."""
    shown = " ".join(args)
    assert out.code in (0, 1, 2), f"exit {out.code} for: losscli {shown}\n{out.stderr}"
    assert "Traceback" not in out.stderr + out.stdout, shown
    if out.code == 2:
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("losscli: error:"), (shown, out.stderr)
        spelled = [" ".join(a.split()) for a in args[:2]]  # messages are one spaced line
        named = [a for a in spelled if a and a in lines[0] or repr(a) in lines[0]]
        assert re.search(r"--[a-z]", lines[0]) or named, (shown, lines[0])
        assert out.stdout == "", shown


def run_bounded(cli, args: list[str], stdin: str = "[1, 2]", *, users_code: bool = False):
    """``cli(*args)``; a call longer than HANG_SECONDS or a Python warning fails the test
    (unless ``users_code`` runs, which may warn as it likes)."""

    def hang(*_):
        raise AssertionError(f"no answer within {HANG_SECONDS} s: losscli {' '.join(args)}")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(HANG_SECONDS)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = cli(*args, input=stdin)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert users_code or not shown, (args, shown)
    return out


# --------------------------------------------------------------------------- fuzzing

#: TENSOR arguments: malformed, empty, scalar, of a wrong shape or kind, non-finite, huge,
#: tiny, out-of-range indices, missing files, standard input.
BAD_TENSORS = (
    "", "[", "abc", "[]", "[[]]", "[[], []]", "0.5", "3", "-1", "[1]", "[0]", "[-1]",
    "[1, 2, 3, 4, 5, 6, 7]", "[[[1.0]]]", "[[[[[[1.0]]]]]]", "NaN", "[NaN, 1]", "[Infinity]",
    "[-Infinity, 0.5]", "1e308", "[1e308, -1e308]", "[1e-320]", "[1e40, 1e40]", "true",
    "[true, false]", "null", '"s"', '{"a": 1}', "[[1, 2], [3]]", "[99999999999999999999]",
    "[2, 0.5]", "[[0.5, 0.5], [0.5, 0.5]]", "[[1e30, -1e30, 0]]", "[[0, 0, 0, 0]]",
    "[[NaN, NaN, NaN, NaN]]", "[[-1, -1, -1, -1]]", "[[5, 5, 5, 5]]", "[[1e-45, 1e-45, 1, 1]]",
    "[[2, 2, 0, 0], [1, 1, 1, 1], [0, 0, 4, 4]]", "[[3, 0, -1, 1], [9, 9, 9, 9]]", "[100]",
    "[-100]", "@/nonexistent.npy", "@/dev/null", "@.", "-", "65504", "[70000]", "[-0.0]",
)
#: Values of scalar parameters: negative, zero, huge, tiny, NaN, infinite, not numbers.
ODD_NUMBERS = ("-1", "0", "-0", "1e308", "-1e308", "1e-320", "nan", "inf", "-inf", "1e400",
               "abc", "", "99999999999999999999", "0.5", "2", "1.5", "[1]", "70000", "-100")
COMMON = (
    ("--dtype", "float16"), ("--dtype", "bfloat16"), ("--dtype", "float64"),
    ("--reduction", "none"), ("--reduction", "sum"), ("--reduction", "batchmean"), ("--grad",),
    ("--expect", "NaN"), ("--expect", "[1, 2]"), ("--expect", "abc"), ("--expect", "Infinity"),
    ("--rtol", "nan"), ("--atol", "-1"), ("--top", "0"), ("--top", "999999"),
    ("--max-rows", "1"), ("--max-elements", "1"), ("--emit", "python"), ("--explain",),
    ("--json",), ("-q",), ("--strict",), ("--device", "cpu"), ("--top", "-1"),
    ("--max-rows", "0"), ("--expect", "-"),
)
#: numpy files of unusual dtypes and layouts (written once per session).
NPY = {
    "bool": np.array([True, False, True]), "uint8": np.array([1, 2, 255], dtype=np.uint8),
    "int8": np.array([-1, 0, 1], dtype=np.int8), "float16": np.array([0.1, 65504.0], np.float16),
    "empty": np.zeros((0, 3)), "scalar": np.array(3.0),
    "uint64": np.array([2**64 - 1, 1], dtype=np.uint64),
    "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
}


@pytest.fixture(scope="module")
def npy_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    for name, array in NPY.items():
        np.save(folder / f"{name}.npy", array)
    return [f"@{folder / name}.npy" for name in NPY]


def _mutated(text: str, rng: random.Random, files: list[str]) -> str:
    """A variant of one example TENSOR: values, shape, kind or file type changed."""
    try:
        array = np.array(json.loads(text), dtype=float)
    except (ValueError, TypeError):
        return rng.choice(BAD_TENSORS)
    pick = rng.random()
    if pick < 0.3 and array.size:
        array.reshape(-1)[rng.randrange(array.size)] = rng.choice(
            [np.nan, np.inf, -np.inf, -1.0, 2.0, 1e300, -1e300, 1e-45, 0.0, 100.0, -100.0])
        return json.dumps(array.tolist())
    if pick < 0.45 and array.size and np.abs(array).max() < 2**62:
        return json.dumps(np.round(array).astype(int).tolist())
    if pick < 0.6:
        return json.dumps((array[None] if rng.random() < 0.5 else array[..., None]).tolist())
    if pick < 0.7 and array.ndim and array.size:
        return json.dumps(array.reshape(-1).tolist() if array.ndim > 1 else array[0].tolist())
    if pick < 0.8 and array.ndim:
        return json.dumps(array[: max(0, array.shape[0] - 1)].tolist())
    if pick < 0.9:
        return rng.choice(files)
    return rng.choice(BAD_TENSORS)


def loss_variants(spec, rng: random.Random, files: list[str], count: int):
    """``count`` argument lists: the example with one to three faults, odd common options,
    a backend, sometimes a library convention."""
    tensors = [i.name for i in spec.inputs] + [
        p.name for p in spec.params if p.type in ("tensor", "float_or_tensor")]
    scalars = [p for p in spec.params if p.type in ("float", "int", "float_or_tensor")]
    choices = [p for p in spec.params if p.type == "choice"]
    switches = [p for p in spec.params if p.type == "bool"]
    for _ in range(count):
        values = dict(spec.example)
        for _ in range(rng.choice((1, 1, 2, 3))):
            pick = rng.random()
            if pick < 0.6:
                name = rng.choice(tensors)
                values[name] = _mutated(values.get(name, "[1.0, 1.0, 1.0]"), rng, files)
            elif pick < 0.8 and scalars:
                values[rng.choice(scalars).name] = rng.choice(ODD_NUMBERS)
            elif pick < 0.9 and choices:
                param = rng.choice(choices)
                values[param.name] = rng.choice([*map(str, param.choices), "bogus", ""])
            else:
                values.pop(rng.choice(spec.inputs).name, None)
        args = loss_args(spec, values)
        for _ in range(rng.choice((0, 1, 1, 2))):
            args += rng.choice(COMMON)
        for param in switches:
            if rng.random() < 0.3:
                args.append(param.option if rng.random() < 0.5 else "--no-" + param.option[2:])
        if spec.conventions and rng.random() < 0.15:
            args += ["--convention", rng.choice([c.name for c in spec.conventions])]
        yield [*args, "--backend", rng.choice(BACKENDS)]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_fuzz_loss_command(cli, spec, npy_files):
    rng = random.Random(f"losscli fuzz {spec.name} {SEED}")
    for args in loss_variants(spec, rng, npy_files, EXAMPLES):
        assert_handled(run_bounded(cli, args), *args)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.chunks], ids=lambda s: s.name)
def test_fuzz_loss_command_in_chunks(cli, spec, npy_files, monkeypatch):
    """The numpy backend's chunked path (large inputs), forced on small ones."""
    monkeypatch.setattr(streaming, "STREAM_ELEMENTS", 6)
    monkeypatch.setattr(streaming, "BLOCK_ELEMENTS", 3)
    rng = random.Random(f"losscli fuzz chunks {spec.name} {SEED}")
    for args in loss_variants(spec, rng, npy_files, max(1, EXAMPLES // 4)):
        args[-1] = "numpy"
        assert_handled(run_bounded(cli, args), *args)


def plot_variants(rng: random.Random, count: int):
    """``plot`` with odd axes, parameter lists, ranges, sizes and companions."""
    from losscli.tools.plot.axes import axes_of

    for _ in range(count):
        spec = rng.choice(SPECS)
        args = ["plot", spec.name]
        pick = rng.random()
        if pick < 0.25:
            args += ["--x", rng.choice([*(a.name for a in axes_of(spec)), "bogus", "", "p"])]
        elif pick < 0.5 and spec.params:
            param = rng.choice(spec.params)
            args += [param.option, rng.choice([*ODD_NUMBERS, "0,0.5,1,2", "1,,2", ",", "true"])]
        elif pick < 0.75:
            args += ["--range", rng.choice(["nan,1", "1,0", "1,1", "-inf,inf", "-1e308,1e308",
                                            "a,b", "1", "0,1", "0.2,0.8", "-5,5", ""])]
        else:
            args += rng.choice([("--points", "1"), ("--points", "2"), ("--width", "19"),
                                ("--height", "100000"), ("--with", "l1,mse"), ("--with", ",,"),
                                ("--with", "bogus"), ("--grad",), ("--out", "/nonexistent/x.png"),
                                ("--out", "x.txt"), ("--bogus", "1")])
        yield args


def compare_variants(rng: random.Random, count: int):
    """``compare`` with odd --impl targets, options and the loss's own options."""
    impls = ("torch.nn.functional:l1_loss", "torch.nn:L1Loss", "math:inf", "builtins:print",
             "json:loads", "nonexistent_module:f", "/nonexistent.py:f", ":", "x", "os.path:",
             "a..b:c", "torch:abs")
    for _ in range(count):
        spec = rng.choice(SPECS)
        args = ["compare", spec.name, "--impl", rng.choice(impls), "--trials", "1"]
        pick = rng.random()
        if pick < 0.3:
            args += rng.choice([("--impl-kwargs", "[1]"), ("--impl-kwargs", "{"),
                                ("--impl-kwargs", '{"x": 1}'), ("--seed", "-1"),
                                ("--rtol", "nan"), ("--atol", "-1"), ("--reduction", "bogus"),
                                ("--reduction", "none"), ("--no-grad",), ("--trials", "1000")])
        elif pick < 0.6 and spec.params:
            args += [rng.choice(spec.params).option, rng.choice(ODD_NUMBERS)]
        elif pick < 0.8:
            item = rng.choice(spec.inputs)
            args += [item.option, rng.choice(BAD_TENSORS)]
        yield args


CASE_FIELDS = ("name", "loss", "inputs", "params", "reduction", "dtype", "grad", "strict",
               "expect", "rtol", "atol", "bogus")
ODD_FIELD_VALUES = (None, True, 0, -1, 1.5, "", "abc", [], {}, [[]], {"a": 1}, [1, "a"],
                    "@missing.json", "1e400", [[1, 2], [3]], {"value": "x"}, {"grad": [1]},
                    {"grad": {"pred": [[1]]}}, {"terms": [1, 2]}, "none", "float16")


def case_variants(rng: random.Random, count: int, folder):
    """``run`` and ``check`` on case files with wrong, missing or unknown fields."""
    for number in range(count):
        spec = rng.choice(SPECS)
        case = {"name": spec.name, "loss": spec.name, "inputs": {
            k: v for k, v in spec.example.items() if k in {i.name for i in spec.inputs}}}
        for _ in range(rng.choice((1, 2, 3))):
            pick = rng.random()
            if pick < 0.5:
                case[rng.choice(CASE_FIELDS)] = rng.choice(ODD_FIELD_VALUES)
            elif pick < 0.8:
                inputs = case.get("inputs")
                case["inputs"] = dict(inputs) if isinstance(inputs, dict) else {}
                case["inputs"][rng.choice([*case["inputs"], "bogus"])] = rng.choice(
                    [*ODD_FIELD_VALUES, *BAD_TENSORS])
            elif spec.params:
                case["params"] = {rng.choice(spec.params).name: rng.choice(ODD_FIELD_VALUES)}
        path = folder / f"case{number}.{rng.choice(['json', 'yaml'])}"
        path.write_text(json.dumps(rng.choice([case, [case, case]])))
        if rng.random() < 0.5:
            yield ["run", str(path), *rng.choice([(), ("--grad",), ("--case", "2"), ("-q",)])]
        else:
            yield ["check", str(path), *rng.choice([(), ("--json",), ("-x",), ("-k", "[")])]


def test_fuzz_plot_and_explain(cli):
    rng = random.Random(f"losscli fuzz plot {SEED}")
    for args in plot_variants(rng, EXAMPLES * 3):
        assert_handled(run_bounded(cli, args), *args)
    for name in ("bogus", "", "CE", "  focal ", *rng.sample([s.name for s in SPECS], 5)):
        for args in (["explain", name], ["explain", name, "--json"]):
            assert_handled(run_bounded(cli, args), *args)


def test_fuzz_compare(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a failing comparison writes its case
    rng = random.Random(f"losscli fuzz compare {SEED}")
    for args in compare_variants(rng, EXAMPLES * 2):
        assert_handled(run_bounded(cli, args, users_code=True), *args)


def test_fuzz_case_files(cli, tmp_path):
    rng = random.Random(f"losscli fuzz cases {SEED}")
    for args in case_variants(rng, EXAMPLES * 2, tmp_path):
        out = run_bounded(cli, args, stdin="")
        if args[0] == "run":
            assert_handled(out, *args)
            continue
        # check reports every case in a table (stdout) and each invalid one on stderr.
        assert out.code in (0, 1, 2) and "Traceback" not in out.stderr, (args, out.stderr)
        assert all(line.startswith("losscli: ") for line in out.stderr.splitlines()), args


#: Inputs of no dimension, no element, or too many dimensions (a literal and a file).
DEEP = "[" * 40 + "1" + "]" * 40
SHAPELESS = ("3", "0.5", "0", "-2", "[]", "[[]]", "[[], []]", "[[[]]]", DEEP)


def shapeless_variants(spec, rng: random.Random, backend: str, deep_file: str):
    """Every input, alone and all at once, 0-d, empty or nested too deeply, with a
    reduction and sometimes another common option."""
    names = [i.name for i in spec.inputs]
    changes = [{name: value} for name in names for value in (*SHAPELESS, deep_file)]
    changes += [dict.fromkeys(names, value) for value in SHAPELESS]
    extras = [(), ("--json",), ("--explain",), ("--emit", "python"), ("--strict",)]
    if backend == "torch":
        extras += [("--grad",), ("--dtype", "float16")]
    for change in changes:
        args = [*example_args(spec, **change), "--backend", backend]
        yield [*args, "--reduction", rng.choice(spec.reductions), *rng.choice(extras)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_fuzz_0d_empty_and_deep_inputs(cli, spec, backend, tmp_path):
    """A value (NaN for an empty mean, 0 for an empty sum) or exit 2; never exit 3."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    rng = random.Random(f"losscli fuzz shapeless {spec.name} {backend} {SEED}")
    for args in shapeless_variants(spec, rng, backend, f"@{deep}"):
        assert_handled(run_bounded(cli, args), *args)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_fuzz_undecodable_standard_input(cli, spec):
    args = example_args(spec, **{spec.inputs[0].name: "-"})
    assert_handled(run_bounded(cli, args, stdin=b"\xff\xfe[1, \x80]"), *args)


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


# Parameters of one library convention only (ctc's log_epsilon) are refused elsewhere.
PLAIN = [(s, p) for s in SPECS for p in s.params if not p.conventions]
BOUNDED = [(s, p) for s, p in PLAIN
           if p.type == "float" and (p.minimum is not None or p.maximum is not None)]
INTS = [(s, p) for s, p in PLAIN if p.type == "int"]


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
    from losscli.engine.validate import prepare

    spec = registry().resolve("nll")
    values = {"pred": [[-0.1, -2.0]], "target": [1], "ignore_index": 2**63 - 1}
    assert prepare(spec, values).params["ignore_index"] == 2**63 - 1
    with pytest.raises(Exception, match="--ignore-index: expected a int"):
        prepare(spec, {**values, "ignore_index": float("inf")})


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("extra", [
    ("--margin", "inf"), ("--expect", "Infinity"), ("--expect", "NaN"),
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
    (s, p, "1e39" if p.maximum is None else "-1e39") for s, p in PLAIN
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


@pytest.mark.parametrize("name", ["input_lengths", "target_lengths"])
def test_fractional_ctc_lengths_are_called_lengths(cli, name):
    out = cli(*example_args(registry().resolve("ctc"), **{name: "2.5"}))
    option = "--" + name.replace("_", "-")
    assert out.stderr.startswith(f"losscli: error: {option}: lengths must be integers (2.5 is")
