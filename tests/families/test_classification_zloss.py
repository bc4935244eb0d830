"""cross-entropy's --z-loss and the perplexity of its mean, against independent float64 formulas.

z-loss: PaLM's auxiliary z·(log Z)² per token, log Z = log Σ_c exp x_c, as t5x's
cross_entropy_with_logits (t5x/losses.py, commit 08058ed5) adds it; t5x's own test_xent only
runs the function (no assert), so the reference values were derived in float64 from that
formula. Perplexity: exp of the mean −log p(y) over the tokens not ignored.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from family_helpers import both_backends, compute, gradcheck

LOGITS = [[1.0, 2.0, 3.0, 0.5], [0.0, -1.0, 4.0, 2.0]]
LABELS = [2, 3]
RNG = np.random.default_rng(16)


def log_z(row) -> float:
    peak = max(row)
    return peak + math.log(sum(math.exp(v - peak) for v in row))


def ref_terms(x, y, z=0.0, weight=None, ignore_index=-100, eps=0.0):
    """w[y]·(−(1 − ε)·log p_y − (ε/C)·Σ_c w_c/w_y·log p_c + z·(log Z)²), 0 where ignored."""
    terms = []
    for row, label in zip(x, y):
        if label == ignore_index:
            terms.append(0.0)
            continue
        lz = log_z(row)
        w = [1.0] * len(row) if weight is None else list(weight)
        nll = -(row[label] - lz) * w[label]
        smooth = -sum(wc * (v - lz) for wc, v in zip(w, row)) / len(row)
        terms.append((1 - eps) * nll + eps * smooth + w[label] * z * lz * lz)
    return np.array(terms)


def test_t5x_derived_values():
    # log Z = (3.460773489156851, 4.1487551809444); z·(log Z)² with z = 1e-4 is
    # (0.0011976953, 0.0017212170); CE = log Z − x_y = (0.4607734892, 2.1487551809).
    per_token = [0.46197118447117624, 2.150476397899542]
    np.testing.assert_allclose(ref_terms(LOGITS, LABELS, 1e-4), per_token, rtol=1e-13)
    both_backends("cross-entropy", 2.6124475823707183, reduction="sum", pred=LOGITS,
                  target=LABELS, z_loss=1e-4)
    both_backends("cross-entropy", 1.3062237911853591, pred=LOGITS, target=LABELS, z_loss=1e-4)
    got = compute("cross-entropy", pred=LOGITS, target=LABELS, z_loss=1e-4)
    np.testing.assert_allclose(got.details["z·(log Z)²"],
                               [0.0011976953143250884, 0.0017212169551413007], rtol=1e-12)


@pytest.mark.parametrize("options", [
    {}, {"weight": [0.5, 2.0, 1.0, 1.5]}, {"ignore_index": 1}, {"label_smoothing": 0.2},
    {"weight": [0.5, 2.0, 1.0, 1.5], "label_smoothing": 0.1, "ignore_index": 0},
])
def test_random_logits_against_the_formula(options):
    x = RNG.normal(0, 3, (6, 4))
    y = np.array([0, 1, 2, 3, 1, 0])
    want = ref_terms(x.tolist(), y.tolist(), 0.05, options.get("weight"),
                     options.get("ignore_index", -100), options.get("label_smoothing", 0.0))
    for backend in ("torch", "numpy"):
        got = compute("cross-entropy", backend=backend, reduction="none", pred=x, target=y,
                      z_loss=0.05, **options)
        np.testing.assert_allclose(got.terms, want, rtol=1e-12, atol=1e-14, err_msg=backend)
    counted = [label != options.get("ignore_index", -100) for label in y]
    weights = np.array(options.get("weight", [1.0] * 4))[y] * counted
    both_backends("cross-entropy", want.sum() / weights.sum(), pred=x, target=y, z_loss=0.05,
                  **options)


def test_probability_targets():
    q = np.array([[0.1, 0.2, 0.6, 0.1], [0.0, 0.0, 0.5, 0.5]])
    want = [-sum(t * (v - log_z(row)) for t, v in zip(qs, row)) + 0.01 * log_z(row) ** 2
            for row, qs in zip(LOGITS, q)]
    both_backends("cross-entropy", float(np.mean(want)), pred=LOGITS, target=q, z_loss=0.01)


def test_gradient_is_one_plus_2z_log_z_times_softmax_minus_target():
    z = 0.3
    got = compute("cross-entropy", grad=True, reduction="sum", pred=LOGITS, target=LABELS,
                  z_loss=z)
    for row, label, grad in zip(LOGITS, LABELS, got.grads["pred"]):
        lz = log_z(row)
        softmax = [math.exp(v - lz) for v in row]
        want = [(1 + 2 * z * lz) * p - (c == label) for c, p in enumerate(softmax)]
        np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("options", [{}, {"weight": [0.5, 2.0, 1.0, 1.5], "ignore_index": 3}])
def test_gradcheck(options):
    weight = options.get("weight")
    gradcheck("cross-entropy", {"pred": RNG.normal(0, 2, (3, 4)), "target": np.array([0, 3, 1])},
              weight=None if weight is None else torch.tensor(weight, dtype=torch.float64),
              ignore_index=options.get("ignore_index", -100), label_smoothing=0.1, z_loss=0.2)


def test_zero_z_loss_changes_nothing(cli):
    plain = compute("cross-entropy", pred=LOGITS, target=LABELS)
    zero = compute("cross-entropy", pred=LOGITS, target=LABELS, z_loss=0.0)
    assert plain.value == zero.value and "z·(log Z)²" not in zero.details
    assert "z·(log Z)²" not in cli("cross-entropy", "-p", json.dumps(LOGITS), "-t", "[2, 3]").stdout
    shown = cli("cross-entropy", "-p", json.dumps(LOGITS), "-t", "[2, 3]", "--z-loss", "1e-4")
    assert "z·(log Z)²" in shown.stdout


@pytest.mark.parametrize(("args", "fragment"), [
    (("--z-loss", "-1"), "must be >= 0, got -1"),
    (("--z-loss", "1e-4", "--convention", "keras"),
     "Keras's CategoricalCrossentropy has no z-loss"),
    (("--z-loss", "1e-4", "--convention", "optax"), "optax's softmax_cross_entropy has no z-loss"),
    (("--z-loss", "x"), ""),
])
def test_bad_z_loss_exits_2_with_one_line(cli, args, fragment):
    out = cli("cross-entropy", "-p", json.dumps(LOGITS), "-t", "[2, 3]", *args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--z-loss" in lines[0] and fragment in lines[0], lines


# ----------------------------------------------------------------------------- perplexity


def test_perplexity_of_the_derived_case():
    # mean CE = (0.4607734892 + 2.1487551809) / 2 = 1.304764335050626; exp = 3.6868201370
    for backend in ("torch", "numpy"):
        got = compute("cross-entropy", backend=backend, pred=LOGITS, target=LABELS)
        assert got.perplexity == pytest.approx(3.6868201370367775, rel=1e-13)
        assert got.perplexity == pytest.approx(math.exp(got.value), rel=1e-13)


def test_perplexity_leaves_out_weights_smoothing_z_loss_and_ignored_tokens():
    x = RNG.normal(0, 2, (5, 3))
    y = np.array([0, 2, 1, 1, 2])
    # tokens 0, 2, 3 and 4 counted (ignore_index 2 drops 1 and 4): exp(mean −log p_y)
    nll = [log_z(row) - row[label] for row, label in zip(x.tolist(), y.tolist()) if label != 2]
    want = math.exp(sum(nll) / len(nll))
    for backend in ("torch", "numpy"):
        got = compute("cross-entropy", backend=backend, pred=x, target=y, ignore_index=2,
                      weight=[2.0, 0.5, 1.0], label_smoothing=0.2, z_loss=0.1)
        assert got.perplexity == pytest.approx(want, rel=1e-12)
        assert got.perplexity != pytest.approx(math.exp(got.value), rel=1e-3)


def test_perplexity_of_probability_targets():
    q = np.array([[0.0, 0.0, 1.0, 0.0], [0.25, 0.25, 0.25, 0.25]])
    ce = [log_z(LOGITS[0]) - 3.0, log_z(LOGITS[1]) - sum(LOGITS[1]) / 4]
    for backend in ("torch", "numpy"):
        got = compute("cross-entropy", backend=backend, pred=LOGITS, target=q, z_loss=0.5)
        assert got.perplexity == pytest.approx(math.exp(sum(ce) / 2), rel=1e-12)


def test_perplexity_of_inputs_computed_in_chunks():
    x = RNG.normal(0, 2, (40, 3))
    y = RNG.integers(0, 3, 40)
    whole = compute("cross-entropy", backend="numpy", pred=x, target=y)
    chunks = compute("cross-entropy", backend="numpy", pred=x, target=y, chunk_elements=9)
    assert chunks.terms is None  # computed in pieces: only the statistics were kept
    assert chunks.perplexity == pytest.approx(whole.perplexity, rel=1e-12)
    smoothed = compute("cross-entropy", backend="numpy", pred=x, target=y, chunk_elements=9,
                       label_smoothing=0.1)
    assert smoothed.perplexity is None  # the plain token loss was not kept


def test_perplexity_in_json_and_table_only_for_the_mean(cli):
    args = ("cross-entropy", "-p", json.dumps(LOGITS), "-t", "[2, 3]", "--dtype", "float64")
    data = json.loads(cli(*args, "--json").stdout)
    assert data["perplexity"] == pytest.approx(3.6868201370367775, rel=1e-15)
    assert list(data)[-3:] == ["perplexity", "notes", "warnings"]
    assert "perplexity = exp(mean token loss) = 3.6868201" in cli(*args).stdout
    for reduction in ("sum", "none"):
        assert "perplexity" not in json.loads(cli(*args, "-r", reduction, "--json").stdout)
        assert "perplexity" not in cli(*args, "-r", reduction).stdout
    assert "perplexity" not in json.loads(cli("nll", "-p", "[[-0.5, -1.0]]", "-t", "[0]",
                                              "--json").stdout)
