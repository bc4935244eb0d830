"""CTC against an enumeration of every alignment, against torch.nn.functional.ctc_loss,
and through the CLI.

The reference sums, over every path π of length T over C symbols, the probability
Π_t p_t(π_t) of the paths that collapse to the target (merge repeats, then drop blanks):
the definition of Graves et al. (2006), with no dynamic programming.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from family_helpers import assert_pytorch_alias

import losscli
from losscli.families.sequence.torch_terms import ctc

RNG = np.random.default_rng(2006)


def collapse(path, blank):
    merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return [s for s in merged if s != blank]


def enumerated_nll(log_probs: np.ndarray, target, blank: int = 0) -> float:
    """−log Σ over all C^T paths that collapse to ``target`` of Π_t p_t(π_t)."""
    steps, classes = log_probs.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        if collapse(path, blank) == list(target):
            total += math.exp(sum(log_probs[t, s] for t, s in enumerate(path)))
    return -math.log(total) if total > 0 else math.inf


def random_log_probs(*shape):
    x = RNG.normal(0, 1.5, size=shape)
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def test_hand_enumerated_example():
    # Frames over {blank, a=1, b=2}: p0 = (.5, .25, .25), p1 = (.25, .5, .25), p2 = (.25, .25, .5).
    # Paths of length 3 that collapse to "ab": aab .25·.5·.5, abb .25·.25·.5, -ab .5·.5·.5,
    # a-b .25·.25·.5, ab- .25·.25·.25; the sum is 0.265625.
    p = np.array([[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.25, 0.25, 0.5]])
    result = losscli.compute(
        "ctc", pred=np.log(p), target=[1, 2], input_lengths=3, target_lengths=2,
        reduction="none", dtype="float64",
    )
    assert result.value == pytest.approx(-math.log(0.265625), rel=1e-12)
    assert result.details["p(y|x)"] == pytest.approx(0.265625, rel=1e-12)
    # The mean divides by the target length 2.
    mean = losscli.compute(
        "ctc", pred=np.log(p), target=[1, 2], input_lengths=3, target_lengths=2,
        dtype="float64",
    )
    assert mean.value == pytest.approx(-math.log(0.265625) / 2, rel=1e-12)


ALIGNMENT_CASES = [
    (blank, target)
    for blank, labels in ((0, (1, 2)), (2, (0, 1)), (1, (0, 2)))
    for target in ([], *([a] for a in labels), *([a, b] for a in labels for b in labels))
]


@pytest.mark.parametrize("blank, target", ALIGNMENT_CASES)
def test_matches_enumeration_of_every_alignment(blank, target):
    log_probs = random_log_probs(3, 3)
    labels = target or [(blank + 1) % 3]  # an empty target: one padding label, never read
    result = losscli.compute(
        "ctc", pred=log_probs, target=labels, input_lengths=3, target_lengths=len(target),
        blank=blank, reduction="none", dtype="float64",
    )
    assert result.value == pytest.approx(enumerated_nll(log_probs, target, blank), rel=1e-12)


BATCH = dict(
    pred=random_log_probs(4, 3, 3),
    target=np.array([[1, 2], [1, -1], [2, 2]]),
    input_lengths=np.array([4, 3, 4]),
    target_lengths=np.array([2, 1, 2]),
)


def batch_terms():
    pred, target = BATCH["pred"], BATCH["target"]
    return np.array([
        enumerated_nll(pred[:length, n], target[n, :size])
        for n, (length, size) in enumerate(zip(BATCH["input_lengths"], BATCH["target_lengths"]))
    ])


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_batch_in_every_reduction(reduction):
    terms = batch_terms()
    expected = {
        "none": terms,
        "sum": terms.sum(),
        "mean": (terms / BATCH["target_lengths"]).sum() / 3,
    }[reduction]
    result = losscli.compute("ctc", reduction=reduction, dtype="float64", **BATCH)
    np.testing.assert_allclose(result.value, expected, rtol=1e-12)
    torch_value = F.ctc_loss(
        torch.tensor(BATCH["pred"]), torch.tensor(BATCH["target"]).clamp(min=0),
        torch.tensor(BATCH["input_lengths"]), torch.tensor(BATCH["target_lengths"]),
        reduction=reduction,
    )
    np.testing.assert_allclose(result.value, torch_value.numpy(), rtol=1e-12)


def test_mean_rule_and_table(cli):
    out = cli(
        "ctc", "--pred", json.dumps(BATCH["pred"].tolist()),
        "--target", "[[1, 2], [1, -1], [2, 2]]",
        "--input-lengths", "[4, 3, 4]", "--target-lengths", "[2, 1, 2]",
    )
    assert out.code == 0, out.stderr
    assert "mean: Σ (ℓᵢ / target_lengthᵢ) / N" in out.stdout
    assert "p(y|x)" in out.stdout and "target_lengths" in out.stdout


def test_concatenated_targets_equal_padded_ones():
    concatenated = dict(BATCH, target=np.array([1, 2, 1, 2, 2]))
    padded = losscli.compute("ctc", reduction="none", dtype="float64", **BATCH)
    flat = losscli.compute("ctc", reduction="none", dtype="float64", **concatenated)
    np.testing.assert_array_equal(padded.value, flat.value)


def test_empty_target_counts_one_in_the_mean():
    # PyTorch divides by max(target_length, 1): an empty target's term is its NLL itself.
    pred = random_log_probs(3, 2, 3)
    terms = [enumerated_nll(pred[:, 0], []), enumerated_nll(pred[:, 1], [1, 2])]
    result = losscli.compute(
        "ctc", pred=pred, target=[[1, 1], [1, 2]], input_lengths=[3, 3], target_lengths=[0, 2],
        dtype="float64",
    )
    assert result.value == pytest.approx((terms[0] / 1 + terms[1] / 2) / 2, rel=1e-12)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_random_problems_match_torch_functional(reduction, zero_infinity):
    for _ in range(25):
        steps, count, classes = RNG.integers(1, 7), RNG.integers(1, 4), RNG.integers(2, 5)
        blank = int(RNG.integers(0, classes))
        others = [c for c in range(classes) if c != blank]
        width = int(RNG.integers(1, 4))
        target = RNG.choice(others, size=(count, width))
        lengths = RNG.integers(0, width + 1, count)
        frames = RNG.integers(0, steps + 1, count)
        pred = random_log_probs(steps, count, classes)
        expected = F.ctc_loss(
            torch.tensor(pred), torch.tensor(target), torch.tensor(frames), torch.tensor(lengths),
            blank=blank, reduction=reduction, zero_infinity=zero_infinity,
        ).numpy()
        result = losscli.compute(
            "ctc", pred=pred, target=target, input_lengths=frames, target_lengths=lengths,
            blank=blank, zero_infinity=zero_infinity, reduction=reduction, dtype="float64",
        )
        np.testing.assert_allclose(result.value, expected, rtol=1e-10)


def test_input_too_short_is_infinite_and_warns(cli):
    # "aa" needs a blank between the repeats: 3 frames; 2 frames give probability 0.
    pred = json.dumps(np.log(np.full((2, 3), 1 / 3)).tolist())
    args = ("ctc", "--pred", pred, "--target", "[1, 1]", "--input-lengths", "2",
            "--target-lengths", "2", "--json")
    out = cli(*args)
    assert out.code == 0
    data = json.loads(out.stdout)
    assert data["value"] is None  # +inf is not JSON
    assert any(w.startswith("--input-lengths:") and "at least 3" in w for w in data["warnings"])
    zeroed = json.loads(cli(*args, "--zero-infinity", "--grad").stdout)
    assert zeroed["value"] == 0.0
    assert zeroed["grad"]["pred"]["values"] == [[0.0] * 3] * 2


def test_from_logits_applies_log_softmax():
    logits = RNG.normal(0, 2, size=(5, 2, 4))
    common = dict(target=[[1, 3], [2, 2]], input_lengths=[5, 4], target_lengths=[2, 2],
                  dtype="float64")
    raw = losscli.compute("ctc", pred=logits, from_logits=True, **common)
    normalised = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    assert raw.value == pytest.approx(
        losscli.compute("ctc", pred=normalised, **common).value, rel=1e-12
    )
    assert not raw.warnings


def test_gradients_relate_to_pytorch_as_documented():
    """--grad is d(value)/d(pred); PyTorch's backward adds exp(log_probs) on the used frames,
    and both agree on logits behind a log_softmax (--from-logits)."""
    logits = torch.tensor(RNG.normal(0, 1.5, size=(5, 2, 3)))
    target, frames, lengths = torch.tensor([[1, 2], [2, 0]]), torch.tensor([5, 3]), torch.tensor(
        [2, 1]
    )
    log_probs = logits.log_softmax(-1).detach().requires_grad_()
    F.ctc_loss(log_probs, target, frames, lengths).backward()
    ours = losscli.compute(
        "ctc", pred=log_probs.detach().numpy(), target=target.numpy(), input_lengths=[5, 3],
        target_lengths=[2, 1], dtype="float64", grad=True,
    ).grads["pred"]
    used = (torch.arange(5)[:, None] < frames[None, :]).unsqueeze(-1)
    divisor = lengths.clamp(min=1).double() * 2  # mean: / target length / N
    extra = torch.where(used, log_probs.detach().exp(), 0.0) / divisor[None, :, None]
    np.testing.assert_allclose(ours, (log_probs.grad - extra).numpy(), rtol=1e-9, atol=1e-12)

    leaf = logits.clone().requires_grad_()
    F.ctc_loss(leaf.log_softmax(-1), target, frames, lengths).backward()
    from_logits = losscli.compute(
        "ctc", pred=logits.numpy(), target=target.numpy(), input_lengths=[5, 3],
        target_lengths=[2, 1], from_logits=True, dtype="float64", grad=True,
    ).grads["pred"]
    np.testing.assert_allclose(from_logits, leaf.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("from_logits", [False, True])
def test_gradcheck(from_logits):
    pred = torch.tensor(RNG.normal(-1, 1, size=(5, 3, 4)), requires_grad=True)
    fixed = dict(
        target=torch.tensor([[1, 1], [2, 3], [3, 0]]),
        input_lengths=torch.tensor([5, 4, 2]),
        target_lengths=torch.tensor([2, 2, 0]),
        blank=0,
        zero_infinity=False,
        from_logits=from_logits,
    )

    def f(x):
        return ctc(pred=x, **fixed).values

    assert torch.autograd.gradcheck(f, (pred,), eps=1e-6, atol=1e-6)


def test_unbatched_equals_a_batch_of_one():
    pred = random_log_probs(4, 3)
    single = losscli.compute(
        "ctc", pred=pred, target=[2, 1], input_lengths=4, target_lengths=2, reduction="none",
        dtype="float64",
    )
    batch = losscli.compute(
        "ctc", pred=pred[:, None, :], target=[[2, 1]], input_lengths=[4], target_lengths=[2],
        reduction="none", dtype="float64",
    )
    assert np.shape(single.value) == () and batch.value.shape == (1,)
    assert single.value == pytest.approx(batch.value[0], rel=1e-12)


LOG_PROBS = json.dumps(np.log(np.full((3, 2, 3), 1 / 3)).round(6).tolist())
GOOD = ("--target", "[[1, 2], [2, 1]]", "--input-lengths", "[3, 3]", "--target-lengths", "[2, 2]")


def with_(option, value):
    args = ["ctc", "--pred", LOG_PROBS, *GOOD]
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    return tuple(args)


ERRORS = [
    (with_("--pred", "[0.1, 0.2]"), "--pred"),
    (with_("--target", "[[1, 0], [2, 1]]"), "--target"),  # the blank inside a target
    (with_("--target", "[[1, 3], [2, 1]]"), "--target"),  # class 3 of 3
    (with_("--target", "[[1, 2]]"), "--target"),  # one row for two sequences
    (with_("--target", "[[1], [2]]"), "--target"),  # rows shorter than the lengths
    (with_("--target", "[1, 2, 2]"), "--target"),  # concatenated: 3 labels, lengths sum to 4
    (with_("--target", "[[1.5, 2], [2, 1]]"), "--target"),
    (with_("--input-lengths", "[3, 4]"), "--input-lengths"),  # longer than T = 3
    (with_("--input-lengths", "[3]"), "--input-lengths"),
    (with_("--input-lengths", "[3, -1]"), "--input-lengths"),
    (with_("--input-lengths", "[3.0, 2.5]"), "--input-lengths"),
    (with_("--target-lengths", "[[2, 2]]"), "--target-lengths"),
    (with_("--blank", "3"), "--blank"),
]


@pytest.mark.parametrize("args, argument", ERRORS)
def test_bad_input_exits_2_naming_the_argument(cli, args, argument):
    out = cli(*args)
    assert out.code == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and argument in lines[0], out.stderr


def test_valid_problem_of_the_error_table_runs(cli):
    out = cli("ctc", "--pred", LOG_PROBS, *GOOD, "-q")
    assert out.code == 0 and out.stderr == ""
    # Each sequence: 3 uniform frames; "ab" has 5 alignments of probability 1/27, halved.
    assert float(out.stdout) == pytest.approx(-math.log(5 / 27) / 2, rel=1e-5)


def test_scores_that_are_not_log_probabilities_warn(cli):
    scores = json.dumps(RNG.normal(0, 2, size=(3, 2, 3)).round(3).tolist())
    out = cli("ctc", "--pred", scores, *GOOD, "-q")
    assert out.code == 0 and "warning: --pred:" in out.stderr and "--from-logits" in out.stderr
    assert cli("ctc", "--pred", scores, *GOOD, "-q", "--from-logits").stderr == ""


def test_help_shows_pytorch_alias_and_resolves_it(cli):
    assert_pytorch_alias(cli, "ctc")


# ----------------------------------------------------------------- optax's ctc_loss convention
# optax v0.2.8 (107e9ad20ca62bcbee1a8c016daab71c690a678c), optax/losses/_classification_test.py
# CTCTest.test_repeat_with_one_to_one_alignment: logits = np.random.randn(5, 7, 5) right after
# np.random.seed(1234) (the test's setUp); expected = −Σ_t log_softmax(logits)[n, t, a_nt]
# over the test's alignments a (its own reference), rtol 1e-6.
OPTAX_LABELS = np.array([[1, 2, 2, 3, 0, 0], [2, 3, 4, 4, 0, 0], [1, 1, 1, 1, 0, 0],
                         [1, 1, 2, 3, 0, 0], [1, 1, 1, 2, 0, 0]])
OPTAX_FRAMES = np.array([5, 5, 7, 5, 6])
OPTAX_ALIGNMENTS = [[1, 2, 0, 2, 3], [2, 3, 4, 0, 4], [1, 0, 1, 0, 1, 0, 1], [1, 0, 1, 2, 3],
                    [1, 0, 1, 0, 1, 2]]


def test_optax_repeat_with_one_to_one_alignment():
    state = np.random.get_state()
    np.random.seed(1234)
    logits = np.random.randn(5, 7, 5)
    np.random.set_state(state)
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    want = [-sum(log_p[n, t, k] for t, k in enumerate(a)) for n, a in enumerate(OPTAX_ALIGNMENTS)]
    np.testing.assert_allclose(want, [10.053656, 9.438192, 15.248055, 8.082920, 13.384704],
                               rtol=1e-6)
    got = losscli.compute("ctc", convention="optax", reduction="none", dtype="float64",
                          pred=logits, target=OPTAX_LABELS, input_lengths=OPTAX_FRAMES,
                          target_lengths=[4] * 5)
    np.testing.assert_allclose(got.value, want, rtol=1e-6)


def test_optax_impossible_alignment_is_large_and_finite():
    """optax 0.2.8 on [1, 1] in 2 frames (a repeat needs 3): about −log_epsilon."""
    args = dict(pred=np.zeros((1, 2, 3)), target=[[1, 1]], input_lengths=[2],
                target_lengths=[2])
    got = losscli.compute("ctc", convention="optax", dtype="float32", **args)
    assert got.value == 100000.0078125  # installed optax 0.2.8, float32
    got = losscli.compute("ctc", convention="optax", dtype="float64", **args)
    assert got.value == pytest.approx(1e5, abs=0.01)
    assert any("optax gives a loss of about 100000" in w for w in got.warnings)
    smaller = losscli.compute("ctc", convention="optax", log_epsilon=-50.0, dtype="float64",
                              **args)
    assert smaller.value == pytest.approx(50.0, abs=0.5)
    assert math.isinf(losscli.compute("ctc", dtype="float64", pred=np.zeros((2, 1, 3)),
                                      target=[[1, 1]], input_lengths=[2],
                                      target_lengths=[2]).value)


def test_optax_matches_the_enumeration_on_feasible_targets():
    x = RNG.normal(size=(2, 3, 3))
    target, lengths = np.array([[1, 2], [2, 0]]), np.array([2, 1])
    log_p = x - np.log(np.exp(x).sum(-1, keepdims=True))
    want = []
    for n in range(2):
        label = list(target[n, : lengths[n]])
        total = sum(np.exp(sum(log_p[n, t, k] for t, k in enumerate(path)))
                    for path in itertools.product(range(3), repeat=3)
                    if collapse(path, 0) == label)
        want.append(-np.log(total))
    got = losscli.compute("ctc", convention="optax", reduction="none", dtype="float64", pred=x,
                          target=target, input_lengths=[3, 3], target_lengths=lengths)
    np.testing.assert_allclose(got.value, want, rtol=1e-9)
    mean = losscli.compute("ctc", convention="optax", dtype="float64", pred=x, target=target,
                           input_lengths=[3, 3], target_lengths=lengths)
    assert mean.value == pytest.approx(np.mean(want), rel=1e-9)


def test_log_epsilon_only_with_optax(cli):
    out = cli("ctc", "-p", "[[-0.1, -2.4], [-2.4, -0.1]]", "-t", "[1]", "--input-lengths", "2",
              "--target-lengths", "1", "--log-epsilon", "-50")
    assert out.code == 2 and "--log-epsilon" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
