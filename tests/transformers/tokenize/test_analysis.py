"""How the terms are cut (``_analysis``): scikit-learn's analysis or the tokenizer's."""

import pickle
import re
import unicodedata

import pytest
from sklearn.feature_extraction.text import strip_accents_ascii, strip_accents_unicode

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer  # noqa: E402
from skbridge.transformers.tokenize._analysis import (  # noqa: E402
    CV_TOKEN_PATTERN,
    accent_normalizer,
    sklearn_analysis_reason,
    split_pre_tokenizer,
    token_terms,
    unknown_token,
)

TEXT = "J'ai mangé du kangourou, c'était très bon. Cafe\u0301 x² Машинное 日本語 a_b ‿x 3rd"


def test_who_cuts_the_terms():
    assert sklearn_analysis_reason(TokenCountVectorizer()) is None
    assert sklearn_analysis_reason(TokenCountVectorizer(token_pattern=r"\w+")) is None
    reasons = [
        (TokenCountVectorizer(analyzer="char"), "'analyzer' != 'word'"),
        (TokenCountVectorizer(analyzer=str.split), "'analyzer' is callable"),
        (TokenCountVectorizer(tokenizer=str.split), "'tokenizer' is callable"),
        (TokenCountVectorizer(model="wordlevel", token_pattern=r"\w+"), "'token_pattern'"),
    ]
    for est, reason in reasons:
        assert reason in sklearn_analysis_reason(est)


def test_rust_steps_match_python(corpus):
    split = split_pre_tokenizer(tokenizers, CV_TOKEN_PATTERN)
    words = [w for w, _ in split.pre_tokenize_str(TEXT)]
    assert words == re.findall(CV_TOKEN_PATTERN, TEXT)  # combining marks included
    for kind, reference in (("unicode", strip_accents_unicode), ("ascii", strip_accents_ascii)):
        norm = accent_normalizer(tokenizers, kind)
        for text in (TEXT, *corpus[:5]):
            expected = unicodedata.normalize("NFC", reference(text))
            assert unicodedata.normalize("NFC", norm.normalize_str(text)) == expected
    with pytest.raises(ValueError, match="More than 1 capturing group"):
        split_pre_tokenizer(tokenizers, r"(a)(b)")
    with pytest.raises(ValueError, match='Invalid value for "strip_accents"'):
        accent_normalizer(tokenizers, "latin")


def test_token_terms_no_ngram_across_unknown():
    terms = token_terms(
        ["a", "b", "[UNK]", "c", "the", "d"],
        word_ngrams=TokenCountVectorizer(ngram_range=(1, 2))._word_ngrams,
        stop_words={"the"},
        unk="[UNK]",
        count_unk=True,
    )
    assert sorted(terms) == sorted(["a", "b", "a b", "[UNK]", "c", "d", "c d"])


def test_built_steps_of_the_tokenizer_pickle(corpus):
    vec = TokenCountVectorizer(model="wordpiece", vocab_size=300, ngram_range=(1, 2),
                               stop_words=["the"], strip_accents="unicode").fit(corpus)
    assert unknown_token(vec.tokenizer_) == "[UNK]"
    for build in (vec.build_analyzer, vec.build_preprocessor, vec.build_tokenizer):
        function = build()
        assert pickle.loads(pickle.dumps(function))("Ahab's Café") == function("Ahab's Café")
    assert vec.build_preprocessor()("Ahab's Café") == "ahab's cafe"
    terms = vec.build_analyzer()("The whale and the sea")
    pieces = vec.build_tokenizer()("the whale and the sea")
    assert pieces[0] == "the" and "the" not in terms  # a stop word: before the n-grams
    assert "and sea" in terms and f"{pieces[pieces.index('and') - 1]} and" in terms
    with pytest.raises(ValueError, match="not fitted"):
        TokenCountVectorizer().build_analyzer()
