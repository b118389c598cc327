"""Sample-quality scores for generated digits, always shown beside reference points.

A small convolutional MNIST classifier (:class:`MnistClassifier`, weights shipped in
``data/weights/mnist_classifier.safetensors``, retrained by ``make classifier``) serves as
the judge. Three numbers describe a set of generated images:

* ``fd``: the Frechet distance between Gaussians fitted to the classifier's 128-dimensional
  penultimate-layer features of the generated images and of the 10,000 MNIST test images
  (the recipe of the Frechet Inception Distance, with this small classifier in place of
  Inception). Lower is better; torchmetrics does the arithmetic.
* ``coverage_tv``: the total-variation distance between the histogram of predicted digits
  and the uniform histogram, from 0 (every digit equally often) to 0.9 (a single digit).
* ``confidence``: the classifier's mean top softmax probability. Sharp, legible digits
  score near 1.

A number alone says little, so every table also shows two reference rows computed in the
same run: 10,000 real training images (what a perfect generator would get) and the same
images Gaussian-blurred (sigma 1 pixel), a plainly imperfect set.

Public API: :func:`evaluate`, :func:`compare`, :func:`score`, :func:`reference_scores`,
:func:`classify`, :func:`embed`, :func:`recorded_scores`.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Callable, Mapping, Union

import torch
from torch import nn
from torch.nn import functional as F

from .data import batches, load_mnist
from .utils import atomic_path, data_dir, load_weights, pick_device, save_weights, seed_everything, weights_path, writes_weights

#: Stem of the classifier's weight file in ``data/weights/``.
CLASSIFIER_NAME = "mnist_classifier"
#: Size of the feature vector the Frechet distance is computed on.
NUM_FEATURES = 128
#: Number of samples a score uses unless told otherwise (the reference rows always use it).
DEFAULT_SAMPLES = 10_000
#: Standard deviation (in pixels) and kernel size of the blur in the blurred-real reference row.
BLUR_SIGMA = 1.0
BLUR_KERNEL = 7
#: Row names of the two reference points.
REAL_ROW = "real (train vs test)"
BLURRED_ROW = f"blurred real (sigma {BLUR_SIGMA:g} px)"

_CHUNK = 1000  # images per forward pass when featurising

Generator = Union[Callable[[int], torch.Tensor], torch.Tensor]


class MnistClassifier(nn.Module):
    """A small convolutional digit classifier: the judge behind the sample-quality scores.

    Three strided 3x3/5x5 convolutions (no pooling, so featurising is cheap on a CPU), then a
    128-unit fully connected layer whose activations are the features, then the 10 logits.

    Input: float tensor ``(B, 1, 28, 28)`` with values in ``[0, 1]`` (white ink on black).
    ``forward`` returns logits ``(B, 10)``; ``embed`` returns features ``(B, 128)``, >= 0.
    """

    num_features = NUM_FEATURES

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 5, stride=2, padding=2),   # (B,1,28,28) -> (B,16,14,14)
            nn.BatchNorm2d(16), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1),  # -> (B,32,7,7)
            nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1),  # -> (B,64,4,4)
            nn.BatchNorm2d(64), nn.ReLU(),
            nn.Flatten(),                               # -> (B,1024)
            nn.Linear(64 * 4 * 4, NUM_FEATURES), nn.ReLU(),  # -> (B,128): the features
        )
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(NUM_FEATURES, 10)         # -> (B,10) logits

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate-layer features: ``(B, 1, 28, 28)`` in [0, 1] -> ``(B, 128)``."""
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits: ``(B, 1, 28, 28)`` in [0, 1] -> ``(B, 10)``."""
        return self.head(self.dropout(self.embed(x)))


class _Features(nn.Module):
    """Feature extractor handed to torchmetrics: images on any device -> CPU float32 features.

    ``num_features`` tells torchmetrics the feature size, so it does not probe the module
    with a dummy image.
    """

    num_features = NUM_FEATURES

    def __init__(self, classifier: MnistClassifier, device: torch.device) -> None:
        super().__init__()
        self.classifier = classifier
        self.device = device
        self.kept: list[torch.Tensor] | None = None  # when a list, every output is appended to it

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        features = self.classifier.embed(images.to(self.device)).float().cpu()
        if self.kept is not None:
            self.kept.append(features)
        return features


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------

def _check_images(images, what: str = "images") -> torch.Tensor:
    """Validate a batch of images; return it as a CPU float32 tensor ``(N, 1, 28, 28)``."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{what}: expected a torch.Tensor of shape (N, 1, 28, 28), got {type(images).__name__}")
    if images.dtype == torch.uint8:
        raise ValueError(f"{what}: expected floats in [0, 1], got uint8 (0-255); divide by 255 first")
    if not images.is_floating_point():
        raise ValueError(f"{what}: expected a float tensor with values in [0, 1], got dtype {images.dtype}")
    if images.dim() == 3 and tuple(images.shape[1:]) == (28, 28):
        images = images.unsqueeze(1)
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(
            f"{what}: expected shape (N, 1, 28, 28) or (N, 28, 28), got {tuple(images.shape)}; "
            f"reshape with images.view(-1, 1, 28, 28)"
        )
    if images.shape[0] < 2:
        raise ValueError(f"{what}: expected at least 2 images (a covariance needs two), got {images.shape[0]}")
    images = images.detach().to("cpu", torch.float32)
    if not torch.isfinite(images).all():
        bad = int((~torch.isfinite(images)).sum())
        raise ValueError(f"{what}: expected finite values in [0, 1], got {bad} NaN or infinite values")
    low, high = float(images.min()), float(images.max())
    if low < -1e-4 or high > 1 + 1e-4:
        raise ValueError(
            f"{what}: expected values in [0, 1], got min {low:.3g} and max {high:.3g}; a generator ending "
            f"in tanh gives [-1, 1]: map it with (x + 1) / 2"
        )
    return images.clamp(0.0, 1.0)


def _check_count(n, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"{what}: expected an int >= 2 (number of samples), got {n!r}")
    return n


def _draw(generate: Generator, n: int, name: str) -> torch.Tensor:
    """Images from a generator callable (``generate(n)``) or a tensor given directly."""
    if isinstance(generate, torch.Tensor):
        return _check_images(generate, f"images for {name!r}")
    if not callable(generate):
        raise TypeError(
            f"{name!r}: expected generate(n) -> images or a tensor of images, got {type(generate).__name__}"
        )
    _check_count(n)
    with torch.no_grad():
        images = generate(n)
    images = _check_images(images, f"generate({n}) for {name!r}")
    if images.shape[0] != n:
        raise ValueError(f"generate({n}) for {name!r}: expected {n} images, got {images.shape[0]}")
    return images


# --------------------------------------------------------------------------------------
# Classifier: weights, training, predictions
# --------------------------------------------------------------------------------------

def classifier_path() -> Path:
    """Where the classifier's weights live: ``data/weights/mnist_classifier.safetensors``."""
    return weights_path(CLASSIFIER_NAME)


@lru_cache(maxsize=2)
def _load_classifier(path: str, device: str) -> MnistClassifier:
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"the metric's MNIST classifier weights are missing: expected {path}. Train them with "
            f"`make classifier` (python -m helpers.metrics --train, a few minutes on a CPU) or restore "
            f"the shipped file with `git checkout -- data/weights/{CLASSIFIER_NAME}.safetensors`."
        )
    model = load_weights(MnistClassifier(), path, device=device)
    return model.to(device).eval()


def load_classifier() -> MnistClassifier:
    """The trained classifier (cached), in eval mode, on :func:`helpers.pick_device`'s device.

    Raises ``FileNotFoundError`` telling to run ``make classifier`` when the weights are missing.
    """
    return _load_classifier(str(classifier_path()), str(pick_device()))


def _run(images: torch.Tensor, fn: Callable[[MnistClassifier, torch.Tensor], torch.Tensor]) -> torch.Tensor:
    model = load_classifier()
    device = next(model.parameters()).device
    out = []
    with torch.inference_mode():
        for start in range(0, images.shape[0], _CHUNK):
            out.append(fn(model, images[start:start + _CHUNK].to(device)).float().cpu())
    return torch.cat(out)


def classify(images: torch.Tensor) -> torch.Tensor:
    """Predicted digits: images ``(N, 1, 28, 28)`` (or ``(N, 28, 28)``) in [0, 1] -> int64 ``(N,)`` in 0..9."""
    images = _check_images(images)
    return _run(images, lambda m, x: m(x)).argmax(dim=1)


def embed(images: torch.Tensor) -> torch.Tensor:
    """Classifier features: images ``(N, 1, 28, 28)`` in [0, 1] -> float32 ``(N, 128)``, values >= 0."""
    images = _check_images(images)
    return _run(images, lambda m, x: m.embed(x))


def train_classifier(epochs: int = 4, seed: int = 0, batch_size: int = 128) -> tuple[MnistClassifier, float]:
    """Train :class:`MnistClassifier` on the 60,000 training images; return it and its test accuracy.

    Adam with a one-cycle learning-rate schedule (peak 3e-3), cross-entropy loss, light
    random shifts (up to 2 pixels) as augmentation. About a minute per epoch on two CPU cores.
    """
    from tqdm.auto import tqdm

    seed_everything(seed)
    device = pick_device()
    x_train, y_train = load_mnist("train")
    x_test, y_test = load_mnist("test")
    model = MnistClassifier().to(device)
    steps = epochs * math.ceil(len(x_train) / batch_size)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    g = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(epochs):
        model.train()
        bar = tqdm(batches(x_train, y_train, batch_size=batch_size, generator=g),
                   total=math.ceil(len(x_train) / batch_size), desc=f"epoch {epoch + 1}/{epochs}")
        total, count = 0.0, 0
        for x, y in bar:
            # random shift of up to 2 px in each direction: pad, then crop at a random offset
            dx, dy = torch.randint(0, 5, (2,), generator=g).tolist()
            x = F.pad(x, (2, 2, 2, 2))[:, :, dy:dy + 28, dx:dx + 28]
            loss = F.cross_entropy(model(x.to(device)), y.to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(x)
            count += len(x)
            bar.set_postfix(loss=f"{total / count:.4f}")
        history.append(total / count)
    model.eval()
    with torch.inference_mode():
        pred = torch.cat([model(x_test[i:i + _CHUNK].to(device)).argmax(1).cpu()
                          for i in range(0, len(x_test), _CHUNK)])
    accuracy = (pred == y_test).float().mean().item()
    model.history = history  # per-epoch mean training loss, saved in the file's metadata
    return model.cpu(), accuracy


# --------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------

def _new_fd_metric():
    from torchmetrics.image.fid import FrechetInceptionDistance

    model = load_classifier()
    features = _Features(model, next(model.parameters()).device)
    # reset_real_features=False: reset() clears the generated side only, the test-set side stays
    return FrechetInceptionDistance(feature=features, reset_real_features=False, normalize=True)


def _update(metric, images: torch.Tensor, real: bool) -> None:
    for start in range(0, images.shape[0], _CHUNK):
        metric.update(images[start:start + _CHUNK], real=real)


@lru_cache(maxsize=2)
def _test_set_metric(path: str, device: str):
    """A torchmetrics FID object already holding the MNIST test set's feature statistics."""
    metric = _new_fd_metric()
    _update(metric, load_mnist("test")[0], real=True)
    return metric


def _frechet(images: torch.Tensor, reference: torch.Tensor | None = None) -> tuple[float, torch.Tensor]:
    """Frechet distance of checked ``images`` to ``reference`` (None: the test set) and their features."""
    if reference is None:
        metric = _test_set_metric(str(classifier_path()), str(pick_device()))
        metric.reset()  # forgets the previous generated set, keeps the test set
    else:
        metric = _new_fd_metric()
        _update(metric, reference, real=True)
    metric.inception.kept = kept = []  # keep the features, so the class scores need no second pass
    try:
        _update(metric, images, real=False)
    finally:
        metric.inception.kept = None
    value = float(metric.compute())
    metric.reset()
    return max(value, 0.0), torch.cat(kept)


def frechet_distance(images: torch.Tensor, reference: torch.Tensor | None = None) -> float:
    """Frechet distance between two image sets in the classifier's feature space.

    ``images`` and ``reference``: ``(N, 1, 28, 28)`` in [0, 1], N >= 2 (the sizes may differ).
    ``reference=None`` means the 10,000 MNIST test images, whose statistics are cached.
    Returns a float >= 0 (up to rounding); 0 for identical sets.
    """
    images = _check_images(images)
    if reference is not None:
        reference = _check_images(reference, "reference")
    return _frechet(images, reference)[0]


def score(images: torch.Tensor) -> dict:
    """All scores of one image set, without display or recording.

    ``images``: ``(N, 1, 28, 28)`` (or ``(N, 28, 28)``) floats in [0, 1], N >= 2.
    Returns ``{"samples": N, "fd": float >= 0, "coverage_tv": float in [0, 0.9],
    "confidence": float in [0.1, 1], "histogram": list of 10 ints (count of each predicted digit)}``.
    """
    images = _check_images(images)
    fd, features = _frechet(images)
    model = load_classifier()
    with torch.inference_mode():
        probs = F.softmax(model.head(features.to(next(model.parameters()).device)), dim=1).cpu()
    top, digit = probs.max(dim=1)
    hist = torch.bincount(digit, minlength=10)
    share = hist.double() / hist.sum()
    return {
        "samples": int(images.shape[0]),
        "fd": fd,
        "coverage_tv": float(0.5 * (share - 0.1).abs().sum()),
        "confidence": float(top.mean()),
        "histogram": [int(c) for c in hist],
    }


def _reference_images() -> tuple[torch.Tensor, torch.Tensor]:
    from torchvision.transforms.functional import gaussian_blur

    x_train = load_mnist("train")[0]
    pick = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(0))[:DEFAULT_SAMPLES]
    real = x_train[pick]
    blurred = gaussian_blur(real, kernel_size=[BLUR_KERNEL, BLUR_KERNEL], sigma=[BLUR_SIGMA, BLUR_SIGMA])
    return real, blurred


@lru_cache(maxsize=2)
def _reference_scores(path: str, device: str) -> tuple[tuple[str, dict], ...]:
    real, blurred = _reference_images()
    return ((REAL_ROW, score(real)), (BLURRED_ROW, score(blurred)))


def reference_scores() -> dict[str, dict]:
    """Scores of the two reference sets (cached per process), keyed by row name.

    ``REAL_ROW``: 10,000 training images (a fixed random pick) against the test set, the score
    of a perfect generator. ``BLURRED_ROW``: the same images blurred with a Gaussian of sigma
    ``BLUR_SIGMA`` pixels (``torchvision.transforms.functional.gaussian_blur``, 7x7 kernel).
    Each value is a dict as returned by :func:`score`.
    """
    rows = _reference_scores(str(classifier_path()), str(pick_device()))
    return {name: dict(values, histogram=list(values["histogram"])) for name, values in rows}


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------

_BARS = " ▁▂▃▄▅▆▇█"


def _sparkline(histogram) -> str:
    top = max(max(histogram), 1)
    return "".join(_BARS[round(8 * c / top)] for c in histogram)


class ScoreTable:
    """A table of scores that shows as HTML in Jupyter and as text elsewhere.

    ``rows``: list of ``(name, scores dict, is_reference)``.
    """

    _COLUMNS = ("samples", "Frechet distance ↓", "coverage TV ↓", "confidence ↑", "digits 0-9")
    _NOTE = (
        "Frechet distance: between the classifier's 128-dim features of these images and of the "
        "10,000 MNIST test images (lower is better). Coverage TV: total-variation distance of the "
        "predicted-digit histogram from uniform (0 = every digit equally often, 0.9 = one digit). "
        "Confidence: mean top softmax probability of the classifier. Reference rows in italics."
    )

    def __init__(self, rows: list[tuple[str, dict, bool]]) -> None:
        self.rows = rows

    @staticmethod
    def _cells(s: dict) -> list[str]:
        return [f"{s['samples']:,}", f"{s['fd']:.2f}", f"{s['coverage_tv']:.3f}",
                f"{s['confidence']:.3f}", _sparkline(s["histogram"])]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(c)}</th>" for c in ("", *self._COLUMNS))
        body = []
        for name, s, ref in self.rows:
            label = f"<i>{escape(name)}</i>" if ref else f"<b>{escape(name)}</b>"
            hist = escape(" ".join(str(c) for c in s["histogram"]))
            cells = [f"<td style='text-align:right'>{escape(c)}</td>" for c in self._cells(s)[:-1]]
            cells.append(f"<td title='{hist}' style='font-family:monospace'>{escape(self._cells(s)[-1])}</td>")
            body.append(f"<tr><td style='text-align:left'>{label}</td>{''.join(cells)}</tr>")
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
                f"<p style='font-size:smaller'>{escape(self._NOTE)}</p>")

    def __str__(self) -> str:
        lines = [("", *self._COLUMNS)] + [(name + (" (ref)" if ref else ""), *self._cells(s))
                                          for name, s, ref in self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
        text = ["  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
                for line in lines]
        return "\n".join(text + [self._NOTE])

    __repr__ = __str__


def _show(table: ScoreTable) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(table)
    else:
        print(table)


def table(scores: Mapping[str, dict]) -> ScoreTable:
    """A :class:`ScoreTable` of ``{name: scores}`` followed by the two reference rows."""
    rows = [(name, s, False) for name, s in scores.items()]
    rows += [(name, s, True) for name, s in reference_scores().items()]
    return ScoreTable(rows)


# --------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------

def scores_path() -> Path:
    """Where full runs record their scores: ``data/weights/scores.json``."""
    return data_dir() / "weights" / "scores.json"


def recorded_scores() -> dict[str, dict]:
    """The scores recorded by full runs, ``{name: scores dict}`` ({} when none yet)."""
    path = scores_path()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path} is not readable JSON ({err}); restore it with `git checkout -- {path}`") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object {{name: scores}}, got {type(data).__name__}")
    return data


def record_scores(name: str, scores: dict) -> Path:
    """Merge ``{name: scores}`` into :func:`scores_path` (other names kept), written atomically."""
    path = scores_path()
    data = recorded_scores()
    data[name] = scores
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# The two calls the notebooks make
# --------------------------------------------------------------------------------------

def _check_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name: expected a non-empty string such as 'vae', got {name!r}")
    return name


def evaluate(generate: Generator, name: str, n: int = DEFAULT_SAMPLES) -> dict:
    """Score ``n`` generated images, show them in a table beside the reference rows, return the scores.

    ``generate``: a callable ``generate(n) -> (n, 1, 28, 28)`` float tensor in [0, 1] (called
    under ``torch.no_grad()``), or a tensor of images directly (then ``n`` is ignored).
    ``name``: the model's row name (and its key in ``data/weights/scores.json``).
    Returns ``{"name", "samples", "fd", "coverage_tv", "confidence", "histogram"}`` (see
    :func:`score`). When :func:`helpers.writes_weights` is on, the scores are also recorded.
    """
    name = _check_name(name)
    images = _draw(generate, n, name)
    scores = {"name": name, **score(images)}
    _show(table({name: scores}))
    if writes_weights():
        record_scores(name, {k: v for k, v in scores.items() if k != "name"})
    return scores


def compare(models: Mapping[str, Generator], n: int = DEFAULT_SAMPLES) -> dict[str, dict]:
    """One table for several models plus the reference rows; returns ``{name: scores}``.

    ``models``: ``{name: generate}`` where each ``generate`` is as in :func:`evaluate`.
    """
    if not isinstance(models, Mapping) or not models:
        raise ValueError(f"models: expected a non-empty dict {{name: generate}}, got {models!r}")
    results = {}
    for name, generate in models.items():
        name = _check_name(name)
        results[name] = {"name": name, **score(_draw(generate, n, name))}
    _show(table(results))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.metrics",
        description="Train the metric's MNIST classifier (--train) or print the reference scores.",
    )
    parser.add_argument("--train", action="store_true", help="train and save data/weights/mnist_classifier.safetensors")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.train:
        start = time.perf_counter()
        model, accuracy = train_classifier(epochs=args.epochs, seed=args.seed)
        seconds = time.perf_counter() - start
        path = save_weights(model, classifier_path(), metadata={
            "test_accuracy": f"{accuracy:.4f}", "epochs": str(args.epochs), "seed": str(args.seed),
            "history": json.dumps({"train_loss": model.history}),
        })
        print(f"test accuracy {accuracy:.2%} after {args.epochs} epochs ({seconds:.0f} s); saved {path}")
        _load_classifier.cache_clear()
        _test_set_metric.cache_clear()
        _reference_scores.cache_clear()
    start = time.perf_counter()
    print(table({}))
    print(f"(reference scores computed in {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
