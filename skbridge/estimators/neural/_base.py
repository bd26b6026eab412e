"""The shared base of the neural estimators: parameters, the training loop, checkpoints.

:class:`BaseNeuralNet` runs one training loop for every task and backend:

``fit`` validates the data -> the task encodes ``y`` -> the seed is drawn from
``random_state`` -> the data is split into training and validation sets
(stratified for classifiers) -> the backend builds the network, loss and
optimizer (or a checkpoint is restored) -> for each epoch: callbacks, one
pass of ``backend.train_epoch``, ``backend.evaluate`` on the validation set,
a record in ``history_``, callbacks again (which may stop training).

A backend (``backend="torch"`` or ``"keras"``, imported only when used) does
the framework work; a task (:mod:`._tasks`) does the target-specific work;
neither is imported here at module level, so importing the estimators loads
neither PyTorch nor TensorFlow.
"""

import copy
import math
import os
import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from ...compat import HasMethods, Interval, StrOptions, fit_context
from ...compat.torch import seed_from_random_state
from ...utils import Registry
from ._callbacks import CALLBACKS, Checkpoint, EarlyStopping, LRScheduler, ProgressBar
from ._checkpoint import check_resume, plain_params, read_checkpoint, write_checkpoint
from ._data import check_fit_data, check_predict_data, is_stream, iter_batches
from ._routing import RoutedParamsMixin
from ._tasks import TASKS

__all__ = ["BACKENDS", "Backend", "BaseNeuralNet"]

class Backend:
    """The interface both backends implement (documentation; nothing subclasses it).

    A backend is built as ``Backend(params)`` with the estimator's
    ``get_params(deep=False)`` and holds the framework objects.

    * ``build(input_shape, n_outputs, task, seed)``: network, loss, optimizer.
    * ``train_epoch(X, y, batch_size, rng) -> {"loss": float}``: one pass in the
      order of ``rng.permutation``; X is an array or a stream (``_data.is_stream``).
    * ``evaluate(X, y, batch_size) -> {"loss": float, task.metric_name: float}``.
    * ``predict_raw(X, batch_size) -> ndarray``: float32 raw outputs (logits).
    * ``get_state() -> dict`` / ``set_state(state)``: ``{"weights": {name: array},
      "optimizer": plain data and arrays}``.
    * ``current_lr() -> float`` / ``set_lr(lr)``; optional ``end_fit()``.
    * ``module`` (torch) or ``model`` (keras): the network.
    """


class BaseNeuralNet(RoutedParamsMixin, BaseEstimator):
    """Shared base of :class:`NeuralNetClassifier` and :class:`NeuralNetRegressor`."""

    _task_name = None

    _parameter_constraints: dict = {
        "module": [str, callable],
        "module_params": [dict, None],
        "backend": [StrOptions({"torch", "keras"})],
        "loss": [str, callable, None],
        "loss_params": [dict, None],
        "optimizer": [str, callable],
        "optimizer_params": [dict, None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions({"step", "cosine", "plateau"}), HasMethods(["lr_at"]), None],
        "lr_schedule_params": [dict, None],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "callbacks": [list, None],
        "early_stopping": ["boolean"],
        "early_stopping_patience": [Interval(Integral, 1, None, closed="left")],
        "checkpoint": [str, os.PathLike, None],
        "checkpoint_every": [Interval(Integral, 1, None, closed="left"), None],
        "checkpoint_best": ["boolean"],
        "resume_from": [str, os.PathLike, None],
        "device": [str],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        module="mlp",
        module_params=None,
        backend="torch",
        loss=None,
        loss_params=None,
        optimizer="adam",
        optimizer_params=None,
        learning_rate=1e-3,
        lr_schedule=None,
        lr_schedule_params=None,
        epochs=10,
        batch_size=128,
        validation_fraction=0.0,
        callbacks=None,
        early_stopping=False,
        early_stopping_patience=5,
        checkpoint=None,
        checkpoint_every=None,
        checkpoint_best=False,
        resume_from=None,
        device="cpu",
        verbose=0,
        warm_start=False,
        random_state=None,
    ):
        self.module = module
        self.module_params = module_params
        self.backend = backend
        self.loss = loss
        self.loss_params = loss_params
        self.optimizer = optimizer
        self.optimizer_params = optimizer_params
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.lr_schedule_params = lr_schedule_params
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.callbacks = callbacks
        self.early_stopping = early_stopping
        self.early_stopping_patience = early_stopping_patience
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.checkpoint_best = checkpoint_best
        self.resume_from = resume_from
        self.device = device
        self.verbose = verbose
        self.warm_start = warm_start
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the network on ``X``, ``y`` for ``epochs`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c]), or dataset
            Tables, images (channels last), or a streaming image dataset from
            :func:`skbridge.datasets.load_image_folder` /
            :func:`~skbridge.datasets.load_image_csv` with ``lazy=True``
            (decoded batch by batch; its labels are used when ``y`` is None).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets.

        Returns
        -------
        self : object
            The fitted estimator. With ``warm_start`` and a fitted network,
            training continues for ``epochs`` more epochs; with ``resume_from``
            it continues the checkpoint's run up to ``epochs`` epochs in all.

        Notes
        -----
        A fit that fails before training (building the network, or restoring
        ``resume_from``) leaves the estimator unfitted. Ctrl-C
        (``KeyboardInterrupt``) during training stops it with a warning and
        keeps the network trained so far, except in an estimator made by
        :func:`sklearn.base.clone` (what ``GridSearchCV``, ``cross_validate``
        and ``learning_curve`` fit, in the process or in joblib workers): there
        the interrupt is raised, so that a search stops rather than going on
        with every candidate cut short.
        """
        continuing = self.warm_start and self.__sklearn_is_fitted__()
        return self._fit(X, y, reset=not continuing)

    def _partial_fit(self, X, y, classes=None):
        return self._fit(X, y, reset=not self.__sklearn_is_fitted__(), classes=classes,
                         partial=True)

    def _fit(self, X, y, *, reset, classes=None, partial=False):
        regression = self._task_name == "regression"
        dense = TASKS[self._task_name].dense
        X, y, input_shape = check_fit_data(self, X, y, reset=reset, y_numeric=regression,
                                           dense_y=dense)
        if reset:
            try:
                y_enc = self._start(y, input_shape, classes)
            except BaseException:
                self._backend = self._backend_state = None  # unfitted, not half fitted
                raise
        else:
            if tuple(input_shape) != self.input_shape_:
                raise ValueError(
                    f"X has samples of shape {tuple(input_shape)}, but this "
                    f"{type(self).__name__} was fitted on {self.input_shape_}."
                )
            y_enc = self._task.encode_y(y)
        if partial:
            stop = len(self.history_) + 1
        else:
            stop = self.epochs if reset else len(self.history_) + self.epochs
        train, valid = self._split(X, y_enc)
        self._run_epochs(train, valid, stop, partial=partial)
        return self

    def _start(self, y, input_shape, classes):
        """Encode ``y``, build the network (or restore it), then set the fitted state.

        Everything is built in locals first, so a failure leaves no fitted
        attribute behind. Returns the encoded ``y``.
        """
        task = TASKS.make(self._task_name)
        input_shape = tuple(int(s) for s in input_shape)
        task.input_shape = input_shape
        y_enc, info = task.prepare_y(y) if classes is None else task.prepare_y(y, classes)
        seed = seed_from_random_state(self.random_state)
        n_outputs = int(task.n_outputs(info))
        params = self.get_params(deep=False)
        state, history = None, []
        if self.resume_from is not None:
            state, header = read_checkpoint(self.resume_from)
            check_resume(header, self.resume_from, estimator=type(self).__name__,
                         backend=self.backend, input_shape=input_shape, n_outputs=n_outputs,
                         params=params)
            history = [dict(record) for record in header["history"]]
        backend = BACKENDS.make(self.backend, None, params)
        backend.build(input_shape, n_outputs, task, seed)
        if state is not None:
            backend.set_state(state)
            seed = int(header["seed"])
        self._task, self._seed = task, seed
        self.input_shape_, self.n_outputs_ = input_shape, n_outputs
        if "classes" in info:
            self.classes_ = info["classes"]
        self.history_ = history
        self._backend, self._backend_state = backend, None
        return y_enc

    def _split(self, X, y):
        """``(train, valid)`` pairs ``(X, y)``; ``valid`` is None without validation."""
        if not self.validation_fraction:
            return (X, y), None
        idx = np.arange(len(X))
        split = {"test_size": self.validation_fraction, "random_state": self._seed % 2**31}
        try:
            train, valid = train_test_split(
                idx, stratify=y if self._task.stratify else None, **split)
        except ValueError as exc:
            if not self._task.stratify:
                raise
            warnings.warn(f"The validation split is not stratified: {exc}", UserWarning,
                          stacklevel=4)
            train, valid = train_test_split(idx, **split)

        def take(ix):
            return X.subset(ix) if is_stream(X) else X[ix]

        return (take(train), y[train]), (take(valid), y[valid])

    def _make_callbacks(self):
        callbacks = []
        if self.lr_schedule is not None:
            callbacks.append(LRScheduler(self.lr_schedule, self.lr_schedule_params))
        for callback in self.callbacks or []:
            callbacks.append(CALLBACKS.make(callback) if isinstance(callback, (str, type))
                             else copy.deepcopy(CALLBACKS.make(callback)))
        if self.early_stopping:
            callbacks.append(EarlyStopping(patience=self.early_stopping_patience))
        if self.checkpoint is not None:
            callbacks.append(Checkpoint(self.checkpoint, every=self.checkpoint_every,
                                        best=self.checkpoint_best))
        if self.verbose:
            callbacks.append(ProgressBar())
        return callbacks

    def _run_epochs(self, train, valid, stop, partial=False):
        """The training loop: epochs ``len(history_) .. stop - 1``, callbacks around each.

        ``on_train_end`` runs in ``finally`` (``_train_failed`` tells the
        callbacks whether an exception propagates), Checkpoint callbacks first.
        """
        backend = self._get_backend()
        self.callbacks_ = callbacks = self._make_callbacks()
        epochs = range(len(self.history_), max(len(self.history_), stop))
        self._partial_run, self._train_failed = partial, False
        begun = []
        try:
            for callback in callbacks:
                callback.on_train_begin(self, epochs)
                begun.append(callback)
            try:
                for epoch in epochs:
                    for callback in callbacks:
                        callback.on_epoch_begin(self, epoch)
                    if self._run_one_epoch(backend, epoch, train, valid):
                        break
            except KeyboardInterrupt:
                if getattr(self, "_reraise_interrupt", False):
                    raise
                warnings.warn(f"Training interrupted after {len(self.history_)} epochs; the "
                              "network keeps the weights of the last step.", UserWarning,
                              stacklevel=3)
        except BaseException:
            self._train_failed = True
            raise
        finally:
            if hasattr(backend, "end_fit"):
                backend.end_fit()
            self._end_callbacks(begun)

    def _end_callbacks(self, callbacks):
        """``on_train_end`` of each callback (Checkpoints first), even if one raises."""
        errors = []
        for callback in sorted(callbacks, key=lambda c: not isinstance(c, Checkpoint)):
            try:
                callback.on_train_end(self)
            except Exception as exc:  # the others still clean up
                errors.append(exc)
        if errors and not self._train_failed:
            raise errors[0]

    def __sklearn_clone__(self):
        # A clone is what model selection fits: Ctrl-C must stop the search (see fit).
        clone = super().__sklearn_clone__()
        clone._reraise_interrupt = True
        return clone

    def _run_one_epoch(self, backend, epoch, train, valid):
        """Train one epoch, record it, call ``on_epoch_end``; True to stop."""
        start = time.perf_counter()
        lr = backend.current_lr()
        rng = np.random.default_rng([self._seed, epoch])
        record = {"epoch": epoch + 1, **backend.train_epoch(*train, self.batch_size, rng)}
        if valid is not None:
            scores = backend.evaluate(*valid, self.batch_size)
            record.update({f"valid_{key}": float(value) for key, value in scores.items()})
        record["lr"], record["dur"] = float(lr), time.perf_counter() - start
        if not math.isfinite(record["loss"]):
            raise ValueError(
                f"Training diverged: the loss is {record['loss']} in epoch {epoch + 1}. "
                f"Lower learning_rate (now {self.learning_rate}), scale X (e.g. with "
                "StandardScaler), or check y for extreme values."
            )
        self.history_.append(record)
        stop = False
        for callback in self.callbacks_:
            stop = bool(callback.on_epoch_end(self, self.history_)) or stop
        return stop

    # -- the fitted network ----------------------------------------------------------------

    def __sklearn_is_fitted__(self):
        return hasattr(self, "history_") and (
            getattr(self, "_backend", None) is not None
            or getattr(self, "_backend_state", None) is not None
        )

    def _get_backend(self):
        """The live backend; rebuilt from the saved state after unpickling."""
        if getattr(self, "_backend", None) is None:
            params = self.get_params(deep=False)
            if params["device"] != "cpu":  # a pickle from a GPU machine loads anywhere
                params["device"] = "auto"
            backend = BACKENDS.make(self.backend, None, params)
            backend.build(self.input_shape_, self.n_outputs_, self._task, self._seed)
            backend.set_state(self._backend_state)
            self._backend, self._backend_state = backend, None
        return self._backend

    @property
    def module_(self):
        """The trained network (a ``torch.nn.Module`` or a ``keras.Model``)."""
        if not self.__sklearn_is_fitted__():
            raise AttributeError("module_ is set by fit.")
        backend = self._get_backend()
        module = getattr(backend, "module", None)
        return module if module is not None else getattr(backend, "model", None)

    @property
    def model_(self):
        """Alias of :attr:`module_` (Keras's word)."""
        return self.module_

    def predict(self, X):
        """Predictions: class labels (classifier) or values, float64 (regressor).

        Parameters
        ----------
        X : array-like or dataset
            As in :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        raw = self._predict_raw(X)  # checks that it is fitted first
        return self._task.output_to_prediction(raw)

    def _predict_raw(self, X):
        """Raw network outputs (logits for classifiers) of ``X``."""
        check_is_fitted(self)
        X = check_predict_data(self, X)
        backend = self._get_backend()
        if is_stream(X):  # decoded one batch at a time
            return np.concatenate([backend.predict_raw(Xb, self.batch_size)
                                   for Xb, _ in iter_batches(X, None, self.batch_size)])
        return backend.predict_raw(X, self.batch_size)

    # -- checkpoints and pickling ------------------------------------------------------------

    def save_checkpoint(self, path):
        """Write the network, optimizer and history to ``path`` (``.skbckpt``).

        A ``.npz`` archive of arrays plus a JSON header (no pickle); pass it as
        ``resume_from`` to continue the run.

        Parameters
        ----------
        path : str or path-like
        """
        check_is_fitted(self)
        header = {
            "estimator": type(self).__name__, "backend": self.backend,
            "epoch": len(self.history_), "history": self.history_, "seed": int(self._seed),
            "input_shape": list(self.input_shape_), "n_outputs": self.n_outputs_,
            "params": plain_params(self.get_params(deep=False)),
        }
        write_checkpoint(path, self._get_backend().get_state(), header)

    def __getstate__(self):
        # A copy: on Python >= 3.11 BaseEstimator returns the live __dict__ itself.
        state = dict(super().__getstate__())
        backend = state.get("_backend")
        if backend is not None:
            state["_backend_state"] = backend.get_state()
            state["_backend"] = None
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.device != "cpu"
        return tags


def _torch_backend(params):
    from ._torch_backend import TorchBackend

    return TorchBackend(params)


def _keras_backend(params):
    from ._keras_backend import KerasBackend

    return KerasBackend(params)


BACKENDS = Registry("neural backend",
                    example_args=lambda: (BaseNeuralNet().get_params(deep=False),))
"""Registry of backends (factories importing their framework when called):
``"torch"``, ``"keras"``."""
BACKENDS.register(_torch_backend, name="torch")
BACKENDS.register(_keras_backend, name="keras")
