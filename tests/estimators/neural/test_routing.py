"""Routed parameters: module__*, optimizer__*, loss__* / criterion__*."""

from sklearn.base import clone

from skbridge.estimators.neural import NeuralNetClassifier


def test_set_params_routes_module_optimizer_and_loss_params():
    net = NeuralNetClassifier(module_params={"hidden_units": (8,)})
    before = net.module_params
    net.set_params(module__dropout=0.1, optimizer__weight_decay=1e-4,
                   criterion__label_smoothing=0.1, loss__reduction="mean", epochs=2)
    assert net.module_params == {"hidden_units": (8,), "dropout": 0.1}
    assert before == {"hidden_units": (8,)}  # replaced, not changed in place
    assert net.optimizer_params == {"weight_decay": 1e-4}
    assert net.loss_params == {"label_smoothing": 0.1, "reduction": "mean"}
    assert net.epochs == 2
    deep = net.get_params(deep=True)
    assert deep["module__dropout"] == 0.1 and deep["optimizer__weight_decay"] == 1e-4
    assert "module__dropout" not in net.get_params(deep=False)
    cloned = clone(net)
    assert cloned.module_params == net.module_params
    assert cloned.module_params is not net.module_params
    assert clone(net).set_params(**net.get_params(deep=True)).get_params() == net.get_params()
