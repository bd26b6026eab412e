"""automunge() and postmunge(): Automunge's two calls, returning a named result."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._labels import LabelMunger
from ._munger import AutoMunger

__all__ = ["MungeResult", "automunge", "postmunge"]

# Automunge's names for AutoMunger's parameters.
_AUTOMUNGE_NAMES = {
    "MLinfill": "ml_infill", "NArw_marker": "nan_markers", "randomseed": "random_state"
}


@dataclass
class MungeResult:
    """The sets prepared by :func:`automunge` or :func:`postmunge`.

    Attributes are DataFrames (``None`` where a set was not asked for). Unpacking
    gives Automunge's ten outputs in its order, so that
    ``train, train_ID, labels, val, val_ID, val_labels, test, test_ID,
    test_labels, postprocess_dict = automunge(df)`` works as before.

    Attributes
    ----------
    train, val, test : DataFrame or None
        Prepared features.
    train_labels, val_labels, test_labels : DataFrame or None
        Labels encoded by :attr:`label_munger`.
    train_ids, val_ids, test_ids : DataFrame or None
        The identifier columns, untouched.
    postprocess_dict : AutoMunger
        The fitted munger: pass it to :func:`postmunge`, call its
        ``transform``, or write it with ``save_state``.
    label_munger : LabelMunger or None
        The fitted label encoder.
    """

    train: Any = None
    train_ids: Any = None
    train_labels: Any = None
    val: Any = None
    val_ids: Any = None
    val_labels: Any = None
    test: Any = None
    test_ids: Any = None
    test_labels: Any = None
    postprocess_dict: Any = None
    label_munger: Any = None

    def __iter__(self):
        return iter((
            self.train, self.train_ids, self.train_labels, self.val, self.val_ids,
            self.val_labels, self.test, self.test_ids, self.test_labels, self.postprocess_dict,
        ))

    def __repr__(self):
        parts = []
        for name in ("train", "train_labels", "val", "val_labels", "test", "test_labels"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value.shape}")
        return f"MungeResult({', '.join(parts)})"


def _split_off(df, columns, what):
    columns = [] if columns is None else ([columns] if isinstance(columns, str) else list(columns))
    unknown = [c for c in columns if c not in df.columns]
    if unknown:
        raise ValueError(f"{what} names columns not in the data: {unknown}.")
    return (df[columns] if columns else None), df.drop(columns=columns)


def _labels_frame(label_munger, labels):
    if labels is None:
        return None
    encoded = np.asarray(label_munger.transform(labels)).reshape(len(labels), -1)
    names = label_munger.get_feature_names_out()
    return pd.DataFrame(encoded, columns=names, index=labels.index)


def _frame(munger, X, index):
    return pd.DataFrame(munger.transform(X) if not isinstance(X, np.ndarray) else X,
                        columns=munger.get_feature_names_out(), index=index)


def automunge(
    df_train,
    df_test=None,
    *,
    labels_column=None,
    trainID_column=None,
    testID_column=None,
    valpercent=0.0,
    shuffletrain=False,
    label_encoding="auto",
    **params,
):
    """Automunge's ``automunge`` call: fit on a training table, prepare every set.

    Parameters
    ----------
    df_train : DataFrame
        Training table, labels and identifier columns included.
    df_test : DataFrame, default=None
        Test table, prepared with the state fitted on the training rows.
    labels_column : str, default=None
        Name of the label column (encoded by a :class:`LabelMunger`).
    trainID_column : str or list of str, default=None
        Identifier columns, returned untouched in ``train_ids``.
    testID_column : str or list of str, default=None
        Identifier columns of ``df_test`` (default: ``trainID_column``).
    valpercent : float, default=0.0
        Fraction of the training rows held out as a validation set (chosen
        with the seed, kept in their original order).
    shuffletrain : bool, default=False
        Shuffle the training rows (seeded). Rows keep their order otherwise.
    label_encoding : str, default="auto"
        ``encoding`` of the :class:`LabelMunger`.
    **params
        Parameters of :class:`AutoMunger` (``assigncat``, ``assigninfill``,
        ``ml_infill``, ``random_state``, ...). Automunge's names
        ``MLinfill``, ``NArw_marker`` and ``randomseed`` are accepted too.

    Returns
    -------
    result : MungeResult
        ``train``, ``val``, ``test``, their ``*_labels`` and ``*_ids``, and
        the fitted munger as ``postprocess_dict``. Unpacks like Automunge's
        10-tuple.

    See Also
    --------
    postmunge : Prepare more data with the fitted state.
    AutoMunger : The transformer behind it.

    Examples
    --------
    >>> from skbridge.datasets import load_titanic
    >>> from skbridge.transformers.munge import automunge, postmunge
    >>> df = load_titanic().frame
    >>> result = automunge(df.iloc[:1000], labels_column="survived",
    ...                    assigncat={"mnmx": ["fare"], "text": ["embarked"]},
    ...                    assigninfill={"MLinfill": ["age"], "modeinfill": ["embarked"]},
    ...                    randomseed=0)
    >>> result.train.shape, result.train_labels.shape
    ((1000, 99), (1000, 1))
    >>> postmunge(result.postprocess_dict, df.iloc[1000:]).test.shape
    (309, 99)
    """
    if not isinstance(df_train, pd.DataFrame):
        raise TypeError(f"automunge expects a DataFrame, got {type(df_train).__name__}.")
    for old, new in _AUTOMUNGE_NAMES.items():
        if old in params:
            if new in params:
                raise TypeError(f"Pass either {old!r} or {new!r}, not both.")
            params[new] = params.pop(old)
    valid = set(AutoMunger._get_param_names())
    unknown = sorted(set(params) - valid)
    if unknown:
        raise TypeError(
            f"automunge got unknown parameters {unknown}; AutoMunger takes {sorted(valid)}."
        )
    if not 0.0 <= valpercent < 1.0:
        raise ValueError(f"valpercent must lie in [0, 1), got {valpercent!r}.")
    rng = check_random_state(params.get("random_state"))
    df = df_train
    if shuffletrain:
        df = df.iloc[rng.permutation(len(df))]
    labels, df = _split_off(df, labels_column, "labels_column")
    ids, df = _split_off(df, trainID_column, "trainID_column")
    labels = labels.iloc[:, 0] if labels is not None else None
    val_rows = np.zeros(len(df), dtype=bool)
    if valpercent:
        n_val = int(round(valpercent * len(df)))
        val_rows[rng.choice(len(df), n_val, replace=False)] = True
    munger = AutoMunger(**params)
    train_X = munger.fit_transform(df[~val_rows])
    result = MungeResult(postprocess_dict=munger)
    result.train = pd.DataFrame(
        train_X, columns=munger.get_feature_names_out(), index=df.index[~val_rows]
    )
    if ids is not None:
        result.train_ids = ids[~val_rows]
    if labels is not None:
        result.label_munger = LabelMunger(encoding=label_encoding).fit(labels[~val_rows])
        result.train_labels = _labels_frame(result.label_munger, labels[~val_rows])
        munger.label_munger_ = result.label_munger
    munger.labels_column_ = labels_column
    munger.id_columns_ = [] if trainID_column is None else (
        [trainID_column] if isinstance(trainID_column, str) else list(trainID_column)
    )
    if val_rows.any():
        result.val = _frame(munger, df[val_rows], df.index[val_rows])
        result.val_ids = ids[val_rows] if ids is not None else None
        if labels is not None:
            result.val_labels = _labels_frame(result.label_munger, labels[val_rows])
    if df_test is not None:
        test = postmunge(munger, df_test, testID_column=testID_column)
        result.test, result.test_ids = test.test, test.test_ids
        result.test_labels = test.test_labels
    return result


def postmunge(
    postprocess_dict, df_test, *, testID_column=None, allow_pickle=False, trusted_modules=None
):
    """Automunge's ``postmunge`` call: prepare new data with a fitted state.

    Columns are matched by name: extra columns are ignored and missing ones
    read as all missing (with a warning); the label and identifier columns
    named in :func:`automunge` are split off when present.

    Parameters
    ----------
    postprocess_dict : AutoMunger, MungeResult, dict or path
        The fitted munger (``result.postprocess_dict``), the result itself,
        the dict of ``to_state()``, or a JSON file written by ``save_state``.
    df_test : DataFrame
        New data.
    testID_column : str or list of str, default=None
        Identifier columns (default: those given to :func:`automunge`).
    allow_pickle : bool, default=False
        Passed to :meth:`AutoMunger.load_state` for JSON states with ML-infill
        models.
    trusted_modules : list of str, default=None
        Passed to :meth:`AutoMunger.load_state`: the modules whose classes a
        JSON state may name as ``"module:Class"``.

    Returns
    -------
    result : MungeResult
        ``test``, ``test_ids`` and ``test_labels`` (when the label column is
        present), and the munger as ``postprocess_dict``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skbridge.transformers.munge import automunge, postmunge
    >>> train = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]})
    >>> state = automunge(train).postprocess_dict
    >>> postmunge(state, pd.DataFrame({"c": ["b"], "x": [2.0]})).test
         x  c
    0  0.0  1.0
    """
    label_munger = None
    if isinstance(postprocess_dict, MungeResult):
        label_munger = postprocess_dict.label_munger
        postprocess_dict = postprocess_dict.postprocess_dict
    if isinstance(postprocess_dict, (str, Path, dict)):
        munger = AutoMunger.load_state(
            postprocess_dict, allow_pickle=allow_pickle, trusted_modules=trusted_modules
        )
    elif isinstance(postprocess_dict, AutoMunger):
        munger = postprocess_dict
    else:
        raise TypeError(
            "postmunge expects a fitted AutoMunger (automunge(...).postprocess_dict), a "
            f"MungeResult, a state dict or a path to a saved state; got "
            f"{type(postprocess_dict).__name__}."
        )
    if not isinstance(df_test, pd.DataFrame):
        raise TypeError(f"postmunge expects a DataFrame, got {type(df_test).__name__}.")
    label_munger = label_munger or getattr(munger, "label_munger_", None)
    labels_column = getattr(munger, "labels_column_", None)
    id_columns = getattr(munger, "id_columns_", None) if testID_column is None else testID_column
    labels = None
    if labels_column is not None and labels_column in df_test.columns:
        labels = df_test[labels_column]
        df_test = df_test.drop(columns=[labels_column])
    if testID_column is None:  # the identifiers named in automunge(), where present
        id_columns = [c for c in (id_columns or []) if c in df_test.columns]
    ids, df_test = _split_off(df_test, id_columns, "testID_column")
    check_is_fitted(munger)
    frame = munger._validate_frame(df_test, reset=False, policy="align")
    out = munger._transform_frame(frame)
    result = MungeResult(postprocess_dict=munger, label_munger=label_munger)
    result.test = pd.DataFrame(out, columns=munger.get_feature_names_out(), index=df_test.index)
    result.test_ids = ids
    if labels is not None and label_munger is not None:
        result.test_labels = _labels_frame(label_munger, labels)
    return result
