"""TokenTfidfVectorizer: TF-IDF of the tokenizer's terms, a TfidfVectorizer drop-in."""

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ...compat import StrOptions, fit_context
from ._count_vectorizer import TokenCountVectorizer

__all__ = ["TokenTfidfVectorizer"]


class TokenTfidfVectorizer(TokenCountVectorizer, TfidfVectorizer, auto_wrap_output_keys=None):
    r"""TF-IDF of the terms of a trained Hugging Face tokenizer: a TfidfVectorizer drop-in.

    :class:`TokenCountVectorizer` followed by scikit-learn's
    :class:`~sklearn.feature_extraction.text.TfidfTransformer`, as
    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` is
    ``CountVectorizer`` followed by it: the same parameters, ``idf_`` (which
    can be set, as there) and output, and it is a ``TfidfVectorizer``
    subclass. ``TokenTfidfVectorizer(model="wordlevel",
    token_pattern=r"(?u)\b\w\w+\b", vocab_size=None, min_frequency=1)`` gives
    what ``TfidfVectorizer()`` gives.

    Parameters
    ----------
    model, vocab_size, min_frequency, lowercase : see TokenCountVectorizer
        As in :class:`TokenCountVectorizer` (the tokenizer to train).
    normalizer, normalizer_kwargs : see TokenCountVectorizer
        As in :class:`TokenCountVectorizer`.
    pre_tokenizer, pre_tokenizer_kwargs, special_tokens, unk_token : see TokenCountVectorizer
        As in :class:`TokenCountVectorizer`.
    count_unknown, binary, tokenizer, input, encoding, decode_error : see TokenCountVectorizer
        As in :class:`TokenCountVectorizer`.
    strip_accents, preprocessor, stop_words, token_pattern, ngram_range : see TokenCountVectorizer
        As in :class:`TokenCountVectorizer`.
    analyzer, max_df, min_df, max_features, vocabulary : see TokenCountVectorizer
        As in :class:`TokenCountVectorizer`.
    dtype : dtype, default=np.float64
        Type of the matrix returned by ``transform``: float64 or float32
        (another type warns and gives float64, as in TfidfVectorizer).
    norm : {"l1", "l2"} or None, default="l2"
        Norm of each output row; None: no normalisation.
    use_idf : bool, default=True
        Weight by the inverse document frequency. If False, idf(t) = 1.
    smooth_idf : bool, default=True
        Add one to the document frequencies, as if one more document held
        every term once: no division by zero.
    sublinear_tf : bool, default=False
        Replace the term frequency tf with 1 + log(tf).

    verbose : bool, default=False
        Show the tokenizers trainer's progress bars while ``fit`` trains (silent
        by default).

    Attributes
    ----------
    vocabulary_ : dict
        Mapping of terms to column indices.
    fixed_vocabulary_ : bool
        True when ``vocabulary`` was given.
    idf_ : ndarray of shape (n_features,)
        Inverse document frequency of each term (``use_idf=True`` only).
    tokenizer_ : tokenizers.Tokenizer or None
        The trained (or loaded) tokenizer; None where scikit-learn's analysis
        cuts the terms.

    See Also
    --------
    TokenCountVectorizer : The term counts, without the weighting.
    sklearn.feature_extraction.text.TfidfVectorizer : The word weighting this replaces.

    Examples
    --------
    >>> from skbridge.transformers import TokenTfidfVectorizer
    >>> corpus = ["the cat sat on the mat", "the dog sat on the log",
    ...           "cats and dogs"] * 5
    >>> tfidf = TokenTfidfVectorizer(model="wordpiece", vocab_size=60)
    >>> X = tfidf.fit_transform(corpus)
    >>> X.shape
    (15, 39)
    >>> round(float((X[0].toarray() ** 2).sum()), 6)
    1.0
    >>> bool(tfidf.idf_[tfidf.vocabulary_["the"]] < tfidf.idf_[tfidf.vocabulary_["cat"]])
    True
    """

    _parameter_constraints: dict = {
        **TokenCountVectorizer._parameter_constraints,
        "norm": [StrOptions({"l1", "l2"}), None],
        "use_idf": ["boolean"],
        "smooth_idf": ["boolean"],
        "sublinear_tf": ["boolean"],
    }

    def __init__(
        self,
        *,
        model="bpe",
        vocab_size=30000,
        min_frequency=2,
        lowercase=True,
        normalizer=None,
        normalizer_kwargs=None,
        pre_tokenizer="whitespace",
        pre_tokenizer_kwargs=None,
        special_tokens=None,
        unk_token="[UNK]",
        count_unknown=False,
        binary=False,
        dtype=np.float64,
        tokenizer=None,
        input="content",
        encoding="utf-8",
        decode_error="strict",
        strip_accents=None,
        preprocessor=None,
        stop_words=None,
        token_pattern=None,
        ngram_range=(1, 1),
        analyzer="word",
        max_df=1.0,
        min_df=1,
        max_features=None,
        vocabulary=None,
        norm="l2",
        use_idf=True,
        smooth_idf=True,
        sublinear_tf=False,
        verbose=False,
    ):
        self.model = model
        self.vocab_size = vocab_size
        self.min_frequency = min_frequency
        self.lowercase = lowercase
        self.normalizer = normalizer
        self.normalizer_kwargs = normalizer_kwargs
        self.pre_tokenizer = pre_tokenizer
        self.pre_tokenizer_kwargs = pre_tokenizer_kwargs
        self.special_tokens = special_tokens
        self.unk_token = unk_token
        self.count_unknown = count_unknown
        self.binary = binary
        self.dtype = dtype
        self.tokenizer = tokenizer
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.preprocessor = preprocessor
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.verbose = verbose

    def _fit_tfidf(self, raw_documents):
        self._check_params()  # TfidfVectorizer's dtype warning
        self._tfidf = TfidfTransformer(
            norm=self.norm,
            use_idf=self.use_idf,
            smooth_idf=self.smooth_idf,
            sublinear_tf=self.sublinear_tf,
        )
        X = self._finish(self._fit_counts(raw_documents))
        self._tfidf.fit(X)
        return X

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, raw_documents, y=None):
        """Learn the vocabulary (training the tokenizer) and the idf.

        Parameters
        ----------
        raw_documents : iterable
            Training documents.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted vectorizer.
        """
        self._fit_tfidf(raw_documents)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and idf; return the TF-IDF matrix of the documents.

        Parameters
        ----------
        raw_documents : iterable
            Training documents.
        y : None
            Ignored.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_features)
            TF-IDF weighted term counts.
        """
        X = self._fit_tfidf(raw_documents)
        return self._tfidf.transform(X, copy=False)  # X is made for this call: no copy

    def transform(self, raw_documents):
        """TF-IDF weighted term counts of the documents.

        Parameters
        ----------
        raw_documents : iterable
            Documents.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_features)
            TF-IDF weighted term counts.
        """
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        X = super().transform(raw_documents)
        return self._tfidf.transform(X, copy=False)
