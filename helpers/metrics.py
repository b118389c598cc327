"""Sample-quality scores for generated digits, always shown beside two reference rows.

A small convolutional MNIST classifier (:class:`MnistClassifier`; weights shipped in
``data/weights/mnist_classifier.safetensors``, trained by ``tools/train_classifier.py``) is the judge:

* ``fd``: Frechet distance between Gaussians fitted to the classifier's 128 penultimate-layer
  features of the images and of the 10,000 MNIST test images (the recipe of the Frechet Inception
  Distance with this classifier in place of Inception; torchmetrics does the arithmetic). Lower is better.
* ``coverage_tv``: total-variation distance of the predicted-digit histogram from uniform,
  0 (every digit equally often) to 0.9 (one digit only).
* ``confidence``: the classifier's mean top softmax probability; sharp, legible digits score near 1.

Each table adds 10,000 real training images (what a perfect generator scores) and the same images
blurred (Gaussian, sigma 1 pixel), computed in the same run.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Callable, Mapping, Union

import torch
from torch import nn
from torch.nn import functional as F

from .data import load_mnist
from .i18n import tr
from .checkpoints import load_weights, weights_path, write_atomically
from .env import data_dir, is_quick, writes_weights
from .images import check_images
from .start import pick_device

__all__ = ["NO_DIGIT", "classify", "compare", "digit_counts", "evaluate", "score"]  # what the notebooks call

CLASSIFIER_NAME = "mnist_classifier"  # data/weights/<this>.safetensors
DEFAULT_SAMPLES = 10_000              # images per score unless told otherwise; the reference rows use it
QUICK_SAMPLES = 1_000                 # ... in quick mode (the tests), where the numbers only have to be computed
BLUR_SIGMA = 1.0                      # pixels, for the blurred reference row (7x7 kernel)
REAL_ROW = "real (train vs test)"
BLURRED_ROW = f"blurred real (sigma {BLUR_SIGMA:g} px)"
_CHUNK = 1000                         # images per forward pass

_ImageSource = Union[Callable[[int], torch.Tensor], torch.Tensor]  # generate(n) -> images, or the images


class MnistClassifier(nn.Module):
    """Digit classifier: images ``(B, 1, 28, 28)`` in [0, 1] -> ``body``: features ``(B, 128)`` -> logits ``(B, 10)``."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 16, 5, stride=2, padding=2), nn.BatchNorm2d(16), nn.ReLU(),   # -> (B, 16, 14, 14)
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.BatchNorm2d(32), nn.ReLU(),  # -> (B, 32, 7, 7)
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),  # -> (B, 64, 4, 4)
            nn.Flatten(), nn.Linear(64 * 4 * 4, 128), nn.ReLU(),                       # -> (B, 128) features
        )
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.body(x)))


class _Features(nn.Module):
    """What torchmetrics calls on each batch: images -> CPU features, also kept in ``kept`` when it is a list."""

    num_features = 128  # read by torchmetrics, so it does not probe the model with a dummy image

    def __init__(self, classifier: MnistClassifier) -> None:
        super().__init__()
        self.classifier, self.kept = classifier, None

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        features = self.classifier.body(images.to(next(self.classifier.parameters()).device)).float().cpu()
        if self.kept is not None:
            self.kept.append(features)
        return features


@lru_cache(maxsize=1)
def load_classifier() -> MnistClassifier:
    """The trained classifier (loaded once), in eval mode, on :func:`helpers.pick_device`'s device."""
    path = weights_path(CLASSIFIER_NAME)
    if not path.is_file():
        raise FileNotFoundError(f"the metric's MNIST classifier weights are missing: expected {path}. Restore them "
                                f"with `git checkout -- data/weights/{CLASSIFIER_NAME}.safetensors` or train them "
                                f"with `python -m tools.train_classifier` (about a minute on a laptop CPU).")
    return load_weights(MnistClassifier(), path).to(pick_device()).eval()


def _features(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The classifier's features ``(N, 128)`` and predicted digits ``(N,)`` of ``images``, on the CPU."""
    model = load_classifier()
    device = next(model.parameters()).device
    features, digits = [], []
    with torch.inference_mode():
        for i in range(0, len(images), _CHUNK):
            f = model.body(images[i:i + _CHUNK].to(device))
            features.append(f.cpu())
            digits.append(model.head(f).argmax(1).cpu())
    return torch.cat(features), torch.cat(digits)


def classify(images: torch.Tensor) -> torch.Tensor:
    """Predicted digits: images ``(N, 1, 28, 28)`` in [0, 1] -> int64 ``(N,)`` in 0..9."""
    return _features(check_images(images))[1]


#: The last of :func:`digit_counts`' eleven bins: images that are no digit.
NO_DIGIT = 10


@lru_cache(maxsize=1)
def _digit_centres() -> tuple[torch.Tensor, torch.Tensor]:
    """For each digit, the centre of the test images the classifier reads as it (their mean 128-dim feature), and
    the distance from that centre that 99 in 100 of them stay within: ``(10, 128)`` and ``(10,)``, on the CPU."""
    features, digits = _features(load_mnist("test")[0])
    centres = torch.stack([features[digits == k].mean(0) for k in range(10)])
    distance = (features - centres[digits]).norm(dim=1)
    limits = torch.stack([torch.quantile(distance[digits == k], 0.99) for k in range(10)])
    return centres, limits


def digit_counts(images: torch.Tensor) -> torch.Tensor:
    """How many of ``images`` ``(N, 1, 28, 28)`` in [0, 1] the classifier reads as each digit, and how many as no
    digit at all: int64 ``(11,)``, the counts of 0 to 9 and last (index :data:`NO_DIGIT`) the "no digit" count.

    The classifier names a digit for any image, junk included, often with full confidence. An image counts as no
    digit when its features lie farther from the centre of the digit it was read as than 99 in 100 real test digits
    of that digit do (so about 1 % of real digits land there too)."""
    images = check_images(images)
    features, digits = _features(images)
    centres, limits = _digit_centres()
    far = (features - centres[digits]).norm(dim=1) > limits[digits]
    return torch.bincount(torch.where(far, NO_DIGIT, digits), minlength=11)


@lru_cache(maxsize=1)
def _test_set_metric():
    """A torchmetrics FID object already holding the MNIST test set's feature statistics."""
    from torchmetrics.image.fid import FrechetInceptionDistance

    # reset_real_features=False: reset() forgets the generated images only
    metric = FrechetInceptionDistance(feature=_Features(load_classifier()), reset_real_features=False, normalize=True)
    test_images = load_mnist("test")[0]
    for i in range(0, len(test_images), _CHUNK):
        metric.update(test_images[i:i + _CHUNK], real=True)
    return metric


def score(images: torch.Tensor) -> dict:
    """All scores of one image set (N >= 2 images ``(N, 1, 28, 28)`` in [0, 1]), without display.

    Returns ``{"samples": N, "fd": float >= 0, "coverage_tv": float in [0, 0.9], "confidence": float
    in [0.1, 1], "histogram": 10 ints, the count of each predicted digit}``.
    """
    images = check_images(images, min_count=2)
    metric = _test_set_metric()
    metric.reset()
    metric.inception.kept = kept = []  # the features serve the class scores too: one pass
    try:
        for i in range(0, len(images), _CHUNK):
            metric.update(images[i:i + _CHUNK], real=False)
    finally:
        metric.inception.kept = None
    fd = max(float(metric.compute()), 0.0)
    metric.reset()
    model = load_classifier()
    with torch.inference_mode():
        top, digit = F.softmax(model.head(torch.cat(kept).to(next(model.parameters()).device)), dim=1).cpu().max(dim=1)
    hist = torch.bincount(digit, minlength=10)
    return {"samples": len(images), "fd": fd, "coverage_tv": float(0.5 * (hist / hist.sum() - 0.1).abs().sum()),
            "confidence": float(top.mean()), "histogram": [int(c) for c in hist]}


def default_samples() -> int:
    """How many images a score uses unless told otherwise: :data:`DEFAULT_SAMPLES`, or in quick mode
    :data:`QUICK_SAMPLES`."""
    return QUICK_SAMPLES if is_quick() else DEFAULT_SAMPLES


def reference_scores(n: int | None = None) -> dict[str, dict]:
    """The two reference rows of ``n`` training images (default: :func:`default_samples`), computed once per
    process: ``{REAL_ROW: scores, BLURRED_ROW: scores}``."""
    return _reference_scores(n or default_samples())


@lru_cache(maxsize=2)
def _reference_scores(n: int) -> dict[str, dict]:
    from torchvision.transforms.functional import gaussian_blur

    train_images = load_mnist("train")[0]
    real = train_images[torch.randperm(len(train_images), generator=torch.Generator().manual_seed(0))[:n]]
    return {REAL_ROW: score(real), BLURRED_ROW: score(gaussian_blur(real, kernel_size=[7, 7], sigma=[BLUR_SIGMA] * 2))}


class ScoreTable:
    """Rows ``(name, scores, is_reference)`` shown as HTML in Jupyter and as text elsewhere."""

    COLUMNS = ("samples", "Frechet distance ↓", "coverage TV ↓", "confidence ↑", "digits 0-9")
    NOTE = ("Frechet distance: between the classifier's 128-dim features of these images and of the 10,000 MNIST "
            "test images (lower is better). Coverage TV: total-variation distance of the predicted-digit histogram "
            "from uniform (0 = every digit equally often, 0.9 = one digit). Confidence: mean top softmax probability "
            "of the classifier. Reference rows in italics.")

    RECORDED = (" These scores were recorded by the full run that trained the shipped weights "
                "(data/weights/scores.json), not computed now: pass recorded=False to score afresh.")

    def __init__(self, rows: list[tuple[str, dict, bool]], recorded: bool = False) -> None:
        self.rows = rows
        # a row is small beside the reference rows' size (10,000; 1,000 in quick mode, where both shrink alike)
        self.full = max([s["samples"] for _, s, ref in rows if ref] or [DEFAULT_SAMPLES])
        small = sorted({s["samples"] for _, s, _ in rows if s["samples"] < self.full})
        self.note = tr(self.NOTE) + (" " + tr(self.RECORDED.strip()) if recorded else "") + (" " + tr(
            f"WARNING: rows marked * score only {', '.join(map(str, small))} images. The Frechet distance of a "
            f"small set comes out too high (from a few images it means nothing), so compare it only with rows "
            f"of {self.full:,} images like the reference rows.") if small else "")

    def _cells(self, s: dict) -> list[str]:
        star = "*" if s["samples"] < self.full else ""
        bars = "".join(" ▁▂▃▄▅▆▇█"[round(8 * c / max(max(s["histogram"]), 1))] for c in s["histogram"])
        return [f"{s['samples']:,}{star}", f"{s['fd']:.2f}{star}", f"{s['coverage_tv']:.3f}", f"{s['confidence']:.3f}", bars]

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(tr(c))}</th>" for c in ("", *self.COLUMNS))
        body = "".join(
            f"<tr><td style='text-align:left'>{f'<i>{escape(tr(name))}</i>' if ref else f'<b>{escape(tr(name))}</b>'}</td>"
            + "".join(f"<td style='text-align:right'>{escape(c)}</td>" for c in self._cells(s)[:-1])
            + f"<td title='{' '.join(map(str, s['histogram']))}' style='font-family:monospace'>{self._cells(s)[-1]}</td></tr>"
            for name, s, ref in self.rows)
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<p style='font-size:smaller'>{escape(self.note)}</p>")

    def __str__(self) -> str:
        lines = [("", *map(tr, self.COLUMNS))] + [(tr(name) + (" (ref)" if ref else ""), *self._cells(s))
                                                  for name, s, ref in self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
        return "\n".join(["  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths)))
                          for line in lines] + [self.note])

    __repr__ = __str__


def table(scores: Mapping[str, dict], references: Mapping[str, dict] | None = None, recorded: bool = False) -> ScoreTable:
    """A :class:`ScoreTable` of ``{name: scores}`` followed by the two reference rows (computed unless given)."""
    references = reference_scores() if references is None else references
    return ScoreTable([(n, s, False) for n, s in scores.items()] + [(n, s, True) for n, s in references.items()],
                      recorded=recorded)


def _show(table: ScoreTable) -> None:
    from IPython import get_ipython
    from IPython.display import display

    if get_ipython() is None:
        print(table)
    else:
        display(table)


def scores_path() -> Path:
    """Where full runs record their scores: ``data/weights/scores.json``."""
    return data_dir() / "weights" / "scores.json"


def recorded_scores() -> dict[str, dict]:
    """The scores recorded by full runs, ``{name: scores}`` ({} when none yet)."""
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
    """Merge ``{name: scores}`` and the two reference rows into :func:`scores_path` (other names kept), atomically."""
    data = recorded_scores()
    data[name] = scores
    data.update(reference_scores())
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    return write_atomically(scores_path(), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _draw(generate: _ImageSource, n: int, name) -> torch.Tensor:
    """Checked images from ``generate(n)`` or from a tensor given directly."""
    if isinstance(generate, torch.Tensor):
        return check_images(generate, f"images for {name!r}", min_count=2)
    if not callable(generate):
        raise TypeError(f"{name!r}: expected generate(n) -> images or a tensor of images, got {type(generate).__name__}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n: expected an int >= 2 (number of samples), got {n!r}")
    try:
        with torch.no_grad():
            images = generate(n)
    except Exception as err:
        raise RuntimeError(f"generate({n}) for {name!r} failed: {type(err).__name__}: {err}. generate must take the "
                           f"number of images n and return n images; a decoder takes codes instead, so wrap it: "
                           f"lambda n: model.decode(torch.randn(n, code_size))") from err
    images = check_images(images, f"generate({n}) for {name!r}", min_count=2)
    if len(images) != n:
        raise ValueError(f"generate({n}) for {name!r}: expected {n} images, got {len(images)}")
    return images


def _recorded_rows(names) -> dict[str, dict] | None:
    """``{name: scores}`` for ``names`` and the reference rows from :func:`scores_path`; None if one is missing."""
    saved = recorded_scores()
    wanted = [*names, REAL_ROW, BLURRED_ROW]
    missing = [k for k in wanted if not isinstance(saved.get(k), dict)]
    if missing:
        print(f"no recorded scores for {missing} in {scores_path()}: scoring afresh")
        return None
    return {k: {"name": k, **saved[k]} for k in wanted}


def evaluate(generate: _ImageSource, name: str, n: int | None = None, recorded: bool = False) -> dict:
    """Score ``n`` images from ``generate(n)`` (or a tensor of images), show the table, return the scores.

    ``n``: 10,000 by default (1,000 in quick mode, the tests' runs: :func:`default_samples`).
    ``generate(n)`` must give a float tensor ``(n, 1, 28, 28)`` in [0, 1]; ``name`` is the row's name
    (and its key in ``data/weights/scores.json``, written when :func:`helpers.writes_weights` is on).
    ``recorded=True`` shows the scores the full run recorded under ``name`` instead (for shipped
    weights: the same numbers, without a second of scoring); it scores afresh when none are recorded.
    Returns :func:`score`'s dict with ``"name"`` added.
    """
    rows = _recorded_rows([name]) if recorded else None
    if rows is not None:
        scores = rows.pop(name)
        _show(table({name: scores}, references=rows, recorded=True))
        return scores
    scores = {"name": name, **score(_draw(generate, n or default_samples(), name))}
    _show(table({name: scores}))
    if writes_weights():
        record_scores(name, {k: v for k, v in scores.items() if k != "name"})
    return scores


def compare(models: Mapping[str, _ImageSource], n: int | None = None, recorded: bool = False) -> dict[str, dict]:
    """One table for ``{name: generate}`` plus the reference rows; returns ``{name: scores}``.

    ``recorded=True``: the scores recorded under these names (see :func:`evaluate`), if all are there.
    Records them like :func:`evaluate` when :func:`helpers.writes_weights` is on.
    """
    rows = _recorded_rows(list(models)) if recorded else None
    if rows is not None:
        results = {name: rows.pop(name) for name in models}
        _show(table(results, references=rows, recorded=True))
        return results
    results = {name: {"name": name, **score(_draw(generate, n or default_samples(), name))}
               for name, generate in models.items()}
    _show(table(results))
    if writes_weights():
        for name, scores in results.items():
            record_scores(name, {k: v for k, v in scores.items() if k != "name"})
    return results
