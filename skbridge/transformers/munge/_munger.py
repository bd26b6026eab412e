"""AutoMunger: Automunge's automunge/postmunge as one scikit-learn transformer.

The estimator holds the parameters and runs the table through the per-column
machinery. Input checks (``_input``), assignment maps (``_assignments``),
column specs (``_columns``), ML infill (``_ml_infill``), drift reports
(``_drift``) and state files (``_state``) each live in a module of their own.
"""

import warnings
from functools import partial
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ...compat import HasMethods, Interval, StrOptions, fit_context
from ._assignments import assignments, choose_transform, transform_kwargs
from ._columns import (
    column_report,
    encode_column,
    fit_column,
    invert_column,
    lay_out,
    make_transform,
    output_names,
)
from ._drift import DriftReportMixin
from ._input import validate_frame
from ._ml_infill import MLInfiller
from ._state import StateMixin
from ._values import infer_kind, read_column

__all__ = ["AutoMunger"]

_COMPONENT = [str, type, HasMethods(["fit", "transform"])]


class AutoMunger(StateMixin, DriftReportMixin, TransformerMixin, BaseEstimator):
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
        One by default: these models are small, and on a busy machine more
        threads mostly add synchronisation.
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
        "n_jobs": [Interval(Integral, None, -1, closed="right"),
                   Interval(Integral, 1, None, closed="left"), None],  # joblib's: 0 means nothing
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

    def _validate_frame(self, X, *, reset, policy=None):
        """Check ``X``; return it as a DataFrame with the fitted column names."""
        return validate_frame(self, X, reset=reset, policy=policy or self.column_policy)

    def _ml_infiller(self):
        return MLInfiller(
            self.column_specs_, partial(make_transform, classes=self._external_classes),
            estimator=self.ml_infill_estimator, max_iter=self.ml_infill_max_iter,
            tol=self.ml_infill_tol, max_samples=self.ml_infill_max_samples, n_jobs=self.n_jobs,
            verbose=self.verbose, models=getattr(self, "ml_models_", None),
            n_rounds=getattr(self, "n_ml_rounds_", 0),
        )

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
        self._external_classes = {}
        frame = self._validate_frame(X, reset=True)
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        names = list(frame.columns)
        assigned, assigned_params, assigned_fills = assignments(
            names, assigncat=self.assigncat, assigninfill=self.assigninfill,
            assignparam=self.assignparam,
        )
        specs, prepared = {}, {}
        for col in names:
            series = frame[col]
            info = infer_kind(series, max_onehot=self.max_onehot)
            choice, why = choose_transform(self, col, info, series, assigned)
            requested = assigned_fills.get(col)
            spec, values, missing = fit_column(
                col, series, info, choice, why, transform_kwargs(choice, col, assigned_params),
                infill=self.infill if requested is None else requested,
                ml_infill=self.ml_infill and requested is None,
                nan_markers=self.nan_markers,
                classes=self._external_classes,
            )
            specs[col] = spec
            prepared[col] = (values, missing)
            if self.verbose:
                print(f"[AutoMunger] {col!r}: {spec['kind']} -> {spec['transform']['name']}, "
                      f"infill {spec['infill']['name']} ({spec['reason']})")
        n_out = lay_out(specs, self._external_classes)
        self.column_specs_ = specs
        self.feature_names_out_ = np.asarray(output_names(names, specs), dtype=object)
        out = np.empty((len(frame), n_out))
        for col, spec in specs.items():
            values, missing = prepared[col]
            block, values = encode_column(spec, values, missing, self._external_classes)
            out[:, spec["slice"][0] : spec["slice"][0] + block.shape[1]] = block
            prepared[col] = (values, missing)
        ml_cols = [c for c, s in specs.items() if s["infill"]["name"] == "ml" and s["n_missing"]]
        infiller = self._ml_infiller()
        if ml_cols:
            infiller.fit(out, ml_cols, prepared, seed)
        self.ml_models_, self.n_ml_rounds_ = infiller.models, infiller.n_rounds
        self.column_report_ = column_report(specs)
        return out

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
        out = np.empty((len(frame), len(self.feature_names_out_)))
        prepared = {}
        for col, spec in self.column_specs_.items():
            series = frame[col]
            if spec["read_as"] in ("numeric", "datetime", "categorical"):
                values, missing, n_bad = read_column(series, spec)
            else:
                values, missing, n_bad = None, np.zeros(len(frame), dtype=bool), 0
            if n_bad:
                warnings.warn(
                    f"Column {col!r}: {n_bad} value(s) could not be read as {spec['read_as']} "
                    f"and were treated as missing.",
                    UserWarning,
                    stacklevel=3,
                )
            block, values = encode_column(spec, values, missing, self._external_classes)
            lo = spec["slice"][0]
            out[:, lo : lo + block.shape[1]] = block
            if col in self.ml_models_:
                prepared[col] = (values, missing)
        self._ml_infiller().replay(out, prepared)
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
        if isinstance(X, pd.DataFrame):
            X = X.to_numpy(dtype=np.float64)
        Z = np.asarray(X, dtype=np.float64)
        n_out = len(self.feature_names_out_)
        if Z.ndim != 2 or Z.shape[1] != n_out:
            raise ValueError(
                f"inverse_transform expects an array of shape (n_samples, {n_out}) as returned "
                f"by transform; got shape {Z.shape}."
            )
        data = {col: invert_column(spec, Z, self._external_classes)
                for col, spec in self.column_specs_.items()}
        names = list(getattr(self, "feature_names_in_", self.column_specs_))
        return pd.DataFrame({name: data[col] for name, col in zip(names, self.column_specs_)})

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
        return np.asarray(
            output_names([str(f) for f in input_features], self.column_specs_), dtype=object
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags
