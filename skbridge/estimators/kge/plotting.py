"""2-D projection of entity embeddings, coloured by cluster."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.utils.validation import check_is_fitted

__all__ = ["plot_embeddings"]


def plot_embeddings(model, entities=None, clusters=None, *, ax=None, annotate=True,
                    projection=None):
    """Scatter plot of entity embeddings projected to 2-D.

    Parameters
    ----------
    model : fitted KGE estimator
    entities : array-like of str, default=None
        Entities to draw (default: all).
    clusters : array-like of shape (n,), default=None
        Cluster label of each entity (e.g. from :func:`find_clusters`) for the colours.
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure by default.
    annotate : bool, default=True
        Write each entity's label beside its point.
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
    >>> ax = plot_embeddings(model)
    >>> len(ax.collections)
    1
    """
    import matplotlib.pyplot as plt

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
    if annotate:
        for (x, y), label in zip(xy, entities):
            ax.annotate(str(label), (x, y), fontsize=7, alpha=0.8)
    ax.set_title(f"{type(model).__name__} entity embeddings (2-D projection)")
    return ax
