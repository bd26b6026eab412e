"""What the exact Gaussian and Student-t processes share: fit, predict, likelihood.

:class:`_ExactProcessRegressor` factors ``K(X, X) + alpha I`` by Cholesky,
maximises the log marginal likelihood over the kernel hyperparameters (ML-II,
L-BFGS-B with analytic gradients, optional random restarts) and predicts the
posterior mean, standard deviation or covariance. A subclass gives only its
likelihood and the scale of its predictive variance.
"""

import math
from numbers import Integral, Real

import numpy as np
from scipy import linalg, optimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.gaussian_process.kernels import Kernel
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils.validation import check_is_fitted

from ...compat import Interval, StrOptions, fit_context, validate_data
from ._kernels import make_kernel

__all__ = []

_LOG_2PI = math.log(2.0 * math.pi)


def _not_pd_error(exc, what):
    return ValueError(
        f"{what} is not positive definite ({exc}). Add noise: increase alpha, or add a "
        "'white' kernel (e.g. kernel='rbf + white'); duplicated rows of X with a "
        "noise-free kernel, or a kernel that is not positive definite, cause this."
    )


def _check_predict_flags(return_std, return_cov):
    if return_std and return_cov:
        raise ValueError("Ask for at most one of return_std and return_cov, not both.")


class _ExactProcessRegressor(RegressorMixin, BaseEstimator):
    """Shared fit/predict of the exact GP and Student-t process.

    Subclasses give ``_lml_and_grad(L, alpha, y, K_grad)`` and
    ``_variance_scale()``.
    """

    # predict's flags are options, not metadata to route; score's sample_weight
    # is not routed either (no generated set_*_request methods).
    __metadata_request__predict = {
        "return_std": metadata_routing.UNUSED,
        "return_cov": metadata_routing.UNUSED,
    }
    __metadata_request__score = {"sample_weight": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "kernel": [str, Kernel, type, None],
        "kernel_kwargs": [dict, None],
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "optimizer": [StrOptions({"fmin_l_bfgs_b"}), callable, None],
        "n_restarts_optimizer": [Interval(Integral, 0, None, closed="left")],
        "normalize_y": ["boolean"],
        "random_state": ["random_state"],
    }

    # ----- likelihood ----------------------------------------------------
    def _factor(self, K, raise_error):
        try:
            return linalg.cholesky(K, lower=True, check_finite=False)
        except linalg.LinAlgError as exc:
            if raise_error:
                raise _not_pd_error(exc, "The kernel matrix K(X, X) + alpha * I") from None
            return None

    def _kernel_matrix(self, kernel, X, eval_gradient):
        if eval_gradient:
            K, K_grad = kernel(X, eval_gradient=True)
        else:
            K, K_grad = kernel(X), None
        if not np.all(np.isfinite(K)):
            raise ValueError(
                f"The kernel {kernel} gave non-finite values on X; check its "
                "hyperparameters and bounds."
            )
        K[np.diag_indices_from(K)] += self._alpha
        return K, K_grad

    def _lml(self, theta, eval_gradient, raise_error=False):
        kernel = self.kernel_.clone_with_theta(theta)
        K, K_grad = self._kernel_matrix(kernel, self.X_train_, eval_gradient)
        L = self._factor(K, raise_error)
        if L is None:
            return (-np.inf, np.zeros_like(theta)) if eval_gradient else -np.inf
        alpha = linalg.cho_solve((L, True), self.y_train_, check_finite=False)
        return self._lml_and_grad(L, alpha, self.y_train_, K_grad if eval_gradient else None)

    @staticmethod
    def _grad_terms(L, alpha, K_grad):
        """``alpha^T dK_k alpha`` and ``tr(K^-1 dK_k)`` for every hyperparameter."""
        K_inv, info = linalg.lapack.dpotri(L, lower=True)
        if info != 0:
            raise ValueError("Could not invert the kernel matrix from its Cholesky factor.")
        K_inv = np.tril(K_inv) + np.tril(K_inv, -1).T
        n, p = K_grad.shape[0], K_grad.shape[2]
        flat = K_grad.reshape(n * n, p)
        quad = np.outer(alpha, alpha).ravel() @ flat
        trace = K_inv.ravel() @ flat
        return quad, trace

    def log_marginal_likelihood(self, theta=None, eval_gradient=False):
        """Log marginal likelihood of the training data.

        Parameters
        ----------
        theta : array-like of shape (n_kernel_params,), default=None
            Log-transformed kernel hyperparameters; ``None`` gives the value at
            the fitted ones.
        eval_gradient : bool, default=False
            Also return the gradient with respect to ``theta``.

        Returns
        -------
        log_likelihood : float
            The log marginal likelihood.
        log_likelihood_gradient : ndarray of shape (n_kernel_params,)
            Its gradient, when ``eval_gradient`` is True.
        """
        check_is_fitted(self)
        if theta is None:
            if eval_gradient:
                return self._lml(self.kernel_.theta, True, raise_error=True)
            return self.log_marginal_likelihood_value_
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != self.kernel_.theta.shape:
            raise ValueError(
                f"theta has shape {theta.shape}; the kernel {self.kernel_} has "
                f"{self.kernel_.theta.shape[0]} free hyperparameters."
            )
        return self._lml(theta, eval_gradient)

    # ----- fit -----------------------------------------------------------
    def _optimize(self, objective, theta0, bounds):
        if self.optimizer == "fmin_l_bfgs_b":
            result = optimize.minimize(
                objective, theta0, method="L-BFGS-B", jac=True, bounds=bounds
            )
            return result.x, result.fun
        theta, value = self.optimizer(objective, theta0, bounds)
        return np.asarray(theta, dtype=np.float64), float(value)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the process, maximising the marginal likelihood (ML-II).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Training targets.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        rng = check_random_state(self.random_state)
        n = X.shape[0]
        alpha = np.asarray(self.alpha, dtype=np.float64)
        if alpha.ndim == 1 and alpha.shape[0] != n:
            raise ValueError(
                f"alpha has {alpha.shape[0]} values but X has {n} samples; give one value "
                "or one per sample."
            )
        if alpha.ndim > 1 or not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError("alpha must be a non-negative finite number or 1-D array.")
        self._alpha = alpha
        self.kernel_ = make_kernel(self.kernel, self.kernel_kwargs)
        if self.normalize_y:
            self.y_train_mean_ = float(np.mean(y))
            std = float(np.std(y))
            self.y_train_std_ = std if std > 0 else 1.0
        else:
            self.y_train_mean_, self.y_train_std_ = 0.0, 1.0
        self.X_train_ = X
        self.y_train_ = (y - self.y_train_mean_) / self.y_train_std_

        if self.optimizer is not None and self.kernel_.n_dims > 0:

            def objective(theta):
                value, grad = self._lml(theta, eval_gradient=True)
                if not np.isfinite(value):
                    return np.inf, np.zeros_like(theta)
                return -value, -grad

            bounds = self.kernel_.bounds
            best = [self._optimize(objective, self.kernel_.theta, bounds)]
            if self.n_restarts_optimizer > 0 and not np.all(np.isfinite(bounds)):
                raise ValueError(
                    "n_restarts_optimizer > 0 needs finite hyperparameter bounds to draw "
                    "starting points from."
                )
            for _ in range(self.n_restarts_optimizer):
                theta0 = rng.uniform(bounds[:, 0], bounds[:, 1])
                best.append(self._optimize(objective, theta0, bounds))
            theta, value = min(best, key=lambda r: r[1])
            if not np.isfinite(value):
                raise ValueError(
                    "The marginal likelihood could not be evaluated at any "
                    "hyperparameters tried: the kernel matrix is never positive definite. "
                    "Add a 'white' kernel or increase alpha."
                )
            self.kernel_.theta = theta
        K, _ = self._kernel_matrix(self.kernel_, X, eval_gradient=False)
        self.L_ = self._factor(K, raise_error=True)
        self.alpha_ = linalg.cho_solve((self.L_, True), self.y_train_, check_finite=False)
        self.log_marginal_likelihood_value_ = float(
            self._lml_and_grad(self.L_, self.alpha_, self.y_train_, None)
        )
        return self

    # ----- predict -------------------------------------------------------
    def predict(self, X, return_std=False, return_cov=False):
        """Posterior predictive mean, and its standard deviation or covariance.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query points.
        return_std : bool, default=False
            Also return the predictive standard deviation.
        return_cov : bool, default=False
            Also return the predictive covariance.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
            Predictive mean.
        y_std : ndarray of shape (n_samples,)
            Predictive standard deviation (of the latent function plus any
            white-noise term of the kernel), when ``return_std`` is True.
        y_cov : ndarray of shape (n_samples, n_samples)
            Predictive covariance, when ``return_cov`` is True.
        """
        _check_predict_flags(return_std, return_cov)
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        K_star = self.kernel_(X, self.X_train_)
        mean = K_star @ self.alpha_ * self.y_train_std_ + self.y_train_mean_
        if not (return_std or return_cov):
            return mean
        V = linalg.solve_triangular(self.L_, K_star.T, lower=True, check_finite=False)
        scale = self._variance_scale() * self.y_train_std_**2
        if return_cov:
            cov = (self.kernel_(X) - V.T @ V) * scale
            return mean, cov
        var = (self.kernel_.diag(X) - np.einsum("ij,ij->j", V, V)) * scale
        return mean, np.sqrt(np.clip(var, 0.0, None))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        return tags
