"""The one check every batch of images passes before it is drawn, scored or shown in a widget."""

from __future__ import annotations

import torch


def check_images(images, what: str = "images", min_count: int = 1) -> torch.Tensor:
    """The one check for a batch of images, ``(N, 1, 28, 28)`` or ``(N, 28, 28)`` floats in [0, 1].

    Returns them as CPU float32 ``(N, 1, 28, 28)``, clipped to [0, 1] (1e-3 outside is rounding); else
    raises a ``TypeError`` or ``ValueError`` saying what ``what`` should be and the usual fix.
    """
    if isinstance(images, (tuple, list)):
        if images and all(isinstance(t, torch.Tensor) for t in images) and len({t.shape for t in images}) == 1 \
                and images[0].dim() in (2, 3) and tuple(images[0].shape[-2:]) == (28, 28):
            hint = "stack a list of images into one tensor first: torch.stack(images)"
        else:
            hint = "a VAE's encode returns (mean, logvar): decode a code, or pass the mean where codes are asked for"
        raise TypeError(f"{what}: expected one tensor of images, got a {type(images).__name__}; {hint}")
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{what}: expected a torch.Tensor (N, 1, 28, 28) in [0, 1], got {type(images).__name__}")
    if not images.is_floating_point():
        raise ValueError(f"{what}: expected floats in [0, 1], got dtype {images.dtype}"
                         + ("; divide bytes 0-255 by 255 first" if images.dtype == torch.uint8 else ""))
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"{what}: expected shape (N, 1, 28, 28), got {tuple(images.shape)}; "
                         f"reshape with .view(-1, 1, 28, 28)")
    if len(images) < min_count:
        raise ValueError(f"{what}: expected at least {min_count} image(s), got {len(images)}")
    images = images.detach().to("cpu", torch.float32)
    bad = int((~torch.isfinite(images)).sum())
    if bad:
        raise ValueError(f"{what}: {bad} pixel values are NaN or infinite; did training diverge? "
                         f"(a loss that became nan in the progress bar says so)")
    low, high = float(images.min()), float(images.max())
    if low < -1e-3 or high > 1 + 1e-3:
        hint = ("these look like pixel values 0-255: divide by 255" if low >= 0 and high > 2 else
                "a generator ending in tanh gives [-1, 1]: map it with (x + 1) / 2")
        raise ValueError(f"{what}: expected values in [0, 1], got [{low:.3g}, {high:.3g}]; {hint}")
    return images.clamp(0.0, 1.0)
