"""TokenCountVectorizer: sparse token counts, a CountVectorizer drop-in."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from ...compat import fit_context
from ._base import _TokenizerTransformer
from ._encoding import check_documents, count_matrix

__all__ = ["TokenCountVectorizer"]


class TokenCountVectorizer(_TokenizerTransformer):
    """Count the tokens of a trained Hugging Face tokenizer: a CountVectorizer drop-in.

    ``fit`` trains a BPE, WordPiece, Unigram or WordLevel tokenizer of the
    Rust library ``tokenizers`` on the documents (or takes a pretrained one),
    and ``transform`` returns the CSR matrix of how often each token of its
    vocabulary occurs in each document, like
    :class:`sklearn.feature_extraction.text.CountVectorizer`: same input (an
    iterable of str), same output type, ``vocabulary_``,
    ``get_feature_names_out`` and ``inverse_transform``, so it goes in front of
    :class:`~sklearn.feature_extraction.text.TfidfTransformer` and any linear
    model. Subword models (``"bpe"``, ``"wordpiece"``, ``"unigram"``) give a
    vocabulary of a fixed size that covers every word, rare ones in pieces.

    Parameters
    ----------
    model : {"bpe", "wordpiece", "unigram", "wordlevel"}, default="bpe"
        Tokenizer model to train. ``"wordlevel"`` keeps whole words (the
        ``vocab_size`` most frequent) as ``CountVectorizer`` does.
    vocab_size : int, default=30000
        Size of the vocabulary to train, special tokens included. BPE and
        WordPiece keep every character of the corpus, so their vocabulary can
        be larger when the corpus has more distinct characters.
    min_frequency : int, default=2
        Least number of occurrences of a word (as the normaliser and
        pre-tokenizer cut it) for the trainer to learn from it, and of a
        merge (BPE, WordPiece) to enter the vocabulary. WordLevel keeps the
        words seen that often. The subword models learn from them too but keep
        every character of the corpus in their alphabet, so rare words stay
        encodable; leaving rare words out bounds the memory of their
        trainers, which grows with the number of distinct words (see the
        docs). ``1``, or a pre-tokenizer that leaves whitespace inside words,
        trains on all the text, as ``tokenizers`` does.
    lowercase : bool, default=True
        Lowercase the text (after ``normalizer``).
    normalizer : str, class, instance or None, default=None
        Unicode normalisation: ``"nfc"``, ``"nfd"``, ``"nfkc"``, ``"nfkd"``,
        ``"strip_accents"`` (NFD, then remove accents) or ``"bert"``; or a
        ``tokenizers.normalizers`` class (built with ``normalizer_kwargs``)
        or instance.
    normalizer_kwargs : dict, default=None
        Keyword arguments of the normalizer named or given as a class.
    pre_tokenizer : str, class, instance or None, default="whitespace"
        How text is split into words before the model: ``"whitespace"``
        (runs of word characters, runs of punctuation), ``"whitespace_split"``
        (on whitespace only), ``"bert"``, ``"punctuation"``, ``"digits"``,
        ``"metaspace"`` (SentencePiece style) or ``"bytelevel"`` (GPT-2 style:
        a byte alphabet, no unknown characters); or a
        ``tokenizers.pre_tokenizers`` class or instance.
    pre_tokenizer_kwargs : dict, default=None
        Keyword arguments of the pre-tokenizer named or given as a class.
    special_tokens : list of str, default=None
        Extra special tokens to put at the start of the vocabulary (after
        ``unk_token``). They are matched verbatim in the text.
    unk_token : str or None, default="[UNK]"
        Token that text outside the vocabulary maps to (column 0). ``None`` is
        allowed only for ``"bpe"``, which then drops characters it has not seen.
    binary : bool, default=False
        If True, every non-zero count is set to 1.
    dtype : dtype, default=np.int64
        Type of the matrix returned by ``transform``.
    tokenizer : tokenizers.Tokenizer, str, path-like or None, default=None
        A pretrained tokenizer, or the path of its ``tokenizer.json`` (or of a
        folder holding one), used as is: ``fit`` trains nothing and all the
        parameters above but ``binary`` and ``dtype`` are ignored.

    Attributes
    ----------
    tokenizer_ : tokenizers.Tokenizer
        The trained (or loaded) tokenizer, without padding or truncation.
    vocabulary_ : dict
        Mapping of tokens to column indices (the token ids).

    See Also
    --------
    TokenIdEncoder : Padded token ids for neural networks, same tokenizers.
    sklearn.feature_extraction.text.CountVectorizer : The regular-expression
        word counter this replaces.

    Notes
    -----
    Ids are made deterministic after training: the special tokens come first
    (``unk_token``, then ``special_tokens``), then the other tokens by
    decreasing frequency in the training corpus, ties broken by the token, so
    the same corpus and parameters give the same columns in every run (the
    ``tokenizers`` trainers of WordPiece and Unigram do not). Finding the
    frequencies encodes the corpus once more, which ``fit_transform`` reuses
    for its output.

    ``transform`` encodes the documents in chunks of about 256 KiB of text
    with ``encode_batch_fast`` (the documents of a chunk in parallel; see the
    module notes on threads), copies their ids while the next two chunks are
    encoded, and counts them with one sort per chunk, so its memory stays near
    the size of the output.

    Unigram training starts its EM from at most ``max(100000, 4 * vocab_size)``
    seed pieces (the most frequent substrings of the words) instead of the
    1,000,000 of ``tokenizers`` and SentencePiece: its trainer holds a trie of
    the seeds, about 1 KB each. On a large corpus this lowers the peak memory
    of ``fit`` for slightly more tokens per character (the user guide gives
    the figures); where there are fewer candidate seeds than the bound
    nothing changes. After training, and after encoding more than one chunk,
    the memory that the Rust threads freed is handed back to the system
    (``malloc_trim`` on glibc), so the next step does not add to the previous
    one's peak.

    Examples
    --------
    >>> from skbridge.transformers import TokenCountVectorizer
    >>> corpus = ["the cat sat on the mat", "the dog sat on the log",
    ...           "cats and dogs"] * 5
    >>> vectorizer = TokenCountVectorizer(model="wordpiece", vocab_size=60)
    >>> X = vectorizer.fit_transform(corpus)
    >>> X.shape
    (15, 40)
    >>> vectorizer.get_feature_names_out()[:6].tolist()
    ['[UNK]', 'the', 'on', 'sat', 'and', 'cat']
    >>> int(X[0, vectorizer.vocabulary_["the"]])
    2
    >>> [row.tolist() for row in vectorizer.inverse_transform(
    ...     vectorizer.transform(["Cats sat", "zebra"]))]
    [['sat', 'cats'], ['[UNK]']]
    """

    _parameter_constraints: dict = {
        **_TokenizerTransformer._parameter_constraints,
        "binary": ["boolean"],
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
        binary=False,
        dtype=np.int64,
        tokenizer=None,
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
        self.binary = binary
        self.dtype = dtype
        self.tokenizer = tokenizer

    def _wants_counts(self):
        return True

    def _finish(self, X):
        if self.binary:
            X.data[:] = 1
        return X.astype(self.dtype, copy=False)

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Train the tokenizer and return the token counts of the documents.

        Same result as ``fit(X).transform(X)``, with one pass of encoding fewer.

        Parameters
        ----------
        X : iterable of str
            Training documents.
        y : None
            Ignored.

        Returns
        -------
        X_counts : scipy.sparse.csr_matrix of shape (n_documents, n_tokens)
            Token counts.
        """
        docs = check_documents(X, allow_empty=self.tokenizer is not None)
        counts = self._fit_tokenizer(docs)
        if counts is None:
            counts = count_matrix(self.tokenizer_, docs, self._n_features_out, dtype=self.dtype)
        return self._finish(counts)

    def transform(self, X):
        """Count the tokens of each document.

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        X_counts : scipy.sparse.csr_matrix of shape (n_documents, n_tokens)
            Token counts (1 for every token present when ``binary=True``).
        """
        check_is_fitted(self)
        docs = check_documents(X, allow_empty=True)
        return self._finish(
            count_matrix(self.tokenizer_, docs, self._n_features_out, dtype=self.dtype)
        )

    def inverse_transform(self, X):
        """Tokens present in each row of a count matrix.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_documents, n_tokens)
            Token counts.

        Returns
        -------
        X_tokens : list of ndarray
            For each row, the tokens with a non-zero count, in column order.
        """
        check_is_fitted(self)
        X = sp.csr_matrix(X) if not sp.issparse(X) else X.tocsr()
        if X.ndim != 2 or X.shape[1] != self._n_features_out:
            raise ValueError(
                f"Expected a matrix with {self._n_features_out} columns (one per token), "
                f"got shape {X.shape}."
            )
        names = self.get_feature_names_out()
        X = X.copy()
        X.eliminate_zeros()
        X.sort_indices()
        return [names[X.indices[X.indptr[i] : X.indptr[i + 1]]] for i in range(X.shape[0])]

    def get_feature_names_out(self, input_features=None):
        """The tokens, in column order.

        Parameters
        ----------
        input_features : None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``feature_names_out[vocabulary_[token]] == token``.
        """
        check_is_fitted(self)
        names = np.empty(self._n_features_out, dtype=object)
        names[:] = [f"<unused id {i}>" for i in range(self._n_features_out)]
        for token, index in self.vocabulary_.items():
            names[index] = token
        return names
