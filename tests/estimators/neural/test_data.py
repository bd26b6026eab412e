"""Input handling: batches, streaming datasets, shapes."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skbridge.estimators.neural import NeuralNetClassifier
from skbridge.estimators.neural._data import DatasetView, batch_slices, iter_batches

torch = pytest.importorskip("torch")


class FakeImageDataset:
    """What skbridge.datasets.load_image_folder(..., lazy=True) returns, in memory."""

    def __init__(self, images, targets):
        self._images = images
        self.targets = targets
        self.image_shape = images.shape[1:]
        self.largest_load = 0

    def __len__(self):
        return len(self._images)

    def load(self, indices):
        self.largest_load = max(self.largest_load, len(indices))
        return self._images[indices], None if self.targets is None else self.targets[indices]


def test_batch_slices_never_leave_a_batch_of_one():
    assert batch_slices(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert batch_slices(9, 4) == [(0, 4), (4, 9)]
    assert batch_slices(1, 4) == [(0, 1)]


def test_iter_batches_over_arrays_and_views():
    X = np.arange(10, dtype=np.float32).reshape(5, 2)
    y = np.arange(5)
    rng = np.random.default_rng(0)
    seen = np.concatenate([yb for _, yb in iter_batches(X, y, 2, shuffle=True, rng=rng)])
    assert sorted(seen) == list(range(5))
    data = FakeImageDataset(np.zeros((6, 4, 4), dtype=np.float32), np.arange(6))
    view = DatasetView(data, np.arange(6), (4, 4, 1)).subset([1, 3, 5])
    batches = list(iter_batches(view, np.array([1, 3, 5]), 2))
    assert [b.shape for b, _ in batches] == [(3, 4, 4, 1)]  # 2 + 1 merged


def test_streaming_dataset_trains_as_the_arrays_do():
    X, y = load_digits(return_X_y=True)
    images = (X.reshape(-1, 8, 8) / 16.0).astype(np.float32)
    params = {"module": "lenet5", "epochs": 2, "batch_size": 64, "validation_fraction": 0.2,
              "random_state": 0}
    stream = FakeImageDataset(images, y)
    streamed = NeuralNetClassifier(**params).fit(stream)
    arrays = NeuralNetClassifier(**params).fit(images, y)
    assert stream.largest_load <= 64 + 1  # never loaded whole
    np.testing.assert_allclose(streamed.predict_proba(stream), arrays.predict_proba(images),
                               rtol=1e-5, atol=1e-6)
    assert streamed.history_[-1]["loss"] == pytest.approx(arrays.history_[-1]["loss"], rel=1e-5)


def test_streaming_dataset_errors():
    images = np.zeros((10, 8, 8), dtype=np.float32)
    with pytest.raises(ValueError, match="has no labels"):
        NeuralNetClassifier(epochs=1).fit(FakeImageDataset(images, None))
    net = NeuralNetClassifier(epochs=1).fit(FakeImageDataset(images, np.arange(10) % 2))
    other = FakeImageDataset(np.zeros((4, 6, 6), dtype=np.float32), None)
    with pytest.raises(ValueError, match="same image_size and color_mode"):
        net.predict(other)


def test_requires_y_for_arrays():
    with pytest.raises(ValueError, match="requires y to be passed"):
        NeuralNetClassifier().fit(np.zeros((4, 2)))


def test_cross_validate_on_a_lazy_image_folder(tmp_path, monkeypatch):
    # scikit-learn indexes the dataset (it has a shape) into subsets: nothing is decoded
    # up front, and training and scoring decode one batch at a time.
    from PIL import Image
    from sklearn.model_selection import cross_validate

    from skbridge.datasets import ImageDataset, load_image_folder

    X, y = load_digits(return_X_y=True)
    for digit in (0, 1):
        (tmp_path / str(digit)).mkdir()
        for i, pixels in enumerate(X[y == digit][:20]):
            image = (pixels.reshape(8, 8) * 15).astype(np.uint8)
            Image.fromarray(image).save(tmp_path / str(digit) / f"{i:02d}.png")
    ds = load_image_folder(tmp_path, color_mode="grayscale", lazy=True)
    loads = []
    real_load = ImageDataset.load

    def load(self, indices=None):
        loads.append(len(self) if indices is None else len(np.atleast_1d(indices)))
        return real_load(self, indices)

    monkeypatch.setattr(ImageDataset, "load", load)
    net = NeuralNetClassifier(module="lenet5", epochs=3, batch_size=8, learning_rate=1e-2,
                              random_state=0)
    scores = cross_validate(net, ds, ds.targets, cv=2)
    assert scores["test_score"].shape == (2,) and scores["test_score"].min() > 0.7
    assert loads and max(loads) <= 8 + 1  # a last batch of one joins the one before


def test_evaluation_batches_of_arrays_and_streams():
    from skbridge.estimators.neural._data import (
        PREDICT_BATCH,
        eval_batch_size,
        iter_eval_batches,
    )

    X = np.zeros((3000, 2), dtype=np.float32)
    assert eval_batch_size(X, 32) == PREDICT_BATCH and eval_batch_size(X, 4096) == 4096
    assert [len(b) for b, _ in iter_eval_batches(X, None, 32)] == [1024, 1024, 952]
    images = np.zeros((100, 64, 64, 3), dtype=np.float32)  # 12,288 values each
    assert eval_batch_size(images, 4) == 10 and eval_batch_size(images, 32) == 32
    data = FakeImageDataset(np.zeros((50, 4, 4), dtype=np.float32), np.arange(50))
    view = DatasetView(data, np.arange(50), (4, 4, 1))
    assert eval_batch_size(view, 16) == 16  # a stream: one training batch at a time
    assert [len(b) for b, _ in iter_eval_batches(view, None, 16)] == [16, 16, 16, 2]
