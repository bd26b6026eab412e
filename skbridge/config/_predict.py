"""``skbridge predict``: apply a saved model to a data set, refusing what it should not load."""

import json
from pathlib import Path

import numpy as np

from ._experiment import evaluate, load_all, load_data

__all__ = ["load_model", "predict_to_files"]

PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")


def load_model(path, *, trust=False, allow_pickle=False):
    """Load a model saved by ``skbridge run`` / ``search``.

    Parameters
    ----------
    path : path-like
        A ``.skops`` file (safe: only trusted types are built), or a pickle
        (``.pkl``), which runs code when loaded and needs ``allow_pickle=True``.
    trust : bool, default=False
        Build every type the skops file names, trusted or not.
    allow_pickle : bool, default=False
        Read pickle files.

    Returns
    -------
    estimator : fitted estimator
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"model={str(path)!r}: no such file. Give the model.skops "
                                "that `skbridge run` wrote into its output folder.")
    if path.suffix.lower() in PICKLE_SUFFIXES:
        if not allow_pickle:
            raise ValueError(f"{path.name} is a pickle: loading it runs whatever code it "
                             "holds. Use a .skops file, or pass --allow-pickle if you made "
                             "this file yourself or trust who did.")
        import pickle

        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - the user allowed it explicitly
    from skbridge.compat.skops import load

    return load(path, trusted=True if trust else None)


def _write_predictions(estimator, X, task, out_dir, name):
    pred = estimator.predict(X)
    if task in ("segmentation",):
        path = out_dir / (Path(name).stem + ".npz")
        np.savez_compressed(path, masks=np.asarray(pred))
        return path
    if task == "detection":
        path = out_dir / (Path(name).stem + ".json")
        path.write_text(json.dumps([{k: np.asarray(v).tolist() for k, v in d.items()}
                                    for d in pred]))
        return path
    import pandas as pd

    frame = pd.DataFrame({"prediction": np.asarray(pred).ravel()})
    if task == "classification" and hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(X)
        for i, label in enumerate(estimator.classes_):
            frame[f"proba_{label}"] = proba[:, i]
    path = out_dir / name
    frame.to_csv(path, index=False)
    return path


def predict_to_files(cfg, out_dir, *, trust=False, allow_pickle=False, allowed_targets=()):
    """Predict the rows ``cfg.data`` (``cfg.split``) names with ``cfg.model_path``.

    Writes the predictions (CSV; ``.npz`` masks for segmentation, JSON boxes for
    detection) and, when the data has labels, ``metrics.json``.

    Returns
    -------
    written : list of Path
    """
    if cfg.get("data") is None:
        raise ValueError("give the data to predict: data=NAME (skbridge list data), e.g. "
                         "data=table data.path=new.csv data.target=label.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    estimator = load_model(cfg.model_path, trust=trust, allow_pickle=allow_pickle)
    if cfg.split == "test":
        data = load_data(cfg.data, seed=cfg.seed, allowed_targets=allowed_targets)
        task, X, y = data["task"], data["X_test"], data["y_test"]
    elif cfg.split == "all":
        data = load_all(cfg.data, allowed_targets=allowed_targets)
        task, X, y = data["task"], data["X"], data["y"]
        data = {"task": task, "X_test": X, "y_test": y, "filter": X}
    else:
        raise ValueError(f"split={cfg.split!r}: use all (every row) or test (the rows "
                         "`skbridge run` held out with the same seed).")
    written = [_write_predictions(estimator, X, task, out_dir, cfg.output)]
    if y is not None or task == "link_prediction":
        metrics = {k: float(v) for k, v in evaluate(estimator, data).items()}
        (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        written.append(out_dir / "metrics.json")
    return written
