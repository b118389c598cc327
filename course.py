"""Set up the course and open it, or test it, with nothing but Python (3.11 or newer), on any system.

    python3 course.py lab     # create .venv, install what the notebooks need, open JupyterLab on notebooks/
    python3 course.py lab --no-browser --port 9999   # ... with JupyterLab's own options, passed on as they are
    python3 course.py test    # the same environment plus the test tools, then run the whole test suite
    python3 course.py student # for a teacher: student copies of the notebooks (no answers, no outputs) in student/
    python3 course.py site    # the course as a website in site/, every widget live in the browser (tools/site/)

On Windows type ``py course.py lab`` (the Python launcher). ``make lab`` and ``make test`` run these same two
commands. Everything lands in the folder ``.venv`` next to this file; delete it to start again.

As root (in Docker, say), ``lab`` adds JupyterLab's ``--allow-root`` and says so. Ctrl-C works as with JupyterLab
started by hand: it asks whether to shut down the server (a second Ctrl-C shuts it down at once).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

NEEDED = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LAB_STAMP = VENV / ".lab-stamp"          # written after the notebooks' packages are installed
TEST_STAMP = VENV / ".installed-stamp"   # ... and after the test tools are
SITE_STAMP = VENV / ".site-stamp"        # ... and after what the website's build needs
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
    status = call([str(a) for a in args])
    if status:
        sys.exit(f"course.py: the command above failed (exit status {status}); its message is just above.")


def is_root() -> bool:
    """True for the superuser on Linux and macOS (Windows has no such user id)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(python, args, root: bool) -> list:
    """The command line that opens JupyterLab on notebooks/ with ``args`` (JupyterLab's own options) appended;
    as ``root``, JupyterLab refuses to start without --allow-root, so it is added unless ``args`` decide it."""
    command = [str(python), "-m", "jupyter", "lab", "notebooks", *args]
    if root and not any("allow-root" in arg or "allow_root" in arg for arg in args):
        command.append("--allow-root")
    return command


def call(command: list) -> int:
    """Run ``command`` in this terminal and wait for it; its exit status (128 + N if signal N ended it).

    Ctrl-C goes to every process in the terminal's foreground group, so the command gets it and handles it
    itself, as when typed by hand: JupyterLab asks "Shut down this Jupyter server (y/[n])?" (a second Ctrl-C
    shuts down at once), pip and pytest stop and say so. Here a Ctrl-C only interrupts the wait, which goes on
    until the command has finished. (A do-nothing handler rather than SIG_IGN, which the command would inherit.)
    """
    print("+", " ".join(command), flush=True)
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        child = subprocess.Popen(command, cwd=ROOT)
        while True:
            try:
                status = child.wait()
                break
            except KeyboardInterrupt:  # should the handler above not take a Ctrl-C (Windows): keep waiting
                continue
    finally:
        signal.signal(signal.SIGINT, previous)
    return 128 - status if status < 0 else status


def fresh(stamp: Path) -> bool:
    """True when ``stamp`` exists and is newer than pyproject.toml (nothing to install again)."""
    return stamp.exists() and stamp.stat().st_mtime >= (ROOT / "pyproject.toml").stat().st_mtime


# JupyterLab defaults for the course's own environment (its settings "overrides", which a learner's own settings
# still override): every cell is rendered at once, so a slider grabbed the moment it appears does not jump while
# the cells above it are still being laid out; and no pop-up about Jupyter's news over the notebook.
LAB_DEFAULTS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def write_lab_defaults(venv: Path = VENV) -> Path:
    """Write :data:`LAB_DEFAULTS` where the JupyterLab of ``venv`` reads its settings overrides; returns the file."""
    import json

    path = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(LAB_DEFAULTS, indent=2) + "\n", encoding="utf-8")
    return path


def install(dev: bool, site: bool = False) -> Path:
    """Create .venv if needed and install the project (``dev``: with the test tools; ``site``: with what the
    website's build needs); its Python. ``dev`` and ``site`` also fetch the site's browser libraries (once)."""
    python = venv_python()
    if not python.exists():
        run(sys.executable, "-m", "venv", VENV)
        run(python, "-m", "pip", "install", "--upgrade", "pip")
    if not fresh(LAB_STAMP):
        run(python, "-m", "pip", "install", "-e", ".")
        LAB_STAMP.touch()
    write_lab_defaults()
    if dev and not fresh(TEST_STAMP):
        run(python, "-m", "pip", "install", "-e", ".[dev]")
        TEST_STAMP.touch()
    if site and not dev and not fresh(SITE_STAMP):
        run(python, "-m", "pip", "install", "-e", ".[site]")
        SITE_STAMP.touch()
    if dev or site:
        run(python, "-m", "tools.site.npm")  # KaTeX and onnxruntime-web, as locked; nothing once they are here
    if dev and not IPYWIDGETS7.exists():
        run(python, "-m", "pip", "install", "--no-deps", "--target", IPYWIDGETS7, "ipywidgets==7.7.*",
            "ipython_genutils==0.2.*")
    return python


def main(argv: list) -> None:
    check_python()
    commands = {"lab": "open the notebooks in JupyterLab", "test": "run the test suite",
                "student": "write student copies of the notebooks (no answers, no outputs) into student/",
                "site": "build the course website into site/ (add --out DIR to build elsewhere)",
                "setup": "only install (add --dev for the test tools)"}
    if not argv or argv[0] not in commands:
        sys.exit("usage: python3 course.py lab [JupyterLab's options] | test [pytest's options] | "
                 "student [--out DIR] [--force] | site [--out DIR] | setup [--dev]\n" +
                 "\n".join(f"  {name:6} {what}" for name, what in commands.items()))
    command, rest = argv[0], argv[1:]
    python = install(dev=command == "test" or (command == "setup" and "--dev" in rest), site=command == "site")
    if command == "lab":
        line = lab_command(python, rest, is_root())
        if line != lab_command(python, rest, False):
            print("course.py: running as root (in a container, say), so JupyterLab gets --allow-root", flush=True)
        status = call(line)
        if status:
            print(f"course.py: JupyterLab ended with exit status {status}; its message is just above.", file=sys.stderr)
        sys.exit(status)
    elif command == "test":
        run(python, "-m", "pytest", *rest)
    elif command == "student":
        run(python, "-m", "tools.student", *rest)
    elif command == "site":
        run(python, "-m", "tools.site.build", *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
