"""A pytest plugin loaded by every run (``-p tests.quick_mode`` in pyproject.toml): quick mode on.

Every notebook collected by nbval then runs in quick mode, whether the run is ``make test``
or ``pytest notebooks/02_vae.ipynb``. The variable is set at import time, before nbval starts
any kernel, and kernels inherit it.
"""

import os

from helpers.env import QUICK_ENV, SHIPPED_ENV, WRITE_WEIGHTS_ENV

os.environ[QUICK_ENV] = "1"
# Never let a test run overwrite the shipped weights, and train as the notebooks say unless a test asks otherwise.
os.environ.pop(WRITE_WEIGHTS_ENV, None)
os.environ.pop(SHIPPED_ENV, None)
# Headless matplotlib for the unit tests.
os.environ.setdefault("MPLBACKEND", "Agg")
