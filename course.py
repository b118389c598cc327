"""Set up the course and open it, or test it, with nothing but Python (3.11 or newer), on any system.

    python3 course.py lab     # create .venv, install what the notebooks need, open JupyterLab on notebooks/
    python3 course.py test    # the same environment plus the test tools, then run the whole test suite
    python3 course.py student # for a teacher: student copies of the notebooks (no answers, no outputs) in student/

On Windows type ``py course.py lab`` (the Python launcher). ``make lab`` and ``make test`` run these same two
commands. Everything lands in the folder ``.venv`` next to this file; delete it to start again.
"""

import os
import subprocess
import sys
from pathlib import Path

NEEDED = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LAB_STAMP = VENV / ".lab-stamp"          # written after the notebooks' packages are installed
TEST_STAMP = VENV / ".installed-stamp"   # ... and after the test tools are
IPYWIDGETS7 = VENV / "ipywidgets7"       # Colab's ipywidgets, kept apart: tests/test_widgets_compat.py uses it


def check_python() -> None:
    if sys.version_info[:2] < NEEDED:
        found = ".".join(map(str, sys.version_info[:3]))
        sys.exit(f"This is Python {found} ({sys.executable}), and the course needs Python {NEEDED[0]}.{NEEDED[1]} or "
                 f"newer: install it from https://www.python.org/downloads/ (Windows, macOS) or your package manager "
                 f"(Linux: for example `sudo apt install python3.12-venv`), then run this command with it, for "
                 f"example `python3.12 course.py lab`.")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    done = subprocess.run([str(a) for a in args], cwd=ROOT)
    if done.returncode:
        sys.exit(f"course.py: the command above failed (exit status {done.returncode}); its message is just above.")


def fresh(stamp: Path) -> bool:
    """True when ``stamp`` exists and is newer than pyproject.toml (nothing to install again)."""
    return stamp.exists() and stamp.stat().st_mtime >= (ROOT / "pyproject.toml").stat().st_mtime


def install(dev: bool) -> Path:
    """Create .venv if needed and install the project (``dev``: with the test tools); its Python."""
    python = venv_python()
    if not python.exists():
        run(sys.executable, "-m", "venv", VENV)
        run(python, "-m", "pip", "install", "--upgrade", "pip")
    if not fresh(LAB_STAMP):
        run(python, "-m", "pip", "install", "-e", ".")
        LAB_STAMP.touch()
    if dev and not fresh(TEST_STAMP):
        run(python, "-m", "pip", "install", "-e", ".[dev]")
        TEST_STAMP.touch()
    if dev and not IPYWIDGETS7.exists():
        run(python, "-m", "pip", "install", "--no-deps", "--target", IPYWIDGETS7, "ipywidgets==7.7.*",
            "ipython_genutils==0.2.*")
    return python


def main(argv: list) -> None:
    check_python()
    commands = {"lab": "open the notebooks in JupyterLab", "test": "run the test suite",
                "student": "write student copies of the notebooks (no answers, no outputs) into student/",
                "setup": "only install (add --dev for the test tools)"}
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 course.py lab | test | student | setup [--dev]\n" +
                 "\n".join(f"  {name:6} {what}" for name, what in commands.items()))
    command, rest = argv[0], argv[1:]
    python = install(dev=command == "test" or "--dev" in rest)
    if command == "lab":
        run(python, "-m", "jupyter", "lab", "notebooks")
    elif command == "test":
        run(python, "-m", "pytest", *rest)
    elif command == "student":
        run(python, "-m", "tools.student", *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
