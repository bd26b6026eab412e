"""Training: on the frequent words, deterministic ids, Unigram seeds."""

import json
import subprocess
import sys

import pytest

tokenizers = pytest.importorskip("tokenizers")

from skbridge.transformers import TokenCountVectorizer  # noqa: E402
from skbridge.transformers.tokenize._training import train_on_frequent_words  # noqa: E402

from ._helpers import MODELS, same  # noqa: E402


@pytest.mark.parametrize("model", MODELS)
def test_same_ids_in_every_fit(model, corpus):
    params = dict(model=model, vocab_size=250)
    first = TokenCountVectorizer(**params).fit(corpus)
    second = TokenCountVectorizer(**params).fit(list(corpus))
    assert first.vocabulary_ == second.vocabulary_
    assert same(first.transform(corpus), second.transform(corpus))
    if model != "unigram":  # Unigram scores are rounded to 8 digits but may still differ
        assert first.tokenizer_.to_str() == second.tokenizer_.to_str()


def test_same_ids_in_another_process(tmp_path):
    """Rust hash maps are seeded per process: compare ids across processes."""
    code = (
        "import sys, json\n"
        "from skbridge.datasets import load_moby_dick\n"
        "from skbridge.transformers import TokenCountVectorizer\n"
        "docs = load_moby_dick().data[3:8]\n"
        "out = {m: TokenCountVectorizer(model=m, vocab_size=200).fit(docs).vocabulary_\n"
        "       for m in ('wordpiece', 'unigram')}\n"
        "print(json.dumps(out, sort_keys=True))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.strip()


def _untrained(model, docs, **params):
    """The untrained tokenizer and trainer that fit builds for these parameters."""
    est = TokenCountVectorizer(model=model, **params)
    tok, trainer, _, _ = est._build_untrained(tokenizers, docs)
    return tok, trainer


@pytest.mark.parametrize(
    "model, pre_tokenizer",
    [("bpe", "whitespace"), ("wordpiece", "whitespace"), ("unigram", "whitespace"),
     ("bpe", "bytelevel"), ("bpe", "metaspace"), ("unigram", "metaspace"), ("bpe", "bert")],
)
def test_training_on_word_counts_gives_the_full_training(model, pre_tokenizer, corpus):
    # Fed back as (word, count) through a whitespace split, every word kept
    # (min_count=1), the trainers learn exactly what they learn from the text
    # (ByteLevel: the byte alphabet, not the raw characters).
    params = {"vocab_size": 800, "pre_tokenizer": pre_tokenizer}
    if pre_tokenizer == "metaspace":
        # Metaspace replaces only " ": a line break stays inside its word,
        # where the words cannot go through a whitespace split (tested below)
        corpus = [doc.replace("\n", " ") for doc in corpus]
    tok, trainer = _untrained(model, corpus, **params)
    assert train_on_frequent_words(tokenizers, tok, trainer, corpus, 1)
    ref, ref_trainer = _untrained(model, corpus, **params)
    ref.train_from_iterator(corpus, ref_trainer, length=len(corpus))
    assert set(tok.get_vocab()) == set(ref.get_vocab())
    # the tokenizer keeps its own normaliser and pre-tokenizer
    assert tok.encode("The WHALE").ids == ref.encode("The WHALE").ids


@pytest.mark.parametrize("model", ["bpe", "wordpiece", "unigram"])
def test_rare_words_leave_training_but_keep_their_characters(model, corpus):
    rare = "qaxmø"  # one word, seen once: its characters stay in the alphabet
    docs = corpus + [f"a line with {rare} in it"]
    vec = TokenCountVectorizer(model=model, vocab_size=800, min_frequency=2).fit(docs)
    vocab = vec.vocabulary_
    assert rare not in vocab and f"##{rare}" not in vocab and f"▁{rare}" not in vocab
    pieces = vec.tokenizer_.encode(rare).tokens
    assert "".join(p.replace("##", "").replace("▁", "") for p in pieces) == rare
    assert vec.unk_token not in pieces


def test_words_with_whitespace_fall_back_to_training_on_the_text(corpus):
    # without a pre-tokenizer a "word" is the whole document, spaces included
    tok, trainer = _untrained("bpe", corpus, vocab_size=300, pre_tokenizer=None)
    assert not train_on_frequent_words(tokenizers, tok, trainer, corpus, 2)
    vec = TokenCountVectorizer(model="bpe", vocab_size=300, pre_tokenizer=None).fit(corpus)
    assert vec.transform(corpus[:5]).sum() > 0
    # Metaspace keeps line breaks inside words
    tok, trainer = _untrained("unigram", corpus, vocab_size=300, pre_tokenizer="metaspace")
    assert not train_on_frequent_words(tokenizers, tok, trainer, corpus, 2)


def test_record_separator_is_not_whitespace_for_the_tokenizer(corpus):
    # str.isspace("\x1e") is True but the Rust pre-tokenizers keep it inside
    # words; training on word counts must not mistake it for a separator
    docs = corpus + ["ab\x1ecd ab\x1ecd"] * 3
    vec = TokenCountVectorizer(model="bpe", vocab_size=800, min_frequency=2).fit(docs)
    X = vec.transform(["ab\x1ecd"])
    assert X.sum() >= 1


def test_unigram_seed_count_follows_the_vocabulary(corpus):
    from skbridge.compat.hf_tokenizers import limit_unigram_seeds

    def seeds(trainer):
        return json.loads(trainer.__getstate__())["UnigramTrainer"]["seed_size"]

    assert seeds(_untrained("unigram", corpus, vocab_size=800)[1]) == 100_000
    assert seeds(_untrained("unigram", corpus, vocab_size=40_000)[1]) == 160_000
    assert seeds(_untrained("unigram", corpus, vocab_size=10**6)[1]) == 1_000_000  # the default
    trainer = tokenizers.trainers.UnigramTrainer(vocab_size=300, show_progress=False)
    assert not limit_unigram_seeds(trainer, 2_000_000) and seeds(trainer) == 1_000_000
    assert not limit_unigram_seeds(tokenizers.trainers.BpeTrainer(), 10)
    # the lowered count is the one the trainer uses: fewer seeds, another vocabulary
    vocabs = []
    for limit in (None, 400):
        tok = tokenizers.Tokenizer(tokenizers.models.Unigram())
        tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
        trainer = tokenizers.trainers.UnigramTrainer(
            vocab_size=300, unk_token="[UNK]", special_tokens=["[UNK]"], show_progress=False
        )
        if limit is not None:
            assert limit_unigram_seeds(trainer, limit) and seeds(trainer) == limit
        tok.train_from_iterator(corpus, trainer)
        vocabs.append(set(tok.get_vocab()))
    assert vocabs[0] != vocabs[1]
