"""Chunked encoding, the count matrix and the renumbering of its columns."""

import numpy as np
import pytest
from sklearn.base import clone

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer, TokenIdEncoder  # noqa: E402
from skbridge.transformers.tokenize import _encoding  # noqa: E402
from skbridge.transformers.tokenize._encoding import count_matrix, renumber_in_place  # noqa: E402

from ._helpers import same  # noqa: E402


def test_chunked_encoding_matches_one_chunk(monkeypatch, corpus):
    vec = TokenCountVectorizer(model="bpe", vocab_size=300).fit(corpus)
    whole = vec.transform(corpus)
    monkeypatch.setattr(_encoding, "_CHUNK_CHARS", 2_000)
    assert len(_encoding.chunk_bounds(corpus)) > 20
    assert same(vec.transform(corpus), whole)
    assert same(clone(vec).fit_transform(corpus), whole)
    enc = TokenIdEncoder(model="bpe", vocab_size=300, padding="longest", max_length=None)
    chunked = enc.fit(corpus).transform(corpus)
    monkeypatch.setattr(_encoding, "_CHUNK_CHARS", 1 << 30)
    np.testing.assert_array_equal(enc.transform(corpus)["input_ids"], chunked["input_ids"])


def test_count_matrix_column_sums_and_dtypes(corpus):
    vec = TokenCountVectorizer(model="bpe", vocab_size=300, count_unknown=True).fit(corpus)
    n = len(vec.vocabulary_)
    freq = np.zeros(n, dtype=np.int64)
    X = count_matrix(vec.tokenizer_, corpus, n, freq=freq)
    assert X.dtype == np.int64 and X.has_sorted_indices
    np.testing.assert_array_equal(freq, np.asarray(X.sum(axis=0)).ravel())
    for dtype in (np.float32, np.int32, bool):
        Y = count_matrix(vec.tokenizer_, corpus, n, dtype=dtype)
        assert Y.dtype == dtype
        assert same(Y, X.astype(dtype))


def test_renumbering_in_blocks_equals_one_take():
    rng = np.random.default_rng(0)
    old_to_new = rng.permutation(50).astype(np.int32)
    indices = rng.integers(0, 50, size=1_003).astype(np.int32)
    expected = old_to_new[indices]
    renumber_in_place(indices, old_to_new, block=64)
    np.testing.assert_array_equal(indices, expected)
