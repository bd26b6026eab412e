"""
A binarized network against its float32 twin on digits: accuracy, size, latency per engine
==========================================================================================

Trains :class:`~skbridge.estimators.bnn.BinaryNetClassifier` twice on
scikit-learn's 8x8 digits with the same architecture (a 64-512-512-10
multilayer perceptron): binary (one-bit weights and activations in every
layer but the first), all binary (``first_layer_binary=True``), and as its
float32 twin (``input_quantizer=None, kernel_quantizer=None,
kernel_constraint=None``: float weights, ReLU). Then,
for each engine that runs the model (``"keras"``, Larq Compute Engine
``"lce"``, and the bit-packed engine ``"bitpacked"`` for the binary one), it
prints and draws the held-out accuracy, the size of the deployable artefact
(the TF-Lite/LCE flatbuffer, or the bit-packed arrays) and the median time of
one prediction of one sample, taken around the engine's own call.

Run with ``python examples/plot_bnn_digits.py [--output bnn_digits.png]``;
without ``--output`` the figure is drawn but no file is written.
"""

import argparse
import statistics
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skbridge.estimators.bnn import BinaryNetClassifier

# %%
# Three models, one architecture
# ------------------------------
# Each entry gives the parameters that differ from the binary default and the
# engines that run it: the float32 twin has no bit-packed form, and the model
# binary in all its layers is left out of the slow ``model(x)`` timing.

MODELS = {
    "float32 twin": ({"input_quantizer": None, "kernel_quantizer": None,
                      "kernel_constraint": None}, ("keras", "lce")),
    "binary": ({}, ("keras", "lce", "bitpacked")),
    "all binary": ({"first_layer_binary": True}, ("lce", "bitpacked")),
}


# %%
# Accuracy, size and latency per engine
# -------------------------------------
# The latency is the median time of one call on one sample, after five
# warm-up calls; the size is the deployable artefact each engine runs.


def _latency_us(clf, engine, x, repeats):
    """Median microseconds of one call of the engine on one sample."""
    engine_object = clf._engine(engine)
    if engine == "keras":
        def run():
            return clf.model_(x, training=False)
    else:
        def run():
            return engine_object.predict_proba(x)
    for _ in range(5):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1e6 * statistics.median(times)


def measure(epochs=10, repeats=200):
    """Fit both models; returns ``{(model, engine): {"accuracy", "kib", "latency_us"}}``."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X.astype(np.float32), y, test_size=0.25, stratify=y, random_state=0)
    results = {}
    for name, (params, engines) in MODELS.items():
        clf = BinaryNetClassifier(epochs=epochs, random_state=0, **params)
        clf.fit(X_train, y_train)
        for engine in engines:
            clf.set_params(inference=engine)
            size = clf._engine("bitpacked" if engine == "bitpacked" else "lce").nbytes
            results[name, engine] = {
                "accuracy": clf.score(X_test, y_test),
                "kib": size / 1024,
                "latency_us": _latency_us(clf, engine, X_test[:1], repeats),
            }
            row = results[name, engine]
            print(f"{name:>13} / {engine:<9}: accuracy {row['accuracy']:.3f}, "
                  f"{row['kib']:7.1f} KiB, {row['latency_us']:8.1f} us per sample")
    return results


# %%
# The figure
# ----------


def plot(results, output=None):
    """Three bar charts: accuracy, deployable size, latency of one sample.

    Saved to ``output`` when given; otherwise the figure stays open (the gallery shows it).
    """
    import matplotlib.pyplot as plt

    labels = [f"{model.replace('float32 ', 'float ')}\n{engine}" for model, engine in results]
    palette = {"float32 twin": "#9aa5b1", "binary": "#2f6f9f", "all binary": "#173f5f"}
    colors = [palette.get(model, "#2f6f9f") for model, _ in results]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    panels = [("accuracy", "test accuracy", False), ("kib", "deployable size (KiB, log)", True),
              ("latency_us", "latency of one sample (µs, log)", True)]
    for ax, (key, title, log) in zip(axes, panels):
        values = [row[key] for row in results.values()]
        ax.bar(range(len(values)), values, color=colors)
        ax.set_xticks(range(len(values)), labels, fontsize=7)
        ax.set_title(title, fontsize=10)
        if log:
            ax.set_yscale("log")
        else:
            ax.set_ylim(min(values) - 0.05, 1.0)
        for i, v in enumerate(values):
            text = f"{v:.3f}" if key == "accuracy" else f"{v:,.0f}" if v >= 100 else f"{v:.1f}"
            ax.annotate(text, (i, v), ha="center", va="bottom", fontsize=7)
    fig.suptitle("Binary MLP vs its float32 twin on digits (64-512-512-10)")
    fig.tight_layout()
    if output is not None:
        fig.savefig(output, dpi=110)
        plt.close(fig)
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="A binarized network against its float32 twin on digits.")
    parser.add_argument("--output", help="where to write the figure (PNG)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=200, help="timed calls per engine")
    args = parser.parse_args(argv)
    results = measure(epochs=args.epochs, repeats=args.repeats)
    plot(results, args.output)
    if args.output:
        print(f"Figure written to {args.output}")
    return results


# %%
# Run it
# ------
# The binary model loses about a point of accuracy against its twin and its
# deployable file is several times smaller; under the compiled engines one
# prediction takes microseconds, against milliseconds for the Keras call.

if __name__ == "__main__":
    main()
