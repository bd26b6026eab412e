import numpy as np
import pytest


@pytest.fixture
def X():
    return np.random.RandomState(0).normal(size=(30, 4))
