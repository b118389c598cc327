"""Write the student copies of the notebooks: every answer and every output taken out.

    python -m tools.student                 # writes student/ (and student/zh/) beside notebooks/ (`make student`)
    python -m tools.student --out DIR       # somewhere else
    python -m tools.student --force         # replace copies that changed, keeping them in student.bak-<time>/

A teacher hands out these copies before a class and the answers after it. What changes, per notebook:

* cells tagged ``answer`` (each exercise's folded answer, in its own cell below the question) are left out;
* every code cell loses its outputs and execution count, and the notebook its saved widget state, so the
  copy shows nothing that the learner has not run;
* everything else, code included, is the course's notebook unchanged.

The copies sit one folder below the project, like the notebooks, so they find ``helpers`` and ``data/`` the
same way; the figures the Markdown shows are copied beside them. Each file is written atomically.

A second run never overwrites a copy that changed since (a learner's answers, or a copy of an older version of
the course; ``student/`` is not in git, so nothing else could bring it back). Without ``--force`` it writes
nothing, names those copies and says how to go on; with ``--force`` it first moves them into a new folder
``student.bak-YYYYmmdd-HHMMSS/`` beside ``student/``, where they still open and run. Copies that are already what
it would write are left as they are.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import dataclass
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


def shown(path: Path) -> str:
    """``path`` as the person at the terminal would type it: relative to the working folder where it can be."""
    return str(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)


@dataclass
class StudentCopies:
    """What :func:`write_student_copies` did in ``out``."""

    out: Path
    written: list[Path]      # notebooks written: new ones, and those that replace the copies moved to ``backup``
    unchanged: list[Path]    # notebooks already there as they would be written, left as they were
    backup: Path | None      # the folder the copies that differed were moved into (``force``), or None
    kept: list[Path]         # those copies, where they are now (in ``backup``)

    def summary(self) -> str:
        line = (f"{shown(self.out)}: {len(self.written)} student notebooks written, "
                f"{len(self.unchanged)} already up to date and left as they were")
        if self.kept:
            line += f"; the {len(self.kept)} earlier copies that differed are kept in {shown(self.backup)}"
        return line


class ChangedCopies(SystemExit):
    """Raised (and, from the command line, printed instead of a traceback) when copies in ``out`` differ from
    what would be written and ``force`` is not given; nothing has been written."""


def backup_folder(out: Path) -> Path:
    """A new, unused folder beside ``out``: ``<out>.bak-YYYYmmdd-HHMMSS`` (with ``-2``, ``-3``... if taken)."""
    base = out.parent / f"{out.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def write_student_copies(out: Path, force: bool = False) -> StudentCopies:
    """Write a student copy of every notebook, and the figures they show, into ``out``.

    A copy already in ``out`` that differs from the one this writes is never overwritten: without ``force``
    this raises :class:`ChangedCopies` (naming them) and writes nothing; with ``force`` they are first moved
    into :func:`backup_folder`. Copies that are already the same are left untouched."""
    from tools.atomic import atomic_path

    sources = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(NOTEBOOKS.glob("zh/*.ipynb"))  # English, then Chinese
    if not sources:
        raise SystemExit(f"no notebooks found in {NOTEBOOKS}: run this from a complete copy of the course")
    out = Path(out)
    texts = {}  # target: the text of its student copy
    for source in sources:
        copy = student_copy(json.loads(source.read_text(encoding="utf-8")))
        texts[out / source.relative_to(NOTEBOOKS)] = json.dumps(copy, indent=1, ensure_ascii=False) + "\n"
    unchanged = [target for target, text in texts.items()
                 if target.is_file() and target.read_bytes() == text.encode("utf-8")]
    changed = [target for target in texts if target.exists() and target not in unchanged]
    backup, kept = None, []
    if changed and not force:
        names = "\n".join(f"  {shown(target)}" for target in changed)
        raise ChangedCopies(
            f"{shown(out)} already holds {len(changed)} notebooks that differ from the student copies this would "
            f"write (a learner's work there, or copies of an older version of the course), so nothing was "
            f"written:\n{names}\n"
            f"To leave them as they are, write the new copies into another folder: "
            f"python3 course.py student --out OTHER_FOLDER\n"
            f"To have the new copies here, add --force: it first moves these {len(changed)} into a new folder "
            f"{shown(out.parent / (out.name + '.bak-YYYYmmdd-HHMMSS'))} and says where.")
    if changed:
        backup = backup_folder(out)
        for target in changed:
            kept.append(backup / target.relative_to(out))
            kept[-1].parent.mkdir(parents=True, exist_ok=True)
            shutil.move(target, kept[-1])
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for target, text in texts.items():
        if target in unchanged:
            continue
        with atomic_path(target) as tmp:
            tmp.write_bytes(text.encode("utf-8"))  # bytes: the same file on every system, as compared above
        written.append(target)
    if (NOTEBOOKS / "figures").is_dir():
        shutil.copytree(NOTEBOOKS / "figures", out / "figures", dirs_exist_ok=True)
    return StudentCopies(out, written, unchanged, backup, kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "student", help="folder for the copies (default: student/)")
    parser.add_argument("--force", action="store_true",
                        help="replace copies that changed, after moving them into a new folder <out>.bak-<time>/")
    args = parser.parse_args(argv)
    print(write_student_copies(args.out, force=args.force).summary())


if __name__ == "__main__":
    sys.exit(main())
