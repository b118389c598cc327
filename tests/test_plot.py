"""The plotting helpers: they draw what they are given and reject what they cannot draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import helpers
from helpers import plot


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def digits(n=6):
    torch.manual_seed(0)
    return torch.rand(n, 1, 28, 28)


def test_show_images_draws_the_grid():
    images = digits(10)
    fig = plot.show_images(images, nrow=5, title="ten")
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (2 * 28 + 3 * 2, 5 * 28 + 6 * 2)  # make_grid: 2 rows x 5 columns, padding 2
    assert np.allclose(shown[2:30, 2:30], images[0, 0].numpy())
    assert fig.axes[0].get_title() == "ten"
    assert plot.show_images(images[:, 0]).axes  # (N, 28, 28) is accepted too


def test_show_images_into_a_given_axis():
    fig, (a, b) = plt.subplots(1, 2)
    assert plot.show_images(digits(), ax=b) is fig
    assert b.images and not a.images


@pytest.mark.parametrize(
    "bad, message",
    [
        (torch.rand(4, 3, 28, 28), r"shape \(N, 1, 28, 28\)"),
        (torch.rand(28, 28).flatten(), r"shape \(N, 1, 28, 28\)"),
        (torch.randint(0, 255, (4, 1, 28, 28), dtype=torch.uint8), "divide bytes 0-255 by 255"),
        (torch.rand(0, 1, 28, 28), "at least 1"),
        (torch.full((2, 1, 28, 28), float("nan")), "NaN"),
        (torch.rand(2, 1, 28, 28) * 2 - 1, r"\(x \+ 1\) / 2"),
        ([[0.5]], "VAE's encode returns"),
        (np.zeros((2, 1, 28, 28)), "torch.Tensor"),
    ],
)
def test_show_images_rejects_bad_input(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        plot.show_images(bad)


def test_show_row_with_captions():
    fig = plot.show_row(digits(4), captions=["a", "b", "c", "d"], title="row")
    assert len(fig.axes) == 4
    assert [ax.get_xlabel() for ax in fig.axes] == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="expected 4 captions"):
        plot.show_row(digits(4), captions=["a"])


def test_plot_curves_draws_each_series():
    fig = plot.plot_curves({"recon": [3, 2, 1], "KL": torch.tensor([0.1, 0.5, 0.7, 0.8])}, title="loss")
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    assert np.allclose(lines[0].get_ydata(), [3, 2, 1])
    assert np.allclose(lines[1].get_ydata(), [0.1, 0.5, 0.7, 0.8])
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["recon", "KL"]
    smoothed = plot.plot_curves({"d": list(range(10))}, smooth=3)
    assert len(smoothed.axes[0].get_lines()) == 2  # faint raw curve + moving average


@pytest.mark.parametrize(
    "series, kwargs, message",
    [
        ({}, {}, "non-empty dict"),
        ([1, 2], {}, "non-empty dict"),
        ({"a": []}, {}, "got none"),
        ({"a": [1.0, float("nan")]}, {}, "NaN"),
    ],
)
def test_plot_curves_rejects_bad_input(series, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot.plot_curves(series, **kwargs)


def test_plot_latent_draws_one_scatter_per_digit():
    labels = torch.arange(50) % 10
    fig = plot.plot_latent(torch.randn(50, 2), labels, title="codes")
    assert len(fig.axes[0].collections) == 10
    assert fig.axes[0].get_title() == "codes"


@pytest.mark.parametrize(
    "codes, labels, message",
    [
        (torch.randn(5, 4), torch.zeros(5, dtype=torch.long), r"shape \(N, 2\)"),
        (torch.randn(5, 2), torch.zeros(4, dtype=torch.long), "expected 5 integer digits"),
        (torch.randn(5, 2), torch.full((5,), 11), "digits 0-9"),
        (torch.full((5, 2), float("nan")), torch.zeros(5, dtype=torch.long), "finite"),
        (torch.randn(0, 2), torch.zeros(0, dtype=torch.long), r"shape \(N, 2\)"),
        ((torch.randn(5, 2), torch.randn(5, 2)), torch.zeros(5, dtype=torch.long), r"pass the mean"),
    ],
)
def test_plot_latent_rejects_bad_input(codes, labels, message):
    with pytest.raises(ValueError, match=message):
        plot.plot_latent(codes, labels)


def test_latent_grid_layout():
    grid = plot.latent_grid(3, limit=1.0)
    assert grid.shape == (9, 2)
    assert grid[0].tolist() == [-1.0, 1.0]  # top-left: smallest z1, largest z2
    assert grid[-1].tolist() == [1.0, -1.0]
    q = plot.latent_grid(5, quantiles=True)
    assert torch.allclose(q[:5, 0], torch.distributions.Normal(0, 1).icdf(torch.linspace(0.05, 0.95, 5)))


def test_plot_manifold_decodes_the_grid():
    seen = []

    def decode(z):
        seen.append(z.clone())
        return torch.sigmoid(z.sum(1)).view(-1, 1, 1, 1).expand(-1, 1, 28, 28)

    fig = plot.plot_manifold(decode, n=4, limit=2.0)
    assert seen[0].shape == (16, 2)
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == (4 * 28, 4 * 28)
    assert np.isclose(shown[0, 0], torch.sigmoid(torch.tensor(0.0)).item())  # top-left code (-2, 2)


def test_plot_manifold_rejects_bad_decoder():
    with pytest.raises(ValueError, match="expected 9 images"):
        plot.plot_manifold(lambda z: torch.rand(1, 1, 28, 28), n=3)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        plot.plot_manifold(lambda z: torch.full((len(z), 1, 28, 28), 5.0), n=3)
    with pytest.raises(ValueError, match="decode must take codes \\(B, 2\\)"):
        plot.plot_manifold("decoder")
    sixteen_d = torch.nn.Linear(16, 784)  # a 16-D decoder handed to a 2-D plot
    with pytest.raises(ValueError, match="mat1 and mat2.*decode must take codes \\(B, 2\\)"):
        plot.plot_manifold(lambda z: torch.sigmoid(sixteen_d(z)).view(-1, 1, 28, 28), n=3)


def test_setup_leaves_no_figure_text_under_the_smallest_size():
    with plt.rc_context():
        helpers.setup()
        fig, axes = plt.subplots(1, 2)
        axes[0].plot([0, 1], label="a curve")
        axes[0].legend()
        axes[0].set_title("title")
        plot.plot_latent(torch.randn(200, 2), torch.arange(200) % 10, ax=axes[1])
        row = plot.show_row(torch.rand(3, 1, 28, 28), captions=["one", "two", "three"])
        for figure in (fig, row):
            figure.canvas.draw()
            sizes = [t.get_fontsize() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]
            assert sizes and min(sizes) >= plot.SMALLEST, sorted(sizes)[:5]
        plt.close("all")
    assert plt.rcParams["font.size"] == matplotlib.rcParamsDefault["font.size"]  # rc_context restored it


def test_show_images_says_what_nrow_is():
    with pytest.raises(ValueError, match="nrow is the number of images per row"):
        plot.show_images(torch.rand(4, 1, 28, 28), nrow=0)
