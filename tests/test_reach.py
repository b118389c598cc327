"""The notebooks open wherever learners are: from another working directory, and in a Python where the project is
not installed, after the README's Colab cell (run here with a local copy of the repository as its address).

Each run executes notebook 1 from its first cell through its first training cell, in quick mode with the shipped
weights (what is checked is where the project, its data and its weights are found, not the training).
"""

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.env import run_environment

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TRAINING = re.compile(r"^\w+_(EPOCHS|STEPS) = ", re.MULTILINE)  # the first cell that trains sets one of these


def first_code_cell(path: Path) -> str:
    return next(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def cells_through_first_training(path: Path) -> list:
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    last = next(i for i, c in enumerate(cells) if TRAINING.search(c.source))
    return cells[:last + 1]


def execute(cells, cwd: Path, kernel_name: str = "python3") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c.source if hasattr(c, "source") else c)
                                         for c in cells])
    NotebookClient(nb, timeout=600, kernel_name=kernel_name, resources={"metadata": {"path": str(cwd)}}).execute(
        env=run_environment(quick=True, shipped=True))
    return nb


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def find_block(source: str) -> str:
    """The first cell's lines that find and import the course's helpers."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if "sys.path" in line)
    return "\n".join(lines[start:start + 2])


def test_every_notebook_finds_the_project_the_same_way():
    blocks = {p.name: find_block(first_code_cell(p)) for p in NOTEBOOKS}
    assert len(set(blocks.values())) == 1, f"the first code cells differ in how they find `helpers`: {list(blocks)}"
    assert "import helpers" in next(iter(blocks.values()))


def test_notebook_runs_from_another_working_directory(tmp_path):
    # a kernel started elsewhere (VS Code with the workspace root as its folder, a script): helpers is installed,
    # and the data must be found through its location, not the current directory
    cells = cells_through_first_training(NOTEBOOKS[0])
    nb = execute([*cells, "import os, helpers; print(os.getcwd()); print(helpers.env.data_dir())"], cwd=tmp_path)
    where, data = printed(nb.cells[-1]).split()
    assert Path(where) == tmp_path
    assert Path(data) == ROOT / "data"


def colab_cell() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### Colab"):]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


@pytest.fixture(scope="module")
def plain_python(tmp_path_factory):
    """A kernel named "plain": a new virtual environment that sees this environment's packages (PyTorch, ipykernel,
    ...) through a .pth file, but not the project: the editable install's own .pth is not read from there."""
    tmp_path = tmp_path_factory.mktemp("plain")
    env = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    probe = subprocess.run([str(python), "-c", "import torch, ipykernel, helpers"], capture_output=True, text=True,
                           cwd=tmp_path)
    assert "No module named 'helpers'" in probe.stderr, probe.stderr  # torch and ipykernel import; helpers does not
    spec = tmp_path / "jupyter" / "kernels" / "plain"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "plain", "language": "python"}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
        patch.setenv("PIP_NO_INDEX", "1")  # the Colab cell's pip must find everything installed: no network
        yield "plain"


@pytest.mark.skipif(not (ROOT / ".git").is_dir(), reason="needs the project as a git repository to clone")
def test_notebook_runs_in_a_plain_python_after_the_colab_cell(tmp_path, plain_python):
    cell = colab_cell().replace("https://github.com/OWNER/NAME", ROOT.as_uri())
    work = tmp_path / "content"
    work.mkdir()
    cells = [cell, *cells_through_first_training(NOTEBOOKS[0]),
             "import os, helpers; print(os.getcwd()); print(helpers.__file__); print(helpers.env.data_dir())"]
    nb = execute(cells, cwd=work, kernel_name=plain_python)
    where, module, data = printed(nb.cells[-1]).split()
    project = work / "project"
    assert Path(where) == project / "notebooks"
    assert Path(module).resolve() == project / "helpers" / "__init__.py"
    assert Path(data) == project / "data"
    assert "ERROR" not in printed(nb.cells[0])


def test_first_cell_says_what_to_run_when_helpers_cannot_be_found(tmp_path, plain_python):
    with pytest.raises(Exception) as raised:
        execute([first_code_cell(NOTEBOOKS[0])], cwd=tmp_path, kernel_name=plain_python)
    message = str(raised.value)
    assert "ModuleNotFoundError" in message and "open this notebook from the course's notebooks/ folder" in message


def test_course_py_speaks_to_an_old_python():
    # it must parse on an old Python, so that the version check can speak instead of a SyntaxError
    ast.parse((ROOT / "course.py").read_text(), feature_version=(3, 7))
    path = str(ROOT / "course.py")
    done = subprocess.run([sys.executable, "-c", "import sys; sys.version_info = (3, 9, 6, 'final', 0); "
                                                 "sys.argv = ['course.py', 'lab']; "
                                                 f"exec(open({path!r}).read(), {{'__name__': '__main__', "
                                                 f"'__file__': {path!r}}})"],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "This is Python 3.9.6" in done.stderr and "3.11 or newer" in done.stderr
    assert "python.org" in done.stderr and "Traceback" not in done.stderr
