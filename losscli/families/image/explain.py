"""Worked derivations of the image losses, from the per-image details of the result."""

from __future__ import annotations

from losscli.families._shared.explain import TermView, derivation, joined, num, par


def _image(view: TermView) -> str:
    return f"image {view.index[0]}" if view.index else "the batch"


@derivation("ssim")
def ssim(view: TermView) -> list[str]:
    """ℓₙ = 1 − mean SSIM, with the moments and factors of one window."""
    d = {k: num(view.detail(k)) for k in ("μx", "μy", "σx²", "σy²", "σxy", "l", "cs")}
    k1, k2, data_range = view.param("k1"), view.param("k2"), view.param("data_range")
    size, padding = view.param("window_size"), view.param("padding")
    kernel = "Gaussian σ = " + num(view.param("sigma")) if view.param(
        "kernel") == "gaussian" else "uniform"
    return [
        f"{_image(view)}: {size} × {size} {kernel} window, {padding} padding; "
        f"C1 = (K1·L)² = ({num(k1)}·{num(data_range)})², C2 = (K2·L)² = "
        f"({num(k2)}·{num(data_range)})²",
        "top-left window of channel 0: μx = {μx}, μy = {μy}, σx² = {σx²}, σy² = {σy²}, "
        "σxy = {σxy} (window-weighted; σ² = mean(x²) − μ²)".format(**d),
        f"l = (2·μx·μy + C1) / (μx² + μy² + C1) = (2·{d['μx']}·{par(view.detail('μy'))} + C1) "
        f"/ ({d['μx']}² + {d['μy']}² + C1) = {d['l']}",
        f"cs = (2·σxy + C2) / (σx² + σy² + C2) = (2·{par(view.detail('σxy'))} + C2) / "
        f"({d['σx²']} + {d['σy²']} + C2) = {d['cs']}; SSIM of this window = l·cs",
        f"ℓ = 1 − (the mean SSIM over the channels and windows of the image) = "
        f"{num(view.term)}",
    ]


@derivation("ms-ssim")
def ms_ssim(view: TermView) -> list[str]:
    """ℓₙ = 1 − mean_c Π_j relu(cs_j)^{w_j}·relu(SSIM_M)^{w_M}."""
    names = [k for k in view.result.details if k.startswith(("cs", "SSIM"))]
    weights = view.tensor_param("weights")
    w = [num(x) for x in weights] if weights is not None else None
    factors = [
        f"relu({num(view.detail(k))})^{w[j] if w else 'w' + str(j + 1)}"
        for j, k in enumerate(names)
    ]
    channels = view.result.inputs["pred"].shape[1]
    where = "" if channels == 1 else (
        f" (per channel; the {channels} channels' means are shown, and the product is taken "
        "per channel, then averaged)"
    )
    return [
        f"{_image(view)}: {len(names)} scales, each half the size of the one before (2×2 "
        "average pooling); cs_j = mean cs at scale j, SSIM at the last",
        f"{', '.join(f'{k} = {num(view.detail(k))}' for k in names)}{where}",
        f"MS-SSIM = {joined(factors, ' · ')} = {num(view.detail('MS-SSIM'))}",
        f"ℓ = 1 − {num(view.detail('MS-SSIM'))} = {num(view.term)}",
    ]


@derivation("psnr")
def psnr(view: TermView) -> list[str]:
    """ℓₙ = 10·log10(MSEₙ / L²)."""
    mse, data_range = num(view.detail("MSE")), num(view.param("data_range"))
    over = "every element of the batch (--pool-batch)" if view.param(
        "pool_batch") else f"the elements of {_image(view)}"
    return [
        f"MSE = mean of (x − y)² over {over} = {mse}",
        f"PSNR = 10·log10(L² / MSE) = 10·log10({data_range}² / {mse}) = "
        f"{num(view.detail('PSNR'))} dB",
        f"ℓ = −PSNR = {num(view.term)}",
    ]


@derivation("total-variation")
def total_variation(view: TermView) -> list[str]:
    """ℓₙ = Σ |Δv| + Σ |Δh| (or squared, isotropic; sums or means)."""
    norm, average = view.param("norm"), view.param("average")
    agg = "Σ" if average == "sum" else "mean"
    if norm == "isotropic":
        return [
            f"{_image(view)}: Δv = x[i+1, j] − x[i, j], Δh = x[i, j+1] − x[i, j] on the "
            "(H−1)×(W−1) grid of every channel",
            f"ℓ = {agg} √(Δv² + Δh² + eps) = {num(view.term)}",
        ]
    f = "|Δ|" if norm == "l1" else "Δ²"
    vertical, horizontal = view.detail("vertical"), view.detail("horizontal")
    return [
        f"{_image(view)}: vertical differences Δv = x[i+1, j] − x[i, j], horizontal "
        "Δh = x[i, j+1] − x[i, j], over every channel",
        f"{agg} {f.replace('Δ', 'Δv')} = {num(vertical)}, {agg} {f.replace('Δ', 'Δh')} = "
        f"{num(horizontal)}",
        f"ℓ = {num(vertical)} + {num(horizontal)} = {num(view.term)}",
    ]
