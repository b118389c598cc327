"""The benchmark table: speed, sample quality and time, slider latency, test-suite time.

    make bench            (or: .venv/bin/python -m benchmarks.run)

Every row is measured in this one run, on the machine at hand. Slow: it executes each notebook in
full mode (copies in a temporary folder; the committed notebooks are not touched), trains the three
anchor recipes and runs the test suite.

The notebooks' time budgets hold on the reference machine (a 2-core x86-64 laptop CPU with AVX2 and no
AVX-512). ``../shared/tools/calib.py`` times a fixed mix of the notebooks' kind of work, whose
reference-machine time is written in it; ``factor = reference seconds / seconds here``. This shared machine's
speed drifts by a quarter and more within an hour, so a factor taken once at the start would misstate a
notebook timed half an hour later: each notebook time is scaled by the mean of one calib run just before it
and one just after, and the table shows the seconds here, the two factors and the scaled seconds. (The
factor row at the top, a median of three taken at the start, is there to read the other rows' seconds here.)
The table is printed and written to ``benchmarks/results/latest.md`` and ``benchmarks/results/latest.json``.

Options: ``--skip-tests`` (leave out the test-suite row), ``--only ROW[,ROW]`` with rows among
``speed,floor,notebooks,anchors,tests`` (for a partial run; the README shows a full one; ``floor`` compares each
notebook's whole run with shipped weights with a fresh kernel that only imports torch, torchvision and
matplotlib). The notebooks row also
runs each notebook twice with its shipped weights and times "Run All" until the kernel is free, and
measures what the live training view costs (``benchmarks/live_view.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOKS = {
    "01_autoencoder.ipynb": ("Autoencoder (notebook 1)", 120),
    "02_vae.ipynb": ("VAE (notebook 2)", 180),
    "03_gan.ipynb": ("GAN (notebook 3)", 360),
}
# the 2-D game: no generate() to score and no shipped weights, so only its full run and its stepper's redraw
GAME = ("02b_gan_game_2d.ipynb", "2-D GAN game (notebook 2b)", 120)

# Appended to each notebook (run into a temporary copy): save generate(10000) and time the notebook's own sliders.
PROBE = r'''
import json as _json, sys as _sys
_sys.path.insert(0, {root!r})
from safetensors.torch import save_file as _save_file
from helpers.widgets import LatentExplorer as _LE
from benchmarks.slider_latency import measure_latency as _measure
_save_file({{"samples": generate(10000).contiguous()}}, {samples!r})
# the notebooks show their explorers as a cell's result, which IPython keeps in Out
_explorers = [_v for _v in list(globals().values()) + list(globals().get("Out", {{}}).values()) if isinstance(_v, _LE)]
_lat = {{f"{{_v.code_size}}-D code": _measure(_v, n=200) for _v in dict.fromkeys(_explorers)}}
with open({latency!r}, "w") as _fh:
    _json.dump(_lat, _fh)
'''


def run_notebook_probe(name: str, workdir: Path) -> dict:
    """Execute notebooks/<name> in full mode with the probe cell; wall time, samples, slider latency."""
    from safetensors.torch import load_file

    from tools.run_notebook import run_notebook

    samples, latency = workdir / f"{name}.samples.safetensors", workdir / f"{name}.latency.json"
    import nbformat

    seconds = run_notebook(ROOT / "notebooks" / name, quick=False, timeout=1800, out=workdir / name,
                           append=PROBE.format(root=str(ROOT), samples=str(samples), latency=str(latency)))
    # the probe cell is not the notebook's: take its time (generate(10000), the slider timings) off the wall time
    probe = nbformat.read(workdir / name, as_version=4).cells[-1]
    seconds -= cells_seconds(probe, probe)
    return {
        "seconds": seconds,
        "samples": load_file(str(samples))["samples"],
        "latency": json.loads(latency.read_text()),
    }


def cells_seconds(first, last) -> float:
    """Seconds from the start of executed cell ``first`` to the end of ``last`` (Jupyter's execution stamps)."""
    import datetime as dt

    def stamp(cell, key):
        return dt.datetime.fromisoformat(cell.metadata["execution"][key].replace("Z", "+00:00"))

    return (stamp(last, "shell.execute_reply") - stamp(first, "iopub.execute_input")).total_seconds()


def shipped_seconds(name: str, workdir: Path, runs: int = 2) -> tuple[float, float]:
    """Seconds from the first cell's start to the last cell's end with the shipped weights
    (best of ``runs``): how long after "Run All" the kernel is free again, so that every slider responds.
    Kernel start-up is left out: in a classroom the kernel is already running when "Run All" is pressed.
    Returns (those seconds, the seconds of the same run's first cell: the imports)."""
    import nbformat

    from tools.run_notebook import run_notebook

    best = (float("inf"), 0.0)
    for _ in range(runs):
        out = workdir / f"shipped_{name}"
        run_notebook(ROOT / "notebooks" / name, shipped=True, out=out)
        code = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"]
        best = min(best, (cells_seconds(code[0], code[-1]), cells_seconds(code[0], code[0])))
    return best


# Appended to notebook 2b's run: a second stepper, not shown, pressed twenty times (one step each).
STEPPER_PROBE = r'''
import json as _json
_game = new_game(seed=0)
_stepper = widgets.GameStepper(step=lambda n: play(_game, n), state=lambda: game_state(_game))
for _ in range(20):
    _stepper.advance(1)
with open({out!r}, "w") as _fh:
    _json.dump(_stepper.redraw_ms, _fh)
'''


BARE_KERNEL = "import torch, torchvision, matplotlib.pyplot"


def floor_rows(workdir: Path, runs: int = 3) -> list[dict]:
    """The shipped-weights runs against the floor: a fresh kernel that only imports torch, torchvision and
    matplotlib. Both are whole runs of ``run_notebook`` (kernel start included), best of ``runs``, taken in turn in
    this one call, so the machine's drift moves both alike; the ratio is what the table judges."""
    import nbformat

    from tools.run_notebook import run_notebook

    bare_path = workdir / "bare_kernel.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BARE_KERNEL)]), bare_path)
    bare = min(run_notebook(bare_path) for _ in range(runs))
    rows = [{"row": f"floor: a fresh kernel that runs `{BARE_KERNEL}`", "value": f"{bare:.1f} s here (best of {runs})",
             "target": ""}]
    for name, (label, _) in NOTEBOOKS.items():
        shipped = min(run_notebook(ROOT / "notebooks" / name, shipped=True, out=workdir / f"floor_{name}")
                      for _ in range(runs))
        rows.append({"row": f"{label}: shipped weights, whole run (kernel start included) / floor",
                     "value": f"{shipped / bare:.2f} ({shipped:.1f} s / {bare:.1f} s here)", "target": "<= 1.3",
                     "met": shipped / bare <= 1.3})
    return rows


def game_rows(workdir: Path) -> list[dict]:
    """Notebook 2b in full mode: its wall time, and the median redraw time of its stepper pressed twenty times
    (timed by a cell appended to the run, which writes the times to a file)."""
    import nbformat

    from tools.run_notebook import run_notebook

    name, label, budget = GAME
    times = workdir / "redraw_ms.json"
    (seconds, factor), note = timed(lambda: run_notebook(ROOT / "notebooks" / name, quick=False, timeout=1800,
                                                         out=workdir / name, append=STEPPER_PROBE.format(out=str(times))))
    probe = nbformat.read(workdir / name, as_version=4).cells[-1]
    seconds -= cells_seconds(probe, probe)
    redraw = statistics.median(json.loads(times.read_text())[1:])
    return [{"row": f"{label}: full run from scratch, reference machine",
             "value": f"{seconds * factor:.0f} s ({seconds:.0f} s here; {note})", "target": f"<= {budget} s",
             "met": seconds * factor <= budget},
            {"row": f"{label}: stepper redraw (state, figure, PNG), reference machine",
             "value": f"median {redraw * factor:.0f} ms ({redraw:.0f} ms here)", "target": "< 100 ms",
             "met": redraw * factor < 100}]


def speed_rows() -> list[dict]:
    from benchmarks.data_speed import epoch_seconds, examples_vae_step, mnist_load_seconds, notebook_vae_step

    load = mnist_load_seconds()
    rows = [{"row": "MNIST train+test into tensors (gzip and checksums included)", "value": f"{load:.2f} s",
             "target": "<= 2 s", "met": load <= 2}]
    for label, make_step in [("pytorch/examples VAE 784-400-20", examples_vae_step), ("VAE notebook's model", notebook_vae_step)]:
        fast = epoch_seconds(make_step, "helpers")
        slow = epoch_seconds(make_step, "dataloader")
        rows.append({"row": f"epoch of {label}: helpers.batches vs DataLoader+ToTensor",
                     "value": f"{fast:.1f} s vs {slow:.1f} s = {fast / slow:.2f}x", "target": "<= 0.45x",
                     "met": fast / slow <= 0.45})
    return rows


CALIB = ROOT.parent / "shared" / "tools" / "calib.py"


def reference_factor(runs: int = 3) -> float | None:
    """Reference-machine seconds per second here: the median of ``runs`` runs of ../shared/tools/calib.py; None
    where that file is missing (a plain clone): the table then gives seconds on this machine, unscaled.

    (The reference time written in calib.py is itself a median of several runs.)
    """
    if not CALIB.exists():
        return None
    factors = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, str(CALIB)], capture_output=True, text=True, check=True).stdout
        factors.append(float(out.rsplit("factor=", 1)[1].split()[0]))
    return sorted(factors)[len(factors) // 2]


def timed(measure):
    """Run ``measure()`` between two calib runs; returns ((its result, the mean of the two factors), a note
    naming both factors for the table)."""
    before = reference_factor(runs=1)
    result = measure()
    if before is None:
        return (result, 1.0), "no calib.py: seconds on this machine, not scaled"
    after = reference_factor(runs=1)
    return (result, (before + after) / 2), f"factor {before:.2f} before, {after:.2f} after"


def fmt_scores(s: dict) -> str:
    return f"FD {s['fd']:.2f}, coverage TV {s['coverage_tv']:.3f}, confidence {s['confidence']:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--only", default="speed,floor,notebooks,anchors,tests")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    if args.skip_tests:
        parts.discard("tests")

    from benchmarks import anchors, live_view
    from helpers import metrics
    from helpers.env import QUICK_ENV, SHIPPED_ENV, WRITE_WEIGHTS_ENV
    from tools.atomic import atomic_path

    rows: list[dict] = []
    started = time.perf_counter()
    factor = reference_factor() if "notebooks" in parts else None
    if factor is not None:
        rows.append({"row": "reference-machine factor (../shared/tools/calib.py, median of 3)",
                     "value": f"{factor:.3f} (reference s = s here x {factor:.3f})", "target": ""})
    elif "notebooks" in parts:
        print(f"benchmarks: {CALIB} not found, so the reference-machine factor is unavailable: the times below "
              f"are seconds on this machine, compared with the budgets as they are")
        rows.append({"row": "reference-machine factor", "value": f"unavailable ({CALIB.name} not found beside the "
                     f"project): seconds on this machine, unscaled", "target": ""})
    if "speed" in parts:
        rows += speed_rows()

    scores: dict[str, dict] = {}
    if "notebooks" in parts or "anchors" in parts:
        for ref_name, ref in metrics.reference_scores().items():
            scores[ref_name] = ref
            rows.append({"row": f"reference: {ref_name}", "value": fmt_scores(ref), "target": ""})

    if "notebooks" in parts:
        with tempfile.TemporaryDirectory() as tmp:
            for name, (label, budget) in NOTEBOOKS.items():
                (result, f), note = timed(lambda: run_notebook_probe(name, Path(tmp)))
                s = metrics.score(result["samples"])
                scores[label] = s
                ref_seconds = result["seconds"] * f
                rows.append({"row": f"{label}: full run from scratch, reference machine",
                             "value": f"{ref_seconds:.0f} s ({result['seconds']:.0f} s here; {note})",
                             "target": f"<= {budget} s", "met": ref_seconds <= budget})
                rows.append({"row": f"{label}: generate(10000)", "value": fmt_scores(s), "target": ""})
                ((shipped, imports), f), note = timed(lambda: shipped_seconds(name, Path(tmp)))
                rows.append({"row": f"{label}: shipped weights, 'Run All' until every slider responds, reference machine",
                             "value": f"{shipped * f:.1f} s ({shipped:.1f} s here, of which the imports {imports:.1f} s; "
                                      f"{note})",
                             "target": "<= 10 s", "met": shipped * f <= 10})
                for widget, lat in result["latency"].items():
                    rows.append({"row": f"{label}: slider latency ({widget})",
                                 "value": f"median {lat['median_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms",
                                 "target": "median <= 10 ms", "met": lat["median_ms"] <= 10})

            rows += game_rows(Path(tmp))
        rows += live_view.rows()

    if "floor" in parts:
        with tempfile.TemporaryDirectory() as tmp:
            rows += floor_rows(Path(tmp))

    if "anchors" in parts:
        gen, info = anchors.examples_vae()
        s = metrics.score(gen(10000))
        scores["pytorch/examples VAE"] = s
        rows.append({"row": "anchor: pytorch/examples VAE, 10 epochs",
                     "value": f"{fmt_scores(s)} (test loss {info['test_loss_nats']:.1f} nats, {info['train_seconds']:.0f} s)",
                     "target": ""})
        gen, info = anchors.source_fc_gan()
        s = metrics.score(gen(10000))
        scores["source chapter's FC GAN"] = s
        rows.append({"row": "anchor: source chapter's fully connected GAN, 10 epochs",
                     "value": f"{fmt_scores(s)} ({info['train_seconds']:.0f} s here)", "target": ""})
        gen, info = anchors.source_dcgan()
        s = metrics.score(gen(10000))
        scores["source chapter's DCGAN"] = s
        rows.append({"row": "anchor: source chapter's DCGAN, 5 epochs",
                     "value": f"{fmt_scores(s)} ({info['train_seconds']:.0f} s here)", "target": ""})

    for mine, anchor, limit in [("VAE (notebook 2)", "pytorch/examples VAE", 0.5),
                                ("GAN (notebook 3)", "VAE (notebook 2)", 1 / 3),
                                ("GAN (notebook 3)", "source chapter's DCGAN", 1.0)]:
        if mine in scores and anchor in scores:
            ratio = scores[mine]["fd"] / scores[anchor]["fd"]
            rows.append({"row": f"FD ratio: {mine} / {anchor}", "value": f"{ratio:.3f}",
                         "target": f"<= {limit:.3g}", "met": ratio <= limit})
    gan = scores.get("GAN (notebook 3)")
    if gan is not None:
        rows.append({"row": "GAN (notebook 3): confidence", "value": f"{gan['confidence']:.3f}", "target": ">= 0.95",
                     "met": gan["confidence"] >= 0.95})
        rows.append({"row": "GAN (notebook 3): coverage TV", "value": f"{gan['coverage_tv']:.3f}", "target": "<= 0.06",
                     "met": gan["coverage_tv"] <= 0.06})

    if "tests" in parts:
        env = {k: v for k, v in os.environ.items() if k not in (QUICK_ENV, WRITE_WEIGHTS_ENV, SHIPPED_ENV)}
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf"], cwd=ROOT, env=env, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
        summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        failed = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("FAILED ")]
        if failed:
            summary += "; failed: " + ", ".join(failed)
        rows.append({"row": "test suite, quick mode (the test command, without installation)",
                     "value": f"{seconds:.0f} s ({summary.strip('= ')})", "target": "<= 180 s",
                     "met": seconds <= 180 and proc.returncode == 0})

    machine = f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads"
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {machine}; total {time.perf_counter() - started:.0f} s.", "",
             "| measurement | value | target | met |", "| --- | --- | --- | --- |"]
    for r in rows:
        met = "" if "met" not in r else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['row']} | {r['value']} | {r['target']} | {met} |")
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "latest" if args.only == parser.get_default("only") else "partial-" + "-".join(sorted(parts))
    for path, text in [(RESULTS / f"{stem}.md", table + "\n"),   # a partial run leaves the full table as it is
                       (RESULTS / f"{stem}.json", json.dumps({"machine": machine, "rows": rows}, indent=1) + "\n")]:
        with atomic_path(path) as tmp:
            tmp.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
