"""Teaching cells behave the same when re-run, and a training cell stopped midway keeps a true history.

The cells are taken from the committed notebooks by the name they define and run here against small stand-ins.
"""

import contextlib
import io
import json
from pathlib import Path

import torch
from torch import nn

import helpers
from tools.run_notebook import defined_names

ROOT = Path(__file__).resolve().parent.parent


def cell(notebook: str, name: str) -> str:
    """The source of the one code cell of ``notebook`` that defines ``name``."""
    nb = json.loads((ROOT / "notebooks" / notebook).read_text())
    found = [c for c in nb["cells"] if c["cell_type"] == "code" and name in defined_names("".join(c["source"]))]
    assert len(found) == 1, f"{notebook}: {len(found)} code cells define {name!r}, expected one"
    return "".join(found[0]["source"])


class StopAfter(nn.Module):
    """A tiny model whose forward raises KeyboardInterrupt (the stop button) on call number ``k + 1``."""

    def __init__(self, k, out=lambda x: x):
        super().__init__()
        self.k, self.calls, self.out = k, 0, out
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        self.calls += 1
        if self.calls > self.k:
            raise KeyboardInterrupt
        return self.out(x + self.w)


def run_training_cell(notebook, name, call, **names):
    namespace = {"torch": torch, "helpers": helpers, "device": "cpu", "train_images": torch.rand(64, 1, 28, 28),
                 **names}
    exec(cell(notebook, name), namespace)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        history = call(namespace)  # no KeyboardInterrupt escapes
    return history, out.getvalue()


def test_an_autoencoder_training_stopped_in_its_first_epoch_keeps_the_steps_it_did():
    model = StopAfter(3)                                   # 64 images in batches of 8: stopped in epoch 1 of 5
    history, printed = run_training_cell(
        "01_autoencoder.ipynb", "train_autoencoder", lambda ns: ns["train_autoencoder"](model, 5, batch_size=8),
        reconstruction_loss=lambda x_hat, x: ((x_hat - x) ** 2).mean(), test_mse=lambda m: 0.0)
    assert len(history["step"]) == 3 and history["train"] == history["test"] == []
    assert "stopped after 3 of 40 steps" in printed


def test_an_interrupted_vae_training_keeps_the_steps_it_did():
    model = StopAfter(5, out=lambda x: (x, torch.zeros(len(x), 2), torch.zeros(len(x), 2)))  # (x_hat, mean, logvar)
    history, printed = run_training_cell(
        "02_vae.ipynb", "train_vae", lambda ns: ns["train_vae"](model, 5, "mse", batch_size=8),
        vae_loss=lambda x, x_hat, mean, logvar, kind, beta: ((x_hat - x) ** 2).mean().repeat(3))
    assert len(history["KL"]) == len(history["reconstruction"]) == 5 and "stopped after 5 of 40 steps" in printed


def test_an_interrupted_gan_training_keeps_the_steps_it_did():
    G = StopAfter(6, out=lambda z: torch.zeros(len(z), 1, 28, 28))  # the cell's own render() calls G too
    G.noise_dim = 8
    history, printed = run_training_cell(
        "03_gan.ipynb", "train_gan", lambda ns: ns["train_gan"](G, nn.Linear(1, 1), 10, batch_size=8, losses=(None, None)),
        real_data=torch.rand(64, 1, 28, 28), discriminator_step=lambda *a: (0.0, 0.5, 0.5),
        generator_step=lambda *a: 0.0, bce_d_loss=None, bce_g_loss=None, NOISE_DIM=8, to_image=lambda x: x)
    steps = len(history["loss_D"])
    assert 0 < steps < 10 and f"stopped after {steps} of 10 steps" in printed
    assert len(history["snapshots"]) == len(history["snapshot_steps"])


def test_the_reparameterisation_demo_shows_its_lesson_when_re_run():
    """Later cells reuse the names mean and logvar for plain tensors; the demo must not depend on them."""
    namespace = {"torch": torch, "mean": torch.zeros(2), "logvar": torch.zeros(2)}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(cell("02_vae.ipynb", "demo_mean"), namespace)
    lines = out.getvalue().splitlines()
    assert "requires_grad = False" in lines[0] and "requires_grad = True" in lines[1]
