"""``skbridge search``: Hydra's sweep syntax turned into one scikit-learn search.

``model.C=0.1,1,10 preprocess.fastfood_sampler.n_components=256,1024`` is a grid
``{"model__C": [0.1, 1, 10], "fastfood_sampler__n_components": [256, 1024]}`` for
``GridSearchCV``; with ``search=random``, ``interval(a,b)`` (``tag(log,...)`` for
log-uniform) draws from a distribution in ``RandomizedSearchCV``.
"""

import copy
import json
import logging
from pathlib import Path

__all__ = ["make_search", "param_distributions", "run_search", "split_sweeps"]

log = logging.getLogger("skbridge")


def split_sweeps(overrides):
    """Separate sweep overrides (``key=a,b``, ``range``, ``interval``) from the others.

    Parameters
    ----------
    overrides : list of str
        Overrides only (no ``--flags``).

    Returns
    -------
    plain : list of str
        The overrides that are not sweeps, for Hydra.
    sweeps : dict
        ``{key: ("choice", [values]) or ("interval", (low, high, log))}``.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import IntervalSweep

    plain, sweeps = [], {}
    for o in OverridesParser.create().parse_overrides(list(overrides)):
        if not o.is_sweep_override():
            plain.append(o.input_line)
            continue
        value = o.value()
        if isinstance(value, IntervalSweep):
            sweeps[o.key_or_group] = ("interval", (value.start, value.end,
                                                   "log" in value.tags))
        else:
            sweeps[o.key_or_group] = ("choice", list(o.sweep_iterator()))
    return plain, sweeps


def _param_name(key, has_pipeline):
    parts = key.split(".")
    if parts[0] == "model" and len(parts) == 2:
        return f"model__{parts[1]}" if has_pipeline else parts[1]
    if parts[0] == "preprocess" and len(parts) == 3:
        return f"{parts[1]}__{parts[2]}"
    raise ValueError(
        f"cannot search over {key!r}: `skbridge search` sweeps estimator parameters, "
        "model.PARAM or preprocess.STEP.PARAM. Sweep data, seeds or other keys with "
        "`skbridge run -m`.")


def check_sweeps(cfg, sweeps):
    """Check every swept value against the composed config's schema (key and type)."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    for key, (kind, values) in sweeps.items():
        probe = copy.deepcopy(cfg)
        OmegaConf.set_struct(probe, True)
        for value in (values if kind == "choice" else values[:2]):
            try:
                OmegaConf.update(probe, key, value, merge=False)
            except OmegaConfBaseException as exc:
                raise ValueError(f"{key}={value!r}: {str(exc).splitlines()[0]}") from None


def param_distributions(estimator, sweeps, *, random=False):
    """The ``param_grid`` (or ``param_distributions``) the sweeps describe."""
    import scipy.stats
    from sklearn.pipeline import Pipeline

    params = estimator.get_params()
    grid = {}
    for key, (kind, values) in sweeps.items():
        name = _param_name(key, isinstance(estimator, Pipeline))
        if name not in params:
            raise ValueError(f"{key}: the estimator has no parameter {name!r}.")
        if kind == "interval":
            low, high, log = values
            if not random:
                raise ValueError(f"{key}=interval(...) draws values: use search=random "
                                 "(RandomizedSearchCV), or list the values: key=a,b,c.")
            if log:
                grid[name] = scipy.stats.loguniform(low, high)
            elif isinstance(low, int) and isinstance(high, int):
                grid[name] = scipy.stats.randint(low, high)
            else:
                grid[name] = scipy.stats.uniform(low, high - low)
        else:
            current = params[name]
            grid[name] = [tuple(v) if isinstance(current, tuple) and isinstance(v, list)
                          else v for v in values]
    return grid


def make_search(estimator, sweeps, search_cfg, *, seed=0):
    """A ``GridSearchCV`` or ``RandomizedSearchCV`` from the ``search`` config node."""
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    kind = search_cfg.get("kind", "grid")
    n_jobs = search_cfg.get("n_jobs")
    if search_cfg.get("backend", "loky") != "loky" and n_jobs in (None, 1):
        n_jobs = -1  # a cluster: as many fits at once as it has workers
    common = dict(cv=search_cfg.get("cv", 5), scoring=search_cfg.get("scoring"),
                  n_jobs=n_jobs, refit=search_cfg.get("refit", True),
                  verbose=search_cfg.get("verbose", 0))
    if not sweeps:
        raise ValueError("nothing to search: give values to try, e.g. model.C=0.1,1,10 "
                         "(search=random also takes interval(0.01,100)).")
    if kind == "grid":
        return GridSearchCV(estimator, param_distributions(estimator, sweeps), **common)
    if kind == "random":
        return RandomizedSearchCV(
            estimator, param_distributions(estimator, sweeps, random=True),
            n_iter=search_cfg.get("n_iter") or 10, random_state=seed, **common)
    raise ValueError(f"search.kind={kind!r}: use grid or random.")


def run_search(cfg, sweeps, out_dir, *, allowed_targets=()):
    """Run the search ``cfg.search`` and the sweeps describe; write its results.

    Writes ``cv_results.csv``, ``metrics.json`` (best parameters, best CV score,
    test metrics of the refitted best estimator) and the best model.

    Returns
    -------
    search : fitted GridSearchCV or RandomizedSearchCV
    """
    import pandas as pd

    from ._backends import search_backend
    from ._convert import instantiate
    from ._experiment import evaluate, load_data, save_model

    out_dir = Path(out_dir)
    check_sweeps(cfg, sweeps)
    data = load_data(cfg.data, seed=cfg.seed, allowed_targets=allowed_targets)
    search = make_search(instantiate(cfg, allowed_targets=allowed_targets), sweeps,
                         cfg.search, seed=cfg.seed)
    s = cfg.search
    with search_backend(s.get("backend", "loky"), scheduler=s.get("scheduler"),
                        n_workers=s.get("n_workers"), verbose=bool(s.get("verbose"))) as info:
        log.info("search on %s", info)
        if data["y_train"] is None:
            search.fit(data["X_train"])
        else:
            search.fit(data["X_train"], data["y_train"])
    pd.DataFrame(search.cv_results_).to_csv(out_dir / "cv_results.csv", index=False)
    metrics = {"best_params": {k: _plain(v) for k, v in search.best_params_.items()},
               "best_cv_score": float(search.best_score_)}
    if getattr(search, "best_estimator_", None) is not None:
        metrics["test"] = {k: float(v) for k, v in
                           evaluate(search.best_estimator_, data).items()}
        if cfg.get("save_model", True):
            save_model(search.best_estimator_, out_dir / "best_model",
                       model_format=cfg.get("model_format", "skops"))
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return search


def _plain(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    return value if isinstance(value, (int, float, str, bool, list, dict, type(None))) else repr(
        value)
