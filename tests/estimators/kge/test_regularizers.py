"""Regularizers: the registry and AmpliGraph's parameter names."""

import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge.regularizers import regularizer_registry  # noqa: E402


def test_registry_builds_every_key():
    for key in regularizer_registry.options:
        regularizer_registry.make(key)


def test_lp_takes_ampligraphs_lambda():
    lp = regularizer_registry.make("LP", {"p": 3, "lambda": 0.5})
    assert (lp.p, lp.lambda_) == (3, 0.5)
    ent, rel = torch.tensor([[1.0, -2.0]]), torch.tensor([[2.0]])
    assert float(lp(ent, rel)) == 0.5 * (1 + 8 + 8)
    assert float(regularizer_registry.make("none")(ent, rel)) == 0.0
    with pytest.raises(ValueError, match="Bad parameters"):
        regularizer_registry.make("LP", {"q": 1})


def test_get_is_ampligraphs_regularizers_get():
    from skbridge.estimators.kge.regularizers import get

    lp = get("LP", {"p": 2, "lambda": 1e-5})
    assert (lp.p, lp.lambda_) == (2, 1e-5)
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'"):
        get("l3")
