"""Automunge's two calls as methods of :class:`AutoMunger`, and its oversampling.

:meth:`~AutomungeCallsMixin.automunge` splits off the labels and identifiers,
shuffles and holds out validation rows as the parameters say, fits, levels
the label frequencies and prepares every set; :meth:`~AutomungeCallsMixin.postmunge`
prepares new data and returns Automunge's four outputs.
:meth:`~AutomungeCallsMixin.fit_transform_resample` is ``fit_transform`` plus
the oversampling, for code that works with arrays.
"""

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ...compat import fit_context
from ._core import split_columns
from ._feature_selection import check_labels, feature_importance
from ._labels import LabelMunger
from ._oversampling import levelize
from ._results import MungeResult, PostmungeResult

__all__ = ["AutomungeCallsMixin"]

_RETURNED_SETS = (True, False, "test_ID", "test_labels", "test_ID_labels", "result")


def _labels_frame(label_munger, labels):
    if labels is None or label_munger is None:
        return None
    encoded = np.asarray(label_munger.transform(labels)).reshape(len(labels), -1)
    names = label_munger.get_feature_names_out()
    return pd.DataFrame(encoded, columns=names, index=labels.index)


def _take(frame, rows):
    return None if frame is None else frame.iloc[rows]


class AutomungeCallsMixin:
    """:meth:`automunge`, :meth:`postmunge` and :meth:`fit_transform_resample`."""

    def _levels(self, where):
        return self.TrainLabelFreqLevel is True and where == "train" or (
            self.TrainLabelFreqLevel == "traintest" or self.TrainLabelFreqLevel == where
        )

    @fit_context(prefer_skip_nested_validation=True)
    def fit_transform_resample(self, X, y=None):
        """Fit, and return the prepared training rows oversampled by label frequency.

        With ``TrainLabelFreqLevel`` set (True or ``"traintest"``), the rows of
        the rarer classes are repeated (whole copies, then a seeded sample)
        until every class has as many rows as the most frequent one; the
        copies follow the original rows. Otherwise this is ``fit_transform``
        returning ``y`` too. (A row-count-preserving ``fit_transform`` is
        what a scikit-learn pipeline needs, so the oversampling lives here.)

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
            Training table (with the ``labels_column``, if named).
        y : array-like of shape (n_samples,), default=None
            Class labels; taken from ``labels_column`` when None.

        Returns
        -------
        X_new : ndarray of shape (n_resampled, n_features_out)
            The prepared training rows, copies appended.
        y_new : Series or ndarray of shape (n_resampled,)
            The labels of those rows.
        """
        X, labels, _ = self._split(X, fit=True)
        y = labels if y is None else y
        Z = self._fit(X, y, split=False)
        if not self._levels("train"):
            return Z, y
        values = check_labels(y, len(Z), "TrainLabelFreqLevel")
        rows = levelize(values, np.random.default_rng(self._seeds()["resample"]))
        y_new = y.iloc[rows] if isinstance(y, (pd.Series, pd.DataFrame)) else values[rows]
        return Z[rows], y_new

    # ------------------------------------------------------------------ automunge

    @fit_context(prefer_skip_nested_validation=True)
    def automunge(self, df_train, df_test=None, *, label_encoding="auto"):
        """Automunge's ``automunge``: fit on a training table and prepare every set.

        Uses the parameters ``labels_column``, ``trainID_column``,
        ``testID_column``, ``valpercent``, ``shuffletrain`` and
        ``TrainLabelFreqLevel`` (see the class). The validation rows are the
        last ``valpercent`` of the (shuffled, if ``shuffletrain``) rows; the
        munger is fitted on the others.

        Parameters
        ----------
        df_train : DataFrame
            Training table, labels and identifier columns included.
        df_test : DataFrame, default=None
            Test table, prepared with the fitted state.
        label_encoding : str, default="auto"
            ``encoding`` of the :class:`LabelMunger`.

        Returns
        -------
        result : MungeResult
            Unpacks into Automunge's ten outputs.
        """
        if not isinstance(df_train, pd.DataFrame):
            raise TypeError(f"automunge expects a DataFrame, got {type(df_train).__name__}.")
        rng = check_random_state(self.random_state)
        df = df_train
        if self.shuffletrain:
            df = df.iloc[rng.permutation(len(df))]
        df, labels, ids = split_columns(df, self.labels_column, self.trainID_column,
                                        required=True)
        val_rows = np.zeros(len(df), dtype=bool)
        n_val = int(round(self.valpercent * len(df)))
        if n_val:
            val_rows[len(df) - n_val:] = True
        train_labels = None if labels is None else labels[~val_rows]
        train_X = self._fit(df[~val_rows], train_labels, split=False)
        names = self.get_feature_names_out()
        result = MungeResult(postprocess_dict=self,
                             featureimportance=self.feature_importance_ or {})
        result.train = pd.DataFrame(train_X, columns=names, index=df.index[~val_rows])
        result.train_ids = None if ids is None else ids[~val_rows]
        if labels is not None:
            self.label_munger_ = LabelMunger(encoding=label_encoding).fit(train_labels)
            result.train_labels = _labels_frame(self.label_munger_, train_labels)
        result.label_munger = self.label_munger_
        if self._levels("train"):
            values = check_labels(train_labels, len(result.train), "TrainLabelFreqLevel")
            rows = levelize(values, np.random.default_rng(self._seeds()["resample"]))
            if self.shuffletrain:
                rows = rows[rng.permutation(len(rows))]
            for name in ("train", "train_ids", "train_labels"):
                setattr(result, name, _take(getattr(result, name), rows))
        if val_rows.any():
            frame = self._validate_frame(df[val_rows], reset=False, policy="align")
            result.val = pd.DataFrame(self._transform_frame(frame), columns=names,
                                      index=df.index[val_rows])
            result.val_ids = None if ids is None else ids[val_rows]
            if labels is not None:
                result.val_labels = _labels_frame(self.label_munger_, labels[val_rows])
        if df_test is not None:
            test = self.postmunge(
                df_test, testID_column=self.testID_column,
                TrainLabelFreqLevel=self.TrainLabelFreqLevel in ("traintest", "test"),
                shuffletrain=self.shuffletrain == "traintest",
            )
            result.test, result.test_ids = test.test, test.test_ID
            result.test_labels = test.test_labels
        return result

    # ------------------------------------------------------------------ postmunge

    def postmunge(
        self, df_test, *, testID_column=None, traindata=False, TrainLabelFreqLevel=False,
        featureeval=False, driftreport=False, shuffletrain=False, randomseed=None,
        returnedsets=True,
    ):
        """Automunge's ``postmunge``: prepare new data with the fitted state.

        Columns are matched by name (extra ones ignored, missing ones read as
        all missing, with a warning); the label column and the identifier
        columns are split off when present.

        Parameters
        ----------
        df_test : DataFrame
            New data.
        testID_column : str or list of str, default=None
            Identifier columns (default: the parameters ``testID_column`` or
            ``trainID_column``, those present).
        traindata : bool, default=False
            Treat the data as training data: the ``DP*`` transforms add their
            noise (seeded by ``randomseed``, else by ``random_state``).
        TrainLabelFreqLevel : bool, default=False
            Oversample the rarer labels of this set (needs the label column).
        featureeval : bool, default=False
            Feature importance measured on this set (needs the label column),
            in ``postreports_dict["featureimportance"]``.
        driftreport : bool, default=False
            :meth:`drift_report` of this set in ``postreports_dict["driftreport"]``.
        shuffletrain : bool, default=False
            Shuffle the rows (seeded by ``randomseed``).
        randomseed : int, default=None
            Seed of the noise, the oversampling and the shuffle.
        returnedsets : {True, False, "test_ID", "test_labels", "test_ID_labels", "result"}
            True: the four outputs; False: the test set alone; ``"test_ID"``,
            ``"test_labels"``, ``"test_ID_labels"``: the test set with those
            columns appended; ``"result"``: a :class:`MungeResult`.

        Returns
        -------
        result : PostmungeResult
            ``test, test_ID, test_labels, postreports_dict``.
        """
        check_is_fitted(self)
        if not isinstance(df_test, pd.DataFrame):
            raise TypeError(f"postmunge expects a DataFrame, got {type(df_test).__name__}.")
        if returnedsets not in _RETURNED_SETS:
            raise ValueError(f"returnedsets must be one of {list(_RETURNED_SETS)}, "
                             f"got {returnedsets!r}.")
        ids_named = self.testID_column if self.testID_column is not None else self.trainID_column
        if testID_column is not None:
            split_columns(df_test, None, testID_column, required=True)  # all must be present
            ids_named = testID_column
        df, labels, ids = split_columns(df_test, self.labels_column, ids_named, required=False)
        frame = self._validate_frame(df, reset=False, policy="align")
        seeds = self._seeds()
        seed = None
        if traindata:
            seed = int(randomseed) if randomseed is not None else seeds["noise"]
        out = self._transform_frame(frame, noise_seed=seed)
        names = self.get_feature_names_out()
        test = pd.DataFrame(out, columns=names, index=df.index)
        label_munger = getattr(self, "label_munger_", None)
        test_labels = _labels_frame(label_munger, labels)
        reports = {"featureimportance": {}, "finalcolumns_test": list(names), "driftreport": {},
                   "rowcount_basis": {"postmunge_test_rowcount": len(test)},
                   "pm_miscparameters_results": {}}
        if featureeval:
            values = check_labels(labels, len(out), "featureeval")
            reports["featureimportance"] = feature_importance(
                out, self._output_groups(), values, seed=seeds["select"], names=list(names),
                n_jobs=self.n_jobs)
        if driftreport:
            reports["driftreport"] = self.drift_report(df)
        rng = np.random.default_rng(randomseed if randomseed is not None else seeds["resample"])
        rows = np.arange(len(test))
        if TrainLabelFreqLevel:
            rows = levelize(check_labels(labels, len(out), "TrainLabelFreqLevel"), rng)
        if shuffletrain:
            rows = rows[rng.permutation(len(rows))]
        if TrainLabelFreqLevel or shuffletrain:
            test, ids, test_labels = _take(test, rows), _take(ids, rows), _take(test_labels, rows)
        return self._returned(test, ids, test_labels, reports, returnedsets, label_munger)

    def _returned(self, test, ids, labels, reports, returnedsets, label_munger):
        if returnedsets is True:
            return PostmungeResult(test, ids, labels, reports)
        if returnedsets == "result":
            return MungeResult(test=test, test_ids=ids, test_labels=labels, postprocess_dict=self,
                               label_munger=label_munger,
                               featureimportance=reports["featureimportance"])
        parts = [test]
        if returnedsets in ("test_ID", "test_ID_labels") and ids is not None:
            parts.append(ids)
        if returnedsets in ("test_labels", "test_ID_labels") and labels is not None:
            parts.append(labels)
        return pd.concat(parts, axis=1) if len(parts) > 1 else test

    def _output_groups(self):
        """``{source column: [output positions]}`` (``"PCA"`` for the components)."""
        layout = self.output_layout_
        position = {full: p for p, full in enumerate(layout["keep"])}
        groups = {}
        for col, spec in self.column_specs_.items():
            full = list(range(*spec["slice"])) + (
                [spec["marker"]] if spec["marker"] is not None else [])
            groups[col] = [position[i] for i in full if i in position]
        if layout["pca"] is not None:
            start = len(layout["keep"])
            groups["PCA"] = list(range(start, start + len(layout["pca"]["components"])))
        return groups
