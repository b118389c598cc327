"""Write the student copies of the notebooks: every answer and every output taken out.

    python -m tools.student                 # writes student/ (and student/zh/) beside notebooks/ (`make student`)
    python -m tools.student --out DIR       # somewhere else

A teacher hands out these copies before a class and the answers after it. What changes, per notebook:

* cells tagged ``answer`` (each exercise's folded answer, in its own cell below the question) are left out;
* every code cell loses its outputs and execution count, and the notebook its saved widget state, so the
  copy shows nothing that the learner has not run;
* everything else, code included, is the course's notebook unchanged.

The copies sit one folder below the project, like the notebooks, so they find ``helpers`` and ``data/`` the
same way; the figures the Markdown shows are copied beside them. Each file is written atomically.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from tools.run_notebook import clear_run

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ANSWER_TAG = "answer"


def is_answer(cell: dict) -> bool:
    return ANSWER_TAG in cell.get("metadata", {}).get("tags", [])


def student_copy(notebook: dict) -> dict:
    """The notebook (as loaded from JSON) without answer cells, outputs or widget state; the input is not changed."""
    copy = json.loads(json.dumps(notebook))
    copy["cells"] = [cell for cell in copy["cells"] if not is_answer(cell)]
    return clear_run(copy)


def write_student_copies(out: Path) -> list[Path]:
    """Write a student copy of every notebook, and the figures they show, into ``out``; returns the notebooks written."""
    from helpers.utils import atomic_path

    sources = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(NOTEBOOKS.glob("zh/*.ipynb"))  # English, then Chinese
    if not sources:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}: run this from a complete copy of the course")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        target = out / source.relative_to(NOTEBOOKS)
        with atomic_path(target) as tmp:
            tmp.write_text(json.dumps(student_copy(json.loads(source.read_text())), indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    if (NOTEBOOKS / "figures").is_dir():
        shutil.copytree(NOTEBOOKS / "figures", out / "figures", dirs_exist_ok=True)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="folder for the copies (default: student/)")
    args = parser.parse_args(argv)
    for path in write_student_copies(args.out):
        print("wrote", path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


if __name__ == "__main__":
    sys.exit(main())
