"""The plots the notebooks draw again and again; each returns its matplotlib Figure.

Images go through :func:`helpers.images.check_images`, so a wrong shape or range gets the same message
everywhere. Pass ``ax=`` to draw into an existing subplot (the Figure returned is then ``ax.figure``).
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from torchvision.utils import make_grid

from .images import check_images

__all__ = ["REAL_COLOUR", "SMALLEST", "plot_curves", "plot_game", "plot_latent", "plot_manifold", "show_images",
           "show_row"]  # what the notebooks call; the rest serves these

# Text sizes in points for the notebooks' figures, chosen to stay readable on a classroom projector:
# matplotlib's defaults are 10 pt for nearly everything, and captions and legends here used to be 8 pt.
# Nothing in a figure is now smaller than 10 pt; titles 12 pt.
STYLE = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "xtick.labelsize": 10, "ytick.labelsize": 10,
         "legend.fontsize": 10, "legend.title_fontsize": 10, "figure.titlesize": 12}
SMALLEST = 10  # points: captions and legends
# plot_game's colours: the discriminator's probability of "real" from 0 pink (fake) through 0.5 white (undecided)
# to 1 green (real); real points dark green, generated points purple
GAME_CMAP, REAL_COLOUR, FAKE_COLOUR = "PiYG", "#1b5e20", "#6a1b9a"


def _axes(ax, figsize):
    return plt.subplots(figsize=figsize) if ax is None else (ax.figure, ax)


def show_images(images, nrow: int = 8, title: str | None = None, ax=None, padding: int = 2):
    """A batch of images ``(N, 1, 28, 28)`` in [0, 1] as one grid, ``nrow`` images per row."""
    if isinstance(nrow, bool) or not isinstance(nrow, int) or nrow < 1:
        raise ValueError(f"show_images: nrow is the number of images per row, a whole number >= 1; got {nrow!r}")
    images = check_images(images)
    grid = make_grid(images, nrow=nrow, padding=padding, pad_value=1.0)[0]  # (H', W'): the channels are equal
    rows = -(-len(images) // nrow)
    fig, ax = _axes(ax, (max(2.0, 0.6 * min(nrow, len(images))), max(1.2, 0.6 * rows + (0.3 if title else 0))))
    ax.imshow(grid.numpy(), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig


def show_row(images, captions: Sequence[str] | None = None, title: str | None = None):
    """Images ``(N, 1, 28, 28)`` in [0, 1] side by side, each with an optional caption (N strings)."""
    images = check_images(images)
    n = len(images)
    if captions is not None and len(captions) != n:
        raise ValueError(f"captions: expected {n} captions (one per image), got {len(captions)}")
    longest = max((len(line) for c in captions or [] for line in str(c).split("\n")), default=0)
    width = max(1.1, 0.09 * longest)  # inches per image: room for its caption, so neighbours do not overlap
    fig, axes = plt.subplots(1, n, figsize=(width * n, 1.5 if captions is not None else 1.3), squeeze=False)
    for i, a in enumerate(axes[0]):
        a.imshow(images[i, 0].numpy(), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        a.set_xticks([])
        a.set_yticks([])
        if captions is not None:
            a.set_xlabel(str(captions[i]), fontsize=SMALLEST)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves(series: Mapping[str, Sequence[float]], title: str | None = None, xlabel: str = "step",
                ylabel: str | None = None, smooth: int = 1, logy: bool = False, ax=None):
    """Named curves on one set of axes, ``{"reconstruction": [...], "KL": [...]}`` (finite numbers, one per step);
    ``smooth``: a moving-average window (1 = raw values), the raw values drawn faintly behind."""
    if not isinstance(series, Mapping) or not series:
        raise ValueError(f"series: expected a non-empty dict of name -> values, got {type(series).__name__}")
    fig, ax = _axes(ax, (6, 3.2))
    for i, (name, values) in enumerate(series.items()):
        y = np.asarray(torch.as_tensor(values, dtype=torch.float64).cpu()).ravel()
        if y.size == 0 or not np.isfinite(y).all():
            raise ValueError(f"series {name!r}: expected finite values, got {'none' if y.size == 0 else 'NaN or inf'} "
                             f"(did training diverge?)")
        x = np.arange(1, y.size + 1)
        if 1 < smooth <= y.size:
            ax.plot(x, y, color=f"C{i}", alpha=0.25, linewidth=0.8)
            ax.plot(x[smooth - 1:], np.convolve(y, np.ones(smooth) / smooth, mode="valid"), color=f"C{i}", label=str(name))
        else:
            ax.plot(x, y, color=f"C{i}", label=str(name))
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel or "", title=title or "")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def plot_latent(codes, labels, title: str | None = None, max_points: int = 5000, ax=None):
    """2-D codes ``(N, 2)`` as a scatter (the first ``max_points``), one colour per digit (labels: ``(N,)`` ints 0-9)."""
    if isinstance(codes, (tuple, list)):
        raise ValueError(f"codes: expected one tensor (N, 2), got a {type(codes).__name__}; a VAE's encode returns "
                         f"(mean, logvar): pass the mean, e.g. vae.encode(x)[0]")
    codes, labels = torch.as_tensor(codes).detach().cpu(), torch.as_tensor(labels).detach().cpu()
    if codes.dim() != 2 or codes.shape[1] != 2 or len(codes) == 0:
        raise ValueError(f"codes: expected shape (N, 2), got {tuple(codes.shape)}; plot_latent draws 2-D codes "
                         f"only (project longer codes first, e.g. onto their first two principal components)")
    if not codes.is_floating_point() or not torch.isfinite(codes).all():
        raise ValueError(f"codes: expected finite floats, got dtype {codes.dtype} (or NaN/inf values)")
    if labels.shape != (len(codes),) or labels.is_floating_point() or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"labels: expected {len(codes)} integer digits 0-9 matching the codes, got {tuple(labels.shape)}")
    codes, labels = codes[:max_points].float().numpy(), labels[:max_points].numpy()
    fig, ax = _axes(ax, (5.5, 4.5))
    for digit in range(10):
        ax.scatter(*codes[labels == digit].T, s=3, alpha=0.6, color=plt.get_cmap("tab10")(digit), label=str(digit))
    ax.legend(title="digit", markerscale=4, fontsize=SMALLEST, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set(xlabel="$z_1$", ylabel="$z_2$", title=title or "")
    return fig


def latent_grid(n: int = 15, limit: float = 3.0, quantiles: bool = False) -> torch.Tensor:
    """The ``n * n`` codes ``(n*n, 2)`` of a 2-D grid, row by row from the top left.

    Evenly spaced in [-limit, limit], or with ``quantiles=True`` at standard-normal quantiles (evenly
    spaced probabilities 0.05 ... 0.95), so that each cell holds the same prior mass.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2 or not limit > 0:
        raise ValueError(f"expected an int n >= 2 and a positive limit, got n={n!r}, limit={limit!r}")
    axis = (torch.distributions.Normal(0.0, 1.0).icdf(torch.linspace(0.05, 0.95, n)) if quantiles
            else torch.linspace(-limit, limit, n))
    z2, z1 = torch.meshgrid(axis.flip(0), axis, indexing="ij")  # top row = largest z2
    return torch.stack([z1.reshape(-1), z2.reshape(-1)], dim=1)


def plot_manifold(decode: Callable[[torch.Tensor], torch.Tensor], n: int = 15, limit: float = 3.0,
                  quantiles: bool = False, title: str | None = None, ax=None):
    """Decode a grid of 2-D codes (:func:`latent_grid`) and tile the images: the learned 2-D manifold.

    ``decode`` maps codes ``(B, 2)`` to images ``(B, 1, 28, 28)`` in [0, 1]; the ticks show the code values.
    """
    codes = latent_grid(n, limit, quantiles)
    try:
        with torch.no_grad():
            images = decode(codes)
    except Exception as err:
        raise ValueError(f"decode failed on a grid of 2-D codes, shape {tuple(codes.shape)} ({type(err).__name__}: "
                         f"{err}); plot_manifold draws a 2-D code space, so decode must take codes (B, 2)") from err
    images = check_images(images, "decode(codes)")
    if len(images) != n * n:
        raise ValueError(f"decode(codes): expected {n * n} images for {n * n} codes, got {len(images)}")
    fig, ax = _axes(ax, (6, 6))
    show_images(images, nrow=n, ax=ax, padding=0)
    ticks, values, step = [28 * i + 14 for i in range(n)], codes[:n, 0].tolist(), max(1, n // 5)
    ax.set_axis_on()
    ax.set_xticks(ticks[::step], [f"{v:.1f}" for v in values[::step]])
    ax.set_yticks(ticks[::step], [f"{v:.1f}" for v in values[::-1][::step]])
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    ax.set_title(title or ("decoded grid on Normal quantiles" if quantiles else "decoded grid of codes"))
    return fig


def plot_game(state: Mapping, ax=None, title: str | None = None, n_arrows: int = 64):
    """One moment of a GAN on 2-D points: D's verdict as the background, real and generated points, and arrows
    showing where the generator's loss pushes each generated point.

    ``state``: ``{"real": (N, 2), "fake": (M, 2), "limit": L, "prob": (H, W) D's probability of "real" on an
    even grid over [-L, L] x [-L, L] (row 0 at the bottom) or None, "push": (M, 2) or None}``; the arrows are drawn for
    the first ``n_arrows`` generated points, scaled together so that the longest is a tenth of the square.
    """
    missing = {"real", "fake", "limit"} - set(state)
    if missing:
        raise ValueError(f"state: missing {sorted(missing)}; expected the keys real, fake, limit, prob and push")
    real, fake = (torch.as_tensor(state[k]).detach().float().cpu() for k in ("real", "fake"))
    prob, push, limit = state.get("prob"), state.get("push"), float(state["limit"])
    for name, points in (("real", real), ("fake", fake)):
        if points.dim() != 2 or points.shape[1] != 2:
            raise ValueError(f"state[{name!r}]: expected points (N, 2), got shape {tuple(points.shape)}")
    fig, ax = _axes(ax, (4.4, 4.4))
    if prob is not None:
        prob = torch.as_tensor(prob).detach().float().cpu()
        if prob.dim() != 2:
            raise ValueError(f"state['prob']: expected a grid (H, W) of probabilities, got shape {tuple(prob.shape)}")
        ax.imshow(prob.numpy(), extent=(-limit, limit, -limit, limit), origin="lower", cmap=GAME_CMAP, vmin=0,
                  vmax=1, interpolation="bilinear")
    ax.scatter(*real.numpy().T, s=5, color=REAL_COLOUR, label="real", linewidths=0)
    ax.scatter(*fake.numpy().T, s=5, color=FAKE_COLOUR, label="generated", linewidths=0)
    if push is not None:
        push = torch.as_tensor(push).detach().float().cpu()[:n_arrows]
        length = push.norm(dim=1).max().clamp_min(1e-12)
        arrows = push / length * (0.2 * limit)  # the longest arrow: a tenth of the square's side
        ax.quiver(*fake[:len(arrows)].numpy().T, *arrows.numpy().T, angles="xy", scale_units="xy", scale=1,
                  color="black", width=0.005, headwidth=4)
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal", xticks=[], yticks=[], title=title or "")
    return fig
