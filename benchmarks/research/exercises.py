"""The measured results quoted in the exercises' answers (notebook 1 ex. 4, notebook 2 ex. 3, notebook 3 ex. 3, 4).

    .venv/bin/python -m benchmarks.research.exercises [--only nb1_ex4,nb2_ex3,nb3_ex3,nb3_ex4]

Each exercise is run the way its text tells a learner to: the notebook's own cells are run here (with the shipped
weights, as ``GENMODELS_SHIPPED=1`` would), up to the cell that defines what the exercise changes; then the change
is made and trained once, seed 0. Results: ``results/exercises.md`` (and ``exercises.jsonl``, one line per run).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import nbformat
import torch

from helpers.env import SHIPPED_ENV
from tools.run_notebook import defined_names

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"


def namespace(stem: str, last_name: str, edit=None) -> dict:
    """Run notebook ``stem``'s code cells, with shipped weights, up to the one that defines ``last_name``;
    ``edit(source) -> source`` may change a cell's source first (what the exercise asks for)."""
    os.environ[SHIPPED_ENV] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    cells = [c for c in nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4).cells if c.cell_type == "code"]
    ns: dict = {}
    cwd = os.getcwd()
    os.chdir(ROOT / "notebooks")
    try:
        for cell in cells:
            source = edit(cell.source) if edit else cell.source
            exec(compile(source, f"{stem}", "exec"), ns)
            if last_name in defined_names(cell.source):
                break
    finally:
        os.chdir(cwd)
    return ns


def nb1_ex4() -> dict:
    """A denoising autoencoder: noisy input, clean target, everything else as the fully connected AE."""
    noisy_line = "loss = reconstruction_loss(model(x), x)"
    ns = namespace("01_autoencoder", "fc_model")
    assert noisy_line in "".join(c.source for c in nbformat.read(ROOT / "notebooks" / "01_autoencoder.ipynb", as_version=4).cells)
    ns_dae = namespace("01_autoencoder", "train_autoencoder", edit=lambda s: s.replace(
        noisy_line, "x_noisy = (x + 0.3 * torch.randn_like(x)).clamp(0, 1)\n"
                    "                loss = reconstruction_loss(model(x_noisy), x)"))
    ns["helpers"].seed_everything(0)
    dae = ns_dae["FCAutoencoder"]().to(ns["device"])
    start = time.perf_counter()
    history = ns_dae["train_autoencoder"](dae, ns["FC_EPOCHS"], lr=ns["FC_LR"], desc="denoising AE")
    seconds = time.perf_counter() - start
    dae.eval()
    ns["fc_model"].eval()
    clean = ns["test_images"]
    noisy = (clean + 0.3 * torch.randn(clean.shape, generator=torch.Generator().manual_seed(5))).clamp(0, 1)
    mse = lambda a, b: float(((a - b) ** 2).mean())
    with torch.no_grad():
        row = {"exercise": "nb1_ex4", "seconds": round(seconds, 1),
               "noisy_vs_clean": round(mse(noisy, clean), 4),
               "plain_ae_on_noisy": round(mse(ns["fc_model"](noisy), clean), 4),
               "denoising_ae_on_noisy": round(mse(dae(noisy), clean), 4),
               "plain_ae_on_clean": round(mse(ns["fc_model"](clean), clean), 4),
               "denoising_ae_on_clean": round(mse(dae(clean), clean), 4)}
    return row


def nb1_ex3() -> dict:
    """Section 6's digit counts with 2,000 samples from generate (the fitted Gaussian) against the rectangle."""
    from helpers import metrics

    ns = namespace("01_autoencoder", "generate")
    ns["helpers"].seed_everything(0)
    share = lambda images: [round(float(v), 3) for v in torch.bincount(metrics.classify(images), minlength=10) / len(images)]
    return {"exercise": "nb1_ex3", "generate": share(ns["generate"](2000)),
            "rectangle (section 6)": [round(float(v), 3) for v in ns["share_random"]]
            if torch.is_tensor(ns.get("share_random")) else str(ns.get("share_random"))[:200]}


def nb2_ex3() -> dict:
    """The 2-D VAE with beta 0.1 and 5 (everything else as the notebook's 2-D VAE)."""
    ns = namespace("02_vae", "vae2")
    rows = {}
    for beta in (1.0, 0.1, 5.0):
        if beta == 1.0:
            model = ns["vae2"]
            seconds = None
        else:
            ns["helpers"].seed_everything(0)
            model = ns["VAE"](code_size=2).to(ns["device"])
            start = time.perf_counter()
            ns["train_vae"](model, ns["TWO_D_EPOCHS"], ns["TWO_D_KIND"], beta=beta, lr=2e-3, batch_size=256,
                            desc=f"2-D VAE, beta={beta}")         # the notebook's call, with beta added
            seconds = round(time.perf_counter() - start, 1)
        model.eval()
        losses = ns["test_losses"](model, ns["TWO_D_KIND"])        # what the notebook prints for its 2-D VAE
        rec, kl = losses["reconstruction"], losses["KL"]
        with torch.no_grad():
            x = ns["test_images"].to(ns["device"])
            mean, logvar = model.encode(x)
            x_hat = model.decode(mean)
        outside = float((mean.abs() > 3).any(dim=1).float().mean())
        rows[f"beta={beta}"] = {"seconds": seconds, "reconstruction": round(float(rec), 1), "KL": round(float(kl), 2),
                                "code_std": [round(float(v), 2) for v in mean.std(0)],
                                "outside_3": round(outside, 4),
                                "mse_mean_code": round(float(((x_hat - x) ** 2).mean()), 4)}
    return {"exercise": "nb2_ex3", **rows}


def _gan_run(ns, G, D, steps, **train_args) -> dict:
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    from helpers import metrics

    ema = train_args.pop("ema_decay", None)
    G_ema = None if ema is None else AveragedModel(G, multi_avg_fn=get_ema_multi_avg_fn(ema), use_buffers=True)
    start = time.perf_counter()
    history = ns["train_gan"](G, D, steps, G_ema=G_ema, **train_args)
    seconds = time.perf_counter() - start
    counts = metrics.digit_counts(ns["sample"](G if G_ema is None else G_ema.module, 1000, seed=1))
    tail = lambda k: round(sum(history[k][-50:]) / 50, 2)
    return {"seconds": round(seconds, 1), "counts": [int(c) for c in counts], "D(x) last 50": tail("D(x)"),
            "D(G(z)) last 50": tail("D(G(z))")}


def nb3_ex3() -> dict:
    """Section 5.3's second broken run with the non-saturating generator loss: (bce_d_loss, bce_g_loss)."""
    ns = namespace("03_gan", "failure_run")
    ns["helpers"].seed_everything(0)
    row = _gan_run(ns, ns["ConvGenerator"]().to(ns["device"]), ns["ConvDiscriminator"]().to(ns["device"]),
                   ns["FAIL_STEPS"], batch_size=ns["DC_BATCH"], lr=ns["DC_LR"], ema_decay=ns["EMA_DECAY"],
                   losses=(ns["bce_d_loss"], ns["bce_g_loss"]), desc="DCGAN, cross-entropy, non-saturating G")
    return {"exercise": "nb3_ex3", **row}


def nb3_ex4() -> dict:
    """Section 5.3's collapsed run with g_steps=2 and g_steps=3 (and the notebook's 5 for comparison)."""
    ns = namespace("03_gan", "failure_run")
    rows = {}
    for g_steps in (2, 3, 5):
        ns["helpers"].seed_everything(0)
        rows[f"g_steps={g_steps}"] = _gan_run(ns, ns["FCGenerator"]().to(ns["device"]),
                                              ns["FCDiscriminator"]().to(ns["device"]), ns["FAIL_STEPS"], lr=1e-3,
                                              g_steps=g_steps, desc=f"FC GAN, g_steps={g_steps}")
    return {"exercise": "nb3_ex4", **rows}


RUNS = {"nb1_ex3": nb1_ex3, "nb1_ex4": nb1_ex4, "nb2_ex3": nb2_ex3, "nb3_ex3": nb3_ex3, "nb3_ex4": nb3_ex4}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(RUNS))
    args = parser.parse_args(argv)
    for name in args.only.split(","):
        row = RUNS[name]()
        print(json.dumps(row), flush=True)
        with open(RESULTS / "exercises.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
    rows = [json.loads(line) for line in (RESULTS / "exercises.jsonl").read_text().splitlines() if line]
    lines = ["The exercises' measured results (`python -m benchmarks.research.exercises`), one run each, seed 0.", ""]
    for row in rows:
        lines.append(f"- {row['exercise']}: " + json.dumps({k: v for k, v in row.items() if k != "exercise"}))
    (RESULTS / "exercises.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
