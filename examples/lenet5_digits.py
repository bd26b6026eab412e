"""
LeNet-5 on digits with PyTorch and Keras 3: the neural engine's hello world
===========================================================================

Trains :class:`~skbridge.estimators.neural.NeuralNetClassifier` with the
``"lenet5"`` module on scikit-learn's 8x8 digits, once per backend and with the
same parameters, prints the held-out accuracy of each, and draws the learning
curves (training loss and validation accuracy per epoch, from ``history_``).
The module reads the image size in ``fit``, so the same LeNet-5 takes these
8x8 images as it would 28x28 ones.

Run with ``python examples/lenet5_digits.py [--output lenet5_digits.png]``;
without ``--output`` the figure is drawn but no file is written.
"""

import argparse

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skbridge.estimators.neural import NeuralNetClassifier

# %%
# One set of parameters for both backends
# ---------------------------------------
# ``backend`` is the only parameter that changes between the two fits. A tenth
# of the training set is held out to report the validation accuracy of each
# epoch in ``history_``.

PARAMS = dict(
    module="lenet5",
    module_params={"channels": (16, 32)},
    epochs=20,
    batch_size=32,
    learning_rate=5e-3,
    lr_schedule="cosine",
    validation_fraction=0.1,
    random_state=0,
)


def fit_both(X_train, y_train, X_test, y_test, backends=("torch", "keras")):
    """Fit one LeNet-5 per backend; returns {backend: (fitted, test accuracy)}."""
    results = {}
    for backend in backends:
        net = NeuralNetClassifier(backend=backend, **PARAMS).fit(X_train, y_train)
        results[backend] = (net, net.score(X_test, y_test))
        print(f"{backend:>5}: test accuracy {results[backend][1]:.3f}")
    return results


# %%
# Learning curves
# ---------------


def plot_learning_curves(results, output=None):
    """Training loss and validation accuracy per epoch, one line per backend.

    Saved to ``output`` when given; otherwise the figure stays open (the gallery shows it).
    """
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    for backend, (net, accuracy) in results.items():
        epochs = [row["epoch"] for row in net.history_]
        ax_loss.plot(epochs, [row["loss"] for row in net.history_], label=backend)
        ax_acc.plot(
            epochs,
            [row["valid_accuracy"] for row in net.history_],
            label=f"{backend} (test {accuracy:.3f})",
        )
    ax_loss.set(xlabel="epoch", ylabel="training loss", yscale="log", title="LeNet-5 on digits")
    ax_acc.set(xlabel="epoch", ylabel="validation accuracy", title="Same parameters, two backends")
    for ax in (ax_loss, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    if output is not None:
        fig.savefig(output, dpi=110)
        plt.close(fig)
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description="LeNet-5 on digits with PyTorch and Keras 3.")
    parser.add_argument("--output", default=None, help="where to save the figure (PNG)")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    images = X.reshape(-1, 8, 8) / 16.0  # (n, h, w): the module adds the channel
    X_train, X_test, y_train, y_test = train_test_split(
        images, y, test_size=0.25, stratify=y, random_state=0
    )
    results = fit_both(X_train, y_train, X_test, y_test)
    plot_learning_curves(results, args.output)
    if args.output:
        print(f"figure: {args.output}")
    return {backend: accuracy for backend, (_, accuracy) in results.items()}


# %%
# Run it
# ------
# Both backends reach about 97 % on the held-out quarter with the same
# parameters; their curves differ in detail, as each framework draws its own
# initial weights.

if __name__ == "__main__":
    main()
