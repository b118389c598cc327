"""A training loop's progress: the bar, the live picture, the stop button and the clock (helpers.Progress)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch

import helpers
from helpers import training


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_live_view_draws_nothing_outside_a_notebook():
    view = training.LiveView("training", total=10, seconds=0.0)
    assert not view.due() and not view.due(final=True)
    view.show(torch.rand(16, 1, 28, 28), {"loss": [1.0, 0.5]}, 2)  # a no-op: a script or test trains undisturbed


def live_view(monkeypatch, seconds):
    """A LiveView that believes it runs in a notebook, and the list of what it displayed."""
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id):
        assert display_id is True
        shown.append(("display", obj))
        return Handle()

    monkeypatch.setattr("IPython.display.display", display)
    monkeypatch.setattr(training, "_in_a_notebook", lambda: True)
    return training.LiveView("demo", total=100, seconds=seconds), shown


def test_the_live_view_redraws_one_picture_in_place(monkeypatch):
    view, shown = live_view(monkeypatch, seconds=0.0)
    figures_before = plt.get_fignums()
    assert view.due()
    view.show(torch.rand(24, 1, 28, 28), {"D loss": [1.0] * 50, "G loss": [0.5] * 50}, 50)
    view.show(torch.rand(24, 1, 28, 28), {"D loss": [1.0] * 100, "G loss": [0.5] * 100}, 100)
    assert [kind for kind, _ in shown] == ["display", "update"]  # one output, replaced: the last one stays
    assert all(obj.data.startswith(b"\x89PNG") for _, obj in shown)
    assert plt.get_fignums() == figures_before  # not a pyplot figure: the cell does not show it a second time


def test_the_live_view_waits_between_redraws_but_always_draws_the_end(monkeypatch):
    view, shown = live_view(monkeypatch, seconds=60.0)
    assert not view.due()  # nothing to see at step 0: the first picture comes after `seconds`
    assert view.due(final=True)
    view.show(torch.rand(8, 1, 28, 28), {"loss": [0.3, 0.2]}, 2)
    assert not view.due() and len(shown) == 1


def test_the_live_view_says_what_is_wrong_with_its_images(monkeypatch):
    view, _ = live_view(monkeypatch, seconds=0.0)
    with pytest.raises(ValueError, match="images"):
        view.show(torch.rand(8, 3, 28, 28), {"loss": [0.3]}, 1)  # colour images: not what the notebooks draw


def test_the_live_view_clips_values_instead_of_stopping_the_training(monkeypatch):
    """A model without its final sigmoid (notebook 1's exercise 2) overshoots [0, 1]: drawn clipped, no error."""
    view, shown = live_view(monkeypatch, seconds=0.0)
    view.show(torch.rand(8, 1, 28, 28) * 1.4 - 0.2, {"loss": [0.3]}, 1)
    assert len(shown) == 1


def test_progress_counts_steps_times_the_loop_and_says_so(capsys):
    with helpers.Progress(5, "demo") as progress:
        for _ in range(5):
            progress.step()
        progress.show(epoch=1, loss=0.25)
    assert progress.steps == 5 and progress.seconds >= 0 and not progress.interrupted
    assert "demo: 5 steps in 0 s" in capsys.readouterr().out


def test_the_stop_button_ends_the_loop_not_the_cell_and_keeps_a_true_history(capsys):
    history = []
    with helpers.Progress(100, "demo") as progress:
        for step in range(100):
            if step == 3:
                raise KeyboardInterrupt            # what Jupyter's stop button raises
            history.append(step)
            progress.step()
    assert history == [0, 1, 2] and progress.steps == 3 and progress.interrupted
    assert "stopped after 3 of 100 steps" in capsys.readouterr().out


def test_other_errors_are_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        with helpers.Progress(3, "demo"):
            1 / 0


@pytest.mark.parametrize("steps", [0, -2, 2.5, True, "10"])
def test_progress_says_when_there_is_nothing_to_train(steps):
    with pytest.raises(ValueError, match="my model: nothing to train.*at least one epoch"):
        helpers.Progress(steps, "my model")


def test_progress_draws_the_live_picture_when_due_and_at_the_end(monkeypatch):
    shown = []
    monkeypatch.setattr(training, "_in_a_notebook", lambda: True)
    monkeypatch.setattr(training.LiveView, "show", lambda self, images, curves, step: shown.append((step, dict(curves))))
    losses = []
    with helpers.Progress(4, "demo", pictures=lambda: torch.rand(8, 1, 28, 28), curves={"loss": losses},
                          seconds=0.0) as progress:
        for step in range(4):
            losses.append(1.0 / (step + 1))
            progress.step()
    assert [step for step, _ in shown] == [1, 2, 3, 4, 4]   # every step (due at once), then the final picture
    assert shown[-1][1]["loss"] == losses
