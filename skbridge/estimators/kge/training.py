"""The torch module behind every KGE estimator, initializers and optimizers.

:class:`KGEModule` holds the entity and relation embedding tables and a
:class:`~skbridge.estimators.kge.scoring.ScoringFunction`; it scores triples
given as integer indices. The registries :data:`initializer_registry` and
:data:`optimizer_registry` resolve AmpliGraph's names (``"glorot_uniform"``,
``"adam"``, ...) to callables.
"""

import torch
from torch import nn

from ._registry import Registry

__all__ = [
    "GlorotNormalInitializer",
    "GlorotUniformInitializer",
    "Initializer",
    "KGEModule",
    "NormalInitializer",
    "UniformInitializer",
    "initializer_registry",
    "optimizer_registry",
]


class KGEModule(nn.Module):
    """Entity and relation embeddings plus a scoring function.

    Parameters
    ----------
    n_entities, n_relations : int
        Sizes of the vocabularies.
    scorer : ScoringFunction
        Gives the widths of the tables and scores embeddings.
    """

    def __init__(self, n_entities, n_relations, scorer):
        super().__init__()
        self.scorer = scorer
        self.ent = nn.Parameter(torch.empty(n_entities, scorer.entity_dim()))
        self.rel = nn.Parameter(torch.empty(n_relations, scorer.relation_dim()))

    def score(self, h, r, t):
        """Scores of index tensors ``h, r, t`` (broadcast against each other)."""
        return self.scorer(self.ent[h], self.rel[r], self.ent[t])

    def score_tails(self, h, r):
        """``(B, n_entities)`` scores of ``(h_i, r_i, e)`` for every entity ``e``."""
        return self.scorer.score_tails(self.ent[h], self.rel[r], self.ent)

    def score_heads(self, r, t):
        """``(B, n_entities)`` scores of ``(e, r_i, t_i)`` for every entity ``e``."""
        return self.scorer.score_heads(self.rel[r], self.ent[t], self.ent)


class Initializer:
    """Base class: ``__call__(tensor, generator)`` fills ``tensor`` in place."""

    synonyms = ()

    def __call__(self, tensor, generator=None):
        raise NotImplementedError


class GlorotUniformInitializer(Initializer):
    """Glorot/Xavier uniform (AmpliGraph's default)."""

    synonyms = ("xavier_uniform", "glorot_uniform")

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, tensor, generator=None):
        return nn.init.xavier_uniform_(tensor, gain=self.gain, generator=generator)


class GlorotNormalInitializer(Initializer):
    """Glorot/Xavier normal."""

    synonyms = ("xavier_normal", "glorot_normal")

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, tensor, generator=None):
        return nn.init.xavier_normal_(tensor, gain=self.gain, generator=generator)


class NormalInitializer(Initializer):
    """Normal with ``mean`` and ``std``."""

    synonyms = ("random_normal",)

    def __init__(self, mean=0.0, std=0.05):
        self.mean, self.std = mean, std

    def __call__(self, tensor, generator=None):
        return nn.init.normal_(tensor, self.mean, self.std, generator=generator)


class UniformInitializer(Initializer):
    """Uniform on ``[low, high]``."""

    synonyms = ("random_uniform",)

    def __init__(self, low=-0.05, high=0.05):
        self.low, self.high = low, high

    def __call__(self, tensor, generator=None):
        return nn.init.uniform_(tensor, self.low, self.high, generator=generator)


initializer_registry = Registry("initializer", Initializer, suffix="Initializer")
"""Registry of initializers: ``glorot_uniform``, ``glorot_normal``, ``normal``, ``uniform``."""
for _cls in (GlorotUniformInitializer, GlorotNormalInitializer, NormalInitializer, UniformInitializer):
    initializer_registry.register(_cls)

optimizer_registry = Registry("optimizer", torch.optim.Optimizer)
"""Registry of torch optimizers: ``adam``, ``adagrad``, ``sgd``, ``rmsprop``, ``adamw``."""
for _cls in (torch.optim.Adam, torch.optim.Adagrad, torch.optim.SGD, torch.optim.RMSprop,
             torch.optim.AdamW):
    optimizer_registry.register(_cls)
