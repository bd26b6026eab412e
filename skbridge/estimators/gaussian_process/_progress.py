"""Progress of a marginal-likelihood optimisation (``verbose``): a tqdm bar."""

import math

from ...compat import import_optional

__all__ = ["OptimizationProgress"]


class OptimizationProgress:
    """A tqdm bar over the optimiser runs, with the evaluations and best value so far.

    A context manager; with ``verbose`` false it draws nothing and costs
    nothing. ``evaluated(lml)`` after each likelihood evaluation, ``run_done()``
    after each optimiser run (the first plus each restart).

    Parameters
    ----------
    verbose : int or bool
        Draw the bar when true (tqdm is then imported).
    n_runs : int
        Optimiser runs: the bar's total.
    desc : str
        The bar's label.
    """

    def __init__(self, verbose, n_runs, desc):
        self.evaluations = 0
        self.best = -math.inf
        self.bar = None
        if verbose:
            tqdm = import_optional("tqdm", extra="pipes", purpose="verbose progress").tqdm
            self.bar = tqdm(total=n_runs, desc=desc, unit="run")

    def evaluated(self, lml):
        """Count one likelihood evaluation of value ``lml``."""
        self.evaluations += 1
        if math.isfinite(lml) and lml > self.best:
            self.best = float(lml)
        if self.bar is not None:
            self.bar.set_postfix(evaluations=self.evaluations, lml=f"{self.best:.6g}")

    def run_done(self):
        """Count one finished optimiser run."""
        if self.bar is not None:
            self.bar.update(1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False
