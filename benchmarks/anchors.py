"""The two published recipes the notebooks are measured against, re-implemented for scoring.

* ``examples_vae``: the VAE of the pytorch/examples repository: MLP 784-400-20, binary
  cross-entropy + KL, Adam (lr 1e-3), batch 128, 10 epochs.
* ``source_fc_gan``: the fully connected GAN of the chapter the notebooks follow: noise of 96
  dimensions uniform in [-1, 1], G 96-1024-1024-784 with tanh output, D 784-256-256-1 with
  LeakyReLU(0.2), Adam (lr 3e-4, betas (0.5, 0.999)), batch 128, 10 epochs.
* ``source_dcgan``: the same chapter's convolutional GAN: G 96 -> 1024 -> 128x7x7 (ReLU then
  BatchNorm) -> transposed convolutions 4x4 to 64x14x14 and 1x28x28, tanh; D two 5x5 convolutions
  (32, 64 channels) each with LeakyReLU(0.01) and 2x2 max-pooling, then 1024 -> 1024 -> 1; the
  same noise, losses and optimiser as the FC GAN, batch 128, 5 epochs.

Both train from in-memory tensors (``helpers.batches``): the recipe is the model, loss and
optimiser, not the input pipeline. Each function returns ``(generate, info)`` where
``generate(n)`` gives a CPU tensor (n, 1, 28, 28) in [0, 1].
"""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn

import helpers


class ExamplesVAE(nn.Module):
    """MLP 784-400-20 VAE (pytorch/examples)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):                       # (B, 784) -> mu, logvar (B, 20)
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def decode(self, z):                       # (B, 20) -> (B, 784) in (0, 1)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def examples_vae_loss(recon, x, mu, logvar):
    """Summed BCE + KL, in nats per batch (the recipe's loss)."""
    bce = F.binary_cross_entropy(recon, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def examples_vae(epochs: int = 10, seed: int = 0):
    helpers.seed_everything(seed)
    train_x, _ = helpers.load_mnist("train")
    test_x, _ = helpers.load_mnist("test")
    model = ExamplesVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for x in helpers.batches(train_x, batch_size=128, generator=g):
            recon, mu, logvar = model(x)
            loss = examples_vae_loss(recon, x, mu, logvar)
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    model.eval()
    total = 0.0
    with torch.no_grad():
        for x in helpers.batches(test_x, batch_size=1000, shuffle=False):
            recon, mu, logvar = model(x)
            total += examples_vae_loss(recon, x, mu, logvar).item()

    @torch.no_grad()
    def generate(n: int) -> torch.Tensor:
        return model.decode(torch.randn(n, 20)).view(n, 1, 28, 28)

    return generate, {"train_seconds": seconds, "test_loss_nats": total / len(test_x)}


class SourceGenerator(nn.Module):
    def __init__(self, noise_dim: int = 96):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(noise_dim, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                                 nn.Linear(1024, 784), nn.Tanh())

    def forward(self, z):                      # (B, 96) -> (B, 784) in [-1, 1]
        return self.net(z)


class SourceDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 256), nn.LeakyReLU(0.2),
                                 nn.Linear(256, 1))

    def forward(self, x):                      # (B, 784) -> logits (B, 1)
        return self.net(x)


class SourceDCGenerator(nn.Module):
    def __init__(self, noise_dim: int = 96):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(noise_dim, 1024), nn.ReLU(), nn.BatchNorm1d(1024),
                                nn.Linear(1024, 7 * 7 * 128), nn.ReLU(), nn.BatchNorm1d(7 * 7 * 128))
        self.conv = nn.Sequential(nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.ReLU(), nn.BatchNorm2d(64),
                                  nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh())

    def forward(self, z):                      # (B, 96) -> (B, 1, 28, 28) in [-1, 1]
        return self.conv(self.fc(z).view(-1, 128, 7, 7))


class SourceDCDiscriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Conv2d(1, 32, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2),   # -> (B, 32, 12, 12)
                                 nn.Conv2d(32, 64, 5), nn.LeakyReLU(0.01), nn.MaxPool2d(2),  # -> (B, 64, 4, 4)
                                 nn.Flatten(), nn.Linear(1024, 1024), nn.LeakyReLU(0.01), nn.Linear(1024, 1))

    def forward(self, x):                      # (B, 1, 28, 28) -> logits (B, 1)
        return self.net(x)


def source_dcgan(epochs: int = 5, seed: int = 0, noise_dim: int = 96):
    return _train_source_gan(SourceDCGenerator(noise_dim), SourceDCDiscriminator(), (-1, 1, 28, 28),
                             epochs, seed, noise_dim)


def source_fc_gan(epochs: int = 10, seed: int = 0, noise_dim: int = 96):
    return _train_source_gan(SourceGenerator(noise_dim), SourceDiscriminator(), (-1, 784), epochs, seed, noise_dim)


def _train_source_gan(G: nn.Module, D: nn.Module, shape: tuple, epochs: int, seed: int, noise_dim: int):
    helpers.seed_everything(seed)
    train_x, _ = helpers.load_mnist("train")
    real_all = train_x.reshape(shape) * 2 - 1  # [0, 1] -> [-1, 1], the generator's range
    opt_g = torch.optim.Adam(G.parameters(), lr=3e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=3e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    g = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        for real in helpers.batches(real_all, batch_size=128, generator=g):
            b = len(real)
            fake = G(torch.rand(b, noise_dim) * 2 - 1)
            d_loss = bce(D(real), torch.ones(b, 1)) + bce(D(fake.detach()), torch.zeros(b, 1))
            opt_d.zero_grad()
            d_loss.backward()
            opt_d.step()
            g_loss = bce(D(fake), torch.ones(b, 1))
            opt_g.zero_grad()
            g_loss.backward()
            opt_g.step()
    seconds = time.perf_counter() - start
    G.eval()

    @torch.no_grad()
    def generate(n: int) -> torch.Tensor:
        return ((G(torch.rand(n, noise_dim) * 2 - 1) + 1) / 2).reshape(n, 1, 28, 28)

    return generate, {"train_seconds": seconds}
