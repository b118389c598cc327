"""Reuse one notebook's model classes in a later notebook, without copying their code.

Notebook 2 compares itself with notebook 1's autoencoder, and notebook 3 with both. Rather than
paste the class definitions again (and let the copies drift apart), the code cells that define
a notebook's models carry the cell tag ``reuse``; :func:`load_notebook_definitions` runs exactly
those cells and hands back what they define.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn


def notebooks_dir() -> Path:
    """The project's ``notebooks/`` folder."""
    return Path(__file__).resolve().parent.parent / "notebooks"


def load_notebook_definitions(notebook: str, tag: str = "reuse") -> SimpleNamespace:
    """Run the code cells tagged ``tag`` of ``notebooks/<notebook>`` and return what they define.

    The cells run in a fresh namespace that already holds ``torch``, ``nn`` (``torch.nn``) and
    ``F`` (``torch.nn.functional``); they should only define classes, functions and constants.
    Example: ``nb1 = load_notebook_definitions("01_autoencoder.ipynb"); model = nb1.FCAutoencoder()``.
    """
    path = Path(notebook)
    if not path.is_absolute() and not path.exists():
        path = notebooks_dir() / path
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}; expected a name such as '01_autoencoder.ipynb' in {notebooks_dir()}")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError) as err:
        raise ValueError(f"{path} is not a readable notebook ({err}); restore it with `git checkout -- {path.name}`") from None
    sources = [
        "".join(cell.get("source", ""))
        for cell in cells
        if cell.get("cell_type") == "code" and tag in cell.get("metadata", {}).get("tags", [])
    ]
    if not sources:
        raise ValueError(f"{path.name} has no code cell tagged {tag!r}; tag its model definitions with it")
    namespace: dict = {"torch": torch, "nn": nn, "F": F, "__name__": f"notebook_{path.stem}"}
    for i, source in enumerate(sources):
        try:
            exec(compile(source, f"{path.name}[{tag} cell {i + 1}]", "exec"), namespace)
        except Exception as err:
            raise RuntimeError(f"running {tag!r} cell {i + 1} of {path.name} failed: {type(err).__name__}: {err}") from err
    public = {k: v for k, v in namespace.items() if not k.startswith("_") and k not in ("torch", "nn", "F")}
    return SimpleNamespace(**public)
