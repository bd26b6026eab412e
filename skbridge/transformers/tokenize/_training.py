"""Training a tokenizer: on the frequent words, with fixed ids.

:func:`train_on_frequent_words` feeds a subword trainer the words seen often
enough instead of the whole text, which bounds its memory.
:func:`pinned_symbols` and :func:`without_added` give the continuing-subword
symbols fixed ids during training, and :func:`renumber_by_frequency` numbers
the trained vocabulary by frequency, so the same corpus and parameters give
the same ids in every run.
"""

import json

from ...compat import release_free_memory
from ._encoding import token_frequencies

__all__ = [
    "pinned_symbols",
    "renumber_by_frequency",
    "subword_prefix",
    "train_on_frequent_words",
    "without_added",
]

# The unknown word of the word-counting pass: it holds whitespace, so no
# pre-tokenized word can be equal to it.
_RARE_WORD = "\x00 rare word \x00"


def train_on_frequent_words(tk, tokenizer, trainer, docs, min_count):
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
        pretokens = pre_tokenizer.pre_tokenize_str(text)
        if any(is_space(ch) for word, _ in pretokens for ch in set(word)):
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
    freq = token_frequencies(counter, docs, len(words))
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


def renumber_by_frequency(tk, tokenizer, specials, freq):
    """A copy of ``tokenizer`` with its ids in a fixed order.

    Special tokens come first (in order), then the other tokens by decreasing
    ``freq`` (indexed by old id), ties broken by the token.
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


def subword_prefix(model, pre_kind):
    """The continuing-subword prefix a model is trained with, or None."""
    if model == "wordpiece" or (model == "bpe" and pre_kind not in ("ByteLevel", "Metaspace")):
        return "##"
    return None


def pinned_symbols(docs, normalizer, prefix):
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


def without_added(tk, tokenizer, tokens):
    """A copy of ``tokenizer`` where ``tokens`` are plain vocabulary entries."""
    tokens = set(tokens)
    state = json.loads(tokenizer.to_str())
    added = state.get("added_tokens") or []
    state["added_tokens"] = [a for a in added if a["content"] not in tokens]
    return tk.Tokenizer.from_str(json.dumps(state))

