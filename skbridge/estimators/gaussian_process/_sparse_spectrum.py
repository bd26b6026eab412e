"""SparseSpectrumGPRegressor: a GP on random Fourier features, ``O(n D^2)``.

Bayesian linear regression on ``D`` random features (the Fastfood maps of
:mod:`skbridge.transformers.kernels`), which fits its length scale, signal and
noise variance by maximising its own marginal likelihood.
"""

import math
from numbers import Integral, Real

import numpy as np
from scipy import linalg, optimize
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils.validation import check_is_fitted

from ...compat import Interval, StrOptions, fit_context, validate_data
from ...transformers.kernels import FastfoodSampler, RandomFourierSampler
from ._base import _LOG_2PI, _check_predict_flags

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
