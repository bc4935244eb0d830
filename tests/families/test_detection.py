"""Box losses (iou, giou, diou, ciou) against independent float64 formulas.

The reference below is written from the papers' definitions (GIoU: Rezatofighi et
al. 2019, DIoU/CIoU: Zheng et al. 2020, UnitBox: Yu et al. 2016) one box pair at a
time with ``math``, using torchvision's eps placement. Geometric cases with values
worked by hand check it in turn; torchvision itself is a third, optional check.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

import losscli
from losscli.families.registry import registry

RNG = np.random.default_rng(7)
BOX_LOSSES = ("iou", "giou", "diou", "ciou")
FORMATS = ("xyxy", "xywh", "cxcywh")


def from_corners(box, box_format):
    """Express a corner box (x1, y1, x2, y2) in another format."""
    x1, y1, x2, y2 = box
    if box_format == "xywh":
        return [x1, y1, x2 - x1, y2 - y1]
    if box_format == "cxcywh":
        return [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1]
    return list(box)


def ref_pair(p, t, name, eps=1e-7, mode="linear"):
    """One term, from corner boxes p and t."""
    px1, py1, px2, py2 = p
    tx1, ty1, tx2, ty2 = t
    overlap_w = min(px2, tx2) - max(px1, tx1)
    overlap_h = min(py2, ty2) - max(py1, ty1)
    inter = overlap_w * overlap_h if overlap_w > 0 and overlap_h > 0 else 0.0
    union = (px2 - px1) * (py2 - py1) + (tx2 - tx1) * (ty2 - ty1) - inter
    iou = inter / (union + eps)
    if name == "iou":
        if mode == "log":
            return -math.log(max(iou, eps))
        return 1 - iou * iou if mode == "square" else 1 - iou
    cw = max(px2, tx2) - min(px1, tx1)
    ch = max(py2, ty2) - min(py1, ty1)
    if name == "giou":
        return 1 - iou + (cw * ch - union) / (cw * ch + eps)
    rho2 = ((px1 + px2) / 2 - (tx1 + tx2) / 2) ** 2 + ((py1 + py2) / 2 - (ty1 + ty2) / 2) ** 2
    diou = 1 - iou + rho2 / (cw * cw + ch * ch + eps)
    if name == "diou":
        return diou
    aspect_t, aspect_p = math.atan((tx2 - tx1) / (ty2 - ty1)), math.atan((px2 - px1) / (py2 - py1))
    v = 4 / math.pi**2 * (aspect_t - aspect_p) ** 2
    return diou + (v * v / (1 - iou + v + eps) if v else 0.0)


def ref_terms(pred, target, name, **kw):
    pred, target = np.asarray(pred, float), np.asarray(target, float)
    flat = [ref_pair(p, t, name, **kw) for p, t in zip(pred.reshape(-1, 4), target.reshape(-1, 4))]
    return np.array(flat).reshape(pred.shape[:-1])


def random_corners(n):
    """Boxes near each other: some pairs overlap, some are disjoint, some nested."""
    xy = RNG.uniform(0, 6, size=(n, 2))
    wh = RNG.uniform(0.5, 4, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


PRED, TARGET = random_corners(12), random_corners(12)


def in_format(boxes, box_format):
    return np.array([from_corners(b, box_format) for b in boxes])


CASES = [
    (name, box_format, params)
    for name in BOX_LOSSES
    for box_format in FORMATS
    for params in ([{}, {"eps": 1e-3}] if name != "iou" else [{"mode": m} for m in
                                                             ("linear", "square", "log")])
]


@pytest.mark.parametrize("name,box_format,params", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_value_matches_independent_formula(name, box_format, params, reduction):
    terms = ref_terms(PRED, TARGET, name, **params)
    result = losscli.compute(
        name,
        pred=in_format(PRED, box_format),
        target=in_format(TARGET, box_format),
        box_format=box_format,
        reduction=reduction,
        dtype="float64",
        **params,
    )
    expected = {"mean": terms.mean(), "sum": terms.sum(), "none": terms}[reduction]
    np.testing.assert_allclose(result.value, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.terms, terms, rtol=1e-10, atol=1e-12)


def test_random_cases_cover_disjoint_and_overlapping_pairs():
    """The random boxes above exercise every branch of the geometry (else the test is weak)."""
    ious = np.array([1 - ref_pair(p, t, "iou", eps=0) for p, t in zip(PRED, TARGET)])
    assert (ious == 0).any() and (ious > 0).any()


# --- hand-derived geometry (eps = 0 so the values are exact) -------------------------------
S = 1 / 7  # the IoU of the overlapping pair
V = 4 / math.pi**2 * (math.atan(1 / 2) - math.atan(1)) ** 2  # aspect term of the nested pair
HAND = [
    # identical boxes: IoU = 1 and every penalty vanishes -> 0 for every loss.
    ("identical", [1, 2, 4, 6], [1, 2, 4, 6], {"iou": 0, "giou": 0, "diou": 0, "ciou": 0}),
    # overlapping: [0,0,2,2] and [1,1,3,3] share the unit square [1,2]²: I = 1,
    # U = 4 + 4 − 1 = 7, IoU = 1/7. Enclosing box [0,3]²: C = 9, so giou = 1 − 1/7 + 2/9.
    # Centres (1,1) and (2,2): ρ² = 2; diagonal² c² = 3² + 3² = 18, so diou = 1 − 1/7 + 1/9.
    # Both boxes are squares: v = 0, so ciou = diou.
    (
        "overlapping",
        [0, 0, 2, 2],
        [1, 1, 3, 3],
        {"iou": 1 - S, "giou": 1 - S + 2 / 9, "diou": 1 - S + 1 / 9, "ciou": 1 - S + 1 / 9},
    ),
    # nested, concentric squares [0,4]² ⊃ [1,3]²: I = 4, U = 16, IoU = 1/4; C = U so the
    # giou penalty is 0; same centre so ρ = 0; both square so v = 0: every loss is 3/4.
    ("nested", [0, 0, 4, 4], [1, 1, 3, 3], {"iou": 0.75, "giou": 0.75, "diou": 0.75, "ciou": 0.75}),
    # nested, off-centre: [0,4]² ⊃ [1,1]-[2,3] (1 wide, 2 high): I = 2, U = 16, IoU = 1/8;
    # C = 16 -> giou = 7/8. Centres (2,2) and (1.5,2): ρ² = 1/4, c² = 32 -> diou = 7/8 + 1/128.
    # v = 4/π²·(atan(1/2) − atan(1))², α = v/(1 − 1/8 + v) -> ciou = diou + α·v.
    (
        "nested-offcentre",
        [0, 0, 4, 4],
        [1, 1, 2, 3],
        {
            "iou": 7 / 8,
            "giou": 7 / 8,
            "diou": 7 / 8 + 1 / 128,
            "ciou": 7 / 8 + 1 / 128 + V * V / (7 / 8 + V),
        },
    ),
    # disjoint: [0,1]² and [2,3]²: I = 0, IoU = 0, U = 2; enclosing [0,3]²: C = 9 so
    # giou = 1 + (C − U)/C = 1 + 7/9. Centres (0.5,0.5), (2.5,2.5): ρ² = 8, c² = 18,
    # diou = 1 + 8/18; squares, so ciou = diou.
    (
        "disjoint",
        [0, 0, 1, 1],
        [2, 2, 3, 3],
        {"iou": 1, "giou": 1 + 7 / 9, "diou": 1 + 4 / 9, "ciou": 1 + 4 / 9},
    ),
    # touching along the edge x = 1: no overlap (I = 0); enclosing box [0,2]x[0,1] has
    # C = 2 = U, so giou = 1; centres 1 apart, c² = 4 + 1 -> diou = 1 + 1/5.
    ("touching", [0, 0, 1, 1], [1, 0, 2, 1], {"iou": 1, "giou": 1, "diou": 1.2, "ciou": 1.2}),
]


@pytest.mark.parametrize("box_format", FORMATS)
@pytest.mark.parametrize("case", HAND, ids=[c[0] for c in HAND])
@pytest.mark.parametrize("name", BOX_LOSSES)
def test_hand_derived_geometry_in_every_format(name, case, box_format):
    _, pred, target, expected = case
    result = losscli.compute(
        name,
        pred=[from_corners(pred, box_format)],
        target=[from_corners(target, box_format)],
        box_format=box_format,
        eps=0.0,
        dtype="float64",
    )
    assert result.value == pytest.approx(expected[name], rel=1e-12, abs=1e-15)
    # The reference formula agrees with the hand value (it is checked, not trusted).
    assert ref_pair(pred, target, name, eps=0.0) == pytest.approx(expected[name], abs=1e-15)


def test_hand_derived_iou_modes():
    # Overlapping pair, IoU = 1/7: square gives 1 − 1/49, log gives ln 7.
    args = dict(pred=[[0, 0, 2, 2]], target=[[1, 1, 3, 3]], eps=0.0, dtype="float64")
    assert losscli.compute("iou", mode="square", **args).value == pytest.approx(48 / 49)
    assert losscli.compute("iou", mode="log", **args).value == pytest.approx(math.log(7))


def test_log_mode_clamps_disjoint_boxes_at_eps():
    # IoU = 0 for disjoint boxes; log mode clamps it at eps: −ln(1e-7) ≈ 16.118.
    result = losscli.compute("iou", pred=[[0, 0, 1, 1]], target=[[2, 2, 3, 3]], mode="log",
                             dtype="float64")
    assert result.value == pytest.approx(-math.log(1e-7), rel=1e-12)


def test_default_eps_enters_like_torchvision():
    # Identical unit-area boxes: IoU = 1/(1 + eps), so 1 − IoU = eps/(1 + eps).
    result = losscli.compute("iou", pred=[[0, 0, 1, 1]], target=[[0, 0, 1, 1]], dtype="float64")
    assert result.value == pytest.approx(1e-7 / (1 + 1e-7), rel=1e-9)


def test_single_box_and_batched_shapes():
    one = losscli.compute("giou", pred=[0, 0, 2, 2], target=[1, 1, 3, 3], dtype="float64")
    assert one.terms.shape == () and one.value == pytest.approx(1 - S + 2 / 9)
    grid = np.stack([PRED[:6], PRED[6:]]), np.stack([TARGET[:6], TARGET[6:]])
    batched = losscli.compute("diou", pred=grid[0], target=grid[1], reduction="none",
                              dtype="float64")
    assert batched.terms.shape == (2, 6)
    np.testing.assert_allclose(batched.terms, ref_terms(*grid, "diou"), rtol=1e-12)


def test_details_show_iou_and_penalties():
    result = losscli.compute("giou", pred=[[0, 0, 2, 2]], target=[[1, 1, 3, 3]], eps=0.0,
                             dtype="float64")
    assert result.details["IoU"][0] == pytest.approx(S)
    assert result.details["U"][0] == 7 and result.details["C"][0] == 9
    assert result.details["(C−U)/C"][0] == pytest.approx(2 / 9)
    ciou = losscli.compute("ciou", pred=[[0, 0, 4, 4]], target=[[1, 1, 2, 3]], eps=0.0,
                           dtype="float64")
    assert ciou.details["v"][0] == pytest.approx(V)
    assert ciou.details["α"][0] == pytest.approx(V / (7 / 8 + V))
    assert ciou.details["ρ²/c²"][0] == pytest.approx(1 / 128)
    diou = losscli.compute("diou", pred=[[0, 0, 4, 4]], target=[[1, 1, 2, 3]], eps=0.0,
                           dtype="float64")
    assert diou.details["ρ²"][0] == pytest.approx(0.25) and diou.details["c²"][0] == 32


# --- gradients -----------------------------------------------------------------------------


def _impl_terms(name, box_format, **params):
    impl = registry().resolve(name).load()
    defaults = {"eps": 1e-7, "box_format": box_format}
    if name == "iou":
        defaults["mode"] = "linear"
    return lambda p, t: impl(pred=p, target=t, **{**defaults, **params}).values


@pytest.mark.parametrize("box_format", FORMATS)
@pytest.mark.parametrize(
    "name,params",
    [("iou", {"mode": "linear"}), ("iou", {"mode": "square"}), ("iou", {"mode": "log"}),
     ("giou", {}), ("diou", {})],
)
def test_gradients_pass_gradcheck(name, params, box_format):
    p = torch.tensor(in_format(PRED, box_format), dtype=torch.float64, requires_grad=True)
    t = torch.tensor(in_format(TARGET, box_format), dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_impl_terms(name, box_format, **params), (p, t), eps=1e-6,
                                    atol=1e-6)


def test_ciou_gradient_holds_alpha_constant():
    """d/dpred of Σ(diou + α·v) with α frozen at its value, by central differences."""
    pred, target = PRED[:5], TARGET[:5]
    result = losscli.compute("ciou", pred=pred, target=target, reduction="sum", grad=True,
                             dtype="float64")

    def frozen(p, alphas):
        total = 0.0
        for box, t, a in zip(p, target, alphas):
            diou = ref_pair(box, t, "diou")
            w, h, wt, ht = box[2] - box[0], box[3] - box[1], t[2] - t[0], t[3] - t[1]
            v = 4 / math.pi**2 * (math.atan(wt / ht) - math.atan(w / h)) ** 2
            total += diou + a * v
        return total

    alphas = result.details["α"]
    numeric = np.zeros_like(pred)
    for idx in np.ndindex(pred.shape):
        step = np.zeros_like(pred)
        step[idx] = 1e-6
        numeric[idx] = (frozen(pred + step, alphas) - frozen(pred - step, alphas)) / 2e-6
    np.testing.assert_allclose(result.grads["pred"], numeric, rtol=1e-5, atol=1e-8)


def test_grad_option_gives_gradients_for_both_box_sets():
    result = losscli.compute("giou", pred=[[0, 0, 2, 2]], target=[[1, 1, 3, 3]], grad=True)
    assert set(result.grads) == {"pred", "target"}
    assert result.grads["pred"].shape == (1, 4)


# --- torchvision, a third check where it is installed ---------------------------------------

TORCHVISION = {
    "giou": "generalized_box_iou_loss",
    "diou": "distance_box_iou_loss",
    "ciou": "complete_box_iou_loss",
}


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_matches_torchvision(name):
    ops = pytest.importorskip(
        "torchvision.ops", reason="torchvision is not installed (optional cross-check)"
    )
    expected = getattr(ops, TORCHVISION[name])(
        torch.tensor(PRED), torch.tensor(TARGET), reduction="mean"
    )
    got = losscli.compute(name, pred=PRED, target=TARGET, dtype="float64").value
    assert got == pytest.approx(expected.item(), rel=1e-10)


# --- input errors and warnings through the CLI -----------------------------------------------

BAD = [
    (("giou", "-p", "[[0, 0, 2, 2], [3, 1, 2, 4]]", "-t", "[[0, 0, 1, 1], [0, 0, 1, 1]]"),
     "--pred", "box 1 [3, 1, 2, 4] is malformed for --box-format xyxy"),
    (("iou", "-p", "[[0, 0, 2, 2]]", "-t", "[[0, 3, 1, 1]]"), "--target", "y2 = 1 < y1 = 3"),
    (("iou", "-p", "[2, 0, 1, 1]", "-t", "[0, 0, 1, 1]"), "--pred", "box [2, 0, 1, 1] is"),
    (("iou", "-p", "[[[0, 0, 1, 1], [2, 0, 1, 1]]]", "-t", "[[[0, 0, 1, 1], [0, 0, 1, 1]]]"),
     "--pred", "box (0, 1) [2, 0, 1, 1] is"),
    (("diou", "-p", "[[0, 0, 2, -2]]", "-t", "[[0, 0, 1, 1]]", "--box-format", "xywh"),
     "--pred", "height -2 is negative"),
    (("ciou", "-p", "[[5, 5, -1, 2]]", "-t", "[[0, 0, 1, 1]]", "--box-format", "cxcywh"),
     "--pred", "width -1 is negative"),
    (("giou", "-p", "[[10, 20, 5, 5]]", "-t", "[[10, 20, 5, 5]]"),
     "--pred", "pass --box-format xywh"),
    (("giou", "-p", "[[0, 0, 2, 2]]", "-t", "[[0, 0, 1, 1], [0, 0, 1, 1]]"),
     "--target", "does not match --pred shape (1, 4)"),
    (("iou", "-p", "[[0, 0, 2]]", "-t", "[[0, 0, 1]]"), "--pred", "shape (4) or (N, 4)"),
    (("iou", "-p", "3", "-t", "3"), "--pred", "got shape ()"),
    (("iou", "-p", "[0, 0, 1, 1]", "-t", "[0, 0, 1, 1]", "--mode", "cube"), "--mode", "cube"),
    (("giou", "-p", "[0, 0, 1, 1]", "-t", "[0, 0, 1, 1]", "--box-format", "yxyx"),
     "--box-format", "yxyx"),
    (("giou", "-p", "[0, 0, 1, 1]", "-t", "[0, 0, 1, 1]", "--eps", "-1"), "--eps", ">= 0"),
]


@pytest.mark.parametrize("args,argument,fragment", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_boxes_exit_2_with_one_line(cli, args, argument, fragment):
    out = cli(*args)
    assert out.code == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert argument in lines[0] and fragment in lines[0], lines[0]


def test_zero_area_box_warns(cli):
    out = cli("giou", "-p", "[[0, 0, 0, 2], [0, 0, 1, 1]]", "-t", "[[0, 0, 1, 1], [0, 0, 1, 1]]",
              "--json")
    assert out.code == 0
    warnings = json.loads(out.stdout)["warnings"]
    assert any(w.startswith("--pred: 1 box(es) with zero area, first box 0") for w in warnings)
    strict = cli("giou", "-p", "[[0, 0, 0, 2]]", "-t", "[[0, 0, 1, 1]]", "--strict")
    assert strict.code == 2 and "zero area" in strict.stderr


def test_ciou_warns_that_an_empty_box_gives_nan():
    result = losscli.compute("ciou", pred=[[1, 1, 1, 1]], target=[[0, 0, 2, 2]])
    assert any("0/0 = NaN" in w for w in result.warnings)
    assert math.isnan(result.value)


def test_format_mix_up_warns():
    # Valid both ways, but only overlapping as (x, y, w, h): as corners the boxes are
    # [1,2]² and [2.5,3]² (disjoint); as xywh they are [1,3]² and [2.5,5.5]² (overlapping).
    pred, target = [[1, 1, 2, 2]], [[2.5, 2.5, 3, 3]]
    as_corners = losscli.compute("giou", pred=pred, target=target)
    assert any("--box-format" in w and "xywh" in w for w in as_corners.warnings)
    as_xywh = losscli.compute("giou", pred=pred, target=target, box_format="xywh")
    assert as_xywh.warnings == []


def test_table_shows_iou_and_penalty_columns(cli):
    out = cli("ciou", "-p", "[[0, 0, 4, 4]]", "-t", "[[1, 1, 2, 3]]")
    assert out.code == 0
    for header in ("IoU", "ρ²/c²", "v", "α", "term"):
        assert header in out.stdout


# --- no boxes: torchvision's mean is 0 -------------------------------------------------------

NO_BOXES = np.zeros((0, 4))


@pytest.mark.parametrize("backend", ["torch", "numpy"])
@pytest.mark.parametrize("name", ["giou", "diou", "ciou"])
def test_mean_over_no_boxes_is_zero_as_in_torchvision(name, backend):
    # torchvision/ops/giou_loss.py, diou_loss.py, ciou_loss.py: ``loss.mean() if
    # loss.numel() > 0 else 0.0 * loss.sum()``; pytorch/vision test/test_ops.py
    # assert_empty_loss asserts the value 0.0 and that both boxes get a gradient.
    result = losscli.compute(name, pred=NO_BOXES, target=NO_BOXES, dtype="float64",
                             backend=backend)
    assert result.value == 0.0
    assert result.warnings == []
    assert "0" in result.reduction.describe()
    assert losscli.compute(name, pred=NO_BOXES, target=NO_BOXES, reduction="sum",
                           backend=backend).value == 0.0
    none = losscli.compute(name, pred=NO_BOXES, target=NO_BOXES, reduction="none",
                           backend=backend)
    assert np.asarray(none.value).shape == (0,)


@pytest.mark.parametrize("name", ["giou", "diou", "ciou"])
def test_gradient_over_no_boxes_is_an_empty_zero_gradient(name):
    pred = torch.zeros((0, 4), dtype=torch.float64, requires_grad=True)
    target = torch.zeros((0, 4), dtype=torch.float64, requires_grad=True)
    from losscli.core.terms import reduce

    terms = registry().resolve(name).load()(pred=pred, target=target, box_format="xyxy",
                                            eps=1e-7)
    value, _ = reduce(terms, "mean")
    value.backward()
    assert value.item() == 0.0 and pred.grad is not None and target.grad is not None
    assert pred.grad.shape == (0, 4)
    result = losscli.compute(name, pred=NO_BOXES, target=NO_BOXES, grad=True)
    assert result.value == 0.0
    assert {k: v.shape for k, v in result.grads.items()} == {"pred": (0, 4), "target": (0, 4)}


@pytest.mark.parametrize("backend", ["torch", "numpy"])
def test_iou_mean_over_no_boxes_is_nan_with_a_warning(backend):
    # No torchvision IoU loss; mmdetection's weight_reduce_loss takes loss.mean() (NaN).
    result = losscli.compute("iou", pred=NO_BOXES, target=NO_BOXES, backend=backend)
    assert math.isnan(result.value)
    assert any("NaN" in w for w in result.warnings)
    mmdet = losscli.compute("iou", pred=NO_BOXES, target=NO_BOXES, convention="mmdet")
    assert math.isnan(mmdet.value)


def test_help_says_what_the_mean_over_no_boxes_is(cli):
    assert "0.0 * loss.sum()" in " ".join(cli("giou", "--help").stdout.split())
    assert "NaN" in " ".join(cli("iou", "--help").stdout.split())
