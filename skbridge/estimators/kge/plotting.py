"""2-D projection of entity embeddings, coloured by cluster."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.utils.validation import check_is_fitted

from ._encoding import kge_estimator

__all__ = ["plot_embeddings"]


def _spread_out(xy, k):
    """Indices of ``k`` points far apart: farthest-point order from the outermost point."""
    centre = xy.mean(axis=0)
    chosen = [int(np.argmax(np.linalg.norm(xy - centre, axis=1)))]
    gap = np.linalg.norm(xy - xy[chosen[0]], axis=1)
    while len(chosen) < min(k, len(xy)):
        nxt = int(np.argmax(gap))
        chosen.append(nxt)
        gap = np.minimum(gap, np.linalg.norm(xy - xy[nxt], axis=1))
    return chosen


def plot_embeddings(model, entities=None, clusters=None, *, ax=None, annotate=15,
                    projection=None):
    """Scatter plot of entity embeddings projected to 2-D.

    Parameters
    ----------
    model : fitted KGE estimator or ScoringBasedEmbeddingModel
    entities : array-like of str, default=None
        Entities to draw (default: all).
    clusters : array-like of shape (n,), default=None
        Cluster label of each entity (e.g. from :func:`find_clusters`) for the colours.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure by default.
    annotate : int or bool, default=15
        How many entities to label: that many points spread over the plot (the
        outermost first, then each farthest from those already labelled), so
        labels stay readable; True labels every point, False none.
    projection : transformer, default=None
        Anything with ``fit_transform`` to 2-D; default ``PCA(n_components=2)``.

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, plot_embeddings
    >>> model = TransE(k=16, epochs=5, random_state=0).fit(load_nations().train)
    >>> ax = plot_embeddings(model, annotate=5)
    >>> len(ax.collections), len(ax.texts)
    (1, 5)
    """
    import matplotlib.pyplot as plt

    model = kge_estimator(model)
    check_is_fitted(model)
    entities = model.entities_ if entities is None else np.asarray(entities).astype(str)
    emb = model.get_embeddings(entities)
    proj = PCA(n_components=2) if projection is None else projection
    xy = proj.fit_transform(emb)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    if clusters is None:
        ax.scatter(xy[:, 0], xy[:, 1], s=30)
    else:
        ax.scatter(xy[:, 0], xy[:, 1], c=np.asarray(clusters), cmap="tab10", s=30)
    if annotate is True:
        labelled = range(len(xy))
    elif annotate is False or annotate is None:
        labelled = []
    elif isinstance(annotate, (int, np.integer)) and annotate >= 0:
        labelled = _spread_out(xy, int(annotate)) if annotate else []
    else:
        raise ValueError(f"annotate={annotate!r}: pass the number of entities to label, "
                         "True (all) or False (none).")
    for i in labelled:
        ax.annotate(str(entities[i]), xy[i], fontsize=8, alpha=0.9,
                    xytext=(3, 3), textcoords="offset points")
    ax.set_title(f"{type(model).__name__} entity embeddings (2-D projection)")
    return ax
