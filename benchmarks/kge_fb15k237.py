"""AmpliGraph's FB15k-237 protocol with our KGE models (hours; needs --run).

NOT part of ``make bench``'s few minutes: without ``--run`` this script only
prints how to start it and exits 0. With ``--run`` it loads FB15k-237 with
:func:`skbridge.datasets.load_fb15k_237` (downloaded once into the data home,
or a local copy through ``--data-home``; valid/test triples with unseen
entities dropped as AmpliGraph does), trains the chosen model with early
stopping on the filtered validation MRR (burn-in, check interval, patience,
best embeddings restored), and reports the filtered test MRR, MR and
Hits@1/3/10 (both sides corrupted, filtered against train, valid and test,
ties ranked worst), as AmpliGraph's results page does.

The default hyper-parameters per model follow AmpliGraph's published
FB15k-237 settings (multiclass NLL, LP regularizer, Adam); every one can be
overridden on the command line. Use a GPU (``--device cuda``): on two CPU cores
one run takes many hours.

Example::

    python benchmarks/kge_fb15k237.py --run --model ComplEx --device cuda
    python benchmarks/kge_fb15k237.py --run --model TransE --epochs 50 --check-interval 10
"""

import argparse
import json
import sys
import time
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and str(Path(p).resolve()) != _HERE]
sys.path.insert(0, str(Path(_HERE).parent))

# AmpliGraph's FB15k-237 settings (k, eta, learning rate, LP lambda, norm/extra).
DEFAULTS = {
    "TransE": dict(k=400, eta=30, lr=1e-4, lam=1e-4, batch_size=4350),
    "DistMult": dict(k=300, eta=50, lr=5e-5, lam=1e-5, batch_size=4350),
    "ComplEx": dict(k=350, eta=30, lr=5e-5, lam=1e-5, batch_size=4350),
    "HolE": dict(k=350, eta=30, lr=1e-4, lam=1e-4, batch_size=4350),
    "RotatE": dict(k=350, eta=30, lr=1e-4, lam=1e-5, batch_size=4350),
    "ConvE": dict(k=200, eta=30, lr=1e-4, lam=0.0, batch_size=1024),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="actually run (takes hours)")
    parser.add_argument("--model", choices=sorted(DEFAULTS), default="ComplEx")
    parser.add_argument("--k", type=int)
    parser.add_argument("--eta", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--lam", type=float, help="LP regularizer lambda (0: none)")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--epochs", type=int, default=4000)
    parser.add_argument("--burn-in", type=int, default=100)
    parser.add_argument("--check-interval", type=int, default=25)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--device", default="auto", help="cpu, cuda or auto (default)")
    parser.add_argument("--data-home", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if not args.run:
        print("kge_fb15k237.py: the AmpliGraph FB15k-237 protocol takes hours; skipped. "
              "Start it with --run (see --help), preferably with a GPU.")
        return None

    from skbridge.datasets import load_fb15k_237
    from skbridge.estimators import kge
    from skbridge.estimators.kge import evaluate_performance, hits_at_n_score, mr_score, mrr_score

    params = {**DEFAULTS[args.model]}
    for key in ("k", "eta", "lr", "lam", "batch_size"):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    X = load_fb15k_237(data_home=args.data_home)
    print(f"FB15k-237: {len(X.train)} / {len(X.valid)} / {len(X.test)} triples "
          f"(dropped: {X.n_dropped}); {args.model} {params}", flush=True)
    model = getattr(kge, args.model)(
        k=params["k"], eta=params["eta"], epochs=args.epochs, batch_size=params["batch_size"],
        loss="multiclass_nll", optimizer="adam", optimizer_params={"lr": params["lr"]},
        regularizer="LP" if params["lam"] else None,
        regularizer_params={"p": 3, "lambda": params["lam"]} if params["lam"] else None,
        early_stopping=True,
        early_stopping_params={"burn_in": args.burn_in, "check_interval": args.check_interval,
                               "patience": args.patience, "corrupt_side": "s,o"},
        device=args.device, verbose=True, random_state=args.seed,
    )
    t0 = time.perf_counter()
    model.fit(X.train, X_valid=X.valid)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranks = evaluate_performance(X.test, model, filter_triples=[X.train, X.valid, X.test],
                                 corrupt_side="s,o")
    eval_s = time.perf_counter() - t0
    results = {
        "model": args.model, **params, "epochs_run": model.n_epochs_,
        "best_epoch": model.best_epoch_,
        "device": str(model.device_), "fit_s": fit_s, "eval_s": eval_s,
        "mrr": mrr_score(ranks), "mr": mr_score(ranks),
        **{f"hits@{n}": hits_at_n_score(ranks, n) for n in (1, 3, 10)},
        "validation_scores": model.validation_scores_,
    }
    print(json.dumps(results, indent=2))
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
