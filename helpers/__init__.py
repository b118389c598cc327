"""helpers: what the notebooks stand on but is not the lesson.

One file per job: the run's start (:mod:`helpers.start`: style, language, seed, device), MNIST in memory and
mini-batches (:mod:`helpers.data`), training runs on disk and the train-or-load call (:mod:`helpers.checkpoints`),
a training loop's progress (:mod:`helpers.training`), the image check (:mod:`helpers.images`), plots
(:mod:`helpers.plot`), latent-space sliders (:mod:`helpers.widgets`; what the website needs from each, :mod:`helpers.site`), sample-quality scores
(:mod:`helpers.metrics`), figure text in two languages (:mod:`helpers.i18n`), the environment's switches and
folders (:mod:`helpers.env`), and the model classes later notebooks reuse (:mod:`helpers.models`, generated
from the notebooks).
"""

from .checkpoints import load_run, load_weights, trained, weights_path
from .data import MnistDataError, batches, load_mnist
from .start import seed_everything, setup
from .training import Progress

__all__ = ["MnistDataError", "Progress", "batches", "load_mnist", "load_run", "load_weights", "seed_everything",
           "setup", "trained", "weights_path"]
