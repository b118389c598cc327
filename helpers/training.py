"""What a training loop shows while it runs, behind one object: :class:`Progress`.

    with helpers.Progress(steps, "VAE", pictures=lambda: live_pictures(model), curves=history) as progress:
        for x in helpers.batches(train_images, batch_size=128):
            ...                                   # the lesson: forward, loss, backward, step
            progress.step()
    history["seconds"] = progress.seconds

It owns the tqdm bar, the live picture under it (:class:`LiveView`), the stop button (Jupyter's stop raises
``KeyboardInterrupt``: the loop ends there, the model and its history stay as they are, and the cell goes on)
and the clock.
"""

from __future__ import annotations

import io
import numbers
import time
from typing import Callable, Mapping, Sequence

import numpy as np
import torch
from torchvision.utils import make_grid

from .images import check_images


class Progress:
    """A training loop's progress bar, live picture, stop button and clock (see the module's example).

    ``total``: the steps the loop will take (a whole number, at least 1). ``pictures``: a function returning
    the images the live view shows, ``(N, 1, 28, 28)``; ``curves``: name -> the list of values per step that the
    loop appends to (drawn beside the images); ``caption``: what the images are. Without ``pictures``, only the
    bar. After the block: ``steps`` done and ``seconds`` taken; one line says both.
    """

    def __init__(self, total: int, desc: str = "training", pictures: Callable[[], torch.Tensor] | None = None,
                 curves: Mapping[str, Sequence[float]] | None = None, caption: str = "", seconds: float = 5.0):
        if isinstance(total, bool) or not isinstance(total, numbers.Integral) or total < 1:
            raise ValueError(f"{desc}: nothing to train: {total!r} steps. Give at least one epoch (or step), a whole "
                             f"number, and a batch size no larger than the data")
        self.total, self.desc, self.pictures, self.curves = int(total), desc, pictures, dict(curves or {})
        self.caption, self.refresh = caption, seconds
        self.steps, self.seconds, self.interrupted = 0, 0.0, False

    def __enter__(self) -> "Progress":
        from tqdm.auto import tqdm

        self._bar = tqdm(total=self.total, desc=self.desc)
        self._view = LiveView(self.desc, self.total, caption=self.caption, seconds=self.refresh)
        self._start = time.perf_counter()
        return self

    def step(self, n: int = 1) -> None:
        """One more step done (call it after the optimiser's step); redraws the live picture when due."""
        self.steps += n
        self._bar.update(n)
        if self.pictures is not None and self._view.due():
            self._view.show(self.pictures(), self.curves, self.steps)

    def show(self, **values) -> None:
        """Numbers to show at the end of the bar, e.g. ``progress.show(epoch=2, test_mse=0.04)``."""
        self._bar.set_postfix({k: f"{v:.4g}" if isinstance(v, float) else v for k, v in values.items()})

    def __exit__(self, kind, error, trace) -> bool:
        self.seconds = round(time.perf_counter() - self._start, 1)
        self._bar.close()
        self.interrupted = kind is KeyboardInterrupt
        if self.interrupted:
            print(f"{self.desc}: stopped after {self.steps:,} of {self.total:,} steps; the model and its history "
                  f"both stop there")
        if kind is None or self.interrupted:
            if self.pictures is not None and self._view.due(final=True):
                self._view.show(self.pictures(), self.curves, self.steps)   # stays as the cell's output
            print(f"{self.desc}: {self.steps:,} steps in {self.seconds:.0f} s "
                  f"({1000 * self.seconds / max(self.steps, 1):.0f} ms per step)")
        return self.interrupted  # True: the stop button ends the loop, not the cell


def _in_a_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class LiveView:
    """The picture a training cell shows while it trains, redrawn in place under the progress bar: a grid of
    images (samples, or digits and their reconstructions) beside the loss curves.

    The training loop asks ``view.due()`` at every step and, when it answers yes, calls
    ``view.show(images, curves, step)``; after the last step it calls ``view.show`` once more (``final=True``),
    and that picture stays as the cell's output. A redraw costs about 50 ms (the figure is built once; later
    redraws only move its data), and ``due()`` says yes at most once every ``seconds`` seconds: the cost stays a
    small, fixed share of the training time on any machine. Outside a notebook (a script, a test) nothing is
    drawn and ``due()`` always says no.
    """

    def __init__(self, title: str, total: int, caption: str = "", seconds: float = 5.0, nrow: int = 8,
                 smooth: int = 25):
        self.title, self.total, self.caption, self.seconds, self.nrow, self.smooth = (
            title, total, caption, seconds, nrow, smooth)
        self.enabled = _in_a_notebook()
        self._last = time.perf_counter()  # the first picture after `seconds`: at step 0 there is nothing to see
        self._handle = None
        self._figure = None

    def due(self, final: bool = False) -> bool:
        """Whether to redraw now: every ``seconds`` while training, and always at the end (``final=True``)."""
        return self.enabled and (final or time.perf_counter() - self._last >= self.seconds)

    def show(self, images, curves: Mapping[str, Sequence[float]], step: int) -> None:
        """Redraw: ``images`` ``(N, 1, 28, 28)`` in [0, 1] (values outside are clipped: the view must not stop a
        training whose model overshoots), ``curves`` name -> values per step so far."""
        if not self.enabled:
            return
        from IPython.display import Image, display

        images = torch.as_tensor(images).detach().float().cpu().clamp(0, 1)  # a learner's model may overshoot [0, 1]
        png = Image(self._draw(check_images(images), curves, step))
        if self._handle is None:
            self._handle = display(png, display_id=True)
        else:
            self._handle.update(png)
        self._last = time.perf_counter()

    def _draw(self, images: torch.Tensor, curves, step: int) -> bytes:
        from matplotlib.figure import Figure  # not pyplot: the notebook must not show this figure a second time

        grid = make_grid(images, nrow=self.nrow, padding=2, pad_value=1.0)[0].numpy()  # (H', W')
        if self._figure is None:  # drawn once; later redraws only move the data (a redraw is then much cheaper)
            fig = self._figure = Figure(figsize=(8.4, 2.8))
            left, right = self._axes = fig.subplots(1, 2, width_ratios=(1, 1.25))
            fig.subplots_adjust(left=0.01, right=0.98, bottom=0.18, top=0.8, wspace=0.14)
            self._picture = left.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            left.set_axis_off()
            if self.caption:
                left.set_title(self.caption)  # what the rows of images are
            self._lines = {name: right.plot([], [], color=f"C{i}", label=str(name))[0] for i, name in enumerate(curves)}
            right.set(xlim=(0, self.total), xlabel="step")
            right.grid(alpha=0.3)
            if curves:
                right.legend(loc="upper right")
            self._suptitle = fig.suptitle("")
        fig, (left, right) = self._figure, self._axes
        if grid.shape != self._picture.get_array().shape:
            self._picture.remove()
            self._picture = left.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        else:
            self._picture.set_data(grid)
        for name, values in curves.items():
            raw = np.asarray(values, dtype=np.float64).ravel()
            y = raw
            if raw.size >= self.smooth > 1:  # a moving average: single steps are too noisy to read at a glance
                y = np.convolve(raw, np.ones(self.smooth) / self.smooth, mode="valid")
            x = np.arange(y.size) + (raw.size - y.size) + 1  # the step each (averaged) value ends on
            keep = slice(None, None, max(1, y.size // 400))  # a few hundred points draw as fast and look the same
            if name in self._lines:
                self._lines[name].set_data(x[keep], y[keep])
        right.relim()
        right.autoscale_view(scalex=False)
        self._suptitle.set_text(f"{self.title}: step {step:,} of {self.total:,}")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)  # the notebooks' other figures use 100 too: the same text size
        return buffer.getvalue()
