"""The sparse-spectrum GP's features and marginal likelihood.

The model is Bayesian linear regression on ``D`` random Fourier features,
``y = sqrt(sf2) Z(X) w + e`` with ``w ~ N(0, I)`` and ``e ~ N(0, sn2 I)``.
The features of a length scale ``l`` are those of the feature map fitted at
``l = 1`` applied to ``X / l``, so the projections ``P = X Omega`` are computed
once and every ``l`` costs only a cosine and a sine per entry; the derivative
of the features with respect to ``log l`` is ``-P / l`` times the paired
feature. With ``r = sn2 / sf2``, ``A = Z^T Z + r I`` and ``b = Z^T y``::

    -log p(y) = (y^T y - b^T A^-1 b) / (2 sn2) + (n - D) / 2 log sn2
                + D / 2 log sf2 + 1/2 log|A| + n / 2 log(2 pi)

Two evaluations of it live here: from the eigenvalues of ``Z^T Z`` (one
eigendecomposition per length scale, then ``O(D)`` per pair of variances,
which :func:`fit_variances` optimises in closed form and one dimension), and
from a Cholesky factor of ``A``, with the analytic gradient in the three
log-hyperparameters (:func:`nll_and_grad`).
"""

import math

import numpy as np
from scipy import linalg, optimize

from ...transformers.kernels import fwht

__all__ = [
    "SpectralFeatures",
    "budgeted_lbfgs",
    "fit_variances",
    "frequency_matrix",
    "grid_then_brent",
    "nll_and_grad",
    "profile_nll",
]

_LOG_2PI = math.log(2.0 * math.pi)
# Angles below this many radians are scaled in float32 (error below 1e-4 rad).
_SINGLE_ANGLE_LIMIT = 1e3


def frequency_matrix(sampler):
    """The frequencies ``Omega`` (n_features, n_frequencies) of a fitted feature map.

    :class:`~skbridge.transformers.RandomFourierSampler` stores them;
    :class:`~skbridge.transformers.FastfoodSampler`'s are its blocks
    ``S H G P H B`` applied to the unit vectors (its ``transform`` computes
    ``cos``/``sin`` of ``X Omega``).
    """
    if hasattr(sampler, "random_weights_"):
        return np.asarray(sampler.random_weights_, dtype=np.float64)
    d = sampler.n_features_in_
    signs = np.asarray(sampler.signs_, dtype=np.float64)
    n_blocks, dp = signs.shape
    eye = np.zeros((d, dp))
    eye[np.arange(d), np.arange(d)] = 1.0
    blocks = []
    for b in range(n_blocks):
        Y = fwht(eye * signs[b])[:, sampler.permutations_[b]] * sampler.gaussians_[b]
        blocks.append(fwht(Y) * sampler.scales_[b])
    return np.hstack(blocks)[:, : (sampler.n_components + 1) // 2]


class SpectralFeatures:
    """The features of one draw of frequencies on one ``X``, at any length scale.

    Parameters
    ----------
    projections : ndarray of shape (n_samples, n_frequencies)
        ``X Omega`` at length scale 1.
    n_components : int
        ``D``: ``cos`` and ``sin`` of the first ``D // 2`` frequencies, and for
        an odd ``D`` one ``sqrt(2) cos(. + offset)`` of the last, all over
        ``sqrt(n_frequencies)`` (the layout of the feature maps).
    offset : float
        Phase of the unpaired frequency.
    """

    def __init__(self, projections, n_components, offset):
        self.projections = projections
        self.n_components = n_components
        self.offset = float(offset)
        self._single = self._largest = None

    @classmethod
    def from_map(cls, sampler, X):
        """Features of the fitted map ``sampler`` (at length scale 1) on ``X``."""
        return cls(X @ frequency_matrix(sampler), sampler.n_components, sampler.offset_)

    def subset(self, rows=None, n_components=None):
        """Features of some rows, and of the first ``n_components`` (even) only."""
        P = self.projections if rows is None else self.projections[rows]
        if n_components is None or n_components >= self.n_components:
            return SpectralFeatures(P, self.n_components, self.offset)
        return SpectralFeatures(P[:, : n_components // 2], n_components, self.offset)

    @property
    def n_samples(self):
        return self.projections.shape[0]

    def _angles(self, length_scale):
        """The angles ``P / l`` in float32, and in float64 where they are large."""
        if self._single is None:
            self._single = self.projections.astype(np.float32)
            self._largest = float(np.max(np.abs(self.projections), initial=0.0))
        if self._largest / length_scale < _SINGLE_ANGLE_LIMIT:
            return self._single * np.float32(1.0 / length_scale), None
        # large angles: reduce them modulo 2 pi in float64 first
        theta = self.projections * (1.0 / length_scale)
        return np.mod(theta, 2.0 * math.pi).astype(np.float32), theta

    def __call__(self, length_scale, dtype=np.float64, grad=False):
        """``Z`` (n_samples, D), and ``dZ / dlog(length_scale)`` when ``grad``.

        The cosines and sines are taken in float32 (far cheaper than float64);
        ``dtype`` is that of the returned arrays, whose products then run in
        that precision.
        """
        reduced, theta = self._angles(length_scale)
        n_pairs, n_freq = self.n_components // 2, reduced.shape[1]
        scale = 1.0 / math.sqrt(n_freq)
        Z = np.empty((reduced.shape[0], self.n_components), dtype=np.float32)
        cos, sin = Z[:, :n_pairs], Z[:, n_pairs : 2 * n_pairs]
        np.cos(reduced[:, :n_pairs], out=cos)
        np.sin(reduced[:, :n_pairs], out=sin)
        odd = self.n_components % 2 == 1
        last = self.projections[:, n_pairs] * (1.0 / length_scale) if odd else None
        if odd:
            Z[:, -1] = math.sqrt(2.0) * np.cos(last + self.offset)
        if grad:  # d cos(t)/dlog l = t sin(t), d sin(t)/dlog l = -t cos(t)
            angle = reduced[:, :n_pairs] if theta is None else theta[:, :n_pairs]
            angle = angle.astype(np.float32, copy=False)
            dZ = np.empty_like(Z)
            np.multiply(sin, angle, out=dZ[:, :n_pairs])
            np.multiply(cos, angle, out=dZ[:, n_pairs : 2 * n_pairs])
            dZ[:, n_pairs : 2 * n_pairs] *= -1
            if odd:
                dZ[:, -1] = math.sqrt(2.0) * np.sin(last + self.offset) * last
            dZ *= scale
            dZ = dZ.astype(dtype, copy=False)
        Z *= scale
        Z = Z.astype(dtype, copy=False)
        return (Z, dZ) if grad else Z


def gram(Z):
    """``Z^T Z`` (in ``Z``'s precision), returned in float64."""
    return (Z.T @ Z).astype(np.float64, copy=False)


def spectrum(features, length_scale, y):
    """Eigenvalues of ``Z^T Z`` and the projections of ``Z^T y`` on its eigenvectors.

    In float64: small eigenvalues over a small noise ratio need it. With fewer
    samples than features the ``n x n`` matrix ``Z Z^T`` is decomposed
    instead (same non-zero eigenvalues).
    """
    Z = features(length_scale, np.float64)
    if Z.shape[0] < Z.shape[1]:
        s, V = linalg.eigh((Z @ Z.T).astype(np.float64), driver="evd", check_finite=False)
        s = np.clip(s, 0.0, None)
        return s, np.sqrt(s) * (V.T @ y)
    s, U = linalg.eigh(gram(Z), driver="evd", check_finite=False)
    return np.clip(s, 0.0, None), U.T @ (Z.T @ y).astype(np.float64)


def profile_nll(log_sf2, log_sn2, s, c, yy, n):
    """Negative log marginal likelihood from the eigenvalues ``s`` of ``Z^T Z``.

    Zero eigenvalues may be left out (they add nothing), so ``s`` and ``c`` may
    hold ``min(n, D)`` values.
    """
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


def grid_then_brent(func, low, high, n_grid=13, xatol=1e-3):
    """Minimise a 1-D function on [low, high]: a grid finds the basin, Brent refines."""
    if high <= low:
        return low, func(low)
    grid = np.linspace(low, high, n_grid)
    values = [func(g) for g in grid]
    i = int(np.argmin(values))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, n_grid - 1)]
    result = optimize.minimize_scalar(
        func, bounds=(a, b), method="bounded", options={"xatol": xatol}
    )
    if result.fun < values[i]:
        return float(result.x), float(result.fun)
    return float(grid[i]), float(values[i])


def fit_variances(s, c, yy, n, log_sf0, log_sn0, sf_bounds, sn_bounds):
    """Best (log sf2, log sn2, nll) for one spectrum, the free ones optimised.

    Bounds are ``(low, high)`` in log space or ``None`` for fixed. For a fixed
    ratio ``r = sn2 / sf2`` the best noise variance is ``(yy - c^T (S + r)^-1
    c) / n`` in closed form, so with both free the search is one-dimensional,
    over ``log r``.
    """

    def nll(log_sf2, log_sn2):
        return profile_nll(log_sf2, log_sn2, s, c, yy, n)

    if sf_bounds is None and sn_bounds is None:
        return log_sf0, log_sn0, nll(log_sf0, log_sn0)
    if sn_bounds is None:
        x, value = grid_then_brent(lambda v: nll(v, log_sn0), *sf_bounds)
        return x, log_sn0, value
    if sf_bounds is None:
        x, value = grid_then_brent(lambda v: nll(log_sf0, v), *sn_bounds)
        return log_sf0, x, value

    def profile(log_r):
        r = math.exp(log_r)
        quad = max(yy - float(np.sum(c * c / (s + r))), 1e-12 * max(yy, 1.0))
        log_sn2 = float(np.clip(math.log(quad / n), *sn_bounds))
        log_sf2 = float(np.clip(log_sn2 - log_r, *sf_bounds))
        return nll(log_sf2, log_sn2), log_sf2, log_sn2

    low, high = sn_bounds[0] - sf_bounds[1], sn_bounds[1] - sf_bounds[0]
    log_r, value = grid_then_brent(lambda v: profile(v)[0], low, high, n_grid=21)
    _, log_sf2, log_sn2 = profile(log_r)
    return log_sf2, log_sn2, value


def _solve(Z, y, r):
    """Cholesky factor of ``A = Z^T Z + r I``, ``u = A^-1 Z^T y`` and ``y^T y - b^T u``."""
    A = gram(Z)
    A[np.diag_indices_from(A)] += r
    try:
        L = linalg.cholesky(A, lower=True, check_finite=False)
    except linalg.LinAlgError:
        return None
    b = (Z.T @ y.astype(Z.dtype, copy=False)).astype(np.float64)
    u = linalg.cho_solve((L, True), b, check_finite=False)
    yy = float(y @ y)
    return L, u, max(yy - float(b @ u), 1e-12 * max(yy, 1.0))


def nll_and_grad(features, y, theta, eval_gradient=True, dtype=np.float64, noise_bounds=None):
    """Negative log marginal likelihood at ``theta = log(l, sf2, sn2)``, by Cholesky.

    Returns ``inf`` (and a zero gradient) where ``A`` is not positive
    definite. The gradient is over all three log-hyperparameters. With
    ``dtype=np.float32`` the matrix products run in single precision (the
    factorisation in double), and where rounding leaves ``A`` indefinite (a
    tiny noise ratio) the evaluation is redone in float64.

    With ``noise_bounds`` (log bounds of ``sn2``), ``theta`` is ``log(l, r)``
    and the noise variance is profiled out: set to its best value ``(y^T y -
    b^T A^-1 b) / n`` within the bounds, ``sf2 = sn2 / r``. The objective is
    then two-dimensional and far better conditioned; the returned gradient is
    over ``log(l, r)`` (exact: at the best ``sn2`` its own derivative is zero,
    and at a bound ``sn2`` does not move), followed by the ``log sn2`` used.
    """
    profiled = noise_bounds is not None
    log_ls = float(theta[0])
    if profiled:
        log_r, log_sn2 = float(theta[1]), None
    else:
        log_sn2 = float(theta[2])
        log_r = log_sn2 - float(theta[1])
    r, n = math.exp(log_r), y.shape[0]
    if eval_gradient:
        Z, dZ = features(math.exp(log_ls), dtype, grad=True)
    else:
        Z = features(math.exp(log_ls), dtype)
    D = Z.shape[1]
    solved = _solve(Z, y, r)
    if solved is None:
        if dtype != np.float64:
            return nll_and_grad(features, y, theta, eval_gradient, np.float64, noise_bounds)
        failed = (math.inf, np.zeros(len(theta) + profiled)) if eval_gradient else math.inf
        return failed
    L, u, q = solved
    if profiled:
        log_sn2 = float(np.clip(math.log(q / n), *noise_bounds))
    log_sf2 = log_sn2 - log_r
    sn2 = math.exp(log_sn2)
    log_det = 2.0 * float(np.log(np.diag(L)).sum())
    value = 0.5 * (q / sn2 + (n - D) * log_sn2 + D * log_sf2 + log_det + n * _LOG_2PI)
    if not eval_gradient:
        return value
    A_inv, info = linalg.lapack.dpotri(L, lower=True)
    if info != 0:
        return math.inf, np.zeros(len(theta) + profiled)
    uu, tr_inv = float(u @ u), float(np.trace(A_inv))
    Zu = Z @ u.astype(dtype, copy=False)
    dZu = dZ @ u.astype(dtype, copy=False)
    # d(b^T A^-1 b) = 2 u^T dZ^T y - u^T (dZ^T Z + Z^T dZ) u
    d_quad = -(2.0 * float(dZu @ y) - 2.0 * float(dZu @ Zu))
    # tr(A^-1 dA) = 2 tr(A^-1 Z^T dZ), from the lower triangle of A^-1 (dpotri's)
    M = Z.T @ dZ
    lower = np.tril(A_inv)
    tr_dA = 2.0 * float(np.sum(lower * M) + np.sum(lower * M.T) - np.diag(A_inv) @ np.diag(M))
    d_ls = 0.5 * (d_quad / sn2 + tr_dA)
    d_sf2 = 0.5 * (-r * uu / sn2 + D - r * tr_inv)  # at fixed sn2
    if profiled:
        return value, np.array([d_ls, -d_sf2, log_sn2])
    d_sn2 = 0.5 * (r * uu / sn2 - q / sn2 + (n - D) + r * tr_inv)
    return value, np.array([d_ls, d_sf2, d_sn2])


class _BudgetSpent(Exception):
    pass


def budgeted_lbfgs(obj_func, theta0, bounds, max_evaluations, tolerance=0.05):
    """L-BFGS-B within ``max_evaluations``, returning the best point seen.

    float32 products leave ~0.01 of noise in the objective, in which the line
    search of L-BFGS-B can spend many evaluations near the optimum; the budget,
    and a stopping tolerance of ``tolerance`` (absolute, per iteration) above
    the noise, bound that.
    """
    theta0 = np.asarray(theta0, dtype=np.float64)
    first = obj_func(theta0)
    best = [first[0], theta0.copy()]
    count = [1]

    def counted(theta):
        if np.array_equal(theta, theta0):
            return first
        if count[0] >= max_evaluations:
            raise _BudgetSpent
        count[0] += 1
        value, grad = obj_func(theta)
        if value < best[0]:
            best[:] = [value, np.array(theta, dtype=np.float64)]
        return value, grad

    if np.isfinite(first[0]):
        try:
            optimize.minimize(
                counted, theta0, method="L-BFGS-B", jac=True, bounds=bounds,
                options={"ftol": tolerance / max(abs(first[0]), 1.0)},
            )
        except _BudgetSpent:
            pass
    return best[1]
