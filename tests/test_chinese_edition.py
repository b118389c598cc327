"""The Chinese edition (notebooks/zh/) cannot fall behind the English notebooks without a test saying where.

* every translation in i18n/zh/ matches the English cell it was made from (a changed cell is named);
* each committed Chinese notebook is what `python -m tools.translate build` makes from its sources today;
* its code is the English code: the same tokens, comments aside, and one setting (`LANGUAGE = "zh"`);
* figure text in Chinese draws with real glyphs from the font the course installs (a screenshot is saved);
* the figure-text table keeps every `{}` of its English keys.

The Chinese notebooks themselves run under nbval in quick mode with the English ones (testpaths: notebooks/).
"""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import translate

ROOT = Path(__file__).resolve().parent.parent
STEMS = translate.stems()
ARTIFACTS = ROOT / "tests" / "artifacts"


def english(stem):
    return json.loads((translate.ENGLISH / f"{stem}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", STEMS)
def test_every_translation_matches_its_english_cell(stem):
    stale = translate.problems(english(stem), translate.load(stem), stem)
    assert not stale, "re-translate these cells (`python -m tools.translate todo " + stem + "`):\n" + "\n".join(stale)


def test_a_changed_english_cell_is_named():
    stem = "01_autoencoder"
    changed = copy.deepcopy(english(stem))
    cell = next(c for c in changed["cells"] if c["cell_type"] == "markdown" and c["id"] in translate.load(stem)["cells"])
    cell["source"] = ["An edited sentence. "] + cell["source"]
    found = translate.problems(changed, translate.load(stem), stem)
    assert len(found) == 1 and cell["id"] in found[0] and "changed after it was translated" in found[0]
    code = next(c for c in changed["cells"] if c["cell_type"] == "code" and translate.comments("".join(c["source"])))
    code["source"] = ["# a new comment\n"] + code["source"]
    assert any(code["id"] in line for line in translate.problems(changed, translate.load(stem), stem))


# Most often the English notebook was edited and saved (a switch left on, an exercise typed into a cell): the
# Chinese twin is then right and the English notebook is what to put back. A maintainer changing the course
# rebuilds the twin instead.
CHANGED_ENGLISH = ("If you edited the English notebook (left USE_SHIPPED_WEIGHTS = True saved, say), undo that "
                   "edit; if you are changing the course, rebuild the Chinese edition with `python -m tools.translate "
                   "build` and run it again")


@pytest.mark.parametrize("stem", STEMS)
def test_the_chinese_notebook_is_built_from_its_sources(stem):
    committed = translate.CHINESE / f"{stem}.ipynb"
    assert committed.is_file(), f"notebooks/zh/{stem}.ipynb is missing: run `python -m tools.translate build`"
    built = translate.build_notebook(stem)
    have = translate.sources(json.loads(committed.read_text(encoding="utf-8")))
    want = translate.sources(built)
    differ = [cid for (cid, _, a), (_, _, b) in zip(have, want) if a != b]
    assert len(have) == len(want) and not differ, (
        f"notebooks/zh/{stem}.ipynb does not match notebooks/{stem}.ipynb (cells {differ[:5]}). {CHANGED_ENGLISH}")


@pytest.mark.parametrize("stem", STEMS)
def test_chinese_code_is_the_english_code(stem):
    chinese = json.loads((translate.CHINESE / f"{stem}.ipynb").read_text(encoding="utf-8"))
    pairs = [(e, c) for e, c in zip(english(stem)["cells"], chinese["cells"]) if e["cell_type"] == "code"]
    assert pairs and all(e["id"] == c["id"] for e, c in pairs)
    for e, c in pairs:
        en = "".join(e["source"]).replace(translate.SETTING_EN, translate.SETTING_ZH)
        assert translate.without_comments(en) == translate.without_comments("".join(c["source"])), (
            f"{stem} cell {e['id']}: the Chinese code differs from the English code. {CHANGED_ENGLISH}")


def test_the_language_setting_is_the_only_code_difference():
    for stem in STEMS:
        setting = [c for c in english(stem)["cells"] if translate.SETTING_EN in "".join(c["source"])]
        assert len(setting) == 1, f"{stem}: one cell sets LANGUAGE"


def test_the_figure_table_keeps_every_placeholder():
    table = json.loads((translate.TRANSLATIONS / "figures.json").read_text(encoding="utf-8"))
    assert len(table) > 50
    for key, value in table.items():
        assert value.strip() and key.count("{}") == value.count("{}"), key


def test_a_chinese_figure_shows_its_glyphs(tmp_path):
    """In a fresh process with an empty matplotlib cache (no font list from before), the Chinese title is drawn
    with the bundled CJK font and matplotlib reports no missing glyph (it would draw a box for each)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "zh_figure.png"
    script = f"""
import warnings, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
import helpers
from helpers import plot, i18n
helpers.setup("zh")
fig, ax = plt.subplots(figsize=(5, 2.4))
ax.plot([0, 1, 2], [2.0, 1.2, 1.0], label="training loss")
ax.set(title="which digits do the generators draw?", xlabel="step")
ax.legend()
fig.tight_layout()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    fig.savefig({str(shot)!r}, dpi=100)
missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
used = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
print(repr((ax.get_title(), missing, str(used), str(i18n.font_path()))))
"""
    env = {"MPLCONFIGDIR": str(tmp_path / "mpl"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    title, missing, used, bundled = eval(done.stdout.strip().splitlines()[-1])
    assert title != "which digits do the generators draw?" and any("\u4e00" <= ch <= "\u9fff" for ch in title)
    assert not missing, missing
    assert Path(used) == Path(bundled), f"drawn with {used}, not the course's CJK font"
    assert shot.stat().st_size > 5000


def test_the_chinese_teaching_guide_translates_the_current_english_one(tmp_path, monkeypatch):
    from tools import translate

    assert translate.stale_guides() == [], translate.stale_guides()
    english = tmp_path / "teaching.md"                     # a changed English guide makes the translation stale
    english.write_text((ROOT / "docs" / "teaching.md").read_text(encoding="utf-8") + "\nOne more line.\n")
    monkeypatch.setattr(translate, "GUIDES", {ROOT / "docs" / "teaching.zh.md": english})
    (problem,) = translate.stale_guides()
    assert "has changed since" in problem and "teaching.zh.md" in problem
