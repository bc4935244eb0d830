"""Image losses on batches of images (N, C, H, W): SSIM, MS-SSIM, PSNR, total variation.

Each term is one image: the per-pixel (or per-window) quantities are averaged or summed
inside the image, so ``--reduction none`` gives N values and ``mean`` averages them.
"""

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families._shared.specs import PRED_FLAGS, TARGET_FLAGS
from losscli.families.image.conventions import (
    MS_SSIM_CONVENTIONS,
    PSNR_CONVENTIONS,
    SSIM_CONVENTIONS,
    TOTAL_VARIATION_CONVENTIONS,
)

#: Wang et al. 2003's scale weights of MS-SSIM, finest first.
MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
_IMAGES = "(N, C, H, W)"
_PRED = InputSpec(
    "pred",
    "a batch of images (N, C, H, W): N images of C channels, H × W pixels (np.save of "
    "x.detach().cpu().numpy())",
    flags=PRED_FLAGS,
    shape=_IMAGES,
)
_TARGET = InputSpec(
    "target",
    "the reference images, the shape of --pred",
    flags=TARGET_FLAGS,
    shape=f"{_IMAGES}, as pred",
)
_DATA_RANGE = ParamSpec(
    "data_range",
    "float",
    1.0,
    "L, the range of the pixel values (max − min): 1 for images in [0, 1], 255 for 8-bit "
    "(MONAI data_range, kornia max_val; pytorch-msssim defaults to 255)",
    minimum=0.0,
    exclusive_minimum=True,
)
_WINDOW = (
    ParamSpec(
        "window_size",
        "int",
        11,
        "the side of the square window, odd (MONAI win_size, kornia window_size)",
        minimum=1,
    ),
    ParamSpec(
        "sigma",
        "float",
        1.5,
        "the standard deviation of the Gaussian window in pixels (MONAI kernel_sigma)",
        minimum=0.0,
        exclusive_minimum=True,
    ),
    ParamSpec(
        "kernel",
        "choice",
        "gaussian",
        "the window's weights: gaussian (normalised samples of exp(−x²/2σ²)) or uniform "
        "(MONAI kernel_type)",
        choices=("gaussian", "uniform"),
    ),
    ParamSpec("k1", "float", 0.01, "K1 in C1 = (K1·L)²", minimum=0.0),
    ParamSpec("k2", "float", 0.03, "K2 in C2 = (K2·L)²", minimum=0.0),
    _DATA_RANGE,
)
_SSIM_MAP = (
    "SSIM = l·cs at each window position, l = (2·μx·μy + C1) / (μx² + μy² + C1), "
    "cs = (2·σxy + C2) / (σx² + σy² + C2); μ, σ², σxy the window-weighted means, "
    "variances (biased) and covariance; C1 = (K1·L)², C2 = (K2·L)²"
)
_SSIM_REF = (
    "Wang, Bovik, Sheikh and Simoncelli, Image Quality Assessment: From Error Visibility "
    "to Structural Similarity, IEEE TIP 13(4), 2004"
)
_PER_IMAGE_RULE = (
    "mean: Σ ℓₙ / N over the N images; sum: Σ ℓₙ; none: the N per-image terms"
)
_TINY = {
    "pred": "[[[[0.1, 0.5, 0.9, 0.3], [0.4, 0.8, 0.2, 0.6], [0.7, 0.3, 0.5, 0.9], "
    "[0.2, 0.6, 0.8, 0.4]]]]",
    "target": "[[[[0.2, 0.5, 0.8, 0.3], [0.4, 0.7, 0.3, 0.6], [0.6, 0.3, 0.5, 0.8], "
    "[0.3, 0.6, 0.7, 0.4]]]]",
}

SPECS = (
    LossSpec(
        name="ssim",
        summary="1 − SSIM per image: structural similarity (Wang et al. 2004; MONAI SSIMLoss)",
        family="image",
        formula=(
            "ℓₙ = 1 − mean over the channels and window positions of SSIM;  "
            f"{_SSIM_MAP}; SSIM = l·cs·D/(D + eps), D the product of the denominators"
        ),
        inputs=(_PRED, _TARGET),
        params=(
            *_WINDOW,
            ParamSpec(
                "padding",
                "choice",
                "valid",
                "valid: only windows inside the image (MONAI, pytorch-msssim, Wang's code); "
                "reflect: pad by window_size // 2 with reflected pixels, one window per pixel "
                "(kornia's 'same')",
                choices=("valid", "reflect"),
            ),
            ParamSpec(
                "eps",
                "float",
                0.0,
                "added to the SSIM denominator (kornia: 1e-12)",
                minimum=0.0,
            ),
        ),
        impl="ssim",
        numpy_impl="ssim",
        chunks="samples",
        check="ssim",
        aliases=("SSIMLoss", "ssim-loss", "1-ssim"),
        reduction_rule=_PER_IMAGE_RULE,
        references=(
            _SSIM_REF,
            "MONAI monai.losses.SSIMLoss (monai/losses/ssim_loss.py)",
            "kornia kornia.losses.ssim_loss (kornia/losses/ssim.py)",
        ),
        notes=(
            "MONAI semantics: SSIMLoss is 1 − the mean SSIM of each image (valid windows, "
            "no eps), its reduction='none' the (N, 1) per-image terms; pytorch-msssim's "
            "1 − ssim(X, Y, data_range=1) is the same number, but its data_range defaults "
            "to 255.",
            "kornia's ssim_loss is another loss: clamp((1 − SSIM)/2, 0, 1) per pixel with "
            "reflect padding and eps 1e-12, averaged over every pixel of the batch: it is "
            "half of this loss with --padding reflect --eps 1e-12 (reduction mean); "
            "--convention kornia computes it exactly.",
            "Values are not rescaled: images in [0, 255] need --data-range 255, else C1 and "
            "C2 are 255² times too small.",
            "The details show, for the window at the top-left of channel 0 of each image, "
            "μ, σ², σxy and the two factors l and cs; the image's mean SSIM is 1 − ℓₙ.",
        ),
        example={**_TINY, "window_size": "3"},
        conventions=SSIM_CONVENTIONS,
    ),
    LossSpec(
        name="ms-ssim",
        summary="1 − MS-SSIM per image: multi-scale SSIM (Wang et al. 2003; pytorch-msssim)",
        family="image",
        formula=(
            "ℓₙ = 1 − mean over the channels of Π_{j<M} relu(cs_j)^{w_j} · "
            "relu(SSIM_M)^{w_M};  cs_j, SSIM_j the means over the valid windows at scale j "
            "(the images halved j − 1 times by 2×2 average pooling); " + _SSIM_MAP
        ),
        inputs=(_PRED, _TARGET),
        params=(
            *_WINDOW,
            ParamSpec(
                "weights",
                "tensor",
                None,
                "TENSOR of the M scale weights w_j ≥ 0, finest first (default: Wang et al.'s "
                "[0.0448, 0.2856, 0.3001, 0.2363, 0.1333], M = 5)",
            ),
        ),
        impl="ms_ssim",
        numpy_impl="ms_ssim",
        chunks="samples",
        check="ms_ssim",
        aliases=("MS-SSIM", "ms-ssim-loss", "multiscale-ssim", "1-ms-ssim"),
        reduction_rule=_PER_IMAGE_RULE,
        references=(
            "Wang, Simoncelli and Bovik, Multiscale Structural Similarity for Image Quality "
            "Assessment, Asilomar Conference on Signals, Systems and Computers, 2003",
            "pytorch-msssim ms_ssim (pytorch_msssim/ssim.py)",
            "MONAI monai.metrics.MultiScaleSSIMMetric (monai/metrics/regression.py)",
        ),
        notes=(
            "pytorch-msssim semantics (1 − ms_ssim(X, Y, data_range=L)): relu of cs and "
            "SSIM per image and channel, the product per channel, then the mean over the "
            "channels; MONAI's MultiScaleSSIMMetric applies relu to the mean over the "
            "channels instead (the same for one channel or positive values).",
            "Between scales the images are average-pooled 2×2 without padding (MONAI); "
            "pytorch-msssim pads odd sizes with zeros first, so odd sizes differ slightly.",
            "Every scale must hold one window: H and W at least window_size·2^(M−1) (176 at "
            "the defaults); pass fewer --weights or a smaller --window-size for small images.",
            "kornia's MS_SSIMLoss is a different loss (Zhao et al. 2017: several σ at one "
            "resolution mixed with a Gaussian-weighted L1); it is not MS-SSIM.",
            "The details show each scale's cs and the last scale's SSIM, averaged over the "
            "channels, and the MS-SSIM of each image.",
        ),
        example={
            "pred": "[[[[0.5, 0.63, 0.74, 0.81, 0.83, 0.8], [0.74, 0.66, 0.58, 0.52, 0.49, 0.5], "
            "[0.54, 0.6, 0.67, 0.71, 0.71, 0.67], [0.59, 0.48, 0.36, 0.24, 0.15, 0.11], "
            "[0.12, 0.18, 0.27, 0.38, 0.48, 0.55], [0.59, 0.59, 0.55, 0.5, 0.45, 0.41]]]]",
            "target": "[[[[0.54, 0.65, 0.74, 0.78, 0.78, 0.74], [0.68, 0.61, 0.55, 0.51, 0.5, "
            "0.53], [0.57, 0.63, 0.68, 0.7, 0.68, 0.63], [0.54, 0.44, 0.34, 0.25, 0.19, 0.17], "
            "[0.19, 0.25, 0.33, 0.42, 0.49, 0.53], [0.55, 0.54, 0.51, 0.47, 0.44, 0.43]]]]",
            "window_size": "3",
            "weights": "[0.5, 0.5]",
        },
        conventions=MS_SSIM_CONVENTIONS,
    ),
    LossSpec(
        name="psnr",
        summary="−PSNR per image: peak signal-to-noise ratio as a loss (kornia psnr_loss)",
        family="image",
        formula="ℓₙ = −PSNRₙ = 10·log10(MSEₙ / L²),  MSEₙ = mean over image n of (x − y)²",
        inputs=(
            InputSpec(
                "pred",
                "a batch of N images (N, C, H, W), or any (N, ...) array: one term per entry "
                "of the first dimension",
                flags=PRED_FLAGS,
                shape="(N, ...)",
            ),
            InputSpec(
                "target",
                "the reference, the shape of --pred",
                flags=TARGET_FLAGS,
                shape="(N, ...), as pred",
            ),
        ),
        params=(
            _DATA_RANGE,
            ParamSpec(
                "pool_batch",
                "bool",
                False,
                "one MSE over the whole batch, one term (kornia's psnr and psnr_loss), in "
                "place of one PSNR per image",
                unchunked=True,
            ),
        ),
        impl="psnr",
        numpy_impl="psnr",
        chunks="samples",
        check="psnr",
        aliases=("PSNRLoss", "psnr-loss", "neg-psnr"),
        reduction_rule=_PER_IMAGE_RULE,
        references=(
            "kornia kornia.losses.psnr_loss (kornia/losses/psnr.py)",
            "Gonzalez and Woods, Digital Image Processing, 3rd ed., 2008",
        ),
        notes=(
            "kornia computes ONE MSE over every element of the batch (--pool-batch); the "
            "mean of per-image PSNRs (the default here) is a different number.",
            "Identical images have MSE 0: PSNR +∞ and the loss −∞.",
            "The loss is −PSNR (in dB), negative whenever MSE < L²: lower is better.",
        ),
        example={"pred": "[[[[0.1, 0.5], [0.9, 0.3]]], [[[0.4, 0.8], [0.2, 0.6]]]]",
                 "target": "[[[[0.2, 0.5], [0.8, 0.3]]], [[[0.4, 0.6], [0.3, 0.6]]]]"},
        conventions=PSNR_CONVENTIONS,
    ),
    LossSpec(
        name="total-variation",
        summary="Total variation of each image: sum of neighbour differences (kornia)",
        family="image",
        formula=(
            "ℓₙ = Σ |x[i+1, j] − x[i, j]| + Σ |x[i, j+1] − x[i, j]| over the channels "
            "(l1, anisotropic); squared: the squared differences; isotropic: Σ √(Δv² + Δh² + "
            "eps) on the (H−1)×(W−1) grid; --average mean: each sum divided by its count"
        ),
        inputs=(
            InputSpec(
                "pred",
                "a batch of images (N, C, H, W) (a single input: no target)",
                flags=PRED_FLAGS,
                shape=_IMAGES,
            ),
        ),
        params=(
            ParamSpec(
                "norm",
                "choice",
                "l1",
                "l1: |Δv| + |Δh| (anisotropic TV-L1, kornia); squared: Δv² + Δh² (TV-L2²); "
                "isotropic: √(Δv² + Δh²) per pixel (TV-L2, Rudin-Osher-Fatemi)",
                choices=("l1", "squared", "isotropic"),
            ),
            ParamSpec(
                "average",
                "choice",
                "sum",
                "sum: Σ over the pixels and channels (kornia reduction='sum'); mean: each "
                "direction averaged over its own count of differences (kornia 'mean')",
                choices=("sum", "mean"),
            ),
            ParamSpec(
                "eps",
                "float",
                0.0,
                "added under the square root of --norm isotropic (a flat patch has no "
                "gradient at eps 0)",
                minimum=0.0,
            ),
        ),
        impl="total_variation",
        numpy_impl="total_variation",
        chunks="samples",
        check="total_variation",
        aliases=("tv", "TotalVariation", "tv-loss"),
        reduction_rule=_PER_IMAGE_RULE,
        references=(
            "kornia kornia.losses.total_variation (kornia/losses/total_variation.py)",
            "Rudin, Osher and Fatemi, Nonlinear total variation based noise removal "
            "algorithms, Physica D 60, 1992",
        ),
        notes=(
            "kornia's total_variation returns one value per (image, channel); the term here "
            "is one image: the sum over its channels (--average sum), or, with --average "
            "mean, each direction's mean over all its differences, channels included (for "
            "one channel kornia's 'mean'); --convention kornia keeps its (N, C) values.",
            "kornia's 'mean' is mean|Δv| + mean|Δh|, each over its own count C·(H−1)·W and "
            "C·H·(W−1), not one mean over every difference.",
            "A regulariser of one input: it takes no target.",
        ),
        example={"pred": "[[[[0.1, 0.5, 0.9], [0.4, 0.8, 0.2], [0.7, 0.3, 0.5]]]]"},
        conventions=TOTAL_VARIATION_CONVENTIONS,
    ),
)
