"""AutoMunger: Automunge's automunge/postmunge as one scikit-learn transformer."""

import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_array, check_is_fitted

from ...compat import (
    HasMethods,
    Interval,
    StrOptions,
    effective_n_threads,
    fit_context,
    validate_data,
)
from . import _drift
from ._infill import resolve_infill
from ._state import FORMAT, FORMAT_VERSION, from_base64, read_state, to_base64, write_state
from ._transforms import resolve_transform
from ._values import (
    categorical_values,
    datetime_seconds,
    infer_kind,
    jsonable,
    numeric_values,
)

__all__ = ["AutoMunger"]

# Most classes an ML-infill classifier is trained on; rarer ones are pooled.
_ML_MAX_CLASSES = 10
_COMPONENT = [str, type, HasMethods(["fit", "transform"])]
_THREADPOOLS = None  # threadpoolctl controller, created on first ML infill


def _default_estimator(kind, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    params = dict(
        max_iter=15, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False, random_state=seed
    )
    if kind == "classifier":
        return HistGradientBoostingClassifier(**params)
    return HistGradientBoostingRegressor(**params)


def _as_list(columns):
    if isinstance(columns, (str, int, np.integer)):
        return [columns]
    return list(columns)


def _feature_name(base, suffix):
    return f"{base}_{suffix}" if suffix != "" else str(base)


def _dedupe(names):
    seen, out = {}, []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}__{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


class AutoMunger(TransformerMixin, BaseEstimator):
    """Prepare a mixed-type table for machine learning: Automunge as a transformer.

    ``fit`` infers a transform for every column (numeric, binary, categorical,
    high-cardinality, free text, dates, identifiers, constant columns), learns
    its numbers and an infill for missing values; ``transform`` replays exactly
    that on new data. ``fit`` is Automunge's ``automunge`` and ``transform`` its
    ``postmunge``, with the fitted state kept in plain Python dicts
    (:attr:`column_specs_`) that pickle, and that :meth:`save_state` writes as
    versioned JSON.

    Parameters
    ----------
    assigncat : dict, default=None
        ``{transform: [columns]}``: the transform of chosen columns, by
        registry name (``"zscore"``, ``"minmax"``, ``"robust"``, ``"boxcox"``,
        ``"yeojohnson"``, ``"quantile"``, ``"log"``, ``"equal_width"``,
        ``"equal_frequency"``, ``"passthrough"``, ``"drop"``, ``"onehot"``,
        ``"ordinal"``, ``"binary"``, ``"flag"``, ``"hashing"``, ``"epoch"``,
        ``"cyclic"``, ``"nan_marker"``) or by Automunge code (``"nmbr"``,
        ``"mnmx"``, ``"bxcx"``,
        ``"qttf"``, ``"log0"``, ``"bnwd"``, ``"bnep"``, ``"excl"``, ``"null"``,
        ``"text"``, ``"onht"``, ``"ordl"``, ``"ord3"``, ``"1010"``, ``"bnry"``,
        ``"hash"``, ``"hsh2"``, ``"dat6"``, ``"NArw"``, ...). Other columns are
        inferred.
    assigninfill : dict, default=None
        ``{infill: [columns]}``: ``"mean"``, ``"median"``, ``"mode"``,
        ``"constant"``, ``"zero"``, ``"nan"``, ``"adjacent"``, ``"ml"``, or
        Automunge's ``"meaninfill"``, ``"medianinfill"``, ``"modeinfill"``,
        ``"zeroinfill"``, ``"naninfill"``, ``"adjinfill"``, ``"MLinfill"``,
        ``"stdrdinfill"``.
    assignparam : dict, default=None
        ``{transform: {column: {param: value}}}``: keyword arguments of a
        column's transform, e.g. ``{"hashing": {"name": {"n_features": 32}}}``;
        the column key ``"default"`` applies to every column of that transform.
    numeric : str, Transform class or instance, default="zscore"
        Transform of the columns inferred numeric.
    categorical : str, Transform class or instance, default="onehot"
        Transform of the categorical columns with at most ``max_onehot``
        categories.
    high_cardinality : str, Transform class or instance, default="binary"
        Transform of categorical columns with more than ``max_onehot``
        categories (binary encoding).
    text : str, Transform class or instance, default="hashing"
        Transform of nearly unique strings (free text, names: at least half
        of the values distinct, and more than ``max_onehot`` of them): feature
        hashing of their words. ``TRANSFORMS["onehot"](min_frequency=2)``
        one-hot encodes the values seen at least twice instead.
    max_onehot : int, default=30
        Most categories a column may have to be one-hot encoded.
    datetime : str, Transform class or instance, default="cyclic"
        Transform of datetime64 columns and of columns of date strings.
    infill : str, default="auto"
        Infill of the columns not in ``assigninfill``. ``"auto"``: the
        transform's own default (mean for numbers and dates, no active
        category for one-hot, ordinal, binary and hashing, most frequent value
        for two-valued columns).
    ml_infill : bool, default=False
        Infill every column that has missing values in the training data
        (and no entry in ``assigninfill``) with a model trained on the other
        columns. Hashed columns keep their default.
    ml_infill_estimator : estimator or dict, default=None
        Model of ML infill. ``None``: a small
        :class:`~sklearn.ensemble.HistGradientBoostingRegressor` /
        ``Classifier`` (15 iterations of 15 leaves; classifiers learn the 10
        most frequent categories and pool the rest). An estimator is cloned for
        every column of its type (a classifier for categorical columns, a
        regressor for numeric and date columns; the default serves the
        other type). A dict ``{"regressor": ..., "classifier": ...}`` sets both.
    ml_infill_max_iter : int, default=2
        Most rounds of ML infill. Each round refits every model on the data
        infilled by the previous one, as in
        :class:`~sklearn.impute.IterativeImputer`; rounds stop once the
        infilled values change by at most ``ml_infill_tol``.
    ml_infill_tol : float, default=0.01
        Fixed-point tolerance: the largest change between two rounds, over
        the ML-infilled columns, of the mean absolute change of the infilled
        numbers divided by the column's standard deviation, or of the share of
        infilled categories that changed.
    ml_infill_max_samples : int or None, default=5000
        Most training rows per ML-infill model (a seeded random subset).
        ``None`` uses every row.
    n_jobs : int or None, default=1
        OpenMP threads of the ML-infill models while they train and predict.
        One by default: these models are small, and on a busy machine the
        synchronisation of more threads costs several times what it saves.
        ``None`` uses as many threads as OpenMP would, ``-1`` all cores.
    nan_markers : bool, default=True
        Add a 0/1 column ``<column>_nan`` for every column with missing values
        in the training data (Automunge's ``NArw``).
    powertransform : bool, default=False
        Choose the numeric transform per column from its distribution: Box-Cox
        for skewed positive columns, Yeo-Johnson for other skewed ones, z-score
        otherwise (assigned columns are kept as assigned).
    column_policy : {"strict", "align"}, default="strict"
        At transform time, ``"strict"`` requires the columns seen in ``fit``, in
        the same order (scikit-learn's rule). ``"align"`` reorders DataFrame
        columns by name, drops extra columns and reads missing columns as all
        missing, with a warning.
    random_state : int, RandomState instance or None, default=None
        Seed of ML infill (the models and their row subsets). Nothing else is
        random, and rows are never shuffled.
    verbose : int, default=0
        Print one line per inferred column and per ML-infill model.

    Attributes
    ----------
    column_specs_ : dict of str to dict
        For every input column: its inferred ``kind`` and the ``reason``, how
        it is read (``read_as``), the ``transform`` and ``infill`` with their
        parameters and fitted numbers, its output features and reference
        statistics for :meth:`drift_report`. Plain Python, JSON-friendly.
    column_report_ : DataFrame
        One row per input column: dtype, inferred kind, why, transform,
        infill, missing count, distinct values and output features.
    feature_names_out_ : ndarray of str
        Names of the output columns.
    ml_models_ : dict of str to dict
        Per ML-infilled column, the fitted ``model`` (and class mapping).
        Empty when no ML infill ran.
    n_ml_rounds_ : int
        Rounds of ML infill run in ``fit`` (0 without it); ``transform``
        replays the final models that many times.
    n_features_in_ : int
        Number of columns seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of columns seen during ``fit``, when ``X`` has string column names.

    See Also
    --------
    automunge : Automunge-style function returning train/validation/test sets.
    postmunge : Replay a fitted state on new data.
    LabelMunger : The matching label encoder.
    sklearn.compose.ColumnTransformer : The hand-written equivalent.
    sklearn.impute.IterativeImputer : Model-based imputation of numbers only.

    Notes
    -----
    Policies at ``transform`` time: categories not seen in ``fit`` give no
    active category (all zeros); missing values are infilled even in columns
    that had none in ``fit`` (with the infill fitted for that column); values
    that cannot be read as the fitted type (e.g. text in a numeric column)
    are treated as missing, with a warning; infinities are missing; empty or
    blank strings are missing; a column that was constant or all missing in
    ``fit`` stays a zero column whatever it holds. ``inverse_transform`` is
    exact for z-score, min-max, robust, Box-Cox, Yeo-Johnson, log,
    pass-through, one-hot, ordinal, binary, flag and date transforms (up to
    float rounding), approximate for quantile and bins, and gives missing
    values for hashed and dropped columns.

    References
    ----------
    .. [1] N. Teague, "Automunge", https://github.com/Automunge/AutoMunge.

    Examples
    --------
    >>> import pandas as pd
    >>> from skbridge.transformers.munge import AutoMunger
    >>> df = pd.DataFrame({
    ...     "age": [22.0, 38.0, None, 35.0],
    ...     "city": ["Paris", "Oslo", "Rome", None],
    ...     "member": [True, False, True, True],
    ... })
    >>> munger = AutoMunger().fit(df)
    >>> list(munger.get_feature_names_out())
    ['age', 'age_nan', 'city_Oslo', 'city_Paris', 'city_Rome', 'city_nan', 'member']
    >>> munger.transform(df).round(2)
    array([[-1.39,  0.  ,  0.  ,  1.  ,  0.  ,  0.  ,  1.  ],
           [ 0.91,  0.  ,  1.  ,  0.  ,  0.  ,  0.  ,  0.  ],
           [ 0.  ,  1.  ,  0.  ,  0.  ,  1.  ,  0.  ,  1.  ],
           [ 0.48,  0.  ,  0.  ,  0.  ,  0.  ,  1.  ,  1.  ]])
    >>> munger.column_report_[["column", "kind", "transform", "infill"]]
       column         kind transform infill
    0     age      numeric    zscore   mean
    1    city  categorical    onehot   zero
    2  member       binary      flag   mode
    >>> munger.inverse_transform(munger.transform(df))
        age   city  member
    0  22.0  Paris    True
    1  38.0   Oslo   False
    2   NaN   Rome    True
    3  35.0    NaN    True
    """

    _parameter_constraints: dict = {
        "assigncat": [dict, None],
        "assigninfill": [dict, None],
        "assignparam": [dict, None],
        "numeric": _COMPONENT,
        "categorical": _COMPONENT,
        "high_cardinality": _COMPONENT,
        "text": _COMPONENT,
        "max_onehot": [Interval(Integral, 1, None, closed="left")],
        "datetime": _COMPONENT,
        "infill": [str, type, HasMethods(["fill"])],
        "ml_infill": ["boolean"],
        "ml_infill_estimator": [HasMethods(["fit", "predict"]), dict, None],
        "ml_infill_max_iter": [Interval(Integral, 1, None, closed="left")],
        "ml_infill_tol": [Interval(Real, 0, None, closed="left")],
        "ml_infill_max_samples": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [Integral, None],
        "nan_markers": ["boolean"],
        "powertransform": ["boolean"],
        "column_policy": [StrOptions({"strict", "align"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        assigncat=None,
        assigninfill=None,
        assignparam=None,
        numeric="zscore",
        categorical="onehot",
        high_cardinality="binary",
        text="hashing",
        max_onehot=30,
        datetime="cyclic",
        infill="auto",
        ml_infill=False,
        ml_infill_estimator=None,
        ml_infill_max_iter=2,
        ml_infill_tol=0.01,
        ml_infill_max_samples=5_000,
        n_jobs=1,
        nan_markers=True,
        powertransform=False,
        column_policy="strict",
        random_state=None,
        verbose=0,
    ):
        self.assigncat = assigncat
        self.assigninfill = assigninfill
        self.assignparam = assignparam
        self.numeric = numeric
        self.categorical = categorical
        self.high_cardinality = high_cardinality
        self.text = text
        self.max_onehot = max_onehot
        self.datetime = datetime
        self.infill = infill
        self.ml_infill = ml_infill
        self.ml_infill_estimator = ml_infill_estimator
        self.ml_infill_max_iter = ml_infill_max_iter
        self.ml_infill_tol = ml_infill_tol
        self.ml_infill_max_samples = ml_infill_max_samples
        self.n_jobs = n_jobs
        self.nan_markers = nan_markers
        self.powertransform = powertransform
        self.column_policy = column_policy
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ input

    def _validate_frame(self, X, *, reset, policy=None):
        """Check ``X`` and return it as a DataFrame with the fitted column names."""
        name = type(self).__name__
        if sp.issparse(X):
            raise TypeError(
                f"{name} needs dense input: sparse data is not supported. Pass a DataFrame "
                f"or a dense array (X.toarray())."
            )
        if isinstance(X, pd.Series):
            raise ValueError(
                f"{name} expects a 2-D table (DataFrame or 2-D array), got a Series. Use "
                f"series.to_frame() for a single column."
            )
        if isinstance(X, pd.DataFrame):
            if X.columns.has_duplicates:
                dup = sorted({str(c) for c in X.columns[X.columns.duplicated()]})
                raise ValueError(f"Column names must be unique; duplicated: {dup}.")
            policy = policy or self.column_policy
            if not reset and policy == "align" and hasattr(self, "feature_names_in_"):
                X = self._align(X)
            n, m = X.shape
            if m == 0:
                raise ValueError(
                    f"Found array with 0 feature(s) (shape=({n}, 0)) while a minimum of 1 is "
                    f"required by {name}."
                )
            if n == 0:
                raise ValueError(
                    f"Found array with 0 sample(s) (shape=(0, {m})) while a minimum of 1 is "
                    f"required by {name}."
                )
            frame = X
        else:
            X = check_array(
                X, dtype=None, ensure_all_finite=False, estimator=self, input_name="X"
            )
            if np.iscomplexobj(X):
                raise ValueError("Complex data not supported.")
            frame = pd.DataFrame(X)
        try:
            validate_data(self, frame, reset=reset, skip_check_array=True)
        except ValueError as exc:
            if "feature names should match" in str(exc):
                raise ValueError(
                    f"{exc}\nPass the columns seen in fit, in the same order, or set "
                    f"column_policy='align' to match DataFrame columns by name."
                ) from exc
            raise
        if reset:
            if hasattr(self, "feature_names_in_"):
                names = [str(c) for c in self.feature_names_in_]
            else:
                names = [f"x{i}" for i in range(frame.shape[1])]
        else:
            names = list(self.column_specs_)
        if list(frame.columns) != names:
            frame = frame.set_axis(names, axis=1)
        return frame

    def _align(self, X):
        expected = [str(c) for c in self.feature_names_in_]
        present = set(map(str, X.columns))
        extra = [str(c) for c in X.columns if str(c) not in set(expected)]
        missing = [c for c in expected if c not in present]
        if extra:
            warnings.warn(f"Ignoring columns not seen in fit: {extra}.", UserWarning, stacklevel=4)
        if missing:
            warnings.warn(
                f"Columns seen in fit are missing and read as all missing: {missing}.",
                UserWarning,
                stacklevel=4,
            )
        X = X.set_axis([str(c) for c in X.columns], axis=1)
        return X.reindex(columns=expected)

    # ------------------------------------------------------------------ assignments

    def _column_lookup(self, names, columns, what):
        """Map user column references (names, or positions for unnamed input) to names."""
        out = []
        for col in _as_list(columns):
            if isinstance(col, str) and col in names:
                out.append(col)
            elif isinstance(col, (int, np.integer)) and not isinstance(col, bool) and 0 <= col < len(names):
                out.append(names[col])
            else:
                raise ValueError(
                    f"{what} names the column {col!r}, which is not in the data. Columns: "
                    f"{names[:20]}{' ...' if len(names) > 20 else ''}."
                )
        return out

    def _assignments(self, names):
        """``{column: (transform, kwargs)}`` and ``{column: infill}`` from the assign* params."""
        cat = self._assign_once(names, self.assigncat, "assigncat", "transforms")
        params = {}
        for transform, per_column in (self.assignparam or {}).items():
            if not isinstance(per_column, dict):
                raise ValueError(
                    f"assignparam[{transform!r}] must be a dict {{column: {{param: value}}}}, "
                    f"got {per_column!r}."
                )
            for col, kwargs in per_column.items():
                if not isinstance(kwargs, dict):
                    raise ValueError(
                        f"assignparam[{transform!r}][{col!r}] must be a dict of parameters, "
                        f"got {kwargs!r}."
                    )
                key = "default" if col == "default" else self._column_lookup(
                    names, [col], f"assignparam[{transform!r}]"
                )[0]
                params[(transform, key)] = kwargs
        fills = self._assign_once(names, self.assigninfill, "assigninfill", "infills")
        return cat, params, fills

    def _assign_once(self, names, assigned, param, what):
        """``{column: name}`` from ``{name: columns}``; a column named twice is an error."""
        out = {}
        for name, columns in (assigned or {}).items():
            for col in self._column_lookup(names, columns, f"{param}[{name!r}]"):
                if col in out:
                    raise ValueError(
                        f"Column {col!r} is assigned two {what} in {param}: "
                        f"{out[col]!r} and {name!r}."
                    )
                out[col] = name
        return out

    def _choose_transform(self, col, info, series, assigned):
        kind = info["kind"]
        if col in assigned:
            return assigned[col], "assigned in assigncat"
        if kind in ("empty", "constant"):
            return "constant", "no information to encode"
        if kind == "identifier":
            return "drop", "identifiers carry no signal (automunge() returns them as ids)"
        if kind == "binary":
            return "flag", "two values: one 0/1 column"
        if kind == "categorical":
            return self.categorical, "categorical parameter"
        if kind == "high_cardinality":
            return self.high_cardinality, "high_cardinality parameter"
        if kind == "text":
            return self.text, "text parameter"
        if kind == "datetime":
            return self.datetime, "datetime parameter"
        if self.powertransform:
            x = numeric_values(series)[0]
            obs = x[~np.isnan(x)]
            skew = float(pd.Series(obs).skew()) if obs.size > 2 else 0.0
            if abs(skew) > 1:
                if obs.min() > 0:
                    return "boxcox", f"powertransform: skewness {skew:.2f}, positive"
                return "yeojohnson", f"powertransform: skewness {skew:.2f}"
            return "zscore", f"powertransform: skewness {skew:.2f}, close to normal"
        return self.numeric, "numeric parameter"

    # ------------------------------------------------------------------ reading

    @staticmethod
    def _read(series, spec):
        """Values of one column as the spec reads them, their missing mask and
        the count of values that could not be read."""
        read_as = spec["read_as"]
        if read_as == "categorical":
            values = categorical_values(series)
            return values, values.missing.copy(), 0
        if read_as == "datetime":
            values, n_bad = datetime_seconds(series, spec.get("date_format"))
        else:
            values, n_bad = numeric_values(series)
        return values, np.isnan(values), n_bad

    def _transformer(self, spec):
        name, params = spec["transform"]["name"], spec["transform"]["params"]
        local = getattr(self, "_local_transforms", {}).get(name)
        if local is not None:  # a class defined where it cannot be imported from
            return local(**params)
        return resolve_transform(name, params)[0]

    def _infiller(self, spec):
        return resolve_infill(spec["infill"]["name"], spec["infill"]["params"], default="mean")[0]

    def _encode_column(self, spec, values, missing):
        """The output block of one column (infill, transform, NaN marker)."""
        transform = self._transformer(spec)
        n = len(missing)
        if transform.input == "missing":
            block = transform.transform(missing, spec["transform"]["fitted"])
        elif transform.input == "none":
            block = transform.transform(np.zeros(n), spec["transform"]["fitted"])
        else:
            infill = self._infiller(spec)
            fitted = spec["infill"]["fitted"]
            if missing.any():
                if infill.stage == "input":
                    values = infill.fill(values, missing, fitted)
                elif not hasattr(values, "idx"):
                    values[missing] = fitted.get("value") or 0.0
            block = transform.transform(values, spec["transform"]["fitted"])
            if missing.any() and infill.stage == "output":
                block[missing] = 0.0 if infill.name == "zero" else np.nan
        if spec["nan_marker"]:
            block = np.concatenate([block, missing[:, None].astype(np.float64)], axis=1)
        return block, values

    # ------------------------------------------------------------------ fit

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Infer, fit and record a transform and an infill for every column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training table; any mix of numbers, strings, booleans, categoricals
            and dates, with missing values.
        y : None
            Ignored (labels are prepared by :class:`LabelMunger`).

        Returns
        -------
        self : object
            The fitted munger.
        """
        self._fit(X)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit and return the prepared training table (equal to ``fit(X).transform(X)``).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training table.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The prepared table, float64.
        """
        return self._fit(X)

    def _fit(self, X):
        self._local_transforms = {}
        frame = self._validate_frame(X, reset=True)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        names = list(frame.columns)
        assigned, assigned_params, assigned_fills = self._assignments(names)
        specs, prepared = {}, {}
        for col in names:
            series = frame[col]
            spec, values, missing = self._fit_column(
                col, series, assigned, assigned_params, assigned_fills
            )
            specs[col] = spec
            prepared[col] = (values, missing)
            if self.verbose:
                print(f"[AutoMunger] {col!r}: {spec['kind']} -> {spec['transform']['name']}, "
                      f"infill {spec['infill']['name']} ({spec['reason']})")
        # output layout
        start = 0
        for col, spec in specs.items():
            transform = self._transformer(spec)
            suffixes = transform.suffixes(spec["transform"]["fitted"])
            if spec["nan_marker"]:
                suffixes = [*suffixes, "nan"]
            spec["suffixes"] = suffixes
            spec["slice"] = [start, start + len(suffixes) - int(spec["nan_marker"])]
            spec["marker"] = start + len(suffixes) - 1 if spec["nan_marker"] else None
            start += len(suffixes)
        self.column_specs_ = specs
        self.feature_names_out_ = np.asarray(self._output_names(names), dtype=object)
        out = np.empty((len(frame), start))
        for col, spec in specs.items():
            values, missing = prepared[col]
            block, values = self._encode_column(spec, values, missing)
            out[:, spec["slice"][0] : spec["slice"][0] + block.shape[1]] = block
            prepared[col] = (values, missing)
        self.ml_models_, self.n_ml_rounds_ = {}, 0
        ml_cols = [c for c, s in specs.items() if s["infill"]["name"] == "ml" and s["n_missing"]]
        if ml_cols:
            with self._thread_limit():
                self._fit_ml(out, ml_cols, prepared, seed)
        self.column_report_ = self._report()
        return out

    def _fit_column(self, col, series, assigned, assigned_params, assigned_fills):
        info = infer_kind(series, max_onehot=self.max_onehot)
        choice, why = self._choose_transform(col, info, series, assigned)
        label = choice if isinstance(choice, str) else getattr(choice, "name", repr(choice))
        kwargs = {
            **assigned_params.get((label, "default"), {}),
            **assigned_params.get((label, col), {}),
        }
        transform, key = resolve_transform(choice, kwargs)
        if "<locals>" in key:
            self._local_transforms = {**getattr(self, "_local_transforms", {}), key: type(transform)}
        read_as = info["read_as"] if transform.input in ("none", "missing") else transform.input
        if read_as == "numeric" and info["read_as"] == "datetime":
            read_as = "datetime"  # dates given to a numeric transform: seconds since 1970
        spec = {
            "name": col,
            "dtype": str(series.dtype),
            "kind": info["kind"],
            "reason": f"{info['reason']}; {why}",
            "read_as": read_as,
            "date_format": info.get("date_format"),
            "n_unique": int(info["n_unique"]),
        }
        cached = info.get("values")
        cached_kind = "categorical" if hasattr(cached, "idx") else "numeric"
        if cached is not None and (read_as == cached_kind or (read_as == "datetime" and info["kind"] == "datetime")):
            values = cached
            missing = values.missing.copy() if cached_kind == "categorical" else np.isnan(values)
        else:
            values, missing, _ = self._read(series, spec)
        spec["n_missing"] = int(missing.sum())
        try:
            fitted = transform.fit(values)
        except ValueError as exc:
            raise ValueError(f"Column {col!r}: {exc}") from exc
        spec["transform"] = {"name": key, "params": transform.get_params(), "fitted": fitted}
        if transform.input in ("none", "missing"):
            infill, infill_key, fill_kwargs = None, "none", {}
            value = None
            if info["kind"] == "constant":
                observed = series[series.notna()]
                value = jsonable(observed.iloc[0].item() if hasattr(observed.iloc[0], "item") else observed.iloc[0])
            spec["value"] = value
        else:
            requested = assigned_fills.get(col)
            if requested is None:
                requested = self.infill
                if self.ml_infill and key != "hashing" and spec["n_missing"]:
                    requested = "ml"
            infill, infill_key = resolve_infill(requested, default=transform.default_infill)
            fill_kwargs = infill.get_params()
        spec["infill"] = {
            "name": infill_key,
            "params": fill_kwargs,
            "fitted": infill.fit(values) if infill is not None else {},
        }
        spec["nan_marker"] = bool(
            self.nan_markers and spec["n_missing"] and transform.input not in ("none", "missing")
        )
        if read_as == "categorical":
            vocabulary = fitted.get("categories", [])
            spec["reference"] = _drift.reference_categorical(values, vocabulary)
        elif read_as in ("numeric", "datetime"):
            spec["reference"] = _drift.reference_numeric(values)
        else:
            spec["reference"] = {"type": "none", "nan_rate": float(series.isna().mean())}
        return spec, values, missing

    def _output_names(self, bases):
        names = []
        for base, spec in zip(bases, self.column_specs_.values()):
            names.extend(_feature_name(base, s) for s in spec["suffixes"])
        return _dedupe(names)

    # ------------------------------------------------------------------ ML infill

    def _thread_limit(self):
        global _THREADPOOLS
        if _THREADPOOLS is None:  # scanning the loaded libraries takes ~10 ms: once
            import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime first)
            from threadpoolctl import ThreadpoolController

            _THREADPOOLS = ThreadpoolController()
        n_threads = 1 if self.n_jobs == 1 else effective_n_threads(self.n_jobs)
        return _THREADPOOLS.limit(limits=n_threads, user_api="openmp")

    def _estimator_for(self, kind, seed):
        est = self.ml_infill_estimator
        if isinstance(est, dict):
            unknown = set(est) - {"regressor", "classifier"}
            if unknown:
                raise ValueError(
                    f"ml_infill_estimator as a dict takes the keys 'regressor' and "
                    f"'classifier'; got {sorted(unknown)}."
                )
            est = est.get(kind)
        elif est is not None and is_classifier(est) != (kind == "classifier"):
            est = None
        if est is None:
            return _default_estimator(kind, seed)
        est = clone(est)
        if "random_state" in est.get_params():
            est.set_params(random_state=seed)
        return est

    def _ml_features(self, spec, n_out):
        drop = list(range(*spec["slice"]))
        if spec["marker"] is not None:
            drop.append(spec["marker"])
        keep = np.ones(n_out, dtype=bool)
        keep[drop] = False
        return np.flatnonzero(keep)

    def _ml_target(self, spec, values, observed):
        """Training target of one column: its numbers, or pooled class codes."""
        if spec["read_as"] != "categorical":
            return values[observed], None
        fitted = spec["transform"]["fitted"]
        codes = self._transformer(spec).codes(values.take(observed), fitted)
        counts = np.bincount(codes[codes >= 0], minlength=len(fitted["categories"]))
        top = np.sort(np.argsort(-counts, kind="stable")[:_ML_MAX_CLASSES])
        mapping = np.full(len(fitted["categories"]) + 2, len(top), dtype=np.int64)
        mapping[top] = np.arange(len(top))
        rare = np.setdiff1d(np.flatnonzero(counts), top)
        other = int(rare[np.argmax(counts[rare])]) if rare.size else int(top[0])
        classes = {"codes": top.tolist(), "other": other}
        return mapping[codes], classes

    def _ml_fill(self, out, spec, entry, values, missing):
        """Predict the missing rows of one column and re-encode them in ``out``."""
        rows = np.flatnonzero(missing)
        features = out[np.ix_(rows, entry["features"])]
        pred = entry["model"].predict(features)
        if spec["read_as"] == "categorical":
            codes_map = np.append(entry["classes"]["codes"], entry["classes"]["other"])
            pred = codes_map[np.clip(np.asarray(pred, dtype=np.int64), 0, len(codes_map) - 1)]
            values.fill_codes(missing, pred, spec["transform"]["fitted"]["categories"])
            sub = values.take(rows)
        else:
            values[rows] = np.asarray(pred, dtype=np.float64)
            sub = values[rows]
        block = self._transformer(spec).transform(sub, spec["transform"]["fitted"])
        lo, hi = spec["slice"]
        out[rows, lo:hi] = block
        return pred

    def _fit_ml(self, out, ml_cols, prepared, seed):
        rng = np.random.RandomState(seed)
        n_out = out.shape[1]
        # a column with nothing else to learn from keeps its initial (mean or mode) infill
        ml_cols = [c for c in ml_cols if self._ml_features(self.column_specs_[c], n_out).size]
        if not ml_cols:
            return
        order = sorted(ml_cols, key=lambda c: self.column_specs_[c]["n_missing"])
        initial, rows = {}, {}
        for col in order:
            # the training rows of each model, drawn once: rounds differ only by the infill
            observed = np.flatnonzero(~prepared[col][1])
            cap = self.ml_infill_max_samples
            if cap is not None and observed.size > cap:
                observed = np.sort(rng.choice(observed, cap, replace=False))
            rows[col] = observed
            spec = self.column_specs_[col]
            lo, hi = spec["slice"]
            missing = prepared[col][1]
            initial[col] = out[missing, lo:hi].copy()
        previous, models = {}, {}
        n_rounds = 0
        for round_ in range(self.ml_infill_max_iter):
            t0 = time.perf_counter()
            change = 0.0
            for col in order:
                spec = self.column_specs_[col]
                values, missing = prepared[col]
                observed = rows[col]
                target, classes = self._ml_target(spec, values, observed)
                kind = "classifier" if classes is not None else "regressor"
                entry = {
                    "features": self._ml_features(spec, n_out),
                    "classes": classes,
                    "model": self._estimator_for(kind, seed),
                }
                if classes is not None and len(np.unique(target)) < 2:
                    entry["model"] = _ConstantModel(target[0] if target.size else 0)
                else:
                    entry["model"].fit(out[np.ix_(observed, entry["features"])], target)
                pred = self._ml_fill(out, spec, entry, values, missing)
                models[col] = entry
                if col in previous:
                    old = previous[col]
                    if classes is None:
                        scale = max(spec["reference"].get("std", 1.0), 1e-12)
                        change = max(change, float(np.mean(np.abs(pred - old))) / scale)
                    else:
                        change = max(change, float(np.mean(pred != old)))
                previous[col] = pred
                if self.verbose:
                    print(f"[AutoMunger] ML infill round {round_ + 1}: {col!r} "
                          f"({missing.sum()} missing, {kind})")
            n_rounds = round_ + 1
            if self.verbose:
                print(f"[AutoMunger] ML infill round {n_rounds} done in "
                      f"{time.perf_counter() - t0:.2f} s, change {change:.4g}")
            if round_ > 0 and change <= self.ml_infill_tol:
                break
        self.ml_models_ = {col: models[col] for col in order}
        self.n_ml_rounds_ = n_rounds
        # Replay from the initial infill, exactly as transform does on new data.
        for col in order:
            spec = self.column_specs_[col]
            lo, hi = spec["slice"]
            out[prepared[col][1], lo:hi] = initial[col]
        self._replay_ml(out, prepared)

    def _replay_ml(self, out, prepared):
        # After the first sweep only rows missing two or more ML-infilled values can
        # change (the models are fixed): the other rows are skipped, exactly.
        n_missing = sum(missing.astype(np.int64) for _, missing in prepared.values())
        several = n_missing >= 2
        for sweep in range(self.n_ml_rounds_):
            for col, entry in self.ml_models_.items():
                values, missing = prepared[col]
                rows = missing if sweep == 0 else missing & several
                if rows.any():
                    self._ml_fill(out, self.column_specs_[col], entry, values, rows)

    # ------------------------------------------------------------------ transform

    def transform(self, X):
        """Prepare new data exactly as the training data (Automunge's postmunge).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            New table with the columns seen in ``fit`` (see ``column_policy``).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The prepared table, float64, rows in the input order.
        """
        check_is_fitted(self)
        frame = self._validate_frame(X, reset=False)
        return self._transform_frame(frame)

    def _transform_frame(self, frame):
        n_out = len(self.feature_names_out_)
        out = np.empty((len(frame), n_out))
        prepared = {}
        for col, spec in self.column_specs_.items():
            series = frame[col]
            if spec["read_as"] in ("numeric", "datetime", "categorical"):
                values, missing, n_bad = self._read(series, spec)
            else:
                values, missing, n_bad = None, np.zeros(len(frame), dtype=bool), 0
            if n_bad:
                warnings.warn(
                    f"Column {col!r}: {n_bad} value(s) could not be read as {spec['read_as']} "
                    f"and were treated as missing.",
                    UserWarning,
                    stacklevel=3,
                )
            block, values = self._encode_column(spec, values, missing)
            lo = spec["slice"][0]
            out[:, lo : lo + block.shape[1]] = block
            if col in self.ml_models_:
                prepared[col] = (values, missing)
        if any(missing.any() for _, missing in prepared.values()):
            with self._thread_limit():
                self._replay_ml(out, prepared)
        return out

    def inverse_transform(self, X):
        """Map prepared data back to the original columns.

        Exact for invertible transforms (see Notes); rows whose NaN marker is
        set come back missing.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            Output of :meth:`transform`.

        Returns
        -------
        X_original : DataFrame of shape (n_samples, n_features_in_)
            Columns named as in ``fit`` (``x0``, ``x1``, ... for unnamed input).
        """
        check_is_fitted(self)
        Z = X.to_numpy(dtype=np.float64) if isinstance(X, pd.DataFrame) else np.asarray(X, dtype=np.float64)
        n_out = len(self.feature_names_out_)
        if Z.ndim != 2 or Z.shape[1] != n_out:
            raise ValueError(
                f"inverse_transform expects an array of shape (n_samples, {n_out}) as returned "
                f"by transform; got shape {Z.shape}."
            )
        data = {}
        n = Z.shape[0]
        for col, spec in self.column_specs_.items():
            transform = self._transformer(spec)
            lo, hi = spec["slice"]
            fitted = spec["transform"]["fitted"]
            if transform.name == "constant":
                value = spec.get("value")
                column = np.full(n, np.nan if value is None else value, dtype=object)
            elif not transform.invertible:
                column = np.full(n, np.nan)
            else:
                inv = transform.inverse(Z[:, lo:hi], fitted)
                if spec["read_as"] == "categorical":
                    labels = np.array([*fitted["labels"], None], dtype=object)
                    column = labels[np.where(inv >= 0, inv, len(labels) - 1)]
                elif spec["read_as"] == "datetime":
                    column = inv
                else:
                    column = inv.astype(np.float64)
            if spec["marker"] is not None:
                flagged = Z[:, spec["marker"]] >= 0.5
                if flagged.any():
                    column = column.astype(object) if column.dtype == object else column.copy()
                    column[flagged] = None if column.dtype == object else np.nan
            data[col] = self._restore_dtype(column, spec)
        names = list(self.feature_names_in_) if hasattr(self, "feature_names_in_") else list(self.column_specs_)
        return pd.DataFrame({name: data[col] for name, col in zip(names, self.column_specs_)})

    @staticmethod
    def _restore_dtype(column, spec):
        dtype = spec["dtype"]
        if spec["read_as"] == "datetime":
            seconds = np.asarray(column, dtype=np.float64)
            stamps = pd.to_datetime(np.round(seconds * 1e6), unit="us")
            return pd.Series(stamps)
        if column.dtype == object:
            return column
        try:
            if dtype.startswith(("int", "uint", "Int", "UInt")) and not np.isnan(column).any():
                return np.round(column).astype(dtype.lower())
        except (TypeError, ValueError):
            pass
        return column

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; if given, they must match ``feature_names_in_``
            (or number ``n_features_in_`` when ``fit`` saw unnamed columns).

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``<column>`` for one-to-one transforms, ``<column>_<category>`` for
            one-hot, ``<column>_bit<i>``, ``<column>_hash<i>``,
            ``<column>_epoch`` / ``_doy_sin`` ... for dates and
            ``<column>_nan`` for NaN markers.
        """
        check_is_fitted(self)
        if input_features is None:
            return self.feature_names_out_.copy()
        input_features = np.asarray(input_features, dtype=object)
        if input_features.ndim != 1 or len(input_features) != self.n_features_in_:
            raise ValueError(
                f"input_features should have length equal to the number of features "
                f"({self.n_features_in_}), got {len(input_features)}."
            )
        if hasattr(self, "feature_names_in_") and not np.array_equal(
            input_features, self.feature_names_in_
        ):
            raise ValueError("input_features is not equal to feature_names_in_.")
        return np.asarray(self._output_names([str(f) for f in input_features]), dtype=object)

    # ------------------------------------------------------------------ reports

    def _report(self):
        rows = []
        for col, spec in self.column_specs_.items():
            features = [_feature_name(col, s) for s in spec["suffixes"]]
            shown = ", ".join(features[:4]) + (f", ... ({len(features)})" if len(features) > 4 else "")
            rows.append({
                "column": col,
                "dtype": spec["dtype"],
                "kind": spec["kind"],
                "transform": spec["transform"]["name"],
                "infill": spec["infill"]["name"],
                "n_missing": spec["n_missing"],
                "n_unique": spec["n_unique"],
                "n_outputs": len(features),
                "features": shown,
                "reason": spec["reason"],
            })
        return pd.DataFrame(rows)

    def drift_report(self, X):
        """Compare new data with the training data, column by column.

        DataFrame columns are matched by name (missing columns count as all
        missing); arrays by position.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        report : DataFrame
            One row per input column: ``kind``; ``psi``, the population
            stability index over the training deciles (numbers, dates) or
            categories (above 0.1: moderate shift, above 0.25: large);
            ``ks``, the Kolmogorov-Smirnov statistic against the training
            distribution (numbers and dates); the missing rate in training
            and now; the number and first few of the categories never seen in
            training; the means; and ``drift``, True where ``psi > 0.25``, ``ks
            > 0.2``, the missing rate moved by more than 0.1, or new categories
            make up more than 1 % of the rows.
        """
        check_is_fitted(self)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            frame = self._validate_frame(X, reset=False, policy="align")
        rows = []
        for col, spec in self.column_specs_.items():
            ref = spec["reference"]
            series = frame[col]
            if ref["type"] == "numeric":
                values = self._read(series, spec)[0]
                stats = _drift.compare_numeric(ref, values)
                new_rate = 0.0
            elif ref["type"] == "categorical":
                values = categorical_values(series)
                vocabulary = spec["transform"]["fitted"].get("categories", [])
                stats = _drift.compare_categorical(ref, values, vocabulary)
                codes = values.codes({k: i for i, k in enumerate(vocabulary)})
                new_rate = float(np.mean(codes == -2)) if vocabulary else 0.0
            else:
                stats = {
                    "nan_rate_fit": ref["nan_rate"], "nan_rate_new": float(series.isna().mean()),
                    "mean_fit": np.nan, "mean_new": np.nan, "psi": np.nan, "ks": np.nan,
                    "n_new_categories": 0, "new_categories": [],
                }
                new_rate = 0.0
            if spec["transform"]["name"] == "hashing":
                # only the most frequent training values are kept: "new" means little here
                stats["n_new_categories"], stats["new_categories"], new_rate = np.nan, [], 0.0
                stats["psi"] = np.nan
            drift = bool(
                (np.nan_to_num(stats["psi"]) > 0.25)
                or (np.nan_to_num(stats["ks"]) > 0.2)
                or abs(stats["nan_rate_new"] - stats["nan_rate_fit"]) > 0.1
                or new_rate > 0.01
            )
            rows.append({"column": col, "kind": spec["kind"], **stats, "drift": drift})
        columns = ["column", "kind", "psi", "ks", "nan_rate_fit", "nan_rate_new",
                   "n_new_categories", "new_categories", "mean_fit", "mean_new", "drift"]
        return pd.DataFrame(rows, columns=columns)

    # ------------------------------------------------------------------ state

    def to_state(self):
        """The fitted state as a JSON-friendly dict (what :meth:`save_state` writes)."""
        check_is_fitted(self)
        from ... import __version__

        params, not_saved = {}, []
        for key, value in self.get_params(deep=False).items():
            if value is None or isinstance(value, (str, bool, int, float, dict, list)):
                params[key] = value
            else:
                params[key] = None
                not_saved.append(key)
        ml = None
        if self.ml_models_:
            ml = {
                "n_rounds": self.n_ml_rounds_,
                "models": {
                    col: {
                        "features": entry["features"].tolist(),
                        "classes": entry["classes"],
                        "estimator": repr(entry["model"]),
                        "pickle_base64": to_base64(entry["model"]),
                    }
                    for col, entry in self.ml_models_.items()
                },
            }
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "skbridge_version": __version__,
            "params": params,
            "params_not_saved": not_saved,
            "n_features_in": int(self.n_features_in_),
            "feature_names_in": (
                [str(c) for c in self.feature_names_in_] if hasattr(self, "feature_names_in_") else None
            ),
            "feature_names_out": [str(c) for c in self.feature_names_out_],
            "columns": list(self.column_specs_.values()),
            "ml_infill": ml,
        }

    def save_state(self, path):
        """Write the fitted state as versioned, human-readable JSON.

        Every column's spec and fitted numbers are plain JSON, so replaying the
        state needs no pickle; only ML-infill models, when there are any, are
        embedded as base64 joblib pickles.

        Parameters
        ----------
        path : str or path-like
            File to write.

        Returns
        -------
        n_bytes : int
            Size of the file written.
        """
        return write_state(self.to_state(), path)

    @classmethod
    def load_state(cls, path, *, allow_pickle=False):
        """Rebuild a fitted munger from :meth:`save_state`'s JSON (or its dict).

        Parameters
        ----------
        path : str, path-like or dict
            The JSON file, or the dict from :meth:`to_state`.
        allow_pickle : bool, default=False
            Unpickle the ML-infill models embedded in the state. Only for states
            from a source you trust; without ML infill nothing is unpickled.

        Returns
        -------
        munger : AutoMunger
            A fitted munger whose ``transform`` gives the saved one's output.

        Raises
        ------
        ValueError
            If the file is not an AutoMunger state, is malformed, comes from a
            newer format version, or holds ML-infill models and
            ``allow_pickle`` is False.
        """
        state = read_state(path)
        valid = set(cls._get_param_names())
        params = {k: v for k, v in state["params"].items() if k in valid}
        munger = cls(**params)
        try:
            munger.column_specs_ = {spec["name"]: spec for spec in state["columns"]}
            for spec in munger.column_specs_.values():
                for key in ("read_as", "transform", "infill", "slice", "suffixes", "nan_marker"):
                    if key not in spec:
                        raise KeyError(key)
                resolve_transform(spec["transform"]["name"], spec["transform"]["params"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"Malformed AutoMunger state: a column spec lacks {exc}.") from exc
        munger.n_features_in_ = int(state["n_features_in"])
        if state.get("feature_names_in") is not None:
            munger.feature_names_in_ = np.asarray(state["feature_names_in"], dtype=object)
        munger.feature_names_out_ = np.asarray(state["feature_names_out"], dtype=object)
        munger.ml_models_, munger.n_ml_rounds_ = {}, 0
        ml = state.get("ml_infill")
        if ml:
            if not allow_pickle:
                raise ValueError(
                    "This state holds pickled ML-infill models; pass allow_pickle=True to "
                    "load them if you trust the file's source."
                )
            munger.n_ml_rounds_ = int(ml["n_rounds"])
            munger.ml_models_ = {
                col: {
                    "features": np.asarray(entry["features"], dtype=np.intp),
                    "classes": entry["classes"],
                    "model": from_base64(entry["pickle_base64"]),
                }
                for col, entry in ml["models"].items()
            }
        munger.column_report_ = munger._report()
        return munger

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags


class _ConstantModel:
    """Stand-in model when a column's observed values all fall in one class."""

    def __init__(self, value):
        self.value = value

    def predict(self, X):
        return np.full(len(X), self.value)
