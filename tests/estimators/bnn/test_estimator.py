"""BinaryNetClassifier: quality on digits, engines, pickling, search, partial fits, errors."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

bnn = pytest.importorskip("skbridge.estimators.bnn")  # before larq: TF_USE_LEGACY_KERAS
larq = pytest.importorskip("larq")
BinaryNetClassifier = bnn.BinaryNetClassifier

TINY = {"hidden_units": (32,), "epochs": 2, "batch_size": 32, "random_state": 0}


def test_binary_mlp_and_convnet_learn_digits(digits, fitted_mlp, fitted_convnet):
    _, X_test, _, y_test = digits
    assert fitted_mlp.score(X_test, y_test) >= 0.93
    assert fitted_convnet.score(X_test.reshape(-1, 8, 8), y_test) >= 0.97
    assert fitted_mlp.n_features_in_ == 64 and fitted_mlp.input_shape_ == (64,)
    assert fitted_convnet.n_features_in_ == 64 and fitted_convnet.input_shape_ == (8, 8)
    np.testing.assert_array_equal(fitted_mlp.classes_, np.arange(10))
    assert [r["epoch"] for r in fitted_mlp.history_] == list(range(1, 11))
    assert fitted_mlp.history_[-1]["accuracy"] > fitted_mlp.history_[0]["accuracy"]
    rates = [record["lr"] for record in fitted_mlp.history_]  # the cosine decay
    assert rates[0] == pytest.approx(1e-2) and all(np.diff(rates) < 0) and rates[-1] < 1e-3


@pytest.mark.parametrize("inference", ["lce", "bitpacked"])
@pytest.mark.parametrize("which", ["fitted_mlp", "fitted_convnet"])
def test_engines_agree_with_keras(digits, request, which, inference):
    clf = request.getfixturevalue(which)
    X_test = digits[1] if which == "fitted_mlp" else digits[1].reshape(-1, 8, 8)
    model = clf.model_
    keras_proba = clf.set_params(inference="keras").predict_proba(X_test)
    proba = clf.set_params(inference=inference).predict_proba(X_test)
    try:
        assert clf.model_ is model  # switching engines did not refit
        agree = np.mean(proba.argmax(1) == keras_proba.argmax(1))
        assert agree >= 0.995
        assert proba.shape == keras_proba.shape and proba.dtype == np.float64
    finally:
        clf.set_params(inference="keras")


def test_export_lce_writes_the_cached_flatbuffer(tmp_path, digits, fitted_mlp):
    lce = pytest.importorskip("larq_compute_engine")
    path = fitted_mlp.export_lce(tmp_path / "digits.tflite")
    data = path.read_bytes()
    assert data == fitted_mlp._engine("lce").flatbuffer  # converted once, kept
    interpreter = lce.testing.Interpreter(data)
    X_test = digits[1][:50]
    got = np.asarray(interpreter.predict(X_test)).reshape(50, -1).argmax(1)
    np.testing.assert_array_equal(fitted_mlp.classes_[got],
                                  fitted_mlp.set_params(inference="keras").predict(X_test))


def test_pickle_round_trip_keeps_predictions_and_engines(digits, fitted_mlp):
    X_test = digits[1]
    before = {name: fitted_mlp.set_params(inference=name).predict_proba(X_test)
              for name in ("keras", "lce")}
    fitted_mlp.set_params(inference="keras")
    again = pickle.loads(pickle.dumps(fitted_mlp))
    assert "lce" in again._engines  # the flatbuffer travels; no new conversion
    for name, proba in before.items():
        np.testing.assert_allclose(again.set_params(inference=name).predict_proba(X_test),
                                   proba, rtol=1e-6, atol=1e-6)
    assert fitted_mlp.model_ is not None  # pickling left the original alone
    assert again.history_ == fitted_mlp.history_


def test_same_seed_same_model(digits):
    X_train, X_test, y_train, _ = digits
    a = BinaryNetClassifier(**TINY).fit(X_train, y_train).predict_proba(X_test)
    b = BinaryNetClassifier(**TINY).fit(X_train, y_train).predict_proba(X_test)
    np.testing.assert_array_equal(a, b)


def test_grid_search_in_two_worker_processes(digits):
    X_train, _, y_train, _ = digits
    search = GridSearchCV(
        BinaryNetClassifier(batch_size=64, random_state=0),
        {"hidden_units": [(16,), (32,)], "learning_rate": [1e-2], "epochs": [1, 2]},
        cv=2, n_jobs=2,
    ).fit(X_train[:600], y_train[:600])
    assert set(search.best_params_) == {"hidden_units", "learning_rate", "epochs"}
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.5


def test_partial_fit_and_warm_start(digits):
    X_train, X_test, y_train, y_test = digits
    clf = BinaryNetClassifier(**TINY)
    first = y_train < 5
    clf.partial_fit(X_train[first], y_train[first], classes=np.arange(10))
    clf.partial_fit(X_train[~first], y_train[~first])  # labels of `classes`, new to fit
    assert len(clf.history_) == 2
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    unseen = BinaryNetClassifier(**TINY).partial_fit(X_train[first], y_train[first])
    with pytest.raises(ValueError, match="not fitted with.*classes="):
        unseen.partial_fit(X_train[~first], y_train[~first])
    warm = BinaryNetClassifier(**TINY, warm_start=True).fit(X_train, y_train)
    model = warm.model_
    warm.fit(X_train, y_train)
    assert len(warm.history_) == 4 and warm.model_ is model
    assert [r["epoch"] for r in warm.history_] == [1, 2, 3, 4]


def test_validation_and_early_stopping(digits):
    X_train, _, y_train, _ = digits
    clf = BinaryNetClassifier(**{**TINY, "epochs": 30}, validation_fraction=0.2,
                              early_stopping=True, learning_rate=0.5).fit(X_train, y_train)
    assert {"val_loss", "val_accuracy"} <= set(clf.history_[0])
    assert len(clf.history_) < 30  # a too-large step stops improving; training stops


@pytest.mark.parametrize("params", [
    {"input_quantizer": "approx_sign"},
    {"input_quantizer": "swish_sign"},
    {"input_quantizer": "dorefa_quantizer", "kernel_quantizer": "dorefa_quantizer",
     "kernel_constraint": None},
    {"optimizer": "bop"},
    {"optimizer": "sgd", "lr_schedule": "constant"},
    {"architecture": "quicknet", "filters": (8,)},
    {"batch_norm": False},
    {"first_layer_binary": True},
    {"input_quantizer": None, "kernel_quantizer": None, "kernel_constraint": None},
])
def test_quantizer_and_structure_variants_train(digits, params):
    X_train, X_test, y_train, y_test = digits
    image = params.get("architecture") == "quicknet"
    shape = (-1, 8, 8) if image else (-1, 64)
    clf = BinaryNetClassifier(**{**TINY, "epochs": 3, **params})
    clf.fit(X_train.reshape(shape), y_train)
    assert clf.score(X_test.reshape(shape), y_test) > 0.5


def test_larq_quantizer_instances_are_accepted(digits):
    X_train, _, y_train, _ = digits
    quantizer = larq.quantizers.DoReFa(k_bit=2, mode="activations")
    clf = BinaryNetClassifier(**TINY, input_quantizer=quantizer).fit(X_train, y_train)
    layer = clf.model_.get_layer("classes")
    assert isinstance(layer.input_quantizer, larq.quantizers.DoReFa)
    assert clone(clf).input_quantizer is not quantizer  # cloned, not shared


def test_images_with_channels_and_float_twin_layout(digits):
    X_train, X_test, y_train, y_test = digits
    rgb = np.repeat(X_train.reshape(-1, 8, 8, 1), 3, axis=-1)
    clf = BinaryNetClassifier(architecture="convnet", **TINY).fit(rgb, y_train)
    assert clf.input_shape_ == (8, 8, 3) and clf.n_features_in_ == 192
    assert clf.predict(np.repeat(X_test.reshape(-1, 8, 8, 1), 3, axis=-1)).shape == y_test.shape


def test_custom_architecture_callable(digits):
    from skbridge.estimators.bnn import ARCHITECTURES

    X_train, _, y_train, _ = digits
    calls = []

    def build(input_shape, n_classes, **structure):
        calls.append((input_shape, n_classes, sorted(structure)))
        return ARCHITECTURES["mlp"](input_shape, n_classes, **structure)

    BinaryNetClassifier(architecture=build, **TINY).fit(X_train, y_train)
    assert calls[0][:2] == ((64,), 10)
    assert "normalization" in calls[0][2] and "hidden_units" in calls[0][2]


# -- errors --------------------------------------------------------------------------------


def test_wrong_shapes_for_a_fitted_model(digits, fitted_mlp, fitted_convnet):
    X_test = digits[1]
    with pytest.raises(ValueError, match=r"fitted on images of shape \(8, 8\).*reshape"):
        fitted_convnet.predict(X_test)
    with pytest.raises(ValueError, match=r"samples of shape \(16, 16\).*\(8, 8\)"):
        fitted_convnet.predict(np.zeros((2, 16, 16), np.float32))
    with pytest.raises(ValueError, match="64 features"):
        fitted_mlp.predict(X_test[:, :10])


def test_convnet_needs_images(digits):
    X_train, _, y_train, _ = digits
    with pytest.raises(ValueError, match=r"images.*X.reshape\(-1, 8, 8\)"):
        BinaryNetClassifier(architecture="convnet", **TINY).fit(X_train, y_train)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_refused(digits, fitted_mlp, bad):
    X_train, X_test, y_train, _ = digits
    X = X_train.copy()
    X[3, 5] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        BinaryNetClassifier(**TINY).fit(X, y_train)
    X = X_test[:5].copy()
    X[0, 0] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        fitted_mlp.predict(X)


def test_one_class_and_unknown_parts(digits):
    X_train, _, y_train, _ = digits
    with pytest.raises(ValueError, match="at least 2 classes.*only one class"):
        BinaryNetClassifier(**TINY).fit(X_train[:20], np.zeros(20))
    with pytest.raises(ValueError, match="Unknown input_quantizer 'sgn'.*ste_sign"):
        BinaryNetClassifier(**TINY, input_quantizer="sgn").fit(X_train, y_train)
    with pytest.raises(ValueError, match="Unknown architecture 'resnet'.*mlp"):
        BinaryNetClassifier(**TINY, architecture="resnet").fit(X_train, y_train)


def test_architecture_returning_a_keras3_model_is_refused(digits):
    keras = pytest.importorskip("keras")
    X_train, _, y_train, _ = digits

    def build(input_shape, n_classes, **structure):
        return keras.Sequential([keras.Input(input_shape), keras.layers.Dense(n_classes)])

    with pytest.raises(TypeError, match="tf_keras.Model.*Sequential"):
        BinaryNetClassifier(architecture=build, **TINY).fit(X_train, y_train)
    assert not hasattr(BinaryNetClassifier(**TINY), "model_")


def test_memory_report_and_summary(fitted_mlp):
    report = fitted_mlp.memory_report_
    assert report.index[-1] == "total"
    assert report.loc["dense_1", "params_binary"] == 512 * 512
    assert report.loc["dense_0", "params_float"] == 64 * 512  # the float first layer
    lines = []
    fitted_mlp.summary(print_fn=lines.append)
    assert any("Total" in line for line in lines)
    with pytest.raises(AttributeError, match="set by fit"):
        BinaryNetClassifier().memory_report_
