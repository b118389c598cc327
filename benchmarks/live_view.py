"""What the live view costs: each notebook's training function with ``live=False`` and ``live=True``, same run.

    .venv/bin/python -m benchmarks.live_view          (also a part of ``make bench``)

For each notebook, a temporary notebook made of its code cells up to its training function (setup, data,
models, losses: no training) plus one measuring cell runs in a Jupyter kernel, where the view really draws
and displays. The measuring cell trains fresh models, alternating without and with the view (off, on, off,
on), and also adds up the seconds spent inside ``LiveView.show`` (drawing the figure, encoding the PNG,
sending it), which is the view's cost without the noise of two separate runs.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# notebook -> (the id of the cell defining its training function, the measuring cell's training call)
CASES = {
    "01_autoencoder.ipynb": ("83d74b65", "train_autoencoder(FCAutoencoder().to(device), 2, lr=3e-3, live=LIVE, desc='AE')"),
    "02_vae.ipynb": ("9ebf53fc", "train_vae(VAE(code_size=16).to(device), 2, 'bce', beta=2.0, lr=1.5e-3, live=LIVE, desc='VAE')"),
    "03_gan.ipynb": ("e4530c68", "train_gan(ConvGenerator().to(device), ConvDiscriminator().to(device), 300, batch_size=64, "
                                 "lr=2e-3, losses=(hinge_d_loss, hinge_g_loss), live=LIVE, desc='DCGAN')"),
}

MEASURE = r'''
import json as _json, time as _time
from helpers import plot as _plot
_inside = [0.0, 0]
_show = _plot.LiveView.show
def _timed_show(self, *args, **kwargs):
    _t = _time.perf_counter()
    _show(self, *args, **kwargs)
    _inside[0] += _time.perf_counter() - _t
    _inside[1] += 1
_plot.LiveView.show = _timed_show
_result = {{"off": [], "on": [], "show_s": [], "redraws": []}}
for LIVE in (False, True, False, True):
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
    """Seconds of training without and with the view (two of each) and the seconds spent drawing it."""
    import nbformat

    from tools.run_notebook import run_notebook

    last, call = CASES[name]
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cells.append(cell)
        if cell.get("id") == last:
            break
    out = workdir / f"{name}.live.json"
    nb.cells = cells + [nbformat.v4.new_code_cell(MEASURE.format(call=call, out=str(out)))]
    path = ROOT / "notebooks" / f".{name}.live-view.tmp"  # beside the notebooks, as they run; git ignores .*.tmp
    try:
        nbformat.write(nb, path)
        run_notebook(path, quick=False, timeout=1800, out=workdir / name)
    finally:
        path.unlink(missing_ok=True)
    return json.loads(out.read_text())


def rows() -> list[dict]:
    result = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            r = measure(name, Path(tmp))
            off, on = min(r["off"]), min(r["on"])
            inside = sum(r["show_s"]) / sum(r["on"])
            result.append({
                "row": f"live view while training ({name}): cost",
                "value": (f"{100 * inside:.1f} % of training time inside the view ({sum(r['redraws'])} redraws, "
                          f"{1000 * sum(r['show_s']) / max(1, sum(r['redraws'])):.0f} ms each); wall time without / with: "
                          f"{off:.1f} / {on:.1f} s (best of 2 each, {100 * (on / off - 1):+.1f} %)"),
                "target": "< 5 %", "met": inside < 0.05})
    return result


if __name__ == "__main__":
    for r in rows():
        print(f"{r['row']}: {r['value']} (target {r['target']}, met: {r['met']})")
    sys.exit(0)
