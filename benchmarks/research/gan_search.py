"""A budgeted search for notebook 3's GAN recipe.

    .venv/bin/python -m benchmarks.research.gan_search --factor F [--budget 240] [--only "NAME;NAME"] [--seeds 0,1] [--steps N]

Every variant gets the same training budget in *reference-machine* seconds (the 2-core AVX2 laptop of
``../shared/tools/calib.py``). ``--factor`` converts: reference seconds = seconds here * factor (print it with
``python ../shared/tools/calib.py``). A variant's step count is set from its measured time per step (best of
a short warm-up), so a cheap recipe gets more steps and an expensive one fewer. After training, 10,000
samples are scored with ``helpers.metrics.score`` (Frechet distance, coverage, confidence), from the raw
generator and, where the variant keeps one, from its moving-average (EMA) copy.

Each finished run is appended to ``benchmarks/research/results/gan_search.jsonl`` and the whole table is rewritten
to ``benchmarks/research/results/gan_search.md``, so the search can be run in parts.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

import helpers
import helpers.metrics
from benchmarks.anchors import SourceDCDiscriminator, SourceDCGenerator

RESULTS = Path(__file__).resolve().parent / "results"
NOISE_DIM = 64


# ---------------------------------------------------------------- generators: (B, noise) -> (B, 1, 28, 28) in [-1, 1]
class ConvG(nn.Module):
    """The notebook's generator: affine -> (2w, 7, 7) -> ConvT to (w, 14, 14) -> ConvT to (1, 28, 28)."""

    def __init__(self, width=64, hidden=0, noise_dim=NOISE_DIM):
        super().__init__()
        self.noise_dim, self.width = noise_dim, width
        layers = []
        inp = noise_dim
        if hidden:  # an extra layer before the projection, as in the chapter's generator
            layers += [nn.Linear(noise_dim, hidden), nn.BatchNorm1d(hidden), nn.ReLU()]
            inp = hidden
        layers += [nn.Linear(inp, 2 * width * 49), nn.BatchNorm1d(2 * width * 49), nn.ReLU()]
        self.project = nn.Sequential(*layers)
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z):
        return self.upsample(self.project(z).view(-1, 2 * self.width, 7, 7))


# ---------------------------------------------------------------- discriminators: (B, 1, 28, 28) -> (B,) logits
class MinibatchStd(nn.Module):
    """Appends one feature map: the standard deviation across the batch, averaged (ProGAN's diversity cue)."""

    def forward(self, h):
        std = h.std(dim=0, unbiased=False).mean().expand(h.shape[0], 1, *h.shape[2:])
        return torch.cat([h, std], dim=1)


class GroupStd(nn.Module):
    """ProGAN's form: the standard deviation within groups of ``group`` images, one value per group."""

    def __init__(self, group=4):
        super().__init__()
        self.group = group

    def forward(self, h):
        g = min(self.group, h.shape[0])
        y = h.reshape(g, -1, *h.shape[1:])                                   # (g, B/g, C, H, W)
        y = (y.var(dim=0, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3))  # (B/g,)
        y = y.repeat(g).view(-1, 1, 1, 1).expand(h.shape[0], 1, *h.shape[2:])
        return torch.cat([h, y], dim=1)


class ChapterDPlus(nn.Module):
    """The chapter's discriminator with a minibatch-std feature map before its fully connected layers."""

    def __init__(self, group=0):
        super().__init__()
        chapter = SourceDCDiscriminator().net
        self.features = chapter[:6]                   # the two 5x5 convolutions with pooling: (B, 64, 4, 4)
        self.mbstd = GroupStd(group) if group else MinibatchStd()   # -> (B, 65, 4, 4)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(65 * 16, 1024), nn.LeakyReLU(0.01), nn.Linear(1024, 1))

    def forward(self, x):
        return self.head(self.mbstd(self.features(x))).squeeze(1)


class PackedD(nn.Module):
    """PacGAN: the minibatch-std discriminator judges ``pack`` images at a time, stacked as channels."""

    def __init__(self, pack=2):
        super().__init__()
        self.pack = pack
        self.inner = ChapterDPlus()
        first = self.inner.features[0]
        self.inner.features[0] = nn.Conv2d(pack, first.out_channels, first.kernel_size)

    def forward(self, x):
        return self.inner(x.reshape(-1, self.pack, *x.shape[2:]))      # (B / pack,) logits


class ConvD(nn.Module):
    """Two stride-2 4x4 convolutions (w, 2w channels), optional hidden layer, one logit."""

    def __init__(self, width=32, hidden=0):
        super().__init__()
        layers = [nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(width, 2 * width, 4, 2, 1),
                  nn.LeakyReLU(0.2), nn.Flatten()]
        inp = 2 * width * 49
        if hidden:
            layers += [nn.Linear(inp, hidden), nn.LeakyReLU(0.2)]
            inp = hidden
        layers.append(nn.Linear(inp, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x).squeeze(1)


# ---------------------------------------------------------------- losses on logits
def d_loss(kind, real, fake):
    real, fake = real.reshape(-1), fake.reshape(-1)
    if kind == "bce":
        return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
    if kind == "hinge":
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
    raise ValueError(kind)


def g_loss(kind, fake):
    fake = fake.reshape(-1)
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))
    if kind == "hinge":
        return -fake.mean()
    raise ValueError(kind)


# ---------------------------------------------------------------- the variants
BASE = dict(G=("conv", {}), D=("conv", {}), loss="bce", lr_g=5e-4, lr_d=5e-4, betas=(0.5, 0.999), batch=64,
            ema=0.0, decay_lr=False)
VARIANTS = {
    "baseline + EMA": dict(ema=0.995),
    "G width 32, D 64 + 256 hidden": dict(G=("conv", {"width": 32}), D=("conv", {"width": 64, "hidden": 256}),
                                          ema=0.995),
    "chapter G + D, batch 64, lr 5e-4, EMA": dict(G=("chapter", {}), D=("chapter", {}), ema=0.995),
    "hinge, D 64 + 256 hidden": dict(D=("conv", {"width": 64, "hidden": 256}), loss="hinge", ema=0.995),
    "TTUR 2e-4/8e-4, D 64 + 256 hidden": dict(D=("conv", {"width": 64, "hidden": 256}), lr_g=2e-4, lr_d=8e-4,
                                              ema=0.995),
    "lr decay, D 64 + 256 hidden": dict(D=("conv", {"width": 64, "hidden": 256}), decay_lr=True, ema=0.995),
    "chapter G + D, batch 32, lr 2e-4, EMA": dict(G=("chapter", {}), D=("chapter", {}), batch=32, lr_g=2e-4,
                                                  lr_d=2e-4, ema=0.995),
    "chapter G + D, minibatch std": dict(G=("chapter", {}), D=("chapter+", {}), ema=0.995),
    "chapter G + D, hinge": dict(G=("chapter", {}), D=("chapter", {}), loss="hinge", ema=0.995),
    "chapter G, D conv 32": dict(G=("chapter", {}), D=("conv", {}), ema=0.995),
    "G 512 hidden, chapter D": dict(G=("conv", {"hidden": 512}), D=("chapter", {}), ema=0.995),
    "G 512 hidden, chapter D, hinge": dict(G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge", ema=0.995),
    "G 512 hidden, chapter D, hinge, lr 1e-3": dict(G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge",
                                                    lr_g=1e-3, lr_d=1e-3, ema=0.995),
    "G 512 hidden, chapter D, hinge, D lr 1e-3": dict(G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge",
                                                      lr_d=1e-3, ema=0.995),
    "G 512 hidden, chapter D, hinge, lr 1e-3, betas (0, 0.99)": dict(
        G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge", lr_g=1e-3, lr_d=1e-3, betas=(0.0, 0.99),
        ema=0.995),
    "G 512 hidden, chapter D, hinge, lr 2e-3": dict(G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge",
                                                    lr_g=2e-3, lr_d=2e-3, ema=0.995),
    "G 1024 hidden, chapter D, hinge, lr 1e-3": dict(G=("conv", {"hidden": 1024}), D=("chapter", {}), loss="hinge",
                                                     lr_g=1e-3, lr_d=1e-3, ema=0.995),
    "G 512 hidden, chapter D, hinge, lr 1e-3, EMA 0.99": dict(G=("conv", {"hidden": 512}), D=("chapter", {}),
                                                              loss="hinge", lr_g=1e-3, lr_d=1e-3, ema=0.99),
    "G 512 hidden, chapter D, hinge, lr 3e-3": dict(G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge",
                                                    lr_g=3e-3, lr_d=3e-3, ema=0.995),
    "G 512 hidden, chapter D, hinge, lr 2e-3, betas (0, 0.99)": dict(
        G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge", lr_g=2e-3, lr_d=2e-3, betas=(0.0, 0.99),
        ema=0.995),
}
WINNER = dict(G=("conv", {"hidden": 512}), D=("chapter", {}), loss="hinge", lr_g=2e-3, lr_d=2e-3, ema=0.995)
VARIANTS.update({
    "winner + lr decay to 0": dict(WINNER, decay_lr=True),
    "winner + lr decay to 0 in the second half": dict(WINNER, decay_lr="half"),
    "winner, EMA 0.998": dict(WINNER, ema=0.998),
    "winner + minibatch std": dict(WINNER, D=("chapter+", {})),
    "winner + minibatch std in groups of 4": dict(WINNER, D=("chapter+", {"group": 4})),
    "winner + minibatch std, batch 128": dict(WINNER, D=("chapter+", {}), batch=128),
    "winner + minibatch std, betas (0.5, 0.99)": dict(WINNER, D=("chapter+", {}), betas=(0.5, 0.99)),
    "winner + minibatch std, D judges pairs (PacGAN2)": dict(WINNER, D=("packed", {"pack": 2})),
    "winner + minibatch std, G width 48": dict(WINNER, G=("conv", {"hidden": 512, "width": 48}), D=("chapter+", {})),
    "winner + minibatch std, G width 48, channels last": dict(WINNER, G=("conv", {"hidden": 512, "width": 48}),
                                                              D=("chapter+", {}), channels_last=True),
    "winner + minibatch std, G width 48, D channels last": dict(WINNER, G=("conv", {"hidden": 512, "width": 48}),
                                                                D=("chapter+", {}), channels_last="D"),
})


# The ablation of notebook 3, section 4.3: from the source chapter's DCGAN as written (its two players, cross-entropy,
# Adam at 3e-4) to the notebook's recipe, one choice added per rung. Every rung keeps a moving-average copy, which only
# reads the weights and leaves the training as it is: a rung's "FD raw" is the run without averaging, its "FD EMA"
# the same run with it, so the averaging step costs no run of its own.
CHAPTER = dict(G=("chapter", {}), D=("chapter", {}), loss="bce", lr_g=3e-4, lr_d=3e-4, ema=0.995)
LADDER = {
    "ladder 0: the chapter's DCGAN": CHAPTER,
    "ladder 1: + hinge loss": dict(CHAPTER, loss="hinge"),
    "ladder 2: + lr 2e-3": dict(CHAPTER, loss="hinge", lr_g=2e-3, lr_d=2e-3),
    "ladder 4: + minibatch std": dict(CHAPTER, loss="hinge", lr_g=2e-3, lr_d=2e-3, D=("chapter+", {})),
    "ladder 5: + the notebook's generator": dict(CHAPTER, loss="hinge", lr_g=2e-3, lr_d=2e-3, D=("chapter+", {}),
                                                 G=("conv", {"hidden": 512, "width": 48})),
}
VARIANTS.update(LADDER)


def build(spec):
    v = {**BASE, **spec}
    gk, ga = v["G"]
    dk, da = v["D"]
    noise_dim = 96 if gk == "chapter" else NOISE_DIM
    G = SourceDCGenerator(noise_dim) if gk == "chapter" else ConvG(**ga)
    D = (SourceDCDiscriminator() if dk == "chapter" else ChapterDPlus(**da) if dk == "chapter+"
         else PackedD(**da) if dk == "packed" else ConvD(**da))
    if v.get("channels_last"):  # image tensors stored pixel by pixel, channels innermost: faster convolutions on a CPU
        D = D.to(memory_format=torch.channels_last)            # "D": the discriminator only (its max-pooling gains most)
        if v["channels_last"] != "D":
            G = G.to(memory_format=torch.channels_last)
    return v, G, D, noise_dim


def make_trainer(v, G, D, noise_dim, real_data, steps, seed):
    opt_g = torch.optim.Adam(G.parameters(), lr=v["lr_g"], betas=v["betas"])
    opt_d = torch.optim.Adam(D.parameters(), lr=v["lr_d"], betas=v["betas"])
    scheds = []
    if v["decay_lr"]:  # linear to 0 over all steps, or ("half") constant and then linear to 0 over the second half
        factor = (lambda s: min(1.0, 2 * (1 - s / steps))) if v["decay_lr"] == "half" else (lambda s: max(0.0, 1 - s / steps))
        scheds = [torch.optim.lr_scheduler.LambdaLR(o, factor) for o in (opt_g, opt_d)]
    ema = AveragedModel(G, multi_avg_fn=get_ema_multi_avg_fn(v["ema"]), use_buffers=True) if v["ema"] else None
    if v.get("channels_last") is True:
        real_data = real_data.contiguous(memory_format=torch.channels_last)
    loader = helpers.batches(real_data, batch_size=v["batch"], generator=torch.Generator().manual_seed(seed),
                             drop_last=True)                    # each pass: one epoch in a new order

    def batch_stream():
        while True:
            yield from loader

    stream = batch_stream()

    def step():
        real = next(stream)
        fake = G(torch.randn(v["batch"], noise_dim))
        loss_d = d_loss(v["loss"], D(real), D(fake.detach()))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        D.requires_grad_(False)
        loss_g = g_loss(v["loss"], D(fake))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        D.requires_grad_(True)
        for s in scheds:
            s.step()
        if ema is not None:
            ema.update_parameters(G)

    return step, ema


def seconds_per_step(name, real_data, warmup=5, timed=25):
    v, G, D, nd = build(VARIANTS[name])
    step, _ = make_trainer(v, G, D, nd, real_data, 1000, 0)
    for _ in range(warmup):
        step()
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for _ in range(timed):
            step()
        best = min(best, (time.perf_counter() - t0) / timed)
    return best


def run(name, real_data, budget_here, seed, steps=None):
    if steps is None:
        per_step = seconds_per_step(name, real_data)
        steps = max(100, int(budget_here / per_step) // 100 * 100)
    helpers.seed_everything(seed)
    v, G, D, nd = build(VARIANTS[name])
    step, ema = make_trainer(v, G, D, nd, real_data, steps, seed)
    G.train()
    D.train()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - t0
    out = {"variant": name, "seed": seed, "steps": steps, "batch": v["batch"], "seconds": round(seconds, 1)}
    for label, model, mode in [("raw", G, False), ("raw_batchstats", G, True)] + (
            [("ema", ema.module, False)] if ema is not None else []):
        model.train(mode)
        g = torch.Generator().manual_seed(1234)
        with torch.no_grad():
            samples = torch.cat([(model(torch.randn(1000, nd, generator=g)) + 1) / 2 for _ in range(10)]).clamp(0, 1)
        s = helpers.metrics.score(samples)
        out[label] = {k: (round(s[k], 4) if isinstance(s[k], float) else s[k]) for k in ("fd", "coverage_tv", "confidence", "histogram")}
    return out


def write_table(factor):
    rows = [json.loads(line) for line in (RESULTS / "gan_search.jsonl").read_text().splitlines() if line.strip()]
    factors = sorted({r.get("factor", factor) for r in rows})
    lines = [f"GAN recipe search: budget in reference-machine seconds; reference s = s here x the calib factor of each "
             f"run ({', '.join(f'{f:g}' for f in factors)}).",
             "Scores: helpers.metrics on 10,000 samples (Frechet distance, lower is better; coverage TV, 0 is even; "
             "confidence, real data 0.99). FD raw: the generator's last weights; FD EMA: its moving-average copy "
             "(decay 0.995 unless named); coverage and confidence are the EMA copy's where there is one.", "",
             "Names: 'baseline' is notebook 3's previous recipe (G: 64 -> 128x7x7 -> ConvT 64 -> ConvT 1; D: two "
             "stride-2 4x4 convolutions, 32 and 64 channels, BCE, lr 5e-4 for both, batch 64). 'chapter G' / "
             "'chapter D' are the source chapter's DCGAN players (benchmarks/anchors.py); 'G 512 hidden' is the "
             "baseline generator with a 512-unit layer (BatchNorm, ReLU) before the 128x7x7 projection. Adam betas "
             "(0.5, 0.999), batch 64 and BCE unless named; 'winner' is 'G 512 hidden, chapter D, hinge, lr 2e-3'. Steps: set from each recipe's measured time per step so "
             "that training fits the budget; the rows from 'winner + lr decay' on fix them to the winner's time per run: "
             "1,300 steps of 64, 700 of 128, 1,500 for the narrower generator ('G width 48': 96 -> 48 maps in its "
             "transposed convolution instead of 128 -> 64, about 12 % less time per step). Timings on this "
             "shared 2-core machine vary by 10 % and more (calib factors from 1.6 to 2.3 within one day). "
             "Notebook 3 uses 'winner + minibatch std, G width 48'. "
             "'channels last': both players' weights and the real images in channels-innermost memory layout; "
             "'D channels last': the discriminator's weights only (what gains is its max-pooling: on this machine "
             "about 0.2 ms per call in that layout against 3 ms in the standard one). Per step, with `--time-only` "
             "three times in a row: 77-83 ms standard, 70-74 ms D channels last, 70-73 ms channels last; the "
             "1,800-step run of 'D channels last' did not score better than the notebook's 1,500 steps.", "",
             "| variant | seed | steps x batch | s here | ref. s | FD raw | FD EMA | coverage TV | confidence |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        best = r.get("ema", r["raw"])
        lines.append(f"| {r['variant']} | {r['seed']} | {r['steps']} x {r['batch']} | {r['seconds']:.0f} | "
                     f"{r['seconds'] * r.get('factor', factor):.0f} | {r['raw']['fd']:.1f} | "
                     f"{r['ema']['fd'] if 'ema' in r else float('nan'):.1f} | {best['coverage_tv']:.3f} | "
                     f"{best['confidence']:.3f} |")
    (RESULTS / "gan_search.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--factor", type=float, required=True, help="reference seconds per second here (calib.py)")
    p.add_argument("--budget", type=float, default=240.0, help="training budget in reference-machine seconds")
    p.add_argument("--only", default="", help="semicolon-separated variant names (default: all)")
    p.add_argument("--seeds", default="0")
    p.add_argument("--steps", type=int, default=None, help="fixed step count instead of one set by the budget")
    p.add_argument("--table-only", action="store_true", help="rewrite the table from the recorded runs")
    p.add_argument("--time-only", action="store_true", help="print seconds per step and the step count only")
    a = p.parse_args(argv)
    torch.set_num_threads(2)
    real_data = helpers.load_mnist("train")[0] * 2 - 1
    if a.only:
        unknown = [n for n in a.only.split(";") if n and n not in VARIANTS]
        if unknown:
            raise SystemExit(f"unknown variant(s) {unknown}; known: {list(VARIANTS)}")
    names = [n for n in a.only.split(";") if n] or list(VARIANTS)
    budget_here = a.budget / a.factor
    if a.table_only:
        names = []
    for name in names:
        if a.time_only:
            per = seconds_per_step(name, real_data)
            print(f"{name:45s} {1000 * per:6.1f} ms/step -> {int(budget_here / per)} steps in {budget_here:.0f} s here")
            continue
        for seed in [int(s) for s in a.seeds.split(",")]:
            r = run(name, real_data, budget_here, seed, a.steps)
            r["factor"] = a.factor
            with open(RESULTS / "gan_search.jsonl", "a") as fh:
                fh.write(json.dumps(r) + "\n")
            print(json.dumps(r), flush=True)
    if not a.time_only:
        write_table(a.factor)


if __name__ == "__main__":
    main()
