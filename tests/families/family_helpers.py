"""Helpers shared by the family test files: a loss on both backends, and gradcheck of its terms."""

from __future__ import annotations

import numpy as np
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
