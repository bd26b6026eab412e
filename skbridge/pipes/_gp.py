"""Gaussian-process and Student-t process regressors, exact and random-feature.

* :class:`GPRegressor`: the exact GP, ``O(n^3)``, with kernels that compose by
  ``+`` and ``*`` (names, expressions or scikit-learn kernel objects) and
  ML-II: the log marginal likelihood maximised over the kernel
  hyperparameters with L-BFGS-B and analytic gradients.
* :class:`StudentTProcessRegressor`: the Student-t process of Shah, Wilson &
  Ghahramani (2014), as DynaML has it: the same mean, a variance that grows
  with the misfit of the data.
* :class:`SparseSpectrumGPRegressor`: a GP on random Fourier features (the
  Fastfood maps of :mod:`skbridge.transformers.kernels`), Bayesian linear
  regression in ``D`` features, ``O(n D^2)``, which fits its length scale,
  signal and noise variance by maximising its own marginal likelihood.
"""

import math
from numbers import Integral, Real

import numpy as np
from scipy import linalg, optimize
from scipy.special import gammaln
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.gaussian_process.kernels import Kernel
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils.validation import check_is_fitted

from ..compat import Interval, StrOptions, fit_context, validate_data
from ..transformers.kernels import FastfoodSampler, RandomFourierSampler
from ._kernels import make_kernel

__all__ = ["GPRegressor", "SparseSpectrumGPRegressor", "StudentTProcessRegressor"]

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


class GPRegressor(_ExactProcessRegressor):
    """Exact Gaussian-process regression with kernel algebra and ML-II.

    A drop-in for :class:`sklearn.gaussian_process.GaussianProcessRegressor`
    (same parameters, same ``predict(X, return_std=, return_cov=)``), whose
    kernel may also be a name or an expression: ``kernel="constant * rbf +
    white"``. Kernels compose by ``+`` and ``*`` and scale by constants, as
    DynaML's do. ``fit`` maximises the log marginal likelihood over the kernel
    hyperparameters (type-II maximum likelihood) with L-BFGS-B and analytic
    gradients; ``optimizer=None`` keeps them fixed.

    Parameters
    ----------
    kernel : str, kernel class, kernel object or None, default=None
        A name (``"rbf"``, ``"matern"``, ``"rational_quadratic"``,
        ``"periodic"``, ``"linear"``, ``"white"``, ``"constant"``), an
        expression over names and numbers (``"2.0 * rbf + white"``), or a
        :mod:`sklearn.gaussian_process.kernels` class or object. ``None`` is
        scikit-learn's default, a fixed ``1.0 * RBF(1.0)``. Resolved in ``fit``
        by :func:`make_kernel`.
    kernel_kwargs : dict, default=None
        Kernel parameters: a dict for one name, one dict per name for an
        expression (``{"rbf": {"length_scale": 0.5}}``).
    alpha : float or array-like of shape (n_samples,), default=1e-10
        Added to the diagonal of the kernel matrix (noise variance or jitter).
    optimizer : "fmin_l_bfgs_b", callable or None, default="fmin_l_bfgs_b"
        How to maximise the marginal likelihood. A callable is called as
        ``optimizer(obj_func, initial_theta, bounds)`` and returns
        ``(theta_opt, func_min)``, where ``obj_func(theta)`` returns the
        negative log marginal likelihood and its gradient. ``None`` keeps the
        hyperparameters fixed.
    n_restarts_optimizer : int, default=0
        Extra optimiser runs from random starts drawn within the bounds.
    normalize_y : bool, default=False
        Standardise the targets before fitting (predictions are mapped back).
    random_state : int, RandomState instance or None, default=None
        Seed of the restart points.

    Attributes
    ----------
    kernel_ : Kernel
        The kernel with the fitted hyperparameters.
    X_train_ : ndarray of shape (n_samples, n_features)
        Training inputs.
    y_train_ : ndarray of shape (n_samples,)
        Training targets (standardised when ``normalize_y``).
    L_ : ndarray of shape (n_samples, n_samples)
        Lower Cholesky factor of ``K(X, X) + alpha I``.
    alpha_ : ndarray of shape (n_samples,)
        ``(K + alpha I)^-1 y``.
    log_marginal_likelihood_value_ : float
        Log marginal likelihood at ``kernel_.theta``.
    y_train_mean_ : float
        Target mean removed (0 unless ``normalize_y``).
    y_train_std_ : float
        Target scale divided out (1 unless ``normalize_y``).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    SparseSpectrumGPRegressor : Random-feature GP for large n.
    StudentTProcessRegressor : Heavier-tailed process with the same API.
    make_kernel : How ``kernel`` is resolved.

    References
    ----------
    .. [1] C. E. Rasmussen and C. K. I. Williams, "Gaussian Processes for
       Machine Learning", MIT Press, 2006, ch. 2 and 5.
    .. [2] M. Chandorkar, "DynaML: A Scala Library/REPL for Machine Learning
       Research", 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import GPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(40, 1))
    >>> y = np.sin(X).ravel() + 0.1 * rng.normal(size=40)
    >>> gp = GPRegressor(kernel="constant * rbf + white").fit(X, y)
    >>> mean, std = gp.predict(np.array([[0.0], [10.0]]), return_std=True)
    >>> bool(abs(mean[0]) < 0.2 and std[1] > std[0])
    True
    """

    def __init__(
        self,
        *,
        kernel=None,
        kernel_kwargs=None,
        alpha=1e-10,
        optimizer="fmin_l_bfgs_b",
        n_restarts_optimizer=0,
        normalize_y=False,
        random_state=None,
    ):
        self.kernel = kernel
        self.kernel_kwargs = kernel_kwargs
        self.alpha = alpha
        self.optimizer = optimizer
        self.n_restarts_optimizer = n_restarts_optimizer
        self.normalize_y = normalize_y
        self.random_state = random_state

    def _lml_and_grad(self, L, alpha, y, K_grad):
        n = y.shape[0]
        value = -0.5 * y @ alpha - np.log(np.diag(L)).sum() - 0.5 * n * _LOG_2PI
        if K_grad is None:
            return value
        quad, trace = self._grad_terms(L, alpha, K_grad)
        return value, 0.5 * (quad - trace)

    def _variance_scale(self):
        return 1.0


class StudentTProcessRegressor(_ExactProcessRegressor):
    """Student-t process regression (Shah, Wilson & Ghahramani, 2014).

    The targets are multivariate Student-t with ``degrees_of_freedom`` ``nu``
    and the kernel as scale matrix. The predictive mean is the GP's; the
    predictive covariance is the GP's times ``(nu + beta - 2) / (nu + n - 2)``,
    with ``beta = y^T K^-1 y``, so it widens when the data fit the kernel
    badly. DynaML's ``StudentTRegression``. Parameters as in
    :class:`GPRegressor`, plus ``degrees_of_freedom``.

    Parameters
    ----------
    kernel : str, kernel class, kernel object or None, default=None
        As in :class:`GPRegressor`.
    kernel_kwargs : dict, default=None
        As in :class:`GPRegressor`.
    degrees_of_freedom : float, default=5.0
        ``nu > 2``; as it grows the process tends to the GP.
    alpha : float or array-like of shape (n_samples,), default=1e-10
        Added to the diagonal of the kernel matrix.
    optimizer : "fmin_l_bfgs_b", callable or None, default="fmin_l_bfgs_b"
        As in :class:`GPRegressor`, on the Student-t marginal likelihood.
    n_restarts_optimizer : int, default=0
        Extra optimiser runs from random starts.
    normalize_y : bool, default=False
        Standardise the targets before fitting.
    random_state : int, RandomState instance or None, default=None
        Seed of the restart points.

    Attributes
    ----------
    kernel_ : Kernel
        The kernel with the fitted hyperparameters.
    X_train_ : ndarray of shape (n_samples, n_features)
        Training inputs.
    y_train_ : ndarray of shape (n_samples,)
        Training targets (standardised when ``normalize_y``).
    L_ : ndarray of shape (n_samples, n_samples)
        Lower Cholesky factor of ``K(X, X) + alpha I``.
    alpha_ : ndarray of shape (n_samples,)
        ``(K + alpha I)^-1 y``.
    beta_ : float
        ``y^T (K + alpha I)^-1 y``.
    log_marginal_likelihood_value_ : float
        Student-t log marginal likelihood at ``kernel_.theta``.
    y_train_mean_ : float
        Target mean removed (0 unless ``normalize_y``).
    y_train_std_ : float
        Target scale divided out (1 unless ``normalize_y``).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    GPRegressor : The Gaussian process.

    References
    ----------
    .. [1] A. Shah, A. G. Wilson and Z. Ghahramani, "Student-t Processes as
       Alternatives to Gaussian Processes", AISTATS 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import StudentTProcessRegressor
    >>> X = np.linspace(0, 5, 30)[:, None]
    >>> tp = StudentTProcessRegressor(kernel="rbf + white").fit(X, np.cos(X).ravel())
    >>> float(np.round(tp.predict([[2.5]])[0], 2))
    -0.8
    """

    _parameter_constraints: dict = {
        **_ExactProcessRegressor._parameter_constraints,
        "degrees_of_freedom": [Interval(Real, 2, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        kernel=None,
        kernel_kwargs=None,
        degrees_of_freedom=5.0,
        alpha=1e-10,
        optimizer="fmin_l_bfgs_b",
        n_restarts_optimizer=0,
        normalize_y=False,
        random_state=None,
    ):
        self.kernel = kernel
        self.kernel_kwargs = kernel_kwargs
        self.degrees_of_freedom = degrees_of_freedom
        self.alpha = alpha
        self.optimizer = optimizer
        self.n_restarts_optimizer = n_restarts_optimizer
        self.normalize_y = normalize_y
        self.random_state = random_state

    def _lml_and_grad(self, L, alpha, y, K_grad):
        nu, n = float(self.degrees_of_freedom), y.shape[0]
        beta = float(y @ alpha)
        value = (
            -0.5 * n * math.log((nu - 2.0) * math.pi)
            - np.log(np.diag(L)).sum()
            + gammaln(0.5 * (nu + n))
            - gammaln(0.5 * nu)
            - 0.5 * (nu + n) * math.log1p(beta / (nu - 2.0))
        )
        if K_grad is None:
            return value
        quad, trace = self._grad_terms(L, alpha, K_grad)
        return value, (nu + n) / (2.0 * (nu - 2.0 + beta)) * quad - 0.5 * trace

    def fit(self, X, y):
        """Fit the process, maximising the Student-t marginal likelihood.

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
        super().fit(X, y)
        self.beta_ = float(self.y_train_ @ self.alpha_)
        return self

    def _variance_scale(self):
        nu, n = float(self.degrees_of_freedom), self.y_train_.shape[0]
        return (nu + self.beta_ - 2.0) / (nu + n - 2.0)


class SparseSpectrumGPRegressor(RegressorMixin, BaseEstimator):
    """GP regression on random Fourier features, ``O(n D^2)`` (sparse spectrum).

    Approximates a GP with an RBF (or Matérn) kernel by Bayesian linear
    regression on ``D = n_components`` random features ``z(x)`` from
    :class:`~skbridge.transformers.FastfoodSampler` (or the dense
    :class:`~skbridge.transformers.RandomFourierSampler`): ``f(x) = sigma_f
    z(x)^T w`` with ``w ~ N(0, I)`` and Gaussian noise of variance
    ``sigma_n^2``. Fitting costs ``O(n D^2 + D^3)`` instead of the exact GP's
    ``O(n^3)``, prediction ``O(D)`` per point for the mean and ``O(D^2)`` for
    the standard deviation.

    The length scale, signal variance and noise variance are fitted by
    maximising this model's own log marginal likelihood (computed in ``O(D)``
    per variance pair from one eigendecomposition of ``Z^T Z`` per length
    scale), unless their bounds are ``"fixed"``. The random frequencies are
    drawn once (from ``random_state``) and rescaled with the length scale, so
    the likelihood is a smooth function of it.

    Parameters
    ----------
    n_components : int, default=256
        Number of random features ``D``.
    kernel : {"rbf", "matern"}, default="rbf"
        Kernel approximated.
    nu : float, default=1.5
        Matérn smoothness; ignored for ``"rbf"``.
    length_scale : float, default=1.0
        (Initial) length scale ``l``; the features use ``gamma = 1 / (2 l^2)``.
    length_scale_bounds : pair of floats or "fixed", default=(1e-2, 1e3)
        Search range of the length scale, or ``"fixed"``.
    signal_variance : float, default=1.0
        (Initial) signal variance ``sigma_f^2`` (of the standardised targets
        when ``normalize_y``).
    signal_variance_bounds : pair of floats or "fixed", default=(1e-4, 1e4)
        Search range of the signal variance, or ``"fixed"``.
    noise_variance : float, default=0.1
        (Initial) noise variance ``sigma_n^2``.
    noise_variance_bounds : pair of floats or "fixed", default=(1e-8, 1e2)
        Search range of the noise variance, or ``"fixed"``.
    feature_map : {"fastfood", "fourier"}, default="fastfood"
        :class:`~skbridge.transformers.FastfoodSampler` (``O(D log d)`` per
        sample) or :class:`~skbridge.transformers.RandomFourierSampler`.
    normalize_y : bool, default=True
        Standardise the targets before fitting.
    n_jobs : int, default=None
        Threads of the feature map.
    random_state : int, RandomState instance or None, default=None
        Seed of the random frequencies.

    Attributes
    ----------
    feature_map_ : FastfoodSampler or RandomFourierSampler
        The fitted feature map at the fitted length scale.
    length_scale_ : float
        Fitted length scale.
    signal_variance_ : float
        Fitted signal variance.
    noise_variance_ : float
        Fitted noise variance (on the standardised scale when
        ``normalize_y``).
    coef_ : ndarray of shape (n_components,)
        Posterior mean weights: the predictive mean is ``z(x)^T coef_``.
    eigenvalues_ : ndarray of shape (n_components,)
        Eigenvalues of ``Z^T Z``.
    eigenvectors_ : ndarray of shape (n_components, n_components)
        Eigenvectors of ``Z^T Z``.
    log_marginal_likelihood_value_ : float
        Log marginal likelihood at the fitted hyperparameters.
    y_train_mean_ : float
        Target mean removed (0 unless ``normalize_y``).
    y_train_std_ : float
        Target scale divided out (1 unless ``normalize_y``).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when ``X`` has string column
        names.

    See Also
    --------
    GPRegressor : The exact GP.
    skbridge.transformers.FastfoodSampler : The feature map.

    References
    ----------
    .. [1] M. Lázaro-Gredilla, J. Quiñonero-Candela, C. E. Rasmussen and
       A. R. Figueiras-Vidal, "Sparse Spectrum Gaussian Process Regression",
       JMLR 11, 2010.
    .. [2] Q. Le, T. Sarlós and A. Smola, "Fastfood — Approximating Kernel
       Expansions in Loglinear Time", ICML 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.pipes import SparseSpectrumGPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(500, 2))
    >>> y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.1 * rng.normal(size=500)
    >>> ssgp = SparseSpectrumGPRegressor(n_components=256, random_state=0).fit(X, y)
    >>> mean, std = ssgp.predict(X[:3], return_std=True)
    >>> bool(np.sqrt(np.mean((ssgp.predict(X) - y) ** 2)) < 0.15)
    True
    >>> bool(0.05 < np.sqrt(ssgp.noise_variance_) * ssgp.y_train_std_ < 0.2)
    True
    """

    __metadata_request__predict = {
        "return_std": metadata_routing.UNUSED,
        "return_cov": metadata_routing.UNUSED,
    }
    __metadata_request__score = {"sample_weight": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "kernel": [StrOptions({"rbf", "matern"})],
        "nu": [Interval(Real, 0, None, closed="neither")],
        "length_scale": [Interval(Real, 0, None, closed="neither")],
        "length_scale_bounds": [StrOptions({"fixed"}), tuple, list],
        "signal_variance": [Interval(Real, 0, None, closed="neither")],
        "signal_variance_bounds": [StrOptions({"fixed"}), tuple, list],
        "noise_variance": [Interval(Real, 0, None, closed="neither")],
        "noise_variance_bounds": [StrOptions({"fixed"}), tuple, list],
        "feature_map": [StrOptions({"fastfood", "fourier"})],
        "normalize_y": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        n_components=256,
        kernel="rbf",
        nu=1.5,
        length_scale=1.0,
        length_scale_bounds=(1e-2, 1e3),
        signal_variance=1.0,
        signal_variance_bounds=(1e-4, 1e4),
        noise_variance=0.1,
        noise_variance_bounds=(1e-8, 1e2),
        feature_map="fastfood",
        normalize_y=True,
        n_jobs=None,
        random_state=None,
    ):
        self.n_components = n_components
        self.kernel = kernel
        self.nu = nu
        self.length_scale = length_scale
        self.length_scale_bounds = length_scale_bounds
        self.signal_variance = signal_variance
        self.signal_variance_bounds = signal_variance_bounds
        self.noise_variance = noise_variance
        self.noise_variance_bounds = noise_variance_bounds
        self.feature_map = feature_map
        self.normalize_y = normalize_y
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ----- pieces --------------------------------------------------------
    def _log_bounds(self, name):
        bounds = getattr(self, f"{name}_bounds")
        value = getattr(self, name)
        if isinstance(bounds, str):
            return None
        if len(bounds) != 2 or not all(isinstance(b, Real) for b in bounds):
            raise ValueError(f"{name}_bounds must be 'fixed' or a pair (low, high), got {bounds!r}.")
        low, high = float(bounds[0]), float(bounds[1])
        if not 0 < low <= high or not np.isfinite(high):
            raise ValueError(f"{name}_bounds must satisfy 0 < low <= high < inf, got {bounds!r}.")
        if not low <= value <= high:
            raise ValueError(f"{name}={value} lies outside {name}_bounds={bounds!r}.")
        return math.log(low), math.log(high)

    def _sampler(self, length_scale, seed, X):
        cls = FastfoodSampler if self.feature_map == "fastfood" else RandomFourierSampler
        sampler = cls(
            kernel=self.kernel,
            gamma=1.0 / (2.0 * length_scale**2),
            nu=self.nu,
            n_components=self.n_components,
            n_jobs=self.n_jobs,
            random_state=seed,
        )
        return sampler.fit(X[:1])

    def _spectrum(self, length_scale, seed, X, y):
        """Feature map, eigenpairs of Z^T Z and the projections of Z^T y."""
        sampler = self._sampler(length_scale, seed, X)
        Z = sampler.transform(X)
        G = Z.T @ Z
        s, U = linalg.eigh(G, check_finite=False)
        s = np.clip(s, 0.0, None)
        c = U.T @ (Z.T @ y)
        return sampler, s, U, c

    @staticmethod
    def _nll(log_sf2, log_sn2, s, c, yy, n):
        """Negative log marginal likelihood from the spectrum of Z^T Z."""
        D = s.shape[0]
        r = math.exp(log_sn2 - log_sf2)
        quad = max(yy - float(np.sum(c * c / (s + r))), 1e-12 * max(yy, 1.0))
        return 0.5 * (
            quad * math.exp(-log_sn2)
            + n * log_sn2
            + D * (log_sf2 - log_sn2)
            + float(np.sum(np.log(s + r)))
            + n * _LOG_2PI
        )

    @staticmethod
    def _grid_then_brent(func, low, high, n_grid=13):
        """Minimise a 1-D function on [low, high]: a grid finds the basin, Brent refines."""
        if high <= low:
            return low, func(low)
        grid = np.linspace(low, high, n_grid)
        values = [func(g) for g in grid]
        i = int(np.argmin(values))
        a, b = grid[max(i - 1, 0)], grid[min(i + 1, n_grid - 1)]
        result = optimize.minimize_scalar(
            func, bounds=(a, b), method="bounded", options={"xatol": 1e-3}
        )
        if result.fun < values[i]:
            return float(result.x), float(result.fun)
        return float(grid[i]), float(values[i])

    def _fit_variances(self, s, c, yy, n):
        """Best (log sf2, log sn2, nll) for one spectrum, the free ones optimised.

        For a fixed ratio ``r = sn2 / sf2`` the best noise variance is
        ``(yy - c^T (S + r)^-1 c) / n`` in closed form, so with both free the
        search is one-dimensional, over ``log r``.
        """
        sf0, sn0 = math.log(self.signal_variance), math.log(self.noise_variance)
        sf_b = self._log_bounds("signal_variance")
        sn_b = self._log_bounds("noise_variance")

        def nll(log_sf2, log_sn2):
            return self._nll(log_sf2, log_sn2, s, c, yy, n)

        if sf_b is None and sn_b is None:
            return sf0, sn0, nll(sf0, sn0)
        if sn_b is None:
            x, value = self._grid_then_brent(lambda v: nll(v, sn0), *sf_b)
            return x, sn0, value
        if sf_b is None:
            x, value = self._grid_then_brent(lambda v: nll(sf0, v), *sn_b)
            return sf0, x, value

        def profile(log_r):
            r = math.exp(log_r)
            quad = max(yy - float(np.sum(c * c / (s + r))), 1e-12 * max(yy, 1.0))
            log_sn2 = float(np.clip(math.log(quad / n), *sn_b))
            log_sf2 = float(np.clip(log_sn2 - log_r, *sf_b))
            return nll(log_sf2, log_sn2), log_sf2, log_sn2

        low, high = sn_b[0] - sf_b[1], sn_b[1] - sf_b[0]
        log_r, value = self._grid_then_brent(lambda v: profile(v)[0], low, high, n_grid=21)
        _, log_sf2, log_sn2 = profile(log_r)
        return log_sf2, log_sn2, value

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the hyperparameters (ML-II) and the posterior weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs (standardise them first: one length scale serves
            all features).
        y : array-like of shape (n_samples,)
            Training targets.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        ls_bounds = self._log_bounds("length_scale")
        self._log_bounds("signal_variance")
        self._log_bounds("noise_variance")
        if self.normalize_y:
            self.y_train_mean_ = float(np.mean(y))
            std = float(np.std(y))
            self.y_train_std_ = std if std > 0 else 1.0
        else:
            self.y_train_mean_, self.y_train_std_ = 0.0, 1.0
        y = (y - self.y_train_mean_) / self.y_train_std_
        n, yy = y.shape[0], float(y @ y)
        cache = {}

        def evaluate(log_ls):
            key = round(float(log_ls), 10)
            if key not in cache:
                spectrum = self._spectrum(math.exp(log_ls), seed, X, y)
                variances = self._fit_variances(spectrum[1], spectrum[3], yy, n)
                cache[key] = (variances[2], spectrum, variances)
            return cache[key]

        if ls_bounds is None:
            best_log_ls = math.log(self.length_scale)
        else:
            best_log_ls, _ = self._grid_then_brent(lambda g: evaluate(g)[0], *ls_bounds, n_grid=9)
        nll, (sampler, s, U, c), (log_sf2, log_sn2, _) = evaluate(best_log_ls)
        if not np.isfinite(nll):
            raise ValueError(
                "The marginal likelihood is not finite at any hyperparameters tried; "
                "check X and y for extreme values."
            )
        self.feature_map_ = sampler
        fixed = {name: self._log_bounds(name) is None for name in
                 ("length_scale", "signal_variance", "noise_variance")}
        self.length_scale_ = float(
            self.length_scale if fixed["length_scale"] else math.exp(best_log_ls)
        )
        self.signal_variance_ = float(
            self.signal_variance if fixed["signal_variance"] else math.exp(log_sf2)
        )
        self.noise_variance_ = float(
            self.noise_variance if fixed["noise_variance"] else math.exp(log_sn2)
        )
        ratio = self.noise_variance_ / self.signal_variance_
        self.eigenvalues_ = s
        self.eigenvectors_ = U
        self.coef_ = U @ (c / (s + ratio))
        self.log_marginal_likelihood_value_ = -float(nll)
        return self

    def predict(self, X, return_std=False, return_cov=False):
        """Predictive mean, and the standard deviation or covariance of the latent function.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Query points.
        return_std : bool, default=False
            Also return the predictive standard deviation of the latent
            function (add ``noise_variance_ * y_train_std_**2`` for that of a
            new observation).
        return_cov : bool, default=False
            Also return the predictive covariance of the latent function.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
            Predictive mean.
        y_std : ndarray of shape (n_samples,)
            Standard deviation, when ``return_std`` is True.
        y_cov : ndarray of shape (n_samples, n_samples)
            Covariance, when ``return_cov`` is True.
        """
        _check_predict_flags(return_std, return_cov)
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        Z = self.feature_map_.transform(X)
        mean = Z @ self.coef_ * self.y_train_std_ + self.y_train_mean_
        if not (return_std or return_cov):
            return mean
        P = Z @ self.eigenvectors_
        inv_spectrum = 1.0 / (self.eigenvalues_ + self.noise_variance_ / self.signal_variance_)
        scale = self.noise_variance_ * self.y_train_std_**2
        if return_cov:
            return mean, (P * inv_spectrum) @ P.T * scale
        var = np.einsum("ij,ij->i", P * inv_spectrum, P) * scale
        return mean, np.sqrt(np.clip(var, 0.0, None))
