"""automunge(), postmunge() and AutoMunge: Automunge's calls with its names and shapes.

:func:`automunge` returns a :class:`MungeResult` (ten outputs when unpacked),
:func:`postmunge` a :class:`PostmungeResult` (four outputs), and
:class:`AutoMunge` is Automunge's own object, so that code written for
Automunge runs with only its import changed. Automunge's parameter names are
accepted: those :class:`AutoMunger` shares (``labels_column``,
``featureselection``, ``PCAn_components``, ...), the renamed ones
(``MLinfill``, ``NArw_marker``, ``randomseed``, ``infilliterate``), and the
others at their Automunge defaults (``floatprecision=32``, ``pandasoutput=True``,
...), so that Automunge's full-argument template runs; a non-default value of
one of those is an error naming it.
"""

from pathlib import Path

from ._munger import AutoMunger
from ._results import MungeResult

__all__ = ["AutoMunge", "automunge", "postmunge"]

# Automunge's names for AutoMunger's parameters.
_AUTOMUNGE_NAMES = {
    "MLinfill": "ml_infill", "NArw_marker": "nan_markers", "randomseed": "random_state",
    "infilliterate": "ml_infill_max_iter",
}
# Automunge parameters without an equivalent here: accepted at their defaults only.
_AT_DEFAULT = {
    "floatprecision": (32, 64), "binstransform": (False,), "eval_ratio": (0.5,),
    "numbercategoryheuristic": (255,), "pandasoutput": (True,), "inplace": (False,),
    "Binary": (False,), "dupl_rows": (False,), "assignnan": (), "transformdict": (),
    "processdict": (), "evalcat": (False,), "privacy_encode": (False,),
    "encrypt_key": (False,), "logger": (), "entropy_seeds": (False,),
    "random_generator": (False,), "sampling_dict": (False,), "noise_augment": (0,),
    "ppd_append": (False,), "orig_headers": (False,), "cat_type": (False,),
    "inversion": (False,),
}
_ML_CMND_TEMPLATE = {
    "autoML_type": "randomforest", "MLinfill_cmnd": None, "PCA_cmnd": None,
}
# Automunge's False for "none" in these.
_FALSE_IS_NONE = ("labels_column", "trainID_column", "testID_column", "random_state",
                  "PCAn_components", "assigncat", "assigninfill", "assignparam", "PCAexcl")


def _empty(value):
    """Whether ``value`` holds nothing: None, False, or containers of empty containers."""
    if value is None or value is False:
        return True
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, (list, tuple, set)):
        return all(_empty(v) for v in value)
    return False


def _accept_defaults(params, call):
    """Pop Automunge's parameters that have no equivalent, refusing non-default values."""
    for name in [k for k in params if k in _AT_DEFAULT]:
        value = params.pop(name)
        allowed = _AT_DEFAULT[name]
        if not (value in allowed if allowed else _empty(value)):
            shown = allowed[0] if allowed else "empty"
            raise ValueError(
                f"{call}: Automunge's {name}={value!r} is not supported here; leave it at its "
                f"default ({shown!r}) or remove it."
            )
    ml_cmnd = params.pop("ML_cmnd", None) or {}
    for key, value in ml_cmnd.items():
        if key == "PCA_type":
            params.setdefault("PCA_type", value)
        elif key in _ML_CMND_TEMPLATE and (value == _ML_CMND_TEMPLATE[key] or _empty(value)):
            continue
        else:
            raise ValueError(
                f"{call}: ML_cmnd[{key!r}]={value!r} is not supported here. ML infill's model is "
                f"set with ml_infill_estimator; ML_cmnd accepts 'PCA_type'."
            )


def _automunger_params(params):
    for old, new in _AUTOMUNGE_NAMES.items():
        if old in params:
            if new in params:
                raise TypeError(f"Pass either {old!r} or {new!r}, not both.")
            params[new] = params.pop(old)
    _accept_defaults(params, "automunge")
    for name in _FALSE_IS_NONE:
        if params.get(name) is False:
            params[name] = None
    valid = set(AutoMunger._get_param_names())
    unknown = sorted(set(params) - valid)
    if unknown:
        raise TypeError(
            f"automunge got unknown parameters {unknown}; AutoMunger takes {sorted(valid)}."
        )
    return params


def automunge(df_train, df_test=None, *, label_encoding="auto", **params):
    """Automunge's ``automunge`` call: fit on a training table, prepare every set.

    ``automunge(df, **params)`` is ``AutoMunger(**params).automunge(df)``.

    Parameters
    ----------
    df_train : DataFrame
        Training table, labels and identifier columns included.
    df_test : DataFrame, default=None
        Test table, prepared with the state fitted on the training rows.
    label_encoding : str, default="auto"
        ``encoding`` of the :class:`LabelMunger`.
    **params
        Parameters of :class:`AutoMunger` (``labels_column``,
        ``trainID_column``, ``testID_column``, ``valpercent``,
        ``shuffletrain``, ``TrainLabelFreqLevel``, ``featureselection``,
        ``PCAn_components``, ``assigncat``, ``assigninfill``, ``random_state``,
        ...) under their names or Automunge's (``MLinfill``, ``NArw_marker``,
        ``randomseed``, ``infilliterate``, ``ML_cmnd={"PCA_type": ...}``).

    Returns
    -------
    result : MungeResult
        ``train``, ``val``, ``test``, their ``*_labels`` and ``*_ids``, the
        fitted munger as ``postprocess_dict`` and the ``featureimportance``
        report. Unpacks like Automunge's 10-tuple.

    See Also
    --------
    postmunge : Prepare more data with the fitted state.
    AutoMunger.automunge : The method behind it.

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
    >>> test, test_ID, test_labels, postreports_dict = postmunge(
    ...     result.postprocess_dict, df.iloc[1000:])
    >>> test.shape, test_labels.shape
    ((309, 99), (309, 1))
    """
    params = _automunger_params(dict(params))
    if df_test is False:
        df_test = None
    return AutoMunger(**params).automunge(df_train, df_test, label_encoding=label_encoding)


def _load(postprocess_dict, allow_pickle, trusted_modules):
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
    if label_munger is not None and getattr(munger, "label_munger_", None) is None:
        munger.label_munger_ = label_munger
    return munger


def postmunge(
    postprocess_dict, df_test, *, testID_column=None, allow_pickle=False, trusted_modules=None,
    printstatus=False, **params,
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
    printstatus : bool or str, default=False
        Print a one-line summary.
    **params
        :meth:`AutoMunger.postmunge`'s ``traindata``, ``TrainLabelFreqLevel``,
        ``featureeval``, ``driftreport``, ``shuffletrain``, ``randomseed`` and
        ``returnedsets``; Automunge's other ones at their defaults
        (``pandasoutput=True``, ``inplace=False``, ``dupl_rows=False``,
        ``inversion=False``, ``encrypt_key=False``).

    Returns
    -------
    result : PostmungeResult
        ``test, test_ID, test_labels, postreports_dict``, as Automunge's
        (``returnedsets`` picks other shapes; ``returnedsets="result"`` gives
        a :class:`MungeResult` with the munger).

    Examples
    --------
    >>> import pandas as pd
    >>> from skbridge.transformers.munge import automunge, postmunge
    >>> train = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]})
    >>> state = automunge(train).postprocess_dict
    >>> test, test_ID, test_labels, postreports_dict = postmunge(
    ...     state, pd.DataFrame({"c": ["b"], "x": [2.0]}))
    >>> test
         x    c
    0  0.0  1.0
    >>> postreports_dict["finalcolumns_test"]
    ['x', 'c']
    """
    params = dict(params)
    _accept_defaults(params, "postmunge")
    munger = _load(postprocess_dict, allow_pickle, trusted_modules)
    result = munger.postmunge(df_test, testID_column=testID_column, **params)
    if printstatus is True or printstatus == "summary":
        test = result[0] if isinstance(result, tuple) else getattr(result, "test", result)
        print(f"[AutoMunger] postmunge: {len(df_test)} rows -> {test.shape[1]} features")
    return result


class AutoMunge:
    """Automunge's own object: ``am = AutoMunge()``, ``am.automunge``, ``am.postmunge``.

    Code written for Automunge (``from Automunge import *; am = AutoMunge()``)
    runs with the import changed to ``from skbridge.transformers.munge import
    AutoMunge``. Both methods take Automunge's parameters, with its ``False``
    for "none" (``df_test=False``, ``labels_column=False``, ...). One default
    differs: ``printstatus`` is False here (quiet, as scikit-learn's
    estimators), where Automunge prints by default.

    Examples
    --------
    >>> from skbridge.datasets import load_titanic
    >>> from skbridge.transformers.munge import AutoMunge
    >>> df = load_titanic().frame
    >>> am = AutoMunge()
    >>> (train, train_ID, labels, val, val_ID, val_labels, test, test_ID, test_labels,
    ...  postprocess_dict) = am.automunge(df.iloc[:1000], labels_column="survived",
    ...                                   printstatus=False)
    >>> test, test_ID, test_labels, postreports_dict = am.postmunge(
    ...     postprocess_dict, df.iloc[1000:], printstatus=False)
    >>> test.shape[0], test_labels.shape
    (309, (309, 1))
    """

    def automunge(self, df_train, df_test=False, **params):
        """Fit on ``df_train`` and prepare every set: :func:`automunge`."""
        return automunge(df_train, None if df_test is False else df_test, **params)

    def postmunge(self, postprocess_dict, df_test, **params):
        """Prepare ``df_test`` with the fitted state: :func:`postmunge`."""
        if params.get("testID_column") is False:
            params["testID_column"] = None
        if params.get("randomseed") is False:
            params["randomseed"] = None
        return postmunge(postprocess_dict, df_test, **params)
