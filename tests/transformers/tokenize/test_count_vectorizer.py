"""TokenCountVectorizer: counts, vocabulary, feature names, inverse, inputs."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer  # noqa: E402

from ._helpers import MODELS, UNSEEN, same  # noqa: E402


@pytest.fixture(scope="module", params=MODELS)
def fitted(request, corpus):
    vec = TokenCountVectorizer(model=request.param, vocab_size=300)
    return vec, vec.fit_transform(corpus)


def test_fit_transform_equals_fit_then_transform(fitted, corpus):
    vec, X = fitted
    assert sp.isspmatrix_csr(X) and X.dtype == np.int64
    assert X.has_sorted_indices
    assert same(X, vec.transform(corpus))
    again = clone(vec).fit(corpus)
    assert again.vocabulary_ == vec.vocabulary_
    assert same(again.transform(corpus), X)
    # counts: every token of a document is counted once
    full = vec.tokenizer_.encode_batch(corpus[:20], add_special_tokens=False)
    fast = vec.tokenizer_.encode_batch_fast(corpus[:20], add_special_tokens=False)
    assert [e.ids for e in full] == [e.ids for e in fast]  # transform uses the fast one
    lengths = [len(e.ids) for e in full]
    assert np.asarray(X[:20].sum(axis=1)).ravel().tolist() == lengths


def test_vocabulary_and_feature_names_agree(fitted):
    vec, X = fitted
    names = vec.get_feature_names_out()
    assert names.dtype == object and len(names) == X.shape[1] == len(vec.vocabulary_)
    for token, index in vec.vocabulary_.items():
        assert names[index] == token
    assert names[0] == "[UNK]"
    assert len(set(names)) == len(names)
    if vec.model != "unigram":  # a tiny corpus cannot fill a Unigram vocabulary
        assert X.shape[1] >= 300


def test_ids_ordered_by_frequency_then_token(fitted):
    vec, X = fitted
    freq = np.asarray(X.sum(axis=0)).ravel()[1:]
    names = vec.get_feature_names_out()[1:]
    keys = list(zip(-freq, names))
    assert keys == sorted(keys)


def test_inverse_transform_lists_present_tokens(fitted, corpus):
    vec, X = fitted
    rows = vec.inverse_transform(X[:3])
    for i, tokens in enumerate(rows):
        assert set(tokens) == {vec.get_feature_names_out()[j] for j in X[i].indices}
    assert len(vec.inverse_transform(X[:3].toarray())) == 3
    with pytest.raises(ValueError, match="columns"):
        vec.inverse_transform(np.ones((2, 3)))


@pytest.mark.parametrize("model", MODELS)
def test_unseen_characters_map_to_unk(model, corpus):
    vec = TokenCountVectorizer(model=model, vocab_size=250).fit(corpus[:60])
    X = vec.transform(UNSEEN)
    assert X.shape == (2, len(vec.vocabulary_))
    assert X[0, 0] > 0  # the unknown token's column
    assert X[1].nnz == 0


def test_input_containers_and_output_options(corpus):
    pd = pytest.importorskip("pandas")
    docs = corpus[:40]
    vec = TokenCountVectorizer(model="wordlevel", vocab_size=200).fit(docs)
    X = vec.transform(docs)
    assert same(vec.transform(pd.Series(docs)), X)
    assert same(vec.transform(np.array(docs, dtype=object)), X)
    assert same(vec.transform(np.array(docs)), X)  # numpy str_ items
    assert same(vec.transform(iter(docs)), X)
    assert vec.transform([]).shape == (0, X.shape[1])
    binary = clone(vec).set_params(binary=True, dtype=np.float32).fit(docs).transform(docs)
    assert binary.dtype == np.float32 and set(np.unique(binary.data)) == {1.0}
    assert same(binary, (X > 0).astype(np.float32))
    # named normalizers and pre-tokenizers, classes with kwargs
    for params in (
        {"normalizer": "nfkc", "pre_tokenizer": "bytelevel"},
        {"normalizer": "strip_accents", "pre_tokenizer": "metaspace", "model": "unigram"},
        {"normalizer": "bert", "pre_tokenizer": "bert"},
        {"normalizer": tokenizers.normalizers.NFKD, "pre_tokenizer": "whitespace_split"},
        {"pre_tokenizer": tokenizers.pre_tokenizers.Split, "lowercase": False,
         "pre_tokenizer_kwargs": {"pattern": " ", "behavior": "removed"}},
    ):
        est = TokenCountVectorizer(vocab_size=200, **params)
        assert est.fit_transform(docs).shape[0] == len(docs), params


@pytest.mark.slow
def test_spam_accuracy_with_2000_tokens(spam):
    texts, target = spam
    rng = np.random.RandomState(0)
    keep = rng.choice(len(texts), 3000, replace=False)
    docs = [texts[i][:3000] for i in keep]
    X_train, X_test, y_train, y_test = train_test_split(
        docs, target[keep], test_size=0.3, random_state=0, stratify=target[keep]
    )
    pipe = Pipeline(
        [
            ("tokens", TokenCountVectorizer(model="bpe", vocab_size=2000)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            ("clf", LogisticRegression(C=100.0, max_iter=2000)),
        ]
    ).fit(X_train, y_train)
    assert pipe.score(X_test, y_test) >= 0.98
