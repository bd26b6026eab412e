"""Quality and predict methods of NeuralNetClassifier / NeuralNetRegressor (torch backend)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits, make_friedman1
from sklearn.model_selection import train_test_split

from skbridge.estimators.neural import NeuralNetClassifier, NeuralNetRegressor

pytest.importorskip("torch")

# The digits configuration of the docs page and examples/lenet5_digits.py.
LENET_DIGITS = {"module": "lenet5", "module_params": {"channels": (16, 32)}, "epochs": 20,
                "batch_size": 32, "learning_rate": 5e-3, "lr_schedule": "cosine",
                "random_state": 0}


def test_lenet5_on_digits_reaches_97_percent():
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 8, 8) / 16.0
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y,
                                                        random_state=0)
    net = NeuralNetClassifier(**LENET_DIGITS).fit(X_train, y_train)
    assert net.input_shape_ == (8, 8, 1) and net.n_features_in_ == 64
    assert net.score(X_test, y_test) >= 0.97


def test_regression_r2_above_0_9_on_friedman1():
    X, y = make_friedman1(n_samples=2000, noise=0.5, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    mean, std = y_train.mean(), y_train.std()
    net = NeuralNetRegressor(module_params={"hidden_units": (64, 64)}, epochs=30, batch_size=32,
                             learning_rate=3e-3, lr_schedule="cosine", random_state=0)
    net.fit(X_train, (y_train - mean) / std)
    assert net.score(X_test, (y_test - mean) / std) >= 0.9
    assert net.predict(X_test).dtype == np.float64


def test_string_labels_probabilities_and_frames():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    y = np.where(X["a"] > 0, "pos", "neg")
    net = NeuralNetClassifier(epochs=20, batch_size=16, learning_rate=1e-2, random_state=0)
    net.fit(X, y)
    assert list(net.classes_) == ["neg", "pos"]
    assert list(net.feature_names_in_) == ["a", "b", "c"]
    proba = net.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(net.predict_log_proba(X)), proba, rtol=1e-6)
    assert set(net.predict(X)) <= {"neg", "pos"} and net.score(X, y) > 0.9


def test_multioutput_regression_and_channels_last_images():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 6, 6, 3)).astype(np.float32)
    y = np.stack([X[..., 0].mean(axis=(1, 2)), X[..., 2].mean(axis=(1, 2))], axis=1)
    net = NeuralNetRegressor(module="vgg_small", module_params={"channels": (8,)},
                             epochs=2, batch_size=32, random_state=0).fit(X, y)
    assert net.input_shape_ == (6, 6, 3) and net.n_outputs_ == 2
    assert net.predict(X).shape == (200, 2)


@pytest.mark.parametrize("module", ["vgg_small", "resnet_small"])
def test_conv_modules_train_on_28x28(module):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 28, 28)).astype(np.float32)
    y = rng.randint(0, 3, size=40)
    net = NeuralNetClassifier(module=module, module_params={"channels": (4, 8)}, epochs=1,
                              batch_size=16, random_state=0).fit(X, y)
    assert net.predict_proba(X).shape == (40, 3)
