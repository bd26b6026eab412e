"""Losses: the registry, and every loss trains."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import DistMult  # noqa: E402
from skbridge.estimators.kge.losses import loss_registry  # noqa: E402


def test_registry_builds_every_key():
    for key in loss_registry.options:
        loss_registry.make(key)
    with pytest.raises(ValueError, match="Unknown loss 'nope'"):
        loss_registry.make("nope")


@pytest.mark.parametrize("loss", loss_registry.options)
def test_every_loss_trains(nations, loss):
    model = DistMult(k=16, eta=3, epochs=3, loss=loss, regularizer="LP",
                     regularizer_params={"p": 3, "lambda": 1e-4}, random_state=0)
    model.fit(nations.train)
    assert len(model.history_) == 3 and np.isfinite(model.history_).all()


def test_get_is_ampligraphs_loss_functions_get():
    from skbridge.estimators.kge.losses import PairwiseLoss, get

    loss = get("pairwise", {"margin": 0.5})
    assert isinstance(loss, PairwiseLoss) and loss.margin == 0.5
    assert get(loss) is loss
    with pytest.raises(ValueError, match="Unknown loss 'hinge'"):
        get("hinge")
    with pytest.raises(ValueError, match="Bad parameters"):
        get("nll", {"margin": 1.0})
