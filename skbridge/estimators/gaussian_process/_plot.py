"""Plots of GP posteriors (matplotlib is imported only when a plot is drawn)."""

import numpy as np

from ...compat import import_optional

__all__ = ["plot_gp"]


def plot_gp(model, X, y=None, *, ax=None, n_grid=200, title=None):
    """Plot a fitted GP: mean and ±2σ band in 1-D, a mean surface coloured by σ in 2-D.

    Parameters
    ----------
    model : fitted regressor
        A regressor whose ``predict(X, return_std=True)`` returns the mean and
        standard deviation (:class:`GPRegressor`,
        :class:`SparseSpectrumGPRegressor`, :class:`StudentTProcessRegressor`,
        scikit-learn's ``GaussianProcessRegressor``, or a ``Pipeline`` ending
        in one of them).
    X : array-like of shape (n_samples, 1) or (n_samples, 2)
        Training (or test) inputs; they set the plotted range.
    y : array-like of shape (n_samples,), default=None
        Targets to draw as points.
    ax : matplotlib Axes, default=None
        Where to draw (a 3-D Axes for 2-D input); a new figure when None.
    n_grid : int, default=200
        Grid points per axis (1-D), or its square root rounded (2-D: at most 60
        per axis).
    title : str, default=None
        Axes title.

    Returns
    -------
    ax : matplotlib Axes
        The axes drawn on.

    Examples
    --------
    >>> import numpy as np
    >>> from skbridge.estimators.gaussian_process import GPRegressor, plot_gp
    >>> X = np.linspace(0, 6, 20)[:, None]; y = np.sin(X).ravel()
    >>> ax = plot_gp(GPRegressor(kernel="rbf + white").fit(X, y), X, y)
    >>> ax.get_legend_handles_labels()[1]
    ['mean', '±2σ', 'data']
    """
    plt = import_optional("matplotlib.pyplot", extra="pipes", purpose="plot_gp")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(
            f"plot_gp draws 1-D or 2-D inputs; X has shape {X.shape}. Plot one or two "
            "features (or a projection) instead."
        )
    if not hasattr(model, "predict"):
        raise TypeError(f"plot_gp needs a fitted regressor, got {type(model).__name__}.")
    y = None if y is None else np.asarray(y, dtype=np.float64).ravel()
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.05 * np.where(high > low, high - low, 1.0)
    low, high = low - pad, high + pad

    def predict(grid):
        out = model.predict(grid, return_std=True)
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(
                "plot_gp needs a model whose predict(X, return_std=True) gives (mean, std)."
            )
        return out

    if X.shape[1] == 1:
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        grid = np.linspace(low[0], high[0], n_grid)[:, None]
        mean, std = predict(grid)
        ax.plot(grid[:, 0], mean, color="C0", label="mean")
        ax.fill_between(
            grid[:, 0], mean - 2 * std, mean + 2 * std, color="C0", alpha=0.2, label="±2σ"
        )
        if y is not None:
            ax.scatter(X[:, 0], y, s=10, color="k", alpha=0.6, label="data")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="best")
    else:
        if ax is None:
            fig = plt.figure(figsize=(7, 5))
            ax = fig.add_subplot(projection="3d")
        m = max(10, min(60, int(np.sqrt(n_grid * 10))))
        g0, g1 = np.meshgrid(np.linspace(low[0], high[0], m), np.linspace(low[1], high[1], m))
        mean, std = predict(np.column_stack([g0.ravel(), g1.ravel()]))
        colours = plt.Normalize(vmin=float(std.min()), vmax=float(std.max()) + 1e-12)
        surface = ax.plot_surface(
            g0, g1, mean.reshape(g0.shape), facecolors=plt.cm.viridis(
                colours(std.reshape(g0.shape))
            ), rstride=1, cstride=1, alpha=0.8, linewidth=0,
        )
        surface.set_label("mean (colour: σ)")
        # The colours are the predictive standard deviation: say so on a colour bar.
        scale = plt.cm.ScalarMappable(norm=colours, cmap="viridis")
        ax.figure.colorbar(scale, ax=ax, shrink=0.6, pad=0.1, label="predictive σ")
        if y is not None:
            ax.scatter(X[:, 0], X[:, 1], y, s=6, color="k", label="data")
        ax.set_xlabel("x0")
        ax.set_ylabel("x1")
        ax.set_zlabel("y")
    if title:
        ax.set_title(title)
    return ax
