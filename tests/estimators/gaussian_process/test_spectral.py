"""The sparse-spectrum likelihood: features, spectra and analytic gradients."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from skbridge.estimators.gaussian_process._spectral import (
    SpectralFeatures,
    nll_and_grad,
    profile_nll,
    spectrum,
)
from skbridge.transformers import FastfoodSampler, RandomFourierSampler

from ._data import make_task


@pytest.fixture(scope="module")
def task():
    X, y, _ = make_task(200, d=3)
    return X, (y - y.mean()) / y.std()


@pytest.mark.parametrize("Sampler", [FastfoodSampler, RandomFourierSampler])
@pytest.mark.parametrize("n_components", [64, 65])
def test_features_are_the_feature_maps_at_any_length_scale(task, Sampler, n_components):
    X, _ = task
    unit = Sampler(n_components=n_components, gamma=0.5, random_state=0).fit(X)
    features = SpectralFeatures.from_map(unit, X)
    for length_scale in (0.5, 2.0):
        scaled = Sampler(
            n_components=n_components, gamma=0.5 / length_scale**2, random_state=0
        ).fit(X)
        # cosines and sines in float32
        np.testing.assert_allclose(features(length_scale), scaled.transform(X), atol=1e-6)
    # huge angles (unscaled inputs) are reduced in float64 first
    big = SpectralFeatures.from_map(unit, X * 1e4)
    np.testing.assert_allclose(big(1.0), unit.transform(X * 1e4), atol=1e-5)


@pytest.mark.parametrize("n_components", [64, 65])
def test_analytic_gradients(task, n_components):
    X, y = task
    unit = FastfoodSampler(n_components=n_components, gamma=0.5, random_state=0).fit(X)
    features = SpectralFeatures.from_map(unit, X)
    theta = np.log([0.8, 1.3, 0.05])
    value, grad = nll_and_grad(features, y, theta)
    assert value == pytest.approx(nll_and_grad(features, y, theta, eval_gradient=False))
    # the features are float32-rounded: finite differences need a wide step
    numeric = approx_fprime(theta, lambda t: nll_and_grad(features, y, t, False), 1e-4)
    np.testing.assert_allclose(grad, numeric, rtol=2e-3, atol=1e-2)
    # noise profiled out: (log l, log r), exact inside and at the bounds
    x = np.array([theta[0], theta[2] - theta[1]])
    for noise_bounds in [(np.log(1e-8), np.log(1e2)), (np.log(0.5), np.log(1e2))]:
        value, grad = nll_and_grad(features, y, x, noise_bounds=noise_bounds)
        numeric = approx_fprime(
            x, lambda t: nll_and_grad(features, y, t, False, noise_bounds=noise_bounds), 1e-4
        )
        np.testing.assert_allclose(grad[:2], numeric, rtol=2e-3, atol=1e-2)
    log_sn2 = nll_and_grad(features, y, x, noise_bounds=(-20.0, 5.0))[1][2]
    at_best = nll_and_grad(features, y, [theta[0], log_sn2 - (theta[2] - theta[1]), log_sn2])
    # moving both variances together (the ratio fixed) gains nothing there
    assert at_best[1][1] + at_best[1][2] == pytest.approx(0.0, abs=1e-6)


def test_spectrum_primal_dual_and_cholesky_agree(task):
    X, y = task
    unit = FastfoodSampler(n_components=64, gamma=0.5, random_state=0).fit(X)
    features = SpectralFeatures.from_map(unit, X)
    theta = np.log([0.8, 1.3, 0.05])
    for rows in (None, np.arange(40)):  # 200 > D: Z^T Z; 40 < D: Z Z^T
        f = features if rows is None else features.subset(rows)
        y_rows = y if rows is None else y[rows]
        s, c = spectrum(f, 0.8, y_rows)
        expected = nll_and_grad(f, y_rows, theta, eval_gradient=False)
        assert profile_nll(theta[1], theta[2], s, c, y_rows @ y_rows, len(y_rows)) == (
            pytest.approx(expected, rel=1e-6)
        )
    # float32 products, and the float64 retry where a tiny ratio leaves A indefinite
    assert nll_and_grad(features, y, theta, False, np.float32) == pytest.approx(
        nll_and_grad(features, y, theta, False), rel=1e-4
    )
    tiny = np.log([0.8, 1.0, 1e-9])
    assert np.isfinite(nll_and_grad(features, y, tiny, False, np.float32))
