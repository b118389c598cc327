"""The latent explorers and the game in a real browser: JupyterLab 4 and Notebook 7, headless Chromium driven by
Playwright.

Each test starts a Jupyter server on a free localhost port with a random token, over a temporary root.
``test_shipped_weights_slider_responds_as_soon_as_it_appears`` runs one server (kernels with shipped weights on, as
if ``USE_SHIPPED_WEIGHTS = True``) over the three notebooks that ship weights: notebook 1 opens in Notebook 7, the
other two in JupyterLab (the server runs both frontends). After "Run All" it drags the first latent slider with the
mouse the moment it appears: its value must change and the digit's <img> bytes must change soon after; the
notebook's structure diagram must load and notebook 3's spot-the-fake game must score a guess.
``test_game_stepper_buttons_train_and_redraw`` runs notebook 2b in quick mode in JupyterLab and presses its
buttons. Screenshots go to tests/artifacts/. Skipped where Chromium or Playwright is missing. Uses the Chromium
found on the system (never downloads a browser).
"""

import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from helpers.env import run_environment
from tools.atomic import atomic_path
from tools.chromium import ARGS as CHROMIUM_ARGS
from tools.chromium import find_chromium

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
REAL_NOTEBOOK = ROOT / "notebooks" / "01_autoencoder.ipynb"
CHROMIUM = find_chromium()

SERVER_START_S = 120   # generous: the CPU may be shared with other work
RUN_ALL_S = 600        # quick-mode notebook 2b trains a little before its game appears
RENDER_S = 120
MOVE_S = 60

playwright_sync = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed "
                                      "(pip install playwright; the system Chromium is used, no browser download)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not found at /usr/bin/chromium or on PATH "
                                "(Debian/Ubuntu: apt-get install chromium)")


# ---- server --------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, token: str, path: str):
    req = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj))


FRONTENDS = {  # name: (python module that serves it, URL path of an open notebook)
    "jupyterlab": ("jupyterlab", "lab/tree"),
    "notebook7": ("notebook", "notebooks"),
}


@contextlib.contextmanager
def jupyter_server(tmp_path: Path, frontend: str, notebook: Path, source: nbformat.NotebookNode | None = None,
                   quick: bool = True, shipped: bool = False, more: dict[str, nbformat.NotebookNode] | None = None):
    """A Jupyter server (JupyterLab 4, or Notebook 7) over a temp root holding ``notebook`` (or ``source``
    saved under its name), the notebooks in ``more`` ({file name: notebook}) and the diagrams; yields
    dict(base, token, notebook, url, log, frontend, url_of) where url_of(name) opens another notebook."""
    module, url_path = FRONTENDS[frontend]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"the '{module}' package is not installed, so {frontend} cannot be checked")
    root = tmp_path / "root"
    root.mkdir()
    name = notebook.name
    if source is None:
        shutil.copy(notebook, root / name)
    else:
        nbformat.write(source, root / name)
    for other, nb in (more or {}).items():
        nbformat.write(nb, root / other)
    if (notebook.parent / "figures").is_dir():
        shutil.copytree(notebook.parent / "figures", root / "figures")  # the diagrams, by relative path

    # Private config and settings: no news pop-ups, every cell rendered (no virtual scrolling).
    config, settings = tmp_path / "config", tmp_path / "settings"
    write_json(config / "labconfig" / "page_config.json",
               {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    write_json(settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
               {"windowingMode": "none"})
    write_json(settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
               {"fetchNews": "false", "checkForUpdates": False})

    token = secrets.token_hex(24)
    port = free_port()
    env = dict(run_environment(quick=quick, shipped=shipped), JUPYTER_CONFIG_DIR=str(config),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               PYTHONUNBUFFERED="1")
    log_path = tmp_path / "jupyter.log"
    cmd = [sys.executable, "-m", module, "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
           f"--IdentityProvider.token={token}", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
           "--ServerApp.terminals_enabled=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI often run as root
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n"
                                f"{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
        yield {"base": base, "token": token, "notebook": name, "log": log_path, "frontend": frontend,
               "url": f"{base}/{url_path}/{name}?token={token}",
               # JupyterLab reopens the tabs of its last visit; a workspace of its own per notebook avoids that.
               # Either frontend opens any notebook: the server runs both extensions.
               "url_of": lambda other, ui=frontend: (
                   f"{base}/lab/workspaces/{Path(other).stem}/tree/{other}?token={token}" if ui == "jupyterlab"
                   else f"{base}/{FRONTENDS[ui][1]}/{other}?token={token}")}
    finally:
        proc.terminate()  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=10)


@pytest.fixture
def page():
    """A headless Chromium page (the system browser), always closed afterwards."""
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            pg = context.new_page()
            pg.set_default_timeout(60_000)
            yield pg
        finally:
            browser.close()


# ---- helpers for the page --------------------------------------------------------------------
def wait_kernel_idle(lab, timeout: float, settle: float = 3.0, notebook: str | None = None) -> None:
    """Wait until the kernels (or only the kernel of `notebook`, which must exist) report idle continuously
    for `settle` seconds."""
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if kernel_idle(lab, notebook):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        time.sleep(0.5)
    raise AssertionError(f"the kernel was not idle within {timeout} s")


def kernel_idle(lab, notebook: str | None = None) -> bool:
    """Whether every kernel on the server is idle, or, given `notebook` (a file name), whether that notebook
    has a kernel yet and it is idle. (The kernels of notebooks opened earlier stay on the server, idle: before
    "Run All", only the new notebook's own kernel says whether it is ready.)"""
    sessions = api(lab["base"], lab["token"], "/api/sessions")
    states = [s["kernel"]["execution_state"] for s in sessions if s.get("kernel")
              and (notebook is None or Path(s.get("path", "")).name == notebook)]
    return bool(states) and all(s == "idle" for s in states)


def wait_for_widget(lab, pg, locator) -> None:
    """Wait for `locator` to be visible after "Run All"; fail early, with the notebook's error
    output, when the kernel has gone quiet for a while and the widget never appeared."""
    start = time.monotonic()
    idle_since = None
    while time.monotonic() - start < RUN_ALL_S:
        if locator.count() and locator.is_visible():
            return
        if kernel_idle(lab) and time.monotonic() - start > 10:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 20:
                prompts = pg.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
                raise AssertionError("the notebook finished running but no latent explorer appeared; "
                                     f"last error outputs: {notebook_errors(pg)[-2:]}; "
                                     f"{pg.locator('.genmodels-latent-explorer').count()} explorers on the page, "
                                     f"{sum(p.strip() in ('[ ]:', '') for p in prompts)} of {len(prompts)} code "
                                     f"cells without an execution count")
        else:
            idle_since = None
        pg.wait_for_timeout(500)
    raise AssertionError(f"no latent explorer appeared within {RUN_ALL_S} s of 'Run All Cells'")


def img_bytes(pg, locator) -> bytes:
    """The bytes behind an <img> element (ipywidgets serves them from a blob: URL)."""
    data = locator.evaluate("async (img) => Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()))")
    return bytes(data)


def save_png(data: bytes, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with atomic_path(ARTIFACTS / name) as tmp:
        tmp.write_bytes(data)
    return ARTIFACTS / name


def notebook_errors(pg) -> list[str]:
    """Texts of the stderr/traceback outputs now on the page (tracebacks render as stderr)."""
    return pg.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                      ).all_inner_texts()


def drag_and_wait(pg, handle, digit, before_img: bytes, timeout: float) -> tuple[bytes, float]:
    """Drag the slider ``handle`` 90 px right with the mouse; wait up to ``timeout`` s for the <img> ``digit``
    to change. Returns (its bytes then, seconds from releasing the mouse to the change, or inf)."""
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    pg.mouse.move(x, y)
    pg.mouse.down()
    pg.mouse.move(x + 90, y, steps=15)
    pg.mouse.up()
    released = time.monotonic()
    after_img = before_img
    while time.monotonic() - released < timeout:
        after_img = img_bytes(pg, digit)
        if after_img != before_img:
            return after_img, time.monotonic() - released
        pg.wait_for_timeout(50)
    return after_img, float("inf")


def check_diagram(pg, frontend: str) -> None:
    """The notebook's structure diagram is a picture with a relative path: it must load in this frontend too."""
    diagram = pg.locator("img[src*='_structure']").first
    diagram.scroll_into_view_if_needed()
    diagram.wait_for(state="visible", timeout=RENDER_S * 1000)
    pg.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=diagram.element_handle(),
                         timeout=RENDER_S * 1000)
    save_png(diagram.screenshot(), f"diagram_{frontend}.png")


def open_and_run_all(lab, pg, notebook: str | None = None, frontend: str = "jupyterlab") -> None:
    """Open `notebook` (a file name; the server's own notebook if None) in `frontend`, wait for its kernel, and
    "Run All Cells"."""
    pg.goto(lab["url_of"](notebook, frontend) if notebook else lab["url"])
    pg.locator(".jp-Notebook .jp-Cell").first.wait_for(state="visible", timeout=SERVER_START_S * 1000)
    # a kernel-choice dialog appears only if the notebook names no known kernel: take the default
    dialog = pg.locator(".jp-Dialog .jp-mod-accept")
    if dialog.count():
        dialog.first.click()
    wait_kernel_idle(lab, SERVER_START_S, settle=1.0, notebook=notebook or lab["notebook"])
    pg.locator(".lm-MenuBar-item", has_text="Run").first.click()
    pg.get_by_role("menuitem", name="Run All Cells", exact=True).click()


# ---- the tests -----------------------------------------------------------------------------
SHIPPED = [p for p in sorted((ROOT / "notebooks").glob("0*.ipynb")) if "USE_SHIPPED_WEIGHTS = False" in p.read_text()]
# A slider dragged the moment it appears redraws once the cells queued after it have run: with shipped weights
# notebook 3's finale (the judge's verdict, the games) takes about 3 s alone on a 2-core machine, more while the
# suite's other worker runs. Scoring 10,000 samples there again, say, would take far longer and fail this.
SHIPPED_RESPONSE_S = 20.0


@pytest.fixture(scope="module")
def shipped_lab(tmp_path_factory):
    """One JupyterLab over the three notebooks with their shipped weights switched on (full mode)."""
    notebooks = {p.name: nbformat.read(p, as_version=4) for p in SHIPPED[1:]}
    with jupyter_server(tmp_path_factory.mktemp("shipped"), "jupyterlab", SHIPPED[0], quick=False, shipped=True,
                        more=notebooks) as server:
        yield server


# Notebook 1 opens in Notebook 7, the others in JupyterLab: both frontends are checked, each notebook once.
FRONTEND_OF = {p.name: "notebook7" if p == REAL_NOTEBOOK else "jupyterlab" for p in SHIPPED}


@pytest.mark.parametrize("notebook", SHIPPED, ids=[f"{p.stem}-{FRONTEND_OF[p.name]}" for p in SHIPPED])
def test_shipped_weights_slider_responds_as_soon_as_it_appears(notebook, shipped_lab, page, capsys):
    """The classroom case: USE_SHIPPED_WEIGHTS = True, "Run All", and the first slider is dragged with the mouse the
    moment it appears. Its value must change and the digit must redraw while the rest of the notebook is still being
    run or soon after: nothing heavy may keep the kernel busy after the slider sections."""
    pg, lab, frontend = page, shipped_lab, FRONTEND_OF[notebook.name]
    try:
        open_and_run_all(lab, pg, notebook.name, frontend)
        started = time.monotonic()
        explorer = pg.locator(".genmodels-latent-explorer").first
        digit = explorer.locator("img.latent-explorer-image").first
        wait_for_widget(lab, pg, digit)
        handle = explorer.locator(".widget-slider .noUi-handle").first
        handle.wait_for(state="visible", timeout=RENDER_S * 1000)
        appeared = time.monotonic() - started
        explorer.scroll_into_view_if_needed()
        readout = explorer.locator(".widget-slider .widget-readout").first
        before, before_text = img_bytes(pg, digit), readout.inner_text()
        assert before[:8] == b"\x89PNG\r\n\x1a\n", "the digit is not shown as a PNG"
        after, waited = drag_and_wait(pg, handle, digit, before, SHIPPED_RESPONSE_S)
        shot = save_png(explorer.screenshot(), f"shipped_{notebook.stem}_{frontend}.png")
        with capsys.disabled():
            print(f"\n{notebook.name} in {frontend}, shipped weights: first slider {appeared:.1f} s after 'Run All', "
                  f"digit redrawn {waited:.2f} s after the drag; screenshot {shot}")
        assert readout.inner_text() != before_text, "dragging the slider did not change its value"
        assert after != before, (f"{notebook.name}: the slider was dragged but the digit did not redraw within "
                                 f"{SHIPPED_RESPONSE_S} s: something after the slider section keeps the kernel busy")
        assert after[:8] == b"\x89PNG\r\n\x1a\n"
        wait_kernel_idle(lab, RUN_ALL_S, settle=1.0)
        assert not notebook_errors(pg), f"{notebook.name}: error outputs {notebook_errors(pg)[-2:]}"
        if pg.locator("img[src*='_structure']").count():
            check_diagram(pg, frontend)
        if pg.locator(".genmodels-spot-the-fake").count():
            play_spot_the_fake(pg, notebook)
    except BaseException:
        try:
            save_png(pg.screenshot(full_page=True), f"shipped_{notebook.stem}_{frontend}_failure.png")
            print(f"server log tail:\n{lab['log'].read_text()[-2000:]}")
        except Exception as exc:
            print(f"could not save a failure screenshot: {exc}")
        raise


def play_spot_the_fake(pg, notebook: Path) -> None:
    """Mark three tiles of the first spot-the-fake grid, reveal, and check that every tile says what it was and
    the status line gives the score."""
    game = pg.locator(".genmodels-spot-the-fake").first
    game.scroll_into_view_if_needed()
    marks = game.locator(".widget-toggle-button")
    assert marks.count() == 16, f"{notebook.name}: expected 16 tiles in the spot-the-fake grid, found {marks.count()}"
    for k in (0, 5, 10):
        marks.nth(k).click()
    game.locator("button", has_text="reveal").click()
    status = game.locator(".widget-html").last
    deadline = time.monotonic() + MOVE_S
    while "right:" not in status.inner_text() and time.monotonic() < deadline:
        pg.wait_for_timeout(100)
    assert "of 16 right" in status.inner_text(), f"{notebook.name}: no score after 'reveal': {status.inner_text()!r}"
    labels = [marks.nth(k).inner_text() for k in range(16)]
    assert sorted(set(labels)) == ["fake", "real"] and labels.count("fake") == 8, labels
    save_png(game.screenshot(), f"spot_the_fake_{notebook.stem}.png")


GAME_NOTEBOOK = ROOT / "notebooks" / "02b_gan_game_2d.ipynb"


def test_game_stepper_buttons_train_and_redraw(tmp_path, page, capsys):
    """Notebook 2b in quick mode in JupyterLab: after "Run All", pressing "100 steps" and then "reset" must each
    redraw the game, and reset must bring back the first picture."""
    pg = page
    with jupyter_server(tmp_path, "jupyterlab", GAME_NOTEBOOK) as lab:
        try:
            open_and_run_all(lab, pg)
            stepper = pg.locator(".genmodels-game-stepper").first
            picture = stepper.locator("img.game-stepper-image").first
            wait_for_widget(lab, pg, picture)
            wait_kernel_idle(lab, timeout=RUN_ALL_S)
            stepper.scroll_into_view_if_needed()
            first = img_bytes(pg, picture)
            pressed = {}
            for label in ("100 steps", "reset"):
                before = img_bytes(pg, picture)
                stepper.locator("button", has_text=label).click()
                start = time.monotonic()
                while img_bytes(pg, picture) == before and time.monotonic() - start < 20:
                    pg.wait_for_timeout(50)
                pressed[label] = time.monotonic() - start
                assert img_bytes(pg, picture) != before, f"pressing {label!r} did not redraw the game within 20 s"
                if label == "100 steps":
                    shot = save_png(stepper.screenshot(), "game_stepper_jupyterlab.png")
            assert img_bytes(pg, picture) == first, "reset should bring back the untrained players' picture"
            with capsys.disabled():
                print(f"\n02b_gan_game_2d.ipynb: '100 steps' redrawn after {pressed['100 steps']:.2f} s, 'reset' after "
                      f"{pressed['reset']:.2f} s; screenshot {shot}")
        except Exception:
            save_png(pg.screenshot(full_page=True), "failure_game_stepper.png")
            raise
