"""Latency of the latent-space widgets: slider change -> new PNG bytes in the ipywidgets.Image.

What is timed is what a learner waits for on the kernel side: setting a slider's value runs the
observer, which decodes one code under torch.no_grad(), quantises the 28x28 digit, scales it up to
224x224 and encodes the PNG. (The browser then only swaps an <img>.)

Run:  .venv/bin/python -m benchmarks.slider_latency        (prints one line per decoder)
Use:  from benchmarks.slider_latency import measure_latency
      measure_latency(decode, code_size=2)  or  measure_latency(explorer_widget)
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from helpers.widgets import InterpolationExplorer, LatentExplorer


def measure_latency(widget_or_decode, code_size: int | None = None, *, n: int = 300,
                    warmup: int = 20) -> dict:
    """Time slider change -> new image bytes, ``n`` times.

    Args:
        widget_or_decode: a :class:`LatentExplorer` (its first slider is moved), an
            :class:`InterpolationExplorer` (its ``t`` slider is moved), or a decode function
            codes (B, code_size) -> images (B, 1, 28, 28) in [0, 1], for which a latent explorer is built.
        code_size: required with a decode function, ignored with a widget.
        n: number of timed moves (>= 1); warmup: untimed moves first.

    Returns:
        ``{"median_ms": float, "p95_ms": float, "n": int}``: wall-clock milliseconds per move.
    """
    if isinstance(widget_or_decode, (LatentExplorer, InterpolationExplorer)):
        widget = widget_or_decode
    elif callable(widget_or_decode):
        if code_size is None:
            raise ValueError("measure_latency needs code_size when given a decode function")
        widget = LatentExplorer(widget_or_decode, code_size)
    else:
        raise TypeError(f"expected a LatentExplorer, an InterpolationExplorer or a decode function, "
                        f"got {type(widget_or_decode).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    slider = widget.t_slider if isinstance(widget, InterpolationExplorer) else widget.sliders[0]
    lo, hi = slider.min, slider.max
    # a back-and-forth sweep: every move lands on a new value, as when a slider is dragged
    k = 50
    sweep = [lo + (hi - lo) * i / k for i in range(k + 1)]
    sweep += sweep[-2:0:-1]
    times = []
    for i in range(warmup + n):
        value = sweep[(i + 1) % len(sweep)]
        before = widget.image.value
        t0 = time.perf_counter()
        slider.value = value
        after = widget.image.value
        t1 = time.perf_counter()
        if after is before:
            raise RuntimeError("the slider change did not produce new image bytes")
        if i >= warmup:
            times.append((t1 - t0) * 1e3)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"median_ms": statistics.median(times), "p95_ms": p95, "n": len(times)}


# ---- decoders of the notebooks' size -------------------------------------------------------
def mlp_decoder(code_size: int = 2) -> nn.Module:
    """code (B, code_size) -> 512 -> 784 -> image (B, 1, 28, 28), like the fully connected AE/VAE."""
    return nn.Sequential(nn.Linear(code_size, 512), nn.ReLU(), nn.Linear(512, 784), nn.Sigmoid(),
                         nn.Unflatten(1, (1, 28, 28)))


def conv_decoder(code_size: int = 16) -> nn.Module:
    """code (B, code_size) -> 64x7x7 -> 32x14x14 -> 1x28x28, like a small convolutional decoder."""
    return nn.Sequential(
        nn.Linear(code_size, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), nn.ReLU(),   # 7x7 -> 14x14
        nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1), nn.Sigmoid(),  # 14x14 -> 28x28
    )


def dcgan_generator(code_size: int = 64) -> nn.Module:
    """noise (B, code_size) -> 128x7x7 -> 64x14x14 -> 1x28x28 in [0, 1], like a DCGAN generator."""
    return nn.Sequential(
        nn.Linear(code_size, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1), nn.Tanh(),
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="timed slider moves per decoder")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    gan = dcgan_generator(64).eval()
    cases = [
        ("MLP 2->512->784", mlp_decoder(2).eval(), 2),
        ("conv 16->64x7x7->32x14x14->1x28x28", conv_decoder(16).eval(), 16),
        ("DCGAN 64->128x7x7->64x14x14->1x28x28", lambda z: (gan(z) + 1) / 2, 64),
    ]
    print(f"slider change -> new PNG bytes (224x224), {args.n} moves, torch threads {torch.get_num_threads()}")
    for name, decode, code_size in cases:
        r = measure_latency(decode, code_size, n=args.n)
        print(f"  {name:40s} median {r['median_ms']:6.2f} ms   p95 {r['p95_ms']:6.2f} ms")


if __name__ == "__main__":
    main()
