"""--device for the torch backend: cpu, cuda, mps, auto; a missing device is exit 2."""

from __future__ import annotations

import json

import pytest
import torch

from losscli.core.errors import InputError
from losscli.engine import torch_backend as engine_torch

SEED_CE = ("--pred", "[[0.8,0.1,0.4],[0.1,0.9,0.2],[0.5,0.4,0.6]]", "--target", "[0,1,2]")


def test_cpu_device_uses_torch_and_says_so(cli):
    out = json.loads(cli("cross-entropy", *SEED_CE, "--device", "cpu", "--json").stdout)
    assert out["backend"] == "torch" and out["device"] == "cpu"
    assert out["value"] == pytest.approx(0.8136582, rel=1e-6)


def test_auto_device_picks_what_is_there(cli):
    out = json.loads(cli("cross-entropy", *SEED_CE, "--device", "auto", "--json").stdout)
    expected = "cuda" if torch.cuda.is_available() else (
        "mps" if engine_torch._mps_available() else "cpu")
    assert out["backend"] == "torch" and out["device"].startswith(expected)


@pytest.mark.parametrize("device", ["cuda", "mps"])
def test_a_missing_device_is_exit_2(cli, device):
    available = torch.cuda.is_available() if device == "cuda" else engine_torch._mps_available()
    if available:
        pytest.skip(f"{device} is available here")
    out = cli("cross-entropy", *SEED_CE, "--device", device)
    assert out.code == 2 and out.stdout == ""
    line = out.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith(f"losscli: error: --device: {device}") and "not available" in line


def test_unknown_device_is_a_usage_error(cli):
    out = cli("cross-entropy", *SEED_CE, "--device", "tpu")
    assert out.code == 2 and "--device" in out.stderr


def test_device_resolution(monkeypatch):
    assert str(engine_torch.resolve_device(None)) == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert engine_torch.resolve_device("cuda").type == "cuda"
    assert engine_torch.resolve_device("auto").type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(engine_torch, "_mps_available", lambda: True)
    assert engine_torch.resolve_device("auto").type == "mps"
    with pytest.raises(InputError, match="float64"):
        engine_torch.resolve_device("mps", "float64")
    monkeypatch.setattr(engine_torch, "_mps_available", lambda: False)
    assert engine_torch.resolve_device("auto").type == "cpu"
    with pytest.raises(InputError, match="cuda is not available"):
        engine_torch.resolve_device("cuda")
