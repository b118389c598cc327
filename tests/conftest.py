"""Test-suite configuration: every notebook collected by nbval runs in quick mode.

The variable is set at import time, before nbval starts any kernel, and kernels inherit it.
"""

import os

os.environ["GENMODELS_QUICK"] = "1"
# Never let a test run overwrite the shipped weights.
os.environ.pop("GENMODELS_WRITE_WEIGHTS", None)
# Headless matplotlib for the unit tests.
os.environ.setdefault("MPLBACKEND", "Agg")
