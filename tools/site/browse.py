"""The built site in a real browser, for its test and its benchmark: a local server, pages opened in headless
Chromium with every request outside that server blocked and counted, and the live widgets moved with the mouse."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
import time
from pathlib import Path

from tools.chromium import ARGS, find_chromium

RAW_MATH = re.compile(r"\$\$|\\frac|\\mathcal|\\sum|\\text\{")   # what a formula left untypeset shows


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on a free localhost port (as ``python -m http.server`` would); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser(base: str, javascript: bool = True):
    """A Chromium context in which only ``base`` answers; yields (context, outside), ``outside`` the list of every
    other URL a page asked for (each blocked)."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(base) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_chromium(), headless=True, args=ARGS)
        context = chromium.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=javascript)
        context.route("**/*", route)
        try:
            yield context, outside
        finally:
            chromium.close()


LIVE_STATE = """() => Array.from(document.querySelectorAll('.gm-live')).map(e => ({
  ready: !!(e.gm && e.gm.ready), error: e.gm ? e.gm.error : 'no script', draws: e.gm ? e.gm.draws : 0,
  idle: e.gm ? e.gm.idle !== false : true, kind: e.gm && e.gm.kind, code: e.gm ? e.gm.code : null,
  pixels: e.gm ? e.gm.pixels : null, step: e.gm ? e.gm.step : null, redrawMs: e.gm ? e.gm.redrawMs : []}))"""


def open_page(context, url: str, timeout_s: float = 60) -> tuple:
    """Open ``url``; wait for the formulas and for every live widget to start (or fail). Returns (page, report):
    report = {"errors": console errors, "load_ms": until the load event, "ready_ms": until every widget ran,
    "katex": typeset formulas, "raw_math": untypeset formula text visible, "live": the widgets' states}."""
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    load_ms = 1000 * (time.perf_counter() - start)
    page.wait_for_function("() => document.body.dataset.mathDone === '1'", timeout=timeout_s * 1000)
    page.wait_for_function("() => Array.from(document.querySelectorAll('.gm-live')).every(e => e.gm && "
                           "(e.gm.ready || e.gm.error))", timeout=timeout_s * 1000)
    ready_ms = 1000 * (time.perf_counter() - start)
    visible = page.inner_text("main")
    report = {"errors": errors, "load_ms": load_ms, "ready_ms": ready_ms,
              "katex": page.locator(".katex").count(), "raw_math": RAW_MATH.findall(visible),
              "live": page.evaluate(LIVE_STATE), "text": visible}
    return page, report


def live_state(page) -> list[dict]:
    return page.evaluate(LIVE_STATE)


def wait_idle(page, index: int, timeout_s: float = 30) -> dict:
    """Wait until live widget ``index`` has drawn everything asked of it; its state."""
    page.wait_for_function(f"() => document.querySelectorAll('.gm-live')[{index}].gm.idle !== false",
                           timeout=timeout_s * 1000)
    return live_state(page)[index]


def drag(page, index: int, slider: int = 0, start: float = 0.2, end: float = 0.8, moves: int = 12) -> None:
    """Drag slider ``slider`` of live widget ``index`` with the mouse from ``start`` to ``end`` of its width."""
    handle = page.locator(".gm-live").nth(index).locator("input[type=range]").nth(slider)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + start * box["width"], y)
    page.mouse.down()
    for k in range(1, moves + 1):
        page.mouse.move(box["x"] + (start + (end - start) * k / moves) * box["width"], y)
        page.wait_for_timeout(20)
    page.mouse.up()
