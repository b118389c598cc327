"""Plumbing the notebooks need but that is not the lesson: switches, paths, seeding, the device,
one check for batches of images, and weight files that are written atomically."""

from __future__ import annotations

import errno
import os
import random
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from torch import nn

#: ``GENMODELS_QUICK=1``: every notebook trains on a slice of MNIST for a fraction of the epochs.
QUICK_ENV = "GENMODELS_QUICK"
#: ``GENMODELS_WRITE_WEIGHTS=1``: a full run writes its weights to ``data/weights/`` (``make notebooks``).
WRITE_WEIGHTS_ENV = "GENMODELS_WRITE_WEIGHTS"
#: Where the project's ``data/`` folder is, when not beside ``helpers/``.
DATA_DIR_ENV = "GENMODELS_DATA_DIR"

_ON, _OFF = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value not in _ON + _OFF:
        raise ValueError(f"environment variable {name}={os.environ[name]!r} is neither on ({', '.join(_ON)}) "
                         f"nor off ({', '.join(repr(v) for v in _OFF)}); set one of those or unset it")
    return value in _ON


def is_quick() -> bool:
    """True in quick mode (``GENMODELS_QUICK`` set to 1, true, yes or on)."""
    return _flag(QUICK_ENV)


def writes_weights() -> bool:
    """True when a full run writes its weights and scores into ``data/weights/`` (``GENMODELS_WRITE_WEIGHTS=1``);
    always False in quick mode, so a quick run never replaces the shipped files."""
    return _flag(WRITE_WEIGHTS_ENV) and not is_quick()


def data_dir() -> Path:
    """The project's ``data/`` folder: ``$GENMODELS_DATA_DIR`` when set; else the one beside ``helpers/`` (a
    checkout or an editable install); else the first ``data/`` holding ``mnist/`` in the working folder or
    above it (a notebook's kernel starts in the notebook's folder, so a non-editable install still finds the
    checkout the notebook was opened from)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    found = project_folder("data", "mnist")
    if found is None:
        raise FileNotFoundError(f"no data/ folder with mnist/ in it beside {Path(__file__).resolve().parent.parent}, "
                                f"nor in {Path.cwd().resolve()} or a folder above it: open the notebooks from the "
                                f"project's folder, or set {DATA_DIR_ENV} to the project's data/ folder")
    return found


def project_folder(name: str, holding: str) -> Path | None:
    """The project's folder ``name`` (``data``, ``i18n``) with the folder ``holding`` in it: the one beside
    ``helpers/`` (a checkout, an editable install), else the first in the working folder or above it; ``None`` if
    there is none."""
    here = Path.cwd().resolve()
    for folder in (Path(__file__).resolve().parent.parent, here, *here.parents):
        if (folder / name / holding).is_dir():
            return folder / name
    return None


def weights_path(name: str) -> Path:
    """``data/weights/<name>.safetensors`` for a name such as ``"ae_fc"``."""
    return data_dir() / "weights" / f"{name}.safetensors"


def seed_everything(seed: int = 0) -> int:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and GPUs) with one int; returns it."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return seed


def pick_device() -> torch.device:
    """CUDA when present, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def check_images(images, what: str = "images", min_count: int = 1) -> torch.Tensor:
    """The one check for a batch of images, ``(N, 1, 28, 28)`` or ``(N, 28, 28)`` floats in [0, 1].

    Returns them as CPU float32 ``(N, 1, 28, 28)``, clipped to [0, 1] (1e-3 outside is rounding); else
    raises a ``TypeError`` or ``ValueError`` saying what ``what`` should be and the usual fix.
    """
    if isinstance(images, (tuple, list)):
        raise TypeError(f"{what}: expected one tensor of images, got a {type(images).__name__}; a VAE's "
                        f"encode returns (mean, logvar): decode a code, or pass the mean where codes are asked for")
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{what}: expected a torch.Tensor (N, 1, 28, 28) in [0, 1], got {type(images).__name__}")
    if not images.is_floating_point():
        raise ValueError(f"{what}: expected floats in [0, 1], got dtype {images.dtype}"
                         + ("; divide bytes 0-255 by 255 first" if images.dtype == torch.uint8 else ""))
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"{what}: expected shape (N, 1, 28, 28), got {tuple(images.shape)}; "
                         f"reshape with .view(-1, 1, 28, 28)")
    if len(images) < min_count:
        raise ValueError(f"{what}: expected at least {min_count} image(s), got {len(images)}")
    images = images.detach().to("cpu", torch.float32)
    bad = int((~torch.isfinite(images)).sum())
    if bad:
        raise ValueError(f"{what}: {bad} pixel values are NaN or infinite; did training diverge? "
                         f"(a loss that became nan in the progress bar says so)")
    low, high = float(images.min()), float(images.max())
    if low < -1e-3 or high > 1 + 1e-3:
        raise ValueError(f"{what}: expected values in [0, 1], got [{low:.3g}, {high:.3g}]; a generator ending in "
                         f"tanh gives [-1, 1]: map it with (x + 1) / 2")
    return images.clamp(0.0, 1.0)


def _why_not_written(path: Path, err: OSError) -> OSError:
    """An OSError whose message names the real reason a file could not be written, and what to do."""
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = f"no permission to write in {path.parent} (a read-only copy of the project?); make it writable"
    elif err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = "the disk is full; free some space and run the cell again"
    elif path.is_dir():
        reason = f"{path} is a folder; move it away and run the cell again"
    else:
        reason = str(err)
    return OSError(err.errno, f"could not write {path.name}: {reason}. Nothing already saved there was changed.")


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step. If the block fails
    (or the process is killed), ``path`` keeps its old content; after a kill a hidden ``.<name>.*.tmp`` stays,
    which git ignores."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise _why_not_written(path, err) from None
    umask = os.umask(0)
    os.umask(umask)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp (and safetensors) make 0600 files; give the usual mode
        os.replace(tmp, path)
    except OSError as err:
        raise _why_not_written(path, err) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_weights(model: nn.Module, path: str | os.PathLike, metadata: dict | None = None) -> Path:
    """Write ``model``'s parameters and buffers to a safetensors file, atomically; returns the path.

    ``metadata``: strings stored in the file's header (values are converted with ``str``).
    """
    from safetensors.torch import save_file

    if not isinstance(model, nn.Module):
        raise TypeError(f"save_weights expects a torch.nn.Module, got {type(model).__name__}")
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in model.state_dict().items()}
    meta = {"model": type(model).__name__, **{str(k): str(v) for k, v in (metadata or {}).items()}}
    with atomic_path(path) as tmp:
        save_file(state, str(tmp), metadata=meta)
    return Path(path)


def load_weights(model: nn.Module, path: str | os.PathLike) -> nn.Module:
    """Load a file written by :func:`save_weights` into ``model`` (no pickle involved); returns the model.

    A missing or unreadable file, or one saved from a different definition of the model, raises an
    error that says which, and how to get back a working pair.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not isinstance(model, nn.Module):
        raise TypeError(f"load_weights expects a torch.nn.Module, got {type(model).__name__}")
    path, name = Path(path), type(model).__name__
    restore = f"`git checkout -- data/weights/{path.name}` restores the shipped file"
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path} for {name}: {restore}, or train the model in its "
                                f"notebook with USE_SHIPPED_WEIGHTS = False")
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise ValueError(f"{path.name} is not a readable safetensors file ({err}): {restore}") from None
    expected = model.state_dict()
    problems = [f"{k}: file {tuple(state[k].shape)}, model {tuple(v.shape)}"
                for k, v in expected.items() if k in state and state[k].shape != v.shape]
    problems += [f"{k} missing from the file" for k in expected if k not in state]
    problems += [f"{k} not in the model" for k in state if k not in expected]
    if problems:
        raise ValueError(
            f"{path.name} does not fit this {name} (shape mismatch or different layers: {'; '.join(problems[:4])}"
            f"{' ...' if len(problems) > 4 else ''}). The file was saved from another definition of {name} "
            f"than the one the cell above created: its class was edited (an exercise?) or its code size or "
            f"widths differ. To use the shipped weights, undo the edit (`git checkout -- <the notebook>` "
            f"restores it); to use your edited model, train it here with USE_SHIPPED_WEIGHTS = False.")
    model.load_state_dict(state)
    return model


def read_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The strings stored in a safetensors file's header (for example a JSON training history)."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path}: `git checkout -- data/weights` restores the shipped ones")
    try:
        with safe_open(str(path), framework="pt") as fh:
            return dict(fh.metadata() or {})
    except (SafetensorError, OSError) as err:
        raise ValueError(f"{path.name} is not a readable safetensors file ({err})") from None
