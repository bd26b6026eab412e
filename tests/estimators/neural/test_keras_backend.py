"""The Keras backend and builders: training, state, resume, parity with the torch side."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skbridge.compat.keras import keras3, tensorflow
from skbridge.estimators.neural._checkpoint import read_checkpoint, write_checkpoint
from skbridge.estimators.neural._data import DatasetView
from skbridge.estimators.neural._keras_backend import (
    KERAS_LOSSES,
    KERAS_OPTIMIZERS,
    KerasBackend,
    make_loss,
    make_optimizer,
)
from skbridge.estimators.neural._keras_modules import KERAS_MODULES, make_model
from skbridge.estimators.neural._tasks import ClassificationTask, RegressionTask

try:
    keras = keras3()
except ImportError:  # the nn extra is not installed
    pytest.skip("Keras 3 on TensorFlow is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype(np.float32)
    task = ClassificationTask()
    codes, _ = task.prepare_y(y)
    return X, codes, task


def _backend(task, input_shape=(64,), n_outputs=10, seed=0, **params):
    from skbridge.estimators.neural import NeuralNetClassifier

    params = NeuralNetClassifier(backend="keras", **params).get_params(deep=False)
    return KerasBackend(params).build(input_shape, n_outputs, task, seed)


def _train(backend, X, y, epochs, start=0, seed=0, batch_size=32):
    for epoch in range(start, epochs):
        backend.set_lr(2e-3 * 0.8**epoch)  # as the loop's LR schedules do
        backend.train_epoch(X, y, batch_size, np.random.default_rng([seed, epoch]))
    return backend


# -- training, state, resume ---------------------------------------------------------------

def test_mlp_learns_digits(digits):
    X, y, task = digits
    order = np.random.default_rng(0).permutation(len(X))
    X, y = X[order], y[order]
    backend = _backend(task, learning_rate=3e-3, module_params={"hidden_units": 64})
    first = backend.train_epoch(X[:1400], y[:1400], 32, np.random.default_rng(0))
    for epoch in range(1, 8):
        last = backend.train_epoch(X[:1400], y[:1400], 32, np.random.default_rng(epoch))
    assert last["loss"] < first["loss"]
    scores = backend.evaluate(X[1400:], y[1400:], 32)
    assert set(scores) == {"loss", "accuracy"}
    assert scores["accuracy"] >= 0.93
    raw = backend.predict_raw(X[1400:], 32)
    assert raw.dtype == np.float32 and raw.shape == (len(X) - 1400, 10)
    assert task.metric(y[1400:], raw) == scores["accuracy"]
    assert backend.model is backend.module and isinstance(backend.model, keras.Model)


def test_same_seed_same_network(digits):
    X, y, task = digits
    a = _train(_backend(task, seed=3, module_params={"dropout": 0.3}), X, y, 2)
    b = _train(_backend(task, seed=3, module_params={"dropout": 0.3}), X, y, 2)
    c = _backend(task, seed=4, module_params={"dropout": 0.3})
    assert np.array_equal(a.predict_raw(X, 64), b.predict_raw(X, 64))
    assert not np.array_equal(_backend(task, seed=3).model.get_weights()[0],
                              c.model.get_weights()[0])


def test_state_round_trip_through_a_checkpoint_file(digits, tmp_path):
    X, y, task = digits
    params = {"module_params": {"batch_norm": True}, "optimizer": "adamw"}
    trained = _train(_backend(task, **params), X, y, 2)
    state = trained.get_state()
    assert set(state) == {"weights", "optimizer"}
    arrays = [*state["weights"].values(), *state["optimizer"]["variables"].values()]
    assert all(isinstance(a, np.ndarray) for a in arrays)
    write_checkpoint(tmp_path / "s.skbckpt", state, {"epoch": 2})
    loaded, _ = read_checkpoint(tmp_path / "s.skbckpt")  # allow_pickle=False
    fresh = _backend(task, seed=9, **params)
    fresh.set_state(loaded)
    assert np.array_equal(trained.predict_raw(X, 64), fresh.predict_raw(X, 64))
    assert fresh.current_lr() == pytest.approx(trained.current_lr())
    # the optimizer state came back too: one more epoch stays identical
    for backend in (trained, fresh):
        backend.train_epoch(X, y, 32, np.random.default_rng(5))
    assert np.array_equal(trained.predict_raw(X, 64), fresh.predict_raw(X, 64))


def test_resume_equals_an_uninterrupted_run(digits):
    # dropout (reseeded per epoch) and batch norm (moving statistics) included
    X, y, task = digits
    params = {"module_params": {"dropout": 0.2, "batch_norm": True}}
    straight = _train(_backend(task, **params), X, y, 6)
    state = _train(_backend(task, **params), X, y, 3).get_state()
    resumed = _backend(task, seed=0, **params)
    resumed.set_state(state)
    _train(resumed, X, y, 6, start=3)
    assert np.array_equal(straight.predict_raw(X, 64), resumed.predict_raw(X, 64))


def test_set_state_from_another_network_is_a_clear_error(digits):
    _, _, task = digits
    state = _backend(task, module_params={"hidden_units": 8}).get_state()
    other = _backend(task, module_params={"hidden_units": 9})
    with pytest.raises(ValueError, match="another network"):
        other.set_state(state)
    with pytest.raises(ValueError, match="another network"):
        _backend(task, module_params={"hidden_units": (8, 8)}).set_state(state)


def test_learning_rate(digits):
    _, _, task = digits
    backend = _backend(task, learning_rate=0.05, optimizer="sgd")
    assert backend.current_lr() == pytest.approx(0.05)
    backend.set_lr(0.01)
    assert backend.current_lr() == pytest.approx(0.01)


def test_streaming_dataset_trains_like_the_arrays(digits):
    X, y, task = digits
    images = X.reshape(-1, 8, 8, 1)

    class Dataset:
        targets, image_shape = y, (8, 8, 1)

        def __len__(self):
            return len(images)

        def load(self, indices):
            return images[indices], y[indices]

    stream = DatasetView(Dataset(), np.arange(len(images)), (8, 8, 1))
    params = {"module": "lenet5", "module_params": {"dropout": 0.1}}
    a = _train(_backend(task, (8, 8, 1), **params), images, y, 2)
    b = _train(_backend(task, (8, 8, 1), **params), stream, y, 2)
    assert np.array_equal(a.predict_raw(images, 64), b.predict_raw(images, 64))
    assert b.evaluate(stream, y, 64) == pytest.approx(a.evaluate(images, y, 64))


def test_regression_losses_train(digits):
    X, _, _ = digits
    rng = np.random.default_rng(0)
    coef = rng.normal(size=(64, 2)).astype(np.float32)
    y = (X @ coef).astype(np.float32)
    for loss in ("mse", "huber", "mae"):
        task = RegressionTask()
        codes, info = task.prepare_y(y)
        backend = _backend(task, n_outputs=2, loss=loss, learning_rate=1e-2)
        for epoch in range(10):
            backend.train_epoch(X, codes, 64, np.random.default_rng(epoch))
        assert backend.evaluate(X, codes, 64)["r2"] > 0.8, loss


@pytest.mark.skipif(bool(tensorflow().config.list_physical_devices("GPU")),
                    reason="a GPU is present")
def test_cuda_without_a_gpu(digits):
    with pytest.raises(ValueError, match="device='cpu'"):
        _backend(digits[2], device="cuda")


# -- optimizers and losses -------------------------------------------------------------------

def test_optimizers_take_torch_parameter_names():
    adam = make_optimizer("adam", 0.01, {"betas": (0.8, 0.9), "eps": 1e-6})
    assert (adam.beta_1, adam.beta_2, adam.epsilon) == (0.8, 0.9, 1e-6)
    assert make_optimizer("adam", 0.01).epsilon == 1e-8  # torch's default
    assert make_optimizer("rmsprop", 0.01, {"alpha": 0.5}).rho == 0.5
    assert make_optimizer("adamw", 0.01).weight_decay == 0.01
    assert make_optimizer("sgd", 0.1, {"momentum": 0.9, "nesterov": True}).nesterov
    assert make_optimizer(keras.optimizers.Adam, 0.01, {"beta_1": 0.7}).beta_1 == 0.7
    assert set(KERAS_OPTIMIZERS) == {"adam", "adamw", "sgd", "rmsprop", "adagrad"}
    with pytest.raises(ValueError, match="Bad optimizer_params"):
        make_optimizer("sgd", 0.1, {"bogus": 1})
    with pytest.raises(ValueError, match="Unknown keras optimizer 'lion'; choose one of"):
        make_optimizer("lion", 0.1)


def test_losses_match_torch():
    torch = pytest.importorskip("torch")
    from skbridge.estimators.neural._torch_backend import TORCH_LOSSES

    rng = np.random.default_rng(0)
    logits = rng.normal(size=(16, 5)).astype(np.float32)
    labels = rng.integers(0, 5, 16)
    target = rng.normal(size=(16, 5)).astype(np.float32) * 2
    binary = rng.integers(0, 2, (16, 5)).astype(np.float32)
    log_probs = torch.log_softmax(torch.from_numpy(logits), 1).numpy()
    cases = [
        ("cross_entropy", {}, logits, labels), ("cross_entropy", {"label_smoothing": 0.1},
                                                logits, labels),
        ("mse", {}, logits, target), ("mae", {}, logits, target),
        ("huber", {"delta": 0.5}, logits, target), ("smooth_l1", {"beta": 0.5}, logits, target),
        ("nll", {}, log_probs, labels), ("bce_with_logits", {}, logits, binary),
    ]
    for name, params, out, y in cases:
        ours = float(keras.ops.convert_to_numpy(make_loss(name, params)(y, out)))
        theirs = float(TORCH_LOSSES.make(name, params)(torch.from_numpy(out),
                                                       torch.from_numpy(y)))
        assert ours == pytest.approx(theirs, rel=1e-5), name
    assert "l1" in KERAS_LOSSES and "mae" in KERAS_LOSSES


# -- module builders -------------------------------------------------------------------------

def _creation_order(model, cls):
    """The model's layers of type ``cls`` in the order they were created (auto names)."""
    layers = [layer for layer in model.layers if type(layer) is cls]
    return sorted(layers, key=lambda layer: int(layer.name.rpartition("_")[2] or 0)
                  if layer.name.rpartition("_")[2].isdigit() else 0)


def _copy_torch_weights(torch_module, model):
    """Set the Keras model's weights from the torch module's, layer by layer."""
    torch_nn = pytest.importorskip("torch").nn
    layers = keras.layers
    flat = [layer.input.shape[1:] for layer in model.layers
            if isinstance(layer, layers.Flatten) and len(layer.input.shape) == 4]
    pairs = [(torch_nn.Conv2d, layers.Conv2D), (torch_nn.BatchNorm1d, layers.BatchNormalization),
             (torch_nn.BatchNorm2d, layers.BatchNormalization), (torch_nn.Linear, layers.Dense)]
    done = set()
    for torch_cls, keras_cls in pairs:
        if keras_cls in done:
            continue
        done.add(keras_cls)
        ours = _creation_order(model, keras_cls)
        theirs = [m for m in torch_module.modules()
                  if isinstance(m, (torch_nn.BatchNorm1d, torch_nn.BatchNorm2d)
                                if keras_cls is layers.BatchNormalization else torch_cls)]
        assert len(ours) == len(theirs), keras_cls
        for layer, module in zip(ours, theirs):
            arrays = {k: v.detach().numpy() for k, v in module.state_dict().items()}
            if keras_cls is layers.BatchNormalization:
                values = [arrays[k] for k in ("weight", "bias", "running_mean", "running_var")]
            else:
                kernel = arrays["weight"]
                if kernel.ndim == 4:
                    kernel = kernel.transpose(2, 3, 1, 0)
                else:
                    if flat and flat[0][2] > 1:  # torch flattens (c, h, w), Keras (h, w, c)
                        h, w, c = flat[0]
                        kernel = kernel.reshape(-1, c, h, w).transpose(0, 2, 3, 1)
                        kernel = kernel.reshape(len(kernel), -1)
                    flat = []
                    kernel = kernel.T
                values = [kernel] + ([arrays["bias"]] if "bias" in arrays else [])
            layer.set_weights(values)


@pytest.mark.parametrize("name,shape,params", [
    ("mlp", (64,), {"hidden_units": (16, 8), "activation": "tanh"}),
    ("mlp", (8, 8, 1), {"batch_norm": True}),
    ("lenet5", (8, 8, 1), {}),
    ("lenet5", (28, 28, 1), {"activation": "tanh"}),
    ("lenet5", (12, 12, 3), {}),
    ("vgg_small", (8, 8, 1), {"channels": (8, 16)}),
    ("resnet_small", (9, 9, 2), {"channels": (8, 16, 16), "blocks_per_stage": 2}),
])
def test_builders_compute_what_the_torch_modules_compute(name, shape, params):
    torch = pytest.importorskip("torch")
    from skbridge.estimators.neural._torch_modules import TORCH_MODULES

    torch.manual_seed(0)
    torch_module = TORCH_MODULES.make(name, params, input_shape=shape, n_outputs=3).eval()
    with torch.no_grad():  # non-trivial batch-norm statistics
        for buffer_name, buffer in torch_module.named_buffers():
            if buffer_name.endswith(("running_mean", "running_var")):
                buffer.copy_(torch.rand(buffer.shape) + 0.5)
    model = make_model(name, shape, 3, params)
    _copy_torch_weights(torch_module, model)
    X = np.random.default_rng(0).random((4, *shape), dtype=np.float32)
    Xt = torch.from_numpy(X).permute(0, 3, 1, 2) if len(shape) == 3 else torch.from_numpy(X)
    with torch.no_grad():
        expected = torch_module(Xt.contiguous()).numpy()
    np.testing.assert_allclose(model.predict_on_batch(X), expected, rtol=1e-4, atol=1e-5)


def test_every_builder_adapts_to_the_image_size():
    for shape in ((8, 8, 1), (28, 28, 1), (5, 7, 3)):
        for name in KERAS_MODULES:
            if name.replace("_", "") in ("unet", "fcnsmall", "centernetsmall"):
                continue  # maps, not vectors: tests/estimators/neural/test_keras_dense.py
            model = KERAS_MODULES.make(name, None, shape, 4)
            assert model.output_shape == (None, 4), (name, shape)


def test_conv_net_on_flat_input_names_the_fix():
    with pytest.raises(ValueError, match=r"lenet5 needs images \(n, h, w\[, c\]\); got shape "
                                         r"\(n, 64\)\. Reshape with X\.reshape\(-1, h, w\), "
                                         r"e\.g\. X\.reshape\(-1, 8, 8\) or use module='mlp'"):
        make_model("lenet5", (64,), 10)
    with pytest.raises(ValueError, match="Unknown keras module 'lenet'; choose one of"):
        make_model("lenet", (8, 8, 1), 10)
    with pytest.raises(ValueError, match="Bad parameters"):
        make_model("mlp", (8,), 2, {"depth": 3})


def test_user_model_function_and_model_instance(digits):
    X, y, task = digits

    def build(input_shape, n_outputs, width=8):
        inputs = keras.Input(input_shape)
        hidden = keras.layers.Dense(width, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(n_outputs)(hidden))

    backend = _backend(task, module=build, module_params={"width": 12})
    assert backend.model.layers[1].units == 12
    backend.train_epoch(X, y, 64, np.random.default_rng(0))
    given = build((64,), 10)
    copied = make_model(given, (64,), 10)
    assert copied is not given
    assert all(np.array_equal(a, b) for a, b in zip(copied.get_weights(), given.get_weights()))
    with pytest.raises(TypeError, match="not a keras.Model"):
        make_model(lambda input_shape, n_outputs: "nope", (64,), 10)
    with pytest.raises(TypeError, match="On the Keras backend"):
        make_model(3, (64,), 10)


# -- the estimators on the Keras backend -------------------------------------------------------

LENET = {"module": "lenet5", "module_params": {"channels": (16, 32)}, "epochs": 20,
         "batch_size": 32, "learning_rate": 5e-3, "lr_schedule": "cosine", "random_state": 0}


@pytest.fixture(scope="module")
def digit_images():
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X.reshape(-1, 8, 8) / 16.0, y, test_size=0.25, random_state=0,
                            stratify=y)


def _net(**params):
    from skbridge.estimators.neural import NeuralNetClassifier

    defaults = {"backend": "keras", "module_params": {"hidden_units": (32,)}, "epochs": 4,
                "batch_size": 32, "learning_rate": 3e-3, "random_state": 0}
    return NeuralNetClassifier(**{**defaults, **params})


def test_lenet5_digits_keras(digit_images):
    Xtr, Xte, ytr, yte = digit_images
    net = _net(**LENET).fit(Xtr, ytr)
    assert isinstance(net.model_, keras.Model) and net.input_shape_ == (8, 8, 1)
    assert net.score(Xte, yte) >= 0.97


@pytest.mark.slow
def test_lenet5_digits_keras_and_torch_agree(digit_images):
    pytest.importorskip("torch")
    Xtr, Xte, ytr, yte = digit_images
    scores = {backend: _net(**LENET, backend=backend).fit(Xtr, ytr).score(Xte, yte)
              for backend in ("keras", "torch")}
    assert min(scores.values()) >= 0.97, scores
    assert abs(scores["keras"] - scores["torch"]) <= 0.015, scores


def test_regression_r2():
    from sklearn.datasets import make_friedman1
    from sklearn.model_selection import train_test_split

    from skbridge.estimators.neural import NeuralNetRegressor

    X, y = make_friedman1(n_samples=1000, noise=0.3, random_state=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    net = NeuralNetRegressor(backend="keras", module_params={"hidden_units": (64, 64)},
                             epochs=60, batch_size=32, learning_rate=3e-3, random_state=0)
    assert net.fit(Xtr, ytr).score(Xte, yte) >= 0.9
    assert net.predict(Xte).shape == (len(Xte),)


def test_resume_from_a_checkpoint_equals_an_uninterrupted_run(digits, tmp_path):
    X, y, _ = digits
    params = {"module_params": {"hidden_units": (32,), "dropout": 0.2}, "epochs": 6,
              "validation_fraction": 0.2, "lr_schedule": "step",
              "lr_schedule_params": {"step_size": 2, "gamma": 0.5}}
    straight = _net(**params).fit(X, y)
    _net(**{**params, "epochs": 3}, checkpoint=str(tmp_path)).fit(X, y)
    resumed = _net(**params, resume_from=str(tmp_path / "epoch_3.skbckpt")).fit(X, y)
    assert np.array_equal(straight.predict_proba(X), resumed.predict_proba(X))
    drop = {"dur"}
    assert ([{k: v for k, v in r.items() if k not in drop} for r in straight.history_]
            == [{k: v for k, v in r.items() if k not in drop} for r in resumed.history_])


def test_pickle_round_trip(digits):
    import pickle

    X, y, _ = digits
    net = _net(module_params={"hidden_units": (16,), "batch_norm": True}).fit(X, y)
    expected = net.predict_proba(X)
    loaded = pickle.loads(pickle.dumps(net))
    assert np.array_equal(loaded.predict_proba(X), expected)
    assert isinstance(loaded.model_, keras.Model)
    again = pickle.loads(pickle.dumps(loaded))
    assert np.array_equal(again.predict(X), net.predict(X))
    loaded.partial_fit(X, y)  # the optimizer state came back too
    assert len(loaded.history_) == len(net.history_) + 1


def _worker_probe():
    from skbridge.compat import keras as compat_keras

    compat_keras.keras3()
    return compat_keras.legacy_keras_in_effect()


@pytest.mark.slow
def test_grid_search_with_two_workers(digits):
    from joblib import Parallel, delayed
    from sklearn.base import is_classifier
    from sklearn.model_selection import GridSearchCV

    X, y, _ = digits
    net = _net(epochs=3)
    assert is_classifier(net)  # so that GridSearchCV uses stratified folds
    search = GridSearchCV(net, {"module__hidden_units": [(16,), (48,)]}, cv=3, n_jobs=2)
    search.fit(X[:900], y[:900])
    assert search.best_params_["module__hidden_units"] in [(16,), (48,)]
    assert search.best_score_ > 0.8
    assert search.best_estimator_.module_params == {
        "hidden_units": search.best_params_["module__hidden_units"]}
    # each worker imported TensorFlow with tf-keras routing (larq would work there too)
    assert all(Parallel(n_jobs=2)(delayed(_worker_probe)() for _ in range(4)))


def test_fit_leaves_the_global_random_state_alone_and_is_reproducible(digits):
    import random

    tf = tensorflow()
    X, y, _ = digits
    random.seed(1)
    np.random.seed(1)
    tf.random.set_seed(1)
    expected = (random.random(), np.random.rand(), tf.random.uniform([2]).numpy())
    random.seed(1)
    np.random.seed(1)
    tf.random.set_seed(1)
    a = _net(epochs=1, module_params={"hidden_units": (8,), "dropout": 0.2}).fit(X, y)
    found = (random.random(), np.random.rand(), tf.random.uniform([2]).numpy())
    assert found[:2] == expected[:2]
    np.testing.assert_array_equal(found[2], expected[2])
    b = _net(epochs=1, module_params={"hidden_units": (8,), "dropout": 0.2}).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_validation_loss_of_a_per_sample_user_loss(digits):
    from skbridge.estimators.neural import NeuralNetRegressor

    X, _, _ = digits
    target = X[:, :2] @ np.array([[1.0], [-1.0]], dtype=np.float32)

    def squared(y_true, y_pred):  # one loss per sample, as Keras losses may be written
        return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    net = NeuralNetRegressor(backend="keras", loss=squared, epochs=2, batch_size=64,
                             validation_fraction=0.2, random_state=0).fit(X, target)
    valid = net.history_[-1]["valid_loss"]
    assert np.isfinite(valid) and valid >= 0
    X_valid, y_valid = X[:100], target[:100]
    scores = net._backend.evaluate(X_valid, y_valid.astype(np.float32), 64)
    expected = np.mean((net._backend.predict_raw(X_valid, 64) - y_valid) ** 2)
    assert scores["loss"] == pytest.approx(float(expected), rel=1e-5)
