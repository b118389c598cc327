"""Seeding, device choice, quick mode and safetensors weight files."""

import os
import random
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import helpers
from helpers import utils

ROOT = Path(__file__).resolve().parent.parent


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


def test_pick_device():
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert helpers.pick_device().type == expected


def test_quick_mode_flag(monkeypatch):
    for value, expected in [("1", True), ("yes", True), ("ON", True), ("true", True), ("0", False), ("", False),
                            ("false", False), ("off", False), (" No ", False)]:
        monkeypatch.setenv(utils.QUICK_ENV, value)
        assert helpers.is_quick() is expected, value
    monkeypatch.delenv(utils.QUICK_ENV)
    assert helpers.is_quick() is False


@pytest.mark.parametrize("value", ["none", "n", "0.0", "2"])
def test_unreadable_switch_is_an_error_not_quick_mode(monkeypatch, value):
    monkeypatch.setenv(utils.QUICK_ENV, value)
    with pytest.raises(ValueError, match="GENMODELS_QUICK.*neither on"):
        helpers.is_quick()


def test_tests_run_in_quick_mode_and_never_write_weights(monkeypatch):
    assert helpers.is_quick()
    assert not helpers.writes_weights()
    monkeypatch.setenv(helpers.utils.WRITE_WEIGHTS_ENV, "1")
    assert not helpers.writes_weights(), "a quick run must never overwrite the shipped weights"
    monkeypatch.setenv(utils.QUICK_ENV, "0")
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


def test_load_shape_mismatch_names_model_file_cause_and_remedies(tmp_path):
    path = helpers.save_weights(Tiny(width=3), tmp_path / "tiny.safetensors")
    with pytest.raises(ValueError) as info:
        helpers.load_weights(Tiny(width=4), path)
    message = str(info.value)
    assert "Tiny" in message and "tiny.safetensors" in message and "fc.weight: file (3, 2), model (4, 2)" in message
    assert "another definition of Tiny" in message  # the cause: the class changed
    assert "git checkout" in message and "USE_SHIPPED_WEIGHTS = False" in message  # both ways back
    assert "Retrain" not in message


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


@pytest.mark.parametrize("bad, exc, message", [
    (torch.rand(4, 3, 28, 28), ValueError, r"shape \(N, 1, 28, 28\), got \(4, 3, 28, 28\)"),
    (torch.rand(4, 784), ValueError, r"\.view\(-1, 1, 28, 28\)"),
    ((torch.rand(4, 1, 28, 28) * 255).to(torch.uint8), ValueError, "divide bytes 0-255 by 255"),
    (torch.randint(0, 2, (4, 1, 28, 28)), ValueError, "expected floats"),
    (torch.full((4, 1, 28, 28), float("nan")), ValueError, "NaN or infinite; did training diverge"),
    (torch.rand(4, 1, 28, 28) * 2 - 1, ValueError, r"tanh gives \[-1, 1\]: map it with \(x \+ 1\) / 2"),
    ((torch.zeros(4, 16), torch.zeros(4, 16)), TypeError, r"\(mean, logvar\)"),
    ([[0.5]], TypeError, "got a list"),
    ("digits", TypeError, "torch.Tensor"),
    (torch.rand(0, 1, 28, 28), ValueError, "at least 1 image"),
])
def test_one_image_check_says_what_was_expected(bad, exc, message):
    with pytest.raises(exc, match="my images: .*" + message):
        utils.check_images(bad, "my images")


def test_image_check_accepts_and_normalises():
    out = utils.check_images(torch.rand(3, 28, 28, dtype=torch.float64) * 1.0005)
    assert out.shape == (3, 1, 28, 28) and out.dtype == torch.float32 and out.max() <= 1.0


@pytest.mark.parametrize("case", ["read-only", "full disk", "folder in its place"])
def test_a_failed_write_names_the_real_cause_and_keeps_the_old_file(tmp_path, monkeypatch, case):
    import errno

    path = tmp_path / "w.safetensors"
    helpers.save_weights(Tiny(), path)
    before = path.read_bytes()
    if case == "folder in its place":
        path = tmp_path / "dir.safetensors"
        path.mkdir()
        expected = "is a folder; move it away"
    else:
        code, expected = ((errno.EROFS, "no permission to write") if case == "read-only"
                          else (errno.ENOSPC, "the disk is full"))

        def fail(*args, **kwargs):
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr("safetensors.torch.save_file", fail)
    with pytest.raises(OSError, match=expected) as info:
        helpers.save_weights(Tiny(), path)
    assert "damaged" not in str(info.value) and "Nothing already saved there was changed" in str(info.value)
    assert (tmp_path / "w.safetensors").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_read_only_folder_is_reported_as_such(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        with pytest.raises(OSError, match="no permission to write in"):
            helpers.save_weights(Tiny(), folder / "w.safetensors")
    finally:
        os.chmod(folder, 0o755)


def test_a_save_killed_midway_keeps_the_old_file_and_leaves_only_an_ignored_temporary(tmp_path):
    """A real kill (SIGKILL) while the weights are being written: no cleanup code runs at all."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    target = root / "data" / "weights" / f"killed_{os.getpid()}.safetensors"
    helpers.save_weights(Tiny(), target)
    before = target.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", f"""
import time, safetensors.torch, torch, helpers
real = safetensors.torch.save_file
def slow(state, path, metadata=None):
    real(state, path, metadata=metadata)
    print("written", flush=True)
    time.sleep(60)  # killed here: the temporary file is complete, the rename has not happened
safetensors.torch.save_file = slow
helpers.save_weights(torch.nn.Linear(50, 50), {str(target)!r})
"""], stdout=subprocess.PIPE, text=True, cwd=root)
    try:
        assert child.stdout.readline().strip() == "written"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert target.read_bytes() == before
        leftovers = list(target.parent.glob(f".{target.name}.*.tmp"))
        assert len(leftovers) == 1
        ignored = subprocess.run(["git", "check-ignore", "-q", str(leftovers[0])], cwd=root)
        assert ignored.returncode == 0, "git must ignore the temporary file a killed save leaves"
    finally:
        child.kill()
        for path in [target, *target.parent.glob(f".{target.name}.*.tmp")]:
            path.unlink(missing_ok=True)


def test_data_is_found_from_the_working_folder_when_helpers_is_installed_elsewhere(tmp_path):
    # a non-editable install: helpers/ in site-packages, with no data/ beside it
    site = tmp_path / "site"
    shutil.copytree(ROOT / "helpers", site / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != utils.DATA_DIR_ENV}
    env["PYTHONPATH"] = str(site)
    probe = "import helpers.utils as u; print(u.__file__); print(u.data_dir())"
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT / "notebooks", env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    assert found == [str(site / "helpers" / "utils.py"), str(ROOT / "data")]  # the notebook folder's parent
    lost = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert lost.returncode != 0 and f"set {utils.DATA_DIR_ENV} to the project's data/ folder" in lost.stderr
