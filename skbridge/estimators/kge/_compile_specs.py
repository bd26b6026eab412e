"""AmpliGraph 2's ``compile`` arguments as the estimators' (name, params) pairs.

AmpliGraph 2 (a Keras model) takes Keras optimizers, regularizers and
initializers, or their names. :class:`~skbridge.estimators.kge.ScoringBasedEmbeddingModel`
turns each into the pair of parameters of the scikit-learn estimator it wraps
(``optimizer`` + ``optimizer_params``, ...), so that the estimator only ever
holds strings and dicts: it clones, grid-searches and saves as plain data.
Keras objects are read through their ``get_config()`` (duck typing: Keras is
never imported); the components of this package (a ``PairwiseLoss(margin=0.5)``
or ``losses.get("pairwise", {...})``) become their registry name and
hyper-parameters.
"""

import inspect

from .initializers import initializer_registry
from .losses import loss_registry
from .regularizers import regularizer_registry
from .training import optimizer_registry

__all__ = ["initializer_spec", "loss_spec", "optimizer_spec", "regularizer_spec"]

# Keras optimizer names -> ours; Keras config keys -> torch's.
_OPTIMIZERS = {"adam": "adam", "adamw": "adamw", "sgd": "sgd", "rmsprop": "rmsprop",
               "rm_sprop": "rmsprop", "adagrad": "adagrad"}
_OPTIMIZER_KEYS = {"learning_rate": "lr", "epsilon": "eps", "amsgrad": "amsgrad",
                   "momentum": "momentum", "nesterov": "nesterov", "rho": "alpha",
                   "centered": "centered", "weight_decay": "weight_decay",
                   "initial_accumulator_value": "initial_accumulator_value"}
# Settings that change training and have no counterpart here: refused when set.
_OPTIMIZER_UNSUPPORTED = ("clipnorm", "global_clipnorm", "clipvalue", "use_ema",
                          "loss_scale_factor", "gradient_accumulation_steps")
# Settings that do not change the result (or only matter with a refused one).
_OPTIMIZER_IGNORED = ("name", "ema_momentum", "ema_overwrite_frequency", "jit_compile",
                      "is_legacy_optimizer", "decay")
_KERAS_L_DEFAULT = 0.01  # Keras's factor of the "l1" and "l2" regularizers


def _short(value):
    """A Keras float32 setting as the float it was written as (0.001, not 0.0010000000474)."""
    return float(f"{float(value):.7g}")


def _component_spec(obj, registry, params, what):
    """``(name, params)`` of a registered component instance; other queries as they are."""
    resolved = registry.resolve(obj)  # names the known ones for a bad name or type
    if isinstance(obj, (str, type)) or resolved.key is None:
        return obj, params
    if params:
        raise ValueError(
            f"Pass either a {what} instance or its name with {what}_params, not both "
            f"(got {obj!r} and {what}_params={params!r})."
        )
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    names = [p.name for p in inspect.signature(type(obj).__init__).parameters.values()
             if p.name != "self" and p.kind in kinds and hasattr(obj, p.name)]
    return resolved.key, {name: getattr(obj, name) for name in names}


def _one_for_both(value, what):
    """AmpliGraph takes ``[for entities, for relations]``; one value for both is supported."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2 or repr(value[0]) != repr(value[1]):
            raise ValueError(
                f"{what} as a list must hold the same value for entities and relations; "
                f"separate ones are not supported here (got {value!r})."
            )
        return value[0]
    return value


def optimizer_spec(optimizer, params=None):
    """``(optimizer, optimizer_params)`` from a name, a torch optimizer class or a Keras optimizer.

    Parameters
    ----------
    optimizer : str, torch.optim.Optimizer subclass or Keras optimizer
        ``"adam"``, ``"adagrad"``, ``"sgd"``, ``"rmsprop"``, ``"adamw"``, a
        class, or an object with ``get_config()`` (``keras.optimizers.Adam(
        learning_rate=1e-3)``) whose settings are translated (``learning_rate``
        to ``lr``, ``beta_1``/``beta_2`` to ``betas``, ``epsilon`` to ``eps``,
        ``rho`` to ``alpha``).
    params : dict, default=None
        Our ``optimizer_params``; they override the translated settings.

    Returns
    -------
    optimizer : str or type
    params : dict or None

    Raises
    ------
    ValueError
        For an unknown name, a Keras optimizer without a torch counterpart, a
        learning-rate schedule, or gradient clipping / EMA settings.
    """
    if isinstance(optimizer, (str, type)):
        optimizer_registry.lookup(optimizer)
        return optimizer, params
    if not hasattr(optimizer, "get_config"):
        raise TypeError(
            f"optimizer must be a name ('adam', ...), a torch.optim.Optimizer subclass or a "
            f"Keras optimizer; got {optimizer!r}. For a torch optimizer pass its class and "
            f"optimizer_params={{'lr': ...}}."
        )
    config = dict(optimizer.get_config())
    name = str(config.get("name", type(optimizer).__name__)).lower()
    key = _OPTIMIZERS.get(name) or _OPTIMIZERS.get(type(optimizer).__name__.lower())
    if key is None:
        raise ValueError(
            f"The Keras optimizer {type(optimizer).__name__} has no counterpart here; use one "
            f"of {sorted(set(_OPTIMIZERS.values()))}."
        )
    out = {}
    if "beta_1" in config:
        out["betas"] = (_short(config.pop("beta_1")), _short(config.pop("beta_2", 0.999)))
    for setting, value in config.items():
        if setting in _OPTIMIZER_UNSUPPORTED:
            if value:
                raise ValueError(
                    f"{setting}={value!r} of the Keras optimizer is not supported; leave it "
                    f"unset."
                )
        elif setting in _OPTIMIZER_KEYS:
            if isinstance(value, dict):
                raise ValueError(
                    f"The Keras optimizer's {setting} is a schedule; pass a float (schedules "
                    f"are not supported)."
                )
            if value is not None:
                out[_OPTIMIZER_KEYS[setting]] = (_short(value) if isinstance(value, float)
                                                 else value)
        elif setting not in _OPTIMIZER_IGNORED:
            raise ValueError(f"Unknown setting {setting!r} of the Keras optimizer {name!r}.")
    return key, {**out, **(params or {})}


def loss_spec(loss, params=None):
    """``(loss, loss_params)`` from a name, a class or a loss instance of this package.

    ``None`` (AmpliGraph's default) is ``"multiclass_nll"``. A registered
    instance (from ``losses.get("pairwise", {"margin": 0.5})``) becomes its
    name and hyper-parameters; another :class:`~skbridge.estimators.kge.losses.Loss`
    instance is kept as it is.
    """
    if loss is None:
        return "multiclass_nll", params
    return _component_spec(loss, loss_registry, params, "loss")


def regularizer_spec(regularizer, params=None):
    """``(regularizer, regularizer_params)`` from ours or Keras's spelling.

    ``"l1"`` and ``"l2"`` (Keras's names, factor 0.01) and Keras regularizer
    objects (``L1(0.1)``, ``L2(0.1)``; ``get_config()`` read) become the ``LP``
    regularizer with ``p`` 1 or 2. Note that it penalises the embeddings used
    in each batch, as AmpliGraph 1's ``LP`` did, not the whole tables as a
    Keras regularizer does. A list ``[entities, relations]`` must hold one
    value twice.
    """
    regularizer = _one_for_both(regularizer, "entity_relation_regularizer")
    if regularizer is None:
        return None, params
    if isinstance(regularizer, str) and regularizer.lower() in ("l1", "l2"):
        base = {"p": int(regularizer[-1]), "lambda": _KERAS_L_DEFAULT}
        return "LP", {**base, **(params or {})}
    if isinstance(regularizer, (str, type, regularizer_registry.base)):
        return _component_spec(regularizer, regularizer_registry, params, "regularizer")
    if not hasattr(regularizer, "get_config"):
        raise TypeError(
            f"regularizer must be a name ('LP', 'l1', 'l2'), a Regularizer or a Keras "
            f"regularizer; got {regularizer!r}."
        )
    config = regularizer.get_config()
    factors = {p: float(config.get(f"l{p}", 0.0) or 0.0) for p in (1, 2)}
    used = [p for p, factor in factors.items() if factor]
    if len(used) != 1:
        raise ValueError(
            f"The Keras regularizer {config} must set exactly one of l1 and l2 (the LP "
            f"regularizer has one p); got {len(used)}."
        )
    return "LP", {"p": used[0], "lambda": _short(factors[used[0]]), **(params or {})}


def initializer_spec(initializer, params=None):
    """``(initializer, initializer_params)`` from ours or Keras's spelling.

    Names (``"glorot_uniform"``, ``"glorot_normal"``, ``"random_normal"``,
    ``"random_uniform"``, ...), our initializer instances, and Keras
    initializer objects ``GlorotUniform``, ``GlorotNormal``, ``RandomNormal``
    (``mean``, ``stddev``) and ``RandomUniform`` (``minval``, ``maxval``). The
    Keras ``seed`` is ignored: the model's ``seed`` draws the embeddings.
    """
    initializer = _one_for_both(initializer, "entity_relation_initializer")
    if isinstance(initializer, (str, type, initializer_registry.base)):
        return _component_spec(initializer, initializer_registry, params, "initializer")
    if not hasattr(initializer, "get_config"):
        raise TypeError(
            f"initializer must be a name ('glorot_uniform', ...), an Initializer or a Keras "
            f"initializer; got {initializer!r}."
        )
    config, kind = initializer.get_config(), type(initializer).__name__
    if kind in ("GlorotUniform", "GlorotNormal"):
        return ("glorot_uniform" if kind == "GlorotUniform" else "glorot_normal"), params
    if kind == "RandomNormal":
        return "normal", {"mean": config.get("mean", 0.0), "std": config.get("stddev", 0.05),
                          **(params or {})}
    if kind == "RandomUniform":
        return "uniform", {"low": config.get("minval", -0.05),
                           "high": config.get("maxval", 0.05), **(params or {})}
    raise ValueError(
        f"The Keras initializer {kind} has no counterpart here; use GlorotUniform, "
        f"GlorotNormal, RandomNormal, RandomUniform or one of {initializer_registry.names}."
    )
