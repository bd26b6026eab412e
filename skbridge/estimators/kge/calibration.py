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

__all__ = ["fit_platt", "platt_weights"]


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
