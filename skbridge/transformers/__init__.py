"""Transformers: random-feature kernel mappers (McKernel), tabular preparation
(Automunge) and tokenizers.

Light to import: numba (for the compiled kernels) loads on first use.
"""

from .kernels import FastfoodSampler, RandomFourierSampler, fwht

__all__ = ["FastfoodSampler", "RandomFourierSampler", "fwht"]
