"""scikit-learn's CountVectorizer and TfidfVectorizer tests, run against ours.

The tests come from the installed ``sklearn/feature_extraction/tests/test_text.py``
with ``CountVectorizer`` and ``TfidfVectorizer`` bound to
:class:`~skbridge.transformers.TokenCountVectorizer` and
:class:`~skbridge.transformers.TokenTfidfVectorizer` with a WordLevel model,
CountVectorizer's word pattern and no bound on the vocabulary (see
``_text_dropins.py`` and ``_harness.py``); the tests of scikit-learn's other
text classes (HashingVectorizer, TfidfTransformer alone) are dropped.
"""

from ._harness import load_peer

# No skips. The tests that reach into scikit-learn's internals pass too: the
# private methods they call (_sort_features, _check_stop_words_consistency,
# _word_ngrams) and the attributes they read (_tfidf, _stop_words_id) are
# CountVectorizer's and TfidfVectorizer's own, inherited by our subclasses.
PEER_SKIPS = {}

load_peer(
    globals(),
    "sklearn.feature_extraction.tests.test_text",
    {
        "CountVectorizer": "tests.peer._text_dropins:CountVectorizer",
        "TfidfVectorizer": "tests.peer._text_dropins:TfidfVectorizer",
    },
    PEER_SKIPS,
)
