"""Interactive latent-space widgets: move a slider, see the decoded digit change at once.

Two builders, both returning an :class:`ipywidgets.VBox` subclass that a notebook cell displays by
leaving it as the cell's last expression:

* :func:`latent_explorer` -- one slider per latent dimension (or per chosen direction when the code
  is large) next to the decoded digit; optional "start from a real digit" controls.
* :func:`interpolation_explorer` -- one slider ``t`` in [0, 1] that walks the straight line between
  two codes.

Both share a contract for the model side:

``decode``
    a callable mapping a float32 CPU tensor of codes, shape ``(B, code_size)``, to images of shape
    ``(B, 1, 28, 28)`` with values in [0, 1] (a generator ending in ``tanh`` needs ``(x + 1) / 2``).
    It is called under :func:`torch.no_grad`; put the model in ``eval()`` mode first.
``encode`` (optional)
    a callable mapping images ``(B, 1, 28, 28)`` in [0, 1] to codes ``(B, code_size)``.  For a VAE
    pass the mean, e.g. ``lambda x: vae.encode(x)[0]``.

Every slider move decodes one code and writes a PNG (the 28x28 digit scaled up 8x to 224x224 by
nearest-neighbour, grey levels ``round(255 * pixel)``) into an :class:`ipywidgets.Image`; no
matplotlib figure is redrawn, so a move costs about a millisecond for the notebooks' decoders. The
decode runs on one torch thread (restored afterwards): for a single code that is faster and far
steadier than splitting the work, especially on a busy CPU.

For tests and benchmarks the returned objects expose their parts: ``.sliders`` / ``.t_slider``
(:class:`ipywidgets.FloatSlider`), ``.image`` (:class:`ipywidgets.Image`), ``.png`` (the current
PNG bytes), ``.code()`` (the code now shown) and ``.n_decodes`` (how many times ``decode`` ran).
"""

from __future__ import annotations

import io
import math
import numbers
from typing import Callable

import ipywidgets as widgets
import torch
from PIL import Image as PILImage

__all__ = [
    "LatentExplorer", "InterpolationExplorer", "latent_explorer", "interpolation_explorer",
    "image_to_png", "SCALE", "MAX_SLIDERS",
]

SCALE = 8
"""Each of the 28x28 pixels becomes a SCALE x SCALE block in the shown PNG (224x224 pixels)."""

MAX_SLIDERS = 8
"""Codes longer than this get sliders over their first MAX_SLIDERS coordinates only (see latent_explorer)."""

_SIDE = 28
_TOL = 1e-3  # how far outside [0, 1] a decoder may stray (rounding) before it counts as a mistake


# --------------------------------------------------------------------------------------------
# Image -> PNG
# --------------------------------------------------------------------------------------------
def image_to_png(image: torch.Tensor, scale: int = SCALE) -> bytes:
    """Encode one grey image as PNG bytes, scaled up by nearest-neighbour.

    Args:
        image: tensor of shape (28, 28), (1, 28, 28) or (1, 1, 28, 28) with values in [0, 1]
            (values outside are clipped, NaN becomes 0).
        scale: integer >= 1; each pixel becomes a ``scale x scale`` block.

    Returns:
        PNG bytes of an 8-bit greyscale image of shape (28*scale, 28*scale) whose grey level at
        pixel (i, j) is ``round(255 * image[i // scale, j // scale])``.
    """
    if not isinstance(image, torch.Tensor):
        raise TypeError(f"image_to_png expected a torch.Tensor, got {type(image).__name__}")
    if isinstance(scale, bool) or not isinstance(scale, numbers.Integral) or scale < 1:
        raise ValueError(f"scale must be an int >= 1, got {scale!r}")
    img = image.detach().to("cpu", torch.float32)
    if img.dim() > 2 and all(d == 1 for d in img.shape[:-2]):
        img = img.reshape(img.shape[-2:])  # (1, H, W) or (1, 1, H, W) -> (H, W)
    if img.dim() != 2:
        raise ValueError(f"image_to_png expected one image (H, W) or (1, 1, H, W), got shape {tuple(image.shape)}")
    pixels = (torch.nan_to_num(img, nan=0.0).clamp(0.0, 1.0) * 255.0).round().to(torch.uint8)
    pil = PILImage.fromarray(pixels.numpy(), mode="L")
    if scale != 1:
        pil = pil.resize((pil.width * scale, pil.height * scale), PILImage.NEAREST)
    buf = io.BytesIO()
    pil.save(buf, format="PNG", compress_level=1)  # fast; the image is tiny anyway
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Validation (at build time, so a mistake shows as an error rather than a blank picture)
# --------------------------------------------------------------------------------------------
def _check_code_size(code_size) -> int:
    if isinstance(code_size, bool) or not isinstance(code_size, numbers.Integral):
        raise TypeError(f"code_size must be a positive int (the length of one latent code), "
                        f"got {code_size!r} of type {type(code_size).__name__}")
    if code_size <= 0:
        raise ValueError(f"code_size must be a positive int (the length of one latent code), got {code_size}")
    return int(code_size)


def _check_limit(limit) -> float:
    if isinstance(limit, bool) or not isinstance(limit, numbers.Real) or not math.isfinite(limit) or limit <= 0:
        raise ValueError(f"limit must be a positive finite number (sliders span [-limit, limit]), got {limit!r}")
    return float(limit)


def _check_decoded(out, n: int, what: str) -> torch.Tensor:
    """Check decode's output for ``n`` codes: a finite float tensor (n, 1, 28, 28) in [0, 1]."""
    expected = (n, 1, _SIDE, _SIDE)
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"decode must return a torch.Tensor of shape {expected}, got {type(out).__name__} "
                        f"for {what}")
    if tuple(out.shape) != expected:
        raise ValueError(f"decode must return images of shape (B, 1, 28, 28); for {what} it should be "
                         f"{expected}, got {tuple(out.shape)}. Reshape the output, e.g. "
                         f"`out.view(-1, 1, 28, 28)`.")
    if not out.dtype.is_floating_point:
        raise TypeError(f"decode must return a floating-point tensor with values in [0, 1], got dtype {out.dtype}")
    out = out.detach().to("cpu", torch.float32)
    if not torch.isfinite(out).all():
        bad = int((~torch.isfinite(out)).sum())
        raise ValueError(f"decode returned {bad} NaN/inf pixel values for {what}; expected finite values in "
                         f"[0, 1]. Check the model's weights (did training diverge?).")
    lo, hi = float(out.min()), float(out.max())
    if lo < -_TOL or hi > 1 + _TOL:
        raise ValueError(f"decode must return pixel values in [0, 1], got values in [{lo:.3g}, {hi:.3g}] for "
                         f"{what}. A decoder ending in tanh needs `(x + 1) / 2`; one without a final "
                         f"activation needs `torch.sigmoid`.")
    return out


def _check_decode(decode, code_size: int) -> torch.Tensor:
    if not callable(decode):
        raise TypeError(f"decode must be callable (codes (B, {code_size}) -> images (B, 1, 28, 28)), "
                        f"got {type(decode).__name__}")
    with torch.no_grad():
        try:
            out = decode(torch.zeros(1, code_size))
        except Exception as exc:  # say which call failed, keep the original error attached
            raise ValueError(f"decode failed on a zero code of shape (1, {code_size}): "
                             f"{type(exc).__name__}: {exc}. Is code_size={code_size} the decoder's input size?"
                             ) from exc
    return _check_decoded(out, 1, f"a zero code of shape (1, {code_size})")


def _check_images(images) -> torch.Tensor:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor of shape (N, 1, 28, 28) in [0, 1], "
                        f"got {type(images).__name__}")
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, _SIDE, _SIDE) or images.shape[0] < 1:
        raise ValueError(f"images must have shape (N, 1, 28, 28) with N >= 1, got {tuple(images.shape)}"
                         + (". Add the channel axis with `images.unsqueeze(1)`." if images.dim() == 3 else ""))
    if not images.dtype.is_floating_point:
        raise TypeError(f"images must be floating point in [0, 1], got dtype {images.dtype}")
    return images.detach().cpu()


def _encode_one(encode, image: torch.Tensor, code_size: int) -> torch.Tensor:
    """Encode one image (1, 1, 28, 28) -> code (code_size,), with clear errors."""
    with torch.no_grad():
        code = encode(image.float())
    if isinstance(code, (tuple, list)):
        raise TypeError("encode returned a tuple/list; it must return one tensor of codes (B, code_size). "
                        "For a VAE pass the mean, e.g. `lambda x: vae.encode(x)[0]`.")
    if not isinstance(code, torch.Tensor):
        raise TypeError(f"encode must return a torch.Tensor of shape (B, {code_size}), got {type(code).__name__}")
    if tuple(code.shape) != (1, code_size):
        raise ValueError(f"encode must return codes of shape (B, code_size); for one image it should be "
                         f"(1, {code_size}), got {tuple(code.shape)}")
    code = code.detach().to("cpu", torch.float32)[0]
    if not torch.isfinite(code).all():
        raise ValueError("encode returned NaN/inf values; expected a finite code")
    return code


def _as_code(z, name: str, code_size: int | None = None) -> torch.Tensor:
    """Accept a code of shape (D,) or (1, D); return a float32 CPU tensor (D,)."""
    expect = f"({code_size},) or (1, {code_size})" if code_size else "(code_size,) or (1, code_size)"
    if not isinstance(z, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape {expect}, got {type(z).__name__}")
    if not (z.dim() == 1 or (z.dim() == 2 and z.shape[0] == 1)) or z.shape[-1] == 0:
        raise ValueError(f"{name} must be one code of shape {expect}, got {tuple(z.shape)}")
    z = z.detach().to("cpu", torch.float32).reshape(-1)
    if code_size is not None and z.numel() != code_size:
        raise ValueError(f"{name} must have shape {expect}, got {(z.numel(),)}; "
                         f"both codes must have the same length")
    if not torch.isfinite(z).all():
        raise ValueError(f"{name} contains NaN/inf values; expected a finite code")
    return z


# --------------------------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------------------------
def _image_widget(png: bytes, side: int) -> widgets.Image:
    return widgets.Image(value=png, format="png", width=side, height=side,
                         layout=widgets.Layout(width=f"{side}px", height=f"{side}px"))


class _Explorer(widgets.VBox):
    """What both explorers share: a decode function, the shown image and a redraw counter."""

    def _init_decoder(self, decode: Callable, code_size: int) -> None:
        self._decode = decode
        self.code_size = code_size
        self.n_decodes = 0
        self._busy = False  # guard: while True, slider observers do not redraw

    def _render(self, code: torch.Tensor) -> bytes:
        # One code is far too little work to share between threads: on a busy CPU the hand-off
        # between torch's worker threads costs more than the decode itself (100+ ms tails seen).
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                out = self._decode(code.reshape(1, -1))
        finally:
            torch.set_num_threads(threads)
        self.n_decodes += 1
        return image_to_png(out.reshape(_SIDE, _SIDE))

    def _redraw(self, change=None) -> None:
        if self._busy:
            return
        self.image.value = self._render(self.code())

    @property
    def png(self) -> bytes:
        """The PNG bytes now shown: 224x224 8-bit grey, ``round(255 * decode(code()))`` per 8x8 block."""
        return self.image.value

    def code(self) -> torch.Tensor:  # pragma: no cover - overridden
        raise NotImplementedError


def _slider(description: str, value: float, limit: float) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=-limit, max=limit, step=limit / 100,
                               description=description, continuous_update=True, readout_format=".2f",
                               style={"description_width": "3em"},
                               layout=widgets.Layout(width="340px"))


# --------------------------------------------------------------------------------------------
# Latent explorer
# --------------------------------------------------------------------------------------------
class LatentExplorer(_Explorer):
    """Sliders over a latent code next to the decoded digit; build it with :func:`latent_explorer`.

    Attributes (for notebooks, tests and benchmarks):
        sliders: list of ``n_sliders`` :class:`ipywidgets.FloatSlider`; ``sliders[k]`` sets code
            coordinate ``k`` (labelled ``z{k+1}``), range ``[-limit, limit]`` (widened on demand when a
            drawn or encoded code falls outside).
        image: :class:`ipywidgets.Image` with the decoded digit (224x224 PNG).
        base: float32 tensor (code_size,); coordinates without a slider are taken from it. Zeros
            at first, or the code of ``images[0]`` when built with ``encode`` and ``images``.
        random_button, reset_button: :class:`ipywidgets.Button` ("random draw": base := a code drawn
            from N(0, I) with a generator seeded by ``seed``; "reset": sliders back to the base's values).
        index_box, real_random_button, real_image: "start from a real digit" controls (only with
            ``encode`` and ``images``; otherwise ``None``).
        n_decodes: number of decode calls so far (one per user action).
    """

    def __init__(self, decode, code_size, *, encode=None, images=None, n_sliders=None, limit=3.0, seed=0):
        super().__init__()
        code_size = _check_code_size(code_size)
        limit = _check_limit(limit)
        if n_sliders is not None:
            if isinstance(n_sliders, bool) or not isinstance(n_sliders, numbers.Integral):
                raise TypeError(f"n_sliders must be an int or None, got {type(n_sliders).__name__}")
            if not 1 <= n_sliders <= code_size:
                raise ValueError(f"n_sliders must be between 1 and code_size={code_size}, got {n_sliders}")
            n_sliders = int(n_sliders)
        else:
            n_sliders = code_size if code_size <= MAX_SLIDERS else MAX_SLIDERS
        if (encode is None) != (images is None):
            raise ValueError("'start from a real digit' needs both encode and images; got only "
                             + ("encode" if images is None else "images"))
        if encode is not None and not callable(encode):
            raise TypeError(f"encode must be callable (images (B, 1, 28, 28) -> codes (B, {code_size})), "
                            f"got {type(encode).__name__}")
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"seed must be an int, got {type(seed).__name__}")
        _check_decode(decode, code_size)
        self._init_decoder(decode, code_size)
        self.limit = limit
        self.n_sliders = n_sliders
        self._generator = torch.Generator().manual_seed(int(seed))
        self.base = torch.zeros(code_size)

        self.sliders = [_slider(f"z{k + 1}", 0.0, limit) for k in range(n_sliders)]
        for s in self.sliders:
            s.observe(self._redraw, names="value")
        self.image = _image_widget(self._render(self.code()), _SIDE * SCALE)
        self.image.add_class("latent-explorer-image")

        self.random_button = widgets.Button(description="random draw", icon="random",
                                            tooltip="draw a code from N(0, I)")
        self.reset_button = widgets.Button(description="reset", icon="undo",
                                           tooltip="sliders back to the last drawn or encoded code")
        self.random_button.on_click(lambda _: self.random_draw())
        self.reset_button.on_click(lambda _: self.reset())
        buttons = [self.random_button, self.reset_button]

        note = (f"sliders move z1..z{n_sliders}; the other {code_size - n_sliders} coordinates stay at the "
                f"last drawn code" if n_sliders < code_size else "")
        self.status = widgets.HTML(value=note)

        self._images = None
        self._encode = encode
        self.index_box = self.real_random_button = self.real_image = None
        right = []
        if encode is not None:
            self._images = _check_images(images)
            _encode_one(encode, self._images[:1], code_size)  # fails here, not on the first click
            n = self._images.shape[0]
            self.index_box = widgets.BoundedIntText(value=0, min=0, max=n - 1, description="digit #",
                                                    layout=widgets.Layout(width="160px"))
            self.real_random_button = widgets.Button(description="random digit", icon="random",
                                                     tooltip="start from a randomly picked real digit")
            self.index_box.observe(lambda change: self.start_from(change["new"]), names="value")
            self.real_random_button.on_click(lambda _: self._pick_random_digit())
            self.real_image = _image_widget(image_to_png(self._images[0]), _SIDE * 4)
            buttons += [self.index_box, self.real_random_button]
            right = [widgets.VBox([widgets.HTML("real digit"), self.real_image])]

        top = widgets.HBox([widgets.VBox(self.sliders), self.image, *right],
                           layout=widgets.Layout(align_items="center"))
        self.children = [top, widgets.HBox(buttons), self.status]
        self.add_class("genmodels-latent-explorer")
        if encode is not None:
            self.start_from(0)  # the real digit shown and the sliders agree from the start

    # -- the code shown -------------------------------------------------------------------------
    def code(self) -> torch.Tensor:
        """The code now decoded: float32 (code_size,), base with coordinates 0..n_sliders-1 from the sliders."""
        z = self.base.clone()
        z[: self.n_sliders] = torch.tensor([s.value for s in self.sliders], dtype=torch.float32)
        return z

    def set_code(self, z) -> None:
        """Show code ``z`` (tensor (code_size,) or (1, code_size)): it becomes the base, the sliders take
        its first n_sliders values (ranges widened if needed), and the digit is redrawn once."""
        z = _as_code(z, "z", self.code_size)
        self.base = z.clone()
        self.set_values(z[: self.n_sliders].tolist())

    def set_values(self, values) -> None:
        """Set all sliders at once (a sequence of n_sliders floats) with a single decode."""
        values = [float(v) for v in values]
        if len(values) != self.n_sliders:
            raise ValueError(f"expected {self.n_sliders} slider values, got {len(values)}")
        self._busy = True
        try:
            for s, v in zip(self.sliders, values):
                if abs(v) > s.max:  # widen symmetrically, to a whole number of steps
                    m = math.ceil(abs(v) / s.step) * s.step
                    s.min, s.max = -m, m
                s.value = v
        finally:
            self._busy = False
        self._redraw()

    # -- buttons ----------------------------------------------------------------------------------
    def random_draw(self) -> None:
        """'random draw': base := z ~ N(0, I) (seeded sequence); sliders take its values."""
        self.set_code(torch.randn(self.code_size, generator=self._generator))

    def reset(self) -> None:
        """'reset': sliders back to the base code (zeros, the last random draw or the last real digit)."""
        self.set_values(self.base[: self.n_sliders].tolist())

    def start_from(self, index: int) -> None:
        """Encode real digit ``images[index]``, show it, and set the sliders to its code."""
        if self._encode is None:
            raise RuntimeError("this explorer was built without encode and images")
        n = self._images.shape[0]
        if not 0 <= index < n:
            raise IndexError(f"index must be in [0, {n - 1}], got {index}")
        image = self._images[index: index + 1]
        self.real_image.value = image_to_png(image, 4)
        self.set_code(_encode_one(self._encode, image, self.code_size))

    def _pick_random_digit(self) -> None:
        n = self._images.shape[0]
        index = int(torch.randint(n, (1,), generator=self._generator))
        if index == self.index_box.value:
            self.start_from(index)  # the observer does not fire when the value is unchanged
        else:
            self.index_box.value = index  # the observer calls start_from once


def latent_explorer(decode: Callable[[torch.Tensor], torch.Tensor], code_size: int, *, encode=None,
                    images=None, n_sliders: int | None = None, limit: float = 3.0,
                    seed: int = 0) -> LatentExplorer:
    """Sliders over a latent code, with the decoded digit redrawn live as they move.

    Args:
        decode: codes float32 (B, code_size) -> images (B, 1, 28, 28) in [0, 1] (CPU tensors in and
            out). It is checked once on a zero code when the widget is built.
        code_size: length of one code, int >= 1.
        encode: optional, images (B, 1, 28, 28) -> codes (B, code_size). Together with ``images``
            it adds "start from a real digit": an index box and a "random digit" button that encode
            ``images[i]``, show it beside the decoded digit and set the sliders to its code. The
            widget opens on ``images[0]``; without encode it opens on the zero code.
        images: optional tensor (N, 1, 28, 28) in [0, 1], e.g. test images.
        n_sliders: how many sliders; by default one per coordinate when code_size <= 8, else 8.
            With fewer sliders than coordinates, slider k moves coordinate k (k < n_sliders) and the
            other coordinates keep the value of the base code (zeros at first, then the last random
            draw or encoded digit). For an isotropic prior such as a GAN's N(0, I) noise, the first
            axes are as good a choice of directions as any.
        limit: sliders span [-limit, limit] (> 0) in steps of limit/100; a code from "random draw" or
            an encoded digit that falls outside widens that slider's range to fit.
        seed: seeds the generator behind "random draw" and "random digit" (reproducible sequence).

    Returns:
        A :class:`LatentExplorer` (an ipywidgets VBox): display it as a cell's last expression.
        ``.sliders``, ``.image``, ``.png``, ``.code()``, ``.set_values()``, ``.set_code()``,
        ``.random_button``, ``.reset_button``, ``.index_box``, ``.real_random_button`` are public.

    Raises:
        TypeError / ValueError: non-callable decode, code_size not a positive int, decode output not
            a finite float tensor (1, 1, 28, 28) in [0, 1] for a zero code, images not (N, 1, 28, 28),
            encode output not (1, code_size), only one of encode/images given, bad n_sliders or limit.
    """
    return LatentExplorer(decode, code_size, encode=encode, images=images, n_sliders=n_sliders,
                          limit=limit, seed=seed)


# --------------------------------------------------------------------------------------------
# Interpolation explorer
# --------------------------------------------------------------------------------------------
class InterpolationExplorer(_Explorer):
    """A slider t in [0, 1] along the line between two codes; build it with :func:`interpolation_explorer`.

    Attributes:
        t_slider: :class:`ipywidgets.FloatSlider` over [0, 1], step 0.01.
        image: :class:`ipywidgets.Image`, the digit decoded from ``code()`` (224x224 PNG).
        start_image, end_image: smaller images of the two endpoints (t = 0 and t = 1).
        z_start, z_end: the two codes, float32 (code_size,).
        n_decodes: number of decode calls so far.
    """

    def __init__(self, decode, z_start, z_end):
        super().__init__()
        z_start = _as_code(z_start, "z_start")
        z_end = _as_code(z_end, "z_end", z_start.numel())
        code_size = z_start.numel()
        _check_decode(decode, code_size)
        self._init_decoder(decode, code_size)
        self.z_start, self.z_end = z_start, z_end
        with torch.no_grad():
            ends = _check_decoded(decode(torch.stack([z_start, z_end])), 2, "the two codes z_start, z_end")
        self.n_decodes += 1
        self.start_image = _image_widget(image_to_png(ends[0], 4), _SIDE * 4)
        self.end_image = _image_widget(image_to_png(ends[1], 4), _SIDE * 4)
        self.t_slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.01, description="t",
                                            continuous_update=True, readout_format=".2f",
                                            layout=widgets.Layout(width="420px"))
        self.t_slider.observe(self._redraw, names="value")
        self.image = _image_widget(self._render(self.code()), _SIDE * SCALE)
        self.image.add_class("interpolation-explorer-image")
        row = widgets.HBox([widgets.VBox([widgets.HTML("t = 0"), self.start_image]), self.image,
                            widgets.VBox([widgets.HTML("t = 1"), self.end_image])],
                           layout=widgets.Layout(align_items="center"))
        self.children = [row, self.t_slider]
        self.add_class("genmodels-interpolation-explorer")

    def code(self) -> torch.Tensor:
        """The code now decoded: ``(1 - t) * z_start + t * z_end``, float32 (code_size,)."""
        t = float(self.t_slider.value)
        return torch.lerp(self.z_start, self.z_end, t) if 0.0 < t < 1.0 else (
            self.z_start.clone() if t <= 0.0 else self.z_end.clone())


def interpolation_explorer(decode: Callable[[torch.Tensor], torch.Tensor], z_start: torch.Tensor,
                           z_end: torch.Tensor) -> InterpolationExplorer:
    """A slider t in [0, 1] that decodes ``(1 - t) * z_start + t * z_end`` live.

    Args:
        decode: codes float32 (B, D) -> images (B, 1, 28, 28) in [0, 1]; checked on a zero code and on
            the two endpoints when the widget is built.
        z_start, z_end: two codes of the same length D, each of shape (D,) or (1, D) (so one row of
            an encoder's output can be passed as is); finite values.

    Returns:
        An :class:`InterpolationExplorer` (an ipywidgets VBox) showing the two endpoints and the
        interpolated digit; ``.t_slider``, ``.image``, ``.png``, ``.code()`` are public.

    Raises:
        TypeError / ValueError: codes of the wrong type/shape or different lengths, non-callable
            decode, decode output not a finite float tensor (B, 1, 28, 28) in [0, 1].
    """
    return InterpolationExplorer(decode, z_start, z_end)
