"""The website's sizes and times: build, size and largest files, first load of each notebook page, slider redraws.

    .venv/bin/python -m benchmarks.site        (make bench-site)

Builds the site into a temporary folder (the widgets' export included: each notebook run with shipped weights),
serves it from localhost and opens every notebook page in headless Chromium with the network outside the server
blocked: "load" is until the page's load event, "live" until every widget on it has started (its decoder loaded
by onnxruntime-web). Then each explorer's first slider is dragged 5 times over 40 mouse moves; a redraw is timed
in the page from the slider's input event to the new picture drawn (``window.gmRedrawMs``). Written to
``benchmarks/results/site.md``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def main() -> int:
    from tools.site import browse, build

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        result = build.build(out, quiet=True)
        files = sorted((f for f in out.rglob("*") if f.is_file()), key=lambda f: -f.stat().st_size)
        lines = ["Site benchmark (`python -m benchmarks.site`)", "",
                 f"- build: {result['seconds']:.0f} s, {len(result['pages'])} pages, "
                 f"{result['bytes'] / 1e6:.1f} MB in {len(files)} files",
                 "- largest files: " + ", ".join(f"{f.relative_to(out)} {f.stat().st_size / 1e6:.1f} MB" for f in files[:6]),
                 "", "| page | first load (ms) | widgets live (ms) | widgets |", "| --- | ---: | ---: | ---: |"]
        redraws: list[float] = []
        with browse.serve(out) as base, browse.browser(base) as (context, outside):
            for lang in ("", "zh/"):
                for stem in build.NOTEBOOKS:
                    page, report = browse.open_page(context, f"{base}{lang}{stem}.html")
                    lines.append(f"| {lang}{stem} | {report['load_ms']:.0f} | {report['ready_ms']:.0f} | "
                                 f"{len(report['live'])} |")
                    if not lang:
                        for k, state in enumerate(report["live"]):
                            if state["kind"] in ("LatentExplorer", "InterpolationExplorer"):
                                for _ in range(5):
                                    browse.drag(page, k, moves=40)
                                    browse.wait_idle(page, k)
                        redraws += page.evaluate("() => window.gmRedrawMs")
                    page.close()
            assert not outside, outside
        ordered = sorted(redraws)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        lines += ["", f"- slider redraws: {len(redraws)}, median {statistics.median(redraws):.1f} ms, "
                      f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms (input event to picture drawn, in the page)"]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "site.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
