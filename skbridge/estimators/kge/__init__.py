"""AmpliGraph's knowledge-graph embeddings as scikit-learn estimators, on PyTorch.

Models (:class:`TransE`, :class:`DistMult`, :class:`ComplEx`, :class:`HolE`,
:class:`RotatE`, :class:`ConvE`), filtered evaluation
(:func:`evaluate_performance`, :func:`mrr_score`, :func:`mr_score`,
:func:`hits_at_n_score`), KG-aware splitting (:func:`train_test_split_no_unseen`,
:class:`KGSplit`), knowledge discovery (:func:`discover_facts`,
:func:`find_clusters`, :func:`find_duplicates`, :func:`query_topn`,
:func:`find_nearest_neighbours`) and :func:`plot_embeddings`; AmpliGraph 2's
API (:class:`ScoringBasedEmbeddingModel`, :func:`select_best_model_ranking`,
:func:`save_model`, :func:`restore_model`, the last two in a safe format).

Importing this package imports torch (:mod:`skbridge.estimators` does not);
without it, the import raises :class:`~skbridge.compat.OptionalDependencyError`
naming the ``kge`` extra to install.
"""

from ...compat.torch import require_torch

# Every module of the package imports torch; this names the extra when it is missing.
require_torch(extra="kge", purpose="skbridge.estimators.kge")

from ._ampligraph2 import ScoringBasedEmbeddingModel  # noqa: E402
from ._model_selection import select_best_model_ranking  # noqa: E402
from ._saving import restore_model, save_model  # noqa: E402
from .discovery import (  # noqa: E402
    discover_facts,
    find_clusters,
    find_duplicates,
    find_nearest_neighbours,
    query_topn,
)
from .evaluation import (  # noqa: E402
    KGSplit,
    evaluate_performance,
    hits_at_n_score,
    mr_score,
    mrr_score,
    train_test_split_no_unseen,
)
from .models import ComplEx, ConvE, DistMult, HolE, RotatE, TransE  # noqa: E402
from .plotting import plot_embeddings  # noqa: E402

__all__ = [
    "ComplEx",
    "ConvE",
    "DistMult",
    "HolE",
    "KGSplit",
    "RotatE",
    "ScoringBasedEmbeddingModel",
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
    "restore_model",
    "save_model",
    "select_best_model_ranking",
    "train_test_split_no_unseen",
]
