"""GPRegressor: exact Gaussian-process regression with kernel algebra and ML-II.

The exact GP, ``O(n^3)``, with kernels that compose by ``+`` and ``*`` (names,
expressions or scikit-learn kernel objects), fitted by maximising the log
marginal likelihood over the kernel hyperparameters with L-BFGS-B and analytic
gradients.
"""

import numpy as np

from ._base import _LOG_2PI, _ExactProcessRegressor

__all__ = ["GPRegressor"]


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
    >>> from skbridge.estimators.gaussian_process import GPRegressor
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
