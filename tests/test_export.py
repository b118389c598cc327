"""helpers/models.py is generated from the notebooks' cells tagged `export`, and a learner's edit stays local."""

import json
import shutil
from pathlib import Path

import nbformat
import torch

from tools import export_models

ROOT = Path(__file__).resolve().parent.parent
NB1 = "01_autoencoder.ipynb"


def test_generated_module_is_up_to_date():
    assert not export_models.stale(), "helpers/models.py differs from the `export` cells: run `make models`"


def test_a_changed_export_cell_makes_the_module_stale(tmp_path):
    for name in export_models.SOURCES:
        (tmp_path / "notebooks").mkdir(exist_ok=True)
        shutil.copy(ROOT / "notebooks" / name, tmp_path / "notebooks" / name)
    (tmp_path / "helpers").mkdir()
    shutil.copy(ROOT / "helpers" / "models.py", tmp_path / "helpers" / "models.py")
    assert not export_models.stale(tmp_path)
    path = tmp_path / "notebooks" / NB1
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if "export" in c["metadata"].get("tags", []))
    cell["source"] = "".join(cell["source"]).replace("CODE_SIZE = 2", "CODE_SIZE = 16")
    path.write_text(json.dumps(nb))
    assert export_models.stale(tmp_path)


def test_generated_classes_load_the_shipped_weights():
    from helpers import load_weights, models, weights_path

    ae = load_weights(models.FCAutoencoder(), weights_path("ae_fc"))
    vae = load_weights(models.VAE(code_size=16), weights_path("vae_16d"))
    x = torch.rand(3, 1, 28, 28)
    assert ae(x).shape == x.shape and ae.encode(x).shape == (3, models.CODE_SIZE)
    assert vae.decode(torch.zeros(3, 16)).shape == x.shape


def test_the_later_notebooks_do_not_depend_on_notebook_1_being_run_or_left_unedited():
    """Notebooks 2 and 3 reuse notebook 1's model only through helpers.models (checked fresh above) and its shipped
    weights: no code of theirs reads notebook 1, so a learner's edits there (its exercises) cannot break them."""
    for name in ("02_vae.ipynb", "03_gan.ipynb"):
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert NB1 not in code and "01_autoencoder" not in code, name
        assert "from helpers.models import" in code and "FCAutoencoder" in code, name
