"""Benchmark: per-epoch time of NeuralNetClassifier against a hand-written loop, skorch and Keras.

One run times, on the same data, model and batch size:

* ours: ``skbridge.estimators.neural.NeuralNetClassifier`` with ``backend="torch"``
  and ``backend="keras"`` (Adam, no validation split, ``verbose=0``);
* a hand-written PyTorch loop: tensors made once, ``randperm`` shuffling, Adam,
  ``CrossEntropyLoss``, the epoch's loss summed with ``loss.item()``;
* skorch 1.4 (``train_split=None``, shuffled batches, Adam, ``CrossEntropyLoss``)
  in its own virtual environment ``benchmarks/.venvs/skorch`` (git-ignored; created
  on first use with ``torch==2.13.0``, the CPU wheel on local disk, then
  ``skorch==1.4.0``), run as a subprocess;
* raw Keras 3: ``model.compile(Adam, sparse categorical cross-entropy)`` (no
  metric, as ours compiles; ``jit_compile`` left at its default, as ours) and one
  ``model.fit(..., epochs=E, shuffle=True)`` call; and, for information, a
  hand-written Keras loop (``train_on_batch`` over shuffled batches, the same
  compile), the fastest way to drive a Keras model on a CPU.

Models: LeNet-5 on (n, 28, 28, 1) images and an MLP on the same images
flattened to (n, 784). The anchors train the very architecture ours built: the
hand-written loop a deep copy of our fitted torch module with its parameters
re-initialised (seed 0), skorch that copy traced with ``torch.fx`` and pickled
(so it needs no skbridge import), raw Keras ``keras.models.clone_model`` of our
Keras model (fresh weights). Data: scikit-learn's 1,797 digits, upscaled 3x
(8x8 -> 24x24, padded to 28x28), repeated with Gaussian noise (sd 0.05) to
``--n-samples`` images.

Seconds per epoch is the median epoch time with each run's first epoch left out
(graph tracing, allocator warm-up), pooled over ``--repeats`` runs per library
(ours and its anchors alternate; one tiny fit of ours per backend and model
comes first, untimed, for the backend's lazy imports). Ours and skorch report their own per-epoch
durations (``history_[i]["dur"]``, ``history[i]["dur"]``); the hand-written loop
and raw Keras are timed around each epoch. "fit s" is the wall time of one whole
``fit`` (median over runs), so a per-fit cost hidden from the epoch timer shows
there. Every library runs on the same number of threads (``--threads``, default
1): ``torch.set_num_threads`` and TensorFlow's intra-/inter-op pools, plus
OMP/MKL/OpenBLAS variables for the skorch subprocess.

Targets: ours / hand-written <= 1.10 and ours (keras) / raw Keras <= 1.10;
skorch / ours > 1 (faster than skorch). The table is also written to
``benchmarks/results/neural.csv`` (git-ignored).

Run with ``python benchmarks/neural.py [--quick] [--threads N] [--no-anchors]``;
``--dense`` runs the segmenter and detector benchmark (``benchmarks/neural_dense.py``).
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
import copy  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENVS = HERE / ".venvs"
RESULTS = HERE / "results"
TARGET_OVERHEAD = 1.10
LEARNING_RATE = 1e-3
MODELS = ("lenet5", "mlp")

SKORCH = {
    "name": "skorch 1.4.0",
    "venv": "skorch",
    # torch first: the CPU wheel on local disk, else pip pulls a CUDA build
    "install": [["torch==2.13.0"], ["skorch==1.4.0"]],
}

SKORCH_WORKER = r'''
import json, statistics, sys, time
cfg = json.loads(sys.stdin.read())
sys.path.append(cfg["repo"])  # only if a pickled module still refers to skbridge
t0 = time.perf_counter()
import numpy as np
import torch
torch.set_num_threads(cfg["threads"])
import skorch
from skorch import NeuralNetClassifier
import_s = time.perf_counter() - t0

for job in cfg["jobs"]:
    X = np.load(job["X"])
    y = np.load(job["y"])
    for run in range(cfg["repeats"]):
        module = torch.load(job["module"], weights_only=False)
        torch.manual_seed(run)
        net = NeuralNetClassifier(
            module, criterion=torch.nn.CrossEntropyLoss, optimizer=torch.optim.Adam,
            lr=cfg["lr"], max_epochs=cfg["epochs"], batch_size=cfg["batch_size"],
            train_split=None, iterator_train__shuffle=True, device="cpu", verbose=0)
        t0 = time.perf_counter()
        net.fit(X, y)
        fit_s = time.perf_counter() - t0
        print("RESULT:" + json.dumps({
            "model": job["model"], "run": run, "epoch_s": list(net.history[:, "dur"]),
            "fit_s": fit_s, "final_loss": float(net.history[-1, "train_loss"]),
            "n_params": sum(p.numel() for p in net.module_.parameters()),
            "threads": torch.get_num_threads(), "import_s": import_s,
            "version": skorch.__version__, "torch": torch.__version__}), flush=True)
'''


# -- data -------------------------------------------------------------------------------


def make_data(n_samples, seed=0):
    """Digits upscaled to 28x28, repeated with noise: X (n, 28, 28, 1) float32, y int64."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.kron(digits.images / 16.0, np.ones((3, 3)))  # (1797, 24, 24)
    images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    rng = np.random.default_rng(seed)
    reps = -(-n_samples // len(images))
    idx = rng.permutation(np.tile(np.arange(len(images)), reps))[:n_samples]
    X = images[idx] + rng.normal(0.0, 0.05, size=(n_samples, 28, 28))
    X = np.clip(X, 0.0, 1.0).astype(np.float32)[..., None]
    return X, digits.target[idx].astype(np.int64)


def model_input(name, X):
    """LeNet-5 takes the images, the MLP the flattened pixels."""
    return X if name == "lenet5" else X.reshape(len(X), -1)


def _median_after_first(runs):
    """Median of the epoch times of every run, each run's first epoch left out."""
    pooled = [t for times in runs for t in (times[1:] if len(times) > 1 else times)]
    return statistics.median(pooled)


# -- ours -------------------------------------------------------------------------------


def fit_ours(backend, name, X, y, cfg, seed):
    from skbridge.estimators.neural import NeuralNetClassifier

    est = NeuralNetClassifier(
        module=name, backend=backend, epochs=cfg["epochs"], batch_size=cfg["batch_size"],
        optimizer="adam", learning_rate=LEARNING_RATE, random_state=seed, device="cpu",
        verbose=0,
    )
    t0 = time.perf_counter()
    est.fit(X, y)
    fit_s = time.perf_counter() - t0
    history = est.history_
    epoch_s = [h["dur"] for h in history] if all("dur" in h for h in history) else None
    if epoch_s is None:  # no per-epoch durations: the fit time, evenly
        epoch_s = [fit_s / len(history)] * len(history)
    return est, {"epoch_s": epoch_s, "fit_s": fit_s, "final_loss": float(history[-1]["loss"])}


# -- torch anchors ----------------------------------------------------------------------


def fresh_torch_copy(module, seed):
    """A deep copy of ``module`` with every parameter re-initialised from ``seed``."""
    import torch

    clone = copy.deepcopy(module).cpu()
    torch.manual_seed(seed)
    for sub in clone.modules():
        if hasattr(sub, "reset_parameters"):
            sub.reset_parameters()
    return clone


def fit_hand_written(module, X_chw, y, cfg, seed):
    """The loop a PyTorch user writes: tensors once, randperm, Adam, CrossEntropyLoss."""
    import torch

    torch.manual_seed(seed)
    model = module.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    t_start = time.perf_counter()
    Xt, yt = torch.from_numpy(X_chw), torch.from_numpy(y)
    n, batch_size = len(Xt), cfg["batch_size"]
    epoch_s = []
    for _ in range(cfg["epochs"]):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            xb, yb = Xt[idx], yt[idx]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        epoch_s.append(time.perf_counter() - t0)
    return {"epoch_s": epoch_s, "fit_s": time.perf_counter() - t_start, "final_loss": total / n}


def to_channels_first(X):
    return np.ascontiguousarray(X.transpose(0, 3, 1, 2)) if X.ndim == 4 else X


def warm_up(backend, name, X, y):
    """One tiny fit first: the backend's lazy imports are not a cost of the timed fits."""
    fit_ours(backend, name, model_input(name, X[:64]), y[:64], {"epochs": 1, "batch_size": 32}, 0)


def torch_rows(name, X, y, cfg, skorch_jobs, tmp):
    """Ours (torch) and the hand-written loop, alternating; prepares the skorch job."""
    import torch

    warm_up("torch", name, X, y)
    Xm = model_input(name, X)
    X_chw = to_channels_first(Xm)
    ours, hand = [], []
    module = None
    for run in range(cfg["repeats"]):
        est, result = fit_ours("torch", name, Xm, y, cfg, seed=run)
        ours.append(result)
        module = est.module_
        hand.append(fit_hand_written(fresh_torch_copy(module, run), X_chw, y, cfg, run))
    n_params = sum(p.numel() for p in module.parameters())
    threads = torch.get_num_threads()
    for r in ours + hand:
        r["n_params"], r["threads"] = n_params, threads
    # skorch trains a traced copy of the same architecture
    try:
        traced = torch.fx.symbolic_trace(fresh_torch_copy(module, 0))
        path = tmp / f"{name}.pt"
        torch.save(traced, path)
        np.save(tmp / f"{name}-X.npy", X_chw)
        np.save(tmp / f"{name}-y.npy", y)
        skorch_jobs.append({"model": name, "module": str(path), "X": str(tmp / f"{name}-X.npy"),
                            "y": str(tmp / f"{name}-y.npy")})
        note = None
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        note = f"skorch not run on {name}: torch.fx could not trace our module ({exc})"
    return {"ours (torch)": ours, "hand-written PyTorch": hand}, note


# -- keras ------------------------------------------------------------------------------


def import_keras(threads):
    """Keras 3 through skbridge.compat.keras (TF_USE_LEGACY_KERAS first), threads set."""
    try:
        from skbridge.compat.keras import keras3

        keras = keras3()
    except ImportError:
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        import keras
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    except RuntimeError:  # the runtime already started: report what it runs with
        pass
    return keras, tf


def fit_raw_keras(keras, model, X, y, cfg, seed):
    keras.utils.set_random_seed(seed)
    _compile_raw(keras, model)
    stamps = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            stamps.append(time.perf_counter() - self.t0)

    t0 = time.perf_counter()
    hist = model.fit(X, y, batch_size=cfg["batch_size"], epochs=cfg["epochs"], shuffle=True,
                     verbose=0, callbacks=[Timer()])
    return {"epoch_s": stamps, "fit_s": time.perf_counter() - t0,
            "final_loss": float(hist.history["loss"][-1])}


def _compile_raw(keras, model):
    last = model.layers[-1]
    from_logits = getattr(last, "activation", None) is not keras.activations.softmax
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
    )


def fit_keras_loop(keras, model, X, y, cfg, seed):
    """A hand-written Keras loop: ``train_on_batch`` over shuffled batches."""
    keras.utils.set_random_seed(seed)
    _compile_raw(keras, model)
    rng = np.random.default_rng(seed)
    n, batch_size = len(X), cfg["batch_size"]
    epoch_s = []
    t_start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        t0 = time.perf_counter()
        perm = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            total += float(model.train_on_batch(X[idx], y[idx])) * len(idx)
        epoch_s.append(time.perf_counter() - t0)
    return {"epoch_s": epoch_s, "fit_s": time.perf_counter() - t_start, "final_loss": total / n}


def keras_rows(name, X, y, cfg, keras, tf):
    warm_up("keras", name, X, y)
    Xm = model_input(name, X)
    ours, raw, loop = [], [], []
    for run in range(cfg["repeats"]):
        est, result = fit_ours("keras", name, Xm, y, cfg, seed=run)
        ours.append(result)
        # same layers, fresh weights
        raw.append(fit_raw_keras(keras, keras.models.clone_model(est.model_), Xm, y, cfg, run))
        loop.append(fit_keras_loop(keras, keras.models.clone_model(est.model_), Xm, y, cfg,
                                   run))
    n_params = int(est.model_.count_params())
    threads = tf.config.threading.get_intra_op_parallelism_threads() or "default"
    for r in ours + raw + loop:
        r["n_params"], r["threads"] = n_params, threads
    return {"ours (keras)": ours, "raw keras.Model.fit": raw, "hand-written Keras": loop}


# -- skorch subprocess ------------------------------------------------------------------


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
        detail = (getattr(exc, "stderr", "") or str(exc)).strip()
        return None, f"could not install: {detail.splitlines()[-1] if detail else exc}"
    stamp.touch()
    return python, None


def run_skorch(jobs, cfg, timeout=3600):
    python, problem = ensure_venv(SKORCH["venv"], SKORCH["install"])
    if problem:
        return [], f"{SKORCH['name']}: not run, {problem}"
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    threads = str(cfg["threads"])
    env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads,
               CUDA_VISIBLE_DEVICES="")
    worker_cfg = {**cfg, "jobs": jobs, "repo": str(REPO)}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(SKORCH_WORKER)
    try:
        proc = subprocess.run([str(python), f.name], input=json.dumps(worker_cfg),
                              capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=tempfile.gettempdir())
    finally:
        os.unlink(f.name)
    results = [json.loads(line[7:]) for line in proc.stdout.splitlines()
               if line.startswith("RESULT:")]
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return results, f"{SKORCH['name']}: exit {proc.returncode}: " + " | ".join(tail)
    return results, None


# -- report -----------------------------------------------------------------------------


def summarise(runs):
    return {
        "s_per_epoch": _median_after_first([r["epoch_s"] for r in runs]),
        "fit_s": statistics.median(r["fit_s"] for r in runs),
        "final_loss": statistics.median(r["final_loss"] for r in runs),
        "n_params": runs[0].get("n_params"),
        "threads": runs[0].get("threads"),
        "runs": len(runs),
    }


RATIOS = [
    # (label, numerator, denominator, target test, target text)
    ("ours / hand-written", "ours (torch)", "hand-written PyTorch",
     lambda r: r <= TARGET_OVERHEAD, f"<= {TARGET_OVERHEAD:.2f}"),
    ("ours / raw Keras", "ours (keras)", "raw keras.Model.fit",
     lambda r: r <= TARGET_OVERHEAD, f"<= {TARGET_OVERHEAD:.2f}"),
    ("skorch / ours", SKORCH["name"], "ours (torch)", lambda r: r > 1.0, "> 1.00"),
    ("ours / hand-written Keras", "ours (keras)", "hand-written Keras", None, "none, info"),
]


def report(table, cfg, notes):
    header = (f"{'model':<7} {'library':<22} {'s/epoch':>8} {'fit s':>7} {'final loss':>10} "
              f"{'params':>8} {'threads':>7} {'runs':>4}")
    print(header)
    print("-" * len(header))
    rows = []
    for (name, lib), s in table.items():
        print(f"{name:<7} {lib:<22} {s['s_per_epoch']:>8.4f} {s['fit_s']:>7.2f} "
              f"{s['final_loss']:>10.4f} {s['n_params'] or '-':>8} {s['threads']:>7} "
              f"{s['runs']:>4}")
        rows.append({"model": name, "library": lib, **s, "batch_size": cfg["batch_size"],
                     "n_samples": cfg["n_samples"], "epochs": cfg["epochs"]})
    print("\nRatios of seconds per epoch (targets: overhead <= "
          f"{TARGET_OVERHEAD:.2f}x the hand-written loop and raw Keras; faster than skorch):")
    for name in MODELS:
        parts = []
        for label, num, den, ok, target in RATIOS:
            a, b = table.get((name, num)), table.get((name, den))
            if a is None or b is None:
                continue
            ratio = a["s_per_epoch"] / b["s_per_epoch"]
            verdict = "" if ok is None else ": MET" if ok(ratio) else ": NOT MET"
            parts.append(f"{label} {ratio:.2f}x (target {target}{verdict})")
            rows.append({"model": name, "library": f"ratio {label}", "ratio": ratio})
        if parts:
            print(f"  {name:<7} " + ";\n          ".join(parts))
    if notes:
        print("\nNotes:")
        for note in notes:
            print("  " + note)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("neural-quick.csv" if cfg["quick"] else "neural.csv")
    fields = ["model", "library", "ratio", "s_per_epoch", "fit_s", "final_loss", "n_params",
              "threads", "runs", "batch_size", "n_samples", "epochs"]
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nWritten: {out.relative_to(REPO)}")
    if not cfg["quick"]:
        rst = RESULTS / "neural.rst"
        rst.write_text(rst_table(table, cfg))
        print(f"Written: {rst.relative_to(REPO)} (copy to docs/_static/neural_benchmark.rst)")


def rst_table(table, cfg):
    """The seconds-per-epoch table as an RST list-table, for the docs page."""
    lines = [
        ".. list-table:: Seconds per epoch ({n_samples} images, batch {batch_size}, "
        "{epochs} epochs, median of {repeats} runs)".format(**cfg),
        "   :header-rows: 1",
        "",
        "   * - model",
        "     - library",
        "     - s / epoch",
        "     - relative to ours",
    ]
    for (name, library), row in table.items():
        ours = "ours (keras)" if "eras" in library else "ours (torch)"
        base = table.get((name, ours))
        relative = row["s_per_epoch"] / base["s_per_epoch"] if base else float("nan")
        lines += [f"   * - {name}", f"     - {library}", f"     - {row['s_per_epoch']:.4f}",
                  f"     - {relative:.2f}x"]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1,024 images, 3 epochs, 1 run per library")
    parser.add_argument("--threads", type=int, default=1, help="threads for every library")
    parser.add_argument("--n-samples", type=int, default=None, help="images (default 7,200)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per fit (default 10)")
    parser.add_argument("--repeats", type=int, default=None, help="fits per library (default 3)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--models", default=",".join(MODELS), help="lenet5,mlp")
    parser.add_argument("--backends", default="torch,keras", help="torch,keras")
    parser.add_argument("--no-anchors", action="store_true", help="ours only (no skorch)")
    parser.add_argument("--dense", action="store_true",
                        help="the segmenter and detector instead (benchmarks/neural_dense.py; "
                             "--quick and --threads apply)")
    args, rest = parser.parse_known_args(argv)
    if args.dense:
        import importlib.util

        spec = importlib.util.spec_from_file_location("neural_dense", HERE / "neural_dense.py")
        dense = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(dense)
        return dense.main([*(["--quick"] if args.quick else []),
                           "--threads", str(args.threads), *rest])
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

    quick = args.quick
    cfg = {
        "quick": quick, "threads": args.threads, "batch_size": args.batch_size,
        "lr": LEARNING_RATE,
        "n_samples": args.n_samples or (1024 if quick else 7200),
        "epochs": args.epochs or (3 if quick else 10),
        "repeats": args.repeats or (1 if quick else 3),
    }
    models = [m for m in args.models.split(",") if m]
    backends = [b for b in args.backends.split(",") if b]

    import torch

    torch.set_num_threads(args.threads)
    X, y = make_data(cfg["n_samples"])
    print(f"digits upscaled to 28x28 + noise: {X.shape[0]} images, 10 classes; batch "
          f"{cfg['batch_size']}, {cfg['epochs']} epochs x {cfg['repeats']} run(s), Adam lr "
          f"{LEARNING_RATE}; threads={args.threads}; cores: {os.cpu_count()}; torch "
          f"{torch.__version__}; Python {platform.python_version()}\n", flush=True)

    runs, notes = {}, []
    tmp = Path(tempfile.mkdtemp(prefix="neural-bench-"))
    skorch_jobs = []
    if "torch" in backends:
        for name in models:
            rows, note = torch_rows(name, X, y, cfg, skorch_jobs, tmp)
            runs.update({(name, lib): r for lib, r in rows.items()})
            notes += [note] if note else []
        if skorch_jobs and not args.no_anchors:
            try:
                results, problem = run_skorch(skorch_jobs, cfg)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            for r in results:
                runs.setdefault((r["model"], SKORCH["name"]), []).append(r)
            if results:
                r = results[0]
                notes.append(f"{SKORCH['name']}: skorch {r['version']}, torch {r['torch']}, "
                             f"import {r['import_s']:.1f} s (not counted)")
            notes += [problem] if problem else []
    if "keras" in backends:
        keras, tf = import_keras(args.threads)
        notes.append(f"Keras {keras.__version__} on TensorFlow {tf.__version__}")
        for name in models:
            rows = keras_rows(name, X, y, cfg, keras, tf)
            runs.update({(name, lib): r for lib, r in rows.items()})

    order = ["ours (torch)", "hand-written PyTorch", SKORCH["name"], "ours (keras)",
             "raw keras.Model.fit", "hand-written Keras"]
    table = {(name, lib): summarise(runs[name, lib])
             for name in models for lib in order if (name, lib) in runs}
    report(table, cfg, notes)


if __name__ == "__main__":
    main()
