"""A pytest plugin loaded by every run (``-p tests.quick_mode`` in pyproject.toml): quick mode on.

Every notebook collected by nbval then runs in quick mode, whether the run is ``make test``
or ``pytest notebooks/02_vae.ipynb``. The variable is set at import time, before nbval starts
any kernel, and kernels inherit it.
"""

import os

import torch

from helpers.env import QUICK_ENV, SHIPPED_ENV, TRAIN_ALL_ENV, WRITE_WEIGHTS_ENV

os.environ[QUICK_ENV] = "1"
# Never let a test run overwrite the shipped weights, and train as the notebooks say unless a test asks otherwise.
os.environ.pop(WRITE_WEIGHTS_ENV, None)
os.environ.pop(SHIPPED_ENV, None)
os.environ.pop(TRAIN_ALL_ENV, None)
# Headless matplotlib for the unit tests.
os.environ.setdefault("MPLBACKEND", "Agg")
# The suite runs two workers side by side (``-n 2``), each starting kernels. Two processes that each use every core
# for PyTorch's threads make each other wait (on 2 cores a quick notebook ran about five times slower than alone),
# so every worker, and every kernel it starts, gets its share of the cores; a setting of the caller's own is kept.
THREADS = str(max(1, (os.cpu_count() or 2) // 2))
for _variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, THREADS)
torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))  # this worker's own tensors (helpers has imported torch)

# The Chinese notebooks with shipped weights run in tests/test_shipped_weights.py (their code is the English
# code, token for token: tests/test_chinese_edition.py); nbval runs only the one that ships no weights, so each
# notebook runs once in quick mode and once with shipped weights, not twice in quick mode.
_SHIPPED_ELSEWHERE = ("01_autoencoder.ipynb", "02_vae.ipynb", "03_gan.ipynb")


def pytest_ignore_collect(collection_path, config):
    if collection_path.parent.name == "zh" and collection_path.name in _SHIPPED_ELSEWHERE:
        return True
    return None
