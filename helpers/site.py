"""What the course website needs from each live widget, written while a notebook runs for the site's build.

``python3 course.py site`` runs every notebook with its shipped weights and ``GENMODELS_SITE_EXPORT`` set to a
folder. Each widget the notebook builds then leaves there, numbered in the order the notebook builds them,
what the page needs to play it without Python (:func:`record`):

* an explorer: its decode function exported to ONNX (run in the page by onnxruntime-web), the same function
  as a PyTorch program (for the test that compares the page's picture with PyTorch's), its sliders' settings, the
  code it opens on, and for "start from a real digit" the first real digits with their codes;
* the 2-D game stepper: the frames of a game played from the stepper's start (the verdict, the points and the
  push at each step the page's scrubber can show), after which the stepper's own game is reset;
* spot the fake: a pool of real and of generated digits to deal the page's rounds from.

Nothing is written when the variable is unset, which is every run but the site's.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import warnings
from pathlib import Path

import torch

from .env import SITE_EXPORT_ENV

REAL_DIGITS = 100      # real digits (and their codes) an explorer's "digit #" box can start from on the site
POOL = 160             # real and generated digits each, for the site's spot-the-fake rounds
GAME_STEPS = [*range(0, 20), *range(20, 200, 10), *range(200, 2001, 50)]   # the game's frames on the site

_count = {"n": 0}


def export_folder() -> Path | None:
    value = os.environ.get(SITE_EXPORT_ENV, "").strip()
    return Path(value) if value else None


def _u8(images: torch.Tensor) -> str:
    """Images in [0, 1] -> base64 of their bytes round(255 * pixel), row after row."""
    pixels = (torch.nan_to_num(images.detach().float().cpu(), nan=0.0).clamp(0, 1) * 255).round().to(torch.uint8)
    return base64.b64encode(pixels.numpy().tobytes()).decode()


def _floats(t: torch.Tensor, digits: int = 5) -> list:
    return [round(float(v), digits) for v in t.detach().float().cpu().reshape(-1)]


class _Decoder(torch.nn.Module):
    def __init__(self, decode):
        super().__init__()
        self.decode = decode

    def forward(self, z):
        return self.decode(z).reshape(-1, 1, 28, 28)


def _export_decoder(decode, code_size: int, stem: Path) -> None:
    """``decode`` -> ``stem.onnx`` (one code in, one image out) and ``stem.pt2``, the same graph as PyTorch runs it
    (``torch.export.load(...).module()``), which the site's test compares the page's pictures with."""
    module, example = _Decoder(decode).eval(), torch.zeros(1, code_size)
    with torch.no_grad(), warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        program = torch.onnx.export(module, (example,), input_names=["code"], output_names=["image"], dynamo=True,
                                    verbose=False)
    program.save(str(stem.with_suffix(".onnx")))
    torch.export.save(program.exported_program, str(stem.with_suffix(".pt2")))


def record(widget) -> None:
    """Write what the site needs to play ``widget`` (a widget of :mod:`helpers.widgets`) into the export folder."""
    folder = export_folder()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    index = _count["n"]
    _count["n"] += 1
    stem = folder / f"{index}"
    kind = type(widget).__name__
    spec: dict = {"kind": kind, "what": widget.what}
    if kind == "LatentExplorer":
        spec.update(code_size=widget.code_size, n_sliders=widget.n_sliders, limit=widget.limit,
                    step=widget.sliders[0].step, start=_floats(widget.base),
                    slider_range=[[s.min, s.max] for s in widget.sliders])
        if widget._images is not None:
            images = widget._images[:REAL_DIGITS]
            with torch.no_grad():
                codes = torch.stack([widget._encode_one(images[i:i + 1]) for i in range(len(images))])
            spec["real"] = {"images": _u8(images), "codes": [_floats(c) for c in codes], "start_index": 0}
        _export_decoder(widget._decode, widget.code_size, stem)
    elif kind == "InterpolationExplorer":
        spec.update(code_size=widget.code_size, z_start=_floats(widget.z_start), z_end=_floats(widget.z_end))
        _export_decoder(widget._decode, widget.code_size, stem)
    elif kind == "GameStepper":
        first, frames, done = widget._state(), [], 0
        for step in GAME_STEPS:
            if step > done:
                widget._step(step - done)
                done = step
            state = widget._state()
            prob = state.get("prob")
            frames.append({"step": step, "fake": _floats(torch.as_tensor(state["fake"]), 3),
                           "push": None if state.get("push") is None else _floats(torch.as_tensor(state["push"])[:64], 5),
                           "prob": None if prob is None else _u8(torch.as_tensor(prob))})
        prob = first.get("prob")
        spec.update(limit=float(first["limit"]), real=_floats(torch.as_tensor(first["real"]), 3), frames=frames,
                    grid=None if prob is None else list(torch.as_tensor(prob).shape))
        from .plot import FAKE_COLOUR, GAME_CMAP, REAL_COLOUR
        import matplotlib

        cmap = matplotlib.colormaps[GAME_CMAP] if isinstance(GAME_CMAP, str) else GAME_CMAP
        spec["colours"] = {"real": matplotlib.colors.to_hex(REAL_COLOUR), "fake": matplotlib.colors.to_hex(FAKE_COLOUR),
                           "verdict": [matplotlib.colors.to_hex(cmap(i / 255)) for i in range(256)]}
        if widget._reset is not None:
            widget._reset()
    elif kind == "SpotTheFake":
        generator = torch.Generator().manual_seed(1234)
        reals = widget._real[torch.randperm(len(widget._real), generator=generator)[:POOL]]
        with torch.no_grad():
            fakes = widget._generate(POOL)[:POOL]
        spec.update(n=widget.n, columns=widget.columns, real=_u8(reals), fake=_u8(fakes),
                    pool=[len(reals), len(fakes)])
    else:
        raise TypeError(f"no site export for a {kind}")
    (stem.with_suffix(".json")).write_text(json.dumps(spec), encoding="utf-8")
