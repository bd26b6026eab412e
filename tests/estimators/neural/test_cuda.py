"""The torch backend on a CUDA GPU: training, checkpoints and pickles across devices.

Skipped on machines without a GPU (CI has none); run on a GPU machine with
``python -m pytest tests/estimators/neural/test_cuda.py``.
"""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

from skbridge.estimators.neural import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

PARAMS = {"module_params": {"hidden_units": (64,)}, "epochs": 20, "batch_size": 64,
          "learning_rate": 1e-2, "random_state": 0, "backend": "torch"}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split((X / 16.0).astype(np.float32), y, random_state=0, stratify=y)


def test_gpu_classifier_matches_cpu_quality(digits):
    X_train, X_test, y_train, y_test = digits
    cpu = NeuralNetClassifier(device="cpu", **PARAMS).fit(X_train, y_train)
    gpu = NeuralNetClassifier(device="cuda", **PARAMS).fit(X_train, y_train)
    assert next(gpu.module_.parameters()).device.type == "cuda"
    assert gpu.score(X_test, y_test) >= 0.95
    assert abs(gpu.score(X_test, y_test) - cpu.score(X_test, y_test)) < 0.03
    proba = gpu.predict_proba(X_test)
    assert isinstance(proba, np.ndarray)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_gpu_regressor_and_auto_device(digits):
    X_train, X_test, y_train, _ = digits
    reg = NeuralNetRegressor(device="auto", **PARAMS).fit(X_train, y_train.astype(np.float32))
    assert next(reg.module_.parameters()).device.type == "cuda"
    assert np.isfinite(reg.predict(X_test)).all()


def test_gpu_pickle_loads_and_predicts_the_same(digits):
    X_train, X_test, y_train, _ = digits
    net = NeuralNetClassifier(device="cuda", **{**PARAMS, "epochs": 3}).fit(X_train, y_train)
    again = pickle.loads(pickle.dumps(net))
    np.testing.assert_allclose(again.predict_proba(X_test), net.predict_proba(X_test),
                               rtol=1e-5, atol=1e-6)


def test_gpu_warm_start_continues(digits):
    X_train, _, y_train, _ = digits
    net = NeuralNetClassifier(device="cuda", warm_start=True, **{**PARAMS, "epochs": 2})
    net.fit(X_train, y_train)
    first = len(net.history_)
    net.fit(X_train, y_train)
    assert len(net.history_) == 2 * first


def test_gpu_segmenter_and_detector():
    from skbridge.datasets import make_shapes
    from skbridge.estimators.neural import NeuralNetDetector, NeuralNetSegmenter

    X, masks = make_shapes(64, 32, task="segmentation", return_X_y=True, random_state=0)
    seg = NeuralNetSegmenter(module_params={"width": 8}, epochs=2, device="cuda",
                             random_state=0).fit(X, masks)
    assert next(seg.module_.parameters()).device.type == "cuda"
    assert seg.predict(X[:4]).shape == (4, 32, 32)
    again = pickle.loads(pickle.dumps(seg))
    np.testing.assert_allclose(again.predict_proba(X[:4]), seg.predict_proba(X[:4]),
                               rtol=1e-4, atol=1e-5)
    X, boxes = make_shapes(64, 32, task="detection", return_X_y=True, random_state=0)
    det = NeuralNetDetector(module_params={"width": 8}, epochs=2, device="cuda",
                            score_threshold=0.05, random_state=0).fit(X, boxes)
    predictions = det.predict(X[:4])  # NMS in torch on the GPU
    assert len(predictions) == 4 and 0.0 <= det.score(X, boxes) <= 1.0
