"""Tasks encode targets and decode outputs; every registry of the engine builds."""

import numpy as np
import pytest

from skbridge.estimators.neural import TASKS


def test_classification_task():
    task = TASKS.make("classification")
    codes, info = task.prepare_y(np.array([3, 1, 3, 2]))
    assert codes.dtype == np.int64 and task.n_outputs(info) == 3
    raw = np.array([[0.0, 5.0, 0.0], [9.0, 0.0, 0.0]], dtype=np.float32)
    assert task.output_to_prediction(raw).tolist() == [2, 1]
    np.testing.assert_allclose(task.output_to_proba(raw).sum(axis=1), 1.0)
    assert task.metric(np.array([1, 0]), raw) == 1.0
    with pytest.raises(ValueError, match="Unknown label type"):
        task.prepare_y(np.array([0.5, 1.5]))


def test_regression_task_keeps_the_shape_of_y():
    task = TASKS.make("regression")
    codes, info = task.prepare_y(np.ones((4, 2)))
    assert codes.shape == (4, 2) and codes.dtype == np.float32 and task.n_outputs(info) == 2
    assert task.output_to_prediction(codes).shape == (4, 2)
    with pytest.raises(AttributeError):
        task.output_to_proba(codes)


def _engine_registries():
    pytest.importorskip("torch")
    from skbridge.estimators.neural import BACKENDS, CALLBACKS, LR_SCHEDULES, TORCH_MODULES
    from skbridge.estimators.neural._torch_backend import TORCH_LOSSES, TORCH_OPTIMIZERS

    return [TASKS, CALLBACKS, LR_SCHEDULES, TORCH_MODULES, TORCH_LOSSES, TORCH_OPTIMIZERS,
            BACKENDS]


def test_every_key_of_the_engine_registries_builds():
    for registry in _engine_registries():
        args, kwargs = registry.example()
        for key in registry.options:
            if registry.family == "neural backend" and key == "keras":
                pytest.importorskip("keras")
                try:
                    import skbridge.estimators.neural._keras_backend  # noqa: F401
                except ModuleNotFoundError:
                    continue  # written by the Keras side
            assert registry.make(key, None, *args, **kwargs) is not None, (registry, key)


def test_log_probabilities_are_a_task_method():
    task = TASKS.make("classification")
    task.prepare_y(np.array([0, 1, 2]))
    raw = np.array([[1000.0, 0.0, -5.0], [0.1, 0.2, 0.3]], dtype=np.float32)
    log_proba = task.output_to_log_proba(raw)
    np.testing.assert_allclose(np.exp(log_proba), task.output_to_proba(raw), rtol=1e-12)
    assert np.isfinite(log_proba).all()  # no log(0) for a dominant logit
    with pytest.raises(AttributeError, match="no probabilities"):
        TASKS.make("regression").output_to_log_proba(raw)
