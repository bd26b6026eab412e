"""PCA on the continuous output columns: Automunge's ``PCAn_components`` / ``PCA_type``.

The fitted state is plain numbers (the mean and the components), so it is
written in the JSON state and replayed by :func:`apply_pca` with the same code
on the training set and on new data: the replay is exact, with no pickle.
Boolean (0/1) and ordinal outputs, NaN markers, ``excl`` columns, columns
infilled with NaN and those named in ``PCAexcl`` pass through unreduced, as
Automunge does by default.
"""

from numbers import Integral

import numpy as np

from ._categorical_transforms import Ordinal
from ._numeric_transforms import EqualFrequencyBins, EqualWidthBins

__all__ = ["apply_pca", "fit_pca", "pca_inputs"]

def _unreducible(transform, spec):
    """Whether a column's outputs stay out of PCA whatever their values."""
    if not getattr(transform, "ml_features", True) or spec["infill"]["name"] == "nan":
        return True
    if isinstance(transform, Ordinal):
        return True
    bins = (EqualWidthBins, EqualFrequencyBins)
    return isinstance(transform, bins) and transform.encode == "ordinal"


def pca_inputs(Z, specs, names, kept, transformer, excluded=()):
    """Indices of the output columns PCA reduces.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_outputs)
        The prepared training table (every output column).
    specs : dict of str to dict
        The munger's column specs.
    names : list of str
        Names of the output columns.
    kept : set of str
        The source columns kept by feature selection.
    transformer : callable
        ``transformer(spec)`` returns the column's transform.
    excluded : iterable of str
        ``PCAexcl``: source or output column names left out of PCA.

    Returns
    -------
    inputs : list of int
    """
    excluded = set(excluded)
    inputs = []
    for col, spec in specs.items():
        if col not in kept or col in excluded or _unreducible(transformer(spec), spec):
            continue
        for i in range(*spec["slice"]):
            values = Z[:, i]
            boolean = bool(np.all((values == 0) | (values == 1)))
            if not boolean and names[i] not in excluded:
                inputs.append(i)
    return inputs


def fit_pca(X, n_components, pca_type, seed):
    """Fit PCA on ``X`` (the input columns); return its state as plain numbers.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_inputs)
        The continuous output columns.
    n_components : int or float
        Number of components, or (linear PCA) the share of the variance to keep.
    pca_type : {"default", "PCA", "SparsePCA", "KernelPCA"}
        ``"default"`` and ``"PCA"``: linear PCA; ``"SparsePCA"``: sparse
        components, with new data projected by ridge regression on them.
        ``"KernelPCA"`` is refused: its state would be the whole training table.
    seed : int
        Seed of the solver.

    Returns
    -------
    state : dict
        ``type``, ``mean``, ``components`` (lists) and, for sparse PCA,
        ``ridge_alpha``; for linear PCA ``explained_variance_ratio``.
    """
    n_samples, n_inputs = X.shape
    if pca_type == "KernelPCA":
        raise ValueError(
            "PCA_type='KernelPCA' is not supported: a kernel PCA's state is its whole training "
            "table, which the JSON state does not hold. Use PCA_type='PCA' or 'SparsePCA'."
        )
    limit = min(n_samples, n_inputs)
    if not np.all(np.isfinite(X)):
        raise ValueError("PCA needs finite inputs; a continuous output column holds NaN.")
    share = not isinstance(n_components, Integral)
    if share and pca_type == "SparsePCA":
        raise ValueError(
            f"PCAn_components={n_components} (a share of the variance) needs PCA_type='PCA'; "
            f"SparsePCA takes a number of components."
        )
    if not share and n_components > limit:
        raise ValueError(
            f"PCAn_components={n_components} exceeds the {n_inputs} continuous output "
            f"column(s) PCA can reduce here ({n_samples} rows); pass at most {limit}."
        )
    if pca_type == "SparsePCA":
        from sklearn.decomposition import SparsePCA

        model = SparsePCA(n_components=int(n_components), random_state=seed).fit(X)
        return {"type": "SparsePCA", "mean": model.mean_.tolist(),
                "components": model.components_.tolist(), "ridge_alpha": model.ridge_alpha}
    from sklearn.decomposition import PCA

    n_components = float(n_components) if share else int(n_components)
    model = PCA(n_components=n_components, svd_solver="full", random_state=seed).fit(X)
    return {"type": "PCA", "mean": model.mean_.tolist(),
            "components": model.components_.tolist(),
            "explained_variance_ratio": model.explained_variance_ratio_.tolist()}


def apply_pca(X, state):
    """Project ``X`` (the input columns) on the fitted components.

    Linear PCA is ``(X - mean) @ components.T``; sparse PCA solves the ridge
    regression ``(C C^T + alpha I) u = C (x - mean)`` for every row, as
    :class:`sklearn.decomposition.SparsePCA` does.
    """
    C = np.asarray(state["components"], dtype=np.float64)
    centred = X - np.asarray(state["mean"], dtype=np.float64)
    if state["type"] == "SparsePCA":
        gram = C @ C.T + state["ridge_alpha"] * np.eye(len(C))
        return np.linalg.solve(gram, C @ centred.T).T
    return centred @ C.T
