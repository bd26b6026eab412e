"""Early stopping: the EarlyStopping object and its use in fit."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import ComplEx, TransE  # noqa: E402
from skbridge.estimators.kge.early_stopping import (  # noqa: E402
    EARLY_STOPPING_DEFAULTS,
    EarlyStopping,
    early_stopping_params,
)


def test_early_stopping_restores_best(nations):
    model = ComplEx(k=16, eta=5, epochs=40, optimizer_params={"lr": 0.05}, early_stopping=True,
                    early_stopping_params={"burn_in": 2, "check_interval": 2, "patience": 2},
                    random_state=0)
    model.fit(nations.train, X_valid=nations.valid)
    epochs, scores = zip(*model.validation_scores_)
    assert epochs[0] == 2 and model.best_epoch_ == epochs[int(np.argmax(scores))]
    assert model.n_epochs_ <= 40
    # without X_valid, a validation fraction is held out of X
    auto = TransE(k=8, epochs=3, early_stopping=True,
                  early_stopping_params={"burn_in": 1, "check_interval": 1},
                  random_state=0).fit(nations.train)
    assert len(auto.validation_scores_) >= 1 and len(auto.triples_) < len(nations.train)
    with pytest.raises(ValueError, match="Unknown early_stopping_params"):
        TransE(epochs=1, early_stopping=True, early_stopping_params={"nope": 1}).fit(nations.train)


def test_checks_after_burn_in_every_interval():
    stopper = EarlyStopping(burn_in=5, check_interval=3)
    assert [e for e in range(15) if stopper.should_check(e)] == [5, 8, 11, 14]


def test_step_keeps_the_best_weights_and_stops_after_patience():
    module = torch.nn.Linear(2, 1)
    stopper = EarlyStopping(burn_in=0, check_interval=1, patience=2)
    assert (stopper.best_score, stopper.best_epoch, stopper.best_weights) == (-np.inf, None, None)
    assert stopper.step(0.5, 1, module) is False
    with torch.no_grad():
        module.weight.add_(1.0)
    assert stopper.step(0.4, 2, module) is False and stopper.n_bad_checks == 1
    assert stopper.step(0.6, 3, module) is False and stopper.n_bad_checks == 0
    assert stopper.best_epoch == 3
    best = {k: v.clone() for k, v in module.state_dict().items()}
    with torch.no_grad():
        module.weight.add_(1.0)
    assert stopper.step(0.6, 4, module) is False  # a tie is no improvement
    assert stopper.step(0.1, 5, module) is True
    assert stopper.restore(module)
    torch.testing.assert_close(module.state_dict()["weight"], best["weight"])
    assert not EarlyStopping(restore_best=False).restore(module)
    assert not EarlyStopping().restore(module)  # no check ran


def test_params_are_completed_and_checked():
    assert early_stopping_params(None) == EARLY_STOPPING_DEFAULTS
    assert early_stopping_params({"patience": 1})["patience"] == 1
    with pytest.raises(ValueError, match=r"Unknown early_stopping_params \['nope'\]"):
        early_stopping_params({"nope": 1})
