"""The six models: quality on UMLS (AmpliGraph 2.2's protocol) and model specifics."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from skbridge.estimators.kge import (  # noqa: E402
    ComplEx,
    ConvE,
    DistMult,
    HolE,
    RotatE,
    TransE,
    evaluate_performance,
    hits_at_n_score,
    mrr_score,
)

# AmpliGraph 2.2's UMLS protocol: k=100, eta=10, batch 512, 100 epochs, Adam 0.005.
PROTOCOL = dict(k=100, eta=10, batch_size=512, epochs=100, optimizer_params={"lr": 0.005})


def _filtered_test_ranks(model, X):
    return evaluate_performance(X.test, model, filter_triples=[X.train, X.valid, X.test])


# --------------------------------------------------------------- quality


@pytest.mark.slow
def test_transe_umls_quality(umls):
    model = TransE(**PROTOCOL, random_state=0).fit(umls.train)
    ranks = _filtered_test_ranks(model, umls)
    assert ranks.shape == (len(umls.test), 2)
    assert mrr_score(ranks) >= 0.55
    assert hits_at_n_score(ranks, 10) >= 0.94


@pytest.mark.slow
def test_complex_umls_quality(umls):
    model = ComplEx(**PROTOCOL, random_state=0).fit(umls.train)
    assert mrr_score(_filtered_test_ranks(model, umls)) >= 0.85


@pytest.mark.parametrize(
    "Model, params, min_mrr",
    [
        (DistMult, dict(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.01}), 0.5),
        (HolE, dict(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.01}), 0.6),
        (RotatE, dict(k=50, eta=5, epochs=30, optimizer_params={"lr": 0.01}), 0.5),
        (ConvE, dict(k=32, eta=5, epochs=8, optimizer_params={"lr": 0.005},
                     scoring_params={"n_filters": 8}), 0.3),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_other_models_learn_umls(umls, Model, params, min_mrr):
    model = Model(batch_size=512, random_state=0, **params).fit(umls.train)
    ranks = _filtered_test_ranks(model, umls)
    assert mrr_score(ranks) >= min_mrr
    # far better than chance (a random model's filtered MRR on UMLS is about 0.04)
    assert hits_at_n_score(ranks, 10) >= 0.6


# ----------------------------------------------------------- specifics


def test_transe_entity_normalization(nations):
    model = TransE(k=8, epochs=2, random_state=0).fit(nations.train)
    norms = np.linalg.norm(model.transform(model.entities_), axis=1)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)
    free = TransE(k=8, epochs=2, scoring_params={"normalize_entities": False},
                  random_state=0).fit(nations.train)
    assert not np.allclose(np.linalg.norm(free.transform(free.entities_), axis=1), 1.0)
