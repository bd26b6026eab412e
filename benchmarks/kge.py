"""Benchmark: our KGE models against AmpliGraph 2.2.0 and PyKEEN 1.11.1, in one run.

TransE and ComplEx on UMLS and Nations with AmpliGraph's protocol: k = 100,
eta = 10, batch 512, 100 epochs, Adam (lr 0.005), multiclass NLL loss (PyKEEN:
its cross-entropy loss over the positive and its negatives, the same loss), the
same thread count for every library. Reported per library: seconds per epoch,
the fixed cost of ``fit`` (everything but the epochs) and of one filtered
evaluation of the test set (both sides corrupted, filtered against train, valid
and test, ties ranked worst), filtered MRR and Hits@10. PyKEEN runs twice for
ComplEx: with its default (normal) initialiser and at its best setting,
``xavier_uniform`` initialisers (its TransE uses xavier_uniform by default).

Each anchor runs in its own virtual environment under ``benchmarks/.venvs/``
(git-ignored), created on the first run with ``python3 -m venv`` and pip:
AmpliGraph 2.2 needs TensorFlow 2.15 and numpy < 2; the PyKEEN venv gets
``torch==2.13.0`` (the CPU wheel on local disk) before PyKEEN. PyKEEN is timed
with its per-epoch ``gc.collect()`` patched out (and as shipped, on a few epochs).

Anchors: seconds per epoch is the median epoch time (epoch 1 excluded), and the
fixed cost of fit is the fit time minus epochs x that median. Ours: the fixed
cost is the time of ``fit`` with ``epochs=0`` and seconds per epoch is
(fit time - fixed cost) / epochs. Every library trains with seeds 0 .. N-1
(``--seeds``, default 5): the timings reported are medians over seeds, MRR and
Hits@10 the mean and its standard error (one seed's MRR moves by +-0.01-0.02
on these small graphs, more than the differences between libraries).

Run with ``make bench`` or ``python benchmarks/kge.py [--quick] [--threads N]``.
The table also goes to ``benchmarks/results/kge.csv`` and ``kge.rst`` (git-ignored;
the docs include a copy of the RST, ``docs/_static/kge_benchmark.rst``).
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for this process and the
anchors' (the script re-executes itself without them).
"""

import os
import sys

_SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _SLOW_BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

from pathlib import Path  # noqa: E402

# Import the standard library and the checkout's package, not modules of this
# folder (another benchmark script's name may shadow a standard module).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and str(Path(p).resolve()) != _HERE]
sys.path.insert(0, str(Path(_HERE).parent))

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

HERE = Path(__file__).resolve().parent
VENVS = HERE / ".venvs"
RESULTS = HERE / "results"
TARGET_SPEEDUP = 1.5
TARGET_FIT_FIXED = 0.5
TARGET_EVAL = 0.3

ANCHORS = {
    "AmpliGraph 2.2.0": {
        "venv": "ampligraph",
        "install": [["numpy<2", "tensorflow==2.15.*", "ampligraph==2.2.0"]],
    },
    "PyKEEN 1.11.1": {
        "venv": "pykeen",
        # torch first: the CPU wheel on local disk, else pip pulls a CUDA build
        "install": [["torch==2.13.0"], ["pykeen==1.11.1"]],
    },
}

_COMMON_WORKER = r'''
import json, os, statistics, sys, time
cfg = json.loads(sys.stdin.read())

def read(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]

def emit(result):
    print("RESULT:" + json.dumps(result), flush=True)

def summarise(fit_s, stamps, epochs):
    # stamps: time at the end of every epoch, relative to the start of fit
    times = [b - a for a, b in zip([0.0] + stamps[:-1], stamps)]
    per_epoch = statistics.median(times[1:] if len(times) > 1 else times)
    return per_epoch, max(0.0, fit_s - epochs * per_epoch)
'''

AMPLIGRAPH_WORKER = _COMMON_WORKER + r'''
t0 = time.perf_counter()
import numpy as np
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(cfg["threads"])
tf.config.threading.set_inter_op_parallelism_threads(cfg["threads"])
from ampligraph.latent_features import ScoringBasedEmbeddingModel
from ampligraph.evaluation import mrr_score, hits_at_n_score
import_s = time.perf_counter() - t0

class Stamps(tf.keras.callbacks.Callback):
    def __init__(self, start):
        super().__init__()
        self.start, self.stamps = start, []
    def on_epoch_end(self, epoch, logs=None):
        self.stamps.append(time.perf_counter() - self.start[0])

for job in cfg["jobs"]:
  X = {s: np.array(read(job[s]), dtype=object) for s in ("train", "valid", "test")}
  for seed in range(cfg["seeds"]):
    tf.random.set_seed(seed)
    np.random.seed(seed)
    model = ScoringBasedEmbeddingModel(k=cfg["k"], eta=cfg["eta"], scoring_type=job["model"],
                                       seed=seed)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=cfg["lr"]),
                  loss="multiclass_nll")
    start = [time.perf_counter()]
    cb = Stamps(start)
    model.fit(X["train"], batch_size=cfg["batch_size"], epochs=cfg["epochs"], verbose=False,
              callbacks=[cb])
    fit_s = time.perf_counter() - start[0]
    t0 = time.perf_counter()
    ranks = model.evaluate(X["test"],
                           use_filter={"train": X["train"], "valid": X["valid"],
                                       "test": X["test"]},
                           corrupt_side="s,o", verbose=False)
    eval_s = time.perf_counter() - t0
    per_epoch, fixed = summarise(fit_s, cb.stamps, cfg["epochs"])
    emit({"dataset": job["dataset"], "model": job["model"], "seed": seed, "s_per_epoch": per_epoch,
          "fit_fixed_s": fixed, "eval_s": eval_s, "mrr": float(mrr_score(ranks)),
          "hits10": float(hits_at_n_score(ranks, 10)), "import_s": import_s})
'''

PYKEEN_WORKER = _COMMON_WORKER + r'''
t0 = time.perf_counter()
import types
import numpy as np
import torch
torch.set_num_threads(cfg["threads"])
from pykeen.evaluation import RankBasedEvaluator
from pykeen.models import ComplEx, TransE
from pykeen.training import SLCWATrainingLoop
from pykeen.training.callbacks import TrainingCallback
from pykeen.triples import TriplesFactory
import pykeen.training.training_loop as training_loop
import_s = time.perf_counter() - t0
import gc as real_gc

class Stamps(TrainingCallback):
    def __init__(self, start):
        super().__init__()
        self.start, self.stamps = start, []
    def post_epoch(self, epoch, epoch_loss, **kwargs):
        self.stamps.append(time.perf_counter() - self.start[0])

for job in cfg["jobs"]:
    training_loop.gc = (types.SimpleNamespace(collect=lambda *a, **k: 0) if job["patch_gc"]
                        else real_gc)
    train = TriplesFactory.from_labeled_triples(np.array(read(job["train"]), dtype=str))
    other = {s: TriplesFactory.from_labeled_triples(np.array(read(job[s]), dtype=str),
                                                    entity_to_id=train.entity_to_id,
                                                    relation_to_id=train.relation_to_id)
             for s in ("valid", "test")}
    for seed in range(cfg["seeds"] if job["evaluate"] else 1):
      torch.manual_seed(seed)
      cls = {"TransE": TransE, "ComplEx": ComplEx}[job["model"]]
      kwargs = {"scoring_fct_norm": 1} if job["model"] == "TransE" else {}
      if job.get("init") == "xavier":  # PyKEEN's ComplEx defaults to a normal initialiser
          kwargs.update(entity_initializer="xavier_uniform",
                        relation_initializer="xavier_uniform")
      model = cls(triples_factory=train, embedding_dim=cfg["k"], loss="crossentropy",
                  random_seed=seed, **kwargs)
      loop = SLCWATrainingLoop(model=model, triples_factory=train,
                               optimizer=torch.optim.Adam(model.parameters(), lr=cfg["lr"]),
                               negative_sampler="basic",
                               negative_sampler_kwargs={"num_negs_per_pos": cfg["eta"]})
      start = [time.perf_counter()]
      cb = Stamps(start)
      loop.train(triples_factory=train, num_epochs=job["epochs"], batch_size=cfg["batch_size"],
                 use_tqdm=False, callbacks=[cb])
      fit_s = time.perf_counter() - start[0]
      per_epoch, fixed = summarise(fit_s, cb.stamps, job["epochs"])
      result = {"dataset": job["dataset"], "model": job["model"], "patch_gc": job["patch_gc"],
                "init": job.get("init", "default"),
                "seed": seed, "s_per_epoch": per_epoch, "fit_fixed_s": fixed,
                "import_s": import_s}
      if job["evaluate"]:
          t0 = time.perf_counter()
          res = RankBasedEvaluator(filtered=True).evaluate(
              model, other["test"].mapped_triples,
              additional_filter_triples=[train.mapped_triples, other["valid"].mapped_triples],
              use_tqdm=False, batch_size=256)
          result["eval_s"] = time.perf_counter() - t0
          result["mrr"] = float(res.get_metric("both.pessimistic.inverse_harmonic_mean_rank"))
          result["hits10"] = float(res.get_metric("both.pessimistic.hits_at_10"))
      emit(result)
'''


def _venv_python(name):
    return VENVS / name / "bin" / "python"


def ensure_venv(name, install_steps):
    """Create the anchor's venv on first use; return (python, None) or (None, reason)."""
    python = _venv_python(name)
    stamp = VENVS / name / ".installed"
    if stamp.is_file():
        return python, None
    print(f"  creating {VENVS / name} (first run only) ...", flush=True)
    try:
        if not python.is_file():
            subprocess.run(["python3", "-m", "venv", str(VENVS / name)],
                           check=True, capture_output=True, text=True)
        for packages in install_steps:
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", *packages],
                           check=True, capture_output=True, text=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return None, ("could not install: "
                      f"{detail.strip().splitlines()[-1] if detail.strip() else exc}")
    stamp.touch()
    return python, None


def run_worker(python, code, cfg, timeout):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    env.update(OMP_NUM_THREADS=str(cfg["threads"]), MKL_NUM_THREADS=str(cfg["threads"]),
               OPENBLAS_NUM_THREADS=str(cfg["threads"]), TF_CPP_MIN_LOG_LEVEL="3",
               CUDA_VISIBLE_DEVICES="")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(code)
    try:
        # cwd: AmpliGraph's logging config writes application.log into the working folder.
        proc = subprocess.run([str(python), f.name], input=json.dumps(cfg), capture_output=True,
                              text=True, timeout=timeout, env=env, cwd=tempfile.gettempdir())
    finally:
        os.unlink(f.name)
    results = [json.loads(line[7:]) for line in proc.stdout.splitlines()
               if line.startswith("RESULT:")]
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return results, f"exit {proc.returncode}: " + " | ".join(tail)
    return results, None


def run_ours(datasets, models, cfg):
    import torch

    from skbridge.estimators.kge import (
        ComplEx,
        TransE,
        evaluate_performance,
        hits_at_n_score,
        mrr_score,
    )

    torch.set_num_threads(cfg["threads"])
    classes = {"TransE": TransE, "ComplEx": ComplEx}
    out = []
    for dname, X in datasets.items():
        for mname in models:
            for seed in range(cfg["seeds"]):
                params = dict(k=cfg["k"], eta=cfg["eta"], batch_size=cfg["batch_size"],
                              optimizer_params={"lr": cfg["lr"]}, loss="multiclass_nll",
                              random_state=seed)
                if seed == 0:
                    # warm-up (first-call costs)
                    classes[mname](epochs=1, **params).fit(X["train"])
                t0 = time.perf_counter()
                classes[mname](epochs=0, **params).fit(X["train"])
                fixed = time.perf_counter() - t0
                t0 = time.perf_counter()
                model = classes[mname](epochs=cfg["epochs"], **params).fit(X["train"])
                fit_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                ranks = evaluate_performance(X["test"], model,
                                             filter_triples=[X["train"], X["valid"], X["test"]],
                                             corrupt_side="s,o")
                eval_s = time.perf_counter() - t0
                out.append({"dataset": dname, "model": mname, "seed": seed,
                            "s_per_epoch": (fit_s - fixed) / cfg["epochs"],
                            "fit_fixed_s": fixed, "eval_s": eval_s, "mrr": mrr_score(ranks),
                            "hits10": hits_at_n_score(ranks, 10)})
    return out


def aggregate(results):
    """Per (dataset, model): median timings and mean +- standard error of quality over seeds."""
    groups = {}
    for r in results:
        groups.setdefault((r["dataset"], r["model"]), []).append(r)
    out = {}
    for key, rs in groups.items():
        agg = {k: statistics.median(r[k] for r in rs)
               for k in ("s_per_epoch", "fit_fixed_s", "eval_s")
               if all(k in r for r in rs)}
        for k in ("mrr", "hits10"):
            vals = [r[k] for r in rs if k in r]
            if vals:
                agg[k] = statistics.fmean(vals)
                agg[k + "_se"] = statistics.stdev(vals) / len(vals) ** 0.5 if len(vals) > 1 else 0.0
        agg["n"] = len(rs)
        out[key] = agg
    return out


def write_results(index, rows, datasets, models, cfg):
    """``results/kge.csv`` and ``results/kge.rst`` (a list-table for the docs page)."""
    RESULTS.mkdir(exist_ok=True)
    nan = float("nan")
    header = ["dataset", "model", "library", "s/epoch", "fit fixed s", "eval s", "MRR",
              "MRR se", "Hits@10", "seeds"]
    lines = [",".join(header)]
    table = [header[:6] + ["MRR (mean ± se)", "Hits@10"]]
    for dname in datasets:
        for mname in models:
            for lib in rows:
                r = index.get((lib, dname, mname))
                if r is None:
                    continue
                lines.append(",".join(str(v) for v in (
                    dname, mname, lib, f"{r['s_per_epoch']:.4f}", f"{r['fit_fixed_s']:.3f}",
                    f"{r.get('eval_s', nan):.3f}", f"{r.get('mrr', nan):.4f}",
                    f"{r.get('mrr_se', nan):.4f}", f"{r.get('hits10', nan):.4f}", r["n"])))
                table.append([dname, mname, lib, f"{r['s_per_epoch']:.4f}",
                              f"{r['fit_fixed_s']:.3f}", f"{r.get('eval_s', nan):.3f}",
                              f"{r.get('mrr', nan):.3f} ± {r.get('mrr_se', nan):.3f}",
                              f"{r.get('hits10', nan):.3f}"])
    (RESULTS / "kge.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rst = [f".. list-table:: k={cfg['k']}, eta={cfg['eta']}, batch {cfg['batch_size']}, "
           f"{cfg['epochs']} epochs, Adam {cfg['lr']}, {cfg['threads']} thread(s), seeds 0-"
           f"{cfg['seeds'] - 1}: medians of the timings, mean MRR ± standard error",
           "   :header-rows: 1", ""]
    for row in table:
        rst.append(f"   * - {row[0]}")
        rst.extend(f"     - {cell}" for cell in row[1:])
    (RESULTS / "kge.rst").write_text("\n".join(rst) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / 'kge.csv'} and {RESULTS / 'kge.rst'} "
          "(copy the RST to docs/_static/kge_benchmark.rst)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 epochs, for a smoke run")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for every library (default 1)")
    parser.add_argument("--no-anchors", action="store_true", help="ours only")
    parser.add_argument("--seeds", type=int, default=5,
                        help="seeds per library, dataset and model (default 5): timings are the "
                             "median over seeds, MRR and Hits@10 the mean +- standard error")
    args = parser.parse_args(argv)

    from skbridge.datasets import load_nations, load_umls

    epochs = 20 if args.quick else 100
    cfg = {"k": 100, "eta": 10, "batch_size": 512, "lr": 0.005, "epochs": epochs,
           "threads": args.threads, "seeds": args.seeds}
    datasets = {"UMLS": load_umls(), "Nations": load_nations()}
    models = ["TransE", "ComplEx"]
    print(f"k={cfg['k']} eta={cfg['eta']} batch={cfg['batch_size']} epochs={epochs} "
          f"Adam lr={cfg['lr']} multiclass NLL; threads={args.threads}; seeds={args.seeds}; "
          f"cores: {os.cpu_count()}\n", flush=True)

    rows = {"ours (skbridge)": run_ours(datasets, models, cfg)}
    notes = []
    if not args.no_anchors:
        tmp = Path(tempfile.mkdtemp(prefix="kge-bench-"))
        files = {}
        for dname, X in datasets.items():
            for split in ("train", "valid", "test"):
                path = tmp / f"{dname}-{split}.txt"
                path.write_text("".join("\t".join(t) + "\n" for t in X[split].tolist()),
                                encoding="utf-8")
                files[dname, split] = str(path)
        jobs = [{"dataset": d, "model": m, **{s: files[d, s] for s in ("train", "valid", "test")}}
                for d in datasets for m in models]
        for anchor, spec in ANCHORS.items():
            python, problem = ensure_venv(spec["venv"], spec["install"])
            if problem:
                notes.append(f"{anchor}: not run, {problem}")
                continue
            if anchor.startswith("AmpliGraph"):
                results, problem = run_worker(python, AMPLIGRAPH_WORKER, {**cfg, "jobs": jobs},
                                              1800)
                rows[anchor] = results
            else:
                pk_jobs = [{**j, "epochs": epochs, "patch_gc": True, "evaluate": True}
                           for j in jobs]
                # Its best setting too: ComplEx with xavier_uniform initialisers (TransE's
                # default initialisers are xavier_uniform already).
                pk_jobs += [{**j, "epochs": epochs, "patch_gc": True, "evaluate": True,
                             "init": "xavier"} for j in jobs if j["model"] == "ComplEx"]
                pk_jobs += [{**j, "epochs": 5, "patch_gc": False, "evaluate": False}
                            for j in jobs if j["dataset"] == "UMLS"]
                results, problem = run_worker(python, PYKEEN_WORKER, {**cfg, "jobs": pk_jobs},
                                              3600)
                rows[anchor + " (gc patched)"] = [r for r in results if r["patch_gc"]
                                                  and r.get("init") == "default"]
                rows[anchor + " xavier (gc patched)"] = [r for r in results if r["patch_gc"]
                                                         and r.get("init") == "xavier"]
                shipped = [r for r in results if not r["patch_gc"]]
                for r in shipped:
                    notes.append("PyKEEN as shipped (per-epoch gc.collect, 5 epochs): "
                                 f"{r['dataset']} {r['model']} {r['s_per_epoch']:.3f} s/epoch")
            if problem:
                notes.append(f"{anchor}: {problem}")
            for r in results:
                if "import_s" in r:
                    notes.append(f"{anchor}: import time {r['import_s']:.1f} s (not counted)")
                    break

    header = (f"{'dataset':<8} {'model':<8} {'library':<34} {'s/epoch':>8} {'fit fixed s':>11} "
              f"{'eval s':>7} {'MRR (mean +- se)':>17} {'Hits@10':>7}")
    print(header)
    print("-" * len(header))
    index = {}
    for lib, results in rows.items():
        for (dname, mname), agg in aggregate(results).items():
            index[lib, dname, mname] = agg
    nan = float("nan")
    for dname in datasets:
        for mname in models:
            for lib in rows:
                r = index.get((lib, dname, mname))
                if r is None:
                    continue
                mrr = f"{r.get('mrr', nan):.3f} +- {r.get('mrr_se', nan):.3f}"
                print(f"{dname:<8} {mname:<8} {lib:<34} {r['s_per_epoch']:>8.4f} "
                      f"{r['fit_fixed_s']:>11.3f} {r.get('eval_s', nan):>7.3f} {mrr:>17} "
                      f"{r.get('hits10', nan):>7.3f}")

    print("\nRatios (anchor s/epoch / ours; target >= 1.5x the faster anchor), fixed costs "
          f"(targets: fit <= {TARGET_FIT_FIXED} s, UMLS evaluation <= {TARGET_EVAL} s), MRR over "
          f"{args.seeds} seed(s) (equal = within two standard errors of the difference):")
    ours = "ours (skbridge)"
    for dname in datasets:
        for mname in models:
            o = index[ours, dname, mname]
            anchors = {lib: index[lib, dname, mname] for lib in rows
                       if lib != ours and (lib, dname, mname) in index}
            parts = [f"{lib.replace(' (gc patched)', '')} "
                     f"{a['s_per_epoch'] / o['s_per_epoch']:.2f}x" for lib, a in anchors.items()]
            if anchors:
                fastest = min(anchors.values(), key=lambda a: a["s_per_epoch"])
                speedup = fastest["s_per_epoch"] / o["s_per_epoch"]
                best = max(anchors.values(), key=lambda a: a.get("mrr", 0))
                diff = o["mrr"] - best["mrr"]
                se = (o["mrr_se"] ** 2 + best["mrr_se"] ** 2) ** 0.5
                quality = "better" if diff > 2 * se else "equal" if diff >= -2 * se else "worse"
                verdict = (f"vs faster anchor {speedup:.2f}x "
                           f"{'MET' if speedup >= TARGET_SPEEDUP else 'NOT MET'}; "
                           f"MRR {o['mrr']:.3f} vs best anchor {best['mrr']:.3f} "
                           f"({diff:+.3f}, se {se:.3f}): "
                           f"{quality} {'MET' if quality != 'worse' else 'NOT MET'}")
            else:
                verdict = "no anchor ran"
            fixed_ok = (o["fit_fixed_s"] <= TARGET_FIT_FIXED
                        and (dname != "UMLS" or o["eval_s"] <= TARGET_EVAL))
            print(f"  {dname:<8} {mname:<8} {', '.join(parts) or '-'}; {verdict}; "
                  f"fixed fit {o['fit_fixed_s']:.3f} s, "
                  f"eval {o['eval_s']:.3f} s {'MET' if fixed_ok else 'NOT MET'}")
    if notes:
        print("\nNotes:")
        for note in notes:
            print("  " + note)
    write_results(index, rows, datasets, models, cfg)


if __name__ == "__main__":
    main()
