"""helpers/models.py is generated from the notebooks' cells tagged `export`, and a learner's edit stays local."""

import json
import shutil
from pathlib import Path

import nbformat
import torch

from tools.run_notebook import run_notebook
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


def _answer_code(nb, number: int) -> str:
    """The runnable answer of notebook 1's exercise ``number``: the python block in the answer cell (tagged
    ``answer``) that follows the question's cell (tagged ``exercise-N``)."""
    question = next(i for i, c in enumerate(nb.cells) if f"exercise-{number}" in c.metadata.get("tags", []))
    answer = nb.cells[question + 1]
    assert "answer" in answer.metadata.get("tags", []), f"exercise {number}: no answer cell after the question"
    return answer.source.split("```python\n", 1)[1].split("```", 1)[0]


def test_notebook_1_exercises_do_not_break_the_other_notebooks(tmp_path, monkeypatch):
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "helpers", copy / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "notebooks", copy / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (copy / "data").symlink_to(ROOT / "data")  # quick mode writes nothing there
    monkeypatch.setenv("PYTHONPATH", str(copy))  # the kernels import the copy's helpers
    nb1 = copy / "notebooks" / NB1

    # the learner pastes the answers of exercises 1 and 2 into new cells at the end and saves
    nb = nbformat.read(nb1, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(_answer_code(nb, n)) for n in (1, 2)]
    nbformat.write(nb, nb1)
    run_notebook(nb1, quick=True)  # raises on any error

    # ... and then also edits the shared definition itself: a 16-number code, no ReLUs
    nb = nbformat.read(nb1, as_version=4)
    cell = next(c for c in nb.cells if "export" in c.metadata.get("tags", []))
    edited = cell.source.replace("CODE_SIZE = 2", "CODE_SIZE = 16").replace(" nn.ReLU(),", "")
    assert edited != cell.source and "ReLU" not in edited
    cell.source = edited
    nbformat.write(nb, nb1)

    check = f"import helpers\nassert helpers.__file__.startswith({str(copy)!r}), helpers.__file__"
    for name in ("02_vae.ipynb", "03_gan.ipynb"):
        run_notebook(copy / "notebooks" / name, quick=True, out=tmp_path / name, append=check)
