"""Other libraries' versions of the image losses, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means. kornia's
``MS_SSIMLoss`` is not among the MS-SSIM conventions: it is another loss (Zhao, Gallo, Frosio
and Kautz 2017: several Gaussian σ at one resolution, zero padding, mixed with a
Gaussian-weighted L1, α = 0.025, times 200), not Wang et al.'s multi-scale SSIM.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import KORNIA

MONAI_SSIM = "MONAI 1.6.1, monai/losses/ssim_loss.py SSIMLoss, monai/metrics/regression.py"
MONAI_MS_SSIM = "MONAI 1.6.1, monai/metrics/regression.py compute_ms_ssim"
PYTORCH_MSSSIM = "pytorch-msssim 1.0.0 (tag v1.0.0), pytorch_msssim/ssim.py"
_MSSSIM_CHECK = "pytorch-msssim's ms_ssim asserts min(H, W) > (window_size − 1)·2⁴"

SSIM_CONVENTIONS = (
    Convention(
        name="monai",
        library="monai.losses.SSIMLoss",
        call="SSIMLoss(spatial_dims=2, data_range=1.0, win_size=11)(pred, target)",
        source=MONAI_SSIM,
        reason="losscli's default: 1 − each image's mean SSIM over valid windows, no eps "
        "(--padding and --eps are losscli's own)",
    ),
    Convention(
        name="kornia",
        library="kornia.losses.ssim_loss",
        call="ssim_loss(pred, target, window_size, max_val=1.0, eps=1e-12, padding='same')",
        source=KORNIA + "ssim.py ssim_loss, kornia/metrics/ssim.py",
        reason="clamp((1 − SSIM)/2, 0, 1) at every pixel, reflect-padded ('same'), eps "
        "1e-12: about half of 1 − SSIM; its sum is over every pixel",
        params={"padding": "reflect", "eps": 1e-12},
        impl="kornia_ssim",
        clamp="clamp((1 − SSIM)/2, 0, 1) per pixel",
    ),
    Convention(
        name="pytorch-msssim",
        library="pytorch_msssim.ssim",
        call="1 - ssim(pred, target, data_range=255, size_average=True)",
        source=PYTORCH_MSSSIM + " ssim, gaussian_filter",
        reason="data_range = 255 by default: C1 and C2 65025 times larger; a side shorter "
        "than the window is not blurred",
        params={"data_range": 255.0},
        impl="pytorch_msssim_ssim",
        check="pytorch_msssim_ssim",
    ),
)

MS_SSIM_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli",
        call="losscli ms-ssim --data-range 1",
        source="Wang, Simoncelli and Bovik 2003; pytorch-msssim 1.0.0 and MONAI 1.6.1",
        reason="losscli's default: relu per image and channel (pytorch-msssim), 2×2 pooling "
        "without padding (MONAI), data range 1",
    ),
    Convention(
        name="monai",
        library="monai.metrics.MultiScaleSSIMMetric",
        call="1 - MultiScaleSSIMMetric(spatial_dims=2, data_range=1.0)(pred, target)",
        source=MONAI_MS_SSIM,
        reason="relu of each image's mean cs over its channels, not per channel (equal "
        "for one channel or cs > 0)",
        impl="monai_ms_ssim",
    ),
    Convention(
        name="pytorch-msssim",
        library="pytorch_msssim.ms_ssim",
        call="1 - ms_ssim(pred, target, data_range=255, size_average=True)",
        source=PYTORCH_MSSSIM + " ms_ssim",
        reason="data_range = 255 by default; odd sizes zero-padded before each 2×2 "
        "pooling; needs min(H, W) > 16·(window_size − 1)",
        params={"data_range": 255.0},
        impl="pytorch_msssim_ms_ssim",
        check="pytorch_msssim_ms_ssim",
        clamp=_MSSSIM_CHECK,
    ),
)

PSNR_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli",
        call="losscli psnr (one PSNR per image)",
        source="Gonzalez and Woods 2008",
        reason="losscli's default: one PSNR per image, then the mean of the −PSNRs",
    ),
    Convention(
        name="kornia",
        library="kornia.losses.psnr_loss",
        call="psnr_loss(pred, target, max_val=1.0)",
        source=KORNIA + "psnr.py psnr_loss, kornia/metrics/psnr.py",
        reason="one MSE over the whole batch (--pool-batch), −PSNR of it; identical "
        "images give −inf",
        params={"pool_batch": True},
    ),
)

TOTAL_VARIATION_CONVENTIONS = (
    Convention(
        name="losscli",
        library="losscli",
        call="losscli total-variation (one term per image)",
        source="kornia 0.9.0 total_variation, summed over the channels",
        reason="losscli's default: kornia's values summed over each image's channels, one "
        "term per image",
    ),
    Convention(
        name="kornia",
        library="kornia.losses.total_variation",
        call="total_variation(pred, reduction='sum').mean()",
        source=KORNIA + "total_variation.py total_variation",
        reason="one value per image and channel, (N, C): its mean divides by N·C, not N",
        impl="kornia_total_variation",
    ),
)
