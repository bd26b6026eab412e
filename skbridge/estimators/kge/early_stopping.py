"""Early stopping on a validation score, as an object with plain state.

:class:`EarlyStopping` decides when checks happen (after ``burn_in`` epochs,
every ``check_interval`` epochs), remembers the best score, its epoch and a
copy of the module's weights, and says when to stop (``patience`` checks in a
row without improvement). The training loop computes the score (for the KGE
models the filtered validation MRR, in
:meth:`~skbridge.estimators.kge.training.TrainingLoopMixin.validation_step`)
and calls :meth:`EarlyStopping.step`; nothing here knows about triples.
"""

import math

__all__ = ["EARLY_STOPPING_DEFAULTS", "EarlyStopping", "early_stopping_params"]

EARLY_STOPPING_DEFAULTS = {
    "burn_in": 100,
    "check_interval": 10,
    "patience": 3,
    "corrupt_side": "s,o",
    "validation_fraction": 0.1,
    "restore_best": True,
}
"""Defaults of the KGE models' ``early_stopping_params`` (AmpliGraph's)."""


def early_stopping_params(params):
    """``early_stopping_params`` completed with the defaults.

    Parameters
    ----------
    params : dict or None
        The user's ``early_stopping_params``.

    Returns
    -------
    params : dict
        Every key of :data:`EARLY_STOPPING_DEFAULTS`.

    Raises
    ------
    ValueError
        For a key that is not one of the defaults' (the message lists them).
    """
    merged = {**EARLY_STOPPING_DEFAULTS, **(params or {})}
    unknown = set(merged) - set(EARLY_STOPPING_DEFAULTS)
    if unknown:
        raise ValueError(
            f"Unknown early_stopping_params {sorted(unknown)}; known: "
            f"{sorted(EARLY_STOPPING_DEFAULTS)}."
        )
    return merged


class EarlyStopping:
    """Stop training when a validation score (higher = better) stops improving.

    Parameters
    ----------
    burn_in : int, default=100
        Epochs before the first check.
    check_interval : int, default=10
        Epochs between two checks.
    patience : int, default=3
        Checks in a row without improvement after which training stops.
    restore_best : bool, default=True
        Whether :meth:`restore` loads the best weights back into the module.

    Attributes
    ----------
    best_score : float
        Best score so far (``-inf`` before the first check).
    best_epoch : int or None
        Epoch of the best score.
    best_weights : dict or None
        Copy of the module's ``state_dict()`` at the best epoch.
    n_bad_checks : int
        Checks in a row without improvement.

    Examples
    --------
    >>> import torch
    >>> from skbridge.estimators.kge.early_stopping import EarlyStopping
    >>> module = torch.nn.Linear(1, 1)
    >>> stopper = EarlyStopping(burn_in=0, check_interval=1, patience=2)
    >>> [stopper.step(score, epoch, module) for epoch, score in enumerate([0.1, 0.3, 0.2, 0.2])]
    [False, False, False, True]
    >>> stopper.best_score, stopper.best_epoch
    (0.3, 1)
    """

    def __init__(self, *, burn_in=100, check_interval=10, patience=3, restore_best=True):
        self.burn_in = burn_in
        self.check_interval = check_interval
        self.patience = patience
        self.restore_best = restore_best
        self.best_score = -math.inf
        self.best_epoch = None
        self.best_weights = None
        self.n_bad_checks = 0

    def __repr__(self):
        return (
            f"EarlyStopping(burn_in={self.burn_in}, check_interval={self.check_interval}, "
            f"patience={self.patience}, best_score={self.best_score}, "
            f"best_epoch={self.best_epoch})"
        )

    def should_check(self, epoch):
        """Whether the score is to be computed after ``epoch`` epochs."""
        return epoch >= self.burn_in and (epoch - self.burn_in) % self.check_interval == 0

    def step(self, score, epoch, module):
        """Record the score of a check; return whether training should stop.

        Parameters
        ----------
        score : float
            Validation score after ``epoch`` epochs (higher = better).
        epoch : int
            Epochs run so far.
        module : torch.nn.Module
            Its weights are copied when ``score`` is the best so far.

        Returns
        -------
        stop : bool
            True once ``patience`` checks in a row did not improve.
        """
        if score > self.best_score:
            self.best_score = score
            self.best_epoch = epoch
            self.best_weights = {
                key: value.detach().clone() for key, value in module.state_dict().items()
            }
            self.n_bad_checks = 0
            return False
        self.n_bad_checks += 1
        return self.n_bad_checks >= self.patience

    def restore(self, module):
        """Load the best weights into ``module`` (if ``restore_best`` and a check ran).

        Returns
        -------
        restored : bool
            Whether weights were loaded.
        """
        if not self.restore_best or self.best_weights is None:
            return False
        module.load_state_dict(self.best_weights)
        return True
