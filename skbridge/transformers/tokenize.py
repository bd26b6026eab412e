"""Hugging Face tokenizers as scikit-learn transformers of text.

:class:`TokenCountVectorizer` trains a BPE, WordPiece, Unigram or WordLevel
tokenizer of the Rust library `tokenizers <https://github.com/huggingface/tokenizers>`_
in ``fit`` and turns documents into a sparse matrix of token counts in
``transform``: a drop-in for :class:`sklearn.feature_extraction.text.CountVectorizer`
in front of ``TfidfTransformer`` and any linear model. :class:`TokenIdEncoder`
trains the same tokenizers and returns padded (and truncated) arrays of token
ids with their attention mask, and optionally the character offsets and word
indices, as neural-network estimators take them.

Both take an iterable of ``str`` as ``X`` (a list, a 1-D array, a pandas
Series), or a pretrained :class:`tokenizers.Tokenizer` (or the path of its
``tokenizer.json``) instead of training one. ``tokenizers`` is imported only
when a tokenizer is built or loaded (extra ``tokenize``).

Threads: ``tokenizers`` encodes the documents of a batch in parallel in its own
thread pool (Rayon), which is created once per process with
``RAYON_NUM_THREADS`` threads (all cores by default). Set
``TOKENIZERS_PARALLELISM=false`` to encode in one thread. This module never
sets either variable: in particular it never sets ``TOKENIZERS_PARALLELISM=true``,
which makes a process forked after the pool was used (``GridSearchCV`` with
joblib's ``multiprocessing`` backend) deadlock; without it ``tokenizers``
detects the fork and encodes in one thread in the child. Joblib's default
``loky`` backend starts fresh processes and is not affected.
"""

import json
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from numbers import Integral
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..compat import (
    HasMethods,
    Interval,
    StrOptions,
    fit_context,
    import_optional,
    release_free_memory,
)
from ..compat.hf_tokenizers import limit_unigram_seeds

__all__ = ["TokenCountVectorizer", "TokenIdEncoder"]

# Characters of text handed to one ``encode_batch`` call. Each call holds the
# Encoding objects of its chunk (about 80 bytes per token) until their ids are
# copied out, and three chunks are alive (one copied, ``_IN_FLIGHT`` being
# encoded), so the chunk bounds the memory on top of the output: 256 KiB keeps
# it near 20 MB while still giving the thread pool dozens of documents at once.
# Two calls in flight keep the pool busy while one of them waits for its
# longest document (about 10 % faster than one with 2 threads, 15 % with 1).
_CHUNK_CHARS = 1 << 18
_IN_FLIGHT = 2

# Unigram training starts from the most frequent substrings of the words (the
# seeds; 1,000,000 at most in tokenizers and SentencePiece) and holds a trie of
# them, about 1 KB per seed, in every EM step: the trainer's memory is that
# trie. Here the seeds are bounded by the vocabulary asked for (see the
# TokenCountVectorizer notes for what it costs and saves).
_UNIGRAM_SEEDS_PER_TOKEN = 4
_UNIGRAM_MIN_SEEDS = 100_000


def _tokenizers(owner):
    return import_optional("tokenizers", extra="tokenize", purpose=type(owner).__name__)


def _check_documents(X, *, allow_empty):
    """``X`` as a list of str, or a clear error naming what is wrong with it."""
    if isinstance(X, (str, bytes)):
        raise ValueError(
            "Iterable over raw text documents expected, string object received. "
            "Wrap a single document in a list: [text]."
        )
    ndim = getattr(X, "ndim", 1)
    if ndim != 1:
        raise ValueError(
            f"Expected a 1-D iterable of str documents, got a {ndim}-D "
            f"{type(X).__name__} of shape {getattr(X, 'shape', None)}. "
            "Pass one text column, e.g. df['text']."
        )
    try:
        docs = X.tolist() if isinstance(X, np.ndarray) else list(X)
    except TypeError:
        raise TypeError(
            f"Expected an iterable of str documents, got {type(X).__name__}."
        ) from None
    for i, doc in enumerate(docs):
        if not isinstance(doc, str):
            missing = type(doc).__name__ in ("NAType", "NaTType")
            if doc is None or missing or (isinstance(doc, float) and doc != doc):
                raise ValueError(
                    f"Document {i} is missing ({doc!r}); every document must be a str. "
                    "Drop or fill missing texts first (e.g. with '')."
                )
            raise TypeError(
                f"Document {i} is a {type(doc).__name__} ({doc!r:.40}), not a str; "
                "every document must be a str (decode bytes first)."
            )
    if not docs and not allow_empty:
        raise ValueError("Empty corpus: fit needs at least one document to train the tokenizer.")
    return docs


def _chunk_bounds(docs, chunk_chars=None):
    """``(start, stop)`` of consecutive documents holding about ``chunk_chars`` characters."""
    chunk_chars = chunk_chars or _CHUNK_CHARS
    bounds, start, size = [], 0, 0
    for i, doc in enumerate(docs):
        size += len(doc)
        if size >= chunk_chars:
            bounds.append((start, i + 1))
            start, size = i + 1, 0
    if start < len(docs):
        bounds.append((start, len(docs)))
    return bounds


def _encode_error(exc, start, stop):
    message = str(exc)
    hint = ""
    if "unk" in message.lower():
        hint = (
            " The documents hold a token that is not in the vocabulary and the "
            "tokenizer has no unknown token to map it to: train with unk_token set "
            "(the default '[UNK]'), or give a tokenizer with an unk token."
        )
    return ValueError(f"The tokenizer failed on documents {start}..{stop - 1}: {message}.{hint}")


def _encode_in_chunks(tokenizer, docs, *, add_special_tokens, offsets=False):
    """Yield ``((start, stop), encodings)`` over byte-sized chunks of ``docs``.

    ``encode_batch`` releases the GIL, so the next ``_IN_FLIGHT`` chunks are
    encoded in helper threads while the caller copies the ids of the current
    one. Without ``offsets``, ``encode_batch_fast`` is used: the same ids,
    without the character offsets (and word ids) that ``encode_batch`` works
    out for every token (see the benchmark: 1.1 to 1.4 times faster on these
    machines).
    """
    bounds = _chunk_bounds(docs)
    method = tokenizer.encode_batch if offsets else tokenizer.encode_batch_fast

    def encode(bound):
        start, stop = bound
        try:
            return method(docs[start:stop], add_special_tokens=add_special_tokens)
        except Exception as exc:  # tokenizers raises plain Exception
            raise _encode_error(exc, start, stop) from exc

    if len(bounds) <= 1:
        for bound in bounds:
            yield bound, encode(bound)
        return
    depth = _IN_FLIGHT
    with ThreadPoolExecutor(max_workers=depth) as pool:
        futures = deque(pool.submit(encode, b) for b in bounds[:depth])
        for i, bound in enumerate(bounds):
            encodings = futures.popleft().result()
            if i + depth < len(bounds):
                futures.append(pool.submit(encode, bounds[i + depth]))
            yield bound, encodings


def _flat_ids(encodings):
    """Lengths and concatenated ids of a list of Encodings, as int64 arrays."""
    ids = [e.ids for e in encodings]
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
    return lengths, flat


def _count_matrix(tokenizer, docs, n_features, dtype=np.int64, freq=None):
    """CSR matrix of token counts, ``(len(docs), n_features)``, sorted indices.

    ``freq``, an int64 array of ``n_features`` zeros, receives how often each
    id occurs (the column sums) without a pass over the finished matrix.
    """
    n_docs = len(docs)
    row_nnz = np.zeros(n_docs, dtype=np.int64)
    indices, data = [], []
    index_dtype = np.int32 if n_features < np.iinfo(np.int32).max else np.int64
    for (start, stop), encodings in _encode_in_chunks(tokenizer, docs, add_special_tokens=False):
        lengths, flat = _flat_ids(encodings)
        del encodings
        if not flat.size:
            continue
        if freq is not None:
            freq += np.bincount(flat, minlength=n_features)[:n_features]
        # One sort of row * n_features + id groups equal tokens of a row and
        # leaves the columns of each row sorted, as CSR wants them.
        keys = np.repeat(np.arange(stop - start, dtype=np.int64) * n_features, lengths)
        keys += flat
        keys.sort()
        first = np.empty(keys.size, dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        rows, cols = np.divmod(keys[starts], n_features)
        row_nnz[start:stop] = np.bincount(rows, minlength=stop - start)
        indices.append(cols.astype(index_dtype))
        # a chunk's counts are below its token count: int32 until the end
        count_dtype = np.int32 if keys.size < np.iinfo(np.int32).max else np.int64
        data.append(np.diff(starts, append=keys.size).astype(count_dtype))
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(row_nnz, out=indptr[1:])
    if indptr[-1] < np.iinfo(np.int32).max and index_dtype == np.int32:
        indptr = indptr.astype(np.int32)
    # The encoding threads leave their freed buffers in glibc's arenas; give
    # them back before the output is assembled next to its parts (worth it
    # past one chunk). Then one array at a time, each part list emptied as
    # soon as it is copied.
    if len(data) > 1:
        release_free_memory()
    values = np.concatenate(data, dtype=dtype, casting="unsafe") if data else np.zeros(0, dtype)
    data.clear()
    columns = np.concatenate(indices) if indices else np.zeros(0, dtype=index_dtype)
    indices.clear()
    X = sp.csr_matrix((values, columns, indptr), shape=(n_docs, n_features), copy=False)
    X.has_sorted_indices = True
    return X


def _renumber_in_place(indices, old_to_new, block=1 << 20):
    """``indices[:] = old_to_new[indices]``, a block at a time.

    ``np.take`` converts its indices to ``intp``: on the whole array that is a
    temporary copy twice the size of int32 indices.
    """
    for i in range(0, indices.size, block):
        part = indices[i : i + block]
        np.take(old_to_new, part, out=part, mode="clip")


def _token_frequencies(tokenizer, docs, n_features):
    """How often each id occurs when ``tokenizer`` encodes ``docs``."""
    freq = np.zeros(n_features, dtype=np.int64)
    for _, encodings in _encode_in_chunks(tokenizer, docs, add_special_tokens=False):
        _, flat = _flat_ids(encodings)
        freq += np.bincount(flat, minlength=n_features)[:n_features]
    return freq


# The unknown word of the word-counting pass: it holds whitespace, so no
# pre-tokenized word can be equal to it.
_RARE_WORD = "\x00 rare word \x00"


def _train_on_frequent_words(tk, tokenizer, trainer, docs, min_count):
    """Train ``tokenizer`` on the words of ``docs`` seen at least ``min_count`` times.

    The subword trainers of ``tokenizers`` hold every distinct word of the
    corpus, each with its pair counts (BPE, WordPiece) or substrings
    (Unigram): their memory grows with the number of distinct words, most of
    which, in real text, occur once (typos, numbers, hashes, URLs). Here a
    WordLevel pass in Rust counts the words made by the tokenizer's own
    normaliser and pre-tokenizer, and the trainer is fed each word seen at
    least ``min_count`` times, that many times, through a whitespace split
    (the same word counts the trainer would have made, less the rare words).
    Every character of the corpus stays in the initial alphabet.

    Returns False, having trained nothing, where the pre-tokenizer leaves
    whitespace inside words (no pre-tokenizer, or a custom one, as seen in the
    first documents or in any kept word): then the words cannot be fed back
    through a whitespace split.
    """
    pre_tokenizer, normalizer = tokenizer.pre_tokenizer, tokenizer.normalizer
    if pre_tokenizer is None:
        return False
    splitter = tk.pre_tokenizers.WhitespaceSplit()

    spaces = {}

    def is_space(ch):  # Rust's char::is_whitespace, which is not str.isspace
        if ch not in spaces:
            spaces[ch] = len(splitter.pre_tokenize_str(f"a{ch}a")) != 1
        return spaces[ch]

    # a cheap look at the first documents, then every kept word below
    for doc in docs[:64]:
        text = normalizer.normalize_str(doc[:4096]) if normalizer is not None else doc[:4096]
        if any(is_space(ch) for word, _ in pre_tokenizer.pre_tokenize_str(text) for ch in set(word)):
            return False

    counter = tk.Tokenizer(tk.models.WordLevel(unk_token=_RARE_WORD))
    counter.normalizer = normalizer
    counter.pre_tokenizer = pre_tokenizer
    counter.train_from_iterator(
        docs,
        tk.trainers.WordLevelTrainer(
            vocab_size=2**31 - 1, min_frequency=min_count, special_tokens=[_RARE_WORD],
            show_progress=False,
        ),
        length=len(docs),
    )
    vocab = counter.get_vocab(with_added_tokens=False)
    words = [""] * (max(vocab.values(), default=-1) + 1)
    for word, i in vocab.items():
        words[i] = word
    del vocab
    rare = counter.token_to_id(_RARE_WORD)
    words[rare] = ""
    if any(is_space(ch) for ch in set("".join(words))):
        return False
    freq = _token_frequencies(counter, docs, len(words))
    freq[rare] = 0
    del counter
    release_free_memory()

    # the characters of the corpus as the words hold them: normalised, then
    # through the pre-tokenizer (which maps them to bytes, for ByteLevel)
    chars = set()
    for doc in docs:
        chars.update(doc)
    if normalizer is not None:
        chars = {normalizer.normalize_str(ch) for ch in chars}
    pieces = pre_tokenizer.pre_tokenize_str(" ".join(sorted(chars)))
    alphabet = {ch for piece, _ in pieces for ch in piece if not is_space(ch)}
    trainer.initial_alphabet = sorted(set(trainer.initial_alphabet) | alphabet)

    def stream(size=8192):
        # pieces of about ``size`` characters: the trainer buffers its input
        # and keeps per-character alignments of each piece while it splits it
        buf, n = [], 0
        for word, count in zip(words, freq.tolist()):
            if not word:
                continue
            per_piece = max(1, size // (len(word) + 1))
            while count > 0:
                k = min(count, per_piece)
                buf.append(" ".join([word] * k))
                n += k * (len(word) + 1)
                count -= k
                if n >= size:
                    yield " ".join(buf)
                    buf, n = [], 0
        if buf:
            yield " ".join(buf)

    tokenizer.normalizer = None
    tokenizer.pre_tokenizer = splitter
    try:
        tokenizer.train_from_iterator(stream(), trainer)
    finally:
        tokenizer.normalizer = normalizer
        tokenizer.pre_tokenizer = pre_tokenizer
    return True


def _renumbered(tk, tokenizer, specials, freq):
    """A copy of ``tokenizer`` whose ids are special tokens first (in order),
    then the other tokens by decreasing ``freq`` (indexed by old id), ties by token.

    Training WordPiece and Unigram gives the same vocabulary in every run but
    not the same ids; this order depends only on the vocabulary and the corpus.
    """
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    special_set = set(specials)
    head = [t for t in specials if t in vocab]
    rest = sorted((t for t in vocab if t not in special_set), key=lambda t: (-freq[vocab[t]], t))
    new_id = {t: i for i, t in enumerate(head + rest)}
    state = json.loads(tokenizer.to_str())
    model = state["model"]
    if model["type"] == "Unigram":
        unk = model["vocab"][model["unk_id"]][0] if model.get("unk_id") is not None else None
        # Scores differ in the last digits between runs (parallel sums); rounded,
        # the saved file is the same too.
        model["vocab"] = [
            [piece, round(score, 8)]
            for piece, score in sorted(model["vocab"], key=lambda piece: new_id[piece[0]])
        ]
        if unk is not None:
            model["unk_id"] = new_id[unk]
    else:
        model["vocab"] = {t: new_id[t] for t in model["vocab"]}
    for added in state.get("added_tokens") or []:
        added["id"] = new_id[added["content"]]
    return tk.Tokenizer.from_str(json.dumps(state))


def _subword_prefix(model, pre_kind):
    """The continuing-subword prefix a model is trained with, or None."""
    if model == "wordpiece" or (model == "bpe" and pre_kind not in ("ByteLevel", "Metaspace")):
        return "##"
    return None


def _pinned_symbols(docs, normalizer, prefix):
    """``prefix + c`` for every character ``c`` of the normalised corpus, sorted.

    The BPE trainer (which WordPiece training runs too) numbers the prefixed
    characters in the order it meets them while iterating a Rust hash map, so
    their ids, and with them the tie-breaking between merges of equal count,
    change from run to run, and so does the vocabulary when ties fall at its
    end. Handing these symbols to the trainer first, as special tokens, gives
    them fixed ids; they are turned back into ordinary tokens after training.
    """
    chars = set()
    for doc in docs:
        chars.update(normalizer.normalize_str(doc) if normalizer is not None else doc)
    return [prefix + c for c in sorted(chars)]


def _without_added(tk, tokenizer, tokens):
    """A copy of ``tokenizer`` where ``tokens`` are plain vocabulary entries."""
    tokens = set(tokens)
    state = json.loads(tokenizer.to_str())
    added = state.get("added_tokens") or []
    state["added_tokens"] = [a for a in added if a["content"] not in tokens]
    return tk.Tokenizer.from_str(json.dumps(state))


def _resolve(registry, what, value, kwargs, module):
    """Build a normalizer / pre-tokenizer from a name, a class or an instance."""
    kwargs = dict(kwargs or {})
    if value is None:
        return None
    if isinstance(value, str):
        return registry[value](module, **kwargs)
    if isinstance(value, type):
        try:
            return value(**kwargs)
        except TypeError as exc:
            raise ValueError(
                f"Cannot build the {what} {value.__name__}(**{kwargs}): {exc}"
            ) from exc
    if kwargs:
        raise ValueError(
            f"{what}_kwargs={kwargs} is given but {what} is already an instance "
            f"({value!r}); pass the class or a name to use kwargs."
        )
    return value


class _TokenizerTransformer(TransformerMixin, BaseEstimator):
    """Shared parameters, training and persistence of the tokenizer transformers.

    Subclasses add their own parameters and implement ``transform``;
    ``_extra_special_tokens()`` lists the special tokens they need first in the
    vocabulary, ``_configure(tokenizer, padding)`` adjusts the fitted tokenizer.
    """

    _parameter_constraints: dict = {
        "model": [StrOptions({"bpe", "wordpiece", "unigram", "wordlevel"})],
        "vocab_size": [Interval(Integral, 1, None, closed="left")],
        "min_frequency": [Interval(Integral, 0, None, closed="left")],
        "lowercase": ["boolean"],
        "normalizer": [None, str, type, HasMethods(["normalize_str"])],
        "normalizer_kwargs": [dict, None],
        "pre_tokenizer": [None, str, type, HasMethods(["pre_tokenize_str"])],
        "pre_tokenizer_kwargs": [dict, None],
        "special_tokens": [list, tuple, None],
        "unk_token": [str, None],
        "dtype": "no_validation",  # a NumPy dtype, as in CountVectorizer
        "tokenizer": [None, str, os.PathLike, HasMethods(["encode_batch", "to_str"])],
    }

    # -- building and training -------------------------------------------------

    def _special_token_list(self):
        tokens = list(self._extra_special_tokens())
        if self.unk_token is not None:
            tokens.append(self.unk_token)
        tokens.extend(self.special_tokens or ())
        for token in tokens:
            if not isinstance(token, str) or not token:
                raise ValueError(f"special_tokens must be non-empty str, got {token!r}.")
        return list(dict.fromkeys(tokens))

    def _extra_special_tokens(self):
        return []

    def _build_untrained(self, tk, docs):
        for name, registry in (("normalizer", _NORMALIZERS), ("pre_tokenizer", _PRE_TOKENIZERS)):
            value = getattr(self, name)
            if isinstance(value, str) and value not in registry:
                raise ValueError(
                    f"Unknown {name} {value!r}; choose one of {sorted(registry)}, a "
                    f"tokenizers.{name}s class or instance, or None."
                )
        if self.unk_token is None and self.model != "bpe":
            raise ValueError(
                f"model={self.model!r} needs an unknown token for text outside its "
                "vocabulary (Unigram raises, WordLevel and WordPiece fail without one); "
                "set unk_token (default '[UNK]'). Only 'bpe' can drop unknown "
                "characters silently with unk_token=None."
            )
        normalizer = _resolve(
            _NORMALIZERS, "normalizer", self.normalizer, self.normalizer_kwargs, tk.normalizers
        )
        pre_tokenizer = _resolve(
            _PRE_TOKENIZERS, "pre_tokenizer", self.pre_tokenizer, self.pre_tokenizer_kwargs,
            tk.pre_tokenizers,
        )
        lowercase = tk.normalizers.Lowercase() if self.lowercase else None
        steps = [n for n in (normalizer, lowercase) if n is not None]
        pre_kind = type(pre_tokenizer).__name__ if pre_tokenizer is not None else None
        normalizer = None
        if steps:
            normalizer = steps[0] if len(steps) == 1 else tk.normalizers.Sequence(steps)
        specials = self._special_token_list()
        prefix = _subword_prefix(self.model, pre_kind)
        pinned = []
        if prefix is not None:
            special_set = set(specials)
            pinned = [t for t in _pinned_symbols(docs, normalizer, prefix) if t not in special_set]
        model, trainer, decoder = _MODELS[self.model](
            tk,
            vocab_size=self.vocab_size,
            min_frequency=self.min_frequency,
            special_tokens=specials + pinned,
            unk_token=self.unk_token,
            prefix=prefix,
            pre_kind=pre_kind,
        )
        tokenizer = tk.Tokenizer(model)
        if normalizer is not None:
            tokenizer.normalizer = normalizer
        if pre_tokenizer is not None:
            tokenizer.pre_tokenizer = pre_tokenizer
        if decoder is not None:
            tokenizer.decoder = decoder
        return tokenizer, trainer, specials, pinned

    def _load_pretrained(self, tk):
        source = self.tokenizer
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if path.is_dir():
                path = path / "tokenizer.json"
            if not path.is_file():
                raise FileNotFoundError(
                    f"No tokenizer file at {path}: pass a tokenizer.json path, a folder "
                    "holding one, or a tokenizers.Tokenizer."
                )
            try:
                return tk.Tokenizer.from_file(str(path))
            except Exception as exc:
                raise ValueError(f"Cannot read the tokenizer file {path}: {exc}") from exc
        # A copy: padding and truncation are set on it, never on the user's object.
        return tk.Tokenizer.from_str(source.to_str())

    def _fit_tokenizer(self, docs):
        """Train (or load) the tokenizer; set the fitted attributes.

        Returns the count matrix of ``docs`` under the final ids when training
        computed it anyway (the renumbering needs the frequencies), else None.
        """
        tk = _tokenizers(self)
        counts = None
        if self.tokenizer is not None:
            tokenizer = self._load_pretrained(tk)
        else:
            tokenizer, trainer, specials, pinned = self._build_untrained(tk, docs)
            try:
                if not (
                    self.model != "wordlevel"
                    and self.min_frequency >= 2
                    and _train_on_frequent_words(tk, tokenizer, trainer, docs, self.min_frequency)
                ):
                    tokenizer.train_from_iterator(docs, trainer, length=len(docs))
            except Exception as exc:
                raise ValueError(f"Training the {self.model} tokenizer failed: {exc}") from exc
            if pinned:
                tokenizer = _without_added(tk, tokenizer, pinned)
            vocab = tokenizer.get_vocab(with_added_tokens=True)
            if not set(vocab) - set(specials):
                raise ValueError(
                    "Empty vocabulary: the training documents hold no tokens "
                    "(they are empty or only whitespace)."
                )
            n_raw = max(vocab.values()) + 1
            # the trainers leave their freed tables in glibc's arenas
            release_free_memory()
            if self._wants_counts():
                freq = np.zeros(n_raw, dtype=np.int64)
                counts = _count_matrix(tokenizer, docs, n_raw, dtype=self.dtype, freq=freq)
            else:
                freq = _token_frequencies(tokenizer, docs, n_raw)
            renumbered = _renumbered(tk, tokenizer, specials, freq)
            if counts is not None:
                old_to_new = np.empty(n_raw, dtype=counts.indices.dtype)
                for token, old in vocab.items():
                    old_to_new[old] = renumbered.token_to_id(token)
                _renumber_in_place(counts.indices, old_to_new)
                counts.has_sorted_indices = False
                counts.sort_indices()
            tokenizer = renumbered
        padding = tokenizer.padding
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._configure(tokenizer, padding)
        self.tokenizer_ = tokenizer
        self.vocabulary_ = tokenizer.get_vocab(with_added_tokens=True)
        self._n_features_out = max(self.vocabulary_.values(), default=-1) + 1
        return counts

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the tokenizer on the documents (or load the pretrained one).

        Parameters
        ----------
        X : iterable of str
            Training documents. May be empty when ``tokenizer`` is given.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._fit_tokenizer(_check_documents(X, allow_empty=self.tokenizer is not None))
        return self

    def _wants_counts(self):
        return False

    def _configure(self, tokenizer, padding):
        """Adjust the fitted tokenizer; ``padding``: its padding settings as loaded."""

    # -- persistence ---------------------------------------------------------------

    def save(self, path):
        """Write the fitted tokenizer as a Hugging Face ``tokenizer.json``.

        The file is what :meth:`tokenizers.Tokenizer.from_file` and
        ``transformers.PreTrainedTokenizerFast(tokenizer_file=...)`` read, and
        what :meth:`load` (or the ``tokenizer`` parameter) takes back.

        Parameters
        ----------
        path : str or path-like
            File to write, or an existing folder to write ``tokenizer.json`` in.

        Returns
        -------
        path : pathlib.Path
            The file written.
        """
        check_is_fitted(self)
        path = Path(path)
        if path.is_dir():
            path = path / "tokenizer.json"
        self.tokenizer_.save(str(path))
        return path

    @classmethod
    def load(cls, path, **params):
        """A fitted transformer from a ``tokenizer.json`` written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like
            The ``tokenizer.json`` file, or a folder holding one.
        **params : dict
            Other parameters of the transformer (e.g. ``binary``,
            ``max_length``); the training parameters are not used.

        Returns
        -------
        transformer : object
            A fitted instance with ``tokenizer=str(path)``.
        """
        return cls(tokenizer=str(path), **params).fit([])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


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
    the seeds, about 1 KB each. On the benchmark's 50 MB corpus this cuts the
    peak memory of ``fit`` from 2.3 to 1.6 times ``CountVectorizer``'s for
    2.6 % more tokens per character; where there are fewer candidate seeds
    than the bound (vocabularies up to 8,000 on the SpamAssassin e-mails)
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
        docs = _check_documents(X, allow_empty=self.tokenizer is not None)
        counts = self._fit_tokenizer(docs)
        if counts is None:
            counts = _count_matrix(self.tokenizer_, docs, self._n_features_out, dtype=self.dtype)
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
        docs = _check_documents(X, allow_empty=True)
        return self._finish(
            _count_matrix(self.tokenizer_, docs, self._n_features_out, dtype=self.dtype)
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


class TokenIdEncoder(_TokenizerTransformer, auto_wrap_output_keys=None):
    """Padded token ids and attention masks from a trained Hugging Face tokenizer.

    ``fit`` trains a BPE, WordPiece, Unigram or WordLevel tokenizer of
    ``tokenizers`` on the documents (or takes a pretrained one); ``transform``
    encodes documents into a fixed-width array of token ids, truncated and
    padded, with its attention mask: the input of a neural network.
    ``inverse_transform`` decodes ids back to text.

    Parameters
    ----------
    model : {"bpe", "wordpiece", "unigram", "wordlevel"}, default="bpe"
        Tokenizer model to train.
    vocab_size : int, default=30000
        Size of the vocabulary to train, special tokens included.
    min_frequency : int, default=2
        Least number of occurrences of a word for the trainer to learn from
        it, and of a merge to enter the vocabulary, as in
        :class:`TokenCountVectorizer`.
    lowercase : bool, default=True
        Lowercase the text (after ``normalizer``).
    normalizer : str, class, instance or None, default=None
        Unicode normalisation, as in :class:`TokenCountVectorizer`.
    normalizer_kwargs : dict, default=None
        Keyword arguments of the normalizer named or given as a class.
    pre_tokenizer : str, class, instance or None, default="whitespace"
        Split into words before the model, as in :class:`TokenCountVectorizer`.
    pre_tokenizer_kwargs : dict, default=None
        Keyword arguments of the pre-tokenizer named or given as a class.
    special_tokens : list of str, default=None
        Extra special tokens, after ``pad_token`` and ``unk_token``.
    unk_token : str or None, default="[UNK]"
        Token for text outside the vocabulary (id 1). ``None`` only for
        ``"bpe"``, which then drops unseen characters.
    pad_token : str, default="[PAD]"
        Padding token (id 0 when training). A pretrained tokenizer must have
        it in its vocabulary, unless it has its own padding set.
    max_length : int or None, default=128
        Longest sequence kept; longer ones are truncated (special tokens of a
        pretrained tokenizer's post-processor are kept). None: no truncation.
    padding : {"max_length", "longest"}, default="max_length"
        Pad every sequence to ``max_length`` (the same width in every call),
        or to the longest sequence of the call.
    padding_side : {"right", "left"}, default="right"
        Where padding goes.
    truncation_side : {"right", "left"}, default="right"
        Which end of a long sequence is cut.
    add_special_tokens : bool, default=True
        Apply the tokenizer's post-processor (e.g. ``[CLS] ... [SEP]`` of a
        pretrained BERT tokenizer). Trained tokenizers have none.
    return_offsets : bool, default=False
        Also return the character offsets of each token. Encoding then goes
        through ``encode_batch`` instead of ``encode_batch_fast``, which takes
        1.1 to 1.4 times as long.
    return_word_ids : bool, default=False
        Also return the index of the word each token comes from (also through
        ``encode_batch``).
    dtype : dtype, default=np.int64
        Type of the id and mask arrays.
    tokenizer : tokenizers.Tokenizer, str, path-like or None, default=None
        A pretrained tokenizer, or the path of its ``tokenizer.json``, used
        instead of training one.

    Attributes
    ----------
    tokenizer_ : tokenizers.Tokenizer
        The trained (or loaded) tokenizer, with the truncation asked for.
    vocabulary_ : dict
        Mapping of tokens to ids.
    pad_token_id_ : int
        Id used for padding.

    See Also
    --------
    TokenCountVectorizer : Sparse token counts from the same tokenizers.

    Notes
    -----
    ``transform`` returns a dict of arrays, as Hugging Face tokenizers do:

    * ``"input_ids"``: ``(n_documents, width)`` token ids, ``pad_token_id_``
      where padded;
    * ``"attention_mask"``: ``(n_documents, width)``, 1 for tokens, 0 for padding;
    * ``"offsets"`` (with ``return_offsets``): ``(n_documents, width, 2)``
      start and end character of each token in its document, ``(0, 0)`` for
      padding and added special tokens;
    * ``"word_ids"`` (with ``return_word_ids``): ``(n_documents, width)`` index
      of the word of each token, -1 for padding and special tokens.

    ``width`` is ``max_length`` with ``padding="max_length"``. Ids are
    renumbered after training as in :class:`TokenCountVectorizer` (padding 0,
    unknown 1, then by frequency), so they are the same in every run.

    Examples
    --------
    >>> from skbridge.transformers import TokenIdEncoder
    >>> corpus = ["the cat sat on the mat", "the dog sat on the log"] * 5
    >>> encoder = TokenIdEncoder(model="wordlevel", max_length=8).fit(corpus)
    >>> batch = encoder.transform(["the cat sat", "a dog"])
    >>> batch["input_ids"]
    array([[2, 5, 4, 0, 0, 0, 0, 0],
           [1, 6, 0, 0, 0, 0, 0, 0]])
    >>> batch["attention_mask"][1]
    array([1, 1, 0, 0, 0, 0, 0, 0])
    >>> encoder.inverse_transform(batch)
    ['the cat sat', 'dog']
    """

    _parameter_constraints: dict = {
        **_TokenizerTransformer._parameter_constraints,
        "pad_token": [str],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"max_length", "longest"})],
        "padding_side": [StrOptions({"right", "left"})],
        "truncation_side": [StrOptions({"right", "left"})],
        "add_special_tokens": ["boolean"],
        "return_offsets": ["boolean"],
        "return_word_ids": ["boolean"],
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
        pad_token="[PAD]",
        max_length=128,
        padding="max_length",
        padding_side="right",
        truncation_side="right",
        add_special_tokens=True,
        return_offsets=False,
        return_word_ids=False,
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
        self.pad_token = pad_token
        self.max_length = max_length
        self.padding = padding
        self.padding_side = padding_side
        self.truncation_side = truncation_side
        self.add_special_tokens = add_special_tokens
        self.return_offsets = return_offsets
        self.return_word_ids = return_word_ids
        self.dtype = dtype
        self.tokenizer = tokenizer

    def _extra_special_tokens(self):
        return [self.pad_token]

    def _configure(self, tokenizer, padding):
        if self.padding == "max_length" and self.max_length is None:
            raise ValueError(
                "padding='max_length' needs an int max_length; set max_length or use "
                "padding='longest'."
            )
        pad_id = tokenizer.token_to_id(self.pad_token)
        if pad_id is None and padding is not None:
            pad_id = padding["pad_id"]
        if pad_id is None:
            raise ValueError(
                f"The pad_token {self.pad_token!r} is not in the tokenizer's vocabulary; "
                "pass the pad_token the tokenizer uses."
            )
        if self.max_length is not None:
            reserved = tokenizer.num_special_tokens_to_add(False) if self.add_special_tokens else 0
            if self.max_length <= reserved:
                raise ValueError(
                    f"max_length={self.max_length} leaves no room for text after the "
                    f"{reserved} special tokens the tokenizer adds."
                )
            tokenizer.enable_truncation(self.max_length, direction=self.truncation_side)
        self.pad_token_id_ = int(pad_id)

    def transform(self, X):
        """Encode documents into padded ids and attention masks.

        Parameters
        ----------
        X : iterable of str
            Documents.

        Returns
        -------
        batch : dict of ndarray
            ``"input_ids"`` and ``"attention_mask"``, plus ``"offsets"`` and
            ``"word_ids"`` when asked for; see the class notes.
        """
        check_is_fitted(self)
        docs = _check_documents(X, allow_empty=True)
        lengths, ids, offsets, words = [], [], [], []
        for _, encodings in _encode_in_chunks(
            self.tokenizer_,
            docs,
            add_special_tokens=self.add_special_tokens,
            # encode_batch_fast leaves the word ids out along with the offsets
            offsets=self.return_offsets or self.return_word_ids,
        ):
            chunk_lengths, flat = _flat_ids(encodings)
            lengths.append(chunk_lengths)
            ids.append(flat)
            if self.return_offsets:
                pairs = chain.from_iterable(chain.from_iterable(e.offsets for e in encodings))
                offsets.append(np.fromiter(pairs, dtype=np.int64, count=2 * flat.size))
            if self.return_word_ids:
                word_ids = chain.from_iterable(e.word_ids for e in encodings)
                words.append(
                    np.fromiter((-1 if w is None else w for w in word_ids), np.int64, flat.size)
                )
        lengths = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
        if self.padding == "max_length":
            width = self.max_length
        else:
            width = int(lengths.max(initial=0))
        positions = np.arange(width)
        if self.padding_side == "right":
            mask = positions < lengths[:, None]
        else:
            mask = positions >= (width - lengths)[:, None]

        def padded(parts, fill, trailing=()):
            out = np.full((len(docs), width, *trailing), fill, dtype=self.dtype)
            if parts:
                out[mask] = np.concatenate(parts).reshape(-1, *trailing)
            return out

        batch = {
            "input_ids": padded(ids, self.pad_token_id_),
            "attention_mask": mask.astype(self.dtype),
        }
        if self.return_offsets:
            batch["offsets"] = padded(offsets, 0, (2,))
        if self.return_word_ids:
            batch["word_ids"] = padded(words, -1)
        return batch

    def inverse_transform(self, X):
        """Decode ids back to text (padding and special tokens removed).

        Parameters
        ----------
        X : dict or array-like of shape (n_documents, width)
            The output of :meth:`transform` or its ``"input_ids"``. With a dict,
            its ``"attention_mask"`` says which positions are padding;
            otherwise every ``pad_token_id_`` is.

        Returns
        -------
        texts : list of str
            The decoded documents.
        """
        check_is_fitted(self)
        mask = None
        if isinstance(X, dict):
            if "input_ids" not in X:
                raise ValueError("Expected a dict with an 'input_ids' array, as transform returns.")
            mask = X.get("attention_mask")
            X = X["input_ids"]
        ids = np.asarray(X)
        if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(
                f"Expected a 2-D integer array of token ids, got shape {ids.shape} and "
                f"dtype {ids.dtype}."
            )
        n_ids = self.tokenizer_.get_vocab_size(with_added_tokens=True)
        bad = (ids < 0) | (ids >= n_ids)
        if bad.any():
            value = ids[bad][0]
            raise ValueError(f"Token id {value} is outside the vocabulary (0..{n_ids - 1}).")
        mask = ids != self.pad_token_id_ if mask is None else np.asarray(mask).astype(bool)
        if mask.shape != ids.shape:
            raise ValueError(f"attention_mask has shape {mask.shape}, input_ids {ids.shape}.")
        rows = [row[keep].tolist() for row, keep in zip(ids, mask)]
        return self.tokenizer_.decode_batch(rows, skip_special_tokens=True)


# -- registries: name -> builder(tokenizers submodule, **kwargs) ---------------------


def _sequence(module, *names):
    return module.Sequence([getattr(module, name)() for name in names])


_NORMALIZERS = {
    "nfc": lambda m, **kw: m.NFC(**kw),
    "nfd": lambda m, **kw: m.NFD(**kw),
    "nfkc": lambda m, **kw: m.NFKC(**kw),
    "nfkd": lambda m, **kw: m.NFKD(**kw),
    "strip_accents": lambda m, **kw: _sequence(m, "NFD", "StripAccents"),
    # Lowercasing is the ``lowercase`` parameter's job, not BERT's normalizer's.
    "bert": lambda m, **kw: m.BertNormalizer(**{"lowercase": False, **kw}),
}

_PRE_TOKENIZERS = {
    "whitespace": lambda m, **kw: m.Whitespace(**kw),
    "whitespace_split": lambda m, **kw: m.WhitespaceSplit(**kw),
    "bert": lambda m, **kw: m.BertPreTokenizer(**kw),
    "punctuation": lambda m, **kw: m.Punctuation(**kw),
    "digits": lambda m, **kw: m.Digits(**{"individual_digits": True, **kw}),
    "metaspace": lambda m, **kw: m.Metaspace(**kw),
    "bytelevel": lambda m, **kw: m.ByteLevel(**{"add_prefix_space": False, **kw}),
}


def _subword_decoder(tk, pre_kind):
    """Decoder matching the pre-tokenizer, or None where the model marks subwords."""
    if pre_kind == "ByteLevel":
        return tk.decoders.ByteLevel()
    if pre_kind == "Metaspace":
        return tk.decoders.Metaspace()
    return None


def _bpe(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    # Without a byte-level or metaspace pre-tokenizer, word-internal pieces get
    # the "##" prefix, so that decoding can glue them back together.
    decoder = _subword_decoder(tk, pre_kind)
    alphabet = tk.pre_tokenizers.ByteLevel.alphabet() if pre_kind == "ByteLevel" else []
    subword = {"continuing_subword_prefix": prefix} if prefix else {}
    trainer = tk.trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=special_tokens,
        show_progress=False,
        initial_alphabet=alphabet,
        **subword,
    )
    model = tk.models.BPE(unk_token=unk_token, **subword)
    return model, trainer, decoder or tk.decoders.WordPiece(prefix="##")


def _wordpiece(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    trainer = tk.trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=special_tokens,
        show_progress=False,
        continuing_subword_prefix="##",
    )
    model = tk.models.WordPiece(unk_token=unk_token, continuing_subword_prefix="##")
    return model, trainer, _subword_decoder(tk, pre_kind) or tk.decoders.WordPiece(prefix="##")


def _unigram(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    trainer = tk.trainers.UnigramTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        unk_token=unk_token,
        show_progress=False,
    )
    limit_unigram_seeds(trainer, max(_UNIGRAM_MIN_SEEDS, _UNIGRAM_SEEDS_PER_TOKEN * vocab_size))
    return tk.models.Unigram(), trainer, _subword_decoder(tk, pre_kind)


def _wordlevel(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    trainer = tk.trainers.WordLevelTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=special_tokens,
        show_progress=False,
    )
    return tk.models.WordLevel(unk_token=unk_token), trainer, _subword_decoder(tk, pre_kind)


_MODELS = {"bpe": _bpe, "wordpiece": _wordpiece, "unigram": _unigram, "wordlevel": _wordlevel}
