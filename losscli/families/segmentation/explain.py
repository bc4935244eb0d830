"""Worked derivations of the segmentation losses added beside dice/jaccard/tversky."""

from __future__ import annotations

from losscli.families._shared.explain import TermView, derivation, num


@derivation("generalized-dice")
def generalized_dice(view: TermView) -> list[str]:
    """ℓ(n) = 1 − (2·Σ w·I + smooth_nr) / (Σ w·(P + G) + smooth_dr)."""
    numerator = float(view.detail("2·Σ w·I + s_nr"))
    denominator = float(view.detail("Σ w·(P + G) + s_dr"))
    w_type = view.param("w_type")
    rule = {"square": "1/G_c²", "simple": "1/G_c", "uniform": "1"}[w_type]
    return [
        f"sample {view.index[0]}: per class c, I_c = Σ p·g, P_c = Σ p, G_c = Σ g over the "
        f"pixels; w_c = {rule} ({w_type}), an absent class (G_c = 0) gets the sample's "
        "largest finite w",
        f"2·Σ_c w_c·I_c + smooth_nr = {num(numerator)}",
        f"Σ_c w_c·(P_c + G_c) + smooth_dr = {num(denominator)}",
        f"ℓ = 1 − {num(numerator)} / {num(denominator)} = {num(view.term)}",
    ]


@derivation("dice-ce")
def dice_ce(view: TermView) -> list[str]:
    """ℓ(n) = λ_dice·mean_c dice(n, c) + λ_ce·mean_s CE(n, s)."""
    dice, ce = float(view.detail("mean dice")), float(view.detail("mean CE"))
    lambda_dice, lambda_ce = view.param("lambda_dice"), view.param("lambda_ce")
    return [
        f"sample {view.index[0]}: mean over the counted classes of 1 − (2·Σ p·g + smooth_nr) / "
        f"(Σ p + Σ g + smooth_dr) = {num(dice)}   (p after --from-logits)",
        f"mean over the pixels of the cross-entropy of the raw logits (all channels) = {num(ce)}",
        f"ℓ = λ_dice·{num(dice)} + λ_ce·{num(ce)} with λ_dice = {num(lambda_dice)}, "
        f"λ_ce = {num(lambda_ce)} = {num(view.term)}",
    ]


@derivation("dice-focal")
def dice_focal(view: TermView) -> list[str]:
    """ℓ(n) = λ_dice·mean_c dice(n, c) + λ_focal·mean FL(n, c, s)."""
    dice, focal = float(view.detail("mean dice")), float(view.detail("mean focal"))
    alpha = view.param("alpha")
    factor = "" if alpha is None else f"·(α·g + (1 − α)·(1 − g)), α = {num(alpha)}"
    return [
        f"sample {view.index[0]}: mean over the counted classes of 1 − (2·Σ p·g + smooth_nr) / "
        f"(Σ p + Σ g + smooth_dr) = {num(dice)}   (p after --from-logits)",
        f"mean over (class, pixel) of σ(−x·(2g − 1))^γ·BCE(x, g){factor} on the raw logits, "
        f"γ = {num(view.param('gamma'))}: {num(focal)}",
        f"ℓ = λ_dice·{num(dice)} + λ_focal·{num(focal)} with λ_dice = "
        f"{num(view.param('lambda_dice'))}, λ_focal = {num(view.param('lambda_focal'))} = "
        f"{num(view.term)}",
    ]


@derivation("lovasz-hinge")
def lovasz_hinge(view: TermView) -> list[str]:
    """ℓ = Σ_k relu(e_(k))·δ_k over the sorted hinge errors of one ranking."""
    per_image = view.param("per_image", True)
    which = f"sample {view.index[0]}" if per_image and view.index else "every pixel of the batch"
    return [
        f"ranking: {which}; errors e = 1 − x·(2g − 1), sorted decreasing (ties in pixel order)",
        "δ_k = J_k − J_(k−1), J_k = 1 − (G − Σ_(i≤k) g_(i)) / (G + Σ_(i≤k) (1 − g_(i))): the "
        "Jaccard loss added by the k-th pixel",
        f"ℓ = Σ_k relu(e_(k))·δ_k = {num(view.term)}",
    ]


@derivation("lovasz-softmax")
def lovasz_softmax(view: TermView) -> list[str]:
    """ℓ = mean over the classes of w_c·Σ_k e_(k)·δ_k."""
    per_image = view.param("per_image", True)
    which = f"sample {view.index[0]}" if per_image and view.index else "every pixel of the batch"
    counted = "every class" if view.param("classes") == "all" else "the classes present"
    return [
        f"ranking: {which}; p = softmax(x) over the classes",
        "for each class c: errors e = |[y = c] − p_c| sorted decreasing (ties in pixel order), "
        "L_c = Σ_k e_(k)·δ_k, δ_k = J_k − J_(k−1) the Jaccard loss added by the k-th pixel",
        f"ℓ = mean over {counted} of w_c·L_c = {num(view.term)}",
    ]
