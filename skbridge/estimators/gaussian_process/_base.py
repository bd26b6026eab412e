"""What the exact Gaussian and Student-t processes share: fit, predict, likelihood.

:class:`_ExactProcessRegressor` is scikit-learn's ``GaussianProcessRegressor``
contract: it factors ``K(X, X) + alpha I`` by Cholesky, maximises the log
marginal likelihood over the kernel hyperparameters (ML-II, L-BFGS-B with
analytic gradients or a callable optimiser, optional random restarts), and
predicts the posterior (or, before ``fit``, the prior) mean, standard
deviation or covariance, for one target or several. A subclass gives only its
likelihood, the scale of its predictive variance and the degrees of freedom of
its samples.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import linalg, optimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Kernel
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils.validation import check_is_fitted

from ...compat import Interval, StrOptions, fit_context, validate_data
from ._kernels import make_kernel
from ._progress import OptimizationProgress

__all__ = []

_LOG_2PI = math.log(2.0 * math.pi)


class ReturnFlagsError(RuntimeError, ValueError):
    """``predict`` was asked for both ``return_std`` and ``return_cov``.

    A :class:`RuntimeError`, as scikit-learn raises, and a :class:`ValueError`,
    as this package raised before.
    """


def _check_predict_flags(return_std, return_cov):
    if return_std and return_cov:
        raise ReturnFlagsError(
            "At most one of return_std or return_cov can be requested: ask for at most "
            "one of them (the standard deviation is the root of the covariance's diagonal)."
        )


def _not_pd_error(kernel, exc):
    # numpy's LinAlgError (a ValueError) with scikit-learn's message, then the fixes.
    return np.linalg.LinAlgError(
        f"The kernel, {kernel}, is not returning a positive definite matrix. Try "
        "gradually increasing the 'alpha' parameter of your GaussianProcessRegressor "
        f"estimator. K(X, X) + alpha * I is not positive definite ({exc}): increase alpha, "
        "or add a 'white' kernel (e.g. kernel='rbf + white'); duplicated rows of X with a "
        "noise-free kernel, or a kernel that is not positive definite, cause this."
    )


def _warn_at_bounds(kernel):
    """A ConvergenceWarning per hyperparameter that ended at a bound (scikit-learn's text)."""
    close = np.isclose(kernel.bounds, np.atleast_2d(kernel.theta).T)
    index = 0
    for hyp in kernel.hyperparameters:
        if hyp.fixed:
            continue
        for dim in range(hyp.n_elements):
            if close[index, 0]:
                side, bound, verb = "lower", hyp.bounds[dim][0], "Decreasing"
            elif close[index, 1]:
                side, bound, verb = "upper", hyp.bounds[dim][1], "Increasing"
            else:
                side = None
            if side:
                warnings.warn(
                    f"The optimal value found for dimension {dim} of parameter {hyp.name} "
                    f"is close to the specified {side} bound {bound}. {verb} the bound and "
                    "calling fit again may find a better value.",
                    ConvergenceWarning,
                )
            index += 1


def _column(y):
    return y if y.ndim == 2 else y[:, None]


class _ExactProcessRegressor(RegressorMixin, BaseEstimator):
    """Shared fit/predict of the exact GP and Student-t process.

    Subclasses give ``_lml_value(L, alpha, y)`` (value and per-target gradient
    weights, ``y`` and ``alpha`` of shape ``(n, n_targets)``),
    ``_variance_scale()`` and ``_sample_dof()``.
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
        "copy_X_train": ["boolean"],
        "n_targets": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # ----- kernels -------------------------------------------------------
    def _fit_kernel(self):
        if self.kernel is None and not self.kernel_kwargs:
            # scikit-learn's GaussianProcessRegressor.fit: both hyperparameters free
            return ConstantKernel() * RBF()
        return make_kernel(self.kernel, self.kernel_kwargs)

    def _prior_kernel(self):
        # before fit, scikit-learn predicts with the same values, fixed
        return make_kernel(self.kernel, self.kernel_kwargs)

    def _validate_X(self, kernel, X):
        return validate_data(self, X, reset=False, **self._X_checks(kernel))

    @staticmethod
    def _X_checks(kernel):
        if kernel.requires_vector_input:
            return {"dtype": np.float64}
        # structured inputs (strings, sequences) that the kernel compares itself
        return {"dtype": None, "ensure_2d": False}

    # ----- likelihood ----------------------------------------------------
    def _lml_at(self, kernel, eval_gradient):
        """Log marginal likelihood of the training data under ``kernel`` (and gradient)."""
        if eval_gradient:
            K, K_grad = kernel(self.X_train_, eval_gradient=True)
        else:
            K, K_grad = kernel(self.X_train_), None
        failed = (-np.inf, np.zeros_like(kernel.theta)) if eval_gradient else -np.inf
        if not np.all(np.isfinite(K)):
            return failed
        K[np.diag_indices_from(K)] += self._alpha
        try:
            L = linalg.cholesky(K, lower=True, check_finite=False)
        except linalg.LinAlgError:
            return failed
        y = _column(self.y_train_)
        alpha = linalg.cho_solve((L, True), y, check_finite=False)
        value, weights = self._lml_value(L, alpha, y)
        if not eval_gradient:
            return value
        return value, self._lml_gradient(L, alpha, weights, K_grad)

    @staticmethod
    def _lml_gradient(L, alpha, weights, K_grad):
        """``sum_k w_k a_k^T dK a_k - n_targets / 2 tr(K^-1 dK)`` per hyperparameter."""
        n, n_params = K_grad.shape[0], K_grad.shape[2]
        if n_params == 0:
            return np.zeros(0)
        K_inv, info = linalg.lapack.dpotri(L, lower=True)
        if info != 0:
            raise np.linalg.LinAlgError("Could not invert K from its Cholesky factor.")
        K_inv = np.tril(K_inv) + np.tril(K_inv, -1).T
        W = (alpha * weights) @ alpha.T
        W -= 0.5 * alpha.shape[1] * K_inv
        return W.ravel() @ K_grad.reshape(n * n, n_params)

    def log_marginal_likelihood(self, theta=None, eval_gradient=False, clone_kernel=True):
        """Log marginal likelihood of the training data.

        Parameters
        ----------
        theta : array-like of shape (n_kernel_params,), default=None
            Log-transformed kernel hyperparameters; ``None`` gives the value at
            the fitted ones (``log_marginal_likelihood_value_``).
        eval_gradient : bool, default=False
            Also return the gradient with respect to ``theta`` (``theta`` must
            then be given).
        clone_kernel : bool, default=True
            Evaluate on a copy of ``kernel_``; with False, ``kernel_.theta`` is
            set to ``theta`` (cheaper, and how ``fit`` calls it).

        Returns
        -------
        log_likelihood : float
            The log marginal likelihood.
        log_likelihood_gradient : ndarray of shape (n_kernel_params,)
            Its gradient, when ``eval_gradient`` is True.
        """
        if theta is None:
            if eval_gradient:
                raise ValueError("Gradient can only be evaluated for theta!=None")
            check_is_fitted(self, "log_marginal_likelihood_value_")
            return self.log_marginal_likelihood_value_
        check_is_fitted(self, "kernel_")
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != self.kernel_.theta.shape:
            raise ValueError(
                f"theta has shape {theta.shape}; the kernel {self.kernel_} has "
                f"{self.kernel_.theta.shape[0]} free hyperparameters."
            )
        if clone_kernel:
            kernel = self.kernel_.clone_with_theta(theta)
        else:
            kernel = self.kernel_
            kernel.theta = theta
        return self._lml_at(kernel, eval_gradient)

    # ----- fit -----------------------------------------------------------
    def _run_optimizer(self, obj_func, theta0, bounds):
        if self.optimizer == "fmin_l_bfgs_b":
            result = optimize.minimize(obj_func, theta0, method="L-BFGS-B", jac=True, bounds=bounds)
            if result.status != 0:
                warnings.warn(
                    f"lbfgs failed to converge after {result.nit} iteration(s) "
                    f"(status={result.status}):\n{result.message}\n",
                    ConvergenceWarning,
                )
            return result.x, float(result.fun)
        theta, value = self.optimizer(obj_func, theta0, bounds=bounds)
        return np.asarray(theta, dtype=np.float64), float(value)

    def _optimize(self, rng):
        """ML-II: the best hyperparameters over the optimiser runs, set on ``kernel_``."""
        bounds = self.kernel_.bounds
        if self.n_restarts_optimizer > 0 and not np.all(np.isfinite(bounds)):
            raise ValueError(
                "Multiple optimizer restarts (n_restarts_optimizer>0) requires that all "
                "bounds are finite: the starting points are drawn within finite "
                "hyperparameter bounds."
            )
        progress = OptimizationProgress(
            self.verbose, self.n_restarts_optimizer + 1, f"{type(self).__name__} ML-II"
        )

        def obj_func(theta, eval_gradient=True):
            self.kernel_.theta = theta
            if eval_gradient:
                value, grad = self._lml_at(self.kernel_, eval_gradient=True)
                progress.evaluated(value)
                return -value, -grad
            value = self._lml_at(self.kernel_, eval_gradient=False)
            progress.evaluated(value)
            return -value

        optima = []
        with progress:
            theta0 = self.kernel_.theta
            for run in range(self.n_restarts_optimizer + 1):
                if run:
                    theta0 = rng.uniform(bounds[:, 0], bounds[:, 1])
                optima.append(self._run_optimizer(obj_func, theta0, bounds))
                progress.run_done()
        values = [value for _, value in optima]
        self.kernel_.theta = optima[int(np.argmin(values))][0]
        _warn_at_bounds(self.kernel_)

    def _check_alpha(self, n):
        alpha = np.asarray(self.alpha, dtype=np.float64)
        if alpha.ndim == 1 and alpha.shape[0] != n:
            if alpha.shape[0] != 1:
                raise ValueError(
                    "alpha must be a scalar or an array with same number of entries as y. "
                    f"({alpha.shape[0]} != {n}): alpha has {alpha.shape[0]} values but X "
                    f"has {n} samples; give one value or one per sample."
                )
            alpha = alpha[0]
        if alpha.ndim > 1 or not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError("alpha must be a non-negative finite number or 1-D array.")
        return alpha

    def _normalize(self, y):
        if self.normalize_y:
            mean, std = np.mean(y, axis=0), np.std(y, axis=0)
            std = np.where(std < 10 * np.finfo(np.float64).eps, 1.0, std)
        else:
            mean, std = np.zeros(y.shape[1:]), np.ones(y.shape[1:])
        if y.ndim == 1:
            mean, std = float(mean), float(std)
        self.y_train_mean_, self.y_train_std_ = mean, std
        return (y - mean) / std

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the process, maximising the marginal likelihood (ML-II).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of object
            Training inputs (any objects the kernel compares, for a kernel on
            structured data).
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Training targets.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        kernel = self._fit_kernel()
        rng = check_random_state(self.random_state)
        X, y = validate_data(
            self, X, y, multi_output=True, y_numeric=True, **self._X_checks(kernel)
        )
        n_targets = y.shape[1] if y.ndim > 1 else 1
        if self.n_targets is not None and n_targets != self.n_targets:
            raise ValueError(
                "The number of targets seen in `y` is different from the parameter "
                f"`n_targets`. {n_targets} != {self.n_targets}"
            )
        self._alpha = self._check_alpha(X.shape[0])
        y = self._normalize(y)
        self.X_train_ = np.copy(X) if self.copy_X_train else X
        self.y_train_ = np.copy(y) if self.copy_X_train else y
        self.kernel_ = kernel
        if self.optimizer is not None and kernel.n_dims > 0:
            self._optimize(rng)
        K = self.kernel_(self.X_train_)
        if not np.all(np.isfinite(K)):
            raise ValueError(
                f"The kernel {self.kernel_} gave non-finite values on X; check its "
                "hyperparameters and bounds."
            )
        K[np.diag_indices_from(K)] += self._alpha
        try:
            self.L_ = linalg.cholesky(K, lower=True, check_finite=False)
        except linalg.LinAlgError as exc:
            raise _not_pd_error(self.kernel_, exc) from None
        self.alpha_ = linalg.cho_solve((self.L_, True), self.y_train_, check_finite=False)
        value, _ = self._lml_value(self.L_, _column(self.alpha_), _column(self.y_train_))
        self.log_marginal_likelihood_value_ = float(value)
        return self

    # ----- predict -------------------------------------------------------
    def predict(self, X, return_std=False, return_cov=False):
        """Posterior predictive mean, and its standard deviation or covariance.

        Before ``fit``, the prior's: mean zero and the kernel's covariance.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of object
            Query points.
        return_std : bool, default=False
            Also return the predictive standard deviation.
        return_cov : bool, default=False
            Also return the predictive covariance.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictive mean.
        y_std : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictive standard deviation (of the latent function plus any
            white-noise term of the kernel), when ``return_std`` is True.
        y_cov : ndarray of shape (n_samples, n_samples) or \
                (n_samples, n_samples, n_targets)
            Predictive covariance, when ``return_cov`` is True.

        Raises
        ------
        RuntimeError
            When both ``return_std`` and ``return_cov`` are True.
        """
        _check_predict_flags(return_std, return_cov)
        if not hasattr(self, "X_train_"):
            return self._predict_prior(X, return_std, return_cov)
        X = self._validate_X(self.kernel_, X)
        K_trans = self.kernel_(X, self.X_train_)
        mean = K_trans @ self.alpha_ * self.y_train_std_ + self.y_train_mean_
        if mean.ndim > 1 and mean.shape[1] == 1:
            mean = mean[:, 0]
        if not (return_std or return_cov):
            return mean
        V = linalg.solve_triangular(self.L_, K_trans.T, lower=True, check_finite=False)
        scale = np.atleast_1d(np.square(self.y_train_std_) * self._variance_scale())
        if return_cov:
            cov = (self.kernel_(X) - V.T @ V)[..., None] * scale
            return mean, cov[..., 0] if cov.shape[2] == 1 else cov
        var = self.kernel_.diag(X) - np.einsum("ij,ij->j", V, V)
        if np.any(var < 0):
            warnings.warn("Predicted variances smaller than 0. Setting those variances to 0.")
            var = np.clip(var, 0.0, None)
        std = np.sqrt(var[:, None] * scale)
        return mean, std[:, 0] if std.shape[1] == 1 else std

    def _predict_prior(self, X, return_std, return_cov):
        kernel = self._prior_kernel()
        X = self._validate_X(kernel, X)
        n_targets = self.n_targets if self.n_targets is not None else 1
        shape = (X.shape[0], n_targets) if n_targets > 1 else (X.shape[0],)
        mean = np.zeros(shape)
        if not (return_std or return_cov):
            return mean
        moment = kernel(X) if return_cov else np.sqrt(kernel.diag(X))
        if n_targets > 1:
            moment = np.repeat(moment[..., None], n_targets, axis=-1)
        return mean, moment

    def sample_y(self, X, n_samples=1, random_state=0):
        """Draw functions from the process (the posterior, or the prior before ``fit``).

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_features) or list of object
            Query points.
        n_samples : int, default=1
            Number of functions drawn.
        random_state : int, RandomState instance or None, default=0
            Seed of the draws.

        Returns
        -------
        y_samples : ndarray of shape (n_samples_X, n_samples) or \
                (n_samples_X, n_targets, n_samples)
            The values of the drawn functions at ``X``.
        """
        rng = check_random_state(random_state)
        mean, cov = self.predict(X, return_cov=True)
        dof = self._sample_dof()

        def draw(mu, sigma):
            samples = rng.multivariate_normal(mu, sigma, n_samples).T
            if dof is not None:  # multivariate t: a Gaussian over a chi-square draw
                scale = np.sqrt((dof - 2.0) / rng.chisquare(dof, n_samples))
                samples = mu[:, None] + (samples - mu[:, None]) * scale
            return samples

        if mean.ndim == 1:
            return draw(mean, cov)
        return np.stack([draw(mean[:, k], cov[..., k]) for k in range(mean.shape[1])], axis=1)

    def _sample_dof(self):
        return None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False  # predict and sample_y use the prior before fit
        tags.target_tags.multi_output = True
        return tags
