"""helpers: what the notebooks stand on but is not the lesson.

Data loading (:mod:`helpers.data`), plots (:mod:`helpers.plot`), interactive latent-space
widgets (:mod:`helpers.widgets`), sample-quality metrics (:mod:`helpers.metrics`), reuse of
one notebook's model classes in another (:mod:`helpers.nbimport`) and small utilities
(:mod:`helpers.utils`).
"""

from . import plot
from .data import MnistDataError, batches, load_mnist
from .nbimport import load_notebook_definitions
from .utils import (
    QUICK_ENV,
    is_quick,
    load_weights,
    pick_device,
    read_metadata,
    save_weights,
    seed_everything,
    weights_path,
    writes_weights,
)

__all__ = [
    "plot", "MnistDataError", "batches", "load_mnist", "load_notebook_definitions",
    "QUICK_ENV", "is_quick", "load_weights", "pick_device", "read_metadata", "save_weights", "seed_everything",
    "weights_path", "writes_weights",
]


def __getattr__(name):
    # `helpers.widgets` and `helpers.metrics` import ipywidgets / torchmetrics: load them on first use
    if name in ("widgets", "metrics"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
