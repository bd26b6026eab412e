"""Shared fixtures of the BNN tests: digits split, fitted binary MLP and conv net."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

pytest.importorskip("skbridge.estimators.bnn")  # sets TF_USE_LEGACY_KERAS before larq


@pytest.fixture(scope="package")
def digits():
    """Digits as ``(X_train, X_test, y_train, y_test)``, stratified and seeded."""
    X, y = load_digits(return_X_y=True)
    return train_test_split(X.astype(np.float32), y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="package")
def fitted_mlp(digits):
    from skbridge.estimators.bnn import BinaryNetClassifier

    X_train, _, y_train, _ = digits
    return BinaryNetClassifier(random_state=0).fit(X_train, y_train)


@pytest.fixture(scope="package")
def fitted_convnet(digits):
    from skbridge.estimators.bnn import BinaryNetClassifier

    X_train, _, y_train, _ = digits
    return BinaryNetClassifier(architecture="convnet", random_state=0).fit(
        X_train.reshape(-1, 8, 8), y_train)
