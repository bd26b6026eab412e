"""Shared fit/predict of the exact processes: likelihood gradient, optimiser, errors."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from sklearn.gaussian_process.kernels import RBF

from skbridge.estimators.gaussian_process import (
    GPRegressor,
    SparseSpectrumGPRegressor,
    StudentTProcessRegressor,
)


@pytest.mark.parametrize("model", [GPRegressor, StudentTProcessRegressor])
def test_likelihood_gradient_is_exact(small, model):
    X, y, _ = small
    gp = model(kernel="constant * rbf + white", optimizer=None).fit(X[:50], y[:50])
    theta = gp.kernel_.theta + 0.3
    value, grad = gp.log_marginal_likelihood(theta, eval_gradient=True)
    assert value == pytest.approx(gp.log_marginal_likelihood(theta))
    numeric = approx_fprime(theta, gp.log_marginal_likelihood, 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4)


def test_restarts_and_custom_optimizer(small):
    X, y, _ = small
    calls = []

    def optimizer(obj_func, initial_theta, bounds):
        calls.append(initial_theta)
        return initial_theta, obj_func(initial_theta)[0]

    GPRegressor(kernel="rbf + white", optimizer=optimizer).fit(X, y)
    assert len(calls) == 1
    gp = GPRegressor(kernel="constant * rbf + white", n_restarts_optimizer=2, random_state=0)
    single = GPRegressor(kernel="constant * rbf + white").fit(X, y)
    restarted = gp.fit(X, y).log_marginal_likelihood_value_
    assert restarted >= single.log_marginal_likelihood_value_ - 1e-6


def test_not_positive_definite_is_explained():
    X = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="not positive definite.*increase alpha"):
        GPRegressor(kernel="linear", optimizer=None, alpha=0.0).fit(X, X[:, 0])
    X_dup = np.vstack([X, X])
    with pytest.raises(ValueError, match="not positive definite"):
        GPRegressor(kernel="rbf", optimizer=None, alpha=0.0).fit(X_dup, X_dup[:, 0])
    # with a noise term the same data fit
    GPRegressor(kernel="rbf + white").fit(X_dup, X_dup[:, 0])


def test_nan_and_shape_errors(small):
    X, y, _ = small
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    for model in (GPRegressor(), SparseSpectrumGPRegressor(n_components=16)):
        with pytest.raises(ValueError, match="NaN"):
            model.fit(X_nan, y)
        y_nan = y.copy()
        y_nan[0] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            model.fit(X, y_nan)
        model.fit(X, y)
        with pytest.raises(ValueError, match="NaN"):
            model.predict(X_nan)
        with pytest.raises(ValueError, match="features"):
            model.predict(X[:, :1])
        with pytest.raises(ValueError, match="at most one"):
            model.predict(X, return_std=True, return_cov=True)
    with pytest.raises(ValueError, match="alpha has 3 values"):
        GPRegressor(alpha=np.ones(3)).fit(X, y)
    with pytest.raises(ValueError, match="outside length_scale_bounds"):
        SparseSpectrumGPRegressor(length_scale=1e5).fit(X, y)
    with pytest.raises(ValueError, match="finite hyperparameter bounds"):
        unbounded = RBF(length_scale_bounds=(1e-5, np.inf))
        GPRegressor(kernel=unbounded, n_restarts_optimizer=1).fit(X, y)
