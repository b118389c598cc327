"""Training runs on disk: safetensors weight files, and helpers.trained, the one train-or-load call."""

import json
import os
import stat

import pytest
import torch
from torch import nn

import helpers
from helpers import checkpoints, env


class Tiny(nn.Module):
    def __init__(self, width=3):
        super().__init__()
        self.fc = nn.Linear(2, width)
        self.bn = nn.BatchNorm1d(width)


def test_weights_round_trip_with_metadata(tmp_path):
    model = Tiny()
    model.bn.running_mean += 1.5  # buffers travel too
    path = checkpoints.save_weights(model, tmp_path / "sub" / "tiny.safetensors", metadata={"epochs": 3})
    other = helpers.load_weights(Tiny(), path)
    for (k, a), (_, b) in zip(model.state_dict().items(), other.state_dict().items()):
        assert torch.equal(a, b), k
    meta = checkpoints.read_metadata(path)
    assert meta["epochs"] == "3" and meta["model"] == "Tiny"


def test_save_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "tiny.safetensors"
    checkpoints.save_weights(Tiny(), path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("stopped mid-save")

    monkeypatch.setattr("safetensors.torch.save_file", crash)
    with pytest.raises(KeyboardInterrupt):
        checkpoints.save_weights(Tiny(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.safetensors"]  # no temporary file left


@pytest.mark.parametrize("case", ["full disk", "folder in its place"])
def test_a_failed_write_names_the_real_cause_and_keeps_the_old_file(tmp_path, monkeypatch, case):
    import errno

    path = tmp_path / "w.safetensors"
    checkpoints.save_weights(Tiny(), path)
    before = path.read_bytes()
    if case == "folder in its place":
        path = tmp_path / "dir.safetensors"
        path.mkdir()
        expected = "Is a directory"
    else:
        expected = os.strerror(errno.ENOSPC)

        def fail(*args, **kwargs):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("safetensors.torch.save_file", fail)
    with pytest.raises(OSError, match=expected) as info:
        checkpoints.save_weights(Tiny(), path)
    assert "Nothing already saved there was changed" in str(info.value)
    assert (tmp_path / "w.safetensors").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_saved_weights_get_the_usual_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = checkpoints.save_weights(torch.nn.Linear(2, 2), tmp_path / "w.safetensors")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_load_shape_mismatch_names_model_file_cause_and_a_remedy_that_keeps_the_work(tmp_path):
    path = checkpoints.save_weights(Tiny(width=3), tmp_path / "tiny.safetensors")
    with pytest.raises(ValueError) as info:
        helpers.load_weights(Tiny(width=4), path)
    message = str(info.value)
    assert "Tiny" in message and "tiny.safetensors" in message and "fc.weight: file (3, 2), model (4, 2)" in message
    assert "its class was edited" in message and "USE_SHIPPED_WEIGHTS = False" in message
    assert "git checkout" not in message, "never advise a command that throws away the learner's notebook"


def test_load_key_mismatch(tmp_path):
    path = checkpoints.save_weights(nn.Sequential(nn.Linear(2, 2)), tmp_path / "seq.safetensors")
    with pytest.raises(ValueError, match="holds the weights of a Sequential, not of a Tiny"):
        helpers.load_weights(Tiny(), path)
    with pytest.raises(ValueError, match="1.weight missing from the file"):
        helpers.load_weights(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)), path)


def test_load_missing_and_corrupt_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"Tiny.*{env.WRITE_WEIGHTS_ENV}=1"):
        helpers.load_weights(Tiny(), tmp_path / "absent.safetensors")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00\x01not safetensors")
    with pytest.raises(ValueError, match="not a readable safetensors file"):
        helpers.load_weights(Tiny(), bad)
    with pytest.raises(TypeError):
        checkpoints.save_weights({"a": torch.zeros(1)}, tmp_path / "x.safetensors")


def test_weights_path():
    assert helpers.weights_path("ae_fc").name == "ae_fc.safetensors"
    assert helpers.weights_path("ae_fc").parent.name == "weights"


@pytest.fixture
def weights_folder(tmp_path, monkeypatch):
    """A data/ folder of its own, and a full run that writes weights."""
    (tmp_path / "mnist").mkdir()
    monkeypatch.setenv(env.DATA_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(env.QUICK_ENV, "0")
    monkeypatch.setenv(env.WRITE_WEIGHTS_ENV, "1")
    monkeypatch.setenv(env.SHIPPED_ENV, "0")
    monkeypatch.setenv(env.TRAIN_ALL_ENV, "0")
    return tmp_path / "weights"


def train_tiny(model):
    with torch.no_grad():
        model.fc.weight += 1
    return {"loss": [0.5, 0.25], "seconds": 1.5, "film": torch.rand(2, 1, 28, 28)}


def test_trained_saves_a_full_run_and_loads_it_back_the_same(weights_folder, capsys):
    model = Tiny()
    history, kept = helpers.trained("tiny", model, shipped=False, train=lambda: train_tiny(model),
                                    keep=lambda: {"mean": model.fc.weight.mean(0)})
    assert "saved tiny.safetensors" in capsys.readouterr().out
    again = Tiny()
    loaded, loaded_kept = helpers.trained("tiny", again, shipped=True, train=None)
    assert torch.equal(again.fc.weight, model.fc.weight)
    assert loaded["loss"] == [0.5, 0.25] and torch.equal(loaded["film"], history["film"])
    assert torch.equal(loaded_kept["mean"], kept["mean"])
    assert "loaded tiny.safetensors (the shipped run, trained in 2 s)" in capsys.readouterr().out
    meta = checkpoints.read_metadata(weights_folder / "tiny.safetensors")
    assert json.loads(meta["history"]) == {"loss": [0.5, 0.25], "seconds": 1.5}   # tensors stored as tensors
    assert helpers.load_weights(Tiny(), weights_folder / "tiny.safetensors")     # history and kept do not get in the way


def test_trained_writes_nothing_unless_asked(weights_folder, monkeypatch):
    monkeypatch.setenv(env.WRITE_WEIGHTS_ENV, "0")
    model = Tiny()
    history, kept = helpers.trained("tiny", model, shipped=False, train=lambda: train_tiny(model))
    assert kept == {} and history["loss"] == [0.5, 0.25]
    assert not weights_folder.exists()


def test_trained_without_a_model_keeps_only_the_history(weights_folder):
    helpers.trained("run", None, shipped=False, train=lambda: {"loss": [1.0]}, keep=lambda: {"n": torch.arange(3)})
    history, kept = helpers.load_run("run")
    assert history == {"loss": [1.0]} and kept["n"].tolist() == [0, 1, 2]


def test_the_shipped_switch_can_be_turned_on_from_outside(weights_folder, monkeypatch):
    model = Tiny()
    helpers.trained("tiny", model, shipped=False, train=lambda: train_tiny(model))
    monkeypatch.setenv(env.SHIPPED_ENV, "1")
    called = []
    helpers.trained("tiny", Tiny(), shipped=False, train=lambda: called.append(1))
    assert not called


def test_a_run_that_trains_everything_trains_what_is_loaded_by_default(weights_folder, monkeypatch):
    model = Tiny()
    helpers.trained("tiny", model, shipped=False, train=lambda: train_tiny(model))
    monkeypatch.setenv(env.TRAIN_ALL_ENV, "1")                  # make extra-runs
    again = Tiny()
    history, _ = helpers.trained("tiny", again, shipped=True, train=lambda: {"loss": [9.0]})
    assert history == {"loss": [9.0]}
    assert helpers.load_run("tiny")[0] == {"loss": [9.0]}        # and the new run is what ships
    monkeypatch.setenv(env.QUICK_ENV, "1")                      # never in quick mode
    history, _ = helpers.trained("tiny", Tiny(), shipped=True, train=lambda: {"loss": [7.0]})
    assert history == {"loss": [9.0]}


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "", "model": Tiny(), "train": lambda: {}}, "the run's name"),
    ({"name": "x", "model": "Tiny", "train": lambda: {}}, "expected a torch.nn.Module"),
    ({"name": "x", "model": Tiny(), "train": None}, "`train` must be a function"),
    ({"name": "x", "model": Tiny(), "train": lambda: [1, 2]}, "must return the training history as a dict"),
])
def test_trained_says_what_was_expected(weights_folder, kwargs, message):
    with pytest.raises(TypeError, match=message):
        helpers.trained(shipped=False, **kwargs)
