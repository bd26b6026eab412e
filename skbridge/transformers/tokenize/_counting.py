"""Count matrices of terms, and the choice and order of their columns.

:func:`count_terms` counts the terms (str, or any hashable an analyzer gives)
of each document into a CSR matrix, learning the vocabulary or looking terms
up in a fixed one; it does with a dict and NumPy what
``CountVectorizer._count_vocab`` does term by term. The column steps of
``CountVectorizer.fit_transform`` follow, on a matrix and the list of its
column terms: :func:`cap_columns` (the vocabulary bounds of a WordLevel
model), :func:`prune_columns` (``max_df``, ``min_df``, ``max_features``, with
scikit-learn's tie-breaking) and :func:`remap_columns`, which moves, drops and
reorders columns and counts what the dropped ones held (the unknown column).
"""

import warnings
from collections import defaultdict
from itertools import repeat
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn import get_config

from ._analysis import id_names, sklearn_analysis_reason, unknown_token
from ._base import _tokenizers
from ._encoding import assemble_csr, count_matrix, row_counts

__all__ = [
    "STRING_INPUT",
    "cap_columns",
    "count_terms",
    "doc_count_bounds",
    "prune_columns",
    "remap_columns",
    "sorted_order",
]

STRING_INPUT = "Iterable over raw text documents expected, string object received."


def count_terms(term_lists, vocabulary=None):
    """The count matrix of the terms of each document.

    Parameters
    ----------
    term_lists : iterable of iterable of hashable
        The terms of each document, as an analyzer gives them.
    vocabulary : dict or None
        Fixed ``{term: column}``; terms outside it are not counted. None:
        learn it, columns in the order the terms are first seen.

    Returns
    -------
    X : scipy.sparse.csr_matrix of int64, sorted indices
        Counts, ``(n_documents, len(vocabulary))``.
    vocabulary : dict
        ``{term: column}``.
    lengths : ndarray of int64
        Number of terms of each document (counted or not).
    """
    flat, ends = [], [0]
    extend, append = flat.extend, ends.append
    for terms in term_lists:
        extend(terms)
        append(len(flat))
    lengths = np.diff(np.asarray(ends, dtype=np.int64))
    if vocabulary is None:
        # a new term gets the next id, as in CountVectorizer, but in one C-level pass
        vocabulary = defaultdict()
        vocabulary.default_factory = vocabulary.__len__
        ids = np.fromiter(map(vocabulary.__getitem__, flat), dtype=np.int64, count=len(flat))
        vocabulary = dict(vocabulary)
    else:
        ids = np.fromiter(map(vocabulary.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
    del flat
    n_features = len(vocabulary)
    row_nnz, cols, counts = row_counts(lengths, ids, max(n_features, 1))
    index_dtype = np.int32 if n_features < np.iinfo(np.int32).max else np.int64
    X = assemble_csr(
        row_nnz, [cols.astype(index_dtype)], [counts], n_features, np.int64, index_dtype
    )
    return X, vocabulary, lengths


def remap_columns(X, column_of, n_columns):
    """Move column ``j`` of ``X`` to ``column_of[j]``; drop it where that is negative.

    Returns the new CSR matrix (sorted indices) and, per row, the sum of the
    values dropped with ``column_of == -1`` (those with ``-2`` are dropped
    without a trace: stop words).
    """
    X = X.tocsr()
    n_rows = X.shape[0]
    new = column_of[X.indices]
    rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(X.indptr))
    keep = new >= 0
    lost = new == -1
    dropped = np.bincount(rows[lost], weights=X.data[lost], minlength=n_rows)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=n_rows), out=indptr[1:])
    index_dtype = np.int32 if max(n_columns, indptr[-1]) < np.iinfo(np.int32).max else np.int64
    Y = sp.csr_matrix(
        (X.data[keep], new[keep].astype(index_dtype), indptr.astype(index_dtype)),
        shape=(n_rows, n_columns),
    )
    Y.has_sorted_indices = False
    Y.sort_indices()
    return Y, dropped.astype(np.int64)


def sorted_order(terms):
    """The indices of ``terms`` in sorted order, as CountVectorizer sorts its features."""
    return np.asarray(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.int64)


def cap_columns(X, terms, *, min_frequency, vocab_size):
    """Columns a WordLevel model keeps: seen ``min_frequency`` times, the ``vocab_size`` most.

    Ties at the bound are broken by the term. Returns the kept column
    indices, sorted.
    """
    tfs = np.asarray(X.sum(axis=0)).ravel()
    kept = np.flatnonzero(tfs >= min_frequency)
    if vocab_size is not None and kept.size > vocab_size:
        by_term = kept[sorted_order([terms[j] for j in kept])]
        kept = np.sort(by_term[np.argsort(-tfs[by_term], kind="stable")[:vocab_size]])
    return kept


def doc_count_bounds(max_df, min_df, n_docs):
    """``(max_doc_count, min_doc_count)`` as CountVectorizer works them out.

    ``min_doc_count`` is None for the default ``min_df=1``: it drops nothing
    from a vocabulary learned from the documents, and keeps the tokens of a
    trained model that the documents never produce (a BPE merge always
    absorbed into a longer token).
    """
    max_doc_count = max_df if isinstance(max_df, Integral) else max_df * n_docs
    min_doc_count = min_df if isinstance(min_df, Integral) else min_df * n_docs
    if max_doc_count < min_doc_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    if isinstance(min_df, Integral) and min_df == 1:
        min_doc_count = None
    return max_doc_count, min_doc_count


def prune_columns(X, *, high, low, limit, binary):
    """Columns kept by ``max_df``/``min_df``/``max_features``: CountVectorizer's rule.

    As ``CountVectorizer._limit_features``: document frequency within
    ``[low, high]``, then the ``limit`` columns of largest total count (of the
    binary counts with ``binary``, which scikit-learn applies first), ties
    broken in column order as its ``argsort`` breaks them. Returns the kept
    column indices, sorted.
    """
    dfs = np.bincount(X.indices, minlength=X.shape[1])
    mask = np.ones(X.shape[1], dtype=bool)
    if high is not None:
        mask &= dfs <= high
    if low is not None:
        mask &= dfs >= low
    if limit is not None and mask.sum() > limit:
        tfs = dfs if binary else np.asarray(X.sum(axis=0)).ravel()
        mask_inds = (-tfs[mask]).argsort()[:limit]
        new_mask = np.zeros(X.shape[1], dtype=bool)
        new_mask[np.where(mask)[0][mask_inds]] = True
        mask = new_mask
    kept = np.flatnonzero(mask)
    if not kept.size:
        raise ValueError(
            "After pruning, no terms remain. Try a lower min_df or a higher max_df."
        )
    return kept


def _take(X, terms, unknown, columns):
    """Columns ``columns`` of ``X`` (in that order); what the others held goes to ``unknown``."""
    column_of = np.full(X.shape[1], -1, dtype=np.int64)
    column_of[columns] = np.arange(len(columns))
    Y, dropped = remap_columns(X, column_of, len(columns))
    return Y, [terms[j] for j in columns], unknown + dropped


class _TermCounting:
    """How :class:`TokenCountVectorizer` counts: CountVectorizer's ``fit_transform`` steps.

    ``_fit_counts`` learns the vocabulary (training the tokenizer where it
    cuts the terms) and returns the raw int64 counts; ``_count`` counts
    documents against a vocabulary; ``_finish`` applies ``binary`` and ``dtype``.
    """

    def _wants_counts(self):
        return self._unigrams()

    def _unknown_name(self, tokenizer):
        name = unknown_token(tokenizer) if tokenizer is not None else None
        name = name or self.unk_token
        if name is None:
            raise ValueError("count_unknown=True needs an unk_token to name its column.")
        return name

    # -- counting -------------------------------------------------------------------------

    def _warn_for_unused_own_params(self, reason):
        """CountVectorizer's "will not be used" warnings, for the tokenizer's parameters."""
        names = ()
        if reason is not None:
            names = ("normalizer", "normalizer_kwargs", "pre_tokenizer", "pre_tokenizer_kwargs",
                     "special_tokens")
        elif self.token_pattern is not None:
            names, reason = ("pre_tokenizer", "pre_tokenizer_kwargs"), "'token_pattern' is not None"
        for name in names:
            value = getattr(self, name)
            if value is not None and not (name == "pre_tokenizer" and value == "whitespace"):
                warnings.warn(f"The parameter {name!r} will not be used since {reason}")
        if self.count_unknown and self.vocabulary is not None:
            warnings.warn(
                "The parameter 'count_unknown' will not be used since 'vocabulary' is not "
                "None: the columns are the vocabulary's."
            )

    def _id_columns(self, tokenizer, vocabulary):
        """The column of each token id of ``tokenizer``: -1 where none, -2 for a stop word."""
        ids = tokenizer.get_vocab(with_added_tokens=True)
        column_of = np.full(max(ids.values(), default=-1) + 1, -1, dtype=np.int64)
        for term, column in vocabulary.items():
            i = ids.get(term)
            if i is not None:
                column_of[i] = column
        for word in self.get_stop_words() or ():
            if word in ids:
                column_of[ids[word]] = -2
        return column_of

    def _count(self, raw_documents, vocabulary):
        """Counts of the terms of ``vocabulary`` and, per document, of the other terms."""
        if sklearn_analysis_reason(self) is not None:
            X, _, lengths = count_terms(map(self.build_analyzer(), raw_documents), vocabulary)
            return X, lengths - np.asarray(X.sum(axis=1)).ravel()
        docs = self._documents(raw_documents, allow_empty=True)
        return self._count_tokens(self._tokenizer_in_use(), docs, vocabulary)

    def _count_tokens(self, tokenizer, docs, vocabulary, counts=None):
        """:meth:`_count` of prepared documents; ``counts``: their token id counts, if known."""
        if self._unigrams():
            column_of = self._id_columns(tokenizer, vocabulary)
            if counts is not None:
                return remap_columns(counts, column_of, len(vocabulary))
            lost = np.zeros(len(docs), dtype=np.int64)
            X = count_matrix(tokenizer, docs, len(vocabulary), column_of=column_of, lost=lost)
            return X, lost
        term_lists = self._token_term_lists(tokenizer, docs, count_unk=self.ngram_range[0] == 1)
        X, _, lengths = count_terms(term_lists, vocabulary)
        return X, lengths - np.asarray(X.sum(axis=1)).ravel()

    def _learn(self, X, terms, unknown, *, sort, tokenizer=None):
        """CountVectorizer's column steps on learned terms; sets ``vocabulary_``."""
        if not terms:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        if sort:
            X, terms, unknown = _take(X, terms, unknown, sorted_order(terms))
        if X.shape[0]:
            high, low = doc_count_bounds(self.max_df, self.min_df, X.shape[0])
            kept = prune_columns(X, high=high, low=low, limit=self.max_features, binary=self.binary)
            if kept.size < X.shape[1]:
                X, terms, unknown = _take(X, terms, unknown, kept)
        if self.count_unknown:
            X = sp.hstack([sp.csr_matrix(unknown[:, None]), X], format="csr")
            terms = [self._unknown_name(tokenizer), *terms]
        self.vocabulary_ = {term: i for i, term in enumerate(terms)}
        return X

    def _fit_counts(self, raw_documents):
        """Learn the vocabulary (and tokenizer); the int64 counts of ``raw_documents``."""
        if isinstance(raw_documents, str):
            raise ValueError(STRING_INPUT)
        reason = sklearn_analysis_reason(self)
        self._validate_ngram_range()
        self._warn_for_unused_params()
        self._warn_for_unused_own_params(reason)
        self._validate_vocabulary()
        fixed = self.fixed_vocabulary_
        if fixed and self.lowercase and any(any(map(str.isupper, str(t))) for t in self.vocabulary):
            warnings.warn(
                "Upper case characters found in vocabulary while 'lowercase' is True. "
                "These entries will not be matched with any documents"
            )
        if reason is not None:
            self.tokenizer_ = None
            if fixed:
                return self._count(raw_documents, self.vocabulary_)[0]
            X, vocabulary, _ = count_terms(map(self.build_analyzer(), raw_documents))
            terms, unknown = list(vocabulary), np.zeros(X.shape[0], dtype=np.int64)
            if self.count_unknown and self.unk_token in vocabulary:
                kept = [j for j, t in enumerate(terms) if t != self.unk_token]
                X, terms, unknown = _take(X, terms, unknown, kept)
            if self.model == "wordlevel":
                cap = None if self.vocab_size is None else self.vocab_size - self.count_unknown
                kept = cap_columns(X, terms, min_frequency=self.min_frequency, vocab_size=cap)
                if kept.size < X.shape[1]:
                    X, terms, unknown = _take(X, terms, unknown, kept)
            return self._learn(X, terms, unknown, sort=True)
        return self._fit_tokenizer_counts(raw_documents, fixed)

    def _fit_tokenizer_counts(self, raw_documents, fixed):
        """:meth:`_fit_counts` where a ``tokenizers.Tokenizer`` cuts the terms."""
        pretrained = self.tokenizer is not None
        fixed_wordlevel = fixed and self.model == "wordlevel" and not pretrained
        docs = self._documents(raw_documents, allow_empty=pretrained or fixed_wordlevel)
        vocabulary = self.vocabulary_ if fixed else None
        counts = None
        if fixed_wordlevel:
            self.tokenizer_ = self._fixed_wordlevel(_tokenizers(self))
        else:
            counts = self._fit_tokenizer(docs)  # sets tokenizer_ and vocabulary_ (reset below)
        tokenizer = self.tokenizer_
        stop_words = self.get_stop_words()
        if stop_words:
            self._check_stop_words(stop_words, tokenizer)
        if fixed:
            self.vocabulary_ = vocabulary
            return self._count_tokens(tokenizer, docs, vocabulary, counts)[0]
        unk = unknown_token(tokenizer)
        if self._unigrams():
            names = id_names(tokenizer)
            stop = stop_words or ()
            terms = [t for t in names.tolist() if t is not None and t != unk and t not in stop]
            ids = tokenizer.get_vocab(with_added_tokens=True)
            column_of = np.full(names.size, -1, dtype=np.int64)
            column_of[[ids[t] for t in terms]] = np.arange(len(terms))
            column_of[[ids[t] for t in stop if t in ids]] = -2
            if counts is None:
                counts = count_matrix(tokenizer, docs, names.size)
            X, unknown = remap_columns(counts, column_of, len(terms))
            return self._learn(X, terms, unknown, sort=False, tokenizer=tokenizer)
        term_lists = self._token_term_lists(tokenizer, docs, count_unk=self.ngram_range[0] == 1)
        X, vocabulary, _ = count_terms(term_lists)
        terms, unknown = list(vocabulary), np.zeros(X.shape[0], dtype=np.int64)
        if unk in vocabulary:
            kept = [j for j, t in enumerate(terms) if t != unk]
            X, terms, unknown = _take(X, terms, unknown, kept)
        return self._learn(X, terms, unknown, sort=True, tokenizer=tokenizer)

    def _finish(self, X):
        if self.binary:
            X.data.fill(1)
        X = X.astype(self.dtype, copy=False)
        if get_config().get("sparse_interface") == "sparray":
            X = sp.csr_array(X)
        return X
