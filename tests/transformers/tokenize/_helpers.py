"""Constants and helpers shared by the tokenizer tests."""

MODELS = ["bpe", "wordpiece", "unigram", "wordlevel"]
UNSEEN = ["Ωμέγα 日本語 ☃ zzyzx qqq", ""]


def same(a, b):
    """Whether two sparse matrices have the same shape and values."""
    return a.shape == b.shape and (a != b).nnz == 0
