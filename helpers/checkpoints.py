"""Trained models on disk: one safetensors file per training run in ``data/weights/``, and :func:`trained`, the
one way every notebook either trains a model or loads the shipped one.

A run's file holds the model's weights under their usual names, every tensor of its training history under
``history/<name>`` (a film strip of samples, say) and what the notebook keeps from the trained model under
``kept/<name>`` (code statistics, digit counts); the rest of the history (losses per step, the seconds it took)
is JSON in the file's metadata. No pickle is involved in reading any of it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import torch
from torch import nn

from . import env

HISTORY, KEPT = "history/", "kept/"


def weights_path(name: str) -> Path:
    """``data/weights/<name>.safetensors`` for a name such as ``"ae_fc"``."""
    return env.data_dir() / "weights" / f"{name}.safetensors"


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """``write(tmp)`` into a hidden file beside ``path``, which then replaces ``path`` in one step: a failed or
    stopped write leaves the old file as it was. The new file gets the usual permissions."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")                 # git ignores .*.tmp
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)                         # safetensors writes 0600 files
        os.replace(tmp, path)
    except OSError as err:
        raise OSError(err.errno, f"could not write {path} ({err.strerror or err}): check that its folder is "
                                 f"writable, the disk not full and no folder has that name. Nothing already "
                                 f"saved there was changed.") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _restore_hint(path: Path) -> str:
    return (f"`git checkout -- data/weights/{path.name}` brings back the shipped file (`git status` shows whether it "
            f"was deleted or changed)")


def save_weights(model: nn.Module | None, path: str | os.PathLike, metadata: dict | None = None,
                 tensors: dict[str, torch.Tensor] | None = None) -> Path:
    """Write ``model``'s parameters and buffers (none for ``model=None``), plus ``tensors`` under their own names, to
    a safetensors file, atomically; ``metadata``: strings for the file's header. Returns the path."""
    from safetensors.torch import save_file

    if model is not None and not isinstance(model, nn.Module):
        raise TypeError(f"save_weights expects a torch.nn.Module (or None), got {type(model).__name__}")
    state = {} if model is None else dict(model.state_dict())
    state.update(tensors or {})
    state = {k: v.detach().to("cpu").contiguous().clone() for k, v in state.items()}
    meta = {"model": type(model).__name__ if model is not None else "", **{str(k): str(v) for k, v in (metadata or {}).items()}}
    return write_atomically(Path(path), lambda tmp: save_file(state, str(tmp), metadata=meta))


def _read(path: Path, what: str) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if path.suffix != ".safetensors" or path.is_dir():
        raise ValueError(f"{path} is not a weight file: expected a .safetensors file, for example "
                         f"helpers.weights_path('ae_fc') (the name without its extension)")
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path} for {what}: {_restore_hint(path)}; or set "
                                f"USE_SHIPPED_WEIGHTS = False to train it in its notebook (a training run writes "
                                f"data/weights/ only when started with {env.WRITE_WEIGHTS_ENV}=1, as `make notebooks` does)")
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise ValueError(f"{path.name} is not a readable safetensors file ({err}): {_restore_hint(path)}") from None


def _load_into(model: nn.Module, state: dict[str, torch.Tensor], path: Path) -> None:
    """Load the weights in ``state`` (a whole file's tensors: its history and kept tensors are left out) into
    ``model``, or say why they do not fit it."""
    name = type(model).__name__
    state = {k: v for k, v in state.items() if not k.startswith((HISTORY, KEPT))}
    expected = model.state_dict()
    problems = [f"{k}: file {tuple(state[k].shape)}, model {tuple(v.shape)}"
                for k, v in expected.items() if k in state and state[k].shape != v.shape]
    problems += [f"{k} missing from the file" for k in expected if k not in state]
    problems += [f"{k} not in the model" for k in state if k not in expected]
    if problems:
        saved_from = read_metadata(path).get("model", "")
        if saved_from and saved_from not in (name, "ModuleDict"):
            raise ValueError(f"{path.name} holds the weights of a {saved_from}, not of a {name}: load it into a "
                             f"{saved_from}, or pick the file of this model")
        raise ValueError(
            f"{path.name} does not fit this {name} ({'; '.join(problems[:4])}{' ...' if len(problems) > 4 else ''}). "
            f"The file was saved from the course's definition of {name}, and the model the cell above created "
            f"differs: its class was edited (an exercise?) or its code size or widths are not the course's. To "
            f"use your edited model, train it here with USE_SHIPPED_WEIGHTS = False; to load the shipped weights, "
            f"put the class back as the course has it (your other edits can stay).")
    model.load_state_dict(state)


def load_weights(model: nn.Module, path: str | os.PathLike) -> nn.Module:
    """Load a file written by :func:`save_weights` or :func:`trained` into ``model``; returns the model.

    A missing or unreadable file, or one saved from a different definition of the model, raises an error that
    says which, and how to get back a working pair.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"load_weights expects a torch.nn.Module, got {type(model).__name__}")
    path = Path(path)
    _load_into(model, _read(path, type(model).__name__), path)
    return model


def read_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The strings stored in a safetensors file's header (for example a JSON training history)."""
    from safetensors import SafetensorError, safe_open

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weight file at {path}: {_restore_hint(path)}")
    try:
        with safe_open(str(path), framework="pt") as fh:
            return dict(fh.metadata() or {})
    except (SafetensorError, OSError) as err:
        raise ValueError(f"{path.name} is not a readable safetensors file ({err}): {_restore_hint(path)}") from None


def load_run(name: str, model: nn.Module | None = None) -> tuple[dict, dict[str, torch.Tensor]]:
    """What a full run saved as ``data/weights/<name>.safetensors``: its weights loaded into ``model`` (when given),
    and ``(history, kept)`` returned, as :func:`trained` returns them."""
    path = weights_path(name)
    state = _read(path, name if model is None else type(model).__name__)
    if model is not None:
        _load_into(model, state, path)
    history = json.loads(read_metadata(path).get("history", "{}"))
    history.update({k[len(HISTORY):]: v for k, v in state.items() if k.startswith(HISTORY)})
    kept = {k[len(KEPT):]: v for k, v in state.items() if k.startswith(KEPT)}
    return history, kept


def trained(name: str, model: nn.Module | None, *, shipped: bool, train: Callable[[], dict],
            keep: Callable[[], dict[str, torch.Tensor]] | None = None) -> tuple[dict, dict[str, torch.Tensor]]:
    """Train ``model``, or load the shipped run ``data/weights/<name>.safetensors``; returns ``(history, kept)``.

    ``shipped`` (the notebook's ``USE_SHIPPED_WEIGHTS``): load the file's weights into ``model`` and return the
    history and the kept tensors recorded by the full run that wrote it. Otherwise call ``train()``, which trains
    ``model`` in place and returns its history (a dict: lists and numbers, and tensors such as a film strip),
    then ``keep()`` (optional), which returns tensors worth keeping from the trained model (code statistics, say).
    A full run started with ``GENMODELS_WRITE_WEIGHTS=1`` saves all of it into the file; with
    ``GENMODELS_TRAIN_ALL=1`` too it trains even where ``shipped`` is on (``make extra-runs``). ``model=None``: a
    run whose weights are not kept, only its history and kept tensors.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"trained: the run's name must be a file name such as 'ae_fc', got {name!r}")
    if model is not None and not isinstance(model, nn.Module):
        raise TypeError(f"trained: expected a torch.nn.Module (or None) as the model, got {type(model).__name__}")
    if env.uses_shipped(shipped) and not env.trains_all():
        history, kept = load_run(name, model)
        took = f", trained in {history['seconds']:.0f} s" if isinstance(history.get("seconds"), (int, float)) else ""
        print(f"loaded {name}.safetensors (the shipped run{took})")
        return history, kept
    if not callable(train):
        raise TypeError(f"trained: `train` must be a function that trains the model and returns its history, "
                        f"got {type(train).__name__}: write train=lambda: train_...(...)")
    history = train()
    if not isinstance(history, dict):
        raise TypeError(f"trained: `train` must return the training history as a dict, got {type(history).__name__}")
    kept = dict(keep()) if keep is not None else {}
    if env.writes_weights():
        tensors = {HISTORY + k: v for k, v in history.items() if isinstance(v, torch.Tensor)}
        tensors.update({KEPT + k: torch.as_tensor(v) for k, v in kept.items()})
        plain = {k: v for k, v in history.items() if not isinstance(v, torch.Tensor)}
        path = save_weights(model, weights_path(name), metadata={"history": json.dumps(plain)}, tensors=tensors)
        print("saved", path.name)
    return history, kept
