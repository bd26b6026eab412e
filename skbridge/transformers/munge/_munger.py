"""AutoMunger: Automunge's automunge/postmunge as one scikit-learn transformer.

The estimator holds the parameters; the per-column machinery and the output
stage run in :class:`~._core.MungeCoreMixin`, Automunge's calls in
:class:`~._automunge_api.AutomungeCallsMixin`. Input checks (``_input``),
assignment maps (``_assignments``), column specs (``_columns``), ML infill
(``_ml_infill``), feature selection (``_feature_selection``), PCA (``_pca``),
drift reports (``_drift``) and state files (``_state``) each live in a module
of their own.
"""

from numbers import Integral, Real

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ...compat import HasMethods, Interval, RealNotInt, StrOptions, fit_context
from ._automunge_api import AutomungeCallsMixin
from ._core import MungeCoreMixin
from ._drift import DriftReportMixin
from ._input import validate_frame
from ._state import StateMixin

__all__ = ["AutoMunger"]

_COMPONENT = [str, type, HasMethods(["fit", "transform"])]
_COLUMNS = [str, Interval(Integral, 0, None, closed="left"), list, None]


class AutoMunger(
    StateMixin, DriftReportMixin, AutomungeCallsMixin, MungeCoreMixin, TransformerMixin,
    BaseEstimator,
):
    """Prepare a mixed-type table for machine learning: Automunge as a transformer.

    ``fit`` infers a transform for every column (numeric, binary, categorical,
    high-cardinality, free text, dates, identifiers, constant columns), learns
    its numbers and an infill for missing values; ``transform`` replays exactly
    that on new data. ``fit`` is Automunge's ``automunge`` and ``transform`` its
    ``postmunge``, with the fitted state kept in plain Python dicts
    (:attr:`column_specs_`) that pickle, and that :meth:`save_state` writes as
    versioned JSON. Automunge's calls themselves are the methods
    :meth:`automunge` and :meth:`postmunge`, and its families (feature
    importance and selection, PCA, label-frequency oversampling, noise
    injection) are parameters under Automunge's names.

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
        ``"hash"``, ``"hsh2"``, ``"dat6"``, ``"NArw"``, ...). Noise injection
        on the training data only: ``"DPnb"`` / ``"DLnb"`` (z-score, Gaussian
        / Laplace noise), ``"DPmm"`` / ``"DLmm"`` (min-max), ``"DPrt"`` /
        ``"DLrt"`` (sign-retaining scaling), ``"DPbn"`` (flag), ``"DPod"``
        (ordinal), ``"DPoh"`` (one-hot), ``"DP10"`` (binary); noise
        parameters go in ``assignparam``. Other columns are inferred.
    assigninfill : dict, default=None
        ``{infill: [columns]}``: ``"mean"``, ``"median"``, ``"mode"``,
        ``"constant"``, ``"zero"``, ``"nan"``, ``"adjacent"``, ``"ml"``, or
        Automunge's ``"meaninfill"``, ``"medianinfill"``, ``"modeinfill"``,
        ``"zeroinfill"``, ``"naninfill"``, ``"adjinfill"``, ``"MLinfill"``,
        ``"stdrdinfill"``.
    assignparam : dict, default=None
        ``{transform: {column: {param: value}}}``: keyword arguments of a
        column's transform, e.g. ``{"hashing": {"name": {"n_features": 32}}}``;
        the column key ``"default"`` applies to every column of that transform,
        as does Automunge's ``{"default_assignparam": {transform: {param:
        value}}}``.
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
    labels_column : str, int or None, default=None
        The label column of ``X``: split off in ``fit`` (and used as ``y``),
        dropped in ``transform`` when present; a position for arrays.
    trainID_column : str, int, list or None, default=None
        Identifier columns of ``X``, split off (and dropped in ``transform``).
    testID_column : str, int, list or None, default=None
        Identifier columns of new data, when they differ from ``trainID_column``.
    valpercent : float in [0, 1), default=0.0
        Share of the rows :meth:`automunge` holds out as the validation set
        (the last rows, after shuffling when ``shuffletrain``).
    shuffletrain : bool or "traintest", default=False
        :meth:`automunge` shuffles the training rows (``"traintest"``: the
        test rows too), seeded by ``random_state``.
    TrainLabelFreqLevel : bool, "traintest" or "test", default=False
        Oversample the rarer labels of the training set (copies of their rows
        until every class has as many as the most frequent) in
        :meth:`automunge` and :meth:`fit_transform_resample`; ``"traintest"``
        / ``"test"``: of the test set too / only. ``transform`` never does.
    featureselection : bool, "pct", "metric" or "report", default=False
        Permutation feature importance on a model trained on the prepared
        training set (needs labels), in :attr:`feature_importance_`:
        ``True`` / ``"report"`` report it; ``"pct"`` keeps the top
        ``featurethreshold`` share of the source columns, ``"metric"`` those
        whose importance exceeds ``featurethreshold``.
    featurethreshold : float in [0, 1], default=0.0
        Threshold of ``featureselection="pct"`` / ``"metric"``.
    PCAn_components : int, float in (0, 1) or None, default=None
        PCA of the continuous output columns (0/1, ordinal, ``excl`` and
        NaN-infilled outputs pass through): the number of components, or the
        share of the variance to keep. Its state is plain numbers in the JSON
        state, replayed exactly. None (or Automunge's False): no PCA.
    PCA_type : {"default", "PCA", "SparsePCA", "KernelPCA"}, default="default"
        ``"default"`` and ``"PCA"``: linear PCA; ``"SparsePCA"``: sparse
        components. ``"KernelPCA"`` is refused with an error (its state would
        be the whole training table).
    PCAexcl : list of str, default=None
        Source or output columns left out of PCA.
    excl_suffix : bool, default=False
        Name the outputs of ``excl`` columns ``<column>_excl``.
    random_state : int, RandomState instance or None, default=None
        Seed of ML infill, feature importance, PCA, the noise of the ``DP*``
        transforms, and of the shuffling and oversampling of :meth:`automunge`.
    printstatus : bool, "summary" or "silent", default=False
        Automunge's status prints: True prints each stage, the column choices,
        the feature importance and a summary, with a progress bar over the
        ML-infill models; ``"summary"`` only the closing summary; False and
        ``"silent"`` nothing.
    verbose : int, default=0
        Print one line per inferred column and per ML-infill model, with a
        progress bar (tqdm) over each ML-infill round.

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
        Names of the output columns (``PCA_0``, ... for the components).
    feature_importance_ : dict or None
        With ``featureselection``: Automunge's ``featureimportance``,
        ``{"FScolumn_dict": {output: {"source", "metric", "metric2"}},
        "FS_sorted": {"baseaccuracy", "column_key", "metric2_column_key"},
        "scoring"}``. ``metric``: the score lost when a source column's
        outputs are shuffled (higher is more important); ``metric2``: the score
        lost when the other outputs of its source are shuffled (lower is
        more important).
    output_layout_ : dict
        The output stage: the kept output columns, the source columns dropped
        by feature selection, and the PCA state (plain numbers) or None.
    label_munger_ : LabelMunger or None
        Set by :meth:`automunge`: the encoder of the labels.
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
    AutoMunge : Automunge's own object, ``am.automunge`` / ``am.postmunge``.
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
    values for hashed, dropped and deselected columns; it is not available
    after PCA. The noise transforms are noisy in ``fit_transform`` (the
    training set) only, so ``fit_transform(X)`` differs from
    ``fit(X).transform(X)`` with them.

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
        "labels_column": [str, Interval(Integral, 0, None, closed="left"), None],
        "trainID_column": _COLUMNS,
        "testID_column": _COLUMNS,
        "valpercent": [Interval(Real, 0, 1, closed="left")],
        "shuffletrain": ["boolean", StrOptions({"traintest"})],
        "TrainLabelFreqLevel": ["boolean", StrOptions({"traintest", "test"})],
        "featureselection": ["boolean", StrOptions({"pct", "metric", "report"})],
        "featurethreshold": [Interval(Real, 0, 1, closed="both")],
        "PCAn_components": [Interval(Integral, 1, None, closed="left"),
                            Interval(RealNotInt, 0, 1, closed="neither"), "boolean", None],
        "PCA_type": [StrOptions({"default", "PCA", "SparsePCA", "KernelPCA"})],
        "PCAexcl": [list, None],
        "excl_suffix": ["boolean"],
        "random_state": ["random_state"],
        "printstatus": ["boolean", StrOptions({"summary", "silent"})],
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
        labels_column=None,
        trainID_column=None,
        testID_column=None,
        valpercent=0.0,
        shuffletrain=False,
        TrainLabelFreqLevel=False,
        featureselection=False,
        featurethreshold=0.0,
        PCAn_components=None,
        PCA_type="default",
        PCAexcl=None,
        excl_suffix=False,
        random_state=None,
        printstatus=False,
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
        self.labels_column = labels_column
        self.trainID_column = trainID_column
        self.testID_column = testID_column
        self.valpercent = valpercent
        self.shuffletrain = shuffletrain
        self.TrainLabelFreqLevel = TrainLabelFreqLevel
        self.featureselection = featureselection
        self.featurethreshold = featurethreshold
        self.PCAn_components = PCAn_components
        self.PCA_type = PCA_type
        self.PCAexcl = PCAexcl
        self.excl_suffix = excl_suffix
        self.random_state = random_state
        self.printstatus = printstatus
        self.verbose = verbose

    def _validate_frame(self, X, *, reset, policy=None):
        """Check ``X``; return it as a DataFrame with the fitted column names."""
        return validate_frame(self, X, reset=reset, policy=policy or self.column_policy)

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Infer, fit and record a transform and an infill for every column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training table; any mix of numbers, strings, booleans, categoricals
            and dates, with missing values (and the ``labels_column`` and ID
            columns, if named: they are split off).
        y : array-like of shape (n_samples,), default=None
            Labels, used by ``featureselection`` only (the ``labels_column``
            of ``X`` when None). :class:`LabelMunger` encodes labels.

        Returns
        -------
        self : object
            The fitted munger.
        """
        self._fit(X, y)
        return self

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit and return the prepared training table.

        Equal to ``fit(X).transform(X)``, except that the noise transforms
        (``DP*``) add their noise here, to the training data.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training table.
        y : array-like of shape (n_samples,), default=None
            Labels, for ``featureselection``.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The prepared table, float64.
        """
        return self._fit(X, y)

    def transform(self, X):
        """Prepare new data exactly as the training data (Automunge's postmunge).

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            New table with the columns seen in ``fit`` (see ``column_policy``);
            the label and ID columns named in the parameters are dropped.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The prepared table, float64, rows in the input order.
        """
        check_is_fitted(self)
        X = self._split(X, fit=False)[0]
        frame = self._validate_frame(X, reset=False)
        return self._transform_frame(frame)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags
