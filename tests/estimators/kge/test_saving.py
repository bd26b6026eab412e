"""save_model / restore_model: a skops file (no pickle), the same scores after the round trip."""

import zipfile

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skops")

from sklearn.preprocessing import StandardScaler  # noqa: E402

from skbridge.compat.skops import untrusted_types  # noqa: E402
from skbridge.estimators.kge import (  # noqa: E402
    ConvE,
    ScoringBasedEmbeddingModel,
    TransE,
    restore_model,
    save_model,
)


def test_round_trip_of_the_ampligraph2_model(nations, tmp_path):
    model = ScoringBasedEmbeddingModel(eta=3, k=8, scoring_type="ComplEx", seed=0)
    model.compile(optimizer="adagrad", loss="pairwise", loss_params={"margin": 2.0},
                  entity_relation_regularizer="l2")
    model.fit(nations.train, batch_size=256, epochs=3, verbose=False)
    model.calibrate(nations.valid, positive_base_rate=0.5)
    path = tmp_path / "model.pkl"  # AmpliGraph's extension; the content is a skops zip
    save_model(model, path)
    assert zipfile.is_zipfile(path) and untrusted_types(path) == []
    restored = restore_model(path)
    assert type(restored) is ScoringBasedEmbeddingModel
    assert restored.is_fitted and restored.is_calibrated and restored.scoring_type == "ComplEx"
    np.testing.assert_array_equal(restored.predict(nations.test), model.predict(nations.test))
    np.testing.assert_array_equal(restored.predict_proba(nations.test),
                                  model.predict_proba(nations.test))
    np.testing.assert_array_equal(restored.evaluate(nations.test, use_filter=True),
                                  model.evaluate(nations.test, use_filter=True))
    # training resumes from the saved optimizer state, as if never interrupted
    restored.fit(nations.train, batch_size=256, epochs=2, verbose=False)
    model.fit(nations.train, batch_size=256, epochs=2, verbose=False)
    np.testing.assert_array_equal(restored.predict(nations.test), model.predict(nations.test))


@pytest.mark.parametrize("Model, params", [(TransE, {}), (ConvE, {"scoring_params":
                                                                {"n_filters": 2}})])
def test_round_trip_of_the_estimators(nations, tmp_path, Model, params):
    model = Model(k=8, epochs=2, random_state=0, **params).fit(nations.train,
                                                                X_valid=nations.valid)
    save_model(model, tmp_path / "model.skops")
    restored = restore_model(tmp_path / "model.skops")
    assert type(restored) is Model
    assert restored.score(nations.test) == model.score(nations.test)
    np.testing.assert_array_equal(restored.valid_triples_, model.valid_triples_)


def test_bad_arguments(nations, tmp_path):
    model = TransE(k=4, epochs=1, random_state=0).fit(nations.train)
    with pytest.raises(ValueError, match="needs model_name_path"):
        save_model(model)
    with pytest.raises(ValueError, match="needs model_name_path"):
        restore_model()
    with pytest.raises(TypeError, match="saves a KGE model"):
        save_model(StandardScaler().fit([[0.0], [1.0]]), tmp_path / "scaler.skops")
    unfitted = ScoringBasedEmbeddingModel(eta=2, k=4, scoring_type="TransE")
    with pytest.raises(Exception, match="not fitted"):
        save_model(unfitted, tmp_path / "unfitted.skops")
    with pytest.raises(TypeError, match="file path"):
        save_model(model, 3)
