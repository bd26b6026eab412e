"""SparseSpectrumGPRegressor: a GP on random Fourier features, ``O(n D^2)``.

Bayesian linear regression on ``D`` random features (the Fastfood maps of
:mod:`skbridge.transformers.kernels`), which fits its length scale, signal and
noise variance, and chooses among a few draws of its frequencies, by
maximising its own marginal likelihood (the formulas are in
:mod:`._spectral`).
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ...compat import Interval, StrOptions, fit_context, validate_data
from ...transformers.kernels import FastfoodSampler, RandomFourierSampler
from ._base import _check_predict_flags
from ._spectral import (
    SpectralFeatures,
    budgeted_lbfgs,
    fit_variances,
    grid_then_brent,
    nll_and_grad,
    profile_nll,
    spectrum,
)

__all__ = ["SparseSpectrumGPRegressor"]


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
    maximising this model's own log marginal likelihood, unless their bounds
    are ``"fixed"``. The random frequencies are drawn at length scale 1 and
    rescaled with it, so the likelihood is a smooth function of the length
    scale. ``fit`` runs in four steps:

    1. a search over the length scale (a grid, then Brent) on a subsample of
       at most 384 points, the variances optimised in closed form from one
       eigendecomposition per length scale;
    2. ``n_draws`` draws of the frequencies scored by their marginal
       likelihood on the data (at most 8,192 points) at those
       hyperparameters; the best draw is kept (the spectral points are
       hyperparameters of the sparse-spectrum GP, and the likelihood picks the
       draws that represent the data best);
    3. ``optimizer`` refines the free hyperparameters, within a factor
       ``e^2`` of step 1's values, with the analytic gradient of the marginal
       likelihood (the noise variance profiled out in closed form), in at most
       10 evaluations, on at most ``2,500 (1024 / D)^2`` points (at least
       2,048, at most 8,192);
    4. one solve on all the data at that length scale, whose eigenvalues also
       give the variances' optimum in closed form.

    Steps 2 and 3 take the cosines and sines and the matrix products in
    float32 (the factorisations in float64); step 4 runs in float64.

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
    n_draws : int, default=4
        Draws of the random frequencies to choose from (step 2); 1 keeps the
        first draw.
    optimizer : "fmin_l_bfgs_b", callable or None, default="fmin_l_bfgs_b"
        The refinement (step 3), as in :class:`GPRegressor`: a callable is
        called as ``optimizer(obj_func, initial_theta, bounds=bounds)`` over
        the logarithms of the free hyperparameters (length scale, signal
        variance, noise variance, in that order) and returns ``(theta_opt,
        func_min)``; ``obj_func(theta, eval_gradient=True)`` returns the
        negative log marginal likelihood and its gradient, and ``bounds`` is
        the refinement box. ``None`` keeps the initial hyperparameters (steps
        1 and 3 are skipped, and step 4 solves at the initial values).
    normalize_y : bool, default=True
        Standardise the targets before fitting.
    n_jobs : int, default=None
        Threads of the feature map.
    random_state : int, RandomState instance or None, default=None
        Seed of the random frequencies and of the subsample.

    Attributes
    ----------
    feature_map_ : FastfoodSampler or RandomFourierSampler
        The fitted feature map (the chosen draw) at the fitted length scale.
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

    Notes
    -----
    The error of a random-feature model depends on its draw of frequencies,
    more so with few features; step 2 trades ``n_draws`` cheap likelihood
    evaluations for a smaller spread. The trade-off against the exact GP
    (time, and error against the noise-free function) is measured by
    ``benchmarks/gp.py`` and reported in the documentation.

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
    >>> from skbridge.estimators.gaussian_process import SparseSpectrumGPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(500, 2))
    >>> y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.1 * rng.normal(size=500)
    >>> ssgp = SparseSpectrumGPRegressor(n_components=256, random_state=0).fit(X, y)
    >>> mean, std = ssgp.predict(X[:3], return_std=True)
    >>> bool(np.sqrt(np.mean((ssgp.predict(X) - y) ** 2)) < 0.15)
    True
    >>> bool(0.05 < np.sqrt(ssgp.noise_variance_) * ssgp.y_train_std_ < 0.2)
    True
    >>> ssgp.sample_y(X[:4], n_samples=2).shape
    (4, 2)
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
        "n_draws": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions({"fmin_l_bfgs_b"}), callable, None],
        "normalize_y": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    # Sample sizes: step 1 on at most _SEARCH_SAMPLES, step 2 on at most
    # _SELECT_SAMPLES, step 3 on at most _REFINE_WORK / D^2 (and at least
    # _REFINE_MIN_SAMPLES) of them; the final solve uses them all. Step 3
    # evaluates the likelihood at most _REFINE_MAXFUN times, within
    # _REFINE_RADIUS (in log) of step 1's values.
    _SEARCH_SAMPLES = 384
    _SELECT_SAMPLES = 8_192
    _REFINE_WORK = 2_500 * 1024**2
    _REFINE_MIN_SAMPLES = 2_048
    _REFINE_MAXFUN = 10
    _REFINE_RADIUS = 2.0
    _HYPERPARAMETERS = ("length_scale", "signal_variance", "noise_variance")

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
        n_draws=4,
        optimizer="fmin_l_bfgs_b",
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
        self.n_draws = n_draws
        self.optimizer = optimizer
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
            raise ValueError(
                f"{name}_bounds must be 'fixed' or a pair (low, high), got {bounds!r}."
            )
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

    def _search(self, features, y, theta, bounds):
        """Step 1: the length scale by grid and Brent, the variances in closed form."""
        n, yy = y.shape[0], float(y @ y)

        def best_variances(log_ls):
            s, c = spectrum(features, math.exp(log_ls), y)
            return fit_variances(s, c, yy, n, theta[1], theta[2], bounds[1], bounds[2])

        log_ls = theta[0]
        if bounds[0] is not None:
            cache = {}

            def nll(value):
                cache[value] = best_variances(value)
                return cache[value][2]

            log_ls, _ = grid_then_brent(nll, *bounds[0], n_grid=9, xatol=1e-2)
            log_sf2, log_sn2, _ = cache[log_ls]
        else:
            log_sf2, log_sn2, _ = best_variances(log_ls)
        return np.array([log_ls, log_sf2, log_sn2])

    def _refine(self, features, y, theta, bounds):
        """Step 3: the free hyperparameters by ``optimizer`` with the analytic gradient."""
        free = np.array([b is not None for b in bounds])
        if not free.any():
            return theta
        radius = self._REFINE_RADIUS  # step 1 found the basin: search near its values

        def box(values, limits):
            limits = np.asarray(limits, dtype=np.float64)
            low = np.maximum(limits[:, 0], values - radius)
            return np.column_stack([low, np.minimum(limits[:, 1], values + radius)])

        if self.optimizer == "fmin_l_bfgs_b" and free[1] and free[2]:
            # profile the noise variance out: (log l, log r) only, better conditioned
            log_r = theta[2] - theta[1]
            r_limits = (bounds[2][0] - bounds[1][1], bounds[2][1] - bounds[1][0])
            use = [0, 1] if free[0] else [1]
            x0, limits = np.array([theta[0], log_r])[use], np.array([bounds[0], r_limits])[use]

            noise = {}  # the profiled log sn2 of each point tried

            def profiled(x):
                full = np.array([theta[0], log_r])
                full[use] = x
                value, grad = nll_and_grad(features, y, full, True, np.float32, bounds[2])
                if np.isfinite(value):
                    noise[tuple(x)] = grad[2]
                return value, grad[use]

            x_box = box(x0, limits)
            x = budgeted_lbfgs(profiled, np.clip(x0, x_box[:, 0], x_box[:, 1]), x_box,
                                self._REFINE_MAXFUN)
            if tuple(x) not in noise:
                return theta  # no finite evaluation
            full = np.array([theta[0], log_r])
            full[use] = x
            log_sn2 = noise[tuple(x)]
            refined = np.array([full[0], np.clip(log_sn2 - full[1], *bounds[1]), log_sn2])
            return self._checked(refined, bounds)

        def obj_func(theta_free, eval_gradient=True):
            full = theta.copy()
            full[free] = theta_free
            if eval_gradient:
                value, grad = nll_and_grad(features, y, full, True, np.float32)
                return value, grad[free]
            return nll_and_grad(features, y, full, False, np.float32)

        free_box = box(theta[free], [b for b in bounds if b is not None])
        theta0 = np.clip(theta[free], free_box[:, 0], free_box[:, 1])
        if self.optimizer == "fmin_l_bfgs_b":
            theta_free = budgeted_lbfgs(obj_func, theta0, free_box, self._REFINE_MAXFUN)
        else:
            theta_free, _ = self.optimizer(obj_func, theta0, bounds=free_box)
        refined = theta.copy()
        refined[free] = np.asarray(theta_free, dtype=np.float64)
        if not np.isfinite(obj_func(refined[free], eval_gradient=False)):
            return theta  # the optimiser left the region where A is positive definite
        return self._checked(refined, bounds)

    def _checked(self, refined, bounds):
        """Warn, as scikit-learn does, for each hyperparameter that ended at a bound."""
        for name, value, bound in zip(self._HYPERPARAMETERS, refined, bounds):
            if bound is not None and np.isclose(value, bound).any():
                side = "lower" if np.isclose(value, bound[0]) else "upper"
                warnings.warn(
                    f"The optimal value found for {name} is close to the specified {side} "
                    f"bound {math.exp(bound[1] if side == 'upper' else bound[0]):g}. "
                    f"{'Decreasing' if side == 'lower' else 'Increasing'} the bound and "
                    "calling fit again may find a better value.",
                    ConvergenceWarning,
                )
        return refined

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the hyperparameters (ML-II), choose the frequencies, solve for the weights.

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
        seeds = [int(rng.randint(np.iinfo(np.int32).max)) for _ in range(self.n_draws)]
        bounds = [self._log_bounds(name) for name in self._HYPERPARAMETERS]
        if self.normalize_y:
            self.y_train_mean_ = float(np.mean(y))
            std = float(np.std(y))
            self.y_train_std_ = std if std > 0 else 1.0
        else:
            self.y_train_mean_, self.y_train_std_ = 0.0, 1.0
        y = (y - self.y_train_mean_) / self.y_train_std_
        n = X.shape[0]
        theta = np.log([getattr(self, name) for name in self._HYPERPARAMETERS])

        def rows(limit):
            return None if n <= limit else np.sort(rng.choice(n, limit, replace=False))

        def features(seed, rows=None):
            X_rows = X if rows is None else X[rows]
            return SpectralFeatures.from_map(self._sampler(1.0, seed, X), X_rows)

        # Steps 1-3 make many mid-sized BLAS and LAPACK calls, where threads cost
        # more in synchronisation than they gain (and stall on a busy machine):
        # they run single-threaded, as scikit-learn's KMeans runs its iterations.
        with threadpool_limits(limits=1, user_api="blas"):
            if self.optimizer is not None:  # step 1
                search = rows(self._SEARCH_SAMPLES)
                first = features(seeds[0], search)
                theta = self._search(first, y if search is None else y[search], theta, bounds)
            subset = rows(self._SELECT_SAMPLES)
            y_subset = y if subset is None else y[subset]
            best = 0
            if len(seeds) > 1:  # step 2
                scores = [
                    nll_and_grad(features(seed, subset), y_subset, theta, False, np.float32)
                    for seed in seeds
                ]
                best = int(np.argmin(scores))
            if self.optimizer is not None:  # step 3, on fewer rows when D is large
                budget = max(self._REFINE_MIN_SAMPLES, self._REFINE_WORK // self.n_components**2)
                refine = rows(min(self._SELECT_SAMPLES, budget))
                y_refine = y if refine is None else y[refine]
                theta = self._refine(features(seeds[best], refine), y_refine, theta, bounds)
        if not np.isfinite(theta).all():
            raise ValueError(
                "The marginal likelihood is not finite at any hyperparameters tried; "
                "check X and y for extreme values."
            )
        self.length_scale_ = float(
            self.length_scale if bounds[0] is None or self.optimizer is None
            else math.exp(theta[0])
        )
        self.feature_map_ = self._sampler(self.length_scale_, seeds[best], X)
        Z = self.feature_map_.transform(X)
        s, U = linalg.eigh(Z.T @ Z, driver="evd", check_finite=False)
        s = np.clip(s, 0.0, None)
        c = U.T @ (Z.T @ y)
        yy = float(y @ y)
        if self.optimizer is not None:
            # the variances on all the data, in closed form from this spectrum
            theta[1:] = fit_variances(s, c, yy, n, theta[1], theta[2], bounds[1], bounds[2])[:2]
        for name, value, bound in zip(self._HYPERPARAMETERS[1:], theta[1:], bounds[1:]):
            # one not optimised keeps its exact value (no log round trip)
            kept = bound is None or self.optimizer is None
            setattr(self, f"{name}_", float(getattr(self, name) if kept else math.exp(value)))
        ratio = self.noise_variance_ / self.signal_variance_
        self.eigenvalues_ = s
        self.eigenvectors_ = U
        self.coef_ = U @ (c / (s + ratio))
        log_sf2, log_sn2 = math.log(self.signal_variance_), math.log(self.noise_variance_)
        nll = profile_nll(log_sf2, log_sn2, s, c, yy, n)
        if not np.isfinite(nll):
            raise ValueError(
                "The marginal likelihood is not finite at any hyperparameters tried; "
                "check X and y for extreme values."
            )
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

        Raises
        ------
        RuntimeError
            When both ``return_std`` and ``return_cov`` are True.
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

    def sample_y(self, X, n_samples=1, random_state=0):
        """Draw functions from the posterior (in weight space, ``O(D^2)`` per draw).

        Parameters
        ----------
        X : array-like of shape (n_samples_X, n_features)
            Query points.
        n_samples : int, default=1
            Number of functions drawn.
        random_state : int, RandomState instance or None, default=0
            Seed of the draws.

        Returns
        -------
        y_samples : ndarray of shape (n_samples_X, n_samples)
            The values of the drawn latent functions at ``X``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        rng = check_random_state(random_state)
        ratio = self.noise_variance_ / self.signal_variance_
        noise = rng.standard_normal((self.coef_.shape[0], n_samples))
        noise /= np.sqrt(self.eigenvalues_ + ratio)[:, None]
        weights = self.coef_[:, None] + math.sqrt(self.noise_variance_) * (
            self.eigenvectors_ @ noise
        )
        return self.feature_map_.transform(X) @ weights * self.y_train_std_ + self.y_train_mean_
