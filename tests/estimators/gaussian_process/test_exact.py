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


def test_constant_target(small):
    # scikit-learn's test_constant_target reads its private _y_train_std; ours is public
    X, _, _ = small
    X = X[:30]
    gp = GPRegressor(kernel=RBF(1.0), normalize_y=True).fit(X, np.ones(30))
    assert gp.y_train_std_ == pytest.approx(1.0)
    mean, cov = gp.predict(X, return_cov=True)
    np.testing.assert_allclose(mean, 1.0)
    np.testing.assert_allclose(np.diag(cov), 0.0, atol=1e-9)
    Y = np.column_stack([np.random.RandomState(0).normal(size=30), np.full(30, 2.0)])
    mean, cov = gp.fit(X, Y).predict(X, return_cov=True)
    np.testing.assert_allclose(gp.y_train_std_[1], 1.0)
    np.testing.assert_allclose(mean[:, 1], 2.0)
    np.testing.assert_allclose(np.diag(cov[..., 1]), 0.0, atol=1e-9)
    assert mean.shape == (30, 2) and cov.shape == (30, 30, 2)


def test_multi_output_and_samples_match_sklearn(small):
    X, y, X_test = small
    Y = np.column_stack([y, np.cos(X[:, 0])])
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.05)
    ours = GPRegressor(kernel=kernel, normalize_y=True).fit(X, Y)
    ref = GaussianProcessRegressor(kernel=kernel, normalize_y=True).fit(X, Y)
    np.testing.assert_allclose(ours.kernel_.theta, ref.kernel_.theta, atol=1e-4)
    assert ours.log_marginal_likelihood_value_ == pytest.approx(
        ref.log_marginal_likelihood_value_, abs=1e-4
    )
    for flag in ("return_std", "return_cov"):
        for a, b in zip(ours.predict(X_test[:6], **{flag: True}),
                        ref.predict(X_test[:6], **{flag: True})):
            np.testing.assert_allclose(a, b, atol=1e-4)
    np.testing.assert_allclose(
        ours.sample_y(X_test[:4], 3, random_state=2),
        ref.sample_y(X_test[:4], 3, random_state=2),
        atol=1e-3,
    )
    value, grad = ours.log_marginal_likelihood(ref.kernel_.theta + 0.2, eval_gradient=True)
    ref_value, ref_grad = ref.log_marginal_likelihood(ref.kernel_.theta + 0.2, eval_gradient=True)
    assert value == pytest.approx(ref_value) and np.allclose(grad, ref_grad)
