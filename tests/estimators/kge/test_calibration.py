"""Calibration: Platt scaling beats the uncalibrated sigmoid of the scores."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import TransE  # noqa: E402
from skbridge.estimators.kge.calibration import fit_platt, platt_weights  # noqa: E402


def test_calibration_beats_uncalibrated_sigmoid(umls):
    model = TransE(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.005},
                   random_state=0).fit(umls.train)
    assert not hasattr(model, "predict_proba")  # not calibrated yet
    with pytest.raises(AttributeError) as info:
        model.predict_proba(umls.test)
    assert "calibrate" in str(info.value.__cause__)
    model.calibrate(umls.valid, positive_base_rate=0.5)
    # held-out positives and as many corruptions (known triples filtered out)
    rng = np.random.RandomState(0)
    known = {tuple(t) for t in np.concatenate([umls.train, umls.valid, umls.test]).tolist()}
    neg = umls.test.copy()
    neg[:, 2] = rng.choice(model.entities_, len(neg))
    neg = neg[[tuple(t) not in known for t in neg.tolist()]]
    X = np.concatenate([umls.test, neg])
    y = np.r_[np.ones(len(umls.test)), np.zeros(len(neg))]
    proba = model.predict_proba(X)
    raw = 1 / (1 + np.exp(-model.predict(X)))
    brier, brier_raw = np.mean((proba - y) ** 2), np.mean((raw - y) ** 2)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert brier < brier_raw and brier < 0.15
    # explicit negatives, no base rate
    model.calibrate(umls.valid, X_neg=neg[:300])
    assert np.mean((model.predict_proba(X) - y) ** 2) < brier_raw
    assert model.predict_proba(umls.test[42]).shape == (1,)  # the seed's single triple
    with pytest.raises(ValueError, match="positive_base_rate"):
        model.calibrate(umls.valid)


def test_platt_weights_give_the_base_rate():
    w_pos, w_neg = platt_weights(10, 30, positive_base_rate=0.5)
    assert w_pos.sum() == pytest.approx(w_neg.sum())
    assert (w_pos.sum() + w_neg.sum()) == pytest.approx(40)
    a, b = fit_platt([2.0, 3.0, 1.0], [-1.0, -2.0, 0.5])
    assert a > 0


def test_corrupted_negatives_are_unknown_triples(small_model, nations):
    from skbridge.estimators.kge._encoding import TripleEncoder
    from skbridge.estimators.kge.calibration import corrupted_negatives

    idx_pos, _ = TripleEncoder.of(small_model).encode(nations.valid.astype(str))
    negatives = corrupted_negatives(small_model, idx_pos)
    assert negatives.shape == (small_model.eta * len(idx_pos), 3)
    known = {tuple(t) for t in np.concatenate([small_model.triples_, idx_pos]).tolist()}
    # drawn again up to ten times when known (Nations is dense: a few stay known)
    share_known = np.mean([tuple(t) in known for t in negatives.tolist()])
    assert share_known < 0.02, share_known
    np.testing.assert_array_equal(negatives[:, 1], np.repeat(idx_pos[:, 1], small_model.eta))
    np.testing.assert_array_equal(negatives, corrupted_negatives(small_model, idx_pos))
