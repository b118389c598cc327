"""MNIST, offline first, held in memory, and a plain batching loop over tensors.

The four MNIST files ship gzip-compressed in ``data/mnist/``. On first use they are
decompressed once into torchvision's layout (``data/cache/MNIST/raw/``), their MD5 checked,
and read with ``torchvision.datasets.MNIST(download=False)``. Only when the shipped files are
absent does the loader fall back to torchvision's download.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import torch

from .utils import atomic_path, data_dir

#: MD5 of each decompressed MNIST file (the original IDX bytes).
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}

_SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}

_REMEDY = "Restore the shipped copy with `git checkout -- data/mnist/` (or copy the four .gz files back into data/mnist/)."


class MnistDataError(RuntimeError):
    """An MNIST file is missing or damaged; the message names the file and the remedy."""


def shipped_dir() -> Path:
    """Folder of the shipped, gzip-compressed MNIST files (``data/mnist/``)."""
    return data_dir() / "mnist"


def cache_dir() -> Path:
    """Root handed to torchvision; the decompressed files live in ``<cache_dir>/MNIST/raw/``."""
    return data_dir() / "cache"


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _decompress(gz_path: Path, raw_path: Path) -> None:
    """Decompress ``gz_path`` into ``raw_path`` through a temporary file and an atomic rename.

    A run killed midway leaves only a stray temporary file, never a half-written ``raw_path``.
    """
    try:
        with atomic_path(raw_path) as tmp:
            with open(tmp, "wb") as out, gzip.open(gz_path, "rb") as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    out.write(block)
            if _md5(tmp) != MNIST_MD5[raw_path.name]:
                raise MnistDataError(
                    f"{gz_path} decompresses to bytes with the wrong checksum: the file is damaged. {_REMEDY}"
                )
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        raise MnistDataError(f"{gz_path} cannot be decompressed ({err}): the file is damaged or truncated. {_REMEDY}") from None


def _ensure_raw(name: str) -> bool:
    """Make sure the verified raw file ``name`` exists; False when neither it nor its .gz is there."""
    raw_path = cache_dir() / "MNIST" / "raw" / name
    if raw_path.is_file() and _md5(raw_path) == MNIST_MD5[name]:
        return True
    gz_path = shipped_dir() / f"{name}.gz"
    if not gz_path.is_file():
        return False
    # A raw file with a wrong checksum (e.g. from an interrupted copy) is not trusted: redo it.
    _decompress(gz_path, raw_path)
    return True


def _download(split: str, missing: list[str]) -> None:
    import torchvision

    try:
        torchvision.datasets.MNIST(str(cache_dir()), train=(split == "train"), download=True)
    except Exception as err:  # network errors come in many types
        raise MnistDataError(
            f"MNIST file(s) {', '.join(missing)} are missing from {shipped_dir()} and the download "
            f"fallback failed ({type(err).__name__}: {err}). {_REMEDY}"
        ) from None
    for name in missing:
        raw_path = cache_dir() / "MNIST" / "raw" / name
        if not raw_path.is_file() or _md5(raw_path) != MNIST_MD5[name]:
            raise MnistDataError(f"downloaded {raw_path} does not match its MNIST checksum. {_REMEDY}")


@lru_cache(maxsize=2)
def _load_uint8(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    import torchvision

    # torchvision checks that all four files exist, whichever split is asked for
    missing = [name for name in MNIST_MD5 if not _ensure_raw(name)]
    if missing:
        _download(split, missing)
    ds = torchvision.datasets.MNIST(str(cache_dir()), train=(split == "train"), download=False)
    return ds.data, ds.targets


def load_mnist(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """Load one MNIST split into memory.

    Parameters
    ----------
    split : ``"train"`` (60,000 images) or ``"test"`` (10,000 images).

    Returns
    -------
    images : float32 tensor of shape ``(N, 1, 28, 28)``, values in ``[0, 1]`` (0 = black
        background, 1 = white ink).
    labels : int64 tensor of shape ``(N,)``, the digits 0-9.

    The files are read from ``data/mnist/`` (checked against their MD5 sums), decompressed once
    into ``data/cache/``; a missing or damaged file raises :class:`MnistDataError` naming it.
    """
    if split not in _SPLIT_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    images, labels = _load_uint8(split)
    return images.unsqueeze(1).float().div_(255.0), labels.clone()


def batches(*tensors: torch.Tensor, batch_size: int = 128, shuffle: bool = True,
            generator: torch.Generator | None = None, drop_last: bool = False) -> Iterator:
    """Yield mini-batches of in-memory tensors, in a (seeded) random order.

    All tensors must have the same length along dimension 0; each step yields a tuple with one
    slice of each (or the slice itself when a single tensor is given). This is the whole loop::

        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            yield tuple(t[idx] for t in tensors)

    Pass the same ``torch.Generator`` every epoch (``torch.Generator().manual_seed(0)``) for a
    reproducible, different order each epoch.
    """
    if not tensors:
        raise ValueError("batches expects at least one tensor")
    if not all(isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError(f"batches expects tensors, got {[type(t).__name__ for t in tensors]}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    n = len(tensors[0])
    if any(len(t) != n for t in tensors):
        raise ValueError(f"all tensors must have the same length, got {[len(t) for t in tensors]}")
    if n == 0:
        raise ValueError("batches got empty tensors: there is nothing to iterate over")
    if drop_last and n < batch_size:
        raise ValueError(f"batch_size={batch_size} is larger than the {n} examples and drop_last=True: "
                         "not one full batch can be drawn, so a training loop would never advance; "
                         "use a batch_size of at most the number of examples")
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        picked = tuple(t[idx] for t in tensors)
        yield picked[0] if len(picked) == 1 else picked
