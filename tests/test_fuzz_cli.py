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
