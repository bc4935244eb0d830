"""Helpers shared by the family test files: a loss on both backends, against its reference
terms and torch.nn.functional, gradcheck of its terms, and its command-line errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import losscli
from losscli.families.registry import registry


def compute(name, backend="torch", **kwargs):
    kwargs.setdefault("dtype", "float64")
    return losscli.compute(name, backend=backend, **kwargs)


def both_backends(name, expected, rtol=1e-12, atol=1e-12, **kwargs):
    """The loss on torch and numpy, each equal to ``expected``."""
    for backend in ("torch", "numpy"):
        got = compute(name, backend=backend, **kwargs)
        np.testing.assert_allclose(got.value, expected, rtol=rtol, atol=atol, err_msg=backend)


def gradcheck(name, inputs, wrt="pred", **params):
    """float64 autograd.gradcheck of the loss's torch terms with respect to ``wrt``."""
    impl = registry().resolve(name).load()
    tensors = {k: torch.as_tensor(np.asarray(v)) for k, v in inputs.items()}
    tensors = {k: v.double() if v.is_floating_point() else v for k, v in tensors.items()}
    x = tensors.pop(wrt).requires_grad_(True)

    def f(value):
        return impl(**{wrt: value}, **tensors, **params).values

    assert torch.autograd.gradcheck(f, (x,), eps=1e-7, atol=1e-6)


# --- a loss against its float64 reference terms, torch.nn.functional and gradcheck -------


def log_softmax(x, axis=-1):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def reduce_terms(terms, reduction, denominator=None):
    """Reference terms reduced: none, sum, mean (over ``denominator``, by default the number
    of terms) or batchmean (over the first dimension)."""
    if reduction == "none":
        return terms
    if reduction == "sum":
        return terms.sum()
    if reduction == "batchmean":
        return terms.sum() / (terms.shape[0] if terms.ndim else 1)
    return terms.sum() / (terms.size if denominator is None else denominator)


def assert_matches_reference(name, inputs, params, terms, reduction, denominator=None):
    """The loss (backend auto, float64) with ``reduction`` equals the reference ``terms``."""
    result = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
    expected = reduce_terms(terms, reduction, denominator)
    np.testing.assert_allclose(result.value, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.terms, terms, rtol=1e-10, atol=1e-12)


def as_tensors(inputs, indices=()):
    """float64 tensors, except the integer arrays of the inputs named in ``indices`` (int64)."""
    arrays = {k: np.asarray(v) for k, v in inputs.items()}
    return {k: torch.as_tensor(a if k in indices and a.dtype.kind in "iu" else a.astype(float))
            for k, a in arrays.items()}


def tensor_params(params):
    """Parameters as torch.nn.functional takes them: lists as float64 tensors."""
    return {k: torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v
            for k, v in params.items()}


def assert_matches_functional(name, inputs, params, functional, indices=()):
    """A second, separate check: ``functional(tensors, params, reduction)`` (the loss of
    torch.nn.functional) equals the loss in each of its reductions."""
    tensors = as_tensors(inputs, indices)
    for reduction in registry().resolve(name).reductions:
        expected = functional(tensors, dict(params), reduction).detach().numpy()
        got = losscli.compute(name, reduction=reduction, dtype="float64", **inputs, **params)
        np.testing.assert_allclose(got.value, expected, rtol=1e-10, atol=1e-12)


def gradcheck_inputs(name, inputs, params, indices=(), fixed=()):
    """float64 gradcheck of the loss's torch terms in every floating-point input not in
    ``fixed``, with the parameters as the loss prepares them; absent optional inputs None."""
    spec = registry().resolve(name)
    impl = spec.load()
    effective = losscli.compute(name, dtype="float64", **inputs, **params).params
    tensors = as_tensors(inputs, indices)
    differentiable = {k: t.requires_grad_() for k, t in tensors.items()
                      if t.is_floating_point() and k not in fixed}
    rest = {k: t for k, t in tensors.items() if k not in differentiable}
    optional = {i.name: None for i in spec.inputs if not i.required and i.name not in inputs}
    kwargs = tensor_params(effective)

    def f(*values):
        return impl(**dict(zip(differentiable, values)), **rest, **optional, **kwargs).values

    assert torch.autograd.gradcheck(f, tuple(differentiable.values()), eps=1e-6, atol=1e-5)


class TorchParity:
    """Tests of a family's PyTorch losses, for a test class ``TestTorchParity(TorchParity)``
    that sets :attr:`CASES`: every reduction against the reference terms, every reduction
    against torch.nn.functional, and gradcheck of the terms."""

    #: (loss, inputs, params) cases.
    CASES: list = []
    #: loss -> reference(**inputs, **params): the terms, or (terms, mean denominator).
    REFERENCES: dict = {}
    #: loss -> functional(tensors, params, reduction): the loss of torch.nn.functional.
    FUNCTIONAL: dict = {}
    #: The losses whose integer targets are class indices (int64; others' are float64).
    INDEX_TARGETS: tuple = ()

    def pytest_generate_tests(self, metafunc):
        cases = self.CASES
        if metafunc.function.__name__ == "test_matches_torch_functional":
            cases = [case for case in cases if case[0] in self.FUNCTIONAL]
        if "reduction" in metafunc.fixturenames:
            metafunc.parametrize(("case", "reduction"), [
                pytest.param(case, reduction, id=f"{case_id}-{reduction}")
                for case, case_id in zip(cases, self.ids(cases))
                for reduction in registry().resolve(case[0]).reductions])
        else:
            metafunc.parametrize("case", cases, ids=self.ids(cases))

    @staticmethod
    def ids(cases):
        return [name + "".join(f"-{k}={v}" for k, v in sorted(params.items()))
                for name, _, params in cases]

    def indices(self, name):
        return ("target",) if name in self.INDEX_TARGETS else ()

    def fixed(self, name, inputs, params):
        """The floating-point inputs gradcheck leaves alone (labels, kinks)."""
        return ()

    def gradcheck_case(self, name, inputs, params):
        """The (inputs, params) gradcheck uses."""
        return inputs, params

    def test_matches_independent_formula(self, case, reduction):
        name, inputs, params = case
        terms = self.REFERENCES[name](**inputs, **params)
        terms, denominator = terms if isinstance(terms, tuple) else (terms, None)
        assert_matches_reference(name, inputs, params, terms, reduction, denominator)

    def test_matches_torch_functional(self, case):
        name, inputs, params = case
        functional = self.FUNCTIONAL[name]
        assert_matches_functional(name, inputs, params, functional, self.indices(name))

    def test_passes_gradcheck(self, case):
        name = case[0]
        inputs, params = self.gradcheck_case(*case)
        fixed = self.fixed(name, inputs, params)
        gradcheck_inputs(name, inputs, params, self.indices(name), fixed)


def assert_one_line_error(out, argument, fragment=""):
    """Exit 2 with one stderr line that names ``argument`` and holds ``fragment``."""
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert argument in lines[0] and fragment in lines[0], lines[0]


def assert_pytorch_alias(cli, name):
    """The loss's first alias is its torch.nn class, which resolves to it and has --help."""
    spec = registry().resolve(name)
    pytorch_class = spec.aliases[0]
    assert pytorch_class.endswith("Loss") and registry().find(pytorch_class) is spec
    out = cli(pytorch_class, "--help")
    assert out.code == 0 and spec.summary.split()[0] in out.stdout


class PyTorchCommands:
    """Command-line tests of a family's PyTorch losses, for a test class
    ``TestPyTorchCommands(PyTorchCommands)``: each of :attr:`ERRORS` exits 2 with one line
    naming the argument, each of :attr:`WARNINGS` warns (an error with --strict), and each
    of :attr:`LOSSES` answers to its torch.nn class name."""

    #: (args, argument) pairs.
    ERRORS: list = []
    WARNINGS: list = []
    #: The losses whose first alias is their torch.nn class.
    LOSSES: tuple = ()

    def pytest_generate_tests(self, metafunc):
        if metafunc.function.__name__ == "test_help_shows_pytorch_aliases_and_resolves_them":
            metafunc.parametrize("name", self.LOSSES)
            return
        cases = self.ERRORS if "bad_input" in metafunc.function.__name__ else self.WARNINGS
        metafunc.parametrize(("args", "argument"), cases,
                             ids=[f"{args[0]}{args[-1]}" for args, _ in cases])

    def test_bad_input_exits_2_with_one_line_naming_the_argument(self, cli, args, argument):
        out = cli(*args)
        assert out.code == 2, (out.stdout, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1, out.stderr
        assert argument in lines[0]
        assert "Traceback" not in out.stderr

    def test_suspicious_inputs_warn(self, cli, args, argument):
        out = cli(*args, "-q")
        assert out.code == 0, out.stderr
        assert f"warning: {argument}:" in out.stderr
        assert cli(*args, "--strict").code == 2

    def test_help_shows_pytorch_aliases_and_resolves_them(self, cli, name):
        assert_pytorch_alias(cli, name)
