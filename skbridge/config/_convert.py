"""Estimators to configs and back: ``to_config``, ``instantiate``, ``get_object``.

A config is plain data: dicts with a ``_target_`` naming a class, lists, strings
and numbers. Tuples, sets and arrays are spelled as small ``_target_`` nodes
(``builtins.tuple``, ``numpy.asarray``); functions and classes passed as
parameters as ``skbridge.config.get_object`` nodes. ``instantiate`` checks every
target against the allow-list (:mod:`skbridge.config._security`) before it
imports anything, then builds with Hydra's ``instantiate`` (``_convert_="all"``,
so estimators receive plain ``dict`` and ``list`` objects).
"""

import importlib
import inspect
import numbers

from ._security import GET_OBJECT, check_targets

__all__ = ["build_estimator", "get_object", "instantiate", "to_config"]


def get_object(path):
    """The object an import path names: ``get_object("numpy.log") is numpy.log``.

    Configs use it to pass a function or a class as a parameter; the path is
    checked against the allow-list like a ``_target_``.

    Parameters
    ----------
    path : str
        ``"package.module.name"``; nested names (``"module.Class.method"``) work.

    Returns
    -------
    obj : object

    Examples
    --------
    >>> import numpy as np
    >>> get_object("numpy.log") is np.log
    True
    """
    module, rest = path, []
    while module:
        try:
            obj = importlib.import_module(module)
            break
        except ModuleNotFoundError:
            module, _, name = module.rpartition(".")
            rest.insert(0, name)
    else:
        raise ValueError(f"{path!r} names no importable module.")
    for name in rest:
        try:
            obj = getattr(obj, name)
        except AttributeError:
            raise ValueError(f"{path!r}: {obj!r} has no attribute {name!r}.") from None
    return obj


def public_path(obj):
    """The shortest public import path of a class or function (no private module in it)."""
    parts = obj.__module__.split(".")
    while len(parts) > 1 and any(p.startswith("_") for p in parts[1:]):
        parts = parts[:-1]
    for i in range(1, len(parts) + 1):
        module = ".".join(parts[:i])
        try:
            if getattr(importlib.import_module(module), obj.__qualname__, None) is obj:
                return f"{module}.{obj.__qualname__}"
        except ImportError:
            continue
    return f"{obj.__module__}.{obj.__qualname__}"


def to_config(obj):
    """Write an estimator (or any parameter value) out as a plain config.

    The config names the class and its ``get_params(deep=False)``, nested
    estimators included; a fitted estimator gives the config of its unfitted
    clone. ``instantiate(to_config(est))`` builds an estimator whose
    ``get_params()`` equals ``est``'s.

    Parameters
    ----------
    obj : estimator, Pipeline, or a parameter value
        Estimators and anything else with ``get_params`` (scikit-learn kernels),
        builtins, tuples, lists, dicts with string keys, NumPy scalars and
        arrays, functions and classes.

    Returns
    -------
    config : dict, list or scalar

    Raises
    ------
    TypeError
        When a value has no config spelling (an open file, a random generator
        object, a lambda): the message names it.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.svm import LinearSVC
    >>> cfg = to_config(make_pipeline(StandardScaler(), LinearSVC(C=0.5)))
    >>> cfg["steps"][1]["_args_"][0][1]["C"]
    0.5
    >>> instantiate(cfg)
    Pipeline(steps=[('standardscaler', StandardScaler()), ('linearsvc', LinearSVC(C=0.5))])
    """
    import numpy as np

    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        return float(obj)
    if isinstance(obj, list):
        return [to_config(v) for v in obj]
    if isinstance(obj, (tuple, set, frozenset)):
        kind = {tuple: "tuple", set: "set", frozenset: "frozenset"}[type(obj)]
        items = sorted(obj, key=repr) if kind != "tuple" else obj
        return {"_target_": f"builtins.{kind}", "_args_": [[to_config(v) for v in items]]}
    if isinstance(obj, dict):
        bad = [k for k in obj if not isinstance(k, str)]
        if bad:
            raise TypeError(f"a config dict needs string keys; got {bad[0]!r}.")
        return {k: to_config(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return {"_target_": "numpy.asarray", "a": to_config(obj.tolist()),
                "dtype": str(obj.dtype)}
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj) or isinstance(
            obj, np.ufunc):
        if "<" in getattr(obj, "__qualname__", getattr(obj, "__name__", "<")):
            raise TypeError(f"{obj!r} is a lambda or a local function: a config can name "
                            "only functions importable by path.")
        path = (f"numpy.{obj.__name__}" if isinstance(obj, np.ufunc) else public_path(obj))
        return {"_target_": GET_OBJECT, "path": path}
    if hasattr(obj, "get_params") and not inspect.isclass(obj):
        cfg = {"_target_": public_path(type(obj))}
        for name, value in obj.get_params(deep=False).items():
            try:
                cfg[name] = to_config(value)
            except TypeError as exc:
                raise TypeError(f"{type(obj).__name__}.{name}: {exc}") from None
        return cfg
    raise TypeError(f"{type(obj).__name__} object {obj!r} has no config spelling; "
                    "pass a value configs can hold (numbers, strings, lists, dicts, "
                    "estimators, importable functions).")


def _coerce_tuples(node):
    """Wrap lists as tuples where the target class's default for that parameter is a tuple."""
    if isinstance(node, list):
        return [_coerce_tuples(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _coerce_tuples(v) for k, v in node.items()}
    target = node.get("_target_")
    if not isinstance(target, str) or target.startswith("builtins."):
        return node
    cls = get_object(target)
    try:
        params = inspect.signature(cls).parameters if inspect.isclass(cls) else {}
    except (TypeError, ValueError):
        return node
    for name, value in node.items():
        p = params.get(name)
        if p is not None and isinstance(p.default, tuple) and isinstance(value, list):
            node[name] = {"_target_": "builtins.tuple", "_args_": [value]}
    return node


def _container(cfg):
    from omegaconf import DictConfig, ListConfig, OmegaConf

    if isinstance(cfg, (DictConfig, ListConfig)):
        cfg = OmegaConf.to_container(cfg, resolve=True)
    if isinstance(cfg, dict):
        cfg = {k: v for k, v in cfg.items() if k != "hydra"}
    return cfg


def instantiate(cfg, *, allowed_targets=()):
    """Build what a config describes, after checking every ``_target_``.

    Parameters
    ----------
    cfg : DictConfig or dict
        A node with a ``_target_`` (an estimator, a loader, ...), or a composed
        experiment config (keys ``preprocess`` and ``model``), which gives the
        estimator of :func:`build_estimator`.
    allowed_targets : iterable of str, default=()
        Module prefixes allowed on top of the built-in allow-list. Configs
        themselves cannot widen it.

    Returns
    -------
    obj : object

    Raises
    ------
    ForbiddenTargetError
        A target outside the allow-list; nothing was imported.

    Examples
    --------
    >>> instantiate({"_target_": "skbridge.transformers.FastfoodSampler",
    ...              "n_components": 128, "random_state": 0})
    FastfoodSampler(n_components=128, random_state=0)
    """
    container = _container(cfg)
    if isinstance(container, dict) and "_target_" not in container and "model" in container:
        return build_estimator(container, allowed_targets=allowed_targets)
    check_targets(container, allowed_targets)
    from hydra.utils import instantiate as hydra_instantiate

    return hydra_instantiate(_coerce_tuples(container), _convert_="all")


def build_estimator(cfg, *, allowed_targets=()):
    """The estimator of an experiment config: its ``preprocess`` steps, then ``model``.

    Parameters
    ----------
    cfg : DictConfig or dict
        With ``model`` (a node) and optionally ``preprocess`` (``{step name: node}``,
        in order).
    allowed_targets : iterable of str, default=()
        As in :func:`instantiate`.

    Returns
    -------
    estimator : estimator or Pipeline
        The model alone without preprocessing, else ``Pipeline`` with the steps
        named as in the config and the last named ``model`` — so ``model.C`` in a
        config is ``model__C`` in a grid.
    """
    container = _container(cfg)
    check_targets({k: container.get(k) for k in ("preprocess", "model")}, allowed_targets)
    model = instantiate(container["model"], allowed_targets=allowed_targets)
    steps = [(name, instantiate(node, allowed_targets=allowed_targets))
             for name, node in (container.get("preprocess") or {}).items() if node is not None]
    if not steps:
        return model
    from sklearn.pipeline import Pipeline

    return Pipeline([*steps, ("model", model)])
