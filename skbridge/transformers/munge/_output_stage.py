"""The last stage of the output: feature selection, then PCA.

The per-column machinery prepares every output column (the "full" table);
this stage keeps the columns of the source columns that feature selection
kept and replaces the continuous ones by their principal components. Its
fitted state, the munger's ``output_layout_``, is plain data: the kept column
indices, the dropped source columns and the PCA state.
"""

import numpy as np

from ._feature_selection import feature_importance, select_sources
from ._pca import apply_pca, fit_pca, pca_inputs

__all__ = ["apply_output_stage", "fit_output_stage", "output_stage_names", "source_groups"]


def source_groups(specs):
    """``{source column: [its output column indices, NaN marker included]}``."""
    groups = {}
    for col, spec in specs.items():
        cols = list(range(*spec["slice"]))
        if spec["marker"] is not None:
            cols.append(spec["marker"])
        groups[col] = cols
    return groups


def fit_output_stage(munger, Z, y, seed, names, transformer):
    """Fit feature selection and PCA on the full prepared training table ``Z``.

    Returns
    -------
    layout : dict
        ``{"n_full", "keep", "dropped", "pca"}``: the full width, the indices
        of the output columns passed through, the source columns dropped by
        feature selection, and the PCA state (with its ``inputs``) or None.
    report : dict or None
        The feature importance report (Automunge's ``featureimportance``).
    """
    specs = munger.column_specs_
    groups = source_groups(specs)
    report, kept = None, [c for c, cols in groups.items() if cols]
    if munger.featureselection:
        if munger.featureselection == "pct" and munger.featurethreshold <= 0:
            select_sources({"FS_sorted": {"column_key": {}}}, "pct", 0.0)  # raises, at once
        report = feature_importance(Z, groups, y, seed=seed, names=names, n_jobs=munger.n_jobs)
        kept = select_sources(report, munger.featureselection, munger.featurethreshold)
    kept_set = set(kept)
    keep = sorted(i for c in kept for i in groups[c])
    pca = None
    n_components = munger.PCAn_components
    if n_components is not None and n_components is not False:
        if n_components is True:
            raise ValueError(
                "PCAn_components=True is not a number of components: pass an int (the "
                "number of components), a float in (0, 1) (the share of the variance to "
                "keep) or None (no PCA)."
            )
        inputs = pca_inputs(Z, specs, names, kept_set, transformer, munger.PCAexcl or ())
        if not inputs:
            raise ValueError(
                "PCA found no continuous output column to reduce (0/1, ordinal, excl and "
                "PCAexcl columns pass through); leave PCAn_components=None."
            )
        pca = fit_pca(Z[:, inputs], n_components, munger.PCA_type, seed)
        pca["inputs"] = inputs
        reduced = set(inputs)
        keep = [i for i in keep if i not in reduced]
    dropped = [c for c in specs if c not in kept_set]
    layout = {"n_full": int(Z.shape[1]), "keep": keep, "dropped": dropped, "pca": pca}
    return layout, report


def _is_identity(layout):
    return (layout is None or (layout["pca"] is None and len(layout["keep"]) == layout["n_full"]))


def apply_output_stage(Z, layout):
    """The output columns of the full table ``Z`` under ``layout``."""
    if _is_identity(layout):
        return Z
    parts = [Z[:, layout["keep"]]]
    if layout["pca"] is not None:
        parts.append(apply_pca(Z[:, layout["pca"]["inputs"]], layout["pca"]))
    return np.hstack(parts)


def output_stage_names(full_names, layout):
    """Names of the output columns: those kept, then ``PCA_0``, ``PCA_1``, ..."""
    if _is_identity(layout):
        return list(full_names)
    names = [full_names[i] for i in layout["keep"]]
    if layout["pca"] is not None:
        names += [f"PCA_{i}" for i in range(len(layout["pca"]["components"]))]
    return names
