"""The course website, built and opened in headless Chromium with every request outside the local server blocked.

The site is built once (``tools.site.build``, what ``python3 course.py site`` runs) into a temporary folder, from
the checkout's committed notebooks and shipped weights; in CI that checkout is a fresh clone. Then every page is
opened from a local server: no console error and no outside request; formulas typeset; every live widget starts.
Each explorer's first slider is dragged with the mouse: the picture changes, and its pixels equal PyTorch's decode
of the code the page shows, within 2/255 (the same decoder, saved as a PyTorch program when it was exported).
The 2-D game's scrubber and spot the fake are played; the Chinese pages show Chinese prose and labels; with
JavaScript off, each widget's still and sentence are shown. Screenshots: tests/artifacts/site/.
"""

import json
import re
from pathlib import Path

import pytest
import torch

from tools.chromium import find_chromium

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts" / "site"
NOTEBOOK_PAGES = ["01_autoencoder", "02_vae", "02b_gan_game_2d", "03_gan"]
PAGES = ["index.html", "teaching.html", "zh/index.html", "zh/teaching.html"] + [f"{lang}{s}.html" for lang in ("", "zh/") for s in NOTEBOOK_PAGES]
CJK = re.compile(r"[\u4e00-\u9fff]")

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
pytestmark = pytest.mark.skipif(find_chromium() is None, reason="Chromium not found (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from tools.site import build

    out = tmp_path_factory.mktemp("site") / "site"
    result = build.build(out, quiet=True)
    return out, result


@pytest.fixture(scope="module")
def server(site):
    from tools.site import browse

    with browse.serve(site[0]) as base:
        yield base


@pytest.fixture(scope="module")
def chromium(server):
    from tools.site import browse

    with browse.browser(server) as (context, outside):
        yield context, outside


def test_site_has_every_page_and_no_outside_reference(site):
    out, result = site
    assert sorted(result["pages"]) == sorted(PAGES)
    for page in PAGES:
        text = (out / page).read_text(encoding="utf-8")
        outside = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", text)
        assert not outside, f"{page} loads from outside the site: {outside[:3]}"
    assert (out / "assets" / "ort" / "ort-wasm-simd-threaded.wasm").stat().st_size > 1e6
    assert list((out / "assets" / "katex" / "fonts").glob("*.woff2"))


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_with_formulas_and_live_widgets(chromium, server, name):
    from tools.site import browse

    context, outside = chromium
    before = len(outside)
    page, report = browse.open_page(context, server + name)
    try:
        assert report["errors"] == [], f"{name}: console errors {report['errors'][:3]}"
        assert outside[before:] == [], f"{name}: asked for {outside[before:][:3]} outside the site"
        assert report["raw_math"] == [], f"{name}: formula text left untypeset: {report['raw_math'][:5]}"
        if name.rsplit("/", 1)[-1].startswith("0"):
            assert report["katex"] > 0, f"{name}: no formula typeset"
        for k, state in enumerate(report["live"]):
            assert state["ready"] and state["error"] is None, f"{name}: widget {k} did not start: {state['error']}"
        if name.startswith("zh/"):
            prose = report["text"]
            assert len(CJK.findall(prose)) > 0.2 * len(re.findall(r"[A-Za-z]", prose)), f"{name}: little Chinese text"
        if report["live"]:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            first = page.locator(".gm-live").first
            first.scroll_into_view_if_needed()
            first.screenshot(path=str(ARTIFACTS / (name.replace("/", "_").replace(".html", "") + ".png")))
    finally:
        page.close()


def _reference(site_out: Path, stem: str, index: int):
    from tools.site.build import EXPORT

    program = torch.export.load(str(EXPORT / stem / f"{index}.pt2"))
    return program.module()


@pytest.mark.parametrize("stem", ["01_autoencoder", "02_vae", "03_gan"])
def test_dragged_slider_redraws_and_matches_pytorch(chromium, server, site, stem):
    from tools.site import browse

    context, _ = chromium
    page, report = browse.open_page(context, server + f"{stem}.html")
    try:
        explorers = [k for k, s in enumerate(report["live"]) if s["kind"] in ("LatentExplorer", "InterpolationExplorer")]
        assert explorers, f"{stem}: no explorer on the page"
        for k in explorers:
            before = browse.wait_idle(page, k)
            browse.drag(page, k)
            after = browse.wait_idle(page, k)
            assert after["draws"] > before["draws"], f"{stem}: explorer {k} did not redraw on a drag"
            assert after["code"] != before["code"], f"{stem}: explorer {k}'s code did not move"
            assert after["pixels"] != before["pixels"], f"{stem}: explorer {k}'s picture did not change"
            decode = _reference(site[0], stem, k)
            with torch.no_grad():
                expected = decode(torch.tensor([after["code"]], dtype=torch.float32)).reshape(-1)
            expected = (expected.clamp(0, 1) * 255).round()
            shown = torch.tensor(after["pixels"], dtype=torch.float32)
            worst = float((shown - expected).abs().max())
            assert worst <= 2, f"{stem}: explorer {k} differs from PyTorch's decode by {worst}/255 at worst"
    finally:
        page.close()


def test_game_scrubber_and_spot_the_fake_play(chromium, server):
    from tools.site import browse

    context, _ = chromium
    page, report = browse.open_page(context, server + "02b_gan_game_2d.html")
    try:
        (game,) = [k for k, s in enumerate(report["live"]) if s["kind"] == "GameStepper"]
        first = page.locator(".gm-live").nth(game).locator("canvas").screenshot()
        browse.drag(page, game, start=0.0, end=0.6)
        state = browse.live_state(page)[game]
        assert state["step"] > 100, f"the scrubber moved to step {state['step']}"
        assert page.locator(".gm-live").nth(game).locator("canvas").screenshot() != first
    finally:
        page.close()
    page, report = browse.open_page(context, server + "03_gan.html")
    try:
        games = [k for k, s in enumerate(report["live"]) if s["kind"] == "SpotTheFake"]
        assert len(games) == 2
        root = page.locator(".gm-live").nth(games[0])
        root.scroll_into_view_if_needed()
        truth = page.evaluate(f"() => document.querySelectorAll('.gm-live')[{games[0]}].gm.isFake")
        assert sorted(truth) == [False] * 8 + [True] * 8
        for i in [i for i, fake in enumerate(truth) if fake][:3]:          # mark three of the fakes
            root.locator(".gm-mark").nth(i).click()
        root.get_by_text("reveal", exact=True).click()
        status = root.locator(".gm-status").inner_text()
        assert status.startswith("11 of 16 right: you found 3 of 8 generated digits and took 0 real ones"), status
        root.get_by_text("new round", exact=True).click()
        assert "Mark the 8 digits" in root.locator(".gm-status").inner_text()
    finally:
        page.close()


def test_chinese_page_labels_and_figures_are_chinese(chromium, server):
    from tools.site import browse

    context, _ = chromium
    page, report = browse.open_page(context, server + "zh/03_gan.html")
    try:
        buttons = page.locator(".gm-live button").all_inner_texts()
        assert "随机抽取" in buttons and "揭晓" in buttons, buttons[:8]
        zh_images = set(page.eval_on_selector_all("main img", "els => els.map(e => e.src.slice(-200))"))
    finally:
        page.close()
    page, _ = browse.open_page(context, server + "03_gan.html")
    try:
        en_images = set(page.eval_on_selector_all("main img", "els => els.map(e => e.src.slice(-200))"))
    finally:
        page.close()
    page, _ = browse.open_page(context, server + "zh/02b_gan_game_2d.html")
    try:
        buttons += page.locator(".gm-live button").all_inner_texts()
        captions = page.locator(".gm-live .gm-status").all_inner_texts()
    finally:
        page.close()
    untranslated = [b for b in buttons + captions if re.search(r"[A-Za-z]{3}", b)]
    assert not untranslated, f"English labels on a Chinese page: {untranslated}"
    # the Chinese run draws its figures with Chinese text: almost none of its pictures equals the English one
    assert len(zh_images & en_images) < 0.2 * len(zh_images), (len(zh_images & en_images), len(zh_images))


def test_without_javascript_each_widget_shows_its_still(chromium, server):
    context, _ = chromium
    plain = context.browser.new_context(java_script_enabled=False)
    plain.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server) else r.abort())
    try:
        page = plain.new_page()
        page.goto(server + "01_autoencoder.html")
        stills = page.locator(".gm-live .gm-still img")
        assert stills.count() == 2 and all(stills.nth(i).is_visible() for i in range(2))
        assert "run the notebook to move it" in page.locator(".gm-live").first.inner_text()
    finally:
        plain.close()
