"""TokenIdEncoder: padded token ids and attention masks for neural networks."""

import os
from itertools import chain
from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ...compat import Interval, StrOptions
from ._base import _TokenizerTransformer
from ._encoding import check_documents, encode_in_chunks, flat_ids

__all__ = ["TokenIdEncoder"]


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
    vocab_size : int or None, default=30000
        Size of the vocabulary to train, special tokens included. None: no
        bound (``"wordlevel"`` only).
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
        longer.
    return_word_ids : bool, default=False
        Also return the index of the word each token comes from (also through
        ``encode_batch``).
    dtype : dtype, default=np.int64
        Type of the id and mask arrays.
    tokenizer : tokenizers.Tokenizer, str, path-like or None, default=None
        A pretrained tokenizer, or the path of its ``tokenizer.json``, used
        instead of training one.

    verbose : bool, default=False
        Show the tokenizers trainer's progress bars while ``fit`` trains (silent
        by default).

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
        self.verbose = verbose

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
            specials = sorted(t.content for t in tokenizer.get_added_tokens_decoder().values())
            message = (f"The tokenizer has no pad token {self.pad_token!r} in its vocabulary "
                       f"and no padding settings (its special tokens: {specials}); pass "
                       "pad_token= the one it uses.")
            if isinstance(self.tokenizer, (str, os.PathLike)):
                message += (f" ({self.tokenizer}: files written by TokenCountVectorizer.save "
                            "or TokenTfidfVectorizer.save have no pad token, as counting "
                            "needs none; load them with TokenCountVectorizer.load, or train "
                            "a TokenIdEncoder.)")
            raise ValueError(message)
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
        docs = check_documents(X, allow_empty=True)
        lengths, ids, offsets, words = [], [], [], []
        for _, encodings in encode_in_chunks(
            self.tokenizer_,
            docs,
            add_special_tokens=self.add_special_tokens,
            # encode_batch_fast leaves the word ids out along with the offsets
            offsets=self.return_offsets or self.return_word_ids,
        ):
            chunk_lengths, flat = flat_ids(encodings)
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
