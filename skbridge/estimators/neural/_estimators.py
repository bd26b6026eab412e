"""The neural-network estimators: :class:`NeuralNetClassifier` and :class:`NeuralNetRegressor`.

Both share one parameter set and one training loop
(:class:`~skbridge.estimators.neural._base.BaseNeuralNet`); they differ only in
their task (:mod:`~skbridge.estimators.neural._tasks`), ``partial_fit`` and the
classifier's probabilities.
"""

from sklearn.base import ClassifierMixin, RegressorMixin

from ...compat import fit_context
from ._base import BaseNeuralNet

__all__ = ["NeuralNetClassifier", "NeuralNetRegressor"]

_PARAMS_DOC = """
    Parameters
    ----------
    module : str, torch.nn.Module class or instance, or callable, default="mlp"
        The network: ``"mlp"``, ``"lenet5"``, ``"vgg_small"`` or
        ``"resnet_small"`` (sized from the data in ``fit``; the convolutional
        ones need images), a ``torch.nn.Module`` subclass (given
        ``input_shape`` and ``n_outputs`` where its ``__init__`` takes them),
        or, with ``backend="keras"``, a function
        ``build(input_shape, n_outputs, **module_params) -> keras.Model``.
        The network outputs logits (classifiers) or values (regressors).
    module_params : dict, default=None
        Keyword arguments of the module, e.g. ``{"hidden_units": (64, 32)}``.
        ``set_params(module__hidden_units=...)`` and grids such as
        ``{"module__hidden_units": [...]}`` set its entries.
    backend : {"torch", "keras"}, default="torch"
        PyTorch, or Keras 3 on TensorFlow (reached through
        :mod:`skbridge.compat.keras`).
    loss : str, class or None, default=None
        None uses the task's loss (``"cross_entropy"`` for classifiers,
        ``"mse"`` for regressors); also ``"mae"``, ``"huber"``, or a loss class
        of the backend's framework.
    loss_params : dict, default=None
        Keyword arguments of the loss (``loss__x`` or ``criterion__x`` in
        ``set_params``).
    optimizer : str or class, default="adam"
        ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"``, ``"adagrad"`` or an
        optimizer class.
    optimizer_params : dict, default=None
        Keyword arguments of the optimizer, e.g. ``{"weight_decay": 1e-4}``
        (``optimizer__x`` in ``set_params``).
    learning_rate : float, default=1e-3
        Initial learning rate.
    lr_schedule : {"step", "cosine", "plateau"} or None, default=None
        Learning-rate schedule, set before each epoch (see
        :data:`~skbridge.estimators.neural.LR_SCHEDULES`). Its length is the
        run's: ``epochs``, or more for a ``warm_start`` refit; ``partial_fit``
        restarts the cosine after ``epochs`` calls.
    lr_schedule_params : dict, default=None
        E.g. ``{"step_size": 5, "gamma": 0.5}`` or ``{"patience": 3}``.
    epochs : int, default=10
        Epochs of ``fit`` (in all, when resuming from a checkpoint; more
        epochs, with ``warm_start``). ``partial_fit`` trains one epoch.
    batch_size : int, default=128
        Samples per step.
    validation_fraction : float in [0, 1), default=0.0
        Share of the training data held out for validation (stratified for
        classifiers); ``history_`` then records ``valid_loss`` and the metric.
    callbacks : list of str or Callback, default=None
        Extra callbacks: names of
        :data:`~skbridge.estimators.neural.CALLBACKS` or instances (copied in
        ``fit``).
    early_stopping : bool, default=False
        Stop when ``valid_loss`` (``loss`` without validation data) has not
        improved for ``early_stopping_patience`` epochs.
    early_stopping_patience : int, default=5
    checkpoint : str or path-like, default=None
        Directory for checkpoints: ``epoch_{N}.skbckpt`` after the last epoch
        and every ``checkpoint_every`` epochs, and ``best.skbckpt`` with
        ``checkpoint_best``.
    checkpoint_every : int, default=None
    checkpoint_best : bool, default=False
    resume_from : str or path-like, default=None
        A checkpoint to continue from: weights, optimizer state and history
        are restored, and training continues up to ``epochs`` epochs; with the
        same data and seed it ends where the uninterrupted run ends.
    device : str, default="cpu"
        ``"cpu"``, ``"cuda"``, ``"cuda:<i>"`` or ``"auto"`` (a GPU when there
        is one).
    verbose : int, default=0
        1 shows a tqdm progress bar over the epochs, with the losses and the
        validation metric.
    warm_start : bool, default=False
        Whether ``fit`` continues from the fitted network.
    random_state : int, RandomState instance or None, default=None
        Seeds initialization, shuffling, dropout and the validation split.

    Attributes
    ----------
    module_ : torch.nn.Module or keras.Model
        The trained network (``model_`` is the same object).
    history_ : list of dict
        One record per epoch: ``epoch``, ``loss``, ``valid_loss`` and
        ``valid_<metric>`` with validation data, ``lr`` and ``dur`` (seconds).
    callbacks_ : list of Callback
        The callbacks of the last ``fit``.
    input_shape_ : tuple of int
        ``(n_features,)`` or ``(h, w, c)``.
    n_outputs_ : int
        Width of the output layer.
    n_features_in_ : int
        Features (for images, ``h * w * c``).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when ``X`` has feature names that are all strings.
"""

_SEE_ALSO = """
    See Also
    --------
    NeuralNetClassifier, NeuralNetRegressor : The two estimators.
    skbridge.datasets.load_image_folder : Images (or a stream of them) for ``fit``.

    Notes
    -----
    skorch's conventions (``module__*`` routing, callbacks, ``history_``,
    ``warm_start``, ``partial_fit``), without its ``**kwargs``: routed
    parameters live in ``module_params``, ``optimizer_params`` and
    ``loss_params``, so ``clone`` and the scikit-learn checks work.
"""


def _documented(cls):
    """Append the shared Parameters, Attributes, See Also and Notes sections."""
    head, sep, examples = cls.__doc__.partition("    Examples\n")
    cls.__doc__ = head.rstrip() + "\n" + _PARAMS_DOC + _SEE_ALSO + "\n" + sep + examples
    return cls


@_documented
class NeuralNetClassifier(ClassifierMixin, BaseNeuralNet):
    """Neural-network classifier on PyTorch or Keras 3.

    Labels of any type are encoded in ``fit``; the network outputs one logit
    per class, trained with cross-entropy. ``predict_proba`` is the softmax.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skbridge.estimators.neural import NeuralNetClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 8, 8) / 16.0  # images (n, h, w)
    >>> net = NeuralNetClassifier(module="lenet5", epochs=5, batch_size=32,
    ...                           learning_rate=3e-3, random_state=0)
    >>> net.fit(X[:600], y[:600]).predict_proba(X[600:602]).shape
    (2, 10)
    >>> bool(net.score(X[600:], y[600:]) > 0.75)
    True
    """

    _task_name = "classification"

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Train one more epoch (the first call builds the network).

        Parameters
        ----------
        X : array-like or dataset
            As in :meth:`fit`.
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class, for the first call when ``y`` may lack some.

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y, classes)

    def predict_proba(self, X):
        """Class probabilities (softmax of the logits), columns in ``classes_`` order.

        Parameters
        ----------
        X : array-like or dataset

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        raw = self._predict_raw(X)
        return self._task.output_to_proba(raw)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like or dataset

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        raw = self._predict_raw(X)
        return self._task.output_to_log_proba(raw)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


@_documented
class NeuralNetRegressor(RegressorMixin, BaseNeuralNet):
    """Neural-network regressor on PyTorch or Keras 3.

    One output per target column (``y`` of shape ``(n,)`` or
    ``(n, n_outputs)``), trained with the mean squared error by default.
    Scale the targets (e.g. :class:`~sklearn.compose.TransformedTargetRegressor`)
    when they are far from unit size.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skbridge.estimators.neural import NeuralNetRegressor
    >>> X, y = make_regression(n_samples=400, n_features=5, noise=1.0, random_state=0)
    >>> net = NeuralNetRegressor(module_params={"hidden_units": (64,)}, epochs=40,
    ...                          batch_size=32, learning_rate=1e-2, random_state=0)
    >>> bool(net.fit(X, y / y.std()).score(X, y / y.std()) > 0.9)
    True
    """

    _task_name = "regression"

    @fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y):
        """Train one more epoch (the first call builds the network).

        Parameters
        ----------
        X : array-like or dataset
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self : object
        """
        return self._partial_fit(X, y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
