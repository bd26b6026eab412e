"""One column at a time: fit its spec, encode it, invert it, report on it.

A column's spec is a plain dict (``AutoMunger.column_specs_[column]``): how it
is read, its transform and infill (registry key, parameters, fitted numbers),
its place in the output and its drift reference. The functions here build and
replay one spec; :class:`AutoMunger` runs them over the table.
"""

import numpy as np
import pandas as pd

from . import _drift
from ._infill import INFILLS, resolve_infill
from ._transforms import TRANSFORMS, resolve_transform
from ._values import jsonable, read_column

__all__ = [
    "column_report",
    "encode_column",
    "fit_column",
    "invert_column",
    "lay_out",
    "make_infill",
    "make_transform",
    "output_names",
]


def feature_name(base, suffix):
    """``<base>_<suffix>``, or the base alone for an empty suffix."""
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


def output_names(bases, specs):
    """Output feature names of every column, made unique."""
    names = []
    for base, spec in zip(bases, specs.values()):
        names.extend(feature_name(base, s) for s in spec["suffixes"])
    return _dedupe(names)


def make_transform(spec, classes):
    """The spec's :class:`Transform`; ``classes`` holds those outside the registry.

    Nothing is imported here: a ``"module:Class"`` key must be in ``classes``
    (put there by ``fit`` or by ``load_state`` for a trusted module).
    """
    name = spec["transform"]["name"]
    cls = classes.get(name) or TRANSFORMS.lookup(name)
    return cls(**spec["transform"]["params"])


def make_infill(spec, classes):
    """The spec's :class:`Infill`, as :func:`make_transform`."""
    name = spec["infill"]["name"]
    cls = classes.get(name) or INFILLS.lookup(name)
    return cls(**spec["infill"]["params"])


def _remember(classes, registry, key, obj):
    if key not in registry:  # a "module:Class" key: keep the class itself
        classes[key] = type(obj)


def fit_column(col, series, info, choice, why, kwargs, *, infill, ml_infill, nan_markers,
               classes):
    """Fit the spec of one column.

    Parameters
    ----------
    col : str
        Column name.
    series : Series
        The training values.
    info : dict
        What :func:`~._values.infer_kind` found.
    choice, why : transform spec and str
        The transform (name, class or instance) and why it was chosen.
    kwargs : dict
        Its parameters from ``assignparam``.
    infill : str, Infill class or instance
        The infill asked for (assigned, or the munger's ``infill``).
    ml_infill : bool
        Use ML infill instead when the column has missing values (not for
        hashed and ``excl`` columns).
    nan_markers : bool
        Add a NaN marker when the column has missing values.
    classes : dict
        Transforms and infills outside the registries, by key; filled here.

    Returns
    -------
    spec : dict
        The column's spec, without its output layout (see :func:`lay_out`).
    values, missing
        The column's values as read, and their missing mask.
    """
    transform, key = resolve_transform(choice, kwargs)
    _remember(classes, TRANSFORMS, key, transform)
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
    if cached is not None and (
        read_as == cached_kind or (read_as == "datetime" and info["kind"] == "datetime")
    ):
        values = cached
        missing = values.missing.copy() if cached_kind == "categorical" else np.isnan(values)
    else:
        values, missing, _ = read_column(series, spec)
    spec["n_missing"] = int(missing.sum())
    try:
        fitted = transform.fit(values)
    except ValueError as exc:
        raise ValueError(f"Column {col!r}: {exc}") from exc
    spec["transform"] = {"name": key, "params": transform.get_params(), "fitted": fitted}
    if transform.input in ("none", "missing"):
        fill, fill_key, fill_kwargs = None, "none", {}
        value = None
        if info["kind"] == "constant":
            first = series[series.notna()].iloc[0]
            value = jsonable(first.item() if hasattr(first, "item") else first)
        spec["value"] = value
    else:
        if ml_infill and key != "hashing" and spec["n_missing"] and transform.ml_features:
            infill = "ml"
        fill, fill_key = resolve_infill(infill, default=transform.default_infill)
        _remember(classes, INFILLS, fill_key, fill)
        fill_kwargs = fill.get_params()
    spec["infill"] = {
        "name": fill_key,
        "params": fill_kwargs,
        "fitted": fill.fit(values) if fill is not None else {},
    }
    spec["nan_marker"] = bool(
        nan_markers and spec["n_missing"] and transform.input not in ("none", "missing")
        and transform.adds_nan_marker
    )
    if read_as == "categorical":
        vocabulary = fitted.get("categories", [])
        spec["reference"] = _drift.reference_categorical(values, vocabulary)
    elif read_as in ("numeric", "datetime"):
        spec["reference"] = _drift.reference_numeric(values)
    else:
        spec["reference"] = {"type": "none", "nan_rate": float(series.isna().mean())}
    return spec, values, missing


def lay_out(specs, classes):
    """Give every spec its output suffixes, slice and marker; return the width."""
    start = 0
    for spec in specs.values():
        suffixes = make_transform(spec, classes).suffixes(spec["transform"]["fitted"])
        if spec["nan_marker"]:
            suffixes = [*suffixes, "nan"]
        spec["suffixes"] = suffixes
        spec["slice"] = [start, start + len(suffixes) - int(spec["nan_marker"])]
        spec["marker"] = start + len(suffixes) - 1 if spec["nan_marker"] else None
        start += len(suffixes)
    return start


def encode_column(spec, values, missing, classes, rng=None):
    """The output block of one column (infill, transform, NaN marker), and its values.

    With a generator ``rng``, a noise transform (``DP*``) perturbs the block
    (training data); without one the block is clean, unless the transform
    was asked for ``testnoise``, in which case the caller passes a generator.
    """
    transform = make_transform(spec, classes)
    n = len(missing)
    if transform.input == "missing":
        block = transform.transform(missing, spec["transform"]["fitted"])
    elif transform.input == "none":
        block = transform.transform(np.zeros(n), spec["transform"]["fitted"])
    else:
        infill = make_infill(spec, classes)
        fitted = spec["infill"]["fitted"]
        if missing.any():
            if infill.stage == "input":
                values = infill.fill(values, missing, fitted)
            elif not hasattr(values, "idx"):
                values[missing] = fitted.get("value") or 0.0
        block = transform.transform(values, spec["transform"]["fitted"])
        if rng is not None and hasattr(transform, "inject"):
            block = transform.inject(block, values, spec["transform"]["fitted"], rng, ~missing)
        if missing.any() and infill.stage == "output":
            block[missing] = 0.0 if infill.name == "zero" else np.nan
    if spec["nan_marker"]:
        block = np.concatenate([block, missing[:, None].astype(np.float64)], axis=1)
    return block, values


def invert_column(spec, Z, classes):
    """The original values of one column from the whole output ``Z``."""
    transform = make_transform(spec, classes)
    lo, hi = spec["slice"]
    fitted = spec["transform"]["fitted"]
    n = Z.shape[0]
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
    return _restore_dtype(column, spec)


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


def column_report(specs):
    """One row per input column: dtype, kind, transform, infill, counts, features, why."""
    rows = []
    for col, spec in specs.items():
        features = [feature_name(col, s) for s in spec["suffixes"]]
        shown = ", ".join(features[:4])
        if len(features) > 4:
            shown += f", ... ({len(features)})"
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
