"""Knowledge discovery with a fitted model."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.cluster import KMeans  # noqa: E402

from skbridge.estimators.kge import (  # noqa: E402
    discover_facts,
    find_clusters,
    find_duplicates,
    find_nearest_neighbours,
    query_topn,
)


def test_discovery(small_model, nations):
    triples, scores = query_topn(small_model, 5, head="usa", relation="embassy")
    assert triples.shape == (5, 3) and (np.diff(scores) <= 0).all()
    assert (triples[:, 0] == "usa").all()
    triples, _ = query_topn(small_model, 3, head="usa", tail="china")
    assert set(triples[:, 1]) <= set(small_model.relations_)
    with pytest.raises(ValueError, match="exactly two"):
        query_topn(small_model, head="usa")
    clusters = find_clusters(small_model.entities_, small_model,
                             KMeans(n_clusters=3, n_init=2, random_state=0))
    assert clusters.shape == (14,) and set(clusters) == {0, 1, 2}
    neighbours, dist = find_nearest_neighbours(small_model, ["usa"], n_neighbors=3)
    assert neighbours.shape == (1, 3) and "usa" not in neighbours[0] and (np.diff(dist) >= 0).all()
    groups, tol = find_duplicates(small_model.entities_, small_model, tolerance=1e9)
    assert groups == [set(small_model.entities_)]
    facts, ranks = discover_facts(nations.train, small_model, top_n=2, max_candidates=30,
                                  random_state=0)
    known = {tuple(t) for t in nations.train.tolist()}
    assert all(tuple(f) not in known for f in facts.tolist()) and (ranks <= 2).all()


def test_ampligraph_spellings(small_model, nations):
    kmeans = KMeans(n_clusters=3, n_init=2, random_state=0)
    by_letter = find_clusters(small_model.entities_, small_model, kmeans, mode="e")
    np.testing.assert_array_equal(by_letter, find_clusters(small_model.entities_, small_model,
                                                           kmeans, mode="entity"))
    assert find_clusters(small_model.relations_, small_model, kmeans, mode="r").shape == (55,)
    triples = find_clusters(nations.test, small_model, kmeans, mode="t")
    expected = kmeans.fit_predict(small_model.transform(nations.test))
    np.testing.assert_array_equal(triples, expected)
    groups, _ = find_duplicates(nations.test[:10], small_model, mode="t", tolerance=1e9)
    assert len(groups) == 1 and len(groups[0]) == len({" ".join(t) for t in nations.test[:10]})
    a = discover_facts(nations.train, small_model, top_n=5, max_candidates=30, seed=3)
    b = discover_facts(nations.train, small_model, top_n=5, max_candidates=30, random_state=3)
    np.testing.assert_array_equal(a[0], b[0])
    facts, _ = discover_facts(nations.train, small_model, top_n=14, max_candidates=0.02,
                              target_rel=["embassy", "treaties"], seed=0)
    assert set(facts[:, 1]) <= {"embassy", "treaties"}


def test_discovery_takes_the_ampligraph2_model(nations):
    from skbridge.estimators.kge import ScoringBasedEmbeddingModel

    model = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="TransE", seed=0)
    model.compile()
    model.fit(nations.train, batch_size=512, epochs=5, verbose=False)
    assert query_topn(model, 2, head="usa", relation="embassy")[0].shape == (2, 3)
    assert find_clusters(["usa", "uk", "china"], model,
                         KMeans(n_clusters=2, n_init=2, random_state=0)).shape == (3,)
    assert find_nearest_neighbours(model, ["usa"], n_neighbors=2)[0].shape == (1, 2)
    facts, ranks = discover_facts(nations.train, model, top_n=3, max_candidates=20, seed=0)
    assert (ranks <= 3).all()


@pytest.mark.parametrize("call, match", [
    (lambda m, X: find_clusters(m.entities_, m, mode="x"), "mode must be 'entity'"),
    (lambda m, X: find_duplicates(m.entities_, m, mode="triples"), "mode must be 'entity'"),
    (lambda m, X: find_clusters(m.entities_, m, mode="t"), r"shape \(n_triples, 3\)"),
    (lambda m, X: discover_facts(X, m, seed=1, random_state=1), "not both"),
    (lambda m, X: discover_facts(X, m, max_candidates=0), "max_candidates must be"),
    (lambda m, X: discover_facts(X, m, max_candidates=1.5), "max_candidates must be"),
    (lambda m, X: discover_facts(X, m, target_rel=["embassy", "warp"]), "unseen relation"),
])
def test_bad_discovery_arguments(small_model, nations, call, match):
    with pytest.raises(ValueError, match=match):
        call(small_model, nations.train)
