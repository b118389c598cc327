"""The run's start and switches: seeding, quick mode, shipped weights from outside, where data/ is."""

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import helpers
from helpers import env

ROOT = Path(__file__).resolve().parent.parent


def test_seed_everything_repeats_all_generators():
    helpers.seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    helpers.seed_everything(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_quick_mode_flag(monkeypatch):
    for value, expected in [("1", True), ("yes", True), ("ON", True), ("true", True), ("0", False), ("", False),
                            ("false", False), ("off", False), (" No ", False)]:
        monkeypatch.setenv(env.QUICK_ENV, value)
        assert env.is_quick() is expected, value
    monkeypatch.delenv(env.QUICK_ENV)
    assert env.is_quick() is False


@pytest.mark.parametrize("value", ["none", "n", "0.0", "2"])
def test_unreadable_switch_is_an_error_not_quick_mode(monkeypatch, value):
    monkeypatch.setenv(env.QUICK_ENV, value)
    with pytest.raises(ValueError, match="GENMODELS_QUICK.*neither on"):
        env.is_quick()


def test_tests_run_in_quick_mode_and_never_write_weights(monkeypatch):
    assert env.is_quick()
    assert not env.writes_weights()
    monkeypatch.setenv(env.WRITE_WEIGHTS_ENV, "1")
    assert not env.writes_weights(), "a quick run must never overwrite the shipped weights"
    monkeypatch.setenv(env.QUICK_ENV, "0")
    assert env.writes_weights()


def test_setup_reads_the_switches_and_says_what_it_set(monkeypatch, capsys):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "rcParams", plt.rcParams.copy())   # setup's figure style stays inside this test
    monkeypatch.setenv(env.SHIPPED_ENV, "0")
    run = helpers.setup("en", shipped=False)
    assert (run.quick, run.shipped) == (True, False)
    assert capsys.readouterr().out.strip() == f"device: {run.device} | quick mode: True | shipped weights: False"
    monkeypatch.setenv(env.SHIPPED_ENV, "1")                    # how a test runs a notebook with shipped weights
    device, quick, shipped = helpers.setup("en", shipped=False)
    assert shipped is True
    assert "shipped" not in (helpers.setup("en", device=False), capsys.readouterr().out)[1].splitlines()[-1]
    with pytest.raises(ValueError, match="expected one of 'en', 'zh'"):
        helpers.setup("fr")


def test_run_environment_sets_all_four_switches():
    made = env.run_environment(quick=False, shipped=True)
    assert (made[env.QUICK_ENV], made[env.SHIPPED_ENV], made[env.WRITE_WEIGHTS_ENV], made[env.TRAIN_ALL_ENV]) == (
        "0", "1", "0", "0")
    assert env.run_environment(quick=False, write_weights=True, train_all=True)[env.TRAIN_ALL_ENV] == "1"


def test_data_dir_override(monkeypatch, tmp_path):
    (tmp_path / "mnist").mkdir()
    monkeypatch.setenv(env.DATA_DIR_ENV, str(tmp_path))
    assert env.data_dir() == tmp_path.resolve()
    monkeypatch.delenv(env.DATA_DIR_ENV)
    assert (env.data_dir() / "mnist").is_dir()


def test_a_misspelt_data_dir_is_blamed_on_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(env.DATA_DIR_ENV, str(tmp_path / "dta"))
    with pytest.raises(FileNotFoundError, match="GENMODELS_DATA_DIR is set to .*dta.*no mnist/ folder"):
        env.data_dir()


def test_data_is_found_from_the_working_folder_when_helpers_is_installed_elsewhere(tmp_path):
    # a non-editable install: helpers/ in site-packages, with no data/ beside it
    site = tmp_path / "site"
    shutil.copytree(ROOT / "helpers", site / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    environ = {k: v for k, v in os.environ.items() if k != env.DATA_DIR_ENV}
    environ["PYTHONPATH"] = str(site)
    probe = "import helpers.env as e; print(e.__file__); print(e.data_dir())"
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT / "notebooks", env=environ, capture_output=True,
                           text=True, check=True).stdout.split()
    assert found == [str(site / "helpers" / "env.py"), str(ROOT / "data")]  # the notebook folder's parent
    lost = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=environ, capture_output=True, text=True)
    assert lost.returncode != 0 and f"set {env.DATA_DIR_ENV} to the project's data/ folder" in lost.stderr


def test_the_switch_names_are_written_only_in_helpers_env():
    names = [env.QUICK_ENV, env.SHIPPED_ENV, env.WRITE_WEIGHTS_ENV, env.SITE_EXPORT_ENV]
    spelled = []
    for folder in ("helpers", "tools", "benchmarks", "tests", "notebooks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "env.py":
                continue
            text = path.read_text(encoding="utf-8")
            spelled += [f"{path.relative_to(ROOT)}: {name}" for name in names if f'"{name}"' in text]
    assert not spelled, "use the constants of helpers.env instead: " + ", ".join(spelled)
