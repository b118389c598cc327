"""The one image check: every plot, widget and score says the same thing about a wrong batch of images."""

import pytest
import torch

from helpers.images import check_images


@pytest.mark.parametrize("bad, exc, message", [
    (torch.rand(4, 3, 28, 28), ValueError, r"shape \(N, 1, 28, 28\), got \(4, 3, 28, 28\)"),
    (torch.rand(4, 784), ValueError, r"\.view\(-1, 1, 28, 28\)"),
    ((torch.rand(4, 1, 28, 28) * 255).to(torch.uint8), ValueError, "divide bytes 0-255 by 255"),
    (torch.randint(0, 2, (4, 1, 28, 28)), ValueError, "expected floats"),
    (torch.full((4, 1, 28, 28), float("nan")), ValueError, "NaN or infinite; did training diverge"),
    (torch.rand(4, 1, 28, 28) * 2 - 1, ValueError, r"tanh gives \[-1, 1\]: map it with \(x \+ 1\) / 2"),
    (torch.rand(4, 1, 28, 28) * 255, ValueError, r"0-255: divide by 255"),
    ((torch.zeros(4, 16), torch.zeros(4, 16)), TypeError, r"\(mean, logvar\)"),
    ([[0.5]], TypeError, "got a list"),
    ("digits", TypeError, "torch.Tensor"),
    (torch.rand(0, 1, 28, 28), ValueError, "at least 1 image"),
])
def test_one_image_check_says_what_was_expected(bad, exc, message):
    with pytest.raises(exc, match="my images: .*" + message):
        check_images(bad, "my images")


def test_image_check_accepts_and_normalises():
    out = check_images(torch.rand(3, 28, 28, dtype=torch.float64) * 1.0005)
    assert out.shape == (3, 1, 28, 28) and out.dtype == torch.float32 and out.max() <= 1.0
