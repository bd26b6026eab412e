"""Pipes side by side: ProductPipe (``p1 * p2``) and BranchPipe (``branch``)."""

import numpy as np
import pytest

from skbridge.pipes import BranchPipe, DataPipe, GaussianScaler, MinMaxScaler, ProductPipe, branch

from ._functions import halve, power, shift


def test_product_pipe_acts_on_pairs(X):
    pair = DataPipe(power) * DataPipe(halve)
    assert isinstance(pair, ProductPipe)
    out = pair((X, X))
    np.testing.assert_allclose(out[0], power(X))
    np.testing.assert_allclose(out[1], X / 2)
    triple = pair * DataPipe(shift)
    assert len(triple.pipes) == 3
    with pytest.raises(ValueError, match="tuple of 2 inputs"):
        pair(X)
    fitted = (GaussianScaler() * MinMaxScaler()).fit((X, X))
    z, u = fitted.transform((X, X))
    assert abs(z.mean()) < 1e-12 and u.min() == 0.0


def test_branch_fans_out(X):
    both = branch(power, halve)
    assert isinstance(both, BranchPipe)
    a, b = both(X)
    np.testing.assert_allclose(a, power(X))
    np.testing.assert_allclose(b, X / 2)
    stacked = branch(power, halve, combine="hstack")(X)
    assert stacked.shape == (30, 8)
