"""Knowledge-graph embedding models as scikit-learn estimators.

:class:`TransE`, :class:`DistMult`, :class:`ComplEx`, :class:`HolE`,
:class:`RotatE` and :class:`ConvE` share one base: ``fit(X)`` on an
``(n, 3)`` array of ``(head, relation, tail)`` labels learns embeddings by
negative sampling, ``predict`` gives raw scores (higher = more plausible),
``calibrate`` + ``predict_proba`` give probabilities, ``transform`` gives
entity embeddings, and ``score`` is the filtered MRR, so that
:class:`~sklearn.model_selection.GridSearchCV` works without a custom scorer.
"""

from .base import _BaseKGEModel

__all__ = ["ComplEx", "ConvE", "DistMult", "HolE", "RotatE", "TransE"]

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
        ``restore_best`` (True: keep the best checked embeddings); see
        :class:`~skbridge.estimators.kge.early_stopping.EarlyStopping`.
    on_unseen : {"raise", "nan", "skip"}, default="raise"
        Triples with labels not seen in ``fit`` given to ``predict``,
        ``predict_proba`` or ``evaluate_performance``: raise an error naming
        them, give them a NaN score (with a warning), or drop them (with a
        warning). Never silent. ``score`` always leaves them out, with one
        warning that counts them, so that a plain ``KFold`` never makes a NaN
        fold.
    device : str, default="cpu"
        Torch device (``"cpu"``, ``"cuda"``, ``"auto"`` for CUDA when present);
        ``"cuda"`` without a GPU is a ``ValueError`` in ``fit``.
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
    valid_triples_ : ndarray of shape (n_valid, 3), dtype=int64
        The validation triples given to ``fit`` (or held out for early
        stopping), as indices; :meth:`score` filters them too.
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

    Notes
    -----
    Training runs in small steps that a subclass can override one at a time,
    as in skorch: ``fit_loop``, ``run_single_epoch``, ``train_step``,
    ``score_batch``, ``get_loss`` and ``validation_step`` (see
    :class:`~skbridge.estimators.kge.training.TrainingLoopMixin`).
"""


def _documented(example_extra="", epochs=20):
    """Append the shared Parameters, See Also, Notes and Examples to a model's docstring."""

    def decorate(cls):
        cls.__doc__ = (cls.__doc__.rstrip() + "\n" + _PARAMS_DOC + _SEE_ALSO
                       + _example(cls.__name__, example_extra, epochs))
        return cls

    return decorate


@_documented()
class TransE(_BaseKGEModel):
    """TransE knowledge-graph embeddings: ``score = -||h + r - t||_1`` (Bordes et al., 2013).

    Relations are translations in the embedding space. A drop-in for
    AmpliGraph's ``TransE`` / ``ScoringBasedEmbeddingModel(scoring_type="TransE")``.
    """

    _scoring_type = "transe"


@_documented()
class DistMult(_BaseKGEModel):
    """DistMult knowledge-graph embeddings: ``score = <h, r, t>`` (Yang et al., 2015).

    A diagonal bilinear model (symmetric relations only).
    """

    _scoring_type = "distmult"


@_documented()
class ComplEx(_BaseKGEModel):
    """ComplEx knowledge-graph embeddings: ``score = Re(<h, r, conj(t)>)`` (Trouillon et al., 2016).

    Complex embeddings of ``k`` components (``2 k`` numbers, real parts first),
    so asymmetric relations can be modelled.
    """

    _scoring_type = "complex"


@_documented()
class HolE(_BaseKGEModel):
    """HolE knowledge-graph embeddings: ``score = <r, h ⋆ t>`` (Nickel et al., 2016).

    Holographic embeddings: ``⋆`` is the circular correlation, computed with
    FFTs.
    """

    _scoring_type = "hole"


@_documented()
class RotatE(_BaseKGEModel):
    """RotatE knowledge-graph embeddings: ``score = -||h ∘ r - t||`` (Sun et al., 2019).

    Relations are rotations (``|r_i| = 1``, stored as ``k`` phases) of complex
    entity embeddings (``2 k`` numbers).
    """

    _scoring_type = "rotate"


@_documented(", scoring_params={'n_filters': 4}", epochs=4)
class ConvE(_BaseKGEModel):
    """ConvE knowledge-graph embeddings: a 2-D convolution over ``[h; r]`` (Dettmers et al., 2018).

    Not in AmpliGraph 2. The head and relation embeddings are reshaped to
    images, stacked and convolved; the projected result is matched with the
    tail. ``scoring_params`` sets ``height``, ``n_filters``, ``kernel_size``
    and the dropout rates.
    """

    _scoring_type = "conve"
