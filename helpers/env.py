"""How this run was started: the switches the environment sets and where the project's folders are.

The switches are environment variables, so that a test, a benchmark or ``make notebooks`` can run a notebook
in another mode without editing it; their names are written here and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

#: ``GENMODELS_QUICK=1``: every notebook trains on a slice of MNIST for a fraction of the epochs (the tests).
QUICK_ENV = "GENMODELS_QUICK"
#: ``GENMODELS_SHIPPED=1``: every notebook loads its shipped weights, as with ``USE_SHIPPED_WEIGHTS = True``.
SHIPPED_ENV = "GENMODELS_SHIPPED"
#: ``GENMODELS_WRITE_WEIGHTS=1``: a full run writes its weights to ``data/weights/`` (``make notebooks``).
WRITE_WEIGHTS_ENV = "GENMODELS_WRITE_WEIGHTS"
#: ``GENMODELS_TRAIN_ALL=1``: a full run also trains the runs a notebook loads by default (notebook 3's extra runs,
#: whose results ship), so that ``make extra-runs`` regenerates them from the notebook's own code.
TRAIN_ALL_ENV = "GENMODELS_TRAIN_ALL"
#: ``GENMODELS_SITE_EXPORT=FOLDER``: each widget a notebook builds writes what the website needs into FOLDER
#: (:mod:`helpers.site`; ``python3 course.py site`` sets it).
SITE_EXPORT_ENV = "GENMODELS_SITE_EXPORT"
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


def uses_shipped(switch: bool) -> bool:
    """The notebook's ``USE_SHIPPED_WEIGHTS`` switch, turned on from outside by ``GENMODELS_SHIPPED=1``."""
    return bool(switch) or _flag(SHIPPED_ENV)


def trains_all() -> bool:
    """True when every run is trained, the ones a notebook loads by default included (``GENMODELS_TRAIN_ALL=1``);
    never in quick mode or with shipped weights on."""
    return _flag(TRAIN_ALL_ENV) and not is_quick() and not _flag(SHIPPED_ENV)


def writes_weights() -> bool:
    """True when a full run writes its weights and scores into ``data/weights/`` (``GENMODELS_WRITE_WEIGHTS=1``);
    always False in quick mode, so a quick run never replaces the shipped files."""
    return _flag(WRITE_WEIGHTS_ENV) and not is_quick()


def run_environment(quick: bool, shipped: bool = False, write_weights: bool = False,
                    train_all: bool = False) -> dict[str, str]:
    """``os.environ`` with the four switches set as given: the environment to start a notebook's kernel in."""
    env = dict(os.environ)
    env[TRAIN_ALL_ENV] = "1" if train_all else "0"
    env[QUICK_ENV] = "1" if quick else "0"
    env[SHIPPED_ENV] = "1" if shipped else "0"
    env[WRITE_WEIGHTS_ENV] = "1" if write_weights else "0"
    return env


def project_folder(name: str, holding: str) -> Path | None:
    """The project's folder ``name`` (``data``, ``i18n``) with the folder ``holding`` in it: the one beside
    ``helpers/`` (a checkout, an editable install), else the first in the working folder or above it; ``None`` if
    there is none."""
    here = Path.cwd().resolve()
    for folder in (Path(__file__).resolve().parent.parent, here, *here.parents):
        if (folder / name / holding).is_dir():
            return folder / name
    return None


def data_dir() -> Path:
    """The project's ``data/`` folder: ``$GENMODELS_DATA_DIR`` when set; else the one beside ``helpers/`` (a
    checkout or an editable install); else the first ``data/`` holding ``mnist/`` in the working folder or
    above it (a notebook's kernel starts in the notebook's folder, so a non-editable install still finds the
    checkout the notebook was opened from)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        folder = Path(override).expanduser().resolve()
        if not (folder / "mnist").is_dir():
            raise FileNotFoundError(f"{DATA_DIR_ENV} is set to {override!r}, which has no mnist/ folder in it: "
                                    f"point it at the project's data/ folder, or unset it")
        return folder
    found = project_folder("data", "mnist")
    if found is None:
        raise FileNotFoundError(f"no data/ folder with mnist/ in it beside {Path(__file__).resolve().parent.parent}, "
                                f"nor in {Path.cwd().resolve()} or a folder above it: open the notebooks from the "
                                f"project's folder, or set {DATA_DIR_ENV} to the project's data/ folder")
    return found
