"""Filtered link-prediction evaluation, metrics and KG-aware splitters.

:func:`evaluate_performance` ranks each test triple against the corruptions of
its subject and/or object by every candidate entity at once: the model scores a
batch of queries against the whole entity table (one matrix product for the
bilinear models), batches are sized so that the score matrix stays under a
memory bound, and the known positives are filtered out by index arithmetic on
sorted integer keys of the filter triples (``searchsorted``), never by a Python
loop over triples.

:func:`train_test_split_no_unseen` and :class:`KGSplit` split triples so that
every entity and relation of a test part is seen in its train part, so that
``GridSearchCV(TransE(), ..., cv=KGSplit())`` scores every fold.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ...compat import Interval, StrOptions, validate_params
from ._encoding import TripleEncoder, check_triples, kge_estimator

__all__ = [
    "FilterIndex",
    "KGSplit",
    "evaluate_performance",
    "hits_at_n_score",
    "mr_score",
    "mrr_score",
    "train_test_split_no_unseen",
]

# Largest number of floats held by one batch of the (queries x candidates) scores.
_EVAL_BUDGET = 1 << 24


class FilterIndex:
    """Sorted integer keys of known triples, for filtering by index arithmetic.

    Parameters
    ----------
    triples : ndarray of shape (n, 3), dtype=int
        Encoded ``(h, r, t)`` triples.
    n_entities, n_relations : int
        Vocabulary sizes (the keys are ``(h * n_relations + r) * n_entities + t``).
    """

    def __init__(self, triples, n_entities, n_relations):
        triples = np.asarray(triples, dtype=np.int64).reshape(-1, 3)
        self.n_entities = int(n_entities)
        self.n_relations = int(n_relations)
        h, r, t = triples.T
        self.keys_o = np.unique((h * n_relations + r) * n_entities + t)  # (h, r) -> tails
        self.keys_s = np.unique((t * n_relations + r) * n_entities + h)  # (t, r) -> heads

    def positives(self, anchor, r, side):
        """Known answers of the queries: ``(rows, cols)`` index arrays.

        For ``side="o"`` the queries are ``(anchor, r, ?)`` and ``cols`` are
        tails; for ``side="s"`` they are ``(?, r, anchor)`` and ``cols`` heads.
        """
        keys = self.keys_o if side == "o" else self.keys_s
        lo = (np.asarray(anchor, np.int64) * self.n_relations + r) * self.n_entities
        start = np.searchsorted(keys, lo)
        stop = np.searchsorted(keys, lo + self.n_entities)
        counts = stop - start
        rows = np.repeat(np.arange(len(lo)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        cols = keys[np.repeat(start, counts) + offsets] - lo[rows]
        return rows, cols


def _filtered_ranks(module, triples, filter_index, side, ranking, subset=None,
                    batch_size=None):
    """Ranks of ``triples`` (encoded, (n, 3)) against corruptions of one side."""
    import torch

    n = len(triples)
    n_ent = module.ent.shape[0]
    if batch_size is None:
        cost = module.scorer.candidate_cost(side)
        batch_size = max(1, _EVAL_BUDGET // max(1, n_ent * cost))
    device = module.ent.device
    subset_t = None if subset is None else torch.as_tensor(subset, device=device)
    ranks = np.empty(n, dtype=np.float64)
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            for start in range(0, n, batch_size):
                part = triples[start:start + batch_size]
                B = len(part)
                h, r, t = (torch.as_tensor(part[:, j], device=device) for j in range(3))
                if side == "o":
                    scores = module.score_tails(h, r)
                    target, anchor = t, part[:, 0]
                else:
                    scores = module.score_heads(r, t)
                    target, anchor = h, part[:, 2]
                rows = torch.arange(B, device=device)
                true = scores[rows, target][:, None]
                exclude = torch.zeros(B, n_ent, dtype=torch.bool, device=device)
                if filter_index is not None:
                    fr, fc = filter_index.positives(anchor, part[:, 1], side)
                    fr, fc = (torch.as_tensor(x, device=device) for x in (fr, fc))
                    exclude[fr, fc] = True
                if subset_t is not None:
                    exclude |= ~subset_t[None, :]
                exclude[rows, target] = False
                keep = ~exclude
                greater = ((scores > true) & keep).sum(1)
                equal = ((scores == true) & keep).sum(1)  # includes the triple itself
                if ranking == "worst":
                    rank = greater + equal
                elif ranking == "best":
                    rank = greater + 1
                else:
                    rank = greater + (equal + 1) / 2
                ranks[start:start + B] = rank.double().cpu().numpy()
    finally:
        module.train(was_training)
    return ranks


def _as_triple_list(filter_triples):
    if filter_triples is None:
        return []
    if isinstance(filter_triples, dict):
        return list(filter_triples.values())
    if isinstance(filter_triples, (list, tuple)) and filter_triples \
            and not np.isscalar(filter_triples[0]) \
            and np.asarray(filter_triples[0], dtype=object).ndim == 2:
        return list(filter_triples)
    return [filter_triples]


@validate_params(
    {
        "X": ["array-like"],
        "model": [object],
        "filter_triples": ["array-like", dict, None],
        "corrupt_side": [StrOptions({"s", "o", "s,o", "s+o"})],
        "entities_subset": ["array-like", None],
        "ranking": [StrOptions({"worst", "best", "mean"})],
        "on_unseen": [StrOptions({"raise", "nan", "skip"}), None],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def evaluate_performance(X, model, *, filter_triples=None, corrupt_side="s,o",
                         entities_subset=None, ranking="worst", on_unseen=None,
                         batch_size=None):
    """Rank each triple of ``X`` against its corruptions (link prediction).

    For a triple ``(h, r, t)`` and ``corrupt_side="o"``, every entity ``e``
    (or every entity of ``entities_subset``) gives a corruption ``(h, r, e)``;
    the rank is the position of ``(h, r, t)`` among them by score. With
    ``filter_triples``, corruptions that are known triples are left out (the
    *filtered* protocol of Bordes et al., 2013).

    Parameters
    ----------
    X : array-like of shape (n_triples, 3)
        Test triples ``(head, relation, tail)`` as labels.
    model : fitted KGE estimator
        Any of :class:`TransE`, :class:`DistMult`, :class:`ComplEx`,
        :class:`HolE`, :class:`RotatE`, :class:`ConvE`, or a fitted
        :class:`ScoringBasedEmbeddingModel`.
    filter_triples : array-like of shape (m, 3), dict or list of them, default=None
        Known positives to filter out, e.g. ``{"train": X_train, "valid":
        X_valid, "test": X_test}``. Filter triples with labels the model has
        not seen are ignored (they cannot be candidates). ``None`` gives raw
        ranks.
    corrupt_side : {"s", "o", "s,o"}, default="s,o"
        Corrupt the subject, the object, or both (two ranks per triple).
        ``"s+o"`` is accepted as a synonym of ``"s,o"``.
    entities_subset : array-like of str, default=None
        Rank only against these entities (the true one always takes part).
    ranking : {"worst", "best", "mean"}, default="worst"
        How ties with the true triple count: all above it (``"worst"``, as
        AmpliGraph), none (``"best"``) or half (``"mean"``).
    on_unseen : {"raise", "nan", "skip"}, default=None
        What to do with test triples holding unseen labels; ``None`` uses the
        model's ``on_unseen``.
    batch_size : int, default=None
        Queries scored at once; by default as many as keep the score matrix
        under 2**24 floats.

    Returns
    -------
    ranks : ndarray of shape (n_triples,) or (n_triples, 2)
        One rank per triple, or ``[subject rank, object rank]`` columns for
        ``"s,o"``. Rows of unseen triples are NaN (``on_unseen="nan"``) or
        removed (``"skip"``).

    See Also
    --------
    mrr_score, mr_score, hits_at_n_score : Metrics of the ranks.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.kge import TransE, evaluate_performance, mrr_score
    >>> X = np.array([["a", "r", "b"], ["b", "r", "c"], ["c", "r", "a"], ["a", "s", "c"]])
    >>> model = TransE(k=8, epochs=5, random_state=0).fit(X)
    >>> ranks = evaluate_performance(X[:2], model, filter_triples=X, corrupt_side="o")
    >>> ranks.shape
    (2,)
    >>> bool(0 < mrr_score(ranks) <= 1)
    True
    """
    model = kge_estimator(model)
    check_is_fitted(model)
    policy = on_unseen or model.on_unseen
    encoder = TripleEncoder.of(model)
    idx, valid = encoder.encode(check_triples(model, X), policy, what="X", stacklevel=4)
    n_ent, n_rel = len(model.entities_), len(model.relations_)
    filter_index = None
    parts = _as_triple_list(filter_triples)
    if parts:
        encoded = []
        for part in parts:
            part_idx, ok = encoder.encode(check_triples(model, part), "nan",
                                          what="filter_triples", warn=False)
            encoded.append(part_idx[ok])
        filter_index = FilterIndex(np.concatenate(encoded), n_ent, n_rel)
    subset = None
    if entities_subset is not None:
        subset = np.zeros(n_ent, dtype=bool)
        subset[encoder.codes(entities_subset, "entity", what="entities_subset")] = True
    sides = ["s", "o"] if corrupt_side in ("s,o", "s+o") else [corrupt_side]
    module = model.module_
    ranks = np.full((len(idx), len(sides)), np.nan)
    if valid.any():
        for j, side in enumerate(sides):
            ranks[valid, j] = _filtered_ranks(module, idx[valid], filter_index, side, ranking,
                                              subset, batch_size)
    if policy == "skip":
        ranks = ranks[valid]
    return ranks[:, 0] if len(sides) == 1 else ranks


def _ranks_array(ranks):
    ranks = np.asarray(ranks, dtype=np.float64).ravel()
    ranks = ranks[~np.isnan(ranks)]
    if ranks.size == 0:
        raise ValueError("ranks is empty (or all NaN): nothing to score.")
    if (ranks < 1).any():
        raise ValueError("ranks must be >= 1.")
    return ranks


@validate_params({"ranks": ["array-like"]}, prefer_skip_nested_validation=True)
def mrr_score(ranks):
    """Mean reciprocal rank (NaN ranks, from unseen triples, are ignored).

    Parameters
    ----------
    ranks : array-like
        Ranks from :func:`evaluate_performance`, any shape.

    Returns
    -------
    mrr : float

    Examples
    --------
    >>> from skbridge.estimators.kge import mrr_score
    >>> mrr_score([1, 2, 4])
    0.5833...
    """
    return float(np.mean(1.0 / _ranks_array(ranks)))


@validate_params({"ranks": ["array-like"]}, prefer_skip_nested_validation=True)
def mr_score(ranks):
    """Mean rank (NaN ranks are ignored).

    Parameters
    ----------
    ranks : array-like

    Returns
    -------
    mr : float

    Examples
    --------
    >>> from skbridge.estimators.kge import mr_score
    >>> mr_score([1, 2, 6])
    3.0
    """
    return float(np.mean(_ranks_array(ranks)))


@validate_params(
    {"ranks": ["array-like"], "n": [Interval(Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def hits_at_n_score(ranks, n=10):
    """Fraction of ranks ``<= n`` (NaN ranks are ignored).

    Parameters
    ----------
    ranks : array-like
    n : int, default=10

    Returns
    -------
    hits : float

    Examples
    --------
    >>> from skbridge.estimators.kge import hits_at_n_score
    >>> hits_at_n_score([1, 2, 30], n=10)
    0.666...
    """
    return float(np.mean(_ranks_array(ranks) <= n))


def _labels(X):
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 3:
        raise ValueError(f"X must have shape (n_triples, 3), got {X.shape}")
    return X.astype(str)


@validate_params(
    {
        "X": ["array-like"],
        "test_size": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "allow_duplication": ["boolean"],
        "seed": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def train_test_split_no_unseen(X, test_size=0.1, random_state=None, allow_duplication=False, *,
                               seed=None):
    """Split triples so that every test entity and relation is seen in train.

    Triples are visited in random order; one goes to the test set only while
    its subject, relation and object each keep at least one other triple in
    the train set (AmpliGraph's procedure).

    Parameters
    ----------
    X : array-like of shape (n_triples, 3)
    test_size : int or float, default=0.1
        Number of test triples, or a fraction of ``X`` if below 1.
    random_state : int, RandomState instance or None, default=None
    allow_duplication : bool, default=False
        If the test size cannot be reached, copy the missing test triples
        into the train set too (a warning says how many) instead of raising.
    seed : int, RandomState instance or None, default=None
        AmpliGraph's name for ``random_state`` (give one or the other).

    Returns
    -------
    X_train, X_test : ndarray of shape (n_train, 3), (n_test, 3)

    Raises
    ------
    ValueError
        If ``test_size`` triples cannot be held out without unseen labels.

    Examples
    --------
    >>> from skbridge.datasets import load_umls
    >>> from skbridge.estimators.kge import train_test_split_no_unseen
    >>> X = load_umls().train
    >>> X_train, X_test = train_test_split_no_unseen(X, test_size=100, random_state=0)
    >>> X_train.shape, X_test.shape
    ((5116, 3), (100, 3))
    >>> set(X_test[:, [0, 2]].ravel()) <= set(X_train[:, [0, 2]].ravel())
    True
    """
    if seed is not None and random_state is not None:
        raise ValueError("Give random_state or its AmpliGraph name seed, not both.")
    random_state = seed if seed is not None else random_state
    X = np.asarray(X)
    labels = _labels(X)
    n = len(X)
    n_test = int(round(test_size * n)) if test_size < 1 else int(test_size)
    if not 0 < n_test < n:
        raise ValueError(f"test_size={test_size} gives {n_test} test triples out of {n}.")
    ent, ent_codes = np.unique(labels[:, [0, 2]], return_inverse=True)
    ent_codes = ent_codes.reshape(n, 2)
    _, rel_codes = np.unique(labels[:, 1], return_inverse=True)
    ent_count = np.bincount(ent_codes.ravel(), minlength=len(ent))
    rel_count = np.bincount(rel_codes.ravel())
    rng = check_random_state(random_state)
    test = []
    for i in rng.permutation(n):
        h, t = ent_codes[i]
        r = rel_codes[i]
        need_h = 2 if h == t else 1
        if ent_count[h] > need_h and ent_count[t] > (2 if h == t else 1) and rel_count[r] > 1:
            ent_count[h] -= 1
            ent_count[t] -= 1
            rel_count[r] -= 1
            test.append(i)
            if len(test) == n_test:
                break
    test = np.asarray(test, dtype=np.intp)
    mask = np.zeros(n, dtype=bool)
    mask[test] = True
    if len(test) < n_test:
        if not allow_duplication:
            raise ValueError(
                f"Cannot hold out {n_test} test triples without unseen entities or relations "
                f"(at most {len(test)}); lower test_size or pass allow_duplication=True."
            )
        import warnings

        rest = rng.choice(np.flatnonzero(~mask), n_test - len(test), replace=False)
        warnings.warn(f"{len(rest)} test triples are also in the train set (allow_duplication).",
                      UserWarning, stacklevel=2)
        return X[~mask], np.concatenate([X[test], X[rest]])
    return X[~mask], X[test]


class KGSplit(BaseCrossValidator):
    """K-fold cross-validation for triples whose test folds hold no unseen labels.

    Triples are shuffled into ``n_splits`` folds; a test-fold triple whose
    subject, relation or object does not occur in the rest of the data is
    moved to the train part of that split. Use it as ``cv=`` of
    :class:`~sklearn.model_selection.GridSearchCV` with a KGE model, whose
    ``score`` is the filtered MRR.

    Parameters
    ----------
    n_splits : int, default=3
    shuffle : bool, default=True
    random_state : int, RandomState instance or None, default=None

    Examples
    --------
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import KGSplit, TransE
    >>> X = load_nations().train
    >>> search = GridSearchCV(TransE(epochs=3, random_state=0), {"k": [8, 16]},
    ...                       cv=KGSplit(n_splits=2, random_state=0)).fit(X)
    >>> sorted(search.best_params_)
    ['k']
    """

    def __init__(self, n_splits=3, *, shuffle=True, random_state=None):
        if not isinstance(n_splits, Integral) or n_splits < 2:
            raise ValueError(f"n_splits must be an int >= 2, got {n_splits!r}")
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of splits."""
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` with only seen labels in the test part."""
        labels = _labels(X)
        n = len(labels)
        order = np.arange(n)
        if self.shuffle:
            order = check_random_state(self.random_state).permutation(n)
        ent, ent_codes = np.unique(labels[:, [0, 2]], return_inverse=True)
        ent_codes = ent_codes.reshape(n, 2)
        _, rel_codes = np.unique(labels[:, 1], return_inverse=True)
        for fold in np.array_split(order, self.n_splits):
            test = np.zeros(n, dtype=bool)
            test[fold] = True
            seen_e = np.zeros(len(ent), dtype=bool)
            seen_e[ent_codes[~test].ravel()] = True
            seen_r = np.zeros(rel_codes.max() + 1, dtype=bool)
            seen_r[rel_codes[~test]] = True
            ok = seen_e[ent_codes[:, 0]] & seen_e[ent_codes[:, 1]] & seen_r[rel_codes]
            test &= ok
            yield np.flatnonzero(~test), np.flatnonzero(test)

    # split is overridden; this only fills in BaseCrossValidator's abstract method
    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        for _, test in self.split(X, y, groups):
            yield test
