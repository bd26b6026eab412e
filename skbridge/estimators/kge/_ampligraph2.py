"""AmpliGraph 2's API over the scikit-learn KGE models.

:class:`ScoringBasedEmbeddingModel` takes AmpliGraph 2's (Keras-style) calls,
``ScoringBasedEmbeddingModel(eta, k, scoring_type)``, ``compile``, ``fit``,
``evaluate``, ``predict``, ``calibrate``, ``predict_proba`` and
``get_embeddings``, and runs them on one of the estimators of
:mod:`~skbridge.estimators.kge.models` (its ``estimator`` attribute): there is
no second implementation.
"""

import math
from numbers import Integral, Real

from sklearn.utils.validation import check_is_fitted

from ...compat.torch import resolve_device
from ._compile_specs import initializer_spec, loss_spec, optimizer_spec, regularizer_spec
from ._encoding import TripleEncoder, embedding_kind
from .early_stopping import EarlyStopping
from .evaluation import evaluate_performance, train_test_split_no_unseen
from .models import ComplEx, ConvE, DistMult, HolE, RotatE, TransE

__all__ = ["History", "ScoringBasedEmbeddingModel"]

_MODELS = {cls.__name__.lower(): cls for cls in (TransE, DistMult, ComplEx, HolE, RotatE, ConvE)}
_SIDES = ("s", "o", "s,o", "s+o")
_RANKING = {"worst": "worst", "best": "best", "middle": "mean", "mean": "mean"}
_NEVER = 2**31 - 1  # patience of validation without a stopping callback


def _check_int(value, name, low):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    return int(value)


def _either(ours, theirs, name_ours, name_theirs):
    """One value from two spellings of an argument (AmpliGraph's and ours)."""
    if ours is not None and theirs is not None:
        raise ValueError(f"Give {name_theirs} or {name_ours} (the same argument), not both.")
    return theirs if theirs is not None else ours


class History:
    """What ``fit`` returns, as Keras's ``History``: ``history`` and ``epoch``.

    Attributes
    ----------
    history : dict of str to list of float
        ``"loss"``: the training loss of each epoch (summed over its batches);
        ``"val_mrr"``: the filtered validation MRR of each validation check,
        when there was validation data.
    epoch : list of int
        The epochs run by this call (0-based, counted across calls).
    """

    def __init__(self, history, epoch):
        self.history = history
        self.epoch = epoch

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"


class ScoringBasedEmbeddingModel:
    """AmpliGraph 2's model class, run by a scikit-learn KGE estimator.

    A Keras-style object, not a scikit-learn estimator (``compile`` comes
    before ``fit``, which returns a :class:`History`): its ``estimator``
    attribute is the scikit-learn model doing the work, usable anywhere a KGE
    estimator is (``GridSearchCV``, :func:`evaluate_performance`, pickling).
    The discovery and evaluation functions of this package accept either.

    Parameters
    ----------
    eta : int
        Corruptions per positive triple in training.
    k : int
        Embedding size.
    scoring_type : {"TransE", "DistMult", "ComplEx", "HolE", "RotatE", "ConvE"}, default="DistMult"
        The model (case-insensitive).
    seed : int or None, default=0
        The estimator's ``random_state``: initialisation, batches, corruptions.
    max_ent_size, max_rel_size : None
        AmpliGraph's partitioned training; not supported (must be None).
    device : str, default="cpu"
        ``"cpu"``, ``"cuda"`` or ``"auto"``; ``"cuda"`` without a GPU raises
        a ``ValueError`` here, naming the alternatives.
    scoring_params : dict, default=None
        Parameters of the scoring function (``{"norm": 2}`` for TransE).

    Attributes
    ----------
    estimator : TransE, DistMult, ComplEx, HolE, RotatE or ConvE
        The scikit-learn estimator; fitted by :meth:`fit`.
    is_fitted, is_calibrated : bool
        As AmpliGraph's.

    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import ScoringBasedEmbeddingModel, mrr_score
    >>> X = load_nations()
    >>> model = ScoringBasedEmbeddingModel(eta=5, k=16, scoring_type="ComplEx", seed=0)
    >>> model.compile(optimizer="adam", loss="multiclass_nll")
    >>> history = model.fit(X["train"], batch_size=512, epochs=10, verbose=False)
    >>> ranks = model.evaluate(X["test"], use_filter={"train": X["train"], "test": X["test"]})
    >>> ranks.shape, bool(mrr_score(ranks) > 0.3)
    ((201, 2), True)
    """

    _wraps_kge_estimator = True  # the discovery and evaluation functions unwrap it

    def __init__(self, eta, k, scoring_type="DistMult", seed=0, max_ent_size=None,
                 max_rel_size=None, *, device="cpu", scoring_params=None):
        key = str(scoring_type).lower()
        if key not in _MODELS:
            raise ValueError(
                f"Unknown scoring_type {scoring_type!r}; choose one of "
                f"{[cls.__name__ for cls in _MODELS.values()]}."
            )
        if max_ent_size is not None or max_rel_size is not None:
            raise ValueError(
                "max_ent_size and max_rel_size size AmpliGraph's partitioned training, which "
                "is not supported; leave them None (the embedding tables hold every entity)."
            )
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, Integral)):
            raise ValueError(f"seed must be an int or None, got {seed!r}.")
        resolve_device(device)  # a clear error now for CUDA without a GPU
        self.eta = _check_int(eta, "eta", 1)
        self.k = _check_int(k, "k", 1)
        self.scoring_type = _MODELS[key].__name__
        self.seed = seed
        self.estimator = _MODELS[key](k=self.k, eta=self.eta, random_state=seed, device=device,
                                      scoring_params=scoring_params)
        self.is_fitted = False
        self.is_calibrated = False
        self._compiled = False

    def __repr__(self):
        return (f"ScoringBasedEmbeddingModel(eta={self.eta}, k={self.k}, "
                f"scoring_type={self.scoring_type!r}, seed={self.seed})")

    # ----------------------------------------------------------------- compile

    def compile(self, optimizer="adam", loss=None, entity_relation_initializer=None,
                entity_relation_regularizer=None, *, initializer=None, regularizer=None,
                optimizer_params=None, loss_params=None, initializer_params=None,
                regularizer_params=None):
        """Choose the optimizer, loss, initializer and regularizer.

        Parameters
        ----------
        optimizer : str, torch optimizer class or Keras optimizer, default="adam"
            See :func:`~skbridge.estimators.kge._compile_specs.optimizer_spec`
            (``keras.optimizers.Adam(learning_rate=1e-3)`` is translated).
        loss : str, Loss or None, default=None
            ``"pairwise"``, ``"nll"``, ``"absolute_margin"``,
            ``"self_adversarial"``, ``"multiclass_nll"`` (None), or an instance
            such as ``losses.get("pairwise", {"margin": 0.5})``.
        entity_relation_initializer : str, Initializer or Keras initializer, default=None
            ``"glorot_uniform"`` when None. ``initializer`` is our name for it.
        entity_relation_regularizer : str, Regularizer or Keras regularizer, default=None
            ``"LP"``, ``"l1"``, ``"l2"`` or an instance. ``regularizer`` is our
            name for it.
        initializer, regularizer : default=None
            Our spellings of the two above (give one of each pair).
        optimizer_params, loss_params, initializer_params, regularizer_params : dict, default=None
            Our component parameters, e.g. ``optimizer_params={"lr": 5e-3}``.
        """
        init = _either(initializer, entity_relation_initializer, "initializer",
                       "entity_relation_initializer")
        reg = _either(regularizer, entity_relation_regularizer, "regularizer",
                      "entity_relation_regularizer")
        opt, opt_params = optimizer_spec(optimizer, optimizer_params)
        loss_name, loss_kw = loss_spec(loss, loss_params)
        init_name, init_kw = initializer_spec("glorot_uniform" if init is None else init,
                                              initializer_params)
        reg_name, reg_kw = regularizer_spec(reg, regularizer_params)
        self.estimator.set_params(optimizer=opt, optimizer_params=opt_params, loss=loss_name,
                                  loss_params=loss_kw, initializer=init_name,
                                  initializer_params=init_kw, regularizer=reg_name,
                                  regularizer_params=reg_kw)
        self._compiled = True

    # --------------------------------------------------------------------- fit

    def fit(self, x=None, batch_size=1000, epochs=100, verbose=True, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            validation_batch_size=10, validation_corrupt_side="s,o", validation_freq=10,
            validation_burn_in=0, validation_filter=False, validation_entities_subset=None,
            partitioning_k=1, focusE=False, focusE_params=None, *, X=None, X_valid=None):
        """Train on the triples ``x``; a second call continues training.

        Parameters
        ----------
        x : array-like of shape (n, 3)
            Training triples (``X`` is our spelling).
        batch_size : int, default=1000
        epochs : int, default=100
        verbose : bool, default=True
            A progress bar of the epochs, with the loss.
        callbacks : list, default=None
            Early stopping only: a Keras ``EarlyStopping(monitor="val_mrr",
            patience=..., restore_best_weights=...)`` (read by its attributes)
            or an :class:`~skbridge.estimators.kge.early_stopping.EarlyStopping`.
        validation_split : float, default=0.0
            Fraction of ``x`` held out (without unseen labels) as validation data.
        validation_data : array-like of shape (m, 3), default=None
            Validation triples (``X_valid`` is our spelling); their filtered
            MRR is checked every ``validation_freq`` epochs from
            ``validation_burn_in`` on and logged as ``val_mrr``.
        shuffle : True
            Batches are always shuffled.
        initial_epoch, validation_batch_size : int
            Accepted for AmpliGraph's calls; batches are sized by memory.
        validation_corrupt_side : {"s", "o", "s,o", "s+o"}, default="s,o"
        validation_freq : int, default=10
        validation_burn_in : int, default=0
        validation_filter : bool or dict, default=False
            Accepted; validation ranks are always filtered against the
            training and validation triples.
        validation_entities_subset : None or "all"
        partitioning_k : 1
        focusE : False
        focusE_params : None
            Partitioned training and FocusE are not supported.

        Returns
        -------
        history : History
        """
        if not self._compiled:
            raise RuntimeError(
                "Call compile(optimizer=..., loss=...) before fit, as in AmpliGraph 2.")
        x = _either(X, x, "X", "x")
        valid = _either(X_valid, validation_data, "X_valid", "validation_data")
        if x is None:
            raise ValueError("fit needs the training triples: fit(x, ...).")
        _check_int(batch_size, "batch_size", 1)
        _check_int(epochs, "epochs", 0)
        _check_int(initial_epoch, "initial_epoch", 0)
        _check_int(validation_batch_size, "validation_batch_size", 1)
        freq = _check_int(validation_freq, "validation_freq", 1)
        burn_in = _check_int(validation_burn_in, "validation_burn_in", 0)
        if validation_corrupt_side not in _SIDES:
            raise ValueError(f"validation_corrupt_side must be one of {_SIDES}, got "
                             f"{validation_corrupt_side!r}.")
        if not isinstance(validation_split, Real) or not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be in [0, 1), got {validation_split!r}.")
        unsupported = {"shuffle": (shuffle, True), "partitioning_k": (partitioning_k, 1),
                       "focusE": (focusE, False), "focusE_params": (focusE_params or None, None),
                       "validation_entities_subset": (
                           None if validation_entities_subset == "all"
                           else validation_entities_subset, None)}
        for name, (value, default) in unsupported.items():
            if not isinstance(value, type(default)) or value != default:
                raise ValueError(f"{name}={value!r} is not supported; leave it at {default!r}.")
        stopping = _stopping_params(callbacks)
        if validation_split and valid is None:
            x, valid = train_test_split_no_unseen(x, test_size=validation_split,
                                                  random_state=self.seed)
        if stopping is not None and valid is None:
            raise ValueError("The early-stopping callback needs validation_data (or "
                             "validation_split) to compute val_mrr.")
        params = None
        if valid is not None:
            params = {"burn_in": math.ceil(burn_in / freq) * freq, "check_interval": freq,
                      "corrupt_side": validation_corrupt_side, "patience": _NEVER,
                      "restore_best": False, **(stopping or {})}
        est = self.estimator
        est.set_params(batch_size=batch_size, batches_count=None, epochs=epochs,
                       verbose=bool(verbose), early_stopping=params is not None,
                       early_stopping_params=params)
        start, checks = (est.n_epochs_, len(est.validation_scores_)) if self.is_fitted else (0, 0)
        if self.is_fitted:
            est.partial_fit(x, X_valid=valid)
        else:
            est.fit(x, X_valid=valid)
        self.is_fitted = True
        history = {"loss": list(est.history_[start:])}
        if params is not None:
            history["val_mrr"] = [score for _, score in est.validation_scores_[checks:]]
        return History(history, list(range(start, est.n_epochs_)))

    def is_fit(self):
        """Whether :meth:`fit` has run."""
        return self.is_fitted

    # --------------------------------------------------------------- inference

    def _check_fitted(self):
        if not self.is_fitted:
            raise RuntimeError("The model is not fitted: call compile(...) then fit(x, ...).")
        check_is_fitted(self.estimator)

    def _seen_triples(self):
        """The triples seen in fit, as labels (the ``use_filter=True`` filter)."""
        est = self.estimator
        encoder = TripleEncoder.of(est)
        return [encoder.decode(idx) for idx in (est.triples_, est.valid_triples_) if len(idx)]

    def evaluate(self, x=None, batch_size=10, verbose=True, use_filter=False, corrupt_side="s,o",
                 entities_subset=None, ranking_strategy="worst", callbacks=None,
                 dataset_type="test", *, X=None, filter_triples=None):
        """Ranks of ``x`` against their corruptions (:func:`evaluate_performance`).

        Parameters
        ----------
        x : array-like of shape (n, 3)
            Test triples (``X`` is our spelling); triples with unseen labels
            are skipped with a warning, as AmpliGraph does.
        batch_size : int, default=10
            Accepted; batches are sized by memory.
        verbose : bool, default=True
            Accepted (evaluation takes well under a second on small graphs).
        use_filter : bool, dict or array-like, default=False
            Known positives filtered out of the corruptions: a dict or list of
            triple arrays (``{"train": ..., "test": ...}``), True for the
            triples seen in fit plus ``x``, False for raw ranks.
            ``filter_triples`` is our spelling.
        corrupt_side : {"s", "o", "s,o", "s+o"}, default="s,o"
            ``"s+o"`` is the same as ``"s,o"`` here: two ranks per triple.
        entities_subset : array-like of str, default=None
        ranking_strategy : {"worst", "best", "middle"}, default="worst"
        callbacks : None
        dataset_type : str, default="test"
            Accepted (it only names the data in AmpliGraph's logs).

        Returns
        -------
        ranks : ndarray of shape (n, 2) for "s,o", else (n, 1)
        """
        self._check_fitted()
        x = _either(X, x, "X", "x")
        _check_int(batch_size, "batch_size", 1)
        if callbacks:
            raise ValueError("evaluate takes no callbacks here; leave callbacks=None.")
        if filter_triples is not None and use_filter is not False:
            raise ValueError("Give use_filter or filter_triples (the same argument), not both.")
        if ranking_strategy not in _RANKING:
            raise ValueError(f"ranking_strategy must be 'worst', 'best' or 'middle', got "
                             f"{ranking_strategy!r}.")
        filt = filter_triples
        if use_filter is True:
            filt = [*self._seen_triples(), x]
        elif use_filter is not False and use_filter is not None:
            filt = use_filter
        ranks = evaluate_performance(x, self.estimator, filter_triples=filt,
                                     corrupt_side=corrupt_side, entities_subset=entities_subset,
                                     ranking=_RANKING[ranking_strategy], on_unseen="skip")
        return ranks.reshape(len(ranks), -1)

    def predict(self, x, batch_size=32, verbose=0, callbacks=None):
        """Raw scores of the triples ``x`` (higher = more plausible).

        Returns
        -------
        scores : ndarray of shape (n,)
        """
        self._check_fitted()
        return self.estimator.predict(x)

    def calibrate(self, X_pos, X_neg=None, positive_base_rate=None, batch_size=32, epochs=50,
                  verbose=0):
        """Platt scaling of the scores (``batch_size`` and ``epochs`` are not needed).

        Without ``X_neg`` the negatives are corruptions of ``X_pos`` and
        ``positive_base_rate`` is required (see the estimator's ``calibrate``).
        """
        self._check_fitted()
        self.estimator.calibrate(X_pos, X_neg, positive_base_rate)
        self.is_calibrated = True

    def predict_proba(self, x, batch_size=32, verbose=0, callbacks=None):
        """Calibrated probabilities that the triples ``x`` are true.

        Raises
        ------
        RuntimeError
            Before :meth:`calibrate`, as AmpliGraph.
        """
        self._check_fitted()
        if not self.is_calibrated:
            raise RuntimeError("The model is not calibrated: call model.calibrate(X_pos, "
                               "positive_base_rate=...) before predict_proba.")
        return self.estimator.predict_proba(x)

    def get_embeddings(self, entities, embedding_type=None, *, role=None):
        """Embeddings of entities (``"e"``, default) or relations (``"r"``); ``role`` is an alias.

        Returns
        -------
        embeddings : ndarray of shape (n, d)
        """
        self._check_fitted()
        kind = _either(role, embedding_type, "role", "embedding_type")
        kind = embedding_kind("e" if kind is None else kind, name="embedding_type")
        return self.estimator.get_embeddings(entities, kind)

    def get_count(self, concept_type="e"):
        """Number of entities (``"e"``) or relations (``"r"``) seen in fit."""
        self._check_fitted()
        kind = embedding_kind(concept_type, name="concept_type")
        return len(self.estimator.entities_ if kind == "entity" else self.estimator.relations_)


def _stopping_params(callbacks):
    """``early_stopping_params`` entries of an early-stopping callback, or None."""
    if callbacks is None:
        return None
    found = None
    for callback in callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]:
        if isinstance(callback, EarlyStopping):
            params = {"burn_in": callback.burn_in, "check_interval": callback.check_interval,
                      "patience": callback.patience, "restore_best": callback.restore_best}
        elif hasattr(callback, "monitor") and hasattr(callback, "patience"):
            if callback.monitor != "val_mrr":
                raise ValueError(
                    f"EarlyStopping(monitor={callback.monitor!r}) is not supported: validation "
                    f"computes 'val_mrr' (the filtered MRR); monitor it with mode='max'.")
            if getattr(callback, "mode", "max") not in ("max", "auto"):
                raise ValueError("EarlyStopping on val_mrr needs mode='max' (higher is better).")
            if getattr(callback, "min_delta", 0) or getattr(callback, "start_from_epoch", 0) \
                    or getattr(callback, "baseline", None) is not None:
                raise ValueError("EarlyStopping's min_delta, baseline and start_from_epoch are "
                                 "not supported; use validation_burn_in to delay the checks.")
            params = {"patience": int(callback.patience),
                      "restore_best": bool(getattr(callback, "restore_best_weights", False))}
        else:
            raise ValueError(
                f"Callback {type(callback).__name__} is not supported: fit takes one "
                f"early-stopping callback (Keras's EarlyStopping(monitor='val_mrr') or ours).")
        if found is not None:
            raise ValueError("Pass one early-stopping callback, not several.")
        found = params
    return found
