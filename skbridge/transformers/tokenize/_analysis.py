"""How TokenCountVectorizer cuts documents into terms.

Two ways, chosen from the parameters by :func:`sklearn_analysis_reason`:

* **scikit-learn's analysis**, for ``analyzer="char"``, ``"char_wb"`` or a
  callable, a callable ``tokenizer``, and ``token_pattern`` with
  ``model="wordlevel"``: the terms are those of ``CountVectorizer``'s own
  ``build_analyzer()``, in Python, exactly; no ``tokenizers.Tokenizer`` is
  trained (with ``model="wordlevel"`` the vocabulary is the terms).
* **the tokenizer's**: a trained (or pretrained) ``tokenizers.Tokenizer``
  cuts the documents (its normaliser lowercases and strips accents, its
  pre-tokenizer cuts words, with ``token_pattern`` when given, and its model
  cuts words into tokens), after the Python steps it cannot do (decoding
  bytes and files, a callable ``preprocessor`` or ``strip_accents``); stop
  words and n-grams are then made of its tokens as ``CountVectorizer`` makes
  them of words.

:class:`_TokenAnalysis`, a mixin of :class:`TokenCountVectorizer`, holds the
tokenizer's analysis and the public ``build_analyzer``,
``build_preprocessor`` and ``build_tokenizer``, which hand scikit-learn's
analysis to ``CountVectorizer``. The steps are module-level functions (with
:func:`functools.partial`), so the callables those methods return pickle.
"""

import json
import re
from functools import partial

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer

from ._base import _tokenizers
from ._encoding import check_documents, encode_in_chunks, flat_ids

__all__ = [
    "CV_TOKEN_PATTERN",
    "accent_normalizer",
    "analyze_document",
    "id_names",
    "preprocess_document",
    "sklearn_analysis_reason",
    "split_pre_tokenizer",
    "token_terms",
    "tokenize_document",
    "unknown_token",
]

# CountVectorizer's default: runs of two or more word characters.
CV_TOKEN_PATTERN = r"(?u)\b\w\w+\b"
# The same words in Oniguruma (the regex engine of tokenizers). Python's \w is
# exactly [\p{L}\p{N}_] (letters, numbers, underscore; checked over all of
# Unicode), while Oniguruma's \w also matches combining marks; and a greedy run
# of two or more of them is the \b-delimited match of the default pattern.
_ONIG_CV_TOKEN_PATTERN = r"[\p{L}\p{N}_]{2,}"


def _is_pretrained(tokenizer):
    return tokenizer is not None and not callable(tokenizer)


def sklearn_analysis_reason(est):
    """Why ``est`` cuts its terms with scikit-learn's analysis, or None (the tokenizer's).

    The reason is worded for the "will not be used since ..." warnings.
    """
    if callable(est.analyzer):
        return "'analyzer' is callable"
    if est.analyzer != "word":
        return "'analyzer' != 'word'"
    if callable(est.tokenizer):
        return "'tokenizer' is callable"
    if est.model == "wordlevel" and est.token_pattern is not None and est.tokenizer is None:
        return "'token_pattern' is not None with model='wordlevel'"
    return None


def split_pre_tokenizer(tk, token_pattern):
    r"""A ``tokenizers`` pre-tokenizer keeping the matches of ``token_pattern``.

    CountVectorizer's default pattern is translated exactly; another pattern
    runs as it is in Oniguruma (its ``\w`` also matches combining marks). A
    capturing group cannot be honoured (the pre-tokenizer keeps whole matches).
    """
    groups = re.compile(token_pattern).groups
    if groups > 1:
        raise ValueError(
            "More than 1 capturing group in token pattern. Only a single "
            "group should be captured."
        )
    if groups == 1:
        raise ValueError(
            "A token_pattern with a capturing group needs model='wordlevel' (the "
            "words are then cut by scikit-learn's analysis); the tokenizers "
            "pre-tokenizer keeps whole matches."
        )
    if token_pattern == CV_TOKEN_PATTERN:
        pattern = _ONIG_CV_TOKEN_PATTERN
    else:
        pattern = token_pattern.removeprefix("(?u)")
    return tk.pre_tokenizers.Split(tk.Regex(pattern), behavior="removed", invert=True)


def accent_normalizer(tk, strip_accents):
    """The ``tokenizers`` normalizer of ``strip_accents="unicode"`` or ``"ascii"``.

    As scikit-learn's ``strip_accents_unicode`` (NFKD, then drop the combining
    marks) and ``strip_accents_ascii`` (NFKD, then drop every non-ASCII
    character).
    """
    norm = tk.normalizers
    if strip_accents == "unicode":
        return norm.Sequence([norm.NFKD(), norm.StripAccents()])
    if strip_accents == "ascii":
        return norm.Sequence([norm.NFKD(), norm.Replace(tk.Regex(r"[^\x00-\x7F]"), "")])
    raise ValueError('Invalid value for "strip_accents": %s' % strip_accents)


def id_names(tokenizer):
    """The token of each id of a ``tokenizers.Tokenizer`` (None for unused ids), an object array."""
    vocab = tokenizer.get_vocab(with_added_tokens=True)
    names = np.full(max(vocab.values(), default=-1) + 1, None, dtype=object)
    names[list(vocab.values())] = list(vocab)
    return names


def unknown_token(tokenizer):
    """The unknown token of a ``tokenizers.Tokenizer``'s model, or None."""
    token = getattr(tokenizer.model, "unk_token", None)
    if token is None and type(tokenizer.model).__name__ == "Unigram":
        model = json.loads(tokenizer.to_str())["model"]
        if model.get("unk_id") is not None:
            token = model["vocab"][model["unk_id"]][0]
    return token


# -- the tokenizer's analysis, step by step (partial-ed by the estimator) ----------------


def preprocess_document(doc, *, python=None, normalizer=None):
    """The text the tokenizer's model sees: Python preprocessing, then the normaliser."""
    if python is not None:
        doc = python(doc)
    return normalizer.normalize_str(doc) if normalizer is not None else doc


def tokenize_document(doc, *, tokenizer, skip=None):
    """The tokens of one document (unknown text as the unknown token, unless it is ``skip``)."""
    tokens = tokenizer.encode(doc, add_special_tokens=False).tokens
    return tokens if skip is None else [t for t in tokens if t != skip]


def token_terms(tokens, *, word_ngrams, stop_words, unk, count_unk):
    """Terms of a token list: stop words out, then n-grams, none across an unknown token.

    ``word_ngrams`` is ``CountVectorizer._word_ngrams`` of the estimator.
    With ``count_unk``, each unknown token is also a term of its own (which
    has no column; it is counted in the unknown column).
    """
    if unk is None or unk not in tokens:
        return word_ngrams(tokens, stop_words)
    terms, segment = [], []
    for token in tokens:
        if token == unk:
            terms += word_ngrams(segment, stop_words)
            segment = []
            if count_unk:
                terms.append(unk)
        else:
            segment.append(token)
    terms += word_ngrams(segment, stop_words)
    return terms


def analyze_document(doc, *, decode, python, tokenizer, **terms_kwargs):
    """``build_analyzer()`` of the tokenizer's analysis: one document to its terms."""
    doc = decode(doc)
    if python is not None:
        doc = python(doc)
    return token_terms(tokenize_document(doc, tokenizer=tokenizer), **terms_kwargs)


class _TokenAnalysis:
    """The tokenizer's analysis of :class:`TokenCountVectorizer`, and its ``build_*`` methods.

    Overrides the pipeline hooks of ``_TokenizerTransformer`` (normaliser
    steps, pre-tokenizer) with ``CountVectorizer``'s parameters, and
    ``CountVectorizer``'s ``build_*`` methods where the tokenizer cuts the terms.
    """

    # -- hooks of _TokenizerTransformer ------------------------------------------------------

    def _python_preprocessor(self):
        """The preprocessing Python does before the tokenizer, or None.

        A callable ``preprocessor`` or ``strip_accents`` runs in Python, and
        with it scikit-learn's lowercasing; otherwise the tokenizer's
        normaliser lowercases and strips accents.
        """
        if self.preprocessor is not None or callable(self.strip_accents):
            return CountVectorizer.build_preprocessor(self)
        return None

    def _normalizer_steps(self, tk):
        if self._python_preprocessor() is not None:
            return []
        steps = super()._normalizer_steps(tk)
        if self.strip_accents:
            steps.append(accent_normalizer(tk, self.strip_accents))
        return steps

    def _build_pre_tokenizer(self, tk):
        if self.token_pattern is not None:
            return split_pre_tokenizer(tk, self.token_pattern)
        return super()._build_pre_tokenizer(tk)

    # -- documents and tokenizers -----------------------------------------------------------

    def _unigrams(self):
        min_n, max_n = self.ngram_range
        return min_n == max_n == 1

    def _decode_item(self, doc):
        if self.input != "content" or isinstance(doc, bytes):
            return self.decode(doc)
        return doc

    def _documents(self, raw_documents, *, allow_empty):
        """The documents as the tokenizer takes them: decoded, preprocessed in Python."""
        docs = check_documents(raw_documents, allow_empty=allow_empty, decode=self._decode_item)
        python = self._python_preprocessor()
        return docs if python is None else [python(doc) for doc in docs]

    def _fixed_wordlevel(self, tk):
        """A WordLevel tokenizer of the fixed vocabulary's words: nothing to train."""
        self._check_model_params()
        specials = self._special_token_list()
        words = (w for term in self.vocabulary_ for w in str(term).split(" "))
        vocab = {w: i for i, w in enumerate(dict.fromkeys([*specials, *words]))}
        tokenizer = tk.Tokenizer(tk.models.WordLevel(vocab, unk_token=self.unk_token))
        normalizer, pre_tokenizer = self._build_normalizer(tk), self._build_pre_tokenizer(tk)
        if normalizer is not None:
            tokenizer.normalizer = normalizer
        if pre_tokenizer is not None:
            tokenizer.pre_tokenizer = pre_tokenizer
        tokenizer.add_special_tokens(specials)
        return tokenizer

    def _tokenizer_in_use(self):
        """``tokenizer_``, or one needing no training (pretrained; fixed WordLevel vocabulary)."""
        tokenizer = getattr(self, "tokenizer_", None)
        if tokenizer is not None:
            return tokenizer
        if self.tokenizer is not None:
            tokenizer = self._load_pretrained(_tokenizers(self))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            return tokenizer
        if self.vocabulary is not None and self.model == "wordlevel":
            self._validate_vocabulary()
            return self._fixed_wordlevel(_tokenizers(self))
        raise NotFittedError(
            f"This {type(self).__name__} instance is not fitted yet: its {self.model} "
            "tokenizer is trained in fit. Call 'fit' first."
        )

    def _token_term_lists(self, tokenizer, docs, *, count_unk):
        """The terms of each document (tokens, stop words out, n-grams), from the ids."""
        names = id_names(tokenizer)
        kwargs = {
            "word_ngrams": self._word_ngrams,
            "stop_words": self.get_stop_words(),
            "unk": unknown_token(tokenizer),
            "count_unk": count_unk,
        }
        for _, encodings in encode_in_chunks(tokenizer, docs, add_special_tokens=False):
            lengths, flat = flat_ids(encodings)
            tokens = names[flat].tolist()
            start = 0
            for n in lengths.tolist():
                yield token_terms(tokens[start : start + n], **kwargs)
                start += n

    def _check_stop_words(self, stop_words, tokenizer):
        """CountVectorizer's warning for stop words its tokenizer would cut differently.

        A stop word outside the vocabulary (the unknown token) is no
        inconsistency: it would not be a term either.
        """
        tokenize = partial(tokenize_document, tokenizer=tokenizer, skip=unknown_token(tokenizer))
        self._check_stop_words_consistency(stop_words, self.build_preprocessor(), tokenize)

    # -- the public steps of CountVectorizer ----------------------------------------------

    def build_preprocessor(self):
        """A function doing what comes before cutting a document into tokens.

        With scikit-learn's analysis (see the Notes), ``CountVectorizer``'s;
        otherwise the Python preprocessing, then the tokenizer's normaliser.

        Returns
        -------
        preprocessor : callable
            ``str -> str``.
        """
        if sklearn_analysis_reason(self) is not None:
            return CountVectorizer.build_preprocessor(self)
        tokenizer = getattr(self, "tokenizer_", None)
        if tokenizer is None and self.tokenizer is not None:
            tokenizer = self._tokenizer_in_use()
        if tokenizer is not None:
            normalizer = tokenizer.normalizer
        else:
            normalizer = self._build_normalizer(_tokenizers(self))
        python = self._python_preprocessor()
        return partial(preprocess_document, python=python, normalizer=normalizer)

    def build_tokenizer(self):
        """A function cutting a preprocessed document into tokens.

        With scikit-learn's analysis, ``CountVectorizer``'s; otherwise the
        fitted tokenizer's pre-tokenizer and model (unknown text gives the
        unknown token).

        Returns
        -------
        tokenizer : callable
            ``str -> list of str``.
        """
        if sklearn_analysis_reason(self) is not None:
            return CountVectorizer.build_tokenizer(self)
        return partial(tokenize_document, tokenizer=self._tokenizer_in_use())

    def build_analyzer(self):
        """A function turning one document into its terms (tokens and n-grams).

        With scikit-learn's analysis, ``CountVectorizer``'s; otherwise:
        decoding, preprocessing, the tokenizer, stop words out, then n-grams
        of the tokens joined by a space, none across an unknown token.

        Returns
        -------
        analyzer : callable
            ``document -> list of terms``.
        """
        if sklearn_analysis_reason(self) is not None:
            return CountVectorizer.build_analyzer(self)
        tokenizer = self._tokenizer_in_use()
        stop_words = self.get_stop_words()
        self._check_stop_words(stop_words, tokenizer)
        return partial(
            analyze_document,
            decode=self.decode,
            python=self._python_preprocessor(),
            tokenizer=tokenizer,
            word_ngrams=self._word_ngrams,
            stop_words=stop_words,
            unk=unknown_token(tokenizer),
            count_unk=self.count_unknown and self.ngram_range[0] == 1,
        )
