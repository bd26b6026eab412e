"""TokenTfidfVectorizer: TfidfVectorizer's results, on the tokenizer's terms."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer, TokenTfidfVectorizer  # noqa: E402

CV_WORDS = {"model": "wordlevel", "token_pattern": r"(?u)\b\w\w+\b", "vocab_size": None,
            "min_frequency": 1}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"norm": "l1", "sublinear_tf": True, "ngram_range": (1, 2), "min_df": 2},
        {"use_idf": False, "norm": None, "binary": True},
        {"smooth_idf": False, "dtype": np.float32, "stop_words": "english"},
    ],
    ids=repr,
)
def test_wordlevel_with_the_word_pattern_is_tfidf_vectorizer(params, corpus):
    theirs, ours = TfidfVectorizer(**params), TokenTfidfVectorizer(**CV_WORDS, **params)
    assert isinstance(ours, TfidfVectorizer) and not hasattr(ours, "set_output")
    X = ours.fit_transform(corpus)
    expected = theirs.fit_transform(corpus)
    assert X.dtype == expected.dtype and X.shape == expected.shape
    np.testing.assert_allclose(X.toarray(), expected.toarray(), rtol=1e-6)
    np.testing.assert_allclose(ours.transform(corpus[:9]).toarray(),
                               theirs.transform(corpus[:9]).toarray(), rtol=1e-6)
    assert ours.vocabulary_ == theirs.vocabulary_
    if ours.use_idf:
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-6)


def test_subword_tfidf_is_the_transformer_on_the_counts(corpus):
    tfidf = TokenTfidfVectorizer(model="bpe", vocab_size=300, sublinear_tf=True)
    X = tfidf.fit_transform(corpus)
    assert tfidf.fit(corpus) is tfidf
    counts = TokenCountVectorizer(model="bpe", vocab_size=300).fit_transform(corpus)
    expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    np.testing.assert_allclose(X.toarray(), expected.toarray())
    np.testing.assert_allclose(tfidf.transform(corpus).toarray(), expected.toarray())
    # idf_ can be set, as on TfidfVectorizer
    copy = TokenTfidfVectorizer(**CV_WORDS, vocabulary=tfidf.vocabulary_)
    with pytest.raises(NotFittedError):
        TokenTfidfVectorizer(model="bpe").transform(corpus[:2])
    copy.idf_ = tfidf.idf_
    assert copy.transform(corpus[:2]).shape == (2, len(tfidf.vocabulary_))
