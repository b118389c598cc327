"""course.py, the two commands of the README: JupyterLab's options passed on, root, Ctrl-C, and a package that builds
without setuptools' deprecation warnings."""

import email.parser
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import course

ROOT = Path(__file__).resolve().parent.parent
POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="sends Ctrl-C as a terminal does on Linux and macOS (killpg)")


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def wait_for(condition, seconds: float, what: str, log: Path):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}; the output so far:\n{read(log)}")


# -- the command line ------------------------------------------------------------------------------------------------

def test_lab_passes_jupyterlabs_options_on():
    assert course.lab_command("py", ["--no-browser", "--port", "9999"], root=False) == \
        ["py", "-m", "jupyter", "lab", "notebooks", "--no-browser", "--port", "9999"]
    assert course.lab_command(Path("py"), [], root=False) == ["py", "-m", "jupyter", "lab", "notebooks"]


def test_lab_as_root_adds_allow_root_unless_given():
    assert course.lab_command("py", ["--no-browser"], root=True) == \
        ["py", "-m", "jupyter", "lab", "notebooks", "--no-browser", "--allow-root"]
    assert course.lab_command("py", ["--allow-root"], root=True).count("--allow-root") == 1
    assert "--allow-root" not in course.lab_command("py", ["--ServerApp.allow_root=False"], root=True)
    assert "--allow-root" not in course.lab_command("py", [], root=False)


@pytest.mark.parametrize("root", [True, False])
def test_main_lab_runs_that_command_and_says_when_it_adds_allow_root(monkeypatch, capsys, root):
    ran = []
    monkeypatch.setattr(course, "install", lambda dev, site=False: Path("fake-python"))
    monkeypatch.setattr(course, "is_root", lambda: root)
    monkeypatch.setattr(course, "call", lambda command: ran.append(command) or 0)
    with pytest.raises(SystemExit) as done:
        course.main(["lab", "--no-browser", "--port", "9999"])
    assert done.value.code == 0
    assert ran == [["fake-python", "-m", "jupyter", "lab", "notebooks", "--no-browser", "--port", "9999"]
                   + (["--allow-root"] if root else [])]
    said = [line for line in capsys.readouterr().out.splitlines() if "--allow-root" in line]
    assert len(said) == (1 if root else 0)


def test_main_lab_exits_with_jupyterlabs_status(monkeypatch, capsys):
    monkeypatch.setattr(course, "install", lambda dev, site=False: Path("fake-python"))
    monkeypatch.setattr(course, "call", lambda command: 3)
    with pytest.raises(SystemExit) as done:
        course.main(["lab"])
    assert done.value.code == 3 and "exit status 3" in capsys.readouterr().err


# -- Ctrl-C -----------------------------------------------------------------------------------------------------------

@POSIX_ONLY
def test_a_ctrl_c_is_left_to_the_command_which_course_py_waits_for(tmp_path):
    """Two Ctrl-Cs reach the command and course.py alike: the command handles them and finishes (a second later,
    well after the 0.25 s that subprocess.run grants before it kills), and course.py exits with its status."""
    child = ("import signal, sys, time\n"
             "got = []\n"
             "signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))\n"
             "print('ready', flush=True)\n"
             "while len(got) < 2: time.sleep(0.05)\n"
             "time.sleep(1)\n"
             "print('the command finished after', len(got), 'Ctrl-Cs', flush=True)\n"
             "sys.exit(3)\n")
    parent = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); import course; "
              f"sys.exit(course.call([sys.executable, '-c', {child!r}]))")
    log = tmp_path / "out.txt"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", parent], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_for(lambda: "ready" in read(log).splitlines(), 30, "the command to start", log)  # its own line, not the echo
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=30) == 3, read(log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "the command finished after 2 Ctrl-Cs" in read(log)
    assert "Traceback" not in read(log) and "KeyboardInterrupt" not in read(log)


@POSIX_ONLY
def test_call_reports_a_command_ended_by_a_signal_as_128_plus_its_number():
    assert course.call([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"]) == \
        128 + signal.SIGTERM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as reply:
            return b"version" in reply.read()
    except (urllib.error.URLError, OSError):
        return False


@POSIX_ONLY
@pytest.mark.skipif(not (course.venv_python().exists() and course.fresh(course.LAB_STAMP)),
                    reason="course.py lab would install into .venv first (run `python3 course.py setup` once)")
def test_course_py_lab_starts_jupyterlab_and_ctrl_c_asks_before_shutting_down(tmp_path):
    """The real thing, in a terminal (a pseudo-terminal on stdin, as Jupyter asks its question only there):
    `course.py lab` with options, Ctrl-C to the terminal's process group, `y` to Jupyter's question."""
    import pty

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               PYTHONUNBUFFERED="1")
    token = "course-test-token"
    options = ["--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}"]
    log = tmp_path / "out.txt"
    terminal, tty = pty.openpty()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "course.py"), "lab", *options], cwd=tmp_path, env=env,
                                stdin=tty, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    os.close(tty)
    try:
        wait_for(lambda: answers(port) or proc.poll() is not None, 120, "JupyterLab to answer", log)
        assert proc.poll() is None, f"course.py lab ended early:\n{read(log)}"
        settings = urllib.request.Request(f"http://127.0.0.1:{port}/lab/api/settings/"
                                          f"@jupyterlab/notebook-extension:tracker", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(settings, timeout=10) as reply:  # the course's defaults reached JupyterLab
            schema = json.loads(reply.read())["schema"]
        assert schema["properties"]["windowingMode"]["default"] == "none"  # overrides set the defaults
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        wait_for(lambda: "Shut down this Jupyter server" in read(log) or proc.poll() is not None, 30,
                 "Jupyter's question", log)
        assert proc.poll() is None, f"the server did not wait for an answer:\n{read(log)}"
        os.write(terminal, b"y\n")
        status = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(terminal)
    printed = read(log)
    assert status == 0, printed
    assert f"jupyter lab notebooks {' '.join(options)}" in printed  # the options reached JupyterLab
    assert ("--allow-root" in printed) == (os.geteuid() == 0)
    assert "Shutdown confirmed" in printed and "Shutting down" in printed, printed
    assert "Traceback" not in printed, printed
    assert not answers(port)


# -- packaging ---------------------------------------------------------------------------------------------------------

def test_the_project_builds_with_no_deprecation_warning_and_an_mit_licence(tmp_path):
    """setuptools' `license = { text = ... }` table is deprecated (builds may fail once its deadline passes): the
    project's metadata, built here with this Python's setuptools and no network, gets no deprecation warning."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement
    from packaging.version import Version

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    build = pyproject["build-system"]
    assert build["build-backend"] == "setuptools.build_meta"
    (floor,) = [Requirement(r).specifier for r in build["requires"] if Requirement(r).name == "setuptools"]
    assert "77" in floor and "76.2" not in floor, "setuptools 77 is the first that reads `license = \"MIT\"`"
    try:
        have = version("setuptools")
    except PackageNotFoundError:
        pytest.skip("no setuptools in this Python (pip fetches one into an isolated build environment)")
    if Version(have) not in floor:
        pytest.skip(f"this Python's setuptools is {have}; pip builds the project with setuptools{floor}")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    built = subprocess.run([sys.executable, "-c", "import sys, setuptools.build_meta as backend; "
                            "print(backend.prepare_metadata_for_build_wheel(sys.argv[1]))", str(tmp_path)],
                           cwd=ROOT, env=env, capture_output=True, text=True)
    printed = built.stdout + built.stderr
    assert built.returncode == 0, printed
    assert "deprecat" not in printed.lower(), printed
    metadata = email.parser.Parser().parsestr((tmp_path / built.stdout.split()[-1] / "METADATA").read_text())
    assert metadata["Name"] == "genmodels-notebooks"
    assert metadata["License-Expression"] == "MIT"
