"""AmpliGraph's ``select_best_model_ranking``: grid or random search on the validation MRR.

Each combination of the parameter grid trains a model on ``X_train`` (with
early stopping on ``X_valid`` if asked) and is scored by its filtered MRR on
``X_valid``; the best model is evaluated on ``X_test``. The grid takes
AmpliGraph's spellings (``seed``, ``embedding_model_params``, nested
``loss_params``, ...) beside the estimators' own parameter names. For search
inside a scikit-learn workflow, ``GridSearchCV(TransE(), grid, cv=KGSplit())``
does the same with cross-validation.
"""

import contextlib
import inspect
import itertools
import warnings
from numbers import Integral

import numpy as np

from ._ampligraph2 import _MODELS
from .base import _BaseKGEModel
from .early_stopping import EARLY_STOPPING_DEFAULTS, early_stopping_params
from .evaluation import evaluate_performance, hits_at_n_score, mr_score, mrr_score
from .losses import loss_registry

__all__ = ["select_best_model_ranking"]

_NESTED = ("loss_params", "regularizer_params", "optimizer_params", "initializer_params",
           "scoring_params", "corruption_params", "early_stopping_params",
           "embedding_model_params")
# AmpliGraph 1's embedding_model_params -> (our parameter, its key).
_EMBEDDING_MODEL_PARAMS = {"norm": ("scoring_params", "norm"),
                           "normalize_ent_emb": ("scoring_params", "normalize_entities"),
                           "corrupt_sides": ("corruption_params", "side"),
                           "corrupt_side": ("corruption_params", "side")}
# AmpliGraph's early_stopping_params keys -> ours.
_EARLY_STOPPING_KEYS = {"stop_interval": "patience"}


def _model_class(model_class):
    if isinstance(model_class, str) and model_class.lower() in _MODELS:
        return _MODELS[model_class.lower()]
    if isinstance(model_class, type) and issubclass(model_class, _BaseKGEModel):
        return model_class
    raise ValueError(
        f"model_class must be one of {[cls.__name__ for cls in _MODELS.values()]} (a name or "
        f"the class), got {model_class!r}."
    )


def _choices(value):
    """A grid entry as a list of choices, or a callable drawn in random search."""
    if callable(value) and not isinstance(value, type):
        return value
    if isinstance(value, (list, tuple, np.ndarray, range)):
        if len(value) == 0:
            raise ValueError("A parameter of param_grid has an empty list of values.")
        return list(value)
    return [value]


def _axes(param_grid):
    """``[((name,) or (name, key), choices)]`` of the grid, nested dicts flattened."""
    if not isinstance(param_grid, dict) or not param_grid:
        raise ValueError(f"param_grid must be a non-empty dict of parameters, got {param_grid!r}.")
    axes = []
    for name, value in param_grid.items():
        if name in _NESTED and isinstance(value, dict):
            axes += [((name, key), _choices(inner)) for key, inner in value.items()]
        else:
            axes.append(((name,), _choices(value)))
    return axes


@contextlib.contextmanager
def _numpy_seeded(seed):
    """Seed numpy's global generator (AmpliGraph's callables draw from it), then restore it."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _combinations(axes, max_combinations, seed):
    """Every grid point (grid search) or ``max_combinations`` distinct draws (random search)."""
    if max_combinations is None:
        if any(callable(choices) for _, choices in axes):
            raise ValueError(
                "param_grid holds callables (random values): set max_combinations to the "
                "number of combinations to draw (random search).")
        yield from itertools.product(*(choices for _, choices in axes))
        return
    seen = set()
    with _numpy_seeded(seed):
        for _ in range(100 * max_combinations):
            combo = tuple(choices() if callable(choices) else
                          choices[np.random.randint(len(choices))] for _, choices in axes)
            if repr(combo) not in seen:
                seen.add(repr(combo))
                yield combo
                if len(seen) == max_combinations:
                    return


def _nest(paths, combo, nested):
    params = {name: {} for name in nested}
    for path, value in zip(paths, combo):
        if len(path) == 1:
            params[path[0]] = value
        else:
            params[path[0]][path[1]] = value
    return params


def _drop_unused(params):
    """Drop loss_params the loss does not take, and regularizer_params without a regularizer."""
    out = dict(params)
    loss = out.get("loss", "multiclass_nll")
    if isinstance(out.get("loss_params"), dict) and isinstance(loss, str):
        accepted = inspect.signature(loss_registry.lookup(loss)).parameters
        out["loss_params"] = {k: v for k, v in out["loss_params"].items() if k in accepted}
    if out.get("regularizer") is None and "regularizer_params" in out:
        out["regularizer_params"] = {}
    return out


def _estimator_params(params, cls):
    """Our parameters from a grid point in AmpliGraph's or our spelling."""
    out = {key: value for key, value in params.items() if key != "embedding_model_params"}
    if "seed" in out:
        if "random_state" in out:
            raise ValueError("param_grid gives seed and random_state: give one.")
        out["random_state"] = out.pop("seed")
    out.setdefault("random_state", 0)  # AmpliGraph's models are seeded (seed=0) by default
    if out.pop("large_graphs", False):
        raise ValueError("large_graphs=True is not supported; the graph is held in memory.")
    for key, value in (params.get("embedding_model_params") or {}).items():
        if key == "negative_corruption_entities":
            if value != "all":
                raise ValueError("negative_corruption_entities must be 'all' (corruptions "
                                 f"draw from every entity); got {value!r}.")
            continue
        if key not in _EMBEDDING_MODEL_PARAMS:
            raise ValueError(f"Unknown embedding_model_params key {key!r}; known: "
                             f"{sorted(_EMBEDDING_MODEL_PARAMS)} and negative_corruption_entities.")
        target, name = _EMBEDDING_MODEL_PARAMS[key]
        out[target] = {**(out.get(target) or {}), name: value}
    for name in _NESTED:
        if name in out and out[name] == {}:
            out[name] = None
    unknown = set(out) - set(cls().get_params())
    if unknown:
        raise ValueError(f"Unknown parameters {sorted(unknown)} in param_grid for "
                         f"{cls.__name__}; it takes {sorted(cls().get_params())} (and seed, "
                         f"embedding_model_params).")
    return out


def _early_stopping(params, X_valid):
    """Our ``early_stopping_params`` and validation triples from AmpliGraph's dict."""
    params = dict(params or {})
    x_valid = params.pop("x_valid", X_valid)
    if params.pop("criteria", "mrr") != "mrr":
        raise ValueError("Early stopping checks the filtered validation MRR: criteria must be "
                         "'mrr'.")
    params.pop("x_filter", None)  # validation is always filtered by train + valid
    if params.pop("corruption_entities", "all") != "all":
        raise ValueError("corruption_entities must be 'all'.")
    out = {}
    for key, value in params.items():
        key = _EARLY_STOPPING_KEYS.get(key, key)
        if key not in EARLY_STOPPING_DEFAULTS:
            known = sorted(EARLY_STOPPING_DEFAULTS)
            raise ValueError(f"Unknown early_stopping_params key {key!r}; known: x_valid, "
                             f"criteria, x_filter, stop_interval and {known}.")
        out[key] = value
    early_stopping_params(out)
    return out, x_valid


def _metrics(ranks):
    return {"mrr": mrr_score(ranks), "mr": mr_score(ranks), "hits_1": hits_at_n_score(ranks, 1),
            "hits_3": hits_at_n_score(ranks, 3), "hits_10": hits_at_n_score(ranks, 10)}


def select_best_model_ranking(model_class, X_train, X_valid, X_test, param_grid,
                              max_combinations=None, param_grid_random_seed=0, use_filter=True,
                              early_stopping=False, early_stopping_params=None,
                              use_test_for_selection=False, entities_subset=None,
                              corrupt_side="s,o", focusE=False, focusE_params=None,
                              retrain_best_model=False, verbose=False):
    """Grid or random search of a KGE model's parameters on the validation MRR (AmpliGraph 2).

    Parameters
    ----------
    model_class : str or class
        ``"TransE"``, ``"DistMult"``, ``"ComplEx"``, ``"HolE"``, ``"RotatE"``,
        ``"ConvE"`` or one of those classes.
    X_train, X_valid, X_test : array-like of shape (n, 3)
        Training, validation (selection) and test triples.
    param_grid : dict
        Parameter name to a list of values, a single value, or a callable
        drawn in random search. ``loss_params``, ``regularizer_params``,
        ``optimizer_params``, ... may be dicts of lists (each key a grid
        axis); AmpliGraph's ``seed`` (our ``random_state``, 0 by default) and
        ``embedding_model_params`` (``norm``, ``normalize_ent_emb``,
        ``corrupt_sides``) are translated. ``loss_params`` keys the chosen
        loss does not take are dropped, as in AmpliGraph.
    max_combinations : int, default=None
        None: every combination (grid search). An int: that many distinct
        random draws (random search; needed when the grid holds callables).
    param_grid_random_seed : int, default=0
        Seed of the random draws (numpy's global generator is seeded for the
        callables and restored after).
    use_filter : bool, default=True
        Filter the ranks against ``X_train``, ``X_valid`` and ``X_test``.
    early_stopping : bool, default=False
        Stop each training on the filtered MRR of ``X_valid``.
    early_stopping_params : dict, default=None
        AmpliGraph's keys (``x_valid``, ``criteria="mrr"``, ``burn_in``,
        ``check_interval``, ``stop_interval``, ``corrupt_side``) or ours.
    use_test_for_selection : bool, default=False
        Select on ``X_test`` instead of ``X_valid``.
    entities_subset : array-like of str, default=None
    corrupt_side : {"s", "o", "s,o"}, default="s,o"
    focusE, focusE_params : False, None
        FocusE is not supported.
    retrain_best_model : bool, default=False
        Retrain the best model on ``X_train`` and ``X_valid`` before testing.
    verbose : bool, default=False
        A progress bar over the combinations.

    Returns
    -------
    best_model : fitted estimator
    best_params : dict
        The best grid point, in the grid's spelling.
    best_mrr_train : float
        Its filtered MRR on the selection triples.
    ranks_test : ndarray
        Ranks of ``X_test`` by the best model.
    test_evaluation : dict
        ``mrr``, ``mr``, ``hits_1``, ``hits_3``, ``hits_10`` of ``ranks_test``.
    experimental_history : list of dict
        Each combination's ``model_params`` and ``results`` (its validation
        metrics, or ``{"exception": ...}`` if it failed; a warning counts them).

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import select_best_model_ranking
    >>> X = load_nations()
    >>> best, params, mrr, ranks, test, history = select_best_model_ranking(
    ...     "TransE", X["train"], X["valid"], X["test"],
    ...     {"k": [8, 16], "epochs": 5, "seed": 0})
    >>> len(history), params == max(history, key=lambda h: h["results"]["mrr"])["model_params"]
    (2, True)
    """
    cls = _model_class(model_class)
    if focusE or focusE_params:
        raise ValueError("FocusE is not supported; leave focusE=False.")
    if max_combinations is not None and (not isinstance(max_combinations, Integral)
                                         or max_combinations < 1):
        raise ValueError(f"max_combinations must be None or an int >= 1, got "
                         f"{max_combinations!r}.")
    stopping, x_valid = (_early_stopping(early_stopping_params, X_valid) if early_stopping
                         else (None, None))
    axes = _axes(param_grid)
    paths = [path for path, _ in axes]
    nested = {path[0] for path in paths if len(path) == 2}
    points, seen = [], set()
    for combo in _combinations(axes, max_combinations, param_grid_random_seed):
        shown = _drop_unused(_nest(paths, combo, nested))
        if repr(shown) not in seen:
            seen.add(repr(shown))
            points.append((shown, _estimator_params(shown, cls)))
    X_filter = {"train": X_train, "valid": X_valid, "test": X_test} if use_filter else None
    selection = X_test if use_test_for_selection else X_valid
    evaluate = dict(filter_triples=X_filter, entities_subset=entities_subset,
                    corrupt_side=corrupt_side, on_unseen="skip")
    if verbose:
        from tqdm.auto import tqdm

        points = tqdm(points, desc="select_best_model_ranking", unit="model")
    best_model, best_params, best_mrr, history, failed = None, None, -np.inf, [], []
    for shown, params in points:
        record = {"model_name": cls.__name__, "model_params": shown}
        history.append(record)
        try:
            model = cls(**params)
            if stopping is not None:
                model.set_params(early_stopping=True, early_stopping_params=stopping)
                model.fit(X_train, X_valid=x_valid)
            else:
                model.fit(X_train)
            record["results"] = _metrics(evaluate_performance(selection, model, **evaluate))
        except (ValueError, TypeError, FloatingPointError, RuntimeError) as exc:
            record["results"] = {"exception": f"{type(exc).__name__}: {exc}"}
            failed.append(record)
            continue
        if record["results"]["mrr"] > best_mrr:
            best_model, best_params, best_mrr = model, shown, record["results"]["mrr"]
    if failed:
        message = (f"{len(failed)} of {len(history)} parameter combinations failed; their "
                   f"errors are in experimental_history. First: {failed[0]['model_params']}: "
                   f"{failed[0]['results']['exception']}")
        if best_model is None:
            raise ValueError(message)
        warnings.warn(message, UserWarning, stacklevel=2)
    if retrain_best_model:
        fit_params = {"X_valid": x_valid} if stopping is not None else {}
        best_model.fit(np.concatenate([np.asarray(X_train), np.asarray(X_valid)]), **fit_params)
    ranks_test = evaluate_performance(X_test, best_model, **evaluate)
    return best_model, best_params, best_mrr, ranks_test, _metrics(ranks_test), history
