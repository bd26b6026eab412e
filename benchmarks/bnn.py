"""Benchmark: binarized networks against their float32 twin, under each inference engine.

One run trains, on the same data (scikit-learn's 1,797 digits, 25 % held out,
stratified, seed 0) and with the same settings (Adam, learning rate 1e-2,
10 epochs, batch 64, seed 0):

* the float32 twin: ``BinaryNetClassifier`` with ``input_quantizer=None,
  kernel_quantizer=None, kernel_constraint=None``, the same architecture with
  ReLU activations and float weights (a fair network, not a crippled one);
* the binary model with a float first layer (``first_layer_binary=False``,
  the default) and with every layer binary (``first_layer_binary=True``).

Each model is measured under each engine that runs it: ``keras`` (the tf-keras
model called as ``model(x, training=False)``: ``predict``'s fixed overhead of
tens of milliseconds would hide everything else), ``lce`` (the model converted
by Larq Compute Engine 0.16 and run by its interpreter; on x86 it runs its
reference kernels, and converted models take one sample per call) and
``bitpacked`` (ours). Columns: test accuracy; bytes of the deployable
artefact (the TF-Lite / LCE flatbuffer, or the bit-packed engine's arrays;
not larq's 1-bit estimate); median latency of one sample; throughput at batch
256 (median of the repeated calls). Every engine runs on ``--threads`` threads
(default 1): TensorFlow's intra- and inter-op pools, LCE's interpreter, numba.

Targets (issue 13): the binary model's deployable file at least 20x smaller
than the float twin's (every layer binary); the bit-packed engine's batch-256
throughput on the binary MLP at least 2x the float twin's ``model(x)`` and 3x
LCE's, its batch-1 latency below LCE's; accuracy within 2 points of the twin.

Run with ``python benchmarks/bnn.py [--quick] [--threads N] [--archs mlp,convnet]``.
Results also go to ``benchmarks/results/bnn.csv`` and ``bnn.rst`` (git-ignored;
copy the RST to ``docs/_static/bnn_benchmark.rst``). OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE are removed for this process (the script re-executes itself).
"""

import os
import sys

_SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _SLOW_BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path  # noqa: E402

_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p and str(Path(p).resolve()) != _HERE]
sys.path.insert(0, str(Path(_HERE).parent))

import argparse  # noqa: E402
import csv  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from skbridge.compat import keras as compat_keras  # noqa: E402  (TF_USE_LEGACY_KERAS first)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
FLOAT = {"input_quantizer": None, "kernel_quantizer": None, "kernel_constraint": None}
VARIANTS = {  # label -> (parameters, engines)
    "float32 twin": (FLOAT, ("keras", "lce")),
    "binary": ({}, ("keras", "lce", "bitpacked")),
    "binary, all layers": ({"first_layer_binary": True}, ("keras", "lce", "bitpacked")),
}


def _timed(fn, repeats, warmup=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _runner(clf, engine, threads):
    """A function ``run(X) -> probabilities`` calling the engine with nothing around it."""
    if engine == "keras":
        model = clf.model_
        return lambda X: model(X, training=False)
    if engine == "lce":
        import larq_compute_engine as lce

        interpreter = lce.testing.Interpreter(clf._engine("lce").flatbuffer, num_threads=threads)
        return interpreter.predict
    return clf._engine("bitpacked").predict_proba


def _size(clf, engine):
    if engine == "bitpacked":
        return int(clf._engine("bitpacked").nbytes)
    return int(clf._engine("lce").nbytes)  # the keras model deploys as the TF-Lite file


def measure(arch, label, params, engines, data, cfg):
    from skbridge.estimators.bnn import BinaryNetClassifier

    X_train, X_test, y_train, y_test = data
    if arch != "mlp":
        X_train, X_test = X_train.reshape(-1, 8, 8), X_test.reshape(-1, 8, 8)
    start = time.perf_counter()
    clf = BinaryNetClassifier(architecture=arch, epochs=cfg["epochs"], random_state=0,
                              **params).fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    X_test = X_test.astype(np.float32)
    batch = np.ascontiguousarray(np.resize(X_test, (256, *X_test.shape[1:])))
    one = np.ascontiguousarray(X_test[:1])
    rows = []
    for engine in engines:
        clf.set_params(inference=engine)
        accuracy = clf.score(X_test, y_test)
        run = _runner(clf, engine, cfg["threads"])
        latency = _timed(lambda: run(one), cfg["latency_repeats"])
        per_batch = _timed(lambda: run(batch), cfg["batch_repeats"], warmup=2)
        rows.append({
            "arch": arch, "model": label, "engine": engine, "accuracy": accuracy,
            "bytes": _size(clf, engine), "latency_us": latency * 1e6,
            "throughput": 256 / per_batch, "fit_s": fit_s, "threads": cfg["threads"],
        })
        print(f"  {arch:<8} {label:<20} {engine:<10} acc {accuracy:.4f}  "
              f"{rows[-1]['bytes'] / 1024:9.1f} KiB  {rows[-1]['latency_us']:9.1f} us  "
              f"{rows[-1]['throughput']:11,.0f} img/s", flush=True)
    return rows


def ratios(rows, arch):
    """The issue's targets, as ratios with a verdict."""
    def get(model, engine):
        return next((r for r in rows if r["arch"] == arch and r["model"] == model
                     and r["engine"] == engine), None)

    twin_file = get("float32 twin", "lce")
    lines = []
    for label in ("binary", "binary, all layers"):
        lce_row, packed = get(label, "lce"), get(label, "bitpacked")
        if twin_file and lce_row:
            lines.append((f"{label}: float file / LCE file", twin_file["bytes"] / lce_row["bytes"],
                          20 if label == "binary, all layers" else None))
        if twin_file and packed:
            lines.append((f"{label}: float file / bit-packed bytes",
                          twin_file["bytes"] / packed["bytes"],
                          20 if label == "binary, all layers" else None))
    twin, lce_row, packed = get("float32 twin", "keras"), get("binary", "lce"), get("binary",
                                                                                 "bitpacked")
    if twin and packed:
        lines.append(("bit-packed / float twin model(x), batch-256 throughput",
                      packed["throughput"] / twin["throughput"], 2))
        lines.append(("accuracy: float twin - binary (points)",
                      100 * (twin["accuracy"] - packed["accuracy"]), -2))
    if lce_row and packed:
        lines.append(("bit-packed / LCE, batch-256 throughput",
                      packed["throughput"] / lce_row["throughput"], 3))
        lines.append(("LCE / bit-packed, batch-1 latency",
                      lce_row["latency_us"] / packed["latency_us"], 1))
    return lines


def rst_table(rows, cfg):
    lines = [
        ".. list-table:: Digits (1,347 train / 450 test), {epochs} epochs, {threads} thread(s): "
        "accuracy, deployable bytes, batch-1 latency, batch-256 throughput".format(**cfg),
        "   :header-rows: 1",
        "",
        "   * - architecture",
        "     - model",
        "     - engine",
        "     - test accuracy",
        "     - deployable KiB",
        "     - latency (µs)",
        "     - images / s",
    ]
    for r in rows:
        lines += [f"   * - {r['arch']}", f"     - {r['model']}", f"     - {r['engine']}",
                  f"     - {r['accuracy']:.3f}", f"     - {r['bytes'] / 1024:.1f}",
                  f"     - {r['latency_us']:.1f}", f"     - {r['throughput']:,.0f}"]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 epochs, few repeats")
    parser.add_argument("--threads", type=int, default=1, help="threads for every engine")
    parser.add_argument("--archs", default="mlp,convnet", help="mlp,convnet,quicknet")
    args = parser.parse_args(argv)
    cfg = {"threads": args.threads, "epochs": 3 if args.quick else 10,
           "latency_repeats": 50 if args.quick else 500,
           "batch_repeats": 5 if args.quick else 30}

    tf = compat_keras.tensorflow(extra="bnn")
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import numba

    numba.set_num_threads(min(args.threads, numba.config.NUMBA_NUM_THREADS))
    import larq
    import larq_compute_engine

    X, y = load_digits(return_X_y=True)
    data = train_test_split(X.astype(np.float32), y, test_size=0.25, random_state=0,
                            stratify=y)
    print(f"digits: {len(data[0])} train / {len(data[1])} test; {cfg['epochs']} epochs; "
          f"threads={args.threads}; cores: {os.cpu_count()}; TensorFlow {tf.__version__}, "
          f"larq {larq.__version__}, LCE {larq_compute_engine.__version__}, numba "
          f"{numba.__version__}; Python {platform.python_version()}\n", flush=True)
    rows = []
    archs = [a for a in args.archs.split(",") if a]
    for arch in archs:
        for label, (params, engines) in VARIANTS.items():
            rows += measure(arch, label, params, engines, data, cfg)

    print("\nRatios (target; MET / NOT MET):")
    out_rows = list(rows)
    for arch in archs:
        for label, value, target in ratios(rows, arch):
            if target is None:
                verdict = ""
            elif target < 0:
                verdict = f" (target <= {-target}: {'MET' if value <= -target else 'NOT MET'})"
            else:
                verdict = f" (target >= {target}: {'MET' if value >= target else 'NOT MET'})"
            unit = "" if "points" in label else "x"
            print(f"  {arch:<8} {label}: {value:.2f}{unit}{verdict}")
            out_rows.append({"arch": arch, "model": f"ratio {label}", "ratio": value})

    RESULTS.mkdir(exist_ok=True)
    suffix = "-quick" if args.quick else ""
    out = RESULTS / f"bnn{suffix}.csv"
    fields = ["arch", "model", "engine", "ratio", "accuracy", "bytes", "latency_us",
              "throughput", "fit_s", "threads"]
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(out_rows)
    print(f"\nWritten: {out.relative_to(REPO)}")
    if not args.quick:
        rst = RESULTS / "bnn.rst"
        rst.write_text(rst_table(rows, cfg))
        print(f"Written: {rst.relative_to(REPO)} (copy to docs/_static/bnn_benchmark.rst)")


if __name__ == "__main__":
    main()
