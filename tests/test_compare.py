"""``losscli compare``: a user's implementation against the reference.

The wrong multi-class focal loss (``SeedFocalLoss`` in docs/compare/my_focal.py, the
README's example) has the bug of the one quoted in seed 004: it takes
p_t = onehot·log_softmax (a log-probability, never a probability) and raises (1 − that)
to γ. compare must flag it and write a case that reproduces the mismatch; the correct
``FocalLoss`` beside it must pass.
"""

from __future__ import annotations

import pathlib
import textwrap

import numpy as np
import pytest
import torch

import losscli
from losscli.cases.case import load_case
from losscli.families.registry import registry
from losscli.tools.compare import Tolerance, Trial, _yaml_number, compare, run_trial, shrink
from losscli.tools.random_inputs import problems, valid

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: The README's example: SeedFocalLoss has the bug, FocalLoss is right.
FOCALS = ROOT / "docs" / "compare" / "my_focal.py"
WRONG, RIGHT = f"{FOCALS}:SeedFocalLoss", f"{FOCALS}:FocalLoss"

IMPLS = textwrap.dedent(
    '''
    import torch.nn.functional as F


    def detached_focal(logits, labels, gamma=2.0):
        """The right value, but the modulating factor is cut from the graph."""
        log_pt = F.log_softmax(logits, dim=1).gather(1, labels[:, None]).squeeze(1)
        return (-((1 - log_pt.exp().detach()) ** gamma) * log_pt).mean()


    def mse(pred, target):
        return ((pred - target) ** 2).mean()


    def mse_sum(pred, target):
        return ((pred - target) ** 2).sum()


    def broken(pred, target):
        raise ValueError("not implemented")
    '''
)


@pytest.fixture
def impls(tmp_path, monkeypatch):
    (tmp_path / "my_losses.py").write_text(IMPLS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_catches_the_wrong_focal_loss_and_writes_a_reproducing_case(cli, impls):
    mine = impls / "my_focal.py"  # the user's file, beside the cases folder
    mine.write_text(FOCALS.read_text())
    (impls / "cases").mkdir()
    case_file = impls / "cases" / "[wrong] focal.loss.yaml"  # brackets: printed verbatim
    out = cli("compare", "softmax-focal", "--impl", f"{mine}:SeedFocalLoss",
              "--impl-kwargs", '{"gamma": 2}', "--gamma", "2", "--case-out", str(case_file))
    assert out.code == 1, out.stderr
    assert "trials differ" in out.stdout and "✗ value" in out.stdout
    assert f"written to {case_file}; replay it" in " ".join(out.stdout.split())
    case = load_case(str(case_file))
    assert case.spec.name == "softmax-focal" and case.reduction == "mean"
    assert case.impl == "../my_focal.py:SeedFocalLoss" and case.impl_kwargs == {"gamma": 2}
    # the smallest failing input: one sample of the smallest trial
    assert case.values["pred"].shape == (1, 2)
    # the case's expectation is the reference, independently: −(1 − p_t)^γ·log p_t
    logits, label = case.values["pred"][0], int(case.values["target"][0])
    p_t = np.exp(logits[label]) / np.exp(logits).sum()
    assert float(case.expect.value) == pytest.approx(-((1 - p_t) ** 2) * np.log(p_t), rel=1e-12)
    # and its gradient: ∂/∂x_c of the focal term, by central differences in float64
    h, grad = 1e-6, []
    for c in range(2):
        bumped = [logits.copy(), logits.copy()]
        bumped[0][c] += h
        bumped[1][c] -= h
        f = [-((1 - p) ** 2) * np.log(p) for p in
             (np.exp(x[label]) / np.exp(x).sum() for x in bumped)]
        grad.append((f[0] - f[1]) / (2 * h))
    assert case.expect.grad["pred"][0] == pytest.approx(grad, rel=1e-6)
    # the replay runs the implementation: it fails while the code is wrong ...
    replay = cli("check", str(case_file))
    assert replay.code == 1, replay.stdout + replay.stderr
    assert "1 failed" in replay.stdout
    # ... and passes once it is fixed
    mine.write_text(mine.read_text() + "\n\nSeedFocalLoss = FocalLoss\n")
    replay = cli("check", str(case_file))
    assert replay.code == 0, replay.stdout + replay.stderr


def test_no_case_file_without_case_out(cli, impls):
    out = cli("compare", "softmax-focal", "--impl", WRONG, "--trials", "2")
    assert out.code == 1
    assert sorted(p.name for p in impls.iterdir()) == ["my_losses.py"]
    assert "--case-out FILE writes it" in " ".join(out.stdout.split())


def test_a_gradient_bug_replays_as_a_failing_case(cli, impls):
    out = cli("compare", "softmax-focal", "--impl", "my_losses:detached_focal", "--trials", "2",
              "--case-out", "detached.yaml")
    assert out.code == 1
    replay = cli("check", "detached.yaml")
    assert replay.code == 1 and "grad.pred" in replay.stdout, replay.stdout


def test_user_text_is_printed_verbatim(cli, impls):
    (impls / "odd[1].py").write_text(
        "def f(pred, target):\n    raise ValueError('bad [bold]input[/bold] [red]')\n")
    out = cli("compare", "mse", "--impl", "odd[1].py:f", "--trials", "1")
    assert out.code == 1
    text = " ".join(out.stdout.split())
    assert "odd[1].py:f against losscli mse" in text
    assert "raised ValueError: bad [bold]input[/bold] [red]" in text


def test_passes_the_correct_focal_loss(cli, impls):
    out = cli("compare", "softmax-focal", "--impl", RIGHT,
              "--pred", "[[0.8, 0.1, 0.4], [0.1, 0.9, 0.2]]", "--target", "[0, 1]")
    assert out.code == 0, out.stdout + out.stderr
    assert "✓ all 9 trials agree (values, and gradients w.r.t. pred)" in out.stdout
    assert sorted(p.name for p in impls.iterdir()) == ["my_losses.py"]


def test_gradients_are_compared(cli, impls):
    out = cli("compare", "softmax-focal", "--impl", "my_losses.py:detached_focal")
    assert out.code == 1
    assert "✗ ∂pred" in out.stdout and "✗ value" not in out.stdout
    assert cli("compare", "softmax-focal", "--impl", "my_losses.py:detached_focal",
               "--no-grad").code == 0


def test_module_by_name_function_reduction_and_errors(cli, impls):
    assert cli("compare", "mse", "--impl", "my_losses:mse", "--seed", "3").code == 0
    assert cli("compare", "mse", "--impl", "my_losses:mse_sum", "-r", "sum").code == 0
    out = cli("compare", "mse", "--impl", "my_losses:mse_sum", "--trials", "3")
    assert out.code == 1 and "✗ value" in out.stdout
    out = cli("compare", "mse", "--impl", "my_losses:broken", "--trials", "2")
    assert out.code == 1 and "raised ValueError: not implemented" in out.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--impl", "my_losses.py"), "expected MODULE_OR_FILE:ATTR"),
        (("--impl", "nothere.py:f"), "no file 'nothere.py'"),
        (("--impl", "no_such_module_xyz:f"), "importing no_such_module_xyz failed"),
        (("--impl", "my_losses.py:nope"), "has no attribute 'nope'"),
        (("--impl", RIGHT, "--impl-kwargs", "{gamma"), "not valid JSON"),
        (("--impl", RIGHT, "--impl-kwargs", '{"beta": 1}'), "failed"),
        (("--impl", RIGHT, "--gama", "2"), "has no option '--gama'"),
        (("--impl", RIGHT, "--pred", "[[1, 2]]", "--target", "[5]"),
         "--target: class index 5 is out of range"),
        (("--impl", RIGHT, "-r", "batchmean"), "--reduction"),
        (("--impl", RIGHT, "--trials", "0"), "nothing to compare"),
    ],
)
def test_usage_errors(cli, impls, args, message):
    out = cli("compare", "softmax-focal", *args)
    assert out.code == 2
    assert message in out.stderr
    assert out.stderr.count("\n") == 1


def test_help_says_it_runs_user_code(cli):
    out = cli("compare", "--help")
    assert "RUNS YOUR CODE" in " ".join(out.stdout.split())


def test_shrink_finds_the_failing_sample(impls):
    spec = registry().resolve("mse")

    def wrong_on_big_errors(pred, target):
        d = pred - target
        return torch.where(d.abs() > 5, d.abs(), d**2).mean()

    values = {"pred": np.array([0.5, 1.0, 9.0, -1.0]), "target": np.zeros(4)}
    tol = Tolerance()
    trial = run_trial(spec, wrong_on_big_errors, "x", values, {}, "mean", tol, True)
    assert not trial.ok
    smaller = shrink(spec, wrong_on_big_errors, trial, {}, "mean", tol, True)
    assert not smaller.ok
    np.testing.assert_array_equal(smaller.values["pred"], [9.0])
    passing = Trial("y", {"pred": np.ones((1,)), "target": np.ones((1,))})
    assert shrink(spec, wrong_on_big_errors, passing, {}, "mean", tol, True) is passing


def test_report_api():
    spec = registry().resolve("l1")
    report = compare(spec, lambda p, t: (p - t).abs().mean(), impl_name="lambda", params={},
                     trials=5, seed=1)
    assert report.ok and len(report.trials) == 5 and report.grads_compared == ["pred"]
    assert report.smallest is None


@pytest.mark.parametrize("name", [spec.name for spec in registry()])
def test_random_inputs_are_valid_and_reproducible(name):
    spec = registry().resolve(name)
    first = problems(spec, seed=7, count=3)
    again = problems(spec, seed=7, count=3)
    assert len(first) == len(again)
    for a, b in zip(first, again):
        assert a.label == b.label
        for key in a.values:
            np.testing.assert_array_equal(a.values[key], b.values[key])
        assert valid(spec, a.values)
        losscli.compute(spec, **a.values)  # computes without an input error


@pytest.mark.parametrize(
    "name",
    ["l1", "mse", "cross-entropy", "nll", "bce", "bce-with-logits", "focal", "softmax-focal",
     "multi-margin", "multilabel-margin", "giou"],
)
def test_random_inputs_cover_the_losses_compare_is_for(name):
    found = problems(registry().resolve(name), seed=0, count=8)
    assert len(found) == 8
    assert any(p.edge for p in found) and len({p.label for p in found}) >= 5


def test_case_numbers_read_back_as_floats():
    import yaml

    for value in (1e-05, 0.1, 2.0, -3.5e20, float("inf"), 7):
        text = _yaml_number(value)
        assert yaml.safe_load(f"x: {text}")["x"] == value


@pytest.mark.parametrize(
    "loss, impl, extra",
    [
        ("cross-entropy", "torch.nn.functional:cross_entropy", ()),
        ("nll", "torch.nn:NLLLoss", ()),
        ("bce-with-logits", "torch.nn.functional:binary_cross_entropy_with_logits", ()),
        ("smooth-l1", "torch.nn:SmoothL1Loss", ("--impl-kwargs", '{"beta": 0.5}', "--beta", "0.5")),
        ("gaussian-nll", "torch.nn.functional:gaussian_nll_loss",
         ("--impl-kwargs", '{"full": true}', "--full")),
        ("multilabel-margin", "torch.nn.functional:multilabel_margin_loss", ()),
    ],
)
def test_pytorch_itself_agrees_with_the_reference(cli, loss, impl, extra, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a failing case would be written
    out = cli("compare", loss, "--impl", impl, "--trials", "5", *extra)
    assert out.code == 0, out.stdout + out.stderr
    assert "✓ all 5 trials agree" in out.stdout


def test_switch_parameters(cli, tmp_path, monkeypatch):
    """--full / --no-full switch the reference, so a mismatched flag is caught."""
    monkeypatch.chdir(tmp_path)
    out = cli("compare", "gaussian-nll", "--impl", "torch.nn.functional:gaussian_nll_loss",
              "--impl-kwargs", '{"full": true}', "--no-full", "--trials", "2")
    assert out.code == 1 and "full=false" in out.stdout
    assert not any(tmp_path.iterdir())  # no --case-out, no file


def test_output_follows_the_output_width_and_never_wraps_a_line(cli, impls, monkeypatch):
    # piped with no COLUMNS: no width limit, each message on one line, the title whole
    monkeypatch.delenv("COLUMNS", raising=False)
    out = cli("compare", "softmax-focal", "--impl", WRONG, "--trials", "2")
    assert out.code == 1
    lines = out.stdout.splitlines()
    assert any(line.strip().startswith(f"{WRONG} against losscli softmax-focal") and
               line.rstrip().endswith("atol 1e-06") for line in lines), out.stdout
    assert any(line.startswith("the reference on it: losscli softmax-focal") and
               line.rstrip().endswith("--dtype float64") for line in lines), out.stdout
    # a narrow output: the table is laid out for it (blocks), the title on a line of its own
    monkeypatch.setenv("COLUMNS", "60")
    narrow = cli("compare", "softmax-focal", "--impl", WRONG, "--trials", "2")
    assert narrow.code == 1
    assert narrow.stdout.splitlines()[0].startswith(f"{WRONG} against losscli softmax-focal")
    table = narrow.stdout[: narrow.stdout.index("shapes: of")]
    assert max(len(line.rstrip()) for line in table.splitlines()[1:]) <= 60


def test_case_out_is_written_atomically(cli, impls, monkeypatch):
    import losscli.tools.compare as compare_module

    written = []
    real = compare_module.write_atomic
    monkeypatch.setattr(compare_module, "write_atomic",
                        lambda path, data, **kw: written.append(kw) or real(path, data, **kw))
    out = cli("compare", "softmax-focal", "--impl", "my_losses:detached_focal", "--trials", "2",
              "--case-out", "focal.loss.yaml")
    assert out.code == 1 and written == [{"argument": "--case-out"}]
    assert load_case(str(impls / "focal.loss.yaml")).impl == "my_losses:detached_focal"
    # a folder that does not exist: exit 2, one line naming --case-out
    out = cli("compare", "softmax-focal", "--impl", "my_losses:detached_focal", "--trials", "2",
              "--case-out", "nowhere/focal.loss.yaml")
    assert out.code == 2 and out.stderr.startswith("losscli: error: --case-out: cannot write")
    assert len(out.stderr.strip().splitlines()) == 1


def test_update_leaves_a_replay_case_alone(cli, impls):
    # the expectation of a replay is the reference's; --update never puts the
    # implementation's value there
    text = ("name: replay\nloss: mse\nimpl: my_losses.py:mse_sum\ninputs:\n"
            "  pred: [1.0, 2.0]\n  target: [1.0, 4.0]\nexpect: 2.0  # (0² + 2²) / 2\n")
    case = impls / "replay.loss.yaml"
    case.write_text(text)
    out = cli("check", str(case), "--update")
    assert out.code == 1, out.stdout + out.stderr
    assert case.read_text() == text
    assert "not updated: it runs my_losses.py:mse_sum" in " ".join(out.stdout.split())
    # the same case without impl is updated to losscli's value (the reference)
    case.write_text(text.replace("impl: my_losses.py:mse_sum\n", "").replace("2.0  #", "3.0  #"))
    assert cli("check", str(case), "--update").code == 0
    assert load_case(str(case)).expect.value == 2.0
