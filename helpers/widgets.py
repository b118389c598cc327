"""Latent-space sliders: ``LatentExplorer`` (sliders over a code) and ``InterpolationExplorer``
(one slider along the line between two codes); move a slider and the decoded digit is redrawn at once.
And ``GameStepper``: buttons that train a GAN on 2-D points a few steps at a time and redraw the game;
``SpotTheFake``: a grid of real and generated digits to tell apart, scored on "reveal".

``decode`` maps CPU float32 codes ``(B, code_size)`` to images ``(B, 1, 28, 28)`` in [0, 1] (model in
``eval()`` mode); ``encode`` maps images to codes (for a VAE, the mean). Both are checked when the widget
is built. A move decodes one code on one torch thread (steadier than sharing so little work) and shows a
PNG, each pixel an 8x8 block: no figure is redrawn. JupyterLab hides errors raised in a slider's callback,
so a failed decode or NaN is shown in red under the digit, which keeps the last good picture.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
import numbers
import time
from html import escape

import ipywidgets as widgets
import torch
from PIL import Image as PILImage

from . import site
from .i18n import tr
from .images import check_images

__all__ = ["GameStepper", "InterpolationExplorer", "LatentExplorer", "SpotTheFake"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # the MIME type under which a front end draws a live widget

SCALE = 8        # each of the 28x28 pixels becomes a SCALE x SCALE block of the shown PNG
MAX_SLIDERS = 8  # longer codes get sliders over their first MAX_SLIDERS coordinates only


def image_to_png(image: torch.Tensor, scale: int = SCALE) -> bytes:
    """One image ``(H, W)`` or ``(1, 1, H, W)`` in [0, 1] -> PNG bytes: grey ``round(255 * pixel)`` (clipped,
    NaN as 0), each pixel a ``scale`` x ``scale`` block."""
    pixels = torch.nan_to_num(image.detach().to("cpu", torch.float32).reshape(image.shape[-2:]), nan=0.0)
    pil = PILImage.fromarray((pixels.clamp(0, 1) * 255).round().to(torch.uint8).numpy(), mode="L")
    buf = io.BytesIO()
    pil.resize((pil.width * scale, pil.height * scale), PILImage.NEAREST).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _hint(err: Exception, code_size: int) -> str:
    text = str(err)
    if "more than 1 value per channel" in text:
        return " The model is in training mode (BatchNorm cannot normalise one code): call model.eval() first."
    if isinstance(err, NameError):
        return " A name decode uses is not defined: run the cells above this one first."
    if "shape" in text or "size" in text:
        return f" Does the decoder take codes of length {code_size}?"
    return ""


def _decode(decode, codes: torch.Tensor, what: str) -> torch.Tensor:
    """``decode(codes)``, checked: images ``(B, 1, 28, 28)`` in [0, 1], else an error saying what is wrong."""
    try:
        with torch.no_grad():
            out = decode(codes)
    except Exception as err:
        raise ValueError(f"decode failed on {what} (shape {tuple(codes.shape)}): {type(err).__name__}: {err}."
                         + _hint(err, codes.shape[1])) from err
    images = check_images(out, f"decode's output for {what}")
    if len(images) != len(codes):
        raise ValueError(f"decode's output for {what}: expected {len(codes)} images, got {len(images)}")
    return images


def _as_code(z, name: str, size: int | None = None) -> torch.Tensor:
    """One code of shape ``(D,)`` or ``(1, D)`` -> float32 CPU ``(D,)``."""
    if not isinstance(z, torch.Tensor) or not (z.dim() == 1 or (z.dim() == 2 and len(z) == 1)):
        raise ValueError(f"{name} must be one code, a tensor of shape (D,) or (1, D), got "
                         f"{tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__}")
    z = z.detach().to("cpu", torch.float32).reshape(-1)
    if size is not None and len(z) != size:
        raise ValueError(f"{name} has {len(z)} numbers, expected {size} (both codes must have the same length)")
    if not torch.isfinite(z).all():
        raise ValueError(f"{name} contains NaN or infinite values; expected a finite code")
    return z


@contextlib.contextmanager
def _one_torch_thread():
    """Run the block on one torch thread, then restore the count: steadier and faster for so little work."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _image(png: bytes, side: int) -> widgets.Image:
    return widgets.Image(value=png, format="png", width=side, height=side,
                         layout=widgets.Layout(width=f"{side}px", height=f"{side}px"))


class _Live(widgets.VBox):  # what every widget here shares: a status line, and a still + a sentence on static pages
    _still_width = 112  # pixels: the still on a page without a kernel, and the sentence under it
    _still_note = "A live widget: run the notebook to move it; the picture is its digit when the cell ran."

    def _show_status(self) -> None:
        error = f"<span style='color:#b00020'>&#9888; {escape(self.error)}</span>" if self.error else ""
        self.status.value = "<br>".join(part for part in (escape(self.note), error) if part)

    @property
    def png(self) -> bytes:
        """The PNG now shown."""
        return self.image.value

    def _repr_mimebundle_(self, **kwargs):  # live where a kernel runs; a still and a sentence on a static page
        text = tr(self.what) + tr(". ") + tr(self._still_note)
        png = base64.b64encode(self.png).decode()
        live = getattr(super(), "_repr_mimebundle_", None)  # ipywidgets 8; version 7 (Colab's) has none
        view = live(**kwargs) if live else {WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": self.model_id}}
        return {**view, "text/plain": text, "image/png": png, "text/html":
                f"<figure><img src='data:image/png;base64,{png}' width='{self._still_width}'>"
                f"<figcaption>{escape(text)}</figcaption></figure>"}

    if not hasattr(widgets.Widget, "_repr_mimebundle_"):
        def _ipython_display_(self, **kwargs):  # ipywidgets 7 shows widgets through this hook: the same bundle
            from IPython.display import display

            display(self._repr_mimebundle_(), raw=True)


class _Explorer(_Live):  # what both explorers share: the decode function, the digit, the status line

    def _setup(self, decode, code_size: int) -> None:
        if not callable(decode):
            raise TypeError(f"decode must be a function codes (B, {code_size}) -> images (B, 1, 28, 28), "
                            f"got {type(decode).__name__}")
        self._decode, self.code_size, self.n_decodes = decode, code_size, 0
        self._busy = False  # while True (several sliders set at once), moves do not redraw
        self.note, self.error = "", None
        self.status = widgets.HTML()
        _decode(decode, torch.zeros(1, code_size), "a zero code")  # fails here, not on the first move

    def _render(self, code: torch.Tensor) -> bytes:
        try:
            with _one_torch_thread():
                images = _decode(self._decode, code.reshape(1, -1), "the code shown")
        finally:
            self.n_decodes += 1
        return image_to_png(images[0])

    def _redraw(self, change=None) -> None:
        if self._busy:
            return
        try:
            self.image.value = self._render(self.code())
            self.error = None
        except Exception as err:  # shown in the widget: a callback's traceback would be invisible
            self.error = f"{err} The picture still shows the last code that decoded."
        self._show_status()


class LatentExplorer(_Explorer):
    """Sliders over a latent code beside the decoded digit; display it as a cell's last line.

    encode, images (``(N, 1, 28, 28)`` in [0, 1]): optional, together; the widget then opens on ``images[0]``'s
    code and can start from any real digit (else it opens on a random draw: the zero code is no typical
    input, since a draw from N(0, I) in many dimensions lies far from the centre). n_sliders: one per coordinate up to 8; slider k moves
    coordinate k, the others keep the base code (the last draw or the encoded digit).
    limit: sliders span [-limit, limit], widened to fit a drawn or encoded code. seed: for the random buttons.
    """

    def __init__(self, decode, code_size, *, encode=None, images=None, n_sliders=None, limit=3.0, seed=0):
        super().__init__()
        if isinstance(code_size, bool) or not isinstance(code_size, numbers.Integral) or code_size < 1:
            raise ValueError(f"code_size must be a positive int (the length of one code), got {code_size!r}")
        n_sliders = min(code_size, MAX_SLIDERS) if n_sliders is None else n_sliders
        if isinstance(n_sliders, bool) or not isinstance(n_sliders, numbers.Integral) or not 1 <= n_sliders <= code_size:
            raise ValueError(f"n_sliders must be an int from 1 to code_size={code_size}, got {n_sliders!r}")
        if isinstance(limit, bool) or not isinstance(limit, numbers.Real) or not (math.isfinite(limit) and limit > 0):
            raise ValueError(f"limit must be a positive number (sliders span [-limit, limit]), got {limit!r}")
        if (encode is None) != (images is None):
            raise ValueError("'start from a real digit' needs both encode and images; got only "
                             + ("encode" if images is None else "images"))
        self._setup(decode, int(code_size))
        self.n_sliders, self.limit = int(n_sliders), float(limit)
        self.what = f"Latent explorer: {self.n_sliders} sliders over a {self.code_size}-number code, and the digit it decodes to"
        self._generator = torch.Generator().manual_seed(seed)
        self.base = torch.zeros(self.code_size)
        self.sliders = [widgets.FloatSlider(value=0.0, min=-limit, max=limit, step=limit / 100, description=f"z{k + 1}",
                                            readout_format=".2f", style={"description_width": "3em"},
                                            layout=widgets.Layout(width="340px")) for k in range(self.n_sliders)]
        for s in self.sliders:
            s.observe(self._redraw, names="value")
        self.image = _image(self._render(self.code()), 28 * SCALE)
        self.image.add_class("latent-explorer-image")
        self.random_button, self.reset_button = widgets.Button(description=tr("random draw")), widgets.Button(description=tr("reset"))
        self.random_button.on_click(lambda _: self.random_draw())
        self.reset_button.on_click(lambda _: self.reset())
        buttons, right = [self.random_button, self.reset_button], []
        self.note = (tr("random draw: a new code from N(0, I); reset: back to the last drawn or encoded code")
                     + (tr("; digit #: start from that test digit's code") if encode is not None else "")
                     + (tr(f". Sliders move z1..z{self.n_sliders}; the other {self.code_size - self.n_sliders} coordinates "
                           f"keep that code's values") if self.n_sliders < self.code_size else ""))
        self._encode, self._images = encode, None
        self.index_box = self.real_random_button = self.real_image = None
        if encode is not None:
            if not callable(encode):
                raise TypeError(f"encode must be a function images (B, 1, 28, 28) -> codes (B, {code_size}), "
                                f"got {type(encode).__name__}")
            self._images = check_images(images, "images")
            self._encode_one(self._images[:1])  # fails here, not on the first click
            self.index_box = widgets.BoundedIntText(value=0, min=0, max=len(self._images) - 1, description=tr("digit #"),
                                                    layout=widgets.Layout(width="160px"))
            self.real_random_button = widgets.Button(description=tr("random digit"), icon="random",
                                                     tooltip=tr("start from a randomly picked real digit"))
            self.index_box.observe(lambda change: self._start_from_box(change["new"]), names="value")
            self.real_random_button.on_click(lambda _: self._pick_random_digit())
            self.real_image, self.real_label = _image(image_to_png(self._images[0], 4), 28 * 4), widgets.HTML()
            buttons += [self.index_box, self.real_random_button]
            right = [widgets.VBox([self.real_label, self.real_image])]
        top = widgets.HBox([widgets.VBox(self.sliders), self.image, *right], layout=widgets.Layout(align_items="center"))
        self.children = [top, widgets.HBox(buttons), self.status]
        self.add_class("genmodels-latent-explorer")
        self._show_status()
        if encode is not None:
            self.start_from(0)  # the real digit shown and the sliders agree from the start
        else:
            self.random_draw()  # a typical code: the first of the seeded sequence of draws
        site.record(self)  # only when the website is being built: what its page needs to play this widget

    def _encode_one(self, image: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            code = self._encode(image)
        if isinstance(code, (tuple, list)):
            raise TypeError("encode returned a tuple; it must return one tensor of codes (B, code_size). "
                            "For a VAE pass the mean, e.g. `lambda x: vae.encode(x)[0]`.")
        if not isinstance(code, torch.Tensor) or tuple(code.shape) != (1, self.code_size):
            raise ValueError(f"encode must return codes (B, code_size); for one image expected (1, {self.code_size}), "
                             f"got {tuple(code.shape) if isinstance(code, torch.Tensor) else type(code).__name__}")
        return _as_code(code, "the code encode returned", self.code_size)

    def code(self) -> torch.Tensor:
        """The code decoded, float32 ``(code_size,)``: the base, or a slider's value where it was moved (a browser
        rounds a set code to the slider's step: within half a step the exact code is kept)."""
        z = self.base.clone()
        for k, s in enumerate(self.sliders):
            if abs(s.value - float(z[k])) > s.step / 2:
                z[k] = s.value
        return z

    def set_code(self, z) -> None:
        """Show code ``z`` (``(code_size,)`` or ``(1, code_size)``): it becomes the base; one redraw."""
        self.base = _as_code(z, "z", self.code_size)
        self.set_values(self.base[: self.n_sliders].tolist())

    def set_values(self, values) -> None:
        """Set all sliders at once (n_sliders floats; ranges widen to fit) with a single redraw."""
        values = [float(v) for v in values]
        if len(values) != self.n_sliders:
            raise ValueError(f"expected {self.n_sliders} slider values, got {len(values)}")
        self._busy = True
        try:
            for s, v in zip(self.sliders, values):
                if abs(v) > s.max:  # widen symmetrically, to a whole number of steps
                    s.min, s.max = -math.ceil(abs(v) / s.step) * s.step, math.ceil(abs(v) / s.step) * s.step
                s.value = v
        finally:
            self._busy = False
        self._redraw()

    def random_draw(self) -> None:
        """'random draw': the base becomes a code drawn from N(0, I) (seeded sequence); no real digit is shown."""
        if self.real_image is not None:
            self.real_label.value, self.real_image.value = tr("real digit: none (random code)"), image_to_png(torch.zeros(28, 28), 4)
        self.set_code(torch.randn(self.code_size, generator=self._generator))

    def reset(self) -> None:
        """'reset': sliders back to the base (the last random draw or the last real digit's code)."""
        self.set_values(self.base[: self.n_sliders].tolist())

    def start_from(self, index: int) -> None:
        """Show real digit ``images[index]`` and set the sliders to its code."""
        if self._encode is None:
            raise RuntimeError("this explorer was built without encode and images")
        image = self._images[index: index + 1]
        self.real_label.value, self.real_image.value = tr(f"real digit #{index}"), image_to_png(image, 4)
        self.set_code(self._encode_one(image))

    def _start_from_box(self, index: int) -> None:
        try:
            self.start_from(index)
        except Exception as err:  # shown in the widget: an observer's traceback would be invisible
            self.error = f"encode failed on real digit #{index}: {type(err).__name__}: {err}"
            self._show_status()

    def _pick_random_digit(self) -> None:
        index = int(torch.randint(len(self._images), (1,), generator=self._generator))
        if index == self.index_box.value:
            self.start_from(index)  # the observer does not fire when the value is unchanged
        else:
            self.index_box.value = index  # the observer calls start_from


class InterpolationExplorer(_Explorer):
    """A slider t in [0, 1] decoding ``(1 - t) * z_start + t * z_end`` live, between pictures of both ends;
    z_start, z_end: two codes ``(D,)`` or ``(1, D)`` of the same length."""

    def __init__(self, decode, z_start, z_end):
        super().__init__()
        self.z_start = _as_code(z_start, "z_start")
        self.z_end = _as_code(z_end, "z_end", len(self.z_start))
        self._setup(decode, len(self.z_start))
        self.what = f"Interpolation explorer: a slider t from 0 to 1 along the line between two {self.code_size}-number codes"
        ends = _decode(decode, torch.stack([self.z_start, self.z_end]), "the two codes z_start, z_end")
        self.start_image, self.end_image = (_image(image_to_png(e, 4), 28 * 4) for e in ends)
        self.t_slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.01, description="t",
                                            readout_format=".2f", layout=widgets.Layout(width="420px"))
        self.t_slider.observe(self._redraw, names="value")
        self.image = _image(self._render(self.code()), 28 * SCALE)
        self.image.add_class("interpolation-explorer-image")
        row = widgets.HBox([widgets.VBox([widgets.HTML("t = 0"), self.start_image]), self.image,
                            widgets.VBox([widgets.HTML("t = 1"), self.end_image])],
                           layout=widgets.Layout(align_items="center"))
        self.children = [row, self.t_slider, self.status]
        self.add_class("genmodels-interpolation-explorer")
        site.record(self)

    def code(self) -> torch.Tensor:
        """The code now decoded: ``(1 - t) * z_start + t * z_end``, float32 ``(code_size,)``."""
        t = float(self.t_slider.value)
        return self.z_start.clone() if t <= 0 else self.z_end.clone() if t >= 1 else torch.lerp(self.z_start, self.z_end, t)


class GameStepper(_Live):
    """Buttons that train a GAN on 2-D points a few steps at a time and redraw it (:func:`helpers.plot.plot_game`).

    ``step(n)`` trains ``n`` steps; ``state()`` returns the dict ``plot_game`` draws; ``reset()`` (optional) puts
    both players back where they started. A press runs the steps on one torch thread (faster than two for
    networks this small), then redraws; ``redraw_ms`` keeps how long each redraw took (state, figure and PNG).
    """

    _still_width = 440
    _still_note = "A live widget: run the notebook to press its buttons; the picture is the game when the cell ran."

    def __init__(self, step, state, reset=None, steps=(1, 100)):
        super().__init__()
        for name, function in (("step", step), ("state", state), ("reset", reset)):
            if function is not None and not callable(function):
                raise TypeError(f"{name} must be a function, got {type(function).__name__}")
        if not steps or not all(isinstance(n, int) and n >= 1 for n in steps):
            raise ValueError(f"steps: expected whole numbers >= 1 (one button each), got {steps!r}")
        from matplotlib.figure import Figure

        self._step, self._state, self._reset = step, state, reset
        self.steps_done, self.redraw_ms = 0, []
        self.note, self.error = "", None
        self.what = ("GAN game stepper: buttons that train the generator and discriminator on 2-D points and redraw "
                     "the discriminator's verdict, the real and generated points and the generator's push")
        # 4.4 x 4.4 inches at 100 dpi: the 440 x 440 pixels shown; not a pyplot figure, so drawn only into the widget
        self._figure = Figure(figsize=(4.4, 4.4), dpi=self._still_width / 4.4)
        self._ax = self._figure.add_subplot()
        self.status = widgets.HTML()
        with _one_torch_thread():
            self.image = _image(self._draw(), self._still_width)  # a wrong state() fails here, not on a press
        self.image.add_class("game-stepper-image")
        buttons = []
        for n in steps:
            button = widgets.Button(description=tr(f"{n} step" + ("s" if n > 1 else "")))
            button.on_click(lambda _, n=n: self.advance(n))
            buttons.append(button)
        if reset is not None:
            button = widgets.Button(description=tr("reset"))
            button.on_click(lambda _: self.restart())
            buttons.append(button)
        self.children = [self.image, widgets.HBox(buttons), self.status]
        self.add_class("genmodels-game-stepper")
        site.record(self)

    def _draw(self) -> bytes:
        from .plot import plot_game

        start = time.perf_counter()
        try:
            state = self._state()
        except Exception as err:
            raise ValueError(f"state() failed: {type(err).__name__}: {err}") from err
        self._ax.clear()
        plot_game(state, ax=self._ax, title=f"after {self.steps_done} steps")
        buf = io.BytesIO()
        self._figure.savefig(buf, format="png")
        self.redraw_ms.append(1000 * (time.perf_counter() - start))
        return buf.getvalue()

    def _run(self, action) -> None:
        try:
            with _one_torch_thread():
                action()
                self.image.value = self._draw()
            self.error = None
        except Exception as err:  # shown in the widget: a button callback's traceback would be invisible
            self.error = f"{type(err).__name__}: {err}. The picture still shows the last state drawn."
        self._show_status()

    def advance(self, n: int) -> None:
        """Train ``n`` more steps and redraw (what a step button does)."""
        def action():
            self._step(n)
            self.steps_done += n
        self._run(action)

    def restart(self) -> None:
        """Put both players back at their start and redraw (the reset button)."""
        def action():
            self._reset()
            self.steps_done = 0
        self._run(action)


class SpotTheFake(_Live):
    """Spot the fake: a grid of digits, half of them real and half drawn by a model, in a random order. The learner
    marks the ones they take for generated and presses "reveal": each tile then says what it was, green where the
    guess was right and red where it was wrong, and the status line keeps the score over the rounds played.

    ``real``: real images ``(N, 1, 28, 28)`` in [0, 1] to pick from; ``generate(n)``: ``n`` generated images.
    ``n`` tiles per round (even), ``columns`` per row; ``seed``: the rounds' sequence.
    """

    _tile = 84  # pixels per digit (3 x 28)
    _still_note = "A live widget: run the notebook to play it; the picture is its first round, unrevealed."

    def __init__(self, real, generate, n: int = 16, columns: int = 4, seed: int = 0):
        super().__init__()
        if isinstance(n, bool) or not isinstance(n, int) or n < 2 or n % 2:
            raise ValueError(f"n: expected an even number of tiles >= 2 (half real, half generated), got {n!r}")
        if not callable(generate):
            raise TypeError(f"generate must be a function n -> n generated images (B, 1, 28, 28), got "
                            f"{type(generate).__name__}")
        self._real = check_images(real, "real", min_count=n // 2)
        self._generate, self.n, self.columns = generate, n, columns
        self._generator = torch.Generator().manual_seed(seed)
        self.rounds = []  # per revealed round: (right, found, false alarms)
        self.note, self.error = "", None
        self.what = (f"Spot the fake: {n} digits, half real and half generated; mark the ones you think a model drew, "
                     f"then reveal")
        self._still_width = columns * (self._tile + 6)
        self.status = widgets.HTML()
        self.tiles = [_image(b"", self._tile) for _ in range(n)]
        self.marks = [widgets.ToggleButton(description=tr("fake?"), layout=widgets.Layout(width=f"{self._tile}px"))
                      for _ in range(n)]
        cells = [widgets.VBox([tile, mark]) for tile, mark in zip(self.tiles, self.marks)]
        grid = widgets.GridBox(cells, layout=widgets.Layout(
            grid_template_columns=f"repeat({columns}, {self._tile + 6}px)", grid_gap="4px"))
        self.reveal_button = widgets.Button(description=tr("reveal"), button_style="info")
        self.reveal_button.on_click(lambda _: self.reveal())
        self.new_button = widgets.Button(description=tr("new round"))
        self.new_button.on_click(lambda _: self.new_round())
        self.children = [grid, widgets.HBox([self.reveal_button, self.new_button]), self.status]
        self.add_class("genmodels-spot-the-fake")
        self._deal()  # a generate that fails, fails here, with its message, not on the first press
        site.record(self)

    @property
    def png(self) -> bytes:
        """The round's grid as one picture (the still on a page without a kernel)."""
        from torchvision.utils import make_grid

        grid = make_grid(self._images, nrow=self.columns, padding=2, pad_value=1.0)[0]
        return image_to_png(grid, 2)

    def _deal(self) -> None:
        half = self.n // 2
        fakes = check_images(self._generate(half), f"generate({half})", min_count=half)[:half]
        reals = self._real[torch.randperm(len(self._real), generator=self._generator)[:half]]
        order = torch.randperm(self.n, generator=self._generator)
        self._images = torch.cat([reals, fakes])[order]                    # (n, 1, 28, 28)
        self.is_fake = (order >= half).tolist()                            # which tiles a model drew
        for tile, mark, image in zip(self.tiles, self.marks, self._images):
            tile.value = image_to_png(image, 3)
            mark.value, mark.disabled, mark.button_style, mark.description = False, False, "", tr("fake?")
        self.revealed = False
        self.note = tr(f"Mark the {half} digits you think a model drew, then press reveal.")

    def _run(self, action) -> None:
        try:
            action()
            self.error = None
        except Exception as err:  # shown in the widget: a button callback's traceback would be invisible
            self.error = f"{type(err).__name__}: {err}"
        self._show_status()

    def new_round(self) -> None:
        """Deal a new grid (the "new round" button)."""
        self._run(self._deal)

    def reveal(self) -> None:
        """Say what each tile was and score the marks (the "reveal" button); a second press does nothing."""
        def action():
            if self.revealed:
                return
            marked = [m.value for m in self.marks]
            for mark, fake, guess in zip(self.marks, self.is_fake, marked):
                mark.disabled = True
                mark.button_style = "success" if guess == fake else "danger"
                mark.description = tr("fake") if fake else tr("real")   # short enough for the button
            right = sum(g == f for g, f in zip(marked, self.is_fake))
            found = sum(g and f for g, f in zip(marked, self.is_fake))
            false_alarms = sum(g and not f for g, f in zip(marked, self.is_fake))
            self.rounds.append((right, found, false_alarms))
            total = sum(r for r, _, _ in self.rounds)
            self.revealed = True
            self.note = (tr(f"{right} of {self.n} right: you found {found} of {self.n // 2} generated digits and took "
                            f"{false_alarms} real ones for generated.") + " " +
                         tr(f"Rounds so far: {len(self.rounds)}, {total} of {len(self.rounds) * self.n} right "
                            f"(guessing gets about half)."))
        self._run(action)


