"""The first call of every notebook: figure style, language, seed and device, and the run's switches."""

from __future__ import annotations

import random
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from . import env, i18n


def seed_everything(seed: int = 0) -> int:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and GPUs) with one int; returns it."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return seed


def pick_device() -> torch.device:
    """CUDA when present, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


class Run(NamedTuple):
    device: torch.device
    quick: bool      # quick mode: a slice of MNIST and a few steps (the tests)
    shipped: bool    # load the shipped weights instead of training


def setup(language: str = "en", shipped: bool | None = None, device: bool = True) -> Run:
    """Prepare a notebook's run and print one line about it; returns ``(device, quick, shipped)``.

    Figure text of 10 pt and more (readable on a projector), figure text and widget labels in ``language``
    ("en", or "zh" for the Chinese edition), every random generator seeded with 0, the fastest device (CUDA,
    Apple's MPS, else the CPU; ``device=False``: the CPU, for a notebook whose models are too small to gain from
    a GPU). ``shipped`` is the notebook's ``USE_SHIPPED_WEIGHTS`` switch (``None``: a notebook without shipped
    weights); ``GENMODELS_SHIPPED=1`` turns it on from outside, as ``GENMODELS_QUICK=1`` turns on quick mode.
    """
    import matplotlib.pyplot as plt

    from .plot import STYLE

    plt.rcParams.update(STYLE)
    i18n.use(language)
    seed_everything(0)
    run = Run(pick_device() if device else torch.device("cpu"), env.is_quick(),
              shipped is not None and env.uses_shipped(shipped))
    print(f"device: {run.device} | quick mode: {run.quick}" + ("" if shipped is None else f" | shipped weights: {run.shipped}"))
    project, here = Path(__file__).resolve().parent.parent, Path.cwd().resolve()
    if project not in (here, *here.parents):  # a notebook outside the course's folder: say whose helpers it uses
        print(f"helpers and data/ come from {project}, the course installed in this Python, not from a folder "
              f"above this notebook")
    return run
