"""The sliders under ipywidgets 7.7, the version Google Colab ships, as well as under the installed 8.x.

``python3 course.py test`` (and ``make test``) installs ipywidgets 7.7 (and ``ipython_genutils``, which 7.x imports) into
``.venv/ipywidgets7``, apart from the environment's own 8.x. This test runs ``tests/test_widgets.py``
again in a subprocess with that folder first on ``PYTHONPATH``, after checking that the subprocess
really imports 7.7. Skipped, with the command to run, where the folder is missing.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IPYWIDGETS_7 = Path(sys.prefix) / "ipywidgets7"
INSTALL = (f'{sys.executable} -m pip install --no-deps --target {IPYWIDGETS_7} "ipywidgets==7.7.*" '
           '"ipython_genutils==0.2.*"')


@pytest.mark.skipif(not IPYWIDGETS_7.is_dir(), reason=f"ipywidgets 7.7 is not installed apart; to check it: {INSTALL}")
def test_widget_tests_pass_under_ipywidgets_7():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(IPYWIDGETS_7), os.environ.get("PYTHONPATH", "")]))
    version = subprocess.run([sys.executable, "-c", "import ipywidgets; print(ipywidgets.__version__)"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith("7.7."), f"the subprocess imported ipywidgets {version}, not 7.7"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
                          "tests/test_widgets.py"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"widget tests under ipywidgets {version}:\n{run.stdout[-3000:]}\n{run.stderr[-2000:]}"
