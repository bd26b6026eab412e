"""Count matrices of terms and the choice of their columns (``_counting``)."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from skbridge.transformers.tokenize._counting import (
    cap_columns,
    count_terms,
    doc_count_bounds,
    prune_columns,
    remap_columns,
    sorted_order,
)


def test_count_terms_learns_or_looks_up(corpus):
    analyze = CountVectorizer().build_analyzer()
    X, vocabulary, lengths = count_terms(map(analyze, corpus))
    reference = CountVectorizer().fit(corpus)
    order = [vocabulary[t] for t in reference.get_feature_names_out()]
    assert (X[:, order] != reference.transform(corpus)).nnz == 0 and X.has_sorted_indices
    assert lengths.tolist() == [len(analyze(doc)) for doc in corpus]
    fixed = {"whale": 0, "sea": 1, "nowhere-to-be-seen": 2}
    Y, same_vocabulary, _ = count_terms(map(analyze, corpus), fixed)
    assert same_vocabulary is fixed and Y.shape == (len(corpus), 3)
    assert Y[:, 2].nnz == 0 and Y[:, 0].sum() == X[:, vocabulary["whale"]].sum()
    empty, vocabulary, lengths = count_terms([[], []])
    assert empty.shape == (2, 0) and not vocabulary and lengths.tolist() == [0, 0]


def test_prune_columns_is_count_vectorizers_rule():
    rng = np.random.default_rng(0)
    X = sp.random(40, 30, density=0.3, random_state=rng, format="csr")
    X.data = rng.integers(1, 4, X.data.size).astype(np.int64)  # ties in the totals
    for high, low, limit in [(30, 2, None), (40, None, 7), (20, 3, 5)]:
        vocabulary = {f"t{j:02d}": j for j in range(30)}
        expected = CountVectorizer()._limit_features(X, vocabulary, high, low, limit)
        kept = prune_columns(X, high=high, low=low, limit=limit, binary=False)
        assert (X[:, kept] != expected).nnz == 0
        assert sorted(vocabulary, key=vocabulary.get) == [f"t{j:02d}" for j in kept]
    with pytest.raises(ValueError, match="no terms remain"):
        prune_columns(X, high=0, low=None, limit=None, binary=False)


def test_bounds_caps_order_and_remap():
    assert doc_count_bounds(1.0, 1, 10) == (10.0, None)  # min_df=1 drops nothing
    assert doc_count_bounds(5, 0.2, 10) == (5, 2.0)
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        doc_count_bounds(1, 2, 10)
    X = sp.csr_matrix(np.array([[3, 1, 2, 2], [0, 1, 0, 0]]))
    terms = ["d", "c", "b", "a"]
    assert cap_columns(X, terms, min_frequency=2, vocab_size=None).tolist() == [0, 1, 2, 3]
    assert cap_columns(X, terms, min_frequency=1, vocab_size=2).tolist() == [0, 3]  # tie: "a"
    assert sorted_order(terms).tolist() == [3, 2, 1, 0]
    Y, dropped = remap_columns(X, np.array([1, -1, 0, -2]), 2)
    assert Y.toarray().tolist() == [[2, 3], [0, 0]] and dropped.tolist() == [1, 1]
