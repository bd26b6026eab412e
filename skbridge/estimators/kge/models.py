"""Knowledge-graph embedding models as scikit-learn estimators.

:class:`TransE`, :class:`DistMult`, :class:`ComplEx`, :class:`HolE`,
:class:`RotatE` and :class:`ConvE` share one base: ``fit(X)`` on an
``(n, 3)`` array of ``(head, relation, tail)`` labels learns embeddings by
negative sampling, ``predict`` gives raw scores (higher = more plausible),
``calibrate`` + ``predict_proba`` give probabilities, ``transform`` gives
entity embeddings, and ``score`` is the filtered MRR, so that
:class:`~sklearn.model_selection.GridSearchCV` works without a custom scorer.
"""

import math
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import TransformerTags, check_random_state, metadata_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ...compat import HasMethods, Interval, StrOptions, fit_context, validate_data
from .calibration import fit_platt
from .corruption import UniformCorruption, corruption_registry
from .evaluation import FilterIndex, _filtered_ranks, mrr_score, train_test_split_no_unseen
from .losses import MulticlassNLLLoss, loss_registry
from .regularizers import regularizer_registry
from .scoring import scoring_registry
from .training import KGEModule, initializer_registry, optimizer_registry

__all__ = ["ComplEx", "ConvE", "DistMult", "HolE", "RotatE", "TransE"]

_PREDICT_BATCH = 1 << 16
_EARLY_STOPPING_DEFAULTS = {
    "burn_in": 100,
    "check_interval": 10,
    "patience": 3,
    "corrupt_side": "s,o",
    "validation_fraction": 0.1,
    "restore_best": True,
}

_PARAMS_DOC = """
    Parameters
    ----------
    k : int, default=100
        Embedding size (complex models store ``2 k`` numbers per entity).
    eta : int, default=2
        Corruptions (negatives) drawn per positive triple.
    epochs : int, default=100
        Passes over the training triples per call of ``fit``/``partial_fit``.
    batch_size : int, default=512
        Positive triples per optimisation step. The loss of a batch is summed
        over its triples, as in AmpliGraph; the shorter last batch of an epoch
        has its loss rescaled to ``batch_size`` triples, so that every step's
        loss has the same scale.
    batches_count : int, default=None
        AmpliGraph 1's alternative: split the triples into this many batches
        (overrides ``batch_size``).
    loss : str, class or instance, default="multiclass_nll"
        One of ``"pairwise"``, ``"nll"``, ``"absolute_margin"``,
        ``"self_adversarial"``, ``"multiclass_nll"`` (see
        :data:`~skbridge.estimators.kge.losses.loss_registry`).
    loss_params : dict, default=None
        Parameters of the loss, e.g. ``{"margin": 1.0}``.
    regularizer : str, class or instance, default=None
        ``"LP"`` for ``lambda * sum |w|^p`` over the batch embeddings.
    regularizer_params : dict, default=None
        E.g. ``{"p": 3, "lambda": 1e-5}``.
    initializer : str, class or instance, default="glorot_uniform"
        ``"glorot_uniform"``, ``"glorot_normal"``, ``"normal"`` or ``"uniform"``.
    initializer_params : dict, default=None
        E.g. ``{"std": 0.1}`` for ``"normal"``.
    optimizer : str or class, default="adam"
        ``"adam"``, ``"adagrad"``, ``"sgd"``, ``"rmsprop"``, ``"adamw"`` or a
        :class:`torch.optim.Optimizer` subclass.
    optimizer_params : dict, default=None
        E.g. ``{"lr": 0.005}`` (the default learning rate is 0.001).
    corruption : str, class or instance, default="uniform"
        Negative sampling: ``"uniform"`` or ``"bernoulli"``.
    corruption_params : dict, default=None
        ``{"side": "s" | "o" | "s,o", "filter_positives": bool}``.
    scoring_params : dict, default=None
        Parameters of the scoring function (``{"norm": 2}`` for TransE; the
        convolution sizes for ConvE).
    early_stopping : bool, default=False
        Stop when the filtered MRR on validation triples stops improving. The
        triples are ``fit(..., X_valid=...)`` or, if not given, a
        ``validation_fraction`` held out of ``X`` without unseen labels.
    early_stopping_params : dict, default=None
        ``burn_in`` (epochs before the first check, 100), ``check_interval``
        (10), ``patience`` (checks without improvement before stopping, 3),
        ``corrupt_side`` ("s,o"), ``validation_fraction`` (0.1) and
        ``restore_best`` (True: keep the best checked embeddings).
    on_unseen : {"raise", "nan", "skip"}, default="raise"
        Triples with labels not seen in ``fit`` given to ``predict``,
        ``predict_proba``, ``score`` or ``evaluate_performance``: raise an error
        naming them, give them a NaN score (with a warning), or drop them
        (with a warning). Never silent.
    device : str, default="cpu"
        Torch device (``"cpu"``, ``"cuda"``, ``"auto"`` for CUDA when present).
    verbose : bool or int, default=False
        Show a progress bar of the epochs with the loss.
    warm_start : bool, default=False
        ``fit`` continues from the learnt embeddings instead of starting over.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, shuffling, corruption and dropout.

    Attributes
    ----------
    entities_ : ndarray of str of shape (n_entities,)
        Entity labels; row ``i`` of the entity embeddings is ``entities_[i]``.
    relations_ : ndarray of str of shape (n_relations,)
        Relation labels.
    triples_ : ndarray of shape (n_triples, 3), dtype=int64
        The training triples as indices (the filter of :meth:`score`).
    module_ : KGEModule
        The torch module: embedding tables ``ent`` and ``rel`` and the scorer.
    optimizer_ : torch.optim.Optimizer
        The optimiser, kept so that training can resume.
    history_ : list of float
        Training loss of every epoch run so far.
    n_epochs_ : int
        Epochs run so far.
    validation_scores_ : list of (int, float)
        ``(epoch, filtered MRR)`` of each early-stopping check.
    best_epoch_ : int or None
        Epoch of the embeddings kept by early stopping.
    calibration_coef_, calibration_intercept_ : float
        Platt scaling parameters, after :meth:`calibrate`.
    n_features_in_ : int
        Always 3.
    feature_names_in_ : ndarray of shape (3,)
        Column names of ``X`` if it was a DataFrame with string column names.
"""


def _is_calibrated(model):
    if not hasattr(model, "calibration_coef_"):
        raise AttributeError(
            f"This {type(model).__name__} is not calibrated: raw scores are not "
            f"probabilities. Call calibrate(X_pos, X_neg=None, positive_base_rate=...) first."
        )
    return True


class _BaseKGEModel(BaseEstimator):
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

    # ------------------------------------------------------------------ input

    def _check_triples(self, X, reset=False, name="X"):
        """Validate ``X`` as (n, 3) non-missing labels; return a str array."""
        if isinstance(X, str) or X is None:
            raise ValueError(
                f"{name} must be an array of shape (n_triples, 3) of (head, relation, "
                f"tail) labels, got {type(X).__name__}."
            )
        if not hasattr(X, "columns") and not sp.issparse(X):
            arr = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
            if arr.ndim == 1 and arr.shape[0] == 3:
                X = arr.reshape(1, 3)  # a single triple, e.g. X_test[42]
            elif arr.ndim == 2 and arr.shape[0] == 0 and arr.shape[1] == 3:
                raise ValueError(f"{name} is an empty graph: it holds no triples (0 samples).")
            else:
                X = arr
        checked = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
        if checked.shape[1] != 3:
            raise ValueError(
                f"{name} must have shape (n_triples, 3): one (head, relation, tail) "
                f"triple per row; got an array of shape {checked.shape} "
                f"(n_features = {checked.shape[1]})."
            )
        if checked.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} must hold labels.")
        arr = np.asarray(checked, dtype=object)
        if checked.dtype.kind in "fO" and ((arr == np.inf) | (arr == -np.inf)).any():
            raise ValueError(f"{name} holds infinite values (inf); labels must be finite.")
        missing = pd.isna(arr)
        if missing.any():
            rows = np.flatnonzero(missing.any(axis=1))
            raise ValueError(
                f"{name} holds {int(missing.sum())} missing labels (NaN or None) in "
                f"{rows.size} triples, first at rows {rows[:5].tolist()}; every head, "
                f"relation and tail must be a label. Drop those rows first."
            )
        return arr.astype(str)

    def _build_index(self):
        self._entity_index = pd.Index(self.entities_)
        self._relation_index = pd.Index(self.relations_)

    def _encode(self, labels, policy, what="X", warn=True):
        """Label array -> (indices (n, 3) int64, valid rows) under an unseen policy."""
        h = self._entity_index.get_indexer(labels[:, 0])
        r = self._relation_index.get_indexer(labels[:, 1])
        t = self._entity_index.get_indexer(labels[:, 2])
        valid = (h >= 0) & (r >= 0) & (t >= 0)
        idx = np.stack([h, r, t], axis=1).astype(np.int64)
        if not valid.all():
            bad_e = np.unique(np.concatenate([labels[h < 0, 0], labels[t < 0, 2]]))
            bad_r = np.unique(labels[r < 0, 1])
            n_bad = int((~valid).sum())
            message = (
                f"{what} holds {n_bad} triple(s) with labels not seen in fit: "
                f"{bad_e.size} unseen entities {bad_e[:10].tolist()}"
                f"{' ...' if bad_e.size > 10 else ''} and {bad_r.size} unseen relations "
                f"{bad_r[:10].tolist()}{' ...' if bad_r.size > 10 else ''}."
            )
            if policy == "raise":
                raise ValueError(
                    message + " Pass on_unseen='nan' to score them NaN or 'skip' to drop them."
                )
            if warn:
                action = "scored NaN" if policy == "nan" else "skipped"
                warnings.warn(f"{message} They are {action} (on_unseen={policy!r}).",
                              UserWarning, stacklevel=3)
            idx[~valid] = 0
        return idx, valid

    # ------------------------------------------------------------- building

    def _torch_device(self):
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        try:
            return torch.device(self.device)
        except RuntimeError as exc:
            raise ValueError(f"Unknown device {self.device!r}: {exc}") from exc

    def _resolved_batch_size(self, n):
        if self.batches_count is not None:
            return max(1, math.ceil(n / self.batches_count))
        return self.batch_size

    def _initialize(self, labels):
        self.entities_ = np.unique(np.concatenate([labels[:, 0], labels[:, 2]]))
        self.relations_ = np.unique(labels[:, 1])
        self._build_index()
        idx, _ = self._encode(labels, "raise")
        self.triples_ = idx
        rng = check_random_state(self.random_state)
        self._seed = int(rng.randint(np.iinfo(np.int32).max))
        self.device_ = self._torch_device()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self._seed)
            scorer = scoring_registry.make(self._scoring_type, self.scoring_params, k=self.k)
            module = KGEModule(len(self.entities_), len(self.relations_), scorer)
        generator = torch.Generator().manual_seed(self._seed)
        init = initializer_registry.make(self.initializer, self.initializer_params)
        with torch.no_grad():
            init(module.ent, generator)
            init(module.rel, generator)
        if scorer.has_constraint:
            scorer.constrain(module.ent, module.rel)
        self.module_ = module.to(self.device_)
        self.loss_ = loss_registry.make(self.loss, self.loss_params)
        self.regularizer_ = (
            None if self.regularizer is None
            else regularizer_registry.make(self.regularizer, self.regularizer_params)
        )
        self.optimizer_ = self._make_optimizer()
        self.corruption_ = corruption_registry.make(self.corruption, self.corruption_params)
        self.history_ = []
        self.n_epochs_ = 0
        self.validation_scores_ = []
        self.best_epoch_ = None

    def _make_optimizer(self):
        params = {"lr": 1e-3, **(self.optimizer_params or {})}
        cls = optimizer_registry.lookup(self.optimizer)
        if cls in (torch.optim.Adam, torch.optim.AdamW) and "fused" not in params \
                and "foreach" not in params:
            # one kernel per step: a third off an epoch on CPU (torch >= 2.4)
            try:
                return optimizer_registry.make(cls, {**params, "fused": True},
                                               params=self.module_.parameters())
            except (RuntimeError, ValueError):
                pass
        return optimizer_registry.make(cls, params, params=self.module_.parameters())

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
            Validation triples for early stopping.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        labels = self._check_triples(X, reset=not (self.warm_start and self._is_fitted()))
        valid = X_valid
        if self.warm_start and self._is_fitted():
            self._extend_triples(labels)
        else:
            if self.early_stopping and X_valid is None:
                fraction = self._early_stopping_params()["validation_fraction"]
                labels, valid = train_test_split_no_unseen(
                    labels, test_size=fraction, random_state=self.random_state)
            self._initialize(labels)
        self._fit_loop(self.epochs, valid)
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
        labels = self._check_triples(X)
        self._extend_triples(labels)
        self._fit_loop(self.epochs, X_valid)
        return self

    def _extend_triples(self, labels):
        idx, _ = self._encode(labels, "raise", what="X (to continue training)")
        self.triples_ = np.unique(np.concatenate([self.triples_, idx]), axis=0)

    def _early_stopping_params(self):
        params = {**_EARLY_STOPPING_DEFAULTS, **(self.early_stopping_params or {})}
        unknown = set(params) - set(_EARLY_STOPPING_DEFAULTS)
        if unknown:
            raise ValueError(
                f"Unknown early_stopping_params {sorted(unknown)}; known: "
                f"{sorted(_EARLY_STOPPING_DEFAULTS)}."
            )
        return params

    def _fit_loop(self, n_epochs, X_valid=None):
        """Run ``n_epochs`` epochs (with early stopping when asked)."""
        module, optimizer = self.module_, self.optimizer_
        device = self.device_
        triples = torch.as_tensor(self.triples_)
        n = len(triples)
        bs = max(1, min(self._resolved_batch_size(n), n))  # one batch: no rescaling below
        self.corruption_.fit(triples, len(self.entities_), len(self.relations_))
        seed = (self._seed + 7919 * self.n_epochs_) % np.iinfo(np.int32).max
        generator = torch.Generator().manual_seed(seed)
        multiclass = type(self.loss_) is MulticlassNLLLoss
        es = self._early_stopping_setup(X_valid)
        epochs = range(n_epochs)
        bar = None
        if self.verbose:
            try:
                from tqdm.auto import tqdm
            except ImportError:  # pragma: no cover - tqdm ships with the kge extra
                tqdm = None
            if tqdm is not None:
                bar = epochs = tqdm(epochs, desc=type(self).__name__, unit="epoch")
        eta = self.eta
        scorer, ent, rel = module.scorer, module.ent, module.rel
        factorized = scorer.factorized
        constrained = scorer.has_constraint
        cuda = device.type != "cpu"
        embed = torch.nn.functional.embedding
        module.train()
        try:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                for _ in epochs:
                    perm = torch.randperm(n, generator=generator)
                    total = torch.zeros((), device=device)
                    for start in range(0, n, bs):
                        batch = triples[perm[start:start + bs]]
                        h, r, t = batch.unbind(1)
                        heads, new = self.corruption_.corrupt(h, r, t, eta, generator)
                        if cuda:
                            h, r, t, heads, new = (x.to(device) for x in (h, r, t, heads, new))
                        if factorized:
                            eh, er, et = embed(h, ent), embed(r, rel), embed(t, ent)
                            q_o = scorer.query_o(eh, er)
                            pos = scorer.match(q_o, et)
                            en = embed(new, ent)
                            # all eta corruptions of a triple replace the same side
                            # (CorruptionStrategy), so they share one query: q_s where
                            # the subject is replaced, else q_o
                            q = torch.where(heads[:, :1], scorer.query_s(er, et), q_o)
                            neg = scorer.match_rows(q, en)
                            reg_e, reg_r = (eh, et, en), er
                        else:
                            H = torch.where(heads, new, h[:, None])
                            T = torch.where(heads, t[:, None], new)
                            eH, er, eT = embed(H, ent), embed(r, rel), embed(T, ent)
                            neg = scorer(eH, er[:, None, :], eT)
                            pos = scorer(embed(h, ent), er, embed(t, ent))
                            reg_e, reg_r = (eH, eT), er
                        if multiclass:
                            loss = (torch.logsumexp(torch.cat([pos[:, None], neg], 1), 1) - pos).sum()
                        else:
                            loss = self.loss_(pos, neg)
                        if h.shape[0] != bs:
                            # the short last batch of an epoch: its summed loss is
                            # rescaled to bs triples, so that each step's loss has
                            # the same scale (as a mean over the batch would)
                            loss = loss * (bs / h.shape[0])
                        if self.regularizer_ is not None:
                            loss = loss + self.regularizer_(
                                torch.cat([e.reshape(-1, e.shape[-1]) for e in reg_e]), reg_r)
                        optimizer.zero_grad(set_to_none=True)
                        loss.backward()
                        optimizer.step()
                        if constrained:
                            scorer.constrain(ent, rel)
                        total += loss.detach()
                    epoch_loss = float(total)
                    if not math.isfinite(epoch_loss):
                        raise FloatingPointError(
                            f"The training loss became {epoch_loss} at epoch {self.n_epochs_ + 1}; "
                            f"lower the learning rate (optimizer_params={{'lr': ...}}) or add a "
                            f"regularizer."
                        )
                    self.history_.append(epoch_loss)
                    self.n_epochs_ += 1
                    if bar is not None:
                        bar.set_postfix(loss=f"{epoch_loss:.4g}")
                    if es is not None and self._early_stopping_check(es):
                        break
        except KeyboardInterrupt:
            warnings.warn(
                f"Training interrupted after {self.n_epochs_} epochs; the estimator keeps "
                f"the embeddings learnt so far.", UserWarning, stacklevel=3)
        finally:
            if bar is not None:
                bar.close()
            module.eval()
        if es is not None and es["restore_best"] and es["best_state"] is not None:
            module.load_state_dict(es["best_state"])
            self.best_epoch_ = es["best_epoch"]

    def _early_stopping_setup(self, X_valid):
        if not self.early_stopping:
            return None
        if X_valid is None:
            raise ValueError(
                "early_stopping=True needs validation triples: pass fit(X, X_valid=...)."
            )
        params = self._early_stopping_params()
        labels = self._check_triples(X_valid, name="X_valid")
        idx, valid = self._encode(labels, "skip", what="X_valid")
        idx = idx[valid]
        if len(idx) == 0:
            raise ValueError("X_valid holds no triple with labels seen in fit.")
        sides = ["s", "o"] if params["corrupt_side"] in ("s,o", "s+o") else [params["corrupt_side"]]
        return {
            **params,
            "sides": sides,
            "valid": idx,
            "filter": FilterIndex(np.concatenate([self.triples_, idx]), len(self.entities_),
                                  len(self.relations_)),
            "best": -np.inf,
            "best_state": None,
            "best_epoch": None,
            "bad_checks": 0,
        }

    def _early_stopping_check(self, es):
        epoch = self.n_epochs_
        if epoch < es["burn_in"] or (epoch - es["burn_in"]) % es["check_interval"]:
            return False
        ranks = [_filtered_ranks(self.module_, es["valid"], es["filter"], side, "worst")
                 for side in es["sides"]]
        mrr = mrr_score(np.concatenate(ranks))
        self.module_.train()
        self.validation_scores_.append((epoch, mrr))
        if mrr > es["best"]:
            es.update(best=mrr, best_epoch=epoch, bad_checks=0,
                      best_state={k: v.detach().clone() for k, v in self.module_.state_dict().items()})
            return False
        es["bad_checks"] += 1
        return es["bad_checks"] >= es["patience"]

    # ------------------------------------------------------------ inference

    def _is_fitted(self):
        return hasattr(self, "module_")

    def __sklearn_is_fitted__(self):
        return self._is_fitted()

    def _score_indices(self, idx):
        module = self.module_
        out = np.empty(len(idx), dtype=np.float64)
        module.eval()
        with torch.no_grad():
            for start in range(0, len(idx), _PREDICT_BATCH):
                part = torch.as_tensor(idx[start:start + _PREDICT_BATCH], device=self.device_)
                out[start:start + len(part)] = module.score(part[:, 0], part[:, 1], part[:, 2]).double().cpu().numpy()
        return out

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
        labels = self._check_triples(X)
        idx, valid = self._encode(labels, self.on_unseen)
        scores = np.full(len(idx), np.nan)
        if valid.any():
            scores[valid] = self._score_indices(idx[valid])
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
        idx_pos, ok = self._encode(self._check_triples(X_pos, name="X_pos"), self.on_unseen,
                                   what="X_pos")
        idx_pos = idx_pos[ok]
        scores_pos = self._score_indices(idx_pos)
        if X_neg is None:
            if positive_base_rate is None:
                raise ValueError(
                    "calibrate without X_neg uses synthetic corruptions as negatives and "
                    "needs positive_base_rate, the share of true triples you expect among "
                    "the triples you will score (e.g. 0.5)."
                )
            triples = torch.as_tensor(np.concatenate([self.triples_, idx_pos]))
            sampler = UniformCorruption(side="s,o", filter_positives=True).fit(
                triples, len(self.entities_), len(self.relations_))
            generator = torch.Generator().manual_seed(self._seed + 1)
            p = torch.as_tensor(idx_pos)
            nh, nt = sampler.sample(p[:, 0], p[:, 1], p[:, 2], self.eta, generator)
            idx_neg = torch.stack([nh.ravel(), p[:, 1].repeat_interleave(self.eta), nt.ravel()], 1)
            scores_neg = self._score_indices(idx_neg.numpy())
        else:
            idx_neg, ok = self._encode(self._check_triples(X_neg, name="X_neg"), self.on_unseen,
                                       what="X_neg")
            scores_neg = self._score_indices(idx_neg[ok])
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

        Corruptions that are training triples or triples of ``X`` are filtered
        out, so ``GridSearchCV`` needs no custom scorer.

        Parameters
        ----------
        X : array-like of shape (n_triples, 3)
        y : None
            Ignored.

        Returns
        -------
        mrr : float
        """
        check_is_fitted(self)
        labels = self._check_triples(X)
        idx, valid = self._encode(labels, self.on_unseen)
        idx = idx[valid]
        if len(idx) == 0:
            return float("nan")
        filt = FilterIndex(np.concatenate([self.triples_, idx]), len(self.entities_),
                           len(self.relations_))
        ranks = [_filtered_ranks(self.module_, idx, filt, side, "worst") for side in ("s", "o")]
        return mrr_score(np.concatenate(ranks))

    def get_embeddings(self, labels, kind="entity"):
        """Embeddings of entities or relations.

        Parameters
        ----------
        labels : array-like of str of shape (n,)
        kind : {"entity", "relation"}, default="entity"

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
        if kind not in ("entity", "relation"):
            raise ValueError(f"kind must be 'entity' or 'relation', got {kind!r}")
        if isinstance(labels, str):
            labels = [labels]
        labels = np.asarray(labels, dtype=object).ravel()
        if pd.isna(labels).any():
            raise ValueError("labels holds missing values (NaN or None).")
        labels = labels.astype(str)
        index = self._entity_index if kind == "entity" else self._relation_index
        codes = index.get_indexer(labels)
        if (codes < 0).any():
            bad = np.unique(labels[codes < 0])
            raise ValueError(f"{bad.size} unseen {kind} label(s): {bad[:10].tolist()}")
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
        labels = self._check_triples(X)
        idx, valid = self._encode(labels, self.on_unseen)
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

    def __getstate__(self):
        state = self.__dict__.copy()
        if "module_" in state:
            state["module_"] = _to_cpu(self.module_)
            state["optimizer_"] = None
            state["_optimizer_state"] = _to_cpu_tree(self.optimizer_.state_dict())
            state["device_"] = torch.device("cpu")
        return state

    def __setstate__(self, state):
        optimizer_state = state.pop("_optimizer_state", None)
        self.__dict__.update(state)
        if optimizer_state is not None:
            self.optimizer_ = self._make_optimizer()
            self.optimizer_.load_state_dict(optimizer_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        # transform maps entity labels to embeddings; no dtype to preserve
        tags.transformer_tags = TransformerTags(preserves_dtype=[])
        tags.non_deterministic = self.device not in ("cpu",)
        return tags


def _to_cpu(module):
    if all(p.device.type == "cpu" for p in module.parameters()):
        return module
    import copy

    return copy.deepcopy(module).cpu()


def _to_cpu_tree(obj):
    if isinstance(obj, torch.Tensor):
        return obj.cpu()
    if isinstance(obj, dict):
        return {k: _to_cpu_tree(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_cpu_tree(v) for v in obj]
    return obj


def _example(name, extra="", epochs=20):
    return f"""
    Examples
    --------
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import {name}
    >>> X = load_nations()
    >>> model = {name}(k=16, eta=5, epochs={epochs}{extra}, random_state=0).fit(X.train)
    >>> model.predict(X.test[:3]).shape
    (3,)
    >>> bool(model.score(X.test) > 0.2)
    True
"""


_SEE_ALSO = """
    See Also
    --------
    TransE, DistMult, ComplEx, HolE, RotatE, ConvE : The other models.
    evaluate_performance : Filtered ranks with all protocol options.
"""


class TransE(_BaseKGEModel):
    __doc__ = (
        """TransE knowledge-graph embeddings: ``score = -||h + r - t||_1`` (Bordes et al., 2013).

    Relations are translations in the embedding space. A drop-in for
    AmpliGraph's ``TransE`` / ``ScoringBasedEmbeddingModel(scoring_type="TransE")``.
"""
        + _PARAMS_DOC + _SEE_ALSO + _example("TransE")
    )
    _scoring_type = "transe"


class DistMult(_BaseKGEModel):
    __doc__ = (
        """DistMult knowledge-graph embeddings: ``score = <h, r, t>`` (Yang et al., 2015).

    A diagonal bilinear model (symmetric relations only).
"""
        + _PARAMS_DOC + _SEE_ALSO + _example("DistMult")
    )
    _scoring_type = "distmult"


class ComplEx(_BaseKGEModel):
    __doc__ = (
        """ComplEx knowledge-graph embeddings: ``score = Re(<h, r, conj(t)>)`` (Trouillon et al., 2016).

    Complex embeddings of ``k`` components (``2 k`` numbers, real parts first),
    so asymmetric relations can be modelled.
"""
        + _PARAMS_DOC + _SEE_ALSO + _example("ComplEx")
    )
    _scoring_type = "complex"


class HolE(_BaseKGEModel):
    __doc__ = (
        """HolE knowledge-graph embeddings: ``score = <r, h ⋆ t>`` (Nickel et al., 2016).

    Holographic embeddings: ``⋆`` is the circular correlation, computed with
    FFTs.
"""
        + _PARAMS_DOC + _SEE_ALSO + _example("HolE")
    )
    _scoring_type = "hole"


class RotatE(_BaseKGEModel):
    __doc__ = (
        """RotatE knowledge-graph embeddings: ``score = -||h ∘ r - t||`` (Sun et al., 2019).

    Relations are rotations (``|r_i| = 1``, stored as ``k`` phases) of complex
    entity embeddings (``2 k`` numbers).
"""
        + _PARAMS_DOC + _SEE_ALSO + _example("RotatE")
    )
    _scoring_type = "rotate"


class ConvE(_BaseKGEModel):
    __doc__ = (
        """ConvE knowledge-graph embeddings: a 2-D convolution over ``[h; r]`` (Dettmers et al., 2018).

    Not in AmpliGraph 2. The head and relation embeddings are reshaped to
    images, stacked and convolved; the projected result is matched with the
    tail. ``scoring_params`` sets ``height``, ``n_filters``, ``kernel_size``
    and the dropout rates.
"""
        + _PARAMS_DOC + _SEE_ALSO + _example("ConvE", ", scoring_params={'n_filters': 4}", epochs=4)
    )
    _scoring_type = "conve"
