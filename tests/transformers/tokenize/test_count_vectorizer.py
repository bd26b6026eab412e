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
    # the unknown token's column (opt-in) keeps every token of a document counted
    vec = TokenCountVectorizer(model=request.param, vocab_size=300, count_unknown=True)
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
    vec = TokenCountVectorizer(model=model, vocab_size=250, count_unknown=True).fit(corpus[:60])
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


# -- CountVectorizer's parameters ------------------------------------------------------

CV_WORDS = {"model": "wordlevel", "token_pattern": r"(?u)\b\w\w+\b", "vocab_size": None,
            "min_frequency": 1}


# both warn that the token pattern goes unused with a tokenizer
@pytest.mark.filterwarnings("ignore:The parameter 'token_pattern' will not be used")
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ngram_range": (1, 2), "max_df": 0.5, "min_df": 2},
        {"stop_words": "english", "max_features": 100, "binary": True},
        {"analyzer": "char", "ngram_range": (2, 4), "max_features": 300},
        {"analyzer": "char_wb", "ngram_range": (2, 3), "min_df": 0.1, "dtype": np.float32},
        {"strip_accents": "ascii", "lowercase": False, "token_pattern": r"\b\w+\b"},
        {"tokenizer": str.split, "stop_words": ["the", "a"]},
        {"vocabulary": ["whale", "sea", "ahab", "the sea"], "ngram_range": (1, 2)},
    ],
    ids=repr,
)
def test_wordlevel_with_the_word_pattern_is_count_vectorizer(params, corpus):
    from sklearn.feature_extraction.text import CountVectorizer

    theirs, ours = CountVectorizer(**params), TokenCountVectorizer(**{**CV_WORDS, **params})
    assert isinstance(ours, CountVectorizer)
    X = ours.fit_transform(iter(corpus))
    assert same(X, theirs.fit_transform(corpus)) and X.dtype == theirs.dtype
    assert ours.vocabulary_ == theirs.vocabulary_
    assert ours.fixed_vocabulary_ == theirs.fixed_vocabulary_
    assert same(ours.transform(corpus[:20]), theirs.transform(corpus[:20]))
    assert ours.tokenizer_ is None  # scikit-learn's analysis: no tokenizer trained
    analyze, reference = ours.build_analyzer(), theirs.build_analyzer()
    assert analyze(corpus[0]) == reference(corpus[0])


def test_wordlevel_caps_bound_the_learned_terms(corpus):
    from sklearn.feature_extraction.text import CountVectorizer

    counts = CountVectorizer().fit(corpus)
    tfs = np.asarray(counts.transform(corpus).sum(axis=0)).ravel()
    terms = counts.get_feature_names_out()
    frequent = TokenCountVectorizer(**{**CV_WORDS, "min_frequency": 3}).fit(corpus)
    assert set(frequent.vocabulary_) == set(terms[tfs >= 3])
    top = TokenCountVectorizer(**{**CV_WORDS, "vocab_size": 50}).fit(corpus)
    expected = sorted(zip(-tfs, terms))[:50]
    assert set(top.vocabulary_) == {term for _, term in expected}
    with_unknown = TokenCountVectorizer(**{**CV_WORDS, "vocab_size": 50}, count_unknown=True)
    X = with_unknown.fit_transform(corpus)
    assert X.shape[1] == 50 and with_unknown.get_feature_names_out()[0] == "[UNK]"
    lengths = [len(counts.build_analyzer()(doc)) for doc in corpus]
    assert np.asarray(X.sum(axis=1)).ravel().tolist() == lengths
    assert same(with_unknown.transform(corpus), X)


@pytest.mark.parametrize("model", MODELS)
def test_tokens_with_stop_words_ngrams_and_df_limits(model, corpus):
    params = {"model": model, "vocab_size": 300, "stop_words": ["the", "a", "of"]}
    vec = TokenCountVectorizer(**params, min_df=3, max_df=0.5, max_features=150)
    X = vec.fit_transform(corpus)
    assert X.shape == (len(corpus), 150) and same(X, vec.transform(corpus))
    assert not {"the", "a", "of", "[UNK]"} & set(vec.vocabulary_)
    dfs = np.bincount(X.indices, minlength=X.shape[1])
    assert dfs.min() >= 3 and dfs.max() <= 0.5 * len(corpus)
    ngrams = TokenCountVectorizer(**params, ngram_range=(1, 2), min_df=2, count_unknown=True)
    Y = ngrams.fit_transform(corpus)
    names = ngrams.get_feature_names_out()
    assert names[0] == "[UNK]" and list(names[1:]) == sorted(names[1:])  # as CountVectorizer
    assert any(" " in name for name in names) and same(Y, ngrams.transform(corpus))
    terms = ngrams.build_analyzer()(corpus[0])
    assert set(ngrams.inverse_transform(Y[:1])[0]) <= set(terms) | {"[UNK]"}
    assert not {"the", "of"} & {w for name in names for w in name.split(" ")}


def test_fixed_vocabulary_with_tokenizers(corpus, tmp_path):
    # WordLevel: nothing to train, transform works before fit
    words = TokenCountVectorizer(model="wordlevel", vocabulary={"whale": 1, "sea": 0})
    assert words.transform(["The whale, the sea; a whale."]).toarray().tolist() == [[1, 2]]
    assert words.fixed_vocabulary_ and words.fit([]).get_feature_names_out().tolist() == [
        "sea", "whale"]
    # a subword model is trained in fit; the columns stay the vocabulary's
    pieces = TokenCountVectorizer(model="bpe", vocab_size=300, vocabulary=["the", "##s", ","])
    X = pieces.fit_transform(corpus)
    assert X.shape == (len(corpus), 3) and same(X, pieces.transform(corpus))
    full = TokenCountVectorizer(model="bpe", vocab_size=300).fit(corpus)
    assert same(X, full.transform(corpus)[:, [full.vocabulary_[t] for t in ("the", "##s", ",")]])
    # a pretrained tokenizer keeps its whole vocabulary (min_df=1) and may fit on nothing
    loaded = TokenCountVectorizer(tokenizer=full.save(tmp_path)).fit(corpus[:2])
    assert loaded.vocabulary_ == full.vocabulary_
    with pytest.raises(ValueError, match="not fitted"):
        TokenCountVectorizer().transform(["a"])


def test_input_encoding_and_python_preprocessing(corpus, tmp_path):
    import io

    vec = TokenCountVectorizer(model="bpe", vocab_size=200).fit(corpus)
    X = vec.transform(corpus[:5])
    assert same(vec.transform([d.encode("utf-8") for d in corpus[:5]]), X)
    with pytest.raises(UnicodeDecodeError):
        vec.transform([d.encode("utf-16") for d in corpus[:5]])
    wide = vec.set_params(encoding="utf-16")
    assert same(wide.transform([d.encode("utf-16") for d in corpus[:5]]), X)
    files = TokenCountVectorizer(model="bpe", vocab_size=200, input="file")
    assert files.fit([io.StringIO(d) for d in corpus]).vocabulary_ == vec.vocabulary_
    paths = []
    for i, doc in enumerate(corpus[:5]):
        paths.append(tmp_path / f"{i}.txt")
        paths[-1].write_bytes(doc.encode("utf-8"))
    names = files.set_params(input="filename")
    assert same(names.transform(paths), X)
    # a callable preprocessor replaces the lowercasing, as in CountVectorizer
    upper = TokenCountVectorizer(model="wordlevel", vocab_size=100, preprocessor=str.upper)
    assert "THE" in upper.fit(corpus).vocabulary_ and upper.tokenizer_.normalizer is None
    accents = TokenCountVectorizer(model="wordlevel", strip_accents="unicode", min_frequency=1)
    assert set(accents.fit(["Café naïve éé"]).vocabulary_) == {"cafe", "naive", "ee"}


def test_unused_parameters_warn_and_clear_errors(corpus, tmp_path):
    with pytest.warns(UserWarning, match="'normalizer' will not be used since 'token_pattern'"):
        TokenCountVectorizer(**CV_WORDS, normalizer="nfkc").fit(corpus[:5])
    with pytest.warns(UserWarning, match="'pre_tokenizer' will not be used"):
        TokenCountVectorizer(vocab_size=100, token_pattern=r"\w+", pre_tokenizer="bert").fit(
            corpus[:20])
    with pytest.warns(UserWarning, match="'special_tokens' will not be used since 'analyzer'"):
        TokenCountVectorizer(analyzer="char", special_tokens=["<s>"]).fit(corpus[:5])
    with pytest.warns(UserWarning, match="'count_unknown' will not be used"):
        TokenCountVectorizer(model="wordlevel", vocabulary=["a"], count_unknown=True).fit([])
    with pytest.raises(ValueError, match="vocab_size=None"):
        TokenCountVectorizer(vocab_size=None).fit(corpus[:5])
    with pytest.raises(ValueError, match="capturing group needs model='wordlevel'"):
        TokenCountVectorizer(token_pattern=r"a(\w+)").fit(corpus[:5])
    words = TokenCountVectorizer(**CV_WORDS).fit(corpus[:5])
    with pytest.raises(ValueError, match="No tokenizer to save"):
        words.save(tmp_path)
