"""The torch backend: user modules, losses and optimizers, state round trips."""

import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris

torch = pytest.importorskip("torch")

from skbridge.estimators.neural import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402
from skbridge.estimators.neural._torch_backend import (  # noqa: E402
    TORCH_LOSSES,
    TORCH_OPTIMIZERS,
    make_module,
)

nn = torch.nn


class SizedNet(nn.Module):
    def __init__(self, input_shape, n_outputs, width=8):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(input_shape[0], width), nn.ReLU(),
                                 nn.Linear(width, n_outputs))

    def forward(self, x):
        return self.net(x)


class FixedNet(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, width), nn.ReLU(), nn.Linear(width, 3))

    def forward(self, x):
        return self.net(x)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


@pytest.mark.parametrize("module", [SizedNet, FixedNet])
def test_user_module_classes_with_or_without_sizes(iris, module):
    X, y = iris
    net = NeuralNetClassifier(module=module, epochs=30, batch_size=16, learning_rate=1e-2,
                              random_state=0).set_params(module__width=16).fit(X, y)
    assert isinstance(net.module_, module) and net.module_.net[0].out_features == 16
    assert net.score(X, y) > 0.85


def test_module_instance_is_copied_not_trained_in_place(iris):
    X, y = iris
    given = FixedNet()
    before = {k: v.clone() for k, v in given.state_dict().items()}
    net = NeuralNetClassifier(module=given, epochs=2, random_state=0).fit(X, y)
    assert net.module_ is not given
    assert all(torch.equal(before[k], v) for k, v in given.state_dict().items())


@pytest.mark.parametrize("loss", ["mse", "mae", "huber", nn.SmoothL1Loss])
@pytest.mark.parametrize("optimizer", ["sgd", "adamw", "rmsprop", torch.optim.Adagrad])
def test_losses_and_optimizers(iris, loss, optimizer):
    X, y = iris
    net = NeuralNetRegressor(loss=loss, optimizer=optimizer, optimizer_params={"lr": 1e-2},
                             epochs=2, batch_size=32, random_state=0).fit(X, y.astype(float))
    assert net._backend.current_lr() == pytest.approx(1e-2)
    assert np.isfinite(net.history_[-1]["loss"])


def test_loss_params_route_to_the_loss(iris):
    X, y = iris
    net = NeuralNetClassifier(epochs=1).set_params(criterion__label_smoothing=0.2).fit(X, y)
    assert net._backend.loss_fn.label_smoothing == pytest.approx(0.2)


def test_state_round_trip_restores_weights_and_optimizer(iris):
    X, y = iris
    net = NeuralNetClassifier(epochs=2, random_state=0).fit(X, y)
    backend = net._backend
    state = backend.get_state()
    assert set(state) == {"weights", "optimizer"}
    assert all(isinstance(v, np.ndarray) for v in state["weights"].values())
    other = NeuralNetClassifier(epochs=2, random_state=1).fit(X, y)._backend
    other.set_state(state)
    np.testing.assert_array_equal(other.predict_raw(X.astype(np.float32), 64),
                                  backend.predict_raw(X.astype(np.float32), 64))
    exp_avg = backend.optimizer.state_dict()["state"][0]["exp_avg"]
    assert torch.equal(other.optimizer.state_dict()["state"][0]["exp_avg"], exp_avg)


def test_make_module_and_registries():
    assert isinstance(make_module("mlp", (3,), 2), nn.Module)
    assert set(TORCH_OPTIMIZERS) >= {"adam", "adamw", "sgd", "rmsprop", "adagrad"}
    assert {"crossentropy", "mse", "l1", "huber"} <= set(TORCH_LOSSES)
    assert TORCH_LOSSES.lookup("mae") is nn.L1Loss
    assert TORCH_LOSSES.lookup("cross_entropy") is nn.CrossEntropyLoss


def test_torch_runs_on_one_thread_beside_tensorflow(monkeypatch):
    # TensorFlow's pool and torch's OpenMP threads contend for the cores when both
    # are loaded; the backend then trains on one thread and restores the count.
    import types

    torch = pytest.importorskip("torch")
    from skbridge.estimators.neural._torch_backend import thread_cap

    before = torch.get_num_threads()
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))
    with thread_cap():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_set_state_from_another_network_is_a_clear_error(iris):
    X, y = iris
    state = NeuralNetClassifier(module_params={"hidden_units": (8,)}, epochs=1).fit(X, y)
    other = NeuralNetClassifier(module_params={"hidden_units": (9,)}, epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="saved from another network.*torch says: Error"):
        other._backend.set_state(state._backend.get_state())
    sgd = NeuralNetClassifier(module_params={"hidden_units": (8,)}, optimizer="sgd",
                              optimizer_params={"momentum": 0.9}, epochs=1).fit(X, y)
    saved = sgd._backend.get_state()
    saved["optimizer"]["param_groups"] = saved["optimizer"]["param_groups"] * 2
    with pytest.raises(ValueError, match="optimizer state do not fit"):
        state._backend.set_state(saved)
