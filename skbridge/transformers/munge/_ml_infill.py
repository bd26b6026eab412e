"""ML infill: a model per column predicts its missing values from the other columns.

:class:`MLInfiller` trains the models on the encoded training table, iterated
like :class:`~sklearn.impute.IterativeImputer`, and replays them on new data.
:class:`AutoMunger` builds one from its ``ml_infill_*`` parameters and keeps
the fitted models in ``ml_models_`` and ``n_ml_rounds_``.
"""

import time

import numpy as np
from sklearn.base import clone, is_classifier

from ...compat import OptionalDependencyError, effective_n_threads, import_optional

__all__ = ["MLInfiller", "thread_limit"]

# Most classes an ML-infill classifier is trained on; rarer ones are pooled.
_ML_MAX_CLASSES = 10
_THREADPOOLS = None  # threadpoolctl controller, created on first ML infill


def _default_estimator(kind, seed):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    params = dict(
        max_iter=15, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False, random_state=seed
    )
    if kind == "classifier":
        return HistGradientBoostingClassifier(**params)
    return HistGradientBoostingRegressor(**params)


def thread_limit(n_jobs):
    """Context manager limiting the OpenMP threads of the models to ``n_jobs``."""
    global _THREADPOOLS
    if _THREADPOOLS is None:  # scanning the loaded libraries is slow: do it once
        import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime first)
        from threadpoolctl import ThreadpoolController

        _THREADPOOLS = ThreadpoolController()
    n_threads = 1 if n_jobs == 1 else effective_n_threads(n_jobs)
    return _THREADPOOLS.limit(limits=n_threads, user_api="openmp")


class _Progress:
    """A tqdm bar over one round's models (``progress``), or nothing.

    Without tqdm installed the bar is left out and only the lines are printed.
    """

    def __init__(self, show, total, desc):
        self.bar = None
        if show:
            try:
                tqdm = import_optional("tqdm", extra="pipes", purpose="AutoMunger progress").tqdm
            except OptionalDependencyError:
                return
            self.bar = tqdm(total=total, desc=desc, unit="model", leave=False)

    def step(self, column):
        if self.bar is not None:
            self.bar.set_postfix_str(str(column), refresh=False)
            self.bar.update(1)

    def write(self, line):
        if self.bar is not None:
            self.bar.write(line)
        else:
            print(line)

    def close(self):
        if self.bar is not None:
            self.bar.close()


class _ConstantModel:
    """Stand-in model when a column's observed values all fall in one class."""

    def __init__(self, value):
        self.value = value

    def predict(self, X):
        return np.full(len(X), self.value)


class MLInfiller:
    """Fit and replay the ML-infill models of a munger's columns.

    Parameters
    ----------
    specs : dict of str to dict
        The munger's ``column_specs_`` (output slices, NaN markers, fitted
        transforms).
    transformer : callable
        ``transformer(spec)`` returns the column's :class:`Transform`.
    estimator : estimator or dict, default=None
        ``ml_infill_estimator`` of :class:`AutoMunger`.
    max_iter : int, default=2
        Most rounds (``ml_infill_max_iter``).
    tol : float, default=0.01
        Fixed-point tolerance (``ml_infill_tol``).
    max_samples : int or None, default=5000
        Most training rows per model (``ml_infill_max_samples``).
    n_jobs : int or None, default=1
        OpenMP threads of the models.
    verbose : int, default=0
        Print one line per model and per round.
    progress : bool, default=False
        Show a tqdm progress bar over each round's models.
    models : dict of str to dict, default=None
        Fitted models to replay (``ml_models_``).
    n_rounds : int, default=0
        Rounds run in ``fit`` (``n_ml_rounds_``).
    """

    def __init__(
        self, specs, transformer, *, estimator=None, max_iter=2, tol=0.01, max_samples=5_000,
        n_jobs=1, verbose=0, progress=False, models=None, n_rounds=0,
    ):
        self.specs = specs
        self.transformer = transformer
        self.estimator = estimator
        self.max_iter = max_iter
        self.tol = tol
        self.max_samples = max_samples
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.progress = progress
        self.models = {} if models is None else models
        self.n_rounds = n_rounds

    def thread_limit(self):
        """Context manager limiting the models' OpenMP threads to ``n_jobs``."""
        return thread_limit(self.n_jobs)

    # ------------------------------------------------------------------ pieces

    def _estimator_for(self, kind, seed):
        est = self.estimator
        if isinstance(est, dict):
            unknown = set(est) - {"regressor", "classifier"}
            if unknown:
                raise ValueError(
                    f"ml_infill_estimator as a dict takes the keys 'regressor' and "
                    f"'classifier'; got {sorted(unknown)}."
                )
            est = est.get(kind)
        elif est is not None and is_classifier(est) != (kind == "classifier"):
            est = None
        if est is None:
            return _default_estimator(kind, seed)
        est = clone(est)
        if "random_state" in est.get_params():
            est.set_params(random_state=seed)
        return est

    def _excluded(self):
        """Output columns no model may use: those of ``excl`` (``ml_features=False``)."""
        out = []
        for spec in self.specs.values():
            if not getattr(self.transformer(spec), "ml_features", True):
                out.extend(range(*spec["slice"]))
        return out

    def _features(self, spec, n_out):
        drop = list(range(*spec["slice"])) + self.excluded
        if spec["marker"] is not None:
            drop.append(spec["marker"])
        keep = np.ones(n_out, dtype=bool)
        keep[drop] = False
        return np.flatnonzero(keep)

    def _target(self, spec, values, observed):
        """Training target of one column: its numbers, or pooled class codes."""
        if spec["read_as"] != "categorical":
            return values[observed], None
        fitted = spec["transform"]["fitted"]
        codes = self.transformer(spec).codes(values.take(observed), fitted)
        counts = np.bincount(codes[codes >= 0], minlength=len(fitted["categories"]))
        top = np.sort(np.argsort(-counts, kind="stable")[:_ML_MAX_CLASSES])
        mapping = np.full(len(fitted["categories"]) + 2, len(top), dtype=np.int64)
        mapping[top] = np.arange(len(top))
        rare = np.setdiff1d(np.flatnonzero(counts), top)
        other = int(rare[np.argmax(counts[rare])]) if rare.size else int(top[0])
        classes = {"codes": top.tolist(), "other": other}
        return mapping[codes], classes

    def _fill(self, out, spec, entry, values, missing):
        """Predict the missing rows of one column and re-encode them in ``out``."""
        rows = np.flatnonzero(missing)
        features = out[np.ix_(rows, entry["features"])]
        pred = entry["model"].predict(features)
        if spec["read_as"] == "categorical":
            codes_map = np.append(entry["classes"]["codes"], entry["classes"]["other"])
            pred = codes_map[np.clip(np.asarray(pred, dtype=np.int64), 0, len(codes_map) - 1)]
            values.fill_codes(missing, pred, spec["transform"]["fitted"]["categories"])
            sub = values.take(rows)
        else:
            values[rows] = np.asarray(pred, dtype=np.float64)
            sub = values[rows]
        block = self.transformer(spec).transform(sub, spec["transform"]["fitted"])
        lo, hi = spec["slice"]
        out[rows, lo:hi] = block
        return pred

    # ------------------------------------------------------------------ fit and replay

    def fit(self, out, columns, prepared, seed):
        """Train a model per column of ``columns`` and infill ``out`` in place.

        Parameters
        ----------
        out : ndarray of shape (n_samples, n_features_out)
            The encoded training table, initially infilled.
        columns : list of str
            The columns to infill with a model (those with missing values).
        prepared : dict of str to (values, missing)
            Every column's values (infilled in place) and missing mask.
        seed : int
            Seed of the models and of their training-row subsets.

        Returns
        -------
        self : MLInfiller
            With ``models`` and ``n_rounds`` set.
        """
        self.models, self.n_rounds = {}, 0
        with self.thread_limit():
            self._fit(out, columns, prepared, seed)
        return self

    def _fit(self, out, columns, prepared, seed):
        rng = np.random.RandomState(seed)
        specs = self.specs
        n_out = out.shape[1]
        self.excluded = self._excluded()
        # a column with nothing else to learn from keeps its initial (mean or mode) infill
        columns = [c for c in columns if self._features(specs[c], n_out).size]
        if not columns:
            return
        order = sorted(columns, key=lambda c: specs[c]["n_missing"])
        initial, rows = {}, {}
        for col in order:
            # the training rows of each model, drawn once: rounds differ only by the infill
            observed = np.flatnonzero(~prepared[col][1])
            cap = self.max_samples
            if cap is not None and observed.size > cap:
                observed = np.sort(rng.choice(observed, cap, replace=False))
            rows[col] = observed
            lo, hi = specs[col]["slice"]
            initial[col] = out[prepared[col][1], lo:hi].copy()
        previous, models = {}, {}
        n_rounds = 0
        for round_ in range(self.max_iter):
            t0 = time.perf_counter()
            change = 0.0
            bar = _Progress(self.progress, len(order), f"ML infill round {round_ + 1}")
            for col in order:
                spec = specs[col]
                values, missing = prepared[col]
                observed = rows[col]
                target, classes = self._target(spec, values, observed)
                kind = "classifier" if classes is not None else "regressor"
                entry = {
                    "features": self._features(spec, n_out),
                    "classes": classes,
                    "model": self._estimator_for(kind, seed),
                }
                if classes is not None and len(np.unique(target)) < 2:
                    entry["model"] = _ConstantModel(target[0] if target.size else 0)
                else:
                    entry["model"].fit(out[np.ix_(observed, entry["features"])], target)
                pred = self._fill(out, spec, entry, values, missing)
                models[col] = entry
                if col in previous:
                    old = previous[col]
                    if classes is None:
                        scale = max(spec["reference"].get("std", 1.0), 1e-12)
                        change = max(change, float(np.mean(np.abs(pred - old))) / scale)
                    else:
                        change = max(change, float(np.mean(pred != old)))
                previous[col] = pred
                bar.step(col)
                if self.verbose:
                    bar.write(f"[AutoMunger] ML infill round {round_ + 1}: {col!r} "
                              f"({missing.sum()} missing, {kind})")
            bar.close()
            n_rounds = round_ + 1
            if self.verbose or self.progress:
                print(f"[AutoMunger] ML infill round {n_rounds} done in "
                      f"{time.perf_counter() - t0:.2f} s, change {change:.4g}")
            if round_ > 0 and change <= self.tol:
                break
        self.models = {col: models[col] for col in order}
        self.n_rounds = n_rounds
        # Replay from the initial infill, exactly as transform does on new data.
        for col in order:
            lo, hi = specs[col]["slice"]
            out[prepared[col][1], lo:hi] = initial[col]
        self._replay(out, prepared)

    def replay(self, out, prepared):
        """Infill the missing rows of new data in ``out`` with the fitted models.

        Parameters
        ----------
        out : ndarray of shape (n_samples, n_features_out)
            The encoded table, initially infilled; changed in place.
        prepared : dict of str to (values, missing)
            The values and missing mask of every ML-infilled column.
        """
        if any(missing.any() for _, missing in prepared.values()):
            with self.thread_limit():
                self._replay(out, prepared)

    def _replay(self, out, prepared):
        # After the first sweep only rows missing two or more ML-infilled values can
        # change (the models are fixed): the other rows are skipped, exactly.
        n_missing = sum(missing.astype(np.int64) for _, missing in prepared.values())
        several = n_missing >= 2
        for sweep in range(self.n_rounds):
            for col, entry in self.models.items():
                values, missing = prepared[col]
                rows = missing if sweep == 0 else missing & several
                if rows.any():
                    self._fill(out, self.specs[col], entry, values, rows)
