"""Corruption strategies: one side per triple, never the positive, filtered."""

import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import TransE  # noqa: E402
from skbridge.estimators.kge.corruption import corruption_registry  # noqa: E402


def test_registry_builds_every_key():
    for key in corruption_registry.options:
        corruption_registry.make(key)


@pytest.mark.parametrize("corruption", ["uniform", "bernoulli"])
@pytest.mark.parametrize("side", ["s", "o", "s,o"])
def test_corruption_strategies(nations, corruption, side):
    model = TransE(k=8, eta=4, epochs=1, random_state=0).fit(nations.train)
    strategy = corruption_registry.make(corruption, {"side": side, "filter_positives": True})
    triples = torch.as_tensor(model.triples_)
    strategy.fit(triples, len(model.entities_), len(model.relations_))
    h, r, t = triples.unbind(1)
    nh, nt = strategy.sample(h, r, t, 4, torch.Generator().manual_seed(0))
    assert nh.shape == nt.shape == (len(h), 4)
    changed_h, changed_t = nh != h[:, None], nt != t[:, None]
    assert not (changed_h & changed_t).any()  # one side per corruption
    assert (changed_h | changed_t).all()  # never the positive itself
    heads, _ = strategy.corrupt(h, r, t, 4, torch.Generator().manual_seed(0))
    assert (heads == heads[:, :1]).all()  # the same side for a triple's eta corruptions
    if side == "s":
        assert not changed_t.any()
    if side == "o":
        assert not changed_h.any()
    known = set(map(tuple, model.triples_.tolist()))
    rr = r[:, None].expand_as(nh)
    corrupted = zip(nh.ravel().tolist(), rr.ravel().tolist(), nt.ravel().tolist())
    n_known = sum(c in known for c in corrupted)
    assert n_known <= 0.02 * nh.numel()  # filtered (10 redraws; Nations is dense)
