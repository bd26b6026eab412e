"""Benchmark: FastfoodSampler against RBFSampler and Nystroem in one run.

For d in {64, 512, 4096} and D in {1024, 8192} on n = 10,000 Gaussian samples
(2,000 at d = 4096), prints median transform time and its ratio to RBFSampler,
fit time and its ratio, fitted-parameter bytes and the kernel approximation
error ||K - Z Z^T||_F / ||K||_F on 500 samples; then LinearSVC accuracy on
digits at D = 1024.

Run with ``make bench`` or ``python benchmarks/kernels.py [--quick]``.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which these machines set and which slow
down numpy's BLAS, are removed for this process (the script re-executes itself
without them) so that the BLAS-based anchors run their best kernel.
"""

import os
import sys

# Python puts this script's folder first on sys.path, where a sibling script
# (benchmarks/tokenize.py) would shadow the standard library module of that name.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

_SLOW_BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _SLOW_BLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SLOW_BLAS_VARS}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.kernel_approximation import Nystroem, RBFSampler  # noqa: E402
from sklearn.metrics.pairwise import rbf_kernel  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

from skbridge.transformers import FastfoodSampler  # noqa: E402

# Nystroem's fit is an O(D^3) eigendecomposition and needs D <= n samples.
NYSTROEM_MAX_COMPONENTS = 2048


def _median_time(func, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _param_bytes(est):
    return sum(v.nbytes for k, v in vars(est).items() if k.endswith("_") and hasattr(v, "nbytes"))


def _approx_error(est, X, gamma):
    K = rbf_kernel(X, gamma=gamma)
    Z = est.transform(X)
    return np.linalg.norm(Z @ Z.T - K) / np.linalg.norm(K)


def run_grid(dims, components, n_samples, n_large_d, repeats):
    rng = np.random.RandomState(0)
    header = (
        f"{'d':>5} {'D':>5} {'n':>6} {'method':<16} {'transform s':>11} {'ratio':>7} "
        f"{'fit s':>9} {'fit ratio':>9} {'param MB':>9} {'error':>7}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for d in dims:
        n = n_large_d if d >= 4096 else n_samples
        X = rng.standard_normal((n, d))
        gamma = 1.0 / d
        X_err = X[:500]
        for D in components:
            methods = {
                "RBFSampler": RBFSampler(gamma=gamma, n_components=D, random_state=0),
                "FastfoodSampler": FastfoodSampler(gamma=gamma, n_components=D, random_state=0),
            }
            if D <= min(NYSTROEM_MAX_COMPONENTS, n):
                methods["Nystroem"] = Nystroem(gamma=gamma, n_components=D, random_state=0)
            FastfoodSampler(gamma=gamma, n_components=D, random_state=0).fit(X[:2]).transform(
                X[:2]
            )  # compile (cached on disk after the first run)
            base = {}
            for name, est in methods.items():
                fit_s = _median_time(lambda est=est: est.fit(X), repeats)
                tr_s = _median_time(lambda est=est: est.transform(X), repeats)
                err = _approx_error(est, X_err, gamma)
                if name == "RBFSampler":
                    base = {"fit": fit_s, "transform": tr_s}
                ratio = base["transform"] / tr_s
                fit_ratio = base["fit"] / fit_s
                print(
                    f"{d:>5} {D:>5} {n:>6} {name:<16} {tr_s:>11.4f} {ratio:>6.2f}x "
                    f"{fit_s:>9.5f} {fit_ratio:>8.1f}x {_param_bytes(est) / 1e6:>9.3f} {err:>7.4f}"
                )
                rows.append((d, D, name, tr_s, ratio, fit_s, fit_ratio, err))
            if D == components[-1] and "Nystroem" not in methods:
                print(
                    f"{'':>5} {'':>5} {'':>6} {'Nystroem':<16} "
                    "skipped: O(D^3) fit, D > n or D > 2048"
                )
    return rows


def digits_accuracy(D, seeds):
    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    print(f"\nLinearSVC on digits (test accuracy, mean of {len(seeds)} seeds), D = {D}")
    results = {}
    for name, make in {
        "RBFSampler": lambda s: RBFSampler(gamma=0.2, n_components=D, random_state=s),
        "Nystroem": lambda s: Nystroem(gamma=0.2, n_components=D, random_state=s),
        "FastfoodSampler": lambda s: FastfoodSampler(gamma=0.2, n_components=D, random_state=s),
    }.items():
        accs = []
        for s in seeds:
            pipe = make_pipeline(MinMaxScaler(), make(s), LinearSVC(C=1.0, random_state=0))
            accs.append(pipe.fit(X_tr, y_tr).score(X_te, y_te))
        results[name] = float(np.mean(accs))
        print(f"  {name:<16} {100 * results[name]:.2f} %")
    diff = 100 * (results["FastfoodSampler"] - results["RBFSampler"])
    print(f"  FastfoodSampler - RBFSampler: {diff:+.2f} points (target: >= -0.5)")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    blas = [
        f"{i['internal_api']} {i.get('architecture')} x{i['num_threads']}"
        for i in threadpool_info()
    ]
    print("OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for this process; BLAS:", "; ".join(blas))
    print(f"cores: {os.cpu_count()}\n")
    if args.quick:
        run_grid([64, 512], [1024], n_samples=1000, n_large_d=500, repeats=1)
        digits_accuracy(256, seeds=[0])
    else:
        run_grid([64, 512, 4096], [1024, 8192], n_samples=10_000, n_large_d=2_000, repeats=5)
        digits_accuracy(1024, seeds=[0, 1, 2])


if __name__ == "__main__":
    main()
