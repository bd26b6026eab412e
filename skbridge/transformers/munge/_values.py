"""Reading a column as numbers, dates or categories, and inferring its kind.

Everything here works on one :class:`pandas.Series` at a time and returns plain
NumPy arrays: ``float64`` with NaN for missing numeric values, seconds since the
epoch for dates, and :class:`CategoricalValues` (an index into the column's own
unique values) for categories.
"""

import re
import warnings

import numpy as np
import pandas as pd
from pandas.api.types import (
    is_bool_dtype,
    is_complex_dtype,
    is_datetime64_any_dtype,
    is_numeric_dtype,
    is_timedelta64_dtype,
)

__all__ = [
    "CategoricalValues",
    "categorical_values",
    "datetime_seconds",
    "infer_kind",
    "jsonable",
    "key_of",
    "numeric_values",
    "read_column",
]

# Names that mark an integer column of unique values as an identifier.
_ID_NAME = re.compile(r"(^|[_\W])(id|ids|key|index|idx|uuid)($|[_\W])|id$", re.IGNORECASE)
_DATE_CHARS = re.compile(r"\d.*[-/:.].*\d|[A-Za-z]{3,}\s+\d|\d\s+[A-Za-z]{3,}")


def key_of(value):
    """The string under which a category is matched (1, 1.0 and "1" coincide)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    if isinstance(value, str):
        return value
    return str(value)


def jsonable(value):
    """A JSON-friendly Python scalar for a category label."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, str):
        return value
    return str(value)


class CategoricalValues:
    """One column's values as an index into its own unique values.

    Parameters
    ----------
    idx : ndarray of int64, shape (n_samples,)
        Position of each row's value in ``keys``; -1 marks a missing value.
    keys : list of str
        The distinct values, as matching keys (see :func:`key_of`).
    labels : list
        The distinct values as they appeared (for inverse transforms).
    """

    def __init__(self, idx, keys, labels):
        self.idx = idx
        self.keys = keys
        self.labels = labels

    def __len__(self):
        return len(self.idx)

    @property
    def missing(self):
        return self.idx < 0

    def codes(self, index):
        """Codes in a fitted vocabulary ``index`` (dict key -> code).

        Missing values give -1 and values outside the vocabulary -2.
        """
        lookup = np.array([index.get(k, -2) for k in self.keys] + [-1], dtype=np.int64)
        return lookup[self.idx]

    def take(self, rows):
        return CategoricalValues(self.idx[rows], self.keys, self.labels)

    def fill_key(self, mask, key):
        """Put ``key`` in the rows of ``mask`` (in place)."""
        try:
            position = self.keys.index(key)
        except ValueError:
            self.keys = [*self.keys, key]
            self.labels = [*self.labels, key]
            position = len(self.keys) - 1
        self.idx[mask] = position

    def fill_codes(self, mask, codes, categories):
        """Put the fitted categories ``categories[codes]`` in the rows of ``mask``."""
        offset = len(self.keys)
        self.keys = [*self.keys, *categories]
        self.labels = [*self.labels, *categories]
        self.idx[mask] = offset + np.asarray(codes, dtype=np.int64)

    def copy(self):
        return CategoricalValues(self.idx.copy(), list(self.keys), list(self.labels))


def _blank_to_nan(series):
    """Empty and whitespace-only strings count as missing."""
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        values = series.to_numpy(dtype=object, na_value=None)
        blank = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in values), dtype=bool, count=len(values)
        )
        if blank.any():
            values = values.copy()
            values[blank] = None
            return pd.Series(values, index=series.index, dtype=object)
    return series


def _is_blank(value):
    return isinstance(value, str) and not value.strip()


def categorical_values(series):
    """Read ``series`` as categories (:class:`CategoricalValues`).

    Empty and whitespace-only strings and infinities count as missing.
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    idx, uniques = pd.factorize(series, use_na_sentinel=True)
    idx = np.asarray(idx, dtype=np.int64)
    labels = list(uniques)
    keys = [key_of(v) for v in labels]
    blank = [
        i for i, v in enumerate(labels)
        if _is_blank(v) or (isinstance(v, (float, np.floating)) and not np.isfinite(v))
    ]
    if blank or len(set(keys)) < len(keys):  # blanks are missing; 1, 1.0 and "1" are one
        first = {}
        remap = np.empty(len(keys) + 1, dtype=np.int64)
        merged_keys, merged_labels = [], []
        blank = set(blank)
        for i, k in enumerate(keys):
            if i in blank:
                remap[i] = -1
                continue
            if k not in first:
                first[k] = len(merged_keys)
                merged_keys.append(k)
                merged_labels.append(labels[i])
            remap[i] = first[k]
        remap[-1] = -1
        idx = remap[idx]
        keys, labels = merged_keys, merged_labels
    return CategoricalValues(idx, keys, labels)


def numeric_values(series):
    """Read ``series`` as float64 (NaN for missing, unparsable and infinite values).

    Returns
    -------
    x : ndarray of float64
    n_unparsed : int
        Non-missing values that could not be read as numbers.
    """
    dtype = series.dtype
    n_unparsed = 0
    if is_complex_dtype(dtype):
        raise ValueError(
            f"Complex data not supported: column {series.name!r} has dtype {dtype}."
        )
    if is_datetime64_any_dtype(dtype):
        x = datetime_seconds(series)[0]
    elif is_timedelta64_dtype(dtype):
        x = series.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    elif is_bool_dtype(dtype) or is_numeric_dtype(dtype):
        x = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    else:
        values = series.astype(object) if isinstance(dtype, pd.CategoricalDtype) else series
        blank = values.map(_is_blank, na_action="ignore").fillna(False).to_numpy(dtype=bool)
        before = values.notna().to_numpy() & ~blank
        parsed = pd.to_numeric(values, errors="coerce")
        if is_complex_dtype(parsed.dtype):
            raise ValueError(f"Complex data not supported: column {series.name!r}.")
        x = np.asarray(parsed, dtype=np.float64)
        n_unparsed = int(before.sum() - np.isfinite(x).sum() - np.isinf(x).sum())
    if not x.flags.writeable:
        x = x.copy()
    x[~np.isfinite(x)] = np.nan
    return x, n_unparsed


def _parse_dates(values, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
    return parsed


def datetime_seconds(series, fmt=None):
    """Read ``series`` as seconds since 1970-01-01 UTC (NaN for missing).

    Returns
    -------
    seconds : ndarray of float64
    n_unparsed : int
        Non-missing values that could not be read as dates.
    """
    dtype = series.dtype
    n_unparsed = 0
    if is_datetime64_any_dtype(dtype):
        parsed = series
        if getattr(dtype, "tz", None) is not None:
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    elif is_numeric_dtype(dtype) and not is_bool_dtype(dtype):
        # numbers given for a date column: read them as seconds since the epoch
        x = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        x = x.copy()
        x[~np.isfinite(x)] = np.nan
        return x, 0
    else:
        values = _blank_to_nan(series.astype(object))
        before = int(values.notna().sum())
        parsed = _parse_dates(values, fmt or "mixed")
        if fmt is not None and parsed.isna().sum() > len(parsed) - before:
            retry = parsed.isna() & values.notna()
            parsed[retry] = _parse_dates(values[retry], "mixed")
        parsed = parsed.dt.tz_localize(None) if hasattr(parsed, "dt") else parsed
        n_unparsed = before - int(parsed.notna().sum())
    as_ns = pd.Series(parsed).astype("datetime64[ns]")
    x = as_ns.to_numpy().astype("datetime64[ns]").astype(np.int64).astype(np.float64) / 1e9
    x[pd.isna(as_ns).to_numpy()] = np.nan
    return x, n_unparsed


def _guess_date_format(sample):
    from pandas.tseries.api import guess_datetime_format

    for value in sample[:5]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fmt = guess_datetime_format(str(value))
        if fmt is not None:
            return fmt
    return None


def _looks_like_dates(keys):
    """Format string (or "mixed") if most of the distinct ``keys`` read as dates."""
    sample = keys[:200]
    if not sample or sum(bool(_DATE_CHARS.search(k)) for k in sample) < 0.9 * len(sample):
        return None
    fmt = _guess_date_format(sample)
    parsed = _parse_dates(pd.Series(sample, dtype=object), fmt or "mixed")
    if parsed.notna().mean() >= 0.9:
        return fmt or "mixed"
    return None


def _numeric_kind(x, name, *, max_onehot):
    """Kind of a numeric column from its float values."""
    observed = x[~np.isnan(x)]
    if observed.size == 0:
        return "empty", "all values are missing", 0
    n_unique = len(pd.unique(observed))
    if n_unique == 1:
        return "constant", f"one distinct value ({observed[0]:g})", 1
    if n_unique == 2:
        return "binary", "numeric with two distinct values", 2
    integral = bool(np.all(observed == np.floor(observed)))
    if integral and n_unique == observed.size and observed.size >= 20:
        span = observed.max() - observed.min() + 1
        if _ID_NAME.search(str(name)) or span <= 1.5 * observed.size:
            return (
                "identifier",
                "distinct integers in a dense range or an id-like name: a row identifier",
                n_unique,
            )
    return "numeric", f"numeric, {n_unique} distinct values", n_unique


def _kind(info, kind, read_as, reason, n_unique):
    return {**info, "kind": kind, "read_as": read_as, "reason": reason, "n_unique": n_unique}


def infer_kind(series, *, max_onehot):
    """Infer how to read and encode one column.

    Returns
    -------
    info : dict
        ``kind`` (numeric, binary, categorical, high_cardinality, text, datetime,
        identifier, constant, empty), ``read_as`` (numeric, categorical or
        datetime), ``reason``, ``n_unique`` and ``date_format``.
    """
    name = series.name
    dtype = series.dtype
    info = {"date_format": None}
    if is_complex_dtype(dtype):
        raise ValueError(f"Complex data not supported: column {name!r} has dtype {dtype}.")
    if is_bool_dtype(dtype):
        n_unique = int(series.nunique(dropna=True))
        kind = "binary" if n_unique == 2 else ("constant" if n_unique == 1 else "empty")
        return _kind(info, kind, "categorical", "boolean", n_unique)
    if is_datetime64_any_dtype(dtype):
        x = datetime_seconds(series)[0]
        if np.isnan(x).all():
            return _kind(info, "empty", "datetime", "all values are missing", 0)
        return _kind(info, "datetime", "datetime", f"dtype {dtype}", int(series.nunique()))
    if is_numeric_dtype(dtype) or is_timedelta64_dtype(dtype):
        x = numeric_values(series)[0]
        kind, reason, n_unique = _numeric_kind(x, name, max_onehot=max_onehot)
        read_as = "categorical" if kind == "binary" else "numeric"
        if read_as == "numeric":
            info["values"] = x
        return _kind(info, kind, read_as, reason, n_unique)
    # object, string and categorical columns
    cats = categorical_values(series)
    info["values"] = cats
    observed = ~cats.missing
    n_obs = int(observed.sum())
    n_unique = len(cats.keys)  # factorize lists only the values present
    if n_obs == 0:
        return _kind(info, "empty", "categorical", "all values are missing", 0)
    if not isinstance(dtype, pd.CategoricalDtype):
        parsed = pd.to_numeric(pd.Series(cats.keys, dtype=object), errors="coerce")
        if parsed.notna().all():
            x = numeric_values(series)[0]
            kind, reason, n_unique = _numeric_kind(x, name, max_onehot=max_onehot)
            read_as = "categorical" if kind == "binary" else "numeric"
            info["values"] = x if read_as == "numeric" else cats
            return _kind(info, kind, read_as, f"numeric-looking strings; {reason}", n_unique)
        fmt = _looks_like_dates(cats.keys) if n_unique > 2 else None
        if fmt is not None:
            x, n_bad = datetime_seconds(series, None if fmt == "mixed" else fmt)
            if np.isfinite(x).sum() >= 0.9 * n_obs:
                info.update(values=x, date_format=None if fmt == "mixed" else fmt)
                return _kind(info, "datetime", "datetime", f"date strings (format {fmt})", n_unique)
    if n_unique == 1:
        value = cats.keys[cats.idx[observed][0]]
        return _kind(info, "constant", "categorical", f"one distinct value ({value!r})", 1)
    if n_unique == 2:
        return _kind(info, "binary", "categorical", "two distinct values", 2)
    if n_unique <= max_onehot:
        reason = f"{n_unique} categories (<= max_onehot={max_onehot})"
        return _kind(info, "categorical", "categorical", reason, n_unique)
    if n_unique >= 0.5 * n_obs:
        return {
            **info, "kind": "text", "read_as": "categorical", "n_unique": n_unique,
            "reason": f"{n_unique} distinct values in {n_obs} rows: nearly unique strings",
        }
    return {
        **info, "kind": "high_cardinality", "read_as": "categorical", "n_unique": n_unique,
        "reason": f"{n_unique} categories (> max_onehot={max_onehot})",
    }


def read_column(series, spec):
    """Read one column as its fitted spec says (``spec["read_as"]``).

    Returns
    -------
    values : ndarray of float64 or CategoricalValues
    missing : ndarray of bool
    n_bad : int
        Values that could not be read as the fitted type (now missing).
    """
    read_as = spec["read_as"]
    if read_as == "categorical":
        values = categorical_values(series)
        return values, values.missing.copy(), 0
    if read_as == "datetime":
        values, n_bad = datetime_seconds(series, spec.get("date_format"))
    else:
        values, n_bad = numeric_values(series)
    return values, np.isnan(values), n_bad
