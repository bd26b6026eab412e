"""Initializers: the registry; draws come from the generator only."""

import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge.initializers import initializer_registry  # noqa: E402


def test_registry_builds_every_key():
    for key in initializer_registry.options:
        initializer_registry.make(key)


@pytest.mark.parametrize("name", initializer_registry.options)
def test_initializers_are_seeded_by_the_generator(name):
    init = initializer_registry.make(name)
    a = init(torch.empty(4, 3), torch.Generator().manual_seed(0))
    b = init(torch.empty(4, 3), torch.Generator().manual_seed(0))
    torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert a.abs().sum() > 0
