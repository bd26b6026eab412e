"""skbridge.compat.keras: Keras 3 and tf-keras/larq in one process, and the clear errors.

What TensorFlow does with ``TF_USE_LEGACY_KERAS`` is decided once per process,
so the tests that import TensorFlow in a given order run in a subprocess.
"""

import os
import random
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

from skbridge.compat import keras as compat_keras
from skbridge.compat.keras import KerasSetupError


def _run(code, *, unset=("TF_USE_LEGACY_KERAS",), timeout=240):
    """Run ``code`` in a fresh interpreter, without the variables in ``unset``."""
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
        env=env, timeout=timeout,
    )


def test_import_sets_the_variable_without_importing_tensorflow():
    result = _run("""
        import os, sys
        import skbridge.compat.keras
        import skbridge.estimators.neural._keras_backend
        print(os.environ["TF_USE_LEGACY_KERAS"], "tensorflow" in sys.modules,
              "keras" in sys.modules)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "False", "False"]


def test_keras3_then_larq_train_in_one_process():
    # The neural engine's Keras side first, the BNN stack after: both train.
    result = _run("""
        import numpy as np
        from skbridge.compat import keras as ck
        from skbridge.estimators.neural._keras_backend import KerasBackend
        from skbridge.estimators.neural._tasks import ClassificationTask

        rng = np.random.default_rng(0)
        X = rng.normal(size=(64, 8)).astype("float32")
        y = (X[:, 0] > 0).astype(int)
        task = ClassificationTask()
        codes, _ = task.prepare_y(y)
        from skbridge.estimators.neural import NeuralNetClassifier
        params = NeuralNetClassifier(backend="keras", module_params={"hidden_units": 8})
        backend = KerasBackend(params.get_params(deep=False))
        backend.build((8,), 2, task, seed=0)
        loss = backend.train_epoch(X, codes, 16, np.random.default_rng(0))["loss"]
        keras = ck.keras3()
        print("keras", keras.__version__, keras.backend.backend(), np.isfinite(loss))

        lq, tfk = ck.larq(), ck.tf_keras()
        import tensorflow as tf
        model = tfk.Sequential([
            tfk.Input((8,)),
            lq.layers.QuantDense(8, kernel_quantizer="ste_sign",
                                 kernel_constraint="weight_clip"),
            lq.layers.QuantDense(2, input_quantizer="ste_sign", kernel_quantizer="ste_sign",
                                 kernel_constraint="weight_clip"),
        ])
        model.compile(optimizer=tfk.optimizers.legacy.Adam(1e-2),
                      loss=tfk.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(X, y, epochs=1, batch_size=16, verbose=0)
        print("larq", lq.__version__, tf.keras.layers.Dense is tfk.layers.Dense,
              np.isfinite(history.history["loss"][0]))
        # Keras 3 still trains after larq
        print("again", np.isfinite(backend.train_epoch(X, codes, 16,
                                                       np.random.default_rng(1))["loss"]))
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["keras"].startswith("3.") and lines["keras"].endswith("tensorflow True")
    assert lines["larq"].endswith("True True")
    assert lines["again"] == "True"


def test_larq_after_tensorflow_without_the_variable_says_what_to_set():
    result = _run("""
        import tensorflow
        from skbridge.compat import keras as ck
        try:
            ck.larq()
        except ck.KerasSetupError as exc:
            print("ERROR", exc)
        else:
            print("NO ERROR")
        print("keras3", ck.keras3().backend.backend())  # Keras 3 itself still works
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ERROR" in result.stdout and "NO ERROR" not in result.stdout
    assert "TF_USE_LEGACY_KERAS=1" in result.stdout
    assert "before TensorFlow is first imported" in result.stdout
    assert "keras3 tensorflow" in result.stdout


def test_larq_error_with_a_tensorflow_imported_under_keras3(monkeypatch):
    # The same check in-process, with a stand-in for a TensorFlow imported without the flag.
    monkeypatch.setitem(sys.modules, "tensorflow",
                        types.SimpleNamespace(_tf_uses_legacy_keras=False))
    assert not compat_keras.legacy_keras_in_effect()
    for helper in (compat_keras.larq, compat_keras.tf_keras):
        with pytest.raises(KerasSetupError, match="TF_USE_LEGACY_KERAS=1"):
            helper()
    monkeypatch.setitem(sys.modules, "tensorflow",
                        types.SimpleNamespace(_tf_uses_legacy_keras=True))
    assert compat_keras.legacy_keras_in_effect()


def test_larq_error_when_the_variable_is_switched_off(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "0")
    assert not compat_keras.legacy_keras_in_effect()
    with pytest.raises(KerasSetupError, match="TF_USE_LEGACY_KERAS='0'"):
        compat_keras.larq()
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    assert compat_keras.legacy_keras_in_effect()


def test_larq_sets_the_variable_while_tensorflow_is_not_imported(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    monkeypatch.delenv("TF_USE_LEGACY_KERAS", raising=False)
    compat_keras._require_legacy_keras("larq", "bnn")  # what larq() checks first
    assert os.environ["TF_USE_LEGACY_KERAS"] == "1"
    assert compat_keras.legacy_keras_in_effect()


def test_without_tf_keras_nothing_is_set_and_larq_names_the_extra():
    # Setting the variable without tf-keras would break TensorFlow's own tf.keras.
    result = _run("""
        import os, sys
        sys.modules["tf_keras"] = None  # as if tf-keras were not installed
        from skbridge.compat import OptionalDependencyError
        from skbridge.compat import keras as ck
        print("unset", "TF_USE_LEGACY_KERAS" not in os.environ)
        try:
            ck.larq()
        except OptionalDependencyError as exc:
            print("error", exc)
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "unset True" in result.stdout
    assert "pip install 'scikit-bridge[bnn]'" in result.stdout


def test_keras3_refuses_another_backend(monkeypatch):
    keras = compat_keras.keras3()
    assert keras.backend.backend() == "tensorflow"
    assert keras.__version__.startswith("3.")
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(KerasSetupError, match="KERAS_BACKEND=tensorflow"):
        compat_keras.keras3()


def test_seeded_keras_rng_reproducible_and_restores_global_state():
    keras = compat_keras.keras3()
    random.seed(5)
    np.random.seed(5)
    python_state, numpy_state = random.getstate(), np.random.get_state()[1].copy()
    weights = []
    for _ in range(2):
        with compat_keras.seeded_keras_rng(3):
            layer = keras.layers.Dense(4)
            layer.build((None, 3))
        weights.append(layer.kernel.numpy())
    assert np.array_equal(weights[0], weights[1])
    assert random.getstate() == python_state
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    with compat_keras.seeded_keras_rng(4):
        other = keras.layers.Dense(4)
        other.build((None, 3))
    assert not np.array_equal(weights[0], other.kernel.numpy())


def test_set_seed():
    compat_keras.set_seed(11)
    a = np.random.rand()
    compat_keras.set_seed(11)
    assert np.random.rand() == a


def test_resolve_device():
    assert compat_keras.resolve_device("cpu") == "/CPU:0"
    assert compat_keras.resolve_device("auto") in ("/CPU:0", "/GPU:0")
    with pytest.raises(ValueError, match="Unknown device"):
        compat_keras.resolve_device("tpu")
    gpus = compat_keras.tensorflow().config.list_physical_devices("GPU")
    if gpus:
        assert compat_keras.resolve_device("cuda") == "/GPU:0"
    else:
        with pytest.raises(ValueError, match="device='cpu'"):
            compat_keras.resolve_device("cuda")
    with pytest.raises(ValueError, match="GPU"):
        compat_keras.resolve_device(f"cuda:{len(gpus) + 3}")


def test_seeded_keras_rng_changes_no_global_seed():
    keras = compat_keras.keras3()
    tf = compat_keras.tensorflow()
    tf.random.set_seed(5)
    expected = tf.random.uniform([3]).numpy()
    numpy_state = np.random.get_state()[1].copy()
    tf.random.set_seed(5)
    with compat_keras.seeded_keras_rng(3):
        keras.layers.Dropout(0.5)  # its seed generator draws from Python's random
    np.testing.assert_array_equal(tf.random.uniform([3]).numpy(), expected)
    assert np.array_equal(np.random.get_state()[1], numpy_state)


def test_seeded_tf_keras_reproducible_and_restores_python_and_numpy_state():
    import random

    import numpy as np

    pytest.importorskip("tf_keras")
    tf = compat_keras.tensorflow()
    numpy_before = np.random.get_state()[1].copy()
    state = random.getstate()
    draws = []
    for _ in range(2):
        with compat_keras.seeded_tf_keras(7):
            draws.append(float(tf.random.uniform(())))
            np.random.rand()  # inside the block: seeded; outside: left as it was
    assert draws[0] == draws[1]
    assert random.getstate() == state
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_before)


def test_require_legacy_keras_fails_early_with_what_to_set(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow",
                        types.SimpleNamespace(_tf_uses_legacy_keras=False))
    with pytest.raises(KerasSetupError, match="TF_USE_LEGACY_KERAS=1"):
        compat_keras.require_legacy_keras(purpose="the BNN package")
