"""Feature importance and selection: Automunge's ``featureselection``.

A model (a small histogram gradient boosting, as for ML infill) is trained on
80 % of the prepared training rows and scored on the other 20 %; then the
output columns of each source column are shuffled together (``metric``: the
score lost, higher is more important) and, within a source column of several
outputs, all of them but one (``metric2``: the score lost when only that output
is left intact, lower is more important). The report has Automunge's
``featureimportance`` form; :func:`select_sources` keeps the source columns
that pass ``featurethreshold``.
"""

import math

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import type_of_target

from ._ml_infill import thread_limit

__all__ = ["feature_importance", "select_sources", "check_labels"]

_N_REPEATS = 3


def check_labels(y, n_rows, what):
    """``y`` as a 1-D array of ``n_rows`` labels, or a clear error."""
    if y is None:
        raise ValueError(
            f"{what} needs labels: pass y to fit (or name the label column in labels_column)."
        )
    y = np.asarray(getattr(y, "to_numpy", lambda: y)())
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n_rows:
        raise ValueError(
            f"{what} needs one label per row: got labels of shape {y.shape} for {n_rows} rows."
        )
    missing = pd.isna(pd.Series(y)).to_numpy()
    if missing.any():
        raise ValueError(
            f"The labels contain {int(missing.sum())} missing value(s); {what} needs a label "
            f"for every row: drop those rows first."
        )
    return y


def _model(kind, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    cls = HistGradientBoostingClassifier if kind == "classifier" else HistGradientBoostingRegressor
    return cls(max_iter=50, max_leaf_nodes=15, early_stopping=False, random_state=seed)


def feature_importance(Z, groups, y, *, seed, names, n_jobs=1):
    """Permutation importance of every source column and of its output columns.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_outputs)
        The prepared training table.
    groups : dict of str to list of int
        For every source column, the indices of its output columns (its NaN
        marker included).
    y : array-like of shape (n_samples,)
        The labels: classes (scored by accuracy) or numbers (R²).
    seed : int
        Seed of the split, the model and the shuffles.
    names : list of str
        Names of the output columns.
    n_jobs : int or None, default=1
        OpenMP threads of the model (the munger's ``n_jobs``).

    Returns
    -------
    report : dict
        ``{"FScolumn_dict": {output: {"source", "metric", "metric2"}},
        "FS_sorted": {"baseaccuracy", "column_key", "metric2_column_key"},
        "scoring": "accuracy" or "r2"}``: ``column_key`` maps every source
        column to its metric, most important first; ``metric2_column_key``
        maps every source column to its outputs' metric2, most important
        first.
    """
    y = check_labels(y, len(Z), "featureselection")
    with thread_limit(n_jobs):
        return _importance(Z, groups, y, seed, names)


def _importance(Z, groups, y, seed, names):
    kind = "regressor" if type_of_target(y) == "continuous" else "classifier"
    score = r2_score if kind == "regressor" else accuracy_score
    _, counts = np.unique(y.astype(str), return_counts=True)
    stratify = y if kind == "classifier" and counts.min() >= 2 and len(counts) > 1 else None
    rows = np.arange(len(Z))
    if len(Z) < 10:
        raise ValueError(
            f"featureselection needs at least 10 training rows to hold 20 % out, got {len(Z)}."
        )
    train, val = train_test_split(rows, test_size=0.2, random_state=seed, stratify=stratify)
    model = _model(kind, seed).fit(Z[train], y[train])
    X_val, y_val = Z[val], y[val]
    base = float(score(y_val, model.predict(X_val)))
    rng = np.random.RandomState(seed)

    def lost(columns):
        if not columns:
            return 0.0
        scores = []
        for _ in range(_N_REPEATS):
            shuffled = X_val.copy()
            shuffled[:, columns] = X_val[rng.permutation(len(X_val))][:, columns]
            scores.append(score(y_val, model.predict(shuffled)))
        return round(base - float(np.mean(scores)), 12)  # no 1e-16 "importance"

    per_output, metric, metric2 = {}, {}, {}
    for source, cols in groups.items():
        if not cols:
            continue
        metric[source] = lost(list(cols))
        metric2[source] = {}
        for c in cols:
            others = [o for o in cols if o != c]
            m2 = lost(others) if others else 0.0
            metric2[source][names[c]] = m2
            per_output[names[c]] = {"source": source, "metric": metric[source], "metric2": m2}
    column_key = dict(sorted(metric.items(), key=lambda kv: -kv[1]))
    metric2_key = {s: dict(sorted(m.items(), key=lambda kv: kv[1])) for s, m in metric2.items()}
    return {
        "FScolumn_dict": per_output,
        "FS_sorted": {"baseaccuracy": base, "column_key": column_key,
                      "metric2_column_key": metric2_key},
        "scoring": "r2" if kind == "regressor" else "accuracy",
    }


def select_sources(report, mode, threshold):
    """The source columns kept by ``featureselection=mode`` at ``featurethreshold``.

    ``"pct"`` keeps the top ``threshold`` share of the source columns (at
    least one), ``"metric"`` those whose metric exceeds ``threshold``; other
    modes keep them all.
    """
    ranked = list(report["FS_sorted"]["column_key"].items())
    if mode == "pct":
        if threshold <= 0:
            raise ValueError(
                "featureselection='pct' keeps the top featurethreshold share of the source "
                "columns; featurethreshold=0 would keep none: pass a share in (0, 1]."
            )
        n_keep = max(1, math.ceil(threshold * len(ranked)))
        return [source for source, _ in ranked[:n_keep]]
    if mode == "metric":
        kept = [source for source, value in ranked if value > threshold]
        if not kept:
            best = ranked[0] if ranked else (None, float("nan"))
            raise ValueError(
                f"featureselection='metric' kept no column: no metric exceeds "
                f"featurethreshold={threshold} (the best is {best[0]!r} with {best[1]:.4g}). "
                f"Lower featurethreshold."
            )
        return kept
    return [source for source, _ in ranked]
