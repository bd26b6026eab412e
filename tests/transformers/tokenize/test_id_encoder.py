"""TokenIdEncoder: padding, truncation, offsets, word ids, decoding."""

import numpy as np
import pytest
from sklearn.base import clone

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenIdEncoder  # noqa: E402

from ._helpers import MODELS  # noqa: E402


def test_id_encoder_padding_truncation_offsets(corpus):
    enc = TokenIdEncoder(
        model="wordlevel", vocab_size=300, max_length=6, return_offsets=True, return_word_ids=True
    ).fit(corpus)
    assert enc.pad_token_id_ == 0 and enc.vocabulary_["[UNK]"] == 1
    docs = ["The whale, the sea.", "whale", "a b c d e f g h i j"]
    batch = enc.transform(docs)
    ids, mask = batch["input_ids"], batch["attention_mask"]
    assert ids.shape == mask.shape == (3, 6) and ids.dtype == np.int64
    assert mask.tolist() == [[1] * 6, [1, 0, 0, 0, 0, 0], [1] * 6]
    assert (ids[mask == 0] == 0).all()
    offsets, words = batch["offsets"], batch["word_ids"]
    assert offsets.shape == (3, 6, 2)
    tokens = [enc.tokenizer_.id_to_token(i) for i in ids[0]]
    for (start, end), token in zip(offsets[0], tokens):
        assert docs[0][start:end].lower() == token or token == "[UNK]"
    assert words[0].tolist() == [0, 1, 2, 3, 4, 5] and words[1, 1:].tolist() == [-1] * 5
    plain = clone(enc).set_params(return_offsets=False, return_word_ids=False).fit(corpus)
    assert plain.transform(docs).keys() == {"input_ids", "attention_mask"}
    np.testing.assert_array_equal(plain.transform(docs)["input_ids"], ids)
    # text comes back, padding dropped
    assert enc.inverse_transform(batch)[0] == "the whale , the sea ."
    assert enc.inverse_transform(ids)[1] == "whale"
    # sides
    left = clone(enc).set_params(padding_side="left", truncation_side="left").fit(corpus)
    lb = left.transform(docs)
    assert lb["attention_mask"][1].tolist() == [0, 0, 0, 0, 0, 1]
    assert lb["input_ids"][1, -1] == ids[1, 0]
    assert lb["word_ids"][2].tolist() == [4, 5, 6, 7, 8, 9]
    longest = clone(enc).set_params(padding="longest", max_length=None).fit(corpus)
    assert longest.transform(docs)["input_ids"].shape == (3, 10)
    assert longest.transform([])["input_ids"].shape == (0, 0)
    with pytest.raises(ValueError, match="needs an int max_length"):
        clone(enc).set_params(max_length=None).fit(corpus)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        enc.inverse_transform(np.array([[10**6]]))
    with pytest.raises(ValueError, match="2-D integer array"):
        enc.inverse_transform(np.array([1.5, 2.0]))
    with pytest.raises(ValueError, match="'input_ids'"):
        enc.inverse_transform({"ids": ids})


@pytest.mark.parametrize("model", MODELS)
def test_id_encoder_round_trip_per_model(model, corpus):
    enc = TokenIdEncoder(model=model, vocab_size=400, max_length=64).fit(corpus)
    text = "The whale, and the sea."
    decoded = enc.inverse_transform(enc.transform([text]))[0]
    if model in ("bpe", "wordpiece"):  # "##" pieces glued, space before "." cleaned up
        assert decoded == "the whale, and the sea."
    elif model == "wordlevel":  # words joined with spaces
        assert decoded == "the whale , and the sea ."
    else:  # Unigram pieces are joined with spaces by a word-splitting pre-tokenizer
        assert decoded.replace(" ", "") == text.lower().replace(" ", "")


def test_id_encoder_with_pretrained_post_processor(corpus):
    tk = tokenizers
    base = TokenIdEncoder(model="wordpiece", vocab_size=300, special_tokens=["[CLS]", "[SEP]"])
    tok = base.fit(corpus).tokenizer_
    tok.no_truncation()
    tok.post_processor = tk.processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))],
    )
    enc = TokenIdEncoder(tokenizer=tok, max_length=5, return_word_ids=True).fit([])
    batch = enc.transform(["call me ishmael some years ago", "whale"])
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    assert batch["input_ids"][0, 0] == cls_id and batch["input_ids"][0, -1] == sep_id
    words = batch["word_ids"][0].tolist()
    assert words[0] == words[-1] == -1 and words[1] == 0 and words[1:-1] == sorted(words[1:-1])
    whale = tok.encode("whale", add_special_tokens=False).ids
    assert batch["input_ids"][1].tolist()[: len(whale) + 2] == [cls_id, *whale, sep_id]
    plain = clone(enc).set_params(add_special_tokens=False).fit([])
    assert cls_id not in plain.transform(["whale"])["input_ids"]
    assert enc.inverse_transform(batch)[1] == "whale"
    with pytest.raises(ValueError, match="no pad token '<pad>' in its vocabulary"):
        clone(enc).set_params(pad_token="<pad>").fit([])
    # a tokenizer with its own padding settings lends its pad id
    tok.enable_padding(pad_id=tok.token_to_id("[SEP]"), pad_token="[SEP]")
    own = clone(enc).set_params(tokenizer=tok, pad_token="<pad>").fit([])
    assert own.pad_token_id_ == sep_id
    with pytest.raises(ValueError, match="leaves no room"):
        clone(enc).set_params(max_length=2).fit([])


def test_loading_a_count_vectorizer_file_says_what_it_is(tmp_path):
    from skbridge.transformers import TokenCountVectorizer

    path = TokenCountVectorizer(model="bpe", vocab_size=100).fit(
        ["hello world", "foo bar baz"]).save(tmp_path)
    with pytest.raises(ValueError, match=r"no pad token .*TokenCountVectorizer\.save"):
        TokenIdEncoder.load(path)
    encoded = TokenIdEncoder.load(path, pad_token="[UNK]", max_length=8).transform(["hello"])
    assert encoded["input_ids"].shape == (1, 8)
