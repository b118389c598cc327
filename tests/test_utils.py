"""Seeding, device choice, quick mode and safetensors weight files."""

import os
import random
import stat

import numpy as np
import pytest
import torch
from torch import nn

import helpers
from helpers import utils


class Tiny(nn.Module):
    def __init__(self, width=3):
        super().__init__()
        self.fc = nn.Linear(2, width)
        self.bn = nn.BatchNorm1d(width)


def test_seed_everything_repeats_all_generators():
    helpers.seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    helpers.seed_everything(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
    with pytest.raises(TypeError):
        helpers.seed_everything("123")


def test_pick_device():
    assert helpers.pick_device("cpu") == torch.device("cpu")
    assert helpers.pick_device().type in ("cpu", "cuda", "mps")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="only"):
            helpers.pick_device("cuda")


def test_quick_mode_flag(monkeypatch):
    for value, expected in [("1", True), ("yes", True), ("ON", True), ("true", True), ("0", False), ("", False),
                            ("false", False), ("off", False), (" No ", False)]:
        monkeypatch.setenv(helpers.QUICK_ENV, value)
        assert helpers.is_quick() is expected, value
    monkeypatch.delenv(helpers.QUICK_ENV)
    assert helpers.is_quick() is False


@pytest.mark.parametrize("value", ["none", "n", "0.0", "2"])
def test_unreadable_switch_is_an_error_not_quick_mode(monkeypatch, value):
    monkeypatch.setenv(helpers.QUICK_ENV, value)
    with pytest.raises(ValueError, match="GENMODELS_QUICK.*neither on"):
        helpers.is_quick()


def test_tests_run_in_quick_mode_and_never_write_weights(monkeypatch):
    assert helpers.is_quick()
    assert not helpers.writes_weights()
    monkeypatch.setenv(helpers.utils.WRITE_WEIGHTS_ENV, "1")
    assert not helpers.writes_weights(), "a quick run must never overwrite the shipped weights"
    monkeypatch.setenv(helpers.QUICK_ENV, "0")
    assert helpers.writes_weights()


def test_weights_round_trip_with_metadata(tmp_path):
    model = Tiny()
    model.bn.running_mean += 1.5  # buffers travel too
    path = helpers.save_weights(model, tmp_path / "sub" / "tiny.safetensors", metadata={"epochs": 3})
    other = helpers.load_weights(Tiny(), path)
    for (k, a), (_, b) in zip(model.state_dict().items(), other.state_dict().items()):
        assert torch.equal(a, b), k
    meta = helpers.read_metadata(path)
    assert meta["epochs"] == "3" and meta["model"] == "Tiny"


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "tiny.safetensors"
    helpers.save_weights(Tiny(), path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-save")

    monkeypatch.setattr("safetensors.torch.save_file", crash)
    with pytest.raises(KeyboardInterrupt):
        helpers.save_weights(Tiny(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.safetensors"]  # no temporary file left


def test_load_shape_mismatch_names_model_and_file(tmp_path):
    path = helpers.save_weights(Tiny(width=3), tmp_path / "tiny.safetensors")
    with pytest.raises(ValueError) as info:
        helpers.load_weights(Tiny(width=4), path)
    message = str(info.value)
    assert "Tiny" in message and "tiny.safetensors" in message and "shape mismatch" in message


def test_load_key_mismatch(tmp_path):
    path = helpers.save_weights(nn.Sequential(nn.Linear(2, 2)), tmp_path / "seq.safetensors")
    with pytest.raises(ValueError, match="missing from the file"):
        helpers.load_weights(Tiny(), path)


def test_load_missing_and_corrupt_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="Tiny"):
        helpers.load_weights(Tiny(), tmp_path / "absent.safetensors")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00\x01not safetensors")
    with pytest.raises(ValueError, match="not a readable safetensors file"):
        helpers.load_weights(Tiny(), bad)
    with pytest.raises(TypeError):
        helpers.save_weights({"a": torch.zeros(1)}, tmp_path / "x.safetensors")


def test_weights_path():
    assert helpers.weights_path("ae_fc").name == "ae_fc.safetensors"
    assert helpers.weights_path("ae_fc").parent.name == "weights"
    with pytest.raises(ValueError):
        helpers.weights_path("../escape")


def test_data_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv(utils.DATA_DIR_ENV, str(tmp_path))
    assert utils.data_dir() == tmp_path.resolve()
    monkeypatch.delenv(utils.DATA_DIR_ENV)
    assert (utils.data_dir() / "mnist").is_dir()


def test_saved_weights_get_the_usual_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    path = helpers.save_weights(torch.nn.Linear(2, 2), tmp_path / "w.safetensors")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]  # no temporary file left behind
