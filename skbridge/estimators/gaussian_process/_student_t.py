"""StudentTProcessRegressor: the Student-t process (Shah, Wilson & Ghahramani, 2014).

As DynaML has it: the GP's mean, and a predictive variance that grows with the
misfit of the data.
"""

import math
from numbers import Real

import numpy as np
from scipy.special import gammaln

from ...compat import Interval
from ._base import _ExactProcessRegressor

__all__ = ["StudentTProcessRegressor"]


class StudentTProcessRegressor(_ExactProcessRegressor):
    """Student-t process regression (Shah, Wilson & Ghahramani, 2014).

    The targets are multivariate Student-t with ``degrees_of_freedom`` ``nu``
    and the kernel as scale matrix. The predictive mean is the GP's; the
    predictive covariance is the GP's times ``(nu + beta - 2) / (nu + n - 2)``,
    with ``beta = y^T K^-1 y``, so it widens when the data fit the kernel
    badly. DynaML's ``StudentTRegression``. Parameters, attributes and
    methods as in :class:`GPRegressor`, plus ``degrees_of_freedom``; with
    several targets each has its own ``beta``, and ``sample_y`` draws from the
    multivariate Student-t.

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
    copy_X_train : bool, default=True
        Store copies of ``X`` and ``y`` (otherwise references).
    n_targets : int, default=None
        Number of targets, used only before ``fit``; ``None`` is one.
    random_state : int, RandomState instance or None, default=None
        Seed of the restart points.
    verbose : int, default=0
        With 1 or more, a progress bar (tqdm) over the optimiser runs.

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
    beta_ : float or ndarray of shape (n_targets,)
        ``y^T (K + alpha I)^-1 y`` (per target).
    log_marginal_likelihood_value_ : float
        Student-t log marginal likelihood at ``kernel_.theta``.
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
    GPRegressor : The Gaussian process.

    References
    ----------
    .. [1] A. Shah, A. G. Wilson and Z. Ghahramani, "Student-t Processes as
       Alternatives to Gaussian Processes", AISTATS 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.gaussian_process import StudentTProcessRegressor
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
        copy_X_train=True,
        n_targets=None,
        random_state=None,
        verbose=0,
    ):
        self.kernel = kernel
        self.kernel_kwargs = kernel_kwargs
        self.degrees_of_freedom = degrees_of_freedom
        self.alpha = alpha
        self.optimizer = optimizer
        self.n_restarts_optimizer = n_restarts_optimizer
        self.normalize_y = normalize_y
        self.copy_X_train = copy_X_train
        self.n_targets = n_targets
        self.random_state = random_state
        self.verbose = verbose

    def _lml_value(self, L, alpha, y):
        nu, (n, n_targets) = float(self.degrees_of_freedom), y.shape
        beta = np.einsum("ik,ik->k", y, alpha)
        per_target = (
            -0.5 * n * math.log((nu - 2.0) * math.pi)
            - float(np.log(np.diag(L)).sum())
            + gammaln(0.5 * (nu + n))
            - gammaln(0.5 * nu)
        )
        value = n_targets * per_target - 0.5 * (nu + n) * float(np.log1p(beta / (nu - 2.0)).sum())
        return value, (nu + n) / (2.0 * (nu - 2.0 + beta))

    def fit(self, X, y):
        """Fit the process, maximising the Student-t marginal likelihood.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or list of object
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Training targets.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        super().fit(X, y)
        beta = np.einsum("i...,i...->...", self.y_train_, self.alpha_)
        self.beta_ = float(beta) if beta.ndim == 0 else beta
        return self

    def _variance_scale(self):
        nu, n = float(self.degrees_of_freedom), self.y_train_.shape[0]
        return (nu + np.asarray(self.beta_) - 2.0) / (nu + n - 2.0)

    def _sample_dof(self):
        nu = float(self.degrees_of_freedom)
        return nu + self.y_train_.shape[0] if hasattr(self, "y_train_") else nu
