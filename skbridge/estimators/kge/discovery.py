"""Knowledge discovery with a fitted KGE model.

:func:`query_topn` completes a triple with one missing label,
:func:`discover_facts` proposes likely new triples, :func:`find_clusters`
clusters entity (or relation) embeddings with any scikit-learn clusterer,
:func:`find_duplicates` finds near-identical entities and
:func:`find_nearest_neighbours` the closest entities in embedding space.
"""

import numpy as np
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._encoding import TripleEncoder, check_triples, embedding_kind, kge_estimator
from .evaluation import FilterIndex, _filtered_ranks

__all__ = ["discover_facts", "find_clusters", "find_duplicates", "find_nearest_neighbours",
           "query_topn"]


def query_topn(model, top_n=10, *, head=None, relation=None, tail=None, ents_to_consider=None,
               rels_to_consider=None):
    """Best completions of a triple with exactly one of head, relation, tail missing.

    Parameters
    ----------
    model : fitted KGE estimator
    top_n : int, default=10
    head, relation, tail : str, default=None
        Two of the three; the missing one is predicted.
    ents_to_consider, rels_to_consider : array-like of str, default=None
        Restrict the candidates.

    Returns
    -------
    triples : ndarray of shape (top_n, 3)
        The completed triples, best first.
    scores : ndarray of shape (top_n,)

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, query_topn
    >>> model = TransE(k=16, epochs=5, random_state=0).fit(load_nations().train)
    >>> triples, scores = query_topn(model, 3, head="usa", relation="embassy")
    >>> triples.shape, bool(scores[0] >= scores[-1])
    ((3, 3), True)
    """
    model = kge_estimator(model)
    check_is_fitted(model)
    if sum(x is None for x in (head, relation, tail)) != 1:
        raise ValueError("Give exactly two of head, relation and tail.")
    if relation is None:
        cands = (model.relations_ if rels_to_consider is None
                 else np.asarray(rels_to_consider).astype(str))
        X = np.column_stack([np.full(len(cands), head), cands, np.full(len(cands), tail)])
    else:
        cands = (model.entities_ if ents_to_consider is None
                 else np.asarray(ents_to_consider).astype(str))
        fixed = np.full(len(cands), head if tail is None else tail)
        rel = np.full(len(cands), relation)
        X = np.column_stack([fixed, rel, cands] if tail is None else [cands, rel, fixed])
    idx, _ = TripleEncoder.of(model).encode(X.astype(str), "raise", what="the query")
    scores = model.module_.score_array(idx)
    order = np.argsort(-scores, kind="stable")[:top_n]
    return X[order].astype(object), scores[order]


def _embeddings(model, X, mode):
    """Embeddings of entities, relations or (``mode="t"``) triples, as ``mode`` says."""
    if mode in ("t", "triple"):
        if np.ndim(X) != 2:
            raise ValueError(f"mode={mode!r} embeds triples: X must have shape (n_triples, 3), "
                             f"got {np.shape(X)}.")
        return model.transform(check_triples(model, X))
    return model.get_embeddings(X, kind=embedding_kind(mode, name="mode"))


def find_clusters(X, model, clustering_algorithm=None, mode="entity"):
    """Cluster entity, relation or triple embeddings.

    Parameters
    ----------
    X : array-like of str of shape (n,) or (n, 3)
        Entity (or relation) labels, or triples for ``mode="t"``.
    model : fitted KGE estimator or ScoringBasedEmbeddingModel
    clustering_algorithm : scikit-learn clusterer, default=None
        Anything with ``fit_predict``, e.g. ``KMeans(n_clusters=5)`` or
        ``DBSCAN()``; cloned before use. Default: ``KMeans(n_clusters=8, n_init=10)``.
    mode : {"entity", "relation", "triple"}, default="entity"
        AmpliGraph's ``"e"``, ``"r"`` and ``"t"`` are accepted too; triples
        are clustered on their concatenated ``[head, relation, tail]``
        embeddings.

    Returns
    -------
    labels : ndarray of shape (n,)
        Cluster index of each label.

    Examples
    --------
    >>> from sklearn.cluster import KMeans
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, find_clusters
    >>> model = TransE(k=16, epochs=5, random_state=0).fit(load_nations().train)
    >>> find_clusters(model.entities_, model, KMeans(n_clusters=3, n_init=3, random_state=0)).shape
    (14,)
    """
    model = kge_estimator(model)
    check_is_fitted(model)
    algo = (KMeans(n_clusters=8, n_init=10) if clustering_algorithm is None
            else clone(clustering_algorithm))
    if not hasattr(algo, "fit_predict"):
        raise TypeError(
            "clustering_algorithm needs a fit_predict method (a scikit-learn clusterer).")
    return algo.fit_predict(_embeddings(model, X, mode))


def find_nearest_neighbours(model, entities, n_neighbors=5, entities_subset=None,
                            metric="euclidean"):
    """The closest entities to each of ``entities`` in embedding space.

    Parameters
    ----------
    model : fitted KGE estimator
    entities : array-like of str of shape (n,)
    n_neighbors : int, default=5
    entities_subset : array-like of str, default=None
        Candidates (default: every entity); the query itself is left out.
    metric : str, default="euclidean"
        Any metric of :class:`~sklearn.neighbors.NearestNeighbors`.

    Returns
    -------
    neighbours : ndarray of shape (n, n_neighbors), dtype=object
    distances : ndarray of shape (n, n_neighbors)

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, find_nearest_neighbours
    >>> model = TransE(k=16, epochs=5, random_state=0).fit(load_nations().train)
    >>> nb, dist = find_nearest_neighbours(model, ["usa", "china"], n_neighbors=2)
    >>> nb.shape, "usa" in nb[0]
    ((2, 2), False)
    """
    model = kge_estimator(model)
    check_is_fitted(model)
    entities = np.asarray(entities).astype(str).ravel()
    cands = model.entities_ if entities_subset is None else np.asarray(entities_subset).astype(str)
    E = model.get_embeddings(cands)
    Q = model.get_embeddings(entities)
    k = min(n_neighbors + 1, len(cands))
    dist, ind = NearestNeighbors(n_neighbors=k, metric=metric).fit(E).kneighbors(Q)
    names = cands[ind]
    out_n, out_d = [], []
    for q, row_n, row_d in zip(entities, names, dist):
        keep = row_n != q
        out_n.append(row_n[keep][:n_neighbors])
        out_d.append(row_d[keep][:n_neighbors])
    width = min(len(r) for r in out_n)
    return (np.array([r[:width] for r in out_n], dtype=object),
            np.array([r[:width] for r in out_d]))


def find_duplicates(X, model, mode="entity", tolerance="auto", expected_fraction_duplicates=0.1,
                    metric="l2"):
    """Groups of labels whose embeddings are (nearly) identical.

    Parameters
    ----------
    X : array-like of str of shape (n,) or (n, 3)
        Entity or relation labels, or triples for ``mode="t"``.
    model : fitted KGE estimator or ScoringBasedEmbeddingModel
    mode : {"entity", "relation", "triple"}, default="entity"
        AmpliGraph's ``"e"``, ``"r"`` and ``"t"`` are accepted too.
    tolerance : float or "auto", default="auto"
        Largest distance of two duplicates. ``"auto"`` picks the quantile of
        nearest-neighbour distances that makes ``expected_fraction_duplicates``
        of the labels duplicates.
    expected_fraction_duplicates : float, default=0.1
    metric : str, default="l2"

    Returns
    -------
    duplicates : list of set of str
        Each set holds labels within ``tolerance`` of one another (connected
        components of the tolerance graph).
    tolerance : float
        The tolerance used.

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, find_duplicates
    >>> model = TransE(k=16, epochs=5, random_state=0).fit(load_nations().train)
    >>> groups, tol = find_duplicates(model.entities_, model, expected_fraction_duplicates=0.2)
    >>> all(len(g) >= 2 for g in groups)
    True
    """
    from scipy.sparse.csgraph import connected_components

    model = kge_estimator(model)
    check_is_fitted(model)
    emb = _embeddings(model, X, mode)
    X = (np.asarray(X).astype(str).ravel() if mode not in ("t", "triple")
         else np.array([" ".join(row) for row in check_triples(model, X)]))
    nn = NearestNeighbors(metric=metric).fit(emb)
    if tolerance == "auto":
        dist, _ = nn.kneighbors(emb, n_neighbors=min(2, len(X)))
        tolerance = float(np.quantile(dist[:, -1], expected_fraction_duplicates))
    graph = nn.radius_neighbors_graph(emb, radius=tolerance, mode="connectivity")
    n_comp, comp = connected_components(graph, directed=False)
    groups = [set(X[comp == c]) for c in range(n_comp) if (comp == c).sum() > 1]
    return groups, tolerance


def discover_facts(X, model, top_n=10, strategy="random_uniform", max_candidates=100,
                   target_rel=None, random_state=None, *, seed=None):
    """Propose new triples that the model ranks highly.

    Candidates ``(h, r, t)`` are drawn for each relation of ``X`` (or
    ``target_rel``) from its entities according to ``strategy``; candidates
    already in ``X`` or in the training triples are dropped; each remaining one
    is ranked against its object corruptions and kept if its rank is at most
    ``top_n``.

    Parameters
    ----------
    X : array-like of shape (n, 3)
        Known triples (e.g. the training set).
    model : fitted KGE estimator
    top_n : int, default=10
        Largest rank of a discovered fact.
    strategy : {"random_uniform", "entity_frequency", "exhaustive"}, default="random_uniform"
        How candidate entities are drawn: uniformly, proportionally to their
        frequency in ``X``, or all pairs (small graphs only).
    max_candidates : int or float, default=100
        Candidates per relation (ignored by ``"exhaustive"``); a float in
        (0, 1] is a fraction of ``len(X)``, as in AmpliGraph.
    target_rel : str or list of str, default=None
        Only these relations.
    random_state : int, RandomState instance or None, default=None
    seed : int, default=None
        AmpliGraph's name for ``random_state`` (give one or the other).

    Returns
    -------
    facts : ndarray of shape (n_facts, 3), dtype=object
    ranks : ndarray of shape (n_facts,)

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, discover_facts
    >>> X = load_nations().train
    >>> model = TransE(k=16, epochs=10, random_state=0).fit(X)
    >>> facts, ranks = discover_facts(X, model, top_n=3, max_candidates=20, random_state=0)
    >>> facts.shape[1], bool((ranks <= 3).all())
    (3, True)
    """
    model = kge_estimator(model)
    check_is_fitted(model)
    if seed is not None and random_state is not None:
        raise ValueError("Give random_state or its AmpliGraph name seed, not both.")
    encoder = TripleEncoder.of(model)
    idx, ok = encoder.encode(check_triples(model, X), "skip", what="X", warn=False)
    idx = idx[ok]
    rng = check_random_state(seed if seed is not None else random_state)
    if isinstance(max_candidates, float) and 0 < max_candidates <= 1:
        max_candidates = max(1, int(max_candidates * len(idx)))
    if not isinstance(max_candidates, (int, np.integer)) or max_candidates < 1:
        raise ValueError(f"max_candidates must be an int >= 1 or a float in (0, 1], got "
                         f"{max_candidates!r}.")
    n_ent = len(model.entities_)
    known = FilterIndex(np.concatenate([model.triples_, idx]), n_ent, len(model.relations_))
    known_keys = set(known.keys_o.tolist())
    rels = (np.unique(idx[:, 1]) if target_rel is None
            else encoder.codes(target_rel, "relation", what="target_rel"))
    freq = np.bincount(idx[:, [0, 2]].ravel(), minlength=n_ent).astype(float)
    cands = []
    for r in rels:
        if strategy == "exhaustive":
            hh, tt = np.meshgrid(np.arange(n_ent), np.arange(n_ent), indexing="ij")
            hh, tt = hh.ravel(), tt.ravel()
        elif strategy in ("random_uniform", "entity_frequency"):
            p = None if strategy == "random_uniform" else freq / freq.sum()
            hh = rng.choice(n_ent, max_candidates, p=p)
            tt = rng.choice(n_ent, max_candidates, p=p)
        else:
            raise ValueError(
                f"Unknown strategy {strategy!r}; use 'random_uniform', 'entity_frequency' "
                f"or 'exhaustive'.")
        cands.append(np.column_stack([hh, np.full(len(hh), r), tt]))
    cands = np.unique(np.concatenate(cands), axis=0)
    keys = (cands[:, 0] * len(model.relations_) + cands[:, 1]) * n_ent + cands[:, 2]
    cands = cands[[k not in known_keys for k in keys.tolist()] & (cands[:, 0] != cands[:, 2])]
    if len(cands) == 0:
        return np.empty((0, 3), dtype=object), np.empty(0)
    ranks = _filtered_ranks(model.module_, cands, known, "o", "worst")
    keep = ranks <= top_n
    return encoder.decode(cands[keep]), ranks[keep]
