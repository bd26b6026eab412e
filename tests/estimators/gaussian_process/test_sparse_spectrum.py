"""SparseSpectrumGPRegressor: the random-feature GP against the exact one."""

import numpy as np
import pytest

from skbridge.estimators.gaussian_process import GPRegressor, SparseSpectrumGPRegressor

from ._data import make_task


@pytest.mark.slow
def test_random_feature_gp_within_5_percent_of_exact_on_2000_points():
    X, y, _ = make_task(2000)
    X_test, y_test, _ = make_task(1000, seed=1)
    exact = GPRegressor(kernel="constant * rbf + white", normalize_y=True).fit(X, y)
    ssgp = SparseSpectrumGPRegressor(n_components=256, random_state=0).fit(X, y)
    rmse_exact = np.sqrt(np.mean((exact.predict(X_test) - y_test) ** 2))
    rmse_ssgp = np.sqrt(np.mean((ssgp.predict(X_test) - y_test) ** 2))
    assert rmse_ssgp <= 1.05 * rmse_exact, (rmse_ssgp, rmse_exact)
    # it found the exact GP's hyperparameters (length scale, noise of 0.1)
    assert ssgp.length_scale_ == pytest.approx(exact.kernel_.k1.k2.length_scale, rel=0.25)
    noise_sd = np.sqrt(ssgp.noise_variance_) * ssgp.y_train_std_
    assert 0.08 < noise_sd < 0.12


def test_random_feature_gp_fixed_hyperparameters_and_std(small):
    X, y, X_test = small
    ssgp = SparseSpectrumGPRegressor(
        n_components=128, length_scale=0.7, length_scale_bounds="fixed",
        noise_variance=0.05, noise_variance_bounds="fixed", random_state=0,
    ).fit(X, y)
    assert ssgp.length_scale_ == 0.7 and ssgp.noise_variance_ == 0.05
    assert ssgp.signal_variance_ != 1.0  # the free one moved
    mean, std = ssgp.predict(X_test, return_std=True)
    _, cov = ssgp.predict(X_test, return_cov=True)
    np.testing.assert_allclose(np.sqrt(np.diag(cov)), std, rtol=1e-6)
    far = ssgp.predict(np.full((1, 2), 50.0), return_std=True)[1]
    assert far[0] > std.max()  # more uncertain away from the data
    dense = SparseSpectrumGPRegressor(n_components=128, feature_map="fourier", random_state=0)
    assert np.sqrt(np.mean((dense.fit(X, y).predict(X) - y) ** 2)) < 0.2


@pytest.mark.slow
def test_random_feature_gp_within_5_percent_of_exact_against_the_noise_free_function():
    X, y, _ = make_task(2000)
    X_test, _, f_test = make_task(1000, seed=1)
    exact = GPRegressor(kernel="constant * rbf + white", normalize_y=True).fit(X, y)
    ssgp = SparseSpectrumGPRegressor(n_components=512, random_state=0).fit(X, y)
    rmse_exact = np.sqrt(np.mean((exact.predict(X_test) - f_test) ** 2))
    rmse_ssgp = np.sqrt(np.mean((ssgp.predict(X_test) - f_test) ** 2))
    assert rmse_ssgp <= 1.05 * rmse_exact, (rmse_ssgp, rmse_exact)


def test_draws_optimizer_and_samples(small):
    X, y, X_test = small
    one = SparseSpectrumGPRegressor(n_components=64, n_draws=1, random_state=0).fit(X, y)
    four = SparseSpectrumGPRegressor(n_components=64, n_draws=4, random_state=0).fit(X, y)
    # the first draw is the same; four draws keep the likeliest
    assert four.log_marginal_likelihood_value_ >= one.log_marginal_likelihood_value_ - 1.0
    kept = SparseSpectrumGPRegressor(
        n_components=64, optimizer=None, length_scale=0.9, random_state=0
    ).fit(X, y)
    assert (kept.length_scale_, kept.signal_variance_, kept.noise_variance_) == (0.9, 1.0, 0.1)
    calls = []

    def optimizer(obj_func, initial_theta, bounds):
        value, grad = obj_func(initial_theta)
        calls.append((initial_theta.shape, grad.shape, bounds.shape))
        assert obj_func(initial_theta, eval_gradient=False) == pytest.approx(value)
        return initial_theta, value

    SparseSpectrumGPRegressor(n_components=64, optimizer=optimizer, random_state=0).fit(X, y)
    assert calls == [((3,), (3,), (3, 2))]
    mean, std = four.predict(X_test[:3], return_std=True)
    samples = four.sample_y(X_test[:3], n_samples=4000, random_state=0)
    assert samples.shape == (3, 4000)
    np.testing.assert_allclose(samples.mean(axis=1), mean, atol=5 * std.max() / np.sqrt(4000))
    np.testing.assert_allclose(samples.std(axis=1), std, rtol=0.1)


def test_hyperparameter_at_a_bound_warns(small):
    from sklearn.exceptions import ConvergenceWarning

    X, y, _ = small
    with pytest.warns(ConvergenceWarning, match="noise_variance is close to the specified upper"):
        SparseSpectrumGPRegressor(
            n_components=32, noise_variance=1e-4, noise_variance_bounds=(1e-8, 1e-3),
            random_state=0,
        ).fit(X, y)
