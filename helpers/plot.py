"""Plots the notebooks use again and again, each returning its matplotlib Figure.

Every function checks its input and raises a ``ValueError`` that says what it expected and what
it got. Pass ``ax=`` to draw into an existing subplot (the figure returned is then ``ax.figure``),
so a notebook can put several plots side by side and style them further.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid

DIGIT_COLOURS = plt.get_cmap("tab10")


def _as_images(images, what: str = "images") -> torch.Tensor:
    """Validate a batch of grey images and return it as a float CPU tensor of shape (N, 1, H, W)."""
    if isinstance(images, np.ndarray):
        images = torch.from_numpy(images)
    if not isinstance(images, torch.Tensor):
        raise ValueError(f"{what}: expected a torch tensor of shape (N, 1, 28, 28), got {type(images).__name__}")
    if not images.is_floating_point():
        raise ValueError(
            f"{what}: expected floating-point values in [0, 1], got dtype {images.dtype}; "
            f"convert with `images.float() / 255` if these are raw bytes"
        )
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"{what}: expected shape (N, 1, H, W) or (N, H, W), got {tuple(images.shape)}")
    if images.shape[0] == 0:
        raise ValueError(f"{what}: expected at least one image, got an empty batch of shape {tuple(images.shape)}")
    images = images.detach().to("cpu", torch.float32)
    if not torch.isfinite(images).all():
        raise ValueError(f"{what}: contains NaN or infinite values; check the model that produced them")
    lo, hi = images.min().item(), images.max().item()
    if lo < -1e-3 or hi > 1 + 1e-3:
        raise ValueError(
            f"{what}: expected values in [0, 1], got values in [{lo:.3g}, {hi:.3g}]; "
            f"a tanh output in [-1, 1] maps to [0, 1] with `(x + 1) / 2`"
        )
    return images.clamp(0, 1)


def _axes(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def show_images(images, nrow: int = 8, title: str | None = None, ax=None, padding: int = 2):
    """Show a batch of grey images as one grid (``torchvision.utils.make_grid`` underneath).

    images : tensor ``(N, 1, H, W)`` or ``(N, H, W)``, float, values in ``[0, 1]``.
    nrow : images per row of the grid.
    Returns the Figure.
    """
    images = _as_images(images)
    if isinstance(nrow, bool) or not isinstance(nrow, int) or nrow < 1:
        raise ValueError(f"nrow: expected a positive int, got {nrow!r}")
    grid = make_grid(images, nrow=nrow, padding=padding, pad_value=1.0)[0]  # (H', W'): channels are equal
    cols = min(nrow, len(images))
    rows = -(-len(images) // nrow)
    fig, ax = _axes(ax, (max(2.0, 0.6 * cols), max(1.2, 0.6 * rows + (0.3 if title else 0))))
    ax.imshow(grid.numpy(), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def show_row(images, captions: Sequence[str] | None = None, title: str | None = None, ax=None):
    """Show images in a single row, each with an optional caption (e.g. interpolation steps).

    images : tensor ``(N, 1, H, W)`` or ``(N, H, W)`` in ``[0, 1]``; captions : N strings or None.
    Returns the Figure.
    """
    images = _as_images(images)
    n = len(images)
    if captions is not None and len(captions) != n:
        raise ValueError(f"captions: expected {n} captions (one per image), got {len(captions)}")
    if ax is not None:
        # one axis given: draw the row as a single grid in it, captions as x tick labels
        fig = show_images(images, nrow=n, title=title, ax=ax)
        if captions is not None:
            w = images.shape[-1] + 2
            ax.set_axis_on()
            ax.set_xticks([2 + w * i + images.shape[-1] / 2 for i in range(n)], list(captions), fontsize=8)
            ax.set_yticks([])
            for side in ax.spines.values():
                side.set_visible(False)
        return fig
    fig, axes = plt.subplots(1, n, figsize=(1.1 * n, 1.5 if captions is not None else 1.3), squeeze=False)
    for i, a in enumerate(axes[0]):
        a.imshow(images[i, 0].numpy(), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        a.set_xticks([])
        a.set_yticks([])
        if captions is not None:
            a.set_xlabel(str(captions[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves(series: Mapping[str, Sequence[float]], title: str | None = None, xlabel: str = "step",
                ylabel: str | None = None, smooth: int = 1, logy: bool = False, ax=None):
    """Plot several named training curves on one set of axes.

    series : ``{"reconstruction": [...], "KL": [...]}``; each value a sequence (list, array or 1-D
        tensor) of finite numbers, one per step. Series may have different lengths.
    smooth : moving-average window (1 = raw values); the raw values are drawn faintly behind.
    Returns the Figure.
    """
    if not isinstance(series, Mapping) or not series:
        raise ValueError(f"series: expected a non-empty dict of name -> values, got {type(series).__name__}")
    if isinstance(smooth, bool) or not isinstance(smooth, int) or smooth < 1:
        raise ValueError(f"smooth: expected a positive int window, got {smooth!r}")
    fig, ax = _axes(ax, (6, 3.2))
    for i, (name, values) in enumerate(series.items()):
        y = np.asarray(torch.as_tensor(values, dtype=torch.float64).detach().cpu()).ravel()
        if y.size == 0:
            raise ValueError(f"series {name!r}: expected at least one value, got none")
        if not np.isfinite(y).all():
            raise ValueError(f"series {name!r}: contains NaN or infinite values (did training diverge?)")
        colour = f"C{i}"
        x = np.arange(1, y.size + 1)
        if smooth > 1 and y.size >= smooth:
            ax.plot(x, y, color=colour, alpha=0.25, linewidth=0.8)
            kernel = np.ones(smooth) / smooth
            ax.plot(x[smooth - 1:], np.convolve(y, kernel, mode="valid"), color=colour, label=str(name))
        else:
            ax.plot(x, y, color=colour, label=str(name))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def plot_latent(codes, labels, title: str | None = None, max_points: int = 5000, ax=None):
    """Scatter 2-D or 3-D codes, one colour per digit.

    codes : tensor ``(N, 2)`` or ``(N, 3)`` of finite floats; labels : int tensor ``(N,)`` of digits 0-9.
    max_points : draw at most this many (the first ones), to keep the figure light.
    Returns the Figure (a 3-D axis for 3-D codes; ``ax`` must then be a 3-D axis if given).
    """
    codes = torch.as_tensor(codes).detach().cpu()
    labels = torch.as_tensor(labels).detach().cpu()
    if codes.dim() != 2 or codes.shape[1] not in (2, 3):
        raise ValueError(f"codes: expected shape (N, 2) or (N, 3), got {tuple(codes.shape)}")
    if len(codes) == 0:
        raise ValueError("codes: expected at least one code, got an empty tensor")
    if not codes.is_floating_point() or not torch.isfinite(codes).all():
        raise ValueError(f"codes: expected finite floats, got dtype {codes.dtype} (or NaN/inf values)")
    if labels.shape != (len(codes),):
        raise ValueError(f"labels: expected shape ({len(codes)},) to match the codes, got {tuple(labels.shape)}")
    if labels.is_floating_point() or labels.min() < 0 or labels.max() > 9:
        raise ValueError("labels: expected integer digits 0-9")
    codes, labels = codes[:max_points].float().numpy(), labels[:max_points].numpy()
    three_d = codes.shape[1] == 3
    if ax is None:
        fig = plt.figure(figsize=(5.5, 4.5))
        ax = fig.add_subplot(projection="3d" if three_d else None)
    else:
        fig = ax.figure
        if three_d and getattr(ax, "name", "") != "3d":
            raise ValueError("3-D codes need a 3-D axis: create it with fig.add_subplot(projection='3d')")
    for digit in range(10):
        pts = codes[labels == digit]
        ax.scatter(*pts.T, s=3, alpha=0.6, color=DIGIT_COLOURS(digit), label=str(digit))
    ax.legend(title="digit", markerscale=4, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if three_d:
        ax.set_zlabel("$z_3$")
    if title:
        ax.set_title(title)
    return fig


def latent_grid(n: int = 15, limit: float = 3.0, quantiles: bool = False) -> torch.Tensor:
    """The ``n * n`` codes of a 2-D grid, row by row from the top-left, as a tensor ``(n*n, 2)``.

    Evenly spaced in ``[-limit, limit]``, or placed on standard-Normal quantiles (evenly spaced
    probabilities from 0.05 to 0.95) when ``quantiles=True``, so each cell covers equal prior mass.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n: expected an int >= 2, got {n!r}")
    if quantiles:
        axis = torch.distributions.Normal(0.0, 1.0).icdf(torch.linspace(0.05, 0.95, n))
    else:
        if not limit > 0:
            raise ValueError(f"limit: expected a positive number, got {limit!r}")
        axis = torch.linspace(-limit, limit, n)
    z2, z1 = torch.meshgrid(axis.flip(0), axis, indexing="ij")  # top row = largest z2
    return torch.stack([z1.reshape(-1), z2.reshape(-1)], dim=1)


def plot_manifold(decode: Callable[[torch.Tensor], torch.Tensor], n: int = 15, limit: float = 3.0,
                  quantiles: bool = False, title: str | None = None, ax=None):
    """Decode a regular grid of 2-D codes and tile the images: the learned 2-D manifold.

    decode : maps a float tensor ``(B, 2)`` to images ``(B, 1, H, W)`` in ``[0, 1]``.
    n : grid size per axis; limit : half-width of the grid; quantiles : use Normal quantiles
    instead (see :func:`latent_grid`). Returns the Figure; axis ticks show the code values.
    """
    if not callable(decode):
        raise ValueError(f"decode: expected a function (B, 2) -> (B, 1, H, W), got {type(decode).__name__}")
    codes = latent_grid(n, limit, quantiles)
    with torch.no_grad():
        images = decode(codes)
    images = _as_images(images, "decode(codes)")
    if len(images) != n * n:
        raise ValueError(f"decode(codes): expected {n * n} images for {n * n} codes, got {len(images)}")
    fig, ax = _axes(ax, (6, 6))
    show_images(images, nrow=n, ax=ax, padding=0)
    side = images.shape[-1]
    ticks = [side * i + side / 2 for i in range(n)]
    values = codes[:n, 0].tolist()
    step = max(1, n // 5)
    ax.set_axis_on()
    ax.set_xticks(ticks[::step], [f"{v:.1f}" for v in values[::step]])
    ax.set_yticks(ticks[::step], [f"{v:.1f}" for v in values[::-1][::step]])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title or ("decoded grid on Normal quantiles" if quantiles else "decoded grid of codes"))
    return fig
