"""BinaryNetClassifier: a binarized network (larq on tf-keras) as a scikit-learn classifier."""

import copy
import os
import tempfile
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from ...compat import Interval, StrOptions, fit_context, validate_data
from ...compat import keras as compat_keras
from ._architectures import ARCHITECTURES
from ._engines import ENGINES
from ._optimizers import OPTIMIZERS, cosine_schedule
from ._report import memory_report

__all__ = ["BinaryNetClassifier"]

_PURPOSE = "BinaryNetClassifier"
_STRUCTURE = ("hidden_units", "filters", "input_quantizer", "kernel_quantizer",
              "kernel_constraint", "batch_norm", "first_layer_binary")


def _resolve_larq(kind, value, getter):
    """A larq quantizer or constraint from a name or instance, with one clear error."""
    if value is None or not isinstance(value, str):
        return value
    try:
        return getter(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"Unknown {kind} {value!r}. Use a larq name such as 'ste_sign', "
            f"'approx_sign', 'swish_sign', 'dorefa_quantizer' (quantizers) or 'weight_clip' "
            f"(constraint), a larq instance (e.g. larq.quantizers.DoReFa(k_bit=2, "
            f"mode='activations')), or None for full precision."
        ) from exc


class BinaryNetClassifier(ClassifierMixin, BaseEstimator):
    """Binarized neural-network classifier: larq layers trained with tf-keras.

    Weights and activations of the hidden layers are one bit (larq's
    quantizers with straight-through gradients on latent float weights), so the
    model is some 30 times smaller than its float32 twin and can run on XNOR
    and popcount. Dense layers are laid out as 1x1 binary convolutions, so that
    Larq Compute Engine keeps them binary too. With
    ``input_quantizer=None, kernel_quantizer=None, kernel_constraint=None`` the
    same architecture is the float32 twin (ReLU activations).

    Parameters
    ----------
    architecture : str or callable, default="mlp"
        A name of :data:`~skbridge.estimators.bnn.ARCHITECTURES` (``"mlp"``,
        BinaryNet-style; ``"convnet"``, BinaryNet-style convolutions;
        ``"quicknet"``, QuickNet-style residual blocks) or a callable
        ``build(input_shape, n_classes, **structure) -> tf_keras.Model``
        taking the structural parameters below as keywords (plus
        ``normalization``, the training data's per-channel mean and variance)
        and returning a model whose output is class probabilities.
    hidden_units : tuple of int, default=(512, 512)
        Widths of the dense layers.
    filters : tuple of int, default=(32, 64)
        Channels of the convolution blocks (``"convnet"``, ``"quicknet"``).
    input_quantizer : str, larq quantizer or None, default="ste_sign"
        Quantizer of each binary layer's input (the activation): larq names
        (``"ste_sign"``, ``"approx_sign"``, ``"swish_sign"``,
        ``"dorefa_quantizer"``, ...) or instances (e.g.
        ``larq.quantizers.DoReFa(k_bit=2, mode="activations")``).
    kernel_quantizer : str, larq quantizer or None, default="ste_sign"
        Quantizer of the weights.
    kernel_constraint : str, larq constraint or None, default="weight_clip"
        Constraint on the latent weights (``"weight_clip"`` keeps them in
        [-1, 1]); ignored when ``kernel_quantizer`` is None.
    batch_norm : bool, default=True
        Batch normalization after each layer (else the layers have biases).
    first_layer_binary : bool, default=False
        Whether the first layer is binary too (binary weights on the
        binarized, normalized input), which makes every layer binary. By
        default the first layer is float32, as in most binarized networks:
        it holds few of the weights and a binary one loses much of the input.
    optimizer : {"adam", "sgd", "rmsprop", "bop"} or callable, default="adam"
        ``"bop"`` trains the binary weights with larq's Bop and the others
        with Adam. A callable takes the learning rate and returns a tf-keras
        (legacy) optimizer.
    learning_rate : float, default=1e-2
        Learning rate of the optimizer (of Adam for ``"bop"``).
    lr_schedule : {"cosine", "constant"} or None, default="cosine"
        ``"cosine"`` decays the rate from ``learning_rate`` towards 0 along a
        half cosine over each ``fit``'s ``epochs`` (each ``fit`` with
        ``warm_start`` starts a new cycle; ``partial_fit`` trains at
        ``learning_rate``). Binary weights flip sign on small updates, and
        the decay lets them settle: on digits it takes the spread of test
        accuracy over seeds from several points to under one.
        ``"constant"`` (or None) keeps ``learning_rate``, as Keras does.
    epochs : int, default=10
        Passes over the training data per ``fit``.
    batch_size : int, default=64
        Samples per gradient step.
    validation_fraction : float, default=0.0
        Share of the training data held out (stratified) to report
        ``val_loss`` / ``val_accuracy`` each epoch and to stop early on.
    early_stopping : bool, default=False
        Stop when the validation loss (training loss without validation) has
        not improved for 5 epochs, keeping the best weights.
    callbacks : list of tf_keras.callbacks.Callback, default=None
        Extra tf-keras callbacks (copied for each fit).
    inference : {"keras", "lce", "bitpacked"}, default="keras"
        Engine of ``predict`` and ``predict_proba``: the tf-keras model, the
        model converted by Larq Compute Engine, or scikit-bridge's bit-packed
        engine. Engines are built on first use and kept, so changing
        ``inference`` with ``set_params`` needs no refit.
    warm_start : bool, default=False
        Whether ``fit`` on a fitted estimator continues training.
    verbose : int, default=0
        tf-keras's progress output: 0 silent, 1 a progress bar per epoch,
        2 one line per epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the validation split.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of input values per sample (pixels times channels for images).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features, when ``X`` was a data frame with string column names.
    input_shape_ : tuple of int
        Shape of one training sample: ``(d,)``, ``(h, w)`` or ``(h, w, c)``.
    model_ : tf_keras.Model
        The trained network.
    history_ : list of dict
        One record per epoch: ``epoch``, ``loss``, ``accuracy`` and, with
        validation, ``val_loss`` and ``val_accuracy``.
    memory_report_ : pandas.DataFrame
        larq's model summary as data (see :meth:`summary`).

    See Also
    --------
    skbridge.estimators.neural.NeuralNetClassifier : Float networks on PyTorch or Keras 3.

    Notes
    -----
    larq runs on tf-keras, so TensorFlow must be imported with
    ``TF_USE_LEGACY_KERAS=1``; importing :mod:`skbridge` before TensorFlow
    sets it. Keras 3 still works beside it in the same process.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skbridge.estimators.bnn import BinaryNetClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = BinaryNetClassifier(hidden_units=(128,), epochs=3, random_state=0)
    >>> clf.fit(X[:1000], y[:1000]).score(X[1000:], y[1000:]) > 0.8
    True
    """

    _parameter_constraints: dict = {
        "architecture": [str, callable],
        "hidden_units": [tuple, list],
        "filters": [tuple, list],
        "input_quantizer": "no_validation",
        "kernel_quantizer": "no_validation",
        "kernel_constraint": "no_validation",
        "batch_norm": ["boolean"],
        "first_layer_binary": ["boolean"],
        "optimizer": [StrOptions(set(OPTIMIZERS.options)), callable],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "lr_schedule": [StrOptions({"cosine", "constant"}), None],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "callbacks": [list, None],
        "inference": [StrOptions(set(ENGINES.options))],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        architecture="mlp",
        hidden_units=(512, 512),
        filters=(32, 64),
        input_quantizer="ste_sign",
        kernel_quantizer="ste_sign",
        kernel_constraint="weight_clip",
        batch_norm=True,
        first_layer_binary=False,
        optimizer="adam",
        learning_rate=1e-2,
        lr_schedule="cosine",
        epochs=10,
        batch_size=64,
        validation_fraction=0.0,
        early_stopping=False,
        callbacks=None,
        inference="keras",
        warm_start=False,
        verbose=0,
        random_state=None,
    ):
        self.architecture = architecture
        self.hidden_units = hidden_units
        self.filters = filters
        self.input_quantizer = input_quantizer
        self.kernel_quantizer = kernel_quantizer
        self.kernel_constraint = kernel_constraint
        self.batch_norm = batch_norm
        self.first_layer_binary = first_layer_binary
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.callbacks = callbacks
        self.inference = inference
        self.warm_start = warm_start
        self.verbose = verbose
        self.random_state = random_state

    # -- input -----------------------------------------------------------------------------

    def _check_X(self, X, *, reset):
        """``X`` as float32 of shape ``(n, *input_shape)``; sets ``n_features_in_`` on reset."""
        if getattr(X, "ndim", 2) >= 3:
            X = check_array(X, allow_nd=True, dtype=np.float32, estimator=self)
            if X.ndim > 4:
                raise ValueError(
                    f"X has shape {X.shape}; {type(self).__name__} takes tables (n, d) or "
                    f"images (n, h, w) or (n, h, w, c)."
                )
            if reset:
                if hasattr(self, "feature_names_in_"):
                    del self.feature_names_in_
                self.n_features_in_ = int(np.prod(X.shape[1:]))
            elif X.shape[1:] != self.input_shape_:
                raise ValueError(
                    f"X holds samples of shape {X.shape[1:]}, but this {type(self).__name__} "
                    f"was fitted on samples of shape {self.input_shape_}. Resize the images "
                    f"to {self.input_shape_} (or refit on the new size)."
                )
            return X
        if not reset and len(self.input_shape_) > 1 and getattr(X, "ndim", None) == 2:
            raise ValueError(
                f"X has shape {X.shape}, but this {type(self).__name__} was fitted on images "
                f"of shape {self.input_shape_}. Reshape it with "
                f"X.reshape(-1, {', '.join(map(str, self.input_shape_))})."
            )
        return validate_data(self, X, reset=reset, dtype=np.float32)

    def _check_y(self, y, classes=None, *, reset):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset:
            known = np.unique(y) if classes is None else np.unique(np.asarray(classes))
            unseen = np.setdiff1d(np.unique(y), known)
            if unseen.size:
                raise ValueError(f"y has labels {unseen.tolist()} not in classes "
                                 f"{known.tolist()}.")
            if len(known) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; y has only "
                    f"one class: {known.tolist()}. (With partial_fit, pass every class in "
                    f"classes= on the first call.)"
                )
            return y, known
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y has labels {unseen.tolist()} that this classifier was not fitted with "
                f"(classes_ = {self.classes_.tolist()}). Pass every label in classes= on the "
                f"first call to partial_fit, or refit with fit."
            )
        return y, self.classes_

    # -- fitting ---------------------------------------------------------------------------

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on ``X``, ``y`` for ``epochs`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Tables or images (channels last); any image size.
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
            With ``warm_start`` on a fitted estimator, training continues for
            ``epochs`` more epochs.
        """
        reset = not (self.warm_start and self.__sklearn_is_fitted__())
        return self._fit(X, y, reset=reset, epochs=self.epochs)

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Train one epoch on ``X``, ``y``, starting the network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every label of the problem; needed on the first call when ``y``
            does not hold them all (later batches may bring labels ``y`` of
            the first call did not have).

        Returns
        -------
        self : object
        """
        return self._fit(X, y, reset=not self.__sklearn_is_fitted__(), epochs=1,
                         classes=classes)

    def _fit(self, X, y, *, reset, epochs, classes=None):
        X = self._check_X(X, reset=reset)
        y, classes = self._check_y(y, classes, reset=reset)
        if reset:
            self._start(X, classes)
        y_enc = np.searchsorted(self.classes_, y).astype(np.int32)
        train, valid = self._split(X, y_enc)
        done = len(self.history_)
        with compat_keras.seeded_tf_keras(self._seed + done):
            history = self.model_.fit(
                *train, validation_data=valid, epochs=done + epochs, initial_epoch=done,
                batch_size=self.batch_size, shuffle=True, verbose=min(int(self.verbose), 2),
                callbacks=self._keras_callbacks(valid is not None, done, epochs),
            )
        for i, epoch in enumerate(history.epoch):
            self.history_.append({"epoch": epoch + 1, **{key: float(values[i]) for key, values
                                                        in history.history.items()}})
        self._engines = {}  # trained further: engines are rebuilt from the new weights
        return self

    def _structure(self):
        structure = {name: getattr(self, name) for name in _STRUCTURE}
        structure["hidden_units"] = tuple(int(u) for u in self.hidden_units)
        structure["filters"] = tuple(int(f) for f in self.filters)
        lq = compat_keras.larq(purpose=_PURPOSE)
        for name in ("input_quantizer", "kernel_quantizer"):
            structure[name] = _resolve_larq(name, structure[name], lq.quantizers.get)
        structure["kernel_constraint"] = _resolve_larq(
            "kernel_constraint", structure["kernel_constraint"],
            compat_keras.tf_keras().constraints.get)  # larq registers its constraints there
        return structure

    def _start(self, X, classes):
        """Build and compile the network; set the fitted attributes only once it works."""
        tfk = compat_keras.tf_keras(purpose=_PURPOSE)
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        axis = tuple(range(X.ndim - 1)) if X.ndim == 4 else (0,)
        if X.ndim == 3:  # (n, h, w): one channel
            axis = (0, 1, 2)
        mean, var = X.mean(axis=axis), X.var(axis=axis)
        var = np.where(var > 0, var, 1.0)  # constant inputs pass through centred
        structure = {**self._structure(), "normalization": (np.atleast_1d(mean),
                                                            np.atleast_1d(var))}
        with compat_keras.seeded_tf_keras(seed):
            if callable(self.architecture):
                model = self.architecture(X.shape[1:], len(classes), **structure)
                if not isinstance(model, tfk.Model):
                    raise TypeError(
                        f"architecture must return a tf_keras.Model (larq layers work only in "
                        f"tf-keras models); it returned {type(model).__name__}."
                    )
            else:
                model = ARCHITECTURES.make(self.architecture, None, X.shape[1:], len(classes),
                                           **structure)
            optimizer = (OPTIMIZERS.make(self.optimizer, None, self.learning_rate)
                         if isinstance(self.optimizer, str) else
                         self.optimizer(self.learning_rate))
            model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
        self.model_, self._seed = model, seed
        self.classes_, self.input_shape_ = np.asarray(classes), tuple(int(s) for s in X.shape[1:])
        self.history_, self._engines = [], {}

    def _split(self, X, y):
        if not self.validation_fraction:
            return (X, y), None
        split = {"test_size": self.validation_fraction, "random_state": self._seed}
        try:
            X_train, X_valid, y_train, y_valid = train_test_split(X, y, stratify=y, **split)
        except ValueError as exc:
            warnings.warn(f"The validation split is not stratified: {exc}", UserWarning,
                          stacklevel=4)
            X_train, X_valid, y_train, y_valid = train_test_split(X, y, **split)
        return (X_train, y_train), (X_valid, y_valid)

    def _keras_callbacks(self, validating, done, epochs):
        tfk = compat_keras.tf_keras(purpose=_PURPOSE)
        callbacks = [copy.deepcopy(callback) for callback in self.callbacks or []]
        if self.lr_schedule == "cosine":
            callbacks.insert(0, cosine_schedule(self.learning_rate, done, epochs))
        if self.early_stopping:
            callbacks.append(tfk.callbacks.EarlyStopping(
                monitor="val_loss" if validating else "loss", patience=5,
                restore_best_weights=True))
        return callbacks

    # -- inference ---------------------------------------------------------------------------

    def __sklearn_is_fitted__(self):
        return getattr(self, "model_", None) is not None

    def _engine(self, name=None):
        name = name or self.inference
        key = ENGINES.resolve(name).key
        engines = self.__dict__.setdefault("_engines", {})
        if key not in engines:
            engines[key] = ENGINES.make(key, None, self.model_)
        return engines[key]

    def predict_proba(self, X):
        """Class probabilities, from the engine ``inference`` names.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])
            Samples shaped as in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = self._check_X(X, reset=False)  # refuses NaN and infinity (check_array)
        return np.asarray(self._engine().predict_proba(X), dtype=np.float64)

    def predict(self, X):
        """Class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, h, w[, c])

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # -- reports and export ------------------------------------------------------------------

    @property
    def memory_report_(self):
        """Larq's model summary as data: a row per layer and a ``"total"`` row.

        See :func:`skbridge.estimators.bnn.memory_report` for the columns.
        """
        if not self.__sklearn_is_fitted__():
            raise AttributeError("memory_report_ is set by fit.")
        return memory_report(self.model_)

    def summary(self, print_fn=None):
        """Print larq's model summary (layers, bit widths, memory, binary MACs).

        Parameters
        ----------
        print_fn : callable, default=None
            Called with each line; ``print`` by default.
        """
        check_is_fitted(self)
        compat_keras.larq(purpose=_PURPOSE).models.summary(self.model_, print_fn=print_fn)

    def export_lce(self, path):
        """Write the Larq Compute Engine flatbuffer (``.tflite``) for deployment.

        The conversion is the one ``inference="lce"`` runs, done once and kept.

        Parameters
        ----------
        path : str or path-like

        Returns
        -------
        path : str or path-like
            ``path``, for chaining.
        """
        check_is_fitted(self)
        with open(path, "wb") as f:
            f.write(self._engine("lce").flatbuffer)
        return path

    # -- pickling ----------------------------------------------------------------------------

    def __getstate__(self):
        # A copy: on Python >= 3.11 BaseEstimator returns the live __dict__ itself.
        state = dict(super().__getstate__())
        model = state.pop("model_", None)
        if model is not None:
            state["_model_bytes"] = _model_to_bytes(model)
        state["_engines"] = {key: engine for key, engine in state.get("_engines", {}).items()
                             if key != "keras"}  # the Keras engine is the model itself
        return state

    def __setstate__(self, state):
        model_bytes = state.pop("_model_bytes", None)
        super().__setstate__(state)
        if model_bytes is not None:
            self.model_ = _model_from_bytes(model_bytes)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _model_to_bytes(model):
    """The tf-keras model (architecture, weights, optimizer state) as ``.keras`` bytes."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def _model_from_bytes(data):
    tfk = compat_keras.tf_keras(purpose=_PURPOSE)
    compat_keras.larq(purpose=_PURPOSE)  # registers larq's layers for deserialization
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as f:
            f.write(data)
        return tfk.models.load_model(path, safe_mode=True)
