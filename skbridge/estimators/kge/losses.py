"""Loss functions of knowledge-graph embedding models, and their registry.

Every loss takes the scores of a batch of positive triples, shape ``(B,)``,
and of their ``eta`` corruptions, shape ``(B, eta)``, and returns a scalar.
As in AmpliGraph, losses are summed over the batch. Names and defaults follow
AmpliGraph 2: ``pairwise``, ``nll``, ``absolute_margin``, ``self_adversarial``
and ``multiclass_nll``.
"""

import torch
import torch.nn.functional as F
from torch import nn

from ...utils import Registry

__all__ = [
    "AbsoluteMarginLoss",
    "Loss",
    "MulticlassNLLLoss",
    "NLLLoss",
    "PairwiseLoss",
    "SelfAdversarialLoss",
    "get",
    "loss_registry",
]


class Loss(nn.Module):
    """Base class: ``forward(pos (B,), neg (B, eta)) -> scalar``."""

    synonyms = ()

    def forward(self, pos, neg):
        """Scalar loss of positive scores ``(B,)`` and negative scores ``(B, eta)``."""
        raise NotImplementedError


class PairwiseLoss(Loss):
    """Pairwise margin loss: ``sum max(0, margin - f(t+) + f(t-))``.

    Parameters
    ----------
    margin : float, default=1.0
    """

    def __init__(self, margin=1.0):
        super().__init__()
        self.margin = float(margin)

    def forward(self, pos, neg):
        """``sum max(0, margin - f(t+) + f(t-))``."""
        return F.relu(self.margin - pos[:, None] + neg).sum()


class NLLLoss(Loss):
    """Negative log-likelihood: ``sum log(1 + exp(-f(t+))) + log(1 + exp(f(t-)))``."""

    def forward(self, pos, neg):
        """``sum softplus(-f(t+)) + sum softplus(f(t-))``."""
        return F.softplus(-pos).sum() + F.softplus(neg).sum()


class AbsoluteMarginLoss(Loss):
    """Absolute margin loss: ``sum max(0, -f(t+)) + max(0, margin + f(t-))``.

    Positives are pushed to score at least 0 and negatives at most ``-margin``
    (Hamaguchi et al., 2017).

    Parameters
    ----------
    margin : float, default=1.0
    """

    def __init__(self, margin=1.0):
        super().__init__()
        self.margin = float(margin)

    def forward(self, pos, neg):
        """``sum max(0, -f(t+)) + sum max(0, margin + f(t-))``."""
        return F.relu(-pos).sum() + F.relu(self.margin + neg).sum()


class SelfAdversarialLoss(Loss):
    """Self-adversarial negative sampling loss (Sun et al., 2019).

    ``-log σ(margin + f(t+)) - sum_j p_j log σ(-margin - f(t-_j))`` with
    ``p = softmax(alpha f(t-))`` treated as a constant.

    Parameters
    ----------
    margin : float, default=3.0
    alpha : float, default=0.5
        Temperature of the adversarial sampling weights.
    """

    def __init__(self, margin=3.0, alpha=0.5):
        super().__init__()
        self.margin = float(margin)
        self.alpha = float(alpha)

    def forward(self, pos, neg):
        """Self-adversarially weighted loss of the batch."""
        weights = torch.softmax(self.alpha * neg.detach(), dim=-1)
        pos_term = F.softplus(-(self.margin + pos))
        neg_term = (weights * F.softplus(self.margin + neg)).sum(-1)
        return (pos_term + neg_term).sum()


class MulticlassNLLLoss(Loss):
    """Multiclass NLL: softmax cross-entropy of each positive against its corruptions.

    ``sum -f(t+) + log(exp(f(t+)) + sum_j exp(f(t-_j)))``.
    """

    synonyms = ("softmax", "crossentropy")

    def forward(self, pos, neg):
        """Softmax cross-entropy of each positive against its corruptions, summed."""
        scores = torch.cat([pos[:, None], neg], dim=1)
        return (torch.logsumexp(scores, dim=1) - pos).sum()

    def forward_scores(self, scores):
        """Same loss from one ``(B, 1 + eta)`` matrix whose first column is positive."""
        return (torch.logsumexp(scores, dim=1) - scores[:, 0]).sum()


loss_registry = Registry("loss", base=Loss, suffix="Loss")
"""Registry of losses: ``pairwise``, ``nll``, ``absolute_margin``, ``self_adversarial``,
``multiclass_nll``."""
for _cls in (PairwiseLoss, NLLLoss, AbsoluteMarginLoss, SelfAdversarialLoss, MulticlassNLLLoss):
    loss_registry.register(_cls)


def get(identifier, hyperparams=None):
    """A loss from its name (or class, or instance) and hyper-parameters.

    AmpliGraph 2's ``loss_functions.get``: the tutorial's
    ``get_loss(...)`` works with only the import changed.

    Parameters
    ----------
    identifier : str, class or instance
        A name of :data:`loss_registry` (case-insensitive), a class or an instance
        (returned as it is).
    hyperparams : dict, default=None
        Keyword arguments of the loss.

    Returns
    -------
    loss : Loss

    Examples
    --------
    >>> from skbridge.estimators.kge.losses import get as get_loss
    >>> get_loss("pairwise", {"margin": 0.5}).margin
    0.5
    """
    try:
        return loss_registry.make(identifier, hyperparams)
    except TypeError as exc:  # a loss without parameters (nn.Module's signature takes any)
        raise ValueError(
            f"Bad parameters {sorted(hyperparams or {})} for the loss {identifier!r}: {exc}"
        ) from exc
