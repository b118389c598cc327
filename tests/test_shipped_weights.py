"""The shipped weights load into their notebooks' models and still score what their full run recorded.

Each notebook (its Chinese edition) is run in quick mode with shipped weights (``run_notebook(shipped=True)``, as if its switch were
``USE_SHIPPED_WEIGHTS = True``: nothing is trained and every model is read from ``data/weights/``); a cell appended to the run
saves ``generate(10000)``; the samples are scored here and compared with the scores its full run
(``make weights``) recorded in ``data/weights/scores.json``.

Tolerance: the Frechet distance within 15 % (plus 0.5 absolute) of the recorded value, the class
coverage within 0.03 and the mean confidence within 0.02. The samples differ from the recorded
ones only through the random codes drawn (other seeds' positions in the random stream), and with
10,000 samples that moves these scores by a few percent at most.
"""

import re
from pathlib import Path

import nbformat
import pytest

from helpers import metrics
from tools.run_notebook import run_notebook

ROOT = Path(__file__).resolve().parent.parent
SWITCH = "USE_SHIPPED_WEIGHTS = False"
# the notebooks that train models worth shipping (the 2-D game of notebook 2b trains in seconds and ships nothing),
# in their Chinese edition: nbval runs the English ones in quick mode, the browser test with shipped weights, so
# this run covers the Chinese figure text too
NOTEBOOKS = [p for p in sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")) if SWITCH in p.read_text()]

PROBE = """
from safetensors.torch import save_file as _save_file
_save_file({{"samples": generate(10000).contiguous()}}, {path!r})
"""


def _source(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def _evaluated_name(path: Path) -> str:
    match = re.search(r"metrics\.evaluate\(\s*generate\s*,\s*name\s*=\s*(['\"])(.+?)\1", _source(path))
    assert match, f"{path.name} should end with helpers.metrics.evaluate(generate, name=...)"
    return match.group(2)


def test_every_weight_file_belongs_to_a_notebook():
    """No orphan: each shipped file (but the metric's own classifier) is loaded by some notebook."""
    sources = "\n".join(_source(p) for p in NOTEBOOKS)
    for weights in sorted((ROOT / "data" / "weights").glob("*.safetensors")):
        if weights.stem == metrics.CLASSIFIER_NAME:
            continue
        assert re.search(rf"['\"]{re.escape(weights.stem)}['\"]", sources), f"no notebook loads {weights.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_shipped_weights_reproduce_recorded_scores(path, tmp_path):
    name = _evaluated_name(path)
    recorded = metrics.recorded_scores()
    assert name in recorded, f"no recorded scores for {name!r}: regenerate with `make weights`"
    samples_file = tmp_path / "samples.safetensors"
    run_notebook(path, quick=True, shipped=True, out=tmp_path / path.name, append=PROBE.format(path=str(samples_file)))

    from safetensors.torch import load_file

    got = metrics.score(load_file(str(samples_file))["samples"])
    want = recorded[name]
    assert got["fd"] == pytest.approx(want["fd"], rel=0.15, abs=0.5), f"FD {got['fd']:.2f} vs recorded {want['fd']:.2f}"
    assert got["coverage_tv"] == pytest.approx(want["coverage_tv"], abs=0.03)
    assert got["confidence"] == pytest.approx(want["confidence"], abs=0.02)
