"""Callbacks of the training loop, learning-rate schedules and the checkpoint file.

The loop of :class:`~skbridge.estimators.neural._base.BaseNeuralNet` calls, on
every callback, ``on_train_begin(net, epochs)``, ``on_epoch_begin(net, epoch)``,
``on_epoch_end(net, history)`` (a true return value stops training) and
``on_train_end(net)``. Early stopping, checkpoints, the progress bar and the
learning-rate schedule are callbacks, not code inside the loop (skorch's
design). Their state is derived from ``net.history_`` when training starts, so
a run resumed from a checkpoint behaves as the uninterrupted run.

Learning-rate schedules are plain Python (one implementation for both
backends): a schedule gives the learning rate of an epoch from the history.

Registries: :data:`CALLBACKS` (names usable in ``callbacks=[...]``) and
:data:`LR_SCHEDULES` (``"step"``, ``"cosine"``, ``"plateau"``). The checkpoint
file itself is written by :mod:`._checkpoint`.
"""

import copy
import math
from pathlib import Path

from ...compat import import_optional
from ...utils import Registry

__all__ = [
    "CALLBACKS",
    "LR_SCHEDULES",
    "Callback",
    "Checkpoint",
    "CosineSchedule",
    "EarlyStopping",
    "LRSchedule",
    "LRScheduler",
    "PlateauSchedule",
    "ProgressBar",
    "StepSchedule",
]


def _monitor_value(record, monitor):
    key = monitor or ("valid_loss" if "valid_loss" in record else "loss")
    if key not in record:
        raise ValueError(f"Cannot monitor {key!r}: the history has {sorted(record)}.")
    return key, record[key]


class _Best:
    """The best monitored value so far, and the epochs since it improved.

    One implementation of the tracking that early stopping, the best
    checkpoint and the plateau schedule share. A value improves on the best
    when, in the better direction, it beats ``best - min_delta -
    rel_threshold * |best|``; the first value always does.

    Parameters
    ----------
    monitor : str or None
        History key; None is ``"valid_loss"`` when the record has it, else ``"loss"``.
    lower_is_better : bool or None
        None: True for keys ending in ``"loss"``.
    min_delta : float, default=0.0
        Absolute improvement that counts.
    rel_threshold : float, default=0.0
        Improvement, relative to the best value, that counts.
    """

    def __init__(self, monitor, lower_is_better, min_delta=0.0, rel_threshold=0.0):
        self.monitor = monitor
        self.lower_is_better = lower_is_better
        self.min_delta = min_delta
        self.rel_threshold = rel_threshold
        self.best, self.best_epoch, self.wait = None, None, 0

    def update(self, record):
        """Record one epoch; True if its value is the new best."""
        key, value = _monitor_value(record, self.monitor)
        lower = key.endswith("loss") if self.lower_is_better is None else self.lower_is_better
        sign = 1.0 if lower else -1.0
        if self.best is None or sign * value < (sign * self.best - self.min_delta
                                                - self.rel_threshold * abs(self.best)):
            self.best, self.best_epoch, self.wait = value, record.get("epoch"), 0
            return True
        self.wait += 1
        return False


class Callback:
    """Base class of the callbacks; every hook does nothing by default."""

    def on_train_begin(self, net, epochs):
        """Before the first epoch of a ``fit`` / ``partial_fit``; ``epochs`` is a range."""

    def on_epoch_begin(self, net, epoch):
        """Before epoch ``epoch`` (0-based, counted over the whole history)."""

    def on_epoch_end(self, net, history):
        """After an epoch (``history[-1]`` is its record); return True to stop."""

    def on_train_end(self, net):
        """After the last epoch; also when an epoch raised (clean up here).

        It runs in a ``finally`` block: while an exception propagates,
        ``net._train_failed`` is True (:class:`Checkpoint` then writes
        nothing). :class:`Checkpoint` instances run first, so the final
        checkpoint holds the last epoch, before :class:`EarlyStopping` loads the
        best weights.
        """


# -- learning-rate schedules ---------------------------------------------------------


class LRSchedule:
    """Learning rate as a function of the epoch and the history so far."""

    def lr_at(self, epoch, history, base_lr, epochs):
        """Learning rate of ``epoch`` (0-based) given ``history[:epoch]`` and ``epochs`` in all."""
        raise NotImplementedError

    def period(self, epochs):
        """Epochs after which ``partial_fit`` starts the schedule again; None: never."""
        return None


class StepSchedule(LRSchedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Parameters
    ----------
    step_size : int, default=None
        Epochs between drops; None drops three times over ``epochs``.
    gamma : float, default=0.1
    """

    name = "step"

    def __init__(self, step_size=None, gamma=0.1):
        self.step_size = step_size
        self.gamma = gamma

    def lr_at(self, epoch, history, base_lr, epochs):
        step = self.step_size or max(1, epochs // 3)
        return base_lr * self.gamma ** (epoch // step)


class CosineSchedule(LRSchedule):
    """Cosine annealing from the learning rate to ``eta_min`` over ``t_max`` epochs.

    In ``fit`` the learning rate stays at ``eta_min`` after ``t_max`` epochs.
    ``epochs`` (the length when ``t_max`` is None) is the length of the whole
    run: ``epochs`` for ``fit``, the history so far plus ``epochs`` for a
    ``warm_start`` refit. ``partial_fit`` follows the cosine over ``t_max`` (or
    ``epochs``) calls and then starts it again from the learning rate (warm
    restarts, as torch's ``CosineAnnealingWarmRestarts`` with ``T_mult=1``),
    rather than training on at ``eta_min``.

    Parameters
    ----------
    t_max : int, default=None
        Length of the half cosine; None uses ``epochs``.
    eta_min : float, default=0.0
    """

    name = "cosine"

    def __init__(self, t_max=None, eta_min=0.0):
        self.t_max = t_max
        self.eta_min = eta_min

    def lr_at(self, epoch, history, base_lr, epochs):
        t_max = max(1, self.t_max or epochs)
        t = min(epoch, t_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2

    def period(self, epochs):
        return max(1, self.t_max or epochs)


class PlateauSchedule(LRSchedule):
    """Multiply the learning rate by ``factor`` when the monitored value stops improving.

    As ``torch.optim.lr_scheduler.ReduceLROnPlateau`` (relative threshold),
    replayed over the history, so it needs no state of its own.

    Parameters
    ----------
    factor : float, default=0.1
    patience : int, default=5
        Epochs without improvement before a reduction.
    threshold : float, default=1e-4
        Relative improvement that counts.
    min_lr : float, default=0.0
    monitor : str, default=None
        History key; None is ``"valid_loss"`` when there is a validation set,
        else ``"loss"``.
    """

    name = "plateau"

    def __init__(self, factor=0.1, patience=5, threshold=1e-4, min_lr=0.0, monitor=None):
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.min_lr = min_lr
        self.monitor = monitor

    def lr_at(self, epoch, history, base_lr, epochs):
        lr, best = base_lr, _Best(self.monitor, None, rel_threshold=self.threshold)
        for record in history[:epoch]:
            best.update(record)
            if best.wait > self.patience:
                lr, best.wait = max(lr * self.factor, self.min_lr), 0
        return lr


LR_SCHEDULES = Registry("lr schedule", base=LRSchedule, suffix="Schedule")
"""Registry of learning-rate schedules: ``"step"``, ``"cosine"``, ``"plateau"``."""
for _cls in (StepSchedule, CosineSchedule, PlateauSchedule):
    LR_SCHEDULES.register(_cls)


# -- callbacks -------------------------------------------------------------------------


class LRScheduler(Callback):
    """Set each epoch's learning rate from a schedule (the ``lr_schedule`` parameter).

    The schedule's length (``epochs`` of :meth:`LRSchedule.lr_at`) is the
    length of the run: the estimator's ``epochs``, or the epoch the run stops
    at when that is later (a ``warm_start`` refit, or ``resume_from``). In
    ``partial_fit`` it is ``epochs``, and a periodic schedule (cosine) starts
    again after it (see :class:`CosineSchedule`).

    Parameters
    ----------
    schedule : str or LRSchedule, default="cosine"
        A name of :data:`LR_SCHEDULES` or an instance.
    schedule_params : dict, default=None
        Keyword arguments of the schedule.
    """

    def __init__(self, schedule="cosine", schedule_params=None):
        self.schedule = schedule
        self.schedule_params = schedule_params

    def on_train_begin(self, net, epochs):
        self.schedule_ = LR_SCHEDULES.make(self.schedule, self.schedule_params)
        self._partial = bool(getattr(net, "_partial_run", False))
        self.epochs_ = net.epochs if self._partial else max(net.epochs, epochs.stop)

    def on_epoch_begin(self, net, epoch):
        period = self.schedule_.period(self.epochs_) if self._partial else None
        at = epoch % period if period else epoch
        lr = self.schedule_.lr_at(at, net.history_, net.learning_rate, self.epochs_)
        net._backend.set_lr(float(lr))


class EarlyStopping(Callback):
    """Stop when the monitored value has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : str, default=None
        History key; None is ``"valid_loss"`` with a validation set, else ``"loss"``.
    patience : int, default=5
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    lower_is_better : bool, default=None
        None: True for keys ending in ``"loss"``.
    restore_best : bool, default=False
        Load the weights of the best epoch when training stops.
    """

    def __init__(self, monitor=None, patience=5, min_delta=0.0, lower_is_better=None,
                 restore_best=False):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.lower_is_better = lower_is_better
        self.restore_best = restore_best

    def on_train_begin(self, net, epochs):
        self._best = _Best(self.monitor, self.lower_is_better, min_delta=self.min_delta)
        self._snapshot = None
        for record in net.history_:
            self._best.update(record)
        self._sync()

    def _sync(self):
        self.best_, self.best_epoch_, self.wait_ = (self._best.best, self._best.best_epoch,
                                                    self._best.wait)

    def on_epoch_end(self, net, history):
        improved = self._best.update(history[-1])
        self._sync()
        if improved and self.restore_best:
            self._snapshot = copy.deepcopy(net._backend.get_state())
        return self.wait_ >= self.patience

    def on_train_end(self, net):
        """Load the best epoch's weights (``restore_best``; not after a failed epoch)."""
        snapshot, self._snapshot = self._snapshot, None
        if (snapshot is not None and not getattr(net, "_train_failed", False)
                and net.history_ and net.history_[-1]["epoch"] != self.best_epoch_):
            net._backend.set_state(snapshot)


class Checkpoint(Callback):
    """Write checkpoints: every ``every`` epochs, after the last epoch, and the best.

    Files are ``dirname/epoch_{N}.skbckpt`` (N epochs done) and
    ``dirname/best.skbckpt``; pass one as ``resume_from`` to continue. The
    final checkpoint is written before other callbacks end training (before
    ``EarlyStopping(restore_best=True)`` loads the best weights), so it holds
    the last epoch's weights, optimizer state and history, and resuming from
    it continues the run as if it had not stopped.

    Parameters
    ----------
    dirname : str or path-like, default="checkpoints"
        Created on the first write.
    every : int, default=None
        Epochs between checkpoints; None writes only after the last epoch.
    best : bool, default=False
        Also keep ``best.skbckpt``, the epoch with the best monitored value.
    monitor : str, default=None
        As :class:`EarlyStopping`.
    lower_is_better : bool, default=None
    """

    def __init__(self, dirname="checkpoints", every=None, best=False, monitor=None,
                 lower_is_better=None):
        self.dirname = dirname
        self.every = every
        self.best = best
        self.monitor = monitor
        self.lower_is_better = lower_is_better

    def on_train_begin(self, net, epochs):
        self._best = _Best(self.monitor, self.lower_is_better)
        for record in net.history_:
            self._best.update(record)
        self.best_ = self._best.best

    def _improved(self, record):
        improved = self._best.update(record)
        self.best_ = self._best.best
        return improved

    def _write(self, net, name):
        Path(self.dirname).mkdir(parents=True, exist_ok=True)
        net.save_checkpoint(Path(self.dirname) / name)

    def on_epoch_end(self, net, history):
        n = len(history)
        if self.every and n % self.every == 0:
            self._write(net, f"epoch_{n}.skbckpt")
        if self._improved(history[-1]) and self.best:
            self._write(net, "best.skbckpt")

    def on_train_end(self, net):
        """Write ``epoch_{N}.skbckpt`` (nothing after a failed epoch)."""
        n = len(net.history_)
        if getattr(net, "_train_failed", False):
            return
        if n and not (self.every and n % self.every == 0):
            self._write(net, f"epoch_{n}.skbckpt")


class ProgressBar(Callback):
    """A tqdm bar over the epochs, showing the last epoch's losses and metric.

    Parameters
    ----------
    keys : tuple of str, default=None
        History keys to show; None shows every loss and metric.
    """

    def __init__(self, keys=None):
        self.keys = keys

    def on_train_begin(self, net, epochs):
        tqdm = import_optional("tqdm", extra="nn", purpose="verbose=1").tqdm
        self.bar_ = tqdm(total=epochs.stop, initial=epochs.start, unit="epoch",
                         desc=type(net).__name__, leave=True)

    def on_epoch_end(self, net, history):
        record = history[-1]
        keys = self.keys or [k for k in record if k not in ("epoch", "lr", "dur")]
        self.bar_.set_postfix({k: f"{record[k]:.4g}" for k in keys if k in record},
                              refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net):
        if getattr(self, "bar_", None) is not None:
            self.bar_.close()
        self.bar_ = None


CALLBACKS = Registry("callback", base=Callback)
"""Registry of callbacks: ``"early_stopping"``, ``"checkpoint"``, ``"progress_bar"``,
``"lr_scheduler"``."""
for _cls, _name in ((EarlyStopping, "early_stopping"), (Checkpoint, "checkpoint"),
                    (ProgressBar, "progress_bar"), (LRScheduler, "lr_scheduler")):
    CALLBACKS.register(_cls, name=_name)
