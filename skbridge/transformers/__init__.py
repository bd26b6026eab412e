"""Transformers: kernel mappers, tabular preparation and tokenizers.

Random-feature kernel mappers (McKernel), tabular preparation (Automunge) and
Hugging Face tokenizers. Light to import: numba (for the compiled kernels)
loads on first use.
"""

from .kernels import FastfoodSampler, RandomFourierSampler, fwht
from .tokenize import TokenCountVectorizer, TokenIdEncoder, TokenTfidfVectorizer

# Automunge (skbridge.transformers.munge) needs pandas: loaded on first access.
_MUNGE_NAMES = ("AutoMunge", "AutoMunger", "LabelMunger", "automunge", "postmunge")


def __getattr__(name):
    if name in _MUNGE_NAMES:
        from . import munge

        return getattr(munge, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AutoMunge",
    "AutoMunger",
    "LabelMunger",
    "automunge",
    "postmunge",
    "FastfoodSampler",
    "RandomFourierSampler",
    "TokenCountVectorizer",
    "TokenIdEncoder",
    "TokenTfidfVectorizer",
    "fwht",
]
