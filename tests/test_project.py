"""Project-level consistency: one source of truth for dependencies, shipped data and weights."""

import hashlib
import gzip
import json
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "pytorch": "torch"}
NOT_DEPENDENCIES = {"python", "pip"}
TRAINS_IN_SECONDS = {"02b_gan_game_2d.ipynb"}  # notebooks with nothing to ship: no USE_SHIPPED_WEIGHTS switch


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    parsed = [Requirement(r) for r in reqs]
    return {_canonical(r.name): str(r.specifier) for r in parsed}


def environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    found = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if entry.startswith("-e"):
                assert entry.split()[-1] == ".", "environment.yml must install the project itself with `-e .`"
                continue
            match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", entry)
            name, spec = match.group(1), match.group(2).replace(" ", "")
            if name in NOT_DEPENDENCIES:
                continue
            found[_canonical(CONDA_TO_PYPI.get(name, name))] = str(Requirement(f"x{spec}").specifier)
    return found


def test_environment_yml_and_pyproject_agree():
    py, conda = pyproject_requirements(), environment_requirements()
    assert set(py) == set(conda), (
        f"only in pyproject.toml: {sorted(set(py) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(py))}"
    )
    assert py == conda, "version bounds differ between pyproject.toml and environment.yml"


def test_environment_yml_installs_the_project_and_cpu_pytorch():
    text = (ROOT / "environment.yml").read_text()
    assert "pytorch-cpu" in text and "- -e ." in text


def test_shipped_mnist_matches_its_checksums():
    from helpers.data import MNIST_MD5

    for name, md5 in MNIST_MD5.items():
        data = gzip.decompress((ROOT / "data" / "mnist" / f"{name}.gz").read_bytes())
        assert hashlib.md5(data).hexdigest() == md5, name
    credit = (ROOT / "data" / "README.md").read_text()
    assert "LeCun" in credit and "Attribution-Share Alike 3.0" in credit


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 course.py test" in readme
    assert re.search(r"^python3 course\.py test\b", ci, re.MULTILINE)


def test_committed_notebooks_show_one_clean_run():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        counts = [c["execution_count"] for c in code]
        assert None not in counts, f"{path.name}: some code cells were never run"
        assert counts == list(range(counts[0], counts[0] + len(counts))), f"{path.name}: not one top-to-bottom run"
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{path.name}: stored error output"
        setup = "".join(code[0]["source"])
        if path.name in TRAINS_IN_SECONDS:
            assert "USE_SHIPPED_WEIGHTS" not in setup, f"{path.name} ships no weights: no switch for them"
            continue
        assert re.search(r"^USE_SHIPPED_WEIGHTS = False\b", setup, re.MULTILINE), (
            f"{path.name}: the first code cell must hold the switch `USE_SHIPPED_WEIGHTS = False`, off as committed"
        )

