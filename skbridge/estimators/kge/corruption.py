"""Negative sampling by corruption, and the registry of strategies.

A corruption of a triple ``(h, r, t)`` replaces its subject or its object by
another entity. :class:`UniformCorruption` picks the side to corrupt with
probability 1/2, once per triple (or always the same side), and the new
entity uniformly among the other entities (never the one it replaces, which
would give back the positive itself, as in PyKEEN's sampler);
:class:`BernoulliCorruption` (Wang et al., 2014) corrupts the subject of a
relation with probability ``tph / (tph + hpt)``, so that one-to-many
relations get fewer false negatives. With ``filter_positives=True`` a
corruption that is a known training triple is drawn again (vectorised: a
search in the sorted triple keys, no Python loop over triples).
"""

import torch

from ...compat.torch import restore_tensor_attributes, tensor_attributes_state
from ...utils import Registry

__all__ = ["BernoulliCorruption", "CorruptionStrategy", "UniformCorruption", "corruption_registry"]

_SIDES = ("s", "o", "s,o")


class CorruptionStrategy:
    """Base class of corruption strategies.

    With ``side="s,o"`` the side is drawn once per triple: all ``eta``
    corruptions of a triple replace its subject, or all replace its object,
    as in Wang et al. (2014)'s sampling and PyKEEN's ``BasicNegativeSampler``
    (which corrupts the heads of half the batch and the tails of the other
    half). A triple's loss then contrasts it with corruptions of one side,
    like one side of the filtered ranking protocol, instead of mixing head-
    and tail-corruption scores in one softmax.

    Parameters
    ----------
    side : {"s", "o", "s,o"}, default="s,o"
        Which side to corrupt: the subject, the object, or either.
    filter_positives : bool, default=False
        Draw again corruptions that are known (training) triples.
    """

    synonyms = ()

    def __init__(self, side="s,o", filter_positives=False):
        side = side.replace(" ", "")
        if side not in _SIDES:
            raise ValueError(f"corruption side must be one of {_SIDES}, got {side!r}")
        self.side = side
        self.filter_positives = bool(filter_positives)

    def fit(self, triples, n_entities, n_relations):
        """Learn what the strategy needs from the ``(n, 3)`` long tensor of triples."""
        self.n_entities = int(n_entities)
        self.n_relations = int(n_relations)
        if self.filter_positives:
            self._keys = torch.unique(self._key(triples[:, 0], triples[:, 1], triples[:, 2]))
        return self

    def __getstate__(self):
        # Fitted tensors as arrays: plain data that skops saves as well as pickle.
        return tensor_attributes_state(self)

    def __setstate__(self, state):
        restore_tensor_attributes(self, state)

    def _key(self, h, r, t):
        return (h * self.n_relations + r) * self.n_entities + t

    def head_probability(self, r):
        """Probability of corrupting the subject of each triple of relation ``r``."""
        return None

    def _corrupt_head_mask(self, r, eta, generator):
        B = r.shape[0]
        if self.side == "s":
            return torch.ones(B, eta, dtype=torch.bool)
        if self.side == "o":
            return torch.zeros(B, eta, dtype=torch.bool)
        # one side per triple, shared by its eta corruptions (see the class docstring)
        u = torch.rand(B, 1, generator=generator)
        p = self.head_probability(r)
        return (u < (0.5 if p is None else p[:, None])).expand(B, eta)

    def _draw(self, orig, generator):
        """Entities drawn uniformly among all but ``orig`` (same shape as ``orig``)."""
        if self.n_entities < 2:
            return orig.clone()
        new = torch.randint(self.n_entities - 1, orig.shape, generator=generator)
        return new + (new >= orig).long()

    def corrupt(self, h, r, t, eta, generator=None):
        """``eta`` corruptions per triple as ``(heads, new)``, each of shape ``(B, eta)``.

        ``heads[i, j]`` says whether corruption ``j`` of triple ``i`` replaces
        its subject (else its object) and ``new[i, j]`` is the new entity.
        Each row of ``heads`` is constant (one side per triple): the training
        loop scores a triple's corruptions against one shared query.
        """
        heads = self._corrupt_head_mask(r, eta, generator)
        orig = torch.where(heads, h[:, None], t[:, None])  # the entity each one replaces
        new = self._draw(orig, generator)
        if self.filter_positives:
            for _ in range(10):
                neg_h = torch.where(heads, new, h[:, None])
                neg_t = torch.where(heads, t[:, None], new)
                known = self._is_known(neg_h, r[:, None].expand_as(neg_h), neg_t)
                n_known = int(known.sum())
                if not n_known:
                    break
                new[known] = self._draw(orig[known], generator)
        return heads, new

    def sample(self, h, r, t, eta, generator=None):
        """``eta`` corruptions per triple: ``(neg_h, neg_t)``, each of shape ``(B, eta)``."""
        heads, new = self.corrupt(h, r, t, eta, generator)
        return torch.where(heads, new, h[:, None]), torch.where(heads, t[:, None], new)

    def _is_known(self, h, r, t):
        keys = self._key(h, r, t)
        pos = torch.searchsorted(self._keys, keys).clamp_(max=self._keys.numel() - 1)
        return self._keys[pos] == keys


class UniformCorruption(CorruptionStrategy):
    """Uniform corruption: side with probability 1/2 (for ``"s,o"``), entity uniformly."""

    synonyms = ("random", "uniform")


class BernoulliCorruption(CorruptionStrategy):
    """Bernoulli corruption (Wang et al., 2014): subject with probability ``tph / (tph + hpt)``."""

    def fit(self, triples, n_entities, n_relations):
        """Learn each relation's probability of corrupting the subject."""
        super().fit(triples, n_entities, n_relations)
        h, r, t = triples[:, 0], triples[:, 1], triples[:, 2]
        probs = torch.full((n_relations,), 0.5)
        for rel in torch.unique(r).tolist():
            mask = r == rel
            hs, ts = h[mask], t[mask]
            # tails per head and heads per tail, averaged over distinct heads/tails
            tph = mask.sum().item() / torch.unique(hs).numel()
            hpt = mask.sum().item() / torch.unique(ts).numel()
            probs[rel] = tph / (tph + hpt)
        self.probs_ = probs
        return self

    def head_probability(self, r):
        """``tph / (tph + hpt)`` of each triple's relation."""
        return self.probs_[r]


corruption_registry = Registry("corruption strategy", base=CorruptionStrategy,
                               suffix="Corruption")
"""Registry of corruption strategies: ``uniform`` (alias ``random``) and ``bernoulli``."""
for _cls in (UniformCorruption, BernoulliCorruption):
    corruption_registry.register(_cls)
