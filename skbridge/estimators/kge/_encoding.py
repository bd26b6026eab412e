"""Triples as labels and as indices: input checks and the vocabulary encoder.

The models, :mod:`~skbridge.estimators.kge.evaluation` and
:mod:`~skbridge.estimators.kge.discovery` all turn ``(head, relation, tail)``
labels into integer indices of the embedding tables and back. They share
:func:`check_triples` (an ``(n, 3)`` array of labels, rejected with a message
that names the problem) and :class:`TripleEncoder` (the entity and relation
vocabularies, with one policy for labels not seen in ``fit``).
"""

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ...compat import validate_data

__all__ = ["TripleEncoder", "check_triples", "embedding_kind", "kge_estimator"]

_UNSEEN_POLICIES = ("raise", "nan", "skip")
_KINDS = {"entity": "entity", "e": "entity", "relation": "relation", "r": "relation"}


def kge_estimator(model):
    """The scikit-learn KGE estimator behind ``model``.

    ``model`` itself, or the ``estimator`` of an AmpliGraph-2 style
    :class:`~skbridge.estimators.kge.ScoringBasedEmbeddingModel` (any object
    whose class sets ``_wraps_kge_estimator``), so that the evaluation and
    discovery functions take either.
    """
    if getattr(type(model), "_wraps_kge_estimator", False):
        return model.estimator
    return model


def embedding_kind(kind, *, name="kind"):
    """``"entity"`` or ``"relation"`` from ours or AmpliGraph's spelling (``"e"``, ``"r"``).

    Raises
    ------
    ValueError
        For any other value, naming the accepted ones.
    """
    if isinstance(kind, str) and kind in _KINDS:
        return _KINDS[kind]
    raise ValueError(f"{name} must be 'entity' (or 'e') or 'relation' (or 'r'), got {kind!r}.")


def check_triples(estimator, X, *, reset=False, name="X"):
    """Validate ``X`` as ``(n, 3)`` non-missing labels and return them as str.

    Parameters
    ----------
    estimator : BaseEstimator
        The model, for :func:`~sklearn.utils.validation.validate_data`: it
        records (``reset=True``) or checks ``n_features_in_`` and
        ``feature_names_in_``.
    X : array-like of shape (n_triples, 3) or (3,)
        Triples as labels; a single triple may be 1-D (``X_test[42]``).
    reset : bool, default=False
        Whether this is the data of ``fit``.
    name : str, default="X"
        The argument's name, for error messages.

    Returns
    -------
    labels : ndarray of str of shape (n_triples, 3)

    Raises
    ------
    ValueError
        For a string, an empty graph, another number of columns, complex
        numbers, infinite values or missing labels (the rows are named).
    """
    if isinstance(X, str) or X is None:
        raise ValueError(
            f"{name} must be an array of shape (n_triples, 3) of (head, relation, "
            f"tail) labels, got {type(X).__name__}."
        )
    if not hasattr(X, "columns") and not sp.issparse(X):
        arr = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
        if arr.ndim == 1 and arr.shape[0] == 3:
            X = arr.reshape(1, 3)  # a single triple, e.g. X_test[42]
        elif arr.ndim == 2 and arr.shape[0] == 0 and arr.shape[1] == 3:
            raise ValueError(f"{name} is an empty graph: it holds no triples (0 samples).")
        else:
            X = arr
    checked = validate_data(estimator, X, reset=reset, dtype=None, ensure_all_finite=False)
    if checked.shape[1] != 3:
        raise ValueError(
            f"{name} must have shape (n_triples, 3): one (head, relation, tail) "
            f"triple per row; got an array of shape {checked.shape} "
            f"(n_features = {checked.shape[1]})."
        )
    if checked.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} must hold labels.")
    arr = np.asarray(checked, dtype=object)
    if checked.dtype.kind in "fO" and ((arr == np.inf) | (arr == -np.inf)).any():
        raise ValueError(f"{name} holds infinite values (inf); labels must be finite.")
    missing = pd.isna(arr)
    if missing.any():
        rows = np.flatnonzero(missing.any(axis=1))
        raise ValueError(
            f"{name} holds {int(missing.sum())} missing labels (NaN or None) in "
            f"{rows.size} triples, first at rows {rows[:5].tolist()}; every head, "
            f"relation and tail must be a label. Drop those rows first."
        )
    return arr.astype(str)


def _listed(labels):
    return f"{labels[:10].tolist()}{' ...' if labels.size > 10 else ''}"


class TripleEncoder:
    """The entity and relation vocabularies of a model, label <-> index.

    Row ``i`` of the entity embedding table is ``entities[i]``; a triple is
    encoded as ``(entity index, relation index, entity index)``.

    Parameters
    ----------
    entities : array-like of str of shape (n_entities,)
        Sorted entity labels (a model's ``entities_``).
    relations : array-like of str of shape (n_relations,)
        Sorted relation labels (a model's ``relations_``).

    Attributes
    ----------
    entity_index, relation_index : pandas.Index
        Hash indexes of the labels.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.kge._encoding import TripleEncoder
    >>> X = np.array([["a", "likes", "b"], ["b", "knows", "c"]])
    >>> encoder = TripleEncoder.from_triples(X)
    >>> idx, valid = encoder.encode(X)
    >>> idx.tolist()
    [[0, 1, 1], [1, 0, 2]]
    >>> encoder.decode(idx)[1].tolist()
    ['b', 'knows', 'c']
    """

    def __init__(self, entities, relations):
        self.entities = np.asarray(entities)
        self.relations = np.asarray(relations)
        self.entity_index = pd.Index(self.entities)
        self.relation_index = pd.Index(self.relations)

    def __getstate__(self):
        # The label arrays only (plain data for skops); the indexes are rebuilt.
        return {"entities": self.entities, "relations": self.relations}

    def __setstate__(self, state):
        self.__init__(state["entities"], state["relations"])

    @classmethod
    def from_triples(cls, labels):
        """The vocabularies of ``(n, 3)`` label triples (sorted, unique)."""
        entities = np.unique(np.concatenate([labels[:, 0], labels[:, 2]]))
        return cls(entities, np.unique(labels[:, 1]))

    @classmethod
    def of(cls, model):
        """The encoder of a fitted model, from its ``entities_`` and ``relations_``."""
        return cls(model.entities_, model.relations_)

    def encode(self, labels, policy="raise", *, what="X", warn=True, stacklevel=3):
        """Indices of label triples, under a policy for unseen labels.

        Parameters
        ----------
        labels : ndarray of str of shape (n, 3)
            From :func:`check_triples`.
        policy : {"raise", "nan", "skip"}, default="raise"
            Raise an error naming the unseen labels, or mark their triples
            invalid (with a warning saying they are scored NaN or skipped).
        what : str, default="X"
            The argument's name, for messages.
        warn : bool, default=True
            Whether ``"nan"`` and ``"skip"`` warn.
        stacklevel : int, default=3
            Of the warning: 3 points at the caller of the method that calls
            ``encode`` (e.g. the user's ``predict``).

        Returns
        -------
        idx : ndarray of shape (n, 3), dtype=int64
            Indices; rows of invalid triples are 0.
        valid : ndarray of bool of shape (n,)
            Triples whose labels were all seen.
        """
        if policy not in _UNSEEN_POLICIES:
            raise ValueError(f"on_unseen must be one of {_UNSEEN_POLICIES}, got {policy!r}")
        h = self.entity_index.get_indexer(labels[:, 0])
        r = self.relation_index.get_indexer(labels[:, 1])
        t = self.entity_index.get_indexer(labels[:, 2])
        valid = (h >= 0) & (r >= 0) & (t >= 0)
        idx = np.stack([h, r, t], axis=1).astype(np.int64)
        if valid.all():
            return idx, valid
        bad_e = np.unique(np.concatenate([labels[h < 0, 0], labels[t < 0, 2]]))
        bad_r = np.unique(labels[r < 0, 1])
        message = (
            f"{what} holds {int((~valid).sum())} triple(s) with labels not seen in fit: "
            f"{bad_e.size} unseen entities {_listed(bad_e)} and {bad_r.size} unseen "
            f"relations {_listed(bad_r)}."
        )
        if policy == "raise":
            raise ValueError(
                message + " Pass on_unseen='nan' to score them NaN or 'skip' to drop them."
            )
        if warn:
            action = "scored NaN" if policy == "nan" else "skipped"
            warnings.warn(f"{message} They are {action} (on_unseen={policy!r}).",
                          UserWarning, stacklevel=stacklevel)
        idx[~valid] = 0
        return idx, valid

    def codes(self, labels, kind="entity", *, what="labels"):
        """Indices of entity or relation labels; every label must be known.

        Parameters
        ----------
        labels : str or array-like of str
        kind : {"entity", "relation"}, default="entity"
        what : str, default="labels"
            The argument's name, for the error message.

        Returns
        -------
        codes : ndarray of int of shape (n,)

        Raises
        ------
        ValueError
            If a label was not seen in ``fit`` (the message lists them).
        """
        if kind not in ("entity", "relation"):
            raise ValueError(f"kind must be 'entity' or 'relation', got {kind!r}")
        if isinstance(labels, str):
            labels = [labels]
        labels = np.asarray(labels, dtype=object).ravel()
        if pd.isna(labels).any():
            raise ValueError(f"{what} holds missing values (NaN or None).")
        labels = labels.astype(str)
        index = self.entity_index if kind == "entity" else self.relation_index
        codes = index.get_indexer(labels)
        if (codes < 0).any():
            bad = np.unique(labels[codes < 0])
            raise ValueError(
                f"{what} holds {bad.size} unseen {kind} label(s), not seen in fit: "
                f"{_listed(bad)}"
            )
        return codes

    def decode(self, idx):
        """Label triples of index triples.

        Parameters
        ----------
        idx : array-like of int of shape (n, 3)

        Returns
        -------
        labels : ndarray of shape (n, 3), dtype=object
        """
        idx = np.asarray(idx, dtype=np.int64).reshape(-1, 3)
        return np.column_stack([self.entities[idx[:, 0]], self.relations[idx[:, 1]],
                                self.entities[idx[:, 2]]]).astype(object)
