"""The notebooks' figure text and widget labels in the reader's language: English, or Chinese (``"zh"``).

One setting switches them: the first code cell of every notebook calls ``helpers.setup(LANGUAGE)``, and the
Chinese edition (``notebooks/zh/``, built by ``python -m tools.translate build``) differs from the English
notebooks only there, in ``LANGUAGE = "zh"``. The plotting code is the same in both: every text a figure draws
(titles, axis labels, legends, captions) is looked up in ``i18n/zh/figures.json`` as it is drawn, and the
widgets look up their labels the same way, and so does what a notebook prints (each line; a Markdown table cell by
cell) and the score tables of :mod:`helpers.metrics`. A text with numbers in it is matched by a pattern whose ``{}``
stands for any text (``"fully connected GAN after {} steps"``). A text without a translation is drawn as it is.

Chinese glyphs come from the Noto Sans CJK SC font that the ``mplfonts`` package installs with the course, so
figures show them on a machine without any CJK font of its own.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import re
from pathlib import Path

from .env import project_folder

LANGUAGES = ("en", "zh")
FONT_FILE = "NotoSansCJKsc-Regular.otf"
_state = {"language": "en"}


def language() -> str:
    return _state["language"]


@functools.lru_cache(maxsize=None)
def _table(lang: str) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    folder = project_folder("i18n", lang)  # found the way helpers.data_dir() finds data/
    path = None if folder is None else folder / lang / "figures.json"
    if path is None or not path.is_file():
        raise FileNotFoundError(f"i18n/{lang}/figures.json is missing (looked beside the helpers package and in "
                                f"{Path.cwd()} and above): the {lang!r} figure text ships with the course")
    entries = json.loads(path.read_text(encoding="utf-8"))
    exact = {k: v for k, v in entries.items() if "{}" not in k}
    patterns = []
    for key, value in entries.items():
        if "{}" in key:
            regex = "^" + "(.+?)".join(re.escape(part) for part in key.split("{}")) + "$"
            patterns.append((re.compile(regex, re.S), value))
    # the most specific pattern first: "test MSE {} after {} steps" before "{} steps"
    patterns.sort(key=lambda entry: -len(entry[0].pattern.replace("(.+?)", "")))
    return exact, patterns


def tr(text: str) -> str:
    """``text`` in the current language (itself in English, or when the table has no translation for it)."""
    if _state["language"] == "en" or not text:
        return text
    exact, patterns = _table(_state["language"])
    if text in exact:
        return exact[text]
    if "\n" in text:  # a caption of several lines: each line on its own
        lines = text.split("\n")
        translated = [tr(line) for line in lines]
        if translated != lines:
            return "\n".join(translated)
    for pattern, value in patterns:
        match = pattern.match(text)
        if match:
            pieces = [exact.get(piece, piece) for piece in match.groups()]  # a model's name, say, has its own entry
            parts = value.split("{}")  # the matched pieces go back where the translation has its {}
            return "".join(part + (pieces[i] if i < len(pieces) else "") for i, part in enumerate(parts))
    return text


def tr_output(text: str) -> str:
    """Printed output in the current language, line by line: a Markdown table row cell by cell, any other line
    as a whole (:func:`tr`); lines without a translation stay as they are."""
    if _state["language"] == "en" or not text:
        return text
    lines = []
    for line in text.split("\n"):
        if line.startswith("|") and line.endswith("|"):
            cells = line[1:-1].split("|")
            line = "|" + "|".join(f" {tr(c.strip())} " if tr(c.strip()) != c.strip() else c for c in cells) + "|"
        else:
            line = tr(line)
        lines.append(line)
    return "\n".join(lines)


class _TranslatedStream:
    """A stand-in for ``sys.stdout`` that passes each complete line through :func:`tr_output`."""

    def __init__(self, stream):
        self._stream, self._pending = stream, ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            done, self._pending = self._pending.rsplit("\n", 1)
            self._stream.write(tr_output(done) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(tr_output(self._pending))
            self._pending = ""
        self._stream.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _translate_printed_output() -> None:
    """Make printed lines and displayed Markdown tables look themselves up in the table (once per process): the
    results a Chinese notebook prints then read in Chinese, while its code stays the English code."""
    import sys

    if not isinstance(sys.stdout, _TranslatedStream):
        sys.stdout = _TranslatedStream(sys.stdout)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    publisher = getattr(shell, "display_pub", None)
    if publisher is None or getattr(publisher.publish, "_genmodels_i18n", False):
        return
    original = publisher.publish

    def publish(data, *args, **kwargs):
        data = {k: (tr_output(v) if k in ("text/markdown", "text/plain") and isinstance(v, str) else v)
                for k, v in data.items()}
        return original(data, *args, **kwargs)

    publish._genmodels_i18n = True
    publisher.publish = publish


def font_path() -> Path:
    """The CJK font file the ``mplfonts`` package installed (found without importing the package)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the Chinese figures need the package `mplfonts` (it brings a CJK font): "
                                  "run `pip install -e .` in the project folder, or `pip install mplfonts`")
    path = Path(list(spec.submodule_search_locations)[0]) / "fonts" / FONT_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall the package `mplfonts`")
    return path


def _translate_while_drawing() -> None:
    """Make every matplotlib text look itself up in the table just before it is drawn (once per process)."""
    from matplotlib.text import Text

    if getattr(Text.draw, "_genmodels_i18n", False):
        return
    original = Text.draw

    def draw(self, renderer, *args, **kwargs):
        text = self.get_text()
        translated = tr(text)
        if translated != text:
            self.set_text(translated)
        return original(self, renderer, *args, **kwargs)

    draw._genmodels_i18n = True
    Text.draw = draw


def use(lang: str) -> None:
    """Switch figure text and widget labels to ``lang`` ("en" or "zh"); for "zh", also the CJK font."""
    if lang not in LANGUAGES:
        raise ValueError(f"LANGUAGE: expected one of {', '.join(map(repr, LANGUAGES))}, got {lang!r}")
    _state["language"] = lang
    if lang == "en":
        return
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    _table(lang)  # fail now, with a clear message, if the table is missing
    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, *[f for f in plt.rcParams["font.sans-serif"] if f != name]]
    plt.rcParams["axes.unicode_minus"] = False  # the CJK font has no Unicode minus sign: use the ASCII hyphen
    # the font ships one weight: bold text is drawn in it at regular weight, which matplotlib reports on every
    # bold label ("findfont: Failed to find font weight bold"); the fallback is what we want, so keep it quiet
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    _translate_while_drawing()
    _translate_printed_output()
