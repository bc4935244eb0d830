"""The image losses: SSIM, MS-SSIM, PSNR and total variation, one term per image."""
