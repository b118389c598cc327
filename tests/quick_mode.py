"""A pytest plugin loaded by every run (``-p tests.quick_mode`` in pyproject.toml): quick mode on.

Every notebook collected by nbval then runs in quick mode, whether the run is ``make test``
or ``pytest notebooks/02_vae.ipynb``. The variable is set at import time, before nbval starts
any kernel, and kernels inherit it.
"""

import os

os.environ["GENMODELS_QUICK"] = "1"
# Never let a test run overwrite the shipped weights.
os.environ.pop("GENMODELS_WRITE_WEIGHTS", None)
# Headless matplotlib for the unit tests.
os.environ.setdefault("MPLBACKEND", "Agg")
