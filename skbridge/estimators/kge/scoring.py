"""Scoring functions of knowledge-graph embedding models, and their registry.

A scoring function is a small :class:`torch.nn.Module` that maps embeddings of
a head ``h``, a relation ``r`` and a tail ``t`` to a plausibility score
(higher = more plausible). It holds no embeddings itself (ConvE holds its
convolution weights): the embedding tables live in the model that calls it.

Every function implements :meth:`ScoringFunction.forward` on tensors whose
leading dimensions broadcast, plus two fast paths used by evaluation,
:meth:`~ScoringFunction.score_tails` and :meth:`~ScoringFunction.score_heads`,
that score a batch of queries against every candidate entity at once (a
matrix product for the bilinear models, ``cdist`` for TransE).

The registry :data:`scoring_registry` resolves names (``"TransE"``,
``"distmult"``, ...), classes and instances.
"""

import math
from typing import ClassVar

import torch
from torch import nn

from ...utils import Registry

__all__ = [
    "ComplExScoringFunction",
    "ConvEScoringFunction",
    "DistMultScoringFunction",
    "HolEScoringFunction",
    "RotatEScoringFunction",
    "ScoringFunction",
    "TransEScoringFunction",
    "scoring_registry",
]


class ScoringFunction(nn.Module):
    """Base class: score ``(h, r, t)`` embeddings, higher = more plausible.

    Most scoring functions *factorise*: the score of ``(h, r, t)`` is
    ``match(query_o(h, r), t)`` and also ``match(query_s(r, t), h)``. The
    training loop uses this to score the ``eta`` corruptions of a triple, which
    share the query of its uncorrupted side, with one gather and one ``match``;
    evaluation scores a query against every entity with :meth:`match_all`.

    Parameters
    ----------
    k : int
        Embedding size asked of the model. Subclasses say through
        :meth:`entity_dim` and :meth:`relation_dim` how wide the embedding
        tables must be (ComplEx stores ``2 k`` numbers per entity).
    """

    synonyms: ClassVar[tuple] = ()
    factorized: ClassVar[bool] = True

    def __init__(self, k):
        super().__init__()
        self.k = int(k)

    def entity_dim(self):
        """Width of the entity embedding table."""
        return self.k

    def relation_dim(self):
        """Width of the relation embedding table."""
        return self.k

    def candidate_cost(self, side):
        """Floats held per (query, candidate) pair by score_tails/score_heads."""
        return 1

    def constrain(self, ent, rel):
        """Project the embedding tables after each optimisation step (in place).

        Called only when :attr:`has_constraint` is true.
        """

    has_constraint: ClassVar[bool] = False

    def query_o(self, h, r):
        """Query vector of ``(h, r, ?)``."""
        raise NotImplementedError

    def query_s(self, r, t):
        """Query vector of ``(?, r, t)``."""
        raise NotImplementedError

    def match(self, q, c):
        """Scores of queries ``q`` against candidate entity embeddings ``c`` (broadcast)."""
        raise NotImplementedError

    def match_rows(self, q, C):
        """``(B, m)`` scores of query ``q[i]`` against its own candidates ``C[i]``.

        ``q`` is ``(B, d)`` and ``C`` is ``(B, m, d)``: the training loop's
        ``eta`` corruptions of a triple share its query.
        """
        return self.match(q[:, None, :], C)

    def match_all(self, q, E):
        """``(B, N)`` scores of queries ``(B, d)`` against every entity ``(N, d)``."""
        return self.match(q[:, None, :], E[None, :, :])

    def forward(self, h, r, t):
        """Scores of shape ``broadcast(h, r, t).shape[:-1]``."""
        return self.match(self.query_o(h, r), t)

    def score_tails(self, h, r, E):
        """Scores ``(B, N)`` of ``(h_i, r_i, e_j)``: queries ``(B, d)``, candidates ``(N, d)``."""
        return self.match_all(self.query_o(h, r), E)

    def score_heads(self, r, t, E):
        """Scores ``(B, N)`` of ``(e_j, r_i, t_i)``."""
        return self.match_all(self.query_s(r, t), E)


class _DotMatch:
    """``match`` = inner product; ``match_all`` = one matrix product."""

    def match(self, q, c):
        return (q * c).sum(-1)

    def match_all(self, q, E):
        return q @ E.T


class TransEScoringFunction(ScoringFunction):
    """TransE (Bordes et al., 2013): ``-||h + r - t||_p``.

    Parameters
    ----------
    k : int
        Embedding size.
    norm : {1, 2}, default=1
        The norm ``p`` (AmpliGraph's ``scoring_type="TransE"`` uses 1).
    normalize_entities : bool, default=True
        Keep entity embeddings on the unit L2 sphere (projected after every
        step), as in the TransE paper, PyKEEN and AmpliGraph 1's
        ``normalize_ent_emb`` (the KGE page of the docs compares both).
    """

    def __init__(self, k, norm=1, normalize_entities=True):
        super().__init__(k)
        if norm not in (1, 2):
            raise ValueError(f"TransE norm must be 1 or 2, got {norm!r}")
        self.norm = norm
        self.normalize_entities = bool(normalize_entities)
        self.has_constraint = self.normalize_entities

    def constrain(self, ent, rel):
        """Project the entity embeddings onto the unit sphere (in place)."""
        with torch.no_grad():
            ent.copy_(torch.nn.functional.normalize(ent, dim=-1))

    def query_o(self, h, r):
        """``h + r``."""
        return h + r

    def query_s(self, r, t):
        """``t - r``."""
        return t - r

    def match(self, q, c):
        """``-||q - c||_p``."""
        d = q - c
        if self.norm == 1:
            return -d.abs().sum(-1)
        return -torch.linalg.vector_norm(d, dim=-1)

    def match_rows(self, q, C):
        """``-||q_i - C_ij||_p`` with one fused distance kernel."""
        # one fused distance kernel, forward and backward, instead of a
        # (B, m, d) difference, its absolute value and their gradients
        return -torch.cdist(q[:, None, :], C, p=float(self.norm),
                            compute_mode="donot_use_mm_for_euclid_dist").squeeze(1)

    def match_all(self, q, E):
        """``-||q_i - E_j||_p`` for every pair (``cdist``)."""
        return -torch.cdist(q, E, p=float(self.norm))


class DistMultScoringFunction(_DotMatch, ScoringFunction):
    """DistMult (Yang et al., 2015): ``<h, r, t>``."""

    def query_o(self, h, r):
        """``h * r``."""
        return h * r

    def query_s(self, r, t):
        """``r * t``."""
        return r * t


class ComplExScoringFunction(_DotMatch, ScoringFunction):
    """ComplEx (Trouillon et al., 2016): ``Re(<h, r, conj(t)>)``.

    Embeddings are stored as ``[real | imaginary]``, ``2 k`` numbers each.
    """

    def entity_dim(self):
        """``2 k``: real and imaginary parts."""
        return 2 * self.k

    def relation_dim(self):
        """``2 k``: real and imaginary parts."""
        return 2 * self.k

    def query_o(self, h, r):
        """The complex product ``h r``."""
        hr, hi = h.chunk(2, dim=-1)
        rr, ri = r.chunk(2, dim=-1)
        return torch.cat([hr * rr - hi * ri, hr * ri + hi * rr], dim=-1)

    def query_s(self, r, t):
        """``conj(r) t``, whose real inner product with ``h`` is the score."""
        rr, ri = r.chunk(2, dim=-1)
        tr, ti = t.chunk(2, dim=-1)
        return torch.cat([rr * tr + ri * ti, rr * ti - ri * tr], dim=-1)


class HolEScoringFunction(_DotMatch, ScoringFunction):
    """HolE (Nickel et al., 2016): ``<r, h ⋆ t>`` with circular correlation ``⋆``.

    Computed with real FFTs in ``O(k log k)``: the score is ``<r * h, t>``
    with the circular convolution ``*``, and ``<r ⋆ t, h>``.
    """

    @staticmethod
    def _corr(a, b):
        # (a ⋆ b)_j = sum_i a_i b_(i + j mod k)
        n = a.shape[-1]
        return torch.fft.irfft(torch.conj(torch.fft.rfft(a, dim=-1)) * torch.fft.rfft(b, dim=-1),
                               n=n, dim=-1)

    @staticmethod
    def _conv(a, b):
        n = a.shape[-1]
        return torch.fft.irfft(torch.fft.rfft(a, dim=-1) * torch.fft.rfft(b, dim=-1), n=n, dim=-1)

    def forward(self, h, r, t):
        """Scores, computed in float64 and returned in the input dtype.

        The float32 FFT's rounding depends on how many rows it transforms at
        once, so without this a triple's ``predict`` score could change in the
        last bits with the batch it is scored in. Training (``query_o`` and
        ``match``) and ranking (``score_tails``/``score_heads``) stay float32.
        """
        dtype = h.dtype
        return super().forward(h.double(), r.double(), t.double()).to(dtype)

    def query_o(self, h, r):
        """The circular convolution ``r * h``."""
        # sum_j r_j sum_i h_i t_(i+j) = sum_m t_m (r * h)_m
        h, r = torch.broadcast_tensors(h, r)
        return self._conv(r, h)

    def query_s(self, r, t):
        """The circular correlation ``r ⋆ t``."""
        # sum_i h_i sum_j r_j t_(i+j) = sum_i h_i (r ⋆ t)_i
        r, t = torch.broadcast_tensors(r, t)
        return self._corr(r, t)


class RotatEScoringFunction(ScoringFunction):
    """RotatE (Sun et al., 2019): ``-sum_i |h_i e^{i θ_i} - t_i|``.

    Entities are complex (``[real | imaginary]``, ``2 k`` numbers); a relation
    is ``k`` rotation phases.
    """

    def entity_dim(self):
        """``2 k``: real and imaginary parts."""
        return 2 * self.k

    def candidate_cost(self, side):
        """``2 k`` floats per pair (the complex difference)."""
        return 2 * self.k

    @staticmethod
    def _rotate(x, phase, inverse=False):
        xr, xi = x.chunk(2, dim=-1)
        c, s = torch.cos(phase), torch.sin(phase)
        if inverse:
            s = -s
        return torch.cat([xr * c - xi * s, xr * s + xi * c], dim=-1)

    def query_o(self, h, r):
        """``h`` rotated by the phases ``r``."""
        return self._rotate(h, r)

    def query_s(self, r, t):
        """``t`` rotated back by the phases ``r``."""
        # |r| = 1: |h r - t| = |h - t conj(r)|
        return self._rotate(t, r, inverse=True)

    def match(self, q, c):
        """``-sum_i |q_i - c_i|`` over the complex components."""
        qr, qi = q.chunk(2, dim=-1)
        cr, ci = c.chunk(2, dim=-1)
        return -torch.sqrt((qr - cr) ** 2 + (qi - ci) ** 2 + 1e-9).sum(-1)


class ConvEScoringFunction(ScoringFunction):
    """ConvE (Dettmers et al., 2018): ``<relu(W vec(relu([h; r] * ω))), t>``.

    The head and relation embeddings are reshaped to ``height x (k / height)``
    images, stacked, convolved, projected back to ``k`` and matched with the
    tail. Batch normalisation and dropout are active during training only.

    Parameters
    ----------
    k : int
        Embedding size; must be divisible by ``height``.
    height : int, default=None
        Height of the 2-D reshaping; by default the largest divisor of ``k``
        not above ``sqrt(k)``.
    n_filters : int, default=32
        Convolution filters.
    kernel_size : int, default=3
        Side of the square convolution kernel.
    input_dropout, feature_dropout, hidden_dropout : float, default=0.2, 0.2, 0.3
        Dropout rates of the input image, the feature maps and the projection.
    """

    def __init__(self, k, height=None, n_filters=32, kernel_size=3,
                 input_dropout=0.2, feature_dropout=0.2, hidden_dropout=0.3):
        super().__init__(k)
        if height is None:
            height = max(d for d in range(1, int(math.isqrt(k)) + 1) if k % d == 0)
        if k % height:
            raise ValueError(f"ConvE needs k divisible by height; got k={k}, height={height}")
        self.height, self.width = int(height), k // int(height)
        if kernel_size > min(2 * self.height, self.width):
            raise ValueError(
                f"ConvE kernel_size={kernel_size} does not fit the {2 * self.height}x"
                f"{self.width} input image of k={k}; use a smaller kernel or a larger k."
            )
        self.n_filters = n_filters
        self.conv = nn.Conv2d(1, n_filters, kernel_size)
        self.bn0 = nn.BatchNorm2d(1)
        self.bn1 = nn.BatchNorm2d(n_filters)
        self.bn2 = nn.BatchNorm1d(k)
        out_h, out_w = 2 * self.height - kernel_size + 1, self.width - kernel_size + 1
        self.fc = nn.Linear(n_filters * out_h * out_w, k)
        self.input_dropout = nn.Dropout(input_dropout)
        self.feature_dropout = nn.Dropout2d(feature_dropout)
        self.hidden_dropout = nn.Dropout(hidden_dropout)
        self._pair_cost = n_filters * out_h * out_w * 2

    factorized = False

    def candidate_cost(self, side):
        """1 for tails (one query), the convolution's size for heads."""
        return 1 if side == "o" else self._pair_cost

    def hidden(self, h, r):
        """The projected query vector of ``(h, r)``, shape ``broadcast(h, r)``."""
        h, r = torch.broadcast_tensors(h, r)
        lead = h.shape[:-1]
        h = h.reshape(-1, 1, self.height, self.width)
        r = r.reshape(-1, 1, self.height, self.width)
        x = self.input_dropout(self.bn0(torch.cat([h, r], dim=2)))
        x = self.feature_dropout(torch.relu(self.bn1(self.conv(x))))
        x = self.fc(x.flatten(1))
        x = torch.relu(self.bn2(self.hidden_dropout(x)))
        return x.reshape(*lead, self.k)

    def forward(self, h, r, t):
        """``<hidden(h, r), t>``."""
        return (self.hidden(h, r) * t).sum(-1)

    def query_o(self, h, r):
        """The projected convolution of ``[h; r]``."""
        return self.hidden(h, r)

    def match(self, q, c):
        """Inner product."""
        return (q * c).sum(-1)

    def match_all(self, q, E):
        """One matrix product."""
        return q @ E.T

    def score_heads(self, r, t, E):
        """Every entity as head: the convolution runs once per (entity, query) pair."""
        return self(E[None, :, :], r[:, None, :], t[:, None, :])


scoring_registry = Registry("scoring function", base=ScoringFunction,
                            suffix="ScoringFunction", example_kwargs={"k": 8})
"""Registry of scoring functions: ``transe``, ``distmult``, ``complex``, ``hole``, ``rotate``,
``conve``."""
for _cls in (
    TransEScoringFunction,
    DistMultScoringFunction,
    ComplExScoringFunction,
    HolEScoringFunction,
    RotatEScoringFunction,
    ConvEScoringFunction,
):
    scoring_registry.register(_cls)
