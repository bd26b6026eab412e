"""The transform registry: small classes that encode one column each.

A transform is stateless between calls: ``fit`` returns the fitted numbers as a
plain, JSON-friendly dict, and ``transform`` / ``inverse`` take that dict back.
This is what lets :meth:`AutoMunger.save_state` write every column's spec as
JSON and replay it without pickle.

Every class has a registry ``name`` and may list Automunge's own category codes
in ``aliases`` (code -> default keyword arguments), so that
``assigncat={'mnmx': [...], 'text': [...]}`` works as written. Resolve a name,
alias, class or instance with :func:`resolve_transform`.
"""

import math
import zlib
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import special, stats

from ._values import jsonable

__all__ = ["TRANSFORMS", "Transform", "resolve_transform"]


class Transform:
    """Base class of the column transforms.

    Subclasses set ``name``, ``input`` ("numeric", "categorical" or
    "datetime"), ``default_infill`` and ``exact_inverse``, take their
    hyper-parameters as keyword arguments, and implement :meth:`fit`,
    :meth:`suffixes`, :meth:`transform` and :meth:`inverse`.
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[dict] = {}
    input: ClassVar[str] = "numeric"
    default_infill: ClassVar[str] = "mean"
    exact_inverse: ClassVar[bool] = True
    invertible: ClassVar[bool] = True

    def get_params(self):
        """Hyper-parameters, as given to ``__init__``."""
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, x):
        """Learn from the training values; return the fitted numbers (a dict)."""
        return {}

    def suffixes(self, fitted):
        """Suffixes of the output features (``""`` keeps the column name)."""
        return [""]

    def transform(self, x, fitted):  # pragma: no cover - abstract
        raise NotImplementedError

    def inverse(self, Z, fitted):
        """Values (numeric) or category codes (categorical) from the output block."""
        raise NotImplementedError(f"{self.name} has no inverse")


# --------------------------------------------------------------------------- numeric


def _observed(x):
    return x[~np.isnan(x)]


def _safe_std(values):
    std = float(np.std(values)) if values.size else 1.0
    return std if std > 0 and np.isfinite(std) else 1.0


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
        u = 0.5 * (np.interp(x, q, self._refs(f)) + 1 - np.interp(-x, -q[::-1], self._refs(f)[::-1]))
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
    aliases = {"excl": {}, "exc2": {}}

    def transform(self, x, f):
        return x[:, None].astype(np.float64, copy=True)

    def inverse(self, Z, f):
        return Z[:, 0].copy()


class Drop(Transform):
    """No output: the column is left out (identifiers, or on request)."""

    name = "drop"
    aliases = {"null": {}}
    input = "none"
    default_infill = "none"
    exact_inverse = False
    invertible = False

    def suffixes(self, f):
        return []

    def transform(self, x, f):
        return np.zeros((len(x), 0))


class Constant(Transform):
    """One column of zeros for a column with a single value (or none)."""

    name = "constant"
    input = "none"
    default_infill = "none"

    def transform(self, x, f):
        return np.zeros((len(x), 1))


class NaNMarker(Transform):
    """Only the 0/1 missing-value indicator of the column (Automunge's ``NArw``).

    ``nan_markers=True`` adds this indicator next to every column that had
    missing values in training; assigning ``"nan_marker"`` keeps the
    indicator alone.
    """

    name = "nan_marker"
    aliases = {"NArw": {}}
    input = "missing"
    default_infill = "none"
    exact_inverse = False
    invertible = False

    def suffixes(self, f):
        return ["nan"]

    def transform(self, x, f):
        return np.asarray(x, dtype=np.float64).reshape(-1, 1)


# ------------------------------------------------------------------------ categorical


def _sort_keys(keys):
    def order(k):
        try:
            return (0, float(k), k)
        except ValueError:
            return (1, 0.0, k)

    return sorted(keys, key=order)


class _Categorical(Transform):
    """Shared vocabulary fitting: categories sorted, with their training counts."""

    input = "categorical"
    default_infill = "zero"

    def fit(self, x):
        observed = x.idx[x.idx >= 0]
        counts = np.bincount(observed, minlength=len(x.keys))
        present = np.flatnonzero(counts)
        by_key = {x.keys[i]: (x.labels[i], int(counts[i])) for i in present}
        keys = _sort_keys(list(by_key))
        return {
            "categories": keys,
            "labels": [jsonable(by_key[k][0]) for k in keys],
            "counts": [by_key[k][1] for k in keys],
        }

    @staticmethod
    def index(f):
        return {k: i for i, k in enumerate(f["categories"])}

    def codes(self, x, f):
        return x.codes(self.index(f))


class OneHot(_Categorical):
    """One 0/1 column per training category; missing and unseen give all zeros.

    With ``min_frequency > 1``, categories seen fewer times in training share
    one ``infrequent`` column (as ``OneHotEncoder(min_frequency=...)``); they
    come back from ``inverse`` as missing.
    """

    name = "onehot"
    aliases = {"text": {}, "onht": {}}

    def __init__(self, min_frequency=1):
        self.min_frequency = min_frequency

    def fit(self, x):
        f = super().fit(x)
        counts = np.asarray(f["counts"])
        if self.min_frequency > 1:
            f["columns"] = np.flatnonzero(counts >= self.min_frequency).tolist()
        else:
            f["columns"] = list(range(len(counts)))
        f["infrequent"] = len(f["columns"]) < len(counts)
        return f

    def _column_of_code(self, f):
        n = len(f["categories"])
        lookup = np.full(n + 2, -1, dtype=np.int64)  # codes -1 and -2 stay inactive
        if f["infrequent"]:
            lookup[:n] = len(f["columns"])
        lookup[np.asarray(f["columns"], dtype=np.int64)] = np.arange(len(f["columns"]))
        return lookup

    def suffixes(self, f):
        names = [f["categories"][i] for i in f["columns"]]
        return names + (["infrequent"] if f["infrequent"] else [])

    def transform(self, x, f):
        cols = self._column_of_code(f)[self.codes(x, f)]
        out = np.zeros((len(cols), len(f["columns"]) + int(f["infrequent"])))
        rows = np.flatnonzero(cols >= 0)
        out[rows, cols[rows]] = 1.0
        return out

    def inverse(self, Z, f):
        n_cols = len(f["columns"])
        if not Z.shape[1]:
            return np.full(len(Z), -1, dtype=np.int64)
        hot = Z.argmax(axis=1)
        codes = np.append(np.asarray(f["columns"], dtype=np.int64), -1)[np.minimum(hot, n_cols)]
        codes[Z.max(axis=1) < 0.5] = -1
        return codes


class Ordinal(_Categorical):
    """One column of integer codes 1..k (0 for missing and unseen).

    ``order="sorted"`` numbers the categories in sorted order,
    ``order="frequency"`` from the most frequent (Automunge's ``ord3``).
    """

    name = "ordinal"
    aliases = {"ordl": {}, "ord3": {"order": "frequency"}}

    def __init__(self, order="sorted"):
        self.order = order

    def fit(self, x):
        f = super().fit(x)
        if self.order == "frequency":
            ranks = np.argsort(np.argsort(-np.asarray(f["counts"]), kind="stable"), kind="stable")
        else:
            ranks = np.arange(len(f["categories"]))
        f["ranks"] = (ranks + 1).tolist()
        return f

    def transform(self, x, f):
        codes = self.codes(x, f)
        lookup = np.concatenate([np.asarray(f["ranks"], dtype=np.float64), [0.0, 0.0]])
        return lookup[codes][:, None]  # codes -1 and -2 index the trailing zeros

    def inverse(self, Z, f):
        ranks = np.asarray(f["ranks"])
        by_rank = np.full(len(ranks) + 1, -1, dtype=np.int64)
        by_rank[ranks] = np.arange(len(ranks))
        r = Z[:, 0].round().astype(np.int64)
        return np.where((r >= 1) & (r <= len(ranks)), by_rank[np.clip(r, 0, len(ranks))], -1)


class BinaryEncoding(_Categorical):
    """The code 1..k of each category in base 2 (``ceil(log2(k + 1))`` columns).

    All-zero bits mean missing or unseen. Automunge's ``1010``.
    """

    name = "binary"
    aliases = {"1010": {}}

    def suffixes(self, f):
        n_bits = max(1, int(len(f["categories"])).bit_length())
        return [f"bit{i}" for i in range(n_bits)]

    def transform(self, x, f):
        codes = self.codes(x, f)
        value = np.where(codes >= 0, codes + 1, 0)
        n_bits = len(self.suffixes(f))
        return ((value[:, None] >> np.arange(n_bits)) & 1).astype(np.float64)

    def inverse(self, Z, f):
        bits = (Z >= 0.5).astype(np.int64)
        value = (bits << np.arange(Z.shape[1])).sum(axis=1)
        return np.where((value >= 1) & (value <= len(f["categories"])), value - 1, -1)


class Flag(_Categorical):
    """One 0/1 column for a two-valued column: 1 for the second category in sorted order.

    Missing values are infilled with the most frequent value by default (as
    Automunge's ``bnry``); unseen values give 0.
    """

    name = "flag"
    aliases = {"bnry": {}}
    default_infill = "mode"

    def fit(self, x):
        f = super().fit(x)
        if len(f["categories"]) > 2:
            raise ValueError(
                f"the 'flag' (bnry) transform needs at most two distinct values, got "
                f"{len(f['categories'])}: assign 'onehot' or 'ordinal' instead."
            )
        return f

    def transform(self, x, f):
        codes = self.codes(x, f)
        return (codes == 1).astype(np.float64)[:, None]

    def inverse(self, Z, f):
        codes = (Z[:, 0] >= 0.5).astype(np.int64)
        if len(f["categories"]) < 2:
            codes[:] = 0 if f["categories"] else -1
        return codes


class Hashing(_Categorical):
    """Signed feature hashing of the words of each value (or the whole value).

    Unseen values are hashed like seen ones; missing values give all zeros.
    ``words=False`` hashes the whole string (Automunge's ``hsh2``). Not
    invertible.
    """

    name = "hashing"
    aliases = {"hash": {}, "hsh2": {"words": False}}
    exact_inverse = False
    invertible = False
    max_stored_categories = 100

    def __init__(self, n_features=16, words=True, lowercase=True):
        self.n_features = n_features
        self.words = words
        self.lowercase = lowercase

    def fit(self, x):
        f = super().fit(x)
        if len(f["categories"]) > self.max_stored_categories:  # kept for drift reports only
            top = np.argsort(-np.asarray(f["counts"]), kind="stable")[: self.max_stored_categories]
            top = np.sort(top)
            for key in ("categories", "labels", "counts"):
                f[key] = [f[key][i] for i in top]
        return f

    def suffixes(self, f):
        return [f"hash{i}" for i in range(self.n_features)]

    def _hash_keys(self, keys):
        H = np.zeros((len(keys) + 1, self.n_features))  # last row: missing
        for row, key in enumerate(keys):
            text = key.lower() if self.lowercase else key
            tokens = text.split() if self.words else [text]
            for token in tokens:
                h = zlib.crc32(token.encode("utf-8"))
                H[row, h % self.n_features] += 1.0 if (h >> 31) & 1 == 0 else -1.0
        return H

    def transform(self, x, f):
        return self._hash_keys(x.keys)[x.idx]

    def inverse(self, Z, f):
        raise NotImplementedError("hashing is not invertible")


# --------------------------------------------------------------------------- datetime


class Epoch(Transform):
    """Seconds since 1970 (UTC), standardised on the training dates."""

    name = "epoch"
    input = "datetime"
    aliases = {"tmsc": {}}

    def fit(self, x):
        return ZScore().fit(x)

    def suffixes(self, f):
        return ["epoch"]

    def transform(self, x, f):
        return ZScore().transform(x, f)

    def inverse(self, Z, f):
        return ZScore().inverse(Z[:, :1], f)


_DAY = 86400.0


class Cyclic(Transform):
    """Standardised timestamp plus sin/cos of the day of year, weekday and time of day.

    The time-of-day pair is added only when the training dates have a time
    component. ``inverse`` reads the timestamp back from the first column.
    Automunge's ``dat6``.
    """

    name = "cyclic"
    input = "datetime"
    aliases = {"dat6": {}}

    def fit(self, x):
        f = ZScore().fit(x)
        obs = _observed(x)
        f["time_of_day"] = bool(obs.size and np.any(np.mod(obs, _DAY) != 0))
        return f

    def suffixes(self, f):
        out = ["epoch", "doy_sin", "doy_cos", "dow_sin", "dow_cos"]
        return out + (["tod_sin", "tod_cos"] if f["time_of_day"] else [])

    def transform(self, x, f):
        n = len(x)
        out = np.empty((n, len(self.suffixes(f))))
        out[:, 0] = (x - f["mean"]) / f["std"]
        stamps = pd.to_datetime(np.where(np.isnan(x), 0, x), unit="s")
        doy = 2 * np.pi * (stamps.dayofyear.to_numpy() - 1) / 365.25
        dow = 2 * np.pi * stamps.dayofweek.to_numpy() / 7
        out[:, 1], out[:, 2] = np.sin(doy), np.cos(doy)
        out[:, 3], out[:, 4] = np.sin(dow), np.cos(dow)
        if f["time_of_day"]:
            tod = 2 * np.pi * np.mod(x, _DAY) / _DAY
            out[:, 5], out[:, 6] = np.sin(tod), np.cos(tod)
        return out

    def inverse(self, Z, f):
        return Z[:, 0] * f["std"] + f["mean"]


# --------------------------------------------------------------------------- registry

TRANSFORMS = {
    cls.name: cls
    for cls in (
        ZScore, MinMax, Robust, BoxCox, YeoJohnson, Log, Quantile, EqualWidthBins,
        EqualFrequencyBins, PassThrough, Drop, Constant, NaNMarker, OneHot, Ordinal, BinaryEncoding,
        Flag, Hashing, Epoch, Cyclic,
    )
}
ALIASES = {
    alias: (cls.name, dict(kwargs))
    for cls in TRANSFORMS.values()
    for alias, kwargs in cls.aliases.items()
}


def transform_names():
    """All accepted names: registry keys and Automunge codes."""
    return sorted(TRANSFORMS) + sorted(ALIASES)


def resolve_transform(spec, kwargs=None):
    """Turn a name, Automunge code, class or instance (plus kwargs) into an instance.

    Returns
    -------
    transform : Transform
    key : str
        The registry name, or ``"module:QualName"`` of a class outside it.
    """
    kwargs = dict(kwargs or {})
    if isinstance(spec, Transform):
        if kwargs:
            spec = type(spec)(**{**spec.get_params(), **kwargs})
        return spec, _key_of_class(type(spec))
    if isinstance(spec, type) and issubclass(spec, Transform):
        return spec(**kwargs), _key_of_class(spec)
    if isinstance(spec, str):
        if spec in TRANSFORMS:
            return TRANSFORMS[spec](**kwargs), spec
        if spec in ALIASES:
            name, defaults = ALIASES[spec]
            return TRANSFORMS[name](**{**defaults, **kwargs}), name
        if ":" in spec:
            return _import_class(spec)(**kwargs), spec
        raise ValueError(
            f"Unknown transform {spec!r}. Use one of {transform_names()}, a Transform "
            f"subclass or an instance."
        )
    raise TypeError(f"A transform must be a name, a Transform class or instance; got {spec!r}.")


def _key_of_class(cls):
    if TRANSFORMS.get(cls.name) is cls:
        return cls.name
    return f"{cls.__module__}:{cls.__qualname__}"


def _import_class(path):
    import importlib

    module, _, qualname = path.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and issubclass(obj, Transform)):
        raise TypeError(f"{path!r} is not a Transform subclass.")
    return obj
