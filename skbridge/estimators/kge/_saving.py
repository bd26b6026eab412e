"""AmpliGraph's ``save_model`` and ``restore_model``, in a safe format.

AmpliGraph pickles; these write a skops file instead (:mod:`skbridge.compat.skops`):
a zip of plain data (the estimator's arrays, parameters and training state,
which every KGE estimator keeps as plain data) that is rebuilt without
running code from the file. Loading refuses types outside skbridge,
scikit-learn, numpy and scipy unless they are listed as trusted.
"""

from sklearn.utils.validation import check_is_fitted

from ._ampligraph2 import ScoringBasedEmbeddingModel
from .base import _BaseKGEModel

__all__ = ["restore_model", "save_model"]


def save_model(model, model_name_path=None, protocol=None):
    """Save a KGE model to a skops file (AmpliGraph's name; no pickle).

    The file is a zip of plain data (the estimator's arrays, parameters and
    training state) that :func:`restore_model` rebuilds without running code
    from the file; see :mod:`skbridge.compat.skops`. It needs skops (the
    ``config`` extra).

    Parameters
    ----------
    model : ScoringBasedEmbeddingModel or KGE estimator
    model_name_path : str or path-like
        The file to write (whatever its extension, e.g. AmpliGraph's ``.pkl``,
        it holds the skops format).
    protocol : None
        AmpliGraph's pickle protocol; accepted and unused.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skbridge.datasets import load_nations
    >>> from skbridge.estimators.kge import TransE, restore_model, save_model
    >>> X = load_nations()
    >>> model = TransE(k=8, epochs=2, random_state=0).fit(X.train)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skops"
    >>> save_model(model, path)
    >>> bool((restore_model(path).predict(X.test) == model.predict(X.test)).all())
    True
    """
    from ...compat.skops import dump

    if model_name_path is None:
        raise ValueError("save_model needs model_name_path, the file to write.")
    inner = model.estimator if isinstance(model, ScoringBasedEmbeddingModel) else model
    if not isinstance(inner, _BaseKGEModel):
        raise TypeError(
            f"save_model saves a KGE model (TransE, ..., or ScoringBasedEmbeddingModel); got "
            f"{type(model).__name__}. Use skbridge.compat.skops.dump for other estimators.")
    check_is_fitted(inner)
    dump(model, model_name_path)


def restore_model(model_name_path=None, *, trusted=None):
    """Load a model written by :func:`save_model`.

    Parameters
    ----------
    model_name_path : str or path-like
    trusted : list of str, default=None
        Types to trust beyond skbridge's, scikit-learn's, numpy's and
        scipy's (e.g. a custom loss class); see :func:`skbridge.compat.skops.load`.

    Returns
    -------
    model : ScoringBasedEmbeddingModel or KGE estimator
        The saved object, with the same scores.
    """
    from ...compat.skops import load

    if model_name_path is None:
        raise ValueError("restore_model needs model_name_path, the file save_model wrote.")
    return load(model_name_path, trusted=trusted)
