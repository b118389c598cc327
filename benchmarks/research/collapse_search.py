"""Which one-change failure of notebook 3 collapses onto one *real* digit? A search for section 5.3's collapsed run.

    .venv/bin/python -m benchmarks.research.collapse_search [--only "NAME;NAME"] [--steps 600]

The notebook's own code is used: the cells of notebooks/03_gan.ipynb that define the players, the losses and
``train_gan`` are found by the names they define and run here. Each candidate is one change to a healthy run of the
notebook (the change is the candidate's data in ``CANDIDATES``), trained for ``--steps`` steps from seed 0; then
1,000 samples of its generator are sorted by :func:`helpers.metrics.digit_counts` into the ten digits and "no digit".
A collapse onto a real digit has one tall digit bar and a small "no digit" bar; a sample grid of each candidate goes
to ``benchmarks/research/results/collapse_<name>.png`` for a look by eye. Results: ``results/collapse_search.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path

import nbformat
import torch

from helpers.env import SHIPPED_ENV
from tools.run_notebook import defined_names

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"
NOTEBOOK = ROOT / "notebooks" / "03_gan.ipynb"
# the cells to run, by a name each defines: the setup, the data, the players, the losses, the training loop
NEEDED = ["USE_SHIPPED_WEIGHTS", "real_data", "ConvDiscriminator", "ConvGenerator", "discriminator_step",
          "generator_step", "train_gan", "hinge_d_loss"]
SHIPPED_DC = ["FC_STEPS", "ChapterGenerator", "DC_STEPS"]   # ... and for "dc_shipped", the cells that load the DCGAN

# name: (players, train_gan's arguments); the healthy runs are section 4.1's (FC), 4.3's DCGAN, and the chapter's sizes
# in this notebook's ConvGenerator (close to section 4.3's plain run, which uses the chapter's generator layer for layer)
CANDIDATES = {
    "the chapter's sizes in ConvGenerator, g_steps=5": ("plain", dict(g_steps=5)),
    "DCGAN, g_steps=5": ("dc", dict(g_steps=5)),
    "the chapter's sizes in ConvGenerator, g_steps=5, lr 2e-3": ("plain", dict(g_steps=5, lr=2e-3)),
    "FC, g_steps=5 (the notebook's run)": ("fc", dict(lr=1e-3, g_steps=5)),
    "FC, g_steps=5, lr 2e-4": ("fc", dict(lr=2e-4, g_steps=5)),
    "FC, g_steps=3": ("fc", dict(lr=1e-3, g_steps=3)),
    "FC, g_steps=10": ("fc", dict(lr=1e-3, g_steps=10)),
    "DCGAN, g_steps=5, cross-entropy": ("dc", dict(g_steps=5, losses="bce")),
    # from the shipped, healthy DCGAN (section 4.3's G_dc and D_dc): the generator runs ahead of a judge that had
    # caught up, so it starts from digits; "steps" are then the extra steps
    "shipped DCGAN, then g_steps=10": ("dc_shipped", dict(g_steps=10)),
    "shipped DCGAN, then the generator alone against its frozen judge": ("dc_shipped", dict(g_steps="all")),
}


def notebook_namespace(shipped_dc: bool = False) -> dict:
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    namespace: dict = {}
    if shipped_dc:
        os.environ[SHIPPED_ENV] = "1"
    for name in NEEDED + (SHIPPED_DC if shipped_dc else []):
        cell = next(c for c in cells if name in defined_names(c.source))
        exec(compile(cell.source, f"03_gan:{name}", "exec"), namespace)
    return namespace


def candidate(ns: dict, name: str, steps: int) -> dict:
    kind, args = CANDIDATES[name]
    args = dict(args)
    ns["helpers"].seed_everything(0)
    if kind == "dc_shipped":
        G, D = ns["G_dc"], ns["D_dc"]
        args.update(batch_size=64, lr=ns["DC_LR"], losses=(ns["hinge_d_loss"], ns["hinge_g_loss"]))
        if args["g_steps"] == "all":                   # one discriminator step, then every step the generator's
            args["g_steps"], steps = steps, 1
    elif kind == "fc":
        G, D = ns["FCGenerator"](), ns["FCDiscriminator"]()
    elif kind == "plain":                       # the chapter's sizes in this notebook's ConvGenerator, cross-entropy, 3e-4
        G, D = ns["ConvGenerator"](width=64, hidden=1024), ns["ConvDiscriminator"](minibatch_std=False)
        args.setdefault("batch_size", 64)
        args.setdefault("lr", 3e-4)
    else:
        G, D = ns["ConvGenerator"](), ns["ConvDiscriminator"]()
        args.setdefault("batch_size", 64)
        args.setdefault("lr", 2e-3)
        losses = args.pop("losses", "hinge")
        args["losses"] = ((ns["hinge_d_loss"], ns["hinge_g_loss"]) if losses == "hinge"
                          else (ns["bce_d_loss"], ns["bce_g_loss"]))
    start = time.perf_counter()
    ns["train_gan"](G, D, steps, desc=name, **args)
    seconds = time.perf_counter() - start
    G.eval()
    with torch.no_grad():
        z = torch.randn(1000, G.noise_dim, generator=torch.Generator().manual_seed(1))
        images = ns["to_image"](G(z))
    from helpers import metrics

    counts = metrics.digit_counts(images)
    share = counts.float() / counts.sum()
    import torchvision

    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    torchvision.utils.save_image(images[:64], RESULTS / f"collapse_{slug}.png", nrow=8, pad_value=0.5)
    return {"candidate": name, "steps": steps, "seconds": round(seconds, 1),
            "top_digit": int(share[:10].argmax()), "top_share": round(float(share[:10].max()), 3),
            "no_digit": round(float(share[10]), 3), "counts": [int(c) for c in counts],
            "grid": f"collapse_{slug}.png"}


def write_table() -> None:
    rows = [json.loads(line) for line in (RESULTS / "collapse_search.jsonl").read_text().splitlines() if line]
    lines = ["Collapse candidates for notebook 3, section 5.3: one change to a healthy run, seed 0, then 1,000 samples "
             "sorted by helpers.metrics.digit_counts (ten digits and 'no digit').", "",
             "| candidate | steps | s here | tallest digit | its share | no digit | grid |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['candidate']} | {r['steps']} | {r['seconds']:.0f} | {r['top_digit']} | "
                     f"{r['top_share']:.0%} | {r['no_digit']:.0%} | {r['grid']} |")
    (RESULTS / "collapse_search.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="semicolon-separated candidate names (default: all)")
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(";") if n] or list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        raise SystemExit(f"unknown candidate(s) {unknown}; known: {list(CANDIDATES)}")
    ns = notebook_namespace(shipped_dc=any(CANDIDATES[n][0] == "dc_shipped" for n in names))
    for name in names:
        row = candidate(ns, name, args.steps)
        with open(RESULTS / "collapse_search.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)
    write_table()


if __name__ == "__main__":
    main()
