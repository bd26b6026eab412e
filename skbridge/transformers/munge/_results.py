"""What :func:`automunge` and :func:`postmunge` return: Automunge's shapes, named."""

from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["MungeResult", "PostmungeResult"]


@dataclass
class MungeResult:
    """The sets prepared by :func:`automunge`.

    Attributes are DataFrames (``None`` where a set was not asked for). Unpacking
    and indexing give Automunge's ten outputs in its order, so that
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
    featureimportance : dict
        Automunge's feature importance report (empty unless
        ``featureselection`` was set): see ``AutoMunger.feature_importance_``.
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
    featureimportance: Any = None

    def __iter__(self):
        return iter((
            self.train, self.train_ids, self.train_labels, self.val, self.val_ids,
            self.val_labels, self.test, self.test_ids, self.test_labels, self.postprocess_dict,
        ))

    def __len__(self):
        return 10

    def __getitem__(self, index):
        return tuple(self)[index]

    def __repr__(self):
        parts = []
        for name in ("train", "train_labels", "val", "val_labels", "test", "test_labels"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value.shape}")
        return f"MungeResult({', '.join(parts)})"


class PostmungeResult(NamedTuple):
    """Automunge's four ``postmunge`` outputs, by position and by name.

    ``test, test_ID, test_labels, postreports_dict = postmunge(state, df)``
    unpacks it as Automunge's; ``result.test`` reads one output.

    Attributes
    ----------
    test : DataFrame
        The prepared features.
    test_ID : DataFrame or None
        The identifier columns, untouched.
    test_labels : DataFrame or None
        The encoded labels, when the label column is present.
    postreports_dict : dict
        ``finalcolumns_test`` (the output columns), ``featureimportance``
        (with ``featureeval=True``), ``driftreport`` (a DataFrame, with
        ``driftreport=True``), ``rowcount_basis`` and
        ``pm_miscparameters_results``.
    """

    test: Any
    test_ID: Any
    test_labels: Any
    postreports_dict: dict
