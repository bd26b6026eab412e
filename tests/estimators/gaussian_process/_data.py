"""A smooth 2-D regression task shared by the GP tests."""

import numpy as np


def make_task(n, d=2, noise=0.1, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-3, 3, size=(n, d))
    f = np.sin(X[:, 0]) * np.cos(X[:, 1] if d > 1 else X[:, 0])
    return X, f + noise * rng.normal(size=n), f
