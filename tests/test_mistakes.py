"""A learner's likely mistakes, one row each: what they typed, the words the error must contain, and that nothing
already saved in data/ changed. Each message names the real cause where the mistake was made and a remedy that
works (none advises a command that throws away the learner's work)."""

import hashlib
from pathlib import Path

import pytest
import torch
from torch import nn

import helpers
from helpers import env, metrics, plot
from tests.test_teaching_cells import cell

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def train_autoencoder():
    """Notebook 1's own training function, on 64 random images, with a tiny model."""
    namespace = {"torch": torch, "helpers": helpers, "device": "cpu", "train_images": torch.rand(64, 1, 28, 28),
                 "reconstruction_loss": lambda x_hat, x: ((x_hat - x) ** 2).mean(), "test_mse": lambda m: 0.0}
    exec(cell("01_autoencoder.ipynb", "train_autoencoder"), namespace)
    return namespace["train_autoencoder"]


class Tiny(nn.Module):
    def __init__(self, width=3):
        super().__init__()
        self.fc = nn.Linear(784, width)

    def forward(self, x):
        return x


class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)


def saved(tmp_path, model):
    return helpers.checkpoints.save_weights(model, tmp_path / "w.safetensors")


def missing_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv(env.DATA_DIR_ENV, str(tmp_path / "dta"))
    return helpers.weights_path("ae_fc")


CASES = [  # (id, what the learner does, exception, words the message must contain)
    ("epochs 0", lambda mp, tmp: train_autoencoder()(Tiny(), 0), ValueError, "nothing to train: 0 steps"),
    ("negative epochs", lambda mp, tmp: train_autoencoder()(Tiny(), -3), ValueError, "at least one epoch"),
    ("batch size 0", lambda mp, tmp: train_autoencoder()(Tiny(), 1, batch_size=0), ValueError,
     "batch_size must be a positive int"),
    ("batch bigger than the data", lambda mp, tmp: helpers.batches(torch.rand(10, 2), batch_size=64, drop_last=True),
     ValueError, "use a batch_size of at most the number of examples"),
    ("a number as generator", lambda mp, tmp: helpers.batches(torch.rand(10, 2), generator=0), TypeError,
     "expected a torch.Generator"),
    ("a 0-d tensor to batches", lambda mp, tmp: helpers.batches(torch.tensor(3.0)), ValueError, "0-d tensor"),
    ("a list of splits", lambda mp, tmp: helpers.load_mnist(["train"]), ValueError, "one split per call"),
    ("nrow=0", lambda mp, tmp: plot.show_images(torch.rand(4, 1, 28, 28), nrow=0), ValueError,
     "images per row"),
    ("pixels 0-255", lambda mp, tmp: plot.show_images(torch.rand(4, 1, 28, 28) * 255), ValueError,
     "divide by 255"),
    ("a list of images", lambda mp, tmp: plot.show_images([torch.rand(1, 28, 28)] * 3), TypeError,
     "torch.stack(images)"),
    ("a decoder given to evaluate", lambda mp, tmp: metrics.evaluate(nn.Linear(16, 784), name="vae"),
     RuntimeError, "a decoder takes codes instead, so wrap it"),
    ("the scores file as weights", lambda mp, tmp: helpers.load_weights(Tiny(), DATA / "weights" / "scores.json"),
     ValueError, "expected a .safetensors file"),
    ("another model's file", lambda mp, tmp: helpers.load_weights(Tiny(), saved(tmp, Other())), ValueError,
     "holds the weights of a Other, not of a Tiny"),
    ("an edited class", lambda mp, tmp: helpers.load_weights(Tiny(width=4), saved(tmp, Tiny())), ValueError,
     "train it here with USE_SHIPPED_WEIGHTS = False"),
    ("a deleted weight file", lambda mp, tmp: helpers.load_weights(Tiny(), tmp / "ae_fc.safetensors"),
     FileNotFoundError, f"only when started with {env.WRITE_WEIGHTS_ENV}=1"),
    ("GENMODELS_DATA_DIR misspelt", missing_data_dir, FileNotFoundError, "GENMODELS_DATA_DIR is set to"),
    ("a language the course lacks", lambda mp, tmp: helpers.setup("fr"), ValueError, "expected one of 'en', 'zh'"),
]


def fingerprint() -> dict[str, str]:
    return {str(p.relative_to(DATA)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(DATA.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data_before():
    return fingerprint()


@pytest.mark.parametrize("case, mistake, error, words", CASES, ids=[c[0] for c in CASES])
def test_a_mistake_gets_a_message_that_names_its_cause(case, mistake, error, words, monkeypatch, tmp_path,
                                                       data_before):
    with pytest.raises(error) as raised:
        mistake(monkeypatch, tmp_path)
    message = str(raised.value)
    assert words in message, message
    assert "git checkout -- notebooks" not in message and "translate build" not in message
    assert fingerprint() == data_before, "a mistake must not change anything saved in data/"


def test_an_encode_that_fails_in_the_digit_box_says_so_in_the_widget():
    from helpers.widgets import LatentExplorer

    def encode(x):
        if x.sum() > 0:
            raise RuntimeError("boom")
        return torch.zeros(len(x), 2)

    images = torch.zeros(6, 1, 28, 28)
    images[5] += 0.5
    explorer = LatentExplorer(lambda z: torch.sigmoid(z.sum(1)).view(-1, 1, 1, 1).expand(-1, 1, 28, 28),
                              2, encode=encode, images=images)
    explorer.index_box.value = 5                                   # what typing 5 into "digit #" does
    assert "encode failed on real digit #5" in explorer.status.value and "boom" in explorer.status.value


def code_statistics():
    """Notebook 1's code_statistics alone (its cell also trains the model, which this test does not need)."""
    import ast

    source = cell("01_autoencoder.ipynb", "code_statistics")
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "code_statistics")
    namespace = {"torch": torch}
    exec(ast.get_source_segment(source, node), namespace)
    return namespace["code_statistics"]


@pytest.mark.parametrize("code_size", [1, 1000])
def test_generate_works_for_a_code_of_any_size(code_size, monkeypatch):
    """A learner who sets CODE_SIZE = 1 (or 1000) gets samples, not a Cholesky error: notebook 1's statistics
    and its generate cell, on codes that fill only part of their space (as a 1000-number code does)."""
    torch.manual_seed(0)
    codes = torch.randn(5000, min(code_size, 128)) @ torch.randn(min(code_size, 128), code_size)  # rank <= 128
    decoder = nn.Sequential(nn.Linear(code_size, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
    monkeypatch.setattr(plot, "show_images", lambda images, **kwargs: images)
    namespace = {"torch": torch, "helpers": helpers, "plot": plot, "device": "cpu", "CODE_SIZE": code_size,
                 "fc_code_stats": code_statistics()(codes), "fc_model": type("M", (), {"decode": decoder})}
    exec(cell("01_autoencoder.ipynb", "generate"), namespace)
    assert namespace["generate"](4).shape == (4, 1, 28, 28)


def test_a_2d_game_with_batches_of_no_points_says_so():
    source = cell("02b_gan_game_2d.ipynb", "play").replace("BATCH_2D, LR_2D = 2, 256", "BATCH_2D, LR_2D = 2, 0")
    namespace = {"torch": torch, "nn": nn}
    exec(source, namespace)
    with pytest.raises(ValueError, match="BATCH_2D = 0: a round needs at least one real and one generated point"):
        namespace["play"](namespace["new_game"](), 1)
