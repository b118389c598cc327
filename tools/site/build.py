"""Build the course website: every committed notebook as a page, both editions, with its widgets live in the browser.

    python3 course.py site                    # or `make site`: builds site/, then says how to open it
    python -m tools.site.build --out DIR      # the same, into DIR
    python -m tools.site.build --reuse-export # keep the widgets exported by the last build (faster, for editing)

The pages are nbconvert's HTML of the committed notebooks (their prose, code, outputs and figures, as on GitHub),
with the course's navigation, a language switch to each page's twin, formulas typeset by KaTeX and every live
widget made playable without Python. nbconvert rather than a book builder: the pages must show the notebooks'
committed outputs exactly as run, a widget's output must be swapped for its live version, and nothing may be
fetched from outside the site; nbconvert's own template, extended in ``templates/``, does all three with no new
dependency (Jupyter Book and myst-nb would re-render the outputs through Sphinx and bring a CDN-based theme).

The widgets: each notebook is run again with its shipped weights and ``GENMODELS_SITE_EXPORT`` set
(:mod:`helpers.site`), cell by cell until it has built as many widgets as its committed outputs show; each widget
leaves its decoder as ONNX (run in the page by onnxruntime-web), or its recorded frames or digit pools. The k-th
widget output of a page is matched with the k-th widget built, so the site always plays the shipped weights.
KaTeX and onnxruntime-web come from the npm registry at install time, as locked (:mod:`tools.site.npm`).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOTEBOOKS = ["01_autoencoder", "02_vae", "02b_gan_game_2d", "03_gan"]
EDITIONS = {"en": ROOT / "notebooks", "zh": ROOT / "notebooks" / "zh"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
EXPORT = ROOT / "build" / "site-export"      # what the notebooks' widgets leave for the site (and for the tests)
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
UI = {  # the site's own words, in both languages
    "en": {"course": "Generative models, hands-on", "teaching": "Teaching guide", "previous": "previous", "next": "next",
           "language": "中文"},
    "zh": {"course": "动手学生成模型", "teaching": "教学指南", "previous": "上一篇", "next": "下一篇", "language": "English"},
}


def _outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def widget_outputs(nb) -> list[dict]:
    """The outputs of ``nb`` (a notebook as loaded) that show one of the course's live widgets (a widget view
    with a still picture), in order; progress bars are widgets too, but have only their text."""
    return [o for o in _outputs(nb) if WIDGET_VIEW in o.get("data", {}) and "image/png" in o["data"]]


def export_widgets(stem: str, folder: Path) -> int:
    """Run notebook ``stem`` (English edition) with shipped weights until it has built as many widgets as its
    committed outputs show, each leaving its files in ``folder``; returns that count."""
    import nbformat
    from nbclient import NotebookClient

    from helpers.env import SITE_EXPORT_ENV, run_environment

    path = EDITIONS["en"] / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    wanted = len(widget_outputs(nb))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if not wanted:
        return 0
    env = run_environment(quick=False, shipped=True)
    env[SITE_EXPORT_ENV] = str(folder)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
            if len(list(folder.glob("*.json"))) >= wanted:
                break
    built = len(list(folder.glob("*.json")))
    if built != wanted:
        raise SystemExit(f"{path.name}: its committed outputs show {wanted} widgets, but running it built {built}; "
                         f"re-run the notebook (make notebooks) so that its outputs match its code")
    return built


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def publish_widgets(stem: str, folder: Path, out: Path) -> list[str]:
    """Copy one notebook's exported widgets into the site (decoders shared by content); their spec URLs."""
    live = out / "assets" / "live"
    live.mkdir(parents=True, exist_ok=True)
    urls = []
    for spec_path in sorted(folder.glob("*.json"), key=lambda p: int(p.stem)):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        model = spec_path.with_suffix(".onnx")
        if model.exists():
            name = f"model-{_digest(model)}.onnx"
            shutil.copyfile(model, live / name)
            spec["model"] = name
        target = live / f"{stem}-{spec_path.stem}.json"
        target.write_text(json.dumps(spec, separators=(",", ":")), encoding="utf-8")
        urls.append(f"assets/live/{target.name}")
    return urls


def _live_html(output: dict, url: str) -> str:
    still = output["data"].get("text/html", "")
    return (f"<div class='gm-live' data-spec='{url}'><div class='gm-still'>{still}</div></div>")


def _rewrite_links(text: str) -> str:
    """Links between the course's files, as links between its pages (each edition's guide sits beside its pages)."""
    text = re.sub(r"\]\((?:\.\./)+docs/teaching(?:\.zh)?\.md\)", "](teaching.html)", text)
    return re.sub(r"\]\(([0-9a-z_]+)\.ipynb\)", r"](\1.html)", text)


def _title(nb) -> str:
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    return first.source.lstrip("# ").splitlines()[0].strip()


def page_context(lang: str, stem: str | None, titles: dict) -> dict:
    """What the navigation of a page needs (``stem`` None: the home page)."""
    up = "../" if lang == "zh" else ""
    other = "en" if lang == "zh" else "zh"
    name = f"{stem}.html" if stem else "index.html"
    twin = (f"../{name}" if lang == "zh" else f"zh/{name}")
    position = NOTEBOOKS.index(stem) if stem in NOTEBOOKS else None
    nav = [{"href": f"{s}.html", "title": titles[lang][s], "current": s == stem} for s in NOTEBOOKS]
    return {"lang": lang, "ui": UI[lang], "nav": nav, "home": "index.html", "up": up, "assets": f"{up}assets/",
            "twin": twin, "other": other, "other_name": LANGUAGE_NAMES[other],
            "teaching": "teaching.html", "labels": json.dumps(_labels(lang), ensure_ascii=False),
            "previous": nav[position - 1] if position else None,
            "next": nav[position + 1] if position is not None and position + 1 < len(nav) else None}


def _labels(lang: str) -> dict:
    if lang == "en":
        return {}
    return json.loads((ROOT / "i18n" / lang / "figures.json").read_text(encoding="utf-8"))


def notebook_page(path: Path, lang: str, stem: str, urls: list[str], titles: dict) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    shown = widget_outputs(nb)
    if len(shown) != len(urls):
        raise SystemExit(f"{path}: shows {len(shown)} widgets, its English twin's run built {len(urls)}; "
                         f"rebuild the Chinese edition (python -m tools.translate build)")
    up = "../" if lang == "zh" else ""
    for output, url in zip(shown, urls):
        output["data"] = {"text/html": _live_html(output, up + url)}
    for output in _outputs(nb):            # progress bars: their final text, as GitHub shows them
        if WIDGET_VIEW in output.get("data", {}):
            output["data"] = {"text/plain": output["data"].get("text/plain", "")}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _rewrite_links(cell.source)
    nb.metadata.pop("widgets", None)
    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(HERE / "templates")])
    exporter.exclude_input_prompt = exporter.exclude_output_prompt = True
    exporter.language_code = lang
    body, _ = exporter.from_notebook_node(nb, resources={"course": page_context(lang, stem, titles),
                                                          "metadata": {"name": titles[lang][stem]}})
    return body


def plain_page(lang: str, titles: dict, title: str, content: str, stem: str | None = None) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader([HERE / "templates", HERE / "templates" / "course"]), autoescape=False)
    return env.get_template("page.html.j2").render(course=page_context(lang, stem, titles), title=title, content=content)


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def copy_assets(out: Path) -> None:
    from tools.site import npm

    folders = npm.fetch(quiet=True)
    assets = out / "assets"
    (assets / "katex").mkdir(parents=True, exist_ok=True)
    shutil.copytree(folders["katex"] / "dist", assets / "katex", dirs_exist_ok=True)
    shutil.copyfile(folders["katex"] / "LICENSE", assets / "katex" / "LICENSE")
    (assets / "ort").mkdir(exist_ok=True)
    for f in (folders["onnxruntime-web"] / "dist").iterdir():
        shutil.copyfile(f, assets / "ort" / f.name)
    for f in (HERE / "assets").iterdir():
        shutil.copyfile(f, assets / f.name)
    shutil.copytree(ROOT / "notebooks" / "figures", out / "figures", dirs_exist_ok=True)


def cjk_font(out: Path) -> Path:
    """The Chinese glyphs the site uses, cut from the CJK font the course installs for its figures (Noto Sans CJK
    SC, about 180 kB for the 1,000 characters used): Chinese pages then read the same on a machine without a
    Chinese font, such as a bare Linux laptop."""
    from fontTools import subset

    from helpers.i18n import font_path

    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    text += json.dumps(_labels("zh"), ensure_ascii=False)   # the labels the widgets write at run time
    chars = sorted({ord(ch) for ch in text if ord(ch) >= 0x2E80})
    options = subset.Options()
    options.flavor, options.layout_features, options.hinting = "woff", [], False
    font = subset.load_font(str(font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    target = out / "assets" / "cjk.woff"
    subset.save_font(font, str(target), options)
    return target


def build(out: Path = ROOT / "site", reuse_export: bool = False, quiet: bool = False) -> dict:
    """Build the whole site into ``out``; returns {"seconds", "pages", "bytes"}."""
    import nbformat

    start = time.perf_counter()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "zh").mkdir()
    copy_assets(out)
    titles = {lang: {s: _title(nbformat.read(EDITIONS[lang] / f"{s}.ipynb", as_version=4)) for s in NOTEBOOKS}
              for lang in EDITIONS}
    pages = []
    for stem in NOTEBOOKS:
        folder = EXPORT / stem
        if not (reuse_export and folder.is_dir()):
            t0 = time.perf_counter()
            count = export_widgets(stem, folder)
            say(f"{stem}: {count} widgets exported in {time.perf_counter() - t0:.0f} s")
        urls = publish_widgets(stem, folder, out)
        for lang, source in EDITIONS.items():
            target = out / ("zh/" if lang == "zh" else "") / f"{stem}.html"
            target.write_text(notebook_page(source / f"{stem}.ipynb", lang, stem, urls, titles), encoding="utf-8")
            pages.append(target)
    for lang in EDITIONS:
        home = (HERE / "templates" / f"home.{lang}.html").read_text(encoding="utf-8")
        target = out / ("zh/" if lang == "zh" else "") / "index.html"
        target.write_text(plain_page(lang, titles, UI[lang]["course"], home), encoding="utf-8")
        pages.append(target)
    for lang, name in (("en", "teaching.md"), ("zh", "teaching.zh.md")):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        text = re.sub(r"\]\(\.\./notebooks/(?:zh/)?", "](", _rewrite_links(text))
        target = out / ("zh/" if lang == "zh" else "") / "teaching.html"
        target.write_text(plain_page(lang, titles, UI[lang]["teaching"], _markdown(text), stem="teaching"),
                          encoding="utf-8")
        pages.append(target)
    cjk_font(out)
    (out / ".nojekyll").write_text("")   # GitHub Pages: serve the folder as it is
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    seconds = time.perf_counter() - start
    say(f"site: {len(pages)} pages, {size / 1e6:.1f} MB in {out}, built in {seconds:.0f} s")
    return {"seconds": seconds, "pages": [str(p.relative_to(out)) for p in pages], "bytes": size}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "site"), help="the folder to build into (default: site/)")
    parser.add_argument("--reuse-export", action="store_true", help="keep the widgets the last build exported")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    build(out, reuse_export=args.reuse_export)
    print(f"open it: python3 -m http.server --directory {out} 8000, then http://localhost:8000/ "
          f"(the decoders need a server: a page opened as a file cannot load them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
