"""GPRegressor: agreement with scikit-learn, ML-II, pickling, pipes and grid search."""

import pickle

import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel
from sklearn.model_selection import GridSearchCV

from skbridge.estimators.gaussian_process import GPRegressor, SparseSpectrumGPRegressor
from skbridge.pipes import DataPipe, GaussianScaler


@pytest.mark.parametrize("normalize_y", [False, True])
@pytest.mark.parametrize(
    "kernel",
    [
        ConstantKernel(1.5) * RBF(0.8) + WhiteKernel(0.05),
        Matern(length_scale=1.2, nu=2.5) + WhiteKernel(0.1),
        ConstantKernel(0.5) * RBF([0.5, 2.0]),
    ],
    ids=["c*rbf+white", "matern+white", "ard-rbf"],
)
def test_exact_gp_matches_sklearn_with_fixed_kernel(small, kernel, normalize_y):
    X, y, X_test = small
    ours = GPRegressor(kernel=kernel, optimizer=None, alpha=1e-6, normalize_y=normalize_y)
    ref = GaussianProcessRegressor(kernel, optimizer=None, alpha=1e-6, normalize_y=normalize_y)
    ours.fit(X, y)
    ref.fit(X, y)
    mean, std = ours.predict(X_test, return_std=True)
    ref_mean, ref_std = ref.predict(X_test, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, atol=1e-6)
    np.testing.assert_allclose(std, ref_std, atol=1e-6)
    _, cov = ours.predict(X_test[:5], return_cov=True)
    np.testing.assert_allclose(cov, ref.predict(X_test[:5], return_cov=True)[1], atol=1e-6)
    assert ours.log_marginal_likelihood_value_ == pytest.approx(
        ref.log_marginal_likelihood_value_, abs=1e-6
    )
    assert ours.kernel_ == kernel  # optimizer=None keeps the hyperparameters


def test_exact_gp_ml2_matches_sklearn(small):
    X, y, X_test = small
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.1)
    ours = GPRegressor(kernel="constant * rbf + white", normalize_y=True).fit(X, y)
    ref = GaussianProcessRegressor(kernel, normalize_y=True).fit(X, y)
    np.testing.assert_allclose(ours.kernel_.theta, ref.kernel_.theta, atol=1e-4)
    mean, std = ours.predict(X_test, return_std=True)
    ref_mean, ref_std = ref.predict(X_test, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, atol=1e-4)
    np.testing.assert_allclose(std, ref_std, atol=1e-4)
    # ML-II raised the likelihood above the starting point
    fixed = GPRegressor(kernel=kernel, optimizer=None, normalize_y=True).fit(X, y)
    assert ours.log_marginal_likelihood_value_ > fixed.log_marginal_likelihood_value_ + 10


def test_gp_pickles_and_works_in_pipes(small):
    X, y, X_test = small
    model = GaussianScaler() > GPRegressor(kernel="constant * rbf + white")
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(restored.predict(X_test), model.predict(X_test))
    search = GridSearchCV(
        DataPipe(np.tanh) > SparseSpectrumGPRegressor(n_components=32, random_state=0),
        {"sparsespectrumgpregressor__kernel": ["rbf", "matern"]},
        cv=2,
    ).fit(X, y)
    assert search.best_score_ > 0.5
    search = GridSearchCV(
        GPRegressor(), {"kernel": ["rbf + white", "matern + white"]}, cv=2
    ).fit(X, y)
    assert search.best_score_ > 0.8
