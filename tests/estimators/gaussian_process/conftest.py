import pytest

from ._data import make_task


@pytest.fixture(scope="module")
def small():
    X, y, _ = make_task(120)
    X_test, y_test, _ = make_task(60, seed=1)
    return X, y, X_test
