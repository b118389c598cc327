"""Reusing tagged model cells of one notebook in another, and executing notebooks."""

import nbformat
import pytest

from helpers import load_notebook_definitions
from helpers.run_notebook import run_notebook


def write_notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)
    return path


def test_only_tagged_cells_run(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", [
        ("class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(2, WIDTH)", ["reuse"]),
        ("raise RuntimeError('training cell must not run')", []),
        ("WIDTH = 3", ["reuse"]),
    ])
    ns = load_notebook_definitions(str(path))
    assert ns.Net().fc.out_features == 3
    assert not hasattr(ns, "torch")


def test_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="no notebook"):
        load_notebook_definitions("does_not_exist.ipynb")
    untagged = write_notebook(tmp_path / "plain.ipynb", [("x = 1", [])])
    with pytest.raises(ValueError, match="no code cell tagged 'reuse'"):
        load_notebook_definitions(str(untagged))
    broken = write_notebook(tmp_path / "broken.ipynb", [("y = undefined_name", ["reuse"])])
    with pytest.raises(RuntimeError, match="broken.ipynb"):
        load_notebook_definitions(str(broken))
    garbage = tmp_path / "garbage.ipynb"
    garbage.write_text("{not json")
    with pytest.raises(ValueError, match="not a readable notebook"):
        load_notebook_definitions(str(garbage))


def test_run_notebook_executes_with_replacements(tmp_path):
    path = write_notebook(tmp_path / "run.ipynb", [
        ("import helpers\nUSE_SHIPPED_WEIGHTS = False\nprint(USE_SHIPPED_WEIGHTS, helpers.is_quick())", []),
    ])
    out = tmp_path / "out.ipynb"
    seconds = run_notebook(path, quick=True, out=out, replace={"USE_SHIPPED_WEIGHTS = False": "USE_SHIPPED_WEIGHTS = True"},
                           append="print('appended', USE_SHIPPED_WEIGHTS)")
    assert seconds > 0
    cells = nbformat.read(out, as_version=4).cells
    assert cells[0].outputs[0]["text"].strip() == "True True"
    assert cells[1].outputs[0]["text"].strip() == "appended True"
    assert len(nbformat.read(path, as_version=4).cells) == 1  # the source notebook is left as it was
    with pytest.raises(ValueError, match="no code cell contains"):
        run_notebook(path, replace={"not in the notebook": "x"})
