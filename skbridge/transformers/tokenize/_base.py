"""The base class of the tokenizer transformers: parameters, training, persistence.

:class:`_TokenizerTransformer` holds what :class:`TokenCountVectorizer` and
:class:`TokenIdEncoder` share: the training parameters and their
validation, building the untrained tokenizer from the component registries,
training it (or loading a pretrained one) in ``fit``, renumbering its ids, and
``save``/``load`` of ``tokenizer.json``.
"""

import os
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ...compat import (
    HasMethods,
    Interval,
    StrOptions,
    fit_context,
    import_optional,
    release_free_memory,
)
from ._components import MODELS, NORMALIZERS, PRE_TOKENIZERS, build_component, check_component
from ._encoding import check_documents, count_matrix, renumber_in_place, token_frequencies
from ._training import (
    pinned_symbols,
    renumber_by_frequency,
    subword_prefix,
    train_on_frequent_words,
    without_added,
)

# vocab_size=None: as many words as the corpus has (the WordLevel trainer's bound)
_NO_CAP = 2**31 - 1


def _tokenizers(owner):
    return import_optional("tokenizers", extra="tokenize", purpose=type(owner).__name__)


class _TokenizerTransformer(TransformerMixin, BaseEstimator):
    """Shared parameters, training and persistence of the tokenizer transformers.

    Subclasses add their own parameters and implement ``transform``;
    ``_extra_special_tokens()`` lists the special tokens they need first in the
    vocabulary, ``_configure(tokenizer, padding)`` adjusts the fitted tokenizer,
    ``_normalizer_steps(tk)`` and ``_build_pre_tokenizer(tk)`` give the
    normalisation after ``normalizer`` and the pre-tokenizer.
    """

    _parameter_constraints: dict = {
        "model": [StrOptions(set(MODELS))],
        "vocab_size": [Interval(Integral, 1, None, closed="left"), None],
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
        "verbose": ["verbose"],
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

    def _normalizer_steps(self, tk):
        """Normalizers applied after ``normalizer``: lowercasing, where asked."""
        return [tk.normalizers.Lowercase()] if self.lowercase else []

    def _build_normalizer(self, tk):
        """``normalizer`` then :meth:`_normalizer_steps`, as one normalizer (or None)."""
        check_component(NORMALIZERS, "normalizer", self.normalizer)
        normalizer = build_component(
            NORMALIZERS, "normalizer", self.normalizer, self.normalizer_kwargs, tk.normalizers
        )
        steps = [n for n in (normalizer, *self._normalizer_steps(tk)) if n is not None]
        if not steps:
            return None
        return steps[0] if len(steps) == 1 else tk.normalizers.Sequence(steps)

    def _build_pre_tokenizer(self, tk):
        """The pre-tokenizer that cuts words for the model (or None)."""
        check_component(PRE_TOKENIZERS, "pre_tokenizer", self.pre_tokenizer)
        return build_component(
            PRE_TOKENIZERS, "pre_tokenizer", self.pre_tokenizer, self.pre_tokenizer_kwargs,
            tk.pre_tokenizers,
        )

    def _check_model_params(self):
        if self.unk_token is None and self.model != "bpe":
            raise ValueError(
                f"model={self.model!r} needs an unknown token for text outside its "
                "vocabulary (Unigram raises, WordLevel and WordPiece fail without one); "
                "set unk_token (default '[UNK]'). Only 'bpe' can drop unknown "
                "characters silently with unk_token=None."
            )
        if self.vocab_size is None and self.model != "wordlevel":
            raise ValueError(
                f"vocab_size=None (no cap) is for model='wordlevel'; the {self.model} "
                "trainer needs the size of the vocabulary to learn."
            )

    def _build_untrained(self, tk, docs):
        self._check_model_params()
        normalizer = self._build_normalizer(tk)
        pre_tokenizer = self._build_pre_tokenizer(tk)
        pre_kind = type(pre_tokenizer).__name__ if pre_tokenizer is not None else None
        specials = self._special_token_list()
        prefix = subword_prefix(self.model, pre_kind)
        pinned = []
        if prefix is not None:
            special_set = set(specials)
            pinned = [t for t in pinned_symbols(docs, normalizer, prefix) if t not in special_set]
        model, trainer, decoder = MODELS.make(
            self.model,
            None,
            tk,
            vocab_size=_NO_CAP if self.vocab_size is None else self.vocab_size,
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
            if not any(doc.strip() for doc in docs):
                raise ValueError(
                    "Empty vocabulary: the training documents hold no tokens (they are "
                    "empty or only whitespace). Train on text, or pass a pretrained "
                    "tokenizer (tokenizer=...)."
                )
            tokenizer, trainer, specials, pinned = self._build_untrained(tk, docs)
            trainer.show_progress = bool(getattr(self, "verbose", False))
            try:
                if not (
                    self.model != "wordlevel"
                    and self.min_frequency >= 2
                    and train_on_frequent_words(tk, tokenizer, trainer, docs, self.min_frequency)
                ):
                    tokenizer.train_from_iterator(docs, trainer, length=len(docs))
            except Exception as exc:
                raise ValueError(f"Training the {self.model} tokenizer failed: {exc}") from exc
            if pinned:
                tokenizer = without_added(tk, tokenizer, pinned)
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
                counts = count_matrix(tokenizer, docs, n_raw, freq=freq)
            else:
                freq = token_frequencies(tokenizer, docs, n_raw)
            renumbered = renumber_by_frequency(tk, tokenizer, specials, freq)
            if counts is not None:
                old_to_new = np.empty(n_raw, dtype=counts.indices.dtype)
                for token, old in vocab.items():
                    old_to_new[old] = renumbered.token_to_id(token)
                renumber_in_place(counts.indices, old_to_new)
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
        self._fit_tokenizer(check_documents(X, allow_empty=self.tokenizer is not None))
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
        if getattr(self, "tokenizer_", None) is None:
            raise ValueError(
                "No tokenizer to save: the terms were cut by scikit-learn's analysis "
                "(a char or callable analyzer, a callable tokenizer, or token_pattern "
                "with model='wordlevel'), not by a tokenizers.Tokenizer."
            )
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

    # Pickle and skops: a tokenizers.Tokenizer (the fitted tokenizer_, or one given
    # as the tokenizer parameter) is saved as its tokenizer.json string, which
    # skops stores as plain data, and rebuilt from it.
    def __getstate__(self):
        state = dict(super().__getstate__())
        saved = {}
        for name in ("tokenizer", "tokenizer_"):
            value = state.get(name)
            if type(value).__module__.split(".")[0] == "tokenizers" and hasattr(value, "to_str"):
                saved[name] = value.to_str()
                state[name] = None
        if saved:
            state["_tokenizer_json"] = saved
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved = state.pop("_tokenizer_json", None) or {}
        super().__setstate__(state)
        if saved:
            tk = _tokenizers(self)
            for name, text in saved.items():
                setattr(self, name, tk.Tokenizer.from_str(text))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
