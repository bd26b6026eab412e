"""
Kernel approximation on digits: FastfoodSampler against RBFSampler and Nystroem
===============================================================================

A linear SVM on random features approximates a kernel SVM at a fraction of the
cost. This example fits ``LinearSVC`` on the features of
:class:`skbridge.transformers.FastfoodSampler`, scikit-learn's ``RBFSampler``
and ``Nystroem`` for a growing number of components, and compares accuracy and
transform time with the exact RBF-kernel ``SVC``.

Run it with ``python examples/plot_kernel_approximation.py`` (``make demo`` does);
it prints the accuracy table and saves the figure.
"""

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.kernel_approximation import Nystroem, RBFSampler
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import SVC, LinearSVC

from skbridge.transformers import FastfoodSampler

GAMMA = 0.2
COMPONENTS = [32, 64, 128, 256, 512, 1024, 2048]
MAPPERS = {
    "RBFSampler": lambda D: RBFSampler(gamma=GAMMA, n_components=D, random_state=0),
    "Nystroem": lambda D: Nystroem(gamma=GAMMA, n_components=D, random_state=0),
    "FastfoodSampler": lambda D: FastfoodSampler(gamma=GAMMA, n_components=D, random_state=0),
}


def _transform_time(mapper, X, repeats=5):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        mapper.transform(X)
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def run():
    X, y = load_digits(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.4, random_state=0, stratify=y
    )
    exact = SVC(kernel="rbf", gamma=GAMMA).fit(X_train, y_train)
    results = {"exact RBF SVC": exact.score(X_test, y_test)}
    curves = {name: {"D": [], "accuracy": [], "seconds": []} for name in MAPPERS}
    for D in COMPONENTS:
        for name, make in MAPPERS.items():
            if name == "Nystroem" and D > X_train.shape[0]:
                continue
            pipe = make_pipeline(make(D), LinearSVC(random_state=0)).fit(X_train, y_train)
            curves[name]["D"].append(D)
            curves[name]["accuracy"].append(pipe.score(X_test, y_test))
            curves[name]["seconds"].append(_transform_time(pipe[0], X_test))
    return results, curves


def print_table(results, curves):
    print(f"Digits, LinearSVC on random features (test accuracy); exact RBF SVC: "
          f"{100 * results['exact RBF SVC']:.2f} %")
    print(f"{'n_components':>12} " + " ".join(f"{name:>16}" for name in curves))
    for D in COMPONENTS:
        cells = []
        for curve in curves.values():
            if D in curve["D"]:
                cells.append(f"{100 * curve['accuracy'][curve['D'].index(D)]:>15.2f}%")
            else:
                cells.append(f"{'-':>16}")
        print(f"{D:>12} " + " ".join(cells))


def plot(results, curves, output):
    import matplotlib.pyplot as plt

    fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(11, 4.2))
    for name, curve in curves.items():
        ax_acc.plot(curve["D"], curve["accuracy"], marker="o", label=name)
        ax_time.plot(curve["D"], curve["seconds"], marker="o", label=name)
    ax_acc.axhline(results["exact RBF SVC"], color="k", ls="--", label="exact RBF SVC")
    ax_acc.set(xscale="log", xlabel="n_components", ylabel="test accuracy",
               title="Digits: LinearSVC on random features")
    ax_time.set(xscale="log", yscale="log", xlabel="n_components",
                ylabel="transform time of the test set (s)", title="Transform time")
    for ax in (ax_acc, ax_time):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output, dpi=110)
    print(f"figure saved to {output}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Kernel approximation on digits.")
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).with_name("kernel_approximation.png"),
        help="where to save the figure",
    )
    args = parser.parse_args(argv)
    results, curves = run()
    print_table(results, curves)
    plot(results, curves, args.output)
    return results, curves


if __name__ == "__main__":
    main()
