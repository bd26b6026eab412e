"""The component registries and how a parameter's name, class or instance is built."""

import pytest

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer  # noqa: E402
from skbridge.transformers.tokenize import MODELS, NORMALIZERS, PRE_TOKENIZERS  # noqa: E402
from skbridge.transformers.tokenize._components import build_component  # noqa: E402


def test_registries_hold_the_documented_names():
    assert NORMALIZERS.options == ["bert", "nfc", "nfd", "nfkc", "nfkd", "strip_accents"]
    assert PRE_TOKENIZERS.options == [
        "bert", "bytelevel", "digits", "metaspace", "punctuation", "whitespace",
        "whitespace_split",
    ]
    assert MODELS.options == ["bpe", "unigram", "wordlevel", "wordpiece"]
    (models,) = TokenCountVectorizer._parameter_constraints["model"]
    assert models.options == set(MODELS)
    # names are matched as written, as the docs list them
    assert "strip_accents" in NORMALIZERS and "strip-accents" not in NORMALIZERS
    assert "NFC" not in NORMALIZERS


def test_named_components_and_their_defaults():
    norm, pre = tokenizers.normalizers, tokenizers.pre_tokenizers
    assert isinstance(NORMALIZERS.make("nfkc", None, norm), norm.NFKC)
    # lowercasing is the lowercase parameter's job, not BERT's normalizer's
    assert not NORMALIZERS.make("bert", None, norm).lowercase
    assert NORMALIZERS.make("bert", {"lowercase": True}, norm).lowercase
    assert isinstance(PRE_TOKENIZERS.make("whitespace_split", None, pre), pre.WhitespaceSplit)
    assert PRE_TOKENIZERS.make("digits", None, pre).individual_digits
    assert not PRE_TOKENIZERS.make("digits", {"individual_digits": False}, pre).individual_digits
    assert not PRE_TOKENIZERS.make("bytelevel", None, pre).add_prefix_space
    sizes = dict(vocab_size=50, min_frequency=1, special_tokens=["[UNK]"], unk_token="[UNK]")
    model, trainer, decoder = MODELS.make("wordpiece", None, tokenizers, prefix="##",
                                          pre_kind="Whitespace", **sizes)
    assert isinstance(model, tokenizers.models.WordPiece)
    assert isinstance(trainer, tokenizers.trainers.WordPieceTrainer)
    assert isinstance(decoder, tokenizers.decoders.WordPiece)
    _, _, decoder = MODELS.make("unigram", None, tokenizers, prefix=None, pre_kind="Metaspace",
                                **sizes)
    assert isinstance(decoder, tokenizers.decoders.Metaspace)


def test_build_component_from_a_name_class_instance_or_none():
    norm = tokenizers.normalizers

    def build(value, kwargs=None):
        return build_component(NORMALIZERS, "normalizer", value, kwargs, norm)

    assert build(None) is None
    assert isinstance(build("nfd"), norm.NFD)
    assert isinstance(build(norm.Strip, {"left": False}), norm.Strip)
    instance = norm.NFC()
    assert build(instance) is instance
    with pytest.raises(ValueError, match=r"Unknown normalizer 'nfx'; choose one of \['bert', "):
        build("nfx")
    with pytest.raises(ValueError, match="a tokenizers.normalizers class or instance, or None"):
        build("nfx")
    with pytest.raises(ValueError, match=r"Cannot build the normalizer Strip\(\*\*\{'colour'"):
        build(norm.Strip, {"colour": 1})
    with pytest.raises(ValueError, match="normalizer_kwargs=.* is already an instance"):
        build(instance, {"a": 1})
