"""The latent-space widgets, driven from Python (no browser): images, codes, buttons and errors."""

import base64
import io

import pytest
import torch
from PIL import Image
from torch import nn

from helpers import widgets as W


class TinyDecoder(nn.Module):
    """codes (B, D) -> images (B, 1, 28, 28) in (0, 1): a Linear layer and a sigmoid."""

    def __init__(self, code_size):
        super().__init__()
        torch.manual_seed(0)
        self.fc = nn.Linear(code_size, 28 * 28)
        nn.init.normal_(self.fc.weight, std=2.0)  # strong enough that small moves change pixels

    def forward(self, z):
        return torch.sigmoid(self.fc(z)).view(-1, 1, 28, 28)


class TinyEncoder(nn.Module):
    def __init__(self, code_size):
        super().__init__()
        torch.manual_seed(1)
        self.fc = nn.Linear(28 * 28, code_size)

    def forward(self, x):
        return self.fc(x.flatten(1))


def png_to_tensor(png: bytes) -> torch.Tensor:
    """PNG bytes -> uint8 tensor (H, W) (greyscale)."""
    img = Image.open(io.BytesIO(png))
    assert img.mode == "L"
    return torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).view(img.height, img.width)


def expected_pixels(decode, code):
    """What the widget must show for `code`: round(255 * decode(code)), each pixel an 8x8 block."""
    with torch.no_grad():
        img = decode(code.view(1, -1))[0, 0]
    small = (img * 255).round().to(torch.uint8)
    return small.repeat_interleave(W.SCALE, 0).repeat_interleave(W.SCALE, 1)


@pytest.fixture
def dec2():
    return TinyDecoder(2).eval()


def test_sliders_redraw_exactly_the_decoded_digit(dec2):
    w = W.LatentExplorer(dec2, 2)
    assert len(w.sliders) == 2 and all(s.continuous_update for s in w.sliders)
    assert [s.description for s in w.sliders] == ["z1", "z2"]
    first_draw = torch.randn(2, generator=torch.Generator().manual_seed(0))  # no encoder: it opens on a draw
    assert torch.equal(w.code(), first_draw)
    shown = png_to_tensor(w.png)
    assert shown.shape == (224, 224)
    assert torch.equal(shown, expected_pixels(dec2, first_draw))

    before, n = w.png, w.n_decodes
    w.sliders[0].value = 1.5
    assert w.n_decodes == n + 1
    assert w.png != before and w.image.value == w.png
    assert torch.equal(w.code(), torch.tensor([1.5, first_draw[1]]))
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec2, torch.tensor([1.5, first_draw[1]])))

    w.sliders[1].value = -2.25
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec2, torch.tensor([1.5, -2.25])))


def test_set_values_decodes_once(dec2):
    w = W.LatentExplorer(dec2, 2)
    n = w.n_decodes
    w.set_values([0.5, -0.5])
    assert w.n_decodes == n + 1
    assert torch.equal(w.code(), torch.tensor([0.5, -0.5]))
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec2, w.code()))
    with pytest.raises(ValueError, match="expected 2 slider values, got 3"):
        w.set_values([0, 0, 0])


def test_large_code_gets_few_sliders_and_buttons_work():
    dec = TinyDecoder(32).eval()
    w = W.LatentExplorer(dec, 32, seed=3)
    assert len(w.sliders) == W.MAX_SLIDERS
    assert torch.equal(w.code(), torch.randn(32, generator=torch.Generator().manual_seed(3)))  # opens on a draw

    first = w.png
    n = w.n_decodes
    w.random_button.click()
    assert w.n_decodes == n + 1  # one decode for a whole new code
    drawn = w.base.clone()
    assert drawn.abs().sum() > 0
    assert torch.equal(w.code(), drawn)  # slider values and hidden coordinates both from the draw
    assert [s.value for s in w.sliders] == pytest.approx(drawn[: W.MAX_SLIDERS].tolist())
    assert w.png != first
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec, drawn))

    w.sliders[2].value = 2.0  # nudge one direction; the other 31 coordinates stay
    nudged = drawn.clone()
    nudged[2] = 2.0
    assert torch.equal(w.code(), nudged)

    w.reset_button.click()
    assert torch.equal(w.code(), drawn)
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec, drawn))

    w.random_button.click()
    assert not torch.equal(w.base, drawn)  # a second draw differs from the first

    again = W.LatentExplorer(dec, 32, seed=3)
    again.random_button.click()
    assert torch.equal(again.base, drawn)  # same seed, same sequence


def test_n_sliders_on_a_small_code():
    dec = TinyDecoder(4).eval()
    w = W.LatentExplorer(dec, 4, n_sliders=2)
    assert len(w.sliders) == 2
    w.sliders[1].value = 1.0
    expected = w.base.clone()
    expected[1] = 1.0
    assert torch.equal(w.code(), expected)


def test_start_from_a_real_digit(dec2):
    enc = TinyEncoder(2).eval()
    torch.manual_seed(5)
    images = torch.rand(6, 1, 28, 28)
    w = W.LatentExplorer(dec2, 2, encode=enc, images=images, limit=0.05)
    with torch.no_grad():
        assert torch.allclose(w.code(), enc(images[:1])[0], atol=1e-6)  # opens on images[0]

    w.index_box.value = 4
    with torch.no_grad():
        z = enc(images[4:5])[0]
    assert torch.allclose(w.code(), z, atol=1e-6)
    assert [s.value for s in w.sliders] == pytest.approx(z.tolist())
    # sliders widen rather than clip when the code lies outside [-limit, limit]
    assert z.abs().min() > 0.05
    assert all(s.min <= s.value <= s.max and s.max > 0.05 for s in w.sliders)
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec2, w.code()))
    real = png_to_tensor(w.real_image.value)
    assert torch.equal(real[::4, ::4], (images[4, 0] * 255).round().to(torch.uint8))

    w.sliders[0].value = w.sliders[0].value + 0.3  # nudge, then reset goes back to the digit's code
    w.reset_button.click()
    assert torch.allclose(w.code(), z, atol=1e-6)

    w.real_random_button.click()
    i = w.index_box.value
    with torch.no_grad():
        zi = enc(images[i: i + 1])[0]
    assert torch.allclose(w.code(), zi, atol=1e-6)


def test_interpolation_endpoints_and_midpoint(dec2):
    a, b = torch.tensor([1.0, -2.0]), torch.tensor([[-0.5, 2.5]])  # (D,) and (1, D) both accepted
    w = W.InterpolationExplorer(dec2, a, b)
    assert (w.t_slider.min, w.t_slider.max) == (0.0, 1.0) and w.t_slider.continuous_update
    assert torch.equal(w.code(), a)
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec2, a))
    start = w.png
    w.t_slider.value = 1.0
    assert torch.equal(w.code(), b[0])
    assert torch.equal(png_to_tensor(w.png), expected_pixels(dec2, b[0]))
    w.t_slider.value = 0.5
    assert torch.allclose(w.code(), (a + b[0]) / 2)
    assert w.png != start
    assert torch.equal(png_to_tensor(w.start_image.value)[::4, ::4], expected_pixels(dec2, a)[::8, ::8])


def test_image_to_png_scales_and_quantises():
    img = torch.tensor([[0.0, 1.0], [0.5, 0.2]])
    px = png_to_tensor(W.image_to_png(img, scale=3))
    assert px.shape == (6, 6)
    assert px[0, 0] == 0 and px[2, 5] == 255 and px[5, 0] == 128 and px[4, 4] == 51


# ---- bad input: clear errors at build time -----------------------------------------------


@pytest.mark.parametrize("code_size", [0, -3, 2.0, "2", True])
def test_bad_code_size(dec2, code_size):
    with pytest.raises(ValueError, match="code_size must be a positive int"):
        W.LatentExplorer(dec2, code_size)


def test_decode_not_callable():
    with pytest.raises(TypeError, match="decode must be a function"):
        W.LatentExplorer(torch.zeros(3), 2)


@pytest.mark.parametrize("decode, exc, msg", [
    (lambda z: torch.zeros(len(z), 784), ValueError, r"shape \(N, 1, 28, 28\), got \(1, 784\)"),
    (lambda z: torch.zeros(len(z), 1, 28, 28, dtype=torch.uint8), ValueError, "divide bytes"),
    (lambda z: torch.zeros(len(z), 1, 28, 28).numpy(), TypeError, "torch.Tensor.*ndarray"),
    (lambda z: torch.full((len(z), 1, 28, 28), float("nan")), ValueError, "NaN"),
    (lambda z: -torch.ones(len(z), 1, 28, 28), ValueError, r"\[0, 1\].*tanh"),
])
def test_bad_decoder_output_uses_the_shared_image_check(decode, exc, msg):
    with pytest.raises(exc, match="decode's output for a zero code: .*" + msg):
        W.LatentExplorer(decode, 2)


def test_decode_failures_name_their_likely_cause(dec2):
    with pytest.raises(ValueError, match=r"zero code \(shape \(1, 5\)\).*codes of length 5"):
        W.LatentExplorer(dec2, 5)
    in_training = nn.Sequential(nn.Linear(2, 784), nn.BatchNorm1d(784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))
    with pytest.raises(ValueError, match="training mode.*model.eval"):
        W.LatentExplorer(in_training, 2)
    with pytest.raises(ValueError, match="run the cells above"):
        W.LatentExplorer(lambda z: undefined_model(z), 2)  # noqa: F821 - a cell run out of order


def test_a_failure_or_nan_during_a_move_is_shown_in_the_widget():
    broken = {"on": False}

    def decode(z):
        if broken["on"] == "raise":
            raise RuntimeError("the model was deleted")
        return torch.full((len(z), 1, 28, 28), float("nan") if broken["on"] else 0.5)

    w = W.LatentExplorer(decode, 2)
    good = w.png
    broken["on"] = True
    w.sliders[0].value = 1.0
    assert "NaN" in w.status.value and "last code that decoded" in w.status.value and w.png == good
    broken["on"] = "raise"
    w.sliders[0].value = 2.0
    assert "the model was deleted" in w.status.value
    broken["on"] = False
    w.sliders[0].value = 0.5
    assert "last code that decoded" not in w.status.value and w.error is None


def test_bad_images_and_encode(dec2):
    enc = TinyEncoder(2)
    with pytest.raises(ValueError, match=r"images: expected shape \(N, 1, 28, 28\), got \(4, 1, 3, 28\)"):
        W.LatentExplorer(dec2, 2, encode=enc, images=torch.rand(4, 3, 28))
    with pytest.raises(ValueError, match="needs both encode and images"):
        W.LatentExplorer(dec2, 2, encode=enc)
    with pytest.raises(ValueError, match=r"expected \(1, 2\), got \(1, 3\)"):
        W.LatentExplorer(dec2, 2, encode=TinyEncoder(3), images=torch.rand(4, 1, 28, 28))
    with pytest.raises(TypeError, match="tuple.*vae.encode"):
        W.LatentExplorer(dec2, 2, encode=lambda x: (enc(x), enc(x)), images=torch.rand(4, 1, 28, 28))


def test_bad_n_sliders_and_limit(dec2):
    with pytest.raises(ValueError, match="n_sliders must be an int from 1 to code_size=2, got 3"):
        W.LatentExplorer(dec2, 2, n_sliders=3)
    with pytest.raises(ValueError, match="limit must be a positive"):
        W.LatentExplorer(dec2, 2, limit=0)


def test_bad_interpolation_codes(dec2):
    with pytest.raises(ValueError, match=r"z_end has 3 numbers, expected 2"):
        W.InterpolationExplorer(dec2, torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match=r"z_start must be one code.*got \(4, 2\)"):
        W.InterpolationExplorer(dec2, torch.zeros(4, 2), torch.zeros(2))
    with pytest.raises(ValueError, match="z_start must be one code.*list"):
        W.InterpolationExplorer(dec2, [0.0, 0.0], torch.zeros(2))
    with pytest.raises(ValueError, match="NaN"):
        W.InterpolationExplorer(dec2, torch.tensor([float("nan"), 0.0]), torch.zeros(2))


def test_a_real_digits_code_is_shown_exactly_though_the_browser_rounds_the_sliders(dec2):
    enc = TinyEncoder(2)
    images = torch.rand(4, 1, 28, 28)
    w = W.LatentExplorer(dec2, 2, encode=enc, images=images, limit=3.0)
    exact = enc(images[:1])[0].detach()
    for s in w.sliders:  # what a browser does: round the value it was given to the slider's step
        s.value = round(s.value / s.step) * s.step
    assert torch.allclose(w.code(), exact) and w.png == W.image_to_png(dec2(exact.view(1, -1))[0])
    w.sliders[0].value = w.sliders[0].value + 0.5  # a real move is followed
    assert w.code()[0] == pytest.approx(w.sliders[0].value)


def test_buttons_are_explained_and_a_random_draw_shows_no_real_digit(dec2):
    w = W.LatentExplorer(dec2, 2, encode=TinyEncoder(2), images=torch.rand(4, 1, 28, 28))
    assert "random draw: a new code from N(0, I)" in w.status.value and "digit #" in w.status.value
    assert w.real_label.value == "real digit #0"
    w.random_draw()
    assert "none" in w.real_label.value
    w.start_from(2)
    assert w.real_label.value == "real digit #2"


def test_display_gives_the_live_widget_a_still_and_a_sentence(dec2, monkeypatch):
    w = W.LatentExplorer(dec2, 2)
    bundle = w._repr_mimebundle_()
    assert bundle[W.WIDGET_VIEW]["model_id"] == w.model_id  # what a front end with a kernel draws live
    assert base64.b64decode(bundle["image/png"]) == w.png     # what a static page shows instead
    assert "Latent explorer" in bundle["text/plain"] and "<img" in bundle["text/html"]
    if hasattr(w, "_ipython_display_"):  # ipywidgets 7 (Colab) displays through this hook: same bundle
        shown = []
        monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
        w._ipython_display_()
        assert shown == [(w._repr_mimebundle_(), True)]


class PointGame:
    """A stand-in for notebook 2b's game: one generated point cloud that `step(n)` shifts right by n / 10."""

    def __init__(self):
        self.shift, self.steps_asked = 0.0, []

    def step(self, n):
        self.steps_asked.append(n)
        self.shift += n / 10

    def state(self):
        fake = torch.zeros(20, 2) + torch.tensor([self.shift, 0.0])
        return {"real": torch.ones(20, 2), "fake": fake, "prob": torch.rand(8, 8, generator=torch.Generator().manual_seed(0)),
                "push": torch.ones(20, 2), "limit": 3.0}

    def reset(self):
        self.shift = 0.0


def test_game_stepper_buttons_train_redraw_and_reset():
    game = PointGame()
    w = W.GameStepper(step=game.step, state=game.state, reset=game.reset)
    one, hundred, reset = w.children[1].children
    assert [b.description for b in (one, hundred, reset)] == ["1 step", "100 steps", "reset"]
    first = w.png
    one.click()
    assert game.steps_asked == [1] and w.steps_done == 1 and w.png != first
    hundred.click()
    assert game.steps_asked == [1, 100] and w.steps_done == 101
    reset.click()
    assert w.steps_done == 0 and game.shift == 0.0 and w.png == first
    assert len(w.redraw_ms) == 4 and all(ms > 0 for ms in w.redraw_ms)
    bundle = w._repr_mimebundle_()
    assert "image/png" in bundle and "GAN game stepper" in bundle["text/plain"]


def test_game_stepper_reports_errors_in_place():
    game = PointGame()
    w = W.GameStepper(step=lambda n: 1 / 0, state=game.state)
    before = w.png
    w.advance(1)
    assert "ZeroDivisionError" in w.status.value and w.png == before and w.steps_done == 0
    with pytest.raises(ValueError, match=r"state\(\) failed: KeyError"):
        W.GameStepper(step=game.step, state=lambda: {}["real"])
    with pytest.raises(ValueError, match=r"missing \['fake'\]"):
        W.GameStepper(step=game.step, state=lambda: {"real": torch.zeros(3, 2), "limit": 3.0})
    with pytest.raises(ValueError, match=r"expected points \(N, 2\)"):
        W.GameStepper(step=game.step, state=lambda: {**game.state(), "fake": torch.zeros(3, 3)})
    with pytest.raises(TypeError, match="step must be a function"):
        W.GameStepper(step=5, state=game.state)


def test_spot_the_fake_deals_half_real_half_generated_and_scores_the_marks():
    from helpers.widgets import SpotTheFake

    real = torch.zeros(40, 1, 28, 28)                                     # real digits: black
    game = SpotTheFake(real, lambda n: torch.ones(n, 1, 28, 28), n=8, columns=4, seed=1)   # generated: white
    assert sum(game.is_fake) == 4 and len(game.tiles) == 8
    assert all(bytes(t.value).startswith(b"\x89PNG") for t in game.tiles) and game.png.startswith(b"\x89PNG")
    for mark, fake in zip(game.marks, game.is_fake):                     # mark every generated one, and one real
        mark.value = fake
    first_real = game.is_fake.index(False)
    game.marks[first_real].value = True
    game.reveal()
    assert game.rounds == [(7, 4, 1)]
    assert "7 of 8 right: you found 4 of 4 generated digits and took 1 real ones" in game.status.value
    assert game.marks[first_real].button_style == "danger" and all(m.disabled for m in game.marks)
    game.reveal()                                                         # a second press changes nothing
    assert game.rounds == [(7, 4, 1)]
    game.new_round()
    assert not any(m.value or m.disabled for m in game.marks) and "Rounds so far" not in game.status.value


def test_spot_the_fake_says_what_it_needs():
    from helpers.widgets import SpotTheFake

    with pytest.raises(ValueError, match="even number of tiles"):
        SpotTheFake(torch.zeros(40, 1, 28, 28), lambda n: torch.ones(n, 1, 28, 28), n=7)
    with pytest.raises(TypeError, match="generate must be a function"):
        SpotTheFake(torch.zeros(40, 1, 28, 28), torch.ones(8, 1, 28, 28))
    with pytest.raises(ValueError, match="tanh gives"):
        SpotTheFake(torch.zeros(40, 1, 28, 28), lambda n: -torch.ones(n, 1, 28, 28))
