"""helpers: what the notebooks stand on but is not the lesson.

MNIST in memory and mini-batches (:mod:`helpers.data`), plots (:mod:`helpers.plot`), latent-space
sliders (:mod:`helpers.widgets`), sample-quality scores (:mod:`helpers.metrics`), the model classes
later notebooks reuse (:mod:`helpers.models`, generated from the notebooks) and small utilities
(:mod:`helpers.utils`).
"""

from .data import MnistDataError, batches, load_mnist
from .utils import (is_quick, load_weights, pick_device, read_metadata, save_weights, seed_everything,
                    weights_path, writes_weights)

__all__ = ["MnistDataError", "batches", "load_mnist", "is_quick", "load_weights", "pick_device", "read_metadata",
           "save_weights", "seed_everything", "weights_path", "writes_weights"]
