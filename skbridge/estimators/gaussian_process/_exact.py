"""GPRegressor: exact Gaussian-process regression with kernel algebra and ML-II.

The exact GP, ``O(n^3)``, scikit-learn's ``GaussianProcessRegressor`` contract
with kernels that compose by ``+`` and ``*`` (names, expressions or
scikit-learn kernel objects), fitted by maximising the log marginal likelihood
over the kernel hyperparameters with L-BFGS-B and analytic gradients.
"""

import numpy as np

from ._base import _LOG_2PI, _ExactProcessRegressor

__all__ = ["GPRegressor"]


class GPRegressor(_ExactProcessRegressor):
    """Exact Gaussian-process regression with kernel algebra and ML-II.

    A drop-in for :class:`sklearn.gaussian_process.GaussianProcessRegressor`:
    the same parameters, attributes, methods (``predict(X, return_std=,
    return_cov=)``, ``sample_y``, ``log_marginal_likelihood(theta,
    eval_gradient, clone_kernel)``), multi-output targets, prediction from the
    prior before ``fit``, and the same exceptions and warnings. In addition the
    kernel may be a name or an expression (``kernel="constant * rbf +
    white"``); kernels compose by ``+`` and ``*`` and scale by constants, as
    DynaML's do. ``fit`` maximises the log marginal likelihood over the kernel
    hyperparameters (type-II maximum likelihood) with L-BFGS-B and analytic
    gradients; ``optimizer=None`` keeps them fixed.

    Parameters
    ----------
    kernel : str, kernel class, kernel object or None, default=None
        A name (``"rbf"``, ``"matern"``, ``"rational_quadratic"``,
        ``"periodic"``, ``"linear"``, ``"white"``, ``"constant"``), an
        expression over names and numbers (``"2.0 * rbf + white"``), or a
        :mod:`sklearn.gaussian_process.kernels` class or object. Resolved in
        ``fit`` by :func:`make_kernel`. ``None`` is scikit-learn's default:
        ``fit`` optimises ``ConstantKernel() * RBF()`` (both hyperparameters
        free, starting from 1.0), and ``predict`` before ``fit`` uses the prior
        ``ConstantKernel(1.0, "fixed") * RBF(1.0, "fixed")``.
    kernel_kwargs : dict, default=None
        Kernel parameters: a dict for one name, one dict per name for an
        expression (``{"rbf": {"length_scale": 0.5}}``).
    alpha : float or array-like of shape (n_samples,), default=1e-10
        Added to the diagonal of the kernel matrix (noise variance or jitter).
    optimizer : "fmin_l_bfgs_b", callable or None, default="fmin_l_bfgs_b"
        How to maximise the marginal likelihood. A callable is called as
        ``optimizer(obj_func, initial_theta, bounds=bounds)`` and returns
        ``(theta_opt, func_min)``; ``obj_func(theta, eval_gradient=True)``
        returns the negative log marginal likelihood and, when
        ``eval_gradient``, its gradient. ``None`` keeps the hyperparameters
        fixed.
    n_restarts_optimizer : int, default=0
        Extra optimiser runs from starts drawn uniformly (in log space) within
        the hyperparameter bounds, which must then be finite.
    normalize_y : bool, default=False
        Standardise the targets (each column) before fitting; predictions are
        mapped back.
    copy_X_train : bool, default=True
        Store copies of ``X`` and ``y`` in ``X_train_`` and ``y_train_``
        (otherwise references, which must then not change).
    n_targets : int, default=None
        Number of targets, used only before ``fit`` (the prior's output
        shapes); ``fit`` checks ``y`` against it. ``None`` is one target.
    random_state : int, RandomState instance or None, default=None
        Seed of the restart points.
    verbose : int, default=0
        With 1 or more, a progress bar (tqdm) over the optimiser runs showing
        the likelihood evaluations and the best value so far; useful when one
        evaluation, ``O(n^3)``, takes seconds.

    Attributes
    ----------
    kernel_ : Kernel
        The kernel with the fitted hyperparameters.
    X_train_ : ndarray of shape (n_samples, n_features) or list of object
        Training inputs.
    y_train_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Training targets (standardised when ``normalize_y``).
    L_ : ndarray of shape (n_samples, n_samples)
        Lower Cholesky factor of ``K(X, X) + alpha I``.
    alpha_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        ``(K + alpha I)^-1 y``.
    log_marginal_likelihood_value_ : float
        Log marginal likelihood at ``kernel_.theta``.
    y_train_mean_ : float or ndarray of shape (n_targets,)
        Target mean removed (0 unless ``normalize_y``).
    y_train_std_ : float or ndarray of shape (n_targets,)
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
    >>> gp.sample_y(X[:5], n_samples=3).shape
    (5, 3)
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
        copy_X_train=True,
        n_targets=None,
        random_state=None,
        verbose=0,
    ):
        self.kernel = kernel
        self.kernel_kwargs = kernel_kwargs
        self.alpha = alpha
        self.optimizer = optimizer
        self.n_restarts_optimizer = n_restarts_optimizer
        self.normalize_y = normalize_y
        self.copy_X_train = copy_X_train
        self.n_targets = n_targets
        self.random_state = random_state
        self.verbose = verbose

    def _lml_value(self, L, alpha, y):
        n, n_targets = y.shape
        value = (
            -0.5 * float(np.einsum("ik,ik->", y, alpha))
            - n_targets * float(np.log(np.diag(L)).sum())
            - 0.5 * n * n_targets * _LOG_2PI
        )
        return value, np.full(n_targets, 0.5)

    def _variance_scale(self):
        return 1.0
