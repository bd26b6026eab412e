"""StudentTProcessRegressor: the GP's mean, a variance scaled by the data's misfit."""

import numpy as np
import pytest
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

from skbridge.estimators.gaussian_process import GPRegressor, StudentTProcessRegressor


def test_student_t_process(small):
    X, y, X_test = small
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.05)
    gp = GPRegressor(kernel=kernel, optimizer=None).fit(X, y)
    tp = StudentTProcessRegressor(kernel=kernel, optimizer=None, degrees_of_freedom=4.0).fit(X, y)
    gp_mean, gp_std = gp.predict(X_test, return_std=True)
    tp_mean, tp_std = tp.predict(X_test, return_std=True)
    np.testing.assert_allclose(tp_mean, gp_mean, atol=1e-10)
    n = len(y)
    scale = np.sqrt((4.0 + tp.beta_ - 2.0) / (4.0 + n - 2.0))
    np.testing.assert_allclose(tp_std, gp_std * scale, rtol=1e-8)
    big = StudentTProcessRegressor(kernel=kernel, optimizer=None, degrees_of_freedom=1e7).fit(X, y)
    assert big.log_marginal_likelihood_value_ == pytest.approx(
        gp.log_marginal_likelihood_value_, rel=1e-4
    )
    fitted = StudentTProcessRegressor(kernel="constant * rbf + white").fit(X, y)
    assert fitted.log_marginal_likelihood_value_ > tp.log_marginal_likelihood_value_


def test_student_t_multi_output_and_samples(small):
    X, y, X_test = small
    kernel = ConstantKernel(1.0) * RBF(1.0) + WhiteKernel(0.05)
    Y = np.column_stack([y, 3 * y])
    tp = StudentTProcessRegressor(kernel=kernel, optimizer=None).fit(X, Y)
    assert tp.beta_.shape == (2,) and tp.beta_[1] == pytest.approx(9 * tp.beta_[0])
    one = StudentTProcessRegressor(kernel=kernel, optimizer=None).fit(X, 3 * y)
    np.testing.assert_allclose(tp.predict(X_test, return_std=True)[1][:, 1],
                               one.predict(X_test, return_std=True)[1])
    # draws are multivariate t: the predicted spread, heavier tails before fit (nu = 5)
    prior = StudentTProcessRegressor(kernel=kernel, degrees_of_freedom=5.0)
    draws = prior.sample_y(X_test[:1], n_samples=20000, random_state=0)[0]
    assert np.std(draws) == pytest.approx(prior.predict(X_test[:1], return_std=True)[1][0],
                                          rel=0.1)
    kurtosis = np.mean(draws**4) / np.mean(draws**2) ** 2 - 3
    assert kurtosis > 1.5  # a Gaussian's is 0, a t with 5 degrees of freedom's is 6
