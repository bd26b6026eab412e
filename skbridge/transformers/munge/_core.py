"""The work of :class:`AutoMunger`'s ``fit`` and ``transform``, as a mixin.

``_fit`` reads every column, infers and fits its spec, encodes the table
(adding noise where a ``DP*`` transform asks for it, training data only), runs
ML infill, then the output stage (feature selection and PCA);
``_transform_frame`` replays all of it on new data. The label and identifier
columns named in the parameters are split off first (:func:`split_columns`).
"""

import time
import warnings
from functools import partial

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

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
from ._labels import LabelMunger
from ._ml_infill import MLInfiller
from ._numeric_transforms import Excl
from ._output_stage import apply_output_stage, fit_output_stage, output_stage_names
from ._transforms import TRANSFORMS
from ._values import infer_kind, read_column

__all__ = ["MungeCoreMixin", "split_columns"]

_SEEDS = ("ml", "noise", "select", "resample", "test_noise")


def _as_list(columns):
    if columns is None or columns is False:
        return []
    if isinstance(columns, (str, int, np.integer)) and not isinstance(columns, bool):
        return [columns]
    return list(columns)


def split_columns(X, labels_column, id_columns, *, required, n_features=None):
    """Split the label and identifier columns off ``X``.

    DataFrame columns are found by name; for arrays, integer positions are
    used (at transform time only when ``X`` has exactly ``n_features`` plus
    those columns).

    Parameters
    ----------
    X : DataFrame or array-like
        The table.
    labels_column : str, int or None
        The label column.
    id_columns : str, int, list or None
        The identifier columns.
    required : bool
        Raise when a named column is missing (``fit``); otherwise the columns
        present are split off.
    n_features : int, default=None
        Width expected without them (arrays at transform time).

    Returns
    -------
    X_rest : DataFrame or ndarray
    labels : Series or None
    ids : DataFrame or None
    """
    labels, ids = _as_list(labels_column), _as_list(id_columns)
    wanted = labels + ids
    if not wanted:
        return X, None, None
    if isinstance(X, pd.DataFrame):
        missing = [c for c in wanted if c not in X.columns]
        if missing and required:
            what = "labels_column" if missing[0] in labels else "trainID_column"
            raise ValueError(
                f"{what} names the column {missing[0]!r}, which is not in the data. "
                f"Columns: {list(X.columns)[:20]}."
            )
        present = [c for c in wanted if c in X.columns]
        y = X[labels[0]] if labels and labels[0] in X.columns else None
        id_present = [c for c in ids if c in X.columns]
        return X.drop(columns=present), y, (X[id_present] if id_present else None)
    if not all(isinstance(c, (int, np.integer)) for c in wanted):
        raise ValueError(
            "labels_column and the ID columns name columns by position (int) when X is an "
            "array; pass a DataFrame to name them."
        )
    arr = np.asarray(X, dtype=object) if not hasattr(X, "shape") else X
    if arr.ndim != 2 or (n_features is not None and arr.shape[1] != n_features + len(wanted)):
        return X, None, None
    y = pd.Series(arr[:, labels[0]]) if labels else None
    ids_frame = pd.DataFrame(arr[:, ids], columns=ids) if ids else None
    return np.delete(arr, wanted, axis=1), y, ids_frame


def _is_excl(choice):
    if isinstance(choice, str):
        return choice in TRANSFORMS and TRANSFORMS.lookup(choice) is Excl
    return choice is Excl or isinstance(choice, Excl)


class MungeCoreMixin:
    """``_fit`` and ``_transform_frame`` of :class:`AutoMunger`."""

    def _say(self, message, *, summary=False):
        """Print ``message`` under ``printstatus`` (True: all; "summary": the summary only)."""
        status = self.printstatus
        if status is True or (summary and status == "summary"):
            print(f"[AutoMunger] {message}")

    def _seeds(self):
        """Independent seeds of the random stages, all drawn from ``random_state``."""
        rng = check_random_state(self.random_state)
        return {name: int(rng.randint(np.iinfo(np.int32).max)) for name in _SEEDS}

    def _transformer(self):
        return partial(make_transform, classes=self._external_classes)

    def _ml_infiller(self):
        return MLInfiller(
            self.column_specs_, self._transformer(),
            estimator=self.ml_infill_estimator, max_iter=self.ml_infill_max_iter,
            tol=self.ml_infill_tol, max_samples=self.ml_infill_max_samples, n_jobs=self.n_jobs,
            verbose=self.verbose, progress=bool(self.verbose or self.printstatus is True),
            models=getattr(self, "ml_models_", None), n_rounds=getattr(self, "n_ml_rounds_", 0),
        )

    def _split(self, X, *, fit):
        """``X`` without its label and ID columns, the labels, the IDs."""
        if fit:
            ids = self.trainID_column
        else:
            ids = self.testID_column if self.testID_column is not None else self.trainID_column
        n_features = None if fit else getattr(self, "n_features_in_", None)
        return split_columns(X, self.labels_column, ids, required=fit, n_features=n_features)

    # ------------------------------------------------------------------ fit

    def _fit(self, X, y=None, *, split=True):
        self._external_classes = {}
        t0 = time.perf_counter()
        self.label_munger_ = None
        if split:
            X, labels, _ = self._split(X, fit=True)
            if labels is not None:  # the label column: encoded by postmunge, as automunge's
                self.label_munger_ = LabelMunger().fit(labels)
            y = labels if y is None else y
        frame = self._validate_frame(X, reset=True)
        seeds = self._seeds()
        names = list(frame.columns)
        self._say(f"fitting on {len(frame)} rows and {len(names)} columns")
        assigned, assigned_params, assigned_fills = assignments(
            names, assigncat=self.assigncat, assigninfill=self.assigninfill,
            assignparam=self.assignparam,
        )
        specs, prepared = {}, {}
        for col in names:
            series = frame[col]
            info = infer_kind(series, max_onehot=self.max_onehot)
            choice, why = choose_transform(self, col, info, series, assigned)
            kwargs = transform_kwargs(choice, col, assigned_params)
            if self.excl_suffix and _is_excl(choice):
                kwargs.setdefault("suffix", "excl")
            requested = assigned_fills.get(col)
            spec, values, missing = fit_column(
                col, series, info, choice, why, kwargs,
                infill=self.infill if requested is None else requested,
                ml_infill=self.ml_infill and requested is None,
                nan_markers=self.nan_markers,
                classes=self._external_classes,
            )
            specs[col] = spec
            prepared[col] = (values, missing)
            line = (f"{col!r}: {spec['kind']} -> {spec['transform']['name']}, "
                    f"infill {spec['infill']['name']} ({spec['reason']})")
            if self.verbose:
                print(f"[AutoMunger] {line}")
            else:
                self._say(line)
        n_out = lay_out(specs, self._external_classes)
        self.column_specs_ = specs
        full_names = output_names(names, specs)
        out = np.empty((len(frame), n_out))
        for i, (col, spec) in enumerate(specs.items()):
            values, missing = prepared[col]
            rng = np.random.default_rng([seeds["noise"], i])  # used by DP* transforms only
            block, values = encode_column(spec, values, missing, self._external_classes, rng)
            out[:, spec["slice"][0] : spec["slice"][0] + block.shape[1]] = block
            prepared[col] = (values, missing)
        ml_cols = [c for c, s in specs.items() if s["infill"]["name"] == "ml" and s["n_missing"]]
        infiller = self._ml_infiller()
        if ml_cols:
            self._say(f"ML infill of {len(ml_cols)} column(s)")
            infiller.fit(out, ml_cols, prepared, seeds["ml"])
        self.ml_models_, self.n_ml_rounds_ = infiller.models, infiller.n_rounds
        self.output_layout_, self.feature_importance_ = fit_output_stage(
            self, out, y, seeds["select"], full_names, self._transformer()
        )
        self.feature_names_out_ = np.asarray(
            output_stage_names(full_names, self.output_layout_), dtype=object
        )
        self.column_report_ = column_report(specs)
        result = apply_output_stage(out, self.output_layout_)
        self._report_fit(len(frame), len(names), result.shape[1], time.perf_counter() - t0)
        return result

    def _report_fit(self, n_rows, n_columns, n_out, seconds):
        layout, report = self.output_layout_, self.feature_importance_
        if report is not None:
            ranked = report["FS_sorted"]["column_key"]
            shown = ", ".join(f"{c} {m:.4f}" for c, m in list(ranked.items())[:10])
            self._say(f"feature importance ({report['scoring']} lost when shuffled): {shown}")
            if layout["dropped"]:
                self._say(f"feature selection dropped {layout['dropped']}")
        if layout["pca"] is not None:
            pca = layout["pca"]
            self._say(f"{pca['type']}: {len(pca['inputs'])} continuous columns -> "
                      f"{len(pca['components'])} components")
        self._say(f"done: {n_rows} rows x {n_columns} columns -> {n_out} features in "
                  f"{seconds:.2f} s", summary=True)

    # ------------------------------------------------------------------ transform

    def _transform_frame(self, frame, *, noise_seed=None):
        """Prepare ``frame``; ``noise_seed`` adds the ``DP*`` noise (training data)."""
        out = np.empty((len(frame), self.output_layout_["n_full"]))
        prepared = {}
        test_seed = None
        for i, (col, spec) in enumerate(self.column_specs_.items()):
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
            rng = None
            if noise_seed is not None:
                rng = np.random.default_rng([noise_seed, i])
            elif spec["transform"]["params"].get("testnoise"):
                test_seed = self._seeds()["test_noise"] if test_seed is None else test_seed
                rng = np.random.default_rng([test_seed, i])
            block, values = encode_column(spec, values, missing, self._external_classes, rng)
            lo = spec["slice"][0]
            out[:, lo : lo + block.shape[1]] = block
            if col in self.ml_models_:
                prepared[col] = (values, missing)
        self._ml_infiller().replay(out, prepared)
        return apply_output_stage(out, self.output_layout_)

    # ------------------------------------------------------------------ names, inverse

    def inverse_transform(self, X):
        """Map prepared data back to the original columns.

        Exact for invertible transforms (see Notes); rows whose NaN marker is
        set come back missing, and so do the columns dropped by feature
        selection. Not available after PCA.

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
        layout = self.output_layout_
        if layout["pca"] is not None:
            raise ValueError(
                "inverse_transform is not available after PCA (PCAn_components="
                f"{self.PCAn_components!r}): the components left out cannot be recovered."
            )
        if isinstance(X, pd.DataFrame):
            X = X.to_numpy(dtype=np.float64)
        Z = np.asarray(X, dtype=np.float64)
        n_out = len(self.feature_names_out_)
        if Z.ndim != 2 or Z.shape[1] != n_out:
            raise ValueError(
                f"inverse_transform expects an array of shape (n_samples, {n_out}) as returned "
                f"by transform; got shape {Z.shape}."
            )
        full = Z
        if n_out != layout["n_full"]:
            full = np.zeros((Z.shape[0], layout["n_full"]))
            full[:, layout["keep"]] = Z
        dropped = set(layout["dropped"])
        data = {}
        for col, spec in self.column_specs_.items():
            if col in dropped:
                data[col] = np.full(Z.shape[0], np.nan)
            else:
                data[col] = invert_column(spec, full, self._external_classes)
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
            ``<column>_epoch`` / ``_doy_sin`` ... for dates,
            ``<column>_nan`` for NaN markers and ``PCA_<i>`` for components.
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
        full = output_names([str(f) for f in input_features], self.column_specs_)
        return np.asarray(output_stage_names(full, self.output_layout_), dtype=object)
