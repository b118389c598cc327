"""MNIST held in memory, read straight from the shipped files, and a plain mini-batch loop.

The four MNIST files ship gzip-compressed in ``data/mnist/``. They are decompressed in memory,
checked against their MD5 sums and parsed (the IDX format is a short header and then one byte per
pixel or label); nothing is written to disk and nothing is downloaded.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from functools import lru_cache

import torch

from .env import data_dir

#: MD5 of each decompressed MNIST file (the original IDX bytes).
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
_REMEDY = "restore the shipped copy with `git checkout -- data/mnist/` (or copy the four .gz files back there)"


class MnistDataError(RuntimeError):
    """An MNIST file is missing or damaged; the message names the file and the remedy."""


def _read(name: str, header: int) -> torch.Tensor:
    """The verified bytes of one shipped file after its IDX header, as a uint8 tensor."""
    path = data_dir() / "mnist" / f"{name}.gz"
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise MnistDataError(f"MNIST file {path} is missing: {_REMEDY}") from None
    except (OSError, EOFError, zlib.error) as err:  # a damaged gzip stream; gzip.BadGzipFile is an OSError
        raise MnistDataError(f"{path} cannot be decompressed ({err}): the file is damaged; {_REMEDY}") from None
    if hashlib.md5(raw).hexdigest() != MNIST_MD5[name]:
        raise MnistDataError(f"{path} does not hold the original MNIST bytes (checksum differs); {_REMEDY}")
    return torch.frombuffer(bytearray(raw[header:]), dtype=torch.uint8)


@lru_cache(maxsize=2)
def _load(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = _FILES[split]
    return _read(images, 16).view(-1, 28, 28), _read(labels, 8).long()


def load_mnist(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """``"train"`` (60,000) or ``"test"`` (10,000): images float32 ``(N, 1, 28, 28)`` in [0, 1] (1 = white ink)
    and labels int64 ``(N,)`` in 0-9. A missing or damaged file raises :class:`MnistDataError` naming it."""
    if not isinstance(split, str) or split not in _FILES:
        raise ValueError(f"load_mnist: split must be the string 'train' or 'test' (one split per call), got {split!r}")
    images, labels = _load(split)
    return images.unsqueeze(1).float().div_(255.0), labels.clone()


class batches:
    """Mini-batches of same-length tensors (one slice of each, or the slice itself for one tensor); every pass
    over the object is one epoch in a new (seeded) order, so one object serves all epochs. A pass does::

        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            yield tuple(t[idx] for t in tensors)

    One tensor gives one tensor per batch, ``for x in batches(images)``; several give a tuple,
    ``for x, y in batches(images, labels)``. ``drop_last=True`` skips the last, smaller batch. Pass a ``torch.Generator().manual_seed(0)``
    for a reproducible, different order each epoch.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int = 128, shuffle: bool = True,
                 generator: torch.Generator | None = None, drop_last: bool = False) -> None:
        if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
            raise TypeError(f"batches expects one or more tensors, got {[type(t).__name__ for t in tensors]}")
        if any(t.dim() == 0 for t in tensors):
            raise ValueError("batches expects tensors with one row per example, got a single number (a 0-d tensor)")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"generator: expected a torch.Generator (for example torch.Generator().manual_seed(0)), "
                            f"got {type(generator).__name__} {generator!r}; a plain number is not one")
        n = len(tensors[0])
        if any(len(t) != n for t in tensors):
            raise ValueError(f"all tensors must have the same length, got {[len(t) for t in tensors]}")
        if n == 0 or (drop_last and n < batch_size):
            raise ValueError(f"batch_size={batch_size} with {n} examples{' and drop_last=True' if n else ''} gives "
                             f"not one batch, so a training loop would never advance; use a batch_size of at most "
                             f"the number of examples")
        self.tensors, self.batch_size, self.shuffle = tensors, batch_size, shuffle
        self.generator, self.drop_last = generator, drop_last

    def __len__(self) -> int:
        n = len(self.tensors[0])
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.tensors[0])
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            picked = tuple(t[order[start:start + self.batch_size]] for t in self.tensors)
            yield picked[0] if len(picked) == 1 else picked
