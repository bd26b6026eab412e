"""Platt scaling of KGE scores into probabilities (Tabacof & Costabello, ICLR 2020).

A KGE score is a plausibility, not a probability. :func:`fit_platt` learns
``p = sigmoid(a * score + b)`` by weighted logistic regression. When the
negatives are synthetic corruptions, their share does not reflect reality, so
positives and negatives are weighted to give the ``positive_base_rate`` the
user expects among the triples to be scored (Tabacof & Costabello, 2020).
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit

__all__ = ["corrupted_negatives", "fit_platt", "platt_weights"]


def corrupted_negatives(model, idx_pos):
    """``eta`` corruptions of each positive, filtered against the known triples.

    The synthetic negatives of ``calibrate`` without ``X_neg``: each triple of
    ``idx_pos`` has its subject or object replaced ``model.eta`` times by an
    entity that makes neither a training triple nor a triple of ``idx_pos``.

    Parameters
    ----------
    model : fitted KGE estimator
    idx_pos : ndarray of shape (n_pos, 3), dtype=int64
        Encoded positive triples.

    Returns
    -------
    idx_neg : ndarray of shape (n_pos * eta, 3), dtype=int64
    """
    import torch

    from ...compat.torch import make_generator
    from .corruption import UniformCorruption

    triples = torch.as_tensor(np.concatenate([model.triples_, idx_pos]))
    sampler = UniformCorruption(side="s,o", filter_positives=True).fit(
        triples, len(model.entities_), len(model.relations_))
    p = torch.as_tensor(idx_pos)
    nh, nt = sampler.sample(p[:, 0], p[:, 1], p[:, 2], model.eta, make_generator(model._seed + 1))
    return torch.stack([nh.ravel(), p[:, 1].repeat_interleave(model.eta), nt.ravel()], 1).numpy()


def platt_weights(n_pos, n_neg, positive_base_rate=None):
    """Sample weights of positives and negatives, averaging 1.

    With ``positive_base_rate`` the positives carry that share of the total
    weight; without it every triple weighs 1.
    """
    if positive_base_rate is None:
        return np.ones(n_pos), np.ones(n_neg)
    total = n_pos + n_neg
    return (np.full(n_pos, positive_base_rate * total / n_pos),
            np.full(n_neg, (1 - positive_base_rate) * total / n_neg))


def fit_platt(scores_pos, scores_neg, positive_base_rate=None):
    """Fit ``p = sigmoid(a * score + b)`` to positive and negative scores.

    Parameters
    ----------
    scores_pos, scores_neg : array-like of shape (n_pos,), (n_neg,)
    positive_base_rate : float in (0, 1), default=None
        Share of positives to calibrate for; ``None`` uses the share in the data.

    Returns
    -------
    a, b : float
        Slope and intercept.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.kge.calibration import fit_platt
    >>> rng = np.random.RandomState(0)
    >>> a, b = fit_platt(rng.normal(2, 1, 500), rng.normal(-2, 1, 500))
    >>> bool(a > 0)
    True
    """
    pos = np.asarray(scores_pos, dtype=np.float64)
    neg = np.asarray(scores_neg, dtype=np.float64)
    if pos.size == 0 or neg.size == 0:
        raise ValueError("Calibration needs at least one positive and one negative triple.")
    w_pos, w_neg = platt_weights(pos.size, neg.size, positive_base_rate)
    s = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(pos.size), np.zeros(neg.size)])
    w = np.concatenate([w_pos, w_neg])
    mu, sd = s.mean(), s.std() or 1.0
    z = (s - mu) / sd

    def objective(theta):
        logit = theta[0] * z + theta[1]
        loss = -(w * (y * log_expit(logit) + (1 - y) * log_expit(-logit))).sum()
        g = w * (expit(logit) - y)
        return loss / w.sum(), np.array([(g * z).sum(), g.sum()]) / w.sum()

    theta = minimize(objective, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B").x
    a = theta[0] / sd
    return float(a), float(theta[1] - a * mu)
