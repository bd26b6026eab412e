"""Run a composed experiment: load and split the data, fit, evaluate, write the results.

The ``data`` node of a config names a loader (``data.loader._target_``) and a
``task``; :func:`load_data` turns what the loader returns (a Bunch with
``data``/``target``, a frame and a target column, or knowledge-graph splits)
into train and test parts. :func:`evaluate` computes the task's metrics, and
:func:`write_outputs` writes ``metrics.json``, the fitted model and figures into
the run's output folder.
"""

import json
import time
from pathlib import Path

import numpy as np

from ._convert import instantiate

__all__ = ["TASKS", "evaluate", "load_all", "load_data", "load_table", "run_experiment",
           "save_model"]

TASKS = ("classification", "regression", "link_prediction", "segmentation", "detection",
         "transform")


def load_table(path, *, sep=None):
    """A CSV (any delimiter, sniffed) or Parquet table as a DataFrame.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.tsv``, ``.txt`` or ``.parquet`` file.
    sep : str, default=None
        The delimiter; None sniffs it (comma, tab, semicolon...).

    Returns
    -------
    frame : pandas.DataFrame
    """
    import pandas as pd

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"data.path={str(path)!r}: no such file. Give the path of a "
                                "CSV or Parquet table (relative paths start at the folder "
                                "skbridge runs from).")
    if path.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(path)
    return pd.read_csv(path, sep=sep, engine="python" if sep is None else "c")


def _split_xy(data, cfg):
    """(X, y) from a loader's result and the ``data.target`` column name."""
    target = cfg.get("target")
    if hasattr(data, "columns"):  # a frame: the target is one of its columns
        if target is None:
            raise ValueError("data.target is required for a table: name the column to "
                             f"predict, one of {list(data.columns)}.")
        if target not in data.columns:
            raise ValueError(f"data.target={target!r} is not a column of the table; its "
                             f"columns are {list(data.columns)}.")
        return data.drop(columns=[target]), data[target]
    if target is not None:
        frame = data.frame if getattr(data, "frame", None) is not None else data.data
        if target not in getattr(frame, "columns", ()):
            raise ValueError(f"data.target={target!r}: this data set has no such column.")
        return frame.drop(columns=[target]), frame[target]
    return data.data, data.get("target")


def load_all(data_cfg, *, allowed_targets=()):
    """Every row of the data a ``data`` config names, unsplit.

    Returns
    -------
    data : dict
        ``task``, ``X``, ``y`` (None without labels); for link prediction ``X``
        holds every triple.
    """
    task = data_cfg.get("task")
    loaded = instantiate(data_cfg["loader"], allowed_targets=allowed_targets)
    if task == "link_prediction":
        splits = [loaded[k] for k in ("train", "valid", "test", "data") if k in loaded]
        return {"task": task, "X": np.concatenate(splits), "y": None}
    X, y = _split_xy(loaded, data_cfg)
    return {"task": task, "X": X, "y": y}


def _take(values, rows):
    if hasattr(values, "iloc"):
        return values.iloc[rows]
    if isinstance(values, list):
        return [values[i] for i in rows]
    return np.asarray(values)[rows] if not hasattr(values, "shape") else values[rows]


def load_data(data_cfg, *, seed=0, allowed_targets=()):
    """Load the data a ``data`` config names and split it into train and test parts.

    Parameters
    ----------
    data_cfg : DictConfig or dict
        ``task``, ``loader`` (a node with ``_target_``), and optionally
        ``target`` (a column), ``test_size`` and ``max_samples`` (a seeded
        subset of the rows, for quick runs).
    seed : int, default=0
        Seeds the split (stratified for classification).
    allowed_targets : iterable of str, default=()
        Passed to :func:`~skbridge.config.instantiate`.

    Returns
    -------
    data : dict
        ``task``, ``X_train``, ``X_test``, ``y_train``, ``y_test``; for link
        prediction also ``X_valid`` and ``filter`` (every known triple).
    """
    from sklearn.model_selection import train_test_split

    task = data_cfg.get("task")
    if task not in TASKS:
        raise ValueError(f"data.task={task!r}: use one of {', '.join(TASKS)}.")
    loaded = instantiate(data_cfg["loader"], allowed_targets=allowed_targets)
    test_size = data_cfg.get("test_size", 0.25)
    if task == "link_prediction":
        if "train" not in loaded:  # one file of triples: split it
            train, test = train_test_split(loaded["data"], test_size=test_size,
                                           random_state=seed)
            loaded = {"train": train, "test": test}
        splits = [loaded[k] for k in ("train", "valid", "test") if k in loaded]
        return {"task": task, "X_train": loaded["train"], "X_valid": loaded.get("valid"),
                "X_test": loaded.get("test"), "y_train": None, "y_test": None,
                "filter": np.concatenate(splits)}
    X, y = _split_xy(loaded, data_cfg)
    if data_cfg.get("max_samples"):  # +data.max_samples=N: a seeded subset, for quick runs
        keep = np.sort(np.random.default_rng(seed).permutation(len(X))[:data_cfg.max_samples])
        X, y = _take(X, keep), None if y is None else _take(y, keep)
    if y is None:
        X_train, X_test = train_test_split(X, test_size=test_size, random_state=seed)
        y_train = y_test = None
    else:
        stratify = y if task == "classification" else None
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=test_size, random_state=seed, stratify=stratify)
    return {"task": task, "X_train": X_train, "X_test": X_test, "y_train": y_train,
            "y_test": y_test}


def evaluate(estimator, data, pred=None):
    """The metrics of a fitted estimator on the test part of ``data``.

    Parameters
    ----------
    estimator : fitted estimator
    data : dict
        As returned by :func:`load_data`.
    pred : array-like, default=None
        ``estimator.predict(data["X_test"])`` when already computed.

    Returns
    -------
    metrics : dict of str to float
    """
    from sklearn import metrics

    task, X, y = data["task"], data["X_test"], data["y_test"]
    if task in ("classification", "regression") and pred is None:
        pred = estimator.predict(X)
    if task == "classification":
        return {"accuracy": metrics.accuracy_score(y, pred),
                "balanced_accuracy": metrics.balanced_accuracy_score(y, pred),
                "f1_macro": metrics.f1_score(y, pred, average="macro")}
    if task == "regression":
        return {"r2": metrics.r2_score(y, pred),
                "mae": metrics.mean_absolute_error(y, pred),
                "rmse": float(np.sqrt(metrics.mean_squared_error(y, pred)))}
    if task == "link_prediction":
        from skbridge.estimators.kge import evaluate_performance, hits_at_n_score, mrr_score

        ranks = evaluate_performance(X, estimator, filter_triples=data["filter"])
        return {"mrr": mrr_score(ranks),
                **{f"hits@{n}": hits_at_n_score(ranks, n) for n in (1, 3, 10)}}
    if task == "segmentation":
        return {"mean_iou": estimator.score(X, y)}
    if task == "detection":
        return {"map50": estimator.score(X, y)}
    out = estimator.transform(X)
    return {"n_features_out": int(out.shape[1]) if out.ndim > 1 else 1}


def save_model(estimator, path, *, model_format="skops"):
    """Save a fitted estimator with skops (safe to load) or, if asked, pickle.

    Parameters
    ----------
    estimator : fitted estimator
    path : path-like
        Without suffix: ``.skops`` or ``.pkl`` is added.
    model_format : {"skops", "pickle"}, default="skops"

    Returns
    -------
    path : Path
        The file written.
    """
    path = Path(path)
    if model_format == "skops":
        from skbridge.compat.skops import dump

        path = path.with_suffix(".skops")
        dump(estimator, path)
    elif model_format == "pickle":
        import pickle

        path = path.with_suffix(".pkl")
        with open(path, "wb") as fh:
            pickle.dump(estimator, fh, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        raise ValueError(f"model_format={model_format!r}: use 'skops' (safe to load) or "
                         "'pickle' (only for readers who trust the file).")
    return path


def _figures(pred, data, out_dir):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    task = data["task"]
    if task not in ("classification", "regression"):
        return []
    fig, ax = plt.subplots(figsize=(5, 4.5), layout="constrained")
    if task == "classification":
        from sklearn.metrics import ConfusionMatrixDisplay

        ConfusionMatrixDisplay.from_predictions(data["y_test"], pred, ax=ax, colorbar=False)
        name = "confusion_matrix.png"
    else:
        y = np.asarray(data["y_test"], dtype=float)
        ax.scatter(y, pred, s=10, alpha=0.7)
        lo, hi = float(min(y.min(), pred.min())), float(max(y.max(), pred.max()))
        ax.plot([lo, hi], [lo, hi], color="grey", lw=1)
        ax.set(xlabel="true", ylabel="predicted", title="test set")
        name = "predictions.png"
    fig.savefig(out_dir / name, dpi=100)
    plt.close(fig)
    return [name]


def run_experiment(cfg, out_dir, *, allowed_targets=()):
    """Fit and evaluate the experiment ``cfg`` describes; write its outputs to ``out_dir``.

    Parameters
    ----------
    cfg : DictConfig
        A composed experiment config (``data``, ``preprocess``, ``model``, ...).
    out_dir : path-like
        Where ``metrics.json``, the model and figures go.
    allowed_targets : iterable of str, default=()
        Module prefixes allowed on top of the built-in allow-list.

    Returns
    -------
    metrics : dict
        The test metrics plus ``fit_time``, ``n_train`` and ``n_test``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data = load_data(cfg.data, seed=cfg.seed, allowed_targets=allowed_targets)
    estimator = instantiate(cfg, allowed_targets=allowed_targets)
    start = time.perf_counter()
    if data["y_train"] is None:
        estimator.fit(data["X_train"])
    else:
        estimator.fit(data["X_train"], data["y_train"])
    fit_time = time.perf_counter() - start
    pred = (estimator.predict(data["X_test"])
            if data["task"] in ("classification", "regression") else None)
    metrics = {k: float(v) for k, v in evaluate(estimator, data, pred).items()}
    metrics.update(fit_time=round(fit_time, 3), n_train=len(data["X_train"]),
                   n_test=len(data["X_test"]))
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    if cfg.get("figures", False):
        _figures(pred, data, out_dir)
    if cfg.get("save_model", True):
        save_model(estimator, out_dir / "model", model_format=cfg.get("model_format", "skops"))
    return metrics
