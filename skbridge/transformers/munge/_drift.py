"""Drift: reference statistics kept at fit time, compared with new data per column."""

import warnings

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._values import categorical_values, read_column

__all__ = [
    "DriftReportMixin",
    "compare_categorical",
    "compare_numeric",
    "reference_categorical",
    "reference_numeric",
]

_EPS = 1e-4
_N_QUANTILES = 101
_MAX_CATEGORIES = 100


def _psi(p, q):
    p = np.clip(np.asarray(p, dtype=np.float64), _EPS, None)
    q = np.clip(np.asarray(q, dtype=np.float64), _EPS, None)
    return float(np.sum((q - p) * np.log(q / p)))


def _sorted_quantiles(sorted_values, probs):
    """``np.quantile`` (linear interpolation) of already sorted values."""
    pos = np.asarray(probs) * (sorted_values.size - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, sorted_values.size - 1)
    return sorted_values[lo] + (pos - lo) * (sorted_values[hi] - sorted_values[lo])


def reference_numeric(x):
    """Deciles, their proportions and a 101-point quantile sketch of ``x``."""
    missing = np.isnan(x)
    obs = np.sort(x[~missing])
    ref = {"type": "numeric", "nan_rate": float(missing.mean()) if len(x) else 0.0}
    if not obs.size:
        return {**ref, "mean": 0.0, "std": 0.0, "edges": [], "props": [1.0], "quantiles": []}
    edges = np.unique(_sorted_quantiles(obs, np.linspace(0.1, 0.9, 9)))
    below = np.searchsorted(obs, edges, side="left")  # bins [edge_k-1, edge_k), as in compare
    counts = np.diff(np.concatenate([[0], below, [obs.size]]))
    return {
        **ref,
        "mean": float(obs.mean()),
        "std": float(obs.std()),
        "edges": edges.tolist(),
        "props": (counts / obs.size).tolist(),
        "quantiles": _sorted_quantiles(obs, np.linspace(0, 1, _N_QUANTILES)).tolist(),
    }


def compare_numeric(ref, x):
    """PSI over the training deciles and a KS statistic against the quantile sketch."""
    missing = np.isnan(x)
    obs = np.sort(x[~missing])
    out = {
        "nan_rate_fit": ref["nan_rate"],
        "nan_rate_new": float(missing.mean()) if len(x) else 0.0,
        "mean_fit": ref["mean"],
        "mean_new": float(obs.mean()) if obs.size else np.nan,
        "psi": np.nan,
        "ks": np.nan,
        "n_new_categories": 0,
        "new_categories": [],
    }
    if obs.size and ref["quantiles"]:
        edges = np.asarray(ref["edges"])
        counts = np.bincount(np.searchsorted(edges, obs, side="right"), minlength=len(edges) + 1)
        out["psi"] = _psi(ref["props"], counts / obs.size)
        q = np.asarray(ref["quantiles"])
        # both CDFs at the training quantiles; the training one from the sketch,
        # right-continuous so that repeated values (discrete columns) are handled
        fit_cdf = np.searchsorted(q, q, side="right") / len(q)
        fit_cdf[q >= q[-1]] = 1.0
        new_cdf = np.searchsorted(obs, q, side="right") / obs.size
        out["ks"] = float(np.max(np.abs(new_cdf - fit_cdf)))
    return out


def reference_categorical(values, vocabulary):
    """Proportions of the (at most 100) most frequent training categories."""
    missing = values.missing
    codes = values.codes({k: i for i, k in enumerate(vocabulary)})
    ref = {"type": "categorical", "nan_rate": float(missing.mean()) if len(values) else 0.0}
    known = codes[codes >= 0]
    counts = np.bincount(known, minlength=len(vocabulary))
    n_obs = max(int((~missing).sum()), 1)
    top = np.sort(np.argsort(-counts, kind="stable")[:_MAX_CATEGORIES])
    props = counts[top] / n_obs
    return {
        **ref,
        "categories": [vocabulary[i] for i in top],
        "props": props.tolist(),
        "other": float(max(0.0, 1.0 - props.sum())),
    }


def compare_categorical(ref, values, vocabulary):
    """PSI over the training categories, plus the categories not seen in training."""
    missing = values.missing
    n_obs = int((~missing).sum())
    index = {k: i for i, k in enumerate(ref["categories"])}
    codes = values.codes(index)
    known = set(vocabulary)
    present = np.unique(values.idx[values.idx >= 0])
    new = [values.keys[i] for i in present if values.keys[i] not in known]
    out = {
        "nan_rate_fit": ref["nan_rate"],
        "nan_rate_new": float(missing.mean()) if len(values) else 0.0,
        "mean_fit": np.nan,
        "mean_new": np.nan,
        "psi": np.nan,
        "ks": np.nan,
        "n_new_categories": len(new),
        "new_categories": sorted(new)[:10],
    }
    if n_obs:
        counts = np.bincount(codes[codes >= 0], minlength=len(index))
        q = np.append(counts / n_obs, 1.0 - counts.sum() / n_obs)
        p = np.append(ref["props"], ref["other"])
        out["psi"] = _psi(p, q)
    return out


_COLUMNS = ["column", "kind", "psi", "ks", "nan_rate_fit", "nan_rate_new", "n_new_categories",
            "new_categories", "mean_fit", "mean_new", "drift"]


def _compare_column(spec, series):
    """Drift statistics of one column, and the share of rows in new categories."""
    ref = spec["reference"]
    new_rate = 0.0
    if ref["type"] == "numeric":
        stats = compare_numeric(ref, read_column(series, spec)[0])
    elif ref["type"] == "categorical":
        values = categorical_values(series)
        vocabulary = spec["transform"]["fitted"].get("categories", [])
        stats = compare_categorical(ref, values, vocabulary)
        codes = values.codes({k: i for i, k in enumerate(vocabulary)})
        new_rate = float(np.mean(codes == -2)) if vocabulary else 0.0
    else:
        stats = {
            "nan_rate_fit": ref["nan_rate"], "nan_rate_new": float(series.isna().mean()),
            "mean_fit": np.nan, "mean_new": np.nan, "psi": np.nan, "ks": np.nan,
            "n_new_categories": 0, "new_categories": [],
        }
    if spec["transform"]["name"] == "hashing":
        # only the most frequent training values are kept: "new" means little here
        stats["n_new_categories"], stats["new_categories"], new_rate = np.nan, [], 0.0
        stats["psi"] = np.nan
    return stats, new_rate


class DriftReportMixin:
    """:meth:`drift_report` of :class:`AutoMunger`, from its ``column_specs_``."""

    def drift_report(self, X):
        """Compare new data with the training data, column by column.

        DataFrame columns are matched by name (missing columns count as all
        missing); arrays by position.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        report : DataFrame
            One row per input column: ``kind``; ``psi``, the population
            stability index over the training deciles (numbers, dates) or
            categories (above 0.1: moderate shift, above 0.25: large);
            ``ks``, the Kolmogorov-Smirnov statistic against the training
            distribution (numbers and dates); the missing rate in training
            and now; the number and first few of the categories never seen in
            training; the means; and ``drift``, True where ``psi > 0.25``, ``ks
            > 0.2``, the missing rate moved by more than 0.1, or new categories
            make up more than 1 % of the rows.
        """
        check_is_fitted(self)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frame = self._validate_frame(X, reset=False, policy="align")
        rows = []
        for col, spec in self.column_specs_.items():
            stats, new_rate = _compare_column(spec, frame[col])
            drift = bool(
                (np.nan_to_num(stats["psi"]) > 0.25)
                or (np.nan_to_num(stats["ks"]) > 0.2)
                or abs(stats["nan_rate_new"] - stats["nan_rate_fit"]) > 0.1
                or new_rate > 0.01
            )
            rows.append({"column": col, "kind": spec["kind"], **stats, "drift": drift})
        return pd.DataFrame(rows, columns=_COLUMNS)
