"""AmpliGraph's knowledge-graph embeddings as scikit-learn estimators, on PyTorch.

Models (:class:`TransE`, :class:`DistMult`, :class:`ComplEx`, :class:`HolE`,
:class:`RotatE`, :class:`ConvE`), filtered evaluation
(:func:`evaluate_performance`, :func:`mrr_score`, :func:`mr_score`,
:func:`hits_at_n_score`), KG-aware splitting (:func:`train_test_split_no_unseen`,
:class:`KGSplit`), knowledge discovery (:func:`discover_facts`,
:func:`find_clusters`, :func:`find_duplicates`, :func:`query_topn`,
:func:`find_nearest_neighbours`) and :func:`plot_embeddings`.

Importing this package imports torch; :mod:`skbridge.estimators` does not.
"""

from .discovery import (
    discover_facts,
    find_clusters,
    find_duplicates,
    find_nearest_neighbours,
    query_topn,
)
from .evaluation import (
    KGSplit,
    evaluate_performance,
    hits_at_n_score,
    mr_score,
    mrr_score,
    train_test_split_no_unseen,
)
from .models import ComplEx, ConvE, DistMult, HolE, RotatE, TransE
from .plotting import plot_embeddings

__all__ = [
    "ComplEx",
    "ConvE",
    "DistMult",
    "HolE",
    "KGSplit",
    "RotatE",
    "TransE",
    "discover_facts",
    "evaluate_performance",
    "find_clusters",
    "find_duplicates",
    "find_nearest_neighbours",
    "hits_at_n_score",
    "mr_score",
    "mrr_score",
    "plot_embeddings",
    "query_topn",
    "train_test_split_no_unseen",
]
