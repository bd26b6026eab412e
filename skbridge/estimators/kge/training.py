"""The torch module of the KGE models, their training loop, and the optimizers.

:class:`KGEModule` holds the entity and relation embedding tables and a
:class:`~skbridge.estimators.kge.scoring.ScoringFunction`; it scores triples
given as integer indices. :class:`TrainingLoopMixin` is the training loop of
every KGE estimator, in skorch's shape: small steps a subclass overrides one
at a time (:meth:`~TrainingLoopMixin.fit_loop` ->
:meth:`~TrainingLoopMixin.run_single_epoch` ->
:meth:`~TrainingLoopMixin.train_step` -> :meth:`~TrainingLoopMixin.score_batch`
and :meth:`~TrainingLoopMixin.get_loss`; :meth:`~TrainingLoopMixin.validation_step`
for early stopping, an :class:`~skbridge.estimators.kge.early_stopping.EarlyStopping`).
:data:`optimizer_registry` resolves AmpliGraph's optimizer names (``"adam"``,
...) to :mod:`torch.optim` classes.
"""

import math
import warnings
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from ...compat.torch import make_generator, resolve_device, seeded_torch_rng
from ...utils import Registry
from ._encoding import check_triples
from .early_stopping import EarlyStopping, early_stopping_params
from .evaluation import FilterIndex, _filtered_ranks, mrr_score
from .initializers import (  # noqa: F401 - their former home; re-exported
    GlorotNormalInitializer,
    GlorotUniformInitializer,
    Initializer,
    NormalInitializer,
    UniformInitializer,
    initializer_registry,
)

__all__ = [
    "GlorotNormalInitializer",
    "GlorotUniformInitializer",
    "Initializer",
    "KGEModule",
    "NormalInitializer",
    "TrainingLoopMixin",
    "UniformInitializer",
    "ValidationTriples",
    "initializer_registry",
    "optimizer_registry",
]

_PREDICT_BATCH = 1 << 16
_INT32_MAX = int(np.iinfo(np.int32).max)


class KGEModule(nn.Module):
    """Entity and relation embeddings plus a scoring function.

    Parameters
    ----------
    n_entities, n_relations : int
        Sizes of the vocabularies.
    scorer : ScoringFunction
        Gives the widths of the tables and scores embeddings.
    """

    def __init__(self, n_entities, n_relations, scorer):
        super().__init__()
        self.scorer = scorer
        self.ent = nn.Parameter(torch.empty(n_entities, scorer.entity_dim()))
        self.rel = nn.Parameter(torch.empty(n_relations, scorer.relation_dim()))

    def score(self, h, r, t):
        """Scores of index tensors ``h, r, t`` (broadcast against each other)."""
        return self.scorer(self.ent[h], self.rel[r], self.ent[t])

    def score_tails(self, h, r):
        """``(B, n_entities)`` scores of ``(h_i, r_i, e)`` for every entity ``e``."""
        return self.scorer.score_tails(self.ent[h], self.rel[r], self.ent)

    def score_heads(self, r, t):
        """``(B, n_entities)`` scores of ``(e, r_i, t_i)`` for every entity ``e``."""
        return self.scorer.score_heads(self.rel[r], self.ent[t], self.ent)

    def score_array(self, idx, batch_size=_PREDICT_BATCH):
        """Scores of index triples in evaluation mode, as a float64 array.

        Parameters
        ----------
        idx : ndarray of int of shape (n, 3)
            Encoded ``(h, r, t)`` triples.
        batch_size : int, default=65536
            Triples scored at once.

        Returns
        -------
        scores : ndarray of shape (n,)
        """
        out = np.empty(len(idx), dtype=np.float64)
        self.eval()
        with torch.no_grad():
            for start in range(0, len(idx), batch_size):
                part = torch.as_tensor(idx[start:start + batch_size], device=self.ent.device)
                scores = self.score(part[:, 0], part[:, 1], part[:, 2])
                out[start:start + len(part)] = scores.double().cpu().numpy()
        return out


class ValidationTriples(NamedTuple):
    """What a validation step ranks: encoded triples, their filter and the sides."""

    triples: np.ndarray
    filter_index: FilterIndex
    sides: list


class TrainingLoopMixin:
    """The training loop of the KGE estimators, in small overridable steps.

    Follows skorch's ``NeuralNet``: :meth:`fit_loop` runs the epochs,
    :meth:`run_single_epoch` one pass over the shuffled triples,
    :meth:`train_step` one optimisation step on a batch, which gets its
    scores from :meth:`score_batch` and its loss from :meth:`get_loss`, and
    :meth:`validation_step` the filtered validation MRR that an
    :class:`~skbridge.estimators.kge.early_stopping.EarlyStopping` watches.

    The estimator provides the fitted parts (``module_``, ``optimizer_``,
    ``loss_``, ``regularizer_``, ``corruption_``, ``triples_``, ``device_``)
    and the records (``history_``, ``n_epochs_``, ``validation_scores_``,
    ``best_epoch_``) this loop reads and writes.
    """

    def fit_loop(self, n_epochs, X_valid=None):
        """Train ``n_epochs`` more epochs (fewer if early stopping stops it).

        Ctrl-C stops training and keeps what was learnt (with a warning).

        Parameters
        ----------
        n_epochs : int
            Epochs to run.
        X_valid : array-like of shape (n_valid, 3), default=None
            Validation triples, needed with ``early_stopping=True``.

        Returns
        -------
        self : object
        """
        # a clear error, not torch's, when continuing with a device that is not there (a
        # model saved on a GPU machine and trained further on one without)
        resolve_device(self.device)
        triples = torch.as_tensor(self.triples_)
        batch_size = self._effective_batch_size(len(triples))
        self.corruption_.fit(triples, len(self.entities_), len(self.relations_))
        # a fresh stream per call, so that fit then partial_fit is not fit twice
        seed = (self._seed + 7919 * self.n_epochs_) % _INT32_MAX
        stopper, validation = self._early_stopping_setup(X_valid)
        epochs = self._epochs(n_epochs)
        self.module_.train()
        try:
            with seeded_torch_rng(seed, self.device_):
                self._run_epochs(epochs, triples, make_generator(seed), batch_size, stopper,
                                 validation)
        except KeyboardInterrupt:
            warnings.warn(
                f"Training interrupted after {self.n_epochs_} epochs; the estimator keeps "
                f"the embeddings learnt so far.", UserWarning, stacklevel=3)
        finally:
            if hasattr(epochs, "close"):
                epochs.close()
            self.module_.eval()
        if stopper is not None and stopper.restore(self.module_):
            self.best_epoch_ = stopper.best_epoch
        return self

    def _run_epochs(self, epochs, triples, generator, batch_size, stopper, validation):
        """Train, record and check each epoch until done or told to stop."""
        for _ in epochs:
            loss = self.run_single_epoch(triples, generator, batch_size)
            self._record_epoch(loss, epochs)
            if self._early_stopping_step(stopper, validation):
                return

    def run_single_epoch(self, triples, generator, batch_size):
        """One pass over the shuffled training triples.

        Parameters
        ----------
        triples : torch.Tensor of shape (n, 3), dtype=int64
            Encoded training triples (on CPU).
        generator : torch.Generator
            Draws the order and the corruptions.
        batch_size : int
            Positive triples per step.

        Returns
        -------
        loss : float
            Sum of the steps' losses.
        """
        n = len(triples)
        perm = torch.randperm(n, generator=generator)
        total = torch.zeros((), device=self.device_)
        for start in range(0, n, batch_size):
            total += self.train_step(triples[perm[start:start + batch_size]], generator,
                                     batch_size)
        return float(total)

    def train_step(self, batch, generator, batch_size):
        """One optimisation step on a batch of positive triples and their corruptions.

        Parameters
        ----------
        batch : torch.Tensor of shape (B, 3), dtype=int64
            Encoded positive triples, ``B <= batch_size``.
        generator : torch.Generator
            Draws the corruptions.
        batch_size : int
            The full batch size (the short last batch's loss is rescaled to it).

        Returns
        -------
        loss : torch.Tensor
            The step's loss, detached.
        """
        h, r, t = batch.unbind(1)
        heads, new = self.corruption_.corrupt(h, r, t, self.eta, generator)
        if self.device_.type != "cpu":
            h, r, t, heads, new = (x.to(self.device_) for x in (h, r, t, heads, new))
        pos, neg, embeddings = self.score_batch(h, r, t, heads, new)
        loss = self.get_loss(pos, neg, embeddings, batch_size)
        self.optimizer_.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer_.step()
        scorer = self.module_.scorer
        if scorer.has_constraint:
            scorer.constrain(self.module_.ent, self.module_.rel)
        return loss.detach()

    def score_batch(self, h, r, t, heads, new):
        """Scores of a batch of positives and of their corruptions.

        Parameters
        ----------
        h, r, t : torch.Tensor of shape (B,)
            Indices of the positive triples.
        heads : torch.Tensor of bool of shape (B, eta)
            Whether each corruption replaces the subject (else the object);
            constant along a row (one side per triple).
        new : torch.Tensor of shape (B, eta)
            The entity each corruption puts in.

        Returns
        -------
        pos : torch.Tensor of shape (B,)
        neg : torch.Tensor of shape (B, eta)
        embeddings : tuple
            ``(entity embedding tensors, relation embeddings)`` the batch used,
            for the regularizer.
        """
        module = self.module_
        scorer, ent, rel = module.scorer, module.ent, module.rel
        embed = nn.functional.embedding
        if scorer.factorized:
            eh, er, et = embed(h, ent), embed(r, rel), embed(t, ent)
            q_o = scorer.query_o(eh, er)
            pos = scorer.match(q_o, et)
            en = embed(new, ent)
            # a triple's eta corruptions replace the same side (CorruptionStrategy), so
            # they share one query: q_s where the subject is replaced, else q_o
            q = torch.where(heads[:, :1], scorer.query_s(er, et), q_o)
            return pos, scorer.match_rows(q, en), ((eh, et, en), er)
        H = torch.where(heads, new, h[:, None])
        T = torch.where(heads, t[:, None], new)
        eH, er, eT = embed(H, ent), embed(r, rel), embed(T, ent)
        neg = scorer(eH, er[:, None, :], eT)
        pos = scorer(embed(h, ent), er, embed(t, ent))
        return pos, neg, ((eH, eT), er)

    def get_loss(self, pos, neg, embeddings, batch_size):
        """The loss of a batch: summed over its triples, plus the regularizer.

        Parameters
        ----------
        pos : torch.Tensor of shape (B,)
        neg : torch.Tensor of shape (B, eta)
        embeddings : tuple
            From :meth:`score_batch`, for the regularizer.
        batch_size : int
            A shorter last batch has its summed loss rescaled to
            ``batch_size`` triples, so every step's loss has the same scale.

        Returns
        -------
        loss : torch.Tensor
            A scalar.
        """
        loss = self.loss_(pos, neg)
        if pos.shape[0] != batch_size:
            loss = loss * (batch_size / pos.shape[0])
        if self.regularizer_ is not None:
            ent_used, rel_used = embeddings
            flat = torch.cat([e.reshape(-1, e.shape[-1]) for e in ent_used])
            loss = loss + self.regularizer_(flat, rel_used)
        return loss

    def validation_step(self, validation):
        """Filtered MRR of the validation triples (the early-stopping score).

        Parameters
        ----------
        validation : ValidationTriples

        Returns
        -------
        mrr : float
        """
        ranks = [_filtered_ranks(self.module_, validation.triples, validation.filter_index,
                                 side, "worst") for side in validation.sides]
        self.module_.train()
        return mrr_score(np.concatenate(ranks))

    def _early_stopping_step(self, stopper, validation):
        """Check after an epoch if it is time; return whether to stop."""
        epoch = self.n_epochs_
        if stopper is None or not stopper.should_check(epoch):
            return False
        score = self.validation_step(validation)
        self.validation_scores_.append((epoch, score))
        return stopper.step(score, epoch, self.module_)

    def _record_epoch(self, loss, epochs):
        if not math.isfinite(loss):
            raise FloatingPointError(
                f"The training loss became {loss} at epoch {self.n_epochs_ + 1}; lower the "
                f"learning rate (optimizer_params={{'lr': ...}}) or add a regularizer."
            )
        self.history_.append(loss)
        self.n_epochs_ += 1
        if hasattr(epochs, "set_postfix"):  # a progress bar
            epochs.set_postfix(loss=f"{loss:.4g}")

    def _epochs(self, n_epochs):
        """``range(n_epochs)``, in a progress bar when ``verbose``."""
        if not self.verbose:
            return range(n_epochs)
        try:
            from tqdm.auto import tqdm
        except ImportError:  # pragma: no cover - tqdm ships with the kge extra
            return range(n_epochs)
        return tqdm(range(n_epochs), desc=type(self).__name__, unit="epoch")

    def _early_stopping_setup(self, X_valid):
        """``(EarlyStopping, ValidationTriples)``, or ``(None, None)`` without early stopping."""
        if not self.early_stopping:
            return None, None
        if X_valid is None:
            raise ValueError(
                "early_stopping=True needs validation triples: pass fit(X, X_valid=...)."
            )
        params = early_stopping_params(self.early_stopping_params)
        labels = check_triples(self, X_valid, name="X_valid")
        idx, valid = self._encoder.encode(labels, "skip", what="X_valid", stacklevel=4)
        idx = idx[valid]
        if len(idx) == 0:
            raise ValueError("X_valid holds no triple with labels seen in fit.")
        sides = ["s", "o"] if params["corrupt_side"] in ("s,o", "s+o") else [params["corrupt_side"]]
        filter_index = FilterIndex(np.concatenate([self.triples_, idx]), len(self.entities_),
                                   len(self.relations_))
        stopper = EarlyStopping(burn_in=params["burn_in"], check_interval=params["check_interval"],
                                patience=params["patience"], restore_best=params["restore_best"])
        return stopper, ValidationTriples(idx, filter_index, sides)

    def _record_valid(self, X_valid):
        """Keep the validation triples given to ``fit`` (seen labels): ``score`` filters them."""
        if X_valid is None:
            return
        labels = check_triples(self, X_valid, name="X_valid")
        idx, ok = self._encoder.encode(labels, "nan", what="X_valid", warn=False)
        known = getattr(self, "valid_triples_", np.empty((0, 3), dtype=np.int64))
        self.valid_triples_ = np.unique(np.concatenate([known, idx[ok]]), axis=0)

    def _effective_batch_size(self, n):
        """Positive triples per step: ``batch_size`` or ``ceil(n / batches_count)``, at most n."""
        size = self.batch_size
        if self.batches_count is not None:
            size = max(1, math.ceil(n / self.batches_count))
        return max(1, min(size, n))  # a single batch needs no rescaling

    def _make_optimizer(self):
        """The optimizer of ``module_``'s parameters (default learning rate 1e-3)."""
        params = {"lr": 1e-3, **(self.optimizer_params or {})}
        cls = optimizer_registry.lookup(self.optimizer)
        if cls in (torch.optim.Adam, torch.optim.AdamW) and "fused" not in params \
                and "foreach" not in params:
            # one fused kernel per step where torch has one for this device
            try:
                return optimizer_registry.make(cls, {**params, "fused": True},
                                               params=self.module_.parameters())
            except (RuntimeError, ValueError):
                pass
        return optimizer_registry.make(cls, params, params=self.module_.parameters())


def _example_optimizer_kwargs():
    return {"params": [nn.Parameter(torch.zeros(2))]}


optimizer_registry = Registry("optimizer", base=torch.optim.Optimizer,
                              example_kwargs=_example_optimizer_kwargs)
"""Registry of torch optimizers: ``adam``, ``adagrad``, ``sgd``, ``rmsprop``, ``adamw``."""
for _cls in (torch.optim.Adam, torch.optim.Adagrad, torch.optim.SGD, torch.optim.RMSprop,
             torch.optim.AdamW):
    optimizer_registry.register(_cls)
