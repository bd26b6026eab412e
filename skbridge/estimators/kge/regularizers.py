"""Regularizers of knowledge-graph embedding models, and their registry.

A regularizer maps the entity and relation embeddings used in a batch to a
penalty added to the loss. ``LP`` is AmpliGraph's ``lambda * sum |w|^p``.
"""

from torch import nn

from ...utils import Registry

__all__ = ["LPRegularizer", "NoRegularizer", "Regularizer", "get", "regularizer_registry"]


class Regularizer(nn.Module):
    """Base class: ``forward(entity_embeddings, relation_embeddings) -> scalar``."""

    synonyms = ()

    def forward(self, ent, rel):
        """Scalar penalty of the entity and relation embeddings of a batch."""
        raise NotImplementedError


class NoRegularizer(Regularizer):
    """No penalty."""

    synonyms = ("none",)

    def forward(self, ent, rel):
        """Zero."""
        return ent.new_zeros(())


class LPRegularizer(Regularizer):
    """``lambda * (sum |e|^p + sum |r|^p)`` over the embeddings of the batch.

    Parameters
    ----------
    p : int, default=2
        The norm's order.
    lambda_ : float, default=1e-5
        Weight of the penalty; AmpliGraph's key ``"lambda"`` is accepted too.
    """

    def __init__(self, p=2, lambda_=1e-5, **params):
        super().__init__()
        if "lambda" in params:
            lambda_ = params.pop("lambda")
        if params:
            raise ValueError(
                f"Bad parameters {sorted(params)} for the regularizer LPRegularizer: it takes "
                f"p and lambda (or lambda_)."
            )
        self.p = p
        self.lambda_ = float(lambda_)

    def forward(self, ent, rel):
        """``lambda * (sum |e|^p + sum |r|^p)``."""
        if self.p == 2:
            penalty = ent.square().sum() + rel.square().sum()
        else:
            penalty = ent.abs().pow(self.p).sum() + rel.abs().pow(self.p).sum()
        return self.lambda_ * penalty


regularizer_registry = Registry("regularizer", base=Regularizer, suffix="Regularizer")
"""Registry of regularizers: ``lp`` and ``no`` (alias ``none``)."""
for _cls in (LPRegularizer, NoRegularizer):
    regularizer_registry.register(_cls)


def get(identifier, hyperparams=None):
    """A regularizer from its name (or class, or instance) and hyper-parameters.

    AmpliGraph 2's ``regularizers.get``: the tutorial's
    ``get_regularizer(...)`` works with only the import changed.

    Parameters
    ----------
    identifier : str, class or instance
        A name of :data:`regularizer_registry` (case-insensitive), a class or an instance
        (returned as it is).
    hyperparams : dict, default=None
        Keyword arguments of the regularizer.

    Returns
    -------
    regularizer : Regularizer

    Examples
    --------
    >>> from skbridge.estimators.kge.regularizers import get as get_regularizer
    >>> get_regularizer("LP", {"p": 2, "lambda": 1e-5}).lambda_
    1e-05
    """
    return regularizer_registry.make(identifier, hyperparams)
