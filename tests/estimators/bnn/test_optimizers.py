"""Optimizers: tf-keras legacy classes; Bop for the binary weights with Adam beside it."""

import pytest

bnn = pytest.importorskip("skbridge.estimators.bnn")
larq = pytest.importorskip("larq")


def test_every_optimizer_is_a_legacy_tf_keras_optimizer():
    from skbridge.compat import keras as compat_keras

    legacy = compat_keras.tf_keras().optimizers.legacy.Optimizer
    for name in bnn.OPTIMIZERS:
        optimizer = bnn.OPTIMIZERS.make(name, None, 0.01)
        assert isinstance(optimizer, legacy), name


def test_bop_sends_binary_weights_to_bop_and_the_rest_to_adam():
    optimizer = bnn.OPTIMIZERS.make("bop", None, 0.005)
    assert isinstance(optimizer, larq.optimizers.CaseOptimizer)
    (predicate, bop), = optimizer.pred_opt_pairs
    assert isinstance(bop, larq.optimizers.Bop)
    adam = [opt for opt in optimizer.optimizers if opt is not bop]
    assert len(adam) == 1 and type(adam[0]).__name__ == "Adam"
    assert float(adam[0].learning_rate) == pytest.approx(0.005)
