"""The shared base of the KGE estimators: parameters, fit, inference, persistence.

:class:`_BaseKGEModel` is a scikit-learn estimator around a
:class:`~skbridge.estimators.kge.training.KGEModule`. ``fit`` validates the
triples, builds the vocabularies, the module and its parts from the
registries (in :meth:`~_BaseKGEModel._initialize`), then runs the training
loop of :class:`~skbridge.estimators.kge.training.TrainingLoopMixin`. The
concrete models (:mod:`~skbridge.estimators.kge.models`) only name their
scoring function.
"""

import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import TransformerTags, metadata_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ...compat import HasMethods, Interval, StrOptions, fit_context
from ...compat.torch import (
    make_generator,
    plain_state,
    resolve_device,
    restore_cpu_state,
    restore_plain_state,
    seed_from_random_state,
    seeded_torch_rng,
)
from ._encoding import TripleEncoder, check_triples, embedding_kind
from .calibration import corrupted_negatives, fit_platt
from .corruption import corruption_registry
from .early_stopping import early_stopping_params
from .evaluation import FilterIndex, _filtered_ranks, mrr_score, train_test_split_no_unseen
from .initializers import initializer_registry
from .losses import loss_registry
from .regularizers import regularizer_registry
from .scoring import scoring_registry
from .training import KGEModule, TrainingLoopMixin

__all__ = []


def _is_calibrated(model):
    if not hasattr(model, "calibration_coef_"):
        raise AttributeError(
            f"This {type(model).__name__} is not calibrated: raw scores are not "
            f"probabilities. Call calibrate(X_pos, X_neg=None, positive_base_rate=...) first."
        )
    return True


class _BaseKGEModel(TrainingLoopMixin, BaseEstimator):
    """Shared base of the KGE estimators (not for direct use)."""

    _scoring_type = None
    # X_valid is data, not per-sample metadata: meta-estimators never route it.
    __metadata_request__fit = {"X_valid": metadata_routing.UNUSED}
    __metadata_request__partial_fit = {"X_valid": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "k": [Interval(Integral, 1, None, closed="left")],
        "eta": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "batches_count": [Interval(Integral, 1, None, closed="left"), None],
        "loss": [str, type, HasMethods(["forward"])],
        "loss_params": [dict, None],
        "regularizer": [str, type, HasMethods(["forward"]), None],
        "regularizer_params": [dict, None],
        "initializer": [str, type, HasMethods(["__call__"])],
        "initializer_params": [dict, None],
        "optimizer": [str, type],
        "optimizer_params": [dict, None],
        "corruption": [str, type, HasMethods(["sample"])],
        "corruption_params": [dict, None],
        "scoring_params": [dict, None],
        "early_stopping": ["boolean"],
        "early_stopping_params": [dict, None],
        "on_unseen": [StrOptions({"raise", "nan", "skip"})],
        "device": [str],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        k=100,
        eta=2,
        epochs=100,
        batch_size=512,
        batches_count=None,
        loss="multiclass_nll",
        loss_params=None,
        regularizer=None,
        regularizer_params=None,
        initializer="glorot_uniform",
        initializer_params=None,
        optimizer="adam",
        optimizer_params=None,
        corruption="uniform",
        corruption_params=None,
        scoring_params=None,
        early_stopping=False,
        early_stopping_params=None,
        on_unseen="raise",
        device="cpu",
        verbose=False,
        warm_start=False,
        random_state=None,
    ):
        self.k = k
        self.eta = eta
        self.epochs = epochs
        self.batch_size = batch_size
        self.batches_count = batches_count
        self.loss = loss
        self.loss_params = loss_params
        self.regularizer = regularizer
        self.regularizer_params = regularizer_params
        self.initializer = initializer
        self.initializer_params = initializer_params
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.corruption = corruption
        self.corruption_params = corruption_params
        self.scoring_params = scoring_params
        self.early_stopping = early_stopping
        self.early_stopping_params = early_stopping_params
        self.on_unseen = on_unseen
        self.device = device
        self.verbose = verbose
        self.warm_start = warm_start
        self.random_state = random_state

    # ------------------------------------------------------------- building

    @property
    def _entity_index(self):
        return self._encoder.entity_index

    @property
    def _relation_index(self):
        return self._encoder.relation_index

    def _initialize(self, labels):
        """Vocabularies, seed, device, module and parts of a fresh fit."""
        self._encoder = TripleEncoder.from_triples(labels)
        self.entities_ = self._encoder.entities
        self.relations_ = self._encoder.relations
        self.triples_, _ = self._encoder.encode(labels, "raise")
        self.valid_triples_ = np.empty((0, 3), dtype=np.int64)
        self._seed = seed_from_random_state(self.random_state)
        self.device_ = resolve_device(self.device)
        self.module_ = self._initialize_module().to(self.device_)
        self.loss_ = self._make_loss()
        self.regularizer_ = self._make_regularizer()
        self.optimizer_ = self._make_optimizer()
        self.corruption_ = corruption_registry.make(self.corruption, self.corruption_params)
        self.history_ = []
        self.n_epochs_ = 0
        self.validation_scores_ = []
        self.best_epoch_ = None

    def _make_loss(self):
        return loss_registry.make(self.loss, self.loss_params)

    def _make_regularizer(self):
        if self.regularizer is None:
            return None
        return regularizer_registry.make(self.regularizer, self.regularizer_params)

    def _initialize_module(self):
        """The :class:`KGEModule`, its embeddings drawn from the estimator's seed."""
        with seeded_torch_rng(self._seed):
            scorer = scoring_registry.make(self._scoring_type, self.scoring_params, k=self.k)
            module = KGEModule(len(self.entities_), len(self.relations_), scorer)
        generator = make_generator(self._seed)
        init = initializer_registry.make(self.initializer, self.initializer_params)
        with torch.no_grad():
            init(module.ent, generator)
            init(module.rel, generator)
        if scorer.has_constraint:
            scorer.constrain(module.ent, module.rel)
        return module

    # ------------------------------------------------------------ training

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, X_valid=None):
        """Learn embeddings of the triples ``X``.

        Parameters
        ----------
        X : array-like of shape (n_triples, 3)
            Training triples ``(head, relation, tail)`` as labels (str; other
            types are converted to str).
        y : None
            Ignored.
        X_valid : array-like of shape (n_valid, 3), default=None
            Validation triples for early stopping. They are also known
            positives: :meth:`score` filters them out of the corruptions.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        continuing = self.warm_start and self._is_fitted()
        labels = check_triples(self, X, reset=not continuing)
        valid = X_valid
        if continuing:
            self._extend_triples(labels)
        else:
            if self.early_stopping and X_valid is None:
                fraction = early_stopping_params(self.early_stopping_params)["validation_fraction"]
                labels, valid = train_test_split_no_unseen(
                    labels, test_size=fraction, random_state=self.random_state)
            self._initialize(labels)
        self._record_valid(valid)
        self.fit_loop(self.epochs, valid)
        return self

    def partial_fit(self, X, y=None, *, X_valid=None):
        """Train ``epochs`` more epochs on ``X``, starting from the current embeddings.

        The first call on an unfitted estimator fits from scratch. Later calls
        need ``X``'s labels to be known (the vocabulary is fixed once fitted).

        Parameters
        ----------
        X : array-like of shape (n_triples, 3)
        y : None
            Ignored.
        X_valid : array-like of shape (n_valid, 3), default=None
            Validation triples for early stopping.

        Returns
        -------
        self : object
        """
        if not self._is_fitted():
            return self.fit(X, X_valid=X_valid)
        labels = check_triples(self, X)
        self._extend_triples(labels)
        self._record_valid(X_valid)
        self.fit_loop(self.epochs, X_valid)
        return self

    def _extend_triples(self, labels):
        idx, _ = self._encoder.encode(labels, "raise", what="X (to continue training)")
        self.triples_ = np.unique(np.concatenate([self.triples_, idx]), axis=0)

    # ------------------------------------------------------------ inference

    def _is_fitted(self):
        return hasattr(self, "module_")

    def __sklearn_is_fitted__(self):
        return self._is_fitted()

    def predict(self, X):
        """Raw scores of the triples ``X`` (higher = more plausible).

        Parameters
        ----------
        X : array-like of shape (n_triples, 3) or (3,)
            Triples as labels; a single triple may be given as a 1-D array.

        Returns
        -------
        scores : ndarray of shape (n_triples,)
            NaN for triples with unseen labels under ``on_unseen="nan"``;
            those triples are left out under ``"skip"``.
        """
        check_is_fitted(self)
        labels = check_triples(self, X)
        idx, valid = self._encoder.encode(labels, self.on_unseen)
        scores = np.full(len(idx), np.nan)
        if valid.any():
            scores[valid] = self.module_.score_array(idx[valid])
        return scores[valid] if self.on_unseen == "skip" else scores

    def calibrate(self, X_pos, X_neg=None, positive_base_rate=None):
        """Learn Platt scaling of the scores into probabilities.

        Follows Tabacof & Costabello (ICLR 2020). With ``X_neg``, a logistic
        regression of the scores of ``X_pos`` (label 1) and ``X_neg`` (label 0);
        without it, the negatives are ``eta`` corruptions of each positive
        (filtered against the training triples and ``X_pos``), and
        ``positive_base_rate``, the share of true triples expected among the
        triples to be scored, is required, since synthetic negatives say
        nothing about it.

        Parameters
        ----------
        X_pos : array-like of shape (n_pos, 3)
            Held-out true triples (not the training triples: their scores are
            optimistic).
        X_neg : array-like of shape (n_neg, 3), default=None
            False triples.
        positive_base_rate : float in (0, 1), default=None
            Weight positives and negatives so that positives are this share.

        Returns
        -------
        self : object
            The estimator, with ``calibration_coef_`` and
            ``calibration_intercept_`` set.
        """
        check_is_fitted(self)
        if positive_base_rate is not None and not 0 < positive_base_rate < 1:
            raise ValueError(f"positive_base_rate must be in (0, 1), got {positive_base_rate!r}")
        labels_pos = check_triples(self, X_pos, name="X_pos")
        idx_pos, ok = self._encoder.encode(labels_pos, self.on_unseen, what="X_pos")
        idx_pos = idx_pos[ok]
        scores_pos = self.module_.score_array(idx_pos)
        if X_neg is None:
            if positive_base_rate is None:
                raise ValueError(
                    "calibrate without X_neg uses synthetic corruptions as negatives and "
                    "needs positive_base_rate, the share of true triples you expect among "
                    "the triples you will score (e.g. 0.5)."
                )
            scores_neg = self.module_.score_array(corrupted_negatives(self, idx_pos))
        else:
            labels_neg = check_triples(self, X_neg, name="X_neg")
            idx_neg, ok = self._encoder.encode(labels_neg, self.on_unseen, what="X_neg")
            scores_neg = self.module_.score_array(idx_neg[ok])
        self.calibration_coef_, self.calibration_intercept_ = fit_platt(
            scores_pos, scores_neg, positive_base_rate)
        return self

    @available_if(_is_calibrated)
    def predict_proba(self, X):
        """Calibrated probabilities that the triples ``X`` are true.

        Parameters
        ----------
        X : array-like of shape (n_triples, 3) or (3,)

        Returns
        -------
        proba : ndarray of shape (n_triples,)

        Raises
        ------
        AttributeError
            If :meth:`calibrate` has not been called (the method exists only on
            calibrated models; the error's cause says so).
        """
        check_is_fitted(self)
        z = self.calibration_coef_ * self.predict(X) + self.calibration_intercept_
        return 1.0 / (1.0 + np.exp(-z))

    def score(self, X, y=None):
        """Filtered mean reciprocal rank of ``X`` (both sides corrupted).

        Corruptions that are known positives are filtered out: the triples
        seen in ``fit`` (training triples and ``X_valid``) and those of ``X``.
        It equals ``mrr_score(evaluate_performance(X, model, filter_triples=
        [X_train, X_valid, X]))``, so ``GridSearchCV`` and ``cross_val_score``
        need no custom scorer. Triples of ``X`` with entities or relations not
        seen in ``fit`` (a plain ``KFold`` split can make them) cannot be
        ranked: they are left out, with one warning that counts them and
        names :class:`~skbridge.estimators.kge.KGSplit`, whatever ``on_unseen``.

        Parameters
        ----------
        X : array-like of shape (n_triples, 3)
        y : None
            Ignored.

        Returns
        -------
        mrr : float
            NaN only if no triple of ``X`` can be ranked.
        """
        check_is_fitted(self)
        labels = check_triples(self, X)
        idx, valid = self._encoder.encode(labels, "nan", warn=False)
        if not valid.all():
            warnings.warn(
                f"score: {int((~valid).sum())} of {len(valid)} triples of X hold entities or "
                f"relations not seen in fit; they are left out of the filtered MRR. Split "
                f"triples with cv=KGSplit(...) (skbridge.estimators.kge), whose test folds hold "
                f"only labels seen in their train folds.", UserWarning, stacklevel=2)
        idx = idx[valid]
        if len(idx) == 0:
            return float("nan")
        known = [self.triples_, getattr(self, "valid_triples_", np.empty((0, 3), np.int64)), idx]
        filt = FilterIndex(np.concatenate(known), len(self.entities_), len(self.relations_))
        ranks = [_filtered_ranks(self.module_, idx, filt, side, "worst") for side in ("s", "o")]
        return mrr_score(np.concatenate(ranks))

    def get_embeddings(self, labels, kind="entity", *, embedding_type=None):
        """Embeddings of entities or relations.

        Parameters
        ----------
        labels : array-like of str of shape (n,)
        kind : {"entity", "relation", "e", "r"}, default="entity"
        embedding_type : {"entity", "relation", "e", "r"}, default=None
            AmpliGraph's name for ``kind`` (which it replaces when given).

        Returns
        -------
        embeddings : ndarray of shape (n, d)
            ``d`` is ``k``, or ``2 k`` for complex embeddings (real parts first).

        Raises
        ------
        ValueError
            If a label was not seen in ``fit`` (the message lists them).
        """
        check_is_fitted(self)
        kind = embedding_kind(kind if embedding_type is None else embedding_type)
        codes = self._encoder.codes(labels, kind)
        table = self.module_.ent if kind == "entity" else self.module_.rel
        return table.detach()[torch.as_tensor(codes, device=self.device_)].cpu().numpy()

    def transform(self, X):
        """Embeddings: of entities (1-D ``X``) or of triples (``(n, 3)`` ``X``).

        Parameters
        ----------
        X : array-like of str of shape (n_entities,) or (n_triples, 3)
            Entity labels, or triples.

        Returns
        -------
        embeddings : ndarray of shape (n_entities, d) or (n_triples, 2 d + d_r)
            For 1-D ``X`` the entity embeddings (as :meth:`get_embeddings`);
            for triples the concatenated ``[head, relation, tail]`` embeddings,
            features for a downstream estimator (NaN rows or dropped rows for
            unseen labels under ``on_unseen``).
        """
        check_is_fitted(self)
        arr = np.asarray(X, dtype=object) if not sp.issparse(X) else None
        if arr is not None and arr.ndim == 1:
            return self.get_embeddings(arr, kind="entity")
        labels = check_triples(self, X)
        idx, valid = self._encoder.encode(labels, self.on_unseen)
        ent = self.module_.ent.detach().cpu().numpy()
        rel = self.module_.rel.detach().cpu().numpy()
        out = np.concatenate([ent[idx[:, 0]], rel[idx[:, 1]], ent[idx[:, 2]]], axis=1)
        if self.on_unseen == "skip":
            return out[valid]
        out[~valid] = np.nan
        return out

    def fit_transform(self, X, y=None, **fit_params):
        """``fit(X)`` then ``transform(X)``: the triple embeddings of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_triples, 3)
        y : None
            Ignored.
        **fit_params : dict
            Passed to :meth:`fit` (``X_valid``).

        Returns
        -------
        embeddings : ndarray of shape (n_triples, 2 d + d_r)
        """
        return self.fit(X, **fit_params).transform(X)

    # ------------------------------------------------------------ persistence

    # Plain data (arrays, builtins), which skops saves as well as pickle: the
    # module, loss, regularizer and optimizer are rebuilt from the parameters
    # and get their saved state_dict back.
    def __getstate__(self):
        return plain_state(self, modules=("module_", "loss_", "regularizer_"))

    def __setstate__(self, state):
        if "_optimizer_state" in state:  # a pickle written before the plain state
            restore_cpu_state(self, state, {"optimizer_": self._make_optimizer})
            return
        restore_plain_state(self, state, {
            "module_": self._initialize_module, "loss_": self._make_loss,
            "regularizer_": self._make_regularizer, "optimizer_": self._make_optimizer,
        })

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        # transform maps entity labels to embeddings; no dtype to preserve
        tags.transformer_tags = TransformerTags(preserves_dtype=[])
        tags.non_deterministic = self.device not in ("cpu",)
        return tags
