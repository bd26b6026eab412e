"""Numeric transforms: scalings, power transforms, quantiles and bins."""

import math

import numpy as np
from scipy import special, stats

from ._transform_base import Transform, _observed, _safe_std

__all__ = [
    "BoxCox",
    "EqualFrequencyBins",
    "EqualWidthBins",
    "Excl",
    "Log",
    "MinMax",
    "PassThrough",
    "Quantile",
    "Robust",
    "YeoJohnson",
    "ZScore",
]


class ZScore(Transform):
    """``(x - mean) / std`` (a constant column gives 0)."""

    name = "zscore"
    aliases = {"nmbr": {}, "standard": {}}

    def fit(self, x):
        obs = _observed(x)
        return {"mean": float(obs.mean()) if obs.size else 0.0, "std": _safe_std(obs)}

    def transform(self, x, f):
        return ((x - f["mean"]) / f["std"])[:, None]

    def inverse(self, Z, f):
        return Z[:, 0] * f["std"] + f["mean"]


class MinMax(Transform):
    """``(x - min) / (max - min)``: 0 to 1 on the training range."""

    name = "minmax"
    aliases = {"mnmx": {}}

    def fit(self, x):
        obs = _observed(x)
        lo, hi = (float(obs.min()), float(obs.max())) if obs.size else (0.0, 1.0)
        return {"min": lo, "range": hi - lo if hi > lo else 1.0}

    def transform(self, x, f):
        return ((x - f["min"]) / f["range"])[:, None]

    def inverse(self, Z, f):
        return Z[:, 0] * f["range"] + f["min"]


class Robust(Transform):
    """``(x - median) / IQR``: scaling that ignores outliers."""

    name = "robust"

    def fit(self, x):
        obs = _observed(x)
        if not obs.size:
            return {"median": 0.0, "iqr": 1.0}
        q1, med, q3 = np.percentile(obs, [25, 50, 75])
        iqr = float(q3 - q1)
        return {"median": float(med), "iqr": iqr if iqr > 0 else _safe_std(obs)}

    def transform(self, x, f):
        return ((x - f["median"]) / f["iqr"])[:, None]

    def inverse(self, Z, f):
        return Z[:, 0] * f["iqr"] + f["median"]


class _Standardized(Transform):
    """A monotone map ``g`` followed by standardisation of ``g(x)``."""

    def _forward(self, x, f):  # pragma: no cover - abstract
        raise NotImplementedError

    def _backward(self, y, f):  # pragma: no cover - abstract
        raise NotImplementedError

    def _fit_map(self, obs):
        return {}

    def fit(self, x):
        obs = _observed(x)
        f = self._fit_map(obs)
        g = self._forward(obs, f) if obs.size else obs
        g = g[np.isfinite(g)]
        f["mean"] = float(g.mean()) if g.size else 0.0
        f["std"] = _safe_std(g)
        return f

    def transform(self, x, f):
        with np.errstate(all="ignore"):
            g = self._forward(x, f)
        return ((g - f["mean"]) / f["std"])[:, None]

    def inverse(self, Z, f):
        with np.errstate(all="ignore"):
            return self._backward(Z[:, 0] * f["std"] + f["mean"], f)


def _positive_shift(obs):
    """Shift that makes the training minimum at least 1 when it is not positive."""
    return 0.0 if not obs.size or obs.min() > 0 else float(1.0 - obs.min())


class BoxCox(_Standardized):
    """Box-Cox power transform (shifted to positive values), then standardised."""

    name = "boxcox"
    aliases = {"bxcx": {}}

    def _fit_map(self, obs):
        shift = _positive_shift(obs)
        lmbda = 1.0
        if obs.size > 2 and np.ptp(obs) > 0:
            with np.errstate(all="ignore"):
                lmbda = float(stats.boxcox_normmax(obs + shift, method="mle"))
            if not np.isfinite(lmbda):
                lmbda = 1.0
        return {"shift": shift, "lambda": lmbda}

    def _forward(self, x, f):
        z = np.maximum(x + f["shift"], 1e-12)
        return special.boxcox(z, f["lambda"])

    def _backward(self, y, f):
        return special.inv_boxcox(y, f["lambda"]) - f["shift"]


def _yeojohnson_inverse(y, lmbda):
    x = np.empty_like(y)
    pos = y >= 0
    if abs(lmbda) < 1e-12:
        x[pos] = np.expm1(y[pos])
    else:
        x[pos] = np.power(y[pos] * lmbda + 1, 1 / lmbda) - 1
    if abs(lmbda - 2) < 1e-12:
        x[~pos] = -np.expm1(-y[~pos])
    else:
        x[~pos] = 1 - np.power(-(2 - lmbda) * y[~pos] + 1, 1 / (2 - lmbda))
    return x


class YeoJohnson(_Standardized):
    """Yeo-Johnson power transform (any sign), then standardised."""

    name = "yeojohnson"

    def _fit_map(self, obs):
        lmbda = 1.0
        if obs.size > 2 and np.ptp(obs) > 0:
            with np.errstate(all="ignore"):
                lmbda = float(stats.yeojohnson_normmax(obs))
            if not np.isfinite(lmbda):
                lmbda = 1.0
        return {"lambda": lmbda}

    def _forward(self, x, f):
        return stats.yeojohnson(x, f["lambda"])

    def _backward(self, y, f):
        return _yeojohnson_inverse(y, f["lambda"])


class Log(_Standardized):
    """``log(x + shift)`` in the given base (shifted when the minimum is not positive)."""

    name = "log"
    aliases = {"logn": {}, "log0": {"base": 10.0}}

    def __init__(self, base=math.e, standardize=False):
        self.base = base
        self.standardize = standardize

    def _fit_map(self, obs):
        return {"shift": _positive_shift(obs)}

    def _forward(self, x, f):
        return np.log(np.maximum(x + f["shift"], 1e-12)) / math.log(self.base)

    def _backward(self, y, f):
        return np.power(self.base, y) - f["shift"]

    def fit(self, x):
        f = super().fit(x)
        if not self.standardize:
            f["mean"], f["std"] = 0.0, 1.0
        return f


class Quantile(Transform):
    """Empirical CDF on the training quantiles: uniform (0, 1) or normal output.

    ``inverse`` interpolates back between the stored quantiles, so it is exact
    only up to their resolution.
    """

    name = "quantile"
    aliases = {"qttf": {"output_distribution": "normal"}}
    exact_inverse = False

    def __init__(self, n_quantiles=200, output_distribution="uniform"):
        self.n_quantiles = n_quantiles
        self.output_distribution = output_distribution

    def fit(self, x):
        obs = _observed(x)
        n = max(2, min(self.n_quantiles, obs.size))
        refs = np.linspace(0, 1, n)
        quantiles = np.quantile(obs, refs) if obs.size else refs
        return {"quantiles": np.maximum.accumulate(quantiles).tolist()}

    def _refs(self, f):
        return np.linspace(0, 1, len(f["quantiles"]))

    def transform(self, x, f):
        q = np.asarray(f["quantiles"])
        refs = self._refs(f)
        u = 0.5 * (np.interp(x, q, refs) + 1 - np.interp(-x, -q[::-1], refs[::-1]))
        if self.output_distribution == "normal":
            eps = 1e-7
            u = special.ndtri(np.clip(u, eps, 1 - eps))
        return u[:, None]

    def inverse(self, Z, f):
        u = Z[:, 0]
        if self.output_distribution == "normal":
            u = special.ndtr(u)
        return np.interp(u, self._refs(f), np.asarray(f["quantiles"]))


class _Bins(Transform):
    """Bins of the training range, one-hot (or ordinal) encoded.

    ``inverse`` returns the training mean of each bin (approximate).
    """

    exact_inverse = False

    def __init__(self, n_bins=5, encode="onehot"):
        self.n_bins = n_bins
        self.encode = encode

    def _edges(self, obs):  # pragma: no cover - abstract
        raise NotImplementedError

    def fit(self, x):
        obs = _observed(x)
        edges = self._edges(obs) if obs.size else np.array([0.0, 1.0])
        inner = edges[1:-1]
        b = np.searchsorted(inner, obs, side="right")
        n = len(edges) - 1
        sums = np.bincount(b, weights=obs, minlength=n)
        counts = np.bincount(b, minlength=n)
        centers = (edges[:-1] + edges[1:]) / 2
        means = np.where(counts > 0, sums / np.maximum(counts, 1), centers)
        return {"inner_edges": inner.tolist(), "bin_means": means.tolist()}

    def suffixes(self, f):
        if self.encode == "ordinal":
            return ["bin"]
        return [f"bin{i}" for i in range(len(f["bin_means"]))]

    def transform(self, x, f):
        b = np.searchsorted(np.asarray(f["inner_edges"]), x, side="right")
        if self.encode == "ordinal":
            return b[:, None].astype(np.float64)
        out = np.zeros((len(x), len(f["bin_means"])))
        out[np.arange(len(x)), b] = 1.0
        return out

    def inverse(self, Z, f):
        b = Z[:, 0].round().astype(np.int64) if self.encode == "ordinal" else Z.argmax(axis=1)
        return np.asarray(f["bin_means"])[np.clip(b, 0, len(f["bin_means"]) - 1)]


class EqualWidthBins(_Bins):
    """``n_bins`` bins of equal width over the training range."""

    name = "equal_width"
    aliases = {"bnwd": {}, "bnwo": {"encode": "ordinal"}}

    def _edges(self, obs):
        lo, hi = float(obs.min()), float(obs.max())
        if hi <= lo:
            return np.array([lo - 0.5, hi + 0.5])
        return np.linspace(lo, hi, self.n_bins + 1)


class EqualFrequencyBins(_Bins):
    """``n_bins`` bins holding about the same number of training rows."""

    name = "equal_frequency"
    aliases = {"bnep": {}, "bneo": {"encode": "ordinal"}}

    def _edges(self, obs):
        edges = np.unique(np.quantile(obs, np.linspace(0, 1, self.n_bins + 1)))
        if len(edges) < 2:
            return np.array([edges[0] - 0.5, edges[0] + 0.5])
        return edges


class PassThrough(Transform):
    """The numbers as they are (missing values infilled)."""

    name = "passthrough"
    aliases = {"exc2": {}}

    def transform(self, x, f):
        return x[:, None].astype(np.float64, copy=True)

    def inverse(self, Z, f):
        return Z[:, 0].copy()



class Excl(PassThrough):
    """Automunge's ``excl``: the numbers untouched, with no infill and no NaN marker.

    Missing values stay NaN (infill ``"nan"`` unless ``assigninfill`` names
    another), and the column is left out of the other columns' ML-infill
    models and of PCA. ``suffix="excl"`` names the output ``<column>_excl``
    (what ``AutoMunger(excl_suffix=True)`` passes).
    """

    name = "excl"
    aliases = {}
    default_infill = "nan"
    adds_nan_marker = False
    ml_features = False

    def __init__(self, suffix=""):
        self.suffix = suffix

    def suffixes(self, f):
        return [self.suffix]
