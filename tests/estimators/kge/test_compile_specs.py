"""AmpliGraph 2's compile arguments (names, components, Keras-like objects) as (name, params)."""

import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge._compile_specs import (  # noqa: E402
    initializer_spec,
    loss_spec,
    optimizer_spec,
    regularizer_spec,
)
from skbridge.estimators.kge.initializers import NormalInitializer  # noqa: E402
from skbridge.estimators.kge.losses import SelfAdversarialLoss, get  # noqa: E402
from skbridge.estimators.kge.regularizers import LPRegularizer  # noqa: E402


class Configured:
    """A stand-in for a Keras object: its class name and get_config() are all that is read."""

    def __init__(self, **config):
        self.config = config

    def get_config(self):
        return dict(self.config)


def keras_like(cls_name, **config):
    return type(cls_name, (Configured,), {})(**config)


def test_optimizers():
    assert optimizer_spec("adam", {"lr": 0.1}) == ("adam", {"lr": 0.1})
    assert optimizer_spec(torch.optim.SGD) == (torch.optim.SGD, None)
    sgd = keras_like("SGD", name="sgd", learning_rate=0.10000000149011612, momentum=0.9,
                     nesterov=False, clipnorm=None, use_ema=False, weight_decay=None)
    assert optimizer_spec(sgd) == ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": False})
    rms = keras_like("RMSprop", name="rm_sprop", learning_rate=0.001, rho=0.9, epsilon=1e-7)
    assert optimizer_spec(rms, {"lr": 0.01}) == ("rmsprop", {"lr": 0.01, "alpha": 0.9,
                                                             "eps": 1e-7})
    adam = keras_like("Adam", learning_rate=0.001, beta_1=0.8, beta_2=0.99)
    assert optimizer_spec(adam) == ("adam", {"lr": 0.001, "betas": (0.8, 0.99)})


@pytest.mark.parametrize("optimizer, error, match", [
    ("adamax", ValueError, "Unknown optimizer 'adamax'"),
    (object(), TypeError, "optimizer must be a name"),
    (keras_like("Nadam", name="nadam"), ValueError, "Nadam has no counterpart"),
    (keras_like("Adam", name="adam", clipnorm=1.0), ValueError, "clipnorm=1.0"),
    (keras_like("Adam", name="adam", learning_rate={"class_name": "ExponentialDecay"}),
     ValueError, "schedule"),
    (keras_like("Adam", name="adam", lookahead=True), ValueError, "Unknown setting 'lookahead'"),
])
def test_bad_optimizers(optimizer, error, match):
    with pytest.raises(error, match=match):
        optimizer_spec(optimizer)


def test_losses_become_names_and_parameters():
    assert loss_spec(None) == ("multiclass_nll", None)
    assert loss_spec("nll", {}) == ("nll", {})
    assert loss_spec(get("pairwise", {"margin": 0.5})) == ("pairwise", {"margin": 0.5})
    assert loss_spec(SelfAdversarialLoss(margin=1.0, alpha=2.0)) == (
        "selfadversarial", {"margin": 1.0, "alpha": 2.0})

    class MyLoss(SelfAdversarialLoss):  # not registered: kept as the instance
        pass

    mine = MyLoss()
    assert loss_spec(mine) == (mine, None)
    with pytest.raises(ValueError, match="either a loss instance or its name"):
        loss_spec(get("pairwise"), {"margin": 2.0})
    with pytest.raises(ValueError, match="Unknown loss 'hinge'"):
        loss_spec("hinge")


def test_regularizers():
    assert regularizer_spec(None) == (None, None)
    assert regularizer_spec("l2") == ("LP", {"p": 2, "lambda": 0.01})
    assert regularizer_spec("L1", {"lambda": 1e-3}) == ("LP", {"p": 1, "lambda": 1e-3})
    assert regularizer_spec(LPRegularizer(p=3, lambda_=1e-4)) == ("lp", {"p": 3, "lambda_": 1e-4})
    assert regularizer_spec(["l2", "l2"]) == ("LP", {"p": 2, "lambda": 0.01})
    assert regularizer_spec(keras_like("L2", l2=0.10000000149011612)) == (
        "LP", {"p": 2, "lambda": 0.1})
    assert regularizer_spec(keras_like("L1L2", l1=0.001, l2=0.0)) == (
        "LP", {"p": 1, "lambda": 0.001})
    with pytest.raises(ValueError, match="exactly one of l1 and l2"):
        regularizer_spec(keras_like("L1L2", l1=0.1, l2=0.1))
    with pytest.raises(ValueError, match="same value for entities and relations"):
        regularizer_spec(["l1", "l2"])
    with pytest.raises(TypeError, match="regularizer must be a name"):
        regularizer_spec(3.0)


def test_initializers():
    assert initializer_spec("random_normal") == ("random_normal", None)
    assert initializer_spec(NormalInitializer(std=0.2)) == ("normal", {"mean": 0.0, "std": 0.2})
    assert initializer_spec(keras_like("GlorotNormal", seed=3)) == ("glorot_normal", None)
    assert initializer_spec(keras_like("RandomUniform", minval=-0.1, maxval=0.1)) == (
        "uniform", {"low": -0.1, "high": 0.1})
    with pytest.raises(ValueError, match="TruncatedNormal has no counterpart"):
        initializer_spec(keras_like("TruncatedNormal", stddev=0.1))
    with pytest.raises(ValueError, match="Unknown initializer 'he_normal'"):
        initializer_spec("he_normal")
    with pytest.raises(TypeError, match="initializer must be a name"):
        initializer_spec(None)
