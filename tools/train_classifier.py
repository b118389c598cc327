"""Train the MNIST classifier behind helpers.metrics and save it to data/weights/mnist_classifier.safetensors.

    python -m tools.train_classifier [--epochs 4] [--seed 0]      (or: make classifier)

Adam with a one-cycle learning-rate schedule (peak 3e-3), cross-entropy, random shifts of up to
2 pixels as augmentation; about 15 seconds per epoch on a 2-core laptop CPU. Prints the test accuracy and
the reference rows of the score table computed with the new weights.
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn.functional as F

from helpers import batches, load_mnist, pick_device, save_weights, seed_everything, weights_path
from helpers import metrics
from helpers.metrics import CLASSIFIER_NAME, MnistClassifier


def train_classifier(epochs: int = 4, seed: int = 0, batch_size: int = 128) -> tuple[MnistClassifier, float, list]:
    """Train on the 60,000 training images; returns the model (CPU, eval mode), its test accuracy, epoch losses."""
    from tqdm.auto import tqdm

    seed_everything(seed)
    device = pick_device()
    x_train, y_train = load_mnist("train")
    x_test, y_test = load_mnist("test")
    model = MnistClassifier().to(device)
    loader = batches(x_train, y_train, batch_size=batch_size, generator=torch.Generator().manual_seed(seed))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=epochs * len(loader))
    shift = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for x, y in tqdm(loader, desc=f"epoch {epoch + 1}/{epochs}"):
            dx, dy = torch.randint(0, 5, (2,), generator=shift).tolist()  # shift by up to 2 px: pad, then crop
            x = F.pad(x, (2, 2, 2, 2))[:, :, dy:dy + 28, dx:dx + 28]
            loss = F.cross_entropy(model(x.to(device)), y.to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(x)
        history.append(total / len(x_train))
    model.eval()
    with torch.inference_mode():
        pred = torch.cat([model(x_test[i:i + 1000].to(device)).argmax(1).cpu() for i in range(0, len(x_test), 1000)])
    return model.cpu(), (pred == y_test).float().mean().item(), history


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, accuracy, history = train_classifier(epochs=args.epochs, seed=args.seed)
    path = save_weights(model, weights_path(CLASSIFIER_NAME), metadata={
        "test_accuracy": f"{accuracy:.4f}", "epochs": args.epochs, "seed": args.seed,
        "history": json.dumps({"train_loss": history}),
    })
    print(f"test accuracy {accuracy:.2%} after {args.epochs} epochs ({time.perf_counter() - start:.0f} s); "
          f"saved {path.name}")
    print(metrics.table({}))


if __name__ == "__main__":
    main()
