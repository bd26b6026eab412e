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
