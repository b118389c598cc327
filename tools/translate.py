"""The Chinese edition: built from the English notebooks plus translation files, never edited by hand.

    python -m tools.translate build          # write notebooks/zh/*.ipynb (no outputs) from notebooks/*.ipynb + i18n/zh/
    python -m tools.translate status         # which translations are missing or older than their English cell
    python -m tools.translate todo NOTEBOOK  # a work sheet (JSON) of what NOTEBOOK's translation still needs

``i18n/zh/<notebook stem>.json`` holds one notebook's translation, keyed by the English cell's id:

* a Markdown cell: ``{"en": HASH, "zh": "the whole cell in Chinese"}``;
* a code cell: ``{"en": HASH, "comments": {"English comment": "中文注释", ...}}``: the code is the English
  cell's, character for character, with each ``# comment`` swapped for its translation.

``HASH`` is the first 12 hex digits of the SHA-256 of what was translated (a Markdown cell's text; a code cell's
comments, one per line), so a changed English cell no longer matches its translation and the build refuses to
use it, naming the cell (``tests/test_chinese_edition.py`` fails the same way). Figure text and widget labels
are not in the notebooks' code: they are translated while drawing, from ``i18n/zh/figures.json``, by
``helpers.i18n`` (the one setting ``LANGUAGE = "zh"`` in the first code cell; the build writes it).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tokenize
from pathlib import Path

from tools.run_notebook import clear_run

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "notebooks"
CHINESE = ROOT / "notebooks" / "zh"
TRANSLATIONS = ROOT / "i18n" / "zh"
SETTING_EN, SETTING_ZH = 'LANGUAGE = "en"', 'LANGUAGE = "zh"'


class TranslationError(Exception):
    """A translation is missing, or older than the English cell it translates."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def comments(code: str) -> list[tuple[tokenize.TokenInfo, str]]:
    """Each ``# comment`` token of ``code`` with its text (without the ``#`` and the spaces after it)."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            found.append((token, token.string[1:].strip()))
    return found


def without_comments(code: str) -> list[tuple[int, str]]:
    """The tokens of ``code`` that are not comments (type and text): what twin code cells must share."""
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE, tokenize.ENDMARKER}
    return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in skip]


def translated_text(cell: dict) -> str:
    """What a translation of ``cell`` covers, and hashes: a Markdown cell's text, a code cell's comments."""
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return source
    return "\n".join(text for _, text in comments(source))


def swap_comments(code: str, table: dict[str, str], where: str) -> str:
    """``code`` with every comment replaced by its translation in ``table`` (missing ones raise)."""
    lines = code.splitlines(keepends=True)
    for token, text in reversed(comments(code)):  # from the end: earlier positions stay valid
        if text not in table:
            raise TranslationError(f"{where}: no translation for the comment {text!r}")
        row, col = token.start
        line = lines[row - 1]
        lines[row - 1] = line[:col] + "# " + table[text] + line[col + len(token.string):]
    return "".join(lines)


def load(stem: str) -> dict:
    path = TRANSLATIONS / f"{stem}.json"
    if not path.is_file():
        raise TranslationError(f"{path.relative_to(ROOT)} is missing: `python -m tools.translate todo {stem}` lists what it needs")
    return json.loads(path.read_text(encoding="utf-8"))


def problems(english: dict, translation: dict, stem: str) -> list[str]:
    """Every cell whose translation is missing or stale, named by its id and the start of its English text."""
    found = []
    cells = translation.get("cells", {})
    for cell in english["cells"]:
        text = translated_text(cell)
        if not text.strip():
            continue
        entry = cells.get(cell["id"])
        first = text.strip().splitlines()[0][:60]
        if entry is None:
            found.append(f"{stem} cell {cell['id']} ({first!r}): not translated")
        elif entry.get("en") != digest(text):
            found.append(f"{stem} cell {cell['id']} ({first!r}): the English cell changed after it was translated")
    return found


def build_notebook(stem: str) -> dict:
    """The Chinese twin of notebooks/<stem>.ipynb, without outputs."""
    english = json.loads((ENGLISH / f"{stem}.ipynb").read_text(encoding="utf-8"))
    translation = load(stem)
    stale = problems(english, translation, stem)
    if stale:
        raise TranslationError("\n".join(stale))
    notebook = clear_run(english)
    for cell in notebook["cells"]:
        entry = translation["cells"].get(cell["id"], {})
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and "zh" in entry:
            source = relink(entry["zh"])
        elif cell["cell_type"] == "code":
            source = swap_comments(source, entry.get("comments", {}), f"{stem} cell {cell['id']}")
            source = source.replace(SETTING_EN, SETTING_ZH)
        cell["source"] = source.splitlines(keepends=True)
    notebook["metadata"]["genmodels"] = {"language": "zh", "built_from": f"notebooks/{stem}.ipynb"}
    return notebook


def relink(markdown: str) -> str:
    """Links and pictures of a Markdown cell, seen from notebooks/zh/ instead of notebooks/: the figures and the
    project's files are one folder further up; a link to a sibling notebook stays (it opens the Chinese twin)."""
    markdown = re.sub(r"\]\(\.\./", "](../../", markdown)
    return re.sub(r'(src="|\]\()figures/', r"\1../figures/", markdown)


def sources(notebook: dict) -> list[tuple[str, str, str]]:
    """What a build decides (cell id, type, text), not what a run adds: to compare a committed notebook with a build."""
    return [(c["id"], c["cell_type"], "".join(c["source"])) for c in notebook["cells"]]


def stems() -> list[str]:
    return sorted(p.stem for p in ENGLISH.glob("*.ipynb"))


def build(only: list[str] | None = None) -> list[Path]:
    """Write notebooks/zh/<stem>.ipynb for each English notebook. A committed twin whose code is unchanged keeps
    its outputs (so that a build after a change of text only does not wipe a full run's outputs); otherwise the
    notebook is written without outputs, to be run again."""
    from tools.atomic import atomic_path

    written = []
    for stem in only or stems():
        notebook = build_notebook(stem)
        target = CHINESE / f"{stem}.ipynb"
        if target.is_file():
            old = json.loads(target.read_text(encoding="utf-8"))
            if sources(old) == sources(notebook):
                continue  # up to date: keep its outputs
            keep_outputs(old, notebook)
        with atomic_path(target) as tmp:
            tmp.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def keep_outputs(old: dict, new: dict) -> bool:
    """When only Markdown changed (every code cell the same, in the same order), give ``new`` the outputs of the
    full run ``old`` holds (what ``clear_run`` takes out): running the same code again would give the same
    outputs. Returns whether it did."""
    code = lambda nb: [(c["id"], "".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]  # noqa: E731
    if code(old) != code(new):
        return False
    ran = {c["id"]: c for c in old["cells"] if c["cell_type"] == "code"}
    for cell in new["cells"]:
        if cell["cell_type"] == "code":
            for key in ("outputs", "execution_count"):
                cell[key] = ran[cell["id"]][key]
            if "execution" in ran[cell["id"]].get("metadata", {}):
                cell["metadata"]["execution"] = ran[cell["id"]]["metadata"]["execution"]
    if "widgets" in old.get("metadata", {}):
        new["metadata"]["widgets"] = old["metadata"]["widgets"]
    return True


def todo(stem: str) -> dict:
    """A work sheet for a translator: each cell that needs translating, its English text and the hash to copy."""
    english = json.loads((ENGLISH / f"{stem}.ipynb").read_text(encoding="utf-8"))
    try:
        done = load(stem).get("cells", {})
    except TranslationError:
        done = {}
    sheet = []
    for cell in english["cells"]:
        text = translated_text(cell)
        if not text.strip() or done.get(cell["id"], {}).get("en") == digest(text):
            continue
        item = {"id": cell["id"], "type": cell["cell_type"], "en": digest(text)}
        if cell["cell_type"] == "markdown":
            item["english"] = text
        else:
            item["comments"] = list(dict.fromkeys(t for _, t in comments("".join(cell["source"]))))
            item["code"] = "".join(cell["source"])
        sheet.append(item)
    return {"notebook": f"{stem}.ipynb", "cells": sheet}


#: Chinese documents translated by hand from an English one: {Chinese file: its English source}. Each starts with
#: a line naming the digest of the English text it translates; a changed English file makes it stale.
GUIDES = {ROOT / "docs" / "teaching.zh.md": ROOT / "docs" / "teaching.md"}
GUIDE_STAMP = re.compile(r"<!-- translated from (?P<source>\S+) at (?P<digest>[0-9a-f]{12})")


def stale_guides() -> list[str]:
    """What is wrong with the translated documents of :data:`GUIDES` (empty: all up to date)."""
    name = lambda p: str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)
    found = []
    for zh, en in GUIDES.items():
        if not zh.exists():
            found.append(f"{name(zh)} is missing (the Chinese edition of {name(en)})")
            continue
        stamp = GUIDE_STAMP.match(zh.read_text(encoding="utf-8"))
        now = digest(en.read_text(encoding="utf-8"))
        if stamp is None:
            found.append(f"{name(zh)}: its first line must be '<!-- translated from "
                         f"{name(en)} at {now} -->'")
        elif stamp["digest"] != now:
            found.append(f"{name(zh)} translates {name(en)} at {stamp['digest']}, which has "
                         f"changed since (now {now}): update the translation (`git diff` on the English file shows "
                         f"what changed), then write {now} in its first line")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "status", "todo"])
    parser.add_argument("notebook", nargs="?", help="for todo: the notebook's file name or stem")
    args = parser.parse_args(argv)
    if args.command == "todo":
        if not args.notebook:
            parser.error("todo needs a notebook, for example: todo 01_autoencoder")
        print(json.dumps(todo(Path(args.notebook).stem), indent=1, ensure_ascii=False))
        return 0
    if args.command == "status":
        found = []
        for stem in stems():
            try:
                found += problems(json.loads((ENGLISH / f"{stem}.ipynb").read_text(encoding="utf-8")), load(stem), stem)
            except TranslationError as err:
                found.append(str(err))
        found += stale_guides()
        print("\n".join(found) or "every translation is up to date")
        return 1 if found else 0
    try:
        for path in build([Path(args.notebook).stem] if args.notebook else None):
            print("wrote", path.relative_to(ROOT))
    except TranslationError as err:
        print(f"cannot build the Chinese edition:\n{err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
