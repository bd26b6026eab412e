"""Fixtures of the tokenizer tests: small corpora."""

import pytest

from skbridge.datasets import load_moby_dick, load_spam


@pytest.fixture(scope="module")
def corpus():
    """Paragraphs of ten chapters of Moby-Dick: ~100 KB, quick to train on."""
    book = load_moby_dick()
    paragraphs = [p for text in book.data[3:13] for p in text.split("\n\n") if p.strip()]
    return paragraphs


@pytest.fixture(scope="module")
def spam():
    return load_spam(return_X_y=True)
