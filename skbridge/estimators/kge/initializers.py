"""Initializers of the embedding tables, and their registry.

An initializer fills a tensor in place from a :class:`torch.Generator`, so
that a model's initial embeddings depend on its ``random_state`` only. Names
follow AmpliGraph: ``glorot_uniform`` (the default), ``glorot_normal``,
``normal`` and ``uniform``.
"""

from torch import nn

from ...utils import Registry

__all__ = [
    "GlorotNormalInitializer",
    "GlorotUniformInitializer",
    "Initializer",
    "NormalInitializer",
    "UniformInitializer",
    "initializer_registry",
]


class Initializer:
    """Base class: ``__call__(tensor, generator)`` fills ``tensor`` in place."""

    synonyms = ()

    def __call__(self, tensor, generator=None):
        """Fill ``tensor`` in place, drawing from ``generator``; return it."""
        raise NotImplementedError


class GlorotUniformInitializer(Initializer):
    """Glorot/Xavier uniform (AmpliGraph's default).

    Parameters
    ----------
    gain : float, default=1.0
    """

    synonyms = ("xavier_uniform", "glorot_uniform")

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, tensor, generator=None):
        """Fill ``tensor`` in place, drawing from ``generator``; return it."""
        return nn.init.xavier_uniform_(tensor, gain=self.gain, generator=generator)


class GlorotNormalInitializer(Initializer):
    """Glorot/Xavier normal.

    Parameters
    ----------
    gain : float, default=1.0
    """

    synonyms = ("xavier_normal", "glorot_normal")

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, tensor, generator=None):
        """Fill ``tensor`` in place, drawing from ``generator``; return it."""
        return nn.init.xavier_normal_(tensor, gain=self.gain, generator=generator)


class NormalInitializer(Initializer):
    """Normal with ``mean`` and ``std``.

    Parameters
    ----------
    mean : float, default=0.0
    std : float, default=0.05
    """

    synonyms = ("random_normal",)

    def __init__(self, mean=0.0, std=0.05):
        self.mean, self.std = mean, std

    def __call__(self, tensor, generator=None):
        """Fill ``tensor`` in place, drawing from ``generator``; return it."""
        return nn.init.normal_(tensor, self.mean, self.std, generator=generator)


class UniformInitializer(Initializer):
    """Uniform on ``[low, high]``.

    Parameters
    ----------
    low : float, default=-0.05
    high : float, default=0.05
    """

    synonyms = ("random_uniform",)

    def __init__(self, low=-0.05, high=0.05):
        self.low, self.high = low, high

    def __call__(self, tensor, generator=None):
        """Fill ``tensor`` in place, drawing from ``generator``; return it."""
        return nn.init.uniform_(tensor, self.low, self.high, generator=generator)


initializer_registry = Registry("initializer", base=Initializer, suffix="Initializer")
"""Registry of initializers: ``glorot_uniform``, ``glorot_normal``, ``normal``, ``uniform``."""
for _cls in (GlorotUniformInitializer, GlorotNormalInitializer, NormalInitializer,
             UniformInitializer):
    initializer_registry.register(_cls)
