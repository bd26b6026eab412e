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
