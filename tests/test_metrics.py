"""Tests of the sample-quality metric: its classifier, its scores, its table and its records."""

import json

import pytest
import torch

import helpers
from helpers import metrics
from helpers import env
from helpers.checkpoints import read_metadata


@pytest.fixture(scope="module")
def test_set():
    return helpers.load_mnist("test")


def test_classifier_weights_load_and_classify_well(test_set):
    images, labels = test_set
    pred = metrics.classify(images[:3000])
    assert pred.dtype == torch.int64 and pred.shape == (3000,)
    assert (pred == labels[:3000]).float().mean().item() > 0.98
    recorded = float(read_metadata(helpers.weights_path(metrics.CLASSIFIER_NAME))["test_accuracy"])
    assert recorded >= 0.99


def test_real_data_scores_far_better_than_blurred():
    refs = metrics.reference_scores(metrics.DEFAULT_SAMPLES)
    real, blurred = refs[metrics.REAL_ROW], refs[metrics.BLURRED_ROW]
    assert real["samples"] == blurred["samples"] == 10_000
    assert real["fd"] * 10 < blurred["fd"]
    assert real["confidence"] > blurred["confidence"]
    assert real["coverage_tv"] < 0.1


def test_the_test_set_is_at_distance_zero_from_itself(test_set):
    assert metrics.score(test_set[0])["fd"] < 1e-2
    # other real digits are not at zero, yet well below the blurred reference
    other = metrics.score(helpers.load_mnist("train")[0][:10_000])["fd"]
    assert 0.1 < other < metrics.reference_scores(metrics.DEFAULT_SAMPLES)[metrics.BLURRED_ROW]["fd"]


def test_noise_is_far_from_digits():
    noise = torch.rand(2000, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert metrics.score(noise)["fd"] > 10 * metrics.reference_scores(metrics.DEFAULT_SAMPLES)[metrics.BLURRED_ROW]["fd"]


def test_digit_counts_put_real_digits_under_their_digit_and_junk_under_no_digit(test_set):
    images, labels = test_set
    counts = metrics.digit_counts(images[:2000])
    assert counts.shape == (11,) and counts.sum() == 2000
    assert counts[metrics.NO_DIGIT] <= 40                             # about 1 in 100 real digits, by construction
    assert (counts[:10] - torch.bincount(labels[:2000], minlength=10)).abs().max() <= 30
    noise = torch.rand(200, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert metrics.digit_counts(noise)[metrics.NO_DIGIT] == 200     # the classifier alone files noise under digits
    stripes = torch.zeros(100, 1, 28, 28)
    stripes[..., ::3] = 1.0                                           # a texture, like a generator that lost
    assert metrics.digit_counts(stripes)[metrics.NO_DIGIT] == 100


def test_small_sets_are_flagged_beside_the_10000_image_rows(test_set):
    small = metrics.table({"fifty": metrics.score(test_set[0][:50])})
    assert "WARNING" in str(small) and "50*" in str(small) and "WARNING" in small._repr_html_()
    full = metrics.table({"all": metrics.score(test_set[0])})
    assert "WARNING" not in str(full) and "*" not in str(full)


def test_a_single_digit_set_is_far_from_uniform(test_set):
    images, labels = test_set
    threes = images[labels == 3][:500]
    s = metrics.score(threes)
    assert s["coverage_tv"] > 0.8
    assert max(range(10), key=lambda d: s["histogram"][d]) == 3
    assert sum(s["histogram"]) == 500
    everything = metrics.score(images[:2000])
    assert everything["coverage_tv"] < 0.1


def test_evaluate_shows_model_and_reference_rows(test_set, capsys):
    images = test_set[0]
    scores = metrics.evaluate(lambda n: images[:n], name="first test images", n=500)
    out = capsys.readouterr().out
    assert "first test images" in out and metrics.REAL_ROW in out and metrics.BLURRED_ROW in out
    assert set(scores) >= {"name", "samples", "fd", "coverage_tv", "confidence", "histogram"}
    assert scores["samples"] == 500 and len(scores["histogram"]) == 10
    html = metrics.table({"m": scores})._repr_html_()
    assert "<table>" in html and metrics.REAL_ROW in html and metrics.BLURRED_ROW in html


def test_compare_scores_every_model(test_set, capsys):
    images = test_set[0]
    results = metrics.compare({"a": images[:300], "b": lambda n: images[300:300 + n]}, n=200)
    assert list(results) == ["a", "b"]
    assert results["a"]["samples"] == 300 and results["b"]["samples"] == 200
    out = capsys.readouterr().out
    assert metrics.REAL_ROW in out


@pytest.mark.parametrize("bad, message", [
    (torch.rand(10, 3, 28, 28), "expected shape"),
    (torch.rand(10, 784), "expected shape"),
    ((torch.rand(10, 1, 28, 28) * 255).to(torch.uint8), "uint8"),
    (torch.full((10, 1, 28, 28), float("nan")), "NaN"),
    (torch.rand(10, 1, 28, 28) * 2 - 1, "(x + 1) / 2"),
    (torch.rand(1, 1, 28, 28), "at least 2"),
    (torch.randint(0, 2, (10, 1, 28, 28)), "float"),
])
def test_bad_images_are_refused_with_a_clear_message(bad, message):
    with pytest.raises(ValueError) as err:
        metrics.score(bad)
    assert message in str(err.value)


def test_bad_arguments_are_refused(test_set):
    images = test_set[0]
    with pytest.raises(TypeError, match="torch.Tensor"):
        metrics.classify(images[:5].numpy())
    with pytest.raises(ValueError, match="expected 50 images, got 20"):
        metrics.evaluate(lambda n: images[:20], name="short", n=50)
    with pytest.raises(ValueError, match="int >= 2"):
        metrics.evaluate(lambda n: images[:n], name="one", n=1)


def test_generators_that_fail_or_return_the_wrong_thing_are_named(test_set):
    with pytest.raises(TypeError, match="VAE's encode returns \\(mean, logvar\\)"):
        metrics.evaluate(lambda n: (torch.zeros(n, 16), torch.zeros(n, 16)), name="vae", n=10)
    with pytest.raises(RuntimeError, match="generate\\(10\\) for 'vae' failed: RuntimeError: mat1 and mat2"):
        metrics.evaluate(lambda n: torch.nn.Linear(16, 784)(torch.zeros(n, 2)), name="vae", n=10)


def test_missing_classifier_weights_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setattr(metrics, "weights_path", lambda name: tmp_path / "absent.safetensors")
    metrics.load_classifier.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="git checkout.*tools.train_classifier"):
            metrics.classify(torch.rand(4, 1, 28, 28))
    finally:
        monkeypatch.undo()
        metrics.load_classifier.cache_clear()


def test_scores_are_recorded_merged_and_atomic(tmp_path, monkeypatch, test_set, capsys):
    path = tmp_path / "scores.json"
    monkeypatch.setattr(metrics, "scores_path", lambda: path)
    path.write_text(json.dumps({"older": {"fd": 1.0}}))
    images = test_set[0]

    monkeypatch.delenv(env.WRITE_WEIGHTS_ENV, raising=False)
    metrics.evaluate(images[:100], name="not recorded")
    assert "not recorded" not in json.loads(path.read_text())

    monkeypatch.setenv(env.WRITE_WEIGHTS_ENV, "1")
    metrics.evaluate(images[:100], name="quick run")      # the test suite runs in quick mode
    assert "quick run" not in json.loads(path.read_text()), "a quick run must never replace a full run's scores"

    monkeypatch.setenv(env.QUICK_ENV, "0")                 # as in `make weights`: a full run
    first = metrics.evaluate(images[:100], name="m1")
    metrics.evaluate(images[100:300], name="m2")
    saved = json.loads(path.read_text())
    assert set(saved) == {"older", "m1", "m2", metrics.REAL_ROW, metrics.BLURRED_ROW}
    assert saved["m1"]["fd"] == pytest.approx(first["fd"])
    assert saved["m2"]["samples"] == 200

    # a crash while writing leaves the previous file whole and no temporary file behind
    def broken_dump(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(metrics.json, "dumps", broken_dump)
    with pytest.raises(OSError, match="disk full"):
        metrics.record_scores("m3", {"fd": 3.0})
    monkeypatch.undo()
    assert json.loads(path.read_text()) == saved
    assert [p.name for p in tmp_path.iterdir()] == ["scores.json"]


def test_damaged_scores_file_is_reported(tmp_path, monkeypatch):
    path = tmp_path / "scores.json"
    path.write_text("{not json")
    monkeypatch.setattr(metrics, "scores_path", lambda: path)
    with pytest.raises(ValueError, match="git checkout"):
        metrics.record_scores("m", {"fd": 1.0})


def test_recorded_scores_are_shown_without_scoring_and_say_so(tmp_path, monkeypatch, capsys):
    path = tmp_path / "scores.json"
    monkeypatch.setattr(metrics, "scores_path", lambda: path)
    rows = {name: {"samples": 10_000, "fd": fd, "coverage_tv": 0.05, "confidence": 0.9, "histogram": [1000] * 10}
            for name, fd in [("m", 12.34), ("n", 56.78), (metrics.REAL_ROW, 0.9), (metrics.BLURRED_ROW, 95.0)]}
    path.write_text(json.dumps(rows))

    def no_scoring(images):
        raise AssertionError("recorded=True must not score")

    monkeypatch.setattr(metrics, "score", no_scoring)
    got = metrics.evaluate(lambda n: 1 / 0, name="m", recorded=True)
    assert got["fd"] == 12.34 and got["name"] == "m"
    out = capsys.readouterr().out
    assert "12.34" in out and "95.00" in out and "recorded by the full run" in out
    both = metrics.compare({"m": None, "n": None}, recorded=True)
    assert [both[k]["fd"] for k in ("m", "n")] == [12.34, 56.78]
    assert "recorded by the full run" in capsys.readouterr().out

    # a name that was never recorded: scored afresh, and the output says why
    monkeypatch.undo()
    monkeypatch.setattr(metrics, "scores_path", lambda: path)
    images = helpers.load_mnist("test")[0]
    fresh = metrics.evaluate(images[:200], name="never recorded", recorded=True)
    assert fresh["samples"] == 200
    out = capsys.readouterr().out
    assert "no recorded scores for ['never recorded']" in out and "recorded by the full run" not in out


def test_shipped_reference_rows_match_a_fresh_computation():
    # the recorded rows must come from the shipped classifier: retraining it without a full run fails here
    saved = metrics.recorded_scores()
    fresh = metrics.reference_scores(metrics.DEFAULT_SAMPLES)
    for name in (metrics.REAL_ROW, metrics.BLURRED_ROW):
        assert saved[name]["histogram"] == fresh[name]["histogram"]
        assert saved[name]["fd"] == pytest.approx(fresh[name]["fd"], rel=1e-3)
