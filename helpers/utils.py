"""Small shared utilities: paths, quick mode, seeding, device choice and weight files.

Everything here is plumbing the notebooks need but that is not the lesson itself.
"""

from __future__ import annotations

import os
import random
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from torch import nn

#: Environment variable that switches every notebook into *quick mode*: fewer epochs and a
#: smaller slice of MNIST, so the whole test suite runs in minutes. ``1``, ``true``, ``yes`` or
#: ``on`` turn it on; ``0``, ``false``, ``no``, ``off`` or empty turn it off; anything else is an error.
QUICK_ENV = "GENMODELS_QUICK"

#: Environment variable that overrides where the project's ``data/`` folder is.
DATA_DIR_ENV = "GENMODELS_DATA_DIR"

#: Environment variable that makes a notebook's full run write its trained weights into
#: ``data/weights/`` (``make weights`` sets it). Off by default, so that a learner's own
#: run never overwrites the shipped files.
WRITE_WEIGHTS_ENV = "GENMODELS_WRITE_WEIGHTS"


_OFF = ("", "0", "false", "no", "off")
_ON = ("1", "true", "yes", "on")


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in _OFF or value in _ON:
        return value in _ON
    raise ValueError(f"environment variable {name}={os.environ[name]!r} is neither on ({', '.join(_ON)}) "
                     f"nor off ({', '.join(repr(v) for v in _OFF)}); set one of those or unset it")


def is_quick() -> bool:
    """True when quick mode is on (environment variable ``GENMODELS_QUICK=1``)."""
    return _flag(QUICK_ENV)


def writes_weights() -> bool:
    """True when a full run should write its weights to ``data/weights/`` (``GENMODELS_WRITE_WEIGHTS=1``).

    Always False in quick mode: a quick run's models and scores never replace the shipped ones.
    """
    return _flag(WRITE_WEIGHTS_ENV) and not is_quick()


def data_dir() -> Path:
    """The project's ``data/`` folder (or ``$GENMODELS_DATA_DIR`` when set)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "data"


def weights_path(name: str) -> Path:
    """Path of a shipped weight file: ``data/weights/<name>.safetensors``."""
    if not name or "/" in name or "\\" in name:
        raise ValueError(f"weights_path expects a bare file stem such as 'ae_fc', got {name!r}")
    return data_dir() / "weights" / f"{name}.safetensors"


def seed_everything(seed: int = 0) -> int:
    """Seed Python's ``random``, NumPy and PyTorch (CPU and every GPU) with one integer.

    Returns the seed, so a setup cell can print it.
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed_everything expects an int, got {type(seed).__name__}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators
    return seed


def pick_device(prefer: str | None = None) -> torch.device:
    """The best device present: CUDA, then Apple MPS, else the CPU.

    ``prefer="cpu"`` (or ``"cuda"``, ``"mps"``) forces a choice; asking for one that is
    absent raises a ``RuntimeError`` that says what is available.
    """
    available = ["cpu"]
    if torch.cuda.is_available():
        available.insert(0, "cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        available.insert(1 if "cuda" in available else 0, "mps")
    if prefer is None:
        return torch.device(available[0])
    if prefer not in available:
        raise RuntimeError(f"device {prefer!r} was asked for but only {available} are available here")
    return torch.device(prefer)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Write a file atomically: yield a temporary path beside ``path``, rename it over ``path`` on success.

    If the block raises (or the process dies), ``path`` keeps its previous content and the
    temporary file is removed (or, after a kill, left as a hidden ``.<name>.*.tmp`` that nothing reads).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files; give the usual permissions
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~umask)  # again: some writers (safetensors) recreate the file as 0600
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _model_name(model: nn.Module) -> str:
    return type(model).__name__


def save_weights(model: nn.Module, path: str | os.PathLike, metadata: dict[str, str] | None = None) -> Path:
    """Write ``model``'s parameters and buffers to a safetensors file, atomically.

    The tensors go to a temporary file in the same folder first, which is then renamed over
    ``path``: a crash midway leaves any previous file at ``path`` intact. ``metadata`` is a
    dict of strings stored in the file header. Returns the path written.
    """
    from safetensors.torch import save_file

    if not isinstance(model, nn.Module):
        raise TypeError(f"save_weights expects a torch.nn.Module, got {type(model).__name__}")
    path = Path(path)
    # clone: safetensors refuses tensors that share memory (tied weights) or are not contiguous
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in model.state_dict().items()}
    meta = {"model": _model_name(model), **{str(k): str(v) for k, v in (metadata or {}).items()}}
    with atomic_path(path) as tmp:
        save_file(state, str(tmp), metadata=meta)
    return path


def load_weights(model: nn.Module, path: str | os.PathLike, device: torch.device | str | None = None) -> nn.Module:
    """Load a safetensors file written by :func:`save_weights` into ``model`` (no pickle involved).

    Raises ``FileNotFoundError`` when the file is missing and ``ValueError`` naming the model
    and the file when keys or shapes do not match or the file is not a safetensors file.
    Returns the model, so ``model = load_weights(Model(), path)`` reads naturally.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not isinstance(model, nn.Module):
        raise TypeError(f"load_weights expects a torch.nn.Module, got {type(model).__name__}")
    path = Path(path)
    name = _model_name(model)
    if not path.is_file():
        raise FileNotFoundError(
            f"no weight file at {path} for {name}. Train the model in its notebook (shipped-weights "
            f"switch off), or restore the shipped files with `git checkout -- data/weights`."
        )
    try:
        state = load_file(str(path), device=str(device) if device is not None else "cpu")
    except (SafetensorError, OSError, ValueError) as err:
        raise ValueError(
            f"{path} is not a readable safetensors file ({err}); restore it with "
            f"`git checkout -- {path.name}` or retrain {name} in its notebook."
        ) from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [
        f"{k}: file {tuple(state[k].shape)} vs model {tuple(expected[k].shape)}"
        for k in expected
        if k in state and state[k].shape != expected[k].shape
    ]
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"missing from the file: {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
        if unexpected:
            parts.append(f"not in the model: {', '.join(unexpected[:5])}{' ...' if len(unexpected) > 5 else ''}")
        if wrong:
            parts.append(f"shape mismatch: {'; '.join(wrong[:5])}{' ...' if len(wrong) > 5 else ''}")
        raise ValueError(
            f"{path} does not fit {name}: " + " | ".join(parts)
            + ". Was the architecture changed after the weights were saved? Retrain, or use the "
            "model definition the file was made with."
        )
    model.load_state_dict(state)
    return model


def read_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The string metadata stored in a safetensors file's header (e.g. a JSON training history)."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path}; restore the shipped files with `git checkout -- data/weights`.")
    try:
        with safe_open(str(path), framework="pt") as fh:
            return dict(fh.metadata() or {})
    except (SafetensorError, OSError) as err:
        raise ValueError(f"{path} is not a readable safetensors file ({err}).") from None
