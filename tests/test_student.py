"""`make student` (tools/student.py): student copies with no answers and no outputs, whose code still runs."""

import json
import re
from pathlib import Path

import pytest

from tools.run_notebook import run_notebook
from tools.student import write_student_copies

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = sorted((ROOT / "notebooks").glob("*.ipynb"))
NOTEBOOKS = ENGLISH + sorted((ROOT / "notebooks").glob("zh/*.ipynb"))  # the Chinese edition gets student copies too


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    write_student_copies(out)
    return out


def answer_sentences(cell):
    """The answer's own sentences: long lines of its text, without the <details> markup."""
    text = re.sub(r"</?details>|<summary>.*?</summary>", "", "".join(cell["source"]))
    return [line.strip() for line in text.splitlines() if len(line.strip()) > 40]


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_a_student_copy_has_no_answers_and_no_outputs(copies, source):
    original = json.loads(source.read_text())
    answers = [c for c in original["cells"] if "answer" in tags(c)]
    questions = [c for c in original["cells"] if any(t.startswith("exercise-") for t in tags(c))]
    assert answers and len(answers) == len(questions), "every exercise has its answer in a cell of its own"
    copy_text = (copies / source.relative_to(ROOT / "notebooks")).read_text()
    copy = json.loads(copy_text)
    assert not [c for c in copy["cells"] if "answer" in tags(c)]
    for answer in answers:
        for sentence in answer_sentences(answer):
            assert sentence not in copy_text, f"{source.name}: answer text left in the student copy: {sentence[:60]}"
    code = [c for c in copy["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "widgets" not in copy["metadata"]
    # everything else is the course's notebook, in the same order: the code cells nbval runs, the questions
    kept = [c for c in original["cells"] if "answer" not in tags(c)]
    assert [c["source"] for c in copy["cells"]] == [c["source"] for c in kept]


def test_the_student_copies_show_their_figures(copies):
    shown = set()
    for source in NOTEBOOKS:
        copy = copies / source.relative_to(ROOT / "notebooks")
        for cell in json.loads(copy.read_text())["cells"]:
            shown |= {(copy.parent / name).resolve() for name in re.findall(r'src="((?:\.\./)?figures/[^"]+)"', "".join(cell["source"]))}
    assert shown and all(path.is_file() for path in shown)


def test_a_student_copy_runs_top_to_bottom(copies, tmp_path):
    """With the answers gone, every code cell of notebook 1's copy still runs (quick mode)."""
    run_notebook(copies / "01_autoencoder.ipynb", quick=True, out=tmp_path / "ran.ipynb")  # raises on an error
    ran = json.loads((tmp_path / "ran.ipynb").read_text())
    assert all(c["execution_count"] for c in ran["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_every_numbered_section_is_marked_core_or_optional(source):
    """docs/teaching.md plans a class around these marks: each `## N. ...` heading is followed by one of them
    (in the Chinese edition, `核心` or `选学`)."""
    marks = ("`核心`", "`选学`") if source.parent.name == "zh" else ("`core`", "`optional`")
    sections = 0
    for cell in json.loads(source.read_text())["cells"]:
        lines = "".join(cell["source"]).splitlines()
        for i, line in enumerate(lines):
            if re.match(r"## \d+\. ", line):
                sections += 1
                mark = next((rest for rest in lines[i + 1:] if rest.strip()), "")
                assert mark in marks, f"{source.name}: {line!r} is followed by {mark!r}"
    assert sections >= 7
