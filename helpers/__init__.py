"""helpers: what the notebooks stand on but is not the lesson.

Data loading (:mod:`helpers.data`), plots (:mod:`helpers.plot`), interactive latent-space
widgets (:mod:`helpers.widgets`), sample-quality metrics (:mod:`helpers.metrics`), reuse of
one notebook's model classes in another (:mod:`helpers.nbimport`) and small utilities
(:mod:`helpers.utils`).
"""

from .data import MnistDataError, batches, load_mnist
from .utils import (
    QUICK_ENV,
    is_quick,
    load_weights,
    pick_device,
    save_weights,
    seed_everything,
    weights_path,
    writes_weights,
)

__all__ = [
    "MnistDataError", "batches", "load_mnist",
    "QUICK_ENV", "is_quick", "load_weights", "pick_device", "save_weights", "seed_everything",
    "weights_path", "writes_weights",
]
