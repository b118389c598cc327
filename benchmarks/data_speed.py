"""Input-pipeline speed: MNIST load time, and one training epoch fed two ways.

    python -m benchmarks.data_speed

* load: ``helpers.load_mnist`` for both splits from the shipped files, after the one-off
  decompression (the in-memory cache cleared first, so the files are really read).
* epoch: the pytorch/examples VAE (MLP 784-400-20, batch 128, Adam 1e-3), and notebook 2's 16-D
  VAE, each trained for one epoch from ``helpers.batches`` over in-memory tensors, and the same
  through ``DataLoader`` + ``ToTensor`` as in pytorch/examples (a PIL image converted per example,
  per step).
"""

from __future__ import annotations

import gzip
import tempfile
import time
from pathlib import Path
from typing import Callable

import torch

import helpers
from helpers import data as hdata


def mnist_load_seconds(repeats: int = 3) -> float:
    """Best of ``repeats`` wall times to load train + test into tensors (decompression and checksums included)."""
    best = float("inf")
    for _ in range(repeats):
        hdata._load.cache_clear()
        start = time.perf_counter()
        helpers.load_mnist("train")
        helpers.load_mnist("test")
        best = min(best, time.perf_counter() - start)
    return best


def epoch_seconds(make_step: Callable[[], Callable[[torch.Tensor], None]], pipeline: str, seed: int = 0,
                  repeats: int = 2) -> float:
    """Wall time of one epoch over the 60,000 training images, batch 128: the best of ``repeats`` epochs.

    make_step() returns a fresh ``step(x)`` (model + optimiser) taking a batch (B, 1, 28, 28) in [0, 1];
    pipeline is ``"helpers"`` (in-memory tensors) or ``"dataloader"`` (DataLoader + ToTensor). Taking
    the best epoch leaves out one-off costs (first allocations, thread start-up) and passing noise.
    """
    helpers.seed_everything(seed)
    step = make_step()
    if pipeline == "helpers":
        train_x, _ = helpers.load_mnist("train")
        order = torch.Generator().manual_seed(seed)

        def epoch():
            for x in helpers.batches(train_x, batch_size=128, generator=order):
                step(x)
    elif pipeline == "dataloader":
        import torchvision
        from torchvision import transforms

        root = Path(tempfile.mkdtemp())  # the usual layout: decompressed files in <root>/MNIST/raw
        (root / "MNIST" / "raw").mkdir(parents=True)
        for name in hdata.MNIST_MD5:
            gz = helpers.env.data_dir() / "mnist" / f"{name}.gz"
            (root / "MNIST" / "raw" / name).write_bytes(gzip.decompress(gz.read_bytes()))
        ds = torchvision.datasets.MNIST(str(root), train=True, download=False, transform=transforms.ToTensor())
        loader = torch.utils.data.DataLoader(ds, batch_size=128, shuffle=True)

        def epoch():
            for x, _ in loader:
                step(x)
    else:
        raise ValueError(f"pipeline must be 'helpers' or 'dataloader', got {pipeline!r}")
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        epoch()
        best = min(best, time.perf_counter() - start)
    return best


def examples_vae_step():
    from benchmarks.anchors import ExamplesVAE, examples_vae_loss

    model = ExamplesVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x):
        recon, mu, logvar = model(x)
        loss = examples_vae_loss(recon, x, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def notebook_vae_step():
    """One training step of notebook 2's 16-D VAE (its class from helpers.models, its closed-form KL):
    summed binary cross-entropy per image + 2 x KL, averaged over the batch, Adam 1e-3, as the notebook trains it."""
    import torch.nn.functional as F

    from helpers.models import VAE

    model = VAE(code_size=16)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x):
        x_hat, mean, logvar = model(x)
        rec = F.binary_cross_entropy(x_hat, x, reduction="none").flatten(1).sum(1).mean()
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).sum(1)
        loss = rec + 2.0 * kl.mean()
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def main() -> None:
    print(f"MNIST train+test into tensors: {mnist_load_seconds():.2f} s")
    for label, make_step in [("VAE 784-400-20", examples_vae_step), ("notebook 2's 16-D VAE", notebook_vae_step)]:
        fast = epoch_seconds(make_step, "helpers")
        slow = epoch_seconds(make_step, "dataloader")
        print(f"{label} epoch: helpers.batches {fast:.1f} s, DataLoader+ToTensor {slow:.1f} s, ratio {fast / slow:.2f}x")


if __name__ == "__main__":
    main()
