"""Execute a notebook top to bottom in place and report its wall time.

    python -m tools.run_notebook notebooks/01_autoencoder.ipynb           # full mode
    python -m tools.run_notebook --quick notebooks/01_autoencoder.ipynb   # quick mode
    python -m tools.run_notebook --out /tmp/x.ipynb notebooks/02_vae.ipynb

    python -m tools.run_notebook --shipped --out /tmp/x.ipynb notebooks/03_gan.ipynb   # with shipped weights
    python -m tools.run_notebook --write-weights --train-all --out /tmp/x.ipynb notebooks/03_gan.ipynb  # extra runs

The outputs are written back atomically (to ``--out`` when given), so an interrupted run leaves
the committed notebook as it was. ``make notebooks`` uses this with ``--write-weights`` to regenerate the
shipped weights from the notebooks' own code. Every test and benchmark that runs a notebook calls
:func:`run_notebook`; the modes reach the kernel as environment variables (:mod:`helpers.env`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def run_notebook(path: str | os.PathLike, quick: bool = False, shipped: bool = False, out: str | os.PathLike | None = None,
                 timeout: int = 1200, append: str | None = None, write_weights: bool = False,
                 train_all: bool = False) -> float:
    """Execute ``path`` with a fresh kernel (cwd = the notebook's folder) and save the result.

    quick : quick mode (``GENMODELS_QUICK=1``: a slice of MNIST, a few steps); otherwise a full run.
    shipped : load the shipped weights instead of training (``GENMODELS_SHIPPED=1``, as if the notebook's
        ``USE_SHIPPED_WEIGHTS`` were True); the notebook itself is not edited.
    write_weights : a full run writes its weights and scores into ``data/weights/`` (``make notebooks``).
    train_all : a full run trains even the runs the notebook loads by default (``make extra-runs``).
    append : source of one more code cell run after the notebook's own (e.g. to save samples
        from ``generate``); pass ``out`` too, to keep it out of the committed notebook.
    Returns the wall time in seconds. Raises ``nbclient.exceptions.CellExecutionError`` on an error.
    """
    import nbformat
    from nbclient import NotebookClient

    from helpers.env import run_environment

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if append is not None:
        nb.cells.append(nbformat.v4.new_code_cell(append))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    start = time.perf_counter()
    client.execute(env=run_environment(quick=quick, shipped=shipped, write_weights=write_weights,
                                       train_all=train_all))
    seconds = time.perf_counter() - start
    finish_progress_bars(nb)
    from tools.atomic import atomic_path

    with atomic_path(Path(out) if out else path) as tmp:
        nbformat.write(nb, str(tmp))
    return seconds


def defined_names(source: str) -> set[str]:
    """The functions, classes and variables a code cell defines at its top level: how tests and benchmarks find
    the cell they need (by what it defines, which survives edits around it, not by its id)."""
    import ast

    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def clear_run(nb: dict) -> dict:
    """Take out of ``nb`` (a notebook as loaded from JSON), in place, what running it added: outputs, execution
    counts, the cells' timing stamps and the saved widget state. Returns ``nb``."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def finish_progress_bars(nb) -> int:
    """Give each tqdm progress bar's text version its final state, from the widget state saved in ``nb``.

    A notebook progress bar is a widget; its plain-text stand-in (what GitHub, nbviewer and other static
    views show) is captured when the bar is created, so it would read ``0%| 0/2814`` for ever. The widget
    state saved with the notebook holds the finished bar: its left label, its value and its right label.
    Returns the number of bars rewritten.
    """
    import html

    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    rewritten = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            box = state.get(view["model_id"], {}) if view else {}
            if box.get("model_name") != "HBoxModel" or len(box["state"].get("children", [])) != 3:
                continue
            left, bar, right = (state.get(c.replace("IPY_MODEL_", ""), {}) for c in box["state"]["children"])
            if bar.get("model_name") != "FloatProgressModel":
                continue
            done = bar["state"]["value"] / max(bar["state"]["max"], 1)
            text = (html.unescape(left["state"]["value"]) + "|" + "█" * round(10 * done) + " " * (10 - round(10 * done))
                    + "|" + html.unescape(right["state"]["value"])).replace("\u2007", " ")
            output["data"]["text/plain"] = text
            rewritten += 1
    return rewritten


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--quick", action="store_true", help="run in quick mode")
    parser.add_argument("--shipped", action="store_true", help="load the shipped weights instead of training")
    parser.add_argument("--write-weights", action="store_true", help="a full run writes data/weights/ (make notebooks)")
    parser.add_argument("--train-all", action="store_true",
                        help="also train the runs the notebook loads by default (make extra-runs)")
    parser.add_argument("--out", help="write the executed notebook here instead of in place")
    args = parser.parse_args(argv)
    seconds = run_notebook(args.notebook, quick=args.quick, shipped=args.shipped, out=args.out,
                           write_weights=args.write_weights, train_all=args.train_all)
    print(f"{args.notebook}: {'quick' if args.quick else 'full'} run in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
