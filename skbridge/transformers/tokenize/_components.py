"""Tokenizer components by name: normalizers, pre-tokenizers and models.

Three :class:`~skbridge.utils.Registry` objects, at the end of this module,
map the names the ``normalizer=``, ``pre_tokenizer=`` and ``model=``
parameters take to factories. ``tokenizers`` is imported only in ``fit``, so
a factory takes the ``tokenizers`` module it builds from as its first
argument:

* :data:`NORMALIZERS`: ``factory(tokenizers.normalizers, **kwargs)`` returns
  a normalizer;
* :data:`PRE_TOKENIZERS`: ``factory(tokenizers.pre_tokenizers, **kwargs)``
  returns a pre-tokenizer;
* :data:`MODELS`: ``factory(tokenizers, *, vocab_size, min_frequency,
  special_tokens, unk_token, prefix, pre_kind)`` returns the untrained
  ``(model, trainer, decoder)``.

Names are matched exactly. :func:`build_component` also takes a
``tokenizers`` class (built with the kwargs) or instance (used as it is) in
place of a name, as the estimators' parameters do.
"""

from functools import partial

from ...compat import import_optional
from ...compat.hf_tokenizers import limit_unigram_seeds
from ...utils import Registry

__all__ = ["MODELS", "NORMALIZERS", "PRE_TOKENIZERS", "build_component", "check_component"]

# Unigram training starts from the most frequent substrings of the words (the
# seeds; 1,000,000 at most in tokenizers and SentencePiece) and holds a trie of
# them, about 1 KB per seed, in every EM step: the trainer's memory is that
# trie. Here the seeds are bounded by the vocabulary asked for (see the
# TokenCountVectorizer notes for what it costs and saves).
_UNIGRAM_SEEDS_PER_TOKEN = 4
_UNIGRAM_MIN_SEEDS = 100_000


def _imported(module):
    """``(module,)``, imported now: the example argument of a registry.

    The test that builds every entry calls it (``Registry.example``), so
    importing this module does not import ``tokenizers``. Without
    ``tokenizers``, it raises :class:`~skbridge.compat.OptionalDependencyError`
    naming the extra.
    """
    return (import_optional(module, extra="tokenize", purpose=__name__),)


# -- resolving a parameter ---------------------------------------------------------------


def check_component(registry, param, value):
    """Raise the error for a name that ``registry`` does not hold.

    Parameters
    ----------
    registry : Registry
        :data:`NORMALIZERS` or :data:`PRE_TOKENIZERS`.
    param : str
        The parameter, ``"normalizer"`` or ``"pre_tokenizer"``.
    value : str, type, object or None
        Its value; only an unknown str raises.

    Raises
    ------
    ValueError
        Naming the known names.
    """
    if isinstance(value, str) and value not in registry:
        raise ValueError(
            f"Unknown {param} {value!r}; choose one of {registry.names}, a "
            f"tokenizers.{param}s class or instance, or None."
        )


def build_component(registry, param, value, kwargs, module):
    """Build a normalizer or pre-tokenizer from a name, a class or an instance.

    Parameters
    ----------
    registry : Registry
        :data:`NORMALIZERS` or :data:`PRE_TOKENIZERS`.
    param : str
        The parameter, ``"normalizer"`` or ``"pre_tokenizer"``, for messages.
    value : str, type, object or None
        A name of ``registry``, a ``tokenizers`` class, an instance, or None.
    kwargs : dict or None
        Keyword arguments for a name or a class.
    module : module
        ``tokenizers.normalizers`` or ``tokenizers.pre_tokenizers``.

    Returns
    -------
    component : object or None
        None for None; ``value`` itself for an instance.

    Raises
    ------
    ValueError
        For an unknown name, a class that does not take ``kwargs``, or
        ``kwargs`` given with an instance.
    """
    kwargs = dict(kwargs or {})
    if value is None:
        return None
    if isinstance(value, str):
        check_component(registry, param, value)
        return registry.make(value, kwargs, module)
    if isinstance(value, type):
        try:
            return value(**kwargs)
        except TypeError as exc:
            raise ValueError(
                f"Cannot build the {param} {value.__name__}(**{kwargs}): {exc}"
            ) from exc
    if kwargs:
        raise ValueError(
            f"{param}_kwargs={kwargs} is given but {param} is already an instance "
            f"({value!r}); pass the class or a name to use kwargs."
        )
    return value


# -- normalizers: factory(tokenizers.normalizers, **kwargs) ------------------------------


def nfc(normalizers, **kwargs):
    """Unicode NFC normalisation."""
    return normalizers.NFC(**kwargs)


def nfd(normalizers, **kwargs):
    """Unicode NFD normalisation."""
    return normalizers.NFD(**kwargs)


def nfkc(normalizers, **kwargs):
    """Unicode NFKC normalisation."""
    return normalizers.NFKC(**kwargs)


def nfkd(normalizers, **kwargs):
    """Unicode NFKD normalisation."""
    return normalizers.NFKD(**kwargs)


def strip_accents(normalizers, **kwargs):
    """NFD, then remove the accents; it has no options (``kwargs`` are ignored)."""
    return normalizers.Sequence([normalizers.NFD(), normalizers.StripAccents()])


def bert_normalizer(normalizers, *, lowercase=False, **kwargs):
    """BERT's normalizer, not lowercasing: that is the ``lowercase`` parameter's job."""
    return normalizers.BertNormalizer(lowercase=lowercase, **kwargs)


# -- pre-tokenizers: factory(tokenizers.pre_tokenizers, **kwargs) ------------------------


def whitespace(pre_tokenizers, **kwargs):
    """Runs of word characters and runs of punctuation."""
    return pre_tokenizers.Whitespace(**kwargs)


def whitespace_split(pre_tokenizers, **kwargs):
    """Split on whitespace only."""
    return pre_tokenizers.WhitespaceSplit(**kwargs)


def bert_pre_tokenizer(pre_tokenizers, **kwargs):
    """BERT's pre-tokenizer: whitespace and punctuation."""
    return pre_tokenizers.BertPreTokenizer(**kwargs)


def punctuation(pre_tokenizers, **kwargs):
    """Split punctuation off."""
    return pre_tokenizers.Punctuation(**kwargs)


def digits(pre_tokenizers, *, individual_digits=True, **kwargs):
    """Split digits off, one digit per piece by default."""
    return pre_tokenizers.Digits(individual_digits=individual_digits, **kwargs)


def metaspace(pre_tokenizers, **kwargs):
    """SentencePiece style: spaces become ``"▁"`` and start the words."""
    return pre_tokenizers.Metaspace(**kwargs)


def bytelevel(pre_tokenizers, *, add_prefix_space=False, **kwargs):
    """GPT-2 style: a byte alphabet, no unknown characters; no added leading space."""
    return pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space, **kwargs)


# -- models: factory(tokenizers, **sizes) -> (model, trainer, decoder) -------------------


def _subword_decoder(tk, pre_kind):
    """Decoder matching the pre-tokenizer, or None where the model marks subwords."""
    if pre_kind == "ByteLevel":
        return tk.decoders.ByteLevel()
    if pre_kind == "Metaspace":
        return tk.decoders.Metaspace()
    return None


def bpe(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    """Byte-pair encoding: model, trainer and decoder.

    Without a byte-level or metaspace pre-tokenizer, word-internal pieces get
    the ``prefix`` (``"##"``), so that decoding can glue them back together.
    """
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


def wordpiece(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    """WordPiece (BERT's): model, trainer and decoder; pieces inside words start with ``##``."""
    trainer = tk.trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=special_tokens,
        show_progress=False,
        continuing_subword_prefix="##",
    )
    model = tk.models.WordPiece(unk_token=unk_token, continuing_subword_prefix="##")
    return model, trainer, _subword_decoder(tk, pre_kind) or tk.decoders.WordPiece(prefix="##")


def unigram(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    """Unigram language model (SentencePiece's): model, trainer and decoder.

    The trainer's seed pieces are bounded by ``vocab_size``.
    """
    trainer = tk.trainers.UnigramTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        unk_token=unk_token,
        show_progress=False,
    )
    limit_unigram_seeds(trainer, max(_UNIGRAM_MIN_SEEDS, _UNIGRAM_SEEDS_PER_TOKEN * vocab_size))
    return tk.models.Unigram(), trainer, _subword_decoder(tk, pre_kind)


def wordlevel(tk, *, vocab_size, min_frequency, special_tokens, unk_token, prefix, pre_kind):
    """Whole words, the ``vocab_size`` most frequent: model, trainer and decoder."""
    trainer = tk.trainers.WordLevelTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=special_tokens,
        show_progress=False,
    )
    return tk.models.WordLevel(unk_token=unk_token), trainer, _subword_decoder(tk, pre_kind)


# -- registries ----------------------------------------------------------------------------

NORMALIZERS = Registry(
    "normalizer", normalize=False, example_args=partial(_imported, "tokenizers.normalizers")
)
for _factory in (nfc, nfd, nfkc, nfkd, strip_accents):
    NORMALIZERS.register(_factory)
NORMALIZERS.register(bert_normalizer, name="bert")

PRE_TOKENIZERS = Registry(
    "pre-tokenizer", normalize=False, example_args=partial(_imported, "tokenizers.pre_tokenizers")
)
for _factory in (whitespace, whitespace_split, punctuation, digits, metaspace, bytelevel):
    PRE_TOKENIZERS.register(_factory)
PRE_TOKENIZERS.register(bert_pre_tokenizer, name="bert")

MODELS = Registry(
    "tokenizer model",
    normalize=False,
    example_args=partial(_imported, "tokenizers"),
    example_kwargs={
        "vocab_size": 100,
        "min_frequency": 2,
        "special_tokens": ["[UNK]"],
        "unk_token": "[UNK]",
        "prefix": None,
        "pre_kind": "Whitespace",
    },
)
for _factory in (bpe, wordpiece, unigram, wordlevel):
    MODELS.register(_factory)
del _factory
