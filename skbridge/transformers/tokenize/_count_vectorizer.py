"""TokenCountVectorizer: sparse token counts, a CountVectorizer drop-in."""

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from ...compat import fit_context
from ._analysis import _TokenAnalysis
from ._base import _TokenizerTransformer
from ._counting import STRING_INPUT, _TermCounting

__all__ = ["TokenCountVectorizer"]

class TokenCountVectorizer(
    _TermCounting,
    _TokenAnalysis,
    _TokenizerTransformer,
    CountVectorizer,
    auto_wrap_output_keys=None,
):
    r"""Count the terms of text as CountVectorizer does, cut by a trained Hugging Face tokenizer.

    A drop-in for :class:`sklearn.feature_extraction.text.CountVectorizer`:
    the same parameters with the same meaning and errors, the same input (an
    iterable of str, bytes, files or file names), output (a CSR matrix of
    counts) and attributes (``vocabulary_``, ``fixed_vocabulary_``,
    ``get_feature_names_out``, ``inverse_transform``, ``build_analyzer``...),
    and it is a ``CountVectorizer`` subclass. What it adds is the tokenizer:
    ``fit`` trains a BPE, WordPiece, Unigram or WordLevel model of the Rust
    library ``tokenizers`` on the documents (or takes a pretrained one), and
    its tokens are the words of ``CountVectorizer``'s analysis. Subword models
    (``"bpe"``, ``"wordpiece"``, ``"unigram"``) give a vocabulary of a bounded
    size that covers every word, rare ones in pieces.

    ``TokenCountVectorizer(model="wordlevel", token_pattern=r"(?u)\b\w\w+\b",
    vocab_size=None, min_frequency=1)`` gives what ``CountVectorizer()``
    gives, term for term and column for column.

    Parameters
    ----------
    model : {"bpe", "wordpiece", "unigram", "wordlevel"}, default="bpe"
        Tokenizer model to train. ``"wordlevel"`` keeps whole words (the
        ``vocab_size`` most frequent) as ``CountVectorizer`` does.
    vocab_size : int or None, default=30000
        Size of the vocabulary to train, special tokens included. BPE and
        WordPiece keep every character of the corpus, so their vocabulary can
        be larger when the corpus has more distinct characters. None: no
        bound (``"wordlevel"`` only).
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
        How text is split into words before the model (unless
        ``token_pattern`` is given): ``"whitespace"`` (runs of word
        characters, runs of punctuation), ``"whitespace_split"`` (on
        whitespace only), ``"bert"``, ``"punctuation"``, ``"digits"``,
        ``"metaspace"`` (SentencePiece style) or ``"bytelevel"`` (GPT-2 style:
        a byte alphabet, no unknown characters); or a
        ``tokenizers.pre_tokenizers`` class or instance.
    pre_tokenizer_kwargs : dict, default=None
        Keyword arguments of the pre-tokenizer named or given as a class.
    special_tokens : list of str, default=None
        Extra special tokens to put at the start of the vocabulary (after
        ``unk_token``). They are matched verbatim in the text.
    unk_token : str or None, default="[UNK]"
        Token that text outside the vocabulary maps to. ``None`` is allowed
        only for ``"bpe"``, which then drops characters it has not seen.
    count_unknown : bool, default=False
        Add a first column, named ``unk_token``, counting the terms of each
        document that have no column of their own: the unknown tokens, and
        the terms that ``vocab_size``, ``min_frequency``, ``max_df``,
        ``min_df`` or ``max_features`` left out. No effect with a fixed
        ``vocabulary``.
    binary : bool, default=False
        If True, every non-zero count is set to 1 (before ``max_features``
        ranks the terms, as in CountVectorizer).
    dtype : dtype, default=np.int64
        Type of the matrix returned by ``transform``.
    tokenizer : callable, tokenizers.Tokenizer, str, path-like or None, default=None
        A callable: CountVectorizer's ``tokenizer``, which cuts the
        preprocessed text into terms in place of the trained tokenizer
        (``analyzer="word"`` only). A pretrained tokenizer, or the path of its
        ``tokenizer.json`` (or of a folder holding one): used as is, ``fit``
        trains nothing and the model and normalisation parameters above are
        ignored.
    input : {"content", "file", "filename"}, default="content"
        What the documents are: text (str, or bytes decoded with
        ``encoding``), objects with a ``read`` method, or file names to read.
    encoding : str, default="utf-8"
        Encoding of bytes and files.
    decode_error : {"strict", "ignore", "replace"}, default="strict"
        What to do with bytes that are not valid in ``encoding``.
    strip_accents : {"ascii", "unicode"}, callable or None, default=None
        Remove accents (after lowercasing), as in CountVectorizer:
        ``"unicode"`` drops combining marks after NFKD, ``"ascii"`` every
        non-ASCII character after NFKD; with the tokenizer, through its
        normaliser. A callable runs in Python on each document.
    preprocessor : callable or None, default=None
        Replaces the preprocessing (lowercasing, accents): ``str -> str``,
        run in Python before the tokenizer.
    stop_words : {"english"}, list or None, default=None
        Terms to leave out before n-grams are made: a list, or "english"
        (scikit-learn's ``ENGLISH_STOP_WORDS``). With a subword model they are
        matched against the tokens (``"##ing"`` pieces included).
    token_pattern : str or None, default=None
        Regular expression of what a word is, as in CountVectorizer (whose
        default is ``r"(?u)\b\w\w+\b"``). None: ``pre_tokenizer`` cuts the
        words. With ``model="wordlevel"``, the words are cut by
        scikit-learn's analysis, in Python (one capturing group gives the
        term); with a subword model, by a ``tokenizers`` pre-tokenizer
        keeping the matches (CountVectorizer's default exactly, another
        pattern in Oniguruma syntax, whose ``\w`` also matches combining
        marks; no capturing group).
    ngram_range : tuple (min_n, max_n), default=(1, 1)
        Terms are the n-grams of tokens for ``min_n <= n <= max_n``, their
        tokens joined by a space (character n-grams with ``analyzer="char"``
        or ``"char_wb"``). No n-gram spans an unknown token.
    analyzer : {"word", "char", "char_wb"} or callable, default="word"
        ``"word"``: terms of tokens. ``"char"``, ``"char_wb"``, a callable:
        CountVectorizer's character n-grams or your analyzer, on the
        preprocessed text; no tokenizer is trained.
    max_df : float in [0.0, 1.0] or int, default=1.0
        Leave out the terms found in more than this share (float) or number
        (int) of the training documents.
    min_df : float in [0.0, 1.0] or int, default=1
        Leave out the terms found in fewer documents than this. The default
        keeps every token of a trained vocabulary, even one the training
        documents never give (a BPE merge always absorbed in a longer one).
    max_features : int or None, default=None
        Keep only the terms of largest total count (after ``max_df`` and
        ``min_df``).
    vocabulary : Mapping or iterable or None, default=None
        Fixed ``{term: column}`` (or terms, numbered in order): the columns
        are not learned. With ``model="wordlevel"`` (or a pretrained
        tokenizer) nothing is trained and ``transform`` works before ``fit``;
        a subword model is still trained in ``fit``.

    verbose : bool, default=False
        Show the tokenizers trainer's progress bars while ``fit`` trains (silent
        by default).

    Attributes
    ----------
    vocabulary_ : dict
        Mapping of terms to column indices.
    fixed_vocabulary_ : bool
        True when ``vocabulary`` was given.
    tokenizer_ : tokenizers.Tokenizer or None
        The trained (or loaded) tokenizer, without padding or truncation; None
        where scikit-learn's analysis cuts the terms.

    See Also
    --------
    TokenTfidfVectorizer : The same terms, weighted by TF-IDF.
    TokenIdEncoder : Padded token ids for neural networks, same tokenizers.
    sklearn.feature_extraction.text.CountVectorizer : The word counter this replaces.

    Notes
    -----
    Who cuts the terms. **scikit-learn's analysis** (``CountVectorizer``'s own
    ``build_analyzer``, in Python, term for term) with ``analyzer="char"``,
    ``"char_wb"`` or a callable, a callable ``tokenizer``, or
    ``token_pattern`` with ``model="wordlevel"``; the model then only bounds
    the vocabulary (WordLevel: ``vocab_size``, ``min_frequency``), and the
    tokenizer parameters that go unused draw CountVectorizer's warning.
    Otherwise **the tokenizer**: decoding and a callable ``preprocessor`` or
    ``strip_accents`` in Python, then the tokenizer (normaliser, pre-tokenizer
    or ``token_pattern``, model), then stop words and n-grams of its tokens.

    Columns. With scikit-learn's analysis, and with n-grams, the terms are
    sorted, as CountVectorizer sorts them. Counting single tokens, they keep
    the order of the tokenizer's ids: trained ids are made deterministic, the
    special tokens first (``unk_token``, then ``special_tokens``), then the
    other tokens by decreasing frequency in the training corpus, ties broken
    by the token, so the same corpus and parameters give the same columns in
    every run (the ``tokenizers`` trainers of WordPiece and Unigram do not).
    Finding the frequencies encodes the corpus once more, which
    ``fit_transform`` reuses for its output. The unknown token has no column
    unless ``count_unknown``.

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
    (15, 39)
    >>> vectorizer.get_feature_names_out()[:5].tolist()
    ['the', 'on', 'sat', 'and', 'cat']
    >>> int(X[0, vectorizer.vocabulary_["the"]])
    2
    >>> [row.tolist() for row in vectorizer.inverse_transform(
    ...     vectorizer.transform(["Cats sat", "zebra"]))]
    [['sat', 'cats'], []]

    As ``CountVectorizer``, with bigrams and English stop words:

    >>> words = TokenCountVectorizer(model="wordlevel", token_pattern=r"(?u)\b\w\w+\b",
    ...                              vocab_size=None, min_frequency=1,
    ...                              ngram_range=(1, 2), stop_words="english")
    >>> words.fit(corpus).get_feature_names_out().tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['cat', 'cat sat', 'cats', 'cats dogs', 'dog', 'dog sat', 'dogs', 'log', 'mat', 'sat',
     'sat log', 'sat mat']
    """

    _parameter_constraints: dict = {
        **CountVectorizer._parameter_constraints,
        **_TokenizerTransformer._parameter_constraints,
        "tokenizer": [None, callable, *_TokenizerTransformer._parameter_constraints["tokenizer"]],
        "count_unknown": ["boolean"],
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
        dtype=np.int64,
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
        self.verbose = verbose

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, raw_documents, y=None):
        """Learn the vocabulary (training the tokenizer where it cuts the terms).

        Parameters
        ----------
        raw_documents : iterable
            Documents: str (or bytes, files, file names, as ``input`` says).
            May be empty with a pretrained tokenizer or a fixed WordLevel
            vocabulary.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted vectorizer.
        """
        self._fit_counts(raw_documents)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and return the term counts of the documents.

        Same result as ``fit(raw_documents).transform(raw_documents)``, with
        one pass of encoding fewer.

        Parameters
        ----------
        raw_documents : iterable
            Training documents.
        y : None
            Ignored.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Term counts.
        """
        return self._finish(self._fit_counts(raw_documents))

    def transform(self, raw_documents):
        """Count the terms of each document.

        Parameters
        ----------
        raw_documents : iterable
            Documents.

        Returns
        -------
        X : scipy.sparse.csr_matrix of shape (n_documents, n_features)
            Term counts (1 for every term present when ``binary=True``).
        """
        if isinstance(raw_documents, str):
            raise ValueError(STRING_INPUT)
        self._check_vocabulary()
        X, unknown = self._count(raw_documents, self.vocabulary_)
        if self.count_unknown and not self.fixed_vocabulary_:
            rows = np.flatnonzero(unknown)
            X = X + sp.csr_matrix(
                (unknown[rows], (rows, np.zeros_like(rows))), shape=X.shape, dtype=X.dtype
            )
        X.sort_indices()
        return self._finish(X)

    def inverse_transform(self, X):
        """Terms present in each row of a count matrix.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_documents, n_features)
            Term counts.

        Returns
        -------
        X_terms : list of ndarray
            For each row, the terms with a non-zero count, in column order.
        """
        self._check_vocabulary()
        names = self.get_feature_names_out()
        X = sp.csr_matrix(X) if not sp.issparse(X) else X.tocsr()
        if X.ndim != 2 or X.shape[1] != names.size:
            raise ValueError(
                f"Expected a matrix with {names.size} columns (one per term), got shape "
                f"{X.shape}."
            )
        X = X.copy()
        X.eliminate_zeros()
        X.sort_indices()
        return [names[X.indices[X.indptr[i] : X.indptr[i + 1]]] for i in range(X.shape[0])]
