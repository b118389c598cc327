"""What the live view costs: each notebook's training function with the view off (as outside a notebook) and on.

    .venv/bin/python -m benchmarks.live_view          (also a part of ``make bench``)

For each notebook, a temporary notebook made of its code cells up to its training function (setup, data,
models, losses: no training) plus one measuring cell runs in a Jupyter kernel, where the view really draws
and displays. The measuring cell trains fresh models, alternating without and with the view (off, on, off,
on, off, on), and also adds up the seconds spent inside ``LiveView.show`` (drawing the figure, encoding the PNG,
sending it), which is the view's cost without the noise of two separate runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# notebook -> (the training function whose cell ends the part of the notebook that runs, the measuring cell's
#              training call, names defined in later cells it needs too: notebook 3's hinge loss comes after train_gan)
CASES = {
    "01_autoencoder.ipynb": ("train_autoencoder", "train_autoencoder(FCAutoencoder().to(device), 2, lr=3e-3, desc='AE')", ()),
    "02_vae.ipynb": ("train_vae", "train_vae(VAE(code_size=16).to(device), 2, 'bce', beta=2.0, lr=1.5e-3, desc='VAE')", ()),
    "03_gan.ipynb": ("train_gan", "train_gan(ConvGenerator().to(device), ConvDiscriminator().to(device), 300, batch_size=64, "
                                  "lr=2e-3, losses=(hinge_d_loss, hinge_g_loss), desc='DCGAN')", ("hinge_d_loss",)),
}


def defines(cell, name: str) -> bool:
    """Whether a code cell defines ``name`` (a function, class or variable) at its top level."""
    from tools.run_notebook import defined_names

    return name in defined_names(cell.source)


MEASURE = r'''
import json as _json, time as _time
from helpers import training as _training
_inside = [0.0, 0]
_show = _training.LiveView.show
def _timed_show(self, *args, **kwargs):
    _t = _time.perf_counter()
    _show(self, *args, **kwargs)
    _inside[0] += _time.perf_counter() - _t
    _inside[1] += 1
_training.LiveView.show = _timed_show
_result = {{"off": [], "on": [], "show_s": [], "redraws": []}}
for LIVE in (False, True) * 3:
    _training._in_a_notebook = lambda: LIVE          # off: the view draws nothing, as outside a notebook
    helpers.seed_everything(0)
    _inside[:] = [0.0, 0]
    _t = _time.perf_counter()
    {call}
    _seconds = _time.perf_counter() - _t
    _result["on" if LIVE else "off"].append(_seconds)
    if LIVE:
        _result["show_s"].append(_inside[0])
        _result["redraws"].append(_inside[1])
with open({out!r}, "w") as _fh:
    _json.dump(_result, _fh)
'''


def measure(name: str, workdir: Path) -> dict:
    """Seconds of training without and with the view (three of each) and the seconds spent drawing it."""
    import nbformat

    from tools.run_notebook import run_notebook

    last, call, extra = CASES[name]
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    cells, done = [], False
    for cell in nb.cells:
        if cell.cell_type == "code" and (not done or any(defines(cell, n) for n in extra)):
            cells.append(cell)
        done = done or (cell.cell_type == "code" and defines(cell, last))
    out = workdir / f"{name}.live.json"
    nb.cells = cells + [nbformat.v4.new_code_cell(MEASURE.format(call=call, out=str(out)))]
    path = workdir / name                       # the kernel starts in workdir: the first cell finds helpers installed
    nbformat.write(nb, path)
    run_notebook(path, quick=False, timeout=1800)
    return json.loads(out.read_text())


def rows() -> list[dict]:
    result = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            r = measure(name, Path(tmp))
            off, on = statistics.median(r["off"]), statistics.median(r["on"])
            inside = sum(r["show_s"]) / sum(r["on"])
            result.append({
                "row": f"live view while training ({name}): cost",
                "value": (f"{100 * inside:.1f} % of training time inside the view ({sum(r['redraws'])} redraws, "
                          f"{1000 * sum(r['show_s']) / max(1, sum(r['redraws'])):.0f} ms each); wall time without / with: "
                          f"{off:.1f} / {on:.1f} s (median of 3 each, {100 * (on / off - 1):+.1f} %)"),
                "target": "< 5 % (inside the view, and with vs without)", "met": inside < 0.05 and on / off - 1 < 0.05})
    return result


if __name__ == "__main__":
    for r in rows():
        print(f"{r['row']}: {r['value']} (target {r['target']}, met: {r['met']})")
    sys.exit(0)
