"""MNIST loading from the shipped files, checksum checks, damaged files and batching."""

import gzip
import shutil

import pytest
import torch

import helpers
from helpers import data as hdata
from helpers.utils import DATA_DIR_ENV


@pytest.fixture
def private_data(tmp_path, monkeypatch):
    """A private copy of data/mnist in a temporary data dir, so tests can damage it freely."""
    real = hdata.shipped_dir()
    (tmp_path / "mnist").mkdir()
    for gz in real.glob("*.gz"):
        shutil.copy(gz, tmp_path / "mnist" / gz.name)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    hdata._load_uint8.cache_clear()
    yield tmp_path
    hdata._load_uint8.cache_clear()


def _forbid_download(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the loader tried to download although the shipped files are present")

    monkeypatch.setattr(hdata, "_download", no_network)


def test_shapes_dtypes_and_range():
    images, labels = helpers.load_mnist("test")
    assert images.shape == (10_000, 1, 28, 28)
    assert images.dtype == torch.float32
    assert labels.shape == (10_000,) and labels.dtype == torch.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert set(labels.unique().tolist()) == set(range(10))
    train, train_labels = helpers.load_mnist("train")
    assert train.shape == (60_000, 1, 28, 28) and train_labels.shape == (60_000,)
    # known first labels of the original files
    assert train_labels[:5].tolist() == [5, 0, 4, 1, 9]
    assert labels[:5].tolist() == [7, 2, 1, 0, 4]


def test_callers_get_their_own_copy():
    a, la = helpers.load_mnist("test")
    a.zero_()
    la.zero_()
    b, lb = helpers.load_mnist("test")
    assert b.max() == 1.0 and lb.max() == 9


def test_unknown_split():
    with pytest.raises(ValueError, match="'train' or 'test'"):
        helpers.load_mnist("validation")


def test_decompresses_once_into_torchvision_layout(private_data, monkeypatch):
    _forbid_download(monkeypatch)
    images, _ = helpers.load_mnist("test")
    raw = private_data / "cache" / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(hdata.MNIST_MD5)
    stamps = {p.name: p.stat().st_mtime_ns for p in raw.iterdir()}
    hdata._load_uint8.cache_clear()
    helpers.load_mnist("test")
    assert {p.name: p.stat().st_mtime_ns for p in raw.iterdir()} == stamps  # not decompressed again


def test_truncated_decompressed_file_is_redone(private_data, monkeypatch):
    """A decompression killed midway leaves a short file: it must be detected and redone."""
    _forbid_download(monkeypatch)
    helpers.load_mnist("test")
    raw = private_data / "cache" / "MNIST" / "raw" / "t10k-images-idx3-ubyte"
    full = raw.read_bytes()
    raw.write_bytes(full[: len(full) // 3])
    hdata._load_uint8.cache_clear()
    images, _ = helpers.load_mnist("test")
    assert images.shape == (10_000, 1, 28, 28)
    assert raw.read_bytes() == full


def test_truncated_gzip_gives_one_clear_error(private_data, monkeypatch):
    _forbid_download(monkeypatch)
    gz = private_data / "mnist" / "t10k-labels-idx1-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:1000])
    with pytest.raises(hdata.MnistDataError) as info:
        helpers.load_mnist("test")
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and "git checkout" in message
    assert info.value.__cause__ is None  # no raw gzip traceback chained in
    # nothing half-written is left behind to be trusted next time
    raw = private_data / "cache" / "MNIST" / "raw"
    assert not (raw / "t10k-labels-idx1-ubyte").exists()
    assert not list(raw.glob(".*.tmp"))  # the atomic writer's temporary file is gone too


def test_not_a_gzip_file(private_data, monkeypatch):
    _forbid_download(monkeypatch)
    (private_data / "mnist" / "train-labels-idx1-ubyte.gz").write_bytes(b"this is not gzip data")
    with pytest.raises(hdata.MnistDataError, match="train-labels-idx1-ubyte.gz"):
        helpers.load_mnist("train")


def test_wrong_content_fails_the_checksum(private_data, monkeypatch):
    _forbid_download(monkeypatch)
    gz = private_data / "mnist" / "t10k-labels-idx1-ubyte.gz"
    original = gzip.decompress(gz.read_bytes())
    damaged = original[:-1] + bytes([(original[-1] + 1) % 10])  # one label changed
    gz.write_bytes(gzip.compress(damaged))
    with pytest.raises(hdata.MnistDataError, match="checksum"):
        helpers.load_mnist("test")


def test_missing_files_fall_back_to_download(private_data, monkeypatch):
    calls = []

    def fake_download(split, missing):
        calls.append(missing)
        raise hdata.MnistDataError(f"MNIST file(s) {', '.join(missing)} are missing (no network in tests)")

    monkeypatch.setattr(hdata, "_download", fake_download)
    (private_data / "mnist" / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(hdata.MnistDataError, match="t10k-images-idx3-ubyte"):
        helpers.load_mnist("test")
    assert calls == [["t10k-images-idx3-ubyte"]]


def test_download_failure_message_names_files_and_remedy(private_data, monkeypatch):
    import torchvision

    def offline(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline)
    for gz in (private_data / "mnist").glob("*.gz"):
        gz.unlink()
    with pytest.raises(hdata.MnistDataError) as info:
        helpers.load_mnist("train")
    assert "train-images-idx3-ubyte" in str(info.value) and "network unreachable" in str(info.value)
    assert "git checkout" in str(info.value)


def test_batches_cover_every_example_once():
    x = torch.arange(10).float().unsqueeze(1)
    y = torch.arange(10)
    seen = []
    for xb, yb in helpers.batches(x, y, batch_size=4, generator=torch.Generator().manual_seed(0)):
        assert torch.equal(xb[:, 0].long(), yb)  # the tensors stay aligned
        seen += yb.tolist()
    assert sorted(seen) == list(range(10))
    sizes = [len(b) for b in helpers.batches(x, batch_size=4)]
    assert sizes == [4, 4, 2]
    assert [len(b) for b in helpers.batches(x, batch_size=4, drop_last=True)] == [4, 4]


def test_batches_are_seeded_and_differ_between_epochs():
    x = torch.arange(100)
    g = torch.Generator().manual_seed(1)
    epoch1 = torch.cat(list(helpers.batches(x, batch_size=10, generator=g)))
    epoch2 = torch.cat(list(helpers.batches(x, batch_size=10, generator=g)))
    again = torch.cat(list(helpers.batches(x, batch_size=10, generator=torch.Generator().manual_seed(1))))
    assert torch.equal(epoch1, again)
    assert not torch.equal(epoch1, epoch2)
    assert torch.equal(torch.cat(list(helpers.batches(x, batch_size=7, shuffle=False))), x)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((), {}, "at least one tensor"),
        ((torch.zeros(3), torch.zeros(4)), {}, "same length"),
        ((torch.zeros(0),), {}, "empty"),
        ((torch.zeros(3),), {"batch_size": 0}, "positive int"),
        ((torch.zeros(3),), {"batch_size": 2.5}, "positive int"),
    ],
)
def test_batches_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        list(helpers.batches(*args, **kwargs))


def test_batches_rejects_non_tensors():
    with pytest.raises(TypeError, match="expects tensors"):
        list(helpers.batches([1, 2, 3]))


def test_a_batch_larger_than_the_data_is_an_error_not_an_empty_epoch():
    x = torch.zeros(10, 1, 28, 28)
    with pytest.raises(ValueError, match="batch_size=64 is larger than the 10 examples"):
        next(helpers.batches(x, batch_size=64, drop_last=True))
    assert len(list(helpers.batches(x, batch_size=64))) == 1  # without drop_last the one short batch is kept
