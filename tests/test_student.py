"""`make student` (tools/student.py): student copies with no answers and no outputs, whose code still runs."""

import json
import re
from pathlib import Path

import pytest

from tools.run_notebook import run_notebook
from tools.student import ChangedCopies, main as student_main, write_student_copies

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


def answer_code(notebook: dict, number: int) -> str:
    """The runnable answer of an exercise: the python block in the answer cell (tagged ``answer``) that follows
    the question's cell (tagged ``exercise-N``)."""
    cells = notebook["cells"]
    question = next(i for i, c in enumerate(cells) if f"exercise-{number}" in c["metadata"].get("tags", []))
    answer = "".join(cells[question + 1]["source"])
    assert "answer" in cells[question + 1]["metadata"].get("tags", []), f"exercise {number}: no answer cell"
    return answer.split("```python\n", 1)[1].split("```", 1)[0]


def test_a_student_copy_runs_top_to_bottom_and_then_the_pasted_answers(copies, tmp_path):
    """With the answers gone, every code cell of notebook 1's copy still runs (quick mode); so do the answers of
    exercises 1 and 2, pasted at the end as a learner would."""
    original = json.loads((ROOT / "notebooks" / "01_autoencoder.ipynb").read_text())
    answers = "\n".join(answer_code(original, n) for n in (1, 2))
    run_notebook(copies / "01_autoencoder.ipynb", quick=True, out=tmp_path / "ran.ipynb", append=answers)
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


# -- a second run: the learner's work in student/ is never overwritten ------------------------------------------------

def edit(copy: Path, words: str) -> None:
    """What a learner does: write an answer into the copy and save it."""
    notebook = json.loads(copy.read_text(encoding="utf-8"))
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": [words]})
    copy.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_a_second_run_keeps_a_learners_edited_copies(tmp_path):
    out = tmp_path / "student"
    first = write_student_copies(out)
    assert len(first.written) == len(NOTEBOOKS) and not first.unchanged and first.backup is None
    edit(out / "01_autoencoder.ipynb", "My answer: the code space has two numbers.")
    edit(out / "zh" / "02_vae.ipynb", "我的答案")

    # without --force: nothing written, nothing moved, and the message names the copies and the ways on
    with pytest.raises(ChangedCopies) as refused:
        write_student_copies(out)
    message = str(refused.value)
    assert "01_autoencoder.ipynb" in message and str(Path("zh") / "02_vae.ipynb") in message
    assert "03_gan.ipynb" not in message
    assert "--out" in message and "--force" in message and "git" not in message
    assert "My answer" in (out / "01_autoencoder.ipynb").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["student"]

    # with --force: the edited copies are moved into a new folder beside student/, which the summary names
    again = write_student_copies(out, force=True)
    assert again.backup.parent == tmp_path and re.fullmatch(r"student\.bak-\d{8}-\d{6}", again.backup.name)
    assert again.kept == [again.backup / "01_autoencoder.ipynb", again.backup / "zh" / "02_vae.ipynb"]
    assert "My answer" in again.kept[0].read_text(encoding="utf-8")
    assert "我的答案" in again.kept[1].read_text(encoding="utf-8")
    assert again.written == [out / "01_autoencoder.ipynb", out / "zh" / "02_vae.ipynb"]
    assert len(again.unchanged) == len(NOTEBOOKS) - 2
    assert "My answer" not in (out / "01_autoencoder.ipynb").read_text(encoding="utf-8")  # a fresh copy
    assert again.backup.name in again.summary() and "\n" not in again.summary()


def test_a_second_run_over_identical_copies_leaves_them_and_makes_no_backup(tmp_path):
    out = tmp_path / "student"
    write_student_copies(out)
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*.ipynb")}
    again = write_student_copies(out)
    assert again.written == [] and len(again.unchanged) == len(NOTEBOOKS) and again.backup is None
    assert {path: path.stat().st_mtime_ns for path in out.rglob("*.ipynb")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["student"]


def test_the_command_says_what_it_did_in_one_line_and_refuses_without_a_traceback(tmp_path, capsys):
    out = tmp_path / "student"
    student_main(["--out", str(out)])
    assert len(capsys.readouterr().out.splitlines()) == 1
    edit(out / "01_autoencoder.ipynb", "My answer.")
    with pytest.raises(SystemExit) as refused:
        student_main(["--out", str(out)])
    assert isinstance(refused.value.code, str) and "01_autoencoder.ipynb" in refused.value.code  # exit status 1
    student_main(["--out", str(out), "--force"])
    (line,) = capsys.readouterr().out.splitlines()
    assert "1 student notebooks written" in line and "student.bak-" in line
