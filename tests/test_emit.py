"""``--emit python``: the snippet, run by a separate Python, prints what ``-q`` prints.

All snippets run in one subprocess (one torch import), each in its own namespace.
Snippets that need torchvision are skipped where it is not installed.
"""

from __future__ import annotations

import importlib.util
import pathlib
import shlex
import subprocess
import sys

import pytest

from losscli.core.text import example_command
from losscli.families.registry import registry

ROOT = pathlib.Path(__file__).resolve().parent.parent
HAS_TORCHVISION = importlib.util.find_spec("torchvision") is not None

SEED = {
    "cross-entropy": ["--pred", "[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2], [0.5, 0.4, 0.6]]",
                      "--target", "[0, 1, 2]"],
    "focal": ["--pred", "[[-0.1, 0.9, 0.23], [-0.12, -0.34, 0.6]]",
              "--target", "[[0, 1, 0], [0, 0, 1]]"],
}
#: Loss commands whose snippet must reproduce the plain output exactly.
COMMANDS = [
    shlex.split(example_command(spec))[1:] for spec in registry() if spec.example
] + [
    ["cross-entropy", *SEED["cross-entropy"], "--weight", "[1, 2, 3]",
     "--label-smoothing", "0.1"],
    ["cross-entropy", "--pred", "[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2]]", "--target", "[0, -100]",
     "-r", "none"],
    ["focal", *SEED["focal"], "--alpha", "-1", "--gamma", "0.5", "-r", "sum"],
    ["focal", *SEED["focal"], "--dtype", "float64"],
    ["softmax-focal", *SEED["cross-entropy"], "--alpha", "[0.25, 0.5, 0.25]", "-r", "none"],
    ["softmax-focal", "--pred", "[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2]]", "--target", "[2, -100]",
     "--alpha", "0.25"],
    ["bce-with-logits", "--pred", "[[-1.2, 0.8], [0.3, 2.0]]", "--target", "[[0, 1], [1, 1]]",
     "--pos-weight", "[2, 3]", "--weight", "[0.5, 1]"],
    ["smooth-l1", "--pred", "[0.8, 0.1, 3]", "--target", "[1, 1, 1]", "--beta", "0.5"],
]

RUNNER = r'''
import sys
snippets = sys.stdin.read().split("\n#### NEXT ####\n")
for code in snippets:
    try:
        exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
    except Exception as error:
        print(f"ERROR {type(error).__name__}: {error}")
    print("#### END ####")
'''


def _snippets(cli):
    """(command, snippet, plain output) for every command whose snippet can run here."""
    out = []
    for command in COMMANDS:
        emitted = cli(*command, "--emit", "python")
        assert emitted.code == 0, (command, emitted.stderr)
        if "from torchvision" in emitted.stdout and not HAS_TORCHVISION:
            continue
        plain = cli(*command, "-q")
        assert plain.code == 0, (command, plain.stderr)
        out.append((command, emitted.stdout, plain.stdout.split()))
    return out


def test_emitted_snippets_print_the_same_values(cli):
    cases = _snippets(cli)
    assert len(cases) >= len(COMMANDS) - 3  # only the torchvision box losses may be skipped
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input="\n#### NEXT ####\n".join(snippet for _, snippet, _ in cases),
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    outputs = proc.stdout.split("#### END ####\n")
    for (command, snippet, plain), printed in zip(cases, outputs):
        assert "ERROR" not in printed, (command, printed, snippet)
        got = [float(v) for v in printed.split()]
        want = [float(v) for v in plain]
        # abs: float32 rounding of a loss of the form 1 − s (ssim), one ulp of 1 on either side
        assert got == pytest.approx(want, rel=1e-6, abs=2.5e-7, nan_ok=True), (command, snippet)
        # The comment states exactly what the snippet prints (its first six values).
        comment = snippet.rstrip().rpartition("# losscli computed: ")[2]
        stated = [float(v) for v in comment.replace(", ...", "").split(", ")]
        assert stated == pytest.approx(got[:6], rel=0, abs=0, nan_ok=True), (command, snippet)


def test_snippet_uses_pytorch_where_it_exists(cli):
    ce = cli("ce", *SEED["cross-entropy"], "--emit", "python").stdout
    assert "torch.nn.CrossEntropyLoss(weight=None, ignore_index=-100, label_smoothing=0.0, " \
           "reduction='mean')(pred, target)" in ce
    assert "target = torch.tensor([0, 1, 2], dtype=torch.long)" in ce
    assert ce.rstrip().endswith("# losscli computed: 0.8136582374572754")
    focal = cli("focal", *SEED["focal"], "--emit", "python").stdout
    assert "def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0" in focal
    assert "loss = sigmoid_focal_loss(pred, target, alpha=0.25, gamma=2.0, reduction='mean')" \
        in focal
    assert "import losscli" not in focal


def test_emit_only_knows_python(cli):
    out = cli("ce", *SEED["cross-entropy"], "--emit", "rust")
    assert out.code == 2 and "--emit" in out.stderr
