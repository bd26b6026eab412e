"""
Knowledge-graph embeddings on UMLS: train, evaluate, calibrate, discover, plot
==============================================================================

The AmpliGraph seed example redone with ``skbridge.estimators.kge``: a ComplEx
model learns embeddings of the 135 UMLS concepts, is evaluated with the filtered
protocol, calibrated into probabilities, asked for likely new facts, and its
entity embeddings are clustered and drawn in 2-D (``--output``, a PNG).

Run with ``python examples/kge_umls.py [--output kge_umls.png] [--epochs N]`` (about
10 s on an idle machine); without ``--output`` no figure is written (the docs' gallery
shows it).
"""

import argparse

import numpy as np
from sklearn.cluster import KMeans

# %%
# Train, evaluate, calibrate, discover, cluster
# ----------------------------------------------
# ComplEx with AmpliGraph's protocol (k = 100, eta = 10, Adam at 0.005), the
# filtered ranking of the test triples, Platt scaling on the validation
# triples, then the discovery helpers and k-means clusters of the entities.


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Knowledge-graph embeddings on UMLS with skbridge.estimators.kge.")
    parser.add_argument("--output", default=None,
                        help="where to save the figure (none is written without it)")
    parser.add_argument("--epochs", type=int, default=100, help="training epochs (100)")
    args = parser.parse_args(argv)

    from skbridge.datasets import load_umls
    from skbridge.estimators.kge import (
        ComplEx,
        discover_facts,
        evaluate_performance,
        find_clusters,
        hits_at_n_score,
        mrr_score,
        plot_embeddings,
        query_topn,
    )

    X = load_umls()
    model = ComplEx(k=100, eta=10, batch_size=512, epochs=args.epochs,
                    optimizer_params={"lr": 0.005}, random_state=0)
    model.fit(X["train"])

    ranks = evaluate_performance(X["test"], model,
                                 filter_triples={"train": X["train"], "valid": X["valid"],
                                                 "test": X["test"]})
    results = {"mrr": mrr_score(ranks), "hits@10": hits_at_n_score(ranks, 10)}
    print(f"filtered test MRR {results['mrr']:.3f}, Hits@10 {results['hits@10']:.3f}")

    # Platt scaling on held-out triples: scores become probabilities.
    model.calibrate(X["valid"], positive_base_rate=0.5)
    proba = model.predict_proba(X["test"][42])
    results["proba_42"] = float(proba[0])
    print(f"P({' '.join(X['test'][42])}) = {proba[0]:.3f}")

    triples, scores = query_topn(model, 3, head="virus", relation="causes")
    print("virus causes ...?", ", ".join(triples[:, 2]))
    facts, fact_ranks = discover_facts(X["train"], model, top_n=1, max_candidates=50,
                                       random_state=0)
    results["n_facts"] = len(facts)
    print(f"{len(facts)} candidate facts ranked first, e.g. {facts[:2].tolist()}")

    kmeans = KMeans(n_clusters=6, n_init=10, random_state=0)
    clusters = find_clusters(model.entities_, model, kmeans)
    results["n_clusters"] = len(np.unique(clusters))
    # The figure stays open for the gallery; --output saves (and closes) it.
    ax = plot_embeddings(model, clusters=clusters)
    ax.figure.tight_layout()
    if args.output:
        import matplotlib.pyplot as plt

        ax.figure.savefig(args.output, dpi=120)
        plt.close(ax.figure)
        print(f"figure saved to {args.output}")
    return results


# %%
# Run it
# ------

if __name__ == "__main__":
    main()
