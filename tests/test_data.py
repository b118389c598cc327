"""MNIST loading from the shipped files, checksum checks, damaged files and batching."""

import gzip
import shutil
from pathlib import Path

import pytest
import torch

import helpers
from helpers import data as hdata
from helpers.env import DATA_DIR_ENV

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def private_data(tmp_path, monkeypatch):
    """A private copy of data/mnist in a temporary data dir, so tests can damage it freely."""
    (tmp_path / "mnist").mkdir()
    for gz in (ROOT / "data" / "mnist").glob("*.gz"):
        shutil.copy(gz, tmp_path / "mnist" / gz.name)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    hdata._load.cache_clear()
    yield tmp_path
    hdata._load.cache_clear()


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


def test_loading_writes_nothing(private_data):
    """The files are read and checked in memory: no cache or decompressed copy is written beside them."""
    before = sorted(p.relative_to(private_data) for p in private_data.rglob("*"))
    images, labels = helpers.load_mnist("test")
    assert labels[:5].tolist() == [7, 2, 1, 0, 4] and images.max() == 1.0
    assert sorted(p.relative_to(private_data) for p in private_data.rglob("*")) == before


def test_truncated_gzip_gives_one_clear_error(private_data):
    gz = private_data / "mnist" / "t10k-labels-idx1-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:1000])
    with pytest.raises(hdata.MnistDataError) as info:
        helpers.load_mnist("test")
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and "git checkout" in message
    assert info.value.__cause__ is None  # no raw gzip traceback chained in


def test_not_a_gzip_file(private_data):
    (private_data / "mnist" / "train-labels-idx1-ubyte.gz").write_bytes(b"this is not gzip data")
    with pytest.raises(hdata.MnistDataError, match="train-labels-idx1-ubyte.gz"):
        helpers.load_mnist("train")


def test_wrong_content_fails_the_checksum(private_data):
    gz = private_data / "mnist" / "t10k-labels-idx1-ubyte.gz"
    original = gzip.decompress(gz.read_bytes())
    damaged = original[:-1] + bytes([(original[-1] + 1) % 10])  # one label changed
    gz.write_bytes(gzip.compress(damaged))
    with pytest.raises(hdata.MnistDataError, match="checksum"):
        helpers.load_mnist("test")


def test_missing_file_names_itself_and_the_remedy(private_data):
    (private_data / "mnist" / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(hdata.MnistDataError, match="t10k-images-idx3-ubyte.gz is missing.*git checkout"):
        helpers.load_mnist("test")


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
        ((torch.zeros(3), torch.zeros(4)), {}, "same length"),
        ((torch.zeros(0),), {}, "not one batch"),
        ((torch.zeros(3),), {"batch_size": 0}, "positive int"),
        ((torch.zeros(3),), {"batch_size": 2.5}, "positive int"),
    ],
)
def test_batches_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        list(helpers.batches(*args, **kwargs))


def test_batches_rejects_non_tensors():
    for args in ((), ([1, 2, 3],)):
        with pytest.raises(TypeError, match="one or more tensors"):
            helpers.batches(*args)


def test_one_batches_object_serves_every_epoch_in_a_new_order():
    x = torch.arange(20)
    loader = helpers.batches(x, batch_size=8, generator=torch.Generator().manual_seed(0))
    assert len(loader) == 3
    epochs = [torch.cat(list(loader)) for _ in range(3)]
    for epoch in epochs:
        assert sorted(epoch.tolist()) == list(range(20))  # the second and third pass are not empty
    assert not torch.equal(epochs[0], epochs[1])


def test_a_batch_larger_than_the_data_is_an_error_not_an_empty_epoch():
    x = torch.zeros(10, 1, 28, 28)
    with pytest.raises(ValueError, match="batch_size=64 with 10 examples and drop_last=True gives not one batch"):
        helpers.batches(x, batch_size=64, drop_last=True)
    assert len(list(helpers.batches(x, batch_size=64))) == 1  # without drop_last the one short batch is kept
