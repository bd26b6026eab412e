"""Options of ``tokenizers`` trainers that their Python constructors do not take."""

import json

__all__ = ["limit_unigram_seeds"]


def limit_unigram_seeds(trainer, seed_size):
    """Start a ``UnigramTrainer``'s EM from at most ``seed_size`` seed pieces.

    ``tokenizers`` (as SentencePiece) seeds Unigram training with up to
    1,000,000 of the most frequent substrings of the words and builds a trie
    of them in each EM step. The Python constructor does not take the seed
    count, but the trainer's serialised state (its pickle) holds it: the state
    is rewritten with the lower count. A trainer whose state has no
    ``seed_size`` (another version of ``tokenizers``) is left as it is.

    Parameters
    ----------
    trainer : tokenizers.trainers.UnigramTrainer
        The trainer, changed in place.
    seed_size : int
        Most seed pieces; a trainer already below it is not changed.

    Returns
    -------
    limited : bool
        Whether the seed count was lowered.
    """
    state = json.loads(trainer.__getstate__())
    options = state.get("UnigramTrainer")
    if not isinstance(options, dict) or not isinstance(options.get("seed_size"), int):
        return False
    if options["seed_size"] <= seed_size:
        return False
    options["seed_size"] = int(seed_size)
    trainer.__setstate__(json.dumps(state).encode())
    return True
