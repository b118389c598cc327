"""What a reader without a kernel sees (GitHub, nbviewer, an exported HTML page) reads right.

``defects(notebook)`` lists what would spoil a static page: a progress bar frozen at 0 %, an absolute
path of the machine that ran it, a widget whose only fallback is a cut-off repr (or that has no still
picture), a Mermaid block without its drawn picture, a stored error. The committed notebooks must
have none, and each kind of defect planted in a copy must be found. The last test exports each
notebook with nbconvert, opens the HTML in headless Chromium and saves screenshots of every diagram
and slider section to tests/artifacts/static/.
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.chromium import ARGS as CHROMIUM_ARGS
from tools.chromium import find_chromium

from tools.diagrams import BLOCK, DIGESTS, digest
from tools.diagrams import diagrams as diagrams_in_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHINESE = sorted((ROOT / "notebooks").glob("zh/*.ipynb"))  # the Chinese edition: its pictures are in ../figures/
PICTURE = BLOCK  # the English pictures are figures/NAME.png, the Chinese ones ../figures/NAME_zh.png
ARTIFACTS = ROOT / "tests" / "artifacts" / "static"
ABSOLUTE = re.compile(r"(?<![\w.])(/(home|Users|root|work|tmp|private|var|opt)/[\w.-]+|[A-Z]:\\\\[\w.-]+)")
CHROMIUM = find_chromium()


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def defects(nb: dict, folder: Path = ROOT / "notebooks") -> list[str]:
    found = []
    for i, cell in enumerate(nb["cells"]):
        where = f"cell {i} ({cell.get('id', '?')})"
        source = _text(cell["source"])
        if cell["cell_type"] == "markdown" and "```mermaid" in source:
            pictures = [m["name"] for m in PICTURE.finditer(source)]
            if source.count("```mermaid") != len(pictures):
                found.append(f"{where}: a Mermaid block without its picture (<img src=\"figures/NAME.png\"> before it)")
            found += [f"{where}: figures/{n}.png is missing" for n in pictures if not (folder / "figures" / f"{n}.png").is_file()]
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                found.append(f"{where}: a stored error ({output.get('ename')})")
                continue
            data = output.get("data", {})
            plain = _text(data.get("text/plain", "")) + _text(output.get("text", ""))
            if ABSOLUTE.search(plain):
                found.append(f"{where}: an absolute path in the output: {ABSOLUTE.search(plain).group(0)}")
            if "application/vnd.jupyter.widget-view+json" in data:
                if re.search(r"\b0%\|", plain):
                    found.append(f"{where}: a progress bar frozen at 0 %")
                elif "it/s" in plain and "100%|" not in plain:
                    found.append(f"{where}: a progress bar that does not read finished: {plain[:60]!r}")
                elif "it/s" not in plain and ("(children=" in plain or "image/png" not in data):
                    found.append(f"{where}: a widget without a readable text and a still picture: {plain[:60]!r}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS + CHINESE, ids=[str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS + CHINESE])
def test_committed_notebooks_read_right_without_a_kernel(path):
    nb = json.loads(path.read_text())
    assert defects(nb) == []
    bars = [o for c in nb["cells"] for o in c.get("outputs", []) if "it/s" in _text(o.get("data", {}).get("text/plain", ""))]
    trains_with_a_bar = "tqdm" in "".join(_text(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert bars or not trains_with_a_bar, f"{path.name}: no progress bar found, so the finished-bar check above checked nothing"


def test_every_diagram_is_drawn_from_its_current_source():
    """A diagram's picture is redrawn (make diagrams) whenever its Mermaid source changes, in either edition."""
    drawn = json.loads(DIGESTS.read_text())
    stale = [f"{nb}: figures/{name}.png" for nb, name, source in diagrams_in_notebooks() if drawn.get(name) != digest(source)]
    assert not stale, "drawn from an older source (run make diagrams): " + ", ".join(stale)
    chinese = [name for nb, name, _ in diagrams_in_notebooks() if nb.startswith("zh/")]
    assert chinese and all(name.endswith("_zh") for name in chinese), chinese


def _stills(nb) -> int:
    """How many widgets the notebook shows with a still picture (progress bars aside)."""
    return sum(1 for c in nb["cells"] for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {}) and "image/png" in o["data"])


def _widget_output(nb):
    return next(o for c in nb["cells"] for o in c.get("outputs", [])
                if "application/vnd.jupyter.widget-view+json" in o.get("data", {}) and "image/png" in o["data"])


@pytest.mark.parametrize("plant, expected", [
    ("frozen bar", "frozen at 0 %"), ("half bar", "does not read finished"), ("absolute path", "absolute path"), ("bare widget", "widget without"),
    ("bare mermaid", "Mermaid block without"), ("error", "stored error"),
])
def test_each_kind_of_defect_is_found(plant, expected):
    nb = copy.deepcopy(json.loads((ROOT / "notebooks" / "01_autoencoder.ipynb").read_text()))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    if plant == "frozen bar":
        cell["outputs"].append({"output_type": "display_data", "metadata": {}, "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2, "version_minor": 0},
            "text/plain": "training:   0%|          | 0/469 [00:00<?, ?it/s]"}})
    elif plant == "half bar":
        cell["outputs"].append({"output_type": "display_data", "metadata": {}, "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2, "version_minor": 0},
            "text/plain": "training:  52%|█████     | 244/469 [00:03<00:03, 70.1it/s]"}})
    elif plant == "absolute path":
        cell["outputs"].append({"output_type": "stream", "name": "stdout",
                                "text": "saved /home/someone/project/data/weights/ae_fc.safetensors\n"})
    elif plant == "bare widget":
        output = _widget_output(nb)
        output["data"] = {"application/vnd.jupyter.widget-view+json": output["data"]["application/vnd.jupyter.widget-view+json"],
                          "text/plain": "LatentExplorer(children=(HBox(children=(VBox(children=(FloatSlider(value=0.0…"}
    elif plant == "bare mermaid":
        nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "```mermaid\nflowchart LR\n a --> b\n```"})
    else:
        cell["outputs"].append({"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []})
    found = defects(nb)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not found (Debian/Ubuntu: apt-get install chromium)")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_exported_html_in_a_browser_shows_pictures_not_reprs(path, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    html = tmp_path / f"{path.stem}.html"
    nb = json.loads(path.read_text())
    nb["metadata"].pop("widgets", None)  # viewers without JavaScript (GitHub) cannot use the saved widget state
    (tmp_path / path.name).write_text(json.dumps(nb))
    subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(tmp_path),
                    str(tmp_path / path.name)], check=True, capture_output=True)
    shutil.copytree(ROOT / "notebooks" / "figures", tmp_path / "figures")  # relative paths, as beside the notebook
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        text = page.inner_text("body")
        assert not re.search(r"\b0%\|", text) and "(children=" not in text and not ABSOLUTE.search(text)
        diagrams = page.locator("img[src^='figures/']")
        assert diagrams.count() == len([d for d in diagrams_in_notebooks() if d[0] == path.name])
        for k in range(diagrams.count()):
            image = diagrams.nth(k)
            image.scroll_into_view_if_needed()
            assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"diagram {k} did not load"
            page.screenshot(path=str(ARTIFACTS / f"{path.stem}_diagram_{k + 1}.png"))
        stills = page.locator("figure img[src^='data:image/png']")
        assert stills.count() == _stills(nb) >= 1, "each widget should show a still picture"
        for k in range(stills.count()):
            stills.nth(k).scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"{path.stem}_sliders_{k + 1}.png"))
        browser.close()
