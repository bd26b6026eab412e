"""Assignment maps: the transform, parameters and infill each column gets.

``assigncat``, ``assigninfill`` and ``assignparam`` name columns per transform
or infill, as Automunge does; :func:`assignments` turns them into per-column
maps, and :func:`choose_transform` picks the transform of a column from them or
from its inferred kind.
"""

import numpy as np
import pandas as pd

from ._values import numeric_values

__all__ = ["assignments", "choose_transform", "column_lookup", "transform_kwargs"]


def _as_list(columns):
    if isinstance(columns, (str, int, np.integer)):
        return [columns]
    return list(columns)


def column_lookup(names, columns, what):
    """Map user column references (names, or positions for unnamed input) to names."""
    out = []
    for col in _as_list(columns):
        if isinstance(col, str) and col in names:
            out.append(col)
        elif (
            isinstance(col, (int, np.integer)) and not isinstance(col, bool)
            and 0 <= col < len(names)
        ):
            out.append(names[col])
        else:
            raise ValueError(
                f"{what} names the column {col!r}, which is not in the data. Columns: "
                f"{names[:20]}{' ...' if len(names) > 20 else ''}."
            )
    return out


def _assign_once(names, assigned, param, what):
    """``{column: name}`` from ``{name: columns}``; a column named twice is an error."""
    out = {}
    for name, columns in (assigned or {}).items():
        for col in column_lookup(names, columns, f"{param}[{name!r}]"):
            if col in out:
                raise ValueError(
                    f"Column {col!r} is assigned two {what} in {param}: "
                    f"{out[col]!r} and {name!r}."
                )
            out[col] = name
    return out


def assignments(names, *, assigncat, assigninfill, assignparam):
    """Per-column maps from the ``assign*`` parameters.

    Returns
    -------
    transforms : dict
        ``{column: transform}`` from ``assigncat``.
    params : dict
        ``{(transform, column or "default"): kwargs}`` from ``assignparam``.
    infills : dict
        ``{column: infill}`` from ``assigninfill``.
    """
    cat = _assign_once(names, assigncat, "assigncat", "transforms")
    params = {}
    for transform, per_column in (assignparam or {}).items():
        if transform == "global_assignparam":
            raise ValueError(
                "assignparam['global_assignparam'] is not supported: name the transform, as "
                "{'default_assignparam': {transform: {param: value}}}."
            )
        if transform == "default_assignparam":  # Automunge's {transform: {param: value}}
            for name, kwargs in _check_defaults(per_column).items():
                params[(name, "default_assignparam")] = kwargs
            continue
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
            key = "default" if col == "default" else column_lookup(
                names, [col], f"assignparam[{transform!r}]"
            )[0]
            params[(transform, key)] = kwargs
    fills = _assign_once(names, assigninfill, "assigninfill", "infills")
    return cat, params, fills


def _check_defaults(per_transform):
    if not isinstance(per_transform, dict) or not all(
        isinstance(v, dict) for v in per_transform.values()
    ):
        raise ValueError(
            "assignparam['default_assignparam'] must be a dict {transform: {param: value}}, "
            f"got {per_transform!r}."
        )
    return per_transform


def transform_kwargs(choice, col, params):
    """The ``assignparam`` keyword arguments of ``col`` under the transform ``choice``.

    Automunge's ``default_assignparam`` first, then the column key
    ``"default"``, then the column's own entry.
    """
    label = choice if isinstance(choice, str) else getattr(choice, "name", repr(choice))
    return {**params.get((label, "default_assignparam"), {}),
            **params.get((label, "default"), {}), **params.get((label, col), {})}


def choose_transform(munger, col, info, series, assigned):
    """The transform of one column, and why: assigned, or by its inferred kind.

    Parameters
    ----------
    munger : AutoMunger
        Its parameters give the transform of each kind.
    col : str
        Column name.
    info : dict
        What :func:`~._values.infer_kind` found.
    series : Series
        The training values (read for ``powertransform``).
    assigned : dict
        ``{column: transform}`` from ``assigncat``.
    """
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
        return munger.categorical, "categorical parameter"
    if kind == "high_cardinality":
        return munger.high_cardinality, "high_cardinality parameter"
    if kind == "text":
        return munger.text, "text parameter"
    if kind == "datetime":
        return munger.datetime, "datetime parameter"
    if munger.powertransform:
        x = numeric_values(series)[0]
        obs = x[~np.isnan(x)]
        skew = float(pd.Series(obs).skew()) if obs.size > 2 else 0.0
        if abs(skew) > 1:
            if obs.min() > 0:
                return "boxcox", f"powertransform: skewness {skew:.2f}, positive"
            return "yeojohnson", f"powertransform: skewness {skew:.2f}"
        return "zscore", f"powertransform: skewness {skew:.2f}, close to normal"
    return munger.numeric, "numeric parameter"
