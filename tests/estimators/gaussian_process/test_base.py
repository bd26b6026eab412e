"""Shared fit/predict of the exact processes: likelihood gradient, optimiser, errors."""

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from sklearn.gaussian_process.kernels import (
    RBF,
    ConstantKernel,
    GenericKernelMixin,
    Hyperparameter,
    Kernel,
    StationaryKernelMixin,
    WhiteKernel,
)

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


# ----- scikit-learn's GaussianProcessRegressor contract ----------------------
MODELS = [GPRegressor, StudentTProcessRegressor]


@pytest.mark.parametrize(
    "model", [GPRegressor(), StudentTProcessRegressor(), SparseSpectrumGPRegressor(n_components=16)]
)
def test_both_return_flags_raise_runtime_error(small, model):
    X, y, _ = small
    model.fit(X[:30], y[:30])
    with pytest.raises(RuntimeError, match="At most one of return_std or return_cov"):
        model.predict(X, return_std=True, return_cov=True)


def test_not_positive_definite_raises_linalg_error_with_sklearns_text():
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(np.linalg.LinAlgError, match="is not returning a positive definite"):
        GPRegressor(kernel="linear", alpha=0.0).fit(X, np.ones(6))


@pytest.mark.parametrize("model", MODELS)
def test_log_marginal_likelihood_clone_kernel(small, model):
    X, y, _ = small
    gp = model(kernel="constant * rbf + white").fit(X[:40], y[:40])
    fitted = gp.kernel_.theta.copy()
    assert gp.log_marginal_likelihood() == gp.log_marginal_likelihood_value_
    with pytest.raises(ValueError, match="theta!=None"):
        gp.log_marginal_likelihood(eval_gradient=True)
    gp.log_marginal_likelihood(fitted + 0.5)
    np.testing.assert_array_equal(gp.kernel_.theta, fitted)  # cloned: untouched
    gp.log_marginal_likelihood(fitted + 0.5, clone_kernel=False)
    np.testing.assert_allclose(gp.kernel_.theta, fitted + 0.5)


def test_custom_optimizer_gets_sklearns_call_signature(small):
    X, y, _ = small
    seen = {}

    def optimizer(obj_func, initial_theta, bounds):
        seen["value"] = obj_func(initial_theta, eval_gradient=False)
        seen["pair"] = obj_func(initial_theta)
        seen["bounds"] = bounds
        return initial_theta + 0.1, obj_func(initial_theta + 0.1, eval_gradient=False)

    gp = GPRegressor(kernel="constant * rbf + white", optimizer=optimizer).fit(X, y)
    assert np.isscalar(seen["value"]) and seen["pair"][0] == pytest.approx(seen["value"])
    assert seen["pair"][1].shape == (3,) and seen["bounds"].shape == (3, 2)
    np.testing.assert_allclose(gp.kernel_.theta, np.log([1.0, 1.0, 1.0]) + 0.1)


def test_hyperparameter_at_a_bound_warns(small):
    from sklearn.exceptions import ConvergenceWarning

    X, y, _ = small
    kernel = RBF(length_scale_bounds=(1e-5, 1e-3))
    with pytest.warns(ConvergenceWarning, match="close to the specified upper bound 0.001"):
        GPRegressor(kernel=kernel).fit(X, y)


def test_default_kernel_is_sklearns(small):
    X, y, _ = small
    gp = GPRegressor()
    prior_mean, prior_std = gp.predict(X[:5], return_std=True)
    np.testing.assert_allclose(prior_mean, 0.0)
    np.testing.assert_allclose(prior_std, 1.0)  # C(1, fixed) * RBF(1, fixed)
    gp.fit(X, y)
    assert gp.kernel_.theta.shape == (2,)  # constant and length scale, optimised
    assert not np.allclose(gp.kernel_.theta, 0.0)


@pytest.mark.parametrize("model", MODELS)
def test_multi_output_targets_share_the_kernel(small, model):
    X, y, X_test = small
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.05)
    Y = np.column_stack([y, 2 * y + 1])
    both = model(kernel=kernel, optimizer=None, normalize_y=True).fit(X, Y)
    mean, std = both.predict(X_test, return_std=True)
    _, cov = both.predict(X_test[:4], return_cov=True)
    assert mean.shape == std.shape == (len(X_test), 2) and cov.shape == (4, 4, 2)
    for k in range(2):
        one = model(kernel=kernel, optimizer=None, normalize_y=True).fit(X, Y[:, k])
        one_mean, one_std = one.predict(X_test, return_std=True)
        np.testing.assert_allclose(mean[:, k], one_mean, atol=1e-8)
        np.testing.assert_allclose(std[:, k], one_std, rtol=1e-6)
    assert both.sample_y(X_test[:3], n_samples=5).shape == (3, 2, 5)
    # a column (n, 1) target predicts 1-D, as scikit-learn's
    assert model(kernel=kernel).fit(X, y[:, None]).predict(X_test).shape == (len(X_test),)


@pytest.mark.parametrize("model", MODELS)
def test_prior_before_fit_and_n_targets(small, model):
    X, y, _ = small
    mean, cov = model(kernel="rbf", n_targets=3).predict(X[:4], return_cov=True)
    assert mean.shape == (4, 3) and cov.shape == (4, 4, 3)
    np.testing.assert_allclose(cov[..., 0], RBF()(X[:4]))
    assert model().sample_y(X[:4], n_samples=2).shape == (4, 2)
    with pytest.raises(ValueError, match="number of targets seen in `y`"):
        model(n_targets=2).fit(X, y)


def test_sample_y_follows_the_posterior(small):
    X, y, X_test = small
    gp = GPRegressor(kernel="constant * rbf + white").fit(X, y)
    mean, std = gp.predict(X_test[:3], return_std=True)
    samples = gp.sample_y(X_test[:3], n_samples=4000, random_state=1)
    np.testing.assert_allclose(samples.mean(axis=1), mean, atol=5 * std.max() / np.sqrt(4000))
    np.testing.assert_allclose(samples.std(axis=1), std, rtol=0.1)
    np.testing.assert_array_equal(gp.sample_y(X_test[:3], 2), gp.sample_y(X_test[:3], 2))


def test_copy_X_train(small):
    X, y, _ = small
    X, y = X.copy(), y.copy()
    assert GPRegressor(copy_X_train=False).fit(X, y).X_train_ is X
    kept = GPRegressor().fit(X, y)
    assert kept.X_train_ is not X
    np.testing.assert_array_equal(kept.X_train_, X)


class _PrefixKernel(GenericKernelMixin, StationaryKernelMixin, Kernel):
    """A kernel on strings: 1 for equal strings, 0.5 for a shared first letter."""

    def __init__(self, noise=1e-2):
        self.noise = noise

    @property
    def hyperparameter_noise(self):
        return Hyperparameter("noise", "numeric", "fixed")

    def __call__(self, X, Y=None, eval_gradient=False):
        Y = X if Y is None else Y
        K = np.array([[1.0 if a == b else 0.5 * (a[0] == b[0]) for b in Y] for a in X])
        return (K, np.empty((len(X), len(X), 0))) if eval_gradient else K

    def diag(self, X):
        return np.ones(len(X))

    def clone_with_theta(self, theta):
        return self


@pytest.mark.parametrize("model", MODELS)
def test_structured_inputs(model):
    X = ["apple", "avocado", "banana", "blueberry", "cherry"]
    y = np.array([1.0, 1.2, -1.0, -0.8, 0.1])
    gp = model(kernel=_PrefixKernel()).fit(X, y)
    mean = gp.predict(["apricot", "bilberry", "apple"])
    assert mean[0] > 0 > mean[1]
    assert mean[2] == pytest.approx(1.0, abs=1e-6)


def test_verbose_shows_progress(small, capsys):
    pytest.importorskip("tqdm")
    X, y, _ = small
    GPRegressor(kernel="rbf + white", n_restarts_optimizer=1, random_state=0, verbose=1).fit(
        X[:40], y[:40]
    )
    err = capsys.readouterr().err
    assert "GPRegressor ML-II" in err and "2/2" in err and "evaluations=" in err
    GPRegressor(kernel="rbf + white").fit(X[:40], y[:40])
    assert capsys.readouterr().err == ""
