"""GaussianScaler and MinMaxScaler."""

import numpy as np
import pytest

from skbridge.pipes import GaussianScaler


def test_scalers_handle_constant_columns_and_nan():
    X = np.array([[1.0, 5.0], [3.0, 5.0], [np.nan, 5.0]])
    Z = GaussianScaler().fit_transform(X)
    np.testing.assert_allclose(Z[:2, 0], [-1.0, 1.0])
    assert np.isnan(Z[2, 0]) and np.all(Z[:, 1] == 0.0)
    with pytest.raises(ValueError, match="features"):
        GaussianScaler().fit(X).transform(np.ones((2, 3)))
